/*
 * model_check.c - network rules that need the model's view of a scenario:
 * which holdings an order reaches.
 *
 * An order that reaches a stock point makes it re-order from its sources,
 * and an order that reaches a maker makes it order its inputs, all at the
 * order's instant (the engine's work list). Stock points that trade stock
 * among themselves are a legal network: each turn passes on only the
 * shares that stay inside the loop. A maker whose inputs come, through its
 * suppliers, from its own output is not: every order for the output asks
 * for more of the output, and the instant never ends. That is a bill of
 * materials that needs itself; it is refused at the source that closes it.
 * So is a loop of stock points none of which has a source outside it: an
 * order would go round it for ever. (A loop that leaks only through a
 * source a ban may close is caught at run time by the step budget.)
 *
 * The graph has one vertex per holding (node, product) and an edge from a
 * holding to each supplier holding an order there reaches; the maker's
 * output leads to its inputs' suppliers, an input leads nowhere (the maker
 * orders for it). Strongly connected components by Tarjan's algorithm,
 * with an explicit stack: O(holdings + edges), and no recursion whose depth
 * the input controls.
 */
#include "ripple/model.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vtx {
    uint32_t node, product;
};

struct graph {
    const struct rp_scenario *sc;
    struct vtx *v;
    uint32_t *node_v0;          /* node n's vertices: node_v0[n] .. node_v0[n + 1] */
    size_t nv;
    uint32_t *e0;               /* vertex u's edges: e0[u] .. e0[u + 1] */
    uint32_t *to;
    const struct rp_source **via;   /* the source each edge follows */
    bool *leaks;                /* u has a source that leads to no holding */
};

static bool is_input(const struct rp_node *nd, uint32_t p)
{
    for (size_t i = 0; i < nd->make.ninputs; i++)
        if (nd->make.inputs[i].product == p)
            return true;
    return false;
}

static const struct rp_sourcing *sourcing(const struct rp_node *nd, uint32_t p)
{
    for (size_t i = 0; i < nd->nsources; i++)
        if (nd->sources[i].product == p)
            return &nd->sources[i];
    return NULL;
}

static uint32_t find(const struct graph *g, uint32_t n, uint32_t p)
{
    for (uint32_t i = g->node_v0[n]; i < g->node_v0[n + 1]; i++)
        if (g->v[i].product == p)
            return i;
    return RP_NONE;
}

/* Adds (n, p) unless n holds it already; vertices of n are contiguous. */
static void add_vtx(struct graph *g, uint32_t n, uint32_t p)
{
    if (p == RP_NONE || find(g, n, p) != RP_NONE)
        return;
    g->v[g->nv++] = (struct vtx){ n, p };
    g->node_v0[n + 1] = (uint32_t)g->nv;
}

/*
 * Counts the sources an order at vertex u follows (see the top), and with
 * fill stores them from edge slot at on.
 */
static size_t each_edge(struct graph *g, uint32_t u, bool fill, size_t at)
{
    const struct rp_scenario *sc = g->sc;
    const struct rp_node *nd = &sc->nodes[g->v[u].node];
    uint32_t p = g->v[u].product;
    size_t n = 0;

    if (nd->unlimited || (nd->make.product != p && is_input(nd, p)))
        return 0;
    for (size_t k = 0; k < (nd->make.product == p ? nd->make.ninputs : 1); k++) {
        uint32_t q = nd->make.product == p ? nd->make.inputs[k].product : p;
        const struct rp_sourcing *so = sourcing(nd, q);
        for (size_t j = 0; so && j < so->nsources; j++) {
            const struct rp_source *s = &so->sources[j];
            uint32_t t = s->supplier == RP_NONE ? RP_NONE
                                                : find(g, s->supplier, q);
            if (t == RP_NONE || sc->nodes[s->supplier].unlimited) {
                g->leaks[u] = true;     /* goods come from outside any loop */
                continue;
            }
            if (fill) {
                g->to[at + n] = t;
                g->via[at + n] = s;
            }
            n++;
        }
    }
    return n;
}

