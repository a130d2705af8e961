#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel (Debian's 6.1 by default) in a throwaway qemu (TCG) VM
# with blacklock.ko built for it, run a guest script, and judge the run:
# the guest script's exit status, and a kernel log free of Oops, BUG,
# WARNING, lockdep reports, soft lockups and RCU stalls.
#
# The guest is a busybox initramfs built here: /guest holds blacklock.ko,
# blkctl and the script. The module is loaded before the script runs.
set -euo pipefail
BLK_TOOL=vm
. "$(dirname "$0")/lib.sh"

usage() {
	cat >&2 <<USAGE
usage: $0 [options] [GUEST_SCRIPT]
  -k KERNEL  the kernel: ${BLK_KERNEL_NAMES// /, } or an installed
             release (default \$BLK_KERNEL, or 6.1; tools/kernel.sh list)
  -c N       vCPUs (default 2)
  -N NODES   NUMA nodes (default 1): the vCPUs and the memory split evenly,
             node i holding vCPUs i*N/NODES .. (i+1)*N/NODES-1, so that the
             guest's numa_node_id() and topology are real (the distances
             are qemu's defaults, not physical: TCG has no NUMA cost)
  -m MB      guest memory (default 1024)
  -t SEC     give up after SEC seconds (default 300)
  -p PARAMS  insmod parameters for blacklock.ko
  -e VAR=VAL set VAR in the guest script's environment (repeatable)
  -f FILE    copy FILE into the guest's /guest too (repeatable)
  -n         do not load the module before the script
  -9         share this machine's root read-only over 9p at /host, with
             /proc, /sys, /dev, debugfs, tracefs and a tmpfs /tmp mounted
             in it and /guest copied to /host/tmp/guest, so the script
             can run the host's programs (perf) with chroot /host
  -H         set the CPUID hypervisor bit: the guest's spinlock_t then
             becomes the virt_spin_lock() test-and-set fallback
  -T MODE    TCG threading: multi (default; one host thread per vCPU) or
             single (all vCPUs on one host thread, taking turns)
  -l FILE    console log (default build/vm.log)
  -q         do not stream the console; print only the verdict
  -h         this help
GUEST_SCRIPT runs under busybox sh in /guest; without one the guest only
loads the module. Exit status: the guest script's, or 1 if the kernel log
is not clean or the VM did not finish.
USAGE
	exit 2
}

cpus=2 nodes=1 mem=1024 timeout=300 params= load=1 log= quiet=0 hv=off share=0 tcg=multi
kname=${BLK_KERNEL:-6.1} envs=() files=()
while getopts "k:c:N:m:t:p:e:f:n9HT:l:qh" opt; do
	case "$opt" in
	k) kname=$OPTARG ;;
	e)
		[[ "$OPTARG" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || usage
		envs+=("$OPTARG")
		;;
	f)
		[ -f "$OPTARG" ] || blk_die "no such file: $OPTARG"
		files+=("$OPTARG")
		;;
	c) cpus=$OPTARG ;;
	N) nodes=$OPTARG ;;
	m) mem=$OPTARG ;;
	t) timeout=$OPTARG ;;
	p) params=$OPTARG ;;
	n) load=0 ;;
	H) hv=on ;;
	T) tcg=$OPTARG ;;
	9) share=1 ;;
	l) log=$OPTARG ;;
	q) quiet=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
script=${1:-}
[ -z "$script" ] || [ -f "$script" ] || blk_die "no such guest script: $script"
case "$cpus$nodes$mem$timeout" in *[!0-9]*) usage ;; esac
[ "$nodes" -ge 1 ] && [ $((cpus % nodes)) = 0 ] && [ $((mem % nodes)) = 0 ] ||
	blk_die "-N $nodes: the $cpus vCPUs and $mem MB must split evenly into $nodes nodes"
qemu_numa=() smp=$cpus
if [ "$nodes" -gt 1 ]; then
	# one socket per node: with one socket the LLC spans the nodes, and
	# the guest kernel warns at boot that its topology is insane
	smp="$cpus,sockets=$nodes,cores=$((cpus / nodes)),threads=1"
	for ((i = 0; i < nodes; i++)); do
		qemu_numa+=(-object "memory-backend-ram,id=mem$i,size=$((mem / nodes))M"
			-numa "node,nodeid=$i,cpus=$((i * cpus / nodes))-$(((i + 1) * cpus / nodes - 1)),memdev=mem$i")
	done
fi
case "$tcg" in single | multi) ;; *) usage ;; esac
# The debug kernel has no ACPI (tools/kconfig/debug.config): its CPUs come
# from the MP table, where SeaBIOS lists the boot CPU alone under TCG, and
# qboot (kunit.py's firmware) lists every one; it has no SRAT for nodes.
firmware=()
if [ "$kname" = debug ]; then
	[ "$nodes" = 1 ] || blk_die "-N $nodes: the debug kernel has no ACPI, so no NUMA nodes: boot 6.1 or 6.12"
	firmware=(-bios qboot.rom)
