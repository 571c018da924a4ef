#define _POSIX_C_SOURCE 200809L
/*
 * plot_html.c - report.html: one self-contained page, the story first.
 *
 * The page opens with a headline about the lead group (its shortfall with
 * interval, the input most often out of stock, the worst day), then the
 * comparison or sweep if there is one (the metrics on which variants
 * differ first, exact ties said as ties), then the per-node detail and the
 * figures, and ends with the provenance of every run (provenance.json).
 * Figures are inlined as SVG, so the file can be mailed alone. Sections
 * with nothing to show are left out; shortfalls that are 0 in every
 * replication are said in words instead of drawn; intervals of quantities
 * that cannot be negative are cut at 0 with a note (the true mean is >= 0,
 * so the cut interval covers it whenever the t interval does).
 */
#include "plot_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* ------------------------------------------------------------ small bits */

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

/* An interval of a quantity that cannot be negative; true when it was cut. */
static bool td_ci0(FILE *out, double lo, double hi)
{
    if (!(isfinite(lo) && lo < 0)) {
        td_ci(out, lo, hi);
        return false;
    }
    fprintf(out, "<td>[0, %.4g]<sup>*</sup></td>", hi);
    return true;
}

static const char cut_note[] =
    "<p class=\"small\"><sup>*</sup> The t interval reached below zero; a "
    "shortfall cannot be negative, so it is cut at 0.</p>\n";

/* Inlines DIR/NAME.tmp (what gnuplot drew) from its <svg> on. */
static void figure(FILE *out, const struct report *r, bool drawn,
                   const char *name, const char *caption)
{
    bool have = false;
    for (size_t i = 0; i < r->nsvgs && !have; i++)
        have = !strcmp(r->svgs[i], name);
    if (!have || !drawn)
        return;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s.tmp", r->dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char buf[8192];
    size_t got;
    bool in = false;
    fputs("<figure>\n", out);
    while ((got = fread(buf, 1, sizeof buf - 1, f)) > 0) {
        buf[got] = '\0';
        const char *from = buf;
        if (!in) {                      /* skip the XML prolog */
            const char *s = strstr(buf, "<svg");
            if (!s)
                continue;
            from = s;
            in = true;
        }
        fwrite(from, 1, got - (size_t)(from - buf), out);
    }
    fclose(f);
    fputs("<figcaption>", out);
    h(out, caption);
    fputs("</figcaption></figure>\n", out);
}

/* ---------------------------------------------------------------- headline */

/* The lead group's input most often out of stock; false when none ran out. */
static bool binding_input(const struct report *r, const struct group *g,
                          const char **node, char *input, size_t cap,
                          double *share)
{
    *share = 0;
    for (size_t i = 0; i < r->reps_v.n; i++) {
        const struct vec *v = &r->reps_v.v[i];
        char scope[64], id[512], key[512], metric[64];
        if (sscanf(v->key, "%63[^,],%511[^,],%511[^,],%63s", scope, id, key,
                   metric) != 4
            || strcmp(scope, "node") || strcmp(metric, "stockout")
            || !strcmp(key, g->product))
            continue;
        for (size_t k = 0; k < g->nnodes; k++) {
            struct rp_summary s;
            if (strcmp(g->nodes[k], id)
                || !plot_summarize(v, r->confidence, &s) || !(s.mean > *share))
                continue;
            *share = s.mean;
            *node = g->names[k];
            snprintf(input, cap, "%s", key);
        }
    }
    return *share > 0;
}

/* The day the lead group's mean shortfall peaks; false without series.csv. */
static bool worst_day(const struct report *r, const struct group *g,
                      double *day, double *mean, double *p95)
{
    const struct rp_csv_table *c = &r->series;
    if (!r->have_series)
        return false;
    int cg = rp_csv_col(c, "group"), cs = rp_csv_col(c, "series"),
        cd = rp_csv_col(c, "day"), cm = rp_csv_col(c, "mean"),
        c95 = rp_csv_col(c, "p95");
    *mean = -1;
    for (size_t i = 1; i < c->nrows; i++) {
        double m = plot_csv_num(c, i, cm);
        if (strcmp(rp_csv_get(c, i, cg), g->id)
            || strcmp(rp_csv_get(c, i, cs), "shortfall") || !(m > *mean))
            continue;
        *mean = m;
        *day = plot_csv_num(c, i, cd);
        *p95 = plot_csv_num(c, i, c95);
    }
    return *mean >= 0;
}

