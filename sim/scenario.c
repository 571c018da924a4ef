/*
 * scenario.c - a scenario file to validated plain structs.
 *
 * Runs the loader's stages in order (see scenario_impl.h): the files become
 * one tree with extends, the variant and the --set overrides applied
 * (scenario_layer.c); then one pass builds the structs (scenario_nodes.c,
 * scenario_events.c) with the typed readers (scenario_read.c,
 * scenario_dist.c), and the whole-network checks run last
 * (scenario_check.c). Also the public lookups and the release.
 */
#include "scenario_impl.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/idmap.h"
#include "ripple/stats.h"

static const char *stem(struct ld *ld, const char *path)
{
    const char *base = strrchr(path, '/');
    char *s = rp_arena_strdup(ld->a, base ? base + 1 : path);
    char *dot = strrchr(s, '.');

    if (dot && dot != s)
        *dot = '\0';
    return s;
}

/* seed: a whole number that fits 64 bits, read without going through a
 * double (which keeps only 53). */
static void read_seed(struct ld *ld, const struct rp_ynode *x)
{
    unsigned long long s = 0;
    char *end = NULL, b[80];
    bool digits = x->kind == RP_YSCALAR && x->plain &&
                  isdigit((unsigned char)x->text[0]);

    errno = 0;
    if (digits)
        s = strtoull(x->text, &end, 10);
    if (!digits || *end || errno == ERANGE || s > UINT64_MAX)
        ld_err(ld, x->loc, "seed must be a whole number from 0 to "
               "18446744073709551615, not %s", ld_shown(x, b, sizeof b));
    else
        ld->sc->seed = (uint64_t)s;
}

/* ripple, name, description, horizon, warmup, replications, seed,
 * confidence. */
static void read_top(struct ld *ld, const struct rp_ynode *root)
{
    static const char *const top = "at top level";
    struct rp_scenario *sc = ld->sc;
    const struct rp_ynode *x;
    double v;

    if ((x = ld_require(ld, root, root->loc, "ripple", top)) &&
        ld_num(ld, x, "ripple", ANY, INFINITY, &v) && v != 1)
        ld_err(ld, x->loc, "ripple must be 1 (the format version), not %s",
               x->text);
    if ((x = rp_ytree_get(root, "name"))) {
        const char *name = ld_text(ld, x, "name");
        if (name)
            sc->name = name;
    }
    if ((x = rp_ytree_get(root, "description")))
        sc->description = ld_text(ld, x, "description");
    if ((x = rp_ytree_get(root, "currency")))
        sc->currency = ld_text(ld, x, "currency");
    ld->horizon_ok = (x = ld_require(ld, root, root->loc, "horizon", top)) &&
                     ld_num(ld, x, "horizon", POS, MAX_HORIZON, &sc->horizon);
    if ((x = rp_ytree_get(root, "warmup")) &&
        ld_num(ld, x, "warmup", NONNEG, INFINITY, &sc->warmup) &&
        ld->horizon_ok && sc->warmup >= sc->horizon) {
        ld_err(ld, x->loc, "warmup must be less than horizon (%g), not %s",
               sc->horizon, x->text);
        sc->warmup = 0;
    }
    if ((x = rp_ytree_get(root, "replications")) &&
        ld_whole(ld, x, "replications", 1, MAX_REPLICATIONS, &v))
        sc->replications = (long)v;
    if ((x = rp_ytree_get(root, "seed")))
        read_seed(ld, x);
    if ((x = rp_ytree_get(root, "confidence")) &&
        ld_num(ld, x, "confidence", ANY, INFINITY, &v)) {
        if (v > 0 && v < 1)
            sc->confidence = v;
        else
            ld_err(ld, x->loc, "confidence must be between 0 and 1 (both "
                   "excluded), not %s", x->text);
    }
}

