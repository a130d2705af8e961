#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The integration test, run inside the VM by tools/check.sh (busybox sh).
# One "ok N - ..." or "not ok N - ..." line per check, TAP style; the JSON
# of every run is printed between BLK-JSON markers for the host to parse.
# Exit status: the number of failed checks (0 = all passed).
D=/sys/kernel/debug/blacklock
DUR=${BLK_CHECK_MS:-2000}
# acquisitions each real lock must reach
ACQ=${BLK_CHECK_ACQ:-1000000}
# kmemleak, in a kernel that has it: what leaked before now is not ours
KML=/sys/kernel/debug/kmemleak
if [ -w $KML ]; then
	echo scan >$KML
	echo clear >$KML
fi
n=0
failed=0

# BLK_COUNT_PATCHES=1 (tools/freeze-repro.sh -c, debug kernel): the function
# tracer, in a trace instance of its own, records every batch of live text
# patches (text_poke_bp_batch(), the int3 dance that can freeze a
# multi-threaded TCG guest) with its call stack, and every check and the
# first worker are marked in the same buffer, so that each patch can be
# placed. Printed at the end between BLK-PATCHES markers.
P=
if [ "${BLK_COUNT_PATCHES:-}" = 1 ]; then
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	P=/sys/kernel/tracing/instances/patches
	mkdir $P && echo 16384 >$P/buffer_size_kb &&
		echo text_poke_bp_batch >$P/set_ftrace_filter &&
		echo 1 >$P/options/func_stack_trace &&
		echo function >$P/current_tracer || P=
	[ -n "$P" ] || echo "BLK_COUNT_PATCHES: cannot trace text_poke_bp_batch here"
fi
mark() { [ -z "$P" ] || echo "BLK-MARK $*" >$P/trace_marker; }
mark "start: module loaded, no worker yet"
ok() { n=$((n + 1)); echo "ok $n - $*"; mark "after ok $n"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; mark "after not ok $n"; }
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
# The newest run's record from the stats file (a cost record may follow it).
last_run() { awk '/^run: / { r = "" } /^cost: / { exit } { r = r $0 "\n" } END { printf "%s", r }' "$D/stats"; }
# key NAME < record
key() { awk -v k="$1:" '$1 == k { print $2; exit }'; }
# A write that must be refused with the given error, leaving the knob as it was.
refused() {
	file=$1 value=$2 want=$3
	before=$(cat "$D/$file" 2>/dev/null)
	err=$( { echo "$value" >"$D/$file"; } 2>&1) && err="accepted"
	after=$(cat "$D/$file" 2>/dev/null)
	case "$err" in
	*"$want"*)
		check "$file='$value' refused ($want), value kept" [ "$before" = "$after" ] ;;
	*)
		not_ok "$file='$value' refused ($want): got '$err'" ;;
	esac
}

