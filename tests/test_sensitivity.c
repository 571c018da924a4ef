/*
 * test_sensitivity.c - Sobol indices and Morris effects against exact
 * answers.
 *
 * Sobol estimates must lie within 4 bootstrap standard errors of the exact
 * index (about 20 checks; 4 SE keeps a false alarm rare), and each standard
 * error must be below a bound, so that a test cannot pass by being vague.
 * The bootstrap treats the rows as independent; the rows of a Sobol
 * sequence are better spread than that, so the SE overstates the error and
 * the check errs on the safe side. Exact indices come from the literature
 * (Ishigami), from the variances of an additive model, and from GSL
 * quadrature for lost demand max(0, D - C). Morris effects of linear and
 * inert inputs are exact, so they are checked to rounding.
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

#define PI 3.14159265358979323846  /* M_PI is not C11 */
#define NSE 4.0                     /* tolerance in bootstrap SEs */

static const struct rp_sens_boot boot = { 400, 0.95, 20240801 };

static void no_gsl_abort(void)
{
    gsl_set_error_handler_off();        /* statuses are asserted instead */
}

TestSuite(sensitivity, .init = no_gsl_abort);

static struct rp_dist dist(enum rp_dist_kind kind, double a, double b,
                           double c)
{
    return (struct rp_dist){ .kind = kind, .a = a, .b = b, .c = c };
}

typedef double (*model_fn)(const double *x);

/* y[row] = f(x of row) for every row of d; the caller frees y. */
static double *evaluate(const struct rp_sens_design *d, model_fn f)
{
    double *y = rp_xmalloc(d->rows * sizeof *y);
    for (size_t r = 0; r < d->rows; r++)
        y[r] = f(&d->x[r * d->k]);
    return y;
}

static void expect_index(const char *what, size_t i,
                         const struct rp_sens_est *e, double exact,
                         double max_se)
{
    cr_assert(e->se > 0 && e->se < max_se,
              "%s[%zu]: bootstrap se %g is not in (0, %g)", what, i, e->se,
              max_se);
    cr_assert(fabs(e->mean - exact) <= NSE * e->se,
              "%s[%zu] = %g, exact %g, more than %g se (se %g)", what, i,
              e->mean, exact, NSE, e->se);
    cr_assert(e->lo <= e->mean && e->mean <= e->hi,
              "%s[%zu]: estimate %g outside its interval [%g, %g]", what, i,
              e->mean, e->lo, e->hi);
}

/* ------------------------------------------------------------ Ishigami */

#define ISHIGAMI_A 7.0
#define ISHIGAMI_B 0.1

static double ishigami(const double *x)
{
    double s2 = sin(x[1]);
    return sin(x[0]) + ISHIGAMI_A * s2 * s2 +
           ISHIGAMI_B * pow(x[2], 4) * sin(x[0]);
}

/*
 * Exact partial variances (Ishigami and Homma 1990; Sobol' and Levitan
 * 1999): V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0,
 * V13 = b^2 pi^8 (1/18 - 1/50), V = V1 + V2 + V13.
 */
static void ishigami_exact(double s1[3], double st[3])
{
    double a = ISHIGAMI_A, b = ISHIGAMI_B, p4 = pow(PI, 4), p8 = pow(PI, 8);
    double v1 = 0.5 * (1 + b * p4 / 5) * (1 + b * p4 / 5);
    double v2 = a * a / 8;
    double v13 = b * b * p8 * (1.0 / 18 - 1.0 / 50);
    double v = v1 + v2 + v13;

    s1[0] = v1 / v;
    s1[1] = v2 / v;
    s1[2] = 0;
    st[0] = (v1 + v13) / v;
    st[1] = v2 / v;
    st[2] = v13 / v;
}

Test(sensitivity, ishigami_exact_values_match_the_literature)
{
    double s1[3], st[3];
    const double want_s1[3] = { 0.3139, 0.4424, 0 };
    const double want_st[3] = { 0.5576, 0.4424, 0.2437 };

    ishigami_exact(s1, st);
    for (int i = 0; i < 3; i++) {
        cr_assert(fabs(s1[i] - want_s1[i]) < 5e-5, "S1[%d] = %.6f", i, s1[i]);
        cr_assert(fabs(st[i] - want_st[i]) < 5e-5, "ST[%d] = %.6f", i, st[i]);
    }
}

