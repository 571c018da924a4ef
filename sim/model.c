/*
 * model.c - from a scenario to the immutable model one replication runs.
 *
 * Derives the holdings (who holds what, with which policy), the supply
 * edges, the edges each disruption touches, the random streams (one per
 * random quantity, keyed by its path) and the layout of the values a
 * replication reports. Runs once per scenario; nothing here is on the
 * event loop's path.
 */
#include "model_impl.h"
#include "model_build.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "ripple/dist.h"
#include "ripple/periods.h"
#include "ripple/rng.h"

/* ---------------------------------------------------------- model build */

static int32_t add_stream(struct build *b, const struct rp_dist *d)
{
    struct rp_model *m = b->m;
    if (!d || !rp_dist_is_random(d))
        return -1;
    if (m->nstreams == b->cap_streams) {
        b->cap_streams = b->cap_streams ? 2 * b->cap_streams : 32;
        m->stream_keys = rp_xrealloc(m->stream_keys,
                                     b->cap_streams * sizeof *m->stream_keys);
    }
    m->stream_keys[m->nstreams] = d->path_hash;
    return (int32_t)m->nstreams++;
}

/* Quantity d with its stream (none when constant). */
static struct rp_draw add_draw(struct build *b, const struct rp_dist *d)
{
    return (struct rp_draw){ .kind = d->kind, .stream = add_stream(b, d),
                             .a = d->a, .b = d->b, .c = d->c, .dist = d };
}

/* Quantity d where the node has no use for it: never drawn. */
static struct rp_draw no_draw(const struct rp_dist *d)
{
    return (struct rp_draw){ .kind = d->kind, .stream = -1,
                             .a = d->a, .b = d->b, .c = d->c, .dist = d };
}

int32_t mb_add_stream_key(struct build *b, uint64_t key)
{
    struct rp_dist d = rp_dist_const(0);
    d.kind = RP_DIST_UNIFORM;           /* any random kind: only the key is kept */
    d.path_hash = key;
    return add_stream(b, &d);
}

uint32_t rp_model_find_hold(const struct rp_model *m, uint32_t node, uint32_t product)
{
    for (uint32_t h = m->nodes[node].first_hold; h != RP_NONE;
         h = m->holds[h].next_at_node)
        if (m->holds[h].product == product)
            return h;
    return RP_NONE;
}

static uint32_t add_hold(struct build *b, uint32_t node, uint32_t product,
                         enum role role)
{
    struct rp_model *m = b->m;
    uint32_t h = rp_model_find_hold(m, node, product);
    if (h != RP_NONE)
        return h;
    if (m->nholds == b->cap_holds) {
        b->cap_holds = b->cap_holds ? 2 * b->cap_holds : 32;
        m->holds = rp_xrealloc(m->holds, b->cap_holds * sizeof *m->holds);
    }
    m->holds[m->nholds] = (struct hold){
        .node = node, .product = product, .role = role,
        .policy = RP_POLICY_BASE_STOCK, .edge0 = 0, .nedges = 0,
        .next_at_node = RP_NONE,
    };
    h = (uint32_t)m->nholds++;
    struct mnode *mn = &m->nodes[node];
    if (mn->first_hold == RP_NONE)
        mn->first_hold = h;
    else
        m->holds[mn->last_hold].next_at_node = h;
    mn->last_hold = h;
    return h;
}

static const struct rp_stock *stock_entry(const struct rp_node *n, uint32_t p)
{
    for (size_t i = 0; i < n->nstock; i++)
        if (n->stock[i].product == p)
            return &n->stock[i];
    return NULL;
}

static void set_policy(struct hold *h, const struct rp_stock *st)
{
    if (!st)
        return;                         /* base_stock at level 0, continuous */
    h->policy = st->policy;
    h->level = st->level;
    h->s = st->s;
    h->S = st->S;
    h->r = st->r;
    h->Q = st->Q;
    h->review = st->review;
    h->initial = st->initial;
    h->follow = h->role == ROLE_DEMAND ? RP_EVENT_DEMAND : RP_EVENT_CAPACITY;
    h->level_follows = st->cover > 0 && st->policy == RP_POLICY_BASE_STOCK;
    h->initial_follows = h->level_follows && !st->initial_given;
    h->has_alert = st->has_alert;
    h->alert_level = st->alert_level;
    h->alert_follows = st->has_alert && st->alert_cover > 0;
    h->holding = st->holding;
}

