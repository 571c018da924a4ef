/*
 * periods.h - calendar years of a run: which days each covers, and the
 * per-year shortfall a run reports for each report group.
 *
 * A scenario whose report gives `day0: YYYY-MM-DD` (the calendar date of
 * day 0) is cut into calendar years: year Y covers the days from 1 January
 * of Y to 1 January of Y + 1, clipped to [0, horizon). For each report
 * group and year a replication reports (docs/SCENARIO-FORMAT.md, "Per
 * year"):
 *   unmet            units lost in the year plus units owed at its end
 *                    (the horizon's definition at each year's end);
 *   starved          output lost for want of inputs during the year;
 *   peak_backorders  the most the members owed together at any instant of
 *                    the year.
 * So the years' starved add up to the run's, the largest year's peak is
 * the run's peak, and without lost sales the last year's unmet is the
 * run's. A year (or its part) before the warm-up reports 0.
 */
#ifndef RIPPLE_PERIODS_H
#define RIPPLE_PERIODS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ripple/metrics.h"
#include "ripple/scenario.h"

/* Most calendar years a run reports; a longer horizon is refused at day0. */
#define RP_MAX_PERIODS 200

struct rp_period {
    int year;           /* calendar year */
    double start, end;  /* days [start, end) of the run it covers */
};

/*
 * Reads s as a date YYYY-MM-DD of the proleptic Gregorian calendar
 * (years 1000..9999) into days since 1970-01-01. Returns 0, or -1 when s is
 * not such a date (nothing written).
 */
int rp_date_parse(const char *s, int64_t *days);

/*
 * The calendar years of [0, horizon) from day 0 = day0 (days since
 * 1970-01-01), in order, into out (room for cap). Returns how many there
 * are, which may exceed cap (then only cap are written).
 */
size_t rp_periods_of(int64_t day0, double horizon, struct rp_period *out, size_t cap);

/* The metrics reported per year, in the order each group's values come. */
#define RP_PERIOD_NMETRICS 3
extern const enum rp_metric rp_period_metrics[RP_PERIOD_NMETRICS];

struct rp_batch;

/*
 * The per-year table of a run: for each report group with per-year
 * values (the lead first), one row per year with each metric's mean, its
 * interval, p95 and the share of replications above 0. Nothing when the
 * scenario has no day0.
 */
void rp_periods_table(FILE *out, const struct rp_batch *b);

#endif
