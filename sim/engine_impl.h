/*
 * engine_impl.h - the engine's insides, shared by its parts. Not part of
 * any public contract (that is engine.h).
 *
 * One replication is split where a reader looks for it:
 *   engine.c          run state, the work list, the loop and its table from
 *                     event kind to handler
 *   engine_orders.c   placing, shipping and backlogs (hedges apart); demand
 *                     and arrivals
 *   engine_split.c    the split of an order over sources: weights, hedging,
 *                     what a source may take over
 *   engine_alloc.c    sharing scarce goods among waiting orders (allocation)
 *   engine_makers.c   kits, batches, starvation
 *   engine_disrupt.c  bans, licences, outages, capacity, qualification
 *   engine_trigger.c  backups called in by poor service (trigger)
 *   engine_measure.c  time integrals, tts/ttr, per-replication values
 * All that changes during a replication sits in struct rp_run; the model
 * (model_impl.h) is read-only, and the only input: the engine never reads
 * the scenario, so what it needs of one is a field of the model. Handlers never call each other across an
 * order: a supplier an order reaches re-plans through the work list
 * (rp_eng_replan_hold, rp_eng_replan_maker), so no call chain grows with
 * the network.
 */
#ifndef RIPPLE_ENGINE_IMPL_H
#define RIPPLE_ENGINE_IMPL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model_impl.h"
#include "ripple/dist.h"
#include "ripple/engine.h"
#include "ripple/evq.h"
#include "ripple/rng.h"

#define EPS 1e-9                        /* units below this are rounding dust */

/*
 * Event kinds, each with the class that orders it at equal times (evq.h)
 * and what its payload holds (the accessors below name it):
 *   ARRIVAL     edge, from_stock, hedge; qty; t0 = when the order was placed
 *   BATCH_DONE  node, server, node epoch (a stale epoch: paused, rescheduled)
 *   DEMAND      node
 *   FAIL        node: a random outage begins
 *   RESTORE     node
 *   DIS_START   disruption index
 *   DIS_END     disruption index
 *   QUALIFY     backup edge
 *   LICENCE     edge, from_stock, hedge; qty; t0: the approval decision
 *   PATH        disruption index: a capacity path's point (the maker re-plans)
 *   ANNOUNCE    disruption index: a ban or licence becomes known before its start
 *   REVIEW      holding
 *   DAY         day that just ended
 *   WARMUP      (first at its time, so everything at the warm-up counts)
 *   HORIZON
 *   NOP         a seized shipment: nothing happens
 *   KICKOFF     time 0: makers start, holdings order up to policy
 */
#define EV_KINDS(X)                 \
    X(ARRIVAL, ARRIVAL)             \
    X(BATCH_DONE, ARRIVAL)          \
    X(DEMAND, DEMAND)               \
    X(FAIL, STATE)                  \
    X(RESTORE, STATE)               \
    X(DIS_START, STATE)             \
    X(DIS_END, STATE)               \
    X(QUALIFY, STATE)               \
    X(LICENCE, STATE)               \
    X(PATH, STATE)                  \
    X(ANNOUNCE, STATE)              \
    X(REVIEW, REVIEW)               \
    X(DAY, END)                     \
    X(WARMUP, ARRIVAL)              \
    X(HORIZON, END)                 \
    X(NOP, ARRIVAL)                 \
    X(KICKOFF, STATE)

enum ev_kind {
#define X(kind, cls) EV_##kind,
    EV_KINDS(X)
#undef X
};

/* The one table from kind to class. */
static inline enum rp_event_class ev_class(enum ev_kind kind)
{
    switch (kind) {
#define X(k, cls)   \
    case EV_##k:    \
        return RP_CLASS_##cls;
        EV_KINDS(X)
#undef X
    }
    return RP_CLASS_STATE;
}

struct order {
    double qty;
    double t0;              /* when placed */
    uint32_t edge;          /* RP_NONE: a final customer's demand */
    uint32_t next;
    bool lost;              /* unmet part is lost, not backordered */
    bool hedge;             /* a licence hedge: not on order until it arrives (engine_orders.c) */
};

/* A backlog: waiting orders linked by next, oldest first. */
struct oqueue {
    uint32_t head, tail;    /* RP_NONE when empty */
};

