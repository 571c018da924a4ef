/*
 * test_monotone.c - issue 9 item 2 as tested properties: a softer
 * restriction never leaves a larger shortfall than a harsher one of the
 * same scope (ban severity, licence approval and delay), and a licence
 * regime is never worse than the full ban, on common random numbers: the
 * same futures under each restriction, paired means of the differences.
 * On a small network (100 replications), where the paired mean itself must
 * not be negative, and on the flagship (40), where it must not be below
 * zero by more than 3 standard errors of the paired difference: there the
 * K3's plants abroad share suppliers with the restricted plants in Korea,
 * and what one gains the other can lose in a single future, so the property
 * holds for the expected shortfall, not future by future. The rules that
 * make it hold are SCENARIO-FORMAT.md's hedging, spare supply and capped
 * takeover; their hand-worked tests are in test_hedging.c. Last, more
 * stock never leaves a larger shortfall, on both networks.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ripple/engine.h"
#include "ripple/report.h"
#include "ripple/scenario.h"

#include "engine_fixture.h"

/* ------------------------------------------- monotonicity (small network) */

/*
 * Shortfall never rises as a restriction softens, on common random
 * numbers: a cell maker (8 a day, 2 days of film at hand) buys its film
 * 90% from Japan and 10% from Korea (a small supplier of 3 a day); a
 * Chinese backup (share 0) qualifies 20-40 days after it is called in and
 * can make 4 a day. Its customers order 8 a day on average (random) and
 * wait. From day 30 to 150 Japan's film is restricted. The same 100
 * futures run under each restriction; each shortfall metric's paired mean
 * difference (harsher - softer) must be >= 0. Bans of severity 1, 0.9,
 * 0.5, 0.1; licences of 30 days / 30% approval, 10 days / 60%, 10 days /
 * 90%, 2 days / 90%; the harshest licence against the full ban.
 */
#define MONO_REPS 100
#define NMETRICS 4

static const char *mono_fmt = "ripple: 1\nseed: 11\nhorizon: 250\n"
    "products: { film: {}, cell: {} }\n"
    "nodes:\n"
    "  jp: { country: JP, supply: unlimited }\n"
    "  kr_film: { country: KR, make: { product: film, capacity: 3 }, stock: { film: { initial: 6, level: 6 } } }\n"
    "  cn_film: { country: CN, make: { product: film, capacity: 4 }, stock: { film: { initial: 8, level: 8 } } }\n"
    "  cells:\n"
    "    country: KR\n"
    "    make: { product: cell, capacity: 8, inputs: { film: 1 } }\n"
    "    stock: { film: { initial: 16, level: 16 }, cell: { initial: 16, level: 16 } }\n"
    "    sources: { film: { jp: { share: 0.9, lead_time: { dist: uniform, min: 1, max: 3 } },\n"
    "                       kr_film: { share: 0.1, lead_time: 1 },\n"
    "                       cn_film: { share: 0, backup: true, qualify: { dist: uniform, min: 20, max: 40 }, lead_time: 3 } } }\n"
    "  buyers:\n"
    "    country: KR\n"
    "    demand: { product: cell, every: { dist: exponential, mean: 0.5 }, size: { dist: uniform, min: 2, max: 6 } }\n"
    "    sources: { cell: { cells: {} } }\n"
    "events:\n"
    "  cut: { type: %s, from: [JP], to: [KR], products: [film], start: 30, duration: 120, %s }\n"
    "report: { groups: { korea: { nodes: [buyers] }, makers: { nodes: [cells] } } }\n";

static const char *const mono_metrics[NMETRICS] = {
    "groups.korea.cell.unmet", "groups.makers.cell.starved",
    "groups.korea.cell.peak_backorders", "groups.makers.cell.peak_backorders",
};

/*
 * Runs replications 0..nreps-1 of the loaded f and keeps each metric:
 * out[k * nreps + rep]. Frees f.
 */
static void run_reps(struct fixture *f, int nreps, const char *const *metrics,
                     int nmetrics, double *out)
{
    for (int rep = 0; rep < nreps; rep++) {
        run(f, (uint64_t)rep);
        for (int k = 0; k < nmetrics; k++)
            out[k * nreps + rep] = value(f, metrics[k]);
    }
    done(f);
}

/* The paired mean of worse - better, per metric, must not be negative. */
static void expect_paired(const double *better, const double *worse, int nreps,
                          const char *const *metrics, int nmetrics, const char *what)
{
    for (int k = 0; k < nmetrics; k++) {
        double sum = 0;
        for (int i = 0; i < nreps; i++)
            sum += worse[k * nreps + i] - better[k * nreps + i];
        cr_expect_geq(sum / nreps, -1e-9, "%s: %s is worse by %g on average",
                      what, metrics[k], -sum / nreps);
    }
}

