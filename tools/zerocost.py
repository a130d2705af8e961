#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The zero-cost proof: disassemble blacklock.ko (x86_64) and compare the
inline fast path of the TTAS lock built with GCC's __atomic builtins (ttas)
with the one built with inline "lock cmpxchg" (ttas_asm).

For each of the per-kind loops (blk_hammer_*, the engine's loop, and
blk_cost_*, back-to-back pairs) it cuts two windows out of the listing:

  lock    from the preempt_count increment to the branch taken when the
          CAS fails (which must lead to the out-of-line slow path)
  unlock  from the release store of 0 to the branch after the
          preempt_count decrement (preempt_schedule)

and normalises them: registers are renamed in order of first use (R0, R1,
...), branch targets become what they lead to (SLOWPATH, RESCHED, L).
Instructions that only put a constant or a register into a register (the
CAS operands' set-up) are compared as a set, since their order is the
scheduler's choice; everything else must match in order.

Checks (each a PASS/FAIL line; exit status 1 if any fails):
  - the default run's loop (cs_ns, cs_lines, think_ns 0, nlocks 1), which
    blk_plain() compiles apart: it exists, calls nothing, holds no
    multiply or xorshift (no draw, no pick of a lock), and is the same for
    builtins and asm; printed whole
  - the engine loops' lock and unlock windows: builtins == asm
  - the cost loops' windows: the same, set-up aside (a difference in
    the set-up is reported, with both listings, as a finding)
  - ttas's loops make no indirect call (no call/jmp through a register or
    memory, no retpoline thunk) anywhere, and the lock window holds one
    "lock cmpxchg" and a branch to the slow path, nothing else but set-up
  - every kind's loops (engine, irqsave engine, reference, cost, and the
    engine's nlocks > 1 copies, blk_hammer_*_many) make no indirect call (paravirt patch sites aside: they become native
    instructions at load)
  - every kind's uncontended atomic read-modify-writes are inline, and
    exactly as many as blk_kinds_list.h's rmw column says: the RMW
    instructions (lock-prefixed, or xchg with memory) of blk_cost_KIND and
    blk_reference_KIND, one lock and one unlock each. The run's rmw count
    relies on that constant (the fast path counts nothing).
  - qspin's and CNA's slow paths set the pending bit with one "lock
    btsl", as the kernel's x86 queued_fetch_set_pending_acquire(), not
    the "lock cmpxchg" retry loop a fetch-or builtin compiles to, whose
    retries nothing counts
