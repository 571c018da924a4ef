/*
 * main.c - the ripple command line.
 *
 * Exit status: 0 success, 1 a run failed (I/O), 2 bad input or usage.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ripple/batch.h"
#include "ripple/compare.h"
#include "ripple/engine.h"
#include "ripple/report.h"
#include "ripple/scenario.h"
#include "rp_git.h"                /* RP_GIT_HASH, written at build time */

#define MAX_SETS RP_MAX_OVERRIDES

static const char usage[] =
    "usage: ripple <command> [options]\n"
    "\n"
    "Discrete-event Monte Carlo simulation of supply-chain disruptions.\n"
    "\n"
    "commands:\n"
    "  run FILE        run replications and summarise shortfalls\n"
    "  validate FILE   check a scenario and print a summary of its network\n"
    "  compare FILE [VARIANT...]\n"
    "                  run the base and variants on common random numbers\n"
    "  sweep FILE --set PATH=V1,V2,...\n"
    "                  run each value of one or two scalar paths on common random numbers\n"
    "  report DIR      write DIR/report.html with plots from a run's --out DIR\n"
    "\n"
    "options for run, compare and sweep:\n"
    "  -n, --replications N   replications (default: the scenario's, else 1000)\n"
    "  --seed S               64-bit seed (default: the scenario's)\n"
    "  --threads T            OpenMP threads (default: OMP_NUM_THREADS or all cores);\n"
    "                         results do not depend on it\n"
    "  --format F             table (default), json or csv (one row per\n"
    "                         replication, node, product and metric)\n"
    "  --out DIR              also write DIR/summary.json, replications.csv, series.csv\n"
    "  --variant NAME         apply the scenario's variant NAME (run)\n"
    "  --set PATH=VALUE       override a scalar, e.g. events.jp_ban.duration=90\n"
    "  --precision R          add replications until the interval half-width of\n"
    "                         the first group's shortfall is below R x its mean\n"
    "  --watch NAME           the value --precision watches, e.g.\n"
    "                         groups.korean_cell_makers.cell.unmet (names as in --format csv)\n"
    "  --max-replications N   cap for --precision (default 100000)\n"
    "  --quantiles Q          exact (keep every value), p2 (GSL's streaming\n"
    "                         P-square estimates, constant memory) or auto\n"
    "                         (default: exact while values fit in 1 GiB)\n"
    "  --report               also write DIR/report.html (needs --out DIR)\n"
    "  --quiet                no progress line\n"
    "  -h, --help             this help\n"
    "  --version              version and commit\n"
    "\n"
    "Bad input is reported as file:line:col: message, with exit status 2.\n";

struct cli {
    const char *cmd;
    const char *file;
    const char *positional[64];
    int npositional;
    long reps;
    bool have_seed;
    unsigned long long seed;
    int threads;
    const char *format;
    const char *out_dir;
    const char *variant;
    struct rp_override sets[MAX_SETS];
    char *set_buf[MAX_SETS];
    size_t nsets;
    double precision;
    const char *watch;
    const char *quantiles;
    long max_reps;
    bool quiet;
    bool report;
};

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "ripple: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'ripple --help'.\n");
    return 2;
}

static int parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

