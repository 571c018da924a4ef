/*
 * yamltree.c - libyaml's events turned into an editable tree.
 *
 * The tree is built from yaml_parser_parse() events rather than from
 * libyaml's document API, so that every limit is checked as soon as the
 * event that breaks it arrives: a hostile file is refused after a bounded
 * amount of work instead of after libyaml has built all of it. Nesting is
 * kept on an explicit stack of at most RP_YAML_MAX_DEPTH frames, never by
 * recursion. Anchors are resolved here: an alias is a copy of its anchor's
 * node, and copies may add at most RP_YAML_ALIAS_FACTOR nodes per node
 * written plus RP_YAML_ALIAS_EXTRA ("billion laughs" stops there, after a
 * bounded amount of copying; honest templates reused on every edge pass).
 */
#include "ripple/yamltree.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "ripple/idmap.h"


/* ---- arena ---- */

struct rp_arena_chunk {
    struct rp_arena_chunk *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
};

#define CHUNK_SIZE ((size_t)64 * 1024)
/* Maps of at most this many keys are scanned; bigger ones are hashed. */
#define SMALL_MAP 8
#define ALIGN (alignof(max_align_t))

void rp_arena_init(struct rp_arena *a)
{
    a->head = NULL;
}

void rp_arena_release(struct rp_arena *a)
{
    struct rp_arena_chunk *c = a->head;

    while (c) {
        struct rp_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

/* size bytes aligned to align (a power of two), not zeroed. Big requests
 * get a chunk of their own behind the current one, so the space left in
 * the current one is not wasted. */
static void *arena_take(struct rp_arena *a, size_t size, size_t align)
{
    struct rp_arena_chunk *c = a->head;
    size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;

    if (!c || at > c->cap || c->cap - at < size) {
        size_t cap = size > CHUNK_SIZE / 4 ? size : CHUNK_SIZE;
        struct rp_arena_chunk *n = rp_xmalloc(sizeof *n + cap);
        n->used = 0;
        n->cap = cap;
        if (c && cap != CHUNK_SIZE) {
            n->next = c->next;
            c->next = n;
        } else {
            n->next = c;
            a->head = n;
        }
        c = n;
        at = 0;
    }
    c->used = at + size;
    return c->data + at;
}

void *rp_arena_alloc(struct rp_arena *a, size_t size)
{
    void *p = arena_take(a, size ? size : 1, ALIGN);
    memset(p, 0, size);
    return p;
}

void *rp_arena_array(struct rp_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size / 2) {
        fprintf(stderr, "ripple: out of memory allocating %zu x %zu bytes\n",
                n, size);
        abort();
    }
    return rp_arena_alloc(a, n * size);
}

/* Strings need no alignment: packed, they take a third of the memory of
 * a large scenario's tree that 16-byte slots took. */
char *rp_arena_strdup(struct rp_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_take(a, n, 1);
    memcpy(p, s, n);
    return p;
}

/* ---- nodes ---- */

void rp_ytree_init(struct rp_ytree *t)
{
    rp_arena_init(&t->arena);
    t->nodes = 0;
}

void rp_ytree_release(struct rp_ytree *t)
{
    rp_arena_release(&t->arena);
    t->nodes = 0;
}

struct rp_ynode *rp_ytree_node(struct rp_ytree *t, enum rp_ykind kind,
                               struct rp_loc loc, const char *text)
{
    struct rp_ynode *n = rp_arena_alloc(&t->arena, sizeof *n);

    t->nodes++;
    n->kind = kind;
    n->loc = loc;
    n->plain = true;
    if (text)
        n->text = rp_arena_strdup(&t->arena, text);
    return n;
}

/* Room for one more item or pair; the arena never shrinks, so grow by 2x. */
static void reserve(struct rp_ytree *t, struct rp_ynode *n)
{
    if (n->n < n->cap)
        return;
    size_t cap = n->cap ? 2 * n->cap : 4;
    if (n->kind == RP_YSEQ) {
        struct rp_ynode **items = rp_arena_array(&t->arena, cap,
                                                 sizeof *items);
        if (n->n)
            memcpy(items, n->items, n->n * sizeof *items);
        n->items = items;
    } else {
        struct rp_ypair *pairs = rp_arena_array(&t->arena, cap,
                                                sizeof *pairs);
        if (n->n)
            memcpy(pairs, n->pairs, n->n * sizeof *pairs);
        n->pairs = pairs;
    }
    n->cap = cap;
}

static void append_item(struct rp_ytree *t, struct rp_ynode *seq,
                        struct rp_ynode *item)
{
    assert(seq->kind == RP_YSEQ);
    reserve(t, seq);
    seq->items[seq->n++] = item;
}

static void append_pair(struct rp_ytree *t, struct rp_ynode *map,
                        const char *key, struct rp_loc key_loc,
                        struct rp_ynode *value)
{
    assert(map->kind == RP_YMAP);
    reserve(t, map);
    map->pairs[map->n++] = (struct rp_ypair){
        rp_arena_strdup(&t->arena, key), key_loc, value
    };
}

const struct rp_ypair *rp_ytree_pair(const struct rp_ynode *map,
                                     const char *key)
{
    if (!map || map->kind != RP_YMAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->pairs[i].key, key) == 0)
            return &map->pairs[i];
    return NULL;
}

