#define _POSIX_C_SOURCE 200809L
/*
 * test_compare.c - variants on common random numbers, merge patches end to
 * end, and sweeps.
 *
 * The network has two chains that share nothing: a Japanese supplier feeding
 * a Korean maker (hit by a ban) and an American chain. Outages, demand and
 * lead times are random, so any pairing that fails shows as a difference.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ripple/batch.h"
#include "ripple/compare.h"
#include "ripple/csvread.h"
#include "ripple/engine.h"
#include "ripple/report.h"
#include "support.h"

static const char yaml[] =
    "ripple: 1\n"
    "name: two-chains\n"
    "horizon: 200\n"
    "replications: 40\n"
    "seed: 11\n"
    "products:\n"
    "  film: { unit: t }\n"
    "  cell: { unit: GWh }\n"
    "nodes:\n"
    "  jp_film:\n"
    "    country: JP\n"
    "    supply: unlimited\n"
    "  kr_maker:\n"
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
    "  us_film:\n"
    "    country: US\n"
    "    supply: unlimited\n"
    "  us_maker:\n"
    "    country: US\n"
    "    make: { product: cell, capacity: 1, inputs: { film: 1 } }\n"
    "    stock:\n"
    "      film: { initial: 5, policy: base_stock, level: 5 }\n"
    "      cell: { initial: 2, policy: base_stock, level: 2 }\n"
    "    sources: { film: { us_film: { lead_time: {dist: uniform, min: 2, max: 6} } } }\n"
    "    outages: { every: {dist: exponential, mean: 60}, lasts: {dist: exponential, mean: 5} }\n"
    "  us_market:\n"
    "    country: US\n"
    "    demand: { product: cell, every: {dist: exponential, mean: 1.2} }\n"
    "    sources: { cell: { us_maker: { lead_time: 1 } } }\n"
    "events:\n"
    "  ban:\n"
    "    type: export_ban\n"
    "    from: [JP]\n"
    "    to: [KR]\n"
    "    products: [film]\n"
    "    start: 50\n"
    "    duration: 40\n"
    "report:\n"
    "  groups:\n"
    "    kr: { nodes: [kr_maker] }\n"
    "    us: { nodes: [us_maker] }\n"
    "variants:\n"
    "  same: {}\n"
    "  same_value:\n"
    "    events: { ban: { duration: 40 } }\n"
    "  no_ban:\n"
    "    events: { ban: null }\n"
    "  long_ban:\n"
    "    events: { ban: { duration: 120 } }\n"
    "  us_fire:\n"
    "    events: { fire: { type: outage, node: us_maker, start: 20, duration: 30 } }\n"
    "  us_slow:\n"
    "    nodes: { us_maker: { sources: { film: { us_film: { lead_time: 15 } } } } }\n";

static char dir[] = "/tmp/rp_test_compare_XXXXXX";
static char file[4200];

static void setup(void)
{
    cr_assert_not_null(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/two.yaml", dir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fputs(yaml, f);
    fclose(f);
    cr_redirect_stdout();       /* compare prints its table there */
}

static void teardown(void)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    strcpy(dir, "/tmp/rp_test_compare_XXXXXX");
}

TestSuite(compare, .init = setup, .fini = teardown);

/* One arm loaded from the test's text and run with kept values. */
static void run_arm(struct test_arm *a, const char *variant,
                    const struct rp_override *ov, size_t nov)
{
    const struct test_run how = { .text = yaml, .name = "two.yaml", .variant = variant,
                                  .ov = ov, .nov = nov, .replications = 40,
                                  .seed = 11, .threads = 1 };
    test_arm_run(a, &how);
}

