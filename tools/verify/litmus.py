#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make verify, herd7's part: the instructions themselves, and LKMM.

1. The litmus tests in tools/verify/litmus/AArch64 and X86_64 model the
   lock kinds' acquisitions and releases as the compiler and the inline asm
   emit them (ttas and ttas_asm's LDAXR/STXR and CASA against the STLR
   unlock, the MCS enqueue and handoff, the ticket lock's mixed-size
   serve; lock cmpxchg against the MOV unlock). Each says in its header:

     (* blk-expect: Never *)            the verdict herd7 must give
     (* blk-herd: -variant mixed *)     extra herd7 options
     (* blk-object: OBJ FUNC: mn ... *) FUNC in the arm64 build's OBJ issues
                                        these instructions in this order,
                                        and so does the test: the test
                                        cannot drift from the code
     (* blk-plant NAME: OLD => NEW | ...: VERDICT *)
                                        the test with OLD replaced by NEW
                                        must give VERDICT (a planted bug,
                                        or the other way to write it)

2. LKMM (tools/memory-model of Debian's linux-source-6.1): every test of
   its litmus-tests/ that uses spin_lock(), as it is, then with spin_lock()
   and spin_unlock() replaced by blacklock's algorithms written in LKMM
   primitives (ttas: the acquire CAS and release store that ttas, ttas_asm,
   tas and ttas_backoff share; ticket: an acquire fetch-add of the next
   ticket, an acquire load of the owner, a release store of the next
   owner), only the executions in which every acquisition succeeded
   (filter). spin_lock()'s verdict must be the test's documented result;
   a kind whose verdict differs must have its reason in DIFFERENCES.

Prints PASS/FAIL/SKIP lines and a verdict line; --table writes the tables
for Documentation/results.rst. Exit status 1 if anything failed.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

# LKMM: why a kind's verdict differs from spin_lock()'s, by test.
UNLOCK_LOCK = (
    "LKMM orders spin_unlock() followed by spin_lock() on one CPU, even of another lock, "
    "as all but a store before it with a load after (po-unlock-lock-po), a guarantee the kernel "
    "asks of every architecture's spinlock; a release store followed by an acquire RMW orders "
    "nothing between them in LKMM and C11 (RCpc). ARMv8 gives it anyway (a store-release is "
    "ordered before a later load-acquire, LDAXR included: AArch64/ttas-unlock-lock-lb.litmus) "
    "and so does x86 (TSO); a user who needs it elsewhere puts smp_mb() between the two")
HANDOFF = (
    "LKMM makes a lock handoff cumulative (po-unlock-lock-po includes the unlock read by the "
    "next lock, in cumul-fence): the next owner's later plain store is seen after everything "
    "the previous owner's section saw. A release store read by an acquire RMW is not "
    "cumulative for the reader's later stores on a non-multicopy-atomic machine (POWER); "
    "ARMv8 (AArch64/ttas-handoff-isa2.litmus) and x86 are multicopy-atomic and forbid it")
DIFFERENCES = {
    ("LB+unlocklockonceonce+poacquireonce.litmus", "ttas"): UNLOCK_LOCK,
    ("LB+unlocklockonceonce+poacquireonce.litmus", "ticket"): UNLOCK_LOCK,
    ("MP+unlocklockonceonce+fencermbonceonce.litmus", "ttas"): UNLOCK_LOCK,
    ("MP+unlocklockonceonce+fencermbonceonce.litmus", "ticket"): UNLOCK_LOCK,
    ("ISA2+pooncelock+pooncelock+pombonce.litmus", "ttas"): HANDOFF,
    ("ISA2+pooncelock+pooncelock+pombonce.litmus", "ticket"): HANDOFF,
}


def header(path):
    with open(path) as f:
        text = f.read()
    h = {"text": text, "expect": None, "herd": [], "objects": [], "plants": []}
    for m in re.finditer(r"\(\* blk-(\w+)( [^:]*)?: (.*?) \*\)", text):
        what, name, rest = m.group(1), (m.group(2) or "").strip(), m.group(3)
        if what == "expect":
            h["expect"] = rest
        elif what == "herd":
            h["herd"] += rest.split()
        elif what == "object":
            where, mns = rest.split(": ", 1)
            obj, func = where.split()
            h["objects"].append((obj, func, mns.split()))
        elif what == "plant":
            edits, verdict = rest.rsplit(": ", 1)
            pairs = [tuple(x.strip() for x in e.split("=>")) for e in edits.split(" | ")]
            h["plants"].append((name, pairs, verdict))
    return h


def program(text):
    """The text without its comments, where plants apply."""
    return re.sub(r"\(\*.*?\*\)", "", text, flags=re.S)


def herd(herd7, libdir, text, opts, cwd=None):
    """herd7 on a test given as text: (verdict, positive, total, output)."""
    with tempfile.NamedTemporaryFile("w", suffix=".litmus", delete=False) as f:
        f.write(text)
        path = f.name
    cmd = [herd7] + (["-set-libdir", libdir] if libdir and libdir != "-" else []) + opts + [path]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           cwd=cwd, timeout=120)
        out = p.stdout
    except subprocess.TimeoutExpired:
        return ("timeout", 0, 0, "")
    finally:
        os.unlink(path)
    m = re.search(r"^Observation \S+ (\w+) (\d+) (\d+)", out, re.M)
    if not m:
        return ("error", 0, 0, out)
    return (m.group(1), int(m.group(2)), int(m.group(3)), out)