/* The network above under restriction type with params, and overrides opts (NULL: none). */
static void mono_run_opts(const char *type, const char *params,
                          const struct rp_load_opts *opts, double out[][MONO_REPS])
{
    char yaml[4096];
    struct fixture f;
    snprintf(yaml, sizeof yaml, mono_fmt, type, params);
    load_opts(&f, yaml, opts);
    run_reps(&f, MONO_REPS, mono_metrics, NMETRICS, &out[0][0]);
}

static void mono_run(const char *type, const char *params, double out[][MONO_REPS])
{
    mono_run_opts(type, params, NULL, out);
}

static void expect_no_worse(double better[][MONO_REPS], double worse[][MONO_REPS],
                            const char *what)
{
    expect_paired(&better[0][0], &worse[0][0], MONO_REPS, mono_metrics, NMETRICS, what);
}

Test(monotone, softer_restrictions_never_leave_a_larger_shortfall, .timeout = 120)
{
    static const char *sev[] = { "severity: 1", "severity: 0.9", "severity: 0.5",
                                 "severity: 0.1" };
    static const char *lic[] = { "delay: 30, approval: 0.3", "delay: 10, approval: 0.6",
                                 "delay: 10, approval: 0.9", "delay: 2, approval: 0.9" };
    static double ban[4][NMETRICS][MONO_REPS], licd[4][NMETRICS][MONO_REPS];
    for (int i = 0; i < 4; i++)
        mono_run("export_ban", sev[i], ban[i]);
    for (int i = 1; i < 4; i++)
        expect_no_worse(ban[i], ban[i - 1], sev[i]);
    for (int i = 0; i < 4; i++)
        mono_run("export_licence", lic[i], licd[i]);
    for (int i = 1; i < 4; i++)
        expect_no_worse(licd[i], licd[i - 1], lic[i]);
    double full = 0;
    for (int i = 0; i < MONO_REPS; i++)
        full += ban[0][0][i] / MONO_REPS;
    cr_expect_gt(full, 10, "the full ban leaves only %g unmet: the test tests nothing", full);
}

/*
 * A licence regime against the full ban of the same scope, on the network
 * above. Under the ban Japan's share moves at once to the open Korean
 * film maker; under the licence it moves there too (licence hedging), and
 * Japan keeps its part as hedges that count only on arrival, so the
 * orders placed are never more exposed than the ban's, and whatever is
 * approved comes on top. Before hedging the licence was worse by about
 * 176 unmet cells on average: orders kept going 90% to Japan, waited 30
 * days and were mostly refused until the backup qualified.
 */
Test(monotone, a_licence_is_never_worse_than_a_full_ban)
{
    static double ban[NMETRICS][MONO_REPS], licd[NMETRICS][MONO_REPS];
    mono_run("export_ban", "severity: 1", &ban[0]);
    mono_run("export_licence", "delay: 30, approval: 0.3", &licd[0]);
    expect_no_worse(licd, ban, "the harshest licence against the full ban");
}

/* ------------------------------------------- monotonicity (the flagship) */

/*
 * The same properties on the flagship, through overrides of its export
 * ban (jp_ban: in the base of the shipped file, or in its ban_by_site
 * variant once the base is the squeeze without a ban): shortfall of the
 * Korean cell makers (unmet, starved, peak_backorders), wherever sited and
 * at their plants in Korea, must not rise as the ban's severity falls from
 * 1 to 0.9 to 0.5, or as a licence regime of the same scope gets faster
 * and more likely to approve: the paired mean of harsher - softer over the
 * same 40 futures must be >= -3 SE (a one-sided test at 0.13%). 40
 * replications keep it to half a minute.
 */
#define FLAG_REPS 40
#define FLAG_METRICS 6
#define FLAGSHIP RP_SOURCE_DIR "/scenarios/japan-excludes-korea.yaml"

static const char *const flag_metrics[FLAG_METRICS] = {
    "groups.korean_cell_makers.cell.unmet",
    "groups.korean_cell_makers.cell.starved",
    "groups.korean_cell_makers.cell.peak_backorders",
    "groups.cell_plants_in_korea.cell.unmet",
    "groups.cell_plants_in_korea.cell.starved",
    "groups.cell_plants_in_korea.cell.peak_backorders",
};

