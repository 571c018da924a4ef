/*
 * test_rng.c - the keyed generator against published reference values.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "ripple/rng.h"

static gsl_rng *r;          /* setup allocates it, teardown frees it */

static void setup(void)
{
    r = rp_rng_new();
}

static void teardown(void)
{
    gsl_rng_free(r);
}

TestSuite(rng, .init = setup, .fini = teardown);

/*
 * splitmix64 from seed 1477776061723855037: outputs of the reference
 * splitmix64.c (prng.di.unimi.it), as published in the Rust rand project's
 * test of its port, rust-random/rngs, rand_xoshiro/src/splitmix64.rs
 * (test "reference").
 */
static const uint64_t splitmix_seed = UINT64_C(1477776061723855037);
static const uint64_t splitmix_ref[50] = {
    UINT64_C(1985237415132408290),  UINT64_C(2979275885539914483),
    UINT64_C(13511426838097143398), UINT64_C(8488337342461049707),
    UINT64_C(15141737807933549159), UINT64_C(17093170987380407015),
    UINT64_C(16389528042912955399), UINT64_C(13177319091862933652),
    UINT64_C(10841969400225389492), UINT64_C(17094824097954834098),
    UINT64_C(3336622647361835228),  UINT64_C(9678412372263018368),
    UINT64_C(11111587619974030187), UINT64_C(7882215801036322410),
    UINT64_C(5709234165213761869),  UINT64_C(7799681907651786826),
    UINT64_C(4616320717312661886),  UINT64_C(4251077652075509767),
    UINT64_C(7836757050122171900),  UINT64_C(5054003328188417616),
    UINT64_C(12919285918354108358), UINT64_C(16477564761813870717),
    UINT64_C(5124667218451240549),  UINT64_C(18099554314556827626),
    UINT64_C(7603784838804469118),  UINT64_C(6358551455431362471),
    UINT64_C(3037176434532249502),  UINT64_C(3217550417701719149),
    UINT64_C(9958699920490216947),  UINT64_C(5965803675992506258),
    UINT64_C(12000828378049868312), UINT64_C(12720568162811471118),
    UINT64_C(245696019213873792),   UINT64_C(8351371993958923852),
    UINT64_C(14378754021282935786), UINT64_C(5655432093647472106),
    UINT64_C(5508031680350692005),  UINT64_C(8515198786865082103),
    UINT64_C(6287793597487164412),  UINT64_C(14963046237722101617),
    UINT64_C(3630795823534910476),  UINT64_C(8422285279403485710),
    UINT64_C(10554287778700714153), UINT64_C(10871906555720704584),
    UINT64_C(8659066966120258468),  UINT64_C(9420238805069527062),
    UINT64_C(10338115333623340156), UINT64_C(13514802760105037173),
    UINT64_C(14635952304031724449), UINT64_C(15419692541594102413),
};

/*
 * xoshiro256** from state {1, 2, 3, 4}: outputs of the reference
 * xoshiro256starstar.c, as published in rust-random/rngs,
 * rand_xoshiro/src/xoshiro256starstar.rs (test "reference"); the same ten
 * numbers are in morinim/xoshiro256ss, test.cc.
 */
static const uint64_t xoshiro_state[4] = { 1, 2, 3, 4 };
static const uint64_t xoshiro_ref[10] = {
    UINT64_C(11520),
    UINT64_C(0),
    UINT64_C(1509978240),
    UINT64_C(1215971899390074240),
    UINT64_C(1216172134540287360),
    UINT64_C(607988272756665600),
    UINT64_C(16172922978634559625),
    UINT64_C(8476171486693032832),
    UINT64_C(10595114339597558777),
    UINT64_C(2904607092377533576),
};

Test(rng, splitmix64_matches_reference)
{
    uint64_t s = splitmix_seed;

    for (int i = 0; i < 50; i++)
        cr_assert_eq(rp_splitmix64(&s), splitmix_ref[i],
                     "splitmix64 output %d differs from the reference", i);
}

Test(rng, xoshiro_matches_reference)
{
    rp_rng_set_state(r, xoshiro_state);
    for (int i = 0; i < 10; i++)
        cr_assert_eq(rp_rng_next(r), xoshiro_ref[i],
                     "xoshiro256** output %d differs from the reference", i);
}

