/*
 * scenario.h - a scenario file as plain, validated, immutable structs.
 *
 * rp_scenario_load() reads a YAML scenario (following "extends:" and applying
 * a variant's merge patch or --set overrides first), checks everything the
 * format page asks to be checked, and resolves every id to an index. After a
 * successful load nothing in the scenario changes: the engine and every
 * thread read it concurrently. All memory hangs off one arena released by
 * rp_scenario_release(). Only yamltree.c includes <yaml.h>; the stages of
 * the loader are sim/scenario*.c (see scenario_impl.h).
 *
 * Every struct keeps the rp_loc it was read from, so checks done later
 * (by the engine build, say) still point at the line.
 *
 * Defaults, where the file is silent:
 *   warmup 0, replications 1000, seed 1, confidence 0.95;
 *   make.servers 1, make.batch 1 (make.time is required unless "capacity" is given),
 *   make.to_order false; stock.review 0 (continuous); source.share 1 when a
 *   product has one source; node.owner = node.country; allocation fifo;
 *   demand.size 1, demand.unmet backorder; event.severity 1, in_transit
 *   deliver, duration forever, start 0, approval 1, ramp 0, announce 0;
 *   priority_by country; every cost (price, holding, margin, penalty, cost)
 *   0. The Additions of the format (trigger, announce, alert, priority_by,
 *   quota, path, costs, uncertain) are loaded and checked here; what they
 *   do is the engine's.
 */
#ifndef RIPPLE_SCENARIO_H
#define RIPPLE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ripple/diag.h"
#include "ripple/dist.h"

struct rp_ytree;
struct rp_ynode;

#define RP_NONE UINT32_MAX              /* an absent index */

struct rp_idmap;

/* ISO 3166 alpha-2 code packed in 16 bits: ('K' << 8) | 'R'. */
typedef uint16_t rp_country;
#define RP_COUNTRY(s) ((rp_country)(((unsigned)(s)[0] << 8) | (unsigned)(s)[1]))

/* A set of countries: one bit per two-letter code AA..ZZ. */
#define RP_CSET_WORDS 11                /* 26 * 26 = 676 bits */
struct rp_cset {
    uint64_t bits[RP_CSET_WORDS];
};

/* Is c two letters A-Z? A code that failed validation may still be looked up. */
static inline bool rp_country_valid(rp_country c)
{
    unsigned hi = (unsigned)(c >> 8), lo = (unsigned)(c & 0xff);
    return hi >= 'A' && hi <= 'Z' && lo >= 'A' && lo <= 'Z';
}

static inline unsigned rp_country_index(rp_country c)
{
    return (unsigned)((c >> 8) - 'A') * 26u + (unsigned)((c & 0xff) - 'A');
}

/* An invalid code is in no set, and adding one changes nothing. */
static inline bool rp_cset_has(const struct rp_cset *s, rp_country c)
{
    if (!rp_country_valid(c))
        return false;
    unsigned i = rp_country_index(c);
    return (s->bits[i / 64] >> (i % 64)) & 1u;
}

static inline void rp_cset_add(struct rp_cset *s, rp_country c)
{
    if (!rp_country_valid(c))
        return;
    unsigned i = rp_country_index(c);
    s->bits[i / 64] |= (uint64_t)1 << (i % 64);
}

struct rp_product {
    const char *id;
    const char *unit;                   /* may be NULL */
    const char *description;            /* may be NULL */
    struct rp_loc loc;
};

/* groups: { id: [JP, US, ...] } */
struct rp_group {
    const char *id;
    struct rp_cset members;
    struct rp_loc loc;
};

enum rp_policy {
    RP_POLICY_BASE_STOCK,               /* order up to level */
    RP_POLICY_SS,                       /* at or below s: order up to S */
    RP_POLICY_RQ,                       /* at or below r: order Q, as often as needed */
};

