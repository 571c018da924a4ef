#define _POSIX_C_SOURCE 200809L
/*
 * test_report_html.c - report.html with and without gnuplot, from a run
 * of the ripple executable and from hand-made result files where every
 * number is known: headline, intervals, footer, comparisons, log axes,
 * survival figures.
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

Test(report, report_html_without_gnuplot_has_tables_and_says_why)
{
    char args[9000], d[4400];
    run_into("run");
    snprintf(d, sizeof d, "%s/run", dir);
    snprintf(args, sizeof args, "report '%s'", d);
    cr_assert_eq(ripple("PATH=/nonexistent", args), 0);
    char *html = slurp(path_in("run/report.html"));
    cr_assert_not_null(html, "no report.html");
    cr_assert_not_null(strstr(html, "<table"));
    cr_assert_not_null(strstr(html, "Maker &amp; Co, Korea"),
                       "the node's name is not on the page");
    cr_assert_not_null(strstr(html, "gnuplot was not found"));
    cr_assert_not_null(strstr(html, "</html>"));
    cr_assert_null(strstr(html, "<img"));
    cr_assert_eq(count_files(d, ".svg"), 0);
    char *err = slurp(path_in("stderr.txt"));
    cr_assert_not_null(strstr(err, "gnuplot not found"), "stderr: %s", err);
    free(err);
    free(html);
}

Test(report, report_html_is_one_file_with_every_figure_inline)
{
    if (system("command -v gnuplot >/dev/null 2>&1"))
        cr_skip_test("gnuplot is not installed");
    char args[9000], d[4400];
    snprintf(d, sizeof d, "%s/cmp", dir);
    snprintf(args, sizeof args, "compare '%s' -n 15 --threads 1 --quiet --out "
             "'%s' --report", file, d);
    cr_assert_eq(ripple("", args), 0);
    char *html = slurp(path_in("cmp/report.html"));
    cr_assert_not_null(html);
    /* the captions of the figures the script drew, each followed by its SVG */
    static const char *const caps[] = {
        "makers: output and shortfall per day",
        "korean cell makers: output and shortfall per day",
        "makers: total shortfall over the run in each replication",
        "makers after ban: days until the first shortfall",
        "makers: paired difference in shortfall",
        "korean cell makers: paired difference in shortfall",
    };
    int svgs = 0;
    for (const char *p = html; (p = strstr(p, "<svg")); p++)
        svgs++;
    cr_expect_eq(svgs, 6, "%d inline figures, not 6", svgs);
    for (size_t k = 0; k < sizeof caps / sizeof *caps; k++) {
        const char *c = strstr(html, caps[k]), *fig = NULL;
        cr_expect_not_null(c, "no figure captioned '%s'", caps[k]);
        for (const char *p = html; c && (p = strstr(p, "<figure>")) && p < c; p++)
            fig = p;                    /* the figure the caption closes */
        const char *end = fig ? strstr(fig, "</svg>") : NULL;
        cr_expect(end && end < c, "'%s' has no drawing before it", caps[k]);
    }
    cr_expect_null(strstr(html, "<img"), "the page links a file");
    cr_expect_null(strstr(html, "<?xml"), "an XML prolog inside the page");
    cr_assert_eq(count_files(d, ".svg"), 0, "figures were left beside the page");
    cr_assert_eq(count_files(d, ".tmp"), 0, "temporary files were left");
    cr_assert(exists(path_in("cmp/report.gp")));
    cr_assert_not(exists(path_in("cmp/report.log")));
    free(html);
}

Test(report, report_of_an_empty_directory_fails_and_writes_nothing)
{
    char args[9000];
    snprintf(args, sizeof args, "report '%s'", dir);
    cr_assert_eq(ripple("", args), 1);
    cr_assert_not(exists(path_in("report.html")));
}

/* ---- pages from hand-made result files, where every number is known */

static void write_in(const char *name, const char *text)
{
    FILE *f = fopen(path_in(name), "w");
    cr_assert_not_null(f, "cannot write %s", name);
    fputs(text, f);
    fclose(f);
}

/*
 * Two plants: a never falls short, b falls short by 3 in one of four
 * replications (mean 0.75, se 0.75, t(3) interval [-1.637, 3.137]).
 * b's film is out of stock a quarter of the time on average, its own cell
 * 90% (the group's product: no input). The lead is the second group listed.
 */
