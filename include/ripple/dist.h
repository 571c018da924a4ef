/*
 * dist.h - distributions of durations, sizes and quantities.
 *
 * A scenario value that may be random is a struct rp_dist: a constant, one
 * of the named families of the scenario format, or "forever". The hot
 * families (constant, exponential, uniform) are drawn inline from the
 * stream's own state (rng.h); the others use GSL's gsl_ran_* on the same
 * generator. Parameters are checked once at
 * load time (rp_dist_check), where a file line is known; sampling assumes
 * checked parameters and never fails.
 */
#ifndef RIPPLE_DIST_H
#define RIPPLE_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "ripple/rng.h"

/*
 * The families a scenario may name, listed once: X(KIND, "name", p1, p2, p3)
 * gives the enum constant RP_DIST_<KIND>, the name written after "dist:"
 * and the parameter names in the order they fill a, b and c (NULL where
 * unused). Empirical's "values" and "weights" fill values[] and weights[]
 * instead, and its weights are optional (equal when absent). Geometric
 * draws whole numbers >= 1; normal is truncated at 0 (resampled).
 */
#define RP_DIST_FAMILIES(X)                                             \
    X(EXPONENTIAL, "exponential", "mean", NULL, NULL)                   \
    X(LOGNORMAL, "lognormal", "mean", "sd", NULL)                       \
    X(GAMMA, "gamma", "shape", "scale", NULL)                           \
    X(NORMAL, "normal", "mean", "sd", NULL)                             \
    X(UNIFORM, "uniform", "min", "max", NULL)                           \
    X(TRIANGULAR, "triangular", "min", "mode", "max")                   \
    X(WEIBULL, "weibull", "shape", "scale", NULL)                       \
    X(GEOMETRIC, "geometric", "mean", NULL, NULL)                       \
    X(EMPIRICAL, "empirical", "values", "weights", NULL)

enum rp_dist_kind {
    RP_DIST_CONST,          /* a: the value */
    RP_DIST_FOREVER,        /* +infinity: only where a duration may be unbounded */
#define RP_DIST_ENUM_(kind, name, p1, p2, p3) RP_DIST_##kind,
    RP_DIST_FAMILIES(RP_DIST_ENUM_)
#undef RP_DIST_ENUM_
};

struct rp_dist {
    enum rp_dist_kind kind;
    double a, b, c;
    size_t n;                       /* empirical: number of values */
    const double *values;           /* empirical: borrowed from the scenario arena */
    const double *weights;          /* empirical: borrowed, same length */
    gsl_ran_discrete_t *table;      /* empirical: built by rp_dist_prepare, read-only after */
    uint64_t path_hash;             /* rp_path_hash of the quantity's path; keys its stream */
    const char *path;               /* the path itself, for messages; borrowed */
};

/* A constant distribution with value v (no stream is needed). */
struct rp_dist rp_dist_const(double v);

/* True when sampling d needs random numbers (not a constant or forever). */
bool rp_dist_is_random(const struct rp_dist *d);

/*
 * Checks d's parameters. Returns 0, or -1 with a message such as
 * "lognormal sd must be positive, not -1" written to msg (size cap).
 */
int rp_dist_check(const struct rp_dist *d, char *msg, size_t cap);

/* Builds the lookup table of an empirical distribution (allocates once, at load). */
void rp_dist_prepare(struct rp_dist *d);

/* Frees what rp_dist_prepare built. */
void rp_dist_release(struct rp_dist *d);

/* rp_dist_sample out of line (same draws): for the families GSL draws. */
double rp_dist_sample_gsl(const struct rp_dist *d, gsl_rng *r);

/*
 * A family other than empirical drawn from its parameters a, b, c alone
 * (as in struct rp_dist), out of line: what rp_dist_sample_abc hands on.
 */
double rp_dist_sample_family(enum rp_dist_kind kind, double a, double b,
                             double c, gsl_rng *r);

/*
 * Draws one value of a family other than empirical from its parameters
 * alone, so that a caller may keep the 32 bytes a draw needs instead of the
 * whole struct rp_dist. Constants and forever draw nothing from r (r may be
 * NULL). Exponentials come from the ziggurat (RP_STREAM_VERSION 2);
 * uniforms are the numbers gsl_ran_flat would draw, without its calls.
 */
static inline double rp_dist_sample_abc(enum rp_dist_kind kind, double a,
                                        double b, double c, gsl_rng *r)
{
    double u;

    switch (kind) {
    case RP_DIST_CONST:
        return a;
    case RP_DIST_EXPONENTIAL:
        return a * rp_rng_exponential(r);
    case RP_DIST_UNIFORM:
        u = rp_rng_uniform(r);
        return a * (1 - u) + b * u;     /* as gsl_ran_flat(r, a, b) */
    default:
        return rp_dist_sample_family(kind, a, b, c, r);
    }
}

/* Draws one value (the same as rp_dist_sample_abc for all but empirical). */
static inline double rp_dist_sample(const struct rp_dist *d, gsl_rng *r)
{
    if (d->kind == RP_DIST_EMPIRICAL)
        return rp_dist_sample_gsl(d, r);
    return rp_dist_sample_abc(d->kind, d->a, d->b, d->c, r);
}

/* The exact mean (+infinity for forever). */
double rp_dist_mean(const struct rp_dist *d);

/*
 * The inverse CDF: the smallest x with P(X <= x) >= u, for u in (0, 1).
 * Every family has one: GSL's gsl_cdf_*_Pinv for the exponential,
 * lognormal, gamma, weibull and (truncated at 0) normal, closed forms for
 * the uniform, triangular and geometric, and the cumulative weights of an
 * empirical distribution (O(n^2) in its number of values, with no
 * allocation). A constant gives its value, forever +infinity. Sensitivity
 * designs use it to map the unit hypercube onto the inputs.
 */
double rp_dist_quantile(const struct rp_dist *d, double u);

/* The family's name as written in a scenario ("exponential", "constant", ...). */
const char *rp_dist_name(enum rp_dist_kind kind);

#endif
