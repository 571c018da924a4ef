/*
 * cli_validate.c - `ripple validate FILE`: check a scenario, print its summary.
 */
#include <stdio.h>

#include "cli.h"
#include "ripple/describe.h"

static int validate_main(const struct cli_args *a)
{
    struct rp_scenario sc;
    if (cli_load(&sc, a, a->variant))
        return 2;
    rp_describe_scenario(&sc, stdout);
    printf("ok: %s is a valid scenario\n", a->pos[0]);
    rp_scenario_release(&sc);
    return 0;
}

static const enum cli_opt validate_opts[] = {
    CLI_O_VARIANT, CLI_O_SET, CLI_O_MAX_FILE_SIZE, CLI_O_END
};

const struct cli_verb cli_verb_validate = {
    .name = "validate",
    .synopsis = "FILE [options]",
    .summary = "check a scenario and print a summary of its network",
    .description = "Reads FILE (following extends:, applying --variant and "
                   "--set), checks everything the scenario format asks, and "
                   "prints a one-screen summary. Every problem is reported "
                   "as file:line:col: message, with exit status 2.",
    .options = validate_opts,
    .min_pos = 1,
    .max_pos = 1,
    .pos_what = "one scenario file",
    .main = validate_main,
};
