#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Find or build the two model checkers make verify uses, and print where
# they are. Neither is packaged in Debian 12.
#
#   genmc  GenMC 0.10.3 (github.com/MPI-SWS/genmc, tag v0.10.3): C over
#          LLVM IR under SC, TSO, RC11 and IMM, with a liveness check
#   herd7  herdtools7 7.57 (github.com/herd/herdtools7, tag 7.57): litmus
#          tests against the AArch64, X86 and Linux-kernel (LKMM) models
#
# Where each comes from, first found first:
#   1. the command on PATH (genmc; herd7, whose libdir it knows itself)
#   2. $BLK_GENMC_SRC / $BLK_HERD_SRC: a source tarball or directory
#   3. ../shared/tools/ next to the checkout (genmc-0.10.3.tar.gz,
#      herdtools7-7.57.tar.gz)
# A tarball must have the SHA-256 pinned below. A build goes into
# $BLK_CACHE/checkers, once (GenMC in 337 s and herd7 in 231 s on a
# 2-core AMD EPYC, -j2).
#
# Prints "genmc PATH" and "herd7 PATH LIBDIR" lines on stdout; for a checker
# it cannot get, says how to get it and exits 3 (0 when both are there).
# With --present it builds nothing: exit 0 if they are there, 3 if not.
set -euo pipefail
BLK_TOOL=checkers
. "$(dirname "$0")/../lib.sh"

usage() {
	echo "usage: $0 [--present] [genmc|herd7 ...]   (default: both)" >&2
	exit 2
}

GENMC_VER=0.10.3
GENMC_SHA=8746f2d9dc3aae9249256ea27296dd206b8f2e06e80eaa4acb659e63ad500c12
HERD_VER=7.57
HERD_SHA=6b79f2fd1b5d799b1535ee5a3d6110c0874e10f4dce45e105a5b04ba5df9e74d
out=$BLK_CACHE/checkers
shared=$(cd "$BLK_TOP/.." && pwd)/shared/tools

present_only=
if [ "${1:-}" = --present ]; then
	present_only=1
	shift
fi
want=${*:-genmc herd7}
for w in $want; do
	case "$w" in genmc | herd7) ;; *) usage ;; esac
done

# source NAME TARBALL SHA VAR: a directory holding NAME's source, extracted
# into $out/src if it came as a tarball (checked against SHA); empty if none.
source_of() {
	local name=$1 tarball=$2 sha=$3 given=$4 src
	for src in "$given" "$shared/$tarball"; do
		[ -n "$src" ] && [ -e "$src" ] || continue
		if [ -d "$src" ]; then
			echo "$src"
			return 0
		fi
		echo "$sha  $src" | sha256sum -c --quiet - >&2 ||
			blk_die "$src: SHA-256 is not $sha"
		mkdir -p "$out/src"
		if [ ! -f "$out/src/.$tarball.extracted" ]; then
			blk_say "extracting $src"
			tar -xzf "$src" -C "$out/src"
			touch "$out/src/.$tarball.extracted"
		fi
		tar -tzf "$src" | head -n 1 | sed "s|/.*||; s|^|$out/src/|"
		return 0
	done
	blk_say "no source for $name: set $5 to a tarball or directory, or"
	return 1
}

# build NAME SRC DIR COMMAND...: copy SRC to $out/DIR and run COMMAND there,
# timed, its output in $out/NAME-build.log.
build() {
	local name=$1 src=$2 dir=$out/$3 t0
	shift 3
	"$BLK_TOP/tools/bootstrap.sh" verify >&2
	t0=$(date +%s)
	blk_say "building $name from $src into $dir"
	rm -rf "$dir"
	mkdir -p "$out"
	cp -a "$src" "$dir"
	(cd "$dir" && "$@") >"$out/$name-build.log" 2>&1 ||
		{ tail -n 30 "$out/$name-build.log" >&2; blk_die "$name does not build (see $out/$name-build.log)"; }
	blk_say "built $name in $(($(date +%s) - t0)) s"
}

# how_to NAME CLONE BUILD: what to do without a source
how_to() {
	blk_say "  get it: $2 && $3"
	blk_say "  (needs: tools/bootstrap.sh verify), then put $1 on PATH"
}

missing=0
get_genmc() {
	local bin src
	if bin=$(command -v genmc); then
		echo "genmc $bin"
		return 0
	fi
	bin=$out/genmc-$GENMC_VER/genmc
	if [ ! -x "$bin" ]; then
		[ -z "$present_only" ] || return 1
		if ! src=$(source_of genmc "genmc-$GENMC_VER.tar.gz" "$GENMC_SHA" "${BLK_GENMC_SRC:-}" BLK_GENMC_SRC); then
			how_to genmc "git clone -b v$GENMC_VER https://github.com/MPI-SWS/genmc" \
				"cd genmc && autoreconf --install && ./configure --with-llvm=/usr/lib/llvm-15 && make"
			return 1
		fi
		build genmc "$src" "genmc-$GENMC_VER" sh -c \
			"autoreconf --install && ./configure --with-llvm=/usr/lib/llvm-15 && make -j$(nproc)"
	fi
	echo "genmc $bin"
}

get_herd() {
	local bin src lib
	if bin=$(command -v herd7); then
		echo "herd7 $bin -"
		return 0
	fi
	bin=$out/herdtools7-$HERD_VER/_build/install/default/bin/herd7
	lib=$out/herdtools7-$HERD_VER/herd/libdir
	if [ ! -x "$bin" ]; then
		[ -z "$present_only" ] || return 1
		if ! src=$(source_of herd7 "herdtools7-$HERD_VER.tar.gz" "$HERD_SHA" "${BLK_HERD_SRC:-}" BLK_HERD_SRC); then
			how_to herd7 "git clone -b $HERD_VER https://github.com/herd/herdtools7" \
				"cd herdtools7 && make all && make install"
			return 1
		fi
		# herd7 alone, not make all's litmus7, diy7 and the rest: make verify
		# runs only herd7 (231 s here, against make all's 275 s)
		build herdtools7 "$src" "herdtools7-$HERD_VER" sh -c \
			"sh ./version-gen.sh '$out/herd-prefix' && dune build -j$(nproc) --profile release _build/install/default/bin/herd7"
	fi
	echo "herd7 $bin $lib"
}

for w in $want; do
	case "$w" in
	genmc) get_genmc || missing=1 ;;
	herd7) get_herd || missing=1 ;;
	esac
done
[ "$missing" = 0 ] || exit 3
