/*
 * engine_orders.c - orders: placing and splitting them over sources,
 * shipping, backlogs, stock policies; customer demand and arriving
 * shipments.
 *
 * Costs: a placement walks the holding's edges. Serving a backlog by the
 * allocation rules is engine_alloc.c's.
 */
#include "engine_impl.h"

#include <math.h>
#include <stdlib.h>

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

/* Takes order o, which follows prev (RP_NONE: o is first), out of h's backlog q. */
void rp_eng_unlink_order(struct rp_run *r, uint32_t h, struct oqueue *q,
                         uint32_t prev, uint32_t o)
{
    uint32_t next = r->orders[o].next;
    if (prev == RP_NONE)
        q->head = next;
    else
        r->orders[prev].next = next;
    if (q->tail == o)
        q->tail = prev;
    if (q == &r->h[h].hq) {
        r->h[h].nhedge--;
        r->h[h].hedged -= r->orders[o].qty;
        if (r->h[h].nhedge == 0)
            r->h[h].hedged = 0;         /* no rounding left behind */
    } else {
        r->h[h].nwait--;
    }
    order_free(r, o);
}

/*
 * Adds an order to h's backlog, or a hedge to its hedge queue: hedges wait
 * apart, so that the allocation rules never see them (rp_eng_serve).
 */
static void enqueue(struct rp_run *r, uint32_t h, double qty, uint32_t edge,
                    double t0, bool lost, bool hedge)
{
    struct hold_st *hs = &r->h[h];
    struct oqueue *q = hedge ? &hs->hq : rp_eng_queue(r, h, rp_eng_edge_class(r, h, edge));
    if (hedge && hs->nhedge == 0)
        *q = (struct oqueue){ RP_NONE, RP_NONE };
    uint32_t o = order_new(r);
    r->orders[o] = (struct order){
        .qty = qty, .t0 = t0, .edge = edge, .next = RP_NONE, .lost = lost,
        .hedge = hedge,
    };
    if (q->tail == RP_NONE)
        q->head = o;
    else
        r->orders[q->tail].next = o;
    q->tail = o;
    if (hedge) {
        hs->nhedge++;
        hs->hedged += qty;
    } else {
        hs->nwait++;
    }
}

/*
 * Goods appeared at h or it came back up: waiting orders are served by the
 * allocation rule, then hedges, first come first served, from what is
 * spare once no order waits (rp_eng_spare: stock above the level). A hedge
 * is a call on spare supply: it never takes goods from an order, whoever
 * placed it, nor the stock kept for the next ones.
 */
void rp_eng_serve(struct rp_run *r, uint32_t h)
{
    struct hold_st *hs = &r->h[h];
    rp_eng_serve_queue(r, h);
    double spare;
    while (hs->nhedge && hs->nwait == 0 && node_up(r, r->m->holds[h].node)
           && (spare = rp_eng_spare(r, h)) > EPS) {
        uint32_t o = hs->hq.head;
        struct order *od = &r->orders[o];
        double qty = od->qty < spare ? od->qty : spare;
        rp_eng_ship(r, h, od, qty, false);
        hs->hedged -= qty;
        if (od->qty > EPS)
            break;
        rp_eng_unlink_order(r, h, &hs->hq, RP_NONE, o);
    }
}

/* Supplier holding sh owes qty less: orders withdrawn, or turned into hedges. */
void rp_eng_owe_less(struct rp_run *r, uint32_t sh, double qty)
{
    struct hold_st *ss = &r->h[sh];
    touch_hold(r, sh);
    ss->owed -= qty;
    if (ss->owed < EPS)
        ss->owed = 0;
    rp_eng_note_owed(r, sh);
}

/*
 * The orders waiting over edge e at its supplier become hedges (licence
 * hedging has started for its customer): they leave the backlog, and what
 * the supplier owes, for its hedge queue. Returns their amount.
 */
