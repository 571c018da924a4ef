/*
 * scenario_read.c - typed readers of YAML tree nodes, and the loader's
 * messages.
 *
 * Each reader takes a node and the key it was written under, checks the
 * value's type and range, and on a bad value reports it where it was
 * written ("horizon must be a number, not 'long'") and returns false,
 * leaving the caller's default in place. Numbers are YAML's: a quoted
 * "365" is a string, .inf and .nan are spelled YAML's way.
 */
#include "scenario_impl.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/idmap.h"

void ld_err(struct ld *ld, struct rp_loc loc, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rp_diag_at(ld->diag, loc, "%s", buf);
}

/* Levenshtein distance, for "did you mean"; long words are never close. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];

    if (la >= 64 || lb >= 64)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/*
 * " (did you mean 'x'?)" when one candidate is at most two edits away (and
 * fewer edits than the word has letters), else "". Written to buf.
 */
const char *ld_hint(char *buf, size_t cap, const char *word,
                        const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bestd = 3, len = strlen(word);

    /* O(n) candidates, but only those of about the right length pay for a
     * distance: the lengths of a pair bound its distance from below. */
    for (size_t i = 0; i < n; i++) {
        size_t cl = cands[i] ? strlen(cands[i]) : SIZE_MAX;
        if (cl == SIZE_MAX || (cl > len ? cl - len : len - cl) > 2)
            continue;
        size_t d = distance(word, cands[i]);
        if (d < bestd && d < len) {
            best = cands[i];
            bestd = d;
        }
    }
    if (best)
        snprintf(buf, cap, " (did you mean '%s'?)", best);
    else
        buf[0] = '\0';
    return buf;
}

/*
 * v as %g writes it, unless that would look like ref although v is not ref
 * (shares summing to 1.0000001 "sum to 1, not 1"): then the shortest text
 * that reads back as v.
 */
const char *ld_real_vs(char *buf, size_t cap, double v, double ref)
{
    char r[32];

    snprintf(buf, cap, "%g", v);
    snprintf(r, sizeof r, "%g", ref);
    for (int prec = 7; v != ref && !strcmp(buf, r) && prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

const char *ld_real(char *buf, size_t cap, double v)
{
    snprintf(buf, cap, "%g", v);
    return buf;
}

size_t ld_count_of(const char *const *list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

/* "a, b, c" into buf. */
const char *ld_join(char *buf, size_t cap, const char *const *list,
                        size_t n)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s",
                                 i ? ", " : "", list[i]);
    return buf;
}

/* How a text looks in a message: quoted, cut at 60 characters. */
const char *ld_shown_text(const char *t, char *buf, size_t cap)
{
    snprintf(buf, cap, "'%.60s%s'", t, strlen(t) > 60 ? "..." : "");
    return buf;
}

/* How a value that has the wrong type looks in a message. */
const char *ld_shown(const struct rp_ynode *n, char *buf, size_t cap)
{
    switch (n->kind) {
    case RP_YNULL:
        return "null";
    case RP_YSEQ:
        return "a list";
    case RP_YMAP:
        return "a map";
    case RP_YSCALAR:
        break;
    }
    return ld_shown_text(n->text, buf, cap);
}

/* Reports every key of map not in allowed (NULL-terminated). */
void ld_check_keys(struct ld *ld, const struct rp_ynode *map,
                       const char *const *allowed, const char *ctx)
{
    char h[128];

    if (!map || map->kind != RP_YMAP)
        return;
    for (size_t i = 0; i < map->n; i++) {
        const struct rp_ypair *p = &map->pairs[i];
        size_t k = 0;
        while (allowed[k] && strcmp(allowed[k], p->key))
            k++;
        if (!allowed[k])
            ld_err(ld, p->key_loc, "unknown key '%s' %s%s", p->key, ctx,
                ld_hint(h, sizeof h, p->key, allowed, ld_count_of(allowed)));
    }
}

/* A map or nothing: anything else is reported as "<what> must be a map". */
bool ld_is_map(struct ld *ld, const struct rp_ynode *n, const char *what)
{
    char b[80];

    if (n->kind == RP_YMAP)
        return true;
    ld_err(ld, n->loc, "%s must be a map, not %s", what, ld_shown(n, b, sizeof b));
    return false;
}

bool ld_is_seq(struct ld *ld, const struct rp_ynode *n, const char *what)
{
    char b[80];

    if (n->kind == RP_YSEQ)
        return true;
    ld_err(ld, n->loc, "%s must be a list, not %s", what, ld_shown(n, b, sizeof b));
    return false;
}

const struct rp_ynode *ld_require(struct ld *ld, const struct rp_ynode *map,
                                      struct rp_loc at, const char *key,
                                      const char *ctx)
{
    const struct rp_ynode *n = rp_ytree_get(map, key);

    if (!n)
        ld_err(ld, at, "missing key '%s' %s", key, ctx);
    return n;
}

/* YAML spells infinity and not-a-number its own way; strtod does not. */
static bool parse_double(const char *s, double *out)
{
    const char *p = s + (*s == '+' || *s == '-');
    char *end;

    if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF")) {
        *out = *s == '-' ? -HUGE_VAL : HUGE_VAL;
        return true;
    }
    if (!strcmp(p, ".nan") || !strcmp(p, ".NaN") || !strcmp(p, ".NAN")) {
        *out = NAN;
        return true;
    }
    if (!*s || isspace((unsigned char)*s))
        return false;
    errno = 0;
    *out = strtod(s, &end);
    return end != s && !*end;
}

