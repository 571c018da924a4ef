/*
 * budget.c - events and memory of a batch, estimated from the scenario.
 *
 * Why from the scenario and not from a trial replication: the inputs this
 * guards against (an interval of 1e-300 days, a horizon of 1e7) would make
 * a trial replication itself run for hours or exhaust memory. Everything is
 * computed in doubles, so 1e300 events is a number to refuse, not an
 * overflow.
 */
#include "ripple/budget.h"

#include <math.h>

#include "ripple/stats.h"

/* Per-item sizes, rounded up from the structs in engine.c and stats.c. */
#define SERVER_BYTES 48.0               /* struct server */
#define DAY_BYTES 16.0                  /* output and shortfall bucket, one node-day */
#define NODE_BYTES 512.0                /* node and holding state, streams, orders */
#define EDGE_BYTES 64.0
#define EVENT_BYTES 48.0                /* one pending event in the queue */
#define ACC_STREAM_BYTES 1536.0         /* a P-square accumulator: 7 GSL workspaces */
#define ACC_BYTES 128.0                 /* an exact accumulator before its values */
#define BLOCK_PER_THREAD 16.0           /* as batch.c: a round, per thread */

/* Events per day of a renewal process with mean gap d (days). */
static double rate(const struct rp_dist *d)
{
    double mean = rp_dist_mean(d);
    if (isinf(mean))
        return 0;
    return mean > 0 ? 1 / mean : INFINITY;
}

static double events_per_rep(const struct rp_model *m)
{
    const struct rp_scenario *sc = rp_model_scenario(m);
    double h = sc->horizon, per_day = 0, once = 2;     /* kickoff, horizon */

    for (size_t n = 0; n < sc->nnodes; n++) {
        const struct rp_node *nd = &sc->nodes[n];
        if (nd->demand.product != RP_NONE)
            per_day += rate(&nd->demand.every);
        if (nd->outages.present) {
            double cycle = rp_dist_mean(&nd->outages.every)
                         + rp_dist_mean(&nd->outages.lasts);
            per_day += isinf(cycle) ? 0 : cycle > 0 ? 2 / cycle : INFINITY;
        }
        for (size_t k = 0; k < nd->nstock; k++)
            if (nd->stock[k].review > 0)
                per_day += 1 / nd->stock[k].review;
        once += 1;
    }
    if (rp_model_series_days(m) || sc->nevents)
        per_day += 1;                   /* a daily bucket closes each day */
    once += 2 * (double)sc->nevents;
    return h * per_day + once;
}

/* Memory of one replication's state (one per thread). */
static double bytes_per_run(const struct rp_model *m)
{
    const struct rp_scenario *sc = rp_model_scenario(m);
    double servers = 0, edges = 0, day_nodes = 0;
    for (size_t n = 0; n < sc->nnodes; n++) {
        const struct rp_node *nd = &sc->nodes[n];
        if (nd->make.product != RP_NONE)
            servers += nd->make.servers;
        for (size_t s = 0; s < nd->nsources; s++)
            edges += (double)nd->sources[s].nsources;
        day_nodes += nd->make.product != RP_NONE || nd->demand.product != RP_NONE;
    }
    double days = rp_model_series_days(m) || sc->nevents ? ceil(sc->horizon) : 0;
    double nodes = (double)sc->nnodes;
    return servers * (SERVER_BYTES + EVENT_BYTES) + days * day_nodes * DAY_BYTES
         + (double)sc->nevents * nodes * sizeof(double)
         + nodes * (NODE_BYTES + 2 * EVENT_BYTES) + edges * EDGE_BYTES;
}

void rp_budget_estimate(struct rp_budget *b, const struct rp_model *m,
                        const struct rp_batch_opts *o, double batches)
{
    double nv = (double)rp_model_nvalues(m);
    double ns = (double)rp_model_series_len(m);
    double reps = (double)o->replications;
    if (o->precision > 0 && o->max_replications > o->replications)
        reps = (double)o->max_replications;
    double threads = rp_batch_threads(o->threads);
    double values = reps * nv * sizeof(double);

    double budget = (double)rp_batch_exact_budget(o);  /* as rp_batch_mode decides */
    bool exact = o->auto_mode ? values <= budget : o->mode == RP_ACC_EXACT;
    double series = reps * ns * sizeof(double);     /* as rp_batch_series_mode */
    bool sexact = exact && series <= budget;
    b->replications = reps;
    b->events_per_rep = events_per_rep(m);
    b->events = b->events_per_rep * reps * batches;
    b->threads = threads;
    b->bytes_per_thread = bytes_per_run(m);
    b->bytes_summaries = batches * ((nv + 1) * (exact ? ACC_BYTES : ACC_STREAM_BYTES)
                                    + ns * (sexact ? ACC_BYTES : ACC_STREAM_BYTES))
                       + threads * BLOCK_PER_THREAD * (nv + 1 + ns) * sizeof(double);
    /* exact accumulators grow by doubling: up to twice what they hold;
       kept values are reserved at -n (twice too with a precision target) */
    double kept = o->keep_values ? values * (o->precision > 0 ? 2 : 1) : 0;
    b->bytes_kept = batches * (2 * ((exact ? values : 0) + (sexact ? series : 0)) + kept);
    b->bytes = threads * b->bytes_per_thread + b->bytes_summaries + b->bytes_kept;
}

uint64_t rp_budget_rep_events(const struct rp_model *m, double user)
{
    if (user >= 0)
        return (uint64_t)user;
    double steps = RP_BUDGET_REP_FACTOR * events_per_rep(m);
    if (!(steps >= RP_BUDGET_REP_FLOOR))
        steps = RP_BUDGET_REP_FLOOR;
    return steps >= 1.8e19 ? 0 : (uint64_t)steps;     /* beyond: no limit */
}

void rp_budget_say_over(FILE *out, const struct rp_batch *b, uint64_t limit)
{
    fprintf(out, "ripple: replication %ld took more than %.3g engine steps, "
            "the run-time budget of one replication (the default is %.0f x "
            "the estimate of %.3g); the batch stopped; raise it with "
            "--max-rep-events N (0: no limit)\n", b->over_rep, (double)limit,
            RP_BUDGET_REP_FACTOR, events_per_rep(b->model));
}
