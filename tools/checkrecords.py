#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that tools/records.py reads one boot's "stats" and "stats.json"
(tools/guest/check.sh prints both, one after the other, with no run in
between) as the same records: every record, key, sub-record and value
alike. The host tools read records only through records.py, so this is
what lets any of them take either file. Exit status 1, naming the first
difference.
"""
import argparse
import sys

import records


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("text", help="the stats file")
    ap.add_argument("json", help="the stats.json file")
    a = ap.parse_args()
    t, j = records.load(a.text), records.load(a.json)
    if not t:
        print("checkrecords: %s holds no records" % a.text)
        return 1
    if len(t) != len(j):
        print("checkrecords: %d records in the text, %d in the JSON" % (len(t), len(j)))
        return 1
    for n, (x, y) in enumerate(zip(t, j), 1):
        for k in sorted(set(x) | set(y)):
            if x.get(k) != y.get(k):
                print("checkrecords: record %d (%s %s), key %s: text %r, JSON %r"
                      % (n, x.get("record"), x.get(x.get("record")), k, x.get(k), y.get(k)))
                return 1
    keys = sum(len(r) for r in t)
    print("checkrecords: %d records, %d keys, read alike from the text and the JSON" % (len(t), keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
