#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The host world (tools/host): blacklock's lock bodies and loop on the
# host's own cores, nothing to boot.
#
#   tools/host.sh run     make host: build blk-host, measure every host
#                         kind's uncontended pair (cost), then every kind
#                         contended on 1, 2, 4, ... threads up to every
#                         online CPU, then oversubscribed (twice as many
#                         threads as CPUs, two pinned to each); the tables,
#                         a PNG of throughput against threads (tools/host.py)
#                         and the records in -o DIR
#   tools/host.sh check   what make check runs of it: the three builds
#                         (warnings are errors), every real kind 0 violations
#                         and busted caught on 2 threads, their records
#                         through checkjson/checkrecords/checkkeys, every kind
#                         under ThreadSanitizer and UBSan, locks held
#                         together (blk-host nest: KUnit's blacklock_nesting),
#                         with RMWs counted and under TSan, and the TSan plants,
#                         each of which TSan must report; then the arm64
#                         build (aarch64-linux-gnu-gcc) under qemu-user,
#                         every kind with LSE atomics (CASA) and ttas_asm
#                         without (LDAXR/STXR)
#   tools/host.sh soak    make host-soak: every real kind to 10^8
#                         acquisitions, 0 violations
#   tools/host.sh precision
#                         the engine (ttas, timing=off, every CPU, cs 0)
#                         against the simplest loop there is, written apart
#                         (tools/host/yardstick.c), with check=full and
#                         check=count, and the harness floor (empty), in
#                         interleaved repeats under perf stat: the medians
#                         of the per-repeat ratios
#
# Prints PASS:/FAIL: lines and a verdict line; exits non-zero on a failure.
set -euo pipefail
BLK_TOOL=host
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 run [-d MS] [-l "LOCK ..."] [-o DIR]
       $0 check
       $0 soak [-n ACQUISITIONS]
       $0 precision [-d MS] [-r REPEATS]
  -d MS      run length per kind and thread count (default 1000)
  -l LOCKS   host kinds (default every kind of blk-host locks)
  -o DIR     where the records and the report go (default build/host-results)
  -n N       soak: acquisitions per kind (default 100000000)
  -r N       precision: repeats (default 7)
USAGE
	exit 2
}

[ $# -ge 1 ] || usage
what=$1
shift
case "$what" in run | check | soak | precision) ;; *) usage ;; esac
ms=1000 locks= out=$BLK_BUILD/host-results soak_n=100000000 reps=7
while getopts "d:l:o:n:r:h" opt; do
	case "$opt" in
	d) ms=$OPTARG ;;
	l) locks=$OPTARG ;;
	o) out=$OPTARG ;;
	n) soak_n=$OPTARG ;;
	r) reps=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$ms$soak_n$reps" in *[!0-9]*) usage ;; esac

hb=$BLK_BUILD/host
failed=0
result() { # result STATUS DESCRIPTION
	if [ "$1" = 0 ]; then
		echo "PASS: $2"
	else
		failed=$((failed + 1))
		echo "FAIL: $2"
	fi
}

# build TARGET: make -C tools/host TARGET, its log in build/host
build() {
	mkdir -p "$hb"
	make -s -j"$(nproc)" -C "$BLK_TOP/tools/host" "$@" >"$hb/build-$1.log" 2>&1
}

host_locks() { # host_locks [CLASS...]: the host menu's kinds of these classes
	"$hb/blk-host" locks | awk -v want=" $* " 'want == "  " || index(want, " " $2 " ") { print $1 }' |
		tr '\n' ' ' | sed 's/ $//'
}

# records LOG DIR NAME: the sections of one blk-host invocation, checked
records() {
	local log=$1 dir=$2 name=$3 rc
	blk_section "$log" STATS >"$dir/$name.txt"
	blk_section "$log" JSON >"$dir/$name.json"
	rc=0
	python3 "$BLK_TOP/tools/checkjson.py" "$dir/$name.json" || rc=1
	result $rc "host $name: stats.json is valid JSON and agrees with itself"
	rc=0
	python3 "$BLK_TOP/tools/checkrecords.py" "$dir/$name.txt" "$dir/$name.json" >/dev/null || rc=1
	result $rc "host $name: the tools read stats and stats.json as the same records"
	if grep -q BLK-KEYS-BEGIN "$log"; then
		blk_section "$log" KEYS >"$dir/$name-keys.txt"
		rc=0
		python3 "$BLK_TOP/tools/checkkeys.py" "$dir/$name-keys.txt" \
			"$BLK_TOP/Documentation/blacklock.rst" >/dev/null || rc=1
		result $rc "host $name: Documentation/blacklock.rst documents every key of the host's keys"
	fi
}

