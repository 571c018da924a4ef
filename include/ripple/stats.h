/*
 * stats.h - one metric over replications: accumulators, summaries, intervals.
 *
 * A struct rp_acc takes the values of one metric (say, lges/cell/unmet), one
 * per replication, in replication order, from one thread; the batch module
 * merges per-replication results in order, so sums never depend on threads.
 * rp_acc_summarize() turns it into the numbers every report prints.
 *
 * Key rule: n, mean, sd, min and max are computed by the same code in both
 * modes (Welford's recurrence, written as gsl_rstat_add writes it, so the
 * bits match GSL's), so they are bit-for-bit the same whether the values
 * were kept or not; only the quantiles and CVaR differ.
 *
 *   RP_ACC_EXACT   keeps every value (an array grown by doubling from 1: 8
 *                  bytes a replication, no other heap): quantiles and CVaR
 *                  are exact sample values. A network of 100,000 nodes has
 *                  millions of metrics, so what an accumulator costs before
 *                  its first value is what a big single run pays.
 *   RP_ACC_STREAM  constant memory (about 1.3 KB on the heap, never grows);
 *                  quantiles are P-square estimates (Jain and Chlamtac,
 *                  1985, gsl_rstat_quantile) and CVaR is approximate.
 *
 * Definitions (x_1..x_n the values, x_(1) <= ... <= x_(n) sorted):
 *   mean   arithmetic mean
 *   sd     sample standard deviation, divisor n - 1
 *   se     sd / sqrt(n)
 *   ci     mean -+ hw, hw = t_{(1+c)/2, n-1} * se (Student t, c = confidence)
 *   p05, p50, p95
 *          EXACT: quantile with linear interpolation between order
 *          statistics (Hyndman and Fan type 7, R's default):
 *          h = p (n - 1), q = x_(floor h + 1) + (h - floor h) (next - it),
 *          gsl_stats_quantile_from_sorted_data.  STREAM: P-square estimate
 *          (exact type 7 while n <= 5).
 *   cvar95 upper-tail conditional value at risk at 95%: the mean of the worst
 *          5% of outcomes, where worse is larger (shortfalls, delays).
 *          EXACT: the Rockafellar-Uryasev sample estimator
 *              cvar = min_v  v + sum_i max(x_i - v, 0) / (0.05 n),
 *          whose minimum lies at v = x_(k), k = ceil(0.95 n): the mean of
 *          the top 0.05 n values, the boundary one weighted by its fraction
 *          (1..100 gives 98, the mean of 96..100). v is not p95: between
 *          order statistics the type 7 p95 is no minimiser, and for small
 *          n it would give a cvar above the maximum. min <= cvar <= max.
 *          STREAM: approximation of (1/0.05) * integral_{0.95}^{1} q(u) du
 *          by the trapezoid rule over P-square estimates of q at u = 0.95,
 *          0.9625, 0.975, 0.9875, 0.995 and the maximum at u = 1 (the
 *          estimates made non-decreasing first). It is biased upwards for
 *          long upper tails, since the maximum keeps growing with n: for
 *          exponential values and n = 1e5 by about 0.26, or 7%.
 *   p_pos  share of values > 0: for a shortfall metric, the probability that
 *          there was any shortfall at all
 * With n = 0 every number is NaN; with n = 1, sd, se, ci and hw are NaN (a
 * single replication says nothing about spread). rp_fmt_double() prints NaN
 * as JSON null.
 *
 * Costs: rp_acc_add is O(1) (STREAM: 7 P-square updates); rp_acc_summarize
 * is O(n log n) in EXACT mode, since it sorts a temporary copy, and O(1) in
 * STREAM mode. Allocation failure aborts (rp_xmalloc).
 */
#ifndef RIPPLE_STATS_H
#define RIPPLE_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rstat.h>

enum rp_acc_mode {
    RP_ACC_EXACT,               /* keep every value: exact quantiles */
    RP_ACC_STREAM,              /* constant memory: estimated quantiles */
};

/* Quantile levels tracked by P-square in STREAM mode: p05, p50, p95, tail. */
#define RP_ACC_NQ 7

/*
 * One metric over replications. The struct is visible so that arrays of
 * them need no extra allocation; its fields are private to stats.c.
 */
