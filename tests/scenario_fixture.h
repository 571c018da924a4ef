/*
 * scenario_fixture.h - what the loader suites (test_scenario*.c) share: a
 * diagnostics list and a scenario that setup empties and teardown
 * releases, a load that must succeed, one that must fail with exactly one
 * message or with a message among others, the structs of a node, product,
 * stock and source by name, and a minimal valid scenario (MINI) to edit.
 * Header-only, so each suite stays one source file; the suites define
 * _POSIX_C_SOURCE (open_memstream) before including it.
 */
#ifndef RIPPLE_TESTS_SCENARIO_FIXTURE_H
#define RIPPLE_TESTS_SCENARIO_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ripple/diag.h"
#include "ripple/rng.h"
#include "ripple/scenario.h"

#define DATA RP_SOURCE_DIR "/tests/data/"

static struct rp_diag diag;
static struct rp_scenario sc;   /* setup empties it, teardown releases it */

static inline void setup(void)
{
    rp_diag_init(&diag);
    memset(&sc, 0, sizeof sc);
}

static inline void teardown(void)
{
    rp_scenario_release(&sc);
    rp_diag_release(&diag);
}

/* Every diagnostic as "file:line:col: message\n", sorted. Caller frees. */
static inline char *messages(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    rp_diag_print(&diag, f);
    fclose(f);
    return buf;
}

static inline bool is_empty(const struct rp_scenario *s)
{
    static const struct rp_scenario zero;
    return memcmp(s, &zero, sizeof zero) == 0;
}

static inline bool has_line(const char *all, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = all; (p = strstr(p, line)); p++)
        if ((p == all || p[-1] == '\n') && p[n] == '\n')
            return true;
    return false;
}

/* The load fails, leaves sc empty, and reports exactly this one line. */
static inline void fails_with(const char *yaml, const char *line)
{
    int rc = rp_scenario_load_string(&sc, yaml, "t.yaml", NULL, &diag);
    char *all = messages();

    cr_assert_eq(rc, -1, "loaded although it should fail with %s", line);
    cr_assert(is_empty(&sc), "a failed load left the scenario filled");
    cr_assert(has_line(all, line), "expected\n  %s\ngot\n%s", line, all);
    cr_assert_eq(rp_diag_count(&diag), 1, "expected one error, got\n%s",
                 all);
    free(all);
}

static inline void loads(const char *yaml, const struct rp_load_opts *opts)
{
    int rc = rp_scenario_load_string(&sc, yaml, "t.yaml", opts, &diag);
    char *all = messages();
    cr_assert_eq(rc, 0, "failed to load:\n%s", all);
    free(all);
}

/* The node, product, stock and source by name; absent fails the test. */
static inline const struct rp_node *node(const char *id)
{
    uint32_t i = rp_scenario_node(&sc, id);
    cr_assert_neq(i, RP_NONE, "no node %s", id);
    return &sc.nodes[i];
}

static inline uint32_t product(const char *id)
{
    uint32_t i = rp_scenario_product(&sc, id);
    cr_assert_neq(i, RP_NONE, "no product %s", id);
    return i;
}

static inline const struct rp_stock *stock(const struct rp_node *nd,
                                           const char *p)
{
    for (size_t i = 0; i < nd->nstock; i++)
        if (nd->stock[i].product == product(p))
            return &nd->stock[i];
    cr_assert_fail("%s holds no %s", nd->id, p);
    return NULL;
}

static inline const struct rp_source *source(const struct rp_node *nd,
                                             const char *p,
                                             const char *supplier)
{
    for (size_t i = 0; i < nd->nsources; i++)
        for (size_t k = 0; k < nd->sources[i].nsources; k++)
            if (nd->sources[i].product == product(p) &&
                nd->sources[i].sources[k].supplier ==
                    rp_scenario_node(&sc, supplier))
                return &nd->sources[i].sources[k];
    cr_assert_fail("%s has no source %s of %s", nd->id, supplier, p);
    return NULL;
}

/* d is keyed by path: its stream follows from the path's hash. */
static inline bool dist_keyed(const struct rp_dist *d, const char *path)
{
    return d->path && !strcmp(d->path, path) &&
           d->path_hash == rp_path_hash(path);
}

#define HEAD "ripple: 1\nhorizon: 100\nproducts: {p: {}, q: {}}\nnodes:\n"
#define SRC "  src: {country: JP, supply: unlimited}\n"
#define MKT "  mkt:\n    country: US\n    demand: {product: p, every: 1}\n"
/* lines 1-4 HEAD, 5 SRC, 6-8 MKT, 9 the market's sources */
#define MINI HEAD SRC MKT "    sources: {p: {src: {lead_time: 1}}}\n"

/* The load fails and reports this line among others. */
static inline void reports(const char *yaml, const struct rp_load_opts *opts,
                           const char *line)
{
    int rc = rp_scenario_load_string(&sc, yaml, "t.yaml", opts, &diag);
    char *all = messages();

    cr_assert_eq(rc, -1, "loaded although it should fail with %s", line);
    cr_assert(is_empty(&sc), "a failed load left the scenario filled");
    cr_assert(has_line(all, line), "expected\n  %s\ngot\n%s", line, all);
    free(all);
}

#endif
