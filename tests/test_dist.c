/*
 * test_dist.c - each family's draws against its exact mean, and the checks.
 *
 * Sample means use 200000 draws from a fixed key and must fall within 4
 * standard errors of rp_dist_mean; the standard error comes from the
 * family's theoretical sd where it has a closed form, else from the sample.
 * The exact means are checked separately against textbook values, so a
 * sampler and a mean that are wrong in the same way cannot pass together.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "ripple/dist.h"
#include "ripple/rng.h"

#define N 200000
#define PI 3.14159265358979323846  /* M_PI is not C11 */

static gsl_rng *r;          /* setup allocates it, teardown frees it */

static void setup(void)
{
    r = rp_rng_new();
    rp_rng_rekey(r, rp_key(20240601, 0, rp_path_hash("test.dist")));
}

static void teardown(void)
{
    gsl_rng_free(r);
}

TestSuite(dist, .init = setup, .fini = teardown);

static struct rp_dist make(enum rp_dist_kind kind, double a, double b,
                           double c)
{
    return (struct rp_dist){ .kind = kind, .a = a, .b = b, .c = c };
}

struct moments {
    double mean;
    double sd;
    double min;
};

static struct moments draw(const struct rp_dist *d)
{
    double sum = 0, sum2 = 0, min = INFINITY;

    for (int i = 0; i < N; i++) {
        double x = rp_dist_sample(d, r);
        sum += x;
        sum2 += x * x;
        if (x < min)
            min = x;
    }
    double mean = sum / N;
    return (struct moments){ mean, sqrt((sum2 / N - mean * mean) * N / (N - 1)),
                             min };
}

/* sd <= 0: use the sample sd for the standard error. */
static struct moments assert_mean(const struct rp_dist *d, double sd)
{
    char msg[200];
    struct moments m;

    cr_assert_eq(rp_dist_check(d, msg, sizeof msg), 0, "%s", msg);
    m = draw(d);
    double se = (sd > 0 ? sd : m.sd) / sqrt(N);
    double want = rp_dist_mean(d);
    cr_assert_lt(fabs(m.mean - want), 4 * se,
                 "%s: sample mean %g, exact %g, se %g",
                 rp_dist_name(d->kind), m.mean, want, se);
    if (sd > 0)     /* the theoretical sd itself must be right, loosely */
        cr_assert_lt(fabs(m.sd / sd - 1), 0.05, "%s: sample sd %g, not %g",
                     rp_dist_name(d->kind), m.sd, sd);
    return m;
}

/* Exact means from textbook formulas, independent of the code's. */

Test(dist, means_are_exact)
{
    const double eps = 1e-12;
    struct rp_dist d;

    d = make(RP_DIST_GAMMA, 2, 3, 0);
    cr_assert_float_eq(rp_dist_mean(&d), 6, eps);
    d = make(RP_DIST_UNIFORM, 5, 25, 0);
    cr_assert_float_eq(rp_dist_mean(&d), 15, eps);
    d = make(RP_DIST_TRIANGULAR, 90, 180, 365);
    cr_assert_float_eq(rp_dist_mean(&d), 635.0 / 3, eps);
    d = make(RP_DIST_WEIBULL, 1, 30, 0);        /* shape 1: exponential */
    cr_assert_float_eq(rp_dist_mean(&d), 30, eps);
    d = make(RP_DIST_WEIBULL, 2, 1, 0);         /* Rayleigh: sqrt(pi)/2 */
    cr_assert_float_eq(rp_dist_mean(&d), sqrt(PI) / 2, eps);
    d = make(RP_DIST_NORMAL, 0, 2, 0);          /* half-normal */
    cr_assert_float_eq(rp_dist_mean(&d), 2 * sqrt(2 / PI), eps);
    d = make(RP_DIST_LOGNORMAL, 5, 1, 0);
    cr_assert_float_eq(rp_dist_mean(&d), 5, eps);
    d = make(RP_DIST_EXPONENTIAL, 10, 0, 0);
    cr_assert_float_eq(rp_dist_mean(&d), 10, eps);
    d = make(RP_DIST_GEOMETRIC, 10, 0, 0);
    cr_assert_float_eq(rp_dist_mean(&d), 10, eps);
    d = rp_dist_const(3.5);
    cr_assert_float_eq(rp_dist_mean(&d), 3.5, eps);
    d = make(RP_DIST_FOREVER, 0, 0, 0);
    cr_assert(isinf(rp_dist_mean(&d)) && rp_dist_mean(&d) > 0);
}

