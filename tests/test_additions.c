/*
 * test_additions.c - the engine rules of the scenario format's Additions
 * (paths, ramps on demand, factor 0, cover following capacity, priority by
 * owner, quotas, announcements and alerts, triggered backups,
 * peak_backorders), each on a tiny deterministic network whose answer is
 * worked out by hand in the comment above the test. Hedging and capped
 * takeover are test_hedging.c's; the monotonicity of shortfall in the
 * severity of restrictions is test_monotone.c's.
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
 * `initial` left to its default is the level in force at time 0: a maker
 * of 10 a day holds its input x as cover: 5 (50 at full capacity), and
 * starts the run at a capacity factor f (an event from day 0). With f = 0
 * (a plant not yet built) it starts with no x; with f = 0.5 with 25;
 * with f = 1 with 50. An `initial` written is kept whatever the factor
 * (50 at f = 0). It has nothing to make, and its supplier is 1000 days
 * away, so at 0.5 it holds what it started with.
 */
Test(additions, a_default_initial_is_the_cover_at_the_capacity_in_force)
{
    const char *fmt = HEAD "horizon: 10\n"
        "nodes:\n"
        "  sup: { country: KR, supply: unlimited }\n"
        "  maker:\n"
        "    country: KR\n"
        "    make: { product: cell, capacity: 10, inputs: { x: 1 }, to_order: true }\n"
        "    stock: { x: { %s policy: base_stock, cover: 5 } }\n"
        "    sources: { x: { sup: { lead_time: 1000 } } }\n"
        "events:\n"
        "  built: { type: capacity, node: maker, start: 0, factor: %g }\n";
    const char *initial[4] = { "", "", "", "initial: 50," };
    double factor[4] = { 0, 0.5, 1, 0 }, held[4] = { 0, 25, 50, 50 };
    for (int i = 0; i < 4; i++) {
        char yaml[2048];
        struct fixture f;
        snprintf(yaml, sizeof yaml, fmt, initial[i], factor[i]);
        load(&f, yaml);
        rp_run_start(f.r, f.sc.seed, 0);
        rp_run_until(f.r, 0.5);
        cr_expect_float_eq(on_hand(&f, "maker", "x"), held[i], 1e-9,
                           "factor %g, '%s': %g on hand at 0.5", factor[i], initial[i],
                           on_hand(&f, "maker", "x"));
        done(&f);
    }
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

/* ------------------------------------------------ preferred buyers */

/*
 * A maker of 10 a day (to order, one server, one-day batches) sells to
 * buyers in JP and KR; buyer a orders a_size a day and b 10 a day, from
 * t = 1. Each batch completes at t = 2, 3, ..., 20 (19 by 20.5) and is
 * shared among the orders waiting then.
 */
static const char *maker_fmt = "ripple: 1\nseed: 7\nhorizon: 20.5\n"
    "products: { cell: {} }\n"
    "groups: { alliance: [JP, US] }\n"
    "nodes:\n"
    "  maker:\n"
    "    country: JP\n"
    "    make: { product: cell, capacity: 10, to_order: true }\n"
    "    %s\n"
    "  a:\n"
    "    country: %s\n"
    "    owner: %s\n"
    "    demand: { product: cell, every: 1, size: %g }\n"
    "    sources: { cell: { maker: {} } }\n"
    "  b:\n"
    "    country: KR\n"
    "    demand: { product: cell, every: 1, size: 10 }\n"
    "    sources: { cell: { maker: {} } }\n";

static void run_maker(struct fixture *f, const char *alloc, const char *a_country,
                      const char *a_owner, double a_size)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml, maker_fmt, alloc, a_country, a_owner, a_size);
    load(f, yaml);
    run(f, 0);
}

/*
 * quota {alliance: 0.7, KR: 0.3}: both buyers always wait for more than
 * they get, so each batch of 10 goes 7 to a (JP) and 3 to b (KR):
 * 19 x 7 = 133 and 19 x 3 = 57.
 */
Test(additions, a_quota_splits_10_a_day_as_7_and_3)
{
    struct fixture f;
    run_maker(&f, "allocation: quota\n    quota: { alliance: 0.7, KR: 0.3 }",
              "JP", "JP", 10);
    cr_expect_float_eq(value(&f, "nodes.a.cell.delivered"), 133, 1e-9,
                       "a got %g", value(&f, "nodes.a.cell.delivered"));
    cr_expect_float_eq(value(&f, "nodes.b.cell.delivered"), 57, 1e-9,
                       "b got %g", value(&f, "nodes.b.cell.delivered"));
    done(&f);
}

