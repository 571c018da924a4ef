/*
 * main.c - the ripple command: finds the verb and hands it its arguments.
 *
 * Each verb lives in sim/cli_<verb>.c (see cli.h for how to add one);
 * this file only knows the table below. `ripple --help` lists the verbs,
 * `ripple help VERB` and `ripple VERB --help` describe one.
 */
#define _POSIX_C_SOURCE 200809L

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "batch_mpi.h"
#include "cli.h"

static const struct cli_verb *const verbs[] = {
    &cli_verb_run,
    &cli_verb_validate,
    &cli_verb_compare,
    &cli_verb_sweep,
    &cli_verb_report,
    &cli_verb_sensitivity,
    &cli_verb_merge,
};
#define NVERBS (sizeof verbs / sizeof *verbs)

static const struct cli_verb *find_verb(const char *name)
{
    for (size_t i = 0; i < NVERBS; i++)
        if (!strcmp(verbs[i]->name, name))
            return verbs[i];
    return NULL;
}

static void global_help(FILE *out)
{
    fputs("usage: ripple COMMAND [options]\n"
          "\n"
          "Discrete-event Monte Carlo simulation of supply-chain disruptions.\n"
          "\n"
          "commands:\n", out);
    for (size_t i = 0; i < NVERBS; i++) {
        int n = fprintf(out, "  %s %s", verbs[i]->name, verbs[i]->synopsis);
        if (n > 30)
            fprintf(out, "\n%32s", "");
        else
            fprintf(out, "%*s", 32 - n, "");
        cli_wrap(out, verbs[i]->summary, 32, 32);
    }
    fputs("\n'ripple help COMMAND' or 'ripple COMMAND --help' lists a command's "
          "options.\n"
          "Bad input is reported as file:line:col: message, with exit status "
          "2.\n", out);
}

/* `ripple help [COMMAND]`. */
static int help(int argc, char **argv)
{
    if (argc == 2) {
        global_help(stdout);
        return 0;
    }
    const struct cli_verb *v = find_verb(argv[2]);
    if (!v)
        return cli_usage_error(NULL, "help: unknown command '%s'", argv[2]);
    if (argc > 3)
        return cli_usage_error(NULL, "help: unexpected argument '%s'", argv[3]);
    cli_verb_help(v, stdout);
    return 0;
}

static int dispatch(int argc, char **argv, const struct rp_batch_ranks *rk)
{
    if (argc < 2) {
        global_help(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
        global_help(stdout);
        return argc == 2 ? 0 : cli_usage_error(NULL, "%s: unexpected argument "
                                               "'%s'", cmd, argv[2]);
    }
    if (!strcmp(cmd, "--version")) {
        cli_print_version(stdout);
        return 0;
    }
    if (!strcmp(cmd, "help"))
        return help(argc, argv);
    if (cmd[0] == '-')
        return cli_usage_error(NULL, "%s: options go after the command, as in "
                               "'ripple run FILE %s'", cmd, cmd);

    const struct cli_verb *v = find_verb(cmd);
    if (!v)
        return cli_usage_error(NULL, "unknown command '%s'", cmd);
    struct cli_args a;
    int rc = cli_parse(&a, v, argc - 1, argv + 1);
    a.ranks = rk;
    if (rc == 0)
        rc = v->main(&a);
    else if (rc < 0)
        rc = 0;                         /* --help or --version */
    cli_args_release(&a);
    return rc;
}

/*
 * Under mpiexec every rank runs the same command; rank 0 alone speaks and
 * writes (the others' stdout and stderr go to /dev/null: they load the
 * same input and would say the same).
 */
int main(int argc, char **argv)
{
    gsl_set_error_handler_off();        /* we check GSL status codes ourselves */
    struct rp_batch_ranks ranks;
    const struct rp_batch_ranks *rk = rp_batch_mpi_init(&ranks, &argc, &argv);
    if (rk && rk->rank != 0
        && (!freopen("/dev/null", "w", stdout)
            || !freopen("/dev/null", "w", stderr)))
        return 1;
    int rc = dispatch(argc, argv, rk);
    fflush(stdout);
    rp_batch_mpi_finalize();
    return rc;
}
