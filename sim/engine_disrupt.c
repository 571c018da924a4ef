/*
 * engine_disrupt.c - what disrupts supply: random outages and outage
 * events, export bans (severity, seizure in transit) and licences, capacity
 * changes, and backups that qualify after a block.
 *
 * Costs: an outage or restore walks every edge to find the supplier's
 * customers (O(edges)); a ban recomputes the pass share of its own edges
 * over the active bans; seizing goods in transit walks the pending events.
 */
#include "engine_impl.h"

#include <assert.h>
#include <math.h>

static void cancel_waiting(struct rp_run *r, uint32_t e, double keep, bool hedges);
static void hedge_waiting(struct rp_run *r, uint32_t e);
static void withdraw_licensed(struct rp_run *r, uint32_t e);
static void block_licensed(struct rp_run *r, uint32_t e);
static void wake_if_rising(struct rp_run *r, uint32_t k);

/*
 * Event k's path factor at day t: linear between points, flat beyond the
 * ends. Time only moves on in a run, so the segment is found by walking on
 * from the last one (ev_st.seg) rather than by a search each time: the same
 * segment, so the same factor, bit for bit.
 */
static double path_factor(const struct rp_run *r, uint32_t k,
                          const struct mevent *me, double t)
{
    const struct path_pt *p = me->path;
    size_t last = me->npath - 1;
    if (t <= p[0].day)
        return p[0].factor;
    if (t >= p[last].day)
        return p[last].factor;
    size_t lo = r->ev[k].seg;
    if (lo >= last || p[lo].day > t)
        lo = 0;                         /* not past t: start again */
    while (p[lo + 1].day <= t)          /* p[lo].day <= t < p[lo + 1].day */
        lo++;
    r->ev[k].seg = (uint32_t)lo;
    double f = (t - p[lo].day) / (p[lo + 1].day - p[lo].day);
    return p[lo].factor + (p[lo + 1].factor - p[lo].factor) * f;
}

/* The multiplier active event k applies to node n now. */
static double event_mult(const struct rp_run *r, uint32_t k, uint32_t n)
{
    const struct mevent *me = &r->m->events[k];
    if (me->npath)
        return path_factor(r, k, me, r->now);
    double frac = me->ramp > 0 ? (r->now - r->ev[k].start) / me->ramp : 1;
    if (frac > 1)
        frac = 1;
    if (frac < 0)
        frac = 0;
    if (me->has_factor)
        return 1 + (me->factor - 1) * frac;
    return 1 + me->add * frac / r->m->nodes[n].rate;
}

/*
 * The capacity (or demand) factor in force at node n: the product over its
 * active events of that type, in event order. O(events on the node), once
 * per node, type and instant: it is asked for many times an event (each
 * placement, batch start and review), and depends only on the time and on
 * which events are active, so the node keeps the last value with the time
 * and the run's event generation it was worked out at. (r->n is the run's
 * own scratch: caching there leaves the run's state as it was.)
 */
double rp_eng_node_mult_events(const struct rp_run *r, uint32_t n,
                               enum rp_event_type type)
{
    const struct rp_model *m = r->m;
    const struct mnode *mn = &m->nodes[n];
    bool cap = type == RP_EVENT_CAPACITY;
    uint32_t count = cap ? mn->ncap_ev : mn->ndem_ev;
    if (count == 0)
        return 1;
    struct node_st *ns = &r->n[n];
    int c = cap ? 0 : 1;
    if (ns->mult_gen[c] == r->ev_gen + 1 && ns->mult_now[c] == r->now)
        return ns->mult[c];
    uint32_t first = cap ? mn->cap_ev0 : mn->dem_ev0;
    double mult = 1;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t k = m->node_events[first + i];
        if (r->ev[k].active)
            mult *= event_mult(r, k, n);
    }
    ns->mult[c] = mult;
    ns->mult_now[c] = r->now;
    ns->mult_gen[c] = r->ev_gen + 1;
    return mult;
}

