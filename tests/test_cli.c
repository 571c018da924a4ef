/*
 * test_cli.c - the ripple command as a user meets it: exit statuses, error
 * lines, files written whole or not at all.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <errno.h>
#include <time.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ripple/csvread.h"
#include "ripple/yamltree.h"

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
    cr_expect_not_null(strstr(out, "ripple: --threads: expected a whole number "
                                   "from 1 to 4096, not '0'"), "%s", out);
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
    cr_expect_eq(count_files(outdir), 7, "expected exactly the seven files below");
    char f[600];
    struct stat st;
    const char *names[] = { "summary.json", "replications.csv", "series.csv",
                            "events.csv", "groups.csv", "records.bin",
                            "provenance.json" };
    for (int i = 0; i < 7; i++) {
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
                "timeout -s KILL 0.5 " RIPPLE " run %s -n 10000000 --quiet --threads 1 --out %s",
                path, outdir);
    cr_assert_eq(rc, 137, "the run ended (%d) before it could be killed: %s",
                 rc, out);
    const char *names[] = { "summary.json", "replications.csv", "series.csv",
                            "events.csv", "groups.csv" };
    struct stat st;
    char f[600];
    for (int i = 0; i < 5; i++) {
        snprintf(f, sizeof f, "%s/%s", outdir, names[i]);
        cr_expect_neq(stat(f, &st), 0, "%s exists after a kill", names[i]);
    }
}

/* ------------------------------------------------- the command line itself */

Test(cli, long_options_take_equals_and_short_options_take_attached_values)
{
    char a[1 << 16], b[1 << 16], path[512];
    write_file("good.yaml", good);
    snprintf(path, sizeof path, "%s/good.yaml", dir);
    cr_assert_eq(sh(a, sizeof a, RIPPLE " run %s --format json --seed 5 -n 4 "
                    "--threads 1 | grep -v provenance", path), 0, "%s", a);
    cr_assert_eq(sh(b, sizeof b, RIPPLE " run --format=json %s --seed=5 -n4 "
                    "-j1 | grep -v provenance", path), 0, "%s", b);
    cr_expect_str_eq(a, b);
    cr_expect_not_null(strstr(a, "\"replications\": 4, \"seed\": 5"), "%s", a);
}

Test(cli, double_dash_ends_the_options)
{
    char out[8192], path[512];
    write_file("-n.yaml", good);
    /* after --, "-n.yaml" is a file, not the option -n */
    snprintf(path, sizeof path, "cd %s && " RIPPLE " validate -- -n.yaml", dir);
    cr_expect_eq(sh(out, sizeof out, "%s", path), 0, "%s", out);
    cr_expect_not_null(strstr(out, "ok: -n.yaml"), "%s", out);
    snprintf(path, sizeof path, "cd %s && " RIPPLE " validate -n.yaml", dir);
    cr_expect_eq(sh(out, sizeof out, "%s", path), 2, "%s", out);
}

Test(cli, each_command_has_its_own_help)
{
    static const char *const verbs[] = { "run", "validate", "compare", "sweep",
                                         "report" };
    char a[8192], b[8192], want[64];
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++) {
        cr_expect_eq(sh(a, sizeof a, RIPPLE " %s --help", verbs[i]), 0);
        cr_expect_eq(sh(b, sizeof b, RIPPLE " help %s", verbs[i]), 0);
        snprintf(want, sizeof want, "usage: ripple %s ", verbs[i]);
        cr_expect_eq(strncmp(a, want, strlen(want)), 0, "%s", a);
        cr_expect_str_eq(a, b);
    }
    /* each lists only its own options */
    sh(a, sizeof a, RIPPLE " validate --help");
    cr_expect_not_null(strstr(a, "--variant"));
    cr_expect_null(strstr(a, "--seed"), "%s", a);
    sh(a, sizeof a, RIPPLE " run --help");
    cr_expect_not_null(strstr(a, "--precision"));
    cr_expect_eq(sh(a, sizeof a, RIPPLE " help"), 0);
    cr_expect_not_null(strstr(a, "sweep FILE"), "%s", a);
}

