/*
 * batch.h - Monte Carlo over replications: the only module that knows about
 * threads.
 *
 * Replications run in rounds of 16 per thread and rank: OpenMP threads
 * (and, built with RP_MPI, MPI ranks, each taking a contiguous slice) each
 * take replications with their own struct rp_run; the model is shared
 * read-only. After a round the calling thread of rank 0 merges the results
 * in replication order into the running summaries, hands each
 * replication's record to the caller's callback and, where a block of
 * RP_BATCH_BLOCK replications ends (replications 64k..64k+63 of the batch),
 * calls the checkpoint hook. Every number therefore comes out the same, bit
 * for bit, on any number of threads and ranks: no value depends on which
 * thread or rank ran which replication or when it finished.
 *
 * The precision target is checked only at block ends (and at -n itself),
 * so the count a --precision run stops at depends on the seed and the
 * scenario, never on threads or ranks. What a round ran past the block
 * that met the target is dropped.
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

#define RP_BATCH_BLOCK 64              /* replications per block: fixed */

/*
 * Called in replication order on the calling thread (of rank 0), once per
 * replication; events is what the replication processed.
 */
typedef void (*rp_record_fn)(void *ctx, long rep, const double *values,
                             const double *series, uint64_t events);

/* Called after each merged block (a checkpoint: flush what was recorded). */
typedef void (*rp_block_fn)(void *ctx);

/*
 * How a batch spreads over processes; NULL in rp_batch_opts is this
 * process alone. sim/batch_mpi.c fills one for MPI; it is linked into the
 * ripple command, not into libripple, so the library needs no MPI. Every
 * rank makes the same rp_batch_* calls in the same order (they load the
 * same input, so they do); rank 0 alone merges, records and decides.
 */
struct rp_round;
struct rp_batch_ranks {
    int rank, size;
    void (*share)(long *v, int n);      /* rank 0's v[0..n) on every rank */
    /* runs this rank's slice of the round and gathers all to rank 0; 1 if any rank was stopped */
    int (*round)(const struct rp_batch_ranks *rk, struct rp_round *r);
};

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
    bool no_series;             /* skip the daily series bands (callers that read only values) */
    long held_batches;          /* > 1: this batch is one of that many held at once (compare's
                                   arms), which share the budget for exact quantiles */
    long first_rep;             /* replication index of the first replication (job arrays) */
    uint64_t max_rep_events;    /* run-time budget of one replication, in engine steps; 0: none */
    rp_record_fn record;        /* may be NULL */
    rp_block_fn checkpoint;     /* may be NULL; gets record_ctx */
    void *record_ctx;
    /*
     * May be NULL. When *stop becomes non-zero (a signal handler sets it),
     * the batch starts no more replications, drops the unfinished block
     * and returns with stopped set: n counts only replications merged.
     */
    volatile sig_atomic_t *stop;
    const struct rp_batch_ranks *ranks; /* NULL: one process */
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
    struct rp_acc *series_acc;  /* per series point (rp_batch_series_mode); NULL without series */
    double *values;             /* keep_values: n * nvalues, replication-major */
    long kept_cap;              /* replications values has room for */
    uint64_t events;            /* events processed in all replications */
    double seconds;             /* wall time of the runs */
    int threads;
    int ranks;
    bool precision_met;
    bool stopped;               /* ended early by opts.stop */
    bool over_budget;           /* a replication exceeded opts.max_rep_events */
    long over_rep;              /* the first such replication, or -1 */
    long watch;                 /* value the precision target watched, or -1 */
};

enum rp_batch_status {
    RP_BATCH_DONE = 0,
    RP_BATCH_STOPPED = 1,       /* opts.stop: the unfinished round was dropped */
    RP_BATCH_OVER_BUDGET = 2,   /* a replication ran past its budget; the batch stopped */
};

/*
 * Runs the replications of o on model m into b, which the caller releases
 * with rp_batch_release(). Returns an rp_batch_status; fails only on
 * memory (rp_xmalloc aborts). Equivalent to rp_batch_init() then
 * rp_batch_continue().
 */
int rp_batch_run(struct rp_batch *b, const struct rp_model *m,
                 const struct rp_batch_opts *o);

/*
 * The accumulator mode a batch of o on m uses: o->mode, or with auto_mode
 * exact while the values of the most replications it may run fit in 1 GiB
 * (divided among o->held_batches).
 * A shard fixes this to its whole batch's, so its records merge into what
 * one run would have summarised.
 */
enum rp_acc_mode rp_batch_mode(const struct rp_model *m,
                               const struct rp_batch_opts *o);

/* Bytes of values a batch of o may keep for exact quantiles (and, apart, for
 * exact series bands): 1 GiB, divided among o->held_batches. */
size_t rp_batch_exact_budget(const struct rp_batch_opts *o);

/*
 * The mode of the daily series bands: exact (per-day values kept, exact
 * quantiles) when the batch is exact and the series points of the most
 * replications it may run fit in their own 1 GiB, else P-square. A
 * function of rp_batch_mode and the whole batch's replications, so a run,
 * its shards' merge and a resume agree. Exact costs 8 bytes a point and
 * replication and an append per point; P-square 1.5 KB a point and seven
 * updates, which on the flagship were 6% of a run's time.
 */
enum rp_acc_mode rp_batch_series_mode(const struct rp_model *m,
                                      const struct rp_batch_opts *o);

/* An empty batch of o on m: summaries allocated, nothing run. */
void rp_batch_init(struct rp_batch *b, const struct rp_model *m,
                   const struct rp_batch_opts *o);

/*
 * Merges replication first_rep + b->n, computed earlier (a record read
 * back by merge or resume), exactly as the batch would have: the same
 * summaries, the record callback, the checkpoint hook at block ends.
 */
void rp_batch_add(struct rp_batch *b, const struct rp_batch_opts *o,
                  const double *values, const double *series,
                  uint64_t events);

/*
 * Runs the rest of the batch from b->n (0, or what rp_batch_add merged).
 * Under MPI every rank calls it; rank 0's b->n is the one that counts.
 */
int rp_batch_continue(struct rp_batch *b, const struct rp_batch_opts *o);

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
