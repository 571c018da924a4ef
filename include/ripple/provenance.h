/*
 * provenance.h - where a result came from, and the units of what it says.
 *
 * Every output directory of run, compare and sweep says which scenario
 * (name, path, SHA-256 of its bytes), variant, --set overrides, seed,
 * replications, version and commit made it, in summary.json and in
 * provenance.json. Each run gets a run id, 16 hex digits of a SHA-256 over
 * what decides its numbers (scenario bytes, variant, overrides, seed,
 * stream version, commit): the same inputs give the same id on any machine
 * or thread count, so per-replication CSV files repeat byte for byte, and
 * their `run` column joins them to provenance.json.
 */
#ifndef RIPPLE_PROVENANCE_H
#define RIPPLE_PROVENANCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ripple/metrics.h"
#include "ripple/scenario.h"

struct rp_batch;

/* Where results came from; printed in JSON as "provenance". */
struct rp_provenance {
    const char *version;
    const char *git;
    char scenario_sha256[65];   /* hex */
    char started[32];           /* ISO 8601 UTC */
    const struct rp_scenario *sc; /* borrowed: name, file, variant, overrides */
    uint64_t seed;              /* the seed the run used */
    char run[17];               /* run id, 16 hex digits */
    const char *arm_key;        /* column naming the arm: "variant" or "point" */
    char arm[64];               /* the variant, or the sweep point's index */
};

/*
 * Fills p for a run of sc with seed: version, git, the scenario's hash,
 * the start time (now), the run id; the arm is sc's variant. sc is
 * borrowed and must outlive p.
 */
void rp_provenance_init(struct rp_provenance *p, const struct rp_scenario *sc,
                        uint64_t seed);

/* Makes p a sweep point: arm_key "point", arm its index. */
void rp_provenance_point(struct rp_provenance *p, size_t index);

/*
 * The provenance object of a run (b may be NULL before it ran: then no
 * replications, threads or timing), no trailing newline: run, scenario
 * {name, file, sha256}, scenario_sha256, the arm (variant or point), set
 * [{path, value}], seed, replications, version, git, streams, threads,
 * ranks, started, seconds, events.
 */
void rp_provenance_json(FILE *out, const struct rp_provenance *p,
                        const struct rp_batch *b);

/*
 * DIR/provenance.json: {"ripple": 1, "kind": KIND, "runs": [...]} with
 * one object per run (n of them, provs[i] with batches[i]). Atomic; says
 * why on stderr and returns -1 on failure.
 */
int rp_provenance_write(const char *dir, const char *kind,
                        const struct rp_provenance *const *provs,
                        const struct rp_batch *const *batches, size_t n);

/*
 * The unit of metric m about product (RP_NONE for none): "days", "share",
 * "count", for costs the scenario's currency ("currency" when it names
 * none), or for goods the product's unit ("units" when it has none).
 */
const char *rp_unit_label(const struct rp_scenario *sc, enum rp_metric m,
                          uint32_t product);

/*
 * A --set value as result files write it: "forever" becomes "inf", so a
 * column of durations stays numeric; anything else is returned as is.
 */
const char *rp_value_text(const char *value);

#endif