/*
 * A class that needs less than its share passes the rest on: a orders
 * only 5 a day. The first batch is 5 (a's order was the only one when the
 * maker started), the next 18 are 10: 185 made. Of each a takes what it
 * waits for (all it ordered on days 1..19: 95) and b gets the rest, 90;
 * with shares kept to 3 of 10, b would get at most 57.
 */
Test(additions, a_quota_class_passes_what_it_does_not_need)
{
    struct fixture f;
    run_maker(&f, "allocation: quota\n    quota: { alliance: 0.7, KR: 0.3 }",
              "JP", "JP", 5);
    cr_expect_float_eq(value(&f, "nodes.a.cell.delivered"), 95, 1e-9,
                       "a got %g", value(&f, "nodes.a.cell.delivered"));
    cr_expect_float_eq(value(&f, "nodes.b.cell.delivered"), 90, 1e-9,
                       "b got %g", value(&f, "nodes.b.cell.delivered"));
    done(&f);
}

/*
 * A buyer in no class, with no `other`, has a share of 0: a in CN gets
 * nothing, and b (KR, the only class waiting) gets every batch: 190.
 */
Test(additions, a_buyer_in_no_quota_class_gets_nothing_without_other)
{
    struct fixture f;
    run_maker(&f, "allocation: quota\n    quota: { alliance: 0.7, KR: 0.3 }",
              "CN", "CN", 10);
    cr_expect_float_eq(value(&f, "nodes.a.cell.delivered"), 0, 1e-12);
    cr_expect_float_eq(value(&f, "nodes.b.cell.delivered"), 190, 1e-9);
    done(&f);
    /* with other: 0.5 of it, CN and KR share 5/3 : 3/8 of each batch */
    run_maker(&f, "allocation: quota\n    quota: { alliance: 0.5, KR: 0.3, other: 0.2 }",
              "CN", "CN", 10);
    cr_expect_float_eq(value(&f, "nodes.a.cell.delivered"), 19 * 10 * 0.2 / 0.5, 1e-9,
                       "a got %g", value(&f, "nodes.a.cell.delivered"));
    cr_expect_float_eq(value(&f, "nodes.b.cell.delivered"), 19 * 10 * 0.3 / 0.5, 1e-9);
    done(&f);
}

/*
 * priority: [JP] by owner: a is a Japanese-owned plant in Korea, b a
 * Korean one. By owner, a is served first: every batch goes to a (190),
 * b gets none. By country (the default) both are Korean sites, in no
 * class: served first come, first served, so b is served too.
 */
Test(additions, priority_by_owner_serves_the_japanese_owned_plant_in_korea_first)
{
    struct fixture f;
    run_maker(&f, "allocation: priority\n    priority: [JP]\n    priority_by: owner",
              "KR", "JP", 10);
    cr_expect_float_eq(value(&f, "nodes.a.cell.delivered"), 190, 1e-9,
                       "a got %g", value(&f, "nodes.a.cell.delivered"));
    cr_expect_float_eq(value(&f, "nodes.b.cell.delivered"), 0, 1e-12);
    done(&f);
    run_maker(&f, "allocation: priority\n    priority: [JP]", "KR", "JP", 10);
    double a = value(&f, "nodes.a.cell.delivered"), b = value(&f, "nodes.b.cell.delivered");
    cr_expect_gt(b, 50, "by country the Korean plant got %g", b);
    cr_expect_float_eq(a + b, 190, 1e-9);
    done(&f);
}

/* ------------------------------------------ announcements and alerts */

/*
 * Pre-buying: a store sells 1 a day (t = 1, 2, ..., lost sales), keeps a
 * base stock of 10 and buys from Japan (lead time 2), which is banned from
 * day 30 for ever. With `alert: {level: 50}` and the ban announced 10 days
 * ahead, at day 20 it orders up to 50: 40 more, in by 22. At 29.5 it
 * holds 48 (2 of its 50 are on their way, and arrive after the ban
 * starts). From 30 it sells its 50 and loses the other 71 - 50 = 21 of
 * days 30..100. Unannounced, the alert comes at the start, when there is
 * no source left: it holds 8 at 29.5 and loses 71 - 10 = 61.
 */
