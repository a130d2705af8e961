#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a tools/guest/sweep.sh record stream into a comparison report.

usage: report.py RAW... [-o DIR] [--commit SHA] [--host-cpu MODEL] [--note TEXT]

Several RAW files (the parts of one split sweep, in order) make one report.

Appends every run to DIR/runs.csv and DIR/runs.jsonl (one line per run,
with the kernel, the spinlock_t flavour, the CPU model and the module's git
commit), and writes, for this sweep alone, DIR/summary.md and three plots,
DIR/throughput.png, DIR/acquire_cdf.png and DIR/traffic.png (gnuplot).

Every comparison is a ratio to the kernel's spinlock_t measured in the same
sweep: per repeat (the same pass over the configurations), then the median
and the spread (min..max) of those ratios.
"""
import argparse
import csv
import datetime
import json
import os
import re
import statistics
import subprocess
import sys

import records

BASE = "spinlock"
RECORD_KEYS = [
    "lock", "nr_cpus", "cs_ns", "think_ns", "duration_ms", "duration_ns",
    "acquisitions", "throughput_per_s", "violations", "contended",
    "cas_failures", "spins", "acquire_cycles_p50", "acquire_cycles_p90",
    "acquire_cycles_p99", "acquire_cycles_p999", "acquire_cycles_max",
    "acquire_ns_p50", "acquire_ns_p99", "hold_cycles_p50", "fairness_jain",
    "fairness_max_min", "spinlock_impl", "clock", "clock_khz",
    "timer_overhead_cycles", "kernel", "loop", "timing", "sample_every",
    "samples", "harness_cycles_per_iter", "lock_cycles_per_acq",
    "contention_counted", "rmw", "rmw_per_acq", "spins_per_acq",
    "direct_handoffs", "handoffs", "handoff_samples", "handoff_cycles_p50",
    "handoff_cycles_p99", "overtakes", "overtakes_per_sample",
    "longest_streak", "first_overlap_at", "irq_hz", "irq_acquisitions",
    "irq_latency_ns_p50", "irq_latency_ns_p99", "irq_latency_ns_max",
    "irq_wait_cycles_p50", "irq_wait_cycles_p99", "irq_wait_cycles_max",
    "backoff_min", "backoff_max", "cna_threshold", "cna_threshold_ns",
    "waited_through",
]


def counters():
    """The counters of blk_counters_list.h, in order: each is a column of
    runs.csv, after RECORD_KEYS, without a change here."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "blk_counters_list.h")
    with open(path) as f:
        return re.findall(r"^BLK_COUNTER\((\w+),", f.read(), re.M)


COLUMNS = RECORD_KEYS + [k for k in counters() if k not in RECORD_KEYS]


def die(msg):
    print("report: " + msg, file=sys.stderr)
    sys.exit(1)


