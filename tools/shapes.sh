#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make shapes: what each workload shape changes for which kind, one knob at
# a time from the default, on the host's own cores (blk-host, silicon) and
# in one VM boot (TCG), each world's runs interleaved over the repeats,
# reported by tools/shapes.py:
#
#   cs_lines   0, 1, 4, 16 shared cache lines updated in the critical
#              section (0: the default)
#   colocate   off, on: the one line (cs_lines=1) apart from the lock or
#              in its cache line
#   nlocks     1, 16, 1024 locks, each acquisition taking one uniformly,
#              or the first with hot_pct=90 and the rest uniformly
#   think      think_ns=200, fixed or drawn from an exponential
#              distribution (think_dist=exp): arrivals in lockstep or not
#
# Every real kind of each world (blacklock's own, and the kernel's in the
# VM, the C library's on the host); every worker CPU of each (the host's
# cores, 2 vCPUs), timing=off. A run a world refuses (colocate=on where the
# lock leaves no room) is reported as refused.
set -euo pipefail
BLK_TOOL=shapes
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 [-r REPEATS] [-d MS] [-w host|vm|both] [-o DIR]
  -r N       repeats, interleaved (default 5)
  -d MS      run length (default 300)
  -w WORLD   host, vm or both (default both)
  -o DIR     the report (shapes.md), the logs and the plots (default
             \$BLK_BUILD/shapes)
USAGE
	exit 2
}

reps=5 ms=300 worlds=both out=$BLK_BUILD/shapes
while getopts "r:d:w:o:h" opt; do
	case "$opt" in
	r) reps=$OPTARG ;;
	d) ms=$OPTARG ;;
	w) worlds=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$reps$ms" in *[!0-9]* | "") usage ;; esac
[ "$reps" -ge 1 ] && [ "$ms" -ge 1 ] || usage
case "$worlds" in host | vm | both) ;; *) usage ;; esac

# the shapes: one line each, its knobs ("-": the defaults)
variants="-
cs_lines=1
cs_lines=4
cs_lines=16
cs_lines=1 colocate=on
nlocks=16
nlocks=1024
nlocks=16 hot_pct=90
nlocks=1024 hot_pct=90
think_ns=200
think_ns=200 think_dist=exp"
nvar=$(echo "$variants" | wc -l)
mkdir -p "$out"
logs=()

# rotated REP: the variants, each repeat starting one further on, so that
# no variant always follows the same one
rotated() {
	local rot=$((($1 - 1) % nvar))
	{ echo "$variants" | tail -n +$((rot + 1)); echo "$variants" | head -n "$rot"; }
}

if [ "$worlds" != vm ]; then
	"$BLK_TOP/tools/bootstrap.sh" host
	hb=$BLK_BUILD/host
	make -s -j"$(nproc)" -C "$BLK_TOP/tools/host" O="$hb" all >"$out/host-build.log" 2>&1 ||
		{ cat "$out/host-build.log"; blk_die "blk-host does not build"; }
	kinds=$("$hb/blk-host" locks | awk '$2 == "lock" || $2 == "libc" { print $1 }')
	log=$out/host.log
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "SHAPES-META world=host cpus=$(nproc) ms=$ms reps=$reps cpu=${cpu// /_}" >"$log"
	blk_say "host: $reps repeats x $nvar shapes x $(echo $kinds | wc -w) kinds of $ms ms on $(nproc) cores"
	for r in $(seq 1 "$reps"); do
		while read -r k; do
			[ "$k" = - ] && k=
			for l in $kinds; do
				echo "SHAPES-RUN-BEGIN rep=$r lock=$l knobs=$(echo "${k:--}" | tr ' ' ,)"
				# shellcheck disable=SC2086
				"$hb/blk-host" run lock="$l" duration_ms="$ms" timing=off $k , stats 2>&1 |
					sed -n '/^BLK-STATS-BEGIN/,/^BLK-STATS-END/p' | sed '1d;$d' || true
				echo "SHAPES-RUN-END"
			done
		done < <(rotated "$r")
	done >>"$log"
	logs+=("$log")
fi

if [ "$worlds" != host ]; then
	"$BLK_TOP/tools/bootstrap.sh" demo
	guest=$out/vm-guest.sh
	log=$out/vm.log
	kinds=$(blk_locks lock kernel)
	{
		echo "echo \"SHAPES-META world=vm kernel=\$(uname -r) cpus=\$(nproc) ms=$ms reps=$reps\""
		echo "for r in \$(seq 1 $reps); do"
		echo "  rot=\$(( (r - 1) % $nvar ))"
		echo "  { tail -n +\$((rot + 1)) /guest/shapes; head -n \$rot /guest/shapes; } |"
		echo "  while read -r k; do"
		echo "    [ \"\$k\" = - ] && k="
		echo "    for l in $kinds; do"
		echo "      echo \"SHAPES-RUN-BEGIN rep=\$r lock=\$l knobs=\$(echo \${k:--} | tr ' ' ,)\""
		echo "      blkctl run lock=\$l cpus=all ncpus=0 duration_ms=$ms timing=off cs_ns=0 cs_lines=0 colocate=off nlocks=1 hot_pct=0 think_ns=0 think_dist=fixed \$k 2>/dev/null || true"
		echo "      echo SHAPES-RUN-END"
		echo "    done"
		echo "  done"
		echo "done"
	} >"$guest"
	echo "$variants" >"$out/shapes"
	timeout=$(blk_vm_timeout $((reps * nvar * $(echo $kinds | wc -w))) "$ms" 2)
	blk_say "vm: $reps repeats x $nvar shapes x $(echo $kinds | wc -w) kinds of $ms ms in one boot (2 vCPUs)"
	"$BLK_TOP/tools/vm.sh" -q -c 2 -t "$timeout" -f "$out/shapes" -l "$log" "$guest"
	logs+=("$log")
fi

python3 "$BLK_TOP/tools/shapes.py" "${logs[@]}" --plots "$out" -o "$out/shapes.md"
