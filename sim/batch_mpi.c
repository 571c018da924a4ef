/*
 * batch_mpi.c - rounds of a batch split over MPI ranks, gathered in order.
 *
 * Why rank 0 decides alone: the precision target, the event budget and
 * the signal that stops a run must stop every rank at the same round, or
 * a collective call would wait for ever. So rank 0 merges and decides,
 * and the decision reaches the others by MPI_Bcast (share) at the top of
 * every round; a stop seen on any rank reaches all by MPI_Allreduce.
 * Cost per round: one Allreduce, one Bcast and one Gatherv of each
 * buffer (values, series, events): 16 replications per thread and rank.
 */
#include "batch_mpi.h"

#ifdef RP_MPI

#include <mpi.h>
#include <stdbool.h>
#include <stdlib.h>

#include "batch_impl.h"
#include "ripple/diag.h"

static void share(long *v, int n)
{
    MPI_Bcast(v, n, MPI_LONG, 0, MPI_COMM_WORLD);
}

/*
 * Gathers width items of type t per replication, slice by slice, into
 * buf on rank 0 (its own slice is in place already). A row type keeps the
 * counts in replications, so long series cannot overflow an int count.
 */
static void gather(const struct rp_batch_ranks *rk, void *buf, size_t width,
                   MPI_Datatype t, long count)
{
    MPI_Datatype row;
    int *counts = rp_xcalloc((size_t)rk->size, sizeof *counts);
    int *displs = rp_xcalloc((size_t)rk->size, sizeof *displs);
    long lo, hi;
    for (int k = 0; k < rk->size; k++) {
        rp_round_slice(count, k, rk->size, &lo, &hi);
        counts[k] = (int)(hi - lo);
        displs[k] = (int)lo;
    }
    MPI_Type_contiguous((int)width, t, &row);
    MPI_Type_commit(&row);
    int size;
    MPI_Type_size(t, &size);
    rp_round_slice(count, rk->rank, rk->size, &lo, &hi);
    char *mine = (char *)buf + (size_t)lo * width * (size_t)size;
    if (rk->rank == 0)
        MPI_Gatherv(MPI_IN_PLACE, 0, row, buf, counts, displs, row, 0,
                    MPI_COMM_WORLD);
    else
        MPI_Gatherv(mine, counts[rk->rank], row, NULL, NULL, NULL, row, 0,
                    MPI_COMM_WORLD);
    MPI_Type_free(&row);
    free(counts);
    free(displs);
}

static int round_mpi(const struct rp_batch_ranks *rk, struct rp_round *r)
{
    long lo, hi;
    rp_round_slice(r->count, rk->rank, rk->size, &lo, &hi);
    int stopped = rp_round_local(r, lo, hi);
    /* Why the signal itself is reduced: a launcher's SIGTERM can reach
     * one rank a round before another, and every rank must then report
     * (and exit with) the same stop, not 0 on the one that missed it. */
    int sig = stopped ? (r->stop ? (int)*r->stop : 1) : 0, any = 0;
    MPI_Allreduce(&sig, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (any) {
        if (r->stop && !*r->stop)
            *r->stop = any;             /* the stop another rank saw */
        return 1;                       /* dropped on every rank */
    }
    if (r->nv)
        gather(rk, r->vals, r->nv, MPI_DOUBLE, r->count);
    if (r->ns)
        gather(rk, r->ser, r->ns, MPI_DOUBLE, r->count);
    gather(rk, r->evs, 1, MPI_UINT64_T, r->count);
    return 0;
}

/*
 * Started by a launcher? mpiexec (MPICH's Hydra: PMI_SIZE), srun (PMI or
 * PMIx) and Open MPI's mpirun each leave one of these. Why ask: MPI_Init
 * in a plain `ripple run` costs time and, with UCX, writes shared-memory
 * files that a file-size limit (ulimit -f) or a full /dev/shm turn into
 * errors; a process nobody launched is one rank, and needs no MPI.
 */
static bool launched(void)
{
    static const char *const vars[] = { "PMI_SIZE", "PMI_RANK", "PMIX_RANK",
                                        "OMPI_COMM_WORLD_SIZE" };
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i]))
            return true;
    return false;
}

static bool joined(void)
{
    int inited;
    MPI_Initialized(&inited);
    return inited;
}

const struct rp_batch_ranks *rp_batch_mpi_init(struct rp_batch_ranks *rk,
                                               int *argc, char ***argv)
{
    int provided;
    if (!launched())
        return NULL;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rk->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &rk->size);
    rk->share = share;
    rk->round = round_mpi;
    return rk->size > 1 ? rk : NULL;
}

void rp_batch_mpi_finalize(void)
{
    int done;
    if (!joined())
        return;
    MPI_Finalized(&done);
    if (!done)
        MPI_Finalize();
}

#else

const struct rp_batch_ranks *rp_batch_mpi_init(struct rp_batch_ranks *rk,
                                               int *argc, char ***argv)
{
    (void)rk;
    (void)argc;
    (void)argv;
    return NULL;
}

void rp_batch_mpi_finalize(void)
{
}

#endif
