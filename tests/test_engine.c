/*
 * test_engine.c - each handler on a tiny scenario whose answer is worked out
 * by hand (in the comment above each test).
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

static uint32_t node(const struct fixture *f, const char *id)
{
    return rp_scenario_node(&f->sc, id);
}

static uint32_t product(const struct fixture *f, const char *id)
{
    return rp_scenario_product(&f->sc, id);
}

#define HEAD "ripple: 1\nseed: 7\nproducts: { x: { unit: t } }\n"

/*
 * A store with 1000 on hand loses its only supplier to a ban at day 0.
 * Customers take 100 at t = 1, 2, ..., 30 and leave when nothing is there
 * (lost sales). Stock lasts for days 1..10; days 11..30 are lost:
 * 20 x 100 = 2000, and the first shortfall is at day 11.
 */
Test(engine, stock_runs_out_after_a_ban_at_a_known_day)
{
    struct fixture f;
    load(&f, HEAD "horizon: 30\n"
             "nodes:\n"
             "  sup: { country: JP, supply: unlimited }\n"
             "  store:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 100, unmet: lost }\n"
             "    stock: { x: { initial: 1000, policy: base_stock, level: 1000 } }\n"
             "    sources: { x: { sup: { lead_time: 5 } } }\n"
             "events:\n"
             "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 0 }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.store.x.lost"), 2000, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.store.x.unmet"), 2000, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.store.x.demand"), 3000, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.store.x.fill_rate"), 1.0 / 3, 1e-12);
    cr_expect_float_eq(value(&f, "events.ban.store.tts"), 11, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.sup.x.demand"), 0, 1e-12,
                       "a banned source received orders");
    done(&f);
}

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
 * Goods in transit when the ban starts: "deliver" lets them arrive, "seize"
 * takes them. The store sells 100/day (t=1..), lead 5, ban from t=10.5:
 * shipments of days 6..10 (500) are in transit then. With seize the store's
 * stock lasts 5 days less: lost is 500 more.
 */
Test(engine, seizing_goods_in_transit_costs_exactly_what_was_in_transit)
{
    const char *fmt = HEAD "horizon: 40\n"
        "nodes:\n"
        "  sup: { country: JP, supply: unlimited }\n"
        "  store:\n"
        "    country: KR\n"
        "    demand: { product: x, every: 1, size: 100, unmet: lost }\n"
        "    stock: { x: { initial: 1000, policy: base_stock, level: 1000 } }\n"
        "    sources: { x: { sup: { lead_time: 5 } } }\n"
        "events:\n"
        "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 10.5, in_transit: %s }\n";
    char yaml[2048];
    double lost[2];
    const char *mode[2] = { "deliver", "seize" };
    for (int i = 0; i < 2; i++) {
        struct fixture f;
        snprintf(yaml, sizeof yaml, fmt, mode[i]);
        load(&f, yaml);
        run(&f, 0);
        lost[i] = value(&f, "nodes.store.x.lost");
        done(&f);
    }
    /* deliver: 500 on hand at 10.5 + 500 in transit cover days 11..20 */
    cr_expect_float_eq(lost[0], 20 * 100, 1e-9);
    cr_expect_float_eq(lost[1] - lost[0], 500, 1e-9);
}

/*
 * A backup source joins `qualify` days after the ban: ban at 0, qualify 10,
 * lead 2. The store (no stock, sells 100/day, backorders) orders nothing
 * until day 10, then orders its whole position (1000); that arrives at day
 * 12, when the sales of days 11 and 12 (ordered as they happen) still wait.
 */