Test(rng, inline_step_matches_reference)
{
    struct rp_xoshiro st = { { 1, 2, 3, 4 } };

    for (int i = 0; i < 10; i++)
        cr_assert_eq(rp_xoshiro_next(&st), xoshiro_ref[i],
                     "inline xoshiro256** output %d differs", i);
}

Test(rng, gsl_get_is_the_raw_output)
{
    rp_rng_set_state(r, xoshiro_state);
    for (int i = 0; i < 10; i++)
        cr_assert_eq((uint64_t)gsl_rng_get(r), xoshiro_ref[i],
                     "gsl_rng_get output %d differs from the reference", i);
}

Test(rng, gsl_uniform_is_top_53_bits)
{
    rp_rng_set_state(r, xoshiro_state);
    for (int i = 0; i < 10; i++) {
        double want = (double)(xoshiro_ref[i] >> 11) / 9007199254740992.0;
        cr_assert_eq(gsl_rng_uniform(r), want, "uniform %d is not x/2^53", i);
    }
}

/* The inline draws and GSL's share one state: interleaved, they agree. */
Test(rng, inline_and_gsl_draws_share_the_stream)
{
    gsl_rng *twin = rp_rng_new();

    rp_rng_rekey(r, 12345);
    rp_rng_rekey(twin, 12345);
    for (int i = 0; i < 1000; i++) {
        if (i % 3 == 0)
            cr_assert_eq(rp_rng_uniform(r), gsl_rng_uniform(twin), "%d", i);
        else if (i % 3 == 1)
            cr_assert_eq(gsl_rng_uniform(r), rp_rng_uniform(twin), "%d", i);
        else
            cr_assert_eq(rp_rng_next(r), (uint64_t)gsl_rng_get(twin), "%d", i);
    }
    gsl_rng_free(twin);
}

Test(rng, type_describes_a_64_bit_generator)
{
    cr_assert_str_eq(gsl_rng_name(r), "xoshiro256**");
    cr_assert_eq(gsl_rng_max(r), UINT64_MAX);
    cr_assert_eq(gsl_rng_min(r), 0);
    cr_assert_eq(r->type, rp_rng_xoshiro256ss);
}

/* The state after rekeying is the first four splitmix64 outputs of the key. */
Test(rng, rekey_seeds_through_splitmix64)
{
    gsl_rng *ref = rp_rng_new();

    rp_rng_rekey(r, splitmix_seed);
    rp_rng_set_state(ref, splitmix_ref);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(rp_rng_next(r), rp_rng_next(ref),
                     "rekeyed stream leaves the splitmix64 state at %d", i);
    gsl_rng_free(ref);
}

Test(rng, gsl_set_seeds_like_rekey)
{
    gsl_rng *ref = rp_rng_new();

    gsl_rng_set(r, 12345);
    rp_rng_rekey(ref, 12345);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(rp_rng_next(r), rp_rng_next(ref));
    gsl_rng_free(ref);
}

/* Rekeying writes the state in place: same buffer, nothing allocated. */
Test(rng, rekey_keeps_the_state_buffer)
{
    void *state = r->state;

    for (uint64_t k = 0; k < 1000; k++)
        rp_rng_rekey(r, k);
    cr_assert_eq(r->state, state);
}

/*
 * FNV-1a 64 of "", "a", "foobar" and "chongo was here!\n": the reference
 * test suite of the FNV authors, lcn2/fnv, test_fnv.c (fnv1a_64_vector).
 */
Test(rng, path_hash_is_fnv1a_64)
{
    cr_assert_eq(rp_path_hash(""), UINT64_C(0xcbf29ce484222325));
    cr_assert_eq(rp_path_hash("a"), UINT64_C(0xaf63dc4c8601ec8c));
    cr_assert_eq(rp_path_hash("foo"), UINT64_C(0xdcb27518fed9d577));
    cr_assert_eq(rp_path_hash("foobar"), UINT64_C(0x85944171f73967e8));
}

