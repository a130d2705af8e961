# SPDX-License-Identifier: GPL-2.0
# Shared by the blacklock tools: sourced, not run.

BLK_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BLK_BUILD=${BLK_BUILD:-$BLK_TOP/build}
BLK_CACHE=${BLK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/blacklock}

blk_say() { printf '%s: %s\n' "${BLK_TOOL:-blacklock}" "$*" >&2; }
blk_die() { blk_say "error: $*"; exit 1; }

# blk_kinds [WORLD]: the lock menu, read from its one list
# (blk_kinds_list.h) as WORLD's build sees it (kernel, the default, host or
# model: the list's #if BLK_WORLD_* blocks; all: every kind of every
# world), one kind a line, in menu
# order, its columns tab-separated: id home type rmw count flags irqsave
# rescue fini configure waiters locks, then its class (lock, kernel, libc, floor or
# broken) and its description. The one reader of the list outside the
# compiler: every tool calls it (tools/kinds.py for the Python ones).
blk_kinds() {
	awk -v world="${1:-kernel}" '
	/^#if BLK_WORLD_/ { skip = world != "all" && tolower(substr($2, 11)) != world; next }
	/^#endif/ { skip = 0; next }
	/^BLK_KIND\(/ { entry = ""; on = 1 }
	on { sub(/^[ \t]+/, ""); entry = entry " " $0 }
	on && /\)$/ {
		on = 0
		if (skip) next
		sub(/^ BLK_KIND\(/, "", entry); sub(/\)$/, "", entry)
		q = index(entry, "\""); desc = substr(entry, q + 1)
		sub(/"$/, "", desc)
		n = split(substr(entry, 1, q - 1), f, ",")
		if (n != 13) { print "blk_kinds: a BLK_KIND() line without 13 columns: " entry > "/dev/stderr"; exit 1 }
		line = ""
		for (i = 1; i <= 12; i++) { gsub(/^ +| +$/, "", f[i]); line = line f[i] "\t" }
		c = "lock"
		if (f[6] ~ /BLK_KF_LIBC/) c = "libc"
		if (f[6] ~ /BLK_KF_KERNEL/) c = "kernel"
		if (f[6] ~ /BLK_KF_FLOOR/) c = "floor"
		if (f[6] ~ /BLK_KF_BROKEN/) c = "broken"
		print line c "\t" desc
	}' "$BLK_TOP/blk_kinds_list.h"
}

# blk_locks [CLASS...]: the names, in menu order, of the module's kinds of
# the given classes (all without); the "locks" file says the same.
blk_locks() {
	blk_kinds | awk -F '\t' -v want=" $* " \
		'want == "  " || index(want, " " $13 " ") { printf "%s%s", sep, $1; sep = " " }'
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

# blk_vm_timeout RUNS MS [VCPUS]: the seconds to give tools/vm.sh for a
# boot that makes RUNS runs of MS ms each, the one formula every VM tool
# uses: 180 s for the boot, the module's load (its spinlock_t probe) and
# the verdict, 30 s more for each vCPU (under TCG a boot slows with them),
# and each run's length plus 2.5 s (blkctl, perf and the record, started
# under TCG).
blk_vm_timeout() {
	local runs=$1 ms=$2 vcpus=${3:-2}
	echo $((180 + 30 * vcpus + runs * (ms + 2500) / 1000))
}

# blk_section LOG NAME: the lines a guest printed between BLK-NAME-BEGIN
# and BLK-NAME-END in the console log LOG (Documentation/blacklock.rst,
# The console protocol).
blk_section() {
	sed -n "/^BLK-$2-BEGIN\r\?\$/,/^BLK-$2-END\r\?\$/p" "$1" | sed '1d;$d' | tr -d '\r'
}

# blk_kernel [NAME]: the kernel the VM tools boot (default $BLK_KERNEL, or
# 6.1). Sets BLK_KNAME (the name asked for), BLK_KVER (its release, as
# uname -r says), BLK_KIMAGE (what qemu boots), BLK_KDIR (what modules
# build against) and BLK_KMODS (its modules directory; empty when 9p and
# virtio are built in). NAME is one of BLK_KERNEL_NAMES: a Debian series
# (the newest release of it whose image and headers are installed:
# tools/bootstrap.sh kernels), or debug, built here by tools/kernel.sh; or
# an exact installed release. Fails, saying what to do, if there is none.
BLK_KERNEL_NAMES="6.1 6.1-rt 6.12 6.12-rt debug"
blk_kernel() {
	local name=${1:-${BLK_KERNEL:-6.1}} series rt v
	BLK_KNAME=$name BLK_KMODS=
	case "$name" in
	debug)
		BLK_KDIR=$BLK_CACHE/kernel-debug
		BLK_KIMAGE=$BLK_KDIR/arch/x86/boot/bzImage
		if [ ! -s "$BLK_KIMAGE" ] || [ ! -s "$BLK_KDIR/Module.symvers" ]; then
			blk_say "no debug kernel: build it with tools/kernel.sh debug"
			return 1
		fi
		BLK_KVER=$(cat "$BLK_KDIR/include/config/kernel.release")
		return 0
		;;
	[0-9]*.[0-9]* | [0-9]*.[0-9]*-rt)
		series=${name%-rt} rt=
		[ "$series" = "$name" ] || rt=rt-
		BLK_KVER=
		for v in $(ls /boot 2>/dev/null | sed -n 's/^vmlinuz-//p' | sort -rV); do
			case "$v" in "$series".*-"$rt"amd64) ;; *) continue ;; esac
			# the generic flavour, or rt: never cloud, never rt unasked
			case "${v%-amd64}" in *-cloud | *-rt) [ -n "$rt" ] && [ "${v%-rt-amd64}" != "$v" ] || continue ;; esac
			[ -d "/usr/src/linux-headers-$v" ] || continue
			BLK_KVER=$v
			break
		done
		if [ -z "$BLK_KVER" ] && [ -e "/boot/vmlinuz-$name" ]; then
			BLK_KVER=$name
		fi
		;;
	*) BLK_KVER= ;;
	esac
	if [ -z "$BLK_KVER" ] || [ ! -d "/usr/src/linux-headers-$BLK_KVER" ]; then
		blk_say "no kernel '$name' with headers installed (known: $BLK_KERNEL_NAMES, or a release in /boot): run tools/bootstrap.sh kernels"
		return 1
	fi
	BLK_KIMAGE=/boot/vmlinuz-$BLK_KVER
	BLK_KDIR=/usr/src/linux-headers-$BLK_KVER
	BLK_KMODS=/lib/modules/$BLK_KVER
}

