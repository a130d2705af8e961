#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, from Debian's archive, what the blacklock tools need and this
# machine lacks. Says what it installs; installs nothing that is there.
set -euo pipefail
BLK_TOOL=bootstrap
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 [demo|kunit|kunit-rt|cross|compare|host|kernels|verify|check]
  demo   what make demo needs: compiler, Debian's 6.1 kernel and headers,
         qemu, busybox (the default)
  kunit  compiler, qemu, the kernel source and what kunit.py needs
  kunit-rt  kunit's, plus linux-source-6.12 (tools/kunit.sh rt: PREEMPT_RT)
  cross  an arm64 cross compiler, its C library and qemu-system-aarch64 and
         qemu-user (tools/kunit.sh arm64 arm64-lse; the host world's arm64
         build, tools/host.sh check)
  compare  demo's, plus perf, gnuplot and python3 (make compare)
  host   what the host world needs (make host): compiler, python3, perf,
         gnuplot
  kernels  demo's, plus the other kernels the VM tools boot, with their
         headers: Debian's 6.1 PREEMPT_RT, and the newest 6.12 and 6.12
         PREEMPT_RT that Debian 12 has (make matrix)
  verify what tools/verify/checkers.sh needs to build GenMC (clang and
         LLVM 15) and herdtools7 (OCaml, dune, menhir)
  check  all of the above but the PREEMPT_RT kernels, sparse and dkms
USAGE
	exit 2
}

# Debian 12 has no meta-package for 6.12: the newest release it has.
newest_612() {
	local v try
	for try in 1 2; do
		v=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' |
			awk '{ sub(/^linux-image-/, "", $1); print $1 }' | sort -V | tail -n 1)
		[ -z "$v" ] && [ "$try" = 1 ] && [ "$(id -u)" = 0 ] && apt-get update -qq || break
	done
	[ -n "$v" ] || blk_die "Debian's archive has no linux-image-6.12.*+deb12-amd64"
	echo "$v"
}

what=${1:-demo}
[ $# -le 1 ] || usage
demo_pkgs="make gcc linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static cpio gzip"
verify_pkgs="make autoconf automake clang-15 llvm-15 llvm-15-dev libclang-15-dev libffi-dev zlib1g-dev
	libedit-dev ocaml-nox ocaml-dune menhir libmenhir-ocaml-dev libzarith-ocaml-dev ocaml-findlib"
kunit_pkgs="make gcc qemu-system-x86 linux-source-6.1 xz-utils python3 bc bison flex libelf-dev libssl-dev"
case "$what" in
demo) pkgs=$demo_pkgs ;;
kunit) pkgs=$kunit_pkgs ;;
kunit-rt) pkgs="$kunit_pkgs linux-source-6.12" ;;
cross) pkgs="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm qemu-user" ;;
verify) pkgs=$verify_pkgs ;;
host) pkgs="make gcc python3 linux-perf gnuplot-nox" ;;
compare) pkgs="$demo_pkgs linux-perf gnuplot-nox python3 git" ;;
kernels)
	v612=$(newest_612) || exit 1
	pkgs="$demo_pkgs linux-image-rt-amd64 linux-headers-rt-amd64 python3
		linux-image-$v612 linux-headers-$v612
		linux-image-${v612%-amd64}-rt-amd64 linux-headers-${v612%-amd64}-rt-amd64"
	;;
check)
	v612=$(newest_612) || exit 1
	pkgs="$demo_pkgs $kunit_pkgs linux-source-6.12 gcc-aarch64-linux-gnu libc6-dev-arm64-cross
		qemu-system-arm qemu-user sparse perl dkms
		$verify_pkgs linux-image-$v612 linux-headers-$v612"
	;;
-h|--help) usage ;;
*) usage ;;
esac

pkgs=$(printf '%s\n' $pkgs | sort -u | tr '\n' ' ')
missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	blk_say "all present: $pkgs"
	exit 0
fi
[ "$(id -u)" = 0 ] || blk_die "need root to install:$missing"
blk_say "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# INITRD=No: no initramfs for the kernels installed here, which nothing
# boots (tools/vm.sh builds an initramfs of its own). --force-unsafe-io:
# dpkg does not sync each file it unpacks (a crash mid-install means
# installing again, nothing worse).
# shellcheck disable=SC2086
INITRD=No apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-unsafe-io \
	$missing >/dev/null
blk_say "installed:$missing"