"""
import argparse
import os
import re
import subprocess
import sys

import kinds

REGS64 = {
    "a": "rax", "b": "rbx", "c": "rcx", "d": "rdx",
    "si": "rsi", "di": "rdi", "bp": "rbp", "sp": "rsp",
}


def canon_reg(r):
    """%eax, %ax, %al, %rax -> rax; %r13d, %r13w, %r13b -> r13."""
    r = r.lstrip("%")
    m = re.fullmatch(r"r(\d+)[dwb]?", r)
    if m:
        return "r" + m.group(1)
    m = re.fullmatch(r"[re]?(a|b|c|d)[xlh]?", r)
    if m and r not in ("rbp", "rsp", "rsi", "rdi"):
        return REGS64[m.group(1)]
    m = re.fullmatch(r"[re]?(si|di|bp|sp)l?", r)
    if m:
        return REGS64[m.group(1)]
    return r


def disassemble(obj, objdump="objdump", comment="#"):
    """{function: [{addr, mn, ops, reloc}]} from objdump -dr; @comment is
    what starts the disassembler's remarks (x86 "#", arm64 "//")."""
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", "-r", obj],
                         check=True, capture_output=True, text=True).stdout
    funcs, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <([\w.]+)>:$", line)
        if m:
            cur = funcs.setdefault(m.group(1), [])
            continue
        if cur is None:
            continue
        m = re.match(r"^\s+([0-9a-f]+):\s+R_[A-Z0-9]+_\w+\s+(\S+)", line)
        if m:
            if cur:
                cur[-1]["reloc"] = re.sub(r"[-+]0x[0-9a-f]+$", "", m.group(2))
            continue
        m = re.match(r"^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
        if m:
            ops = m.group(3).split(comment)[0].strip()
            cur.append({"addr": int(m.group(1), 16), "mn": m.group(2),
                        "ops": ops, "reloc": None})
    return funcs


def target(insn):
    m = re.match(r"^([0-9a-f]+) <", insn["ops"])
    return int(m.group(1), 16) if m else None


def leads_to(code, addr):
    """What a branch to addr does: the first call within a few insns."""
    idx = next((i for i, x in enumerate(code) if x["addr"] == addr), None)
    if idx is None:
        return "L"
    for x in code[idx:idx + 4]:
        if x["mn"] == "call":
            sym = x["reloc"] or ""
            if "slowpath" in sym:
                return "SLOWPATH"
            if "preempt_schedule" in sym:
                return "RESCHED"
            return "CALL " + sym
        if x["mn"].startswith("j"):
            break
    return "L"


SETUP = re.compile(r"(\$0x[0-9a-f]+|%\w+),%\w+")


def raw_setup(x):
    return x["mn"] in ("mov", "xor") and SETUP.fullmatch(x["ops"]) is not None


def normalise(code, window):
    """Rename registers: those of the core instructions first, in order,
    then those of the set-up, so that the set-up's order changes nothing."""
    names = {}

    def ren(m):
        if m.group(0) in ("%gs", "%rip"):
            return m.group(0)
        r = canon_reg(m.group(0))
        names.setdefault(r, "R%d" % len(names))
        return names[r]

    for x in [x for x in window if not raw_setup(x)] + [x for x in window if raw_setup(x)]:
        re.sub(r"%\w+", ren, x["ops"])
    lines = []
    for x in window:
        ops = x["ops"]
        if x["mn"].startswith("j") or x["mn"] == "call":
            t = target(x)
            dest = (x["reloc"] if x["mn"] == "call" and x["reloc"]
                    else leads_to(code, t) if t is not None else ops)
            lines.append("%s %s" % (x["mn"], dest))
            continue
        if x["reloc"]:
            ops = re.sub(r"0x0\(%rip\)", x["reloc"], ops)
        ops = re.sub(r"%\w+", ren, ops)
        lines.append(("%s %s" % (x["mn"], ops)).strip())
    return lines


def is_setup(line):
    """mov $imm/reg -> reg, or xor reg,reg: operand set-up, no memory."""
    return re.fullmatch(r"(mov|xor)\s+(\$0x[0-9a-f]+|R\d+),R\d+", line) is not None


def windows(code):
    """The lock and unlock windows around the first lock cmpxchg."""
    i = next((i for i, x in enumerate(code)
              if x["mn"] == "lock" and x["ops"].startswith("cmpxchg")), None)
    if i is None:
        return None, None
    s = i
    while s > 0 and not (code[s]["mn"] == "incl" and code[s]["ops"].startswith("%gs:")):
        s -= 1
    e = i
    while e < len(code) and not code[e]["mn"].startswith("j"):
        e += 1
    lock = code[s:e + 1]
    mem = code[i]["ops"].split(",", 1)[1]		# the lock word, e.g. (%rbx)
    # the release store: the first after the CAS, or, where the compiler
    # rotated the loop and put the unlock above the lock, the first at all
    stores = [k for k in range(len(code))
              if code[k]["mn"] == "movl" and code[k]["ops"] == "$0x0," + mem]
    u = next((k for k in stores if k > e), stores[0] if stores else None)
    if u is None:
        return lock, []
    d = next((k for k in range(u, len(code)) if code[k]["mn"] == "decl"), len(code) - 1)
    f = next((k for k in range(d, len(code)) if code[k]["mn"].startswith("j")), d)
    return lock, code[u:f + 1]


def default_loop(code):
    """The loop of the default run (cs_ns, cs_lines and think_ns 0, nlocks
    1), which blk_plain() compiles apart with the work's and the pick's
    tests constant: the innermost loop around a lock cmpxchg that calls
    nothing (the others call blk_think_work(), blk_cs_work(), ...)."""
    idx = {x["addr"]: i for i, x in enumerate(code)}
    for c, x in enumerate(code):
        if x["mn"] != "lock" or not x["ops"].startswith("cmpxchg"):
            continue
        back = next((k for k in range(c, len(code)) if code[k]["mn"].startswith("j")
                     and target(code[k]) is not None and target(code[k]) <= x["addr"]), None)
        if back is None or target(code[back]) not in idx:
            continue
        body = code[idx[target(code[back])]:back + 1]
        if not any(y["mn"] == "call" for y in body):
            return body
    return None


def split(lines):
    return sorted(l for l in lines if is_setup(l)), [l for l in lines if not is_setup(l)]


def indirect(code):
    """Indirect calls and jumps. Not the paravirt sites (a call through
    pv_ops, relocated to it): apply_paravirt() rewrites them at load into
    the native instructions (pushf/cli, popf), as the irqsave loops have."""
    bad = []
    for x in code:
        if x["mn"] in ("call", "jmp") and "*" in x["ops"] and \
                not (x["reloc"] or "").startswith("pv_ops"):
            bad.append("%s %s" % (x["mn"], x["ops"]))
        if x["reloc"] and ("indirect_thunk" in x["reloc"] or "indirect_call" in x["reloc"]):
            bad.append("%s %s" % (x["mn"], x["reloc"]))
    return bad


def folded(code):
    """A function the compiler found identical to another and made a jump
    to it (gcc's identical code folding: raw_spinlock's loops are
    spinlock's in a kernel without lock debugging); its static callees,
    the nlocks > 1 copies, then exist once, under the other's name."""
    body = [x for x in code if not (x["mn"] == "call" and "__fentry__" in (x["reloc"] or x["ops"]))]
    return bool(body) and body[0]["mn"] == "jmp" and re.search(r"<blk_\w+>$", body[0]["ops"]) is not None


def rmw_insns(code):
    """The atomic read-modify-write instructions of a function, in order."""
    out = []
    for x in code:
        if x["mn"] == "lock":
            out.append("lock " + x["ops"].split()[0])
        elif x["mn"].startswith("lock "):
            out.append(x["mn"])
        elif x["mn"].startswith("xchg") and "(" in x["ops"]:
            out.append(x["mn"])
    return out


def kinds_rmw():
    """Each of the module's kinds' uncontended RMWs, in menu order (tools/kinds.py)."""
    return [(k["id"], int(k["rmw"])) for k in kinds.kinds("kernel")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ko", help="blacklock.ko built for x86_64")
    args = ap.parse_args()
    funcs = disassemble(args.ko)
    failed = 0

    def verdict(ok, what):
        nonlocal failed
        failed += not ok
        print("%s: %s" % ("PASS" if ok else "FAIL", what))

    for loop in ("blk_hammer", "blk_cost"):
        a, b = funcs.get(loop + "_ttas"), funcs.get(loop + "_ttas_asm")
        if not a or not b:
            verdict(False, "%s_ttas and %s_ttas_asm are in the module" % (loop, loop))
            continue
        for name, wa, wb in zip(("lock", "unlock"), windows(a), windows(b)):
            na, nb = normalise(a, wa or []), normalise(b, wb or [])
            print("\n--- %s, %s fast path: ttas (__atomic builtins) | ttas_asm (lock cmpxchg)" % (loop, name))
            for i in range(max(len(na), len(nb))):
                la = na[i] if i < len(na) else ""
                lb = nb[i] if i < len(nb) else ""
                print("    %-38s | %s" % (la, lb))
            sa, ca = split(na)
            sb, cb = split(nb)
            verdict(bool(na) and ca == cb,
                    "%s %s: the same instructions in the same order, set-up aside" % (loop, name))
            if loop == "blk_hammer":
                verdict(sa == sb, "%s %s: the same operand set-up" % (loop, name))
            elif sa != sb:
                print("NOTE: %s %s: operand set-up differs: builtins %s, asm %s"
                      % (loop, name, sa or "none", sb or "none"))
            else:
                print("NOTE: %s %s: operand set-up identical" % (loop, name))
        lock, _ = windows(a)
        core = split(normalise(a, lock or []))[1]
        ok = (len(core) == 3 and core[0].startswith("incl %gs:")
              and core[1].startswith("lock cmpxchg") and core[2] == "jne SLOWPATH")
        verdict(ok, "%s_ttas: the lock is preempt_count++, one lock cmpxchg and a branch to the slow path" % loop)
    a, b = (default_loop(funcs.get(f, [])) for f in ("blk_hammer_ttas", "blk_hammer_ttas_asm"))
    na, nb = (normalise(funcs.get(f, []), w or []) for f, w in
              (("blk_hammer_ttas", a), ("blk_hammer_ttas_asm", b)))
    print("\n--- blk_hammer, the default loop (cs_ns, cs_lines, think_ns 0, nlocks 1), whole: "
          "ttas | ttas_asm")
    for i in range(max(len(na), len(nb))):
        print("    %-38s | %s" % (na[i] if i < len(na) else "", nb[i] if i < len(nb) else ""))
    verdict(bool(a) and bool(b) and not any(re.match(r"(i?mul|div|shl \$0xd)", x) for x in na),
            "blk_hammer_ttas: the default loop (%d instructions) calls nothing, and neither "
            "draws nor picks: the knobs' tests are constants there" % len(na))
    verdict(bool(na) and split(na) == split(nb),
            "blk_hammer: the default loop, the same instructions for ttas and ttas_asm, set-up aside")
    for f in ("blk_hammer_ttas", "blk_reference_ttas", "blk_cost_ttas"):
        bad = indirect(funcs.get(f, []))
        verdict(f in funcs and not bad,
                "%s makes no indirect call%s" % (f, (": " + ", ".join(bad)) if bad else ""))
    menu = kinds_rmw()
    verdict(bool(menu), "blk_kinds_list.h lists the lock kinds")
    for kind, want in menu:
        hammers = ["blk_hammer_", "blk_hammer_irq_", "blk_hammer_count_", "blk_hammer_irq_count_"]
        fns = [f + kind for f in hammers + ["blk_reference_", "blk_cost_"]] + \
            [f + kind + "_many" for f in hammers if not folded(funcs.get(f + kind, []))]
        bad = ["%s: %s" % (f, ", ".join(indirect(funcs.get(f, []))))
               for f in fns if f not in funcs or indirect(funcs[f])]
        verdict(not bad, "%s: no indirect call in its ten loops (nlocks > 1's four too)%s"
                % (kind, (" (" + "; ".join(bad) + ")") if bad else ""))
        got = {f: rmw_insns(funcs.get(f + kind, [])) for f in ("blk_cost_", "blk_reference_")}
        verdict(all(len(v) == want for v in got.values()),
                "%s: %d RMW inline per lock/unlock pair, as blk_kinds_list.h says (%s)"
                % (kind, want, "; ".join("%s%s: %s" % (f, kind, ", ".join(v) or "none")
                                         for f, v in got.items())))
    for f in ("blk_qspin_slowpath", "blk_cna_slowpath"):
        rmws = rmw_insns(funcs.get(f, []))
        verdict(rmws.count("lock btsl") == 1,
                "%s sets pending with one lock btsl, as x86's qspinlock (its RMWs: %s)"
                % (f, ", ".join(rmws) or "none"))
    print("\nzerocost: verdict: %s" % ("PASS" if not failed else "FAIL (%d)" % failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
