/*
 * sensitivity_run.c - Sobol and Morris designs run on the simulator, and
 * what they say (JSON, a table, the design as CSV).
 *
 * A row is a scenario load with overrides, a model, and a batch of R
 * replications. Rows are loaded and run one at a time, so memory is one
 * scenario and the rows x outputs means, whatever the design's size. The
 * row's outputs are found by name in each row's model, never by index
 * alone: a name is what the user reads, and it is what ties the rows
 * together.
 */
#define _POSIX_C_SOURCE 200809L

#include "ripple/sensitivity.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/batch.h"
#include "ripple/report.h"
#include "ripple/stats.h"

#define VALUE_CHARS 32                  /* "%.17g" of a double, with room */

/*
 * The inputs of one row, set after the caller's overrides (the loader's
 * inputs: not counted in the --set limit, and the file's uncertain block
 * deleted, so that the design fixes the inputs and nothing redraws them).
 */
struct row_sets {
    struct rp_override *sets;           /* one per input */
    char (*vals)[VALUE_CHARS];          /* the inputs' values as text */
    size_t n;
};

static void row_sets_init(struct row_sets *r, const struct rp_sensitivity_opts *o)
{
    size_t k = o->ninputs;
    r->n = k;
    r->sets = rp_xmalloc((k + 1) * sizeof *r->sets);
    r->vals = rp_xmalloc((k + 1) * sizeof *r->vals);
    for (size_t i = 0; i < k; i++)
        r->sets[i] = (struct rp_override){ o->inputs[i].path, r->vals[i] };
}

static void row_sets_fill(struct row_sets *r, const double *x, size_t k)
{
    for (size_t i = 0; i < k; i++)
        snprintf(r->vals[i], VALUE_CHARS, "%.17g", x[i]);
}

static void row_sets_release(struct row_sets *r)
{
    free(r->sets);
    free(r->vals);
}

/*
 * Errors of an input's value are reported at "input:N:1"; the user wrote
 * that value in the uncertain block, so move them to its line.
 */
static void blame_inputs(struct rp_diag *diag, size_t from,
                         const struct rp_sensitivity_opts *o)
{
    for (size_t e = from; e < diag->len; e++) {
        struct rp_diag_entry *d = &diag->entries[e];
        if (strcmp(d->file, "input"))
            continue;
        size_t n = (size_t)d->line;     /* counts inputs from 1 */
        if (n < 1 || n > o->ninputs)
            continue;
        const struct rp_sens_input *in = &o->inputs[n - 1];
        if (!in->loc.file)
            continue;
        free(d->file);
        d->file = rp_xstrdup(in->loc.file);
        d->line = in->loc.line;
        d->col = in->loc.col;
    }
}

static int load_row(struct rp_scenario *sc, const struct rp_sensitivity_opts *o,
                    struct row_sets *rs, const double *x, struct rp_diag *diag)
{
    struct rp_load_opts lo = { .variant = o->variant, .overrides = o->sets,
                               .noverrides = o->nsets, .inputs = rs->sets,
                               .ninputs = rs->n };
    size_t before = diag->len;

    row_sets_fill(rs, x, o->ninputs);
    if (rp_scenario_load(sc, o->file, &lo, diag) == 0)
        return 0;
    blame_inputs(diag, before, o);
    return -1;
}

/*
 * Loads the scenario with every input at its smallest design value, then
 * at its largest: the loader's range checks are bounds, so values in
 * between pass too. Fills the outputs from the first load.
 */
static int check_extremes(struct rp_sensitivity *s,
                          const struct rp_sensitivity_opts *o,
                          struct row_sets *rs, struct rp_diag *diag);

static void find_outputs(struct rp_sensitivity *s, const struct rp_model *m)
{
    const struct rp_scenario *sc = rp_model_scenario(m);
    const struct rp_value_desc *v = rp_model_values(m);
    size_t nv = rp_model_nvalues(m);

    s->out = rp_xmalloc((nv + 1) * sizeof *s->out);
    s->nout = 0;
    for (size_t i = 0; i < nv; i++) {
        if (v[i].scope != RP_SCOPE_GROUP)
            continue;
        s->out[s->nout++] = (struct rp_sens_output){
            rp_xstrdup(sc->report_groups[v[i].owner].id),
            rp_xstrdup(sc->products[v[i].product].id), v[i].metric
        };
    }
}

