#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make calibrate's report: the same runs in the TCG VM and on silicon.

For each setting (thread count, cs_ns) found in both record files: each
kind's throughput and acquire p50 as ratios to qspin's in the same world,
the quotient TCG / silicon (1.00: the emulator ranks that kind as the
cores do), and Spearman's rank correlation of the two throughput orders.
Writes the tables to -o (markdown) and prints them; exits 1 if a setting
or kind is missing from either side.
"""
import argparse
import sys

import records

BASE = "qspin"


def by_setting(path):
    out = {}
    for r in records.runs(records.load(path)):
        key = (records.num(r["nr_cpus"]), records.num(r["cs_ns"]))
        out.setdefault(key, {})[r["lock"]] = r
    return out


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
    ap.add_argument("tcg", help="the VM's stats.json")
    ap.add_argument("silicon", help="the host's stats.json (blk-host)")
    ap.add_argument("-o", "--out", help="write the report here too")
    a = ap.parse_args()
    tcg, sil = by_setting(a.tcg), by_setting(a.silicon)
    n = records.num
    some = next(iter(next(iter(sil.values())).values()))
    vm = next(iter(next(iter(tcg.values())).values()))
    md = ["# What the emulator gets wrong: TCG against silicon", "",
          "TCG: kernel %s under qemu TCG (%s); silicon: %s, kernel %s, the host world."
          % (vm["kernel"], vm["spinlock_impl"], some["cpu_model"], some["kernel"]),
          "Ratios are to qspin in the same world; quotient = TCG ratio / silicon ratio.", ""]
    missing = 0
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
        md += ["## %d thread%s, cs_ns %d" % (key[0], "s" if key[0] > 1 else "", key[1]), "",
               "| kind | TCG acq/s (x) | silicon acq/s (x) | quotient | TCG p50 (x) | silicon p50 (x) | quotient |",
               "|---|---:|---:|---:|---:|---:|---:|"]
        tb, sb = t[BASE], s[BASE]
        xs, ys = [], []
        for k in kinds:
            rt = n(t[k]["throughput_per_s"]) / max(n(tb["throughput_per_s"]), 1)
            rs = n(s[k]["throughput_per_s"]) / max(n(sb["throughput_per_s"]), 1)
            pt = n(t[k]["acquire_cycles_p50"]) / max(n(tb["acquire_cycles_p50"]), 1)
            ps = n(s[k]["acquire_cycles_p50"]) / max(n(sb["acquire_cycles_p50"]), 1)
            xs.append(n(t[k]["throughput_per_s"]))
            ys.append(n(s[k]["throughput_per_s"]))
            md.append("| %s | %d (%.2f) | %d (%.2f) | %.2f | %d (%.2f) | %d (%.2f) | %s |" % (
                k, n(t[k]["throughput_per_s"]), rt, n(s[k]["throughput_per_s"]), rs,
                rt / rs if rs else float("nan"),
                n(t[k]["acquire_cycles_p50"]), pt, n(s[k]["acquire_cycles_p50"]), ps,
                "%.2f" % (pt / ps) if ps else "-"))
        rho = spearman(xs, ys)
        md += ["", "Spearman's rank correlation of the throughput orders: %.2f (%d kinds)."
               % (rho, len(kinds)), ""]
    text = "\n".join(md)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    print("calibrate: verdict: %s" % ("PASS" if not missing else "FAIL (%d missing)" % missing))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