/* Reads path into buf; returns its length. */
static size_t slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot read %s", path);
    size_t n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
    return n;
}

/* Names in d, sorted, one per line, into buf: to see that nothing was written. */
static void listing(const char *d, char *buf, size_t cap)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | sort", d);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t n = fread(buf, 1, cap - 1, p);
    buf[n] = '\0';
    pclose(p);
}

/*
 * Runs ripple with the arguments in args (one per line) from cwd; returns
 * the exit status (-1 if killed) and the first line of stderr in first.
 */
static int run_args(const char *cwd, const char *args, char *first, size_t cap)
{
    char *argv[128] = { (char *)RIPPLE };
    int argc = 1;
    char *copy = strdup(args);
    for (char *p = copy; *p && argc < 127;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        argv[argc++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    argv[argc] = NULL;
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        if (chdir(cwd))
            _exit(127);
        alarm(20);                      /* a hang fails the case, not the suite */
        execv(RIPPLE, argv);
        _exit(127);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t got;
    char buf[8192];
    while ((got = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)got;
    buf[n] = '\0';
    close(fds[0]);
    int st;
    waitpid(pid, &st, 0);
    snprintf(first, cap, "%.*s", (int)strcspn(buf, "\n"), buf);
    free(copy);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * The CLI-misuse corpus: tests/bad/cli/NAME.args run from tests/bad/ exits
 * 2, its first stderr line is NAME.expect's, and nothing is written.
 */
Test(cli, misuse_corpus_exits_two_with_the_expected_line_and_writes_nothing)
{
    const char *bad = RP_SOURCE_DIR "/tests/bad";
    const char *cdir = RP_SOURCE_DIR "/tests/bad/cli";
    char before[1 << 15], after[1 << 15], cbefore[1 << 15], cafter[1 << 15];
    DIR *dp = opendir(cdir);
    cr_assert_not_null(dp);
    int ncases = 0;
    listing(bad, before, sizeof before);
    listing(cdir, cbefore, sizeof cbefore);
    for (struct dirent *e; (e = readdir(dp));) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".args"))
            continue;
        char path[1024], args[8192], expect[1024], first[1024];
        snprintf(path, sizeof path, "%s/%s", cdir, e->d_name);
        slurp(path, args, sizeof args);
        snprintf(path, sizeof path, "%s/%.*s.expect", cdir, (int)(len - 5),
                 e->d_name);
        slurp(path, expect, sizeof expect);
        expect[strcspn(expect, "\n")] = '\0';
        int rc = run_args(bad, args, first, sizeof first);
        cr_expect_eq(rc, 2, "%s: exit %d", e->d_name, rc);
        cr_expect_str_eq(first, expect, "%s", e->d_name);
        listing(bad, after, sizeof after);
        listing(cdir, cafter, sizeof cafter);
        cr_expect_str_eq(after, before, "%s wrote into tests/bad", e->d_name);
        cr_expect_str_eq(cafter, cbefore, "%s wrote into tests/bad/cli",
                         e->d_name);
        ncases++;
    }
    closedir(dp);
    cr_expect_geq(ncases, 25, "only %d CLI cases", ncases);
}

/* ----------------------------------------------- outputs that never lie */

/* Starts `sh -c "exec CMD"` with stderr into dir/err; returns ripple's pid. */
static pid_t start(const char *fmt, ...)
{
    char cmd[4096], full[4400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "exec %s >/dev/null 2>'%s/err'", cmd, dir);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", full, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Waits for pid; its exit status, or 128 + signal when a signal ended it. */
static int finish(pid_t pid)
{
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void pause_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Does dir hold an entry whose name starts with prefix? */
static bool has_entry(const char *d, const char *prefix)
{
    DIR *dp = opendir(d);
    bool found = false;
    for (struct dirent *e; dp && !found && (e = readdir(dp));)
        found = !strncmp(e->d_name, prefix, strlen(prefix));
    if (dp)
        closedir(dp);
    return found;
}

/* Waits (up to 60 s) until a run into dir/out has created its temporary. */
static void wait_until_running(pid_t pid)
{
    for (int i = 0; i < 6000 && !has_entry(dir, "out.tmp-"); i++) {
        int st;
        cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "the run ended early");
        pause_ms(10);
    }
    cr_assert(has_entry(dir, "out.tmp-"), "no out.tmp-PID appeared");
    pause_ms(300);                      /* well into the replications */
}

static void file_text(const char *name, char *buf, size_t cap)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    slurp(path, buf, cap);
}

/* A finished run into dir/out, to be kept safe by what follows. */
static void previous_results(char *summary, size_t cap)
{
    char out[8192];
    write_file("good.yaml", good);
    cr_assert_eq(sh(out, sizeof out, "cd %s && " RIPPLE " run good.yaml -n 3 "
                    "--quiet --out out", dir), 0, "%s", out);
    file_text("out/summary.json", summary, cap);
    cr_assert_not_null(strstr(summary, "\"replications\": 3"));
}

/* Nothing but DIR itself: no temporaries, no lock. */
static void expect_no_leftovers(void)
{
    cr_expect_not(has_entry(dir, "out.tmp-"), "a temporary directory is left");
    cr_expect_not(has_entry(dir, "out.old-"), "an old directory is left");
    cr_expect_not(has_entry(dir, "out.lock"), "the lock file is left");
}

#define LONG_RUN RIPPLE " run %s/good.yaml -n 10000000 --threads 1 --quiet --out %s/out"

static void stop_with(int sig, int want_status, const char *name)
{
    char before[1 << 16], after[1 << 16], err[4096];
    previous_results(before, sizeof before);
    pid_t pid = start(LONG_RUN, dir, dir);
    wait_until_running(pid);
    cr_assert_eq(kill(pid, sig), 0);
    cr_expect_eq(finish(pid), want_status);
    file_text("err", err, sizeof err);
    char want[64];
    snprintf(want, sizeof want, "ripple: stopped by %s after ", name);
    cr_expect_not_null(strstr(err, want), "%s", err);
    cr_expect_not_null(strstr(err, "out is as it was"), "%s", err);
    /* the finished replications stay for --resume (tests/hpc/check.sh resumes) */
    cr_expect_not_null(strstr(err, "continue with the same command and "
                                   "--resume "), "%s", err);
    cr_expect(has_entry(dir, "out.tmp-"), "the checkpoint was removed");
    file_text("out/summary.json", after, sizeof after);
    cr_expect_str_eq(after, before, "the previous results changed");
    cr_expect_eq(count_files(strcat(strcpy(err, dir), "/out")), 7);
    cr_expect_not(has_entry(dir, "out.lock"), "the lock file is left");
}

Test(cli, sigterm_keeps_the_finished_replications_and_exits_143)
{
    stop_with(SIGTERM, 143, "SIGTERM");
}

Test(cli, sigint_keeps_the_finished_replications_and_exits_130)
{
    stop_with(SIGINT, 130, "SIGINT");
}

Test(cli, a_sigkilled_runs_temporary_is_removed_by_the_next_run)
{
    char before[1 << 16], after[1 << 16], out[8192];
    previous_results(before, sizeof before);
    pid_t pid = start(LONG_RUN, dir, dir);
    wait_until_running(pid);
    cr_assert_eq(kill(pid, SIGKILL), 0);
    cr_expect_eq(finish(pid), 128 + SIGKILL);
    /* what SIGKILL cannot prevent: its temporary stays, DIR is untouched */
    cr_expect(has_entry(dir, "out.tmp-"));
    file_text("out/summary.json", after, sizeof after);
    cr_expect_str_eq(after, before);
    int rc = sh(out, sizeof out, "cd %s && " RIPPLE " run good.yaml -n 4 "
                "--quiet --out out", dir);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect_not_null(strstr(out, "ripple: removed 1 temporary directory "
                                   "that killed runs had left beside out"),
                       "%s", out);
    expect_no_leftovers();
    file_text("out/summary.json", after, sizeof after);
    cr_expect_not_null(strstr(after, "\"replications\": 4"));
}

Test(cli, a_second_run_into_the_same_directory_is_refused_while_the_first_lives)
{
    char before[1 << 16], out[8192], want[128];
    previous_results(before, sizeof before);
    pid_t pid = start(LONG_RUN, dir, dir);
    wait_until_running(pid);
    int rc = sh(out, sizeof out, "cd %s && " RIPPLE " run good.yaml -n 4 "
                "--quiet --out out/", dir);
    cr_expect_eq(rc, 1, "%s", out);
    snprintf(want, sizeof want, "ripple: out is being written by another "
             "ripple run (pid %ld", (long)pid);
    cr_expect_not_null(strstr(out, want), "%s", out);
    kill(pid, SIGTERM);
    cr_expect_eq(finish(pid), 143);
    /* once the first is gone, the lock is free again */
    rc = sh(out, sizeof out, "cd %s && " RIPPLE " run good.yaml -n 4 --quiet "
            "--out out", dir);
    cr_expect_eq(rc, 0, "%s", out);
    expect_no_leftovers();
}

Test(cli, an_existing_directory_is_replaced_whole_not_mixed)
{
    char before[1 << 16], out[8192], path[600];
    struct stat st;
    previous_results(before, sizeof before);
    /* the same scenario without series: series.csv must not survive */
    char *noseries = strdup(good);
    *strstr(noseries, "  series: true\n") = '\0';
    write_file("noseries.yaml", noseries);
    free(noseries);
    int rc = sh(out, sizeof out, "cd %s && " RIPPLE " run noseries.yaml -n 2 "
                "--quiet --out out", dir);
    cr_assert_eq(rc, 0, "%s", out);
    snprintf(path, sizeof path, "%s/out/series.csv", dir);
    cr_expect_neq(stat(path, &st), 0, "an old series.csv sits beside new files");
    snprintf(path, sizeof path, "%s/out", dir);
    cr_expect_eq(count_files(path), 6);
    expect_no_leftovers();
}

Test(cli, a_directory_holding_other_files_is_refused_and_left_alone)
{
    char out[8192], path[600];
    struct stat st;
    write_file("good.yaml", good);
    snprintf(path, sizeof path, "%s/out", dir);
    cr_assert_eq(mkdir(path, 0777), 0);
    write_file("out/notes.txt", "mine\n");
    int rc = sh(out, sizeof out, "cd %s && " RIPPLE " run good.yaml -n 2 "
                "--quiet --out out", dir);
    cr_expect_eq(rc, 2, "%s", out);
    cr_expect_not_null(strstr(out, "ripple: --out: out holds 'notes.txt', "
                                   "which ripple did not write"), "%s", out);
    snprintf(path, sizeof path, "%s/out/notes.txt", dir);
    cr_expect_eq(stat(path, &st), 0);
    expect_no_leftovers();
}

/* A run that cannot write (full disk: here a file size limit) exits 1. */
Test(cli, a_write_error_exits_one_naming_the_path_and_keeps_old_results)
{
    char before[1 << 16], after[1 << 16], out[8192];
    previous_results(before, sizeof before);
    /* ignoring SIGXFSZ turns the limit into EFBIG, as ENOSPC would be */
    int rc = sh(out, sizeof out, "cd %s && trap '' XFSZ && ulimit -f 8 && "
                RIPPLE " run good.yaml -n 200 --quiet --out out", dir);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect_not_null(strstr(out, "ripple: cannot write out.tmp-"), "%s", out);
    cr_expect_not_null(strstr(out, "File too large"), "%s", out);
    cr_expect_not_null(strstr(out, "ripple: out is as it was"), "%s", out);
    file_text("out/summary.json", after, sizeof after);
    cr_expect_str_eq(after, before);
    expect_no_leftovers();
}

/* Without write permission beside DIR: exit 1 with the path. */
Test(cli, a_read_only_parent_exits_one_naming_the_path)
{
    char before[1 << 16], after[1 << 16], out[8192];
    cr_assert_eq(chmod(dir, 0755), 0);
    previous_results(before, sizeof before);
    /* root ignores permissions: run as nobody then */
    const char *as = geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 "
                                      "--clear-groups " : "";
    cr_assert_eq(chmod(dir, 0555), 0);
    int rc = sh(out, sizeof out, "cd %s && %s" RIPPLE " run good.yaml -n 2 "
                "--quiet --out out", dir, as);
    chmod(dir, 0755);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect_not_null(strstr(out, "ripple: cannot create the lock out.lock: "
                                   "Permission denied"), "%s", out);
    file_text("out/summary.json", after, sizeof after);
    cr_expect_str_eq(after, before);
    expect_no_leftovers();
}

/* dir/name through the shared RFC 4180 reader; fails the test if it cannot. */
static void read_table(struct rp_csv_table *t, const char *name)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert_eq(rp_csv_table_read(t, path), 0, "%s does not parse", path);
}

