/*
 * evq.h - pending events of one replication.
 *
 * A 4-ary min-heap of small keys (time; class, push order and slot); the
 * events themselves stay put in slots, so a sift moves 16 bytes, not the
 * whole event, and a wide, shallow heap keeps the pops cheap when thousands
 * of shipments are in transit. Events leave in time order; equal times
 * leave by class (enum rp_event_class, lower first), then in push order, so
 * runs repeat on any machine and the order at equal times is a documented
 * rule of the model, never an accident of insertion.
 * Push and pop are O(log n); storage grows by doubling only when full, so a
 * queue reused across replications stops allocating once it has reached its
 * working size. Times must be zero or more (a replication's clock starts at
 * 0): the heap compares them as the integers their bits spell, which order
 * like the times themselves only for non-negative doubles.
 * Push is inline: the caller's event is written straight into its slot,
 * never built on the stack and copied (a copy read wider than it was
 * written stalls the store buffer, the most expensive line of a push).
 */
#ifndef RIPPLE_EVQ_H
#define RIPPLE_EVQ_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * What happens first at equal times. The warm-up reset is pushed first with
 * class 0, so everything at the warm-up time counts. Goods that arrive at
 * time t can be used by everything else that happens at t; state changes of suppliers (restore,
 * disruption start/end) come before the demand and orders of that instant;
 * reviews see the result of all of it; the horizon closes last.
 */
enum rp_event_class {
    RP_CLASS_ARRIVAL = 0,   /* shipments arriving, batches completing */
    RP_CLASS_STATE = 1,     /* outages, restores, disruptions, qualification */
    RP_CLASS_DEMAND = 2,    /* customer demand */
    RP_CLASS_REVIEW = 3,    /* periodic stock review */
    RP_CLASS_END = 4,       /* the horizon: everything at T counts */
};

struct rp_event {
    double time;            /* days since the run started */
    uint64_t seq;           /* push order, set by rp_evq_push */
    uint8_t cls;            /* enum rp_event_class */
    uint8_t kind;           /* what happens: meaning owned by the engine */
    uint32_t a;             /* first operand (node, holding, ...) */
    uint32_t b;             /* second operand */
    uint32_t c;             /* third operand */
    double qty;             /* units, for kinds that move goods */
    double t0;              /* a second time: when the order behind a shipment was placed */
};

/*
 * A key is two words: the time's bits, and the order word
 *   class (3 bits) | push order (RP_EVQ_SEQ_BITS) | slot (RP_EVQ_SLOT_BITS)
 * so that four sibling keys fill one 64-byte cache line. The slot sits
 * below the push order, which no two pending events share, so it never
 * decides an order. The limits: 2^37 (1.4e11) pushes in one replication
 * and 2^24 (16.7 million) events pending at once; both are named when
 * hit (rp_evq_grow, rp_evq_push).
 */
#define RP_EVQ_SLOT_BITS 24
#define RP_EVQ_SEQ_BITS 37
#define RP_EVQ_MAX_PENDING ((size_t)1 << RP_EVQ_SLOT_BITS)
#define RP_EVQ_MAX_SEQ ((uint64_t)1 << RP_EVQ_SEQ_BITS)

struct rp_evq_key {
    uint64_t time;          /* the time's bits: same order as the times >= 0 */
    uint64_t order;         /* class | push order | slot, as above */
};

struct rp_evq {
    struct rp_evq_key *keys;    /* the heap; keys + 1 is 64-byte aligned */
    void *keys_mem;             /* what keys was carved from */
    struct rp_event *slots;     /* the events, by slot */
    uint32_t *free;             /* free slots, a stack */
    size_t len;                 /* events pending */
    size_t cap;                 /* keys, slots and free have room for cap */
    size_t nfree;
    size_t used;                /* slots ever handed out since the last clear */
    uint64_t next_seq;
};

void rp_evq_init(struct rp_evq *q);
void rp_evq_release(struct rp_evq *q);

