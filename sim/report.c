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
 * The values of scope in the order the JSON lists them: by owner, then by
 * key (product, node or year) in the order keys first appear under the
 * owner, then by index. Two stable counting sorts, so O(values + owners +
 * keys): a scan per owner made the summary of a 10,000-node run take 40 s.
 * Fills order (room for every value) and returns how many it holds.
 */
/* The slot of v's key among nkeys: its product, node or year, RP_NONE last. */
static size_t key_slot(const struct rp_value_desc *v, size_t nkeys)
{
    uint32_t k = value_key(v);
    return k == RP_NONE ? nkeys - 1 : k;
}

static size_t scope_order(const struct rp_model *m, enum rp_scope scope,
                          size_t nowners, size_t *order)
{
    const struct rp_value_desc *v = rp_model_values(m);
    const struct rp_scenario *sc = rp_model_scenario(m);
    size_t nv = rp_model_nvalues(m), np;
    rp_model_periods(m, &np);
    size_t nkeys = sc->nnodes > sc->nproducts ? sc->nnodes : sc->nproducts;
    nkeys = (np > nkeys ? np : nkeys) + 1;      /* + 1: RP_NONE */
    size_t *start = rp_xcalloc(nowners + 2, sizeof *start);
    size_t *by_owner = rp_xmalloc((nv + 1) * sizeof *by_owner);
    size_t *stamp = rp_xcalloc(nkeys, sizeof *stamp);   /* owner + 1 that named it */
    size_t *group = rp_xmalloc(nkeys * sizeof *group);
    size_t *count = rp_xmalloc((nv + 2) * sizeof *count);
    size_t n = 0;

    for (size_t i = 0; i < nv; i++)
        if (v[i].scope == scope)
            start[v[i].owner + 1]++;
    for (size_t o = 0; o < nowners; o++)
        start[o + 1] += start[o];
    for (size_t i = 0; i < nv; i++)
        if (v[i].scope == scope)
            by_owner[start[v[i].owner]++] = i;  /* start[o] ends at o's end */
    for (size_t o = 0, lo = 0; o < nowners; lo = start[o++]) {
        size_t hi = start[o], ngroups = 0;
        for (size_t j = lo; j < hi; j++) {
            size_t key = key_slot(&v[by_owner[j]], nkeys);
            if (stamp[key] != o + 1) {
                stamp[key] = o + 1;
                group[key] = ngroups;
                count[ngroups++] = 0;
            }
            count[group[key]]++;
        }
        for (size_t g = 0, at = n; g < ngroups; g++) {  /* counts -> starts */
            size_t c = count[g];
            count[g] = at;
            at += c;
        }
        for (size_t j = lo; j < hi; j++)
            order[count[group[key_slot(&v[by_owner[j]], nkeys)]]++] = by_owner[j];
        n += hi - lo;
    }
    free(start);
    free(by_owner);
    free(stamp);
    free(group);
    free(count);
    return n;
}

