/*
 * test_sensitivity.c - Sobol indices and Morris effects against exact
 * answers on functions written out here, and the quantile functions the
 * designs use. The stock-against-a-ban case, in closed form and on the
 * simulator, is in test_sensitivity_ban.c.
 *
 * Sobol estimates must lie within 4 bootstrap standard errors of the exact
 * index (about 20 checks; 4 SE keeps a false alarm rare), and each standard
 * error must be below a bound, so that a test cannot pass by being vague.
 * The bootstrap treats the rows as independent; the rows of a Sobol
 * sequence are better spread than that, so the SE overstates the error and
 * the check errs on the safe side. Exact indices come from the literature
 * (Ishigami) and from the variances of an additive model. Morris effects
 * of linear and inert inputs are exact, so they are checked to rounding.
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

#define PI 3.14159265358979323846  /* M_PI is not C11 */

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