static void headline(FILE *out, const struct report *r)
{
    const struct group *g = plot_lead(r);
    struct rp_summary u;
    if (!g || !*g->product
        || !plot_summarize(plot_vec(r, "group", g->id, g->product, "unmet"),
                           r->confidence, &u))
        return;
    char gt[256], input[512];
    int pct = (int)lround(100 * r->confidence);
    plot_group_title(gt, sizeof gt, g->id);
    fputs("<section class=\"headline\">\n<p class=\"lede\">", out);
    bool lead_in = true;
    if (r->have_compare)
        fputs("In the base case, ", out);
    else if (r->have_sweep)
        fputs("At the first point of the sweep, ", out);
    else if (r->variant && strcmp(r->variant, "base")) {
        fputs("In variant <b>", out);
        h(out, r->variant);
        fputs("</b>, ", out);
    } else
        lead_in = false;
    fputs(lead_in ? "the <b>" : "The <b>", out);
    h(out, gt);
    if (u.max == 0) {
        fprintf(out, "</b> never fall short of %s: 0 in every one of %ld "
                "replications.</p>\n", g->product, u.n);
    } else {
        fprintf(out, "</b> fall short of <b>%.3g %s</b> of ", u.mean,
                plot_unit(g));
        h(out, g->product);
        if (isfinite(r->horizon))
            fprintf(out, " over %g days", r->horizon);
        fprintf(out, " on average (%d%% interval %.3g to %.3g); %.0f%% of "
                "replications fall short at all.</p>\n", pct,
                u.ci_lo > 0 ? u.ci_lo : 0, u.ci_hi, 100 * u.p_pos);
    }
    fputs("<table class=\"lede\">\n<tr><th>shortfall, mean</th><td>", out);
    fprintf(out, "%.4g %s</td></tr>\n<tr><th>%d%% interval</th>", u.mean,
            plot_unit(g), pct);
    bool cut = td_ci0(out, u.ci_lo, u.ci_hi);
    fprintf(out, "</tr>\n<tr><th>worst 5%% of replications</th><td>%.4g %s "
            "or more</td></tr>\n", u.p95, plot_unit(g));
    const char *node = NULL;
    double share, day = 0, mean = -1, p95 = 0;
    fputs("<tr><th>binding input</th><td>", out);
    if (binding_input(r, g, &node, input, sizeof input, &share)) {
        h(out, input);
        fputs(" at ", out);
        h(out, node);
        fprintf(out, ", out of stock %.3g%% of the time", 100 * share);
    } else {
        fputs("no input ran out", out);
    }
    fputs("</td></tr>\n", out);
    if (worst_day(r, g, &day, &mean, &p95) && mean > 0)
        fprintf(out, "<tr><th>worst moment</th><td>day %g: %.4g %s lost or "
                "still owed on average, %.4g in the worst 5%%</td></tr>\n", day, mean,
                plot_unit(g), p95);
    fputs("</table>\n", out);
    if (cut)
        fputs(cut_note, out);
    fputs("</section>\n", out);
}

/* ------------------------------------------------------- per-node detail */

