/*
 * engine_makers.c - makers: what they still need, kit-complete ordering of
 * inputs, starting batches on free servers, completions, starvation.
 */
#include "engine_impl.h"

/*
 * Kit-complete ordering: a maker orders inputs only while every input is
 * to be had: on hand, or from a source that can ship now. Parts that could
 * not be used for want of another part are not bought meanwhile; this is
 * what makes the output of a maker without input stock available exactly
 * when all its suppliers are (validation case C10). An input still in stock
 * does not stop the others: a stockpile is there to be used.
 */
bool rp_eng_kit_ready(const struct rp_run *r, uint32_t n)
{
    const struct mnode *mn = &r->m->nodes[n];
    for (uint32_t i = 0; i < mn->nin; i++) {
        uint32_t h = mn->in0 + i;
        if (r->h[h].on_hand <= EPS && !rp_eng_hold_has_ready_edge(r, h))
            return false;
    }
    return true;
}

/* Continuous review of a maker's inputs, with one kit check for them all. */
void rp_eng_replenish_inputs(struct rp_run *r, uint32_t n)
{
    const struct mnode *mn = &r->m->nodes[n];
    if (!mn->nin || !rp_eng_kit_ready(r, n))
        return;
    /*
     * The maker's need is worked out once for all its inputs: ordering an
     * input changes only the input's holding (its supplier's reaction waits
     * in the work list), never the maker's output.
     */
    double need = rp_eng_input_need(r, n);
    for (uint32_t i = 0; i < mn->nin; i++) {
        uint32_t h = mn->in0 + i;
        const struct hold *hd = &r->m->holds[h];
        if (hd->review <= 0 && hd->nedges)
            rp_eng_order_input(r, h, need);
    }
}

void rp_eng_set_starved(struct rp_run *r, uint32_t n, bool starved, uint32_t input)
{
    struct node_st *ns = &r->n[n];
    const struct mnode *mn = &r->m->nodes[n];
    rp_eng_touch_node(r, n);
    if (starved) {
        uint32_t idle = mn->servers - ns->busy;
        ns->starve_rate = mn->rate / mn->servers * idle
                        * rp_eng_node_mult(r, n, RP_EVENT_CAPACITY);
        ns->starve_input = input;
        if (!ns->starved && ns->busy == 0 && !ns->down)
            ns->stop_pending = true;    /* counted by rp_eng_touch_node() */
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
 * rp_eng_try_start's loop: batches on the free servers, each what is
 * needed up to one batch, as far as inputs allow. True when the inputs
 * ran out (starved), with the input that bound in *binding.
 */
static bool start_batches(struct rp_run *r, uint32_t n, uint32_t *binding_out)
{
    const struct mnode *mn = &r->m->nodes[n];
    struct node_st *ns = &r->n[n];
    bool starved = false;
    uint32_t binding = RP_NONE;

    double need = rp_eng_maker_need(r, n);
    double cap = mn->batch * rp_eng_node_mult(r, n, RP_EVENT_CAPACITY);
    if (!(cap > EPS))
        need = 0;                       /* capacity 0: closed, not starved */
    while (ns->busy < mn->servers && need > EPS) {
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
            rp_eng_touch_node(r, n);
            ns->starve_int += want - q;
        }
        for (uint32_t i = 0; i < mn->nin; i++) {
            uint32_t ih = mn->in0 + i;
            touch_hold(r, ih);
            r->h[ih].on_hand -= q * r->m->holds[ih].bom;
            if (r->h[ih].on_hand < EPS)
                r->h[ih].on_hand = 0;
        }
        rp_eng_touch_node(r, n);
        uint32_t k = mn->server0;
        while (r->srv[k].busy)
            k++;
        double t = draw(r, &mn->make_time);
        r->srv[k] = (struct server){ .end = r->now + t, .qty = q, .busy = true,
                                     .share = q / cap };
        ns->busy++;
        ns->load += q / cap;
        ns->inproc += q;
        push(r, r->now + t, EV_BATCH_DONE, n, k, ns->epoch, q, 0);
        need -= q;
    }
    *binding_out = binding;
    return starved;
}

/*
 * Starts batches while a server is free, the node is up and there is need:
 * each makes what is needed up to one batch, as far as inputs allow.
 */
void rp_eng_try_start(struct rp_run *r, uint32_t n)
{
    const struct mnode *mn = &r->m->nodes[n];
    struct node_st *ns = &r->n[n];
    bool starved = false;
    uint32_t binding = RP_NONE;

    if (ns->down)
        return;
    /*
     * With every server busy no batch can start, so neither the need nor
     * the capacity in force is worked out: a maker running flat out is
     * asked on each input that arrives (on the flagship most calls).
     */
    if (ns->busy < mn->servers)
        starved = start_batches(r, n, &binding);
    if (starved != ns->starved || (starved && ns->starve_input != binding))
        rp_eng_set_starved(r, n, starved, binding);
    if (mn->nin)
        rp_eng_replenish_inputs(r, n);
}

void rp_eng_on_batch_done(struct rp_run *r, const struct rp_event *ev)
{
    uint32_t n = ev_node(ev);
    struct node_st *ns = &r->n[n];
    struct server *s = &r->srv[ev_server(ev)];
    if (ev_epoch(ev) != ns->epoch || !s->busy)
        return;                         /* paused by an outage and rescheduled */
    const struct mnode *mn = &r->m->nodes[n];
    rp_eng_touch_node(r, n);
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
    rp_eng_add_output(r, n, s->qty);
    rp_eng_serve(r, mn->out_hold);
    rp_eng_try_start(r, n);
}
