/*
 * test_sensitivity_ban.c - Sobol indices and Morris effects of lost demand
 * max(0, D - C) when a stock C faces a ban of duration D: exact indices by
 * GSL quadrature, recovered first on the closed form and then by the
 * driver on a real scenario (tests/data/sensitivity-ban.yaml), with its
 * table, JSON, bad values, stop requests and the ripple sensitivity
 * command.
 *
 * As in test_sensitivity.c, Sobol estimates must lie within 4 bootstrap
 * standard errors of the exact index, each standard error below a bound.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "ripple/diag.h"
#include "ripple/dist.h"
#include "ripple/sensitivity.h"
#include "ripple/stats.h"

#include "sensitivity_fixture.h"

TestSuite(sensitivity, .init = no_gsl_abort);

/* ------------------------------------------------- stock against a ban */

/* Stock of C days ~ U(10, 30) against a ban of D days ~ U(0, 40). */
#define C_LO 10.0
#define C_HI 30.0
#define D_LO 0.0
#define D_HI 40.0

static double lost(const double *x)
{
    return x[1] > x[0] ? x[1] - x[0] : 0;
}

struct quad {
    gsl_integration_workspace *inner, *outer;
    double fixed;           /* the value of the input held fixed */
    int which;              /* 0: C fixed (integrate over D), 1: D fixed */
    int power;              /* integrate lost^power */
};

/* lost(c, d)^power at the free input v */
static double integrand(double v, void *p)
{
    struct quad *q = p;
    double x[2] = { q->which ? v : q->fixed, q->which ? q->fixed : v };
    return pow(lost(x), q->power);
}

/* E[lost^power | input `which` = fixed], by adaptive quadrature. */
static double cond_mean(struct quad *q, int which, double fixed, int power)
{
    double lo = which ? C_LO : D_LO, hi = which ? C_HI : D_HI, r, err;
    q->which = which;
    q->fixed = fixed;
    q->power = power;
    gsl_function f = { integrand, q };
    /* the kink of max(0, d - c) is where the free input meets the fixed one */
    double pts[3] = { lo, fixed, hi };
    size_t npts = fixed > lo && fixed < hi ? 3 : 2;
    if (npts == 2)
        pts[1] = hi;
    cr_assert_eq(gsl_integration_qagp(&f, pts, npts, 1e-11, 1e-11, 1000,
                                      q->inner, &r, &err), 0);
    return r / (hi - lo);
}

struct outer_arg {
    struct quad *q;
    int which;
    int power;              /* of the inner mean: E[.|x]^power */
    int inner_power;
};

static double outer_integrand(double v, void *p)
{
    struct outer_arg *a = p;
    return pow(cond_mean(a->q, a->which, v, a->inner_power), a->power);
}

/* E over input `which` of E[lost^inner_power | it]^power. */
static double outer_mean(struct quad *q, int which, int power, int inner_power)
{
    double lo = which ? D_LO : C_LO, hi = which ? D_HI : C_HI, r, err;
    struct outer_arg a = { q, which, power, inner_power };
    gsl_function f = { outer_integrand, &a };
    cr_assert_eq(gsl_integration_qags(&f, lo, hi, 1e-10, 1e-10, 1000,
                                      q->outer, &r, &err), 0);
    return r / (hi - lo);
}

/*
 * Exact indices of lost = max(0, D - C): with two inputs,
 * S1_C = Var E[L|C] / V and ST_C = 1 - S1_D.
 */
static void ban_exact(double s1[2], double st[2])
{
    struct quad q = { gsl_integration_workspace_alloc(1000),
                      gsl_integration_workspace_alloc(1000), 0, 0, 1 };
    double m = outer_mean(&q, 0, 1, 1);                 /* E L */
    double v = outer_mean(&q, 0, 1, 2) - m * m;         /* E L^2 - (E L)^2 */
    double vc = outer_mean(&q, 0, 2, 1) - m * m;        /* Var E[L|C] */
    double vd = outer_mean(&q, 1, 2, 1) - m * m;        /* Var E[L|D] */

    s1[0] = vc / v;
    s1[1] = vd / v;
    st[0] = 1 - s1[1];
    st[1] = 1 - s1[0];
    gsl_integration_workspace_free(q.inner);
    gsl_integration_workspace_free(q.outer);
}

