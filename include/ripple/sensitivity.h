/*
 * sensitivity.h - which uncertain inputs move a model's outputs: Sobol
 * indices and Morris elementary effects.
 *
 * The statistics know nothing of scenarios. A caller
 *   1. makes a design: rows of input values, each input mapped from the
 *      unit interval through its distribution's inverse CDF
 *      (rp_dist_quantile), with rp_sens_design_sobol or _morris;
 *   2. evaluates its model at every row (a closed-form function in the
 *      tests, R replications of a scenario in rp_sensitivity_run);
 *   3. hands the outputs of one metric, one per row, to rp_sens_sobol or
 *      rp_sens_morris.
 *
 * Sobol (Saltelli 2002, 2010). Two N x k matrices A and B are the first and
 * last k columns of N points of a 2k-dimensional Sobol sequence
 * (gsl_qrng_sobol, which has at most RP_SOBOL_MAX_DIM dimensions, so at
 * most RP_SOBOL_MAX_INPUTS inputs; a larger k is refused by name). The
 * design has N (k + 2) rows: A, then B, then for each input i the matrix
 * AB_i, A with its column i taken from B. With V the variance of f over A
 * and B together (divisor 2N) and m their mean:
 *   S1_i = (1/N) sum_j (f(B)_j - m) (f(AB_i)_j - f(A)_j) / V   (Saltelli 2010,
 *          centred as SALib does)
 *   ST_i = (1/2N) sum_j (f(A)_j - f(AB_i)_j)^2 / V       (Jansen 1999)
 * Intervals come from a bootstrap over the N rows (the same resampled j in
 * A, B and every AB_i); resample b draws from the keyed stream
 * rp_key(seed, b, rp_path_hash("sensitivity.bootstrap")), so the intervals
 * are the same on every machine. "mean" is the estimate from all N rows,
 * "se" the bootstrap standard deviation, [lo, hi] the percentile interval.
 *
 * Morris (1991, with Campolongo et al. 2007's mu*). r trajectories of k + 1
 * rows on a grid of p levels (p even). Level l sits at probability
 * (l + 1/2) / p, the centre of the l-th of p equally likely slices, so an
 * unbounded family is never asked for its 0 or 1 quantile. Each trajectory
 * starts at a random level, then moves its inputs one at a time, in a
 * random order, by p/2 levels up or down: the classic step
 * delta = p / (2 (p - 1)) of the grid {0, 1/(p-1), ..., 1}, which on the
 * centred levels is a change of exactly 1/2 in probability. The elementary
 * effect of input i is (f(after) - f(before)) / (+-1/2), so a uniform input
 * on [lo, hi] entering linearly as c x has every effect equal to c (hi - lo),
 * as with the classic grid. mu* is the mean of |effect|, mu the mean, sigma
 * the sample sd (divisor r - 1); intervals by bootstrap over trajectories.
 * Trajectory t draws from rp_key(seed, t, rp_path_hash("sensitivity.morris")).
 *
 * Costs: a Sobol design is N (k + 2) rows, a Morris design r (k + 1); each
 * index computation is O(nboot x rows). Nothing here allocates but the
 * design and scratch sized by it (rp_xmalloc: out of memory aborts).
 */
#ifndef RIPPLE_SENSITIVITY_H
#define RIPPLE_SENSITIVITY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ripple/batch.h"
#include "ripple/diag.h"
#include "ripple/dist.h"
#include "ripple/model.h"
#include "ripple/scenario.h"

#define RP_SOBOL_MAX_DIM 40             /* gsl_qrng_sobol's dimension limit */
#define RP_SOBOL_MAX_INPUTS (RP_SOBOL_MAX_DIM / 2)
#define RP_SOBOL_MAX_SAMPLES (1L << 24) /* base rows; far past any real use */
#define RP_MORRIS_MAX_TRAJECTORIES (1L << 24)

enum rp_sens_method {
    RP_SENS_SOBOL,
    RP_SENS_MORRIS,
};

/*
 * One uncertain input: a scalar path of the scenario and its distribution.
 * Both borrowed. Until the scenario loader reads an "uncertain:" block the
 * caller builds these by hand.
 */
struct rp_sens_input {
    const char *path;                   /* "events.jp_ban.severity" */
    struct rp_dist dist;
    struct rp_loc loc;                  /* where it was declared; errors point here */
};

struct rp_sens_design {
    enum rp_sens_method method;
    size_t k;                           /* inputs */
    size_t base;                        /* Sobol: N rows of A; Morris: r trajectories */
    int levels;                         /* Morris: p */
    size_t rows;                        /* N (k + 2) or r (k + 1) */
    double *u;                          /* rows x k probabilities in (0, 1), owned */
    double *x;                          /* rows x k input values, owned */
    uint32_t *moved;                    /* Morris: rows; input moved into the row (row 0 of a trajectory: k) */
    uint64_t seed;                      /* keys the Morris trajectories */
};

/*
 * Builds a Saltelli design of n base rows for the k inputs in[]. Returns 0,
 * or -1 with the reason in msg (cap bytes): too many inputs for
 * gsl_qrng_sobol, n out of range, or an input that is not uncertain (a
 * constant or forever). On success the caller releases d.
 */
int rp_sens_design_sobol(struct rp_sens_design *d,
                         const struct rp_sens_input *in, size_t k, long n,
                         char *msg, size_t cap);

/*
 * Builds a Morris design of r trajectories on p levels (p even, >= 2) for
 * the k inputs, keyed by seed. Returns 0, or -1 with the reason in msg.
 */
int rp_sens_design_morris(struct rp_sens_design *d,
                          const struct rp_sens_input *in, size_t k, long r,
                          int p, uint64_t seed, char *msg, size_t cap);