Test(compare, identical_variants_differ_by_exactly_zero_everywhere)
{
    static const char *const same[] = { "same", "same_value" };
    struct test_arm base, v;
    run_arm(&base, NULL, NULL, 0);
    cr_assert_eq(base.b.n, 40);
    for (size_t k = 0; k < 2; k++) {
        run_arm(&v, same[k], NULL, 0);
        cr_assert_eq(v.b.nvalues, base.b.nvalues);
        for (long r = 0; r < base.b.n; r++)
            for (size_t i = 0; i < base.b.nvalues; i++) {
                double x = base.b.values[(size_t)r * base.b.nvalues + i];
                double y = v.b.values[(size_t)r * v.b.nvalues + i];
                /* NaN-free values: compare bits, not tolerance */
                cr_assert(x == y, "%s: replication %ld value %zu: %g vs %g",
                          same[k], r, i, x, y);
            }
        /* and the paired summary says so: diff 0, better 0 */
        struct rp_paired p;
        double bu[64], vu[64];
        cr_assert_not_null(test_column(&base, "groups.kr.cell.unmet", bu));
        cr_assert_not_null(test_column(&v, "groups.kr.cell.unmet", vu));
        rp_paired_init(&p, RP_ACC_EXACT);
        for (long r = 0; r < base.b.n; r++)
            rp_paired_add(&p, bu[r], vu[r], 1);
        struct rp_summary s;
        rp_acc_summarize(&p.diff, 0.95, &s);
        cr_assert_eq(s.mean, 0.0);
        cr_assert_eq(s.hw, 0.0);
        cr_assert_eq(p.better, 0);
        rp_paired_release(&p);
        test_arm_release(&v);
    }
    test_arm_release(&base);
}

Test(compare, a_change_elsewhere_leaves_unrelated_values_identical)
{
    struct test_arm base, v;
    double bx[64], vx[64];
    run_arm(&base, NULL, NULL, 0);
    run_arm(&v, "us_slow", NULL, 0);

    /* the Korean chain shares no path with the change: common random numbers */
    static const char *const kr[] = { "nodes.kr_maker.cell.produced",
                                      "nodes.kr_maker.cell.unmet",
                                      "nodes.kr_market.cell.unmet",
                                      "groups.kr.cell.fill_rate" };
    for (size_t k = 0; k < 4; k++) {
        cr_assert_not_null(test_column(&base, kr[k], bx), "%s missing", kr[k]);
        cr_assert_not_null(test_column(&v, kr[k], vx));
        for (long r = 0; r < base.b.n; r++)
            cr_assert(bx[r] == vx[r], "%s differs in replication %ld", kr[k], r);
    }

    /* the American chain did change, and for the worse on average */
    cr_assert_not_null(test_column(&base, "nodes.us_maker.cell.unmet", bx));
    cr_assert_not_null(test_column(&v, "nodes.us_maker.cell.unmet", vx));
    double sum = 0;
    long changed = 0;
    for (long r = 0; r < base.b.n; r++) {
        sum += vx[r] - bx[r];
        changed += vx[r] != bx[r];
    }
    cr_assert_gt(changed, base.b.n / 2, "a 15-day lead time changed only %ld "
                 "of %ld replications", changed, base.b.n);
    cr_assert_gt(sum, 0, "a longer lead time should not reduce shortfall");
    test_arm_release(&v);
    test_arm_release(&base);
}