/*
 * Truncated far below 0, N(mu, 1) given >= 0 is nearly exponential with
 * a = -mu: its mean is 1/a - 2/a^3 + 10/a^5 - 74/a^7 + ... (the asymptotic
 * series of the inverse Mills ratio, less a).
 * Near the switch to the continued fraction, both sides of it agree with
 * the closed form phi(a)/Q(a) - a.
 */
Test(dist, truncated_normal_mean_deep_in_the_tail)
{
    struct rp_dist d;
    const double as[] = { 4.9, 5, 5.1, 6, 8 };

    d = make(RP_DIST_NORMAL, -1000, 1, 0);
    double a = 1000;
    cr_assert_float_eq(rp_dist_mean(&d),
                       1 / a - 2 / pow(a, 3) + 10 / pow(a, 5), 1e-18);
    d = make(RP_DIST_NORMAL, -200, 2, 0);       /* a = 100, scaled by sd */
    a = 100;
    cr_assert_float_eq(rp_dist_mean(&d),
                       2 * (1 / a - 2 / pow(a, 3) + 10 / pow(a, 5) -
                            74 / pow(a, 7)), 1e-14);
    for (size_t i = 0; i < sizeof as / sizeof *as; i++) {
        a = as[i];
        d = make(RP_DIST_NORMAL, -a, 1, 0);
        double want = gsl_ran_ugaussian_pdf(a) / gsl_cdf_ugaussian_Q(a) - a;
        cr_assert_lt(fabs(rp_dist_mean(&d) / want - 1), 1e-10,
                     "a = %g: %.17g, not %.17g", a, rp_dist_mean(&d), want);
    }
}

Test(dist, exponential_mean)
{
    struct rp_dist d = make(RP_DIST_EXPONENTIAL, 10, 0, 0);
    struct moments m = assert_mean(&d, 10);

    cr_assert_geq(m.min, 0);
}

Test(dist, lognormal_mean_and_sd_are_of_the_variable)
{
    struct rp_dist d = make(RP_DIST_LOGNORMAL, 5, 1, 0);

    assert_mean(&d, 1);
}

/* ln X is N(mu, sigma): sigma^2 = ln(1 + s^2/m^2), mu = ln m - sigma^2/2. */
Test(dist, lognormal_log_is_normal)
{
    struct rp_dist d = make(RP_DIST_LOGNORMAL, 2, 3, 0);
    double s2 = log(1 + 9.0 / 4), mu = log(2) - s2 / 2;
    double sum = 0, sum2 = 0;

    for (int i = 0; i < N; i++) {
        double y = log(rp_dist_sample(&d, r));
        sum += y;
        sum2 += (y - mu) * (y - mu);
    }
    cr_assert_lt(fabs(sum / N - mu), 4 * sqrt(s2 / N), "log mean %g, not %g",
                 sum / N, mu);
    /* (ln X - mu)^2 / sigma^2 is chi-square(1): sd sqrt(2) */
    cr_assert_lt(fabs(sum2 / N / s2 - 1), 4 * sqrt(2.0 / N),
                 "log variance %g, not %g", sum2 / N, s2);
}

/*
 * Swapping shape and scale keeps the mean (6) but not the variance
 * (shape scale^2 = 18, not 12). The sample variance has standard error
 * var sqrt((2 + 6/shape) / n) (gamma excess kurtosis is 6/shape).
 */
Test(dist, gamma_shape_and_scale)
{
    struct rp_dist d = make(RP_DIST_GAMMA, 2, 3, 0);
    struct moments m = assert_mean(&d, sqrt(2) * 3);
    double var = 18;

    cr_assert_lt(fabs(m.sd * m.sd - var), 4 * var * sqrt((2 + 3.0) / N),
                 "variance %g, not %g", m.sd * m.sd, var);
}

