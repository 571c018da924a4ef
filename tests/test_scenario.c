/*
 * test_scenario.c - the scenario loader: YAML tree, merge patches, SHA-256,
 * structs built from good files, and the exact message for bad ones.
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

#define DATA RP_SOURCE_DIR "/tests/data/"

static struct rp_diag diag;
static struct rp_scenario sc;   /* setup empties it, teardown releases it */

static void setup(void)
{
    rp_diag_init(&diag);
    memset(&sc, 0, sizeof sc);
}

static void teardown(void)
{
    rp_scenario_release(&sc);
    rp_diag_release(&diag);
}

/* Every diagnostic as "file:line:col: message\n", sorted. Caller frees. */
static char *messages(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    rp_diag_print(&diag, f);
    fclose(f);
    return buf;
}

static bool is_empty(const struct rp_scenario *s)
{
    static const struct rp_scenario zero;
    return memcmp(s, &zero, sizeof zero) == 0;
}

static bool has_line(const char *all, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = all; (p = strstr(p, line)); p++)
        if ((p == all || p[-1] == '\n') && p[n] == '\n')
            return true;
    return false;
}

/* The load fails, leaves sc empty, and reports exactly this one line. */
static void fails_with(const char *yaml, const char *line)
{
    int rc = rp_scenario_load_string(&sc, yaml, "t.yaml", NULL, &diag);
    char *all = messages();

    cr_assert_eq(rc, -1, "loaded although it should fail with %s", line);
    cr_assert(is_empty(&sc), "a failed load left the scenario filled");
    cr_assert(has_line(all, line), "expected\n  %s\ngot\n%s", line, all);
    cr_assert_eq(rp_diag_count(&diag), 1, "expected one error, got\n%s",
                 all);
    free(all);
}

static void loads(const char *yaml, const struct rp_load_opts *opts)
{
    int rc = rp_scenario_load_string(&sc, yaml, "t.yaml", opts, &diag);
    char *all = messages();
    cr_assert_eq(rc, 0, "failed to load:\n%s", all);
    free(all);
}

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

TestSuite(scenario, .init = setup, .fini = teardown);

/* ---- good files ---- */

static const char full[] =
    "ripple: 1\n"
    "name: mini-chain\n"
    "description: a small battery chain\n"
    "horizon: 1095\n"
    "warmup: 30\n"
    "replications: 50\n"
    "seed: 18446744073709551615\n"
    "confidence: 0.9\n"
    "products:\n"
    "  cathode: { unit: t }\n"
    "  pouch_film: { unit: km2, description: film }\n"
    "  cell: { unit: GWh }\n"
    "groups:\n"
    "  alliance: [US, JP]\n"
    "nodes:\n"
    "  ecopro:\n"
    "    country: KR\n"
    "    make: { product: cathode, capacity: 20 }\n"
    "    stock: { cathode: { level: 100 } }\n"
    "  dnp: { country: JP, supply: unlimited }\n"
    "  youlchon:\n"
    "    country: KR\n"
    "    supply: unlimited\n"
    "    outages: { every: 400, lasts: 3 }\n"
    "  lges:\n"
    "    name: LG Energy Solution\n"
    "    country: PL\n"
    "    owner: KR\n"
    "    tags: [cell_maker, big]\n"
    "    make:\n"
    "      product: cell\n"
    "      batch: 0.5\n"
    "      time: {dist: exponential, mean: 2}\n"
    "      servers: 2\n"
    "      inputs: { cathode: 1450, pouch_film: 0.75 }\n"
    "      to_order: true\n"
    "    stock:\n"
    "      pouch_film: { cover: 10 }\n"
    "      cathode: { policy: sS, s: 2000, S: 4500, review: 1 }\n"
    "      cell: { policy: rQ, r: 1, Q: 2, initial: 0 }\n"
    "    sources:\n"
    "      pouch_film:\n"
    "        dnp: { share: 0.95, lead_time: {dist: uniform, min: 3, max: 7} }\n"
    "        youlchon: { share: 0.05, lead_time: 2 }\n"
    "        cn: { backup: true, qualify: {dist: triangular, min: 180, "
    "mode: 365, max: 730} }\n"
    "      cathode:\n"
    "        ecopro: { lead_time: 5 }\n"
    "    outages: { every: {dist: exponential, mean: 730}, "
    "lasts: {dist: lognormal, mean: 14, sd: 7} }\n"
    "    allocation: priority\n"
    "    priority: [KR, alliance]\n"
    "  cn: { country: CN, supply: unlimited }\n"
    "  ev_makers:\n"
    "    country: US\n"
    "    demand: { product: cell, every: {dist: empirical, values: [1, 3], "
    "weights: [1, 3]}, size: 2, unmet: lost }\n"
    "    sources: { cell: { lges: { lead_time: 30 } } }\n"
    "    stock: { cell: { cover: 5 } }\n"
    "events:\n"
    "  jp_ban:\n"
    "    type: export_ban\n"
    "    from: [JP]\n"
    "    to_owner: [KR]\n"
    "    products: [pouch_film]\n"
    "    start: 180\n"
    "    severity: 0.5\n"
    "    in_transit: seize\n"
    "  jp_licence:\n"
    "    type: export_licence\n"
    "    from: alliance\n"
    "    to: [KR, PL]\n"
    "    products: [pouch_film, cathode]\n"
    "    duration: {dist: uniform, min: 365, max: 1460}\n"
    "    delay: {dist: uniform, min: 30, max: 90}\n"
    "    approval: 0.9\n"
    "  x4: { type: capacity, node: ecopro, factor: 4, ramp: 1825 }\n"
    "  plus: { type: capacity, node: ecopro, add: 2.5 }\n"
    "  fire: { type: outage, node: youlchon, start: 10, duration: 30 }\n"
    "  boom: { type: demand, node: ev_makers, start: 365, duration: 365, "
    "factor: 1.3 }\n"
    "report:\n"
    "  groups:\n"
    "    kr_owned: { country: [KR, PL], tags: [cell_maker] }\n"
    "    suppliers: { nodes: [dnp, youlchon, cn] }\n"
    "    cathode: { makes: cathode }\n"
    "  series: true\n"
    "variants:\n"
    "  no_ban: { events: { jp_ban: null } }\n"
    "  localize:\n"
    "    nodes: { lges: { sources: { pouch_film: { youlchon: { share: 0.5 }, "
    "dnp: { share: 0.5 } } } } }\n"
    "  retag: { nodes: { lges: { tags: [cell_maker] } }, horizon: 730 }\n"
    "  fire2: { events: { fire2: { type: outage, node: ecopro } } }\n";

static const struct rp_node *node(const char *id)
{
    uint32_t i = rp_scenario_node(&sc, id);
    cr_assert_neq(i, RP_NONE, "no node %s", id);
    return &sc.nodes[i];
}

static uint32_t product(const char *id)
{
    uint32_t i = rp_scenario_product(&sc, id);
    cr_assert_neq(i, RP_NONE, "no product %s", id);
    return i;
}

static const struct rp_stock *stock(const struct rp_node *nd, const char *p)
{
    for (size_t i = 0; i < nd->nstock; i++)
        if (nd->stock[i].product == product(p))
            return &nd->stock[i];
    cr_assert_fail("%s holds no %s", nd->id, p);
    return NULL;
}

static const struct rp_source *source(const struct rp_node *nd,
                                      const char *p, const char *supplier)
{
    for (size_t i = 0; i < nd->nsources; i++)
        for (size_t k = 0; k < nd->sources[i].nsources; k++)
            if (nd->sources[i].product == product(p) &&
                nd->sources[i].sources[k].supplier ==
                    rp_scenario_node(&sc, supplier))
                return &nd->sources[i].sources[k];
    cr_assert_fail("%s has no source %s of %s", nd->id, supplier, p);
    return NULL;
}

static bool dist_keyed(const struct rp_dist *d, const char *path)
{
    return d->path && !strcmp(d->path, path) &&
           d->path_hash == rp_path_hash(path);
}

Test(scenario, loads_the_top_level)
{
    loads(full, NULL);
    cr_assert_str_eq(sc.name, "mini-chain");
    cr_assert_str_eq(sc.description, "a small battery chain");
    cr_assert_str_eq(sc.variant, "base");
    cr_assert_str_eq(sc.file, "t.yaml");
    cr_assert_eq(sc.horizon, 1095);
    cr_assert_eq(sc.warmup, 30);
    cr_assert_eq(sc.replications, 50);
    cr_assert_eq(sc.seed, UINT64_MAX);
    cr_assert_eq(sc.confidence, 0.9);
    cr_assert_eq(sc.nproducts, 3);
    cr_assert_str_eq(sc.products[product("pouch_film")].unit, "km2");
    cr_assert_str_eq(sc.products[product("pouch_film")].description, "film");
    cr_assert_null(sc.products[product("cell")].description);
    cr_assert_eq(sc.nnodes, 6);
    cr_assert_eq(sc.nevents, 6);
    cr_assert(sc.series);
    cr_assert_eq(sc.nvariants, 4);
    cr_assert_str_eq(sc.variants[1], "localize");

    unsigned char d[32];
    rp_sha256(full, strlen(full), d);
    cr_assert_eq(memcmp(d, sc.sha256, 32), 0, "sha256 is not of the bytes");
}

