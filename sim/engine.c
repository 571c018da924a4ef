/*
 * engine.c - one replication: run state, the work list, the event loop and
 * its one table from event kind to handler.
 *
 * The network is a set of holdings (a node's stock of one product) joined by
 * supply edges (customer holding <- supplier node). Goods move only as
 * orders: a holding orders under its stock policy, the order is split over
 * the active edges, the supplier ships from stock or keeps the rest in its
 * backlog, and a shipment arrives after the edge's lead time. Makers turn
 * inputs into output in batches. Every rule that the scenario format leaves
 * open is written down in docs/SCENARIO-FORMAT.md; the comments here say why
 * the code is shaped as it is. The model it runs is built by model.c; the
 * handlers live in engine_orders.c, engine_makers.c, engine_disrupt.c and
 * engine_measure.c (see engine_impl.h).
 */
#include "engine_impl.h"
#include "sensitivity_draws.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The families other than the exponential and the uniform, and empirical tables. */
__attribute__((noinline)) static double draw_other(gsl_rng *g, const struct rp_draw *d)
{
    if (d->kind == RP_DIST_EMPIRICAL)
        return rp_dist_sample(d->dist, g);
    return rp_dist_sample_abc(d->kind, d->a, d->b, d->c, g);
}

/*
 * The exponential and the uniform (M/M/1's every draw, most lead times)
 * are taken here with their kind a constant, so that each is a leaf path
 * that needs none of the saved registers the other families' code takes
 * (draw_other), and skips their prologue. The same numbers either way.
 */
double rp_eng_draw_random(struct rp_run *r, const struct rp_draw *d)
{
    gsl_rng *g = d->stream >= 0 ? r->streams[d->stream] : NULL;
    if (d->kind == RP_DIST_EXPONENTIAL)
        return rp_dist_sample_abc(RP_DIST_EXPONENTIAL, d->a, d->b, d->c, g);
    if (d->kind == RP_DIST_UNIFORM)
        return rp_dist_sample_abc(RP_DIST_UNIFORM, d->a, d->b, d->c, g);
    return draw_other(g, d);
}

/* Per day slot, the main holding of its node (RP_NONE: none): what rp_eng_on_day notes. */
static uint32_t *day_holds(const struct rp_model *m)
{
    uint32_t *dh = rp_xcalloc(m->nday_nodes + 1, sizeof *dh);
    for (uint32_t n = 0; n < m->nnodes; n++)
        if (m->nodes[n].day_slot >= 0)
            dh[m->nodes[n].day_slot] = m->nodes[n].main_hold;
    return dh;
}

/*
 * n zeroed items of size bytes from a block one line longer, the first
 * item starting a line (*mem is what to free): hold_st and node_st are
 * aligned to lines, and calloc aligns to 16 bytes only.
 */
static void *line_calloc(size_t n, size_t size, void **mem)
{
    *mem = rp_xcalloc(n * size + 64, 1);
    return (void *)(((uintptr_t)*mem + 63) & ~(uintptr_t)63);
}