Test(dist, normal_far_from_zero_is_plain_normal)
{
    struct rp_dist d = make(RP_DIST_NORMAL, 5, 1, 0);

    assert_mean(&d, 1);
}

Test(dist, truncated_normal_is_never_negative)
{
    struct rp_dist d = make(RP_DIST_NORMAL, 1, 2, 0);
    struct moments m = assert_mean(&d, 0);

    cr_assert_geq(m.min, 0, "drew %g", m.min);
}

Test(dist, truncated_normal_in_the_tail)
{
    struct rp_dist d = make(RP_DIST_NORMAL, -3, 1, 0);
    struct moments m = assert_mean(&d, 0);

    cr_assert_geq(m.min, 0, "drew %g", m.min);
}

Test(dist, uniform_mean_and_range)
{
    struct rp_dist d = make(RP_DIST_UNIFORM, 5, 25, 0);
    struct moments m = assert_mean(&d, 20 / sqrt(12));

    cr_assert_geq(m.min, 5);
    for (int i = 0; i < 1000; i++)
        cr_assert_lt(rp_dist_sample(&d, r), 25);
}

/*
 * Triangular: sd^2 = (a^2 + b^2 + c^2 - ab - ac - bc) / 18 and
 * P(X <= mode) = (b - a) / (c - a).
 */
Test(dist, triangular_mean_and_mode_quantile)
{
    const double a = 90, b = 180, c = 365;
    struct rp_dist d = make(RP_DIST_TRIANGULAR, a, b, c);
    double sd = sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18);

    assert_mean(&d, sd);

    int below = 0;
    for (int i = 0; i < N; i++) {
        double x = rp_dist_sample(&d, r);
        cr_assert(x >= a && x <= c, "drew %g", x);
        below += x <= b;
    }
    double p = (b - a) / (c - a);
    cr_assert_lt(fabs((double)below / N - p), 4 * sqrt(p * (1 - p) / N),
                 "P(X <= mode) = %g, not %g", (double)below / N, p);
}

/*
 * Weibull(shape k, scale l): mean l G(1 + 1/k), sd^2 = l^2 (G(1 + 2/k) -
 * G(1 + 1/k)^2), and P(X <= l) = 1 - 1/e whatever the shape.
 */
Test(dist, weibull_shape_and_scale)
{
    const double k = 1.5, l = 30;
    struct rp_dist d = make(RP_DIST_WEIBULL, k, l, 0);
    double g1 = tgamma(1 + 1 / k), g2 = tgamma(1 + 2 / k);

    cr_assert_float_eq(rp_dist_mean(&d), l * g1, 1e-12);
    assert_mean(&d, l * sqrt(g2 - g1 * g1));

    int below = 0;
    for (int i = 0; i < N; i++)
        below += rp_dist_sample(&d, r) <= l;
    double p = 1 - exp(-1);
    cr_assert_lt(fabs((double)below / N - p), 4 * sqrt(p * (1 - p) / N),
                 "P(X <= scale) = %g, not %g", (double)below / N, p);
}

/* Geometric on {1, 2, ...} with p = 1/mean: sd sqrt(1 - p) / p, P(1) = p. */
Test(dist, geometric_whole_numbers_from_one)
{
    const double mean = 10, p = 1 / mean;
    struct rp_dist d = make(RP_DIST_GEOMETRIC, mean, 0, 0);
    int ones = 0;

    assert_mean(&d, sqrt(1 - p) / p);
    for (int i = 0; i < N; i++) {
        double x = rp_dist_sample(&d, r);
        cr_assert(x >= 1 && x == floor(x), "drew %g", x);
        ones += x == 1;
    }
    cr_assert_lt(fabs((double)ones / N - p), 4 * sqrt(p * (1 - p) / N),
                 "P(X = 1) = %g, not %g", (double)ones / N, p);

    d.a = 1;                                    /* p = 1: always 1 */
    for (int i = 0; i < 100; i++)
        cr_assert_eq(rp_dist_sample(&d, r), 1);
}

