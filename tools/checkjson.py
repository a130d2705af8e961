#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check a stats.json that tools/guest/check.sh (or the host world's
blk-host) printed: valid JSON, the records make sense and agree with themselves. Exit 1, saying why, if not."""
import json
import sys


def check(path):
    recs = json.load(open(path))
    runs = [r for r in recs if r["record"] == "run"]
    costs = [r for r in recs if r["record"] == "cost"]
    assert len(runs) >= 5, "expected >= 5 runs, got %d" % len(runs)
    assert len(costs) == 1, "expected the cost record, got %d" % len(costs)
    assert recs[-1] is costs[0], "the cost record comes last"
    for r in runs:
        assert len(r["per_cpu"]) == r["nr_cpus"], "per_cpu entries"
        assert sum(c["acquisitions"] for c in r["per_cpu"]) == r["acquisitions"]
        assert sum(c["samples"] for c in r["per_cpu"]) == r["samples"]
        assert r["timing"] in ("off", "sample", "every")
        assert r["loop"] in ("engine", "reference")
    names = [k["lock"] for k in costs[0]["locks"]]
    # the host world has no spinlock_t: its reference is qspin
    ref = "qspin" if costs[0].get("world") == "host" else "spinlock"
    assert ref in names and "empty" in names, names


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: checkjson.py STATS_JSON")
    try:
        check(sys.argv[1])
    except (AssertionError, ValueError, KeyError, OSError) as e:
        sys.exit("%s: %s" % (sys.argv[1], e or "a check failed"))


if __name__ == "__main__":
    main()