/* One product a node holds: an input, its output, or a market's product. */
struct rp_stock {
    uint32_t product;
    double initial;                     /* units on hand at time 0 */
    bool initial_given;                 /* initial written, not the policy's default */
    enum rp_policy policy;
    double level;                       /* base_stock; "cover: D" resolved to D days of use at capacity */
    double s, S;                        /* sS */
    double r, Q;                        /* rQ */
    double review;                      /* days; 0 = continuous */
    double cover;                       /* days, when level was given as cover (0: not); the level follows capacity */
    bool has_alert;                     /* alert: raise the target while an announced restriction lasts */
    double alert_level;                 /* alert target (units); alert: {cover: D} resolved at full capacity */
    double alert_cover;                 /* days, when the alert was given as cover (0: as level) */
    double holding;                     /* currency per unit held per day */
    struct rp_loc loc;
};

/* One supplier of one input: sources: { product: { supplier: edge } } */
struct rp_source {
    uint32_t supplier;                  /* node index */
    double share;                       /* 0..1 */
    struct rp_dist lead_time;           /* days; path ...sources.P.S.lead_time */
    bool backup;                        /* joins only when a block calls for it */
    struct rp_dist qualify;             /* days from that block to joining */
    bool has_trigger;                   /* backup: trigger given */
    double trigger_fill;                /* qualify when the regular sources delivered < fill ... */
    double trigger_window;              /* ... of what was due over the last window days */
    double price;                       /* currency per unit bought over this edge */
    struct rp_loc loc;
};

struct rp_sourcing {
    uint32_t product;
    struct rp_source *sources;
    size_t nsources;
    struct rp_loc loc;
};

struct rp_bom_line {
    uint32_t product;
    double qty;                         /* units of input per unit of output */
};

struct rp_make {
    uint32_t product;                   /* RP_NONE: the node makes nothing */
    double batch;                       /* units per batch at full capacity */
    struct rp_dist time;                /* days per batch; path nodes.N.make.time */
    uint32_t servers;                   /* batches in process at once */
    struct rp_bom_line *inputs;
    size_t ninputs;
    bool to_order;                      /* make only against backlog */
    double margin;                      /* currency per unit of output lost (starved or down) */
    struct rp_loc loc;
};

enum rp_unmet {
    RP_UNMET_BACKORDER,                 /* waits for delivery */
    RP_UNMET_LOST,                      /* takes what is on hand, loses the rest */
};

struct rp_demand {
    uint32_t product;                   /* RP_NONE: not a market */
    struct rp_dist every;               /* days between demands; nodes.N.demand.every */
    struct rp_dist size;                /* units per demand; nodes.N.demand.size */
    enum rp_unmet unmet;
    double penalty;                     /* currency per unit unmet at the horizon */
    struct rp_loc loc;
};

struct rp_outages {
    bool present;
    struct rp_dist every;               /* up time; nodes.N.outages.every */
    struct rp_dist lasts;               /* down time; nodes.N.outages.lasts */
    struct rp_loc loc;
};

enum rp_allocation {
    RP_ALLOC_FIFO,
    RP_ALLOC_PROPORTIONAL,
    RP_ALLOC_PRIORITY,
    RP_ALLOC_QUOTA,                     /* shares per buyer class (quota) */
};

/* Which of a buyer's countries its class is matched on (priority_by). */
enum rp_priority_by {
    RP_BY_COUNTRY,                      /* the buyer's site (default) */
    RP_BY_OWNER,                        /* the nationality of its owner */
};

/* One class of allocation: quota: { alliance: 0.85, KR: 0.10, other: 0.05 } */
struct rp_quota {
    struct rp_cset members;             /* empty for other */
    bool other;                         /* every buyer in no named class */
    double share;                       /* 0..1; the shares sum to 1 */
    struct rp_loc loc;
};

struct rp_node {
    const char *id;
    const char *name;                   /* defaults to id */
    rp_country country;
    rp_country owner;
    const char **tags;
    size_t ntags;
    struct rp_make make;
    struct rp_demand demand;
    bool unlimited;                     /* supply: unlimited */
    struct rp_stock *stock;
    size_t nstock;
    struct rp_sourcing *sources;
    size_t nsources;
    struct rp_outages outages;
    enum rp_allocation allocation;
    struct rp_cset *priority;           /* priority classes, first served first */
    size_t npriority;
    enum rp_priority_by priority_by;    /* priority and quota classes match this */
    struct rp_quota *quota;             /* allocation: quota */
    size_t nquota;
    struct rp_loc loc;
};