Test(scenario, loads_nodes_with_sugar_and_defaults)
{
    loads(full, NULL);
    const struct rp_node *eco = node("ecopro"), *lg = node("lges");
    const struct rp_node *mkt = node("ev_makers"), *dnp = node("dnp");

    /* capacity: 20 is batch 20 made in a constant 1 day */
    cr_assert_eq(eco->make.product, product("cathode"));
    cr_assert_eq(eco->make.batch, 20);
    cr_assert_eq(eco->make.time.kind, RP_DIST_CONST);
    cr_assert_eq(eco->make.time.a, 1);
    cr_assert_eq(eco->make.servers, 1);
    cr_assert_not(eco->make.to_order);
    cr_assert_eq(eco->allocation, RP_ALLOC_FIFO);
    cr_assert_eq(eco->owner, RP_COUNTRY("KR"), "owner defaults to country");
    cr_assert_str_eq(eco->name, "ecopro");
    cr_assert_eq(stock(eco, "cathode")->initial, 100, "initial = level");

    cr_assert_str_eq(lg->name, "LG Energy Solution");
    cr_assert_eq(lg->country, RP_COUNTRY("PL"));
    cr_assert_eq(lg->owner, RP_COUNTRY("KR"));
    cr_assert_eq(lg->ntags, 2);
    cr_assert_str_eq(lg->tags[1], "big");
    cr_assert_eq(lg->make.batch, 0.5);
    cr_assert_eq(lg->make.servers, 2);
    cr_assert(lg->make.to_order);
    cr_assert_eq(lg->make.time.kind, RP_DIST_EXPONENTIAL);
    cr_assert_eq(lg->make.time.a, 2);
    cr_assert(dist_keyed(&lg->make.time, "nodes.lges.make.time"));
    cr_assert_eq(lg->make.ninputs, 2);
    cr_assert_eq(lg->make.inputs[0].product, product("cathode"));
    cr_assert_eq(lg->make.inputs[0].qty, 1450);

    /* cover: 10 days of film at 0.5 * 2 / 2 = 0.5 cells/day, 0.75 each */
    cr_assert_float_eq(stock(lg, "pouch_film")->level, 10 * 0.5 * 0.75,
                       1e-12);
    cr_assert_eq(stock(lg, "pouch_film")->policy, RP_POLICY_BASE_STOCK);
    cr_assert_float_eq(stock(lg, "pouch_film")->initial, 3.75, 1e-12);
    cr_assert_eq(stock(lg, "cathode")->policy, RP_POLICY_SS);
    cr_assert_eq(stock(lg, "cathode")->s, 2000);
    cr_assert_eq(stock(lg, "cathode")->S, 4500);
    cr_assert_eq(stock(lg, "cathode")->initial, 4500, "initial = S");
    cr_assert_eq(stock(lg, "cathode")->review, 1);
    cr_assert_eq(stock(lg, "cell")->policy, RP_POLICY_RQ);
    cr_assert_eq(stock(lg, "cell")->Q, 2);
    cr_assert_eq(stock(lg, "cell")->initial, 0, "initial given");
    cr_assert_eq(stock(lg, "cell")->review, 0);

    const struct rp_source *s = source(lg, "pouch_film", "dnp");
    cr_assert_eq(s->share, 0.95);
    cr_assert_eq(s->lead_time.kind, RP_DIST_UNIFORM);
    cr_assert_eq(s->lead_time.a, 3);
    cr_assert_eq(s->lead_time.b, 7);
    cr_assert(dist_keyed(&s->lead_time,
                         "nodes.lges.sources.pouch_film.dnp.lead_time"));
    cr_assert_not(s->backup);
    s = source(lg, "pouch_film", "cn");
    cr_assert(s->backup);
    cr_assert_eq(s->share, 0, "backup share defaults to 0");
    cr_assert_eq(s->qualify.kind, RP_DIST_TRIANGULAR);
    cr_assert_eq(s->qualify.c, 730);
    cr_assert(dist_keyed(&s->qualify,
                         "nodes.lges.sources.pouch_film.cn.qualify"));
    s = source(lg, "cathode", "ecopro");
    cr_assert_eq(s->share, 1, "a lone source takes it all");
    cr_assert_eq(s->lead_time.a, 5);

    cr_assert(lg->outages.present);
    cr_assert_eq(lg->outages.lasts.kind, RP_DIST_LOGNORMAL);
    cr_assert_eq(lg->outages.lasts.b, 7);
    cr_assert(dist_keyed(&lg->outages.every, "nodes.lges.outages.every"));
    cr_assert_eq(lg->allocation, RP_ALLOC_PRIORITY);
    cr_assert_eq(lg->npriority, 2);
    cr_assert(rp_cset_has(&lg->priority[0], RP_COUNTRY("KR")));
    cr_assert_not(rp_cset_has(&lg->priority[0], RP_COUNTRY("US")));
    cr_assert(rp_cset_has(&lg->priority[1], RP_COUNTRY("US")));
    cr_assert(rp_cset_has(&lg->priority[1], RP_COUNTRY("JP")));

    cr_assert(dnp->unlimited);
    cr_assert_eq(dnp->make.product, RP_NONE);
    cr_assert_eq(dnp->demand.product, RP_NONE);
    cr_assert_not(dnp->outages.present);

    /* an empirical demand gap, mean (1 + 3 * 3) / 4 = 2.5 days */
    cr_assert_eq(mkt->demand.product, product("cell"));
    cr_assert_eq(mkt->demand.unmet, RP_UNMET_LOST);
    cr_assert_eq(mkt->demand.every.kind, RP_DIST_EMPIRICAL);
    cr_assert_not_null(mkt->demand.every.table, "empirical not prepared");
    cr_assert_eq(mkt->demand.every.n, 2);
    cr_assert_eq(mkt->demand.size.a, 2);
    cr_assert(dist_keyed(&mkt->demand.size, "nodes.ev_makers.demand.size"));
    /* cover: 5 days of 2 units every 2.5 days */
    cr_assert_float_eq(stock(mkt, "cell")->level, 5 * 2 / 2.5, 1e-12);
}

Test(scenario, loads_events_and_report_groups)
{
    loads(full, NULL);
    const struct rp_disruption *ban = &sc.events[rp_scenario_event(&sc,
                                                                   "jp_ban")];
    const struct rp_disruption *lic =
        &sc.events[rp_scenario_event(&sc, "jp_licence")];
    const struct rp_disruption *x4 = &sc.events[rp_scenario_event(&sc, "x4")];
    const struct rp_disruption *plus =
        &sc.events[rp_scenario_event(&sc, "plus")];
    const struct rp_disruption *boom =
        &sc.events[rp_scenario_event(&sc, "boom")];

    cr_assert_eq(ban->type, RP_EVENT_EXPORT_BAN);
    cr_assert(rp_cset_has(&ban->from, RP_COUNTRY("JP")));
    cr_assert_not(rp_cset_has(&ban->from, RP_COUNTRY("KR")));
    cr_assert(ban->by_owner);
    cr_assert(rp_cset_has(&ban->to_owner, RP_COUNTRY("KR")));
    cr_assert_eq(ban->nproducts, 1);
    cr_assert_eq(ban->products[0], product("pouch_film"));
    cr_assert_eq(ban->start.a, 180);
    cr_assert(dist_keyed(&ban->start, "events.jp_ban.start"));
    cr_assert_eq(ban->duration.kind, RP_DIST_FOREVER, "default forever");
    cr_assert_eq(ban->severity, 0.5);
    cr_assert_eq(ban->in_transit, RP_IN_TRANSIT_SEIZE);

    cr_assert_eq(lic->type, RP_EVENT_EXPORT_LICENCE);
    cr_assert(rp_cset_has(&lic->from, RP_COUNTRY("US")), "group expanded");
    cr_assert_not(lic->by_owner);
    cr_assert(rp_cset_has(&lic->to, RP_COUNTRY("PL")));
    cr_assert_eq(lic->start.kind, RP_DIST_CONST);
    cr_assert_eq(lic->start.a, 0, "start defaults to 0");
    cr_assert_eq(lic->duration.kind, RP_DIST_UNIFORM);
    cr_assert(dist_keyed(&lic->delay, "events.jp_licence.delay"));
    cr_assert_eq(lic->delay.b, 90);
    cr_assert_eq(lic->approval, 0.9);
    cr_assert_eq(ban->approval, 1);

    cr_assert_eq(x4->node, rp_scenario_node(&sc, "ecopro"));
    cr_assert(x4->has_factor);
    cr_assert_eq(x4->factor, 4);
    cr_assert_eq(x4->ramp, 1825);
    cr_assert_not(plus->has_factor);
    cr_assert_eq(plus->add, 2.5);
    cr_assert_eq(plus->ramp, 0);
    cr_assert_eq(boom->factor, 1.3);

    /* KR or PL with the tag: lges only (ecopro and youlchon lack it) */
    const struct rp_report_group *g =
        &sc.report_groups[rp_scenario_report_group(&sc, "kr_owned")];
    cr_assert_eq(g->nnodes, 1);
    cr_assert_eq(g->nodes[0], rp_scenario_node(&sc, "lges"));
    g = &sc.report_groups[rp_scenario_report_group(&sc, "suppliers")];
    cr_assert_eq(g->nnodes, 3);
    g = &sc.report_groups[rp_scenario_report_group(&sc, "cathode")];
    cr_assert_eq(g->nnodes, 1);
    cr_assert_eq(g->nodes[0], rp_scenario_node(&sc, "ecopro"));
    cr_assert_eq(rp_scenario_report_group(&sc, "nope"), RP_NONE);
}