static int parse_args(struct cli *c, int argc, char **argv)
{
    c->format = "table";
    c->max_reps = 100000;
    c->reps = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_ARG()                                                             \
    do {                                                                       \
        if (!next)                                                             \
            return bad_usage("option %s needs a value", a);                    \
        i++;                                                                   \
    } while (0)
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            exit(0);
        } else if (!strcmp(a, "--version")) {
            printf("ripple %s (%s)\n", RP_VERSION, RP_GIT_HASH);
            exit(0);
        } else if (!strcmp(a, "-n") || !strcmp(a, "--replications")) {
            NEED_ARG();
            if (parse_long(next, &c->reps) || c->reps < 1)
                return bad_usage("replications must be a whole number >= 1, not '%s'", next);
        } else if (!strcmp(a, "--seed")) {
            NEED_ARG();
            char *end;
            errno = 0;
            c->seed = strtoull(next, &end, 10);
            if (errno || end == next || *end || *next == '-')
                return bad_usage("seed must be a whole number from 0 to 2^64-1, not '%s'", next);
            c->have_seed = true;
        } else if (!strcmp(a, "--threads")) {
            NEED_ARG();
            long t;
            if (parse_long(next, &t) || t < 1 || t > 4096)
                return bad_usage("threads must be a whole number from 1 to 4096, not '%s'", next);
            c->threads = (int)t;
        } else if (!strcmp(a, "--format")) {
            NEED_ARG();
            if (strcmp(next, "table") && strcmp(next, "json") && strcmp(next, "csv"))
                return bad_usage("format must be table, json or csv, not '%s'", next);
            c->format = next;
        } else if (!strcmp(a, "--out")) {
            NEED_ARG();
            c->out_dir = next;
        } else if (!strcmp(a, "--variant")) {
            NEED_ARG();
            c->variant = next;
        } else if (!strcmp(a, "--set")) {
            NEED_ARG();
            const char *eq = strchr(next, '=');
            if (c->nsets == MAX_SETS) {
                fprintf(stderr, "ripple: --set:%d: too many --set overrides; "
                        "the limit is %d\n", MAX_SETS + 1, MAX_SETS);
                return 2;
            }
            if (!eq || eq == next)
                return bad_usage("--set takes PATH=VALUE, not '%s'", next);
            char *buf = strdup(next);
            buf[eq - next] = '\0';
            c->set_buf[c->nsets] = buf;
            c->sets[c->nsets++] = (struct rp_override){ buf, buf + (eq - next) + 1 };
        } else if (!strcmp(a, "--precision")) {
            NEED_ARG();
            char *end;
            c->precision = strtod(next, &end);
            if (end == next || *end || !(c->precision > 0 && c->precision < 1))
                return bad_usage("precision must be a number between 0 and 1, not '%s'", next);
        } else if (!strcmp(a, "--quantiles")) {
            NEED_ARG();
            if (strcmp(next, "exact") && strcmp(next, "p2") && strcmp(next, "auto"))
                return bad_usage("quantiles must be exact, p2 or auto, not '%s'", next);
            c->quantiles = next;
        } else if (!strcmp(a, "--watch")) {
            NEED_ARG();
            c->watch = next;
        } else if (!strcmp(a, "--max-replications")) {
            NEED_ARG();
            if (parse_long(next, &c->max_reps) || c->max_reps < 1)
                return bad_usage("max-replications must be a whole number >= 1, not '%s'", next);
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            c->quiet = true;
        } else if (!strcmp(a, "--report")) {
            c->report = true;
        } else if (a[0] == '-' && a[1]) {
            return bad_usage("unknown option '%s'", a);
        } else if (!c->cmd) {
            c->cmd = a;
        } else if (!c->file) {
            c->file = a;
        } else if (c->npositional < 64) {
            c->positional[c->npositional++] = a;
        } else {
            return bad_usage("too many arguments at '%s'", a);
        }
#undef NEED_ARG
    }
    return 0;
}

/* Loads a scenario, printing every problem found; NULL-safe variant. */
static int load(struct rp_scenario *sc, const struct cli *c, const char *variant,
                const struct rp_override *sets, size_t nsets)
{
    struct rp_diag diag;
    struct rp_load_opts opts = { .variant = variant, .overrides = sets,
                                 .noverrides = nsets };
    rp_diag_init(&diag);
    int rc = rp_scenario_load_strict(sc, c->file, &opts, &diag);
    if (rc) {
        rp_diag_print(&diag, stderr);
        fprintf(stderr, "ripple: %zu error%s in %s; nothing was run\n",
                rp_diag_count(&diag), rp_diag_count(&diag) == 1 ? "" : "s", c->file);
    }
    rp_diag_release(&diag);
    return rc;
}

struct csv_sink {
    FILE *out;
    const struct rp_model *m;
};

static void csv_record(void *ctx, long rep, const double *values, const double *series)
{
    struct csv_sink *s = ctx;
    (void)series;
    rp_report_csv_rows(s->out, s->m, rep, values);
}

static void batch_opts(struct rp_batch_opts *o, const struct cli *c,
                       const struct rp_scenario *sc)
{
    rp_batch_opts_default(o);
    o->replications = c->reps > 0 ? c->reps : sc->replications;
    o->seed = c->have_seed ? c->seed : sc->seed;
    o->threads = c->threads;
    o->precision = c->precision;
    o->max_replications = c->max_reps;
    o->progress = !c->quiet && isatty(STDERR_FILENO);
    if (c->quantiles && strcmp(c->quantiles, "auto")) {
        o->auto_mode = false;
        o->mode = strcmp(c->quantiles, "exact") ? RP_ACC_STREAM : RP_ACC_EXACT;
    }
}


