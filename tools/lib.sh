# SPDX-License-Identifier: GPL-2.0
# Shared by the blacklock tools: sourced, not run.

BLK_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BLK_BUILD=${BLK_BUILD:-$BLK_TOP/build}
BLK_CACHE=${BLK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/blacklock}

blk_say() { printf '%s: %s\n' "${BLK_TOOL:-blacklock}" "$*" >&2; }
blk_die() { blk_say "error: $*"; exit 1; }

# The lock menu, read from its one list (blk_kinds_list.h), as
# "name class" lines: class is lock, kernel, floor or broken (the module's
# "locks" file says the same). blk_locks [CLASS...] prints the names, in
# menu order, of the given classes (all without).
blk_locks() {
	awk -v want=" $* " '/^BLK_KIND\(/ {
		sub(/^BLK_KIND\(/, ""); split($0, f, ",")
		c = /BLK_KF_BROKEN/ ? "broken" : /BLK_KF_FLOOR/ ? "floor" : /BLK_KF_KERNEL/ ? "kernel" : "lock"
		if (want == "  " || index(want, " " c " ")) printf "%s ", f[1]
	}' "$BLK_TOP/blk_kinds_list.h" | sed 's/ $//'
}
BLK_LOCKS=$(blk_locks)
# blk_known_locks "LIST" fails on a name not on the menu.
blk_known_locks() {
	local l
	for l in $1; do
		case " $BLK_LOCKS " in
		*" $l "*) ;;
		*) blk_say "unknown lock kind '$l' (known: $BLK_LOCKS)"; return 1 ;;
		esac
	done
}

# The Debian kernel the VM boots: the newest 6.1 version for which both the
# image and the headers are installed (override with BLK_KVER).
blk_vm_kver() {
	local v
	if [ -n "${BLK_KVER:-}" ]; then
		echo "$BLK_KVER"
		return
	fi
	for v in $(ls /boot 2>/dev/null | sed -n 's/^vmlinuz-\(6\.1\..*-amd64\)$/\1/p' | sort -rV); do
		if [ -d "/usr/src/linux-headers-$v" ]; then
			echo "$v"
			return
		fi
	done
	return 1
}

# Build blacklock.ko for the VM kernel; extra arguments go to make (W=1 ...).
blk_build_for_vm() {
	local kver
	kver=$(blk_vm_kver) || blk_die "no Debian 6.1 kernel with headers: run tools/bootstrap.sh"
	make -s -C "$BLK_TOP" KERNELDIR="/usr/src/linux-headers-$kver" "$@"
}
