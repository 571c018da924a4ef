#define _POSIX_C_SOURCE 200809L
/*
 * plot.c - DIR/report.html: tables and gnuplot plots from a run's files.
 *
 * The page is made only from what `ripple run --out DIR` (or compare and
 * sweep --out) left in DIR, so it can be remade at any time without the
 * scenario: summary.json, replications.csv, series.csv, events.csv,
 * groups.csv and, when present, compare.csv and sweep.csv. Any of them may
 * be missing; the page shows what there is.
 *
 * Plots are drawn by gnuplot, run as a separate program (no library to link
 * and keep in step): this module writes DIR/report.gp with the data inline,
 * runs `gnuplot report.gp` in DIR, and renames each SVG into place only when
 * gnuplot succeeded, so a failed or killed run leaves no half-drawn figure.
 * report.gp stays in DIR for anyone who wants to restyle the figures.
 * Without gnuplot on PATH the page has the tables only, and stderr says so.
 * report.html is written atomically (rp_atomic_*).
 */
#include "ripple/compare.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ripple/csvread.h"
#include "ripple/report.h"
#include "ripple/stats.h"

#define HIST_BINS 20

/* ----------------------------------------------------------------- files */

/* The whole of DIR/name, NUL-terminated; NULL when it cannot be read. */
static char *slurp(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t len = 0, cap = 1 << 16;
    char *buf = rp_xmalloc(cap);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len - 1 == 0) {
            cap *= 2;
            buf = rp_xrealloc(buf, cap);
        }
    }
    buf[len] = '\0';
    fclose(f);
    return buf;
}

/* DIR/name as a table; false when absent or unreadable. */
static bool load_csv(struct rp_csv_table *t, const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return rp_csv_table_read(t, path) == 0 && t->nrows > 0;
}

static double csv_num(const struct rp_csv_table *c, size_t r, int col)
{
    return rp_csv_number(rp_csv_get(c, r, col));
}

/* The number after "key": in JSON text (its first occurrence), or NaN. */
static double json_number(const char *json, const char *key)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = json ? strstr(json, pat) : NULL;
    if (!p)
        return NAN;
    char *end;
    double x = strtod(p + strlen(pat), &end);
    return end == p + strlen(pat) ? NAN : x;
}

/* The string after "key": in JSON text, into buf, simple escapes undone. */
static const char *json_string(const char *json, const char *key, char *buf,
                               size_t cap)
{
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = json ? strstr(json, pat) : NULL;
    buf[0] = '\0';
    if (!p)
        return buf;
    p += strlen(pat);
    size_t n = 0;
    for (; *p && *p != '"' && n + 1 < cap; p++) {
        if (*p == '\\' && p[1])
            p++;                        /* \" and \\: the character itself */
        buf[n++] = *p;
    }
    buf[n] = '\0';
    return buf;
}

/* ------------------------------------------ per-replication values by name */

/* The values of one "scope,id,key,metric" over replications. */
struct vec {
    char *key;
    double *x;
    size_t n, cap;
};

struct vecs {
    struct vec *v;
    size_t n, cap;
    size_t *tab;                /* open addressing: index + 1, 0 = empty */
    size_t tabcap;              /* a power of two, at least twice n */
};

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

static const struct vec *vec_of(struct vecs *vs, const char *scope,
                                const char *id, const char *key,
                                const char *metric)
{
    char k[512];
    snprintf(k, sizeof k, "%s,%s,%s,%s", scope, id, key, metric);
    return vecs_get(vs, k, false);
}

static bool summarize(const struct vec *v, double confidence,
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

/* --------------------------------------------------------- what DIR holds */

struct group {
    const char *id;
    const char *product;
    const char *unit;
    const char **nodes;
    size_t nnodes;
};

struct report {
    const char *dir;
    char *summary;              /* summary.json text, may be NULL */
    char name[256];
    char variant[256];
    char lead[256];             /* the group the page opens with */
    double horizon;
    double confidence;
    double reps;
    double seed;
    struct rp_csv_table series, events, groups_csv, compare, sweep;
    bool have_series, have_events, have_groups, have_compare, have_sweep;
    struct vecs reps_v;
    bool have_reps;
    struct group *groups;       /* first group first */
    size_t ngroups;
    char **svgs;                /* figures the script draws, names in DIR */
    size_t nsvgs;
    int ndata;                  /* inline data blocks so far */
};

/* Groups from groups.csv, the summary's lead group first. */
static void load_groups(struct report *r)
{
    const struct rp_csv_table *c = &r->groups_csv;
    int cg = rp_csv_col(c, "group"), cp = rp_csv_col(c, "product"),
        cu = rp_csv_col(c, "unit"), cn = rp_csv_col(c, "node");
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
                                 NULL, 0 };
        }
        g->nodes = rp_xrealloc(g->nodes, (g->nnodes + 1) * sizeof *g->nodes);
        g->nodes[g->nnodes++] = rp_csv_get(c, i, cn);
    }
    for (size_t k = 1; k < r->ngroups; k++)
        if (!strcmp(r->groups[k].id, r->lead)) {
            struct group t = r->groups[k];
            memmove(&r->groups[1], &r->groups[0], k * sizeof *r->groups);
            r->groups[0] = t;
        }
}

