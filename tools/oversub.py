#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn tools/oversub.sh's boots into a table and a plot.

usage: oversub.py RAW... -o DIR --host-cores N

Each RAW is one boot's tools/guest/sweep.sh stream, with BLK-META vcpus= and
hypervisor= lines. Writes DIR/oversub.md and DIR/oversub.png: throughput
against vCPUs, one line per lock, a panel with the hypervisor bit off and
one with it on. Ratios are to spinlock_t in the same boot.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (the sweep stream's parser)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("raw", nargs="+")
    ap.add_argument("-o", "--outdir", default="results")
    ap.add_argument("--host-cores", type=int, required=True)
    a = ap.parse_args()

    os.makedirs(a.outdir, exist_ok=True)
    boots = []
    for path in a.raw:
        meta, pp, runs, _ = report.parse([path])
        main_runs = {r["lock"]: r for r in runs
                     if not r["traced"] and r["pass"] == "main"}
        order = {r["lock"]: r for r in runs if r["pass"] == "order"}
        if "vcpus" not in meta or not main_runs:
            report.die("%s: no oversub boot in it" % path)
        boots.append((int(meta["vcpus"]), meta["hypervisor"], meta, main_runs,
                      order, meta["failed_runs"]))
    boots.sort(key=lambda b: (b[1], b[0]))
    locks = []
    for b in boots:
        for lock in b[3]:
            if lock not in locks:
                locks.append(lock)

    md = ["# blacklock: oversubscribed vCPUs\n",
          "- host cores: %d; qemu TCG, one host thread per vCPU" % a.host_cores,
          "- one boot per (vCPUs, hypervisor bit); every lock on all vCPUs, "
          "cs 0, think 0; ratios are to spinlock_t in the same boot",
          "- the order columns come from a run with every acquisition timed\n"]
    for b in boots:
        vcpus, hv, meta, runs, order, failed = b
        flavour = next(iter(runs.values())).get("spinlock_impl", "?")
        base = runs.get("spinlock", {}).get("throughput_per_s")
        md.append("## %d vCPUs, hypervisor bit %s (spinlock_t: %s)%s\n"
                  % (vcpus, hv, flavour,
                     "; %d runs did not finish" % failed if failed else ""))
        md.append("| lock | acq/s | x spinlock | acquire p99 cyc | hold p50 cyc | "
                  "hold p50 x spinlock | Jain | max/min | "
                  "RMW/acq | spins/acq | longest streak | handoffs per acq | "
                  "violations |")
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        hold_base = runs.get("spinlock", {}).get("hold_cycles_p50")
        for lock in locks:
            r = runs.get(lock)
            if r is None:
                md.append("| %s | did not run | | | | | | | | | | | |" % lock)
                continue
            hold = r.get("hold_cycles_p50")
            o = order.get(lock, {})
            tp = r.get("throughput_per_s")
            acq = o.get("acquisitions")
            counted = r.get("contention_counted")
            md.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                lock, report.f_big(tp),
                "%.2f" % (tp / base) if base else "-",
                r.get("acquire_cycles_p99"), hold if hold is not None else "-",
                "%.2f" % (hold / hold_base) if hold is not None and hold_base else "-",
                r.get("fairness_jain"),
                r.get("fairness_max_min"),
                "%.2f" % r["rmw_per_acq"] if counted else "-",
                "%.1f" % r["spins_per_acq"] if counted else "-",
                o.get("longest_streak", "-"),
                "%.2f" % (o["handoffs"] / acq) if acq else "-",
                r.get("violations")))
        md.append("")

    hvs = [hv for hv in ("off", "on") if any(b[1] == hv for b in boots)]
    data = os.path.join(a.outdir, "oversub.dat")
    with open(data, "w") as f:
        for hv in hvs:
            for lock in locks:
                f.write("# hypervisor=%s lock=%s\n" % (hv, lock))
                for b in boots:
                    if b[1] == hv and lock in b[3]:
                        f.write("%d %g\n" % (b[0], b[3][lock]["throughput_per_s"] / 1e6))
                f.write("\n\n")
    counts = sorted({b[0] for b in boots})
    panels = []
    idx = 0
    for hv in hvs:
        series = []
        for lock in locks:
            series.append("'oversub.dat' index %d using 1:2 with linespoints lw 2 "
                          "pt 7 title '%s'" % (idx, lock))
            idx += 1
        panels.append("set title 'hypervisor bit %s'\nplot %s\n"
                      % (hv, ", ".join(series)))
    script = ("set terminal pngcairo noenhanced size %d,520 font 'sans,10'\n"
              % (550 * len(hvs)) +
              "set output 'oversub.png'\n"
              "set multiplot layout 1,%d title 'blacklock: throughput against vCPUs "
              "on %d host cores (TCG; one boot per point)'\n"
              "set xlabel 'vCPUs (all running workers)'\n"
              "set ylabel 'acquisitions/s (millions, log scale)'\nset logscale y\n"
              "set xtics (%s)\nset xrange [%g:%g]\nset grid\nset key bottom left\n"
              % (len(hvs), a.host_cores, ", ".join(str(c) for c in counts),
                 counts[0] - 0.5, counts[-1] + 0.5)
              + "".join(panels) + "unset multiplot\n")
    ok = report.gnuplot(script, a.outdir)
    if ok:
        md.append("![throughput against vCPUs](oversub.png)\n")
    with open(os.path.join(a.outdir, "oversub.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("oversub: %d boots, %d locks -> %s" % (len(boots), len(locks), a.outdir))
    if not ok:
        report.die("the plot could not be made")


if __name__ == "__main__":
    main()
