/*
 * dist.c - sampling, checking and exact means of scenario distributions.
 *
 * Every family is parameterised as the scenario format writes it (a mean and
 * an sd of the variable, a shape and a scale) and converted here to whatever
 * GSL wants, so the conversions live in one place and the tests can check
 * them against exact means.
 */
#include "ripple/dist.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

/*
 * gsl_ran_geometric returns an unsigned int, so a huge mean would overflow
 * it. Below this mean a draw past UINT_MAX has probability under e^-42.
 */
#define GEOMETRIC_MAX_MEAN 1e8

/* Where truncated_normal_mean switches to its continued fraction. */
#define TAIL_CF_FROM 5.0

struct rp_dist rp_dist_const(double v)
{
    return (struct rp_dist){ .kind = RP_DIST_CONST, .a = v };
}

bool rp_dist_is_random(const struct rp_dist *d)
{
    return d->kind != RP_DIST_CONST && d->kind != RP_DIST_FOREVER;
}

const char *rp_dist_name(enum rp_dist_kind kind)
{
    switch (kind) {
    case RP_DIST_CONST:
        return "constant";
    case RP_DIST_FOREVER:
        return "forever";
#define NAME_(k, name, p1, p2, p3)                                             \
    case RP_DIST_##k:                                                          \
        return name;
    RP_DIST_FAMILIES(NAME_)
#undef NAME_
    }
    return "unknown";
}

/* Parameter checks: each writes "<what> must be ..., not <v>" and fails. */

static bool finite(double v, const char *what, char *msg, size_t cap)
{
    if (isfinite(v))
        return true;
    snprintf(msg, cap, "%s must be finite, not %g", what, v);
    return false;
}

static bool positive(double v, const char *what, char *msg, size_t cap)
{
    if (!finite(v, what, msg, cap))
        return false;
    if (v > 0)
        return true;
    snprintf(msg, cap, "%s must be positive, not %g", what, v);
    return false;
}

static bool nonnegative(double v, const char *what, char *msg, size_t cap)
{
    if (!finite(v, what, msg, cap))
        return false;
    if (v >= 0)
        return true;
    snprintf(msg, cap, "%s must be zero or more, not %g", what, v);
    return false;
}

static bool check_empirical(const struct rp_dist *d, char *msg, size_t cap)
{
    double total = 0;

    if (d->n == 0) {
        snprintf(msg, cap, "empirical needs at least one value");
        return false;
    }
    assert(d->values && d->weights);
    for (size_t i = 0; i < d->n; i++) {
        if (!nonnegative(d->values[i], "empirical values", msg, cap) ||
            !nonnegative(d->weights[i], "empirical weights", msg, cap))
            return false;
        total += d->weights[i];
    }
    if (!(total > 0) || !isfinite(total)) {
        snprintf(msg, cap, "empirical weights must have a positive, finite "
                           "sum, not %g", total);
        return false;
    }
    return true;
}

static bool check_triangular(const struct rp_dist *d, char *msg, size_t cap)
{
    if (!nonnegative(d->a, "triangular min", msg, cap) ||
        !finite(d->b, "triangular mode", msg, cap) ||
        !finite(d->c, "triangular max", msg, cap))
        return false;
    if (d->a > d->b || d->b > d->c) {
        snprintf(msg, cap, "triangular needs min <= mode <= max, not %g > %g",
                 d->a > d->b ? d->a : d->b, d->a > d->b ? d->b : d->c);
        return false;
    }
    if (!(d->a < d->c)) {
        snprintf(msg, cap, "triangular needs min < max, not %g >= %g", d->a,
                 d->c);
        return false;
    }
    return true;
}

int rp_dist_check(const struct rp_dist *d, char *msg, size_t cap)
{
    bool ok = true;

    switch (d->kind) {
    case RP_DIST_CONST:
        ok = nonnegative(d->a, "constant", msg, cap);
        break;
    case RP_DIST_FOREVER:
        break;
    case RP_DIST_EXPONENTIAL:
        ok = positive(d->a, "exponential mean", msg, cap);
        break;
    case RP_DIST_LOGNORMAL:
        ok = positive(d->a, "lognormal mean", msg, cap) &&
             positive(d->b, "lognormal sd", msg, cap);
        break;
    case RP_DIST_GAMMA:
        ok = positive(d->a, "gamma shape", msg, cap) &&
             positive(d->b, "gamma scale", msg, cap);
        break;
    case RP_DIST_NORMAL:
        ok = finite(d->a, "normal mean", msg, cap) &&
             positive(d->b, "normal sd", msg, cap);
        break;
    case RP_DIST_UNIFORM:
        ok = nonnegative(d->a, "uniform min", msg, cap) &&
             finite(d->b, "uniform max", msg, cap);
        if (ok && !(d->a < d->b)) {
            snprintf(msg, cap, "uniform needs min < max, not %g >= %g", d->a,
                     d->b);
            ok = false;
        }
        break;
    case RP_DIST_TRIANGULAR:
        ok = check_triangular(d, msg, cap);
        break;
    case RP_DIST_WEIBULL:
        ok = positive(d->a, "weibull shape", msg, cap) &&
             positive(d->b, "weibull scale", msg, cap);
        break;
    case RP_DIST_GEOMETRIC:
        ok = finite(d->a, "geometric mean", msg, cap);
        if (ok && !(d->a >= 1 && d->a <= GEOMETRIC_MAX_MEAN)) {
            snprintf(msg, cap, "geometric mean must be between 1 and %g, "
                               "not %g", GEOMETRIC_MAX_MEAN, d->a);
            ok = false;
        }
        break;
    case RP_DIST_EMPIRICAL:
        ok = check_empirical(d, msg, cap);
        break;
    }
    return ok ? 0 : -1;
}

