/*
 * test_budget.c - the up-front estimate of a batch's events and memory.
 *
 * The event count is documented as a lower bound: checked here against the
 * events real replications process, on a small network and the flagship.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/budget.h"
#include "ripple/engine.h"

static const char *small =
    "ripple: 1\nhorizon: 200\nseed: 3\n"
    "products: { x: { unit: t } }\n"
    "nodes:\n"
    "  sup: { country: JP, supply: unlimited }\n"
    "  mill:\n"
    "    country: KR\n"
    "    outages: { every: { dist: exponential, mean: 30 }, lasts: 5 }\n"
    "    stock: { x: { initial: 10, policy: base_stock, level: 10, review: 4 } }\n"
    "    sources: { x: { sup: { lead_time: 2 } } }\n"
    "  buyers:\n"
    "    country: KR\n"
    "    demand: { product: x, every: { dist: exponential, mean: 0.5 } }\n"
    "    sources: { x: { mill: { lead_time: 1 } } }\n"
    "events:\n"
    "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 20, duration: 10 }\n"
    "report:\n  groups: { all: { nodes: [buyers] } }\n  series: true\n";

static struct rp_scenario sc;
static struct rp_model *m;

static void load(const char *text, const char *name)
{
    struct rp_diag d;
    rp_diag_init(&d);
    int rc = rp_scenario_load_string(&sc, text, name, NULL, &d);
    if (rc)
        rp_diag_print(&d, stderr);
    rp_diag_release(&d);
    cr_assert_eq(rc, 0);
    m = rp_model_new(&sc);
}

static void load_file(const char *path)
{
    struct rp_diag d;
    rp_diag_init(&d);
    int rc = rp_scenario_load(&sc, path, NULL, &d);
    if (rc)
        rp_diag_print(&d, stderr);
    rp_diag_release(&d);
    cr_assert_eq(rc, 0);
    m = rp_model_new(&sc);
}

static void teardown(void)
{
    rp_model_free(m);
    rp_scenario_release(&sc);
}

TestSuite(budget, .fini = teardown);

/* Mean events per replication over n real replications. */
static double measured(long n)
{
    struct rp_run *r = rp_run_new(m);
    double *vals = calloc(rp_model_nvalues(m) + 1, sizeof *vals);
    double *ser = calloc(rp_model_series_len(m) + 1, sizeof *ser);
    double sum = 0;
    for (long i = 0; i < n; i++)
        sum += (double)rp_run_replicate(r, 7, (uint64_t)i, vals, ser);
    free(vals);
    free(ser);
    rp_run_free(r);
    return sum / (double)n;
}

static struct rp_budget estimate(long reps)
{
    struct rp_batch_opts o;
    struct rp_budget b;
    rp_batch_opts_default(&o);
    o.replications = reps;
    o.threads = 1;
    rp_budget_estimate(&b, m, &o, 1);
    return b;
}

/* The estimate per replication is at most the mean of n real ones. */
static double expect_lower_bound(long n)
{
    struct rp_budget b = estimate(1000);
    double got = measured(n);
    cr_expect_leq(b.events_per_rep, got, "estimate %g above the %g measured",
                  b.events_per_rep, got);
    return b.events_per_rep;
}

Test(budget, events_are_a_lower_bound_of_what_replications_process)
{
    load(small, "small.yaml");
    /* demands (400), reviews (50), outage cycles (~11), days (200) */
    cr_expect_geq(expect_lower_bound(50), 600);
}

Test(budget, flagship_estimate_stays_below_its_measured_events)
{
    load_file(RP_SOURCE_DIR "/scenarios/japan-excludes-korea.yaml");
    cr_expect_gt(expect_lower_bound(4), 0);
}