struct rp_run *rp_run_new(const struct rp_model *m)
{
    struct rp_run *r = rp_xcalloc(1, sizeof *r);
    r->m = m;
    rp_evq_init(&r->q);
    r->streams = rp_xcalloc(m->nstreams + 1, sizeof *r->streams);
    for (size_t i = 0; i < m->nstreams; i++)
        r->streams[i] = rp_rng_new();
    r->h = line_calloc(m->nholds + 1, sizeof *r->h, &r->h_mem);
    r->n = line_calloc(m->nnodes + 1, sizeof *r->n, &r->n_mem);
    r->e = rp_xcalloc(m->nedges + 1, sizeof *r->e);
    r->ev = rp_xcalloc(m->nevents + 1, sizeof *r->ev);
    r->srv = rp_xcalloc(m->nservers + 1, sizeof *r->srv);
    r->tts = rp_xcalloc(m->nevents * m->nnodes + 1, sizeof *r->tts);
    if (m->daily) {
        r->out_day = rp_xcalloc(m->nday_nodes * m->ndays + 1, sizeof *r->out_day);
        if (m->series) {                /* read only by the series */
            r->sf_day = rp_xcalloc(m->nday_nodes * m->ndays + 1, sizeof *r->sf_day);
            r->day_hold = day_holds(m);
        }
    }
    r->cap_orders = 64;
    r->orders = rp_xmalloc(r->cap_orders * sizeof *r->orders);
    /* One slot per holding and per node: an item is in the ring at most once. */
    r->work_cap = (uint32_t)(m->nholds + m->nnodes);
    r->work = rp_xcalloc(r->work_cap + 1, sizeof *r->work);
    r->work_pending = rp_xcalloc(r->work_cap + 1, sizeof *r->work_pending);
    r->lanes = rp_xcalloc(m->nlanes + 1, sizeof *r->lanes);
    r->grp_owed = rp_xcalloc(m->ngroups + 1, sizeof *r->grp_owed);
    r->grp_peak = rp_xcalloc(m->ngroups + 1, sizeof *r->grp_peak);
    r->owed_marks = rp_xcalloc(m->nholds + 1, sizeof *r->owed_marks);
    r->cls_buf = rp_xcalloc(2 * m->max_classes + 2, sizeof *r->cls_buf);
    r->trig_bin = rp_xcalloc(2 * m->ntrig_bins + 2, sizeof *r->trig_bin);
    r->trig_sum = rp_xcalloc(m->ntrig_holds ? 2 * m->nedges : 2, sizeof *r->trig_sum);
    rp_eng_periods_new(r);
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
    free(r->h_mem);
    free(r->n_mem);
    free(r->e);
    free(r->ev);
    free(r->srv);
    free(r->tts);
    free(r->out_day);
    free(r->sf_day);
    free(r->day_hold);
    free(r->orders);
    free(r->work);
    free(r->work_pending);
    free(r->cls_buf);
    free(r->trig_bin);
    free(r->trig_sum);
    free(r->grp_owed);
    free(r->grp_peak);
    free(r->owed_marks);
    rp_eng_periods_free(r);
    free(r->lanes);
    free(r);
}

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
void rp_eng_replan_hold(struct rp_run *r, uint32_t h)
{
    if (r->m->holds[h].review <= 0)
        work_push(r, h);
}

void rp_eng_replan_maker(struct rp_run *r, uint32_t n)
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
            rp_eng_replenish(r, item);
        else
            rp_eng_try_start(r, item - nholds);
    }
}

/*
 * Each event's start and duration for this replication, and its
 * announcement, start and end on the queue; every node's TTS waits for
 * the first start (shortfall_at).
 */
static void draw_events(struct rp_run *r)
{
    const struct rp_model *m = r->m;
    double first_start = INFINITY;
    for (uint32_t k = 0; k < m->nevents; k++) {
        const struct mevent *me = &m->events[k];
        double s = draw(r, &me->start);
        double d = draw(r, &me->duration);
        r->ev[k] = (struct ev_st){ .start = s, .end = s + d, .active = false };
        /* Known before it starts: announced (never before time 0). */
        if (me->announce > 0 && s > 0)
            push(r, s - me->announce > 0 ? s - me->announce : 0,
                 EV_ANNOUNCE, k, 0, 0, 0, 0);
        push(r, s, EV_DIS_START, k, 0, 0, 0, 0);
        if (isfinite(d))
            push(r, s + d, EV_DIS_END, k, 0, 0, 0, 0);
        if (s < first_start)
            first_start = s;
    }
    for (uint32_t n = 0; n < m->nnodes; n++)
        r->n[n].tts_next = first_start;
}

