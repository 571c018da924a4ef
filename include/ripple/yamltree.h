/*
 * yamltree.h - a YAML document as a plain, editable tree.
 *
 * The scenario loader does not read libyaml's document directly: it first
 * turns it into this tree so that "extends:", variants and --set overrides
 * can all be applied as RFC 7386 JSON Merge Patches before any checking.
 * Every node keeps the place it was written (file, line, column from 1),
 * and a node a patch brings in keeps the patch's place, so an error found
 * after merging still points at the line that caused it.
 *
 * Nodes and strings live in the tree's arena: nothing is freed one by one,
 * rp_ytree_release() frees all. File names are borrowed and must outlive
 * the tree. Only this module includes <yaml.h>.
 *
 * The arena is also what the scenario keeps its structs in.
 */
#ifndef RIPPLE_YAMLTREE_H
#define RIPPLE_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "ripple/diag.h"

/* Bump allocation from chunks; zeroed memory; freed all at once. */
struct rp_arena {
    struct rp_arena_chunk *head;
};

void rp_arena_init(struct rp_arena *a);
void rp_arena_release(struct rp_arena *a);
/* size bytes, zeroed, aligned for any type. Aborts when out of memory. */
void *rp_arena_alloc(struct rp_arena *a, size_t size);
/* n elements of size bytes, zeroed; aborts on overflow or out of memory. */
void *rp_arena_array(struct rp_arena *a, size_t n, size_t size);
char *rp_arena_strdup(struct rp_arena *a, const char *s);

enum rp_ykind {
    RP_YNULL,                   /* null, ~, or nothing after the colon */
    RP_YSCALAR,
    RP_YSEQ,
    RP_YMAP,
};

struct rp_ynode;

struct rp_ypair {
    const char *key;
    struct rp_loc key_loc;
    struct rp_ynode *value;
};

struct rp_ynode {
    enum rp_ykind kind;
    bool plain;                 /* scalar: written without quotes */
    struct rp_loc loc;          /* where the node starts */
    const char *text;           /* scalar and null: the text as written */
    size_t n;                   /* seq: items; map: pairs */
    size_t cap;
    union {                     /* 64 bytes a node: big files hold millions */
        struct rp_ynode **items;        /* seq */
        struct rp_ypair *pairs;         /* map, in file order */
    };
};

struct rp_ytree {
    struct rp_arena arena;
    size_t nodes;               /* made so far */
};

void rp_ytree_init(struct rp_ytree *t);
void rp_ytree_release(struct rp_ytree *t);

/*
 * Limits checked while libyaml parses, event by event, so that no hostile
 * file costs more than a bounded amount of work before it is refused
 * (libyaml's scanner is quadratic in flow nesting; checking after the
 * document was built took 38 s for 100,000 levels).
 */
#define RP_YAML_MAX_DEPTH 200           /* nested lists and maps */
#define RP_YAML_MAX_VALUES 5000000      /* nodes, aliases expanded */
#define RP_YAML_MAX_KEYS 1000000        /* keys of one map */
#define RP_YAML_MAX_KEY 256             /* bytes of one key */
#define RP_YAML_MAX_SCALAR 1048576      /* bytes of one value */
#define RP_YAML_ALIAS_FACTOR 10         /* alias copies per node written, */
#define RP_YAML_ALIAS_EXTRA 100000      /* ... plus this many */

/*
 * Parses one YAML document from text[0..len) into t. file names the text in
 * messages (borrowed). Returns the root (a null node for an empty document),
 * or NULL with the problem in diag after a syntax or encoding error (at its
 * real line and column, encoding errors included) or any RP_YAML_MAX_*
 * limit, each message naming the limit. Lesser problems are recorded in diag
 * but the root is still returned, so later checks can report theirs too:
 * "duplicate key 'x'" (the later one is dropped; found by hashing), a list
 * or map as a key or a key longer than RP_YAML_MAX_KEY (dropped), a second
 * document. O(len) time and memory.
 */
struct rp_ynode *rp_ytree_parse(struct rp_ytree *t, const char *text,
                                size_t len, const char *file,
                                struct rp_diag *diag);

/* A new empty node of kind at loc; a scalar's text is copied. */
struct rp_ynode *rp_ytree_node(struct rp_ytree *t, enum rp_ykind kind,
                               struct rp_loc loc, const char *text);

/* A deep copy of n in t (which may be n's own tree). */
struct rp_ynode *rp_ytree_copy(struct rp_ytree *t, const struct rp_ynode *n);

/*
 * Applies patch to target as RFC 7386 says, and returns the result (target
 * itself, edited in place, or a new node when the patch replaces it). A map
 * patch merges key by key and a null value deletes its key; anything else
 * replaces. What comes from patch is copied, with patch's places; patch is
 * not changed.
 */
struct rp_ynode *rp_ytree_merge(struct rp_ytree *t, struct rp_ynode *target,
                                const struct rp_ynode *patch);

/* The pair of map with key, or NULL (also when map is not a map). */
const struct rp_ypair *rp_ytree_pair(const struct rp_ynode *map,
                                     const char *key);

/* The value of key in map, or NULL. */
struct rp_ynode *rp_ytree_get(const struct rp_ynode *map, const char *key);

/* The node at a dotted path ("nodes.lges.make"), or NULL. */
struct rp_ynode *rp_ytree_path(const struct rp_ynode *root, const char *path);

/* Sets key in map to value (replacing in place, else appending). */
void rp_ytree_put(struct rp_ytree *t, struct rp_ynode *map, const char *key,
                  struct rp_loc key_loc, struct rp_ynode *value);

/* Removes key from map; false if it was not there. */
bool rp_ytree_remove(struct rp_ynode *map, const char *key);

/*
 * Sets the node at a dotted path to value, creating maps that are absent on
 * the way; a null value deletes the key, as in a merge patch. Returns 0, or
 * -1 when the path is empty or malformed (more than RP_YAML_MAX_DEPTH
 * parts, a part longer than RP_YAML_MAX_KEY) or a node on the way is not a
 * map.
 */
int rp_ytree_set(struct rp_ytree *t, struct rp_ynode **root, const char *path,
                 struct rp_ynode *value);

#endif