Test(sensitivity, sobol_recovers_the_ishigami_indices)
{
    struct rp_sens_input in[3];
    struct rp_sens_design d;
    struct rp_sens_est s1[3], st[3];
    double e1[3], et[3];
    char msg[256];

    for (int i = 0; i < 3; i++)
        in[i] = (struct rp_sens_input){ .path = "x", .dist = dist(RP_DIST_UNIFORM, -PI, PI, 0) };
    cr_assert_eq(rp_sens_design_sobol(&d, in, 3, 1 << 14, msg, sizeof msg), 0,
                 "%s", msg);
    cr_assert_eq(d.rows, (size_t)(1 << 14) * 5);
    double *y = evaluate(&d, ishigami);
    rp_sens_sobol(&d, y, 1, &boot, s1, st);
    ishigami_exact(e1, et);
    for (size_t i = 0; i < 3; i++) {
        cr_log_info("ishigami S1[%zu] = %.4f [%.4f, %.4f] se %.4f (exact %.4f)"
                    "  ST = %.4f [%.4f, %.4f] se %.4f (exact %.4f)", i,
                    s1[i].mean, s1[i].lo, s1[i].hi, s1[i].se, e1[i],
                    st[i].mean, st[i].lo, st[i].hi, st[i].se, et[i]);
        expect_index("S1", i, &s1[i], e1[i], 0.02);
        expect_index("ST", i, &st[i], et[i], 0.02);
    }
    free(y);
    rp_sens_design_release(&d);
}

Test(sensitivity, bootstrap_intervals_repeat_exactly)
{
    struct rp_sens_input in[3];
    struct rp_sens_design d;
    struct rp_sens_est a1[3], at[3], b1[3], bt[3];
    char msg[256];

    for (int i = 0; i < 3; i++)
        in[i] = (struct rp_sens_input){ .path = "x", .dist = dist(RP_DIST_UNIFORM, -PI, PI, 0) };
    cr_assert_eq(rp_sens_design_sobol(&d, in, 3, 256, msg, sizeof msg), 0);
    double *y = evaluate(&d, ishigami);
    rp_sens_sobol(&d, y, 1, &boot, a1, at);
    rp_sens_sobol(&d, y, 1, &boot, b1, bt);
    cr_assert(!memcmp(a1, b1, sizeof a1) && !memcmp(at, bt, sizeof at));
    struct rp_sens_boot other = boot;
    other.seed++;
    rp_sens_sobol(&d, y, 1, &other, b1, bt);
    cr_assert_eq(a1[0].mean, b1[0].mean, "the estimate uses no resampling");
    cr_assert_neq(a1[0].lo, b1[0].lo, "another seed gave the same resamples");
    free(y);
    rp_sens_design_release(&d);
}

/* ------------------------------------------------------------ additive */

static const double lin_c[3] = { 2, 1, -3 };

static double linear(const double *x)
{
    return lin_c[0] * x[0] + lin_c[1] * x[1] + lin_c[2] * x[2];
}

Test(sensitivity, additive_model_has_s1_equal_st_equal_variance_shares)
{
    struct rp_sens_input in[3] = {
        { .path = "u", .dist = dist(RP_DIST_UNIFORM, 0, 4, 0) },        /* var 16/12 */
        { .path = "t", .dist = dist(RP_DIST_TRIANGULAR, 0, 1, 5) },     /* var 21/18 */
        { .path = "e", .dist = dist(RP_DIST_EXPONENTIAL, 0.5, 0, 0) },  /* var 1/4 */
    };
    const double var[3] = { 16.0 / 12, 21.0 / 18, 0.25 };
    double total = 0;
    struct rp_sens_design d;
    struct rp_sens_est s1[3], st[3];
    char msg[256];

    for (int i = 0; i < 3; i++)
        total += lin_c[i] * lin_c[i] * var[i];
    cr_assert_eq(rp_sens_design_sobol(&d, in, 3, 1 << 13, msg, sizeof msg), 0);
    double *y = evaluate(&d, linear);
    rp_sens_sobol(&d, y, 1, &boot, s1, st);
    for (size_t i = 0; i < 3; i++) {
        double exact = lin_c[i] * lin_c[i] * var[i] / total;
        expect_index("S1", i, &s1[i], exact, 0.02);
        expect_index("ST", i, &st[i], exact, 0.02);
    }
    free(y);
    rp_sens_design_release(&d);
}