/*
 * A holding's run state, its fields grouped by who reads them so that an
 * event touches few cache lines on a network too big for the cache: the
 * first line is its position and backlogs (every order, shipment and
 * arrival), the second its time integrals and the counters a shipment or
 * arrival adds to, the rest what disruptions, hedges and triggers use.
 * Aligned to a line (rp_run_new allocates the array so).
 */
struct hold_st {
    _Alignas(64) double on_hand;
    double on_order, owed;
    double transit;         /* shipped to it and not yet arrived (part of on_order) */
    struct oqueue q;        /* its backlog; a laned holding keeps it in lanes (below) */
    uint32_t nwait;         /* orders waiting, in q or its lanes */
    uint32_t nhedge;        /* hedges waiting in hq; hq is empty when 0, whatever its links say */
    double last;            /* time of the last integral update */
    bool owed_marked;       /* in owed_marks: owed_now to settle (rp_eng_note_owed) */

    double oh_int, owed_int, out_int;
    double owed_now, peak;  /* owed and not shipped (as unmet counts it) as last settled; its peak */
    double demand, delivered, from_stock;

    struct oqueue hq;       /* hedges waiting here, oldest first: served after every order */
    uint32_t alerts;        /* known events restricting one of its regular sources (alert targets) */
    uint32_t tday;          /* trigger rings: the latest day they hold, */
    uint32_t tslot;         /*   and its slot in them (tday mod the rings' length) */
    uint32_t deficit_next;  /*   1 + the last ended day a regular edge sent less than was due (0: none) */
    uint32_t tsync;         /*   the day trun was last summed afresh */
    uint32_t tops;          /*   changes to trun since */
    double trun[2];         /*   due and sent over all of the rings' days, kept running */
    double trun_abs;        /*   |due| + |sent| of the rings' days, likewise */
    double trun_absmax;     /*   the largest trun_abs since the last fresh sum */
    bool backup_in;         /* a backup source has qualified: licensed sources count as blocked */
    double hedge_credit;    /* orders turned into licence hedges (hedge_waiting): the hedges
                               of their re-orders are not placed again */
    double hedged;          /* the amount of the hedges in hq: a maker makes it with capacity
                               orders leave idle */
    double held;
    double lost, cyc_sum, cyc_qty, starved;
    double spend;           /* currency: price of what was shipped to it */
};

struct server {
    double end;             /* completion time while running */
    double remaining;       /* days left while paused */
    double qty;
    double share;           /* qty as a share of a full batch at its start */
    bool busy;
};

/* A node's run state; as for hold_st, what every batch and shipment reads comes first. */
struct node_st {
    _Alignas(64) int down;  /* reasons it is down (random outage, outage events) */
    uint32_t epoch;
    uint32_t busy;
    uint32_t starve_input;  /* holding whose lack binds */
    double inproc;
    double load;            /* busy servers, each weighted by its batch's share of a full batch */
    double last;
    double busy_int, starve_int;
    double starve_rate;     /* units/day being lost for want of inputs now */

    bool starved;
    bool stop_pending;      /* starved with no server busy: a stoppage once time passes */
    bool short_pending;     /* starved: a shortfall once time passes */
    double produced;
    double cover_mult[2];   /* capacity, demand factor that levels given as cover follow now */
    double down_int;
    double down_rate;       /* units/day of output lost while down (set as it goes down) */
    double down_lost;       /* units of output lost while down */
    double mult_now[2];     /* rp_eng_node_mult's cache, capacity and demand: the factor */
    double mult[2];         /*   at time mult_now, valid while mult_gen is the run's */
    uint64_t mult_gen[2];   /*   ev_gen + 1 (0: never computed) */
    double starved_since;
    double tts_next;        /* earliest start of an event whose tts here is unset */
    double stoppages;
    double outages, up_since, down_since, up_sum, down_sum;
    double n_up, n_down, first_outage;
};

struct edge_st {
    double pass;            /* share of an order a ban lets through (1 = open) */
    uint32_t licence;       /* active licence event, or RP_NONE */
    bool qualified, pending;
    bool triggered;         /* backup with a trigger: called in by poor service */
    double trig_share;      /*   the share of the regular sources that served poorly then */
    double w, wr;           /* scratch of one placement: weight in the split, and in the
                               split of what partial bans refuse (engine_orders.c) */
    double plain;           /*   and its part with no licence hedging (hedging only) */
};

