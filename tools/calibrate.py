#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make calibrate's report: the same runs in the TCG VM and on silicon.

Reads the two console logs (the VM's, blk-host's output), each a series of
BLK-JSON sections, one per repeat and setting. For each setting (thread
count, cs_ns): each kind's throughput and acquire p50 as ratios to qspin's
in the same world and repeat, their medians over the repeats, the quotient
TCG / silicon (1.00: the emulator ranks that kind as the cores do), and
Spearman's rank correlation of the two orders of median throughput ratios.
Writes the tables to -o (markdown) and prints them; exits 1 if a setting
or kind is missing from either side.
"""
import argparse
import re
import sys

import records

BASE = "qspin"


def sections(path):
    """Every BLK-JSON section of a console log, in order."""
    text = open(path, errors="replace").read().replace("\r", "")
    return re.findall(r"^BLK-JSON-BEGIN\n(.*?)^BLK-JSON-END$", text, re.S | re.M)


def by_setting(path):
    """{(threads, cs_ns): {kind: [record per repeat]}}."""
    out = {}
    for sec in sections(path):
        for r in records.runs(records.loads(sec)):
            key = (records.num(r["nr_cpus"]), records.num(r["cs_ns"]))
            out.setdefault(key, {}).setdefault(r["lock"], []).append(r)
    return out


def median(xs):
    xs = sorted(xs)
    return (xs[len(xs) // 2] + xs[(len(xs) - 1) // 2]) / 2 if xs else float("nan")


def ratios(runs, base, key):
    """Per repeat, a kind's @key over qspin's in the same repeat."""
    return [records.num(r[key]) / max(records.num(b[key]), 1) for r, b in zip(runs, base)]


def ranks(values):
    """Average ranks (1 = largest), ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    rk = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            rk[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return rk


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    n = len(a)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb) if va and vb else float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tcg", help="the VM's console log")
    ap.add_argument("silicon", help="blk-host's output")
    ap.add_argument("-o", "--out", help="write the report here too")
    a = ap.parse_args()
    tcg, sil = by_setting(a.tcg), by_setting(a.silicon)
    if not tcg or not sil:
        print("calibrate: no records in %s" % (a.tcg if not tcg else a.silicon), file=sys.stderr)
        return 1
    some = next(iter(next(iter(sil.values())).values()))[0]
    vm = next(iter(next(iter(tcg.values())).values()))[0]
    md = ["# What the emulator gets wrong: TCG against silicon", "",
          "TCG: kernel %s under qemu TCG (spinlock_t: %s); silicon: %s, kernel %s, the host"
          % (vm["kernel"], vm.get("spinlock_impl", "-"), some.get("cpu_model", "-"), some["kernel"]),
          "world. Each figure is the median over the repeats of a kind's ratio to qspin in",
          "the same world and repeat; quotient = TCG / silicon (1.00: the emulator gets",
          "that kind right relative to qspin); [min..max] the repeats' spread; p50, p99:",
          "acquire latency percentiles; rmw/acq: atomic RMWs per acquisition (medians).", ""]
    missing = 0
    n = records.num
    for key in sorted(tcg):
        if key not in sil:
            print("calibrate: no host runs for threads %d cs_ns %d" % key, file=sys.stderr)
            missing += 1
            continue
        t, s = tcg[key], sil[key]
        kinds = [k for k in t if k in s]
        missing += len(set(t) ^ set(s))
        if BASE not in kinds:
            print("calibrate: no qspin at threads %d cs_ns %d" % key, file=sys.stderr)
            missing += 1
            continue
        reps = min(len(t[BASE]), len(s[BASE]))
        md += ["## %d thread%s, cs_ns %d, %d repeats" % (key[0], "s" if key[0] > 1 else "", key[1], reps), "",
               "| kind | TCG acq/s (x) | silicon acq/s (x) | quotient | TCG p50 (x) | silicon p50 (x)"
               " | TCG p99 (x) | silicon p99 (x) | TCG rmw/acq | silicon rmw/acq |",
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        xs, ys = [], []
        for k in kinds:
            rt = ratios(t[k], t[BASE], "throughput_per_s")
            rs = ratios(s[k], s[BASE], "throughput_per_s")
            pt = median(ratios(t[k], t[BASE], "acquire_cycles_p50"))
            ps = median(ratios(s[k], s[BASE], "acquire_cycles_p50"))
            qt = median(ratios(t[k], t[BASE], "acquire_cycles_p99"))
            qs = median(ratios(s[k], s[BASE], "acquire_cycles_p99"))
            wt = median([n(r["rmw_per_acq"]) for r in t[k]])
            ws = median([n(r["rmw_per_acq"]) for r in s[k]])
            mt, ms = median(rt), median(rs)
            xs.append(mt)
            ys.append(ms)
            md.append("| %s | %.2f [%.2f..%.2f] | %.2f [%.2f..%.2f] | %s | %.2f | %.2f | %.2f | %.2f"
                      " | %.3f | %.3f |" % (
                          k, mt, min(rt), max(rt), ms, min(rs), max(rs),
                          "%.2f" % (mt / ms) if ms else "-", pt, ps, qt, qs, wt, ws))
        rho = spearman(xs, ys)
        md += ["", "qspin itself: TCG %.3g acq/s, silicon %.3g acq/s (medians)." % (
            median([records.num(r["throughput_per_s"]) for r in t[BASE]]),
            median([records.num(r["throughput_per_s"]) for r in s[BASE]])),
            "Spearman's rank correlation of the two orders: %.2f (%d kinds)." % (rho, len(kinds)), ""]
    text = "\n".join(md)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    print("calibrate: verdict: %s" % ("PASS" if not missing else "FAIL (%d missing)" % missing))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