Test(compare, merge_patches_delete_replace_and_add)
{
    struct test_arm base, del, rep, add;
    double bx[64], vx[64];
    run_arm(&base, NULL, NULL, 0);
    run_arm(&del, "no_ban", NULL, 0);
    run_arm(&rep, "long_ban", NULL, 0);
    run_arm(&add, "us_fire", NULL, 0);

    /* null deletes: the ban and every value about it are gone */
    cr_assert_eq(base.sc.nevents, 1);
    cr_assert_eq(del.sc.nevents, 0);
    cr_assert_eq(rp_scenario_event(&del.sc, "ban"), RP_NONE);
    cr_assert_null(test_column(&del, "events.ban.kr_maker.tts", vx));
    cr_assert_not_null(test_column(&base, "events.ban.kr_maker.tts", bx));
    /* ... and the Korean maker, no longer cut off, produces at least as much */
    cr_assert_not_null(test_column(&base, "groups.kr.cell.produced", bx));
    cr_assert_not_null(test_column(&del, "groups.kr.cell.produced", vx));
    double gain = 0;
    for (long r = 0; r < base.b.n; r++)
        gain += vx[r] - bx[r];
    cr_assert_gt(gain, 0);

    /* a value replaces: only the duration changed */
    uint32_t e = rp_scenario_event(&rep.sc, "ban");
    cr_assert_neq(e, RP_NONE);
    cr_assert_float_eq(rp_dist_mean(&rep.sc.events[e].duration), 120, 1e-12);
    cr_assert_float_eq(rp_dist_mean(&rep.sc.events[e].start), 50, 1e-12);
    cr_assert_eq(rep.sc.events[e].nproducts, 1);
    cr_assert_not_null(test_column(&base, "groups.kr.cell.unmet", bx));
    cr_assert_not_null(test_column(&rep, "groups.kr.cell.unmet", vx));
    double worse = 0;
    for (long r = 0; r < base.b.n; r++)
        worse += vx[r] - bx[r];
    cr_assert_gt(worse, 0, "a three times longer ban should cost cells");

    /* a new key adds: both events, the fire hits only the American maker */
    cr_assert_eq(add.sc.nevents, 2);
    cr_assert_neq(rp_scenario_event(&add.sc, "ban"), RP_NONE);
    cr_assert_neq(rp_scenario_event(&add.sc, "fire"), RP_NONE);
    cr_assert_not_null(test_column(&base, "groups.us.cell.produced", bx));
    cr_assert_not_null(test_column(&add, "groups.us.cell.produced", vx));
    double lost = 0;
    for (long r = 0; r < base.b.n; r++)
        lost += bx[r] - vx[r];
    cr_assert_gt(lost, 0, "30 days down should cost output");
    cr_assert_not_null(test_column(&base, "groups.kr.cell.produced", bx));
    cr_assert_not_null(test_column(&add, "groups.kr.cell.produced", vx));
    for (long r = 0; r < base.b.n; r++)
        cr_assert(bx[r] == vx[r], "the fire leaked into Korea in rep %ld", r);

    test_arm_release(&add);
    test_arm_release(&rep);
    test_arm_release(&del);
    test_arm_release(&base);
}

/* ---------------------------------------------------- through the CLI entry */

struct rows {
    char line[512][512];
    size_t n;
    struct rp_csv_table t;      /* the same file through the shared reader */
};

static void read_rows(struct rows *rs, const char *name)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/out/%s", dir, name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s was not written", path);
    rs->n = 0;
    while (rs->n < 512 && fgets(rs->line[rs->n], sizeof rs->line[0], f))
        rs->n++;
    fclose(f);
    cr_assert_eq(rp_csv_table_read(&rs->t, path), 0, "%s does not parse", path);
}

/*
 * The row of arm (first column), group and metric, through the shared
 * reader: its fields into fields (at most 20). NULL when absent.
 */
static char **row_where(struct rows *rs, const char *arm, const char *group,
                        const char *metric, char **fields)
{
    const struct rp_csv_table *t = &rs->t;
    int cg = rp_csv_col(t, "group"), cm = rp_csv_col(t, "metric");
    for (size_t r = 1; r < t->nrows; r++) {
        if (strcmp(rp_csv_get(t, r, 0), arm)
            || strcmp(rp_csv_get(t, r, cg), group)
            || strcmp(rp_csv_get(t, r, cm), metric))
            continue;
        for (int k = 0; k < 20; k++)
            fields[k] = (char *)rp_csv_get(t, r, k);
        return fields;
    }
    return NULL;
}