/*
 * The capacity (or demand) factor node n starts the run with: its events
 * in force at time 0, by their drawn start and end (called before any
 * event has run, at time 0).
 */
static double factor_at_start(const struct rp_run *r, uint32_t n, enum rp_event_type type)
{
    const struct rp_model *m = r->m;
    const struct mnode *mn = &m->nodes[n];
    bool cap = type == RP_EVENT_CAPACITY;
    uint32_t first = cap ? mn->cap_ev0 : mn->dem_ev0;
    uint32_t count = cap ? mn->ncap_ev : mn->ndem_ev;
    double mult = 1;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t k = m->node_events[first + i];
        if (r->ev[k].start <= 0 && r->ev[k].end > 0)
            mult *= event_mult(r, k, n);
    }
    return mult;
}

/*
 * An `initial` left to its default, where the level is given as cover, is
 * the level in force at time 0: D days of use at the capacity (or demand)
 * the run starts with, so a plant not yet built (factor 0) starts empty.
 */
void rp_eng_initial_stock(struct rp_run *r)
{
    const struct rp_model *m = r->m;
    for (uint32_t h = 0; h < m->nholds; h++) {
        const struct hold *hd = &m->holds[h];
        if (hd->initial_follows && hd->role != ROLE_UNLIMITED)
            r->h[h].on_hand = hd->level * factor_at_start(r, hd->node, hd->follow);
    }
}

/*
 * Supplier n went down or came back: customers move the orders that wait
 * at a down supplier to sources that can ship, and makers whose kit is
 * complete again resume ordering.
 */
static void reroute(struct rp_run *r, uint32_t n, bool down)
{
    const struct rp_model *m = r->m;
    for (uint32_t k = m->supply_edge0[n]; k < m->supply_edge0[n + 1]; k++) {
        uint32_t e = m->supply_edges[k];
        uint32_t h = m->edges[e].hold;
        const struct hold *hd = &m->holds[h];
        if (down) {
            if (rp_eng_hold_has_ready_edge(r, h))
                cancel_waiting(r, e, 0, false);
            continue;
        }
        for (uint32_t i = 0; i < hd->nedges; i++) {
            uint32_t e2 = hd->edge0 + i;
            if (e2 != e && !node_up(r, m->edges[e2].supplier))
                cancel_waiting(r, e2, 0, false);
        }
        if (hd->role == ROLE_INPUT)
            rp_eng_replenish_inputs(r, hd->node);
        else
            rp_eng_replenish(r, h);
    }
}

static void set_down(struct rp_run *r, uint32_t n, bool down)
{
    struct node_st *ns = &r->n[n];
    const struct mnode *mn = &r->m->nodes[n];
    rp_eng_touch_node(r, n);
    if (down) {
        if (ns->down++ > 0)
            return;
        /* Output lost while down, for its margin: the rate the node had. */
        ns->down_rate = mn->out_hold != RP_NONE && isfinite(mn->rate)
                      ? mn->rate * rp_eng_node_mult(r, n, RP_EVENT_CAPACITY) : 0;
        ns->epoch++;                    /* pending completions are stale now */
        for (uint32_t k = 0; k < mn->servers && mn->out_hold != RP_NONE; k++) {
            struct server *s = &r->srv[mn->server0 + k];
            if (s->busy)
                s->remaining = s->end - r->now;
        }
        if (ns->busy > 0 || !ns->starved || ns->stop_pending)
            ns->stoppages += mn->out_hold != RP_NONE && rp_eng_maker_need(r, n) > EPS;
        if (ns->starved)
            rp_eng_set_starved(r, n, false, RP_NONE);
        reroute(r, n, true);
        return;
    }
    assert(ns->down > 0);
    if (--ns->down > 0)
        return;
    for (uint32_t k = 0; k < mn->servers && mn->out_hold != RP_NONE; k++) {
        struct server *s = &r->srv[mn->server0 + k];
        if (s->busy) {
            s->end = r->now + s->remaining;
            push(r, s->end, EV_BATCH_DONE, n,
                 mn->server0 + k, ns->epoch, s->qty, 0);
        }
    }
    /* What waited for the node ships now; production resumes (its own
     * holdings, in index order: not a scan of every holding per restore). */
    for (uint32_t h = mn->first_hold; h != RP_NONE; h = r->m->holds[h].next_at_node)
        rp_eng_serve(r, h);
    if (mn->out_hold != RP_NONE)
        rp_eng_try_start(r, n);
    reroute(r, n, false);
}

