/*
 * scenario_uncertain.c - uncertain: { <scalar path>: <distribution> }.
 *
 * Each key names one value of this file's tree (after extends, the
 * variant and --set), written as a dotted path of keys; it must exist and
 * be a single value, not a list or map, and its distribution is a map
 * {dist: ...} whose stream is keyed by "uncertain.<path>". What a draw does
 * (the replication runs with it as --set would set it) is the engine's.
 */
#include "scenario_impl.h"

#include <stdio.h>
#include <string.h>

static void build_one(struct ld *ld, const struct rp_ynode *root,
                      struct rp_uncertain *u, const struct rp_ypair *p)
{
    const struct rp_ynode *target = rp_ytree_path(root, p->key);
    char path[1024], b[80];

    u->path = rp_arena_strdup(ld->a, p->key);
    u->loc = p->key_loc;
    snprintf(path, sizeof path, "uncertain.%s", p->key);
    ld_dist(ld, NULL, p->key, path, 0, &u->dist);
    if (!strncmp(p->key, "uncertain", 9) &&
        (p->key[9] == '\0' || p->key[9] == '.')) {
        ld_err(ld, p->key_loc, "uncertain input '%s' cannot be in uncertain",
               p->key);
        return;
    }
    if (!target) {
        ld_err(ld, p->key_loc, "uncertain input '%s' names no value of the "
               "scenario", p->key);
        return;
    }
    if (target->kind != RP_YSCALAR) {
        ld_err(ld, p->key_loc, "uncertain input '%s' must name a single "
               "value, not %s", p->key, ld_shown(target, b, sizeof b));
        return;
    }
    if (p->value->kind != RP_YMAP) {
        ld_err(ld, p->value->loc, "uncertain input '%s' must be a "
               "distribution {dist: ...}, not %s", p->key,
               ld_shown(p->value, b, sizeof b));
        return;
    }
    ld_dist(ld, p->value, p->key, path, 0, &u->dist);
}

void ld_build_uncertain(struct ld *ld, const struct rp_ynode *root,
                        const struct rp_ynode *map)
{
    struct rp_scenario *sc = ld->sc;

    if (!ld_collection(ld, map, "uncertain"))
        return;
    sc->uncertain = rp_arena_array(ld->a, map->n, sizeof *sc->uncertain);
    sc->nuncertain = map->n;
    for (size_t i = 0; i < map->n; i++)
        build_one(ld, root, &sc->uncertain[i], &map->pairs[i]);
}
