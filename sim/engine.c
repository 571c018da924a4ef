/*
 * engine.c - one replication: the event loop and its handlers.
 *
 * The network is a set of holdings (a node's stock of one product) joined by
 * supply edges (customer holding <- supplier node). Goods move only as
 * orders: a holding orders under its stock policy, the order is split over
 * the active edges, the supplier ships from stock or keeps the rest in its
 * backlog, and a shipment arrives after the edge's lead time. Makers turn
 * inputs into output in batches. Every rule that the scenario format leaves
 * open is written down in docs/SCENARIO-FORMAT.md; the comments here say why
 * the code is shaped as it is. The model it runs is built by model.c.
 */
#include "ripple/engine.h"

#include "model_impl.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/dist.h"
#include "ripple/evq.h"
#include "ripple/rng.h"

#define EPS 1e-9                        /* units below this are rounding dust */
#define TTR_WINDOW 7                    /* days in the trailing mean of output */
#define TTR_PRE_DAYS 30                 /* days before an event that set "normal" */
#define TTR_LEVEL 0.95                  /* share of normal output that counts as recovered */

enum ev_kind {
    EV_ARRIVAL,         /* a: edge, qty, t0: order time, b: 1 = filled from stock */
    EV_BATCH_DONE,      /* a: node, b: server, c: node epoch */
    EV_DEMAND,          /* a: node */
    EV_FAIL,            /* a: node: a random outage begins */
    EV_RESTORE,         /* a: node */
    EV_DIS_START,       /* a: event index */
    EV_DIS_END,         /* a: event index */
    EV_QUALIFY,         /* a: backup edge */
    EV_LICENCE,         /* a: edge, qty, t0: the approval decision */
    EV_REVIEW,          /* a: holding */
    EV_DAY,             /* a: day that just ended */
    EV_WARMUP,
    EV_HORIZON,
    EV_NOP,             /* a seized shipment: nothing happens */
    EV_KICKOFF,         /* time 0: makers start, holdings order up to policy */
};

struct order {
    double qty;
    double t0;              /* when placed */
    uint32_t edge;          /* RP_NONE: a final customer's demand */
    uint32_t next;
    bool lost;              /* unmet part is lost, not backordered */
};

struct hold_st {
    double on_hand, on_order, owed, held;
    double transit;         /* shipped to it and not yet arrived (part of on_order) */
    uint32_t q_head, q_tail;
    double last;            /* time of the last integral update */
    double oh_int, owed_int, out_int;
    double demand, delivered, lost, from_stock, cyc_sum, cyc_qty, starved;
};

struct server {
    double end;             /* completion time while running */
    double remaining;       /* days left while paused */
    double qty;
    double share;           /* qty as a share of a full batch at its start */
    bool busy;
};

struct node_st {
    int down;               /* reasons it is down (random outage, outage events) */
    uint32_t epoch;
    uint32_t busy;
    double inproc;
    double load;            /* busy servers, each weighted by its batch's share of a full batch */
    double last;
    double busy_int, down_int, starve_int;
    double starve_rate;     /* units/day being lost for want of inputs now */
    uint32_t starve_input;  /* holding whose lack binds */
    bool starved;
    bool stop_pending;      /* starved with no server busy: a stoppage once time passes */
    bool short_pending;     /* starved: a shortfall once time passes */
    double starved_since;
    double produced, stoppages;
    double outages, up_since, down_since, up_sum, down_sum;
    double n_up, n_down, first_outage;
};

struct edge_st {
    double pass;            /* share of an order a ban lets through (1 = open) */
    uint32_t licence;       /* active licence event, or RP_NONE */
    bool qualified, pending;
};

struct ev_st {
    double start, end;      /* drawn for this replication; INFINITY = never */
    bool active;
};

struct rp_run {
    const struct rp_model *m;
    struct rp_evq q;
    gsl_rng **streams;
    struct hold_st *h;
    struct node_st *n;
    struct edge_st *e;
    struct ev_st *ev;
    struct server *srv;
    struct order *orders;
    uint32_t norders, cap_orders, free_order;
    uint32_t *work;         /* re-plans waiting this instant: a FIFO ring */
    uint32_t work_head, work_len, work_cap;
    bool *work_pending;     /* per work item: already in the ring */
    double *tts;            /* nevents * nnodes, NAN until set */
    double *out_day;        /* nday_nodes * ndays */
    double *sf_day;         /* nday_nodes * ndays */
    double now, warmup;
    double filled_now;      /* units served from stock at once since a market's demand was placed */
    uint64_t nevents;
    uint64_t nwork;         /* work-list items run */
    uint64_t max_steps;     /* budget of events + work items; 0 = none */
    enum rp_run_status status;
    bool done;
};

/* ------------------------------------------------------------ run state */

struct rp_run *rp_run_new(const struct rp_model *m)
{
    struct rp_run *r = rp_xcalloc(1, sizeof *r);
    r->m = m;
    rp_evq_init(&r->q);
    r->streams = rp_xcalloc(m->nstreams + 1, sizeof *r->streams);
    for (size_t i = 0; i < m->nstreams; i++)
        r->streams[i] = rp_rng_new();
    r->h = rp_xcalloc(m->nholds + 1, sizeof *r->h);
    r->n = rp_xcalloc(m->nnodes + 1, sizeof *r->n);
    r->e = rp_xcalloc(m->nedges + 1, sizeof *r->e);
    r->ev = rp_xcalloc(m->nevents + 1, sizeof *r->ev);
    r->srv = rp_xcalloc(m->nservers + 1, sizeof *r->srv);
    r->tts = rp_xcalloc(m->nevents * m->nnodes + 1, sizeof *r->tts);
    if (m->daily) {
        r->out_day = rp_xcalloc(m->nday_nodes * m->ndays + 1, sizeof *r->out_day);
        r->sf_day = rp_xcalloc(m->nday_nodes * m->ndays + 1, sizeof *r->sf_day);
    }
    r->cap_orders = 64;
    r->orders = rp_xmalloc(r->cap_orders * sizeof *r->orders);
    /* One slot per holding and per node: an item is in the ring at most once. */
    r->work_cap = (uint32_t)(m->nholds + m->nnodes);
    r->work = rp_xcalloc(r->work_cap + 1, sizeof *r->work);
    r->work_pending = rp_xcalloc(r->work_cap + 1, sizeof *r->work_pending);
    return r;
}

void rp_run_free(struct rp_run *r)
{
    if (!r)
        return;
    rp_evq_release(&r->q);
    for (size_t i = 0; i < r->m->nstreams; i++)
        gsl_rng_free(r->streams[i]);
    free(r->streams);
    free(r->h);
    free(r->n);
    free(r->e);
    free(r->ev);
    free(r->srv);
    free(r->tts);
    free(r->out_day);
    free(r->sf_day);
    free(r->orders);
    free(r->work);
    free(r->work_pending);
    free(r);
}

static double draw(struct rp_run *r, const struct rp_dist *d, int32_t stream)
{
    return rp_dist_sample(d, stream >= 0 ? r->streams[stream] : NULL);
}

static void push(struct rp_run *r, double t, enum rp_event_class cls,
                 enum ev_kind kind, uint32_t a, uint32_t b, uint32_t c,
                 double qty, double t0)
{
    if (!(t <= r->m->sc->horizon))
        return;                         /* after the horizon: never happens */
    rp_evq_push(&r->q, (struct rp_event){
        .time = t, .cls = (uint8_t)cls, .kind = (uint8_t)kind,
        .a = a, .b = b, .c = c, .qty = qty, .t0 = t0,
    });
}

/* Orders live in a pool with a free list; it grows only when full (cold). */
static uint32_t order_new(struct rp_run *r)
{
    if (r->free_order != RP_NONE) {
        uint32_t i = r->free_order;
        r->free_order = r->orders[i].next;
        return i;
    }
    if (r->norders == r->cap_orders) {
        r->cap_orders *= 2;
        r->orders = rp_xrealloc(r->orders, r->cap_orders * sizeof *r->orders);
    }
    return r->norders++;
}

static void order_free(struct rp_run *r, uint32_t i)
{
    r->orders[i].next = r->free_order;
    r->free_order = i;
}

