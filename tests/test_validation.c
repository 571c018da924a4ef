/*
 * test_validation.c - ripple against exact results from theory
 * (docs: /work/shared/VALIDATION.md; scenarios/validation/README.md).
 *
 * Each case is an ordinary scenario in scenarios/validation/, whose header
 * gives the exact values and their source. A test runs it with the seed,
 * replications, warm-up and horizon the file sets, takes each metric's
 * mean over replications and its standard error SE = s / sqrt(R) from the
 * run itself, and passes when |mean - exact| <= 4 SE: the page's tolerance
 * for a suite of about 50 checks. Deterministic cases (C7) must match to
 * 1e-9. Quantities that are functions of one replication's values (Lq =
 * L - utilization, stoppages per year, an indicator) are formed per
 * replication first, so their SE is still s / sqrt(R).
 *
 * With RP_VALIDATION_TABLE=<file> in the environment, every check also
 * appends a row of the README's table to <file>;
 * scripts/validation-table.sh builds the tests, runs them and rewrites the
 * table. Each test runs its replications on 2 threads; results do not
 * depend on the thread count. RP_VALIDATION_SCALE=f (0 < f < 1) runs f
 * times each file's replications, at least 30: the sanitizer build of
 * scripts/test.sh does, since the tolerances follow from the run's own SE.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/batch.h"
#include "ripple/diag.h"
#include "ripple/engine.h"
#include "ripple/report.h"
#include "ripple/scenario.h"
#include "ripple/stats.h"

#define K_SE 4.0                /* tolerance in standard errors (suite of ~50) */
#define EXACT_TOL 1e-9          /* deterministic cases */
#define THREADS 2

/* ------------------------------------------------------------- helpers */

/* A scenario of scenarios/validation/, its model and (once run) its batch. */
struct vcase {
    struct rp_scenario sc;
    struct rp_model *m;
    struct rp_batch b;
    bool ran;
};

static void vcase_load(struct vcase *v, const char *file)
{
    char path[1024];
    struct rp_diag diag;

    snprintf(path, sizeof path, "%s/scenarios/validation/%s", RP_SOURCE_DIR,
             file);
    rp_diag_init(&diag);
    int rc = rp_scenario_load(&v->sc, path, NULL, &diag);
    if (rc != 0)
        rp_diag_print(&diag, stderr);
    rp_diag_release(&diag);
    cr_assert_eq(rc, 0, "%s does not load", path);
    v->m = rp_model_new(&v->sc);
    v->ran = false;
}

/* The file's replications, scaled by $RP_VALIDATION_SCALE if set. */
static long replications(const struct vcase *v)
{
    const char *env = getenv("RP_VALIDATION_SCALE");
    double f = env ? strtod(env, NULL) : 1.0;

    if (!(f > 0 && f < 1))
        return v->sc.replications;
    long n = (long)(f * (double)v->sc.replications);
    if (n < 30)                         /* too few to estimate an SE */
        n = v->sc.replications < 30 ? v->sc.replications : 30;
    return n;
}

/* Runs the file's replications from its seed, keeping every value. */
static void vcase_run(struct vcase *v)
{
    struct rp_batch_opts o;

    rp_batch_opts_default(&o);
    o.replications = replications(v);
    o.seed = v->sc.seed;
    o.threads = THREADS;
    o.mode = RP_ACC_EXACT;
    o.auto_mode = false;
    o.keep_values = true;
    rp_batch_run(&v->b, v->m, &o);
    v->ran = true;
    cr_assert_eq(v->b.n, o.replications);
}

static void vcase_release(struct vcase *v)
{
    if (v->ran)
        rp_batch_release(&v->b);
    rp_model_free(v->m);
    rp_scenario_release(&v->sc);
}

/* Index of the value called name ("nodes.F.part.lost"); fails the test if none. */
static size_t value_index(const struct rp_model *m, const char *name)
{
    size_t i = rp_value_index(m, name);
    cr_assert_neq(i, SIZE_MAX, "no value named %s", name);
    return i;
}

/* Value name of replication rep. */
static double rep_value(const struct vcase *v, long rep, size_t i)
{
    return v->b.values[(size_t)rep * v->b.nvalues + i];
}

/* Summary over replications of a value, as every report prints it. */
static struct rp_summary summary(const struct vcase *v, const char *name)
{
    struct rp_summary s;
    rp_acc_summarize(&v->b.acc[value_index(v->m, name)], v->sc.confidence, &s);
    return s;
}

