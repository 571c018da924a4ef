/*
 * fuzz_loader.c - libFuzzer harness over the scenario loader's in-memory
 * entry point, rp_scenario_load_string(), and, built with RP_FUZZ_RUN
 * (the fuzz_run target), over the engine too.
 *
 * Any input must load or be refused with diagnostics: a crash, a
 * sanitizer report, a leak, a time-out or memory past -rss_limit_mb is a
 * finding. When a file loads, its model is built too (what `ripple run`
 * does next), and both are released, so leaks on either path show. The
 * fuzz_run build then runs two replications of the model, each up to a
 * step budget, so that a scenario the loader accepts cannot crash, hang or
 * leak the event loop either; the second replication reuses the run, as
 * a batch does. Built by tests/fuzz/CMakeLists.txt (clang, -DRP_FUZZ=ON);
 * run by tests/fuzz/run.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/diag.h"
#include "ripple/engine.h"
#include "ripple/model.h"
#include "ripple/scenario.h"

#ifndef RP_FUZZ_RUN
#define RP_FUZZ_RUN 0
#endif

/*
 * Steps per replication: enough for the shipped scenarios' first months,
 * few enough that an input runs in well under libFuzzer's time-out.
 */
#define RUN_BUDGET 20000
/* Models whose per-day series would pass this many values are only built. */
#define RUN_MAX_SERIES ((size_t)1 << 22)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_model(const struct rp_model *m)
{
    size_t nv = rp_model_nvalues(m), ns = rp_model_series_len(m);
    if (ns > RUN_MAX_SERIES)
        return;
    double *out = calloc(nv ? nv : 1, sizeof *out);
    double *series = calloc(ns ? ns : 1, sizeof *series);
    struct rp_run *r = rp_run_new(m);
    if (out && series && r) {
        rp_run_set_budget(r, RUN_BUDGET);
        rp_run_replicate(r, 1, 0, out, series);
        rp_run_replicate(r, 1, 1, out, series);
    }
    rp_run_free(r);
    free(series);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rp_scenario sc;
    struct rp_diag diag;
    char *text = malloc(size + 1);      /* the loader reads a C string */

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    rp_diag_init(&diag);
    if (rp_scenario_load_string(&sc, text, "fuzz.yaml", NULL, &diag) == 0) {
        /* A file that loads must say nothing is wrong with it. */
        if (rp_diag_count(&diag) != 0)
            abort();
        struct rp_model *m = rp_model_new(&sc);
        if (RP_FUZZ_RUN)
            run_model(m);
        rp_model_free(m);
        rp_scenario_release(&sc);
    } else if (rp_diag_count(&diag) == 0) {
        abort();                        /* refused without saying why */
    }
    rp_diag_release(&diag);
    free(text);
    return 0;
}