/* Takes order o, which follows prev (RP_NONE: o is first), out of hs's queue. */
static void unlink_order(struct rp_run *r, struct hold_st *hs, uint32_t prev,
                         uint32_t o)
{
    uint32_t next = r->orders[o].next;
    if (prev == RP_NONE)
        hs->q_head = next;
    else
        r->orders[prev].next = next;
    if (hs->q_tail == o)
        hs->q_tail = prev;
    order_free(r, o);
}

static void enqueue(struct rp_run *r, uint32_t h, double qty, uint32_t edge,
                    double t0, bool lost)
{
    struct hold_st *hs = &r->h[h];
    uint32_t o = order_new(r);
    r->orders[o] = (struct order){
        .qty = qty, .t0 = t0, .edge = edge, .next = RP_NONE, .lost = lost,
    };
    if (hs->q_tail == RP_NONE)
        hs->q_head = o;
    else
        r->orders[hs->q_tail].next = o;
    hs->q_tail = o;
}

/* Brings a holding's time integrals up to now. */
static void touch_hold(struct rp_run *r, uint32_t h)
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

static void shortfall_at(struct rp_run *r, uint32_t n, double when);

static void touch_node(struct rp_run *r, uint32_t n)
{
    struct node_st *ns = &r->n[n];
    double dt = r->now - ns->last;
    if (dt > 0) {
        if (ns->down)
            ns->down_int += dt;         /* paused batches do not count as use */
        else
            ns->busy_int += dt * ns->load;
        ns->starve_int += dt * ns->starve_rate;
        if (ns->starve_rate > 0 && ns->starve_input != RP_NONE)
            r->h[ns->starve_input].starved += dt * ns->starve_rate;
        /*
         * A starvation counts as a stoppage only once time has passed in it:
         * inputs ordered at zero lead time arrive at the same instant, after
         * the check that found them missing, and stop nothing.
         */
        if (ns->stop_pending) {
            ns->stoppages += 1;
            ns->stop_pending = false;
        }
        if (ns->short_pending) {
            shortfall_at(r, n, ns->starved_since);
            ns->short_pending = false;
        }
    }
    ns->last = r->now;
}

static void add_output(struct rp_run *r, uint32_t n, double qty)
{
    const struct mnode *mn = &r->m->nodes[n];
    if (mn->day_slot < 0)
        return;
    size_t d = (size_t)floor(r->now);
    if (d >= r->m->ndays)
        return;                 /* at the horizon itself: a day that has no length */
    r->out_day[(size_t)mn->day_slot * r->m->ndays + d] += qty;
}

/* The node fell short now: the first time after each active event sets its TTS. */
static void shortfall_at(struct rp_run *r, uint32_t n, double when)
{
    const struct rp_model *m = r->m;
    for (size_t k = 0; k < m->nevents; k++) {
        double *t = &r->tts[k * m->nnodes + n];
        if (isnan(*t) && r->ev[k].start <= when)
            *t = when - r->ev[k].start;
    }
}

static void shortfall(struct rp_run *r, uint32_t n)
{
    shortfall_at(r, n, r->now);
}

static double node_mult(const struct rp_run *r, uint32_t n, enum rp_event_type type)
{
    const struct rp_model *m = r->m;
    double mult = 1;
    for (size_t k = 0; k < m->nevents; k++) {
        const struct rp_disruption *d = m->events[k].sc;
        if (d->type != type || d->node != n || !r->ev[k].active)
            continue;
        double frac = d->ramp > 0 ? (r->now - r->ev[k].start) / d->ramp : 1;
        if (frac > 1)
            frac = 1;
        if (frac < 0)
            frac = 0;
        if (d->has_factor)
            mult *= 1 + (d->factor - 1) * frac;
        else
            mult *= 1 + d->add * frac / m->nodes[n].rate;
    }
    return mult;
}

/* ------------------------------------------------------- order handling */

static void replenish(struct rp_run *r, uint32_t h);
static void try_start(struct rp_run *r, uint32_t n);
static void serve_queue(struct rp_run *r, uint32_t h);

/*
 * The work list. An order that reaches a supplier changes the supplier's
 * position, and the supplier re-plans: a stock point re-orders, a maker
 * starts batches and orders inputs, which reach their suppliers in turn.
 * Done by direct calls, a chain of N stock points would nest N calls deep
 * and two stock points that trade stock would nest without bound, so the
 * re-plan is queued instead: an item per holding (its continuous review)
 * and per maker (its batch start), each in the ring at most once, so the
 * ring never holds more than nholds + nnodes items and never grows. The
 * loop runs the ring first-in first-out after each event, until it is
 * empty, before time moves on: every consequence of an event is settled
 * at the event's instant, in the order the orders reached the suppliers
 * (breadth first). A queued re-plan sees every change that reached it
 * before it runs, so one re-plan stands for several of the same instant.
 */
static void work_push(struct rp_run *r, uint32_t item)
{
    if (r->work_pending[item])
        return;
    assert(r->work_len < r->work_cap);
    r->work_pending[item] = true;
    uint32_t tail = r->work_head + r->work_len++;
    r->work[tail < r->work_cap ? tail : tail - r->work_cap] = item;
}

/* Queues holding h's continuous review (periodic reviews wait for their day). */
static void replan_hold(struct rp_run *r, uint32_t h)
{
    if (r->m->holds[h].review <= 0)
        work_push(r, h);
}

static void replan_maker(struct rp_run *r, uint32_t n)
{
    work_push(r, (uint32_t)r->m->nholds + n);
}

/* The budget ran out: drop what is queued, stop the loop, say why. */
static void over_budget(struct rp_run *r)
{
    for (; r->work_len; r->work_len--) {
        r->work_pending[r->work[r->work_head]] = false;
        r->work_head = r->work_head + 1 < r->work_cap ? r->work_head + 1 : 0;
    }
    r->status = RP_RUN_OVER_BUDGET;
    r->done = true;
}

/* Runs the queued re-plans, and those they queue, until none is left. */
static void work_drain(struct rp_run *r)
{
    uint32_t nholds = (uint32_t)r->m->nholds;
    while (r->work_len) {
        if (r->max_steps && r->nevents + r->nwork >= r->max_steps) {
            over_budget(r);
            return;
        }
        r->nwork++;
        uint32_t item = r->work[r->work_head];
        r->work_head = r->work_head + 1 < r->work_cap ? r->work_head + 1 : 0;
        r->work_len--;
        r->work_pending[item] = false;
        if (item < nholds)
            replenish(r, item);
        else
            try_start(r, item - nholds);
    }
}

/* Units the maker still plans to make: backlog plus output level, less stock and work in process. */
static double maker_need(const struct rp_run *r, uint32_t n)
{
    const struct mnode *mn = &r->m->nodes[n];
    const struct hold *oh = &r->m->holds[mn->out_hold];
    const struct hold_st *os = &r->h[mn->out_hold];
    double need = os->owed + oh->level - os->on_hand - r->n[n].inproc;
    return need > EPS ? need : 0;
}

/* Inventory position: on hand + on order - what is owed (for inputs: what planned production needs). */
static double position(const struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    const struct hold_st *hs = &r->h[h];
    double owed = hd->role == ROLE_INPUT ? hd->bom * maker_need(r, hd->node)
                                         : hs->owed;
    return hs->on_hand + hs->on_order - owed;
}

static bool edge_active(const struct rp_run *r, uint32_t e)
{
    const struct edge *ed = &r->m->edges[e];
    const struct edge_st *es = &r->e[e];
    if (es->pass <= EPS)
        return false;
    return !ed->backup || es->qualified;
}

static bool node_up(const struct rp_run *r, uint32_t n)
{
    return r->n[n].down == 0;
}

/* Active, and its supplier is up: an order placed there ships now. */
static bool edge_ready(const struct rp_run *r, uint32_t e)
{
    return edge_active(r, e) && node_up(r, r->m->edges[e].supplier);
}

static bool hold_has_ready_edge(const struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    for (uint32_t i = 0; i < hd->nedges; i++)
        if (edge_ready(r, hd->edge0 + i))
            return true;
    return false;
}

