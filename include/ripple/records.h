/*
 * records.h - every replication's results in one flat binary file,
 * records.bin, that merge and resume read back.
 *
 * Why records: summaries cannot be merged after the fact (the P-square
 * series bands depend on the order values arrive in, exact quantiles need
 * every value), but replaying records in replication order into the same
 * accumulators gives the same bytes by construction. So one run, K ranks,
 * K shards merged and a resumed run all end by the same replay.
 *
 * Format (docs/RECORDS.md), every number little-endian:
 *   header   "RPRECS01", u32 format version (1), u32 header bytes H, then
 *            the fields of struct rp_records_header in the order below
 *            (strings as u32 length + bytes), zero-padded to H, a
 *            multiple of 8;
 *   records  from byte H, one per replication in replication order:
 *            u64 replication index, u64 events, f64 x nvalues, f64 x nseries.
 * A file holds header.count records when its batch finished; a killed
 * run's file may end in a partial record, which resume drops.
 *
 * Cost: 16 + 8 (nvalues + nseries) bytes per replication, written with one
 * fwrite each through stdio; the file is flushed where blocks end.
 */
#ifndef RIPPLE_RECORDS_H
#define RIPPLE_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ripple/batch.h"

#define RP_RECORDS_FILE "records.bin"
#define RP_RECORDS_TEXT 4096            /* longest path, variant or override list */

/* What a batch is: two files with equal headers but first_rep and count are shards of one. */
struct rp_records_header {
    char ripple[64];                    /* the version that wrote it (informational) */
    uint32_t streams;                   /* RP_STREAM_VERSION: the random numbers */
    char sha256[65];                    /* the scenario file's, hex */
    char scenario[RP_RECORDS_TEXT];     /* its absolute path, for merge to reload */
    char variant[RP_RECORDS_TEXT];      /* "base" or the variant */
    char overrides[RP_RECORDS_TEXT];    /* "PATH=VALUE\n" per --set, in order */
    uint64_t seed;
    int64_t replications;               /* of the whole batch (-n) */
    int64_t max_replications;           /* the precision cap */
    double precision;                   /* 0: none */
    int64_t watch;                      /* value the precision target watches */
    uint32_t mode;                      /* enum rp_acc_mode the whole batch uses */
    uint32_t nvalues, nseries;
    uint64_t layout;                    /* hash of the value names and series length */
    int64_t first_rep;                  /* this file's first replication */
    int64_t count;                      /* replications this file holds when complete */
};

/* The layout hash of m: changes when the values or the series do. */
uint64_t rp_records_layout(const struct rp_model *m);

/*
 * Compares what makes two headers one batch (everything but first_rep and
 * count). Returns 0, or -1 with what differs written to why ("seed is 5
 * in A, 1 in B" with the names given).
 */
int rp_records_same_batch(const struct rp_records_header *a, const char *aname,
                          const struct rp_records_header *b, const char *bname,
                          char *why, size_t cap);

struct rp_records_writer {
    FILE *f;
    char path[4200];
    size_t nv, ns;
    int64_t written;
    bool failed;                        /* a write failed: errno kept in err */
    int err;
};

/*
 * Creates path with header h (0), or appends to it after keeping its
 * header and its first keep records (rp_records_reopen, for resume).
 * Both return -1 with errno set on failure.
 */
int rp_records_create(struct rp_records_writer *w, const char *path,
                      const struct rp_records_header *h);
int rp_records_reopen(struct rp_records_writer *w, const char *path,
                      const struct rp_records_header *h, int64_t keep);

/* One replication; a failure is kept and reported by flush and close. */
void rp_records_put(struct rp_records_writer *w, long rep, uint64_t events,
                    const double *values, const double *series);

/* Pushes what is buffered to the kernel (a checkpoint); 0 or -1 with errno. */
int rp_records_flush(struct rp_records_writer *w);

/* Flushes, syncs and closes; 0 or -1 with errno. */
int rp_records_close(struct rp_records_writer *w);

/* rp_batch_opts hooks: record = rp_records_on_record, checkpoint = rp_records_on_block, ctx = writer. */
void rp_records_on_record(void *ctx, long rep, const double *values,
                          const double *series, uint64_t events);
void rp_records_on_block(void *ctx);

struct rp_records_reader {
    FILE *f;
    struct rp_records_header h;
    int64_t nrecords;                   /* whole records in the file */
    int64_t next;                       /* records read */
    size_t nv, ns;
    unsigned char *buf;                 /* one record */
};

/*
 * Opens path and reads its header. Returns 0, or -1 with why set (cannot
 * open, not a records file, a format version this ripple cannot read).
 */
int rp_records_open(struct rp_records_reader *r, const char *path, char *why,
                    size_t cap);

/* The next record into rep, events, values, series; 1, or 0 at the end or on a read error. */
int rp_records_read(struct rp_records_reader *r, long *rep, uint64_t *events,
                    double *values, double *series);

void rp_records_close_reader(struct rp_records_reader *r);

#endif
