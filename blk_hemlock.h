/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: Hemlock (Dice and Kogan, "Hemlock: Compact and Scalable
 * Mutual Exclusion", SPAA 2021), a FIFO queue lock of one word per lock
 * and one per CPU context, with no queue node passed from lock to unlock.
 *
 * The lock is a tail pointer to the grant word of the last CPU context to
 * arrive; NULL when free. Each CPU has one grant word per context that may
 * nest a lock (task, softirq, hardirq, NMI, as MCS has), each in a cache
 * line of its own, and 0 except while its owner hands a lock over.
 *
 * Acquire: one exchange puts our grant word at the tail. NULL before it:
 * the lock is ours. Otherwise we wait until our predecessor's grant word
 * holds this lock's address, then clear it: that store is the
 * acknowledgment the predecessor waits for, and the lock is ours.
 * Release: one CAS of the tail from our grant word back to NULL. If it
 * fails a successor has queued: we store the lock's address in our grant
 * word and wait for the successor to clear it. Every waiter spins on its
 * predecessor's grant word, one line per waiter; a CPU that holds several
 * locks can have a waiter of each spinning on one word, each looking for
 * its own lock's address there.
 *
 * Ordering argument
 * -----------------
 * Free lock: the exchange is ACQ_REL; its acquire half reads the NULL that
 * the last owner's release CAS stored, so that owner's critical section
 * happens-before ours.
 * Queued: the owner's release store of the lock's address into its grant
 * word pairs with the acquire load in our wait that reads it.
 * Publishing a grant word: it must read 0 for a successor that finds it
 * at the tail (a stale address of this same lock, from our last handoff,
 * would grant it at once). That 0 is the acknowledgment of our last
 * successor, which our release wait read before we queued again; the
 * exchange's release half then orders that read before a successor's
 * acquire exchange, so the successor reads 0 or later. The
 * acknowledgment itself can be relaxed: it orders nothing but the grant
 * word, which is one location.
 * The release CAS needs no acquire: when it fails, the owner only hands
 * the lock on. GenMC checks all of it under SC, TSO, RC11 and IMM
 * (make verify).
 *
 * Which grant word. One per CPU context (task, softirq, hardirq, NMI), as
 * the paper has one per thread: a context uses its one word for every lock
 * it holds, in any number and released in any order (hand-over-hand
 * included), since each waiter looks for its own lock's address there and
 * a context hands one lock over at a time, waiting for the
 * acknowledgment before it goes on. Two contexts of one CPU need two words:
 * an interrupt handing a lock over from the word its task is handing
 * another over from would overwrite the task's lock address. A context
 * runs to its end before the one it interrupted goes on, so the context
 * level names the word (blk_context_level()), nothing is counted, and
 * nothing can run out.
 *
 * The contended paths are out of line (blk_hemlock.c) and count
 * into the shared per-CPU counters; only blk_env.h is used, so that the
 * model checker compiles this as it is.
 */
#ifndef _BLK_HEMLOCK_H
#define _BLK_HEMLOCK_H

#include "blk_env.h"

struct blk_hemlock;

/**
 * struct blk_hem_grant - one CPU context's grant word.
 * @lock: blk_lock_token() of the lock this context is handing over, until
 *	its successor has taken it; 0 otherwise.
 */
struct blk_hem_grant {
	unsigned long lock;
} ____cacheline_aligned;

/**
 * struct blk_hem_cpu - one CPU's grant words.
 * @slot: one per context (blk_context_level()), for all the locks it holds.
 */
struct blk_hem_cpu {
	struct blk_hem_grant slot[BLK_CONTEXTS];
};

DECLARE_PER_CPU_ALIGNED(struct blk_hem_cpu, blk_hem_cpu);

/**
 * struct blk_hemlock - a Hemlock.
 * @tail: the grant word of the last context queued; NULL when free.
 * @dep_map: lockdep's view (CONFIG_DEBUG_LOCK_ALLOC only).
 */
struct blk_hemlock {
	struct blk_hem_grant *tail;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
};

void blk_hem_wait(struct blk_hemlock *lock, struct blk_hem_grant *pred);
void blk_hem_pass(struct blk_hemlock *lock, struct blk_hem_grant *me);

static inline void __blk_hemlock_init(struct blk_hemlock *lock,
				      const char *name,
				      struct lock_class_key *key)
{
	blk_dep_init(lock, name, key);
	__atomic_store_n(&lock->tail, NULL, __ATOMIC_RELAXED);
}

#define blk_hemlock_init(lock)	blk_init_class(__blk_hemlock_init, lock)

/* The grant word of the context we run in; preemption off. */
static __always_inline struct blk_hem_grant *blk_hem_mine(void)
{
	return &this_cpu_ptr(&blk_hem_cpu)->slot[blk_context_level()];
}

/**
 * blk_hemlock_lock() - take a Hemlock, queueing behind any waiter.
 * @lock: the lock.
 *
 * One exchange, inline; a queued acquisition waits out of line.
 */
static __always_inline void blk_hemlock_lock(struct blk_hemlock *lock)
	__acquires(lock)
{
	struct blk_hem_grant *me, *pred;

	preempt_disable();
	spin_acquire(&lock->dep_map, 0, 0, _RET_IP_);
	me = blk_hem_mine();
	blk_rmw_note();
	/* ACQ_REL: a NULL tail grants the lock; publishes our grant word */
	pred = __atomic_exchange_n(&lock->tail, me, __ATOMIC_ACQ_REL);
	if (unlikely(pred))
		blk_hem_wait(lock, pred);
	__acquire(lock);
}

/**
 * __blk_hemlock_trylock() - take a Hemlock if it is free.
 * @lock: the lock.
 *
 * Use blk_hemlock_trylock(), which tells sparse about the lock.
 *
 * Return: true if taken (preemption is then disabled).
 */
static inline bool __blk_hemlock_trylock(struct blk_hemlock *lock)
{
	struct blk_hem_grant *me, *none = NULL;

	preempt_disable();
	me = blk_hem_mine();
	blk_rmw_note();
	/* ACQUIRE on success, as the exchange's; RELEASE publishes our word */
	if (__atomic_compare_exchange_n(&lock->tail, &none, me, false,
					__ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		spin_acquire(&lock->dep_map, 0, 1, _RET_IP_);
		return true;
	}
	preempt_enable();
	return false;
}

#define blk_hemlock_trylock(lock) ({					\
	struct blk_hemlock *__l = (lock);				\
	__cond_lock(__l, __blk_hemlock_trylock(__l));			\
})

/**
 * blk_hemlock_unlock() - free a Hemlock, or hand it to the waiter behind.
 * @lock: the lock.
 *
 * With nobody queued behind us, one release CAS of the tail back to NULL,
 * inline. With a successor the handoff is out of line.
 */
static __always_inline void blk_hemlock_unlock(struct blk_hemlock *lock)
	__releases(lock)
{
	struct blk_hem_grant *me = blk_hem_mine();
	struct blk_hem_grant *expected = me;

	__release(lock);
	spin_release(&lock->dep_map, _RET_IP_);
	blk_rmw_note();
	/* RELEASE: our critical section before the lock is seen free */
	if (unlikely(!__atomic_compare_exchange_n(&lock->tail, &expected, NULL,
						  false, __ATOMIC_RELEASE,
						  __ATOMIC_RELAXED)))
		blk_hem_pass(lock, me);
	preempt_enable();
}

static inline bool blk_hemlock_is_locked(struct blk_hemlock *lock)
{
	return !!__atomic_load_n(&lock->tail, __ATOMIC_RELAXED);
}

#endif /* _BLK_HEMLOCK_H */
