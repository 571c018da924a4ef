/*
 * scenario_layer.c - files to one YAML tree.
 *
 * A file that "extends:" another is a merge patch of it; the chosen
 * variant is a merge patch of the result; each --set is a one-key merge
 * patch after that. So all three mean exactly what RFC 7386 says and
 * nothing else, and every node keeps the place it came from.
 *
 * Files are read only when they are regular files no larger than the
 * limit (64 MiB unless raised): a FIFO, a device or a directory is
 * refused before anything is read.
 */
#define _XOPEN_SOURCE 700               /* realpath, O_NOCTTY */

#include "scenario_impl.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ripple/sha256.h"

/* One file on the way down an extends chain, for finding cycles. */
struct chain {
    const char *path;                   /* as resolved, for messages */
    char *real;                         /* canonical, for comparing; owned */
    const struct chain *up;
};

/* What a path that is not a regular file is, for the message. */
static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

/*
 * Reads a whole regular file of at most max bytes. The open does not block
 * (a FIFO with no writer would block it for ever) and fstat decides before
 * any read whether the path is a regular file and small enough, so
 * /dev/zero or a 2 GB file costs nothing. Returns the bytes (caller frees)
 * or NULL with *why set to the reason, in words.
 */
static char *read_all(const char *path, size_t max, size_t *len, char *why,
                      size_t cap)
{
    struct stat st;
    char *buf = NULL;
    size_t n = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);

    if (fd < 0 || fstat(fd, &st)) {
        snprintf(why, cap, "%s", strerror(errno));
        why[0] = (char)tolower((unsigned char)why[0]);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, cap, "%s, not a regular file", file_kind(st.st_mode));
        goto out;
    }
    if ((uintmax_t)st.st_size > max) {
        snprintf(why, cap, "it is %jd bytes; the limit is %zu",
                 (intmax_t)st.st_size, max);
        goto out;
    }
    buf = rp_xmalloc((size_t)st.st_size + 1);
    for (;;) {                          /* the file may grow meanwhile */
        ssize_t got = read(fd, buf + n, (size_t)st.st_size + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            snprintf(why, cap, "%s", strerror(errno));
            why[0] = (char)tolower((unsigned char)why[0]);
            free(buf);
            buf = NULL;
            goto out;
        }
        n += (size_t)got;
        if (got == 0 || n > (size_t)st.st_size)
            break;
    }
    if (n > max) {
        snprintf(why, cap, "it grew past the limit of %zu bytes", max);
        free(buf);
        buf = NULL;
        goto out;
    }
    *len = n;
out:
    if (fd >= 0)
        close(fd);
    return buf;
}

/* The file extends names, relative to the directory of the one naming it. */
static char *extends_path(struct ld *ld, const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash && name[0] != '/' ? (size_t)(slash - path) + 1 : 0;
    char *next = rp_arena_alloc(ld->a, dirlen + strlen(name) + 1);

    memcpy(next, path, dirlen);
    strcpy(next + dirlen, name);
    return next;
}

/*
 * Is next already on the chain me (compared by canonical path where both
 * exist), or the chain too long? Reports which, naming the files from the
 * top of the chain down. The chain is at most MAX_EXTENDS files: the
 * recursion of ld_load_tree is bounded by it, not by the input.
 */
static bool chain_refuses(struct ld *ld, const struct chain *me,
                          const char *next, const char *next_real,
                          struct rp_loc at)
{
    const struct chain *list[MAX_EXTENDS + 2];
    size_t nlist = 0, used = 0;
    char msg[900];
    bool cycle = false;

    for (const struct chain *c = me; c && nlist < MAX_EXTENDS + 1; c = c->up) {
        list[nlist++] = c;
        cycle |= c->real && next_real ? !strcmp(c->real, next_real)
                                      : !strcmp(c->path, next);
    }
    if (!cycle && nlist < MAX_EXTENDS)
        return false;
    if (!cycle) {
        ld_err(ld, at, "extends chain is longer than %d files; the limit is "
               "%d", MAX_EXTENDS, MAX_EXTENDS);
        return true;
    }
    msg[0] = '\0';
    for (size_t i = nlist; i-- > 0 && used < sizeof msg;)
        used += (size_t)snprintf(msg + used, sizeof msg - used, "%s -> ",
                                 list[i]->path);
    if (used < sizeof msg)
        snprintf(msg + used, sizeof msg - used, "%s", next);
    ld_err(ld, at, "extends forms a cycle: %s", msg);
    return true;
}

/* The file's own tree, before its extends is followed. */
static struct rp_ynode *parse_file(struct ld *ld, const char *path,
                                   const char *file, const char *text,
                                   size_t len, struct rp_loc from,
                                   unsigned char *sha)
{
    char *owned = NULL, why[128];
    struct rp_ynode *root;

    if (!text) {
        owned = read_all(path, ld->max_bytes, &len, why, sizeof why);
        if (!owned) {
            ld_err(ld, from, "cannot read '%s': %s", path, why);
            return NULL;
        }
        text = owned;
    }
    if (sha)
        rp_sha256(text, len, sha);
    root = rp_ytree_parse(&ld->tree, text, len, file, ld->diag);
    free(owned);
    return root;
}