static void build(struct graph *g, const struct rp_scenario *sc)
{
    size_t cap = 0;
    for (size_t n = 0; n < sc->nnodes; n++) {
        const struct rp_node *nd = &sc->nodes[n];
        cap += 2 + nd->make.ninputs + nd->nstock + nd->nsources;
    }
    g->sc = sc;
    g->v = rp_xcalloc(cap + 1, sizeof *g->v);
    g->node_v0 = rp_xcalloc(sc->nnodes + 1, sizeof *g->node_v0);
    for (uint32_t n = 0; n < sc->nnodes; n++) {
        const struct rp_node *nd = &sc->nodes[n];
        g->node_v0[n + 1] = (uint32_t)g->nv;
        add_vtx(g, n, nd->make.product);
        for (size_t i = 0; i < nd->make.ninputs; i++)
            add_vtx(g, n, nd->make.inputs[i].product);
        add_vtx(g, n, nd->demand.product);
        for (size_t i = 0; i < nd->nstock; i++)
            add_vtx(g, n, nd->stock[i].product);
        for (size_t i = 0; i < nd->nsources; i++)
            add_vtx(g, n, nd->sources[i].product);
    }
    g->e0 = rp_xcalloc(g->nv + 1, sizeof *g->e0);
    g->leaks = rp_xcalloc(g->nv + 1, sizeof *g->leaks);
    for (uint32_t u = 0; u < g->nv; u++)
        g->e0[u + 1] = g->e0[u] + (uint32_t)each_edge(g, u, false, 0);
    g->to = rp_xcalloc(g->e0[g->nv] + 1, sizeof *g->to);
    g->via = rp_xcalloc(g->e0[g->nv] + 1, sizeof *g->via);
    for (uint32_t u = 0; u < g->nv; u++)
        each_edge(g, u, true, g->e0[u]);
}

static void release(struct graph *g)
{
    free(g->v);
    free(g->node_v0);
    free(g->e0);
    free(g->to);
    free(g->via);
    free(g->leaks);
}

/*
 * Tarjan's components without recursion: frame[] is the call stack (a
 * vertex and its next edge), scc[] the component stack. comp[u] is the
 * component's root index once u's component is closed.
 */
static void components(const struct graph *g, uint32_t *comp)
{
    size_t nv = g->nv;
    uint32_t *index = rp_xcalloc(nv + 1, sizeof *index);
    uint32_t *low = rp_xcalloc(nv + 1, sizeof *low);
    bool *on = rp_xcalloc(nv + 1, sizeof *on);
    uint32_t *scc = rp_xcalloc(nv + 1, sizeof *scc);
    struct frame { uint32_t u, next; } *frame = rp_xcalloc(nv + 1, sizeof *frame);
    uint32_t counter = 1;               /* index 0: not visited */
    size_t nscc = 0;

    for (uint32_t root = 0; root < nv; root++) {
        if (index[root])
            continue;
        size_t depth = 0;
        frame[depth++] = (struct frame){ root, g->e0[root] };
        index[root] = low[root] = counter++;
        scc[nscc++] = root;
        on[root] = true;
        while (depth) {
            struct frame *f = &frame[depth - 1];
            uint32_t u = f->u;
            if (f->next < g->e0[u + 1]) {
                uint32_t w = g->to[f->next++];
                if (!index[w]) {
                    index[w] = low[w] = counter++;
                    scc[nscc++] = w;
                    on[w] = true;
                    frame[depth++] = (struct frame){ w, g->e0[w] };
                } else if (on[w] && index[w] < low[u]) {
                    low[u] = index[w];
                }
                continue;
            }
            if (low[u] == index[u]) {   /* u roots a component: pop it */
                uint32_t w;
                do {
                    w = scc[--nscc];
                    on[w] = false;
                    comp[w] = u;
                } while (w != u);
            }
            depth--;
            if (depth && low[u] < low[frame[depth - 1].u])
                low[frame[depth - 1].u] = low[u];
        }
    }
    free(frame);
    free(scc);
    free(on);
    free(low);
    free(index);
}

