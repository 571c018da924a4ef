/*
 * engine_split.c - how an order is split over a holding's sources: the
 * weights of the split (shares, blocked and refused shares, zero-share
 * backups, down suppliers), hedging of restricted sources, and how much a
 * source may take over of what another cannot have (SCENARIO-FORMAT.md,
 * "What a source can take over", "Hedging", "Capped takeover").
 *
 * Everything here works on the run's per-edge scratch (edge_st.w, wr,
 * plain), so a placement allocates nothing. Costs: O(edges of the holding)
 * per pass, a few passes per placement.
 */
#include "engine_impl.h"

#include <math.h>

/*
 * Hedging applies to holding h: one of its sources is restricted (a
 * licence regime, a partial ban) and another, not restricted, is active (a
 * qualified backup counts). Then each restricted source is set aside in
 * the split, as a full ban would set it aside, and gets what the
 * restriction lets through of its part as a hedge (engine_orders.c). Not
 * for a pass-through market: it keeps no stock for a hedge to arrive to.
 * O(edges of h).
 */
bool rp_eng_hedging(const struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    bool restricted = false, open = false;
    if (hd->passthrough)
        return false;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (rp_eng_restricted(r, e))
            restricted = restricted || rp_eng_restricted_live(r, e);
        else
            open = open || edge_active(r, e);
    }
    return restricted && open;
}

static bool edge_in(const struct rp_run *r, uint32_t e, enum rp_eng_split mode)
{
    if (!rp_eng_restricted(r, e) || mode == SPLIT_ACTIVE)
        return edge_active(r, e);
    return mode == SPLIT_PLAIN && rp_eng_restricted_live(r, e);
}

/*
 * An edge's weight in the split of what partial bans refused: open edges
 * by their weight in the split, zero-share backups that can take orders
 * with their part of the refused share on top.
 */
static double refused_weight(const struct rp_run *r, uint32_t e, double backup_refused,
                             bool up_only, enum rp_eng_split mode)
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
double rp_eng_split_weights(struct rp_run *r, uint32_t h, enum rp_eng_split mode,
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
 * Hedging: each edge's part of qty in the split with no hedging (the
 * restricted sources in it, as if no restriction applied, less what bans
 * refuse), into r->e[].plain. It is what a restricted source is given in
 * all, as orders or hedges (send_hedges, engine_orders.c), and what an open source may
 * always take (cap_takeover).
 */
void rp_eng_plain_parts(struct rp_run *r, uint32_t h, double qty)
{
    const struct hold *hd = &r->m->holds[h];
    double open_total;
    double total = rp_eng_split_weights(r, h, SPLIT_PLAIN, &open_total);
    for (uint32_t i = 0; i < hd->nedges; i++) {
        struct edge_st *es = &r->e[hd->edge0 + i];
        double pass = es->pass < 1 ? es->pass : 1;
        es->plain = total > EPS ? qty * es->w / total * pass : 0;
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
    if (!hd->has_need)
        return 0;
    return hd->need * rp_eng_node_mult(r, hd->node, hd->role == ROLE_DEMAND
                                                    ? RP_EVENT_DEMAND
                                                    : RP_EVENT_CAPACITY);
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
void rp_eng_cap_backups(struct rp_run *r, uint32_t h, double qty)
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
        const struct mevent *me = &r->m->events[r->e[e].licence];
        days += me->approval > EPS ? rp_dist_mean(me->delay.dist) / me->approval : INFINITY;
    }
    return days;
}

/*
 * What open edge e was given of this placement beyond what it can supply
 * (the larger of its own part and qty x supply rate / need), where it is
 * expected slower than the restricted route (soonest days); else 0.
 */
static double over_cap(const struct rp_run *r, uint32_t e, double qty, double need,
                       double soonest)
{
    const struct edge_st *es = &r->e[e];
    double amount = es->w + es->wr;
    if (rp_eng_restricted_live(r, e) || amount <= EPS)
        return 0;
    double cap = qty * supply_rate(r, e) / need;
    if (cap < es->plain)
        cap = es->plain;
    if (amount <= cap + EPS || expected_days(r, e) <= soonest)
        return 0;
    return amount - cap;
}

/*
 * Hedging: an open source takes over a restricted source's part only up to
 * what it can supply, at most the larger of its own part (r->e[].plain)
 * and qty x (its supply rate / h's need rate), unless it is still expected
 * to deliver sooner than the soonest restricted source. The rest stays
 * with the restricted sources, as orders, by their parts and no more than
 * them (a part has what a ban refuses taken off), the open sources keeping
 * what is beyond: under a full ban it would wait in the open source's
 * backlog, and sending it to a slower route instead would only leave the
 * open source idle. O(edges of h).
 */
void rp_eng_cap_takeover(struct rp_run *r, uint32_t h, double qty)
{
    const struct hold *hd = &r->m->holds[h];
    double need = need_rate(r, h), over = 0, parts = 0, soonest = INFINITY;
    if (!(need > EPS))
        return;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (rp_eng_restricted_live(r, e) && r->e[e].plain > EPS) {
            parts += r->e[e].plain;
            double days = expected_days(r, e);
            soonest = days < soonest ? days : soonest;
        }
    }
    for (uint32_t i = 0; i < hd->nedges && parts > EPS; i++)
        over += over_cap(r, hd->edge0 + i, qty, need, soonest);
    if (over <= EPS)
        return;
    double moved = over < parts ? over : parts;     /* no more than their parts */
    for (uint32_t i = 0; i < hd->nedges; i++) {
        struct edge_st *es = &r->e[hd->edge0 + i];
        double cut = over_cap(r, hd->edge0 + i, qty, need, soonest) * moved / over;
        if (cut > 0)
            trim(es, es->w + es->wr - cut);
    }
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (rp_eng_restricted_live(r, e))
            r->e[e].w += moved * r->e[e].plain / parts;
    }
}

