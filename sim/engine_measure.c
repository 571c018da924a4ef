/*
 * engine_measure.c - measurement: time integrals of holdings and nodes,
 * daily output and shortfall, time to survive and to recover, and the
 * values one replication reports.
 */
#include "engine_impl.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#define TTR_WINDOW 7                    /* days in the trailing mean of output */
#define TTR_PRE_DAYS 30                 /* days before an event that set "normal" */
#define TTR_LEVEL 0.95                  /* share of normal output that counts as recovered */

static void shortfall_at(struct rp_run *r, uint32_t n, double when);

void rp_eng_touch_node(struct rp_run *r, uint32_t n)
{
    struct node_st *ns = &r->n[n];
    double dt = r->now - ns->last;
    if (dt > 0) {
        if (ns->down) {
            ns->down_int += dt;         /* paused batches do not count as use */
            ns->down_lost += dt * ns->down_rate;
        } else {
            ns->busy_int += dt * ns->load;
        }
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

/*
 * The node fell short at `when`: the first time after each started event
 * sets its TTS. Before the earliest start among the events whose TTS is
 * still unset there is nothing to set, so the walk over every event is
 * skipped: a node short for months is short at every order.
 */
static void shortfall_at(struct rp_run *r, uint32_t n, double when)
{
    const struct rp_model *m = r->m;
    struct node_st *ns = &r->n[n];
    if (when < ns->tts_next)
        return;
    double next = INFINITY;
    for (size_t k = 0; k < m->nevents; k++) {
        double *t = &r->tts[k * m->nnodes + n];
        if (!isnan(*t))
            continue;
        if (r->ev[k].start <= when)
            *t = when - r->ev[k].start;
        else if (r->ev[k].start < next)
            next = r->ev[k].start;
    }
    ns->tts_next = next;
}

void rp_eng_shortfall(struct rp_run *r, uint32_t n)
{
    shortfall_at(r, n, r->now);
}

/*
 * Units holding h has fallen short by so far: lost, plus owed and not yet
 * shipped. A pass-through market is owed what is on its way to it too;
 * only what its suppliers have not shipped is short.
 */
static double shortfall_level(const struct rp_run *r, uint32_t h)
{
    return r->h[h].lost + rp_eng_owed_unshipped(r, h);
}

/*
 * Costs (cost.h): node n's over all it holds, whatever the product, over
 * [warmup, now]; rp_run_finish calls these with now at the end measured.
 * An event's one-off cost counts when the event starts in that window.
 */
static double node_spend(const struct rp_run *r, uint32_t n)
{
    const struct rp_model *m = r->m;
    double x = 0;
    for (uint32_t h = m->nodes[n].first_hold; h != RP_NONE; h = m->holds[h].next_at_node)
        x += r->h[h].spend;
    return x;
}

static double node_holding(const struct rp_run *r, uint32_t n)
{
    const struct rp_model *m = r->m;
    double x = 0;
    for (uint32_t h = m->nodes[n].first_hold; h != RP_NONE; h = m->holds[h].next_at_node)
        x += m->holds[h].holding * r->h[h].oh_int;     /* oh_int: unit-days */
    return x;
}

/* Margin on output lost (starved or down), penalty on demand unmet at the end. */
static double node_shortage(const struct rp_run *r, uint32_t n)
{
    const struct rp_model *m = r->m;
    const struct mnode *mn = &m->nodes[n];
    double x = 0;
    if (mn->margin > 0)
        x += mn->margin * (r->n[n].starve_int + r->n[n].down_lost);
    if (!(mn->penalty > 0))
        return x;
    for (uint32_t h = m->nodes[n].first_hold; h != RP_NONE; h = m->holds[h].next_at_node)
        if (m->holds[h].role == ROLE_DEMAND)
            x += mn->penalty * shortfall_level(r, h);
    return x;
}

static double node_policy(const struct rp_run *r, uint32_t n)
{
    const struct rp_model *m = r->m;
    double x = 0;
    for (uint32_t i = m->cost_claim0[n]; i < m->cost_claim0[n + 1]; i++) {
        const struct cost_claim *c = &m->cost_claims[i];
        double start = r->ev[c->event].start;
        if (start >= m->warmup && start <= r->now)
            x += c->share * m->events[c->event].cost;
    }
    return x;
}

static double node_cost(const struct rp_run *r, uint32_t n, enum rp_metric metric)
{
    switch (metric) {
    case RP_M_SPEND:
        return node_spend(r, n);
    case RP_M_HOLDING:
        return node_holding(r, n);
    case RP_M_SHORTAGE:
        return node_shortage(r, n);
    case RP_M_POLICY:
        return node_policy(r, n);
    case RP_M_COST:
        return node_spend(r, n) + node_holding(r, n) + node_shortage(r, n)
             + node_policy(r, n);
    default:
        break;
    }
    assert(0 && "not a cost metric");
    return 0;
}

/*
 * Day `day` ended: the shortfall of each node with a day slot goes into
 * sf_day, which only the series read. The walk is over the day slots'
 * holdings (r->day_hold), not over every node's model entry, and there is
 * none without series: on a network of 100,000 nodes a walk of the model
 * would stream it through the cache once a day. O(day slots) with series.
 */
void rp_eng_on_day(struct rp_run *r, uint32_t day)
{
    const struct rp_model *m = r->m;
    for (size_t s = 0; s < m->nday_nodes && r->sf_day; s++) {
        uint32_t h = r->day_hold[s];
        if (h != RP_NONE)
            r->sf_day[rp_eng_day_at(m, (int32_t)s, day)] = shortfall_level(r, h);
    }
    rp_eng_periods_day(r, day);
    if (day + 1 < m->ndays)             /* day d ends at time d + 1 */
        push(r, fmin(day + 2.0, m->horizon), EV_DAY,
             day + 1, 0, 0, 0, 0);
}

void rp_eng_reset_counters(struct rp_run *r)
{
    const struct rp_model *m = r->m;
    for (uint32_t h = 0; h < m->nholds; h++) {
        touch_hold(r, h);
        struct hold_st *hs = &r->h[h];
        hs->oh_int = hs->owed_int = hs->out_int = 0;
        hs->demand = hs->delivered = hs->lost = hs->from_stock = 0;
        hs->cyc_sum = hs->cyc_qty = hs->starved = hs->spend = 0;
        hs->peak = hs->owed_now;        /* the peak over [warmup, horizon] starts here */
    }
    for (uint32_t g = 0; g < m->ngroups; g++)
        r->grp_peak[g] = rp_eng_group_owed_floor(r, g);
    for (uint32_t n = 0; n < m->nnodes; n++) {
        rp_eng_touch_node(r, n);
        struct node_st *ns = &r->n[n];
        ns->busy_int = ns->down_int = ns->starve_int = 0;
        ns->produced = ns->stoppages = ns->down_lost = 0;
    }
    rp_eng_periods_warmup(r);
}

/*
 * Days from an event's start until the node's output is back to 95% of its
 * level over the 30 days before, judged from the node's first shortfall
 * after the event (tts days after its start): 0 if it never fell short, tts
 * if its output never dipped below that level, the rest of the horizon if
 * it never came back. Output is judged on a trailing 7-day mean, so that
 * batch-by-batch lumpiness does not count as a fall; and only after a
 * shortfall, so that ordinary ups and downs of demand do not either.
 */
static double output_on(const struct rp_run *r, const struct mnode *mn, size_t d)
{
    return r->out_day[rp_eng_day_at(r->m, mn->day_slot, d)];
}

static double recovery_time(const struct rp_run *r, uint32_t n, double start,
                            double tts)
{
    const struct rp_model *m = r->m;
    const struct mnode *mn = &m->nodes[n];
    double horizon = m->horizon;
    if (!(start < horizon) || mn->day_slot < 0)
        return 0;
    if (isnan(tts))
        return 0;                       /* never fell short */
    size_t s = (size_t)floor(start);
    size_t from = s > TTR_PRE_DAYS ? s - TTR_PRE_DAYS : 0;
    if (s <= from)
        return 0;                       /* no history to compare against */
    double pre = 0;
    for (size_t d = from; d < s; d++)
        pre += output_on(r, mn, d);
    pre /= (double)(s - from);
    if (pre <= 0)
        return 0;
    bool fell = false;
    double window = 0;
    size_t short_day = (size_t)floor(start + tts);
    for (size_t d = short_day >= TTR_WINDOW ? short_day - TTR_WINDOW : 0;
         d < short_day; d++)
        window += output_on(r, mn, d);
    for (size_t d = short_day; d < m->ndays; d++) {
        window += output_on(r, mn, d);
        if (d >= TTR_WINDOW)
            window -= output_on(r, mn, d - TTR_WINDOW);
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
    double servers = mn->servers ? mn->servers : 1;

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
    case RP_M_PEAK_BACKORDERS:
        return hs->peak;
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
        return isnan(ns->first_outage) ? r->m->horizon : ns->first_outage;
    case RP_M_SPEND:
    case RP_M_HOLDING:
    case RP_M_SHORTAGE:
    case RP_M_POLICY:
    case RP_M_COST:
        return node_cost(r, hd->node, metric);
    case RP_M_TTS:
    case RP_M_TTR:
    case RP_M_TTR_GT_TTS:
    case RP_M_DRAW:
    case RP_M_COUNT:
        break;
    }
    return 0;
}

/* Group figures, combined as the metric's list entry says (metrics.h). */
static double group_value(const struct rp_run *r, uint32_t g,
                          enum rp_metric metric, double span)
{
    const struct rp_model *m = r->m;
    enum rp_agg agg = rp_metric_agg(metric);
    double sum = 0, demand = 0, served = 0;
    uint32_t count = m->group_hold0[g + 1] - m->group_hold0[g];
    if (agg == RP_AGG_NODES) {          /* costs: the members' own, all products */
        for (uint32_t i = m->group_node0[g]; i < m->group_node0[g + 1]; i++)
            sum += node_cost(r, m->group_nodes[i], metric);
        return sum;
    }
    for (uint32_t i = m->group_hold0[g]; i < m->group_hold0[g + 1]; i++) {
        uint32_t h = m->group_holds[i];
        switch (agg) {
        case RP_AGG_RATIO:
            demand += r->h[h].demand;
            served += r->h[h].from_stock;
            break;
        case RP_AGG_MAKERS:
        case RP_AGG_MAKERS_MEAN:
            if (r->m->holds[h].role == ROLE_OUTPUT)
                sum += hold_value(r, h, metric, span);
            break;
        case RP_AGG_PEAK:
        case RP_AGG_NODES:
            break;                      /* tracked as it happens; costs above */
        case RP_AGG_NONE:
        case RP_AGG_SUM:
        case RP_AGG_MEAN:
            sum += hold_value(r, h, metric, span);
            break;
        }
    }
    if (agg == RP_AGG_RATIO)
        return demand > 0 ? served / demand : 1;
    if (agg == RP_AGG_PEAK)
        return r->grp_peak[g];
    if ((agg == RP_AGG_MAKERS_MEAN || agg == RP_AGG_MEAN) && count)
        return sum / (double)count;
    return sum;
}

uint64_t rp_run_finish(struct rp_run *r, double *out, double *series)
{
    const struct rp_model *m = r->m;

    rp_run_until(r, m->horizon);
    if (r->status == RP_RUN_OK)
        r->now = m->horizon;
    for (uint32_t h = 0; h < m->nholds; h++)
        touch_hold(r, h);
    for (uint32_t n = 0; n < m->nnodes; n++)
        rp_eng_touch_node(r, n);
    if (m->daily)
        rp_eng_on_day(r, (uint32_t)(m->ndays - 1));
    rp_eng_periods_finish(r);
    /* A replication stopped by its budget is measured up to where it got. */
    double end = r->status == RP_RUN_OK ? m->horizon : r->now;
    double span = end > m->warmup ? end - m->warmup : 0;

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
        case RP_SCOPE_INPUT:
            x = NAN;                    /* the draws' layer writes it (draws.h) */
            break;
        case RP_SCOPE_EVENT: {
            double start = r->ev[v->owner].start;
            double tts = r->tts[v->owner * m->nnodes + v->node];
            double left = m->horizon - start;
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
        case RP_SCOPE_PERIOD:
            x = rp_eng_period_value(r, v);
            break;
        }
        out[i] = x;
    }
    if (series && m->series) {
        size_t nd = m->ndays;
        for (uint32_t g = 0; g < m->ngroups; g++) {
            double *o = &series[(g * 2 + 0) * nd];
            double *f = &series[(g * 2 + 1) * nd];
            memset(o, 0, nd * sizeof *o);
            memset(f, 0, nd * sizeof *f);
            for (uint32_t i = m->group_node0[g]; i < m->group_node0[g + 1]; i++) {
                const struct mnode *mn = &m->nodes[m->group_nodes[i]];
                if (mn->day_slot < 0)
                    continue;
                for (size_t d = 0; d < nd; d++) {
                    o[d] += r->out_day[rp_eng_day_at(m, mn->day_slot, d)];
                    f[d] += r->sf_day[rp_eng_day_at(m, mn->day_slot, d)];
                }
            }
        }
    }
    return r->nevents;
}
