/*
 * bench_evq.c - the pending-event heap (rp_evq) against a calendar queue.
 *
 *   bench_evq [OPS] [RUNS]
 *
 * Both queues run the hold model (each pop schedules one new event, so the
 * number pending stays put) on two workloads shaped like ripple's:
 *   flagship  1,800 pending; 85% of new events are shipment arrivals at
 *             now + a uniform lead time (1-2, 3-7 or 4-10 days, as the
 *             flagship's edges draw them), the rest demand and state
 *             changes at now + an exponential gap, and daily reviews at
 *             whole days, so equal times occur;
 *   mm1       2 or 3 pending: arrivals and service ends at exponential gaps.
 * It prints CPU nanoseconds per pop+push pair, the median of RUNS (default 5)
 * runs of OPS pairs (default 2,000,000), alternating the queues so both
 * see the same machine noise, and checks that both pop the same events in
 * the same order (the tie rule of evq.h). A benchmark, never a test.
 *
 * The calendar queue (Brown, CACM 31(10), 1988) is written here only to be
 * measured: buckets of width w hold sorted lists, an event with time t lives
 * in "day" floor(t / w) and bucket day mod nb; a pop scans days forward from
 * the last one. Sizes are re-planned when the queue doubles or shrinks by 4.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ripple/evq.h"
#include "ripple/rng.h"

#define NONE UINT32_MAX

/* ------------------------------------------------------ calendar queue */

struct cnode {
    uint64_t time;          /* rp_evq_time_bits */
    uint64_t order;         /* class << RP_EVQ_SEQ_BITS | push order */
    uint64_t day;           /* floor(time / width) */
    uint32_t next;          /* next in the bucket's sorted list */
};

struct calq {
    struct cnode *node;     /* by slot, like rp_evq's slots */
    struct rp_event *ev;
    uint32_t *bucket;       /* heads */
    uint32_t *free;
    size_t nb, len, cap, nfree, used;
    uint64_t cur_day, next_seq;
    double inv_width, width;
};

static double bits_time(uint64_t b)
{
    double t;
    memcpy(&t, &b, sizeof t);
    return t;
}

static int before(const struct cnode *a, const struct cnode *b)
{
    return a->time < b->time + (a->order < b->order);
}

static void cal_link(struct calq *c, uint32_t s)
{
    struct cnode *n = &c->node[s];
    n->day = (uint64_t)(bits_time(n->time) * c->inv_width);
    uint32_t *p = &c->bucket[n->day & (c->nb - 1)];
    while (*p != NONE && before(&c->node[*p], n))
        p = &c->node[*p].next;
    n->next = *p;
    *p = s;
}