/* Runs the flagship's ban with extra overrides; out[metric][rep]. */
static void flag_run(const struct rp_override *extra, size_t nextra,
                     double out[][FLAG_REPS])
{
    struct rp_override ov[8];
    struct rp_load_opts opts = { .overrides = ov };
    struct fixture f;
    struct rp_diag diag;
    cr_assert_leq(nextra, 8);
    for (size_t i = 0; i < nextra; i++)
        ov[i] = extra[i];
    opts.noverrides = nextra;
    /* Which of the file's trees holds the ban: its base, or ban_by_site. */
    struct rp_scenario probe;
    rp_diag_init(&diag);
    cr_assert_eq(rp_scenario_load(&probe, FLAGSHIP, NULL, &diag), 0, "the flagship did not load");
    bool in_base = rp_scenario_event(&probe, "jp_ban") != RP_NONE;
    rp_scenario_release(&probe);
    rp_diag_release(&diag);
    opts.variant = in_base ? NULL : "ban_by_site";
    rp_diag_init(&diag);
    int rc = rp_scenario_load(&f.sc, FLAGSHIP, &opts, &diag);
    if (rc)
        rp_diag_print(&diag, stderr);
    cr_assert_eq(rc, 0, "the flagship with overrides did not load");
    rp_diag_release(&diag);
    f.m = rp_model_new(&f.sc);
    f.r = rp_run_new(f.m);
    f.values = calloc(rp_model_nvalues(f.m) + 1, sizeof *f.values);
    run_reps(&f, FLAG_REPS, flag_metrics, FLAG_METRICS, &out[0][0]);
}

/*
 * The paired mean of worse - better, per metric, must not be below 0 by
 * more than 3 standard errors of the paired differences.
 */
static void flag_no_worse(double better[][FLAG_REPS], double worse[][FLAG_REPS],
                          const char *what)
{
    for (int k = 0; k < FLAG_METRICS; k++) {
        double sum = 0, ss = 0;
        for (int i = 0; i < FLAG_REPS; i++)
            sum += worse[k][i] - better[k][i];
        double mean = sum / FLAG_REPS;
        for (int i = 0; i < FLAG_REPS; i++) {
            double d = worse[k][i] - better[k][i] - mean;
            ss += d * d;
        }
        double se = sqrt(ss / (FLAG_REPS - 1) / FLAG_REPS);
        cr_expect_geq(mean, -3 * se - 1e-9,
                      "flagship, %s: %s is worse by %g on average (SE %g)",
                      what, flag_metrics[k], -mean, se);
    }
}

/*
 * Measured over 60 replications (ban_by_site; harsher - softer, GWh, mean
 * +- SE). With spare supply (hedges take only stock above the supplier's
 * level): severity 1 -> 0.9, Korean cell makers starved +1.09 +- 0.39,
 * unmet +0.01 +- 0.34; 0.9 -> 0.5, starved +1.60 +- 0.28, unmet +0.24 +-
 * 0.13; at their plants in Korea starved +0.36 +- 0.04 and +1.30 +- 0.11.
 * Licences (0.3, 60) -> (0.6, 30): plants in Korea starved +1.06 +- 0.10,
 * all K3 -0.40 +- 0.54 (the plants abroad -1.46 +- 0.54: the Korean
 * plants' orders left with the faster licensed route wait at the Japanese
 * makers in the K3's class, as the plants abroad do); (0.6, 30) -> (0.9,
 * 10): within 0.3 SE of 0. Before spare supply, when hedges could empty a
 * supplier's stock: severity 1 -> 0.9 starved -0.63 +- 0.52 and 0.9 -> 0.5
 * at the plants abroad -1.89 +- 0.64 (their separators from Asahi Kasei,
 * the Korean electrolyte makers' LiPF6 from Stella and Kanto Denka); before
 * hedging a 0.99 ban left 8.9 GWh unmet against 0.10 for the full one.
 */
Test(monotone, on_the_flagship_softer_restrictions_never_leave_a_larger_shortfall,
     .timeout = 300)
{
    static double sev[3][FLAG_METRICS][FLAG_REPS], lic[3][FLAG_METRICS][FLAG_REPS];
    static const char *const severity[3] = { "1", "0.9", "0.5" };
    static const char *const approval[3] = { "0.3", "0.6", "0.9" };
    static const char *const delay[3] = { "60", "30", "10" };
    for (int i = 0; i < 3; i++) {
        struct rp_override ov[] = { { "events.jp_ban.severity", severity[i] } };
        flag_run(ov, 1, sev[i]);
    }
    for (int i = 1; i < 3; i++)
        flag_no_worse(sev[i], sev[i - 1], severity[i]);
    for (int i = 0; i < 3; i++) {
        struct rp_override ov[] = {
            { "events.jp_ban.type", "export_licence" },
            { "events.jp_ban.severity", "null" },
            { "events.jp_ban.in_transit", "null" },
            { "events.jp_ban.approval", approval[i] },
            { "events.jp_ban.delay", delay[i] },
        };
        flag_run(ov, 5, lic[i]);
    }
    for (int i = 1; i < 3; i++)
        flag_no_worse(lic[i], lic[i - 1], approval[i]);
    double full = 0;
    for (int i = 0; i < FLAG_REPS; i++)
        full += sev[0][1][i] / FLAG_REPS;
    cr_expect_gt(full, 0, "the full ban starves nothing on the flagship: the test tests nothing");
}