static int check_extremes(struct rp_sensitivity *s,
                          const struct rp_sensitivity_opts *o,
                          struct row_sets *rs, struct rp_diag *diag)
{
    size_t k = s->k, rows = s->design.rows;
    double *x = rp_xmalloc(2 * k * sizeof *x);
    int rc = 0;

    for (size_t i = 0; i < k; i++) {
        x[i] = x[k + i] = s->design.x[i];
        for (size_t r = 1; r < rows; r++) {
            double v = s->design.x[r * k + i];
            x[i] = v < x[i] ? v : x[i];
            x[k + i] = v > x[k + i] ? v : x[k + i];
        }
    }
    for (int end = 0; end < 2 && !rc; end++) {
        struct rp_scenario sc;
        if (load_row(&sc, o, rs, &x[end * k], diag)) {
            /* a whole-network check points at the network, not the input */
            struct rp_loc at = o->inputs[0].loc.file
                                   ? o->inputs[0].loc
                                   : (struct rp_loc){ o->file, 1, 1 };
            rp_diag_at(diag, at, "the scenario is invalid with every "
                       "uncertain input at its %s value in the design",
                       end ? "largest" : "smallest");
            rc = -1;
            break;
        }
        if (end == 0) {
            struct rp_model *m = rp_model_new(&sc);
            find_outputs(s, m);
            rp_model_free(m);
            if (s->nout == 0) {
                rp_diag_at(diag, (struct rp_loc){ o->file, 1, 1 },
                           "sensitivity measures report groups, and the "
                           "scenario has none (add report.groups)");
                rc = -1;
            }
        }
        rp_scenario_release(&sc);
    }
    free(x);
    return rc;
}

/* y[o] = the mean over b's replications of output o, found by name. */
static void row_means(const struct rp_sensitivity *s, const struct rp_model *m,
                      const struct rp_batch *b, double *y)
{
    char name[1024];

    for (size_t o = 0; o < s->nout; o++) {
        const struct rp_sens_output *out = &s->out[o];
        snprintf(name, sizeof name, "groups.%s.%s.%s", out->group,
                 out->product, rp_metric_name(out->metric));
        size_t i = rp_value_index(m, name);
        assert(i != SIZE_MAX);          /* overrides of scalars keep the layout */
        struct rp_summary sum;
        rp_acc_summarize(&b->acc[i], 0.95, &sum);
        y[o] = sum.mean;
    }
}

static int run_rows(struct rp_sensitivity *s,
                    const struct rp_sensitivity_opts *o, struct row_sets *rs,
                    struct rp_diag *diag)
{
    struct rp_batch_opts bo;
    bool root = !o->ranks || o->ranks->rank == 0;

    rp_batch_opts_default(&bo);
    bo.replications = s->replications;
    bo.seed = s->seed;
    bo.threads = o->threads;
    bo.mode = RP_ACC_STREAM;            /* only means are read: no quantiles kept */
    bo.auto_mode = false;
    bo.no_series = true;                /* nor the daily bands: P2 per day was ~10% */
    bo.stop = o->stop;
    bo.ranks = o->ranks;
    s->y = rp_xcalloc(s->design.rows * s->nout + 1, sizeof *s->y);
    for (size_t r = 0; r < s->design.rows; r++) {
        struct rp_scenario sc;
        struct rp_batch b;
        if (load_row(&sc, o, rs, &s->design.x[r * s->k], diag))
            return -1;
        struct rp_model *m = rp_model_new(&sc);
        rp_batch_run(&b, m, &bo);       /* same seed, same reps: CRN */
        bool stopped = b.stopped;
        if (!stopped && root)           /* rank 0 alone holds the merged batch */
            row_means(s, m, &b, &s->y[r * s->nout]);
        s->events += b.events;
        s->seconds += b.seconds;
        s->threads = b.threads;
        s->ranks = b.ranks;
        rp_batch_release(&b);
        rp_model_free(m);
        rp_scenario_release(&sc);
        if (stopped)
            return 1;
        if (o->progress && root) {      /* rows take alike: time left by the mean */
            double left = s->seconds / (double)(r + 1)
                          * (double)(s->design.rows - r - 1);
            fprintf(stderr, "\rripple: sensitivity row %zu of %zu  %.1f min left   ",
                    r + 1, s->design.rows, left / 60);
        }
    }
    if (o->progress && root)
        fputc('\n', stderr);
    return 0;
}

