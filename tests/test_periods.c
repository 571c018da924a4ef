/*
 * test_periods.c - calendar years (periods.h): dates, the years of a run,
 * and the per-year shortfall of report groups.
 *
 * Dates are checked against Python's datetime (the figures in comments),
 * the per-year values against a hand-worked network whose answers follow
 * from the calendar alone, and against the run's own totals on the
 * flagship: the years' starved add up to the run's, the largest yearly
 * peak is the run's peak, and (no lost sales there) the last year's unmet
 * is the run's.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ripple/periods.h"
#include "support.h"

TestSuite(periods, .timeout = 300);

Test(periods, dates_are_read_exactly_and_bad_ones_refused)
{
    int64_t d = -1;
    cr_expect_eq(rp_date_parse("1970-01-01", &d), 0);
    cr_expect_eq(d, 0);
    cr_expect_eq(rp_date_parse("2023-06-06", &d), 0);
    cr_expect_eq(d, 19514);             /* (date(2023,6,6) - date(1970,1,1)).days */
    cr_expect_eq(rp_date_parse("1000-03-01", &d), 0);
    cr_expect_eq(d, -354226);
    cr_expect_eq(rp_date_parse("2024-02-29", &d), 0);
    cr_expect_eq(rp_date_parse("2000-02-29", &d), 0);
    static const char *const bad[] = {
        "2023-02-29", "1900-02-29", "2023-13-01", "2023-00-10", "2023-06-31",
        "2023-6-6", "2023-06-06x", "abcd-01-01", "0999-12-31", "2023/06/06", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        d = 42;
        cr_expect_eq(rp_date_parse(bad[i], &d), -1, "'%s' was read as a date", bad[i]);
        cr_expect_eq(d, 42, "'%s' wrote a date", bad[i]);
    }
}

Test(periods, the_flagship_runs_over_eight_calendar_years)
{
    int64_t day0;
    cr_assert_eq(rp_date_parse("2023-06-06", &day0), 0);
    struct rp_period p[16];
    size_t n = rp_periods_of(day0, 2766, p, 16);
    cr_assert_eq(n, 8);
    cr_expect_eq(p[0].year, 2023);
    cr_expect_eq(p[0].start, 0);
    cr_expect_eq(p[0].end, 209);        /* 1 Jan 2024 is day 209 */
    cr_expect_eq(p[1].start, 209);
    cr_expect_eq(p[1].end, 209 + 366);  /* 2024 is a leap year */
    cr_expect_eq(p[7].year, 2030);
    cr_expect_eq(p[7].start, 2401);     /* 1 Jan 2030 */
    cr_expect_eq(p[7].end, 2766);       /* the horizon is 1 Jan 2031 */
    for (size_t i = 1; i < n; i++)
        cr_expect_eq(p[i].start, p[i - 1].end);
    /* A horizon inside one year, and a count past the room given. */
    cr_expect_eq(rp_periods_of(day0, 10, p, 16), 1);
    cr_expect_eq(p[0].end, 10);
    cr_expect_eq(rp_periods_of(day0, 2766, p, 2), 8);
}

/*
 * A plant that wants 1 widget a day (output target 1000) but whose only
 * input is banned from day 0: starved 1 a day, from day 0. A shop orders
 * one widget every 2 days (days 2, 4, ...) and waits for them. Day 0 =
 * 29 Dec 2023, horizon 399: 2023 is days [0, 3), 2024 [3, 369) (366 days),
 * 2025 [369, 399).
 */
static const char hand[] =
    "ripple: 1\nhorizon: 399\nreplications: 1\nseed: 1\n"
    "products: { part: { unit: u }, widget: { unit: u } }\n"
    "nodes:\n"
    "  src: { country: CN, supply: unlimited }\n"
    "  plant:\n"
    "    country: KR\n    tags: [maker]\n"
    "    make: { product: widget, capacity: 1, inputs: { part: 1 } }\n"
    "    stock:\n"
    "      part: { initial: 0, policy: base_stock, level: 0 }\n"
    "      widget: { initial: 0, policy: base_stock, level: 1000 }\n"
    "    sources: { part: { src: { share: 1, lead_time: 0 } } }\n"
    "  shop:\n"
    "    country: KR\n    tags: [shop]\n"
    "    demand: { product: widget, every: 2, size: 1, unmet: backorder }\n"
    "    sources: { widget: { plant: { share: 1, lead_time: 0 } } }\n"
    "events:\n"
    "  ban: { type: export_ban, from: [CN], to: [KR], products: [part], start: 0,\n"
    "         duration: forever }\n"
    "report:\n"
    "  groups: { makers: { tags: [maker] }, shops: { tags: [shop] } }\n"
    "  day0: 2023-12-29\n";

static double one(const struct test_arm *a, const char *name)
{
    double x;
    cr_assert_not_null(test_column(a, name, &x), "no value called %s", name);
    return x;
}

static void run_hand(struct test_arm *a, const struct rp_override *ov, size_t nov)
{
    const struct test_run how = { .text = hand, .name = "hand.yaml", .ov = ov, .nov = nov,
                                  .replications = 1, .seed = 1, .threads = 1 };
    test_arm_run(a, &how);
}

