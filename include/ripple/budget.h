/*
 * budget.h - what a batch will cost, estimated before it starts.
 *
 * A scenario can ask for more than any machine has: an interval of 1e-300
 * days between demands, a horizon of 1e7 days with daily series, a million
 * servers on each of a thousand makers, 10^12 replications. rp_budget_estimate()
 * computes from the scenario and the batch options, in floating point (so
 * nothing overflows), how many events one replication and the whole batch
 * process and how much memory the batch holds at its peak, so that the
 * command line can refuse such a batch up front, naming the numbers.
 *
 * Events are a lower bound: they count what the engine must process
 * whatever the policies do (every demand at a market, outage cycles,
 * periodic reviews, the daily buckets, disruptions starting and ending),
 * not the orders that travel upstream. A batch refused on them could not have fitted; one that passes
 * may still process more, which the engine's run-time budget catches.
 * Memory is an estimate of the allocations that grow with the input (per
 * thread: servers, daily buckets, survival slots; per batch: summaries,
 * series accumulators, kept values), with the per-item sizes below.
 *
 * Cost: O(nodes + events) arithmetic; no allocation.
 */
#ifndef RIPPLE_BUDGET_H
#define RIPPLE_BUDGET_H

#include <stdint.h>
#include <stdio.h>

#include "ripple/batch.h"
#include "ripple/model.h"

#define RP_BUDGET_EVENTS 1e10           /* default limit on a batch's events */
#define RP_BUDGET_MEMORY 4294967296.0   /* default limit on memory: 4 GiB */

/* Limits a batch must stay within; 0 means no limit. */
struct rp_budget_limits {
    double max_events;                  /* events of the whole batch */
    double max_memory;                  /* bytes at the batch's peak */
};

struct rp_budget {
    double replications;                /* the most the batch may run (precision cap) */
    double events_per_rep;              /* lower bound, see above */
    double events;                      /* events_per_rep * replications */
    double bytes_per_thread;            /* one replication's state */
    double threads;
    double bytes_summaries;             /* value and series accumulators, block buffers */
    double bytes_kept;                  /* exact quantiles and kept values */
    double bytes;                       /* the whole batch's peak */
};

/*
 * The run-time budget of one replication (engine.h's rp_run_set_budget),
 * because the event estimate is a lower bound (about 35 times low on the
 * flagship, whose orders it does not count): RP_BUDGET_REP_FACTOR times
 * the estimate, at least RP_BUDGET_REP_FLOOR steps. A replication past it
 * is a scenario far bigger than it looks, or one that re-plans without end.
 */
#define RP_BUDGET_REP_FACTOR 1000.0
#define RP_BUDGET_REP_FLOOR 1e6

/* The budget for m: user when >= 0 (0: none), else the default above. */
uint64_t rp_budget_rep_events(const struct rp_model *m, double user);

/*
 * Says on out that batch b stopped because replication b->over_rep ran
 * past limit steps, and how to raise it.
 */
void rp_budget_say_over(FILE *out, const struct rp_batch *b, uint64_t limit);

/*
 * Estimates the batch that rp_batch_run(m, o) would run. batches is how
 * many such batches are alive at once (compare keeps every arm's values).
 */
void rp_budget_estimate(struct rp_budget *b, const struct rp_model *m,
                        const struct rp_batch_opts *o, double batches);

#endif