/*
 * Kit-complete ordering: a maker orders inputs only while every input is
 * to be had: on hand, or from a source that can ship now. Parts that could
 * not be used for want of another part are not bought meanwhile; this is
 * what makes the output of a maker without input stock available exactly
 * when all its suppliers are (validation case C10). An input still in stock
 * does not stop the others: a stockpile is there to be used.
 */
static bool kit_ready(const struct rp_run *r, uint32_t n)
{
    const struct mnode *mn = &r->m->nodes[n];
    for (uint32_t i = 0; i < mn->nin; i++) {
        uint32_t h = mn->in0 + i;
        if (r->h[h].on_hand <= EPS && !hold_has_ready_edge(r, h))
            return false;
    }
    return true;
}

/*
 * The customer of an order learns that qty of it will never come (lost at
 * the supplier, cancelled by a ban, refused a licence). A pass-through
 * market loses that part of its customers' demand; anyone else re-orders.
 */
static void order_failed(struct rp_run *r, uint32_t e, double qty, bool lost_mode)
{
    uint32_t h = r->m->edges[e].hold;
    struct hold_st *hs = &r->h[h];
    hs->on_order -= qty;
    if (hs->on_order < EPS)
        hs->on_order = 0;
    if (lost_mode && r->m->holds[h].passthrough) {
        touch_hold(r, h);
        hs->owed -= qty;
        hs->lost += qty;
        /* The newest final-customer orders are the ones this order served. */
        double left = qty;
        /* Trim from the tail: queues are short when sales are lost. */
        while (left > EPS && hs->q_tail != RP_NONE) {
            uint32_t t = hs->q_tail;
            struct order *ot = &r->orders[t];
            double cut = ot->qty < left ? ot->qty : left;
            ot->qty -= cut;
            left -= cut;
            if (ot->qty > EPS)
                break;
            uint32_t p = RP_NONE;       /* the tail's predecessor */
            for (uint32_t o = hs->q_head; o != t; o = r->orders[o].next)
                p = o;
            unlink_order(r, hs, p, t);
        }
        shortfall(r, r->m->holds[h].node);
        return;
    }
    replenish(r, h);
}

/* Sends goods over edge e: through a licence check if one applies, else in transit. */
static void dispatch(struct rp_run *r, uint32_t e, double qty, double t0, bool from_stock)
{
    const struct edge *ed = &r->m->edges[e];
    r->h[ed->hold].transit += qty;
    if (r->e[e].licence != RP_NONE) {
        const struct mevent *me = &r->m->events[r->e[e].licence];
        double wait = draw(r, &me->sc->delay, me->delay_stream);
        push(r, r->now + wait, RP_CLASS_STATE, EV_LICENCE, e, from_stock, 0, qty, t0);
        return;
    }
    double lead = draw(r, ed->lead, ed->lead_stream);
    push(r, r->now + lead, RP_CLASS_ARRIVAL, EV_ARRIVAL, e, from_stock, 0, qty, t0);
}

/* Ships qty of order o from supplier holding sh. */
static void ship(struct rp_run *r, uint32_t sh, struct order *o, double qty,
                 bool from_stock)
{
    struct hold_st *ss = &r->h[sh];
    touch_hold(r, sh);
    if (r->m->holds[sh].role != ROLE_UNLIMITED)
        ss->on_hand -= qty;
    if (ss->on_hand < EPS && ss->on_hand > -EPS)
        ss->on_hand = 0;
    ss->owed -= qty;
    if (ss->owed < EPS)
        ss->owed = 0;
    ss->delivered += qty;
    o->qty -= qty;
    if (o->edge != RP_NONE)
        dispatch(r, o->edge, qty, o->t0, from_stock);
    const struct hold *sd = &r->m->holds[sh];
    if (sd->role == ROLE_OUTPUT || sd->role == ROLE_DEMAND || sd->role == ROLE_STOCK)
        add_output(r, sd->node, sd->role == ROLE_OUTPUT ? 0 : qty);
}

/*
 * An order of qty arrives at supplier holding sh over edge e (RP_NONE for a
 * market's own customers). Served from stock at once if the supplier is up
 * and nobody waits before it; the rest waits, or is lost in lost-sales mode.
 * Returns the part lost.
 */
static double order_arrives(struct rp_run *r, uint32_t sh, uint32_t e,
                            double qty, bool lost_mode)
{
    const struct hold *sd = &r->m->holds[sh];
    struct hold_st *ss = &r->h[sh];
    uint32_t sn = sd->node;
    double served = 0;

    ss->demand += qty;
    struct order tmp = { .qty = qty, .t0 = r->now, .edge = e, .next = RP_NONE,
                         .lost = lost_mode };
    if (node_up(r, sn) && ss->q_head == RP_NONE) {
        double avail = sd->role == ROLE_UNLIMITED ? qty : ss->on_hand;
        served = avail < qty ? avail : qty;
        if (served > EPS) {
            touch_hold(r, sh);
            ss->owed += served;         /* ship() settles it */
            ship(r, sh, &tmp, served, true);
            ss->from_stock += served;
            r->filled_now += served;
        } else {
            served = 0;
        }
    }
    double rest = qty - served;
    double lost = 0;
    if (rest > EPS) {
        if (lost_mode) {
            ss->lost += rest;
            lost = rest;
        } else {
            touch_hold(r, sh);
            ss->owed += rest;
            enqueue(r, sh, rest, e, r->now, false);
        }
        bool counts = sd->role == ROLE_UNLIMITED ? false
                    : sd->role == ROLE_OUTPUT ? r->m->nodes[sn].stock_keeping
                    : !sd->passthrough;
        if (counts)
            shortfall(r, sn);
    }
    if (sd->role == ROLE_OUTPUT)
        replan_maker(r, sn);
    else if (sd->role == ROLE_STOCK || sd->role == ROLE_DEMAND)
        replan_hold(r, sh);
    return lost;
}

/*
 * Places an order of qty for holding h, split over its active edges in
 * proportion to their shares. Under a partial ban the refused part goes to
 * the open edges, or is held (counted as ordered) until the ban ends.
 * Returns the part lost at suppliers (lost-sales orders only).
 */
static double place_order(struct rp_run *r, uint32_t h, double qty, bool lost_mode)
{
    const struct rp_model *m = r->m;
    const struct hold *hd = &m->holds[h];
    struct hold_st *hs = &r->h[h];
    double total = 0, open_total = 0, blocked_share = 0;
    uint32_t nzero_backups = 0;
    /*
     * Suppliers that are down leave the split while another source can
     * ship; with none up, orders go to the active sources and wait there.
     */
    bool up_only = hold_has_ready_edge(r, h);

    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        const struct edge *ed = &m->edges[e];
        if (!ed->backup && r->e[e].pass <= EPS)
            blocked_share += ed->share;
        if (!edge_active(r, e))
            continue;
        if (ed->backup && ed->share <= 0)
            nzero_backups++;
    }
    /* Shares of the active edges; a zero-share backup takes an equal part of the blocked share. */
    double share[64];
    double *sh = hd->nedges <= 64 ? share : rp_xmalloc(hd->nedges * sizeof *sh);
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        const struct edge *ed = &m->edges[e];
        double w = 0;
        if (edge_active(r, e) && (!up_only || node_up(r, ed->supplier)))
            w = ed->backup && ed->share <= 0 ? blocked_share / nzero_backups : ed->share;
        sh[i] = w;
        total += w;
        if (r->e[e].pass >= 1 - EPS)
            open_total += w;
    }
    if (total <= EPS) {
        if (sh != share)
            free(sh);
        return 0;                       /* no active source: wait until one is */
    }
    double refused = 0, lost = 0;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (sh[i] <= 0)
            continue;
        double part = qty * sh[i] / total;
        double pass = r->e[e].pass;
        double go = part * (pass < 1 ? pass : 1);
        refused += part - go;
        if (go > EPS) {
            hs->on_order += go;
            lost += order_arrives(r, m->edges[e].supplier_hold, e, go, lost_mode);
        }
    }
    if (refused > EPS) {
        if (open_total > EPS) {
            for (uint32_t i = 0; i < hd->nedges; i++) {
                uint32_t e = hd->edge0 + i;
                if (sh[i] <= 0 || r->e[e].pass < 1 - EPS)
                    continue;
                double go = refused * sh[i] / open_total;
                hs->on_order += go;
                lost += order_arrives(r, m->edges[e].supplier_hold, e, go, lost_mode);
            }
        } else if (lost_mode) {
            lost += refused;
        } else {
            hs->held += refused;
            hs->on_order += refused;
        }
    }
    if (sh != share)
        free(sh);
    if (lost > EPS) {
        /* The lost part will not come: it is no longer on order. */
        hs->on_order -= lost;
        if (hs->on_order < EPS)
            hs->on_order = 0;
    }
    return lost;
}

