/*
 * test_batch.c - the batch layer: thread count never changes a result,
 * records arrive in replication order, the precision target stops.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/batch.h"
#include "ripple/report.h"

static const char *scenario =
    "ripple: 1\nseed: 11\nhorizon: 400\nwarmup: 20\n"
    "products: { x: { unit: t }, cell: { unit: GWh } }\n"
    "nodes:\n"
    "  jp: { country: JP, supply: unlimited, outages: { every: { dist: exponential, mean: 60 }, lasts: { dist: lognormal, mean: 8, sd: 4 } } }\n"
    "  cn: { country: CN, supply: unlimited }\n"
    "  maker:\n"
    "    country: KR\n"
    "    make: { product: cell, batch: 2, time: { dist: gamma, shape: 4, scale: 0.2 }, servers: 2, inputs: { x: 3 } }\n"
    "    stock: { x: { initial: 40, policy: sS, s: 20, S: 60 }, cell: { initial: 10, level: 10 } }\n"
    "    sources: { x: { jp: { share: 0.7, lead_time: { dist: uniform, min: 3, max: 7 } }, cn: { share: 0.3, lead_time: { dist: triangular, min: 4, mode: 6, max: 12 } } } }\n"
    "    outages: { every: { dist: weibull, shape: 1.5, scale: 200 }, lasts: { dist: exponential, mean: 5 } }\n"
    "  buyers:\n"
    "    country: US\n"
    "    demand: { product: cell, every: { dist: exponential, mean: 0.5 }, size: { dist: empirical, values: [1, 2, 3], weights: [0.5, 0.3, 0.2] }, unmet: backorder }\n"
    "    sources: { cell: { maker: { lead_time: 2 } } }\n"
    "events:\n"
    "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: { dist: uniform, min: 100, max: 200 }, duration: { dist: exponential, mean: 60 } }\n"
    "report:\n"
    "  groups: { makers: { makes: cell } }\n"
    "  series: true\n";

static struct rp_scenario sc;
static struct rp_model *model;

static void setup(void)
{
    struct rp_diag d;
    rp_diag_init(&d);
    int rc = rp_scenario_load_string(&sc, scenario, "batch.yaml", NULL, &d);
    if (rc)
        rp_diag_print(&d, stderr);
    rp_diag_release(&d);
    cr_assert_eq(rc, 0);
    model = rp_model_new(&sc);
}

static void teardown(void)
{
    rp_model_free(model);
    rp_scenario_release(&sc);
}

TestSuite(batch, .init = setup, .fini = teardown);

/* JSON of a finished batch, with the fields that legitimately differ fixed. */
static char *json_of_batch(struct rp_batch *b)
{
    struct rp_provenance prov;
    rp_provenance_init(&prov, &sc, b->seed);
    snprintf(prov.started, sizeof prov.started, "t");
    char *buf = NULL;
    size_t len = 0;
    b->seconds = 0;
    b->threads = 0;
    FILE *f = open_memstream(&buf, &len);
    rp_report_json(f, b, &prov);
    rp_report_series_csv(f, b, NULL);
    fclose(f);
    return buf;
}

/* JSON of a run of o, and its count in *n (if n is not NULL). */
static char *json_of_opts(const struct rp_batch_opts *o, long *n)
{
    struct rp_batch b;
    rp_batch_run(&b, model, o);
    if (n)
        *n = b.n;
    char *buf = json_of_batch(&b);
    rp_batch_release(&b);
    return buf;
}

static char *json_of(int threads, long reps, uint64_t seed)
{
    struct rp_batch_opts o;
    rp_batch_opts_default(&o);
    o.replications = reps;
    o.seed = seed;
    o.threads = threads;
    return json_of_opts(&o, NULL);
}

Test(batch, json_is_byte_identical_on_1_2_and_4_threads)
{
    char *one = json_of(1, 150, 99);
    char *two = json_of(2, 150, 99);
    char *four = json_of(4, 150, 99);
    cr_assert_gt(strlen(one), 1000);
    cr_expect_str_eq(one, two, "1 and 2 threads differ");
    cr_expect_str_eq(one, four, "1 and 4 threads differ");
    free(one);
    free(two);
    free(four);
}

Test(batch, another_seed_gives_other_numbers)
{
    char *a = json_of(2, 40, 99);
    char *b = json_of(2, 40, 100);
    cr_expect_str_neq(a, b);
    free(a);
    free(b);
}

struct order_check {
    long next;
    long bad;
    double first_value;
};

static void check_order(void *ctx, long rep, const double *v, const double *s,
                        uint64_t events)
{
    struct order_check *c = ctx;
    (void)s;
    (void)events;
    if (rep != c->next)
        c->bad++;
    if (rep == 0)
        c->first_value = v[0];
    c->next = rep + 1;
}

