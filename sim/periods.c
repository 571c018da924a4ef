/*
 * periods.c - calendar years of a run and the per-year table (periods.h).
 */
#include "ripple/periods.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/batch.h"
#include "ripple/diag.h"
#include "ripple/model.h"
#include "ripple/report.h"
#include "ripple/stats.h"

const enum rp_metric rp_period_metrics[RP_PERIOD_NMETRICS] = {
    RP_M_UNMET, RP_M_STARVED, RP_M_PEAK_BACKORDERS,
};

/*
 * Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (days_from_civil of H. Hinnant's "chrono-compatible low-level date
 * algorithms"): eras of 400 years, years counted from March so that the
 * leap day ends the year.
 */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                   /* [0, 399] */
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int rp_date_parse(const char *s, int64_t *days)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    int f[3] = { 0, 0, 0 };
    static const int at[3] = { 0, 5, 8 }, len[3] = { 4, 2, 2 };
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < len[k]; i++) {
            char c = s[at[k] + i];
            if (c < '0' || c > '9')
                return -1;
            f[k] = f[k] * 10 + (c - '0');
        }
    int y = f[0], m = f[1], d = f[2];
    if (y < 1000 || m < 1 || m > 12 || d < 1)
        return -1;
    if (d > mdays[m - 1] + (m == 2 && leap(y)))
        return -1;
    *days = days_from_civil(y, m, d);
    return 0;
}

/* The year of the date days after 1970-01-01 (only the year is needed). */
static int year_of(int64_t days)
{
    int y = (int)floor(1970 + (double)days / 365.2425);
    while (days_from_civil(y, 1, 1) > days)
        y--;
    while (days_from_civil(y + 1, 1, 1) <= days)
        y++;
    return y;
}

size_t rp_periods_of(int64_t day0, double horizon, struct rp_period *out, size_t cap)
{
    size_t n = 0;
    if (!(horizon > 0))
        return 0;
    int y = year_of(day0);
    double start = 0;
    while (start < horizon) {
        double end = (double)(days_from_civil(y + 1, 1, 1) - day0);
        if (end > horizon)
            end = horizon;
        if (n < cap)
            out[n] = (struct rp_period){ .year = y, .start = start, .end = end };
        n++;
        if (n > RP_MAX_PERIODS)
            break;                      /* the caller refuses it: stop counting */
        start = end;
        y++;
    }
    return n;
}

/* Index of group g's value of metric in period k, or SIZE_MAX. */
static size_t period_value(const struct rp_model *m, uint32_t g, uint32_t k,
                           enum rp_metric metric)
{
    const struct rp_value_desc *v = rp_model_values(m);
    for (size_t i = 0; i < rp_model_nvalues(m); i++)
        if (v[i].scope == RP_SCOPE_PERIOD && v[i].owner == g && v[i].node == k
            && v[i].metric == metric)
            return i;
    return SIZE_MAX;
}

static const char *const metric_note[RP_PERIOD_NMETRICS] = {
    "lost in the year + owed at its end",
    "output lost for want of inputs in the year",
    "most owed at any instant of the year",
};

static void group_table(FILE *out, const struct rp_batch *b, uint32_t g)
{
    const struct rp_model *m = b->model;
    const struct rp_scenario *sc = rp_model_scenario(m);
    size_t np;
    const struct rp_period *pe = rp_model_periods(m, &np);
    uint32_t p = rp_model_group_product(m, g);
    if (p == RP_NONE || !np || period_value(m, g, 0, rp_period_metrics[0]) == SIZE_MAX)
        return;
    int pct = (int)lround(100 * sc->confidence);
    fprintf(out, "\n%s: %s (%s) per calendar year (day 0 = %s)\n",
            sc->report_groups[g].id, sc->products[p].id,
            sc->products[p].unit ? sc->products[p].unit : "units", sc->day0_text);
    for (int k = 0; k < RP_PERIOD_NMETRICS; k++) {
        fprintf(out, "  %s (%s)\n  %-10s %11s  %-24s %10s %10s %8s\n",
                rp_metric_name(rp_period_metrics[k]), metric_note[k], "year", "mean",
                pct == 95 ? "95% interval" : "interval", "p95", "CVaR95", "P(any)");
        for (uint32_t y = 0; y < np; y++) {
            size_t i = period_value(m, g, y, rp_period_metrics[k]);
            if (i == SIZE_MAX)
                continue;
            struct rp_summary s;
            rp_acc_summarize(&b->acc[i], sc->confidence, &s);
            char label[32];
            bool part = pe[y].end - pe[y].start < 365;
            snprintf(label, sizeof label, "%d%s", pe[y].year, part ? "*" : "");
            fprintf(out, "  %-10s %11.4g  [%10.4g, %10.4g] %10.4g %10.4g %8.3f\n",
                    label, s.mean, s.ci_lo, s.ci_hi, s.p95, s.cvar95, s.p_pos);
        }
    }
    fputs("  (* part of a year)\n", out);
}

void rp_periods_table(FILE *out, const struct rp_batch *b)
{
    const struct rp_scenario *sc = rp_model_scenario(b->model);
    if (!sc->has_day0)
        return;
    uint32_t *order = rp_xmalloc((sc->nreport_groups + 1) * sizeof *order);
    size_t ng = rp_report_group_order(sc, order);
    for (size_t k = 0; k < ng; k++)
        group_table(out, b, order[k]);
    free(order);
}
