/*
 * cli_sensitivity.c - `ripple sensitivity FILE`: which uncertain inputs
 * move each report group's metrics (Sobol indices or Morris effects).
 *
 * The work is rp_sensitivity_run's (sensitivity.h); this file turns the
 * command line into its options and prints what it returns.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ripple/plot_sensitivity.h"
#include "ripple/provenance.h"
#include "ripple/report.h"
#include "ripple/sensitivity.h"

#define SOBOL_SAMPLES 256               /* N (k + 2) rows */
#define MORRIS_TRAJECTORIES 20          /* r (k + 1) rows */
#define MORRIS_LEVELS 4
#define ROW_REPLICATIONS 10             /* a row needs a mean, not a spread */
#define BOOTSTRAP 500

static void json_file(FILE *f, const void *ctx)
{
    rp_sensitivity_json(f, ctx);
    fputc('\n', f);
}

static void design_file(FILE *f, const void *ctx)
{
    rp_sensitivity_design_csv(f, ctx);
}

/* The scenario's uncertain inputs as the statistics take them (owned array). */
static struct rp_sens_input *inputs_of(const struct rp_scenario *sc, size_t *n)
{
    struct rp_sens_input *in = rp_xmalloc((sc->nuncertain + 1) * sizeof *in);
    for (size_t i = 0; i < sc->nuncertain; i++)
        in[i] = (struct rp_sens_input){ sc->uncertain[i].path,
                                        sc->uncertain[i].dist,
                                        sc->uncertain[i].loc };
    *n = sc->nuncertain;
    return in;
}

static void options(struct rp_sensitivity_opts *o, const struct cli_args *a,
                    const struct rp_scenario *sc)
{
    bool morris = a->method && !strcmp(a->method, "morris");
    *o = (struct rp_sensitivity_opts){
        .file = a->pos[0],
        .variant = a->variant,
        .sets = a->sets,
        .nsets = a->nsets,
        .method = morris ? RP_SENS_MORRIS : RP_SENS_SOBOL,
        .samples = a->samples > 0 ? a->samples
                   : morris ? MORRIS_TRAJECTORIES : SOBOL_SAMPLES,
        .levels = a->levels > 0 ? a->levels : MORRIS_LEVELS,
        .replications = a->reps > 0 ? a->reps : ROW_REPLICATIONS,
        .seed = a->have_seed ? a->seed : sc->seed,
        .threads = a->threads,
        .boot = { BOOTSTRAP, sc->confidence, 0 },
        .progress = !a->quiet && isatty(STDERR_FILENO),
        .ranks = a->ranks,
    };
}

/*
 * DIR/provenance.json, as run's: the batch is that of one design row
 * (replications each, on the threads and ranks every row ran on), with the
 * seconds and events of all rows.
 */
static int write_provenance(const char *dir, const struct rp_scenario *sc,
                            const struct rp_sensitivity *s)
{
    struct rp_provenance prov;
    struct rp_batch b;
    memset(&b, 0, sizeof b);
    b.n = s->replications;
    b.threads = s->threads;
    b.ranks = s->ranks;
    b.seconds = s->seconds;
    b.events = s->events;
    rp_provenance_init(&prov, sc, s->seed);
    const struct rp_provenance *pp = &prov;
    const struct rp_batch *bp = &b;
    return rp_provenance_write(dir, "sensitivity", &pp, &bp, 1);
}

/* The files of --out DIR, into the command's temporary directory dir. */
static int write_files(const char *dir, const struct rp_scenario *sc,
                       const struct rp_sensitivity *s, bool report)
{
    int rc = rp_write_file(dir, "sensitivity.json", json_file, s);
    rc |= rp_write_file(dir, "design.csv", design_file, s);
    rc |= write_provenance(dir, sc, s);
    if (!rc && report)                  /* tornado plots: sensitivity.html */
        rc |= rp_plot_sensitivity(dir);
    return rc ? 1 : 0;
}

