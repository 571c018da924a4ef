/*
 * scenario_flows.c - what moves goods: a node's sources (the edges to its
 * suppliers, their shares, lead times and backups) and its stock (the
 * holdings and the policies that order for them).
 */
#include "scenario_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* How an edge's share was written; SHARE_BAD: reported already. */
enum share_given { SHARE_BAD = -1, SHARE_ABSENT, SHARE_GIVEN };

/* trigger: { fill, window }: a backup called in by poor service. */
static void read_trigger(struct ld *ld, struct rp_source *s,
                         const struct rp_ypair *tp)
{
    static const char *const keys[] = { "fill", "window", NULL };
    const struct rp_ynode *m = tp->value, *x;

    if (!s->backup) {
        ld_err(ld, tp->key_loc, "trigger applies only to backup sources");
        return;
    }
    if (!ld_is_map(ld, m, "trigger"))
        return;
    ld_check_keys(ld, m, keys, "in trigger");
    s->has_trigger = true;
    if ((x = ld_require(ld, m, m->loc, "fill", "in trigger")) &&
        ld_num(ld, x, "fill", POS, INFINITY, &s->trigger_fill) &&
        s->trigger_fill > 1)
        ld_err(ld, x->loc, "fill must be in (0, 1], not %s", x->text);
    if ((x = ld_require(ld, m, m->loc, "window", "in trigger")))
        ld_num(ld, x, "window", POS, MAX_HORIZON, &s->trigger_window);
}

/* One edge: sources: { product: { supplier: { share, lead_time, ... } } }. */
static enum share_given read_source(struct ld *ld, struct rp_node *nd, uint32_t self,
                        const char *product, struct rp_source *s,
                        const struct rp_ypair *p)
{
    static const char *const keys[] = { "share", "lead_time", "backup",
                                        "qualify", "trigger", "price", NULL };
    const struct rp_ynode *e = p->value, *x;
    char ctx[256], path[1024], qpath[1024];
    enum share_given has_share = SHARE_ABSENT;

    s->loc = p->key_loc;
    snprintf(ctx, sizeof ctx, "in sources of '%s'", nd->id);
    s->supplier = ld_node_ref(ld, p->key_loc, p->key, ctx);
    if (s->supplier == self)
        ld_err(ld, p->key_loc, "node '%s' cannot source from itself", nd->id);
    snprintf(path, sizeof path, "nodes.%s.sources.%s.%s.lead_time", nd->id,
             product, p->key);
    ld_dist(ld, NULL, "lead_time", path, 0, &s->lead_time);
    snprintf(qpath, sizeof qpath, "nodes.%s.sources.%s.%s.qualify", nd->id,
             product, p->key);
    ld_dist(ld, NULL, "qualify", qpath, 0, &s->qualify);

    snprintf(ctx, sizeof ctx, "source '%s'", p->key);
    if (e->kind != RP_YNULL && !ld_is_map(ld, e, ctx))
        return SHARE_BAD;               /* reported: one error is enough */
    snprintf(ctx, sizeof ctx, "in source '%s'", p->key);
    ld_check_keys(ld, e, keys, ctx);
    if ((x = rp_ytree_get(e, "backup")))
        ld_boolean(ld, x, "backup", &s->backup);
    if ((x = rp_ytree_get(e, "share"))) {
        has_share = SHARE_GIVEN;
        if (!ld_num(ld, x, "share", NONNEG, INFINITY, &s->share))
            has_share = SHARE_BAD;
        else if (s->share > 1) {
            ld_err(ld, x->loc, "share must be between 0 and 1, not %s",
                   x->text);
            s->share = 1;
        }
    }
    if ((x = rp_ytree_get(e, "lead_time")))
        ld_dist(ld, x, "lead_time", path, 0, &s->lead_time);
    if ((x = rp_ytree_get(e, "qualify"))) {
        if (!s->backup)
            ld_err(ld, rp_ytree_pair(e, "qualify")->key_loc,
                   "qualify applies only to backup sources");
        ld_dist(ld, x, "qualify", qpath, 0, &s->qualify);
    }
    if ((x = rp_ytree_get(e, "trigger")))
        read_trigger(ld, s, rp_ytree_pair(e, "trigger"));
    ld_opt_num(ld, e, "price", NONNEG, MAX_MONEY, &s->price);
    return has_share;
}

