/*
 * test_history.c - history as checks: ripple must reproduce what happened
 * when Korea met export licences (docs/HISTORY.md).
 *
 * scenarios/history/licences-2019.yaml (Japan's licences on HF, resist and
 * FPI) and graphite-2023.yaml (China's graphite licences) are built from
 * the data sheet's figures only. History says: no production stoppage. The
 * qualitative check is that the median replication has no stoppage and no
 * output lost for want of inputs, and that any shortfall is confined to the
 * tail (fewer than half the replications). Each file's control variant
 * takes away the response (substitutes, pre-buying) or lengthens the
 * licences, and there the same check must fail: the test can be false.
 * Fixed seeds; the verdicts are about medians and shares, not exact values.
 *
 * DRAFT: the history scenarios use `trigger`, `announce` and `alert`, which
 * the engine does not run yet. When it does, this file moves to
 * tests/test_history.c, `history` joins RP_TESTS_LIST, and HISTORY below
 * points at scenarios/history/ (today the files are in scenarios/drafts/).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/batch.h"
#include "ripple/engine.h"
#include "ripple/report.h"

#define HISTORY RP_SOURCE_DIR "/scenarios/drafts/history/"
#define REPS 200

/* One scenario (or variant of it) run with every replication's values. */
struct arm {
    struct rp_scenario sc;
    struct rp_model *m;
    struct rp_batch b;
};

static void run_arm(struct arm *a, const char *file, const char *variant)
{
    struct rp_diag d;
    struct rp_load_opts lo = { .variant = variant };
    struct rp_batch_opts bo;
    rp_diag_init(&d);
    int rc = rp_scenario_load(&a->sc, file, &lo, &d);
    if (rc)
        rp_diag_print(&d, stderr);
    cr_assert_eq(rc, 0, "%s (%s) does not load", file,
                 variant ? variant : "base");
    rp_diag_release(&d);
    a->m = rp_model_new(&a->sc);
    rp_batch_opts_default(&bo);
    bo.replications = REPS;
    bo.seed = a->sc.seed;
    bo.threads = 2;
    bo.keep_values = true;
    rp_batch_run(&a->b, a->m, &bo);
}

static void release_arm(struct arm *a)
{
    rp_batch_release(&a->b);
    rp_model_free(a->m);
    rp_scenario_release(&a->sc);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The outcome of one value over the replications. */
struct verdict {
    double median;
    double share_positive;      /* replications in which it exceeded 0 */
};

static struct verdict judge(const struct arm *a, const char *name)
{
    size_t i = rp_value_index(a->m, name);
    cr_assert_neq(i, SIZE_MAX, "no value called %s", name);
    double *v = malloc((size_t)a->b.n * sizeof *v);
    cr_assert_not_null(v);
    long pos = 0;
    for (long r = 0; r < a->b.n; r++) {
        v[r] = a->b.values[(size_t)r * a->b.nvalues + i];
        pos += v[r] > 0;
    }
    qsort(v, (size_t)a->b.n, sizeof *v, cmp_double);
    struct verdict out = {
        .median = a->b.n % 2 ? v[a->b.n / 2]
                             : 0.5 * (v[a->b.n / 2 - 1] + v[a->b.n / 2]),
        .share_positive = (double)pos / (double)a->b.n,
    };
    free(v);
    return out;
}

/* History's outcome for a maker: no stoppage in the median, shortfall in the tail only. */
static bool as_history_says(const struct arm *a, const char *group,
                            const char *product)
{
    char name[256];
    snprintf(name, sizeof name, "groups.%s.%s.stoppages", group, product);
    struct verdict stop = judge(a, name);
    snprintf(name, sizeof name, "groups.%s.%s.starved", group, product);
    struct verdict lost = judge(a, name);
    cr_log_info("%s %s: stoppages median %g (any in %.3f), starved median %g "
                "(any in %.3f)", group, product, stop.median,
                stop.share_positive, lost.median, lost.share_positive);
    return stop.median == 0 && lost.median == 0 &&
           stop.share_positive < 0.5 && lost.share_positive < 0.5;
}

TestSuite(history, .timeout = 600);

Test(history, licences_2019_stop_no_korean_production_in_the_median)
{
    struct arm a;
    run_arm(&a, HISTORY "licences-2019.yaml", NULL);
    cr_expect(as_history_says(&a, "chip_fabs", "chips"),
              "HF and resist licences stop the chip fabs in the median");
    cr_expect(as_history_says(&a, "display_makers", "panels"),
              "FPI licences stop the display makers in the median");
    release_arm(&a);
}

Test(history, licences_2019_without_substitutes_fail_the_check)
{
    struct arm a;
    run_arm(&a, HISTORY "licences-2019.yaml", "no_substitutes");
    cr_expect_not(as_history_says(&a, "chip_fabs", "chips") &&
                  as_history_says(&a, "display_makers", "panels"),
                  "stock alone bridged the 2019 licences: the check cannot fail");
    release_arm(&a);
}

Test(history, graphite_2023_licences_stop_no_korean_production_in_the_median)
{
    struct arm a;
    run_arm(&a, HISTORY "graphite-2023.yaml", NULL);
    cr_expect(as_history_says(&a, "korean_users", "output"),
              "China's graphite licences stop Korean users in the median");
    release_arm(&a);
}

Test(history, graphite_2023_with_three_month_licences_and_no_response_fails_the_check)
{
    struct arm a;
    run_arm(&a, HISTORY "graphite-2023.yaml", "slow_licences_no_response");
    cr_expect_not(as_history_says(&a, "korean_users", "output"),
                  "45 days of stock bridged 60-90 days of licences: the check cannot fail");
    release_arm(&a);
}