struct ev_st {
    double start, end;      /* drawn for this replication; INFINITY = never */
    bool active;
    bool known;             /* ban, licence: announced or started, not yet over */
    uint32_t seg;           /* path: the point at or before the last time asked (engine_disrupt.c) */
};

struct rp_run {
    const struct rp_model *m;
    struct rp_evq q;
    gsl_rng **streams;
    struct hold_st *h;      /* line-aligned, carved from h_mem (engine.c, line_calloc) */
    struct node_st *n;      /*   likewise, from n_mem */
    void *h_mem, *n_mem;
    struct edge_st *e;
    struct ev_st *ev;
    struct server *srv;
    struct order *orders;
    uint32_t norders, cap_orders, free_order;
    uint64_t ev_gen;        /* changes whenever an event starts or ends (rp_eng_node_mult's cache) */
    uint32_t *work;         /* re-plans waiting this instant: a FIFO ring */
    uint32_t work_head, work_len, work_cap;
    bool *work_pending;     /* per work item: already in the ring */
    struct oqueue *lanes;   /* per laned holding, one backlog per buyer class (hold.lane0) */
    double *grp_owed, *grp_peak;    /* per report group: its members' owed_now summed, and its peak */
    uint32_t *owed_marks;   /* holdings whose owed changed in this event (rp_eng_note_owed) */
    uint32_t nowed_marks;
    struct per_st *per;     /* per calendar year's figures (engine_periods.c); NULL without */
    double *cls_buf;        /* 2 x max_classes: what each allocation class waits for and gets */
    double *trig_bin;       /* 2 x ntrig_bins: per day, units due and sent over a watched edge */
    double *trig_sum;       /* 2 x nedges: a window's due and sent per edge (engine_trigger.c) */
    double *tts;            /* nevents * nnodes, NAN until set */
    double *out_day;        /* ndays x nday_nodes, day-major: see rp_eng_day_at */
    double *sf_day;         /* ndays x nday_nodes, day-major; NULL without series */
    double now, warmup;
    double filled_now;      /* units served from stock at once since a market's demand was placed */
    uint64_t nevents;
    uint64_t nwork;         /* work-list items run */
    uint64_t max_steps;     /* budget of events + work items; 0 = none */
    enum rp_run_status status;
    bool done;
    uint32_t *day_hold;     /* per day slot, its node's main holding; NULL without series */
};

/* ------------------------------------------------------------ run state */

/*
 * Event payloads, by kind. The queue's operands a, b, c are named here
 * once, so that handlers read what they mean.
 */
static inline uint32_t ev_edge(const struct rp_event *ev)      /* ARRIVAL, LICENCE, QUALIFY */
{
    return ev->a;
}

static inline bool ev_from_stock(const struct rp_event *ev)    /* ARRIVAL, LICENCE */
{
    return ev->b != 0;
}

/* ARRIVAL, LICENCE: a licence hedge, which the customer counts only on arrival */
static inline bool ev_hedge(const struct rp_event *ev)
{
    return ev->c != 0;
}

static inline uint32_t ev_node(const struct rp_event *ev)      /* BATCH_DONE, DEMAND, FAIL, RESTORE */
{
    return ev->a;
}

static inline uint32_t ev_server(const struct rp_event *ev)    /* BATCH_DONE */
{
    return ev->b;
}

static inline uint32_t ev_epoch(const struct rp_event *ev)     /* BATCH_DONE */
{
    return ev->c;
}

static inline uint32_t ev_disruption(const struct rp_event *ev) /* DIS_START, DIS_END, PATH, ANNOUNCE */
{
    return ev->a;
}

static inline uint32_t ev_hold(const struct rp_event *ev)      /* REVIEW */
{
    return ev->a;
}

static inline uint32_t ev_day(const struct rp_event *ev)       /* DAY */
{
    return ev->a;
}

/* ------------------------------------------------- small shared helpers */

/* A value of random quantity d that is not a constant (engine.c). */
double rp_eng_draw_random(struct rp_run *r, const struct rp_draw *d);

/*
 * One value of random quantity d, from its own stream. A constant (a zero
 * lead time, a fixed order size) is its value, read here without the call
 * that the variate generators' code, too big to inline at every draw,
 * costs: M/M/1 draws two constants per order.
 */