/* hold.need (model_impl.h); the node's rate must be set. */
static void set_need(struct hold *hd, const struct mnode *mn)
{
    if (hd->role == ROLE_INPUT && isfinite(mn->rate)) {
        hd->has_need = true;
        hd->need = hd->bom * mn->rate;
    } else if (hd->role == ROLE_DEMAND) {
        double every = rp_dist_mean(&mn->sc->demand.every);
        hd->has_need = true;
        hd->need = rp_dist_mean(&mn->sc->demand.size) / every;
    }
}

/*
 * The least factor capacity event d gives a node of nominal rate `rate`,
 * at any time: a path's least point (linear between points, so never
 * below both ends), a factor reached by a ramp from 1, or an addition.
 */
static double least_factor(const struct rp_disruption *d, double rate)
{
    if (d->npath) {
        double lo = d->path[0].factor;
        for (size_t i = 1; i < d->npath; i++)
            if (d->path[i].factor < lo)
                lo = d->path[i].factor;
        return lo < 1 ? lo : 1;
    }
    if (d->has_factor)
        return d->factor < 1 ? d->factor : 1;
    if (d->add >= 0)
        return 1;
    return rate > 0 ? 1 + d->add / rate : 0;
}

/*
 * Each node's capacity events, then its demand events, in event order, so
 * that the factor in force is a product over a handful of events rather
 * than over all of them (it is read at every demand and batch start).
 */
static void build_node_events(struct rp_model *m)
{
    const struct rp_scenario *sc = m->sc;
    /* A counting sort over (node, type): linear in nodes and events. */
    for (uint32_t k = 0; k < sc->nevents; k++) {
        const struct rp_disruption *d = &sc->events[k];
        if (d->type == RP_EVENT_CAPACITY)
            m->nodes[d->node].ncap_ev++;
        else if (d->type == RP_EVENT_DEMAND)
            m->nodes[d->node].ndem_ev++;
    }
    uint32_t at = 0;
    for (uint32_t n = 0; n < m->nnodes; n++) {
        struct mnode *mn = &m->nodes[n];
        mn->cap_ev0 = at;
        mn->dem_ev0 = at + mn->ncap_ev;
        at += mn->ncap_ev + mn->ndem_ev;
        mn->ncap_ev = mn->ndem_ev = 0;      /* recounted as they are placed */
        mn->cap_floor = 1;
        for (uint32_t h = mn->first_hold; h != RP_NONE; h = m->holds[h].next_at_node)
            if (m->holds[h].level_follows || m->holds[h].alert_follows)
                mn->follows = true;
    }
    m->node_events = rp_xcalloc(at + 1, sizeof *m->node_events);
    for (uint32_t k = 0; k < sc->nevents; k++) {
        const struct rp_disruption *d = &sc->events[k];
        struct mnode *mn = d->type == RP_EVENT_CAPACITY || d->type == RP_EVENT_DEMAND
                         ? &m->nodes[d->node] : NULL;
        if (mn && d->type == RP_EVENT_CAPACITY) {
            m->node_events[mn->cap_ev0 + mn->ncap_ev++] = k;
            double lo = least_factor(d, mn->rate);
            mn->cap_floor *= lo > 0 ? lo : 0;
        } else if (mn) {
            m->node_events[mn->dem_ev0 + mn->ndem_ev++] = k;
        }
    }
    m->follow_nodes = rp_xcalloc(m->nnodes + 1, sizeof *m->follow_nodes);
    for (uint32_t n = 0; n < m->nnodes; n++)
        if (m->nodes[n].follows && (m->nodes[n].ncap_ev || m->nodes[n].ndem_ev))
            m->follow_nodes[m->nfollow_nodes++] = n;
}

/*
 * Backups with a trigger judge the regular sources of their holding over a
 * trailing window of whole days: each regular edge keeps a ring of daily
 * (due, sent) amounts one day longer than the longest such window of the
 * holding (the day being written while the last one is judged), and no
 * longer than the run. Set up once; the run only indexes it.
 */