/* The run's own summary per group, from the kept replications. */
static void html_groups(FILE *out, const struct report *r)
{
    int pct = (int)lround(100 * r->confidence);
    bool cut = false;
    for (size_t k = 0; k < r->ngroups; k++) {
        const struct group *g = &r->groups[k];
        if (!*g->product)
            continue;
        char gt[256];
        plot_group_title(gt, sizeof gt, g->id);
        fputs("<h3>", out);
        h(out, gt);
        fputs(": shortfall of ", out);
        h(out, g->product);
        fputs(" (", out);
        h(out, plot_unit(g));
        fprintf(out, ")</h3>\n<table><tr><th>node</th><th>mean</th><th>%d%% "
                "interval</th><th>p95</th><th>P(any)</th><th>produced</th>"
                "<th>fill rate</th></tr>\n", pct);
        for (size_t i = 0; i <= g->nnodes; i++) {
            bool total = i == g->nnodes;
            const char *scope = total ? "group" : "node";
            const char *id = total ? g->id : g->nodes[i];
            struct rp_summary u, p, f;
            if (!plot_summarize(plot_vec(r, scope, id, g->product, "unmet"),
                                r->confidence, &u))
                continue;
            fprintf(out, "<tr%s><td>", total ? " class=\"total\"" : "");
            h(out, total ? "total" : g->names[i]);
            fputs("</td>", out);
            if (u.max == 0 && u.min == 0) {
                fputs("<td colspan=\"4\" class=\"zero\">0 in every "
                      "replication</td>", out);
            } else {
                td(out, u.mean);
                cut |= td_ci0(out, u.ci_lo, u.ci_hi);
                td(out, u.p95);
                td(out, u.p_pos);
            }
            td(out, plot_summarize(plot_vec(r, scope, id, g->product,
                                            "produced"), r->confidence, &p)
                        ? p.mean : NAN);
            td(out, plot_summarize(plot_vec(r, scope, id, g->product,
                                            "fill_rate"), r->confidence, &f)
                        ? f.mean : NAN);
            fputs("</tr>\n", out);
        }
        fputs("</table>\n", out);
    }
    if (cut)
        fputs(cut_note, out);
}

/* The lead group's members that never fall short, said in words. */
static void zero_members(FILE *out, const struct report *r,
                         const struct group *g)
{
    bool any = false;
    for (size_t i = 0; i < g->nnodes; i++) {
        struct rp_summary u;
        if (!plot_summarize(plot_vec(r, "node", g->nodes[i], g->product,
                                     "unmet"), r->confidence, &u)
            || u.max != 0 || u.min != 0)
            continue;
        fputs(any ? ", " : "<p>0 in every replication: ", out);
        h(out, g->names[i]);
        any = true;
    }
    if (any)
        fputs(" (no panel drawn).</p>\n", out);
}

static void html_makers(FILE *out, const struct report *r, bool drawn)
{
    const struct group *g = plot_lead(r);
    fputs("<h2>Shortfall per node</h2>\n", out);
    if (g && *g->product) {
        char name[300], cap[512], gt[256];
        plot_group_title(gt, sizeof gt, g->id);
        plot_safe_name(name, sizeof name, "hist_", g->id);
        snprintf(cap, sizeof cap, "%s: total shortfall over the run in each "
                 "replication", gt);
        figure(out, r, drawn, name, cap);
        zero_members(out, r, g);
    }
    html_groups(out, r);
}

static void html_survival(FILE *out, const struct report *r, bool drawn)
{
    const struct group *g = plot_lead(r);
    if (!g || !r->have_events || !drawn)
        return;
    const struct rp_csv_table *c = &r->events;
    bool head = false;
    char gt[256];
    plot_group_title(gt, sizeof gt, g->id);
    size_t *lead = plot_event_leaders(r, g);
    int ce = rp_csv_col(c, "event");
    for (size_t i = 1; i < c->nrows; i++) {
        char name[300], cap[512];
        const char *eid = rp_csv_get(c, i, ce);
        if (lead[i] != i)
            continue;
        plot_safe_name(name, sizeof name, "ttsr_", eid);
        bool have = false;
        for (size_t k = 0; k < r->nsvgs && !have; k++)
            have = !strcmp(r->svgs[k], name);
        if (!have)
            continue;
        if (!head)
            fputs("<h2>Survival and recovery</h2>\n", out);
        head = true;
        snprintf(cap, sizeof cap, "%s after %s: days until the first "
                 "shortfall (tts) and until output is back to 95%% (ttr)",
                 gt, eid);
        figure(out, r, drawn, name, cap);
        bool first = true;
        for (size_t j = i + 1; j < c->nrows; j++) {
            if (lead[j] != i)
                continue;
            fputs(first ? "<p class=\"same\">The same in every replication "
                  "after " : ", ", out);
            h(out, rp_csv_get(c, j, ce));
            first = false;
        }
        if (!first)
            fputs(".</p>\n", out);
    }
    free(lead);
}