static const char *prebuy_fmt = HEAD "horizon: 100.5\n"
    "nodes:\n"
    "  jp: { country: JP, supply: unlimited }\n"
    "  store:\n"
    "    country: KR\n"
    "    demand: { product: x, every: 1, size: 1, unmet: lost }\n"
    "    stock: { x: { initial: 10, level: 10, alert: { level: 50 } } }\n"
    "    sources: { x: { jp: { lead_time: 2 } } }\n"
    "events:\n"
    "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 30, announce: %g }\n";

Test(additions, pre_buying_on_an_announcement_fills_stock_before_the_start)
{
    double announce[2] = { 10, 0 }, held[2] = { 48, 8 }, lost[2] = { 21, 61 };
    for (int i = 0; i < 2; i++) {
        char yaml[2048];
        struct fixture f;
        snprintf(yaml, sizeof yaml, prebuy_fmt, announce[i]);
        load(&f, yaml);
        rp_run_start(f.r, f.sc.seed, 0);
        rp_run_until(f.r, 29.5);
        cr_expect_float_eq(on_hand(&f, "store", "x"), held[i], 1e-9,
                           "announce %g: %g on hand at 29.5", announce[i],
                           on_hand(&f, "store", "x"));
        rp_run_finish(f.r, f.values, NULL);
        cr_expect_float_eq(value(&f, "nodes.store.x.lost"), lost[i], 1e-9,
                           "announce %g: lost %g", announce[i],
                           value(&f, "nodes.store.x.lost"));
        done(&f);
    }
}

/*
 * The alert target holds while the restriction lasts, then the normal
 * one: a licence (always approved at once) from 20 to 40, announced at
 * 10. The store re-orders what it sells, and 40 more at 10; at 40 the
 * target is 10 again and it stops re-ordering until its position (50 on
 * hand by then) falls to 10: no orders over days 41..80.
 */
Test(additions, an_alert_lasts_until_the_restriction_ends)
{
    struct fixture f;
    load(&f, HEAD "horizon: 80.5\n"
             "nodes:\n"
             "  jp: { country: JP, supply: unlimited }\n"
             "  store:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 1, unmet: lost }\n"
             "    stock: { x: { initial: 10, level: 10, alert: { level: 50 } } }\n"
             "    sources: { x: { jp: { lead_time: 0 } } }\n"
             "events:\n"
             "  lic: { type: export_licence, from: [JP], to: [KR], products: [x], start: 20, duration: 20, delay: 0, approval: 1, announce: 10 }\n");
    run(&f, 0);
    /* re-orders of days 1..40 (40) + 40 at day 10; nothing after */
    cr_expect_float_eq(value(&f, "nodes.jp.x.demand"), 80, 1e-9,
                       "ordered %g", value(&f, "nodes.jp.x.demand"));
    cr_expect_float_eq(value(&f, "nodes.store.x.lost"), 0, 1e-12);
    done(&f);
}

/*
 * Qualification starts at the announcement: the store of the pre-buying
 * case (no alert) with a Chinese backup that qualifies 15 days after it is
 * called in. Announced 10 days ahead, it is in at 35 (20 + 15) and the
 * store orders from it then; unannounced, at 45.
 */
Test(additions, a_backup_starts_qualifying_at_the_announcement)
{
    const char *fmt = HEAD "horizon: 60\n"
        "nodes:\n"
        "  jp: { country: JP, supply: unlimited }\n"
        "  cn: { country: CN, supply: unlimited }\n"
        "  store:\n"
        "    country: KR\n"
        "    demand: { product: x, every: 1, size: 1, unmet: lost }\n"
        "    stock: { x: { initial: 10, level: 10 } }\n"
        "    sources: { x: { jp: { lead_time: 2 }, cn: { share: 0, backup: true, qualify: 15, lead_time: 2 } } }\n"
        "events:\n"
        "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 30, announce: %g }\n";
    double announce[2] = { 10, 0 }, in_at[2] = { 35, 45 };
    for (int i = 0; i < 2; i++) {
        char yaml[2048];
        struct fixture f;
        snprintf(yaml, sizeof yaml, fmt, announce[i]);
        load(&f, yaml);
        rp_run_start(f.r, f.sc.seed, 0);
        rp_run_until(f.r, in_at[i] - 0.5);
        cr_expect_float_eq(on_order(&f, "store", "x"), 0, 1e-12,
                           "announce %g: ordered before the backup was in", announce[i]);
        rp_run_until(f.r, in_at[i]);
        cr_expect_gt(on_order(&f, "store", "x"), 0,
                     "announce %g: nothing ordered when the backup was in at %g",
                     announce[i], in_at[i]);
        done(&f);
    }
}

