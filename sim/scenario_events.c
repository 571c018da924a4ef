/*
 * scenario_events.c - events and report groups from the tree.
 *
 * Event types are RP_EVENT_TYPES (scenario.h); each type has its own list
 * of keys and its own reader, so a key of another type is an "unknown
 * key" with a hint, not silently ignored.
 */
#include "scenario_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* "export_ban", ... in enum order, from the one list in scenario.h */
static const char *const event_types[] = {
#define TYPE_(k, name) name,
    RP_EVENT_TYPES(TYPE_)
#undef TYPE_
    NULL
};

static void event_products(struct ld *ld, struct rp_disruption *ev,
                           const struct rp_ynode *x, const char *ctx)
{
    if (!ld_is_seq(ld, x, "products"))
        return;
    if (x->n == 0) {
        ld_err(ld, x->loc, "products must name at least one product");
        return;
    }
    ev->products = rp_arena_array(ld->a, x->n, sizeof *ev->products);
    for (size_t i = 0; i < x->n; i++) {
        const struct rp_ynode *it = x->items[i];
        uint32_t pr = ld_product_ref(ld, it, it->loc, it->text, ctx);
        if (pr != RP_NONE)
            ev->products[ev->nproducts++] = pr;
    }
}

/* An event that cannot start before the horizon is a mistake: it would
 * change nothing, silently. */
static void check_start(struct ld *ld, const struct rp_dist *start,
                        struct rp_loc at)
{
    char b1[32], b2[32];
    double lo = ld_lowest(start);

    /* A --set value is exempt: sweeps and sensitivity designs draw starts
     * over ranges that may cross the horizon, on purpose. */
    if (!ld->horizon_ok || lo < ld->sc->horizon ||
        (at.file && !strcmp(at.file, "--set")))
        return;
    if (start->kind == RP_DIST_CONST)
        ld_err(ld, at, "start must be before the horizon (%s), not %s",
            ld_real(b1, sizeof b1, ld->sc->horizon), ld_real(b2, sizeof b2, lo));
    else
        ld_err(ld, at, "start is never before the horizon (%s): its least "
            "value is %s", ld_real(b1, sizeof b1, ld->sc->horizon),
            ld_real(b2, sizeof b2, lo));
}

/* Each type's keys, in RP_EVENT_TYPES order. */
static const char *const event_keys[][14] = {
    { "type", "start", "duration", "cost", "from", "to", "to_owner",
      "products", "severity", "in_transit", "announce", NULL },
    { "type", "start", "duration", "cost", "from", "to", "to_owner",
      "products", "delay", "approval", "announce", NULL },
    { "type", "start", "duration", "cost", "node", "factor", "add", "ramp",
      "path", NULL },
    { "type", "start", "duration", "cost", "node", NULL },
    { "type", "start", "duration", "cost", "node", "factor", "ramp", "path",
      NULL },
};

/*
 * path: [[day, factor], ...], days increasing and not negative, factors
 * not negative (0: a plant not yet built). Stored in the arena.
 */
static void read_path(struct ld *ld, struct rp_disruption *ev,
                      const struct rp_ynode *x)
{
    char b1[32], b2[32];

    if (!ld_is_seq(ld, x, "path"))
        return;
    if (x->n == 0 || x->n > MAX_COUNT) {
        ld_err(ld, x->loc, "path must have from 1 to %d points, not %zu",
               MAX_COUNT, x->n);
        return;
    }
    struct rp_path_point *pts = rp_arena_array(ld->a, x->n, sizeof *pts);
    for (size_t i = 0; i < x->n; i++) {
        const struct rp_ynode *pt = x->items[i];
        if (pt->kind != RP_YSEQ || pt->n != 2) {
            ld_err(ld, pt->loc, "a path point must be a list [day, factor]");
            return;
        }
        if (!ld_num(ld, pt->items[0], "a path day", NONNEG, MAX_HORIZON,
                    &pts[i].day) ||
            !ld_num(ld, pt->items[1], "a path factor", NONNEG, MAX_QTY,
                    &pts[i].factor))
            return;
        if (i && !(pts[i].day > pts[i - 1].day)) {
            ld_err(ld, pt->items[0]->loc, "path days must increase: %s "
                   "follows %s", ld_real(b1, sizeof b1, pts[i].day),
                   ld_real(b2, sizeof b2, pts[i - 1].day));
            return;
        }
    }
    ev->path = pts;
    ev->npath = x->n;
}

