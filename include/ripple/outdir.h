/*
 * outdir.h - an output directory that is replaced whole or not at all.
 *
 * A run never writes into its output directory DIR. rp_outdir_begin()
 * locks DIR (flock on DIR.lock beside it, so a second run into the same
 * place is refused while the first lives), removes what dead runs left
 * (DIR.tmp-PID and DIR.old-PID whose PID is not running), and creates a
 * fresh DIR.tmp-PID where the run writes its files. rp_outdir_commit()
 * then swaps it in: an existing DIR is renamed to DIR.old-PID, DIR.tmp-PID
 * is renamed to DIR, and the old one is removed. A reader therefore sees
 * the previous results, or the new ones complete, never a mixture; a run
 * that dies (signal, full disk) leaves DIR as it was. rp_outdir_abort()
 * removes the temporary directory.
 *
 * An existing DIR is replaced only when it holds nothing but what ripple
 * writes (files named *.json, *.csv, *.html, *.svg, *.gp, *.log, *.h5,
 * *.bin, and hidden temporaries): `--out ~` must never delete a home
 * directory. rp_outdir_begin refuses any other DIR up front.
 *
 * Cost: begin reads DIR's parent once (to find stale temporaries) and DIR
 * once; commit is two renames and the removal of the old files.
 */
#ifndef RIPPLE_OUTDIR_H
#define RIPPLE_OUTDIR_H

#include <stdbool.h>

#define RP_OUTDIR_PATH 4096

enum rp_outdir_status {
    RP_OUTDIR_OK = 0,
    RP_OUTDIR_IO = -1,              /* could not create, lock or rename: exit 1 */
    RP_OUTDIR_BUSY = -2,            /* another live run holds the lock: exit 1 */
    RP_OUTDIR_FOREIGN = -3,         /* DIR holds files ripple did not write: exit 2 */
    RP_OUTDIR_NONE = -4,            /* resume: no stopped run beside DIR: exit 2 */
};

struct rp_outdir {
    char dir[RP_OUTDIR_PATH];       /* DIR as given, trailing slashes dropped */
    char tmp[RP_OUTDIR_PATH + 32];  /* DIR.tmp-PID: write the files here */
    char lock[RP_OUTDIR_PATH + 8];  /* DIR.lock */
    char why[RP_OUTDIR_PATH * 2 + 128]; /* what went wrong, for the caller to say */
    int lock_fd;                    /* -1 when not held */
    int stale_removed;              /* temporaries of dead runs removed by begin */
    bool replaced;                  /* commit replaced an existing DIR */
    char resumed[RP_OUTDIR_PATH * 2]; /* resume: the DIR.tmp-PID taken over, else "" */
};

/*
 * Locks dir, cleans stale temporaries and creates o->tmp. On failure
 * returns a negative rp_outdir_status with o->why set, holds nothing and
 * has created nothing but, at most, the lock file it removed again.
 */
int rp_outdir_begin(struct rp_outdir *o, const char *dir);

/*
 * As rp_outdir_begin, for a run that continues one that was stopped or
 * killed: the newest DIR.tmp-PID of a dead run that holds a file named
 * keep (records.bin) becomes o->tmp (renamed; o->resumed says which it
 * was), and only the other stale temporaries are removed. RP_OUTDIR_NONE
 * when there is none.
 */
int rp_outdir_resume(struct rp_outdir *o, const char *dir, const char *keep);

/*
 * Leaves o->tmp in place, for --resume, and releases the lock (a stopped
 * run that has finished replications worth keeping).
 */
void rp_outdir_keep(struct rp_outdir *o);

/*
 * Syncs o->tmp and swaps it in for o->dir; releases the lock. Returns 0,
 * or RP_OUTDIR_IO with o->why set, the previous DIR restored and the
 * temporary directory removed.
 */
int rp_outdir_commit(struct rp_outdir *o);

/* Removes o->tmp and all in it; releases the lock. Safe after a failed commit. */
void rp_outdir_abort(struct rp_outdir *o);

#endif
