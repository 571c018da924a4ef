/*
 * test_engine.c - each handler on a tiny scenario whose answer is worked out
 * by hand (in the comment above each test): ordering policies, makers,
 * outages, capacity and demand events, allocation, replications. The
 * restrictions (bans, licences, backups) are in test_engine_restrictions.c;
 * network shapes the engine must run or refuse, in test_engine_shapes.c.
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

#include "engine_fixture.h"

#define HEAD "ripple: 1\nseed: 7\nproducts: { x: { unit: t } }\n"

/*
 * Without the ban the same store re-orders what it sells and the supplier
 * ships at once: after a 5-day lead time, arrivals match sales and nothing
 * is lost. Orders of the last 5 days are still in transit at the horizon.
 */
Test(engine, base_stock_replaces_what_was_sold)
{
    struct fixture f;
    load(&f, HEAD "horizon: 30\n"
             "nodes:\n"
             "  sup: { country: JP, supply: unlimited }\n"
             "  store:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 100, unmet: lost }\n"
             "    stock: { x: { initial: 1000, policy: base_stock, level: 1000 } }\n"
             "    sources: { x: { sup: { lead_time: 5 } } }\n");
    rp_run_start(f.r, 7, 0);
    rp_run_until(f.r, 12);
    /* sold 1200 by t=12; arrived: orders of days 1..7 = 700 */
    cr_expect_float_eq(rp_run_on_hand(f.r, node(&f, "store"), product(&f, "x")),
                       500, 1e-9);
    cr_expect_float_eq(rp_run_on_order(f.r, node(&f, "store"), product(&f, "x")),
                       500, 1e-9);
    rp_run_finish(f.r, f.values, NULL);
    cr_expect_float_eq(value(&f, "nodes.store.x.lost"), 0, 1e-12);
    cr_expect_float_eq(value(&f, "nodes.store.x.cycle_time"), 5, 1e-12);
    cr_expect_float_eq(value(&f, "nodes.sup.x.delivered"), 3000, 1e-9);
    done(&f);
}

/*
 * A maker with 100 of an input it cannot replace, 2 per unit, capacity
 * 10/day: it makes 50 units (batches of 10 on days 0..4), then starves.
 * Output lost for want of the input over days 5..20: 15 x 10 = 150, all
 * charged to that input.
 */
Test(engine, maker_stops_when_an_input_runs_out_and_names_it)
{
    struct fixture f;
    load(&f, "ripple: 1\nseed: 7\nhorizon: 20\n"
             "products: { x: {}, cell: {} }\n"
             "nodes:\n"
             "  sup: { country: JP, supply: unlimited }\n"
             "  maker:\n"
             "    country: KR\n"
             "    make: { product: cell, capacity: 10, inputs: { x: 2 } }\n"
             "    stock: { x: { initial: 100, policy: base_stock, level: 100 }, cell: { initial: 0, level: 1000 } }\n"
             "    sources: { x: { sup: { lead_time: 1 } } }\n"
             "events:\n"
             "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 0 }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.maker.cell.produced"), 50, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.maker.cell.starved"), 150, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.maker.x.starved"), 150, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.maker.cell.utilization"), 5.0 / 20, 1e-12);
    cr_expect_float_eq(value(&f, "events.ban.maker.tts"), 5, 1e-9);
    done(&f);
}

/*
 * An outage pauses work in process: one batch of 10 days starts at 0, the
 * node is down from 4 to 7, so the batch completes at 13, not 10.
 */
Test(engine, outage_pauses_work_in_process)
{
    struct fixture f;
    load(&f, "ripple: 1\nseed: 7\nhorizon: 30\n"
             "products: { cell: {} }\n"
             "nodes:\n"
             "  maker:\n"
             "    country: KR\n"
             "    make: { product: cell, batch: 1, time: 10, to_order: false }\n"
             "    stock: { cell: { initial: 0, level: 1 } }\n"
             "events:\n"
             "  fire: { type: outage, node: maker, start: 4, duration: 3 }\n");
    rp_run_start(f.r, 7, 0);
    uint32_t n = node(&f, "maker"), c = product(&f, "cell");
    rp_run_until(f.r, 12.9);
    cr_expect_float_eq(rp_run_on_hand(f.r, n, c), 0, 1e-12);
    rp_run_until(f.r, 13);
    cr_expect_float_eq(rp_run_on_hand(f.r, n, c), 1, 1e-12);
    rp_run_finish(f.r, f.values, NULL);
    cr_expect_float_eq(value(&f, "nodes.maker.cell.down"), 3.0 / 30, 1e-12);
    done(&f);
}