void rp_run_start(struct rp_run *r, uint64_t seed, uint64_t rep)
{
    const struct rp_model *m = r->m;

    rp_evq_clear(&r->q);
    for (size_t i = 0; i < m->nstreams; i++)
        rp_rng_rekey(r->streams[i], rp_key(seed, rep, m->stream_keys[i]));
    r->now = 0;
    r->warmup = m->warmup;
    r->nevents = 0;
    r->nwork = 0;
    r->status = RP_RUN_OK;
    r->done = false;
    r->norders = 0;
    r->free_order = RP_NONE;
    r->work_head = r->work_len = 0;
    r->nowed_marks = 0;
    memset(r->work_pending, 0, r->work_cap * sizeof *r->work_pending);

    for (uint32_t h = 0; h < m->nholds; h++) {
        r->h[h] = (struct hold_st){ .q = { RP_NONE, RP_NONE } };
        r->h[h].on_hand = m->holds[h].role == ROLE_UNLIMITED ? 0 : m->holds[h].initial;
    }
    memset(r->grp_owed, 0, (m->ngroups + 1) * sizeof *r->grp_owed);
    memset(r->grp_peak, 0, (m->ngroups + 1) * sizeof *r->grp_peak);
    rp_eng_periods_reset(r);
    for (size_t i = 0; i < m->nlanes; i++)
        r->lanes[i] = (struct oqueue){ RP_NONE, RP_NONE };
    for (uint32_t n = 0; n < m->nnodes; n++) {
        r->n[n] = (struct node_st){ .starve_input = RP_NONE, .first_outage = NAN,
                                    .cover_mult = { 1, 1 } };
    }
    for (uint32_t e = 0; e < m->nedges; e++)
        r->e[e] = (struct edge_st){ .pass = 1, .licence = RP_NONE };
    memset(r->srv, 0, (m->nservers + 1) * sizeof *r->srv);
    memset(r->trig_bin, 0, 2 * m->ntrig_bins * sizeof *r->trig_bin);
    for (size_t i = 0; i < m->nevents * m->nnodes; i++)
        r->tts[i] = NAN;
    if (m->daily) {
        memset(r->out_day, 0, m->nday_nodes * m->ndays * sizeof *r->out_day);
        if (r->sf_day)
            memset(r->sf_day, 0, m->nday_nodes * m->ndays * sizeof *r->sf_day);
    }

    /* Warm-up first, so that everything at its time counts; the horizon last. */
    if (m->warmup > 0)
        push(r, m->warmup, EV_WARMUP, 0, 0, 0, 0, 0);
    push(r, m->horizon, EV_HORIZON, 0, 0, 0, 0, 0);
    if (m->daily)
        push(r, m->horizon < 1 ? m->horizon : 1, EV_DAY, 0, 0, 0, 0, 0);

    draw_events(r);
    rp_eng_initial_stock(r);            /* needs the events' drawn starts */
    for (uint32_t n = 0; n < m->nnodes; n++) {
        const struct mnode *mn = &m->nodes[n];
        if (mn->sells)
            push(r, draw(r, &mn->demand_every), EV_DEMAND, n, 0, 0, 0, 0);
        if (mn->has_outages)
            push(r, draw(r, &mn->up), EV_FAIL, n, 0, 0, 0, 0);
    }
    for (uint32_t h = 0; h < m->nholds; h++)
        if (m->holds[h].review > 0 && m->holds[h].nedges)
            push(r, 0, EV_REVIEW, h, 0, 0, 0, 0);
    /*
     * Makers start and holdings order at time 0 as an event of the state
     * class pushed after the disruptions, so that a ban starting at 0 is
     * already in force when the first orders go out.
     */
    push(r, 0, EV_KICKOFF, 0, 0, 0, 0, 0);
}

static void kickoff(struct rp_run *r)
{
    const struct rp_model *m = r->m;
    for (uint32_t n = 0; n < m->nnodes; n++)
        if (m->nodes[n].out_hold != RP_NONE)
            rp_eng_try_start(r, n);
    for (uint32_t h = 0; h < m->nholds; h++)
        rp_eng_replenish(r, h);
}

