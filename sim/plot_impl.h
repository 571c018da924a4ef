/*
 * plot_impl.h - what the report page's modules share (private to sim/).
 *
 * report.html is made in three stages, one file each:
 *   plot_data.c  reads DIR: summary.json and provenance.json through the
 *                YAML tree (a real parser: a 20-digit seed stays exact),
 *                the CSV files through csvread.h;
 *   plot_gp.c    writes report.gp, the gnuplot script of every figure;
 *   plot_html.c  writes the page, the figures gnuplot drew inlined;
 * and plot.c runs them (rp_plot_report). Nothing here knows a group id:
 * the groups are the run's own (groups.csv), the lead first.
 */
#ifndef RIPPLE_PLOT_IMPL_H
#define RIPPLE_PLOT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ripple/csvread.h"
#include "ripple/stats.h"
#include "ripple/yamltree.h"

#define HIST_BINS 20

/* The values of one "scope,id,key,metric" over replications. */
struct vec {
    char *key;
    double *x;
    size_t n, cap;
};

struct vecs {
    struct vec *v;
    size_t n, cap;
    size_t *tab;                /* open addressing: index + 1, 0 = empty */
    size_t tabcap;              /* a power of two, at least twice n */
};

/* A report group from groups.csv; strings borrowed from the table. */
struct group {
    const char *id;
    const char *product;
    const char *unit;
    const char **nodes;         /* ids */
    const char **names;         /* the nodes' names (the id when none) */
    size_t nnodes;
};

/* A parsed JSON file of DIR: its tree and root (NULL when absent). */
struct jdoc {
    struct rp_ytree tree;
    const struct rp_ynode *root;
};

struct report {
    const char *dir;
    struct jdoc summary, prov;
    const char *name;           /* the scenario's name, or NULL */
    const char *variant;
    const char *lead;           /* the group the page opens with */
    const char *seed;           /* as written: all 20 digits */
    double horizon;
    double confidence;
    double reps;
    struct rp_csv_table series, events, groups_csv, compare, sweep;
    bool have_series, have_events, have_groups, have_compare, have_sweep;
    struct vecs reps_v;
    bool have_reps;
    struct group *groups;       /* the lead group first */
    size_t ngroups;
    char **svgs;                /* figures the script draws, names in DIR */
    size_t nsvgs;
    int ndata;                  /* inline data blocks so far */
};

/* One row of compare.csv or sweep.csv for the diff plots and tables. */
struct diffrow {
    char label[256];            /* the variant, or the point's values */
    double mean, lo, hi, dmean, dlo, dhi, better, unpaired;
    bool paired;
};

/* ---- plot_data.c */

/* Reads everything DIR holds into r (r->dir set); false when it holds no results. */
bool plot_load(struct report *r);
void plot_release(struct report *r);

double plot_csv_num(const struct rp_csv_table *c, size_t r, int col);
const struct vec *plot_vec(const struct report *r, const char *scope,
                           const char *id, const char *key, const char *metric);
/* Mean, interval and quantiles of v's finite values; false when none. */
bool plot_summarize(const struct vec *v, double confidence,
                    struct rp_summary *s);
/*
 * For each row i >= 1 of r->events, the first row whose event gives g's
 * members the very same tts and ttr in every replication (i itself when
 * none before does): events that start together share one figure. The
 * caller frees the array (rows + 1 entries).
 */
size_t *plot_event_leaders(const struct report *r, const struct group *g);
const struct group *plot_group(const struct report *r, const char *id);
const struct group *plot_lead(const struct report *r);
const char *plot_unit(const struct group *g);
/* The name of node id in r's groups, or id itself. */
const char *plot_node_name(const struct report *r, const char *id);
/* A group id made readable: "cell_makers" -> "cell makers". */
void plot_group_title(char *buf, size_t cap, const char *id);
/* Ids in first-seen order of column col of c, rows after the header; caller frees. */
size_t plot_distinct(const struct rp_csv_table *c, int col, const char ***out);
/* The rows of c for group gid and metric, labelled by arm; caller frees. */
size_t plot_diff_rows(const struct rp_csv_table *c, bool sweep, const char *gid,
                      const char *metric, struct diffrow **out);
/* The swept paths, from sweep.csv's header. */
void plot_sweep_paths(const struct rp_csv_table *c, char *buf, size_t cap);
int plot_by_diff(const void *a, const void *b);
/* JSON helpers on the parsed trees: a member's text, or NULL / NaN. */
const char *plot_jstr(const struct rp_ynode *map, const char *key);
double plot_jnum(const struct rp_ynode *map, const char *key);

/* ---- plot_gp.c */

/* A file name from an id: prefix, then letters, digits, - and _ only, ".svg". */
void plot_safe_name(char *buf, size_t cap, const char *prefix, const char *id);
/* Writes every figure of r into gp, naming each in r->svgs. */
void plot_script(struct report *r, FILE *gp);

/* ---- plot_html.c */

/* The page; figures drawn (named in r->svgs) are read from DIR/NAME.tmp and inlined. */
void plot_html(FILE *out, struct report *r, bool drawn, const char *why_not);

#endif
