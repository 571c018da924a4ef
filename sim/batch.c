#define _POSIX_C_SOURCE 200809L
/*
 * batch.c - replications in parallel, merged in order.
 *
 * Why blocks of a fixed count: the precision target used to be checked
 * after blocks of 16 replications per thread, so a run stopped at 114
 * replications on 2 threads and at 162 on 7. Now the rule is checked only
 * where a block of RP_BATCH_BLOCK replications ends (and at -n), and
 * threads and ranks decide only how many replications run at once (a
 * round: 16 per thread and rank, which bounds the buffers and what a
 * signal drops).
 */
#include "ripple/batch.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch_impl.h"

#define REPS_PER_WORKER 16              /* a round: about this many per thread and rank */
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

size_t rp_batch_exact_budget(const struct rp_batch_opts *o)
{
    return o->held_batches > 1 ? EXACT_BUDGET / (size_t)o->held_batches : EXACT_BUDGET;
}

/* The most replications o may run: -n, or the precision cap. */
static long batch_cap(const struct rp_batch_opts *o)
{
    long cap = o->precision > 0 ? o->max_replications : o->replications;
    return cap < o->replications ? o->replications : cap;
}

enum rp_acc_mode rp_batch_mode(const struct rp_model *m,
                               const struct rp_batch_opts *o)
{
    size_t nv = rp_model_nvalues(m);
    if (!o->auto_mode)
        return o->mode;
    return (size_t)batch_cap(o) * nv * sizeof(double) <= rp_batch_exact_budget(o)
               ? RP_ACC_EXACT : RP_ACC_STREAM;
}

enum rp_acc_mode rp_batch_series_mode(const struct rp_model *m,
                                      const struct rp_batch_opts *o)
{
    size_t ns = rp_model_series_len(m);
    if (rp_batch_mode(m, o) != RP_ACC_EXACT)
        return RP_ACC_STREAM;
    return (size_t)batch_cap(o) * ns * sizeof(double) <= rp_batch_exact_budget(o)
               ? RP_ACC_EXACT : RP_ACC_STREAM;
}

void rp_batch_init(struct rp_batch *b, const struct rp_model *m,
                   const struct rp_batch_opts *o)
{
    size_t nv = rp_model_nvalues(m);
    size_t ns = o->no_series ? 0 : rp_model_series_len(m);
    enum rp_acc_mode mode = rp_batch_mode(m, o);
    memset(b, 0, sizeof *b);
    b->model = m;
    b->seed = o->seed;
    b->first_rep = o->first_rep;
    b->nvalues = nv;
    b->threads = rp_batch_threads(o->threads);
    b->ranks = o->ranks ? o->ranks->size : 1;
    b->over_rep = -1;
    b->acc = rp_xcalloc(nv + 1, sizeof *b->acc);
    for (size_t i = 0; i < nv; i++)
        rp_acc_init(&b->acc[i], mode);
    if (ns) {
        b->nseries = ns;
        b->series_acc = rp_xcalloc(ns, sizeof *b->series_acc);
        for (size_t i = 0; i < ns; i++)
            rp_acc_init(&b->series_acc[i], rp_batch_series_mode(m, o));
    }
    b->watch = o->precision_value >= 0 ? o->precision_value
                                       : rp_batch_default_watch(m);
}

void rp_batch_add(struct rp_batch *b, const struct rp_batch_opts *o,
                  const double *v, const double *series, uint64_t events)
{
    size_t nv = b->nvalues, ns = b->nseries;
    for (size_t k = 0; k < nv; k++)
        rp_acc_add(&b->acc[k], v[k]);
    for (size_t k = 0; k < ns; k++)
        rp_acc_add(&b->series_acc[k], series[k]);
    if (o->keep_values) {
        if (b->n == b->kept_cap) {      /* -n reserved at once, then doubling */
            long want = o->precision > 0 ? RP_BATCH_BLOCK : o->replications;
            b->kept_cap = b->kept_cap ? 2 * b->kept_cap
                                      : want > RP_BATCH_BLOCK ? want : RP_BATCH_BLOCK;
            b->values = rp_xrealloc(b->values, (size_t)b->kept_cap * (nv + 1)
                                                   * sizeof *b->values);
        }
        memcpy(&b->values[(size_t)b->n * nv], v, nv * sizeof *v);
    }
    b->events += events;
    if (o->record)
        o->record(o->record_ctx, b->first_rep + b->n, v, series, events);
    b->n++;
    if (o->checkpoint && b->n % RP_BATCH_BLOCK == 0)
        o->checkpoint(o->record_ctx);
}

/*
 * Is the batch done at b->n? Past the cap, over budget, at -n without a
 * precision target, or at a check point (-n, a block end, the cap) where
 * the target is met. Rank 0 decides; the others are told.
 */
static bool finished(struct rp_batch *b, const struct rp_batch_opts *o)
{
    long target = o->replications, cap = batch_cap(o);
    if (b->over_budget || b->n >= cap)
        return true;
    if (b->n < target)
        return false;
    if (o->precision <= 0 || b->watch < 0)
        return true;
    if (b->n != target && b->n % RP_BATCH_BLOCK)
        return false;                   /* resumed inside a block */
    struct rp_summary s;
    rp_acc_summarize(&b->acc[b->watch], rp_model_scenario(b->model)->confidence,
                     &s);
    b->precision_met = rp_precision_reached(&s, o->precision);
    return b->precision_met;
}

