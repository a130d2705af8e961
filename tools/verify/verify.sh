#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make verify: the lock kinds model-checked from their own source.
#
#   genmc   tools/verify/genmc.py: every kind of blk_kinds_list.h, with
#           clients of 2 and 3 threads (mutual exclusion, message passing,
#           reacquire, trylock), under SC, TSO, RC11 and IMM with GenMC's
#           liveness check; busted must fail every model; the planted bugs
#           must fail where they should
#   herd7   tools/verify/litmus.py: the AArch64 and x86-64 litmus tests of
#           the instructions (checked against the arm64 build's objects,
#           tools/kunit.sh arm64, when they are there), and LKMM's
#           spin_lock() tests with each kind's algorithm
#
# The checkers come from tools/verify/checkers.sh (built once into the
# cache). Without them this says how to get them and reports the whole
# verification as skipped, never as passed; with CI=true a missing checker
# fails. Prints PASS/FAIL/SKIP lines, the tables in
# $BLK_BUILD/verify-*.rst, and a verdict line; exits non-zero on a failure.
set -euo pipefail
BLK_TOOL=verify
. "$(dirname "$0")/../lib.sh"

usage() {
	echo "usage: $0 [genmc|herd7 ...]   (default: both)" >&2
	exit 2
}

want=${*:-genmc herd7}
for w in $want; do
	case "$w" in genmc | herd7) ;; *) usage ;; esac
done
mkdir -p "$BLK_BUILD"
t0=$(date +%s)
rc=0
where=$("$BLK_TOP/tools/verify/checkers.sh" $want) || rc=$?
if [ "$rc" = 3 ]; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: the model checkers are there (tools/verify/checkers.sh)"
		blk_say "verdict: FAIL (no model checker)"
		exit 1
	fi
	echo "SKIP: the model checkers are not there (tools/verify/checkers.sh says how to get them)"
	blk_say "verdict: SKIPPED (no model checker)"
	exit 0
fi
[ "$rc" = 0 ] || blk_die "tools/verify/checkers.sh failed"
genmc=$(awk '$1 == "genmc" { print $2 }' <<<"$where")
herd7=$(awk '$1 == "herd7" { print $2 }' <<<"$where")
herdlib=$(awk '$1 == "herd7" { print $3 }' <<<"$where")

failed=0
if [ -n "$genmc" ]; then
	python3 "$BLK_TOP/tools/verify/genmc.py" --genmc "$genmc" \
		--table "$BLK_BUILD/verify-genmc.rst" --log "$BLK_BUILD/verify-genmc" \
		>"$BLK_BUILD/verify-genmc.log" 2>&1 || failed=1
	grep -E '^(PASS|FAIL|SKIP):|verdict' "$BLK_BUILD/verify-genmc.log" || true
fi
if [ -n "$herd7" ]; then
	objs=$BLK_CACHE/kunit-arm64/drivers/misc/blacklock
	args=(--herd7 "$herd7" --libdir "$herdlib" --table "$BLK_BUILD/verify-herd.rst")
	[ -f "$objs/blk_loop.o" ] && args+=(--arm64-objs "$objs")
	lkmm=$(blk_linux_source 6.1)/tools/memory-model
	args+=(--lkmm "$lkmm")
	python3 "$BLK_TOP/tools/verify/litmus.py" "${args[@]}" >"$BLK_BUILD/verify-herd.log" 2>&1 || failed=1
	grep -E '^(PASS|FAIL|SKIP):|verdict' "$BLK_BUILD/verify-herd.log" | cut -c1-220 || true
fi
blk_say "verdict: $([ "$failed" = 0 ] && echo PASS || echo FAIL) ($(($(date +%s) - t0)) s; tables in $BLK_BUILD/verify-*.rst)"
[ "$failed" = 0 ]
