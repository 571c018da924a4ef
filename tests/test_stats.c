/*
 * test_stats.c - accumulators, summaries and intervals against hand
 * computations, printed t tables and GSL's own batch statistics.
 */
#include <criterion/criterion.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "ripple/stats.h"

static void assert_near(double got, double want, double tol, const char *what)
{
    cr_assert(fabs(got - want) <= tol, "%s: got %.17g, want %.17g +- %g",
              what, got, want, tol);
}

/* Summary of the given values, accumulated in mode. */
static struct rp_summary summary_of(const double *x, size_t n,
                                    enum rp_acc_mode mode, double conf)
{
    struct rp_acc a;
    struct rp_summary s;

    rp_acc_init(&a, mode);
    for (size_t i = 0; i < n; i++)
        rp_acc_add(&a, x[i]);
    rp_acc_summarize(&a, conf, &s);
    rp_acc_release(&a);
    return s;
}

Test(stats, one_to_hundred_exact_matches_hand_and_gsl)
{
    double x[100];
    for (int i = 0; i < 100; i++)
        x[i] = i + 1;
    struct rp_summary s = summary_of(x, 100, RP_ACC_EXACT, 0.95);

    cr_assert_eq(s.n, 100);
    cr_assert(s.exact);
    assert_near(s.mean, 50.5, 1e-12, "mean");
    assert_near(s.mean, gsl_stats_mean(x, 1, 100), 1e-12, "mean vs gsl");
    /* sample sd of 1..n is sqrt(n (n + 1) / 12) */
    assert_near(s.sd, sqrt(100.0 * 101 / 12), 1e-12, "sd");
    assert_near(s.sd, gsl_stats_sd(x, 1, 100), 1e-12, "sd vs gsl");
    assert_near(s.se, s.sd / 10, 1e-14, "se");
    /* type 7: h = p (n - 1); p05: h = 4.95 -> 5 + 0.95 */
    assert_near(s.p05, 5.95, 1e-12, "p05");
    assert_near(s.p50, 50.5, 1e-12, "p50");
    assert_near(s.p95, 95.05, 1e-12, "p95");
    cr_assert_eq(s.min, 1);
    cr_assert_eq(s.max, 100);
    /* 0.05 n = 5 values in the tail: mean of 96..100 */
    assert_near(s.cvar95, 98, 1e-12, "cvar95");
    cr_assert_eq(s.p_pos, 1);
}

Test(stats, exact_quantiles_match_gsl_on_a_random_sample)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    double x[537], sorted[537];
    for (size_t i = 0; i < 537; i++)
        x[i] = sorted[i] = gsl_ran_lognormal(r, 1, 0.8);
    gsl_rng_free(r);
    gsl_sort(sorted, 1, 537);

    struct rp_summary s = summary_of(x, 537, RP_ACC_EXACT, 0.9);
    cr_assert_eq(s.p05, gsl_stats_quantile_from_sorted_data(sorted, 1, 537,
                                                            0.05));
    cr_assert_eq(s.p50, gsl_stats_quantile_from_sorted_data(sorted, 1, 537,
                                                            0.5));
    cr_assert_eq(s.p95, gsl_stats_quantile_from_sorted_data(sorted, 1, 537,
                                                            0.95));
    cr_assert_eq(s.min, sorted[0]);
    cr_assert_eq(s.max, sorted[536]);
    assert_near(s.sd, gsl_stats_sd(x, 1, 537), 1e-12 * s.sd, "sd vs gsl");
}