static void build_triggers(struct rp_model *m)
{
    const struct rp_scenario *sc = m->sc;
    double run_days = ceil(sc->horizon) + 1;
    m->trig_holds = rp_xcalloc(m->nholds + 1, sizeof *m->trig_holds);
    for (uint32_t e = 0; e < m->nedges; e++)
        m->edges[e].bin0 = RP_NONE;
    for (uint32_t n = 0; n < sc->nnodes; n++) {
        const struct rp_node *nd = &sc->nodes[n];
        for (size_t i = 0; i < nd->nsources; i++) {
            const struct rp_sourcing *so = &nd->sources[i];
            uint32_t h = rp_model_find_hold(m, n, so->product);
            struct hold *hd = &m->holds[h];
            uint32_t longest = 0;
            for (size_t j = 0; j < so->nsources; j++) {
                const struct rp_source *src = &so->sources[j];
                struct edge *ed = &m->edges[hd->edge0 + j];
                if (!src->has_trigger)
                    continue;
                double w = fmin(ceil(src->trigger_window), run_days);
                ed->trig = true;
                ed->trig_fill = src->trigger_fill;
                ed->trig_window = (uint32_t)w;
                if (ed->trig_window > longest)
                    longest = ed->trig_window;
            }
            if (!longest)
                continue;
            hd->trig_days = longest + 1;
            m->trig_holds[m->ntrig_holds++] = h;
            for (uint32_t j = 0; j < hd->nedges; j++)
                if (!m->edges[hd->edge0 + j].backup) {
                    m->edges[hd->edge0 + j].bin0 = (uint32_t)m->ntrig_bins;
                    m->ntrig_bins += hd->trig_days;
                }
        }
    }
}

uint32_t rp_model_buyer_class(const struct rp_node *sup, const struct rp_node *buyer)
{
    rp_country who = sup->priority_by == RP_BY_OWNER ? buyer->owner : buyer->country;
    if (sup->allocation == RP_ALLOC_PRIORITY) {
        for (size_t k = 0; k < sup->npriority; k++)
            if (rp_cset_has(&sup->priority[k], who))
                return (uint32_t)k;
        return (uint32_t)sup->npriority;
    }
    if (sup->allocation != RP_ALLOC_QUOTA)
        return 0;
    uint32_t other = (uint32_t)sup->nquota;
    for (size_t k = 0; k < sup->nquota; k++) {
        if (sup->quota[k].other)
            other = (uint32_t)k;
        else if (rp_cset_has(&sup->quota[k].members, who))
            return (uint32_t)k;
    }
    return other;
}

static bool edge_matches(const struct rp_scenario *sc, const struct edge *e,
                         const struct hold *h, const struct rp_disruption *d)
{
    const struct rp_node *sup = &sc->nodes[e->supplier];
    const struct rp_node *cus = &sc->nodes[h->node];
    bool product = false;
    for (size_t i = 0; i < d->nproducts; i++)
        if (d->products[i] == h->product)
            product = true;
    if (!product || !rp_cset_has(&d->from, sup->country))
        return false;
    return d->by_owner ? rp_cset_has(&d->to_owner, cus->owner)
                       : rp_cset_has(&d->to, cus->country);
}

/*
 * The edges each node supplies, by a counting sort on the supplier that
 * keeps edge order within a node: what an outage re-routes is then found
 * in the node's own list, where a scan of every edge made a network's run
 * time grow with nodes x outages.
 */
static void index_supply_edges(struct rp_model *m)
{
    m->supply_edge0 = rp_xcalloc(m->nnodes + 1, sizeof *m->supply_edge0);
    m->supply_edges = rp_xcalloc(m->nedges + 1, sizeof *m->supply_edges);
    for (size_t e = 0; e < m->nedges; e++)
        m->supply_edge0[m->edges[e].supplier + 1]++;
    for (size_t n = 0; n < m->nnodes; n++)
        m->supply_edge0[n + 1] += m->supply_edge0[n];
    uint32_t *fill = rp_xcalloc(m->nnodes + 1, sizeof *fill);
    for (size_t e = 0; e < m->nedges; e++) {
        uint32_t n = m->edges[e].supplier;
        m->supply_edges[m->supply_edge0[n] + fill[n]++] = (uint32_t)e;
    }
    free(fill);
}