void rp_sens_design_release(struct rp_sens_design *d);

/* One index: the estimate, its bootstrap sd and percentile interval. */
struct rp_sens_est {
    double mean;
    double se;
    double lo, hi;
};

struct rp_sens_boot {
    long resamples;                     /* bootstrap resamples; 0: no interval */
    double confidence;                  /* of [lo, hi], e.g. 0.95 */
    uint64_t seed;                      /* keys the resamples */
};

/*
 * Sobol indices of one metric: y[row * stride] is the model's output at
 * design row `row` (so y may be a column of a row-major matrix). Fills
 * s1[k] and st[k]. When the output does not vary over A and B (or only by
 * rounding: an sd below 1e-9 of its largest |value|) every index is NaN:
 * it is undefined, not zero.
 */
void rp_sens_sobol(const struct rp_sens_design *d, const double *y,
                   size_t stride, const struct rp_sens_boot *boot,
                   struct rp_sens_est *s1, struct rp_sens_est *st);

/* Morris measures of one metric (y as for rp_sens_sobol): fills k of each. */
void rp_sens_morris(const struct rp_sens_design *d, const double *y,
                    size_t stride, const struct rp_sens_boot *boot,
                    struct rp_sens_est *mu_star, struct rp_sens_est *mu,
                    struct rp_sens_est *sigma);

/* ------------------------------------------------ on the simulator */

/*
 * rp_sensitivity_run() ranks a scenario's uncertain inputs. Each design row
 * is the scenario loaded with the row's input values set as --set sets
 * them (after the caller's own --set overrides, not counted in their
 * limit: rp_load_opts.inputs; and with the file's "uncertain:" block
 * deleted, so that nothing redraws them), run for R replications
 * with the same seed and replication indices as every other row: common
 * random numbers, so the rows differ by their inputs and not by their
 * noise. The model output of a row is the mean over its R replications of
 * each report group's value of each metric. Replications run in parallel
 * through the batch layer; rows run one after another, so results do not
 * depend on threads.
 *
 * Bad values are caught before anything runs: the scenario is loaded once
 * with every input at its smallest design value and once at its largest,
 * and an error there is reported at the input's own line. Cost: rows x R
 * replications and rows loads of the file.
 */
struct rp_sensitivity_opts {
    const char *file;
    const char *variant;                /* NULL: the base */
    const struct rp_override *sets;     /* fixed overrides, applied first */
    size_t nsets;
    const struct rp_sens_input *inputs; /* borrowed */
    size_t ninputs;
    enum rp_sens_method method;
    long samples;                       /* Sobol: N base rows; Morris: r trajectories */
    int levels;                         /* Morris: p */
    long replications;                  /* R per design row */
    uint64_t seed;                      /* of the replications, the design and the bootstrap */
    int threads;                        /* as in rp_batch_opts */
    struct rp_sens_boot boot;           /* its seed is ignored: seed keys it */
    bool progress;                      /* a line per row on stderr */
    volatile sig_atomic_t *stop;        /* may be NULL; non-zero: stop between replications */
    /*
     * NULL: one process. Otherwise every rank calls rp_sensitivity_run with
     * the same options; each row's replications are spread over the ranks
     * as a batch's are (so the results are one process's, bit for bit),
     * and only rank 0's y and est hold results (the others' are 0).
     */
    const struct rp_batch_ranks *ranks;
};

/* One reported output: a report group's metric. */
struct rp_sens_output {
    char *group;                        /* owned */
    char *product;                      /* owned */
    enum rp_metric metric;
};

/* Measures per (output, input): Sobol S1, ST; Morris mu*, mu, sigma. */
#define RP_SENS_SOBOL_MEASURES 2
#define RP_SENS_MORRIS_MEASURES 3

struct rp_sensitivity {
    enum rp_sens_method method;
    size_t k;
    char **paths;                       /* k owned copies of the inputs' paths */
    struct rp_sens_design design;
    size_t nout;
    struct rp_sens_output *out;         /* nout */
    double *y;                          /* design.rows x nout row means */
    size_t nmeasures;
    struct rp_sens_est *est;            /* [(o * k + i) * nmeasures + m] */
    long replications;
    uint64_t seed;
    uint64_t events;                    /* events processed in every run */
    double seconds;                     /* wall time of the runs */
    int threads, ranks;                 /* that each row's batch ran on */
};

/*
 * Runs the design of o. Returns 0 and fills s (the caller releases it with
 * rp_sensitivity_release); -1 with every problem in diag and s empty: bad
 * overrides or values, a design the method refuses, or a scenario with no
 * report groups to measure; or 1, s empty, when *o->stop was set.
 */
int rp_sensitivity_run(struct rp_sensitivity *s,
                       const struct rp_sensitivity_opts *o,
                       struct rp_diag *diag);

void rp_sensitivity_release(struct rp_sensitivity *s);

/* The estimate m of input i for output o. */
static inline const struct rp_sens_est *
rp_sensitivity_est(const struct rp_sensitivity *s, size_t o, size_t i,
                   size_t m)
{
    return &s->est[(o * s->k + i) * s->nmeasures + m];
}

/*
 * The contract's JSON: {"method", "inputs", "groups": {group: {product:
 * {metric: {path: {"S1": {"mean", "ci"}, "ST": {...}}}}}}} (Morris:
 * "mu_star", "mu", "sigma"). No trailing newline.
 */
void rp_sensitivity_json(FILE *out, const struct rp_sensitivity *s);

/* Per group and metric, the inputs ranked by ST (Morris: mu*). */
void rp_sensitivity_table(FILE *out, const struct rp_sensitivity *s);

/* One row per design row: row, each input's value, each output's mean. */
void rp_sensitivity_design_csv(FILE *out, const struct rp_sensitivity *s);

#endif