static void estimate(struct rp_sensitivity *s, const struct rp_sensitivity_opts *o)
{
    size_t k = s->k;
    struct rp_sens_boot boot = o->boot;

    boot.seed = s->seed;
    s->nmeasures = s->method == RP_SENS_SOBOL ? RP_SENS_SOBOL_MEASURES
                                              : RP_SENS_MORRIS_MEASURES;
    s->est = rp_xcalloc(s->nout * k * s->nmeasures + 1, sizeof *s->est);
    if (o->ranks && o->ranks->rank != 0)
        return;                         /* their y are 0: nothing to estimate */
    struct rp_sens_est *a = rp_xmalloc(3 * k * sizeof *a);
    for (size_t out = 0; out < s->nout; out++) {
        const double *y = &s->y[out];
        if (s->method == RP_SENS_SOBOL)
            rp_sens_sobol(&s->design, y, s->nout, &boot, a, a + k);
        else
            rp_sens_morris(&s->design, y, s->nout, &boot, a, a + k, a + 2 * k);
        for (size_t i = 0; i < k; i++)
            for (size_t m = 0; m < s->nmeasures; m++)
                s->est[(out * k + i) * s->nmeasures + m] = a[m * k + i];
    }
    free(a);
}

static int make_design(struct rp_sensitivity *s,
                       const struct rp_sensitivity_opts *o,
                       struct rp_diag *diag)
{
    char msg[512];
    int rc;

    if (o->method == RP_SENS_SOBOL)
        rc = rp_sens_design_sobol(&s->design, o->inputs, o->ninputs,
                                  o->samples, msg, sizeof msg);
    else
        rc = rp_sens_design_morris(&s->design, o->inputs, o->ninputs,
                                   o->samples, o->levels, o->seed, msg,
                                   sizeof msg);
    if (rc) {
        /* the first input past a limit, else the block's first line */
        size_t at = o->ninputs > RP_SOBOL_MAX_INPUTS ? RP_SOBOL_MAX_INPUTS : 0;
        struct rp_loc loc = o->ninputs ? o->inputs[at].loc
                                       : (struct rp_loc){ o->file, 1, 1 };
        if (!loc.file)
            loc = (struct rp_loc){ o->file, 1, 1 };
        rp_diag_at(diag, loc, "%s", msg);
    }
    return rc;
}

int rp_sensitivity_run(struct rp_sensitivity *s,
                       const struct rp_sensitivity_opts *o,
                       struct rp_diag *diag)
{
    struct row_sets rs;
    int rc = -1;

    memset(s, 0, sizeof *s);
    s->method = o->method;
    s->k = o->ninputs;
    s->replications = o->replications;
    s->seed = o->seed;
    if (make_design(s, o, diag))
        goto out;
    s->paths = rp_xmalloc(s->k * sizeof *s->paths);
    for (size_t i = 0; i < s->k; i++)
        s->paths[i] = rp_xstrdup(o->inputs[i].path);
    row_sets_init(&rs, o);
    rc = check_extremes(s, o, &rs, diag);
    if (rc == 0)
        rc = run_rows(s, o, &rs, diag);
    if (rc == 0)
        estimate(s, o);
    row_sets_release(&rs);
out:
    if (rc)
        rp_sensitivity_release(s);
    return rc;
}

