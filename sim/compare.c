/* placeholder until the compare module lands */
#include "ripple/compare.h"
#include <stdio.h>
int rp_compare_main(const struct rp_compare_opts *o)
{
    (void)o;
    fprintf(stderr, "ripple: compare is not built yet\n");
    return 1;
}
int rp_plot_report(const char *dir)
{
    (void)dir;
    fprintf(stderr, "ripple: report is not built yet\n");
    return -1;
}
