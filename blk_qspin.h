/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: qspin, a queued spinlock written from the algorithm of the
 * kernel's qspinlock (kernel/locking/qspinlock.c, Waiman Long and Peter
 * Zijlstra): the stand-in for spinlock_t that a user may change and reload.
 *
 * One 32-bit word, little-endian as x86 lays it out:
 *
 *   bits  0- 7  locked    the owner's byte: 1 while held
 *   bits  8-15  pending   bit 8: the first waiter, spinning on the word
 *   bits 16-17  tail idx  the nesting context of the last queued waiter
 *   bits 18-31  tail cpu  its CPU + 1; 0 (with idx 0): nobody queued
 *
 * Acquire: one acquire CAS of 0 to locked, inline. Taken: the slow path
 * (blk_qspin_slow.h). A first waiter sets pending and spins on the locked
 * byte; a later one queues in an MCS queue of per-CPU nodes (four nesting
 * contexts per CPU), spins on its own node until it heads the queue, then
 * on the word until locked and pending are both clear, and takes the lock
 * by a store to the locked byte (or, if it is the last queued, by a CAS
 * that also clears the tail), and makes its successor the head. Release:
 * a release store of 0 to the locked byte, inline, no read-modify-write.
 *
 * The locked byte, the pending byte and the locked+pending halfword are
 * written as bytes and halfwords, and the tail exchanged as a halfword, as
 * the kernel does when NR_CPUS < 16K (_Q_PENDING_BITS == 8). GenMC takes
 * no mixed-size accesses to one word, so in the model checker's world
 * (tools/verify) each of those is the whole-word atomic that changes the
 * same bits (the kernel's own _Q_PENDING_BITS != 8 variant, and a release
 * fetch-and for the unlock): the algorithm is checked there, and herd7's
 * mixed-size AArch64 model checks the byte and halfword steps against the
 * whole-word ones (tools/verify/litmus/AArch64/qspin-*.litmus).
 *
 * Ordering argument
 * -----------------
 *  - Fast path: the acquire CAS reads the 0 that the last owner's release
 *    store to the locked byte left: its critical section happens-before
 *    ours. trylock is the same CAS.
 *  - Pending: the acquire fetch-or that sets pending, or the acquire load
 *    that then waits for the locked byte to clear, reads the owner's
 *    release store; taking the lock from there (locked 1, pending 0) is a
 *    relaxed store, since only the pending waiter may do it.
 *  - Queue head: the acquire load that finds locked and pending clear
 *    reads the last owner's release store (or a release sequence headed by
 *    it); the store or CAS that then takes the lock can be relaxed.
 *  - Publishing a node: its reset (locked = 0, next = NULL) must be seen by
 *    the successor that links itself behind it. The tail exchange is
 *    ACQ_REL: its release half publishes our reset, its acquire half makes
 *    the predecessor's reset visible before our link store. The kernel
 *    uses an smp_wmb() before a relaxed exchange and the address dependency
 *    of the link store on the tail it read; C11 and RC11 honour no
 *    dependency (the MCS lock's lost handoff in Documentation/results.rst),
 *    so here it is the exchange's order. On x86 it is the same XCHG.
 *  - The link is a release store, read by the predecessor's acquire load
 *    when it hands the head on: the successor's reset happens-before the
 *    handoff that overwrites its locked flag (as blk_mcs.h's MCS).
 *  - Head handoff: a release store of 1 to the successor's flag, paired
 *    with the acquire load it spins with; nothing but headship passes.
 *
 * Every part of the slow path is in blk_qspin_slow.h, compiled once here
 * (blk_qspin.c) and once for CNA (blk_cna.c) with CNA's queue hooks, as
 * the kernel compiles qspinlock.c twice for paravirt.
 */
#ifndef _BLK_QSPIN_H
#define _BLK_QSPIN_H

#include "blk_env.h"

/**
 * struct blk_qspinlock - a queued spinlock.
 * @val: the whole word.
 * @locked: its owner byte.
 * @pending: its pending byte.
 * @locked_pending: both, as one halfword.
 * @tail: the tail, as one halfword.
 * @dep_map: lockdep's view (CONFIG_DEBUG_LOCK_ALLOC only).
 */
struct blk_qspinlock {
	union {
		u32 val;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		struct {
			u16 tail;
			u16 locked_pending;
		};
		struct {
			u8 reserved[2];
			u8 pending;
			u8 locked;
		};
#else
		struct {
			u8 locked;
			u8 pending;
		};
		struct {
			u16 locked_pending;
			u16 tail;
		};
#endif
	};
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
};

#define BLK_QS_LOCKED		1U
#define BLK_QS_LOCKED_MASK	0xffU
#define BLK_QS_PENDING_OFFSET	8
#define BLK_QS_PENDING		BIT(BLK_QS_PENDING_OFFSET)
#define BLK_QS_PENDING_MASK	0xff00U
#define BLK_QS_LOCKED_PENDING_MASK	0xffffU
#define BLK_QS_TAIL_IDX_SHIFT	16
#define BLK_QS_TAIL_CPU_SHIFT	18
#define BLK_QS_TAIL_MASK	0xffff0000U
#define BLK_QS_NODES		4

/*
 * The tail holds CPU + 1 in its top 14 bits, and the pending byte is a
 * byte only below 16K CPUs: the kernel's _Q_PENDING_BITS == 8 layout,
 * which the byte and halfword stores below rely on (qspinlock.c's
 * BUILD_BUG_ON(CONFIG_NR_CPUS >= (1U << _Q_TAIL_CPU_BITS))).
 */
static_assert(BLK_NR_CPUS < 1U << (32 - BLK_QS_TAIL_CPU_SHIFT),
	      "qspin's tail cannot encode BLK_NR_CPUS CPUs");
/*
 * The most CPUs (on the host: threads) the tail can name, each with one
 * context waiting (the host's threads never have two): the waiters column
 * of qspin and cna, by which a run of more threads is refused.
 */
#define BLK_QS_WAITERS		((1U << (32 - BLK_QS_TAIL_CPU_SHIFT)) - 2)

/*
 * How many reads a new waiter gives a pending waiter that is taking the
 * lock before it queues: x86's _Q_PENDING_LOOPS, the generic 1 elsewhere
 * and in the model checker.
 */
#if !BLK_WORLD_MODEL && defined(CONFIG_X86)
#define BLK_QS_PENDING_LOOPS	512U
#else
#define BLK_QS_PENDING_LOOPS	1U
#endif

/**
 * struct blk_qs_node - one CPU context's place in a qspin queue.
 * @next: the waiter queued behind, once it has linked itself.
 * @locked: set to 1 by the previous head: we head the queue now.
 * @count: in a CPU's first node only: how many of its nodes are in use.
 */
struct blk_qs_node {
	struct blk_qs_node *next;
	u32 locked;
	u32 count;
};

void blk_qspin_slowpath(struct blk_qspinlock *lock, u32 val);

/*
 * The lock's one CAS, fast path and trylock alike: 0 to locked, ACQUIRE
 * (it grants the lock). @val: what the word held when it failed.
 */
static __always_inline bool blk_qs_cas_lock(struct blk_qspinlock *lock,
					    u32 *val)
{
	*val = 0;
	blk_rmw_note();
	return __atomic_compare_exchange_n(&lock->val, val, BLK_QS_LOCKED,
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

/*
 * The RMWs a contended acquisition issued beyond the fast path's failed
 * CAS, for blk_contention_account() and blk_contention_count_rmws(). (Its spins are a
 * plain local: GenMC sees a spin loop only if it stores nothing.)
 */
struct blk_qs_tally {
	u64 rmws;	/* read-modify-writes, but for failed CASes */
	u64 fails;	/* failed CASes */
};

/*
 * The slow path's steps on the word that the kernel writes as a byte or a
 * halfword (_Q_PENDING_BITS == 8), and the model world as the whole-word
 * RMW that changes the same bits. All relaxed but the tail exchange: each
 * is ordered by the acquire that let its caller take that step.
 */

/*
 * Set the pending bit, ACQUIRE; return the word as it was. On x86 as the
 * kernel does it (queued_fetch_set_pending_acquire() in
 * arch/x86/include/asm/qspinlock.h): "lock btsl" sets the bit and leaves
 * its old value in CF ("=@ccc"), a separate read gives the rest of the
 * word. One locked instruction that cannot fail; the fetch-or builtin,
 * whose whole old word is wanted, compiles to a "lock cmpxchg" retry loop
 * instead (x86 has no fetch-or), retries nobody counts. The "memory"
 * clobber keeps the compiler's accesses on their side of it; LOCK is a
 * full barrier for the CPU, so it is at least ACQUIRE. The rest of the
 * word, read after it, may be newer than at the btsl (the kernel's too):
 * a tail that came since sends us to queue, a lock freed since lets us
 * take it at once. That read is the kernel's atomic_read(), but ACQUIRE:
 * the same MOV on x86, and the compiler then keeps the critical section
 * below the read that may have found the lock free.
 * Elsewhere the fetch-or, the generic atomic_fetch_or_acquire(): arm64's
 * LDSETA with LSE, an LDAXR/STXR loop without (its retries are the
 * CPU's, invisible to C); and in the model world and under TSan, which
 * see no asm.
 */
static __always_inline u32 blk_qs_fetch_set_pending(struct blk_qspinlock *lock,
						    struct blk_qs_tally *t)
{
	t->rmws++;
	blk_rmw_note();
#if BLK_ASM_X86
	{
		bool was;

		asm volatile("lock btsl %[bit], %[val]"
			     : "=@ccc" (was), [val] "+m" (lock->val)
			     : [bit] "I" (BLK_QS_PENDING_OFFSET)
			     : "memory");
		return (was ? BLK_QS_PENDING : 0) |
		       (__atomic_load_n(&lock->val, __ATOMIC_ACQUIRE) &
			~BLK_QS_PENDING_MASK);
	}
#else
	return __atomic_fetch_or(&lock->val, BLK_QS_PENDING, __ATOMIC_ACQUIRE);
#endif
}

/* Take our pending bit back: someone pends or queues before us. */
static __always_inline void blk_qs_clear_pending(struct blk_qspinlock *lock,
						 struct blk_qs_tally *t)
{
#if !BLK_WORLD_MODEL
	WRITE_ONCE(lock->pending, 0);
#else
	t->rmws++;
	__atomic_fetch_and(&lock->val, ~BLK_QS_PENDING_MASK, __ATOMIC_RELAXED);
#endif
}

/* The pending waiter takes the freed lock: locked 1, pending 0. */
static __always_inline void
blk_qs_clear_pending_set_locked(struct blk_qspinlock *lock,
				struct blk_qs_tally *t)
{
#if !BLK_WORLD_MODEL
	WRITE_ONCE(lock->locked_pending, BLK_QS_LOCKED);
#else
	t->rmws++;
	/* a subtraction: GenMC 0.10.3 carries a negative addend past 32 bits */
	__atomic_fetch_sub(&lock->val, BLK_QS_PENDING - BLK_QS_LOCKED,
			   __ATOMIC_RELAXED);
#endif
}

/* The queue head takes the freed lock, leaving the tail as it is. */
static __always_inline void blk_qs_set_locked(struct blk_qspinlock *lock,
					      struct blk_qs_tally *t)
{
#if !BLK_WORLD_MODEL
	WRITE_ONCE(lock->locked, BLK_QS_LOCKED);
#else
	t->rmws++;
	__atomic_fetch_or(&lock->val, BLK_QS_LOCKED, __ATOMIC_RELAXED);
#endif
}

/*
 * Put @tail in the tail, leaving locked and pending as they are; return
 * the old word's tail bits. ACQ_REL, for the node resets (the ordering
 * argument above).
 */
static __always_inline u32 blk_qs_xchg_tail(struct blk_qspinlock *lock,
					    u32 tail, struct blk_qs_tally *t)
{
	t->rmws++;
	blk_rmw_note();
#if !BLK_WORLD_MODEL
	return (u32)__atomic_exchange_n(&lock->tail,
					(u16)(tail >> BLK_QS_TAIL_IDX_SHIFT),
					__ATOMIC_ACQ_REL) << BLK_QS_TAIL_IDX_SHIFT;
#else
	{
		u32 old = __atomic_load_n(&lock->val, __ATOMIC_RELAXED), new;

		do {
			new = (old & BLK_QS_LOCKED_PENDING_MASK) | tail;
		} while (!__atomic_compare_exchange_n(&lock->val, &old, new,
						      false, __ATOMIC_ACQ_REL,
						      __ATOMIC_RELAXED));
		return old & BLK_QS_TAIL_MASK;
	}
#endif
}

/*
 * A slow-path CAS of the whole word from @old to @new, counted into @t;
 * @order (a constant) on success, relaxed on failure.
 */
static __always_inline bool blk_qs_cas(struct blk_qspinlock *lock, u32 old,
				       u32 new, const int order,
				       struct blk_qs_tally *t)
{
	blk_rmw_note();
	if (__atomic_compare_exchange_n(&lock->val, &old, new, false, order,
					__ATOMIC_RELAXED)) {
		t->rmws++;
		return true;
	}
	t->fails++;
	return false;
}

/* The slow path's trylock: the CAS only if the word is 0 (ACQUIRE, as the fast path's). */
static __always_inline bool blk_qs_try(struct blk_qspinlock *lock,
				       struct blk_qs_tally *t)
{
	return !__atomic_load_n(&lock->val, __ATOMIC_RELAXED) &&
	       blk_qs_cas(lock, 0, BLK_QS_LOCKED, __ATOMIC_ACQUIRE, t);
}

static __always_inline u32 blk_qs_encode_tail(int cpu, u32 idx)
{
	return ((u32)(cpu + 1) << BLK_QS_TAIL_CPU_SHIFT) |
	       (idx << BLK_QS_TAIL_IDX_SHIFT);
}

static __always_inline int blk_qs_tail_cpu(u32 tail)
{
	return (int)(tail >> BLK_QS_TAIL_CPU_SHIFT) - 1;
}

static __always_inline u32 blk_qs_tail_idx(u32 tail)
{
	return (tail & ~(~0U << BLK_QS_TAIL_CPU_SHIFT)) >> BLK_QS_TAIL_IDX_SHIFT;
}

static inline void __blk_qspin_init(struct blk_qspinlock *lock,
				    const char *name,
				    struct lock_class_key *key)
{
	blk_dep_init(lock, name, key);
	__atomic_store_n(&lock->val, 0, __ATOMIC_RELAXED);
}

#define blk_qspin_init(lock)	blk_init_class(__blk_qspin_init, lock)

/*
 * Release: 0 into the locked byte, RELEASE (our critical section before
 * the lock is seen free). A byte store in the kernel; in the model world
 * the whole-word RMW that clears the same byte.
 */
static __always_inline void blk_qs_store_unlocked(struct blk_qspinlock *lock)
{
#if !BLK_WORLD_MODEL
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
#else
	__atomic_fetch_and(&lock->val, ~BLK_QS_LOCKED_MASK, __ATOMIC_RELEASE);
#endif
}

/*
 * Take a queued spinlock: one CAS, inline; taken, @slowpath (qspin's, or
 * CNA's) pends or queues out of line. Always inlined with a constant
 * @slowpath: a direct call.
 */
static __always_inline void
blk_qs_lock(struct blk_qspinlock *lock,
	    void (*slowpath)(struct blk_qspinlock *lock, u32 val))
{
	u32 val;

	preempt_disable();
	spin_acquire(&lock->dep_map, 0, 0, _RET_IP_);
	if (unlikely(!blk_qs_cas_lock(lock, &val)))
		slowpath(lock, val);
}

/**
 * blk_qspin_lock() - take a qspin lock.
 * @lock: the lock.
 */
static __always_inline void blk_qspin_lock(struct blk_qspinlock *lock)
	__acquires(lock)
{
	blk_qs_lock(lock, blk_qspin_slowpath);
	__acquire(lock);
}

/**
 * __blk_qspin_trylock() - take a qspin lock if nobody holds, pends or queues.
 * @lock: the lock.
 *
 * Use blk_qspin_trylock(), which tells sparse about the lock. A word that
 * is not 0 is not tried (as queued_spin_trylock()).
 *
 * Return: true if taken (preemption is then disabled).
 */
static inline bool __blk_qspin_trylock(struct blk_qspinlock *lock)
{
	u32 val;

	preempt_disable();
	if (!__atomic_load_n(&lock->val, __ATOMIC_RELAXED) &&
	    blk_qs_cas_lock(lock, &val)) {
		spin_acquire(&lock->dep_map, 0, 1, _RET_IP_);
		return true;
	}
	preempt_enable();
	return false;
}

#define blk_qspin_trylock(lock) ({					\
	struct blk_qspinlock *__l = (lock);				\
	__cond_lock(__l, __blk_qspin_trylock(__l));			\
})

/**
 * blk_qspin_unlock() - free a qspin lock.
 * @lock: the lock.
 *
 * A release store of the locked byte; whoever pends or heads the queue is
 * spinning on the word and takes it from there.
 */
static __always_inline void blk_qspin_unlock(struct blk_qspinlock *lock)
	__releases(lock)
{
	__release(lock);
	spin_release(&lock->dep_map, _RET_IP_);
	blk_qs_store_unlocked(lock);
	preempt_enable();
}

static inline bool blk_qspin_is_locked(struct blk_qspinlock *lock)
{
	return !!__atomic_load_n(&lock->val, __ATOMIC_RELAXED);
}

#endif /* _BLK_QSPIN_H */