/* Holdings: output first, then inputs, demand, other stock, per node. */
static void build_holds(struct build *b)
{
    struct rp_model *m = b->m;
    const struct rp_scenario *sc = m->sc;
    for (uint32_t n = 0; n < sc->nnodes; n++) {
        const struct rp_node *nd = &sc->nodes[n];
        struct mnode *mn = &m->nodes[n];
        mn->sc = nd;
        mn->out_hold = RP_NONE;
        mn->main_hold = RP_NONE;
        mn->day_slot = -1;
        if (nd->make.product != RP_NONE) {
            uint32_t h = add_hold(b, n, nd->make.product, ROLE_OUTPUT);
            set_policy(&m->holds[h], stock_entry(nd, nd->make.product));
            if (nd->make.to_order)
                m->holds[h].level = 0;
            mn->out_hold = mn->main_hold = h;
            mn->in0 = (uint32_t)m->nholds;
            for (size_t i = 0; i < nd->make.ninputs; i++) {
                const struct rp_bom_line *bl = &nd->make.inputs[i];
                uint32_t hi = add_hold(b, n, bl->product, ROLE_INPUT);
                set_policy(&m->holds[hi], stock_entry(nd, bl->product));
                m->holds[hi].bom = bl->qty;
            }
            mn->nin = (uint32_t)m->nholds - mn->in0;
            double mean_t = rp_dist_mean(&nd->make.time);
            mn->rate = mean_t > 0 ? nd->make.batch * nd->make.servers / mean_t
                                  : INFINITY;
            mn->mean_time = mean_t;
            mn->batch = nd->make.batch;
            mn->servers = nd->make.servers;
            mn->stock_keeping = !nd->make.to_order && m->holds[mn->out_hold].level > 0;
        }
        if (nd->demand.product != RP_NONE) {
            const struct rp_stock *st = stock_entry(nd, nd->demand.product);
            uint32_t h = add_hold(b, n, nd->demand.product, ROLE_DEMAND);
            set_policy(&m->holds[h], st);
            m->holds[h].passthrough = st == NULL;
            mn->main_hold = h;
            mn->stock_keeping = st != NULL;
        }
        for (size_t i = 0; i < nd->nstock; i++) {
            uint32_t h = add_hold(b, n, nd->stock[i].product, ROLE_STOCK);
            if (m->holds[h].role == ROLE_STOCK) {
                set_policy(&m->holds[h], &nd->stock[i]);
                if (mn->main_hold == RP_NONE) {
                    mn->main_hold = h;
                    mn->stock_keeping = true;
                }
            }
        }
    }
}

/* Edges, and the supplier holdings they draw on (unlimited ones on demand). */
static void build_edges(struct build *b)
{
    struct rp_model *m = b->m;
    const struct rp_scenario *sc = m->sc;
    size_t nedges = 0;
    for (uint32_t n = 0; n < sc->nnodes; n++)
        for (size_t i = 0; i < sc->nodes[n].nsources; i++)
            nedges += sc->nodes[n].sources[i].nsources;
    m->edges = rp_xcalloc(nedges + 1, sizeof *m->edges);
    for (uint32_t n = 0; n < sc->nnodes; n++) {
        const struct rp_node *nd = &sc->nodes[n];
        for (size_t i = 0; i < nd->nsources; i++) {
            const struct rp_sourcing *so = &nd->sources[i];
            uint32_t h = rp_model_find_hold(m, n, so->product);
            if (h == RP_NONE)       /* sources for a product held nowhere: a stock holding */
                h = add_hold(b, n, so->product, ROLE_STOCK);
            m->holds[h].edge0 = (uint32_t)m->nedges;
            m->holds[h].nedges = (uint32_t)so->nsources;
            for (size_t j = 0; j < so->nsources; j++) {
                const struct rp_source *src = &so->sources[j];
                const struct rp_node *sup = &sc->nodes[src->supplier];
                uint32_t sh = rp_model_find_hold(m, src->supplier, so->product);
                if (sh == RP_NONE)
                    sh = add_hold(b, src->supplier, so->product,
                                  sup->unlimited ? ROLE_UNLIMITED : ROLE_STOCK);
                struct rp_draw lead = add_draw(b, &src->lead_time);
                struct rp_draw qualify = add_draw(b, &src->qualify);
                m->edges[m->nedges++] = (struct edge){
                    .hold = h, .supplier = src->supplier, .supplier_hold = sh,
                    .share = src->share, .backup = src->backup,
                    .lead = lead, .qualify = qualify,
                    .buyer_class = rp_model_buyer_class(sup, nd),
                    .price = src->price,
                };
            }
        }
    }
}

/*
 * Each node's random quantities (streams in node order, after the edges'),
 * what the engine asks of its demand and outages, its classes and servers.
 */