# ---- CPU hotplug, 3 vCPUs: a run on CPUs 0-1, CPU 2 outside it -------------
# BLK_CHECK_ONLY=hotplug3 (tools/check.sh boots 3 vCPUs for it): CPU 1
# goes down mid-run. Its worker must stop on CPU 1, not hammer on where the
# scheduler's balance-push would move it: no batch ended elsewhere
# (strays), and no contention counted on CPU 2 (outside_counts).
hotplug3() {
	blkctl set lock=ttas duration_ms=4000 cpus=0-1 ncpus=0 timing=sample
	blkctl start
	sleep 1
	echo 0 >/sys/devices/system/cpu/cpu1/online
	blkctl wait
	rec=$(last_run)
	check "3 vCPUs, run on 0-1, CPU 1 taken down: the run stops there (hotplug_stopped $(echo "$rec" | key hotplug_stopped), cpu $(echo "$rec" | key hotplug_cpu), nr_cpus $(echo "$rec" | key nr_cpus), violations $(echo "$rec" | key violations))" \
		[ "$(echo "$rec" | key hotplug_stopped)" = 1 -a "$(echo "$rec" | key hotplug_cpu)" = 1 \
		  -a "$(echo "$rec" | key nr_cpus)" = 2 -a "$(echo "$rec" | key violations)" = 0 ]
	check "3 vCPUs: CPU 1's worker stayed on CPU 1 until it stopped (strays $(echo "$rec" | key strays))" \
		[ "$(echo "$rec" | key strays)" = 0 ]
	check "3 vCPUs: CPU 2, outside the run, counted nothing (outside_counts $(echo "$rec" | key outside_counts))" \
		[ "$(echo "$rec" | key outside_counts)" = 0 ]
	echo 1 >/sys/devices/system/cpu/cpu1/online
	rec=$(blkctl run lock=ttas duration_ms=300 cpus=0-1 ncpus=0)
	check "3 vCPUs: CPU 1 back, a run on 0-1 again clean (nr_cpus $(echo "$rec" | key nr_cpus), strays $(echo "$rec" | key strays), outside_counts $(echo "$rec" | key outside_counts))" \
		[ "$(echo "$rec" | key nr_cpus)" = 2 -a "$(echo "$rec" | key strays)" = 0 \
		  -a "$(echo "$rec" | key outside_counts)" = 0 ]
}
# ---- NUMA, 4 vCPUs on 2 nodes (tools/vm.sh -N 2) -----------------------------
# BLK_CHECK_ONLY=numa (tools/check.sh boots it): each cpuN line names its
# CPU's node, the record counts the nodes, and the node-grouped handoffs
# add up to the matrix's.
numa() {
	rec=$(blkctl run lock=mcs cpus=all ncpus=0 cs_ns=0 think_ns=0 duration_ms=300 timing=every)
	nodes=$(echo "$rec" | grep -o ' node=[0-9]*' | tr -d ' ' | tr '\n' ' ')
	intra=$(echo "$rec" | key handoffs_intra_node)
	inter=$(echo "$rec" | key handoffs_inter_node)
	from=$(echo "$rec" | grep -o 'handoffs_from=[0-9,]*' | sed 's/handoffs_from=//' | tr ',' '\n' |
		awk '{ s += $1 } END { print s + 0 }')
	check "4 vCPUs on 2 nodes: the record has nr_nodes 2 ($(echo "$rec" | key nr_nodes)) and the CPUs' nodes 0 0 1 1 ($nodes)" \
		[ "$(echo "$rec" | key nr_nodes)" = 2 -a "$nodes" = "node=0 node=0 node=1 node=1 " ]
	check "4 vCPUs on 2 nodes: intra-node $intra + inter-node $inter handoffs = the matrix's $from" \
		[ $((intra + inter)) = "$from" -a "$from" -gt 0 ]
	# cna with v15's default limit; then every waiter urgent (the workers
	# take the lock with interrupts off, irq_hz): v15 sets none aside
	rec=$(blkctl run lock=cna timing=off)
	check "4 vCPUs on 2 nodes: cna under its 1 ms limit (cna_threshold_ns $(echo "$rec" | key cna_threshold_ns)): violations $(echo "$rec" | key violations), moved $(echo "$rec" | key cna_moved), flushes $(echo "$rec" | key cna_flushes)" \
		[ "$(echo "$rec" | key cna_threshold_ns)" = 1000000 -a "$(echo "$rec" | key violations)" = 0 ]
	rec=$(blkctl run lock=cna timing=off irq_hz=1000 watchdog_ms=0)
	blkctl set irq_hz=0 watchdog_ms=5000
	check "4 vCPUs on 2 nodes: cna with interrupts off (irq_hz), every waiter urgent, moved none (cna_moved $(echo "$rec" | key cna_moved), queued $(echo "$rec" | key queued), violations $(echo "$rec" | key violations))" \
		[ "$(echo "$rec" | key cna_moved)" = 0 -a "$(echo "$rec" | key violations)" = 0 ]
}
# ---- the worked example of Documentation/extending.rst -----------------------
# BLK_EXAMPLE=ID (tools/check.sh, with -f blacklock-example.ko, the module
# tools/example.sh builds with the kind ID added as its file and one list
# line): loaded in place of blacklock.ko, the kind is on the menu, runs
# clean, and is measured as make demo measures, beside spinlock_t and the
# negative control; the records go to the host (BLK-EXAMPLE), whose
# tools/demo.py prints the demo's tables from them.
example() {
	rmmod blacklock
	check "the worked example's module loads in place of blacklock.ko" insmod /guest/blacklock-example.ko
	check "the worked example's kind $BLK_EXAMPLE is on the menu" grep -q "^$BLK_EXAMPLE " "$D/locks"
	blkctl cost >/dev/null
	for l in "$BLK_EXAMPLE" spinlock busted; do
		blkctl run lock=$l cpus=0-1 ncpus=0 duration_ms=300 >/dev/null
		[ "$l" != "$BLK_EXAMPLE" ] || rec=$(last_run)
	done
	check "$BLK_EXAMPLE on 2 CPUs, 300 ms: $(echo "$rec" | key acquisitions) acquisitions, violations $(echo "$rec" | key violations)" \
		[ "$(echo "$rec" | key violations)" = 0 -a "$(echo "$rec" | key acquisitions)" -gt 0 ]
	echo BLK-EXAMPLE-BEGIN
	cat "$D/stats.json"
	echo BLK-EXAMPLE-END
	rmmod blacklock
}
case "${BLK_CHECK_ONLY:-}" in
hotplug3 | numa)
	"$BLK_CHECK_ONLY"
	[ -z "${BLK_EXAMPLE:-}" ] || example
	echo "guest: $((n - failed)) passed, $failed failed"
	exit "$failed"
	;;
esac

# The real locks, from the module's own menu: class lock or kernel.
REAL=$(awk '$2 == "lock" || $2 == "kernel" { print $1 }' "$D/locks")
check "the menu has real locks, the empty floor and busted ($(echo $REAL))" \
	[ -n "$REAL" -a "$(awk '$2 == "floor" { print $1 }' "$D/locks")" = empty \
	  -a "$(awk '$2 == "broken" { print $1 }' "$D/locks")" = busted ]