double rp_eng_hedge_orders(struct rp_run *r, uint32_t e)
{
    uint32_t sh = r->m->edges[e].supplier_hold;
    struct oqueue *q = rp_eng_queue(r, sh, rp_eng_edge_class(r, sh, e));
    uint32_t prev = RP_NONE;
    double moved = 0;
    for (uint32_t o = q->head; o != RP_NONE;) {
        struct order od = r->orders[o];
        if (od.edge == e) {
            rp_eng_unlink_order(r, sh, q, prev, o);
            enqueue(r, sh, od.qty, e, od.t0, false, true);
            moved += od.qty;
        } else {
            prev = o;
        }
        o = od.next;
    }
    if (moved > EPS)
        rp_eng_owe_less(r, sh, moved);
    return moved;
}

/* Inventory position: on hand + on order - what is owed (for inputs: what planned production needs). */
static double position(const struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    const struct hold_st *hs = &r->h[h];
    double owed = hd->role == ROLE_INPUT ? hd->bom * rp_eng_input_need(r, hd->node)
                                         : hs->owed;
    return hs->on_hand + hs->on_order - owed;
}

/*
 * The customer of an order learns that qty of it will never come (lost at
 * the supplier, cancelled by a ban, refused a licence). A pass-through
 * market loses that part of its customers' demand; anyone else re-orders.
 */
void rp_eng_order_failed(struct rp_run *r, uint32_t e, double qty, bool lost_mode)
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
        rp_eng_note_owed(r, h);
        /* The newest final-customer orders are the ones this order served. */
        double left = qty;
        /* Trim from the tail: queues are short when sales are lost. */
        while (left > EPS && hs->q.tail != RP_NONE) {
            uint32_t t = hs->q.tail;
            struct order *ot = &r->orders[t];
            double cut = ot->qty < left ? ot->qty : left;
            ot->qty -= cut;
            left -= cut;
            if (ot->qty > EPS)
                break;
            uint32_t p = RP_NONE;       /* the tail's predecessor */
            for (uint32_t o = hs->q.head; o != t; o = r->orders[o].next)
                p = o;
            rp_eng_unlink_order(r, h, &hs->q, p, t);   /* a pass-through market: one queue */
        }
        rp_eng_shortfall(r, r->m->holds[h].node);
        return;
    }
    rp_eng_replenish(r, h);
}

/*
 * Sends goods over edge e: through a licence check if one applies, else in
 * transit. A hedge is not on order, so not in transit either.
 */
static void dispatch(struct rp_run *r, uint32_t e, double qty, double t0,
                     bool from_stock, bool hedge)
{
    const struct edge *ed = &r->m->edges[e];
    if (!hedge)
        r->h[ed->hold].transit += qty;
    r->h[ed->hold].spend += qty * ed->price;    /* bought as it ships (costs) */
    rp_eng_note_owed(r, ed->hold);
    if (r->e[e].licence != RP_NONE) {
        const struct mevent *me = &r->m->events[r->e[e].licence];
        double wait = draw(r, &me->delay);
        push(r, r->now + wait, EV_LICENCE, e, from_stock, hedge, qty, t0);
        return;
    }
    double lead = draw(r, &ed->lead);
    push(r, r->now + lead, EV_ARRIVAL, e, from_stock, hedge, qty, t0);
}

/* Ships qty of order o from supplier holding sh. */
void rp_eng_ship(struct rp_run *r, uint32_t sh, struct order *o, double qty,
                 bool from_stock)
{
    struct hold_st *ss = &r->h[sh];
    touch_hold(r, sh);
    if (r->m->holds[sh].role != ROLE_UNLIMITED)
        ss->on_hand -= qty;
    if (ss->on_hand < EPS && ss->on_hand > -EPS)
        ss->on_hand = 0;
    if (!o->hedge) {                    /* a hedge was never owed */
        ss->owed -= qty;
        if (ss->owed < EPS)
            ss->owed = 0;
        rp_eng_note_owed(r, sh);
    }
    ss->delivered += qty;
    o->qty -= qty;
    if (o->edge != RP_NONE) {
        rp_eng_trig_note(r, o->edge, 0, qty);
        dispatch(r, o->edge, qty, o->t0, from_stock, o->hedge);
    }
    const struct hold *sd = &r->m->holds[sh];
    if (sd->role == ROLE_OUTPUT || sd->role == ROLE_DEMAND || sd->role == ROLE_STOCK)
        rp_eng_add_output(r, sd->node, sd->role == ROLE_OUTPUT ? 0 : qty);
}