void rp_sensitivity_release(struct rp_sensitivity *s)
{
    for (size_t i = 0; s->paths && i < s->k; i++)
        free(s->paths[i]);
    free(s->paths);
    for (size_t o = 0; s->out && o < s->nout; o++) {
        free(s->out[o].group);
        free(s->out[o].product);
    }
    free(s->out);
    free(s->y);
    free(s->est);
    rp_sens_design_release(&s->design);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------ output */

static const char *const sobol_names[RP_SENS_SOBOL_MEASURES] = { "S1", "ST" };
static const char *const morris_names[RP_SENS_MORRIS_MEASURES] = {
    "mu_star", "mu", "sigma"
};

static const char *measure_name(const struct rp_sensitivity *s, size_t m)
{
    return s->method == RP_SENS_SOBOL ? sobol_names[m] : morris_names[m];
}

/* Are outputs a and b of the same group (and product)? */
static bool same_group(const struct rp_sens_output *a,
                       const struct rp_sens_output *b)
{
    return !strcmp(a->group, b->group) && !strcmp(a->product, b->product);
}

static void json_output(FILE *out, const struct rp_sensitivity *s, size_t o)
{
    for (size_t i = 0; i < s->k; i++) {
        fputs(i ? ",\n        " : "\n        ", out);
        rp_json_str(out, s->paths[i]);
        fputs(": {", out);
        for (size_t m = 0; m < s->nmeasures; m++) {
            const struct rp_sens_est *e = rp_sensitivity_est(s, o, i, m);
            fputs(m ? ", " : "", out);
            rp_json_str(out, measure_name(s, m));
            fputs(": {\"mean\": ", out);
            rp_json_num(out, e->mean);
            fputs(", \"ci\": [", out);
            rp_json_num(out, e->lo);
            fputs(", ", out);
            rp_json_num(out, e->hi);
            fputs("]}", out);
        }
        fputc('}', out);
    }
}

void rp_sensitivity_json(FILE *out, const struct rp_sensitivity *s)
{
    fputs("{\"method\": ", out);
    rp_json_str(out, s->method == RP_SENS_SOBOL ? "sobol" : "morris");
    fputs(",\n \"inputs\": [", out);
    for (size_t i = 0; i < s->k; i++) {
        fputs(i ? ", " : "", out);
        rp_json_str(out, s->paths[i]);
    }
    fputs("],\n \"groups\": {", out);
    /* outputs come grouped: a group's values are contiguous in the model */
    for (size_t o = 0; o < s->nout; o++) {
        const struct rp_sens_output *c = &s->out[o];
        bool first = o == 0 || strcmp(c->group, s->out[o - 1].group);
        bool firstp = first || !same_group(c, &s->out[o - 1]);
        if (first) {
            fputs(o ? "}},\n  " : "\n  ", out);
            rp_json_str(out, c->group);
            fputs(": {", out);
        }
        if (firstp) {
            if (!first)
                fputs("},", out);
            fputs("\n    ", out);
            rp_json_str(out, c->product);
            fputs(": {", out);
        } else {
            fputc(',', out);
        }
        fputs("\n      ", out);
        rp_json_str(out, rp_metric_name(c->metric));
        fputs(": {", out);
        json_output(out, s, o);
        fputc('}', out);
    }
    fputs(s->nout ? "}}}}" : "}}", out);
}

/* x to 4 decimals, as the table prints it; -0 prints as 0. */
static double table_round(double x)
{
    return round(x * 1e4) / 1e4 + 0.0;
}

/* Does input i show no effect at all on output o (every measure 0 to 4 decimals)? */
static bool no_effect(const struct rp_sensitivity *s, size_t o, size_t i)
{
    for (size_t m = 0; m < s->nmeasures; m++) {
        const struct rp_sens_est *e = rp_sensitivity_est(s, o, i, m);
        if (table_round(e->mean) != 0 || table_round(e->lo) != 0
            || table_round(e->hi) != 0)
            return false;
    }
    return true;
}

/* order[0..k) of the inputs by measure m on output o, largest first; NaN last. */
static void rank_inputs(const struct rp_sensitivity *s, size_t o, size_t m,
                        size_t *order)
{
    for (size_t i = 0; i < s->k; i++) {         /* insertion sort: k is small */
        size_t j = i;
        double v = rp_sensitivity_est(s, o, i, m)->mean;
        while (j > 0) {
            double w = rp_sensitivity_est(s, o, order[j - 1], m)->mean;
            if (!(isnan(w) && !isnan(v)) && !(v > w))
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

static void table_row(FILE *out, const struct rp_sensitivity *s, size_t o,
                      size_t i, const char *metric, int width)
{
    char a[RP_FMT_DOUBLE_CAP], b[RP_FMT_DOUBLE_CAP], c[RP_FMT_DOUBLE_CAP];

    fprintf(out, "  %-14s %-*s", metric, width, s->paths[i]);
    for (size_t m = 0; m < s->nmeasures; m++) {
        const struct rp_sens_est *e = rp_sensitivity_est(s, o, i, m);
        rp_fmt_double(a, sizeof a, table_round(e->mean));
        rp_fmt_double(b, sizeof b, table_round(e->lo));
        rp_fmt_double(c, sizeof c, table_round(e->hi));
        fprintf(out, "  %s %s [%s, %s]", measure_name(s, m), a, b, c);
    }
    fputc('\n', out);
}

/*
 * Per group and metric, the inputs ranked by ST (Morris: mu*); the inputs
 * with no effect on a metric share one line, so a long uncertain: block
 * does not bury the few that matter.
 */
void rp_sensitivity_table(FILE *out, const struct rp_sensitivity *s)
{
    size_t rank_by = s->method == RP_SENS_SOBOL ? 1 : 0;    /* ST, mu* */
    size_t *order = rp_xmalloc((s->k + 1) * sizeof *order);
    int width = 0;

    for (size_t i = 0; i < s->k; i++)
        if ((int)strlen(s->paths[i]) > width)
            width = (int)strlen(s->paths[i]);
    fprintf(out, "%s sensitivity: %zu inputs, %zu design rows x %ld "
            "replications (common random numbers)\n",
            s->method == RP_SENS_SOBOL ? "Sobol" : "Morris", s->k,
            s->design.rows, s->replications);
    for (size_t o = 0; o < s->nout; o++) {
        const struct rp_sens_output *c0 = &s->out[o];
        const char *metric = rp_metric_name(c0->metric);
        if (o == 0 || !same_group(c0, &s->out[o - 1]))
            fprintf(out, "\n%s (%s)\n", c0->group, c0->product);
        rank_inputs(s, o, rank_by, order);
        if (isnan(rp_sensitivity_est(s, o, order[0], rank_by)->mean)) {
            fprintf(out, "  %-14s does not vary\n", metric);
            continue;
        }
        size_t shown = 0;
        for (size_t r = 0; r < s->k; r++)
            if (!no_effect(s, o, order[r]))
                table_row(out, s, o, order[r], shown++ ? "" : metric, width);
        if (shown < s->k)
            fprintf(out, "  %-14s (%zu other input%s: no effect)\n",
                    shown ? "" : metric, s->k - shown, s->k - shown == 1 ? "" : "s");
    }
    free(order);
}

void rp_sensitivity_design_csv(FILE *out, const struct rp_sensitivity *s)
{
    char buf[RP_FMT_DOUBLE_CAP];

    fputs("row", out);
    for (size_t i = 0; i < s->k; i++)
        fprintf(out, ",%s", s->paths[i]);
    for (size_t o = 0; o < s->nout; o++)
        fprintf(out, ",groups.%s.%s.%s", s->out[o].group, s->out[o].product,
                rp_metric_name(s->out[o].metric));
    fputc('\n', out);
    for (size_t r = 0; r < s->design.rows; r++) {
        fprintf(out, "%zu", r);
        for (size_t i = 0; i < s->k; i++) {
            rp_fmt_double(buf, sizeof buf, s->design.x[r * s->k + i]);
            fprintf(out, ",%s", buf);
        }
        for (size_t o = 0; o < s->nout; o++) {
            rp_fmt_double(buf, sizeof buf, s->y[r * s->nout + o]);
            fprintf(out, ",%s", buf);
        }
        fputc('\n', out);
    }
}
