/*
 * cli.h - the ripple command line (internal to the executable).
 *
 * A verb (run, validate, compare, sweep, report, ...) is one struct
 * cli_verb in its own file, sim/cli_<verb>.c, listed once in main.c's
 * table. A verb names the options it takes from the one table of options
 * below (CLI_OPTIONS); cli_parse() reads argv with glibc's getopt_long, so
 * `--opt=value`, `--opt value`, `-n5`, `-n 5` and `--` all work, and every
 * value is checked strictly, with its range, before any work starts.
 *
 * Adding a verb: write sim/cli_<verb>.c defining `const struct cli_verb
 * cli_verb_<verb>`, declare it below, add it to the table in main.c and to
 * RP_CLI_SOURCES in CMakeLists.txt. Adding an option: one line in
 * CLI_OPTIONS, its field in struct cli_args, its case in cli.c's
 * set_option().
 *
 * Exit statuses (docs/CLI.md): 0 done, 1 a run failed (I/O, a replication
 * over its event budget), 2 bad input or usage (nothing was run or
 * written), 130/143 stopped by SIGINT/SIGTERM.
 */
#ifndef RIPPLE_CLI_H
#define RIPPLE_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ripple/batch.h"
#include "ripple/budget.h"
#include "ripple/outdir.h"
#include "ripple/report.h"
#include "ripple/scenario.h"

#define CLI_MAX_SETS 16                 /* --set overrides per command */
#define CLI_MAX_REPLICATIONS 1000000000L /* -n and --max-replications */
#define CLI_MAX_THREADS 4096

/*
 * Every option of every verb: X(id, long name, short letter or 0, value
 * name or NULL for a flag, help). The help is printed by `ripple VERB
 * --help` for the verbs that list the option.
 */
#define CLI_OPTIONS(X)                                                        \
    X(REPS, "replications", 'n', "N",                                         \
      "replications (default: the scenario's, else 1000)")                    \
    X(SEED, "seed", 0, "S", "64-bit seed (default: the scenario's)")          \
    X(THREADS, "threads", 'j', "T",                                           \
      "OpenMP threads (default: OMP_NUM_THREADS or all cores); results do "   \
      "not depend on it")                                                     \
    X(FORMAT, "format", 0, "F",                                               \
      "table (default), json or csv (one row per replication, node, product " \
      "and metric)")                                                          \
    X(OUT, "out", 'o', "DIR",                                                 \
      "also write the result files into DIR (replaced whole, only when the "  \
      "run finishes)")                                                        \
    X(VARIANT, "variant", 0, "NAME", "apply the scenario's variant NAME")     \
    X(SHARD, "shard", 0, "I/K",                                               \
      "run only the I-th of K contiguous slices of the replications (1 <= I " \
      "<= K), for job arrays; join them with ripple merge")                   \
    X(RESUME, "resume", 0, "DIR",                                             \
      "continue the stopped or killed run whose --out was DIR (same "         \
      "command otherwise); the result is what one run would have written")   \
    X(SET, "set", 0, "PATH=VALUE",                                            \
      "override a scalar, e.g. events.youlchon_expansion.start=300 (at most " \
      "16)")                                                                  \
    X(SWEEP_SET, "set", 0, "PATH=V1,V2,...",                                  \
      "the values of one scalar path to sweep (one or two paths)")            \
    X(PRECISION, "precision", 0, "R",                                         \
      "add replications until the interval half-width of the watched value "  \
      "is below R x its mean (0 < R < 1)")                                    \
    X(WATCH, "watch", 0, "NAME",                                              \
      "the value --precision watches, e.g. groups.G.PRODUCT.unmet (names as " \
      "in --format csv)")                                                     \
    X(MAX_REPS, "max-replications", 0, "N",                                   \
      "cap for --precision (default 100000)")                                 \
    X(QUANTILES, "quantiles", 0, "Q",                                         \
      "exact (keep every value), p2 (streaming P-square estimates, constant " \
      "memory) or auto (default: exact while values fit in 1 GiB)")           \
    X(MAX_EVENTS, "max-events", 0, "N",                                       \
      "refuse a batch estimated to need more than N events (default 1e10; "   \
      "0: no limit)")                                                         \
    X(MAX_MEMORY, "max-memory", 0, "BYTES",                                   \
      "refuse a batch estimated to need more memory (K, M, G, T: binary "     \
      "units; default 4G; 0: no limit)")                                      \
    X(MAX_REP_EVENTS, "max-rep-events", 0, "N",                               \
      "stop the batch (exit 1) when one replication takes more than N "      \
      "engine steps (default: 1000 x its estimate, at least 1e6; 0: no "      \
      "limit)")                                                               \
    X(MAX_FILE_SIZE, "max-file-size", 0, "BYTES",                             \
      "refuse scenario files larger than this (K, M, G: binary units; "      \
      "default 64M)")                                                         \
    X(REPORT, "report", 0, NULL, "also write DIR/report.html (needs --out)")  \
    X(METHOD, "method", 0, "M",                                               \
      "sobol (first-order and total indices, the default) or morris "         \
      "(elementary effects, for screening many inputs)")                      \
    X(SAMPLES, "samples", 0, "N",                                             \
      "sobol: N base rows, run N (k + 2) times (default 256); morris: N "     \
      "trajectories, run N (k + 1) times (default 20)")                       \
    X(LEVELS, "levels", 0, "P", "morris: levels of the grid, even (default 4)") \
    X(QUIET, "quiet", 'q', NULL, "no progress line")                          \
    X(HELP, "help", 'h', NULL, "this help")                                   \
    X(VERSION, "version", 0, NULL, "version and commit")

