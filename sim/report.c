#define _POSIX_C_SOURCE 200809L
/*
 * report.c - tables, JSON and CSV from a batch; atomic files.
 */
#include "ripple/report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ripple/diag.h"
#include "ripple/periods.h"
#include "ripple/rng.h"

#ifndef RP_VERSION
#define RP_VERSION "0"
#endif

void rp_json_num(FILE *out, double x)
{
    char buf[RP_FMT_DOUBLE_CAP];
    rp_fmt_double(buf, sizeof buf, x);
    fputs(buf, out);
}

/* Ids are plain, but names and descriptions may hold anything. */
void rp_json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void rp_csv_field(FILE *out, const char *s)
{
    if (!s)
        s = "";
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* Text fields, each quoted if it must be, joined by commas. */
static void csv_fields(FILE *out, const char *const *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        rp_csv_field(out, f[i]);
    }
}

static bool shortfall_metric(enum rp_metric m)
{
    return rp_metric_tail(m);
}

static void summary_json(FILE *out, const struct rp_acc *a, enum rp_metric metric,
                         const struct rp_scenario *sc, uint32_t product)
{
    struct rp_summary s;
    rp_acc_summarize(a, sc->confidence, &s);
    fputs("{\"unit\": ", out);
    rp_json_str(out, rp_unit_label(sc, metric, product));
    fputs(", \"mean\": ", out);
    rp_json_num(out, s.mean);
    fputs(", \"sd\": ", out);
    rp_json_num(out, s.sd);
    fputs(", \"se\": ", out);
    rp_json_num(out, s.se);
    fputs(", \"ci\": [", out);
    rp_json_num(out, s.ci_lo);
    fputs(", ", out);
    rp_json_num(out, s.ci_hi);
    fputs("], \"p05\": ", out);
    rp_json_num(out, s.p05);
    fputs(", \"p50\": ", out);
    rp_json_num(out, s.p50);
    fputs(", \"p95\": ", out);
    rp_json_num(out, s.p95);
    fputs(", \"min\": ", out);
    rp_json_num(out, s.min);
    fputs(", \"max\": ", out);
    rp_json_num(out, s.max);
    if (shortfall_metric(metric)) {
        fputs(", \"cvar95\": ", out);
        rp_json_num(out, s.cvar95);
        fputs(", \"p_any\": ", out);
        rp_json_num(out, s.p_pos);
    }
    fputs("}", out);
}

/* A calendar year's name (periods.h): its number, written into buf. */
static const char *period_name(const struct rp_model *m, uint32_t k, char *buf,
                               size_t cap)
{
    size_t n;
    const struct rp_period *pe = rp_model_periods(m, &n);
    snprintf(buf, cap, "%d", k < n ? pe[k].year : 0);
    return buf;
}

/* A value's key under its owner: its product, or the node (events), or the year. */
static uint32_t value_key(const struct rp_value_desc *v)
{
    return v->scope == RP_SCOPE_EVENT || v->scope == RP_SCOPE_PERIOD ? v->node : v->product;
}

int rp_value_name(const struct rp_model *m, size_t i, char *buf, size_t cap)
{
    const struct rp_scenario *sc = rp_model_scenario(m);
    const struct rp_value_desc *v = &rp_model_values(m)[i];
    const char *metric = rp_metric_name(v->metric);
    switch (v->scope) {
    case RP_SCOPE_NODE:
        return snprintf(buf, cap, "nodes.%s.%s.%s", sc->nodes[v->owner].id,
                        sc->products[v->product].id, metric);
    case RP_SCOPE_GROUP:
        return snprintf(buf, cap, "groups.%s.%s.%s", sc->report_groups[v->owner].id,
                        sc->products[v->product].id, metric);
    case RP_SCOPE_EVENT:
        return snprintf(buf, cap, "events.%s.%s.%s", sc->events[v->owner].id,
                        sc->nodes[v->node].id, metric);
    case RP_SCOPE_PERIOD: {
        char y[16];
        return snprintf(buf, cap, "periods.%s.%s.%s", sc->report_groups[v->owner].id,
                        period_name(m, v->node, y, sizeof y), metric);
    }
    case RP_SCOPE_INPUT:
        return snprintf(buf, cap, "uncertain.%s.%s", sc->uncertain[v->owner].path,
                        metric);
    }
    return snprintf(buf, cap, "?");
}

size_t rp_value_index(const struct rp_model *m, const char *name)
{
    char buf[512];
    for (size_t i = 0; i < rp_model_nvalues(m); i++) {
        rp_value_name(m, i, buf, sizeof buf);
        if (!strcmp(buf, name))
            return i;
    }
    return SIZE_MAX;
}