static const char *unit_of(const struct group *g)
{
    return g && g->unit && *g->unit ? g->unit : "units";
}

static const struct group *group_by_id(const struct report *r, const char *id)
{
    for (size_t k = 0; k < r->ngroups; k++)
        if (!strcmp(r->groups[k].id, id))
            return &r->groups[k];
    return NULL;
}

/* Ids in first-seen order of column col of c, rows after the header. */
static size_t distinct(const struct rp_csv_table *c, int col, const char ***out)
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

/* --------------------------------------------------------- gnuplot script */

/* A gnuplot single-quoted string: only '' needs care. */
static void gp_str(FILE *gp, const char *s)
{
    fputc('\'', gp);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', gp);
        fputc(*s, gp);
    }
    fputc('\'', gp);
}

/* A label in an inline data block: gnuplot reads double quotes there. */
static void gp_label(FILE *gp, const char *s)
{
    fputc('"', gp);
    for (; *s; s++)
        fputc(*s == '"' ? '\'' : *s, gp);
    fputc('"', gp);
}

/* A file name from an id: letters, digits, - and _ only. */
static void safe_name(char *buf, size_t cap, const char *prefix, const char *id)
{
    size_t n = (size_t)snprintf(buf, cap, "%s", prefix);
    for (; *id && n + 5 < cap; id++)
        buf[n++] = (*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z')
                || (*id >= '0' && *id <= '9') || *id == '-' || *id == '_'
                 ? *id : '_';
    snprintf(buf + n, cap - n, ".svg");
}

/* Starts figure name (width x height px); returns its index in r->svgs. */
static size_t gp_figure(struct report *r, FILE *gp, const char *name, int w,
                        int h)
{
    r->svgs = rp_xrealloc(r->svgs, (r->nsvgs + 1) * sizeof *r->svgs);
    r->svgs[r->nsvgs] = rp_xstrdup(name);
    fprintf(gp, "\nreset\nset terminal svg size %d,%d dynamic noenhanced "
            "font 'Helvetica,12' background rgb 'white'\n", w, h);
    fprintf(gp, "set output '%s.tmp'\n", name);
    fputs("set grid lc rgb '#dddddd'\nset border lc rgb '#555555'\n"
          "set key noautotitle\n", gp);
    return r->nsvgs++;
}

static void gp_num(FILE *gp, double x)
{
    char buf[RP_FMT_DOUBLE_CAP];
    if (!isfinite(x)) {
        fputs("NaN", gp);
        return;
    }
    rp_fmt_double(buf, sizeof buf, x);
    fputs(buf, gp);
}

/* Dashed lines and shading where the scenario's disruptions fall. */
static void gp_event_marks(const struct report *r, FILE *gp)
{
    if (!r->have_events)
        return;
    const struct rp_csv_table *c = &r->events;
    int ce = rp_csv_col(c, "event"), cs = rp_csv_col(c, "start"),
        cd = rp_csv_col(c, "duration");
    int tag = 1;
    for (size_t i = 1; i < c->nrows; i++) {
        double s = csv_num(c, i, cs), d = csv_num(c, i, cd);
        if (!isfinite(s) || (isfinite(r->horizon) && s > r->horizon))
            continue;
        double e = s + (isnan(d) ? 0 : d);
        if (isfinite(r->horizon) && !(e <= r->horizon))
            e = r->horizon;
        if (e > s) {
            fprintf(gp, "set object %d rect from ", tag);
            gp_num(gp, s);
            fputs(", graph 0 to ", gp);
            gp_num(gp, e);
            fputs(", graph 1 fc rgb '#e6550d' fs transparent solid 0.07 "
                  "noborder behind\n", gp);
        }
        fprintf(gp, "set arrow %d from ", tag);
        gp_num(gp, s);
        fputs(", graph 0 to ", gp);
        gp_num(gp, s);
        fputs(", graph 1 nohead dt 2 lw 1.5 lc rgb '#e6550d'\n", gp);
        fprintf(gp, "set label %d ", tag);
        gp_str(gp, rp_csv_get(c, i, ce));
        fputs(" at ", gp);
        gp_num(gp, s);
        fprintf(gp, ", graph %.2f offset 0.5,0 tc rgb '#e6550d'\n",
                0.93 - 0.07 * ((tag - 1) % 4));
        tag++;
    }
}

/* (a) Fan chart of each group's daily output and shortfall. */
static void plot_fans(struct report *r, FILE *gp)
{
    const struct rp_csv_table *c = &r->series;
    int cg = rp_csv_col(c, "group"), cs = rp_csv_col(c, "series"),
        cd = rp_csv_col(c, "day"), cm = rp_csv_col(c, "mean"), c5 = rp_csv_col(c, "p05"),
        c50 = rp_csv_col(c, "p50"), c95 = rp_csv_col(c, "p95");
    const char **gids;
    size_t ng = distinct(c, cg, &gids);
    static const char *const kinds[] = { "output", "shortfall" };

    for (size_t k = 0; k < ng; k++) {
        /* groups.csv order (first group first) when known */
        const char *gid = k < r->ngroups ? r->groups[k].id : gids[k];
        const struct group *g = group_by_id(r, gid);
        char name[300];
        int blocks[2];
        for (int kind = 0; kind < 2; kind++) {
            blocks[kind] = r->ndata++;
            fprintf(gp, "$d%d << EOD\n", blocks[kind]);
            for (size_t i = 1; i < c->nrows; i++) {
                if (strcmp(rp_csv_get(c, i, cg), gid)
                    || strcmp(rp_csv_get(c, i, cs), kinds[kind]))
                    continue;
                fprintf(gp, "%s %s %s %s %s\n", rp_csv_get(c, i, cd),
                        rp_csv_get(c, i, cm), rp_csv_get(c, i, c5),
                        rp_csv_get(c, i, c50), rp_csv_get(c, i, c95));
            }
            fputs("EOD\n", gp);
        }
        safe_name(name, sizeof name, "fan_", gid);
        gp_figure(r, gp, name, 960, 620);
        fputs("set multiplot layout 2,1 title ", gp);
        char title[512];
        snprintf(title, sizeof title, "%s: daily %s output and shortfall "
                 "across replications", gid,
                 g && *g->product ? g->product : "");
        gp_str(gp, title);
        fputs(" font ',14'\nset key outside bottom center horizontal\n", gp);
        fputs("set xlabel 'day of the run'\n", gp);
        if (isfinite(r->horizon)) {
            fputs("set xrange [0:", gp);
            gp_num(gp, r->horizon);
            fputs("]\n", gp);
        }
        gp_event_marks(r, gp);
        for (int kind = 0; kind < 2; kind++) {
            char yl[256];
            snprintf(yl, sizeof yl, kind ? "shortfall: lost + owed (%s)"
                                         : "output (%s per day)", unit_of(g));
            fputs("set ylabel ", gp);
            gp_str(gp, yl);
            fputs("\nset yrange [0:*]\n", gp);
            fprintf(gp, "plot $d%d using 1:3:5 with filledcurves "
                    "fc rgb '#6baed6' fs transparent solid 0.35 title "
                    "'p05-p95', '' using 1:4 with lines lw 1.5 lc rgb "
                    "'#08519c' title 'median', '' using 1:2 with lines dt 2 "
                    "lw 1 lc rgb '#333333' title 'mean'\n", blocks[kind]);
        }
        fputs("unset multiplot\n", gp);
    }
    free(gids);
}

/* The group the per-maker figures are about: the first one. */
static const struct group *first_group(const struct report *r)
{
    return r->ngroups ? &r->groups[0] : NULL;
}

/* (b) Histograms of total shortfall over the run, per member and total. */
static void plot_histograms(struct report *r, FILE *gp)
{
    const struct group *g = first_group(r);
    if (!g || !*g->product)
        return;
    size_t npanels = g->nnodes + 1;
    int cols = npanels <= 2 ? (int)npanels : npanels <= 4 ? 2 : 3;
    int rows = (int)((npanels + (size_t)cols - 1) / (size_t)cols);
    int blocks[64];
    char titles[64][256];
    size_t np = 0;

    for (size_t p = 0; p < npanels && np < 64; p++) {
        const char *id = p < g->nnodes ? g->nodes[p] : g->id;
        const struct vec *v = vec_of(&r->reps_v,
                                     p < g->nnodes ? "node" : "group", id,
                                     g->product, "unmet");
        if (!v || !v->n)
            continue;
        double mx = 0, sum = 0;
        size_t pos = 0;
        for (size_t i = 0; i < v->n; i++) {
            mx = v->x[i] > mx ? v->x[i] : mx;
            sum += v->x[i];
            pos += v->x[i] > 0;
        }
        snprintf(titles[np], sizeof titles[np], "%s%s: mean %.3g, P(any) %.3g",
                 id, p < g->nnodes ? "" : " (total)", sum / (double)v->n,
                 (double)pos / (double)v->n);
        blocks[np] = r->ndata++;
        fprintf(gp, "$d%d << EOD\n", blocks[np]);
        double w = mx > 0 ? mx / HIST_BINS : 1;
        size_t counts[HIST_BINS] = { 0 };
        for (size_t i = 0; i < v->n; i++) {
            size_t b = mx > 0 ? (size_t)(v->x[i] / w) : 0;
            counts[b < HIST_BINS ? b : HIST_BINS - 1]++;
        }
        for (size_t b = 0; b < (mx > 0 ? HIST_BINS : 1); b++) {
            gp_num(gp, ((double)b + 0.5) * w);
            fputc(' ', gp);
            gp_num(gp, (double)counts[b] / (double)v->n);
            fputc(' ', gp);
            gp_num(gp, w);
            fputc('\n', gp);
        }
        fputs("EOD\n", gp);
        np++;
    }
    if (!np)
        return;
    char name[300], title[512], xl[256];
    safe_name(name, sizeof name, "hist_", g->id);
    gp_figure(r, gp, name, 960, 60 + 260 * rows);
    snprintf(title, sizeof title, "%s: distribution of total shortfall of %s "
             "over the run (%.0f replications)", g->id, g->product, r->reps);
    fprintf(gp, "set multiplot layout %d,%d title ", rows, cols);
    gp_str(gp, title);
    fputs(" font ',14'\n", gp);
    snprintf(xl, sizeof xl, "shortfall (%s)", unit_of(g));
    fputs("set xlabel ", gp);
    gp_str(gp, xl);
    fputs("\nset ylabel 'share of replications'\nset yrange [0:*]\n"
          "set xrange [0:*]\n"
          "set style fill solid 0.7 border lc rgb '#08519c'\n",
          gp);
    for (size_t p = 0; p < np; p++) {
        fputs("set title ", gp);
        gp_str(gp, titles[p]);
        fprintf(gp, "\nplot $d%d using 1:2:3 with boxes lc rgb '#6baed6'\n",
                blocks[p]);
    }
    fputs("unset multiplot\n", gp);
}

/* (c) Time to survive against time to recover, per maker and event. */
static void plot_tts_ttr(struct report *r, FILE *gp)
{
    const struct group *g = first_group(r);
    if (!g || !r->have_events)
        return;
    const struct rp_csv_table *c = &r->events;
    int ce = rp_csv_col(c, "event"), cs = rp_csv_col(c, "start");
    for (size_t i = 1; i < c->nrows; i++) {
        const char *eid = rp_csv_get(c, i, ce);
        int block = r->ndata;
        bool any = false;
        for (size_t k = 0; k < g->nnodes; k++) {
            struct rp_summary a, b;
            const char *n = g->nodes[k];
            if (!summarize(vec_of(&r->reps_v, "event", eid, n, "tts"),
                           r->confidence, &a)
                || !summarize(vec_of(&r->reps_v, "event", eid, n, "ttr"),
                              r->confidence, &b))
                continue;
            if (!any)
                fprintf(gp, "$d%d << EOD\n", block);
            any = true;
            gp_label(gp, g->nodes[k]);
            double q[6] = { a.p50, a.p05, a.p95, b.p50, b.p05, b.p95 };
            for (int x = 0; x < 6; x++) {
                fputc(' ', gp);
                gp_num(gp, q[x]);
            }
            fputc('\n', gp);
        }
        if (!any)
            continue;
        fputs("EOD\n", gp);
        r->ndata++;
        char name[300], title[512];
        safe_name(name, sizeof name, "ttsr_", eid);
        gp_figure(r, gp, name, 960, 420);
        snprintf(title, sizeof title, "%s after %s (starts day %g): time to "
                 "survive (tts) and to recover (ttr), median and p05-p95; tts "
                 "censored at the horizon", g->id, eid, csv_num(c, i, cs));
        fputs("set title ", gp);
        gp_str(gp, title);
        fputs("\nset ylabel 'days after the event starts'\nset yrange [0:*]\n"
              "set key top right opaque box lc rgb '#cccccc'\n"
              "set style data histogram\n"
              "set style histogram errorbars gap 2 lw 1.5\n"
              "set style fill solid 0.75 border -1\nset boxwidth 0.9\n"
              "set xtics nomirror\n", gp);
        fprintf(gp, "plot $d%d using 2:3:4:xtic(1) lc rgb '#6baed6' title "
                "'time to survive (tts)', '' using 5:6:7 lc rgb '#fd8d3c' "
                "title 'time to recover (ttr)'\n", block);
    }
}

/* One row of compare.csv or sweep.csv for the diff plots and tables. */
struct diffrow {
    char label[256];            /* the variant, or the point's values */
    double mean, lo, hi, dmean, dlo, dhi, better, unpaired;
    bool paired;
};

/* The rows of c for group gid and metric, labelled by arm. */
static size_t diff_rows(const struct rp_csv_table *c, bool sweep, const char *gid,
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
        d->mean = csv_num(c, i, rp_csv_col(c, "mean"));
        d->lo = csv_num(c, i, rp_csv_col(c, "ci_lo"));
        d->hi = csv_num(c, i, rp_csv_col(c, "ci_hi"));
        d->dmean = csv_num(c, i, rp_csv_col(c, "diff_mean"));
        d->dlo = csv_num(c, i, rp_csv_col(c, "diff_ci_lo"));
        d->dhi = csv_num(c, i, rp_csv_col(c, "diff_ci_hi"));
        d->better = csv_num(c, i, rp_csv_col(c, "better"));
        d->unpaired = csv_num(c, i, rp_csv_col(c, "unpaired_hw"));
        d->paired = isfinite(d->dmean);
    }
    *out = rows;
    return n;
}