fi

blk_kernel "$kname" || exit 1
kver=$BLK_KVER kernel=$BLK_KIMAGE
[ -r "$kernel" ] || blk_die "cannot read $kernel"
blk_build_for_kernel
ko=$BLK_KO
busybox=$(command -v busybox || echo /bin/busybox)
[ -x "$busybox" ] || blk_die "no busybox: run tools/bootstrap.sh"
command -v qemu-system-x86_64 >/dev/null || blk_die "no qemu: run tools/bootstrap.sh"

mkdir -p "$BLK_BUILD"
log=${log:-$BLK_BUILD/vm.log}
rm -f "$log.cpus"	# a dump of an earlier boot must not pass for this one's
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- the initramfs ----
root=$work/root
mkdir -p "$root/bin" "$root/guest" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
cp "$ko" "$BLK_TOP/tools/blkctl" "$BLK_TOP/tools/guest/sweep.sh" ${files[@]+"${files[@]}"} "$root/guest/"
if [ -n "$script" ]; then
	cp "$script" "$root/guest/script.sh"
else
	echo 'exit 0' >"$root/guest/script.sh"
fi
printf '%s\n' "$params" >"$root/guest/params"
: >"$root/guest/env"
for e in "${envs[@]}"; do
	printf 'export %s=%q\n' "${e%%=*}" "${e#*=}" >>"$root/guest/env"
done
echo "$load" >"$root/guest/load"
qemu_share=()
if [ "$share" = 1 ]; then
	# Debian's kernels have 9p and virtio as modules: carry them and what
	# they depend on, in the order modules.dep gives (dependencies first).
	[ -n "$BLK_KMODS" ] || blk_die "-9 needs a kernel with modules (Debian's)"
	mkdir -p "$root/guest/mod"
	for f in $(awk '{ sub(/:$/, "", $1); m = $1; sub(/.*\//, "", m); sub(/\.ko.*/, "", m) }
			m == "virtio_pci" || m == "9pnet_virtio" || m == "9p" {
				for (i = NF; i > 1; i--) print $i; print $1 }' "$BLK_KMODS/modules.dep" |
			awk '!seen[$0]++'); do
		m=${f##*/} m=${m%%.ko*}
		case "$f" in
		*.ko) cp "$BLK_KMODS/$f" "$root/guest/mod/$m.ko" ;;
		*.ko.xz) xz -dc "$BLK_KMODS/$f" >"$root/guest/mod/$m.ko" ;;
		*.ko.zst) zstd -qdc "$BLK_KMODS/$f" >"$root/guest/mod/$m.ko" ;;
		*) blk_die "cannot unpack $f" ;;
		esac
		echo "$m" >>"$root/guest/mod/order"
	done
	qemu_share=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
fi
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/guest
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
if [ -f /guest/mod/order ]; then
	for m in $(cat /guest/mod/order); do
		insmod "/guest/mod/$m.ko" || echo "BLK-GUEST: insmod $m failed"
	done
	mkdir -p /host
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /host
	mount -t tmpfs tmpfs /host/tmp
	mount --bind /proc /host/proc
	mount --bind /sys /host/sys
	mount --bind /dev /host/dev
	mount -t debugfs debugfs /host/sys/kernel/debug
	mount -t tracefs tracefs /host/sys/kernel/tracing
	cp -r /guest /host/tmp/guest
fi
echo "BLK-GUEST-UP kernel=$(uname -r) cpus=$(nproc)"
cd /guest
rc=0
if [ "$(cat load)" = 1 ]; then
	# shellcheck disable=SC2046
	insmod /guest/blacklock.ko $(cat params) || rc=$?
fi
if [ "$rc" = 0 ]; then
	. /guest/env
	sh /guest/script.sh
	rc=$?
fi
echo "BLK-DMESG-BEGIN"
dmesg
echo "BLK-DMESG-END"
echo "BLK-GUEST-EXIT: $rc"
# qemu runs with -no-reboot: a reboot ends it, on any kernel (a power-off
# needs ACPI's handler, which the debug kernel's small config lacks)
reboot -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

