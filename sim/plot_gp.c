#define _POSIX_C_SOURCE 200809L
/*
 * plot_gp.c - report.gp: the gnuplot script of the report's figures.
 *
 * Data go inline ($dN << EOD blocks), so the script stands alone and can
 * be rerun or restyled. Figures are titled with node names and carry units
 * on every axis. A distribution that is 0 in every replication gets no
 * panel (the page says so in words); a difference plot whose values span
 * more than two decades uses a symmetric log axis (sign(x) log10(1 +
 * |x|/C)), so one extreme variant does not flatten the others.
 */
#include "plot_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/report.h"

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

void plot_safe_name(char *buf, size_t cap, const char *prefix, const char *id)
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
        double s = plot_csv_num(c, i, cs), d = plot_csv_num(c, i, cd);
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
    size_t ng = plot_distinct(c, cg, &gids);
    static const char *const kinds[] = { "output", "shortfall" };

    for (size_t k = 0; k < ng; k++) {
        /* groups.csv order (first group first) when known */
        const char *gid = k < r->ngroups ? r->groups[k].id : gids[k];
        const struct group *g = plot_group(r, gid);
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
        plot_safe_name(name, sizeof name, "fan_", gid);
        gp_figure(r, gp, name, 960, 620);
        fputs("set multiplot layout 2,1 title ", gp);
        char title[512];
        char gt[256];
        plot_group_title(gt, sizeof gt, gid);
        snprintf(title, sizeof title, "%s: daily %s output and shortfall "
                 "across replications", gt,
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
                                         : "output (%s per day)", plot_unit(g));
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

/* (b) Histograms of total shortfall over the run, per member and total. */
static void plot_histograms(struct report *r, FILE *gp)
{
    const struct group *g = plot_lead(r);
    if (!g || !*g->product)
        return;
    const struct vec *vs[64];
    const char *names[64];
    size_t np = 0;
    /* a panel per member and the total, unless 0 in every replication */
    for (size_t p = 0; p <= g->nnodes && np < 64; p++) {
        const struct vec *v = plot_vec(r, p < g->nnodes ? "node" : "group",
                                       p < g->nnodes ? g->nodes[p] : g->id,
                                       g->product, "unmet");
        double mx = 0;
        for (size_t i = 0; v && i < v->n; i++)
            mx = v->x[i] > mx ? v->x[i] : mx;
        if (!(mx > 0))
            continue;
        vs[np] = v;
        names[np++] = p < g->nnodes ? g->names[p] : "total";
    }
    if (!np)
        return;
    int cols = np <= 2 ? (int)np : np <= 4 ? 2 : 3;
    int rows = (int)((np + (size_t)cols - 1) / (size_t)cols);
    int blocks[64];
    for (size_t p = 0; p < np; p++) {
        const struct vec *v = vs[p];
        double mx = 0;
        for (size_t i = 0; i < v->n; i++)
            mx = v->x[i] > mx ? v->x[i] : mx;
        blocks[p] = r->ndata++;
        fprintf(gp, "$d%d << EOD\n", blocks[p]);
        double w = mx / HIST_BINS;
        size_t counts[HIST_BINS] = { 0 };
        for (size_t i = 0; i < v->n; i++) {
            size_t b = (size_t)(v->x[i] / w);
            counts[b < HIST_BINS ? b : HIST_BINS - 1]++;
        }
        for (size_t b = 0; b < HIST_BINS; b++) {
            gp_num(gp, ((double)b + 0.5) * w);
            fputc(' ', gp);
            gp_num(gp, (double)counts[b] / (double)v->n);
            fputc(' ', gp);
            gp_num(gp, w);
            fputc('\n', gp);
        }
        fputs("EOD\n", gp);
    }
    char name[300], title[512], xl[256], gt[256];
    plot_safe_name(name, sizeof name, "hist_", g->id);
    plot_group_title(gt, sizeof gt, g->id);
    gp_figure(r, gp, name, 960, 60 + 260 * rows);
    snprintf(title, sizeof title, "%s: total shortfall of %s over the run, "
             "share of %.0f replications", gt, g->product, r->reps);
    fprintf(gp, "set multiplot layout %d,%d title ", rows, cols);
    gp_str(gp, title);
    fputs(" font ',14'\n", gp);
    snprintf(xl, sizeof xl, "shortfall (%s)", plot_unit(g));
    fputs("set xlabel ", gp);
    gp_str(gp, xl);
    fputs("\nset ylabel 'share of replications'\nset yrange [0:*]\n"
          "set xrange [0:*]\n"
          "set style fill solid 0.7 border lc rgb '#08519c'\n", gp);
    for (size_t p = 0; p < np; p++) {
        fputs("set title ", gp);
        gp_str(gp, names[p]);
        fprintf(gp, "\nplot $d%d using 1:2:3 with boxes lc rgb '#6baed6'\n",
                blocks[p]);
    }
    fputs("unset multiplot\n", gp);
}

/* (c) Time to survive against time to recover, per maker and event. */
static void plot_tts_ttr(struct report *r, FILE *gp)
{
    const struct group *g = plot_lead(r);
    if (!g || !r->have_events)
        return;
    const struct rp_csv_table *c = &r->events;
    int ce = rp_csv_col(c, "event"), cs = rp_csv_col(c, "start");
    size_t *lead = plot_event_leaders(r, g);
    for (size_t i = 1; i < c->nrows; i++) {
        if (lead[i] != i)
            continue;                   /* drawn with the event it repeats */
        size_t more = 0;
        for (size_t j = i + 1; j < c->nrows; j++)
            more += lead[j] == i;
        const char *eid = rp_csv_get(c, i, ce);
        int block = r->ndata;
        bool any = false;
        for (size_t k = 0; k < g->nnodes; k++) {
            struct rp_summary a, b;
            const char *n = g->nodes[k];
            if (!plot_summarize(plot_vec(r, "event", eid, n, "tts"),
                           r->confidence, &a)
                || !plot_summarize(plot_vec(r, "event", eid, n, "ttr"),
                              r->confidence, &b))
                continue;
            if (!any)
                fprintf(gp, "$d%d << EOD\n", block);
            any = true;
            gp_label(gp, g->names[k]);
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
        char name[300], title[512], gt[256];
        plot_safe_name(name, sizeof name, "ttsr_", eid);
        plot_group_title(gt, sizeof gt, g->id);
        gp_figure(r, gp, name, 960, 420);
        char others[64] = "";
        if (more)
            snprintf(others, sizeof others, " and %zu other%s", more,
                     more == 1 ? "" : "s");
        snprintf(title, sizeof title, "%s after %s%s (starts day %g): time to "
                 "survive (tts) and to recover (ttr), median and p05-p95; tts "
                 "censored at the horizon", gt, eid, others,
                 plot_csv_num(c, i, cs));
        fputs("set title ", gp);
        gp_str(gp, title);
        fputs("\nset ylabel 'days after the event starts'\nset yrange [0:*]\n"
              "set key top right opaque box lc rgb '#cccccc'\n"
              "set style data histogram\n"
              "set style histogram errorbars gap 2 lw 1.5\n"
              "set style fill solid 0.75 border -1\nset boxwidth 0.9\n"
              "set xtics nomirror rotate by 25 right font ',9'\n"
              "set lmargin 16\nset rmargin 4\nset bmargin 9\n", gp);
        /* node names are long: slanted, each ends under its bars */
        fprintf(gp, "plot $d%d using 2:3:4:xtic(1) lc rgb '#6baed6' title "
                "'time to survive (tts)', '' using 5:6:7 lc rgb '#fd8d3c' "
                "title 'time to recover (ttr)'\n", block);
    }
    free(lead);
}

/* One row of compare.csv or sweep.csv for the diff plots and tables. */
/*
 * A symmetric log axis when the plotted values span more than two decades
 * (largest |value| over the smallest non-zero |difference|): x shows as
 * sign(x) log10(1 + |x|/C), C the power of ten at or below the smallest
 * difference, ticked at 0 and +-C, 10C, ... True when it was set.
 */
static bool gp_symlog(FILE *gp, char axis, const double *v, size_t n)
{
    double big = 0, small = INFINITY;
    for (size_t i = 0; i < n; i++) {
        double a = fabs(v[i]);
        if (!isfinite(a))
            continue;
        big = a > big ? a : big;
        if (i % 5 == 0 && a > 0 && a < small)      /* the differences */
            small = a;
    }
    if (!(isfinite(small) && big > 100 * small))
        return false;
    double c = pow(10, floor(log10(small)));
    fputs("C = ", gp);
    gp_num(gp, c);
    fprintf(gp, "\nset nonlinear %c via sgn(%c)*log10(1+abs(%c)/C) "
            "inverse sgn(%c)*C*(10**abs(%c)-1)\nset %ctics (\"0\" 0",
            axis, axis, axis, axis, axis, axis);
    for (double t = c; t <= 10 * big; t *= 10) {
        fprintf(gp, ", \"%g\" ", t);
        gp_num(gp, t);
        fprintf(gp, ", \"-%g\" ", t);
        gp_num(gp, -t);
    }
    fputs(")\n", gp);
    return true;
}

/* (d) Paired differences of each group's unmet, with intervals. */
static void plot_diffs(struct report *r, FILE *gp, const struct rp_csv_table *c,
                       bool sweep)
{
    const char **gids;
    size_t ng = plot_distinct(c, rp_csv_col(c, "group"), &gids);
    for (size_t k = 0; k < ng; k++) {
        const struct group *g = plot_group(r, gids[k]);
        struct diffrow *rows;
        size_t n = plot_diff_rows(c, sweep, gids[k], "unmet", &rows);
        if (n < 2) {
            free(rows);
            continue;
        }
        if (!sweep)                     /* compare: ranked, best at the top */
            qsort(rows, n, sizeof *rows, plot_by_diff);
        int block = r->ndata++;
        double *all = rp_xcalloc(5 * n, sizeof *all);
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
                all[5 * i + (size_t)x] = v[x];
            }
            fputc('\n', gp);
        }
        fputs("EOD\n", gp);
        char name[300], title[512], lab[256], gt[256];
        plot_safe_name(name, sizeof name, sweep ? "sweep_" : "diff_", gids[k]);
        plot_group_title(gt, sizeof gt, gids[k]);
        gp_figure(r, gp, name, 960, sweep ? 400 : 120 + 34 * (int)n);
        bool symlog = gp_symlog(gp, sweep ? 'y' : 'x', all, 5 * n);
        free(all);
        snprintf(lab, sizeof lab, "change in shortfall (%s)%s", plot_unit(g),
                 symlog ? ", symmetric log scale" : "");
        if (sweep) {
            snprintf(title, sizeof title, "%s: shortfall at each point minus "
                     "the first, paired on common random numbers (%.0f%% "
                     "intervals)", gt, 100 * r->confidence);
            fputs("set title ", gp);
            gp_str(gp, title);
            fputs("\nset ylabel ", gp);
            gp_str(gp, lab);
            char paths[512];
            plot_sweep_paths(c, paths, sizeof paths);
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
            snprintf(title, sizeof title, "%s: variant minus base in each "
                     "replication (%.0f%% intervals); below zero is better",
                     gt, 100 * r->confidence);
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

void plot_script(struct report *r, FILE *gp)
{
    if (r->have_compare)
        plot_diffs(r, gp, &r->compare, false);
    if (r->have_sweep)
        plot_diffs(r, gp, &r->sweep, true);
    if (r->have_series)
        plot_fans(r, gp);
    if (r->have_reps && r->have_groups) {
        plot_histograms(r, gp);
        plot_tts_ttr(r, gp);
    }
}
