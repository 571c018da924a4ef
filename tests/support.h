/*
 * support.h - fixture code shared by the test programs: load a scenario
 * (from a file or from text), run a batch that keeps every replication's
 * values, and read one value's column.
 *
 * Failures to load abort the calling test with the loader's messages on
 * stderr (Criterion asserts), so callers need no error paths.
 */
#ifndef RP_TEST_SUPPORT_H
#define RP_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ripple/batch.h"
#include "ripple/engine.h"
#include "ripple/scenario.h"

/* One scenario (or one variant of it) and its batch with kept values. */
struct test_arm {
    struct rp_scenario sc;
    struct rp_model *m;
    struct rp_batch b;
};

/* How to load and run an arm. Exactly one of file and text is set. */
struct test_run {
    const char *file;           /* scenario file, or NULL */
    const char *text;           /* scenario text, or NULL ... */
    const char *name;           /* ... and the name its messages use */
    const char *variant;        /* NULL: the base */
    const struct rp_override *ov;
    size_t nov;
    long replications;
    uint64_t seed;
    int threads;
};

void test_arm_run(struct test_arm *a, const struct test_run *how);
void test_arm_release(struct test_arm *a);

/* The per-replication values of the value called name into buf (one per
 * replication), or NULL when the model has no such value. */
const double *test_column(const struct test_arm *a, const char *name, double *buf);

#endif
