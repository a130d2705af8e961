#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The lock menu for the Python tools (tools/zerocost.py,
tools/verify/genmc.py): the one reader of blk_kinds_list.h is tools/lib.sh's
blk_kinds, which this calls.

  tools/kinds.py [--world kernel|host|model|all] [--field F ...] [--class C ...]

prints one line per kind, in menu order: its fields (default: id), space
separated. Fields: the list's columns and class (lock, kernel, libc, floor
or broken). --class keeps the kinds of those classes only.

  tools/kinds.py --doc-check FILE | --doc-write FILE

checks (or rewrites) the menu table of FILE (Documentation/blacklock.rst),
the lines between ".. blk-menu-begin" and ".. blk-menu-end", which are made
from the list, every kind of every world, column by column.
"""
import argparse
import difflib
import os
import re
import subprocess
import sys

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
COLUMNS = ("id", "home", "type", "rmw", "count", "flags", "irqsave", "rescue",
           "fini", "configure", "waiters", "locks", "class", "desc")
WORLDS = ("kernel", "host", "model", "all")
MENU_BEGIN = ".. blk-menu-begin (tools/kinds.py --doc-write makes what follows)"
MENU_END = ".. blk-menu-end"
CLASS_WORLD = {"kernel": "kernel", "libc": "host"}
FLAGS = {"BLK_KF_RT_SLEEPS": "rt-sleeps", "BLK_KF_STANDIN": "standin",
         "BLK_KF_FLOOR": "floor", "BLK_KF_BROKEN": "broken"}


def kinds(world="kernel"):
    """[{column: text}] in menu order, as @world's build sees the list."""
    out = subprocess.run(["bash", "-c", '. "$1/tools/lib.sh" && blk_kinds "$2"', "kinds",
                          TOP, world], check=True, capture_output=True, text=True).stdout
    return [dict(zip(COLUMNS, line.split("\t"))) for line in out.splitlines()]


def menu_table():
    """The menu table of Documentation/blacklock.rst, as rst lines: a simple
    table, one row per kind, its last column (the description) unbounded."""
    rows = [("kind", "worlds", "home", "rmw", "count", "irqsave", "rescue", "fini",
             "configure", "waiters", "locks", "flags", "description")]
    for k in kinds("all"):
        flags = [FLAGS[f] for f in re.findall(r"BLK_KF_[A-Z_]+", k["flags"]) if f in FLAGS]
        rows.append(("``%s``" % k["id"], CLASS_WORLD.get(k["class"], "all"), k["home"],
                     k["rmw"], k["count"], k["irqsave"], k["rescue"], k["fini"],
                     k["configure"], k["waiters"], k["locks"], ",".join(flags) or "-",
                     k["desc"]))
    width = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)] + [11]
    rule = "  ".join("=" * w for w in width)
    text = ["  ".join(c.ljust(w) for c, w in zip(r, width)).rstrip() for r in rows]
    return [MENU_BEGIN, "", rule, text[0], rule] + text[1:] + [rule, "", MENU_END]


def _doc(path):
    lines = open(path).read().split("\n")
    try:
        begin = lines.index(MENU_BEGIN)
        end = lines.index(MENU_END, begin)
    except ValueError:
        raise SystemExit("%s: no menu table between '%s' and '%s'" % (path, MENU_BEGIN, MENU_END))
    return lines, begin, end


def doc_check(path):
    """The table is the list's; the kinds described after it, down to the
    next section, are on the list (a kind need not be described there)."""
    lines, begin, end = _doc(path)
    want = menu_table()
    rc = 0
    if lines[begin:end + 1] != want:
        diff = difflib.unified_diff(lines[begin:end + 1], want, path, "blk_kinds_list.h",
                                    lineterm="")
        print("\n".join(diff))
        print("%s: the menu table is not the list's: tools/kinds.py --doc-write %s" % (path, path))
        rc = 1
    ids = {k["id"] for k in kinds("all")}
    for n in range(end + 1, len(lines) - 1):
        if re.fullmatch(r"[=-]{3,}", lines[n + 1]):
            break
        term = re.fullmatch(r"``(\w+)``", lines[n])
        if term and lines[n + 1].startswith("  ") and term[1] not in ids:
            print("%s:%d: %s is described, but it is no kind of blk_kinds_list.h"
                  % (path, n + 1, term[1]))
            rc = 1
    return rc


def doc_write(path):
    lines, begin, end = _doc(path)
    text = "\n".join(lines[:begin] + menu_table() + lines[end + 1:])
    with open(path, "w") as f:
        f.write(text)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--world", choices=WORLDS, default="kernel")
    ap.add_argument("--field", action="append", choices=COLUMNS)
    ap.add_argument("--class", dest="classes", action="append",
                    choices=("lock", "kernel", "libc", "floor", "broken"))
    doc = ap.add_mutually_exclusive_group()
    doc.add_argument("--doc-check", metavar="FILE")
    doc.add_argument("--doc-write", metavar="FILE")
    a = ap.parse_args()
    if a.doc_check:
        return doc_check(a.doc_check)
    if a.doc_write:
        return doc_write(a.doc_write)
    for k in kinds(a.world):
        if not a.classes or k["class"] in a.classes:
            print(" ".join(k[f] for f in (a.field or ["id"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