Test(stats, cvar_of_a_small_sample_by_hand)
{
    /* n = 30, 0.05 n = 1.5: all of x_(30) and half of x_(29), over 1.5 */
    double x[30];
    for (int i = 0; i < 30; i++)
        x[i] = 30 - i;          /* arrival order must not matter */
    struct rp_summary s = summary_of(x, 30, RP_ACC_EXACT, 0.95);
    assert_near(s.cvar95, (30 + 0.5 * 29) / 1.5, 1e-12, "cvar95 of 1..30");

    /*
     * n = 10, 0.05 n = 0.5 < 1: the worst 5% lies within the largest value,
     * so cvar is the maximum. (The type 7 p95, 7.75, put into the
     * Rockafellar-Uryasev formula would give 7.75 + 2.25 / 0.5 = 12.25.)
     */
    double y[10] = { 0, 0, 0, 10, 2, 0, 5, 0, 1, 3 };
    s = summary_of(y, 10, RP_ACC_EXACT, 0.95);
    assert_near(s.p95, 7.75, 1e-12, "p95 of the small sample");
    cr_assert_eq(s.cvar95, 10);
    assert_near(s.p_pos, 0.5, 0, "p_pos");

    /* n = 40, 0.05 n = 2: mean of the two largest */
    double z[40];
    for (int i = 0; i < 40; i++)
        z[i] = i * i;
    s = summary_of(z, 40, RP_ACC_EXACT, 0.95);
    assert_near(s.cvar95, (38.0 * 38 + 39 * 39) / 2, 1e-9, "cvar95 of i^2");
}

Test(stats, t_interval_matches_printed_tables)
{
    /* t_{0.975,9} = 2.262157, t_{0.995,9} = 3.249836, t_{0.975,1} = 12.7062 */
    assert_near(rp_t_halfwidth(1, 10, 0.95) * sqrt(10), 2.262157, 1e-6,
                "t_{0.975,9}");
    assert_near(rp_t_halfwidth(1, 10, 0.99) * sqrt(10), 3.249836, 1e-6,
                "t_{0.995,9}");
    assert_near(rp_t_halfwidth(1, 2, 0.95) * sqrt(2), 12.7062, 1e-4,
                "t_{0.975,1}");
    cr_assert_eq(rp_t_halfwidth(0, 10, 0.95), 0);
    cr_assert(isnan(rp_t_halfwidth(1, 1, 0.95)));
    cr_assert(isnan(rp_t_halfwidth(1, 0, 0.95)));

    /* 1..10: mean 5.5, sd sqrt(110 / 12) */
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = i + 1;
    struct rp_summary s = summary_of(x, 10, RP_ACC_EXACT, 0.95);
    double hw = 2.262157 * sqrt(110.0 / 12) / sqrt(10);
    assert_near(s.hw, hw, 1e-5, "hw");
    assert_near(s.ci_lo, 5.5 - hw, 1e-5, "ci_lo");
    assert_near(s.ci_hi, 5.5 + hw, 1e-5, "ci_hi");
}

Test(stats, p_pos_counts_strictly_positive_values)
{
    double x[] = { 0, -0.0, 1.5, -2, 3 };
    struct rp_summary e = summary_of(x, 5, RP_ACC_EXACT, 0.95);
    struct rp_summary s = summary_of(x, 5, RP_ACC_STREAM, 0.95);
    cr_assert_eq(e.p_pos, 0.4);
    cr_assert_eq(s.p_pos, 0.4);
}

Test(stats, empty_and_single_value_summaries)
{
    struct rp_summary s = summary_of(NULL, 0, RP_ACC_EXACT, 0.95);
    cr_assert_eq(s.n, 0);
    cr_assert(isnan(s.mean) && isnan(s.sd) && isnan(s.ci_lo));
    cr_assert(isnan(s.p50) && isnan(s.min) && isnan(s.cvar95));
    cr_assert(isnan(s.p_pos));

    double one = 4.25;
    for (int m = RP_ACC_EXACT; m <= RP_ACC_STREAM; m++) {
        s = summary_of(&one, 1, (enum rp_acc_mode)m, 0.95);
        cr_assert_eq(s.n, 1);
        cr_assert_eq(s.mean, 4.25);
        cr_assert(isnan(s.sd) && isnan(s.se) && isnan(s.hw));
        cr_assert(isnan(s.ci_lo) && isnan(s.ci_hi));
        cr_assert_eq(s.min, 4.25);
        cr_assert_eq(s.max, 4.25);
        cr_assert_eq(s.p05, 4.25);
        cr_assert_eq(s.p50, 4.25);
        cr_assert_eq(s.p95, 4.25);
        cr_assert_eq(s.cvar95, 4.25, "mode %d: cvar95 %g", m, s.cvar95);
    }
}

