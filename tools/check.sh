#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: everything that must hold before a change lands.
#
#   build   blacklock.ko builds with W=1 and not one warning
#   dkms    dkms build (dkms.conf, into a private tree) against Debian's 6.1
#           and 6.12 headers, as a user's DKMS would; nothing is loaded
#   zerocost  the disassembled module: ttas's inline fast path (__atomic
#           builtins) is the same instruction sequence as ttas_asm's (lock
#           cmpxchg), no kind's loops make an indirect call, and each kind's
#           inline RMWs are as many as blk_kinds_list.h says
#           (tools/zerocost.py)
#   sparse  sparse (C=2) has nothing to say
#   style   checkpatch.pl --strict is clean on every .c and .h, and the
#           knobs in blk_knobs_list.h are the ones the docs list
#   host    the host world (tools/host.sh check): blk-host built three
#           ways with warnings as errors (measured, RMW-counting, and
#           ThreadSanitizer + UBSan), every real kind 0 violations and
#           busted caught on the host's own cores, its records through the
#           same checks as a guest's, every kind race-free under TSan, and
#           the TSan plants (tools/host/plants) each reported
#   vm      the integration test in a VM (tools/guest/check.sh), on Debian's
#           6.1 and 6.12 and on the debug kernel (tools/kernel.sh: kmemleak,
#           lockdep, failslab; BLK_CHECK_KERNELS picks others): exclusion
#           for every real lock over >= 1e6 acquisitions, busted caught, bad
#           input refused, stop/rmmod prompt, a clean kernel log, valid JSON
#   kunit   the blacklock_* KUnit suites (tools/kunit.sh): UML, x86_64 SMP,
#           x86_64 SMP under lockdep and KCSAN, that with KCSAN's strict
#           weak-memory model, and x86_64 PREEMPT_RT (6.12); every KUnit
#           case counts
#   arm64   the KUnit suites on arm64 under qemu-system-aarch64, without
#           LSE atomics (ttas_asm's CAS is LDAXR/STXR) and with (CASA)
#   verify  the lock kinds model-checked from their own source
#           (tools/verify/verify.sh): GenMC under SC, TSO, RC11 and IMM,
#           herd7's AArch64 and x86-64 models against the arm64 objects,
#           LKMM; without the checkers it is skipped (CI=true: failed)
#   example Documentation/extending.rst's worked lock kind, from the
#           document, as its file and one list line in a scratch copy:
#           module and host built, run once on the host, GenMC under every
#           model, KUnit (UML), the docs' menu table made again, and an
#           operation or a column left out failing the build by name
#           (tools/example.sh); its module is loaded and shown in make
#           demo's tables in the vm step's 3-vCPU boot
#
# Each step prints when it began and how long it took ("check: step NAME
# began at ...", "check: step NAME took N s"), and a table of them at the
# end, with the total: over BLK_BUDGET_COLD_S (3600) when the cache was
# cold at the start, or over BLK_BUDGET_WARM_S (600) when everything was
# already built, a "WARNING: over budget" line says so (CI allows 90 min).
#
# Ends with "N passed, N failed" (and ", N skipped" if any were); exits
# non-zero if anything failed.
set -euo pipefail
BLK_TOOL=check
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: $0 [--only build|dkms|zerocost|sparse|style|host|vm|kunit|arm64|verify|example]" >&2
	exit 2
}

only=
while [ $# -gt 0 ]; do
	case "$1" in
	--only)
		[ $# -ge 2 ] || usage
		only=$2
		shift 2
		;;
	*) usage ;;
	esac
done
case "$only" in "" | build | dkms | zerocost | sparse | style | host | vm | kunit | arm64 | verify | example) ;; *) usage ;; esac

passed=0 failed=0 skipped=0
result() { # result STATUS DESCRIPTION
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "PASS: $2"
	else
		failed=$((failed + 1))
		echo "FAIL: $2"
	fi
}
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }

# tool_lines OUT PREFIX: a result for each PASS:/FAIL: line of a tool's
# output, a skip for each SKIP: line
tool_lines() {
	local line
	while IFS= read -r line; do
		case "$line" in
		"PASS: "*) result 0 "$2: ${line#PASS: }" ;;
		"FAIL: "*) result 1 "$2: ${line#FAIL: }" ;;
		"SKIP: "*)
			skipped=$((skipped + 1))
			echo "SKIP: $2: ${line#SKIP: }"
			;;
		esac
	done < <(grep -E '^(PASS|FAIL|SKIP): ' "$1" | cut -c1-240)
	grep -E 'verdict' "$1" || true
}