# ---- mutual exclusion: every real lock, >= $ACQ acquisitions ---------------
# A queued spinlock whose next waiter's vCPU the host has descheduled can
# crawl (tens of thousands of acquisitions a second when the host is busy):
# up to five runs, until a million acquisitions are in.
# The blacklock tracepoints, switched on now, before any worker, in two
# trace instances of our own with their buffers off, and left on. Each
# tracepoint then has two probes: a key that is on, and a static call that
# goes to the iterator. The toggles of the tracepoint checks below add and
# remove a third probe, which changes neither, and patch no kernel text
# (each live patch is a small chance of freezing a multi-threaded TCG
# guest; tools/freeze-repro.sh, whose -c counts the patches of this test).
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null
for k in keep1 keep2; do
	mkdir -p $T/instances/$k && echo 0 >$T/instances/$k/tracing_on &&
		echo 1 >$T/instances/$k/events/blacklock/enable
done

mark "first-run: the first workers start"
for l in $REAL; do
	acq=0 vio=0 runs=0
	while [ "$acq" -lt "$ACQ" ] && [ "$runs" -lt 5 ]; do
		rec=$(blkctl run lock=$l duration_ms="$DUR" cs_ns=0 think_ns=0 cpus=all ncpus=0)
		acq=$((acq + $(echo "$rec" | key acquisitions)))
		vio=$((vio + $(echo "$rec" | key violations)))
		runs=$((runs + 1))
		# for make matrix (tools/matrix.py): one line per run
		echo "BLK-CHECK-RUN lock=$l flavour=$(echo "$rec" | key spinlock_impl)" \
			"throughput_per_s=$(echo "$rec" | key throughput_per_s)" \
			"acquisitions=$(echo "$rec" | key acquisitions) violations=$(echo "$rec" | key violations)"
	done
	check "$l: violations 0 over >= $ACQ acquisitions (got $vio over $acq in $runs runs)" \
		[ "$acq" -ge "$ACQ" -a "$vio" = 0 ]
done
for l in ttas ttas_asm spinlock; do
	rec=$(blkctl run lock=$l duration_ms=500 cs_ns=200 think_ns=100 timing=every)
	vio=$(echo "$rec" | key violations)
	acq=$(echo "$rec" | key acquisitions)
	check "$l with cs_ns=200 think_ns=100: violations 0 (got $vio over $acq)" \
		[ "${acq:-0}" -gt 0 -a "$vio" = 0 ]
done

# ---- a run longer than the soft-lockup (20 s) and RCU-stall (21 s) limits --
# The verdict on the kernel log (host side) is what judges this one.
rec=$(blkctl run lock=ttas duration_ms=25000 cs_ns=1000 think_ns=0)
check "a 25 s run completes with violations 0 (got $(echo "$rec" | key violations))" \
	[ "$(echo "$rec" | key violations)" = 0 -a "$(echo "$rec" | key stopped)" = 0 ]

# ---- the negative control ------------------------------------------------
# Up to five runs, until each detector has fired in one of them, as KUnit's
# blk_test_busted_caught(): on the slow debug kernel a 2 s run once had its
# overlaps caught and no update lost (13 and 0).
vio=0 ovl=0 lost=0 runs=0 first=0
while [ "$runs" -lt 5 ] && { [ "$ovl" = 0 ] || [ "$lost" = 0 ]; }; do
	rec=$(blkctl run lock=busted duration_ms="$DUR" cs_ns=0 think_ns=0)
	runs=$((runs + 1))
	vio=$((vio + $(echo "$rec" | key violations)))
	ovl=$((ovl + $(echo "$rec" | key overlaps)))
	lost=$((lost + $(echo "$rec" | key lost_updates)))
	[ "$first" != 0 ] || first=$(echo "$rec" | key first_overlap_at)
done
check "busted is caught: violations > 0 (got $vio in $runs runs)" [ "${vio:-0}" -gt 0 ]
check "busted is caught by each detector on its own ($ovl overlaps, $lost lost updates in $runs runs)" \
	[ "${ovl:-0}" -gt 0 -a "${lost:-0}" -gt 0 ]
check "busted: the first overlap is placed (at acquisition $first)" [ "${first:-0}" -gt 0 ]

# ---- interrupt context: irq_hz, every real lock --------------------------
# An hrtimer on each worker's CPU takes the lock in hardirq context; the
# workers take it with interrupts off. spinlock_t sleeps on PREEMPT_RT and
# must be refused there.
case "$(uname -v)" in *PREEMPT_RT*) rt=1 ;; *) rt=0 ;; esac
wd=$(cat "$D/watchdog_ms")
blkctl set lock=ttas irq_hz=1000 cpus=all ncpus=0
err=$( { echo start >"$D/control"; } 2>&1) && err=accepted
blkctl set irq_hz=0
check "irq_hz on every CPU with the watchdog on is refused (Invalid argument: no CPU left for it)" \
	eval 'case "$err" in *"Invalid argument"*) true ;; *) false ;; esac'
