/*
 * test_costs.c - what a replication costs (cost.h, engine_measure.c), on
 * tiny deterministic networks whose costs are worked out by hand in the
 * comment above each test.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/batch.h"
#include "ripple/compare.h"
#include "ripple/cost_effect.h"
#include "ripple/model.h"
#include "ripple/provenance.h"
#include "ripple/report.h"
#include "ripple/yamltree.h"

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

/* ------------------------------------------------ cost per unit avoided */

/*
 * A policy that costs 10 more per unit avoided in every replication: the
 * ratio of means is 10, and z_r = dc_r - 10 da_r is 0 throughout, so the
 * interval is exactly [10, 10].
 */
Test(costs, cost_per_unit_avoided_is_exact_when_cost_follows_avoidance)
{
    static const double cb[] = { 100, 100, 100, 100 }, cp[] = { 110, 120, 130, 140 };
    static const double ub[] = { 5, 5, 5, 5 }, up[] = { 4, 3, 2, 1 };
    struct rp_cost_effect ce;
    rp_cost_effect(cb, cp, ub, up, 4, 0.95, &ce);
    cr_expect_eq(ce.dcost.mean, 25);
    cr_expect_eq(ce.avoided.mean, 2.5);
    cr_expect_eq(ce.per_unit, 10);
    cr_expect_eq(ce.per_unit_lo, 10);
    cr_expect_eq(ce.per_unit_hi, 10);
}

/*
 * dc = 2, 4, 4, 6 against da = 1 in each replication: R = 4, z = -2, 0, 0,
 * 2, whose sd is sqrt(8/3); the interval is 4 -+ t(0.975, 3) sqrt(8/3) / 2
 * / mean(da) = 4 -+ 2.5984.
 */
Test(costs, cost_per_unit_avoided_interval_is_the_delta_methods)
{
    static const double cb[] = { 0, 0, 0, 0 }, cp[] = { 2, 4, 4, 6 };
    static const double ub[] = { 3, 3, 3, 3 }, up[] = { 2, 2, 2, 2 };
    struct rp_cost_effect ce;
    rp_cost_effect(cb, cp, ub, up, 4, 0.95, &ce);
    double hw = gsl_cdf_tdist_Pinv(0.975, 3) * sqrt(8.0 / 3) / 2;
    cr_expect_float_eq(hw, 2.5984, 1e-4);
    cr_expect_float_eq(ce.per_unit, 4, 1e-15);
    cr_expect_float_eq(ce.per_unit_lo, 4 - hw, 1e-12);
    cr_expect_float_eq(ce.per_unit_hi, 4 + hw, 1e-12);
}

/* A policy that avoids nothing on average has no cost per unit avoided. */
Test(costs, no_shortfall_avoided_means_no_cost_per_unit)
{
    static const double cb[] = { 1, 2 }, cp[] = { 3, 4 };
    static const double ub[] = { 1, 2 }, up[] = { 2, 1 };
    struct rp_cost_effect ce;
    rp_cost_effect(cb, cp, ub, up, 2, 0.95, &ce);
    cr_expect_eq(ce.avoided.mean, 0);
    cr_expect_eq(ce.dcost.mean, 2);
    cr_expect(isnan(ce.per_unit) && isnan(ce.per_unit_lo) && isnan(ce.per_unit_hi));
}

/* ------------------------------------------------ compare, end to end */

/*
 * The store of the tests above, priced, with random demand so that
 * pairing matters: variants that change nothing, and one without the ban.
 */
