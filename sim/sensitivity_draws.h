/*
 * sensitivity_draws.h - one replication of a scenario with uncertain inputs
 * (internal to libripple: rp_run_replicate calls it).
 *
 * Each replication draws every uncertain input once, from its own stream
 * keyed by (seed, replication, "uncertain.<path>"), and runs a scenario of
 * its own: the shared one with each input set to its draw as --set would
 * set it (rp_scenario_with_inputs, from the tree the scenario kept; no
 * file is read). Its values land where the shared model lays them out,
 * the draws last (RP_SCOPE_INPUT, metric "draw"), so the per-replication
 * records carry the inputs beside the outcomes and outcomes can be
 * regressed on them. Nothing depends on the thread: the draws on the key
 * alone, the run on its own scenario.
 *
 * Cost: per replication one build of the scenario and its model and one
 * run state, besides the run itself (the flagship: a few ms against ~0.6 s
 * a replication). All of it is before and after the event loop, never in it.
 *
 * A draw the scenario refuses (outside a key's range), or a value that
 * changes the model's layout (a count that decides what is reported),
 * leaves that replication's values NaN, its draws still written; the
 * replication's event count is then 0.
 */
#ifndef RIPPLE_SENSITIVITY_DRAWS_H
#define RIPPLE_SENSITIVITY_DRAWS_H

#include <stdint.h>

struct rp_run;

uint64_t rp_draws_replicate(struct rp_run *r, uint64_t seed, uint64_t rep,
                            double *out, double *series);

#endif