Test(sensitivity, ban_quadrature_agrees_with_the_closed_form_mean)
{
    /*
     * E max(0, D - C) by hand: over the square [10,30] x [0,40] the
     * positive part is the triangle-and-trapezoid region d > c, whose
     * integral is int_10^30 (40 - c)^2 / 2 dc = (30^3 - 10^3) / 6, over the
     * area 800: E L = 26000 / 6 / 800 = 5.41666...
     */
    struct quad q = { gsl_integration_workspace_alloc(1000),
                      gsl_integration_workspace_alloc(1000), 0, 0, 1 };
    double m = outer_mean(&q, 0, 1, 1);
    cr_assert(fabs(m - 26000.0 / 6 / 800) < 1e-9, "E L = %.12f", m);
    gsl_integration_workspace_free(q.inner);
    gsl_integration_workspace_free(q.outer);
}

Test(sensitivity, sobol_recovers_the_ban_indices)
{
    struct rp_sens_input in[2] = {
        { .path = "nodes.m.stock.part.initial", .dist = dist(RP_DIST_UNIFORM, C_LO, C_HI, 0) },
        { .path = "events.ban.duration", .dist = dist(RP_DIST_UNIFORM, D_LO, D_HI, 0) },
    };
    struct rp_sens_design d;
    struct rp_sens_est s1[2], st[2];
    double e1[2], et[2];
    char msg[256];

    ban_exact(e1, et);
    cr_assert_eq(rp_sens_design_sobol(&d, in, 2, 1 << 13, msg, sizeof msg), 0);
    double *y = evaluate(&d, lost);
    rp_sens_sobol(&d, y, 1, &boot, s1, st);
    for (size_t i = 0; i < 2; i++) {
        cr_log_info("ban S1[%zu] = %.4f se %.4f (exact %.4f), ST = %.4f se "
                    "%.4f (exact %.4f)", i, s1[i].mean, s1[i].se, e1[i],
                    st[i].mean, st[i].se, et[i]);
        expect_index("S1", i, &s1[i], e1[i], 0.02);
        expect_index("ST", i, &st[i], et[i], 0.02);
    }
    free(y);
    rp_sens_design_release(&d);
}

/* ------------------------------------------------------ on the simulator */

#define BAN_FILE RP_SOURCE_DIR "/tests/data/sensitivity-ban.yaml"
#define STEP (1.0 / 128)            /* the scenario's demand step, days */

static const struct rp_sens_input ban_inputs[3] = {
    { .path = "nodes.M.stock.part.initial",
      .dist = { .kind = RP_DIST_UNIFORM, .a = C_LO, .b = C_HI },
      .loc = { "uncertain.yaml", 2, 3 } },
    { .path = "events.ban.duration",
      .dist = { .kind = RP_DIST_UNIFORM, .a = D_LO, .b = D_HI },
      .loc = { "uncertain.yaml", 3, 3 } },
    { .path = "events.other.duration",  /* bans what nobody ships: inert */
      .dist = { .kind = RP_DIST_UNIFORM, .a = 0, .b = 40 },
      .loc = { "uncertain.yaml", 4, 3 } },
};

static struct rp_sensitivity_opts ban_opts(enum rp_sens_method method,
                                           long samples)
{
    return (struct rp_sensitivity_opts){
        .file = BAN_FILE, .inputs = ban_inputs, .ninputs = 3,
        .method = method, .samples = samples, .levels = 4,
        .replications = 2, .seed = 99, .threads = 1,
        .boot = { 400, 0.95, 0 },
    };
}

/* Index of the market's metric among s's outputs. */
static size_t output(const struct rp_sensitivity *s, enum rp_metric m)
{
    for (size_t o = 0; o < s->nout; o++)
        if (!strcmp(s->out[o].group, "market") && s->out[o].metric == m)
            return o;
    cr_assert_fail("no output market.%s", rp_metric_name(m));
    return 0;
}

