/*
 * evq.c - the pending-event heap.
 *
 * Keys (time bits; class, push order and slot in one word) are
 * heap-ordered in a 4-ary heap; the events stay in their slots. (time, class, push order) is
 * a total order with no two events equal, so the order events leave in
 * never depends on how the heap happens to be laid out: it is the sorted
 * order, on any machine. A 4-ary heap is half as deep as a binary one, and
 * its four children, 16 bytes each, share one cache line (the array is
 * placed so that keys[4i + 1 .. 4i + 4] start on a line), which pays off
 * on pops, the costlier half of the work: a pop reads one line per level.
 *
 * Comparisons are branch-free: which of two pending events is due first is
 * as good as a coin toss to a branch predictor, and a mispredicted branch
 * per heap level cost more than the comparison itself. Times are compared
 * as the integers their bits spell (rp_evq_time_bits), which order exactly
 * as the times do for times >= 0, so the order is the same as comparing
 * doubles, bit for bit.
 */
#include "ripple/evq.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/diag.h"

#define INITIAL_CAP 64
#define ARITY RP_EVQ_ARITY

static inline bool before(const struct rp_evq_key *a,
                          const struct rp_evq_key *b)
{
    return rp_evq_key_before(a, b);
}

/*
 * The earlier of keys x and y, without a branch: the index is picked by a
 * mask, which compilers keep as arithmetic (a ?: here became a branch).
 */
static inline size_t earlier(const struct rp_evq_key *k, size_t x, size_t y)
{
    size_t take_y = (size_t)0 - (size_t)before(&k[y], &k[x]);
    return x ^ ((x ^ y) & take_y);
}

#define LINE 64

/*
 * The only allocation: doubling keeps pushes amortised O(1). The keys are
 * carved from a block one line longer so that keys + 1 starts a line;
 * the old keys are copied over, since realloc would not keep that.
 */
void rp_evq_grow(struct rp_evq *q)
{
    size_t cap = q->cap ? 2 * q->cap : INITIAL_CAP;

    if (cap > RP_EVQ_MAX_PENDING) {
        fprintf(stderr, "ripple: more than %zu events pending in one "
                "replication, the event queue's limit\n", RP_EVQ_MAX_PENDING);
        abort();
    }
    void *mem = rp_xmalloc(cap * sizeof *q->keys + LINE);
    uintptr_t line1 = ((uintptr_t)mem + sizeof *q->keys + LINE - 1)
                      & ~(uintptr_t)(LINE - 1);
    struct rp_evq_key *keys = (struct rp_evq_key *)(line1 - sizeof *q->keys);
    if (q->len)
        memcpy(keys, q->keys, q->len * sizeof *keys);
    free(q->keys_mem);
    q->keys_mem = mem;
    q->keys = keys;
    q->slots = rp_xrealloc(q->slots, cap * sizeof *q->slots);
    q->free = rp_xrealloc(q->free, cap * sizeof *q->free);
    q->cap = cap;
}

void rp_evq_seq_exhausted(void)
{
    fprintf(stderr, "ripple: %llu events pushed in one replication, the "
            "event queue's limit\n", (unsigned long long)RP_EVQ_MAX_SEQ);
    abort();
}

void rp_evq_init(struct rp_evq *q)
{
    *q = (struct rp_evq){ 0 };
}

void rp_evq_release(struct rp_evq *q)
{
    free(q->keys_mem);
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


/*
 * Asks for the next event's slot while the caller handles this one: on a
 * big network the slots of thousands of pending events are out of cache,
 * and the loop reads the next one's time straight away.
 */
static inline void prefetch_first(const struct rp_evq *q)
{
#if defined(__GNUC__)
    __builtin_prefetch(&q->slots[rp_evq_key_slot(&q->keys[0])]);
#else
    (void)q;
#endif
}

/*
 * Asks for the lines of the children of keys c .. c + 3 (the grandchildren
 * of the hole) while the four are compared: one of them is where the hole
 * goes next. On a big network the lower levels of the heap are out of
 * cache, and four requests in flight at once cost about as much as one,
 * where reading each level after the comparison above it waited for every
 * line in turn. Only for heaps bigger than PREFETCH_MIN keys (256 KiB):
 * a smaller one stays in cache, where the requests would be instructions
 * for nothing (+1.5% of the flagship's instructions, about 1,800 pending).
 */
#define PREFETCH_MIN ((size_t)1 << 14)

static inline void prefetch_children(const struct rp_evq_key *k, size_t c,
                                     size_t n)
{
#if defined(__GNUC__)
    size_t g = ARITY * c + 1;
    if (g < n) {
        for (size_t j = 0; j < ARITY; j++)
            __builtin_prefetch(&k[g + ARITY * j]);
    }
#else
    (void)k;
    (void)c;
    (void)n;
#endif
}

/*
 * Removes the root. The hole left at the root sinks along the earliest
 * children to a leaf, then the last key fills it by sifting up from there
 * (Floyd's bottom-up variant): the last key came from the bottom and almost
 * always belongs near it, so comparing it at every level on the way down,
 * as the textbook sift does, would be wasted work.
 */
bool rp_evq_pop(struct rp_evq *q, struct rp_event *ev)
{
    if (q->len == 0)
        return false;
    struct rp_evq_key *k = q->keys;
    uint32_t slot = rp_evq_key_slot(&k[0]);
    *ev = q->slots[slot];
    q->free[q->nfree++] = slot;

    size_t n = --q->len, i = 0;
    if (n == 0)
        return true;
    bool far = n >= PREFETCH_MIN;       /* the lower levels are out of cache */
    for (;;) {
        size_t c = ARITY * i + 1, best;
        if (c + ARITY <= n) {           /* all four children: a tournament */
            if (far)
                prefetch_children(k, c, n);
            best = earlier(k, earlier(k, c, c + 1), earlier(k, c + 2, c + 3));
        } else if (c < n) {
            best = c;
            for (size_t j = c + 1; j < n; j++)
                best = earlier(k, best, j);
        } else {
            break;
        }
        k[i] = k[best];
        i = best;
    }
    rp_evq_sift_up(k, i, k[n]);
    prefetch_first(q);
    return true;
}
