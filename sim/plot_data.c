#define _POSIX_C_SOURCE 200809L
/*
 * plot_data.c - what DIR holds, read for the report page.
 *
 * JSON (summary.json, provenance.json) goes through the project's YAML
 * tree, which reads JSON: numbers keep the text they were written with, so
 * a seed of 12345678901234567891 is shown as written, not rounded through
 * a double. CSV goes through the one RFC 4180 reader (csvread.h).
 * replications.csv is read once into vectors keyed "scope,id,key,metric"
 * (a hash table: O(rows) to load, O(1) a look-up).
 */
#include "plot_impl.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/diag.h"

/* ----------------------------------------------------------------- files */

/* The whole of DIR/name, NUL-terminated, its length in *len; NULL when unreadable. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t n = 0, cap = 1 << 16;
    char *buf = rp_xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = rp_xrealloc(buf, cap);
        }
    }
    buf[n] = '\0';
    fclose(f);
    *len = n;
    return buf;
}

/* DIR/name parsed into d; d->root stays NULL when absent or not whole. */
static void load_json(struct jdoc *d, const char *dir, const char *name)
{
    size_t len = 0;
    char *text = slurp(dir, name, &len);
    struct rp_diag diag;
    rp_ytree_init(&d->tree);
    d->root = NULL;
    if (!text)
        return;
    rp_diag_init(&diag);
    const struct rp_ynode *root = rp_ytree_parse(&d->tree, text, len, name,
                                                 &diag);
    if (root && root->kind == RP_YMAP && !rp_diag_count(&diag))
        d->root = root;
    rp_diag_release(&diag);
    free(text);
}

const char *plot_jstr(const struct rp_ynode *map, const char *key)
{
    const struct rp_ynode *n = map ? rp_ytree_get(map, key) : NULL;
    return n && n->kind == RP_YSCALAR ? n->text : NULL;
}

double plot_jnum(const struct rp_ynode *map, const char *key)
{
    const char *s = plot_jstr(map, key);
    return s ? rp_csv_number(s) : NAN;
}

/* DIR/name as a table; false when absent or unreadable. */
static bool load_csv(struct rp_csv_table *t, const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return rp_csv_table_read(t, path) == 0 && t->nrows > 0;
}

double plot_csv_num(const struct rp_csv_table *c, size_t r, int col)
{
    return rp_csv_number(rp_csv_get(c, r, col));
}

/* ------------------------------------------ per-replication values by name */

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static struct vec *vecs_get(struct vecs *vs, const char *key, bool create)
{
    if (!vs->tabcap) {
        if (!create)
            return NULL;
        vs->tabcap = 1024;
        vs->tab = rp_xcalloc(vs->tabcap, sizeof *vs->tab);
    }
    size_t i = (size_t)fnv1a(key) & (vs->tabcap - 1);
    for (; vs->tab[i]; i = (i + 1) & (vs->tabcap - 1))
        if (!strcmp(vs->v[vs->tab[i] - 1].key, key))
            return &vs->v[vs->tab[i] - 1];
    if (!create)
        return NULL;
    if (vs->n == vs->cap)
        vs->v = rp_xrealloc(vs->v, (vs->cap = vs->cap ? 2 * vs->cap : 64)
                                       * sizeof *vs->v);
    vs->v[vs->n] = (struct vec){ rp_xstrdup(key), NULL, 0, 0 };
    vs->tab[i] = ++vs->n;
    if (2 * vs->n > vs->tabcap) {       /* rehash at half full */
        free(vs->tab);
        vs->tabcap *= 2;
        vs->tab = rp_xcalloc(vs->tabcap, sizeof *vs->tab);
        for (size_t k = 0; k < vs->n; k++) {
            size_t j = (size_t)fnv1a(vs->v[k].key) & (vs->tabcap - 1);
            while (vs->tab[j])
                j = (j + 1) & (vs->tabcap - 1);
            vs->tab[j] = k + 1;
        }
    }
    return &vs->v[vs->n - 1];
}

static void vecs_release(struct vecs *vs)
{
    for (size_t i = 0; i < vs->n; i++) {
        free(vs->v[i].key);
        free(vs->v[i].x);
    }
    free(vs->v);
    free(vs->tab);
    memset(vs, 0, sizeof *vs);
}

