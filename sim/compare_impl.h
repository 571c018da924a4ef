/*
 * compare_impl.h - what the compare and sweep modules share (private to sim/).
 *
 * `ripple compare` and `ripple sweep` are made in three stages, one file
 * each, every one using only those after it:
 *   compare.c          loads every arm (base and variants, or the points of
 *                      a sweep grid), runs each on the same seed and
 *                      replications, and writes what was asked for;
 *   compare_table.c    the text table on stdout;
 *   compare_files.c    compare.json / sweep.json, compare.csv / sweep.csv,
 *                      replications.csv (every arm), provenance.json;
 *   compare_measure.c  what every writer prints: a row's values per arm,
 *                      their summaries and the paired differences to the
 *                      reference arm (arms[0]), and the cost per unit avoided.
 * The writers only read a job that ran; nothing here runs a replication
 * but compare.c, and no writer computes a number the others do not.
 *
 * Values are matched between arms by name, not index: a variant may add or
 * delete events and nodes, which moves every index after them.
 */
#ifndef RIPPLE_COMPARE_IMPL_H
#define RIPPLE_COMPARE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ripple/batch.h"
#include "ripple/compare.h"
#include "ripple/cost_effect.h"
#include "ripple/model.h"
#include "ripple/provenance.h"
#include "ripple/scenario.h"
#include "ripple/stats.h"

/* One run: the base, a variant or a sweep point. */
struct arm {
    char *label;                /* owned: "base", the variant, "90, 0.5" */
    const char **setvals;       /* sweep: this point's value of each path */
    struct rp_scenario sc;
    struct rp_model *m;
    struct rp_batch b;
    struct rp_provenance prov;
    bool loaded;
    bool ran;
    int status;                 /* rp_batch_run's, once ran */
};

/* One swept path and its values, split from "PATH=V1,V2,...". */
struct axis {
    const char *path;
    char *buf;                  /* owned copy of the values, split in place */
    const char **vals;          /* owned array of pointers into buf */
    size_t nvals;
};

struct job {
    const struct rp_compare_opts *o;
    struct arm *arms;           /* arms[0] is the reference */
    size_t narms;
    struct axis *axes;          /* sweep only */
    size_t naxes;
    double confidence;
    long reps;
    uint64_t seed;
};

/*
 * What a row reports for a group: one of the group's own values, or (for
 * an event) the mean over the group's members of their per-event value,
 * taken per replication so that pairing still holds.
 */
struct what {
    const char *metric;         /* metric name */
    const char *event;          /* NULL: the group's value; else an event id */
    enum rp_metric kind;
};

/* A row's numbers for one arm against the reference arm. */
struct cell {
    bool have;                  /* the arm has the value */
    struct rp_summary s;        /* of the arm's values */
    bool paired;                /* not the reference; both have the value */
    struct rp_summary d;        /* of arm - reference, per replication */
    double better;              /* share of replications strictly better */
    double unpaired_hw;         /* Welch half-width, as if run independently */
};

/* ------------------------------------------------- compare_measure.c */

/*
 * Fills cells[0..narms) for w in group gid (product pid): each arm's
 * summary and, for arms after the reference, the paired difference to it.
 */
void compare_measure(const struct job *j, const char *gid, const char *pid,
                     const struct what *w, struct cell *cells);

/*
 * The rows of group g, in *out (the caller frees it; strings borrowed from
 * the arms' scenarios). all = false: the table's key metrics and the
 * base's events; true: every group metric and every arm's events (files).
 */
size_t compare_group_whats(const struct job *j, uint32_t g, bool all,
                           struct what **out);

/* The id of group g's product, or NULL when the group has none. */
const char *compare_group_product(const struct job *j, uint32_t g);

/* The unit of w's values for product pid (borrowed). */
const char *compare_what_unit(const struct job *j, const struct what *w,
                              const char *pid);

/*
 * Arm a's cost per unit of group gid's unmet avoided against the reference
 * (cost_effect.h); false when either arm has no cost for the group.
 */
bool compare_cost_effect(const struct job *j, size_t a, const char *gid,
                         const char *pid, struct rp_cost_effect *ce);

/* ---------------------------------------------------- compare_table.c */

/* The text table of every group, lead first. */
void compare_write_table(FILE *out, const struct job *j);

/* ---------------------------------------------------- compare_files.c */

/* The tidy CSV (compare.csv / sweep.csv); ctx is the job. */
void compare_write_csv(FILE *out, const void *ctx);

/* The JSON (compare.json / sweep.json); ctx is the job. */
void compare_write_json(FILE *out, const void *ctx);

/* Every file of --out DIR; 0 or -1 (said on stderr). */
int compare_write_dir(const struct job *j);

#endif