/*
 * An order of qty arrives at supplier holding sh over edge e (RP_NONE for a
 * market's own customers). Served from stock at once if the supplier is up
 * and nobody waits before it; the rest waits, or is lost in lost-sales mode.
 * Returns the part lost.
 */
static double order_arrives(struct rp_run *r, uint32_t sh, uint32_t e,
                            double qty, bool lost_mode, bool hedge)
{
    const struct hold *sd = &r->m->holds[sh];
    struct hold_st *ss = &r->h[sh];
    uint32_t sn = sd->node;
    double served = 0;

    ss->demand += qty;
    struct order tmp = { .qty = qty, .t0 = r->now, .edge = e, .next = RP_NONE,
                         .lost = lost_mode, .hedge = hedge };
    if (node_up(r, sn) && ss->nwait == 0 && (!hedge || ss->nhedge == 0)) {
        double avail = hedge ? rp_eng_spare(r, sh)
                     : sd->role == ROLE_UNLIMITED ? qty : ss->on_hand;
        served = avail < qty ? avail : qty;
        if (served > EPS) {
            touch_hold(r, sh);
            if (!hedge)
                ss->owed += served;     /* ship() settles it */
            rp_eng_ship(r, sh, &tmp, served, true);
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
        } else if (hedge) {
            enqueue(r, sh, rest, e, r->now, false, true);
        } else {
            touch_hold(r, sh);
            ss->owed += rest;
            rp_eng_note_owed(r, sh);
            enqueue(r, sh, rest, e, r->now, false, false);
        }
        bool counts = hedge ? false
                    : sd->role == ROLE_UNLIMITED ? false
                    : sd->role == ROLE_OUTPUT ? r->m->nodes[sn].stock_keeping
                    : !sd->passthrough;
        if (counts)
            rp_eng_shortfall(r, sn);
    }
    if (sd->role == ROLE_OUTPUT)
        rp_eng_replan_maker(r, sn);
    else if (sd->role == ROLE_STOCK || sd->role == ROLE_DEMAND)
        rp_eng_replan_hold(r, sh);
    return lost;
}

/*
 * Sends an order of qty over edge e to its supplier: on the customer's
 * order book (a hedge is not), noted for triggers. Returns the part lost.
 */
static double send(struct rp_run *r, uint32_t e, double qty, bool lost_mode, bool hedge)
{
    const struct edge *ed = &r->m->edges[e];
    if (!hedge)
        r->h[ed->hold].on_order += qty;
    rp_eng_trig_note(r, e, qty, 0);
    return order_arrives(r, ed->supplier_hold, e, qty, lost_mode, hedge);
}

/*
 * Hedging: what a restricted source was not given as an order of its part
 * (rp_eng_cap_takeover) it gets as a hedge. A hedge counts in h's position only
 * once it arrives, so it never crowds out the open sources, and waits at
 * the supplier behind every order (rp_eng_serve); what a licence refuses
 * of it is not re-ordered. Orders that became hedges (hedge_waiting) were
 * re-ordered from the open sources: those re-orders' hedges exist already,
 * and the credit keeps them from being sent twice.
 */
