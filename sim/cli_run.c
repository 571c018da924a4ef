/*
 * cli_run.c - `ripple run FILE`: replications of one scenario, summarised.
 *
 * With --out, every replication goes to DIR.tmp-PID/records.bin as the
 * batch merges it (records.h), flushed where blocks end; replications.csv
 * is written at the end from those records, as merge and resume write it,
 * so one run, shards merged and a resumed run give the same bytes.
 */
#define _XOPEN_SOURCE 700               /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ripple/budget.h"
#include "ripple/compare.h"
#include "ripple/outdir.h"
#include "ripple/records.h"
#include "ripple/report.h"
#include "ripple/rng.h"
#include "ripple/sha256.h"

struct csv_sink {
    FILE *out;
    const struct rp_provenance *prov;
    const struct rp_model *m;
};

static void csv_record(void *ctx, long rep, const double *values,
                       const double *series, uint64_t events)
{
    struct csv_sink *s = ctx;
    (void)series;
    (void)events;
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

/* replications.csv of dir, from dir/records.bin in replication order; 0 or 1. */
static int csv_from_records(const char *dir, const struct rp_model *m,
                            const struct rp_provenance *prov)
{
    char path[RP_OUTDIR_PATH + 64], why[RP_OUTDIR_PATH + 256];
    struct rp_records_reader r;
    struct rp_atomic csv = { 0 };
    snprintf(path, sizeof path, "%s/" RP_RECORDS_FILE, dir);
    if (rp_records_open(&r, path, why, sizeof why)) {
        fprintf(stderr, "ripple: %s\n", why);
        return 1;
    }
    snprintf(path, sizeof path, "%s/replications.csv", dir);
    if (rp_atomic_open(&csv, path)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
        rp_records_close_reader(&r);
        return 1;
    }
    double *v = rp_xcalloc(r.nv + r.ns + 1, sizeof *v);
    long rep;
    uint64_t ev;
    rp_report_csv_header(csv.f, prov);
    while (rp_records_read(&r, &rep, &ev, v, v + r.nv))
        rp_report_csv_rows(csv.f, prov, m, rep, v);
    free(v);
    rp_records_close_reader(&r);
    if (rp_atomic_commit(&csv)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", csv.path,
                strerror(errno));
        return 1;
    }
    return 0;
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
                   "replications.csv%s, events.csv, groups.csv, "
                   RP_RECORDS_FILE "%s\n", a->out_dir,
                   rp_model_series_len(b->model) ? ", series.csv" : "",
                   a->report ? ", report.html" : "");
    } else if (wrote && a->out_dir) {   /* csv: the rows went to the file */
        fprintf(stderr, "ripple: per-replication rows in %s/replications.csv\n",
                a->out_dir);
    }
}

int cli_run_finish(const struct cli_args *a, struct cli_out *out,
                   const struct rp_batch *b, struct rp_records_writer *w,
                   const struct rp_provenance *prov)
{
    const char *dir = cli_out_path(out);
    int rc = 0;
    if (w && rp_records_close(w)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", w->path,
                strerror(errno));
        rc = 1;
    }
    if (dir && !rc)
        rc = csv_from_records(dir, b->model, prov);
    if (dir && !rc && rp_report_write_run(dir, b, prov))
        rc = 1;
    if (dir && a->report && !rc && rp_plot_report(dir))
        rc = 1;
    rc = cli_out_finish(out, rc, b->n);
    if (rc == 0 || rc == 1)             /* a failed write loses no summary */
        print_results(a, b, prov, rc == 0);
    return rc;
}

/* "PATH=VALUE\n" per --set, as the records header keeps them. */
static void join_overrides(const struct cli_args *a, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < a->nsets && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s=%s\n",
                                a->sets[i].path, a->sets[i].value);
}

/* What this run is, for records.bin: the whole batch and this file's share. */
static void fill_header(struct rp_records_header *h, const struct cli_args *a,
                        const struct rp_model *m, const struct rp_batch_opts *o,
                        long total)
{
    const struct rp_scenario *sc = rp_model_scenario(m);
    char real[PATH_MAX];
    memset(h, 0, sizeof *h);
    snprintf(h->ripple, sizeof h->ripple, "%s", RP_VERSION);
    h->streams = RP_STREAM_VERSION;
    rp_sha256_hex(sc->sha256, h->sha256);
    snprintf(h->scenario, sizeof h->scenario, "%s",
             realpath(a->pos[0], real) ? real : a->pos[0]);
    snprintf(h->variant, sizeof h->variant, "%s",
             sc->variant ? sc->variant : "base");
    join_overrides(a, h->overrides, sizeof h->overrides);
    h->seed = o->seed;
    h->replications = total;
    h->max_replications = o->precision > 0 ? o->max_replications : 0;
    h->precision = o->precision;
    h->watch = o->precision > 0 ? o->precision_value : -1;
    h->mode = (uint32_t)o->mode;
    h->nvalues = (uint32_t)rp_model_nvalues(m);
    h->nseries = (uint32_t)rp_model_series_len(m);
    h->layout = rp_records_layout(m);
    h->first_rep = o->first_rep;
    h->count = o->replications;
}