enum cli_opt {
#define CLI_OPT_ENUM(id, name, letter, arg, help) CLI_O_##id,
    CLI_OPTIONS(CLI_OPT_ENUM)
#undef CLI_OPT_ENUM
    CLI_O_END                           /* ends a verb's list */
};

/* Everything a command line said; fields not given keep cli_parse's defaults. */
struct cli_args {
    const struct cli_verb *verb;
    const struct rp_batch_ranks *ranks; /* MPI ranks (main sets it); NULL: one process */
    char **pos;                         /* positional arguments (borrowed argv) */
    int npos;
    long reps;                          /* -1: the scenario's */
    bool have_seed;
    uint64_t seed;
    int threads;                        /* 0: OMP_NUM_THREADS or all cores */
    const char *format;                 /* table, json or csv */
    const char *out_dir;                /* NULL: stdout only */
    const char *variant;
    long shard_i, shard_k;              /* --shard I/K; 0: the whole batch */
    const char *resume;                 /* --resume DIR (also the --out DIR) */
    struct rp_override sets[CLI_MAX_SETS];
    char *set_buf[CLI_MAX_SETS];        /* owned copies the overrides point into */
    size_t nsets;
    double precision;                   /* 0: off */
    const char *watch;
    long max_reps;
    const char *quantiles;              /* NULL, exact, p2 or auto */
    struct rp_budget_limits limits;     /* --max-events, --max-memory */
    double max_rep_events;              /* --max-rep-events; -1: the default */
    double max_file_size;               /* bytes; 0: the loader's default */
    bool report;
    bool quiet;
    const char *method;                 /* sensitivity: NULL (sobol), sobol or morris */
    long samples;                       /* sensitivity: 0 = the method's default */
    int levels;                         /* sensitivity: 0 = 4 */
};

struct cli_verb {
    const char *name;
    const char *synopsis;               /* after "ripple NAME ", e.g. "FILE [options]" */
    const char *summary;                /* one line for `ripple --help` */
    const char *description;            /* paragraph for `ripple NAME --help` */
    const enum cli_opt *options;        /* ends with CLI_O_END; help and version are implied */
    int min_pos, max_pos;               /* positional arguments; max -1: any number */
    const char *pos_what;               /* "a scenario file", for messages */
    const char *reps_help;              /* -n's help where its default differs; NULL: the shared one */
    int (*main)(const struct cli_args *a);
};

extern const struct cli_verb cli_verb_run;
extern const struct cli_verb cli_verb_validate;
extern const struct cli_verb cli_verb_compare;
extern const struct cli_verb cli_verb_sweep;
extern const struct cli_verb cli_verb_report;
extern const struct cli_verb cli_verb_sensitivity;
extern const struct cli_verb cli_verb_merge;

