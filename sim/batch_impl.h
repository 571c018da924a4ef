/*
 * batch_impl.h - one round of a batch, as batch.c and batch_mpi.c share it
 * (internal to the batch layer).
 *
 * A round is count replications from base, run by this process's threads
 * or, under MPI, split into contiguous slices over the ranks. What each
 * replication returns lands at its index in vals, ser and evs; evs holds
 * RP_ROUND_OVER for a replication that ran past its event budget.
 */
#ifndef RIPPLE_BATCH_IMPL_H
#define RIPPLE_BATCH_IMPL_H

#include <signal.h>
#include <stdint.h>

#include "ripple/engine.h"

#define RP_ROUND_OVER UINT64_MAX

struct rp_round {
    const struct rp_model *m;
    struct rp_run **runs;           /* one per thread */
    int threads;
    uint64_t seed;
    long base;                      /* replication index of the round's first */
    long count;
    size_t nv, ns;                  /* values and series points per replication */
    double *vals;                   /* count * nv */
    double *ser;                    /* count * ns, or NULL */
    uint64_t *evs;                  /* count */
    volatile sig_atomic_t *stop;    /* may be NULL */
};

/* Runs replications lo..hi-1 of the round here; returns 1 if stopped. */
int rp_round_local(struct rp_round *r, long lo, long hi);

/* Rank k's slice of a round of count over size ranks: [lo, hi), contiguous. */
static inline void rp_round_slice(long count, int k, int size, long *lo, long *hi)
{
    *lo = (long)((long long)count * k / size);
    *hi = (long)((long long)count * (k + 1) / size);
}

#endif
