#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest-freeze reproducer, without blacklock: boot the plain busybox
# guest and switch one tracepoint (sched:sched_switch) on and off FLIPS
# times. Each switch is a static-key flip, live-patched into the kernel's
# text with text_poke_bp() (an int3 on every patched site, then IPIs);
# under QEMU 7.2's multi-threaded TCG a flip now and then freezes the whole
# guest: one vCPU in the int3 handler, the other spinning, interrupts off
# on both. Not part of make check: it is meant to freeze.
#
#   -k   keep the event enabled in the top-level trace instance for the
#        whole boot and flip it in a second instance instead: the key then
#        stays on and nothing is patched (the mechanism check)
#   -T   TCG threading, multi (default) or single
#   -c   no flips: count the live text patches that make check's guest
#        test itself makes. It runs tools/guest/check.sh on the debug
#        kernel (tools/kernel.sh debug) under single-threaded TCG (where a
#        patch cannot freeze the guest), with the function tracer recording
#        every text_poke_bp_batch() and its call stack, and lists each
#        batch with the check it followed
#
# Verdict line: "freeze-repro: verdict: completed N flips in S s",
# "freeze-repro: verdict: FROZE after about N flips", or with -c
# "freeze-repro: verdict: N patch batches, M after the first workers
# started: I by insmod or rmmod, E elsewhere".
set -euo pipefail
BLK_TOOL=freeze-repro
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: $0 [-n FLIPS] [-k] [-T single|multi] [-t TIMEOUT_S] | -c" >&2
	exit 2
}

flips=1200 keep=0 tcg=multi timeout=300 count=0
while getopts "n:kT:t:ch" opt; do
	case "$opt" in
	c) count=1 ;;
	n) flips=$OPTARG ;;
	k) keep=1 ;;
	T) tcg=$OPTARG ;;
	t) timeout=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$flips$timeout" in *[!0-9]* | "") usage ;; esac
case "$tcg" in single | multi) ;; *) usage ;; esac

"$BLK_TOP/tools/bootstrap.sh" demo

if [ "$count" = 1 ]; then
	"$BLK_TOP/tools/kernel.sh" debug
	log=$BLK_BUILD/freeze-repro-count.log
	rc=0
	"$BLK_TOP/tools/vm.sh" -k debug -T single -t 1800 -q -l "$log" -e BLK_COUNT_PATCHES=1 \
		"$BLK_TOP/tools/guest/check.sh" || rc=$?
	grep -q '^BLK-PATCHES-END' "$log" || blk_die "the guest test did not finish (exit $rc, log $log)"
	# One line per batch: its number, the last mark before it, the task,
	# and the call stack from just above text_poke_finish()/text_poke_bp().
	sed -n '/^BLK-PATCHES-BEGIN$/,/^BLK-PATCHES-END$/p' "$log" | awk '
		function flush() {
			if (cur) printf "%3d  %-28s %-18s %s\n", nb, where, task, stack
			cur = 0
		}
		/tracing_mark_write: BLK-MARK/ {
			flush(); sub(/.*BLK-MARK /, ""); where = $0
			if (where ~ /^first-run/) { where = "first workers"; after = 1 }
			next
		}
		/ text_poke_bp_batch <-/ {
			flush(); nb++; cur = 1; task = $1; stack = ""; frames = 0
			if (after) { na++; if (task ~ /^(insmod|rmmod)-/) nm++ }
			next
		}
		/^ => / && cur {
			f = $2
			if (f ~ /^(0x[0-9a-f]+|text_poke_bp_batch|text_poke_finish|text_poke_bp|text_poke_flush)$/) next
			if (frames++ < 5) stack = stack (stack ? " < " : "") f
		}
		END {
			flush()
			printf "freeze-repro: verdict: %d patch batches, %d after the first workers started: %d by insmod or rmmod, %d elsewhere\n", nb, na, nm, na - nm
		}' | tee "$BLK_BUILD/freeze-repro-count.txt"
	# The guest test's own verdict is not this tool's: under
	# single-threaded TCG the vCPUs take turns, and busted cannot race.
	[ "$rc" = 0 ] || blk_say "the guest test had $rc failed checks under single-threaded TCG (log $log): $(grep '^not ok' "$log" | cut -c1-60 | tr '\n' ';')"
	exit 0
fi
mkdir -p "$BLK_BUILD"
guest=$BLK_BUILD/freeze-guest.sh
log=$BLK_BUILD/freeze-repro-$tcg-keep$keep.log
cat >"$guest" <<GUEST
T=/sys/kernel/tracing
mount -t tracefs tracefs \$T 2>/dev/null
E=\$T/events/sched/sched_switch/enable
if [ $keep = 1 ]; then
	echo 1 >\$E
	mkdir \$T/instances/flip
	E=\$T/instances/flip/events/sched/sched_switch/enable
fi
t0=\$(date +%s)
i=0
while [ \$i -lt $flips ]; do
	echo 1 >\$E
	echo 0 >\$E
	i=\$((i + 1))
	[ \$((i % 100)) != 0 ] || echo "FLIPS \$i"
done
echo "FLIPS-DONE $flips \$((\$(date +%s) - t0))"
GUEST
rc=0
"$BLK_TOP/tools/vm.sh" -n -q -T "$tcg" -t "$timeout" -l "$log" "$guest" || rc=$?
done_line=$(grep '^FLIPS-DONE' "$log" || true)
if [ -n "$done_line" ]; then
	set -- $done_line
	blk_say "verdict: completed $2 flips in $3 s (tcg=$tcg, keep=$keep)"
else
	last=$(grep '^FLIPS ' "$log" | tail -n 1 | awk '{ print $2 }')
	blk_say "verdict: FROZE after about ${last:-0} flips (tcg=$tcg, keep=$keep; vCPUs above, log $log)"
	exit 1
fi