/* The row starting with prefix, split into fields; NULL when absent. */
static char **row(struct rows *rs, const char *prefix, char **fields)
{
    for (size_t i = 0; i < rs->n; i++) {
        if (strncmp(rs->line[i], prefix, strlen(prefix)))
            continue;
        size_t k = 0;
        char *save = NULL;
        rs->line[i][strcspn(rs->line[i], "\n")] = '\0';
        /* strtok would merge empty fields; walk commas by hand */
        for (char *p = rs->line[i]; k < 20; k++) {
            fields[k] = p;
            char *c = strchr(p, ',');
            if (!c)
                break;
            *c = '\0';
            p = c + 1;
        }
        (void)save;
        return fields;
    }
    return NULL;
}

/* compare.csv columns */
enum { C_RUN = 1, C_UNIT = 5, C_MEAN = 6, C_DIFF = 9, C_DLO = 10, C_DHI = 11,
       C_BETTER = 12 };

static int compare(const char *const *variants, size_t n, const char *format)
{
    char out[4300];
    snprintf(out, sizeof out, "%s/out", dir);
    struct rp_compare_opts o = { .file = file, .variants = variants,
                                 .nvariants = n, .reps = 30, .threads = 1,
                                 .format = format, .out_dir = out };
    return rp_compare_main(&o);
}

Test(compare, compare_csv_shows_zero_for_same_and_a_cost_for_a_longer_ban)
{
    static const char *const v[] = { "same", "long_ban", "us_slow" };
    cr_assert_eq(compare(v, 3, "table"), 0);
    struct rows rs;
    char *f[20];
    read_rows(&rs, "compare.csv");
    cr_assert_str_eq(rs.line[0], "variant,run,group,product,metric,unit,mean,"
                     "ci_lo,ci_hi,diff_mean,diff_ci_lo,diff_ci_hi,better,"
                     "unpaired_hw\n");

    cr_assert_not_null(row(&rs, "base,", f));
    cr_assert_eq(strlen(f[C_RUN]), 16, "run id: %s", f[C_RUN]);
    cr_assert_not_null(row_where(&rs, "base", "kr", "unmet", f));
    cr_assert_str_eq(f[C_UNIT], "GWh");
    cr_assert_str_empty(f[C_DIFF], "the base has no difference to itself");

    cr_assert_not_null(row_where(&rs, "same", "kr", "unmet", f));
    cr_assert_str_eq(f[C_DIFF], "0");
    cr_assert_str_eq(f[C_DLO], "0");
    cr_assert_str_eq(f[C_DHI], "0");
    cr_assert_str_eq(f[C_BETTER], "0");

    cr_assert_not_null(row_where(&rs, "long_ban", "kr", "unmet", f));
    cr_assert_gt(strtod(f[C_DIFF], NULL), 0);
    cr_assert_lt(strtod(f[C_BETTER], NULL), 0.5);
    /* the American group is untouched by a Korean ban: exactly 0 */
    cr_assert_not_null(row_where(&rs, "long_ban", "us", "unmet", f));
    cr_assert_str_eq(f[C_DIFF], "0");

    /* event rows: tts after the ban, mean over the group's members */
    cr_assert_not_null(row_where(&rs, "base", "kr", "tts.ban", f));
    cr_assert_not_null(row_where(&rs, "long_ban", "kr", "tts.ban", f));
    cr_assert_str_eq(f[C_UNIT], "days");

    /* the base's run files are there for `ripple report` */
    char path[4400];
    snprintf(path, sizeof path, "%s/out/summary.json", dir);
    cr_assert_eq(access(path, R_OK), 0);
    snprintf(path, sizeof path, "%s/out/compare.json", dir);
    cr_assert_eq(access(path, R_OK), 0);
    rp_csv_table_release(&rs.t);
}

Test(compare, unknown_variant_is_bad_input_and_runs_nothing)
{
    static const char *const v[] = { "same", "nosuch" };
    cr_redirect_stderr();
    cr_assert_eq(compare(v, 2, "table"), 2);
    char path[4400];
    snprintf(path, sizeof path, "%s/out", dir);
    cr_assert_neq(access(path, F_OK), 0, "nothing may be written");
}