Test(rng, same_key_gives_same_sequence)
{
    gsl_rng *other = rp_rng_new();
    uint64_t key = rp_key(42, 7, rp_path_hash("nodes.a.lead_time"));

    rp_rng_rekey(r, key);
    for (int i = 0; i < 10; i++)            /* used state must not matter */
        rp_rng_next(other);
    rp_rng_rekey(other, key);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(rp_rng_next(r), rp_rng_next(other), "diverged at %d", i);
    gsl_rng_free(other);
}

/* Streams of neighbouring keys share no output at the same position. */
static void assert_streams_differ(uint64_t k1, uint64_t k2)
{
    gsl_rng *other = rp_rng_new();
    int same = 0;

    cr_assert_neq(k1, k2);
    rp_rng_rekey(r, k1);
    rp_rng_rekey(other, k2);
    for (int i = 0; i < 1000; i++)
        same += rp_rng_next(r) == rp_rng_next(other);
    cr_assert_eq(same, 0, "%d equal outputs out of 1000", same);
    gsl_rng_free(other);
}

Test(rng, different_rep_seed_or_path_gives_different_sequence)
{
    uint64_t h = rp_path_hash("nodes.a.lead_time");

    assert_streams_differ(rp_key(42, 0, h), rp_key(42, 1, h));
    assert_streams_differ(rp_key(42, 0, h), rp_key(43, 0, h));
    assert_streams_differ(rp_key(42, 0, h),
                          rp_key(42, 0, rp_path_hash("nodes.b.lead_time")));
    /* swapping seed and rep must not give the same key */
    assert_streams_differ(rp_key(1, 2, h), rp_key(2, 1, h));
}

static int popcount64(uint64_t x)
{
    int n = 0;

    for (; x; x &= x - 1)
        n++;
    return n;
}

/*
 * Neighbouring seeds, reps and paths give unrelated keys: each key bit flips
 * with probability 1/2, so the mean Hamming distance over N neighbouring
 * pairs is 32 with standard error 4 / sqrt(N).
 */
Test(rng, neighbouring_inputs_give_unrelated_keys)
{
    const int n = 3000;
    double seed_d = 0, rep_d = 0, path_d = 0;
    char p1[32], p2[32];

    for (int i = 0; i < n; i++) {
        uint64_t u = (uint64_t)i;
        uint64_t h = rp_path_hash("x");

        seed_d += popcount64(rp_key(u, 0, h) ^ rp_key(u + 1, 0, h));
        rep_d += popcount64(rp_key(7, u, h) ^ rp_key(7, u + 1, h));
        snprintf(p1, sizeof p1, "nodes.n%d.lead_time", i);
        snprintf(p2, sizeof p2, "nodes.n%d.lead_time", i + 1);
        path_d += popcount64(rp_key(7, 0, rp_path_hash(p1)) ^
                             rp_key(7, 0, rp_path_hash(p2)));
    }
    double se = 4 / sqrt(n);
    cr_assert_lt(fabs(seed_d / n - 32), 4 * se, "seed: %g", seed_d / n);
    cr_assert_lt(fabs(rep_d / n - 32), 4 * se, "rep: %g", rep_d / n);
    cr_assert_lt(fabs(path_d / n - 32), 4 * se, "path: %g", path_d / n);
}

Test(rng, uniform_is_in_unit_interval_with_mean_one_half)
{
    const int n = 1000000;
    double sum = 0;

    rp_rng_rekey(r, rp_key(1, 0, rp_path_hash("test.uniform")));
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        cr_assert(u >= 0 && u < 1, "uniform draw %d out of [0,1): %g", i, u);
        sum += u;
    }
    double se = sqrt(1.0 / 12 / n);
    cr_assert_lt(fabs(sum / n - 0.5), 4 * se, "mean %g", sum / n);
}

/*
 * gsl_rng_uniform_int uses max and min of the type: ten equally likely
 * faces, chi-square with 9 degrees of freedom under 27.88 (p = 0.001).
 */