/* Summary of f(values of one replication) over replications. */
static struct rp_summary derived(const struct vcase *v,
                                 double (*f)(const struct vcase *, long))
{
    struct rp_acc a;
    struct rp_summary s;

    rp_acc_init(&a, RP_ACC_EXACT);
    for (long rep = 0; rep < v->b.n; rep++)
        rp_acc_add(&a, f(v, rep));
    rp_acc_summarize(&a, v->sc.confidence, &s);
    rp_acc_release(&a);
    return s;
}

/*
 * Appends one row of the README table to $RP_VALIDATION_TABLE, if set:
 * key (the sort key), a tab, then the row.
 */
static void record_row(const char *key, const char *what, const char *exact,
                       const char *value, const char *se, const char *tol,
                       bool ok)
{
    const char *path = getenv("RP_VALIDATION_TABLE");
    if (!path)
        return;
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f, "cannot append to %s", path);
    fprintf(f, "%s\t| %s | %s | %s | %s | %s | %s |\n", key, what, exact,
            value, se, tol, ok ? "pass" : "**FAIL**");
    fclose(f);
}

/* A row for a number: statistical when se > 0, exact otherwise. */
static void record(const char *key, const char *what, double exact,
                   double value, double se, double tol, bool ok)
{
    char e[32], v[32], s[32], t[32];

    snprintf(e, sizeof e, se > 0 ? "%.6g" : "%.10g", exact);
    snprintf(v, sizeof v, se > 0 ? "%.6g" : "%.10g", value);
    snprintf(s, sizeof s, se > 0 ? "%.2g" : "exact", se);
    snprintf(t, sizeof t, se > 0 ? "%.2g" : "%.0e", tol);
    record_row(key, what, e, v, s, t, ok);
}

/*
 * One statistical check: |mean - exact| <= K_SE x SE, SE from the run. key
 * orders the table's rows; what names the case and quantity.
 */
static void check_se(const char *key, const char *what, double exact,
                     const struct rp_summary *s)
{
    double tol = K_SE * s->se;
    bool ok = fabs(s->mean - exact) <= tol;

    record(key, what, exact, s->mean, s->se, tol, ok);
    cr_expect(ok, "%s: ripple %.6g (SE %.3g, %ld replications), exact %.6g: "
              "off by %.2f SE, tolerance %.0f SE",
              what, s->mean, s->se, s->n, exact,
              s->se > 0 ? fabs(s->mean - exact) / s->se : INFINITY, K_SE);
}

/* One deterministic check: equal to EXACT_TOL (relative above 1). */
static void check_exact(const char *key, const char *what, double exact,
                        double got)
{
    double tol = EXACT_TOL * (fabs(exact) > 1 ? fabs(exact) : 1);
    bool ok = fabs(got - exact) <= tol;

    record(key, what, exact, got, 0, tol, ok);
    cr_expect(ok, "%s: ripple %.12g, exact %.12g", what, got, exact);
}

/* ------------------------------------------------------------------ C1 */

static size_t c1_wip, c1_util;

static double c1_lq(const struct vcase *v, long rep)
{
    return rep_value(v, rep, c1_wip) - rep_value(v, rep, c1_util);
}

Test(validation, c1_mm1_queue)
{
    struct vcase v;
    vcase_load(&v, "c1-mm1.yaml");
    vcase_run(&v);

    struct rp_summary w = summary(&v, "nodes.customers.job.cycle_time");
    struct rp_summary l = summary(&v, "nodes.stage.job.wip");
    struct rp_summary u = summary(&v, "nodes.stage.job.utilization");
    c1_wip = value_index(v.m, "nodes.stage.job.wip");
    c1_util = value_index(v.m, "nodes.stage.job.utilization");
    struct rp_summary lq = derived(&v, c1_lq);
    struct rp_summary wq = w;           /* Wq = W - 1: the same SE */
    wq.mean -= 1;

    check_se("01a", "C1 M/M/1: flow time W (d), customers' cycle_time", 5.0, &w);
    check_se("01b", "C1 M/M/1: wait in queue Wq (d), cycle_time - 1", 4.0, &wq);
    check_se("01c", "C1 M/M/1: L, stage wip", 4.0, &l);
    check_se("01d", "C1 M/M/1: Lq, wip - utilization", 3.2, &lq);
    check_se("01e", "C1 M/M/1: utilization rho", 0.8, &u);
    vcase_release(&v);
}

