/*
 * flagship.c - a program outside ripple's tree, built against an installed
 * libripple (tests/install/run.sh builds it with pkg-config and with
 * find_package). It runs a scenario through the public API, load -> model
 * -> batch, and writes the per-replication CSV that `ripple run --format
 * csv` writes, so the script can compare the two.
 *
 *   flagship SCENARIO REPLICATIONS
 *
 * It also runs the replications again on 2 threads and fails (exit 1) if a
 * single value differs: the library's promise of thread-independent
 * results, checked from outside. Exit 2: the scenario does not load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ripple/batch.h>
#include <ripple/diag.h>
#include <ripple/model.h>
#include <ripple/report.h>
#include <ripple/scenario.h>

struct sink {
    const struct rp_model *m;
    const struct rp_provenance *prov;
};

static void write_rows(void *ctx, long rep, const double *values,
                       const double *series, uint64_t events)
{
    const struct sink *s = ctx;

    (void)series;
    (void)events;
    rp_report_csv_rows(stdout, s->prov, s->m, rep, values);
}

static void run(struct rp_batch *b, const struct rp_model *m, long reps,
                int threads, struct sink *s)
{
    struct rp_batch_opts o;

    rp_batch_opts_default(&o);
    o.replications = reps;
    o.seed = rp_model_scenario(m)->seed;
    o.threads = threads;
    o.keep_values = true;
    o.record = s ? write_rows : NULL;
    o.record_ctx = s;
    rp_batch_run(b, m, &o);
}

int main(int argc, char **argv)
{
    struct rp_scenario sc;
    struct rp_diag diag;
    struct rp_batch one, two;

    if (argc != 3) {
        fprintf(stderr, "usage: flagship SCENARIO REPLICATIONS\n");
        return 2;
    }
    long reps = strtol(argv[2], NULL, 10);

    rp_diag_init(&diag);
    if (rp_scenario_load(&sc, argv[1], NULL, &diag)) {
        rp_diag_print(&diag, stderr);
        rp_diag_release(&diag);
        return 2;
    }
    rp_diag_release(&diag);

    struct rp_model *m = rp_model_new(&sc);
    struct rp_provenance prov;
    rp_provenance_init(&prov, &sc, sc.seed);
    struct sink s = { m, &prov };
    rp_report_csv_header(stdout, &prov);
    run(&one, m, reps, 1, &s);
    run(&two, m, reps, 2, NULL);

    int rc = 0;
    size_t n = (size_t)reps * one.nvalues;
    if (one.n != reps || two.n != reps || one.nvalues == 0) {
        fprintf(stderr, "flagship: ran %ld and %ld replications of %zu values, "
                "asked for %ld\n", one.n, two.n, one.nvalues, reps);
        rc = 1;
    } else if (memcmp(one.values, two.values, n * sizeof *one.values)) {
        fprintf(stderr, "flagship: 1 and 2 threads gave different values\n");
        rc = 1;
    }
    fprintf(stderr, "flagship: %s, %ld replications, %zu values, %llu events\n",
            sc.name, one.n, one.nvalues, (unsigned long long)one.events);
    rp_batch_release(&two);
    rp_batch_release(&one);
    rp_model_free(m);
    rp_scenario_release(&sc);
    return rc;
}