struct rp_ynode *ld_load_tree(struct ld *ld, const char *path,
                              const char *text, size_t len,
                              const struct chain *up, struct rp_loc from,
                              unsigned char *sha)
{
    const char *file = rp_arena_strdup(ld->a, path);
    struct chain me = { file, NULL, up };
    struct rp_ynode *root = parse_file(ld, path, file, text, len, from, sha);
    const struct rp_ypair *ext = rp_ytree_pair(root, "extends");
    char b[80];

    if (!root || !ext)
        return root;
    struct rp_ynode *ev = ext->value;
    if (ev->kind != RP_YSCALAR) {
        ld_err(ld, ev->loc, "extends must be a file name, not %s",
               ld_shown(ev, b, sizeof b));
        return root;
    }
    char *next = extends_path(ld, path, ev->text);
    me.real = realpath(path, NULL);
    char *next_real = realpath(next, NULL);
    struct rp_ynode *base = NULL;
    if (!chain_refuses(ld, &me, next, next_real, ev->loc))
        base = ld_load_tree(ld, next, NULL, 0, &me, ev->loc, NULL);
    if (base) {
        rp_ytree_remove(root, "extends");
        root = rp_ytree_merge(&ld->tree, base, root);
    } else {
        root = NULL;
    }
    free(next_real);
    free(me.real);
    return root;
}

/* Notes the variant names, drops them from the tree, applies the one asked. */
struct rp_ynode *ld_apply_variant(struct ld *ld, struct rp_ynode *root,
                                      const char *want)
{
    struct rp_scenario *sc = ld->sc;
    const struct rp_ypair *vp = rp_ytree_pair(root, "variants");
    struct rp_ynode *vars = vp ? vp->value : NULL;
    /* the variant asked for is an argument: its errors point there */
    struct rp_loc at = { rp_arena_strdup(ld->a, "--variant"), 1, 1 };
    char b[80];

    sc->variant = "base";
    if (vars && vars->kind != RP_YNULL && !ld_collection(ld, vars, "variants"))
        vars = NULL;
    if (vars && vars->kind == RP_YMAP) {
        sc->variants = rp_arena_array(ld->a, vars->n, sizeof *sc->variants);
        sc->nvariants = vars->n;
        for (size_t i = 0; i < vars->n; i++) {
            const struct rp_ypair *p = &vars->pairs[i];
            sc->variants[i] = rp_arena_strdup(ld->a, p->key);
            ld_check_id(ld, p, "variant");
            if (!strcmp(p->key, "base"))
                ld_err(ld, p->key_loc, "a variant cannot be named 'base'");
            if (p->value->kind != RP_YMAP && p->value->kind != RP_YNULL) {
                ld_err(ld, p->value->loc, "variant '%s' must be a map, not %s",
                    p->key, ld_shown(p->value, b, sizeof b));
                continue;
            }
            for (size_t k = 0; k < p->value->n; k++) {
                const char *key = p->value->pairs[k].key;
                if (!strcmp(key, "variants") || !strcmp(key, "extends"))
                    ld_err(ld, p->value->pairs[k].key_loc,
                        "a variant cannot set '%s'", key);
            }
        }
    }
    rp_ytree_remove(root, "variants");
    if (!want || !strcmp(want, "base"))
        return root;

    sc->variant = rp_arena_strdup(ld->a, want);
    const struct rp_ynode *patch = rp_ytree_get(vars, want);
    if (!patch) {
        char list[512];
        if (sc->nvariants)
            ld_err(ld, at, "unknown variant '%s' (known: %s)", want,
                ld_join(list, sizeof list, sc->variants, sc->nvariants));
        else
            ld_err(ld, at, "unknown variant '%s' (the file defines none)", want);
        return root;
    }
    if (patch->kind != RP_YMAP)
        return root;
    return rp_ytree_merge(&ld->tree, root, patch);
}

/*
 * A sensitivity row's inputs, each set as a --set would set it, at
 * "input:N:1"; the uncertain block goes, so that nothing redraws them.
 */
static struct rp_ynode *apply_inputs(struct ld *ld, struct rp_ynode *root,
                                     const struct rp_load_opts *opts)
{
    const char *file = rp_arena_strdup(ld->a, "input");
    for (size_t i = 0; i < opts->ninputs; i++) {
        const struct rp_override *o = &opts->inputs[i];
        struct rp_loc at = { file, (int)i + 1, 1 };
        struct rp_ynode *v = rp_ytree_node(&ld->tree, RP_YSCALAR, at, o->value);
        v->plain = true;
        if (rp_ytree_set(&ld->tree, &root, o->path, v))
            ld_err(ld, at, "input %s: no such path in the scenario tree", o->path);
    }
    if (root && root->kind == RP_YMAP)
        rp_ytree_remove(root, "uncertain");
    return root;
}

/*
 * Each --set is a one-key merge patch. Its place in messages is "--set",
 * line N (the N-th override, from 1), column 1.
 */
struct rp_ynode *ld_apply_overrides(struct ld *ld, struct rp_ynode *root,
                                        const struct rp_load_opts *opts)
{
    const char *file = rp_arena_strdup(ld->a, "--set");

    if (opts && opts->noverrides > RP_MAX_OVERRIDES) {
        ld_err(ld, (struct rp_loc){ file, RP_MAX_OVERRIDES + 1, 1 },
            "too many --set overrides (%zu); the limit is %d",
            opts->noverrides, RP_MAX_OVERRIDES);
        return root;
    }
    for (size_t i = 0; opts && i < opts->noverrides; i++) {
        const struct rp_override *o = &opts->overrides[i];
        struct rp_loc at = { file, (int)i + 1, 1 };
        const char *value = o->value ? o->value : "";
        struct rp_ynode *v = rp_ytree_parse(&ld->tree, value, strlen(value),
                                            file, ld->diag);
        if (!v)
            continue;
        v->loc = at;
        if (v->kind != RP_YSCALAR && v->kind != RP_YNULL) {
            ld_err(ld, at, "--set %s takes a single value, not a list or map",
                o->path);
            continue;
        }
        if (rp_ytree_set(&ld->tree, &root, o->path, v))
            ld_err(ld, at, "--set %s: no such path in the scenario tree",
                o->path);
    }
    return opts && opts->ninputs ? apply_inputs(ld, root, opts) : root;
}