# key KEY: the first run record's KEY, from blk-host's output on stdin
key() {
	PYTHONPATH="$BLK_TOP/tools" python3 -c 'import sys, records; r = records.runs(records.loads(sys.stdin.read().split("BLK-JSON-BEGIN\n")[1].split("BLK-JSON-END")[0])); print(r[0][sys.argv[1]])' "$1"
}

# cmdline MS THREADS LOCKS...: blk-host's arguments for a run of each kind
cmdline() {
	local ms=$1 threads=$2 l
	shift 2
	for l in "$@"; do
		printf 'run lock=%s duration_ms=%s threads=%s , ' "$l" "$ms" "$threads"
	done
}

case "$what" in
check)
	for t in all check tsan; do
		rc=0
		build "$t" || { rc=1; tail -n 20 "$hb/build-$t.log"; }
		result $rc "host build $t: -Wall -Wextra -Werror, no warning (tools/host/Makefile)"
	done
	[ "$failed" = 0 ] || { blk_say "verdict: FAIL (the host world does not build)"; exit 1; }
	# exclusion on silicon, with RMWs counted at the instructions
	real=$(host_locks lock libc) all=$(host_locks)
	log=$hb/check.log
	# shellcheck disable=SC2046
	"$hb/blk-host-check" $(cmdline 300 2 $all) cost , stats , stats.json , keys >"$log" 2>"$log.err" ||
		{ cat "$log.err"; result 1 "host: blk-host ran every kind"; }
	records "$log" "$hb" check
	python3 "$BLK_TOP/tools/host.py" check "$hb/check.json" --real "$real" || failed=$((failed + 1))
	# the same under ThreadSanitizer and UBSan: a race or UB fails the run
	for l in $all; do
		rc=0
		TSAN_OPTIONS="halt_on_error=1 exitcode=66" UBSAN_OPTIONS="halt_on_error=1" \
			"$hb/blk-host-tsan" run lock="$l" duration_ms=100 threads=2 \
			>"$hb/tsan-$l.log" 2>&1 || rc=$?
		case "$l" in
		busted | empty)
			# not locks: their races are the point; TSan must see them
			grep -q 'WARNING: ThreadSanitizer: data race' "$hb/tsan-$l.log" && rc=0 || rc=1
			result $rc "host tsan: $l's race is reported (it is no lock)"
			;;
		*)
			[ "$rc" = 0 ] || grep -E 'WARNING|SUMMARY|runtime error' "$hb/tsan-$l.log" | head -n 5
			result $rc "host tsan: $l, 2 threads, no race, no undefined behaviour"
			;;
		esac
	done
	# workload shapes on silicon: 4 more lines in the critical section,
	# the first beside the lock, exponential think times; with RMWs counted
	# and under TSan (a line's increment is plain: a lost one is a race)
	for b in check tsan; do
		rc=0
		TSAN_OPTIONS="halt_on_error=1 exitcode=66" UBSAN_OPTIONS="halt_on_error=1" \
			"$hb/blk-host-$b" run lock=mcs threads=2 duration_ms=200 cs_lines=4 colocate=on \
			think_ns=200 think_dist=exp nlocks=64 hot_pct=90 , stats.json >"$hb/shapes-$b.log" 2>&1 || rc=$?
		[ "$(key cs_lines <"$hb/shapes-$b.log")" = 4 ] && [ "$(key colocate <"$hb/shapes-$b.log")" = on ] &&
			[ "$(key think_dist <"$hb/shapes-$b.log")" = exp ] &&
			[ "$(key nlocks <"$hb/shapes-$b.log")" = 64 ] &&
			[ "$(key violations <"$hb/shapes-$b.log")" = 0 ] || rc=1
		[ "$rc" = 0 ] || tail -n 5 "$hb/shapes-$b.log"
		result $rc "host $b: mcs with cs_lines=4 colocate=on think_dist=exp nlocks=64 hot_pct=90: 0 violations, the knobs in the record"
	done
	# locks held together (kunit/blk_nest.c, KUnit's blacklock_nesting):
	# every kind, with RMWs counted and under TSan; a kind that hangs
	# (a release in the wrong order, waiting forever) ends in the timeout.
	# Then 4 threads on the 2 CPUs, the chain only: waiters on two locks
	# queued behind one holder at once, which Hemlock's grant word tells
	# apart by blk_lock_token() alone (a token the same for every lock
	# loses exclusion there, and only there)
	for bt in check:2 tsan:2 check:4; do
		b=${bt%:*} t=${bt#*:} rc=0
		only='^(PASS|FAIL): nest: '
		[ "$t" = 2 ] || only="^(PASS|FAIL): nest: .*, $t threads on one chain"
		TSAN_OPTIONS="halt_on_error=1 exitcode=66" UBSAN_OPTIONS="halt_on_error=1" \
			timeout 300 "$hb/blk-host-$b" nest threads="$t" >"$hb/nest-$b-$t.log" 2>&1 || rc=$?
		while read -r verdict line; do
			result "$([ "$verdict" = PASS: ] && echo 0 || echo 1)" "host $b $line"
		done < <(grep -E "$only" "$hb/nest-$b-$t.log")
		[ "$rc" = 0 ] || { tail -n 5 "$hb/nest-$b-$t.log"; result 1 "host $b: blk-host nest threads=$t ended (exit $rc; 124: it hung)"; }
	done
	# the plants: a release weakened to relaxed, which x86 forgives and
	# TSan's happens-before does not
	while IFS='|' read -r name file old new; do
		case "$name" in "" | "#"*) continue ;; esac
		tree=$hb/plant-$name
		rm -rf "$tree"
		mkdir -p "$tree/tools"
		blk_sources "$tree"
		cp -r "$BLK_TOP/tools/host" "$tree/tools/"
		rc=0
		grep -qF -- "$old" "$tree/$file" || { rc=1; echo "plant $name: no such line in $file: $old"; }
		sed -i "s|$(printf '%s' "$old" | sed 's/[][\.*^$|&]/\\&/g')|$new|" "$tree/$file"
		make -s -j"$(nproc)" -C "$tree/tools/host" tsan O="$tree/build" >"$tree/build.log" 2>&1 || rc=1
		lock=${name%%-*}
		TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$tree/build/blk-host-tsan" run lock="$lock" \
			duration_ms=300 threads=2 >"$tree/run.log" 2>&1 && rc=1
		grep -q 'ThreadSanitizer: data race' "$tree/run.log" || rc=1
		result $rc "host tsan plant $name ($file): TSan reports the race"
	done <"$BLK_TOP/tools/host/plants"
	# arm64: the same sources cross-compiled, run under qemu-user (TCG:
	# an exclusion and instruction check, no figure)
	a64=$BLK_BUILD/host-arm64
	rc=0
	make -s -j"$(nproc)" -C "$BLK_TOP/tools/host" O="$a64" CC=aarch64-linux-gnu-gcc "$a64/blk-host" \
		>"$hb/build-arm64.log" 2>&1 || { rc=1; tail -n 20 "$hb/build-arm64.log"; }
	result $rc "host build arm64 (aarch64-linux-gnu-gcc): no warning"
	if [ "$rc" = 0 ]; then
		q=(qemu-aarch64 -L /usr/aarch64-linux-gnu)
		for cpu in max cortex-a57; do
			want=casa ks=$all
			[ "$cpu" = max ] || { want=ldaxr/stxr ks=ttas_asm; }
			for l in $ks; do
				rc=0
				out=$(timeout 120 "${q[@]}" -cpu "$cpu" "$a64/blk-host" run lock="$l" \
					duration_ms=200 threads=2 , stats 2>&1) || rc=1
				v=$(sed -n 's/^violations: //p' <<<"$out")
				got=$(sed -n 's/^cas_asm: //p' <<<"$out")
				case "$l" in
				busted | empty) [ "${v:-0}" -gt 0 ] || [ "$l" = empty ] || rc=1 ;;
				*) [ "$v" = 0 ] || rc=1 ;;
				esac
				[ "$got" = "$want" ] || rc=1
				result $rc "host arm64 ($cpu, cas_asm $got): $l, ${v:-?} violations"
			done
		done
	fi
	;;