static void send_hedges(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    double total = 0;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        const struct edge_st *es = &r->e[e];
        if (rp_eng_restricted_live(r, e) && es->plain - es->w - es->wr > EPS)
            total += es->plain - es->w - es->wr;
    }
    double take = total < hs->hedge_credit ? total : hs->hedge_credit;
    hs->hedge_credit -= take;
    for (uint32_t i = 0; i < hd->nedges && total - take > EPS; i++) {
        uint32_t e = hd->edge0 + i;
        const struct edge_st *es = &r->e[e];
        double hedge = (es->plain - es->w - es->wr) * (1 - take / total);
        if (rp_eng_restricted_live(r, e) && hedge > EPS)
            send(r, e, hedge, false, true);
    }
}

/* The lost part of an order will not come: it is no longer on order. */
static void forget_lost(struct hold_st *hs, double lost)
{
    if (lost > EPS) {
        hs->on_order -= lost;
        if (hs->on_order < EPS)
            hs->on_order = 0;
    }
}

/*
 * Is the whole of an order for h due to its one source, as the split would
 * find: one edge of share 1, active, open (no ban lets less through, no
 * licence), so no hedging, no refusal and no backup to cap? Then part =
 * qty x 1 / 1 = qty exactly, and placing it needs none of the split's
 * passes (the common case, and M/M/1's every order).
 */
static bool sole_open_source(const struct rp_run *r, const struct hold *hd)
{
    if (hd->nedges != 1)
        return false;
    uint32_t e = hd->edge0;
    const struct edge_st *es = &r->e[e];
    return r->m->edges[e].share == 1 && es->pass >= 1 && es->licence == RP_NONE
        && edge_active(r, e);
}

/*
 * Places an order of qty for holding h, split over its edges by
 * rp_eng_split_weights (the weights become this order's amounts, in place). Under
 * a partial ban the refused part goes to the open edges and qualified
 * backups, or is held (counted as ordered) until the ban ends; backups
 * take no more than they can supply (rp_eng_cap_backups). Under hedging the
 * restricted sources get hedges on top. Returns the part lost at
 * suppliers (lost-sales orders only).
 */
static double place_order(struct rp_run *r, uint32_t h, double qty, bool lost_mode)
{
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    if (sole_open_source(r, hd)) {
        hs->hedge_credit = 0;           /* no hedging: none to spare */
        double lost = qty > EPS ? send(r, hd->edge0, qty, lost_mode, false) : 0;
        forget_lost(hs, lost);
        return lost;
    }
    bool hedging = !lost_mode && rp_eng_hedging(r, h);
    if (hedging)
        rp_eng_plain_parts(r, h, qty);
    else
        hs->hedge_credit = 0;           /* no hedges to spare any more */
    double open_total;
    double total = rp_eng_split_weights(r, h, hedging ? SPLIT_HEDGED : SPLIT_ACTIVE, &open_total);
    if (total <= EPS)
        return 0;                       /* no active source: wait until one is */
    double refused = 0, lost = 0;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        struct edge_st *es = &r->e[hd->edge0 + i];
        double part = qty * es->w / total;
        es->w = part * (es->pass < 1 ? es->pass : 1);
        refused += part - es->w;
    }
    bool spread = refused > EPS && open_total > EPS;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        struct edge_st *es = &r->e[hd->edge0 + i];
        es->wr = spread ? refused * es->wr / open_total : 0;
    }
    rp_eng_cap_backups(r, h, qty);
    if (hedging)
        rp_eng_cap_takeover(r, h, qty);
    for (uint32_t i = 0; i < hd->nedges; i++)
        if (r->e[hd->edge0 + i].w > EPS)
            lost += send(r, hd->edge0 + i, r->e[hd->edge0 + i].w, lost_mode, false);
    for (uint32_t i = 0; i < hd->nedges; i++)
        if (r->e[hd->edge0 + i].wr > 0)
            lost += send(r, hd->edge0 + i, r->e[hd->edge0 + i].wr, lost_mode, false);
    if (refused > EPS && !spread) {
        if (lost_mode) {
            lost += refused;
        } else {
            hs->held += refused;
            hs->on_order += refused;
        }
    }
    if (hedging)
        send_hedges(r, h);
    forget_lost(hs, lost);
    return lost;
}

