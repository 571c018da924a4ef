#!/usr/bin/env python3
"""Prints the ziggurat tables of the exponential sampler in sim/rng.c.

Marsaglia and Tsang, "The ziggurat method for generating random variables",
J. Statistical Software 5(8), 2000, for f(x) = exp(-x) with N = 256 layers
of equal area v. x[1] = r is where the tail starts; x[i+1] solves
x[i] (f(x[i+1]) - f(x[i])) = v; x[0] = v / f(r) is the width the base layer
would have as a rectangle; x[N] = 0. r is the root that makes the top layer
close exactly at x = 0. Computed with 60 decimal digits, then rounded once to
double, so the tables are the correctly rounded values.

Run: python3 scripts/ziggurat-tables.py, and paste the output into
sim/rng_tables.c below its opening comment.
The tests in tests/test_rng.c check the pasted tables' properties.
"""
from decimal import Decimal, getcontext

getcontext().prec = 60
N = 256


def layers(r):
    """x[0..N] for tail start r, or None when the layers close before N."""
    v = (r + 1) * (-r).exp()             # r f(r) + tail area e^-r
    x = [v / (-r).exp(), r]
    for _ in range(N - 2):
        arg = v / x[-1] + (-x[-1]).exp()
        if arg >= 1:
            return v, None
        x.append(-arg.ln())
    return v, x


def top_gap(r):
    """v/x[N-1] + f(x[N-1]) - 1: zero when the top layer closes at 0."""
    v, x = layers(r)
    if x is None:
        return Decimal(1)
    return v / x[-1] + (-x[-1]).exp() - 1


lo, hi = Decimal(7), Decimal(8)
for _ in range(190):                     # 2^-190 is far below 60 digits
    mid = (lo + hi) / 2
    if top_gap(mid) > 0:                 # closed too early: r too small
        lo = mid
    else:
        hi = mid
r = (lo + hi) / 2
v, x = layers(r)
x.append(Decimal(0))

w = [float(xi / Decimal(2) ** 53) for xi in x[:N]]
k = [int((x[i + 1] / x[i]) * Decimal(2) ** 53) for i in range(N)]
f = [float((-xi).exp()) for xi in x]

print("/* r = %s, v = %s */" % (repr(float(r)), repr(float(v))))


def table(ctype, name, vals, fmt, per_line):
    print("const %s %s[%d] = {" % (ctype, name, len(vals)))
    for i in range(0, len(vals), per_line):
        print("    " + " ".join(fmt(t) + "," for t in vals[i:i + per_line]))
    print("};")


table("uint64_t", "rp_zig_exp_k", k, lambda t: "UINT64_C(%d)" % t, 2)
table("double", "rp_zig_exp_w", w, repr, 3)
table("double", "rp_zig_exp_f", f, repr, 3)
