/*
 * engine_trigger.c - backups called in by poor service: `trigger: {fill,
 * window}` on a backup source.
 *
 * Every regular edge of a holding that has such a backup keeps, per day,
 * the units ordered over it (due) and the units its supplier sent over it
 * (sent; goods a licence refused come off the day they come back). At
 * each day's end a backup not yet called in by its trigger compares, over
 * the last `window` whole days, what the regular sources sent with what
 * was due: below `fill` of it, the backup is called in (it starts
 * qualifying, as a restriction would have it) and keeps the share of the
 * regular sources that served poorly themselves, for the split.
 *
 * Costs: a note is O(1) (plus the days skipped since the last note, at
 * most the ring's length); a day's check is O(regular sources) per
 * holding, plus O(window x regular sources), once for all its backups with
 * the same window, when a backup still waits, a day in its window was
 * short and the holding's running ring sums (surely_served) leave the
 * verdict open; the running sums cost O(window x regular sources) once
 * per ring length.
 * The rings are the run's, sized by the model: nothing is allocated here.
 */
#include "engine_impl.h"

#include <assert.h>
#include <math.h>

/* Regular edge e's ring: its holding's trig_days (due, sent) pairs. */
static double *ring(struct rp_run *r, uint32_t e)
{
    return &r->trig_bin[2 * (size_t)r->m->edges[e].bin0];
}

/* The pair of day `day` in e's ring. */
static double *bin(struct rp_run *r, uint32_t e, uint32_t day)
{
    uint32_t len = r->m->holds[r->m->edges[e].hold].trig_days;
    return ring(r, e) + 2 * (size_t)(day % len);
}

/*
 * Moves holding h's rings on to day `day`: the days after the latest one
 * they hold start empty (at most a ring's length of them to clear).
 */
static void advance(struct rp_run *r, uint32_t h, uint32_t day)
{
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    if (day <= hs->tday)
        return;
    uint32_t from = day - hs->tday > hd->trig_days ? day - hd->trig_days : hs->tday;
    for (uint32_t d = from + 1; d <= day; d++)
        for (uint32_t i = 0; i < hd->nedges; i++) {
            uint32_t e = hd->edge0 + i;
            if (r->m->edges[e].bin0 == RP_NONE)
                continue;
            double *b = bin(r, e, d);
            hs->trun[0] -= b[0];
            hs->trun[1] -= b[1];
            hs->trun_abs -= fabs(b[0]) + fabs(b[1]);
            hs->tops++;
            b[0] = b[1] = 0;
        }
    hs->tday = day;
    hs->tslot = day % hd->trig_days;
}

void rp_eng_trig_record(struct rp_run *r, uint32_t e, double due, double sent)
{
    uint32_t day = rp_eng_today(r), h = r->m->edges[e].hold;
    advance(r, h, day);
    struct hold_st *hs = &r->h[h];
    double *b = ring(r, e) + 2 * (size_t)hs->tslot;
    double was = fabs(b[0]) + fabs(b[1]);
    b[0] += due;
    b[1] += sent;
    hs->trun[0] += due;
    hs->trun[1] += sent;
    hs->trun_abs += fabs(b[0]) + fabs(b[1]) - was;
    if (hs->trun_abs > hs->trun_absmax)
        hs->trun_absmax = hs->trun_abs;
    hs->tops++;
}

/*
 * Due and sent over regular edge e in the days first..last, summed in day
 * order. The ring is walked with a wrapping index rather than bin()'s
 * modulo per day: the division was most of a day's checks.
 */
static void window_sums(struct rp_run *r, uint32_t e, uint32_t first,
                        uint32_t last, double *due, double *sent)
{
    uint32_t len = r->m->holds[r->m->edges[e].hold].trig_days;
    const double *pairs = ring(r, e);
    uint32_t i = first % len;
    double d = 0, s = 0;
    for (uint32_t n = last - first + 1; n > 0; n--) {
        d += pairs[2 * i];
        s += pairs[2 * i + 1];
        if (++i == len)
            i = 0;
    }
    *due = d;
    *sent = s;
}

/* Poor service: sent less than fill of what was due (and something was). */
static bool served_poorly(double due, double sent, double fill)
{
    return due > EPS && sent < fill * due - EPS;
}

/*
 * Sums each regular edge of holding h over the days first..day into
 * r->trig_sum (due, sent per edge).
 */
static void sum_window(struct rp_run *r, uint32_t h, uint32_t first, uint32_t day)
{
    const struct hold *hd = &r->m->holds[h];
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (r->m->edges[e].bin0 != RP_NONE)
            window_sums(r, e, first, day, &r->trig_sum[2 * (size_t)e],
                        &r->trig_sum[2 * (size_t)e + 1]);
    }
}

/*
 * Backup b of holding h judges the window that r->trig_sum holds: called
 * in when the regular sources together served poorly. It keeps the shares
 * of those that served poorly alone and are not blocked (a blocked share
 * reaches the backups anyway). True when it is called in.
 */
static bool judge(struct rp_run *r, uint32_t h, uint32_t b)
{
    const struct rp_model *m = r->m;
    const struct hold *hd = &m->holds[h];
    const struct edge *bd = &m->edges[b];
    double due = 0, sent = 0, poor = 0;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (m->edges[e].bin0 == RP_NONE)
            continue;
        double d = r->trig_sum[2 * (size_t)e], s = r->trig_sum[2 * (size_t)e + 1];
        due += d;
        sent += s;
        if (served_poorly(d, s, bd->trig_fill) && edge_active(r, e))
            poor += m->edges[e].share;
    }
    if (!served_poorly(due, sent, bd->trig_fill))
        return false;
    r->e[b].triggered = true;
    r->e[b].trig_share = poor;
    rp_eng_arm_backup(r, b);
    return true;
}

