/*
 * test_engine_shapes.c - network shapes the engine must run or refuse: a
 * chain of 100,000 stock points in a small stack, two distributors trading
 * stock, a market behind an empty supplier, a bill of materials that needs
 * itself and a closed loop of stock points. Answers worked out by hand in
 * the comment above each test.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/engine.h"
#include "ripple/report.h"
#include "ripple/scenario.h"

#include "engine_fixture.h"

#define HEAD "ripple: 1\nseed: 7\nproducts: { x: { unit: t } }\n"

/*
 * Orders travel through the work list, not by nested calls. A chain of
 * 100,000 stock points (each holds 1, base stock 1, lead time 1) serves a
 * market that takes 1 at t = 1, 2, 3: each demand empties the last stock
 * point, whose re-order empties the one before, and so on up to the
 * unlimited source, all at the demand's instant. So the source is asked
 * for exactly 3 and every stock point ships 3. The run happens on a thread
 * with a 256 KiB stack: nested calls would need about a kilobyte per stock
 * point. The chain is built from a 3-node template by copying its middle
 * node, so that the loader's own cost does not enter the test.
 */
#define CHAIN 100000

struct chain_run {
    const struct rp_scenario *sc;
    double *values;
    size_t nvalues;
    struct rp_model *m;
};

static void *run_chain(void *arg)
{
    struct chain_run *c = arg;
    c->m = rp_model_new(c->sc);
    struct rp_run *r = rp_run_new(c->m);
    c->nvalues = rp_model_nvalues(c->m);
    c->values = calloc(c->nvalues, sizeof *c->values);
    rp_run_replicate(r, 1, 0, c->values, NULL);
    rp_run_free(r);
    return NULL;
}

static double chain_value(const struct chain_run *c, const char *name)
{
    size_t i = rp_value_index(c->m, name);
    cr_assert_neq(i, SIZE_MAX, "no value named %s", name);
    return c->values[i];
}