# tool NAME OUT COMMAND...: run a tool that prints PASS/FAIL/SKIP lines
tool() {
	local name=$1 out=$2 rc=0
	shift 2
	"$@" >"$out" 2>&1 || rc=$?
	tool_lines "$out" "$name"
	if [ "$rc" != 0 ] && ! grep -q '^FAIL: ' "$out"; then
		tail -n 20 "$out"
		result 1 "$name: ${*#"$BLK_TOP"/} ran (exit $rc, see $out)"
	fi
}

# step NAME: the step before ends (its time printed and kept for the
# table), NAME begins; step with no name ends the last one.
t_check=$(date +%s) step_name= step_t0= step_table=
step() {
	local now
	now=$(date +%s)
	if [ -n "$step_name" ]; then
		blk_say "step $step_name took $((now - step_t0)) s"
		step_table+=$(printf '%-10s %6d s' "$step_name" $((now - step_t0)))$'\n'
	fi
	step_name=${1:-} step_t0=$now
	[ -z "$step_name" ] || blk_say "step $step_name began at $(date +%T)"
}

# Warm: every build the cache keeps is there, and bootstrap installs
# nothing. Anything missing makes the run cold, and its budget the cold one.
warm=warm
for f in kernel-debug/arch/x86/boot/bzImage kunit-uml/vmlinux kunit-smp/vmlinux \
	kunit-debug/vmlinux kunit-weak/vmlinux kunit-rt/vmlinux kunit-arm64/vmlinux \
	checkers/genmc-0.10.3/genmc checkers/herdtools7-7.57/_build/install/default/bin/herd7; do
	[ -e "$BLK_CACHE/$f" ] || warm=cold
done

mkdir -p "$BLK_BUILD"
step bootstrap
"$BLK_TOP/tools/bootstrap.sh" check 2>&1 | tee "$BLK_BUILD/bootstrap.log" >&2
grep -q 'all present' "$BLK_BUILD/bootstrap.log" || warm=cold
blk_say "the cache ($BLK_CACHE) was $warm at the start"
blk_kernel 6.1 || exit 1
kver=$BLK_KVER kdir=$BLK_KDIR
cd "$BLK_TOP"

# A cold cache lacks the model checkers, whose builds (GenMC 337 s, herd7
# 231 s) otherwise wait for the verify step. They build from here on in
# the background under SCHED_IDLE, on the cycles the kernel builds and the
# guests leave idle (a tenth of a cold run's), and never take one from
# them: the steps' times and the guests' measurements stay as they were.
# The verify step waits for what is left, which then has the CPUs alone.
# A process group of its own (set -m), for the trap to stop it whole, but
# not a session of its own (setsid): with the kernel's autogroups, a new
# session is a new group with a fair share of the CPUs, SCHED_IDLE or not.
checkers_pid=
if [ -z "$only" ] && ! "$BLK_TOP/tools/verify/checkers.sh" --present >/dev/null 2>&1; then
	blk_say "building the model checkers in the background at idle priority ($BLK_BUILD/checkers.log)"
	set -m
	chrt --idle 0 "$BLK_TOP/tools/verify/checkers.sh" >"$BLK_BUILD/checkers.log" 2>&1 &
	checkers_pid=$!
	set +m
	trap '[ -z "$checkers_pid" ] || kill -- "-$checkers_pid" 2>/dev/null || true' EXIT
fi

if want build; then
	step build
	make -s clean KERNELDIR="$kdir" >/dev/null 2>&1 || true
	rc=0
	make -j"$(nproc)" KERNELDIR="$kdir" W=1 >"$BLK_BUILD/build.log" 2>&1 || rc=$?
	warnings=$(grep -c 'warning:' "$BLK_BUILD/build.log" || true)
	[ "$warnings" = 0 ] || grep 'warning:' "$BLK_BUILD/build.log"
	result $((rc + warnings)) "W=1 build against $kver: exit $rc, $warnings warnings"
fi