/*
 * The slowest licence (60 days, 30% approval) against the full ban of the
 * same scope on the flagship. Before hedging the Korean cell makers were
 * worse off under the licence by about 16.5 starved over 12 replications:
 * the Korean plants' orders, and then their hedges, waited at the Japanese
 * makers in the same class as the K3's plants abroad, which the ban leaves
 * alone there. Hedges now wait behind every order.
 */
Test(monotone, on_the_flagship_a_licence_is_never_worse_than_a_full_ban,
     .timeout = 300)
{
    static double ban[FLAG_METRICS][FLAG_REPS], lic[FLAG_METRICS][FLAG_REPS];
    struct rp_override full[] = { { "events.jp_ban.severity", "1" } };
    struct rp_override slow[] = {
        { "events.jp_ban.type", "export_licence" },
        { "events.jp_ban.severity", "null" },
        { "events.jp_ban.in_transit", "null" },
        { "events.jp_ban.approval", "0.3" },
        { "events.jp_ban.delay", "60" },
    };
    flag_run(full, 1, ban);
    flag_run(slow, 5, lic);
    flag_no_worse(lic, ban, "the slowest licence against the full ban");
}

/* ------------------------------------------- more stock never hurts */

/*
 * More stock never leaves a larger shortfall, on common random numbers.
 * The small network above under the full ban, with the cell maker's film
 * kept at 16 (the file's), 32 and 64 (level and initial): each step up
 * must leave no larger paired mean shortfall at all.
 */
static void stock_run(const char *level, double out[][MONO_REPS])
{
    struct rp_override ov[] = { { "nodes.cells.stock.film.level", level },
                                { "nodes.cells.stock.film.initial", level } };
    struct rp_load_opts opts = { .overrides = ov, .noverrides = 2 };
    mono_run_opts("export_ban", "severity: 1", &opts, out);
}

Test(monotone, more_stock_never_leaves_a_larger_shortfall)
{
    static const char *const level[3] = { "16", "32", "64" };
    static double st[3][NMETRICS][MONO_REPS];
    for (int i = 0; i < 3; i++)
        stock_run(level[i], st[i]);
    for (int i = 1; i < 3; i++)
        expect_no_worse(st[i], st[i - 1], level[i]);
    double gain = 0;
    for (int i = 0; i < MONO_REPS; i++)
        gain += (st[0][0][i] - st[2][0][i]) / MONO_REPS;
    cr_expect_gt(gain, 1, "four times the film stock saved only %g cells: the test tests nothing",
                 gain);
}

/*
 * The same on the flagship under the ban by site: the Korean plants'
 * separator and electrolyte kept at 30 days of use (the file's), 45 and 60
 * (their alert targets), 40 paired replications, within 3 SE as above.
 */
Test(monotone, on_the_flagship_more_stock_never_leaves_a_larger_shortfall, .timeout = 300)
{
    static const char *const cover[3] = { "30", "45", "60" };
    static const char *const plant[3] = { "lges_ochang", "sdi_ulsan", "skon_seosan" };
    static const char *const input[2] = { "separator", "electrolyte" };
    static char path[6][96];
    static double st[3][FLAG_METRICS][FLAG_REPS];
    for (int i = 0; i < 3; i++) {
        struct rp_override ov[7] = { { "events.jp_ban.severity", "1" } };
        for (int p = 0; p < 3; p++)
            for (int k = 0; k < 2; k++) {
                snprintf(path[2 * p + k], sizeof path[0], "nodes.%s.stock.%s.cover",
                         plant[p], input[k]);
                ov[1 + 2 * p + k] = (struct rp_override){ path[2 * p + k], cover[i] };
            }
        flag_run(ov, 7, st[i]);
    }
    for (int i = 1; i < 3; i++)
        flag_no_worse(st[i], st[i - 1], cover[i]);
    double gain = 0;                    /* unmet at the plants in Korea, 30 -> 60 days */
    for (int i = 0; i < FLAG_REPS; i++)
        gain += (st[0][3][i] - st[2][3][i]) / FLAG_REPS;
    cr_expect_gt(gain, 0.1, "twice the stock saved the plants in Korea only %g GWh: "
                 "the test tests nothing", gain);
}