Test(sensitivity, constant_output_has_undefined_indices)
{
    struct rp_sens_input in[2] = {
        { .path = "a", .dist = dist(RP_DIST_UNIFORM, 0, 1, 0) },
        { .path = "b", .dist = dist(RP_DIST_UNIFORM, 0, 1, 0) },
    };
    struct rp_sens_design d;
    struct rp_sens_est s1[2], st[2];
    char msg[256];

    cr_assert_eq(rp_sens_design_sobol(&d, in, 2, 64, msg, sizeof msg), 0);
    double *y = rp_xcalloc(d.rows, sizeof *y);
    rp_sens_sobol(&d, y, 1, &boot, s1, st);
    cr_assert(isnan(s1[0].mean) && isnan(st[1].mean) && isnan(st[1].lo));
    free(y);
    rp_sens_design_release(&d);
}

Test(sensitivity, sobol_names_the_dimension_limit)
{
    struct rp_sens_input in[RP_SOBOL_MAX_INPUTS + 1];
    struct rp_sens_design d;
    char msg[256];

    for (size_t i = 0; i <= RP_SOBOL_MAX_INPUTS; i++)
        in[i] = (struct rp_sens_input){ .path = "x", .dist = dist(RP_DIST_UNIFORM, 0, 1, 0) };
    cr_assert_eq(rp_sens_design_sobol(&d, in, RP_SOBOL_MAX_INPUTS, 4, msg,
                                      sizeof msg), 0);
    rp_sens_design_release(&d);
    cr_assert_eq(rp_sens_design_sobol(&d, in, RP_SOBOL_MAX_INPUTS + 1, 4, msg,
                                      sizeof msg), -1);
    cr_assert_str_eq(msg, "sobol needs 2k = 42 dimensions but GSL's Sobol "
                     "sequence has at most 40: at most 20 uncertain inputs, "
                     "not 21 (use --method morris)");
    in[0].dist = rp_dist_const(3);
    in[0].path = "nodes.a.make.time";
    cr_assert_eq(rp_sens_design_sobol(&d, in, 1, 4, msg, sizeof msg), -1);
    cr_assert_str_eq(msg, "uncertain input nodes.a.make.time is constant, "
                     "not a distribution");
}

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

/* ------------------------------------------------------------ Morris */

static const double mor_c[3] = { 3, -0.5, 0 };

static double linear_inert(const double *x)
{
    return mor_c[0] * x[0] + mor_c[1] * x[1] + mor_c[2] * x[2];
}

static double quadratic_inert(const double *x)
{
    return 3 * x[0] + x[1] * x[1];      /* x[2] does not enter */
}

Test(sensitivity, morris_linear_effects_are_coefficient_times_range)
{
    struct rp_sens_input in[3] = {
        { .path = "a", .dist = dist(RP_DIST_UNIFORM, 1, 5, 0) },
        { .path = "b", .dist = dist(RP_DIST_UNIFORM, 0, 10, 0) },
        { .path = "c", .dist = dist(RP_DIST_UNIFORM, 2, 3, 0) },
    };
    const double range[3] = { 4, 10, 1 };
    struct rp_sens_design d;
    struct rp_sens_est ms[3], mu[3], sd[3];
    char msg[256];

    cr_assert_eq(rp_sens_design_morris(&d, in, 3, 20, 4, 7, msg, sizeof msg),
                 0, "%s", msg);
    double *y = evaluate(&d, linear_inert);
    rp_sens_morris(&d, y, 1, &boot, ms, mu, sd);
    for (size_t i = 0; i < 3; i++) {
        double want = mor_c[i] * range[i];
        cr_assert(fabs(ms[i].mean - fabs(want)) < 1e-12 * (1 + fabs(want)),
                  "mu*[%zu] = %.17g, want %g", i, ms[i].mean, fabs(want));
        cr_assert(fabs(mu[i].mean - want) < 1e-12 * (1 + fabs(want)),
                  "mu[%zu] = %.17g, want %g", i, mu[i].mean, want);
        cr_assert(sd[i].mean < 1e-12 * (1 + fabs(want)), "sigma[%zu] = %g", i,
                  sd[i].mean);
    }
    free(y);
    rp_sens_design_release(&d);
}

