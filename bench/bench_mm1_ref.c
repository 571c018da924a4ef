/*
 * bench_mm1_ref.c - the bare reference loop that ripple's M/M/1 is measured
 * against.
 *
 *   bench_mm1_ref [ORDERS] [log|zig] [SEED]
 *
 * The same model as bench/mm1.yaml (Poisson arrivals at rate 0.8, one
 * exponential server of mean 1, FIFO) written as the smallest event loop
 * that still has the parts of a simulator: an array binary heap of
 * (time, push order, kind) events and a FIFO of waiting orders. It draws
 * from ripple's own generator (ripple/rng.h: xoshiro256** keyed through
 * splitmix64, stepped inline), and its exponentials are either -log(u),
 * u uniform on (0, 1] ("log", the textbook inversion), or ripple's inline
 * ziggurat rp_rng_exponential ("zig", what the engine draws). It prints
 * one JSON object: orders served, events handled and the mean flow time
 * (5 in theory), so a reader can see it simulated the model and not
 * something cheaper.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/rng.h"

enum kind { ARRIVAL, DEPARTURE };

struct event {
    double time;
    uint64_t seq;
    enum kind kind;
};

struct heap {
    struct event *ev;
    size_t len;
    uint64_t next_seq;
};

/* One exponential of the given mean, by the chosen method. */
static double exponential(gsl_rng *r, int zig, double mean)
{
    if (zig)
        return mean * rp_rng_exponential(r);
    return -mean * log(1.0 - rp_rng_uniform(r));        /* 1 - u in (0, 1] */
}

static int before(const struct event *a, const struct event *b)
{
    return a->time != b->time ? a->time < b->time : a->seq < b->seq;
}

static void push(struct heap *h, double time, enum kind kind)
{
    struct event e = { time, h->next_seq++, kind };
    size_t i = h->len++;
    while (i > 0 && before(&e, &h->ev[(i - 1) / 2])) {
        h->ev[i] = h->ev[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->ev[i] = e;
}

static struct event pop(struct heap *h)
{
    struct event top = h->ev[0], last = h->ev[--h->len];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->len)
            break;
        if (c + 1 < h->len && before(&h->ev[c + 1], &h->ev[c]))
            c++;
        if (!before(&h->ev[c], &last))
            break;
        h->ev[i] = h->ev[c];
        i = c;
    }
    h->ev[i] = last;
    return top;
}

int main(int argc, char **argv)
{
    long orders = argc > 1 ? atol(argv[1]) : 1000000;
    const char *method = argc > 2 ? argv[2] : "zig";
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 20240401u;
    int zig = !strcmp(method, "zig");
    if (orders < 1 || (!zig && strcmp(method, "log"))) {
        fprintf(stderr, "usage: bench_mm1_ref [ORDERS>=1] [log|zig] [SEED]\n");
        return 2;
    }
    gsl_rng *s = rp_rng_new();
    rp_rng_rekey(s, rp_key(seed, 0, rp_path_hash("bench.mm1_ref")));

    /* Every order waits at most once, so the FIFO never wraps: no growth
     * and no allocation in the loop. Two events are pending at most. */
    double *fifo = malloc((size_t)orders * sizeof *fifo);
    struct heap h = { malloc(4 * sizeof *h.ev), 0, 0 };
    if (!fifo || !h.ev)
        return 1;
    size_t head = 0, tail = 0;
    long arrived = 0, served = 0;
    uint64_t events = 0;
    double flow = 0, in_service = 0;
    int busy = 0;

    push(&h, exponential(s, zig, 1.25), ARRIVAL);
    while (served < orders) {
        struct event e = pop(&h);
        events++;
        if (e.kind == ARRIVAL) {
            if (++arrived < orders)
                push(&h, e.time + exponential(s, zig, 1.25), ARRIVAL);
            if (busy) {
                fifo[tail++] = e.time;
            } else {
                busy = 1;
                in_service = e.time;
                push(&h, e.time + exponential(s, zig, 1.0), DEPARTURE);
            }
        } else {
            served++;
            flow += e.time - in_service;
            if (head < tail) {
                in_service = fifo[head++];
                push(&h, e.time + exponential(s, zig, 1.0), DEPARTURE);
            } else {
                busy = 0;
            }
        }
    }
    printf("{\"orders\": %ld, \"events\": %llu, \"mean_flow_time\": %.6f, "
           "\"exponential\": \"%s\"}\n", served, (unsigned long long)events,
           flow / (double)served, method);
    gsl_rng_free(s);
    free(fifo);
    free(h.ev);
    return 0;
}
