"""ripple's benchmark harness: runs every measurement and writes the results.

Run it through bench/run.sh, which builds a Release tree first:

    bench/run.sh [--runs N] [--quick] [--out DIR] [--sections LIST] ...

It needs only Debian's /usr/bin/python3 and, for the peer rows, its
python3-simpy (SimPy 2.3.1); without SimPy those rows say why they are
missing and everything else still runs. It writes DIR/results.json and
DIR/results.md (the README's Performance table) and prints the table.

How it measures (the machine is shared and noisy, so every figure is a
median over runs, with min and max beside it):
- Every program is timed as a whole process: wall clock around it and
  user + system CPU time from wait4(), which also gives its peak resident
  set. Single-threaded comparisons use CPU time; threaded ones wall time.
- Programs that are compared run alternately in the same call (ripple,
  bare, SimPy, ripple, bare, ...) and each ratio is taken within one round,
  so a burst of load from the machine's other users hits both sides.
- Anything slow runs under a limit of CPU time (so other users' load does
  not trip it) and a wall-clock backstop; a step that hits either is
  recorded as timed out, with the limit, and the harness goes on.
"""
import argparse
import json
import os
import platform
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FLAGSHIP = os.path.join(ROOT, "scenarios", "japan-excludes-korea.yaml")
SECTIONS = ("mm1", "supply", "flagship", "compare", "network")
SIMPY_MISSING = ("skipped: SimPy is not installed for /usr/bin/python3 "
                 "(Debian package python3-simpy; scripts/setup.sh installs it)")


class TimedOut(Exception):
    def __init__(self, limit, clock):
        super().__init__(f"timed out after {limit:g} {clock}-seconds")
        self.limit = limit


def run(argv, timeout, cwd=None, threads=1):
    """Runs argv to completion as one process; returns its measurements.

    stdout goes to a temporary file (no pipe to fill), stderr is kept for
    the error message. The limit is on CPU time (timeout x threads, by
    RLIMIT_CPU), so a loaded machine does not make a step time out, with a
    wall-clock backstop of 5 x timeout. Raises TimedOut when either is hit,
    RuntimeError when the program fails.
    """
    cpu = int(timeout * threads) + 1

    def limit():
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd,
                             start_new_session=True, preexec_fn=limit)
        hit = []

        def kill():
            hit.append(True)
            os.killpg(p.pid, signal.SIGKILL)

        timer = threading.Timer(5 * timeout, kill)
        timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        if hit:
            raise TimedOut(5 * timeout, "wall")
        if p.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise TimedOut(cpu, "CPU")
        out.seek(0)
        err.seek(0)
        text = out.read().decode()
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)}: exit {p.returncode}: "
                               f"{err.read().decode().strip()[:500]}")
        return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime,
                "maxrss_kib": ru.ru_maxrss, "stdout": text}


def stats(values):
    """median, min, max (and the values) of a list of numbers."""
    return {"median": statistics.median(values), "min": min(values),
            "max": max(values), "n": len(values), "values": values}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def have_simpy(python):
    try:
        run([python, "-c", "import SimPy.Simulation"], 60)
        return True
    except (RuntimeError, OSError, TimedOut):
        return False


# ---------------------------------------------------------------- sections