static void html_fans(FILE *out, const struct report *r, bool drawn)
{
    if (!r->have_series || !drawn || !r->ngroups)
        return;
    fputs("<h2>Output and shortfall over time</h2>\n<p>Daily output and "
          "shortfall of each report group: the band holds the middle 90% "
          "of replications on each day; dashed orange lines mark where "
          "disruptions start, shading how long they last.</p>\n", out);
    for (size_t k = 0; k < r->ngroups; k++) {
        char name[300], cap[512], gt[256];
        plot_group_title(gt, sizeof gt, r->groups[k].id);
        plot_safe_name(name, sizeof name, "fan_", r->groups[k].id);
        snprintf(cap, sizeof cap, "%s: output and shortfall per day", gt);
        figure(out, r, drawn, name, cap);
    }
}

/* ----------------------------------------------------- compare and sweep */

/* Table order: the reference first, then best (most negative) first. */
static int by_rank(const void *a, const void *b)
{
    const struct diffrow *x = a, *y = b;
    if (x->paired != y->paired)
        return x->paired ? 1 : -1;
    return plot_by_diff(a, b);
}

/* The paired mean of the row labelled label, or NaN. */
static double diff_of(const struct diffrow *rows, size_t n, const char *label)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].label, label))
            return rows[i].paired ? rows[i].dmean : NAN;
    return NAN;
}

/* Identical to the reference in every replication. */
static bool is_tie(const struct diffrow *d)
{
    return d->paired && d->dmean == 0 && d->dlo == 0 && d->dhi == 0;
}

/* The paired interval excludes 0. */
static bool differs(const struct diffrow *d)
{
    return d->paired && (d->dlo > 0 || d->dhi < 0);
}

