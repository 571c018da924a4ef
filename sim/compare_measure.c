#define _POSIX_C_SOURCE 200809L
/*
 * compare_measure.c - a compare row's numbers: each arm's values of one
 * metric, their summaries and the paired differences to the reference.
 *
 * Since every random quantity draws from a stream keyed by (seed,
 * replication, path), replication r of two arms sees the same outages,
 * demands and lead times wherever the arms share a path, and the paired
 * difference arm - reference cancels that shared noise. Every writer
 * (table, CSV, JSON) takes its numbers from here, so they cannot disagree.
 */
#include "compare_impl.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/report.h"

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
 * Makes x[r] ref[r] wherever the two differ by rounding alone. A variant
 * that adds a node or reorders a group sums the same amounts in another
 * order, which moves the last bits (1e-13 on a shortfall of 200): shown as
 * a difference, and counted as "better" in some replications, that noise
 * would hide a tie. RP_COMPARE_TIE_REL is far above what a sum's rounding
 * reaches (n x 1.1e-16 for n terms) and far below any difference the
 * tables can print (4 significant digits).
 */
static void snap_ties(const double *ref, double *x, long n)
{
    for (long r = 0; r < n; r++) {
        double scale = fmax(fabs(ref[r]), fabs(x[r]));
        if (x[r] != ref[r] && fabs(x[r] - ref[r]) <= RP_COMPARE_TIE_REL * scale)
            x[r] = ref[r];
    }
}

/*
 * Fills cells[0..narms) for w in group gid: each arm's summary and, for
 * arms after the reference, the paired difference to it.
 */
void compare_measure(const struct job *j, const char *gid, const char *pid,
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
        if (a > 0 && have_ref)
            snap_ties(ref, x, n);
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
size_t compare_group_whats(const struct job *j, uint32_t g, bool all,
                          struct what **out)
{
    static const char *const key[] = { "unmet", "produced", "fill_rate",
                                        "starved", "spend", "holding",
                                        "shortage", "policy", "cost" };
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

const char *compare_group_product(const struct job *j, uint32_t g)
{
    uint32_t p = rp_model_group_product(j->arms[0].m, g);
    return p == RP_NONE ? NULL : j->arms[0].sc.products[p].id;
}

const char *compare_what_unit(const struct job *j, const struct what *w,
                             const char *pid)
{
    const struct rp_scenario *sc = &j->arms[0].sc;
    return rp_unit_label(sc, w->kind, rp_scenario_product(sc, pid));
}

/*
 * Arm a's cost per unit of group gid's unmet avoided against the reference
 * (cost_effect.h); false when either arm has no cost for the group.
 */
bool compare_cost_effect(const struct job *j, size_t a, const char *gid,
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
