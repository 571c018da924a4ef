#define _POSIX_C_SOURCE 200809L
/*
 * compare_table.c - the text table of compare and sweep on stdout.
 *
 * Per group (the lead first) a block per metric: a row per arm with its
 * mean, the paired difference to the reference and its interval beside the
 * Welch interval two independent runs would give, so what common random
 * numbers gained is visible. Variants are ranked by their change in unmet;
 * a sweep keeps its grid order.
 */
#include "compare_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/report.h"

/* ---------------------------------------------------------------- table */

static int label_width(const struct job *j)
{
    int w = 7;                          /* "variant" */
    for (size_t a = 0; a < j->narms; a++) {
        int l = (int)strlen(j->arms[a].label);
        if (l > w)
            w = l;
    }
    return w;
}

/* Sweep: the width of path k's column. */
static int axis_width(const struct axis *ax)
{
    int w = (int)strlen(ax->path);
    for (size_t v = 0; v < ax->nvals; v++)
        if ((int)strlen(ax->vals[v]) > w)
            w = (int)strlen(ax->vals[v]);
    return w;
}

static void print_label(FILE *out, const struct job *j, size_t a)
{
    if (!j->o->sweep) {
        fprintf(out, "    %-*s", label_width(j), j->arms[a].label);
        return;
    }
    fputs("   ", out);
    for (size_t k = 0; k < j->naxes; k++)
        fprintf(out, " %-*s", axis_width(&j->axes[k]), j->arms[a].setvals[k]);
}

static void print_header(FILE *out, const struct job *j)
{
    if (!j->o->sweep) {
        fprintf(out, "    %-*s", label_width(j), "variant");
    } else {
        fputs("   ", out);
        for (size_t k = 0; k < j->naxes; k++)
            fprintf(out, " %-*s", axis_width(&j->axes[k]), j->axes[k].path);
    }
    fprintf(out, " %10s    %-9s %10s    %-9s %6s %11s %8s\n", "mean", "+- hw",
            "diff", "+- hw", "better", "unpaired hw", "narrower");
}

/* The same as the reference in every replication (compare_measure snaps
 * rounding noise to 0, so a tie is exact). */
static bool is_tie(const struct cell *c)
{
    return c->paired && c->d.min == 0 && c->d.max == 0;
}

static void print_row(FILE *out, const struct job *j, size_t a,
                      const struct cell *c)
{
    print_label(out, j, a);
    if (!c->have) {
        fprintf(out, " %10s\n", "-");
        return;
    }
    fprintf(out, " %10.4g +- %-9.4g", c->s.mean, c->s.hw);
    if (is_tie(c)) {
        fputs("  tie: the same in every replication\n", out);
        return;
    }
    if (c->paired) {
        char gain[32];
        /* below 1e-9 of the unpaired width the paired one is rounding noise */
        if (c->d.hw > 1e-9 * c->unpaired_hw)
            snprintf(gain, sizeof gain, "%.3gx", c->unpaired_hw / c->d.hw);
        else if (c->unpaired_hw > 0)
            snprintf(gain, sizeof gain, "exact");   /* a noiseless difference */
        else
            snprintf(gain, sizeof gain, "-");
        fprintf(out, " %10.4g +- %-9.4g %6.3f %11.4g %8s", c->d.mean, c->d.hw,
                c->better, c->unpaired_hw, gain);
    }
    fputc('\n', out);
}

/* Arms after the reference, ranked by mean paired difference in unmet. */
static void rank_arms(const struct job *j, const struct cell *unmet,
                      size_t *order)
{
    size_t n = 0;
    for (size_t a = 1; a < j->narms; a++)
        order[n++] = a;
    if (!unmet || j->o->sweep)
        return;                         /* a sweep keeps its grid order */
    for (size_t i = 1; i < n; i++) {    /* insertion sort: stable, few arms */
        size_t a = order[i], k = i;
        double da = unmet[a].paired ? unmet[a].d.mean : INFINITY;
        while (k > 0) {
            size_t b = order[k - 1];
            double db = unmet[b].paired ? unmet[b].d.mean : INFINITY;
            if (!(da < db))
                break;
            order[k] = b;
            k--;
        }
        order[k] = a;
    }
}

static const char *lower_or_higher(const struct what *w)
{
    return rp_metric_lower_is_better(w->kind) ? "lower" : "higher";
}

