/*
 * diag.h - diagnostics for bad input.
 *
 * A loader never stops at the first mistake: it records each one here with
 * the place it was found, and the caller prints them all at once. A message
 * is lowercase, problem first, no full stop; rp_diag_print() formats each as
 * "file:line:col: message", which editors and CI logs can jump to.
 * Allocation failure aborts (rp_xmalloc), so recording cannot fail.
 */
#ifndef RIPPLE_DIAG_H
#define RIPPLE_DIAG_H

#include <stddef.h>
#include <stdio.h>

/* A place in a scenario file. Lines and columns count from 1; 0 = unknown. */
struct rp_loc {
    const char *file;           /* borrowed: lives as long as the loader's arena */
    int line;
    int col;
};

struct rp_diag_entry {
    char *file;                 /* owned copy */
    int line;
    int col;
    char *message;              /* owned */
};

/* Past this many errors the rest are counted, not kept: a file of a
 * million mistakes is refused as fast as one of ten. */
#define RP_DIAG_MAX 1000

struct rp_diag {
    struct rp_diag_entry *entries;
    size_t len;
    size_t cap;
    size_t dropped;             /* errors beyond RP_DIAG_MAX */
};

void rp_diag_init(struct rp_diag *d);
void rp_diag_release(struct rp_diag *d);

/* Records one error at loc (line 0: the file as a whole). printf-style. */
void rp_diag_at(struct rp_diag *d, struct rp_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Number of errors recorded. */
static inline size_t rp_diag_count(const struct rp_diag *d)
{
    return d->len + d->dropped;
}

/* True once further errors are only counted: callers may skip the work of
 * wording them (a "did you mean" search, say). */
static inline int rp_diag_full(const struct rp_diag *d)
{
    return d->len >= RP_DIAG_MAX;
}

/*
 * Writes every error, one per line, as "file:line:col: message" ("file:
 * message" where the line is unknown), sorted by file, line and column so
 * the order does not depend on how checks ran; an error recorded twice at
 * one place is written once. Errors past RP_DIAG_MAX are summed up in a
 * last line.
 */
void rp_diag_print(struct rp_diag *d, FILE *out);

/* Allocation that cannot fail: on exhaustion prints the size and aborts. */
void *rp_xmalloc(size_t size);
void *rp_xcalloc(size_t n, size_t size);
void *rp_xrealloc(void *p, size_t size);
char *rp_xstrdup(const char *s);

#endif
