#define _POSIX_C_SOURCE 200809L
/*
 * compare.c - variants and sweeps on common random numbers.
 *
 * Every arm (the base, a variant, a sweep point) is loaded first, so bad
 * input is reported at once and nothing runs; then each arm runs with the
 * same seed and replication indices, keeping every replication's values.
 * Since every random quantity draws from a stream keyed by (seed,
 * replication, path), replication r of two arms sees the same outages,
 * demands and lead times wherever the arms share a path, and the paired
 * difference arm - reference cancels that shared noise. Reports print the
 * paired interval beside the Welch interval two independent runs would
 * give, so the gain is visible.
 *
 * Values are matched between arms by name, not index: a variant may add or
 * delete events and nodes, which moves every index after them. Memory is
 * arms x replications x values x 8 bytes.
 */
#include "ripple/compare.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/batch.h"
#include "ripple/budget.h"
#include "ripple/cost_effect.h"
#include "ripple/engine.h"
#include "ripple/report.h"
#include "ripple/stats.h"

#define MAX_POINTS 1000                 /* sweep grids beyond this are a typo */

/* One run: the base, a variant or a sweep point. */
struct arm {
    char *label;                /* owned: "base", the variant, "90, 0.5" */
    const char **setvals;       /* sweep: this point's value of each path */
    struct rp_scenario sc;
    struct rp_model *m;
    struct rp_batch b;
    struct rp_provenance prov;
    bool loaded;
    bool ran;
    int status;                 /* rp_batch_run's, once ran */
};

/* One swept path and its values, split from "PATH=V1,V2,...". */
struct axis {
    const char *path;
    char *buf;                  /* owned copy of the values, split in place */
    const char **vals;          /* owned array of pointers into buf */
    size_t nvals;
};

struct job {
    const struct rp_compare_opts *o;
    struct arm *arms;           /* arms[0] is the reference */
    size_t narms;
    struct axis *axes;          /* sweep only */
    size_t naxes;
    double confidence;
    long reps;
    uint64_t seed;
};

/*
 * What a row reports for a group: one of the group's own values, or (for
 * an event) the mean over the group's members of their per-event value,
 * taken per replication so that pairing still holds.
 */
struct what {
    const char *metric;         /* metric name */
    const char *event;          /* NULL: the group's value; else an event id */
    enum rp_metric kind;
};

/* A row's numbers for one arm against the reference arm. */
struct cell {
    bool have;                  /* the arm has the value */
    struct rp_summary s;        /* of the arm's values */
    bool paired;                /* not the reference; both have the value */
    struct rp_summary d;        /* of arm - reference, per replication */
    double better;              /* share of replications strictly better */
    double unpaired_hw;         /* Welch half-width, as if run independently */
};

static bool metric_by_name(const char *name, enum rp_metric *out)
{
    return rp_metric_by_name(name, out) == 0;
}

/*
 * Fills x[0..n) with arm a's per-replication value of w for group gid
 * (product pid). False when the arm has no such value.
 */
static bool values_of(const struct arm *a, const char *gid, const char *pid,
                      const struct what *w, double *x)
{
    const struct rp_value_desc *v = rp_model_values(a->m);
    size_t nv = a->b.nvalues;
    uint32_t g = rp_scenario_report_group(&a->sc, gid);
    if (g == RP_NONE)
        return false;
    if (!w->event) {
        char name[512];
        snprintf(name, sizeof name, "groups.%s.%s.%s", gid, pid, w->metric);
        size_t i = rp_value_index(a->m, name);
        if (i == SIZE_MAX)
            return false;
        for (long r = 0; r < a->b.n; r++)
            x[r] = a->b.values[(size_t)r * nv + i];
        return true;
    }
    uint32_t e = rp_scenario_event(&a->sc, w->event);
    if (e == RP_NONE)
        return false;
    const struct rp_report_group *rg = &a->sc.report_groups[g];
    size_t *idx = rp_xmalloc((rg->nnodes + 1) * sizeof *idx);
    size_t nidx = 0;
    for (size_t k = 0; k < rg->nnodes; k++)
        for (size_t i = 0; i < nv; i++)
            if (v[i].scope == RP_SCOPE_EVENT && v[i].owner == e
                && v[i].node == rg->nodes[k] && v[i].metric == w->kind) {
                idx[nidx++] = i;
                break;
            }
    for (long r = 0; r < a->b.n && nidx; r++) {
        double sum = 0;
        for (size_t k = 0; k < nidx; k++)
            sum += a->b.values[(size_t)r * nv + idx[k]];
        x[r] = sum / (double)nidx;
    }
    free(idx);
    return nidx > 0;
}