static inline double draw(struct rp_run *r, const struct rp_draw *d)
{
    if (d->kind == RP_DIST_CONST)
        return d->a;
    return rp_eng_draw_random(r, d);
}

/*
 * The day of the clock, floor(now): now is never negative, so truncation
 * is the floor, one instruction where floor() is a call.
 */
static inline uint32_t rp_eng_today(const struct rp_run *r)
{
    return (uint32_t)r->now;
}

/* Schedules an event of kind at t, in kind's class; none after the horizon. */
static inline void push(struct rp_run *r, double t, enum ev_kind kind,
                        uint32_t a, uint32_t b, uint32_t c, double qty,
                        double t0)
{
    enum rp_event_class cls = ev_class(kind);
    if (!(t <= r->m->horizon))
        return;                         /* after the horizon: never happens */
    rp_evq_push(&r->q, (struct rp_event){
        .time = t, .cls = (uint8_t)cls, .kind = (uint8_t)kind,
        .a = a, .b = b, .c = c, .qty = qty, .t0 = t0,
    });
}

/* Brings a holding's time integrals up to now. */
static inline void touch_hold(struct rp_run *r, uint32_t h)
{
    struct hold_st *hs = &r->h[h];
    double dt = r->now - hs->last;
    if (dt > 0) {
        hs->oh_int += dt * hs->on_hand;
        hs->owed_int += dt * hs->owed;
        if (hs->on_hand <= EPS)
            hs->out_int += dt;
    }
    hs->last = r->now;
}

static inline bool edge_active(const struct rp_run *r, uint32_t e)
{
    const struct edge *ed = &r->m->edges[e];
    const struct edge_st *es = &r->e[e];
    if (es->pass <= EPS)
        return false;
    if (ed->backup)
        return es->qualified;
    /* Once a backup is in, a source under a licence regime is blocked. */
    return es->licence == RP_NONE || !r->h[ed->hold].backup_in;
}

/* Under a licence regime or a partial ban (hedging, engine_orders.c). */
static inline bool rp_eng_restricted(const struct rp_run *r, uint32_t e)
{
    return r->e[e].licence != RP_NONE || r->e[e].pass < 1 - EPS;
}

/*
 * Is edge e restricted but not closed: under a licence regime or a partial
 * ban, not fully banned, and for a backup qualified? (Once a backup is in,
 * edge_active() says no to a licensed regular source; for hedging it
 * still is one.)
 */
static inline bool rp_eng_restricted_live(const struct rp_run *r, uint32_t e)
{
    const struct edge_st *es = &r->e[e];
    return rp_eng_restricted(r, e) && es->pass > EPS
        && (!r->m->edges[e].backup || es->qualified);
}

static inline bool node_up(const struct rp_run *r, uint32_t n)
{
    return r->n[n].down == 0;
}

/* Active, and its supplier is up: an order placed there ships now. */
static inline bool edge_ready(const struct rp_run *r, uint32_t e)
{
    return edge_active(r, e) && node_up(r, r->m->edges[e].supplier);
}

double rp_eng_node_mult_events(const struct rp_run *r, uint32_t n, enum rp_event_type type);

/*
 * The capacity (or demand) factor in force at node n now (engine_disrupt.c
 * works it out). Inline for the common node that no event of that type
 * touches, whose factor is 1.
 */
static inline double rp_eng_node_mult(const struct rp_run *r, uint32_t n,
                                      enum rp_event_type type)
{
    const struct mnode *mn = &r->m->nodes[n];
    if ((type == RP_EVENT_CAPACITY ? mn->ncap_ev : mn->ndem_ev) == 0)
        return 1;
    return rp_eng_node_mult_events(r, n, type);
}

/*
 * The factor that holding h's levels given as cover follow: the node's
 * capacity or demand factor as last taken (at event starts and ends, path
 * points and day ends; see rp_eng_covers_follow). Not the factor of this
 * instant: under a ramp that would grow between any two looks, and every
 * arrival would order the growth again, split over every source.
 */
static inline double rp_eng_cover_mult(const struct rp_run *r, const struct hold *hd)
{
    return r->n[hd->node].cover_mult[hd->follow == RP_EVENT_DEMAND];
}

/*
 * The target holding h orders up to (base stock) or its maker keeps of its
 * output: the level, scaled by the factor in force when it was given as
 * cover.
 */