struct rp_ynode *rp_ytree_get(const struct rp_ynode *map, const char *key)
{
    const struct rp_ypair *p = rp_ytree_pair(map, key);
    return p ? p->value : NULL;
}

struct rp_ynode *rp_ytree_path(const struct rp_ynode *root, const char *path)
{
    char key[RP_YAML_MAX_KEY + 1];
    const struct rp_ynode *n = root;

    while (n && *path) {
        size_t len = strcspn(path, ".");
        if (len == 0 || len >= sizeof key)
            return NULL;
        memcpy(key, path, len);
        key[len] = '\0';
        n = rp_ytree_get(n, key);
        path += len;
        if (*path == '.')
            path++;
    }
    return (struct rp_ynode *)n;        /* the caller owns the tree */
}

void rp_ytree_put(struct rp_ytree *t, struct rp_ynode *map, const char *key,
                  struct rp_loc key_loc, struct rp_ynode *value)
{
    assert(map->kind == RP_YMAP);
    for (size_t i = 0; i < map->n; i++) {
        if (strcmp(map->pairs[i].key, key) == 0) {
            map->pairs[i].value = value;
            return;
        }
    }
    append_pair(t, map, key, key_loc, value);
}

bool rp_ytree_remove(struct rp_ynode *map, const char *key)
{
    if (!map || map->kind != RP_YMAP)
        return false;
    for (size_t i = 0; i < map->n; i++) {
        if (strcmp(map->pairs[i].key, key) == 0) {
            memmove(&map->pairs[i], &map->pairs[i + 1],
                    (map->n - i - 1) * sizeof *map->pairs);
            map->n--;
            return true;
        }
    }
    return false;
}

struct rp_ynode *rp_ytree_copy(struct rp_ytree *t, const struct rp_ynode *n)
{
    struct rp_ynode *c = rp_ytree_node(t, n->kind, n->loc, n->text);

    c->plain = n->plain;
    if (n->kind == RP_YSEQ) {
        for (size_t i = 0; i < n->n; i++)
            append_item(t, c, rp_ytree_copy(t, n->items[i]));
    } else if (n->kind == RP_YMAP) {
        for (size_t i = 0; i < n->n; i++)
            append_pair(t, c, n->pairs[i].key, n->pairs[i].key_loc,
                        rp_ytree_copy(t, n->pairs[i].value));
    }
    return c;
}

/*
 * A big map patched by a big patch (a variant touching every node of a
 * 100,000-node file): the target's keys are hashed once and deletions are
 * marked and compacted at the end, so the merge is O(target + patch)
 * instead of a scan per key.
 */