/* One point of a path: the factor in force on day (linear between). */
struct rp_path_point {
    double day;                         /* days since the start of the run */
    double factor;                      /* >= 0 */
};

/*
 * The event types, listed once: X(TYPE, "name") gives RP_EVENT_<TYPE> and
 * the name written after "type:". Their keys are in scenario_events.c.
 */
#define RP_EVENT_TYPES(X)                                               \
    X(EXPORT_BAN, "export_ban")                                         \
    X(EXPORT_LICENCE, "export_licence")                                 \
    X(CAPACITY, "capacity")                                             \
    X(OUTAGE, "outage")                                                 \
    X(DEMAND, "demand")

enum rp_event_type {
#define RP_EVENT_ENUM_(type, name) RP_EVENT_##type,
    RP_EVENT_TYPES(RP_EVENT_ENUM_)
#undef RP_EVENT_ENUM_
};

/* The name of an event type as a scenario writes it ("export_ban"). */
const char *rp_event_type_name(enum rp_event_type t);

enum rp_in_transit {
    RP_IN_TRANSIT_DELIVER,
    RP_IN_TRANSIT_SEIZE,
};

struct rp_disruption {
    const char *id;
    enum rp_event_type type;
    struct rp_dist start;               /* days; events.E.start */
    struct rp_dist duration;            /* days or forever; events.E.duration */

    /* export_ban, export_licence */
    struct rp_cset from;                /* exporter sites */
    struct rp_cset to;                  /* importer sites, by location */
    bool by_owner;                      /* to_owner given: match owners instead */
    struct rp_cset to_owner;
    uint32_t *products;                 /* affected products */
    size_t nproducts;
    double severity;                    /* ban: fraction of each order refused */
    enum rp_in_transit in_transit;
    struct rp_dist delay;               /* licence: days each shipment waits; events.E.delay */
    double approval;                    /* licence: probability a shipment is approved */

    /* capacity, outage, demand */
    uint32_t node;
    bool has_factor;
    double factor;                      /* capacity or demand multiplier */
    double add;                         /* capacity: units/day added (when !has_factor) */
    double ramp;                        /* capacity, demand: days of linear ramp to full effect */
    struct rp_path_point *path;         /* capacity, demand: factor over time, days increasing */
    size_t npath;                       /* 0: no path (factor or add applies) */
    double announce;                    /* ban, licence: days before start it is known (0: at start) */
    double cost;                        /* currency, one-off at the event's start */
    struct rp_loc loc;
};

/* report.groups: a selector resolved to node indices. */
struct rp_report_group {
    const char *id;
    uint32_t *nodes;
    size_t nnodes;
    struct rp_loc loc;
};

/* uncertain: { <scalar path>: <distribution> }, one draw per replication. */
struct rp_uncertain {
    const char *path;                   /* "events.jp_ban.severity" */
    struct rp_dist dist;                /* keyed by "uncertain.<path>" */
    struct rp_loc loc;                  /* of the key */
};

struct rp_override;

struct rp_scenario {
    const char *file;                   /* path as given */
    const char *name;
    const char *description;            /* may be NULL */
    const char *variant;                /* "base" or the variant applied */
    const struct rp_override *overrides; /* the --set overrides applied, in order */
    size_t noverrides;
    double horizon;                     /* days */
    double warmup;                      /* days */
    long replications;
    uint64_t seed;
    double confidence;
    const char *currency;               /* label of every cost; NULL if not given */

    struct rp_product *products;
    size_t nproducts;
    struct rp_group *groups;
    size_t ngroups;
    struct rp_node *nodes;
    size_t nnodes;
    struct rp_disruption *events;
    size_t nevents;
    struct rp_report_group *report_groups;
    size_t nreport_groups;
    uint32_t report_lead;               /* report.lead: the group reports open with (0: the first) */
    bool series;                        /* report.series */
    bool has_day0;                      /* report.day0 given: per-year values (periods.h) */
    int64_t day0;                       /* report.day0: day 0's date, days since 1970-01-01 */
    const char *day0_text;              /* report.day0 as written, YYYY-MM-DD */
    struct rp_uncertain *uncertain;     /* uncertain inputs, in file order */
    size_t nuncertain;
    struct rp_ytree *layered;           /* with uncertain inputs: the tree after */
    const struct rp_ynode *layered_root; /*   extends, variant, --set (owned); else NULL */