Test(compare, all_variants_run_when_none_is_named)
{
    cr_assert_eq(compare(NULL, 0, "csv"), 0);
    struct rows rs;
    char *f[20];
    read_rows(&rs, "compare.csv");
    static const char *const all[] = { "base", "same", "same_value", "no_ban",
                                       "long_ban", "us_fire", "us_slow" };
    for (size_t k = 0; k < 7; k++) {
        char prefix[64];
        (void)prefix;
        cr_assert_not_null(row_where(&rs, all[k], "kr", "unmet", f),
                           "no row for %s", all[k]);
    }
    rp_csv_table_release(&rs.t);
}

Test(compare, sweep_runs_every_point_on_common_random_numbers)
{
    char out[4300];
    snprintf(out, sizeof out, "%s/out", dir);
    struct rp_override set = { "events.ban.duration", "10,120" };
    struct rp_compare_opts o = { .file = file, .sets = &set, .nsets = 1,
                                 .sweep = true, .reps = 30, .threads = 1,
                                 .format = "table", .out_dir = out };
    cr_assert_eq(rp_compare_main(&o), 0);
    struct rows rs;
    char *f[20];
    read_rows(&rs, "sweep.csv");
    cr_assert_str_eq(rs.line[0], "point,events.ban.duration,run,group,"
                     "product,metric,unit,mean,ci_lo,ci_hi,diff_mean,"
                     "diff_ci_lo,diff_ci_hi,better,unpaired_hw\n");
    cr_assert_not_null(row_where(&rs, "0", "kr", "unmet", f));
    cr_assert_str_eq(f[1], "10");
    double short_ban = strtod(f[7], NULL);
    cr_assert_str_empty(f[10]);
    cr_assert_not_null(row_where(&rs, "1", "kr", "unmet", f));
    cr_assert_str_eq(f[1], "120");
    cr_assert_gt(strtod(f[7], NULL), short_ban);
    cr_assert_gt(strtod(f[10], NULL), 0);
    cr_assert_not_null(row_where(&rs, "1", "us", "unmet", f));
    cr_assert_str_eq(f[10], "0");
    cr_assert_null(row(&rs, "2,", f), "only two points");
    rp_csv_table_release(&rs.t);
}

Test(compare, sweep_over_two_paths_runs_the_grid)
{
    char out[4300];
    snprintf(out, sizeof out, "%s/out", dir);
    struct rp_override sets[2] = { { "events.ban.duration", "10,120" },
                                   { "events.ban.start", "20, 60, 100" } };
    struct rp_compare_opts o = { .file = file, .sets = sets, .nsets = 2,
                                 .sweep = true, .reps = 10, .threads = 1,
                                 .format = "csv", .out_dir = out };
    cr_assert_eq(rp_compare_main(&o), 0);
    struct rows rs;
    char *f[20];
    read_rows(&rs, "sweep.csv");
    static const char *const pts[][3] = {
        { "0", "10", "20" }, { "1", "10", "60" }, { "2", "10", "100" },
        { "3", "120", "20" }, { "4", "120", "60" }, { "5", "120", "100" } };
    for (size_t k = 0; k < 6; k++) {
        cr_assert_not_null(row_where(&rs, pts[k][0], "kr", "unmet", f),
                           "no point %s", pts[k][0]);
        cr_assert_str_eq(f[1], pts[k][1]);
        cr_assert_str_eq(f[2], pts[k][2]);
    }
    rp_csv_table_release(&rs.t);
}

