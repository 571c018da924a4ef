/*
 * bench_scale.c - where the time and memory of one big scenario go.
 *
 *   bench_scale SCENARIO [REPLICATIONS]
 *
 * Loads the scenario (parse and validate), builds the model and runs the
 * replications (default 1) on one thread, timing each phase by the
 * monotonic and the process CPU clocks and reading the peak resident set
 * (getrusage) after each, and prints one JSON object: nodes, edges,
 * events, the wall and CPU seconds of each phase and peak memory in KiB
 * after each. bench/run.sh uses it for
 * the network-scale table with networks from bench/gen_network. A
 * benchmark, never a test.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "ripple/batch.h"

static double seconds(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Wall and CPU clocks read together: on a shared machine the CPU time of a
 * single-threaded phase is the steadier figure. */
struct stamp {
    double wall, cpu;
};

static struct stamp now(void)
{
    return (struct stamp){ seconds(CLOCK_MONOTONIC),
                           seconds(CLOCK_PROCESS_CPUTIME_ID) };
}

static long peak_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_scale SCENARIO [REPLICATIONS]\n");
        return 2;
    }
    long reps = argc > 2 ? atol(argv[2]) : 1;
    struct rp_scenario sc;
    struct rp_diag diag;
    long rss0 = peak_kib();

    struct stamp t0 = now();
    rp_diag_init(&diag);
    if (rp_scenario_load(&sc, argv[1], NULL, &diag)) {
        rp_diag_print(&diag, stderr);
        return 2;
    }
    rp_diag_release(&diag);
    struct stamp t1 = now();
    long rss_load = peak_kib();

    struct rp_model *m = rp_model_new(&sc);
    struct stamp t2 = now();
    long rss_build = peak_kib();

    struct rp_batch_opts o;
    struct rp_batch b;
    rp_batch_opts_default(&o);
    o.replications = reps;
    o.seed = sc.seed;
    o.threads = 1;
    rp_batch_run(&b, m, &o);
    struct stamp t3 = now();
    long rss_run = peak_kib();

    size_t edges = 0;
    for (size_t i = 0; i < sc.nnodes; i++)
        for (size_t j = 0; j < sc.nodes[i].nsources; j++)
            edges += sc.nodes[i].sources[j].nsources;
    printf("{\"nodes\": %zu, \"edges\": %zu, \"replications\": %ld, "
           "\"events\": %llu, \"load_s\": %.6f, \"build_s\": %.6f, "
           "\"run_s\": %.6f, \"load_cpu_s\": %.6f, \"build_cpu_s\": %.6f, "
           "\"run_cpu_s\": %.6f, \"rss_start_kib\": %ld, \"rss_load_kib\": %ld, "
           "\"rss_build_kib\": %ld, \"rss_run_kib\": %ld}\n",
           sc.nnodes, edges, b.n, (unsigned long long)b.events,
           t1.wall - t0.wall, t2.wall - t1.wall, t3.wall - t2.wall,
           t1.cpu - t0.cpu, t2.cpu - t1.cpu, t3.cpu - t2.cpu,
           rss0, rss_load, rss_build, rss_run);
    rp_batch_release(&b);
    rp_model_free(m);
    rp_scenario_release(&sc);
    return 0;
}