Test(scenario, variant_deletes_with_null)
{
    struct rp_load_opts o = { .variant = "no_ban" };

    loads(full, &o);
    cr_assert_str_eq(sc.variant, "no_ban");
    cr_assert_eq(sc.nevents, 5);
    cr_assert_eq(rp_scenario_event(&sc, "jp_ban"), RP_NONE);
    cr_assert_neq(rp_scenario_event(&sc, "x4"), RP_NONE);
    cr_assert_eq(sc.nvariants, 4, "the names stay known");
}

Test(scenario, variant_merges_maps_and_keeps_the_rest)
{
    struct rp_load_opts o = { .variant = "localize" };

    loads(full, &o);
    const struct rp_node *lg = node("lges");
    cr_assert_eq(source(lg, "pouch_film", "dnp")->share, 0.5);
    cr_assert_eq(source(lg, "pouch_film", "youlchon")->share, 0.5);
    /* keys the patch did not name are untouched */
    cr_assert_eq(source(lg, "pouch_film", "dnp")->lead_time.kind,
                 RP_DIST_UNIFORM);
    cr_assert(source(lg, "pouch_film", "cn")->backup);
    cr_assert_eq(sc.nevents, 6);
}

Test(scenario, variant_replaces_lists_and_adds_entries)
{
    struct rp_load_opts o = { .variant = "retag" };

    loads(full, &o);
    cr_assert_eq(node("lges")->ntags, 1, "a list is replaced, not merged");
    cr_assert_str_eq(node("lges")->tags[0], "cell_maker");
    cr_assert_eq(sc.horizon, 730);
    rp_scenario_release(&sc);

    o.variant = "fire2";
    loads(full, &o);
    cr_assert_eq(sc.nevents, 7);
    uint32_t e = rp_scenario_event(&sc, "fire2");
    cr_assert_eq(sc.events[e].type, RP_EVENT_OUTAGE);
    cr_assert_eq(sc.events[e].node, rp_scenario_node(&sc, "ecopro"));
}

Test(scenario, base_variant_is_the_file_itself)
{
    struct rp_load_opts o = { .variant = "base" };

    loads(full, &o);
    cr_assert_str_eq(sc.variant, "base");
    cr_assert_eq(sc.nevents, 6);
}

Test(scenario, overrides_set_scalars_after_the_variant)
{
    const struct rp_override set[] = {
        { "horizon", "400" },           /* after every event's start */
        { "events.jp_licence.duration", "forever" },
        { "nodes.lges.sources.pouch_film.dnp.lead_time", "4" },
        { "events.x4", "null" },
        { "nodes.lges.sources.pouch_film.youlchon.share", "0.25" },
        { "nodes.lges.sources.pouch_film.dnp.share", "0.75" },
    };
    struct rp_load_opts o = { .variant = "retag", .overrides = set,
                              .noverrides = 6 };

    loads(full, &o);
    cr_assert_eq(sc.horizon, 400, "--set beats the variant's 730");
    cr_assert_eq(node("lges")->ntags, 1, "the variant still applied");
    uint32_t e = rp_scenario_event(&sc, "jp_licence");
    cr_assert_eq(sc.events[e].duration.kind, RP_DIST_FOREVER);
    const struct rp_source *s = source(node("lges"), "pouch_film", "dnp");
    cr_assert_eq(s->lead_time.kind, RP_DIST_CONST);
    cr_assert_eq(s->lead_time.a, 4);
    cr_assert_eq(s->share, 0.75);
    cr_assert_eq(rp_scenario_event(&sc, "x4"), RP_NONE, "null deletes");
}

Test(scenario, extends_applies_the_child_as_a_merge_patch)
{
    cr_assert_eq(rp_scenario_load(&sc, DATA "child.yaml", NULL, &diag), 0);
    cr_assert_str_eq(sc.name, "child-chain");
    cr_assert_eq(sc.horizon, 365, "from the base");
    cr_assert_eq(sc.seed, 7);
    const struct rp_node *m = node("mkt");
    cr_assert_eq(m->demand.size.a, 4, "added by the child");
    cr_assert_eq(m->demand.every.a, 2, "kept from the base");
    cr_assert_eq(rp_scenario_event(&sc, "ban"), RP_NONE, "deleted by null");
    cr_assert_neq(rp_scenario_event(&sc, "fire"), RP_NONE);
    cr_assert_eq(sc.nvariants, 2, "variants of both files");

    /* the hash is of the top file's bytes */
    FILE *f = fopen(DATA "child.yaml", "rb");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    unsigned char d[32];
    rp_sha256(buf, n, d);
    cr_assert_eq(memcmp(d, sc.sha256, 32), 0);
}

Test(scenario, extends_and_variants_combine)
{
    struct rp_load_opts o = { .variant = "slow" };   /* defined in the base */

    cr_assert_eq(rp_scenario_load(&sc, DATA "child.yaml", &o, &diag), 0);
    cr_assert_eq(source(node("mkt"), "p", "src")->lead_time.a, 9);
    rp_scenario_release(&sc);
    o.variant = "fast";                             /* in the child */
    cr_assert_eq(rp_scenario_load(&sc, DATA "child.yaml", &o, &diag), 0);
    cr_assert_eq(source(node("mkt"), "p", "src")->lead_time.a, 1);
}

Test(scenario, name_defaults_to_the_file_stem)
{
    cr_assert_eq(rp_scenario_load(&sc, DATA "base.yaml", NULL, &diag), 0);
    cr_assert_str_eq(sc.name, "base-chain");
    rp_scenario_release(&sc);
    cr_assert_eq(rp_scenario_load_string(&sc,
                     "ripple: 1\nhorizon: 5\nproducts: {p: }\n"
                     "nodes: {a: {country: FR}}\n", "dir/my.file.yaml",
                     NULL, &diag), 0);
    cr_assert_str_eq(sc.name, "my.file");
    cr_assert_eq(sc.replications, 1000);
    cr_assert_eq(sc.seed, 1);
    cr_assert_eq(sc.confidence, 0.95);
    cr_assert_eq(sc.nevents, 0);
    cr_assert_eq(sc.nreport_groups, 0, "none unless asked");
    cr_assert_not(sc.series);
}

Test(scenario, summary_fits_and_names_things)
{
    char *buf = NULL;
    size_t len = 0;

    loads(full, NULL);
    FILE *f = open_memstream(&buf, &len);
    rp_describe_scenario(&sc, f);
    fclose(f);
    cr_assert(strstr(buf, "mini-chain"));
    cr_assert(strstr(buf, "KR 2: ecopro youlchon"), "%s", buf);
    cr_assert(strstr(buf, "pouch_film 3"), "%s", buf);
    cr_assert(strstr(buf, "jp_ban: export_ban"), "%s", buf);
    cr_assert(strstr(buf, "kr_owned (1 nodes)"), "%s", buf);
    size_t lines = 0;
    for (const char *p = buf; *p; p++)
        lines += *p == '\n';
    cr_assert_leq(lines, 25, "more than a screen:\n%s", buf);
    free(buf);
}

Test(scenario, releasing_twice_or_empty_is_safe)
{
    rp_scenario_release(&sc);
    loads(full, NULL);
    rp_scenario_release(&sc);
    cr_assert(is_empty(&sc));
    rp_scenario_release(&sc);
}

/* ---- bad input: the exact line for each mistake ---- */

#define HEAD "ripple: 1\nhorizon: 100\nproducts: {p: {}, q: {}}\nnodes:\n"
#define SRC "  src: {country: JP, supply: unlimited}\n"
#define MKT "  mkt:\n    country: US\n    demand: {product: p, every: 1}\n"
/* lines 1-4 HEAD, 5 SRC, 6-8 MKT, 9 the market's sources */
#define MINI HEAD SRC MKT "    sources: {p: {src: {lead_time: 1}}}\n"