Test(periods, a_starved_plant_and_a_waiting_shop_year_by_year)
{
    struct test_arm a;
    run_hand(&a, NULL, 0);
    cr_expect_eq(one(&a, "periods.makers.2023.starved"), 3);
    cr_expect_eq(one(&a, "periods.makers.2024.starved"), 366);
    cr_expect_eq(one(&a, "periods.makers.2025.starved"), 30);
    /* Orders of days 2 | 4..368 | 370..398 are owed at each year's end. */
    cr_expect_eq(one(&a, "periods.shops.2023.unmet"), 1);
    cr_expect_eq(one(&a, "periods.shops.2024.unmet"), 184);
    cr_expect_eq(one(&a, "periods.shops.2025.unmet"), 199);
    cr_expect_eq(one(&a, "periods.shops.2024.peak_backorders"), 184);
    cr_expect_eq(one(&a, "periods.shops.2025.unmet"), one(&a, "groups.shops.widget.unmet"));
    cr_expect_eq(one(&a, "periods.shops.2023.starved"), 0);
    test_arm_release(&a);
}

Test(periods, lost_sales_count_in_the_year_they_are_lost)
{
    static const struct rp_override lost[] = { { "nodes.shop.demand.unmet", "lost" } };
    struct test_arm a;
    run_hand(&a, lost, 1);
    cr_expect_eq(one(&a, "periods.shops.2023.unmet"), 1);
    cr_expect_eq(one(&a, "periods.shops.2024.unmet"), 183);
    cr_expect_eq(one(&a, "periods.shops.2025.unmet"), 15);
    cr_expect_eq(one(&a, "periods.shops.2024.peak_backorders"), 0);
    test_arm_release(&a);
}

Test(periods, years_before_the_warmup_report_nothing)
{
    static const struct rp_override warm[] = { { "warmup", "10" } };
    struct test_arm a;
    run_hand(&a, warm, 1);
    cr_expect_eq(one(&a, "periods.makers.2023.starved"), 0);
    cr_expect_eq(one(&a, "periods.makers.2024.starved"), 369 - 10);
    cr_expect_eq(one(&a, "periods.makers.2025.starved"), 30);
    test_arm_release(&a);
}

/* On the flagship, per replication: the years against the run's totals. */
#define FLAG_REPS 3
Test(periods, on_the_flagship_the_years_add_up_to_the_run)
{
    struct test_arm a;
    const struct test_run how = { .file = RP_SOURCE_DIR "/scenarios/japan-excludes-korea.yaml",
                                  .replications = FLAG_REPS, .seed = 20230606, .threads = 2 };
    test_arm_run(&a, &how);
    size_t np;
    const struct rp_period *pe = rp_model_periods(a.m, &np);
    cr_assert_eq(np, 8);
    static const char *const groups[] = { "korean_cell_makers", "cell_plants_in_korea" };
    for (size_t gi = 0; gi < 2; gi++) {
        const char *g = groups[gi];
        char name[256];
        double total[FLAG_REPS], peak[FLAG_REPS], unmet[FLAG_REPS];
        double sum[FLAG_REPS] = { 0 }, max[FLAG_REPS] = { 0 }, last[FLAG_REPS];
        snprintf(name, sizeof name, "groups.%s.cell.starved", g);
        cr_assert_not_null(test_column(&a, name, total));
        snprintf(name, sizeof name, "groups.%s.cell.peak_backorders", g);
        cr_assert_not_null(test_column(&a, name, peak));
        snprintf(name, sizeof name, "groups.%s.cell.unmet", g);
        cr_assert_not_null(test_column(&a, name, unmet));
        for (size_t k = 0; k < np; k++) {
            double v[FLAG_REPS];
            snprintf(name, sizeof name, "periods.%s.%d.starved", g, pe[k].year);
            cr_assert_not_null(test_column(&a, name, v), "no %s", name);
            for (int r = 0; r < FLAG_REPS; r++)
                sum[r] += v[r];
            snprintf(name, sizeof name, "periods.%s.%d.peak_backorders", g, pe[k].year);
            cr_assert_not_null(test_column(&a, name, v), "no %s", name);
            for (int r = 0; r < FLAG_REPS; r++)
                max[r] = fmax(max[r], v[r]);
            snprintf(name, sizeof name, "periods.%s.%d.unmet", g, pe[k].year);
            cr_assert_not_null(test_column(&a, name, last));
        }
        for (int r = 0; r < FLAG_REPS; r++) {
            cr_expect_gt(total[r], 0, "%s starves nothing: the sum tests nothing", g);
            cr_expect_leq(fabs(sum[r] - total[r]), 1e-9 * total[r],
                          "%s rep %d: years' starved %.17g, run's %.17g", g, r, sum[r], total[r]);
            cr_expect_leq(fabs(max[r] - peak[r]), 1e-9 * peak[r],
                          "%s rep %d: largest yearly peak %.17g, run's %.17g", g, r, max[r], peak[r]);
            cr_expect_leq(fabs(last[r] - unmet[r]), 1e-9 * unmet[r],
                          "%s rep %d: 2030 unmet %.17g, run's %.17g", g, r, last[r], unmet[r]);
        }
    }
    test_arm_release(&a);
}
