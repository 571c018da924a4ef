/*
 * sensitivity.c - Saltelli and Morris designs, Sobol indices, elementary
 * effects, and their bootstrap intervals (the formulas are in the header).
 *
 * Why these estimators: Saltelli 2010's S1 and Jansen's ST are the pair
 * Saltelli et al. (2010, Table 2) found most efficient for one A, B, AB_i
 * design, and they are what SALib computes, so results can be checked
 * against it. The bootstrap resamples rows, not outputs: a row j of A, B and
 * every AB_i is one joint evaluation, and keeping them together keeps the
 * correlation the estimators rely on.
 */
#include "ripple/sensitivity.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "ripple/diag.h"
#include "ripple/rng.h"

#define RELATIVE_NOISE 1e-9     /* spread below this share of |y|: rounding */

/* A constant or forever has nothing to vary; everything else has a quantile. */
static int check_inputs(const struct rp_sens_input *in, size_t k, char *msg,
                        size_t cap)
{
    if (k == 0) {
        snprintf(msg, cap, "no uncertain inputs to rank (an uncertain: block "
                 "maps scalar paths to distributions)");
        return -1;
    }
    for (size_t i = 0; i < k; i++)
        if (!rp_dist_is_random(&in[i].dist)) {
            snprintf(msg, cap, "uncertain input %s is %s, not a distribution",
                     in[i].path, rp_dist_name(in[i].dist.kind));
            return -1;
        }
    return 0;
}

static void alloc_rows(struct rp_sens_design *d, size_t rows, size_t k)
{
    d->k = k;
    d->rows = rows;
    d->u = rp_xmalloc(rows * k * sizeof *d->u);
    d->x = rp_xmalloc(rows * k * sizeof *d->x);
}

static void map_rows(struct rp_sens_design *d, const struct rp_sens_input *in)
{
    for (size_t r = 0; r < d->rows; r++)
        for (size_t i = 0; i < d->k; i++)
            d->x[r * d->k + i] = rp_dist_quantile(&in[i].dist,
                                                  d->u[r * d->k + i]);
}

int rp_sens_design_sobol(struct rp_sens_design *d,
                         const struct rp_sens_input *in, size_t k, long n,
                         char *msg, size_t cap)
{
    memset(d, 0, sizeof *d);
    if (check_inputs(in, k, msg, cap))
        return -1;
    /*
     * gsl_qrng_alloc does not refuse a dimension past its table: it returns
     * a generator whose extra coordinates are garbage. Hence the check here.
     */
    if (k > RP_SOBOL_MAX_INPUTS) {
        snprintf(msg, cap, "sobol needs 2k = %zu dimensions but GSL's Sobol "
                 "sequence has at most %d: at most %d uncertain inputs, not "
                 "%zu (use --method morris)", 2 * k, RP_SOBOL_MAX_DIM,
                 RP_SOBOL_MAX_INPUTS, k);
        return -1;
    }
    if (n < 2 || n > RP_SOBOL_MAX_SAMPLES) {
        snprintf(msg, cap, "sobol samples must be from 2 to %ld, not %ld",
                 RP_SOBOL_MAX_SAMPLES, n);
        return -1;
    }
    size_t N = (size_t)n;
    d->method = RP_SENS_SOBOL;
    d->base = N;
    alloc_rows(d, N * (k + 2), k);

    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    double pt[RP_SOBOL_MAX_DIM];
    if (!q) {
        fprintf(stderr, "ripple: out of memory allocating a Sobol sequence\n");
        abort();
    }
    /*
     * The sequence never yields 0 (its first point is 1/2 in every
     * dimension) and its coordinates are multiples of 2^-30 below 1, so
     * every u is inside (0, 1), where every quantile is finite.
     */
    for (size_t j = 0; j < N; j++) {
        gsl_qrng_get(q, pt);
        double *a = &d->u[j * k], *b = &d->u[(N + j) * k];
        for (size_t i = 0; i < k; i++) {
            assert(pt[i] > 0 && pt[i] < 1 && pt[k + i] > 0 && pt[k + i] < 1);
            a[i] = pt[i];
            b[i] = pt[k + i];
        }
        for (size_t i = 0; i < k; i++) {
            double *ab = &d->u[((2 + i) * N + j) * k];
            memcpy(ab, a, k * sizeof *ab);
            ab[i] = b[i];
        }
    }
    gsl_qrng_free(q);
    map_rows(d, in);
    return 0;
}