/*
 * Capacity doubles at day 9.5: a make-to-stock maker of 10/day (one batch
 * a day, starting at t = 0, 1, ...) with an endless target. Batches ending
 * by 19.5 are those started at 0..18: 10 x 10 + 9 x 20 = 280. With a
 * 10-day ramp the batch started at 10 + j has size 10 (1 + (0.5 + j)/10):
 * 100 + sum_{j=0..8} (10.5 + j) = 100 + 94.5 + 36 = 230.5.
 */
Test(engine, capacity_event_steps_and_ramps)
{
    const char *fmt = "ripple: 1\nseed: 7\nhorizon: 19.5\n"
        "products: { cell: {} }\n"
        "nodes:\n"
        "  maker:\n"
        "    country: KR\n"
        "    make: { product: cell, capacity: 10 }\n"
        "    stock: { cell: { initial: 0, level: 1e9 } }\n"
        "events:\n"
        "  x2: { type: capacity, node: maker, start: 9.5, factor: 2, ramp: %g }\n";
    char yaml[1024];
    double ramp[2] = { 0, 10 }, want[2] = { 280, 230.5 };
    for (int i = 0; i < 2; i++) {
        struct fixture f;
        snprintf(yaml, sizeof yaml, fmt, ramp[i]);
        load(&f, yaml);
        run(&f, 0);
        double got = value(&f, "nodes.maker.cell.produced");
        cr_expect_float_eq(got, want[i], 1e-9, "ramp %g: produced %g, expected %g",
                           ramp[i], got, want[i]);
        done(&f);
    }
}

/*
 * A demand shock doubles order sizes between days 10 and 20: customers of
 * an unlimited supplier order 1/day normally (t = 1..30), 2/day in [10, 20).
 */
Test(engine, demand_event_scales_orders_during_its_window)
{
    struct fixture f;
    load(&f, HEAD "horizon: 30\n"
             "nodes:\n"
             "  sup: { country: KR, supply: unlimited }\n"
             "  buyers:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 1 }\n"
             "    sources: { x: { sup: {} } }\n"
             "events:\n"
             "  boom: { type: demand, node: buyers, start: 10, duration: 10, factor: 2 }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.buyers.x.demand"), 30 + 10, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.buyers.x.delivered"), 40, 1e-9);
    done(&f);
}

/*
 * sS and rQ: a store selling 1/day. sS (s=2, S=10), continuous review,
 * instant supply: it orders 8 each time the position falls to 2. rQ (r=2,
 * Q=5): orders 5 each time it falls to 2. Over 48 days (sales t=1..48)
 * starting at 10: sS orders 6 times (48/8), rQ 48/5 -> 9 full orders
 * after the position reaches 2 at day 8, then every 5 days: days 8, 13,
 * ..., 48 = 9 orders.
 */
Test(engine, ss_and_rq_order_the_right_amounts)
{
    const char *fmt = HEAD "horizon: 48.5\n"
        "nodes:\n"
        "  sup: { country: KR, supply: unlimited }\n"
        "  store:\n"
        "    country: KR\n"
        "    demand: { product: x, every: 1, size: 1 }\n"
        "    stock: { x: { initial: 10, %s } }\n"
        "    sources: { x: { sup: { lead_time: 0 } } }\n";
    char yaml[1024];
    const char *pol[2] = { "policy: sS, s: 2, S: 10", "policy: rQ, r: 2, Q: 5" };
    double units[2] = { 48, 45 };
    for (int i = 0; i < 2; i++) {
        struct fixture f;
        snprintf(yaml, sizeof yaml, fmt, pol[i]);
        load(&f, yaml);
        run(&f, 0);
        cr_expect_float_eq(value(&f, "nodes.sup.x.demand"), units[i], 1e-9,
                           "%s ordered %g", pol[i], value(&f, "nodes.sup.x.demand"));
        cr_expect_float_eq(value(&f, "nodes.store.x.lost"), 0, 1e-12);
        done(&f);
    }
}

/*
 * Priority allocation: a maker of 10/day with two buyers of 10/day each,
 * KR first. KR gets everything; US gets nothing until the horizon.
 */
