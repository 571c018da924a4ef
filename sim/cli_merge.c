/*
 * cli_merge.c - `ripple merge DIR... --out DIR`: the shards of one batch
 * (run --shard I/K) joined into what one run would have written.
 *
 * Every shard's records.bin header must describe the same batch (scenario
 * hash, variant, overrides, seed, N, quantile mode, layout), and their
 * replication ranges must tile 0..N-1 with no gap and no overlap. The
 * scenario is reloaded from the path the records name and checked against
 * their hash; the records are then replayed in replication order into one
 * batch (batch.h's rp_batch_add) and written by the same code as `run`,
 * so the files are byte-identical to one run's (provenance aside).
 *
 * Cost: one pass over every shard's records; memory of one batch.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ripple/records.h"
#include "ripple/report.h"
#include "ripple/sha256.h"

struct shard {
    const char *dir;
    struct rp_records_reader r;
    bool open;
};

static int by_first(const void *a, const void *b)
{
    const struct shard *x = a, *y = b;
    return (x->r.h.first_rep > y->r.h.first_rep) - (x->r.h.first_rep < y->r.h.first_rep);
}

/* Opens every DIR/records.bin and checks they are one batch; 0 or 2. */
static int open_shards(struct shard *s, int n)
{
    char path[4200], why[9000];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/" RP_RECORDS_FILE, s[i].dir);
        if (rp_records_open(&s[i].r, path, why, sizeof why)) {
            fprintf(stderr, "ripple: merge: %s\n", why);
            return 2;
        }
        s[i].open = true;
        const struct rp_records_header *h = &s[i].r.h;
        if (s[i].r.nrecords != h->count) {
            fprintf(stderr, "ripple: merge: %s holds %lld of its %lld "
                    "replications (a shard that did not finish: resume it "
                    "with --resume)\n", s[i].dir, (long long)s[i].r.nrecords,
                    (long long)h->count);
            return 2;
        }
        if (i && rp_records_same_batch(h, s[i].dir, &s[0].r.h, s[0].dir, why,
                                       sizeof why)) {
            fprintf(stderr, "ripple: merge: %s and %s are not shards of one "
                    "batch: %s\n", s[i].dir, s[0].dir, why);
            return 2;
        }
    }
    return 0;
}

/* After sorting by first replication: they tile 0..N-1 exactly; 0 or 2. */
static int check_tiling(const struct shard *s, int n)
{
    long long next = 0, total = s[0].r.h.replications;
    for (int i = 0; i < n; i++) {
        const struct rp_records_header *h = &s[i].r.h;
        if (h->first_rep > next) {
            fprintf(stderr, "ripple: merge: replications %lld..%lld are in no "
                    "shard given (a shard is missing)\n", next,
                    (long long)h->first_rep - 1);
            return 2;
        }
        if (h->first_rep < next) {
            fprintf(stderr, "ripple: merge: %s and %s both hold replication "
                    "%lld (a shard given twice, or of another --shard K)\n",
                    s[i - 1].dir, s[i].dir, (long long)h->first_rep);
            return 2;
        }
        next = h->first_rep + h->count;
    }
    if (next != total) {
        fprintf(stderr, "ripple: merge: replications %lld..%lld are in no "
                "shard given (a shard is missing)\n", next, total - 1);
        return 2;
    }
    return 0;
}

/* The scenario the records name, as they ran it; 0 or 2. */
static int load_scenario(struct rp_scenario *sc, const struct rp_records_header *h,
                         const char *dir)
{
    struct rp_override sets[CLI_MAX_SETS];
    char buf[RP_RECORDS_TEXT], hex[65];
    size_t nsets = 0;
    snprintf(buf, sizeof buf, "%s", h->overrides);
    for (char *line = buf, *nl; *line && nsets < CLI_MAX_SETS; line = nl + 1) {
        nl = strchr(line, '\n');
        if (!nl)
            break;
        *nl = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            break;
        *eq = '\0';
        sets[nsets++] = (struct rp_override){ line, eq + 1 };
    }
    struct rp_diag d;
    struct rp_load_opts lo = { .variant = h->variant, .overrides = sets,
                               .noverrides = nsets };
    rp_diag_init(&d);
    int rc = rp_scenario_load_strict(sc, h->scenario, &lo, &d);
    if (rc) {
        rp_diag_print(&d, stderr);
        fprintf(stderr, "ripple: merge: cannot load %s, the scenario the "
                "shards in %s ran\n", h->scenario, dir);
        rp_diag_release(&d);
        return 2;
    }
    rp_diag_release(&d);
    rp_sha256_hex(sc->sha256, hex);
    if (strcmp(hex, h->sha256)) {
        fprintf(stderr, "ripple: merge: %s changed since the shards ran (its "
                "sha256 is %s, the shards' %s)\n", h->scenario, hex, h->sha256);
        rp_scenario_release(sc);
        return 2;
    }
    return 0;
}

