/*
 * metrics.c - the one table of the metrics' names, directions, tails,
 * units and aggregation (the RP_METRICS list of metrics.h).
 */
#include "ripple/metrics.h"

#include <string.h>

static const struct {
    const char *name;
    int lower, tail;
    enum rp_unit unit;
    enum rp_agg agg;
} metrics[RP_M_COUNT] = {
#define X(e, name, lower, tail, unit, agg) \
    [RP_M_##e] = { name, lower, tail, RP_UNIT_##unit, RP_AGG_##agg },
    RP_METRICS(X)
#undef X
};

const char *rp_metric_name(enum rp_metric m)
{
    return m < RP_M_COUNT ? metrics[m].name : "?";
}

int rp_metric_lower_is_better(enum rp_metric m)
{
    return m < RP_M_COUNT ? metrics[m].lower : 1;
}

int rp_metric_tail(enum rp_metric m)
{
    return m < RP_M_COUNT ? metrics[m].tail : 0;
}

enum rp_unit rp_metric_unit(enum rp_metric m)
{
    return m < RP_M_COUNT ? metrics[m].unit : RP_UNIT_GOODS;
}

enum rp_agg rp_metric_agg(enum rp_metric m)
{
    return m < RP_M_COUNT ? metrics[m].agg : RP_AGG_NONE;
}

int rp_metric_by_name(const char *name, enum rp_metric *out)
{
    for (int k = 0; k < RP_M_COUNT; k++)
        if (!strcmp(metrics[k].name, name)) {
            *out = (enum rp_metric)k;
            return 0;
        }
    return -1;
}