/*
 * Reads replications.csv into vs, keyed "scope,id,key,metric". A compare
 * or sweep holds every arm's rows; the page's run figures are the first
 * arm's (the base, or the first point), so later arms are skipped.
 */
static bool load_replications(struct vecs *vs, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/replications.csv", dir);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    struct rp_csv_reader rd;
    int col[6] = { -1, -1, -1, -1, -1, -1 };   /* arm scope id key metric value */
    static const char *const names[6] = { "", "scope", "id", "key", "metric",
                                          "value" };
    char *arm = NULL;
    rp_csv_reader_init(&rd, f);
    if (rp_csv_reader_next(&rd) == 1)
        for (size_t i = 0; i < rd.nfields; i++)
            for (int k = 0; k < 6; k++)
                if (!strcmp(rp_csv_reader_field(&rd, i), names[k])
                    || (k == 0 && i == 1))
                    col[k] = (int)i;
    bool ok = col[1] >= 0 && col[5] >= 0;
    while (ok && rp_csv_reader_next(&rd) == 1) {
        const char *a = rp_csv_reader_field(&rd, (size_t)col[0]);
        if (!arm)
            arm = rp_xstrdup(a);
        else if (strcmp(arm, a))
            continue;
        char key[1024];
        snprintf(key, sizeof key, "%s,%s,%s,%s",
                 rp_csv_reader_field(&rd, (size_t)col[1]),
                 rp_csv_reader_field(&rd, (size_t)col[2]),
                 rp_csv_reader_field(&rd, (size_t)col[3]),
                 rp_csv_reader_field(&rd, (size_t)col[4]));
        struct vec *v = vecs_get(vs, key, true);
        if (v->n == v->cap)
            v->x = rp_xrealloc(v->x, (v->cap = v->cap ? 2 * v->cap : 256)
                                         * sizeof *v->x);
        v->x[v->n++] = rp_csv_number(rp_csv_reader_field(&rd, (size_t)col[5]));
    }
    free(arm);
    rp_csv_reader_release(&rd);
    fclose(f);
    return vs->n > 0;
}

static const struct vec *vecs_find(const struct vecs *vs, const char *key)
{
    if (!vs->tabcap)
        return NULL;
    size_t i = (size_t)fnv1a(key) & (vs->tabcap - 1);
    for (; vs->tab[i]; i = (i + 1) & (vs->tabcap - 1))
        if (!strcmp(vs->v[vs->tab[i] - 1].key, key))
            return &vs->v[vs->tab[i] - 1];
    return NULL;
}

const struct vec *plot_vec(const struct report *r, const char *scope,
                           const char *id, const char *key, const char *metric)
{
    char k[1024];
    snprintf(k, sizeof k, "%s,%s,%s,%s", scope, id, key, metric);
    return vecs_find(&r->reps_v, k);
}

bool plot_summarize(const struct vec *v, double confidence,
                    struct rp_summary *s)
{
    if (!v || !v->n)
        return false;
    struct rp_acc acc;
    rp_acc_init(&acc, RP_ACC_EXACT);
    for (size_t i = 0; i < v->n; i++)
        if (isfinite(v->x[i]))
            rp_acc_add(&acc, v->x[i]);
    rp_acc_summarize(&acc, confidence, s);
    rp_acc_release(&acc);
    return s->n > 0;
}

static bool same_vec(const struct vec *a, const struct vec *b)
{
    if (!a || !b)
        return a == b;
    return a->n == b->n && !memcmp(a->x, b->x, a->n * sizeof *a->x);
}

/* Event rows i and j of events.csv give g's members the same tts and ttr. */
static bool same_event(const struct report *r, const struct group *g,
                       size_t i, size_t j)
{
    const struct rp_csv_table *c = &r->events;
    int ce = rp_csv_col(c, "event");
    const char *a = rp_csv_get(c, i, ce), *b = rp_csv_get(c, j, ce);
    static const char *const metric[] = { "tts", "ttr" };
    for (size_t k = 0; k < g->nnodes; k++)
        for (int m = 0; m < 2; m++)
            if (!same_vec(plot_vec(r, "event", a, g->nodes[k], metric[m]),
                          plot_vec(r, "event", b, g->nodes[k], metric[m])))
                return false;
    return true;
}