for l in $REAL; do
	if [ "$rt" = 1 ] && [ "$l" = spinlock ]; then
		blkctl set lock=spinlock irq_hz=1000
		err=$( { echo start >"$D/control"; } 2>&1) && err=accepted
		blkctl set irq_hz=0
		check "irq_hz: spinlock_t is refused on PREEMPT_RT (Invalid argument)" \
			eval 'case "$err" in *"Invalid argument"*) true ;; *) false ;; esac'
		continue
	fi
	# every CPU: none is left for the watchdog, so it must be off
	rec=$(blkctl run lock=$l irq_hz=1000 watchdog_ms=0 duration_ms=500 cs_ns=0 think_ns=0)
	blkctl set irq_hz=0 watchdog_ms=$wd
	irqs=$(echo "$rec" | key irq_acquisitions)
	check "irq_hz=1000 $l: violations 0, $irqs acquisitions in hardirq (latency p99 $(echo "$rec" | key irq_latency_ns_p99) ns, lock wait p99 $(echo "$rec" | key irq_wait_ns_p99) ns)" \
		[ "$(echo "$rec" | key violations)" = 0 -a "${irqs:-0}" -gt 0 ]
done

# ---- the record ------------------------------------------------------------
rec=$(blkctl run lock=ttas duration_ms=300 timing=sample)
# the keys file is the record emitter's own list of keys: the record has
# each of them, and nothing else (make check holds the docs to the list)
missing= extra=
for k in $(awk '$1 == "run" { print $2 }' "$D/keys"); do
	[ -n "$(echo "$rec" | key "$k")" ] || missing="$missing $k"
done
for k in $(echo "$rec" | awk '/^[a-z_0-9]+: / && !/^cpu[0-9]+: / { sub(/:$/, "", $1); print $1 }'); do
	grep -qx "run $k" "$D/keys" || extra="$extra $k"
done
check "stats has every key of the keys file${missing:+ (missing:$missing)}" [ -z "$missing" ]
check "stats has no key the keys file lacks${extra:+ (extra:$extra)}" [ -z "$extra" ]
cpukeys=$(awk '$1 == "cpu" { printf "%s ", $2 }' "$D/keys")
line=$(echo "$rec" | grep -m1 '^cpu[0-9]*: ' | sed 's/^cpu[0-9]*://; s/=[^ ]*//g')
check "a cpuN: line has the keys file's cpu keys, in order ($cpukeys)" [ "$(echo $line) " = "$cpukeys" ]
check "stats has a cpuN: line per CPU" [ "$(echo "$rec" | grep -c '^cpu[0-9]*: ')" = "$(nproc)" ]
check "each cpuN: line has its row of the handoff matrix" \
	[ "$(echo "$rec" | grep -c '^cpu[0-9]*: .* handoffs_from=[0-9,]*')" = "$(nproc)" ]
acq=$(echo "$rec" | key acquisitions)
smp=$(echo "$rec" | key samples)
every=$(echo "$rec" | key sample_every)
hsum=$(awk '$1 == "acquire" { s += $4 } END { print s + 0 }' "$D/histogram")
check "timing=sample is the default" [ "$(awk '$1 == "timing" { print $3 }' "$D/knobs")" = sample ]
check "timing=sample: one in $every timed ($smp samples of $acq)" \
	[ "$(echo "$rec" | key timing)" = sample -a "$every" -gt 1 -a "$smp" -gt 0 -a "$smp" -le $((acq / every)) \
	  -a "$smp" -ge $((acq / every - $(nproc))) ]
check "histogram counts add up to the samples ($hsum = $smp)" [ "$hsum" = "$smp" ]
check "the harness floor and the lock's net cost are in the record ($(echo "$rec" | key harness_cycles_per_iter), $(echo "$rec" | key lock_cycles_per_acq) cycles)" \
	[ "$(echo "$rec" | key harness_cycles_per_iter | tr -d .)" -gt 0 -a "$(echo "$rec" | key aborted)" = 0 ]
rec=$(blkctl run lock=ttas duration_ms=300 timing=every)
hsum=$(awk '$1 == "acquire" { s += $4 } END { print s + 0 }' "$D/histogram")
check "timing=every times every acquisition ($hsum = $(echo "$rec" | key acquisitions))" \
	[ "$hsum" = "$(echo "$rec" | key acquisitions)" -a "$(echo "$rec" | key sample_every)" = 1 ]
hsum=$(awk '$1 == "handoff" { s += $4 } END { print s + 0 }' "$D/histogram")
check "the handoff histogram adds up to handoff_samples ($hsum), no more than the handoffs ($(echo "$rec" | key handoffs))" \
	[ "$hsum" = "$(echo "$rec" | key handoff_samples)" -a "$hsum" -gt 0 -a "$hsum" -le "$(echo "$rec" | key handoffs)" ]
rec=$(blkctl run lock=ttas duration_ms=300 timing=off)
check "timing=off times nothing ($(echo "$rec" | key samples) samples)" \
	[ "$(echo "$rec" | key samples)" = 0 -a "$(echo "$rec" | key sample_every)" = 0 ]
for l in ttas spinlock; do
	rec=$(blkctl run lock=$l duration_ms=500 timing=off loop=reference)
	check "loop=reference $l: counts exactly ($(echo "$rec" | key lost_updates) lost updates over $(echo "$rec" | key acquisitions))" \
		[ "$(echo "$rec" | key loop)" = reference -a "$(echo "$rec" | key violations)" = 0 \
		  -a "$(echo "$rec" | key acquisitions)" -gt 0 ]
