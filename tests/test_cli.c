/*
 * test_cli.c - the ripple command as a user meets it: exit statuses, error
 * lines, files written whole or not at all.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RIPPLE RP_BINARY_DIR "/ripple"

static char dir[256];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/ripple-cli-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(cli, .init = setup, .fini = teardown);

/* Runs a shell command; returns its exit status and its stdout+stderr in out. */
static int sh(char *out, size_t cap, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static int count_files(const char *d)
{
    DIR *dp = opendir(d);
    int n = 0;
    if (!dp)
        return -1;
    for (struct dirent *e; (e = readdir(dp));)
        if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")))
            n++;
    closedir(dp);
    return n;
}

static const char *good =
    "ripple: 1\nhorizon: 50\nreplications: 8\nseed: 3\n"
    "products: { x: { unit: t } }\n"
    "nodes:\n"
    "  sup: { country: JP, supply: unlimited }\n"
    "  buyers:\n"
    "    country: KR\n"
    "    demand: { product: x, every: { dist: exponential, mean: 1 } }\n"
    "    sources: { x: { sup: { lead_time: 2 } } }\n"
    "events:\n"
    "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], start: 20, duration: 10 }\n"
    "report:\n"
    "  groups: { all: { nodes: [buyers] } }\n"
    "  series: true\n";

Test(cli, help_and_version_exit_zero)
{
    char out[8192];
    cr_expect_eq(sh(out, sizeof out, RIPPLE " --help"), 0);
    cr_expect_not_null(strstr(out, "usage: ripple"));
    cr_expect_eq(sh(out, sizeof out, RIPPLE " --version"), 0);
    cr_expect_not_null(strstr(out, "ripple "));
}

Test(cli, usage_errors_exit_two)
{
    char out[8192];
    cr_expect_eq(sh(out, sizeof out, RIPPLE), 2);
    cr_expect_eq(sh(out, sizeof out, RIPPLE " frobnicate x.yaml"), 2);
    cr_expect_eq(sh(out, sizeof out, RIPPLE " run"), 2);
    cr_expect_eq(sh(out, sizeof out, RIPPLE " run x.yaml --threads 0"), 2);
    cr_expect_not_null(strstr(out, "threads must be"));
    cr_expect_eq(sh(out, sizeof out, RIPPLE " run x.yaml -n ten"), 2);
    cr_expect_eq(sh(out, sizeof out, RIPPLE " run x.yaml --bogus"), 2);
}

Test(cli, bad_scenario_gives_file_line_col_exit_two_and_writes_nothing)
{
    char out[8192], path[512], outdir[512];
    write_file("bad.yaml",
               "ripple: 1\nhorizon: -5\nproducts: { x: {} }\n"
               "nodes:\n  a: { country: Korea, supply: unlimited }\n");
    snprintf(path, sizeof path, "%s/bad.yaml", dir);
    snprintf(outdir, sizeof outdir, "%s/out", dir);
    int rc = sh(out, sizeof out, RIPPLE " run %s --out %s", path, outdir);
    cr_expect_eq(rc, 2, "exit %d: %s", rc, out);
    /* both errors, each as file:line:col: message */
    char want[600];
    snprintf(want, sizeof want, "%s:2:10: ", path);
    cr_expect_not_null(strstr(out, want), "missing %s in:\n%s", want, out);
    snprintf(want, sizeof want, "%s:5:17: ", path);
    cr_expect_not_null(strstr(out, want), "missing %s in:\n%s", want, out);
    struct stat st;
    cr_expect_neq(stat(outdir, &st), 0, "an output directory was created");
}

Test(cli, missing_file_exits_two)
{
    char out[8192];
    cr_expect_eq(sh(out, sizeof out, RIPPLE " validate /nonexistent/none.yaml"), 2);
    cr_expect_not_null(strstr(out, "none.yaml"));
}

Test(cli, validate_prints_a_summary)
{
    char out[8192], path[512];
    write_file("good.yaml", good);
    snprintf(path, sizeof path, "%s/good.yaml", dir);
    cr_expect_eq(sh(out, sizeof out, RIPPLE " validate %s", path), 0, "%s", out);
    cr_expect_not_null(strstr(out, "buyers"));
    cr_expect_not_null(strstr(out, "ok:"));
}

Test(cli, out_dir_gets_whole_files_and_no_temporaries)
{
    char out[65536], path[512], outdir[512];
    write_file("good.yaml", good);
    snprintf(path, sizeof path, "%s/good.yaml", dir);
    snprintf(outdir, sizeof outdir, "%s/out", dir);
    int rc = sh(out, sizeof out, RIPPLE " run %s --out %s --quiet", path, outdir);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect_eq(count_files(outdir), 5, "expected exactly the five files below");
    char f[600];
    struct stat st;
    const char *names[] = { "summary.json", "replications.csv", "series.csv",
                            "events.csv", "groups.csv" };
    for (int i = 0; i < 5; i++) {
        snprintf(f, sizeof f, "%s/%s", outdir, names[i]);
        cr_expect_eq(stat(f, &st), 0, "%s missing", names[i]);
        cr_expect_gt(st.st_size, 10);
    }
    /* replications.csv: a header and one row per replication and value */
    snprintf(f, sizeof f, "wc -l < %s/replications.csv", outdir);
    sh(out, sizeof out, "%s", f);
    long lines = atol(out);
    cr_expect_eq((lines - 1) % 8, 0, "rows not a multiple of 8 replications: %ld", lines);
}

Test(cli, json_output_is_identical_on_one_and_three_threads)
{
    char a[1 << 16], b[1 << 16], path[512];
    write_file("good.yaml", good);
    snprintf(path, sizeof path, "%s/good.yaml", dir);
    /* drop the provenance line: it holds wall time, threads and start time */
    cr_assert_eq(sh(a, sizeof a, RIPPLE " run %s --format json --threads 1 | grep -v provenance", path), 0);
    cr_assert_eq(sh(b, sizeof b, RIPPLE " run %s --format json --threads 3 | grep -v provenance", path), 0);
    cr_expect_str_eq(a, b);
    cr_expect_not_null(strstr(a, "\"groups\""));
}

Test(cli, table_names_the_group_and_its_unit)
{
    char out[65536], path[512];
    write_file("good.yaml", good);
    snprintf(path, sizeof path, "%s/good.yaml", dir);
    cr_assert_eq(sh(out, sizeof out, RIPPLE " run %s --quiet", path), 0, "%s", out);
    cr_expect_not_null(strstr(out, "all: shortfall of x (t)"), "%s", out);
    cr_expect_not_null(strstr(out, "after ban"), "%s", out);
}

Test(cli, precision_names_the_value_it_watched_and_watch_checks_names)
{
    char out[65536], path[512];
    write_file("good.yaml", good);
    snprintf(path, sizeof path, "%s/good.yaml", dir);
    int rc = sh(out, sizeof out, RIPPLE " run %s --quiet --precision 0.5 -n 10 "
                "--watch nodes.buyers.x.delivered", path);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect_not_null(strstr(out, "precision target 0.5 for nodes.buyers.x.delivered"),
                       "%s", out);
    rc = sh(out, sizeof out, RIPPLE " run %s --quiet --precision 0.5 --watch nodes.nope.x.unmet",
            path);
    cr_expect_eq(rc, 2);
    cr_expect_not_null(strstr(out, "no value named 'nodes.nope.x.unmet'"), "%s", out);
}

Test(cli, quantiles_flag_picks_exact_or_streaming_and_says_so)
{
    char out[1 << 16], path[512];
    write_file("good.yaml", good);
    snprintf(path, sizeof path, "%s/good.yaml", dir);
    cr_assert_eq(sh(out, sizeof out, RIPPLE " run %s --format json --quantiles p2", path), 0);
    cr_expect_not_null(strstr(out, "\"quantiles\": \"p2\""), "%s", out);
    cr_assert_eq(sh(out, sizeof out, RIPPLE " run %s --format json --quantiles exact", path), 0);
    cr_expect_not_null(strstr(out, "\"quantiles\": \"exact\""), "%s", out);
    cr_expect_eq(sh(out, sizeof out, RIPPLE " run %s --quantiles median", path), 2);
}

/*
 * A run killed before it finishes leaves no file under its final name:
 * every output is written to a temporary name and renamed at the end.
 */
Test(cli, a_killed_run_leaves_no_half_written_file)
{
    char out[8192], path[512], outdir[512];
    write_file("good.yaml", good);
    snprintf(path, sizeof path, "%s/good.yaml", dir);
    snprintf(outdir, sizeof outdir, "%s/out", dir);
    /* long enough to be killed mid-run; rows are streamed as it goes */
    int rc = sh(out, sizeof out,
                "timeout -s KILL 0.5 " RIPPLE " run %s -n 100000000 --quiet --threads 1 --out %s",
                path, outdir);
    cr_assert_neq(rc, 0, "the run finished before it could be killed");
    const char *names[] = { "summary.json", "replications.csv", "series.csv",
                            "events.csv", "groups.csv" };
    struct stat st;
    char f[600];
    for (int i = 0; i < 5; i++) {
        snprintf(f, sizeof f, "%s/%s", outdir, names[i]);
        cr_expect_neq(stat(f, &st), 0, "%s exists after a kill", names[i]);
    }
}
