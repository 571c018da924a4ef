#define _POSIX_C_SOURCE 200809L
/*
 * plot.c - DIR/report.html: one page from a run's files (plot_impl.h).
 *
 * The page is made only from what `ripple run --out DIR` (or compare and
 * sweep --out) left in DIR, so it can be remade at any time without the
 * scenario: summary.json, provenance.json, replications.csv, series.csv,
 * events.csv, groups.csv and, when present, compare.csv and sweep.csv. Any
 * of them may be missing; the page shows what there is.
 *
 * Plots are drawn by gnuplot, run as a separate program (no library to link
 * and keep in step): report.gp is written with the data inline, `gnuplot
 * report.gp` runs in DIR and writes NAME.svg.tmp per figure; when it
 * succeeds the figures are inlined into the page and the .tmp files
 * removed, so report.html stands alone and a failed or killed gnuplot
 * leaves no half-drawn figure. report.gp stays in DIR for anyone who wants
 * to restyle the figures. Without gnuplot on PATH the page has the tables
 * only, and stderr says so. report.html is written atomically (rp_atomic_*).
 */
#include "plot_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ripple/compare.h"
#include "ripple/report.h"

/* ------------------------------------------------------------ run gnuplot */

/* Is prog an executable file in some directory of PATH? */
static bool on_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        return false;
    char *copy = rp_xstrdup(path), *save = NULL;
    bool found = false;
    for (char *d = strtok_r(copy, ":", &save); d && !found;
         d = strtok_r(NULL, ":", &save)) {
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", *d ? d : ".", prog);
        found = access(full, X_OK) == 0;
    }
    free(copy);
    return found;
}

/*
 * Runs `gnuplot report.gp` in dir with its messages in dir/report.log.
 * Returns gnuplot's exit status, or -1 when it could not be started.
 */
static int run_gnuplot(const char *dir)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (chdir(dir) || !freopen("report.log", "w", stderr)
            || !freopen("/dev/null", "w", stdout))
            _exit(126);
        execlp("gnuplot", "gnuplot", "report.gp", (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return -1;
}


/* Writes DIR/report.gp; 0 or -1. */
static int write_script(struct report *r)
{
    char path[4096];
    struct rp_atomic a;
    snprintf(path, sizeof path, "%s/report.gp", r->dir);
    if (rp_atomic_open(&a, path))
        return -1;
    fputs("# report.gp - written by ripple report; run `gnuplot report.gp` in "
          "this directory.\n# Each figure goes to NAME.svg.tmp; ripple inlines "
          "them into report.html.\n", a.f);
    plot_script(r, a.f);
    return rp_atomic_commit(&a);
}

/* The figures' temporary files, gone. */
static void remove_figures(const struct report *r)
{
    for (size_t i = 0; i < r->nsvgs; i++) {
        char tmp[4096 + 8];
        snprintf(tmp, sizeof tmp, "%s/%s.tmp", r->dir, r->svgs[i]);
        remove(tmp);
    }
}

/* Draws the figures into DIR/NAME.tmp; true when gnuplot succeeded. */
static bool draw(struct report *r, const char **why)
{
    if (!on_path("gnuplot")) {
        *why = "gnuplot was not found on PATH";
        fprintf(stderr, "ripple: gnuplot not found on PATH: %s/report.html "
                "has tables but no plots\n", r->dir);
        return false;
    }
    if (write_script(r)) {
        *why = "the gnuplot script could not be written";
        fprintf(stderr, "ripple: cannot write %s/report.gp: %s\n", r->dir,
                strerror(errno));
        return false;
    }
    int st = run_gnuplot(r->dir);
    char log[4096];
    snprintf(log, sizeof log, "%s/report.log", r->dir);
    if (st == 0) {
        remove(log);
        return true;
    }
    remove_figures(r);
    *why = "gnuplot failed";
    fprintf(stderr, "ripple: gnuplot failed (status %d); see %s and %s/"
            "report.gp\n", st, log, r->dir);
    return false;
}

int rp_plot_report(const char *dir)
{
    struct report r = { .dir = dir };
    struct rp_atomic a;
    char path[4096];
    const char *why = "";
    int rc = -1;

    if (!plot_load(&r)) {
        fprintf(stderr, "ripple: %s holds no results (summary.json, "
                "replications.csv, compare.csv or sweep.csv); run `ripple "
                "run FILE --out %s` first\n", dir, dir);
        goto out;
    }
    bool drawn = draw(&r, &why);
    snprintf(path, sizeof path, "%s/report.html", dir);
    if (rp_atomic_open(&a, path)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
        goto out_figures;
    }
    plot_html(a.f, &r, drawn, why);
    if (rp_atomic_commit(&a)) {
        fprintf(stderr, "ripple: cannot write %s: %s\n", path, strerror(errno));
        goto out_figures;
    }
    /* no gnuplot is a documented way to run; a failing one is an error */
    rc = drawn || !strcmp(why, "gnuplot was not found on PATH") ? 0 : -1;
out_figures:
    remove_figures(&r);
out:
    plot_release(&r);
    return rc;
}