/*
 * Writes the values of one scope as nested objects: owner -> key -> metric,
 * where key is the product (nodes, groups), the node (events) or the year
 * (periods). Owners and
 * keys appear in the order of their first value.
 */
static void scope_json(FILE *out, const struct rp_batch *b, enum rp_scope scope,
                       const struct rp_acc *accs, const char *indent)
{
    const struct rp_model *m = b->model;
    const struct rp_scenario *sc = rp_model_scenario(m);
    const struct rp_value_desc *v = rp_model_values(m);
    size_t nv = rp_model_nvalues(m);
    size_t nowners = scope == RP_SCOPE_NODE ? sc->nnodes
                   : scope == RP_SCOPE_EVENT ? sc->nevents : sc->nreport_groups;
    bool first_owner = true;

    fputs("{", out);
    for (uint32_t o = 0; o < nowners; o++) {
        bool any = false;
        for (size_t i = 0; i < nv && !any; i++)
            any = v[i].scope == scope && v[i].owner == o;
        if (!any)
            continue;
        const char *oid = scope == RP_SCOPE_NODE ? sc->nodes[o].id
                        : scope == RP_SCOPE_EVENT ? sc->events[o].id
                        : sc->report_groups[o].id;
        fprintf(out, "%s\n%s  ", first_owner ? "" : ",", indent);
        first_owner = false;
        rp_json_str(out, oid);
        fputs(": {", out);
        /* keys: products or nodes, in order of first appearance */
        bool first_key = true;
        for (size_t i = 0; i < nv; i++) {
            if (v[i].scope != scope || v[i].owner != o)
                continue;
            uint32_t key = value_key(&v[i]);
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++) {
                uint32_t kj = value_key(&v[j]);
                seen = v[j].scope == scope && v[j].owner == o && kj == key;
            }
            if (seen)
                continue;
            fprintf(out, "%s\n%s    ", first_key ? "" : ",", indent);
            first_key = false;
            char y[16];
            rp_json_str(out, scope == RP_SCOPE_EVENT ? sc->nodes[key].id
                             : scope == RP_SCOPE_PERIOD ? period_name(m, key, y, sizeof y)
                             : sc->products[key].id);
            fputs(": {", out);
            bool first_metric = true;
            for (size_t j = i; j < nv; j++) {
                uint32_t kj = value_key(&v[j]);
                if (v[j].scope != scope || v[j].owner != o || kj != key)
                    continue;
                fprintf(out, "%s\n%s      ", first_metric ? "" : ",", indent);
                first_metric = false;
                rp_json_str(out, rp_metric_name(v[j].metric));
                fputs(": ", out);
                summary_json(out, &accs[j], v[j].metric, sc, v[j].product);
            }
            fprintf(out, "\n%s    }", indent);
        }
        fprintf(out, "\n%s  }", indent);
    }
    fprintf(out, "%s}", first_owner ? "" : "\n  ");
}

void rp_report_json(FILE *out, const struct rp_batch *b,
                    const struct rp_provenance *prov)
{
    rp_report_json_ex(out, b, prov, NULL, NULL);
}

void rp_report_json_ex(FILE *out, const struct rp_batch *b,
                       const struct rp_provenance *prov,
                       void (*extra)(FILE *out, const void *ctx),
                       const void *ctx)
{
    const struct rp_scenario *sc = rp_model_scenario(b->model);
    bool exact = b->nvalues ? b->acc[0].mode == RP_ACC_EXACT : true;

    fputs("{\"ripple\": 1, \"scenario\": ", out);
    rp_json_str(out, sc->name);
    fputs(", \"variant\": ", out);
    rp_json_str(out, sc->variant ? sc->variant : "base");
    fprintf(out, ", \"replications\": %ld, \"seed\": %llu, \"confidence\": ",
            b->n, (unsigned long long)b->seed);
    rp_json_num(out, sc->confidence);
    fprintf(out, ", \"horizon\": ");
    rp_json_num(out, sc->horizon);
    fprintf(out, ", \"quantiles\": \"%s\"", exact ? "exact" : "p2");
    if (sc->nreport_groups) {           /* report.lead, or the first group */
        fputs(", \"lead\": ", out);
        rp_json_str(out, sc->report_groups[sc->report_lead].id);
    }
    fputs(",\n  \"provenance\": ", out);
    rp_provenance_json(out, prov, b);
    fputs(",\n  \"nodes\": ", out);
    scope_json(out, b, RP_SCOPE_NODE, b->acc, "  ");
    fputs(",\n  \"groups\": ", out);
    scope_json(out, b, RP_SCOPE_GROUP, b->acc, "  ");
    fputs(",\n  \"events\": ", out);
    scope_json(out, b, RP_SCOPE_EVENT, b->acc, "  ");
    if (sc->has_day0) {                 /* per calendar year (periods.h) */
        fputs(",\n  \"periods\": ", out);
        scope_json(out, b, RP_SCOPE_PERIOD, b->acc, "  ");
    }
    if (extra)
        extra(out, ctx);
    fputs("}", out);
}