static void run_or_fail(struct rp_sensitivity *s,
                        const struct rp_sensitivity_opts *o)
{
    struct rp_diag diag;
    rp_diag_init(&diag);
    int rc = rp_sensitivity_run(s, o, &diag);
    if (rc)
        rp_diag_print(&diag, stderr);
    cr_assert_eq(rc, 0, "rp_sensitivity_run failed");
    rp_diag_release(&diag);
}

/*
 * The simulated loss is within one step of max(0, D - C) on every row (the
 * scenario's bookkeeping), and its indices agree with the quadrature. A
 * shift of at most STEP per row moves V and the index sums by O(STEP / sd),
 * about 0.001 here, far below the bootstrap SE (~0.04 at N = 1024, the
 * closed-form test's 0.013 at N = 8192 times sqrt(8)): so the tolerance
 * stays the 4 SE of the closed-form test. The inert input's indices are 0
 * exactly: its AB rows repeat the A rows' runs on the same random numbers.
 */
Test(sensitivity, sobol_on_the_simulator_recovers_the_ban_indices)
{
    struct rp_sensitivity_opts o = ban_opts(RP_SENS_SOBOL, 1024);
    struct rp_sensitivity s;
    double e1[2], et[2];

    run_or_fail(&s, &o);
    size_t ol = output(&s, RP_M_LOST), k = s.k;
    cr_assert_eq(s.design.rows, 1024u * 5);
    for (size_t r = 0; r < s.design.rows; r++) {
        const double *x = &s.design.x[r * k];
        double y = s.y[r * s.nout + ol], exact = lost(x);
        cr_assert(fabs(y - exact) <= STEP + 1e-9,
                  "row %zu: C %g, D %g: lost %.9g, not max(0, D - C) = %.9g",
                  r, x[0], x[1], y, exact);
    }
    ban_exact(e1, et);
    for (size_t i = 0; i < 2; i++) {
        const struct rp_sens_est *s1 = rp_sensitivity_est(&s, ol, i, 0);
        const struct rp_sens_est *st = rp_sensitivity_est(&s, ol, i, 1);
        cr_log_info("simulated ban S1[%zu] = %.4f se %.4f (exact %.4f), ST = "
                    "%.4f se %.4f (exact %.4f)", i, s1->mean, s1->se, e1[i],
                    st->mean, st->se, et[i]);
        expect_index("S1", i, s1, e1[i], 0.06);
        expect_index("ST", i, st, et[i], 0.06);
    }
    cr_assert_eq(rp_sensitivity_est(&s, ol, 2, 0)->mean, 0.0);
    cr_assert_eq(rp_sensitivity_est(&s, ol, 2, 1)->mean, 0.0);
    rp_sensitivity_release(&s);
}

/*
 * Morris on the simulator: each effect is a difference of two losses, each
 * within STEP of max(0, D - C), over a step of 1/2, so every simulated
 * effect is within 4 STEP of the closed-form one and mu* within 4 STEP.
 * The inert input's effects are 0 exactly.
 */
Test(sensitivity, morris_on_the_simulator_matches_the_closed_form)
{
    struct rp_sensitivity_opts o = ban_opts(RP_SENS_MORRIS, 40);
    struct rp_sensitivity s;
    struct rp_sens_est ms[3], mu[3], sd[3];

    o.levels = 8;
    run_or_fail(&s, &o);
    size_t ol = output(&s, RP_M_LOST);
    double *y = evaluate(&s.design, lost);
    struct rp_sens_boot b = { 0, 0.95, 0 };
    rp_sens_morris(&s.design, y, 1, &b, ms, mu, sd);
    for (size_t i = 0; i < 3; i++) {
        double got = rp_sensitivity_est(&s, ol, i, 0)->mean;
        cr_assert(fabs(got - ms[i].mean) <= 4 * STEP,
                  "mu*[%zu] = %g on the simulator, %g closed form", i, got,
                  ms[i].mean);
    }
    cr_assert(ms[0].mean > 1 && ms[1].mean > 1, "C and D matter");
    cr_assert_eq(rp_sensitivity_est(&s, ol, 2, 0)->mean, 0.0);
    cr_assert_eq(rp_sensitivity_est(&s, ol, 2, 2)->mean, 0.0);
    free(y);
    rp_sensitivity_release(&s);
}

