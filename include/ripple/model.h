/*
 * model.h - the immutable model of a scenario, and what a replication
 * reports.
 *
 * rp_model_new() derives from a loaded scenario everything the event loop
 * needs: holdings (a node's stock of one product), supply edges, which
 * edges each disruption touches, one random stream per random quantity, and
 * the layout of the values one replication reports (rp_model_values). The
 * model is immutable and shared by every thread. What each metric measures
 * is defined in docs/SCENARIO-FORMAT.md.
 */
#ifndef RIPPLE_MODEL_H
#define RIPPLE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "ripple/scenario.h"

/* Metrics one replication reports. */
enum rp_metric {
    RP_M_DEMAND,        /* units ordered from the node (a market: its demand) */
    RP_M_DELIVERED,     /* units it delivered */
    RP_M_UNMET,         /* lost + still backordered at the horizon: the shortfall */
    RP_M_LOST,          /* units lost (lost-sales demand) */
    RP_M_FILL_RATE,     /* share of demanded units served from stock on arrival (1 with no demand) */
    RP_M_STOCKOUT,      /* time share with nothing on hand */
    RP_M_ON_HAND,       /* time-average units on hand */
    RP_M_BACKORDERS,    /* time-average units owed to customers */
    RP_M_CYCLE_TIME,    /* mean days from placing an order to its delivery, per unit (0 with none) */
    RP_M_WIP,           /* makers: time-average units ordered and not yet made */
    RP_M_PRODUCED,      /* makers: units completed */
    RP_M_STARVED,       /* output units lost for want of inputs; on an input: lost for want of it */
    RP_M_UTILIZATION,   /* makers: time-average share of capacity in use (a part batch counts its share) */
    RP_M_STOPPAGES,     /* makers: times output stopped for want of inputs or an outage */
    RP_M_DOWN,          /* time share the node was down */
    RP_M_OUTAGES,       /* outages that began */
    RP_M_MTBF,          /* mean completed up time between outages (0 with none) */
    RP_M_MTTR,          /* mean completed outage length (0 with none) */
    RP_M_FIRST_OUTAGE,  /* days to the first outage (the horizon if none) */
    RP_M_TTS,           /* event: days from its start to the node's first shortfall (censored at the horizon) */
    RP_M_TTR,           /* event: days from its start until output is back to 95% of the pre-event level */
    RP_M_TTR_GT_TTS,    /* event: 1 when recovery took longer than survival, else 0 */
    RP_M_COUNT
};

/* Whether a larger value of the metric is worse (shortfall-like). */
int rp_metric_lower_is_better(enum rp_metric m);
const char *rp_metric_name(enum rp_metric m);

enum rp_scope {
    RP_SCOPE_NODE,      /* owner: node index */
    RP_SCOPE_GROUP,     /* owner: report group index */
    RP_SCOPE_EVENT,     /* owner: event index; node: the affected node */
};

/* What value i of a replication's result means. */
struct rp_value_desc {
    enum rp_scope scope;
    uint32_t owner;
    uint32_t node;      /* RP_SCOPE_EVENT: the node; else RP_NONE */
    uint32_t product;   /* RP_NONE for event values */
    enum rp_metric metric;
};

struct rp_model;

/*
 * Network rules that need the model's view of who orders from whom, run
 * after the loader's own checks: a bill of materials that needs itself
 * (a maker whose inputs come, through its suppliers, from its own output)
 * is refused at the source that closes the loop. Returns 0, or -1 with the
 * reasons in diag. Linear in holdings and edges.
 */
int rp_model_check(const struct rp_scenario *sc, struct rp_diag *diag);

/* Builds the model of sc, which must outlive it. Cannot fail but on memory. */
struct rp_model *rp_model_new(const struct rp_scenario *sc);
void rp_model_free(struct rp_model *m);

const struct rp_scenario *rp_model_scenario(const struct rp_model *m);
size_t rp_model_nvalues(const struct rp_model *m);
const struct rp_value_desc *rp_model_values(const struct rp_model *m);

/*
 * Daily series (when the scenario's report.series is on): for each report
 * group, its output and its shortfall on each day 0..ndays-1, laid out as
 * series[(group * 2 + kind) * ndays + day], kind 0 = output (units made or
 * delivered that day), kind 1 = shortfall (units lost so far plus owed).
 */
size_t rp_model_series_days(const struct rp_model *m);
size_t rp_model_series_len(const struct rp_model *m);
/* The product a group's figures are about (its members' main product). */
uint32_t rp_model_group_product(const struct rp_model *m, uint32_t group);

#endif