/* values {1, 2, 5}, weights {1, 0, 3}: mean 4, E[X^2] = 19, sd sqrt(3). */
Test(dist, empirical_frequencies)
{
    static const double values[] = { 1, 2, 5 };
    static const double weights[] = { 1, 0, 3 };
    struct rp_dist d = { .kind = RP_DIST_EMPIRICAL, .n = 3, .values = values,
                         .weights = weights };
    int count[3] = { 0 };

    rp_dist_prepare(&d);
    cr_assert_not_null(d.table);
    cr_assert_float_eq(rp_dist_mean(&d), 4, 1e-12);
    assert_mean(&d, sqrt(3));
    for (int i = 0; i < N; i++) {
        double x = rp_dist_sample(&d, r);
        int j = x == 1 ? 0 : x == 2 ? 1 : x == 5 ? 2 : -1;
        cr_assert_geq(j, 0, "drew %g, not a listed value", x);
        count[j]++;
    }
    cr_assert_eq(count[1], 0, "a zero-weight value was drawn");
    double p = 0.25;
    cr_assert_lt(fabs((double)count[0] / N - p), 4 * sqrt(p * (1 - p) / N));

    gsl_ran_discrete_t *table = d.table;
    rp_dist_prepare(&d);                        /* idempotent */
    cr_assert_eq(d.table, table);
    rp_dist_release(&d);
    cr_assert_null(d.table);
    rp_dist_release(&d);                        /* and so is release */
}

Test(dist, const_and_forever_draw_nothing)
{
    struct rp_dist c = rp_dist_const(7.25);
    struct rp_dist f = make(RP_DIST_FOREVER, 0, 0, 0);

    cr_assert_eq(rp_dist_sample(&c, NULL), 7.25);
    cr_assert(isinf(rp_dist_sample(&f, NULL)));
    cr_assert_not(rp_dist_is_random(&c));
    cr_assert_not(rp_dist_is_random(&f));
    cr_assert_eq(c.kind, RP_DIST_CONST);
    cr_assert_null(c.table);

    struct rp_dist e = make(RP_DIST_EXPONENTIAL, 1, 0, 0);
    cr_assert(rp_dist_is_random(&e));
}

/* Sampling draws from the given stream only: same key, same values. */
Test(dist, same_key_same_draws)
{
    struct rp_dist d = make(RP_DIST_GAMMA, 0.7, 2, 0);
    gsl_rng *other = rp_rng_new();
    uint64_t key = rp_key(1, 2, rp_path_hash("a.b"));

    rp_rng_rekey(r, key);
    rp_rng_rekey(other, key);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(rp_dist_sample(&d, r), rp_dist_sample(&d, other));
    gsl_rng_free(other);
}

/*
 * The inline sampler and the out-of-line one draw the same numbers for
 * every family, and uniforms are still exactly gsl_ran_flat's (only the
 * exponential changed with RP_STREAM_VERSION 2).
 */
Test(dist, inline_and_out_of_line_sampling_agree)
{
    static const double w[3] = { 1, 2, 3 }, v[3] = { 4, 5, 6 };
    struct rp_dist ds[] = {
        rp_dist_const(3), make(RP_DIST_EXPONENTIAL, 2, 0, 0),
        make(RP_DIST_LOGNORMAL, 5, 1, 0), make(RP_DIST_GAMMA, 0.7, 2, 0),
        make(RP_DIST_NORMAL, 1, 2, 0), make(RP_DIST_UNIFORM, 1, 4, 0),
        make(RP_DIST_TRIANGULAR, 1, 2, 5), make(RP_DIST_WEIBULL, 1.5, 2, 0),
        make(RP_DIST_GEOMETRIC, 3, 0, 0),
        { .kind = RP_DIST_EMPIRICAL, .n = 3, .values = v, .weights = w },
    };
    gsl_rng *other = rp_rng_new();

    for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++) {
        rp_dist_prepare(&ds[k]);
        rp_rng_rekey(r, 99 + k);
        rp_rng_rekey(other, 99 + k);
        for (int i = 0; i < 1000; i++)
            cr_assert_eq(rp_dist_sample(&ds[k], r),
                         rp_dist_sample_gsl(&ds[k], other), "%s draw %d",
                         rp_dist_name(ds[k].kind), i);
        rp_dist_release(&ds[k]);
    }
    struct rp_dist u = make(RP_DIST_UNIFORM, 1, 4, 0);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(rp_dist_sample(&u, r), gsl_ran_flat(other, 1, 4));
    gsl_rng_free(other);
}

