#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make fidelity / make numa: the queued locks' two studies, each in one
# boot with its runs interleaved, reported by tools/queued.py.
#
#   fidelity  qspin against spinlock_t (Debian's queued spinlock): 4 vCPUs,
#             workers on 1 and 2 of them at cs 0, 100 and 1000 ns, and on
#             all 4 at cs 0 (oversubscribed: 2 host cores); the cost
#             record (qspin called out of line, as spin_lock() is), each
#             repeat; timing=sample with sample_every=64
#   numa      every real kind on 4 vCPUs in 2 NUMA nodes, and cna at each
#             cna_threshold of -T: the node-grouped handoffs, the longest
#             wait counted in critical sections, timing=every; by default
#             under single-threaded TCG (-M single): the 4 vCPUs take turns
#             on one host thread, and a waiter's PAUSE hands the turn on,
#             so that what the lock does decides who gets it next, not
#             which 2 of the 4 vCPU threads the host happens to run
#             (multi-threaded, 4 vCPUs on 2 host cores, that decides it)
set -euo pipefail
BLK_TOOL=queued
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 fidelity|numa [-l LOCK] [-r REPEATS] [-d MS] [-T "THRESHOLDS"] [-M MODE] [-o FILE]
  fidelity   qspin (or -l LOCK, a variant of it) against spinlock, one
             boot, 4 vCPUs
  numa       every kind, 4 vCPUs on 2 nodes, cna at each threshold
  -r N       repeats, interleaved (default 5)
  -d MS      run length (default 500)
  -l LOCK    fidelity: the kind set against spinlock (default qspin)
  -T LIST    numa: cna_threshold values (default "65536 64")
  -M MODE    TCG threading, tools/vm.sh -T: multi or single (default:
             multi for fidelity, single for numa)
  -o FILE    also write the report (Markdown) to FILE
USAGE
	exit 2
}

[ $# -ge 1 ] || usage
study=$1
shift
case "$study" in fidelity | numa) ;; *) usage ;; esac
reps=5 ms=500 thresholds="65536 64" out="" lock=qspin tcg=
while getopts "l:r:d:T:M:o:h" opt; do
	case "$opt" in
	M) tcg=$OPTARG ;;
	l) lock=$OPTARG ;;
	r) reps=$OPTARG ;;
	d) ms=$OPTARG ;;
	T) thresholds=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$reps$ms$(echo $thresholds | tr -d ' ')" in *[!0-9]* | "") usage ;; esac
blk_known_locks "$lock" || usage
[ -n "$tcg" ] || { [ "$study" = numa ] && tcg=single || tcg=multi; }
case "$tcg" in multi | single) ;; *) usage ;; esac

"$BLK_TOP/tools/bootstrap.sh" demo
mkdir -p "$BLK_BUILD"
guest=$BLK_BUILD/$study-guest.sh
log=$BLK_BUILD/$study.log
# one line per run: the repeat's variants, each "LOCK NCPUS CS KNOBS"
if [ "$study" = fidelity ]; then
	# one timed acquisition in 64, fixed: auto's stride leaves the
	# oversubscribed runs (a few 10000 acquisitions) without samples
	nodes=1 timing="sample sample_every=64"
	variants=$(for n in 1 2; do for c in 0 100 1000; do
		for l in $lock spinlock; do echo "$l $n $c -"; done; done; done
		for l in $lock spinlock; do echo "$l 4 0 -"; done)
else
	nodes=2 timing=every
	variants=$(for l in $(blk_locks lock kernel); do
		if [ "$l" = cna ]; then
			for t in $thresholds; do echo "cna 4 0 cna_threshold=$t"; done
		else
			echo "$l 4 0 -"
		fi
	done)
fi
nvar=$(echo "$variants" | wc -l)
{
	echo "set -e"
	echo "echo \"QUEUED-META study=$study kernel=\$(uname -r) vcpus=\$(nproc) nodes=$nodes timing=${timing%% *} ms=$ms tcg=$tcg\""
	echo "for r in \$(seq 1 $reps); do"
	[ "$study" = fidelity ] &&
		echo "  echo \"QUEUED-COST-BEGIN rep=\$r\"; blkctl cost; echo QUEUED-COST-END"
	# each repeat starts one variant further on, so that no variant
	# always follows the same one
	echo "  rot=\$(( (r - 1) % $nvar ))"
	echo "  { tail -n +\$((rot + 1)) /guest/variants; head -n \$rot /guest/variants; } |"
	echo "  while read -r l n c k; do"
	echo "    [ \"\$k\" = - ] && k="
	echo "    rec=\$(blkctl run lock=\$l cpus=all ncpus=\$n cs_ns=\$c think_ns=0 duration_ms=$ms timing=$timing watchdog_ms=5000 \$k)"
	echo "    echo \"QUEUED-RUN-BEGIN rep=\$r lock=\$l ncpus=\$n cs=\$c knobs=\${k:--}\"; echo \"\$rec\"; echo QUEUED-RUN-END"
	echo "  done"
	echo "done"
} >"$guest"
echo "$variants" >"$BLK_BUILD/variants"

timeout=$(blk_vm_timeout $((reps * (nvar + 1))) "$ms" 4)
blk_say "$study: $reps repeats x $nvar runs of $ms ms in one boot (4 vCPUs, $nodes node(s))"
"$BLK_TOP/tools/vm.sh" -q -T "$tcg" -c 4 -N "$nodes" -t "$timeout" -f "$BLK_BUILD/variants" -l "$log" "$guest"
python3 "$BLK_TOP/tools/queued.py" "$study" "$log" --lock "$lock" ${out:+-o "$out"}