/*
 * --shard I/K: replications (I-1)N/K .. IN/K-1 of the N asked for, and
 * the quantile mode fixed to the whole batch's (so the shards' records
 * merge into what one run summarises). 2 when a shard would be empty.
 */
static int shard_opts(const struct cli_args *a, struct rp_batch_opts *o,
                      const struct rp_model *m)
{
    o->mode = rp_batch_mode(m, o);
    o->auto_mode = false;
    if (!a->shard_k)
        return 0;
    long n = o->replications, k = a->shard_k, i = a->shard_i;
    if (k > n) {
        fprintf(stderr, "ripple: --shard: %ld shards of %ld replications "
                "would leave some empty; use at most %ld\n", k, n, n);
        return 2;
    }
    o->first_rep = (long)((long long)(i - 1) * n / k);
    o->replications = (long)((long long)i * n / k) - o->first_rep;
    return 0;
}

/*
 * --resume: the stopped run's records (now in dir) back into b, checked to
 * be this batch's; then w appends after them. 0, or 2 naming what differs.
 */
static int resume_records(const char *dir, const struct rp_records_header *h,
                          struct rp_batch *b, const struct rp_batch_opts *o,
                          struct rp_records_writer *w)
{
    char path[RP_OUTDIR_PATH + 64], why[RP_OUTDIR_PATH + 512];
    struct rp_records_reader r;
    snprintf(path, sizeof path, "%s/" RP_RECORDS_FILE, dir);
    if (rp_records_open(&r, path, why, sizeof why)) {
        fprintf(stderr, "ripple: --resume: %s\n", why);
        return 2;
    }
    int rc = rp_records_same_batch(&r.h, "the stopped run", h, "this command",
                                   why, sizeof why);
    if (!rc && (r.h.first_rep != h->first_rep || r.h.count != h->count)) {
        snprintf(why, sizeof why, "the stopped run was replications %lld.."
                 "%lld, this command asks for %lld..%lld (--shard)",
                 (long long)r.h.first_rep,
                 (long long)(r.h.first_rep + r.h.count - 1),
                 (long long)h->first_rep, (long long)(h->first_rep + h->count - 1));
        rc = -1;
    }
    if (rc) {
        fprintf(stderr, "ripple: --resume: %s is not this run: %s\n", path, why);
        rp_records_close_reader(&r);
        return 2;
    }
    double *v = rp_xcalloc(r.nv + r.ns + 1, sizeof *v);
    long rep;
    uint64_t ev;
    /* a precision run may have gone past -n, up to its cap */
    long most = h->precision > 0 ? (long)h->max_replications : (long)h->count;
    while (b->n < most && rp_records_read(&r, &rep, &ev, v, v + r.nv)
           && rep == o->first_rep + b->n)
        rp_batch_add(b, o, v, v + r.nv, ev);
    free(v);
    rp_records_close_reader(&r);
    if (rp_records_reopen(w, path, h, b->n)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    fprintf(stderr, "ripple: resuming after %ld replications (-n %lld)\n",
            b->n, (long long)h->count);
    return 0;
}

/* Records to dir/records.bin: fresh, or after the stopped run's (--resume). */
static int start_records(const struct cli_args *a, const char *dir,
                         const struct rp_records_header *h, struct rp_batch *b,
                         struct rp_batch_opts *o, struct rp_records_writer *w)
{
    char path[RP_OUTDIR_PATH + 64];
    snprintf(path, sizeof path, "%s/" RP_RECORDS_FILE, dir);
    int rc = a->resume ? resume_records(dir, h, b, o, w)
                       : rp_records_create(w, path, h) ? 1 : 0;
    if (rc == 1 && !a->resume)
        fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
    if (!rc) {
        o->record = rp_records_on_record;
        o->checkpoint = rp_records_on_block;
        o->record_ctx = w;
    }
    return rc;
}

/* The batch and what ends it; the exit status. */
static int run_batch(const struct cli_args *a, const struct rp_model *m,
                     struct rp_batch_opts *o, struct cli_out *out)
{
    struct rp_batch b;
    struct rp_provenance prov;
    struct rp_records_header h;
    struct rp_records_writer w = { 0 };
    struct csv_sink sink = { .out = stdout, .prov = &prov, .m = m };
    const char *dir = cli_out_path(out);
    long total = o->replications;
    int rc = shard_opts(a, o, m);

