/* support.c - fixture code shared by the test programs (support.h). */
#include "support.h"

#include <criterion/criterion.h>
#include <stdio.h>

#include "ripple/report.h"

void test_arm_run(struct test_arm *a, const struct test_run *how)
{
    struct rp_diag d;
    struct rp_load_opts lo = { .variant = how->variant, .overrides = how->ov,
                               .noverrides = how->nov };
    struct rp_batch_opts bo;
    rp_diag_init(&d);
    int rc = how->file ? rp_scenario_load(&a->sc, how->file, &lo, &d)
                       : rp_scenario_load_string(&a->sc, how->text, how->name, &lo, &d);
    if (rc)
        rp_diag_print(&d, stderr);
    cr_assert_eq(rc, 0, "%s (%s) does not load", how->file ? how->file : how->name,
                 how->variant ? how->variant : "base");
    rp_diag_release(&d);
    a->m = rp_model_new(&a->sc);
    rp_batch_opts_default(&bo);
    bo.replications = how->replications;
    bo.seed = how->seed;
    bo.threads = how->threads;
    bo.keep_values = true;
    rp_batch_run(&a->b, a->m, &bo);
}

void test_arm_release(struct test_arm *a)
{
    rp_batch_release(&a->b);
    rp_model_free(a->m);
    rp_scenario_release(&a->sc);
}

const double *test_column(const struct test_arm *a, const char *name, double *buf)
{
    size_t i = rp_value_index(a->m, name);
    if (i == SIZE_MAX)
        return NULL;
    for (long r = 0; r < a->b.n; r++)
        buf[r] = a->b.values[(size_t)r * a->b.nvalues + i];
    return buf;
}