Test(compare, sweep_with_a_bad_value_is_bad_input)
{
    struct rp_override set = { "events.ban.duration", "10,soon" };
    struct rp_compare_opts o = { .file = file, .sets = &set, .nsets = 1,
                                 .sweep = true, .reps = 5, .threads = 1,
                                 .format = "table" };
    cr_redirect_stderr();
    cr_assert_eq(rp_compare_main(&o), 2);
    struct rp_override empty = { "events.ban.duration", "10,,20" };
    o.sets = &empty;
    cr_assert_eq(rp_compare_main(&o), 2);
    o.nsets = 0;
    cr_assert_eq(rp_compare_main(&o), 2);
}

/* Group values of one arm from replications.csv, by "group/product/metric". */
struct gvals {
    char key[256];
    double v[8];
};

static size_t read_group_values(const char *path, const char *variant,
                                struct gvals *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "no %s", path);
    struct rp_csv_reader r;
    rp_csv_reader_init(&r, f);
    size_t n = 0;
    cr_assert_eq(rp_csv_reader_next(&r), 1);
    cr_assert_str_eq(rp_csv_reader_field(&r, 1), "variant");
    while (rp_csv_reader_next(&r) == 1) {
        if (strcmp(rp_csv_reader_field(&r, 1), variant)
            || strcmp(rp_csv_reader_field(&r, 3), "group"))
            continue;
        char key[256];
        snprintf(key, sizeof key, "%s/%s/%s", rp_csv_reader_field(&r, 4),
                 rp_csv_reader_field(&r, 5), rp_csv_reader_field(&r, 6));
        long rep = strtol(rp_csv_reader_field(&r, 2), NULL, 10);
        cr_assert(rep >= 0 && rep < 8);
        size_t k = 0;
        while (k < n && strcmp(out[k].key, key))
            k++;
        if (k == n) {
            cr_assert_lt(n, cap);
            strcpy(out[n++].key, key);
        }
        out[k].v[rep] = rp_csv_number(rp_csv_reader_field(&r, 8));
    }
    rp_csv_reader_release(&r);
    fclose(f);
    return n;
}

/*
 * On the flagship, localise_film sums some group values in another order
 * than the base, which moves their last bits. compare.csv must call every
 * value that differs by rounding alone (within RP_COMPARE_TIE_REL of its
 * size in every replication) a tie: difference, interval and "better" all
 * 0; and no value that differs by more.
 */
