/*
 * model_impl.h - the model's insides, shared by model.c (which builds it)
 * and engine.c (which runs it). Not part of any public contract.
 *
 * A node's stock of one product is a holding; a supply edge joins a
 * customer's holding to a supplier node. Everything here is immutable once
 * rp_model_new() returns, and read by every thread at once.
 *
 * The engine reads only what is here, never the scenario: what it needs of
 * a node, an event or a report group is copied in by the builder (model.c,
 * cost.c). The back-pointers named sc serve the builder and the modules
 * above the engine (report, cost.c, periods.c, batch).
 */
#ifndef RIPPLE_MODEL_IMPL_H
#define RIPPLE_MODEL_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "ripple/model.h"

/*
 * A random quantity as the engine sees it: its distribution's family and
 * parameters and the stream it draws from (-1: a constant, no stream). The
 * engine draws through these and never looks the quantity up in the
 * scenario. Family and parameters are a copy, so that a shipment's lead
 * time is on the cache lines of the edge it belongs to (a pointer cost a
 * cache miss per shipment on big networks); the copy is the 32 bytes a draw
 * reads, not the whole struct rp_dist (80 bytes, most of them an empirical
 * distribution's tables and the path), so that nodes and edges take fewer
 * lines. Only an empirical distribution reads the scenario's own (dist).
 */
struct rp_draw {
    enum rp_dist_kind kind;
    int32_t stream;
    double a, b, c;                 /* as in struct rp_dist */
    const struct rp_dist *dist;     /* the scenario's: empirical tables */
};

enum role {
    ROLE_OUTPUT,        /* the node makes this product */
    ROLE_INPUT,         /* an input of the node's bill of materials */
    ROLE_DEMAND,        /* a market's product */
    ROLE_STOCK,         /* held and passed on (a warehouse, a trader) */
    ROLE_UNLIMITED,     /* supply: unlimited */
};

/* Immutable: one product one node holds. */
struct hold {
    uint32_t node;
    uint32_t product;
    enum role role;
    bool passthrough;       /* a market without stock: demand goes upstream as orders */
    enum rp_policy policy;
    double level, s, S, r, Q;
    double review;          /* days; 0 = continuous */
    double initial;
    double bom;             /* ROLE_INPUT: units per unit of output */
    /*
     * Levels given as cover (days of use) follow the node's capacity (a
     * maker's inputs and output) or its demand (a market's product): level
     * and alert_level are at full capacity, and the engine scales them by
     * the factor in force (follow is RP_EVENT_CAPACITY or RP_EVENT_DEMAND).
     */
    bool level_follows, alert_follows;
    bool initial_follows;   /* initial defaulted to a level given as cover: the level in force at time 0 */
    enum rp_event_type follow;
    bool has_alert;         /* orders up to alert_level while an event that restricts it is known */
    double alert_level;
    uint32_t edge0, nedges; /* replenishment edges */
    uint32_t lane0, nlanes; /* allocation by class: one backlog per class (0: one queue) */
    uint32_t trig_days;     /* a backup has a trigger: days in each regular edge's ring (0: none) */
    uint32_t next_at_node;  /* the node's next holding, RP_NONE after the last */
    double holding;         /* currency per unit on hand per day (its stock entry's) */
    enum rp_allocation alloc;   /* its node's, copied: read whenever its backlog is */
                                /*   served, where the scenario's node is a cache miss */
    /*
     * The rate it uses its product at a factor of 1, in units/day (when
     * has_need): an input's bom x its maker's nominal rate, a market's mean
     * demand size over its mean interval. Worked out once here: the split
     * reads it at every placement, where the means were two calls into the
     * scenario's distributions.
     */
    bool has_need;
    double need;
};