static inline double rp_eng_level(const struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    if (!hd->level_follows)
        return hd->level;
    return hd->level * rp_eng_cover_mult(r, hd);
}

/*
 * What holding h may ship to hedges: its stock above its level, all of it
 * for an unlimited supplier. The stock up to the level is kept for orders,
 * so that a restricted customer's hedges leave the supplier's other buyers
 * the stock they would find under a full ban.
 */
static inline double rp_eng_spare(const struct rp_run *r, uint32_t h)
{
    if (r->m->holds[h].role == ROLE_UNLIMITED)
        return INFINITY;
    double spare = r->h[h].on_hand - rp_eng_level(r, h);
    return spare > EPS ? spare : 0;
}

/*
 * Units the maker still plans to make: backlog plus output level, less
 * stock and work in process, and the hedges waiting at it on top. Hedges
 * take only stock above the level (rp_eng_spare), so what is made for them
 * restocks the level first when an order comes: it is capacity that orders
 * leave idle.
 */
static inline double rp_eng_maker_need(const struct rp_run *r, uint32_t n)
{
    const struct mnode *mn = &r->m->nodes[n];
    const struct hold_st *os = &r->h[mn->out_hold];
    double need = os->owed + os->hedged + rp_eng_level(r, mn->out_hold) - os->on_hand
                - r->n[n].inproc;
    return need > EPS ? need : 0;
}

/*
 * A capacity factor floor above which the factor in force, a product of
 * at most a few thousand factors each rounded at most a few times, is
 * surely above EPS: far above both.
 */
#define CAP_SURE 1e-6

/*
 * What the maker's inputs are to cover: its need, or nothing while its
 * capacity is 0 (a plant not yet built buys nothing). A node whose events
 * can never take its capacity near 0 (mnode.cap_floor) is not asked for
 * the factor: on the flagship that was a path's factor worked out at
 * nearly every input's arrival.
 */
static inline double rp_eng_input_need(const struct rp_run *r, uint32_t n)
{
    const struct mnode *mn = &r->m->nodes[n];
    if (mn->ncap_ev && mn->cap_floor <= CAP_SURE
        && !(rp_eng_node_mult(r, n, RP_EVENT_CAPACITY) > EPS))
        return 0;
    return rp_eng_maker_need(r, n);
}

/* Has h a source that can ship now? */
static inline bool rp_eng_hold_has_ready_edge(const struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    for (uint32_t i = 0; i < hd->nedges; i++)
        if (edge_ready(r, hd->edge0 + i))
            return true;
    return false;
}

/*
 * Where day d of the node with day slot `slot` is in out_day and sf_day.
 * Day-major: the clock moves forward, so every write of a replication goes
 * to one row of nday_nodes values, which stays in cache; node-major rows put
 * each node's current day on its own cache line, a miss per shipment on a
 * network of 100,000 nodes. Only the end-of-run reads stride.
 */
static inline size_t rp_eng_day_at(const struct rp_model *m, int32_t slot, size_t d)
{
    return d * m->nday_nodes + (size_t)slot;
}

/* Adds qty to node n's output of the current day (for ttr and the series). */
static inline void rp_eng_add_output(struct rp_run *r, uint32_t n, double qty)
{
    const struct mnode *mn = &r->m->nodes[n];
    if (mn->day_slot < 0)
        return;
    size_t d = rp_eng_today(r);
    if (d >= r->m->ndays)
        return;                 /* at the horizon itself: a day that has no length */
    r->out_day[rp_eng_day_at(r->m, mn->day_slot, d)] += qty;
}

/*
 * The backlog that orders of buyer class cls wait in at holding h: its
 * class's lane where the node allocates by class (priority, quota), else
 * the holding's one queue.
 */
static inline struct oqueue *rp_eng_queue(struct rp_run *r, uint32_t h, uint32_t cls)
{
    const struct hold *hd = &r->m->holds[h];
    return hd->nlanes ? &r->lanes[hd->lane0 + cls] : &r->h[h].q;
}

/* The class an order over edge e (RP_NONE: the node's own customers) has at holding h. */
static inline uint32_t rp_eng_edge_class(const struct rp_run *r, uint32_t h, uint32_t e)
{
    if (e == RP_NONE)
        return r->m->nodes[r->m->holds[h].node].self_class;
    return r->m->edges[e].buyer_class;
}

