#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The lock menu for the Python tools (tools/zerocost.py,
tools/verify/genmc.py): the one reader of blk_kinds_list.h is tools/lib.sh's
blk_kinds, which this calls.

  tools/kinds.py [--world kernel|host|model] [--field F ...] [--class C ...]

prints one line per kind, in menu order: its fields (default: id), space
separated. Fields: the list's columns and class (lock, kernel, libc, floor
or broken). --class keeps the kinds of those classes only.
"""
import argparse
import os
import subprocess

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
COLUMNS = ("id", "home", "type", "rmw", "count", "flags", "irqsave", "rescue",
           "fini", "configure", "waiters", "locks", "class", "desc")
WORLDS = ("kernel", "host", "model")


def kinds(world="kernel"):
    """[{column: text}] in menu order, as @world's build sees the list."""
    out = subprocess.run(["bash", "-c", '. "$1/tools/lib.sh" && blk_kinds "$2"', "kinds",
                          TOP, world], check=True, capture_output=True, text=True).stdout
    return [dict(zip(COLUMNS, line.split("\t"))) for line in out.splitlines()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--world", choices=WORLDS, default="kernel")
    ap.add_argument("--field", action="append", choices=COLUMNS)
    ap.add_argument("--class", dest="classes", action="append",
                    choices=("lock", "kernel", "libc", "floor", "broken"))
    a = ap.parse_args()
    for k in kinds(a.world):
        if not a.classes or k["class"] in a.classes:
            print(" ".join(k[f] for f in (a.field or ["id"])))


if __name__ == "__main__":
    main()
