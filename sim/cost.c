/*
 * cost.c - which nodes bear which costs: the model's side of costs
 * (cost.h). The engine measures them in engine_measure.c.
 */
#include "cost.h"

#include <stdlib.h>

#include "model_impl.h"
#include "ripple/diag.h"

bool rp_cost_given(const struct rp_scenario *sc)
{
    if (sc->currency)
        return true;
    for (size_t k = 0; k < sc->nevents; k++)
        if (sc->events[k].cost > 0)
            return true;
    for (size_t n = 0; n < sc->nnodes; n++) {
        const struct rp_node *nd = &sc->nodes[n];
        if (nd->make.margin > 0 || nd->demand.penalty > 0)
            return true;
        for (size_t i = 0; i < nd->nstock; i++)
            if (nd->stock[i].holding > 0)
                return true;
        for (size_t i = 0; i < nd->nsources; i++)
            for (size_t j = 0; j < nd->sources[i].nsources; j++)
                if (nd->sources[i].sources[j].price > 0)
                    return true;
    }
    return false;
}

/* Appends the claim of node n on share of event k's cost (counted, then filled). */
static void claim(struct rp_model *m, uint32_t *fill, uint32_t k, uint32_t n,
                  double share)
{
    if (!fill) {
        m->cost_claim0[n + 1]++;
        return;
    }
    m->cost_claims[m->cost_claim0[n] + fill[n]++] =
        (struct cost_claim){ .event = k, .share = share };
}

/* Every claim on event costs, in two passes: count per node, then fill. */
static void claim_all(struct rp_model *m, uint32_t *fill)
{
    for (uint32_t k = 0; k < m->nevents; k++) {
        const struct mevent *me = &m->events[k];
        const struct rp_disruption *d = me->sc;
        if (!(d->cost > 0))
            continue;
        if (d->type == RP_EVENT_EXPORT_BAN || d->type == RP_EVENT_EXPORT_LICENCE) {
            for (uint32_t i = 0; i < me->nedges; i++) {
                const struct edge *ed = &m->edges[m->event_edges[me->edge0 + i]];
                claim(m, fill, k, m->holds[ed->hold].node, 1.0 / me->nedges);
            }
        } else {
            claim(m, fill, k, d->node, 1.0);
        }
    }
}

/* The prices the engine measures with, copied: it reads only the model. */
static void copy_prices(struct rp_model *m)
{
    for (size_t n = 0; n < m->nnodes; n++) {
        m->nodes[n].margin = m->nodes[n].sc->make.margin;
        m->nodes[n].penalty = m->nodes[n].sc->demand.penalty;
    }
    for (size_t k = 0; k < m->nevents; k++)
        m->events[k].cost = m->events[k].sc->cost;
}

void rp_cost_build(struct rp_model *m)
{
    m->costs = rp_cost_given(m->sc);
    copy_prices(m);
    m->cost_claim0 = rp_xcalloc(m->nnodes + 2, sizeof *m->cost_claim0);
    claim_all(m, NULL);
    for (size_t n = 0; n < m->nnodes; n++)
        m->cost_claim0[n + 1] += m->cost_claim0[n];
    m->cost_claims = rp_xcalloc(m->cost_claim0[m->nnodes] + 1,
                                sizeof *m->cost_claims);
    uint32_t *fill = rp_xcalloc(m->nnodes + 1, sizeof *fill);
    claim_all(m, fill);
    free(fill);
}

void rp_cost_release(struct rp_model *m)
{
    free(m->cost_claim0);
    free(m->cost_claims);
}
