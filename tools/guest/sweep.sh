#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Sweep lock kinds x CPU counts x critical-section lengths x think times,
# repeated, each run under perf stat; then, on the most CPUs, an order pass
# (every acquisition timed: handoffs, overtakes, streaks) and an interrupt
# pass (irq_hz) per lock. Runs wherever blacklock is loaded: on
# a real machine, or in the VM (tools/compare.sh runs it there with the
# host's userland). Prints a raw record stream on stdout for
# tools/report.py: one BLK-RUN-BEGIN..BLK-RUN-END block per run (the
# stats record and perf's CSV lines), the ping-pong floor, the acquire histograms of the most
# contended configuration, and a traced run per lock with the blacklock:*
# tracepoints (and the queued spinlock's lock:contention_*) counted, kept
# apart because enabled tracepoints slow the slow paths they sit in.
set -euo pipefail

usage() {
	cat >&2 <<USAGE
usage: $0 [-l "LOCKS"] [-c "NCPUS"] [-s "CS_NS"] [-t "THINK_NS"] [-r REPEATS] [-k K] [-d MS] [-T TIMING] [-i HZ]
  -l  lock kinds (default: the real locks of the module's locks file)
  -c  CPU counts (default: 1 .. number of online CPUs)
  -s  critical-section lengths, ns (default: 0 100 1000)
  -t  think times, ns (default: 0 1000)
  -r  repeats of every configuration (default: 3)
  -k  run repeat K of the R only (the ping-pong and histograms come with
      repeat 1, the traced runs with repeat R), so a sweep can be split
  -d  run length, ms (default: 300)
  -T  timing mode: off, sample or every (default: the module's default)
  -i  the interrupt pass's irq_hz (default 1000; 0: no interrupt pass)
USAGE
	exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
blkctl=$here/blkctl
D=${BLK_DEBUGFS:-/sys/kernel/debug/blacklock}
locks=""
ncpus="" cs="0 100 1000" think="0 1000" reps=3 ms=300 only="" timing="" irq_hz=1000
while getopts "l:c:s:t:r:k:d:T:i:h" opt; do
	case "$opt" in
	l) locks=$OPTARG ;;
	c) ncpus=$OPTARG ;;
	s) cs=$OPTARG ;;
	t) think=$OPTARG ;;
	r) reps=$OPTARG ;;
	k) only=$OPTARG ;;
	d) ms=$OPTARG ;;
	T) timing=$OPTARG ;;
	i) irq_hz=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$reps$ms$only$irq_hz$(echo $ncpus $cs $think | tr -d ' ')" in *[!0-9]*) usage ;; esac
[ -z "$only" ] || [ "$only" -ge 1 -a "$only" -le "$reps" ] || usage
first=${only:-1} last=${only:-$reps}
case "$timing" in "" | off | sample | every) ;; *) usage ;; esac
[ -d "$D" ] || { echo "$0: no $D: load blacklock first" >&2; exit 1; }
[ -n "$locks" ] || locks=$(awk '$2 == "lock" || $2 == "kernel" { printf "%s ", $1 }' "$D/locks")
[ -n "$timing" ] || timing=$(cat "$D/timing")
online=$(grep -c '^processor' /proc/cpuinfo)
[ -n "$ncpus" ] || ncpus=$(seq 1 "$online" | tr '\n' ' ')

# What perf can count here. Software events always; the PMU's only if the
# kernel has one, and then bus-lock and memory-load events where they exist.
perf=$(command -v perf || true)
events="task-clock,context-switches,cpu-migrations,page-faults"
missing=""
if [ -z "$perf" ]; then
	missing="perf (not installed)"
elif [ -d /sys/bus/event_source/devices/cpu ] || [ -d /sys/bus/event_source/devices/cpu_core ]; then
	events="$events,cycles,instructions,cache-misses"
	extra=$("$perf" list --raw-dump 2>/dev/null | tr ' ' '\n' |
		grep -iE '^(bus[-_]lock|split[-_]lock|ls_locks\.bus_lock|mem_load_retired\.l3_miss|sq_misc\.bus_lock|mem_load_l3_hit_retired\.xsnp_(hitm|fwd)|ls_any_fills_from_sys\.remote_cache|bus_access)$' |
		head -n 5 | paste -sd, - || true)
	[ -z "$extra" ] && missing="bus-lock, cache-to-cache (HITM) and bus-access events (none offered by this PMU)"
	[ -z "$extra" ] || events="$events,$extra"
else
	missing="cycles instructions cache-misses bus-lock mem_load (no PMU: $(dmesg 2>/dev/null | grep -m1 -o 'PMU not available[^,]*' || echo 'none found'))"
fi

# The traced runs: ours, and the queued spinlock's own contention events.
trace_events="blacklock:blk_contended_begin,blacklock:blk_contended_end,blacklock:blk_run_start,blacklock:blk_run_stop"
for t in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	if [ -d $t/events/lock/contention_begin ]; then
		trace_events="$trace_events,lock:contention_begin,lock:contention_end"
		break
	fi
done

model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "BLK-META kernel=$(uname -r)"
echo "BLK-META cpu_model=$model"
echo "BLK-META online_cpus=$online"
echo "BLK-META perf_events=$events"
echo "BLK-META perf_missing=$missing"
echo "BLK-META sweep=locks:$locks;ncpus:$ncpus;cs_ns:$cs;think_ns:$think;repeats:$reps;duration_ms:$ms;timing:$timing;irq_hz:$irq_hz"

