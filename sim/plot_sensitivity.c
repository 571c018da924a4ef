/*
 * plot_sensitivity.c - DIR/sensitivity.html: tornado plots of a
 * sensitivity run, drawn by gnuplot (plot_sensitivity.h says what).
 *
 * Three steps, as for the report page: read sensitivity.json into figures
 * (a figure is one output's inputs, ranked), write sensitivity.gp and run
 * gnuplot on it, write the page with each drawn figure inlined. gnuplot's
 * y axis counts upwards, so the largest bar gets the largest y: the
 * tornado's widest bar on top.
 */
#define _POSIX_C_SOURCE 200809L
#include "ripple/plot_sensitivity.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ripple/diag.h"
#include "ripple/report.h"
#include "ripple/yamltree.h"

/* The outputs a page plots, in this order, where the run measured them. */
static const char *const plotted[] = { "unmet", "starved", "cost" };

struct bar {
    const char *input;          /* borrowed from the tree */
    double a, a_lo, a_hi;       /* the ranking measure: ST (Morris: mu*) */
    double b, b_lo, b_hi;       /* beside it: S1 (Morris: sigma) */
};

struct figure {
    const char *group, *product, *metric;
    struct bar *bars;           /* ranked, largest a first; NaN last */
    size_t nbars;
    char svg[256];              /* file name in DIR */
    bool drawn;
};

struct page {
    const char *dir;
    bool sobol;
    struct figure *fig;
    size_t nfig;
    struct rp_ytree tree;
};

/* ---------------------------------------------------------------- read */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 14, n = 0, got;
    char *buf = rp_xmalloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0)
        if ((n += got) + 1 == cap)
            buf = rp_xrealloc(buf, cap *= 2);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* A measure's mean and interval; NaN for null or absent. */
static void measure(const struct rp_ynode *est, const char *name, double *mean,
                    double *lo, double *hi)
{
    const struct rp_ynode *m = rp_ytree_get(est, name);
    const struct rp_ynode *v = m ? rp_ytree_get(m, "mean") : NULL;
    const struct rp_ynode *ci = m ? rp_ytree_get(m, "ci") : NULL;
    *mean = *lo = *hi = NAN;
    if (v && v->kind == RP_YSCALAR)
        *mean = strtod(v->text, NULL);
    if (ci && ci->kind == RP_YSEQ && ci->n == 2) {
        if (ci->items[0]->kind == RP_YSCALAR)
            *lo = strtod(ci->items[0]->text, NULL);
        if (ci->items[1]->kind == RP_YSCALAR)
            *hi = strtod(ci->items[1]->text, NULL);
    }
}

static int by_a(const void *x, const void *y)
{
    const struct bar *p = x, *q = y;
    if (isnan(p->a) != isnan(q->a))
        return isnan(p->a) ? 1 : -1;
    if (p->a != q->a)
        return p->a > q->a ? -1 : 1;
    return strcmp(p->input, q->input);  /* ties: a fixed order */
}

