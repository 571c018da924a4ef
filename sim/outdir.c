#define _XOPEN_SOURCE 700               /* nftw */
/*
 * outdir.c - output directories replaced whole: a lock, a temporary
 * directory beside the final one, and two renames.
 *
 * Why a directory and not per-file renames: a run that died of a full disk
 * after renaming replications.csv left a new replications.csv beside an
 * old summary.json. Renaming the whole directory makes the set of files
 * the unit that is there or not.
 *
 * Why the lock file is removed at the end: a lock file left behind is
 * litter beside every output. Removing it is safe because a run that
 * locked it checks, after flock(), that the path still names the file it
 * locked (same device and inode) and starts over if not; the holder
 * unlinks before it unlocks.
 */
#include "ripple/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define LOCK_TRIES 16                   /* the lock file was replaced under us */

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes path and everything under it (not following links); 0 or -1. */
static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st))
        return errno == ENOENT ? 0 : -1;
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A name ripple writes into an output directory. */
static bool ripple_file(const char *name)
{
    static const char *const ext[] = { ".json", ".csv", ".html", ".svg",
                                       ".gp", ".log", ".h5", ".bin" };
    if (name[0] == '.')                 /* atomic temporaries: .NAME.tmp.PID */
        return true;
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof ext / sizeof *ext; i++)
        if (!strcmp(dot, ext[i]))
            return true;
    return false;
}

/* Splits o->dir into its parent directory and its last component. */
static void split(const char *dir, char *parent, size_t cap, const char **base)
{
    const char *slash = strrchr(dir, '/');
    if (!slash) {
        snprintf(parent, cap, ".");
        *base = dir;
    } else if (slash == dir) {
        snprintf(parent, cap, "/");
        *base = slash + 1;
    } else {
        snprintf(parent, cap, "%.*s", (int)(slash - dir), dir);
        *base = slash + 1;
    }
}

static void release_lock(struct rp_outdir *o)
{
    if (o->lock_fd < 0)
        return;
    unlink(o->lock);                    /* before unlocking: see the top */
    close(o->lock_fd);
    o->lock_fd = -1;
}

static int take_lock(struct rp_outdir *o)
{
    for (int tries = 0; tries < LOCK_TRIES; tries++) {
        int fd = open(o->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            snprintf(o->why, sizeof o->why, "cannot create the lock %s: %s",
                     o->lock, strerror(errno));
            return RP_OUTDIR_IO;
        }
        if (flock(fd, LOCK_EX | LOCK_NB)) {
            int saved = errno;
            char pid[32] = "";
            ssize_t n = read(fd, pid, sizeof pid - 1);
            pid[n > 0 ? n : 0] = '\0';
            pid[strcspn(pid, "\n")] = '\0';
            close(fd);
            if (saved == EWOULDBLOCK) {
                snprintf(o->why, sizeof o->why, "%s is being written by "
                         "another ripple run (pid %s, lock %s); wait for it "
                         "or choose another --out", o->dir,
                         *pid ? pid : "?", o->lock);
                return RP_OUTDIR_BUSY;
            }
            snprintf(o->why, sizeof o->why, "cannot lock %s: %s", o->lock,
                     strerror(saved));
            return RP_OUTDIR_IO;
        }
        struct stat held, named;
        if (fstat(fd, &held) == 0 && stat(o->lock, &named) == 0
            && held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) == 0 && write(fd, pid, (size_t)n) == n)
                o->lock_fd = fd;
            if (o->lock_fd >= 0)
                return RP_OUTDIR_OK;
            snprintf(o->why, sizeof o->why, "cannot write the lock %s: %s",
                     o->lock, strerror(errno));
            o->lock_fd = fd;
            release_lock(o);
            return RP_OUTDIR_IO;
        }
        close(fd);                      /* unlinked by its last holder: again */
    }
    snprintf(o->why, sizeof o->why, "cannot lock %s: it keeps being replaced",
             o->lock);
    return RP_OUTDIR_IO;
}