Test(stats, modes_agree_bit_for_bit_on_moments_and_extremes)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    struct rp_acc e, s;
    rp_acc_init(&e, RP_ACC_EXACT);
    rp_acc_init(&s, RP_ACC_STREAM);
    for (int i = 0; i < 5000; i++) {
        double x = gsl_ran_gamma(r, 0.5, 3) - 1;
        rp_acc_add(&e, x);
        rp_acc_add(&s, x);
    }
    gsl_rng_free(r);

    struct rp_summary se, ss;
    rp_acc_summarize(&e, 0.95, &se);
    rp_acc_summarize(&s, 0.95, &ss);
    cr_assert_not(ss.exact);
    cr_assert_eq(memcmp(&se.mean, &ss.mean, sizeof se.mean), 0);
    cr_assert_eq(memcmp(&se.sd, &ss.sd, sizeof se.sd), 0);
    cr_assert_eq(memcmp(&se.hw, &ss.hw, sizeof se.hw), 0);
    cr_assert_eq(memcmp(&se.min, &ss.min, sizeof se.min), 0);
    cr_assert_eq(memcmp(&se.max, &ss.max, sizeof se.max), 0);
    cr_assert_eq(se.p_pos, ss.p_pos);
    /* and the quantiles do differ: STREAM did not secretly keep values */
    cr_assert(se.p50 != ss.p50 || se.p05 != ss.p05 || se.p95 != ss.p95);
    cr_assert_null(s.x);
    cr_assert_eq(e.len, 5000);
    rp_acc_release(&e);
    rp_acc_release(&s);
}

Test(stats, stream_is_exact_up_to_five_values)
{
    double x[] = { 3, 1, 2, 9, 4 };
    for (size_t n = 1; n <= 5; n++) {
        struct rp_summary e = summary_of(x, n, RP_ACC_EXACT, 0.95);
        struct rp_summary s = summary_of(x, n, RP_ACC_STREAM, 0.95);
        cr_assert_eq(s.p05, e.p05, "n = %zu", n);
        cr_assert_eq(s.p50, e.p50, "n = %zu", n);
        cr_assert_eq(s.p95, e.p95, "n = %zu", n);
    }
}

/* Interim summaries must leave no trace in the final one. */
Test(stats, summarize_does_not_change_later_results)
{
    for (int m = RP_ACC_EXACT; m <= RP_ACC_STREAM; m++) {
        struct rp_acc a, b;
        struct rp_summary sa, sb;
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(r, 3);
        rp_acc_init(&a, (enum rp_acc_mode)m);
        rp_acc_init(&b, (enum rp_acc_mode)m);
        for (int i = 0; i < 300; i++) {
            double x = gsl_rng_uniform(r);
            rp_acc_add(&a, x);
            rp_acc_add(&b, x);
            if (i == 2 || i == 4 || i == 50)
                rp_acc_summarize(&a, 0.95, &sa);
        }
        gsl_rng_free(r);
        rp_acc_summarize(&a, 0.95, &sa);
        rp_acc_summarize(&b, 0.95, &sb);
        cr_assert_eq(memcmp(&sa, &sb, offsetof(struct rp_summary, exact)), 0,
                     "mode %d", m);
        rp_acc_release(&a);
        rp_acc_release(&b);
    }
}

/*
 * P-square on n = 1e5 draws. The sample p-quantile itself has standard error
 * sqrt(p (1 - p) / n) / f(q); P-square adds an error that is small beside
 * it at this n. Tolerances are about 3.5 sample standard errors, plus the
 * same again for P-square's own error where stated.
 */
#define NDRAW 100000

static void draw(gsl_rng *r, int expo, struct rp_acc *e, struct rp_acc *s)
{
    for (int i = 0; i < NDRAW; i++) {
        double x = expo ? gsl_ran_exponential(r, 1) : gsl_rng_uniform(r);
        rp_acc_add(e, x);
        rp_acc_add(s, x);
    }
}

