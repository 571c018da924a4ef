#define _POSIX_C_SOURCE 200809L
/*
 * test_provenance.c - every output directory says where it came from and
 * in what units, and reads back through the shared parsers: the JSON
 * through the YAML tree, the CSV through csvread.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ripple/csvread.h"
#include "ripple/report.h"
#include "ripple/sha256.h"
#include "ripple/yamltree.h"

#define RIPPLE RP_BINARY_DIR "/ripple"
#define BIG_SEED "12345678901234567891"  /* above 2^63, not a double */

static char dir[] = "/tmp/rp_test_prov_XXXXXX";

static const char scenario[] =
    "ripple: 1\nname: prov\nhorizon: 60\nreplications: 4\nseed: 3\n"
    "products: { x: { unit: t } }\n"
    "nodes:\n"
    "  sup: { country: JP, supply: unlimited }\n"
    "  buyers:\n"
    "    country: KR\n"
    "    demand: { product: x, every: { dist: exponential, mean: 1 } }\n"
    "    sources: { x: { sup: { lead_time: 2 } } }\n"
    "events:\n"
    "  ban: { type: export_ban, from: [JP], to: [KR], products: [x], "
    "start: 20, duration: 10 }\n"
    "report:\n"
    "  groups: { all: { nodes: [buyers] }, second: { nodes: [buyers] } }\n"
    "  lead: second\n"
    "variants:\n"
    "  long: { events: { ban: { duration: 30 } } }\n"
    "  late: { events: { ban: { start: 50 } } }\n";

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/prov.yaml", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(scenario, f);
    fclose(f);
}

static void teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(provenance, .init = setup, .fini = teardown);

