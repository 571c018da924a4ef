/*
 * diag.c - collecting and printing bad-input diagnostics.
 */
#define _DEFAULT_SOURCE                 /* madvise, MADV_HUGEPAGE */
#include "ripple/diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define HUGE_PAGE ((uintptr_t)2 << 20)

/*
 * Blocks of a huge page and more (the model and run state of a big
 * network, the event heap) ask the kernel for transparent huge pages.
 * Their accesses are random, and with 4 KiB pages nearly every one of
 * them on a network of 30,000 nodes also missed the TLB, whose misses cost
 * the most in a virtual machine (events/s +17% there, bench/README.md).
 * Advice only: the whole huge pages inside the block, and where the kernel
 * offers none (THP "never", not Linux) nothing changes.
 */
static void *advise_huge(void *p, size_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t from = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t to = ((uintptr_t)p + size) & ~(HUGE_PAGE - 1);
    if (size >= HUGE_PAGE && from < to)
        (void)madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)size;
#endif
    return p;
}

void *rp_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) {
        fprintf(stderr, "ripple: out of memory allocating %zu bytes\n", size);
        abort();
    }
    return advise_huge(p, size);
}

void *rp_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fprintf(stderr, "ripple: out of memory allocating %zu x %zu bytes\n",
                n, size);
        abort();
    }
    return advise_huge(p, n * size);    /* calloc checked the product */
}

void *rp_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q) {
        fprintf(stderr, "ripple: out of memory allocating %zu bytes\n", size);
        abort();
    }
    return advise_huge(q, size);
}

char *rp_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = rp_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

void rp_diag_init(struct rp_diag *d)
{
    d->entries = NULL;
    d->len = 0;
    d->cap = 0;
    d->dropped = 0;
}

void rp_diag_release(struct rp_diag *d)
{
    for (size_t i = 0; i < d->len; i++) {
        free(d->entries[i].file);
        free(d->entries[i].message);
    }
    free(d->entries);
    rp_diag_init(d);
}

void rp_diag_at(struct rp_diag *d, struct rp_loc loc, const char *fmt, ...)
{
    va_list ap;
    char buf[1024];

    if (rp_diag_full(d)) {
        d->dropped++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);

    if (d->len == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 16;
        d->entries = rp_xrealloc(d->entries, d->cap * sizeof *d->entries);
    }
    d->entries[d->len++] = (struct rp_diag_entry){
        .file = rp_xstrdup(loc.file ? loc.file : "<input>"),
        .line = loc.line,
        .col = loc.col,
        .message = rp_xstrdup(buf),
    };
}

static int by_place(const void *pa, const void *pb)
{
    const struct rp_diag_entry *a = pa, *b = pb;
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return strcmp(a->message, b->message);
}

void rp_diag_print(struct rp_diag *d, FILE *out)
{
    if (d->len)                 /* qsort(NULL, 0, ...) is undefined (UBSan) */
        qsort(d->entries, d->len, sizeof *d->entries, by_place);
    for (size_t i = 0; i < d->len; i++) {
        const struct rp_diag_entry *e = &d->entries[i];
        if (i && !by_place(e, e - 1))
            continue;                   /* the same error, found twice */
        if (e->line > 0)
            fprintf(out, "%s:%d:%d: %s\n", e->file, e->line, e->col,
                    e->message);
        else
            fprintf(out, "%s: %s\n", e->file, e->message);
    }
    if (d->dropped)
        fprintf(out, "ripple: %zu more errors not listed; the limit is %d\n",
                d->dropped, RP_DIAG_MAX);
}
