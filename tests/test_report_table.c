#define _POSIX_C_SOURCE 200809L
/*
 * test_report_table.c - the text table ripple run prints: survival blocks
 * printed once, the cost line, shortfall intervals cut at zero, uncertain
 * draws (also in JSON) and the input that binds.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ripple/batch.h"
#include "ripple/compare.h"
#include "ripple/csvread.h"
#include "ripple/engine.h"
#include "ripple/provenance.h"
#include "ripple/report.h"

#include "report_fixture.h"

TestSuite(report, .init = setup, .fini = teardown);

/* Loads text (named name in messages) into sc, which must succeed. */
static void load_text(struct rp_scenario *sc, const char *text, const char *name)
{
    struct rp_diag d;
    struct rp_load_opts lo = { 0 };
    rp_diag_init(&d);
    cr_assert_eq(rp_scenario_load_string(sc, text, name, &lo, &d), 0);
    rp_diag_release(&d);
}

/* ripple run's text table of sc over reps replications (seed 5). */
static char *table_of(const struct rp_scenario *sc, long reps)
{
    struct rp_batch_opts bo;
    struct rp_batch b;
    struct rp_model *m = rp_model_new(sc);
    rp_batch_opts_default(&bo);
    bo.replications = reps;
    bo.seed = 5;
    bo.threads = 1;
    rp_batch_run(&b, m, &bo);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    rp_report_table(f, &b);
    fclose(f);
    rp_batch_release(&b);
    rp_model_free(m);
    char *copy = strdup(out);   /* a plain heap string: gcc loses track of */
    free(out);                  /* open_memstream's and warns of dangling */
    return copy;
}

/* Loads text into sc and returns ripple run's table of reps replications. */
static char *table_of_text(struct rp_scenario *sc, const char *text,
                           const char *name, long reps)
{
    load_text(sc, text, name);
    return table_of(sc, reps);
}

/*
 * ban and ban2 start together and cut the same film, so every member's
 * survival after them is the same; late starts 40 days later, and the
 * horizon censors its survival 40 days earlier. The table prints the
 * first block once, naming both, and late's apart, in each of the groups.
 */
Test(report, table_prints_each_distinct_survival_block_once)
{
    static const char *const extra =
        "  ban2: { type: export_ban, from: [JP], to: [KR], products: [film], start: 30, duration: 40 }\n"
        "  late: { type: export_ban, from: [JP], to: [KR], products: [film], start: 70, duration: 10 }\n";
    const char *at = strstr(yaml, "report:\n");
    cr_assert_not_null(at);
    size_t head = (size_t)(at - yaml);
    char *text = malloc(sizeof yaml + strlen(extra));
    memcpy(text, yaml, head);
    strcpy(text + head, extra);
    strcat(text, at);

    struct rp_scenario sc;
    load_text(&sc, text, "chain.yaml");
    char *out = table_of(&sc, 20);

    cr_expect_eq(count_in(out, "  after ban, ban2 (the same for each; days;"),
                 NGROUPS, "%s", out);
    cr_expect_eq(count_in(out, "  after late (days;"), NGROUPS, "%s", out);
    cr_expect_eq(count_in(out, "tts p50"), 2 * NGROUPS, "%s", out);
    cr_expect_eq(count_in(out, "after ban2"), 0, "%s", out);
    free(out);
    free(text);
    rp_scenario_release(&sc);
}

/*
 * The flagship prices its chain: each group's cost line names the parts,
 * and (means of per-replication sums) the parts add up to the total as
 * printed, to the rounding of 4 significant digits.
 */
Test(report, table_has_a_cost_line_whose_parts_add_up)
{
    struct rp_scenario sc;
    struct rp_diag d;
    struct rp_load_opts lo = { 0 };
    rp_diag_init(&d);
    cr_assert_eq(rp_scenario_load(&sc, RP_SOURCE_DIR
                                  "/scenarios/japan-excludes-korea.yaml", &lo, &d), 0);
    rp_diag_release(&d);
    char *out = table_of(&sc, 3);

    int lines = 0;
    for (const char *p = out; (p = strstr(p, "  cost (USD, means): ")); p++) {
        double spend, hold, shortage, policy, cost, lo_, hi;
        int got = sscanf(p, "  cost (USD, means): spend %lf + holding %lf + "
                         "shortage %lf + policy %lf = cost %lf [%lf, %lf]",
                         &spend, &hold, &shortage, &policy, &cost, &lo_, &hi);
        cr_assert_eq(got, 7, "%.200s", p);
        cr_expect_leq(fabs(spend + hold + shortage + policy - cost),
                      5e-4 * (fabs(spend) + fabs(hold) + fabs(shortage)
                              + fabs(policy)), "%.200s", p);
        cr_expect(lo_ <= cost && cost <= hi, "%.200s", p);
        lines++;
    }
    cr_expect_eq((size_t)lines, sc.nreport_groups, "%s", out);
    free(out);
    rp_scenario_release(&sc);
}