static void made_run(void)
{
    write_in("summary.json", "{\"ripple\": 1, \"scenario\": \"made \\\"here\\\"\", "
             "\"variant\": \"base\", \"replications\": 4, \"seed\": "
             "12345678901234567891, \"confidence\": 0.95, \"horizon\": 100, "
             "\"lead\": \"two_plants\", \"groups\": {}}\n");
    write_in("provenance.json", "{\"ripple\": 1, \"kind\": \"run\", \"runs\": "
             "[{\"run\": \"0123456789abcdef\", \"scenario\": {\"name\": \"m\", "
             "\"file\": \"/x/m.yaml\", \"sha256\": \"ab12\"}, \"variant\": "
             "\"base\", \"set\": [{\"path\": \"events.e.duration\", \"value\": "
             "\"inf\"}], \"seed\": 12345678901234567891, \"replications\": 4, "
             "\"version\": \"9.9\", \"git\": \"g1\", \"started\": "
             "\"2026-01-01T00:00:00Z\"}]}\n");
    write_in("groups.csv", "group,product,unit,node,name\n"
             "first_listed,cell,GWh,b,Plant B\n"
             "two_plants,cell,GWh,a,\"Plant \"\"A\"\" <KR>\"\n"
             "two_plants,cell,GWh,b,Plant B\n");
    FILE *f = fopen(path_in("replications.csv"), "w");
    cr_assert_not_null(f);
    fputs("run,variant,rep,scope,id,key,metric,unit,value\n", f);
    for (int rep = 0; rep < 4; rep++) {
        const char *b = rep == 3 ? "3" : "0";
        fprintf(f, "r,base,%d,node,a,cell,unmet,GWh,0\n", rep);
        fprintf(f, "r,base,%d,node,b,cell,unmet,GWh,%s\n", rep, b);
        fprintf(f, "r,base,%d,group,two_plants,cell,unmet,GWh,%s\n", rep, b);
        fprintf(f, "r,base,%d,group,first_listed,cell,unmet,GWh,%s\n", rep, b);
        fprintf(f, "r,base,%d,node,a,film,stockout,share,0.05\n", rep);
        fprintf(f, "r,base,%d,node,b,film,stockout,share,%g\n", rep,
                0.1 * (rep + 1));
        fprintf(f, "r,base,%d,node,b,cell,stockout,share,0.9\n", rep);
    }
    fclose(f);
}

/* The page of dir, made without gnuplot. */
static char *page_without_plots(void)
{
    char *path = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    setenv("PATH", "/nonexistent", 1);
    int rc = rp_plot_report(dir);
    setenv("PATH", path, 1);
    free(path);
    cr_assert_eq(rc, 0);
    char *html = slurp(path_in("report.html"));
    cr_assert_not_null(html);
    return html;
}

Test(report, page_opens_with_the_lead_groups_headline)
{
    made_run();
    char *html = page_without_plots();
    const char *head = strstr(html, "class=\"headline\"");
    cr_assert_not_null(head, "no headline");
    cr_expect(head < strstr(html, "<h2>"), "the headline is not first");
    cr_expect_not_null(strstr(head, "The <b>two plants</b> fall short of "
                              "<b>0.75 GWh</b>"), "%.300s", head);
    cr_expect_not_null(strstr(head, "25% of replications fall short"));
    cr_expect_not_null(strstr(head, "film at Plant B, out of stock 25% of "
                              "the time"), "%.900s", head);
    cr_expect_null(strstr(html, "worst moment"), "a worst moment without series");
    cr_expect_not_null(strstr(html, "<h1>made &quot;here&quot;</h1>"));
    free(html);
}

Test(report, zero_is_said_in_words_and_intervals_stop_at_zero)
{
    made_run();
    char *html = page_without_plots();
    const char *row = strstr(html, "<tr><td>Plant &quot;A&quot; &lt;KR&gt;</td>");
    cr_assert_not_null(row, "plant a's row, by its name");
    static const char zero[] = "<td colspan=\"4\" class=\"zero\">0 in every "
                               "replication</td>";
    cr_expect_eq(strncmp(row + strlen("<tr><td>Plant &quot;A&quot; &lt;KR&gt;"
                                      "</td>"), zero, strlen(zero)), 0,
                 "%.120s", row);
    cr_expect_not_null(strstr(html, "<p>0 in every replication: Plant &quot;A"
                              "&quot; &lt;KR&gt; (no panel drawn)"));
    cr_expect_not_null(strstr(html, "[0, 3.137]<sup>*</sup>"));
    cr_expect_null(strstr(html, "[-"), "an interval below zero: %s",
                   strstr(html, "[-"));
    cr_expect_not_null(strstr(html, "is cut at 0"));
    free(html);
}