/* ------------------------------------------------------------------ C4 */

Test(validation, c4_base_stock)
{
    struct vcase v;
    vcase_load(&v, "c4-base-stock.yaml");
    vcase_run(&v);

    struct rp_summary fill = summary(&v, "nodes.store.part.fill_rate");
    struct rp_summary out = summary(&v, "nodes.store.part.stockout");
    struct rp_summary bo = summary(&v, "nodes.store.part.backorders");
    struct rp_summary oh = summary(&v, "nodes.store.part.on_hand");
    struct rp_summary ct = summary(&v, "nodes.store.part.cycle_time");

    check_se("04a", "C4 base stock: fill rate P(X <= S-1)", 0.843227, &fill);
    check_se("04b", "C4 base stock: P(OH = 0), stockout", 0.156773, &out);
    check_se("04c", "C4 base stock: E[backorders]", 0.330828, &bo);
    check_se("04d", "C4 base stock: E[on hand]", 5.330828, &oh);
    /* Pipeline lambda L = 20 by Little's law: 10 orders/day, each 2 days. */
    check_exact("04e", "C4 base stock: replenishment cycle time L (d)", 2.0,
                ct.mean);
    vcase_release(&v);
}

/* ------------------------------------------------------------------ C7 */

/*
 * Steps one replication of a C7 file day by day (ripple time t = original
 * day + 6 at the end of the day's consumption) and compares F's on hand,
 * and for A1 S's backlog, with the page's bookkeeping. Returns the first
 * day that differs, or -1.
 */
struct c7_expect {
    double (*f_on_hand)(int t);         /* F's on hand after time t */
    double (*s_backlog)(int t);         /* S's backlog after t, or NULL */
};

static int c7_trajectory(struct vcase *v, const struct c7_expect *e,
                         double *out, double *got, double *want)
{
    uint32_t F = rp_scenario_node(&v->sc, "F");
    uint32_t S = rp_scenario_node(&v->sc, "S");
    uint32_t part = rp_scenario_product(&v->sc, "part");
    struct rp_run *r = rp_run_new(v->m);
    int bad = -1;

    rp_run_start(r, v->sc.seed, 0);
    for (int t = 1; t <= (int)v->sc.horizon; t++) {
        rp_run_until(r, t);
        double oh = rp_run_on_hand(r, F, part);
        if (bad < 0 && fabs(oh - e->f_on_hand(t)) > EXACT_TOL) {
            bad = t;
            *got = oh;
            *want = e->f_on_hand(t);
        }
        if (e->s_backlog && bad < 0) {
            double bl = rp_run_owed(r, S, part);
            if (fabs(bl - e->s_backlog(t)) > EXACT_TOL) {
                bad = 1000 + t;
                *got = bl;
                *want = e->s_backlog(t);
            }
        }
    }
    rp_run_finish(r, out, NULL);
    rp_run_free(r);
    return bad;
}

/* Days 1-5 use up 500 of the 2,000 while it is replaced 5 days later. */
static double c7_before(int t)
{
    return t <= 5 ? 2000 - 100.0 * t : 1500;
}

/* A0: 1,500 on hand through day 14 (t = 20), gone at t = 35, then 0. */
static double c7_a0_on_hand(int t)
{
    if (t <= 20)
        return c7_before(t);
    return t <= 35 ? 1500 - 100.0 * (t - 20) : 0;
}

/* A1: as A0 to t = 40, then 150 in and 100 out a day to 1,500 at t = 70. */
static double c7_a1_on_hand(int t)
{
    if (t <= 40)
        return c7_a0_on_hand(t);
    return t <= 70 ? 50.0 * (t - 40) : 1500;
}

/* A1: S's backlog: orders of days 10-29, then 150 a day out, 100 in from day 35. */
static double c7_a1_backlog(int t)
{
    if (t <= 15)
        return 0;
    if (t <= 35)
        return 100.0 * (t - 15);
    if (t <= 40)
        return 2000 - 150.0 * (t - 35);
    return t <= 65 ? 1250 - 50.0 * (t - 40) : 0;
}

/* B: transit seized at 15.5, the 1,500 on hand last to t = 30. */
static double c7_b_on_hand(int t)
{
    if (t <= 15)
        return c7_before(t);
    return t <= 30 ? 1500 - 100.0 * (t - 15) : 0;
}