static void summarize(const double *x, long n, double confidence,
                      struct rp_summary *s)
{
    struct rp_acc acc;
    rp_acc_init(&acc, RP_ACC_EXACT);
    for (long r = 0; r < n; r++)
        rp_acc_add(&acc, x[r]);
    rp_acc_summarize(&acc, confidence, s);
    rp_acc_release(&acc);
}

/*
 * Fills cells[0..narms) for w in group gid: each arm's summary and, for
 * arms after the reference, the paired difference to it.
 */
static void measure(const struct job *j, const char *gid, const char *pid,
                    const struct what *w, struct cell *cells)
{
    long n = j->arms[0].b.n;
    double *ref = rp_xmalloc(((size_t)n + 1) * sizeof *ref);
    double *x = rp_xmalloc(((size_t)n + 1) * sizeof *x);
    bool have_ref = false;

    for (size_t a = 0; a < j->narms; a++) {
        struct cell *c = &cells[a];
        memset(c, 0, sizeof *c);
        c->better = NAN;
        c->unpaired_hw = NAN;
        assert(j->arms[a].b.n == n);    /* all arms ran the same replications */
        c->have = values_of(&j->arms[a], gid, pid, w, a ? x : ref);
        if (!c->have)
            continue;
        summarize(a ? x : ref, n, j->confidence, &c->s);
        if (a == 0) {
            have_ref = true;
            continue;
        }
        if (!have_ref)
            continue;
        struct rp_paired p;
        rp_paired_init(&p, RP_ACC_EXACT);
        int lower = rp_metric_lower_is_better(w->kind);
        for (long r = 0; r < n; r++)
            rp_paired_add(&p, ref[r], x[r], lower);
        rp_acc_summarize(&p.diff, j->confidence, &c->d);
        c->better = n > 0 ? (double)p.better / (double)n : NAN;
        c->unpaired_hw = rp_welch_halfwidth(&cells[0].s, &c->s, j->confidence);
        c->paired = true;
        rp_paired_release(&p);
    }
    free(ref);
    free(x);
}

/* ------------------------------------------------------------ what rows */

/* Report groups in print order: report.lead first, then the file's. */
static size_t group_order(const struct rp_scenario *sc, uint32_t *order)
{
    return rp_report_group_order(sc, order);
}

static void push_what(struct what **w, size_t *n, const char *metric,
                      const char *event)
{
    enum rp_metric kind;
    if (!metric_by_name(metric, &kind))
        return;
    *w = rp_xrealloc(*w, (*n + 1) * sizeof **w);
    (*w)[(*n)++] = (struct what){ metric, event, kind };
}

static bool base_has_group_metric(const struct job *j, uint32_t g,
                                  const char *metric)
{
    const struct rp_model *m = j->arms[0].m;
    const struct rp_value_desc *v = rp_model_values(m);
    for (size_t i = 0; i < rp_model_nvalues(m); i++)
        if (v[i].scope == RP_SCOPE_GROUP && v[i].owner == g
            && !strcmp(rp_metric_name(v[i].metric), metric))
            return true;
    return false;
}

/*
 * The rows of group g. The table shows the key metrics and the base's
 * events; files get every group metric and every arm's events.
 */
static size_t group_whats(const struct job *j, uint32_t g, bool all,
                          struct what **out)
{
    static const char *const key[] = { "unmet", "produced", "fill_rate",
                                        "starved", "cost" };
    const struct rp_model *m = j->arms[0].m;
    const struct rp_value_desc *v = rp_model_values(m);
    struct what *w = NULL;
    size_t n = 0;