/* How much the policy orders at position ip (0: nothing). */
static double policy_qty(const struct hold *hd, double ip)
{
    switch (hd->policy) {
    case RP_POLICY_BASE_STOCK:
        return ip < hd->level - EPS ? hd->level - ip : 0;
    case RP_POLICY_SS:
        return ip <= hd->s + EPS ? hd->S - ip : 0;
    case RP_POLICY_RQ:
        if (ip > hd->r + EPS)
            return 0;
        return (floor((hd->r - ip) / hd->Q + EPS) + 1) * hd->Q;
    }
    return 0;
}

/* Orders what h's policy asks for now; a maker's inputs only with a full kit. */
static void order_policy(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    double q = policy_qty(hd, position(r, h));
    if (q > EPS)
        place_order(r, h, q, false);
}

static void review_now(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    if (!hd->nedges)
        return;
    if (hd->role == ROLE_INPUT && !kit_ready(r, hd->node))
        return;
    order_policy(r, h);
}

/* Continuous review: act on every change of position. */
static void replenish(struct rp_run *r, uint32_t h)
{
    if (r->m->holds[h].review <= 0)
        review_now(r, h);
}

/* Continuous review of a maker's inputs, with one kit check for them all. */
static void replenish_inputs(struct rp_run *r, uint32_t n)
{
    const struct mnode *mn = &r->m->nodes[n];
    if (!mn->nin || !kit_ready(r, n))
        return;
    for (uint32_t i = 0; i < mn->nin; i++) {
        uint32_t h = mn->in0 + i;
        if (r->m->holds[h].review <= 0 && r->m->holds[h].nedges)
            order_policy(r, h);
    }
}

/* Serves waiting orders of holding h from its stock by its node's allocation rule. */
static void serve_queue(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    const struct rp_node *nd = r->m->nodes[hd->node].sc;
    bool unlimited = hd->role == ROLE_UNLIMITED;
    bool prefix = false;                /* only a prefix of the queue was served */

    if (hs->q_head == RP_NONE || !node_up(r, hd->node))
        return;
    if (!unlimited && hs->on_hand <= EPS)
        return;

    if (nd->allocation == RP_ALLOC_PROPORTIONAL && !unlimited
        && hs->on_hand < hs->owed - EPS) {
        double frac = hs->on_hand / hs->owed;
        for (uint32_t o = hs->q_head; o != RP_NONE; o = r->orders[o].next)
            ship(r, h, &r->orders[o], r->orders[o].qty * frac, false);
    } else if (nd->allocation == RP_ALLOC_PRIORITY && !unlimited) {
        /* Classes in the order listed, then everyone else; FIFO within a class. */
        for (size_t c = 0; c <= nd->npriority && hs->on_hand > EPS; c++) {
            for (uint32_t o = hs->q_head; o != RP_NONE && hs->on_hand > EPS;
                 o = r->orders[o].next) {
                struct order *od = &r->orders[o];
                rp_country who = od->edge == RP_NONE ? nd->country
                    : r->m->nodes[r->m->edges[od->edge].hold == RP_NONE ? 0
                        : r->m->holds[r->m->edges[od->edge].hold].node].sc->country;
                size_t cls = nd->npriority;
                for (size_t k = 0; k < nd->npriority; k++)
                    if (rp_cset_has(&nd->priority[k], who)) {
                        cls = k;
                        break;
                    }
                if (cls != c || od->qty <= EPS)
                    continue;
                double q = od->qty < hs->on_hand ? od->qty : hs->on_hand;
                ship(r, h, od, q, false);
            }
        }
    } else {
        prefix = true;
        for (uint32_t o = hs->q_head; o != RP_NONE; o = r->orders[o].next) {
            struct order *od = &r->orders[o];
            double q = unlimited || od->qty < hs->on_hand ? od->qty : hs->on_hand;
            if (q <= EPS)
                break;
            ship(r, h, od, q, false);
            if (!unlimited && hs->on_hand <= EPS)
                break;
        }
    }
    /*
     * Drop the orders that are now complete. FIFO completes a prefix, so the
     * walk stops at the first open order: a long backlog served one batch
     * at a time would otherwise cost its length at every batch.
     */
    uint32_t prev = RP_NONE;
    for (uint32_t o = hs->q_head; o != RP_NONE;) {
        uint32_t next = r->orders[o].next;
        if (r->orders[o].qty <= EPS) {
            unlink_order(r, hs, prev, o);
        } else if (prefix) {
            break;
        } else {
            prev = o;
        }
        o = next;
    }
}

/* --------------------------------------------------------------- makers */

static void set_starved(struct rp_run *r, uint32_t n, bool starved, uint32_t input)
{
    struct node_st *ns = &r->n[n];
    const struct mnode *mn = &r->m->nodes[n];
    touch_node(r, n);
    if (starved) {
        uint32_t idle = mn->sc->make.servers - ns->busy;
        ns->starve_rate = mn->rate / mn->sc->make.servers * idle
                        * node_mult(r, n, RP_EVENT_CAPACITY);
        ns->starve_input = input;
        if (!ns->starved && ns->busy == 0 && !ns->down)
            ns->stop_pending = true;    /* counted by touch_node() */
        if (!ns->starved) {
            ns->short_pending = true;   /* likewise: zero-length starvation is no shortfall */
            ns->starved_since = r->now;
        }
    } else {
        ns->starve_rate = 0;
        ns->stop_pending = false;       /* over at the instant it began */
        ns->short_pending = false;
    }
    ns->starved = starved;
}

/*
 * Starts batches while a server is free, the node is up and there is need:
 * each makes what is needed up to one batch, as far as inputs allow.
 */
static void try_start(struct rp_run *r, uint32_t n)
{
    const struct mnode *mn = &r->m->nodes[n];
    const struct rp_make *mk = &mn->sc->make;
    struct node_st *ns = &r->n[n];
    bool starved = false;
    uint32_t binding = RP_NONE;

    if (ns->down)
        return;
    double need = maker_need(r, n);
    while (ns->busy < mk->servers && need > EPS) {
        double cap = mk->batch * node_mult(r, n, RP_EVENT_CAPACITY);
        double want = cap < need ? cap : need;
        double q = want;
        for (uint32_t i = 0; i < mn->nin; i++) {
            const struct hold *ih = &r->m->holds[mn->in0 + i];
            double can = r->h[mn->in0 + i].on_hand / ih->bom;
            if (can < q) {
                q = can;
                binding = mn->in0 + i;
            }
        }
        if (q <= EPS) {
            starved = true;
            break;
        }
        if (q < want - EPS) {
            /* A part batch: what inputs could not cover is output lost. */
            r->h[binding].starved += want - q;
            touch_node(r, n);
            ns->starve_int += want - q;
        }
        for (uint32_t i = 0; i < mn->nin; i++) {
            uint32_t ih = mn->in0 + i;
            touch_hold(r, ih);
            r->h[ih].on_hand -= q * r->m->holds[ih].bom;
            if (r->h[ih].on_hand < EPS)
                r->h[ih].on_hand = 0;
        }
        touch_node(r, n);
        uint32_t k = mn->server0;
        while (r->srv[k].busy)
            k++;
        double t = draw(r, &mk->time, mn->time_stream);
        r->srv[k] = (struct server){ .end = r->now + t, .qty = q, .busy = true,
                                     .share = q / cap };
        ns->busy++;
        ns->load += q / cap;
        ns->inproc += q;
        push(r, r->now + t, RP_CLASS_ARRIVAL, EV_BATCH_DONE, n, k, ns->epoch, q, 0);
        need -= q;
    }
    if (starved != ns->starved || (starved && ns->starve_input != binding))
        set_starved(r, n, starved, binding);
    replenish_inputs(r, n);
}

