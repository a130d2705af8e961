#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The host world's verdicts and report (tools/host.sh), from blk-host's records.

  host.py check STATS_JSON --real "KIND ..."
      every real kind ran with 0 violations, busted was caught: PASS/FAIL
      lines, exit 1 on a failure
  host.py precision LOG [--perf PERF_CSV]
      tools/host.sh precision's interleaved repeats: the engine's throughput
      (ttas, timing=off) over the yardstick's, check=full and check=count,
      medians of the per-repeat ratios, the harness floor; targets 0.8, 0.9
  host.py report DIR --threads "1 2 4" --cpus N
      DIR/stats-T.json for each thread count T: the uncontended table (the
      cost record, ratios to qspin), a contended table per thread count
      (ratios to qspin, the host's stand-in for spinlock_t), the
      oversubscribed one against pthread_mutex_t, DIR/host.md and
      DIR/host.png (throughput against threads, one line per kind)
"""
import argparse
import os
import sys

import records
import report

BASE = "qspin"


def ratio(a, b):
    return "%.2f" % (a / b) if b else "-"


def check(a):
    recs = records.load(a.records)
    runs = {r["lock"]: r for r in records.runs(recs)}
    failed = 0
    for k in a.real.split():
        r = runs.get(k)
        ok = r is not None and records.num(r["violations"]) == 0 and records.num(r["acquisitions"]) > 0
        failed += not ok
        print("%s: host %s on %s threads: %s acquisitions, %s violations"
              % ("PASS" if ok else "FAIL", k, r and r["nr_cpus"], r and r["acquisitions"],
                 r and r["violations"]))
    b = runs.get("busted")
    ok = b is not None and records.num(b["violations"]) > 0
    failed += not ok
    print("%s: host busted caught: %s violations, first at acquisition %s"
          % ("PASS" if ok else "FAIL", b and b["violations"], b and b["first_overlap_at"]))
    return 1 if failed else 0


def table(runs, base, title):
    n = records.num
    out = [title, "",
           "%-14s %12s %6s %9s %9s %6s %9s %8s %8s %11s" % (
               "lock", "acq/s", "(x)", "lock cyc", "acq p50", "(x)", "acq p99", "jain",
               "rmw/acq", "violations")]
    b = runs.get(base)
    for r in runs.values():
        t = n(r["throughput_per_s"])
        out.append("%-14s %12d %6s %9s %9s %6s %9s %8.4f %8s %11s" % (
            r["lock"], t, ratio(t, b and n(b["throughput_per_s"])), r["lock_cycles_per_acq"],
            r["acquire_cycles_p50"],
            ratio(n(r["acquire_cycles_p50"]), b and n(b["acquire_cycles_p50"])),
            r["acquire_cycles_p99"], n(r["fairness_jain"]),
            r["rmw_per_acq"] if r["contention_counted"] else "-", r["violations"]))
    return out


def do_report(a):
    counts = [int(t) for t in a.threads.split()]
    per = {}
    for t in counts:
        recs = records.load(os.path.join(a.dir, "stats-%d.json" % t))
        per[t] = ({r["lock"]: r for r in records.runs(recs)}, records.cost(recs))
    first = per[counts[0]][0]
    v1 = next(iter(first.values()))
    cost = per[counts[0]][1]
    md = ["# blacklock on the host: %s, %s CPUs, kernel %s" % (v1["cpu_model"], a.cpus, v1["kernel"]),
          "",
          "Real cores, no emulator: user threads pinned with sched_setaffinity(), the module's",
          "lock bodies and loop compiled for the host (tools/host). Ratios are to qspin, the",
          "stand-in for spinlock_t; %s ms per run, timing=%s." % (v1["duration_ms"], v1["timing"]),
          "", "```"]
    md += ["Uncontended: one CPU, %s batches of %s pairs, the empty batch subtracted;"
           % (cost["cost_batches"], cost["cost_pairs_per_batch"]),
           "(x) = ratio to qspin.", "",
           "%-14s %12s %10s %8s %8s" % ("lock", "cycles/pair", "ns/pair", "(x)", "best(x)")]
    for k in cost["locks"]:
        md.append("%-14s %12s %10s %8.2f %8.2f" % (
            k["lock"], k["cycles_per_pair_median"], k["ns_per_pair_median"],
            records.num(k["ratio_to_qspin_median"]), records.num(k["ratio_to_qspin_min"])))
    md.append("")
    for t in counts:
        over = t > a.cpus
        title = ("Contended: %d threads on %d CPUs%s; (x) = ratio to qspin, same process"
                 % (t, a.cpus, ", oversubscribed (two per CPU)" if over else ""))
        md += table(per[t][0], BASE, title) + [""]
    md.append("```")
    perf = []
    for t in counts:
        path = os.path.join(a.dir, "perf-%d.txt" % t)
        if not os.path.exists(path):
            continue
        ev = []
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) >= 3 and w[0] == "<not":
                    ev.append("%s not supported" % w[2])
                elif len(w) >= 2 and w[0][0].isdigit() and "seconds" not in line:
                    ev.append("%s %s" % (w[2], w[0]) if w[1] == "msec" else "%s %s" % (w[1], w[0]))
        perf.append("- %d threads: %s" % (t, ", ".join(ev)))
    if perf:
        md += ["", "perf stat around each thread count's process (software events; hardware",
               "events where the host has a PMU):", ""] + perf
    # the plot: throughput against threads, one line per kind
    num = records.num
    kinds = [k for k in first if not num(first[k]["lock_broken"]) and not num(first[k]["lock_floor"])]
    data = os.path.join(a.dir, "host.dat")
    with open(data, "w") as f:
        f.write("threads " + " ".join(kinds) + "\n")
        for t in counts:
            f.write("%d %s\n" % (t, " ".join(str(records.num(per[t][0][k]["throughput_per_s"]))
                                             if k in per[t][0] else "NaN" for k in kinds)))
    script = ("set terminal pngcairo noenhanced size 900,520 font 'sans,10'\n"
              "set output 'host.png'\nset key outside right\nset logscale y\n"
              "set xlabel 'threads (%d CPUs; past them, two per CPU)'\n"
              "set ylabel 'acquisitions/s'\nset xtics (%s)\n"
              "set title 'blacklock on the host: %s'\n"
              "plot for [i=2:%d] 'host.dat' using 1:i with linespoints title columnheader(i)\n"
              % (a.cpus, ", ".join(str(t) for t in counts), v1["cpu_model"], len(kinds) + 1))
    if report.gnuplot(script, a.dir):
        md.append("\n![throughput against threads](host.png)\n")
    with open(os.path.join(a.dir, "host.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))
    bad = [(t, k) for t in counts for k, r in per[t][0].items()
           if not num(r["lock_broken"]) and not num(r["lock_floor"]) and num(r["violations"])]
    caught = all(records.num(per[t][0]["busted"]["violations"]) > 0
                 for t in counts if "busted" in per[t][0] and t > 1)
    ok = not bad and caught
    print("host: verdict: %s (%s)" % ("PASS" if ok else "FAIL",
                                      "real kinds 0 violations, busted caught" if ok else
                                      "violations: %s; busted caught: %s" % (bad, caught)))
    return 0 if ok else 1


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return (xs[n // 2] + xs[(n - 1) // 2]) / 2 if n else float("nan")


def precision(a):
    reps = {}
    with open(a.log) as f:
        for line in f:
            w = line.split()
            if len(w) < 4 or w[0] != "rep":
                continue
            kv = dict(zip(w[3:][::2], w[3:][1::2])) if w[2] == "yardstick" else dict(zip(w[4:][::2], w[4:][1::2]))
            what = "yardstick" if w[2] == "yardstick" else "%s %s" % (w[2], w[3])
            reps.setdefault(int(w[1]), {})[what] = kv
    full, count, floors, bad = [], [], [], 0
    for r in sorted(reps):
        x = reps[r]
        rate = {k: int(v["acquisitions"]) / int(v["ns"]) for k, v in x.items() if v.get("ns")}
        y = rate.get("yardstick")
        if not y:
            continue
        full.append(rate["lock=ttas check=full"] / y)
        count.append(rate["lock=ttas check=count"] / y)
        floors.append(float(x["lock=empty check=full"]["floor"]))
        bad += sum(int(v.get("violations", 0)) for k, v in x.items() if "ttas" in k)
        bad += x["yardstick"].get("counter_ok") != "1"
    mf, mc = median(full), median(count)
    print("Precision on silicon: the engine (ttas, timing=off, every CPU, cs 0) over the")
    print("yardstick (tools/host/yardstick.c), %d interleaved repeats, medians of the" % len(full))
    print("per-repeat ratios:\n")
    print("  check=full   %.3f  (target 0.8; repeats %s)" % (mf, " ".join("%.3f" % v for v in full)))
    print("  check=count  %.3f  (target 0.9; repeats %s)" % (mc, " ".join("%.3f" % v for v in count)))
    print("  harness floor (the empty kind): %.3f cycles per iteration (median)" % median(floors))
    if a.perf:
        ev = {}
        with open(a.perf) as f:
            for line in f:
                w = line.strip().split(",")
                if len(w) > 2 and w[0] and w[0][0].isdigit():
                    ev.setdefault(w[2], []).append(float(w[0]))
                elif len(w) > 2 and w[0].startswith("<not"):
                    ev.setdefault(w[2], [])
        print("\nperf stat over every process (sums): " + ", ".join(
            "%s %s" % (k, "%.0f" % sum(v) if v else "not supported here") for k, v in ev.items()))
    ok = mf >= 0.8 and mc >= 0.9 and not bad
    print("\nhost precision: verdict: %s" % ("PASS" if ok else "FAIL (%s)" % (
        "violations or a lost count" if bad else "below target: see the ratios")))
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("precision")
    p.add_argument("log")
    p.add_argument("--perf")
    c = sub.add_parser("check")
    c.add_argument("records")
    c.add_argument("--real", required=True)
    r = sub.add_parser("report")
    r.add_argument("dir")
    r.add_argument("--threads", required=True)
    r.add_argument("--cpus", type=int, required=True)
    a = ap.parse_args()
    return {"check": check, "report": do_report, "precision": precision}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
