/*
 * cost_effect.h - what a policy costs per unit of shortfall it avoids.
 *
 * Two arms (a base and a policy) ran the same replications on common
 * random numbers, so replication r of each saw the same draws. Per
 * replication the policy's extra cost is dc_r = cost_policy - cost_base
 * and the shortfall it avoided is da_r = short_base - short_policy. The
 * cost per unit avoided is the ratio of the means, R = mean(dc) / mean(da)
 * (not the mean of ratios: a replication that avoids nothing would divide
 * by zero). Its interval is the delta method's: R -+ hw(z) / mean(da),
 * where z_r = dc_r - R da_r and hw(z) is the half-width of z's mean from
 * stats.h, so it shrinks with the pairing exactly as the differences do.
 * It is not computed (NAN) when the policy avoids no shortfall on average
 * (mean(da) <= 0): a cost per unit avoided means nothing there. When the
 * interval of mean(da) includes 0 the ratio's interval is wide and the
 * delta method's is only indicative; read the two differences.
 *
 * Cost: O(n) with three accumulators (stats.h, exact mode).
 */
#ifndef RIPPLE_COST_EFFECT_H
#define RIPPLE_COST_EFFECT_H

#include "ripple/stats.h"

struct rp_cost_effect {
    struct rp_summary dcost;    /* paired cost difference policy - base */
    struct rp_summary avoided;  /* paired shortfall avoided, base - policy */
    double per_unit;            /* mean(dc) / mean(da); NAN when mean(da) <= 0 */
    double per_unit_lo;         /* the delta method's interval; NAN likewise */
    double per_unit_hi;
};

/*
 * Fills *out from the n paired replications of both arms (arrays of n
 * values each, borrowed), with intervals at confidence (0.95 = 95%).
 */
void rp_cost_effect(const double *cost_base, const double *cost_policy,
                    const double *short_base, const double *short_policy,
                    long n, double confidence, struct rp_cost_effect *out);

#endif