Test(report, footer_holds_provenance_and_no_section_is_empty)
{
    made_run();
    char *html = page_without_plots();
    cr_expect_not_null(strstr(html, "seed 12345678901234567891 "),
                       "the seed is not shown as written");
    const char *foot = strstr(html, "<footer>");
    cr_assert_not_null(foot);
    cr_expect_null(strstr(foot, "<h3>"), "a section after the footer");
    cr_expect_not_null(strstr(foot, "0123456789abcdef"));
    cr_expect_not_null(strstr(foot, "events.e.duration=inf"));
    cr_expect_not_null(strstr(foot, "/x/m.yaml"));
    cr_expect_not_null(strstr(foot, "9.9 (g1)"));
    static const char *const empty[] = { "Survival and recovery",
        "Output and shortfall over time", "Variants against the base",
        "Sweep</h2>" };
    for (size_t i = 0; i < sizeof empty / sizeof *empty; i++)
        cr_expect_null(strstr(html, empty[i]), "an empty section: %s", empty[i]);
    free(html);
}

/* compare.csv of two_plants with an exact tie, a small gain and a huge loss. */
static void made_compare(const char *huge)
{
    char text[4096];
    snprintf(text, sizeof text,
             "variant,run,group,product,metric,unit,mean,ci_lo,ci_hi,"
             "diff_mean,diff_ci_lo,diff_ci_hi,better,unpaired_hw\n"
             "base,r0,two_plants,cell,lost,GWh,1,0.5,1.5,,,,,\n"
             "same,r1,two_plants,cell,lost,GWh,1,0.5,1.5,0,0,0,0,0.7\n"
             "small,r2,two_plants,cell,lost,GWh,1,0.5,1.5,0,0,0,0,0.7\n"
             "huge,r3,two_plants,cell,lost,GWh,1,0.5,1.5,0,0,0,0,0.7\n"
             "base,r0,two_plants,cell,unmet,GWh,1,0.5,1.5,,,,,\n"
             "same,r1,two_plants,cell,unmet,GWh,1,0.5,1.5,0,0,0,0,0.7\n"
             "small,r2,two_plants,cell,unmet,GWh,0.2,-0.1,0.5,-0.8,-1.2,-0.4,"
             "0.9,0.7\n"
             "huge,r3,two_plants,cell,unmet,GWh,%s,%s,0,10\n",
             huge, huge);
    write_in("compare.csv", text);
}

Test(report, compare_leads_with_metrics_that_differ_and_says_ties)
{
    made_run();
    made_compare("90,80,100,89,79");
    char *html = page_without_plots();
    const char *over = strstr(html, "<h3>Where they differ: two plants</h3>");
    cr_assert_not_null(over);
    const char *unmet = strstr(over, "<tr><td>unmet</td><td>2 of 3</td>");
    const char *lost = strstr(over, "<tr><td>lost</td><td>0 of 3</td>"
                              "<td class=\"zero\">all: a tie</td>");
    cr_expect_not_null(unmet, "%.600s", over);
    cr_expect_not_null(lost, "%.600s", over);
    cr_expect(unmet && lost && unmet < lost, "a tie listed before a difference");
    cr_expect_not_null(strstr(over, "89 GWh (huge)"), "the largest change, "
                       "in its unit");
    const char *same = strstr(over, "<tr><td>same</td>");
    cr_assert_not_null(same);
    cr_expect_not_null(strstr(same, "tie: the same in every replication"));
    cr_expect_not_null(strstr(html, "[0, 0.5]<sup>*</sup>"), "small's mean "
                       "interval is not cut at zero");
    free(html);
}

/* report.gp of the made compare, drawn by gnuplot; caller frees. */
static char *made_script(const char *huge)
{
    if (system("command -v gnuplot >/dev/null 2>&1"))
        cr_skip_test("gnuplot is not installed");
    made_run();
    made_compare(huge);
    cr_assert_eq(rp_plot_report(dir), 0);
    char *gp = slurp(path_in("report.gp"));
    cr_assert_not_null(gp);
    return gp;
}

Test(report, differences_spanning_decades_get_a_symmetric_log_axis)
{
    char *gp = made_script("90,80,100,89,79");
    cr_expect_not_null(strstr(gp, "set nonlinear x via sgn(x)*log10(1+abs(x)/C)"));
    cr_expect_not_null(strstr(gp, "C = 0.1\n"), "C is not the power of ten "
                       "below the smallest difference, 0.8");
    cr_expect_not_null(strstr(gp, "symmetric log scale"));
    /* plant a is 0 in every replication: no panel; plant b has one */
    cr_expect_null(strstr(gp, "set title 'Plant \"A\""), "a panel of zeros");
    cr_expect_not_null(strstr(gp, "set title 'Plant B'"));
    free(gp);
}