def num(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        try:
            return float(v)
        except (TypeError, ValueError):
            return v


def lines_of(paths):
    for path in paths:
        with open(path, errors="replace") as f:
            yield from f


def parse(paths):
    """The sweep stream: meta, ping-pong, runs, histograms."""
    meta, pingpong, runs, hists = {}, {}, [], {}
    meta["failed_runs"] = 0
    run = hist = None
    in_pp = False
    for line in lines_of(paths):
        line = line.rstrip("\r\n")
        if line.startswith("BLK-META "):
            k, _, v = line[9:].partition("=")
            meta[k] = v
        elif line == "BLK-PINGPONG-BEGIN":
            in_pp = True
        elif line == "BLK-PINGPONG-END":
            in_pp = False
        elif in_pp and ": " in line:
            k, _, v = line.partition(": ")
            pingpong[k] = num(v)
        elif line.startswith("BLK-RUN-BEGIN "):
            tags = dict(x.split("=", 1) for x in line.split()[1:3] if "=" in x)
            run = {"traced": int(tags.get("traced", 0)),
                   "pass": tags.get("pass", "main"), "perf": {}, "text": []}
        elif line.startswith("BLK-RUN-END"):
            rc = int(line.split("rc=")[1]) if "rc=" in line else 0
            if run is not None:
                # the record, read as every tool reads one (records.py)
                rec = (records.runs(records.loads("\n".join(run.pop("text")))) or [{}])[0]
                for k, v in rec.items():
                    if not isinstance(v, list) and k != "record":
                        run.setdefault(k, num(v))
            if run is not None and "lock" in run and rc == 0:
                runs.append(run)
            else:
                meta["failed_runs"] += 1
            run = None
        elif line.startswith("BLK-HIST-BEGIN "):
            kv = dict(x.split("=") for x in line.split()[1:])
            hist = hists.setdefault(kv["lock"], [])
        elif line == "BLK-HIST-END":
            hist = None
        elif hist is not None:
            p = line.split()
            if len(p) == 4 and p[0] == "acquire":
                hist.append((int(p[1]), int(p[2]), int(p[3])))
        elif run is not None:
            if line.startswith("perf,"):
                p = line.split(",")
                # perf,value,unit,event,run time,percent,...
                if len(p) >= 4:
                    v = p[1]
                    run["perf"][p[3]] = None if v.startswith("<") else num(v)
            else:
                run["text"].append(line)
    return meta, pingpong, runs, hists


def rep_numbers(runs):
    """Number the repeats: the n-th run of a (lock, config) is repeat n."""
    seen = {}
    for r in runs:
        if r["traced"] or r["pass"] != "main":
            continue
        k = (r["lock"], r["nr_cpus"], r["cs_ns"], r["think_ns"])
        seen[k] = seen.get(k, 0) + 1
        r["rep"] = seen[k]


def med(xs):
    xs = [x for x in xs if isinstance(x, (int, float))]
    return statistics.median(xs) if xs else None


def spread(xs, fmt):
    xs = [x for x in xs if isinstance(x, (int, float))]
    if not xs:
        return "-"
    m = statistics.median(xs)
    if len(xs) == 1:
        return fmt(m)
    return "%s [%s..%s]" % (fmt(m), fmt(min(xs)), fmt(max(xs)))


def f_ratio(x):
    return "%.2f" % x


def f_big(x):
    return "%.3g M" % (x / 1e6) if x >= 1e5 else "%d" % x


def f_int(x):
    return "-" if x is None else "%d" % round(x)


def ratios(runs, lock, cfg, key):
    """Per-repeat ratios of lock to spinlock in one configuration."""
    by = {}
    for r in runs:
        if r["traced"] or (r["nr_cpus"], r["cs_ns"], r["think_ns"]) != cfg:
            continue
        by.setdefault(r["rep"], {})[r["lock"]] = r.get(key)
    out = []
    for rep in sorted(by):
        a, b = by[rep].get(lock), by[rep].get(BASE)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
            out.append(a / b)
    return out


def values(runs, lock, cfg, key):
    return [r.get(key) for r in runs if not r["traced"] and r["lock"] == lock
            and (r["nr_cpus"], r["cs_ns"], r["think_ns"]) == cfg]


def gnuplot(script, cwd):
    try:
        subprocess.run(["gnuplot"], input=script, text=True, cwd=cwd,
                       check=True, capture_output=True)
        return True
    except (OSError, subprocess.CalledProcessError) as e:
        err = getattr(e, "stderr", "") or str(e)
        print("report: gnuplot failed: %s" % err, file=sys.stderr)
        return False


def plot_throughput(runs, locks, cfgs, outdir):
    """Throughput vs CPUs, one line per lock, a panel per cs_ns (think 0)."""
    think0 = sorted({c[2] for c in cfgs})[0]
    css = sorted({c[1] for c in cfgs})
    cpus = sorted({c[0] for c in cfgs})
    data = os.path.join(outdir, "throughput.dat")
    with open(data, "w") as f:
        for cs in css:
            for lock in locks:
                f.write("# cs_ns=%d lock=%s\n" % (cs, lock))
                for n in cpus:
                    xs = [x / 1e6 for x in values(runs, lock, (n, cs, think0),
                                                  "throughput_per_s")]
                    if xs:
                        f.write("%d %g %g %g\n" % (n, statistics.median(xs),
                                                   min(xs), max(xs)))
                f.write("\n\n")
    plots = []
    idx = 0
    for i, cs in enumerate(css):
        series = []
        for j, lock in enumerate(locks):
            series.append("'throughput.dat' index %d using ($1+%g):2:3:4 "
                          "with yerrorlines lw 2 pt 7 title '%s'"
                          % (idx, (j - len(locks) / 2) * 0.03, lock))
            idx += 1
        plots.append("set title 'critical section %d ns, think %d ns'\n"
                     "plot %s\n" % (cs, think0, ", ".join(series)))
    script = ("set terminal pngcairo noenhanced size %d,520 font 'sans,10'\n"
              "set output 'throughput.png'\n"
              "set multiplot layout 1,%d title 'blacklock: throughput vs CPUs "
              "(median, bars: min..max of repeats)'\n"
              "set xlabel 'CPUs (workers)'\nset ylabel 'acquisitions/s (millions)'\n"
              "set xtics 1\nset xrange [%g:%g]\nset yrange [0:*]\nset grid\n"
              "set key bottom left\n"
              % (480 * len(css), len(css), cpus[0] - 0.5, cpus[-1] + 0.5)
              + "".join(plots) + "unset multiplot\n")
    return gnuplot(script, outdir)


def plot_cdf(hists, locks, ncpus, outdir):
    """Acquire-latency CDF per lock from the merged histograms."""
    data = os.path.join(outdir, "acquire_cdf.dat")
    series, idx = [], 0
    with open(data, "w") as f:
        for lock in locks:
            h = hists.get(lock)
            if not h:
                continue
            total = sum(c for _, _, c in h)
            seen = 0
            f.write("# lock=%s\n" % lock)
            for lo, hi, c in h:
                seen += c
                f.write("%d %.6f\n" % (max(hi, 1), seen / total))
            f.write("\n\n")
            series.append("'acquire_cdf.dat' index %d using 1:2 with steps "
                          "lw 2 title '%s'" % (idx, lock))
            idx += 1
    if not series:
        return False
    script = ("set terminal pngcairo noenhanced size 900,560 font 'sans,10'\n"
              "set output 'acquire_cdf.png'\n"
              "set title 'blacklock: acquire latency CDF, %d CPUs, cs 0 ns, "
              "think 0 ns (repeat 1)'\n"
              "set xlabel 'acquire latency, request to grant (cycles, log scale)'\n"
              "set ylabel 'fraction of acquisitions at or below'\n"
              "set logscale x\nset format x '%%.0s%%c'\nset yrange [0:1.01]\nset grid\n"
              "set key bottom right\nplot %s\n" % (ncpus, ", ".join(series)))
    return gnuplot(script, outdir)


def plot_traffic(rows, outdir):
    """RMW and spin loads per acquisition, one bar pair per counted lock."""
    rows = [r for r in rows if r[1] is not None]
    if not rows:
        return False
    with open(os.path.join(outdir, "traffic.dat"), "w") as f:
        for lock, rmw, spins in rows:
            f.write("%s %g %g\n" % (lock, rmw, spins or 0))
    script = ("set terminal pngcairo noenhanced size 900,520 font 'sans,10'\n"
              "set output 'traffic.png'\n"
              "set title 'blacklock: what one acquisition costs the lock word, "
              "most CPUs, cs 0, think 0 (median of repeats)'\n"
              "set style data histograms\nset style histogram clustered gap 1\n"
              "set style fill solid 0.8 border -1\nset boxwidth 0.9\n"
              "set ylabel 'per acquisition (log scale)'\nset logscale y\n"
              "set yrange [0.1:*]\nset grid ytics\nset key top left\n"
              "plot 'traffic.dat' using 2:xtic(1) title 'atomic RMWs', "
              "'' using ($3 > 0 ? $3 : 0.1) title 'wait-loop loads (spins)'\n")
    return gnuplot(script, outdir)


class Column:
    """One column of a report table: its title, alignment and value."""

    def __init__(self, title, value, right=True):
        self.title, self.value, self.right = title, value, right


class Line(str):
    """A table row written as it is, not through the columns."""


def table(md, columns, rows):
    """A Markdown table: a header of the columns' titles, then one line per
    row, each cell the column's value of it (a Line is written as it is)."""
    md.append("| " + " | ".join(c.title for c in columns) + " |")
    md.append("|" + "|".join("---:" if c.right else "---" for c in columns) + "|")
    for row in rows:
        md.append(row if isinstance(row, Line) else
                  "| " + " | ".join(c.value(row) for c in columns) + " |")


def dash(v, fmt):
    return "-" if v is None else fmt(v)


def write_runs(a, runs, common, stamp):
    """runs.csv and runs.jsonl, appended to."""
    perf_keys = sorted({k for r in runs for k in r["perf"]})
    csv_path = os.path.join(a.outdir, "runs.csv")
    fields = (["sweep", "commit", "kernel", "spinlock_impl", "cpu_model",
               "host_cpu_model", "traced", "pass", "rep"]
              + [k for k in COLUMNS if k not in ("kernel", "spinlock_impl")]
              + ["perf:" + k for k in perf_keys])
    new = not os.path.exists(csv_path)
    if not new:
        with open(csv_path) as f:
            old = next(csv.reader(f), [])
        if old != fields:   # a different set of columns: start a new file
            os.rename(csv_path, csv_path + "." + stamp.replace(":", ""))
            new = True
    with open(csv_path, "a", newline="") as f, \
            open(os.path.join(a.outdir, "runs.jsonl"), "a") as j:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        if new:
            w.writeheader()
        for r in runs:
            row = dict(common, traced=r["traced"], rep=r.get("rep", ""))
            row["pass"] = r["pass"]
            row.update({k: r.get(k, "") for k in COLUMNS
                        if k not in ("kernel", "spinlock_impl")})
            row.update({"perf:" + k: ("" if r["perf"].get(k) is None else
                                      r["perf"][k]) for k in perf_keys})
            w.writerow(row)
            rec = dict(common, **{k: v for k, v in r.items() if k != "perf"})
            rec["perf"] = r["perf"]
            j.write(json.dumps(rec, sort_keys=True) + "\n")


def header(md, a, meta, pp, plain, flavour, stamp, reps):
    md.append("# blacklock comparison, %s\n" % stamp)
    md.append("- module commit: `%s`" % a.commit)
    md.append("- kernel: %s; spinlock_t in effect: **%s**" % (meta.get("kernel"), flavour))
    md.append("- CPU model seen by the kernel: %s; online CPUs: %s"
              % (meta.get("cpu_model"), meta.get("online_cpus")))
    if a.host_cpu:
        md.append("- host CPU: %s" % a.host_cpu)
    if a.note:
        md.append("- %s" % a.note)
    md.append("- sweep: %s" % meta.get("sweep", "").replace(";", "; "))
    md.append("- perf events counted: %s" % meta.get("perf_events"))
    if meta.get("perf_missing"):
        md.append("- perf events **not available**: %s" % meta.get("perf_missing"))
    if meta["failed_runs"]:
        md.append("- **%d runs did not finish** and are left out (BLK-STUCK lines in "
                  "the raw log say what the module and the kernel reported)"
                  % meta["failed_runs"])
    modes = sorted({"%s%s" % (r.get("timing", "every (before timing modes)"),
                              " (1 in %s acquisitions timed)" % r["sample_every"]
                              if r.get("timing") == "sample" else "") for r in plain})
    md.append("- timing: %s; the latency percentiles are of the timed acquisitions"
              % ", ".join(modes))
    violations = sum(r.get("violations", 0) for r in plain)
    md.append("- mutual-exclusion violations over all %d runs: **%d**" % (len(plain), violations))
    if pp:
        md.append("- core-to-core floor (ping-pong, CPUs %s): handoff p50 %s cycles "
                  "(%s ns), round trip p50 %s, p99 %s, min %s cycles"
                  % (pp.get("pingpong_cpus"), pp.get("handoff_cycles_p50"),
                     pp.get("handoff_ns_p50"), pp.get("roundtrip_cycles_p50"),
                     pp.get("roundtrip_cycles_p99"), pp.get("roundtrip_cycles_min")))
    md.append("\nRatios are to `%s` in the same repeat (same pass), then the median "
              "and [min..max] over %d repeats. Absolute figures are medians [min..max]. "
              "Under TCG emulation only the ratios mean anything.\n" % (BASE, reps))


def throughput_table(md, plain, locks, cfgs, has_base):
    """Rows: (cfg, lock)."""
    def v(row, k):
        return values(plain, row[1], row[0], k)

    def rt(row, k):
        return spread(ratios(plain, row[1], row[0], k), f_ratio) if has_base else "-"

    md.append("## Throughput and acquire latency\n")
    table(md, [
        Column("CPUs", lambda row: "%d" % row[0][0]),
        Column("cs ns", lambda row: "%d" % row[0][1]),
        Column("think ns", lambda row: "%d" % row[0][2]),
        Column("lock", lambda row: row[1], right=False),
        Column("acq/s", lambda row: spread(v(row, "throughput_per_s"), f_big)),
        Column("x spinlock", lambda row: rt(row, "throughput_per_s")),
        Column("acquire p50 cyc", lambda row: spread(v(row, "acquire_cycles_p50"), f_int)),
        Column("x spinlock", lambda row: rt(row, "acquire_cycles_p50")),
        Column("acquire p99 cyc", lambda row: spread(v(row, "acquire_cycles_p99"), f_int)),
        Column("x spinlock", lambda row: rt(row, "acquire_cycles_p99")),
        Column("Jain", lambda row: spread(v(row, "fairness_jain"), lambda x: "%.3f" % x)),
        Column("violations", lambda row: "%d" % sum(
            x for x in v(row, "violations") if isinstance(x, int))),
    ], [(cfg, lock) for cfg in cfgs for lock in locks])


def derived_table(md, plain, locks, ucfg, hcfg, top, floor, has_base):
    md.append("\n## Derived\n")
    md.append("Uncontended cost is one CPU, cs 0, think 0: the time of one engine "
              "iteration (acquire, the exclusion check, release, the timing the mode asks for) = "
              "1 / throughput. Handoff compares the acquire latency with the "
              "ping-pong handoff floor at %d CPUs, cs 0, think 0.\n" % top)

    def per_floor(lock, k):
        return (spread([x / floor for x in values(plain, lock, hcfg, k)], f_ratio)
                if floor else "-")

    table(md, [
        Column("lock", lambda lock: lock, right=False),
        Column("1-CPU ns/iteration", lambda lock: spread(
            [1e9 / x for x in values(plain, lock, ucfg, "throughput_per_s") if x],
            lambda x: "%.1f" % x)),
        Column("x spinlock", lambda lock: spread(
            [1 / x for x in ratios(plain, lock, ucfg, "throughput_per_s") if x], f_ratio)
            if has_base else "-"),
        Column("1-CPU acquire p50 cyc",
               lambda lock: spread(values(plain, lock, ucfg, "acquire_cycles_p50"), f_int)),
        Column("%d-CPU acquire p50 / floor" % top, lambda lock: per_floor(lock, "acquire_cycles_p50")),
        Column("%d-CPU acquire p99 / floor" % top, lambda lock: per_floor(lock, "acquire_cycles_p99")),
        Column("Jain at %d CPUs" % top, lambda lock: spread(
            values(plain, lock, hcfg, "fairness_jain"), lambda x: "%.3f" % x)),
    ], locks)


def perf_table(md, plain, locks, hcfg, top):
    md.append("\n## perf stat, %d CPUs, cs 0, think 0 (system wide, medians)\n" % top)

    def cell(lock, k):
        m = med([r["perf"].get(k) for r in plain if r["lock"] == lock
                 and (r["nr_cpus"], r["cs_ns"], r["think_ns"]) == hcfg])
        return "not supported" if m is None else "%.4g" % m

    keys = sorted({k for r in plain for k in r["perf"]})
    table(md, [Column("lock", lambda lock: lock, right=False)]
          + [Column(k, lambda lock, k=k: cell(lock, k)) for k in keys], locks)


def traffic_table(md, plain, order, locks, hcfg, top, floor):
    """Returns (lock, RMW/acq, spins/acq) for the traffic plot."""
    md.append("\n## Bus traffic, handoff and order, %d CPUs, cs 0, think 0\n" % top)
    md.append("RMW/acq: atomic read-modify-writes per acquisition (the kind's "
              "uncontended ones plus those its contended paths counted), and "
              "spins/acq: loads in its wait loops, both from the main runs; no PMU "
              "needed. The kernel's locks are not instrumented (-). The rest is "
              "the order pass, every acquisition timed: handoff is a release to "
              "the next owner's grant on another CPU; overtakes are waiters that "
              "asked first and were passed, per timed acquisition; a streak is "
              "acquisitions in a row by one CPU.\n")
    rows = []
    for lock in locks:
        counted = all(r.get("contention_counted") for r in plain if r["lock"] == lock)
        o = [r for r in order if r["lock"] == lock]
        row = {k: med([r.get(k) for r in o]) for k in (
            "handoff_cycles_p50", "handoff_cycles_p99", "overtakes_per_sample",
            "longest_streak", "handoffs", "acquisitions", "fairness_jain")}
        row["lock"] = lock
        row["rmw"] = med(values(plain, lock, hcfg, "rmw_per_acq")) if counted else None
        row["spins"] = med(values(plain, lock, hcfg, "spins_per_acq")) if counted else None
        rows.append(row)
    table(md, [
        Column("lock", lambda r: r["lock"], right=False),
        Column("RMW/acq", lambda r: dash(r["rmw"], lambda x: "%.2f" % x)),
        Column("spins/acq", lambda r: dash(r["spins"], lambda x: "%.1f" % x)),
        Column("handoff p50 cyc", lambda r: dash(r["handoff_cycles_p50"], f_int)),
        Column("handoff p99 cyc", lambda r: dash(r["handoff_cycles_p99"], f_int)),
        Column("handoff p50 / floor", lambda r: "%.2f" % (r["handoff_cycles_p50"] / floor)
               if r["handoff_cycles_p50"] and floor else "-"),
        Column("overtakes per acq", lambda r: dash(r["overtakes_per_sample"], lambda x: "%.3f" % x)),
        Column("longest streak", lambda r: dash(r["longest_streak"], f_int)),
        Column("handoffs per acq", lambda r: "%.2f" % (r["handoffs"] / r["acquisitions"])
               if r["acquisitions"] else "-"),
        Column("Jain", lambda r: dash(r["fairness_jain"], lambda x: "%.3f" % x)),
    ], rows)
    return [(r["lock"], r["rmw"], r["spins"]) for r in rows]


def numa_table(md, order, locks, top):
    """Handoffs within and across NUMA nodes, from the order pass's matrix
    (only when the guest had more than one node: tools/vm.sh -N)."""
    nodes = max((r.get("nr_nodes") or 1 for r in order), default=1)
    if nodes < 2:
        return
    md.append("\n## NUMA: handoffs within and across nodes, %d CPUs on %d nodes\n" % (top, nodes))
    md.append("From the order pass's who-handed-to-whom matrix, by the nodes of the two "
              "workers. Under TCG a remote node costs nothing more than a local one: "
              "this is who handed the lock to whom, not what it cost.\n")
    rows = []
    for lock in locks:
        o = [r for r in order if r["lock"] == lock]
        intra = med([r.get("handoffs_intra_node") for r in o])
        inter = med([r.get("handoffs_inter_node") for r in o])
        share = med([r["handoffs_intra_node"] / (r["handoffs_intra_node"] + r["handoffs_inter_node"])
                     for r in o if (r.get("handoffs_intra_node") or 0) + (r.get("handoffs_inter_node") or 0)])
        rows.append(dict(lock=lock, intra=intra, inter=inter, share=share))
    table(md, [
        Column("lock", lambda r: r["lock"], right=False),
        Column("intra-node handoffs", lambda r: dash(r["intra"], f_int)),
        Column("inter-node handoffs", lambda r: dash(r["inter"], f_int)),
        Column("intra-node fraction", lambda r: dash(r["share"], lambda x: "%.3f" % x)),
    ], rows)


def irq_table(md, plain, irqs, locks, hcfg, top):
    hz = irqs[0].get("irq_hz")
    md.append("\n## Interrupt context: irq_hz=%s, %d CPUs, cs 0, think 0\n" % (hz, top))
    md.append("An hrtimer on every worker CPU takes the lock in hardirq context "
              "%s times a second; the workers take it with interrupts off. Latency "
              "is from the timer's due time to the lock held in the handler; the "
              "lock's own part of it is the handler's wait for the lock. Worker "
              "throughput is against the same lock's main runs.\n" % hz)
    columns = [Column("lock", lambda r: r["lock"], right=False)]
    for title, k in (("irq latency p50 ns", "irq_latency_ns_p50"), ("p99 ns", "irq_latency_ns_p99"),
                     ("max ns", "irq_latency_ns_max"), ("lock wait p50 cyc", "irq_wait_cycles_p50"),
                     ("p99 cyc", "irq_wait_cycles_p99"), ("max cyc", "irq_wait_cycles_max"),
                     ("irq acquisitions", "irq_acquisitions")):
        columns.append(Column(title, lambda r, k=k: f_int(r[k])))
    columns += [
        Column("worker acq/s", lambda r: f_big(r["throughput_per_s"])),
        Column("x without interrupts", lambda r: "%.2f" % (r["throughput_per_s"] / r["base"])
               if r["base"] else "-"),
        Column("violations", lambda r: "%d" % r["violations"]),
    ]
    rows = []
    for lock in locks:
        i = [r for r in irqs if r["lock"] == lock]
        if not i:
            rows.append(Line("| %s | refused (sleeps on PREEMPT_RT) |" % lock
                             + " |" * (len(columns) - 2)))
            continue
        row = {c: med([r.get(c) for r in i]) for c in (
            "irq_latency_ns_p50", "irq_latency_ns_p99", "irq_latency_ns_max",
            "irq_wait_cycles_p50", "irq_wait_cycles_p99", "irq_wait_cycles_max",
            "irq_acquisitions", "throughput_per_s")}
        row.update(lock=lock, base=med(values(plain, lock, hcfg, "throughput_per_s")),
                   violations=sum(r.get("violations", 0) for r in i))
        rows.append(row)
    table(md, columns, rows)


def tracepoint_table(md, traced, top):
    tps = sorted({k for r in traced for k in r["perf"]})
    md.append("\n## Tracepoints: one traced run per lock, %d CPUs, cs 0, think 0\n" % top)
    md.append("Counted in a separate run, because enabled tracepoints slow the slow "
              "paths they sit in. `blacklock:blk_contended_*` fire in the blk_spin "
              "locks' slow path, `lock:contention_*` in the kernel's "
              "queued_spin_lock_slowpath(); both are system wide.\n")
    table(md, [Column("lock", lambda r: r["lock"], right=False),
               Column("acquisitions", lambda r: str(r.get("acquisitions"))),
               Column("contended (counter)", lambda r: str(r.get("contended")))]
          + [Column(k, lambda r, k=k: "-" if r["perf"].get(k) is None else str(r["perf"][k]))
             for k in tps], traced)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("raw", nargs="+")
    ap.add_argument("-o", "--outdir", default="results")
    ap.add_argument("--commit", default="unknown")
    ap.add_argument("--host-cpu", default="")
    ap.add_argument("--note", default="")
    ap.add_argument("--no-plots", action="store_true",
                    help="the tables only (make check's test of the tools)")
    a = ap.parse_args()

    meta, pp, runs, hists = parse(a.raw)
    if not runs:
        die("no runs in %s" % " ".join(a.raw))
    rep_numbers(runs)
    os.makedirs(a.outdir, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    flavour = runs[0].get("spinlock_impl", "?")
    common = {"sweep": stamp, "commit": a.commit, "kernel": meta.get("kernel"),
              "spinlock_impl": flavour, "cpu_model": meta.get("cpu_model"),
              "host_cpu_model": a.host_cpu, "note": a.note}
    write_runs(a, runs, common, stamp)

    plain = [r for r in runs if not r["traced"] and r["pass"] == "main"]
    order = [r for r in runs if r["pass"] == "order"]
    irqs = [r for r in runs if r["pass"] == "irq"]
    traced = [r for r in runs if r["traced"]]
    locks = []
    for r in plain:
        if r["lock"] not in locks:
            locks.append(r["lock"])
    cfgs = sorted({(r["nr_cpus"], r["cs_ns"], r["think_ns"]) for r in plain})
    top = max(c[0] for c in cfgs)
    reps = max(r["rep"] for r in plain)
    has_base = BASE in locks
    floor = pp.get("handoff_cycles_p50") if pp else None
    ucfg = (min(c[0] for c in cfgs), min(c[1] for c in cfgs), min(c[2] for c in cfgs))
    hcfg = (top, ucfg[1], ucfg[2])

    md = []
    header(md, a, meta, pp, plain, flavour, stamp, reps)
    throughput_table(md, plain, locks, cfgs, has_base)
    derived_table(md, plain, locks, ucfg, hcfg, top, floor, has_base)
    perf_table(md, plain, locks, hcfg, top)
    traffic = traffic_table(md, plain, order, locks, hcfg, top, floor)
    numa_table(md, order, locks, top)
    if irqs:
        irq_table(md, plain, irqs, locks, hcfg, top)
    if traced:
        tracepoint_table(md, traced, top)

    if a.no_plots:
        with open(os.path.join(a.outdir, "summary.md"), "w") as f:
            f.write("\n".join(md) + "\n")
        return
    ok_t = plot_throughput(plain, locks, cfgs, a.outdir)
    ok_c = plot_cdf(hists, locks, top, a.outdir)
    ok_r = plot_traffic(traffic, a.outdir)
    md.append("\n## Plots\n")
    if ok_t:
        md.append("![throughput vs CPUs](throughput.png)\n")
    if ok_c:
        md.append("![acquire latency CDF](acquire_cdf.png)\n")
    if ok_r:
        md.append("![RMWs and wait-loop loads per acquisition](traffic.png)\n")
    with open(os.path.join(a.outdir, "summary.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("report: %d runs (%d traced), %d locks, %d configurations, %d repeats -> %s"
          % (len(runs), len(traced), len(locks), len(cfgs), reps, a.outdir))
    if not (ok_t and ok_c and ok_r):
        die("a plot could not be made")
    if meta["failed_runs"]:
        die("%d runs did not finish" % meta["failed_runs"])


if __name__ == "__main__":
    main()
