#define _POSIX_C_SOURCE 200809L
/*
 * report_table.c - the text table of `ripple run` on stdout.
 *
 * Per report group (the lead first): the shortfall of each member and the
 * total, the cost line when the scenario prices anything, and survival and
 * recovery after each event, each distinct block once. Then the calendar
 * periods (periods.c), or every node's main figures when there are no
 * groups. It reads only the batch's accumulators.
 */
#include "ripple/report.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/diag.h"
#include "ripple/periods.h"

#ifndef RP_VERSION
#define RP_VERSION "0"
#endif

/* Index of the value (scope, owner, node, product, metric), or SIZE_MAX. */
static size_t find_value(const struct rp_model *m, enum rp_scope scope,
                         uint32_t owner, uint32_t node, uint32_t product,
                         enum rp_metric metric)
{
    const struct rp_value_desc *v = rp_model_values(m);
    for (size_t i = 0; i < rp_model_nvalues(m); i++)
        if (v[i].scope == scope && v[i].owner == owner && v[i].metric == metric
            && (scope == RP_SCOPE_EVENT ? v[i].node == node : v[i].product == product))
            return i;
    return SIZE_MAX;
}

/*
 * One member's (or the total's) row; true when its interval was cut at 0:
 * the t interval of a rare shortfall reaches below zero, which a
 * shortfall cannot (the report page cuts it the same way).
 */
static bool table_row(FILE *out, const struct rp_batch *b, const char *label,
                      size_t unmet, size_t produced, size_t starved, size_t fill,
                      const char *binds)
{
    const struct rp_scenario *sc = rp_model_scenario(b->model);
    struct rp_summary s, p, f, st;
    rp_acc_summarize(&b->acc[unmet], sc->confidence, &s);
    bool cut = s.ci_lo < 0;
    fprintf(out, "  %-26s %11.4g  [", label, s.mean);
    if (cut)
        fprintf(out, "%10s", "0*");
    else
        fprintf(out, "%10.4g", s.ci_lo);
    fprintf(out, ", %10.4g] %10.4g %8.3f", s.ci_hi, s.p95, s.p_pos);
    if (produced != SIZE_MAX) {
        rp_acc_summarize(&b->acc[produced], sc->confidence, &p);
        fprintf(out, " %11.4g", p.mean);
    } else {
        fprintf(out, " %11s", "-");
    }
    if (starved != SIZE_MAX) {
        rp_acc_summarize(&b->acc[starved], sc->confidence, &st);
        fprintf(out, " %10.4g", st.mean);
    } else {
        fprintf(out, " %10s", "-");
    }
    if (fill != SIZE_MAX) {
        rp_acc_summarize(&b->acc[fill], sc->confidence, &f);
        fprintf(out, " %7.3f", f.mean);
    } else {
        fprintf(out, " %7s", "-");
    }
    fprintf(out, "  %s\n", binds);
    return cut;
}

/*
 * Adds node n's mean output lost for want of each input (its input
 * holdings' starved: each unit lost is charged to the input that ran out)
 * into by_input[product].
 */
static void add_starved_inputs(const struct rp_batch *b, uint32_t n,
                               uint32_t made, double *by_input)
{
    const struct rp_model *m = b->model;
    const struct rp_value_desc *v = rp_model_values(m);
    for (size_t i = 0; i < rp_model_nvalues(m); i++)
        if (v[i].scope == RP_SCOPE_NODE && v[i].owner == n
            && v[i].metric == RP_M_STARVED && v[i].product != made
            && v[i].product != RP_NONE)
            by_input[v[i].product] += b->acc[i].mean;
}

/* "separator 62%": the input that cost the most output and its share; "-" if none. */
static void binds_text(char *buf, size_t cap, const struct rp_scenario *sc,
                       const double *by_input)
{
    double total = 0, most = 0;
    uint32_t arg = RP_NONE;
    for (uint32_t p = 0; p < sc->nproducts; p++) {
        total += by_input[p];
        if (by_input[p] > most) {
            most = by_input[p];
            arg = p;
        }
    }
    if (arg == RP_NONE)
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, "%s %.0f%%", sc->products[arg].id, 100 * most / total);
}