Test(engine, a_chain_of_100000_stock_points_runs_in_a_small_stack)
{
    struct fixture f;
    load(&f, HEAD "horizon: 3\n"
             "nodes:\n"
             "  src: { country: JP, supply: unlimited }\n"
             "  s: { country: JP, stock: { x: { initial: 1, level: 1 } }, sources: { x: { src: { lead_time: 1 } } } }\n"
             "  m: { country: JP, demand: { product: x, every: 1, size: 1 }, sources: { x: { s: { lead_time: 1 } } } }\n");
    /* nodes: src, s1 .. sN, m; s_i sources from s_(i-1), m from sN */
    struct rp_scenario sc = f.sc;
    size_t n = CHAIN + 2;
    struct rp_node *nodes = calloc(n, sizeof *nodes);
    struct rp_sourcing *sg = calloc(n, sizeof *sg);
    struct rp_source *src = calloc(n, sizeof *src);
    char (*ids)[16] = calloc(n, sizeof *ids);
    cr_assert(nodes && sg && src && ids);
    nodes[0] = f.sc.nodes[0];
    for (size_t i = 1; i < n; i++) {
        nodes[i] = f.sc.nodes[i < n - 1 ? 1 : 2];
        sg[i] = nodes[i].sources[0];
        src[i] = sg[i].sources[0];
        src[i].supplier = (uint32_t)(i - 1);
        sg[i].sources = &src[i];
        nodes[i].sources = &sg[i];
        snprintf(ids[i], sizeof ids[i], "s%zu", i);
        if (i < n - 1)
            nodes[i].id = ids[i];
    }
    sc.nodes = nodes;
    sc.nnodes = n;

    struct chain_run c = { .sc = &sc };
    pthread_attr_t attr;
    pthread_t t;
    cr_assert_eq(pthread_attr_init(&attr), 0);
    cr_assert_eq(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
    cr_assert_eq(pthread_create(&t, &attr, run_chain, &c), 0);
    cr_assert_eq(pthread_join(t, NULL), 0);
    pthread_attr_destroy(&attr);

    cr_expect_float_eq(chain_value(&c, "nodes.src.x.demand"), 3, 1e-9,
                       "the orders did not reach the top of the chain");
    cr_expect_float_eq(chain_value(&c, "nodes.s1.x.delivered"), 3, 1e-9);
    cr_expect_float_eq(chain_value(&c, "nodes.s100000.x.delivered"), 3, 1e-9);
    cr_expect_float_eq(chain_value(&c, "nodes.m.x.unmet"), 0, 1e-12);
    free(c.values);
    rp_model_free(c.m);
    free(ids);
    free(src);
    free(sg);
    free(nodes);
    done(&f);
}

/*
 * Two distributors that trade stock: each sources half from the factory
 * and half from the other, lead time 1, and each serves a market of 10 a
 * day. An order to the other distributor is shipped from its stock and
 * re-ordered, half of it from the first again: the orders halve at each
 * turn and the run settles at the instant of each demand. Every unit sold
 * is ordered from the factory once in the end (5 + 2.5 + 1.25 + ... = 10),
 * and with 100 on hand neither market waits.
 */
Test(engine, two_distributors_trading_stock_with_lead_time_1_run)
{
    struct fixture f;
    load(&f, HEAD "horizon: 50\n"
             "nodes:\n"
             "  factory: { country: JP, supply: unlimited }\n"
             "  d1:\n"
             "    country: JP\n"
             "    stock: { x: { initial: 100, level: 100 } }\n"
             "    sources: { x: { factory: { share: 0.5, lead_time: 1 }, d2: { share: 0.5, lead_time: 1 } } }\n"
             "  d2:\n"
             "    country: JP\n"
             "    stock: { x: { initial: 100, level: 100 } }\n"
             "    sources: { x: { factory: { share: 0.5, lead_time: 1 }, d1: { share: 0.5, lead_time: 1 } } }\n"
             "  m1: { country: JP, demand: { product: x, every: 1, size: 10 }, sources: { x: { d1: { lead_time: 0 } } } }\n"
             "  m2: { country: JP, demand: { product: x, every: 1, size: 10 }, sources: { x: { d2: { lead_time: 0 } } } }\n");
    run(&f, 0);
    double sold = value(&f, "nodes.m1.x.demand") + value(&f, "nodes.m2.x.demand");
    cr_expect_float_eq(sold, 1000, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.factory.x.demand"), sold, 1e-6,
                       "the factory was not asked for what the markets took");
    cr_expect_float_eq(value(&f, "nodes.m1.x.unmet"), 0, 1e-12);
    cr_expect_float_eq(value(&f, "nodes.m2.x.unmet"), 0, 1e-12);
    cr_expect_gt(value(&f, "nodes.d1.x.delivered"), 500 + 1,
                 "d1 shipped nothing to d2");
    done(&f);
}

/*
 * A pass-through market falls short when its supplier cannot serve the
 * demand from stock there and then, whatever the supplier's own suppliers
 * ship in the same instant. The maker holds no cells; each demand (10 at
 * t = 1, 2, ...) waits for a batch while the maker's input order is filled
 * at once by an unlimited source. The first demand after the event (which
 * starts at 0.5 and changes nothing) is short: tts = 0.5.
 */
Test(engine, a_market_is_short_when_its_supplier_has_no_stock)
{
    struct fixture f;
    load(&f, "ripple: 1\nseed: 7\nhorizon: 20\n"
             "products: { a: {}, x: {} }\n"
             "nodes:\n"
             "  sup: { country: JP, supply: unlimited }\n"
             "  mk:\n"
             "    country: JP\n"
             "    make: { product: x, time: 1, batch: 100, inputs: { a: 1 } }\n"
             "    sources: { a: { sup: { lead_time: 0 } } }\n"
             "  m: { country: JP, demand: { product: x, every: 1, size: 10 }, sources: { x: { mk: { lead_time: 1 } } } }\n"
             "events:\n"
             "  calm: { type: demand, node: m, factor: 1, start: 0.5 }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "events.calm.m.tts"), 0.5, 1e-12,
                       "the input filled upstream hid the market's wait");
    done(&f);
}

/*
 * A bill of materials that needs itself is refused before anything runs,
 * at the source that closes the loop; stock points that trade stock (the
 * test above) are not.
 */
Test(engine, a_bill_of_materials_that_needs_itself_is_refused)
{
    struct rp_scenario sc;
    struct rp_diag diag;
    rp_diag_init(&diag);
    cr_assert_eq(rp_scenario_load(&sc, RP_SOURCE_DIR "/tests/bad/bom-needs-itself.yaml",
                                  NULL, &diag), 0);
    cr_assert_eq(rp_model_check(&sc, &diag), -1);
    cr_assert_eq(rp_diag_count(&diag), 1);
    cr_expect_eq(diag.entries[0].line, 12);
    cr_expect_eq(diag.entries[0].col, 9);
    cr_expect_str_eq(diag.entries[0].message,
                     "bill of materials of 'cells' needs its own output 'cell' "
                     "through its suppliers: cells -> cathodes -> cells");
    rp_scenario_release(&sc);
    rp_diag_release(&diag);

    struct fixture f;
    load(&f, HEAD "horizon: 5\n"
             "nodes:\n"
             "  a: { country: JP, stock: { x: { level: 1 } }, sources: { x: { b: { share: 0.5, lead_time: 1 }, c: { share: 0.5 } } } }\n"
             "  b: { country: JP, stock: { x: { level: 1 } }, sources: { x: { a: { share: 0.5, lead_time: 1 }, c: { share: 0.5 } } } }\n"
             "  c: { country: JP, supply: unlimited }\n");
    rp_diag_init(&diag);
    cr_expect_eq(rp_model_check(&f.sc, &diag), 0, "stock points trading stock refused");
    rp_diag_release(&diag);
    done(&f);
}

/*
 * Two stock points that order only from each other never settle: the
 * first demand sends orders round the loop for ever at one instant. The
 * check refuses the loop; run anyway, the step budget stops the
 * replication cleanly and says so, and the next replication starts afresh.
 */
#define CLOSED_LOOP HEAD "horizon: 5\n" \
    "nodes:\n" \
    "  a: { country: JP, stock: { x: { initial: 5, level: 5 } }, sources: { x: { b: { lead_time: 1 } } } }\n" \
    "  b: { country: JP, stock: { x: { initial: 5, level: 5 } }, sources: { x: { a: { lead_time: 1 } } } }\n" \
    "  m: { country: JP, demand: { product: x, every: 1 }, sources: { x: { a: { lead_time: 1 } } } }\n"

Test(engine, a_closed_loop_of_stock_points_is_refused_and_a_budget_stops_it)
{
    struct fixture f;
    struct rp_diag diag;
    load(&f, CLOSED_LOOP);
    rp_diag_init(&diag);
    cr_assert_eq(rp_model_check(&f.sc, &diag), -1);
    cr_expect_str_eq(diag.entries[0].message,
                     "stock points order 'x' only from each other, so an "
                     "order would go round them for ever: a -> b -> a");
    rp_diag_release(&diag);

    rp_run_set_budget(f.r, 10000);
    uint64_t steps = rp_run_replicate(f.r, 7, 0, f.values, NULL);
    cr_expect_eq(rp_run_status(f.r), RP_RUN_OVER_BUDGET);
    cr_expect_leq(steps, 10000);
    cr_expect_float_eq(rp_run_now(f.r), 1, 1e-12, "stopped at the wrong time");
    cr_expect_float_eq(value(&f, "nodes.m.x.demand"), 1, 1e-12);
    done(&f);

    /* The same budget is no limit for a network that settles. */
    load(&f, HEAD "horizon: 5\n"
             "nodes:\n"
             "  a: { country: JP, stock: { x: { initial: 5, level: 5 } }, sources: { x: { s: { lead_time: 1 } } } }\n"
             "  s: { country: JP, supply: unlimited }\n"
             "  m: { country: JP, demand: { product: x, every: 1 }, sources: { x: { a: { lead_time: 1 } } } }\n");
    rp_run_set_budget(f.r, 10000);
    rp_run_replicate(f.r, 7, 0, f.values, NULL);
    cr_expect_eq(rp_run_status(f.r), RP_RUN_OK);
    cr_expect_float_eq(value(&f, "nodes.m.x.demand"), 5, 1e-12);
    done(&f);
}
