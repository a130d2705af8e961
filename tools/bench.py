#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise a make bench log (tools/bench.sh): medians over the repeats,
ratios measured side by side in one boot, and the precision targets.

Every ratio is taken within a repeat first (the runs of one repeat follow
each other within seconds) and the median of those is reported, so a slow
stretch of the host moves both sides of a ratio together.
"""
import argparse
import re
import statistics
import sys
from collections import defaultdict

import records


def kv(line):
    return dict(re.findall(r"(\w+)=(\S+)", line))


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, spec="%.2f"):
    return "-" if x is None else spec % x


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("-o", "--out", help="also write the report here (Markdown)")
    args = ap.parse_args()

    meta, cost, runs = {}, defaultdict(dict), defaultdict(dict)
    yardstick = {}
    samples_every = []
    block, tags = None, None
    for line in open(args.log, errors="replace"):
        line = line.strip()
        if block is not None and line not in ("BENCH-RUN-END", "BENCH-COST-END"):
            block.append(line)
        elif line.startswith("BENCH-META "):
            d = kv(line)
            if "sample_every" in d:
                samples_every.append(d["sample_every"])
            meta.update({k: v for k, v in d.items() if k != "sample_every"})
        elif line.startswith("BENCH-YARDSTICK "):
            # "rep=R N acquisitions in T ns on C CPUs, counter X"
            m = re.match(r"BENCH-YARDSTICK rep=(\d+) (\d+) acquisitions in (\d+) ns", line)
            if m and int(m.group(3)):
                yardstick[int(m.group(1))] = int(m.group(2)) * 1e9 / int(m.group(3))
        elif line.startswith(("BENCH-RUN-BEGIN ", "BENCH-COST-BEGIN ")):
            block, tags = [], kv(line)
        elif line == "BENCH-COST-END" and block is not None:
            c = records.cost(records.loads("\n".join(block)))
            for k in c["locks"] if c else []:
                cost[int(tags["rep"])][k["lock"]] = (float(k["cycles_per_pair_min"]),
                                                     float(k["cycles_per_pair_median"]))
            block = None
        elif line == "BENCH-RUN-END" and block is not None:
            r = records.runs(records.loads("\n".join(block)))
            if r:
                runs[int(tags["rep"])][(tags["lock"], tags["variant"])] = dict(r[0], **tags)
            block = None
        # the one-line forms of earlier versions of make bench
        elif line.startswith("BENCH-COST ") and "cycles_per_pair_min=" in line:
            d = kv(line)
            cost[int(d["rep"])][d["lock"]] = (float(d["cycles_per_pair_min"]),
                                             float(d["cycles_per_pair_median"]))
        elif line.startswith("BENCH-RUN "):
            d = kv(line)
            runs[int(d["rep"])][(d["lock"], d["variant"])] = d
    if not runs:
        print("bench: no results in %s" % args.log, file=sys.stderr)
        return 1

    reps = sorted(runs)
    locks = list(dict.fromkeys(l for r in reps for (l, _) in runs[r]))
    variants = list(dict.fromkeys(v for r in reps for (_, v) in runs[r]))
    dflt = "sample:%s" % meta.get("sample_every_default", "?")
    out = []
    p = out.append

    def tput(r, l, v):
        d = runs[r].get((l, v))
        return float(d["throughput_per_s"]) if d else None

    def ratio(r, a, b):
        x, y = a(r), b(r)
        return x / y if x is not None and y else None

    p("# make bench: %s, %s vCPUs (all workers), cs_ns 0, think_ns 0, %d repeats"
      % (meta.get("kernel", "?"), meta.get("vcpus", "?"), len(reps)))
    p("")
    p("Medians over the repeats; every ratio is a median of per-repeat ratios.")
    p("")

    targets = []
    if cost:
        clocks = list(dict.fromkeys(l for r in cost for l in cost[r]))
        p("## Uncontended cost: one CPU, back-to-back lock/unlock pairs, the empty batch subtracted")
        p("")
        p("| lock | cycles/pair (median batch) | cycles/pair (best batch) | vs spinlock (median) | vs spinlock (best) |")
        p("|---|---:|---:|---:|---:|")
        for l in clocks:
            m = med([cost[r][l][1] for r in cost if l in cost[r]])
            b = med([cost[r][l][0] for r in cost if l in cost[r]])
            each_rm = [cost[r][l][1] / cost[r]["spinlock"][1] for r in cost
                       if l in cost[r] and cost[r].get("spinlock", (0, 0))[1]]
            rm = med(each_rm)
            rb = med([cost[r][l][0] / cost[r]["spinlock"][0] for r in cost
                      if l in cost[r] and cost[r].get("spinlock", (0, 0))[0]])
            p("| %s | %s | %s | %s | %s |" % (l, fmt(m, "%.1f"), fmt(b, "%.1f"), fmt(rm), fmt(rb)))
            if l == "ttas":
                targets.append(("uncontended pair cost ttas / spinlock <= 0.60", rm, rm is not None and rm <= 0.6,
                                each_rm))
        p("")

    p("## Throughput by loop and timing mode (acquisitions/s)")
    p("")
    p("| lock | " + " | ".join(variants) + " |")
    p("|---|" + "---:|" * len(variants))
    for l in locks:
        p("| %s | " % l + " | ".join(
            fmt(med([tput(r, l, v) for r in reps]), "%.0f") for v in variants) + " |")
    p("")
    p("## The cost of the harness: each mode against the reference loop and against timing=off")
    p("")
    p("| lock | variant | / reference | / off | harness cycles/iter | lock cycles/acq | violations |")
    p("|---|---|---:|---:|---:|---:|---:|")
    for l in locks:
        for v in variants:
            each_vr = [ratio(r, lambda r: tput(r, l, v), lambda r: tput(r, l, "reference")) for r in reps]
            each_vo = [ratio(r, lambda r: tput(r, l, v), lambda r: tput(r, l, "off")) for r in reps]
            vr, vo = med(each_vr), med(each_vo)
            h = med([float(runs[r][(l, v)]["harness_cycles_per_iter"]) for r in reps if (l, v) in runs[r]])
            c = med([float(runs[r][(l, v)]["lock_cycles_per_acq"]) for r in reps if (l, v) in runs[r]])
            viol = sum(int(runs[r][(l, v)]["violations"]) for r in reps if (l, v) in runs[r])
            p("| %s | %s | %s | %s | %s | %s | %d |" % (l, v, fmt(vr), fmt(vo), fmt(h, "%.1f"), fmt(c, "%.1f"), viol))
            if l == "ttas" and v == "off":
                targets.append(("ttas timing=off / reference loop >= 0.80", vr, vr is not None and vr >= 0.8,
                                each_vr))
            if l == "ttas" and v == "count":
                targets.append(("ttas check=count / reference loop >= 0.90", vr, vr is not None and vr >= 0.9,
                                each_vr))
            if v == dflt:
                targets.append(("%s timing=sample (every %s) / timing=off >= 0.95" % (l, v.split(":")[1]),
                                vo, vo is not None and vo >= 0.95, each_vo))
    p("")
    auto = [(r, l) for r in reps for l in locks
            if runs[r].get((l, dflt), {}).get("sample_every_auto") == "1"]
    if auto:
        p("## sample_every=auto: what each run chose, its estimate, and timing=off in the same repeat")
        p("")
        p("| repeat | lock | sample_every chosen | timed iteration's extra cycles | estimated cost | sample / off |")
        p("|---:|---|---:|---:|---:|---:|")
        for r, l in auto:
            d = runs[r][(l, dflt)]
            p("| %d | %s | %s | %s | %.2f %% | %s |" % (
                r, l, d["sample_every"], d.get("timed_extra_cycles", "?"),
                int(d.get("sample_cost_ppm", 0)) / 1e4,
                fmt(ratio(r, lambda r: tput(r, l, dflt), lambda r: tput(r, l, "off")), "%.3f")))
        p("")
    if yardstick:
        # the simplest loop there is: the faster of blacklock's reference
        # loop and the one written apart, in the same repeat
        def simplest(r):
            t = [x for x in (yardstick.get(r), tput(r, "ttas", "reference")) if x]
            return max(t) if t else None
        p("## Against the simplest loop there is: tools/yardstick, written apart (its own one-byte TTAS)")
        p("")
        p("| repeat | yardstick acq/s | ttas reference / yardstick | ttas off / simplest | ttas count / simplest |")
        p("|---:|---:|---:|---:|---:|")
        for r in reps:
            p("| %d | %s | %s | %s | %s |" % (
                r, fmt(yardstick.get(r), "%.0f"),
                fmt(ratio(r, lambda r: tput(r, "ttas", "reference"), lambda r: yardstick.get(r)), "%.3f"),
                fmt(ratio(r, lambda r: tput(r, "ttas", "off"), simplest), "%.3f"),
                fmt(ratio(r, lambda r: tput(r, "ttas", "count"), simplest), "%.3f")))
        p("")
        for v, want in (("off", 0.8), ("count", 0.9)):
            each = [ratio(r, lambda r: tput(r, "ttas", v), simplest) for r in reps]
            m = med(each)
            targets.append(("ttas %s / the simplest loop (reference or yardstick, the faster) >= %.2f"
                            % ("timing=off" if v == "off" else "check=count", want),
                            m, m is not None and m >= want, each))
    others = [l for l in locks if l != "spinlock"]
    if others:
        p("## What the harness does to the published ratio: lock / spinlock throughput, same repeat")
        p("")
        p("| lock | " + " | ".join(variants) + " |")
        p("|---|" + "---:|" * len(variants))
        for l in others:
            p("| %s | " % l + " | ".join(
                fmt(med([ratio(r, lambda r: tput(r, l, v), lambda r: tput(r, "spinlock", v)) for r in reps]))
                for v in variants) + " |")
        p("")
    p("## Targets")
    p("")
    for what, val, ok, each in targets:
        p("- bench: target %s: %s (%s%s)" % (what, "met" if ok else "MISSED", fmt(val, "%.3f"),
                                            "; per repeat " + ", ".join(fmt(x, "%.3f") for x in each)
                                            if len(each) > 1 else ""))
    met = sum(1 for t in targets if t[2])
    p("")
    p("bench: verdict: %d of %d targets met" % (met, len(targets)))
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
