#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check Documentation/blacklock.rst against the module's keys file.

The keys file (debugfs "keys", which tools/guest/check.sh prints between
BLK-KEYS markers) is the record emitter's own list: "run KEY" for a run
record's keys, "cpu KEY" for its cpuN: lines. Every run key must be in the
stats record table, as ``KEY`` or, for a histogram's keys
(WHAT_cycles_p50 ... WHAT_ns_mean), as ``WHAT_cycles_P``; every cpu key
must be named in the table's cpuN: row. Exit status 1, naming each key
the docs miss.
"""
import argparse
import re
import sys

HIST = re.compile(r"^(\w+?)_(cycles|ns)_(p50|p90|p99|p999|max|mean)$")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("keys", help="the keys file, as the module printed it")
    ap.add_argument("rst", help="Documentation/blacklock.rst")
    a = ap.parse_args()
    with open(a.rst) as f:
        rst = f.read()
    start = rst.index("The stats record\n")
    table = rst[start:rst.index("The cost record", start)]
    row = table[table.index("``cpuN:``"):]
    documented = set(re.findall(r"``([A-Za-z_0-9]+)``", table))
    cpu_row = set(re.findall(r"[a-z_0-9]+", row))
    missing, n = [], 0
    with open(a.keys) as f:
        for line in f:
            if not line.strip():
                continue
            scope, key = line.split()
            n += 1
            if scope == "cpu":
                if key not in cpu_row:
                    missing.append("cpu " + key)
                continue
            m = HIST.match(key)
            if key in documented or (m and "%s_cycles_P" % m.group(1) in documented):
                continue
            missing.append("run " + key)
    if n == 0:
        print("checkkeys: %s lists no keys" % a.keys)
        return 1
    if missing:
        print("checkkeys: Documentation/blacklock.rst misses %d of %d record keys: %s"
              % (len(missing), n, ", ".join(missing)))
        return 1
    print("checkkeys: Documentation/blacklock.rst documents all %d record keys of the keys file" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
