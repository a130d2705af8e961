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
usage: $0 [-c VCPUS] [-d MS] [-s CS_NS] [-t THINK_NS] [-T TIMING] [-l "LOCK ..."] [-H]
  -c VCPUS     vCPUs of the VM (default 2)
  -d MS        run length per lock (default 1000)
  -s CS_NS     critical-section work, ns (default 0)
  -t THINK_NS  work between acquisitions, ns (default 0)
  -T TIMING    off, sample (default) or every (every acquisition timed, as
               blacklock did before timing modes existed)
  -l LOCKS     lock kinds, in order (default: every kind on the menu:
               $BLK_LOCKS)
  -H           set the guest's CPUID hypervisor bit, so that its spinlock_t
               is the virt_spin_lock() test-and-set fallback
USAGE
	exit 2
}

vcpus=2 ms=1000 cs=0 think=0 hv= timing=sample
locks=$BLK_LOCKS
while getopts "c:d:s:t:T:l:Hh" opt; do
	case "$opt" in
	c) vcpus=$OPTARG ;;
	d) ms=$OPTARG ;;
	s) cs=$OPTARG ;;
	t) think=$OPTARG ;;
	T) timing=$OPTARG ;;
	l) locks=$OPTARG ;;
	H) hv=-H ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$vcpus$ms$cs$think" in *[!0-9]*) usage ;; esac
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
} >"$guest"

timeout=$((120 + $(echo "$locks" | wc -w) * (ms / 1000 + 5)))
"$BLK_TOP/tools/vm.sh" -q $hv -c "$vcpus" -t "$timeout" -l "$log" "$guest"

sed -n '/^BLK-STATS-BEGIN$/,/^BLK-STATS-END$/p' "$log" | sed '1d;$d' >"$BLK_BUILD/demo-stats.txt"
awk -v want="$(echo "$locks" | wc -w)" '
function flush() {
	if (!("lock" in r))
		return
	n++
	name[n] = r["lock"]
	for (k in r)
		v[n, k] = r[k]
	delete r
}
function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
/^run: / { flush(); inrun = 1 }
/^cost: / { flush(); inrun = 0; cost = 1 }
inrun && /^[a-z_0-9]+: / { k = $1; sub(/:$/, "", k); if (!(k in r)) r[k] = $2 }
!inrun && /^cost_[a-z_0-9]+: cycles_per_pair_min=/ {
	k = $1; sub(/^cost_/, "", k); sub(/:$/, "", k)
	cn++; cname[cn] = k
	for (i = 2; i <= NF; i++) { split($i, kv, "="); c[k, kv[1]] = kv[2] }
}
!inrun && /^(kernel|spinlock_impl|clock|cost_pairs_per_batch|cost_batches): / { k = $1; sub(/:$/, "", k); cm[k] = $2 }
END {
	flush()
	if (n == 0 || !cost) {
		print "demo: no results" > "/dev/stderr"
		exit 1
	}
	base = 0
	for (i = 1; i <= n; i++)
		if (name[i] == "spinlock")
			base = i
	printf "\nblacklock demo: kernel %s, %s vCPUs under qemu TCG, spinlock_t: %s, clock %s\n",
		v[1, "kernel"], v[1, "nr_cpus"], v[1, "spinlock_impl"], v[1, "clock"]
	printf "TCG emulates the CPUs: read the ratios, not the absolute cycles.\n\n"
	printf "Uncontended: one CPU, %s batches of %s back-to-back lock/unlock pairs per kind,\n",
		cm["cost_batches"], cm["cost_pairs_per_batch"]
	printf "the empty batch subtracted; (x) = ratio to spinlock.\n\n"
	printf "%-13s %12s %12s %8s %8s\n", "lock", "cycles/pair", "ns/pair", "(x)", "best(x)"
	for (i = 1; i <= cn; i++) {
		k = cname[i]
		printf "%-13s %12s %12s %8.2f %8.2f\n", k, c[k, "cycles_per_pair_median"],
			c[k, "ns_per_pair_median"], c[k, "ratio_to_spinlock_median"],
			c[k, "ratio_to_spinlock_min"]
	}
	printf "\nContended: every lock %s ms on all vCPUs, cs_ns %s, think_ns %s, timing=%s",
		v[1, "duration_ms"], v[1, "cs_ns"], v[1, "think_ns"], v[1, "timing"]
	if (v[1, "timing"] == "sample")
		printf " (1 in %s timed)", v[1, "sample_every"]
	printf ";\n(x) = ratio to spinlock, same boot; lock cyc = cycles per acquisition per CPU\nless the harness floor (the same loop around the empty lock).\n\n"
	printf "%-13s %12s %6s %9s %10s %6s %10s %6s %8s %8s %8s %8s %11s\n",
		"lock", "acq/s", "(x)", "lock cyc", "acq p50", "(x)", "acq p99", "(x)",
		"jain", "max/min", "streak", "rmw/acq", "violations"
	for (i = 1; i <= n; i++) {
		t = v[i, "throughput_per_s"]; p50 = v[i, "acquire_cycles_p50"]
		p99 = v[i, "acquire_cycles_p99"]
		printf "%-13s %12d %6s %9.1f %10d %6s %10d %6s %8.4f %8.3f %8d %8s %11d\n",
			name[i], t, base ? ratio(t, v[base, "throughput_per_s"]) : "-",
			v[i, "lock_cycles_per_acq"],
			p50, base ? ratio(p50, v[base, "acquire_cycles_p50"]) : "-",
			p99, base ? ratio(p99, v[base, "acquire_cycles_p99"]) : "-",
			v[i, "fairness_jain"], v[i, "fairness_max_min"], v[i, "longest_streak"],
			v[i, "contention_counted"] ? v[i, "rmw_per_acq"] : "-", v[i, "violations"]
	}
	printf "\nstreak: most acquisitions in a row by one CPU; rmw/acq: atomic read-modify-writes\n"
	printf "per acquisition (counted kinds; the kernel'"'"'s locks are not instrumented).\n\n"
	caught = "not run"
	for (i = 1; i <= n; i++)
		if (name[i] == "busted")
			caught = v[i, "violations"] > 0 ? "yes, first at acquisition " v[i, "first_overlap_at"] : "NO"
	bad = 0
	for (i = 1; i <= n; i++)
		if (name[i] != "busted" && name[i] != "empty" && v[i, "violations"] != 0)
			bad++
	printf "demo: %d of %d locks measured; real locks with violations: %d; busted caught: %s\n",
		n, want, bad, caught
	exit (n == want && bad == 0 && caught != "NO") ? 0 : 1
}' "$BLK_BUILD/demo-stats.txt"
