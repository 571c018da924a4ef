/*
 * csvread.c - the RFC 4180 reader of csvread.h.
 *
 * One state machine over characters: outside a field's quotes a comma ends
 * the field and a line break the row; inside them only a quote matters,
 * and a doubled one stands for itself. getc is fast enough here: the
 * report reads each file once.
 */
#include "ripple/csvread.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/diag.h"

void rp_csv_reader_init(struct rp_csv_reader *r, FILE *f)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->next_line = 1;
}

void rp_csv_reader_release(struct rp_csv_reader *r)
{
    free(r->buf);
    free(r->start);
    memset(r, 0, sizeof *r);
}

static void put(struct rp_csv_reader *r, char c)
{
    if (r->len == r->cap)
        r->buf = rp_xrealloc(r->buf, (r->cap = r->cap ? 2 * r->cap : 256));
    r->buf[r->len++] = c;
}

static void begin_field(struct rp_csv_reader *r)
{
    if (r->nfields == r->fcap)
        r->start = rp_xrealloc(r->start, (r->fcap = r->fcap ? 2 * r->fcap : 16)
                                             * sizeof *r->start);
    r->start[r->nfields++] = r->len;
}

/* Reads one quoted field's body after its opening quote; -1 if malformed. */
static int quoted(struct rp_csv_reader *r, int *after)
{
    for (;;) {
        int c = getc(r->f);
        if (c == EOF)
            return -1;                  /* the quote never closed */
        if (c == '\n')
            r->next_line++;
        if (c != '"') {
            put(r, (char)c);
            continue;
        }
        c = getc(r->f);
        if (c == '"') {
            put(r, '"');
            continue;
        }
        if (c == '\r')
            c = getc(r->f);
        if (c != ',' && c != '\n' && c != EOF)
            return -1;                  /* text after the closing quote */
        *after = c;
        return 0;
    }
}

int rp_csv_reader_next(struct rp_csv_reader *r)
{
    int c;
    for (;;) {                          /* skip empty lines */
        c = getc(r->f);
        if (c == '\r')
            c = getc(r->f);
        if (c != '\n')
            break;
        r->next_line++;
    }
    if (c == EOF)
        return 0;
    r->len = 0;
    r->nfields = 0;
    r->line = r->next_line;
    begin_field(r);
    for (;;) {
        if (c == '"' && r->len == r->start[r->nfields - 1]) {
            if (quoted(r, &c))
                return -1;
        } else {
            while (c != ',' && c != '\n' && c != EOF) {
                if (c != '\r')
                    put(r, (char)c);
                c = getc(r->f);
            }
        }
        put(r, '\0');
        if (c != ',')
            break;
        begin_field(r);
        c = getc(r->f);
    }
    if (c == '\n')
        r->next_line++;
    return 1;
}

const char *rp_csv_reader_field(const struct rp_csv_reader *r, size_t i)
{
    return i < r->nfields ? r->buf + r->start[i] : "";
}

/* ----------------------------------------------------------------- tables */

static void table_add(struct rp_csv_table *t, const struct rp_csv_reader *r)
{
    if (t->nrows + 2 > t->rcap)
        t->row = rp_xrealloc(t->row, (t->rcap = 2 * t->rcap + 16)
                                         * sizeof *t->row);
    t->row[t->nrows++] = t->nf;
    for (size_t i = 0; i < r->nfields; i++) {
        const char *s = rp_csv_reader_field(r, i);
        size_t n = strlen(s) + 1;
        while (t->len + n > t->cap)
            t->text = rp_xrealloc(t->text, (t->cap = 2 * t->cap + 4096));
        memcpy(t->text + t->len, s, n);
        if (t->nf == t->fcap)
            t->field = rp_xrealloc(t->field, (t->fcap = 2 * t->fcap + 64)
                                                 * sizeof *t->field);
        t->field[t->nf++] = t->len;
        t->len += n;
    }
    t->row[t->nrows] = t->nf;
}

int rp_csv_table_read(struct rp_csv_table *t, const char *path)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct rp_csv_reader r;
    int rc;
    rp_csv_reader_init(&r, f);
    while ((rc = rp_csv_reader_next(&r)) == 1)
        table_add(t, &r);
    rp_csv_reader_release(&r);
    fclose(f);
    if (rc < 0 || t->nrows == 0) {
        rp_csv_table_release(t);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

void rp_csv_table_release(struct rp_csv_table *t)
{
    free(t->text);
    free(t->field);
    free(t->row);
    memset(t, 0, sizeof *t);
}

int rp_csv_col(const struct rp_csv_table *t, const char *name)
{
    if (!t->nrows)
        return -1;
    for (size_t i = t->row[0]; i < t->row[1]; i++)
        if (!strcmp(t->text + t->field[i], name))
            return (int)(i - t->row[0]);
    return -1;
}

const char *rp_csv_get(const struct rp_csv_table *t, size_t r, int col)
{
    if (col < 0 || r >= t->nrows || t->row[r] + (size_t)col >= t->row[r + 1])
        return "";
    return t->text + t->field[t->row[r] + (size_t)col];
}

double rp_csv_number(const char *s)
{
    char *end;
    if (!s || !*s)
        return NAN;
    double x = strtod(s, &end);
    return *end ? NAN : x;
}
