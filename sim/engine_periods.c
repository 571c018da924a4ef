/*
 * engine_periods.c - per calendar year shortfall of each report group
 * (periods.h): what the group lost and owed, was starved of, and owed at
 * most, year by year.
 *
 * A year is closed at the day end where it ends (EV_DAY: day d ends at
 * time d + 1) and the last at the horizon; what happens at that instant
 * before the day end counts in the year that ends. Closing reads the
 * members' cumulative lost and starved (the figures the run reports at
 * the horizon) against their values when the year opened, and the year's
 * own peak of the group's owed, tracked as the run's peak is
 * (rp_eng_note_owed).
 */
#include "engine_impl.h"

#include <string.h>

#include "ripple/periods.h"

struct per_st {
    uint32_t next;          /* the first year not yet closed */
    double *lost0;          /* per group: members' lost when the open year began */
    double *starved0;       /* per group: members' starved then */
    double *peak;           /* per group: the open year's peak of owed */
    double *val;            /* [year][group][RP_PERIOD_NMETRICS] */
};

static size_t ngroups(const struct rp_run *r)
{
    return r->m->ngroups;
}

void rp_eng_periods_new(struct rp_run *r)
{
    const struct rp_model *m = r->m;
    if (!m->nperiods)
        return;
    size_t g = ngroups(r);
    struct per_st *p = rp_xcalloc(1, sizeof *p);
    p->lost0 = rp_xcalloc(g + 1, sizeof *p->lost0);
    p->starved0 = rp_xcalloc(g + 1, sizeof *p->starved0);
    p->peak = rp_xcalloc(g + 1, sizeof *p->peak);
    p->val = rp_xcalloc(m->nperiods * g * RP_PERIOD_NMETRICS + 1, sizeof *p->val);
    r->per = p;
}

void rp_eng_periods_free(struct rp_run *r)
{
    struct per_st *p = r->per;
    if (!p)
        return;
    free(p->lost0);
    free(p->starved0);
    free(p->peak);
    free(p->val);
    free(p);
    r->per = NULL;
}

void rp_eng_periods_reset(struct rp_run *r)
{
    struct per_st *p = r->per;
    if (!p)
        return;
    size_t g = ngroups(r);
    p->next = 0;
    memset(p->lost0, 0, g * sizeof *p->lost0);
    memset(p->starved0, 0, g * sizeof *p->starved0);
    memset(p->peak, 0, g * sizeof *p->peak);
    memset(p->val, 0, r->m->nperiods * g * RP_PERIOD_NMETRICS * sizeof *p->val);
}

/* The warm-up zeroed the counters: years before it report 0, the open one starts here. */
void rp_eng_periods_warmup(struct rp_run *r)
{
    struct per_st *p = r->per;
    if (!p)
        return;
    size_t g = ngroups(r);
    memset(p->val, 0, p->next * g * RP_PERIOD_NMETRICS * sizeof *p->val);
    memset(p->lost0, 0, g * sizeof *p->lost0);
    memset(p->starved0, 0, g * sizeof *p->starved0);
    for (size_t i = 0; i < g; i++)
        p->peak[i] = rp_eng_group_owed_floor(r, (uint32_t)i);
}

void rp_eng_periods_owed(struct rp_run *r, uint32_t g)
{
    if (r->grp_owed[g] > r->per->peak[g])
        r->per->peak[g] = r->grp_owed[g];
}

/*
 * Group g's members' cumulative lost and starved, and what they owe, now
 * (their nodes touched). Owed is summed afresh, not taken from the running
 * sum grp_owed, so that a year that owes nothing reports exactly 0.
 */
static void group_totals(struct rp_run *r, uint32_t g, double *lost, double *starved,
                         double *owed)
{
    const struct rp_model *m = r->m;
    *lost = *starved = *owed = 0;
    for (uint32_t i = m->group_hold0[g]; i < m->group_hold0[g + 1]; i++) {
        uint32_t h = m->group_holds[i];
        *lost += r->h[h].lost;
        *owed += r->h[h].owed_now;
        if (m->holds[h].role == ROLE_OUTPUT) {
            rp_eng_touch_node(r, m->holds[h].node);
            *starved += r->n[m->holds[h].node].starve_int;
        }
    }
}

/* Closes the open year now: its figures from the totals, the next opens. */
static void close_year(struct rp_run *r)
{
    struct per_st *p = r->per;
    size_t ng = ngroups(r);
    double *val = &p->val[p->next * ng * RP_PERIOD_NMETRICS];
    for (uint32_t g = 0; g < ng; g++) {
        double lost, starved, owed;
        group_totals(r, g, &lost, &starved, &owed);
        double *v = &val[g * RP_PERIOD_NMETRICS];
        v[0] = lost - p->lost0[g] + owed;               /* unmet */
        v[1] = starved - p->starved0[g];                /* starved */
        v[2] = p->peak[g];                              /* peak_backorders */
        p->lost0[g] = lost;
        p->starved0[g] = starved;
        p->peak[g] = rp_eng_group_owed_floor(r, g);
    }
    p->next++;
}

void rp_eng_periods_day(struct rp_run *r, uint32_t day)
{
    struct per_st *p = r->per;
    if (!p)
        return;
    const struct rp_model *m = r->m;
    /* The last year closes at the horizon, in rp_eng_periods_finish. */
    while (p->next + 1 < m->nperiods && m->periods[p->next].end <= (double)day + 1)
        close_year(r);
}

void rp_eng_periods_finish(struct rp_run *r)
{
    struct per_st *p = r->per;
    if (!p || p->next >= r->m->nperiods)
        return;
    close_year(r);          /* the year the run ended in (the last, unless stopped early) */
}

double rp_eng_period_value(const struct rp_run *r, const struct rp_value_desc *v)
{
    const struct per_st *p = r->per;
    if (!p || v->node >= r->m->nperiods)
        return 0;
    int j = 0;
    while (j < RP_PERIOD_NMETRICS && rp_period_metrics[j] != v->metric)
        j++;
    if (j == RP_PERIOD_NMETRICS)
        return 0;
    return p->val[(v->node * ngroups(r) + v->owner) * RP_PERIOD_NMETRICS + (size_t)j];
}