if want dkms; then
	step dkms
	ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' dkms.conf)
	for k in 6.1 6.12; do
		rc=0
		blk_kernel "$k" || rc=1
		tree=$BLK_BUILD/dkms-$k
		rm -rf "$tree"
		mkdir -p "$tree/src/blacklock-$ver" "$tree/dkms"
		blk_sources "$tree/src/blacklock-$ver"
		cp Makefile dkms.conf "$tree/src/blacklock-$ver/"
		[ "$rc" = 1 ] || dkms build -m blacklock -v "$ver" -k "$BLK_KVER" --sourcetree "$tree/src" \
			--dkmstree "$tree/dkms" --kernelsourcedir "$BLK_KDIR" >"$tree/build.log" 2>&1 || rc=1
		ko=$(find "$tree/dkms" -path "*/$BLK_KVER/*" -name 'blacklock.ko*' 2>/dev/null | head -n 1)
		[ -n "$ko" ] || { rc=1; tail -n 20 "$tree/build.log"; }
		result $rc "dkms build blacklock/$ver against $k (${BLK_KVER:-?}): ${ko:+${ko#"$tree"/}}"
	done
	blk_kernel 6.1
fi

if want zerocost; then
	step zerocost
	[ -f blacklock.ko ] || make -s KERNELDIR="$kdir" >/dev/null 2>&1 || true
	rc=0
	python3 "$BLK_TOP/tools/zerocost.py" blacklock.ko >"$BLK_BUILD/zerocost.log" 2>&1 || rc=$?
	cat "$BLK_BUILD/zerocost.log"
	result $rc "zero-cost: the builtins' fast path is lock cmpxchg's, no indirect call near any lock, each kind's inline RMWs as listed (tools/zerocost.py)"
fi

if want sparse; then
	step sparse
	rc=0
	make -j"$(nproc)" -C "$kdir" M="$BLK_TOP" C=2 modules >"$BLK_BUILD/sparse.log" 2>&1 || rc=$?
	complaints=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$BLK_BUILD/sparse.log" || true)
	[ "$complaints" = 0 ] || grep -E ': (warning|error):' "$BLK_BUILD/sparse.log"
	result $((rc + complaints)) "sparse (C=2): exit $rc, $complaints complaints"
fi

