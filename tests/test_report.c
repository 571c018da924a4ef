#define _POSIX_C_SOURCE 200809L
/*
 * test_report.c - the JSON and CSV writers and atomic files: summary and
 * compare JSON hold the documented keys and parse, series, events and
 * groups CSV describe the run, and every CSV joins to provenance.json.
 * report.html is tested in test_report_html.c, the text table in
 * test_report_table.c.
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
