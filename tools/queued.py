#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report a tools/queued.sh log: qspin's fidelity to spinlock_t, or the
NUMA study of every kind on 4 vCPUs in 2 nodes.

fidelity: per boot (TCG multi- or single-threaded) and configuration,
each metric's median over the repeats for qspin and for spinlock, and
their ratio (each repeat's ratio first, then the median of those: the two
ran seconds apart in one boot), with its run-to-run spread ((max - min)
/ median of the repeats' ratios) beside it, and each kind's own (which
carries the host's drift), and how many of qspin's contended acquisitions
queued past the pending bit. The bound is 15 %, or the spread where that is larger; "within" or
"OUTSIDE" says which held. A row whose spread is above NOISE says
nothing either way: its verdict is "noise", and the summary counts it
apart.

numa: per kind (cna per threshold), the medians over the repeats of the
intra-node handoff fraction, the longest wait counted in critical
sections (waited_through, timing=every), throughput, and the acquire p50
and p99 of each node (the median of its CPUs' own percentiles).
"""
import argparse
import sys
from collections import defaultdict

import records
from bench import kv, med

FIDELITY = (
    ("throughput_per_s", "throughput /s"),
    ("acquire_cycles_p50", "acquire p50"),
    ("acquire_cycles_p99", "acquire p99"),
    ("handoffs_per_acq", "handoffs/acq"),
    ("fairness_jain", "Jain"),
)
BOUND = 0.15
NOISE = 0.30    # twice the bound: a spread that allows a ratio of 0.7 or 1.3


def spread(xs):
    xs = [x for x in xs if x is not None]
    m = med(xs)
    return (max(xs) - min(xs)) / m if xs and m else None


def parse(path, meta=None, costs=None, runs=None):
    """(meta, costs {(tcg, rep): record}, runs {(lock, ncpus, cs, knobs, tcg): {rep:
    record}}), added to those given (one boot's log after another's)."""
    meta = {} if meta is None else meta
    costs = {} if costs is None else costs
    runs = defaultdict(dict) if runs is None else runs
    tcg = None
    block, tags = None, None
    for line in open(path, errors="replace"):
        line = line.strip()
        if block is not None and line not in ("QUEUED-RUN-END", "QUEUED-COST-END"):
            block.append(line)
        elif line.startswith("QUEUED-META "):
            meta.update(kv(line))
            tcg = meta.get("tcg", "multi")
        elif line.startswith(("QUEUED-RUN-BEGIN ", "QUEUED-COST-BEGIN ")):
            block, tags = [], kv(line)
        elif line == "QUEUED-COST-END" and block is not None:
            costs[(tcg, int(tags["rep"]))] = records.cost(records.loads("\n".join(block)))
            block = None
        elif line == "QUEUED-RUN-END" and block is not None:
            rs = records.runs(records.loads("\n".join(block)))
            if rs:
                key = (tags["lock"], int(tags["ncpus"]), int(tags["cs"]), tags["knobs"], tcg)
                runs[key][int(tags["rep"])] = rs[-1]
            block = None
    return meta, costs, runs


def metric(r, key):
    if key.startswith("acquire_") and not records.num(r.get("samples")):
        return None     # no timed acquisition in this run: no percentile
    if key == "handoffs_per_acq":
        acq = records.num(r.get("acquisitions"))
        return records.num(r.get("handoffs")) / acq if acq else None
    return records.num(r.get(key))


def table(out, head, rows):
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    out.extend("| " + " | ".join(str(c) for c in row) + " |" for row in rows)


def queued_per_acq(r):
    """The share of a run's acquisitions that queued (qspin, cna), or None."""
    acq = records.num(r.get("acquisitions"))
    q = records.num(r.get("queued"))
    return q / acq if acq and q is not None else None


def fidelity(meta, costs, runs, out, mine):
    cfgs = sorted({(t, n, c) for (lock, n, c, _, t) in runs if lock == mine},
                  key=lambda k: (k[0] != "multi", k[1], k[2]))
    rows, outside, noise = [], 0, 0
    for t, n, c in cfgs:
        q, s = runs.get((mine, n, c, "-", t), {}), runs.get(("spinlock", n, c, "-", t), {})
        reps = sorted(set(q) & set(s))
        qd = med([x for x in (queued_per_acq(q[r]) for r in reps) if x is not None])
        for key, name in FIDELITY:
            qs = [metric(q[r], key) for r in reps]
            ss = [metric(s[r], key) for r in reps]
            ratios = [a / b if b else 1.0 if a == 0 else None
                      for a, b in zip(qs, ss) if a is not None and b is not None]
            ratio = med(ratios)     # (0 against 0: equal)
            if ratio is None and med(qs) is not None and med(ss):
                ratio = med(qs) / med(ss)   # no repeat has both: the medians
            # the ratio's own spread: the host's speed drifts within a
            # boot (tens of percent between repeats), moving both kinds
            # of a repeat alike, which their ratio cancels and each kind's
            # spread does not
            sp = spread(ratios) or 0.0
            kinds_sp = max(x for x in (spread(qs), spread(ss), 0) if x is not None)
            bound = max(BOUND, sp)
            ok = ratio is not None and abs(ratio - 1) <= bound
            if sp > NOISE:
                verdict = "noise"
                noise += 1
            else:
                verdict = "within" if ok else "OUTSIDE"
                outside += not ok
            rows.append((t, "%d" % n, "%d" % c, "%.3f" % qd if qd is not None else "-", name,
                         "%.4g" % med(qs) if med(qs) is not None else "-",
                         "%.4g" % med(ss) if med(ss) is not None else "-",
                         "%.3f" % ratio if ratio is not None else "-",
                         "%.2f" % sp, "%.2f" % kinds_sp, "%.2f" % bound, verdict))
    out.append("## %s against spinlock_t, %s repeats in each boot"
               % (mine, max((len(v) for v in runs.values()), default=0)))
    out.append("")
    out.append("kernel %s, %s vCPUs; TCG multi-threaded: workers on 1, 2 and 4 of them (4: on 2 "
               "host cores, oversubscribed); TCG single-threaded: on 3 and 4, taking turns on one "
               "host thread. queued = %s's contended acquisitions that queued past the pending "
               "bit, per acquisition (median over repeats; spinlock_t's are not counted). ratio = "
               "median over repeats of %s/spinlock in each repeat; spread = (max-min)/median of "
               "those ratios; kinds' = the same of each kind's own values, the larger (it "
               "carries the host's drift between repeats, which the ratio cancels); bound = "
               "max(15 %%, spread); a row whose spread is above %.2f is noise: it can neither "
               "hold nor fail."
               % (meta.get("kernel"), meta.get("vcpus"), mine, mine, NOISE))
    out.append("")
    table(out, ("TCG", "workers", "cs ns", "queued", "metric", mine, "spinlock", "ratio",
                "spread", "kinds'", "bound", "verdict"), rows)
    call, base = [], []
    for r in sorted(costs):     # every boot's
        c = costs[r]
        sl = [k for k in c.get("locks", []) if k.get("lock") == "spinlock"]
        if sl:
            call.append(records.num(c.get("cost_qspin_call_cycles_per_pair_median")))
            base.append(records.num(sl[0].get("cycles_per_pair_median")))
    ratios = [a / b for a, b in zip(call, base) if a is not None and b]
    out.append("")
    out.append("## Uncontended pair cost (cost record, median batch, cycles per pair)")
    out.append("")
    if ratios:
        ratio = med(ratios)
        sp = spread(ratios) or 0.0
        ok = abs(ratio - 1) <= max(BOUND, sp)
        outside += not ok
        table(out, ("qspin through noinline calls", "spin_lock()+spin_unlock()", "ratio",
                    "spread", "verdict"),
              [("%.1f" % med(call), "%.1f" % med(base), "%.3f" % ratio, "%.2f" % sp,
                "within" if ok else "OUTSIDE")])
    else:
        out.append("no cost record")
        outside += 1
    out.append("")
    out.append("fidelity: verdict: %s; %d row(s) noise" % (
        "every meaningful row within its bound" if not outside else
        "%d row(s) OUTSIDE their bound" % outside, noise))
    return 0


def numa(meta, costs, runs, out):
    rows = []
    for (lock, n, c, knobs, _), by_rep in runs.items():
        fr, wt, tp, node_p = [], [], [], defaultdict(lambda: ([], []))
        moved, flushes = [], []
        for r in by_rep.values():
            moved.append(records.num(r.get("cna_moved")) or 0)
            flushes.append(records.num(r.get("cna_flushes")) or 0)
            intra = records.num(r.get("handoffs_intra_node")) or 0
            inter = records.num(r.get("handoffs_inter_node")) or 0
            fr.append(intra / (intra + inter) if intra + inter else None)
            wt.append(records.num(r.get("waited_through")))
            tp.append(records.num(r.get("throughput_per_s")))
            per = defaultdict(lambda: ([], []))
            for cpu in r.get("per_cpu", []):
                nd = cpu.get("node")
                per[nd][0].append(records.num(cpu.get("acquire_cycles_p50")))
                per[nd][1].append(records.num(cpu.get("acquire_cycles_p99")))
            for nd, (a, b) in per.items():
                node_p[nd][0].append(med(a))
                node_p[nd][1].append(med(b))
        name = lock if knobs == "-" else "%s %s" % (lock, knobs.replace(",", " "))
        nodes = " ".join("n%s %.0f/%.0f" % (nd, med(a) or 0, med(b) or 0)
                         for nd, (a, b) in sorted(node_p.items()))
        rows.append((name, "%.3f" % med(fr) if med(fr) is not None else "-",
                     "%.3f-%.3f" % (min(x for x in fr if x is not None), max(x for x in fr if x is not None))
                     if any(x is not None for x in fr) else "-",
                     "%d (%d-%d)" % (med(wt), min(x for x in wt if x is not None),
                                     max(x for x in wt if x is not None))
                     if med(wt) is not None else "-",
                     "%.3g" % med(tp) if med(tp) is not None else "-",
                     "%d / %d" % (med(moved), med(flushes)) if lock == "cna" else "-", nodes))
    out.append("## Handoffs by NUMA node: 4 workers on 4 vCPUs in %s nodes, %d repeats in one boot"
               % (meta.get("nodes"), max((len(v) for v in runs.values()), default=0)))
    out.append("")
    out.append("kernel %s, TCG %s-threaded, cs 0, think 0, timing=%s. intra = handoffs between CPUs of one node / all "
               "handoffs between CPUs (median, and the range over repeats); waited through = the "
               "most critical sections one acquisition waited through (median over repeats of "
               "each run's maximum); moved / flushes = cna's waiters set aside and flushes of its "
               "secondary queue (medians); per node: acquire cycles p50/p99 (median over the node's "
               "CPUs). Under TCG the nodes are a topology, not a distance." %
               (meta.get("kernel"), meta.get("tcg", "multi"), meta.get("timing")))
    out.append("")
    table(out, ("kind", "intra", "range", "waited through (range)", "throughput /s",
                "moved / flushes", "per node acquire p50/p99"), rows)
    out.append("")
    out.append("numa: verdict: %d kinds reported" % len(rows))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("study", choices=("fidelity", "numa"))
    ap.add_argument("log", nargs="+", help="the study's boots' logs")
    ap.add_argument("--lock", default="qspin", help="fidelity: the kind set against spinlock")
    ap.add_argument("-o", "--out", help="also write the report here (Markdown)")
    args = ap.parse_args()
    meta, costs, runs = None, None, None
    for log in args.log:
        meta, costs, runs = parse(log, meta, costs, runs)
    if not runs:
        print("%s: verdict: FAIL: no runs in %s" % (args.study, " ".join(args.log)), file=sys.stderr)
        return 1
    out = []
    bad = sorted({"%s %s" % (k[0], k[3]) for k, by_rep in runs.items() for r in by_rep.values()
                  if records.num(r.get("violations")) or records.num(r.get("stuck"))})
    if bad:
        out.append("violations or a stuck run: %s" % ", ".join(bad))
    if args.study == "fidelity":
        rc = fidelity(meta, costs, runs, out, args.lock)
    else:
        rc = numa(meta, costs, runs, out)
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if bad:
        print("%s: verdict: FAIL: %s broke exclusion or got stuck" % (args.study, ", ".join(bad)))
        rc = 1
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return rc


if __name__ == "__main__":
    sys.exit(main())
