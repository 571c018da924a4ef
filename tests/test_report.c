#define _POSIX_C_SOURCE 200809L
/*
 * test_report.c - JSON and CSV writers, atomic files, and report.html with
 * and without gnuplot.
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

#define HORIZON 120
#define NGROUPS 2

static const char yaml[] =
    "ripple: 1\n"
    "name: \"quote\\\"d chain\"\n"
    "horizon: 120\n"
    "replications: 20\n"
    "seed: 5\n"
    "products:\n"
    "  film: { unit: t }\n"
    "  cell: { unit: GWh }\n"
    "nodes:\n"
    "  jp_film: { country: JP, supply: unlimited }\n"
    "  kr_maker:\n"
    "    name: \"Maker & Co, Korea\"\n"
    "    country: KR\n"
    "    make: { product: cell, capacity: 1, inputs: { film: 1 } }\n"
    "    stock:\n"
    "      film: { initial: 5, policy: base_stock, level: 5 }\n"
    "      cell: { initial: 2, policy: base_stock, level: 2 }\n"
    "    sources: { film: { jp_film: { lead_time: {dist: uniform, min: 2, max: 6} } } }\n"
    "    outages: { every: {dist: exponential, mean: 60}, lasts: {dist: exponential, mean: 5} }\n"
    "  kr_market:\n"
    "    country: KR\n"
    "    demand: { product: cell, every: {dist: exponential, mean: 1.2} }\n"
    "    sources: { cell: { kr_maker: { lead_time: 1 } } }\n"
    "events:\n"
    "  ban: { type: export_ban, from: [JP], to: [KR], products: [film], start: 30, duration: 40 }\n"
    "report:\n"
    "  groups:\n"
    "    makers: { nodes: [kr_maker] }\n"
    "    korean_cell_makers: { country: KR, makes: cell }\n"
    "  series: true\n"
    "variants:\n"
    "  no_ban: { events: { ban: null } }\n";

static char dir[] = "/tmp/rp_test_report_XXXXXX";
static char file[4200];

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/chain.yaml", dir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fputs(yaml, f);
    fclose(f);
}

static void teardown(void)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    strcpy(dir, "/tmp/rp_test_report_XXXXXX");
}

TestSuite(report, .init = setup, .fini = teardown);

static char *path_in(const char *name)
{
    static char buf[8][4400];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 1 << 22;
    char *s = malloc(cap);
    size_t len = fread(s, 1, cap - 1, f);
    s[len] = '\0';
    fclose(f);
    return s;
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Files in dir whose names contain needle. */
static int count_files(const char *d, const char *needle)
{
    DIR *dp = opendir(d);
    struct dirent *e;
    int n = 0;
    cr_assert_not_null(dp);
    while ((e = readdir(dp)))
        n += strstr(e->d_name, needle) != NULL;
    closedir(dp);
    return n;
}

/*
 * A small structural check of JSON: strings closed, escapes valid, braces
 * and brackets balanced and properly nested, nothing after the value.
 */
static bool json_balanced(const char *s)
{
    char stack[256];
    int depth = 0;
    bool in_str = false;
    for (; *s; s++) {
        if (in_str) {
            if (*s == '\\') {
                if (!strchr("\"\\/bfnrtu", s[1]))
                    return false;
                s++;
            } else if (*s == '"') {
                in_str = false;
            } else if ((unsigned char)*s < 0x20) {
                return false;
            }
            continue;
        }
        if (*s == '"')
            in_str = true;
        else if (*s == '{' || *s == '[')
            stack[depth++] = *s;
        else if (*s == '}' || *s == ']') {
            if (!depth || stack[--depth] != (*s == '}' ? '{' : '['))
                return false;
            if (!depth) {
                while (s[1] == '\n' || s[1] == ' ')
                    s++;
                return s[1] == '\0';
            }
        }
        if (depth >= 255)
            return false;
    }
    return false;
}