/* Empties q, keeping its storage; push order restarts at 0. */
void rp_evq_clear(struct rp_evq *q);

/*
 * Internal to rp_evq_push: doubles the storage (past RP_EVQ_MAX_PENDING it
 * says so and aborts, as an allocation failure does); files a key in the
 * heap; says that a replication has pushed RP_EVQ_MAX_SEQ events, and
 * aborts.
 */
void rp_evq_grow(struct rp_evq *q);
void rp_evq_seq_exhausted(void);

#define RP_EVQ_ARITY 4          /* children per heap node (evq.c says why 4) */

/*
 * Is a due before b? (time, order) compared as one 128-bit number: with
 * c = 1 when a's order is lower, a < b exactly when a.time < b.time + c.
 * b.time + c cannot wrap: the largest time, +infinity, is far below 2^64.
 */
static inline bool rp_evq_key_before(const struct rp_evq_key *a,
                                     const struct rp_evq_key *b)
{
    return a->time < b->time + (a->order < b->order);
}

/*
 * Internal: sifts the hole at i up to where key belongs and files key
 * there. Inline, as push is: a push is a few compares on a short heap.
 */
static inline void rp_evq_sift_up(struct rp_evq_key *keys, size_t i,
                                  struct rp_evq_key key)
{
    while (i > 0) {
        size_t parent = (i - 1) / RP_EVQ_ARITY;
        if (!rp_evq_key_before(&key, &keys[parent]))
            break;
        keys[i] = keys[parent];
        i = parent;
    }
    keys[i] = key;
}

/*
 * A time's bits as an unsigned integer. +0 is added first so that -0,
 * whose sign bit would sort it last, becomes +0; NaN and negative times
 * would not order, so push refuses them.
 */
static inline uint64_t rp_evq_time_bits(double t)
{
    uint64_t bits;

    t += 0.0;
    memcpy(&bits, &t, sizeof bits);
    return bits;
}

/* Where the event of key k is. */
static inline uint32_t rp_evq_key_slot(const struct rp_evq_key *k)
{
    return (uint32_t)(k->order & (RP_EVQ_MAX_PENDING - 1));
}

/* Adds ev (its seq is overwritten); ev.time must be zero or more. */
static inline void rp_evq_push(struct rp_evq *q, struct rp_event ev)
{
    assert(ev.time >= 0);               /* false for NaN too */
    if (q->next_seq == RP_EVQ_MAX_SEQ)
        rp_evq_seq_exhausted();
    if (q->len == q->cap)
        rp_evq_grow(q);
    uint32_t slot = q->nfree ? q->free[--q->nfree] : (uint32_t)q->used++;

    ev.seq = q->next_seq++;
    q->slots[slot] = ev;
    rp_evq_sift_up(q->keys, q->len++, (struct rp_evq_key){
        .time = rp_evq_time_bits(ev.time),
        .order = ((uint64_t)ev.cls << RP_EVQ_SEQ_BITS | ev.seq)
                     << RP_EVQ_SLOT_BITS | slot,
    });
}

/* Removes the first event into *ev; false when q is empty. */
bool rp_evq_pop(struct rp_evq *q, struct rp_event *ev);

/* The first event without removing it, or NULL. */
static inline const struct rp_event *rp_evq_peek(const struct rp_evq *q)
{
    return q->len ? &q->slots[rp_evq_key_slot(&q->keys[0])] : NULL;
}

static inline size_t rp_evq_len(const struct rp_evq *q)
{
    return q->len;
}

/*
 * Pending event i, 0 <= i < rp_evq_len(q), in no particular order: for
 * sweeps over everything pending (seizing goods in transit). The caller may
 * change the event's payload but not its time or class.
 */
static inline struct rp_event *rp_evq_at(struct rp_evq *q, size_t i)
{
    return &q->slots[rp_evq_key_slot(&q->keys[i])];
}

#endif