/* Reads a finite number of the given sign, at most max. */
bool ld_num(struct ld *ld, const struct rp_ynode *n, const char *key,
                enum sign sign, double max, double *out)
{
    double v;
    char b[80];

    if (n->kind != RP_YSCALAR || !parse_double(n->text, &v)) {
        ld_err(ld, n->loc, "%s must be a number, not %s", key,
            ld_shown(n, b, sizeof b));
        return false;
    }
    if (!n->plain) {                    /* YAML's "365" is a string */
        ld_err(ld, n->loc, "%s must be a number, not the quoted string %s", key,
            ld_shown(n, b, sizeof b));
        return false;
    }
    if (!isfinite(v)) {
        ld_err(ld, n->loc, "%s must be a finite number, not %s", key, n->text);
        return false;
    }
    if (sign == NONNEG && v < 0) {
        ld_err(ld, n->loc, "%s must be a non-negative number, not %s", key,
            n->text);
        return false;
    }
    if (sign == POS && !(v > 0)) {
        ld_err(ld, n->loc, "%s must be a positive number, not %s", key, n->text);
        return false;
    }
    if (v > max) {
        ld_err(ld, n->loc, "%s must be at most %g, not %s", key, max, n->text);
        return false;
    }
    *out = v;
    return true;
}

/* Reads an optional number into *out, which keeps its default if absent. */
bool ld_opt_num(struct ld *ld, const struct rp_ynode *map, const char *key,
                    enum sign sign, double max, double *out)
{
    const struct rp_ynode *n = rp_ytree_get(map, key);
    return n ? ld_num(ld, n, key, sign, max, out) : true;
}

/* A whole number in [lo, hi]. */
bool ld_whole(struct ld *ld, const struct rp_ynode *n, const char *key,
                  double lo, double hi, double *out)
{
    double v;

    if (!ld_num(ld, n, key, ANY, INFINITY, &v))
        return false;
    if (v != floor(v) || v < lo || v > hi) {
        ld_err(ld, n->loc, "%s must be a whole number from %.0f to %.0f, not %s",
            key, lo, hi, n->text);
        return false;
    }
    *out = v;
    return true;
}

const char *ld_text(struct ld *ld, const struct rp_ynode *n,
                        const char *key)
{
    char b[80];

    if (n->kind != RP_YSCALAR) {
        ld_err(ld, n->loc, "%s must be a string, not %s", key,
            ld_shown(n, b, sizeof b));
        return NULL;
    }
    return rp_arena_strdup(ld->a, n->text);
}

bool ld_boolean(struct ld *ld, const struct rp_ynode *n, const char *key,
                    bool *out)
{
    static const char *const yes[] = { "true", "True", "TRUE", NULL };
    static const char *const no[] = { "false", "False", "FALSE", NULL };
    char b[80];

    for (int i = 0; n->kind == RP_YSCALAR && n->plain && yes[i]; i++) {
        if (!strcmp(n->text, yes[i]) || !strcmp(n->text, no[i])) {
            *out = !strcmp(n->text, yes[i]);
            return true;
        }
    }
    ld_err(ld, n->loc, "%s must be true or false, not %s%s", key,
           n->kind == RP_YSCALAR && !n->plain ? "the quoted string " : "",
           ld_shown(n, b, sizeof b));
    return false;
}

/* One of names (NULL-terminated); *out is the index. */
bool ld_choice(struct ld *ld, const struct rp_ynode *n, const char *key,
                   const char *const *names, int *out)
{
    char b[80], list[256];
    size_t count = ld_count_of(names);

    for (size_t i = 0; n->kind == RP_YSCALAR && i < count; i++) {
        if (!strcmp(n->text, names[i])) {
            *out = (int)i;
            return true;
        }
    }
    ld_err(ld, n->loc, "%s must be one of %s, not %s", key,
        ld_join(list, sizeof list, names, count), ld_shown(n, b, sizeof b));
    return false;
}