static void print_results(const struct cli_args *a,
                          const struct rp_sensitivity *s, bool wrote)
{
    if (!strcmp(a->format, "json")) {
        rp_sensitivity_json(stdout, s);
        fputc('\n', stdout);
    } else if (!strcmp(a->format, "csv")) {
        rp_sensitivity_design_csv(stdout, s);
    } else {
        rp_sensitivity_table(stdout, s);
        if (wrote && a->out_dir)
            printf("\nwrote %s/sensitivity.json, design.csv, provenance.json%s\n",
                   a->out_dir,
                   a->report ? ", sensitivity.html" : "");
    }
}

/* Runs the design; returns the exit status (the diagnostics said). */
static int run(const struct cli_args *a, const struct rp_scenario *sc,
               struct rp_sensitivity_opts *o, struct rp_sensitivity *s,
               struct cli_out *out)
{
    struct rp_diag diag;
    rp_diag_init(&diag);
    o->stop = out->stop;
    int rc = rp_sensitivity_run(s, o, &diag);
    if (rc < 0 && (!a->ranks || a->ranks->rank == 0)) { /* every rank found the same */
        rp_diag_print(&diag, stderr);
        fprintf(stderr, "ripple: %zu error%s in %s; nothing was run\n",
                rp_diag_count(&diag), rp_diag_count(&diag) == 1 ? "" : "s",
                o->file);
    }
    rp_diag_release(&diag);
    if (rc)                             /* bad input, or stopped by a signal */
        return cli_out_finish(out, rc < 0 ? 2 : 0, -1);
    if (a->ranks && a->ranks->rank != 0) {      /* rank 0 prints and writes */
        rp_sensitivity_release(s);
        return cli_out_finish(out, 0, -1);
    }
    const char *dir = cli_out_path(out);
    rc = cli_out_finish(out, dir ? write_files(dir, sc, s, a->report) : 0, -1);
    if (rc == 0 || rc == 1)             /* a failed write loses no result */
        print_results(a, s, rc == 0);
    rp_sensitivity_release(s);
    return rc;
}

static int sensitivity_main(const struct cli_args *a)
{
    struct rp_scenario sc;
    struct rp_sensitivity_opts o;
    struct rp_sensitivity s;
    struct cli_out out;
    size_t k;

    if (cli_load(&sc, a, a->variant))
        return 2;
    struct rp_sens_input *in = inputs_of(&sc, &k);
    options(&o, a, &sc);
    o.inputs = in;
    o.ninputs = k;
    int rc = cli_out_begin(&out, a);
    if (rc == 0)
        rc = run(a, &sc, &o, &s, &out);
    free(in);
    rp_scenario_release(&sc);
    return rc;
}

static const enum cli_opt sensitivity_opts[] = {
    CLI_O_METHOD, CLI_O_SAMPLES, CLI_O_LEVELS, CLI_O_REPS, CLI_O_SEED,
    CLI_O_THREADS, CLI_O_FORMAT, CLI_O_OUT, CLI_O_VARIANT, CLI_O_SET,
    CLI_O_REPORT, CLI_O_QUIET, CLI_O_END
};

const struct cli_verb cli_verb_sensitivity = {
    .name = "sensitivity",
    .synopsis = "FILE [--method sobol|morris] [options]",
    .summary = "rank the uncertain inputs by their effect on each report "
               "group's metrics",
    .description = "Runs a design over the scenario's uncertain: inputs, "
                   "each row R replications on common random numbers (-n, "
                   "default 10), and ranks the inputs for every report "
                   "group's metrics: Sobol first-order and total indices "
                   "(S1, ST) with bootstrap intervals, or Morris elementary "
                   "effects (mu*, mu, sigma). --format csv prints the design "
                   "rows and their outputs. With --out DIR, "
                   "DIR/sensitivity.json and DIR/design.csv are written. See "
                   "docs/SENSITIVITY.md.",
    .options = sensitivity_opts,
    .min_pos = 1,
    .max_pos = 1,
    .pos_what = "one scenario file",
    .reps_help = "replications of each design row (default 10)",
    .main = sensitivity_main,
};