/*
 * Plant a rarely falls short, so the t interval of its mean reaches below
 * zero: the table cuts it at 0, marks it and says why once; no shortfall
 * row shows a negative bound.
 */
Test(report, table_cuts_shortfall_intervals_at_zero_and_says_so)
{
    static const char text[] =
        "ripple: 1\nname: rare\nhorizon: 200\nreplications: 5\nseed: 7\n"
        "products:\n  film: { unit: t }\n"
        "nodes:\n  src: { country: JP, supply: unlimited }\n"
        "  a:\n    country: KR\n"
        "    demand: { product: film, every: {dist: exponential, mean: 0.7}, "
        "size: {dist: uniform, min: 0.1, max: 0.3} }\n"
        "    stock: { film: { initial: 2, policy: base_stock, level: 2 } }\n"
        "    sources: { film: { src: { lead_time: {dist: uniform, min: 1, max: 9} } } }\n"
        "  b:\n    country: KR\n"
        "    demand: { product: film, every: {dist: exponential, mean: 0.3}, "
        "size: {dist: uniform, min: 0.1, max: 0.7} }\n"
        "    stock: { film: { initial: 1, policy: base_stock, level: 1 } }\n"
        "    sources: { film: { src: { lead_time: {dist: uniform, min: 1, max: 9} } } }\n"
        "report:\n  groups:\n    g: { nodes: [a, b] }\n";
    struct rp_scenario sc;
    char *out = table_of_text(&sc, text, "rare.yaml", 5);
    int cut = 0, rows = 0;
    for (const char *p = strstr(out, "\n  a "); p && *p; p = strchr(p + 1, '\n')) {
        const char *lb = strchr(p + 1, '[');
        const char *eol = strchr(p + 1, '\n');
        if (!lb || !eol || lb > eol)
            break;                      /* past the shortfall rows */
        rows++;
        double lo_;
        if (!strncmp(lb + 1, "        0*,", 11))
            cut++;
        else if (sscanf(lb + 1, "%lf", &lo_) == 1)
            cr_expect_geq(lo_, 0, "%.120s", p + 1);
    }
    cr_expect_eq(rows, 3, "a, b and the total: %s", out);
    cr_expect_gt(cut, 0, "a's interval was not cut: %s", out);
    cr_expect_eq(count_in(out, "  * the t interval reached below zero"), 1,
                 "%s", out);
    free(out);
    rp_scenario_release(&sc);
}

/*
 * An uncertain input drawn uniformly on [20, 60]: the table's line for it
 * and the JSON's "uncertain" block give a mean within 4 SE of 40 (SE =
 * 40 / sqrt(12 n)) and a min and max inside the range; a scenario with no
 * uncertain: block has neither.
 */
Test(report, table_and_json_summarise_the_uncertain_draws)
{
    static const char text[] =
        "ripple: 1\nname: drawn\nhorizon: 100\nreplications: 5\nseed: 7\n"
        "products:\n  film: { unit: t }\n"
        "nodes:\n  src: { country: JP, supply: unlimited }\n"
        "  a:\n    country: KR\n"
        "    demand: { product: film, every: 1, size: 1 }\n"
        "    stock: { film: { initial: 10, policy: base_stock, level: 10 } }\n"
        "    sources: { film: { src: { lead_time: 5 } } }\n"
        "uncertain:\n  nodes.a.stock.film.level: { dist: uniform, min: 20, max: 60 }\n"
        "report:\n  groups:\n    g: { nodes: [a] }\n";
    const long n = 400;
    struct rp_scenario sc;
    char *out = table_of_text(&sc, text, "drawn.yaml", n);
    const char *row = strstr(out, "\n  nodes.a.stock.film.level ");
    cr_assert_not_null(strstr(out, "uncertain inputs (one draw per replication)"), "%s", out);
    cr_assert_not_null(row, "%s", out);
    double mean, p05, p95, mn, mx;
    cr_assert_eq(sscanf(row + strlen("\n  nodes.a.stock.film.level "), "%lf %lf %lf %lf %lf",
                        &mean, &p05, &p95, &mn, &mx), 5, "%.200s", row);
    double se = 40 / sqrt(12.0 * (double)n);
    cr_expect_leq(fabs(mean - 40), 4 * se, "mean draw %g, not 40 within 4 SE", mean);
    cr_expect(mn >= 20 && mx <= 60 && mn < p05 && p05 < p95 && p95 < mx,
              "min %g p05 %g p95 %g max %g", mn, p05, p95, mx);
    free(out);

    struct rp_batch_opts bo;
    struct rp_batch b;
    struct rp_model *m = rp_model_new(&sc);
    rp_batch_opts_default(&bo);
    bo.replications = n;
    bo.seed = 5;
    bo.threads = 1;
    rp_batch_run(&b, m, &bo);
    struct rp_provenance prov;
    rp_provenance_init(&prov, &sc, 5);
    char *json = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&json, &len);
    rp_report_json(f, &b, &prov);
    fclose(f);
    const char *u = strstr(json, "\"uncertain\": {\n    \"nodes.a.stock.film.level\": {");
    cr_assert_not_null(u, "%s", json);
    double jmean;
    const char *mk = strstr(u, "\"mean\": ");
    cr_assert(mk && sscanf(mk + 8, "%lf", &jmean) == 1);
    cr_expect_leq(fabs(jmean - mean), 5e-4 * mean, "the JSON's mean %.17g is not the table's %g",
                  jmean, mean);
    free(json);
    rp_batch_release(&b);
    rp_model_free(m);
    rp_scenario_release(&sc);


    char plain[sizeof text];            /* the same file without its uncertain: block */
    const char *cut = strstr(text, "uncertain:"), *rest = strstr(text, "report:");
    cr_assert(cut && rest);
    snprintf(plain, sizeof plain, "%.*s%s", (int)(cut - text), text, rest);
    out = table_of_text(&sc, plain, "plain.yaml", 5);
    cr_expect_null(strstr(out, "uncertain inputs"), "%s", out);
    free(out);
    rp_scenario_release(&sc);
}