struct edge {
    uint32_t hold;          /* the customer's holding */
    uint32_t supplier;      /* node */
    uint32_t supplier_hold;
    double share;
    bool backup;
    struct rp_draw lead;    /* days from shipping to arrival */
    struct rp_draw qualify; /* backup: days from a block to joining */
    uint32_t buyer_class;   /* the customer's class at the supplier (priority, quota); see rp_model_buyer_class */
    /*
     * trigger (backups): called in when the regular sources delivered less
     * than trig_fill of what was due over the last trig_window whole days.
     * A regular edge of a holding with such a backup keeps a ring of
     * hold.trig_days daily (due, sent) pairs from bin0 (RP_NONE: none).
     */
    bool trig;
    double trig_fill;
    uint32_t trig_window;
    uint32_t bin0;
    double price;           /* currency per unit shipped over it */
};

/* One point of a capacity or demand path: the factor in force on day. */
struct path_pt {
    double day;             /* days since the start of the run */
    double factor;          /* >= 0; linear between points */
};

struct mnode {
    const struct rp_node *sc;   /* for the builder and the report: the engine reads the fields below */
    uint32_t first_hold;    /* its holdings, linked by next_at_node in index order */
    uint32_t last_hold;
    uint32_t out_hold;      /* RP_NONE if it makes nothing */
    uint32_t main_hold;     /* output, demand or first holding: carries node metrics */
    uint32_t in0, nin;      /* input holdings, contiguous */
    uint32_t server0;       /* first server slot in the run */
    struct rp_draw make_time;       /* days per batch */
    struct rp_draw demand_every;    /* days between demands */
    struct rp_draw demand_size;     /* units per demand */
    struct rp_draw up, down;        /* outages: days up, days down */
    double rate;            /* nominal units/day at full capacity */
    double batch;           /* sc->make's, copied: read per batch start, where */
    uint32_t servers;       /*   the scenario's node is a cache miss on big networks */
    uint32_t quota0;        /* quota allocation: class c's share is quota_share[quota0 + c] */
    double mean_time;       /* mean days per batch (makers) */
    uint32_t cap_ev0, ncap_ev;  /* its capacity events: node_events[cap_ev0 ..] */
    double cap_floor;       /* the least capacity factor its events can give, as a
                               product of each one's least (1 without events) */
    uint32_t dem_ev0, ndem_ev;  /* its demand events, likewise */
    bool follows;           /* a holding's level follows its capacity or demand */
    bool sells;             /* a market: demands arrive (demand.product given) */
    bool lost_sales;        /* demand unmet from stock is lost, not owed */
    bool has_outages;       /* random outages: up and down are drawn */
    uint32_t self_class;    /* its own customers' class under its allocation */
    bool stock_keeping;     /* a failed order here is a shortfall (not made to order) */
    int32_t day_slot;       /* index into daily arrays, -1 if none */
    /* Cold, at the end: read when a quota node shares a backlog, and once
     * per replication for costs. */
    uint32_t nquota;        /* quota allocation: named classes */
    double margin;          /* currency per unit of output lost (starved or down) */
    double penalty;         /* currency per unit of demand unmet at the horizon */
};

/*
 * A disruption as the engine sees it: what the scenario says of it, copied
 * (the engine reads only the model). A ban's pass share reads type,
 * severity and its edges together; a factor reads the fields after node.
 */
struct mevent {
    const struct rp_disruption *sc;     /* for the builder and the report */
    enum rp_event_type type;
    double severity;                /* ban: fraction of each order refused */
    uint32_t edge0, nedges; /* edges it touches (bans and licences), sorted */
    bool seize;                     /* ban: goods in transit are seized at its start */
    double announce;                /* ban, licence: days before start it is known (0: at start) */
    double approval;                /* licence: probability a shipment is approved */
    struct rp_draw start, duration; /* days */
    struct rp_draw delay;           /* licence: days each shipment waits */
    int32_t approval_stream;        /* licence: the uniform behind each decision */
    uint32_t node;                  /* capacity, outage, demand: the node it strikes */
    bool has_factor;
    double factor;                  /* capacity or demand multiplier */
    double add;                     /* capacity: units/day added (when !has_factor) */
    double ramp;                    /* days of linear ramp to full effect */
    const struct path_pt *path;     /* factor over time (model-owned: rp_model.path_pts) */
    uint32_t npath;                 /* 0: no path (factor or add applies) */
    double cost;                    /* currency, one-off at its start */
};