Test(stats, stream_quantiles_of_uniform_draws)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20230606);
    struct rp_acc e, s;
    struct rp_summary se, ss;
    rp_acc_init(&e, RP_ACC_EXACT);
    rp_acc_init(&s, RP_ACC_STREAM);
    draw(r, 0, &e, &s);
    gsl_rng_free(r);
    rp_acc_summarize(&e, 0.95, &se);
    rp_acc_summarize(&s, 0.95, &ss);

    /* se of the sample quantile: 0.00069 at p = 0.05 and 0.95, 0.0016 at 0.5 */
    assert_near(ss.p05, 0.05, 0.005, "p05");
    assert_near(ss.p50, 0.5, 0.006, "p50");
    assert_near(ss.p95, 0.95, 0.005, "p95");
    /*
     * True CVaR95 = 0.975. A linear quantile function makes the trapezoid
     * rule exact, and the max is within ~1e-5 of 1, so only P-square's
     * error remains. The exact estimator's se is about
     * sqrt((var(U | U > v) + 0.95 (E[U | U > v] - v)^2) / (0.05 n))
     * = sqrt((0.05^2 / 12 + 0.95 * 0.025^2) / 5000) = 0.0004.
     */
    assert_near(ss.cvar95, 0.975, 0.003, "stream cvar95");
    assert_near(se.cvar95, 0.975, 0.0015, "exact cvar95");
    rp_acc_release(&e);
    rp_acc_release(&s);
}

Test(stats, stream_quantiles_of_exponential_draws)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    struct rp_acc e, s;
    struct rp_summary se, ss;
    rp_acc_init(&e, RP_ACC_EXACT);
    rp_acc_init(&s, RP_ACC_STREAM);
    draw(r, 1, &e, &s);
    gsl_rng_free(r);
    rp_acc_summarize(&e, 0.95, &se);
    rp_acc_summarize(&s, 0.95, &ss);

    /* q(p) = -ln(1 - p), f(q) = 1 - p */
    /* p50: se = 0.5 / sqrt(n) / 0.5 = 0.0032 */
    assert_near(ss.p50, log(2), 0.01, "p50");
    /* p05: se = sqrt(0.0475 / n) / 0.95 = 0.00073 */
    assert_near(ss.p05, -log(0.95), 0.003, "p05");
    /* p95: se = sqrt(0.0475 / n) / 0.05 = 0.014 */
    assert_near(ss.p95, log(20), 0.05, "p95");
    /* P-square against the sample quantiles of the very same draws */
    assert_near(ss.p50, se.p50, 0.005, "p50 vs exact");
    assert_near(ss.p95, se.p95, 0.025, "p95 vs exact");

    /*
     * True CVaR95 = 1 + ln 20 = 3.9957. The exact estimator's se is
     * sqrt((var(X | X > v) + 0.95 (E[X | X > v] - v)^2) / (0.05 n))
     * = sqrt(1.95 / 5000) = 0.020.
     */
    assert_near(se.cvar95, 1 + log(20), 0.07, "exact cvar95");

    /*
     * The stream estimate is the documented trapezoid: with the true
     * quantiles at the nodes and the observed max at u = 1 it would be
     * the value below; only P-square error (weights at most 0.25 on a node,
     * node se <= 0.045) separates them.
     */
    const double u[] = { 0.95, 0.9625, 0.975, 0.9875, 0.995 };
    double q[6], area = 0;
    for (int i = 0; i < 5; i++)
        q[i] = -log(1 - u[i]);
    q[5] = se.max;
    for (int i = 0; i < 5; i++)
        area += 0.5 * ((i < 4 ? u[i + 1] : 1) - u[i]) * (q[i] + q[i + 1]);
    assert_near(ss.cvar95, area / 0.05, 0.05, "stream cvar95 vs trapezoid");
    /*
     * The max (about ln n + 0.58 = 12.1) stands for the last 0.5% of the
     * tail, where the true mean is 1 + ln 200 = 6.3: biased upwards by
     * about 0.26, 13 standard errors. The header says so.
     */
    cr_assert(ss.cvar95 > se.cvar95 + 0.15, "stream %g, exact %g",
              ss.cvar95, se.cvar95);
    cr_assert(ss.cvar95 < se.cvar95 * 1.10, "stream %g, exact %g",
              ss.cvar95, se.cvar95);
    rp_acc_release(&e);
    rp_acc_release(&s);
}