/*
 * Each row names the input that cost the most output: maker a runs out of
 * film (banned from Japan at day 10), maker b of separator (the same ban,
 * 15 more days of stock); the total names film, a's larger loss, at its
 * share of the two makers' starved output as the rows print them.
 */
Test(report, table_names_the_input_that_binds)
{
    static const char text[] =
        "ripple: 1\nname: binds\nhorizon: 100\nreplications: 2\nseed: 7\n"
        "products:\n  film: { unit: t }\n  sep: { unit: t }\n  cell: { unit: GWh }\n"
        "nodes:\n  jp: { country: JP, supply: unlimited }\n"
        "  kr: { country: KR, supply: unlimited }\n"
        "  a:\n    country: KR\n"
        "    make: { product: cell, capacity: 1, inputs: { film: 1, sep: 1 } }\n"
        "    stock: { film: { initial: 5, policy: base_stock, level: 5 },\n"
        "             sep: { initial: 5, policy: base_stock, level: 5 } }\n"
        "    sources: { film: { jp: { lead_time: 1 } }, sep: { kr: { lead_time: 1 } } }\n"
        "  b:\n    country: KR\n"
        "    make: { product: cell, capacity: 1, inputs: { film: 1, sep: 1 } }\n"
        "    stock: { film: { initial: 20, policy: base_stock, level: 20 },\n"
        "             sep: { initial: 20, policy: base_stock, level: 20 } }\n"
        "    sources: { film: { kr: { lead_time: 1 } }, sep: { jp: { lead_time: 1 } } }\n"
        "  market:\n    country: KR\n"
        "    demand: { product: cell, every: 1, size: 2 }\n"
        "    sources: { cell: { a: { lead_time: 1, share: 0.5 }, b: { lead_time: 1, share: 0.5 } } }\n"
        "events:\n"
        "  ban: { type: export_ban, from: [JP], to: [KR], products: [film, sep], start: 10 }\n"
        "report:\n  groups:\n    makers: { nodes: [a, b] }\n";
    struct rp_scenario sc;
    char *out = table_of_text(&sc, text, "binds.yaml", 2);
    double st[2] = { 0, 0 };
    const char *names[2] = { "\n  a ", "\n  b " };
    const char *want[2] = { "film 100%", "sep 100%" };
    for (int k = 0; k < 2; k++) {
        const char *row = strstr(out, names[k]);
        cr_assert_not_null(row, "%s", out);
        const char *eol = strchr(row + 1, '\n');
        double mean, lo_, hi, p95, pany, produced;
        cr_assert_eq(sscanf(row + strlen(names[k]), "%lf [ %lf , %lf ] %lf %lf %lf %lf",
                            &mean, &lo_, &hi, &p95, &pany, &produced, &st[k]), 7,
                     "%.160s", row + 1);
        const char *at = strstr(row, want[k]);
        cr_expect(at && at < eol, "%s's row does not end in %s: %.160s", names[k] + 3,
                  want[k], row + 1);
    }
    cr_assert(st[0] > st[1] && st[1] > 0, "starved a %g, b %g", st[0], st[1]);
    char total[64];
    snprintf(total, sizeof total, "film %.0f%%\n", 100 * st[0] / (st[0] + st[1]));
    const char *row = strstr(out, "\n  total ");
    cr_assert_not_null(row);
    const char *at = strstr(row, total);
    cr_expect(at && at < strchr(row + 1, '\n') + 1, "the total row does not end in %s: %.160s",
              total, row + 1);
    free(out);
    rp_scenario_release(&sc);
}