Test(cli, ids_with_commas_and_quotes_read_back_from_every_csv)
{
    char out[8192];
    write_file("comma.yaml",
               "ripple: 1\nhorizon: 20\nreplications: 2\nseed: 3\n"
               "products: { \"x,y\": { unit: \"t, \\\"metric\\\"\" } }\n"
               "nodes:\n"
               "  sup: { country: JP, supply: unlimited }\n"
               "  \"buy,ers\":\n"
               "    country: KR\n"
               "    demand: { product: \"x,y\", every: 1 }\n"
               "    sources: { \"x,y\": { sup: { lead_time: 2 } } }\n"
               "report:\n  groups: { \"all,of\": { nodes: [\"buy,ers\"] } }\n"
               "  series: true\n");
    int rc = sh(out, sizeof out, "cd %s && " RIPPLE " run comma.yaml --quiet "
                "--out out", dir);
    if (rc == 2 && strstr(out, "comma.yaml:"))
        cr_skip_test("the loader refuses such ids: %s", out);
    cr_assert_eq(rc, 0, "%s", out);

    struct rp_csv_table t;
    read_table(&t, "out/replications.csv");
    int cid = rp_csv_col(&t, "id"), ckey = rp_csv_col(&t, "key"),
        cunit = rp_csv_col(&t, "unit"), cm = rp_csv_col(&t, "metric");
    cr_assert(cid >= 0 && ckey >= 0 && cunit >= 0 && cm >= 0);
    int buyers = 0;
    for (size_t r = 1; r < t.nrows; r++) {
        cr_assert_eq(t.row[r + 1] - t.row[r], t.row[1] - t.row[0],
                     "row %zu has another number of fields", r);
        if (strcmp(rp_csv_get(&t, r, cid), "buy,ers")
            || strcmp(rp_csv_get(&t, r, cm), "unmet"))
            continue;
        buyers++;
        cr_expect_str_eq(rp_csv_get(&t, r, ckey), "x,y");
        cr_expect_str_eq(rp_csv_get(&t, r, cunit), "t, \"metric\"");
    }
    cr_expect_eq(buyers, 2, "one unmet row of node 'buy,ers' per replication");
    rp_csv_table_release(&t);

    read_table(&t, "out/groups.csv");
    cr_assert_eq(t.nrows, 2);
    cr_expect_str_eq(rp_csv_get(&t, 1, rp_csv_col(&t, "group")), "all,of");
    cr_expect_str_eq(rp_csv_get(&t, 1, rp_csv_col(&t, "unit")), "t, \"metric\"");
    cr_expect_str_eq(rp_csv_get(&t, 1, rp_csv_col(&t, "node")), "buy,ers");
    rp_csv_table_release(&t);

    read_table(&t, "out/series.csv");
    cr_assert_gt(t.nrows, 1);
    cr_expect_str_eq(rp_csv_get(&t, 1, rp_csv_col(&t, "group")), "all,of");
    cr_expect_str_eq(rp_csv_get(&t, 1, rp_csv_col(&t, "unit")),
                     "t, \"metric\" per day");
    rp_csv_table_release(&t);
}