Test(engine, priority_allocation_serves_the_first_class_first)
{
    struct fixture f;
    load(&f, "ripple: 1\nseed: 7\nhorizon: 20.5\n"
             "products: { cell: {} }\n"
             "nodes:\n"
             "  maker:\n"
             "    country: KR\n"
             "    make: { product: cell, capacity: 10, to_order: true }\n"
             "    allocation: priority\n"
             "    priority: [KR]\n"
             "  us:\n"
             "    country: US\n"
             "    demand: { product: cell, every: 1, size: 10 }\n"
             "    sources: { cell: { maker: {} } }\n"
             "  kr:\n"
             "    country: KR\n"
             "    demand: { product: cell, every: 1, size: 10 }\n"
             "    sources: { cell: { maker: {} } }\n");
    run(&f, 0);
    double kr = value(&f, "nodes.kr.cell.delivered");
    double us = value(&f, "nodes.us.cell.delivered");
    cr_expect_gt(kr, 150, "KR got %g", kr);
    cr_expect_lt(us, 20, "US got %g", us);
    cr_expect_float_eq(kr + us, value(&f, "nodes.maker.cell.produced"), 1e-9);
    done(&f);
}

/* The same seed and replication give the same values; another replication differs. */
Test(engine, replications_repeat_and_differ)
{
    struct fixture f;
    load(&f, HEAD "horizon: 200\n"
             "nodes:\n"
             "  sup: { country: KR, supply: unlimited }\n"
             "  buyers:\n"
             "    country: KR\n"
             "    demand: { product: x, every: { dist: exponential, mean: 1 }, size: 1 }\n"
             "    sources: { x: { sup: { lead_time: { dist: uniform, min: 1, max: 3 } } } }\n");
    size_t n = rp_model_nvalues(f.m);
    double *a = calloc(n, sizeof *a), *b = calloc(n, sizeof *b);
    rp_run_replicate(f.r, 7, 3, a, NULL);
    run(&f, 5);
    rp_run_replicate(f.r, 7, 3, b, NULL);
    cr_expect_eq(memcmp(a, b, n * sizeof *a), 0, "replication 3 did not repeat");
    cr_expect_neq(memcmp(a, f.values, n * sizeof *a), 0, "replications 3 and 5 agree");
    free(a);
    free(b);
    done(&f);
}

/*
 * A replication's values depend on (seed, replication) only, not on what
 * the reused run did before: the flagship's replication 2 on a fresh run
 * and on one that ran replications 0 and 1 first agree to the bit. (A sum
 * kept across replications once made a market's shortfall test round
 * differently after many replications.)
 */
Test(engine, a_reused_run_gives_the_values_of_a_fresh_one)
{
    struct rp_scenario sc;
    struct rp_diag diag;
    rp_diag_init(&diag);
    cr_assert_eq(rp_scenario_load(&sc, RP_SOURCE_DIR "/scenarios/japan-excludes-korea.yaml",
                                  NULL, &diag), 0);
    rp_diag_release(&diag);
    struct rp_model *m = rp_model_new(&sc);
    size_t n = rp_model_nvalues(m);
    double *fresh = calloc(n, sizeof *fresh), *reused = calloc(n, sizeof *reused);
    struct rp_run *a = rp_run_new(m), *b = rp_run_new(m);
    rp_run_replicate(a, 11, 2, fresh, NULL);
    for (uint64_t rep = 0; rep < 3; rep++)
        rp_run_replicate(b, 11, rep, reused, NULL);
    for (size_t i = 0; i < n; i++)
        cr_expect(memcmp(&fresh[i], &reused[i], sizeof fresh[i]) == 0,
                  "value %zu: %.17g fresh, %.17g after other replications",
                  i, fresh[i], reused[i]);
    rp_run_free(a);
    rp_run_free(b);
    free(fresh);
    free(reused);
    rp_model_free(m);
    rp_scenario_release(&sc);
}

/*
 * A pass-through market served at once by an unlimited supplier with a
 * 5-day lead time has the last 5 days of demand in transit at the horizon:
 * owed to it, but not short (unmet 0). Cut the supplier for the last 10
 * days (from 20.5) and the 10 unshipped demands are short; orders 1..20
 * were shipped and have arrived by day 25.
 */
Test(engine, goods_in_transit_are_not_a_shortfall)
{
    const char *fmt = HEAD "horizon: 30\n"
        "nodes:\n"
        "  sup: { country: JP, supply: unlimited }\n"
        "  buyers:\n"
        "    country: KR\n"
        "    demand: { product: x, every: 1, size: 1 }\n"
        "    sources: { x: { sup: { lead_time: 5 } } }\n"
        "%s";
    char yaml[1024];
    const char *ev[2] = { "", "events:\n  cut: { type: outage, node: sup, start: 20.5 }\n" };
    double want[2] = { 0, 10 };
    for (int i = 0; i < 2; i++) {
        struct fixture f;
        snprintf(yaml, sizeof yaml, fmt, ev[i]);
        load(&f, yaml);
        run(&f, 0);
        cr_expect_float_eq(value(&f, "nodes.buyers.x.unmet"), want[i], 1e-9,
                           "case %d: unmet %g", i, value(&f, "nodes.buyers.x.unmet"));
        cr_expect_float_eq(value(&f, "nodes.buyers.x.delivered"), i ? 20 : 25, 1e-9);
        done(&f);
    }
}