/* An existing DIR may be replaced only if ripple could have written it. */
static int check_replaceable(struct rp_outdir *o)
{
    struct stat st;
    if (lstat(o->dir, &st))
        return errno == ENOENT ? RP_OUTDIR_OK : RP_OUTDIR_IO;
    if (!S_ISDIR(st.st_mode)) {
        snprintf(o->why, sizeof o->why, "--out: %s exists and is not a "
                 "directory", o->dir);
        return RP_OUTDIR_FOREIGN;
    }
    DIR *d = opendir(o->dir);
    if (!d) {
        snprintf(o->why, sizeof o->why, "cannot read %s: %s", o->dir,
                 strerror(errno));
        return RP_OUTDIR_IO;
    }
    int rc = RP_OUTDIR_OK;
    for (struct dirent *e; rc == RP_OUTDIR_OK && (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[RP_OUTDIR_PATH * 2];
        snprintf(path, sizeof path, "%s/%s", o->dir, e->d_name);
        if (ripple_file(e->d_name) && lstat(path, &st) == 0
            && S_ISREG(st.st_mode))
            continue;
        snprintf(o->why, sizeof o->why, "--out: %s holds '%s', which ripple "
                 "did not write; ripple replaces an output directory whole, "
                 "so choose a new one or empty it", o->dir, e->d_name);
        rc = RP_OUTDIR_FOREIGN;
    }
    closedir(d);
    return rc;
}

/* Is name BASE.tmp-PID or BASE.old-PID of a process that is gone? */
static bool stale(const char *name, const char *base)
{
    size_t n = strlen(base);
    if (strncmp(name, base, n)
        || (strncmp(name + n, ".tmp-", 5) && strncmp(name + n, ".old-", 5)))
        return false;
    const char *digits = name + n + 5;
    if (!*digits || strspn(digits, "0123456789") != strlen(digits)
        || strlen(digits) > 9)
        return false;
    pid_t pid = (pid_t)atol(digits);
    return pid > 0 && pid != getpid() && kill(pid, 0) == -1 && errno == ESRCH;
}

/* Stale temporaries are removed, but the one a resume took over. */
static void remove_stale(struct rp_outdir *o)
{
    char parent[RP_OUTDIR_PATH];
    const char *base;
    split(o->dir, parent, sizeof parent, &base);
    DIR *d = opendir(parent);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (!stale(e->d_name, base))
            continue;
        char path[RP_OUTDIR_PATH * 2];
        snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
        if (remove_tree(path) == 0)
            o->stale_removed++;
    }
    closedir(d);
}

/*
 * The newest stale BASE.tmp-PID holding keep, into o->resumed; -1 if none.
 * Newest: a run resumed, stopped and resumed again leaves only one, but
 * runs killed by hand may leave several.
 */
static int find_stale(struct rp_outdir *o, const char *keep)
{
    char parent[RP_OUTDIR_PATH], path[RP_OUTDIR_PATH * 2 + 64];
    const char *base;
    double newest = -1;
    split(o->dir, parent, sizeof parent, &base);
    o->resumed[0] = '\0';
    DIR *d = opendir(parent);
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));) {
        struct stat st;
        if (!stale(e->d_name, base) || strncmp(e->d_name + strlen(base),
                                               ".tmp-", 5))
            continue;
        snprintf(path, sizeof path, "%s/%s/%s", parent, e->d_name, keep);
        if (stat(path, &st) || !S_ISREG(st.st_mode))
            continue;
        double t = (double)st.st_mtim.tv_sec + 1e-9 * (double)st.st_mtim.tv_nsec;
        if (t > newest) {
            newest = t;
            snprintf(o->resumed, sizeof o->resumed, "%s/%s", parent, e->d_name);
        }
    }
    closedir(d);
    return newest < 0 ? -1 : 0;
}