run)
	"$BLK_TOP/tools/bootstrap.sh" host
	build all || { tail -n 20 "$hb/build-all.log"; blk_die "blk-host does not build"; }
	mkdir -p "$out"
	[ -n "$locks" ] || locks=$(host_locks)
	for l in $locks; do
		case " $(host_locks) " in *" $l "*) ;; *) blk_die "no host kind '$l' (blk-host locks)" ;; esac
	done
	ncpu=$(nproc)
	counts= n=1
	while [ "$n" -lt "$ncpu" ]; do
		counts="$counts $n"
		n=$((n * 2))
	done
	counts="$counts $ncpu $((2 * ncpu))"
	blk_say "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $ncpu CPUs online; threads:$counts; $ms ms per run"
	perf=()
	if command -v perf >/dev/null; then
		perf=(perf stat -e task-clock,context-switches,cpu-migrations,cycles,instructions -o)
	fi
	for t in $counts; do
		log=$out/host-$t.log
		# shellcheck disable=SC2046
		if [ ${#perf[@]} -gt 0 ]; then
			"${perf[@]}" "$out/perf-$t.txt" "$hb/blk-host" $(cmdline "$ms" "$t" $locks) cost , stats , stats.json \
				>"$log" 2>"$log.err"
		else
			"$hb/blk-host" $(cmdline "$ms" "$t" $locks) cost , stats , stats.json >"$log" 2>"$log.err"
		fi
		blk_section "$log" STATS >"$out/stats-$t.txt"
		blk_section "$log" JSON >"$out/stats-$t.json"
	done
	python3 "$BLK_TOP/tools/host.py" report "$out" --threads "$counts" --cpus "$ncpu"
	;;
precision)
	build all || { tail -n 20 "$hb/build-all.log"; blk_die "blk-host does not build"; }
	mkdir -p "$out"
	log=$out/precision.log
	: >"$log"
	perf=() perf_args=()
	rm -f "$out/precision-perf.txt"
	if command -v perf >/dev/null; then
		perf=(perf stat -x, -e task-clock,context-switches,cpu-migrations,cycles,instructions
			-o "$out/precision-perf.txt" --append)
		perf_args=(--perf "$out/precision-perf.txt")
	fi
	blk_say "$reps interleaved repeats of $ms ms: yardstick, engine check=full, check=count, empty"
	for r in $(seq 1 "$reps"); do
		y=$("${perf[@]}" "$hb/blk-yardstick" "$ms")
		echo "rep $r yardstick $y" >>"$log"
		for v in "lock=ttas check=full" "lock=ttas check=count" "lock=empty check=full"; do
			# shellcheck disable=SC2086
			"${perf[@]}" "$hb/blk-host" run $v timing=off duration_ms="$ms" , stats 2>/dev/null |
				awk -v r="$r" -v v="$v" '/^(acquisitions|duration_ns|violations|harness_cycles_per_iter):/ { k[$1] = $2 }
					END { print "rep", r, v, "acquisitions", k["acquisitions:"], "ns", k["duration_ns:"],
						"violations", k["violations:"], "floor", k["harness_cycles_per_iter:"] }' >>"$log"
		done
	done
	python3 "$BLK_TOP/tools/host.py" precision "$log" "${perf_args[@]}" | tee "$out/precision.md"
	grep -q 'verdict: PASS' "$out/precision.md" || failed=1
	;;
soak)
	build all || { tail -n 20 "$hb/build-all.log"; blk_die "blk-host does not build"; }
	real=$(host_locks lock libc)
	for l in $real busted; do
		# runs of 5 s until the acquisitions reach -n (an hour at most),
		# each record's violations added up
		acq=0 viol=0 t0=$(date +%s)
		while [ "$acq" -lt "$soak_n" ] && [ $(($(date +%s) - t0)) -lt 3600 ]; do
			"$hb/blk-host" run lock="$l" duration_ms=5000 , stats.json >"$hb/soak-$l.log" 2>/dev/null
			acq=$((acq + $(key acquisitions <"$hb/soak-$l.log")))
			viol=$((viol + $(key violations <"$hb/soak-$l.log")))
			[ "$l" != busted ] || break
		done
		if [ "$l" = busted ]; then
			[ "$viol" -gt 0 ] && rc=0 || rc=1
			result $rc "host soak busted: caught ($viol violations in $acq acquisitions)"
		else
			[ "$acq" -ge "$soak_n" ] && [ "$viol" = 0 ] && rc=0 || rc=1
			result $rc "host soak $l: $acq acquisitions, $viol violations"
		fi
	done
	;;
esac
blk_say "verdict: $([ "$failed" = 0 ] && echo PASS || echo "FAIL ($failed)")"
[ "$failed" = 0 ]
