/*
 * model_layout.c - the layout of the values a replication reports: which
 * (scope, owner, node, product, metric) each slot of a replication's result
 * holds. Built once per model, after its holdings, edges and events; the
 * order here is the order of every table, CSV and JSON file.
 */
#include "model_build.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ripple/periods.h"
#include "ripple/rng.h"

void mb_add_value(struct build *b, enum rp_scope scope, uint32_t owner,
                  uint32_t node, uint32_t product, enum rp_metric metric)
{
    struct rp_model *m = b->m;
    if (m->nvalues == b->cap_values) {
        b->cap_values = b->cap_values ? 2 * b->cap_values : 64;
        m->values = rp_xrealloc(m->values, b->cap_values * sizeof *m->values);
    }
    m->values[m->nvalues++] = (struct rp_value_desc){
        .scope = scope, .owner = owner, .node = node, .product = product,
        .metric = metric,
    };
}

/* Each holding's values: the common ones, then by role; a node's own on its main holding. */
static void layout_node_values(struct build *b)
{
    struct rp_model *m = b->m;
    for (uint32_t hi = 0; hi < m->nholds; hi++) {
        const struct hold *h = &m->holds[hi];
        const struct mnode *mn = &m->nodes[h->node];
        static const enum rp_metric common[] = {
            RP_M_DEMAND, RP_M_DELIVERED, RP_M_UNMET, RP_M_LOST,
            RP_M_FILL_RATE, RP_M_BACKORDERS, RP_M_PEAK_BACKORDERS,
        };
        for (size_t k = 0; k < sizeof common / sizeof *common; k++)
            mb_add_value(b, RP_SCOPE_NODE, h->node, RP_NONE, h->product, common[k]);
        if (h->role != ROLE_UNLIMITED) {
            mb_add_value(b, RP_SCOPE_NODE, h->node, RP_NONE, h->product, RP_M_ON_HAND);
            mb_add_value(b, RP_SCOPE_NODE, h->node, RP_NONE, h->product, RP_M_STOCKOUT);
        }
        if (h->nedges)
            mb_add_value(b, RP_SCOPE_NODE, h->node, RP_NONE, h->product, RP_M_CYCLE_TIME);
        if (h->role == ROLE_OUTPUT) {
            static const enum rp_metric maker[] = {
                RP_M_WIP, RP_M_PRODUCED, RP_M_STARVED, RP_M_UTILIZATION,
                RP_M_STOPPAGES,
            };
            for (size_t k = 0; k < sizeof maker / sizeof *maker; k++)
                mb_add_value(b, RP_SCOPE_NODE, h->node, RP_NONE, h->product, maker[k]);
        }
        if (h->role == ROLE_INPUT)
            mb_add_value(b, RP_SCOPE_NODE, h->node, RP_NONE, h->product, RP_M_STARVED);
        if (mn->main_hold == hi) {
            mb_add_value(b, RP_SCOPE_NODE, h->node, RP_NONE, h->product, RP_M_DOWN);
            for (int k = 0; k < RP_M_COUNT && m->costs; k++)    /* the node's, all products */
                if (rp_metric_unit((enum rp_metric)k) == RP_UNIT_MONEY)
                    mb_add_value(b, RP_SCOPE_NODE, h->node, RP_NONE, h->product,
                              (enum rp_metric)k);
            if (mn->sc->outages.present) {
                static const enum rp_metric out[] = {
                    RP_M_OUTAGES, RP_M_MTBF, RP_M_MTTR, RP_M_FIRST_OUTAGE,
                };
                for (size_t k = 0; k < sizeof out / sizeof *out; k++)
                    mb_add_value(b, RP_SCOPE_NODE, h->node, RP_NONE, h->product, out[k]);
            }
        }
    }
}