Test(sensitivity, morris_inert_input_has_zero_effect)
{
    struct rp_sens_input in[3] = {
        { .path = "a", .dist = dist(RP_DIST_NORMAL, 10, 2, 0) },
        { .path = "b", .dist = dist(RP_DIST_LOGNORMAL, 3, 1, 0) },
        { .path = "c", .dist = dist(RP_DIST_GAMMA, 2, 3, 0) },
    };
    struct rp_sens_design d;
    struct rp_sens_est ms[3], mu[3], sd[3];
    char msg[256];

    cr_assert_eq(rp_sens_design_morris(&d, in, 3, 30, 6, 11, msg, sizeof msg),
                 0, "%s", msg);
    double *y = evaluate(&d, quadratic_inert);
    rp_sens_morris(&d, y, 1, &boot, ms, mu, sd);
    cr_assert_eq(ms[2].mean, 0.0);
    cr_assert_eq(sd[2].mean, 0.0);
    cr_assert_eq(ms[2].hi, 0.0);
    cr_assert(ms[0].mean > 0 && ms[1].mean > 0);
    free(y);
    rp_sens_design_release(&d);
}

Test(sensitivity, morris_design_moves_each_input_once_by_half)
{
    struct rp_sens_input in[4];
    struct rp_sens_design d, e;
    char msg[256];

    for (int i = 0; i < 4; i++)
        in[i] = (struct rp_sens_input){ .path = "x", .dist = dist(RP_DIST_UNIFORM, 0, 1, 0) };
    cr_assert_eq(rp_sens_design_morris(&d, in, 4, 50, 4, 3, msg, sizeof msg), 0);
    cr_assert_eq(d.rows, 50u * 5);
    for (size_t t = 0; t < 50; t++) {
        int seen[4] = { 0 };
        for (size_t m = 0; m <= 4; m++) {
            const double *u = &d.u[(t * 5 + m) * 4];
            for (int i = 0; i < 4; i++) {
                double l = u[i] * 4 - 0.5;      /* level 0..3 */
                cr_assert(l == floor(l) && l >= 0 && l <= 3, "u = %g", u[i]);
            }
            if (m == 0)
                continue;
            const double *prev = u - 4;
            for (int i = 0; i < 4; i++)
                if (u[i] != prev[i]) {
                    cr_assert_eq(fabs(u[i] - prev[i]), 0.5);
                    seen[i]++;
                }
        }
        for (int i = 0; i < 4; i++)
            cr_assert_eq(seen[i], 1, "trajectory %zu moved input %d %d times",
                         t, i, seen[i]);
    }
    cr_assert_eq(rp_sens_design_morris(&e, in, 4, 50, 4, 3, msg, sizeof msg), 0);
    cr_assert(!memcmp(d.u, e.u, d.rows * 4 * sizeof *d.u), "same seed, other design");
    rp_sens_design_release(&e);
    cr_assert_eq(rp_sens_design_morris(&e, in, 4, 50, 4, 4, msg, sizeof msg), 0);
    cr_assert(memcmp(d.u, e.u, d.rows * 4 * sizeof *d.u), "seed ignored");
    rp_sens_design_release(&e);
    rp_sens_design_release(&d);
    cr_assert_eq(rp_sens_design_morris(&d, in, 4, 50, 5, 3, msg, sizeof msg), -1);
    cr_assert_str_eq(msg, "morris levels must be an even number from 2 to "
                     "1000, not 5");
}

/* ------------------------------------------------------------ quantiles */