static int by_diff(const void *a, const void *b)
{
    const struct diffrow *x = a, *y = b;
    double dx = x->paired ? x->dmean : 0, dy = y->paired ? y->dmean : 0;
    return (dx > dy) - (dx < dy);
}

/* Sweep: the swept paths, from the header columns between point and group. */
static void sweep_paths(const struct rp_csv_table *c, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 1; k < rp_csv_col(c, "run"); k++)
        len += (size_t)snprintf(buf + len, len < cap ? cap - len : 0, "%s%s",
                                k > 1 ? ", " : "", rp_csv_get(c, 0, k));
}

/* Table order: the reference first, then best (most negative) first. */
static int by_rank(const void *a, const void *b)
{
    const struct diffrow *x = a, *y = b;
    if (x->paired != y->paired)
        return x->paired ? 1 : -1;
    return by_diff(a, b);
}

/* The paired mean of the row labelled label, or NaN. */
static double diff_of(const struct diffrow *rows, size_t n, const char *label)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].label, label))
            return rows[i].paired ? rows[i].dmean : NAN;
    return NAN;
}

/* (d) Paired differences of each group's unmet, with intervals. */
static void plot_diffs(struct report *r, FILE *gp, const struct rp_csv_table *c,
                       bool sweep)
{
    const char **gids;
    size_t ng = distinct(c, rp_csv_col(c, "group"), &gids);
    for (size_t k = 0; k < ng; k++) {
        const struct group *g = group_by_id(r, gids[k]);
        struct diffrow *rows;
        size_t n = diff_rows(c, sweep, gids[k], "unmet", &rows);
        if (n < 2) {
            free(rows);
            continue;
        }
        if (!sweep)                     /* compare: ranked, best at the top */
            qsort(rows, n, sizeof *rows, by_diff);
        int block = r->ndata++;
        fprintf(gp, "$d%d << EOD\n", block);
        for (size_t i = 0; i < n; i++) {
            size_t at = sweep ? i : n - 1 - i;  /* gnuplot counts y upwards */
            const struct diffrow *d = &rows[at];
            double hw = d->paired && isfinite(d->unpaired) ? d->unpaired : 0;
            double m = d->paired ? d->dmean : 0;
            gp_label(gp, d->label);
            double v[5] = { m, d->paired ? d->dlo : 0, d->paired ? d->dhi : 0,
                            m - hw, m + hw };
            for (int x = 0; x < 5; x++) {
                fputc(' ', gp);
                gp_num(gp, v[x]);
            }
            fputc('\n', gp);
        }
        fputs("EOD\n", gp);
        char name[300], title[512], lab[256];
        safe_name(name, sizeof name, sweep ? "sweep_" : "diff_", gids[k]);
        snprintf(lab, sizeof lab, "change in shortfall (%s)", unit_of(g));
        if (sweep) {
            gp_figure(r, gp, name, 960, 400);
            snprintf(title, sizeof title, "%s: shortfall at each point minus "
                     "the first, paired on common random numbers (%.0f%% "
                     "intervals)", gids[k], 100 * r->confidence);
            fputs("set title ", gp);
            gp_str(gp, title);
            fputs("\nset ylabel ", gp);
            gp_str(gp, lab);
            char paths[512];
            sweep_paths(c, paths, sizeof paths);
            fputs("\nset xlabel ", gp);
            gp_str(gp, paths);
            fprintf(gp, "\nset xrange [-0.5:%zu.5]\n"
                    "set offsets 0, 0, graph 0.05, graph 0.05\n"
                    "set key top left opaque box lc rgb '#cccccc'\n"
                    "set arrow 1 from graph 0, first 0 to graph 1, first 0 "
                    "nohead lc rgb '#555555'\n"
                    "plot $d%d using 0:5:6 with filledcurves fc rgb '#bbbbbb' "
                    "fs transparent solid 0.4 title 'unpaired (Welch) "
                    "interval', '' using 0:2:3:4:xtic(1) with yerrorlines "
                    "pt 7 lw 1.5 lc rgb '#08519c' title 'paired difference "
                    "and interval'\n", n - 1, block);
        } else {
            gp_figure(r, gp, name, 960, 120 + 34 * (int)n);
            snprintf(title, sizeof title, "%s: variant minus base in each "
                     "replication (%.0f%% intervals); below zero is better",
                     gids[k], 100 * r->confidence);
            fputs("set title ", gp);
            gp_str(gp, title);
            fputs("\nset xlabel ", gp);
            gp_str(gp, lab);
            fprintf(gp, "\nset yrange [-0.7:%zu.7]\nset ytics scale 0\n"
                    "set offsets graph 0.05, graph 0.05, 0, 0\n"
                    "set key outside bottom center horizontal\n"
                    "set arrow 1 from first 0, graph 0 to first 0, graph 1 "
                    "nohead lc rgb '#555555'\n"
                    "plot $d%d using 2:0:5:6 with xerrorbars pt 0 lw 8 "
                    "lc rgb '#cccccc' title 'unpaired (Welch) interval', "
                    "'' using 2:0:3:4:ytic(1) with xerrorbars pt 7 ps 1 lw 2 "
                    "lc rgb '#08519c' title 'paired difference and interval'\n",
                    n - 1, block);
        }
        free(rows);
    }
    free(gids);
}