static void build(struct ld *ld, const struct rp_ynode *root)
{
    static const char *const keys[] = { "ripple", "name", "description",
                                        "horizon", "warmup", "replications",
                                        "seed", "confidence", "products",
                                        "groups", "nodes", "events", "report",
                                        "variants", "extends", "currency",
                                        "uncertain", NULL };
    static const char *const top = "at top level";
    struct rp_scenario *sc = ld->sc;
    const struct rp_ynode *x;
    struct rp_loc at = root->loc;
    char b[80];

    sc->name = stem(ld, sc->file);
    sc->horizon = 1;
    sc->replications = 1000;
    sc->seed = 1;
    sc->confidence = 0.95;
    if (root->kind != RP_YMAP) {
        ld_err(ld, root->loc, "a scenario must be a map, not %s",
               ld_shown(root, b, sizeof b));
        return;
    }
    ld_check_keys(ld, root, keys, top);
    read_top(ld, root);

    if ((x = ld_require(ld, root, at, "products", top)) &&
        ld_collection(ld, x, "products"))
        ld_build_products(ld, x);
    if ((x = rp_ytree_get(root, "groups")) && ld_collection(ld, x, "groups"))
        ld_build_groups(ld, x);
    if ((x = ld_require(ld, root, at, "nodes", top)) &&
        ld_collection(ld, x, "nodes"))
        ld_build_nodes(ld, x);
    if ((x = rp_ytree_get(root, "events")) && ld_collection(ld, x, "events"))
        ld_build_events(ld, x);
    if ((x = rp_ytree_get(root, "report")))
        ld_build_report(ld, x);
    if ((x = rp_ytree_get(root, "uncertain")))
        ld_build_uncertain(ld, root, x);

    ld_check_suppliers(ld);
    ld_check_cycles(ld);
}

/* Provenance names the overrides a result was made with: copy them. */
static void keep_overrides(struct ld *ld, const struct rp_load_opts *opts)
{
    size_t n = opts ? opts->noverrides : 0;
    if (!n || n > RP_MAX_OVERRIDES)
        return;
    struct rp_override *ov = rp_arena_array(ld->a, n, sizeof *ov);
    for (size_t i = 0; i < n; i++)
        ov[i] = (struct rp_override){
            rp_arena_strdup(ld->a, opts->overrides[i].path),
            rp_arena_strdup(ld->a, opts->overrides[i].value) };
    ld->sc->overrides = ov;
    ld->sc->noverrides = n;
}

static void check_input_ends(const struct rp_scenario *sc, struct rp_diag *diag);

/* An empty scenario in ld->sc named after path, with its arena, ids and a tree to read into. */
static void begin(struct ld *ld, const char *path)
{
    struct rp_scenario *sc = ld->sc;
    memset(sc, 0, sizeof *sc);
    ld->a = rp_xmalloc(sizeof *ld->a);
    rp_arena_init(ld->a);
    sc->arena = ld->a;
    sc->ids = rp_xmalloc(sizeof *sc->ids);
    rp_idmap_init(sc->ids);
    sc->file = ld->top = rp_arena_strdup(ld->a, path);
    rp_ytree_init(&ld->tree);
}

static int load(struct rp_scenario *sc, const char *path, const char *text,
                size_t len, const struct rp_load_opts *opts,
                struct rp_diag *diag)
{
    struct ld ld = { .diag = diag, .sc = sc };

    ld.max_bytes = opts && opts->max_file_size ? opts->max_file_size
                                               : RP_SCENARIO_MAX_FILE;
    size_t before = rp_diag_count(diag);
    struct rp_ynode *root;

    begin(&ld, path);
    sc->variant = "base";

    root = ld_load_tree(&ld, path, text, len, NULL,
                     (struct rp_loc){ ld.top, 0, 0 }, sc->sha256);
    if (root) {
        root = ld_apply_variant(&ld, root, opts ? opts->variant : NULL);
        root = ld_apply_overrides(&ld, root, opts);
        keep_overrides(&ld, opts);
        build(&ld, root);
    }
    if (root && sc->nuncertain && rp_diag_count(diag) == before) {
        /* kept for rp_scenario_with_inputs: each replication's own values */
        sc->layered = rp_xmalloc(sizeof *sc->layered);
        *sc->layered = ld.tree;
        sc->layered_root = root;
        check_input_ends(sc, diag);
    } else {
        rp_ytree_release(&ld.tree);
    }
    if (rp_diag_count(diag) > before) {
        rp_scenario_release(sc);
        return -1;
    }
    return 0;
}

