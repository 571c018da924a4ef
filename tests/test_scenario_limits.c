/*
 * test_scenario_limits.c - the limits and messages of the hardening issue
 * (8): nesting, duplicate keys, aliases, key lengths, bad bytes, what
 * files are read and how big, quoted numbers, country codes, ids and
 * overrides, each refused with a clear message at its place.
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