/* ------------------------------------------------- triggered backups */

/*
 * A supplier that runs dry calls in a backup through its trigger. Buyers
 * wait for 10 units a day (t = 1, 2, ..., 12) from `sup`, which holds 50
 * and restocks only from a supplier 1000 days away: it serves days 1..5
 * and from day 6 nothing. The
 * backup (unlimited, share 0) qualifies 2 days after its trigger fires.
 * Each day's end judges the last W whole days (the day that ended and the
 * W - 1 before it; demand at t falls in day t):
 * - W = 3, fill 0.8: at time 7 (days 4..6) 20 of 30 were sent, 0.67: the
 *   trigger fires; at time 6 (days 3..5) 30 of 30. In at 9; from then each
 *   demand splits 1 : 1 (the backup takes the share of the source that
 *   served poorly, which keeps its own): 5 a day from the backup at
 *   9..12, 20 in all.
 * - W = 10: over days 0..d the fill is 50 / 10d: 0.83 at d = 6, 0.71 at
 *   d = 7, so it fires at time 8 and the backup is in at 10: 15.
 * - W = 3 and a backup with share 0.25: it joins with its share, 0.25 of
 *   1.25 of each demand: 2 a day at 9..12, 8.
 * A cumulative fill (since day 0) would fire at time 8 for W = 3 as well.
 * What the backup does not send stays owed: unmet = 120 - 50 - backup.
 */
/* Its parameters: what sup holds, the backup's share, the window. */
static const char *trig_fmt = HEAD "horizon: 12.5\n"
    "nodes:\n"
    "  far: { country: US, supply: unlimited }\n"
    "  sup: { country: KR, stock: { x: { initial: %g, level: 0 } },\n"
    "         sources: { x: { far: { lead_time: 1000 } } } }\n"
    "  bk: { country: CN, supply: unlimited }\n"
    "  buyers:\n"
    "    country: KR\n"
    "    demand: { product: x, every: 1, size: 10 }\n"
    "    sources: { x: { sup: { share: 1 },\n"
    "                    bk: { share: %g, backup: true, qualify: 2,\n"
    "                          trigger: { fill: 0.8, window: %g } } } }\n";

Test(additions, a_trigger_calls_in_a_backup_over_a_trailing_window)
{
    double share[3] = { 0, 0, 0.25 }, window[3] = { 3, 10, 3 }, from_bk[3] = { 20, 15, 8 };
    for (int i = 0; i < 3; i++) {
        char yaml[2048];
        struct fixture f;
        snprintf(yaml, sizeof yaml, trig_fmt, 50.0, share[i], window[i]);
        load(&f, yaml);
        run(&f, 0);
        cr_expect_float_eq(value(&f, "nodes.bk.x.delivered"), from_bk[i], 1e-9,
                           "share %g, window %g: the backup sent %g", share[i], window[i],
                           value(&f, "nodes.bk.x.delivered"));
        cr_expect_float_eq(value(&f, "nodes.sup.x.delivered"), 50, 1e-9);
        cr_expect_float_eq(value(&f, "nodes.buyers.x.unmet"), 70 - from_bk[i], 1e-9,
                           "share %g, window %g: unmet %g", share[i], window[i],
                           value(&f, "nodes.buyers.x.unmet"));
        done(&f);
    }
}

/*
 * The trigger's verdict at its threshold, which the day's check leaves to
 * the exact window sums (engine_trigger.c, surely_served): the network
 * above, W = 3, with sup holding 44 or 43.99. Days 1..4 are served in
 * full and day 5 gets the rest, so at time 6 days 3..5 sent 24 of 30,
 * exactly 0.8 (not below: no call), or 23.99 (below: the backup is
 * called in at 6 and in at 8, a day sooner). From then each demand splits
 * 1 : 1: 5 a day from the backup at 9..12, 20 (44), or at 8..12, 25.
 */