    const char **variants;              /* names of the variants the file defines */
    size_t nvariants;

    unsigned char sha256[32];           /* of the file's bytes (the top file) */
    void *arena;                        /* owns everything above */
    struct rp_idmap *ids;               /* id -> index, for the lookups below */
};

/*
 * One --set override: a dotted path into the tree and a YAML scalar. It is
 * applied after the variant as a one-key merge patch: maps missing on the
 * path are created, "null" deletes. Its errors are reported at "--set:N:1",
 * N counting the overrides from 1.
 */
struct rp_override {
    const char *path;                   /* "events.youlchon_expansion.start" */
    const char *value;                  /* "90", "forever", "{dist: ...}" not allowed: scalars only */
};

/* Limits a user may raise (from the command line). */
#define RP_SCENARIO_MAX_FILE ((size_t)64 << 20)  /* bytes of one file: 64 MiB */
#define RP_MAX_OVERRIDES 16                      /* --set overrides */

struct rp_load_opts {
    const char *variant;                /* NULL or "base": no variant */
    const struct rp_override *overrides;
    size_t noverrides;                  /* at most RP_MAX_OVERRIDES */
    /*
     * A sensitivity row's input values: set after the overrides as --set
     * sets them (errors at "input:N:1", N from 1), with the uncertain block
     * deleted when there is any; not counted in the --set limit.
     */
    const struct rp_override *inputs;
    size_t ninputs;
    size_t max_file_size;               /* bytes of each file; 0 = RP_SCENARIO_MAX_FILE */
};

/*
 * Loads the scenario in path, with opts (may be NULL). On success returns 0
 * and the caller owns *sc (rp_scenario_release). On failure returns -1,
 * every problem found is in diag, and *sc is empty.
 */
int rp_scenario_load(struct rp_scenario *sc, const char *path,
                     const struct rp_load_opts *opts, struct rp_diag *diag);

/*
 * As rp_scenario_load, and a file is valid only when every variant it
 * defines is: the base and each other variant are loaded too, checked and
 * dropped, and their errors recorded in diag as "... (in variant 'v')".
 * The others are checked as the file has them: opts' overrides apply only
 * to the tree loaded into sc (a --set of an event that only the chosen
 * variant defines is not an error of the others). Costs one load per
 * variant. The CLI loads through this, so "validate" and "run" refuse a
 * file with a broken variant whichever variant they run.
 */
int rp_scenario_load_strict(struct rp_scenario *sc, const char *path,
                            const struct rp_load_opts *opts,
                            struct rp_diag *diag);

/*
 * For one replication of a scenario with uncertain inputs: *out is sc with
 * input i set to values[i] (text, one per sc->uncertain[i]) as --set would
 * set it, and without its uncertain block; built from the tree sc kept, so
 * no file is read. Returns 0 (the caller releases *out) or -1 with the
 * reasons in diag, each at its input's key. Safe to call from many threads
 * at once on the same sc. Costs one build of the scenario.
 */
int rp_scenario_with_inputs(struct rp_scenario *out,
                            const struct rp_scenario *sc,
                            const char *const *values, struct rp_diag *diag);

/* As rp_scenario_load, from a string; name is used as the file in messages. */
int rp_scenario_load_string(struct rp_scenario *sc, const char *text,
                            const char *name, const struct rp_load_opts *opts,
                            struct rp_diag *diag);

void rp_scenario_release(struct rp_scenario *sc);

/* Index of the product, node, event or report group with this id, or
 * RP_NONE. O(1): hashed. */
uint32_t rp_scenario_product(const struct rp_scenario *sc, const char *id);
uint32_t rp_scenario_node(const struct rp_scenario *sc, const char *id);
uint32_t rp_scenario_event(const struct rp_scenario *sc, const char *id);
uint32_t rp_scenario_report_group(const struct rp_scenario *sc,
                                  const char *id);

#endif
