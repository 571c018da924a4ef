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
    r->h[h].nwait--;
    order_free(r, o);
}

static void enqueue(struct rp_run *r, uint32_t h, double qty, uint32_t edge,
                    double t0, bool lost, bool hedge)
{
    struct oqueue *q = rp_eng_queue(r, h, rp_eng_edge_class(r, h, edge));
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
    r->h[h].nwait++;
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
    ss->owed -= qty;
    if (ss->owed < EPS)
        ss->owed = 0;
    rp_eng_note_owed(r, sh);
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
    if (node_up(r, sn) && ss->nwait == 0) {
        double avail = sd->role == ROLE_UNLIMITED ? qty : ss->on_hand;
        served = avail < qty ? avail : qty;
        if (served > EPS) {
            touch_hold(r, sh);
            ss->owed += served;         /* ship() settles it */
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
        } else {
            touch_hold(r, sh);
            ss->owed += rest;
            rp_eng_note_owed(r, sh);
            enqueue(r, sh, rest, e, r->now, false, hedge);
        }
        bool counts = sd->role == ROLE_UNLIMITED ? false
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
 * Is licensed edge e still a source, licence aside: not fully banned, and
 * for a backup qualified? (Once a backup is in, edge_active() says no to a
 * licensed regular source; for hedging it still is one.)
 */
static bool licensed_live(const struct rp_run *r, uint32_t e)
{
    const struct edge_st *es = &r->e[e];
    return es->licence != RP_NONE && es->pass > EPS
        && (!r->m->edges[e].backup || es->qualified);
}

/*
 * Licence hedging applies to holding h: one of its sources is under a
 * licence regime and another, not, is active (a qualified backup counts).
 * Then each licensed source is set aside in the split, as a full ban would
 * set it aside, and gets a hedge order besides (place_hedges). Not for a
 * pass-through market: it keeps no stock for a hedge to arrive to.
 * O(edges of h).
 */
bool rp_eng_hedging(const struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    bool licensed = false, open = false;
    if (hd->passthrough)
        return false;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (r->e[e].licence != RP_NONE)
            licensed = licensed || licensed_live(r, e);
        else
            open = open || edge_active(r, e);
    }
    return licensed && open;
}

/*
 * Which edges a split is over: the active ones (no hedging); the active
 * ones less the licensed (hedging: the split that is on order); or the
 * active ones and every live licensed one (the split a hedge is cut from,
 * as if no licence applied).
 */
enum split_mode { SPLIT_ACTIVE, SPLIT_HEDGED, SPLIT_PLAIN };

static bool edge_in(const struct rp_run *r, uint32_t e, enum split_mode mode)
{
    if (r->e[e].licence == RP_NONE || mode == SPLIT_ACTIVE)
        return edge_active(r, e);
    return mode == SPLIT_PLAIN && licensed_live(r, e);
}

/*
 * An edge's weight in the split of what partial bans refused: open edges
 * by their weight in the split, zero-share backups that can take orders
 * with their part of the refused share on top.
 */
static double refused_weight(const struct rp_run *r, uint32_t e, double backup_refused,
                             bool up_only, enum split_mode mode)
{
    const struct edge *ed = &r->m->edges[e];
    double w = r->e[e].w;
    if (r->e[e].pass < 1 - EPS)
        return 0;
    if (ed->backup && ed->share <= 0 && edge_in(r, e, mode)
        && (!up_only || node_up(r, ed->supplier)))
        w += backup_refused;
    return w;
}

/*
 * Each edge's weight in the split of an order for h, left in r->e[].w (the
 * run's own array: nothing allocated), and in r->e[].wr its weight for what
 * partial bans refuse; returns the sum of the first, and in *open_total
 * that of the second. Active
 * edges weigh their shares; a zero-share backup takes an equal part of the
 * blocked share, and one called in by its trigger an equal part of the
 * share of the sources that served poorly (they keep theirs). Under a
 * partial ban it also takes an equal part of the refused share
 * (backup_refused): a backup called in by a softer ban serves what that ban
 * refuses, as it would under a full one. Suppliers that are down leave the
 * split while another source can ship; with none up, orders go to the
 * active sources and wait there. O(edges of h), three passes.
 */
static double split_weights(struct rp_run *r, uint32_t h, enum split_mode mode,
                            double *open_total)
{
    const struct rp_model *m = r->m;
    const struct hold *hd = &m->holds[h];
    double total = 0, blocked_share = 0, partial_share = 0;
    uint32_t nzero_backups = 0, ntriggered = 0;
    bool up_only = false;

    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        const struct edge *ed = &m->edges[e];
        bool in = edge_in(r, e, mode);
        if (!ed->backup && !in)         /* banned, licensed with a backup in, or set aside */
            blocked_share += ed->share;
        else if (!ed->backup && r->e[e].pass < 1 - EPS)
            partial_share += ed->share * (1 - r->e[e].pass);
        if (!in)
            continue;
        up_only = up_only || node_up(r, ed->supplier);
        if (ed->backup && ed->share <= 0) {
            nzero_backups++;
            ntriggered += r->e[e].trig_share > 0;
        }
    }
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        const struct edge *ed = &m->edges[e];
        double w = 0;
        if (edge_in(r, e, mode) && (!up_only || node_up(r, ed->supplier)))
            w = ed->backup && ed->share <= 0
              ? blocked_share / nzero_backups + (r->e[e].trig_share > 0
                                                 ? r->e[e].trig_share / ntriggered : 0)
              : ed->share;
        r->e[e].w = w;
        total += w;
    }
    double backup_refused = nzero_backups ? partial_share / nzero_backups : 0;
    *open_total = 0;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        r->e[e].wr = refused_weight(r, e, backup_refused, up_only, mode);
        *open_total += r->e[e].wr;
    }
    return total;
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
 * Licence hedging: each edge's part of qty in the split with no hedging
 * (the licensed sources in it, as if no licence applied; less what partial
 * bans refuse), into r->e[].plain. It is what a licensed source is given
 * in all, as orders or hedges (send_hedges), and what an open source may
 * always take (cap_takeover).
 */