Test(budget, events_scale_with_replications_and_precision_uses_its_cap)
{
    load(small, "small.yaml");
    struct rp_budget a = estimate(10), b = estimate(1000);
    cr_expect_float_eq(b.events, 100 * a.events, 1e-9 * b.events);
    struct rp_batch_opts o;
    rp_batch_opts_default(&o);
    o.replications = 10;
    o.precision = 0.01;
    o.max_replications = 5000;
    struct rp_budget p;
    rp_budget_estimate(&p, m, &o, 1);
    cr_expect_eq(p.replications, 5000);
}

/* text with the first from replaced by to, in buf. */
static const char *replaced(char *buf, size_t cap, const char *text,
                            const char *from, const char *to)
{
    const char *at = strstr(text, from);
    cr_assert_not_null(at);
    snprintf(buf, cap, "%.*s%s%s", (int)(at - text), text, to,
             at + strlen(from));
    return buf;
}

Test(budget, a_tiny_interval_or_a_long_horizon_is_a_number_not_an_overflow)
{
    char text[4096];
    load(replaced(text, sizeof text, small, "mean: 0.5", "mean: 1e-300"),
         "tiny.yaml");
    struct rp_budget b = estimate(1000000000L);
    cr_expect_not(isnan(b.events));
    cr_expect_gt(b.events, 1e300);
}

Test(budget, memory_grows_with_days_of_series_and_servers)
{
    load(small, "small.yaml");
    struct rp_budget a = estimate(100);
    teardown();
    char text[4096];
    load(replaced(text, sizeof text, small, "horizon: 200", "horizon: 900"),
         "long.yaml");
    struct rp_budget b = estimate(100);
    /* more days: more buckets per thread and more series accumulators */
    cr_expect_gt(b.bytes_per_thread, a.bytes_per_thread);
    cr_expect_gt(b.bytes_summaries, 2 * a.bytes_summaries);
    cr_expect_gt(b.bytes, a.bytes);
}

Test(budget, exact_quantiles_count_the_kept_values)
{
    load(small, "small.yaml");
    struct rp_batch_opts o;
    struct rp_budget exact, stream;
    rp_batch_opts_default(&o);
    o.replications = 100000;
    o.threads = 1;
    o.auto_mode = false;
    o.mode = RP_ACC_EXACT;
    rp_budget_estimate(&exact, m, &o, 1);
    o.mode = RP_ACC_STREAM;
    rp_budget_estimate(&stream, m, &o, 1);
    double values = 100000.0 * (double)rp_model_nvalues(m) * sizeof(double);
    cr_expect_geq(exact.bytes_kept, values);
    cr_expect_eq(stream.bytes_kept, 0);
}

/*
 * compare holds every arm's batch until its table: the arms share the 1 GiB
 * for exact quantiles. At replications where one batch's series just fits
 * (half the budget), one batch keeps them exact, one of 18 held arms does
 * not (P-square bands), and the estimate counts exactly what the batch
 * will keep: the values (exact, so twice for doubling), plus the kept
 * values reserved once at -n.
 */
Test(budget, held_batches_share_the_exact_budget)
{
    load(small, "small.yaml");
    size_t ns = rp_model_series_len(m), nv = rp_model_nvalues(m);
    cr_assert_gt(ns, 0, "the network has no series: the test tests nothing");
    struct rp_batch_opts o;
    rp_batch_opts_default(&o);
    o.threads = 1;
    o.keep_values = true;
    o.replications = (long)(((size_t)1 << 29) / (ns * sizeof(double)));
    cr_assert_eq(rp_batch_series_mode(m, &o), RP_ACC_EXACT);
    o.held_batches = 18;
    cr_expect_eq(rp_batch_series_mode(m, &o), RP_ACC_STREAM);
    struct rp_budget b;
    rp_budget_estimate(&b, m, &o, 18);
    double values = (double)o.replications * (double)nv * sizeof(double);
    double exact = rp_batch_mode(m, &o) == RP_ACC_EXACT ? 2 * values : 0;
    cr_expect_eq(b.bytes_kept, 18 * (exact + values), "kept %g, not %g", b.bytes_kept,
                 18 * (exact + values));
}