done
blkctl set loop=engine timing=sample
rec=$(blkctl cost)
n_cost=$(echo "$rec" | grep -c '^cost_[a-z_]*: cycles_per_pair_min=')
check "cost measures every kind ($n_cost of $(wc -l <"$D/locks"))" [ "$n_cost" = "$(wc -l <"$D/locks")" ]
check "cost: empty is the floor, 0 cycles ($(echo "$rec" | awk '$1 == "cost_empty:"'))" \
	sh -c "echo '$rec' | grep -q '^cost_empty: cycles_per_pair_min=0.000 cycles_per_pair_median=0.000 '"
check "cost: ttas and spinlock cost more than nothing, spinlock is 1.000000 of itself" \
	sh -c "echo '$rec' | grep -q '^cost_spinlock: .*ratio_to_spinlock_median=1.000000' &&
	       ! echo '$rec' | grep -qE '^cost_(ttas|spinlock): cycles_per_pair_min=0.000 '"
check "the knobs file lists every knob file there is" \
	sh -c "for k in \$(awk '{ print \$1 }' $D/knobs); do [ -f $D/\$k ] || exit 1; done"
# PREEMPT_RT kernels say so in their version string
case "$(uname -v)" in *PREEMPT_RT*) flavour=rt_mutex ;; *) flavour=queued ;; esac
check "spinlock_t flavour is reported ($(echo "$rec" | key spinlock_impl), $flavour expected)" \
	[ "$(echo "$rec" | key spinlock_impl)" = $flavour ]

rec=$(blkctl run lock=ttas ncpus=1 duration_ms=300)
check "ncpus=1: one worker, nothing contended" \
	[ "$(echo "$rec" | key nr_cpus)" = 1 -a "$(echo "$rec" | key contended)" = 0 ]
blkctl set ncpus=0 >/dev/null

# ---- tracepoints and the ping-pong floor ---------------------------------
check "the blacklock tracepoints exist" \
	[ -d $T/events/blacklock/blk_contended_begin -a -d $T/events/blacklock/blk_contended_end \
	  -a -d $T/events/blacklock/blk_run_start -a -d $T/events/blacklock/blk_run_stop ]
# trace EVENTS... -- KNOBS: run once with those events on; the trace is in $T/trace
trace() {
	echo 0 >$T/tracing_on
	echo >$T/trace
	while [ "$1" != -- ]; do echo 1 >"$T/events/blacklock/$1/enable"; shift; done
	shift
	echo 1 >$T/tracing_on
	rec=$(blkctl run "$@")
	echo 0 >$T/tracing_on
	echo 0 >$T/events/blacklock/enable
}
trace blk_contended_end -- lock=ttas duration_ms=300 ncpus=0 cs_ns=0 think_ns=0
ends=$(grep -c 'blk_contended_end:' $T/trace)
check "contended ttas fires blk_contended_end ($ends in the buffer, $(echo "$rec" | key contended) contended)" \
	[ "$ends" -gt 0 ]
trace blk_contended_begin blk_contended_end -- lock=spinlock duration_ms=300
check "spinlock_t fires no blk_contended_* (they are in blk_spin only)" \
	[ "$(grep -c 'blk_contended' $T/trace)" = 0 ]
trace blk_run_start blk_run_stop -- lock=ttas duration_ms=100
check "blk_run_start and blk_run_stop fire once each per run" \
	[ "$(grep -c 'blk_run_start:' $T/trace)" = 1 -a "$(grep -c 'blk_run_stop:' $T/trace)" = 1 ]
echo >$T/trace
check "control pingpong measures a core-to-core floor" sh -c "echo pingpong >$D/control"
check "the floor is 20000 round trips, handoff > 0 cycles ($(awk '$1 == "handoff_cycles_p50:" { print $2 }' $D/pingpong))" \
	[ "$(awk '$1 == "pingpong_rounds:" { print $2 }' $D/pingpong)" = 20000 -a \
	  "$(awk '$1 == "handoff_cycles_p50:" { print $2 }' $D/pingpong)" -gt 0 ]

# ---- bad input changes nothing --------------------------------------------
blkctl set lock=ttas duration_ms=300 cs_ns=0 think_ns=0 cpus=all ncpus=0
refused lock nonesuch "Invalid argument"
refused lock "" "Invalid argument"
refused duration_ms abc "Invalid argument"
refused duration_ms 0 "Invalid argument"
refused duration_ms -5 "Invalid argument"
refused duration_ms 3600001 "Invalid argument"
refused duration_ms 99999999999999999999 "Invalid argument"
refused cs_ns 1000001 "Invalid argument"
refused think_ns 12ab "Invalid argument"
refused cpus "" "Invalid argument"
refused cpus 9999 "Invalid argument"
refused cpus "0-" "Invalid argument"
refused cpus nonsense "Invalid argument"
refused ncpus 100000 "Invalid argument"
refused timing bogus "Invalid argument"
refused timing "" "Invalid argument"
refused sample_every 3 "Invalid argument"
refused sample_every 0 "Invalid argument"
refused sample_every 2097152 "Invalid argument"
refused loop bogus "Invalid argument"
refused backoff_min 0 "Invalid argument"
refused backoff_max 1048577 "Invalid argument"
refused irq_hz 100001 "Invalid argument"
refused cna_threshold 1073741825 "Invalid argument"
refused cna_threshold_ns 1000000001 "Invalid argument"
runs=$(awk '$1 == "runs:" { print $2 }' "$D/status")
blkctl set lock=ttas_backoff backoff_min=64 backoff_max=32
err=$( { echo start >"$D/control"; } 2>&1) && err=accepted
check "backoff_min above backoff_max will not start (Invalid argument), no run made" \
	eval 'case "$err" in *"Invalid argument"*) [ "$(awk '\''$1 == "runs:" { print $2 }'\'' "$D/status")" = "$runs" ] ;; *) false ;; esac'