/* What a capacity or demand event changes: factor, add (capacity) or
 * path, exactly one; ramp only with factor or add. */
static void read_change(struct ld *ld, struct rp_disruption *ev,
                        const struct rp_ypair *p, const char *ctx)
{
    const struct rp_ynode *m = p->value;
    const struct rp_ynode *f = rp_ytree_get(m, "factor");
    const struct rp_ynode *add = rp_ytree_get(m, "add");
    const struct rp_ynode *path = rp_ytree_get(m, "path");
    const struct rp_ypair *ramp = rp_ytree_pair(m, "ramp");
    bool capacity = ev->type == RP_EVENT_CAPACITY;

    if (f && add)
        ld_err(ld, add->loc, "add cannot be given with factor");
    else if (path && (f || add))
        ld_err(ld, path->loc, "path cannot be given with %s",
               f ? "factor" : "add");
    else if (f)
        ev->has_factor = ld_num(ld, f, "factor", NONNEG, MAX_QTY,
                                &ev->factor);
    else if (add)
        ld_num(ld, add, "add", NONNEG, MAX_QTY, &ev->add);
    else if (path)
        read_path(ld, ev, path);
    else
        ld_err(ld, p->key_loc, "missing key %s %s",
               capacity ? "'factor', 'add' or 'path'" : "'factor' or 'path'",
               ctx);
    if (ramp && path)
        ld_err(ld, ramp->key_loc, "ramp cannot be given with path (a path "
               "says how the factor changes)");
    else
        ld_opt_num(ld, m, "ramp", NONNEG, INFINITY, &ev->ramp);
}

/* from, to or to_owner, products: what a ban or a licence restricts. */
static void read_trade(struct ld *ld, struct rp_disruption *ev,
                       const struct rp_ypair *p, const char *ctx)
{
    const struct rp_ynode *m = p->value, *x;
    const struct rp_ynode *to = rp_ytree_get(m, "to");
    const struct rp_ynode *owner = rp_ytree_get(m, "to_owner");

    if ((x = ld_require(ld, m, p->key_loc, "from", ctx)))
        ld_cset(ld, x, "from", &ev->from);
    if (to && owner)
        ld_err(ld, owner->loc, "to_owner cannot be given with to");
    else if (to)
        ld_cset(ld, to, "to", &ev->to);
    else if (owner && ld_cset(ld, owner, "to_owner", &ev->to_owner))
        ev->by_owner = true;
    else if (!owner)
        ld_err(ld, p->key_loc, "missing key 'to' or 'to_owner' %s", ctx);
    if ((x = ld_require(ld, m, p->key_loc, "products", ctx)))
        event_products(ld, ev, x, ctx);
}

/* node: the node a capacity, outage or demand event acts on. */
static const struct rp_node *read_target(struct ld *ld,
                                         struct rp_disruption *ev,
                                         const struct rp_ypair *p,
                                         const char *ctx)
{
    const struct rp_ynode *x = ld_require(ld, p->value, p->key_loc, "node",
                                          ctx);
    char b[80];

    if (!x)
        return NULL;
    if (x->kind != RP_YSCALAR) {
        ld_err(ld, x->loc, "node must be a node id, not %s",
               ld_shown(x, b, sizeof b));
        return NULL;
    }
    ev->node = ld_node_ref(ld, x->loc, x->text, ctx);
    return ev->node != RP_NONE ? &ld->sc->nodes[ev->node] : NULL;
}