Test(cli, report_refuses_a_truncated_or_foreign_summary)
{
    char before[1 << 16], out[8192], path[600];
    struct stat st;
    previous_results(before, sizeof before);
    before[strlen(before) / 2] = '\0';
    write_file("out/summary.json", before);
    int rc = sh(out, sizeof out, RIPPLE " report %s/out", dir);
    cr_expect_eq(rc, 2, "%s", out);
    cr_expect_not_null(strstr(out, "/out/summary.json is not a whole ripple "
                                   "summary"), "%s", out);
    write_file("out/summary.json", "{\"name\": \"a package.json\"}\n");
    rc = sh(out, sizeof out, RIPPLE " report %s/out", dir);
    cr_expect_eq(rc, 2, "%s", out);
    cr_expect_not_null(strstr(out, "/out/summary.json is not a ripple summary"),
                       "%s", out);
    snprintf(path, sizeof path, "%s/out/report.html", dir);
    cr_expect_neq(stat(path, &st), 0, "a report was written");
}

Test(cli, bad_input_to_compare_with_out_creates_nothing)
{
    char out[8192], path[600];
    struct stat st;
    write_file("bad.yaml", "ripple: 1\nhorizon: -5\n");
    int rc = sh(out, sizeof out, "cd %s && " RIPPLE " compare bad.yaml --out out",
                dir);
    cr_expect_eq(rc, 2, "%s", out);
    snprintf(path, sizeof path, "%s/out", dir);
    cr_expect_neq(stat(path, &st), 0);
    expect_no_leftovers();
}

