/*
 * cli_run.c - `ripple run FILE`: replications of one scenario, summarised.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ripple/compare.h"
#include "ripple/outdir.h"
#include "ripple/report.h"

struct csv_sink {
    FILE *out;
    const struct rp_provenance *prov;
    const struct rp_model *m;
};

static void csv_record(void *ctx, long rep, const double *values,
                       const double *series)
{
    struct csv_sink *s = ctx;
    (void)series;
    rp_report_csv_rows(s->out, s->prov, s->m, rep, values);
}

/* --watch NAME to a value index; -1 after saying there is none. */
static int watch_index(const struct cli_args *a, const struct rp_model *m,
                       long *out)
{
    if (!a->watch)
        return 0;
    size_t i = rp_value_index(m, a->watch);
    if (i == SIZE_MAX) {
        fprintf(stderr, "ripple: --watch: no value named '%s' (names as in "
                "--format csv: scope.id.key.metric)\n", a->watch);
        return -1;
    }
    *out = (long)i;
    return 0;
}

static void say_precision(const struct cli_args *a, const struct rp_batch *b,
                          const struct rp_model *m)
{
    char name[512] = "nothing";
    if (b->watch >= 0)
        rp_value_name(m, (size_t)b->watch, name, sizeof name);
    fprintf(stderr, "ripple: %s the precision target %g for %s after %ld "
            "replications\n", b->precision_met ? "reached" : "did not reach",
            a->precision, name, b->n);
}

/* The run's files in dir (the temporary directory of --out); 0 or 1. */
static int write_files(const struct cli_args *a, const char *dir,
                       struct rp_atomic *reps, const struct rp_batch *b,
                       const struct rp_provenance *prov)
{
    int rc = 0;
    if (rp_atomic_commit(reps)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", reps->path,
                strerror(errno));
        rc = 1;
    }
    if (rp_report_write_run(dir, b, prov))
        rc = 1;
    if (a->report && !rc && rp_plot_report(dir))
        rc = 1;
    return rc;
}

/* The table or JSON on stdout, once the files are in place. */
static void print_results(const struct cli_args *a, const struct rp_batch *b,
                          const struct rp_provenance *prov, bool wrote)
{
    if (!strcmp(a->format, "json")) {
        rp_report_json(stdout, b, prov);
        fputc('\n', stdout);
    } else if (!strcmp(a->format, "table")) {
        rp_report_table(stdout, b);
        if (wrote && a->out_dir)
            printf("\nwrote %s/summary.json, provenance.json, "
                   "replications.csv%s, events.csv, "
                   "groups.csv%s\n", a->out_dir,
                   rp_model_series_len(b->model) ? ", series.csv" : "",
                   a->report ? ", report.html" : "");
    } else if (wrote && a->out_dir) {   /* csv: the rows went to the file */
        fprintf(stderr, "ripple: per-replication rows in %s/replications.csv\n",
                a->out_dir);
    }
}

static int run_main(const struct cli_args *a)
{
    struct rp_scenario sc;
    if (cli_load(&sc, a, a->variant))
        return 2;
    struct rp_model *m = rp_model_new(&sc);
    struct rp_batch_opts o;
    struct rp_batch b;
    struct rp_provenance prov;
    struct rp_atomic reps = { 0 };
    struct csv_sink sink = { .prov = &prov, .m = m };
    struct cli_out out;
    int rc;

    cli_batch_opts(&o, a, &sc);
    rp_provenance_init(&prov, &sc, o.seed);
    if (watch_index(a, m, &o.precision_value)) {
        rc = 2;
        goto out_model;
    }
    rc = cli_check_budget(a, m, &o, 1);
    if (rc)
        goto out_model;
    rc = cli_out_begin(&out, a);
    if (rc)
        goto out_model;
    o.stop = out.stop;
    const char *dir = cli_out_path(&out);
    if (dir) {
        char path[RP_OUTDIR_PATH + 64];
        snprintf(path, sizeof path, "%s/replications.csv", dir);
        if (rp_atomic_open(&reps, path)) {
            fprintf(stderr, "ripple: cannot write %s: %s\n", path,
                    strerror(errno));
            rc = cli_out_finish(&out, 1, 0);
            goto out_model;
        }
        rp_report_csv_header(reps.f, &prov);
        sink.out = reps.f;
    } else if (!strcmp(a->format, "csv")) {
        rp_report_csv_header(stdout, &prov);
        sink.out = stdout;
    }
    if (sink.out) {
        o.record = csv_record;
        o.record_ctx = &sink;
    }

    rp_batch_run(&b, m, &o);
    if (b.stopped) {
        if (dir)
            rp_atomic_abort(&reps);
        rc = cli_out_finish(&out, 0, b.n);
        goto out_batch;
    }
    if (a->precision > 0)
        say_precision(a, &b, m);
    rc = dir ? write_files(a, dir, &reps, &b, &prov) : 0;
    rc = cli_out_finish(&out, rc, b.n);
    if (rc == 0 || rc == 1)             /* a failed write loses no summary */
        print_results(a, &b, &prov, rc == 0);
out_batch:
    rp_batch_release(&b);
out_model:
    rp_model_free(m);
    rp_scenario_release(&sc);
    return rc;
}

static const enum cli_opt run_opts[] = {
    CLI_O_REPS, CLI_O_SEED, CLI_O_THREADS, CLI_O_FORMAT, CLI_O_OUT,
    CLI_O_VARIANT, CLI_O_SET, CLI_O_PRECISION, CLI_O_WATCH, CLI_O_MAX_REPS,
    CLI_O_QUANTILES, CLI_O_MAX_EVENTS, CLI_O_MAX_MEMORY, CLI_O_MAX_FILE_SIZE,
    CLI_O_REPORT, CLI_O_QUIET, CLI_O_END
};

const struct cli_verb cli_verb_run = {
    .name = "run",
    .synopsis = "FILE [options]",
    .summary = "run replications and summarise shortfalls",
    .description = "Runs replications of the scenario in FILE and prints a "
                   "summary of each report group's shortfall with its "
                   "interval. With --out DIR the result files (summary.json, "
                   "replications.csv, series.csv, events.csv, groups.csv) "
                   "are written too.",
    .options = run_opts,
    .min_pos = 1,
    .max_pos = 1,
    .pos_what = "one scenario file",
    .main = run_main,
};
