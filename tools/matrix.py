#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make matrix's table: one row per kernel, from the logs of the VM test
(build/check-vm-KERNEL.log, written by tools/check.sh). For each kernel:
its release, the spinlock_t in effect, the guest checks passed and failed,
the kernel log's verdict, and each real lock's throughput (first run, all
vCPUs, cs_ns 0) as a ratio to spinlock_t in the same boot, with the
violations of all its runs. Prints Markdown; exit 1 if a kernel's test
failed or left no log."""
import argparse
import os
import re
import sys


def parse(path):
    """What one kernel's log says, or None if there is no log."""
    if not os.path.exists(path):
        return None
    k = {"release": "?", "flavour": "?", "ok": 0, "not_ok": 0,
         "runs": {}, "order": [], "clean": False}
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"BLK-GUEST-UP kernel=(\S+)", line)
            if m:
                k["release"] = m.group(1)
            if re.match(r"ok \d+ - ", line):
                k["ok"] += 1
            elif re.match(r"not ok \d+ - ", line):
                k["not_ok"] += 1
            if line.startswith("BLK-CHECK-RUN "):
                f_ = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
                lock = f_["lock"]
                k["flavour"] = f_.get("flavour", "?")
                if lock not in k["runs"]:
                    k["order"].append(lock)
                    k["runs"][lock] = {"tput": int(f_["throughput_per_s"]),
                                       "vio": 0, "acq": 0}
                k["runs"][lock]["vio"] += int(f_["violations"])
                k["runs"][lock]["acq"] += int(f_["acquisitions"])
    verdict = path + ".verdict"
    if os.path.exists(verdict):
        k["clean"] = "kernel log clean" in open(verdict).read()
    return k


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True, help="the build directory")
    ap.add_argument("kernels", nargs="+", help="kernel names, as tools/vm.sh -k takes them")
    a = ap.parse_args()
    rows, locks, bad = [], [], []
    for name in a.kernels:
        k = parse(os.path.join(a.build, "check-vm-%s.log" % name))
        if k is None or not k["order"]:
            bad.append(name)
            rows.append((name, None))
            continue
        if k["not_ok"] or not k["clean"]:
            bad.append(name)
        for l in k["order"]:
            if l not in locks:
                locks.append(l)
        rows.append((name, k))
    print("| kernel | release | spinlock_t | checks | log | "
          + " | ".join(locks) + " | violations |")
    print("|---|---|---|---:|---|" + "---:|" * len(locks) + "---:|")
    for name, k in rows:
        if k is None:
            print("| %s | (no result: see build/check-vm-%s.log) |" % (name, name))
            continue
        base = k["runs"].get("spinlock", {}).get("tput", 0)
        cells = []
        for l in locks:
            r = k["runs"].get(l)
            cells.append("%.2f" % (r["tput"] / base) if r and base else "-")
        vio = sum(r["vio"] for r in k["runs"].values())
        acq = sum(r["acq"] for r in k["runs"].values())
        print("| %s | %s | %s | %d/%d | %s | %s | %d in %.3g acq |" % (
            name, k["release"], k["flavour"], k["ok"], k["ok"] + k["not_ok"],
            "clean" if k["clean"] else "NOT CLEAN", " | ".join(cells), vio, acq))
    print()
    print("Each lock's column: its throughput on all vCPUs (cs_ns 0, first run) "
          "over spinlock_t's, same boot. checks: the VM test's checks passed of all.")
    if bad:
        print("matrix: verdict: FAIL (%s)" % ", ".join(bad), file=sys.stderr)
        sys.exit(1)
    print("matrix: verdict: PASS (%d kernels)" % len(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