Test(rng, gsl_uniform_int_is_uniform)
{
    const int n = 100000;
    int count[10] = { 0 };

    rp_rng_rekey(r, rp_key(1, 0, rp_path_hash("test.int")));
    for (int i = 0; i < n; i++) {
        unsigned long k = gsl_rng_uniform_int(r, 10);
        cr_assert_lt(k, 10);
        count[k]++;
    }
    double chi2 = 0, e = n / 10.0;
    for (int k = 0; k < 10; k++)
        chi2 += (count[k] - e) * (count[k] - e) / e;
    cr_assert_lt(chi2, 27.88, "chi-square %g", chi2);
}

/* A gsl_ran_* sampler draws through the wrapper: N(3, 2) mean and sd. */
Test(rng, gsl_ran_samplers_work_on_it)
{
    const int n = 200000;
    double sum = 0, sum2 = 0;

    rp_rng_rekey(r, rp_key(1, 0, rp_path_hash("test.gauss")));
    for (int i = 0; i < n; i++) {
        double x = 3 + gsl_ran_gaussian(r, 2);
        sum += x;
        sum2 += (x - 3) * (x - 3);
    }
    cr_assert_lt(fabs(sum / n - 3), 4 * 2 / sqrt(n), "mean %g", sum / n);
    /* (x-3)^2 / 4 is chi-square(1): mean 1, sd sqrt(2) */
    cr_assert_lt(fabs(sum2 / n / 4 - 1), 4 * sqrt(2.0 / n), "var %g",
                 sum2 / n);
}

/* ------------------------------------------------ exponential ziggurat */

#define ZIG_N 256

/* x[i] of the layer equations, from the scaled widths (exact: 2^53 is a power of 2). */
static double zig_x(int i)
{
    return i == ZIG_N ? 0 : rp_zig_exp_w[i] * 0x1.0p53;
}

/*
 * The tables solve the layer equations: every layer has the same area v,
 * the base rectangle plus the tail as much as each rectangle above it; the
 * top closes at x = 0 with f = 1; k and f agree with the widths.
 */
Test(rng, ziggurat_layers_have_equal_areas)
{
    double r0 = zig_x(1);
    double v = r0 * exp(-r0) + exp(-r0);        /* base rectangle + tail */

    cr_assert_lt(fabs(zig_x(0) * exp(-r0) / v - 1), 1e-14, "base width");
    for (int i = 1; i < ZIG_N; i++) {
        double area = zig_x(i) * (rp_zig_exp_f[i + 1] - rp_zig_exp_f[i]);
        cr_assert_lt(fabs(area / v - 1), 1e-12, "layer %d: area %.17g, v %.17g",
                     i, area, v);
        cr_assert_gt(zig_x(i), zig_x(i + 1), "widths not decreasing at %d", i);
    }
    for (int i = 0; i <= ZIG_N; i++)
        cr_assert_lt(fabs(rp_zig_exp_f[i] - exp(-zig_x(i))), 4e-16,
                     "f[%d] is not exp(-x[%d])", i, i);
    cr_assert_eq(rp_zig_exp_f[ZIG_N], 1.0);
    /*
     * k[i] came from the exact ratio; recomputed from the rounded widths the
     * ratio is off by up to 1.5 of its ulps (2^-53), and the floor adds 1.
     */
    for (int i = 0; i < ZIG_N; i++) {
        double want = 0x1.0p53 * (zig_x(i + 1) / zig_x(i));
        cr_assert_lt(fabs((double)rp_zig_exp_k[i] - want), 2.5,
                     "k[%d] = %llu, not floor(%.17g)", i,
                     (unsigned long long)rp_zig_exp_k[i], want);
    }
}

