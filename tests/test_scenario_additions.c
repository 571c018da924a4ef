/*
 * test_scenario_additions.c - the Additions of the format (costs,
 * triggers, paths, quotas, priorities, announcements, alerts, uncertain
 * inputs): loaded into the structs, checked with the exact message,
 * stored.
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