/*
 * Built once at load time: gsl_ran_discrete_preproc is O(n) and allocates,
 * after which each draw is O(1) (Walker's alias method). A second call keeps
 * the table it finds, so preparing twice neither leaks nor rebuilds.
 */
void rp_dist_prepare(struct rp_dist *d)
{
    if (d->kind != RP_DIST_EMPIRICAL || d->table)
        return;
    d->table = gsl_ran_discrete_preproc(d->n, d->weights);
    if (!d->table) {
        fprintf(stderr, "ripple: out of memory allocating an empirical "
                        "table of %zu values\n", d->n);
        abort();
    }
}

void rp_dist_release(struct rp_dist *d)
{
    if (d->table) {
        gsl_ran_discrete_free(d->table);
        d->table = NULL;
    }
}

/*
 * Lognormal parameters of the underlying normal from the mean m and sd s of
 * the variable: E = exp(mu + sigma^2/2), Var = E^2 (exp(sigma^2) - 1).
 */
static void lognormal_params(double m, double s, double *mu, double *sigma)
{
    double sigma2 = log1p((s / m) * (s / m));

    *mu = log(m) - sigma2 / 2;
    *sigma = sqrt(sigma2);
}

/* Inverse CDF of the triangular distribution: one uniform, no rejection. */
static double triangular_sample(double lo, double mode, double hi, double u)
{
    double width = hi - lo;

    if (u * width < mode - lo)          /* u < F(mode) = (mode - lo) / width */
        return lo + sqrt(u * width * (mode - lo));
    return hi - sqrt((1 - u) * width * (hi - mode));
}

/*
 * Every family out of line: the inline rp_dist_sample hands on the families
 * GSL draws; the inline ones are drawn here the same way, so that both
 * entry points always agree.
 */
double rp_dist_sample_family(enum rp_dist_kind kind, double a, double b,
                             double c, gsl_rng *r)
{
    double mu, sigma, x;

    switch (kind) {
    case RP_DIST_CONST:
        return a;
    case RP_DIST_FOREVER:
        return INFINITY;
    case RP_DIST_EXPONENTIAL:
        return a * rp_rng_exponential(r);
    case RP_DIST_LOGNORMAL:
        lognormal_params(a, b, &mu, &sigma);
        return gsl_ran_lognormal(r, mu, sigma);
    case RP_DIST_GAMMA:
        return gsl_ran_gamma(r, a, b);
    case RP_DIST_NORMAL:
        /*
         * Exact truncation at 0: a draw from N(0, sd) conditioned on being
         * >= -mean, shifted by mean. Rounding in the shift can land a hair
         * below 0, hence the clamp.
         */
        x = a + gsl_ran_gaussian_tail(r, -a, b);
        return x > 0 ? x : 0;
    case RP_DIST_UNIFORM:
        return gsl_ran_flat(r, a, b);
    case RP_DIST_TRIANGULAR:
        return triangular_sample(a, b, c, rp_rng_uniform(r));
    case RP_DIST_WEIBULL:
        return gsl_ran_weibull(r, b, a);        /* GSL: (scale, shape) */
    case RP_DIST_GEOMETRIC:
        return gsl_ran_geometric(r, 1 / a);     /* support {1, 2, ...} */
    case RP_DIST_EMPIRICAL:
        break;                                  /* needs its table: rp_dist_sample_gsl */
    }
    assert(0 && "not a family drawn from its parameters");
    return NAN;
}

double rp_dist_sample_gsl(const struct rp_dist *d, gsl_rng *r)
{
    if (d->kind == RP_DIST_EMPIRICAL) {
        assert(d->table);                       /* rp_dist_prepare first */
        return d->values[gsl_ran_discrete(r, d->table)];
    }
    return rp_dist_sample_family(d->kind, d->a, d->b, d->c, r);
}