static void c7_case(const char *file, const char *event,
                    const struct c7_expect *e, const char *key,
                    const char *label, double tts, double shortfall)
{
    struct vcase v;
    char name[128], what[160], k[16];
    double got = 0, want = 0;

    vcase_load(&v, file);
    double *out = calloc(rp_model_nvalues(v.m), sizeof *out);
    cr_assert_not_null(out);
    int bad = c7_trajectory(&v, e, out, &got, &want);
    cr_expect_eq(bad, -1, "%s: %s after time %d is %.10g, not %.10g", file,
                 bad >= 1000 ? "S's backlog" : "F's on hand",
                 bad >= 1000 ? bad - 1000 : bad, got, want);

    snprintf(name, sizeof name, "events.%s.F.tts", event);
    snprintf(what, sizeof what, "%s: TTS from the cut (d)", label);
    snprintf(k, sizeof k, "%sa", key);
    check_exact(k, what, tts, out[value_index(v.m, name)]);
    double lost = out[value_index(v.m, "nodes.F.part.lost")];
    snprintf(what, sizeof what, "%s: shortfall (F's lost)", label);
    snprintf(k, sizeof k, "%sb", key);
    check_exact(k, what, shortfall, lost);
    snprintf(what, sizeof what, "%s: stockout days (lost / 100)", label);
    snprintf(k, sizeof k, "%sc", key);
    check_exact(k, what, shortfall / 100, lost / 100);
    snprintf(what, sizeof what, "%s: F's on hand, day by day, to the horizon",
             label);
    snprintf(k, sizeof k, "%sd", key);
    char first[64];
    snprintf(first, sizeof first, "differs after t = %d", bad % 1000);
    record_row(k, what, "page's bookkeeping", bad < 0 ? "same every day" : first,
               "exact", "1e-09", bad < 0);
    free(out);
    vcase_release(&v);
}

Test(validation, c7_a0_fixed_flow)
{
    struct c7_expect e = { c7_a0_on_hand, NULL };
    c7_case("c7-a0.yaml", "cut", &e, "07a", "C7-A0 fixed flow", 20, 500);
}

Test(validation, c7_b_embargo_seizes_transit)
{
    struct c7_expect e = { c7_b_on_hand, NULL };
    /* tts runs from the ban's start at 15.5, half a day into day 10. */
    c7_case("c7-b.yaml", "embargo", &e, "07b", "C7-B embargo (tts from 15.5)",
            15.5, 1000);
}

Test(validation, c7_a1_base_stock_catch_up)
{
    struct c7_expect e = { c7_a1_on_hand, c7_a1_backlog };
    c7_case("c7-a1.yaml", "cut", &e, "07c", "C7-A1 base stock", 20, 500);

    /* The page's milestones, read off the same bookkeeping. */
    struct vcase v;
    vcase_load(&v, "c7-a1.yaml");
    uint32_t F = rp_scenario_node(&v.sc, "F");
    uint32_t S = rp_scenario_node(&v.sc, "S");
    uint32_t part = rp_scenario_product(&v.sc, "part");
    struct rp_run *r = rp_run_new(v.m);
    double peak = 0, peak_t = 0, clear_t = -1, back_t = -1;
    rp_run_start(r, v.sc.seed, 0);
    for (int t = 1; t <= (int)v.sc.horizon; t++) {
        rp_run_until(r, t);
        double bl = rp_run_owed(r, S, part);
        if (bl > peak + EXACT_TOL) {
            peak = bl;
            peak_t = t;
        }
        if (peak > 0 && bl <= EXACT_TOL && clear_t < 0)
            clear_t = t;
        if (t > 35 && back_t < 0
            && rp_run_on_hand(r, F, part) >= 1500 - EXACT_TOL)
            back_t = t;
    }
    rp_run_free(r);
    check_exact("07cd1", "C7-A1: S's backlog peak", 2000, peak);
    check_exact("07cd2", "C7-A1: day of the peak (end of)", 29, peak_t - 6);
    check_exact("07cd3", "C7-A1: day S's backlog clears (end of)", 59, clear_t - 6);
    check_exact("07cd4", "C7-A1: F back to 1,500 (end of day)", 64, back_t - 6);
    vcase_release(&v);
}

/* ------------------------------------------------------------------ C8 */

static size_t c8_first;

static double c8_early(const struct vcase *v, long rep)
{
    return rep_value(v, rep, c8_first) <= 365 ? 1 : 0;
}