def bench_mm1(cfg):
    """M/M/1: ripple run vs the bare loop vs SimPy, paired by round."""
    orders = cfg.mm1_orders
    horizon = orders * 1.25          # 0.8 orders a day
    ripple = [cfg.ripple, "run", os.path.join(HERE, "mm1.yaml"),
              "--set", f"horizon={horizon:.0f}", "--threads", "1",
              "--format", "json", "--quiet"]
    progs = {"ripple": ripple,
             "bare_zig": [cfg.mm1_ref, str(orders), "zig"],
             "bare_log": [cfg.mm1_ref, str(orders), "log"]}
    if cfg.simpy:
        progs["simpy"] = [cfg.python, os.path.join(HERE, "peers", "mm1_simpy.py"),
                          str(orders)]
    rounds = []
    for i in range(cfg.runs):
        r = {}
        for name, argv in progs.items():
            m = run(argv, cfg.timeout)
            out = json.loads(m.pop("stdout"))
            if name == "ripple":
                cust = out["nodes"]["customers"]["job"]
                m["events"] = out["provenance"]["events"]
                m["orders"] = cust["demand"]["mean"]
                m["mean_flow_time"] = cust["cycle_time"]["mean"]
            else:
                m.update({k: out[k] for k in out})
            r[name] = m
        rounds.append(r)
        log(f"mm1 round {i + 1}/{cfg.runs}: " + ", ".join(
            f"{k} {v['cpu_s']:.3f} s" for k, v in r.items()))
    res = {"orders": orders, "time": "whole-process CPU seconds (user+sys)",
           "programs": {}}
    for name in progs:
        res["programs"][name] = {
            "cpu_s": stats([r[name]["cpu_s"] for r in rounds]),
            "wall_s": stats([r[name]["wall_s"] for r in rounds]),
            "maxrss_kib": stats([r[name]["maxrss_kib"] for r in rounds]),
            "mean_flow_time": rounds[-1][name]["mean_flow_time"],
        }
        if "events" in rounds[-1][name]:
            res["programs"][name]["events"] = rounds[-1][name]["events"]
    for bare in ("bare_zig", "bare_log"):
        res[f"ripple_over_{bare}"] = stats([r["ripple"]["cpu_s"] / r[bare]["cpu_s"]
                                            for r in rounds])
    if cfg.simpy:
        res["simpy_over_ripple"] = stats([r["simpy"]["cpu_s"] / r["ripple"]["cpu_s"]
                                          for r in rounds])
    else:
        res["simpy_over_ripple"] = {"skipped": SIMPY_MISSING}
    return res


def bench_supply(cfg):
    """Base stock behind an on/off supplier: ripple vs SimPy, and their fill rates."""
    reps = cfg.supply_reps
    ripple = [cfg.ripple, "run", os.path.join(HERE, "supply.yaml"), "-n", str(reps),
              "--threads", "1", "--format", "json", "--quiet"]
    res = {"replications": reps, "time": "whole-process CPU seconds (user+sys)"}
    if not cfg.simpy:
        m = run(ripple, cfg.timeout)
        f = json.loads(m["stdout"])["nodes"]["store"]["part"]["fill_rate"]
        res["ripple"] = {"cpu_s": stats([m["cpu_s"]]),
                         "fill_rate": f["mean"], "se": f["se"]}
        res["simpy"] = {"skipped": SIMPY_MISSING}
        res["simpy_over_ripple"] = {"skipped": SIMPY_MISSING}
        return res
    simpy = [cfg.python, os.path.join(HERE, "peers", "supply_simpy.py"), str(reps)]
    rounds = []
    for i in range(cfg.runs):
        a = run(ripple, cfg.timeout)
        b = run(simpy, cfg.timeout)
        fa = json.loads(a.pop("stdout"))["nodes"]["store"]["part"]["fill_rate"]
        fb = json.loads(b.pop("stdout"))
        a.update(fill_rate=fa["mean"], se=fa["se"])
        b.update(fill_rate=fb["fill_rate"], se=fb["se"])
        rounds.append((a, b))
        log(f"supply round {i + 1}/{cfg.runs}: ripple {a['cpu_s']:.3f} s, "
            f"simpy {b['cpu_s']:.3f} s")
    a, b = rounds[-1]
    diff = a["fill_rate"] - b["fill_rate"]
    se = ((a["se"] or 0) ** 2 + (b["se"] or 0) ** 2) ** 0.5
    for name, k in (("ripple", 0), ("simpy", 1)):
        res[name] = {"cpu_s": stats([r[k]["cpu_s"] for r in rounds]),
                     "wall_s": stats([r[k]["wall_s"] for r in rounds]),
                     "fill_rate": rounds[-1][k]["fill_rate"], "se": rounds[-1][k]["se"]}
    # The same model gives the same fill rate: within 3 standard errors of
    # the difference (ripple and SimPy draw different random numbers).
    res["fill_rate_check"] = {"difference": diff, "se": se,
                              "z": diff / se if se > 0 else None,
                              "agree": abs(diff) <= 3 * se}
    log(f"supply fill rate: ripple {a['fill_rate']:.4f} +- {a['se']:.4f}, "
        f"simpy {b['fill_rate']:.4f} +- {b['se']:.4f}, difference "
        f"{diff:+.4f} = {diff / se if se else 0:+.2f} SE")
    res["simpy_over_ripple"] = stats([b["cpu_s"] / a["cpu_s"] for a, b in rounds])
    return res