int rp_round_local(struct rp_round *r, long lo, long hi)
{
    int stopped = 0;
    /* No more threads than replications: an idle one spins at the barrier,
     * and its CPU time counts (a long single replication paid ~15%). */
    int threads = hi - lo < r->threads ? (int)(hi - lo) : r->threads;
    if (threads < 1)
        threads = 1;
    #pragma omp parallel for num_threads(threads) schedule(dynamic, 1) \
        reduction(|:stopped)
    for (long i = lo; i < hi; i++) {
        if (r->stop && *r->stop) {
            stopped = 1;                /* the round is dropped */
            continue;
        }
        struct rp_run *run = r->runs[omp_get_thread_num()];
        uint64_t ev = rp_run_replicate(run, r->seed, (uint64_t)(r->base + i),
                                       &r->vals[(size_t)i * r->nv],
                                       r->ns ? &r->ser[(size_t)i * r->ns] : NULL);
        r->evs[i] = rp_run_status(run) == RP_RUN_OVER_BUDGET ? RP_ROUND_OVER : ev;
    }
    return stopped || (r->stop && *r->stop);
}


/*
 * Merges a finished round in order (rank 0), stopping at the first
 * replication over budget and where the batch is finished: a round may
 * run past a check point, and what it ran beyond is dropped.
 */
static void merge_round(struct rp_batch *b, const struct rp_batch_opts *o,
                        const struct rp_round *r)
{
    for (long i = 0; i < r->count; i++) {
        if (r->evs[i] == RP_ROUND_OVER) {
            b->over_budget = true;
            b->over_rep = r->base + i;
            return;
        }
        rp_batch_add(b, o, &r->vals[(size_t)i * r->nv],
                     r->ns ? &r->ser[(size_t)i * r->ns] : NULL, r->evs[i]);
        if (finished(b, o))
            return;
    }
}

/*
 * A round: REPS_PER_WORKER replications for every thread of every rank,
 * up to -n first, then up to the cap. Rounds need not end at blocks: only
 * the merge looks at blocks.
 */
static long plan_round(long n, const struct rp_batch_opts *o, int threads)
{
    long count = (long)threads * (o->ranks ? o->ranks->size : 1) * REPS_PER_WORKER;
    long end = n < o->replications ? o->replications : batch_cap(o);
    return count < end - n ? count : end - n;
}

int rp_batch_continue(struct rp_batch *b, const struct rp_batch_opts *o)
{
    const struct rp_model *m = b->model;
    const struct rp_batch_ranks *rk = o->ranks;
    bool root = !rk || rk->rank == 0;
    struct rp_round r = {
        .m = m, .threads = b->threads, .seed = o->seed,
        .nv = b->nvalues, .ns = b->nseries, .stop = o->stop,
    };
    /* A round's buffers hold no more replications than are left to run. */
    size_t most = (size_t)b->threads * (size_t)b->ranks * REPS_PER_WORKER;
    long left = batch_cap(o) - b->n;
    if (left >= 1 && (size_t)left < most)
        most = (size_t)left;
    r.vals = rp_xmalloc(most * (r.nv + 1) * sizeof *r.vals);
    r.ser = r.ns ? rp_xmalloc(most * r.ns * sizeof *r.ser) : NULL;
    r.evs = rp_xcalloc(most, sizeof *r.evs);
    r.runs = rp_xcalloc((size_t)b->threads, sizeof *r.runs);
    for (int t = 0; t < b->threads; t++) {
        r.runs[t] = rp_run_new(m);
        rp_run_set_budget(r.runs[t], o->max_rep_events);
    }

    double t0 = wall(), last_shown = t0;
    for (;;) {
        long state[2] = { b->n, root ? finished(b, o) : 0 };
        if (rk)
            rk->share(state, 2);        /* rank 0 decides for all */
        b->n = state[0];
        if (state[1])
            break;
        r.base = o->first_rep + b->n;
        r.count = plan_round(b->n, o, b->threads);
        if (rk ? rk->round(rk, &r) : rp_round_local(&r, 0, r.count)) {
            b->stopped = true;
            break;
        }
        if (!root) {
            b->n += r.count;            /* told the real count above */
            continue;
        }
        merge_round(b, o, &r);
        if (o->progress && (wall() - last_shown > 0.25)) {
            long shown = o->precision > 0 && b->n >= o->replications
                             ? batch_cap(o) : o->replications;
            progress(b, shown, t0, false);
            last_shown = wall();
        }
    }
    if (o->progress && root)
        progress(b, b->n, t0, true);
    b->seconds += wall() - t0;

    for (int t = 0; t < b->threads; t++)
        rp_run_free(r.runs[t]);
    free(r.runs);
    free(r.vals);
    free(r.ser);
    free(r.evs);
    if (b->stopped)
        return RP_BATCH_STOPPED;
    return b->over_budget ? RP_BATCH_OVER_BUDGET : RP_BATCH_DONE;
}

int rp_batch_run(struct rp_batch *b, const struct rp_model *m,
                 const struct rp_batch_opts *o)
{
    rp_batch_init(b, m, o);
    return rp_batch_continue(b, o);
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