    rp_provenance_init(&prov, rp_model_scenario(m), o->seed);
    rp_batch_init(&b, m, o);
    fill_header(&h, a, m, o, total);
    if (!rc && dir)
        rc = start_records(a, dir, &h, &b, o, &w);
    else if (!rc && !strcmp(a->format, "csv")) {
        rp_report_csv_header(stdout, &prov);
        o->record = csv_record;
        o->record_ctx = &sink;
    }
    rc = cli_agree(a, rc);                 /* rank 0 may have refused */
    if (rc) {
        if (w.f)
            rp_records_close(&w);
        rc = cli_out_finish(out, rc, -1);
        goto out;
    }
    out->keep = dir != NULL;
    int st = rp_batch_continue(&b, o);
    if (a->ranks && a->ranks->rank != 0) {
        rc = st == RP_BATCH_OVER_BUDGET;    /* MPI: rank 0 alone holds the results */
        goto out;
    }
    if (st != RP_BATCH_DONE) {
        if (w.f)
            rp_records_close(&w);
        if (st == RP_BATCH_OVER_BUDGET)
            rp_budget_say_over(stderr, &b, o->max_rep_events);
        out->keep = st == RP_BATCH_STOPPED && out->keep;
        rc = cli_out_finish(out, st == RP_BATCH_OVER_BUDGET, b.n);
        goto out;
    }
    if (a->precision > 0)
        say_precision(a, &b, m);
    rc = cli_run_finish(a, out, &b, dir ? &w : NULL, &prov);
out:
    rp_batch_release(&b);
    return rc;
}

static int run_main(const struct cli_args *a)
{
    struct rp_scenario sc;
    if (cli_load(&sc, a, a->variant))
        return 2;
    struct rp_model *m = rp_model_new(&sc);
    struct rp_batch_opts o;
    struct cli_out out;
    int rc;

    cli_batch_opts(&o, a, &sc);
    if (watch_index(a, m, &o.precision_value)) {
        rc = 2;
        goto out_model;
    }
    rc = cli_check_budget(a, m, &o, 1);
    if (rc)
        goto out_model;
    o.max_rep_events = rp_budget_rep_events(m, a->max_rep_events);
    rc = cli_agree(a, cli_out_begin(&out, a));
    if (rc) {
        if (out.active)                 /* another rank failed (MPI) */
            rc = cli_out_finish(&out, rc, -1);
        goto out_model;
    }
    o.stop = out.stop;
    rc = run_batch(a, m, &o, &out);
out_model:
    rp_model_free(m);
    rp_scenario_release(&sc);
    return rc;
}

static const enum cli_opt run_opts[] = {
    CLI_O_REPS, CLI_O_SEED, CLI_O_THREADS, CLI_O_FORMAT, CLI_O_OUT,
    CLI_O_VARIANT, CLI_O_SET, CLI_O_SHARD, CLI_O_RESUME, CLI_O_PRECISION,
    CLI_O_WATCH, CLI_O_MAX_REPS, CLI_O_QUANTILES, CLI_O_MAX_EVENTS,
    CLI_O_MAX_MEMORY, CLI_O_MAX_REP_EVENTS, CLI_O_MAX_FILE_SIZE, CLI_O_REPORT,
    CLI_O_QUIET, CLI_O_END
};

const struct cli_verb cli_verb_run = {
    .name = "run",
    .synopsis = "FILE [options]",
    .summary = "run replications and summarise shortfalls",
    .description = "Runs replications of the scenario in FILE and prints a "
                   "summary of each report group's shortfall with its "
                   "interval. With --out DIR the result files (summary.json, "
                   "provenance.json, replications.csv, series.csv, "
                   "events.csv, groups.csv, records.bin) are written too; a run stopped by SIGINT or "
                   "SIGTERM keeps its finished replications for --resume.",
    .options = run_opts,
    .min_pos = 1,
    .max_pos = 1,
    .pos_what = "one scenario file",
    .main = run_main,
};
