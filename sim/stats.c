/*
 * stats.c - accumulators, summaries and intervals over replications.
 *
 * GSL does the numerics: Welford's running moments as gsl_rstat computes
 * them (in both modes, which is what makes mean/sd/min/max identical
 * between them; inline, because a gsl_rstat workspace also feeds a median
 * estimator on every add and costs a heap block per metric), gsl_sort and
 * gsl_stats_quantile_from_sorted_data for exact quantiles, P-square
 * workspaces for streamed ones and gsl_cdf_tdist_Pinv for t quantiles.
 */
#include "ripple/stats.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "ripple/diag.h"

#define CVAR_LEVEL 0.95
#define CVAR_TAIL 0.05          /* 1 - CVAR_LEVEL, the tail's probability */

/*
 * Levels of the STREAM workspaces q[]: p05 and p95, then the nodes of the
 * trapezoid rule for CVaR above 0.95 (p95 is the first node, shared).
 * Spacing 0.0125 up to 0.9875, then 0.995 to follow the steepening tail.
 */
enum { Q05, Q50, Q95, Q9625, Q975, Q9875, Q995 };
static const double qlevel[RP_ACC_NQ] = {
    0.05, 0.5, 0.95, 0.9625, 0.975, 0.9875, 0.995,
};

/* GSL allocators report failure by returning NULL (handler off): abort. */
static void *need(void *p, const char *what)
{
    if (!p) {
        fprintf(stderr, "ripple: out of memory allocating %s\n", what);
        abort();
    }
    return p;
}

void rp_acc_init(struct rp_acc *a, enum rp_acc_mode mode)
{
    memset(a, 0, sizeof *a);
    a->mode = mode;
    if (mode == RP_ACC_STREAM) {
        a->q = need(calloc(RP_ACC_NQ, sizeof *a->q), "quantile estimators");
        for (int i = 0; i < RP_ACC_NQ; i++)
            a->q[i] = need(gsl_rstat_quantile_alloc(qlevel[i]),
                           "a quantile estimator");
    }
}

void rp_acc_release(struct rp_acc *a)
{
    for (int i = 0; a->q && i < RP_ACC_NQ; i++)
        gsl_rstat_quantile_free(a->q[i]);
    free(a->q);
    free(a->x);
    memset(a, 0, sizeof *a);
}

/*
 * gsl_rstat_add's recurrence for n, min, max, mean and M2, operation for
 * operation (GSL 2.7 rstat/rstat.c), so summaries keep GSL's bits; the
 * third and fourth moments, which nothing reports, are left out.
 */
static void welford(struct rp_acc *a, double x)
{
    double delta = x - a->mean;

    if (a->n == 0) {
        a->min = x;
        a->max = x;
    } else {
        if (x < a->min)
            a->min = x;
        if (x > a->max)
            a->max = x;
    }
    double n = (double)++a->n;
    double delta_n = delta / n;
    double term1 = delta * delta_n * (n - 1.0);
    a->mean += delta_n;
    a->m2 += term1;
}

void rp_acc_add(struct rp_acc *a, double x)
{
    assert(isfinite(x));        /* a metric's value is never NaN or inf */
    welford(a, x);
    if (x > 0)
        a->npos++;

    if (a->mode == RP_ACC_EXACT) {
        if (a->len == a->cap) {
            /* amortised O(1); from 1, as a network's single run holds
             * millions of accumulators of one value each */
            a->cap = a->cap ? 2 * a->cap : 1;
            a->x = rp_xrealloc(a->x, a->cap * sizeof *a->x);
        }
        a->x[a->len++] = x;
    } else {
        for (int i = 0; i < RP_ACC_NQ; i++)
            gsl_rstat_quantile_add(x, a->q[i]);
    }
}

/*
 * Rockafellar-Uryasev: F(v) = v + sum (x_i - v)^+ / (0.05 n) is convex and
 * piecewise linear in v with slope 1 - #{x_i > v} / (0.05 n), so its minimum
 * (the CVaR) is at the order statistic x_(k), k = ceil(0.95 n) = ceil(19 n /
 * 20), counted in integers so that no rounding of 0.95 n can move it.
 */
static double cvar_sorted(const double *s, size_t n)
{
    size_t k = (19 * n + 19) / 20;              /* 1-based, 1 <= k <= n */
    double var = s[k - 1];
    double excess = 0;

    for (size_t i = k; i < n; i++)
        excess += s[i] - var;
    return var + excess / (CVAR_TAIL * (double)n);
}

static void quantiles_exact(const struct rp_acc *a, struct rp_summary *out)
{
    double *s = rp_xmalloc(a->len * sizeof *s);    /* a itself stays as is */

    memcpy(s, a->x, a->len * sizeof *s);
    gsl_sort(s, 1, a->len);
    out->p05 = gsl_stats_quantile_from_sorted_data(s, 1, a->len, 0.05);
    out->p50 = gsl_stats_quantile_from_sorted_data(s, 1, a->len, 0.50);
    out->p95 = gsl_stats_quantile_from_sorted_data(s, 1, a->len, CVAR_LEVEL);
    out->cvar95 = cvar_sorted(s, a->len);
    free(s);
}

/*
 * Reading a P-square estimate does not disturb the estimator: with n <= 5 it
 * sorts the values held so far, which the sixth add would sort anyway.
 */