# ---- the boot ----
# hypervisor=off (unless -H): with the CPUID hypervisor bit the guest's
# spinlock_t quietly becomes the virt_spin_lock() test-and-set fallback.
# No KVM (it hangs at boot here): multi-threaded TCG, one host thread per
# vCPU. Oopses and soft lockups panic, and a panic ends qemu at once.
# no_ipi_broadcast=1: the kernel otherwise switches IPI shorthands (a
# static key) off when a CPU goes offline and on again when it is back, a
# live text patch on each CPU hotplug; with the shorthands always off,
# hotplug patches nothing (tools/freeze-repro.sh -c counts the patches).
# What a clean kernel log must not contain.
bad='Oops|BUG:|WARNING:|soft lockup|detected stall|Call Trace|Kernel panic|general protection|blocked for more than'
blk_say "booting $kver, $cpus vCPUs$([ "$nodes" = 1 ] || echo " on $nodes NUMA nodes"), TCG ($tcg-threaded), timeout ${timeout}s"
set +e
# Shortly before the timeout, ask qemu's monitor where every vCPU is: a
# guest that froze with no kernel message then still says something.
# The watcher keeps no copy of our stdout (a reader of a pipe from us would
# wait for its sleep), and takes its sleep with it when it is killed.
mon=$work/monitor.sock
(
	trap 'kill "$sp" 2>/dev/null; exit 0' TERM
	sleep $((timeout > 20 ? timeout - 10 : timeout)) &
	sp=$!
	wait "$sp"
	python3 - "$mon" >"$log.cpus" 2>&1 <<'PY' || true
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(2)
s.sendall(b"info registers -a\n")
out, end = b"", time.time() + 3
while time.time() < end:
    try:
        out += s.recv(65536)
    except socket.timeout:
        break
print(out.decode(errors="replace"))
PY
) </dev/null >/dev/null 2>&1 &
watcher=$!
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-accel "tcg,thread=$tcg" -cpu "max,hypervisor=$hv" -smp "$smp" -m "$mem" \
	${firmware[@]+"${firmware[@]}"} -kernel "$kernel" -initrd "$work/initrd.gz" "${qemu_share[@]}" \
	${qemu_numa[@]+"${qemu_numa[@]}"} \
	-append "console=ttyS0 loglevel=4 panic=-1 oops=panic softlockup_panic=1 nokaslr no_ipi_broadcast=1" \
	-monitor "unix:$mon,server=on,wait=off" \
	-nographic -no-reboot </dev/null 2>&1 |
	tr -d '\r' | tee "$log" |
	if [ "$quiet" = 1 ]; then cat >/dev/null; else
		# from the guest's first word on (no firmware noise), but never
		# hide a kernel in trouble; the kernel log dump goes to the log only
		awk -v bad="$bad" '/BLK-GUEST-UP/ { up = 1 } /^BLK-DMESG-BEGIN/ { skip = 1 }
			(up && !skip) || $0 ~ bad { print; fflush() } /^BLK-DMESG-END/ { skip = 0 }'
	fi
qemu_rc=${PIPESTATUS[0]}
kill "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
set -e

# ---- the verdict ----
guest_rc=$(sed -n 's/^BLK-GUEST-EXIT: \([0-9]*\)$/\1/p' "$log" | tail -n 1)
kernel_bad=$(grep -E "$bad" "$log" | head -n 5 || true)
if [ -z "$guest_rc" ]; then
	# Where the vCPUs were. Debian ships no real System.map, so the
	# guest's own text symbols (fixed under nokaslr) are fetched once by a
	# short boot and cached.
	ksyms=$BLK_CACHE/kallsyms-$kver
	if [ -s "$log.cpus" ] && [ ! -s "$ksyms" ] && [ -z "${BLK_NO_KSYMS:-}" ]; then
		mkdir -p "$BLK_CACHE"
		echo "grep ' [tT] ' /proc/kallsyms | sed 's/^/KSYM /'" >"$work/ksyms.sh"
		BLK_NO_KSYMS=1 "$0" -n -q -t 180 -l "$work/ksyms.log" "$work/ksyms.sh" 2>/dev/null || true
		sed -n 's/^KSYM //p' "$work/ksyms.log" >"$ksyms" 2>/dev/null || true
	fi
	if [ -s "$log.cpus" ] && [ -s "$ksyms" ]; then
		python3 - "$ksyms" "$log.cpus" <<'PY' >&2 || true
import bisect, re, sys
syms = []
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) >= 3 and p[1] in "tTwW":
        syms.append((int(p[0], 16), p[2]))
syms.sort()
addrs = [a for a, _ in syms]
for n, rip in enumerate(re.findall(r"RIP=([0-9a-f]+)", open(sys.argv[2]).read())):
    r = int(rip, 16)
    i = bisect.bisect_right(addrs, r) - 1
    where = "%s+0x%x" % (syms[i][1], r - syms[i][0]) if i >= 0 else "?"
    print("vm: vCPU %d was at %s (%s)" % (n, rip, where))
PY
	fi
	blk_say "verdict: FAIL (the guest did not finish: qemu status $qemu_rc, log $log)"
	[ -z "$kernel_bad" ] || printf '%s\n' "$kernel_bad" >&2
	exit 1
fi
if [ -n "$kernel_bad" ]; then
	blk_say "verdict: FAIL (kernel log not clean, log $log):"
	printf '%s\n' "$kernel_bad" >&2
	exit 1
fi
blk_say "verdict: $([ "$guest_rc" = 0 ] && echo PASS || echo FAIL) (guest exit $guest_rc, kernel log clean)"
exit "$guest_rc"