/* One trajectory's k + 1 rows, starting at row r0 of d (header: Morris). */
static void morris_trajectory(struct rp_sens_design *d, size_t r0,
                              gsl_rng *rng, size_t *order, int *level)
{
    size_t k = d->k;
    unsigned half = (unsigned)d->levels / 2;

    for (size_t i = 0; i < k; i++) {
        level[i] = (int)gsl_rng_uniform_int(rng, half);    /* low end */
        if (gsl_rng_uniform_int(rng, 2))
            level[i] += (int)half;                          /* start high */
        order[i] = i;
    }
    gsl_ran_shuffle(rng, order, k, sizeof *order);
    for (size_t m = 0; m <= k; m++) {
        if (m > 0) {
            size_t i = order[m - 1];
            level[i] += level[i] < (int)half ? (int)half : -(int)half;
        }
        d->moved[r0 + m] = m > 0 ? (uint32_t)order[m - 1] : (uint32_t)k;
        for (size_t i = 0; i < k; i++)
            d->u[(r0 + m) * k + i] = (level[i] + 0.5) / d->levels;
    }
}

int rp_sens_design_morris(struct rp_sens_design *d,
                          const struct rp_sens_input *in, size_t k, long r,
                          int p, uint64_t seed, char *msg, size_t cap)
{
    memset(d, 0, sizeof *d);
    if (check_inputs(in, k, msg, cap))
        return -1;
    if (r < 2 || r > RP_MORRIS_MAX_TRAJECTORIES) {
        snprintf(msg, cap, "morris trajectories must be from 2 to %ld, not %ld",
                 RP_MORRIS_MAX_TRAJECTORIES, r);
        return -1;
    }
    if (p < 2 || p > 1000 || p % 2) {
        snprintf(msg, cap, "morris levels must be an even number from 2 to "
                 "1000, not %d", p);
        return -1;
    }
    if (k >= UINT32_MAX) {
        snprintf(msg, cap, "too many uncertain inputs (%zu)", k);
        return -1;
    }
    d->method = RP_SENS_MORRIS;
    d->base = (size_t)r;
    d->levels = p;
    d->seed = seed;
    alloc_rows(d, (size_t)r * (k + 1), k);
    d->moved = rp_xmalloc(d->rows * sizeof *d->moved);

    gsl_rng *rng = rp_rng_new();
    size_t *order = rp_xmalloc(k * sizeof *order);
    int *level = rp_xmalloc(k * sizeof *level);
    uint64_t h = rp_path_hash("sensitivity.morris");
    for (size_t t = 0; t < (size_t)r; t++) {
        rp_rng_rekey(rng, rp_key(seed, t, h));
        morris_trajectory(d, t * (k + 1), rng, order, level);
    }
    free(level);
    free(order);
    gsl_rng_free(rng);
    map_rows(d, in);
    return 0;
}

