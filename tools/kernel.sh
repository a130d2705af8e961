#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernels the VM tools boot (tools/vm.sh -k NAME).
#
#   tools/kernel.sh list    each known kernel name, and the release it is
#                           here, or what is missing
#   tools/kernel.sh debug   build the debug kernel: Debian's
#                           linux-source-6.1, x86_64 tinyconfig plus
#                           tools/kconfig/debug.config (kmemleak, lockdep,
#                           atomic-sleep and debug-objects checks, which
#                           Debian's kernel does not have), in
#                           $BLK_CACHE/kernel-debug; a second run rebuilds
#                           only what changed
#
# The Debian kernels (6.1, 6.1-rt, 6.12, 6.12-rt) come from
# tools/bootstrap.sh kernels.
set -euo pipefail
BLK_TOOL=kernel
. "$(dirname "$0")/lib.sh"

usage() {
	echo "usage: $0 list|debug" >&2
	exit 2
}

[ $# = 1 ] || usage
case "$1" in
list)
	for k in $BLK_KERNEL_NAMES; do
		if blk_kernel "$k" 2>/dev/null; then
			printf '%-8s %s\n' "$k" "$BLK_KVER"
		else
			printf '%-8s %s\n' "$k" "missing"
		fi
	done
	exit 0
	;;
debug) ;;
*) usage ;;
esac

src=$(blk_linux_source)
out=$BLK_CACHE/kernel-debug
frag=$BLK_TOP/tools/kconfig/debug.config
mkdir -p "$out"
blk_say "configuring $out: tinyconfig + ${frag#"$BLK_TOP"/}"
make -s -C "$src" O="$out" ARCH=x86_64 LOCALVERSION=-blacklock-debug tinyconfig >/dev/null
(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" .config "$frag") >/dev/null
make -s -C "$src" O="$out" ARCH=x86_64 LOCALVERSION=-blacklock-debug olddefconfig >/dev/null
# Every line of the fragment must have survived olddefconfig.
lost=$(grep -E '^CONFIG_' "$frag" | while read -r line; do
	grep -qxF "$line" "$out/.config" || echo "$line"
done)
[ -z "$lost" ] || blk_die "olddefconfig dropped (a dependency is missing):" $lost
blk_say "building (make -j$(nproc) bzImage modules; 6 min 18 s from scratch on a 2-core AMD EPYC)"
make -s -C "$src" O="$out" ARCH=x86_64 LOCALVERSION=-blacklock-debug -j"$(nproc)" \
	bzImage modules >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log" >&2; blk_die "the debug kernel did not build (log: $out/build.log)"; }
blk_kernel debug >/dev/null
blk_say "verdict: PASS (debug kernel $BLK_KVER in $out)"