/* And an accumulator holds no heap before its first value (big networks). */
Test(stats, exact_mode_grows_geometrically)
{
    struct rp_acc a;
    size_t grows = 0, cap = 0;

    rp_acc_init(&a, RP_ACC_EXACT);
    cr_assert_null(a.x);
    cr_assert_null(a.q);
    for (int i = 0; i < 100000; i++) {
        rp_acc_add(&a, i);
        if (a.cap != cap) {
            cr_assert(cap == 0 || a.cap >= 2 * cap);
            cap = a.cap;
            grows++;
        }
    }
    cr_assert_leq(grows, 18);   /* 2^17 > 1e5 */
    rp_acc_release(&a);
}

Test(stats, paired_identical_inputs_give_zero)
{
    struct rp_paired p;
    struct rp_summary s;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);

    rp_paired_init(&p, RP_ACC_EXACT);
    for (int i = 0; i < 200; i++) {
        double x = gsl_ran_exponential(r, 3);
        rp_paired_add(&p, x, x, 1);
    }
    gsl_rng_free(r);
    rp_acc_summarize(&p.diff, 0.95, &s);
    cr_assert_eq(p.n, 200);
    cr_assert_eq(p.better, 0);
    cr_assert_eq(s.mean, 0);
    cr_assert_eq(s.sd, 0);
    cr_assert_eq(s.se, 0);
    cr_assert_eq(s.hw, 0);
    cr_assert_eq(s.ci_lo, 0);
    cr_assert_eq(s.ci_hi, 0);
    cr_assert(rp_precision_reached(&s, 0.01));
    rp_paired_release(&p);
}

Test(stats, paired_counts_strictly_better_replications)
{
    const double base[] = { 5, 5, 5, 5 };
    const double var[] = { 4, 6, 5, 3 };
    struct rp_paired lower, higher;
    struct rp_summary s;

    rp_paired_init(&lower, RP_ACC_STREAM);
    rp_paired_init(&higher, RP_ACC_EXACT);
    for (int i = 0; i < 4; i++) {
        rp_paired_add(&lower, base[i], var[i], 1);
        rp_paired_add(&higher, base[i], var[i], 0);
    }
    cr_assert_eq(lower.better, 2);      /* 4 < 5, 3 < 5; the tie is not */
    cr_assert_eq(higher.better, 1);     /* 6 > 5 */
    rp_acc_summarize(&lower.diff, 0.95, &s);
    cr_assert_eq(s.mean, -0.5);         /* (-1 + 1 + 0 - 2) / 4 */
    rp_paired_release(&lower);
    rp_paired_release(&higher);
}

Test(stats, welch_halfwidth_by_hand)
{
    /* equal n and sd: dof = 2 (n - 1) = 18, t_{0.975,18} = 2.100922 */
    struct rp_summary a = { .n = 10, .sd = 1 }, b = { .n = 10, .sd = 1 };
    assert_near(rp_welch_halfwidth(&a, &b, 0.95), 2.100922 * sqrt(0.2), 1e-6,
                "equal samples");

    /* one exact sample: it is the one-sample interval of the other */
    struct rp_summary c = { .n = 7, .sd = 2.5 }, d = { .n = 30, .sd = 0 };
    assert_near(rp_welch_halfwidth(&c, &d, 0.9), rp_t_halfwidth(2.5, 7, 0.9),
                1e-12, "b exact");

    /*
     * n 10 and 5, sd 2 and 3: va = 0.4, vb = 1.8, dof = 4.84 / (0.16 / 9 +
     * 3.24 / 4) = 5.847; between t_{0.975,5} = 2.570582 and t_{0.975,6} =
     * 2.446912, times sqrt(2.2).
     */
    struct rp_summary e = { .n = 10, .sd = 2 }, f = { .n = 5, .sd = 3 };
    double hw = rp_welch_halfwidth(&e, &f, 0.95);
    cr_assert(hw > 2.446912 * sqrt(2.2) && hw < 2.570582 * sqrt(2.2),
              "hw %g", hw);

    struct rp_summary z = { .n = 4, .sd = 0 };
    cr_assert_eq(rp_welch_halfwidth(&z, &z, 0.95), 0);
    struct rp_summary one = { .n = 1, .sd = NAN };
    cr_assert(isnan(rp_welch_halfwidth(&one, &a, 0.95)));
}

