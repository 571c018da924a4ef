/*
 * rng.h - keyed random streams and the hot variates drawn from them.
 *
 * Every random quantity in a scenario owns a stream whose state is derived
 * from (seed, replication, hash of the quantity's path in the scenario tree,
 * e.g. "nodes.lges.sources.pouch_film.dnp.lead_time"). No thread, rank or
 * order of execution enters the key, so a replication draws the same numbers
 * on 1 or 64 threads, and two variants that share a path share its draws
 * (common random numbers).
 *
 * The generator is xoshiro256** (Blackman and Vigna, 2018), 64-bit output
 * and 256 bits of state, seeded through splitmix64. It is wrapped as a
 * gsl_rng_type so every gsl_ran_* sampler can draw from it. Only this module
 * seeds generators.
 *
 * The two variates the engine draws most, uniforms and exponentials, are
 * also drawn here inline from the same state (rp_rng_uniform,
 * rp_rng_exponential), without GSL's two indirect calls per draw and, for
 * the exponential, without a logarithm: a 256-layer ziggurat costs one
 * generator step and one table look-up in 98.9% of draws.
 */
#ifndef RIPPLE_RNG_H
#define RIPPLE_RNG_H

#include <assert.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

/*
 * The version of the variates: which numbers a stream turns into which
 * draws. It changes whenever a (seed, replication, path) may give a
 * different value than before, and it is written into every result's
 * provenance, so that results are compared only under the same version.
 *   1  exponentials by inversion, -mean log1p(-u) (gsl_ran_exponential)
 *   2  exponentials by the ziggurat (rp_rng_exponential); all else as in 1
 */
#define RP_STREAM_VERSION 2

/* The GSL generator type: name "xoshiro256**", 64-bit outputs. */
extern const gsl_rng_type *const rp_rng_xoshiro256ss;

/* The state of one xoshiro256** stream: never all zero. */
struct rp_xoshiro {
    uint64_t s[4];
};

/* splitmix64: advances *state and returns the next output (reference algorithm). */
uint64_t rp_splitmix64(uint64_t *state);

/* FNV-1a 64-bit hash of a path string: the path's part of a stream key. */
uint64_t rp_path_hash(const char *path);

/* Mixes (seed, replication, path hash) into one 64-bit stream key. */
uint64_t rp_key(uint64_t seed, uint64_t rep, uint64_t path_hash);

/*
 * Allocates a generator of type rp_rng_xoshiro256ss. The caller owns it and
 * frees it with gsl_rng_free(). Allocate once per replication state and
 * re-key it with rp_rng_rekey(): rekeying never allocates.
 */
gsl_rng *rp_rng_new(void);

/* Sets r's state from key (four splitmix64 outputs of key). */
void rp_rng_rekey(gsl_rng *r, uint64_t key);

/* Sets r's raw state to s[0..3], for checking against published references. */
void rp_rng_set_state(gsl_rng *r, const uint64_t s[4]);

/*
 * Everything below takes a generator of type rp_rng_xoshiro256ss (from
 * rp_rng_new) and draws from the same state as gsl_rng_get and gsl_ran_*:
 * the draws of one stream may mix both freely.
 */

static inline uint64_t rp_rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* The reference step of xoshiro256** (Blackman and Vigna, 2018). */
static inline uint64_t rp_xoshiro_next(struct rp_xoshiro *st)
{
    uint64_t *s = st->s;
    const uint64_t result = rp_rotl64(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rp_rotl64(s[3], 45);
    return result;
}

/* The top 53 bits of an output, scaled: multiples of 2^-53 in [0, 1). */
static inline double rp_xoshiro_uniform(struct rp_xoshiro *st)
{
    return (double)(rp_xoshiro_next(st) >> 11) * 0x1.0p-53;
}

/* r's state: r must be of rp_rng_xoshiro256ss. */
static inline struct rp_xoshiro *rp_rng_state(gsl_rng *r)
{
    assert(r->type == rp_rng_xoshiro256ss);
    return r->state;
}

/* The raw next 64-bit output of r: the same as gsl_rng_get(r). */
static inline uint64_t rp_rng_next(gsl_rng *r)
{
    return rp_xoshiro_next(rp_rng_state(r));
}

/* A uniform in [0, 1): the same number gsl_rng_uniform(r) would return. */
static inline double rp_rng_uniform(gsl_rng *r)
{
    return rp_xoshiro_uniform(rp_rng_state(r));
}

/*
 * The exponential ziggurat's tables (sim/rng_tables.c; immutable), for
 * layer i of 256: k[i] = floor(2^53 x[i+1] / x[i]), w[i] = x[i] 2^-53,
 * f[i] = exp(-x[i]), with x[1] = the tail's start r and x[256] = 0.
 */
extern const uint64_t rp_zig_exp_k[256];
extern const double rp_zig_exp_w[256];
extern const double rp_zig_exp_f[257];

/* The ziggurat's rare cases (a wedge or the tail), given the first output. */
double rp_zig_exp_slow(struct rp_xoshiro *st, uint64_t bits);

/*
 * An exponential with mean 1 (Marsaglia and Tsang's ziggurat, 2000). The
 * low 8 bits of one output pick a layer and the top 53 place a point in it;
 * a point inside the layer's core lies under the density and is returned
 * at once. Exact in distribution; not the number gsl_ran_exponential draws.
 */
static inline double rp_rng_exponential(gsl_rng *r)
{
    struct rp_xoshiro *st = rp_rng_state(r);
    uint64_t bits = rp_xoshiro_next(st);
    uint64_t j = bits >> 11;
    unsigned i = (unsigned)(bits & 0xff);

    if (j < rp_zig_exp_k[i])
        return (double)j * rp_zig_exp_w[i];
    return rp_zig_exp_slow(st, bits);
}

#endif