Test(engine, backup_source_joins_after_its_qualification_delay)
{
    struct fixture f;
    load(&f, HEAD "horizon: 20\n"
             "nodes:\n"
             "  jp: { country: JP, supply: unlimited }\n"
             "  cn: { country: CN, supply: unlimited }\n"
             "  store:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 100, unmet: backorder }\n"
             "    stock: { x: { initial: 0, policy: base_stock, level: 0 } }\n"
             "    sources: { x: { jp: { share: 1 }, cn: { share: 0, backup: true, qualify: 10, lead_time: 2 } } }\n"
             "events:\n"
             "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 0 }\n");
    rp_run_start(f.r, 7, 0);
    rp_run_until(f.r, 9.5);
    uint32_t s = node(&f, "store"), x = product(&f, "x");
    cr_expect_float_eq(rp_run_on_order(f.r, s, x), 0, 1e-12);
    cr_expect_float_eq(rp_run_owed(f.r, s, x), 900, 1e-9);
    rp_run_until(f.r, 11.5);
    cr_expect_float_eq(rp_run_on_order(f.r, s, x), 1100, 1e-9,
                       "backlog of days 1..11 should be on order from cn");
    rp_run_until(f.r, 12);
    cr_expect_float_eq(rp_run_owed(f.r, s, x), 200, 1e-9,
                       "day 12 arrival should leave days 11 and 12 owed");
    rp_run_finish(f.r, f.values, NULL);
    cr_expect_float_eq(value(&f, "nodes.jp.x.demand"), 0, 1e-12);
    cr_expect_float_eq(value(&f, "nodes.cn.x.demand"), 2000, 1e-9);
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
 * A partial ban (severity 0.5) on one of two equal sources sends the
 * refused half to the other: jp gets 25%, kr 75% of the orders.
 */
Test(engine, partial_ban_moves_the_refused_part_to_open_sources)
{
    struct fixture f;
    load(&f, HEAD "horizon: 100\n"
             "nodes:\n"
             "  jp: { country: JP, supply: unlimited }\n"
             "  kr: { country: KR, supply: unlimited }\n"
             "  buyers:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 4 }\n"
             "    sources: { x: { jp: { share: 0.5 }, kr: { share: 0.5 } } }\n"
             "events:\n"
             "  half: { type: export_ban, from: [JP], to: [KR], products: [x], start: 0, severity: 0.5 }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.jp.x.demand"), 100, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.kr.x.demand"), 300, 1e-9);
    done(&f);
}

/*
 * Licences: every shipment waits 3 days for approval and then its 2-day
 * lead time, so each order takes 5 days; with approval 0 nothing arrives.
 */
Test(engine, licence_delays_each_shipment)
{
    const char *fmt = HEAD "horizon: 50\n"
        "nodes:\n"
        "  jp: { country: JP, supply: unlimited }\n"
        "  buyers:\n"
        "    country: KR\n"
        "    demand: { product: x, every: 1, size: 1 }\n"
        "    sources: { x: { jp: { lead_time: 2 } } }\n"
        "events:\n"
        "  lic: { type: export_licence, from: [JP], to: [KR], products: [x], start: 0, delay: 3, approval: %g }\n";
    char yaml[1024];
    struct fixture f;
    snprintf(yaml, sizeof yaml, fmt, 1.0);
    load(&f, yaml);
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.buyers.x.cycle_time"), 5, 1e-12);
    cr_expect_float_eq(value(&f, "nodes.buyers.x.delivered"), 45, 1e-9);
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
 * A softer ban calls in the backup too, and once it is in the banned
 * source is hedged. A store sells 10 a day (t = 1..20) from 100 on hand,
 * base stock 100, from an unlimited Japanese source behind a 50% ban from
 * day 0; a Chinese backup (share 0, lead time 1 as Japan's) qualifies 5
 * days after the ban starts. Days 1..4: each re-order of 10 sends 5 to
 * Japan and holds 5 (no open source for it). At 5 the backup is in: Japan
 * is set aside, as the full ban would set it aside, and gets what the ban
 * lets through of its part as a hedge (not on order). The 20 held are
 * re-ordered from China, with a hedge of 10 from Japan; the demand of 5
 * orders 10 from China, hedge 5. At 6 all 45 arrive: 115 on hand, 105
 * after the demand, no order. From 7 each order x_t goes to China with a
 * hedge of x_t / 2, both arriving the next day, so x_7 = 5 and x_(t+1) =
 * 10 - x_t / 2 (towards 20/3). With S = x_7 + ... + x_20, China is asked
 * for 30 + S and Japan for 20 + 15 + S / 2. (Before hedging China was
 * asked for 90 and Japan for 110.)
 */
Test(engine, a_partial_ban_calls_in_the_backup_for_what_it_refuses)
{
    struct fixture f;
    load(&f, HEAD "horizon: 20\n"
             "nodes:\n"
             "  jp: { country: JP, supply: unlimited }\n"
             "  cn: { country: CN, supply: unlimited }\n"
             "  store:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 10 }\n"
             "    stock: { x: { initial: 100, level: 100 } }\n"
             "    sources: { x: { jp: { share: 1, lead_time: 1 }, cn: { share: 0, backup: true, qualify: 5, lead_time: 1 } } }\n"
             "events:\n"
             "  half: { type: export_ban, from: [JP], to: [KR], products: [x], severity: 0.5, start: 0 }\n");
    run(&f, 0);
    double x = 5, sum = 0;
    for (int t = 7; t <= 20; t++) {
        sum += x;
        x = 10 - x / 2;
    }
    cr_expect_float_eq(value(&f, "nodes.cn.x.demand"), 30 + sum, 1e-9,
                       "China was asked for %g", value(&f, "nodes.cn.x.demand"));
    cr_expect_float_eq(value(&f, "nodes.jp.x.demand"), 35 + sum / 2, 1e-9,
                       "Japan was asked for %g", value(&f, "nodes.jp.x.demand"));
    cr_expect_float_eq(value(&f, "nodes.store.x.unmet"), 0, 1e-12);
    done(&f);
}

/*
 * A licence regime calls in the backup, and once it has qualified the
 * licensed source counts as blocked in the split, and is hedged. The
 * store above, now with every Japanese shipment waiting 3 days for a
 * licence (always approved) and the backup qualifying 5 days after the
 * regime starts. Until then Japan is the only source: the orders of days
 * 1..4 go there; day 1's is approved at 4 and arrives at 5. At 5 the
 * backup is in (its qualification was scheduled before the licence
 * decisions of that instant): the 30 still waiting for approval become
 * hedges, off the order book, and are re-ordered from China (their
 * hedges exist: none is sent again). From then each order goes to China
 * and Japan gets its part as a hedge, arriving 4 days later: on hand
 * reaches 110 at 6 (China's 40 and the first hedge), so the store orders
 * nothing at 6..9, while the hedges of 2..5 arrive, and 10 at 10..13 and
 * 18..20 (the hedges of 10..13 arrive at 14..17). China is asked for
 * 30 + 10 + 7 x 10 = 110, Japan ships 40 + 8 x 10 = 120, and 90 are on
 * hand at the end.
 */
Test(engine, a_licence_calls_in_the_backup_and_is_blocked_once_it_qualifies)
{
    struct fixture f;
    load(&f, HEAD "horizon: 20\n"
             "nodes:\n"
             "  jp: { country: JP, supply: unlimited }\n"
             "  cn: { country: CN, supply: unlimited }\n"
             "  store:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 10 }\n"
             "    stock: { x: { initial: 100, level: 100 } }\n"
             "    sources: { x: { jp: { share: 1, lead_time: 1 }, cn: { share: 0, backup: true, qualify: 5, lead_time: 1 } } }\n"
             "events:\n"
             "  lic: { type: export_licence, from: [JP], to: [KR], products: [x], delay: 3, approval: 1, start: 0 }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.cn.x.demand"), 110, 1e-9,
                       "China was asked for %g", value(&f, "nodes.cn.x.demand"));
    cr_expect_float_eq(value(&f, "nodes.jp.x.delivered"), 120, 1e-9,
                       "Japan shipped %g", value(&f, "nodes.jp.x.delivered"));
    cr_expect_float_eq(value(&f, "nodes.store.x.unmet"), 0, 1e-12);
    done(&f);
}

/*
 * Monotonicity on common random numbers: a store (random demand, 10 a day
 * on average) buys from Japan; a ban from day 20 to 120 calls in a Chinese
 * maker that can make only 6 a day. The same 200 futures are run under
 * each restriction (lost sales). Mean unmet must not rise as the ban's severity falls,
 * and a licence regime of the same scope (any delay, any approval) must
 * not do worse than the full ban. Each comparison allows 3 standard errors
 * of the paired differences, so a test fails on a real reversal, not on
 * noise.
 */
#define MONO_REPS 200

static const char *mono_fmt = HEAD "horizon: 200\n"
    "nodes:\n"
    "  jp: { country: JP, supply: unlimited }\n"
    "  cn: { country: CN, make: { product: x, capacity: 6 } }\n"
    "  store:\n"
    "    country: KR\n"
    "    demand: { product: x, every: { dist: exponential, mean: 1 }, size: { dist: uniform, min: 5, max: 15 }, unmet: lost }\n"
    "    stock: { x: { initial: 60, level: 60 } }\n"
    "    sources: { x: { jp: { share: 1, lead_time: { dist: uniform, min: 1, max: 3 } },\n"
    "                    cn: { share: 0, backup: true, qualify: { dist: uniform, min: 10, max: 30 }, lead_time: 2 } } }\n"
    "events:\n"
    "  cut: { type: %s, from: [JP], to: [KR], products: [x], start: 20, duration: 100, %s }\n";

static void mono_run(const char *type, const char *params, double *unmet)
{
    char yaml[2048];
    struct fixture f;
    snprintf(yaml, sizeof yaml, mono_fmt, type, params);
    load(&f, yaml);
    for (uint64_t rep = 0; rep < MONO_REPS; rep++) {
        run(&f, rep);
        unmet[rep] = value(&f, "nodes.store.x.unmet");
    }
    done(&f);
}

/* Is the mean of worse - better above -3 standard errors? */
static void expect_no_worse(const double *better, const double *worse,
                            const char *what)
{
    double sum = 0, sq = 0;
    for (int i = 0; i < MONO_REPS; i++) {
        double d = worse[i] - better[i];
        sum += d;
        sq += d * d;
    }
    double mean = sum / MONO_REPS;
    double var = (sq - MONO_REPS * mean * mean) / (MONO_REPS - 1);
    double se = sqrt(var > 0 ? var : 0) / sqrt(MONO_REPS);
    cr_expect_geq(mean, -3 * se, "%s: the softer restriction is worse by %g (se %g)",
                  what, -mean, se);
}

Test(engine, softer_restrictions_never_leave_more_unmet)
{
    static const char *sev[] = { "severity: 1", "severity: 0.9", "severity: 0.5",
                                 "severity: 0.1" };
    static double u[4][MONO_REPS], lic[3][MONO_REPS];
    for (int i = 0; i < 4; i++)
        mono_run("export_ban", sev[i], u[i]);
    for (int i = 1; i < 4; i++)
        expect_no_worse(u[i], u[i - 1], sev[i]);
    mono_run("export_licence", "delay: 30, approval: 0.2", lic[0]);
    mono_run("export_licence", "delay: 10, approval: 0.5", lic[1]);
    mono_run("export_licence", "delay: 2, approval: 0.9", lic[2]);
    expect_no_worse(lic[0], u[0], "licence (30 days, 20%) against the full ban");
    expect_no_worse(lic[1], lic[0], "licence approval 0.5, 10 days against 0.2, 30 days");
    expect_no_worse(lic[2], lic[1], "licence approval 0.9, 2 days against 0.5, 10 days");
    double mean_full = 0;
    for (int i = 0; i < MONO_REPS; i++)
        mean_full += u[0][i] / MONO_REPS;
    cr_expect_gt(mean_full, 100, "the full ban hurts too little to test anything");
}
