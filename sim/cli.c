#define _POSIX_C_SOURCE 200809L
/*
 * cli.c - options of the ripple command line: one table, read with glibc's
 * getopt_long, every value checked strictly and named in its error.
 *
 * Why strict: strtol and strtoull skip leading blanks and accept a sign, so
 * `--seed " -1"` silently became 2^64-1. Here a whole number is digits
 * only, checked against its range before conversion can wrap, and the
 * message names the option and the range.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ripple/model.h"
#include "ripple/records.h"
#include "ripple/sensitivity.h"      /* the limits of --samples */
#include "rp_git.h"                /* RP_GIT_HASH, written at build time */

#ifndef RP_VERSION
#define RP_VERSION "0"
#endif

struct opt_info {
    const char *name;
    int letter;
    const char *arg;
    const char *help;
};

static const struct opt_info opts[] = {
#define CLI_OPT_INFO(id, name, letter, arg, help) { name, letter, arg, help },
    CLI_OPTIONS(CLI_OPT_INFO)
#undef CLI_OPT_INFO
};

#define LONG_VAL 256                    /* getopt_long val of option i: LONG_VAL + i */

void cli_print_version(FILE *out)
{
    fprintf(out, "ripple %s (%s)\n", RP_VERSION, RP_GIT_HASH);
}