static void step(struct rp_run *r, const struct rp_event *ev)
{
    switch ((enum ev_kind)ev->kind) {
    case EV_ARRIVAL:
        rp_eng_on_arrival(r, ev);
        break;
    case EV_BATCH_DONE:
        rp_eng_on_batch_done(r, ev);
        break;
    case EV_DEMAND:
        rp_eng_on_demand(r, ev_node(ev));
        break;
    case EV_FAIL:
        rp_eng_on_fail(r, ev_node(ev));
        break;
    case EV_RESTORE:
        rp_eng_on_restore(r, ev_node(ev));
        break;
    case EV_DIS_START:
        rp_eng_on_dis(r, ev_disruption(ev), true);
        break;
    case EV_DIS_END:
        rp_eng_on_dis(r, ev_disruption(ev), false);
        break;
    case EV_QUALIFY:
        rp_eng_on_qualify(r, ev_edge(ev));
        break;
    case EV_LICENCE:
        rp_eng_on_licence(r, ev);
        break;
    case EV_PATH:
        rp_eng_on_path(r, ev_disruption(ev));
        break;
    case EV_ANNOUNCE:
        rp_eng_on_announce(r, ev_disruption(ev));
        break;
    case EV_REVIEW:
        rp_eng_review_now(r, ev_hold(ev));
        push(r, r->now + r->m->holds[ev_hold(ev)].review, EV_REVIEW,
             ev_hold(ev), 0, 0, 0, 0);
        break;
    case EV_DAY:
        rp_eng_covers_follow(r);
        rp_eng_check_triggers(r, ev_day(ev));
        rp_eng_settle_owed(r);          /* the day's figures read what is owed */
        rp_eng_on_day(r, ev_day(ev));
        break;
    case EV_WARMUP:
        rp_eng_reset_counters(r);
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

/*
 * Asks for the state the next event will touch first while this one's
 * pop is under way: on a network too big for the cache each handler
 * starts with misses on its edge or node, which then overlap with the
 * heap's own (the next event's slot was asked for by the last pop).
 */
static inline void prefetch_next(const struct rp_run *r)
{
#if defined(__GNUC__)
    const struct rp_event *next = rp_evq_peek(&r->q);
    if (!next)
        return;
    switch ((enum ev_kind)next->kind) {
    case EV_ARRIVAL:
        __builtin_prefetch(&r->m->edges[ev_edge(next)]);
        __builtin_prefetch(&r->e[ev_edge(next)]);
        break;
    case EV_BATCH_DONE:
    case EV_DEMAND:
        __builtin_prefetch(&r->m->nodes[ev_node(next)]);
        __builtin_prefetch(&r->n[ev_node(next)]);
        break;
    default:
        break;
    }
#else
    (void)r;
#endif
}

/*
 * Networks whose run state outgrows the caches (about 2 MB: a node, its
 * holdings and edges take some 1 kB) get prefetch_next; on a small one
 * everything is in cache and the requests would be instructions for
 * nothing (M/M/1: +4%).
 */
#define PREFETCH_NODES 2048

void rp_run_until(struct rp_run *r, double t)
{
    struct rp_event ev;
    bool far = r->m->nnodes >= PREFETCH_NODES;
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
        if (r->work_len)
            work_drain(r);
        rp_eng_settle_owed(r);
        if (far)
            prefetch_next(r);
    }
    if (!r->done && t > r->now && t <= r->m->horizon)
        r->now = t;
}

uint64_t rp_run_replicate(struct rp_run *r, uint64_t seed, uint64_t rep,
                          double *out, double *series)
{
    if (r->m->ninputs)                  /* uncertain inputs: a scenario of its own */
        return rp_draws_replicate(r, seed, rep, out, series);
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