    if (all) {
        for (size_t i = 0; i < rp_model_nvalues(m); i++)
            if (v[i].scope == RP_SCOPE_GROUP && v[i].owner == g)
                push_what(&w, &n, rp_metric_name(v[i].metric), NULL);
    } else {
        for (size_t k = 0; k < sizeof key / sizeof *key; k++)
            if (base_has_group_metric(j, g, key[k]))
                push_what(&w, &n, key[k], NULL);
    }
    size_t narms = all ? j->narms : 1;
    for (size_t a = 0; a < narms; a++) {
        const struct rp_scenario *sc = &j->arms[a].sc;
        for (size_t e = 0; e < sc->nevents; e++) {
            bool seen = false;
            for (size_t k = 0; k < n && !seen; k++)
                seen = w[k].event && !strcmp(w[k].event, sc->events[e].id);
            if (seen)
                continue;
            push_what(&w, &n, "tts", sc->events[e].id);
            push_what(&w, &n, "ttr", sc->events[e].id);
        }
    }
    *out = w;
    return n;
}

static const char *group_product(const struct job *j, uint32_t g)
{
    uint32_t p = rp_model_group_product(j->arms[0].m, g);
    return p == RP_NONE ? NULL : j->arms[0].sc.products[p].id;
}

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

static const char *what_unit(const struct job *j, const struct what *w,
                             const char *pid)
{
    const struct rp_scenario *sc = &j->arms[0].sc;
    return rp_unit_label(sc, w->kind, rp_scenario_product(sc, pid));
}

static const char *lower_or_higher(const struct what *w)
{
    return rp_metric_lower_is_better(w->kind) ? "lower" : "higher";
}

/*
 * Arm a's cost per unit of group gid's unmet avoided against the reference
 * (cost_effect.h); false when either arm has no cost for the group.
 */
static bool cost_effect_of(const struct job *j, size_t a, const char *gid,
                           const char *pid, struct rp_cost_effect *ce)
{
    long n = j->arms[0].b.n;
    struct what cw = { "cost", NULL, RP_M_COST }, uw = { "unmet", NULL, RP_M_UNMET };
    double *x = rp_xmalloc(4 * ((size_t)n + 1) * sizeof *x);
    double *cb = x, *ca = x + n + 1, *ub = ca + n + 1, *ua = ub + n + 1;
    bool have = values_of(&j->arms[0], gid, pid, &cw, cb)
             && values_of(&j->arms[a], gid, pid, &cw, ca)
             && values_of(&j->arms[0], gid, pid, &uw, ub)
             && values_of(&j->arms[a], gid, pid, &uw, ua);
    if (have)
        rp_cost_effect(cb, ca, ub, ua, n, j->confidence, ce);
    free(x);
    return have;
}

static void print_cost_effect(FILE *out, const struct job *j, const char *gid,
                              const char *pid, const size_t *rank)
{
    struct rp_cost_effect ce;
    if (j->narms < 2 || !cost_effect_of(j, rank[0], gid, pid, &ce))
        return;
    const struct rp_scenario *sc = &j->arms[0].sc;
    fprintf(out, "  cost per %s of unmet avoided (%s; paired: extra cost / "
            "unmet avoided)\n", rp_unit_label(sc, RP_M_UNMET,
                                              rp_scenario_product(sc, pid)),
            rp_unit_label(sc, RP_M_COST, RP_NONE));
    for (size_t r = 0; r + 1 < j->narms; r++) {
        print_label(out, j, rank[r]);
        cost_effect_of(j, rank[r], gid, pid, &ce);
        if (isnan(ce.per_unit))
            fprintf(out, " avoids none (unmet avoided %.4g)\n", ce.avoided.mean);
        else
            fprintf(out, " %10.4g  [%.4g, %.4g]\n", ce.per_unit, ce.per_unit_lo,
                    ce.per_unit_hi);
    }
}

