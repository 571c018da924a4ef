/*
 * scenario_nodes.c - products, country groups and nodes: the builders of
 * struct rp_product, rp_group and rp_node (make, demand, supply, stock,
 * sources, outages, allocation) from the tree.
 *
 * Node ids are registered before any node is built, so a source may name
 * a node written later in the file.
 */
#include "scenario_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void ld_build_products(struct ld *ld, const struct rp_ynode *map)
{
    static const char *const keys[] = { "unit", "description", NULL };
    struct rp_scenario *sc = ld->sc;

    if (map->n == 0) {
        ld_err(ld, map->loc, "products must name at least one product");
        return;
    }
    sc->products = rp_arena_array(ld->a, map->n, sizeof *sc->products);
    ld->product_ids = rp_arena_array(ld->a, map->n, sizeof *ld->product_ids);
    sc->nproducts = map->n;
    for (size_t i = 0; i < map->n; i++) {
        const struct rp_ypair *p = &map->pairs[i];
        struct rp_product *pr = &sc->products[i];
        const struct rp_ynode *v = p->value, *x;
        char ctx[256];

        ld_check_id(ld, p, "product");
        pr->id = ld->product_ids[i] = rp_arena_strdup(ld->a, p->key);
        ld_name_id(ld, ID_PRODUCT, pr->id, i);
        pr->loc = p->key_loc;
        if (v->kind == RP_YNULL)
            continue;                   /* "cell:" alone: no attributes */
        snprintf(ctx, sizeof ctx, "product '%s'", p->key);
        if (!ld_is_map(ld, v, ctx))
            continue;
        snprintf(ctx, sizeof ctx, "in product '%s'", p->key);
        ld_check_keys(ld, v, keys, ctx);
        if ((x = rp_ytree_get(v, "unit")))
            pr->unit = ld_text(ld, x, "unit");
        if ((x = rp_ytree_get(v, "description")))
            pr->description = ld_text(ld, x, "description");
    }
}

void ld_build_groups(struct ld *ld, const struct rp_ynode *map)
{
    struct rp_scenario *sc = ld->sc;

    sc->groups = rp_arena_array(ld->a, map->n, sizeof *sc->groups);
    ld->group_ids = rp_arena_array(ld->a, map->n, sizeof *ld->group_ids);
    sc->ngroups = map->n;
    for (size_t i = 0; i < map->n; i++) {
        const struct rp_ypair *p = &map->pairs[i];
        struct rp_group *g = &sc->groups[i];
        char what[256];

        ld_check_id(ld, p, "group");
        if (ld_is_country(p->key))
            ld_err(ld, p->key_loc, "group id '%s' would hide the country code",
                p->key);
        g->id = ld->group_ids[i] = rp_arena_strdup(ld->a, p->key);
        ld_name_id(ld, ID_GROUP, g->id, i);
        g->loc = p->key_loc;
        snprintf(what, sizeof what, "group '%s'", p->key);
        if (!ld_is_seq(ld, p->value, what))
            continue;
        for (size_t k = 0; k < p->value->n; k++) {
            rp_country c;
            if (ld_country(ld, p->value->items[k], "a group member", &c))
                rp_cset_add(&g->members, c);
        }
    }
}

