#define _POSIX_C_SOURCE 200809L
/*
 * records.c - records.bin: written as a batch merges, read back by merge
 * and resume.
 *
 * Why a flat file and not HDF5: a record is a fixed-size row appended in
 * order, which is what a checkpoint needs (append, flush, truncate the
 * torn tail after a kill); HDF5 would add a library to every build and a
 * file that a SIGKILL mid-write can leave unreadable. docs/RECORDS.md
 * shows how to read it from Python (numpy.fromfile with an offset).
 * Numbers are written little-endian byte by byte, so a file moves between
 * machines.
 */
#include "ripple/records.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ripple/diag.h"
#include "ripple/report.h"

#define MAGIC "RPRECS01"
#define FORMAT 1

/* ----------------------------------------------------- little-endian */

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static uint64_t dbits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static double bitsd(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* A growing byte buffer for the header. */
struct bytes {
    unsigned char b[5 * RP_RECORDS_TEXT + 512];
    size_t len;
    bool bad;                           /* read past the end */
};

static void put(struct bytes *o, uint64_t v, int n)
{
    put_le(o->b + o->len, v, n);
    o->len += (size_t)n;
}

static void put_str(struct bytes *o, const char *s)
{
    size_t n = strlen(s);
    put(o, n, 4);
    memcpy(o->b + o->len, s, n);
    o->len += n;
}

static uint64_t get(struct bytes *in, int n)
{
    if (in->bad || in->len + (size_t)n > sizeof in->b) {
        in->bad = true;
        return 0;
    }
    uint64_t v = get_le(in->b + in->len, n);
    in->len += (size_t)n;
    return v;
}

static void get_str(struct bytes *in, char *s, size_t cap)
{
    uint64_t n = get(in, 4);
    if (in->bad || n >= cap || in->len + n > sizeof in->b) {
        in->bad = true;
        s[0] = '\0';
        return;
    }
    memcpy(s, in->b + in->len, n);
    s[n] = '\0';
    in->len += n;
}

/* The fields after the fixed start (magic, format, size), in file order. */
static void encode(struct bytes *o, const struct rp_records_header *h)
{
    put_str(o, h->ripple);
    put(o, h->streams, 4);
    put_str(o, h->sha256);
    put_str(o, h->scenario);
    put_str(o, h->variant);
    put_str(o, h->overrides);
    put(o, h->seed, 8);
    put(o, (uint64_t)h->replications, 8);
    put(o, (uint64_t)h->max_replications, 8);
    put(o, dbits(h->precision), 8);
    put(o, (uint64_t)h->watch, 8);
    put(o, h->mode, 4);
    put(o, h->nvalues, 4);
    put(o, h->nseries, 4);
    put(o, h->layout, 8);
    put(o, (uint64_t)h->first_rep, 8);
    put(o, (uint64_t)h->count, 8);
}

static void decode(struct bytes *in, struct rp_records_header *h)
{
    get_str(in, h->ripple, sizeof h->ripple);
    h->streams = (uint32_t)get(in, 4);
    get_str(in, h->sha256, sizeof h->sha256);
    get_str(in, h->scenario, sizeof h->scenario);
    get_str(in, h->variant, sizeof h->variant);
    get_str(in, h->overrides, sizeof h->overrides);
    h->seed = get(in, 8);
    h->replications = (int64_t)get(in, 8);
    h->max_replications = (int64_t)get(in, 8);
    h->precision = bitsd(get(in, 8));
    h->watch = (int64_t)get(in, 8);
    h->mode = (uint32_t)get(in, 4);
    h->nvalues = (uint32_t)get(in, 4);
    h->nseries = (uint32_t)get(in, 4);
    h->layout = get(in, 8);
    h->first_rep = (int64_t)get(in, 8);
    h->count = (int64_t)get(in, 8);
}

/* ------------------------------------------------------------ header */

uint64_t rp_records_layout(const struct rp_model *m)
{
    uint64_t h = 1469598103934665603ULL;        /* FNV-1a, 64 bits */
    char name[1024];
    for (size_t i = 0; i < rp_model_nvalues(m); i++) {
        rp_value_name(m, i, name, sizeof name);
        for (const char *p = name; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        h = (h ^ '\n') * 1099511628211ULL;
    }
    return (h ^ rp_model_series_len(m)) * 1099511628211ULL;
}

#define SAME_STR(field, label)                                              \
    if (strcmp(a->field, b->field))                                         \
        return snprintf(why, cap, "%s is '%s' in %s, '%s' in %s", label,    \
                        a->field, aname, b->field, bname), -1
#define SAME_NUM(field, label, fmt, cast)                                   \
    if (a->field != b->field)                                               \
        return snprintf(why, cap, "%s is " fmt " in %s, " fmt " in %s",     \
                        label, (cast)a->field, aname, (cast)b->field,       \
                        bname), -1

int rp_records_same_batch(const struct rp_records_header *a, const char *aname,
                          const struct rp_records_header *b, const char *bname,
                          char *why, size_t cap)
{
    SAME_STR(sha256, "the scenario's sha256");
    SAME_STR(variant, "the variant");
    SAME_STR(overrides, "the --set overrides");
    SAME_NUM(seed, "the seed", "%llu", unsigned long long);
    SAME_NUM(replications, "the replications (-n)", "%lld", long long);
    SAME_NUM(precision, "--precision", "%g", double);
    SAME_NUM(max_replications, "--max-replications", "%lld", long long);
    SAME_NUM(watch, "the watched value", "%lld", long long);
    SAME_NUM(mode, "the quantile mode", "%u", unsigned);
    SAME_NUM(streams, "the random stream version", "%u", unsigned);
    SAME_NUM(nvalues, "the number of values", "%u", unsigned);
    SAME_NUM(nseries, "the series length", "%u", unsigned);
    SAME_NUM(layout, "the value layout", "%llx", unsigned long long);
    return 0;
}

/* ------------------------------------------------------------ writing */

/* The header's bytes, padded to a multiple of 8; returns its size. */
static size_t header_bytes(struct bytes *o, const struct rp_records_header *h)
{
    memcpy(o->b, MAGIC, 8);
    o->len = 16;
    encode(o, h);
    size_t size = (o->len + 7) / 8 * 8;
    memset(o->b + o->len, 0, size - o->len);
    put_le(o->b + 8, FORMAT, 4);
    put_le(o->b + 12, size, 4);
    return size;
}

static int start(struct rp_records_writer *w, const char *path,
                 const struct rp_records_header *h, const char *mode)
{
    memset(w, 0, sizeof *w);
    snprintf(w->path, sizeof w->path, "%s", path);
    w->nv = h->nvalues;
    w->ns = h->nseries;
    w->f = fopen(path, mode);
    return w->f ? 0 : -1;
}

int rp_records_create(struct rp_records_writer *w, const char *path,
                      const struct rp_records_header *h)
{
    struct bytes *hb = rp_xmalloc(sizeof *hb);     /* 20 KB: not on the stack */
    size_t size = header_bytes(hb, h);
    int rc = start(w, path, h, "wb");
    if (!rc && fwrite(hb->b, 1, size, w->f) != size) {
        w->failed = true;
        w->err = errno;
    }
    free(hb);
    return rc;
}

static size_t record_size(size_t nv, size_t ns)
{
    return 16 + 8 * (nv + ns);
}

int rp_records_reopen(struct rp_records_writer *w, const char *path,
                      const struct rp_records_header *h, int64_t keep)
{
    struct bytes *hb = rp_xmalloc(sizeof *hb);
    size_t size = header_bytes(hb, h);
    free(hb);
    off_t end = (off_t)size + (off_t)keep * (off_t)record_size(h->nvalues,
                                                                 h->nseries);
    if (truncate(path, end))            /* drops a torn last record */
        return -1;
    if (start(w, path, h, "ab"))
        return -1;
    w->written = keep;
    return 0;
}

static void emit(struct rp_records_writer *w, const void *buf, size_t len)
{
    if (!w->failed && fwrite(buf, 1, len, w->f) != len) {
        w->failed = true;               /* said by flush or close */
        w->err = errno;
    }
}

void rp_records_put(struct rp_records_writer *w, long rep, uint64_t events,
                    const double *values, const double *series)
{
    unsigned char buf[16 + 8 * 256];
    size_t len = 16, total = w->nv + w->ns;
    put_le(buf, (uint64_t)rep, 8);
    put_le(buf + 8, events, 8);
    for (size_t k = 0; k < total; k++) {
        double x = k < w->nv ? values[k] : series[k - w->nv];
        put_le(buf + len, dbits(x), 8);
        len += 8;
        if (len == sizeof buf) {
            emit(w, buf, len);
            len = 0;
        }
    }
    if (len)
        emit(w, buf, len);
    w->written++;
}

int rp_records_flush(struct rp_records_writer *w)
{
    if (!w->failed && fflush(w->f)) {
        w->failed = true;
        w->err = errno;
    }
    errno = w->err;
    return w->failed ? -1 : 0;
}

int rp_records_close(struct rp_records_writer *w)
{
    int rc = rp_records_flush(w);
    if (!rc && fsync(fileno(w->f))) {
        rc = -1;
        w->err = errno;
    }
    if (fclose(w->f) && !rc) {
        rc = -1;
        w->err = errno;
    }
    w->f = NULL;
    errno = w->err;
    return rc;
}

void rp_records_on_record(void *ctx, long rep, const double *values,
                          const double *series, uint64_t events)
{
    rp_records_put(ctx, rep, events, values, series);
}

void rp_records_on_block(void *ctx)
{
    rp_records_flush(ctx);              /* a failure is said at close */
}

/* ------------------------------------------------------------ reading */

int rp_records_open(struct rp_records_reader *r, const char *path, char *why,
                    size_t cap)
{
    memset(r, 0, sizeof *r);
    struct bytes *in = rp_xcalloc(1, sizeof *in);
    struct stat st;
    int rc = -1;
    r->f = fopen(path, "rb");
    if (!r->f || fstat(fileno(r->f), &st)) {
        snprintf(why, cap, "cannot read %s: %s", path, strerror(errno));
        goto out;
    }
    size_t got = fread(in->b, 1, 16, r->f);
    uint64_t size = get_le(in->b + 12, 4);
    if (got != 16 || memcmp(in->b, MAGIC, 8)) {
        snprintf(why, cap, "%s is not a ripple records file", path);
        goto out;
    }
    if (get_le(in->b + 8, 4) != FORMAT || size > sizeof in->b || size < 16
        || fread(in->b + 16, 1, size - 16, r->f) != size - 16) {
        snprintf(why, cap, "%s: records format %u, or a header cut short; "
                 "this ripple reads format %d", path,
                 (unsigned)get_le(in->b + 8, 4), FORMAT);
        goto out;
    }
    in->len = 16;
    decode(in, &r->h);
    if (in->bad || in->len > size) {
        snprintf(why, cap, "%s: a records header that does not parse", path);
        goto out;
    }
    r->nv = r->h.nvalues;
    r->ns = r->h.nseries;
    size_t rs = record_size(r->nv, r->ns);
    r->nrecords = ((int64_t)st.st_size - (int64_t)size) / (int64_t)rs;
    r->buf = rp_xmalloc(rs);
    rc = 0;
out:
    free(in);
    if (rc)
        rp_records_close_reader(r);
    return rc;
}

int rp_records_read(struct rp_records_reader *r, long *rep, uint64_t *events,
                    double *values, double *series)
{
    size_t rs = record_size(r->nv, r->ns);
    if (r->next >= r->nrecords || fread(r->buf, 1, rs, r->f) != rs)
        return 0;
    *rep = (long)get_le(r->buf, 8);
    *events = get_le(r->buf + 8, 8);
    for (size_t k = 0; k < r->nv; k++)
        values[k] = bitsd(get_le(r->buf + 16 + 8 * k, 8));
    for (size_t k = 0; k < r->ns; k++)
        series[k] = bitsd(get_le(r->buf + 16 + 8 * (r->nv + k), 8));
    r->next++;
    return 1;
}

void rp_records_close_reader(struct rp_records_reader *r)
{
    if (r->f)
        fclose(r->f);
    free(r->buf);
    r->f = NULL;
    r->buf = NULL;
}
