/*
 * bench_engine.c - events/s and replications/s of the engine.
 *
 *   bench_engine [SCENARIO] [REPLICATIONS] [RUNS]
 *
 * Runs the scenario (default: the flagship) RUNS times (default 5) on 1
 * thread and on all threads, alternating so that both see the same machine
 * noise, and prints the median of each with the parallel efficiency. A
 * benchmark, never a test: wall-clock numbers on a shared 2-core machine
 * vary by several percent from run to run.
 */
#define _POSIX_C_SOURCE 200809L
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/batch.h"

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : RP_SOURCE_DIR "/scenarios/japan-excludes-korea.yaml";
    long reps = argc > 2 ? atol(argv[2]) : 200;
    int runs = argc > 3 ? atoi(argv[3]) : 5;
    int all = omp_get_max_threads();
    struct rp_scenario sc;
    struct rp_diag diag;

    if (runs < 1 || runs > 100 || reps < 1) {
        fprintf(stderr, "usage: bench_engine [SCENARIO] [REPLICATIONS] [RUNS<=100]\n");
        return 2;
    }
    rp_diag_init(&diag);
    if (rp_scenario_load(&sc, path, NULL, &diag)) {
        rp_diag_print(&diag, stderr);
        return 2;
    }
    rp_diag_release(&diag);
    struct rp_model *m = rp_model_new(&sc);

    double eps[2][100], rps[2][100];
    uint64_t events = 0;
    for (int i = 0; i < runs; i++) {
        for (int k = 0; k < 2; k++) {
            struct rp_batch_opts o;
            struct rp_batch b;
            rp_batch_opts_default(&o);
            o.replications = reps;
            o.seed = sc.seed;
            o.threads = k ? all : 1;
            rp_batch_run(&b, m, &o);
            eps[k][i] = (double)b.events / b.seconds;
            rps[k][i] = (double)b.n / b.seconds;
            events = b.events;
            rp_batch_release(&b);
        }
    }
    double e1 = median(eps[0], runs), e2 = median(eps[1], runs);
    double r1 = median(rps[0], runs), r2 = median(rps[1], runs);
    printf("scenario %s: %ld replications, %llu events per batch, median of %d runs\n",
           sc.name, reps, (unsigned long long)events, runs);
    printf("  1 thread : %10.4g events/s %10.4g replications/s\n", e1, r1);
    printf("  %d threads: %10.4g events/s %10.4g replications/s\n", all, e2, r2);
    printf("  speed-up %.2f, parallel efficiency %.0f%%\n", r2 / r1,
           100 * r2 / r1 / all);
    rp_model_free(m);
    rp_scenario_release(&sc);
    return 0;
}
