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
#
# Verdict line: "freeze-repro: verdict: completed N flips in S s" or
# "freeze-repro: verdict: FROZE after about N flips".
set -euo pipefail
BLK_TOOL=freeze-repro
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: $0 [-n FLIPS] [-k] [-T single|multi] [-t TIMEOUT_S]" >&2
	exit 2
}

flips=1200 keep=0 tcg=multi timeout=300
while getopts "n:kT:t:h" opt; do
	case "$opt" in
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