/*
 * Parses argv[1..argc) for verb v (argv[0] is the verb's name) into a.
 * Returns 0 to go on, -1 after printing --help or --version on stdout (exit
 * 0), or 2 after a usage error, said on stderr as "ripple: --opt: what is
 * wrong". The caller releases a with cli_args_release() in every case.
 */
int cli_parse(struct cli_args *a, const struct cli_verb *v, int argc,
              char **argv);
void cli_args_release(struct cli_args *a);

/* `ripple VERB --help` on out. */
void cli_verb_help(const struct cli_verb *v, FILE *out);

/* "ripple: " fmt "\nTry 'ripple VERB --help'.\n" on stderr; returns 2. */
int cli_usage_error(const struct cli_verb *v, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Prints text on out from column col, wrapped at column 79 onto lines
 * indented by ind, and ends the line.
 */
void cli_wrap(FILE *out, const char *text, int col, int ind);

/* The version line `ripple --version` prints. */
void cli_print_version(FILE *out);

/*
 * Loads a's scenario file (a->pos[0]) with variant and a's --set
 * overrides, printing every problem and a closing count on stderr.
 * Returns 0, or -1 (exit 2) with *sc empty.
 */
int cli_load(struct rp_scenario *sc, const struct cli_args *a,
             const char *variant);

/* The batch options that a's flags and the scenario's defaults ask for. */
void cli_batch_opts(struct rp_batch_opts *o, const struct cli_args *a,
                    const struct rp_scenario *sc);

/*
 * Refuses, before any work, a batch whose estimate (budget.h) breaks a's
 * limits, saying which number is over which limit and which option raises
 * it. batches is how many batches of o the command keeps alive at once.
 * Returns 0 or 2.
 */
int cli_check_budget(const struct cli_args *a, const struct rp_model *m,
                     const struct rp_batch_opts *o, double batches);

/*
 * SIGINT and SIGTERM: the handler only records the signal in the flag
 * returned here, which the batch checks between replications (batch.h,
 * opts.stop). A second signal of the same kind kills at once (the default
 * action is restored when the first arrives).
 */
volatile sig_atomic_t *cli_catch_signals(void);

/*
 * --out DIR for one command: a locked temporary directory beside DIR
 * (outdir.h) that replaces DIR only when the command finished. Without
 * --out, begin and finish do nothing but watch for signals.
 */
struct cli_out {
    const struct cli_args *a;
    volatile sig_atomic_t *stop;
    bool active;
    bool keep;                          /* on a signal, keep the temporary for --resume */
    struct rp_outdir od;
};

/*
 * Starts a's --out (if any): returns 0, or the exit status after saying
 * why not (1: cannot create or lock, 2: DIR holds foreign files). Says so
 * when it removed temporaries that killed runs had left.
 */
int cli_out_begin(struct cli_out *co, const struct cli_args *a);

/* Where the command writes its files until cli_out_finish: o->od.tmp. */
const char *cli_out_path(const struct cli_out *co);

/*
 * Ends the command with status rc so far and done replications (-1: not
 * said): after a signal, removes the temporary directory (or, with keep
 * set, leaves it for --resume), says so and returns 130 or 143; after bad input (rc 2) removes it quietly; after a
 * failure (rc 1) removes it and says DIR is as it was; else swaps it in
 * (1 if that fails). Returns the exit status.
 */
int cli_out_finish(struct cli_out *co, int rc, long done);

/*
 * The end of a run whose records are in w (run, merge): closes w, writes
 * replications.csv from the records and the other files from b, swaps the
 * directory in, prints the results. Returns the exit status.
 */
struct rp_records_writer;
int cli_run_finish(const struct cli_args *a, struct cli_out *out,
                   const struct rp_batch *b, struct rp_records_writer *w,
                   const struct rp_provenance *prov);

/*
 * Under MPI, rank 0's status on every rank, so that all stop together
 * when rank 0 refused to go on (it alone writes, so it alone can fail).
 */
int cli_agree(const struct cli_args *a, int rc);

#endif
