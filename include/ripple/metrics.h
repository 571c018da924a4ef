/*
 * metrics.h - the metrics one replication reports: the one list.
 *
 * Each row names a metric once with every property the engine, stats,
 * reports, compare and plots need; everything else expands this list
 * (RP_METRICS(X)) instead of keeping its own. What each metric measures is
 * defined in docs/SCENARIO-FORMAT.md ("Metrics").
 *
 * Columns: enum suffix, name, lower is better (a larger value is worse),
 * tail (its summary reports CVaR95 and P(any)), unit, how a report group
 * combines its members' holdings. A metric with RP_AGG_NONE is not
 * reported for groups; group values come in this order.
 */
#ifndef RIPPLE_METRICS_H
#define RIPPLE_METRICS_H

enum rp_unit {
    RP_UNIT_GOODS,      /* the product's unit (scenario products.P.unit) */
    RP_UNIT_DAYS,
    RP_UNIT_SHARE,      /* 0..1 */
    RP_UNIT_COUNT,
    RP_UNIT_MONEY,      /* the scenario's currency (its top-level currency:) */
    RP_UNIT_INPUT,      /* an uncertain input's draw: the unit of the value it sets */
};

enum rp_agg {
    RP_AGG_NONE,        /* not a group metric */
    RP_AGG_SUM,         /* sum over the members */
    RP_AGG_RATIO,       /* fill rate: served over demanded, both summed */
    RP_AGG_MAKERS,      /* sum over the members that make the product */
    RP_AGG_MAKERS_MEAN, /* that sum over the number of members */
    RP_AGG_MEAN,        /* mean over the members */
    RP_AGG_PEAK,        /* the largest value of the members' sum over time (not a sum of peaks) */
    RP_AGG_NODES,       /* sum over the member nodes, all their products (costs) */
};

/*  X(ENUM,        name,           lower, tail, unit,     group) */
#define RP_METRICS(X)                                                        \
    /* units ordered from the node (a market: its demand) */                 \
    X(DEMAND,       "demand",       1, 0, GOODS, SUM)                        \
    /* units it delivered */                                                 \
    X(DELIVERED,    "delivered",    0, 0, GOODS, SUM)                        \
    /* lost + still backordered at the horizon: the shortfall */             \
    X(UNMET,        "unmet",        1, 1, GOODS, SUM)                        \
    /* units lost (lost-sales demand) */                                     \
    X(LOST,         "lost",         1, 1, GOODS, SUM)                        \
    /* share of demanded units served from stock on arrival (1 with none) */ \
    X(FILL_RATE,    "fill_rate",    0, 0, SHARE, RATIO)                      \
    /* time share with nothing on hand */                                    \
    X(STOCKOUT,     "stockout",     1, 0, SHARE, NONE)                       \
    /* time-average units on hand */                                         \
    X(ON_HAND,      "on_hand",      0, 0, GOODS, SUM)                        \
    /* time-average units owed to customers */                               \
    X(BACKORDERS,   "backorders",   1, 1, GOODS, SUM)                        \
    /* the most owed (and not yet shipped) at any instant */                 \
    X(PEAK_BACKORDERS, "peak_backorders", 1, 1, GOODS, PEAK)                 \
    /* mean days from placing an order to its delivery, per unit (0: none) */\
    X(CYCLE_TIME,   "cycle_time",   1, 0, DAYS, NONE)                        \
    /* makers: units completed */                                            \
    X(PRODUCED,     "produced",     0, 0, GOODS, MAKERS)                     \
    /* output lost for want of inputs; on an input: lost for want of it */   \
    X(STARVED,      "starved",      1, 1, GOODS, MAKERS)                     \
    /* makers: time-average units ordered and not yet made */                \
    X(WIP,          "wip",          1, 0, GOODS, MAKERS)                     \
    /* makers: time-average share of capacity in use */                      \
    X(UTILIZATION,  "utilization",  0, 0, SHARE, MAKERS_MEAN)                \
    /* makers: times output stopped for want of inputs or an outage */       \
    X(STOPPAGES,    "stoppages",    1, 0, COUNT, NONE)                       \
    /* time share the node was down */                                       \
    X(DOWN,         "down",         1, 0, SHARE, MEAN)                       \
    /* outages that began */                                                 \
    X(OUTAGES,      "outages",      1, 0, COUNT, NONE)                       \
    /* mean completed up time between outages (0 with none) */               \
    X(MTBF,         "mtbf",         0, 0, DAYS, NONE)                        \
    /* mean completed outage length (0 with none) */                         \
    X(MTTR,         "mttr",         1, 0, DAYS, NONE)                        \
    /* days to the first outage (the horizon if none) */                     \
    X(FIRST_OUTAGE, "first_outage", 0, 0, DAYS, NONE)                        \
    /* event: days from its start to the node's first shortfall */           \
    X(TTS,          "tts",          0, 0, DAYS, NONE)                        \
    /* event: days from its start until output is back to 95% of before */   \
    X(TTR,          "ttr",          1, 0, DAYS, NONE)                        \
    /* event: 1 when recovery took longer than survival, else 0 */           \
    X(TTR_GT_TTS,   "ttr_gt_tts",   1, 0, SHARE, NONE)                   \
    /* costs, per node (all its products) and group; only with costs given */\
    /* purchases: units shipped to it over each edge times the edge's price */\
    X(SPEND,        "spend",        1, 0, MONEY, NODES)                      \
    /* holding cost: units on hand times their holding rate, per day */      \
    X(HOLDING,      "holding",      1, 0, MONEY, NODES)                      \
    /* margin on output lost (starved, down) + penalty on unmet demand */    \
    X(SHORTAGE,     "shortage",     1, 1, MONEY, NODES)                      \
    /* one-off costs of the events that started (policies) */                \
    X(POLICY,       "policy",       1, 0, MONEY, NODES)                      \
    /* spend + holding + shortage + policy */                                \
    X(COST,         "cost",         1, 1, MONEY, NODES)                      \
    /* uncertain input: the value this replication drew and ran with */      \
    X(DRAW,         "draw",         0, 0, INPUT, NONE)

enum rp_metric {
#define X(e, name, lower, tail, unit, agg) RP_M_##e,
    RP_METRICS(X)
#undef X
    RP_M_COUNT
};

/* The properties of metric m, from the list above (metrics.c). */
int rp_metric_lower_is_better(enum rp_metric m);    /* a larger value is worse */
const char *rp_metric_name(enum rp_metric m);
int rp_metric_tail(enum rp_metric m);               /* summaries give CVaR95, P(any) */
enum rp_unit rp_metric_unit(enum rp_metric m);
enum rp_agg rp_metric_agg(enum rp_metric m);
/* The metric called name; -1 when none is. */
int rp_metric_by_name(const char *name, enum rp_metric *out);

#endif