/* Runs ripple ARGS in dir, output to dir/log; returns the exit status. */
static int ripple(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >log 2>&1", dir, RIPPLE,
             args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s is missing", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

/* A JSON file through the YAML tree; its text stays alive in *text. */
static const struct rp_ynode *json(struct rp_ytree *t, const char *name,
                                   char **text)
{
    size_t len;
    struct rp_diag d;
    *text = slurp(name, &len);
    rp_diag_init(&d);
    rp_ytree_init(t);
    const struct rp_ynode *root = rp_ytree_parse(t, *text, len, name, &d);
    cr_assert_eq(rp_diag_count(&d), 0, "%s does not parse", name);
    rp_diag_release(&d);
    cr_assert(root && root->kind == RP_YMAP);
    return root;
}

static const char *text_at(const struct rp_ynode *root, const char *path)
{
    const struct rp_ynode *n = rp_ytree_path(root, path);
    cr_assert(n && n->kind == RP_YSCALAR, "no scalar at %s", path);
    return n->text;
}

static void read_table(struct rp_csv_table *t, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert_eq(rp_csv_table_read(t, path), 0, "%s does not parse", name);
}

Test(provenance, a_run_names_its_scenario_override_seed_and_units)
{
    cr_assert_eq(ripple("run prov.yaml --set events.ban.duration=forever "
                        "--seed " BIG_SEED " -n 3 --quiet --out out"), 0);
    struct rp_ytree t;
    char *text;
    const struct rp_ynode *p = json(&t, "out/provenance.json", &text);
    cr_assert_str_eq(text_at(p, "kind"), "run");
    const struct rp_ynode *runs = rp_ytree_get(p, "runs");
    cr_assert(runs && runs->kind == RP_YSEQ && runs->n == 1);
    const struct rp_ynode *r = runs->items[0];
    cr_assert_str_eq(text_at(r, "seed"), BIG_SEED, "the seed lost digits");
    cr_assert_str_eq(text_at(r, "replications"), "3");
    cr_assert_str_eq(text_at(r, "variant"), "base");
    cr_assert_str_eq(text_at(r, "scenario.name"), "prov");
    cr_assert_str_eq(text_at(r, "scenario.file"), "prov.yaml");
    const struct rp_ynode *set = rp_ytree_get(r, "set");
    cr_assert(set && set->kind == RP_YSEQ && set->n == 1, "the override is lost");
    cr_assert_str_eq(text_at(set->items[0], "path"), "events.ban.duration");
    cr_assert_str_eq(text_at(set->items[0], "value"), "inf");
    cr_assert_gt(strlen(text_at(r, "version")), 0);
    cr_assert_gt(strlen(text_at(r, "git")), 0);

    /* the hash is of the file's bytes */
    size_t len;
    char *yaml = slurp("prov.yaml", &len);
    unsigned char d[32];
    char hex[65];
    rp_sha256(yaml, len, d);
    rp_sha256_hex(d, hex);
    cr_assert_str_eq(text_at(r, "scenario.sha256"), hex);
    free(yaml);
    char run[17];
    snprintf(run, sizeof run, "%s", text_at(r, "run"));
    cr_assert_eq(strlen(run), 16);

    /* summary.json carries the same provenance, the seed exactly, units */
    struct rp_ytree t2;
    char *text2;
    const struct rp_ynode *s = json(&t2, "out/summary.json", &text2);
    cr_assert_str_eq(text_at(s, "seed"), BIG_SEED);
    cr_assert_str_eq(text_at(s, "provenance.run"), run);
    cr_assert_str_eq(text_at(s, "provenance.scenario.sha256"), hex);
    cr_assert_str_eq(text_at(s, "groups.all.x.unmet.unit"), "t");
    cr_assert_str_eq(text_at(s, "nodes.buyers.x.fill_rate.unit"), "share");
    cr_assert_str_eq(text_at(s, "nodes.buyers.x.cycle_time.unit"), "days");
    cr_assert_str_eq(text_at(s, "events.ban.buyers.tts.unit"), "days");

    /* every row of replications.csv joins to it, with its unit */
    struct rp_csv_table c;
    read_table(&c, "out/replications.csv");
    int crun = rp_csv_col(&c, "run"), cv = rp_csv_col(&c, "variant"),
        cm = rp_csv_col(&c, "metric"), cu = rp_csv_col(&c, "unit"),
        cs = rp_csv_col(&c, "scope");
    cr_assert(crun == 0 && cv == 1 && cm >= 0 && cu >= 0 && cs >= 0);
    cr_assert_gt(c.nrows, 1);
    for (size_t i = 1; i < c.nrows; i++) {
        cr_assert_str_eq(rp_csv_get(&c, i, crun), run);
        cr_assert_str_eq(rp_csv_get(&c, i, cv), "base");
        if (!strcmp(rp_csv_get(&c, i, cm), "unmet"))
            cr_assert_str_eq(rp_csv_get(&c, i, cu), "t");
        if (!strcmp(rp_csv_get(&c, i, cm), "tts"))
            cr_assert_str_eq(rp_csv_get(&c, i, cu), "days");
    }
    rp_csv_table_release(&c);

    /* without the override it is another run */
    cr_assert_eq(ripple("run prov.yaml --seed " BIG_SEED " -n 3 --quiet "
                        "--out plain"), 0);
    struct rp_ytree t3;
    char *text3;
    const struct rp_ynode *q = json(&t3, "plain/provenance.json", &text3);
    const struct rp_ynode *r3 = rp_ytree_get(q, "runs")->items[0];
    cr_assert_str_neq(text_at(r3, "run"), run);
    cr_assert_eq(rp_ytree_get(r3, "set")->n, 0);
    rp_ytree_release(&t);
    rp_ytree_release(&t2);
    rp_ytree_release(&t3);
    free(text);
    free(text2);
    free(text3);
}

/* The distinct values of column col, rows after the header, in order. */
static size_t distinct(const struct rp_csv_table *c, int col,
                       const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 1; i < c->nrows; i++) {
        const char *v = rp_csv_get(c, i, col);
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = !strcmp(out[k], v);
        if (!seen && n < cap)
            out[n++] = v;
    }
    return n;
}

Test(provenance, compare_out_writes_every_variants_rows_and_runs)
{
    cr_assert_eq(ripple("compare prov.yaml -n 3 --quiet --out out"), 0);
    struct rp_csv_table c;
    read_table(&c, "out/replications.csv");
    const char *arms[8], *runs[8];
    size_t na = distinct(&c, rp_csv_col(&c, "variant"), arms, 8);
    size_t nr = distinct(&c, rp_csv_col(&c, "run"), runs, 8);
    cr_assert_eq(na, 3, "rows of %zu arms, not base, long and late", na);
    cr_assert_str_eq(arms[0], "base");
    cr_assert_str_eq(arms[1], "long");
    cr_assert_str_eq(arms[2], "late");
    cr_assert_eq(nr, 3, "one run id per arm");

    struct rp_ytree t;
    char *text;
    const struct rp_ynode *p = json(&t, "out/provenance.json", &text);
    cr_assert_str_eq(text_at(p, "kind"), "compare");
    const struct rp_ynode *rs = rp_ytree_get(p, "runs");
    cr_assert_eq(rs->n, 3);
    for (size_t k = 0; k < 3; k++) {
        cr_assert_str_eq(text_at(rs->items[k], "variant"), arms[k]);
        cr_assert_str_eq(text_at(rs->items[k], "run"), runs[k]);
    }
    /* compare.csv names each row's run and unit */
    struct rp_csv_table cc;
    read_table(&cc, "out/compare.csv");
    int cu = rp_csv_col(&cc, "unit"), cm = rp_csv_col(&cc, "metric");
    cr_assert(rp_csv_col(&cc, "run") >= 0 && cu >= 0);
    for (size_t i = 1; i < cc.nrows; i++)
        if (!strcmp(rp_csv_get(&cc, i, cm), "unmet"))
            cr_assert_str_eq(rp_csv_get(&cc, i, cu), "t");
    rp_csv_table_release(&c);
    rp_csv_table_release(&cc);
    rp_ytree_release(&t);
    free(text);
}