int cli_usage_error(const struct cli_verb *v, const char *fmt, ...)
{
    va_list ap;
    fputs("ripple: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (v)
        fprintf(stderr, "\nTry 'ripple %s --help'.\n", v->name);
    else
        fputs("\nTry 'ripple --help'.\n", stderr);
    return 2;
}

/* Does verb v take option o? --help and --version it always takes. */
static bool takes(const struct cli_verb *v, enum cli_opt o)
{
    if (o == CLI_O_HELP || o == CLI_O_VERSION)
        return true;
    for (const enum cli_opt *p = v->options; *p != CLI_O_END; p++)
        if (*p == o)
            return true;
    return false;
}

/* Prints text from column col, wrapped at 79 with continuation indent ind. */
void cli_wrap(FILE *out, const char *text, int col, int ind)
{
    const char *p = text;
    while (*p) {
        const char *w = p;
        while (*w && *w != ' ')
            w++;
        int len = (int)(w - p);
        if (col > ind && col + 1 + len > 79) {
            fprintf(out, "\n%*s", ind, "");
            col = ind;
        } else if (col > ind) {
            fputc(' ', out);
            col++;
        }
        fprintf(out, "%.*s", len, p);
        col += len;
        p = *w ? w + 1 : w;
    }
    fputc('\n', out);
}

void cli_verb_help(const struct cli_verb *v, FILE *out)
{
    fprintf(out, "usage: ripple %s %s\n\n", v->name, v->synopsis);
    cli_wrap(out, v->description, 0, 0);
    fputs("\noptions:\n", out);
    for (int i = 0; i < CLI_O_END; i++) {
        if (!takes(v, (enum cli_opt)i))
            continue;
        char head[64];
        int n = snprintf(head, sizeof head, "  %s%c%s--%s%s%s",
                         opts[i].letter ? "-" : "",
                         opts[i].letter ? opts[i].letter : ' ',
                         opts[i].letter ? ", " : "   ", opts[i].name,
                         opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
        fputs(head, out);
        if (n < 26)
            fprintf(out, "%*s", 26 - n, "");
        else
            fprintf(out, "\n%26s", "");
        cli_wrap(out, i == CLI_O_REPS && v->reps_help ? v->reps_help
                                                      : opts[i].help, 26, 26);
    }
    fputs("\nExit status: 0 done, 1 a run failed, 2 bad input or usage, "
          "130/143 interrupted.\n", out);
}

/* ------------------------------------------------------- strict values */

/* A whole number lo..hi in digits only (no blanks, signs or exponents). */
static int parse_whole(const char *opt, const char *s, uint64_t lo,
                       uint64_t hi, uint64_t *out)
{
    bool digits = *s != '\0';
    for (const char *p = s; *p && digits; p++)
        digits = *p >= '0' && *p <= '9';
    errno = 0;
    uint64_t v = digits ? strtoull(s, NULL, 10) : 0;
    if (!digits || errno == ERANGE || v < lo || v > hi) {
        fprintf(stderr, "ripple: %s: expected a whole number from %llu to "
                "%llu, not '%s'\n", opt, (unsigned long long)lo,
                (unsigned long long)hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* A number strictly between lo and hi, as strtod reads it, whole string. */
static int parse_open(const char *opt, const char *s, double lo, double hi,
                      double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *s == ' ' || *s == '\t' || *end || errno == ERANGE
        || !(v > lo && v < hi)) {
        fprintf(stderr, "ripple: %s: expected a number between %g and %g "
                "(exclusive), not '%s'\n", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* A count >= 0 written as digits or with an exponent (1e10), whole. */
static int parse_count(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!(*s >= '0' && *s <= '9') || *end || errno == ERANGE || !isfinite(v)
        || v != floor(v)) {
        fprintf(stderr, "ripple: %s: expected a whole number >= 0 (digits or "
                "1e10), not '%s'\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* Bytes: a number >= 0 with an optional binary unit K, M, G or T (KiB...). */
static int parse_bytes(const char *opt, const char *s, double *out)
{
    static const char units[] = "KMGT";
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    double scale = 1;
    const char *u = *end ? strchr(units, *end) : NULL;
    if (u && *u) {
        scale = pow(1024, (double)(u - units + 1));
        end++;
        if (!strcmp(end, "iB") || !strcmp(end, "B"))
            end += strlen(end);
    } else if (!strcmp(end, "B")) {
        end++;
    }
    if (!(*s >= '0' && *s <= '9') || *end || errno == ERANGE
        || !isfinite(v * scale)) {
        fprintf(stderr, "ripple: %s: expected a size in bytes >= 0, with K, M, "
                "G or T for binary units (4G), not '%s'\n", opt, s);
        return -1;
    }
    *out = v * scale;
    return 0;
}

/* One of the words in list (NULL-terminated). */
static int parse_word(const char *opt, const char *s, const char *const *list,
                      const char **out)
{
    for (const char *const *w = list; *w; w++)
        if (!strcmp(s, *w)) {
            *out = *w;
            return 0;
        }
    fprintf(stderr, "ripple: %s: expected ", opt);
    for (const char *const *w = list; *w; w++)
        fprintf(stderr, "%s%s", *w, !w[1] ? "" : !w[2] ? " or " : ", ");
    fprintf(stderr, ", not '%s'\n", s);
    return -1;
}

static int parse_name(const char *opt, const char *s, const char **out)
{
    if (!*s) {
        fprintf(stderr, "ripple: %s: expected a name, not ''\n", opt);
        return -1;
    }
    *out = s;
    return 0;
}

/* --set PATH=VALUE: copied, so the override owns its two strings. */
static int parse_set(struct cli_args *a, const char *opt, const char *s)
{
    const char *eq = strchr(s, '=');
    if (a->nsets == CLI_MAX_SETS) {
        fprintf(stderr, "ripple: %s: at most %d overrides; '%s' is the %zuth\n",
                opt, CLI_MAX_SETS, s, a->nsets + 1);
        return -1;
    }
    if (!eq || eq == s) {
        fprintf(stderr, "ripple: %s: expected PATH=VALUE, not '%s'\n", opt, s);
        return -1;
    }
    char *buf = strdup(s);
    if (!buf) {
        fprintf(stderr, "ripple: out of memory\n");
        abort();
    }
    buf[eq - s] = '\0';
    a->set_buf[a->nsets] = buf;
    a->sets[a->nsets++] = (struct rp_override){ buf, buf + (eq - s) + 1 };
    return 0;
}

/* --shard I/K: two whole numbers, 1 <= I <= K <= 1e6. */
static int parse_shard(struct cli_args *a, const char *opt, const char *s)
{
    char i[32], k[32];
    const char *slash = strchr(s, '/');
    uint64_t vi, vk;
    if (!slash || slash - s >= (long)sizeof i || strlen(slash + 1) >= sizeof k) {
        fprintf(stderr, "ripple: %s: expected I/K (the I-th of K shards, e.g. "
                "3/10), not '%s'\n", opt, s);
        return -1;
    }
    snprintf(i, sizeof i, "%.*s", (int)(slash - s), s);
    snprintf(k, sizeof k, "%s", slash + 1);
    if (parse_whole(opt, k, 1, 1000000, &vk) || parse_whole(opt, i, 1, vk, &vi))
        return -1;
    a->shard_i = (long)vi;
    a->shard_k = (long)vk;
    return 0;
}

static const char *const formats[] = { "table", "json", "csv", NULL };
static const char *const quantile_modes[] = { "exact", "p2", "auto", NULL };
static const char *const methods[] = { "sobol", "morris", NULL };

/* A directory named by s (not empty). */
static int parse_dir(const char *opt, const char *s, const char **dir)
{
    if (!*s) {
        fprintf(stderr, "ripple: %s: expected a directory, not ''\n", opt);
        return -1;
    }
    *dir = s;
    return 0;
}

/* --max-rep-events: a count below 1.8e19 (the step budget is a uint64_t). */
static int parse_rep_events(const char *opt, const char *s, double *out)
{
    if (parse_count(opt, s, out))
        return -1;
    if (*out >= 1.8e19) {
        fprintf(stderr, "ripple: %s: expected at most 1.8e19, not '%s'\n",
                opt, s);
        return -1;
    }
    return 0;
}

/* --max-file-size: 1 byte to 1e18. */
static int parse_file_size(const char *opt, const char *s, double *out)
{
    if (parse_bytes(opt, s, out))
        return -1;
    if (!(*out >= 1 && *out < 1e18)) {
        fprintf(stderr, "ripple: %s: expected a size from 1 byte to 1e18, "
                "not '%s'\n", opt, s);
        return -1;
    }
    return 0;
}

/* --levels: an even number from 2 to 1000 (Morris). */
static int parse_levels(const char *opt, const char *s, int *out)
{
    uint64_t u;
    if (parse_whole(opt, s, 2, 1000, &u))
        return -1;
    if (u % 2) {
        fprintf(stderr, "ripple: %s: expected an even number of levels, "
                "not '%s'\n", opt, s);
        return -1;
    }
    *out = (int)u;
    return 0;
}

/* Stores option o's value s (NULL for a flag); -1 after saying what is wrong. */
static int set_option(struct cli_args *a, enum cli_opt o, const char *opt,
                      const char *s)
{
    uint64_t u;
    switch (o) {
    case CLI_O_REPS:
        if (parse_whole(opt, s, 1, CLI_MAX_REPLICATIONS, &u))
            return -1;
        a->reps = (long)u;
        return 0;
    case CLI_O_SEED:
        if (parse_whole(opt, s, 0, UINT64_MAX, &a->seed))
            return -1;
        a->have_seed = true;
        return 0;
    case CLI_O_THREADS:
        if (parse_whole(opt, s, 1, CLI_MAX_THREADS, &u))
            return -1;
        a->threads = (int)u;
        return 0;
    case CLI_O_FORMAT:
        return parse_word(opt, s, formats, &a->format);
    case CLI_O_OUT:
        return parse_dir(opt, s, &a->out_dir);
    case CLI_O_VARIANT:
        return parse_name(opt, s, &a->variant);
    case CLI_O_SHARD:
        return parse_shard(a, opt, s);
    case CLI_O_RESUME:
        return parse_dir(opt, s, &a->resume);
    case CLI_O_SET:
    case CLI_O_SWEEP_SET:
        return parse_set(a, opt, s);
    case CLI_O_PRECISION:
        return parse_open(opt, s, 0, 1, &a->precision);
    case CLI_O_WATCH:
        return parse_name(opt, s, &a->watch);
    case CLI_O_MAX_REPS:
        if (parse_whole(opt, s, 1, CLI_MAX_REPLICATIONS, &u))
            return -1;
        a->max_reps = (long)u;
        return 0;
    case CLI_O_QUANTILES:
        return parse_word(opt, s, quantile_modes, &a->quantiles);
    case CLI_O_MAX_EVENTS:
        return parse_count(opt, s, &a->limits.max_events);
    case CLI_O_MAX_MEMORY:
        return parse_bytes(opt, s, &a->limits.max_memory);
    case CLI_O_MAX_REP_EVENTS:
        return parse_rep_events(opt, s, &a->max_rep_events);
    case CLI_O_MAX_FILE_SIZE:
        return parse_file_size(opt, s, &a->max_file_size);
    case CLI_O_REPORT:
        a->report = true;
        return 0;
    case CLI_O_QUIET:
        a->quiet = true;
        return 0;
    case CLI_O_METHOD:
        return parse_word(opt, s, methods, &a->method);
    case CLI_O_SAMPLES:
        if (parse_whole(opt, s, 2, RP_SOBOL_MAX_SAMPLES, &u))
            return -1;
        a->samples = (long)u;
        return 0;
    case CLI_O_LEVELS:
        return parse_levels(opt, s, &a->levels);
    case CLI_O_HELP:
    case CLI_O_VERSION:
    case CLI_O_END:
        break;
    }
    return 0;
}

/* ------------------------------------------------------------- parsing */

/* Option i as the user wrote it: "--seed" or "-n". */
static void opt_label(char *buf, size_t cap, int i, bool as_long)
{
    if (as_long || !opts[i].letter)
        snprintf(buf, cap, "--%s", opts[i].name);
    else
        snprintf(buf, cap, "-%c", opts[i].letter);
}

/* Index of the verb's option with this getopt_long result, or -1. */
static int option_of(const struct cli_verb *v, int c)
{
    if (c >= LONG_VAL && c < LONG_VAL + CLI_O_END)
        return c - LONG_VAL;
    for (int i = 0; i < CLI_O_END; i++)
        if (opts[i].letter == c && takes(v, (enum cli_opt)i))
            return i;
    return -1;
}

/* An option getopt_long did not know: another verb's, or nobody's. */
static int unknown_option(const struct cli_verb *v, const char *arg, int optopt_)
{
    char name[64];
    if (optopt_ >= LONG_VAL) {          /* --flag=value */
        const char *eq = strchr(arg, '=');
        return cli_usage_error(v, "--%s: takes no value, not '%s'",
                               opts[optopt_ - LONG_VAL].name, eq ? eq + 1 : arg);
    }
    if (optopt_)
        snprintf(name, sizeof name, "-%c", optopt_);
    else
        snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
    for (int i = 0; i < CLI_O_END; i++) {
        bool same = optopt_ ? opts[i].letter == optopt_
                            : !strcmp(name + 2, opts[i].name);
        if (same)
            return cli_usage_error(v, "%s: not an option of %s", name, v->name);
    }
    return cli_usage_error(v, "%s: unknown option", name);
}

/* Checks that need the whole command line. */
static int check_together(const struct cli_args *a, const struct cli_verb *v)
{
    if (a->npos < v->min_pos)
        return cli_usage_error(v, "%s: needs %s", v->name, v->pos_what);
    if (v->max_pos >= 0 && a->npos > v->max_pos)
        return cli_usage_error(v, "%s: unexpected argument '%s' (%s takes %s)",
                               v->name, a->pos[v->max_pos], v->name,
                               v->pos_what);
    if (a->report && !a->out_dir)
        return cli_usage_error(v, "--report: needs --out DIR, where the "
                               "report is written");
    if (a->watch && !(a->precision > 0))
        return cli_usage_error(v, "--watch: only means something with "
                               "--precision");
    if (a->shard_k && a->precision > 0)
        return cli_usage_error(v, "--shard: cannot be used with --precision "
                               "(a shard's share needs the count known "
                               "before the run)");
    if (a->resume && a->out_dir && strcmp(a->resume, a->out_dir))
        return cli_usage_error(v, "--resume: DIR is also the output "
                               "directory; --out '%s' differs from it",
                               a->out_dir);
    if (a->max_reps && !(a->precision > 0))
        return cli_usage_error(v, "--max-replications: only means something "
                               "with --precision");
    return 0;
}

int cli_parse(struct cli_args *a, const struct cli_verb *v, int argc,
              char **argv)
{
    struct option longopts[CLI_O_END + 1];
    char shortopts[2 * CLI_O_END + 2] = ":";
    size_t nl = 0, ns = 1;
    bool seen[CLI_O_END] = { false };

    *a = (struct cli_args){ .verb = v, .reps = -1, .format = "table",
                            .max_rep_events = -1,
                            .limits = { RP_BUDGET_EVENTS, RP_BUDGET_MEMORY } };
    for (int i = 0; i < CLI_O_END; i++) {
        if (!takes(v, (enum cli_opt)i))
            continue;
        longopts[nl++] = (struct option){ opts[i].name,
                                          opts[i].arg ? required_argument
                                                      : no_argument,
                                          NULL, LONG_VAL + i };
        if (opts[i].letter) {
            shortopts[ns++] = (char)opts[i].letter;
            if (opts[i].arg)
                shortopts[ns++] = ':';
        }
    }
    longopts[nl] = (struct option){ 0 };
    shortopts[ns] = '\0';

    opterr = 0;
    optind = 0;                         /* glibc: start afresh */
    for (;;) {
        int li = -1;
        int c = getopt_long(argc, argv, shortopts, longopts, &li);
        if (c == -1)
            break;
        if (c == '?')
            return unknown_option(v, argv[optind - 1], optopt);
        int i = option_of(v, c == ':' ? optopt : c);
        char label[64];
        opt_label(label, sizeof label, i,
                  li >= 0 || (c == ':' && optopt >= LONG_VAL));
        if (c == ':')
            return cli_usage_error(v, "%s: needs a value (%s)", label,
                                   opts[i].arg);
        if (i == CLI_O_HELP) {
            cli_verb_help(v, stdout);
            return -1;
        }
        if (i == CLI_O_VERSION) {
            cli_print_version(stdout);
            return -1;
        }
        if (seen[i] && opts[i].arg && i != CLI_O_SET && i != CLI_O_SWEEP_SET)
            return cli_usage_error(v, "%s: given twice", label);
        seen[i] = true;
        if (set_option(a, (enum cli_opt)i, label, optarg)) {
            fprintf(stderr, "Try 'ripple %s --help'.\n", v->name);
            return 2;
        }
    }
    a->pos = argv + optind;
    a->npos = argc - optind;
    if (a->resume && !a->out_dir)
        a->out_dir = a->resume;         /* --resume DIR writes into DIR */
    return check_together(a, v);
}

void cli_args_release(struct cli_args *a)
{
    for (size_t i = 0; i < a->nsets; i++)
        free(a->set_buf[i]);
    a->nsets = 0;
}

/* ------------------------------------------------- shared by the verbs */

int cli_load(struct rp_scenario *sc, const struct cli_args *a,
             const char *variant)
{
    struct rp_diag diag;
    struct rp_load_opts lo = { .variant = variant, .overrides = a->sets,
                               .noverrides = a->nsets,
                               .max_file_size = (size_t)a->max_file_size };
    const char *file = a->pos[0];
    rp_diag_init(&diag);
    int rc = rp_scenario_load_strict(sc, file, &lo, &diag);
    if (!rc && rp_model_check(sc, &diag)) {
        rp_scenario_release(sc);
        rc = -1;
    }
    if (rc) {
        rp_diag_print(&diag, stderr);
        fprintf(stderr, "ripple: %zu error%s in %s; nothing was run\n",
                rp_diag_count(&diag), rp_diag_count(&diag) == 1 ? "" : "s",
                file);
    }
    rp_diag_release(&diag);
    return rc;
}

void cli_batch_opts(struct rp_batch_opts *o, const struct cli_args *a,
                    const struct rp_scenario *sc)
{
    rp_batch_opts_default(o);
    o->replications = a->reps > 0 ? a->reps : sc->replications;
    o->seed = a->have_seed ? a->seed : sc->seed;
    o->threads = a->threads;
    o->ranks = a->ranks;
    o->precision = a->precision;
    o->max_replications = a->max_reps > 0 ? a->max_reps : 100000;
    o->progress = !a->quiet && isatty(STDERR_FILENO);
    if (a->quantiles && strcmp(a->quantiles, "auto")) {
        o->auto_mode = false;
        o->mode = strcmp(a->quantiles, "exact") ? RP_ACC_STREAM : RP_ACC_EXACT;
    }
}

/* ------------------------------------------------ signals and --out DIR */

/* The one global: a signal handler can reach nothing else. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

volatile sig_atomic_t *cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND;         /* a second ^C kills at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &stop_signal;
}

int cli_agree(const struct cli_args *a, int rc)
{
    long v = rc;
    if (a->ranks)
        a->ranks->share(&v, 1);
    return (int)v;
}

int cli_out_begin(struct cli_out *co, const struct cli_args *a)
{
    *co = (struct cli_out){ .a = a, .stop = cli_catch_signals() };
    const char *dir = a->resume ? a->resume : a->out_dir;
    if (!dir || (a->ranks && a->ranks->rank != 0))  /* rank 0 alone writes */
        return 0;
    int rc = a->resume ? rp_outdir_resume(&co->od, dir, RP_RECORDS_FILE)
                       : rp_outdir_begin(&co->od, dir);
    if (rc) {
        fprintf(stderr, "ripple: %s\n", co->od.why);
        return rc == RP_OUTDIR_FOREIGN || rc == RP_OUTDIR_NONE ? 2 : 1;
    }
    if (co->od.resumed[0])
        fprintf(stderr, "ripple: resuming the run stopped in %s\n",
                co->od.resumed);
    co->active = true;
    if (co->od.stale_removed)
        fprintf(stderr, "ripple: removed %d temporary director%s that killed "
                "runs had left beside %s\n", co->od.stale_removed,
                co->od.stale_removed == 1 ? "y" : "ies", co->od.dir);
    return 0;
}

const char *cli_out_path(const struct cli_out *co)
{
    return co->active ? co->od.tmp : NULL;
}

int cli_out_finish(struct cli_out *co, int rc, long done)
{
    int sig = *co->stop;
    if (sig && co->a->ranks && co->a->ranks->rank != 0)
        return 128 + sig;               /* rank 0 tells what it kept */
    if (sig) {
        char after[64] = "";
        if (done >= 0)
            snprintf(after, sizeof after, " after %ld replications", done);
        fprintf(stderr, "ripple: stopped by %s%s; ",
                sig == SIGINT ? "SIGINT" : "SIGTERM", after);
        if (co->active && co->keep && done > 0) {
            rp_outdir_keep(&co->od);
            fprintf(stderr, "kept them in %s, %s is as it was; continue "
                    "with the same command and --resume %s\n", co->od.tmp,
                    co->od.dir, co->od.dir);
        } else if (co->active) {
            rp_outdir_abort(&co->od);
            fprintf(stderr, "removed %s, %s is as it was\n", co->od.tmp,
                    co->od.dir);
        } else {
            fputs("no files were written\n", stderr);
        }
        co->active = false;
        return 128 + sig;
    }
    if (!co->active)
        return rc;
    co->active = false;
    if (rc == 2) {                      /* bad input: said already, nothing ran */
        rp_outdir_abort(&co->od);
        return rc;
    }
    if (rc) {
        rp_outdir_abort(&co->od);
        fprintf(stderr, "ripple: %s is as it was (the new files were "
                "removed)\n", co->od.dir);
        return rc;
    }
    if (rp_outdir_commit(&co->od)) {
        fprintf(stderr, "ripple: %s\nripple: %s is as it was\n", co->od.why,
                co->od.dir);
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ budget */

/* Bytes as people read them: "3.2 GiB". */
static void fmt_bytes(char *buf, size_t cap, double x)
{
    static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB",
                                        "PiB", "EiB" };
    int u = 0;
    while (x >= 1024 && u < 6) {
        x /= 1024;
        u++;
    }
    if (x >= 1e4)                       /* beyond EiB */
        snprintf(buf, cap, "%.3g %s", x, unit[u]);
    else
        snprintf(buf, cap, u ? "%.1f %s" : "%.0f %s", x, unit[u]);
}

int cli_check_budget(const struct cli_args *a, const struct rp_model *m,
                     const struct rp_batch_opts *o, double batches)
{
    struct rp_budget b;
    const struct rp_budget_limits *l = &a->limits;
    rp_budget_estimate(&b, m, o, batches);
    if (l->max_events > 0 && !(b.events <= l->max_events)) {
        char arms[48] = "";
        if (batches > 1)
            snprintf(arms, sizeof arms, " x %.0f arms", batches);
        fprintf(stderr, "ripple: the batch needs at least %.3g events (%.3g "
                "per replication x %.0f replications%s), above the limit of "
                "%.3g; raise it with --max-events N (0: no limit)%s\n",
                b.events, b.events_per_rep, b.replications, arms,
                l->max_events,
                b.events_per_rep > l->max_events ? "" : " or run fewer "
                "replications");
        return 2;
    }
    if (l->max_memory > 0 && !(b.bytes <= l->max_memory)) {
        char total[32], per[32], sums[32], kept[32], lim[32];
        fmt_bytes(total, sizeof total, b.bytes);
        fmt_bytes(per, sizeof per, b.bytes_per_thread);
        fmt_bytes(sums, sizeof sums, b.bytes_summaries);
        fmt_bytes(kept, sizeof kept, b.bytes_kept);
        fmt_bytes(lim, sizeof lim, l->max_memory);
        fprintf(stderr, "ripple: the batch needs about %s of memory (%s per "
                "thread x %.0f thread%s, %s of summaries, %s of kept "
                "values), above the limit of %s; raise it with --max-memory "
                "BYTES (0: no limit)\n", total, per, b.threads,
                b.threads == 1 ? "" : "s", sums, kept, lim);
        return 2;
    }
    return 0;
}
