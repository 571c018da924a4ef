/*
 * batch_mpi.h - the batch layer over MPI ranks (internal to the ripple
 * command; libripple knows only struct rp_batch_ranks, batch.h).
 *
 * Built with RP_MPI, rp_batch_mpi_init() joins the ranks mpiexec started
 * (MPI_THREAD_FUNNELED: only the thread that called it talks MPI, OpenMP
 * threads only compute) and fills rk; a round is split into contiguous
 * slices, one per rank, and gathered to rank 0 in replication order with
 * MPI_Gatherv, so results are those of one process bit for bit. Built
 * without MPI, started by no MPI launcher (no PMI_SIZE, PMI_RANK,
 * PMIX_RANK or OMPI_COMM_WORLD_SIZE in the environment) or run as one
 * rank, it returns NULL and nothing changes.
 */
#ifndef RIPPLE_BATCH_MPI_H
#define RIPPLE_BATCH_MPI_H

#include "ripple/batch.h"

/* rk filled and returned when there is more than one rank, else NULL. */
const struct rp_batch_ranks *rp_batch_mpi_init(struct rp_batch_ranks *rk,
                                               int *argc, char ***argv);

/* Leaves MPI (if it was joined); call once, at the end of main. */
void rp_batch_mpi_finalize(void);

#endif
