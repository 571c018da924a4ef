/*
 * test_scenario_yaml.c - what the loader stands on: SHA-256 (the file's
 * hash in provenance) against the standard's examples, and the YAML tree
 * with RFC 7386 merge patches (variants and extends are patches).
 */
#define _POSIX_C_SOURCE 200809L    /* open_memstream */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ripple/describe.h"
#include "ripple/diag.h"
#include "ripple/rng.h"
#include "ripple/scenario.h"
#include "ripple/sha256.h"
#include "ripple/yamltree.h"

#include "scenario_fixture.h"

/* ---- SHA-256: the examples of FIPS 180-4 (NIST CSRC example values) ---- */

static void hex_of(const char *msg, size_t len, char hex[65])
{
    unsigned char d[32];
    rp_sha256(msg, len, d);
    rp_sha256_hex(d, hex);
}

Test(sha256, matches_the_standards_examples)
{
    char hex[65];

    hex_of("abc", 3, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
                          "b00361a396177a9cb410ff61f20015ad");
    hex_of("", 0, hex);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb924"
                          "27ae41e4649b934ca495991b7852b855");
    const char *two =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(two, strlen(two), hex);
    cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039"
                          "a33ce45964ff2167f6ecedd419db06c1");
}

Test(sha256, streams_a_million_as_in_pieces)
{
    struct rp_sha256 s;
    unsigned char d[32];
    char hex[65], a[1001];

    memset(a, 'a', sizeof a);
    rp_sha256_init(&s);
    for (int i = 0; i < 1000; i++)
        rp_sha256_update(&s, a, i % 2 ? 999 : 1001);   /* odd pieces */
    rp_sha256_final(&s, d);
    rp_sha256_hex(d, hex);
    cr_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
                          "f1809a48a497200e046d39ccc7112cd0");
}

/* ---- the YAML tree and RFC 7386 ---- */

static bool same_tree(const struct rp_ynode *a, const struct rp_ynode *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case RP_YNULL:
        return true;
    case RP_YSCALAR:
        return strcmp(a->text, b->text) == 0;
    case RP_YSEQ:
        if (a->n != b->n)
            return false;
        for (size_t i = 0; i < a->n; i++)
            if (!same_tree(a->items[i], b->items[i]))
                return false;
        return true;
    case RP_YMAP:
        if (a->n != b->n)
            return false;
        for (size_t i = 0; i < a->n; i++) {
            const struct rp_ynode *v = rp_ytree_get(b, a->pairs[i].key);
            if (!v || !same_tree(a->pairs[i].value, v))
                return false;
        }
        return true;
    }
    return false;
}