static void build_make(struct ld *ld, struct rp_node *nd,
                       const struct rp_ynode *m)
{
    static const char *const keys[] = { "product", "capacity", "batch",
                                        "time", "servers", "inputs",
                                        "to_order", "margin", NULL };
    struct rp_make *mk = &nd->make;
    const struct rp_ynode *x, *cap;
    char ctx[256], path[1024];
    double v;

    mk->loc = m->loc;
    mk->batch = 1;
    mk->servers = 1;
    snprintf(path, sizeof path, "nodes.%s.make.time", nd->id);
    ld_dist(ld, NULL, "time", path, 0, &mk->time);
    mk->time.a = 1;
    snprintf(ctx, sizeof ctx, "make of '%s'", nd->id);
    if (!ld_is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in make of '%s'", nd->id);
    ld_check_keys(ld, m, keys, ctx);

    if ((x = ld_require(ld, m, m->loc, "product", ctx)))
        mk->product = ld_product_ref(ld, x, x->loc, x->text, ctx);

    cap = rp_ytree_get(m, "capacity");
    if (cap) {
        if (rp_ytree_get(m, "batch") || rp_ytree_get(m, "time"))
            ld_err(ld, cap->loc, "capacity cannot be given with batch or time "
                              "in make of '%s'", nd->id);
        else if (ld_num(ld, cap, "capacity", POS, MAX_QTY, &v))
            mk->batch = v;
    } else {
        ld_opt_num(ld, m, "batch", POS, MAX_QTY, &mk->batch);
        x = rp_ytree_get(m, "time");
        if (!x)
            ld_err(ld, m->loc, "make of '%s' needs capacity or time", nd->id);
        else
            ld_dist(ld, x, "time", path, 0, &mk->time);
    }
    if ((x = rp_ytree_get(m, "servers")) &&
        ld_whole(ld, x, "servers", 1, MAX_SERVERS, &v))
        mk->servers = (uint32_t)v;
    if ((x = rp_ytree_get(m, "to_order")))
        ld_boolean(ld, x, "to_order", &mk->to_order);
    ld_opt_num(ld, m, "margin", NONNEG, MAX_MONEY, &mk->margin);

    x = rp_ytree_get(m, "inputs");
    if (x && x->kind != RP_YNULL) {
        snprintf(ctx, sizeof ctx, "inputs of '%s'", nd->id);
        if (!ld_collection(ld, x, ctx))
            return;
        snprintf(ctx, sizeof ctx, "in inputs of '%s'", nd->id);
        mk->inputs = rp_arena_array(ld->a, x->n, sizeof *mk->inputs);
        mk->ninputs = x->n;
        for (size_t i = 0; i < x->n; i++) {
            const struct rp_ypair *p = &x->pairs[i];
            struct rp_bom_line *b = &mk->inputs[i];
            b->product = ld_product_ref(ld, NULL, p->key_loc, p->key, ctx);
            if (b->product != RP_NONE && b->product == mk->product)
                ld_err(ld, p->key_loc, "'%s' cannot be an input of its own "
                                    "make", p->key);
            ld_num(ld, p->value, p->key, POS, MAX_QTY, &b->qty);
        }
    }
}

static void build_demand(struct ld *ld, struct rp_node *nd,
                         const struct rp_ynode *m)
{
    static const char *const keys[] = { "product", "every", "size", "unmet",
                                        "penalty", NULL };
    static const char *const unmet[] = { "backorder", "lost", NULL };
    struct rp_demand *dm = &nd->demand;
    const struct rp_ynode *x;
    char ctx[256], path[1024];
    int u;

    dm->loc = m->loc;
    snprintf(path, sizeof path, "nodes.%s.demand.every", nd->id);
    ld_dist(ld, NULL, "every", path, 0, &dm->every);
    dm->every.a = 1;
    snprintf(path, sizeof path, "nodes.%s.demand.size", nd->id);
    ld_dist(ld, NULL, "size", path, 0, &dm->size);
    dm->size.a = 1;
    snprintf(ctx, sizeof ctx, "demand of '%s'", nd->id);
    if (!ld_is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in demand of '%s'", nd->id);
    ld_check_keys(ld, m, keys, ctx);

    if ((x = ld_require(ld, m, m->loc, "product", ctx)))
        dm->product = ld_product_ref(ld, x, x->loc, x->text, ctx);
    if ((x = ld_require(ld, m, m->loc, "every", ctx))) {
        snprintf(path, sizeof path, "nodes.%s.demand.every", nd->id);
        if (!ld_dist(ld, x, "every", path, D_POSITIVE, &dm->every))
            dm->every.a = 1;
    }
    if ((x = rp_ytree_get(m, "size"))) {
        snprintf(path, sizeof path, "nodes.%s.demand.size", nd->id);
        if (!ld_dist(ld, x, "size", path, D_POSITIVE, &dm->size))
            dm->size.a = 1;
        else if (dm->size.kind == RP_DIST_CONST && dm->size.a > MAX_QTY)
            ld_err(ld, x->loc, "size must be at most %g, not %s", MAX_QTY,
                x->text);
    }
    ld_opt_num(ld, m, "penalty", NONNEG, MAX_MONEY, &dm->penalty);
    if ((x = rp_ytree_get(m, "unmet")) && ld_choice(ld, x, "unmet", unmet, &u))
        dm->unmet = (enum rp_unmet)u;
}

static void build_outages(struct ld *ld, struct rp_node *nd,
                          const struct rp_ynode *m)
{
    static const char *const keys[] = { "every", "lasts", NULL };
    struct rp_outages *o = &nd->outages;
    const struct rp_ynode *x;
    char ctx[256], path[1024];

    o->loc = m->loc;
    snprintf(ctx, sizeof ctx, "outages of '%s'", nd->id);
    if (!ld_is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in outages of '%s'", nd->id);
    ld_check_keys(ld, m, keys, ctx);
    o->present = true;
    x = ld_require(ld, m, m->loc, "every", ctx);
    snprintf(path, sizeof path, "nodes.%s.outages.every", nd->id);
    if (!ld_dist(ld, x, "every", path, D_POSITIVE, &o->every) || !x)
        o->present = false;
    x = ld_require(ld, m, m->loc, "lasts", ctx);
    snprintf(path, sizeof path, "nodes.%s.outages.lasts", nd->id);
    if (!ld_dist(ld, x, "lasts", path, 0, &o->lasts) || !x)
        o->present = false;
}

/* name, country, owner, tags. */
static void read_identity(struct ld *ld, struct rp_node *nd,
                          const struct rp_ypair *p, const char *ctx)
{
    const struct rp_ynode *m = p->value, *x;

    if ((x = rp_ytree_get(m, "name"))) {
        const char *name = ld_text(ld, x, "name");
        if (name)
            nd->name = name;
    }
    if ((x = ld_require(ld, m, p->key_loc, "country", ctx)))
        ld_country(ld, x, "country", &nd->country);
    nd->owner = nd->country;
    if ((x = rp_ytree_get(m, "owner")))
        ld_country(ld, x, "owner", &nd->owner);
    if ((x = rp_ytree_get(m, "tags")) && ld_is_seq(ld, x, "tags")) {
        nd->tags = rp_arena_array(ld->a, x->n, sizeof *nd->tags);
        for (size_t i = 0; i < x->n; i++) {
            const char *t = ld_text(ld, x->items[i], "a tag");
            if (t)
                nd->tags[nd->ntags++] = t;
        }
    }
}

/* make, demand or supply: unlimited; at most one of them. */
static void read_role(struct ld *ld, struct rp_node *nd,
                      const struct rp_ynode *m)
{
    const struct rp_ynode *make = rp_ytree_get(m, "make");
    const struct rp_ynode *demand = rp_ytree_get(m, "demand");
    const struct rp_ynode *x;
    char b[80];

    if (make)
        build_make(ld, nd, make);
    if (demand && make)
        ld_err(ld, rp_ytree_pair(m, "demand")->key_loc, "node '%s' cannot "
               "both make and have demand", nd->id);
    else if (demand)
        build_demand(ld, nd, demand);
    if (!(x = rp_ytree_get(m, "supply")))
        return;
    if (x->kind != RP_YSCALAR || strcmp(x->text, "unlimited"))
        ld_err(ld, x->loc, "supply must be unlimited, not %s",
               ld_shown(x, b, sizeof b));
    else if (make || demand)
        ld_err(ld, x->loc, "supply: unlimited cannot be given with %s",
               make ? "make" : "demand");
    else
        nd->unlimited = true;
}

/*
 * quota: { class: share, ... }: classes are countries or groups, or other
 * (every buyer in no named class); they may not overlap, and the shares
 * sum to 1.
 */
static void read_quota(struct ld *ld, struct rp_node *nd,
                       const struct rp_ypair *qp)
{
    const struct rp_ynode *m = qp->value;
    struct rp_cset seen = { { 0 } };
    double sum = 0;
    bool ok = true;
    char b[32];

    if (!ld_collection(ld, m, "quota"))
        return;
    if (m->n == 0) {
        ld_err(ld, m->loc, "quota must name at least one class");
        return;
    }
    nd->quota = rp_arena_array(ld->a, m->n, sizeof *nd->quota);
    nd->nquota = m->n;
    for (size_t i = 0; i < m->n; i++) {
        const struct rp_ypair *p = &m->pairs[i];
        struct rp_quota *q = &nd->quota[i];
        struct rp_ynode key = { .kind = RP_YSCALAR, .loc = p->key_loc,
                                .text = p->key, .plain = true };
        q->loc = p->key_loc;
        q->other = !strcmp(p->key, "other");
        if (!q->other && !(ok &= ld_cset(ld, &key, "quota", &q->members)))
            continue;
        for (int w = 0; w < RP_CSET_WORDS; w++) {
            if (seen.bits[w] & q->members.bits[w]) {
                ld_err(ld, p->key_loc, "quota class '%s' overlaps an earlier "
                       "class: a buyer would be in two", p->key);
                ok = false;
                break;
            }
            seen.bits[w] |= q->members.bits[w];
        }
        if (!ld_num(ld, p->value, p->key, NONNEG, INFINITY, &q->share) ||
            q->share > 1) {
            if (q->share > 1)
                ld_err(ld, p->value->loc, "a quota share must be between 0 "
                       "and 1, not %s", p->value->text);
            ok = false;
        }
        sum += q->share;
    }
    if (ok && fabs(sum - 1) > SHARE_TOLERANCE)
        ld_err(ld, qp->key_loc, "quota shares of '%s' sum to %s, not 1",
               nd->id, ld_real_vs(b, sizeof b, sum, 1));
}

/* allocation, the priority list or quota it needs, priority_by. */
static void read_allocation(struct ld *ld, struct rp_node *nd,
                            const struct rp_ynode *m)
{
    static const char *const allocs[] = { "fifo", "proportional", "priority",
                                          "quota", NULL };
    static const char *const by[] = { "country", "owner", NULL };
    const struct rp_ynode *x;
    const struct rp_ypair *q = rp_ytree_pair(m, "quota");
    int a;

    if ((x = rp_ytree_get(m, "allocation")) &&
        ld_choice(ld, x, "allocation", allocs, &a))
        nd->allocation = (enum rp_allocation)a;
    x = rp_ytree_get(m, "priority");
    if (nd->allocation == RP_ALLOC_PRIORITY && !x) {
        ld_err(ld, rp_ytree_pair(m, "allocation")->value->loc, "allocation "
               "priority needs a priority list in node '%s'", nd->id);
    } else if (x && nd->allocation != RP_ALLOC_PRIORITY) {
        ld_err(ld, rp_ytree_pair(m, "priority")->key_loc, "priority applies "
               "only to allocation: priority");
    } else if (x && ld_is_seq(ld, x, "priority")) {
        nd->priority = rp_arena_array(ld->a, x->n, sizeof *nd->priority);
        nd->npriority = x->n;
        for (size_t i = 0; i < x->n; i++)
            ld_cset(ld, x->items[i], "priority", &nd->priority[i]);
    }
    if (nd->allocation == RP_ALLOC_QUOTA && !q)
        ld_err(ld, rp_ytree_pair(m, "allocation")->value->loc, "allocation "
               "quota needs a quota map in node '%s'", nd->id);
    else if (q && nd->allocation != RP_ALLOC_QUOTA)
        ld_err(ld, q->key_loc, "quota applies only to allocation: quota");
    else if (q)
        read_quota(ld, nd, q);
    const struct rp_ypair *bp = rp_ytree_pair(m, "priority_by");
    if (bp && nd->allocation != RP_ALLOC_PRIORITY &&
        nd->allocation != RP_ALLOC_QUOTA)
        ld_err(ld, bp->key_loc, "priority_by applies only to allocation: "
               "priority or quota");
    else if (bp && ld_choice(ld, bp->value, "priority_by", by, &a))
        nd->priority_by = (enum rp_priority_by)a;
}

/* What the node consumes must come from somewhere. */
static void check_consumed(struct ld *ld, const struct rp_node *nd,
                           const struct rp_ynode *m)
{
    const struct rp_ynode *inputs = rp_ytree_get(rp_ytree_get(m, "make"),
                                                 "inputs");

    /* an unknown product in sources was reported already, and those
     * sources may be the ones missing here, misspelt */
    if (ld_sourcing_of(nd, RP_NONE))
        return;
    for (size_t i = 0; i < nd->make.ninputs; i++) {
        uint32_t in = nd->make.inputs[i].product;
        if (in != RP_NONE && !ld_sourcing_of(nd, in))
            ld_err(ld, rp_ytree_pair(inputs, ld->product_ids[in])->key_loc,
                   "input '%s' of '%s' has no sources", ld->product_ids[in],
                   nd->id);
    }
    if (nd->demand.product != RP_NONE &&
        !ld_sourcing_of(nd, nd->demand.product))
        ld_err(ld, rp_ytree_pair(m, "demand")->key_loc, "market '%s' has no "
               "sources for '%s'", nd->id,
               ld->product_ids[nd->demand.product]);
}

static void build_node(struct ld *ld, uint32_t idx, const struct rp_ypair *p)
{
    static const char *const keys[] = { "name", "country", "owner", "tags",
                                        "make", "demand", "supply", "stock",
                                        "sources", "outages", "allocation",
                                        "priority", "priority_by", "quota",
                                        NULL };
    struct rp_node *nd = &ld->sc->nodes[idx];
    const struct rp_ynode *m = p->value, *x;
    char ctx[256];

    nd->name = nd->id;
    nd->loc = p->key_loc;
    nd->make.product = RP_NONE;
    nd->demand.product = RP_NONE;
    snprintf(ctx, sizeof ctx, "node '%s'", nd->id);
    if (!ld_is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in node '%s'", nd->id);
    ld_check_keys(ld, m, keys, ctx);
    read_identity(ld, nd, p, ctx);
    read_role(ld, nd, m);
    if ((x = rp_ytree_get(m, "sources")))
        ld_build_sources(ld, nd, idx, x);
    if ((x = rp_ytree_get(m, "stock")))
        ld_build_stock(ld, nd, x);
    if ((x = rp_ytree_get(m, "outages")))
        build_outages(ld, nd, x);
    read_allocation(ld, nd, m);
    check_consumed(ld, nd, m);
}

void ld_build_nodes(struct ld *ld, const struct rp_ynode *map)
{
    struct rp_scenario *sc = ld->sc;

    if (map->n == 0) {
        ld_err(ld, map->loc, "nodes must name at least one node");
        return;
    }
    sc->nodes = rp_arena_array(ld->a, map->n, sizeof *sc->nodes);
    ld->node_ids = rp_arena_array(ld->a, map->n, sizeof *ld->node_ids);
    sc->nnodes = map->n;
    for (size_t i = 0; i < map->n; i++) {   /* ids first: any order works */
        ld_check_id(ld, &map->pairs[i], "node");
        sc->nodes[i].id = ld->node_ids[i] =
            rp_arena_strdup(ld->a, map->pairs[i].key);
        ld_name_id(ld, ID_NODE, sc->nodes[i].id, i);
        sc->nodes[i].make.product = RP_NONE;
        sc->nodes[i].demand.product = RP_NONE;
    }
    for (size_t i = 0; i < map->n; i++)
        build_node(ld, (uint32_t)i, &map->pairs[i]);
}
