#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make oversub: every lock on more vCPUs than the host has cores, with the
# CPUID hypervisor bit off and on. One boot per (vCPUs, bit); in each, every
# lock runs on all vCPUs (tools/guest/sweep.sh, cs 0, think 0, one repeat, the
# order pass included), so the ratios compare locks within one boot.
# tools/oversub.py writes DIR/oversub.md and DIR/oversub.png (throughput
# against vCPUs, a panel per bit).
#
# Why it matters: a vCPU that the host deschedules stops whatever its guest
# CPU was doing. If that was holding a lock, every waiter spins until it
# runs again; if it was the next waiter of a FIFO lock (ticket, MCS), the
# lock is handed to a CPU that is not running, and everyone behind it waits
# too. Paravirt spinlocks and virt_spin_lock() (the test-and-set that
# spinlock_t becomes when the hypervisor bit is set) exist because of it.
set -euo pipefail
BLK_TOOL=oversub
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 [-c "VCPUS"] [-d MS] [-l "LOCKS"] [-p PARAMS] [-o DIR]
  -c VCPUS  vCPU counts to boot (default: "2 4 8"; this host has $(nproc) cores)
  -d MS     run length (default 500)
  -l LOCKS  default: the real locks ($(blk_locks lock kernel))
  -p PARAMS knob values for the whole sweep, as insmod parameters
            (tools/vm.sh -p), e.g. "sample_every=256"
  -o DIR    where the report goes (default: results)
USAGE
	exit 2
}

counts="2 4 8" ms=500 locks=$(blk_locks lock kernel) out=$BLK_TOP/results params=
while getopts "c:d:l:p:o:h" opt; do
	case "$opt" in
	c) counts=$OPTARG ;;
	d) ms=$OPTARG ;;
	l) locks=$OPTARG ;;
	p) params=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$ms$(echo $counts | tr -d ' ')" in *[!0-9]* | "") usage ;; esac
blk_known_locks "$locks" || usage
case " $locks " in *" spinlock "*) ;; *) blk_die "-l must include spinlock: every ratio is to it" ;; esac

"$BLK_TOP/tools/bootstrap.sh" compare
mkdir -p "$BLK_BUILD" "$out"
logs=()
for c in $counts; do
	for hv in off on; do
		guest=$BLK_BUILD/oversub-guest-$c-$hv.sh
		log=$BLK_BUILD/oversub-$c-$hv.log
		cat >"$guest" <<GUEST
echo "BLK-META vcpus=$c"
echo "BLK-META hypervisor=$hv"
BLK_KEEP_KEYS=1 chroot /host /tmp/guest/sweep.sh -l "$locks" -c "$c" -s 0 -t 0 -r 1 -d $ms -i 0
GUEST
		# the main, order and irq runs of each lock
		timeout=$(blk_vm_timeout $((3 * $(echo $locks | wc -w))) "$ms" "$c")
		blk_say "$c vCPUs on $(nproc) cores, hypervisor bit $hv (timeout ${timeout}s)"
		rc=0
		"$BLK_TOP/tools/vm.sh" -9 -q $([ $hv = on ] && echo -H) -c "$c" -t "$timeout" \
			${params:+-p "$params"} -l "$log" "$guest" || rc=$?
		grep -q '^BLK-SWEEP-DONE' "$log" || blk_die "$c vCPUs, bit $hv: the sweep did not finish (rc $rc; see $log)"
		logs+=("$log")
	done
done
python3 "$BLK_TOP/tools/oversub.py" -o "$out" --host-cores "$(nproc)" "${logs[@]}"
blk_say "verdict: report written to $out (oversub.md, oversub.png)"