static int by_time(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* Re-plans nb and the width from the pending times, then relinks all. */
static void cal_resize(struct calq *c, size_t nb)
{
    size_t n = 0;
    uint32_t *live = malloc((c->len + 1) * sizeof *live);
    double *t = malloc((c->len + 1) * sizeof *t);

    for (size_t b = 0; b < c->nb; b++)
        for (uint32_t s = c->bucket[b]; s != NONE; s = c->node[s].next) {
            live[n] = s;
            t[n++] = bits_time(c->node[s].time);
        }
    qsort(t, n, sizeof *t, by_time);
    /* two or three events per bucket among those due soonest */
    double w = n > 4 ? 2.5 * (t[n / 2] - t[0]) / (double)(n / 2) : 1;
    c->width = w > 0 ? w : 1;
    c->inv_width = 1 / c->width;
    c->nb = nb;
    c->bucket = realloc(c->bucket, nb * sizeof *c->bucket);
    for (size_t b = 0; b < nb; b++)
        c->bucket[b] = NONE;
    for (size_t i = 0; i < n; i++)
        cal_link(c, live[i]);
    c->cur_day = n ? (uint64_t)(t[0] * c->inv_width) : 0;
    free(live);
    free(t);
}

static void cal_init(struct calq *c, size_t cap)
{
    *c = (struct calq){ .cap = cap, .nb = 4, .width = 1, .inv_width = 1 };
    c->node = malloc(cap * sizeof *c->node);
    c->ev = malloc(cap * sizeof *c->ev);
    c->free = malloc(cap * sizeof *c->free);
    c->bucket = malloc(c->nb * sizeof *c->bucket);
    for (size_t b = 0; b < c->nb; b++)
        c->bucket[b] = NONE;
}

static void cal_release(struct calq *c)
{
    free(c->node);
    free(c->ev);
    free(c->free);
    free(c->bucket);
}

static void cal_push(struct calq *c, struct rp_event ev)
{
    uint32_t s = c->nfree ? c->free[--c->nfree] : (uint32_t)c->used++;

    ev.seq = c->next_seq++;
    c->ev[s] = ev;
    c->node[s].time = rp_evq_time_bits(ev.time);
    c->node[s].order = (uint64_t)ev.cls << RP_EVQ_SEQ_BITS | ev.seq;
    cal_link(c, s);
    if (++c->len > 2 * c->nb)
        cal_resize(c, 2 * c->nb);
}

static int cal_pop(struct calq *c, struct rp_event *ev)
{
    if (c->len == 0)
        return 0;
    size_t mask = c->nb - 1;
    uint32_t s = NONE;
    for (size_t k = 0; k < c->nb; k++, c->cur_day++) {
        uint32_t h = c->bucket[c->cur_day & mask];
        if (h != NONE && c->node[h].day == c->cur_day) {
            s = h;
            break;
        }
    }
    if (s == NONE) {                /* a sparse stretch: jump to the earliest */
        for (size_t b = 0; b < c->nb; b++) {
            uint32_t h = c->bucket[b];
            if (h != NONE && (s == NONE || before(&c->node[h], &c->node[s])))
                s = h;
        }
        c->cur_day = c->node[s].day;
    }
    c->bucket[c->cur_day & mask] = c->node[s].next;
    *ev = c->ev[s];
    c->free[c->nfree++] = s;
    if (--c->len < c->nb / 4 && c->nb > 4)
        cal_resize(c, c->nb / 2);
    return 1;
}

/* ------------------------------------------------------------ workloads */

struct work {
    const char *name;
    size_t pending;
    double arrivals;        /* share of new events that are arrivals */
};

/* The next event scheduled at now, drawn from r (same draws for both queues). */
static struct rp_event next_event(const struct work *w, gsl_rng *r, double now,
                                  uint32_t id)
{
    static const double lo[3] = { 1, 3, 4 }, hi[3] = { 2, 7, 10 };
    double u = rp_rng_uniform(r);

    if (w->pending <= 3) {              /* M/M/1: arrival or service end */
        double mean = u < 0.5 ? 1.25 : 1.0;
        return (struct rp_event){ .time = now + mean * rp_rng_exponential(r),
                                  .cls = u < 0.5 ? RP_CLASS_DEMAND
                                                 : RP_CLASS_ARRIVAL,
                                  .a = id };
    }
    if (u < w->arrivals) {
        int e = (int)(rp_rng_uniform(r) * 3);
        double lead = lo[e] + (hi[e] - lo[e]) * rp_rng_uniform(r);
        return (struct rp_event){ .time = now + lead, .cls = RP_CLASS_ARRIVAL,
                                  .a = id };
    }
    if (u < w->arrivals + 0.05)         /* a review on the next whole day */
        return (struct rp_event){ .time = floor(now) + 1,
                                  .cls = RP_CLASS_REVIEW, .a = id };
    return (struct rp_event){ .time = now + 0.5 * rp_rng_exponential(r),
                              .cls = RP_CLASS_DEMAND, .a = id };
}

/* CPU time of this process: on a shared machine, other processes' turns on
 * the core do not count against either queue. */
static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/*
 * Runs ops pop+push pairs on one queue (cal NULL: the heap), writing the
 * popped ids' checksum to *sum. Returns nanoseconds per pair.
 */
static double run(const struct work *w, long ops, struct calq *cal,
                  struct rp_evq *heap, uint64_t *sum)
{
    gsl_rng *r = rp_rng_new();
    struct rp_event ev = { 0 };
    double now = 0;
    uint64_t h = 0;

    rp_rng_rekey(r, rp_key(1, 0, rp_path_hash(w->name)));
    if (cal)
        cal_init(cal, w->pending + 1);
    else
        rp_evq_clear(heap);
    for (uint32_t i = 0; i < w->pending; i++) {
        struct rp_event e = next_event(w, r, 0, i);
        if (cal)
            cal_push(cal, e);
        else
            rp_evq_push(heap, e);
    }
    double t0 = seconds();
    for (long i = 0; i < ops; i++) {
        if (cal)
            cal_pop(cal, &ev);
        else
            rp_evq_pop(heap, &ev);
        now = ev.time;
        h = h * 1000003 + ev.a;
        struct rp_event e = next_event(w, r, now, (uint32_t)(w->pending + i));
        if (cal)
            cal_push(cal, e);
        else
            rp_evq_push(heap, e);
    }
    double ns = (seconds() - t0) * 1e9 / (double)ops;
    if (cal)
        cal_release(cal);
    gsl_rng_free(r);
    *sum = h;
    return ns;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, by_time);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv)
{
    long ops = argc > 1 ? atol(argv[1]) : 2000000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    const struct work works[] = { { "flagship", 1800, 0.85 },
                                  { "mm1", 3, 0 } };
    struct rp_evq heap;
    int status = 0;

    if (ops < 1 || runs < 1 || runs > 100) {
        fprintf(stderr, "usage: bench_evq [OPS] [RUNS<=100]\n");
        return 2;
    }
    rp_evq_init(&heap);
    for (size_t k = 0; k < sizeof works / sizeof works[0]; k++) {
        double th[100], tc[100];
        uint64_t sh = 0, sc = 0;
        struct calq cal;
        for (int i = 0; i < runs; i++) {
            th[i] = run(&works[k], ops, NULL, &heap, &sh);
            tc[i] = run(&works[k], ops, &cal, NULL, &sc);
        }
        double mh = median(th, runs), mc = median(tc, runs);
        printf("%-9s %5zu pending: heap %6.1f ns, calendar %6.1f ns per "
               "pop+push (calendar/heap %.2f), median of %d x %ld\n",
               works[k].name, works[k].pending, mh, mc, mc / mh, runs, ops);
        if (sh != sc) {
            printf("  the queues popped different sequences\n");
            status = 1;
        }
    }
    rp_evq_release(&heap);
    return status;
}
