#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build blacklock.ko, boot it in a throwaway VM, measure every
# lock kind's uncontended cost ("cost" in control), then run every kind on
# all vCPUs one after the other in the same boot, and print both tables,
# each figure also as a ratio to the kernel's spinlock_t.
set -euo pipefail
BLK_TOOL=demo
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 [-c VCPUS] [-N NODES] [-d MS] [-s CS_NS] [-t THINK_NS] [-T TIMING] [-l "LOCK ..."] [-H] [-S]
  -c VCPUS     vCPUs of the VM (default 2)
  -N NODES     NUMA nodes of the VM (default 1; tools/vm.sh -N)
  -d MS        run length per lock (default 1000)
  -s CS_NS     critical-section work, ns (default 0)
  -t THINK_NS  work between acquisitions, ns (default 0)
  -T TIMING    off, sample (default) or every (every acquisition timed, as
               blacklock did before timing modes existed)
  -l LOCKS     lock kinds, in order (default: every kind on the menu:
               $BLK_LOCKS)
  -H           set the guest's CPUID hypervisor bit, so that its spinlock_t
               is the virt_spin_lock() test-and-set fallback
  -S           no silicon column: skip the same runs on the host's own cores
               (the host world, tools/host)
USAGE
	exit 2
}

vcpus=2 nodes=1 ms=1000 cs=0 think=0 hv= timing=sample silicon=1
locks=$BLK_LOCKS
while getopts "c:N:d:s:t:T:l:HSh" opt; do
	case "$opt" in
	c) vcpus=$OPTARG ;;
	N) nodes=$OPTARG ;;
	d) ms=$OPTARG ;;
	s) cs=$OPTARG ;;
	t) think=$OPTARG ;;
	T) timing=$OPTARG ;;
	l) locks=$OPTARG ;;
	H) hv=-H ;;
	S) silicon=0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$vcpus$nodes$ms$cs$think" in *[!0-9]*) usage ;; esac
case "$timing" in off | sample | every) ;; *) usage ;; esac
blk_known_locks "$locks" || usage

"$BLK_TOP/tools/bootstrap.sh" demo
mkdir -p "$BLK_BUILD"
guest=$BLK_BUILD/demo-guest.sh
log=$BLK_BUILD/demo.log
{
	echo "set -e"
	echo "echo \"demo: measuring the uncontended cost of every kind\""
	echo "blkctl cost >/dev/null"
	for l in $locks; do
		echo "echo \"demo: running $l for $ms ms\""
		echo "blkctl run lock=$l duration_ms=$ms cs_ns=$cs think_ns=$think timing=$timing >/dev/null"
	done
	echo "echo BLK-STATS-BEGIN"
	echo "blkctl stats"
	echo "echo BLK-STATS-END"
	echo "echo BLK-JSON-BEGIN"
	echo "cat /sys/kernel/debug/blacklock/stats.json"
	echo "echo BLK-JSON-END"
} >"$guest"

# every lock, and the cost measurement (about a second)
timeout=$(blk_vm_timeout $(($(echo "$locks" | wc -w) + 1)) "$ms" "$vcpus")
"$BLK_TOP/tools/vm.sh" -q $hv -c "$vcpus" -N "$nodes" -t "$timeout" -l "$log" "$guest"

blk_section "$log" STATS >"$BLK_BUILD/demo-stats.txt"
blk_section "$log" JSON >"$BLK_BUILD/demo-stats.json"

# the silicon column: the same runs of the kinds the host world has, on as
# many of the host's own cores as the VM had vCPUs (ncpus; fewer if the host
# has fewer)
host=()
if [ "$silicon" = 1 ] && make -s -j"$(nproc)" -C "$BLK_TOP/tools/host" >/dev/null 2>&1; then
	hk=$("$BLK_BUILD/host/blk-host" locks | awk '{ print $1 }')
	args=()
	for l in $locks; do
		grep -qx "$l" <<<"$hk" || continue
		args+=(run lock="$l" ncpus="$(( vcpus < $(nproc) ? vcpus : $(nproc) ))" duration_ms="$ms"
			cs_ns="$cs" think_ns="$think" timing="$timing" ,)
	done
	if [ ${#args[@]} -gt 0 ] && "$BLK_BUILD/host/blk-host" "${args[@]}" stats.json \
		>"$BLK_BUILD/demo-host.log" 2>/dev/null; then
		blk_section "$BLK_BUILD/demo-host.log" JSON >"$BLK_BUILD/demo-host.json"
		host=(--host "$BLK_BUILD/demo-host.json")
	else
		blk_say "no silicon column: blk-host did not run (see $BLK_BUILD/demo-host.log)"
	fi
fi
python3 "$BLK_TOP/tools/demo.py" --want "$(echo "$locks" | wc -w)" "${host[@]}" "$BLK_BUILD/demo-stats.json"