/* Each report group's values (of its product), then per calendar year. */
static void layout_group_values(struct build *b)
{
    struct rp_model *m = b->m;
    const struct rp_scenario *sc = m->sc;
    m->group_product = rp_xcalloc(sc->nreport_groups + 1, sizeof *m->group_product);
    for (uint32_t g = 0; g < sc->nreport_groups; g++) {
        const struct rp_report_group *rg = &sc->report_groups[g];
        uint32_t p = RP_NONE;
        for (size_t i = 0; i < rg->nnodes && p == RP_NONE; i++) {
            uint32_t mh = m->nodes[rg->nodes[i]].main_hold;
            if (mh != RP_NONE)
                p = m->holds[mh].product;
        }
        m->group_product[g] = p;
        if (p == RP_NONE)
            continue;
        for (int k = 0; k < RP_M_COUNT; k++)
            if (rp_metric_agg((enum rp_metric)k) != RP_AGG_NONE
                && (m->costs || rp_metric_unit((enum rp_metric)k) != RP_UNIT_MONEY))
                mb_add_value(b, RP_SCOPE_GROUP, g, RP_NONE, p, (enum rp_metric)k);
    }

    /* Per calendar year (periods.h): after the group values, year by year. */
    for (uint32_t g = 0; g < sc->nreport_groups && m->nperiods; g++)
        for (uint32_t k = 0; k < m->nperiods && m->group_product[g] != RP_NONE; k++)
            for (int j = 0; j < RP_PERIOD_NMETRICS; j++)
                mb_add_value(b, RP_SCOPE_PERIOD, g, k, m->group_product[g],
                          rp_period_metrics[j]);
}

/*
 * Recovery values per event and node: the struck node, and group members.
 * Membership is marked once from the model's group_nodes (build_group_nodes
 * runs before the layout), not searched per event and node.
 */
static void layout_event_values(struct build *b)
{
    struct rp_model *m = b->m;
    bool have_groups = m->ngroups > 0;
    bool *member = rp_xcalloc(m->nnodes + 1, sizeof *member);
    for (uint32_t i = 0; i < m->group_node0[m->ngroups]; i++)
        member[m->group_nodes[i]] = true;
    for (uint32_t k = 0; k < m->nevents; k++) {
        const struct rp_disruption *d = m->events[k].sc;
        for (uint32_t n = 0; n < m->nnodes; n++) {
            const struct mnode *mn = &m->nodes[n];
            if (mn->day_slot < 0)
                continue;
            bool target = (d->type == RP_EVENT_CAPACITY || d->type == RP_EVENT_OUTAGE
                           || d->type == RP_EVENT_DEMAND) && d->node == n;
            if (have_groups && !target && !member[n])
                continue;
            mb_add_value(b, RP_SCOPE_EVENT, k, n, RP_NONE, RP_M_TTS);
            mb_add_value(b, RP_SCOPE_EVENT, k, n, RP_NONE, RP_M_TTR);
            mb_add_value(b, RP_SCOPE_EVENT, k, n, RP_NONE, RP_M_TTR_GT_TTS);
        }
    }
    free(member);
}

/* Uncertain inputs: the draws, last, so a replication's own model lays out the rest alike. */
static void layout_inputs(struct build *b)
{
    struct rp_model *m = b->m;
    const struct rp_scenario *sc = m->sc;
    m->ninputs = sc->nuncertain;
    m->input_stream = rp_xcalloc(sc->nuncertain + 1, sizeof *m->input_stream);
    for (uint32_t i = 0; i < sc->nuncertain; i++) {
        char path[1100];
        snprintf(path, sizeof path, "uncertain.%s", sc->uncertain[i].path);
        m->input_stream[i] = mb_add_stream_key(b, rp_path_hash(path));
        mb_add_value(b, RP_SCOPE_INPUT, i, RP_NONE, RP_NONE, RP_M_DRAW);
    }
}

/* The values a replication reports, in the order results are laid out. */
void mb_build_layout(struct build *b)
{
    layout_node_values(b);
    layout_group_values(b);
    layout_event_values(b);
    layout_inputs(b);
}