void rp_eng_on_fail(struct rp_run *r, uint32_t n)
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
    push(r, r->now + draw(r, &mn->down), EV_RESTORE, n, 0, 0, 0, 0);
}

void rp_eng_on_restore(struct rp_run *r, uint32_t n)
{
    struct node_st *ns = &r->n[n];
    const struct mnode *mn = &r->m->nodes[n];
    if (ns->down_since >= r->warmup) {
        ns->down_sum += r->now - ns->down_since;
        ns->n_down += 1;
    }
    ns->up_since = r->now;
    set_down(r, n, false);
    push(r, r->now + draw(r, &mn->up), EV_FAIL, n, 0, 0, 0, 0);
}

/* Share of an order a ban lets through edge e: the product over active bans. */
static double edge_pass(const struct rp_run *r, uint32_t e)
{
    const struct rp_model *m = r->m;
    double pass = 1;
    for (size_t k = 0; k < m->nevents; k++) {
        const struct mevent *me = &m->events[k];
        if (!r->ev[k].active || me->type != RP_EVENT_EXPORT_BAN)
            continue;
        for (uint32_t i = 0; i < me->nedges; i++)
            if (m->event_edges[me->edge0 + i] == e)
                pass *= 1 - me->severity;
    }
    return pass;
}

/*
 * Cuts the orders over edge e in queue q of supplier holding sh to the
 * share keep (0: takes them out); returns the amount cut.
 */
static double cut_queue(struct rp_run *r, uint32_t sh, struct oqueue *q, uint32_t e,
                        double keep)
{
    uint32_t prev = RP_NONE;
    double cut = 0;
    for (uint32_t o = q->head; o != RP_NONE;) {
        uint32_t next = r->orders[o].next;
        struct order *od = &r->orders[o];
        if (od->edge != e) {
            prev = o;
        } else if (keep * od->qty > EPS) {
            cut += od->qty * (1 - keep);
            if (q == &r->h[sh].hq)
                r->h[sh].hedged -= od->qty * (1 - keep);
            od->qty *= keep;
            prev = o;
        } else {
            cut += od->qty;
            rp_eng_unlink_order(r, sh, q, prev, o);
        }
        o = next;
    }
    return cut;
}

/*
 * Orders waiting at the supplier over edge e go back to the customer, all
 * of them (keep 0: the edge closed) or all but the share keep that a
 * partial ban still lets through: a ban refuses its share of what has not
 * shipped yet, not only of new orders, or a softer ban would leave more
 * orders stuck in a backlog than a full one (issue 9's monotonicity).
 * Licence hedges are cut too where `hedges` (a ban), and dropped: they
 * were never on the customer's order book, so nothing is re-ordered; an
 * outage or a qualified backup leaves them waiting. Orders waiting are
 * backorders (lost-sales orders never wait).
 */
static void cancel_waiting(struct rp_run *r, uint32_t e, double keep, bool hedges)
{
    uint32_t sh = r->m->edges[e].supplier_hold;
    struct hold_st *ss = &r->h[sh];
    double back = cut_queue(r, sh, rp_eng_queue(r, sh, rp_eng_edge_class(r, sh, e)), e, keep);
    if (hedges && ss->nhedge)
        cut_queue(r, sh, &ss->hq, e, keep);
    if (back > EPS) {
        rp_eng_owe_less(r, sh, back);
        rp_eng_order_failed(r, e, back, false);
    }
}

