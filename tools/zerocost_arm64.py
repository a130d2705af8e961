#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The zero-cost check on arm64: disassemble blk_loop.o of the arm64 KUnit
kernel (tools/kunit.sh arm64) and look at the lock's fast paths in the
per-kind loops of ttas (GCC's __atomic builtins) and ttas_asm (inline
CASA, or an LDAXR/STXR loop without LSE).

On arm64 the two back-ends are not the same instructions, and are not
meant to be: the kernel is built for ARMv8.0, so the builtins can only be
an LDAXR/STXR loop, while ttas_asm picks CASA at boot where the CPUs have
LSE atomics. What must hold is that neither costs anything but the CAS:

  - no loop calls libgcc's outline atomics (__aarch64_cas4_acq ...): every
    CAS is inline
  - ttas's lock is an LDAXR/STXR loop inline, ended by a branch to the
    out-of-line slow path, with no call and no indirect branch in it, and
    its unlock is a store-release (STLR)
  - ttas_asm holds CASA and an LDAXR/STXR loop, neither with a call or an
    indirect branch, and one branch between them (the static key behind
    system_uses_lse_atomics(), patched once at boot)

Prints each path, registers renamed in order of use, and the verdict.
Exit status 1 if a check fails.
"""
import argparse
import re
import sys

from zerocost import disassemble

KINDS = ("ttas", "ttas_asm")
LOOPS = ("blk_hammer", "blk_reference", "blk_cost")


def normalise(code):
    """Registers renamed R0, R1... in order of first use; branch targets
    and addresses dropped."""
    names = {}

    def ren(m):
        r = m.group(0)
        base = "zr" if r in ("wzr", "xzr") else r[1:]
        if base == "zr":
            return "ZR"
        names.setdefault(base, "R%d" % len(names))
        return names[base]

    out = []
    for x in code:
        ops = re.sub(r"\b[wx](\d+|zr)\b", ren, x["ops"])
        ops = re.sub(r"^[0-9a-f]+ <[^>]*>$", "L", ops)
        ops = re.sub(r", [0-9a-f]+ <[^>]*>$", ", L", ops)
        if x["reloc"]:
            ops = x["reloc"]
        out.append(("%s %s" % (x["mn"], ops)).strip())
    return out


def calls(code):
    """Calls and indirect branches: (kind, text)."""
    found = []
    for x in code:
        if x["mn"] in ("blr", "br", "blraa", "blrab", "braa", "brab"):
            found.append(("indirect", "%s %s" % (x["mn"], x["ops"])))
        elif x["mn"] == "bl":
            found.append(("call", x["reloc"] or x["ops"]))
    return found


def casa_path(code):
    """CASA, the instruction that sets it up, and the test of the value
    found (a branch to the slow path)."""
    for i, x in enumerate(code):
        if x["mn"] == "casa":
            for j in range(i + 1, min(i + 4, len(code))):
                if code[j]["mn"] in ("cbz", "cbnz", "b.ne", "b.eq"):
                    return code[max(i - 1, 0):j + 1]
    return []


def llsc_loop(code):
    """The LDAXR/STXR loop: from the LDAXR to the first conditional branch
    after the STXR's retry (the test of the value found)."""
    for i, x in enumerate(code):
        if x["mn"] != "ldaxr":
            continue
        for j in range(i, min(i + 8, len(code))):
            if code[j]["mn"] != "stxr":
                continue
            for k in range(j + 2, min(j + 6, len(code))):
                if code[k]["mn"] in ("cbz", "cbnz") or code[k]["mn"].startswith("b."):
                    return code[i:k + 1]
    return []


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("obj", help="blk_loop.o built for arm64")
    ap.add_argument("--objdump", default="aarch64-linux-gnu-objdump")
    args = ap.parse_args()
    funcs = disassemble(args.obj, args.objdump, "//")
    failed = 0

    def verdict(ok, what):
        nonlocal failed
        failed += not ok
        print("%s: %s" % ("PASS" if ok else "FAIL", what))

    for loop in LOOPS:
        for kind in KINDS:
            name = "%s_%s" % (loop, kind)
            code = funcs.get(name)
            if not code:
                verdict(False, "%s is in the object" % name)
                continue
            outline = [t for k, t in calls(code) if k == "call" and t.startswith("__aarch64_")]
            verdict(not outline, "%s: every CAS inline, no outline atomics%s"
                    % (name, (": " + ", ".join(outline)) if outline else ""))
            paths = [("LDAXR/STXR", llsc_loop(code))]
            if kind == "ttas_asm":
                paths.append(("CASA", casa_path(code)))
            for label, w in paths:
                print("\n--- %s, %s: %d instructions" % (name, label, len(w)))
                for line in normalise(w):
                    print("    " + line)
                bad = [t for k, t in calls(w)]
                verdict(bool(w) and not bad, "%s: the %s path is inline, no call or indirect branch%s"
                        % (name, label, (": " + ", ".join(bad)) if bad else ""))
            unlock = [x for x in code if x["mn"] == "stlr"]
            verdict(bool(unlock), "%s: the unlock is a store-release (STLR)" % name)
            ind = [t for k, t in calls(code) if k == "indirect"]
            if ind:
                print("NOTE: %s: indirect calls outside the lock: %s (the clock read: "
                      "arm64's arch_timer_read_counter is a function pointer)" % (name, ", ".join(ind)))
    print("\nzerocost-arm64: verdict: %s" % ("PASS" if not failed else "FAIL (%d)" % failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