static const char store_yaml[] =
    "ripple: 1\nname: store\nseed: 7\ncurrency: USD\nhorizon: 30\nreplications: 20\n"
    "products: { x: { unit: t } }\n"
    "nodes:\n"
    "  sup: { country: JP, supply: unlimited }\n"
    "  store:\n"
    "    country: KR\n"
    "    demand: { product: x, every: 1, size: 100, unmet: lost, penalty: 3 }\n"
    "    stock: { x: { initial: 1000, policy: base_stock, level: 1000, holding: 0.01 } }\n"
    "    sources: { x: { sup: { lead_time: 5, price: 7 } } }\n"
    "events:\n"
    "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 0, cost: 900 }\n"
    "report: { groups: { stores: { nodes: [store] } } }\n"
    "variants:\n"
    "  same: {}\n"
    "  same_value: { events: { ban: { cost: 900 } } }\n"
    "  no_ban: { events: { ban: null } }\n"
    "  random: { nodes: { store: { demand: { size: { dist: uniform, min: 50, max: 150 } } } } }\n"
    "  random_same:\n"
    "    events: { ban: { cost: 900 } }\n"
    "    nodes: { store: { demand: { size: { dist: uniform, min: 50, max: 150 } } } }\n";

struct arm {
    struct rp_scenario sc;
    struct rp_model *m;
    struct rp_batch b;
};

static void run_arm(struct arm *a, const char *variant)
{
    struct rp_diag d;
    struct rp_load_opts lo = { .variant = variant };
    struct rp_batch_opts bo;
    rp_diag_init(&d);
    int rc = rp_scenario_load_string(&a->sc, store_yaml, "store.yaml", &lo, &d);
    if (rc)
        rp_diag_print(&d, stderr);
    cr_assert_eq(rc, 0, "variant %s does not load", variant ? variant : "base");
    rp_diag_release(&d);
    a->m = rp_model_new(&a->sc);
    rp_batch_opts_default(&bo);
    bo.replications = 20;
    bo.seed = 7;
    bo.threads = 1;
    bo.keep_values = true;
    rp_batch_run(&a->b, a->m, &bo);
}

static void release_arm(struct arm *a)
{
    rp_batch_release(&a->b);
    rp_model_free(a->m);
    rp_scenario_release(&a->sc);
}

static void column(const struct arm *a, const char *name, double *buf)
{
    size_t i = rp_value_index(a->m, name);
    cr_assert_neq(i, SIZE_MAX, "no value %s", name);
    for (long r = 0; r < a->b.n; r++)
        buf[r] = a->b.values[(size_t)r * a->b.nvalues + i];
}

static void effect(const struct arm *b, const struct arm *p, struct rp_cost_effect *ce)
{
    double cb[20], cp[20], ub[20], up[20];
    cr_assert_eq(b->b.n, 20);
    column(b, "groups.stores.x.cost", cb);
    column(p, "groups.stores.x.cost", cp);
    column(b, "groups.stores.x.unmet", ub);
    column(p, "groups.stores.x.unmet", up);
    rp_cost_effect(cb, cp, ub, up, 20, 0.95, ce);
}

/*
 * Identical variants cost exactly the same in every replication, random
 * demand or not: a diff of 0 with no interval, and nothing avoided.
 */
Test(costs, identical_variants_differ_in_cost_by_exactly_zero)
{
    static const char *const pairs[][2] = {
        { NULL, "same" }, { NULL, "same_value" }, { "random", "random_same" },
    };
    for (size_t k = 0; k < 3; k++) {
        struct arm b, v;
        run_arm(&b, pairs[k][0]);
        run_arm(&v, pairs[k][1]);
        struct rp_cost_effect ce;
        effect(&b, &v, &ce);
        cr_expect_eq(ce.dcost.mean, 0, "%s", pairs[k][1]);
        cr_expect_eq(ce.dcost.hw, 0);
        cr_expect_eq(ce.dcost.min, 0);
        cr_expect_eq(ce.dcost.max, 0);
        cr_expect(isnan(ce.per_unit), "%s avoids nothing", pairs[k][1]);
        if (pairs[k][0]) {              /* the costs themselves do vary */
            double c[20];
            column(&b, "groups.stores.x.cost", c);
            cr_expect_neq(c[0], c[1]);
        }
        release_arm(&v);
        release_arm(&b);
    }
}