struct rp_acc {
    enum rp_acc_mode mode;
    long n;                     /* values added */
    long npos;                  /* values > 0 */
    double mean, m2;            /* Welford: running mean, sum of squared deviations */
    double min, max;
    double *x;                  /* EXACT: the values, in arrival order */
    size_t len;
    size_t cap;
    gsl_rstat_quantile_workspace **q;   /* STREAM only: RP_ACC_NQ estimators; else NULL
                                           (one pointer, not NQ, in every EXACT one) */
};

/* What reports print about one metric; see the definitions above. */
struct rp_summary {
    long n;                     /* replications */
    double mean;
    double sd;
    double se;
    double hw;                  /* half-width: ci = mean -+ hw */
    double ci_lo;
    double ci_hi;
    double p05;
    double p50;
    double p95;
    double min;
    double max;
    double cvar95;
    double p_pos;               /* share of values > 0 */
    bool exact;                 /* quantiles and cvar95 exact (EXACT mode) */
};

/* Makes a empty. The caller releases it with rp_acc_release(). */
void rp_acc_init(struct rp_acc *a, enum rp_acc_mode mode);

/* Frees what a holds; a may be inited again. */
void rp_acc_release(struct rp_acc *a);

/* Adds one replication's value, which must be finite (asserted). */
void rp_acc_add(struct rp_acc *a, double x);

/* Values added so far. */
static inline long rp_acc_n(const struct rp_acc *a)
{
    return a->n;
}

/*
 * Fills *out from a at confidence (0 < confidence < 1, asserted). a is not
 * changed in any way that later adds or summaries could see, so a run may
 * print interim summaries (e.g. to stop at a target precision).
 */
void rp_acc_summarize(const struct rp_acc *a, double confidence,
                      struct rp_summary *out);

/*
 * Half-width t_{(1+c)/2, n-1} * sd / sqrt(n) of the Student t interval for
 * a mean, c = confidence. NaN when n < 2 or sd is NaN; 0 when sd is 0.
 */
double rp_t_halfwidth(double sd, long n, double confidence);

/*
 * Half-width of the interval for mean(a) - mean(b) when a and b come from
 * independent samples with unequal variances (Welch): t * sqrt(va + vb),
 * va = sd_a^2 / n_a, with Welch-Satterthwaite degrees of freedom
 * (va + vb)^2 / (va^2 / (n_a - 1) + vb^2 / (n_b - 1)). NaN when either n < 2;
 * 0 when both sd are 0. Reports print it beside the paired half-width to
 * show what common random numbers gained.
 */
double rp_welch_halfwidth(const struct rp_summary *a,
                          const struct rp_summary *b, double confidence);

/*
 * Has the interval of s reached relative precision rel, hw <= rel * |mean|?
 * False when n < 2; when the mean is 0, true only if hw is 0 as well.
 */
bool rp_precision_reached(const struct rp_summary *s, double rel);

/*
 * Paired comparison of a variant with the base on common random numbers:
 * diff takes variant - base of each replication, better counts the
 * replications in which the variant was strictly better.
 */
struct rp_paired {
    struct rp_acc diff;         /* variant - base */
    long better;                /* replications strictly better */
    long n;                     /* replications */
};

void rp_paired_init(struct rp_paired *p, enum rp_acc_mode mode);
void rp_paired_release(struct rp_paired *p);

/*
 * Adds one replication. lower_is_better is 1 for metrics that are bad when
 * large (unmet, stockout, cycle_time), 0 for those good when large
 * (delivered, fill_rate). Ties count as not better; a difference within
 * RP_PAIRED_TIE of the values' size is a tie (rounding, not a change).
 */
#define RP_PAIRED_TIE 1e-12
void rp_paired_add(struct rp_paired *p, double base, double variant,
                   int lower_is_better);

/* Room enough for any rp_fmt_double() result and its terminating NUL. */
#define RP_FMT_DOUBLE_CAP 32

/*
 * Writes x into buf as a JSON number in the fewest significant digits (15,
 * 16 or 17, "%.<d>g") that read back as exactly x, so 0.1 prints as "0.1"
 * and every double survives a round trip through text. NaN and infinities
 * print as "null"; -0.0 as "-0". Assumes the "C" LC_NUMERIC locale (the
 * default unless the program calls setlocale). Returns the length, as
 * snprintf does (truncated output when cap is too small; use
 * RP_FMT_DOUBLE_CAP).
 */
int rp_fmt_double(char *buf, size_t cap, double x);

#endif
