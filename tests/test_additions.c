/*
 * test_additions.c - the engine rules of the scenario format's Additions
 * (paths, ramps on demand, factor 0, cover following capacity, priority by
 * owner, quotas, announcements and alerts, triggered backups,
 * peak_backorders), each on a tiny deterministic network whose answer is
 * worked out by hand in the comment above the test; and the monotonicity
 * of shortfall in the severity of restrictions, on common random numbers.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/engine.h"
#include "ripple/report.h"
#include "ripple/scenario.h"

struct fixture {
    struct rp_scenario sc;
    struct rp_model *m;
    struct rp_run *r;
    double *values;
};

static void load_opts(struct fixture *f, const char *yaml,
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

static void load(struct fixture *f, const char *yaml)
{
    load_opts(f, yaml, NULL);
}

static void run(struct fixture *f, uint64_t rep)
{
    rp_run_replicate(f->r, f->sc.seed, rep, f->values, NULL);
}

static void done(struct fixture *f)
{
    free(f->values);
    rp_run_free(f->r);
    rp_model_free(f->m);
    rp_scenario_release(&f->sc);
}

/* The value called name ("nodes.f.x.unmet"); fails the test if absent. */
static double value(const struct fixture *f, const char *name)
{
    size_t i = rp_value_index(f->m, name);
    cr_assert_neq(i, SIZE_MAX, "no value named %s", name);
    return f->values[i];
}

static double on_order(const struct fixture *f, const char *node, const char *product)
{
    return rp_run_on_order(f->r, rp_scenario_node(&f->sc, node),
                           rp_scenario_product(&f->sc, product));
}

static double on_hand(const struct fixture *f, const char *node, const char *product)
{
    return rp_run_on_hand(f->r, rp_scenario_node(&f->sc, node),
                          rp_scenario_product(&f->sc, product));
}

#define HEAD "ripple: 1\nseed: 7\nproducts: { x: { unit: t }, cell: {} }\n"

/* ------------------------------------------------------------- paths */

/*
 * A demand path: buyers order 1 unit at t = 1, 2, ..., 30 from an unlimited
 * supplier, scaled by the path [[10.5, 1], [20.5, 2]]. Before its first
 * point the factor is 1 (days 1..10: 10 units), after its last 2 (days
 * 21..30: 20); in between the demands at 11..20 are the midpoints of the
 * days [10.5, 20.5], so they add up to the path's integral there, the
 * trapezoid 10 x (1 + 2) / 2 = 15. Total 45.
 */
Test(additions, a_demand_path_integrates_exactly)
{
    struct fixture f;
    load(&f, HEAD "horizon: 30.5\n"
             "nodes:\n"
             "  sup: { country: KR, supply: unlimited }\n"
             "  buyers:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 1 }\n"
             "    sources: { x: { sup: {} } }\n"
             "events:\n"
             "  growth: { type: demand, node: buyers, path: [[10.5, 1], [20.5, 2]] }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.buyers.x.demand"), 45, 1e-9,
                       "demand %g", value(&f, "nodes.buyers.x.demand"));
    cr_expect_float_eq(value(&f, "nodes.sup.x.delivered"), 45, 1e-9);
    done(&f);
}

/*
 * ramp on demand: factor 2 from day 10, reached over 10 days. Demands at
 * t = 1..30 of size 1: days 1..9 are 1 each (9); the event starts at 10
 * before the demand of that instant, so days 10..19 are 1 + (t - 10)/10
 * (10 + 4.5); days 20..30 are 2 (22). Total 45.5.
 */
Test(additions, ramp_on_demand_is_linear_to_full_effect)
{
    struct fixture f;
    load(&f, HEAD "horizon: 30.5\n"
             "nodes:\n"
             "  sup: { country: KR, supply: unlimited }\n"
             "  buyers:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 1 }\n"
             "    sources: { x: { sup: {} } }\n"
             "events:\n"
             "  boom: { type: demand, node: buyers, start: 10, factor: 2, ramp: 10 }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.buyers.x.demand"), 45.5, 1e-9,
                       "demand %g", value(&f, "nodes.buyers.x.demand"));
    done(&f);
}