/* The load fails and reports this line among others. */
static void reports(const char *yaml, const struct rp_load_opts *opts,
                    const char *line)
{
    int rc = rp_scenario_load_string(&sc, yaml, "t.yaml", opts, &diag);
    char *all = messages();

    cr_assert_eq(rc, -1, "loaded although it should fail with %s", line);
    cr_assert(is_empty(&sc), "a failed load left the scenario filled");
    cr_assert(has_line(all, line), "expected\n  %s\ngot\n%s", line, all);
    free(all);
}

Test(scenario, mini_is_valid)
{
    loads(MINI, NULL);
    cr_assert_eq(sc.nnodes, 2);
}

Test(scenario, unknown_key_suggests_the_known_one)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {lead_tme: 1}}}\n",
               "t.yaml:9:25: unknown key 'lead_tme' in source 'src' "
               "(did you mean 'lead_time'?)");
}

Test(scenario, unknown_top_level_key)
{
    fails_with(MINI "horizn: 5\n",
               "t.yaml:10:1: unknown key 'horizn' at top level "
               "(did you mean 'horizon'?)");
}

Test(scenario, unknown_node_suggests_the_known_one)
{
    fails_with(HEAD SRC MKT "    sources: {p: {scr: {lead_time: 1}}}\n",
               "t.yaml:9:19: unknown node 'scr' in sources of 'mkt' "
               "(did you mean 'src'?)");
}

Test(scenario, unknown_node_far_from_any_has_no_suggestion)
{
    fails_with(HEAD SRC MKT "    sources: {p: {zzzz: {lead_time: 1}}}\n",
               "t.yaml:9:19: unknown node 'zzzz' in sources of 'mkt'");
}

Test(scenario, shares_must_sum_to_one)
{
    fails_with(HEAD SRC "  src2: {country: KR, supply: unlimited}\n" MKT
               "    sources:\n"
               "      p: {src: {share: 0.6}, src2: {share: 0.3}}\n",
               "t.yaml:11:7: shares of 'p' in sources of 'mkt' sum to 0.9, "
               "not 1");
}

Test(scenario, several_sources_need_shares)
{
    fails_with(HEAD SRC "  src2: {country: KR, supply: unlimited}\n" MKT
               "    sources:\n"
               "      p: {src: {share: 1}, src2: {lead_time: 1}}\n",
               "t.yaml:11:28: missing key 'share' in source 'src2' "
               "('p' has 2 sources)");
}

Test(scenario, negative_lead_time)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {lead_time: -3}}}\n",
               "t.yaml:9:36: lead_time must be a non-negative number, "
               "not -3");
}

Test(scenario, infinite_horizon)
{
    fails_with("ripple: 1\nhorizon: .inf\nproducts: {p: {}, q: {}}\n"
               "nodes:\n" SRC MKT "    sources: {p: {src: {}}}\n",
               "t.yaml:2:10: horizon must be a finite number, not .inf");
}

Test(scenario, nan_lead_time)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {lead_time: .nan}}}\n",
               "t.yaml:9:36: lead_time must be a finite number, not .nan");
}

Test(scenario, wrong_type_of_scalar)
{
    fails_with("ripple: 1\nhorizon: long\nproducts: {p: {}, q: {}}\n"
               "nodes:\n" SRC MKT "    sources: {p: {src: {}}}\n",
               "t.yaml:2:10: horizon must be a number, not 'long'");
}

Test(scenario, wrong_type_of_collection)
{
    reports("ripple: 1\nhorizon: 5\nproducts: [p, q]\nnodes:\n" SRC MKT
            "    sources: {p: {src: {}}}\n", NULL,
            "t.yaml:3:11: products must be a map, not a list");
}

Test(scenario, missing_horizon)
{
    /* and warmup is not then checked against a horizon it cannot know */
    fails_with("ripple: 1\nwarmup: 30\nproducts: {p: {}}\nnodes:\n" SRC MKT
               "    sources: {p: {src: {}}}\n",
               "t.yaml:1:1: missing key 'horizon' at top level");
}

Test(scenario, unknown_product)
{
    fails_with(HEAD SRC "  mkt:\n    country: US\n"
               "    demand: {product: x, every: 1}\n"
               "    sources: {p: {src: {}}}\n",
               "t.yaml:8:23: unknown product 'x' in demand of 'mkt'");
}

Test(scenario, bad_country)
{
    fails_with(HEAD SRC "  mkt:\n    country: Korea\n"
               "    demand: {product: p, every: 1}\n"
               "    sources: {p: {src: {}}}\n",
               "t.yaml:7:14: country must be a two-letter ISO code, "
               "not 'Korea'");
}

Test(scenario, unknown_distribution)
{
    fails_with(HEAD SRC MKT
               "    sources: {p: {src: {lead_time: "
               "{dist: poisson, mean: 3}}}}\n",
               "t.yaml:9:43: unknown distribution 'poisson' (known: "
               "exponential, lognormal, gamma, normal, uniform, triangular, "
               "weibull, geometric, empirical)");
}

Test(scenario, bad_distribution_parameter)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {lead_time: "
               "{dist: lognormal, mean: 5, sd: -1}}}}\n",
               "t.yaml:9:36: lognormal sd must be positive, not -1");
}

Test(scenario, parameter_of_another_family)
{
    reports(HEAD SRC MKT "    sources: {p: {src: {lead_time: "
            "{dist: uniform, min: 1, mx: 3}}}}\n", NULL,
            "t.yaml:9:36: missing key 'max' in uniform distribution");
    cr_assert_eq(rp_diag_count(&diag), 2);
    char *all = messages();
    cr_assert(has_line(all, "t.yaml:9:60: unknown key 'mx' in uniform "
                            "distribution (did you mean 'max'?)"), "%s", all);
    free(all);
}

Test(scenario, empirical_weights_must_match_values)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {lead_time: "
               "{dist: empirical, values: [1, 2], weights: [1]}}}}\n",
               "t.yaml:9:79: weights must have as many entries as values "
               "(2), not 1");
}

Test(scenario, forever_only_where_a_duration_may_be_unbounded)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {lead_time: forever}}}\n",
               "t.yaml:9:36: lead_time cannot be forever");
}

Test(scenario, zero_time_cycle)
{
    fails_with(HEAD SRC MKT "    sources: {p: {a: {lead_time: 1}}}\n"
               "  a:\n    country: FR\n    stock: {p: {level: 1}}\n"
               "    sources: {p: {b: {}}}\n"
               "  b:\n    country: DE\n    stock: {p: {level: 1}}\n"
               "    sources: {p: {a: {}}}\n",
               "t.yaml:13:19: sources form a cycle with no lead time: "
               "a -> b -> a");
}

Test(scenario, cycle_with_a_lead_time_is_fine)
{
    loads(HEAD SRC MKT "    sources: {p: {a: {lead_time: 1}}}\n"
          "  a:\n    country: FR\n    stock: {p: {level: 1}}\n"
          "    sources: {p: {b: {}}}\n"
          "  b:\n    country: DE\n    stock: {p: {level: 1}}\n"
          "    sources: {p: {a: {lead_time: 0.5}}}\n", NULL);
}

Test(scenario, duplicate_key)
{
    fails_with("ripple: 1\nhorizon: 100\nhorizon: 200\n"
               "products: {p: {}, q: {}}\nnodes:\n" SRC MKT
               "    sources: {p: {src: {}}}\n",
               "t.yaml:3:1: duplicate key 'horizon'");
}

Test(scenario, yaml_syntax_error)
{
    fails_with("ripple: 1\nhorizon: 100: 3\n",
               "t.yaml:2:13: mapping values are not allowed in this context");
}

Test(scenario, unknown_event_type)
{
    fails_with(MINI "events:\n  e1: {type: embargo}\n",
               "t.yaml:11:14: unknown event type 'embargo' (known: "
               "export_ban, export_licence, capacity, outage, demand)");
}

Test(scenario, unknown_variant)
{
    struct rp_load_opts o = { .variant = "v3" };

    int rc = rp_scenario_load_string(&sc, MINI "variants:\n"
                                     "  v1: {horizon: 5}\n  v2: {}\n",
                                     "t.yaml", &o, &diag);
    char *all = messages();
    cr_assert_eq(rc, -1);
    cr_assert(is_empty(&sc));
    cr_assert_str_eq(all, "--variant:1:1: unknown variant 'v3' "
                          "(known: v1, v2)\n");
    free(all);
}

Test(scenario, unknown_variant_when_there_are_none)
{
    struct rp_load_opts o = { .variant = "v3" };

    reports(MINI, &o, "--variant:1:1: unknown variant 'v3' "
                      "(the file defines none)");
}

Test(scenario, extends_cycle)
{
    int rc = rp_scenario_load(&sc, DATA "cycle_a.yaml", NULL, &diag);
    char *all = messages();

    cr_assert_eq(rc, -1);
    cr_assert(is_empty(&sc));
    cr_assert_str_eq(all, DATA "cycle_b.yaml:1:10: extends forms a cycle: "
                     DATA "cycle_a.yaml -> " DATA "cycle_b.yaml -> "
                     DATA "cycle_a.yaml\n");
    free(all);
}