/*
 * The scenario sc with each uncertain input set to its value, built from
 * sc's own layered tree (no file is read): what --set would give, with the
 * uncertain block gone. Errors of a value are placed at its input's key.
 */
int rp_scenario_with_inputs(struct rp_scenario *out,
                            const struct rp_scenario *sc,
                            const char *const *values, struct rp_diag *diag)
{
    struct ld ld = { .diag = diag, .sc = out, .max_bytes = RP_SCENARIO_MAX_FILE };
    size_t before = rp_diag_count(diag);

    assert(sc->layered);
    begin(&ld, sc->file);
    out->variant = rp_arena_strdup(ld.a, sc->variant);
    memcpy(out->sha256, sc->sha256, sizeof out->sha256);

    struct rp_ynode *root = rp_ytree_copy(&ld.tree, sc->layered_root);
    for (size_t i = 0; i < sc->nuncertain; i++) {
        const struct rp_uncertain *u = &sc->uncertain[i];
        struct rp_ynode *v = rp_ytree_node(&ld.tree, RP_YSCALAR, u->loc, values[i]);
        v->plain = true;
        if (rp_ytree_set(&ld.tree, &root, u->path, v))
            ld_err(&ld, u->loc, "uncertain input '%s' names no value", u->path);
    }
    rp_ytree_remove(root, "uncertain");
    struct rp_load_opts keep = { .overrides = sc->overrides,
                                 .noverrides = sc->noverrides };
    keep_overrides(&ld, &keep);
    build(&ld, root);
    rp_ytree_release(&ld.tree);
    if (rp_diag_count(diag) > before) {
        rp_scenario_release(out);
        return -1;
    }
    return 0;
}

/*
 * A replication may draw any value of an uncertain input's distribution, so
 * the scenario must hold with every input at its smallest value and at its
 * largest (its 1e-9 and 1 - 1e-9 quantiles: no family's end is asked
 * for, and an unbounded one has none); the
 * loader's checks are bounds, so values between pass too. What fails is
 * reported where the build finds it (a value's own check at its input's
 * key), with a line saying which end. Costs two builds of the scenario.
 */
static void check_input_ends(const struct rp_scenario *sc, struct rp_diag *diag)
{
    size_t k = sc->nuncertain;
    char (*text)[RP_FMT_DOUBLE_CAP] = rp_xmalloc(k * sizeof *text);
    const char **vals = rp_xmalloc(k * sizeof *vals);
    for (int end = 0; end < 2; end++) {
        for (size_t i = 0; i < k; i++) {
            const struct rp_dist *d = &sc->uncertain[i].dist;
            double x = rp_dist_quantile(d, end ? 1 - 1e-9 : 1e-9);
            rp_fmt_double(text[i], sizeof text[i], x);
            vals[i] = text[i];
        }
        struct rp_scenario tmp;
        if (rp_scenario_with_inputs(&tmp, sc, vals, diag) == 0) {
            rp_scenario_release(&tmp);
            continue;
        }
        rp_diag_at(diag, sc->uncertain[0].loc, "the scenario is invalid with "
                   "every uncertain input at its %s value (a replication may "
                   "draw it)", end ? "largest" : "smallest");
        break;
    }
    free(vals);
    free(text);
}

int rp_scenario_load(struct rp_scenario *sc, const char *path,
                     const struct rp_load_opts *opts, struct rp_diag *diag)
{
    return load(sc, path, NULL, 0, opts, diag);
}

int rp_scenario_load_string(struct rp_scenario *sc, const char *text,
                            const char *name, const struct rp_load_opts *opts,
                            struct rp_diag *diag)
{
    return load(sc, name, text, strlen(text), opts, diag);
}

/* Loads one more variant of path, without the overrides (they belong to the
 * tree being run), and moves its errors into diag, each saying which
 * variant it belongs to. */