Test(validation, c8_on_off_supplier)
{
    struct vcase v;
    vcase_load(&v, "c8-on-off.yaml");
    vcase_run(&v);

    struct rp_summary down = summary(&v, "nodes.supplier.part.down");
    struct rp_summary n = summary(&v, "nodes.supplier.part.outages");
    struct rp_summary up = summary(&v, "nodes.supplier.part.mtbf");
    struct rp_summary dn = summary(&v, "nodes.supplier.part.mttr");
    c8_first = value_index(v.m, "nodes.supplier.part.first_outage");
    /* A binomial proportion: its sample SD gives SE = sqrt(p(1-p)/(R-1)) here. */
    struct rp_summary early = derived(&v, c8_early);

    check_se("08a", "C8 on/off: down fraction over 3,650 d", 0.099753, &down);
    check_se("08b", "C8 on/off: outages in 3,650 d", 36.51, &n);
    check_se("08c", "C8 on/off: P(outage in the first 365 d)", 0.982674, &early);
    check_se("08d", "C8 on/off: mean up time (mtbf)", 90, &up);
    check_se("08e", "C8 on/off: mean down time (mttr)", 10, &dn);
    vcase_release(&v);
}

/* ----------------------------------------------------------------- C10 */

static size_t c10_stop;
static double c10_years;

static double c10_per_year(const struct vcase *v, long rep)
{
    return rep_value(v, rep, c10_stop) / c10_years;
}

static void c10_case(const char *file, const char *key, const char *label,
                     double availability, bool stoppages)
{
    struct vcase v;
    char what[160], k[16];

    vcase_load(&v, file);
    vcase_run(&v);
    struct rp_summary fill = summary(&v, "nodes.market.cell.fill_rate");
    snprintf(what, sizeof what, "%s: output availability = fill", label);
    snprintf(k, sizeof k, "%sa", key);
    check_se(k, what, availability, &fill);
    if (stoppages) {
        c10_stop = value_index(v.m, "nodes.maker.cell.stoppages");
        c10_years = v.sc.horizon / 365;
        struct rp_summary st = derived(&v, c10_per_year);
        snprintf(what, sizeof what, "%s: system stoppages per year", label);
        snprintf(k, sizeof k, "%sb", key);
        check_se(k, what, 12.268, &st);
    }
    vcase_release(&v);
}

Test(validation, c10_bom_series_availability)
{
    c10_case("c10-bom.yaml", "10a", "C10 BOM, 5 single sources", 0.756904,
             true);
}

Test(validation, c10_bom_dual_sourced)
{
    c10_case("c10-dual.yaml", "10b", "C10 BOM, component 4 dual-sourced",
             0.792947, false);
}

/* ----------------------------------------------------------------- C12 */

static void c12_case(const char *file, const char *key, const char *label,
                     double mean, double p)
{
    struct vcase v;
    char what[160], k[16];

    vcase_load(&v, file);
    vcase_run(&v);
    struct rp_summary s = summary(&v, "nodes.F.part.lost");
    snprintf(what, sizeof what, "%s: E[shortfall]", label);
    snprintf(k, sizeof k, "%sa", key);
    check_se(k, what, mean, &s);

    /* P(shortfall > 0): p_pos, a binomial proportion. */
    struct rp_summary pp = s;
    pp.mean = s.p_pos;
    pp.se = sqrt(s.p_pos * (1 - s.p_pos) / (double)s.n);
    snprintf(what, sizeof what, "%s: P(shortfall > 0)", label);
    snprintf(k, sizeof k, "%sb", key);
    check_se(k, what, p, &pp);
    vcase_release(&v);
}

Test(validation, c12_exponential_outage)
{
    c12_case("c12-exponential.yaml", "12a", "C12 T ~ exponential(10)",
             1000 * exp(-1.5), exp(-1.5));
}

Test(validation, c12_uniform_outage)
{
    c12_case("c12-uniform.yaml", "12b", "C12 T ~ uniform(5, 25)", 250, 0.5);
}

Test(validation, c12_geometric_outage)
{
    c12_case("c12-geometric.yaml", "12c", "C12 T ~ geometric, mean 10",
             1000 * pow(0.9, 15), pow(0.9, 15));
}

Test(validation, c12_discrete_uniform_outage)
{
    /* E(T - 15)+ over {5..25}: (1 + 2 + ... + 10)/21 days. */
    c12_case("c12-discrete-uniform.yaml", "12d",
             "C12 T ~ discrete uniform {5..25}", 100 * 55.0 / 21, 10.0 / 21);
}