/* What common random numbers buy: a paired interval far narrower. */
Test(stats, paired_interval_beats_welch_on_correlated_pairs)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 9);
    struct rp_acc base, var;
    struct rp_paired p;
    struct rp_summary sb, sv, sd;

    rp_acc_init(&base, RP_ACC_EXACT);
    rp_acc_init(&var, RP_ACC_EXACT);
    rp_paired_init(&p, RP_ACC_EXACT);
    for (int i = 0; i < 500; i++) {
        double common = gsl_ran_exponential(r, 10);
        double b = common, v = common - 1 + gsl_ran_gaussian(r, 0.5);
        rp_acc_add(&base, b);
        rp_acc_add(&var, v);
        rp_paired_add(&p, b, v, 1);
    }
    gsl_rng_free(r);
    rp_acc_summarize(&base, 0.95, &sb);
    rp_acc_summarize(&var, 0.95, &sv);
    rp_acc_summarize(&p.diff, 0.95, &sd);
    /* sd of diffs 0.5 against sd 10 of each: Welch near 1.24, paired 0.044 */
    cr_assert(sd.hw * 10 < rp_welch_halfwidth(&sb, &sv, 0.95));
    assert_near(sd.mean, -1, 4 * 0.5 / sqrt(500), "paired mean");
    cr_assert_gt(p.better, 450);        /* P(N(-1, 0.5) < 0) = 0.977 */
    rp_acc_release(&base);
    rp_acc_release(&var);
    rp_paired_release(&p);
}

Test(stats, precision_reached)
{
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = i + 1;
    struct rp_summary s = summary_of(x, 10, RP_ACC_EXACT, 0.95);
    /* hw = 2.16585, mean 5.5: relative 0.3938 */
    cr_assert(rp_precision_reached(&s, 0.40));
    cr_assert_not(rp_precision_reached(&s, 0.39));

    s = summary_of(x, 1, RP_ACC_EXACT, 0.95);
    cr_assert_not(rp_precision_reached(&s, 1e9));

    double zero_mean[] = { -1, 1, -1, 1 };
    s = summary_of(zero_mean, 4, RP_ACC_EXACT, 0.95);
    cr_assert_eq(s.mean, 0);
    cr_assert_not(rp_precision_reached(&s, 1e9));
}

static const char *fmt(double x)
{
    static char buf[RP_FMT_DOUBLE_CAP];
    rp_fmt_double(buf, sizeof buf, x);
    return buf;
}

Test(stats, fmt_double_prints_shortest_exact_form)
{
    cr_assert_str_eq(fmt(0.1), "0.1");
    cr_assert_str_eq(fmt(100), "100");
    cr_assert_str_eq(fmt(1.0 / 3), "0.3333333333333333");      /* 16 */
    cr_assert_str_eq(fmt(0.1 + 0.2), "0.30000000000000004");   /* 17 */
    cr_assert_str_eq(fmt(1e300), "1e+300");
    cr_assert_str_eq(fmt(-0.0), "-0");
    cr_assert_str_eq(fmt(0.0), "0");
    cr_assert_str_eq(fmt(NAN), "null");
    cr_assert_str_eq(fmt(INFINITY), "null");
    cr_assert_str_eq(fmt(-INFINITY), "null");
    cr_assert_str_eq(fmt(DBL_MAX), "1.7976931348623157e+308");
    cr_assert_str_eq(fmt(5e-324), "4.94065645841247e-324");  /* 15 do */

    char small[4];
    cr_assert_eq(rp_fmt_double(small, sizeof small, 12345.5), 7);
    cr_assert_str_eq(small, "123");
}