void rp_report_json_diff(FILE *out, const struct rp_batch *base,
                         const struct rp_batch *var)
{
    const struct rp_model *m = var->model;
    const struct rp_model *bm = base->model;
    const struct rp_scenario *sc = rp_model_scenario(m);
    const struct rp_value_desc *v = rp_model_values(m);
    size_t nv = rp_model_nvalues(m);
    char name[512];
    bool first_group = true;

    fputs("{", out);
    for (uint32_t g = 0; g < sc->nreport_groups; g++) {
        bool first_metric = true;
        for (size_t i = 0; i < nv; i++) {
            if (v[i].scope != RP_SCOPE_GROUP || v[i].owner != g)
                continue;
            /* the same value in the base, by name: the layouts may differ */
            rp_value_name(m, i, name, sizeof name);
            size_t j = rp_value_index(bm, name);
            if (j == SIZE_MAX)
                continue;
            struct rp_paired p;
            rp_paired_init(&p, RP_ACC_EXACT);
            long n = var->n < base->n ? var->n : base->n;
            int lower = rp_metric_lower_is_better(v[i].metric);
            for (long r = 0; r < n; r++)
                rp_paired_add(&p, base->values[(size_t)r * base->nvalues + j],
                              var->values[(size_t)r * var->nvalues + i], lower);
            struct rp_summary s;
            rp_acc_summarize(&p.diff, sc->confidence, &s);
            if (first_metric) {
                fprintf(out, "%s\n    ", first_group ? "" : ",");
                rp_json_str(out, sc->report_groups[g].id);
                fputs(": {", out);
                rp_json_str(out, sc->products[v[i].product].id);
                fputs(": {", out);
                first_group = false;
            }
            fprintf(out, "%s\n      ", first_metric ? "" : ",");
            first_metric = false;
            rp_json_str(out, rp_metric_name(v[i].metric));
            fputs(": {\"unit\": ", out);
            rp_json_str(out, rp_unit_label(sc, v[i].metric, v[i].product));
            fputs(", \"mean\": ", out);
            rp_json_num(out, s.mean);
            fputs(", \"se\": ", out);
            rp_json_num(out, s.se);
            fputs(", \"ci\": [", out);
            rp_json_num(out, s.ci_lo);
            fputs(", ", out);
            rp_json_num(out, s.ci_hi);
            fputs("], \"better\": ", out);
            rp_json_num(out, n > 0 ? (double)p.better / (double)n : NAN);
            fputs("}", out);
            rp_paired_release(&p);
        }
        if (!first_metric)
            fputs("}}", out);
    }
    fputs("}", out);
}

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

static void table_row(FILE *out, const struct rp_batch *b, const char *label,
                      size_t unmet, size_t produced, size_t starved, size_t fill)
{
    const struct rp_scenario *sc = rp_model_scenario(b->model);
    struct rp_summary s, p, f, st;
    rp_acc_summarize(&b->acc[unmet], sc->confidence, &s);
    fprintf(out, "  %-26s %11.4g  [%10.4g, %10.4g] %10.4g %8.3f", label, s.mean,
            s.ci_lo, s.ci_hi, s.p95, s.p_pos);
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
    }
    fputc('\n', out);
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
    fprintf(out, "  %-26s %11s  %-24s %10s %8s %11s %10s %7s\n", "node", "mean",
            pct == 95 ? "95% interval" : "interval", "p95", "P(any)", "produced",
            "starved", "fill");
    for (size_t i = 0; i < rg->nnodes; i++) {
        uint32_t n = rg->nodes[i];
        size_t u = find_value(m, RP_SCOPE_NODE, n, RP_NONE, p, RP_M_UNMET);
        if (u == SIZE_MAX)
            continue;
        table_row(out, b, sc->nodes[n].id, u,
                  find_value(m, RP_SCOPE_NODE, n, RP_NONE, p, RP_M_PRODUCED),
                  find_value(m, RP_SCOPE_NODE, n, RP_NONE, p, RP_M_STARVED),
                  find_value(m, RP_SCOPE_NODE, n, RP_NONE, p, RP_M_FILL_RATE));
    }
    size_t u = find_value(m, RP_SCOPE_GROUP, g, RP_NONE, p, RP_M_UNMET);
    if (u != SIZE_MAX)
        table_row(out, b, "total", u,
                  find_value(m, RP_SCOPE_GROUP, g, RP_NONE, p, RP_M_PRODUCED),
                  find_value(m, RP_SCOPE_GROUP, g, RP_NONE, p, RP_M_STARVED),
                  find_value(m, RP_SCOPE_GROUP, g, RP_NONE, p, RP_M_FILL_RATE));

    cost_line(out, b, g, p);
    survival_blocks(out, b, rg);
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