/*
 * Lifting the ban (deterministic demand). With the ban the store sells its
 * 1000 units over days 1..10 (on hand 1000, 900, ..., 100 for a day each:
 * 5500 unit-days, holding 0.01 x 5500 = 55), loses 2000 (penalty 6000) and
 * bears the ban's 900: 6955. Without it, it buys 30 x 100 at 7 (21000);
 * arrivals from day 6 on replace each sale, so it holds 1000, 900, ...,
 * 600 for a day each and 500 for the remaining 25 days: 16500 unit-days,
 * 165. The extra cost is 21165 - 6955 = 14210 for 2000 units avoided:
 * 7.105 USD per unit, the same in every replication (a zero-width interval).
 */
Test(costs, lifting_the_ban_costs_its_purchases_per_unit_avoided)
{
    struct arm base, v;
    run_arm(&base, NULL);
    run_arm(&v, "no_ban");
    double x[20];
    column(&base, "nodes.store.x.holding", x);
    cr_expect_float_eq(x[0], 55, 1e-9);
    column(&v, "nodes.store.x.holding", x);
    cr_expect_float_eq(x[0], 165, 1e-9);
    struct rp_cost_effect ce;
    effect(&base, &v, &ce);
    cr_expect_float_eq(ce.avoided.mean, 2000, 1e-9);
    cr_expect_float_eq(ce.dcost.mean, 14210, 1e-6);
    cr_expect_float_eq(ce.per_unit, 7.105, 1e-12);
    cr_expect_float_eq(ce.per_unit_lo, 7.105, 1e-9);
    cr_expect_float_eq(ce.per_unit_hi, 7.105, 1e-9);
    release_arm(&v);
    release_arm(&base);
}

/* Reads all of path into a heap string (the caller frees it), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 4096 > cap)
            buf = realloc(buf, cap = 2 * cap + 8192);
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/*
 * `compare` writes each variant's cost per unit avoided beside its diff:
 * 7.105 USD/t for lifting the ban (worked out above), null for a variant
 * that avoids nothing. Read back through the project's YAML (JSON) reader.
 */
Test(costs, compare_json_gives_the_cost_per_unit_avoided, .init = cr_redirect_stdout)
{
    char dir[] = "/tmp/rp_test_costs_XXXXXX", path[512], out[256];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/store.yaml", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(store_yaml, f);
    fclose(f);
    static const char *const v[] = { "no_ban", "same" };
    struct rp_compare_opts o = { .file = path, .variants = v, .nvariants = 2,
                                 .reps = 5, .threads = 1, .format = "json",
                                 .out_dir = out };
    cr_assert_eq(rp_compare_main(&o), 0);

    snprintf(path, sizeof path, "%s/compare.json", out);
    size_t len;
    char *text = slurp(path, &len);
    cr_assert_not_null(text);
    struct rp_ytree t;
    struct rp_diag d;
    rp_ytree_init(&t);
    rp_diag_init(&d);
    struct rp_ynode *root = rp_ytree_parse(&t, text, len, "compare.json", &d);
    cr_assert_not_null(root);
    struct rp_ynode *m = rp_ytree_path(root, "variants.no_ban.cost_per_avoided.stores.mean");
    cr_assert_not_null(m);
    cr_expect_float_eq(strtod(m->text, NULL), 7.105, 1e-12);
    struct rp_ynode *u = rp_ytree_path(root, "variants.no_ban.cost_per_avoided.stores.unit");
    cr_assert_not_null(u);
    cr_expect_str_eq(u->text, "USD/t");
    m = rp_ytree_path(root, "variants.same.cost_per_avoided.stores.mean");
    cr_assert_not_null(m);
    cr_expect_str_eq(m->text, "null");
    struct rp_ynode *dc = rp_ytree_path(root, "variants.same.diff.stores.x.cost.mean");
    cr_assert_not_null(dc, "no paired cost difference in the diff");
    cr_expect_eq(strtod(dc->text, NULL), 0);
    rp_diag_release(&d);
    rp_ytree_release(&t);
    free(text);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}
