/*
 * describe.h - a scenario told in one screen.
 *
 * Part of the report side: it reads a loaded scenario and writes text,
 * nothing else. Linear in nodes plus edges.
 */
#ifndef RIPPLE_DESCRIBE_H
#define RIPPLE_DESCRIBE_H

#include <stdio.h>

#include "ripple/scenario.h"

/* Writes a one-screen summary of sc to out: the top level, products,
 * nodes per country, flows per product, events, report groups and
 * variants. */
void rp_describe_scenario(const struct rp_scenario *sc, FILE *out);

#endif