Test(scenario, extends_a_missing_file)
{
    int rc = rp_scenario_load(&sc, DATA "missing_base.yaml", NULL, &diag);
    char *all = messages();

    cr_assert_eq(rc, -1);
    cr_assert_str_eq(all, DATA "missing_base.yaml:2:10: cannot read '"
                     DATA "no_such_file.yaml': no such file or directory\n");
    free(all);
}

Test(scenario, error_in_a_patch_points_at_the_patch)
{
    int rc = rp_scenario_load(&sc, DATA "child_bad.yaml", NULL, &diag);
    char *all = messages();

    cr_assert_eq(rc, -1);
    cr_assert_str_eq(all, DATA "child_bad.yaml:4:39: lead_time must be a "
                     "non-negative number, not -2\n");
    free(all);
}

Test(scenario, absurd_size)
{
    fails_with(HEAD SRC "  mkt:\n    country: US\n"
               "    demand: {product: p, every: 1, size: 1e16}\n"
               "    sources: {p: {src: {}}}\n",
               "t.yaml:8:42: size must be at most 1e+15, not 1e16");
}

Test(scenario, absurd_horizon)
{
    fails_with("ripple: 1\nhorizon: 1e8\nproducts: {p: {}, q: {}}\n"
               "nodes:\n" SRC MKT "    sources: {p: {src: {}}}\n",
               "t.yaml:2:10: horizon must be at most 1e+07, not 1e8");
}

Test(scenario, every_error_is_reported_at_once)
{
    int rc = rp_scenario_load_string(&sc,
        "ripple: 1\nhorizon: long\nproducts: {p: {}, q: {}}\nnodes:\n" SRC
        "  mkt:\n    country: Korea\n    demand: {product: p, every: 1}\n"
        "    sources: {p: {src: {lead_tme: 1}}}\n", "t.yaml", NULL, &diag);
    char *all = messages();

    cr_assert_eq(rc, -1);
    cr_assert(is_empty(&sc));
    cr_assert_str_eq(all,
        "t.yaml:2:10: horizon must be a number, not 'long'\n"
        "t.yaml:7:14: country must be a two-letter ISO code, not 'Korea'\n"
        "t.yaml:9:25: unknown key 'lead_tme' in source 'src' "
        "(did you mean 'lead_time'?)\n");
    free(all);
}

Test(scenario, bad_override)
{
    const struct rp_override set[] = { { "horizon", "50" },
                                       { "horizon", "long" } };
    struct rp_load_opts o = { .overrides = set, .noverrides = 2 };

    reports(MINI, &o, "--set:2:1: horizon must be a number, not 'long'");
    cr_assert_eq(rp_diag_count(&diag), 1);
}

Test(scenario, override_cannot_go_through_a_scalar)
{
    const struct rp_override set[] = { { "horizon.x", "5" } };
    struct rp_load_opts o = { .overrides = set, .noverrides = 1 };

    reports(MINI, &o, "--set:1:1: --set horizon.x: no such path in the "
                      "scenario tree");
}

Test(scenario, make_and_demand_on_one_node)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {}}}\n"
               "    make: {product: q, capacity: 1}\n",
               "t.yaml:8:5: node 'mkt' cannot both make and have demand");
}

Test(scenario, supplier_must_be_able_to_supply)
{
    fails_with(HEAD "  src: {country: JP}\n" MKT
               "    sources: {p: {src: {}}}\n",
               "t.yaml:9:19: node 'src' cannot supply 'p'");
}

Test(scenario, node_cannot_source_from_itself)
{
    reports(HEAD SRC MKT "    sources: {p: {mkt: {lead_time: 1}}}\n", NULL,
            "t.yaml:9:19: node 'mkt' cannot source from itself");
}

Test(scenario, capacity_event_needs_a_maker)
{
    fails_with(MINI "events:\n  x: {type: capacity, node: src, factor: 2}\n",
               "t.yaml:11:29: node 'src' of event 'x' makes nothing");
}

Test(scenario, demand_event_needs_a_market)
{
    fails_with(MINI "events:\n  x: {type: demand, node: src, factor: 2}\n",
               "t.yaml:11:27: node 'src' of event 'x' is not a market");
}

Test(scenario, report_group_that_selects_nothing)
{
    fails_with(MINI "report:\n  groups:\n    g: {country: CN}\n",
               "t.yaml:12:5: report group 'g' selects no node");
}

Test(scenario, input_without_sources)
{
    fails_with(HEAD SRC "  mkt:\n    country: US\n"
               "    demand: {product: p, every: 1}\n"
               "    sources: {p: {fab: {}}}\n"
               "  fab:\n    country: FR\n"
               "    make: {product: p, capacity: 1, inputs: {q: 2}}\n",
               "t.yaml:12:46: input 'q' of 'fab' has no sources");
}

Test(scenario, cover_needs_a_known_use)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {}}}\n"
               "    stock: {q: {cover: 3}}\n",
               "t.yaml:10:24: cover has no known use of 'q' in 'mkt': it "
               "neither makes, uses nor sells it");
}

Test(scenario, capacity_with_time)
{
    fails_with(HEAD SRC "  mkt:\n    country: US\n"
               "    demand: {product: p, every: 1}\n"
               "    sources: {p: {fab: {}}}\n"
               "  fab:\n    country: FR\n"
               "    make: {product: p, capacity: 1, time: 2}\n",
               "t.yaml:12:34: capacity cannot be given with batch or time in "
               "make of 'fab'");
}

Test(scenario, ss_needs_s_at_most_S)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {}}}\n"
               "    stock: {p: {policy: sS, s: 5, S: 2}}\n",
               "t.yaml:10:32: s must be at most S (2), not 5");
}

Test(scenario, policy_keys_must_fit_the_policy)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {}}}\n"
               "    stock: {p: {level: 5, Q: 2}}\n",
               "t.yaml:10:27: Q does not apply to policy base_stock");
}

Test(scenario, severity_above_one)
{
    fails_with(MINI "events:\n  b: {type: export_ban, from: [JP], to: [US], "
               "products: [p], severity: 1.5}\n",
               "t.yaml:11:72: severity must be in (0, 1], not 1.5");
}

Test(scenario, unknown_country_or_group_in_a_ban)
{
    fails_with(MINI "groups: {allies: [US]}\n"
               "events:\n  b: {type: export_ban, from: [alies], to: [US], "
               "products: [p]}\n",
               "t.yaml:12:32: unknown country or group 'alies' in from "
               "(did you mean 'allies'?)");
}

Test(scenario, ban_needs_to_or_to_owner)
{
    fails_with(MINI "events:\n  b: {type: export_ban, from: [JP], "
               "products: [p]}\n",
               "t.yaml:11:3: missing key 'to' or 'to_owner' in event 'b'");
}

Test(scenario, replications_must_be_whole)
{
    fails_with(MINI "replications: 2.5\n",
               "t.yaml:10:15: replications must be a whole number from 1 to "
               "1000000000, not 2.5");
}

Test(scenario, seed_must_fit_64_bits)
{
    fails_with(MINI "seed: 18446744073709551616\n",
               "t.yaml:10:7: seed must be a whole number from 0 to "
               "18446744073709551615, not '18446744073709551616'");
}

Test(scenario, warmup_must_end_before_the_horizon)
{
    fails_with(MINI "warmup: 100\n",
               "t.yaml:10:9: warmup must be less than horizon (100), not 100");
}

Test(scenario, format_version)
{
    fails_with("ripple: 2\nhorizon: 100\nproducts: {p: {}}\nnodes:\n" SRC MKT
               "    sources: {p: {src: {}}}\n",
               "t.yaml:1:9: ripple must be 1 (the format version), not 2");
}

Test(scenario, priority_allocation_needs_a_list)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {}}}\n"
               "    allocation: priority\n",
               "t.yaml:10:17: allocation priority needs a priority list in "
               "node 'mkt'");
}

Test(scenario, market_needs_sources)
{
    fails_with(HEAD SRC MKT,
               "t.yaml:8:5: market 'mkt' has no sources for 'p'");
}

Test(scenario, scenario_must_be_a_map)
{
    fails_with("- 1\n- 2\n",
               "t.yaml:1:1: a scenario must be a map, not a list");
}

/*
 * A node whose country failed validation is still looked at by later
 * checks (report selectors, event matching): it must be in no set, not
 * crash them. Found by mutating the flagship.
 */
Test(scenario, a_bad_country_is_reported_once_and_breaks_no_later_check)
{
    fails_with("ripple: 1\nhorizon: 10\nproducts: { x: {} }\n"
               "nodes:\n"
               "  a: { country: K, supply: unlimited }\n"
               "  b: { country: KR, demand: { product: x, every: 1 }, sources: { x: { a: {} } } }\n"
               "events:\n"
               "  ban: { type: export_ban, from: [JP], to: [KR], products: [x] }\n"
               "report:\n"
               "  groups: { kr: { country: KR } }\n",
               "t.yaml:5:17: country must be a two-letter ISO code, not 'K'");
}