/*
 * One primary source needs no share; several must say how they split, and
 * their shares must sum to 1. Backups do not count.
 */
static void check_shares(struct ld *ld, const struct rp_node *nd,
                         struct rp_sourcing *sg, const struct rp_ypair *pp,
                         const signed char *has_share)
{
    const struct rp_ynode *m = pp->value;
    size_t nprimary = 0, nmissing = 0;
    double sum = 0;
    char b[32];

    for (size_t i = 0; i < sg->nsources; i++) {
        if (has_share[i] == SHARE_BAD)
            return;                     /* reported; a sum would mislead */
        if (!sg->sources[i].backup) {
            nprimary++;
            nmissing += !has_share[i];
            sum += sg->sources[i].share;
        }
    }
    if (nprimary == 0) {
        ld_err(ld, pp->key_loc, "sources of '%s' in '%s' are all backups",
               pp->key, nd->id);
        return;
    }
    for (size_t i = 0; i < sg->nsources; i++) {
        struct rp_source *s = &sg->sources[i];
        if (s->backup || has_share[i] != SHARE_ABSENT)
            continue;
        if (nprimary == 1) {
            s->share = 1;
            sum = 1;
        } else {
            ld_err(ld, m->pairs[i].key_loc, "missing key 'share' in source "
                   "'%s' ('%s' has %zu sources)", m->pairs[i].key, pp->key,
                   nprimary);
        }
    }
    if ((nmissing == 0 || nprimary == 1) && fabs(sum - 1) > SHARE_TOLERANCE)
        ld_err(ld, pp->key_loc, "shares of '%s' in sources of '%s' sum to "
               "%s, not 1", pp->key, nd->id, ld_real_vs(b, sizeof b, sum, 1));
}

static void build_sourcing(struct ld *ld, struct rp_node *nd, uint32_t self,
                           struct rp_sourcing *sg, const struct rp_ypair *pp)
{
    const struct rp_ynode *m = pp->value;
    char ctx[256];
    signed char *has_share;

    snprintf(ctx, sizeof ctx, "in sources of '%s'", nd->id);
    sg->product = ld_product_ref(ld, NULL, pp->key_loc, pp->key, ctx);
    sg->loc = pp->key_loc;
    snprintf(ctx, sizeof ctx, "sources of '%s' in '%s'", pp->key, nd->id);
    if (!ld_collection(ld, m, ctx))
        return;
    if (m->n == 0) {
        ld_err(ld, m->loc, "sources of '%s' in '%s' name no supplier",
               pp->key, nd->id);
        return;
    }
    sg->sources = rp_arena_array(ld->a, m->n, sizeof *sg->sources);
    sg->nsources = m->n;
    has_share = rp_arena_array(ld->a, m->n, sizeof *has_share);
    for (size_t i = 0; i < m->n; i++)
        has_share[i] = (signed char)read_source(ld, nd, self, pp->key, &sg->sources[i],
                                   &m->pairs[i]);
    check_shares(ld, nd, sg, pp, has_share);
}

void ld_build_sources(struct ld *ld, struct rp_node *nd, uint32_t self,
                          const struct rp_ynode *m)
{
    char ctx[256];

    snprintf(ctx, sizeof ctx, "sources of '%s'", nd->id);
    if (!ld_collection(ld, m, ctx))
        return;
    nd->sources = rp_arena_array(ld->a, m->n, sizeof *nd->sources);
    nd->nsources = m->n;
    for (size_t i = 0; i < m->n; i++)
        build_sourcing(ld, nd, self, &nd->sources[i], &m->pairs[i]);
}

/*
 * "cover: D" is D days of the use of product at full capacity: an input's
 * share of the make rate, the make rate itself, or a market's mean demand.
 * Returns the units per day, or -1 with an error.
 */
