/*
 * csvread.h - reading ripple's CSV files back: one reader for all of them.
 *
 * RFC 4180 as rp_csv_field writes it: fields separated by commas, rows by
 * LF or CRLF; a field in double quotes may hold commas, line breaks and
 * doubled quotes (""). The reader streams row by row from a FILE, reusing
 * its buffers, so a replications.csv of millions of rows costs one row of
 * memory; rp_csv_table keeps a small file whole, with its header.
 *
 * Malformed input (a quote left open at the end of the file, text after a
 * closing quote) stops the reader with -1 and the line it is on, so a cut
 * file is never read as a shorter valid one.
 */
#ifndef RIPPLE_CSVREAD_H
#define RIPPLE_CSVREAD_H

#include <stddef.h>
#include <stdio.h>

struct rp_csv_reader {
    FILE *f;                    /* borrowed */
    char *buf;                  /* the row's fields, each NUL-terminated */
    size_t len, cap;
    size_t *start;              /* start[i]: offset of field i in buf */
    size_t nfields, fcap;
    long line;                  /* line (from 1) where the row began */
    long next_line;             /* line the next row begins on */
};

void rp_csv_reader_init(struct rp_csv_reader *r, FILE *f);
void rp_csv_reader_release(struct rp_csv_reader *r);

/*
 * Reads the next row: 1 when there is one (r->nfields fields, at least
 * one), 0 at the end of the file, -1 when the row is malformed (r->line
 * says where). Empty lines are skipped.
 */
int rp_csv_reader_next(struct rp_csv_reader *r);

/* Field i of the current row ("" beyond its last field). */
const char *rp_csv_reader_field(const struct rp_csv_reader *r, size_t i);

/* A whole small file: row 0 is the header. */
struct rp_csv_table {
    char *text;                 /* every field, NUL-terminated, in order */
    size_t len, cap;
    size_t *field;              /* offsets into text */
    size_t nf, fcap;
    size_t *row;                /* row r is field[row[r] .. row[r + 1]) */
    size_t nrows, rcap;
};

/*
 * Reads path into t. Returns 0; -1 when it cannot be opened (errno set),
 * is malformed, or holds no header row. On -1 t is empty and still safe
 * to release.
 */
int rp_csv_table_read(struct rp_csv_table *t, const char *path);
void rp_csv_table_release(struct rp_csv_table *t);

/* The column named name in the header, or -1. */
int rp_csv_col(const struct rp_csv_table *t, const char *name);

/* Field col of row r; "" when col is -1 or beyond the row. */
const char *rp_csv_get(const struct rp_csv_table *t, size_t r, int col);

/*
 * A field as a number: strtod's reading ("inf" is infinity), NaN when
 * empty or not wholly a number.
 */
double rp_csv_number(const char *s);

#endif