/* --------------------------------------------------- engine_periods.c */

/*
 * Per calendar year of each report group (periods.h): allocated with the
 * run (nothing in the event loop), reset with each replication and at the
 * warm-up, closed at the day end where a year ends and at the horizon.
 */
void rp_eng_periods_new(struct rp_run *r);
void rp_eng_periods_free(struct rp_run *r);
void rp_eng_periods_reset(struct rp_run *r);
void rp_eng_periods_warmup(struct rp_run *r);
void rp_eng_periods_day(struct rp_run *r, uint32_t day);
void rp_eng_periods_finish(struct rp_run *r);
/* The group's owed changed: the year's peak follows. */
void rp_eng_periods_owed(struct rp_run *r, uint32_t g);
double rp_eng_period_value(const struct rp_run *r, const struct rp_value_desc *v);

/*
 * What holding h owes and has not shipped, as unmet counts it: a
 * pass-through market's goods on their way are not owed in this sense.
 */
static inline double rp_eng_owed_unshipped(const struct rp_run *r, uint32_t h)
{
    const struct hold_st *hs = &r->h[h];
    if (r->m->holds[h].passthrough)
        return hs->owed > hs->transit + EPS ? hs->owed - hs->transit : 0;
    return hs->owed;
}

/*
 * Group g's running owed sum where a peak starts: never below 0, which
 * the sum of its members' changes may be by a rounding (-3e-16).
 */
static inline double rp_eng_group_owed_floor(const struct rp_run *r, uint32_t g)
{
    return r->grp_owed[g] > 0 ? r->grp_owed[g] : 0;
}

/*
 * Holding h's owed or in-transit amount changed: it is marked, and the
 * loop settles it once the event and the re-plans it set off are done
 * (rp_eng_settle_owed): its amount owed and not yet shipped
 * (rp_eng_owed_unshipped), the sums of its groups and their peaks then take the change. So a peak
 * is the largest amount owed after any event, not a step inside one: an
 * arrival counted out of transit before the waiting order takes it, or a
 * re-order half placed over two sources, is no instant a customer sees.
 * O(1); each holding is marked at most once per event.
 */
static inline void rp_eng_note_owed(struct rp_run *r, uint32_t h)
{
    struct hold_st *hs = &r->h[h];
    if (hs->owed_marked)
        return;
    hs->owed_marked = true;
    r->owed_marks[r->nowed_marks++] = h;
}

/*
 * What the marked holdings owe, and their groups' sums and peaks, made
 * current: two passes, so that a group's peak is taken on its sum after every
 * member's change of the event, not between two members' changes; the
 * second only if a group changed (none has: M/M/1 reports no group).
 * A group looked at again whose sum did not change keeps its peak, which
 * is never below the sum.
 */
static inline void rp_eng_settle_owed(struct rp_run *r)
{
    const struct rp_model *m = r->m;
    bool groups = false;
    for (uint32_t i = 0; i < r->nowed_marks; i++) {
        uint32_t h = r->owed_marks[i];
        struct hold_st *hs = &r->h[h];
        double level = rp_eng_owed_unshipped(r, h);
        double delta = level - hs->owed_now;
        hs->owed_marked = false;
        if (delta == 0)
            continue;
        hs->owed_now = level;
        if (level > hs->peak)
            hs->peak = level;
        for (uint32_t k = m->hold_group0[h]; k < m->hold_group0[h + 1]; k++) {
            r->grp_owed[m->hold_groups[k]] += delta;
            groups = true;
        }
    }
    for (uint32_t i = 0; groups && i < r->nowed_marks; i++) {
        uint32_t h = r->owed_marks[i];
        for (uint32_t k = m->hold_group0[h]; k < m->hold_group0[h + 1]; k++) {
            uint32_t g = m->hold_groups[k];
            if (r->grp_owed[g] > r->grp_peak[g])
                r->grp_peak[g] = r->grp_owed[g];
            if (r->per)
                rp_eng_periods_owed(r, g);
        }
    }
    r->nowed_marks = 0;
}

void rp_eng_trig_record(struct rp_run *r, uint32_t e, double due, double sent);

/*
 * Edge e took an order of `due` units or sent `sent` (negative: goods
 * refused a licence came back): noted in its ring if a triggered backup
 * watches it. One test on edges nobody watches.
 */