static int check_variant(const char *path, const struct rp_load_opts *opts,
                         const char *variant, struct rp_diag *diag)
{
    struct rp_load_opts o = *opts;
    struct rp_scenario other;
    struct rp_diag d;

    o.variant = variant;
    o.overrides = NULL;
    o.noverrides = 0;
    rp_diag_init(&d);
    int rc = rp_scenario_load(&other, path, &o, &d);
    for (size_t i = 0; i < d.len; i++) {
        const struct rp_diag_entry *e = &d.entries[i];
        rp_diag_at(diag, (struct rp_loc){ e->file, e->line, e->col },
                   "%s (in variant '%s')", e->message, variant);
    }
    diag->dropped += d.dropped;
    rp_diag_release(&d);
    if (!rc)
        rp_scenario_release(&other);
    return rc;
}

int rp_scenario_load_strict(struct rp_scenario *sc, const char *path,
                            const struct rp_load_opts *opts,
                            struct rp_diag *diag)
{
    static const struct rp_load_opts none;
    const struct rp_load_opts *o = opts ? opts : &none;
    int rc = rp_scenario_load(sc, path, o, diag);

    if (rc)
        return rc;
    const char *chosen = o->variant ? o->variant : "base";
    if (strcmp(chosen, "base"))
        rc |= check_variant(path, o, "base", diag);
    for (size_t i = 0; i < sc->nvariants; i++)
        if (strcmp(sc->variants[i], chosen))
            rc |= check_variant(path, o, sc->variants[i], diag);
    if (rc)
        rp_scenario_release(sc);
    return rc ? -1 : 0;
}

static void release_dist(struct rp_dist *d)
{
    if (d->table)
        rp_dist_release(d);
}

void rp_scenario_release(struct rp_scenario *sc)
{
    for (size_t i = 0; sc->nodes && i < sc->nnodes; i++) {
        struct rp_node *nd = &sc->nodes[i];
        release_dist(&nd->make.time);
        release_dist(&nd->demand.every);
        release_dist(&nd->demand.size);
        release_dist(&nd->outages.every);
        release_dist(&nd->outages.lasts);
        for (size_t k = 0; nd->sources && k < nd->nsources; k++) {
            for (size_t j = 0; j < nd->sources[k].nsources; j++) {
                release_dist(&nd->sources[k].sources[j].lead_time);
                release_dist(&nd->sources[k].sources[j].qualify);
            }
        }
    }
    for (size_t i = 0; sc->uncertain && i < sc->nuncertain; i++)
        release_dist(&sc->uncertain[i].dist);
    for (size_t i = 0; sc->events && i < sc->nevents; i++) {
        release_dist(&sc->events[i].start);
        release_dist(&sc->events[i].duration);
        release_dist(&sc->events[i].delay);
    }
    if (sc->ids) {
        rp_idmap_release(sc->ids);
        free(sc->ids);
    }
    if (sc->layered) {
        rp_ytree_release(sc->layered);
        free(sc->layered);
    }
    if (sc->arena) {
        rp_arena_release(sc->arena);
        free(sc->arena);
    }
    memset(sc, 0, sizeof *sc);
}

uint32_t rp_scenario_product(const struct rp_scenario *sc, const char *id)
{
    return sc->ids ? ld_find(sc, ID_PRODUCT, id) : RP_NONE;
}

uint32_t rp_scenario_node(const struct rp_scenario *sc, const char *id)
{
    return sc->ids ? ld_find(sc, ID_NODE, id) : RP_NONE;
}

uint32_t rp_scenario_event(const struct rp_scenario *sc, const char *id)
{
    return sc->ids ? ld_find(sc, ID_EVENT, id) : RP_NONE;
}

uint32_t rp_scenario_report_group(const struct rp_scenario *sc,
                                  const char *id)
{
    return sc->ids ? ld_find(sc, ID_REPORT_GROUP, id) : RP_NONE;
}

const char *rp_event_type_name(enum rp_event_type t)
{
    switch (t) {
#define NAME_(type, name)                                                      \
    case RP_EVENT_##type:                                                      \
        return name;
    RP_EVENT_TYPES(NAME_)
#undef NAME_
    }
    return "unknown";
}
