/*
 * test_scenario_errors.c - the scenario loader on bad input: the exact
 * file:line:col message for each mistake (unknown keys and names, shares,
 * types, distributions, cycles, variants, extends, overrides, the checks
 * across nodes and events), and every error reported at once.
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

/* ---- bad input: the exact line for each mistake ---- */

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