Test(additions, a_trigger_judges_its_fill_threshold_exactly)
{
    double initial[2] = { 44, 43.99 }, from_bk[2] = { 20, 25 };
    for (int i = 0; i < 2; i++) {
        char yaml[2048];
        struct fixture f;
        snprintf(yaml, sizeof yaml, trig_fmt, initial[i], 0.0, 3.0);
        load(&f, yaml);
        run(&f, 0);
        cr_expect_float_eq(value(&f, "nodes.bk.x.delivered"), from_bk[i], 1e-9,
                           "sup holding %g: the backup sent %g", initial[i],
                           value(&f, "nodes.bk.x.delivered"));
        done(&f);
    }
}

/*
 * Two triggered backups of one holding, each judging its own window (the
 * day's check sums the rings once per window, engine_trigger.c). The
 * network of the test above, with backups c and d, shares 0, qualify 2:
 * - windows 3 and 10: c fires at time 7 and is in at 9, d fires at 8 and
 *   is in at 10 (as each does alone). At 9 the demand splits 1 : 1 (c takes
 *   sup's share: 5); from 10 (a qualification comes before the demand at
 *   the same time) the two share sup's share equally, 1 : 0.5 : 0.5, 2.5
 *   each at 10, 11, 12: c 12.5, d 7.5.
 * - windows 3 and 3: both fire at 7 and are in at 9: 2.5 each at 9..12,
 *   10 each.
 * Unmet = 120 - 50 - what c and d sent.
 */
Test(additions, two_triggered_backups_of_one_holding_judge_their_own_windows)
{
    double wd[2] = { 10, 3 }, from_c[2] = { 12.5, 10 }, from_d[2] = { 7.5, 10 };
    for (int i = 0; i < 2; i++) {
        char yaml[2048];
        struct fixture f;
        snprintf(yaml, sizeof yaml, HEAD "horizon: 12.5\n"
                 "nodes:\n"
                 "  far: { country: US, supply: unlimited }\n"
                 "  sup: { country: KR, stock: { x: { initial: 50, level: 0 } },\n"
                 "         sources: { x: { far: { lead_time: 1000 } } } }\n"
                 "  c: { country: CN, supply: unlimited }\n"
                 "  d: { country: CN, supply: unlimited }\n"
                 "  buyers:\n"
                 "    country: KR\n"
                 "    demand: { product: x, every: 1, size: 10 }\n"
                 "    sources: { x: { sup: { share: 1 },\n"
                 "                    c: { share: 0, backup: true, qualify: 2,\n"
                 "                         trigger: { fill: 0.8, window: 3 } },\n"
                 "                    d: { share: 0, backup: true, qualify: 2,\n"
                 "                         trigger: { fill: 0.8, window: %g } } } }\n",
                 wd[i]);
        load(&f, yaml);
        run(&f, 0);
        cr_expect_float_eq(value(&f, "nodes.c.x.delivered"), from_c[i], 1e-9,
                           "d's window %g: c sent %g", wd[i], value(&f, "nodes.c.x.delivered"));
        cr_expect_float_eq(value(&f, "nodes.d.x.delivered"), from_d[i], 1e-9,
                           "d's window %g: d sent %g", wd[i], value(&f, "nodes.d.x.delivered"));
        cr_expect_float_eq(value(&f, "nodes.buyers.x.unmet"), 70 - from_c[i] - from_d[i],
                           1e-9, "d's window %g: unmet %g", wd[i],
                           value(&f, "nodes.buyers.x.unmet"));
        done(&f);
    }
}

/*
 * The backup takes the share of the sources that served poorly, not of
 * all of them. Buyers wait for 6 a day, half from `a` (holds 15, restocks
 * only from 1000 days away) and half from `b` (unlimited). Window 2, fill 0.8: at time 7
 * (days 5, 6) the two sent 9 of 12 (0.75): the trigger fires; `a` alone
 * sent 3 of 6, `b` 6 of 6, so the backup keeps a's share, 0.5. In at 9:
 * each demand splits 0.5 : 0.5 : 0.5, 2 each. The backup sends 8 (days
 * 9..12), b 24 + 8 = 32, a 15; unmet 72 - 55 = 17 (still owed by a).
 */
