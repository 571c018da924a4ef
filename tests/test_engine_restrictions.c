/*
 * test_engine_restrictions.c - the restriction handlers on tiny scenarios
 * worked out by hand (in the comment above each test): export bans, full
 * and partial, seizure of goods in transit, licences, the backup sources
 * they call in, and that a softer restriction never leaves more unmet.
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

/*
 * A market never short is never owed unshipped, even for an instant
 * inside an event. It buys 1 a day, half from an unlimited Japanese
 * source whose every shipment a licence refuses after 2 days, half from
 * an unlimited Korean one; a refused half is re-ordered at once over both
 * (a quarter each), and both parts ship at once. Settled per event, the
 * owed level stays at 0 (up to rounding); noted at every change, the
 * refusal counted 0.5 owed before the re-order and the Korean quarter
 * 0.25 before the Japanese one shipped.
 */
Test(engine, a_refused_shipment_re_ordered_at_once_is_no_peak)
{
    struct fixture f;
    load(&f, "ripple: 1\nseed: 7\nhorizon: 100\n"
             "products: { w: {} }\n"
             "nodes:\n"
             "  jp: { country: JP, supply: unlimited }\n"
             "  kr: { country: KR, supply: unlimited }\n"
             "  market:\n"
             "    country: KR\n"
             "    demand: { product: w, every: 1, size: 1 }\n"
             "    sources: { w: { jp: { share: 0.5, lead_time: 5 }, kr: { share: 0.5, lead_time: 5 } } }\n"
             "events:\n"
             "  lic: { type: export_licence, from: [JP], to: [KR], products: [w], start: 0,\n"
             "         delay: 2, approval: 0 }\n"
             "report: { groups: { buyers: { nodes: [market] } } }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.jp.w.delivered"), 2, 1e-6,
                       "still waiting for approval at the end: %g",
                       value(&f, "nodes.jp.w.delivered"));
    expect_market_never_peaked(&f, 1e-6);   /* re-orders halve to dust: 2e-9 left */
    done(&f);
}
