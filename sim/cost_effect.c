/*
 * cost_effect.c - cost per unit of shortfall avoided, from paired
 * replications (cost_effect.h says how and why).
 */
#include "ripple/cost_effect.h"

#include <math.h>

static void summarize_diff(const double *a, const double *b, long n,
                           double confidence, struct rp_summary *s)
{
    struct rp_acc acc;
    rp_acc_init(&acc, RP_ACC_EXACT);
    for (long r = 0; r < n; r++)
        rp_acc_add(&acc, b[r] - a[r]);
    rp_acc_summarize(&acc, confidence, s);
    rp_acc_release(&acc);
}

void rp_cost_effect(const double *cost_base, const double *cost_policy,
                    const double *short_base, const double *short_policy,
                    long n, double confidence, struct rp_cost_effect *out)
{
    summarize_diff(cost_base, cost_policy, n, confidence, &out->dcost);
    summarize_diff(short_policy, short_base, n, confidence, &out->avoided);
    out->per_unit = out->per_unit_lo = out->per_unit_hi = NAN;
    double da = out->avoided.mean;
    if (!(n > 0 && da > 0))
        return;
    double ratio = out->dcost.mean / da;
    struct rp_acc z;
    struct rp_summary zs;
    rp_acc_init(&z, RP_ACC_EXACT);
    for (long r = 0; r < n; r++)
        rp_acc_add(&z, (cost_policy[r] - cost_base[r])
                       - ratio * (short_base[r] - short_policy[r]));
    rp_acc_summarize(&z, confidence, &zs);
    rp_acc_release(&z);
    out->per_unit = ratio;
    double hw = zs.hw / da;             /* NAN with one replication: no interval */
    out->per_unit_lo = ratio - hw;
    out->per_unit_hi = ratio + hw;
}