static void on_batch_done(struct rp_run *r, const struct rp_event *ev)
{
    uint32_t n = ev->a;
    struct node_st *ns = &r->n[n];
    struct server *s = &r->srv[ev->b];
    if (ev->c != ns->epoch || !s->busy)
        return;                         /* paused by an outage and rescheduled */
    const struct mnode *mn = &r->m->nodes[n];
    touch_node(r, n);
    touch_hold(r, mn->out_hold);
    s->busy = false;
    ns->busy--;
    ns->load -= s->share;
    if (ns->busy == 0)
        ns->load = 0;                   /* no rounding dust when idle */
    ns->inproc -= s->qty;
    if (ns->inproc < EPS)
        ns->inproc = 0;
    ns->produced += s->qty;
    r->h[mn->out_hold].on_hand += s->qty;
    add_output(r, n, s->qty);
    serve_queue(r, mn->out_hold);
    try_start(r, n);
}

/* ------------------------------------------------------------- outages */

static void cancel_waiting(struct rp_run *r, uint32_t e);

/*
 * Supplier n went down or came back: customers move the orders that wait
 * at a down supplier to sources that can ship, and makers whose kit is
 * complete again resume ordering.
 */
static void reroute(struct rp_run *r, uint32_t n, bool down)
{
    const struct rp_model *m = r->m;
    for (uint32_t e = 0; e < m->nedges; e++) {
        if (m->edges[e].supplier != n)
            continue;
        uint32_t h = m->edges[e].hold;
        const struct hold *hd = &m->holds[h];
        if (down) {
            if (hold_has_ready_edge(r, h))
                cancel_waiting(r, e);
            continue;
        }
        for (uint32_t i = 0; i < hd->nedges; i++) {
            uint32_t e2 = hd->edge0 + i;
            if (e2 != e && !node_up(r, m->edges[e2].supplier))
                cancel_waiting(r, e2);
        }
        if (hd->role == ROLE_INPUT)
            replenish_inputs(r, hd->node);
        else
            replenish(r, h);
    }
}

static void set_down(struct rp_run *r, uint32_t n, bool down)
{
    struct node_st *ns = &r->n[n];
    const struct mnode *mn = &r->m->nodes[n];
    touch_node(r, n);
    if (down) {
        if (ns->down++ > 0)
            return;
        ns->epoch++;                    /* pending completions are stale now */
        for (uint32_t k = 0; k < mn->sc->make.servers && mn->out_hold != RP_NONE; k++) {
            struct server *s = &r->srv[mn->server0 + k];
            if (s->busy)
                s->remaining = s->end - r->now;
        }
        if (ns->busy > 0 || !ns->starved || ns->stop_pending)
            ns->stoppages += mn->out_hold != RP_NONE && maker_need(r, n) > EPS;
        if (ns->starved)
            set_starved(r, n, false, RP_NONE);
        reroute(r, n, true);
        return;
    }
    assert(ns->down > 0);
    if (--ns->down > 0)
        return;
    for (uint32_t k = 0; k < mn->sc->make.servers && mn->out_hold != RP_NONE; k++) {
        struct server *s = &r->srv[mn->server0 + k];
        if (s->busy) {
            s->end = r->now + s->remaining;
            push(r, s->end, RP_CLASS_ARRIVAL, EV_BATCH_DONE, n,
                 mn->server0 + k, ns->epoch, s->qty, 0);
        }
    }
    /* What waited for the node ships now; production resumes. */
    for (uint32_t h = 0; h < r->m->nholds; h++)
        if (r->m->holds[h].node == n)
            serve_queue(r, h);
    if (mn->out_hold != RP_NONE)
        try_start(r, n);
    reroute(r, n, false);
}

static void on_fail(struct rp_run *r, uint32_t n)
{
    struct node_st *ns = &r->n[n];
    const struct mnode *mn = &r->m->nodes[n];
    if (r->now >= r->warmup) {
        ns->outages += 1;
        if (ns->up_since >= r->warmup) {
            ns->up_sum += r->now - ns->up_since;
            ns->n_up += 1;
        }
    }
    if (isnan(ns->first_outage))
        ns->first_outage = r->now;
    ns->down_since = r->now;
    set_down(r, n, true);
    push(r, r->now + draw(r, &mn->sc->outages.lasts, mn->down_stream),
         RP_CLASS_STATE, EV_RESTORE, n, 0, 0, 0, 0);
}

static void on_restore(struct rp_run *r, uint32_t n)
{
    struct node_st *ns = &r->n[n];
    const struct mnode *mn = &r->m->nodes[n];
    if (ns->down_since >= r->warmup) {
        ns->down_sum += r->now - ns->down_since;
        ns->n_down += 1;
    }
    ns->up_since = r->now;
    set_down(r, n, false);
    push(r, r->now + draw(r, &mn->sc->outages.every, mn->up_stream),
         RP_CLASS_STATE, EV_FAIL, n, 0, 0, 0, 0);
}

/* --------------------------------------------------------- disruptions */

/* Share of an order a ban lets through edge e: the product over active bans. */
static double edge_pass(const struct rp_run *r, uint32_t e)
{
    const struct rp_model *m = r->m;
    double pass = 1;
    for (size_t k = 0; k < m->nevents; k++) {
        const struct mevent *me = &m->events[k];
        if (!r->ev[k].active || me->sc->type != RP_EVENT_EXPORT_BAN)
            continue;
        for (uint32_t i = 0; i < me->nedges; i++)
            if (m->event_edges[me->edge0 + i] == e)
                pass *= 1 - me->sc->severity;
    }
    return pass;
}

/* Orders waiting at the supplier over a now-closed edge go back to the customer. */
static void cancel_waiting(struct rp_run *r, uint32_t e)
{
    uint32_t sh = r->m->edges[e].supplier_hold;
    struct hold_st *ss = &r->h[sh];
    uint32_t prev = RP_NONE;
    double back = 0;
    bool lost_mode = false;
    for (uint32_t o = ss->q_head; o != RP_NONE;) {
        uint32_t next = r->orders[o].next;
        if (r->orders[o].edge == e) {
            back += r->orders[o].qty;
            lost_mode = r->orders[o].lost;
            unlink_order(r, ss, prev, o);
        } else {
            prev = o;
        }
        o = next;
    }
    if (back > EPS) {
        touch_hold(r, sh);
        ss->owed -= back;
        if (ss->owed < EPS)
            ss->owed = 0;
        order_failed(r, e, back, lost_mode);
    }
}

/* Shipments in transit over edge e are seized: they will never arrive. */
static void seize_in_transit(struct rp_run *r, uint32_t e)
{
    for (size_t i = 0; i < rp_evq_len(&r->q); i++) {
        struct rp_event *ev = rp_evq_at(&r->q, i);
        if ((ev->kind == EV_ARRIVAL || ev->kind == EV_LICENCE) && ev->a == e) {
            ev->kind = EV_NOP;
            r->h[r->m->edges[e].hold].transit -= ev->qty;
            r->h[r->m->edges[e].hold].on_order -= ev->qty;
            if (r->h[r->m->edges[e].hold].on_order < EPS)
                r->h[r->m->edges[e].hold].on_order = 0;
        }
    }
}

static void arm_backups(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        const struct edge *ed = &r->m->edges[e];
        if (!ed->backup || r->e[e].qualified || r->e[e].pending)
            continue;
        r->e[e].pending = true;
        double t = draw(r, ed->qualify, ed->qualify_stream);
        if (t <= 0) {
            r->e[e].qualified = true;
            continue;
        }
        push(r, r->now + t, RP_CLASS_STATE, EV_QUALIFY, e, 0, 0, 0, 0);
    }
}

