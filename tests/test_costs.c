/*
 * test_costs.c - what a replication costs (cost.h, engine_measure.c), on
 * tiny deterministic networks whose costs are worked out by hand in the
 * comment above each test.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include "ripple/model.h"
#include "ripple/provenance.h"
#include "ripple/report.h"

#include "engine_fixture.h"

#define HEAD "ripple: 1\nseed: 7\ncurrency: USD\nproducts: { x: { unit: t }, y: { unit: t } }\n"

static bool has_value(const struct fixture *f, const char *name)
{
    return rp_value_index(f->m, name) != SIZE_MAX;
}

/*
 * A depot holds 500 units, touched by nobody, at 2 USD per unit and day:
 * 30 days cost 2 x 500 x 30 = 30000; after a 10-day warm-up the measured
 * 20 days cost 20000. Nothing else is priced: its cost is its holding.
 */
Test(costs, holding_a_constant_stock_costs_rate_times_units_times_days)
{
    struct fixture f;
    load(&f, HEAD "horizon: 30\n"
             "nodes:\n"
             "  depot: { country: KR, stock: { x: { initial: 500, level: 0, holding: 2 } } }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.depot.x.holding"), 30000, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.depot.x.cost"), 30000, 1e-9);
    cr_expect_eq(value(&f, "nodes.depot.x.spend"), 0);
    cr_expect_eq(value(&f, "nodes.depot.x.shortage"), 0);
    cr_expect_eq(value(&f, "nodes.depot.x.policy"), 0);
    done(&f);

    load(&f, HEAD "horizon: 30\nwarmup: 10\n"
             "nodes:\n"
             "  depot: { country: KR, stock: { x: { initial: 500, level: 0, holding: 2 } } }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.depot.x.holding"), 20000, 1e-9);
    done(&f);
}

/*
 * A store with 1000 on hand loses its only supplier to a ban at day 0;
 * customers take 100 a day at t = 1..30 and leave when nothing is there.
 * Days 11..30 go unmet: k = 2000 units at a penalty of 3 USD = 6000.
 * Nothing ships, so nothing is bought; the ban's own cost of 900 is the
 * store's, the only customer over the edge it touches.
 */
