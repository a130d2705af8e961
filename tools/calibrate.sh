#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make calibrate: what the emulator gets wrong. The same kinds, knobs and
# thread counts in the TCG VM (one boot) and on the host's own cores (the
# host world, tools/host), then tools/calibrate.py: per setting, each kind's
# ratio to qspin in TCG and on silicon, their quotient, and the Spearman
# rank correlation of the two orders; -> DIR/calibrate.md.
set -euo pipefail
BLK_TOOL=calibrate
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 [-d MS] [-r REPEATS] [-s CS_NS] [-t "THREADS ..."] [-l "LOCK ..."] [-o DIR]
  -d MS        run length per kind and setting (default 500)
  -r REPEATS   interleaved repeats: every kind of a setting once, then again
               (default 3); the report takes medians of per-repeat ratios
  -s CS_NS     critical-section work, ns (default 0)
  -t THREADS   thread counts (default "1 N", N the host's online CPUs;
               the VM gets N vCPUs)
  -l LOCKS     kinds in both worlds (default every real kind of the module
               that the host has too)
  -o DIR       where the records and the report go (default build/calibrate)
USAGE
	exit 2
}

ncpu=$(nproc)
ms=500 reps=3 cs=0 counts="1 $ncpu" locks= out=$BLK_BUILD/calibrate
while getopts "d:r:s:t:l:o:h" opt; do
	case "$opt" in
	d) ms=$OPTARG ;;
	r) reps=$OPTARG ;;
	s) cs=$OPTARG ;;
	t) counts=$OPTARG ;;
	l) locks=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$ms$reps$cs${counts// /}" in *[!0-9]*) usage ;; esac
[ "$reps" -ge 1 ] || usage
for t in $counts; do
	[ "$t" -ge 1 ] && [ "$t" -le "$ncpu" ] || blk_die "-t $t: 1 .. $ncpu (the host's CPUs, the VM's vCPUs)"
done

"$BLK_TOP/tools/bootstrap.sh" demo
make -s -j"$(nproc)" -C "$BLK_TOP/tools/host" >/dev/null || blk_die "blk-host does not build (make -C tools/host)"
host=$BLK_BUILD/host/blk-host
both=
for l in $(blk_locks lock); do
	"$host" locks | awk '{ print $1 }' | grep -qx "$l" && both="$both $l"
done
[ -n "$locks" ] || locks=${both# }
for l in $locks; do
	case " $both " in *" $l "*) ;; *) blk_die "-l $l: not a real kind of both worlds ($both)" ;; esac
done
case " $locks " in *" qspin "*) ;; *) blk_die "-l must include qspin: the ratios are to it" ;; esac
mkdir -p "$out"

# the VM, every setting in one boot: for each repeat and setting, every
# kind, then its records (a JSON section each: the module keeps 32 runs)
guest=$out/calibrate-guest.sh
{
	echo "set -e"
	for r in $(seq 1 "$reps"); do
		for t in $counts; do
			for l in $locks; do
				echo "blkctl run lock=$l ncpus=$t duration_ms=$ms cs_ns=$cs think_ns=0 >/dev/null"
			done
			echo "echo BLK-JSON-BEGIN"
			echo "cat /sys/kernel/debug/blacklock/stats.json"
			echo "echo BLK-JSON-END"
			echo "blkctl reset"
		done
	done
} >"$guest"
n=$(($(echo "$locks" | wc -w) * $(echo "$counts" | wc -w) * reps))
blk_say "the VM: $n runs of $ms ms on $ncpu vCPUs ($reps interleaved repeats)"
"$BLK_TOP/tools/vm.sh" -q -c "$ncpu" -t "$(blk_vm_timeout "$n" "$ms" "$ncpu")" -l "$out/vm.log" "$guest"

# the host: the same runs in the same order, one process
args=()
for r in $(seq 1 "$reps"); do
	for t in $counts; do
		for l in $locks; do
			args+=(run lock="$l" ncpus="$t" duration_ms="$ms" cs_ns="$cs" think_ns=0 ,)
		done
		args+=(stats.json , reset ,)
	done
done
blk_say "the host: the same $n runs on its own cores"
"$host" "${args[@]}" locks >"$out/host.log" 2>"$out/host.err"

python3 "$BLK_TOP/tools/calibrate.py" "$out/vm.log" "$out/host.log" -o "$out/calibrate.md"
