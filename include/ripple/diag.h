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

struct rp_diag {
    struct rp_diag_entry *entries;
    size_t len;
    size_t cap;
};

void rp_diag_init(struct rp_diag *d);
void rp_diag_release(struct rp_diag *d);

/* Records one error at loc. printf-style. */
void rp_diag_at(struct rp_diag *d, struct rp_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Number of errors recorded. */
static inline size_t rp_diag_count(const struct rp_diag *d)
{
    return d->len;
}

/*
 * Writes every error, one per line, as "file:line:col: message", sorted by
 * file, line and column so the order does not depend on how checks ran.
 */
void rp_diag_print(struct rp_diag *d, FILE *out);

/* Allocation that cannot fail: on exhaustion prints the size and aborts. */
void *rp_xmalloc(size_t size);
void *rp_xcalloc(size_t n, size_t size);
void *rp_xrealloc(void *p, size_t size);
char *rp_xstrdup(const char *s);

#endif