Test(costs, shortage_is_the_penalty_on_k_unmet_units)
{
    struct fixture f;
    load(&f, HEAD "horizon: 30\n"
             "nodes:\n"
             "  sup: { country: JP, supply: unlimited }\n"
             "  store:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 100, unmet: lost, penalty: 3 }\n"
             "    stock: { x: { initial: 1000, policy: base_stock, level: 1000 } }\n"
             "    sources: { x: { sup: { lead_time: 5, price: 7 } } }\n"
             "events:\n"
             "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 0,"
             " cost: 900 }\n");
    run(&f, 0);
    cr_assert_float_eq(value(&f, "nodes.store.x.unmet"), 2000, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.store.x.shortage"), 6000, 1e-9);
    cr_expect_eq(value(&f, "nodes.store.x.spend"), 0);
    cr_expect_float_eq(value(&f, "nodes.store.x.policy"), 900, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.store.x.cost"), 6900, 1e-9);
    done(&f);
}

/*
 * Without the ban the store re-orders each sale of 100 and the supplier
 * ships at once: 30 shipments of 100 at 7 USD = 21000, all the store's
 * (the buyer pays); the supplier spends nothing.
 */
Test(costs, spend_is_price_times_units_shipped_to_the_buyer)
{
    struct fixture f;
    load(&f, HEAD "horizon: 30\n"
             "nodes:\n"
             "  sup: { country: JP, supply: unlimited }\n"
             "  store:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 100, unmet: lost, penalty: 3 }\n"
             "    stock: { x: { initial: 1000, policy: base_stock, level: 1000 } }\n"
             "    sources: { x: { sup: { lead_time: 5, price: 7 } } }\n");
    run(&f, 0);
    cr_assert_float_eq(value(&f, "nodes.sup.x.delivered"), 3000, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.store.x.spend"), 21000, 1e-9);
    cr_expect_eq(value(&f, "nodes.store.x.shortage"), 0);
    cr_expect_eq(value(&f, "nodes.sup.x.spend"), 0);
    done(&f);
}

/*
 * A maker makes batches of 10 in 1 day from 1 unit of x each, with 100 of
 * x and its only source banned, and wants far more than it can make: batches run
 * over [0, 10), then it starves for want of x. Output lost: 10/day over
 * days 10..30 = 200 units, at a margin of 5 USD = 1000.
 */
Test(costs, lost_margin_of_a_starved_maker)
{
    struct fixture f;
    load(&f, HEAD "horizon: 30\n"
             "nodes:\n"
             "  sup: { country: JP, supply: unlimited }\n"
             "  mk:\n"
             "    country: KR\n"
             "    make: { product: y, batch: 10, time: 1, inputs: { x: 1 }, margin: 5 }\n"
             "    stock: { x: { initial: 100, level: 0 }, y: { initial: 0, level: 1.0e9 } }\n"
             "    sources: { x: { sup: { lead_time: 1 } } }\n"
             "events:\n"
             "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 0 }\n");
    run(&f, 0);
    cr_assert_float_eq(value(&f, "nodes.mk.y.starved"), 200, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.mk.y.shortage"), 1000, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.mk.y.cost"), 1000, 1e-9);
    done(&f);
}

/*
 * The same maker with ample x is down for 4 days from day 5 (an outage
 * event costing 250 at its start): output lost while down is its rate of
 * 10/day for 4 days = 40 units, at 5 USD = 200. Starting before the
 * warm-up ends, its one-off cost and its lost output fall outside what is
 * measured.
 */
Test(costs, lost_margin_while_down_and_the_event_cost)
{
    static const char *const net =
        "nodes:\n"
        "  sup: { country: JP, supply: unlimited }\n"
        "  mk:\n"
        "    country: KR\n"
        "    make: { product: y, batch: 10, time: 1, inputs: { x: 1 }, margin: 5 }\n"
        "    stock: { x: { initial: 1.0e6, level: 1.0e6 }, y: { initial: 0, level: 1.0e9 } }\n"
        "    sources: { x: { sup: { lead_time: 1 } } }\n";
    struct fixture f;
    char yaml[2048];
    snprintf(yaml, sizeof yaml, HEAD "horizon: 30\n%s"
             "events:\n  fire: { type: outage, node: mk, start: 5, duration: 4, cost: 250 }\n",
             net);
    load(&f, yaml);
    run(&f, 0);
    cr_assert_float_eq(value(&f, "nodes.mk.y.down"), 4.0 / 30, 1e-12);
    cr_expect_float_eq(value(&f, "nodes.mk.y.shortage"), 200, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.mk.y.policy"), 250, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.mk.y.cost"), 450, 1e-9);
    done(&f);

    snprintf(yaml, sizeof yaml, HEAD "horizon: 30\nwarmup: 10\n%s"
             "events:\n  fire: { type: outage, node: mk, start: 5, duration: 4, cost: 250 }\n",
             net);
    load(&f, yaml);
    run(&f, 0);
    cr_expect_eq(value(&f, "nodes.mk.y.policy"), 0);
    cr_expect_eq(value(&f, "nodes.mk.y.shortage"), 0, "the outage ended before the warm-up");
    done(&f);
}

/*
 * A ban costing 1000 touches two edges, to two stores: each bears 500. A
 * report group of both sums its members' costs, every part, whatever the
 * product: the stores' penalties on 2000 unmet each (3 USD), the ban's
 * 1000, and the depot's holding of y (not the group's product) 2 x 10 x
 * 30 = 600.
 */
Test(costs, an_event_without_a_node_is_shared_by_the_edges_it_touches)
{
    struct fixture f;
    load(&f, HEAD "horizon: 30\n"
             "nodes:\n"
             "  sup: { country: JP, supply: unlimited }\n"
             "  a:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 100, unmet: lost, penalty: 3 }\n"
             "    stock: { x: { initial: 1000, policy: base_stock, level: 1000 },"
             " y: { initial: 10, level: 0, holding: 2 } }\n"
             "    sources: { x: { sup: { lead_time: 5 } } }\n"
             "  b:\n"
             "    country: KR\n"
             "    demand: { product: x, every: 1, size: 100, unmet: lost, penalty: 3 }\n"
             "    stock: { x: { initial: 1000, policy: base_stock, level: 1000 } }\n"
             "    sources: { x: { sup: { lead_time: 5 } } }\n"
             "events:\n"
             "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 0,"
             " cost: 1000 }\n"
             "report: { groups: { stores: { nodes: [a, b] } } }\n");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.a.x.policy"), 500, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.b.x.policy"), 500, 1e-9);
    cr_expect_float_eq(value(&f, "nodes.a.x.holding"), 600, 1e-9);
    cr_expect_float_eq(value(&f, "groups.stores.x.shortage"), 12000, 1e-9);
    cr_expect_float_eq(value(&f, "groups.stores.x.policy"), 1000, 1e-9);
    cr_expect_float_eq(value(&f, "groups.stores.x.holding"), 600, 1e-9);
    cr_expect_float_eq(value(&f, "groups.stores.x.cost"), 13600, 1e-9);
    done(&f);
}

/* A scenario that prices nothing reports no cost metrics at all. */
Test(costs, a_scenario_without_costs_reports_none)
{
    struct fixture f;
    load(&f, "ripple: 1\nseed: 7\nproducts: { x: { unit: t } }\nhorizon: 30\n"
             "nodes:\n"
             "  depot: { country: KR, stock: { x: { initial: 500, level: 0 } } }\n"
             "report: { groups: { all: { nodes: [depot] } } }\n");
    cr_expect(has_value(&f, "nodes.depot.x.on_hand"));
    cr_expect_not(has_value(&f, "nodes.depot.x.cost"));
    cr_expect_not(has_value(&f, "groups.all.x.cost"));
    done(&f);
}

/* Costs are reported in the scenario's currency, "currency" if it names none. */
Test(costs, costs_are_in_the_scenarios_currency)
{
    struct fixture f;
    load(&f, HEAD "horizon: 30\n"
             "nodes:\n"
             "  depot: { country: KR, stock: { x: { initial: 500, level: 0, holding: 2 } } }\n");
    cr_expect_str_eq(rp_unit_label(&f.sc, RP_M_COST, 0), "USD");
    cr_expect_str_eq(rp_unit_label(&f.sc, RP_M_ON_HAND, 0), "t");
    done(&f);
    load(&f, "ripple: 1\nseed: 7\nproducts: { x: { unit: t } }\nhorizon: 30\n"
             "nodes:\n"
             "  depot: { country: KR, stock: { x: { initial: 500, level: 0, holding: 2 } } }\n");
    cr_expect_str_eq(rp_unit_label(&f.sc, RP_M_HOLDING, 0), "currency");
    run(&f, 0);
    cr_expect_float_eq(value(&f, "nodes.depot.x.holding"), 30000, 1e-9);
    done(&f);
}