/*
 * The group's cost and its parts (means; the interval of the total), or
 * nothing when the scenario prices nothing.
 */
static void cost_line(FILE *out, const struct rp_batch *b, uint32_t g,
                      uint32_t p)
{
    static const enum rp_metric part[] = { RP_M_SPEND, RP_M_HOLDING,
                                           RP_M_SHORTAGE, RP_M_POLICY };
    const struct rp_model *m = b->model;
    const struct rp_scenario *sc = rp_model_scenario(m);
    size_t c = find_value(m, RP_SCOPE_GROUP, g, RP_NONE, p, RP_M_COST);
    if (c == SIZE_MAX)
        return;
    struct rp_summary s;
    const char *sep = "";
    fprintf(out, "  cost (%s, means):", rp_unit_label(sc, RP_M_COST, RP_NONE));
    for (size_t k = 0; k < sizeof part / sizeof *part; k++) {
        size_t i = find_value(m, RP_SCOPE_GROUP, g, RP_NONE, p, part[k]);
        if (i == SIZE_MAX)
            continue;
        rp_acc_summarize(&b->acc[i], sc->confidence, &s);
        fprintf(out, "%s %s %.4g", sep, rp_metric_name(part[k]), s.mean);
        sep = " +";
    }
    rp_acc_summarize(&b->acc[c], sc->confidence, &s);
    fprintf(out, "%s cost %.4g  [%.4g, %.4g]\n", *sep ? " =" : "", s.mean,
            s.ci_lo, s.ci_hi);
}

/*
 * One event's survival rows for the group's members, as printed (owned by
 * the caller), or NULL when the event measures none of them.
 */
static char *event_block(const struct rp_batch *b,
                         const struct rp_report_group *rg, uint32_t k)
{
    const struct rp_model *m = b->model;
    const struct rp_scenario *sc = rp_model_scenario(m);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = NULL;
    for (size_t i = 0; i < rg->nnodes; i++) {
        uint32_t n = rg->nodes[i];
        size_t ts = find_value(m, RP_SCOPE_EVENT, k, n, RP_NONE, RP_M_TTS);
        size_t tr = find_value(m, RP_SCOPE_EVENT, k, n, RP_NONE, RP_M_TTR);
        size_t gt = find_value(m, RP_SCOPE_EVENT, k, n, RP_NONE, RP_M_TTR_GT_TTS);
        if (ts == SIZE_MAX || tr == SIZE_MAX || gt == SIZE_MAX)
            continue;
        if (!f && !(f = open_memstream(&buf, &len))) {
            fprintf(stderr, "ripple: out of memory for the table\n");
            abort();
        }
        struct rp_summary a, c, d;
        rp_acc_summarize(&b->acc[ts], sc->confidence, &a);
        rp_acc_summarize(&b->acc[tr], sc->confidence, &c);
        rp_acc_summarize(&b->acc[gt], sc->confidence, &d);
        fprintf(f, "  %-26s %11.4g %11.4g %11.4g %11.4g %13.3f\n",
                sc->nodes[n].id, a.p50, a.p05, c.p50, c.p95, d.mean);
    }
    if (f)
        fclose(f);
    return buf;
}

struct block_ref {
    const char *text;
    uint32_t event;
};

/* By text, then by event, so equal blocks sit together in event order. */
static int block_cmp(const void *pa, const void *pb)
{
    const struct block_ref *a = pa, *b = pb;
    int c = strcmp(a->text, b->text);
    return c ? c : (a->event > b->event) - (a->event < b->event);
}

/*
 * Survival and recovery after each event, for the group's members. Events
 * that start together (every event of an uncertainty block at day 0, say)
 * give the same rows, so each distinct block prints once, after the list
 * of the events it holds for. Blocks match as printed: what would read as
 * a repeat is one. Sorting keeps this n log n in the number of events.
 */
