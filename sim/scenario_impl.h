/*
 * scenario_impl.h - what the stages of the scenario loader share.
 *
 * Loading goes through four stages, one or two files each:
 *   layer   (scenario_layer.c)  files to one YAML tree: extends, the
 *           variant and --set applied as RFC 7386 merge patches;
 *   read    (scenario_read.c, scenario_dist.c)  typed readers of tree
 *           nodes: numbers, words, countries, ids, distributions, each
 *           reporting a bad value where it was written;
 *   build   (scenario_nodes.c, scenario_flows.c, scenario_events.c) the
 *           plain structs of
 *           scenario.h from the tree, one builder per key of the format;
 *   check   (scenario_check.c)  rules over the whole network.
 * scenario.c runs them in that order and owns the public entry points.
 *
 * The rule every stage keeps: never stop at the first mistake. A bad value
 * is reported (ld_err), replaced by a harmless default, and the walk goes
 * on, so one load lists every problem of a file.
 *
 * Everything here is private to the loader. None of these files includes
 * <yaml.h>: they read the tree of yamltree.h.
 */
#ifndef RIPPLE_SCENARIO_IMPL_H
#define RIPPLE_SCENARIO_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ripple/diag.h"
#include "ripple/dist.h"
#include "ripple/scenario.h"
#include "ripple/yamltree.h"

#define MAX_COUNT 1000000               /* nodes, products, events, ... */
#define MAX_QTY 1e15                    /* units: beyond this, a typo */
#define MAX_MONEY 1e18                  /* currency units: beyond this, a typo */
#define MAX_HORIZON 1e7                 /* days: 27,000 years */
#define MAX_REPLICATIONS 1e9
#define MAX_SERVERS 1e6
#define MAX_EXTENDS 32                  /* files in one extends chain */
#define SHARE_TOLERANCE 1e-9

/* The state of one load. */
struct ld {
    struct rp_diag *diag;
    struct rp_arena *a;                 /* the scenario's: what it keeps */
    struct rp_scenario *sc;
    struct rp_ytree tree;               /* the YAML, dropped after the build */
    const char *top;                    /* the top file, interned */
    const char **product_ids;           /* for "did you mean" */
    const char **node_ids;
    const char **group_ids;
    bool horizon_ok;                    /* sc->horizon was read */
    size_t max_bytes;                   /* of each file read */
};

/* ---- messages (scenario_read.c) ---- */