static void read_ban(struct ld *ld, struct rp_disruption *ev,
                     const struct rp_ynode *m)
{
    static const char *const transit[] = { "deliver", "seize", NULL };
    const struct rp_ynode *x;
    int v;

    if ((x = rp_ytree_get(m, "severity")) &&
        ld_num(ld, x, "severity", POS, INFINITY, &ev->severity) &&
        ev->severity > 1)
        ld_err(ld, x->loc, "severity must be in (0, 1], not %s", x->text);
    if ((x = rp_ytree_get(m, "in_transit")) &&
        ld_choice(ld, x, "in_transit", transit, &v))
        ev->in_transit = (enum rp_in_transit)v;
}

static void read_licence(struct ld *ld, struct rp_disruption *ev,
                         const struct rp_ynode *m)
{
    const struct rp_ynode *x;
    char path[1024];

    if ((x = rp_ytree_get(m, "delay"))) {
        snprintf(path, sizeof path, "events.%s.delay", ev->id);
        ld_dist(ld, x, "delay", path, 0, &ev->delay);
    }
    if ((x = rp_ytree_get(m, "approval")) &&
        ld_num(ld, x, "approval", NONNEG, INFINITY, &ev->approval) &&
        ev->approval > 1)
        ld_err(ld, x->loc, "approval must be between 0 and 1, not %s",
               x->text);
}

static void read_capacity(struct ld *ld, struct rp_disruption *ev,
                          const struct rp_ypair *p, const struct rp_node *nd,
                          const char *ctx)
{
    const struct rp_ynode *m = p->value;

    if (nd && nd->make.product == RP_NONE)
        ld_err(ld, rp_ytree_get(m, "node")->loc, "node '%s' of event '%s' "
               "makes nothing", nd->id, ev->id);
    read_change(ld, ev, p, ctx);
}

static void read_demand(struct ld *ld, struct rp_disruption *ev,
                        const struct rp_ypair *p, const struct rp_node *nd,
                        const char *ctx)
{
    const struct rp_ynode *m = p->value;

    if (nd && nd->demand.product == RP_NONE)
        ld_err(ld, rp_ytree_get(m, "node")->loc, "node '%s' of event '%s' "
               "is not a market", nd->id, ev->id);
    read_change(ld, ev, p, ctx);
}

/* type: one of RP_EVENT_TYPES, or -1 after an error. */
static int read_type(struct ld *ld, const struct rp_ynode *x)
{
    char list[256], b[80];

    for (int i = 0; x->kind == RP_YSCALAR && event_types[i]; i++)
        if (!strcmp(x->text, event_types[i]))
            return i;
    ld_err(ld, x->loc, "unknown event type %s (known: %s)",
           ld_shown(x, b, sizeof b),
           ld_join(list, sizeof list, event_types, ld_count_of(event_types)));
    return -1;
}

/* What every event has, whatever its type: its defaults, start, duration. */
static void read_common(struct ld *ld, struct rp_disruption *ev,
                        const struct rp_ynode *m)
{
    const struct rp_ynode *x;
    char path[1024];

    snprintf(path, sizeof path, "events.%s.start", ev->id);
    if ((x = rp_ytree_get(m, "start")) &&
        ld_dist(ld, x, "start", path, 0, &ev->start))
        check_start(ld, &ev->start, x->loc);
    snprintf(path, sizeof path, "events.%s.duration", ev->id);
    if ((x = rp_ytree_get(m, "duration")))
        ld_dist(ld, x, "duration", path, D_FOREVER, &ev->duration);
    ld_opt_num(ld, m, "cost", NONNEG, MAX_MONEY, &ev->cost);
    ld_opt_num(ld, m, "announce", NONNEG, MAX_HORIZON, &ev->announce);
}