static void merge_big(struct rp_ytree *t, struct rp_ynode *target,
                      const struct rp_ynode *patch)
{
    struct rp_idmap at;
    size_t n0 = target->n;
    bool *gone = rp_xcalloc(n0 + patch->n + 1, sizeof *gone);

    rp_idmap_init(&at);
    for (size_t i = 0; i < target->n; i++)
        rp_idmap_put(&at, 0, target->pairs[i].key, (uint32_t)i);
    for (size_t i = 0; i < patch->n; i++) {
        const struct rp_ypair *p = &patch->pairs[i];
        uint32_t k = rp_idmap_get(&at, 0, p->key);
        bool live = k != RP_IDMAP_NONE && !gone[k];
        if (p->value->kind == RP_YNULL) {
            if (live)
                gone[k] = true;
            continue;
        }
        if (live) {
            target->pairs[k].value = rp_ytree_merge(t, target->pairs[k].value,
                                                    p->value);
            continue;
        }
        append_pair(t, target, p->key, p->key_loc,
                    rp_ytree_merge(t, NULL, p->value));
        /* the table keeps the arena's copy of the key, which outlives it */
        uint32_t idx = (uint32_t)(target->n - 1);
        if (k == RP_IDMAP_NONE)
            rp_idmap_put(&at, 0, target->pairs[idx].key, idx);
        else
            gone[k] = true;             /* deleted, then added again: the new one */
    }
    size_t w = 0;
    for (size_t i = 0; i < target->n; i++)
        if (!gone[i])
            target->pairs[w++] = target->pairs[i];
    target->n = w;
    rp_idmap_release(&at);
    free(gone);
}

/* RFC 7386, section 2, MergePatch(Target, Patch), nearly word for word.
 * Recursion is as deep as the patch, at most RP_YAML_MAX_DEPTH. */
struct rp_ynode *rp_ytree_merge(struct rp_ytree *t, struct rp_ynode *target,
                                const struct rp_ynode *patch)
{
    if (patch->kind != RP_YMAP)
        return rp_ytree_copy(t, patch);
    if (!target || target->kind != RP_YMAP)
        target = rp_ytree_node(t, RP_YMAP, patch->loc, NULL);
    if (patch->n > SMALL_MAP && target->n > SMALL_MAP) {
        merge_big(t, target, patch);
        return target;
    }
    for (size_t i = 0; i < patch->n; i++) {
        const struct rp_ypair *p = &patch->pairs[i];
        if (p->value->kind == RP_YNULL) {
            rp_ytree_remove(target, p->key);
            continue;
        }
        struct rp_ynode *old = rp_ytree_get(target, p->key);
        struct rp_ynode *merged = rp_ytree_merge(t, old, p->value);
        if (old)
            rp_ytree_put(t, target, p->key, p->key_loc, merged);
        else
            append_pair(t, target, p->key, p->key_loc, merged);
    }
    return target;
}

int rp_ytree_set(struct rp_ytree *t, struct rp_ynode **root, const char *path,
                 struct rp_ynode *value)
{
    char key[RP_YAML_MAX_KEY + 1];
    struct rp_ynode *n;
    int depth = 0;

    if (!*root || (*root)->kind == RP_YNULL)
        *root = rp_ytree_node(t, RP_YMAP, value->loc, NULL);
    n = *root;
    for (;;) {
        size_t len = strcspn(path, ".");
        if (len == 0 || len >= sizeof key || n->kind != RP_YMAP ||
            ++depth > RP_YAML_MAX_DEPTH)
            return -1;
        memcpy(key, path, len);
        key[len] = '\0';
        path += len;
        if (*path == '\0')
            break;
        path++;                         /* the dot */
        struct rp_ynode *next = rp_ytree_get(n, key);
        if (!next || next->kind == RP_YNULL) {
            next = rp_ytree_node(t, RP_YMAP, value->loc, NULL);
            rp_ytree_put(t, n, key, value->loc, next);
        }
        n = next;
    }
    if (value->kind == RP_YNULL)
        rp_ytree_remove(n, key);
    else
        rp_ytree_put(t, n, key, value->loc, value);
    return 0;
}

/* ---- parsing ---- */

/* libyaml counts lines and columns from 0; people count from 1. */
static struct rp_loc mark_loc(const char *file, yaml_mark_t m)
{
    return (struct rp_loc){ file, (int)m.line + 1, (int)m.column + 1 };
}

