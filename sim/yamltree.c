/*
 * yamltree.c - libyaml's document turned into an editable tree.
 *
 * libyaml's document API resolves anchors and aliases for us; we copy its
 * nodes into our own so that merge patches can add, replace and delete
 * keys, which libyaml's arrays of indices do not allow.
 */
#include "ripple/yamltree.h"

#include <assert.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#define MAX_DEPTH 200                   /* deeper is a mistake or an attack */
/* Aliases may add ten nodes per node written plus this many: "billion
 * laughs" stops here, heavy honest use of anchors does not. */
#define MAX_EXPANSION 1000000

/* ---- arena ---- */

struct rp_arena_chunk {
    struct rp_arena_chunk *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
};

#define CHUNK_SIZE ((size_t)64 * 1024)
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

void *rp_arena_alloc(struct rp_arena *a, size_t size)
{
    struct rp_arena_chunk *c = a->head;

    size = (size + ALIGN - 1) / ALIGN * ALIGN;
    if (size == 0)
        size = ALIGN;
    if (!c || c->cap - c->used < size) {
        /* big requests get a chunk of their own behind the current one,
         * so the space left in the current one is not wasted */
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
    }
    void *p = c->data + c->used;
    c->used += size;
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

char *rp_arena_strdup(struct rp_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = rp_arena_alloc(a, n);
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
    char key[256];
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

/* RFC 7386, section 2, MergePatch(Target, Patch), nearly word for word. */
struct rp_ynode *rp_ytree_merge(struct rp_ytree *t, struct rp_ynode *target,
                                const struct rp_ynode *patch)
{
    if (patch->kind != RP_YMAP)
        return rp_ytree_copy(t, patch);
    if (!target || target->kind != RP_YMAP)
        target = rp_ytree_node(t, RP_YMAP, patch->loc, NULL);
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
    char key[256];
    struct rp_ynode *n;

    if (!*root || (*root)->kind == RP_YNULL)
        *root = rp_ytree_node(t, RP_YMAP, value->loc, NULL);
    n = *root;
    for (;;) {
        size_t len = strcspn(path, ".");
        if (len == 0 || len >= sizeof key || n->kind != RP_YMAP)
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

struct conv {
    struct rp_ytree *t;
    yaml_document_t *doc;
    const char *file;
    struct rp_diag *diag;
    size_t budget;                      /* conversions left */
    bool failed;
};

static struct rp_ynode *convert(struct conv *cv, yaml_node_t *yn, int depth)
{
    struct rp_loc loc = mark_loc(cv->file, yn->start_mark);
    struct rp_ynode *n;

    /* Without aliases each libyaml node is converted once; with them, a
     * node is converted once per alias, which can grow exponentially. */
    if (depth > MAX_DEPTH || cv->budget == 0) {
        if (!cv->failed && depth > MAX_DEPTH)
            rp_diag_at(cv->diag, loc, "document nests deeper than %d levels",
                       MAX_DEPTH);
        else if (!cv->failed)
            rp_diag_at(cv->diag, loc, "aliases expand the document by more "
                       "than %d nodes", MAX_EXPANSION);
        cv->failed = true;
        return rp_ytree_node(cv->t, RP_YNULL, loc, "");
    }
    cv->budget--;

    switch (yn->type) {
    case YAML_SCALAR_NODE: {
        const char *text = (const char *)yn->data.scalar.value;
        bool plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        n = rp_ytree_node(cv->t, plain && is_null(text) ? RP_YNULL
                                                        : RP_YSCALAR,
                          loc, text);
        n->plain = plain;
        return n;
    }
    case YAML_SEQUENCE_NODE:
        n = rp_ytree_node(cv->t, RP_YSEQ, loc, NULL);
        for (yaml_node_item_t *it = yn->data.sequence.items.start;
             it < yn->data.sequence.items.top && !cv->failed; it++) {
            yaml_node_t *child = yaml_document_get_node(cv->doc, *it);
            append_item(cv->t, n, convert(cv, child, depth + 1));
        }
        return n;
    case YAML_MAPPING_NODE:
        n = rp_ytree_node(cv->t, RP_YMAP, loc, NULL);
        for (yaml_node_pair_t *p = yn->data.mapping.pairs.start;
             p < yn->data.mapping.pairs.top && !cv->failed; p++) {
            yaml_node_t *k = yaml_document_get_node(cv->doc, p->key);
            yaml_node_t *v = yaml_document_get_node(cv->doc, p->value);
            struct rp_loc kloc = mark_loc(cv->file, k->start_mark);
            if (k->type != YAML_SCALAR_NODE) {
                rp_diag_at(cv->diag, kloc, "a key must be a plain word, "
                                           "not a list or map");
                continue;
            }
            const char *key = (const char *)k->data.scalar.value;
            if (rp_ytree_pair(n, key)) {
                rp_diag_at(cv->diag, kloc, "duplicate key '%s'", key);
                continue;
            }
            append_pair(cv->t, n, key, kloc, convert(cv, v, depth + 1));
        }
        return n;
    case YAML_NO_NODE:
        break;
    }
    return rp_ytree_node(cv->t, RP_YNULL, loc, "");
}

struct rp_ynode *rp_ytree_parse(struct rp_ytree *t, const char *text,
                                size_t len, const char *file,
                                struct rp_diag *diag)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    struct rp_ynode *root = NULL;

    if (!yaml_parser_initialize(&parser)) {
        rp_diag_at(diag, (struct rp_loc){ file, 0, 0 },
                   "cannot start the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc))
        goto out_syntax;

    yaml_node_t *top = yaml_document_get_root_node(&doc);
    bool failed = false;
    if (top) {
        size_t ndoc = (size_t)(doc.nodes.top - doc.nodes.start);
        struct conv cv = { t, &doc, file, diag,
                           10 * ndoc + MAX_EXPANSION, false };
        root = convert(&cv, top, 0);
        failed = cv.failed;
    } else {
        root = rp_ytree_node(t, RP_YNULL, (struct rp_loc){ file, 1, 1 }, "");
    }
    yaml_document_delete(&doc);
    if (failed) {
        root = NULL;
        goto out_parser;
    }

    /* A second document would be silently ignored: say so instead. */
    if (!yaml_parser_load(&parser, &doc)) {
        root = NULL;
        goto out_syntax;
    }
    yaml_node_t *second = yaml_document_get_root_node(&doc);
    if (second)
        rp_diag_at(diag, mark_loc(file, second->start_mark),
                   "a scenario is one YAML document, not several");
    yaml_document_delete(&doc);
    goto out_parser;

out_syntax:
    rp_diag_at(diag, mark_loc(file, parser.problem_mark), "%s",
               parser.problem ? parser.problem : "cannot parse YAML");
out_parser:
    yaml_parser_delete(&parser);
    return root;
}