blkctl set lock=ttas backoff_min=16 backoff_max=1024
blkctl set lock=cna cna_threshold=0 cna_threshold_ns=0
err=$( { echo start >"$D/control"; } 2>&1) && err=accepted
check "cna with neither limit (cna_threshold=0 cna_threshold_ns=0) will not start (Invalid argument)" \
	eval 'case "$err" in *"Invalid argument"*) true ;; *) false ;; esac'
blkctl set lock=ttas cna_threshold=0 cna_threshold_ns=1000000
blkctl set loop=reference timing=off cs_ns=100
err=$( { echo start >"$D/control"; } 2>&1) && err=accepted
check "loop=reference with cs_ns=100 will not start (Invalid argument)" eval 'case "$err" in *"Invalid argument"*) true ;; *) false ;; esac'
blkctl set loop=engine timing=sample cs_ns=0
blkctl set colocate=on cs_lines=0
err=$( { echo start >"$D/control"; } 2>&1) && err=accepted
check "colocate=on with cs_lines=0 will not start (Invalid argument)" eval 'case "$err" in *"Invalid argument"*) true ;; *) false ;; esac'
blkctl set colocate=off think_dist=exp think_ns=0
err=$( { echo start >"$D/control"; } 2>&1) && err=accepted
check "think_dist=exp with think_ns=0 will not start (Invalid argument)" eval 'case "$err" in *"Invalid argument"*) true ;; *) false ;; esac'
blkctl set think_dist=fixed
refused cs_lines 65 "Invalid argument"
refused nlocks 4097 "Invalid argument"
refused hot_pct 101 "Invalid argument"
blkctl set hot_pct=50
err=$( { echo start >"$D/control"; } 2>&1) && err=accepted
check "hot_pct=50 with nlocks=1 will not start (Invalid argument)" eval 'case "$err" in *"Invalid argument"*) true ;; *) false ;; esac'
blkctl set hot_pct=0
refused think_dist poisson "Invalid argument"
# workload shapes: 4 more lines in the critical section, the first beside
# the lock where it fits (not with lockdep's maps: then on a line of its
# own), and think times drawn from an exponential distribution
for colo in on off; do
	rec=$(blkctl run lock=mcs cs_lines=4 colocate=$colo think_ns=200 think_dist=exp duration_ms=300 2>/dev/null) && break
done
blkctl set cs_lines=0 colocate=off think_ns=0 think_dist=fixed
rec2=$(blkctl run lock=qspin nlocks=64 hot_pct=90 duration_ms=300)
blkctl set nlocks=1 hot_pct=0
check "qspin on 64 locks, 90 % on the first: $(echo "$rec2" | key locks_used) used, the most $(echo "$rec2" | key lock_acq_max) of $(echo "$rec2" | key acquisitions), violations $(echo "$rec2" | key violations)" \
	[ "$(echo "$rec2" | key nlocks)" = 64 -a "$(echo "$rec2" | key violations)" = 0 \
	  -a "$(echo "$rec2" | key locks_used)" -gt 1 \
	  -a "$(( $(echo "$rec2" | key lock_acq_max) * 100 ))" -ge "$(( $(echo "$rec2" | key acquisitions) * 80 ))" ]
check "mcs with cs_lines 4 (colocate $(echo "$rec" | key colocate)), think_dist $(echo "$rec" | key think_dist): $(echo "$rec" | key acquisitions) acquisitions, violations $(echo "$rec" | key violations)" \
	[ "$(echo "$rec" | key cs_lines)" = 4 -a "$(echo "$rec" | key think_dist)" = exp \
	  -a "$(echo "$rec" | key violations)" = 0 -a "$(echo "$rec" | key acquisitions)" -gt 0 ]
err=$( { echo bogus >"$D/control"; } 2>&1) && err=accepted
check "control 'bogus' refused (Invalid argument)" eval 'case "$err" in *"Invalid argument"*) true ;; *) false ;; esac'

