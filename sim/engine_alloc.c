/*
 * engine_alloc.c - how a supplier shares scarce goods among the orders
 * waiting in its backlog: fifo, proportional, priority (classes of buyers
 * served in order) and quota (classes served in fixed shares).
 *
 * A buyer's class is worked out once, when the model is built
 * (rp_model_buyer_class: by site or by owner, as priority_by says), and a
 * holding that allocates by class keeps one backlog (lane) per class, so
 * serving a class touches only its own orders.
 *
 * Costs: FIFO walks the backlog from its head and stops at the first order
 * it cannot complete; proportional walks all of it; priority and quota walk
 * each lane only as far as the goods go (quota first counts what each lane
 * waits for, up to what is on hand), plus one step per class.
 */
#include "engine_impl.h"

static void serve_proportional(struct rp_run *r, uint32_t h)
{
    struct hold_st *hs = &r->h[h];
    double frac = hs->on_hand / hs->owed;
    for (uint32_t o = hs->q.head; o != RP_NONE; o = r->orders[o].next)
        rp_eng_ship(r, h, &r->orders[o], r->orders[o].qty * frac, false);
}

/*
 * Ships up to qty from lane q of h, first come first served, dropping the
 * orders it completes (a prefix of the lane). Returns what it shipped.
 */
static double serve_lane(struct rp_run *r, uint32_t h, struct oqueue *q, double qty)
{
    struct hold_st *hs = &r->h[h];
    double shipped = 0;
    while (q->head != RP_NONE && qty > EPS && hs->on_hand > EPS) {
        uint32_t o = q->head;
        struct order *od = &r->orders[o];
        double x = od->qty < qty ? od->qty : qty;
        if (x > hs->on_hand)
            x = hs->on_hand;            /* rounding dust of the shares */
        rp_eng_ship(r, h, od, x, false);
        shipped += x;
        qty -= x;
        if (od->qty > EPS)
            break;
        rp_eng_unlink_order(r, h, q, RP_NONE, o);
    }
    return shipped;
}

/* Classes in the order listed, then everyone else; FIFO within a class. */
static void serve_priority(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    for (uint32_t c = 0; c < hd->nlanes && r->h[h].on_hand > EPS; c++)
        serve_lane(r, h, &r->lanes[hd->lane0 + c], INFINITY);
}

/*
 * What each quota class gets of avail, given what it waits for: its share
 * of what is left, renormalised over the classes still waiting; a class
 * that needs less than that takes what it needs and passes the rest to the
 * others in proportion to their shares (so a class with nothing waiting
 * passes all of its share). A class of share 0 gets nothing. At most
 * ncls rounds: each caps at least one class or gives out everything.
 * share[c] is class c's share, for the nquota named classes.
 */
static void quota_shares(const double *share, uint32_t nquota,
                         const double *wait, double *give, uint32_t ncls,
                         double avail)
{
    for (uint32_t c = 0; c < ncls; c++)
        give[c] = 0;
    for (uint32_t round = 0; round < ncls && avail > EPS; round++) {
        double total = 0;
        for (uint32_t c = 0; c < nquota; c++)
            if (wait[c] - give[c] > EPS)
                total += share[c];
        if (!(total > 0))
            return;
        bool capped = false;
        double left = avail;
        for (uint32_t c = 0; c < nquota; c++) {
            double want = wait[c] - give[c];
            if (want > EPS && want <= left * share[c] / total + EPS) {
                give[c] = wait[c];      /* satisfied: out of the next round */
                avail -= want;
                capped = true;
            }
        }
        if (capped)
            continue;
        for (uint32_t c = 0; c < nquota; c++)
            if (wait[c] - give[c] > EPS)
                give[c] += avail * share[c] / total;
        return;
    }
}

/* What lane q waits for, counted only up to cap (no class gets more). */
static double lane_wait(const struct rp_run *r, const struct oqueue *q, double cap)
{
    double sum = 0;
    for (uint32_t o = q->head; o != RP_NONE && sum < cap; o = r->orders[o].next)
        sum += r->orders[o].qty;
    return sum;
}

static void serve_quota(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    uint32_t ncls = hd->nlanes;         /* the last: buyers of no class */
    double *wait = r->cls_buf, *give = r->cls_buf + r->m->max_classes;

    for (uint32_t c = 0; c < ncls; c++)
        wait[c] = lane_wait(r, &r->lanes[hd->lane0 + c], hs->on_hand);
    const struct mnode *mn = &r->m->nodes[hd->node];
    quota_shares(&r->m->quota_share[mn->quota0], mn->nquota, wait, give, ncls,
                 hs->on_hand);
    for (uint32_t c = 0; c < ncls && hs->on_hand > EPS; c++)
        if (give[c] > EPS)
            serve_lane(r, h, &r->lanes[hd->lane0 + c], give[c]);
}

/* Serves waiting orders of holding h from its stock by its node's allocation rule. */
void rp_eng_serve_queue(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    bool unlimited = hd->role == ROLE_UNLIMITED;
    bool prefix = false;                /* only a prefix of the queue was served */

    if (hs->nwait == 0 || !node_up(r, hd->node))
        return;
    if (!unlimited && hs->on_hand <= EPS)
        return;

    if (hd->nlanes) {                   /* priority or quota: lanes drop what they complete */
        if (hd->alloc == RP_ALLOC_PRIORITY)
            serve_priority(r, h);
        else
            serve_quota(r, h);
        return;
    }
    if (hd->alloc == RP_ALLOC_PROPORTIONAL && !unlimited
        && hs->on_hand < hs->owed - EPS) {
        serve_proportional(r, h);
    } else {
        prefix = true;
        for (uint32_t o = hs->q.head; o != RP_NONE; o = r->orders[o].next) {
            struct order *od = &r->orders[o];
            double q = unlimited || od->qty < hs->on_hand ? od->qty : hs->on_hand;
            if (q <= EPS)
                break;
            rp_eng_ship(r, h, od, q, false);
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
    for (uint32_t o = hs->q.head; o != RP_NONE;) {
        uint32_t next = r->orders[o].next;
        if (r->orders[o].qty <= EPS) {
            rp_eng_unlink_order(r, h, &hs->q, prev, o);
        } else if (prefix) {
            break;
        } else {
            prev = o;
        }
        o = next;
    }
}
