/*
 * idmap.h - a hash table from (scope, string) to a 32-bit index.
 *
 * The loader looks up every id a file names (nodes, products, events,
 * groups) and checks every map for duplicate keys; with linear scans both
 * were quadratic in the file's size. One table serves many small maps at
 * once: the scope (a map's address, or a small number naming a kind of id)
 * is part of the key.
 *
 * Open addressing with linear probing, grown to stay at most half full:
 * rp_idmap_put and rp_idmap_get are O(1) expected, O(n) memory. Keys are
 * borrowed and must outlive the table. Lookups do not change the table, so
 * a filled table may be read by many threads at once.
 */
#ifndef RIPPLE_IDMAP_H
#define RIPPLE_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#define RP_IDMAP_NONE UINT32_MAX        /* "not in the table" */

struct rp_idmap_slot {
    uint64_t hash;                      /* of scope and key; 0 = empty */
    uintptr_t scope;
    const char *key;
    uint32_t value;
};

struct rp_idmap {
    struct rp_idmap_slot *slots;        /* owned */
    size_t cap;                         /* a power of two, or 0 */
    size_t len;
};

void rp_idmap_init(struct rp_idmap *m);
void rp_idmap_release(struct rp_idmap *m);

/*
 * Adds key in scope with value, unless it is there already. Returns
 * RP_IDMAP_NONE when it was added, else the value already held (which is
 * kept). Aborts when out of memory.
 */
uint32_t rp_idmap_put(struct rp_idmap *m, uintptr_t scope, const char *key,
                      uint32_t value);

/* The value of key in scope, or RP_IDMAP_NONE. */
uint32_t rp_idmap_get(const struct rp_idmap *m, uintptr_t scope,
                      const char *key);

#endif