/* ---- limits and messages of the hardening issue (8) ---- */

/* The load of text fails, and its first (sorted) message is line. */
static void first_is(const char *text, size_t len, const struct rp_load_opts *o,
                     const char *line)
{
    char *buf = rp_xmalloc(len + 1);
    memcpy(buf, text, len);
    buf[len] = '\0';
    FILE *f = fopen(RP_BINARY_DIR "/t_first.yaml", "wb");
    cr_assert_not_null(f);
    fwrite(text, 1, len, f);
    fclose(f);
    int rc = rp_scenario_load(&sc, RP_BINARY_DIR "/t_first.yaml", o, &diag);
    char *all = messages();
    const char *msg = strncmp(all, RP_BINARY_DIR "/", strlen(RP_BINARY_DIR "/"))
                          ? all : all + strlen(RP_BINARY_DIR "/");
    cr_assert_eq(rc, -1, "loaded although it should fail with %s", line);
    cr_assert(is_empty(&sc));
    cr_assert(strncmp(msg, line, strlen(line)) == 0 &&
              msg[strlen(line)] == '\n', "expected\n  %s\ngot\n%s", line,
              all);
    free(all);
    free(buf);
}

/* A text of n copies of piece between head and tail. Caller frees. */
static char *repeat(const char *head, const char *piece, size_t n,
                    const char *tail, size_t *len)
{
    size_t hl = strlen(head), pl = strlen(piece), tl = strlen(tail);
    char *s = rp_xmalloc(hl + n * pl + tl + 1);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + hl + i * pl, piece, pl);
    memcpy(s + hl + n * pl, tail, tl + 1);
    *len = hl + n * pl + tl;
    return s;
}

Test(scenario, deep_nesting_is_refused_at_the_limit)
{
    size_t len;
    char *open = repeat("ripple: 1\nhorizon: ", "[", 100000, "", &len);
    char *all = repeat(open, "]", 100000, "\n", &len);
    /* the top map is level 1: refused at the 200th "[" */
    first_is(all, len, NULL, "t_first.yaml:2:209: scenario nests more than "
             "200 levels here; the limit is 200");
    free(open);
    free(all);
}

Test(scenario, a_hundred_thousand_duplicate_keys_are_found_by_hashing)
{
    size_t len;
    char *s = repeat("ripple: 1\nhorizon: 1\nx: {a: 1", ", a: 1", 100000,
                     "}\n", &len);
    int rc = rp_scenario_load_string(&sc, s, "t.yaml", NULL, &diag);
    cr_assert_eq(rc, -1);
    cr_assert_eq(rp_diag_count(&diag), 100000 + 3,
                 "each duplicate, 'x' and two missing keys");
    cr_assert_eq(diag.len, RP_DIAG_MAX, "the rest are counted, not kept");
    free(s);
}

Test(scenario, aliases_cannot_explode)
{
    /* "billion laughs": each level nine aliases of the one before */
    char text[4096] = "ripple: 1\nl0: &l0 [x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 10; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text),
                 "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, "
                 "*l%d]\n", i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
                 i - 1, i - 1, i - 1);
    int rc = rp_scenario_load_string(&sc, text, "t.yaml", NULL, &diag);
    char *all = messages();
    cr_assert_eq(rc, -1);
    cr_assert(strstr(all, "values; the limit is 10 per value written (") &&
              strstr(all, ") plus 100000\n"), "%s", all);
    free(all);
}

Test(scenario, an_alias_inside_its_anchor_is_refused)
{
    fails_with("ripple: 1\nx: &a [1, *a]\n",
               "t.yaml:2:11: alias '*a' refers to a node that contains it");
}

Test(scenario, an_unknown_alias_is_refused)
{
    fails_with("ripple: 1\nx: *nowhere\n",
               "t.yaml:2:4: unknown alias '*nowhere'");
}

Test(scenario, a_megabyte_key_gets_a_clear_message)
{
    size_t len;
    char *s = repeat("ripple: 1\n", "k", 1 << 20, ": 1\n", &len);
    first_is(s, len, NULL, "t_first.yaml:2:1: key is longer than 1024 "
             "characters; the limit is 256");
    free(s);
}

Test(scenario, a_long_quoted_key_names_its_length)
{
    size_t len;
    char *s = repeat(MINI "\"", "k", 300, "\": 1\n", &len);
    fails_with(s, "t.yaml:10:1: key is 300 bytes long; the limit is 256");
    free(s);
}

Test(scenario, bad_utf8_is_reported_where_it_is)
{
    static const char text[] = "ripple: 1\nhorizon: 100\nname: ab\xff\n";
    first_is(text, sizeof text - 1, NULL, "t_first.yaml:3:9: invalid leading "
             "UTF-8 octet (byte 0xFF)");
}

Test(scenario, a_nul_is_reported_where_it_is)
{
    static const char text[] = "ripple: 1\nhorizon: 100\n\n  name: x\0y\n";
    first_is(text, sizeof text - 1, NULL, "t_first.yaml:4:10: control "
             "characters are not allowed (byte 0x00)");
}

Test(scenario, a_control_character_is_reported_where_it_is)
{
    static const char text[] = "ripple: 1\nname: \x07\n";
    first_is(text, sizeof text - 1, NULL, "t_first.yaml:2:7: control "
             "characters are not allowed (byte 0x07)");
}

Test(scenario, only_regular_files_are_read)
{
    int rc = rp_scenario_load(&sc, RP_SOURCE_DIR "/tests", NULL, &diag);
    char *all = messages();
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(all, RP_SOURCE_DIR "/tests: cannot read '" RP_SOURCE_DIR
                     "/tests': a directory, not a regular file\n");
    free(all);
}

Test(scenario, a_device_is_not_read)
{
    int rc = rp_scenario_load(&sc, "/dev/zero", NULL, &diag);
    char *all = messages();
    cr_assert_eq(rc, -1);
    cr_assert_str_eq(all, "/dev/zero: cannot read '/dev/zero': a device, not "
                     "a regular file\n");
    free(all);
}

Test(scenario, a_file_above_the_size_limit_is_not_read)
{
    struct rp_load_opts o = { .max_file_size = 100 };
    int rc = rp_scenario_load(&sc, DATA "base.yaml", &o, &diag);
    char *all = messages();
    cr_assert_eq(rc, -1);
    cr_assert(strstr(all, "bytes; the limit is 100\n"), "%s", all);
    free(all);
}

Test(scenario, a_quoted_number_is_a_string)
{
    fails_with("ripple: 1\nhorizon: \"365\"\nproducts: {p: {}, q: {}}\n"
               "nodes:\n" SRC MKT "    sources: {p: {src: {}}}\n",
               "t.yaml:2:10: horizon must be a number, not the quoted "
               "string '365'");
}

Test(scenario, an_unassigned_country_code_is_refused)
{
    fails_with(HEAD "  src: {country: XK, supply: unlimited}\n" MKT
               "    sources: {p: {src: {}}}\n",
               "t.yaml:5:18: country 'XK' is not an ISO 3166 alpha-2 "
               "country code");
}

/* Every two-letter code loads exactly when Debian's iso-codes assigns it. */
Test(scenario, country_codes_are_the_iso_3166_list)
{
    FILE *f = fopen("/usr/share/iso-codes/json/iso_3166-1.json", "rb");
    cr_assert_not_null(f, "install iso-codes (scripts/deps.sh)");
    static char json[1 << 20];
    size_t n = fread(json, 1, sizeof json - 1, f);
    fclose(f);
    json[n] = '\0';
    int assigned = 0;
    for (char a = 'A'; a <= 'Z'; a++) {
        for (char b = 'A'; b <= 'Z'; b++) {
            char key[32], text[512];
            snprintf(key, sizeof key, "\"alpha_2\": \"%c%c\"", a, b);
            bool in = strstr(json, key) != NULL;
            snprintf(text, sizeof text, HEAD "  src: {country: %c%c, supply: "
                     "unlimited}\n" MKT "    sources: {p: {src: {}}}\n", a, b);
            int rc = rp_scenario_load_string(&sc, text, "t.yaml", NULL, &diag);
            cr_assert_eq(rc, in ? 0 : -1, "%c%c", a, b);
            rp_scenario_release(&sc);
            assigned += in;
        }
    }
    cr_assert_eq(assigned, 249);
}

Test(scenario, shares_show_their_real_sum)
{
    fails_with(HEAD SRC "  src2: {country: JP, supply: unlimited}\n" MKT
               "    sources: {p: {src: {share: 0.5}, src2: {share: 0.5000001}}}"
               "\n",
               "t.yaml:10:15: shares of 'p' in sources of 'mkt' sum to "
               "1.0000001, not 1");
}