def bench_flagship(cfg):
    """The flagship on 1 and all threads, alternating."""
    reps = cfg.flagship_reps
    threads = cfg.threads
    per = {1: [], threads: []}
    events = None
    for i in range(cfg.runs):
        for t in per:
            m = run([cfg.ripple, "run", FLAGSHIP, "-n", str(reps), "--threads", str(t),
                     "--format", "json", "--quiet"], cfg.timeout, threads=t)
            prov = json.loads(m.pop("stdout"))["provenance"]
            m.update(seconds=prov["seconds"], events=prov["events"])
            per[t].append(m)
            events = prov["events"]
        log(f"flagship round {i + 1}/{cfg.runs}: " + ", ".join(
            f"{t} thread(s) {v[-1]['seconds']:.2f} s" for t, v in per.items()))
    res = {"replications": reps, "events": events, "threads": threads,
           "time": "the batch's wall seconds (provenance.seconds); process wall beside it"}
    for t, ms in per.items():
        res[f"threads_{t}"] = {
            "replications_per_s": stats([reps / m["seconds"] for m in ms]),
            "events_per_s": stats([m["events"] / m["seconds"] for m in ms]),
            "batch_s": stats([m["seconds"] for m in ms]),
            "events_per_cpu_s": stats([m["events"] / m["cpu_s"] for m in ms]),
            "process_wall_s": stats([m["wall_s"] for m in ms]),
        }
    sp = [per[1][i]["seconds"] / per[threads][i]["seconds"] for i in range(cfg.runs)]
    res["speedup"] = stats(sp)
    res["efficiency"] = stats([s / threads for s in sp])
    # Work per CPU-second on all threads against one: what threading costs
    # per core, which a loaded machine does not hide as it hides speed-up.
    res["per_core_efficiency"] = stats([
        (per[threads][i]["events"] / per[threads][i]["cpu_s"])
        / (per[1][i]["events"] / per[1][i]["cpu_s"]) for i in range(cfg.runs)])
    return res


def bench_compare(cfg):
    """ripple compare on the flagship: every policy variant, paired."""
    reps = cfg.compare_reps
    walls, cpus = [], []
    res = {"replications": reps, "threads": cfg.threads,
           "time": "whole-process wall seconds"}
    for i in range(cfg.compare_runs):
        try:
            m = run([cfg.ripple, "compare", FLAGSHIP, "-n", str(reps), "--threads",
                     str(cfg.threads), "--format", "json", "--quiet"],
                    cfg.compare_timeout, threads=cfg.threads)
        except TimedOut as e:
            res["timed_out"] = str(e)
            break
        walls.append(m["wall_s"])
        cpus.append(m["cpu_s"])
        res["variants"] = len(json.loads(m["stdout"])["variants"])
        log(f"compare run {i + 1}/{cfg.compare_runs}: {m['wall_s']:.1f} s")
    if walls:
        res["wall_s"] = stats(walls)
        res["cpu_s"] = stats(cpus)
    return res


def network_file(cfg, nodes, fanin, tmp):
    path = os.path.join(tmp, f"network-{nodes}-{fanin}.yaml")
    if not os.path.exists(path):
        with open(path, "w") as f:
            subprocess.run([cfg.gen_network, str(nodes), "--fanin", str(fanin)],
                           stdout=f, check=True)
    return path