/* One metric of one group: a row per arm; true when an interval was cut at 0. */
static bool diff_table(FILE *out, const struct rp_csv_table *c, bool sweep,
                       const char *gid, const char *metric, int pct)
{
    bool cut = false;
    struct diffrow *rows, *prod, *fill;
    size_t n = plot_diff_rows(c, sweep, gid, metric, &rows);
    if (n < 2) {
        free(rows);
        return false;
    }
    size_t np = plot_diff_rows(c, sweep, gid, "produced", &prod);
    size_t nf = plot_diff_rows(c, sweep, gid, "fill_rate", &fill);
    if (!sweep)
        qsort(rows, n, sizeof *rows, by_rank);
    fprintf(out, "<table><tr><th>%s</th><th>%s, mean</th><th>%d%% interval"
            "</th><th>diff</th><th>paired interval</th><th>unpaired "
            "&plusmn;hw</th><th>narrower</th><th>better</th><th>&Delta; "
            "produced</th><th>&Delta; fill rate</th></tr>\n",
            sweep ? "point" : "variant", metric, pct);
    for (size_t i = 0; i < n; i++) {
        const struct diffrow *d = &rows[i];
        fputs("<tr><td>", out);
        h(out, d->label);
        fputs("</td>", out);
        td(out, d->mean);
        cut |= td_ci0(out, d->lo, d->hi);     /* unmet and starved are >= 0 */
        if (is_tie(d)) {
            fputs("<td colspan=\"5\" class=\"zero\">tie: the same in every "
                  "replication</td>", out);
        } else {
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
        }
        td(out, diff_of(prod, np, d->label));
        td(out, diff_of(fill, nf, d->label));
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
    free(rows);
    free(prod);
    free(fill);
    return cut;
}

/* A metric of the lead group and how the arms stand on it. */
struct standing {
    const char *metric;
    const char *unit;           /* from the metric's first row, borrowed */
    size_t ndiffer, ntie, n;
    char largest[256];          /* the arm with the largest |diff| */
    double dmax;
};

static int by_standing(const void *a, const void *b)
{
    const struct standing *x = a, *y = b;
    if (x->ndiffer != y->ndiffer)
        return x->ndiffer < y->ndiffer ? 1 : -1;
    return (x->ntie > y->ntie) - (x->ntie < y->ntie);
}

/* The metrics of the lead group, those on which arms differ first. */
static void overview(FILE *out, const struct report *r,
                     const struct rp_csv_table *c, bool sweep, const char *gid)
{
    const char **metrics;
    size_t nm = plot_distinct(c, rp_csv_col(c, "metric"), &metrics);
    struct standing *st = rp_xcalloc(nm ? nm : 1, sizeof *st);
    size_t ns = 0;
    for (size_t m = 0; m < nm; m++) {
        struct diffrow *rows;
        if (strchr(metrics[m], '.'))    /* per event: in compare.csv */
            continue;
        size_t n = plot_diff_rows(c, sweep, gid, metrics[m], &rows);
        struct standing *s = &st[ns];
        *s = (struct standing){ .metric = metrics[m], .unit = "" };
        int cg = rp_csv_col(c, "group"), cm = rp_csv_col(c, "metric"),
            cu = rp_csv_col(c, "unit");
        for (size_t k = 1; k < c->nrows && !*s->unit; k++)
            if (!strcmp(rp_csv_get(c, k, cg), gid)
                && !strcmp(rp_csv_get(c, k, cm), metrics[m]))
                s->unit = rp_csv_get(c, k, cu);
        for (size_t i = 0; i < n; i++) {
            if (!rows[i].paired)
                continue;
            s->n++;
            s->ndiffer += differs(&rows[i]);
            s->ntie += is_tie(&rows[i]);
            if (fabs(rows[i].dmean) > fabs(s->dmax) || !s->largest[0]) {
                s->dmax = rows[i].dmean;
                snprintf(s->largest, sizeof s->largest, "%s", rows[i].label);
            }
        }
        ns += s->n > 0;
        free(rows);
    }
    qsort(st, ns, sizeof *st, by_standing);
    if (ns) {
        char gt[256];
        plot_group_title(gt, sizeof gt, gid);
        fputs("<h3>Where they differ: ", out);
        h(out, gt);
        fprintf(out, "</h3>\n<table><tr><th>metric</th><th>%s that differ"
                "</th><th>tie in every replication</th><th>largest change"
                "</th></tr>\n", sweep ? "points" : "variants");
        for (size_t i = 0; i < ns; i++) {
            const struct standing *s = &st[i];
            fputs("<tr><td>", out);
            h(out, s->metric);
            fprintf(out, "</td><td>%zu of %zu</td>", s->ndiffer, s->n);
            if (s->ntie == s->n)
                fputs("<td class=\"zero\">all: a tie</td><td>-</td>", out);
            else {
                fprintf(out, "<td>%zu</td><td>%.4g ", s->ntie, s->dmax);
                h(out, s->unit);
                fputs(" (", out);
                h(out, s->largest);
                fputs(")</td>", out);
            }
            fputs("</tr>\n", out);
        }
        fputs("</table>\n", out);
    }
    (void)r;
    free(st);
    free(metrics);
}

/* Compare or sweep: the overview, then per group unmet and starved. */
/* Every arm after the reference ties with it on gid's metric (and has it). */
static bool all_tie(const struct rp_csv_table *c, bool sweep, const char *gid,
                    const char *metric)
{
    struct diffrow *rows;
    size_t n = plot_diff_rows(c, sweep, gid, metric, &rows), paired = 0;
    bool tie = true;
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].paired)
            continue;
        paired++;
        tie &= is_tie(&rows[i]);
    }
    free(rows);
    return tie && paired > 0;
}

