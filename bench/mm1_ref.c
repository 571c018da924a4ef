/*
 * mm1_ref.c - the bare reference loop that ripple's M/M/1 is measured
 * against.
 *
 *   mm1_ref [ORDERS] [SEED]
 *
 * The same model as bench/mm1.yaml (Poisson arrivals at rate 0.8, one
 * exponential server of mean 1, FIFO) written as the smallest event loop
 * that still has the parts of a simulator: an array binary heap of
 * (time, push order, kind) events, a FIFO of waiting orders and
 * xoshiro256** seeded through splitmix64, the generator ripple uses.
 * Exponentials are -log(u), u uniform on (0, 1]. It prints one JSON object:
 * orders served, events handled and the mean flow time (5 in theory), so a
 * reader can see it simulated the model and not something cheaper.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t xoshiro(uint64_t s[4])
{
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double exponential(uint64_t s[4], double mean)
{
    double u = (double)((xoshiro(s) >> 11) + 1) * 0x1.0p-53;   /* (0, 1] */
    return -mean * log(u);
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
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 20240401u, s[4];
    if (orders < 1) {
        fprintf(stderr, "usage: mm1_ref [ORDERS>=1] [SEED]\n");
        return 2;
    }
    for (int i = 0; i < 4; i++)
        s[i] = splitmix64(&seed);

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

    push(&h, exponential(s, 1.25), ARRIVAL);
    while (served < orders) {
        struct event e = pop(&h);
        events++;
        if (e.kind == ARRIVAL) {
            if (++arrived < orders)
                push(&h, e.time + exponential(s, 1.25), ARRIVAL);
            if (busy) {
                fifo[tail++] = e.time;
            } else {
                busy = 1;
                in_service = e.time;
                push(&h, e.time + exponential(s, 1.0), DEPARTURE);
            }
        } else {
            served++;
            flow += e.time - in_service;
            if (head < tail) {
                in_service = fifo[head++];
                push(&h, e.time + exponential(s, 1.0), DEPARTURE);
            } else {
                busy = 0;
            }
        }
    }
    printf("{\"orders\": %ld, \"events\": %llu, \"mean_flow_time\": %.6f}\n",
           served, (unsigned long long)events, flow / (double)served);
    free(fifo);
    free(h.ev);
    return 0;
}