def network_point(cfg, nodes, fanin, tmp):
    """validate and bench_scale on one generated network, repeated within a budget."""
    path = network_file(cfg, nodes, fanin, tmp)
    row = {"nodes": nodes, "fanin": fanin, "yaml_bytes": os.path.getsize(path)}
    runs, spent = [], 0.0
    while len(runs) < cfg.runs and (not runs or spent < cfg.network_budget):
        r = {}
        try:
            v = run([cfg.ripple, "validate", path], cfg.timeout)
            r["validate_s"], r["validate_maxrss_kib"] = v["wall_s"], v["maxrss_kib"]
            r["validate_cpu_s"] = v["cpu_s"]
        except TimedOut as e:
            row["timed_out"] = f"validate {e}"
            break
        try:
            s = run([cfg.bench_scale, path], cfg.timeout)
        except TimedOut as e:
            row["timed_out"] = f"load + build + run {e}"
            if not runs:        # what validate took is still worth keeping
                row["validate_cpu_s"] = stats([r["validate_cpu_s"]])
                row["validate_s"] = stats([r["validate_s"]])
            break
        r.update(json.loads(s["stdout"]))
        r["maxrss_kib"] = s["maxrss_kib"]
        runs.append(r)
        spent += v["wall_s"] + s["wall_s"]
    if runs:
        row["edges"] = runs[0]["edges"]
        row["events"] = runs[0]["events"]
        for k in ("validate_s", "load_s", "build_s", "run_s", "validate_cpu_s",
                  "load_cpu_s", "build_cpu_s", "run_cpu_s"):
            row[k] = stats([max(r[k], 1e-6) for r in runs])
        row["events_per_s"] = stats([r["events"] / r["run_s"] for r in runs])
        short_phases_on_wall(row)
        row["maxrss_kib"] = max(r["maxrss_kib"] for r in runs)
        for k in ("rss_start_kib", "rss_load_kib", "rss_build_kib", "rss_run_kib"):
            row[k] = runs[0][k]
    log(f"network {nodes} nodes, fan-in {fanin}: " + (
        row.get("timed_out") or f"validate {row['validate_cpu_s']['median']:.3f} s, "
        f"build {row['build_cpu_s']['median']:.3f} s, run {row['run_cpu_s']['median']:.3f} "
        "CPU-s"))
    return row


# Phases shorter than this (wall median) are timed by the wall clock: on a
# shared VM the process CPU clock read around a phase of a few milliseconds
# was seen to lag by a step of ~1.5 ms (a 100-node load at 1 us of CPU,
# its 4 ms run at 0.04 ms: 1e9 events/s), where the wall clock was steady.
SHORT_PHASE_S = 0.03


def short_phases_on_wall(row):
    """Gives each short phase its wall seconds as its CPU seconds (listed in
    row["cpu_from_wall"]), then the events per CPU-second of the run."""
    row["cpu_from_wall"] = []
    for p in ("load", "build", "run"):
        if row[f"{p}_s"]["median"] < SHORT_PHASE_S:
            row[f"{p}_cpu_s"] = row[f"{p}_s"]
            row["cpu_from_wall"].append(p)
    row["events_per_cpu_s"] = stats([row["events"] / t
                                     for t in row["run_cpu_s"]["values"]])