/*
 * Mean of N(mu, sd) truncated to [0, inf): mu + sd phi(a) / Q(a) with
 * a = -mu / sd. Deep in the tail (mu many sd below 0) Q(a) underflows and
 * the sum cancels, so there it is sd E[Z - a | Z >= a] by the continued
 * fraction 1/(a + 2/(a + 3/(a + ...))), which 40 terms settle to double
 * precision for a >= TAIL_CF_FROM.
 */
static double truncated_normal_mean(double mu, double sd)
{
    double a = -mu / sd;

    if (a < TAIL_CF_FROM)
        return mu + sd * gsl_ran_ugaussian_pdf(a) / gsl_cdf_ugaussian_Q(a);
    double t = a;
    for (int k = 40; k >= 2; k--)
        t = a + k / t;
    return sd / t;
}

double rp_dist_mean(const struct rp_dist *d)
{
    double sum = 0, total = 0;

    switch (d->kind) {
    case RP_DIST_CONST:
        return d->a;
    case RP_DIST_FOREVER:
        return INFINITY;
    case RP_DIST_EXPONENTIAL:
    case RP_DIST_LOGNORMAL:
    case RP_DIST_GEOMETRIC:
        return d->a;
    case RP_DIST_GAMMA:
        return d->a * d->b;
    case RP_DIST_NORMAL:
        return truncated_normal_mean(d->a, d->b);
    case RP_DIST_UNIFORM:
        return (d->a + d->b) / 2;
    case RP_DIST_TRIANGULAR:
        return (d->a + d->b + d->c) / 3;
    case RP_DIST_WEIBULL:
        return d->b * tgamma(1 + 1 / d->a);
    case RP_DIST_EMPIRICAL:
        for (size_t i = 0; i < d->n; i++) {
            sum += d->weights[i] * d->values[i];
            total += d->weights[i];
        }
        return sum / total;
    }
    assert(0 && "unknown distribution kind");
    return NAN;
}

/*
 * Inverse CDF of N(mu, sd) truncated to [0, inf). Written through the upper
 * tail, x = mu + sd Qinv((1 - u) Q(a)) with a = -mu / sd, so that a mean
 * many sd below 0 keeps its precision (1 - Q(a) would round to 1).
 */
static double truncated_normal_quantile(double mu, double sd, double u)
{
    double q0 = gsl_cdf_ugaussian_Q(-mu / sd);
    double x = mu + sd * gsl_cdf_ugaussian_Qinv((1 - u) * q0);

    return x > 0 ? x : 0;
}

/*
 * Geometric on {1, 2, ...} with p = 1 / mean: P(X <= k) = 1 - (1 - p)^k,
 * so the smallest k reaching u is ceil(log(1 - u) / log(1 - p)).
 */
static double geometric_quantile(double mean, double u)
{
    if (mean <= 1)
        return 1;
    double lq = log1p(-1 / mean);
    double k = ceil(log1p(-u) / lq);
    if (k > 1 && -expm1((k - 1) * lq) >= u)
        k--;                            /* the division rounded up past k - 1 */
    return k < 1 ? 1 : k;
}

/* Smallest value whose cumulative weight reaches u of the total: O(n^2). */
static double empirical_quantile(const struct rp_dist *d, double u)
{
    double total = 0, best = INFINITY;

    for (size_t i = 0; i < d->n; i++)
        total += d->weights[i];
    for (size_t i = 0; i < d->n; i++) {
        double below = 0;
        for (size_t j = 0; j < d->n; j++)
            if (d->values[j] <= d->values[i])
                below += d->weights[j];
        if (below >= u * total && d->values[i] < best)
            best = d->values[i];
    }
    return best;
}

double rp_dist_quantile(const struct rp_dist *d, double u)
{
    double mu, sigma;

    assert(u > 0 && u < 1);
    switch (d->kind) {
    case RP_DIST_CONST:
        return d->a;
    case RP_DIST_FOREVER:
        return INFINITY;
    case RP_DIST_EXPONENTIAL:
        return gsl_cdf_exponential_Pinv(u, d->a);
    case RP_DIST_LOGNORMAL:
        lognormal_params(d->a, d->b, &mu, &sigma);
        return gsl_cdf_lognormal_Pinv(u, mu, sigma);
    case RP_DIST_GAMMA:
        return gsl_cdf_gamma_Pinv(u, d->a, d->b);
    case RP_DIST_NORMAL:
        return truncated_normal_quantile(d->a, d->b, u);
    case RP_DIST_UNIFORM:
        return d->a + u * (d->b - d->a);
    case RP_DIST_TRIANGULAR:
        return triangular_sample(d->a, d->b, d->c, u);
    case RP_DIST_WEIBULL:
        return gsl_cdf_weibull_Pinv(u, d->b, d->a); /* GSL: (scale, shape) */
    case RP_DIST_GEOMETRIC:
        return geometric_quantile(d->a, u);
    case RP_DIST_EMPIRICAL:
        return empirical_quantile(d, u);
    }
    assert(0 && "unknown distribution kind");
    return NAN;
}
