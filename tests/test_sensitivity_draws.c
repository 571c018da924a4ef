/*
 * test_sensitivity_draws.c - uncertain inputs in a plain run: each
 * replication runs with its own keyed draws, the same on any number of
 * threads, and a drawn range the scenario refuses is bad input at its line.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ripple/batch.h"
#include "ripple/diag.h"
#include "ripple/model.h"
#include "ripple/report.h"
#include "ripple/rng.h"
#include "ripple/scenario.h"

/*
 * A depot holds its initial stock at a holding rate, both uncertain: each
 * replication's holding cost is its drawn rate x drawn stock x 30 days.
 */
static const char draws_yaml[] =
    "ripple: 1\nseed: 7\ncurrency: USD\nhorizon: 30\n"
    "products: { x: { unit: t } }\n"
    "nodes:\n"
    "  depot: { country: KR, stock: { x: { initial: 500, level: 0, holding: 2 } } }\n"
    "report: { groups: { all: { nodes: [depot] } } }\n"
    "uncertain:\n"
    "  nodes.depot.stock.x.holding: { dist: uniform, min: 1, max: 3 }\n"
    "  nodes.depot.stock.x.initial: { dist: triangular, min: 100, mode: 120, max: 200 }\n";

struct draws_run {
    struct rp_scenario sc;
    struct rp_model *m;
    struct rp_batch b;
};

static void draws_run(struct draws_run *d, const char *yaml, int threads, long n)
{
    struct rp_diag diag;
    struct rp_batch_opts bo;
    rp_diag_init(&diag);
    int rc = rp_scenario_load_string(&d->sc, yaml, "t.yaml", NULL, &diag);
    if (rc)
        rp_diag_print(&diag, stderr);
    cr_assert_eq(rc, 0);
    rp_diag_release(&diag);
    d->m = rp_model_new(&d->sc);
    rp_batch_opts_default(&bo);
    bo.replications = n;
    bo.seed = 7;
    bo.threads = threads;
    bo.keep_values = true;
    cr_assert_eq(rp_batch_run(&d->b, d->m, &bo), RP_BATCH_DONE);
}

static void draws_release(struct draws_run *d)
{
    rp_batch_release(&d->b);
    rp_model_free(d->m);
    rp_scenario_release(&d->sc);
}

static double draws_value(const struct draws_run *d, long rep, const char *name)
{
    size_t i = rp_value_index(d->m, name);
    cr_assert_neq(i, SIZE_MAX, "no value %s", name);
    return d->b.values[(size_t)rep * d->b.nvalues + i];
}

TestSuite(draws);

/*
 * Replication r draws input i from the stream keyed (seed, r,
 * "uncertain.<path>") and runs with it: the draws recorded are those
 * values, recomputed here from the key alone, and the holding cost is the
 * one their product gives.
 */
Test(draws, each_replication_runs_with_its_keyed_draws)
{
    struct draws_run d;
    draws_run(&d, draws_yaml, 1, 20);
    gsl_rng *g = rp_rng_new();
    double first = NAN;
    for (long r = 0; r < 20; r++) {
        double x[2];
        for (size_t i = 0; i < 2; i++) {
            char path[256], name[300];
            snprintf(path, sizeof path, "uncertain.%s", d.sc.uncertain[i].path);
            rp_rng_rekey(g, rp_key(7, (uint64_t)r, rp_path_hash(path)));
            x[i] = rp_dist_sample(&d.sc.uncertain[i].dist, g);
            snprintf(name, sizeof name, "%s.draw", path);
            cr_expect_eq(draws_value(&d, r, name), x[i], "rep %ld input %zu", r, i);
        }
        cr_expect(x[0] >= 1 && x[0] <= 3 && x[1] >= 100 && x[1] <= 200);
        double want = x[0] * x[1] * 30;
        cr_expect_float_eq(draws_value(&d, r, "nodes.depot.x.holding"), want,
                           1e-9 * want, "rep %ld", r);
        cr_expect_float_eq(draws_value(&d, r, "nodes.depot.x.on_hand"), x[1],
                           1e-9 * x[1]);
        if (r == 0)
            first = x[0];
        else
            cr_expect_neq(x[0], first, "replications drew the same value");
    }
    gsl_rng_free(g);
    draws_release(&d);
}

/* The same replications on 1 and 3 threads: every value, draws included, bit for bit. */
Test(draws, draws_and_outcomes_are_the_same_on_any_number_of_threads)
{
    struct draws_run a, b;
    draws_run(&a, draws_yaml, 1, 50);
    draws_run(&b, draws_yaml, 3, 50);
    cr_assert_eq(a.b.nvalues, b.b.nvalues);
    for (size_t i = 0; i < 50 * a.b.nvalues; i++)
        cr_assert(memcmp(&a.b.values[i], &b.b.values[i], sizeof(double)) == 0,
                  "value %zu differs", i);
    draws_release(&b);
    draws_release(&a);
}

/* A range the scenario cannot take is refused at load, at its input's line. */
Test(draws, an_input_range_the_scenario_refuses_is_bad_input_at_its_line)
{
    static const char yaml[] =
        "ripple: 1\nseed: 7\nhorizon: 30\n"
        "products: { x: { unit: t } }\n"
        "nodes:\n"
        "  sup: { country: JP, supply: unlimited }\n"
        "  depot:\n"
        "    country: KR\n"
        "    stock: { x: { initial: 500, level: 600 } }\n"
        "    sources: { x: { sup: { lead_time: 2 } } }\n"
        "events:\n"
        "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 5 }\n"
        "uncertain:\n"
        "  events.ban.severity: { dist: uniform, min: 0.5, max: 1.5 }\n";
    struct rp_scenario sc;
    struct rp_diag diag;
    rp_diag_init(&diag);
    cr_assert_eq(rp_scenario_load_string(&sc, yaml, "t.yaml", NULL, &diag), -1);
    cr_assert_geq(diag.len, 1);
    cr_expect_eq(diag.entries[0].line, 14);
    cr_expect_eq(diag.entries[0].col, 3);
    cr_expect(strstr(diag.entries[0].message, "severity") != NULL, "%s",
              diag.entries[0].message);
    rp_diag_release(&diag);
}