# Keep every static key the sweep needs switched on from here to the end.
# Opening a perf event or enabling a tracepoint for the first time flips a
# static key, which the kernel live-patches into its text (text_poke_bp(),
# int3 on every site), and under QEMU's multi-threaded TCG a flip now and
# then freezes the whole guest (tools/freeze-repro.sh). A keeper session
# holding the same events makes every per-run perf stat only add a user to
# keys that are already on; nothing is patched between runs. The keepers
# end with the sweep, unless BLK_KEEP_KEYS=1 (tools/compare.sh sets it: the
# VM powers off after the sweep, and switching the keys off would be one
# more flip for nothing).
keepers=""
stop_keepers() {
	local k
	[ "${BLK_KEEP_KEYS:-0}" != 1 ] || return 0
	for k in $keepers; do
		pkill -P "$k" sleep 2>/dev/null || true	# perf's workload
		kill "$k" 2>/dev/null || true
	done
}
trap 'stop_keepers; rm -f "${perf_out:-}"' EXIT
keep_keys() {	# keep_keys EVENTS: hold them open until the sweep ends
	[ -n "$perf" ] || return 0
	"$perf" stat -a -e "$1" -o /dev/null -- sleep 1000000 &
	keepers="$keepers $!"
	sleep 1		# its events are open before the first run opens its own
}
keep_keys "$events"

if [ "$first" = 1 ] && [ "$online" -ge 2 ] && echo pingpong >"$D/control" 2>/dev/null; then
	echo "BLK-PINGPONG-BEGIN"
	cat "$D/pingpong"
	echo "BLK-PINGPONG-END"
fi

# run TRACED PASS KNOB=VALUE...: one run, its record, perf's counts. PASS
# is main, order or irq. A run that has not ended long after its duration
# is stopped, reported with what the module and the kernel say, and the
# sweep goes on.
#
# Few processes per run: under TCG each costs tens of ms, and with a perf
# stat and a blkctl per run they were most of a boot's time (see
# Documentation/results.rst). perf's output goes to one file, reused.
perf_out=$(mktemp)
run() {
	local traced=$1 pass=$2 ev=$events rc=0 limit=$((ms / 1000 + 60))
	shift 2
	[ "$traced" = 0 ] || ev=$trace_events
	echo "BLK-RUN-BEGIN traced=$traced pass=$pass $*"
	if [ -n "$perf" ]; then
		timeout "$limit" "$perf" stat -x, -o "$perf_out" -a -e "$ev" -- "$blkctl" run "$@" || rc=$?
		sed -n '/^#/d; /./s/^/perf,/p' "$perf_out" || true
	else
		timeout "$limit" "$blkctl" run "$@" || rc=$?
	fi
	if [ "$rc" = 124 ]; then
		echo "BLK-STUCK after ${limit}s: $(tr '\n' ' ' <"$D/status")"
		ps -eo pid,stat,wchan:32,comm | grep -vE ' (kworker|ksoftirq|migration|rcu_|cpuhp|idle_inject)' | sed 's/^/BLK-STUCK ps: /'
		dmesg | tail -n 20 | sed 's/^/BLK-STUCK dmesg: /'
		"$blkctl" stop || true
		timeout 30 "$blkctl" wait || true
	fi
	echo "BLK-RUN-END rc=$rc"
}

top=$(echo $ncpus | tr ' ' '\n' | sort -n | tail -n 1)
for r in $(seq "$first" "$last"); do
	for n in $ncpus; do
		for c in $cs; do
			for t in $think; do
				for l in $locks; do
					echo "BLK-PROGRESS rep $r/$reps ncpus=$n cs_ns=$c think_ns=$t $l" >&2
					run 0 main lock="$l" ncpus="$n" cs_ns="$c" think_ns="$t" duration_ms="$ms" cpus=all \
						timing="$timing" irq_hz=0
					if [ "$r" = 1 ] && [ "$n" = "$top" ] && [ "$c" = 0 ] && [ "$t" = 0 ]; then
						echo "BLK-HIST-BEGIN lock=$l ncpus=$n"
						cat "$D/histogram"
						echo "BLK-HIST-END"
					fi
				done
			done
		done
	done
done
if [ "$last" = "$reps" ]; then
	# Order: every acquisition timed, so that every waiter's arrival is
	# seen (overtakes) and every handoff timed; apart from the main runs,
	# whose throughput three clock reads an iteration would change.
	for l in $locks; do
		echo "BLK-PROGRESS order $l" >&2
		run 0 order lock="$l" ncpus="$top" cs_ns=0 think_ns=0 duration_ms="$ms" cpus=all \
			timing=every irq_hz=0
	done
	# Interrupts: spinlock_t sleeps on PREEMPT_RT, and cannot be taken
	# in hardirq context there (start refuses it). On every CPU no CPU is
	# left where the watchdog could fire: the pass runs without it, the
	# boot's own timeout standing in, and puts it back after.
	wd=$(cat "$D/watchdog_ms")
	for l in $locks; do
		[ "$irq_hz" != 0 ] || break
		case "$l $(uname -v)" in "spinlock "*PREEMPT_RT*) continue ;; esac
		echo "BLK-PROGRESS irq $l" >&2
		run 0 irq lock="$l" ncpus="$top" cs_ns=0 think_ns=0 duration_ms="$ms" cpus=all \
			timing="$timing" irq_hz="$irq_hz" watchdog_ms=0
	done
	"$blkctl" set irq_hz=0 watchdog_ms="$wd"
	# the same for the traced runs' tracepoints: one flip each, here
	keep_keys "$trace_events"
	for l in $locks; do
		echo "BLK-PROGRESS traced $l" >&2
		run 1 main lock="$l" ncpus="$top" cs_ns=0 think_ns=0 duration_ms="$ms" cpus=all \
			timing="$timing" irq_hz=0
	done
fi
echo "BLK-SWEEP-DONE"