/* Shipments in transit over edge e are seized: they will never arrive. */
static void seize_in_transit(struct rp_run *r, uint32_t e)
{
    for (size_t i = 0; i < rp_evq_len(&r->q); i++) {
        struct rp_event *ev = rp_evq_at(&r->q, i);
        if ((ev->kind == EV_ARRIVAL || ev->kind == EV_LICENCE) && ev_edge(ev) == e) {
            ev->kind = EV_NOP;
            if (ev_hedge(ev))
                continue;               /* never on order */
            r->h[r->m->edges[e].hold].transit -= ev->qty;
            rp_eng_note_owed(r, r->m->edges[e].hold);
            r->h[r->m->edges[e].hold].on_order -= ev->qty;
            if (r->h[r->m->edges[e].hold].on_order < EPS)
                r->h[r->m->edges[e].hold].on_order = 0;
        }
    }
}

/* Backup e starts qualifying now, unless it already is or has. */
void rp_eng_arm_backup(struct rp_run *r, uint32_t e)
{
    const struct edge *ed = &r->m->edges[e];
    if (!ed->backup || r->e[e].qualified || r->e[e].pending)
        return;
    r->e[e].pending = true;
    double t = draw(r, &ed->qualify);
    if (t <= 0)
        rp_eng_on_qualify(r, e);        /* in at once: licensed sources close now */
    else
        push(r, r->now + t, EV_QUALIFY, e, 0, 0, 0, 0);
}

static void arm_backups(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    for (uint32_t i = 0; i < hd->nedges; i++)
        rp_eng_arm_backup(r, hd->edge0 + i);
}

/*
 * A source of h opened (a ban ended, a backup qualified): what its
 * licensed sources hold becomes hedges if hedging now applies, and h
 * orders again.
 */
static void release_held(struct rp_run *r, uint32_t h)
{
    struct hold_st *hs = &r->h[h];
    const struct hold *hd = &r->m->holds[h];
    for (uint32_t i = 0; i < hd->nedges; i++)
        hedge_waiting(r, hd->edge0 + i);
    if (hs->held > 0) {
        hs->on_order -= hs->held;
        if (hs->on_order < EPS)
            hs->on_order = 0;
        hs->held = 0;
    }
    rp_eng_review_now(r, h);
    if (hd->role == ROLE_INPUT)
        rp_eng_replenish_inputs(r, hd->node);  /* the whole kit may be complete again */
}

/* Holdings of node n whose levels follow its capacity or demand re-plan. */
static void replan_node_holds(struct rp_run *r, uint32_t n)
{
    const struct rp_model *m = r->m;
    for (uint32_t h = m->nodes[n].first_hold; h != RP_NONE; h = m->holds[h].next_at_node)
        if ((m->holds[h].level_follows || m->holds[h].alert_follows)
            && m->holds[h].role != ROLE_INPUT && m->holds[h].role != ROLE_OUTPUT)
            rp_eng_replenish(r, h);
}

/* Node n's covers take the factors in force now; true if they changed. */
static bool take_cover_mult(struct rp_run *r, uint32_t n)
{
    struct node_st *ns = &r->n[n];
    double cap = rp_eng_node_mult(r, n, RP_EVENT_CAPACITY);
    double dem = rp_eng_node_mult(r, n, RP_EVENT_DEMAND);
    bool changed = cap != ns->cover_mult[0] || dem != ns->cover_mult[1];
    ns->cover_mult[0] = cap;
    ns->cover_mult[1] = dem;
    return changed;
}

/*
 * Node n's capacity changed (an event began or ended, a path point): a
 * starved maker's rate of loss is worked out again, and it starts what it
 * can and orders inputs (its levels may follow capacity).
 */
static void capacity_changed(struct rp_run *r, uint32_t n)
{
    if (r->m->nodes[n].follows)
        take_cover_mult(r, n);
    if (r->m->nodes[n].out_hold != RP_NONE) {
        if (r->n[n].starved)
            rp_eng_set_starved(r, n, true, r->n[n].starve_input);
        rp_eng_try_start(r, n);
    }
    if (r->m->nodes[n].follows)
        replan_node_holds(r, n);
}