/* The figure of one output ({path: {measure: ...}}); false when nothing varies. */
static bool add_figure(struct page *pg, const char *g, const char *p,
                       const char *metric, const struct rp_ynode *inputs)
{
    struct figure f = { g, p, metric, NULL, 0, "", false };
    size_t nvar = 0;
    f.bars = rp_xmalloc((inputs->n + 1) * sizeof *f.bars);
    for (size_t i = 0; i < inputs->n; i++) {
        struct bar *b = &f.bars[f.nbars++];
        b->input = inputs->pairs[i].key;
        const struct rp_ynode *est = inputs->pairs[i].value;
        measure(est, pg->sobol ? "ST" : "mu_star", &b->a, &b->a_lo, &b->a_hi);
        measure(est, pg->sobol ? "S1" : "sigma", &b->b, &b->b_lo, &b->b_hi);
        nvar += !isnan(b->a);
    }
    if (!nvar) {                        /* an output the design never moved */
        free(f.bars);
        return false;
    }
    qsort(f.bars, f.nbars, sizeof *f.bars, by_a);
    char id[512];
    snprintf(id, sizeof id, "%s-%s-%s", g, p, metric);
    size_t k = 0;
    k += (size_t)snprintf(f.svg, sizeof f.svg, "tornado-");
    for (const char *c = id; *c && k + 5 < sizeof f.svg; c++)
        f.svg[k++] = (char)((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')
                            || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'
                            ? *c : '_');
    snprintf(f.svg + k, sizeof f.svg - k, ".svg");
    pg->fig = rp_xrealloc(pg->fig, (pg->nfig + 1) * sizeof *pg->fig);
    pg->fig[pg->nfig++] = f;
    return true;
}

static int load(struct page *pg)
{
    char path[4200];
    size_t len;
    snprintf(path, sizeof path, "%s/sensitivity.json", pg->dir);
    char *text = read_file(path, &len);
    if (!text) {
        fprintf(stderr, "ripple: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct rp_diag diag;
    rp_diag_init(&diag);
    const struct rp_ynode *root = rp_ytree_parse(&pg->tree, text, len, path, &diag);
    free(text);
    const struct rp_ynode *method = root ? rp_ytree_get(root, "method") : NULL;
    const struct rp_ynode *groups = root ? rp_ytree_get(root, "groups") : NULL;
    int rc = 0;
    if (!root || rp_diag_count(&diag) || !method || method->kind != RP_YSCALAR
        || !groups || groups->kind != RP_YMAP) {
        rp_diag_print(&diag, stderr);
        fprintf(stderr, "ripple: %s is not a ripple sensitivity result "
                "(no \"method\" and \"groups\")\n", path);
        rc = -1;
    }
    rp_diag_release(&diag);
    if (rc)
        return rc;
    pg->sobol = !strcmp(method->text, "sobol");
    for (size_t gi = 0; gi < groups->n; gi++) {
        const struct rp_ynode *prods = groups->pairs[gi].value;
        for (size_t pi = 0; prods->kind == RP_YMAP && pi < prods->n; pi++) {
            const struct rp_ynode *metrics = prods->pairs[pi].value;
            for (size_t m = 0; m < sizeof plotted / sizeof *plotted; m++) {
                const struct rp_ynode *in = rp_ytree_get(metrics, plotted[m]);
                if (in && in->kind == RP_YMAP)
                    add_figure(pg, groups->pairs[gi].key, prods->pairs[pi].key,
                               plotted[m], in);
            }
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- draw */

/* A label in a data block, between double quotes: gnuplot reads \" there. */
static void gp_label(FILE *gp, const char *s)
{
    fputc('"', gp);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', gp);
        fputc(*s, gp);
    }
    fputc('"', gp);
}

/* A gnuplot single-quoted string: a quote inside is written twice. */
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

static void gp_num(FILE *gp, double x)
{
    fputc(' ', gp);
    if (isfinite(x))
        rp_json_num(gp, x);
    else
        fputs("NaN", gp);
}

static void script_figure(FILE *gp, const struct page *pg, size_t fi)
{
    const struct figure *f = &pg->fig[fi];
    size_t n = f->nbars < RP_TORNADO_INPUTS ? f->nbars : RP_TORNADO_INPUTS;
    const char *a = pg->sobol ? "ST (total)" : "mu*", *b = pg->sobol ? "S1 (first order)" : "sigma";
    fprintf(gp, "\n# %s %s %s\n$t%zu << EOD\n", f->group, f->product, f->metric, fi);
    for (size_t i = 0; i < n; i++) {    /* y: n - 1 for the largest, on top */
        const struct bar *r = &f->bars[i];
        gp_label(gp, r->input);
        fprintf(gp, " %zu", n - 1 - i);
        gp_num(gp, r->a);
        gp_num(gp, r->a_lo);
        gp_num(gp, r->a_hi);
        gp_num(gp, r->b);
        gp_num(gp, r->b_lo);
        gp_num(gp, r->b_hi);
        fputc('\n', gp);
    }
    fputs("EOD\n", gp);
    fprintf(gp, "set terminal svg size 760,%zu dynamic font 'sans,11'\n",
            150 + 34 * n);
    fprintf(gp, "set output '%s.tmp'\n", f->svg);
    char title[1024];
    snprintf(title, sizeof title, "%s: %s of %s", f->group, f->metric, f->product);
    fputs("set title ", gp);
    gp_str(gp, title);
    fprintf(gp, " noenhanced\nset yrange [-0.6:%zu.6]\nset xlabel ", n - 1);
    gp_str(gp, pg->sobol ? "share of the output's variance"
                         : "effect per half-range step");
    fputc('\n', gp);
    fputs("set ytics scale 0 noenhanced\nset grid xtics\nset key below horizontal\n"
          "set style fill solid 0.8 border -1\nset xzeroaxis\n", gp);
    fprintf(gp, "plot $t%zu using (0.5*$3):($2+0.17):(0.5*abs($3)):(0.15):ytic(1) "
            "with boxxyerror lc rgb '#c0392b' title '%s', \\\n"
            "     $t%zu using 3:($2+0.17):4:5 with xerrorbars lc rgb 'black' pt 0 notitle, \\\n"
            "     $t%zu using (0.5*$6):($2-0.17):(0.5*abs($6)):(0.15) "
            "with boxxyerror lc rgb '#2e86c1' title '%s', \\\n"
            "     $t%zu using 6:($2-0.17):7:8 with xerrorbars lc rgb 'black' pt 0 notitle\n"
            "unset output\n",
            fi, a, fi, fi, b, fi);
}

static bool on_path(const char *prog)
{
    const char *path = getenv("PATH");
    char buf[4200];
    for (const char *p = path; p && *p;) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, prog);
        if (access(buf, X_OK) == 0)
            return true;
        p = end ? end + 1 : p + n;
    }
    return false;
}

/* gnuplot sensitivity.gp in dir, its messages into sensitivity.log; its status or -1. */
static int gnuplot(const char *dir)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (chdir(dir) == 0 && freopen("sensitivity.log", "w", stderr)
            && freopen("/dev/null", "w", stdout))
            execlp("gnuplot", "gnuplot", "sensitivity.gp", (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Writes the script and runs it; each figure drawn is marked. */
static bool draw(struct page *pg, const char **why)
{
    char path[4200], tmp[4300];
    if (!on_path("gnuplot")) {
        *why = "gnuplot was not found on PATH";
        return false;
    }
    snprintf(path, sizeof path, "%s/sensitivity.gp", pg->dir);
    FILE *gp = fopen(path, "w");
    if (!gp) {
        *why = "sensitivity.gp could not be written";
        return false;
    }
    fputs("# sensitivity.gp - written by ripple; run `gnuplot sensitivity.gp` "
          "in this directory.\n", gp);
    for (size_t i = 0; i < pg->nfig; i++)
        script_figure(gp, pg, i);
    if (fclose(gp)) {
        *why = "sensitivity.gp could not be written";
        return false;
    }
    bool ok = gnuplot(pg->dir) == 0;
    for (size_t i = 0; i < pg->nfig; i++) {
        snprintf(path, sizeof path, "%s/%s", pg->dir, pg->fig[i].svg);
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        pg->fig[i].drawn = ok && rename(tmp, path) == 0;
        if (!pg->fig[i].drawn)
            remove(tmp);
    }
    snprintf(path, sizeof path, "%s/sensitivity.log", pg->dir);
    if (ok)
        remove(path);                   /* kept only to say why it failed */
    else
        *why = "gnuplot failed (see sensitivity.log)";
    return ok;
}

/* ---------------------------------------------------------------- page */

static void html_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", out);
        else if (*s == '>')
            fputs("&gt;", out);
        else if (*s == '&')
            fputs("&amp;", out);
        else
            fputc(*s, out);
    }
}

static void html_num(FILE *out, double x)
{
    if (isfinite(x))
        fprintf(out, "%.3g", x);
    else
        fputs("&ndash;", out);
}

static void html_figure(FILE *out, const struct page *pg, const struct figure *f)
{
    fputs("<h2>", out);
    html_text(out, f->group);
    fputs(": ", out);
    html_text(out, f->metric);
    fputs(" of ", out);
    html_text(out, f->product);
    fputs("</h2>\n", out);
    if (f->drawn) {
        char path[4200];
        size_t len;
        snprintf(path, sizeof path, "%s/%s", pg->dir, f->svg);
        char *svg = read_file(path, &len);
        if (svg) {
            const char *at = strstr(svg, "<svg");
            fputs(at ? at : svg, out);  /* inline: the page is one file */
            fputc('\n', out);
            free(svg);
        }
    }
    fprintf(out, "<table><tr><th>input</th><th>%s</th><th>interval</th>"
            "<th>%s</th><th>interval</th></tr>\n",
            pg->sobol ? "ST" : "mu*", pg->sobol ? "S1" : "sigma");
    for (size_t i = 0; i < f->nbars; i++) {
        const struct bar *b = &f->bars[i];
        fputs("<tr><td>", out);
        html_text(out, b->input);
        fputs("</td><td>", out);
        html_num(out, b->a);
        fputs("</td><td>", out);
        html_num(out, b->a_lo);
        fputs(" &ndash; ", out);
        html_num(out, b->a_hi);
        fputs("</td><td>", out);
        html_num(out, b->b);
        fputs("</td><td>", out);
        html_num(out, b->b_lo);
        fputs(" &ndash; ", out);
        html_num(out, b->b_hi);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

static int write_page(const struct page *pg, const char *why_not)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sensitivity.html", pg->dir);
    FILE *out = fopen(path, "w");
    if (!out) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<title>ripple sensitivity</title>\n<style>body{font-family:sans-serif;"
            "max-width:960px;margin:auto}table{border-collapse:collapse}"
            "td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}"
            "td:first-child{text-align:left}</style></head><body>\n"
            "<h1>Which uncertain inputs matter (%s)</h1>\n<p>", pg->sobol ? "Sobol" : "Morris");
    fputs(pg->sobol ? "Inputs ranked by their total index ST, the share of the "
                      "output's variance left unexplained when every other input "
                      "is known (red), beside the first-order index S1, the share "
                      "the input explains alone (blue); bars are means over the "
                      "bootstrap, whiskers its interval."
                    : "Inputs ranked by mu*, the mean absolute elementary effect "
                      "(red), beside sigma, the spread of the effects (blue): a "
                      "large sigma is an input that acts through others or not "
                      "linearly.", out);
    fprintf(out, " At most %d inputs are drawn per figure; the table has them all.",
            RP_TORNADO_INPUTS);
    if (why_not)
        fprintf(out, " No figures: %s.", why_not);
    fputs("</p>\n", out);
    for (size_t i = 0; i < pg->nfig; i++)
        html_figure(out, pg, &pg->fig[i]);
    if (!pg->nfig)
        fputs("<p>No plotted output (unmet, starved, cost) varies over the "
              "design.</p>\n", out);
    fputs("</body></html>\n", out);
    return fclose(out) ? -1 : 0;
}

int rp_plot_sensitivity(const char *dir)
{
    struct page pg = { .dir = dir };
    const char *why = NULL;
    rp_ytree_init(&pg.tree);
    int rc = load(&pg);
    if (rc == 0) {
        if (pg.nfig && !draw(&pg, &why))
            fprintf(stderr, "ripple: %s: sensitivity.html has tables but "
                    "no plots\n", why);
        rc = write_page(&pg, why);
    }
    for (size_t i = 0; i < pg.nfig; i++)
        free(pg.fig[i].bars);
    free(pg.fig);
    rp_ytree_release(&pg.tree);
    return rc;
}
