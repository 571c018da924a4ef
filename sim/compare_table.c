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

static void print_row(FILE *out, const struct job *j, size_t a,
                      const struct cell *c)
{
    print_label(out, j, a);
    if (!c->have) {
        fprintf(out, " %10s\n", "-");
        return;
    }
    fprintf(out, " %10.4g +- %-9.4g", c->s.mean, c->s.hw);
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
            "paired hw\n", j->o->sweep ? "point" : "variant",
            j->o->sweep ? "first point" : "base", pct);

    for (size_t gi = 0; gi < ng; gi++) {
        uint32_t g = order[gi];
        const char *gid = sc->report_groups[g].id;
        const char *pid = compare_group_product(j, g);
        if (!pid)
            continue;
        struct what *w;
        size_t nw = compare_group_whats(j, g, false, &w);
        struct what uw = { "unmet", NULL, RP_M_UNMET };
        compare_measure(j, gid, pid, &uw, unmet);
        rank_arms(j, unmet[0].have ? unmet : NULL, rank);
        fprintf(out, "\n%s: %s%s\n", gid, pid,
                j->o->sweep ? "" : "; variants ranked by mean change in unmet");
        for (size_t k = 0; k < nw; k++) {
            /*
             * A sweep's table is about shortfall: what is still owed at the
             * horizon, and the output lost on the way (which a backlog
             * caught up before the horizon hides from the first).
             */
            if (j->o->sweep && (w[k].event || (w[k].kind != RP_M_UNMET
                                               && w[k].kind != RP_M_STARVED)))
                continue;
            compare_measure(j, gid, pid, &w[k], cells);
            bool any = false;
            for (size_t a = 0; a < j->narms; a++)
                any |= cells[a].have;
            if (!any)
                continue;
            if (w[k].event)
                fprintf(out, "  %s after %s (%s, mean over members; %s is "
                        "better)\n", w[k].metric, w[k].event,
                        compare_what_unit(j, &w[k], pid),
                        lower_or_higher(&w[k]));
            else
                fprintf(out, "  %s (%s; %s is better)\n", w[k].metric,
                        compare_what_unit(j, &w[k], pid),
                        lower_or_higher(&w[k]));
            print_header(out, j);
            print_row(out, j, 0, &cells[0]);
            for (size_t r = 0; r + 1 < j->narms; r++)
                print_row(out, j, rank[r], &cells[rank[r]]);
        }
        if (!j->o->sweep)
            print_cost_effect(out, j, gid, pid, rank);
        free(w);
    }
    free(order);
    free(rank);
    free(cells);
    free(unmet);
}
