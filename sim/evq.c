/*
 * evq.c - the pending-event heap.
 *
 * Events are stored by value in one array, heap-ordered by (time, class,
 * push order). The triple is a total order with no two events equal, so the
 * order events leave in never depends on how the heap happens to be laid
 * out: it is the sorted order, on any machine.
 */
#include "ripple/evq.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "ripple/diag.h"

#define INITIAL_CAP 64

/* Is a due before b? Equal times fall back to class, then push order. */
static inline bool before(const struct rp_event *a, const struct rp_event *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->cls != b->cls)
        return a->cls < b->cls;
    return a->seq < b->seq;
}

/* The only allocation: doubling keeps pushes amortised O(1). */
static void grow(struct rp_evq *q)
{
    size_t cap = q->cap ? 2 * q->cap : INITIAL_CAP;

    q->heap = rp_xrealloc(q->heap, cap * sizeof *q->heap);
    q->cap = cap;
}

void rp_evq_init(struct rp_evq *q)
{
    q->heap = NULL;
    q->len = 0;
    q->cap = 0;
    q->next_seq = 0;
}

void rp_evq_release(struct rp_evq *q)
{
    free(q->heap);
    rp_evq_init(q);
}

void rp_evq_clear(struct rp_evq *q)
{
    q->len = 0;
    q->next_seq = 0;
}

void rp_evq_push(struct rp_evq *q, struct rp_event ev)
{
    assert(!isnan(ev.time));            /* NaN would break the order */
    if (q->len == q->cap)
        grow(q);
    ev.seq = q->next_seq++;

    size_t i = q->len++;                /* sift the new hole up */
    while (i > 0 && before(&ev, &q->heap[(i - 1) / 2])) {
        q->heap[i] = q->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->heap[i] = ev;
}

bool rp_evq_pop(struct rp_evq *q, struct rp_event *ev)
{
    if (q->len == 0)
        return false;
    *ev = q->heap[0];

    /* Move the last event into the hole at the root and sift it down. */
    struct rp_event last = q->heap[--q->len];
    size_t n = q->len;
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && before(&q->heap[child + 1], &q->heap[child]))
            child++;
        if (!before(&q->heap[child], &last))
            break;
        q->heap[i] = q->heap[child];
        i = child;
    }
    if (n > 0)
        q->heap[i] = last;
    return true;
}

const struct rp_event *rp_evq_peek(const struct rp_evq *q)
{
    return q->len ? &q->heap[0] : NULL;
}
