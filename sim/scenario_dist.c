/*
 * scenario_dist.c - distributions as the scenario writes them.
 *
 * A plain number is a constant, "forever" an unbounded duration, and a
 * map {dist: <family>, <params>} one of the families of RP_DIST_FAMILIES
 * (dist.h), whose parameter names come from that one list. Parameters are
 * checked here by rp_dist_check, where the line is known.
 */
#include "scenario_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ripple/rng.h"

struct family {
    const char *name;
    enum rp_dist_kind kind;
    const char *params[5];              /* "dist" first, NULL-terminated */
};

static const struct family families[] = {
#define FAMILY_(k, name, p1, p2, p3) { name, RP_DIST_##k, { "dist", p1, p2, p3, NULL } },
    RP_DIST_FAMILIES(FAMILY_)
#undef FAMILY_
};
#define NFAMILIES (sizeof families / sizeof families[0])

/* A list of finite numbers into the arena. */
static double *numbers(struct ld *ld, const struct rp_ynode *n,
                       const char *key, size_t *len)
{
    double *v;

    *len = 0;
    if (!ld_is_seq(ld, n, key))
        return NULL;
    if (n->n > MAX_COUNT) {
        ld_err(ld, n->loc, "too many %s: %zu (at most %d)", key, n->n,
            MAX_COUNT);
        return NULL;
    }
    v = rp_arena_array(ld->a, n->n, sizeof *v);
    for (size_t i = 0; i < n->n; i++)
        if (!ld_num(ld, n->items[i], key, ANY, INFINITY, &v[i]))
            return NULL;
    *len = n->n;
    return v;
}

static bool dist_map(struct ld *ld, const struct rp_ynode *n, const char *key,
                     struct rp_dist *d)
{
    const struct rp_ynode *name;
    const struct family *f = NULL;
    char ctx[64], list[256];
    bool ok = true;

    snprintf(ctx, sizeof ctx, "in distribution of %s", key);
    name = ld_require(ld, n, n->loc, "dist", ctx);
    if (!name)
        return false;
    for (size_t i = 0; name->kind == RP_YSCALAR && i < NFAMILIES; i++)
        if (!strcmp(name->text, families[i].name))
            f = &families[i];
    if (!f) {
        const char *names[NFAMILIES];
        char b[80];
        for (size_t i = 0; i < NFAMILIES; i++)
            names[i] = families[i].name;
        ld_err(ld, name->loc, "unknown distribution %s (known: %s)",
            ld_shown(name, b, sizeof b),
            ld_join(list, sizeof list, names, NFAMILIES));
        return false;
    }

    snprintf(ctx, sizeof ctx, "in %s distribution", f->name);
    ld_check_keys(ld, n, f->params, ctx);
    d->kind = f->kind;
    if (f->kind == RP_DIST_EMPIRICAL) {
        const struct rp_ynode *vn = ld_require(ld, n, n->loc, "values", ctx);
        const struct rp_ynode *wn = rp_ytree_get(n, "weights");
        size_t nw = 0;
        if (!vn)
            return false;
        d->values = numbers(ld, vn, "values", &d->n);
        if (!d->values)
            return false;
        if (wn) {
            d->weights = numbers(ld, wn, "weights", &nw);
            if (!d->weights)
                return false;
            if (nw != d->n) {
                ld_err(ld, wn->loc, "weights must have as many entries as "
                                 "values (%zu), not %zu", d->n, nw);
                return false;
            }
        } else {                        /* equally likely */
            double *w = rp_arena_array(ld->a, d->n, sizeof *w);
            for (size_t i = 0; i < d->n; i++)
                w[i] = 1;
            d->weights = w;
        }
        return true;
    }
    double *slot[3] = { &d->a, &d->b, &d->c };
    for (int i = 1; i < 4 && f->params[i]; i++) {
        const struct rp_ynode *p = ld_require(ld, n, n->loc, f->params[i], ctx);
        if (!p || !ld_num(ld, p, f->params[i], ANY, INFINITY, slot[i - 1]))
            ok = false;
    }
    return ok;
}

/*
 * Reads a random quantity at path (which is also its stream's key). On any
 * error *d is left a constant 0 with its path, so the build can go on.
 */
bool ld_dist(struct ld *ld, const struct rp_ynode *n, const char *key,
                 const char *path, unsigned flags, struct rp_dist *d)
{
    char msg[256];

    memset(d, 0, sizeof *d);
    d->kind = RP_DIST_CONST;
    d->path = rp_arena_strdup(ld->a, path);
    d->path_hash = rp_path_hash(path);
    if (!n)
        return true;

    if (n->kind == RP_YSCALAR && !strcmp(n->text, "forever")) {
        if (!(flags & D_FOREVER)) {
            ld_err(ld, n->loc, "%s cannot be forever", key);
            return false;
        }
        d->kind = RP_DIST_FOREVER;
        return true;
    }
    if (n->kind != RP_YMAP) {
        double v;
        if (!ld_num(ld, n, key, flags & D_POSITIVE ? POS : NONNEG, INFINITY, &v))
            return false;
        d->a = v;
        return true;
    }
    bool ok = dist_map(ld, n, key, d);
    if (ok && rp_dist_check(d, msg, sizeof msg)) {
        ld_err(ld, n->loc, "%s", msg);
        ok = false;
    }
    if (!ok) {
        memset(d, 0, sizeof *d);
        d->kind = RP_DIST_CONST;
        d->path = rp_arena_strdup(ld->a, path);
        d->path_hash = rp_path_hash(path);
        return false;
    }
    if (d->kind == RP_DIST_EMPIRICAL)
        rp_dist_prepare(d);
    return true;
}

double ld_lowest(const struct rp_dist *d)
{
    double lo;

    switch (d->kind) {
    case RP_DIST_CONST:
    case RP_DIST_UNIFORM:
    case RP_DIST_TRIANGULAR:
        return d->a;
    case RP_DIST_EMPIRICAL:
        lo = INFINITY;
        for (size_t i = 0; i < d->n; i++)
            if (d->weights[i] > 0 && d->values[i] < lo)
                lo = d->values[i];
        return lo;
    default:
        return 0;
    }
}
