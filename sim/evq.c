/*
 * evq.c - the pending-event heap.
 *
 * Keys (time, class << 56 | push order, slot) are heap-ordered in a 4-ary
 * heap; the events stay in their slots. (time, class, push order) is a total
 * order with no two events equal, so the order events leave in never
 * depends on how the heap happens to be laid out: it is the sorted order,
 * on any machine. A 4-ary heap is half as deep as a binary one, and its
 * four children share a cache line or two, which pays off on pops, the
 * costlier half of the work.
 */
#include "ripple/evq.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "ripple/diag.h"

#define INITIAL_CAP 64
#define ARITY 4
#define SEQ_BITS 56

/* Is a due before b? Equal times fall back to class, then push order. */
static inline bool before(const struct rp_evq_key *a, const struct rp_evq_key *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    return a->order < b->order;
}

/* The only allocation: doubling keeps pushes amortised O(1). */
static void grow(struct rp_evq *q)
{
    size_t cap = q->cap ? 2 * q->cap : INITIAL_CAP;

    q->keys = rp_xrealloc(q->keys, cap * sizeof *q->keys);
    q->slots = rp_xrealloc(q->slots, cap * sizeof *q->slots);
    q->free = rp_xrealloc(q->free, cap * sizeof *q->free);
    q->cap = cap;
}

void rp_evq_init(struct rp_evq *q)
{
    *q = (struct rp_evq){ 0 };
}

void rp_evq_release(struct rp_evq *q)
{
    free(q->keys);
    free(q->slots);
    free(q->free);
    rp_evq_init(q);
}

void rp_evq_clear(struct rp_evq *q)
{
    q->len = 0;
    q->nfree = 0;
    q->used = 0;
    q->next_seq = 0;
}

void rp_evq_push(struct rp_evq *q, struct rp_event ev)
{
    assert(!isnan(ev.time));            /* NaN would break the order */
    assert(q->next_seq < ((uint64_t)1 << SEQ_BITS));
    if (q->len == q->cap)
        grow(q);
    ev.seq = q->next_seq++;

    uint32_t slot = q->nfree ? q->free[--q->nfree] : (uint32_t)q->used++;
    q->slots[slot] = ev;
    struct rp_evq_key key = {
        .time = ev.time,
        .order = (uint64_t)ev.cls << SEQ_BITS | ev.seq,
        .slot = slot,
    };

    size_t i = q->len++;                /* sift the new hole up */
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&key, &q->keys[parent]))
            break;
        q->keys[i] = q->keys[parent];
        i = parent;
    }
    q->keys[i] = key;
}

bool rp_evq_pop(struct rp_evq *q, struct rp_event *ev)
{
    if (q->len == 0)
        return false;
    uint32_t slot = q->keys[0].slot;
    *ev = q->slots[slot];
    q->free[q->nfree++] = slot;

    struct rp_evq_key last = q->keys[--q->len];
    size_t n = q->len, i = 0;
    for (;;) {                          /* sift the hole at the root down */
        size_t first = ARITY * i + 1;
        if (first >= n)
            break;
        size_t end = first + ARITY < n ? first + ARITY : n;
        size_t best = first;
        for (size_t c = first + 1; c < end; c++)
            if (before(&q->keys[c], &q->keys[best]))
                best = c;
        if (!before(&q->keys[best], &last))
            break;
        q->keys[i] = q->keys[best];
        i = best;
    }
    if (n)
        q->keys[i] = last;
    return true;
}

const struct rp_event *rp_evq_peek(const struct rp_evq *q)
{
    return q->len ? &q->slots[q->keys[0].slot] : NULL;
}
