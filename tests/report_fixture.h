/*
 * report_fixture.h - what the report suites (test_report.c,
 * test_report_html.c, test_report_table.c) share: a two-group scenario
 * written to a fresh directory for each test and removed after it, paths
 * in that directory, reading a file whole, counting files and strings, and
 * running the ripple executable. Header-only, so each suite stays one
 * source file; the suites define _POSIX_C_SOURCE before including it.
 */
#ifndef RIPPLE_TESTS_REPORT_FIXTURE_H
#define RIPPLE_TESTS_REPORT_FIXTURE_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

static inline void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/chain.yaml", dir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fputs(yaml, f);
    fclose(f);
}

static inline void teardown(void)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    strcpy(dir, "/tmp/rp_test_report_XXXXXX");
}

static inline char *path_in(const char *name)
{
    static char buf[8][4400];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

static inline char *slurp(const char *path)
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

static inline bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Files in dir whose names contain needle. */
static inline int count_files(const char *d, const char *needle)
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

/* Runs the ripple binary through the shell; returns its exit status. */
static inline int ripple(const char *env, const char *args)
{
    char cmd[20000];
    snprintf(cmd, sizeof cmd, "%s '%s/ripple' %s >'%s/stdout.txt' "
             "2>'%s/stderr.txt'", env, RP_BINARY_DIR, args, dir, dir);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline void run_into(const char *sub)
{
    char args[9000];
    snprintf(args, sizeof args, "run '%s' -n 20 --threads 1 --quiet --out '%s/%s'",
             file, dir, sub);
    cr_assert_eq(ripple("", args), 0);
}

/* Counts the occurrences of needle in s. */
static inline int count_in(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

#endif