/* Digits of the mantissa from the first nonzero one: "0.00120" has 3. */
static int significant_digits(const char *s)
{
    int n = 0;
    bool started = false;

    for (; *s && *s != 'e'; s++) {
        if (*s >= '1' && *s <= '9')
            started = true;
        if (started && *s >= '0' && *s <= '9')
            n++;
    }
    return n;
}

/*
 * %g switches to exponent form once the exponent reaches the precision, so
 * fewer digits can mean more characters (12345678901234568 at 17 digits,
 * 1.234567890123457e+16 at 16): minimal means fewest digits.
 */
Test(stats, fmt_double_round_trips_random_doubles)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    char buf[RP_FMT_DOUBLE_CAP], shorter[400];   /* %g of a huge number is long */

    for (int i = 0; i < 100000; i++) {
        uint64_t bits = (uint64_t)gsl_rng_get(r) << 32 | gsl_rng_get(r);
        double x;
        memcpy(&x, &bits, sizeof x);    /* every exponent and sign */
        if (i % 2)
            x = gsl_rng_uniform(r) * 1000;  /* and everyday magnitudes */
        if (!isfinite(x))
            continue;
        int len = rp_fmt_double(buf, sizeof buf, x);
        cr_assert_eq((size_t)len, strlen(buf));
        double y = strtod(buf, NULL);
        cr_assert_eq(memcmp(&x, &y, sizeof x), 0, "%s", buf);
        /* minimal: with one digit fewer (down to 15) it would not read back */
        int digits = significant_digits(buf);
        cr_assert_leq(digits, 17, "%s", buf);
        if (digits > 15) {
            snprintf(shorter, sizeof shorter, "%.*g", digits - 1, x);
            cr_assert_neq(strtod(shorter, NULL), x, "%s for %s", buf, shorter);
        }
    }
    gsl_rng_free(r);
}

/* Differences at rounding level are ties, not "better". */
Test(stats, paired_rounding_dust_is_a_tie)
{
    struct rp_paired p;
    rp_paired_init(&p, RP_ACC_EXACT);
    rp_paired_add(&p, 0.1 + 0.2, 0.3, 1);       /* 0.3 - 0.30000000000000004 */
    rp_paired_add(&p, 1e6, 1e6 * (1 - 1e-15), 1);
    rp_paired_add(&p, 1.0, 0.999, 1);            /* a real improvement */
    cr_expect_eq(p.better, 1);
    cr_expect_eq(p.n, 3);
    rp_paired_release(&p);
}

/*
 * The moments are GSL's recurrence written inline: on awkward data (large
 * offset, tiny spread, mixed signs) mean, sd, min and max must equal
 * gsl_rstat's to the bit, in both modes.
 */
Test(stats, moments_match_gsl_rstat_bit_for_bit)
{
    gsl_rstat_workspace *w = gsl_rstat_alloc();
    struct rp_acc e, s;
    uint64_t x = 88172645463325252u;

    rp_acc_init(&e, RP_ACC_EXACT);
    rp_acc_init(&s, RP_ACC_STREAM);
    for (int i = 0; i < 5000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;      /* xorshift64 */
        double v = 1e6 + (double)(x >> 11) * 0x1p-53 - (i % 3 ? 0 : 2e6);
        gsl_rstat_add(v, w);
        rp_acc_add(&e, v);
        rp_acc_add(&s, v);
    }
    struct rp_summary se, ss;
    rp_acc_summarize(&e, 0.95, &se);
    rp_acc_summarize(&s, 0.95, &ss);
    cr_assert(se.mean == gsl_rstat_mean(w) && ss.mean == se.mean);
    cr_assert(se.sd == gsl_rstat_sd(w) && ss.sd == se.sd);
    cr_assert(se.min == gsl_rstat_min(w) && se.max == gsl_rstat_max(w));
    cr_assert(ss.p50 == gsl_rstat_median(w));   /* the same P-square estimator */
    gsl_rstat_free(w);
    rp_acc_release(&e);
    rp_acc_release(&s);
}