/* ------------------------------------------------------------ run gnuplot */

/* Is prog an executable file in some directory of PATH? */
static bool on_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        return false;
    char *copy = rp_xstrdup(path), *save = NULL;
    bool found = false;
    for (char *d = strtok_r(copy, ":", &save); d && !found;
         d = strtok_r(NULL, ":", &save)) {
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", *d ? d : ".", prog);
        found = access(full, X_OK) == 0;
    }
    free(copy);
    return found;
}

/*
 * Runs `gnuplot report.gp` in dir with its messages in dir/report.log.
 * Returns gnuplot's exit status, or -1 when it could not be started.
 */
static int run_gnuplot(const char *dir)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (chdir(dir) || !freopen("report.log", "w", stderr)
            || !freopen("/dev/null", "w", stdout))
            _exit(126);
        execlp("gnuplot", "gnuplot", "report.gp", (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return -1;
}

/* ------------------------------------------------------------------ HTML */

static void h(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

static void td(FILE *out, double x)
{
    if (isfinite(x))
        fprintf(out, "<td>%.4g</td>", x);
    else
        fputs("<td>-</td>", out);
}

static void td_ci(FILE *out, double lo, double hi)
{
    if (isfinite(lo) && isfinite(hi))
        fprintf(out, "<td>[%.4g, %.4g]</td>", lo, hi);
    else
        fputs("<td>-</td>", out);
}

static void figure(FILE *out, const struct report *r, bool drawn,
                   const char *name, const char *caption)
{
    bool have = false;
    for (size_t i = 0; i < r->nsvgs && !have; i++)
        have = !strcmp(r->svgs[i], name);
    if (!have || !drawn)
        return;
    fputs("<figure><img src=\"", out);
    h(out, name);
    fputs("\" alt=\"", out);
    h(out, caption);
    fputs("\"><figcaption>", out);
    h(out, caption);
    fputs("</figcaption></figure>\n", out);
}

/* The run's own summary per group, from the kept replications. */
static void html_groups(FILE *out, struct report *r)
{
    int pct = (int)lround(100 * r->confidence);
    for (size_t k = 0; k < r->ngroups; k++) {
        const struct group *g = &r->groups[k];
        if (!*g->product)
            continue;
        fprintf(out, "<h3>");
        h(out, g->id);
        fprintf(out, ": shortfall of ");
        h(out, g->product);
        fprintf(out, " (");
        h(out, unit_of(g));
        fprintf(out, ")</h3>\n<table><tr><th>node</th><th>mean</th><th>%d%% "
                "interval</th><th>p95</th><th>P(any)</th><th>produced</th>"
                "<th>fill rate</th></tr>\n", pct);
        for (size_t i = 0; i <= g->nnodes; i++) {
            bool total = i == g->nnodes;
            const char *scope = total ? "group" : "node";
            const char *id = total ? g->id : g->nodes[i];
            struct rp_summary u, p, f;
            if (!summarize(vec_of(&r->reps_v, scope, id, g->product, "unmet"),
                           r->confidence, &u))
                continue;
            fprintf(out, "<tr%s><td>", total ? " class=\"total\"" : "");
            h(out, total ? "total" : id);
            fputs("</td>", out);
            td(out, u.mean);
            td_ci(out, u.ci_lo, u.ci_hi);
            td(out, u.p95);
            td(out, u.p_pos);
            td(out, summarize(vec_of(&r->reps_v, scope, id, g->product,
                                     "produced"), r->confidence, &p)
                        ? p.mean : NAN);
            td(out, summarize(vec_of(&r->reps_v, scope, id, g->product,
                                     "fill_rate"), r->confidence, &f)
                        ? f.mean : NAN);
            fputs("</tr>\n", out);
        }
        fputs("</table>\n", out);
    }
}

/* Compare or sweep: per group, unmet and its paired difference. */
static void html_diffs(FILE *out, struct report *r, const struct rp_csv_table *c,
                       bool sweep, bool drawn)
{
    const char **gids;
    size_t ng = distinct(c, rp_csv_col(c, "group"), &gids);
    int pct = (int)lround(100 * r->confidence);
    for (size_t k = 0; k < ng; k++) {
        const struct group *g = group_by_id(r, gids[k]);
        struct diffrow *rows, *prod, *fill;
        size_t n = diff_rows(c, sweep, gids[k], "unmet", &rows);
        size_t np = diff_rows(c, sweep, gids[k], "produced", &prod);
        size_t nf = diff_rows(c, sweep, gids[k], "fill_rate", &fill);
        if (!sweep)
            qsort(rows, n, sizeof *rows, by_rank);
        fputs("<h3>", out);
        h(out, gids[k]);
        fputs(": shortfall (", out);
        h(out, unit_of(g));
        fprintf(out, ")</h3>\n<table><tr><th>%s</th><th>mean</th><th>%d%% "
                "interval</th><th>diff</th><th>paired interval</th>"
                "<th>unpaired &plusmn;hw</th><th>narrower</th><th>better</th>"
                "<th>&Delta; produced</th><th>&Delta; fill rate</th></tr>\n",
                sweep ? "point" : "variant", pct);
        for (size_t i = 0; i < n; i++) {
            const struct diffrow *d = &rows[i];
            fputs("<tr><td>", out);
            h(out, d->label);
            fputs("</td>", out);
            td(out, d->mean);
            td_ci(out, d->lo, d->hi);
            td(out, d->paired ? d->dmean : NAN);
            td_ci(out, d->dlo, d->dhi);
            td(out, d->unpaired);
            double phw = 0.5 * (d->dhi - d->dlo);
            if (d->paired && phw > 1e-9 * d->unpaired)
                fprintf(out, "<td>%.3g&times;</td>", d->unpaired / phw);
            else if (d->paired && d->unpaired > 0)
                fputs("<td>exact</td>", out);   /* no noise in the difference */
            else
                fputs("<td>-</td>", out);
            td(out, d->better);
            td(out, diff_of(prod, np, d->label));
            td(out, diff_of(fill, nf, d->label));
            fputs("</tr>\n", out);
        }
        fputs("</table>\n", out);
        char name[300], cap[512];
        safe_name(name, sizeof name, sweep ? "sweep_" : "diff_", gids[k]);
        snprintf(cap, sizeof cap, "%s: paired difference in shortfall (blue) "
                 "and the interval two independent runs would give (grey)",
                 gids[k]);
        figure(out, r, drawn, name, cap);
        free(rows);
        free(prod);
        free(fill);
    }
    free(gids);
}

static const char css[] =
    "body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;"
    "max-width:1000px;color:#222;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:0.2em}h2{border-bottom:1px solid #ccc;"
    "padding-bottom:0.2em;margin-top:2em}"
    "h3{font-size:1.05em;margin:1.4em 0 0.4em}"
    ".meta{color:#555}.note{background:#fff4e5;border-left:4px solid #e6550d;"
    "padding:0.5em 1em}"
    "table{border-collapse:collapse;font-size:0.9em;margin:0.5em 0}"
    "th,td{padding:0.2em 0.6em;text-align:right;border-bottom:1px solid #eee;"
    "white-space:nowrap}"
    "th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}"
    "tr.total td{font-weight:bold;border-top:1px solid #999}"
    "figure{margin:1em 0}figure img{max-width:100%;border:1px solid #eee}"
    "figcaption{color:#555;font-size:0.9em}code{background:#f4f4f4;"
    "padding:0 0.2em}";

static void html_page(FILE *out, struct report *r, bool drawn,
                      const char *why_not)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M UTC", &tm);

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n<title>ripple report: ", out);
    h(out, r->name[0] ? r->name : r->dir);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>ripple "
            "report: ", css);
    h(out, r->name[0] ? r->name : r->dir);
    fputs("</h1>\n<p class=\"meta\">", out);
    if (r->summary) {
        fputs("variant ", out);
        h(out, r->variant[0] ? r->variant : "base");
        fprintf(out, " &middot; %.0f replications &middot; seed %.0f &middot; "
                "horizon %g days &middot; %.0f%% intervals &middot; ",
                r->reps, r->seed, r->horizon, 100 * r->confidence);
    }
    fputs("made ", out);
    h(out, stamp);
    fputs(" from <code>", out);
    h(out, r->dir);
    fputs("</code></p>\n", out);
    if (!drawn)
        fprintf(out, "<p class=\"note\">No plots: %s. The tables below and "
                "the CSV files are complete.</p>\n", why_not);

    if (r->have_compare) {
        fputs("<h2>Variants against the base</h2>\n<p>Each variant ran the "
              "same replications as the base on common random numbers; "
              "<em>diff</em> is variant &minus; base in each replication, "
              "<em>better</em> the share of replications in which the "
              "variant was strictly better, <em>unpaired &plusmn;hw</em> the "
              "half-width two independent runs would give. Rows as in "
              "<code>compare.csv</code>.</p>\n", out);
        html_diffs(out, r, &r->compare, false, drawn);
    }
    if (r->have_sweep) {
        char paths[512];
        sweep_paths(&r->sweep, paths, sizeof paths);
        fputs("<h2>Sweep</h2>\n<p>Points are values of <code>", out);
        h(out, paths);
        fputs("</code>. Every point ran the same replications; "
              "<em>diff</em> is point &minus; first point in each "
              "replication. The run files (summary, replications, series) "
              "are the first point's.</p>\n", out);
        html_diffs(out, r, &r->sweep, true, drawn);
    }
    if (r->have_reps && r->have_groups) {
        const struct group *g = first_group(r);
        fputs("<h2>Shortfall per maker</h2>\n", out);
        if (g) {
            char name[300], cap[512];
            safe_name(name, sizeof name, "hist_", g->id);
            snprintf(cap, sizeof cap, "%s: total shortfall over the run in "
                     "each replication", g->id);
            figure(out, r, drawn, name, cap);
        }
        html_groups(out, r);
        if (g && r->have_events) {
            const struct rp_csv_table *c = &r->events;
            bool head = false;
            for (size_t i = 1; i < c->nrows; i++) {
                char name[300], cap[512];
                const char *eid = rp_csv_get(c, i, rp_csv_col(c, "event"));
                safe_name(name, sizeof name, "ttsr_", eid);
                snprintf(cap, sizeof cap, "%s after %s: days until the first "
                         "shortfall (tts) and until output is back to 95%% "
                         "(ttr)", g->id, eid);
                if (!head && drawn) {
                    fputs("<h2>Survival and recovery</h2>\n", out);
                    head = true;
                }
                figure(out, r, drawn, name, cap);
            }
        }
    }
    if (r->have_series && drawn) {
        fputs("<h2>Output and shortfall over time</h2>\n<p>Daily output and "
              "shortfall of each report group: the band holds the middle 90% "
              "of replications on each day; dashed orange lines mark where "
              "disruptions start, shading how long they last.</p>\n", out);
        for (size_t k = 0; k < r->ngroups; k++) {
            char name[300], cap[512];
            safe_name(name, sizeof name, "fan_", r->groups[k].id);
            snprintf(cap, sizeof cap, "%s: output and shortfall per day",
                     r->groups[k].id);
            figure(out, r, drawn, name, cap);
        }
    }
    fputs("<h2>Files</h2>\n<ul>\n", out);
    static const char *const files[] = {
        "summary.json", "replications.csv", "series.csv", "events.csv",
        "groups.csv", "compare.json", "compare.csv", "sweep.json", "sweep.csv",
        "report.gp",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", r->dir, files[i]);
        if (stat(path, &st))
            continue;
        fprintf(out, "<li><a href=\"%s\">%s</a> (%lld bytes)</li>\n", files[i],
                files[i], (long long)st.st_size);
    }
    fputs("</ul>\n</body>\n</html>\n", out);
}