/* Exit status of python3's JSON parser on path; -1 without python3. */
static int python_json(const char *path)
{
    if (system("command -v python3 >/dev/null 2>&1"))
        return -1;
    char cmd[4600];
    snprintf(cmd, sizeof cmd, "python3 -m json.tool '%s' >/dev/null", path);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

struct one {
    struct rp_scenario sc;
    struct rp_model *m;
    struct rp_batch b;
};

static void run_one(struct one *o, const char *variant)
{
    struct rp_diag d;
    struct rp_load_opts lo = { .variant = variant };
    struct rp_batch_opts bo;
    rp_diag_init(&d);
    cr_assert_eq(rp_scenario_load_string(&o->sc, yaml, "chain.yaml", &lo, &d), 0);
    rp_diag_release(&d);
    o->m = rp_model_new(&o->sc);
    rp_batch_opts_default(&bo);
    bo.replications = 20;
    bo.seed = 5;
    bo.threads = 1;
    bo.keep_values = true;
    rp_batch_run(&o->b, o->m, &bo);
}

static void release_one(struct one *o)
{
    rp_batch_release(&o->b);
    rp_model_free(o->m);
    rp_scenario_release(&o->sc);
}

static void diff_member(FILE *out, const void *ctx)
{
    const struct rp_batch *const *b = ctx;
    fputs(",\n  \"diff\": ", out);
    rp_report_json_diff(out, b[0], b[1]);
}

Test(report, json_parses_and_holds_the_documented_keys)
{
    struct one base, v;
    struct rp_provenance prov;
    run_one(&base, NULL);
    run_one(&v, "no_ban");
    rp_provenance_init(&prov, &base.sc, base.b.seed);

    FILE *f = fopen(path_in("run.json"), "w");
    rp_report_json(f, &base.b, &prov);
    fclose(f);
    const struct rp_batch *pair[2] = { &base.b, &v.b };
    f = fopen(path_in("diff.json"), "w");
    rp_report_json_ex(f, &v.b, &prov, diff_member, pair);
    fclose(f);

    char *run = slurp(path_in("run.json"));
    char *diff = slurp(path_in("diff.json"));
    cr_assert(json_balanced(run), "unbalanced JSON:\n%s", run);
    cr_assert(json_balanced(diff), "unbalanced JSON:\n%.2000s", diff);
    static const char *const keys[] = {
        "\"ripple\": 1",
        "\"scenario\": \"quote\\\"d chain\"",
        "\"provenance\"", "\"nodes\"", "\"groups\"",
        "\"events\"", "\"makers\"", "\"unmet\"", "\"ci\"", "\"tts\"" };
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        cr_assert_not_null(strstr(run, keys[k]), "no %s in the run", keys[k]);
    cr_assert_null(strstr(run, "\"diff\""));
    cr_assert_not_null(strstr(diff, "\"variant\": \"no_ban\""));
    cr_assert_not_null(strstr(diff, "\"diff\": {"));
    cr_assert_not_null(strstr(diff, "\"better\": "));
    int py = python_json(path_in("run.json"));
    if (py >= 0) {
        cr_assert_eq(py, 0, "python3 rejects the run's JSON");
        cr_assert_eq(python_json(path_in("diff.json")), 0);
    }
    free(run);
    free(diff);
    release_one(&v);
    release_one(&base);
}

Test(report, compare_json_is_base_and_variants_with_diff)
{
    char out[4400];
    snprintf(out, sizeof out, "%s/cmp", dir);
    struct rp_compare_opts o = { .file = file, .reps = 10, .threads = 1,
                                 .format = "json", .out_dir = out };
    cr_redirect_stdout();
    cr_assert_eq(rp_compare_main(&o), 0);
    char *s = slurp(path_in("cmp/compare.json"));
    cr_assert_not_null(s);
    cr_assert(json_balanced(s), "unbalanced compare.json");
    cr_assert_eq(strncmp(s, "{\"base\": {\"ripple\": 1", 21), 0, "%.40s", s);
    const char *vs = strstr(s, "\"variants\": {");
    cr_assert_not_null(vs);
    cr_assert_not_null(strstr(vs, "\"no_ban\": {\"ripple\": 1"));
    cr_assert_not_null(strstr(vs, "\"diff\": {"));
    cr_assert_gt(strstr(s, "\"diff\""), vs, "the base has no diff");
    if (python_json(path_in("cmp/compare.json")) >= 0)
        cr_assert_eq(python_json(path_in("cmp/compare.json")), 0);
    free(s);
}

Test(report, atomic_files_leave_no_temporary_and_no_partial_target)
{
    struct rp_atomic a;
    const char *target = path_in("out.txt");

    /* abort before commit: no target, no temporary */
    cr_assert_eq(rp_atomic_open(&a, target), 0);
    fputs("half a file", a.f);
    fflush(a.f);
    cr_assert(exists(a.tmp), "the temporary should exist while writing");
    cr_assert_not(exists(target), "the target appeared before the commit");
    rp_atomic_abort(&a);
    cr_assert_not(exists(target));
    cr_assert_eq(count_files(dir, ".tmp"), 0);

    /* commit: the whole content, no temporary */
    cr_assert_eq(rp_atomic_open(&a, target), 0);
    fputs("first\n", a.f);
    cr_assert_eq(rp_atomic_commit(&a), 0);
    char *s = slurp(target);
    cr_assert_str_eq(s, "first\n");
    free(s);
    cr_assert_eq(count_files(dir, ".tmp"), 0);

    /* an aborted rewrite leaves the old file as it was */
    cr_assert_eq(rp_atomic_open(&a, target), 0);
    fputs("second, cut short", a.f);
    rp_atomic_abort(&a);
    s = slurp(target);
    cr_assert_str_eq(s, "first\n");
    free(s);
    cr_assert_eq(count_files(dir, ".tmp"), 0);

    /* a directory that does not exist fails at open, not later */
    cr_assert_neq(rp_atomic_open(&a, path_in("no/such/dir/x")), 0);
}

Test(report, series_csv_has_a_row_per_group_kind_and_day)
{
    struct one o;
    run_one(&o, NULL);
    FILE *f = fopen(path_in("series.csv"), "w");
    rp_report_series_csv(f, &o.b, NULL);     /* no provenance: no run column */
    fclose(f);
    f = fopen(path_in("series.csv"), "r");
    char line[512];
    long rows = 0, first_day = -1, last_day = -1;
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_assert_str_eq(line, "group,product,series,day,unit,mean,p05,p50,p95\n");
    while (fgets(line, sizeof line, f)) {
        long day;
        char g[64], p[64], k[64], u[64];
        cr_assert_eq(sscanf(line, "%63[^,],%63[^,],%63[^,],%ld,%63[^,]", g, p,
                            k, &day, u), 5, "bad row %s", line);
        cr_assert(!strcmp(k, "output") || !strcmp(k, "shortfall"));
        cr_assert_str_eq(u, strcmp(k, "output") ? "GWh" : "GWh per day");
        if (first_day < 0)
            first_day = day;
        last_day = day;
        rows++;
    }
    fclose(f);
    /* days 0 .. horizon-1, two kinds, for each report group */
    cr_assert_eq(rows, (long)NGROUPS * 2 * HORIZON);
    cr_assert_eq(first_day, 0);
    cr_assert_eq(last_day, HORIZON - 1);
    release_one(&o);
}

Test(report, events_and_groups_csv_describe_the_scenario)
{
    struct one o;
    struct rp_provenance prov;
    run_one(&o, NULL);
    rp_provenance_init(&prov, &o.sc, o.b.seed);
    FILE *f = fopen(path_in("events.csv"), "w");
    rp_report_events_csv(f, &o.sc, &prov);
    fclose(f);
    f = fopen(path_in("groups.csv"), "w");
    rp_report_groups_csv(f, o.m, &prov);
    fclose(f);
    char *ev = slurp(path_in("events.csv"));
    char *gr = slurp(path_in("groups.csv"));
    char want[1024];
    cr_assert_eq(strlen(prov.run), 16);
    snprintf(want, sizeof want, "run,event,type,start,duration,unit\n"
             "%s,ban,export_ban,30,40,days\n", prov.run);
    cr_assert_str_eq(ev, want);
    snprintf(want, sizeof want, "run,group,product,unit,node,name\n"
             "%s,makers,cell,GWh,kr_maker,\"Maker & Co, Korea\"\n"
             "%s,korean_cell_makers,cell,GWh,kr_maker,"
             "\"Maker & Co, Korea\"\n", prov.run, prov.run);
    cr_assert_str_eq(gr, want);
    free(ev);
    free(gr);
    release_one(&o);
}

/* Runs the ripple binary through the shell; returns its exit status. */
static int ripple(const char *env, const char *args)
{
    char cmd[20000];
    snprintf(cmd, sizeof cmd, "%s '%s/ripple' %s >'%s/stdout.txt' "
             "2>'%s/stderr.txt'", env, RP_BINARY_DIR, args, dir, dir);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void run_into(const char *sub)
{
    char args[9000];
    snprintf(args, sizeof args, "run '%s' -n 20 --threads 1 --quiet --out '%s/%s'",
             file, dir, sub);
    cr_assert_eq(ripple("", args), 0);
}

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

/* Counts the occurrences of needle in s. */
static int count_in(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

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

/*
 * Every CSV that run, compare and sweep write into --out joins to
 * provenance.json by its run column and says its unit: for each file, a
 * run and a unit column, and every run id in it is one provenance.json
 * lists.
 */
Test(report, every_csv_of_run_compare_and_sweep_has_run_and_unit)
{
    char args[9000];
    run_into("run");
    snprintf(args, sizeof args, "compare '%s' no_ban -n 5 --threads 1 --quiet "
             "--out '%s/cmp'", file, dir);
    cr_assert_eq(ripple("", args), 0);
    snprintf(args, sizeof args, "sweep '%s' --set events.ban.duration=10,forever "
             "-n 5 --threads 1 --quiet --out '%s/sweep'", file, dir);
    cr_assert_eq(ripple("", args), 0);

    static const char *const sub[] = { "run", "cmp", "sweep" };
    static const char *const csv[] = { "replications.csv", "series.csv",
                                       "events.csv", "groups.csv",
                                       "compare.csv", "sweep.csv" };
    int files = 0;
    for (size_t d = 0; d < 3; d++) {
        char path[4600], name[64];
        snprintf(name, sizeof name, "%s/provenance.json", sub[d]);
        char *prov = slurp(path_in(name));
        cr_assert_not_null(prov, "no %s", name);
        for (size_t k = 0; k < sizeof csv / sizeof *csv; k++) {
            struct rp_csv_table t;
            snprintf(path, sizeof path, "%s/%s/%s", dir, sub[d], csv[k]);
            if (access(path, R_OK))
                continue;
            files++;
            cr_assert_eq(rp_csv_table_read(&t, path), 0, "%s", path);
            int cr = rp_csv_col(&t, "run");
            cr_expect_geq(cr, 0, "%s has no run column", path);
            cr_expect_geq(rp_csv_col(&t, "unit"), 0, "%s has no unit column", path);
            cr_expect_gt(t.nrows, 1, "%s has no rows", path);
            for (size_t r = 1; r < t.nrows && cr >= 0; r++) {
                char quoted[64];
                snprintf(quoted, sizeof quoted, "\"run\": \"%s\"",
                         rp_csv_get(&t, r, cr));
                if (!strstr(prov, quoted)) {
                    cr_expect_fail("%s row %zu: run '%s' is not in "
                                   "provenance.json", path, r,
                                   rp_csv_get(&t, r, cr));
                    break;
                }
            }
            rp_csv_table_release(&t);
        }
        free(prov);
    }
    /* run: 4 files; compare and sweep: those and their own table */
    cr_expect_eq(files, 4 + 5 + 5);

    /* a swept forever is written inf, the column stays numeric */
    struct rp_csv_table t;
    char path[4600];
    snprintf(path, sizeof path, "%s/sweep/sweep.csv", dir);
    cr_assert_eq(rp_csv_table_read(&t, path), 0);
    int cd = rp_csv_col(&t, "events.ban.duration");
    cr_assert_geq(cd, 0);
    int inf = 0;
    for (size_t r = 1; r < t.nrows; r++) {
        const char *v = rp_csv_get(&t, r, cd);
        cr_expect(!strcmp(v, "10") || !strcmp(v, "inf"), "row %zu: %s", r, v);
        cr_expect(!isnan(rp_csv_number(v)), "row %zu: %s", r, v);
        inf += !strcmp(v, "inf");
    }
    cr_expect_gt(inf, 0, "no point reads inf");
    rp_csv_table_release(&t);
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