/* ISO 3166-1 alpha-2: the 249 officially assigned codes (checked against
 * Debian's iso-codes, iso_3166-1.json, by tests/test_scenario.c). */
static const char iso3166[] =
    "AD" "AE" "AF" "AG" "AI" "AL" "AM" "AO" "AQ" "AR" "AS" "AT" "AU" "AW" "AX"
    "AZ" "BA" "BB" "BD" "BE" "BF" "BG" "BH" "BI" "BJ" "BL" "BM" "BN" "BO" "BQ"
    "BR" "BS" "BT" "BV" "BW" "BY" "BZ" "CA" "CC" "CD" "CF" "CG" "CH" "CI" "CK"
    "CL" "CM" "CN" "CO" "CR" "CU" "CV" "CW" "CX" "CY" "CZ" "DE" "DJ" "DK" "DM"
    "DO" "DZ" "EC" "EE" "EG" "EH" "ER" "ES" "ET" "FI" "FJ" "FK" "FM" "FO" "FR"
    "GA" "GB" "GD" "GE" "GF" "GG" "GH" "GI" "GL" "GM" "GN" "GP" "GQ" "GR" "GS"
    "GT" "GU" "GW" "GY" "HK" "HM" "HN" "HR" "HT" "HU" "ID" "IE" "IL" "IM" "IN"
    "IO" "IQ" "IR" "IS" "IT" "JE" "JM" "JO" "JP" "KE" "KG" "KH" "KI" "KM" "KN"
    "KP" "KR" "KW" "KY" "KZ" "LA" "LB" "LC" "LI" "LK" "LR" "LS" "LT" "LU" "LV"
    "LY" "MA" "MC" "MD" "ME" "MF" "MG" "MH" "MK" "ML" "MM" "MN" "MO" "MP" "MQ"
    "MR" "MS" "MT" "MU" "MV" "MW" "MX" "MY" "MZ" "NA" "NC" "NE" "NF" "NG" "NI"
    "NL" "NO" "NP" "NR" "NU" "NZ" "OM" "PA" "PE" "PF" "PG" "PH" "PK" "PL" "PM"
    "PN" "PR" "PS" "PT" "PW" "PY" "QA" "RE" "RO" "RS" "RU" "RW" "SA" "SB" "SC"
    "SD" "SE" "SG" "SH" "SI" "SJ" "SK" "SL" "SM" "SN" "SO" "SR" "SS" "ST" "SV"
    "SX" "SY" "SZ" "TC" "TD" "TF" "TG" "TH" "TJ" "TK" "TL" "TM" "TN" "TO" "TR"
    "TT" "TV" "TW" "TZ" "UA" "UG" "UM" "US" "UY" "UZ" "VA" "VC" "VE" "VG" "VI"
    "VN" "VU" "WF" "WS" "YE" "YT" "ZA" "ZM" "ZW";

/* Two capitals, whether assigned or not: the shape of a country code. */
bool ld_looks_like_country(const char *s)
{
    return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && !s[2];
}