Test(compare, rounding_noise_is_a_tie_and_real_differences_are_not)
{
    enum { REPS = 4, CAP = 4096 };
    static const char *const v[] = { "localise_film" };
    char out[4300], path[4400];
    snprintf(out, sizeof out, "%s/out", dir);
    struct rp_compare_opts o = {
        .file = RP_SOURCE_DIR "/scenarios/japan-excludes-korea.yaml",
        .variants = v, .nvariants = 1, .reps = REPS, .threads = 1,
        .format = "csv", .out_dir = out };
    cr_assert_eq(rp_compare_main(&o), 0);

    struct gvals *base = calloc(CAP, sizeof *base);
    struct gvals *var = calloc(CAP, sizeof *var);
    snprintf(path, sizeof path, "%s/replications.csv", out);
    size_t nb = read_group_values(path, "base", base, CAP);
    size_t nv = read_group_values(path, "localise_film", var, CAP);
    struct rp_csv_table t;
    snprintf(path, sizeof path, "%s/compare.csv", out);
    cr_assert_eq(rp_csv_table_read(&t, path), 0);
    int cg = rp_csv_col(&t, "group"), cp = rp_csv_col(&t, "product"),
        cm = rp_csv_col(&t, "metric"), cd = rp_csv_col(&t, "diff_mean"),
        cl = rp_csv_col(&t, "diff_ci_lo"), ch = rp_csv_col(&t, "diff_ci_hi"),
        cb = rp_csv_col(&t, "better");
    size_t snapped = 0, checked = 0;
    for (size_t r = 1; r < t.nrows; r++) {
        if (strcmp(rp_csv_get(&t, r, 0), "localise_film"))
            continue;
        char key[256];
        snprintf(key, sizeof key, "%s/%s/%s", rp_csv_get(&t, r, cg),
                 rp_csv_get(&t, r, cp), rp_csv_get(&t, r, cm));
        const struct gvals *a = NULL, *b = NULL;
        for (size_t k = 0; k < nb; k++)
            if (!strcmp(base[k].key, key))
                a = &base[k];
        for (size_t k = 0; k < nv; k++)
            if (!strcmp(var[k].key, key))
                b = &var[k];
        if (!a || !b)
            continue;                   /* an event row: mean over members */
        bool exact = true, near = true;
        for (int rep = 0; rep < REPS; rep++) {
            double x = a->v[rep], y = b->v[rep];
            if (isnan(x) && isnan(y))
                continue;
            exact &= x == y;
            near &= fabs(x - y) <= RP_COMPARE_TIE_REL * fmax(fabs(x), fabs(y));
        }
        bool tie = !strcmp(rp_csv_get(&t, r, cl), "0")
                   && !strcmp(rp_csv_get(&t, r, ch), "0");
        if (near) {
            cr_expect(tie && !strcmp(rp_csv_get(&t, r, cd), "0")
                      && !strcmp(rp_csv_get(&t, r, cb), "0"),
                      "%s differs by rounding alone but reads %s [%s, %s], "
                      "better %s", key, rp_csv_get(&t, r, cd),
                      rp_csv_get(&t, r, cl), rp_csv_get(&t, r, ch),
                      rp_csv_get(&t, r, cb));
            snapped += !exact;
        } else {
            cr_expect(!tie, "%s differs but reads as a tie", key);
        }
        checked++;
    }
    cr_expect_gt(checked, 10);
    cr_expect_gt(snapped, 0, "no value of localise_film differs from the base "
                 "by rounding alone any more: this test no longer tests the "
                 "snap (find another pair that does)");
    rp_csv_table_release(&t);
    free(base);
    free(var);
}

/* The text of the section of group g ("\ng: ") in table, up to the next. */
static char *section(const char *table, const char *g)
{
    char head[64];
    snprintf(head, sizeof head, "\n%s: ", g);
    const char *s = strstr(table, head);
    cr_assert_not_null(s, "no section %s in\n%s", g, table);
    const char *e = strstr(s + 1, "\n\n");
    size_t n = e ? (size_t)(e - s) : strlen(s);
    char *out = malloc(n + 1);
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

/*
 * same and long_ban against the base: the Korean group differs under
 * long_ban (its blocks print, same's rows read "tie"); the American group
 * is untouched by both, so it prints no block, only the line of ties.
 */
Test(compare, table_leads_with_differences_and_says_ties)
{
    static const char *const v[] = { "same", "long_ban" };
    fflush(stdout);
    cr_assert_eq(compare(v, 2, "table"), 0);
    fflush(stdout);
    FILE *f = cr_get_redirected_stdout();
    char *table = NULL;
    size_t len = 0, got;
    char chunk[4096];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        table = realloc(table, len + got + 1);
        memcpy(table + len, chunk, got);
        len += got;
    }
    cr_assert_not_null(table);
    table[len] = '\0';

    char *kr = section(table, "kr"), *us = section(table, "us");
    cr_expect_not_null(strstr(kr, "\n  unmet ("), "%s", kr);
    const char *same = strstr(kr, "\n    same ");
    cr_assert_not_null(same, "%s", kr);
    const char *eol = strchr(same + 1, '\n'), *tie = strstr(same, "  tie: the "
                                                          "same in every replication\n");
    cr_expect(tie && eol && tie < eol, "same's row is no tie: %s", kr);
    cr_expect_null(strstr(us, "\n  unmet ("), "%s", us);
    cr_expect_null(strstr(us, "+- hw"), "a block of ties: %s", us);
    cr_expect_not_null(strstr(us, "\n  the same in every replication for every "
                              "variant: unmet, "), "%s", us);
    free(kr);
    free(us);
    free(table);
}