static inline void rp_eng_trig_note(struct rp_run *r, uint32_t e, double due, double sent)
{
    if (r->m->edges[e].bin0 != RP_NONE)
        rp_eng_trig_record(r, e, due, sent);
}

/* ------------------------------------------------------------ engine.c */

void rp_eng_replan_hold(struct rp_run *r, uint32_t h);
void rp_eng_replan_maker(struct rp_run *r, uint32_t n);

/* ----------------------------------------------------- engine_orders.c */

void rp_eng_unlink_order(struct rp_run *r, uint32_t h, struct oqueue *q,
                         uint32_t prev, uint32_t o);
void rp_eng_order_failed(struct rp_run *r, uint32_t e, double qty, bool lost_mode);
void rp_eng_order_policy(struct rp_run *r, uint32_t h);
void rp_eng_order_input(struct rp_run *r, uint32_t h, double need);
void rp_eng_review_now(struct rp_run *r, uint32_t h);
void rp_eng_replenish(struct rp_run *r, uint32_t h);
void rp_eng_ship(struct rp_run *r, uint32_t sh, struct order *o, double qty,
                 bool from_stock);
void rp_eng_serve(struct rp_run *r, uint32_t h);
double rp_eng_hedge_orders(struct rp_run *r, uint32_t e);
void rp_eng_owe_less(struct rp_run *r, uint32_t sh, double qty);
void rp_eng_on_demand(struct rp_run *r, uint32_t n);
void rp_eng_on_arrival(struct rp_run *r, const struct rp_event *ev);

/* ------------------------------------------------------ engine_split.c */

/*
 * Which edges a split is over: the active ones (no hedging); the active
 * ones less the restricted (hedging: the split that is on order); or the
 * active ones and every live restricted one (the split a hedge is cut
 * from, as if no restriction applied but what a ban refuses).
 */
enum rp_eng_split { SPLIT_ACTIVE, SPLIT_HEDGED, SPLIT_PLAIN };

bool rp_eng_hedging(const struct rp_run *r, uint32_t h);
double rp_eng_split_weights(struct rp_run *r, uint32_t h, enum rp_eng_split mode,
                            double *open_total);
void rp_eng_plain_parts(struct rp_run *r, uint32_t h, double qty);
void rp_eng_cap_backups(struct rp_run *r, uint32_t h, double qty);
void rp_eng_cap_takeover(struct rp_run *r, uint32_t h, double qty);

/* ------------------------------------------------------ engine_alloc.c */

void rp_eng_serve_queue(struct rp_run *r, uint32_t h);

/* ----------------------------------------------------- engine_makers.c */

bool rp_eng_kit_ready(const struct rp_run *r, uint32_t n);
void rp_eng_replenish_inputs(struct rp_run *r, uint32_t n);
void rp_eng_set_starved(struct rp_run *r, uint32_t n, bool starved, uint32_t input);
void rp_eng_try_start(struct rp_run *r, uint32_t n);
void rp_eng_on_batch_done(struct rp_run *r, const struct rp_event *ev);

/* ---------------------------------------------------- engine_disrupt.c */

void rp_eng_on_path(struct rp_run *r, uint32_t k);
void rp_eng_initial_stock(struct rp_run *r);
void rp_eng_on_announce(struct rp_run *r, uint32_t k);
void rp_eng_covers_follow(struct rp_run *r);
void rp_eng_on_fail(struct rp_run *r, uint32_t n);
void rp_eng_on_restore(struct rp_run *r, uint32_t n);
void rp_eng_on_dis(struct rp_run *r, uint32_t k, bool start);
void rp_eng_on_qualify(struct rp_run *r, uint32_t e);
void rp_eng_on_licence(struct rp_run *r, const struct rp_event *ev);
void rp_eng_arm_backup(struct rp_run *r, uint32_t e);

/* ---------------------------------------------------- engine_trigger.c */

void rp_eng_check_triggers(struct rp_run *r, uint32_t day);

/* ---------------------------------------------------- engine_measure.c */

void rp_eng_touch_node(struct rp_run *r, uint32_t n);
void rp_eng_shortfall(struct rp_run *r, uint32_t n);
void rp_eng_on_day(struct rp_run *r, uint32_t day);
void rp_eng_reset_counters(struct rp_run *r);

#endif
