/*
 * test_hedging.c - hedging of restricted sources and what open sources may
 * take over (SCENARIO-FORMAT.md, "Hedging", "Capped takeover"), each on a
 * tiny deterministic network whose answer is worked out by hand in the
 * comment above the test. test_monotone.c tests the property these rules
 * are for: a softer restriction never leaves a larger shortfall.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "ripple/engine.h"
#include "ripple/report.h"
#include "ripple/scenario.h"

#include "engine_fixture.h"

#define HEAD "ripple: 1\nseed: 7\nproducts: { x: { unit: t }, cell: {} }\n"

/* A store that sells 10 at t = 1, 2, ... from 100 on hand, base stock 100. */
#define STORE "  store:\n    country: KR\n    demand: { product: x, every: 1, size: 10 }\n" \
              "    stock: { x: { initial: 100, level: 100 } }\n"

/* Unlimited suppliers in Japan and Korea, opening the nodes. */
#define JP_KR "nodes:\n  jp: { country: JP, supply: unlimited }\n" \
              "  kr: { country: KR, supply: unlimited }\n"

/* An amount of a case (the parameter x) is as worked out by hand. */
static void expect_amount(double got, double want, const char *what, double x)
{
    cr_expect_float_eq(got, want, 1e-9, "case %g: %g %s, not %g", x, got, what, want);
}

/* Loads fmt with x written into it and starts its replication 0. */
static void start_formatted(struct fixture *f, const char *fmt, double x)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml, fmt, x);
    load(f, yaml);
    rp_run_start(f->r, f->sc.seed, 0);
}

/*
 * Licence hedging. A store (100 on hand, base stock 100) sells 10 at
 * t = 1, 2, ... and buys half from Japan, half from Korea (both unlimited,
 * lead time 1); from day 0 Japan's shipments wait 3 days for a licence.
 * Korea is open, so Japan is set aside as a full ban would set it aside:
 * each order of 10 goes to Korea, and Japan gets its part, 5, as a hedge
 * that is not on order. By t = 4.5: Korea sent 40, Japan 20; on order is
 * only Korea's 10 of t = 4 (the hedges are not), on hand 90. Approved (1),
 * the hedge of t = 1 arrives at 5 with Korea's 10: on hand 105, the
 * demand leaves 95, and the order is 5 (Korea 5, a hedge of 2.5): by 5.5
 * Korea sent 45, Japan 22.5, on order 5, on hand 95. Refused (approval
 * 0), a hedge goes back to Japan and is not re-ordered: Korea sends 10 a
 * day, 50 by 5.5, as under the full ban; Japan's 25 shipped less the two
 * refused at 4 and 5, 15; on order 10.
 */
static const char *hedge_fmt = HEAD "horizon: 5.5\n" JP_KR
    STORE
    "    sources: { x: { jp: { share: 0.5, lead_time: 1 }, kr: { share: 0.5, lead_time: 1 } } }\n"
    "events:\n"
    "  lic: { type: export_licence, from: [JP], to: [KR], products: [x], start: 0,\n"
    "         delay: 3, approval: %g }\n";

Test(hedging, a_licence_sets_its_source_aside_and_hedges_it)
{
    double approval[2] = { 1, 0 }, kr[2] = { 45, 50 }, jp[2] = { 22.5, 15 };
    double ordered[2] = { 5, 10 }, held[2] = { 95, 90 };
    for (int i = 0; i < 2; i++) {
        struct fixture f;
        start_formatted(&f, hedge_fmt, approval[i]);
        rp_run_until(f.r, 4.5);
        expect_amount(on_order(&f, "store", "x"), 10, "on order at 4.5", approval[i]);
        expect_amount(on_hand(&f, "store", "x"), 90, "on hand at 4.5", approval[i]);
        rp_run_until(f.r, 5.5);
        expect_amount(on_order(&f, "store", "x"), ordered[i], "on order at 5.5", approval[i]);
        expect_amount(on_hand(&f, "store", "x"), held[i], "on hand at 5.5", approval[i]);
        rp_run_finish(f.r, f.values, NULL);
        expect_amount(value(&f, "nodes.kr.x.delivered"), kr[i], "sent by Korea", approval[i]);
        expect_amount(value(&f, "nodes.jp.x.delivered"), jp[i], "sent by Japan", approval[i]);
        done(&f);
    }
}

/*
 * A zero-share backup takes over a blocked share only up to what it can
 * supply. A store sells 10 a day (t = 1..5) and buys 80% from Japan
 * (banned from day 0) and 20% from Korea (unlimited); a Chinese backup
 * (qualified at once) can make 4 a day. Its need is 10 a day, so the
 * backup gets at most 4/10 of each order and Korea the rest: the store
 * re-orders 10 each day (what it sold), China is asked for 4 and Korea for
 * 6, 20 and 30 over five days. With Korea banned too (from day 0, not
 * 5.4) nothing else can take the rest, and China is asked for all of it,
 * 50.
 */
static const char *cap_fmt = HEAD "horizon: 5.5\n" JP_KR
    "  cn: { country: CN, make: { product: x, capacity: 4 } }\n"
    STORE
    "    sources: { x: { jp: { share: 0.8, lead_time: 1 }, kr: { share: 0.2, lead_time: 1 },\n"
    "                    cn: { share: 0, backup: true, qualify: 0, lead_time: 1 } } }\n"
    "events: { ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 0 },\n"
    "          kr_ban: { type: export_ban, from: [KR], to: [KR], products: [x], start: %g } }\n";

