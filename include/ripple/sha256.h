/*
 * sha256.h - SHA-256 (FIPS 180-4), for the provenance of a run.
 *
 * A result records the hash of the scenario file it came from, so a number
 * can be traced to the exact bytes that produced it. Small and slow enough
 * for files; not for bulk data. No allocation, no failure.
 */
#ifndef RIPPLE_SHA256_H
#define RIPPLE_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct rp_sha256 {
    uint32_t h[8];                  /* chaining state */
    uint64_t len;                   /* bytes hashed so far */
    unsigned char buf[64];          /* the partial block */
    size_t nbuf;
};

void rp_sha256_init(struct rp_sha256 *s);
void rp_sha256_update(struct rp_sha256 *s, const void *data, size_t len);
/* Pads, writes the 32-byte digest to out and leaves s unusable until init. */
void rp_sha256_final(struct rp_sha256 *s, unsigned char out[32]);

/* The digest of data[0..len) in one call. */
void rp_sha256(const void *data, size_t len, unsigned char out[32]);

/* Writes the digest as 64 lowercase hex digits and a NUL to hex. */
void rp_sha256_hex(const unsigned char digest[32], char hex[65]);

#endif