/* A node's share of an event's one-off cost (cost.c). */
struct cost_claim {
    uint32_t event;
    double share;           /* of the event's cost, 0..1 */
};

/*
 * The engine reads only this and what it points to, never the scenario (sc
 * is for the builder, the report and the other modules above the engine).
 */
struct rp_model {
    const struct rp_scenario *sc;
    double horizon;                 /* days: no event is pushed after it (read per push) */
    double warmup;                  /* days */
    uint32_t *value_hold;           /* per value: its holding (node values), else RP_NONE */
    struct hold *holds;
    size_t nholds;
    struct edge *edges;
    size_t nedges;
    uint32_t *supply_edge0;         /* node n supplies edges supply_edges[supply_edge0[n] .. [n + 1]), */
    uint32_t *supply_edges;         /*   in edge order: an outage visits its own, not all */
    struct mnode *nodes;
    size_t nnodes;
    struct mevent *events;
    size_t nevents;
    uint32_t *event_edges;          /* concatenated per-event edge lists */
    uint32_t *node_events;          /* per node: its capacity events, then its demand events, in event order */
    uint32_t *follow_nodes;         /* nodes with a holding whose level follows (mnode.follows) */
    size_t nfollow_nodes;
    uint32_t *trig_holds;           /* holdings with a backup that has a trigger */
    size_t ntrig_holds;
    size_t ntrig_bins;              /* daily (due, sent) pairs of all their regular edges */
    uint64_t *stream_keys;          /* path hash of each random quantity */
    size_t nstreams;
    size_t nservers;
    size_t max_classes;             /* most allocation classes at one node, plus one */
    size_t nlanes;                  /* backlog lanes of all laned holdings */
    struct rp_value_desc *values;
    size_t nvalues;
    size_t ngroups;                 /* report groups */
    uint32_t *group_node0;          /* group g's member nodes: */
    uint32_t *group_nodes;          /*   group_nodes[group_node0[g] .. group_node0[g + 1]) */
    uint32_t *group_product;
    uint32_t *group_hold0;          /* group g's members' holdings of its product: */
    uint32_t *group_holds;          /*   group_holds[group_hold0[g] .. group_hold0[g + 1]) */
    uint32_t *hold_group0;          /* holding h is in groups hold_groups[hold_group0[h] .. [h + 1]) */
    uint32_t *hold_groups;
    bool daily;                     /* keep daily output buckets */
    size_t ndays;
    size_t nday_nodes;
    bool series;
    struct rp_period *periods;      /* calendar years (report.day0), else NULL */
    size_t nperiods;
    bool costs;                     /* the scenario prices something: cost metrics reported */
    int32_t *input_stream;          /* per uncertain input: its stream ("uncertain.<path>") */
    size_t ninputs;                 /* uncertain inputs: each replication redraws them (draws.h) */
    double *quota_share;            /* per quota class of each node (mnode.quota0) */
    struct path_pt *path_pts;       /* the events' path points (mevent.path) */
    uint32_t *cost_claim0;          /* node n's claims on event costs: */
    struct cost_claim *cost_claims; /*   cost_claims[cost_claim0[n] .. [n + 1]) */
};

/*
 * The holding of product p at node n, or RP_NONE. Walks n's own holdings
 * (a handful: its output, inputs, stock), so building is linear in the
 * network.
 */
uint32_t rp_model_find_hold(const struct rp_model *m, uint32_t n, uint32_t p);

/*
 * The class of a buyer at supplier sup, by sup's allocation, matched on
 * the buyer's site or its owner (priority_by). Priority: the first listed
 * class that holds it, npriority for everyone else. Quota: the index of
 * its class in quota[], that of `other` when it is in none, nquota when
 * there is no `other` (a share of 0). 0 under fifo and proportional.
 */
uint32_t rp_model_buyer_class(const struct rp_node *sup, const struct rp_node *buyer);

#endif