if want style; then
	step style
	# checkpatch.pl from the 6.1 tree that the debug kernel and KUnit
	# build from, extracted once for all of them (lib.sh)
	cp_dir=$(blk_linux_source 6.1)
	# USE_LOCKDEP: the lock menu's is_locked operation for spinlock_t is
	# spin_is_locked() itself, not an assertion that lockdep could replace.
	# The files that expand blk_kinds_list.h, blk_knobs_list.h or
	# blk_counters_list.h: each BLK_KIND(), BLK_KNOB() or BLK_COUNTER()
	# definition makes declarations, a switch
	# case or a term of a sum, so it ends in a semicolon, holds more than
	# one statement, is no parenthesised value, and pastes its arguments
	# into names (which cannot be parenthesised). checkpatch takes those
	# for statement macros, and only there are TRAILING_SEMICOLON,
	# MACRO_ARG_REUSE, MACRO_ARG_PRECEDENCE, COMPLEX_MACRO and
	# MULTISTATEMENT_MACRO_USE_DO_WHILE let through.
	# cp_ignore FILE: the checkpatch types let through in FILE
	cp_ignore() {
		local ignore=USE_LOCKDEP
		if grep -qE '^#define BLK_(KIND|KNOB|COUNTER)\(' "$1"; then
			ignore=$ignore,TRAILING_SEMICOLON,MACRO_ARG_REUSE,MACRO_ARG_PRECEDENCE
			ignore=$ignore,COMPLEX_MACRO,MULTISTATEMENT_MACRO_USE_DO_WHILE
		fi
		# blk_env.h's model-checker half defines DECLARE_PER_CPU_ALIGNED()
		# and DEFINE_PER_CPU_ALIGNED() as declarations, as the kernel's
		# percpu-defs.h does, which cannot be parenthesised
		[ "$1" != ./blk_env.h ] || ignore=$ignore,COMPLEX_MACRO
		# tools/host/blk_host.h defines the kernel's API for the host
		# world: the attribute macros, typedefs and multi-use macros
		# checkpatch would have a kernel file take from that API
		# the host world's own C tests the CPU it runs on
		case "$1" in ./tools/host/*) ignore=$ignore,ARCH_DEFINES ;; esac
		[ "$1" != ./tools/host/blk_host.h ] ||
			ignore=$ignore,COMPLEX_MACRO,MACRO_ARG_REUSE,MACRO_ARG_PRECEDENCE,PREFER_DEFINED_ATTRIBUTE_MACRO,NEW_TYPEDEFS,IS_ENABLED_CONFIG,CAMELCASE,ARCH_DEFINES,SPACING,DATA_RACE
		echo "$ignore"
	}
	# one checkpatch per CPU at a time, each file's verdict in a file of
	# its own, then the results in the files' order
	cp_out=$BLK_BUILD/checkpatch
	rm -rf "$cp_out"
	mkdir -p "$cp_out"
	files=$(find . \( -path ./build -o -path ./gen \) -prune -o -name '*.[ch]' -print |
		grep -v '\.mod\.c$' | sort)
	i=0
	for f in $files; do
		i=$((i + 1))
		printf '%s\0%s\0%s\0' "$f" "$(cp_ignore "$f")" "$cp_out/$i"
	done | xargs -0 -n 3 -P "$(nproc)" sh -c \
		'perl "$0/scripts/checkpatch.pl" --strict --no-tree --quiet --ignore "$2" -f "$1" >"$3" 2>&1 ||
			echo "$1" >"$3.failed"' "$cp_dir"
	i=0
	for f in $files; do
		i=$((i + 1))
		rc=0
		[ ! -e "$cp_out/$i.failed" ] || rc=1
		[ ! -s "$cp_out/$i" ] || cat "$cp_out/$i"
		result $rc "checkpatch --strict $f"
	done
	# the docs' knob table against the one list
	rc=0
	for k in $(sed -n 's/^BLK_KNOB(\([a-z_]*\),.*/\1/p' blk_knobs_list.h); do
		grep -q "^\`\`$k\`\`" Documentation/blacklock.rst || { echo "Documentation/blacklock.rst: no knob $k"; rc=1; }
	done
	result $rc "Documentation/blacklock.rst lists every knob of blk_knobs_list.h"
	# and its menu table against the other, column by column
	rc=0
	python3 tools/kinds.py --doc-check Documentation/blacklock.rst || rc=1
	result $rc "Documentation/blacklock.rst's menu table is blk_kinds_list.h's, every kind and column"
	# the generic files name no lock kind: what a kind is, its list line
	# says (blk_kinds_list.h; the records' keys that name one stay)
	rc=0
	ids=$( { blk_kinds; blk_kinds host; } | cut -f1 | sort -u | paste -sd'|')
	grep -nE "BLK_KIND_($ids)\b|\bblk_($ids)_[a-z]" blk_engine.c blk_worker.c \
		blk_collect.c blk_watchdog.c blk_loop.c blk_cost.c blk_record.c \
		blk_debugfs.c blk_knobs.c blk_emit.c && rc=1
	result $rc "the generic files name no lock kind (BLK_KIND_<id>, blk_<id>_*)"
	# blk_main.c's map of the module's files against Kbuild's
	rc=0
	for f in $(sed -n 's/\\$//; s/^\(blacklock-y :=\|\t\)[[:space:]]*//p' Kbuild | tr ' ' '\n' | grep '^blk_.*\.o$' | sed 's/\.o$/.c/'); do
		grep -q "^ \*   $f " blk_main.c || { echo "blk_main.c: no $f in the file map"; rc=1; }
	done
	result $rc "blk_main.c's file map names every file of Kbuild"
	# the host tools on records saved before they were rewritten: the tables
	# make demo, make compare and make bench print must stay as they were
	# (Documentation/results/tools-baseline/README.md)
	base=Documentation/results/tools-baseline tmp=$(mktemp -d)
	rc=0
	python3 tools/demo.py --want 10 "$base/demo-stats.txt" | cmp -s - "$base/demo.txt" || rc=1
	result $rc "tools/demo.py prints the saved records' tables as they were ($base/demo.txt)"
	rc=0
	python3 tools/bench.py "$base/bench.log" | cmp -s - "$base/bench.md" || rc=1
	result $rc "tools/bench.py prints the saved log's report as it was ($base/bench.md)"
	rc=0
	python3 tools/report.py "$base/compare.log" -o "$tmp" --commit X --no-plots >/dev/null || rc=1
	sed 's/^# blacklock comparison, .*/# blacklock comparison, STAMP/' "$tmp/summary.md" |
		cmp -s - "$base/summary.md" || rc=1
	result $rc "tools/report.py prints the saved log's tables as they were ($base/summary.md)"
	rm -rf "$tmp"
fi

if want host; then
	step host
	tool host "$BLK_BUILD/host-check.out" "$BLK_TOP/tools/host.sh" check
fi

# vm_guest NAME LOG KERNEL [vm.sh options]: boot the integration test,
# a result for each of its TAP lines and for the kernel log.
#
# A boot that died before blacklock.ko had loaded (no "spinlock_t in
# effect" line: under TCG, Debian's 6.12 has oopsed at 1.5 s on an int3
# of its own text patching) tested nothing of ours: it is booted once more,
# saying so, its log kept as LOG.boot1. A failure after the load is never
# retried.
vm_guest() {
	local name=$1 log=$2 k=$3 verdict tap line try
	shift 3
	for try in 1 2; do
		"$BLK_TOP/tools/vm.sh" -k "$k" -q -t 900 -l "$log" "$@" "$BLK_TOP/tools/guest/check.sh" \
			2>"$log.verdict" || true
		grep -q 'verdict: FAIL' "$log.verdict" && ! grep -q 'spinlock_t in effect' "$log" &&
			[ "$try" = 1 ] || break
		mv "$log" "$log.boot1"
		echo "$name: the guest died before blacklock.ko loaded ($(grep -m1 -E 'Oops|panic|BUG' \
			"$log.boot1" | tr -d '\r' | cut -c1-80)); booting it once more (first log: $log.boot1)"
	done
	cat "$log.verdict"
	verdict=$(grep 'verdict:' "$log.verdict" || true)
	tap=$(grep -E '^(not )?ok [0-9]+ - ' "$log" || true)
	[ -n "$tap" ] || result 1 "$name: the integration test produced no results (see $log)"
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		case "$line" in
		"not ok "*) result 1 "$name: ${line#not ok * - }" ;;
		*) result 0 "$name: ${line#ok * - }" ;;
		esac
	done <<<"$tap"
	case "$verdict" in
	*"kernel log clean"*) result 0 "$name: kernel log clean (no Oops, BUG, WARNING, lockdep report, lockup, stall)" ;;
	*) result 1 "$name: kernel log clean: $verdict" ;;
	esac
}