static void print_table(FILE *out, const struct job *j)
{
    const struct rp_scenario *sc = &j->arms[0].sc;
    uint32_t *order = rp_xmalloc((sc->nreport_groups + 1) * sizeof *order);
    size_t ng = group_order(sc, order);
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
        const char *pid = group_product(j, g);
        if (!pid)
            continue;
        struct what *w;
        size_t nw = group_whats(j, g, false, &w);
        struct what uw = { "unmet", NULL, RP_M_UNMET };
        measure(j, gid, pid, &uw, unmet);
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
            measure(j, gid, pid, &w[k], cells);
            bool any = false;
            for (size_t a = 0; a < j->narms; a++)
                any |= cells[a].have;
            if (!any)
                continue;
            if (w[k].event)
                fprintf(out, "  %s after %s (%s, mean over members; %s is "
                        "better)\n", w[k].metric, w[k].event,
                        what_unit(j, &w[k], pid),
                        lower_or_higher(&w[k]));
            else
                fprintf(out, "  %s (%s; %s is better)\n", w[k].metric,
                        what_unit(j, &w[k], pid),
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

/* ------------------------------------------------------------ CSV, JSON */


/* A CSV number: empty for NaN, so spreadsheets see a blank, not "null". */
static void csv_num(FILE *out, double x)
{
    fputc(',', out);
    if (isfinite(x))
        rp_json_num(out, x);
}


/* Tidy rows: one per arm, group, metric. */
static void write_csv(FILE *out, const void *ctx)
{
    const struct job *j = ctx;
    const struct rp_scenario *sc = &j->arms[0].sc;
    uint32_t *order = rp_xmalloc((sc->nreport_groups + 1) * sizeof *order);
    size_t ng = group_order(sc, order);
    struct cell *cells = rp_xmalloc(j->narms * sizeof *cells);

    if (j->o->sweep) {
        fputs("point", out);
        for (size_t k = 0; k < j->naxes; k++) {
            fputc(',', out);
            rp_csv_field(out, j->axes[k].path);
        }
    } else {
        fputs("variant", out);
    }
    fputs(",run,group,product,metric,unit,mean,ci_lo,ci_hi,diff_mean,"
          "diff_ci_lo,diff_ci_hi,better,unpaired_hw\n", out);
    for (size_t gi = 0; gi < ng; gi++) {
        uint32_t g = order[gi];
        const char *gid = sc->report_groups[g].id;
        const char *pid = group_product(j, g);
        if (!pid)
            continue;
        struct what *w;
        size_t nw = group_whats(j, g, true, &w);
        for (size_t k = 0; k < nw; k++) {
            measure(j, gid, pid, &w[k], cells);
            for (size_t a = 0; a < j->narms; a++) {
                const struct cell *c = &cells[a];
                if (!c->have)
                    continue;
                if (j->o->sweep) {
                    fprintf(out, "%zu", a);
                    for (size_t x = 0; x < j->naxes; x++) {
                        fputc(',', out);
                        rp_csv_field(out, rp_value_text(j->arms[a].setvals[x]));
                    }
                } else {
                    rp_csv_field(out, j->arms[a].label);
                }
                fputc(',', out);
                rp_csv_field(out, j->arms[a].prov.run);
                char metric[512];
                snprintf(metric, sizeof metric, "%s%s%s", w[k].metric,
                         w[k].event ? "." : "", w[k].event ? w[k].event : "");
                fputc(',', out);
                rp_csv_field(out, gid);
                fputc(',', out);
                rp_csv_field(out, pid);
                fputc(',', out);
                rp_csv_field(out, metric);
                fputc(',', out);
                rp_csv_field(out, what_unit(j, &w[k], pid));
                csv_num(out, c->s.mean);
                csv_num(out, c->s.ci_lo);
                csv_num(out, c->s.ci_hi);
                csv_num(out, c->paired ? c->d.mean : NAN);
                csv_num(out, c->paired ? c->d.ci_lo : NAN);
                csv_num(out, c->paired ? c->d.ci_hi : NAN);
                csv_num(out, c->paired ? c->better : NAN);
                csv_num(out, c->paired ? c->unpaired_hw : NAN);
                fputc('\n', out);
            }
        }
        free(w);
    }
    free(order);
    free(cells);
}

struct member_ctx {
    const struct job *j;
    size_t arm;
};

/*
 * "cost_per_avoided": {"<group>": {"mean", "ci", "unit"}} of arm a against
 * the reference, for the groups with costs (mean null: avoids none).
 */
static void json_cost_effect(FILE *out, const struct job *j, size_t a)
{
    const struct rp_scenario *sc = &j->arms[0].sc;
    bool first = true;
    for (uint32_t g = 0; g < sc->nreport_groups; g++) {
        const char *pid = group_product(j, g);
        struct rp_cost_effect ce;
        if (!pid || !cost_effect_of(j, a, sc->report_groups[g].id, pid, &ce))
            continue;
        fputs(first ? ",\n  \"cost_per_avoided\": {" : ", ", out);
        first = false;
        rp_json_str(out, sc->report_groups[g].id);
        fputs(": {\"mean\": ", out);
        rp_json_num(out, ce.per_unit);
        fputs(", \"ci\": [", out);
        rp_json_num(out, ce.per_unit_lo);
        fputs(", ", out);
        rp_json_num(out, ce.per_unit_hi);
        fputs("], \"unit\": ", out);
        char unit[256];
        snprintf(unit, sizeof unit, "%s/%s", rp_unit_label(sc, RP_M_COST, RP_NONE),
                 rp_unit_label(sc, RP_M_UNMET, rp_scenario_product(sc, pid)));
        rp_json_str(out, unit);
        fputs("}", out);
    }
    if (!first)
        fputs("}", out);
}

/* The members compare and sweep add to an arm's run object. */
static void extra_members(FILE *out, const void *ctx)
{
    const struct member_ctx *mc = ctx;
    const struct job *j = mc->j;
    if (j->o->sweep) {
        fputs(",\n  \"set\": {", out);
        for (size_t k = 0; k < j->naxes; k++) {
            fputs(k ? ", " : "", out);
            rp_json_str(out, j->axes[k].path);
            fputs(": ", out);
            rp_json_str(out, rp_value_text(j->arms[mc->arm].setvals[k]));
        }
        fputs("}", out);
    }
    if (mc->arm > 0) {
        fputs(",\n  \"diff\": ", out);
        rp_report_json_diff(out, &j->arms[0].b, &j->arms[mc->arm].b);
        json_cost_effect(out, j, mc->arm);
    }
}

/*
 * compare: {"base": <run>, "variants": {"<id>": <run + "diff">}}
 * sweep:   {"paths": [...], "points": [<run + "set" (+ "diff" after the
 *          first point)>]}
 */
static void write_json(FILE *out, const void *ctx)
{
    const struct job *j = ctx;
    if (j->o->sweep) {
        fputs("{\"paths\": [", out);
        for (size_t k = 0; k < j->naxes; k++) {
            fputs(k ? ", " : "", out);
            rp_json_str(out, j->axes[k].path);
        }
        fputs("],\n\"points\": [", out);
        for (size_t a = 0; a < j->narms; a++) {
            struct member_ctx mc = { j, a };
            fputs(a ? ",\n" : "\n", out);
            rp_report_json_ex(out, &j->arms[a].b, &j->arms[a].prov,
                              extra_members, &mc);
        }
        fputs("]}\n", out);
        return;
    }
    struct member_ctx mc0 = { j, 0 };
    fputs("{\"base\": ", out);
    rp_report_json_ex(out, &j->arms[0].b, &j->arms[0].prov, NULL, &mc0);
    fputs(",\n\"variants\": {", out);
    for (size_t a = 1; a < j->narms; a++) {
        struct member_ctx mc = { j, a };
        fputs(a > 1 ? ",\n" : "\n", out);
        rp_json_str(out, j->arms[a].label);
        fputs(": ", out);
        rp_report_json_ex(out, &j->arms[a].b, &j->arms[a].prov, extra_members,
                          &mc);
    }
    fputs("}}\n", out);
}

/* Every arm's replications, each row naming its arm and run. */
static void write_replications(FILE *out, const void *ctx)
{
    const struct job *j = ctx;
    rp_report_csv_header(out, &j->arms[0].prov);
    for (size_t k = 0; k < j->narms; k++) {
        const struct arm *a = &j->arms[k];
        for (long r = 0; r < a->b.n; r++)
            rp_report_csv_rows(out, &a->prov, a->m, a->b.first_rep + r,
                               &a->b.values[(size_t)r * a->b.nvalues]);
    }
}

/* provenance.json: one run per arm, in arm order. */
static int write_provenance(const struct job *j)
{
    const struct rp_provenance **pv = rp_xcalloc(j->narms, sizeof *pv);
    const struct rp_batch **bv = rp_xcalloc(j->narms, sizeof *bv);
    for (size_t a = 0; a < j->narms; a++) {
        pv[a] = &j->arms[a].prov;
        bv[a] = &j->arms[a].b;
    }
    int rc = rp_provenance_write(j->o->out_dir,
                                 j->o->sweep ? "sweep" : "compare", pv, bv,
                                 j->narms);
    free(pv);
    free(bv);
    return rc;
}

static int write_dir(const struct job *j)
{
    const char *dir = j->o->out_dir;
    const struct arm *ref = &j->arms[0];
    int rc = 0;
    if (rp_make_dir(dir))
        return -1;
    rc |= rp_write_file(dir, j->o->sweep ? "sweep.json" : "compare.json",
                     write_json, j);
    rc |= rp_write_file(dir, j->o->sweep ? "sweep.csv" : "compare.csv",
                     write_csv, j);
    rc |= rp_write_file(dir, "replications.csv", write_replications, j);
    rc |= rp_report_write_files(dir, &ref->b, &ref->prov);
    rc |= write_provenance(j);
    return rc ? -1 : 0;
}

/* ---------------------------------------------------------- load and run */

/* Adds the entries of d not yet in all (sweep points repeat them). */
static void merge_diag(struct rp_diag *all, const struct rp_diag *d)
{
    for (size_t i = 0; i < d->len; i++) {
        const struct rp_diag_entry *e = &d->entries[i];
        bool dup = false;
        for (size_t k = 0; k < all->len && !dup; k++) {
            const struct rp_diag_entry *f = &all->entries[k];
            dup = f->line == e->line && f->col == e->col
               && !strcmp(f->message, e->message)
               && !strcmp(f->file ? f->file : "", e->file ? e->file : "");
        }
        if (!dup)
            rp_diag_at(all, (struct rp_loc){ e->file, e->line, e->col }, "%s",
                       e->message);
    }
}

/*
 * Strict (every variant of the file checked too, as run and validate do)
 * for compare's base, so a variant arm is one that load checked already.
 * A sweep point loads plainly: the file was checked strictly once before
 * the points, as written (a swept path may be one a variant deletes).
 */
static int load_arm(struct arm *a, const struct rp_compare_opts *o,
                    const char *variant, const struct rp_override *ov,
                    size_t nov, struct rp_diag *all)
{
    struct rp_diag d;
    struct rp_load_opts lo = { .variant = variant, .overrides = ov,
                               .noverrides = nov,
                               .max_file_size = o->max_file_size };
    rp_diag_init(&d);
    int rc = variant || o->sweep
                 ? rp_scenario_load(&a->sc, o->file, &lo, &d)
                 : rp_scenario_load_strict(&a->sc, o->file, &lo, &d);
    if (!rc && rp_model_check(&a->sc, &d)) {
        rp_scenario_release(&a->sc);
        rc = -1;
    }
    if (rc)
        merge_diag(all, &d);
    else
        a->loaded = true;
    rp_diag_release(&d);
    return rc;
}

static struct arm *add_arm(struct job *j, const char *label)
{
    j->arms = rp_xrealloc(j->arms, (j->narms + 1) * sizeof *j->arms);
    struct arm *a = &j->arms[j->narms++];
    memset(a, 0, sizeof *a);
    a->label = rp_xstrdup(label);
    return a;
}

/* Splits each --set PATH=V1,V2,... into an axis; -1 on an empty value. */
static int make_axes(struct job *j)
{
    const struct rp_compare_opts *o = j->o;
    j->axes = rp_xcalloc(o->nsets + 1, sizeof *j->axes);
    for (size_t k = 0; k < o->nsets; k++) {
        struct axis *ax = &j->axes[j->naxes++];
        ax->path = o->sets[k].path;
        ax->buf = rp_xstrdup(o->sets[k].value);
        for (char *p = ax->buf;; p++) {
            char *comma = strchr(p, ',');
            if (comma)
                *comma = '\0';
            while (*p == ' ')
                p++;
            for (char *e = p + strlen(p); e > p && e[-1] == ' ';)
                *--e = '\0';
            if (!*p) {
                fprintf(stderr, "ripple: --set %s has an empty value in '%s'\n",
                        ax->path, o->sets[k].value);
                return -1;
            }
            ax->vals = rp_xrealloc(ax->vals,
                                   (ax->nvals + 1) * sizeof *ax->vals);
            ax->vals[ax->nvals++] = p;
            if (!comma)
                break;
            p = comma;
        }
    }
    return 0;
}

/* Loads every arm: base and variants, or the sweep grid. */
static int load_all(struct job *j, struct rp_diag *all)
{
    const struct rp_compare_opts *o = j->o;
    int bad = 0;

    if (o->sweep) {
        size_t npoints = 1;
        for (size_t k = 0; k < j->naxes; k++) {
            npoints *= j->axes[k].nvals;
            if (npoints > MAX_POINTS) {
                fprintf(stderr, "ripple: a sweep of more than %d points is "
                        "too many\n", MAX_POINTS);
                return -1;
            }
        }
        struct arm check = { 0 };
        struct rp_compare_opts strict = *o;
        strict.sweep = false;
        if (load_arm(&check, &strict, NULL, NULL, 0, all))
            return -1;
        rp_scenario_release(&check.sc);
        struct rp_override *ov = rp_xcalloc(j->naxes + 1, sizeof *ov);
        for (size_t p = 0; p < npoints; p++) {
            /* point p in row-major order: the last path varies fastest */
            size_t rest = p, len = 0;
            char label[1024] = "";
            const char **vals = rp_xcalloc(j->naxes + 1, sizeof *vals);
            for (size_t k = j->naxes; k-- > 0;) {
                vals[k] = j->axes[k].vals[rest % j->axes[k].nvals];
                rest /= j->axes[k].nvals;
            }
            for (size_t k = 0; k < j->naxes; k++) {
                ov[k] = (struct rp_override){ j->axes[k].path, vals[k] };
                len += (size_t)snprintf(label + len, len < sizeof label
                                        ? sizeof label - len : 0, "%s%s",
                                        k ? ", " : "", rp_value_text(vals[k]));
            }
            struct arm *a = add_arm(j, label);
            a->setvals = vals;
            bad |= load_arm(a, o, NULL, ov, j->naxes, all);
        }
        free(ov);
        return bad ? -1 : 0;
    }

    struct arm *base = add_arm(j, "base");
    if (load_arm(base, o, NULL, o->sets, o->nsets, all))
        return -1;
    /* copy the names: arms[] moves as it grows, and the base owns them */
    size_t nnames = o->nvariants ? o->nvariants : base->sc.nvariants;
    const char **names = rp_xcalloc(nnames + 1, sizeof *names);
    for (size_t i = 0; i < nnames; i++)
        names[i] = o->nvariants ? o->variants[i] : base->sc.variants[i];
    for (size_t i = 0; i < nnames; i++) {
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++)
            dup = !strcmp(names[k], names[i]);
        if (dup)
            continue;
        struct arm *a = add_arm(j, names[i]);
        bad |= load_arm(a, o, names[i], o->sets, o->nsets, all);
    }
    free(names);
    return bad ? -1 : 0;
}

static void arm_opts(const struct job *j, struct rp_batch_opts *bo)
{
    rp_batch_opts_default(bo);
    bo->replications = j->reps;
    bo->seed = j->seed;
    bo->threads = j->o->threads;
    bo->keep_values = true;
    bo->progress = j->o->progress;
    bo->stop = j->o->stop;
    bo->ranks = j->o->ranks;
}

/* Builds every arm's model and lets o->check refuse the job; 0 or its status. */
static int build_all(struct job *j)
{
    for (size_t a = 0; a < j->narms; a++) {
        struct rp_batch_opts bo;
        arm_opts(j, &bo);
        j->arms[a].m = rp_model_new(&j->arms[a].sc);
        int rc = j->o->check ? j->o->check(j->o->check_ctx, j->arms[a].m, &bo,
                                           j->narms)
                             : 0;
        if (rc)
            return rc;
    }
    return 0;
}

static void run_all(struct job *j)
{
    for (size_t a = 0; a < j->narms; a++) {
        struct arm *arm = &j->arms[a];
        struct rp_batch_opts bo;
        arm_opts(j, &bo);
        if (j->o->progress)
            fprintf(stderr, "ripple: %s (%zu of %zu)\n", arm->label, a + 1,
                    j->narms);
        rp_provenance_init(&arm->prov, &arm->sc, j->seed);
        if (j->o->sweep)
            rp_provenance_point(&arm->prov, a);
        bo.max_rep_events = rp_budget_rep_events(arm->m, j->o->max_rep_events);
        arm->status = rp_batch_run(&arm->b, arm->m, &bo);
        arm->ran = true;
        if (arm->status == RP_BATCH_OVER_BUDGET) {
            rp_budget_say_over(stderr, &arm->b, bo.max_rep_events);
            break;
        }
        if (arm->status != RP_BATCH_DONE)
            break;
    }
}

static void job_release(struct job *j)
{
    for (size_t a = 0; a < j->narms; a++) {
        struct arm *arm = &j->arms[a];
        if (arm->ran)
            rp_batch_release(&arm->b);
        if (arm->m)
            rp_model_free(arm->m);
        if (arm->loaded)
            rp_scenario_release(&arm->sc);
        free(arm->setvals);
        free(arm->label);
    }
    free(j->arms);
    for (size_t k = 0; k < j->naxes; k++) {
        free(j->axes[k].buf);
        free(j->axes[k].vals);
    }
    free(j->axes);
}

int rp_compare_main(const struct rp_compare_opts *o)
{
    struct job j = { .o = o };
    struct rp_diag all;
    int rc = 2;

    rp_diag_init(&all);
    if (o->report && !o->out_dir) {
        fprintf(stderr, "ripple: --report needs --out DIR\n");
        goto out;
    }
    if (o->sweep) {
        if (o->nvariants) {
            fprintf(stderr, "ripple: sweep takes no variant names ('%s')\n",
                    o->variants[0]);
            goto out;
        }
        if (!o->nsets) {
            fprintf(stderr, "ripple: sweep needs --set PATH=V1,V2,...\n");
            goto out;
        }
        if (make_axes(&j))
            goto out;
    }
    if (load_all(&j, &all)) {
        if (rp_diag_count(&all)) {
            rp_diag_print(&all, stderr);
            fprintf(stderr, "ripple: %zu error%s in %s; nothing was run\n",
                    rp_diag_count(&all), rp_diag_count(&all) == 1 ? "" : "s",
                    o->file);
        }
        goto out;
    }

    const struct rp_scenario *ref = &j.arms[0].sc;
    j.confidence = ref->confidence;
    j.reps = o->reps > 0 ? o->reps : ref->replications;
    j.seed = o->have_seed ? o->seed : ref->seed;
    rc = build_all(&j);
    if (rc)
        goto out;
    run_all(&j);
    if (o->stop && *o->stop) {          /* the caller says what was stopped */
        rc = 1;
        goto out;
    }
    for (size_t a = 0; a < j.narms; a++)
        if (j.arms[a].ran && j.arms[a].status != RP_BATCH_DONE) {
            rc = 1;                     /* over budget, said in run_all */
            goto out;
        }
    if (o->ranks && o->ranks->rank != 0) {
        rc = 0;                         /* MPI: rank 0 alone holds the results */
        goto out;
    }

    /* files first: a reader of stdout that stops early must not lose them */
    rc = 0;
    if (o->out_dir) {
        if (write_dir(&j))
            rc = 1;
        else if (o->report && rp_plot_report(o->out_dir))
            rc = 1;
    }
    if (!strcmp(o->format, "json"))
        write_json(stdout, &j);
    else if (!strcmp(o->format, "csv"))
        write_csv(stdout, &j);
    else
        print_table(stdout, &j);
    if (o->out_dir) {
        if (!rc && !strcmp(o->format, "table"))
            printf("\nwrote %s/%s.json, %s.csv, provenance.json, "
                   "replications.csv (every %s) and the %s's summary.json, "
                   "%sevents.csv, groups.csv%s\n",
                   o->out_name ? o->out_name : o->out_dir,
                   o->sweep ? "sweep" : "compare",
                   o->sweep ? "sweep" : "compare",
                   o->sweep ? "point" : "variant",
                   o->sweep ? "first point" : "base",
                   rp_model_series_len(j.arms[0].m) ? "series.csv, " : "",
                   o->report ? ", report.html" : "");
    }
out:
    rp_diag_release(&all);
    job_release(&j);
    return rc;
}
