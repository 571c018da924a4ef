/*
 * compare.h - policy variants on common random numbers, and sweeps.
 *
 * `ripple compare FILE [VARIANT...]` runs the base scenario and each variant
 * (all of the file's variants when none are named) with the same seed and
 * replication indices. Because every random quantity draws from a stream
 * keyed by (seed, replication, path), replication r of every variant sees
 * the same draws wherever they share a path, and the paired difference
 * variant - base has far less noise than two independent runs.
 * `ripple sweep FILE --set PATH=V1,V2,...` does the same over the values
 * of one or two scalar paths (the points of a grid).
 */
#ifndef RIPPLE_COMPARE_H
#define RIPPLE_COMPARE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "ripple/batch.h"
#include "ripple/scenario.h"

/*
 * In each replication, an arm's value within this share of the larger of
 * it and the reference's counts as equal to the reference's: a tie, a
 * difference of exactly 0 in every table and file. It is far above what a
 * sum's rounding reaches (a few 1e-16 per term: a variant that adds a node
 * sums the same amounts in another order) and far below anything printed.
 */
#define RP_COMPARE_TIE_REL 1e-12

struct rp_compare_opts {
    const char *file;
    const char *const *variants;    /* names; none = every variant in the file */
    size_t nvariants;
    const struct rp_override *sets; /* sweep: PATH=V1,V2,... ; compare: fixed overrides */
    size_t nsets;
    bool sweep;
    long reps;                      /* <= 0: the scenario's */
    bool have_seed;
    unsigned long long seed;
    int threads;
    const char *format;             /* table | json | csv */
    const char *out_dir;            /* NULL: stdout only; where files are written */
    const char *out_name;           /* the directory as messages name it (NULL: out_dir) */
    volatile sig_atomic_t *stop;    /* NULL, or batch.h's stop flag for every arm */
    bool progress;
    bool report;
    size_t max_file_size;           /* bytes of each scenario file; 0: the loader's default */
    double max_rep_events;          /* budget.h's rp_budget_rep_events(user) */
    const struct rp_batch_ranks *ranks; /* MPI (batch.h); NULL: one process */
    /*
     * May be NULL. Called with each arm's model and batch options before
     * any arm runs (narms: how many run, each keeping its values); a
     * non-zero result refuses the job and is returned as its exit status.
     */
    int (*check)(void *ctx, const struct rp_model *m,
                 const struct rp_batch_opts *o, size_t narms);
    void *check_ctx;
};

/* Runs compare or sweep; returns the exit status (0, 1 run failed, 2 bad input). */
int rp_compare_main(const struct rp_compare_opts *o);

/*
 * Writes DIR/report.html with SVG plots made by gnuplot from the CSV and
 * JSON files in DIR. Without gnuplot it says so on stderr and writes the
 * page with tables only. Returns 0 or -1.
 */
int rp_plot_report(const char *dir);

#endif