static void plain_parts(struct rp_run *r, uint32_t h, double qty)
{
    const struct hold *hd = &r->m->holds[h];
    double open_total;
    double total = split_weights(r, h, SPLIT_PLAIN, &open_total);
    for (uint32_t i = 0; i < hd->nedges; i++) {
        struct edge_st *es = &r->e[hd->edge0 + i];
        double pass = es->pass < 1 ? es->pass : 1;
        es->plain = total > EPS ? qty * es->w / total * pass : 0;
    }
}

/*
 * Licence hedging: what a licensed source was not given as an order of its
 * part (cap_takeover) it gets as a hedge. A hedge counts in h's position
 * only once it arrives, so it never crowds out the open sources; what a
 * licence refuses of it is not re-ordered. Orders that became hedges
 * (hedge_waiting) were re-ordered from the open sources: those re-orders'
 * hedges exist already, and the credit keeps them from being sent twice.
 */
static void send_hedges(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    double total = 0;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        const struct edge_st *es = &r->e[e];
        if (licensed_live(r, e) && es->plain - es->w - es->wr > EPS)
            total += es->plain - es->w - es->wr;
    }
    double take = total < hs->hedge_credit ? total : hs->hedge_credit;
    hs->hedge_credit -= take;
    for (uint32_t i = 0; i < hd->nedges && total - take > EPS; i++) {
        uint32_t e = hd->edge0 + i;
        const struct edge_st *es = &r->e[e];
        double hedge = (es->plain - es->w - es->wr) * (1 - take / total);
        if (licensed_live(r, e) && hedge > EPS)
            send(r, e, hedge, false, true);
    }
}

/*
 * The rate at which holding h uses its product, in units/day: a maker's
 * input at the capacity in force, a market's mean demand at the demand
 * factor in force; 0 where it is not known (a warehouse), and then nothing
 * is capped by it.
 */
static double need_rate(const struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    const struct mnode *mn = &r->m->nodes[hd->node];
    if (hd->role == ROLE_INPUT && isfinite(mn->rate))
        return hd->bom * mn->rate * rp_eng_node_mult(r, hd->node, RP_EVENT_CAPACITY);
    if (hd->role == ROLE_DEMAND) {
        double every = rp_dist_mean(&mn->sc->demand.every);
        return rp_dist_mean(&mn->sc->demand.size) / every
             * rp_eng_node_mult(r, hd->node, RP_EVENT_DEMAND);
    }
    return 0;
}

/* What the supplier over edge e can supply, in units/day: a maker's capacity in force; else no limit. */
static double supply_rate(const struct rp_run *r, uint32_t e)
{
    const struct edge *ed = &r->m->edges[e];
    const struct mnode *sn = &r->m->nodes[ed->supplier];
    if (r->m->holds[ed->supplier_hold].role != ROLE_OUTPUT || !isfinite(sn->rate))
        return INFINITY;
    return sn->rate * rp_eng_node_mult(r, ed->supplier, RP_EVENT_CAPACITY);
}

/* Cuts this placement's amounts over an edge to cap in all; returns the cut. */
static double trim(struct edge_st *es, double cap)
{
    double amount = es->w + es->wr;
    if (amount <= cap + EPS)
        return 0;
    es->w *= cap / amount;
    es->wr *= cap / amount;
    return amount - cap;
}

/*
 * A zero-share backup takes over what is blocked or refused only up to what
 * it can supply: of an order of qty for h it gets at most qty x (its
 * supply rate / h's need rate). The rest goes to the fully open regular
 * sources in the split, by share, with the refused part (r->e[].wr); with
 * none of those, the backups keep it all, as nothing else can take it.
 * Works on the amounts of this placement (r->e[].w, wr). O(edges of h).
 */
