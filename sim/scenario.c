/*
 * scenario.c - a scenario file to validated plain structs.
 *
 * Loading runs in two stages. First the YAML becomes a tree (yamltree.c) on
 * which "extends:", the chosen variant and the --set overrides are applied
 * as RFC 7386 merge patches, so all three mean exactly what a merge patch
 * means and nothing else. Then one pass turns the tree into structs and
 * checks it. That pass never stops at the first mistake: a bad value is
 * reported where it was written, replaced by a harmless default, and the
 * walk goes on, so one run of the loader lists every problem in the file.
 * Checks that need the whole network (who can supply what, zero-time
 * cycles) run after every node is read.
 */
#define _XOPEN_SOURCE 700               /* realpath, O_NOCTTY */

#include "ripple/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "ripple/idmap.h"
#include "ripple/rng.h"
#include "ripple/sha256.h"
#include "ripple/yamltree.h"

#define MAX_COUNT 1000000               /* nodes, products, events, ... */
#define MAX_QTY 1e15                    /* units: beyond this, a typo */
#define MAX_HORIZON 1e7                 /* days: 27,000 years */
#define MAX_REPLICATIONS 1e9
#define MAX_SERVERS 1e6
#define MAX_EXTENDS 32                  /* files in one extends chain */
#define SHARE_TOLERANCE 1e-9

struct ld {
    struct rp_diag *diag;
    struct rp_arena *a;                 /* the scenario's: what it keeps */
    struct rp_scenario *sc;
    struct rp_ytree tree;               /* the YAML, dropped after the build */
    const char *top;                    /* the top file, interned */
    const char **product_ids;           /* for "did you mean" */
    const char **node_ids;
    const char **group_ids;
    bool horizon_ok;                    /* sc->horizon was read */
    size_t max_bytes;                   /* of each file read */
};

