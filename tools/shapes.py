#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report tools/shapes.sh's logs: what each workload shape changes for which
kind, on silicon (the host world) and under TCG (the VM).

For each knob, one table: per kind and world, the median throughput at the
knob's first value over the repeats, and at each other value the median of
the repeats' ratios to it (each repeat's runs ran in one pass, seconds
apart), with their spread ((max - min) / median of those ratios) beside
it; and, with --plots, one plot per knob (gnuplot, SVG) of those ratios.
A run a world refused is "refused"; a real lock with a violation fails the
verdict.
"""
import argparse
import os
import shutil
import subprocess
import sys
from collections import defaultdict

import records
from bench import kv, med
from queued import spread, table

# knob: [(the shapes.sh variant, as its log names it, the value shown)]
GROUPS = (
    ("cs_lines", (("-", "0"), ("cs_lines=1", "1"), ("cs_lines=4", "4"),
                  ("cs_lines=16", "16"))),
    ("colocate", (("cs_lines=1", "off"), ("cs_lines=1,colocate=on", "on"))),
    ("nlocks", (("-", "1"), ("nlocks=16", "16"), ("nlocks=1024", "1024"),
                ("nlocks=16,hot_pct=90", "16-hot90"), ("nlocks=1024,hot_pct=90", "1024-hot90"))),
    ("think_dist", (("think_ns=200", "fixed"), ("think_ns=200,think_dist=exp", "exp"))),
)
WORLDS = (("host", "silicon"), ("vm", "TCG"))


def parse(paths):
    """(meta {world: {key: value}}, runs {(world, lock, knobs): {rep: record or None}})"""
    meta, runs = {}, defaultdict(dict)
    for path in paths:
        world, block, tags = None, None, None
        for line in open(path, errors="replace"):
            line = line.strip().replace("\r", "")
            if line.startswith("SHAPES-META "):
                m = kv(line)
                world = m["world"]
                meta[world] = m
            elif line.startswith("SHAPES-RUN-BEGIN "):
                block, tags = [], kv(line)
            elif line == "SHAPES-RUN-END" and block is not None:
                rs = records.runs(records.loads("\n".join(block))) if block else []
                runs[(world, tags["lock"], tags["knobs"])][int(tags["rep"])] = rs[-1] if rs else None
                block = None
            elif block is not None:
                block.append(line)
    return meta, runs


def throughput(r):
    return records.num(r.get("throughput_per_s")) if r else None


def cells(runs, world, lock, variants):
    """The row's cells for one world, and the ratios (for the plot)."""
    base = runs.get((world, lock, variants[0][0]))
    if base is None:
        return ["-"] * len(variants), {}
    out, ratios = [], {}
    b = med([throughput(r) for r in base.values() if throughput(r)])
    out.append("%.2fM" % (b / 1e6) if b else "refused")
    for v, shown in variants[1:]:
        this = runs.get((world, lock, v), {})
        rs = [throughput(this[rep]) / throughput(base[rep]) for rep in this
              if throughput(this.get(rep)) and throughput(base.get(rep))]
        if not rs:
            out.append("refused")
            continue
        ratios[shown] = med(rs)
        sp = spread(rs)
        out.append("%.2f (%s)" % (med(rs), "%.0f%%" % (100 * sp) if sp is not None else "-"))
    return out, ratios


def plot(path, knob, variants, kinds, ratios, worlds):
    """One SVG: per kind, the ratio of each other value to the first, per world."""
    series = [(w, shown) for w, _ in worlds for _, shown in variants[1:]]
    data = path + ".dat"
    with open(data, "w") as f:
        f.write("kind " + " ".join("%s:%s=%s" % (w, knob, s) for w, s in series) + "\n")
        for k in kinds:
            f.write(k + " " + " ".join("%.4f" % ratios[(w, k)][s] if s in ratios.get((w, k), {})
                                       else "NaN" for w, s in series) + "\n")
    script = "\n".join((
        "set terminal svg size 960,420 font 'sans,11'", "set termoption noenhanced",
        "set output '%s'" % path,
        "set title 'throughput at each %s, as a ratio to %s=%s (median of repeats)'"
        % (knob, knob, variants[0][1]),
        "set style data histogram", "set style histogram clustered gap 1",
        "set style fill solid 0.8 border -1", "set key autotitle columnhead outside",
        "set xtics rotate by -30", "set grid ytics", "set yrange [0:*]",
        "plot " + ", ".join("'%s' using %d:xtic(1)" % (data, i + 2) for i in range(len(series))),
    ))
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("logs", nargs="+", help="tools/shapes.sh's host.log and vm.log")
    ap.add_argument("--plots", help="write one plot per knob (SVG) in this directory")
    ap.add_argument("-o", help="also write the report (Markdown) here")
    a = ap.parse_args()
    try:
        meta, runs = parse(a.logs)
    except OSError as e:
        print("shapes: %s" % e, file=sys.stderr)
        return 1
    if not runs:
        print("shapes: no runs in %s" % " ".join(a.logs), file=sys.stderr)
        return 1
    worlds = [(w, name) for w, name in WORLDS if w in meta]
    kinds = []
    for (w, lock, _) in runs:
        if lock not in kinds:
            kinds.append(lock)
    out = ["# Workload shapes", ""]
    for w, name in worlds:
        m = meta[w]
        out.append("- %s (%s): %s, %s CPUs, %s repeats of %s ms per run, timing=off" % (
            name, w, m.get("cpu", m.get("kernel", "?")).replace("_", " "), m.get("cpus"),
            m.get("reps"), m.get("ms")))
    bad = sorted({(w, lock) for (w, lock, _), reps in runs.items() for r in reps.values()
                  if r and not records.num(r.get("lock_broken")) and
                  not records.num(r.get("lock_floor")) and records.num(r.get("violations"))})
    plots = a.plots and shutil.which("gnuplot")
    for knob, variants in GROUPS:
        out += ["", "## %s" % knob, "",
                "Throughput at %s=%s (median, M acquisitions/s), then each other value as a "
                "ratio to it (median of the repeats' ratios; their spread)." % (knob, variants[0][1]), ""]
        head, rows, ratios = ["kind"], [], {}
        for w, name in worlds:
            head += ["%s %s=%s" % (name, knob, variants[0][1])]
            head += ["%s %s" % (name, shown) for _, shown in variants[1:]]
        for k in kinds:
            row = [k]
            for w, _ in worlds:
                c, ratios[(w, k)] = cells(runs, w, k, variants)
                row += c
            rows.append(row)
        table(out, head, rows)
        if plots:
            svg = os.path.join(a.plots, "shapes-%s.svg" % knob)
            plot(svg, knob, variants, kinds, ratios, worlds)
            out += ["", "Plot: `%s`." % os.path.basename(svg)]
    out += ["", "verdict: %s" % ("PASS: no real lock had a violation" if not bad else
                                 "FAIL: violations in %s" % ", ".join("%s %s" % b for b in bad))]
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if a.o:
        with open(a.o, "w") as f:
            f.write(text)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