/* ----------------------------------------------------------------- entry */

static void report_release(struct report *r)
{
    free(r->summary);
    rp_csv_table_release(&r->series);
    rp_csv_table_release(&r->events);
    rp_csv_table_release(&r->groups_csv);
    rp_csv_table_release(&r->compare);
    rp_csv_table_release(&r->sweep);
    vecs_release(&r->reps_v);
    for (size_t k = 0; k < r->ngroups; k++)
        free(r->groups[k].nodes);
    free(r->groups);
    for (size_t i = 0; i < r->nsvgs; i++)
        free(r->svgs[i]);
    free(r->svgs);
}

/* Writes DIR/report.gp; 0 or -1. */
static int write_script(struct report *r)
{
    char path[4096];
    struct rp_atomic a;
    snprintf(path, sizeof path, "%s/report.gp", r->dir);
    if (rp_atomic_open(&a, path))
        return -1;
    fputs("# report.gp - written by ripple report; run `gnuplot report.gp` in "
          "this directory.\n# Each figure goes to NAME.svg.tmp; ripple renames "
          "them when gnuplot succeeds.\n", a.f);
    if (r->have_compare)
        plot_diffs(r, a.f, &r->compare, false);
    if (r->have_sweep)
        plot_diffs(r, a.f, &r->sweep, true);
    if (r->have_series)
        plot_fans(r, a.f);
    if (r->have_reps && r->have_groups) {
        plot_histograms(r, a.f);
        plot_tts_ttr(r, a.f);
    }
    return rp_atomic_commit(&a);
}

