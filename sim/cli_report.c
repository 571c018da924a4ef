/*
 * cli_report.c - `ripple report DIR`: an HTML page from a run's files.
 */
#include "cli.h"
#include "ripple/compare.h"

static int report_main(const struct cli_args *a)
{
    return rp_plot_report(a->pos[0]) ? 1 : 0;
}

static const enum cli_opt report_opts[] = { CLI_O_END };

const struct cli_verb cli_verb_report = {
    .name = "report",
    .synopsis = "DIR",
    .summary = "write DIR/report.html with plots from a run's --out DIR",
    .description = "Reads the files a run, compare or sweep wrote with "
                   "--out DIR and writes DIR/report.html, with SVG plots "
                   "drawn by gnuplot (tables only when gnuplot is missing).",
    .options = report_opts,
    .min_pos = 1,
    .max_pos = 1,
    .pos_what = "one output directory",
    .main = report_main,
};