static void cap_backups(struct rp_run *r, uint32_t h, double qty)
{
    const struct hold *hd = &r->m->holds[h];
    double open = 0, excess = 0, need = 0;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        const struct edge *ed = &r->m->edges[e];
        if (!ed->backup && r->e[e].w > EPS && r->e[e].pass >= 1 - EPS)
            open += ed->share;
    }
    if (open <= EPS || !((need = need_rate(r, h)) > EPS))
        return;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (r->m->edges[e].backup && r->m->edges[e].share <= 0)
            excess += trim(&r->e[e], qty * supply_rate(r, e) / need);
    }
    for (uint32_t i = 0; i < hd->nedges && excess > EPS; i++) {
        uint32_t e = hd->edge0 + i;
        const struct edge *ed = &r->m->edges[e];
        if (!ed->backup && r->e[e].w > EPS && r->e[e].pass >= 1 - EPS)
            r->e[e].wr += excess * ed->share / open;
    }
}

/*
 * Days an order placed over edge e now is expected to take to arrive: the
 * supplier's backlog at its supply rate, the mean lead time and, under a
 * licence, the mean delay over the approval probability (a refusal is
 * re-ordered, so the tries are geometric). An estimate, for routing only.
 */
static double expected_days(const struct rp_run *r, uint32_t e)
{
    const struct edge *ed = &r->m->edges[e];
    double rate = supply_rate(r, e);
    double days = rp_dist_mean(ed->lead.dist);
    if (isfinite(rate))
        days += rate > EPS ? r->h[ed->supplier_hold].owed / rate : INFINITY;
    if (r->e[e].licence != RP_NONE) {
        const struct rp_disruption *d = r->m->events[r->e[e].licence].sc;
        days += d->approval > EPS ? rp_dist_mean(&d->delay) / d->approval : INFINITY;
    }
    return days;
}

/*
 * Licence hedging: an open source takes over a licensed source's part only
 * up to what it can supply, at most the larger of its own part
 * (r->e[].plain) and qty x (its supply rate / h's need rate), unless it
 * is still expected to deliver sooner than the soonest licensed source.
 * The rest stays with the licensed sources, as orders, by their parts:
 * under a full ban it would wait in the open source's backlog, and sending
 * it to a slower route instead would only leave the open source idle.
 * O(edges of h).
 */
static void cap_takeover(struct rp_run *r, uint32_t h, double qty)
{
    const struct hold *hd = &r->m->holds[h];
    double need = need_rate(r, h), excess = 0, licensed = 0, soonest = INFINITY;
    if (!(need > EPS))
        return;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (licensed_live(r, e) && r->e[e].plain > EPS) {
            licensed += r->e[e].plain;
            double days = expected_days(r, e);
            soonest = days < soonest ? days : soonest;
        }
    }
    for (uint32_t i = 0; i < hd->nedges && licensed > EPS; i++) {
        uint32_t e = hd->edge0 + i;
        struct edge_st *es = &r->e[e];
        double amount = es->w + es->wr;
        if (licensed_live(r, e) || amount <= EPS)
            continue;
        double cap = qty * supply_rate(r, e) / need;
        if (amount > cap + EPS && expected_days(r, e) > soonest)
            excess += trim(es, cap > es->plain ? cap : es->plain);
    }
    for (uint32_t i = 0; i < hd->nedges && excess > EPS; i++) {
        uint32_t e = hd->edge0 + i;
        if (licensed_live(r, e))
            r->e[e].w += excess * r->e[e].plain / licensed;
    }
}

/*
 * Places an order of qty for holding h, split over its edges by
 * split_weights (the weights become this order's amounts, in place). Under
 * a partial ban the refused part goes to the open edges and qualified
 * backups, or is held (counted as ordered) until the ban ends; backups
 * take no more than they can supply (cap_backups). Under licence hedging
 * the licensed sources get hedges on top. Returns the part lost at
 * suppliers (lost-sales orders only).
 */
static double place_order(struct rp_run *r, uint32_t h, double qty, bool lost_mode)
{
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    bool hedging = !lost_mode && rp_eng_hedging(r, h);
    if (hedging)
        plain_parts(r, h, qty);
    else
        hs->hedge_credit = 0;           /* no hedges to spare any more */
    double open_total;
    double total = split_weights(r, h, hedging ? SPLIT_HEDGED : SPLIT_ACTIVE, &open_total);
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
    cap_backups(r, h, qty);
    if (hedging)
        cap_takeover(r, h, qty);
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
    if (lost > EPS) {
        /* The lost part will not come: it is no longer on order. */
        hs->on_order -= lost;
        if (hs->on_order < EPS)
            hs->on_order = 0;
    }
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
    const struct rp_demand *dm = &mn->sc->demand;
    uint32_t h = mn->main_hold;
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    bool lost_mode = dm->unmet == RP_UNMET_LOST;

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
        rp_eng_serve_queue(r, h);
        rp_eng_replenish(r, h);
        break;
    case ROLE_UNLIMITED:
        break;
    }
}
