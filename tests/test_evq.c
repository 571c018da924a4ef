/*
 * test_evq.c - the event heap leaves in (time, class, push order).
 *
 * Reference orders come from qsort or a plain sorted array with the same
 * rule, never from the heap itself.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <criterion/criterion.h>

#include "ripple/evq.h"
#include "ripple/rng.h"

static struct rp_evq q;     /* setup inits it, teardown releases it */
static gsl_rng *r;          /* random times, from a fixed key */

static void setup(void)
{
    rp_evq_init(&q);
    r = rp_rng_new();
    rp_rng_rekey(r, rp_key(7, 0, rp_path_hash("test.evq")));
}

static void teardown(void)
{
    rp_evq_release(&q);
    gsl_rng_free(r);
}

TestSuite(evq, .init = setup, .fini = teardown);

/* The documented order, written independently of the heap's. */
static int cmp_events(const void *pa, const void *pb)
{
    const struct rp_event *a = pa, *b = pb;

    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

Test(evq, starts_empty)
{
    struct rp_event ev;

    cr_assert_eq(rp_evq_len(&q), 0);
    cr_assert_null(rp_evq_peek(&q));
    cr_assert_not(rp_evq_pop(&q, &ev));
}

Test(evq, pops_random_times_in_sorted_order)
{
    enum { n = 5000 };
    static struct rp_event want[n];
    struct rp_event ev;

    for (uint32_t i = 0; i < n; i++) {
        /* few distinct times, so ties by class and order are common too */
        double t = (double)gsl_rng_uniform_int(r, 500) / 4;
        uint8_t cls = (uint8_t)gsl_rng_uniform_int(r, 5);
        want[i] = (struct rp_event){ .time = t, .cls = cls, .a = i, .seq = i };
        rp_evq_push(&q, want[i]);
    }
    cr_assert_eq(rp_evq_len(&q), n);
    qsort(want, n, sizeof *want, cmp_events);
    for (size_t i = 0; i < n; i++) {
        const struct rp_event *top = rp_evq_peek(&q);
        cr_assert_not_null(top);
        cr_assert_eq(top->a, want[i].a);
        cr_assert(rp_evq_pop(&q, &ev));
        cr_assert_eq(ev.a, want[i].a, "pop %zu: event %u, want %u", i, ev.a,
                     want[i].a);
        cr_assert_eq(ev.time, want[i].time);
        cr_assert_eq(ev.seq, want[i].seq);
    }
    cr_assert_not(rp_evq_pop(&q, &ev));
}

Test(evq, payload_survives_the_heap)
{
    struct rp_event ev;

    rp_evq_push(&q, (struct rp_event){ .time = 2, .cls = RP_CLASS_DEMAND,
                                       .kind = 9, .a = 1, .b = 2, .c = 3,
                                       .qty = 4.5 });
    cr_assert(rp_evq_pop(&q, &ev));
    cr_assert_eq(ev.time, 2);
    cr_assert_eq(ev.cls, RP_CLASS_DEMAND);
    cr_assert_eq(ev.kind, 9);
    cr_assert_eq(ev.a, 1);
    cr_assert_eq(ev.b, 2);
    cr_assert_eq(ev.c, 3);
    cr_assert_eq(ev.qty, 4.5);
}

Test(evq, equal_times_leave_by_class_then_push_order)
{
    static const uint8_t cls[] = { RP_CLASS_END, RP_CLASS_REVIEW,
                                   RP_CLASS_ARRIVAL, RP_CLASS_DEMAND,
                                   RP_CLASS_STATE, RP_CLASS_ARRIVAL,
                                   RP_CLASS_DEMAND };
    /* by class; the two arrivals and the two demands in push order */
    static const uint32_t want[] = { 2, 5, 4, 3, 6, 1, 0 };
    struct rp_event ev;

    for (uint32_t i = 0; i < 7; i++)
        rp_evq_push(&q, (struct rp_event){ .time = 3, .cls = cls[i], .a = i });
    rp_evq_push(&q, (struct rp_event){ .time = 3.5, .cls = RP_CLASS_ARRIVAL,
                                       .a = 99 });
    for (int i = 0; i < 7; i++) {
        cr_assert(rp_evq_pop(&q, &ev));
        cr_assert_eq(ev.a, want[i], "pop %d: event %u, want %u", i, ev.a,
                     want[i]);
    }
    cr_assert(rp_evq_pop(&q, &ev));
    cr_assert_eq(ev.a, 99, "a later arrival jumped ahead of its time");
}

Test(evq, pops_equal_times_in_push_order)
{
    struct rp_event ev;

    for (uint32_t i = 0; i < 100; i++)
        rp_evq_push(&q, (struct rp_event){ .time = 5.0, .a = i });
    for (uint32_t i = 0; i < 100; i++) {
        cr_assert(rp_evq_pop(&q, &ev));
        cr_assert_eq(ev.a, i, "tie broken out of push order at %u", i);
        cr_assert_eq(ev.seq, i);
    }
    cr_assert_not(rp_evq_pop(&q, &ev));
}

/*
 * A key carries its event's slot below the push order. Slots freed by pops
 * are handed out again last-freed first, so here later pushes get lower
 * slots: were the slot to decide anything, these ties would leave reversed.
 */
Test(evq, reused_slots_never_decide_a_tie)
{
    struct rp_event ev;

    for (uint32_t i = 0; i < 16; i++)
        rp_evq_push(&q, (struct rp_event){ .time = 1.0 + i, .a = i });
    for (uint32_t i = 0; i < 8; i++)
        cr_assert(rp_evq_pop(&q, &ev));
    for (uint32_t i = 0; i < 12; i++)   /* slots 7, 6, ..., 0, then fresh ones */
        rp_evq_push(&q, (struct rp_event){ .time = 0.5 + 8, .a = 100 + i });
    for (uint32_t i = 0; i < 12; i++) {
        cr_assert(rp_evq_pop(&q, &ev));
        cr_assert_eq(ev.a, 100 + i, "tie broken out of push order at %u", i);
    }
    for (uint32_t i = 8; i < 16; i++) {
        cr_assert(rp_evq_pop(&q, &ev));
        cr_assert_eq(ev.a, i);
    }
    cr_assert_not(rp_evq_pop(&q, &ev));
}

Test(evq, push_overwrites_seq)
{
    struct rp_event ev;

    rp_evq_push(&q, (struct rp_event){ .time = 1, .seq = 1000, .a = 0 });
    rp_evq_push(&q, (struct rp_event){ .time = 1, .seq = 0, .a = 1 });
    cr_assert(rp_evq_pop(&q, &ev));
    cr_assert_eq(ev.a, 0);
    cr_assert_eq(ev.seq, 0);
}

Test(evq, clear_keeps_storage_and_restarts_push_order)
{
    struct rp_event ev;

    for (uint32_t i = 0; i < 1000; i++)
        rp_evq_push(&q, (struct rp_event){ .time = i, .a = i });
    struct rp_evq_key *keys = q.keys;
    struct rp_event *slots = q.slots;
    size_t cap = q.cap;

    rp_evq_clear(&q);
    cr_assert_eq(rp_evq_len(&q), 0);
    cr_assert_null(rp_evq_peek(&q));
    cr_assert_eq(q.keys, keys, "clear gave up its storage");
    cr_assert_eq(q.slots, slots, "clear gave up its storage");
    cr_assert_eq(q.cap, cap);

    for (uint32_t i = 0; i < 1000; i++)     /* no growth: same arrays */
        rp_evq_push(&q, (struct rp_event){ .time = 1, .a = i });
    cr_assert_eq(q.keys, keys, "reused queue reallocated");
    cr_assert_eq(q.slots, slots, "reused queue reallocated");
    cr_assert(rp_evq_pop(&q, &ev));
    cr_assert_eq(ev.seq, 0, "push order did not restart at 0");
    cr_assert_eq(ev.a, 0);
}

Test(evq, grows_by_doubling)
{
    size_t caps = 0, last = 0;

    for (uint32_t i = 0; i < 10000; i++) {
        rp_evq_push(&q, (struct rp_event){ .time = 10000 - (double)i });
        if (q.cap != last) {
            cr_assert(last == 0 || q.cap == 2 * last, "%zu -> %zu", last,
                      q.cap);
            last = q.cap;
            caps++;
        }
    }
    cr_assert_leq(caps, 16);
    cr_assert_eq(rp_evq_peek(&q)->time, 1.0);
}

/*
 * The heap compares times by their bits: that must agree with comparing the
 * doubles across every magnitude a time can have, from 0 and subnormals to
 * infinity, and -0 must be the same instant as +0 (+0 is pushed before -0
 * here, so it leaves first).
 */
Test(evq, bit_order_is_time_order)
{
    const double t[] = { INFINITY, 1e300, 3.5, 0x1p-1074, 0x1p-1022, 1.0,
                         0.0, 2.0, 3.5000000000000004, -0.0, 1e-300 };
    const double want[] = { 0.0, -0.0, 0x1p-1074, 0x1p-1022, 1e-300, 1.0,
                            2.0, 3.5, 3.5000000000000004, 1e300, INFINITY };
    size_t n = sizeof t / sizeof t[0];
    struct rp_event ev;

    for (size_t i = 0; i < n; i++)
        rp_evq_push(&q, (struct rp_event){ .time = t[i], .a = (uint32_t)i });
    for (size_t i = 0; i < n; i++) {
        cr_assert(rp_evq_pop(&q, &ev));
        cr_assert_eq(ev.time, want[i], "pop %zu: %g, want %g", i, ev.time,
                     want[i]);
        if (ev.time == 0)   /* +0 (pushed 7th) before -0 (pushed 10th) */
            cr_assert_eq(ev.a, i == 0 ? 6u : 9u, "zeros out of push order");
    }
}

/*
 * 10000 random pushes and pops against a reference kept sorted by insertion
 * (front = next to leave). Times come from a small grid so that ties by
 * class and push order occur often, and some events are due at once. Every
 * 97 steps a sweep (rp_evq_at) must visit exactly the events pending, once
 * each, as seizing goods in transit relies on.
 */
Test(evq, interleaved_push_and_pop_match_a_sorted_list)
{
    enum { ops = 10000 };
    static struct rp_event ref[ops];
    static unsigned char pending[ops];  /* by .a: set before a sweep */
    size_t head = 0, len = 0;           /* ref[head .. head+len) is sorted */
    uint64_t seq = 0;
    double now = 0;
    struct rp_event ev;

    for (uint32_t op = 0; op < ops; op++) {
        if (len == 0 || gsl_rng_uniform(r) < 0.55) {
            /* events are never scheduled in the past */
            struct rp_event e = {
                .time = now + (double)gsl_rng_uniform_int(r, 20) / 2,
                .cls = (uint8_t)gsl_rng_uniform_int(r, 5),
                .a = op,
                .seq = seq++,
            };
            rp_evq_push(&q, e);
            size_t i = head + len++;
            while (i > head && cmp_events(&e, &ref[i - 1]) < 0) {
                ref[i] = ref[i - 1];
                i--;
            }
            ref[i] = e;
        } else {
            cr_assert(rp_evq_pop(&q, &ev), "op %u: queue empty", op);
            cr_assert_eq(ev.a, ref[head].a, "op %u: event %u, want %u", op,
                         ev.a, ref[head].a);
            cr_assert_eq(ev.seq, ref[head].seq);
            now = ev.time;
            head++;
            len--;
        }
        cr_assert_eq(rp_evq_len(&q), len);
        if (op % 97 == 0) {
            for (size_t i = head; i < head + len; i++)
                pending[ref[i].a] = 1;
            for (size_t i = 0; i < rp_evq_len(&q); i++) {
                uint32_t a = rp_evq_at(&q, i)->a;
                cr_assert_eq(pending[a], 1, "sweep at op %u: event %u not "
                             "pending or visited twice", op, a);
                pending[a] = 0;
            }
        }
    }
    while (len--) {
        cr_assert(rp_evq_pop(&q, &ev));
        cr_assert_eq(ev.a, ref[head++].a);
    }
    cr_assert_not(rp_evq_pop(&q, &ev));
}