static void survival_blocks(FILE *out, const struct rp_batch *b,
                            const struct rp_report_group *rg)
{
    const struct rp_scenario *sc = rp_model_scenario(b->model);
    size_t ne = sc->nevents;
    char **text = rp_xcalloc(ne + 1, sizeof *text);
    struct block_ref *ref = rp_xcalloc(ne + 1, sizeof *ref);
    uint32_t *next = rp_xcalloc(ne + 1, sizeof *next);  /* same block; ne: none */
    bool *follower = rp_xcalloc(ne + 1, sizeof *follower);
    size_t nref = 0;
    for (uint32_t k = 0; k < ne; k++) {
        next[k] = (uint32_t)ne;
        if ((text[k] = event_block(b, rg, k)))
            ref[nref++] = (struct block_ref){ text[k], k };
    }
    qsort(ref, nref, sizeof *ref, block_cmp);
    for (size_t i = 1; i < nref; i++)
        if (!strcmp(ref[i - 1].text, ref[i].text)) {
            next[ref[i - 1].event] = ref[i].event;
            follower[ref[i].event] = true;
        }
    for (uint32_t k = 0; k < ne; k++) {
        if (!text[k] || follower[k])
            continue;
        fputs("  after", out);
        size_t col = 7, count = 0;
        for (uint32_t e = k; e < ne; e = next[e], count++) {
            size_t w = strlen(sc->events[e].id) + 2;
            if (count && col + w > 100) {
                fputs(",\n       ", out);
                col = 7;
            } else if (count) {
                fputc(',', out);
                col++;
            }
            fprintf(out, " %s", sc->events[e].id);
            col += w - 1;
        }
        fprintf(out, " (%sdays; survival censored at the horizon):\n"
                "  %-26s %11s %11s %11s %11s %13s\n%s",
                count > 1 ? "the same for each; " : "",
                "node", "tts p50", "tts p05", "ttr p50", "ttr p95",
                "P(ttr > tts)", text[k]);
    }
    for (uint32_t k = 0; k < ne; k++)
        free(text[k]);
    free(text);
    free(ref);
    free(next);
    free(follower);
}

static void table_group(FILE *out, const struct rp_batch *b, uint32_t g)
{
    const struct rp_model *m = b->model;
    const struct rp_scenario *sc = rp_model_scenario(m);
    const struct rp_report_group *rg = &sc->report_groups[g];
    uint32_t p = rp_model_group_product(m, g);
    if (p == RP_NONE)
        return;
    const char *unit = sc->products[p].unit ? sc->products[p].unit : "units";
    int pct = (int)lround(100 * sc->confidence);
    fprintf(out, "\n%s: shortfall of %s (%s) over %g days"
            " (unmet = lost + still owed at the horizon; starved = output lost for want of inputs)\n",
            rg->id, sc->products[p].id, unit, sc->horizon);
    fprintf(out, "  %-26s %11s  %-24s %10s %8s %11s %10s %7s  %s\n", "node", "mean",
            pct == 95 ? "95% interval" : "interval", "p95", "P(any)", "produced",
            "starved", "fill", "binds (share of starved)");
    bool cut = false;
    char binds[96];
    double *node_in = rp_xcalloc(sc->nproducts + 1, sizeof *node_in);
    double *group_in = rp_xcalloc(sc->nproducts + 1, sizeof *group_in);
    for (size_t i = 0; i < rg->nnodes; i++) {
        uint32_t n = rg->nodes[i];
        size_t u = find_value(m, RP_SCOPE_NODE, n, RP_NONE, p, RP_M_UNMET);
        if (u == SIZE_MAX)
            continue;
        memset(node_in, 0, sc->nproducts * sizeof *node_in);
        add_starved_inputs(b, n, p, node_in);
        for (uint32_t q = 0; q < sc->nproducts; q++)
            group_in[q] += node_in[q];
        binds_text(binds, sizeof binds, sc, node_in);
        cut |= table_row(out, b, sc->nodes[n].id, u,
                  find_value(m, RP_SCOPE_NODE, n, RP_NONE, p, RP_M_PRODUCED),
                  find_value(m, RP_SCOPE_NODE, n, RP_NONE, p, RP_M_STARVED),
                  find_value(m, RP_SCOPE_NODE, n, RP_NONE, p, RP_M_FILL_RATE), binds);
    }
    binds_text(binds, sizeof binds, sc, group_in);
    free(node_in);
    free(group_in);
    size_t u = find_value(m, RP_SCOPE_GROUP, g, RP_NONE, p, RP_M_UNMET);
    if (u != SIZE_MAX)
        cut |= table_row(out, b, "total", u,
                         find_value(m, RP_SCOPE_GROUP, g, RP_NONE, p, RP_M_PRODUCED),
                         find_value(m, RP_SCOPE_GROUP, g, RP_NONE, p, RP_M_STARVED),
                         find_value(m, RP_SCOPE_GROUP, g, RP_NONE, p, RP_M_FILL_RATE), binds);
    if (cut)
        fputs("  * the t interval reached below zero; a shortfall cannot be "
              "negative, so it is cut at 0\n", out);

    cost_line(out, b, g, p);
    survival_blocks(out, b, rg);
}