static void print_cost_effect(FILE *out, const struct job *j, const char *gid,
                              const char *pid, const size_t *rank)
{
    struct rp_cost_effect ce;
    if (j->narms < 2 || !compare_cost_effect(j, rank[0], gid, pid, &ce))
        return;
    const struct rp_scenario *sc = &j->arms[0].sc;
    fprintf(out, "  cost per %s of unmet avoided (%s; paired: extra cost / "
            "unmet avoided)\n", rp_unit_label(sc, RP_M_UNMET,
                                              rp_scenario_product(sc, pid)),
            rp_unit_label(sc, RP_M_COST, RP_NONE));
    for (size_t r = 0; r + 1 < j->narms; r++) {
        print_label(out, j, rank[r]);
        compare_cost_effect(j, rank[r], gid, pid, &ce);
        if (isnan(ce.per_unit))
            fprintf(out, " avoids none (unmet avoided %.4g)\n", ce.avoided.mean);
        else
            fprintf(out, " %10.4g  [%.4g, %.4g]\n", ce.per_unit, ce.per_unit_lo,
                    ce.per_unit_hi);
    }
}

/* One metric's block, as printed, and whether any arm differs. */
struct block {
    const struct what *w;
    char *rows;                 /* owned; NULL: no arm has the value */
    bool differs;               /* some arm is not a tie with the reference */
    size_t next;                /* the next event block with the same rows */
    bool follower;              /* printed under an earlier event's heading */
};

static void block_rows(struct block *bl, const struct job *j, const char *gid,
                       const char *pid, const size_t *rank, struct cell *cells)
{
    size_t len = 0;
    compare_measure(j, gid, pid, bl->w, cells);
    bool any = false;
    for (size_t a = 0; a < j->narms; a++) {
        any |= cells[a].have;
        bl->differs |= a > 0 && !is_tie(&cells[a]);
    }
    if (!any)
        return;
    FILE *f = open_memstream(&bl->rows, &len);
    if (!f) {
        fprintf(stderr, "ripple: out of memory for the table\n");
        abort();
    }
    print_header(f, j);
    print_row(f, j, 0, &cells[0]);
    for (size_t r = 0; r + 1 < j->narms; r++)
        print_row(f, j, rank[r], &cells[rank[r]]);
    fclose(f);
}

/* Events whose blocks print the same share one heading, like run's table. */
static void link_events(struct block *bl, size_t nb)
{
    for (size_t k = 0; k < nb; k++)
        bl[k].next = nb;
    for (size_t k = 0; k < nb; k++) {
        if (!bl[k].rows || !bl[k].w->event || bl[k].follower)
            continue;
        size_t last = k;
        for (size_t i = k + 1; i < nb; i++)
            if (bl[i].rows && bl[i].w->event && !bl[i].follower
                && !strcmp(bl[i].w->metric, bl[k].w->metric)
                && !strcmp(bl[i].rows, bl[k].rows)) {
                bl[last].next = i;
                bl[i].follower = true;
                last = i;
            }
    }
}

/* Writes s wrapped at ~100 columns, continuation lines indented by ind. */
static void wrap_item(FILE *out, size_t *col, size_t ind, bool first,
                      const char *s)
{
    size_t w = strlen(s);
    if (!first && *col + w + 2 > 100) {
        fprintf(out, ",\n%*s", (int)ind, "");
        *col = ind;
    } else if (!first) {
        fputs(", ", out);
        *col += 2;
    }
    fputs(s, out);
    *col += w;
}

static void print_block(FILE *out, const struct job *j, const struct block *all,
                        size_t nb, size_t k, const char *pid)
{
    const struct block *bl = &all[k];
    const struct what *w = bl->w;
    if (!w->event) {
        fprintf(out, "  %s (%s; %s is better)\n%s", w->metric,
                compare_what_unit(j, w, pid), lower_or_higher(w), bl->rows);
        return;
    }
    size_t col = (size_t)fprintf(out, "  %s after ", w->metric), n = 0;
    for (size_t e = k; e < nb; e = all[e].next, n++)
        wrap_item(out, &col, 8, n == 0, all[e].w->event);
    fprintf(out, " (%s%s, mean over members; %s is better)\n%s",
            n > 1 ? "the same for each; " : "", compare_what_unit(j, w, pid),
            lower_or_higher(w), bl->rows);
}

/*
 * One group: the metrics where some arm differs first, then the events
 * (those that read the same under one heading), then, on one line, what
 * every arm ties on.
 */