size_t *plot_event_leaders(const struct report *r, const struct group *g)
{
    const struct rp_csv_table *c = &r->events;
    size_t *lead = rp_xcalloc(c->nrows + 1, sizeof *lead);
    for (size_t i = 1; i < c->nrows; i++) {
        lead[i] = i;
        for (size_t j = 1; j < i; j++)
            if (lead[j] == j && same_event(r, g, j, i)) {
                lead[i] = j;
                break;
            }
    }
    return lead;
}

/* ---------------------------------------------------------------- groups */

/* Groups from groups.csv, the summary's lead group first. */
static void load_groups(struct report *r)
{
    const struct rp_csv_table *c = &r->groups_csv;
    int cg = rp_csv_col(c, "group"), cp = rp_csv_col(c, "product"),
        cu = rp_csv_col(c, "unit"), cn = rp_csv_col(c, "node"),
        cname = rp_csv_col(c, "name");
    for (size_t i = 1; i < c->nrows; i++) {
        const char *gid = rp_csv_get(c, i, cg);
        struct group *g = NULL;
        for (size_t k = 0; k < r->ngroups && !g; k++)
            if (!strcmp(r->groups[k].id, gid))
                g = &r->groups[k];
        if (!g) {
            r->groups = rp_xrealloc(r->groups,
                                    (r->ngroups + 1) * sizeof *r->groups);
            g = &r->groups[r->ngroups++];
            *g = (struct group){ gid, rp_csv_get(c, i, cp), rp_csv_get(c, i, cu),
                                 NULL, NULL, 0 };
        }
        const char *name = cname >= 0 ? rp_csv_get(c, i, cname) : "";
        g->nodes = rp_xrealloc(g->nodes, (g->nnodes + 1) * sizeof *g->nodes);
        g->names = rp_xrealloc(g->names, (g->nnodes + 1) * sizeof *g->names);
        g->nodes[g->nnodes] = rp_csv_get(c, i, cn);
        g->names[g->nnodes++] = *name ? name : rp_csv_get(c, i, cn);
    }
    for (size_t k = 1; r->lead && k < r->ngroups; k++)
        if (!strcmp(r->groups[k].id, r->lead)) {
            struct group t = r->groups[k];
            memmove(&r->groups[1], &r->groups[0], k * sizeof *r->groups);
            r->groups[0] = t;
        }
}

const char *plot_unit(const struct group *g)
{
    return g && g->unit && *g->unit ? g->unit : "units";
}

const struct group *plot_group(const struct report *r, const char *id)
{
    for (size_t k = 0; k < r->ngroups; k++)
        if (!strcmp(r->groups[k].id, id))
            return &r->groups[k];
    return NULL;
}

const struct group *plot_lead(const struct report *r)
{
    return r->ngroups ? &r->groups[0] : NULL;
}

/* O(members of all groups): pages name a few dozen nodes. */
const char *plot_node_name(const struct report *r, const char *id)
{
    for (size_t k = 0; k < r->ngroups; k++)
        for (size_t i = 0; i < r->groups[k].nnodes; i++)
            if (!strcmp(r->groups[k].nodes[i], id))
                return r->groups[k].names[i];
    return id;
}

void plot_group_title(char *buf, size_t cap, const char *id)
{
    snprintf(buf, cap, "%s", id);
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
}

size_t plot_distinct(const struct rp_csv_table *c, int col, const char ***out)
{
    const char **ids = NULL;
    size_t n = 0;
    for (size_t i = 1; i < c->nrows; i++) {
        const char *s = rp_csv_get(c, i, col);
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = !strcmp(ids[k], s);
        if (!seen) {
            ids = rp_xrealloc(ids, (n + 1) * sizeof *ids);
            ids[n++] = s;
        }
    }
    *out = ids;
    return n;
}

/* ------------------------------------------------- compare and sweep rows */

