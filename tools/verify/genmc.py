#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make verify, GenMC's part: every lock kind, every client, every model.

The shipped lock code (every kind's home, blk_<home>.h/.c, over
blk_env.h's model world) is compiled by GenMC into tools/verify/client.c,
once per kind (its id and type from blk_kinds_list.h), client and thread
count, and checked
under SC, TSO, RC11 and IMM (IMM stands for ARMv8 and POWER), always with
GenMC's liveness check. What must hold:

  - every kind verifies under SC, TSO and IMM, and under RC11 unless the
    kind's RC11 entry below names the execution RC11 allows and why no CPU
    and no LKMM execution can produce it;
  - busted fails every model;
  - each plant (a planted bug: a copy of the sources with one line
    changed) fails the models it names and passes the others: the checks
    can fail, and the bugs found stay found;
  - every kind of blk_kinds_list.h is checked here, with no list of its
    own to forget it in, unless it is the kernel's, the floor, or in
    HERD_ONLY (herd7 checks it instead); a kind whose header client.c
    does not include fails to compile, and so fails its runs.

Prints one line per run and a verdict line; --table writes the table for
Documentation/results.rst. Exit status 1 if anything does not hold.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from litmus import rst

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import kinds  # noqa: E402  tools/kinds.py

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = ("sc", "tso", "rc11", "imm")
CLIENTS = (("mutex", 2), ("mutex", 3), ("mp", 2), ("mp", 3), ("reacquire", 2), ("reacquire", 3),
           ("trylock", 2), ("trylock", 3), ("tryreacquire", 2))
# What a plant's copy holds: the module's sources and the checker's.
SOURCES = ("blk_*.[ch]", "tools/verify/*.[ch]")

# Kinds GenMC 0.10.3 cannot take, and why; herd7 checks them (litmus.py).
HERD_ONLY = {
    "ticket": "mixed-size accesses to one word (the 16-bit owner half against "
              "the 32-bit fetch-add), which GenMC 0.10.3 refuses",
}

# Executions RC11 allows and no CPU or LKMM can produce, by kind: the reason.
RC11_ALLOWED = {}

# Runs GenMC does not finish within any budget make verify can afford, and
# what covers their paths instead.
TOO_BIG = {
    ("qspin", "reacquire", 3): (
        "the pending path, the queue and node reuse over 3 threads: no answer in 14 "
        "minutes; the queue-only variant (plant qspin-queue-only) checks the queue "
        "handoffs with 3 threads"),
    ("cna", "reacquire", 3): (
        "as qspin's; the queue-only variant (plant cna-queue-only) checks CNA's queue "
        "handoffs with 3 threads, and its secondary queue with the ordered client"),
}

# The qspin slow path with its pending path taken out (every waiter
# queues): with 2 or 3 threads the full lock queues at most one waiter
# behind the pending one, so no queue handoff happens; this version of it
# hands the queue head on with 3 threads. Not shipped: a way to reach the
# shipped queue code with few threads.
QSPIN_QUEUE_ONLY = (
    ("blk_qspin_slow.h", "\t/* Somebody pends or queues already: queue. */\n"
     "\tif (val & ~BLK_QS_LOCKED_MASK)\n\t\tgoto queue;",
     "\t/* Somebody pends or queues already: queue. */\n\tgoto queue;"),)

MCS_LINK_RELAXED = (
    ("blk_mcs.c", "__atomic_store_n(&prev->next, node, __ATOMIC_RELEASE);", "WRITE_ONCE(prev->next, node);"),
    ("blk_mcs.c", "next = __atomic_load_n(&node->next, __ATOMIC_ACQUIRE);", "next = READ_ONCE(node->next);"),
    ("blk_mcs.h", "next = __atomic_load_n(&node->next, __ATOMIC_ACQUIRE);", "next = READ_ONCE(node->next);"),
)

# Planted bugs, and other versions of a kind's code: a copy of the sources
# with each of EDITS' (file, old, new) applied; the kind and clients to run;
# the models under which it must then fail (under the others it must pass).
PLANTS = {
    "ttas-unlock-relaxed": dict(
        edits=(("blk_spin.h", "_RET_IP_);\n\t__atomic_store_n(&lock->val, 0, __ATOMIC_RELEASE);",
                "_RET_IP_);\n\t__atomic_store_n(&lock->val, 0, __ATOMIC_RELAXED);"),),
        kind="ttas", clients=(("mp", 2),), fail=("rc11", "imm")),
    "mcs-handoff-relaxed": dict(
        edits=(("blk_mcs.c", "__atomic_store_n(&next->locked, 1, __ATOMIC_RELEASE);",
                "__atomic_store_n(&next->locked, 1, __ATOMIC_RELAXED);"),),
        kind="mcs", clients=(("mp", 2),), fail=("rc11", "imm")),
    # the MCS enqueue as it was until GenMC found its lost handoff: the
    # regression case (Documentation/verify/mcs-enqueue-unfixed-*.txt)
    "mcs-link-unordered": dict(
        edits=MCS_LINK_RELAXED,
        kind="mcs", clients=(("mutex", 2),), fail=("rc11", "imm")),
    # the other fix, qspinlock's: smp_wmb() (here a release fence, which is
    # at least as strong) before the exchange, and the link relaxed. It
    # relies on the address dependency from the link read to the handoff
    # store, and on that store being coherence-after the reset it follows:
    # ARMv8 and POWER order both (herd7's AArch64 model: litmus.py), RC11
    # ignores the dependency, and IMM, which orders coherence by
    # happens-before only, allows the lost handoff even with a full fence.
    # So blacklock takes the release link and acquire read instead.
    "mcs-fix-wmb": dict(
        edits=MCS_LINK_RELAXED + (
            ("blk_mcs.h", "prev = __atomic_exchange_n(&lock->tail, node, __ATOMIC_ACQ_REL);",
             "__atomic_thread_fence(__ATOMIC_RELEASE); /* smp_wmb() */\n"
             "\tprev = __atomic_exchange_n(&lock->tail, node, __ATOMIC_ACQ_REL);"),),
        kind="mcs", clients=(("mutex", 2), ("mutex", 3)), fail=("rc11", "imm")),
    # Hemlock's handoff without release: the next owner need not see our
    # critical section
    "hemlock-grant-relaxed": dict(
        edits=(("blk_hemlock.c", "__atomic_store_n(&me->lock, blk_lock_token(lock), __ATOMIC_RELEASE);",
                "__atomic_store_n(&me->lock, blk_lock_token(lock), __ATOMIC_RELAXED);"),),
        kind="hemlock", clients=(("mp", 2),), fail=("rc11", "imm")),
    # Hemlock's exchange without its release half: a successor that finds
    # our grant word at the tail may read the address of our last handoff
    # of this same lock, not the acknowledgment that cleared it, and take
    # the lock while we hold it
    "hemlock-xchg-acquire": dict(
        edits=(("blk_hemlock.h", "pred = __atomic_exchange_n(&lock->tail, me, __ATOMIC_ACQ_REL);",
                "pred = __atomic_exchange_n(&lock->tail, me, __ATOMIC_ACQUIRE);"),),
        kind="hemlock", clients=(("reacquire", 3),), fail=("rc11", "imm")),
    # qspin with every waiter queued (above): must pass every model
    "qspin-queue-only": dict(
        edits=QSPIN_QUEUE_ONLY,
        kind="qspin", clients=(("mutex", 3), ("mp", 3), ("trylock", 3), ("ordered", 4)),
        fail=()),
    # the tail exchange relaxed (the kernel's, without its smp_wmb()): the
    # compiler itself may then sink the node's reset below the exchange,
    # and a handoff is lost under every model
    "qspin-xchg-relaxed": dict(
        edits=QSPIN_QUEUE_ONLY + (
            ("blk_qspin.h", "false, __ATOMIC_ACQ_REL,\n\t\t\t\t\t\t      __ATOMIC_RELAXED));",
             "false, __ATOMIC_RELAXED,\n\t\t\t\t\t\t      __ATOMIC_RELAXED));"),),
        kind="qspin", clients=(("mutex", 3),), fail=MODELS),
    # the unlock without release: the pending waiter need not see our section
    "qspin-unlock-relaxed": dict(
        edits=(("blk_qspin.h", "__atomic_fetch_and(&lock->val, ~BLK_QS_LOCKED_MASK, __ATOMIC_RELEASE);",
                "__atomic_fetch_and(&lock->val, ~BLK_QS_LOCKED_MASK, __ATOMIC_RELAXED);"),),
        kind="qspin", clients=(("mp", 2),), fail=("rc11", "imm")),
    # CNA with every waiter queued: its queue handoffs with 3 threads; its
    # secondary queue needs a head with two waiters behind it, for which
    # mutex/4 and reacquire/3 gave no answer in 5 and 15 minutes, so the
    # ordered client (client.c) queues 4 threads in one order: the head
    # moves thread 2 to the secondary queue, and both the promotion of
    # the secondary queue and its flush at the threshold (1 in the model
    # world) happen, as the two plants after it show
    "cna-queue-only": dict(
        edits=QSPIN_QUEUE_ONLY,
        kind="cna", clients=(("mutex", 3), ("mp", 3), ("trylock", 3), ("ordered", 4)),
        fail=()),
    # the flush without its link: the main queue behind the flushed
    # secondary queue is lost
    "cna-flush-unlinked": dict(
        edits=QSPIN_QUEUE_ONLY + (
            ("blk_cna.c", "\t\tWRITE_ONCE(me->sec_tail->mcs.next, next);\n", ""),),
        kind="cna", clients=(("ordered", 4),), fail=MODELS),
    # the last in the main queue takes the secondary queue's tail into the
    # word but never makes its first node the head
    "cna-promote-lost": dict(
        edits=QSPIN_QUEUE_ONLY + (
            ("blk_cna.c", "\t\treturn false;\n\tif (me->sec_head)\n\t\tblk_cna_make_head(me->sec_head, NULL, NULL, 0);\n",
             "\t\treturn false;\n"),),
        kind="cna", clients=(("ordered", 4),), fail=MODELS),
    # CNA's append to a secondary queue that is not empty: main() holds
    # the lock while 4 threads queue on NUMA nodes 0, 1, 1, 0 (client.c's
    # append), so that the head may set both node-1 waiters aside in one
    # sort; must pass every model
    "cna-append": dict(
        edits=QSPIN_QUEUE_ONLY,
        kind="cna", clients=(("append", 4),), fail=()),
    # the append without its link: the second waiter set aside is lost
    "cna-append-unlinked": dict(
        edits=QSPIN_QUEUE_ONLY + (
            ("blk_cna.c", "\t\tWRITE_ONCE(me->sec_tail->mcs.next, &next->mcs);\n", ""),),
        kind="cna", clients=(("append", 4),), fail=MODELS),
    # on NUMA nodes 0, 1, 1, 1 (client.c's remotes): the last node-1
    # waiter may be the tail, which the sort leaves where it is; must pass
    # every model
    "cna-remotes": dict(
        edits=QSPIN_QUEUE_ONLY,
        kind="cna", clients=(("remotes", 4),), fail=()),
    # the sort moving a remote waiter with no successor yet: if it is the
    # tail, the main queue behind the head is cut off from the word's tail
    "cna-tail-moved": dict(
        edits=QSPIN_QUEUE_ONLY + (
            ("blk_cna.c", "\treturn *nnext;\n", "\treturn true;\n"),
            ("blk_cna.c", "\t\tif (!busy || !nnext)\n",
             "\t\tif (!busy || (!nnext && (READ_ONCE(next->numa) == me->numa ||\n"
             "\t\t\t\t\t  READ_ONCE(next->numa) == BLK_CNA_URGENT)))\n")),
        kind="cna", clients=(("remotes", 4), ("append", 4)), fail=MODELS),
    # qspin's queue from a nested context: each thread's CPU has node 0
    # taken by an outer context, so tails carry index 1 and the successor
    # decodes it (queue-only, so that a second waiter queues with 3
    # threads); and the fallback, every node taken (3 threads: the third
    # finds one pending and goes to queue): must pass every model
    "qspin-nested": dict(
        edits=QSPIN_QUEUE_ONLY,
        kind="qspin", clients=(("nested", 3),), fail=()),
    "cna-nested": dict(
        edits=QSPIN_QUEUE_ONLY,
        kind="cna", clients=(("nested", 3),), fail=()),
    "qspin-fallback": dict(
        edits=(), kind="qspin", clients=(("fallback", 3),), fail=()),
    # the tail's index dropped when decoded: the successor links itself
    # behind the outer context's node 0, and its handoff never comes
    "qspin-nested-index-lost": dict(
        edits=QSPIN_QUEUE_ONLY + (
            ("blk_qspin.h", "return (tail & ~(~0U << BLK_QS_TAIL_CPU_SHIFT)) >> BLK_QS_TAIL_IDX_SHIFT;",
             "return 0;"),),
        kind="qspin", clients=(("nested", 3),), fail=MODELS),
    # the fallback taking the lock without its trylock succeeding
    "qspin-fallback-untried": dict(
        edits=(("blk_qspin_slow.h", "\t\twhile (!blk_qs_try(lock, &t)) {\n\t\t\tcpu_relax();\n\t\t\tspins++;\n\t\t}\n",
                "\t\tblk_qs_try(lock, &t);\n"),),
        kind="qspin", clients=(("fallback", 3),), fail=MODELS),
    # 4 threads, one holding until a waiter queues (client.c's undo):
    # among the executions a waiter takes back the pending bit it set
    # after a tail appeared, and the queue head's tail-clearing CAS fails
    # on that transient bit; must pass every model. (cna's, by hand:
    # verified under all four, but IMM takes 41 s alone and passed the 60 s
    # bound when make verify ran it beside another run)
    "qspin-undo": dict(
        edits=(), kind="qspin", clients=(("undo", 4),), fail=()),
    # the pending bit we set after a tail came is left set: the queue
    # head waits for it to clear, forever
    "qspin-undo-dropped": dict(
        edits=(("blk_qspin_slow.h", "\t\tif (!(val & BLK_QS_PENDING_MASK))\n\t\t\tblk_qs_clear_pending(lock, &t);\n", ""),),
        kind="qspin", clients=(("undo", 4),), fail=MODELS),
    # a tail-clearing CAS that failed on a transient pending bit, our tail
    # still in the word, taken for a success: the lock is never marked
    # held, and the waiter that set the bit queues behind us for nothing
    "qspin-transient-pending-taken": dict(
        edits=(("blk_qspin.c", "\tblk_qs_cas(lock, val, BLK_QS_LOCKED, __ATOMIC_RELAXED, t)\n",
                "\t(blk_qs_cas(lock, val, BLK_QS_LOCKED, __ATOMIC_RELAXED, t) || \\\n"
                "\t ((__atomic_load_n(&(lock)->val, __ATOMIC_RELAXED) ^ (val)) & BLK_QS_TAIL_MASK) == 0)\n"),),
        kind="qspin", clients=(("undo", 4),), fail=MODELS),
    # CLH's trylock reading the tail relaxed: it may see the 0 of the tail
    # node's last use, not its new owner's 1, and take a held lock (GenMC
    # found it so, in the first version of blk_clh.h)
    "clh-trylock-relaxed-tail": dict(
        edits=(("blk_clh.h", "tail = __atomic_load_n(&lock->tail, __ATOMIC_ACQUIRE);",
                "tail = __atomic_load_n(&lock->tail, __ATOMIC_RELAXED);"),),
        kind="clh", clients=(("trylock", 2),), fail=("rc11", "imm")),
    # CLH's tail without its tag, as it was: a trylock that read the tail
    # node free compares only the node, and takes the lock held through
    # that node's next use (thread 1 locks, unlocks and locks again with
    # the node it got back); under SC already
    "clh-trylock-untagged": dict(
        edits=(("blk_clh.h", "return (u64)node->gen << 32 | node->id;", "return node->id;"),),
        kind="clh", clients=(("tryreacquire", 2),), fail=MODELS),
}


def kinds_list():
    """The model world's menu (tools/kinds.py): {id: kind's columns}, in menu order."""
    return {k["id"]: k for k in kinds.kinds("model")}


KINDS = kinds_list()


def model_checked(listed):
    """The kinds GenMC checks: every kind of the model world's menu but the floor and HERD_ONLY's."""
    return [k for k, c in listed.items() if c["class"] != "floor" and k not in HERD_ONLY]


def gen_homes():
    """A directory with the model world's blk_kinds_homes.h (every home's
    header, as the list names them) and blk_kinds_bodies.c (every home's
    .c), for client.c; Kbuild and tools/host/Makefile make theirs alike."""
    d = tempfile.mkdtemp(prefix="blk-homes-")
    homes = sorted({k["home"] for k in KINDS.values()})
    with open(os.path.join(d, "blk_kinds_homes.h"), "w") as f:
        f.writelines('#include "blk_%s.h"\n' % h for h in homes)
    with open(os.path.join(d, "blk_kinds_bodies.c"), "w") as f:
        f.writelines('#include "blk_%s.c"\n' % h for h in homes
                     if os.path.exists(os.path.join(TOP, "blk_%s.c" % h)))
    return d


GEN = None


def genmc_run(genmc, model, kind, client, threads, top, timeout):
    """One GenMC run: (status, executions, seconds, first error line)."""
    # -O2: as the module is built; it also lets GenMC's spin-assume see
    # through the contended paths' local counters, which the model's
    # accounting hooks never read. -disable-ipr: in-place revisiting
    # reports unordered writes as errors (it has no effect under IMM).
    cmd = [genmc, "-" + model, "-check-liveness", "-disable-estimation"]
    if model != "imm":
        cmd.append("-disable-ipr")
    # GenMC's <assert.h> lacks C11's static_assert, which the headers use
    cmd += ["--", "-O2", "-Dstatic_assert=_Static_assert", "-I" + GEN, "-I" + top,
            "-DBLK_VERIFY_KIND=" + kind,
            "-DBLK_VERIFY_KIND_" + kind, "-DBLK_CLIENT_" + client,
            "-DBLK_THREADS=%d" % threads, os.path.join(top, "tools/verify/client.c")]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=timeout)
        out = p.stdout
    except subprocess.TimeoutExpired as e:
        return ("timeout", 0, time.monotonic() - t0, "no answer within %d s" % timeout, "")
    secs = time.monotonic() - t0
    m = re.search(r"Number of complete executions explored: (\d+)", out)
    execs = int(m.group(1)) if m else 0
    m = re.search(r"Total wall-clock time: ([0-9.]+)s", out)
    if m:
        secs = float(m.group(1))
    if "No errors were detected" in out and p.returncode == 0:
        return ("verified", execs, secs, "", out)
    err = re.search(r"^Error(?: detected)?: (.*)", out, re.M)
    first = err.group(1).strip() if err else (out.strip().splitlines() or ["exit %d" % p.returncode])[-1]
    if "iveness" in first:
        status = "liveness"
    elif "race" in first.lower():
        status = "race"
    elif "afety" in first:
        status = "safety"
    else:
        status = "error"
    return (status, execs, secs, first, out)