Test(additions, a_triggered_backup_takes_the_share_of_the_poor_sources)
{
    struct fixture f;
    load(&f, HEAD "horizon: 12.5\n"
             "nodes:\n"
             "  far: { country: US, supply: unlimited }\n"
             "  a: { country: KR, stock: { x: { initial: 15, level: 0 } },\n"
             "       sources: { x: { far: { lead_time: 1000 } } } }\n"
             "  b: { country: KR, supply: unlimited }\n"
             "  bk: { country: CN, supply: unlimited }\n"
             "  buyers:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 6 }\n"
             "    sources: { x: { a: { share: 0.5 }, b: { share: 0.5 },\n"
             "                    bk: { share: 0, backup: true, qualify: 2,\n"
             "                          trigger: { fill: 0.8, window: 2 } } } }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.bk.x.delivered"), 8, 1e-9,
                       "the backup sent %g", value(&f, "nodes.bk.x.delivered"));
    cr_expect_float_eq(value(&f, "nodes.b.x.delivered"), 32, 1e-9,
                       "b sent %g", value(&f, "nodes.b.x.delivered"));
    cr_expect_float_eq(value(&f, "nodes.a.x.delivered"), 15, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.buyers.x.unmet"), 17, 1e-9,
                       "unmet %g", value(&f, "nodes.buyers.x.unmet"));
    done(&f);
}

/*
 * Good service never calls the backup in: `sup` is unlimited, every
 * order is sent the day it is placed, so the fill is 1 every day and the
 * backup sends nothing, however demanding its trigger (fill 1).
 */
Test(additions, a_trigger_stays_quiet_while_service_is_good)
{
    struct fixture f;
    load(&f, HEAD "horizon: 40.5\n"
             "nodes:\n"
             "  sup: { country: KR, supply: unlimited }\n"
             "  bk: { country: CN, supply: unlimited }\n"
             "  buyers:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 10 }\n"
             "    sources: { x: { sup: { share: 1, lead_time: 5 },\n"
             "                    bk: { share: 0, backup: true, qualify: 0,\n"
             "                          trigger: { fill: 1, window: 7 } } } }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.bk.x.delivered"), 0, 1e-12,
                       "the backup sent %g", value(&f, "nodes.bk.x.delivered"));
    cr_expect_float_eq(value(&f, "nodes.sup.x.delivered"), 400, 1e-9);
    done(&f);
}

/* ----------------------------------------------------- peak_backorders */

/*
 * A partial ban refuses its share of what has not shipped yet, not only of
 * new orders. Buyers order 10 a day (t = 1..10) split 5 : 5 over `a` (JP,
 * nothing to ship: its orders wait) and `b` (KR, unlimited). By t = 5.5,
 * 25 wait at `a` when a ban of severity s starts. It sends back s x 25,
 * which is re-ordered: of its half for `a` only 1 - s passes, the rest
 * goes to `b`; later orders likewise. For s = 0.6: b sends 25 + (15 - 3)
 * + 5 x 8 = 77, and 23 stay owed (13 + 5 x 2 at `a`). For s = 1: 25 come
 * back and all go to `b`, 100 sent. For s = 0.2: 5 come back, b sends
 * 25 + (5 - 2) + 5 x 6 = 58. Without the rule a partial ban would
 * leave the 25 waiting (b sends 65) and be worse than the full ban by
 * more than its refused share alone.
 */
static const char *partial_fmt = HEAD "horizon: 10.5\n"
    "nodes:\n"
    "  far: { country: US, supply: unlimited }\n"
    "  a: { country: JP, stock: { x: { initial: 0, level: 0 } },\n"
    "       sources: { x: { far: { lead_time: 1000 } } } }\n"
    "  b: { country: KR, supply: unlimited }\n"
    "  buyers:\n"
    "    country: KR\n"
    "    demand: { product: x, every: 1, size: 10 }\n"
    "    sources: { x: { a: { share: 0.5 }, b: { share: 0.5 } } }\n"
    "events:\n"
    "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 5.5, severity: %g }\n";