def subsequence(want, have):
    it = iter(have)
    return all(any(w == h for h in it) for w in want)


def lkmm_kind(text, kind):
    """A spin_lock() test rewritten with KIND's algorithm; None if KIND
    cannot stand in (an operation it has no LKMM form for)."""
    if kind == "ticket" and "spin_is_locked" in text:
        return None
    out, regs, filt, n = [], {}, [], [0]
    proc = None
    for line in text.splitlines():
        m = re.match(r"^P(\d+)\((.*)\)", line)
        if m:
            proc = m.group(1)
            params = m.group(2)
            locks = re.findall(r"spinlock_t \*(\w+)", params)
            if kind == "ticket":
                params = re.sub(r"spinlock_t \*(\w+)", r"int *\1_next, int *\1_owner", params)
            else:
                params = params.replace("spinlock_t *", "int *")
            out.append("P%s(%s)" % (proc, params))
            regs[proc] = []
            continue
        if proc is not None and line.strip() == "{" and not out[-1].startswith("{"):
            out.append(line)
            out.append("@REGS%s@" % proc)
            continue
        m = re.match(r"^(\s*)spin_lock\((\w+)\);", line)
        if m:
            ind, l = m.groups()
            n[0] += 1
            if kind == "ticket":
                t, o = "r_tk%d" % n[0], "r_ow%d" % n[0]
                regs[proc] += [t, o]
                out.append("%s%s = atomic_fetch_add_acquire(1, %s_next);" % (ind, t, l))
                out.append("%s%s = smp_load_acquire(%s_owner);" % (ind, o, l))
                filt.append("(" + " \\/ ".join("(%s:%s=%d /\\ %s:%s=%d)" % (proc, t, v, proc, o, v)
                                                for v in range(4)) + ")")
            else:
                r = "r_lk%d" % n[0]
                regs[proc].append(r)
                out.append("%s%s = cmpxchg_acquire(%s, 0, 1);" % (ind, r, l))
                filt.append("%s:%s=0" % (proc, r))
            continue
        m = re.match(r"^(\s*)spin_unlock\((\w+)\);", line)
        if m:
            ind, l = m.groups()
            if kind == "ticket":
                n[0] += 1
                u = "r_un%d" % n[0]
                regs[proc].append(u)
                out.append("%s%s = READ_ONCE(*%s_owner);" % (ind, u, l))
                out.append("%ssmp_store_release(%s_owner, %s + 1);" % (ind, l, u))
            else:
                out.append("%ssmp_store_release(%s, 0);" % (ind, l))
            continue
        if "smp_mb__after_spinlock();" in line:
            # LKMM orders it only after a spin_lock(); blacklock has no
            # such hook, and a user of its locks writes smp_mb() instead
            out.append(line.replace("smp_mb__after_spinlock();", "smp_mb();"))
            continue
        m = re.match(r"^(\s*)(\w+) = spin_is_locked\((\w+)\);", line)
        if m:
            out.append("%s%s = READ_ONCE(*%s);" % m.groups())
            continue
        if re.match(r"^exists", line) and filt:
            out.append("filter (%s)" % " /\\ ".join(filt))
        out.append(line)
    res = "\n".join(out)
    for p, rs in regs.items():
        res = res.replace("@REGS%s@" % p, "\n".join("\tint %s;" % r for r in rs))
    return res.replace("C %s" % text.split()[1], "C %s+blk-%s" % (text.split()[1], kind), 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--herd7", default="herd7")
    ap.add_argument("--libdir", default="-", help="herd7's libdir ('-': its own)")
    ap.add_argument("--arm64-objs", help="the arm64 build's blacklock objects (tools/kunit.sh arm64)")
    ap.add_argument("--objdump", default="aarch64-linux-gnu-objdump")
    ap.add_argument("--lkmm", help="tools/memory-model of a kernel tree")
    ap.add_argument("--table", help="write the tables (rst) here")
    args = ap.parse_args()
    failed, rows, lrows = [], [], []

    def verdict(ok, what, skip=False):
        print("%s: %s" % ("SKIP" if skip else "PASS" if ok else "FAIL", what), flush=True)
        if not ok and not skip:
            failed.append(what)

    funcs = {}
    for arch in ("AArch64", "X86_64"):
        d = os.path.join(HERE, "litmus", arch)
        for name in sorted(os.listdir(d)):
            if not name.endswith(".litmus"):
                continue
            h = header(os.path.join(d, name))
            test = "%s/%s" % (arch, name)
            v, pos, tot, out = herd(args.herd7, args.libdir, h["text"], h["herd"])
            rows.append((test, "", v, h["expect"]))
            verdict(v == h["expect"], "herd7 %s: %s (%d of %d states), want %s"
                    % (test, v, pos, tot, h["expect"]))
            body = program(h["text"])
            for pname, pairs, want in h["plants"]:
                t = h["text"]
                for old, new in pairs:
                    if old not in body:
                        verdict(False, "herd7 %s plant %s: no '%s' in the test" % (test, pname, old))
                    t = t.replace(old, new)
                v, pos, tot, out = herd(args.herd7, args.libdir, t, h["herd"])
                rows.append((test, pname, v, want))
                verdict(v == want, "herd7 %s plant %s: %s (%d of %d states), want %s"
                        % (test, pname, v, pos, tot, want))
            for obj, func, mns in h["objects"]:
                what = "%s: %s in the arm64 %s issues %s, in that order, as the test does" % (
                    test, func, obj, " ".join(mns))
                if not subsequence([m.upper() for m in mns], re.findall(r"\b[A-Z][A-Z0-9.]+\b", body)):
                    verdict(False, what + " (the test does not)")
                    continue
                if not args.arm64_objs:
                    verdict(False, what + ": no arm64 objects given", skip=True)
                    continue
                if obj not in funcs:
                    from zerocost import disassemble
                    path = os.path.join(args.arm64_objs, obj)
                    funcs[obj] = disassemble(path, args.objdump, "//") if os.path.exists(path) else {}
                code = funcs[obj].get(func)
                if not code:
                    verdict(False, what + " (no %s in %s)" % (func, obj))
                    continue
                verdict(subsequence(mns, [x["mn"] for x in code]), what)

    if args.lkmm:
        tests = os.path.join(args.lkmm, "litmus-tests")
        for name in sorted(os.listdir(tests)):
            path = os.path.join(tests, name)
            with open(path) as f:
                text = f.read()
            if not name.endswith(".litmus") or "spin_lock(" not in text:
                continue
            doc = re.search(r"Result: (\w+)", text)
            base = herd(args.herd7, args.libdir, text, ["-conf", "linux-kernel.cfg"], cwd=args.lkmm)[0]
            verdict(doc and base == doc.group(1), "LKMM %s with spin_lock(): %s (documented: %s)"
                    % (name, base, doc.group(1) if doc else "?"))
            row = [name, base]
            for kind in ("ttas", "ticket"):
                t = lkmm_kind(text, kind)
                if t is None:
                    row.append("n/a")
                    continue
                v = herd(args.herd7, args.libdir, t, ["-conf", "linux-kernel.cfg"], cwd=args.lkmm)[0]
                row.append(v)
                if v != base:
                    why = DIFFERENCES.get((name, kind))
                    verdict(bool(why), "LKMM %s with %s: %s, spin_lock() %s%s"
                            % (name, kind, v, base, (": " + why) if why else ": unexplained"))
                else:
                    verdict(True, "LKMM %s with %s: %s, as spin_lock()" % (name, kind, v))
            lrows.append(row)
    elif args.lkmm is None:
        verdict(False, "LKMM: no tools/memory-model given", skip=True)

    if args.table:
        write_tables(args.table, rows, lrows)
    print("litmus: verdict: %s" % ("PASS" if not failed else "FAIL (%d)" % len(failed)))
    return 1 if failed else 0


def rst(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    rule = "  ".join("=" * w for w in widths)
    lines = [rule, "  ".join(v.ljust(w) for v, w in zip(rows[0], widths)).rstrip(), rule]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows[1:]]
    return lines + [rule]


def write_tables(path, rows, lrows):
    out = rst([("test", "plant", "herd7", "expected")] + [(t, p or "-", v, e) for t, p, v, e in rows])
    if lrows:
        out += [""] + rst([("LKMM test", "spin_lock()", "ttas", "ticket")] + [tuple(r) for r in lrows])
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    sys.exit(main())
