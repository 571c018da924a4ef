#define _POSIX_C_SOURCE 200809L
/*
 * batch.c - replications in parallel, merged in order.
 */
#include "ripple/batch.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK_PER_THREAD 16             /* replications per thread per block */
#define EXACT_BUDGET ((size_t)1 << 30)  /* bytes of kept values before stream mode */

void rp_batch_opts_default(struct rp_batch_opts *o)
{
    *o = (struct rp_batch_opts){
        .replications = 1000,
        .seed = 1,
        .threads = 0,
        .precision = 0,
        .precision_value = -1,
        .max_replications = 1000000,
        .mode = RP_ACC_EXACT,
        .auto_mode = true,
    };
}

int rp_batch_threads(int t)
{
    if (t > 0)
        return t;
    return omp_get_max_threads();       /* honours OMP_NUM_THREADS */
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/*
 * The value the precision target watches by default: the first report
 * group's unmet, else the first market's, else the first unmet at all.
 * An unlimited supplier's unmet is always 0, which would "meet" any target.
 */
long rp_batch_default_watch(const struct rp_model *m)
{
    const struct rp_scenario *sc = rp_model_scenario(m);
    const struct rp_value_desc *v = rp_model_values(m);
    size_t n = rp_model_nvalues(m);
    for (size_t i = 0; i < n; i++)
        if (v[i].scope == RP_SCOPE_GROUP && v[i].metric == RP_M_UNMET)
            return (long)i;
    for (size_t i = 0; i < n; i++)
        if (v[i].scope == RP_SCOPE_NODE && v[i].metric == RP_M_UNMET
            && sc->nodes[v[i].owner].demand.product != RP_NONE)
            return (long)i;
    for (size_t i = 0; i < n; i++)
        if (v[i].metric == RP_M_UNMET && !(v[i].scope == RP_SCOPE_NODE
                                           && sc->nodes[v[i].owner].unlimited))
            return (long)i;
    return n ? 0 : -1;
}

static void progress(const struct rp_batch *b, long target, double t0, bool done)
{
    double el = wall() - t0;
    double rate = el > 0 ? (double)b->n / el : 0;
    double left = rate > 0 && target > b->n ? (double)(target - b->n) / rate : 0;
    fprintf(stderr, "\r%ld/%ld replications  %.0f rep/s  %.1f s left   %s",
            b->n, target, rate, left, done ? "\n" : "");
    fflush(stderr);
}

int rp_batch_run(struct rp_batch *b, const struct rp_model *m,
                 const struct rp_batch_opts *o)
{
    size_t nv = rp_model_nvalues(m);
    size_t ns = rp_model_series_len(m);
    int threads = rp_batch_threads(o->threads);
    long target = o->replications;
    long cap = o->precision > 0 ? o->max_replications : o->replications;
    if (cap < target)
        cap = target;
    enum rp_acc_mode mode = o->mode;
    if (o->auto_mode)
        mode = (size_t)cap * nv * sizeof(double) <= EXACT_BUDGET ? RP_ACC_EXACT
                                                                 : RP_ACC_STREAM;

    memset(b, 0, sizeof *b);
    b->model = m;
    b->seed = o->seed;
    b->first_rep = o->first_rep;
    b->nvalues = nv;
    b->threads = threads;
    b->ranks = 1;
    b->acc = rp_xcalloc(nv + 1, sizeof *b->acc);
    for (size_t i = 0; i < nv; i++)
        rp_acc_init(&b->acc[i], mode);
    if (ns) {
        b->nseries = ns;
        b->series_acc = rp_xcalloc(ns, sizeof *b->series_acc);
        for (size_t i = 0; i < ns; i++)
            rp_acc_init(&b->series_acc[i], RP_ACC_STREAM);
    }
    size_t kept_cap = 0;

    long block = (long)threads * BLOCK_PER_THREAD;
    double *vals = rp_xmalloc((size_t)block * (nv + 1) * sizeof *vals);
    double *ser = ns ? rp_xmalloc((size_t)block * ns * sizeof *ser) : NULL;
    uint64_t *evs = rp_xcalloc((size_t)block, sizeof *evs);
    struct rp_run **runs = rp_xcalloc((size_t)threads, sizeof *runs);
    for (int t = 0; t < threads; t++)
        runs[t] = rp_run_new(m);
    long watch = o->precision_value >= 0 ? o->precision_value
                                          : rp_batch_default_watch(m);
    b->watch = watch;

    double t0 = wall(), last_shown = t0;
    while (b->n < cap) {
        long todo = target - b->n;
        if (todo <= 0)
            todo = block;               /* precision not met yet: one more block */
        if (todo > block)
            todo = block;
        if (todo > cap - b->n)
            todo = cap - b->n;
        long base = o->first_rep + b->n;

        #pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
        for (long i = 0; i < todo; i++) {
            if (o->stop && *o->stop)
                continue;               /* the block is dropped below */
            struct rp_run *run = runs[omp_get_thread_num()];
            evs[i] = rp_run_replicate(run, o->seed, (uint64_t)(base + i),
                                      &vals[(size_t)i * nv],
                                      ns ? &ser[(size_t)i * ns] : NULL);
        }

        if (o->stop && *o->stop) {
            b->stopped = true;
            break;
        }
        /* Merge in replication order: the same sums on any thread count. */
        for (long i = 0; i < todo; i++) {
            const double *v = &vals[(size_t)i * nv];
            for (size_t k = 0; k < nv; k++)
                rp_acc_add(&b->acc[k], v[k]);
            for (size_t k = 0; k < ns; k++)
                rp_acc_add(&b->series_acc[k], ser[(size_t)i * ns + k]);
            if (o->keep_values) {
                if ((size_t)(b->n + 1) * nv > kept_cap) {
                    kept_cap = kept_cap ? 2 * kept_cap : 64 * (nv + 1);
                    b->values = rp_xrealloc(b->values, kept_cap * sizeof *b->values);
                }
                memcpy(&b->values[(size_t)b->n * nv], v, nv * sizeof *v);
            }
            b->events += evs[i];
            if (o->record)
                o->record(o->record_ctx, base + i, v, ns ? &ser[(size_t)i * ns] : NULL);
            b->n++;
        }
        if (o->progress && (wall() - last_shown > 0.25 || b->n >= cap)) {
            progress(b, o->precision > 0 && b->n >= target ? cap : target, t0, false);
            last_shown = wall();
        }
        if (b->n >= target) {
            if (o->precision <= 0 || watch < 0)
                break;
            struct rp_summary s;
            rp_acc_summarize(&b->acc[watch], rp_model_scenario(m)->confidence, &s);
            if (rp_precision_reached(&s, o->precision)) {
                b->precision_met = true;
                break;
            }
        }
    }
    if (o->progress)
        progress(b, b->n, t0, true);
    b->seconds = wall() - t0;

    for (int t = 0; t < threads; t++)
        rp_run_free(runs[t]);
    free(runs);
    free(vals);
    free(ser);
    free(evs);
    return 0;
}

void rp_batch_release(struct rp_batch *b)
{
    for (size_t i = 0; i < b->nvalues; i++)
        rp_acc_release(&b->acc[i]);
    free(b->acc);
    for (size_t i = 0; i < b->nseries; i++)
        rp_acc_release(&b->series_acc[i]);
    free(b->series_acc);
    free(b->values);
    memset(b, 0, sizeof *b);
}