void rp_report_events_csv(FILE *out, const struct rp_scenario *sc)
{
    fputs("event,type,start,duration,unit\n", out);
    for (size_t k = 0; k < sc->nevents; k++) {
        const struct rp_disruption *e = &sc->events[k];
        double dur = rp_dist_mean(&e->duration);
        csv_fields(out, (const char *[]){ e->id, rp_event_type_name(e->type) }, 2);
        fputc(',', out);
        rp_json_num(out, rp_dist_mean(&e->start));
        fputc(',', out);
        if (isinf(dur))
            fputs("inf", out);          /* forever; strtod reads it back */
        else
            rp_json_num(out, dur);
        fputs(",days\n", out);
    }
}

void rp_report_groups_csv(FILE *out, const struct rp_model *m)
{
    const struct rp_scenario *sc = rp_model_scenario(m);
    fputs("group,product,unit,node,name\n", out);
    for (uint32_t g = 0; g < sc->nreport_groups; g++) {
        const struct rp_report_group *rg = &sc->report_groups[g];
        uint32_t p = rp_model_group_product(m, g);
        const char *pid = p == RP_NONE ? "" : sc->products[p].id;
        const char *unit = p == RP_NONE || !sc->products[p].unit
                         ? "" : sc->products[p].unit;
        for (size_t i = 0; i < rg->nnodes; i++) {
            const struct rp_node *n = &sc->nodes[rg->nodes[i]];
            csv_fields(out, (const char *[]){ rg->id, pid, unit, n->id,
                                              n->name ? n->name : n->id }, 5);
            fputc('\n', out);
        }
    }
}

void rp_report_csv_header(FILE *out, const struct rp_provenance *prov)
{
    fprintf(out, "run,%s,rep,scope,id,key,metric,unit,value\n",
            prov->arm_key);
}

void rp_report_csv_rows(FILE *out, const struct rp_provenance *prov,
                        const struct rp_model *m, long rep,
                        const double *values)
{
    const struct rp_scenario *sc = rp_model_scenario(m);
    const struct rp_value_desc *v = rp_model_values(m);
    char year[16];
    for (size_t i = 0; i < rp_model_nvalues(m); i++) {
        const char *scope, *id, *key;
        switch (v[i].scope) {
        case RP_SCOPE_NODE:
            scope = "node";
            id = sc->nodes[v[i].owner].id;
            key = sc->products[v[i].product].id;
            break;
        case RP_SCOPE_GROUP:
            scope = "group";
            id = sc->report_groups[v[i].owner].id;
            key = sc->products[v[i].product].id;
            break;
        case RP_SCOPE_PERIOD:
            scope = "period";
            id = sc->report_groups[v[i].owner].id;
            key = period_name(m, v[i].node, year, sizeof year);
            break;
        case RP_SCOPE_INPUT:            /* an uncertain input's draw */
            scope = "input";
            id = sc->uncertain[v[i].owner].path;
            key = "";
            break;
        default:
            scope = "event";
            id = sc->events[v[i].owner].id;
            key = sc->nodes[v[i].node].id;
            break;
        }
        csv_fields(out, (const char *[]){ prov->run, prov->arm }, 2);
        fprintf(out, ",%ld,", rep);
        csv_fields(out, (const char *[]){ scope, id, key,
                                          rp_metric_name(v[i].metric),
                                          rp_unit_label(sc, v[i].metric,
                                                        v[i].product) }, 5);
        fputc(',', out);
        rp_json_num(out, values[i]);
        fputc('\n', out);
    }
}

