/*
 * scenario_check.c - rules that need the whole network: every supplier
 * can supply what it is asked for, and no loop of suppliers moves goods
 * in zero time. Both run after every node is built, and both are linear
 * in nodes plus edges.
 */
#include "scenario_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Can node u ship product p to a customer? */
static bool can_supply(const struct rp_node *u, uint32_t p)
{
    return u->unlimited || u->make.product == p ||
           (ld_stock_of(u, p) && ld_sourcing_of(u, p));
}

void ld_check_suppliers(struct ld *ld)
{
    struct rp_scenario *sc = ld->sc;

    for (size_t n = 0; n < sc->nnodes; n++) {
        const struct rp_node *nd = &sc->nodes[n];
        for (size_t i = 0; i < nd->nsources; i++) {
            const struct rp_sourcing *sg = &nd->sources[i];
            if (sg->product == RP_NONE)
                continue;
            for (size_t k = 0; k < sg->nsources; k++) {
                const struct rp_source *s = &sg->sources[k];
                if (s->supplier == RP_NONE || s->supplier == n)
                    continue;
                if (!can_supply(&sc->nodes[s->supplier], sg->product))
                    ld_err(ld, s->loc, "node '%s' cannot supply '%s'",
                        sc->nodes[s->supplier].id,
                        sc->products[sg->product].id);
            }
        }
    }
}

static bool instant_edge(const struct rp_scenario *sc,
                         const struct rp_source *s)
{
    const struct rp_node *u;

    if (s->supplier == RP_NONE || s->lead_time.kind != RP_DIST_CONST ||
        s->lead_time.a != 0)
        return false;
    u = &sc->nodes[s->supplier];
    return u->make.product == RP_NONE ||
           (u->make.time.kind == RP_DIST_CONST && u->make.time.a == 0);
}

/* The edges that move goods in no time, as adjacency lists: the edges
 * out of node u are edge[start[u] .. start[u + 1]). */
struct instant {
    size_t *start;
    const struct rp_source **edge;
};

static bool makes_instantly(const struct rp_node *nd)
{
    return nd->make.product == RP_NONE ||
           (nd->make.time.kind == RP_DIST_CONST && nd->make.time.a == 0);
}

static void instant_graph(const struct rp_scenario *sc, struct instant *g)
{
    size_t n = sc->nnodes, nedges = 0;

    g->start = rp_xcalloc(n + 1, sizeof *g->start);
    for (size_t u = 0; u < n; u++) {
        const struct rp_node *nd = &sc->nodes[u];
        g->start[u] = nedges;
        for (size_t i = 0; makes_instantly(nd) && i < nd->nsources; i++)
            for (size_t k = 0; k < nd->sources[i].nsources; k++)
                nedges += instant_edge(sc, &nd->sources[i].sources[k]);
    }
    g->start[n] = nedges;
    g->edge = rp_xcalloc(nedges + 1, sizeof *g->edge);
    for (size_t u = 0, e = 0; u < n; u++) {
        const struct rp_node *nd = &sc->nodes[u];
        for (size_t i = 0; e < g->start[u + 1] && i < nd->nsources; i++)
            for (size_t k = 0; k < nd->sources[i].nsources; k++)
                if (instant_edge(sc, &nd->sources[i].sources[k]))
                    g->edge[e++] = &nd->sources[i].sources[k];
    }
}

struct frame {
    uint32_t node;
    size_t next;                        /* next edge in start[node].. */
};

/* The loop stack[from ..] -> v, reported at the edge that leaves its
 * first node. */
static void report_cycle(struct ld *ld, const struct instant *g,
                         const struct frame *stack, size_t from,
                         size_t depth, const struct rp_source *closing)
{
    const struct rp_scenario *sc = ld->sc;
    const struct rp_source *first = closing;
    char msg[900];
    size_t used = 0;

    for (size_t i = from; i < depth && used < sizeof msg; i++)
        used += (size_t)snprintf(msg + used, sizeof msg - used, "%s -> ",
                                 sc->nodes[stack[i].node].id);
    if (used < sizeof msg)
        snprintf(msg + used, sizeof msg - used, "%s",
                 sc->nodes[closing->supplier].id);
    if (from + 1 < depth)
        first = g->edge[stack[from].next - 1];
    ld_err(ld, first->loc, "sources form a cycle with no lead time: %s", msg);
}

/*
 * Goods that could go round a loop of suppliers in no time at all would
 * make the event loop spin at one instant. Depth-first search, on an
 * explicit stack, over the edges with no lead time into suppliers that
 * take no time to make; a back edge closes such a loop. The first loop
 * found is reported. O(nodes + edges).
 */
void ld_check_cycles(struct ld *ld)
{
    size_t n = ld->sc->nnodes;
    struct instant g;

    if (n == 0)
        return;
    instant_graph(ld->sc, &g);
    unsigned char *color = rp_xcalloc(n, 1);  /* 0 new, 1 on stack, 2 done */
    struct frame *stack = rp_xcalloc(n, sizeof *stack);
    size_t *stack_at = rp_xcalloc(n, sizeof *stack_at);
    for (uint32_t root = 0; root < n; root++) {
        size_t depth = 0;
        if (color[root])
            continue;
        stack[depth++] = (struct frame){ root, g.start[root] };
        color[root] = 1;
        while (depth) {
            struct frame *f = &stack[depth - 1];
            if (f->next == g.start[f->node + 1]) {
                color[f->node] = 2;
                depth--;
                continue;
            }
            const struct rp_source *s = g.edge[f->next++];
            uint32_t v = s->supplier;
            if (color[v] == 1) {
                report_cycle(ld, &g, stack, stack_at[v], depth, s);
                goto out;
            }
            if (color[v] == 0) {
                color[v] = 1;
                stack_at[v] = depth;
                stack[depth++] = (struct frame){ v, g.start[v] };
            }
        }
    }
out:
    free(stack_at);
    free(stack);
    free(color);
    free(g.edge);
    free(g.start);
}