static double use_rate(struct ld *ld, const struct rp_node *nd, uint32_t p,
                       const char *pid, struct rp_loc loc)
{
    const struct rp_make *mk = &nd->make;

    if (mk->product != RP_NONE) {
        double t = rp_dist_mean(&mk->time);
        double rate = mk->batch * mk->servers / t;
        bool uses = mk->product == p;
        double per = 1;
        for (size_t i = 0; i < mk->ninputs; i++) {
            if (mk->inputs[i].product == p) {
                uses = true;
                per = mk->inputs[i].qty;
            }
        }
        if (uses) {
            if (!(t > 0) || !isfinite(t)) {
                ld_err(ld, loc, "cover needs a positive, finite make time in "
                             "'%s'", nd->id);
                return -1;
            }
            return rate * per;
        }
    }
    if (nd->demand.product != RP_NONE && nd->demand.product == p)
        return rp_dist_mean(&nd->demand.size) /
               rp_dist_mean(&nd->demand.every);
    ld_err(ld, loc, "cover has no known use of '%s' in '%s': it neither makes, "
                 "uses nor sells it", pid, nd->id);
    return -1;
}

/* D days of use of product p at full capacity, as a level; 0 after an
 * error. */
static double cover_level(struct ld *ld, const struct rp_node *nd,
                          uint32_t p, const char *pid,
                          const struct rp_ynode *at, double days)
{
    double rate = use_rate(ld, nd, p, pid, at->loc);
    double level = rate >= 0 ? days * rate : 0;

    if (level > MAX_QTY) {
        ld_err(ld, at->loc, "cover gives a level above %g", MAX_QTY);
        return 0;
    }
    return level;
}

/* alert: { cover: D } or { level: L }: the target while an announced
 * restriction of one of the product's sources lasts. */
static void read_alert(struct ld *ld, struct rp_node *nd, struct rp_stock *st,
                       const struct rp_ypair *pp, const struct rp_ypair *ap)
{
    static const char *const keys[] = { "cover", "level", NULL };
    const struct rp_ynode *m = ap->value;
    const struct rp_ynode *cv = rp_ytree_get(m, "cover");
    const struct rp_ynode *lv = rp_ytree_get(m, "level");
    double days;

    if (!ld_is_map(ld, m, "alert"))
        return;
    ld_check_keys(ld, m, keys, "in alert");
    if (cv && lv) {
        ld_err(ld, cv->loc, "cover cannot be given with level in alert");
    } else if (lv) {
        st->has_alert = ld_num(ld, lv, "level", NONNEG, MAX_QTY,
                               &st->alert_level);
    } else if (cv) {
        if (ld_num(ld, cv, "cover", NONNEG, INFINITY, &days) &&
            st->product != RP_NONE) {
            st->has_alert = true;
            st->alert_cover = days;
            st->alert_level = cover_level(ld, nd, st->product, pp->key, cv,
                                          days);
        }
    } else {
        ld_err(ld, m->loc, "alert needs cover or level");
    }
}

/* policy: and the keys that go with it; a key of another policy is an
 * error where it is written. */
static enum rp_policy read_policy(struct ld *ld, const struct rp_ynode *m)
{
    static const char *const policies[] = { "base_stock", "sS", "rQ", NULL };
    /* which keys each policy takes, beside initial, policy and review */
    static const char *const takes[][3] = {
        { "level", "cover", NULL }, { "s", "S", NULL }, { "r", "Q", NULL },
    };
    static const char *const policy_keys[] = { "level", "cover", "s", "S",
                                               "r", "Q", NULL };
    const struct rp_ynode *x;
    int pol = 0;

    if ((x = rp_ytree_get(m, "policy")))
        ld_choice(ld, x, "policy", policies, &pol);
    for (size_t i = 0; policy_keys[i]; i++) {
        const struct rp_ypair *k = rp_ytree_pair(m, policy_keys[i]);
        if (k && strcmp(policy_keys[i], takes[pol][0]) &&
            strcmp(policy_keys[i], takes[pol][1]))
            ld_err(ld, k->key_loc, "%s does not apply to policy %s",
                   policy_keys[i], policies[pol]);
    }
    return (enum rp_policy)pol;
}

/* base_stock: level, or cover (days of use at capacity). */
static void read_base_stock(struct ld *ld, struct rp_node *nd,
                            struct rp_stock *st, const struct rp_ypair *pp,
                            const char *ctx)
{
    const struct rp_ynode *m = pp->value;
    const struct rp_ynode *lv = rp_ytree_get(m, "level");
    const struct rp_ynode *cv = rp_ytree_get(m, "cover");
    double days;

    if (lv && cv) {
        ld_err(ld, cv->loc, "cover cannot be given with level");
    } else if (lv) {
        ld_num(ld, lv, "level", NONNEG, MAX_QTY, &st->level);
    } else if (cv) {
        if (ld_num(ld, cv, "cover", NONNEG, INFINITY, &days) &&
            st->product != RP_NONE) {
            st->cover = days;
            st->level = cover_level(ld, nd, st->product, pp->key, cv, days);
        }
    } else {
        ld_err(ld, pp->key_loc, "missing key 'level' %s", ctx);
    }
}