Test(scenario, an_event_after_the_horizon_is_refused)
{
    fails_with(MINI "events:\n  late: {type: outage, node: src, start: 150}\n",
               "t.yaml:11:42: start must be before the horizon (100), not "
               "150");
}

Test(scenario, a_random_start_after_the_horizon_is_refused)
{
    fails_with(MINI "events:\n  late: {type: outage, node: src, start: "
               "{dist: uniform, min: 120, max: 200}}\n",
               "t.yaml:11:42: start is never before the horizon (100): its "
               "least value is 120");
}

Test(scenario, ids_are_letters_digits_underscores_and_dashes)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {}}}\n"
               "  \"a,b\": {country: JP, supply: unlimited}\n",
               "t.yaml:10:3: node id 'a,b' must be letters, digits, '_' and "
               "'-' only");
}

Test(scenario, a_triangular_with_an_extra_key_is_an_error_not_a_crash)
{
    fails_with(HEAD SRC MKT "    sources: {p: {src: {lead_time: {dist: "
               "triangular, min: 1, mode: 2, max: 3, extra: 1}}}}\n",
               "t.yaml:9:80: unknown key 'extra' in triangular "
               "distribution");
}

Test(scenario, too_many_overrides_name_the_limit)
{
    struct rp_override set[RP_MAX_OVERRIDES + 1];
    for (size_t i = 0; i <= RP_MAX_OVERRIDES; i++)
        set[i] = (struct rp_override){ "horizon", "50" };
    struct rp_load_opts o = { .overrides = set,
                              .noverrides = RP_MAX_OVERRIDES + 1 };
    reports(MINI, &o, "--set:17:1: too many --set overrides (17); the limit "
                      "is 16");
}

Test(scenario, every_variant_is_checked_whichever_is_loaded)
{
    static const char text[] = MINI "variants:\n"
        "  fine: {horizon: 50}\n"
        "  broken: {nodes: {mkt: {sources: {p: {src: {lead_time: -1}}}}}}\n";
    struct rp_load_opts o = { .variant = "fine" };
    FILE *f = fopen(RP_BINARY_DIR "/t_variants.yaml", "wb");
    fputs(text, f);
    fclose(f);

    int rc = rp_scenario_load(&sc, RP_BINARY_DIR "/t_variants.yaml", &o,
                              &diag);
    cr_assert_eq(rc, 0, "the plain load checks only the variant it loads");
    rp_scenario_release(&sc);
    rc = rp_scenario_load_strict(&sc, RP_BINARY_DIR "/t_variants.yaml", &o,
                                 &diag);
    char *all = messages();
    cr_assert_eq(rc, -1);
    cr_assert(is_empty(&sc));
    cr_assert_str_eq(all, RP_BINARY_DIR "/t_variants.yaml:12:57: lead_time "
                     "must be a non-negative number, not -1 (in variant "
                     "'broken')\n");
    free(all);
}

/* --set belongs to the tree being run: a path only the chosen variant
 * has is no error of the others, and a bad value still is one of it. */
Test(scenario, overrides_apply_only_to_the_variant_that_is_loaded)
{
    static const char text[] = MINI "variants:\n"
        "  cut: {events: {cut: {type: outage, node: src, start: 5, duration: 5}}}\n"
        "  other: {horizon: 50}\n";
    struct rp_override set[] = { { "events.cut.duration", "9" } };
    struct rp_load_opts o = { .variant = "cut", .overrides = set, .noverrides = 1 };
    FILE *f = fopen(RP_BINARY_DIR "/t_variants_set.yaml", "wb");
    fputs(text, f);
    fclose(f);
    int rc = rp_scenario_load_strict(&sc, RP_BINARY_DIR "/t_variants_set.yaml", &o, &diag);
    char *all = messages();
    cr_assert_eq(rc, 0, "the others were checked with the override: %s", all);
    free(all);
    rp_scenario_release(&sc);
    set[0].value = "-9";
    rc = rp_scenario_load_strict(&sc, RP_BINARY_DIR "/t_variants_set.yaml", &o, &diag);
    all = messages();
    cr_assert_eq(rc, -1, "a bad override of the chosen variant loaded");
    cr_assert(strstr(all, "(in variant") == NULL, "%s", all);
    free(all);
}

Test(scenario, a_valid_file_loads_strictly)
{
    struct rp_load_opts o = { .variant = "retag" };
    FILE *f = fopen(RP_BINARY_DIR "/t_full.yaml", "wb");
    fputs(full, f);
    fclose(f);
    cr_assert_eq(rp_scenario_load_strict(&sc, RP_BINARY_DIR "/t_full.yaml",
                                         &o, &diag), 0);
    cr_assert_str_eq(sc.variant, "retag");
    cr_assert_eq(sc.horizon, 730);
}

/* ---- the Additions of the format: loaded, checked, stored ---- */

#define ADD_HEAD                                                            \
    "ripple: 1\nhorizon: 400\ncurrency: USD\nproducts: {p: {}, q: {}}\n"    \
    "groups: {alliance: [US, JP]}\nnodes:\n"                                \
    "  src: {country: JP, supply: unlimited}\n"                             \
    "  cn: {country: CN, supply: unlimited}\n"
/* lines 1-8 ADD_HEAD; 9-19 the maker; 20-22 its allocation; 23-26 market */
#define ADD_MK                                                              \
    "  mk:\n    country: KR\n    owner: JP\n"                               \
    "    make: {product: p, capacity: 1, inputs: {q: 2}, margin: 9.0e7}\n"  \
    "    stock:\n"                                                          \
    "      q: {level: 5, holding: 2.0e3, alert: {cover: 90}}\n"             \
    "      p: {cover: 3, alert: {level: 10}}\n"                             \
    "    sources:\n      q:\n"                                              \
    "        src: {share: 1, lead_time: 1, price: 3.0e6}\n"                 \
    "        cn: {share: 0, backup: true, qualify: 30, "                    \
    "trigger: {fill: 0.8, window: 30}}\n"
#define ADD_MKT                                                             \
    "  mkt:\n    country: US\n"                                             \
    "    demand: {product: p, every: 1, penalty: 1.2e8}\n"                  \
    "    sources: {p: {mk: {lead_time: 1}}}\n"

static const char additions[] =
    ADD_HEAD ADD_MK
    "    allocation: quota\n"
    "    quota: {alliance: 0.85, KR: 0.10, other: 0.05}\n"
    "    priority_by: owner\n"
    ADD_MKT
    "events:\n"
    "  ban: {type: export_ban, from: [JP], to: [KR], products: [q], "
    "start: 180, severity: 1, announce: 30, cost: 1.5e8}\n"
    "  grow: {type: capacity, node: mk, path: [[0, 0], [100, 1.0], "
    "[300, 3.0]]}\n"
    "  boom: {type: demand, node: mkt, factor: 1.3, ramp: 100}\n"
    "  zero: {type: capacity, node: mk, factor: 0, start: 10, duration: 5}\n"
    "uncertain:\n"
    "  events.ban.severity: {dist: uniform, min: 0.5, max: 1}\n"
    "  nodes.mk.make.capacity: {dist: triangular, min: 0.5, mode: 1, "
    "max: 1.5}\n";

Test(scenario, additions_load_into_the_structs)
{
    loads(additions, NULL);
    cr_assert_str_eq(sc.currency, "USD");
    const struct rp_node *mk = node("mk");
    cr_assert_eq(mk->make.margin, 9.0e7);
    cr_assert_eq(node("mkt")->demand.penalty, 1.2e8);
    const struct rp_stock *q = stock(mk, "q");
    cr_assert_eq(q->holding, 2.0e3);
    cr_assert(q->has_alert);
    cr_assert_eq(q->alert_cover, 90);
    cr_assert_eq(q->alert_level, 180, "90 days x 1/day x 2 q per p");
    const struct rp_stock *p = stock(mk, "p");
    cr_assert_eq(p->cover, 3, "cover kept, for levels that follow capacity");
    cr_assert_eq(p->level, 3);
    cr_assert(p->has_alert && p->alert_level == 10 && p->alert_cover == 0);
    cr_assert_eq(source(mk, "q", "src")->price, 3.0e6);
    const struct rp_source *cn = source(mk, "q", "cn");
    cr_assert(cn->has_trigger);
    cr_assert_eq(cn->trigger_fill, 0.8);
    cr_assert_eq(cn->trigger_window, 30);
    cr_assert_eq(mk->allocation, RP_ALLOC_QUOTA);
    cr_assert_eq(mk->priority_by, RP_BY_OWNER);
    cr_assert_eq(mk->nquota, 3);
    cr_assert(rp_cset_has(&mk->quota[0].members, RP_COUNTRY("JP")));
    cr_assert_eq(mk->quota[0].share, 0.85);
    cr_assert(mk->quota[2].other);
    cr_assert_eq(node("src")->priority_by, RP_BY_COUNTRY, "the default");

    const struct rp_disruption *ban =
        &sc.events[rp_scenario_event(&sc, "ban")];
    cr_assert_eq(ban->announce, 30);
    cr_assert_eq(ban->cost, 1.5e8);
    const struct rp_disruption *grow =
        &sc.events[rp_scenario_event(&sc, "grow")];
    cr_assert_eq(grow->npath, 3);
    cr_assert_eq(grow->path[0].factor, 0, "a plant not yet built");
    cr_assert_eq(grow->path[2].day, 300);
    cr_assert_eq(grow->path[2].factor, 3.0);
    cr_assert_not(grow->has_factor);
    const struct rp_disruption *boom =
        &sc.events[rp_scenario_event(&sc, "boom")];
    cr_assert_eq(boom->ramp, 100, "ramp works on demand too");
    const struct rp_disruption *zero =
        &sc.events[rp_scenario_event(&sc, "zero")];
    cr_assert(zero->has_factor && zero->factor == 0);

    cr_assert_eq(sc.nuncertain, 2);
    cr_assert_str_eq(sc.uncertain[0].path, "events.ban.severity");
    cr_assert_eq(sc.uncertain[0].dist.kind, RP_DIST_UNIFORM);
    cr_assert(dist_keyed(&sc.uncertain[0].dist,
                         "uncertain.events.ban.severity"));
    cr_assert_eq(sc.uncertain[1].dist.kind, RP_DIST_TRIANGULAR);
    cr_assert_eq(sc.uncertain[1].loc.line, 34, "the line of its key");
}