Test(provenance, sweep_writes_inf_for_forever_and_each_rows_point)
{
    cr_assert_eq(ripple("sweep prov.yaml --set events.ban.duration=10,forever "
                        "-n 3 --quiet --out out"), 0);
    struct rp_csv_table c;
    read_table(&c, "out/sweep.csv");
    int cp = rp_csv_col(&c, "events.ban.duration");
    cr_assert_eq(cp, 1);
    for (size_t i = 1; i < c.nrows; i++) {
        double v = rp_csv_number(rp_csv_get(&c, i, cp));
        cr_assert(v == 10 || isinf(v), "not a number: %s",
                  rp_csv_get(&c, i, cp));
    }
    rp_csv_table_release(&c);
    char *s = slurp("out/sweep.csv", NULL), *j = slurp("out/sweep.json", NULL);
    cr_assert_null(strstr(s, "forever"));
    cr_assert_null(strstr(j, "forever"));
    free(s);
    free(j);

    read_table(&c, "out/replications.csv");
    const char *pts[4];
    cr_assert_eq(distinct(&c, rp_csv_col(&c, "point"), pts, 4), 2);
    cr_assert_str_eq(pts[0], "0");
    cr_assert_str_eq(pts[1], "1");
    rp_csv_table_release(&c);

    struct rp_ytree t;
    char *text;
    const struct rp_ynode *p = json(&t, "out/provenance.json", &text);
    cr_assert_str_eq(text_at(p, "kind"), "sweep");
    const struct rp_ynode *r1 = rp_ytree_get(p, "runs")->items[1];
    cr_assert_str_eq(text_at(r1, "point"), "1");
    cr_assert_str_eq(text_at(rp_ytree_get(r1, "set")->items[0], "value"), "inf");
    rp_ytree_release(&t);
    free(text);
}

Test(provenance, the_lead_group_opens_the_table)
{
    cr_assert_eq(ripple("run prov.yaml -n 2 --quiet"), 0);
    char *log = slurp("log", NULL);
    char *second = strstr(log, "\nsecond:"), *all = strstr(log, "\nall:");
    cr_assert(second && all && second < all, "report.lead ignored:\n%s", log);
    free(log);
}

/* ------------------------------------------------------------- csvread */

static void parse(const char *text, struct rp_csv_table *t, int want)
{
    char path[512];
    snprintf(path, sizeof path, "%s/t.csv", dir);
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    cr_assert_eq(rp_csv_table_read(t, path), want, "%s", text);
}

Test(provenance, csv_reader_reads_what_the_writer_quotes)
{
    static const char *const odd[] = { "plain", "a,b", "say \"hi\"",
                                       "two\nlines", "", "\"", ",,\"\"," };
    const size_t n = sizeof odd / sizeof *odd;
    char path[512];
    snprintf(path, sizeof path, "%s/w.csv", dir);
    FILE *f = fopen(path, "wb");
    for (size_t i = 0; i < n; i++) {
        fputs(i ? "," : "", f);
        rp_csv_field(f, odd[i]);
    }
    fputs("\r\nlast\n", f);
    fclose(f);
    struct rp_csv_table t;
    cr_assert_eq(rp_csv_table_read(&t, path), 0);
    cr_assert_eq(t.nrows, 2);
    cr_assert_eq(t.row[1] - t.row[0], n);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(rp_csv_get(&t, 0, (int)i), odd[i], "field %zu", i);
    cr_assert_str_eq(rp_csv_get(&t, 1, 0), "last");
    cr_assert_str_eq(rp_csv_get(&t, 1, 1), "", "beyond the row");
    rp_csv_table_release(&t);
}

Test(provenance, csv_reader_refuses_a_cut_or_broken_quote)
{
    struct rp_csv_table t;
    parse("a,\"open\n", &t, -1);
    parse("a,\"closed\"junk\n", &t, -1);
    parse("a,b\n\n1,2", &t, 0);
    cr_assert_eq(t.nrows, 2, "an empty line is no row");
    cr_assert_eq(rp_csv_number(rp_csv_get(&t, 1, 1)), 2);
    rp_csv_table_release(&t);
    cr_assert(isinf(rp_csv_number("inf")));
    cr_assert(isnan(rp_csv_number("")));
    cr_assert(isnan(rp_csv_number("12x")));
}