/*
 * Notes whether day `day` (just ended: its bins are final, as every later
 * record goes to a later day) left a regular edge of h short of what was
 * due over it.
 */
static void note_deficit(struct rp_run *r, uint32_t h, uint32_t day)
{
    const struct hold *hd = &r->m->holds[h];
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (r->m->edges[e].bin0 == RP_NONE)
            continue;
        const double *b = bin(r, e, day);
        if (b[1] < b[0]) {
            r->h[h].deficit_next = day + 1;
            return;
        }
    }
}

/*
 * Holding h's running ring sums, summed afresh: trun then differs from the
 * exact sums by the rounding of at most RESYNC_OPS changes since, each
 * within 2^-53 of trun_absmax.
 */
#define RESYNC_OPS 100000u

static void resync(struct rp_run *r, uint32_t h)
{
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    double due = 0, sent = 0, abs = 0;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (r->m->edges[e].bin0 == RP_NONE)
            continue;
        const double *pairs = ring(r, e);
        for (uint32_t d = 0; d < hd->trig_days; d++) {
            due += pairs[2 * d];
            sent += pairs[2 * d + 1];
            abs += fabs(pairs[2 * d]) + fabs(pairs[2 * d + 1]);
        }
    }
    hs->trun[0] = due;
    hs->trun[1] = sent;
    hs->trun_abs = hs->trun_absmax = abs;
    hs->tops = 0;
    hs->tsync = hs->tday;
}

/*
 * Can holding h's regular sources, over the window of the rings' length
 * less one that ends with `day`, be judged to have served well at fill
 * without summing the window? The window is the rings' days but one, in
 * slot (day + 1) mod length (the day before it, or today's, if today has
 * begun). Its running sums are within far less than a millionth of
 * trun_absmax of the exact ones (rounding: RESYNC_OPS changes, and the
 * window's terms), so a verdict clear by that margin is the exact
 * verdict; one closer is left to the exact sums (judge).
 */
static bool surely_served(struct rp_run *r, uint32_t h, uint32_t day, double fill)
{
    const struct hold *hd = &r->m->holds[h];
    struct hold_st *hs = &r->h[h];
    if (hs->tops > RESYNC_OPS || hs->tday >= hs->tsync + hd->trig_days)
        resync(r, h);
    uint32_t slot = (day + 1) % hd->trig_days;
    double due = hs->trun[0], sent = hs->trun[1];
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        if (r->m->edges[e].bin0 == RP_NONE)
            continue;
        const double *b = ring(r, e) + 2 * (size_t)slot;
        due -= b[0];
        sent -= b[1];
    }
    double margin = 1e-6 * hs->trun_absmax;
    return due + 2 * margin <= EPS
        || sent - 2 * margin >= fill * (due + 2 * margin) - EPS + margin;
}

#ifndef NDEBUG
/* surely_served's verdict, as judge would reach it from the exact sums. */
static bool exactly_served(struct rp_run *r, uint32_t h, uint32_t first,
                           uint32_t day, double fill)
{
    const struct hold *hd = &r->m->holds[h];
    double due = 0, sent = 0;
    for (uint32_t i = 0; i < hd->nedges; i++) {
        uint32_t e = hd->edge0 + i;
        double d, s;
        if (r->m->edges[e].bin0 == RP_NONE)
            continue;
        window_sums(r, e, first, day, &d, &s);
        due += d;
        sent += s;
    }
    return !served_poorly(due, sent, fill);
}
#endif

/*
 * The day that just ended (`day`) and the window - 1 days before it. A
 * window in which no regular edge ever sent less than was due cannot fire
 * (fill <= 1, and rounded sums keep the order of their terms), so it is
 * not summed (on the flagship most windows still hold a short day: a
 * supplier's backlog is one). The backups of a holding with the
 * same window share one summing of its rings; a backup called in may order
 * at once (and so add to today's bins), so the next one sums afresh.
 */
void rp_eng_check_triggers(struct rp_run *r, uint32_t day)
{
    const struct rp_model *m = r->m;
    for (size_t k = 0; k < m->ntrig_holds; k++) {
        uint32_t h = m->trig_holds[k];
        const struct hold *hd = &m->holds[h];
        uint32_t summed = UINT32_MAX;   /* the first day trig_sum holds sums from */
        advance(r, h, day);
        note_deficit(r, h, day);
        for (uint32_t i = 0; i < hd->nedges; i++) {
            uint32_t b = hd->edge0 + i;
            if (!m->edges[b].trig || r->e[b].triggered)
                continue;
            uint32_t w = m->edges[b].trig_window;
            uint32_t first = day + 1 > w ? day + 1 - w : 0;
            if (r->h[h].deficit_next <= first)
                continue;               /* no short day in its window */
            if (w + 1 == hd->trig_days
                && surely_served(r, h, day, m->edges[b].trig_fill)) {
                assert(exactly_served(r, h, first, day, m->edges[b].trig_fill));
                continue;               /* served well, by a clear margin */
            }
            if (first != summed) {
                sum_window(r, h, first, day);
                summed = first;
            }
            if (judge(r, h, b))
                summed = UINT32_MAX;
        }
    }
}