Test(additions, a_partial_ban_sends_back_its_share_of_the_waiting_orders)
{
    double sev[3] = { 0.6, 1, 0.2 }, from_b[3] = { 77, 100, 25 + 3 + 5 * 6 };
    for (int i = 0; i < 3; i++) {
        char yaml[2048];
        struct fixture f;
        snprintf(yaml, sizeof yaml, partial_fmt, sev[i]);
        load(&f, yaml);
        run(&f, 0);
        cr_expect_float_eq(value(&f, "nodes.b.x.delivered"), from_b[i], 1e-9,
                           "severity %g: b sent %g", sev[i], value(&f, "nodes.b.x.delivered"));
        cr_expect_float_eq(value(&f, "nodes.a.x.delivered"), 0, 1e-9);
        cr_expect_float_eq(value(&f, "nodes.buyers.x.unmet"), 100 - from_b[i], 1e-9,
                           "severity %g: unmet %g", sev[i], value(&f, "nodes.buyers.x.unmet"));
        done(&f);
    }
}

/*
 * Two markets, each buying from its own make-to-order maker of 10 a day
 * (one-day batches, lead time 0). Market a orders 20 at t = 1..9, market b
 * 20 at t = 50..58 (demand events of factor 0 outside those days). After
 * its k-th order a market is owed 20k and has been shipped the k - 1
 * batches completed since its first: 10k + 10 unshipped, 100 after the
 * ninth. So each peaks at 100, though b's backlog averages far less over
 * the horizon; their group peaks at 100 too (a is served in full by 19,
 * long before b starts), not at the 200 a sum of peaks would give.
 */
Test(additions, peak_backorders_is_the_largest_amount_owed)
{
    struct fixture f;
    load(&f, "ripple: 1\nseed: 7\nhorizon: 80\n"
             "products: { cell: {} }\n"
             "nodes:\n"
             "  ma: { country: KR, make: { product: cell, capacity: 10, to_order: true } }\n"
             "  mb: { country: KR, make: { product: cell, capacity: 10, to_order: true } }\n"
             "  a:\n"
             "    country: KR\n"
             "    demand: { product: cell, every: 1, size: 20 }\n"
             "    sources: { cell: { ma: {} } }\n"
             "  b:\n"
             "    country: KR\n"
             "    demand: { product: cell, every: 1, size: 20 }\n"
             "    sources: { cell: { mb: {} } }\n"
             "events:\n"
             "  a_stop: { type: demand, node: a, start: 9.5, factor: 0 }\n"
             "  b_wait: { type: demand, node: b, start: 0, duration: 49.5, factor: 0 }\n"
             "  b_stop: { type: demand, node: b, start: 58.5, factor: 0 }\n"
             "report: { groups: { both: { nodes: [a, b] } } }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.a.cell.peak_backorders"), 100, 1e-9,
                       "a peaked at %g", value(&f, "nodes.a.cell.peak_backorders"));
    cr_expect_float_eq(value(&f, "nodes.b.cell.peak_backorders"), 100, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.ma.cell.peak_backorders"), 100, 1e-9,
                       "the maker's backlog peaked at %g",
                       value(&f, "nodes.ma.cell.peak_backorders"));
    cr_expect_float_eq(value(&f, "groups.both.cell.peak_backorders"), 100, 1e-9,
                       "the group peaked at %g",
                       value(&f, "groups.both.cell.peak_backorders"));
    cr_expect_float_eq(value(&f, "nodes.a.cell.unmet"), 0, 1e-12);
    done(&f);
}

/*
 * A market that is never short has a peak of 0. It orders 1 a day from a
 * depot with ample stock over a 5-day lead time, so about 5 of its orders
 * are always on their way, none unshipped. Each arrival is handed on at
 * once; counting it out of transit before the waiting order takes it
 * (as the engine did) made every arrival an instant owed 1.
 */
Test(additions, a_market_served_in_full_over_a_lead_time_never_peaks)
{
    struct fixture f;
    load(&f, "ripple: 1\nseed: 7\nhorizon: 100\n"
             "products: { w: {} }\n"
             "nodes:\n"
             "  far: { country: US, supply: unlimited }\n"
             "  depot: { country: US, stock: { w: { level: 1000, initial: 1000 } },\n"
             "           sources: { w: { far: { lead_time: 1 } } } }\n"
             "  market:\n"
             "    country: US\n"
             "    demand: { product: w, every: 1, size: 1 }\n"
             "    sources: { w: { depot: { lead_time: 5 } } }\n"
             "report: { groups: { buyers: { nodes: [market] } } }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.market.w.delivered"), 95, 1e-9);
    expect_market_never_peaked(&f, 1e-12);
    done(&f);
}
