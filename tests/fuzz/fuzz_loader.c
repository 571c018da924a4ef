/*
 * fuzz_loader.c - libFuzzer harness over the scenario loader's in-memory
 * entry point, rp_scenario_load_string().
 *
 * Any input must load or be refused with diagnostics: a crash, a
 * sanitizer report, a leak, a time-out or memory past -rss_limit_mb is a
 * finding. When a file loads, its model is built too (what `ripple run`
 * does next), and both are released, so leaks on either path show.
 * Built by tests/fuzz/CMakeLists.txt (clang, -DRP_FUZZ=ON); run by
 * tests/fuzz/run.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/diag.h"
#include "ripple/model.h"
#include "ripple/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
        rp_model_free(rp_model_new(&sc));
        rp_scenario_release(&sc);
    } else if (rp_diag_count(&diag) == 0) {
        abort();                        /* refused without saying why */
    }
    rp_diag_release(&diag);
    free(text);
    return 0;
}
