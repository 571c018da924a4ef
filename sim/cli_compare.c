/*
 * cli_compare.c - `ripple compare` and `ripple sweep`: variants or grid
 * points of one scenario on common random numbers (compare.h does the work).
 */
#include <unistd.h>

#include "cli.h"
#include "ripple/compare.h"

/* compare.h's check: every arm keeps its values, so all count at once. */
static int check_arm(void *ctx, const struct rp_model *m,
                     const struct rp_batch_opts *o, size_t narms)
{
    return cli_check_budget(ctx, m, o, (double)narms);
}

static int compare_main(const struct cli_args *a)
{
    struct cli_out out;
    int rc = cli_agree(a, cli_out_begin(&out, a));    /* rank 0 alone writes */
    if (rc)
        return out.active ? cli_out_finish(&out, rc, -1) : rc;
    struct rp_compare_opts co = {
        .file = a->pos[0],
        .variants = (const char *const *)a->pos + 1,
        .nvariants = (size_t)a->npos - 1,
        .sets = a->sets,
        .nsets = a->nsets,
        .sweep = a->verb == &cli_verb_sweep,
        .reps = a->reps,
        .have_seed = a->have_seed,
        .seed = a->seed,
        .threads = a->threads,
        .format = a->format,
        .out_dir = cli_out_path(&out),
        .out_name = a->out_dir,
        .stop = out.stop,
        .progress = !a->quiet && isatty(STDERR_FILENO),
        .report = a->report && cli_out_path(&out),   /* not on ranks > 0 */
        .max_file_size = (size_t)a->max_file_size,
        .max_rep_events = a->max_rep_events,
        .ranks = a->ranks,
        .check = check_arm,
        .check_ctx = (void *)a,
    };
    rc = rp_compare_main(&co);
    return cli_out_finish(&out, rc, -1);    /* compare counts per arm */
}

static const enum cli_opt compare_opts[] = {
    CLI_O_REPS, CLI_O_SEED, CLI_O_THREADS, CLI_O_FORMAT, CLI_O_OUT,
    CLI_O_SET, CLI_O_MAX_EVENTS, CLI_O_MAX_MEMORY, CLI_O_MAX_REP_EVENTS,
    CLI_O_MAX_FILE_SIZE, CLI_O_REPORT, CLI_O_QUIET, CLI_O_END
};

static const enum cli_opt sweep_opts[] = {
    CLI_O_SWEEP_SET, CLI_O_REPS, CLI_O_SEED, CLI_O_THREADS, CLI_O_FORMAT,
    CLI_O_OUT, CLI_O_MAX_EVENTS, CLI_O_MAX_MEMORY, CLI_O_MAX_REP_EVENTS,
    CLI_O_MAX_FILE_SIZE, CLI_O_REPORT, CLI_O_QUIET, CLI_O_END
};

const struct cli_verb cli_verb_compare = {
    .name = "compare",
    .synopsis = "FILE [VARIANT...] [options]",
    .summary = "run the base and variants on common random numbers",
    .description = "Runs the base scenario and each VARIANT (every variant "
                   "of FILE when none is named) with the same seed and "
                   "replications, and reports each variant's paired "
                   "difference to the base with its interval.",
    .options = compare_opts,
    .min_pos = 1,
    .max_pos = -1,
    .pos_what = "a scenario file and variant names",
    .main = compare_main,
};

const struct cli_verb cli_verb_sweep = {
    .name = "sweep",
    .synopsis = "FILE --set PATH=V1,V2,... [options]",
    .summary = "run each value of one or two scalar paths on common random "
               "numbers",
    .description = "Runs FILE once per value of each --set path (the grid "
                   "of two paths when two are given) on common random "
                   "numbers, and reports each point's paired difference to "
                   "the first.",
    .options = sweep_opts,
    .min_pos = 1,
    .max_pos = 1,
    .pos_what = "one scenario file",
    .main = compare_main,
};