/* YAML 1.1 and 1.2 core-schema spellings of null, for plain scalars. */
static bool is_null(const char *s)
{
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
           !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* One open list or map. A map alternates between wanting a key and wanting
 * the value of the key it holds. */
struct frame {
    struct rp_ynode *node;
    const char *anchor;                 /* of node, until it is complete */
    const char *key;                    /* map: the key waiting for a value */
    struct rp_loc key_loc;
    bool want_value;
    bool drop_value;                    /* the key was refused */
};

struct parse {
    struct rp_ytree *t;
    const char *text;
    size_t len;
    const char *file;
    struct rp_diag *diag;
    struct frame stack[RP_YAML_MAX_DEPTH];
    int depth;
    struct rp_ynode *root;
    struct rp_idmap keys;               /* (map, key): duplicates */
    struct rp_idmap anchors;            /* name -> index into nodes */
    struct rp_ynode **anchored;         /* complete anchored nodes */
    size_t nanchored, capanchored;
    size_t copied;                      /* nodes made by aliases */
    bool failed;
};

static void fail(struct parse *ps, struct rp_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct parse *ps, struct rp_loc loc, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rp_diag_at(ps->diag, loc, "%s", buf);
    ps->failed = true;
}

/* Line and column of a byte offset, for libyaml's reader errors, which
 * carry only the offset. Columns count characters, as libyaml's do. */
static struct rp_loc offset_loc(const struct parse *ps, size_t off)
{
    struct rp_loc loc = { ps->file, 1, 1 };

    for (size_t i = 0; i < off && i < ps->len; i++) {
        unsigned char c = (unsigned char)ps->text[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= ps->len ||
                                        ps->text[i + 1] != '\n'))) {
            loc.line++;
            loc.col = 1;
        } else if ((c & 0xC0) != 0x80 && c != '\r') {
            loc.col++;                  /* not a UTF-8 continuation byte */
        }
    }
    return loc;
}

static void syntax_error(struct parse *ps, const yaml_parser_t *p)
{
    const char *what = p->problem ? p->problem : "cannot parse YAML";

    if (p->error == YAML_READER_ERROR) {
        struct rp_loc at = offset_loc(ps, p->problem_offset);
        if (p->problem_value >= 0)
            fail(ps, at, "%s (byte 0x%02X)", what,
                 (unsigned)p->problem_value & 0xFFu);
        else
            fail(ps, at, "%s", what);
        return;
    }
    /* A plain key may be at most 1024 characters on one line; libyaml's
     * own words for a longer one say nothing about its length. */
    if (p->context && !strcmp(p->context, "while scanning a simple key") &&
        p->problem_mark.line == p->context_mark.line &&
        p->problem_mark.index - p->context_mark.index > 1024) {
        fail(ps, mark_loc(ps->file, p->context_mark),
             "key is longer than 1024 characters; the limit is %d",
             RP_YAML_MAX_KEY);
        return;
    }
    fail(ps, mark_loc(ps->file, p->problem_mark), "%s", what);
}

static void remember_anchor(struct parse *ps, struct rp_ynode *n,
                            const char *anchor)
{
    if (ps->nanchored == ps->capanchored) {
        ps->capanchored = ps->capanchored ? 2 * ps->capanchored : 16;
        ps->anchored = rp_xrealloc(ps->anchored, ps->capanchored *
                                                     sizeof *ps->anchored);
    }
    ps->anchored[ps->nanchored] = n;
    /* a later anchor of the same name replaces the earlier one (YAML 1.2) */
    const char *name = rp_arena_strdup(&ps->t->arena, anchor);
    uint32_t old = rp_idmap_put(&ps->anchors, 0, name,
                                (uint32_t)ps->nanchored);
    if (old != RP_IDMAP_NONE)
        ps->anchored[old] = n;
    else
        ps->nanchored++;
}

/* How many levels n spans; bounded by RP_YAML_MAX_DEPTH as n was built. */
static int height(const struct rp_ynode *n)
{
    int h = 0;

    for (size_t i = 0; n->kind == RP_YSEQ && i < n->n; i++) {
        int k = height(n->items[i]);
        h = k > h ? k : h;
    }
    for (size_t i = 0; n->kind == RP_YMAP && i < n->n; i++) {
        int k = height(n->pairs[i].value);
        h = k > h ? k : h;
    }
    return n->kind == RP_YSEQ || n->kind == RP_YMAP ? h + 1 : h;
}