/* Draws the figures; true when every SVG is in place. */
static bool draw(struct report *r, const char **why)
{
    if (!on_path("gnuplot")) {
        *why = "gnuplot was not found on PATH";
        fprintf(stderr, "ripple: gnuplot not found on PATH: %s/report.html "
                "has tables but no plots\n", r->dir);
        return false;
    }
    if (write_script(r)) {
        *why = "the gnuplot script could not be written";
        fprintf(stderr, "ripple: cannot write %s/report.gp: %s\n", r->dir,
                strerror(errno));
        return false;
    }
    int st = run_gnuplot(r->dir);
    bool ok = st == 0;
    for (size_t i = 0; i < r->nsvgs; i++) {
        char path[4096], tmp[4096 + 8];
        snprintf(path, sizeof path, "%s/%s", r->dir, r->svgs[i]);
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        if (ok && rename(tmp, path))
            ok = false;
        if (!ok)
            remove(tmp);
    }
    char log[4096];
    snprintf(log, sizeof log, "%s/report.log", r->dir);
    if (ok) {
        remove(log);
        return true;
    }
    *why = "gnuplot failed";
    fprintf(stderr, "ripple: gnuplot failed (status %d); see %s and %s/"
            "report.gp\n", st, log, r->dir);
    return false;
}

