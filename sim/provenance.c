#define _POSIX_C_SOURCE 200809L
/*
 * provenance.c - provenance of results, run ids and unit labels.
 */
#include "ripple/provenance.h"

#include <string.h>
#include <time.h>

#include "ripple/batch.h"
#include "ripple/model.h"
#include "ripple/report.h"
#include "ripple/rng.h"
#include "ripple/sha256.h"

#ifndef RP_VERSION
#define RP_VERSION "0"
#endif
#include "rp_git.h"                /* RP_GIT_HASH, written at build time */

/* Each part with its NUL, so ("ab", "c") and ("a", "bc") hash apart. */
static void hash_str(struct rp_sha256 *h, const char *s)
{
    rp_sha256_update(h, s ? s : "", strlen(s ? s : "") + 1);
}

/* The run id: what decides the numbers, and nothing that does not. */
static void run_id(struct rp_provenance *p)
{
    const struct rp_scenario *sc = p->sc;
    struct rp_sha256 h;
    unsigned char d[32];
    char hex[65], seed[32];

    rp_sha256_init(&h);
    hash_str(&h, "ripple-run-1");
    hash_str(&h, p->scenario_sha256);
    hash_str(&h, sc->variant ? sc->variant : "base");
    for (size_t i = 0; i < sc->noverrides; i++) {
        hash_str(&h, sc->overrides[i].path);
        hash_str(&h, sc->overrides[i].value);
    }
    snprintf(seed, sizeof seed, "%llu %d", (unsigned long long)p->seed,
             RP_STREAM_VERSION);
    hash_str(&h, seed);
    hash_str(&h, p->git);
    rp_sha256_final(&h, d);
    rp_sha256_hex(d, hex);
    memcpy(p->run, hex, 16);
    p->run[16] = '\0';
}

void rp_provenance_init(struct rp_provenance *p, const struct rp_scenario *sc,
                        uint64_t seed)
{
    time_t now = time(NULL);
    struct tm tm;
    memset(p, 0, sizeof *p);
    p->version = RP_VERSION;
    p->git = RP_GIT_HASH;
    p->sc = sc;
    p->seed = seed;
    rp_sha256_hex(sc->sha256, p->scenario_sha256);
    gmtime_r(&now, &tm);
    strftime(p->started, sizeof p->started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    p->arm_key = "variant";
    snprintf(p->arm, sizeof p->arm, "%s", sc->variant ? sc->variant : "base");
    run_id(p);
}

void rp_provenance_point(struct rp_provenance *p, size_t index)
{
    p->arm_key = "point";
    snprintf(p->arm, sizeof p->arm, "%zu", index);
}

const char *rp_value_text(const char *value)
{
    return value && !strcmp(value, "forever") ? "inf" : value;
}

void rp_provenance_json(FILE *out, const struct rp_provenance *p,
                        const struct rp_batch *b)
{
    const struct rp_scenario *sc = p->sc;
    fputs("{\"run\": ", out);
    rp_json_str(out, p->run);
    fputs(", \"scenario\": {\"name\": ", out);
    rp_json_str(out, sc->name);
    fputs(", \"file\": ", out);
    rp_json_str(out, sc->file);
    fputs(", \"sha256\": ", out);
    rp_json_str(out, p->scenario_sha256);
    fputs("}, \"scenario_sha256\": ", out);
    rp_json_str(out, p->scenario_sha256);
    fputs(", \"variant\": ", out);
    rp_json_str(out, sc->variant ? sc->variant : "base");
    if (!strcmp(p->arm_key, "point"))
        fprintf(out, ", \"point\": %s", p->arm);
    fputs(", \"set\": [", out);
    for (size_t i = 0; i < sc->noverrides; i++) {
        fputs(i ? ", {\"path\": " : "{\"path\": ", out);
        rp_json_str(out, sc->overrides[i].path);
        fputs(", \"value\": ", out);
        rp_json_str(out, rp_value_text(sc->overrides[i].value));
        fputs("}", out);
    }
    fprintf(out, "], \"seed\": %llu", (unsigned long long)p->seed);
    if (b)
        fprintf(out, ", \"replications\": %ld, \"first_replication\": %ld",
                b->n, b->first_rep);
    fputs(", \"version\": ", out);
    rp_json_str(out, p->version);
    fputs(", \"git\": ", out);
    rp_json_str(out, p->git);
    fprintf(out, ", \"streams\": %d", RP_STREAM_VERSION);
    if (b)
        fprintf(out, ", \"threads\": %d, \"ranks\": %d", b->threads, b->ranks);
    fputs(", \"started\": ", out);
    rp_json_str(out, p->started);
    if (b) {
        fputs(", \"seconds\": ", out);
        rp_json_num(out, b->seconds);
        fprintf(out, ", \"events\": %llu", (unsigned long long)b->events);
    }
    fputs("}", out);
}

struct prov_file {
    const char *kind;
    const struct rp_provenance *const *provs;
    const struct rp_batch *const *batches;
    size_t n;
};

static void prov_file(FILE *out, const void *ctx)
{
    const struct prov_file *pf = ctx;
    fputs("{\"ripple\": 1, \"kind\": ", out);
    rp_json_str(out, pf->kind);
    fputs(", \"runs\": [", out);
    for (size_t i = 0; i < pf->n; i++) {
        fputs(i ? ",\n  " : "\n  ", out);
        rp_provenance_json(out, pf->provs[i], pf->batches[i]);
    }
    fputs("]}\n", out);
}

int rp_provenance_write(const char *dir, const char *kind,
                        const struct rp_provenance *const *provs,
                        const struct rp_batch *const *batches, size_t n)
{
    struct prov_file pf = { kind, provs, batches, n };
    return rp_write_file(dir, "provenance.json", prov_file, &pf);
}

const char *rp_unit_label(const struct rp_scenario *sc, enum rp_metric m,
                          uint32_t product)
{
    switch (rp_metric_unit(m)) {            /* -Wswitch: every unit named */
    case RP_UNIT_DAYS:
        return "days";
    case RP_UNIT_SHARE:
        return "share";
    case RP_UNIT_COUNT:
        return "count";
    case RP_UNIT_MONEY:
        return sc->currency ? sc->currency : "currency";
    case RP_UNIT_INPUT:
        return "as set";
    case RP_UNIT_GOODS:
        break;
    }
    if (product == RP_NONE || product >= sc->nproducts
        || !sc->products[product].unit)
        return "units";
    return sc->products[product].unit;
}