/*
 * Is key in map already? Small maps (most of a scenario) are scanned; a map
 * that grows past SMALL_MAP keys moves its keys into the hash table, so a
 * map of n keys costs O(n) in all, and the table holds only big maps' keys.
 */
static bool is_duplicate(struct parse *ps, const struct rp_ynode *map,
                         const char *key)
{
    uintptr_t scope = (uintptr_t)map;

    if (map->n < SMALL_MAP) {
        for (size_t i = 0; i < map->n; i++)
            if (!strcmp(map->pairs[i].key, key))
                return true;
        return false;
    }
    if (map->n == SMALL_MAP)
        for (size_t i = 0; i < map->n; i++)
            rp_idmap_put(&ps->keys, scope, map->pairs[i].key, 0);
    return rp_idmap_put(&ps->keys, scope, key, 0) != RP_IDMAP_NONE;
}

/* A complete node: the root, an item, a key or a key's value. */
static void add(struct parse *ps, struct rp_ynode *n, const char *anchor)
{
    if (anchor)
        remember_anchor(ps, n, anchor);
    if (ps->depth == 0) {
        ps->root = n;
        return;
    }
    struct frame *f = &ps->stack[ps->depth - 1];
    struct rp_ynode *into = f->node;
    if (into->kind == RP_YSEQ) {
        append_item(ps->t, into, n);
        return;
    }
    if (!f->want_value) {
        f->want_value = true;
        f->drop_value = false;
        f->key = n->text;
        f->key_loc = n->loc;
        if (n->kind != RP_YSCALAR && n->kind != RP_YNULL) {
            rp_diag_at(ps->diag, n->loc, "a key must be a plain word, not a "
                                         "list or map");
            f->drop_value = true;
        } else if (strlen(n->text) > RP_YAML_MAX_KEY) {
            rp_diag_at(ps->diag, n->loc, "key is %zu bytes long; the limit "
                       "is %d", strlen(n->text), RP_YAML_MAX_KEY);
            f->drop_value = true;
        }
        return;
    }
    f->want_value = false;
    if (f->drop_value)
        return;
    if (is_duplicate(ps, into, f->key)) {
        rp_diag_at(ps->diag, f->key_loc, "duplicate key '%s'", f->key);
        return;
    }
    if (into->n == RP_YAML_MAX_KEYS) {
        fail(ps, f->key_loc, "map has more than %d keys; the limit is %d",
             RP_YAML_MAX_KEYS, RP_YAML_MAX_KEYS);
        return;
    }
    append_pair(ps->t, into, f->key, f->key_loc, n);
}

static void open_node(struct parse *ps, enum rp_ykind kind, struct rp_loc at,
                      const char *anchor)
{
    if (ps->depth == RP_YAML_MAX_DEPTH) {
        fail(ps, at, "scenario nests more than %d levels here; the limit is "
             "%d", RP_YAML_MAX_DEPTH, RP_YAML_MAX_DEPTH);
        return;
    }
    struct frame *f = &ps->stack[ps->depth++];
    *f = (struct frame){ .node = rp_ytree_node(ps->t, kind, at, NULL) };
    if (anchor)
        f->anchor = rp_arena_strdup(&ps->t->arena, anchor);
}

static void alias(struct parse *ps, struct rp_loc at, const char *name)
{
    uint32_t i = rp_idmap_get(&ps->anchors, 0, name);

    if (i == RP_IDMAP_NONE) {
        for (int d = 0; d < ps->depth; d++) {
            if (ps->stack[d].anchor && !strcmp(ps->stack[d].anchor, name)) {
                fail(ps, at, "alias '*%s' refers to a node that contains it",
                     name);
                return;
            }
        }
        fail(ps, at, "unknown alias '*%s'", name);
        return;
    }
    const struct rp_ynode *n = ps->anchored[i];
    if (ps->depth + height(n) > RP_YAML_MAX_DEPTH) {
        fail(ps, at, "alias '*%s' makes the scenario nest more than %d "
             "levels; the limit is %d", name, RP_YAML_MAX_DEPTH,
             RP_YAML_MAX_DEPTH);
        return;
    }
    size_t before = ps->t->nodes;
    struct rp_ynode *c = rp_ytree_copy(ps->t, n);
    ps->copied += ps->t->nodes - before;
    size_t written = ps->t->nodes - ps->copied;
    if (ps->copied > RP_YAML_ALIAS_FACTOR * written + RP_YAML_ALIAS_EXTRA) {
        fail(ps, at, "aliases expand the scenario by %zu values; the limit "
             "is %d per value written (%zu) plus %d", ps->copied,
             RP_YAML_ALIAS_FACTOR, written, RP_YAML_ALIAS_EXTRA);
        return;
    }
    c->loc = at;
    add(ps, c, NULL);
}

