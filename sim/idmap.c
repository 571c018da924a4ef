/*
 * idmap.c - (scope, string) -> index, by open addressing.
 */
#include "ripple/idmap.h"

#include <stdlib.h>
#include <string.h>

#include "ripple/diag.h"

/* FNV-1a over the key, mixed with the scope by splitmix64's finaliser so
 * that equal keys of different maps land far apart. Never 0 (= empty). */
static uint64_t hash_of(uintptr_t scope, const char *key)
{
    uint64_t h = 0xcbf29ce484222325u;

    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 0x100000001b3u;
    h ^= (uint64_t)scope + 0x9e3779b97f4a7c15u;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
    h ^= h >> 31;
    return h ? h : 1;
}

void rp_idmap_init(struct rp_idmap *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->len = 0;
}

void rp_idmap_release(struct rp_idmap *m)
{
    free(m->slots);
    rp_idmap_init(m);
}

static struct rp_idmap_slot *probe(const struct rp_idmap *m, uint64_t h,
                                   uintptr_t scope, const char *key)
{
    size_t mask = m->cap - 1;

    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct rp_idmap_slot *s = &m->slots[i];
        if (!s->hash || (s->hash == h && s->scope == scope &&
                         !strcmp(s->key, key)))
            return s;
    }
}

static void grow(struct rp_idmap *m)
{
    struct rp_idmap old = *m;

    m->cap = old.cap ? 2 * old.cap : 64;
    m->slots = rp_xcalloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < old.cap; i++) {
        const struct rp_idmap_slot *s = &old.slots[i];
        if (s->hash)
            *probe(m, s->hash, s->scope, s->key) = *s;
    }
    free(old.slots);
}

uint32_t rp_idmap_put(struct rp_idmap *m, uintptr_t scope, const char *key,
                      uint32_t value)
{
    uint64_t h = hash_of(scope, key);

    if (2 * (m->len + 1) > m->cap)
        grow(m);
    struct rp_idmap_slot *s = probe(m, h, scope, key);
    if (s->hash)
        return s->value;
    *s = (struct rp_idmap_slot){ h, scope, key, value };
    m->len++;
    return RP_IDMAP_NONE;
}

uint32_t rp_idmap_get(const struct rp_idmap *m, uintptr_t scope,
                      const char *key)
{
    if (!m->cap)
        return RP_IDMAP_NONE;
    const struct rp_idmap_slot *s = probe(m, hash_of(scope, key), scope, key);
    return s->hash ? s->value : RP_IDMAP_NONE;
}
