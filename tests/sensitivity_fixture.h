/*
 * sensitivity_fixture.h - what the estimator suites (test_sensitivity.c,
 * test_sensitivity_ban.c) share: the bootstrap they use, GSL's abort
 * turned off, a distribution by its parameters, a model evaluated on every
 * row of a design, and the check of an estimated index against the exact
 * one (within NSE bootstrap standard errors, each below a bound).
 * Header-only, so each suite stays one source file.
 */
#ifndef RIPPLE_TESTS_SENSITIVITY_FIXTURE_H
#define RIPPLE_TESTS_SENSITIVITY_FIXTURE_H

#include <math.h>
#include <stddef.h>

#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>

#include "ripple/dist.h"
#include "ripple/sensitivity.h"

#define NSE 4.0                     /* tolerance in bootstrap SEs */

static const struct rp_sens_boot boot = { 400, 0.95, 20240801 };

static inline void no_gsl_abort(void)
{
    gsl_set_error_handler_off();        /* statuses are asserted instead */
}

static inline struct rp_dist dist(enum rp_dist_kind kind, double a, double b,
                                  double c)
{
    return (struct rp_dist){ .kind = kind, .a = a, .b = b, .c = c };
}

typedef double (*model_fn)(const double *x);

/* y[row] = f(x of row) for every row of d; the caller frees y. */
static inline double *evaluate(const struct rp_sens_design *d, model_fn f)
{
    double *y = rp_xmalloc(d->rows * sizeof *y);
    for (size_t r = 0; r < d->rows; r++)
        y[r] = f(&d->x[r * d->k]);
    return y;
}

static inline void expect_index(const char *what, size_t i,
                         const struct rp_sens_est *e, double exact,
                                double max_se)
{
    cr_assert(e->se > 0 && e->se < max_se,
              "%s[%zu]: bootstrap se %g is not in (0, %g)", what, i, e->se,
              max_se);
    cr_assert(fabs(e->mean - exact) <= NSE * e->se,
              "%s[%zu] = %g, exact %g, more than %g se (se %g)", what, i,
              e->mean, exact, NSE, e->se);
    cr_assert(e->lo <= e->mean && e->mean <= e->hi,
              "%s[%zu]: estimate %g outside its interval [%g, %g]", what, i,
              e->mean, e->lo, e->hi);
}

#endif
