/*
 * describe.c - the one-screen summary of a scenario that "ripple validate"
 * prints: what was loaded, so a reader can see that it is what was meant.
 */
#include "ripple/describe.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ripple/diag.h"

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

#define MAX_LISTED 10                   /* ids shown per country */

static void describe_top(const struct rp_scenario *sc, FILE *out)
{
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
}

/* Nodes per country, countries in alphabetical order, the first
 * MAX_LISTED ids of each. O(countries x nodes). */
static void describe_countries(const struct rp_scenario *sc, FILE *out)
{
    rp_country *codes = rp_xcalloc(sc->nnodes + 1, sizeof *codes);
    size_t distinct = 0;

    for (size_t i = 0; i < sc->nnodes; i++)
        codes[i] = sc->nodes[i].country;
    qsort(codes, sc->nnodes, sizeof *codes, by_code);
    for (size_t i = 0; i < sc->nnodes; i++)
        if (i == 0 || codes[i] != codes[i - 1])
            codes[distinct++] = codes[i];
    fprintf(out, "nodes (%zu) in %zu countries:\n", sc->nnodes, distinct);
    for (size_t c = 0; c < distinct; c++) {
        size_t count = 0;
        for (size_t i = 0; i < sc->nnodes; i++)
            count += sc->nodes[i].country == codes[c];
        fprintf(out, "  %c%c %zu:", codes[c] >> 8, codes[c] & 0xff, count);
        for (size_t i = 0, shown = 0; i < sc->nnodes && shown < MAX_LISTED;
             i++)
            if (sc->nodes[i].country == codes[c] && ++shown)
                fprintf(out, " %s", sc->nodes[i].id);
        if (count > MAX_LISTED)
            fprintf(out, " and %zu more", count - MAX_LISTED);
        fputc('\n', out);
    }
    free(codes);
}

static void describe_flows(const struct rp_scenario *sc, FILE *out)
{
    size_t *per = rp_xcalloc(sc->nproducts + 1, sizeof *per);
    size_t nedges = 0;

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
}

static void describe_event(const struct rp_scenario *sc,
                           const struct rp_disruption *ev, FILE *out)
{
    char b1[256], b2[64], b3[64];
    const char *node = ev->node != RP_NONE ? sc->nodes[ev->node].id : "?";
    fprintf(out, "  %s: %s", ev->id, rp_event_type_name(ev->type));
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

static void describe_rest(const struct rp_scenario *sc, FILE *out)
{
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

void rp_describe_scenario(const struct rp_scenario *sc, FILE *out)
{
    describe_top(sc, out);
    describe_countries(sc, out);
    describe_flows(sc, out);
    fprintf(out, "events (%zu):\n", sc->nevents);
    for (size_t i = 0; i < sc->nevents; i++)
        describe_event(sc, &sc->events[i], out);
    describe_rest(sc, out);
}