Test(sensitivity, quantiles_invert_the_cdfs)
{
    const double us[] = { 1e-9, 0.01, 0.3, 0.5, 0.77, 0.999 };
    struct rp_dist e = dist(RP_DIST_EXPONENTIAL, 2, 0, 0);
    struct rp_dist g = dist(RP_DIST_GAMMA, 2.5, 3, 0);
    struct rp_dist w = dist(RP_DIST_WEIBULL, 1.5, 4, 0);
    struct rp_dist t = dist(RP_DIST_TRIANGULAR, 1, 2, 5);
    struct rp_dist n = dist(RP_DIST_NORMAL, 1, 2, 0);      /* truncated at 0 */
    struct rp_dist l = dist(RP_DIST_LOGNORMAL, 3, 1, 0);
    double sigma2 = log1p(1.0 / 9);

    for (size_t j = 0; j < sizeof us / sizeof *us; j++) {
        double u = us[j], x;
        x = rp_dist_quantile(&e, u);
        cr_assert(fabs(gsl_cdf_exponential_P(x, 2) - u) < 1e-9 * (1 + u));
        x = rp_dist_quantile(&g, u);
        cr_assert(fabs(gsl_cdf_gamma_P(x, 2.5, 3) - u) < 1e-9);
        x = rp_dist_quantile(&w, u);
        cr_assert(fabs(gsl_cdf_weibull_P(x, 4, 1.5) - u) < 1e-9);
        x = rp_dist_quantile(&t, u);
        double ft = x < 2 ? (x - 1) * (x - 1) / (4 * 1)
                          : 1 - (5 - x) * (5 - x) / (4 * 3);
        cr_assert(fabs(ft - u) < 1e-9, "triangular F(%g) = %g, not %g", x, ft, u);
        x = rp_dist_quantile(&n, u);
        double p0 = gsl_cdf_gaussian_P(-1, 2);
        cr_assert(fabs((gsl_cdf_gaussian_P(x - 1, 2) - p0) / (1 - p0) - u) < 1e-9);
        x = rp_dist_quantile(&l, u);
        cr_assert(fabs(gsl_cdf_lognormal_P(x, log(3) - sigma2 / 2,
                                           sqrt(sigma2)) - u) < 1e-9);
    }
    struct rp_dist geo = dist(RP_DIST_GEOMETRIC, 4, 0, 0);  /* p = 1/4 */
    cr_assert_eq(rp_dist_quantile(&geo, 0.25), 1);          /* F(1) = 0.25 */
    cr_assert_eq(rp_dist_quantile(&geo, 0.2501), 2);
    cr_assert_eq(rp_dist_quantile(&geo, 0.4375), 2);        /* F(2) */
    const double vals[] = { 30, 10, 20 }, wts[] = { 1, 2, 1 };
    struct rp_dist emp = { .kind = RP_DIST_EMPIRICAL, .n = 3, .values = vals,
                           .weights = wts };
    cr_assert_eq(rp_dist_quantile(&emp, 0.5), 10);
    cr_assert_eq(rp_dist_quantile(&emp, 0.51), 20);
    cr_assert_eq(rp_dist_quantile(&emp, 0.76), 30);
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

/* ------------------------------------- uncertain inputs in a plain run */

#include "ripple/batch.h"
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

/* ------------------------------------------------------------ tornado */

#include "ripple/plot_sensitivity.h"

TestSuite(tornado);

/*
 * Three inputs with known total indices (b 0.7 > c 0.4 > a 0.1) for the
 * group's unmet; its starved never varied (null indices); a metric the
 * page does not plot (demand) is left out. The figure lists b on top
 * (gnuplot's y counts upwards: the largest y), then c, then a; the page
 * tables them in that order; starved gets no figure.
 */
static const char tornado_json[] =
    "{\"method\": \"sobol\", \"inputs\": [\"a\", \"b\", \"c\"],\n"
    " \"groups\": {\"g\": {\"x\": {\n"
    "  \"unmet\": {\n"
    "   \"a\": {\"S1\": {\"mean\": 0.05, \"ci\": [0, 0.1]}, \"ST\": {\"mean\": 0.1, \"ci\": [0.05, 0.15]}},\n"
    "   \"b\": {\"S1\": {\"mean\": 0.6, \"ci\": [0.5, 0.7]}, \"ST\": {\"mean\": 0.7, \"ci\": [0.6, 0.8]}},\n"
    "   \"c\": {\"S1\": {\"mean\": 0.3, \"ci\": [0.2, 0.4]}, \"ST\": {\"mean\": 0.4, \"ci\": [0.3, 0.5]}}},\n"
    "  \"starved\": {\n"
    "   \"a\": {\"S1\": {\"mean\": null, \"ci\": [null, null]}, \"ST\": {\"mean\": null, \"ci\": [null, null]}},\n"
    "   \"b\": {\"S1\": {\"mean\": null, \"ci\": [null, null]}, \"ST\": {\"mean\": null, \"ci\": [null, null]}},\n"
    "   \"c\": {\"S1\": {\"mean\": null, \"ci\": [null, null]}, \"ST\": {\"mean\": null, \"ci\": [null, null]}}},\n"
    "  \"demand\": {\n"
    "   \"a\": {\"S1\": {\"mean\": 0.5, \"ci\": [0, 1]}, \"ST\": {\"mean\": 0.5, \"ci\": [0, 1]}},\n"
    "   \"b\": {\"S1\": {\"mean\": 0.5, \"ci\": [0, 1]}, \"ST\": {\"mean\": 0.5, \"ci\": [0, 1]}},\n"
    "   \"c\": {\"S1\": {\"mean\": 0.5, \"ci\": [0, 1]}, \"ST\": {\"mean\": 0.5, \"ci\": [0, 1]}}}\n"
    " }}}}\n";

static char *tornado_slurp(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

static bool gnuplot_on_path(void)
{
    return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

Test(tornado, inputs_are_ranked_by_total_index_largest_on_top)
{
    char dir[] = "/tmp/rp_test_tornado_XXXXXX", path[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sensitivity.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(tornado_json, f);
    fclose(f);
    cr_assert_eq(rp_plot_sensitivity(dir), 0);

    char *html = tornado_slurp(dir, "sensitivity.html");
    cr_assert_not_null(html);
    const char *b = strstr(html, "<td>b</td>"), *c = strstr(html, "<td>c</td>"),
               *a = strstr(html, "<td>a</td>");
    cr_assert(a && b && c, "an input is missing from the table");
    cr_expect(b < c && c < a, "the table is not ranked by ST");
    cr_expect_null(strstr(html, "starved"), "an output that never varied got a figure");
    cr_expect_null(strstr(html, "demand"), "an output the page does not plot is there");

    if (gnuplot_on_path()) {
        char *gp = tornado_slurp(dir, "sensitivity.gp");
        cr_assert_not_null(gp);
        /* data rows: "label" y ST lo hi S1 lo hi */
        cr_expect_not_null(strstr(gp, "\"b\" 2 0.7 0.6 0.8 0.6 0.5 0.7\n"), "%s", gp);
        cr_expect_not_null(strstr(gp, "\"c\" 1 0.4 0.3 0.5 0.3 0.2 0.4\n"));
        cr_expect_not_null(strstr(gp, "\"a\" 0 0.1 0.05 0.15 0.05 0 0.1\n"));
        char *svg = tornado_slurp(dir, "tornado-g-x-unmet.svg");
        cr_assert_not_null(svg, "gnuplot drew no figure");
        cr_expect_not_null(strstr(svg, "<svg"));
        cr_expect_not_null(strstr(html, "<svg"), "the figure is not inlined");
        cr_expect_null(tornado_slurp(dir, "tornado-g-x-starved.svg"));
        free(svg);
        free(gp);
    }
    free(html);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(tornado, a_file_that_is_not_a_sensitivity_result_is_refused)
{
    char dir[] = "/tmp/rp_test_tornado_XXXXXX", path[512];
    cr_assert_not_null(mkdtemp(dir));
    cr_expect_eq(rp_plot_sensitivity(dir), -1, "no sensitivity.json at all");
    snprintf(path, sizeof path, "%s/sensitivity.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"ripple\": 1, \"groups\": {}}\n", f);
    fclose(f);
    cr_expect_eq(rp_plot_sensitivity(dir), -1, "a summary is not a sensitivity result");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}