Test(batch, records_arrive_in_replication_order_and_match_a_single_run)
{
    struct rp_batch_opts o;
    struct rp_batch b;
    struct order_check c = { 0 };
    rp_batch_opts_default(&o);
    o.replications = 97;
    o.seed = 99;
    o.threads = 3;
    o.record = check_order;
    o.record_ctx = &c;
    rp_batch_run(&b, model, &o);
    cr_expect_eq(c.bad, 0);
    cr_expect_eq(c.next, 97);
    cr_expect_eq(b.n, 97);

    /* replication 0 run alone gives the same first value */
    struct rp_run *r = rp_run_new(model);
    double *v = calloc(rp_model_nvalues(model), sizeof *v);
    rp_run_replicate(r, 99, 0, v, NULL);
    cr_expect_eq(v[0], c.first_value);
    free(v);
    rp_run_free(r);
    rp_batch_release(&b);
}

Test(batch, kept_values_are_what_the_summaries_saw)
{
    struct rp_batch_opts o;
    struct rp_batch b;
    rp_batch_opts_default(&o);
    o.replications = 30;
    o.seed = 5;
    o.threads = 2;
    o.keep_values = true;
    rp_batch_run(&b, model, &o);
    for (size_t k = 0; k < b.nvalues; k++) {
        double sum = 0;
        for (long r = 0; r < b.n; r++)
            sum += b.values[(size_t)r * b.nvalues + k];
        struct rp_summary s;
        rp_acc_summarize(&b.acc[k], 0.95, &s);
        cr_expect(fabs(sum / (double)b.n - s.mean) <= 1e-9 * (1 + fabs(s.mean)),
                  "value %zu: mean %g vs kept %g", k, s.mean, sum / (double)b.n);
    }
    rp_batch_release(&b);
}

Test(batch, precision_target_adds_replications_until_met)
{
    struct rp_batch_opts o;
    struct rp_batch b;
    rp_batch_opts_default(&o);
    o.replications = 20;
    o.seed = 5;
    o.threads = 2;
    o.precision = 0.05;
    o.max_replications = 5000;
    rp_batch_run(&b, model, &o);
    long watch = -1;
    const struct rp_value_desc *v = rp_model_values(model);
    for (size_t i = 0; i < rp_model_nvalues(model) && watch < 0; i++)
        if (v[i].scope == RP_SCOPE_GROUP && v[i].metric == RP_M_UNMET)
            watch = (long)i;
    cr_assert_geq(watch, 0);
    struct rp_summary s;
    rp_acc_summarize(&b.acc[watch], sc.confidence, &s);
    if (b.precision_met) {
        cr_expect_leq(s.hw, 0.05 * fabs(s.mean));
        cr_expect_geq(b.n, 20);
    } else {
        cr_expect_eq(b.n, 5000, "stopped early without meeting the target");
    }
    rp_batch_release(&b);
}

/*
 * The stop rule is checked where blocks of RP_BATCH_BLOCK end, so the
 * count (and every byte) is the same on 1 and 3 threads; with 16
 * replications per thread per block it used to differ.
 */
Test(batch, precision_stops_at_the_same_count_on_1_and_3_threads)
{
    struct rp_batch_opts o;
    long n1, n3;
    rp_batch_opts_default(&o);
    o.replications = 20;
    o.seed = 5;
    o.precision = 0.03;
    o.max_replications = 20000;
    o.threads = 1;
    char *one = json_of_opts(&o, &n1);
    o.threads = 3;
    char *three = json_of_opts(&o, &n3);
    cr_expect_eq(n1, n3, "1 thread stopped at %ld, 3 at %ld", n1, n3);
    cr_expect_gt(n1, 2 * RP_BATCH_BLOCK, "the target needs several blocks");
    cr_expect(n1 == 20 || n1 % RP_BATCH_BLOCK == 0,
              "stopped at %ld, not at a block end", n1);
    cr_expect_str_eq(one, three, "1 and 3 threads differ");
    free(one);
    free(three);
}

/* What a merge or a resume does: records added back give the same batch. */
struct kept {
    size_t nv, ns;
    long n;
    double *v, *s;
    uint64_t *ev;
};

static void keep_record(void *ctx, long rep, const double *v, const double *s,
                        uint64_t events)
{
    struct kept *k = ctx;
    cr_assert_eq(rep, k->n);
    memcpy(&k->v[(size_t)k->n * k->nv], v, k->nv * sizeof *v);
    memcpy(&k->s[(size_t)k->n * k->ns], s, k->ns * sizeof *s);
    k->ev[k->n++] = events;
}