Test(scenario, costs_default_to_zero)
{
    loads(MINI, NULL);
    cr_assert_null(sc.currency);
    cr_assert_eq(node("mkt")->demand.penalty, 0);
    cr_assert_eq(source(node("mkt"), "p", "src")->price, 0);
    cr_assert_eq(sc.nuncertain, 0);
}

/* The additions file with one line swapped for another. */
static char *with(const char *old, const char *new)
{
    const char *at = strstr(additions, old);
    cr_assert_not_null(at, "no '%s' in the additions file", old);
    size_t n = strlen(additions) - strlen(old) + strlen(new) + 1;
    char *s = rp_xmalloc(n);
    snprintf(s, n, "%.*s%s%s", (int)(at - additions), additions, new,
             at + strlen(old));
    return s;
}

static void additions_reports(const char *old, const char *new,
                              const char *line)
{
    char *s = with(old, new);
    reports(s, NULL, line);
    free(s);
}

static void additions_fail(const char *old, const char *new,
                           const char *line)
{
    char *s = with(old, new);
    fails_with(s, line);
    free(s);
}

Test(scenario, a_trigger_is_for_backups)
{
    additions_fail("price: 3.0e6}", "price: 3.0e6, trigger: {fill: 1, "
                   "window: 1}}", "t.yaml:18:53: trigger applies only to "
                   "backup sources");
}

Test(scenario, a_trigger_fill_is_at_most_one)
{
    additions_fail("fill: 0.8", "fill: 1.2", "t.yaml:19:67: fill must be "
                   "in (0, 1], not 1.2");
}

Test(scenario, a_trigger_needs_its_window)
{
    additions_fail(", window: 30}", "}", "t.yaml:19:60: missing key "
                   "'window' in trigger");
}

Test(scenario, path_days_must_increase)
{
    additions_fail("[300, 3.0]", "[90, 3.0]", "t.yaml:29:64: path days must "
                   "increase: 90 follows 100");
}

Test(scenario, path_factors_are_not_negative)
{
    additions_fail("[100, 1.0]", "[100, -1]", "t.yaml:29:57: a path factor "
                   "must be a non-negative number, not -1");
}

Test(scenario, a_path_point_is_a_pair)
{
    additions_fail("[100, 1.0]", "[100]", "t.yaml:29:51: a path point must "
                   "be a list [day, factor]");
}

Test(scenario, path_cannot_be_given_with_factor)
{
    additions_fail("node: mk, path:", "node: mk, factor: 2, path:",
                   "t.yaml:29:53: path cannot be given with factor");
}

Test(scenario, ramp_cannot_be_given_with_path)
{
    additions_fail("node: mk, path:", "node: mk, ramp: 5, path:",
                   "t.yaml:29:36: ramp cannot be given with path (a path "
                   "says how the factor changes)");
}

Test(scenario, quota_shares_sum_to_one)
{
    additions_fail("other: 0.05", "other: 0.1", "t.yaml:21:5: quota shares "
                   "of 'mk' sum to 1.05, not 1");
}

Test(scenario, quota_classes_do_not_overlap)
{
    additions_fail("KR: 0.10", "JP: 0.10", "t.yaml:21:29: quota class 'JP' "
                   "overlaps an earlier class: a buyer would be in two");
}

Test(scenario, quota_classes_are_countries_or_groups)
{
    additions_fail("KR: 0.10", "Korea: 0.10", "t.yaml:21:29: unknown "
                   "country or group 'Korea' in quota");
}

Test(scenario, quota_needs_allocation_quota)
{
    additions_reports("    allocation: quota\n", "", "t.yaml:20:5: quota "
                   "applies only to allocation: quota");
}

Test(scenario, allocation_quota_needs_a_quota)
{
    additions_fail("    quota: {alliance: 0.85, KR: 0.10, other: 0.05}\n", "",
                   "t.yaml:20:17: allocation quota needs a quota map in "
                   "node 'mk'");
}

Test(scenario, priority_by_is_owner_or_country)
{
    additions_fail("priority_by: owner", "priority_by: flag",
                   "t.yaml:22:18: priority_by must be one of country, "
                   "owner, not 'flag'");
}

Test(scenario, priority_by_needs_a_ranking_allocation)
{
    additions_fail("    allocation: quota\n"
                   "    quota: {alliance: 0.85, KR: 0.10, other: 0.05}\n", "",
                   "t.yaml:20:5: priority_by applies only to allocation: "
                   "priority or quota");
}

Test(scenario, announce_is_not_negative)
{
    additions_fail("announce: 30", "announce: -30", "t.yaml:28:99: announce "
                   "must be a non-negative number, not -30");
}

Test(scenario, announce_is_for_restrictions)
{
    additions_fail("factor: 0, start: 10", "factor: 0, announce: 5, start: 10",
                   "t.yaml:31:47: unknown key 'announce' in event 'zero'");
}

Test(scenario, costs_are_not_negative)
{
    additions_fail("price: 3.0e6", "price: -1", "t.yaml:18:46: price must "
                   "be a non-negative number, not -1");
}

Test(scenario, an_alert_needs_cover_or_level)
{
    additions_fail("alert: {level: 10}", "alert: {}", "t.yaml:15:28: alert "
                   "needs cover or level");
}

Test(scenario, an_uncertain_path_must_exist)
{
    additions_fail("events.ban.severity:", "events.ban.severty:",
                   "t.yaml:33:3: uncertain input 'events.ban.severty' names "
                   "no value of the scenario");
}

Test(scenario, an_uncertain_path_must_be_a_scalar)
{
    additions_fail("events.ban.severity:", "events.ban:",
                   "t.yaml:33:3: uncertain input 'events.ban' must name a "
                   "single value, not a map");
}

Test(scenario, an_uncertain_input_is_a_distribution)
{
    additions_fail("events.ban.severity: {dist: uniform, min: 0.5, max: 1}",
                   "events.ban.severity: 0.7", "t.yaml:33:24: uncertain "
                   "input 'events.ban.severity' must be a distribution "
                   "{dist: ...}, not '0.7'");
}

Test(scenario, a_set_start_after_the_horizon_is_left_to_the_run)
{
    const struct rp_override set[] = { { "events.late.start", "150" } };
    struct rp_load_opts o = { .overrides = set, .noverrides = 1 };

    loads(MINI "events:\n  late: {type: outage, node: src, start: 5}\n", &o);
    cr_assert_eq(sc.events[0].start.a, 150, "sweeps may cross the horizon");
}

/*
 * The vocabularies are listed once in C (RP_DIST_FAMILIES, RP_EVENT_TYPES);
 * the JSON Schema shipped beside them must name each, so the two cannot
 * drift apart unnoticed.
 */
Test(scenario, the_schema_names_every_family_and_event_type)
{
    static const char *const names[] = {
#define FAMILY_(k, name, p1, p2, p3) name,
        RP_DIST_FAMILIES(FAMILY_)
#undef FAMILY_
#define TYPE_(k, name) name,
        RP_EVENT_TYPES(TYPE_)
#undef TYPE_
    };
    FILE *f = fopen(RP_SOURCE_DIR "/schema/ripple-scenario.schema.json", "rb");
    cr_assert_not_null(f);
    static char json[1 << 20];
    size_t n = fread(json, 1, sizeof json - 1, f);
    fclose(f);
    json[n] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char quoted[64];
        snprintf(quoted, sizeof quoted, "\"%s\"", names[i]);
        cr_expect(strstr(json, quoted), "the schema does not name %s",
                  names[i]);
    }
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
