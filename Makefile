# SPDX-License-Identifier: GPL-2.0
#
# blacklock, out of tree.
#
#   make              build blacklock.ko against KERNELDIR
#   make install      modules_install and depmod (DKMS: see dkms.conf)
#   make demo         build, boot a throwaway VM, compare every lock kind
#   make check        W=1 build, sparse, checkpatch, VM test, KUnit
#   make kunit        the KUnit suites: UML, x86_64 SMP, lockdep + KCSAN, weak
#                     memory, PREEMPT_RT
#   make compare      sweep every lock in the VM under perf stat -> results/
#   make bench        the harness's own cost and the precision targets, one boot
#   make soak         every real lock to 10^8 acquisitions, 0 violations
#   make matrix       the VM test on Debian's 6.1, 6.1-rt, 6.12 and 6.12-rt
#   make oversub      every lock on 2, 4 and 8 vCPUs (2 host cores), hypervisor
#                     bit off and on -> results/oversub.md, oversub.png
#   make host         the host world: the lock bodies and the engine's loop on
#                     this machine's own cores (tools/host), every host kind's
#                     cost and its contended figures on 1, 2, 4 ... threads and
#                     oversubscribed -> build/host-results/host.md, host.png
#   make host-soak    every real kind on the host to 10^8 acquisitions
#   make calibrate    what the emulator gets wrong: the same runs in the TCG VM
#                     and on the host, each kind's ratio to qspin in both, the
#                     quotient and the rank correlation -> build/calibrate
#   make verify       the lock kinds model-checked from their source: GenMC
#                     (SC, TSO, RC11, IMM) and herd7 (AArch64, x86-64, LKMM)
#   make sparse       sparse (C=2) only
#   make style        checkpatch.pl --strict only
#   make clean
#
# KERNELDIR defaults to the running kernel's build tree; the VM targets use
# Debian's linux-headers-amd64 that matches the kernel they boot.

KERNELDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(shell pwd)

all: module

# What is missing, said before make's own "No such file or directory".
have-kerneldir:
	@test -f $(KERNELDIR)/Makefile || { \
		echo "blacklock: no kernel build tree at $(KERNELDIR)" >&2; \
		echo "  install the headers of the kernel to build for: apt-get install linux-headers-$$(uname -r)" >&2; \
		echo "  or name a build tree: make KERNELDIR=/path/to/build (make demo and make check need neither)" >&2; \
		exit 1; }

module: have-kerneldir
	$(MAKE) -C $(KERNELDIR) M=$(PWD) modules

# modules_install puts blacklock.ko under /lib/modules/RELEASE/updates (or
# extra); depmod makes modprobe find it. DKMS: dkms.conf.
install: module
	$(MAKE) -C $(KERNELDIR) M=$(PWD) modules_install
	depmod -a $$(cat $(KERNELDIR)/include/config/kernel.release)

clean:
	$(MAKE) -C $(KERNELDIR) M=$(PWD) clean 2>/dev/null || \
		rm -rf *.o *.ko *.mod *.mod.c .*.cmd Module.symvers modules.order .tmp_versions

sparse:
	tools/check.sh --only sparse

style:
	tools/check.sh --only style

check:
	tools/check.sh

demo:
	tools/demo.sh

kunit:
	tools/kunit.sh

compare:
	tools/compare.sh

bench:
	tools/bench.sh

soak:
	tools/soak.sh

matrix:
	tools/matrix.sh

oversub:
	tools/oversub.sh

fidelity:
	tools/queued.sh fidelity

numa:
	tools/queued.sh numa

shapes:
	tools/shapes.sh

verify:
	tools/verify/verify.sh

host:
	tools/host.sh run

host-soak:
	tools/host.sh soak

calibrate:
	tools/calibrate.sh

.PHONY: all have-kerneldir module install clean sparse style check demo kunit compare bench soak matrix oversub \
	verify fidelity numa shapes host host-soak calibrate