static void html_diffs(FILE *out, const struct report *r,
                       const struct rp_csv_table *c, bool sweep, bool drawn)
{
    const char **gids;
    size_t ng = plot_distinct(c, rp_csv_col(c, "group"), &gids);
    int pct = (int)lround(100 * r->confidence);
    const struct group *lead = plot_lead(r);
    overview(out, r, c, sweep, lead ? lead->id : ng ? gids[0] : "");
    for (size_t j = 0; j < ng; j++) {
        /* the lead group first */
        const char *gid = j < r->ngroups ? r->groups[j].id : gids[j];
        const struct group *g = plot_group(r, gid);
        char gt[256], name[300], cap[512];
        plot_group_title(gt, sizeof gt, gid);
        fputs("<h3>", out);
        h(out, gt);
        fputs(" (", out);
        h(out, plot_unit(g));
        fputs(")</h3>\n", out);
        if (all_tie(c, sweep, gid, "unmet") && all_tie(c, sweep, gid, "starved")) {
            fprintf(out, "<p class=\"zero\">Every %s ties with the %s on unmet "
                    "and starved: the same in every replication.</p>\n",
                    sweep ? "point" : "variant", sweep ? "first point" : "base");
            continue;                   /* no tables or figure of zeros */
        }
        /* both tables are written; either may have been cut */
        bool cut = diff_table(out, c, sweep, gid, "unmet", pct);
        cut = diff_table(out, c, sweep, gid, "starved", pct) || cut;
        if (cut)
            fputs(cut_note, out);
        plot_safe_name(name, sizeof name, sweep ? "sweep_" : "diff_", gid);
        snprintf(cap, sizeof cap, "%s: paired difference in shortfall (blue) "
                 "and the interval two independent runs would give (grey)",
                 gt);
        figure(out, r, drawn, name, cap);
    }
    free(gids);
}

/* ------------------------------------------------------------ provenance */

static void prov_row(FILE *out, const struct rp_ynode *run)
{
    const struct rp_ynode *sc = rp_ytree_get(run, "scenario");
    const struct rp_ynode *set = rp_ytree_get(run, "set");
    const char *arm = plot_jstr(run, "variant");
    fputs("<tr><td><code>", out);
    h(out, plot_jstr(run, "run"));
    fputs("</code></td><td>", out);
    h(out, arm ? arm : plot_jstr(run, "point"));
    fputs("</td><td>", out);
    for (size_t i = 0; set && set->kind == RP_YSEQ && i < set->n; i++) {
        fputs(i ? "<br>" : "", out);
        h(out, plot_jstr(set->items[i], "path"));
        fputc('=', out);
        h(out, plot_jstr(set->items[i], "value"));
    }
    fputs("</td><td>", out);
    h(out, plot_jstr(run, "seed"));
    fputs("</td><td>", out);
    h(out, plot_jstr(run, "replications"));
    fputs("</td><td>", out);
    h(out, plot_jstr(sc, "file"));
    fputs("<br><code>", out);
    h(out, plot_jstr(sc, "sha256"));
    fputs("</code></td><td>", out);
    h(out, plot_jstr(run, "version"));
    fputs(" (", out);
    h(out, plot_jstr(run, "git"));
    fputs(")</td><td>", out);
    h(out, plot_jstr(run, "started"));
    fputs("</td></tr>\n", out);
}