static void quantiles_stream(const struct rp_acc *a, double max,
                             struct rp_summary *out)
{
    /* nodes u = 0.95, 0.9625, 0.975, 0.9875, 0.995, 1 */
    static const double width[] = { 0.0125, 0.0125, 0.0125, 0.0075, 0.005 };
    double q[6];
    double area = 0;

    out->p05 = gsl_rstat_quantile_get(a->q[Q05]);
    out->p50 = gsl_rstat_quantile_get(a->q[Q50]);
    out->p95 = gsl_rstat_quantile_get(a->q[Q95]);

    /*
     * The five markers of different estimators may cross by estimation
     * error; a quantile function does not decrease, so neither may its
     * estimate, or the tail mean could fall below VaR.
     */
    q[0] = out->p95;
    for (int i = 1; i < 5; i++)
        q[i] = fmax(q[i - 1], gsl_rstat_quantile_get(a->q[Q95 + i]));
    q[5] = fmax(q[4], max);
    for (int i = 0; i < 5; i++)
        area += 0.5 * width[i] * (q[i] + q[i + 1]);
    out->cvar95 = area / CVAR_TAIL;
}

void rp_acc_summarize(const struct rp_acc *a, double confidence,
                      struct rp_summary *out)
{
    assert(confidence > 0 && confidence < 1);
    long n = rp_acc_n(a);

    out->n = n;
    out->exact = a->mode == RP_ACC_EXACT;
    if (n == 0) {
        out->mean = out->sd = out->se = out->hw = NAN;
        out->ci_lo = out->ci_hi = NAN;
        out->p05 = out->p50 = out->p95 = out->cvar95 = NAN;
        out->min = out->max = out->p_pos = NAN;
        return;
    }

    out->mean = a->mean;
    /* gsl_rstat_sd: sqrt(M2 / (n - 1)); GSL says 0 for n = 1, we say NaN */
    out->sd = n > 1 ? sqrt(a->m2 / ((double)n - 1.0)) : NAN;
    out->se = out->sd / sqrt((double)n);
    out->hw = rp_t_halfwidth(out->sd, n, confidence);
    out->ci_lo = out->mean - out->hw;
    out->ci_hi = out->mean + out->hw;
    out->min = a->min;
    out->max = a->max;
    out->p_pos = (double)a->npos / (double)n;

    if (a->mode == RP_ACC_EXACT)
        quantiles_exact(a, out);
    else
        quantiles_stream(a, out->max, out);
}

double rp_t_halfwidth(double sd, long n, double confidence)
{
    assert(confidence > 0 && confidence < 1);
    if (n < 2)
        return NAN;
    double t = gsl_cdf_tdist_Pinv(0.5 * (1 + confidence), (double)(n - 1));
    return t * (sd / sqrt((double)n));    /* the same rounding as se */
}

double rp_welch_halfwidth(const struct rp_summary *a,
                          const struct rp_summary *b, double confidence)
{
    assert(confidence > 0 && confidence < 1);
    if (a->n < 2 || b->n < 2)
        return NAN;

    double va = a->sd * a->sd / (double)a->n;
    double vb = b->sd * b->sd / (double)b->n;
    double v = va + vb;
    if (v == 0)
        return 0;               /* the dof would be 0/0; no spread, no width */
    double dof = v * v / (va * va / (double)(a->n - 1) +
                          vb * vb / (double)(b->n - 1));
    return gsl_cdf_tdist_Pinv(0.5 * (1 + confidence), dof) * sqrt(v);
}

bool rp_precision_reached(const struct rp_summary *s, double rel)
{
    if (s->n < 2 || !(s->hw >= 0))
        return false;
    if (s->mean == 0)
        return s->hw == 0;
    return s->hw <= rel * fabs(s->mean);
}

void rp_paired_init(struct rp_paired *p, enum rp_acc_mode mode)
{
    rp_acc_init(&p->diff, mode);
    p->better = 0;
    p->n = 0;
}

void rp_paired_release(struct rp_paired *p)
{
    rp_acc_release(&p->diff);
    p->better = 0;
    p->n = 0;
}

void rp_paired_add(struct rp_paired *p, double base, double variant,
                   int lower_is_better)
{
    /*
     * A difference within rounding of the two values is a tie: sums taken
     * in another order differ in the last bits without anything having
     * changed, and must not count as "better".
     */
    double tie = RP_PAIRED_TIE * (fabs(base) + fabs(variant));
    double d = variant - base;
    rp_acc_add(&p->diff, d);
    if (lower_is_better ? d < -tie : d > tie)
        p->better++;
    p->n++;
}

/*
 * 17 significant digits always round-trip, but print 0.1 as
 * 0.10000000000000001; the first of 15, 16, 17 that reads back the same
 * is the shortest of them that is exact. glibc's printf and strtod are
 * correctly rounded, so the text is the same on every such machine.
 */
int rp_fmt_double(char *buf, size_t cap, double x)
{
    char tmp[RP_FMT_DOUBLE_CAP];

    if (!isfinite(x))
        return snprintf(buf, cap, "null");
    for (int prec = 15; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, x);
        if (strtod(tmp, NULL) == x)
            return snprintf(buf, cap, "%s", tmp);
    }
    return snprintf(buf, cap, "%.17g", x);
}