/*
 * What the uncertain: inputs drew (one value each per replication): mean,
 * p05, p95, min and max, so a reader sees the range the answer covers.
 */
static void uncertain_table(FILE *out, const struct rp_batch *b)
{
    const struct rp_model *m = b->model;
    const struct rp_scenario *sc = rp_model_scenario(m);
    const struct rp_value_desc *v = rp_model_values(m);
    int width = 5;

    if (sc->nuncertain == 0)
        return;
    for (size_t u = 0; u < sc->nuncertain; u++)
        if ((int)strlen(sc->uncertain[u].path) > width)
            width = (int)strlen(sc->uncertain[u].path);
    fprintf(out, "\nuncertain inputs (one draw per replication)\n  %-*s %11s %11s %11s %11s %11s\n",
            width, "input", "mean", "p05", "p95", "min", "max");
    for (size_t i = 0; i < rp_model_nvalues(m); i++) {
        if (v[i].scope != RP_SCOPE_INPUT)
            continue;
        struct rp_summary s;
        rp_acc_summarize(&b->acc[i], sc->confidence, &s);
        fprintf(out, "  %-*s %11.4g %11.4g %11.4g %11.4g %11.4g\n", width,
                sc->uncertain[v[i].owner].path, s.mean, s.p05, s.p95, s.min, s.max);
    }
}

size_t rp_report_group_order(const struct rp_scenario *sc, uint32_t *order)
{
    size_t n = 0;
    uint32_t lead = sc->report_lead < sc->nreport_groups ? sc->report_lead : 0;
    if (sc->nreport_groups)
        order[n++] = lead;
    for (uint32_t g = 0; g < sc->nreport_groups; g++)
        if (g != lead)
            order[n++] = g;
    return n;
}

void rp_report_table(FILE *out, const struct rp_batch *b)
{
    const struct rp_model *m = b->model;
    const struct rp_scenario *sc = rp_model_scenario(m);
    fprintf(out, "ripple %s: %s (%s), %ld replications, seed %llu, ", RP_VERSION,
            sc->name, sc->variant ? sc->variant : "base", b->n,
            (unsigned long long)b->seed);
    /* A merge (or a resume with nothing left to run) only replays records: no clock to report. */
    if (b->seconds > 0)
        fprintf(out, "%d thread%s, %.2f s, %.3g events/s\n", b->threads,
                b->threads == 1 ? "" : "s", b->seconds,
                (double)b->events / b->seconds);
    else
        fprintf(out, "%.3g events (replayed from records)\n", (double)b->events);

    /* The lead group first: the question the scenario was written for. */
    uint32_t *order = rp_xmalloc((sc->nreport_groups + 1) * sizeof *order);
    size_t ng = rp_report_group_order(sc, order);
    for (size_t k = 0; k < ng; k++)
        table_group(out, b, order[k]);
    free(order);
    rp_periods_table(out, b);
    uncertain_table(out, b);
    if (sc->nreport_groups == 0) {
        /* No groups: every node's main figures. */
        const struct rp_value_desc *v = rp_model_values(m);
        fprintf(out, "\n%-40s %12s %12s %12s\n", "value", "mean", "se", "p95");
        for (size_t i = 0; i < rp_model_nvalues(m); i++) {
            if (v[i].scope != RP_SCOPE_NODE)
                continue;
            char name[512];
            struct rp_summary s;
            rp_value_name(m, i, name, sizeof name);
            rp_acc_summarize(&b->acc[i], sc->confidence, &s);
            fprintf(out, "%-40s %12.6g %12.4g %12.6g\n", name, s.mean, s.se, s.p95);
        }
    }
}

