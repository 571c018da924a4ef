"""Checks a bench/run.sh results.json: it parses and has every section.

    /usr/bin/python3 bench/check_results.py DIR

The smoke test (ctest bench_smoke) runs bench/run.sh --quick and then this.
It asserts what a run must contain and what the models must agree on (the
M/M/1 programs simulated about the orders asked for; ripple and SimPy give
the supply chain the same fill rate within 3 standard errors, both with
fixed seeds), never how fast anything was. Exits 1 with the first problem.
"""
import json
import math
import os
import sys


def fail(msg):
    sys.exit(f"check_results: {msg}")


def timed(s, where):
    if not (isinstance(s, dict) and s.get("n", 0) >= 1
            and all(math.isfinite(v) and v > 0 for v in s["values"])
            and s["min"] <= s["median"] <= s["max"]):
        fail(f"{where}: not a median/min/max of positive times: {s!r}")


def main():
    d = sys.argv[1]
    with open(os.path.join(d, "results.json")) as f:
        r = json.load(f)
    with open(os.path.join(d, "results.md")) as f:
        md = f.read()
    for k in ("machine", "mm1", "supply", "flagship", "compare", "network"):
        if k not in r:
            fail(f"section {k} is missing")
    for k in ("cpu", "cores", "compiler", "flags", "commit", "date"):
        if not r["machine"].get(k):
            fail(f"machine.{k} is missing")

    mm1 = r["mm1"]
    for prog in ("ripple", "bare_zig", "bare_log"):
        p = mm1["programs"][prog]
        timed(p["cpu_s"], f"mm1.{prog}.cpu_s")
        if not 4 < p["mean_flow_time"] < 6:
            fail(f"mm1.{prog}: mean flow time {p['mean_flow_time']} is not near 5")
    if abs(mm1["programs"]["ripple"]["events"] / mm1["orders"] - 3) > 0.1:
        fail("mm1: ripple did not handle about 3 events per order")
    for bare in ("bare_zig", "bare_log"):
        timed(mm1[f"ripple_over_{bare}"], f"mm1.ripple_over_{bare}")
    peers = "simpy" in mm1["programs"]
    if peers:
        timed(mm1["simpy_over_ripple"], "mm1.simpy_over_ripple")
    elif "skipped" not in mm1["simpy_over_ripple"]:
        fail("mm1: SimPy neither measured nor skipped with a reason")

    sup = r["supply"]
    timed(sup["ripple"]["cpu_s"], "supply.ripple.cpu_s")
    if peers:
        timed(sup["simpy"]["cpu_s"], "supply.simpy.cpu_s")
        if not sup["fill_rate_check"]["agree"]:
            fail(f"supply: ripple and SimPy fill rates differ: {sup['fill_rate_check']}")

    fl = r["flagship"]
    for t in (1, fl["threads"]):
        timed(fl[f"threads_{t}"]["events_per_s"], f"flagship.threads_{t}.events_per_s")
    timed(fl["speedup"], "flagship.speedup")

    cmp_ = r["compare"]
    if "timed_out" not in cmp_:
        timed(cmp_["wall_s"], "compare.wall_s")
        if cmp_["variants"] < 1:
            fail("compare: no variants were compared")

    net = r["network"]
    if not net["sizes"]:
        fail("network: no sizes")
    for row in net["sizes"] + [net["fanin_6"]]:
        if "timed_out" in row and "run_s" not in row:
            continue
        for k in ("validate_s", "load_s", "run_s", "events_per_s", "run_cpu_s",
                  "events_per_cpu_s"):
            timed(row[k], f"network {row['nodes']}.{k}")
        if row["edges"] < row["nodes"]:
            fail(f"network {row['nodes']}: fewer edges than nodes")
    for needle in ("M/M/1", "Supply chain", "Flagship", "compare", "Network scale"):
        if needle not in md:
            fail(f"results.md has no {needle} table")
    print(f"check_results: {d}/results.json has every section")


if __name__ == "__main__":
    main()