/*
 * At each day's end, levels given as cover take the factors in force (a
 * ramp or a path moves them between events) and their holdings re-plan:
 * at most one order a day for the growth of a target.
 */
void rp_eng_covers_follow(struct rp_run *r)
{
    for (size_t i = 0; i < r->m->nfollow_nodes; i++) {
        uint32_t n = r->m->follow_nodes[i];
        if (!take_cover_mult(r, n))
            continue;
        if (r->m->nodes[n].out_hold != RP_NONE)
            rp_eng_try_start(r, n);
        replan_node_holds(r, n);
    }
}

/*
 * A capacity path changes its slope at its points: the maker re-plans at
 * each one still ahead while the event lasts (batches started in between
 * read the factor at their start).
 */
static void schedule_path(struct rp_run *r, uint32_t k)
{
    const struct mevent *me = &r->m->events[k];
    for (size_t i = 0; i < me->npath; i++)
        if (me->path[i].day > r->now && me->path[i].day < r->ev[k].end)
            push(r, me->path[i].day, EV_PATH, k, 0, 0, 0, 0);
    wake_if_rising(r, k);
}

/*
 * A maker whose capacity is 0 now and rises after (a plant being built)
 * makes nothing at this instant; it is woken one mean batch time later, so
 * that its first batch is made at the capacity in force then.
 */
static void wake_if_rising(struct rp_run *r, uint32_t k)
{
    const struct mevent *me = &r->m->events[k];
    const struct mnode *mn = &r->m->nodes[me->node];
    if (mn->out_hold == RP_NONE || rp_eng_node_mult(r, me->node, RP_EVENT_CAPACITY) > EPS)
        return;
    for (size_t i = 0; i < me->npath; i++) {
        if (me->path[i].day <= r->now)
            continue;
        double t = r->now + mn->mean_time;
        if (me->path[i].factor > 0 && t < me->path[i].day && t < r->ev[k].end)
            push(r, t, EV_PATH, k, 0, 0, 0, 0);
        return;
    }
}

void rp_eng_on_path(struct rp_run *r, uint32_t k)
{
    if (!r->ev[k].active)
        return;
    capacity_changed(r, r->m->events[k].node);
    wake_if_rising(r, k);
}

/* Holding h re-plans against its target (an alert raised or dropped). */
static void replan_target(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    if (hd->role == ROLE_INPUT)
        rp_eng_replenish_inputs(r, hd->node);
    else
        rp_eng_replenish(r, h);
}

/*
 * Restriction k is known (announced, or started unannounced) or over: the
 * holdings with an alert whose regular sources it restricts raise their
 * target to the alert target, or drop back (a count, as restrictions may
 * overlap). At an announcement the customers' backups start qualifying
 * too; at the start the ban and licence handlers do that.
 */
static void set_known(struct rp_run *r, uint32_t k, bool known, bool arm)
{
    const struct rp_model *m = r->m;
    const struct mevent *me = &m->events[k];
    if (r->ev[k].known == known)
        return;
    r->ev[k].known = known;
    for (uint32_t i = 0; i < me->nedges; i++) {
        const struct edge *ed = &m->edges[m->event_edges[me->edge0 + i]];
        if (ed->backup)
            continue;
        if (arm)
            arm_backups(r, ed->hold);
        if (!m->holds[ed->hold].has_alert)
            continue;
        if (known)
            r->h[ed->hold].alerts++;
        else
            r->h[ed->hold].alerts--;
        replan_target(r, ed->hold);
    }
}

void rp_eng_on_announce(struct rp_run *r, uint32_t k)
{
    set_known(r, k, true, true);
}

