#define _POSIX_C_SOURCE 200809L
/*
 * compare_files.c - what compare and sweep write for programs: the tidy
 * CSV, the JSON (every arm's run object and its paired differences), every
 * arm's replications, and provenance.json; written atomically into DIR.
 */
#include "compare_impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/report.h"

/* ------------------------------------------------------------ CSV, JSON */


/* A CSV number: empty for NaN, so spreadsheets see a blank, not "null". */
static void csv_num(FILE *out, double x)
{
    fputc(',', out);
    if (isfinite(x))
        rp_json_num(out, x);
}


/* Tidy rows: one per arm, group, metric. */
void compare_write_csv(FILE *out, const void *ctx)
{
    const struct job *j = ctx;
    const struct rp_scenario *sc = &j->arms[0].sc;
    uint32_t *order = rp_xmalloc((sc->nreport_groups + 1) * sizeof *order);
    size_t ng = rp_report_group_order(sc, order);
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
        const char *pid = compare_group_product(j, g);
        if (!pid)
            continue;
        struct what *w;
        size_t nw = compare_group_whats(j, g, true, &w);
        for (size_t k = 0; k < nw; k++) {
            compare_measure(j, gid, pid, &w[k], cells);
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
                rp_csv_field(out, compare_what_unit(j, &w[k], pid));
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
        const char *pid = compare_group_product(j, g);
        struct rp_cost_effect ce;
        if (!pid || !compare_cost_effect(j, a, sc->report_groups[g].id, pid, &ce))
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
void compare_write_json(FILE *out, const void *ctx)
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

int compare_write_dir(const struct job *j)
{
    const char *dir = j->o->out_dir;
    const struct arm *ref = &j->arms[0];
    int rc = 0;
    if (rp_make_dir(dir))
        return -1;
    rc |= rp_write_file(dir, j->o->sweep ? "sweep.json" : "compare.json",
                     compare_write_json, j);
    rc |= rp_write_file(dir, j->o->sweep ? "sweep.csv" : "compare.csv",
                     compare_write_csv, j);
    rc |= rp_write_file(dir, "replications.csv", write_replications, j);
    rc |= rp_report_write_files(dir, &ref->b, &ref->prov);
    rc |= write_provenance(j);
    return rc ? -1 : 0;
}