static int none_to_resume(struct rp_outdir *o, const char *keep)
{
    snprintf(o->why, sizeof o->why, "--resume: no stopped run to resume "
             "beside %s (a %s.tmp-PID directory holding %s)", o->dir, o->dir,
             keep);
    return RP_OUTDIR_NONE;
}

/* begin, or with keep, resume (see outdir.h) */
static int open_dir(struct rp_outdir *o, const char *dir, const char *keep)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    memset(o, 0, sizeof *o);
    o->lock_fd = -1;
    snprintf(o->dir, sizeof o->dir, "%.*s", (int)len, dir);
    char parent[RP_OUTDIR_PATH];
    const char *base;
    split(o->dir, parent, sizeof parent, &base);
    if (len >= RP_OUTDIR_PATH - 64 || !*base || !strcmp(base, ".")
        || !strcmp(base, "..")) {
        snprintf(o->why, sizeof o->why, "--out: cannot use '%s' as an output "
                 "directory (it is replaced whole)", dir);
        return RP_OUTDIR_FOREIGN;
    }
    snprintf(o->lock, sizeof o->lock, "%s.lock", o->dir);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp-%ld", o->dir, (long)getpid());
    if (keep && find_stale(o, keep))    /* before the lock: create nothing */
        return none_to_resume(o, keep);

    int rc = take_lock(o);
    if (rc)
        return rc;
    rc = check_replaceable(o);
    if (rc == RP_OUTDIR_IO && !*o->why)
        snprintf(o->why, sizeof o->why, "cannot read %s: %s", o->dir,
                 strerror(errno));
    if (rc)
        goto fail;
    remove_tree(o->tmp);                /* ours only by pid reuse: stale */
    /* again under the lock: another resume may have taken it meanwhile */
    if (keep && (find_stale(o, keep) || rename(o->resumed, o->tmp))) {
        rc = none_to_resume(o, keep);
        goto fail;
    }
    remove_stale(o);
    if (!keep && mkdir(o->tmp, 0777)) {
        snprintf(o->why, sizeof o->why, "cannot create %s: %s", o->tmp,
                 strerror(errno));
        rc = RP_OUTDIR_IO;
        goto fail;
    }
    return RP_OUTDIR_OK;
fail:
    release_lock(o);
    return rc;
}

int rp_outdir_begin(struct rp_outdir *o, const char *dir)
{
    return open_dir(o, dir, NULL);
}

int rp_outdir_resume(struct rp_outdir *o, const char *dir, const char *keep)
{
    return open_dir(o, dir, keep);
}

static void sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int rp_outdir_commit(struct rp_outdir *o)
{
    char old[RP_OUTDIR_PATH + 32], parent[RP_OUTDIR_PATH];
    const char *base;
    struct stat st;

    split(o->dir, parent, sizeof parent, &base);
    snprintf(old, sizeof old, "%s.old-%ld", o->dir, (long)getpid());
    sync_dir(o->tmp);
    o->replaced = lstat(o->dir, &st) == 0;
    if (o->replaced && rename(o->dir, old)) {
        snprintf(o->why, sizeof o->why, "cannot move %s aside to %s: %s",
                 o->dir, old, strerror(errno));
        rp_outdir_abort(o);
        return RP_OUTDIR_IO;
    }
    if (rename(o->tmp, o->dir)) {
        snprintf(o->why, sizeof o->why, "cannot rename %s to %s: %s", o->tmp,
                 o->dir, strerror(errno));
        if (o->replaced)
            rename(old, o->dir);
        rp_outdir_abort(o);
        return RP_OUTDIR_IO;
    }
    sync_dir(parent);
    if (o->replaced)
        remove_tree(old);               /* if this fails, a later run cleans it */
    release_lock(o);
    return RP_OUTDIR_OK;
}

void rp_outdir_abort(struct rp_outdir *o)
{
    remove_tree(o->tmp);
    release_lock(o);
}

void rp_outdir_keep(struct rp_outdir *o)
{
    sync_dir(o->tmp);
    release_lock(o);
}
