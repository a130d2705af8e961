#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make fidelity / make numa: the queued locks' two studies, each boot's
# runs interleaved, reported by tools/queued.py.
#
#   fidelity  qspin against spinlock_t (Debian's queued spinlock): 4 vCPUs;
#             under multi-threaded TCG workers on 1 and 2 of them at cs 0,
#             100 and 1000 ns, and on all 4 at cs 0 (oversubscribed: 2
#             host cores); under single-threaded TCG (a second boot) on 3
#             and 4 at each cs, where qspin queues past the pending bit;
#             the cost record (qspin called out of line, as spin_lock()
#             is), each repeat; timing=sample with sample_every=64
#   numa      every real kind on 4 vCPUs in 2 NUMA nodes, and cna at each
#             limit of -T (a time, 1 ms the series' default, or a count
#             of handoffs, the time limit then off) and with irq_hz, where
#             every waiter is urgent: the node-grouped handoffs, the longest
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
  fidelity   qspin (or -l LOCK, a variant of it) against spinlock, 4
             vCPUs, two boots: multi- and single-threaded TCG
  numa       every kind, 4 vCPUs on 2 nodes, cna at each threshold
  -r N       repeats, interleaved (default 5)
  -d MS      run length (default 500)
  -l LOCK    fidelity: the kind set against spinlock (default qspin)
  -T LIST    numa: cna's limits, each Nns (cna_threshold_ns) or N
             (cna_threshold, no time limit) (default "1000000ns 65536 64")
  -M MODE    TCG threading, tools/vm.sh -T: multi or single; fidelity
             boots once in each by default (both), numa single
  -o FILE    also write the report (Markdown) to FILE
USAGE
	exit 2
}

[ $# -ge 1 ] || usage
study=$1
shift
case "$study" in fidelity | numa) ;; *) usage ;; esac
reps=5 ms=500 thresholds="1000000ns 65536 64" out="" lock=qspin tcg=
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
case "$reps$ms" in *[!0-9]* | "") usage ;; esac
for t in $thresholds; do
	case "${t%ns}" in *[!0-9]* | "") usage ;; esac
done
blk_known_locks "$lock" || usage
[ -n "$tcg" ] || { [ "$study" = numa ] && tcg=single || tcg=both; }
case "$study:$tcg" in *:multi | *:single | fidelity:both) ;; *) usage ;; esac

"$BLK_TOP/tools/bootstrap.sh" demo
mkdir -p "$BLK_BUILD"

# boot NAME TCG NODES TIMING VARIANTS: one boot running VARIANTS (one line
# per run, "LOCK NCPUS CS KNOBS") REPEATS times, interleaved; its log is
# $BLK_BUILD/NAME.log
boot() {
	local name=$1 mode=$2 nodes=$3 timing=$4 variants=$5 nvar guest log timeout
	nvar=$(echo "$variants" | wc -l)
	guest=$BLK_BUILD/$name-guest.sh
	log=$BLK_BUILD/$name.log
	{
		echo "set -e"
		echo "echo \"QUEUED-META study=$study kernel=\$(uname -r) vcpus=\$(nproc) nodes=$nodes timing=${timing%% *} ms=$ms tcg=$mode\""
		echo "for r in \$(seq 1 $reps); do"
		[ "$study" = fidelity ] &&
			echo "  echo \"QUEUED-COST-BEGIN rep=\$r\"; blkctl cost; echo QUEUED-COST-END"
		# each repeat starts one variant further on, so that no variant
		# always follows the same one
		echo "  rot=\$(( (r - 1) % $nvar ))"
		echo "  { tail -n +\$((rot + 1)) /guest/variants; head -n \$rot /guest/variants; } |"
		echo "  while read -r l n c k; do"
		echo "    [ \"\$k\" = - ] && k="
		echo "    rec=\$(blkctl run lock=\$l cpus=all ncpus=\$n cs_ns=\$c think_ns=0 duration_ms=$ms timing=$timing watchdog_ms=5000 irq_hz=0 \$k)"
		echo "    echo \"QUEUED-RUN-BEGIN rep=\$r lock=\$l ncpus=\$n cs=\$c knobs=\$(echo \${k:--} | tr ' ' ,)\"; echo \"\$rec\"; echo QUEUED-RUN-END"
		echo "  done"
		echo "done"
	} >"$guest"
	echo "$variants" >"$BLK_BUILD/variants"
	timeout=$(blk_vm_timeout $((reps * (nvar + 1))) "$ms" 4)
	blk_say "$study: $reps repeats x $nvar runs of $ms ms in one boot (4 vCPUs, $nodes node(s), $mode-threaded TCG)"
	"$BLK_TOP/tools/vm.sh" -q -T "$mode" -c 4 -N "$nodes" -t "$timeout" -f "$BLK_BUILD/variants" -l "$log" "$guest"
	logs+=("$log")
}

# fidelity's rows: LOCK and spinlock at each "NCPUS CS"
pairs() {
	local n c l
	for n in $1; do for c in $2; do for l in $lock spinlock; do
		echo "$l $n $c -"
	done; done; done
}

logs=()
if [ "$study" = fidelity ]; then
	# one timed acquisition in 64, fixed: auto's stride leaves the
	# oversubscribed runs (a few 10000 acquisitions) without samples.
	# Multi-threaded TCG: 1 and 2 workers run in parallel on the 2 host
	# cores (2 contenders never queue past the pending bit), 4 are
	# oversubscribed (the host, not the lock, decides who runs).
	# Single-threaded TCG, or -M: 3 and 4 workers take turns on one host
	# thread, a waiter's PAUSE handing the turn on: the queue path runs
	# in every configuration (the record's queued count says how often).
	[ "$tcg" = single ] ||
		boot fidelity-multi multi 1 "sample sample_every=64" \
			"$(pairs "1 2" "0 100 1000"; pairs 4 0)"
	[ "$tcg" = multi ] ||
		boot fidelity-single single 1 "sample sample_every=64" \
			"$(pairs "3 4" "0 100 1000")"
else
	boot numa "$tcg" 2 every "$(for l in $(blk_locks lock kernel); do
		if [ "$l" = cna ]; then
			for t in $thresholds; do
				case "$t" in
				*ns) echo "cna 4 0 cna_threshold=0 cna_threshold_ns=${t%ns}" ;;
				*) echo "cna 4 0 cna_threshold=$t cna_threshold_ns=0" ;;
				esac
			done
			# every waiter urgent (interrupts off): v15 moves none
			echo "cna 4 0 cna_threshold=0 cna_threshold_ns=1000000 irq_hz=1000 watchdog_ms=0"
		else
			echo "$l 4 0 -"
		fi
	done)"
fi
python3 "$BLK_TOP/tools/queued.py" "$study" "${logs[@]}" --lock "$lock" ${out:+-o "$out"}