void rp_eng_on_dis(struct rp_run *r, uint32_t k, bool start)
{
    const struct rp_model *m = r->m;
    const struct mevent *me = &m->events[k];
    r->ev[k].active = start;
    r->ev_gen++;                        /* every node's factor may have changed */

    switch (me->type) {
    case RP_EVENT_EXPORT_BAN:
        for (uint32_t i = 0; i < me->nedges; i++) {
            uint32_t e = m->event_edges[me->edge0 + i];
            double was = r->e[e].pass;
            r->e[e].pass = edge_pass(r, e);
            if (start && r->e[e].pass <= EPS) {
                cancel_waiting(r, e, 0, true);
                if (me->seize)
                    seize_in_transit(r, e);
            } else if (start && was > EPS && r->e[e].pass < was - EPS) {
                cancel_waiting(r, e, r->e[e].pass / was, true);
            }
        }
        for (uint32_t i = 0; i < me->nedges; i++) {
            uint32_t e = m->event_edges[me->edge0 + i];
            if (start && !m->edges[e].backup)
                arm_backups(r, m->edges[e].hold);
            release_held(r, m->edges[e].hold);
        }
        break;
    case RP_EVENT_EXPORT_LICENCE:
        for (uint32_t i = 0; i < me->nedges; i++) {
            uint32_t e = m->event_edges[me->edge0 + i];
            if (start && r->e[e].licence == RP_NONE) {
                r->e[e].licence = k;
                if (r->h[m->edges[e].hold].backup_in)
                    block_licensed(r, e);       /* blocked at once */
                else
                    hedge_waiting(r, e);
            }
            else if (!start && r->e[e].licence == k)
                r->e[e].licence = RP_NONE;
        }
        /* A licence regime calls in backups as a ban does. */
        for (uint32_t i = 0; i < me->nedges && start; i++)
            if (!m->edges[m->event_edges[me->edge0 + i]].backup)
                arm_backups(r, m->edges[m->event_edges[me->edge0 + i]].hold);
        break;
    case RP_EVENT_OUTAGE:
        set_down(r, me->node, start);
        break;
    case RP_EVENT_CAPACITY:
        if (start && me->npath)
            schedule_path(r, k);
        capacity_changed(r, me->node);
        break;
    case RP_EVENT_DEMAND:
        /* Sizes read the factor at each demand; covers re-plan now. */
        if (m->nodes[me->node].follows) {
            take_cover_mult(r, me->node);
            replan_node_holds(r, me->node);
        }
        break;
    }
    /* After the restriction is in force, so that an alert raised at its
     * start does not order from the source it closes. */
    if (me->type == RP_EVENT_EXPORT_BAN || me->type == RP_EVENT_EXPORT_LICENCE)
        set_known(r, k, start, false);
}

/*
 * Goods over licensed edge e that wait for approval go back to the
 * supplier, and the customer re-orders them, as a refusal would (not a
 * hedge: it was never on order, the open sources have its part).
 */
static void refuse(struct rp_run *r, uint32_t e, double qty, bool hedge)
{
    const struct edge *ed = &r->m->edges[e];
    uint32_t sh = ed->supplier_hold;
    if (!hedge) {
        r->h[ed->hold].transit -= qty;
        if (r->h[ed->hold].transit < EPS)
            r->h[ed->hold].transit = 0;
        rp_eng_note_owed(r, ed->hold);
    }
    touch_hold(r, sh);
    if (r->m->holds[sh].role != ROLE_UNLIMITED)
        r->h[sh].on_hand += qty;
    r->h[sh].delivered -= qty;
    rp_eng_trig_note(r, e, 0, -qty);
    rp_eng_serve(r, sh);
    if (!hedge)
        rp_eng_order_failed(r, e, qty, false);
}

/*
 * Hedging (engine_orders.c) reaches what restricted edge e already
 * holds, once another source of its customer is open (at the restriction's
 * start, or when a source opens): orders waiting over it at the supplier
 * and goods waiting for approval become hedges, off the customer's order
 * book, and the customer re-orders them from the open sources, as a ban
 * would have it. O(backlog + pending events), at those moments only.
 */
