#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make matrix: the VM test (tools/guest/check.sh) on every kernel, and one
# table of the results: each kernel's spinlock_t, its checks, its kernel
# log, and each real lock's throughput as a ratio to spinlock_t in the same
# boot, with the violations. Installs the kernels first (tools/bootstrap.sh
# kernels). The table is printed and kept in build/matrix.md.
#
# Verdict line: "matrix: verdict: PASS (N kernels)" or "... FAIL (KERNELS)".
set -euo pipefail
BLK_TOOL=matrix
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 [-k "KERNEL..."]
  -k  the kernels (default "6.1 6.1-rt 6.12 6.12-rt"; any of
      $BLK_KERNEL_NAMES)
USAGE
	exit 2
}

kernels="6.1 6.1-rt 6.12 6.12-rt"
while getopts "k:h" opt; do
	case "$opt" in
	k) kernels=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
for k in $kernels; do
	case " $BLK_KERNEL_NAMES " in *" $k "*) ;; *) blk_say "unknown kernel '$k'"; usage ;; esac
done

"$BLK_TOP/tools/bootstrap.sh" kernels
mkdir -p "$BLK_BUILD"
for k in $kernels; do rm -f "$BLK_BUILD/check-vm-$k.log" "$BLK_BUILD/check-vm-$k.log.verdict"; done
BLK_CHECK_KERNELS=$kernels "$BLK_TOP/tools/check.sh" --only vm >"$BLK_BUILD/matrix.out" 2>&1 || true
grep -E '^FAIL' "$BLK_BUILD/matrix.out" || true
rc=0
# shellcheck disable=SC2086
python3 "$BLK_TOP/tools/matrix.py" --build "$BLK_BUILD" $kernels >"$BLK_BUILD/matrix.md" || rc=$?
cat "$BLK_BUILD/matrix.md"
exit "$rc"