static int by_value(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/*
 * Kolmogorov's limiting distribution, P(sqrt(n) D > t), with Stephens'
 * small-sample correction of t (Numerical Recipes, 14.3).
 */
static double ks_p_value(double d, int n)
{
    double t = (sqrt(n) + 0.12 + 0.11 / sqrt(n)) * d, sum = 0;

    for (int k = 1; k <= 100; k++)
        sum += (k % 2 ? 2 : -2) * exp(-2.0 * k * k * t * t);
    return sum < 0 ? 0 : sum > 1 ? 1 : sum;
}

/* Kolmogorov-Smirnov against 1 - exp(-x) on 10^6 draws: p above 1e-4. */
Test(rng, ziggurat_exponential_passes_kolmogorov_smirnov)
{
    enum { n = 1000000 };
    double *x = malloc(n * sizeof *x), d = 0;

    cr_assert(x);
    rp_rng_rekey(r, rp_key(1, 0, rp_path_hash("test.exp.ks")));
    for (int i = 0; i < n; i++)
        x[i] = rp_rng_exponential(r);
    qsort(x, n, sizeof *x, by_value);
    for (int i = 0; i < n; i++) {
        double f = -expm1(-x[i]);
        double lo = f - (double)i / n, hi = (double)(i + 1) / n - f;
        d = fmax(d, fmax(lo, hi));
    }
    free(x);
    double p = ks_p_value(d, n);
    cr_assert_gt(p, 1e-4, "KS distance %g, p = %g", d, p);
}

/*
 * Chi-square over bins cut at the layers' edges x[255] < ... < x[1] = r,
 * then [r, 1.5 r) and [1.5 r, inf): a layer, wedge or tail drawn with the
 * wrong mass shows in its own bin, however rare. 10^7 draws give the
 * rarest bin (p = 1e-5) about 100 expected; p-value above 1e-4. The same
 * draws' mean and variance are 1 within 4 standard errors (the sample
 * variance of an exponential has variance (mu4 - 1) / n = 8 / n).
 */
Test(rng, ziggurat_exponential_has_the_layers_mass)
{
    enum { n = 10000000, nb = ZIG_N + 1 };
    static double count[nb];
    double edge[nb + 1];                /* bin b is [edge[b], edge[b+1]) */
    double sum = 0, sum2 = 0;

    for (int b = 0; b < ZIG_N; b++)
        edge[b] = zig_x(ZIG_N - b);     /* 0, x[255], ..., x[1] = r */
    edge[ZIG_N] = 1.5 * zig_x(1);
    edge[nb] = INFINITY;
    rp_rng_rekey(r, rp_key(1, 0, rp_path_hash("test.exp.chi2")));
    for (int i = 0; i < n; i++) {
        double x = rp_rng_exponential(r);
        int lo = 0, hi = nb;            /* edge[lo] <= x < edge[hi] */
        cr_assert(x >= 0 && isfinite(x), "draw %d: %g", i, x);
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2;
            if (x < edge[mid])
                hi = mid;
            else
                lo = mid;
        }
        count[lo]++;
        sum += x;
        sum2 += (x - 1) * (x - 1);
    }
    double chi2 = 0;
    for (int b = 0; b < nb; b++) {
        double e = n * (exp(-edge[b]) - exp(-edge[b + 1]));
        cr_assert_gt(e, 50, "bin %d expects only %g", b, e);
        chi2 += (count[b] - e) * (count[b] - e) / e;
    }
    double p = gsl_cdf_chisq_Q(chi2, nb - 1);
    cr_assert_gt(p, 1e-4, "chi-square %g on %d df, p = %g", chi2, nb - 1, p);
    cr_assert_lt(fabs(sum / n - 1), 4 * sqrt(1.0 / n), "mean %.6f", sum / n);
    cr_assert_lt(fabs(sum2 / n - 1), 4 * sqrt(8.0 / n), "variance %.6f",
                 sum2 / n);
}

/* The tail past r is r plus a fresh exponential: its mean excess is 1. */
Test(rng, ziggurat_tail_forgets)
{
    const int n = 20000000;
    double r0 = zig_x(1), excess = 0;
    double tail = 0;

    rp_rng_rekey(r, rp_key(1, 0, rp_path_hash("test.exp.tail")));
    for (int i = 0; i < n; i++) {
        double x = rp_rng_exponential(r);
        if (x >= r0) {
            tail++;
            excess += x - r0;
        }
    }
    double p = exp(-r0), se = sqrt(n * p * (1 - p));
    cr_assert_lt(fabs(tail - n * p), 4 * se, "%g past r, want %g", tail,
                 n * p);
    cr_assert_lt(fabs(excess / tail - 1), 4 / sqrt(tail),
                 "mean excess %g", excess / tail);
}
