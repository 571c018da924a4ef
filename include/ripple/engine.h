/*
 * engine.h - one replication of a supply network: the event loop and its
 * handlers.
 *
 * The model (model.h) is immutable and shared by every thread. A struct
 * rp_run holds all that changes during one replication. It is allocated
 * once and reused: rp_run_replicate() resets it, re-keys its
 * streams from (seed, replication, path) and runs to the horizon. After the
 * first few replications the event loop allocates nothing. Nothing here
 * knows about threads: the batch layer gives each thread its own rp_run.
 *
 * The model's rules, where the scenario format leaves room, are documented
 * in docs/SCENARIO-FORMAT.md; the order of events at equal times is in evq.h.
 */
#ifndef RIPPLE_ENGINE_H
#define RIPPLE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "ripple/model.h"

struct rp_run;

struct rp_run *rp_run_new(const struct rp_model *m);
void rp_run_free(struct rp_run *r);

/*
 * Runs replication rep of the model with seed to the horizon. Writes
 * rp_model_nvalues() values into out and, when series is not NULL and the
 * model has series, rp_model_series_len() values into series. Returns the
 * number of events processed.
 */
uint64_t rp_run_replicate(struct rp_run *r, uint64_t seed, uint64_t rep,
                          double *out, double *series);

/*
 * A budget of steps per replication (events, plus the re-plans the work
 * list runs between them; 0, the default, is no budget). A replication
 * that would take more stops where it is: rp_run_replicate() still writes
 * its values, measured up to the time reached, and rp_run_status() says
 * RP_RUN_OVER_BUDGET until the next replication starts. This bounds runs
 * whose size the input controls (a closed loop of stock points that keeps
 * re-ordering at one instant, a scenario far bigger than estimated);
 * nothing aborts.
 */
enum rp_run_status {
    RP_RUN_OK,
    RP_RUN_OVER_BUDGET,
};

void rp_run_set_budget(struct rp_run *r, uint64_t max_steps);
enum rp_run_status rp_run_status(const struct rp_run *r);

/*
 * Stepwise use, for tests that follow one replication by hand:
 * rp_run_start() resets and schedules, rp_run_until() processes every event
 * at or before t, rp_run_finish() runs to the horizon and writes results.
 */
void rp_run_start(struct rp_run *r, uint64_t seed, uint64_t rep);
void rp_run_until(struct rp_run *r, double t);
uint64_t rp_run_finish(struct rp_run *r, double *out, double *series);

/* Inspectors for tests: current state of node n's holding of product p. */
double rp_run_on_hand(const struct rp_run *r, uint32_t n, uint32_t p);
double rp_run_on_order(const struct rp_run *r, uint32_t n, uint32_t p);
double rp_run_owed(const struct rp_run *r, uint32_t n, uint32_t p);
double rp_run_now(const struct rp_run *r);

#endif