Test(sensitivity, simulated_rows_do_not_depend_on_threads)
{
    struct rp_sensitivity_opts o = ban_opts(RP_SENS_SOBOL, 16);
    struct rp_sensitivity a, b;

    o.replications = 40;
    run_or_fail(&a, &o);
    o.threads = 2;
    run_or_fail(&b, &o);
    cr_assert_eq(a.nout, b.nout);
    cr_assert(!memcmp(a.y, b.y, a.design.rows * a.nout * sizeof *a.y));
    cr_assert(!memcmp(a.est, b.est, a.nout * a.k * a.nmeasures * sizeof *a.est));
    rp_sensitivity_release(&a);
    rp_sensitivity_release(&b);
}

/*
 * The table names the inputs that move the market's loss and folds the
 * inert one (events.other bans what nobody ships: every index exactly 0)
 * into one line; no index prints as -0.
 */
Test(sensitivity, the_table_folds_inputs_with_no_effect)
{
    struct rp_sensitivity_opts o = ban_opts(RP_SENS_SOBOL, 16);
    struct rp_sensitivity s;
    char *text = NULL;
    size_t len = 0;

    run_or_fail(&s, &o);
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    rp_sensitivity_table(f, &s);
    fclose(f);
    const char *lost = strstr(text, "  lost ");
    cr_assert_not_null(lost, "%s", text);
    cr_expect_not_null(strstr(lost, "nodes.M.stock.part.initial"), "%s", text);
    cr_expect_not_null(strstr(lost, "events.ban.duration"), "%s", text);
    cr_expect_not_null(strstr(lost, "(1 other input: no effect)"), "%s", text);
    cr_expect_null(strstr(text, "events.other.duration"),
                   "the inert input has a row of its own:\n%s", text);
    cr_expect_null(strstr(text, " -0 "), "%s", text);
    cr_expect_null(strstr(text, "[-0,"), "%s", text);
    free(text);
    rp_sensitivity_release(&s);
}

/*
 * The inputs of a row do not count towards the --set limit: 16 overrides
 * of the caller (the limit) and 3 inputs run, and the rows agree with a
 * run without the overrides (each sets a value to what the file has).
 */
Test(sensitivity, inputs_do_not_count_towards_the_set_limit)
{
    struct rp_override sets[RP_MAX_OVERRIDES];
    for (size_t i = 0; i < RP_MAX_OVERRIDES; i++)
        sets[i] = (struct rp_override){ "horizon", "50" };
    struct rp_sensitivity_opts o = ban_opts(RP_SENS_MORRIS, 2);
    struct rp_sensitivity a, b;
    run_or_fail(&a, &o);
    o.sets = sets;
    o.nsets = RP_MAX_OVERRIDES;
    run_or_fail(&b, &o);
    cr_assert_eq(a.design.rows, b.design.rows);
    cr_assert_eq(a.nout, b.nout);
    cr_expect(!memcmp(a.y, b.y, a.design.rows * a.nout * sizeof *a.y));
    rp_sensitivity_release(&a);
    rp_sensitivity_release(&b);
}

Test(sensitivity, a_bad_value_is_reported_at_its_input)
{
    struct rp_sens_input in[3];
    struct rp_sensitivity_opts o = ban_opts(RP_SENS_SOBOL, 16);
    struct rp_sensitivity s;
    struct rp_diag diag;
    char *buf = NULL;
    size_t len = 0;

    memcpy(in, ban_inputs, sizeof in);
    in[1].dist.a = -5;                  /* a ban of negative length */
    o.inputs = in;
    rp_diag_init(&diag);
    cr_assert_eq(rp_sensitivity_run(&s, &o, &diag), -1);
    FILE *f = open_memstream(&buf, &len);
    rp_diag_print(&diag, f);
    fclose(f);
    static const char want[] =
        "uncertain.yaml:2:3: the scenario is invalid with every uncertain "
        "input at its smallest value in the design\n"
        "uncertain.yaml:3:3: duration must be a non-negative number, not ";
    cr_assert(!strncmp(buf, want, strlen(want)), "got: %s", buf);
    double v = strtod(buf + strlen(want), NULL);  /* the smallest design value */
    cr_assert(v >= -5 && v < 0, "got: %s", buf);
    free(buf);
    rp_diag_release(&diag);
}