Test(report, differences_of_one_size_keep_a_linear_axis)
{
    char *gp = made_script("2.5,2,3,1.5,1");
    cr_expect_null(strstr(gp, "set nonlinear"));
    cr_expect_null(strstr(gp, "symmetric log scale"));
    free(gp);
}

/*
 * Events e1 and e2 give both plants the same tts and ttr in every
 * replication, e3 others: the page draws two survival figures, e1's naming
 * e2 as the same, and none for e2.
 */
Test(report, survival_figures_are_drawn_once_per_distinct_event)
{
    if (system("command -v gnuplot >/dev/null 2>&1"))
        cr_skip_test("gnuplot is not installed");
    made_run();
    write_in("events.csv", "event,type,start,duration,unit\n"
             "e1,capacity,0,inf,days\ne2,capacity,0,inf,days\n"
             "e3,export_ban,10,30,days\n");
    FILE *f = fopen(path_in("replications.csv"), "a");
    cr_assert_not_null(f);
    static const char *const ev[] = { "e1", "e2", "e3" };
    for (int rep = 0; rep < 4; rep++)
        for (int e = 0; e < 3; e++)
            for (int n = 0; n < 2; n++) {
                double tts = 10 + rep + 5 * n + (e == 2 ? 7 : 0);
                fprintf(f, "r,base,%d,event,%s,%s,tts,days,%g\n", rep, ev[e],
                        n ? "b" : "a", tts);
                fprintf(f, "r,base,%d,event,%s,%s,ttr,days,%g\n", rep, ev[e],
                        n ? "b" : "a", tts + 3);
            }
    fclose(f);
    cr_assert_eq(rp_plot_report(dir), 0);
    char *gp = slurp(path_in("report.gp"));
    char *html = slurp(path_in("report.html"));
    cr_assert_not_null(gp);
    cr_assert_not_null(html);
    cr_expect_eq(count_in(gp, "ttsr_"), 2, "%s", gp);
    cr_expect_not_null(strstr(gp, " after e1 and 1 other (starts day 0)"));
    cr_expect_not_null(strstr(gp, " after e3 (starts day 10)"));
    cr_expect_null(strstr(gp, " after e2"));
    cr_expect_not_null(strstr(html, "The same in every replication after e2."));
    free(gp);
    free(html);
}

/*
 * first_listed: both variants tie with the base on unmet and starved, so
 * its section is one sentence, no table; two_plants differs and keeps its
 * tables.
 */
Test(report, a_group_where_every_variant_ties_is_one_sentence)
{
    made_run();
    write_in("compare.csv",
             "variant,run,group,product,metric,unit,mean,ci_lo,ci_hi,"
             "diff_mean,diff_ci_lo,diff_ci_hi,better,unpaired_hw\n"
             "base,r0,two_plants,cell,unmet,GWh,1,0.5,1.5,,,,,\n"
             "v,r1,two_plants,cell,unmet,GWh,0.2,0.1,0.3,-0.8,-1.2,-0.4,0.9,0.7\n"
             "base,r0,first_listed,cell,unmet,GWh,1,0.5,1.5,,,,,\n"
             "v,r1,first_listed,cell,unmet,GWh,1,0.5,1.5,0,0,0,0,0.7\n"
             "base,r0,first_listed,cell,starved,GWh,2,1,3,,,,,\n"
             "v,r1,first_listed,cell,starved,GWh,2,1,3,0,0,0,0,0.7\n");
    char *html = page_without_plots();
    /* two_plants leads (summary.json): open; first_listed folded */
    static const char fl_head[] = "<details>\n<summary><h3>first listed "
                                  "(GWh)</h3></summary>\n";
    static const char tp_head[] = "<h3>two plants (GWh)</h3>\n";
    const char *fl = strstr(html, fl_head), *tp = strstr(html, tp_head);
    cr_assert_not_null(fl, "%s", html);
    cr_assert_not_null(tp, "%s", html);
    cr_expect_lt(tp, fl, "the lead group is not first");
    fl += strlen(fl_head);
    tp += strlen(tp_head);
    static const char sentence[] = "<p class=\"zero\">Every variant ties with "
        "the base on unmet and starved";
    cr_expect_eq(strncmp(fl, sentence, strlen(sentence)), 0, "%.300s", fl);
    cr_expect_neq(strncmp(tp, sentence, strlen(sentence)), 0, "%.300s", tp);
    cr_expect_eq(count_in(html, "Every variant ties with the base"), 1);
    free(html);
}