/* The batch options the shards ran with, from their header. */
static void header_opts(struct rp_batch_opts *o, const struct rp_records_header *h)
{
    rp_batch_opts_default(o);
    o->replications = (long)h->replications;
    o->seed = h->seed;
    o->precision = h->precision;
    o->max_replications = (long)h->max_replications;
    o->precision_value = (long)h->watch;
    o->mode = (enum rp_acc_mode)h->mode;
    o->auto_mode = false;
}

/* Replays every shard in order into b, recording to w; 0 or 2. */
static int replay(struct shard *s, int n, struct rp_batch *b,
                  const struct rp_batch_opts *o)
{
    double *v = rp_xcalloc(s[0].r.nv + s[0].r.ns + 1, sizeof *v);
    long rep;
    uint64_t ev;
    int rc = 0;
    for (int i = 0; i < n && !rc; i++)
        for (int64_t k = 0; k < s[i].r.nrecords && !rc; k++) {
            if (!rp_records_read(&s[i].r, &rep, &ev, v, v + s[i].r.nv)
                || rep != b->n) {
                fprintf(stderr, "ripple: merge: %s/" RP_RECORDS_FILE " is "
                        "damaged at its record %lld\n", s[i].dir, (long long)k);
                rc = 2;
                break;
            }
            rp_batch_add(b, o, v, v + s[i].r.nv, ev);
        }
    free(v);
    return rc;
}

/* Writes the merged batch of the checked shards; the exit status. */
static int write_merged(const struct cli_args *a, struct shard *s, int n,
                        const struct rp_model *m)
{
    const struct rp_records_header *h0 = &s[0].r.h;
    struct rp_batch_opts o;
    struct rp_batch b;
    struct rp_provenance prov;
    struct rp_records_header h = *h0;
    struct rp_records_writer w = { 0 };
    struct cli_out out;
    char path[RP_OUTDIR_PATH + 64];

    if (h0->nvalues != rp_model_nvalues(m) || h0->nseries != rp_model_series_len(m)
        || h0->layout != rp_records_layout(m)) {
        fprintf(stderr, "ripple: merge: the shards' values do not match what "
                "%s gives now (another ripple version?)\n", h0->scenario);
        return 2;
    }
    int rc = cli_out_begin(&out, a);
    if (rc)
        return rc;
    header_opts(&o, h0);
    h.first_rep = 0;
    h.count = h0->replications;
    snprintf(path, sizeof path, "%s/" RP_RECORDS_FILE, cli_out_path(&out));
    if (rp_records_create(&w, path, &h)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
        return cli_out_finish(&out, 1, -1);
    }
    o.record = rp_records_on_record;
    o.record_ctx = &w;
    rp_provenance_init(&prov, rp_model_scenario(m), o.seed);
    rp_batch_init(&b, m, &o);
    rc = replay(s, n, &b, &o);
    if (rc) {
        rp_records_close(&w);
        rc = cli_out_finish(&out, rc, -1);
    } else {
        rc = cli_run_finish(a, &out, &b, &w, &prov);
    }
    rp_batch_release(&b);
    return rc;
}

static int merge_main(const struct cli_args *a)
{
    if (!a->out_dir)
        return cli_usage_error(a->verb, "merge: needs --out DIR, where the "
                               "merged results go");
    int n = a->npos;
    struct shard *s = rp_xcalloc((size_t)n, sizeof *s);
    struct rp_scenario sc;
    bool loaded = false;
    for (int i = 0; i < n; i++)
        s[i].dir = a->pos[i];
    int rc = open_shards(s, n);
    if (!rc) {
        qsort(s, (size_t)n, sizeof *s, by_first);
        rc = check_tiling(s, n);
    }
    if (!rc)
        rc = load_scenario(&sc, &s[0].r.h, s[0].dir);
    if (!rc) {
        loaded = true;
        struct rp_model *m = rp_model_new(&sc);
        rc = write_merged(a, s, n, m);
        rp_model_free(m);
    }
    for (int i = 0; i < n; i++)
        if (s[i].open)
            rp_records_close_reader(&s[i].r);
    free(s);
    if (loaded)
        rp_scenario_release(&sc);
    return rc;
}

static const enum cli_opt merge_opts[] = {
    CLI_O_OUT, CLI_O_FORMAT, CLI_O_REPORT, CLI_O_QUIET, CLI_O_END
};

const struct cli_verb cli_verb_merge = {
    .name = "merge",
    .synopsis = "DIR... --out DIR [options]",
    .summary = "join the shards of one batch (run --shard I/K) into what one "
               "run writes",
    .description = "Reads records.bin in each DIR that `ripple run --shard "
                   "I/K --out DIR` wrote, checks that they are the shards of "
                   "one batch (same scenario, variant, overrides, seed and "
                   "replications; every replication exactly once) and "
                   "writes into --out DIR the files one run of the whole "
                   "batch would have written, byte for byte (provenance "
                   "aside). The scenario is read again from where the "
                   "shards ran it.",
    .options = merge_opts,
    .min_pos = 1,
    .max_pos = -1,
    .pos_what = "the shard directories",
    .main = merge_main,
};
