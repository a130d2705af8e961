#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: how much does the harness cost, and what does it do to the
# ratios? In one VM boot, interleaved, each repeat running every variant
# once:
#
#   cost       every kind's uncontended lock/unlock pair ("cost" in control)
#   yardstick  tools/yardstick/blk_yardstick.ko, the simplest lock loop
#              there is, written apart from blacklock (its own one-byte
#              lock; once per repeat, not per kind)
#   reference  loop=reference timing=off: lock, counter++, unlock
#   off        the engine, timing=off (count only)
#   count      the engine, timing=off check=count (the counter alone)
#   sample     the engine, timing=sample (the default), at each -S value
#   every      the engine, timing=every (every acquisition timed: the old way)
#
# Each repeat starts the variants one further on (a rotation), so a
# variant's place in the order does not bias it.
# and prints medians over the repeats, the ratios between them, and one
# line per target of the precision work: met or MISSED. Under TCG only
# ratios measured side by side in one boot mean anything; this is a
# benchmark, not a test: it exits 0 whatever the ratios, 1 if the VM did
# not finish.
set -euo pipefail
BLK_TOOL=bench
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 [-c VCPUS] [-r REPEATS] [-d MS] [-l "LOCKS"] [-S "SAMPLE_EVERY ..."] [-o FILE] [-H]
  -c VCPUS   vCPUs of the VM, all of them workers (default 2)
  -r N       repeats, interleaved (default 5)
  -d MS      run length (default 500)
  -l LOCKS   lock kinds (default: ttas spinlock); spinlock is always run
  -S LIST    sample_every values for timing=sample (default: the module's
             default only); e.g. "64 256 1024" to choose one
  -o FILE    also write the report (Markdown) to FILE
  -H         set the guest's CPUID hypervisor bit (virt_spin_lock)
USAGE
	exit 2
}

vcpus=2 reps=5 ms=500 locks="ttas spinlock" every_list="" out="" hv=
while getopts "c:r:d:l:S:o:Hh" opt; do
	case "$opt" in
	c) vcpus=$OPTARG ;;
	r) reps=$OPTARG ;;
	d) ms=$OPTARG ;;
	l) locks=$OPTARG ;;
	S) every_list=$OPTARG ;;
	o) out=$OPTARG ;;
	H) hv=-H ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$vcpus$reps$ms$(echo $every_list | tr -d ' ')" in *[!0-9]* | "") usage ;; esac
blk_known_locks "$locks" || usage
case " $locks " in *" spinlock "*) ;; *) locks="$locks spinlock" ;; esac

"$BLK_TOP/tools/bootstrap.sh" demo
mkdir -p "$BLK_BUILD"
# the yardstick, built for the kernel the VM boots
blk_kernel || exit 1
ys=$BLK_BUILD/yardstick/$BLK_KVER
mkdir -p "$ys"
cp "$BLK_TOP/tools/yardstick/blk_yardstick.c" "$BLK_TOP/tools/yardstick/Kbuild" "$ys/"
make -s -C "$BLK_KDIR" M="$ys" modules >"$ys/build.log" 2>&1 ||
	{ cat "$ys/build.log" >&2; blk_die "the yardstick does not build for $BLK_KVER"; }
guest=$BLK_BUILD/bench-guest.sh
log=$BLK_BUILD/bench.log
{
	echo "set -e"
	echo "D=/sys/kernel/debug/blacklock"
	echo "dflt=\$(awk '\$1 == \"sample_every\" { print \$3 }' \$D/knobs)"
	echo "echo \"BENCH-META kernel=\$(uname -r) vcpus=\$(nproc) sample_every_default=\$dflt\""
	echo "for S in ${every_list:-\$dflt}; do echo \"BENCH-META sample_every=\$S\"; done"
	echo "for r in \$(seq 1 $reps); do"
	# each record whole, as the module wrote it (tools/records.py reads it)
	echo "  echo \"BENCH-COST-BEGIN rep=\$r\"; blkctl cost; echo BENCH-COST-END"
	echo "  insmod /guest/blk_yardstick.ko ms=$ms && rmmod blk_yardstick"
	echo "  echo \"BENCH-YARDSTICK rep=\$r \$(dmesg | grep 'blk_yardstick: ' | tail -n 1 | sed 's/.*blk_yardstick: //')\""
	echo "  for l in $locks; do"
	if [ -n "$every_list" ]; then
		samples=$(for s in $every_list; do printf 'sample:%s ' "$s"; done)
	else
		samples='sample:$dflt'
	fi
	# each repeat starts one variant further on, so that no variant
	# always follows the same one
	echo "    vs=\"reference off count $samples every\"; set -- \$vs; rot=\$(( (r - 1) % \$# ))"
	echo "    while [ \$rot -gt 0 ]; do vs=\"\${vs#* } \${vs%% *}\"; rot=\$((rot - 1)); done"
	echo "    for v in \$vs; do"
	echo "      case \$v in"
	echo "      reference) k='loop=reference timing=off check=full' ;;"
	echo "      off) k='loop=engine timing=off check=full' ;;"
	echo "      count) k='loop=engine timing=off check=count' ;;"
	echo "      every) k='loop=engine timing=every check=full' ;;"
	echo "      sample:*) k=\"loop=engine timing=sample check=full sample_every=\${v#sample:}\" ;;"
	echo "      esac"
	echo "      rec=\$(blkctl run lock=\$l cpus=all ncpus=0 cs_ns=0 think_ns=0 duration_ms=$ms \$k)"
	echo "      echo \"BENCH-RUN-BEGIN rep=\$r lock=\$l variant=\$v\"; echo \"\$rec\"; echo BENCH-RUN-END"
	echo "    done"
	echo "  done"
	echo "done"
	echo "blkctl set loop=engine timing=sample sample_every=\$dflt"
} >"$guest"

nvar=$((4 + $(echo "${every_list:-x}" | wc -w)))
# every variant of every lock, a cost measurement and the yardstick, per repeat
timeout=$(blk_vm_timeout $((reps * ($(echo $locks | wc -w) * nvar + 2))) "$ms" "$vcpus")
blk_say "$reps repeats x $(echo $locks | wc -w) locks x $nvar variants of $ms ms, the yardstick and cost, in one boot"
"$BLK_TOP/tools/vm.sh" -q $hv -c "$vcpus" -t "$timeout" -f "$ys/blk_yardstick.ko" -l "$log" "$guest"
python3 "$BLK_TOP/tools/bench.py" "$log" ${out:+-o "$out"}