static void build_node_draws(struct build *b)
{
    struct rp_model *m = b->m;
    for (uint32_t n = 0; n < m->nnodes; n++) {
        struct mnode *mn = &m->nodes[n];
        const struct rp_node *nd = mn->sc;
        if (mn->main_hold == RP_NONE)
            mn->main_hold = mn->first_hold;
        bool makes = nd->make.product != RP_NONE, sells = nd->demand.product != RP_NONE;
        mn->make_time = makes ? add_draw(b, &nd->make.time) : no_draw(&nd->make.time);
        mn->demand_every = sells ? add_draw(b, &nd->demand.every) : no_draw(&nd->demand.every);
        mn->demand_size = sells ? add_draw(b, &nd->demand.size) : no_draw(&nd->demand.size);
        mn->up = nd->outages.present ? add_draw(b, &nd->outages.every)
                                     : no_draw(&nd->outages.every);
        mn->down = nd->outages.present ? add_draw(b, &nd->outages.lasts)
                                       : no_draw(&nd->outages.lasts);
        mn->sells = sells;
        mn->lost_sales = nd->demand.unmet == RP_UNMET_LOST;
        mn->has_outages = nd->outages.present;
        mn->self_class = rp_model_buyer_class(nd, nd);
        size_t ncls = (nd->npriority > nd->nquota ? nd->npriority : nd->nquota) + 1;
        if (ncls > m->max_classes)
            m->max_classes = ncls;
        mn->server0 = (uint32_t)m->nservers;
        if (makes)
            m->nservers += nd->make.servers;
    }
}

/* Each node's quota shares, by class, in one array (mnode.quota0). */
static void build_quotas(struct rp_model *m)
{
    size_t total = 0;
    for (uint32_t n = 0; n < m->nnodes; n++)
        total += m->nodes[n].sc->nquota;
    m->quota_share = rp_xcalloc(total + 1, sizeof *m->quota_share);
    uint32_t at = 0;
    for (uint32_t n = 0; n < m->nnodes; n++) {
        const struct rp_node *nd = m->nodes[n].sc;
        m->nodes[n].quota0 = at;
        m->nodes[n].nquota = (uint32_t)nd->nquota;
        for (size_t c = 0; c < nd->nquota; c++)
            m->quota_share[at++] = nd->quota[c].share;
    }
}

/* What the engine reads of disruption d, copied into me (path points into pts). */
static void copy_event(struct mevent *me, const struct rp_disruption *d,
                       struct path_pt *pts)
{
    me->type = d->type;
    me->severity = d->severity;
    me->seize = d->in_transit == RP_IN_TRANSIT_SEIZE;
    me->announce = d->announce;
    me->approval = d->approval;
    me->node = d->node;
    me->has_factor = d->has_factor;
    me->factor = d->factor;
    me->add = d->add;
    me->ramp = d->ramp;
    for (size_t i = 0; i < d->npath; i++)
        pts[i] = (struct path_pt){ d->path[i].day, d->path[i].factor };
    me->path = pts;
    me->npath = (uint32_t)d->npath;
}

/* The edges event d touches, appended to m->event_edges (cap: its room). */
static void add_event_edges(struct rp_model *m, const struct rp_disruption *d,
                            size_t *nee, size_t *cap)
{
    for (uint32_t e = 0; e < m->nedges; e++) {
        if (!edge_matches(m->sc, &m->edges[e], &m->holds[m->edges[e].hold], d))
            continue;
        if (*nee == *cap) {
            *cap *= 2;
            m->event_edges = rp_xrealloc(m->event_edges, *cap * sizeof *m->event_edges);
        }
        m->event_edges[(*nee)++] = e;
    }
}

/* Disruptions: what the engine reads of them, their streams and the edges they touch. */
static void build_events(struct build *b)
{
    struct rp_model *m = b->m;
    const struct rp_scenario *sc = m->sc;
    m->nevents = sc->nevents;
    m->events = rp_xcalloc(sc->nevents + 1, sizeof *m->events);
    size_t npts = 0;
    for (uint32_t k = 0; k < sc->nevents; k++)
        npts += sc->events[k].npath;
    m->path_pts = rp_xcalloc(npts + 1, sizeof *m->path_pts);
    size_t cap_ee = 16, nee = 0;
    m->event_edges = rp_xmalloc(cap_ee * sizeof *m->event_edges);
    npts = 0;
    for (uint32_t k = 0; k < sc->nevents; k++) {
        const struct rp_disruption *d = &sc->events[k];
        struct mevent *me = &m->events[k];
        me->sc = d;
        copy_event(me, d, m->path_pts + npts);
        npts += d->npath;
        me->start = add_draw(b, &d->start);
        me->duration = add_draw(b, &d->duration);
        me->delay = no_draw(&d->delay);
        me->approval_stream = -1;
        me->edge0 = (uint32_t)nee;
        if (d->type == RP_EVENT_EXPORT_BAN || d->type == RP_EVENT_EXPORT_LICENCE)
            add_event_edges(m, d, &nee, &cap_ee);
        me->nedges = (uint32_t)(nee - me->edge0);
        if (d->type == RP_EVENT_EXPORT_LICENCE) {
            me->delay = add_draw(b, &d->delay);
            char path[512];
            snprintf(path, sizeof path, "events.%s.approval", d->id);
            me->approval_stream = mb_add_stream_key(b, rp_path_hash(path));
        }
    }
}