static void print_group(FILE *out, const struct job *j, uint32_t g,
                        const size_t *rank, struct cell *cells)
{
    const char *gid = j->arms[0].sc.report_groups[g].id;
    const char *pid = compare_group_product(j, g);
    struct what *w;
    size_t nw = compare_group_whats(j, g, false, &w);
    struct block *bl = rp_xcalloc(nw + 1, sizeof *bl);
    for (size_t k = 0; k < nw; k++) {
        bl[k].w = &w[k];
        /*
         * A sweep's table is about shortfall: what is still owed at the
         * horizon, and the output lost on the way (which a backlog caught
         * up before the horizon hides from the first).
         */
        if (j->o->sweep && (w[k].event || (w[k].kind != RP_M_UNMET
                                           && w[k].kind != RP_M_STARVED)))
            continue;
        block_rows(&bl[k], j, gid, pid, rank, cells);
    }
    link_events(bl, nw);
    for (int pass = 0; pass < 2; pass++)    /* group metrics, then events */
        for (size_t k = 0; k < nw; k++)
            if (bl[k].rows && bl[k].differs && !bl[k].follower
                && !bl[k].w->event == !pass)
                print_block(out, j, bl, nw, k, pid);
    size_t col = 0, nties = 0;
    for (size_t k = 0; k < nw; k++) {
        if (!bl[k].rows || bl[k].differs || bl[k].follower)
            continue;
        char item[600];
        snprintf(item, sizeof item, "%s%s%s", bl[k].w->metric,
                 bl[k].w->event ? " after " : "",
                 bl[k].w->event ? bl[k].w->event : "");
        if (!nties)
            col = (size_t)fprintf(out, "  the same in every replication for "
                                  "every %s: ", j->o->sweep ? "point" : "variant");
        wrap_item(out, &col, 4, nties == 0, item);
        for (size_t e = bl[k].next; e < nw; e = bl[e].next)
            wrap_item(out, &col, 4, false, bl[e].w->event);
        nties++;
    }
    if (nties)
        fputc('\n', out);
    for (size_t k = 0; k < nw; k++)
        free(bl[k].rows);
    free(bl);
    free(w);
}

void compare_write_table(FILE *out, const struct job *j)
{
    const struct rp_scenario *sc = &j->arms[0].sc;
    uint32_t *order = rp_xmalloc((sc->nreport_groups + 1) * sizeof *order);
    size_t ng = rp_report_group_order(sc, order);
    size_t *rank = rp_xmalloc(j->narms * sizeof *rank);
    struct cell *cells = rp_xmalloc(j->narms * sizeof *cells);
    struct cell *unmet = rp_xmalloc(j->narms * sizeof *unmet);
    int pct = (int)lround(100 * j->confidence);

    if (j->o->sweep)
        fprintf(out, "ripple sweep: %s, %zu points, %ld replications each, "
                "seed %llu, common random numbers\n", sc->name, j->narms,
                j->reps, (unsigned long long)j->seed);
    else
        fprintf(out, "ripple compare: %s, base and %zu variant%s, %ld "
                "replications each, seed %llu, common random numbers\n",
                sc->name, j->narms - 1, j->narms == 2 ? "" : "s", j->reps,
                (unsigned long long)j->seed);
    fprintf(out, "diff = %s - %s in each replication (paired); +- hw = %d%% "
            "interval half-width;\nbetter = share of replications in which "
            "it did strictly better; unpaired hw = the\nhalf-width two "
            "independent runs would give (Welch); narrower = unpaired / "
            "paired hw;\nmetrics where some %s differs come first; a tie is "
            "the same value in every replication\n",
            j->o->sweep ? "point" : "variant",
            j->o->sweep ? "first point" : "base", pct,
            j->o->sweep ? "point" : "variant");

    for (size_t gi = 0; gi < ng; gi++) {
        uint32_t g = order[gi];
        const char *gid = sc->report_groups[g].id;
        const char *pid = compare_group_product(j, g);
        if (!pid)
            continue;
        struct what uw = { "unmet", NULL, RP_M_UNMET };
        compare_measure(j, gid, pid, &uw, unmet);
        rank_arms(j, unmet[0].have ? unmet : NULL, rank);
        fprintf(out, "\n%s: %s%s\n", gid, pid,
                j->o->sweep ? "" : "; variants ranked by mean change in unmet");
        print_group(out, j, g, rank, cells);
        if (!j->o->sweep)
            print_cost_effect(out, j, gid, pid, rank);
    }
    free(order);
    free(rank);
    free(cells);
    free(unmet);
}
