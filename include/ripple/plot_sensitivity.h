/*
 * plot_sensitivity.h - tornado plots of a sensitivity run.
 *
 * rp_plot_sensitivity(DIR) reads DIR/sensitivity.json (what `ripple
 * sensitivity --out DIR` writes) through the project's YAML tree, a real
 * JSON parser, and writes DIR/sensitivity.html: per report group and
 * product, for each of its shortfall and cost metrics that varies over the
 * design, a tornado plot of the inputs ranked by their total index ST
 * (bars ST and S1 with their intervals; Morris: mu* and sigma), largest at
 * the top, at most RP_TORNADO_INPUTS of them, and the same figures as a
 * table. The figures are drawn by gnuplot from DIR/sensitivity.gp, each
 * SVG inlined in the page; gnuplot draws into NAME.tmp and a figure
 * counts only when it succeeded. Without gnuplot the page has the tables
 * only and stderr says so.
 *
 * Returns 0, or -1 (and says why on stderr) when DIR has no readable
 * sensitivity.json or a file cannot be written.
 */
#ifndef RIPPLE_PLOT_SENSITIVITY_H
#define RIPPLE_PLOT_SENSITIVITY_H

#define RP_TORNADO_INPUTS 12            /* bars of one figure, the rest summed up in its note */

int rp_plot_sensitivity(const char *dir);

#endif
