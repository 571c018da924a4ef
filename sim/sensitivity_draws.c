/*
 * sensitivity_draws.c - a replication that draws its uncertain inputs
 * (sensitivity_draws.h says what and why).
 */
#include "sensitivity_draws.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine_impl.h"
#include "ripple/stats.h"

/* Do two models lay out their first n values alike? */
static bool same_layout(const struct rp_model *a, const struct rp_model *b,
                        size_t n)
{
    if (rp_model_series_len(a) != rp_model_series_len(b))
        return false;
    const struct rp_value_desc *va = rp_model_values(a), *vb = rp_model_values(b);
    for (size_t i = 0; i < n; i++)
        if (va[i].scope != vb[i].scope || va[i].owner != vb[i].owner
            || va[i].node != vb[i].node || va[i].product != vb[i].product
            || va[i].metric != vb[i].metric)
            return false;
    return true;
}

static uint64_t run_with(struct rp_run *r, const struct rp_scenario *own,
                         uint64_t seed, uint64_t rep, double *out,
                         double *series)
{
    const struct rp_model *m = r->m;
    size_t n = m->nvalues - m->ninputs;
    struct rp_model *om = rp_model_new(own);
    uint64_t events = 0;
    if (rp_model_nvalues(om) == n && same_layout(m, om, n)) {
        struct rp_run *own_run = rp_run_new(om);
        rp_run_set_budget(own_run, r->max_steps);
        events = rp_run_replicate(own_run, seed, rep, out, series);
        r->status = rp_run_status(own_run);
        r->now = rp_run_now(own_run);
        rp_run_free(own_run);
    } else {
        for (size_t i = 0; out && i < n; i++)
            out[i] = NAN;
    }
    rp_model_free(om);
    return events;
}

uint64_t rp_draws_replicate(struct rp_run *r, uint64_t seed, uint64_t rep,
                            double *out, double *series)
{
    const struct rp_model *m = r->m;
    const struct rp_scenario *sc = m->sc;
    size_t k = m->ninputs, n = m->nvalues - k;
    double *x = rp_xmalloc((k + 1) * sizeof *x);
    char (*text)[RP_FMT_DOUBLE_CAP] = rp_xmalloc((k + 1) * sizeof *text);
    const char **vals = rp_xmalloc((k + 1) * sizeof *vals);

    for (size_t i = 0; i < k; i++) {
        gsl_rng *g = r->streams[m->input_stream[i]];
        rp_rng_rekey(g, rp_key(seed, rep, m->stream_keys[m->input_stream[i]]));
        x[i] = rp_dist_sample(&sc->uncertain[i].dist, g);
        rp_fmt_double(text[i], sizeof text[i], x[i]);   /* round-trips exactly */
        vals[i] = text[i];
    }
    struct rp_scenario own;
    struct rp_diag diag;
    uint64_t events = 0;
    rp_diag_init(&diag);
    r->status = RP_RUN_OK;
    if (rp_scenario_with_inputs(&own, sc, vals, &diag) == 0) {
        events = run_with(r, &own, seed, rep, out, series);
        rp_scenario_release(&own);
    } else {
        for (size_t i = 0; out && i < n; i++)
            out[i] = NAN;
    }
    rp_diag_release(&diag);
    for (size_t i = 0; out && i < k; i++)
        out[n + i] = x[i];
    free(vals);
    free(text);
    free(x);
    return events;
}
