#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make compare: a quick sweep in the VM, with perf stat around every run,
# and a report in results/: runs.csv and runs.jsonl (appended), summary.md,
# throughput.png and acquire_cdf.png. The guest runs the host's own
# userland (perf, bash) read-only over 9p.
set -euo pipefail
BLK_TOOL=compare
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 [-c VCPUS] [-r REPEATS] [-d MS] [-l "LOCKS"] [-s "CS_NS"] [-t "THINK_NS"] [-o DIR] [-H]
  -c VCPUS     vCPUs (default 2); the sweep covers 1..VCPUS workers
  -r REPEATS   repeats of each configuration (default 3)
  -d MS        run length (default 300)
  -l LOCKS     default: ttas ttas_asm tas spinlock raw_spinlock
  -s CS_NS     critical-section lengths (default: 0 100 1000)
  -t THINK_NS  think times (default: 0 1000)
  -o DIR       where the report goes (default: results)
  -H           set the CPUID hypervisor bit (virt_spin_lock spinlock_t)
USAGE
	exit 2
}

vcpus=2 reps=3 ms=300 locks="ttas ttas_asm tas spinlock raw_spinlock"
cs="0 100 1000" think="0 1000" out=$BLK_TOP/results hv=
while getopts "c:r:d:l:s:t:o:Hh" opt; do
	case "$opt" in
	c) vcpus=$OPTARG ;;
	r) reps=$OPTARG ;;
	d) ms=$OPTARG ;;
	l) locks=$OPTARG ;;
	s) cs=$OPTARG ;;
	t) think=$OPTARG ;;
	o) out=$OPTARG ;;
	H) hv=-H ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$vcpus$reps$ms$(echo $cs $think | tr -d ' ')" in *[!0-9]* | "") usage ;; esac
blk_known_locks "$locks" || usage
case " $locks " in *" spinlock "*) ;; *) blk_die "-l must include spinlock: every ratio is to it" ;; esac

"$BLK_TOP/tools/bootstrap.sh" compare
blk_build_for_vm
mkdir -p "$BLK_BUILD"
guest=$BLK_BUILD/compare-guest.sh
log=$BLK_BUILD/compare.log
cpulist=$(seq 1 "$vcpus" | tr '\n' ' ')
cat >"$guest" <<GUEST
chroot /host /tmp/guest/sweep.sh -l "$locks" -c "$cpulist" -s "$cs" -t "$think" -r $reps -d $ms
GUEST
n_runs=$(($(echo $locks | wc -w) * vcpus * $(echo $cs | wc -w) * $(echo $think | wc -w) * reps))
timeout=$((180 + n_runs * (ms + 2500) / 1000))
blk_say "$n_runs runs of $ms ms under perf stat, plus one traced run per lock (timeout ${timeout}s)"
"$BLK_TOP/tools/vm.sh" -9 -q $hv -c "$vcpus" -t "$timeout" -l "$log" "$guest"
grep -q '^BLK-SWEEP-DONE' "$log" || blk_die "the sweep did not finish (see $log)"

commit=$(git -C "$BLK_TOP" describe --always --dirty 2>/dev/null || echo unknown)
host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
python3 "$BLK_TOP/tools/report.py" "$log" -o "$out" --commit "$commit" \
	--host-cpu "$host_cpu" --note "qemu TCG, $vcpus vCPUs, -cpu max,hypervisor=${hv:+on}${hv:-off}"
sed -n '/^## Throughput/,/^## Derived/p' "$out/summary.md" | head -n 40
blk_say "verdict: report written to $out (summary.md, runs.csv, runs.jsonl, throughput.png, acquire_cdf.png)"