# vm_check KERNEL: the integration test on one kernel, and its records.
vm_check() {
	local k=$1 log=$BLK_BUILD/check-vm-$1.log rc=0 json_rc=0
	vm_guest "vm $k" "$log" "$k"
	blk_section "$log" JSON >"$BLK_BUILD/stats-$k.json"
	python3 "$BLK_TOP/tools/checkjson.py" "$BLK_BUILD/stats-$k.json" || json_rc=1
	result $json_rc "vm $k: stats.json is valid JSON and agrees with itself"
	blk_section "$log" STATS >"$BLK_BUILD/stats-$k.txt"
	rc=0
	python3 "$BLK_TOP/tools/checkrecords.py" "$BLK_BUILD/stats-$k.txt" "$BLK_BUILD/stats-$k.json" || rc=1
	result $rc "vm $k: the tools read stats and stats.json as the same records (tools/records.py)"
	blk_section "$log" KEYS >"$BLK_BUILD/keys-$k.txt"
	rc=0
	python3 "$BLK_TOP/tools/checkkeys.py" "$BLK_BUILD/keys-$k.txt" "$BLK_TOP/Documentation/blacklock.rst" || rc=1
	result $rc "vm $k: Documentation/blacklock.rst documents every key of the keys file"
}

if want vm; then
	step vm
	# Debian's 6.1 and 6.12, and the debug kernel (kmemleak, lockdep,
	# failslab; built once into the cache by tools/kernel.sh, 7 min 36 s
	# on a 2-core host). make matrix adds the PREEMPT_RT kernels.
	for k in ${BLK_CHECK_KERNELS:-6.1 6.12 debug}; do
		if [ "$k" = debug ] && ! "$BLK_TOP/tools/kernel.sh" debug; then
			result 1 "vm debug: the debug kernel builds (tools/kernel.sh debug)"
			continue
		fi
		vm_check "$k"
	done
	# CPU hotplug with a CPU outside the run: 3 vCPUs, the hotplug part
	# only; then Documentation/extending.rst's worked kind, its module
	# loaded in place (tools/example.sh module), in make demo's tables
	log=$BLK_BUILD/check-vm-hotplug3.log
	if example=$("$BLK_TOP/tools/example.sh" module 2>"$BLK_BUILD/example-module.log"); then
		read -r ex_id ex_ko <<<"$example"
		vm_guest "vm 6.1 3 vCPUs" "$log" 6.1 -c 3 -e BLK_CHECK_ONLY=hotplug3 \
			-e BLK_EXAMPLE="$ex_id" -f "$ex_ko"
		blk_section "$log" EXAMPLE >"$BLK_BUILD/example-stats.json"
		rc=0
		python3 "$BLK_TOP/tools/demo.py" --want 3 "$BLK_BUILD/example-stats.json" \
			>"$BLK_BUILD/example-demo.txt" 2>&1 || rc=1
		[ "$(grep -c "^$ex_id " "$BLK_BUILD/example-demo.txt")" = 2 ] || rc=1
		[ "$rc" = 0 ] || cat "$BLK_BUILD/example-demo.txt"
		result $rc "vm 6.1 3 vCPUs: the worked example's $ex_id in make demo's two tables (tools/demo.py, $BLK_BUILD/example-demo.txt)"
	else
		cat "$BLK_BUILD/example-module.log"
		result 1 "vm: the worked example's module builds (tools/example.sh module)"
		vm_guest "vm 6.1 3 vCPUs" "$log" 6.1 -c 3 -e BLK_CHECK_ONLY=hotplug3
	fi
	# the NUMA topology of tools/vm.sh -N: 4 vCPUs on 2 nodes, the NUMA part only
	vm_guest "vm 6.1 2 nodes" "$BLK_BUILD/check-vm-numa.log" 6.1 -c 4 -N 2 \
		-e BLK_CHECK_ONLY=numa