/* A source of h opened (a ban ended, a backup qualified): order again. */
static void release_held(struct rp_run *r, uint32_t h)
{
    struct hold_st *hs = &r->h[h];
    const struct hold *hd = &r->m->holds[h];
    if (hs->held > 0) {
        hs->on_order -= hs->held;
        if (hs->on_order < EPS)
            hs->on_order = 0;
        hs->held = 0;
    }
    review_now(r, h);
    if (hd->role == ROLE_INPUT)
        replenish_inputs(r, hd->node);  /* the whole kit may be complete again */
}

static void on_dis(struct rp_run *r, uint32_t k, bool start)
{
    const struct rp_model *m = r->m;
    const struct mevent *me = &m->events[k];
    const struct rp_disruption *d = me->sc;
    r->ev[k].active = start;

    switch (d->type) {
    case RP_EVENT_EXPORT_BAN:
        for (uint32_t i = 0; i < me->nedges; i++) {
            uint32_t e = m->event_edges[me->edge0 + i];
            r->e[e].pass = edge_pass(r, e);
            if (start && r->e[e].pass <= EPS) {
                cancel_waiting(r, e);
                if (d->in_transit == RP_IN_TRANSIT_SEIZE)
                    seize_in_transit(r, e);
            }
        }
        for (uint32_t i = 0; i < me->nedges; i++) {
            uint32_t h = m->edges[m->event_edges[me->edge0 + i]].hold;
            if (start)
                arm_backups(r, h);
            release_held(r, h);
        }
        break;
    case RP_EVENT_EXPORT_LICENCE:
        for (uint32_t i = 0; i < me->nedges; i++) {
            uint32_t e = m->event_edges[me->edge0 + i];
            if (start && r->e[e].licence == RP_NONE)
                r->e[e].licence = k;
            else if (!start && r->e[e].licence == k)
                r->e[e].licence = RP_NONE;
        }
        break;
    case RP_EVENT_OUTAGE:
        set_down(r, d->node, start);
        break;
    case RP_EVENT_CAPACITY:
        if (m->nodes[d->node].out_hold != RP_NONE) {
            if (r->n[d->node].starved)
                set_starved(r, d->node, true, r->n[d->node].starve_input);
            try_start(r, d->node);
        }
        break;
    case RP_EVENT_DEMAND:
        break;                          /* read at each demand */
    }
}

static void on_qualify(struct rp_run *r, uint32_t e)
{
    r->e[e].qualified = true;
    release_held(r, r->m->edges[e].hold);
}

static void on_licence(struct rp_run *r, const struct rp_event *ev)
{
    uint32_t e = ev->a;
    const struct edge *ed = &r->m->edges[e];
    uint32_t k = r->e[e].licence;     /* RP_NONE: the licence ended meanwhile */
    double approval = 1;
    int32_t stream = -1;
    if (k != RP_NONE) {
        approval = r->m->events[k].sc->approval;
        stream = r->m->events[k].approval_stream;
    }
    double u = stream >= 0 ? gsl_rng_uniform(r->streams[stream]) : 0;
    if (u < approval) {
        double lead = draw(r, ed->lead, ed->lead_stream);
        push(r, r->now + lead, RP_CLASS_ARRIVAL, EV_ARRIVAL, e, ev->b, 0, ev->qty, ev->t0);
        return;
    }
    /* Refused: the goods go back to the supplier's stock; the customer re-orders. */
    uint32_t sh = ed->supplier_hold;
    r->h[ed->hold].transit -= ev->qty;
    if (r->h[ed->hold].transit < EPS)
        r->h[ed->hold].transit = 0;
    touch_hold(r, sh);
    if (r->m->holds[sh].role != ROLE_UNLIMITED)
        r->h[sh].on_hand += ev->qty;
    r->h[sh].delivered -= ev->qty;
    serve_queue(r, sh);
    order_failed(r, e, ev->qty, false);
}

/* -------------------------------------------------------- demand, goods */

static void on_demand(struct rp_run *r, uint32_t n)
{
    const struct mnode *mn = &r->m->nodes[n];
    const struct rp_demand *dm = &mn->sc->demand;
    uint32_t h = mn->main_hold;
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    bool lost_mode = dm->unmet == RP_UNMET_LOST;

    double qty = draw(r, &dm->size, mn->size_stream) * node_mult(r, n, RP_EVENT_DEMAND);
    push(r, r->now + draw(r, &dm->every, mn->every_stream), RP_CLASS_DEMAND,
         EV_DEMAND, n, 0, 0, 0, 0);
    if (qty <= EPS)
        return;

    if (hd->passthrough) {
        /*
         * No stock: the demand goes upstream as an order at once. The
         * market falls short when its suppliers cannot serve all of it from
         * stock there and then (no open source, a backlog, lost sales).
         */
        hs->demand += qty;
        r->filled_now = 0;              /* place_order serves only this demand */
        double ordered = hs->on_order;
        double lost = place_order(r, h, qty, lost_mode);
        if (lost_mode) {
            /* what could not even be ordered (no open source) is lost too */
            double placed = hs->on_order - ordered;
            lost = qty - (placed > 0 ? placed : 0);
        }
        double wait = qty - lost;
        if (lost > EPS)
            hs->lost += lost;
        else
            lost = 0;
        if (qty - r->filled_now > EPS)
            shortfall(r, n);
        if (wait > EPS) {
            touch_hold(r, h);
            hs->owed += wait;
            enqueue(r, h, wait, RP_NONE, r->now, false);
        }
        return;
    }
    order_arrives(r, h, RP_NONE, qty, lost_mode);
}

static void on_arrival(struct rp_run *r, const struct rp_event *ev)
{
    const struct edge *ed = &r->m->edges[ev->a];
    uint32_t h = ed->hold;
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];

    touch_hold(r, h);
    hs->on_order -= ev->qty;
    if (hs->on_order < EPS)
        hs->on_order = 0;
    hs->transit -= ev->qty;
    if (hs->transit < EPS)
        hs->transit = 0;
    hs->on_hand += ev->qty;
    hs->cyc_sum += ev->qty * (r->now - ev->t0);
    hs->cyc_qty += ev->qty;
    if (hd->passthrough && ev->b)
        hs->from_stock += ev->qty;
    switch (hd->role) {
    case ROLE_INPUT:
        try_start(r, hd->node);
        break;
    case ROLE_DEMAND:
    case ROLE_STOCK:
    case ROLE_OUTPUT:
        serve_queue(r, h);
        replenish(r, h);
        break;
    case ROLE_UNLIMITED:
        break;
    }
}

/* ------------------------------------------------------------ the loop */

/*
 * Units holding h has fallen short by so far: lost, plus owed and not yet
 * shipped. A pass-through market is owed what is on its way to it too;
 * only what its suppliers have not shipped is short.
 */
static double shortfall_level(const struct rp_run *r, uint32_t h)
{
    const struct hold_st *hs = &r->h[h];
    double owed = hs->owed;
    if (r->m->holds[h].passthrough)
        owed = hs->owed > hs->transit + EPS ? hs->owed - hs->transit : 0;
    return hs->lost + owed;
}

static void on_day(struct rp_run *r, uint32_t day)
{
    const struct rp_model *m = r->m;
    for (uint32_t n = 0; n < m->nnodes; n++) {
        const struct mnode *mn = &m->nodes[n];
        if (mn->day_slot < 0 || mn->main_hold == RP_NONE)
            continue;
        r->sf_day[(size_t)mn->day_slot * m->ndays + day] =
            shortfall_level(r, mn->main_hold);
    }
    if (day + 1 < m->ndays)             /* day d ends at time d + 1 */
        push(r, fmin(day + 2.0, m->sc->horizon), RP_CLASS_END, EV_DAY,
             day + 1, 0, 0, 0, 0);
}

static void reset_counters(struct rp_run *r)
{
    const struct rp_model *m = r->m;
    for (uint32_t h = 0; h < m->nholds; h++) {
        touch_hold(r, h);
        struct hold_st *hs = &r->h[h];
        hs->oh_int = hs->owed_int = hs->out_int = 0;
        hs->demand = hs->delivered = hs->lost = hs->from_stock = 0;
        hs->cyc_sum = hs->cyc_qty = hs->starved = 0;
    }
    for (uint32_t n = 0; n < m->nnodes; n++) {
        touch_node(r, n);
        struct node_st *ns = &r->n[n];
        ns->busy_int = ns->down_int = ns->starve_int = 0;
        ns->produced = ns->stoppages = 0;
    }
}