void rp_report_series_csv(FILE *out, const struct rp_batch *b)
{
    const struct rp_model *m = b->model;
    const struct rp_scenario *sc = rp_model_scenario(m);
    size_t nd = rp_model_series_days(m);
    fputs("group,product,series,day,unit,mean,p05,p50,p95\n", out);
    for (uint32_t g = 0; g < sc->nreport_groups && nd; g++) {
        uint32_t p = rp_model_group_product(m, g);
        for (int kind = 0; kind < 2; kind++) {
            for (size_t d = 0; d < nd; d++) {
                struct rp_summary s;
                rp_acc_summarize(&b->series_acc[((size_t)g * 2 + (size_t)kind) * nd + d],
                                 sc->confidence, &s);
                csv_fields(out, (const char *[]){ sc->report_groups[g].id,
                                                  p == RP_NONE ? ""
                                                  : sc->products[p].id,
                                                  kind ? "shortfall"
                                                       : "output" }, 3);
                fprintf(out, ",%zu,", d);
                char unit[160];
                snprintf(unit, sizeof unit, "%s%s",
                         rp_unit_label(sc, RP_M_PRODUCED, p),
                         kind ? "" : " per day");
                rp_csv_field(out, unit);
                fputc(',', out);
                rp_json_num(out, s.mean);
                fputc(',', out);
                rp_json_num(out, s.p05);
                fputc(',', out);
                rp_json_num(out, s.p50);
                fputc(',', out);
                rp_json_num(out, s.p95);
                fputc('\n', out);
            }
        }
    }
}

int rp_make_dir(const char *dir)
{
    if (mkdir(dir, 0777) && errno != EEXIST) {
        fprintf(stderr, "ripple: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

struct run_files {
    const struct rp_batch *b;
    const struct rp_provenance *prov;
};

static void summary_file(FILE *f, const void *ctx)
{
    const struct run_files *rf = ctx;
    rp_report_json(f, rf->b, rf->prov);
    fputc('\n', f);
}

static void series_file(FILE *f, const void *ctx)
{
    rp_report_series_csv(f, ((const struct run_files *)ctx)->b);
}

static void events_file(FILE *f, const void *ctx)
{
    rp_report_events_csv(f, rp_model_scenario(((const struct run_files *)ctx)->b->model));
}

static void groups_file(FILE *f, const void *ctx)
{
    rp_report_groups_csv(f, ((const struct run_files *)ctx)->b->model);
}

int rp_report_write_run(const char *dir, const struct rp_batch *b,
                        const struct rp_provenance *prov)
{
    int rc = rp_report_write_files(dir, b, prov);
    const struct rp_provenance *pv[1] = { prov };
    const struct rp_batch *bv[1] = { b };
    rc |= rp_provenance_write(dir, "run", pv, bv, 1);
    return rc ? -1 : 0;
}

int rp_report_write_files(const char *dir, const struct rp_batch *b,
                          const struct rp_provenance *prov)
{
    struct run_files rf = { b, prov };
    int rc = 0;
    rc |= rp_write_file(dir, "summary.json", summary_file, &rf);
    if (rp_model_series_len(b->model))
        rc |= rp_write_file(dir, "series.csv", series_file, &rf);
    rc |= rp_write_file(dir, "events.csv", events_file, &rf);
    rc |= rp_write_file(dir, "groups.csv", groups_file, &rf);
    return rc ? -1 : 0;
}

int rp_write_file(const char *dir, const char *name,
                      void (*fn)(FILE *, const void *), const void *ctx)
{
    char path[4096];
    struct rp_atomic at;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (rp_atomic_open(&at, path)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    fn(at.f, ctx);
    if (rp_atomic_commit(&at)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int rp_atomic_open(struct rp_atomic *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    a->f = NULL;
    if (strlen(path) >= sizeof a->path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(a->path, path, strlen(path) + 1);
    snprintf(a->tmp, sizeof a->tmp, "%.*s.%s.tmp.%ld", dirlen, path,
             slash ? slash + 1 : path, (long)getpid());
    a->f = fopen(a->tmp, "w");
    return a->f ? 0 : -1;
}

int rp_atomic_commit(struct rp_atomic *a)
{
    int bad = ferror(a->f) | fflush(a->f);
    if (!bad)
        bad = fsync(fileno(a->f));
    bad |= fclose(a->f);
    a->f = NULL;
    if (bad || rename(a->tmp, a->path)) {
        int saved = errno;
        remove(a->tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

void rp_atomic_abort(struct rp_atomic *a)
{
    if (a->f)
        fclose(a->f);
    a->f = NULL;
    remove(a->tmp);
}