/*
 * Reports the loop through maker vertex x inside its component: a
 * breadth-first walk from x back to x, written as node ids, at the source
 * that leaves x.
 */
static void report(const struct graph *g, const uint32_t *comp, uint32_t x,
                   bool maker, struct rp_diag *diag)
{
    const struct rp_scenario *sc = g->sc;
    uint32_t *from = rp_xcalloc(g->nv + 1, sizeof *from);  /* edge into v, + 1 */
    uint32_t *parent = rp_xcalloc(g->nv + 1, sizeof *parent);
    uint32_t *queue = rp_xcalloc(g->nv + 1, sizeof *queue);
    size_t head = 0, tail = 0;
    uint32_t last = RP_NONE, last_u = x;    /* the edge that closes the loop */

    queue[tail++] = x;
    while (head < tail && last == RP_NONE) {
        uint32_t u = queue[head++];
        for (uint32_t e = g->e0[u]; e < g->e0[u + 1]; e++) {
            uint32_t w = g->to[e];
            if (comp[w] != comp[x])
                continue;
            if (w == x) {
                last = e;
                last_u = u;
                break;
            }
            if (!from[w]) {
                from[w] = e + 1;
                parent[w] = u;
                queue[tail++] = w;
            }
        }
    }
    /* Walk back from the closing edge: path[] holds the edges, last first. */
    uint32_t *path = queue;             /* reuse: at most nv edges */
    size_t len = 0;
    path[len++] = last;
    for (uint32_t u = last_u; u != x; u = parent[u])
        path[len++] = from[u] - 1;
    char msg[900];
    size_t used = (size_t)snprintf(msg, sizeof msg, "%s",
                                   sc->nodes[g->v[x].node].id);
    for (size_t i = len; i-- > 0 && used < sizeof msg;)
        used += (size_t)snprintf(msg + used, sizeof msg - used, " -> %s",
                                 sc->nodes[g->v[g->to[path[i]]].node].id);
    if (maker)
        rp_diag_at(diag, g->via[path[len - 1]]->loc,
                   "bill of materials of '%s' needs its own output '%s' "
                   "through its suppliers: %s", sc->nodes[g->v[x].node].id,
                   sc->products[g->v[x].product].id, msg);
    else
        rp_diag_at(diag, g->via[path[len - 1]]->loc,
                   "stock points order '%s' only from each other, so an "
                   "order would go round them for ever: %s",
                   sc->products[g->v[x].product].id, msg);
    free(queue);
    free(parent);
    free(from);
}

int rp_model_check(const struct rp_scenario *sc, struct rp_diag *diag)
{
    struct graph g = { 0 };
    int ret = 0;

    build(&g, sc);
    uint32_t *comp = rp_xcalloc(g.nv + 1, sizeof *comp);
    components(&g, comp);
    /*
     * A maker's output in a component that holds a loop; or a loop of
     * stock points none of which has a source outside it. The first found
     * is reported.
     */
    bool *open = rp_xcalloc(g.nv + 1, sizeof *open);    /* per component root */
    for (uint32_t u = 0; u < g.nv; u++) {
        bool out = g.leaks[u];
        for (uint32_t e = g.e0[u]; e < g.e0[u + 1] && !out; e++)
            out = comp[g.to[e]] != comp[u];
        open[comp[u]] = open[comp[u]] || out;
    }
    for (uint32_t x = 0; x < g.nv && !ret; x++) {
        const struct rp_node *nd = &sc->nodes[g.v[x].node];
        bool maker = nd->make.product == g.v[x].product;
        bool loop = false;
        for (uint32_t e = g.e0[x]; e < g.e0[x + 1] && !loop; e++)
            loop = comp[g.to[e]] == comp[x];
        if (loop && (maker || !open[comp[x]])) {
            report(&g, comp, x, maker, diag);
            ret = -1;
        }
    }
    free(open);
    free(comp);
    release(&g);
    return ret;
}
