/*
 * engine_fixture.h - one replication of a scenario written inline, for the
 * hand-worked engine tests (test_engine.c, test_engine_restrictions.c,
 * test_engine_shapes.c, test_additions.c): load it, run replication rep,
 * read a value by name, free it all. Header-only, so each suite stays one
 * source file.
 */
#ifndef RIPPLE_TESTS_ENGINE_FIXTURE_H
#define RIPPLE_TESTS_ENGINE_FIXTURE_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ripple/engine.h"
#include "ripple/report.h"
#include "ripple/scenario.h"

struct fixture {
    struct rp_scenario sc;
    struct rp_model *m;
    struct rp_run *r;
    double *values;
};

/* Loads yaml (named t.yaml in messages) with opts; fails the test if it does not load. */
static inline void load_opts(struct fixture *f, const char *yaml,
                             const struct rp_load_opts *opts)
{
    struct rp_diag diag;
    rp_diag_init(&diag);
    int rc = rp_scenario_load_string(&f->sc, yaml, "t.yaml", opts, &diag);
    if (rc)
        rp_diag_print(&diag, stderr);
    cr_assert_eq(rc, 0, "scenario did not load");
    rp_diag_release(&diag);
    f->m = rp_model_new(&f->sc);
    f->r = rp_run_new(f->m);
    f->values = calloc(rp_model_nvalues(f->m) + 1, sizeof *f->values);
}

static inline void load(struct fixture *f, const char *yaml)
{
    load_opts(f, yaml, NULL);
}

/* What node holds of product now (on hand, on order), mid-replication. */
static inline double on_hand(const struct fixture *f, const char *node, const char *product)
{
    return rp_run_on_hand(f->r, rp_scenario_node(&f->sc, node),
                          rp_scenario_product(&f->sc, product));
}

static inline double on_order(const struct fixture *f, const char *node, const char *product)
{
    return rp_run_on_order(f->r, rp_scenario_node(&f->sc, node),
                           rp_scenario_product(&f->sc, product));
}

/* The index of node id, of product id. */
static inline uint32_t node(const struct fixture *f, const char *id)
{
    return rp_scenario_node(&f->sc, id);
}

static inline uint32_t product(const struct fixture *f, const char *id)
{
    return rp_scenario_product(&f->sc, id);
}

static inline void run(struct fixture *f, uint64_t rep)
{
    rp_run_replicate(f->r, f->sc.seed, rep, f->values, NULL);
}

static inline void done(struct fixture *f)
{
    free(f->values);
    rp_run_free(f->r);
    rp_model_free(f->m);
    rp_scenario_release(&f->sc);
}

/* The value called name ("nodes.f.x.unmet"); fails the test if absent. */
static inline double value(const struct fixture *f, const char *name)
{
    size_t i = rp_value_index(f->m, name);
    cr_assert_neq(i, SIZE_MAX, "no value named %s", name);
    return f->values[i];
}

/*
 * The market `market` of product w, alone in group `buyers`, was never
 * owed anything unshipped: its peak and its group's are 0 within tol.
 */
static inline void expect_market_never_peaked(const struct fixture *f, double tol)
{
    double node = value(f, "nodes.market.w.peak_backorders");
    double group = value(f, "groups.buyers.w.peak_backorders");
    cr_expect_float_eq(value(f, "nodes.market.w.unmet"), 0, 1e-9);
    cr_expect_float_eq(node, 0, tol, "the market peaked at %g", node);
    cr_expect_float_eq(group, 0, tol, "its group peaked at %g", group);
}

#endif