static void scalar(struct parse *ps, const yaml_event_t *ev)
{
    struct rp_loc at = mark_loc(ps->file, ev->start_mark);
    const char *text = (const char *)ev->data.scalar.value;
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

    if (ev->data.scalar.length > RP_YAML_MAX_SCALAR) {
        fail(ps, at, "value is %zu bytes long; the limit is %d",
             ev->data.scalar.length, RP_YAML_MAX_SCALAR);
        return;
    }
    if (strlen(text) != ev->data.scalar.length) {
        fail(ps, at, "a value holds a NUL character");
        return;
    }
    struct rp_ynode *n = rp_ytree_node(ps->t, plain && is_null(text)
                                                  ? RP_YNULL : RP_YSCALAR,
                                       at, text);
    n->plain = plain;
    add(ps, n, (const char *)ev->data.scalar.anchor);
}

/* One event into the tree; false once the document ends or fails. */
static bool step(struct parse *ps, const yaml_event_t *ev, int *docs)
{
    struct rp_loc at = mark_loc(ps->file, ev->start_mark);

    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++*docs > 1) {
            rp_diag_at(ps->diag, at, "a scenario is one YAML document, not "
                                     "several");
            return false;
        }
        break;
    case YAML_SCALAR_EVENT:
        scalar(ps, ev);
        break;
    case YAML_ALIAS_EVENT:
        alias(ps, at, (const char *)ev->data.alias.anchor);
        break;
    case YAML_SEQUENCE_START_EVENT:
        open_node(ps, RP_YSEQ, at,
                  (const char *)ev->data.sequence_start.anchor);
        break;
    case YAML_MAPPING_START_EVENT:
        open_node(ps, RP_YMAP, at,
                  (const char *)ev->data.mapping_start.anchor);
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        struct frame f = ps->stack[--ps->depth];
        add(ps, f.node, f.anchor);
        break;
    }
    case YAML_STREAM_END_EVENT:
        return false;
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        break;
    }
    if (!ps->failed && ps->t->nodes > RP_YAML_MAX_VALUES)
        fail(ps, at, "scenario has more than %d values; the limit is %d",
             RP_YAML_MAX_VALUES, RP_YAML_MAX_VALUES);
    return !ps->failed;
}

struct rp_ynode *rp_ytree_parse(struct rp_ytree *t, const char *text,
                                size_t len, const char *file,
                                struct rp_diag *diag)
{
    yaml_parser_t parser;
    struct parse ps = { .t = t, .text = text, .len = len, .file = file,
                        .diag = diag };
    size_t before = t->nodes;
    int docs = 0;

    if (!yaml_parser_initialize(&parser)) {
        rp_diag_at(diag, (struct rp_loc){ file, 0, 0 },
                   "cannot start the YAML parser");
        return NULL;
    }
    t->nodes = 0;                       /* RP_YAML_MAX_VALUES is per text */
    rp_idmap_init(&ps.keys);
    rp_idmap_init(&ps.anchors);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            syntax_error(&ps, &parser);
            break;
        }
        bool more = step(&ps, &ev, &docs);
        yaml_event_delete(&ev);
        if (!more)
            break;
    }
    yaml_parser_delete(&parser);
    rp_idmap_release(&ps.keys);
    rp_idmap_release(&ps.anchors);
    free(ps.anchored);
    t->nodes += before;
    if (ps.failed)
        return NULL;
    if (!ps.root)
        ps.root = rp_ytree_node(t, RP_YNULL, (struct rp_loc){ file, 1, 1 },
                                "");
    return ps.root;
}