void rp_run_start(struct rp_run *r, uint64_t seed, uint64_t rep)
{
    const struct rp_model *m = r->m;
    const struct rp_scenario *sc = m->sc;

    rp_evq_clear(&r->q);
    for (size_t i = 0; i < m->nstreams; i++)
        rp_rng_rekey(r->streams[i], rp_key(seed, rep, m->stream_keys[i]));
    r->now = 0;
    r->warmup = sc->warmup;
    r->nevents = 0;
    r->nwork = 0;
    r->status = RP_RUN_OK;
    r->done = false;
    r->norders = 0;
    r->free_order = RP_NONE;
    r->work_head = r->work_len = 0;
    memset(r->work_pending, 0, r->work_cap * sizeof *r->work_pending);

    for (uint32_t h = 0; h < m->nholds; h++) {
        r->h[h] = (struct hold_st){ .q_head = RP_NONE, .q_tail = RP_NONE };
        r->h[h].on_hand = m->holds[h].role == ROLE_UNLIMITED ? 0 : m->holds[h].initial;
    }
    for (uint32_t n = 0; n < m->nnodes; n++) {
        r->n[n] = (struct node_st){ .starve_input = RP_NONE, .first_outage = NAN };
    }
    for (uint32_t e = 0; e < m->nedges; e++)
        r->e[e] = (struct edge_st){ .pass = 1, .licence = RP_NONE };
    memset(r->srv, 0, (m->nservers + 1) * sizeof *r->srv);
    for (size_t i = 0; i < m->nevents * m->nnodes; i++)
        r->tts[i] = NAN;
    if (m->daily) {
        memset(r->out_day, 0, m->nday_nodes * m->ndays * sizeof *r->out_day);
        memset(r->sf_day, 0, m->nday_nodes * m->ndays * sizeof *r->sf_day);
    }

    /* Warm-up first, so that everything at its time counts; the horizon last. */
    if (sc->warmup > 0)
        push(r, sc->warmup, RP_CLASS_ARRIVAL, EV_WARMUP, 0, 0, 0, 0, 0);
    push(r, sc->horizon, RP_CLASS_END, EV_HORIZON, 0, 0, 0, 0, 0);
    if (m->daily)
        push(r, m->sc->horizon < 1 ? m->sc->horizon : 1, RP_CLASS_END, EV_DAY, 0, 0, 0, 0, 0);

    for (uint32_t k = 0; k < m->nevents; k++) {
        const struct mevent *me = &m->events[k];
        double s = draw(r, &me->sc->start, me->start_stream);
        double d = draw(r, &me->sc->duration, me->duration_stream);
        r->ev[k] = (struct ev_st){ .start = s, .end = s + d, .active = false };
        push(r, s, RP_CLASS_STATE, EV_DIS_START, k, 0, 0, 0, 0);
        if (isfinite(d))
            push(r, s + d, RP_CLASS_STATE, EV_DIS_END, k, 0, 0, 0, 0);
    }
    for (uint32_t n = 0; n < m->nnodes; n++) {
        const struct mnode *mn = &m->nodes[n];
        if (mn->sc->demand.product != RP_NONE)
            push(r, draw(r, &mn->sc->demand.every, mn->every_stream),
                 RP_CLASS_DEMAND, EV_DEMAND, n, 0, 0, 0, 0);
        if (mn->sc->outages.present)
            push(r, draw(r, &mn->sc->outages.every, mn->up_stream),
                 RP_CLASS_STATE, EV_FAIL, n, 0, 0, 0, 0);
    }
    for (uint32_t h = 0; h < m->nholds; h++)
        if (m->holds[h].review > 0 && m->holds[h].nedges)
            push(r, 0, RP_CLASS_REVIEW, EV_REVIEW, h, 0, 0, 0, 0);
    /*
     * Makers start and holdings order at time 0 as an event of the state
     * class pushed after the disruptions, so that a ban starting at 0 is
     * already in force when the first orders go out.
     */
    push(r, 0, RP_CLASS_STATE, EV_KICKOFF, 0, 0, 0, 0, 0);
}

static void kickoff(struct rp_run *r)
{
    const struct rp_model *m = r->m;
    for (uint32_t n = 0; n < m->nnodes; n++)
        if (m->nodes[n].out_hold != RP_NONE)
            try_start(r, n);
    for (uint32_t h = 0; h < m->nholds; h++)
        replenish(r, h);
}

static void step(struct rp_run *r, const struct rp_event *ev)
{
    switch ((enum ev_kind)ev->kind) {
    case EV_ARRIVAL:
        on_arrival(r, ev);
        break;
    case EV_BATCH_DONE:
        on_batch_done(r, ev);
        break;
    case EV_DEMAND:
        on_demand(r, ev->a);
        break;
    case EV_FAIL:
        on_fail(r, ev->a);
        break;
    case EV_RESTORE:
        on_restore(r, ev->a);
        break;
    case EV_DIS_START:
        on_dis(r, ev->a, true);
        break;
    case EV_DIS_END:
        on_dis(r, ev->a, false);
        break;
    case EV_QUALIFY:
        on_qualify(r, ev->a);
        break;
    case EV_LICENCE:
        on_licence(r, ev);
        break;
    case EV_REVIEW:
        review_now(r, ev->a);
        push(r, r->now + r->m->holds[ev->a].review, RP_CLASS_REVIEW, EV_REVIEW,
             ev->a, 0, 0, 0, 0);
        break;
    case EV_DAY:
        on_day(r, ev->a);
        break;
    case EV_WARMUP:
        reset_counters(r);
        break;
    case EV_HORIZON:
        r->done = true;
        break;
    case EV_NOP:
        break;
    case EV_KICKOFF:
        kickoff(r);
        break;
    }
}

void rp_run_until(struct rp_run *r, double t)
{
    struct rp_event ev;
    while (!r->done) {
        const struct rp_event *next = rp_evq_peek(&r->q);
        if (!next || next->time > t)
            break;
        if (r->max_steps && r->nevents + r->nwork >= r->max_steps) {
            over_budget(r);
            break;
        }
        rp_evq_pop(&r->q, &ev);
        assert(ev.time >= r->now);      /* time never runs backwards */
        r->now = ev.time;
        r->nevents++;
        step(r, &ev);
        work_drain(r);
    }
    if (!r->done && t > r->now && t <= r->m->sc->horizon)
        r->now = t;
}

/* ------------------------------------------------------------- results */

/*
 * Days from an event's start until the node's output is back to 95% of its
 * level over the 30 days before, judged from the node's first shortfall
 * after the event (tts days after its start): 0 if it never fell short, tts
 * if its output never dipped below that level, the rest of the horizon if
 * it never came back. Output is judged on a trailing 7-day mean, so that
 * batch-by-batch lumpiness does not count as a fall; and only after a
 * shortfall, so that ordinary ups and downs of demand do not either.
 */
static double recovery_time(const struct rp_run *r, uint32_t n, double start,
                            double tts)
{
    const struct rp_model *m = r->m;
    const struct mnode *mn = &m->nodes[n];
    double horizon = m->sc->horizon;
    if (!(start < horizon) || mn->day_slot < 0)
        return 0;
    if (isnan(tts))
        return 0;                       /* never fell short */
    const double *out = &r->out_day[(size_t)mn->day_slot * m->ndays];
    size_t s = (size_t)floor(start);
    size_t from = s > TTR_PRE_DAYS ? s - TTR_PRE_DAYS : 0;
    if (s <= from)
        return 0;                       /* no history to compare against */
    double pre = 0;
    for (size_t d = from; d < s; d++)
        pre += out[d];
    pre /= (double)(s - from);
    if (pre <= 0)
        return 0;
    bool fell = false;
    double window = 0;
    size_t short_day = (size_t)floor(start + tts);
    for (size_t d = short_day >= TTR_WINDOW ? short_day - TTR_WINDOW : 0;
         d < short_day; d++)
        window += out[d];
    for (size_t d = short_day; d < m->ndays; d++) {
        window += out[d];
        if (d >= TTR_WINDOW)
            window -= out[d - TTR_WINDOW];
        double mean = window / TTR_WINDOW;
        if (!fell && mean < TTR_LEVEL * pre)
            fell = true;
        else if (fell && mean >= TTR_LEVEL * pre)
            return (double)d + 1 - start;
        else if (!fell && d >= short_day + TTR_WINDOW)
            return tts;                 /* the shortfall never dented output */
    }
    return fell ? horizon - start : tts;
}