static void err(struct ld *ld, struct rp_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void err(struct ld *ld, struct rp_loc loc, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rp_diag_at(ld->diag, loc, "%s", buf);
}

/* ---- small helpers ---- */

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
static const char *hint(char *buf, size_t cap, const char *word,
                        const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bestd = 3;

    for (size_t i = 0; i < n; i++) {
        size_t d = cands[i] ? distance(word, cands[i]) : SIZE_MAX;
        if (d < bestd && d < strlen(word)) {
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
static const char *real_vs(char *buf, size_t cap, double v, double ref)
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

static const char *real(char *buf, size_t cap, double v)
{
    snprintf(buf, cap, "%g", v);
    return buf;
}

static size_t count_of(const char *const *list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

/* "a, b, c" into buf. */
static const char *join(char *buf, size_t cap, const char *const *list,
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
static const char *shown_text(const char *t, char *buf, size_t cap)
{
    snprintf(buf, cap, "'%.60s%s'", t, strlen(t) > 60 ? "..." : "");
    return buf;
}

/* How a value that has the wrong type looks in a message. */
static const char *shown(const struct rp_ynode *n, char *buf, size_t cap)
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
    return shown_text(n->text, buf, cap);
}

/* Reports every key of map not in allowed (NULL-terminated). */
static void check_keys(struct ld *ld, const struct rp_ynode *map,
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
            err(ld, p->key_loc, "unknown key '%s' %s%s", p->key, ctx,
                hint(h, sizeof h, p->key, allowed, count_of(allowed)));
    }
}

/* A map or nothing: anything else is reported as "<what> must be a map". */
static bool is_map(struct ld *ld, const struct rp_ynode *n, const char *what)
{
    char b[80];

    if (n->kind == RP_YMAP)
        return true;
    err(ld, n->loc, "%s must be a map, not %s", what, shown(n, b, sizeof b));
    return false;
}

static bool is_seq(struct ld *ld, const struct rp_ynode *n, const char *what)
{
    char b[80];

    if (n->kind == RP_YSEQ)
        return true;
    err(ld, n->loc, "%s must be a list, not %s", what, shown(n, b, sizeof b));
    return false;
}

static const struct rp_ynode *require(struct ld *ld, const struct rp_ynode *map,
                                      struct rp_loc at, const char *key,
                                      const char *ctx)
{
    const struct rp_ynode *n = rp_ytree_get(map, key);

    if (!n)
        err(ld, at, "missing key '%s' %s", key, ctx);
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

enum sign { ANY, NONNEG, POS };

/* Reads a finite number of the given sign, at most max. */
static bool num(struct ld *ld, const struct rp_ynode *n, const char *key,
                enum sign sign, double max, double *out)
{
    double v;
    char b[80];

    if (n->kind != RP_YSCALAR || !parse_double(n->text, &v)) {
        err(ld, n->loc, "%s must be a number, not %s", key,
            shown(n, b, sizeof b));
        return false;
    }
    if (!n->plain) {                    /* YAML's "365" is a string */
        err(ld, n->loc, "%s must be a number, not the quoted string %s", key,
            shown(n, b, sizeof b));
        return false;
    }
    if (!isfinite(v)) {
        err(ld, n->loc, "%s must be a finite number, not %s", key, n->text);
        return false;
    }
    if (sign == NONNEG && v < 0) {
        err(ld, n->loc, "%s must be a non-negative number, not %s", key,
            n->text);
        return false;
    }
    if (sign == POS && !(v > 0)) {
        err(ld, n->loc, "%s must be a positive number, not %s", key, n->text);
        return false;
    }
    if (v > max) {
        err(ld, n->loc, "%s must be at most %g, not %s", key, max, n->text);
        return false;
    }
    *out = v;
    return true;
}

/* Reads an optional number into *out, which keeps its default if absent. */
static bool opt_num(struct ld *ld, const struct rp_ynode *map, const char *key,
                    enum sign sign, double max, double *out)
{
    const struct rp_ynode *n = rp_ytree_get(map, key);
    return n ? num(ld, n, key, sign, max, out) : true;
}

/* A whole number in [lo, hi]. */
static bool whole(struct ld *ld, const struct rp_ynode *n, const char *key,
                  double lo, double hi, double *out)
{
    double v;

    if (!num(ld, n, key, ANY, INFINITY, &v))
        return false;
    if (v != floor(v) || v < lo || v > hi) {
        err(ld, n->loc, "%s must be a whole number from %.0f to %.0f, not %s",
            key, lo, hi, n->text);
        return false;
    }
    *out = v;
    return true;
}

static const char *text(struct ld *ld, const struct rp_ynode *n,
                        const char *key)
{
    char b[80];

    if (n->kind != RP_YSCALAR) {
        err(ld, n->loc, "%s must be a string, not %s", key,
            shown(n, b, sizeof b));
        return NULL;
    }
    return rp_arena_strdup(ld->a, n->text);
}

static bool boolean(struct ld *ld, const struct rp_ynode *n, const char *key,
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
    err(ld, n->loc, "%s must be true or false, not %s", key,
        shown(n, b, sizeof b));
    return false;
}

/* One of names (NULL-terminated); *out is the index. */
static bool choice(struct ld *ld, const struct rp_ynode *n, const char *key,
                   const char *const *names, int *out)
{
    char b[80], list[256];
    size_t count = count_of(names);

    for (size_t i = 0; n->kind == RP_YSCALAR && i < count; i++) {
        if (!strcmp(n->text, names[i])) {
            *out = (int)i;
            return true;
        }
    }
    err(ld, n->loc, "%s must be one of %s, not %s", key,
        join(list, sizeof list, names, count), shown(n, b, sizeof b));
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
static bool looks_like_country(const char *s)
{
    return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && !s[2];
}

/* An assigned ISO 3166 alpha-2 code. The table is sorted: binary search. */
static bool is_country(const char *s)
{
    size_t lo = 0, hi = (sizeof iso3166 - 1) / 2;

    if (!looks_like_country(s))
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

static bool country(struct ld *ld, const struct rp_ynode *n, const char *key,
                    rp_country *out)
{
    char b[80];

    if (n->kind != RP_YSCALAR || !looks_like_country(n->text)) {
        err(ld, n->loc, "%s must be a two-letter ISO code, not %s", key,
            shown(n, b, sizeof b));
        return false;
    }
    if (!is_country(n->text)) {
        err(ld, n->loc, "%s '%s' is not an ISO 3166 alpha-2 country code",
            key, n->text);
        return false;
    }
    *out = RP_COUNTRY(n->text);
    return true;
}

/* Kinds of id in the scenario's one hash table (sc->ids). */
enum id_kind { ID_PRODUCT = 1, ID_NODE, ID_EVENT, ID_REPORT_GROUP, ID_GROUP };

static uint32_t find(const struct rp_scenario *sc, enum id_kind kind,
                     const char *id)
{
    uint32_t i = rp_idmap_get(sc->ids, kind, id);
    return i == RP_IDMAP_NONE ? RP_NONE : i;
}

/* Registers id (arena-owned) as entry i of its kind. */
static void name_id(struct ld *ld, enum id_kind kind, const char *id,
                    size_t i)
{
    rp_idmap_put(ld->sc->ids, kind, id, (uint32_t)i);
}

/* The index of a product named by n, or RP_NONE after an error. */
static uint32_t product_ref(struct ld *ld, const struct rp_ynode *n,
                            struct rp_loc loc, const char *id,
                            const char *ctx)
{
    char h[128];
    uint32_t i;

    if (n && n->kind != RP_YSCALAR) {
        char b[80];
        err(ld, n->loc, "product must be a product id, not %s",
            shown(n, b, sizeof b));
        return RP_NONE;
    }
    i = find(ld->sc, ID_PRODUCT, id);
    if (i == RP_NONE && !rp_diag_full(ld->diag))
        err(ld, loc, "unknown product '%s' %s%s", id, ctx,
            hint(h, sizeof h, id, ld->product_ids, ld->sc->nproducts));
    return i;
}

static uint32_t node_ref(struct ld *ld, struct rp_loc loc, const char *id,
                         const char *ctx)
{
    char h[128];
    uint32_t i = find(ld->sc, ID_NODE, id);

    if (i == RP_NONE && !rp_diag_full(ld->diag))
        err(ld, loc, "unknown node '%s' %s%s", id, ctx,
            hint(h, sizeof h, id, ld->node_ids, ld->sc->nnodes));
    return i;
}

/*
 * A set of countries from a country code, a group id, or a list of them.
 * Empty sets are refused: a rule that matches no one is a mistake.
 */
static bool cset(struct ld *ld, const struct rp_ynode *n, const char *key,
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
            err(ld, n->loc, "%s must name at least one country or group", key);
            return false;
        }
    }
    for (size_t i = 0; i < count; i++) {
        const struct rp_ynode *it = items[i];
        if (it->kind != RP_YSCALAR) {
            err(ld, it->loc, "%s must list country codes or groups, not %s",
                key, shown(it, b, sizeof b));
            ok = false;
            continue;
        }
        if (is_country(it->text)) {
            rp_cset_add(out, RP_COUNTRY(it->text));
            continue;
        }
        uint32_t g = find(ld->sc, ID_GROUP, it->text);
        if (g == RP_NONE) {
            err(ld, it->loc, "unknown country or group '%s' in %s%s",
                it->text, key,
                hint(h, sizeof h, it->text, ld->group_ids, ld->sc->ngroups));
            ok = false;
            continue;
        }
        for (int w = 0; w < RP_CSET_WORDS; w++)
            out->bits[w] |= ld->sc->groups[g].members.bits[w];
    }
    return ok;
}

/* A collection of at most MAX_COUNT entries, as a map keyed by id. */
static bool collection(struct ld *ld, const struct rp_ynode *n,
                       const char *what)
{
    if (!is_map(ld, n, what))
        return false;
    if (n->n > MAX_COUNT) {
        err(ld, n->loc, "too many %s: %zu (at most %d)", what, n->n,
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

static void check_id(struct ld *ld, const struct rp_ypair *p, const char *what)
{
    char b[80];

    if (!id_ok(p->key))
        err(ld, p->key_loc, "%s id %s must be letters, digits, '_' and '-' "
            "only", what, shown_text(p->key, b, sizeof b));
}

/* ---- distributions ---- */

struct family {
    const char *name;
    enum rp_dist_kind kind;
    const char *params[5];              /* "dist" first, NULL-terminated */
};

static const struct family families[] = {
#define FAMILY_(k, name, p1, p2, p3) { name, RP_DIST_##k, { "dist", p1, p2, p3, NULL } },
    RP_DIST_FAMILIES(FAMILY_)
#undef FAMILY_
};
#define NFAMILIES (sizeof families / sizeof families[0])

enum { D_FOREVER = 1, D_POSITIVE = 2 };

/* A list of finite numbers into the arena. */
static double *numbers(struct ld *ld, const struct rp_ynode *n,
                       const char *key, size_t *len)
{
    double *v;

    *len = 0;
    if (!is_seq(ld, n, key))
        return NULL;
    if (n->n > MAX_COUNT) {
        err(ld, n->loc, "too many %s: %zu (at most %d)", key, n->n,
            MAX_COUNT);
        return NULL;
    }
    v = rp_arena_array(ld->a, n->n, sizeof *v);
    for (size_t i = 0; i < n->n; i++)
        if (!num(ld, n->items[i], key, ANY, INFINITY, &v[i]))
            return NULL;
    *len = n->n;
    return v;
}

static bool dist_map(struct ld *ld, const struct rp_ynode *n, const char *key,
                     struct rp_dist *d)
{
    const struct rp_ynode *name;
    const struct family *f = NULL;
    char ctx[64], list[256];
    bool ok = true;

    snprintf(ctx, sizeof ctx, "in distribution of %s", key);
    name = require(ld, n, n->loc, "dist", ctx);
    if (!name)
        return false;
    for (size_t i = 0; name->kind == RP_YSCALAR && i < NFAMILIES; i++)
        if (!strcmp(name->text, families[i].name))
            f = &families[i];
    if (!f) {
        const char *names[NFAMILIES];
        char b[80];
        for (size_t i = 0; i < NFAMILIES; i++)
            names[i] = families[i].name;
        err(ld, name->loc, "unknown distribution %s (known: %s)",
            shown(name, b, sizeof b),
            join(list, sizeof list, names, NFAMILIES));
        return false;
    }

    snprintf(ctx, sizeof ctx, "in %s distribution", f->name);
    check_keys(ld, n, f->params, ctx);
    d->kind = f->kind;
    if (f->kind == RP_DIST_EMPIRICAL) {
        const struct rp_ynode *vn = require(ld, n, n->loc, "values", ctx);
        const struct rp_ynode *wn = rp_ytree_get(n, "weights");
        size_t nw = 0;
        if (!vn)
            return false;
        d->values = numbers(ld, vn, "values", &d->n);
        if (!d->values)
            return false;
        if (wn) {
            d->weights = numbers(ld, wn, "weights", &nw);
            if (!d->weights)
                return false;
            if (nw != d->n) {
                err(ld, wn->loc, "weights must have as many entries as "
                                 "values (%zu), not %zu", d->n, nw);
                return false;
            }
        } else {                        /* equally likely */
            double *w = rp_arena_array(ld->a, d->n, sizeof *w);
            for (size_t i = 0; i < d->n; i++)
                w[i] = 1;
            d->weights = w;
        }
        return true;
    }
    double *slot[3] = { &d->a, &d->b, &d->c };
    for (int i = 1; i < 4 && f->params[i]; i++) {
        const struct rp_ynode *p = require(ld, n, n->loc, f->params[i], ctx);
        if (!p || !num(ld, p, f->params[i], ANY, INFINITY, slot[i - 1]))
            ok = false;
    }
    return ok;
}

/*
 * Reads a random quantity at path (which is also its stream's key). On any
 * error *d is left a constant 0 with its path, so the build can go on.
 */
static bool dist(struct ld *ld, const struct rp_ynode *n, const char *key,
                 const char *path, unsigned flags, struct rp_dist *d)
{
    char msg[256];

    memset(d, 0, sizeof *d);
    d->kind = RP_DIST_CONST;
    d->path = rp_arena_strdup(ld->a, path);
    d->path_hash = rp_path_hash(path);
    if (!n)
        return true;

    if (n->kind == RP_YSCALAR && !strcmp(n->text, "forever")) {
        if (!(flags & D_FOREVER)) {
            err(ld, n->loc, "%s cannot be forever", key);
            return false;
        }
        d->kind = RP_DIST_FOREVER;
        return true;
    }
    if (n->kind != RP_YMAP) {
        double v;
        if (!num(ld, n, key, flags & D_POSITIVE ? POS : NONNEG, INFINITY, &v))
            return false;
        d->a = v;
        return true;
    }
    bool ok = dist_map(ld, n, key, d);
    if (ok && rp_dist_check(d, msg, sizeof msg)) {
        err(ld, n->loc, "%s", msg);
        ok = false;
    }
    if (!ok) {
        memset(d, 0, sizeof *d);
        d->kind = RP_DIST_CONST;
        d->path = rp_arena_strdup(ld->a, path);
        d->path_hash = rp_path_hash(path);
        return false;
    }
    if (d->kind == RP_DIST_EMPIRICAL)
        rp_dist_prepare(d);
    return true;
}

/* ---- products and groups ---- */

static void build_products(struct ld *ld, const struct rp_ynode *map)
{
    static const char *const keys[] = { "unit", "description", NULL };
    struct rp_scenario *sc = ld->sc;

    if (map->n == 0) {
        err(ld, map->loc, "products must name at least one product");
        return;
    }
    sc->products = rp_arena_array(ld->a, map->n, sizeof *sc->products);
    ld->product_ids = rp_arena_array(ld->a, map->n, sizeof *ld->product_ids);
    sc->nproducts = map->n;
    for (size_t i = 0; i < map->n; i++) {
        const struct rp_ypair *p = &map->pairs[i];
        struct rp_product *pr = &sc->products[i];
        const struct rp_ynode *v = p->value, *x;
        char ctx[256];

        check_id(ld, p, "product");
        pr->id = ld->product_ids[i] = rp_arena_strdup(ld->a, p->key);
        name_id(ld, ID_PRODUCT, pr->id, i);
        pr->loc = p->key_loc;
        if (v->kind == RP_YNULL)
            continue;                   /* "cell:" alone: no attributes */
        snprintf(ctx, sizeof ctx, "product '%s'", p->key);
        if (!is_map(ld, v, ctx))
            continue;
        snprintf(ctx, sizeof ctx, "in product '%s'", p->key);
        check_keys(ld, v, keys, ctx);
        if ((x = rp_ytree_get(v, "unit")))
            pr->unit = text(ld, x, "unit");
        if ((x = rp_ytree_get(v, "description")))
            pr->description = text(ld, x, "description");
    }
}

static void build_groups(struct ld *ld, const struct rp_ynode *map)
{
    struct rp_scenario *sc = ld->sc;

    sc->groups = rp_arena_array(ld->a, map->n, sizeof *sc->groups);
    ld->group_ids = rp_arena_array(ld->a, map->n, sizeof *ld->group_ids);
    sc->ngroups = map->n;
    for (size_t i = 0; i < map->n; i++) {
        const struct rp_ypair *p = &map->pairs[i];
        struct rp_group *g = &sc->groups[i];
        char what[256];

        check_id(ld, p, "group");
        if (is_country(p->key))
            err(ld, p->key_loc, "group id '%s' would hide the country code",
                p->key);
        g->id = ld->group_ids[i] = rp_arena_strdup(ld->a, p->key);
        name_id(ld, ID_GROUP, g->id, i);
        g->loc = p->key_loc;
        snprintf(what, sizeof what, "group '%s'", p->key);
        if (!is_seq(ld, p->value, what))
            continue;
        for (size_t k = 0; k < p->value->n; k++) {
            rp_country c;
            if (country(ld, p->value->items[k], "a group member", &c))
                rp_cset_add(&g->members, c);
        }
    }
}

/* ---- nodes ---- */

static void build_make(struct ld *ld, struct rp_node *nd,
                       const struct rp_ynode *m)
{
    static const char *const keys[] = { "product", "capacity", "batch",
                                        "time", "servers", "inputs",
                                        "to_order", NULL };
    struct rp_make *mk = &nd->make;
    const struct rp_ynode *x, *cap;
    char ctx[256], path[1024];
    double v;

    mk->loc = m->loc;
    mk->batch = 1;
    mk->servers = 1;
    snprintf(path, sizeof path, "nodes.%s.make.time", nd->id);
    dist(ld, NULL, "time", path, 0, &mk->time);
    mk->time.a = 1;
    snprintf(ctx, sizeof ctx, "make of '%s'", nd->id);
    if (!is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in make of '%s'", nd->id);
    check_keys(ld, m, keys, ctx);

    if ((x = require(ld, m, m->loc, "product", ctx)))
        mk->product = product_ref(ld, x, x->loc, x->text, ctx);

    cap = rp_ytree_get(m, "capacity");
    if (cap) {
        if (rp_ytree_get(m, "batch") || rp_ytree_get(m, "time"))
            err(ld, cap->loc, "capacity cannot be given with batch or time "
                              "in make of '%s'", nd->id);
        else if (num(ld, cap, "capacity", POS, MAX_QTY, &v))
            mk->batch = v;
    } else {
        opt_num(ld, m, "batch", POS, MAX_QTY, &mk->batch);
        x = rp_ytree_get(m, "time");
        if (!x)
            err(ld, m->loc, "make of '%s' needs capacity or time", nd->id);
        else
            dist(ld, x, "time", path, 0, &mk->time);
    }
    if ((x = rp_ytree_get(m, "servers")) &&
        whole(ld, x, "servers", 1, MAX_SERVERS, &v))
        mk->servers = (uint32_t)v;
    if ((x = rp_ytree_get(m, "to_order")))
        boolean(ld, x, "to_order", &mk->to_order);

    x = rp_ytree_get(m, "inputs");
    if (x && x->kind != RP_YNULL) {
        snprintf(ctx, sizeof ctx, "inputs of '%s'", nd->id);
        if (!collection(ld, x, ctx))
            return;
        snprintf(ctx, sizeof ctx, "in inputs of '%s'", nd->id);
        mk->inputs = rp_arena_array(ld->a, x->n, sizeof *mk->inputs);
        mk->ninputs = x->n;
        for (size_t i = 0; i < x->n; i++) {
            const struct rp_ypair *p = &x->pairs[i];
            struct rp_bom_line *b = &mk->inputs[i];
            b->product = product_ref(ld, NULL, p->key_loc, p->key, ctx);
            if (b->product != RP_NONE && b->product == mk->product)
                err(ld, p->key_loc, "'%s' cannot be an input of its own "
                                    "make", p->key);
            num(ld, p->value, p->key, POS, MAX_QTY, &b->qty);
        }
    }
}

static void build_demand(struct ld *ld, struct rp_node *nd,
                         const struct rp_ynode *m)
{
    static const char *const keys[] = { "product", "every", "size", "unmet",
                                        NULL };
    static const char *const unmet[] = { "backorder", "lost", NULL };
    struct rp_demand *dm = &nd->demand;
    const struct rp_ynode *x;
    char ctx[256], path[1024];
    int u;

    dm->loc = m->loc;
    snprintf(path, sizeof path, "nodes.%s.demand.every", nd->id);
    dist(ld, NULL, "every", path, 0, &dm->every);
    dm->every.a = 1;
    snprintf(path, sizeof path, "nodes.%s.demand.size", nd->id);
    dist(ld, NULL, "size", path, 0, &dm->size);
    dm->size.a = 1;
    snprintf(ctx, sizeof ctx, "demand of '%s'", nd->id);
    if (!is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in demand of '%s'", nd->id);
    check_keys(ld, m, keys, ctx);

    if ((x = require(ld, m, m->loc, "product", ctx)))
        dm->product = product_ref(ld, x, x->loc, x->text, ctx);
    if ((x = require(ld, m, m->loc, "every", ctx))) {
        snprintf(path, sizeof path, "nodes.%s.demand.every", nd->id);
        if (!dist(ld, x, "every", path, D_POSITIVE, &dm->every))
            dm->every.a = 1;
    }
    if ((x = rp_ytree_get(m, "size"))) {
        snprintf(path, sizeof path, "nodes.%s.demand.size", nd->id);
        if (!dist(ld, x, "size", path, D_POSITIVE, &dm->size))
            dm->size.a = 1;
        else if (dm->size.kind == RP_DIST_CONST && dm->size.a > MAX_QTY)
            err(ld, x->loc, "size must be at most %g, not %s", MAX_QTY,
                x->text);
    }
    if ((x = rp_ytree_get(m, "unmet")) && choice(ld, x, "unmet", unmet, &u))
        dm->unmet = (enum rp_unmet)u;
}

static void build_outages(struct ld *ld, struct rp_node *nd,
                          const struct rp_ynode *m)
{
    static const char *const keys[] = { "every", "lasts", NULL };
    struct rp_outages *o = &nd->outages;
    const struct rp_ynode *x;
    char ctx[256], path[1024];

    o->loc = m->loc;
    snprintf(ctx, sizeof ctx, "outages of '%s'", nd->id);
    if (!is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in outages of '%s'", nd->id);
    check_keys(ld, m, keys, ctx);
    o->present = true;
    x = require(ld, m, m->loc, "every", ctx);
    snprintf(path, sizeof path, "nodes.%s.outages.every", nd->id);
    if (!dist(ld, x, "every", path, D_POSITIVE, &o->every) || !x)
        o->present = false;
    x = require(ld, m, m->loc, "lasts", ctx);
    snprintf(path, sizeof path, "nodes.%s.outages.lasts", nd->id);
    if (!dist(ld, x, "lasts", path, 0, &o->lasts) || !x)
        o->present = false;
}

static void build_sourcing(struct ld *ld, struct rp_node *nd, uint32_t self,
                           struct rp_sourcing *sg, const struct rp_ypair *pp)
{
    static const char *const keys[] = { "share", "lead_time", "backup",
                                        "qualify", NULL };
    const struct rp_ynode *m = pp->value;
    char ctx[256], path[1024];
    size_t nprimary = 0, nmissing = 0;
    double sum = 0;
    bool *has_share;

    snprintf(ctx, sizeof ctx, "in sources of '%s'", nd->id);
    sg->product = product_ref(ld, NULL, pp->key_loc, pp->key, ctx);
    sg->loc = pp->key_loc;
    snprintf(ctx, sizeof ctx, "sources of '%s' in '%s'", pp->key, nd->id);
    if (!collection(ld, m, ctx))
        return;
    if (m->n == 0) {
        err(ld, m->loc, "sources of '%s' in '%s' name no supplier", pp->key,
            nd->id);
        return;
    }
    sg->sources = rp_arena_array(ld->a, m->n, sizeof *sg->sources);
    sg->nsources = m->n;
    has_share = rp_arena_array(ld->a, m->n, sizeof *has_share);
    for (size_t i = 0; i < m->n; i++) {
        const struct rp_ypair *p = &m->pairs[i];
        const struct rp_ynode *e = p->value, *x;
        struct rp_source *s = &sg->sources[i];

        s->loc = p->key_loc;
        snprintf(ctx, sizeof ctx, "in sources of '%s'", nd->id);
        s->supplier = node_ref(ld, p->key_loc, p->key, ctx);
        if (s->supplier == self)
            err(ld, p->key_loc, "node '%s' cannot source from itself",
                nd->id);
        snprintf(path, sizeof path, "nodes.%s.sources.%s.%s.lead_time",
                 nd->id, pp->key, p->key);
        dist(ld, NULL, "lead_time", path, 0, &s->lead_time);
        snprintf(path, sizeof path, "nodes.%s.sources.%s.%s.qualify",
                 nd->id, pp->key, p->key);
        dist(ld, NULL, "qualify", path, 0, &s->qualify);

        snprintf(ctx, sizeof ctx, "source '%s'", p->key);
        if (e->kind != RP_YNULL && !is_map(ld, e, ctx))
            continue;
        snprintf(ctx, sizeof ctx, "in source '%s'", p->key);
        check_keys(ld, e, keys, ctx);
        if ((x = rp_ytree_get(e, "backup")))
            boolean(ld, x, "backup", &s->backup);
        if ((x = rp_ytree_get(e, "share"))) {
            has_share[i] = true;
            if (num(ld, x, "share", NONNEG, INFINITY, &s->share) &&
                s->share > 1) {
                err(ld, x->loc, "share must be between 0 and 1, not %s",
                    x->text);
                s->share = 1;
            }
        }
        if ((x = rp_ytree_get(e, "lead_time"))) {
            snprintf(path, sizeof path, "nodes.%s.sources.%s.%s.lead_time",
                     nd->id, pp->key, p->key);
            dist(ld, x, "lead_time", path, 0, &s->lead_time);
        }
        if ((x = rp_ytree_get(e, "qualify"))) {
            if (!s->backup)
                err(ld, rp_ytree_pair(e, "qualify")->key_loc,
                    "qualify applies only to backup sources");
            snprintf(path, sizeof path, "nodes.%s.sources.%s.%s.qualify",
                     nd->id, pp->key, p->key);
            dist(ld, x, "qualify", path, 0, &s->qualify);
        }
        if (!s->backup) {
            nprimary++;
            nmissing += !has_share[i];
            sum += s->share;
        }
    }

    /* One primary source needs no share; several must say how they split. */
    if (nprimary == 0) {
        err(ld, pp->key_loc, "sources of '%s' in '%s' are all backups",
            pp->key, nd->id);
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        struct rp_source *s = &sg->sources[i];
        if (s->backup || has_share[i])
            continue;
        if (nprimary == 1) {
            s->share = 1;
            sum = 1;
        } else {
            err(ld, m->pairs[i].key_loc, "missing key 'share' in source "
                "'%s' ('%s' has %zu sources)", m->pairs[i].key, pp->key,
                nprimary);
        }
    }
    if (nmissing == 0 || nprimary == 1) {
        char b[32];
        if (fabs(sum - 1) > SHARE_TOLERANCE)
            err(ld, pp->key_loc, "shares of '%s' in sources of '%s' sum to "
                "%s, not 1", pp->key, nd->id, real_vs(b, sizeof b, sum, 1));
    }
}

static void build_sources(struct ld *ld, struct rp_node *nd, uint32_t self,
                          const struct rp_ynode *m)
{
    char ctx[256];

    snprintf(ctx, sizeof ctx, "sources of '%s'", nd->id);
    if (!collection(ld, m, ctx))
        return;
    nd->sources = rp_arena_array(ld->a, m->n, sizeof *nd->sources);
    nd->nsources = m->n;
    for (size_t i = 0; i < m->n; i++)
        build_sourcing(ld, nd, self, &nd->sources[i], &m->pairs[i]);
}

/*
 * "cover: D" is D days of the use of product at full capacity: an input's
 * share of the make rate, the make rate itself, or a market's mean demand.
 * Returns the units per day, or -1 with an error.
 */
static double use_rate(struct ld *ld, const struct rp_node *nd, uint32_t p,
                       const char *pid, struct rp_loc loc)
{
    const struct rp_make *mk = &nd->make;

    if (mk->product != RP_NONE) {
        double t = rp_dist_mean(&mk->time);
        double rate = mk->batch * mk->servers / t;
        bool uses = mk->product == p;
        double per = 1;
        for (size_t i = 0; i < mk->ninputs; i++) {
            if (mk->inputs[i].product == p) {
                uses = true;
                per = mk->inputs[i].qty;
            }
        }
        if (uses) {
            if (!(t > 0) || !isfinite(t)) {
                err(ld, loc, "cover needs a positive, finite make time in "
                             "'%s'", nd->id);
                return -1;
            }
            return rate * per;
        }
    }
    if (nd->demand.product != RP_NONE && nd->demand.product == p)
        return rp_dist_mean(&nd->demand.size) /
               rp_dist_mean(&nd->demand.every);
    err(ld, loc, "cover has no known use of '%s' in '%s': it neither makes, "
                 "uses nor sells it", pid, nd->id);
    return -1;
}

static void build_stock_entry(struct ld *ld, struct rp_node *nd,
                              struct rp_stock *st, const struct rp_ypair *pp)
{
    static const char *const keys[] = { "initial", "policy", "level", "s",
                                        "S", "r", "Q", "review", "cover",
                                        NULL };
    static const char *const policies[] = { "base_stock", "sS", "rQ", NULL };
    /* which keys each policy takes, beside initial, policy and review */
    static const char *const takes[][3] = {
        { "level", "cover", NULL }, { "s", "S", NULL }, { "r", "Q", NULL },
    };
    static const char *const policy_names[] = { "base_stock", "sS", "rQ" };
    static const char *const policy_keys[] = { "level", "cover", "s", "S",
                                               "r", "Q", NULL };
    const struct rp_ynode *m = pp->value, *x;
    char ctx[256];
    int pol = 0;

    snprintf(ctx, sizeof ctx, "in stock of '%s'", nd->id);
    st->product = product_ref(ld, NULL, pp->key_loc, pp->key, ctx);
    st->loc = pp->key_loc;
    snprintf(ctx, sizeof ctx, "stock '%s' of '%s'", pp->key, nd->id);
    if (!is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in stock '%s' of '%s'", pp->key, nd->id);
    check_keys(ld, m, keys, ctx);
    if ((x = rp_ytree_get(m, "policy")) &&
        choice(ld, x, "policy", policies, &pol))
        st->policy = (enum rp_policy)pol;
    for (size_t i = 0; policy_keys[i]; i++) {
        const struct rp_ypair *k = rp_ytree_pair(m, policy_keys[i]);
        if (k && strcmp(policy_keys[i], takes[pol][0]) &&
            strcmp(policy_keys[i], takes[pol][1]))
            err(ld, k->key_loc, "%s does not apply to policy %s",
                policy_keys[i], policy_names[pol]);
    }
    opt_num(ld, m, "review", NONNEG, INFINITY, &st->review);

    double initial = 0;
    switch (st->policy) {
    case RP_POLICY_BASE_STOCK: {
        const struct rp_ynode *lv = rp_ytree_get(m, "level");
        const struct rp_ynode *cv = rp_ytree_get(m, "cover");
        double days;
        if (lv && cv) {
            err(ld, cv->loc, "cover cannot be given with level");
        } else if (lv) {
            num(ld, lv, "level", NONNEG, MAX_QTY, &st->level);
        } else if (cv) {
            if (num(ld, cv, "cover", NONNEG, INFINITY, &days) &&
                st->product != RP_NONE) {
                double rate = use_rate(ld, nd, st->product, pp->key, cv->loc);
                if (rate >= 0)
                    st->level = days * rate;
                if (st->level > MAX_QTY)
                    err(ld, cv->loc, "cover gives a level above %g",
                        MAX_QTY);
            }
        } else {
            err(ld, pp->key_loc, "missing key 'level' %s", ctx);
        }
        initial = st->level;
        break;
    }
    case RP_POLICY_SS:
        if ((x = require(ld, m, pp->key_loc, "s", ctx)))
            num(ld, x, "s", NONNEG, MAX_QTY, &st->s);
        if ((x = require(ld, m, pp->key_loc, "S", ctx)) &&
            num(ld, x, "S", NONNEG, MAX_QTY, &st->S) && st->s > st->S)
            err(ld, rp_ytree_get(m, "s")->loc, "s must be at most S (%g), "
                "not %g", st->S, st->s);
        initial = st->S;
        break;
    case RP_POLICY_RQ:
        if ((x = require(ld, m, pp->key_loc, "r", ctx)))
            num(ld, x, "r", NONNEG, MAX_QTY, &st->r);
        if ((x = require(ld, m, pp->key_loc, "Q", ctx)))
            num(ld, x, "Q", POS, MAX_QTY, &st->Q);
        initial = st->r + st->Q;
        break;
    }
    st->initial = initial;
    opt_num(ld, m, "initial", NONNEG, MAX_QTY, &st->initial);
}

static void build_stock(struct ld *ld, struct rp_node *nd,
                        const struct rp_ynode *m)
{
    char ctx[256];

    snprintf(ctx, sizeof ctx, "stock of '%s'", nd->id);
    if (!collection(ld, m, ctx))
        return;
    nd->stock = rp_arena_array(ld->a, m->n, sizeof *nd->stock);
    nd->nstock = m->n;
    for (size_t i = 0; i < m->n; i++)
        build_stock_entry(ld, nd, &nd->stock[i], &m->pairs[i]);
}

static const struct rp_sourcing *sourcing_of(const struct rp_node *nd,
                                             uint32_t p)
{
    for (size_t i = 0; i < nd->nsources; i++)
        if (nd->sources[i].product == p)
            return &nd->sources[i];
    return NULL;
}

static const struct rp_stock *stock_of(const struct rp_node *nd, uint32_t p)
{
    for (size_t i = 0; i < nd->nstock; i++)
        if (nd->stock[i].product == p)
            return &nd->stock[i];
    return NULL;
}

static void build_node(struct ld *ld, uint32_t idx, const struct rp_ypair *p)
{
    static const char *const keys[] = { "name", "country", "owner", "tags",
                                        "make", "demand", "supply", "stock",
                                        "sources", "outages", "allocation",
                                        "priority", NULL };
    static const char *const allocs[] = { "fifo", "proportional", "priority",
                                          NULL };
    struct rp_node *nd = &ld->sc->nodes[idx];
    const struct rp_ynode *m = p->value, *x;
    char ctx[256];
    int a;

    nd->name = nd->id;
    nd->loc = p->key_loc;
    nd->make.product = RP_NONE;
    nd->demand.product = RP_NONE;
    snprintf(ctx, sizeof ctx, "node '%s'", nd->id);
    if (!is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in node '%s'", nd->id);
    check_keys(ld, m, keys, ctx);

    if ((x = rp_ytree_get(m, "name"))) {
        const char *name = text(ld, x, "name");
        if (name)
            nd->name = name;
    }
    if ((x = require(ld, m, p->key_loc, "country", ctx)))
        country(ld, x, "country", &nd->country);
    nd->owner = nd->country;
    if ((x = rp_ytree_get(m, "owner")))
        country(ld, x, "owner", &nd->owner);
    if ((x = rp_ytree_get(m, "tags")) && is_seq(ld, x, "tags")) {
        nd->tags = rp_arena_array(ld->a, x->n, sizeof *nd->tags);
        for (size_t i = 0; i < x->n; i++) {
            const char *t = text(ld, x->items[i], "a tag");
            if (t)
                nd->tags[nd->ntags++] = t;
        }
    }

    const struct rp_ynode *make = rp_ytree_get(m, "make");
    const struct rp_ynode *demand = rp_ytree_get(m, "demand");
    if (make)
        build_make(ld, nd, make);
    if (demand) {
        if (make)
            err(ld, rp_ytree_pair(m, "demand")->key_loc, "node '%s' cannot "
                "both make and have demand", nd->id);
        else
            build_demand(ld, nd, demand);
    }
    if ((x = rp_ytree_get(m, "supply"))) {
        if (x->kind != RP_YSCALAR || strcmp(x->text, "unlimited")) {
            char b[80];
            err(ld, x->loc, "supply must be unlimited, not %s",
                shown(x, b, sizeof b));
        } else if (make || demand) {
            err(ld, x->loc, "supply: unlimited cannot be given with %s",
                make ? "make" : "demand");
        } else {
            nd->unlimited = true;
        }
    }
    if ((x = rp_ytree_get(m, "sources")))
        build_sources(ld, nd, idx, x);
    if ((x = rp_ytree_get(m, "stock")))
        build_stock(ld, nd, x);
    if ((x = rp_ytree_get(m, "outages")))
        build_outages(ld, nd, x);

    if ((x = rp_ytree_get(m, "allocation")) &&
        choice(ld, x, "allocation", allocs, &a))
        nd->allocation = (enum rp_allocation)a;
    x = rp_ytree_get(m, "priority");
    if (nd->allocation == RP_ALLOC_PRIORITY && !x) {
        err(ld, rp_ytree_pair(m, "allocation")->value->loc, "allocation "
            "priority needs a priority list in node '%s'", nd->id);
    } else if (x && nd->allocation != RP_ALLOC_PRIORITY) {
        err(ld, rp_ytree_pair(m, "priority")->key_loc, "priority applies "
            "only to allocation: priority");
    } else if (x && is_seq(ld, x, "priority")) {
        nd->priority = rp_arena_array(ld->a, x->n, sizeof *nd->priority);
        nd->npriority = x->n;
        for (size_t i = 0; i < x->n; i++)
            cset(ld, x->items[i], "priority", &nd->priority[i]);
    }

    /* What the node consumes must come from somewhere. */
    for (size_t i = 0; i < nd->make.ninputs; i++) {
        uint32_t in = nd->make.inputs[i].product;
        if (in != RP_NONE && !sourcing_of(nd, in))
            err(ld, rp_ytree_pair(rp_ytree_get(make, "inputs"),
                                  ld->product_ids[in])->key_loc,
                "input '%s' of '%s' has no sources", ld->product_ids[in],
                nd->id);
    }
    if (nd->demand.product != RP_NONE && !sourcing_of(nd, nd->demand.product))
        err(ld, rp_ytree_pair(m, "demand")->key_loc, "market '%s' has no "
            "sources for '%s'", nd->id, ld->product_ids[nd->demand.product]);
}

static void build_nodes(struct ld *ld, const struct rp_ynode *map)
{
    struct rp_scenario *sc = ld->sc;

    if (map->n == 0) {
        err(ld, map->loc, "nodes must name at least one node");
        return;
    }
    sc->nodes = rp_arena_array(ld->a, map->n, sizeof *sc->nodes);
    ld->node_ids = rp_arena_array(ld->a, map->n, sizeof *ld->node_ids);
    sc->nnodes = map->n;
    for (size_t i = 0; i < map->n; i++) {   /* ids first: any order works */
        check_id(ld, &map->pairs[i], "node");
        sc->nodes[i].id = ld->node_ids[i] =
            rp_arena_strdup(ld->a, map->pairs[i].key);
        name_id(ld, ID_NODE, sc->nodes[i].id, i);
        sc->nodes[i].make.product = RP_NONE;
        sc->nodes[i].demand.product = RP_NONE;
    }
    for (size_t i = 0; i < map->n; i++)
        build_node(ld, (uint32_t)i, &map->pairs[i]);
}

/* ---- events ---- */

static const char *const event_types[] = { "export_ban", "export_licence",
                                           "capacity", "outage", "demand",
                                           NULL };

static void event_products(struct ld *ld, struct rp_disruption *ev,
                           const struct rp_ynode *x, const char *ctx)
{
    if (!is_seq(ld, x, "products"))
        return;
    if (x->n == 0) {
        err(ld, x->loc, "products must name at least one product");
        return;
    }
    ev->products = rp_arena_array(ld->a, x->n, sizeof *ev->products);
    for (size_t i = 0; i < x->n; i++) {
        const struct rp_ynode *it = x->items[i];
        uint32_t pr = product_ref(ld, it, it->loc, it->text, ctx);
        if (pr != RP_NONE)
            ev->products[ev->nproducts++] = pr;
    }
}

/* The smallest value d can take (0 where the family reaches down to 0). */
static double lowest(const struct rp_dist *d)
{
    double lo;

    switch (d->kind) {
    case RP_DIST_CONST:
    case RP_DIST_UNIFORM:
    case RP_DIST_TRIANGULAR:
        return d->a;
    case RP_DIST_EMPIRICAL:
        lo = INFINITY;
        for (size_t i = 0; i < d->n; i++)
            if (d->weights[i] > 0 && d->values[i] < lo)
                lo = d->values[i];
        return lo;
    default:
        return 0;
    }
}

/* An event that cannot start before the horizon is a mistake: it would
 * change nothing, silently. */
static void check_start(struct ld *ld, const struct rp_dist *start,
                        struct rp_loc at)
{
    char b1[32], b2[32];
    double lo = lowest(start);

    if (!ld->horizon_ok || lo < ld->sc->horizon)
        return;
    if (start->kind == RP_DIST_CONST)
        err(ld, at, "start must be before the horizon (%s), not %s",
            real(b1, sizeof b1, ld->sc->horizon), real(b2, sizeof b2, lo));
    else
        err(ld, at, "start is never before the horizon (%s): its least "
            "value is %s", real(b1, sizeof b1, ld->sc->horizon),
            real(b2, sizeof b2, lo));
}

static void build_event(struct ld *ld, struct rp_disruption *ev,
                        const struct rp_ypair *p)
{
    static const char *const keys[][10] = {
        { "type", "start", "duration", "from", "to", "to_owner", "products",
          "severity", "in_transit", NULL },
        { "type", "start", "duration", "from", "to", "to_owner", "products",
          "delay", "approval", NULL },
        { "type", "start", "duration", "node", "factor", "add", "ramp", NULL },
        { "type", "start", "duration", "node", NULL },
        { "type", "start", "duration", "node", "factor", NULL },
    };
    static const char *const transit[] = { "deliver", "seize", NULL };
    const struct rp_ynode *m = p->value, *x;
    char ctx[256], path[1024], list[256], b[80];
    int t = -1, v;

    ev->loc = p->key_loc;
    ev->severity = 1;
    ev->approval = 1;
    ev->factor = 1;
    ev->node = RP_NONE;
    snprintf(path, sizeof path, "events.%s.start", ev->id);
    dist(ld, NULL, "start", path, 0, &ev->start);
    snprintf(path, sizeof path, "events.%s.duration", ev->id);
    dist(ld, NULL, "duration", path, 0, &ev->duration);
    ev->duration.kind = RP_DIST_FOREVER;
    snprintf(path, sizeof path, "events.%s.delay", ev->id);
    dist(ld, NULL, "delay", path, 0, &ev->delay);

    snprintf(ctx, sizeof ctx, "event '%s'", ev->id);
    if (!is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in event '%s'", ev->id);
    if (!(x = require(ld, m, p->key_loc, "type", ctx)))
        return;
    for (int i = 0; x->kind == RP_YSCALAR && event_types[i]; i++)
        if (!strcmp(x->text, event_types[i]))
            t = i;
    if (t < 0) {
        err(ld, x->loc, "unknown event type %s (known: %s)",
            shown(x, b, sizeof b),
            join(list, sizeof list, event_types, count_of(event_types)));
        return;
    }
    ev->type = (enum rp_event_type)t;
    check_keys(ld, m, keys[t], ctx);

    if ((x = rp_ytree_get(m, "start"))) {
        snprintf(path, sizeof path, "events.%s.start", ev->id);
        if (dist(ld, x, "start", path, 0, &ev->start))
            check_start(ld, &ev->start, x->loc);
    }
    if ((x = rp_ytree_get(m, "duration"))) {
        snprintf(path, sizeof path, "events.%s.duration", ev->id);
        dist(ld, x, "duration", path, D_FOREVER, &ev->duration);
    }

    switch (ev->type) {
    case RP_EVENT_EXPORT_BAN:
    case RP_EVENT_EXPORT_LICENCE: {
        const struct rp_ynode *to = rp_ytree_get(m, "to");
        const struct rp_ynode *owner = rp_ytree_get(m, "to_owner");
        if ((x = require(ld, m, p->key_loc, "from", ctx)))
            cset(ld, x, "from", &ev->from);
        if (to && owner)
            err(ld, owner->loc, "to_owner cannot be given with to");
        else if (to)
            cset(ld, to, "to", &ev->to);
        else if (owner && cset(ld, owner, "to_owner", &ev->to_owner))
            ev->by_owner = true;
        else if (!owner)
            err(ld, p->key_loc, "missing key 'to' or 'to_owner' %s", ctx);
        if ((x = require(ld, m, p->key_loc, "products", ctx)))
            event_products(ld, ev, x, ctx);
        break;
    }
    case RP_EVENT_CAPACITY:
    case RP_EVENT_OUTAGE:
    case RP_EVENT_DEMAND:
        if ((x = require(ld, m, p->key_loc, "node", ctx))) {
            if (x->kind != RP_YSCALAR)
                err(ld, x->loc, "node must be a node id, not %s",
                    shown(x, b, sizeof b));
            else
                ev->node = node_ref(ld, x->loc, x->text, ctx);
        }
        break;
    }

    const struct rp_node *nd = ev->node != RP_NONE ? &ld->sc->nodes[ev->node]
                                                   : NULL;
    switch (ev->type) {
    case RP_EVENT_EXPORT_BAN:
        if ((x = rp_ytree_get(m, "severity")) &&
            num(ld, x, "severity", POS, INFINITY, &ev->severity) &&
            ev->severity > 1)
            err(ld, x->loc, "severity must be in (0, 1], not %s", x->text);
        if ((x = rp_ytree_get(m, "in_transit")) &&
            choice(ld, x, "in_transit", transit, &v))
            ev->in_transit = (enum rp_in_transit)v;
        break;
    case RP_EVENT_EXPORT_LICENCE:
        if ((x = rp_ytree_get(m, "delay"))) {
            snprintf(path, sizeof path, "events.%s.delay", ev->id);
            dist(ld, x, "delay", path, 0, &ev->delay);
        }
        if ((x = rp_ytree_get(m, "approval")) &&
            num(ld, x, "approval", NONNEG, INFINITY, &ev->approval) &&
            ev->approval > 1)
            err(ld, x->loc, "approval must be between 0 and 1, not %s",
                x->text);
        break;
    case RP_EVENT_CAPACITY: {
        const struct rp_ynode *f = rp_ytree_get(m, "factor");
        const struct rp_ynode *add = rp_ytree_get(m, "add");
        if (nd && nd->make.product == RP_NONE)
            err(ld, rp_ytree_get(m, "node")->loc, "node '%s' of event '%s' "
                "makes nothing", nd->id, ev->id);
        if (f && add)
            err(ld, add->loc, "add cannot be given with factor");
        else if (f)
            ev->has_factor = num(ld, f, "factor", POS, MAX_QTY, &ev->factor);
        else if (add)
            num(ld, add, "add", NONNEG, MAX_QTY, &ev->add);
        else
            err(ld, p->key_loc, "missing key 'factor' or 'add' %s", ctx);
        opt_num(ld, m, "ramp", NONNEG, INFINITY, &ev->ramp);
        break;
    }
    case RP_EVENT_OUTAGE:
        break;
    case RP_EVENT_DEMAND:
        if (nd && nd->demand.product == RP_NONE)
            err(ld, rp_ytree_get(m, "node")->loc, "node '%s' of event '%s' "
                "is not a market", nd->id, ev->id);
        if ((x = require(ld, m, p->key_loc, "factor", ctx)))
            ev->has_factor = num(ld, x, "factor", POS, MAX_QTY, &ev->factor);
        break;
    }
}

static void build_events(struct ld *ld, const struct rp_ynode *map)
{
    struct rp_scenario *sc = ld->sc;

    sc->events = rp_arena_array(ld->a, map->n, sizeof *sc->events);
    sc->nevents = map->n;
    for (size_t i = 0; i < map->n; i++) {
        check_id(ld, &map->pairs[i], "event");
        sc->events[i].id = rp_arena_strdup(ld->a, map->pairs[i].key);
        name_id(ld, ID_EVENT, sc->events[i].id, i);
        build_event(ld, &sc->events[i], &map->pairs[i]);
    }
}

/* ---- report ---- */

static bool has_tag(const struct rp_node *nd, const char *tag)
{
    for (size_t i = 0; i < nd->ntags; i++)
        if (!strcmp(nd->tags[i], tag))
            return true;
    return false;
}

static void build_report_group(struct ld *ld, struct rp_report_group *g,
                               const struct rp_ypair *p)
{
    static const char *const keys[] = { "country", "makes", "tags", "nodes",
                                        NULL };
    struct rp_scenario *sc = ld->sc;
    const struct rp_ynode *m = p->value, *x;
    char ctx[256];
    struct rp_cset where;
    bool by_country = false, ok = true;
    uint32_t makes = RP_NONE;
    const struct rp_ynode *tags = NULL;
    bool *chosen = NULL;

    g->id = rp_arena_strdup(ld->a, p->key);
    g->loc = p->key_loc;
    name_id(ld, ID_REPORT_GROUP, g->id, (size_t)(g - sc->report_groups));
    snprintf(ctx, sizeof ctx, "report group '%s'", p->key);
    if (m->kind != RP_YNULL && !is_map(ld, m, ctx))
        return;
    snprintf(ctx, sizeof ctx, "in report group '%s'", p->key);
    check_keys(ld, m, keys, ctx);

    if ((x = rp_ytree_get(m, "country"))) {
        by_country = true;
        ok &= cset(ld, x, "country", &where);
    }
    if ((x = rp_ytree_get(m, "makes"))) {
        makes = product_ref(ld, x, x->loc, x->text, ctx);
        ok &= makes != RP_NONE;
    }
    if ((x = rp_ytree_get(m, "tags"))) {
        tags = x;
        ok &= is_seq(ld, x, "tags");
        for (size_t i = 0; ok && i < x->n; i++)
            ok &= text(ld, x->items[i], "a tag") != NULL;
    }
    if ((x = rp_ytree_get(m, "nodes")) && (ok &= is_seq(ld, x, "nodes"))) {
        chosen = rp_arena_array(ld->a, sc->nnodes, sizeof *chosen);
        for (size_t i = 0; i < x->n; i++) {
            const struct rp_ynode *it = x->items[i];
            uint32_t k;
            if (it->kind != RP_YSCALAR) {
                char b[80];
                err(ld, it->loc, "nodes must list node ids, not %s",
                    shown(it, b, sizeof b));
                ok = false;
            } else if ((k = node_ref(ld, it->loc, it->text, ctx)) ==
                       RP_NONE) {
                ok = false;
            } else {
                chosen[k] = true;
            }
        }
    }
    if (!ok || !sc->nnodes)
        return;

    g->nodes = rp_arena_array(ld->a, sc->nnodes, sizeof *g->nodes);
    for (uint32_t i = 0; i < sc->nnodes; i++) {
        const struct rp_node *nd = &sc->nodes[i];
        bool in = true;
        if (by_country)
            in &= rp_cset_has(&where, nd->country);
        if (makes != RP_NONE)
            in &= nd->make.product == makes;
        for (size_t k = 0; tags && k < tags->n; k++)
            in &= has_tag(nd, tags->items[k]->text);
        if (chosen)
            in &= chosen[i];
        if (in)
            g->nodes[g->nnodes++] = i;
    }
    if (g->nnodes == 0)
        err(ld, p->key_loc, "report group '%s' selects no node", p->key);
}

static void build_report(struct ld *ld, const struct rp_ynode *m)
{
    static const char *const keys[] = { "groups", "series", NULL };
    struct rp_scenario *sc = ld->sc;
    const struct rp_ynode *x;

    if (!is_map(ld, m, "report"))
        return;
    check_keys(ld, m, keys, "in report");
    if ((x = rp_ytree_get(m, "series")))
        boolean(ld, x, "series", &sc->series);
    if ((x = rp_ytree_get(m, "groups")) && collection(ld, x, "report groups")) {
        sc->report_groups = rp_arena_array(ld->a, x->n,
                                           sizeof *sc->report_groups);
        sc->nreport_groups = x->n;
        for (size_t i = 0; i < x->n; i++)
            build_report_group(ld, &sc->report_groups[i], &x->pairs[i]);
    }
}

/* ---- checks over the whole network ---- */

/* Can node u ship product p to a customer? */
static bool can_supply(const struct rp_node *u, uint32_t p)
{
    return u->unlimited || u->make.product == p ||
           (stock_of(u, p) && sourcing_of(u, p));
}

static void check_suppliers(struct ld *ld)
{
    struct rp_scenario *sc = ld->sc;

    for (size_t n = 0; n < sc->nnodes; n++) {
        const struct rp_node *nd = &sc->nodes[n];
        for (size_t i = 0; i < nd->nsources; i++) {
            const struct rp_sourcing *sg = &nd->sources[i];
            if (sg->product == RP_NONE)
                continue;
            for (size_t k = 0; k < sg->nsources; k++) {
                const struct rp_source *s = &sg->sources[k];
                if (s->supplier == RP_NONE || s->supplier == n)
                    continue;
                if (!can_supply(&sc->nodes[s->supplier], sg->product))
                    err(ld, s->loc, "node '%s' cannot supply '%s'",
                        sc->nodes[s->supplier].id,
                        sc->products[sg->product].id);
            }
        }
    }
}

static bool instant_edge(const struct rp_scenario *sc,
                         const struct rp_source *s)
{
    const struct rp_node *u;

    if (s->supplier == RP_NONE || s->lead_time.kind != RP_DIST_CONST ||
        s->lead_time.a != 0)
        return false;
    u = &sc->nodes[s->supplier];
    return u->make.product == RP_NONE ||
           (u->make.time.kind == RP_DIST_CONST && u->make.time.a == 0);
}

/*
 * Goods that could go round a loop of suppliers in no time at all would
 * make the event loop spin at one instant. Depth-first search over the
 * edges with no lead time into suppliers that take no time to make; a back
 * edge closes such a loop. The first loop found is reported.
 */
static void check_cycles(struct ld *ld)
{
    struct rp_scenario *sc = ld->sc;
    size_t n = sc->nnodes, nedges = 0;
    struct frame {
        uint32_t node;
        size_t next;                    /* next edge in start[node].. */
    };
    size_t *start, *stack_at;
    const struct rp_source **edge;
    unsigned char *color;               /* 0 new, 1 on the stack, 2 done */
    struct frame *stack;

    if (n == 0)
        return;
    start = rp_xcalloc(n + 1, sizeof *start);
    for (size_t u = 0; u < n; u++) {
        const struct rp_node *nd = &sc->nodes[u];
        bool self_instant = nd->make.product == RP_NONE ||
                            (nd->make.time.kind == RP_DIST_CONST &&
                             nd->make.time.a == 0);
        start[u] = nedges;
        for (size_t i = 0; self_instant && i < nd->nsources; i++)
            for (size_t k = 0; k < nd->sources[i].nsources; k++)
                nedges += instant_edge(sc, &nd->sources[i].sources[k]);
    }
    start[n] = nedges;
    edge = rp_xcalloc(nedges + 1, sizeof *edge);
    for (size_t u = 0, e = 0; u < n; u++) {
        const struct rp_node *nd = &sc->nodes[u];
        for (size_t i = 0; e < start[u + 1] && i < nd->nsources; i++)
            for (size_t k = 0; k < nd->sources[i].nsources; k++)
                if (instant_edge(sc, &nd->sources[i].sources[k]))
                    edge[e++] = &nd->sources[i].sources[k];
    }

    color = rp_xcalloc(n, 1);
    stack = rp_xcalloc(n, sizeof *stack);
    stack_at = rp_xcalloc(n, sizeof *stack_at);
    for (uint32_t root = 0; root < n; root++) {
        size_t depth = 0;
        if (color[root])
            continue;
        stack[depth++] = (struct frame){ root, start[root] };
        color[root] = 1;
        stack_at[root] = 0;
        while (depth) {
            struct frame *f = &stack[depth - 1];
            if (f->next == start[f->node + 1]) {
                color[f->node] = 2;
                depth--;
                continue;
            }
            const struct rp_source *s = edge[f->next++];
            uint32_t v = s->supplier;
            if (color[v] == 0) {
                color[v] = 1;
                stack_at[v] = depth;
                stack[depth++] = (struct frame){ v, start[v] };
            } else if (color[v] == 1) {
                char msg[900];
                size_t used = 0;
                for (size_t i = stack_at[v]; i < depth && used < sizeof msg;
                     i++)
                    used += (size_t)snprintf(msg + used, sizeof msg - used,
                                             "%s -> ",
                                             sc->nodes[stack[i].node].id);
                if (used < sizeof msg)
                    snprintf(msg + used, sizeof msg - used, "%s",
                             sc->nodes[v].id);
                /* point at the edge that leaves the first node */
                const struct rp_source *first = s;
                if (stack_at[v] + 1 < depth)
                    first = edge[stack[stack_at[v]].next - 1];
                err(ld, first->loc, "sources form a cycle with no lead "
                    "time: %s", msg);
                goto out;
            }
        }
    }
out:
    free(stack_at);
    free(stack);
    free(color);
    free(edge);
    free(start);
}

/* ---- the top level ---- */

static const char *stem(struct ld *ld, const char *path)
{
    const char *base = strrchr(path, '/');
    char *s = rp_arena_strdup(ld->a, base ? base + 1 : path);
    char *dot = strrchr(s, '.');

    if (dot && dot != s)
        *dot = '\0';
    return s;
}

static void build(struct ld *ld, const struct rp_ynode *root)
{
    static const char *const keys[] = { "ripple", "name", "description",
                                        "horizon", "warmup", "replications",
                                        "seed", "confidence", "products",
                                        "groups", "nodes", "events", "report",
                                        "variants", "extends", NULL };
    static const char *const top = "at top level";
    struct rp_scenario *sc = ld->sc;
    const struct rp_ynode *x;
    struct rp_loc at = root->loc;
    char b[80];
    double v;

    sc->name = stem(ld, sc->file);
    sc->horizon = 1;
    sc->replications = 1000;
    sc->seed = 1;
    sc->confidence = 0.95;
    if (root->kind != RP_YMAP) {
        err(ld, root->loc, "a scenario must be a map, not %s",
            shown(root, b, sizeof b));
        return;
    }
    check_keys(ld, root, keys, top);

    if ((x = require(ld, root, at, "ripple", top)) &&
        num(ld, x, "ripple", ANY, INFINITY, &v) && v != 1)
        err(ld, x->loc, "ripple must be 1 (the format version), not %s",
            x->text);
    if ((x = rp_ytree_get(root, "name"))) {
        const char *name = text(ld, x, "name");
        if (name)
            sc->name = name;
    }
    if ((x = rp_ytree_get(root, "description")))
        sc->description = text(ld, x, "description");
    bool horizon_ok = (x = require(ld, root, at, "horizon", top)) &&
                      num(ld, x, "horizon", POS, MAX_HORIZON, &sc->horizon);
    ld->horizon_ok = horizon_ok;
    if ((x = rp_ytree_get(root, "warmup")) &&
        num(ld, x, "warmup", NONNEG, INFINITY, &sc->warmup) && horizon_ok &&
        sc->warmup >= sc->horizon) {
        err(ld, x->loc, "warmup must be less than horizon (%g), not %s",
            sc->horizon, x->text);
        sc->warmup = 0;
    }
    if ((x = rp_ytree_get(root, "replications")) &&
        whole(ld, x, "replications", 1, MAX_REPLICATIONS, &v))
        sc->replications = (long)v;
    if ((x = rp_ytree_get(root, "seed"))) {
        char *end;
        errno = 0;
        unsigned long long s = 0;
        bool digits = x->kind == RP_YSCALAR && x->plain &&
                      isdigit((unsigned char)x->text[0]);
        if (digits)
            s = strtoull(x->text, &end, 10);
        if (!digits || *end || errno == ERANGE || s > UINT64_MAX)
            err(ld, x->loc, "seed must be a whole number from 0 to "
                "18446744073709551615, not %s", shown(x, b, sizeof b));
        else
            sc->seed = (uint64_t)s;
    }
    if ((x = rp_ytree_get(root, "confidence")) &&
        num(ld, x, "confidence", ANY, INFINITY, &v)) {
        if (v > 0 && v < 1)
            sc->confidence = v;
        else
            err(ld, x->loc, "confidence must be between 0 and 1 (both "
                "excluded), not %s", x->text);
    }

    if ((x = require(ld, root, at, "products", top)) &&
        collection(ld, x, "products"))
        build_products(ld, x);
    if ((x = rp_ytree_get(root, "groups")) && collection(ld, x, "groups"))
        build_groups(ld, x);
    if ((x = require(ld, root, at, "nodes", top)) &&
        collection(ld, x, "nodes"))
        build_nodes(ld, x);
    if ((x = rp_ytree_get(root, "events")) && collection(ld, x, "events"))
        build_events(ld, x);
    if ((x = rp_ytree_get(root, "report")))
        build_report(ld, x);

    check_suppliers(ld);
    check_cycles(ld);
}

/* ---- files, extends, variants, overrides ---- */

/* One file on the way down an extends chain, for finding cycles. */
struct chain {
    const char *path;                   /* as resolved, for messages */
    char *real;                         /* canonical, for comparing; owned */
    const struct chain *up;
};

/* What a path that is not a regular file is, for the message. */
static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m))
        return "a directory";
    if (S_ISFIFO(m))
        return "a FIFO";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "a device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

/*
 * Reads a whole regular file of at most max bytes. The open does not block
 * (a FIFO with no writer would block it for ever) and fstat decides before
 * any read whether the path is a regular file and small enough, so
 * /dev/zero or a 2 GB file costs nothing. Returns the bytes (caller frees)
 * or NULL with *why set to the reason, in words.
 */
static char *read_all(const char *path, size_t max, size_t *len, char *why,
                      size_t cap)
{
    struct stat st;
    char *buf = NULL;
    size_t n = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);

    if (fd < 0 || fstat(fd, &st)) {
        snprintf(why, cap, "%s", strerror(errno));
        why[0] = (char)tolower((unsigned char)why[0]);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, cap, "%s, not a regular file", file_kind(st.st_mode));
        goto out;
    }
    if ((uintmax_t)st.st_size > max) {
        snprintf(why, cap, "it is %jd bytes; the limit is %zu",
                 (intmax_t)st.st_size, max);
        goto out;
    }
    buf = rp_xmalloc((size_t)st.st_size + 1);
    for (;;) {                          /* the file may grow meanwhile */
        ssize_t got = read(fd, buf + n, (size_t)st.st_size + 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            snprintf(why, cap, "%s", strerror(errno));
            why[0] = (char)tolower((unsigned char)why[0]);
            free(buf);
            buf = NULL;
            goto out;
        }
        n += (size_t)got;
        if (got == 0 || n > (size_t)st.st_size)
            break;
    }
    if (n > max) {
        snprintf(why, cap, "it grew past the limit of %zu bytes", max);
        free(buf);
        buf = NULL;
        goto out;
    }
    *len = n;
out:
    if (fd >= 0)
        close(fd);
    return buf;
}

/*
 * The tree of path (or of text, when given), with its extends chain
 * applied: the file is a merge patch of the one it extends.
 */
static struct rp_ynode *load_tree(struct ld *ld, const char *path,
                                  const char *text, size_t len,
                                  const struct chain *up, struct rp_loc from,
                                  unsigned char *sha)
{
    char *owned = NULL;
    const char *file = rp_arena_strdup(ld->a, path);
    struct rp_ynode *root, *base;
    const struct rp_ypair *ext;
    struct chain me = { file, NULL, up };
    int depth = 0;

    if (!text) {
        char why[128];
        owned = read_all(path, ld->max_bytes, &len, why, sizeof why);
        if (!owned) {
            err(ld, from, "cannot read '%s': %s", path, why);
            return NULL;
        }
        text = owned;
    }
    if (sha)
        rp_sha256(text, len, sha);
    root = rp_ytree_parse(&ld->tree, text, len, file, ld->diag);
    free(owned);
    ext = rp_ytree_pair(root, "extends");
    if (!root || !ext)
        return root;

    struct rp_ynode *ev = ext->value;
    char b[80];
    if (ev->kind != RP_YSCALAR) {
        err(ld, ev->loc, "extends must be a file name, not %s",
            shown(ev, b, sizeof b));
        return root;
    }
    /* relative to the directory of the file that names it */
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash && ev->text[0] != '/' ? (size_t)(slash - path) + 1
                                                : 0;
    char *next = rp_arena_alloc(ld->a, dirlen + strlen(ev->text) + 1);
    memcpy(next, path, dirlen);
    strcpy(next + dirlen, ev->text);

    me.real = realpath(path, NULL);
    char *next_real = realpath(next, NULL);
    for (const struct chain *c = &me; c; c = c->up, depth++) {
        bool same = c->real && next_real ? !strcmp(c->real, next_real)
                                         : !strcmp(c->path, next);
        if (!same)
            continue;
        /* name the files from the top of the chain down */
        char msg[900];
        size_t used = 0;
        const struct chain *list[MAX_EXTENDS + 2];
        size_t nlist = 0;
        for (const struct chain *d = &me; d && nlist < MAX_EXTENDS + 1;
             d = d->up)
            list[nlist++] = d;
        msg[0] = '\0';
        for (size_t i = nlist; i-- > 0 && used < sizeof msg;)
            used += (size_t)snprintf(msg + used, sizeof msg - used, "%s -> ",
                                     list[i]->path);
        if (used < sizeof msg)
            snprintf(msg + used, sizeof msg - used, "%s", next);
        err(ld, ev->loc, "extends forms a cycle: %s", msg);
        root = NULL;
        goto out;
    }
    if (depth >= MAX_EXTENDS) {
        err(ld, ev->loc, "extends chain is longer than %d files",
            MAX_EXTENDS);
        root = NULL;
        goto out;
    }
    base = load_tree(ld, next, NULL, 0, &me, ev->loc, NULL);
    if (!base) {
        root = NULL;
        goto out;
    }
    rp_ytree_remove(root, "extends");
    root = rp_ytree_merge(&ld->tree, base, root);
out:
    free(next_real);
    free(me.real);
    return root;
}

/* Notes the variant names, drops them from the tree, applies the one asked. */
static struct rp_ynode *apply_variant(struct ld *ld, struct rp_ynode *root,
                                      const char *want)
{
    struct rp_scenario *sc = ld->sc;
    const struct rp_ypair *vp = rp_ytree_pair(root, "variants");
    struct rp_ynode *vars = vp ? vp->value : NULL;
    /* the variant asked for is an argument: its errors point there */
    struct rp_loc at = { rp_arena_strdup(ld->a, "--variant"), 1, 1 };
    char b[80];

    sc->variant = "base";
    if (vars && vars->kind != RP_YNULL && !collection(ld, vars, "variants"))
        vars = NULL;
    if (vars && vars->kind == RP_YMAP) {
        sc->variants = rp_arena_array(ld->a, vars->n, sizeof *sc->variants);
        sc->nvariants = vars->n;
        for (size_t i = 0; i < vars->n; i++) {
            const struct rp_ypair *p = &vars->pairs[i];
            sc->variants[i] = rp_arena_strdup(ld->a, p->key);
            check_id(ld, p, "variant");
            if (!strcmp(p->key, "base"))
                err(ld, p->key_loc, "a variant cannot be named 'base'");
            if (p->value->kind != RP_YMAP && p->value->kind != RP_YNULL) {
                err(ld, p->value->loc, "variant '%s' must be a map, not %s",
                    p->key, shown(p->value, b, sizeof b));
                continue;
            }
            for (size_t k = 0; k < p->value->n; k++) {
                const char *key = p->value->pairs[k].key;
                if (!strcmp(key, "variants") || !strcmp(key, "extends"))
                    err(ld, p->value->pairs[k].key_loc,
                        "a variant cannot set '%s'", key);
            }
        }
    }
    rp_ytree_remove(root, "variants");
    if (!want || !strcmp(want, "base"))
        return root;

    sc->variant = rp_arena_strdup(ld->a, want);
    const struct rp_ynode *patch = rp_ytree_get(vars, want);
    if (!patch) {
        char list[512];
        if (sc->nvariants)
            err(ld, at, "unknown variant '%s' (known: %s)", want,
                join(list, sizeof list, sc->variants, sc->nvariants));
        else
            err(ld, at, "unknown variant '%s' (the file defines none)", want);
        return root;
    }
    if (patch->kind != RP_YMAP)
        return root;
    return rp_ytree_merge(&ld->tree, root, patch);
}

/*
 * Each --set is a one-key merge patch. Its place in messages is "--set",
 * line N (the N-th override, from 1), column 1.
 */
static struct rp_ynode *apply_overrides(struct ld *ld, struct rp_ynode *root,
                                        const struct rp_load_opts *opts)
{
    const char *file = rp_arena_strdup(ld->a, "--set");

    if (opts && opts->noverrides > RP_MAX_OVERRIDES) {
        err(ld, (struct rp_loc){ file, RP_MAX_OVERRIDES + 1, 1 },
            "too many --set overrides (%zu); the limit is %d",
            opts->noverrides, RP_MAX_OVERRIDES);
        return root;
    }
    for (size_t i = 0; opts && i < opts->noverrides; i++) {
        const struct rp_override *o = &opts->overrides[i];
        struct rp_loc at = { file, (int)i + 1, 1 };
        const char *value = o->value ? o->value : "";
        struct rp_ynode *v = rp_ytree_parse(&ld->tree, value, strlen(value),
                                            file, ld->diag);
        if (!v)
            continue;
        v->loc = at;
        if (v->kind != RP_YSCALAR && v->kind != RP_YNULL) {
            err(ld, at, "--set %s takes a single value, not a list or map",
                o->path);
            continue;
        }
        if (rp_ytree_set(&ld->tree, &root, o->path, v))
            err(ld, at, "--set %s: no such path in the scenario tree",
                o->path);
    }
    return root;
}

static int load(struct rp_scenario *sc, const char *path, const char *text,
                size_t len, const struct rp_load_opts *opts,
                struct rp_diag *diag)
{
    struct ld ld = { .diag = diag, .sc = sc };

    ld.max_bytes = opts && opts->max_file_size ? opts->max_file_size
                                               : RP_SCENARIO_MAX_FILE;
    size_t before = rp_diag_count(diag);
    struct rp_ynode *root;

    memset(sc, 0, sizeof *sc);
    ld.a = rp_xmalloc(sizeof *ld.a);
    rp_arena_init(ld.a);
    sc->arena = ld.a;
    sc->ids = rp_xmalloc(sizeof *sc->ids);
    rp_idmap_init(sc->ids);
    sc->file = ld.top = rp_arena_strdup(ld.a, path);
    sc->variant = "base";
    rp_ytree_init(&ld.tree);

    root = load_tree(&ld, path, text, len, NULL,
                     (struct rp_loc){ ld.top, 0, 0 }, sc->sha256);
    if (root) {
        root = apply_variant(&ld, root, opts ? opts->variant : NULL);
        root = apply_overrides(&ld, root, opts);
        build(&ld, root);
    }
    rp_ytree_release(&ld.tree);
    if (rp_diag_count(diag) > before) {
        rp_scenario_release(sc);
        return -1;
    }
    return 0;
}

int rp_scenario_load(struct rp_scenario *sc, const char *path,
                     const struct rp_load_opts *opts, struct rp_diag *diag)
{
    return load(sc, path, NULL, 0, opts, diag);
}

int rp_scenario_load_string(struct rp_scenario *sc, const char *text,
                            const char *name, const struct rp_load_opts *opts,
                            struct rp_diag *diag)
{
    return load(sc, name, text, strlen(text), opts, diag);
}

/* Loads one more variant of path and moves its errors into diag, each
 * saying which variant it belongs to. */
static int check_variant(const char *path, const struct rp_load_opts *opts,
                         const char *variant, struct rp_diag *diag)
{
    struct rp_load_opts o = *opts;
    struct rp_scenario other;
    struct rp_diag d;

    o.variant = variant;
    rp_diag_init(&d);
    int rc = rp_scenario_load(&other, path, &o, &d);
    for (size_t i = 0; i < d.len; i++) {
        const struct rp_diag_entry *e = &d.entries[i];
        rp_diag_at(diag, (struct rp_loc){ e->file, e->line, e->col },
                   "%s (in variant '%s')", e->message, variant);
    }
    diag->dropped += d.dropped;
    rp_diag_release(&d);
    if (!rc)
        rp_scenario_release(&other);
    return rc;
}

int rp_scenario_load_strict(struct rp_scenario *sc, const char *path,
                            const struct rp_load_opts *opts,
                            struct rp_diag *diag)
{
    static const struct rp_load_opts none;
    const struct rp_load_opts *o = opts ? opts : &none;
    int rc = rp_scenario_load(sc, path, o, diag);

    if (rc)
        return rc;
    const char *chosen = o->variant ? o->variant : "base";
    if (strcmp(chosen, "base"))
        rc |= check_variant(path, o, "base", diag);
    for (size_t i = 0; i < sc->nvariants; i++)
        if (strcmp(sc->variants[i], chosen))
            rc |= check_variant(path, o, sc->variants[i], diag);
    if (rc)
        rp_scenario_release(sc);
    return rc ? -1 : 0;
}

static void release_dist(struct rp_dist *d)
{
    if (d->table)
        rp_dist_release(d);
}

void rp_scenario_release(struct rp_scenario *sc)
{
    for (size_t i = 0; sc->nodes && i < sc->nnodes; i++) {
        struct rp_node *nd = &sc->nodes[i];
        release_dist(&nd->make.time);
        release_dist(&nd->demand.every);
        release_dist(&nd->demand.size);
        release_dist(&nd->outages.every);
        release_dist(&nd->outages.lasts);
        for (size_t k = 0; nd->sources && k < nd->nsources; k++) {
            for (size_t j = 0; j < nd->sources[k].nsources; j++) {
                release_dist(&nd->sources[k].sources[j].lead_time);
                release_dist(&nd->sources[k].sources[j].qualify);
            }
        }
    }
    for (size_t i = 0; sc->events && i < sc->nevents; i++) {
        release_dist(&sc->events[i].start);
        release_dist(&sc->events[i].duration);
        release_dist(&sc->events[i].delay);
    }
    if (sc->ids) {
        rp_idmap_release(sc->ids);
        free(sc->ids);
    }
    if (sc->arena) {
        rp_arena_release(sc->arena);
        free(sc->arena);
    }
    memset(sc, 0, sizeof *sc);
}

/* ---- lookups and the summary ---- */

uint32_t rp_scenario_product(const struct rp_scenario *sc, const char *id)
{
    return sc->ids ? find(sc, ID_PRODUCT, id) : RP_NONE;
}

uint32_t rp_scenario_node(const struct rp_scenario *sc, const char *id)
{
    return sc->ids ? find(sc, ID_NODE, id) : RP_NONE;
}

uint32_t rp_scenario_event(const struct rp_scenario *sc, const char *id)
{
    return sc->ids ? find(sc, ID_EVENT, id) : RP_NONE;
}

uint32_t rp_scenario_report_group(const struct rp_scenario *sc,
                                  const char *id)
{
    return sc->ids ? find(sc, ID_REPORT_GROUP, id) : RP_NONE;
}

/* "JP,KR" into buf: every code in s, in alphabetical order. */
static const char *cset_text(const struct rp_cset *s, char *buf, size_t cap)
{
    size_t used = 0;

    buf[0] = '\0';
    for (unsigned i = 0; i < 26 * 26 && used + 4 < cap; i++) {
        if (!((s->bits[i / 64] >> (i % 64)) & 1u))
            continue;
        used += (size_t)snprintf(buf + used, cap - used, "%s%c%c",
                                 used ? "," : "", 'A' + i / 26, 'A' + i % 26);
    }
    return buf;
}

static const char *dist_text(const struct rp_dist *d, char *buf, size_t cap)
{
    if (d->kind == RP_DIST_FOREVER)
        snprintf(buf, cap, "forever");
    else if (d->kind == RP_DIST_CONST)
        snprintf(buf, cap, "%g", d->a);
    else
        snprintf(buf, cap, "%s (mean %g)", rp_dist_name(d->kind),
                 rp_dist_mean(d));
    return buf;
}

static int by_code(const void *a, const void *b)
{
    rp_country x = *(const rp_country *)a, y = *(const rp_country *)b;
    return (x > y) - (x < y);
}

void rp_scenario_summary(const struct rp_scenario *sc, FILE *out)
{
    char b1[256], b2[64], b3[64];
    size_t nedges = 0;

    fprintf(out, "scenario %s (%s), variant %s\n", sc->name, sc->file,
            sc->variant);
    if (sc->description) {                  /* YAML blocks end in \n */
        int len = (int)strlen(sc->description);
        while (len > 0 && isspace((unsigned char)sc->description[len - 1]))
            len--;
        fprintf(out, "  %.*s\n", len, sc->description);
    }
    fprintf(out, "horizon %g days, warmup %g, %ld replications, seed %llu, "
                 "confidence %g\n", sc->horizon, sc->warmup,
            sc->replications, (unsigned long long)sc->seed, sc->confidence);

    fprintf(out, "products (%zu):", sc->nproducts);
    for (size_t i = 0; i < sc->nproducts; i++)
        fprintf(out, " %s%s%s%s", sc->products[i].id,
                sc->products[i].unit ? " [" : "",
                sc->products[i].unit ? sc->products[i].unit : "",
                sc->products[i].unit ? "]" : "");
    fputc('\n', out);

    /* nodes per country, countries in alphabetical order */
    rp_country *codes = rp_xcalloc(sc->nnodes + 1, sizeof *codes);
    size_t ncodes = 0;
    for (size_t i = 0; i < sc->nnodes; i++)
        codes[ncodes++] = sc->nodes[i].country;
    qsort(codes, ncodes, sizeof *codes, by_code);
    size_t distinct = 0;
    for (size_t i = 0; i < ncodes; i++)
        if (i == 0 || codes[i] != codes[i - 1])
            codes[distinct++] = codes[i];
    fprintf(out, "nodes (%zu) in %zu countries:\n", sc->nnodes, distinct);
    for (size_t c = 0; c < distinct; c++) {
        size_t count = 0;
        for (size_t i = 0; i < sc->nnodes; i++)
            count += sc->nodes[i].country == codes[c];
        fprintf(out, "  %c%c %zu:", codes[c] >> 8, codes[c] & 0xff, count);
        for (size_t i = 0; i < sc->nnodes; i++)
            if (sc->nodes[i].country == codes[c])
                fprintf(out, " %s", sc->nodes[i].id);
        fputc('\n', out);
    }
    free(codes);

    size_t *per = rp_xcalloc(sc->nproducts + 1, sizeof *per);
    for (size_t i = 0; i < sc->nnodes; i++) {
        for (size_t k = 0; k < sc->nodes[i].nsources; k++) {
            const struct rp_sourcing *sg = &sc->nodes[i].sources[k];
            nedges += sg->nsources;
            if (sg->product != RP_NONE)
                per[sg->product] += sg->nsources;
        }
    }
    fprintf(out, "flows: %zu source edges;", nedges);
    for (size_t p = 0; p < sc->nproducts; p++)
        if (per[p])
            fprintf(out, " %s %zu", sc->products[p].id, per[p]);
    fputc('\n', out);
    free(per);

    fprintf(out, "events (%zu):\n", sc->nevents);
    for (size_t i = 0; i < sc->nevents; i++) {
        const struct rp_disruption *ev = &sc->events[i];
        const char *node = ev->node != RP_NONE ? sc->nodes[ev->node].id : "?";
        fprintf(out, "  %s: %s", ev->id, event_types[ev->type]);
        switch (ev->type) {
        case RP_EVENT_EXPORT_BAN:
        case RP_EVENT_EXPORT_LICENCE:
            fprintf(out, " from %s", cset_text(&ev->from, b1, sizeof b1));
            fprintf(out, " to %s%s", ev->by_owner ? "firms of " : "",
                    cset_text(ev->by_owner ? &ev->to_owner : &ev->to, b1,
                              sizeof b1));
            fprintf(out, ", %zu products", ev->nproducts);
            if (ev->type == RP_EVENT_EXPORT_BAN)
                fprintf(out, ", severity %g", ev->severity);
            else
                fprintf(out, ", approval %g", ev->approval);
            break;
        case RP_EVENT_CAPACITY:
            if (ev->has_factor)
                fprintf(out, " of %s x%g", node, ev->factor);
            else
                fprintf(out, " of %s +%g/day", node, ev->add);
            if (ev->ramp > 0)
                fprintf(out, " over %g days", ev->ramp);
            break;
        case RP_EVENT_OUTAGE:
            fprintf(out, " of %s", node);
            break;
        case RP_EVENT_DEMAND:
            fprintf(out, " at %s x%g", node, ev->factor);
            break;
        }
        fprintf(out, ", start %s, duration %s\n",
                dist_text(&ev->start, b2, sizeof b2),
                dist_text(&ev->duration, b3, sizeof b3));
    }

    if (sc->nreport_groups) {
        fprintf(out, "report groups (%zu):", sc->nreport_groups);
        for (size_t i = 0; i < sc->nreport_groups; i++)
            fprintf(out, " %s (%zu nodes)", sc->report_groups[i].id,
                    sc->report_groups[i].nnodes);
        fputc('\n', out);
    }
    fprintf(out, "variants (%zu):", sc->nvariants);
    for (size_t i = 0; i < sc->nvariants; i++)
        fprintf(out, " %s", sc->variants[i]);
    fputc('\n', out);
}