/*
 * A holding whose node allocates by class keeps one backlog per class,
 * so that serving a class walks only its own orders.
 */
static void build_lanes(struct rp_model *m)
{
    for (uint32_t h = 0; h < m->nholds; h++) {
        struct hold *hd = &m->holds[h];
        const struct rp_node *nd = m->nodes[hd->node].sc;
        hd->alloc = nd->allocation;
        set_need(hd, &m->nodes[hd->node]);
        if (hd->role == ROLE_UNLIMITED || hd->passthrough)
            continue;
        if (nd->allocation == RP_ALLOC_PRIORITY)
            hd->nlanes = (uint32_t)nd->npriority + 1;
        else if (nd->allocation == RP_ALLOC_QUOTA)
            hd->nlanes = (uint32_t)nd->nquota + 1;
        hd->lane0 = (uint32_t)m->nlanes;
        m->nlanes += hd->nlanes;
    }
}

/* Daily buckets: needed for recovery times and for series. */
static void build_days(struct rp_model *m)
{
    const struct rp_scenario *sc = m->sc;
    m->series = sc->series && sc->nreport_groups > 0;
    if (sc->has_day0) {
        m->periods = rp_xcalloc(RP_MAX_PERIODS + 1, sizeof *m->periods);
        m->nperiods = rp_periods_of(sc->day0, sc->horizon, m->periods, RP_MAX_PERIODS);
    }
    m->daily = m->series || sc->nevents > 0 || m->ntrig_holds > 0 || m->nperiods > 0;
    if (!m->daily)
        return;
    m->ndays = (size_t)ceil(sc->horizon);
    if (m->ndays == 0)
        m->ndays = 1;
    for (uint32_t n = 0; n < m->nnodes; n++) {
        const struct rp_node *nd = m->nodes[n].sc;
        if (nd->make.product != RP_NONE || nd->demand.product != RP_NONE)
            m->nodes[n].day_slot = (int32_t)m->nday_nodes++;
    }
}

/* Each report group's member nodes, as the scenario lists them. */
static void build_group_nodes(struct rp_model *m)
{
    const struct rp_scenario *sc = m->sc;
    m->ngroups = sc->nreport_groups;
    m->group_node0 = rp_xcalloc(m->ngroups + 1, sizeof *m->group_node0);
    uint32_t at = 0;
    for (size_t g = 0; g < m->ngroups; g++)
        at += (uint32_t)sc->report_groups[g].nnodes;
    m->group_nodes = rp_xcalloc(at + 1, sizeof *m->group_nodes);
    at = 0;
    for (size_t g = 0; g < m->ngroups; g++) {
        const struct rp_report_group *rg = &sc->report_groups[g];
        m->group_node0[g] = at;
        for (size_t i = 0; i < rg->nnodes; i++)
            m->group_nodes[at++] = rg->nodes[i];
    }
    m->group_node0[m->ngroups] = at;
}