void rp_sens_design_release(struct rp_sens_design *d)
{
    free(d->u);
    free(d->x);
    free(d->moved);
    memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------ bootstrap */

/* idx[0..n): resample b of n rows (identity for b < 0, the full sample). */
static void resample(gsl_rng *rng, uint64_t seed, long b, size_t *idx,
                     size_t n)
{
    if (b < 0) {
        for (size_t j = 0; j < n; j++)
            idx[j] = j;
        return;
    }
    rp_rng_rekey(rng, rp_key(seed, (uint64_t)b,
                             rp_path_hash("sensitivity.bootstrap")));
    for (size_t j = 0; j < n; j++)
        idx[j] = (size_t)gsl_rng_uniform_int(rng, (unsigned long)n);
}

/*
 * est->se and the percentile interval from the resampled values
 * t[0..nb) (sorted here); NaNs (a resample with no variance) are dropped.
 */
static void interval(double *t, size_t nb, double confidence,
                     struct rp_sens_est *est)
{
    size_t m = 0;
    for (size_t b = 0; b < nb; b++)
        if (!isnan(t[b]))
            t[m++] = t[b];
    est->se = est->lo = est->hi = NAN;
    if (m < 2)
        return;
    gsl_sort(t, 1, m);
    est->se = gsl_stats_sd(t, 1, m);
    est->lo = gsl_stats_quantile_from_sorted_data(t, 1, m,
                                                  (1 - confidence) / 2);
    est->hi = gsl_stats_quantile_from_sorted_data(t, 1, m,
                                                  (1 + confidence) / 2);
}

/* ------------------------------------------------------------ Sobol */

/* S1 and ST of every input over the rows idx[0..N): out[2i], out[2i+1]. */
static void sobol_once(const struct rp_sens_design *d, const double *y,
                       size_t stride, const size_t *idx, double *out)
{
    size_t N = d->base, k = d->k;
    double mean = 0, var = 0, scale = 0;

    /*
     * Two-pass variance over A and B. The S1 sum uses f(B) - mean in place
     * of f(B): the same expectation (f(AB_i) - f(A) has mean 0), but a
     * variance that no longer grows with the output's mean, which for
     * shortfalls of millions of units would swamp the index.
     */
    for (size_t j = 0; j < N; j++)
        mean += y[idx[j] * stride] + y[(N + idx[j]) * stride];
    mean /= (double)(2 * N);
    for (size_t j = 0; j < N; j++) {
        double a = y[idx[j] * stride] - mean;
        double b = y[(N + idx[j]) * stride] - mean;
        var += a * a + b * b;
        scale = fmax(scale, fmax(fabs(y[idx[j] * stride]),
                                 fabs(y[(N + idx[j]) * stride])));
    }
    var /= (double)(2 * N);
    /*
     * An output whose spread is below RELATIVE_NOISE of its size varies by
     * rounding alone (the same amounts summed in another order): its
     * indices would be ratios of rounding errors, so they are undefined.
     */
    if (!(sqrt(var) > RELATIVE_NOISE * scale))
        var = 0;
    for (size_t i = 0; i < k; i++) {
        double s1 = 0, st = 0;
        for (size_t j = 0; j < N; j++) {
            double fa = y[idx[j] * stride];
            double fb = y[(N + idx[j]) * stride];
            double fab = y[((2 + i) * N + idx[j]) * stride];
            s1 += (fb - mean) * (fab - fa);
            st += (fa - fab) * (fa - fab);
        }
        out[2 * i] = var > 0 ? s1 / (double)N / var : NAN;
        out[2 * i + 1] = var > 0 ? st / (double)(2 * N) / var : NAN;
    }
}

void rp_sens_sobol(const struct rp_sens_design *d, const double *y,
                   size_t stride, const struct rp_sens_boot *boot,
                   struct rp_sens_est *s1, struct rp_sens_est *st)
{
    assert(d->method == RP_SENS_SOBOL);
    size_t N = d->base, k = d->k;
    size_t nb = boot->resamples > 0 ? (size_t)boot->resamples : 0;
    size_t *idx = rp_xmalloc(N * sizeof *idx);
    double *est = rp_xmalloc(2 * k * sizeof *est);
    double *t = rp_xmalloc((2 * k * nb + 1) * sizeof *t);   /* [i][b] */
    gsl_rng *rng = rp_rng_new();

    resample(rng, boot->seed, -1, idx, N);
    sobol_once(d, y, stride, idx, est);
    for (size_t i = 0; i < k; i++) {
        s1[i] = (struct rp_sens_est){ est[2 * i], NAN, NAN, NAN };
        st[i] = (struct rp_sens_est){ est[2 * i + 1], NAN, NAN, NAN };
    }
    for (size_t b = 0; b < nb; b++) {
        resample(rng, boot->seed, (long)b, idx, N);
        sobol_once(d, y, stride, idx, est);
        for (size_t c = 0; c < 2 * k; c++)
            t[c * nb + b] = est[c];
    }
    for (size_t i = 0; i < k && nb; i++) {
        interval(&t[2 * i * nb], nb, boot->confidence, &s1[i]);
        interval(&t[(2 * i + 1) * nb], nb, boot->confidence, &st[i]);
    }
    gsl_rng_free(rng);
    free(t);
    free(est);
    free(idx);
}

/* ------------------------------------------------------------ Morris */

/*
 * Elementary effects of trajectory t: ee[i] for every input. The step in
 * probability is +-1/2 (header), read off the row's u so that its sign is
 * the direction the input moved.
 */
static void morris_effects(const struct rp_sens_design *d, const double *y,
                           size_t stride, size_t t, double *ee)
{
    size_t k = d->k, r0 = t * (k + 1);

    for (size_t m = 1; m <= k; m++) {
        size_t i = d->moved[r0 + m];
        double du = d->u[(r0 + m) * k + i] - d->u[(r0 + m - 1) * k + i];
        assert(i < k && fabs(fabs(du) - 0.5) < 1e-12);
        ee[i] = (y[(r0 + m) * stride] - y[(r0 + m - 1) * stride]) /
                (du > 0 ? 0.5 : -0.5);
    }
}

/* mu*, mu and sigma of every input over the trajectories idx[0..r). */
static void morris_once(const double *ee, size_t k, const size_t *idx,
                        size_t r, double *out)
{
    for (size_t i = 0; i < k; i++) {
        double sum = 0, abs_sum = 0, ss = 0;
        for (size_t j = 0; j < r; j++) {
            double e = ee[idx[j] * k + i];
            sum += e;
            abs_sum += fabs(e);
        }
        double mu = sum / (double)r;
        for (size_t j = 0; j < r; j++) {
            double e = ee[idx[j] * k + i] - mu;
            ss += e * e;
        }
        out[3 * i] = abs_sum / (double)r;
        out[3 * i + 1] = mu;
        out[3 * i + 2] = sqrt(ss / (double)(r - 1));
    }
}

void rp_sens_morris(const struct rp_sens_design *d, const double *y,
                    size_t stride, const struct rp_sens_boot *boot,
                    struct rp_sens_est *mu_star, struct rp_sens_est *mu,
                    struct rp_sens_est *sigma)
{
    assert(d->method == RP_SENS_MORRIS);
    size_t r = d->base, k = d->k;
    size_t nb = boot->resamples > 0 ? (size_t)boot->resamples : 0;
    double *ee = rp_xmalloc(r * k * sizeof *ee);
    size_t *idx = rp_xmalloc(r * sizeof *idx);
    double *est = rp_xmalloc(3 * k * sizeof *est);
    double *t = rp_xmalloc((3 * k * nb + 1) * sizeof *t);   /* [c][b] */
    gsl_rng *rng = rp_rng_new();
    struct rp_sens_est *dst[3] = { mu_star, mu, sigma };

    for (size_t j = 0; j < r; j++)
        morris_effects(d, y, stride, j, &ee[j * k]);
    resample(rng, boot->seed, -1, idx, r);
    morris_once(ee, k, idx, r, est);
    for (size_t c = 0; c < 3 * k; c++)
        dst[c % 3][c / 3] = (struct rp_sens_est){ est[c], NAN, NAN, NAN };
    for (size_t b = 0; b < nb; b++) {
        resample(rng, boot->seed, (long)b, idx, r);
        morris_once(ee, k, idx, r, est);
        for (size_t c = 0; c < 3 * k; c++)
            t[c * nb + b] = est[c];
    }
    for (size_t c = 0; c < 3 * k && nb; c++)
        interval(&t[c * nb], nb, boot->confidence, &dst[c % 3][c / 3]);
    gsl_rng_free(rng);
    free(t);
    free(est);
    free(idx);
    free(ee);
}