/*
 * A capacity path on a maker of 10 a day (one-day batches, endless
 * target): [[0, 1], [10, 2]]. The batch started at t = 0..9 makes
 * 10 (1 + t/10); those end by 10.5: 100 + 45 = 145.
 */
Test(additions, a_capacity_path_sets_each_batch_at_its_start)
{
    struct fixture f;
    load(&f, HEAD "horizon: 10.5\n"
             "nodes:\n"
             "  maker:\n"
             "    country: KR\n"
             "    make: { product: cell, capacity: 10 }\n"
             "    stock: { cell: { initial: 0, level: 1e9 } }\n"
             "events:\n"
             "  grow: { type: capacity, node: maker, path: [[0, 1], [10, 2]] }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.maker.cell.produced"), 145, 1e-9,
                       "produced %g", value(&f, "nodes.maker.cell.produced"));
    done(&f);
}

/*
 * Factor 0, then growth: a plant of 10 a day (one-day batches) not yet
 * built, path [[0, 0], [10, 0], [12, 2]]. Nothing is made, and nothing is
 * starved, before day 10. At 10 the factor starts to rise from 0: the
 * maker is woken one mean batch time later, at 11, where the factor is 1
 * (a batch of 10, done at 12). From 12 on it is 2: batches of 20 started
 * at 12..18 end by 19.5. Produced 10 + 7 x 20 = 150; starved 0.
 */
Test(additions, factor_zero_then_growth)
{
    struct fixture f;
    load(&f, HEAD "horizon: 19.5\n"
             "nodes:\n"
             "  maker:\n"
             "    country: KR\n"
             "    make: { product: cell, capacity: 10 }\n"
             "    stock: { cell: { initial: 0, level: 1e9 } }\n"
             "events:\n"
             "  build: { type: capacity, node: maker, path: [[0, 0], [10, 0], [12, 2]] }\n");
    rp_run_start(f.r, f.sc.seed, 0);
    rp_run_until(f.r, 10.5);
    cr_expect_float_eq(on_hand(&f, "maker", "cell"), 0, 1e-12,
                       "a plant at factor 0 made something");
    rp_run_finish(f.r, f.values, NULL);
    cr_expect_float_eq(value(&f, "nodes.maker.cell.produced"), 150, 1e-9,
                       "produced %g", value(&f, "nodes.maker.cell.produced"));
    cr_expect_float_eq(value(&f, "nodes.maker.cell.starved"), 0, 1e-12,
                       "a plant not yet built counted as starved");
    done(&f);
}

/*
 * A step to factor 0 closes a plant and its purchases: a make-to-order
 * maker (10 a day) whose buyers order 10 a day, its input x (1 per unit)
 * bought at once from an unlimited supplier. Closed over [5, 15): the
 * buyers' orders of days 5..14 wait, no input is bought for them, and
 * nothing counts as starved. Day 1..4 orders are made (40 of x bought);
 * at 15 the plant reopens with 100 backlogged, buys the input for all of
 * it, and works 10 a day. By 20.5 it has made days 1..4 and the batches
 * started at 15..19: 40 + 50 = 90, and bought x for every order of days
 * 1..20: 200.
 */
Test(additions, factor_zero_closes_a_plant_and_its_purchases)
{
    struct fixture f;
    load(&f, HEAD "horizon: 20.5\n"
             "nodes:\n"
             "  sup: { country: KR, supply: unlimited }\n"
             "  maker:\n"
             "    country: KR\n"
             "    make: { product: cell, capacity: 10, inputs: { x: 1 }, to_order: true }\n"
             "    sources: { x: { sup: { lead_time: 0 } } }\n"
             "  buyers:\n"
             "    country: KR\n"
             "    demand: { product: cell, every: 1, size: 10 }\n"
             "    sources: { cell: { maker: {} } }\n"
             "events:\n"
             "  closed: { type: capacity, node: maker, start: 5, duration: 10, factor: 0 }\n");
    rp_run_start(f.r, f.sc.seed, 0);
    rp_run_until(f.r, 14.5);
    cr_expect_float_eq(on_order(&f, "maker", "x") + on_hand(&f, "maker", "x"), 0, 1e-9,
                       "a closed plant kept inputs");
    rp_run_finish(f.r, f.values, NULL);
    cr_expect_float_eq(value(&f, "nodes.maker.cell.produced"), 90, 1e-9,
                       "produced %g", value(&f, "nodes.maker.cell.produced"));
    cr_expect_float_eq(value(&f, "nodes.sup.x.demand"), 200, 1e-9,
                       "bought %g", value(&f, "nodes.sup.x.demand"));
    cr_expect_float_eq(value(&f, "nodes.maker.cell.starved"), 0, 1e-12);
    done(&f);
}

