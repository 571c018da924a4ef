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

#include "ripple/metrics.h"
#include "ripple/scenario.h"

enum rp_scope {
    RP_SCOPE_NODE,      /* owner: node index */
    RP_SCOPE_GROUP,     /* owner: report group index */
    RP_SCOPE_EVENT,     /* owner: event index; node: the affected node */
    RP_SCOPE_PERIOD,    /* owner: report group; node: calendar year's index (periods.h) */
    RP_SCOPE_INPUT,     /* owner: uncertain input index (scenario.uncertain[]) */
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
/* The calendar years of the run (report.day0), *n of them; NULL, 0 without. */
struct rp_period;
const struct rp_period *rp_model_periods(const struct rp_model *m, size_t *n);

/* The product a group's figures are about (its members' main product). */
uint32_t rp_model_group_product(const struct rp_model *m, uint32_t group);

#endif