def bench_network(cfg):
    res = {"sizes": [], "horizon_days": 365,
           "time": "CPU seconds (validate: the whole process; load/build/run: "
                   "bench_scale's phases); *_s without cpu are wall seconds"}
    with tempfile.TemporaryDirectory() as tmp:
        for n in cfg.sizes:
            res["sizes"].append(network_point(cfg, n, 3, tmp))
        # Memory = a + b nodes + c edges. Fan-in 6 at the same size doubles
        # the edges and not the nodes, which gives c; the sizes give b.
        base = next((r for r in res["sizes"] if r["nodes"] == cfg.fanin_size), None)
        wide = network_point(cfg, cfg.fanin_size, 6, tmp)
        res["fanin_6"] = wide
    ok = [r for r in res["sizes"] if "rss_run_kib" in r]
    if base and "rss_run_kib" in base and "rss_run_kib" in wide and len(ok) >= 2:
        per_edge = 1024 * (wide["rss_run_kib"] - base["rss_run_kib"]) / (
            wide["edges"] - base["edges"])
        lo, hi = ok[0], ok[-1]
        per_node = (1024 * (hi["rss_run_kib"] - lo["rss_run_kib"])
                    - per_edge * (hi["edges"] - lo["edges"])) / (hi["nodes"] - lo["nodes"])
        res["bytes_per_edge"] = per_edge
        res["bytes_per_node"] = per_node
        res["memory_fit"] = (f"peak RSS after the run: nodes {lo['nodes']} to {hi['nodes']} "
                             f"at fan-in 3, and fan-in 3 vs 6 at {cfg.fanin_size} nodes")
    k = {r["nodes"]: r for r in ok}
    if 1000 in k and cfg.sizes[-1] in k and cfg.sizes[-1] != 1000:
        res["events_per_cpu_s_largest_over_1000"] = (
            k[cfg.sizes[-1]]["events_per_cpu_s"]["median"]
            / k[1000]["events_per_cpu_s"]["median"])
    return res


# ------------------------------------------------------------ the machine

