/*
 * test_sensitivity_tornado.c - the tornado page of a sensitivity result
 * (ripple sensitivity --report): inputs ranked by total index, largest on
 * top, and a file that is not a sensitivity result refused.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "ripple/plot_sensitivity.h"

TestSuite(tornado);

/*
 * Three inputs with known total indices (b 0.7 > c 0.4 > a 0.1) for the
 * group's unmet; its starved never varied (null indices); a metric the
 * page does not plot (demand) is left out. The figure lists b on top
 * (gnuplot's y counts upwards: the largest y), then c, then a; the page
 * tables them in that order; starved gets no figure.
 */
static const char tornado_json[] =
    "{\"method\": \"sobol\", \"inputs\": [\"a\", \"b\", \"c\"],\n"
    " \"groups\": {\"g\": {\"x\": {\n"
    "  \"unmet\": {\n"
    "   \"a\": {\"S1\": {\"mean\": 0.05, \"ci\": [0, 0.1]}, \"ST\": {\"mean\": 0.1, \"ci\": [0.05, 0.15]}},\n"
    "   \"b\": {\"S1\": {\"mean\": 0.6, \"ci\": [0.5, 0.7]}, \"ST\": {\"mean\": 0.7, \"ci\": [0.6, 0.8]}},\n"
    "   \"c\": {\"S1\": {\"mean\": 0.3, \"ci\": [0.2, 0.4]}, \"ST\": {\"mean\": 0.4, \"ci\": [0.3, 0.5]}}},\n"
    "  \"starved\": {\n"
    "   \"a\": {\"S1\": {\"mean\": null, \"ci\": [null, null]}, \"ST\": {\"mean\": null, \"ci\": [null, null]}},\n"
    "   \"b\": {\"S1\": {\"mean\": null, \"ci\": [null, null]}, \"ST\": {\"mean\": null, \"ci\": [null, null]}},\n"
    "   \"c\": {\"S1\": {\"mean\": null, \"ci\": [null, null]}, \"ST\": {\"mean\": null, \"ci\": [null, null]}}},\n"
    "  \"demand\": {\n"
    "   \"a\": {\"S1\": {\"mean\": 0.5, \"ci\": [0, 1]}, \"ST\": {\"mean\": 0.5, \"ci\": [0, 1]}},\n"
    "   \"b\": {\"S1\": {\"mean\": 0.5, \"ci\": [0, 1]}, \"ST\": {\"mean\": 0.5, \"ci\": [0, 1]}},\n"
    "   \"c\": {\"S1\": {\"mean\": 0.5, \"ci\": [0, 1]}, \"ST\": {\"mean\": 0.5, \"ci\": [0, 1]}}}\n"
    " }}}}\n";

static char *tornado_slurp(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

static bool gnuplot_on_path(void)
{
    return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

Test(tornado, inputs_are_ranked_by_total_index_largest_on_top)
{
    char dir[] = "/tmp/rp_test_tornado_XXXXXX", path[512];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sensitivity.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(tornado_json, f);
    fclose(f);
    cr_assert_eq(rp_plot_sensitivity(dir), 0);

    char *html = tornado_slurp(dir, "sensitivity.html");
    cr_assert_not_null(html);
    const char *b = strstr(html, "<td>b</td>"), *c = strstr(html, "<td>c</td>"),
               *a = strstr(html, "<td>a</td>");
    cr_assert(a && b && c, "an input is missing from the table");
    cr_expect(b < c && c < a, "the table is not ranked by ST");
    cr_expect_null(strstr(html, "starved"), "an output that never varied got a figure");
    cr_expect_null(strstr(html, "demand"), "an output the page does not plot is there");

    if (gnuplot_on_path()) {
        char *gp = tornado_slurp(dir, "sensitivity.gp");
        cr_assert_not_null(gp);
        /* data rows: "label" y ST lo hi S1 lo hi */
        cr_expect_not_null(strstr(gp, "\"b\" 2 0.7 0.6 0.8 0.6 0.5 0.7\n"), "%s", gp);
        cr_expect_not_null(strstr(gp, "\"c\" 1 0.4 0.3 0.5 0.3 0.2 0.4\n"));
        cr_expect_not_null(strstr(gp, "\"a\" 0 0.1 0.05 0.15 0.05 0 0.1\n"));
        char *svg = tornado_slurp(dir, "tornado-g-x-unmet.svg");
        cr_assert_not_null(svg, "gnuplot drew no figure");
        cr_expect_not_null(strstr(svg, "<svg"));
        cr_expect_not_null(strstr(html, "<svg"), "the figure is not inlined");
        cr_expect_null(tornado_slurp(dir, "tornado-g-x-starved.svg"));
        free(svg);
        free(gp);
    }
    free(html);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(tornado, a_file_that_is_not_a_sensitivity_result_is_refused)
{
    char dir[] = "/tmp/rp_test_tornado_XXXXXX", path[512];
    cr_assert_not_null(mkdtemp(dir));
    cr_expect_eq(rp_plot_sensitivity(dir), -1, "no sensitivity.json at all");
    snprintf(path, sizeof path, "%s/sensitivity.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"ripple\": 1, \"groups\": {}}\n", f);
    fclose(f);
    cr_expect_eq(rp_plot_sensitivity(dir), -1, "a summary is not a sensitivity result");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}