/* RFC 7386, appendix A: every example, written as YAML flow (JSON). */
Test(yamltree, merge_patch_follows_rfc7386_appendix_a)
{
    static const char *const cases[][3] = {
        { "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
        { "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}" },
        { "{\"a\":\"b\"}", "{\"a\":null}", "{}" },
        { "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}" },
        { "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
        { "{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}" },
        { "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
          "{\"a\":{\"b\":\"d\"}}" },
        { "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}" },
        { "[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]" },
        { "{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]" },
        { "{\"a\":\"foo\"}", "null", "null" },
        { "{\"a\":\"foo\"}", "\"bar\"", "\"bar\"" },
        { "{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}" },
        { "[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}" },
        { "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}" },
    };
    struct rp_ytree t;

    rp_ytree_init(&t);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct rp_ynode *n[3];
        for (int k = 0; k < 3; k++) {
            n[k] = rp_ytree_parse(&t, cases[i][k], strlen(cases[i][k]), "x",
                                  &diag);
            cr_assert_not_null(n[k]);
        }
        struct rp_ynode *got = rp_ytree_merge(&t, n[0], n[1]);
        cr_assert(same_tree(got, n[2]), "case %zu: %s + %s", i, cases[i][0],
                  cases[i][1]);
    }
    cr_assert_eq(rp_diag_count(&diag), 0);
    rp_ytree_release(&t);
}

Test(yamltree, patched_nodes_keep_the_patchs_place)
{
    struct rp_ytree t;
    const char *a = "x:\n  y: 1\n  z: 2\n", *b = "\n\nx: {y: 5}\n";

    rp_ytree_init(&t);
    struct rp_ynode *ta = rp_ytree_parse(&t, a, strlen(a), "a", &diag);
    struct rp_ynode *tb = rp_ytree_parse(&t, b, strlen(b), "b", &diag);
    struct rp_ynode *m = rp_ytree_merge(&t, ta, tb);
    struct rp_ynode *y = rp_ytree_path(m, "x.y"), *z = rp_ytree_path(m, "x.z");

    cr_assert_str_eq(y->text, "5");
    cr_assert_str_eq(y->loc.file, "b");
    cr_assert_eq(y->loc.line, 3);
    cr_assert_eq(y->loc.col, 8);
    cr_assert_str_eq(z->loc.file, "a");
    cr_assert_eq(z->loc.line, 3);
    cr_assert_eq(z->loc.col, 6);
    rp_ytree_release(&t);
}

Test(yamltree, set_creates_maps_and_null_deletes)
{
    struct rp_ytree t;
    const char *a = "a: {b: 1, c: 2}\nd: 3\n";
    struct rp_loc here = { "s", 1, 1 };

    rp_ytree_init(&t);
    struct rp_ynode *root = rp_ytree_parse(&t, a, strlen(a), "a", &diag);
    cr_assert_eq(rp_ytree_set(&t, &root, "a.e.f",
                              rp_ytree_node(&t, RP_YSCALAR, here, "9")), 0);
    cr_assert_str_eq(rp_ytree_path(root, "a.e.f")->text, "9");
    cr_assert_eq(rp_ytree_set(&t, &root, "a.b",
                              rp_ytree_node(&t, RP_YNULL, here, "")), 0);
    cr_assert_null(rp_ytree_path(root, "a.b"));
    cr_assert_str_eq(rp_ytree_path(root, "a.c")->text, "2");
    cr_assert_eq(rp_ytree_set(&t, &root, "d.x",
                              rp_ytree_node(&t, RP_YSCALAR, here, "1")), -1,
                 "went through a scalar");
    cr_assert_eq(rp_ytree_set(&t, &root, "a..b",
                              rp_ytree_node(&t, RP_YSCALAR, here, "1")), -1);
    rp_ytree_release(&t);
}

/* A big patch on a big map (hashed) means what RFC 7386 says, as a small
 * one (scanned) does: deletes, replaces in place, appends in patch order. */
Test(yamltree, a_big_merge_patch_follows_rfc7386)
{
    char target[1024] = "{", patch[1024] = "{";
    struct rp_ytree t;

    for (int i = 0; i < 20; i++)
        snprintf(target + strlen(target), sizeof target - strlen(target),
                 "%sk%d: %d", i ? ", " : "", i, i);
    strcat(target, "}");
    strcat(patch, "k0: null, k1: 100, k3: {a: 1}, new1: 5, k5: null, "
                  "k7: x, new2: 6, k9: null, k11: 11, nothere: null}");
    rp_ytree_init(&t);
    struct rp_ynode *a = rp_ytree_parse(&t, target, strlen(target), "a",
                                        &diag);
    struct rp_ynode *b = rp_ytree_parse(&t, patch, strlen(patch), "b", &diag);
    struct rp_ynode *m = rp_ytree_merge(&t, a, b);

    cr_assert_eq(m->n, 20 - 3 + 2, "three deleted, two added");
    cr_assert_null(rp_ytree_get(m, "k0"));
    cr_assert_null(rp_ytree_get(m, "k5"));
    cr_assert_null(rp_ytree_get(m, "nothere"));
    cr_assert_str_eq(rp_ytree_get(m, "k1")->text, "100");
    cr_assert_eq(rp_ytree_get(m, "k3")->kind, RP_YMAP);
    cr_assert_str_eq(rp_ytree_get(m, "k7")->text, "x");
    cr_assert_str_eq(m->pairs[0].key, "k1", "survivors keep their order");
    cr_assert_str_eq(m->pairs[1].key, "k2");
    cr_assert_str_eq(m->pairs[m->n - 2].key, "new1", "new keys at the end");
    cr_assert_str_eq(m->pairs[m->n - 1].key, "new2");
    cr_assert_eq(rp_diag_count(&diag), 0);
    rp_ytree_release(&t);
}