/*
 * cover follows capacity: a maker of 10 a day with nothing to make holds
 * its input x as cover: 5 (50 units at full capacity), bought from an
 * unlimited supplier 1000 days away, so what it ordered is on order. At
 * kickoff it orders 50. Capacity doubles at day 10: the target is 100 and
 * it orders 50 more. From day 20 a path [[20, 2], [30, 0]] takes capacity
 * down to 0: the target falls, nothing more is ordered.
 */
Test(additions, cover_follows_capacity)
{
    struct fixture f;
    load(&f, HEAD "horizon: 40\n"
             "nodes:\n"
             "  sup: { country: KR, supply: unlimited }\n"
             "  maker:\n"
             "    country: KR\n"
             "    make: { product: cell, capacity: 10, inputs: { x: 1 }, to_order: true }\n"
             "    stock: { x: { initial: 0, policy: base_stock, cover: 5 } }\n"
             "    sources: { x: { sup: { lead_time: 1000 } } }\n"
             "events:\n"
             "  x2: { type: capacity, node: maker, start: 10, duration: 10, factor: 2 }\n"
             "  down: { type: capacity, node: maker, start: 20, path: [[20, 2], [30, 0]] }\n");
    rp_run_start(f.r, f.sc.seed, 0);
    rp_run_until(f.r, 9.5);
    cr_expect_float_eq(on_order(&f, "maker", "x"), 50, 1e-9, "at 9.5: %g",
                       on_order(&f, "maker", "x"));
    rp_run_until(f.r, 10);
    cr_expect_float_eq(on_order(&f, "maker", "x"), 100, 1e-9, "at 10: %g",
                       on_order(&f, "maker", "x"));
    rp_run_finish(f.r, f.values, NULL);
    cr_expect_float_eq(value(&f, "nodes.sup.x.demand"), 100, 1e-9,
                       "ordered %g", value(&f, "nodes.sup.x.demand"));
    done(&f);
}

/*
 * A market's cover follows its demand: buyers of 1 a day (t = 1, 2, ...)
 * hold cover: 10 (10 units), re-ordering from a supplier 1000 days away.
 * Days 1..4 re-order 4. At day 5 a demand event triples demand: the target
 * is 30, so 20 more are ordered at once, and each demand of 3 from then on
 * is re-ordered: by 9.5, 4 + 20 + 5 x 3 = 39.
 */
Test(additions, a_markets_cover_follows_its_demand)
{
    struct fixture f;
    load(&f, HEAD "horizon: 20\n"
             "nodes:\n"
             "  sup: { country: KR, supply: unlimited }\n"
             "  buyers:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 1 }\n"
             "    stock: { x: { initial: 10, policy: base_stock, cover: 10 } }\n"
             "    sources: { x: { sup: { lead_time: 1000 } } }\n"
             "events:\n"
             "  x3: { type: demand, node: buyers, start: 5, factor: 3 }\n");
    rp_run_start(f.r, f.sc.seed, 0);
    rp_run_until(f.r, 4.5);
    cr_expect_float_eq(on_order(&f, "buyers", "x"), 4, 1e-9);
    rp_run_until(f.r, 9.5);
    cr_expect_float_eq(on_order(&f, "buyers", "x"), 39, 1e-9, "at 9.5: %g",
                       on_order(&f, "buyers", "x"));
    rp_run_finish(f.r, f.values, NULL);
    done(&f);
}