Test(cli, sigterm_without_out_exits_143_and_says_no_files_were_written)
{
    char err[4096];
    write_file("good.yaml", good);
    pid_t pid = start(RIPPLE " run %s/good.yaml -n 10000000 --threads 1 --quiet",
                      dir);
    pause_ms(500);
    int st;
    cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "the run ended early");
    cr_assert_eq(kill(pid, SIGTERM), 0);
    cr_expect_eq(finish(pid), 143);
    file_text("err", err, sizeof err);
    cr_expect_not_null(strstr(err, "ripple: stopped by SIGTERM after "), "%s", err);
    cr_expect_not_null(strstr(err, "; no files were written"), "%s", err);
}

/* The run-time budget of issue 8: a replication past it stops the batch. */
Test(cli, a_replication_over_its_event_budget_exits_1_and_writes_nothing)
{
    char out[8192], before[1 << 16], after[1 << 16];
    previous_results(before, sizeof before);
    int rc = sh(out, sizeof out, "cd %s && " RIPPLE " run good.yaml -n 40 "
                "--quiet --max-rep-events 20 --out out", dir);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect_not_null(strstr(out, "ripple: replication 0 took more than 20 "
                                   "engine steps"), "%s", out);
    cr_expect_not_null(strstr(out, "raise it with --max-rep-events N"), "%s", out);
    file_text("out/summary.json", after, sizeof after);
    cr_expect_str_eq(after, before, "the previous results changed");
    expect_no_leftovers();
    rc = sh(out, sizeof out, "cd %s && " RIPPLE " compare good.yaml -n 4 "
            "--quiet --max-rep-events 20", dir);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect_not_null(strstr(out, "engine steps"), "%s", out);
    rc = sh(out, sizeof out, "cd %s && " RIPPLE " run good.yaml -n 4 --quiet "
            "--max-rep-events 0", dir);
    cr_expect_eq(rc, 0, "0 is no limit: %s", out);
}