fi

# kunit_ways OUT WAY...: tools/kunit.sh's ways, a result for each
kunit_ways() {
	local out=$1 ways=0 _ way ran p f s st
	shift
	"$BLK_TOP/tools/kunit.sh" "$@" >"$out" 2>&1 || true
	grep -vE '^kunit [a-z0-9-]+: ran ' "$out" |
		grep -E 'FAILED|CRASHED|SKIPPED|not clean|BUG|WARNING|KCSAN|verdict|skipped|CAS ran|no [a-z]+ in' || true
	while read -r _ way _ ran _ p _ f _ s _ st; do
		ways=$((ways + 1))
		passed=$((passed + p))
		failed=$((failed + f))
		result "$st" "kunit ${way%:}: $ran cases ($p passed, $f failed, $s skipped), kernel log clean, no SMP skips"
	done < <(grep -E '^kunit [a-z0-9-]+: ran ' "$out")
	[ "$ways" = $# ] || result 1 "kunit: $ways of $# ways gave results (see $out)"
}

if want kunit; then
	step kunit
	kunit_ways "$BLK_BUILD/kunit.out" uml smp debug weak rt
fi

if want arm64; then
	step arm64
	kunit_ways "$BLK_BUILD/arm64.out" arm64 arm64-lse
fi

if want verify; then
	step verify
	if [ -n "$checkers_pid" ]; then
		rc=0
		wait "$checkers_pid" || rc=$?
		checkers_pid=
		blk_say "the background build of the model checkers ended (exit $rc; its log: $BLK_BUILD/checkers.log)"
		grep -E 'built|does not build' "$BLK_BUILD/checkers.log" >&2 || true
	fi
	tool verify "$BLK_BUILD/verify.out" "$BLK_TOP/tools/verify/verify.sh"
fi

# last: its KUnit run leaves the example in the kernel tree's copy, which
# the next tools/kunit.sh puts back as the sources are
if want example; then
	step example
	tool example "$BLK_BUILD/example.out" "$BLK_TOP/tools/example.sh"
fi

step
total=$(($(date +%s) - t_check))
budget=${BLK_BUDGET_COLD_S:-3600}
[ "$warm" = cold ] || budget=${BLK_BUDGET_WARM_S:-600}
printf '%s' "$step_table"
printf '%-10s %6d s (%d min %d s; %s cache, budget %d min)\n' total "$total" $((total / 60)) \
	$((total % 60)) "$warm" $((budget / 60))
[ -n "$only" ] || [ "$total" -le "$budget" ] ||
	echo "WARNING: over budget: make check took $((total / 60)) min with a $warm cache, the budget is $((budget / 60)) min"
echo "$passed passed, $failed failed$([ "$skipped" = 0 ] || echo ", $skipped skipped")"
[ "$failed" = 0 ]
