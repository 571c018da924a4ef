/*
 * rng.c - keyed random streams: xoshiro256** behind a gsl_rng_type.
 *
 * GSL's own generators do not fit a keyed design: mt19937 keeps only 32 bits
 * of its seed and 5 KB of state, so re-keying per quantity would be slow and
 * many keys would collide. xoshiro256** has 32 bytes of state, takes a full
 * 64-bit key through splitmix64, and is wrapped here so that gsl_ran_* can
 * draw from it unchanged.
 */
#include "ripple/rng.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* GSL passes outputs and seeds as unsigned long: it must hold 64 bits. */
_Static_assert(sizeof(unsigned long) == sizeof(uint64_t) &&
                   ULONG_MAX == UINT64_MAX,
               "ripple needs a 64-bit unsigned long (LP64)");

uint64_t rp_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/*
 * The state is four consecutive splitmix64 outputs. splitmix64's output
 * function is a bijection of its counter and four consecutive counters are
 * distinct, so at most one word can be zero and the forbidden all-zero state
 * cannot arise; the assert keeps that argument honest.
 */
static void seed_state(struct rp_xoshiro *st, uint64_t key)
{
    uint64_t sm = key;

    for (int i = 0; i < 4; i++)
        st->s[i] = rp_splitmix64(&sm);
    assert(st->s[0] | st->s[1] | st->s[2] | st->s[3]);
}

static void type_set(void *state, unsigned long seed)
{
    seed_state(state, seed);
}

static unsigned long type_get(void *state)
{
    return rp_xoshiro_next(state);
}

/* The top 53 bits, scaled: multiples of 2^-53 in [0, 1), never 1. */
static double type_get_double(void *state)
{
    return rp_xoshiro_uniform(state);
}

/* Immutable, so not a global in the style's sense: nothing ever writes it. */
static const gsl_rng_type xoshiro256ss_type = {
    .name = "xoshiro256**",
    .max = UINT64_MAX,
    .min = 0,
    .size = sizeof(struct rp_xoshiro),
    .set = type_set,
    .get = type_get,
    .get_double = type_get_double,
};

const gsl_rng_type *const rp_rng_xoshiro256ss = &xoshiro256ss_type;

uint64_t rp_path_hash(const char *path)
{
    uint64_t h = UINT64_C(14695981039346656037);    /* FNV-1a 64 offset basis */

    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        h ^= *p;
        h *= UINT64_C(1099511628211);                /* FNV-1a 64 prime */
    }
    return h;
}

/*
 * key = step(step(step(seed) ^ rep) ^ path_hash), where step(x) is one
 * rp_splitmix64 call on a counter holding x. Each step is a bijection of its
 * input, so with the other two parts fixed, distinct seeds, distinct reps or
 * distinct path hashes always give distinct keys; and the finaliser after
 * each xor spreads a one-bit change (seed 7 vs 8, rep 3 vs 4) over all 64
 * bits, so nearby inputs give unrelated keys. FNV-1a alone mixes its last
 * bytes weakly ("a.x" vs "a.y"); the final step fixes that too.
 */
uint64_t rp_key(uint64_t seed, uint64_t rep, uint64_t path_hash)
{
    uint64_t counter = seed;
    uint64_t k = rp_splitmix64(&counter);

    counter = k ^ rep;
    k = rp_splitmix64(&counter);
    counter = k ^ path_hash;
    return rp_splitmix64(&counter);
}

/* With GSL's error handler off (main), gsl_rng_alloc can return NULL. */
gsl_rng *rp_rng_new(void)
{
    gsl_rng *r = gsl_rng_alloc(rp_rng_xoshiro256ss);

    if (!r) {
        fprintf(stderr, "ripple: out of memory allocating %zu bytes\n",
                sizeof(gsl_rng) + sizeof(struct rp_xoshiro));
        abort();
    }
    return r;
}

/* Writes the state in place: r->state was sized by gsl_rng_alloc, once. */
void rp_rng_rekey(gsl_rng *r, uint64_t key)
{
    assert(r->type == rp_rng_xoshiro256ss);
    seed_state(r->state, key);
}

void rp_rng_set_state(gsl_rng *r, const uint64_t s[4])
{
    struct rp_xoshiro *st = r->state;

    assert(r->type == rp_rng_xoshiro256ss);
    assert(s[0] | s[1] | s[2] | s[3]);      /* all-zero is a fixed point */
    for (int i = 0; i < 4; i++)
        st->s[i] = s[i];
}

/*
 * The ziggurat's slow half, entered with the output whose point fell
 * outside its layer's core (1.1% of draws). Layer i >= 1 is the rectangle
 * [0, x[i]] x [f(x[i]), f(x[i+1])]: a point beyond x[i+1] lies in the wedge
 * between the rectangle and the density and is kept when a second uniform
 * puts it under exp(-x). Layer 0 is the base rectangle plus the tail past
 * r, both of area v; a point past r stands for the tail, and since the
 * exponential forgets, the tail is r plus a fresh exponential: the loop
 * adds r and draws again, so no logarithm is ever taken. Every pass ends
 * with probability over 0.98, so the loop's length is not the input's to
 * choose.
 */
double rp_zig_exp_slow(struct rp_xoshiro *st, uint64_t bits)
{
    const double r = rp_zig_exp_w[1] * 0x1.0p53;    /* x[1], exactly */
    double shift = 0;

    for (;;) {
        uint64_t j = bits >> 11;
        unsigned i = (unsigned)(bits & 0xff);
        double x = (double)j * rp_zig_exp_w[i];

        if (j < rp_zig_exp_k[i])
            return shift + x;
        if (i == 0) {
            shift += r;
        } else {
            double lo = rp_zig_exp_f[i], hi = rp_zig_exp_f[i + 1];
            if (lo + rp_xoshiro_uniform(st) * (hi - lo) < exp(-x))
                return shift + x;
        }
        bits = rp_xoshiro_next(st);
    }
}