static void event_defaults(struct ld *ld, struct rp_disruption *ev)
{
    char path[1024];

    ev->severity = 1;
    ev->approval = 1;
    ev->factor = 1;
    ev->node = RP_NONE;
    snprintf(path, sizeof path, "events.%s.start", ev->id);
    ld_dist(ld, NULL, "start", path, 0, &ev->start);
    snprintf(path, sizeof path, "events.%s.duration", ev->id);
    ld_dist(ld, NULL, "duration", path, 0, &ev->duration);
    ev->duration.kind = RP_DIST_FOREVER;
    snprintf(path, sizeof path, "events.%s.delay", ev->id);
    ld_dist(ld, NULL, "delay", path, 0, &ev->delay);
}

static void build_event(struct ld *ld, struct rp_disruption *ev,
                        const struct rp_ypair *p)
{
    const struct rp_ynode *m = p->value, *x;
    const struct rp_node *nd = NULL;
    char ctx[256];
    int t;

    ev->loc = p->key_loc;
    event_defaults(ld, ev);
    snprintf(ctx, sizeof ctx, "event '%s'", ev->id);
    if (!ld_is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in event '%s'", ev->id);
    if (!(x = ld_require(ld, m, p->key_loc, "type", ctx)) ||
        (t = read_type(ld, x)) < 0)
        return;
    ev->type = (enum rp_event_type)t;
    ld_check_keys(ld, m, event_keys[t], ctx);
    read_common(ld, ev, m);
    if (ev->type == RP_EVENT_EXPORT_BAN || ev->type == RP_EVENT_EXPORT_LICENCE)
        read_trade(ld, ev, p, ctx);
    else
        nd = read_target(ld, ev, p, ctx);

    switch (ev->type) {
    case RP_EVENT_EXPORT_BAN:
        read_ban(ld, ev, m);
        break;
    case RP_EVENT_EXPORT_LICENCE:
        read_licence(ld, ev, m);
        break;
    case RP_EVENT_CAPACITY:
        read_capacity(ld, ev, p, nd, ctx);
        break;
    case RP_EVENT_OUTAGE:
        break;
    case RP_EVENT_DEMAND:
        read_demand(ld, ev, p, nd, ctx);
        break;
    }
}

void ld_build_events(struct ld *ld, const struct rp_ynode *map)
{
    struct rp_scenario *sc = ld->sc;

    sc->events = rp_arena_array(ld->a, map->n, sizeof *sc->events);
    sc->nevents = map->n;
    for (size_t i = 0; i < map->n; i++) {
        ld_check_id(ld, &map->pairs[i], "event");
        sc->events[i].id = rp_arena_strdup(ld->a, map->pairs[i].key);
        ld_name_id(ld, ID_EVENT, sc->events[i].id, i);
        build_event(ld, &sc->events[i], &map->pairs[i]);
    }
}

static bool has_tag(const struct rp_node *nd, const char *tag)
{
    for (size_t i = 0; i < nd->ntags; i++)
        if (!strcmp(nd->tags[i], tag))
            return true;
    return false;
}

static void build_report_group(struct ld *ld, struct rp_report_group *g,
                               const struct rp_ypair *p)
{
    static const char *const keys[] = { "country", "makes", "tags", "nodes",
                                        NULL };
    struct rp_scenario *sc = ld->sc;
    const struct rp_ynode *m = p->value, *x;
    char ctx[256];
    struct rp_cset where;
    bool by_country = false, ok = true;
    uint32_t makes = RP_NONE;
    const struct rp_ynode *tags = NULL;
    bool *chosen = NULL;

    g->id = rp_arena_strdup(ld->a, p->key);
    g->loc = p->key_loc;
    ld_name_id(ld, ID_REPORT_GROUP, g->id, (size_t)(g - sc->report_groups));
    snprintf(ctx, sizeof ctx, "report group '%s'", p->key);
    if (m->kind != RP_YNULL && !ld_is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in report group '%s'", p->key);
    ld_check_keys(ld, m, keys, ctx);

    if ((x = rp_ytree_get(m, "country"))) {
        by_country = true;
        ok &= ld_cset(ld, x, "country", &where);
    }
    if ((x = rp_ytree_get(m, "makes"))) {
        makes = ld_product_ref(ld, x, x->loc, x->text, ctx);
        ok &= makes != RP_NONE;
    }
    if ((x = rp_ytree_get(m, "tags"))) {
        tags = x;
        ok &= ld_is_seq(ld, x, "tags");
        for (size_t i = 0; ok && i < x->n; i++)
            ok &= ld_text(ld, x->items[i], "a tag") != NULL;
    }
    if ((x = rp_ytree_get(m, "nodes")) && (ok &= ld_is_seq(ld, x, "nodes"))) {
        chosen = rp_arena_array(ld->a, sc->nnodes, sizeof *chosen);
        for (size_t i = 0; i < x->n; i++) {
            const struct rp_ynode *it = x->items[i];
            uint32_t k;
            if (it->kind != RP_YSCALAR) {
                char b[80];
                ld_err(ld, it->loc, "nodes must list node ids, not %s",
                    ld_shown(it, b, sizeof b));
                ok = false;
            } else if ((k = ld_node_ref(ld, it->loc, it->text, ctx)) ==
                       RP_NONE) {
                ok = false;
            } else {
                chosen[k] = true;
            }
        }
    }
    if (!ok || !sc->nnodes)
        return;

    g->nodes = rp_arena_array(ld->a, sc->nnodes, sizeof *g->nodes);
    for (uint32_t i = 0; i < sc->nnodes; i++) {
        const struct rp_node *nd = &sc->nodes[i];
        bool in = true;
        if (by_country)
            in &= rp_cset_has(&where, nd->country);
        if (makes != RP_NONE)
            in &= nd->make.product == makes;
        for (size_t k = 0; tags && k < tags->n; k++)
            in &= has_tag(nd, tags->items[k]->text);
        if (chosen)
            in &= chosen[i];
        if (in)
            g->nodes[g->nnodes++] = i;
    }
    if (g->nnodes == 0)
        ld_err(ld, p->key_loc, "report group '%s' selects no node", p->key);
}

/* report.lead: the group the reports open with (default: the first). */
static void build_report_lead(struct ld *ld, const struct rp_ynode *x)
{
    struct rp_scenario *sc = ld->sc;
    const char *id = ld_text(ld, x, "lead");
    if (!id)
        return;
    const char **ids = rp_arena_array(ld->a, sc->nreport_groups + 1,
                                      sizeof *ids);
    for (size_t i = 0; i < sc->nreport_groups; i++) {
        ids[i] = sc->report_groups[i].id;
        if (!strcmp(ids[i], id)) {
            sc->report_lead = (uint32_t)i;
            return;
        }
    }
    char h[128];
    ld_err(ld, x->loc, "unknown report group '%s' in report.lead%s", id,
           ld_hint(h, sizeof h, id, ids, sc->nreport_groups));
}

void ld_build_report(struct ld *ld, const struct rp_ynode *m)
{
    static const char *const keys[] = { "groups", "series", "lead", NULL };
    struct rp_scenario *sc = ld->sc;
    const struct rp_ynode *x;

    if (!ld_is_map(ld, m, "report"))
        return;
    ld_check_keys(ld, m, keys, "in report");
    if ((x = rp_ytree_get(m, "series")))
        ld_boolean(ld, x, "series", &sc->series);
    if ((x = rp_ytree_get(m, "groups")) && ld_collection(ld, x, "report groups")) {
        sc->report_groups = rp_arena_array(ld->a, x->n,
                                           sizeof *sc->report_groups);
        sc->nreport_groups = x->n;
        for (size_t i = 0; i < x->n; i++)
            build_report_group(ld, &sc->report_groups[i], &x->pairs[i]);
    }
    if ((x = rp_ytree_get(m, "lead")))
        build_report_lead(ld, x);
}
