/*
 * test_scenario.c - the scenario loader on good files: the structs built
 * from them, variants, overrides and extends, the summary, strict loads
 * that check every variant, and the vocabularies (country codes, the JSON
 * Schema's families and event types). Bad input is in
 * test_scenario_errors.c and test_scenario_limits.c, the format's
 * Additions in test_scenario_additions.c, the YAML tree and SHA-256 in
 * test_scenario_yaml.c.
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
