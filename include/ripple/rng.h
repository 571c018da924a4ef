/*
 * rng.h - keyed random streams.
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
 */
#ifndef RIPPLE_RNG_H
#define RIPPLE_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* The GSL generator type: name "xoshiro256**", 64-bit outputs. */
extern const gsl_rng_type *const rp_rng_xoshiro256ss;

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

/* The raw next 64-bit output of r (which must be of rp_rng_xoshiro256ss). */
uint64_t rp_rng_next(gsl_rng *r);

/* Sets r's raw state to s[0..3], for checking against published references. */
void rp_rng_set_state(gsl_rng *r, const uint64_t s[4]);

#endif
