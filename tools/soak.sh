#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make soak: every real lock kind hammered on all vCPUs until it has at
# least N acquisitions (default 10^8), in runs of 10 s, in one VM boot.
# Passes if no run saw a violation, the watchdog stopped none, and the
# kernel log stays clean. Not part of make check (it takes minutes).
set -euo pipefail
BLK_TOOL=soak
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: $0 [-n ACQUISITIONS] [-c VCPUS] [-l \"LOCKS\"]   (default: 100000000, 2, the real locks)" >&2
	exit 2
}

n=100000000 vcpus=2 locks=$(blk_locks lock kernel)
while getopts "n:c:l:h" opt; do
	case "$opt" in
	n) n=$OPTARG ;;
	c) vcpus=$OPTARG ;;
	l) locks=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
case "$n$vcpus" in *[!0-9]* | "") usage ;; esac
blk_known_locks "$locks" || usage

"$BLK_TOP/tools/bootstrap.sh" demo
mkdir -p "$BLK_BUILD"
guest=$BLK_BUILD/soak-guest.sh
log=$BLK_BUILD/soak.log
cat >"$guest" <<GUEST
for l in $locks; do
	acq=0 vio=0 stuck=0 runs=0 t0=\$(date +%s)
	while [ \$acq -lt $n ]; do
		rec=\$(blkctl run lock=\$l duration_ms=10000 cpus=all ncpus=0 cs_ns=0 think_ns=0 timing=sample) || exit 1
		acq=\$((acq + \$(echo "\$rec" | awk '\$1 == "acquisitions:" { print \$2 }')))
		vio=\$((vio + \$(echo "\$rec" | awk '\$1 == "violations:" { print \$2 }')))
		stuck=\$((stuck + \$(echo "\$rec" | awk '\$1 == "stuck:" { print \$2 }')))
		runs=\$((runs + 1))
	done
	echo "SOAK lock=\$l acquisitions=\$acq violations=\$vio stuck=\$stuck runs=\$runs seconds=\$((\$(date +%s) - t0))"
done
GUEST
nlocks=$(echo $locks | wc -w)
# each lock soaks until its acquisitions are in: up to 20 minutes each
timeout=$(blk_vm_timeout "$nlocks" 1200000 "$vcpus")
blk_say "$locks: at least $n acquisitions each on $vcpus vCPUs (timeout ${timeout}s)"
rc=0
"$BLK_TOP/tools/vm.sh" -q -c "$vcpus" -t "$timeout" -l "$log" "$guest" || rc=$?
printf '%-13s %14s %11s %6s %5s %8s\n' lock acquisitions violations stuck runs seconds
bad=0
while read -r _ l a v s r t; do
	printf '%-13s %14s %11s %6s %5s %8s\n' "${l#lock=}" "${a#*=}" "${v#*=}" "${s#*=}" "${r#*=}" "${t#*=}"
	[ "${v#*=}" = 0 ] && [ "${s#*=}" = 0 ] && [ "${a#*=}" -ge "$n" ] || bad=$((bad + 1))
done < <(grep '^SOAK ' "$log" || true)
got=$(grep -c '^SOAK ' "$log" || true)
if [ "$rc" = 0 ] && [ "$bad" = 0 ] && [ "$got" = "$nlocks" ]; then
	blk_say "verdict: PASS ($got locks, each >= $n acquisitions, 0 violations, kernel log clean)"
else
	blk_say "verdict: FAIL (vm status $rc, $got of $nlocks locks done, $bad with violations, stuck runs or too few acquisitions; log $log)"
	exit 1
fi