/* sS or rQ: the two numbers of the policy; returns the default initial. */
static double read_reorder(struct ld *ld, struct rp_stock *st,
                           const struct rp_ypair *pp, const char *ctx)
{
    const struct rp_ynode *m = pp->value, *x;

    if (st->policy == RP_POLICY_SS) {
        if ((x = ld_require(ld, m, pp->key_loc, "s", ctx)))
            ld_num(ld, x, "s", NONNEG, MAX_QTY, &st->s);
        if ((x = ld_require(ld, m, pp->key_loc, "S", ctx)) &&
            ld_num(ld, x, "S", NONNEG, MAX_QTY, &st->S) && st->s > st->S)
            ld_err(ld, rp_ytree_get(m, "s")->loc, "s must be at most S (%g), "
                   "not %g", st->S, st->s);
        return st->S;
    }
    if ((x = ld_require(ld, m, pp->key_loc, "r", ctx)))
        ld_num(ld, x, "r", NONNEG, MAX_QTY, &st->r);
    if ((x = ld_require(ld, m, pp->key_loc, "Q", ctx)))
        ld_num(ld, x, "Q", POS, MAX_QTY, &st->Q);
    return st->r + st->Q;
}

static void build_stock_entry(struct ld *ld, struct rp_node *nd,
                              struct rp_stock *st, const struct rp_ypair *pp)
{
    static const char *const keys[] = { "initial", "policy", "level", "s",
                                        "S", "r", "Q", "review", "cover",
                                        "alert", "holding", NULL };
    const struct rp_ynode *m = pp->value;
    char ctx[256];

    snprintf(ctx, sizeof ctx, "in stock of '%s'", nd->id);
    st->product = ld_product_ref(ld, NULL, pp->key_loc, pp->key, ctx);
    st->loc = pp->key_loc;
    snprintf(ctx, sizeof ctx, "stock '%s' of '%s'", pp->key, nd->id);
    if (!ld_is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in stock '%s' of '%s'", pp->key, nd->id);
    ld_check_keys(ld, m, keys, ctx);
    st->policy = read_policy(ld, m);
    ld_opt_num(ld, m, "review", NONNEG, INFINITY, &st->review);
    if (st->policy == RP_POLICY_BASE_STOCK) {
        read_base_stock(ld, nd, st, pp, ctx);
        st->initial = st->level;
    } else {
        st->initial = read_reorder(ld, st, pp, ctx);
    }
    st->initial_given = rp_ytree_get(m, "initial") != NULL;
    ld_opt_num(ld, m, "initial", NONNEG, MAX_QTY, &st->initial);
    ld_opt_num(ld, m, "holding", NONNEG, MAX_MONEY, &st->holding);
    if (rp_ytree_get(m, "alert"))
        read_alert(ld, nd, st, pp, rp_ytree_pair(m, "alert"));
}

void ld_build_stock(struct ld *ld, struct rp_node *nd,
                        const struct rp_ynode *m)
{
    char ctx[256];

    snprintf(ctx, sizeof ctx, "stock of '%s'", nd->id);
    if (!ld_collection(ld, m, ctx))
        return;
    nd->stock = rp_arena_array(ld->a, m->n, sizeof *nd->stock);
    nd->nstock = m->n;
    for (size_t i = 0; i < m->n; i++)
        build_stock_entry(ld, nd, &nd->stock[i], &m->pairs[i]);
}

const struct rp_sourcing *ld_sourcing_of(const struct rp_node *nd,
                                             uint32_t p)
{
    for (size_t i = 0; i < nd->nsources; i++)
        if (nd->sources[i].product == p)
            return &nd->sources[i];
    return NULL;
}

const struct rp_stock *ld_stock_of(const struct rp_node *nd, uint32_t p)
{
    for (size_t i = 0; i < nd->nstock; i++)
        if (nd->stock[i].product == p)
            return &nd->stock[i];
    return NULL;
}
