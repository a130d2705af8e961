#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make compare: a quick sweep in the VM, with perf stat around every run,
# and a report in results/: runs.csv and runs.jsonl (appended), summary.md,
# throughput.png and acquire_cdf.png. The guest runs the host's own
# userland (perf, bash) read-only over 9p.
#
# One VM boot per repeat. A boot whose guest stops responding (seen three
# times in about a thousand runs here, under TCG with perf and 9p, cause
# not found: the whole guest froze with no kernel message; vm.sh then
# prints where the vCPUs were) is retried once, and the report says so.
set -euo pipefail
BLK_TOOL=compare
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 [-c VCPUS] [-N NODES] [-r REPEATS] [-d MS] [-l "LOCKS"] [-s "CS_NS"] [-t "THINK_NS"] [-T TIMING] [-o DIR] [-H]
  -c VCPUS     vCPUs (default 2); the sweep covers 1..VCPUS workers
  -N NODES     NUMA nodes of the VM (default 1; tools/vm.sh -N)
  -r REPEATS   repeats of each configuration (default 3)
  -d MS        run length (default 300)
  -l LOCKS     default: the real locks ($(blk_locks lock kernel))
  -s CS_NS     critical-section lengths (default: 0 100 1000)
  -t THINK_NS  think times (default: 0 1000)
  -T TIMING    off, sample (default) or every (every acquisition timed,
               as before timing modes existed)
  -o DIR       where the report goes (default: results)
  -H           set the CPUID hypervisor bit (virt_spin_lock spinlock_t)
USAGE
	exit 2
}

vcpus=2 nodes=1 reps=3 ms=300 locks=$(blk_locks lock kernel) timing=sample
cs="0 100 1000" think="0 1000" out=$BLK_TOP/results hv=
while getopts "c:N:r:d:l:s:t:T:o:Hh" opt; do
	case "$opt" in
	c) vcpus=$OPTARG ;;
	N) nodes=$OPTARG ;;
	r) reps=$OPTARG ;;
	d) ms=$OPTARG ;;
	l) locks=$OPTARG ;;
	s) cs=$OPTARG ;;
	t) think=$OPTARG ;;
	T) timing=$OPTARG ;;
	o) out=$OPTARG ;;
	H) hv=-H ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$vcpus$nodes$reps$ms$(echo $cs $think | tr -d ' ')" in *[!0-9]* | "") usage ;; esac
blk_known_locks "$locks" || usage
case "$timing" in off | sample | every) ;; *) usage ;; esac
case " $locks " in *" spinlock "*) ;; *) blk_die "-l must include spinlock: every ratio is to it" ;; esac

"$BLK_TOP/tools/bootstrap.sh" compare
mkdir -p "$BLK_BUILD"
cpulist=$(seq 1 "$vcpus" | tr '\n' ' ')
per_rep=$(($(echo $locks | wc -w) * vcpus * $(echo $cs | wc -w) * $(echo $think | wc -w)))
# the last repeat adds an order, an interrupt and a traced run per lock
# the main runs, the order, irq and traced runs of each lock, and the floor
timeout=$(blk_vm_timeout $((per_rep + 3 * $(echo $locks | wc -w) + 5)) "$ms" "$vcpus")
blk_say "$((per_rep * reps)) runs of $ms ms under perf stat, plus one traced run per lock"
logs=() retried=0
for k in $(seq 1 "$reps"); do
	guest=$BLK_BUILD/compare-guest-$k.sh
	log=$BLK_BUILD/compare-$k.log
	cat >"$guest" <<GUEST
BLK_KEEP_KEYS=1 chroot /host /tmp/guest/sweep.sh -l "$locks" -c "$cpulist" -s "$cs" -t "$think" -r $reps -k $k -d $ms -T $timing
GUEST
	for attempt in 1 2; do
		blk_say "repeat $k of $reps: $per_rep runs (boot $attempt, timeout ${timeout}s)"
		rc=0
		"$BLK_TOP/tools/vm.sh" -9 -q $hv -c "$vcpus" -N "$nodes" -t "$timeout" -l "$log" "$guest" || rc=$?
		if [ "$rc" = 0 ] && grep -q '^BLK-SWEEP-DONE' "$log"; then
			break
		fi
		blk_say "repeat $k did not finish (log kept as $log.failed-$attempt)"
		cp "$log" "$log.failed-$attempt"
		[ "$attempt" = 1 ] || blk_die "repeat $k failed twice; see $log.failed-*"
		retried=$((retried + 1))
	done
	logs+=("$log")
done

commit=$(git -C "$BLK_TOP" describe --always --dirty 2>/dev/null || echo unknown)
host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
note="qemu TCG, $vcpus vCPUs, -cpu max,hypervisor=$([ -n "$hv" ] && echo on || echo off), one boot per repeat, timing=$timing"
[ "$retried" = 0 ] || note="$note; $retried boot(s) froze and were repeated"
python3 "$BLK_TOP/tools/report.py" "${logs[@]}" -o "$out" --commit "$commit" \
	--host-cpu "$host_cpu" --note "$note"
# (awk reads all of it: a reader that quits early would SIGPIPE the writer)
awk '/^## Derived/ { exit } /^## Throughput/ { on = 1 } on && n++ < 40' "$out/summary.md"
blk_say "verdict: report written to $out (summary.md, runs.csv, runs.jsonl, throughput.png, acquire_cdf.png, traffic.png)"
