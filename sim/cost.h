/*
 * cost.h - what a replication costs, per node and report group (internal
 * to libripple: the model and the engine's measurement call it).
 *
 * The scenario prices purchases (sources' price, per unit shipped over the
 * edge), stock (holding, per unit on hand per day), lost output (a maker's
 * margin, per unit lost for want of inputs or while down), unmet demand (a
 * market's penalty, per unit unmet at the horizon) and events (cost, once
 * at the event's start). Each node's costs are the sum over all it holds,
 * whatever product; a group's are the sum over its member nodes. All is
 * measured over [warmup, end], like every other metric.
 *
 * A scenario with no cost key and no currency reports no cost metrics, so
 * that outputs of scenarios that never price anything stay as they were.
 *
 * The engine measures them (engine_measure.c) from the tables built here.
 * Cost: rp_cost_build is linear in events and the edges they touch; a
 * node's cost reads its own holdings and its claims on event costs; in the
 * event loop there is only the `price * qty` added per shipment
 * (engine_orders.c, dispatch) and the rate of loss noted as a node goes
 * down (engine_disrupt.c, set_down).
 */
#ifndef RIPPLE_COST_H
#define RIPPLE_COST_H

#include <stdbool.h>
#include <stdint.h>

#include "ripple/metrics.h"
#include "ripple/scenario.h"

struct rp_model;

/* Does sc price anything (a currency, or any cost key above 0)? */
bool rp_cost_given(const struct rp_scenario *sc);

/*
 * Fills the model's cost tables: each node's margin and penalty, each
 * event's cost, and which nodes bear each event's cost. An
 * event at a node (capacity, outage, demand) is that node's; a ban or a
 * licence regime is shared equally by the edges it touches, each share
 * the customer node's. Needs the model's events and edges. Freed by
 * rp_cost_release.
 */
void rp_cost_build(struct rp_model *m);
void rp_cost_release(struct rp_model *m);

#endif