Test(batch, records_added_back_then_continued_give_the_same_bytes)
{
    struct rp_batch_opts o;
    struct rp_batch b;
    long n = 150;
    struct kept k = { rp_model_nvalues(model), rp_model_series_len(model), 0,
                      NULL, NULL, NULL };
    k.v = calloc((size_t)n * k.nv, sizeof *k.v);
    k.s = calloc((size_t)n * k.ns, sizeof *k.s);
    k.ev = calloc((size_t)n, sizeof *k.ev);
    rp_batch_opts_default(&o);
    o.replications = n;
    o.seed = 3;
    o.threads = 2;
    o.record = keep_record;
    o.record_ctx = &k;
    char *whole = json_of_opts(&o, NULL);
    cr_assert_eq(k.n, n);

    /* the first 70 from records, the rest run: as a resumed run does */
    o.record = NULL;
    rp_batch_init(&b, model, &o);
    for (long i = 0; i < 70; i++)
        rp_batch_add(&b, &o, &k.v[(size_t)i * k.nv], &k.s[(size_t)i * k.ns],
                     k.ev[i]);
    cr_expect_eq(rp_batch_continue(&b, &o), RP_BATCH_DONE);
    cr_expect_eq(b.n, n);
    char *resumed = json_of_batch(&b);
    rp_batch_release(&b);
    cr_expect_str_eq(whole, resumed);
    free(whole);
    free(resumed);
    free(k.v);
    free(k.s);
    free(k.ev);
}

static int by_value(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/*
 * Series bands in an exact batch are the exact type 7 quantiles of the
 * recorded daily values (computed here from the records, by qsort and the
 * definition in stats.h); a stream batch of the same runs gives the same
 * means and P-square bands, which on 150 replications differ somewhere.
 */
Test(batch, series_bands_are_exact_quantiles_of_the_daily_values)
{
    struct rp_batch_opts o;
    struct rp_batch b, st;
    long n = 150;
    struct kept k = { rp_model_nvalues(model), rp_model_series_len(model), 0,
                      NULL, NULL, NULL };
    cr_assert_gt(k.ns, 100);
    k.v = calloc((size_t)n * k.nv, sizeof *k.v);
    k.s = calloc((size_t)n * k.ns, sizeof *k.s);
    k.ev = calloc((size_t)n, sizeof *k.ev);
    double *col = calloc((size_t)n, sizeof *col);
    rp_batch_opts_default(&o);
    o.replications = n;
    o.seed = 5;
    o.threads = 2;
    o.record = keep_record;
    o.record_ctx = &k;
    cr_assert_eq(rp_batch_series_mode(model, &o), RP_ACC_EXACT);
    rp_batch_run(&b, model, &o);
    cr_assert_eq(k.n, n);
    o.record = NULL;
    o.auto_mode = false;
    o.mode = RP_ACC_STREAM;
    cr_assert_eq(rp_batch_series_mode(model, &o), RP_ACC_STREAM);
    rp_batch_run(&st, model, &o);

    size_t differ = 0;
    for (size_t j = 0; j < k.ns; j++) {
        for (long i = 0; i < n; i++)
            col[i] = k.s[(size_t)i * k.ns + j];
        qsort(col, (size_t)n, sizeof *col, by_value);
        struct rp_summary e, p;
        rp_acc_summarize(&b.series_acc[j], 0.95, &e);
        rp_acc_summarize(&st.series_acc[j], 0.95, &p);
        const double lv[3] = { 0.05, 0.5, 0.95 };
        const double got[3] = { e.p05, e.p50, e.p95 };
        for (int q = 0; q < 3; q++) {
            double h = lv[q] * (double)(n - 1);
            size_t lo = (size_t)floor(h);
            double want = col[lo] + (h - floor(h)) * (col[lo + 1] - col[lo]);
            cr_assert_float_eq(got[q], want, 1e-12 * (1 + fabs(want)),
                               "point %zu, level %g: %g, not %g", j, lv[q],
                               got[q], want);
        }
        cr_assert_eq(e.mean, p.mean, "point %zu: modes differ in the mean", j);
        differ += e.p05 != p.p05 || e.p50 != p.p50 || e.p95 != p.p95;
    }
    cr_expect_gt(differ, 0, "P-square bands equal the exact ones everywhere");
    rp_batch_release(&b);
    rp_batch_release(&st);
    free(col);
    free(k.v);
    free(k.s);
    free(k.ev);
}

Test(batch, a_replication_over_its_event_budget_stops_the_batch)
{
    struct rp_batch_opts o;
    struct rp_batch b;
    rp_batch_opts_default(&o);
    o.replications = 100;
    o.threads = 2;
    o.max_rep_events = 50;              /* a replication here takes thousands */
    cr_expect_eq(rp_batch_run(&b, model, &o), RP_BATCH_OVER_BUDGET);
    cr_expect(b.over_budget);
    cr_expect_eq(b.over_rep, 0);
    cr_expect_eq(b.n, 0, "nothing past the first over budget is merged");
    rp_batch_release(&b);

    o.max_rep_events = 100000000;
    cr_expect_eq(rp_batch_run(&b, model, &o), RP_BATCH_DONE);
    cr_expect_not(b.over_budget);
    cr_expect_eq(b.n, 100);
    rp_batch_release(&b);
}