def plant_tree(name):
    """A copy of the sources with plant NAME applied; its directory."""
    p = PLANTS[name]
    d = tempfile.mkdtemp(prefix="blk-plant-")
    for pattern in SOURCES:
        for path in glob.glob(os.path.join(TOP, pattern)):
            s = os.path.relpath(path, TOP)
            os.makedirs(os.path.join(d, os.path.dirname(s)), exist_ok=True)
            shutil.copy(path, os.path.join(d, s))
    for file, old, new in p["edits"]:
        path = os.path.join(d, file)
        with open(path) as f:
            text = f.read()
        if text.count(old) != 1:
            raise SystemExit("plant %s: %s does not hold exactly one '%s'" % (name, file, old))
        with open(path, "w") as f:
            f.write(text.replace(old, new))
    return d


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--genmc", default="genmc")
    ap.add_argument("--kinds", help="only these kinds (comma-separated)")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--plant", help="only this plant (none: every plant after the kinds)")
    ap.add_argument("--no-plants", action="store_true")
    ap.add_argument("--timeout", type=int, default=60, help="seconds per run (default 60)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--table", help="write the results table (rst) here")
    ap.add_argument("--log", help="keep each failing run's output in this directory")
    args = ap.parse_args()
    models = args.models.split(",")
    for m in models:
        if m not in MODELS:
            ap.error("unknown model %s (known: %s)" % (m, ", ".join(MODELS)))
    failed = []

    def verdict(ok, what):
        print("%s: %s" % ("PASS" if ok else "FAIL", what), flush=True)
        if not ok:
            failed.append(what)

    global GEN
    GEN = gen_homes()
    checked = model_checked(KINDS)
    for k in HERD_ONLY:
        tests = glob.glob(os.path.join(TOP, "tools/verify/litmus/*/%s-*.litmus" % k))
        verdict(bool(tests), "herd7 checks %s instead: %s" % (k, ", ".join(
            os.path.relpath(t, TOP) for t in sorted(tests)) or "no tools/verify/litmus/*/%s-*.litmus" % k))
    for k in HERD_ONLY:
        verdict(k in KINDS, "HERD_ONLY: %s is on the menu (blk_kinds_list.h)" % k)
    kinds = args.kinds.split(",") if args.kinds else checked
    if args.plant and args.plant not in PLANTS:
        ap.error("unknown plant %s (known: %s)" % (args.plant, ", ".join(PLANTS)))

    jobs = []  # (label, kind, client, threads, model, top, plant)
    if not args.plant:
        for k in kinds:
            for c, n in CLIENTS:
                if (k, c, n) in TOO_BIG:
                    continue
                for m in models:
                    jobs.append((k, c, n, m, TOP, None))
    plants = [] if args.no_plants else ([args.plant] if args.plant else list(PLANTS))
    trees = {}
    for name in plants:
        trees[name] = plant_tree(name)
        p = PLANTS[name]
        for c, n in p["clients"]:
            for m in models:
                jobs.append((p["kind"], c, n, m, trees[name], name))

    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = {ex.submit(genmc_run, args.genmc, m, k, c, n, top, args.timeout): (k, c, n, m, plant)
                for k, c, n, m, top, plant in jobs}
        for f in concurrent.futures.as_completed(futs):
            key = futs[f]
            results[key] = f.result()
            st, ex_, secs, first, out = results[key]
            k, c, n, m, plant = key
            print("genmc: %s%s %s/%d -%s: %s, %d executions, %.2f s%s"
                  % (k, " [plant %s]" % plant if plant else "", c, n, m, st, ex_, secs,
                     (": " + first) if first else ""), flush=True)
            if args.log and st != "verified":
                os.makedirs(args.log, exist_ok=True)
                with open(os.path.join(args.log, "%s%s-%s%d-%s.log" % (
                        k, "-" + plant if plant else "", c, n, m)), "w") as lf:
                    lf.write(out)
    for d in list(trees.values()) + [GEN]:
        shutil.rmtree(d, ignore_errors=True)

    for k in kinds:
        if args.plant:
            break
        for c, n in CLIENTS:
            if (k, c, n) in TOO_BIG:
                print("SKIP: genmc %s %s/%d: %s" % (k, c, n, TOO_BIG[(k, c, n)]), flush=True)
                continue
            for m in models:
                st = results[(k, c, n, m, None)][0]
                if k == "busted":
                    continue
                if m == "rc11" and k in RC11_ALLOWED and st != "verified":
                    continue
                verdict(st == "verified", "genmc %s %s/%d under %s: %s" % (k, c, n, m, st))
        if k == "busted":
            for m in models:
                bad = [c for c, n in CLIENTS if results[(k, c, n, m, None)][0] != "verified"]
                verdict(bool(bad), "genmc busted fails under %s (%s)" % (m, ", ".join(bad) or "nothing failed"))
    for name in plants:
        p = PLANTS[name]
        for m in models:
            sts = [results[(p["kind"], c, n, m, name)][0] for c, n in p["clients"]]
            if m in p["fail"]:
                verdict(any(s != "verified" for s in sts), "plant %s fails under %s (%s)" % (name, m, ", ".join(sts)))
            else:
                verdict(all(s == "verified" for s in sts), "plant %s passes under %s (%s)" % (name, m, ", ".join(sts)))

    if args.table and not args.plant:
        write_table(args.table, kinds, models, results, plants)
    print("genmc: verdict: %s (%d runs)" % ("PASS" if not failed else "FAIL (%d)" % len(failed), len(results)))
    return 1 if failed else 0


def write_table(path, kinds, models, results, plants):
    """One row per kind x client x threads (plants after), one column per
    model: verdict, executions, seconds."""
    def cells(k, c, n, plant):
        if plant is None and (k, c, n) in TOO_BIG:
            return ["too big (below)"] * len(models)
        return ["%s %d %.1fs" % results[(k, c, n, m, plant)][:3] for m in models]

    rows = [("kind", "client", "threads") + tuple(m.upper() for m in models)]
    for k in kinds:
        rows += [(k, c, str(n), *cells(k, c, n, None)) for c, n in CLIENTS]
    for name in plants:
        p = PLANTS[name]
        rows += [("%s (plant %s)" % (p["kind"], name), c, str(n), *cells(p["kind"], c, n, name))
                 for c, n in p["clients"]]
    with open(path, "w") as f:
        f.write("\n".join(rst(rows)) + "\n")

if __name__ == "__main__":
    sys.exit(main())