/*
 * Kit-complete ordering stops buying parts only when another part is both
 * out of stock and out of reach. A maker (10/day, one a and one b per unit)
 * loses its only source of a at day 0 but holds 50 a; b keeps coming from
 * an open source (stock 10, lead 1). It makes all 50 units its a allows
 * (days 0..4), then starves for want of a: (20 - 5) x 10 = 150 charged to a.
 */
Test(engine, a_stockpile_of_a_cut_input_is_used_up)
{
    struct fixture f;
    load(&f, "ripple: 1\nseed: 7\nhorizon: 20\n"
             "products: { a: {}, b: {}, cell: {} }\n"
             "nodes:\n"
             "  jp: { country: JP, supply: unlimited }\n"
             "  kr: { country: KR, supply: unlimited }\n"
             "  maker:\n"
             "    country: KR\n"
             "    make: { product: cell, capacity: 10, inputs: { a: 1, b: 1 } }\n"
             "    stock:\n"
             "      a: { initial: 50, level: 50 }\n"
             "      b: { initial: 10, level: 10 }\n"
             "      cell: { initial: 0, level: 1000 }\n"
             "    sources: { a: { jp: {} }, b: { kr: { lead_time: 1 } } }\n"
             "events:\n"
             "  ban: { type: export_ban, from: [JP], to: [KR], products: [a], start: 0 }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.maker.cell.produced"), 50, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.maker.a.starved"), 150, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.maker.b.starved"), 0, 1e-12);
    done(&f);
}

/*
 * Time to recover. A store sells 100/day (t = 1, 2, ...), base stock 1000,
 * supplier lead 5; the supplier is down from 40.5 to 60.5. At 40.5 the
 * store holds 500 with 500 in transit: it sells through day 50, loses days
 * 51..65 (the orders of days 41..50 ship at 60.5 and arrive at 65.5), and
 * sells again from day 66. tts = 51 - 40.5 = 10.5. Output was 100/day over
 * the 30 days before; its trailing 7-day mean is back to 95 once days
 * 66..72 are all full: ttr = 73 - 40.5 = 32.5. Another store, with noisy
 * demand and a supplier the outage does not touch, never falls short: its
 * ttr is 0 however its daily sales wander.
 */
Test(engine, time_to_recover_counts_from_the_shortfall_to_full_output)
{
    struct fixture f;
    load(&f, HEAD "horizon: 100\n"
             "nodes:\n"
             "  sup: { country: JP, supply: unlimited }\n"
             "  other: { country: KR, supply: unlimited }\n"
             "  store:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 100, unmet: lost }\n"
             "    stock: { x: { initial: 1000, policy: base_stock, level: 1000 } }\n"
             "    sources: { x: { sup: { lead_time: 5 } } }\n"
             "  calm:\n"
             "    country: KR\n"
             "    demand: { product: x, every: { dist: exponential, mean: 0.2 }, size: { dist: uniform, min: 0, max: 40 }, unmet: lost }\n"
             "    stock: { x: { initial: 1e6, policy: base_stock, level: 1e6 } }\n"
             "    sources: { x: { other: { lead_time: 1 } } }\n"
             "events:\n"
             "  cut: { type: outage, node: sup, start: 40.5, duration: 20 }\n");
    for (uint64_t rep = 0; rep < 5; rep++) {
        run(&f, rep);
        cr_expect_float_eq(value(&f, "nodes.store.x.lost"), 1500, 1e-9);
        cr_expect_float_eq(value(&f, "events.cut.store.tts"), 10.5, 1e-9);
        cr_expect_float_eq(value(&f, "events.cut.store.ttr"), 32.5, 1e-9);
        cr_expect_float_eq(value(&f, "events.cut.store.ttr_gt_tts"), 1, 1e-12);
        cr_expect_float_eq(value(&f, "events.cut.calm.ttr"), 0, 1e-12,
                           "replication %d: an untouched store recovered", (int)rep);
        cr_expect_float_eq(value(&f, "events.cut.calm.ttr_gt_tts"), 0, 1e-12);
    }
    done(&f);
}