# ---- during a run ------------------------------------------------------------
blkctl set lock=ttas duration_ms=600000
blkctl start
check "status says running" grep -q "state: running" "$D/status"
refused lock spinlock "busy"
refused duration_ms 5 "busy"
refused cpus 0 "busy"
err=$( { echo start >"$D/control"; } 2>&1) && err=accepted
check "a second start is refused (busy)" eval 'case "$err" in *busy*) true ;; *) false ;; esac'
err=$( { echo reset >"$D/control"; } 2>&1) && err=accepted
check "reset during a run is refused (busy)" eval 'case "$err" in *busy*) true ;; *) false ;; esac'
check "stats can be read during a run" sh -c "cat $D/stats $D/stats.json $D/histogram >/dev/null"
t0=$(date +%s)
blkctl stop
blkctl wait
t1=$(date +%s)
rec=$(last_run)
check "stop ends a 10-minute run promptly ($((t1 - t0)) s)" [ $((t1 - t0)) -le 5 ]
check "the stopped run is recorded as stopped" [ "$(echo "$rec" | key stopped)" = 1 ]
check "a stopped run still has violations 0" [ "$(echo "$rec" | key violations)" = 0 ]
blkctl set duration_ms=300

# ---- everything at once ------------------------------------------------------
# Two writers change knobs (refused with "busy" during runs, taken between
# them) while the main loop starts and stops 100 runs, a reader reads every
# file throughout, and every kind runs back to back: no WARN (the verdict on
# the kernel log), no lost record, no run left behind.
blkctl set lock=ttas duration_ms=50 cpus=all ncpus=0 timing=sample cs_ns=0 think_ns=0
before=$(awk '/^runs:/ { print $2 }' "$D/status")
# stress_start: two knob writers and a reader of every file, in the
# background until stress_stop (the reader also ends when $D goes away).
stress_start() {
	rm -f /tmp/stress-done
	(
		i=0
		while [ $i -lt 400 ] && [ ! -f /tmp/stress-done ]; do
			echo $((100 + i % 7)) >"$D/cs_ns" 2>/dev/null
			echo sample >"$D/timing" 2>/dev/null
			i=$((i + 1))
		done
	) &
	w1=$!
	(
		i=0
		while [ $i -lt 400 ] && [ ! -f /tmp/stress-done ]; do
			echo 0 >"$D/think_ns" 2>/dev/null
			echo all >"$D/cpus" 2>/dev/null
			i=$((i + 1))
		done
	) &
	w2=$!
	(
		while [ -d "$D" ] && [ ! -f /tmp/stress-done ]; do
			for f in "$D"/*; do [ "$f" = "$D/control" ] || cat "$f" >/dev/null 2>&1; done
		done
	) &
	r1=$!
}
# stress_stop [now]: wait for the writers to finish (or stop them now)
stress_stop() {
	[ "${1:-}" != now ] || touch /tmp/stress-done
	wait $w1 $w2
	touch /tmp/stress-done
	wait $r1
}
stress_start
started=0
i=0
while [ $i -lt 100 ]; do
	if echo start >"$D/control" 2>/dev/null; then
		started=$((started + 1))
		[ $((i % 2)) = 0 ] || echo stop >"$D/control"
		echo wait >"$D/control"
	fi
	i=$((i + 1))
done
for l in $(awk '{ print $1 }' "$D/locks"); do
	blkctl run lock=$l duration_ms=100 >/dev/null && started=$((started + 1))
done
stress_stop
after=$(awk '/^runs:/ { print $2 }' "$D/status")
check "100 start/stop cycles and every kind back to back, two knob writers and a reader alongside: $started runs started, $((after - before)) finished" \
	[ "$started" -ge 100 -a "$((after - before))" = "$started" ]
check "the engine is idle after it all" grep -q "state: idle" "$D/status"
blkctl set cs_ns=0 duration_ms=300

# ---- CPU hotplug --------------------------------------------------------------
C1=/sys/devices/system/cpu/cpu1/online
if [ -w $C1 ]; then
	blkctl set lock=ttas duration_ms=4000 cpus=all ncpus=0 timing=sample
	blkctl start
	sleep 1
	echo 0 >$C1
	blkctl wait
	rec=$(last_run)
	check "CPU 1 going offline ends the run, and the record says so (hotplug_stopped $(echo "$rec" | key hotplug_stopped), cpu $(echo "$rec" | key hotplug_cpu))" \
		[ "$(echo "$rec" | key hotplug_stopped)" = 1 -a "$(echo "$rec" | key hotplug_cpu)" = 1 \
		  -a "$(echo "$rec" | key stopped)" = 1 -a "$(echo "$rec" | key violations)" = 0 ]
	check "no worker left its CPU as it went down (strays $(echo "$rec" | key strays), outside_counts $(echo "$rec" | key outside_counts))" \
		[ "$(echo "$rec" | key strays)" = 0 -a "$(echo "$rec" | key outside_counts)" = 0 ]
	refused cpus 1 "Invalid argument"
	rec=$(blkctl run lock=ttas duration_ms=300 ncpus=0)
	check "with CPU 1 offline a run uses the CPUs that are left ($(echo "$rec" | key nr_cpus))" \
		[ "$(echo "$rec" | key nr_cpus)" = 1 -a "$(echo "$rec" | key hotplug_stopped)" = 0 ]
	echo 1 >$C1
	rec=$(blkctl run lock=ttas duration_ms=300 ncpus=0)
	check "CPU 1 back online: the next run uses both CPUs again ($(echo "$rec" | key nr_cpus))" \
		[ "$(echo "$rec" | key nr_cpus)" = 2 -a "$(echo "$rec" | key violations)" = 0 ]
	blkctl set duration_ms=300
fi

# ---- an allocation that fails ----------------------------------------------
# failslab (debug kernel) fails every slab allocation of one task: the
# shell that writes "start". The run must not start, and nothing change.
F=/sys/kernel/debug/failslab
if [ -d $F ]; then
	blkctl set lock=ttas duration_ms=300 cs_ns=0
	runs=$(awk '/^runs:/ { print $2 }' "$D/status")
	echo Y >$F/task-filter
	echo N >$F/ignore-gfp-wait
	echo 100 >$F/probability
	echo 1 >$F/interval
	echo -1 >$F/times
	echo 0 >$F/verbose
	# the control file is opened first: opening allocates too
	err=$(sh -c "exec 3>$D/control && echo 1 >/proc/self/make-it-fail && echo start >&3" 2>&1) &&
		err=accepted
	echo 0 >$F/times
	echo 0 >$F/probability
	check "start with every allocation failing is refused (Cannot allocate memory: '$err')" \
		eval 'case "$err" in *"Cannot allocate memory"*) true ;; *) false ;; esac'
	check "the refused start changed nothing (idle, runs still $runs)" \
		[ "$(awk '/^runs:/ { print $2 }' "$D/status")" = "$runs" \
		  -a "$(awk '/^state:/ { print $2 }' "$D/status")" = idle ]
	rec=$(blkctl run lock=ttas duration_ms=300)
	check "the next run works (run $(echo "$rec" | key run), violations $(echo "$rec" | key violations))" \
		[ "$(echo "$rec" | key run)" = $((runs + 1)) -a "$(echo "$rec" | key violations)" = 0 ]
fi

echo BLK-JSON-BEGIN
cat "$D/stats.json"
echo BLK-JSON-END
echo BLK-STATS-BEGIN
cat "$D/stats"
echo BLK-STATS-END
echo BLK-KEYS-BEGIN
cat "$D/keys"
echo BLK-KEYS-END

blkctl reset
check "reset forgets the results" [ -z "$(cat "$D/stats")" ]

# ---- module parameters and unload -----------------------------------------
# rmmod in the middle of a 10-minute run, with the writers and the reader
# of the stress test going at it. While one of them has a file open the
# module is in use, and rmmod is refused (EAGAIN, the kernel's answer):
# it is tried again, as a user would, up to 50 times.
blkctl set duration_ms=600000 cs_ns=0
blkctl start
stress_start
sleep 1
t0=$(date +%s)
tries=1
while ! rmmod blacklock 2>/dev/null && [ $tries -lt 50 ]; do
	tries=$((tries + 1))
	sleep 0.1
done
t1=$(date +%s)
stress_stop now
check "rmmod during a run, knob writers and a reader busy, succeeds promptly ($((t1 - t0)) s, $tries tries)" \
	[ ! -d "$D" -a $((t1 - t0)) -le 5 ]
check "rmmod removed the debugfs directory" [ ! -e "$D" ]
check "insmod refuses lock=nonesuch" eval '! insmod /guest/blacklock.ko lock=nonesuch 2>/dev/null'
check "insmod refuses duration_ms=0" eval '! insmod /guest/blacklock.ko duration_ms=0 2>/dev/null'
insmod /guest/blacklock.ko lock=ttas_asm duration_ms=300 ncpus=1 run_on_load=1
rec=$(blkctl stats)
check "run_on_load=1 ran once at load with the given knobs" \
	[ "$(echo "$rec" | key lock)" = ttas_asm -a "$(echo "$rec" | key nr_cpus)" = 1 ]
rmmod blacklock
# A signal ends run_on_load's wait: the run stops, the module stays loaded.
insmod /guest/blacklock.ko lock=ttas duration_ms=600000 run_on_load=1 &
p=$!
i=0
while [ ! -e "$D/status" ] || ! grep -q "state: running" "$D/status" 2>/dev/null; do
	[ $i -lt 100 ] || break
	sleep 0.1
	i=$((i + 1))
done
t0=$(date +%s)
kill $p
wait $p
t1=$(date +%s)
rec=$(blkctl stats 2>/dev/null)
check "a signal ends a run_on_load=1 wait promptly ($((t1 - t0)) s): the run is stopped, the module stays" \
	[ $((t1 - t0)) -le 5 -a "$(echo "$rec" | key stopped)" = 1 -a -d "$D" ]

# ---- kmemleak: nothing blacklock allocated is left unreferenced -------------
# After the last unload every allocation of the module must be freed; an
# object older than kmemleak's 5 s minimum age with no reference is a leak.
if [ -w $KML ]; then
	rmmod blacklock
	sleep 6
	echo scan >$KML
	echo scan >$KML
	leaks=$(grep -c '^unreferenced object' $KML)
	[ "$leaks" = 0 ] || head -n 40 $KML
	check "kmemleak: no object unreferenced after all of the above and the unload ($leaks)" [ "$leaks" = 0 ]
fi

if [ -n "$P" ]; then
	echo 0 >$P/tracing_on
	echo BLK-PATCHES-BEGIN
	grep -v '^#' $P/trace
	echo BLK-PATCHES-END
fi
echo "guest: $((n - failed)) passed, $failed failed"
exit "$failed"
