#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make demo's tables, from one boot's records (stats or stats.json).

Prints the uncontended table (the cost record) and the contended one (a
run per lock), each figure also as a ratio to spinlock_t, and a verdict
line; with --host, the host world's records of the same runs on the host's
own cores (tools/host), the contended table has a column more: each kind's
throughput on silicon as a ratio to qspin's there; exit status 1 unless every lock asked for was measured, no real lock
had a violation and busted was caught.
"""
import argparse
import sys

import records

BASE = "spinlock"


def ratio(a, b):
    return "%.2f" % (a / b) if b > 0 else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("records", help="the boot's stats or stats.json")
    ap.add_argument("--want", type=int, required=True, help="how many locks were run")
    ap.add_argument("--host", help="blk-host's records of the same runs (stats or stats.json)")
    a = ap.parse_args()
    silicon = {}
    if a.host:
        silicon = {r["lock"]: r for r in records.runs(records.load(a.host))}
    recs = records.load(a.records)
    runs, cost = records.runs(recs), records.cost(recs)
    if not runs or cost is None:
        print("demo: no results", file=sys.stderr)
        return 1
    n = records.num
    v1 = runs[0]
    base = None
    for r in runs:
        if r["lock"] == BASE:
            base = r
    print("\nblacklock demo: kernel %s, %s vCPUs under qemu TCG, spinlock_t: %s, clock %s"
          % (v1["kernel"], v1["nr_cpus"], v1["spinlock_impl"], v1["clock"]))
    print("TCG emulates the CPUs: read the ratios, not the absolute cycles.\n")
    print("Uncontended: one CPU, %s batches of %s back-to-back lock/unlock pairs per kind,"
          % (cost["cost_batches"], cost["cost_pairs_per_batch"]))
    print("the empty batch subtracted; (x) = ratio to spinlock.\n")
    print("%-13s %12s %12s %8s %8s" % ("lock", "cycles/pair", "ns/pair", "(x)", "best(x)"))
    for k in cost["locks"]:
        print("%-13s %12s %12s %8.2f %8.2f" % (k["lock"], k["cycles_per_pair_median"],
                                                k["ns_per_pair_median"],
                                                n(k["ratio_to_spinlock_median"]),
                                                n(k["ratio_to_spinlock_min"])))
    line = "\nContended: every lock %s ms on all vCPUs, cs_ns %s, think_ns %s, timing=%s" % (
        v1["duration_ms"], v1["cs_ns"], v1["think_ns"], v1["timing"])
    if v1["timing"] == "sample":
        line += " (1 in %s timed)" % v1["sample_every"]
    print(line + ";\n(x) = ratio to spinlock, same boot; lock cyc = cycles per acquisition per CPU\n"
          "less the harness floor (the same loop around the empty lock).\n")
    sq = silicon.get("qspin")
    if silicon:
        s1 = next(iter(silicon.values()))
        print("silicon(x): the same run on the host's own cores (%s, %s threads, the host world),\n"
              "as a ratio to qspin's there (no spinlock_t outside a kernel).\n"
              % (s1["cpu_model"], s1["nr_cpus"]))
    print("%-13s %12s %6s %9s %10s %6s %10s %6s %8s %8s %8s %8s %11s%s" % (
        "lock", "acq/s", "(x)", "lock cyc", "acq p50", "(x)", "acq p99", "(x)",
        "jain", "max/min", "streak", "rmw/acq", "violations",
        " silicon(x)" if silicon else ""))
    for r in runs:
        t, p50, p99 = n(r["throughput_per_s"]), n(r["acquire_cycles_p50"]), n(r["acquire_cycles_p99"])
        print("%-13s %12d %6s %9.1f %10d %6s %10d %6s %8.4f %8.3f %8d %8s %11d%s" % (
            r["lock"], t, ratio(t, n(base["throughput_per_s"])) if base else "-",
            n(r["lock_cycles_per_acq"]),
            p50, ratio(p50, n(base["acquire_cycles_p50"])) if base else "-",
            p99, ratio(p99, n(base["acquire_cycles_p99"])) if base else "-",
            n(r["fairness_jain"]), n(r["fairness_max_min"]), n(r["longest_streak"]),
            r["rmw_per_acq"] if n(r["contention_counted"]) else "-", n(r["violations"]),
            (" %10s" % (ratio(n(silicon[r["lock"]]["throughput_per_s"]), n(sq["throughput_per_s"]))
                        if r["lock"] in silicon and sq else "-")) if silicon else ""))
    print("\nstreak: most acquisitions in a row by one CPU; rmw/acq: atomic read-modify-writes")
    print("per acquisition (counted kinds; the kernel's locks are not instrumented).\n")
    caught = "not run"
    for r in runs:
        if r["lock"] == "busted":
            caught = ("yes, first at acquisition " + r["first_overlap_at"]
                      if n(r["violations"]) > 0 else "NO")
    bad = sum(1 for r in runs if n(r["lock_broken"]) == 0 and n(r["lock_floor"]) == 0
              and n(r["violations"]) != 0)
    print("demo: %d of %d locks measured; real locks with violations: %d; busted caught: %s"
          % (len(runs), a.want, bad, caught))
    return 0 if len(runs) == a.want and bad == 0 and caught != "NO" else 1


if __name__ == "__main__":
    sys.exit(main())
