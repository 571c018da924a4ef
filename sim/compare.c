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
 * arms x replications x values x 8 bytes. What the others do is in
 * compare_impl.h.
 */
#include "compare_impl.h"

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

/* Loads the points of the sweep grid, the file checked strictly first. */
static int load_sweep(struct job *j, struct rp_diag *all)
{
    const struct rp_compare_opts *o = j->o;
    int bad = 0;
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

/* Loads the base and the variants named (or every one of the file). */
static int load_variants(struct job *j, struct rp_diag *all)
{
    const struct rp_compare_opts *o = j->o;
    int bad = 0;
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

/* Loads every arm: base and variants, or the sweep grid. */
static int load_all(struct job *j, struct rp_diag *all)
{
    return j->o->sweep ? load_sweep(j, all) : load_variants(j, all);
}

static void arm_opts(const struct job *j, struct rp_batch_opts *bo)
{
    rp_batch_opts_default(bo);
    bo->replications = j->reps;
    bo->seed = j->seed;
    bo->threads = j->o->threads;
    bo->keep_values = true;
    bo->held_batches = (long)j->narms;  /* every arm is kept until the table */
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

/* Refuses options that cannot go together; 0, or 2 (said on stderr). */
static int check_opts(struct job *j)
{
    const struct rp_compare_opts *o = j->o;
    if (o->report && !o->out_dir) {
        fprintf(stderr, "ripple: --report needs --out DIR\n");
        return 2;
    }
    if (!o->sweep)
        return 0;
    if (o->nvariants) {
        fprintf(stderr, "ripple: sweep takes no variant names ('%s')\n",
                o->variants[0]);
        return 2;
    }
    if (!o->nsets) {
        fprintf(stderr, "ripple: sweep needs --set PATH=V1,V2,...\n");
        return 2;
    }
    return make_axes(j) ? 2 : 0;
}

/*
 * Builds and runs every arm loaded; 0 when the results are this process's
 * to write, else the exit status (-1: nothing to write, exit 0).
 */
static int build_and_run(struct job *j)
{
    const struct rp_compare_opts *o = j->o;
    const struct rp_scenario *ref = &j->arms[0].sc;
    j->confidence = ref->confidence;
    j->reps = o->reps > 0 ? o->reps : ref->replications;
    j->seed = o->have_seed ? o->seed : ref->seed;
    int rc = build_all(j);
    if (rc)
        return rc;
    run_all(j);
    if (o->stop && *o->stop)            /* the caller says what was stopped */
        return 1;
    for (size_t a = 0; a < j->narms; a++)
        if (j->arms[a].ran && j->arms[a].status != RP_BATCH_DONE)
            return 1;                   /* over budget, said in run_all */
    if (o->ranks && o->ranks->rank != 0)
        return -1;                      /* MPI: rank 0 alone holds the results */
    return 0;
}

/* The files, then stdout in the format asked for; the exit status. */
static int write_results(const struct job *j)
{
    const struct rp_compare_opts *o = j->o;
    int rc = 0;
    /* files first: a reader of stdout that stops early must not lose them */
    if (o->out_dir) {
        if (compare_write_dir(j))
            rc = 1;
        else if (o->report && rp_plot_report(o->out_dir))
            rc = 1;
    }
    if (!strcmp(o->format, "json"))
        compare_write_json(stdout, j);
    else if (!strcmp(o->format, "csv"))
        compare_write_csv(stdout, j);
    else
        compare_write_table(stdout, j);
    if (o->out_dir && !rc && !strcmp(o->format, "table"))
        printf("\nwrote %s/%s.json, %s.csv, provenance.json, "
               "replications.csv (every %s) and the %s's summary.json, "
               "%sevents.csv, groups.csv%s\n",
               o->out_name ? o->out_name : o->out_dir,
               o->sweep ? "sweep" : "compare",
               o->sweep ? "sweep" : "compare",
               o->sweep ? "point" : "variant",
               o->sweep ? "first point" : "base",
               rp_model_series_len(j->arms[0].m) ? "series.csv, " : "",
               o->report ? ", report.html" : "");
    return rc;
}

int rp_compare_main(const struct rp_compare_opts *o)
{
    struct job j = { .o = o };
    struct rp_diag all;
    int rc = check_opts(&j);

    rp_diag_init(&all);
    if (rc)
        goto out;
    if (load_all(&j, &all)) {
        if (rp_diag_count(&all)) {
            rp_diag_print(&all, stderr);
            fprintf(stderr, "ripple: %zu error%s in %s; nothing was run\n",
                    rp_diag_count(&all), rp_diag_count(&all) == 1 ? "" : "s",
                    o->file);
        }
        rc = 2;
        goto out;
    }
    rc = build_and_run(&j);
    if (rc)
        rc = rc < 0 ? 0 : rc;
    else
        rc = write_results(&j);
out:
    rp_diag_release(&all);
    job_release(&j);
    return rc;
}