/* The exponential's scale: mean times a unit ziggurat draw. */
Test(dist, exponential_scales_the_unit_draw)
{
    struct rp_dist d = make(RP_DIST_EXPONENTIAL, 2.5, 0, 0);
    gsl_rng *other = rp_rng_new();

    rp_rng_rekey(r, 7);
    rp_rng_rekey(other, 7);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(rp_dist_sample(&d, r), 2.5 * rp_rng_exponential(other));
    gsl_rng_free(other);
}

Test(dist, names_are_the_scenario_spelling)
{
    cr_assert_str_eq(rp_dist_name(RP_DIST_CONST), "constant");
    cr_assert_str_eq(rp_dist_name(RP_DIST_FOREVER), "forever");
    cr_assert_str_eq(rp_dist_name(RP_DIST_EXPONENTIAL), "exponential");
    cr_assert_str_eq(rp_dist_name(RP_DIST_LOGNORMAL), "lognormal");
    cr_assert_str_eq(rp_dist_name(RP_DIST_GAMMA), "gamma");
    cr_assert_str_eq(rp_dist_name(RP_DIST_NORMAL), "normal");
    cr_assert_str_eq(rp_dist_name(RP_DIST_UNIFORM), "uniform");
    cr_assert_str_eq(rp_dist_name(RP_DIST_TRIANGULAR), "triangular");
    cr_assert_str_eq(rp_dist_name(RP_DIST_WEIBULL), "weibull");
    cr_assert_str_eq(rp_dist_name(RP_DIST_GEOMETRIC), "geometric");
    cr_assert_str_eq(rp_dist_name(RP_DIST_EMPIRICAL), "empirical");
}

/* Checks */

static void assert_ok(struct rp_dist d)
{
    char msg[200] = "";

    cr_assert_eq(rp_dist_check(&d, msg, sizeof msg), 0, "%s rejected: %s",
                 rp_dist_name(d.kind), msg);
}

static void assert_bad(struct rp_dist d, const char *want)
{
    char msg[200] = "";

    cr_assert_eq(rp_dist_check(&d, msg, sizeof msg), -1, "accepted, want %s",
                 want);
    cr_assert_str_eq(msg, want);
}

Test(dist, check_accepts_good_parameters)
{
    static const double values[] = { 0, 2.5 };
    static const double weights[] = { 0, 1 };

    assert_ok(rp_dist_const(0));
    assert_ok(rp_dist_const(12));
    assert_ok(make(RP_DIST_FOREVER, 0, 0, 0));
    assert_ok(make(RP_DIST_EXPONENTIAL, 10, 0, 0));
    assert_ok(make(RP_DIST_LOGNORMAL, 5, 1, 0));
    assert_ok(make(RP_DIST_GAMMA, 2, 3, 0));
    assert_ok(make(RP_DIST_NORMAL, 5, 1, 0));
    assert_ok(make(RP_DIST_NORMAL, -2, 1, 0));  /* truncation makes it >= 0 */
    assert_ok(make(RP_DIST_UNIFORM, 0, 25, 0));
    assert_ok(make(RP_DIST_TRIANGULAR, 90, 180, 365));
    assert_ok(make(RP_DIST_TRIANGULAR, 0, 0, 1));       /* mode at an end */
    assert_ok(make(RP_DIST_TRIANGULAR, 0, 1, 1));
    assert_ok(make(RP_DIST_WEIBULL, 1.5, 30, 0));
    assert_ok(make(RP_DIST_GEOMETRIC, 1, 0, 0));
    assert_ok((struct rp_dist){ .kind = RP_DIST_EMPIRICAL, .n = 2,
                                .values = values, .weights = weights });
}