static int cmd_run(const struct cli *c)
{
    struct rp_scenario sc;
    if (load(&sc, c, c->variant, c->sets, c->nsets))
        return 2;
    struct rp_model *m = rp_model_new(&sc);
    struct rp_batch_opts o;
    struct rp_batch b;
    struct rp_provenance prov;
    struct rp_atomic reps = { 0 };
    struct csv_sink sink = { .m = m };
    int rc = 0;

    batch_opts(&o, c, &sc);
    rp_provenance_init(&prov, &sc);
    if (c->watch) {
        size_t i = rp_value_index(m, c->watch);
        o.precision_value = i == SIZE_MAX ? -1 : (long)i;
        if (o.precision_value < 0) {
            fprintf(stderr, "ripple: --watch: no value named '%s' (names as in "
                    "--format csv: scope.id.key.metric)\n", c->watch);
            rc = 2;
            goto out_model;
        }
    }
    if (c->out_dir) {
        char path[4096];
        if (rp_make_dir(c->out_dir)) {
            rc = 1;
            goto out_model;
        }
        snprintf(path, sizeof path, "%s/replications.csv", c->out_dir);
        if (rp_atomic_open(&reps, path)) {
            fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
            rc = 1;
            goto out_model;
        }
        rp_report_csv_header(reps.f);
        sink.out = reps.f;
        o.record = csv_record;
        o.record_ctx = &sink;
    } else if (!strcmp(c->format, "csv")) {
        rp_report_csv_header(stdout);
        sink.out = stdout;
        o.record = csv_record;
        o.record_ctx = &sink;
    }

    rp_batch_run(&b, m, &o);

    if (c->precision > 0) {
        char name[512] = "nothing";
        if (b.watch >= 0)
            rp_value_name(m, (size_t)b.watch, name, sizeof name);
        fprintf(stderr, "ripple: %s the precision target %g for %s after %ld "
                "replications\n", b.precision_met ? "reached" : "did not reach",
                c->precision, name, b.n);
    }
    if (c->out_dir) {
        if (rp_atomic_commit(&reps)) {
            fprintf(stderr, "ripple: cannot write %s: %s\n", reps.path, strerror(errno));
            rc = 1;
        }
        if (rp_report_write_run(c->out_dir, &b, &prov))
            rc = 1;
        if (c->report && !rc)
            rc = rp_plot_report(c->out_dir) ? 1 : 0;
        if (!strcmp(c->format, "csv")) {
            /* the rows went to the file; say where */
            fprintf(stderr, "ripple: per-replication rows in %s\n", reps.path);
        }
    }
    if (!strcmp(c->format, "json")) {
        rp_report_json(stdout, &b, &prov);
        fputc('\n', stdout);
    } else if (!strcmp(c->format, "table")) {
        rp_report_table(stdout, &b);
        if (c->out_dir)
            printf("\nwrote %s/summary.json, replications.csv%s, events.csv, "
                   "groups.csv%s\n", c->out_dir,
                   rp_model_series_len(m) ? ", series.csv" : "",
                   c->report ? ", report.html" : "");
    }
    rp_batch_release(&b);
out_model:
    rp_model_free(m);
    rp_scenario_release(&sc);
    return rc;
}

static int cmd_validate(const struct cli *c)
{
    struct rp_scenario sc;
    if (load(&sc, c, c->variant, c->sets, c->nsets))
        return 2;
    rp_scenario_summary(&sc, stdout);
    printf("ok: %s is a valid scenario\n", c->file);
    rp_scenario_release(&sc);
    return 0;
}

int main(int argc, char **argv)
{
    struct cli c = { 0 };
    int rc = parse_args(&c, argc, argv);
    gsl_set_error_handler_off();        /* we check GSL status codes ourselves */
    if (rc)
        goto out;
    if (!c.cmd) {
        fputs(usage, stderr);
        rc = 2;
        goto out;
    }
    if (!strcmp(c.cmd, "report")) {
        if (!c.file) {
            rc = bad_usage("%s needs a directory", "report");
            goto out;
        }
        rc = rp_plot_report(c.file) ? 1 : 0;
        goto out;
    }
    if (!c.file) {
        rc = bad_usage("%s needs a scenario file", c.cmd);
        goto out;
    }
    if (!strcmp(c.cmd, "run")) {
        rc = cmd_run(&c);
    } else if (!strcmp(c.cmd, "validate")) {
        rc = cmd_validate(&c);
    } else if (!strcmp(c.cmd, "compare") || !strcmp(c.cmd, "sweep")) {
        struct rp_compare_opts co = {
            .file = c.file,
            .variants = c.positional,
            .nvariants = (size_t)c.npositional,
            .sets = c.sets,
            .nsets = c.nsets,
            .sweep = !strcmp(c.cmd, "sweep"),
            .reps = c.reps,
            .have_seed = c.have_seed,
            .seed = c.seed,
            .threads = c.threads,
            .format = c.format,
            .out_dir = c.out_dir,
            .progress = !c.quiet && isatty(STDERR_FILENO),
            .report = c.report,
        };
        rc = rp_compare_main(&co);
    } else {
        rc = bad_usage("unknown command '%s'", c.cmd);
    }
out:
    for (size_t i = 0; i < c.nsets; i++)
        free(c.set_buf[i]);
    return rc;
}