def machine(cfg):
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = re.search(r"^Model name:\s*(.+)$", lscpu, re.M)
    cache = {}
    try:
        with open(os.path.join(cfg.build, "CMakeCache.txt")) as f:
            for line in f:
                m = re.match(r"^([A-Za-z_]+):[A-Z]+=(.*)$", line)
                if m:
                    cache[m.group(1)] = m.group(2)
    except OSError:
        pass
    cc = cache.get("CMAKE_C_COMPILER", "cc")
    ver = subprocess.run([cc, "--version"], capture_output=True, text=True).stdout
    btype = cache.get("CMAKE_BUILD_TYPE", "")
    flags = " ".join(x for x in (cache.get("CMAKE_C_FLAGS", ""),
                                 cache.get(f"CMAKE_C_FLAGS_{btype.upper()}", "")) if x)
    # CMakeLists.txt adds link-time optimisation itself (RP_LTO, gcc Release).
    if (cache.get("RP_LTO", "ON") == "ON" and btype == "Release"
            and "gcc" in os.path.basename(os.path.realpath(cc))):
        flags += " -flto=auto (RP_LTO)"

    def git(*a):
        return subprocess.run(["git", "-C", ROOT, *a], capture_output=True,
                              text=True).stdout.strip()
    commit = git("rev-parse", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    sv = subprocess.run([cfg.python, "-c", "import SimPy; print(SimPy.__version__)"],
                        capture_output=True, text=True).stdout.strip()
    rv = subprocess.run([cfg.ripple, "--version"], capture_output=True, text=True)
    return {"cpu": model.group(1).strip() if model else platform.processor(),
            "ripple": cfg.ripple, "ripple_version": rv.stdout.strip(),
            "cores": os.cpu_count(), "threads_used": cfg.threads,
            "kernel": platform.release(), "compiler": ver.splitlines()[0] if ver else cc,
            "build_type": btype, "flags": flags, "commit": commit, "dirty": dirty,
            "python": cfg.python, "simpy": sv or None,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "load_average": os.getloadavg()}


# --------------------------------------------------------------- the table

def fmt(x, digits=3):
    if x is None:
        return "-"
    if abs(x) >= 1e6:
        return f"{x / 1e6:.{digits}g} M"
    if abs(x) >= 1e4:
        return f"{x / 1e3:.{digits}g} k"
    return f"{x:.{digits}g}"


def mmm(s, digits=3, unit=""):
    """median [min, max] of a stats dict."""
    if "median" not in s:
        return s.get("skipped", "-")
    if s["n"] == 1:
        return f"{fmt(s['median'], digits)}{unit}"
    return (f"{fmt(s['median'], digits)}{unit} [{fmt(s['min'], digits)}, "
            f"{fmt(s['max'], digits)}]")


def markdown(res):
    res = {k: v for k, v in res.items()
           if not (isinstance(v, dict) and "error" in v)} | {
        "failed": [k for k, v in res.items() if isinstance(v, dict) and "error" in v]}
    m = res["machine"]
    out = [f"Measured by `bench/run.sh{res['args']}` on {m['date']}, commit "
           f"`{m['commit'][:12]}`{' (dirty)' if m['dirty'] else ''}: {m['cpu']}, "
           f"{m['cores']} cores (shared), {m['compiler']}, {m['build_type']} `{m['flags']}`, "
           f"SimPy {m['simpy'] or 'not installed'}. Each cell: median [min, max] of "
           f"{res['runs']} runs.", ""]
    for k in res["failed"]:
        out += [f"**{k}**: failed (see results.json).", ""]
    if "mm1" in res:
        r = res["mm1"]
        p = r["programs"]
        out += [f"**M/M/1**, {r['orders']:,} orders, one process each, CPU seconds "
                "(user + system); ratios taken within each round:", "",
                "| program | time (s) | events | mean flow time (5 in theory) | ratio |",
                "|---|---|---|---|---|"]
        out.append(f"| ripple run bench/mm1.yaml | {mmm(p['ripple']['cpu_s'])} | "
                   f"{fmt(p['ripple']['events'])} | {p['ripple']['mean_flow_time']:.3f} | 1 |")
        for bare, how in (("bare_zig", "ripple's ziggurat"), ("bare_log", "-log(u)")):
            out.append(f"| bare C loop (bench/bench_mm1_ref.c {bare[5:]}: {how}) | "
                       f"{mmm(p[bare]['cpu_s'])} | {fmt(p[bare]['events'])} | "
                       f"{p[bare]['mean_flow_time']:.3f} | "
                       f"ripple / bare = {mmm(r['ripple_over_' + bare])} |")
        if "simpy" in p:
            out.append(f"| SimPy (bench/peers/mm1_simpy.py) | {mmm(p['simpy']['cpu_s'])} | | "
                       f"{p['simpy']['mean_flow_time']:.3f} | "
                       f"SimPy / ripple = {mmm(r['simpy_over_ripple'])} |")
        else:
            out.append(f"| SimPy | {r['simpy_over_ripple']['skipped']} | | | |")
        out.append("")
    if "supply" in res:
        r = res["supply"]
        out += [f"**Supply chain** (bench/supply.yaml: base stock behind an on/off "
                f"supplier), {r['replications']} replications of 10 years, CPU seconds:", "",
                "| program | time (s) | store fill rate ± SE | ratio |", "|---|---|---|---|",
                f"| ripple | {mmm(r['ripple']['cpu_s'])} | {r['ripple']['fill_rate']:.4f} ± "
                f"{r['ripple']['se']:.4f} | 1 |"]
        if "skipped" in r["simpy"]:
            out.append(f"| SimPy | {r['simpy']['skipped']} | | |")
        else:
            c = r["fill_rate_check"]
            out.append(f"| SimPy (bench/peers/supply_simpy.py) | {mmm(r['simpy']['cpu_s'])} | "
                       f"{r['simpy']['fill_rate']:.4f} ± {r['simpy']['se']:.4f} | "
                       f"SimPy / ripple = {mmm(r['simpy_over_ripple'])} |")
            out += ["", f"Fill rates differ by {c['difference']:+.4f} = {c['z']:+.2f} SE: "
                    f"{'the same model' if c['agree'] else 'DISAGREE (more than 3 SE)'}."]
        out.append("")
    if "flagship" in res:
        r = res["flagship"]
        t = r["threads"]
        one, all_ = r["threads_1"], r[f"threads_{t}"]
        out += [f"**Flagship** (scenarios/japan-excludes-korea.yaml), {r['replications']} "
                f"replications, {fmt(r['events'])} events; the batch's own clock:", "",
                "| threads | replications/s | events/s | events per CPU-second (process) "
                "| speed-up | efficiency | per-core efficiency |",
                "|---|---|---|---|---|---|---|",
                f"| 1 | {mmm(one['replications_per_s'])} | {mmm(one['events_per_s'])} | "
                f"{mmm(one['events_per_cpu_s'])} | 1 | 100% | 100% |",
                f"| {t} | {mmm(all_['replications_per_s'])} | {mmm(all_['events_per_s'])} | "
                f"{mmm(all_['events_per_cpu_s'])} | {mmm(r['speedup'])} | "
                f"{100 * r['efficiency']['median']:.0f}% | "
                f"{100 * r['per_core_efficiency']['median']:.0f}% |", "",
                "Speed-up and efficiency are wall-clock (replications/s on all threads "
                "over 1 thread); per-core efficiency is events per CPU-second on all "
                "threads over 1 thread, which other users' load does not distort.", ""]
    if "compare" in res:
        r = res["compare"]
        if "wall_s" in r:
            w = r["wall_s"]
            out += [f"**compare** on the flagship, {r['replications']} replications of the "
                    f"base and {r.get('variants', '?')} variants on {r['threads']} threads: "
                    f"{mmm(w, 3, ' s')} wall ({w['n']} run{'s' if w['n'] > 1 else ''}), "
                    f"{mmm(r['cpu_s'])} CPU-seconds.", ""]
        else:
            out += [f"**compare** on the flagship, {r['replications']} replications: "
                    f"{r.get('timed_out', 'not run')}.", ""]
    if "network" in res:
        r = res["network"]
        out += ["**Network scale** (bench/gen_network: 5 tiers, fan-in 3, outages, a ban; "
                "365 days, 1 replication, 1 thread), CPU seconds (validate: the whole "
                "process; load, build, run: the phases in bench_scale):", "",
                "| nodes | edges | validate (s) | load (s) | build (s) | run (s) | events | "
                "events per CPU-s | peak RSS (MiB) |", "|---|---|---|---|---|---|---|---|---|"]
        for row in r["sizes"] + [r["fanin_6"]]:
            name = f"{row['nodes']:,}" + (" (fan-in 6)" if row["fanin"] != 3 else "")
            if "run_s" not in row:
                v = mmm(row["validate_cpu_s"]) if "validate_cpu_s" in row else ""
                out.append(f"| {name} | | {v} | {row.get('timed_out', 'failed')} | | | | | |")
                continue
            wall = row.get("cpu_from_wall", [])
            mark = {p: " (wall)" if p in wall else "" for p in ("load", "build", "run")}
            out.append(f"| {name} | {row['edges']:,} | {mmm(row['validate_cpu_s'])} | "
                       f"{mmm(row['load_cpu_s'])}{mark['load']} | "
                       f"{mmm(row['build_cpu_s'])}{mark['build']} | "
                       f"{mmm(row['run_cpu_s'])}{mark['run']} | {fmt(row['events'])} | "
                       f"{mmm(row['events_per_cpu_s'])} | {row['maxrss_kib'] / 1024:.0f} |" +
                       (f" {row['timed_out']} |" if "timed_out" in row else ""))
        out += ["", f"(wall): a phase under {SHORT_PHASE_S * 1000:.0f} ms, timed by the "
                "wall clock (its CPU-clock readings are not reliable on a shared host)."]
        if "bytes_per_node" in r:
            out += ["", f"Memory: {fmt(r['bytes_per_node'])} bytes per node and "
                    f"{fmt(r['bytes_per_edge'])} per edge ({r['memory_fit']})."]
        if "events_per_cpu_s_largest_over_1000" in r:
            out.append(f"Events per CPU-second at {r['sizes'][-1]['nodes']:,} nodes are "
                       f"{r['events_per_cpu_s_largest_over_1000']:.2f}x those at 1,000.")
        out.append("")
    return "\n".join(out)


def write(out, res):
    os.makedirs(out, exist_ok=True)
    for name, text in (("results.json", json.dumps(res, indent=1) + "\n"),
                       ("results.md", markdown(res) + "\n")):
        tmp = os.path.join(out, f".{name}.tmp")
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, os.path.join(out, name))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True, help="a built ripple tree")
    ap.add_argument("--out", default=HERE, help="where results.json and results.md go")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    ap.add_argument("--sections", default=",".join(SECTIONS))
    ap.add_argument("--sizes", help="network sizes, comma-separated")
    ap.add_argument("--timeout", type=float, help="seconds allowed for one step")
    ap.add_argument("--compare-runs", type=int)
    ap.add_argument("--compare-timeout", type=float,
                    help="seconds allowed for one compare (default 10 x --timeout)")
    ap.add_argument("--compare-reps", type=int)
    ap.add_argument("--flagship-reps", type=int)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--ripple", help="another ripple executable to measure "
                    "(e.g. an older build); the bare loop and SimPy stay")
    ap.add_argument("--bench-scale", help="bench_scale built against that ripple")
    ap.add_argument("--args", default="", help=argparse.SUPPRESS)
    cfg = ap.parse_args()

    q = cfg.quick
    cfg.runs = 1 if q and cfg.runs == 5 else cfg.runs
    cfg.mm1_orders = 100000 if q else 1000000
    cfg.supply_reps = 20 if q else 200
    cfg.flagship_reps = cfg.flagship_reps or (4 if q else 200)
    cfg.compare_reps = cfg.compare_reps or (4 if q else 1000)
    cfg.compare_runs = cfg.compare_runs or (1 if q else 3)
    cfg.timeout = cfg.timeout or (120 if q else 600)
    cfg.compare_timeout = cfg.compare_timeout or 10 * cfg.timeout
    cfg.network_budget = 5 if q else 60    # seconds of repeats per size
    cfg.sizes = ([int(x) for x in cfg.sizes.split(",")] if cfg.sizes else
                 [100, 1000] if q else [100, 1000, 10000, 100000])
    cfg.fanin_size = 1000 if q or 10000 not in cfg.sizes else 10000
    if cfg.fanin_size not in cfg.sizes:
        cfg.fanin_size = cfg.sizes[-1]
    b = cfg.build
    cfg.ripple = cfg.ripple or os.path.join(b, "ripple")
    cfg.mm1_ref = os.path.join(b, "bench_mm1_ref")
    cfg.gen_network = os.path.join(b, "gen_network")
    cfg.bench_scale = cfg.bench_scale or os.path.join(b, "bench_scale")
    for exe in (cfg.ripple, cfg.mm1_ref, cfg.gen_network, cfg.bench_scale):
        if not os.access(exe, os.X_OK):
            sys.exit(f"bench: {exe} is missing; build the tree first (bench/run.sh does)")
    cfg.simpy = have_simpy(cfg.python)
    if not cfg.simpy:
        log(f"bench: peers {SIMPY_MISSING}")

    sections = [s for s in cfg.sections.split(",") if s]
    for s in sections:
        if s not in SECTIONS:
            sys.exit(f"bench: unknown section '{s}' (known: {', '.join(SECTIONS)})")
    res = {"bench": 1, "runs": cfg.runs, "quick": q, "args": cfg.args,
           "machine": machine(cfg)}
    # Written after every section, so a long run stopped half-way keeps
    # what it measured; a section that fails says why and the rest goes on.
    failed = []
    for s in sections:
        log(f"== {s}")
        try:
            res[s] = globals()[f"bench_{s}"](cfg)
        except (RuntimeError, OSError, TimedOut, KeyError, ValueError) as e:
            log(f"bench: section {s} failed: {e}")
            res[s] = {"error": str(e)}
            failed.append(s)
        res["machine"]["load_average_end"] = os.getloadavg()
        write(cfg.out, res)
    print(markdown(res))
    if failed:
        sys.exit(f"bench: failed sections: {', '.join(failed)}")
    log(f"bench: wrote {os.path.join(cfg.out, 'results.json')} and results.md")


if __name__ == "__main__":
    main()