/* Records one error at loc. */
void ld_err(struct ld *ld, struct rp_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* " (did you mean 'x'?)" for the closest of cands, or "". Into buf. */
const char *ld_hint(char *buf, size_t cap, const char *word,
                    const char *const *cands, size_t n);
/* v as %g; with _vs, more digits where %g would make v look like ref. */
const char *ld_real(char *buf, size_t cap, double v);
const char *ld_real_vs(char *buf, size_t cap, double v, double ref);
size_t ld_count_of(const char *const *list);   /* of a NULL-ended list */
const char *ld_join(char *buf, size_t cap, const char *const *list, size_t n);
/* How a text or a value of the wrong type looks in a message. */
const char *ld_shown_text(const char *t, char *buf, size_t cap);
const char *ld_shown(const struct rp_ynode *n, char *buf, size_t cap);

/* ---- typed readers (scenario_read.c): false after reporting ---- */

enum sign { ANY, NONNEG, POS };

/* Reports every key of map not in allowed (NULL-terminated). */
void ld_check_keys(struct ld *ld, const struct rp_ynode *map,
                   const char *const *allowed, const char *ctx);
bool ld_is_map(struct ld *ld, const struct rp_ynode *n, const char *what);
bool ld_is_seq(struct ld *ld, const struct rp_ynode *n, const char *what);
/* The value of key in map, or NULL after "missing key 'key' ctx" at at. */
const struct rp_ynode *ld_require(struct ld *ld, const struct rp_ynode *map,
                                  struct rp_loc at, const char *key,
                                  const char *ctx);
/* A finite, unquoted number of the given sign, at most max. */
bool ld_num(struct ld *ld, const struct rp_ynode *n, const char *key,
            enum sign sign, double max, double *out);
/* As ld_num for an optional key; *out keeps its default when absent. */
bool ld_opt_num(struct ld *ld, const struct rp_ynode *map, const char *key,
                enum sign sign, double max, double *out);
/* A whole number in [lo, hi]. */
bool ld_whole(struct ld *ld, const struct rp_ynode *n, const char *key,
              double lo, double hi, double *out);
/* A scalar's text, copied into the scenario's arena; NULL after an error. */
const char *ld_text(struct ld *ld, const struct rp_ynode *n, const char *key);
bool ld_boolean(struct ld *ld, const struct rp_ynode *n, const char *key,
                bool *out);
/* One of names (NULL-terminated); *out is its index. */
bool ld_choice(struct ld *ld, const struct rp_ynode *n, const char *key,
               const char *const *names, int *out);

/* Two capitals / an assigned ISO 3166 alpha-2 code. */
bool ld_looks_like_country(const char *s);
bool ld_is_country(const char *s);
bool ld_country(struct ld *ld, const struct rp_ynode *n, const char *key,
                rp_country *out);
/* A country, a group or a list of them, as a non-empty set. */
bool ld_cset(struct ld *ld, const struct rp_ynode *n, const char *key,
             struct rp_cset *out);
/* A map of at most MAX_COUNT entries. */
bool ld_collection(struct ld *ld, const struct rp_ynode *n, const char *what);
/* Ids are letters, digits, '_' and '-'. */
void ld_check_id(struct ld *ld, const struct rp_ypair *p, const char *what);

/* ---- ids (scenario_read.c): one hash table, sc->ids ---- */

enum id_kind { ID_PRODUCT = 1, ID_NODE, ID_EVENT, ID_REPORT_GROUP, ID_GROUP };

uint32_t ld_find(const struct rp_scenario *sc, enum id_kind kind,
                 const char *id);
void ld_name_id(struct ld *ld, enum id_kind kind, const char *id, size_t i);
/* The index of the product or node named id, or RP_NONE after an error. */
uint32_t ld_product_ref(struct ld *ld, const struct rp_ynode *n,
                        struct rp_loc loc, const char *id, const char *ctx);
uint32_t ld_node_ref(struct ld *ld, struct rp_loc loc, const char *id,
                     const char *ctx);

/* ---- distributions (scenario_dist.c) ---- */

enum { D_FOREVER = 1, D_POSITIVE = 2 };

/*
 * A random quantity at path (its stream's key): a number, "forever" (with
 * D_FOREVER) or {dist: ...}. n may be NULL: *d is then a constant 0 with
 * its path. On any error *d is left so, and false is returned.
 */
bool ld_dist(struct ld *ld, const struct rp_ynode *n, const char *key,
             const char *path, unsigned flags, struct rp_dist *d);
/* The least value d can take (0 where the family reaches down to 0). */
double ld_lowest(const struct rp_dist *d);

/* ---- builders (scenario_nodes.c, scenario_events.c) ---- */

void ld_build_products(struct ld *ld, const struct rp_ynode *map);
void ld_build_groups(struct ld *ld, const struct rp_ynode *map);
void ld_build_nodes(struct ld *ld, const struct rp_ynode *map);
/* sources: and stock: of one node (scenario_flows.c). */
void ld_build_sources(struct ld *ld, struct rp_node *nd, uint32_t self,
                      const struct rp_ynode *m);
void ld_build_stock(struct ld *ld, struct rp_node *nd,
                    const struct rp_ynode *m);
void ld_build_events(struct ld *ld, const struct rp_ynode *map);
void ld_build_report(struct ld *ld, const struct rp_ynode *m);
/* uncertain: (scenario_uncertain.c); root is the whole tree. */
void ld_build_uncertain(struct ld *ld, const struct rp_ynode *root,
                        const struct rp_ynode *map);
const struct rp_sourcing *ld_sourcing_of(const struct rp_node *nd,
                                         uint32_t p);
const struct rp_stock *ld_stock_of(const struct rp_node *nd, uint32_t p);

/* ---- whole-network checks (scenario_check.c) ---- */

void ld_check_suppliers(struct ld *ld);
void ld_check_cycles(struct ld *ld);

/* ---- layering (scenario_layer.c) ---- */

struct chain;

/* The tree of path (or of text, when not NULL) with its extends chain
 * applied; NULL after an error. sha, when not NULL, gets the SHA-256 of
 * the top file's bytes. */
struct rp_ynode *ld_load_tree(struct ld *ld, const char *path,
                              const char *text, size_t len,
                              const struct chain *up, struct rp_loc from,
                              unsigned char *sha);
/* Notes the variant names, drops them from the tree, applies want. */
struct rp_ynode *ld_apply_variant(struct ld *ld, struct rp_ynode *root,
                                  const char *want);
/* Each --set as a one-key merge patch, at "--set:N:1". */
struct rp_ynode *ld_apply_overrides(struct ld *ld, struct rp_ynode *root,
                                    const struct rp_load_opts *opts);

#endif