/*
 * How much holding h's policy orders at position ip (0: nothing). While an
 * event that restricts one of its regular sources is known, a holding with
 * an alert orders up to its alert target instead (pre-buying).
 */
static double policy_qty(const struct rp_run *r, uint32_t h, double ip)
{
    const struct hold *hd = &r->m->holds[h];
    if (hd->has_alert && r->h[h].alerts > 0) {
        double target = hd->alert_level;
        if (hd->alert_follows)
            target *= rp_eng_cover_mult(r, hd);
        return ip < target - EPS ? target - ip : 0;
    }
    switch (hd->policy) {
    case RP_POLICY_BASE_STOCK: {
        double level = rp_eng_level(r, h);
        return ip < level - EPS ? level - ip : 0;
    }
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
void rp_eng_order_policy(struct rp_run *r, uint32_t h)
{
    double q = policy_qty(r, h, position(r, h));
    if (q > EPS)
        place_order(r, h, q, false);
}

/* As rp_eng_order_policy for an input, its maker's need already known. */
void rp_eng_order_input(struct rp_run *r, uint32_t h, double need)
{
    const struct hold *hd = &r->m->holds[h];
    const struct hold_st *hs = &r->h[h];
    double q = policy_qty(r, h, hs->on_hand + hs->on_order - hd->bom * need);
    if (q > EPS)
        place_order(r, h, q, false);
}

void rp_eng_review_now(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    if (!hd->nedges)
        return;
    if (hd->role == ROLE_INPUT && !rp_eng_kit_ready(r, hd->node))
        return;
    rp_eng_order_policy(r, h);
}

/* Continuous review: act on every change of position. */
void rp_eng_replenish(struct rp_run *r, uint32_t h)
{
    if (r->m->holds[h].review <= 0)
        rp_eng_review_now(r, h);
}

void rp_eng_on_demand(struct rp_run *r, uint32_t n)
{
    const struct mnode *mn = &r->m->nodes[n];
    uint32_t h = mn->main_hold;
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    bool lost_mode = mn->lost_sales;

    double qty = draw(r, &mn->demand_size) * rp_eng_node_mult(r, n, RP_EVENT_DEMAND);
    push(r, r->now + draw(r, &mn->demand_every), EV_DEMAND, n, 0, 0, 0, 0);
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
            rp_eng_shortfall(r, n);
        if (wait > EPS) {
            touch_hold(r, h);
            hs->owed += wait;
            rp_eng_note_owed(r, h);
            enqueue(r, h, wait, RP_NONE, r->now, false, false);
        }
        return;
    }
    order_arrives(r, h, RP_NONE, qty, lost_mode, false);
}

void rp_eng_on_arrival(struct rp_run *r, const struct rp_event *ev)
{
    const struct edge *ed = &r->m->edges[ev_edge(ev)];
    uint32_t h = ed->hold;
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];

    touch_hold(r, h);
    if (!ev_hedge(ev)) {                /* a hedge was never on order */
        hs->on_order -= ev->qty;
        if (hs->on_order < EPS)
            hs->on_order = 0;
        hs->transit -= ev->qty;
        if (hs->transit < EPS)
            hs->transit = 0;
    }
    rp_eng_note_owed(r, h);
    hs->on_hand += ev->qty;
    hs->cyc_sum += ev->qty * (r->now - ev->t0);
    hs->cyc_qty += ev->qty;
    if (hd->passthrough && ev_from_stock(ev))
        hs->from_stock += ev->qty;
    switch (hd->role) {
    case ROLE_INPUT:
        rp_eng_try_start(r, hd->node);
        break;
    case ROLE_DEMAND:
    case ROLE_STOCK:
    case ROLE_OUTPUT:
        rp_eng_serve(r, h);
        rp_eng_replenish(r, h);
        break;
    case ROLE_UNLIMITED:
        break;
    }
}