/* Each group's holdings of its product, found once here, not per replication. */
static void build_group_holds(struct rp_model *m)
{
    size_t ng = m->ngroups;
    m->group_hold0 = rp_xcalloc(ng + 1, sizeof *m->group_hold0);
    m->group_holds = rp_xcalloc(m->group_node0[ng] + 1, sizeof *m->group_holds);
    uint32_t ngh = 0;
    for (uint32_t g = 0; g < ng; g++) {
        m->group_hold0[g] = ngh;
        for (uint32_t i = m->group_node0[g];
             i < m->group_node0[g + 1] && m->group_product[g] != RP_NONE; i++) {
            uint32_t h = rp_model_find_hold(m, m->group_nodes[i], m->group_product[g]);
            if (h != RP_NONE)
                m->group_holds[ngh++] = h;
        }
    }
    m->group_hold0[ng] = ngh;
    /* The reverse, for peak_backorders: the groups each holding counts in. */
    m->hold_group0 = rp_xcalloc(m->nholds + 2, sizeof *m->hold_group0);
    m->hold_groups = rp_xcalloc(ngh + 1, sizeof *m->hold_groups);
    for (uint32_t i = 0; i < ngh; i++)
        m->hold_group0[m->group_holds[i] + 1]++;
    for (size_t h = 0; h < m->nholds; h++)
        m->hold_group0[h + 1] += m->hold_group0[h];
    uint32_t *fill = rp_xcalloc(m->nholds + 1, sizeof *fill);
    for (uint32_t g = 0; g < ng; g++)
        for (uint32_t i = m->group_hold0[g]; i < m->group_hold0[g + 1]; i++) {
            uint32_t h = m->group_holds[i];
            m->hold_groups[m->hold_group0[h] + fill[h]++] = g;
        }
    free(fill);
}

/* Results look up each node value's holding once here, not per replication. */
static void find_value_holds(struct rp_model *m)
{
    m->value_hold = rp_xcalloc(m->nvalues + 1, sizeof *m->value_hold);
    for (size_t i = 0; i < m->nvalues; i++)
        m->value_hold[i] = m->values[i].scope == RP_SCOPE_NODE
            ? rp_model_find_hold(m, m->values[i].owner, m->values[i].product)
            : RP_NONE;
}

/*
 * The steps in order: streams are numbered as they are added (edges, then
 * nodes, then events, then uncertain inputs), so the order is part of every
 * result.
 */
struct rp_model *rp_model_new(const struct rp_scenario *sc)
{
    struct rp_model *m = rp_xcalloc(1, sizeof *m);
    struct build b = { .m = m };

    m->sc = sc;
    m->horizon = sc->horizon;
    m->warmup = sc->warmup;
    m->nnodes = sc->nnodes;
    m->nodes = rp_xcalloc(sc->nnodes, sizeof *m->nodes);
    for (uint32_t n = 0; n < sc->nnodes; n++)
        m->nodes[n].first_hold = m->nodes[n].last_hold = RP_NONE;
    build_holds(&b);
    build_edges(&b);
    index_supply_edges(m);
    build_triggers(m);
    build_node_draws(&b);
    build_quotas(m);
    build_events(&b);
    build_node_events(m);
    rp_cost_build(m);
    build_lanes(m);
    build_days(m);
    build_group_nodes(m);
    mb_build_layout(&b);
    build_group_holds(m);
    find_value_holds(m);
    return m;
}

void rp_model_free(struct rp_model *m)
{
    if (!m)
        return;
    free(m->holds);
    free(m->edges);
    free(m->supply_edge0);
    free(m->supply_edges);
    free(m->nodes);
    free(m->events);
    free(m->event_edges);
    free(m->node_events);
    free(m->follow_nodes);
    free(m->trig_holds);
    free(m->stream_keys);
    free(m->values);
    free(m->value_hold);
    free(m->group_product);
    free(m->periods);
    free(m->group_node0);
    free(m->group_nodes);
    free(m->group_hold0);
    free(m->group_holds);
    free(m->hold_group0);
    free(m->hold_groups);
    rp_cost_release(m);
    free(m->input_stream);
    free(m->quota_share);
    free(m->path_pts);
    free(m);
}

const struct rp_scenario *rp_model_scenario(const struct rp_model *m)
{
    return m->sc;
}

size_t rp_model_nvalues(const struct rp_model *m)
{
    return m->nvalues;
}

const struct rp_value_desc *rp_model_values(const struct rp_model *m)
{
    return m->values;
}

size_t rp_model_series_days(const struct rp_model *m)
{
    return m->series ? m->ndays : 0;
}

size_t rp_model_series_len(const struct rp_model *m)
{
    return m->series ? m->sc->nreport_groups * 2 * m->ndays : 0;
}

const struct rp_period *rp_model_periods(const struct rp_model *m, size_t *n)
{
    *n = m->nperiods;
    return m->periods;
}

uint32_t rp_model_group_product(const struct rp_model *m, uint32_t group)
{
    return group < m->sc->nreport_groups ? m->group_product[group] : RP_NONE;
}