static const char *owner_id(const struct rp_scenario *sc, enum rp_scope scope,
                            uint32_t o)
{
    return scope == RP_SCOPE_NODE ? sc->nodes[o].id
         : scope == RP_SCOPE_EVENT ? sc->events[o].id
         : sc->report_groups[o].id;
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
    size_t nowners = scope == RP_SCOPE_NODE ? sc->nnodes
                   : scope == RP_SCOPE_EVENT ? sc->nevents : sc->nreport_groups;
    size_t *order = rp_xmalloc((rp_model_nvalues(m) + 1) * sizeof *order);
    size_t n = scope_order(m, scope, nowners, order);

    fputs("{", out);
    for (size_t j = 0; j < n; j++) {
        const struct rp_value_desc *c = &v[order[j]];
        const struct rp_value_desc *p = j ? &v[order[j - 1]] : NULL;
        bool new_owner = !p || p->owner != c->owner;
        if (new_owner || value_key(p) != value_key(c)) {
            if (p)                      /* close the previous key */
                fprintf(out, "\n%s    }", indent);
            if (p && new_owner)
                fprintf(out, "\n%s  }", indent);
            if (new_owner) {
                fprintf(out, "%s\n%s  ", p ? "," : "", indent);
                rp_json_str(out, owner_id(sc, scope, c->owner));
                fputs(": {", out);
            }
            fprintf(out, "%s\n%s    ", new_owner ? "" : ",", indent);
            char y[16];
            uint32_t key = value_key(c);
            rp_json_str(out, scope == RP_SCOPE_EVENT ? sc->nodes[key].id
                             : scope == RP_SCOPE_PERIOD ? period_name(m, key, y, sizeof y)
                             : sc->products[key].id);
            fputs(": {", out);
        } else {
            fputc(',', out);
        }
        fprintf(out, "\n%s      ", indent);
        rp_json_str(out, rp_metric_name(c->metric));
        fputs(": ", out);
        summary_json(out, &accs[order[j]], c->metric, sc, c->product);
    }
    if (n)
        fprintf(out, "\n%s    }\n%s  }", indent, indent);
    fprintf(out, "%s}", n ? "\n  " : "");
    free(order);
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
    if (sc->nuncertain) {               /* what each uncertain input drew */
        const struct rp_value_desc *v = rp_model_values(b->model);
        fputs(",\n  \"uncertain\": {", out);
        for (size_t i = 0, k = 0; i < b->nvalues; i++) {
            if (v[i].scope != RP_SCOPE_INPUT)
                continue;
            fputs(k++ ? ",\n    " : "\n    ", out);
            rp_json_str(out, sc->uncertain[v[i].owner].path);
            fputs(": ", out);
            summary_json(out, &b->acc[i], v[i].metric, sc, RP_NONE);
        }
        fputs("\n  }", out);
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

/*
 * The run column that joins a row to provenance.json: the header's "run,"
 * (row < 0) or the run id and a comma; nothing without provenance.
 */
static void run_col(FILE *out, const struct rp_provenance *prov, int row)
{
    if (!prov)
        return;
    if (row < 0)
        fputs("run,", out);
    else
        fprintf(out, "%s,", prov->run);
}

void rp_report_events_csv(FILE *out, const struct rp_scenario *sc,
                          const struct rp_provenance *prov)
{
    run_col(out, prov, -1);
    fputs("event,type,start,duration,unit\n", out);
    for (size_t k = 0; k < sc->nevents; k++) {
        const struct rp_disruption *e = &sc->events[k];
        double dur = rp_dist_mean(&e->duration);
        run_col(out, prov, 0);
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

void rp_report_groups_csv(FILE *out, const struct rp_model *m,
                          const struct rp_provenance *prov)
{
    const struct rp_scenario *sc = rp_model_scenario(m);
    run_col(out, prov, -1);
    fputs("group,product,unit,node,name\n", out);
    for (uint32_t g = 0; g < sc->nreport_groups; g++) {
        const struct rp_report_group *rg = &sc->report_groups[g];
        uint32_t p = rp_model_group_product(m, g);
        const char *pid = p == RP_NONE ? "" : sc->products[p].id;
        const char *unit = p == RP_NONE || !sc->products[p].unit
                         ? "" : sc->products[p].unit;
        for (size_t i = 0; i < rg->nnodes; i++) {
            const struct rp_node *n = &sc->nodes[rg->nodes[i]];
            run_col(out, prov, 0);
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

void rp_report_series_csv(FILE *out, const struct rp_batch *b,
                          const struct rp_provenance *prov)
{
    const struct rp_model *m = b->model;
    const struct rp_scenario *sc = rp_model_scenario(m);
    size_t nd = rp_model_series_days(m);
    run_col(out, prov, -1);
    fputs("group,product,series,day,unit,mean,p05,p50,p95\n", out);
    for (uint32_t g = 0; g < sc->nreport_groups && nd; g++) {
        uint32_t p = rp_model_group_product(m, g);
        for (int kind = 0; kind < 2; kind++) {
            for (size_t d = 0; d < nd; d++) {
                struct rp_summary s;
                rp_acc_summarize(&b->series_acc[((size_t)g * 2 + (size_t)kind) * nd + d],
                                 sc->confidence, &s);
                run_col(out, prov, 0);
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
    const struct run_files *rf = ctx;
    rp_report_series_csv(f, rf->b, rf->prov);
}

static void events_file(FILE *f, const void *ctx)
{
    const struct run_files *rf = ctx;
    rp_report_events_csv(f, rp_model_scenario(rf->b->model), rf->prov);
}

static void groups_file(FILE *f, const void *ctx)
{
    const struct run_files *rf = ctx;
    rp_report_groups_csv(f, rf->b->model, rf->prov);
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