/* An assigned ISO 3166 alpha-2 code. The table is sorted: binary search. */
bool ld_is_country(const char *s)
{
    size_t lo = 0, hi = (sizeof iso3166 - 1) / 2;

    if (!ld_looks_like_country(s))
        return false;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strncmp(iso3166 + 2 * mid, s, 2);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

bool ld_country(struct ld *ld, const struct rp_ynode *n, const char *key,
                    rp_country *out)
{
    char b[80];

    if (n->kind != RP_YSCALAR || !ld_looks_like_country(n->text)) {
        ld_err(ld, n->loc, "%s must be a two-letter ISO code, not %s", key,
            ld_shown(n, b, sizeof b));
        return false;
    }
    if (!ld_is_country(n->text)) {
        ld_err(ld, n->loc, "%s '%s' is not an ISO 3166 alpha-2 country code",
            key, n->text);
        return false;
    }
    *out = RP_COUNTRY(n->text);
    return true;
}

uint32_t ld_find(const struct rp_scenario *sc, enum id_kind kind,
                     const char *id)
{
    uint32_t i = rp_idmap_get(sc->ids, kind, id);
    return i == RP_IDMAP_NONE ? RP_NONE : i;
}

/* Registers id (arena-owned) as entry i of its kind. */
void ld_name_id(struct ld *ld, enum id_kind kind, const char *id,
                    size_t i)
{
    rp_idmap_put(ld->sc->ids, kind, id, (uint32_t)i);
}

/* Past this many errors an unknown id gets no "did you mean": each hint
 * scans every id, and a file of a million bad references must still be
 * refused fast. */
#define HINT_ERRORS 100

static const char *id_hint(struct ld *ld, char *buf, size_t cap,
                           const char *word, const char *const *ids,
                           size_t n)
{
    if (rp_diag_count(ld->diag) >= HINT_ERRORS) {
        buf[0] = '\0';
        return buf;
    }
    return ld_hint(buf, cap, word, ids, n);
}

/* The index of a product named by n, or RP_NONE after an error. */
uint32_t ld_product_ref(struct ld *ld, const struct rp_ynode *n,
                            struct rp_loc loc, const char *id,
                            const char *ctx)
{
    char h[128];
    uint32_t i;

    if (n && n->kind != RP_YSCALAR) {
        char b[80];
        ld_err(ld, n->loc, "product must be a product id, not %s",
            ld_shown(n, b, sizeof b));
        return RP_NONE;
    }
    i = ld_find(ld->sc, ID_PRODUCT, id);
    if (i == RP_NONE)
        ld_err(ld, loc, "unknown product '%s' %s%s", id, ctx,
               id_hint(ld, h, sizeof h, id, ld->product_ids,
                       ld->sc->nproducts));
    return i;
}

uint32_t ld_node_ref(struct ld *ld, struct rp_loc loc, const char *id,
                         const char *ctx)
{
    char h[128];
    uint32_t i = ld_find(ld->sc, ID_NODE, id);

    if (i == RP_NONE)
        ld_err(ld, loc, "unknown node '%s' %s%s", id, ctx,
               id_hint(ld, h, sizeof h, id, ld->node_ids, ld->sc->nnodes));
    return i;
}

/*
 * A set of countries from a country code, a group id, or a list of them.
 * Empty sets are refused: a rule that matches no one is a mistake.
 */
bool ld_cset(struct ld *ld, const struct rp_ynode *n, const char *key,
                 struct rp_cset *out)
{
    const struct rp_ynode *one[1] = { n };
    const struct rp_ynode *const *items = one;
    size_t count = 1;
    bool ok = true;
    char b[80], h[128];

    memset(out, 0, sizeof *out);
    if (n->kind == RP_YSEQ) {
        items = (const struct rp_ynode *const *)n->items;
        count = n->n;
        if (count == 0) {
            ld_err(ld, n->loc, "%s must name at least one country or group", key);
            return false;
        }
    }
    for (size_t i = 0; i < count; i++) {
        const struct rp_ynode *it = items[i];
        if (it->kind != RP_YSCALAR) {
            ld_err(ld, it->loc, "%s must list country codes or groups, not %s",
                key, ld_shown(it, b, sizeof b));
            ok = false;
            continue;
        }
        if (ld_is_country(it->text)) {
            rp_cset_add(out, RP_COUNTRY(it->text));
            continue;
        }
        uint32_t g = ld_find(ld->sc, ID_GROUP, it->text);
        if (g == RP_NONE) {
            ld_err(ld, it->loc, "unknown country or group '%s' in %s%s",
                it->text, key,
                ld_hint(h, sizeof h, it->text, ld->group_ids, ld->sc->ngroups));
            ok = false;
            continue;
        }
        for (int w = 0; w < RP_CSET_WORDS; w++)
            out->bits[w] |= ld->sc->groups[g].members.bits[w];
    }
    return ok;
}

/* A collection of at most MAX_COUNT entries, as a map keyed by id. */
bool ld_collection(struct ld *ld, const struct rp_ynode *n,
                       const char *what)
{
    if (!ld_is_map(ld, n, what))
        return false;
    if (n->n > MAX_COUNT) {
        ld_err(ld, n->loc, "too many %s: %zu (at most %d)", what, n->n,
            MAX_COUNT);
        return false;
    }
    return true;
}

/*
 * Ids become parts of dotted paths, file names and CSV fields, so they are
 * kept to letters, digits, '_' and '-': nothing there needs quoting.
 */
static bool id_ok(const char *id)
{
    if (!*id)
        return false;
    for (const char *c = id; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-')
            return false;
    return true;
}

void ld_check_id(struct ld *ld, const struct rp_ypair *p, const char *what)
{
    char b[80];

    if (!id_ok(p->key))
        ld_err(ld, p->key_loc, "%s id %s must be letters, digits, '_' and '-' "
            "only", what, ld_shown_text(p->key, b, sizeof b));
}
