/*
 * report.h - what a batch says, for people (table) and programs (JSON, CSV).
 *
 * Every number is printed with rp_fmt_double (shortest round-trip form), so
 * the same results print the same bytes on every machine and thread count.
 * Files are written atomically: to a temporary name in the same directory,
 * flushed, then renamed, so a killed run never leaves half a file.
 */
#ifndef RIPPLE_REPORT_H
#define RIPPLE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ripple/batch.h"
#include "ripple/provenance.h"

/*
 * One CSV field as RFC 4180 has it: as is, or in double quotes (quotes
 * inside doubled) when it holds a comma, a quote or a line break. Every
 * text field of ripple's CSV files goes through it.
 */
void rp_csv_field(FILE *out, const char *s);

/* JSON scalars: a number in shortest round-trip form (null for NaN/inf), a quoted, escaped string. */
void rp_json_num(FILE *out, double x);
void rp_json_str(FILE *out, const char *s);

/*
 * The summary object of the format page ({"ripple": 1, ...}), no trailing
 * newline. Its "provenance" is rp_provenance_json's object; every metric's
 * summary carries its "unit" (rp_unit_label).
 */
void rp_report_json(FILE *out, const struct rp_batch *b,
                    const struct rp_provenance *prov);

/*
 * As rp_report_json, with members added at the end of the object: extra
 * (may be NULL) is called just before the closing brace and writes each
 * member it adds as ",\n  \"key\": value". compare uses it for "diff".
 */
void rp_report_json_ex(FILE *out, const struct rp_batch *b,
                       const struct rp_provenance *prov,
                       void (*extra)(FILE *out, const void *ctx),
                       const void *ctx);

/*
 * The scenario's disruptions as CSV, for plots that mark them:
 * event,type,start,duration,unit with the means of their distributions in
 * days (duration "inf" for forever; unit "days"). With prov (may be NULL)
 * a first column, run, joins each row to provenance.json; so for the
 * groups and series below.
 */
void rp_report_events_csv(FILE *out, const struct rp_scenario *sc,
                          const struct rp_provenance *prov);

/*
 * The report groups' members as CSV, group,product,unit,node,name (one row per
 * member; product is the group's main product), for plots per maker.
 */
void rp_report_groups_csv(FILE *out, const struct rp_model *m,
                          const struct rp_provenance *prov);

/*
 * The paired comparison of variant v against base (same replications): per
 * group value, "diff": {mean, se, ci, better}. Both batches need keep_values.
 */
void rp_report_json_diff(FILE *out, const struct rp_batch *base,
                         const struct rp_batch *v);

/* A readable summary: report groups (report.lead first), then events. */
void rp_report_table(FILE *out, const struct rp_batch *b);

/*
 * Header of the tidy per-replication CSV, and one replication's rows:
 * run,ARM,rep,scope,id,key,metric,unit,value where ARM is prov->arm_key
 * ("variant", or "point" in a sweep) and run the run id, which joins the
 * rows to provenance.json.
 */
void rp_report_csv_header(FILE *out, const struct rp_provenance *prov);
void rp_report_csv_rows(FILE *out, const struct rp_provenance *prov,
                        const struct rp_model *m, long rep,
                        const double *values);

/*
 * Report groups in the order reports show them: report.lead first, then
 * the others in file order. order has room for sc->nreport_groups; returns
 * how many were written.
 */
size_t rp_report_group_order(const struct rp_scenario *sc, uint32_t *order);

/*
 * Daily quantile bands of the groups' output and shortfall, as CSV:
 * group,product,series,day,unit,mean,p05,p50,p95.
 */
void rp_report_series_csv(FILE *out, const struct rp_batch *b,
                          const struct rp_provenance *prov);

/* A stable name for value i: "nodes.lges.cell.unmet", "groups.g.cell.unmet", "events.e.lges.tts". */
int rp_value_name(const struct rp_model *m, size_t i, char *buf, size_t cap);

/* Index of the value called name in m (as rp_value_name writes it), or SIZE_MAX. */
size_t rp_value_index(const struct rp_model *m, const char *name);

/*
 * Atomic output file: rp_atomic_open() opens a temporary file beside path;
 * rp_atomic_commit() flushes, syncs and renames it into place (0 on
 * success); rp_atomic_abort() removes it.
 */
struct rp_atomic {
    FILE *f;
    char path[4096];
    char tmp[4096 + 64];        /* path plus ".tmp.<pid>" */
};
int rp_atomic_open(struct rp_atomic *a, const char *path);

/* Creates DIR unless it exists; says why on stderr and returns -1 if it cannot. */
int rp_make_dir(const char *dir);

/*
 * The files of one run in DIR, each atomically: summary.json,
 * provenance.json, series.csv (when the model has series), events.csv and
 * groups.csv. replications.csv
 * is the caller's: a run streams it, a comparison writes it from kept
 * values. Returns -1 if any failed (each failure said on stderr).
 */
int rp_report_write_run(const char *dir, const struct rp_batch *b,
                        const struct rp_provenance *prov);

/* As rp_report_write_run without provenance.json: compare writes its own. */
int rp_report_write_files(const char *dir, const struct rp_batch *b,
                          const struct rp_provenance *prov);

/*
 * Writes DIR/NAME atomically with fn(file, ctx); on failure says why on
 * stderr ("ripple: cannot write PATH: reason") and returns -1.
 */
int rp_write_file(const char *dir, const char *name,
                  void (*fn)(FILE *, const void *), const void *ctx);
int rp_atomic_commit(struct rp_atomic *a);
void rp_atomic_abort(struct rp_atomic *a);

#endif