/* The case of the test below with Korea banned from kr_ban. */
static void expect_cap_case(double kr_ban, double from_cn, double from_kr)
{
    struct fixture f;
    start_formatted(&f, cap_fmt, kr_ban);
    rp_run_finish(f.r, f.values, NULL);
    expect_amount(value(&f, "nodes.cn.x.demand"), from_cn, "asked of China", kr_ban);
    expect_amount(value(&f, "nodes.kr.x.demand"), from_kr, "asked of Korea", kr_ban);
    done(&f);
}

Test(hedging, a_backup_takes_over_no_more_than_it_can_supply)
{
    expect_cap_case(5.4, 20, 30);       /* Korea open */
    expect_cap_case(0, 50, 0);          /* Korea banned too */
}

/*
 * An open source takes over a licensed source's part only up to what it
 * can supply, unless it is expected to deliver sooner. A store that uses
 * 10 a day buys 80% from Japan (unlimited; a licence of delay 0.5, always
 * approved, lead time 0.5: expected in 1 day) and 20% from a Korean maker
 * of 4 a day (lead time L). It sells 10 at t = 1 and orders 10. With
 * L = 2 Korea is slower: it takes 4 (its 4/10), the 6 it cannot take stay
 * with Japan as an order, and Japan's part, 8, is made up with a hedge of
 * 2. With L = 0.25 Korea is sooner and takes all 10, and Japan gets its 8
 * as a hedge. Either way Japan is asked for 8 and 10 are on order.
 */
static const char *takeover_fmt = HEAD "horizon: 1.2\n"
    "nodes:\n"
    "  jp: { country: JP, supply: unlimited }\n"
    "  kr: { country: KR, make: { product: x, capacity: 4 } }\n"
    STORE
    "    sources: { x: { jp: { share: 0.8, lead_time: 0.5 }, kr: { share: 0.2, lead_time: %g } } }\n"
    "events:\n"
    "  lic: { type: export_licence, from: [JP], to: [KR], products: [x], start: 0,\n"
    "         delay: 0.5, approval: 1 }\n";

Test(hedging, an_open_source_takes_over_what_it_can_supply_unless_it_is_sooner)
{
    double lead[2] = { 2, 0.25 }, kr[2] = { 4, 10 };
    for (int i = 0; i < 2; i++) {
        struct fixture f;
        start_formatted(&f, takeover_fmt, lead[i]);
        rp_run_until(f.r, 1.1);
        expect_amount(on_order(&f, "store", "x"), 10, "on order", lead[i]);
        rp_run_finish(f.r, f.values, NULL);
        expect_amount(value(&f, "nodes.kr.x.demand"), kr[i], "asked of Korea", lead[i]);
        expect_amount(value(&f, "nodes.jp.x.demand"), 8, "asked of Japan", lead[i]);
        done(&f);
    }
}

/*
 * A hedge takes only spare supply: stock above the supplier's level, or
 * what the supplier makes with capacity its orders leave idle. Japan makes
 * 5 a day (batches of a day) and keeps 20 (on hand 20, base stock 20); a
 * Korean store (100 on hand, base stock 100) sells 10 at t = 1, 2 and
 * buys half from Japan, half from Korea (unlimited), lead time 1; from day
 * 0 a ban of severity 0.5 lets half of Japan's part through. Each order of
 * 10 goes to Korea and Japan gets a hedge of 2.5 (its part 5, half let
 * through). At t = 1 Japan's stock is at its level, so the hedge waits, and
 * Japan starts a batch of 2.5 for it: on hand 20 at 1.2. With no other
 * buyer before the horizon (case 0) the batch is done at 2: 22.5 on hand, 2.5 spare, and the
 * hedge ships; the hedge of t = 2 waits for the next batch: by 2.2 Japan
 * has sent 2.5 and keeps 20. With an American market (case 1) ordering
 * 20 from Japan at t = 1.5, the order finds the 20 the hedge left alone and
 * is served at once: no backorder; the batch done at 2 restocks Japan
 * (2.5, below the level), the hedge waits, and by 2.2 Japan has sent 20,
 * all to America. (Served from stock, the hedge would have left 17.5 and
 * America 2.5 short at 1.5.)
 */
static const char *spare_fmt = HEAD "horizon: 2.2\n"
    "nodes:\n"
    "  jp: { country: JP, make: { product: x, capacity: 5 }, stock: { x: { initial: 20, level: 20 } } }\n"
    "  kr: { country: KR, supply: unlimited }\n"
    STORE
    "    sources: { x: { jp: { share: 0.5, lead_time: 1 }, kr: { share: 0.5, lead_time: 1 } } }\n"
    "  us:\n"
    "    country: US\n"
    "    demand: { product: x, every: %g, size: 20, unmet: backorder }\n"
    "    sources: { x: { jp: { lead_time: 1 } } }\n"
    "events:\n"
    "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 0, severity: 0.5 }\n";

Test(hedging, a_hedge_takes_only_stock_above_the_level_and_idle_capacity)
{
    double every[2] = { 100, 1.5 }, sent[2] = { 2.5, 20 };    /* America buys after the horizon, or at 1.5 */
    for (int i = 0; i < 2; i++) {
        struct fixture f;
        start_formatted(&f, spare_fmt, every[i]);
        rp_run_until(f.r, 1.2);
        expect_amount(on_hand(&f, "jp", "x"), 20, "on hand in Japan at 1.2", i);
        expect_amount(on_order(&f, "store", "x"), 10, "on order at the store at 1.2", i);
        rp_run_finish(f.r, f.values, NULL);
        expect_amount(value(&f, "nodes.jp.x.delivered"), sent[i], "sent by Japan by 2.2", i);
        expect_amount(value(&f, "nodes.us.x.peak_backorders"), 0, "America's peak backorders", i);
        expect_amount(value(&f, "nodes.kr.x.delivered"), 20, "sent by Korea", i);
        done(&f);
    }
}