# blk_sources DIR: copy blacklock's sources (never objects, which make
# would take for up-to-date targets) into DIR. Only a file that differs is
# copied, and it gets a new time: make then rebuilds what changed, even when
# the sources come from another checkout with older file times.
blk_sources() {
	local f files='Kbuild Kconfig blacklock.h blk_*.c blk_*.h kunit/*.[ch] kunit/.kunitconfig'
	mkdir -p "$1/kunit"
	# shellcheck disable=SC2086 # $files: patterns, globbed where each loop runs
	(cd "$BLK_TOP" && for f in $files; do
		cmp -s "$f" "$1/$f" || cp "$f" "$1/$f"
	done)
	# a file that is gone from the sources goes from the copy; the others
	# keep their times, so that make rebuilds nothing that did not change
	# shellcheck disable=SC2086
	(cd "$1" && for f in $files; do
		[ ! -e "$f" ] || [ -e "$BLK_TOP/$f" ] || rm -f "$f"
	done)
}

# blk_build_for_kernel: build blacklock.ko for the kernel blk_kernel chose,
# in a directory of its own ($BLK_BUILD/ko/RELEASE), and set BLK_KO to it;
# extra arguments go to make (W=1 ...).
blk_build_for_kernel() {
	local dir=$BLK_BUILD/ko/$BLK_KVER
	blk_sources "$dir"
	make -s -C "$BLK_KDIR" M="$dir" "$@" modules >"$dir/build.log" 2>&1 ||
		{ cat "$dir/build.log" >&2; blk_die "blacklock does not build for $BLK_KVER"; }
	BLK_KO=$dir/blacklock.ko
}

# blk_linux_source [VERSION]: Debian's linux-source-VERSION (default 6.1),
# extracted once into the cache; prints its path.
blk_linux_source() {
	local v=${1:-6.1} src
	src=$BLK_CACHE/linux-source-$v
	if [ ! -f "$src/.blacklock-extracted" ]; then
		[ -r "/usr/src/linux-source-$v.tar.xz" ] || blk_die "no linux-source-$v: run tools/bootstrap.sh kunit"
		blk_say "extracting linux-source-$v into $BLK_CACHE"
		rm -rf "$src"
		mkdir -p "$BLK_CACHE"
		tar -xJf "/usr/src/linux-source-$v.tar.xz" -C "$BLK_CACHE"
		touch "$src/.blacklock-extracted"
	fi
	echo "$src"
}
