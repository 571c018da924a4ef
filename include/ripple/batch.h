/*
 * batch.h - Monte Carlo over replications: the only module that knows about
 * threads.
 *
 * Replications run in blocks. Within a block, OpenMP threads each take
 * replications with their own struct rp_run; the model is shared read-only.
 * After each block the calling thread merges the block's results in
 * replication order into the running summaries and hands each replication's
 * record to the caller's callback. Every number therefore comes out the
 * same, bit for bit, on 1 or N threads: no value depends on which thread ran
 * which replication or when it finished.
 *
 * Memory is bounded by the block size, the summaries and (in exact mode)
 * one double per replication and value. Exact mode keeps every value for
 * exact quantiles and CVaR; stream mode keeps P-square estimates (see
 * stats.h). The default is exact up to a memory budget, stream beyond it.
 */
#ifndef RIPPLE_BATCH_H
#define RIPPLE_BATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ripple/engine.h"
#include "ripple/stats.h"

/* Called in replication order on the calling thread, once per replication. */
typedef void (*rp_record_fn)(void *ctx, long rep, const double *values,
                             const double *series);

struct rp_batch_opts {
    long replications;          /* at least this many (more with precision) */
    uint64_t seed;
    int threads;                /* <= 0: OMP_NUM_THREADS or all cores */
    double precision;           /* > 0: add blocks until hw <= precision * |mean| */
    long precision_value;       /* index into the model's values; -1: rp_batch_default_watch */
    long max_replications;      /* cap when precision is set */
    enum rp_acc_mode mode;
    bool auto_mode;             /* choose mode from the memory budget */
    bool progress;              /* a progress line on stderr */
    bool keep_values;           /* keep every replication's values (for paired comparisons) */
    long first_rep;             /* replication index of the first replication (job arrays) */
    rp_record_fn record;        /* may be NULL */
    void *record_ctx;
    /*
     * May be NULL. When *stop becomes non-zero (a signal handler sets it),
     * the batch starts no more replications, drops the unfinished block
     * and returns with stopped set: n counts only replications merged.
     */
    volatile sig_atomic_t *stop;
};

void rp_batch_opts_default(struct rp_batch_opts *o);

struct rp_batch {
    const struct rp_model *model;
    long n;                     /* replications merged */
    uint64_t seed;
    long first_rep;
    size_t nvalues;
    struct rp_acc *acc;         /* nvalues summaries */
    size_t nseries;
    struct rp_acc *series_acc;  /* per series point, stream mode; NULL without series */
    double *values;             /* keep_values: n * nvalues, replication-major */
    uint64_t events;            /* events processed in all replications */
    double seconds;             /* wall time of the runs */
    int threads;
    int ranks;
    bool precision_met;
    bool stopped;               /* ended early by opts.stop */
    long watch;                 /* value the precision target watched, or -1 */
};

/*
 * Runs the replications of o on model m into b, which the caller releases
 * with rp_batch_release(). Returns 0; cannot fail but on memory.
 */
int rp_batch_run(struct rp_batch *b, const struct rp_model *m,
                 const struct rp_batch_opts *o);

void rp_batch_release(struct rp_batch *b);

/*
 * The value --precision watches unless told: the first report group's
 * unmet, else the first market's unmet, else the first unmet of a node that
 * is not an unlimited supplier. -1 when the model has no value.
 */
long rp_batch_default_watch(const struct rp_model *m);

/* Threads rp_batch_run would use for threads = t (resolves t <= 0). */
int rp_batch_threads(int t);

#endif