static void hedge_waiting(struct rp_run *r, uint32_t e)
{
    const struct edge *ed = &r->m->edges[e];
    if (!rp_eng_restricted(r, e) || r->e[e].pass <= EPS || !rp_eng_hedging(r, ed->hold))
        return;
    double qty = rp_eng_hedge_orders(r, e), approving = 0;
    for (size_t i = 0; i < rp_evq_len(&r->q) && r->e[e].licence != RP_NONE; i++) {
        struct rp_event *ev = rp_evq_at(&r->q, i);
        if (ev->kind == EV_LICENCE && ev_edge(ev) == e && !ev_hedge(ev)) {
            ev->c = 1;                  /* payload only: the heap order stands */
            approving += ev->qty;
        }
    }
    if (qty + approving <= EPS)
        return;
    struct hold_st *hs = &r->h[ed->hold];
    hs->hedge_credit += qty + approving;
    hs->transit -= approving;
    if (hs->transit < EPS)
        hs->transit = 0;
    rp_eng_note_owed(r, ed->hold);
    rp_eng_order_failed(r, e, qty + approving, false);
}

/*
 * Licensed edge e is blocked now that a backup is in: its orders waiting
 * at the supplier and its goods waiting for approval are withdrawn and
 * re-ordered from the open sources. The approvals pending are collected
 * first (a sweep over the pending events), then handed back, since
 * re-ordering schedules events of its own.
 */
static void withdraw_licensed(struct rp_run *r, uint32_t e)
{
    double qty = 0;
    for (size_t i = 0; i < rp_evq_len(&r->q); i++) {
        struct rp_event *ev = rp_evq_at(&r->q, i);
        if (ev->kind == EV_LICENCE && ev_edge(ev) == e && !ev_hedge(ev)) {
            ev->kind = EV_NOP;
            qty += ev->qty;
        }
    }
    cancel_waiting(r, e, 0, false);
    if (qty > EPS)
        refuse(r, e, qty, false);
}

/*
 * Licensed edge e is blocked in the split now that a backup of its
 * customer is in: under hedging what it holds becomes hedges,
 * else it is withdrawn.
 */
static void block_licensed(struct rp_run *r, uint32_t e)
{
    if (rp_eng_hedging(r, r->m->edges[e].hold))
        hedge_waiting(r, e);
    else
        withdraw_licensed(r, e);
}

void rp_eng_on_qualify(struct rp_run *r, uint32_t e)
{
    uint32_t h = r->m->edges[e].hold;
    const struct hold *hd = &r->m->holds[h];
    r->e[e].qualified = true;
    if (!r->h[h].backup_in) {
        r->h[h].backup_in = true;
        for (uint32_t i = 0; i < hd->nedges; i++) {
            uint32_t e2 = hd->edge0 + i;
            if (!r->m->edges[e2].backup && r->e[e2].licence != RP_NONE)
                block_licensed(r, e2);
        }
    }
    release_held(r, h);
}

void rp_eng_on_licence(struct rp_run *r, const struct rp_event *ev)
{
    uint32_t e = ev_edge(ev);
    const struct edge *ed = &r->m->edges[e];
    uint32_t k = r->e[e].licence;     /* RP_NONE: the licence ended meanwhile */
    double approval = 1;
    int32_t stream = -1;
    if (k != RP_NONE) {
        approval = r->m->events[k].approval;
        stream = r->m->events[k].approval_stream;
    }
    double u = stream >= 0 ? gsl_rng_uniform(r->streams[stream]) : 0;
    if (u < approval) {
        double lead = draw(r, &ed->lead);
        push(r, r->now + lead, EV_ARRIVAL, e, ev_from_stock(ev), ev_hedge(ev), ev->qty,
             ev->t0);
        return;
    }
    /* Refused: the goods go back to the supplier's stock; the customer re-orders. */
    refuse(r, e, ev->qty, ev_hedge(ev));
}
