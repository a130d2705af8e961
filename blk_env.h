/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the lock bodies' whole world, in three versions.
 *
 * The lock kinds' code (each kind's home, blk_<home>.h and .c, as
 * blk_kinds_list.h names them) includes this header and nothing else (but
 * another home's header, for code it shares), and uses only what it
 * provides:
 *
 *   atomics      GCC/Clang __atomic builtins on plain words (the C11
 *                memory model's orders), READ_ONCE() and WRITE_ONCE()
 *   environment  preempt_disable()/preempt_enable(), cpu_relax(), barrier(),
 *                the CPU's context (blk_context_level()), lockdep's
 *                spin_acquire()/spin_release() and lock classes (and
 *                blk_dep_init(), blk_init_class() below), sparse's
 *                annotations, per-CPU nodes (DEFINE_PER_CPU_ALIGNED(),
 *                this_cpu_ptr(), per_cpu_ptr(), smp_processor_id()), the
 *                CPU's NUMA node (blk_numa_node()), whether the waiter
 *                is one no lock may set aside (blk_waiter_urgent()), a
 *                clock (blk_clock_ns()), and the accounting hooks:
 *                blk_contention_wait_begin(), blk_contention_account(),
 *                blk_contention_count_handoff(), blk_contention_count_rmws(),
 *                blk_contention_count_queued(), blk_contention_count_cna_moved(),
 *                blk_contention_count_cna_flush() of the contended paths, and
 *                blk_rmw_note() at every RMW (blk_contention.h)
 *
 * In the module (__KERNEL__) all of it is the kernel's own, as before.
 *
 * On the host (BLK_HOST, selected explicitly by tools/host's build: a
 * program on the host's own cores, not a kernel) it is the same kernel
 * API, implemented over the C library and C11 atomics by
 * tools/host/blk_host.h: READ_ONCE()/WRITE_ONCE() relaxed atomics,
 * cpu_relax() the CPU's own (PAUSE, YIELD), preemption and lockdep nothing,
 * a per-CPU variable one copy per thread (its index among the run's
 * threads, not its CPU's, so two threads sharing a CPU never share a
 * node), the accounting hooks blk_contention.c's, counting per thread.
 * Every line below that the model world writes otherwise is the kernel's
 * there, because real CPUs have it (BLK_WORLD_MODEL is 0): byte and
 * halfword stores, the inline asm, blk_lock_token(), the knobs.
 *
 * In the model checker (tools/verify: GenMC compiles the very same .h and
 * .c files with clang, neither __KERNEL__ nor BLK_HOST defined) the
 * atomics are the same builtins, which clang lowers to the LLVM atomic
 * instructions GenMC models; READ_ONCE()/WRITE_ONCE() are relaxed atomics, which is what LKMM
 * and the compilers make of them; a thread is a CPU that is never preempted,
 * so preemption, lockdep and sparse are nothing, cpu_relax() is nothing
 * (GenMC recognises a spin loop by its loads alone), a per-CPU variable is
 * one copy per thread, and the accounting hooks count nothing. The inline
 * assembly (ttas_asm's CAS on x86 and arm64) has no model: there the asm
 * back-end is the builtins, and herd7 checks the instructions themselves
 * (tools/verify/litmus).
 */
#ifndef _BLK_ENV_H
#define _BLK_ENV_H

/* How many values blk_context_level() takes, in every world. */
#define BLK_CONTEXTS		4

#if defined(__KERNEL__) || defined(BLK_HOST)

/* The lines that differ between the worlds ask these, never __KERNEL__. */
#define BLK_WORLD_MODEL		0
#ifdef BLK_HOST
#define BLK_WORLD_KERNEL	0
#define BLK_WORLD_HOST		1
#else
#define BLK_WORLD_KERNEL	1
#define BLK_WORLD_HOST		0
#endif

/*
 * The host world's ThreadSanitizer build (tools/host). Not
 * __SANITIZE_THREAD__ alone: a KCSAN kernel is built with
 * -fsanitize=thread too, and must keep its marked accesses and its asm.
 */
#if defined(BLK_HOST) && defined(__SANITIZE_THREAD__)
#define BLK_HOST_TSAN		1
#else
#define BLK_HOST_TSAN		0
#endif

#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/processor.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/prio.h>
#include <linux/smp.h>
#include <linux/topology.h>
#include <linux/types.h>

#include "blk_contention.h"

/* What names a lock in a word that several locks' waiters read: its address. */
#define blk_lock_token(lock)	((unsigned long)(lock))

/*
 * The context this CPU runs in: 0 task, 1 softirq, 2 hardirq, 3 NMI, below
 * BLK_CONTEXTS. A context runs to its end before the one it interrupted
 * goes on, so the kinds that keep something per context index it so. A
 * user thread on the host is never interrupted by code that takes a lock:
 * always 0.
 */
#if BLK_WORLD_KERNEL
#define blk_context_level()	interrupt_context_level()
#else
#define blk_context_level()	0U
#endif

/* The most CPUs (the host: threads) a per-CPU variable may have to serve. */
#if BLK_WORLD_KERNEL
#define BLK_NR_CPUS		CONFIG_NR_CPUS
#else
#define BLK_NR_CPUS		BLK_HOST_NR_CPUS
#endif

#define blk_numa_node()		numa_node_id()

/*
 * A waiter that a lock must not set aside for others (CNA never moves it to
 * its secondary queue): not in task context, interrupts off, or a real-time
 * or deadline task, as CNA v15 has it (its rt_task() took in both then).
 * A user thread on the host is none of these.
 */
#if BLK_WORLD_KERNEL
#define blk_waiter_urgent()	\
	(!in_task() || irqs_disabled() || current->prio < MAX_RT_PRIO)
#else
#define blk_waiter_urgent()	false
#endif

/* Nanoseconds, cheap, safe in any context; comparable across CPUs roughly. */
#define blk_clock_ns()		local_clock()

#else /* the model checker's world */

#define BLK_WORLD_MODEL		1
#define BLK_WORLD_KERNEL	0
#define BLK_WORLD_HOST		0
#define BLK_HOST_TSAN		0

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/cdefs.h>		/* __always_inline */

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define BIT(n)			(1UL << (n))

static inline u32 min(u32 a, u32 b)
{
	return a < b ? a : b;
}

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define cpu_relax()		do { } while (0)
/*
 * Nothing interrupts a thread: the compiler barriers that keep a per-CPU
 * count and the node it claims in order against an interrupt on the same
 * CPU order nothing here (GenMC checks the orders between threads).
 */
#define barrier()		do { } while (0)
#define blk_context_level()	0U
#define preempt_disable()	do { } while (0)
#define preempt_enable()	do { } while (0)

#define __acquires(x)
#define __releases(x)
#define __acquire(x)		((void)0)
#define __release(x)		((void)0)
#define __cond_lock(x, c)	(c)
#define _RET_IP_		0UL

struct lock_class_key { int unused; };
#define spin_acquire(map, s, t, ip)	do { } while (0)
#define spin_release(map, ip)		do { } while (0)

/*
 * A per-CPU variable is an array of BLK_MODEL_CPUS, indexed by the thread's
 * CPU number, which the client sets as each thread starts (GenMC 0.10.3
 * takes only scalars as thread-local variables).
 */
#ifndef BLK_MODEL_CPUS
#define BLK_MODEL_CPUS		4
#endif
#define BLK_NR_CPUS		BLK_MODEL_CPUS
extern __thread int blk_model_cpu;
#define ____cacheline_aligned
#define DECLARE_PER_CPU_ALIGNED(type, name)	extern type name[BLK_MODEL_CPUS]
#define DEFINE_PER_CPU_ALIGNED(type, name)	type name[BLK_MODEL_CPUS]
#define this_cpu_ptr(ptr)			(&(*(ptr))[blk_model_cpu])
#define per_cpu_ptr(ptr, cpu)			(&(*(ptr))[(cpu)])
#define smp_processor_id()			blk_model_cpu

/* Two NUMA nodes, the CPUs alternating between them (CNA's queues). */
#define blk_numa_node()				(blk_model_cpu & 1)
/* No thread is an interrupt; and there is no clock (CNA's count rules). */
#define blk_waiter_urgent()			false

static inline u64 blk_contention_wait_begin(const void *lock)
{
	return 0;
}

static inline void blk_contention_account(const void *lock, u64 t0,
					  u64 cas_failures, u64 spins)
{
}

static inline void blk_contention_count_handoff(void)
{
}

static inline void blk_contention_count_rmws(u64 n)
{
}

static inline void blk_contention_count_queued(void)
{
}

static inline void blk_contention_count_cna_moved(void)
{
}

static inline void blk_contention_count_cna_flush(void)
{
}

#define blk_rmw_note()		do { } while (0)

/*
 * A lock's name in a shared word (Hemlock's grant words): the constant 1.
 * GenMC turns a spin loop into an assume() of its exit condition, and takes
 * only integer and null constants there, not an address; every client has
 * one lock, so one name is enough.
 */
#define blk_lock_token(lock)	1UL

#endif /* __KERNEL__ || BLK_HOST */

/* ---- lockdep, for every kind (nothing without CONFIG_DEBUG_LOCK_ALLOC) ---- */

/*
 * blk_dep_init(lock, name, key): give a blacklock lock (any with a dep_map)
 * its lockdep name and class, as a spinning lock; nothing without
 * CONFIG_DEBUG_LOCK_ALLOC.
 */
#ifdef CONFIG_DEBUG_LOCK_ALLOC
#define blk_dep_init(lock, name, key) \
	lockdep_init_map_wait(&(lock)->dep_map, (name), (key), 0, LD_WAIT_SPIN)
#else
#define blk_dep_init(lock, name, key)	do { } while (0)
#endif

/*
 * blk_init_class(fn, lock): call __init function @fn on @lock with a
 * lockdep class of the call site's own, as spin_lock_init() does; its
 * value is @fn's (a kind whose init can fail returns 0 or an error).
 */
#define blk_init_class(fn, lock)				\
({								\
	static struct lock_class_key __key;			\
								\
	fn((lock), #lock, &__key);				\
})

/*
 * Whether a lock body may take its inline-asm line (ttas_asm's CAS,
 * qspin's pending bit on x86): on x86 (UML included) or arm64, but not in
 * the model checker (no asm has a model) nor under ThreadSanitizer (which
 * sees no asm: it would miss the atomic, and call the handoff a race).
 */
#if (defined(CONFIG_X86) || defined(CONFIG_UML_X86)) && \
	!BLK_WORLD_MODEL && !BLK_HOST_TSAN
#define BLK_ASM_X86		1
#else
#define BLK_ASM_X86		0
#endif
#if defined(CONFIG_ARM64) && !BLK_WORLD_MODEL && !BLK_HOST_TSAN
#define BLK_ASM_ARM64		1
#else
#define BLK_ASM_ARM64		0
#endif

#endif /* _BLK_ENV_H */