static double hold_value(const struct rp_run *r, uint32_t h, enum rp_metric metric,
                         double span)
{
    const struct hold_st *hs = &r->h[h];
    const struct hold *hd = &r->m->holds[h];
    const struct node_st *ns = &r->n[hd->node];
    const struct mnode *mn = &r->m->nodes[hd->node];
    double servers = mn->sc->make.servers ? mn->sc->make.servers : 1;

    switch (metric) {
    case RP_M_DEMAND:
        return hs->demand;
    case RP_M_DELIVERED:
        return hs->delivered;
    case RP_M_UNMET:
        return shortfall_level(r, h);
    case RP_M_LOST:
        return hs->lost;
    case RP_M_FILL_RATE:
        return hs->demand > 0 ? hs->from_stock / hs->demand : 1;
    case RP_M_STOCKOUT:
        return span > 0 ? hs->out_int / span : 0;
    case RP_M_ON_HAND:
        return span > 0 ? hs->oh_int / span : hs->on_hand;
    case RP_M_BACKORDERS:
        return span > 0 ? hs->owed_int / span : hs->owed;
    case RP_M_CYCLE_TIME:
        return hs->cyc_qty > 0 ? hs->cyc_sum / hs->cyc_qty : 0;
    case RP_M_WIP:
        /* Units ordered and not yet made: in process, plus what waits beyond it. */
        return span > 0 ? hs->owed_int / span : hs->owed;
    case RP_M_PRODUCED:
        return ns->produced;
    case RP_M_STARVED:
        return hd->role == ROLE_OUTPUT ? ns->starve_int : hs->starved;
    case RP_M_UTILIZATION:
        return span > 0 ? ns->busy_int / span / servers : 0;
    case RP_M_STOPPAGES:
        return ns->stoppages;
    case RP_M_DOWN:
        return span > 0 ? ns->down_int / span : 0;
    case RP_M_OUTAGES:
        return ns->outages;
    case RP_M_MTBF:
        return ns->n_up > 0 ? ns->up_sum / ns->n_up : 0;
    case RP_M_MTTR:
        return ns->n_down > 0 ? ns->down_sum / ns->n_down : 0;
    case RP_M_FIRST_OUTAGE:
        return isnan(ns->first_outage) ? r->m->sc->horizon : ns->first_outage;
    case RP_M_TTS:
    case RP_M_TTR:
    case RP_M_TTR_GT_TTS:
    case RP_M_COUNT:
        break;
    }
    return 0;
}

/* Group figures: sums of the members' holdings, rates recomputed from sums, shares averaged. */
static double group_value(const struct rp_run *r, uint32_t g,
                          enum rp_metric metric, double span)
{
    const struct rp_model *m = r->m;
    double sum = 0, demand = 0, served = 0;
    uint32_t count = m->group_hold0[g + 1] - m->group_hold0[g];
    for (uint32_t i = m->group_hold0[g]; i < m->group_hold0[g + 1]; i++) {
        uint32_t h = m->group_holds[i];
        switch (metric) {
        case RP_M_FILL_RATE:
            demand += r->h[h].demand;
            served += r->h[h].from_stock;
            break;
        case RP_M_PRODUCED:
        case RP_M_STARVED:
        case RP_M_WIP:
        case RP_M_UTILIZATION:
            if (r->m->holds[h].role == ROLE_OUTPUT)
                sum += hold_value(r, h, metric, span);
            break;
        default:
            sum += hold_value(r, h, metric, span);
        }
    }
    if (metric == RP_M_FILL_RATE)
        return demand > 0 ? served / demand : 1;
    if ((metric == RP_M_UTILIZATION || metric == RP_M_DOWN) && count)
        return sum / (double)count;
    return sum;
}

uint64_t rp_run_finish(struct rp_run *r, double *out, double *series)
{
    const struct rp_model *m = r->m;
    const struct rp_scenario *sc = m->sc;

    rp_run_until(r, sc->horizon);
    if (r->status == RP_RUN_OK)
        r->now = sc->horizon;
    for (uint32_t h = 0; h < m->nholds; h++)
        touch_hold(r, h);
    for (uint32_t n = 0; n < m->nnodes; n++)
        touch_node(r, n);
    if (m->daily)
        on_day(r, (uint32_t)(m->ndays - 1));
    /* A replication stopped by its budget is measured up to where it got. */
    double end = r->status == RP_RUN_OK ? sc->horizon : r->now;
    double span = end > sc->warmup ? end - sc->warmup : 0;

    for (size_t i = 0; i < m->nvalues && out; i++) {
        const struct rp_value_desc *v = &m->values[i];
        double x = 0;
        switch (v->scope) {
        case RP_SCOPE_NODE:
            x = hold_value(r, m->value_hold[i], v->metric, span);
            break;
        case RP_SCOPE_GROUP:
            x = group_value(r, v->owner, v->metric, span);
            break;
        case RP_SCOPE_EVENT: {
            double start = r->ev[v->owner].start;
            double tts = r->tts[v->owner * m->nnodes + v->node];
            double left = sc->horizon - start;
            double ttr = recovery_time(r, v->node, start, tts);
            if (isnan(tts))
                tts = left > 0 ? left : 0;     /* censored: survived to the horizon */
            if (v->metric == RP_M_TTS)
                x = tts;
            else if (v->metric == RP_M_TTR)
                x = ttr;
            else
                x = ttr > tts ? 1 : 0;
            break;
        }
        }
        out[i] = x;
    }
    if (series && m->series) {
        size_t nd = m->ndays;
        for (uint32_t g = 0; g < sc->nreport_groups; g++) {
            double *o = &series[(g * 2 + 0) * nd];
            double *f = &series[(g * 2 + 1) * nd];
            memset(o, 0, nd * sizeof *o);
            memset(f, 0, nd * sizeof *f);
            const struct rp_report_group *rg = &sc->report_groups[g];
            for (size_t i = 0; i < rg->nnodes; i++) {
                const struct mnode *mn = &m->nodes[rg->nodes[i]];
                if (mn->day_slot < 0)
                    continue;
                const double *od = &r->out_day[(size_t)mn->day_slot * nd];
                const double *sd = &r->sf_day[(size_t)mn->day_slot * nd];
                for (size_t d = 0; d < nd; d++) {
                    o[d] += od[d];
                    f[d] += sd[d];
                }
            }
        }
    }
    return r->nevents;
}

uint64_t rp_run_replicate(struct rp_run *r, uint64_t seed, uint64_t rep,
                          double *out, double *series)
{
    rp_run_start(r, seed, rep);
    return rp_run_finish(r, out, series);
}

double rp_run_on_hand(const struct rp_run *r, uint32_t n, uint32_t p)
{
    uint32_t h = rp_model_find_hold(r->m, n, p);
    return h == RP_NONE ? 0 : r->h[h].on_hand;
}

double rp_run_on_order(const struct rp_run *r, uint32_t n, uint32_t p)
{
    uint32_t h = rp_model_find_hold(r->m, n, p);
    return h == RP_NONE ? 0 : r->h[h].on_order;
}

double rp_run_owed(const struct rp_run *r, uint32_t n, uint32_t p)
{
    uint32_t h = rp_model_find_hold(r->m, n, p);
    return h == RP_NONE ? 0 : r->h[h].owed;
}

double rp_run_now(const struct rp_run *r)
{
    return r->now;
}

void rp_run_set_budget(struct rp_run *r, uint64_t max_steps)
{
    r->max_steps = max_steps;
}

enum rp_run_status rp_run_status(const struct rp_run *r)
{
    return r->status;
}
