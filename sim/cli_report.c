#define _POSIX_C_SOURCE 200809L
/*
 * cli_report.c - `ripple report DIR`: an HTML page from a run's files.
 *
 * The page is drawn from DIR/summary.json among others, so that file is
 * read with a real parser first: a truncated file (a copy cut short) or a
 * foreign one (any other JSON) is refused with exit 2 instead of drawing a
 * page of zeros.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ripple/compare.h"
#include "ripple/plot_sensitivity.h"
#include "ripple/yamltree.h"

/* The whole of path, NUL-terminated, or NULL with errno set. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (n + 1 == cap) {
            char *more = realloc(buf, cap *= 2);
            if (!more)
                free(buf);
            buf = more;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        errno = bad ? EIO : ENOMEM;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* 0 when DIR/summary.json is absent or a whole ripple summary; else 2. */
static int check_summary(const char *dir)
{
    char path[4200];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/summary.json", dir);
    char *text = read_all(path, &len);
    if (!text) {
        if (errno == ENOENT)
            return 0;                   /* compare and sweep pages need none */
        fprintf(stderr, "ripple: cannot read %s: %s\n", path, strerror(errno));
        return 2;
    }
    struct rp_ytree t;
    struct rp_diag diag;
    rp_ytree_init(&t);
    rp_diag_init(&diag);
    const struct rp_ynode *root = rp_ytree_parse(&t, text, len, path, &diag);
    const struct rp_ynode *tag = root ? rp_ytree_get(root, "ripple") : NULL;
    int rc = 0;
    if (!root || rp_diag_count(&diag)) {
        rp_diag_print(&diag, stderr);
        fprintf(stderr, "ripple: %s is not a whole ripple summary (cut "
                "short?); run again to write it\n", path);
        rc = 2;
    } else if (root->kind != RP_YMAP || !tag || tag->kind != RP_YSCALAR
               || strcmp(tag->text, "1") || !rp_ytree_get(root, "replications")
               || !rp_ytree_get(root, "groups")) {
        fprintf(stderr, "ripple: %s is not a ripple summary (no \"ripple\": 1, "
                "\"replications\" and \"groups\" at its top)\n", path);
        rc = 2;
    }
    rp_diag_release(&diag);
    rp_ytree_release(&t);
    free(text);
    return rc;
}

static int report_main(const struct cli_args *a)
{
    char sens[4200];
    snprintf(sens, sizeof sens, "%s/sensitivity.json", a->pos[0]);
    if (access(sens, F_OK) == 0)        /* ripple sensitivity --out DIR */
        return rp_plot_sensitivity(a->pos[0]) ? 1 : 0;
    int rc = check_summary(a->pos[0]);
    if (rc)
        return rc;
    return rp_plot_report(a->pos[0]) ? 1 : 0;
}

static const enum cli_opt report_opts[] = { CLI_O_END };

const struct cli_verb cli_verb_report = {
    .name = "report",
    .synopsis = "DIR",
    .summary = "write DIR/report.html with plots from a run's --out DIR",
    .description = "Reads the files a run, compare or sweep wrote with "
                   "--out DIR and writes DIR/report.html, with SVG plots "
                   "drawn by gnuplot (tables only when gnuplot is missing); "
                   "from a sensitivity run's DIR, DIR/sensitivity.html with "
                   "its tornado plots. "
                   "A summary.json that is cut short or not ripple's is "
                   "refused with exit status 2.",
    .options = report_opts,
    .min_pos = 1,
    .max_pos = 1,
    .pos_what = "one output directory",
    .main = report_main,
};