int rp_plot_report(const char *dir)
{
    struct report r = { .dir = dir };
    struct rp_atomic a;
    char path[4096];
    const char *why = "";
    int rc = -1;

    r.summary = slurp(dir, "summary.json");
    json_string(r.summary, "scenario", r.name, sizeof r.name);
    json_string(r.summary, "variant", r.variant, sizeof r.variant);
    json_string(r.summary, "lead", r.lead, sizeof r.lead);
    r.horizon = json_number(r.summary, "horizon");
    r.confidence = json_number(r.summary, "confidence");
    if (!(r.confidence > 0 && r.confidence < 1))
        r.confidence = 0.95;
    r.reps = json_number(r.summary, "replications");
    r.seed = json_number(r.summary, "seed");
    r.have_series = load_csv(&r.series, dir, "series.csv");
    r.have_events = load_csv(&r.events, dir, "events.csv");
    r.have_groups = load_csv(&r.groups_csv, dir, "groups.csv");
    r.have_compare = load_csv(&r.compare, dir, "compare.csv");
    r.have_sweep = load_csv(&r.sweep, dir, "sweep.csv");
    r.have_reps = load_replications(&r.reps_v, dir);
    if (!r.summary && !r.have_reps && !r.have_compare && !r.have_sweep) {
        fprintf(stderr, "ripple: %s holds no results (summary.json, "
                "replications.csv, compare.csv or sweep.csv); run `ripple "
                "run FILE --out %s` first\n", dir, dir);
        goto out;
    }
    if (r.have_groups)
        load_groups(&r);

    bool drawn = draw(&r, &why);
    snprintf(path, sizeof path, "%s/report.html", dir);
    if (rp_atomic_open(&a, path)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
        goto out;
    }
    html_page(a.f, &r, drawn, why);
    if (rp_atomic_commit(&a)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
        goto out;
    }
    /* no gnuplot is a documented way to run; a failing one is an error */
    rc = drawn || !strcmp(why, "gnuplot was not found on PATH") ? 0 : -1;
out:
    report_release(&r);
    return rc;
}