Test(dist, check_rejects_bad_parameters)
{
    assert_bad(rp_dist_const(-1), "constant must be zero or more, not -1");
    assert_bad(rp_dist_const(NAN), "constant must be finite, not nan");
    assert_bad(make(RP_DIST_EXPONENTIAL, -3, 0, 0),
               "exponential mean must be positive, not -3");
    assert_bad(make(RP_DIST_EXPONENTIAL, INFINITY, 0, 0),
               "exponential mean must be finite, not inf");
    assert_bad(make(RP_DIST_LOGNORMAL, 0, 1, 0),
               "lognormal mean must be positive, not 0");
    assert_bad(make(RP_DIST_LOGNORMAL, 5, -1, 0),
               "lognormal sd must be positive, not -1");
    assert_bad(make(RP_DIST_GAMMA, 0, 3, 0),
               "gamma shape must be positive, not 0");
    assert_bad(make(RP_DIST_GAMMA, 2, -0.5, 0),
               "gamma scale must be positive, not -0.5");
    assert_bad(make(RP_DIST_NORMAL, NAN, 1, 0),
               "normal mean must be finite, not nan");
    assert_bad(make(RP_DIST_NORMAL, 5, 0, 0),
               "normal sd must be positive, not 0");
    assert_bad(make(RP_DIST_UNIFORM, -1, 5, 0),
               "uniform min must be zero or more, not -1");
    assert_bad(make(RP_DIST_UNIFORM, 5, 5, 0),
               "uniform needs min < max, not 5 >= 5");
    assert_bad(make(RP_DIST_UNIFORM, 5, INFINITY, 0),
               "uniform max must be finite, not inf");
    assert_bad(make(RP_DIST_TRIANGULAR, 1, 5, 3),
               "triangular needs min <= mode <= max, not 5 > 3");
    assert_bad(make(RP_DIST_TRIANGULAR, 4, 2, 6),
               "triangular needs min <= mode <= max, not 4 > 2");
    assert_bad(make(RP_DIST_TRIANGULAR, 3, 3, 3),
               "triangular needs min < max, not 3 >= 3");
    assert_bad(make(RP_DIST_TRIANGULAR, -1, 0, 1),
               "triangular min must be zero or more, not -1");
    assert_bad(make(RP_DIST_WEIBULL, -1.5, 30, 0),
               "weibull shape must be positive, not -1.5");
    assert_bad(make(RP_DIST_WEIBULL, 1.5, 0, 0),
               "weibull scale must be positive, not 0");
    assert_bad(make(RP_DIST_GEOMETRIC, 0.5, 0, 0),
               "geometric mean must be between 1 and 1e+08, not 0.5");
}

Test(dist, check_rejects_bad_empirical)
{
    static const double values[] = { 1, -2 };
    static const double ones[] = { 1, 1 };
    static const double zeros[] = { 0, 0 };
    static const double negative[] = { 1, -1 };

    assert_bad((struct rp_dist){ .kind = RP_DIST_EMPIRICAL, .n = 0 },
               "empirical needs at least one value");
    assert_bad((struct rp_dist){ .kind = RP_DIST_EMPIRICAL, .n = 2,
                                 .values = values, .weights = ones },
               "empirical values must be zero or more, not -2");
    assert_bad((struct rp_dist){ .kind = RP_DIST_EMPIRICAL, .n = 2,
                                 .values = ones, .weights = negative },
               "empirical weights must be zero or more, not -1");
    assert_bad((struct rp_dist){ .kind = RP_DIST_EMPIRICAL, .n = 2,
                                 .values = ones, .weights = zeros },
               "empirical weights must have a positive, finite sum, not 0");
}

/* A short buffer gets a truncated, terminated message, never an overrun. */
Test(dist, check_respects_the_buffer_size)
{
    char msg[12];
    struct rp_dist d = make(RP_DIST_EXPONENTIAL, -3, 0, 0);

    memset(msg, 'x', sizeof msg);
    cr_assert_eq(rp_dist_check(&d, msg, 8), -1);
    cr_assert_str_eq(msg, "exponen");
    cr_assert_eq(msg[8], 'x');
}