/* The rows of c for group gid and metric, labelled by arm. */
size_t plot_diff_rows(const struct rp_csv_table *c, bool sweep, const char *gid,
                        const char *metric, struct diffrow **out)
{
    int cg = rp_csv_col(c, "group"), cm = rp_csv_col(c, "metric");
    int first = sweep ? 1 : 0;          /* sweep: path columns after "point" */
    int last = rp_csv_col(c, "run") - 1;   /* paths end before "run" */
    struct diffrow *rows = NULL;
    size_t n = 0;
    for (size_t i = 1; i < c->nrows; i++) {
        if (strcmp(rp_csv_get(c, i, cg), gid) || strcmp(rp_csv_get(c, i, cm), metric))
            continue;
        rows = rp_xrealloc(rows, (n + 1) * sizeof *rows);
        struct diffrow *d = &rows[n++];
        size_t len = 0;
        d->label[0] = '\0';
        for (int k = sweep ? first : 0; k <= (sweep ? last : 0); k++)
            len += (size_t)snprintf(d->label + len, len < sizeof d->label
                                    ? sizeof d->label - len : 0, "%s%s",
                                    k > first ? ", " : "", rp_csv_get(c, i, k));
        d->mean = plot_csv_num(c, i, rp_csv_col(c, "mean"));
        d->lo = plot_csv_num(c, i, rp_csv_col(c, "ci_lo"));
        d->hi = plot_csv_num(c, i, rp_csv_col(c, "ci_hi"));
        d->dmean = plot_csv_num(c, i, rp_csv_col(c, "diff_mean"));
        d->dlo = plot_csv_num(c, i, rp_csv_col(c, "diff_ci_lo"));
        d->dhi = plot_csv_num(c, i, rp_csv_col(c, "diff_ci_hi"));
        d->better = plot_csv_num(c, i, rp_csv_col(c, "better"));
        d->unpaired = plot_csv_num(c, i, rp_csv_col(c, "unpaired_hw"));
        d->paired = isfinite(d->dmean);
    }
    *out = rows;
    return n;
}

int plot_by_diff(const void *a, const void *b)
{
    const struct diffrow *x = a, *y = b;
    double dx = x->paired ? x->dmean : 0, dy = y->paired ? y->dmean : 0;
    return (dx > dy) - (dx < dy);
}

/* Sweep: the swept paths, from the header columns between point and group. */
void plot_sweep_paths(const struct rp_csv_table *c, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 1; k < rp_csv_col(c, "run"); k++)
        len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, "%s%s",
                                k > 1 ? ", " : "", rp_csv_get(c, 0, k));
}


/* ------------------------------------------------------------ the whole */

bool plot_load(struct report *r)
{
    const char *dir = r->dir;
    load_json(&r->summary, dir, "summary.json");
    load_json(&r->prov, dir, "provenance.json");
    const struct rp_ynode *s = r->summary.root;
    r->name = plot_jstr(s, "scenario");
    r->variant = plot_jstr(s, "variant");
    r->lead = plot_jstr(s, "lead");
    r->seed = plot_jstr(s, "seed");
    r->horizon = plot_jnum(s, "horizon");
    r->confidence = plot_jnum(s, "confidence");
    if (!(r->confidence > 0 && r->confidence < 1))
        r->confidence = 0.95;
    r->reps = plot_jnum(s, "replications");
    r->have_series = load_csv(&r->series, dir, "series.csv");
    r->have_events = load_csv(&r->events, dir, "events.csv");
    r->have_groups = load_csv(&r->groups_csv, dir, "groups.csv");
    r->have_compare = load_csv(&r->compare, dir, "compare.csv");
    r->have_sweep = load_csv(&r->sweep, dir, "sweep.csv");
    r->have_reps = load_replications(&r->reps_v, dir);
    if (r->have_groups)
        load_groups(r);
    return s || r->have_reps || r->have_compare || r->have_sweep;
}

void plot_release(struct report *r)
{
    rp_ytree_release(&r->summary.tree);
    rp_ytree_release(&r->prov.tree);
    rp_csv_table_release(&r->series);
    rp_csv_table_release(&r->events);
    rp_csv_table_release(&r->groups_csv);
    rp_csv_table_release(&r->compare);
    rp_csv_table_release(&r->sweep);
    vecs_release(&r->reps_v);
    for (size_t k = 0; k < r->ngroups; k++) {
        free(r->groups[k].nodes);
        free(r->groups[k].names);
    }
    free(r->groups);
    for (size_t i = 0; i < r->nsvgs; i++)
        free(r->svgs[i]);
    free(r->svgs);
}