/* Checks the contract's shape with a real JSON parser. */
static const char shape_py[] =
    "import json,sys\n"
    "d=json.load(open(sys.argv[1]))\n"
    "assert set(d)=={'method','inputs','groups'}, d.keys()\n"
    "assert d['method']=='sobol'\n"
    "paths=d['inputs']; assert len(paths)==3\n"
    "m=d['groups']['market']['part']\n"
    "assert 'lost' in m and 'unmet' in m\n"
    "for metric,v in m.items():\n"
    "  assert set(v)==set(paths), metric\n"
    "  for p in paths:\n"
    "    assert set(v[p])=={'S1','ST'}\n"
    "    for e in v[p].values():\n"
    "      assert set(e)=={'mean','ci'} and len(e['ci'])==2\n"
    "l=m['lost']['events.ban.duration']\n"
    "assert l['ST']['ci'][0] <= l['ST']['mean'] <= l['ST']['ci'][1]\n";

Test(sensitivity, json_has_the_contract_shape)
{
    struct rp_sensitivity_opts o = ban_opts(RP_SENS_SOBOL, 32);
    struct rp_sensitivity s;
    char path[] = "/tmp/rp_sens_XXXXXX", py[] = "/tmp/rp_sens_py_XXXXXX";
    char cmd[256];

    if (system("command -v python3 >/dev/null 2>&1"))
        cr_skip_test("python3 is not installed");
    run_or_fail(&s, &o);
    int fd = mkstemp(path), fp = mkstemp(py);
    cr_assert(fd >= 0 && fp >= 0);
    FILE *f = fdopen(fd, "w");
    rp_sensitivity_json(f, &s);
    fclose(f);
    f = fdopen(fp, "w");
    fputs(shape_py, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "python3 %s %s", py, path);
    int rc = system(cmd);
    unlink(path);
    unlink(py);
    cr_assert_eq(rc, 0, "the JSON does not have the contract's shape");
    rp_sensitivity_release(&s);
}

Test(sensitivity, a_stop_request_ends_the_run_with_nothing)
{
    struct rp_sensitivity_opts o = ban_opts(RP_SENS_SOBOL, 16);
    struct rp_sensitivity s;
    struct rp_diag diag;
    volatile sig_atomic_t stop = 1;     /* as if SIGINT came at once */

    o.stop = &stop;
    rp_diag_init(&diag);
    cr_assert_eq(rp_sensitivity_run(&s, &o, &diag), 1);
    cr_assert_eq(rp_diag_count(&diag), 0);
    cr_assert_null(s.y);
    rp_diag_release(&diag);
}

/* Everything a command prints on stdout (the caller frees it). */
static char *command_output(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int c;

    cr_assert(p && m);
    while ((c = fgetc(p)) != EOF)
        fputc(c, m);
    *status = pclose(p);
    fclose(m);
    return buf;
}

/*
 * `ripple sensitivity` reads the inputs from the file's uncertain: block
 * and its seed and confidence from the scenario, and prints what the
 * library computes for them, byte for byte.
 */
Test(sensitivity, the_command_prints_what_the_library_computes)
{
    struct rp_sensitivity_opts o = ban_opts(RP_SENS_SOBOL, 64);
    struct rp_sensitivity s;
    char *lib = NULL;
    size_t len = 0;
    int status;

    char *cli = command_output(
        "cd " RP_SOURCE_DIR "/tests/data && " RP_BINARY_DIR "/ripple "
        "sensitivity sensitivity-ban-uncertain.yaml --samples 64 -n 1 -q "
        "--format json", &status);
    cr_assert_eq(status, 0, "ripple sensitivity failed");
    o.file = RP_SOURCE_DIR "/tests/data/sensitivity-ban-uncertain.yaml";
    o.replications = 1;
    o.seed = 5;                         /* the scenario's */
    o.boot.resamples = 500;             /* the command's */
    run_or_fail(&s, &o);
    FILE *f = open_memstream(&lib, &len);
    rp_sensitivity_json(f, &s);
    fputc('\n', f);
    fclose(f);
    cr_assert_str_eq(cli, lib);
    free(cli);
    free(lib);
    rp_sensitivity_release(&s);
}