static void footer(FILE *out, const struct report *r)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M UTC", &tm);
    fputs("<footer>\n<h2>Provenance</h2>\n", out);
    const struct rp_ynode *runs = rp_ytree_get(r->prov.root, "runs");
    if (runs && runs->kind == RP_YSEQ && runs->n) {
        fputs("<table><tr><th>run</th><th>arm</th><th>--set</th><th>seed</th>"
              "<th>replications</th><th>scenario file, SHA-256</th>"
              "<th>ripple</th><th>started</th></tr>\n", out);
        for (size_t i = 0; i < runs->n; i++)
            prov_row(out, runs->items[i]);
        fputs("</table>\n", out);
    } else {
        fputs("<p>No provenance.json beside the results.</p>\n", out);
    }
    fputs("<p>Files: ", out);
    static const char *const files[] = {
        "summary.json", "provenance.json", "replications.csv", "series.csv",
        "events.csv", "groups.csv", "compare.json", "compare.csv",
        "sweep.json", "sweep.csv", "report.gp",
    };
    bool first = true;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", r->dir, files[i]);
        if (stat(path, &st))
            continue;
        fprintf(out, "%s<a href=\"%s\">%s</a> (%lld bytes)", first ? "" : ", ",
                files[i], files[i], (long long)st.st_size);
        first = false;
    }
    fputs(". Page made ", out);
    h(out, stamp);
    fputs(" by <code>ripple report</code>.</p>\n</footer>\n", out);
}

/* ------------------------------------------------------------------ page */

static const char css[] =
    "body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;"
    "max-width:1100px;color:#222;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:0.2em}h2{border-bottom:1px solid #ccc;"
    "padding-bottom:0.2em;margin-top:2em}"
    "h3{font-size:1.05em;margin:1.4em 0 0.4em}"
    ".meta{color:#555}.note{background:#fff4e5;border-left:4px solid #e6550d;"
    "padding:0.5em 1em}.small{font-size:0.85em;color:#555}"
    ".headline{background:#f0f5fb;border-left:4px solid #08519c;"
    "padding:0.4em 1em;margin:1em 0}.lede{font-size:1.15em}"
    "table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0}"
    "th,td{padding:0.2em 0.6em;text-align:right;border-bottom:1px solid #eee;"
    "white-space:nowrap}"
    "th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}"
    "table.lede th{text-align:left}table.lede td{text-align:left}"
    "td.zero{text-align:center;color:#555;font-style:italic}"
    "tr.total td{font-weight:bold;border-top:1px solid #999}"
    "figure{margin:1em 0}figure svg{width:100%;height:auto;"
    "border:1px solid #eee}"
    "figcaption{color:#555;font-size:0.9em}code{background:#f4f4f4;"
    "padding:0 0.2em}footer{margin-top:3em;font-size:0.85em;color:#444}"
    "footer td{white-space:normal;text-align:left}";

void plot_html(FILE *out, struct report *r, bool drawn, const char *why_not)
{
    const char *title = r->name ? r->name : "results";
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n<title>ripple report: ", out);
    h(out, title);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
    h(out, title);
    fputs("</h1>\n<p class=\"meta\">", out);
    if (r->summary.root) {
        fputs("variant ", out);
        h(out, r->variant ? r->variant : "base");
        fprintf(out, " &middot; %.0f replications &middot; seed ", r->reps);
        h(out, r->seed ? r->seed : "-");
        fprintf(out, " &middot; horizon %g days &middot; %.0f%% intervals",
                r->horizon, 100 * r->confidence);
    }
    fputs("</p>\n", out);
    if (!drawn)
        fprintf(out, "<p class=\"note\">No plots: %s. The tables below and "
                "the CSV files are complete.</p>\n", why_not);
    if (r->have_reps && r->have_groups)
        headline(out, r);
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
        plot_sweep_paths(&r->sweep, paths, sizeof paths);
        fputs("<h2>Sweep</h2>\n<p>Points are values of <code>", out);
        h(out, paths);
        fputs("</code>. Every point ran the same replications; "
              "<em>diff</em> is point &minus; first point in each "
              "replication. The run tables and figures are the first "
              "point's.</p>\n", out);
        html_diffs(out, r, &r->sweep, true, drawn);
    }
    if (r->have_reps && r->have_groups && r->ngroups)
        html_makers(out, r, drawn);
    html_survival(out, r, drawn);
    html_fans(out, r, drawn);
    footer(out, r);
    fputs("</body>\n</html>\n", out);
}
