/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the lock menu, the one list of lock kinds.
 *
 * Included several times, each time with BLK_KIND() defined to make one
 * thing of it: the enum (blk_kinds.h), the ops table (blk_locks.c) and the
 * per-kind hot loops (blk_loop.c), as lock_events_list.h is used in
 * kernel/locking. The tools read the module's "locks" file, or this file
 * on the host, never a copy of it.
 *
 *   BLK_KIND(id, type, rmw, flags, irqsave, rescue, description)
 *
 * id: the kind's name on the menu, and the stem of the operations it
 *     supplies, each on a @type *, for blk_kinds.h to dispatch to:
 *
 *	blk_<id>_init(l)	put the lock in its free state (a macro may
 *				give each caller its own lockdep class)
 *	blk_<id>_lock(l)	take it: __acquires(l)
 *	blk_<id>_unlock(l)	release it: __releases(l)
 *	blk_<id>_trylock(l)	take it if free: true if taken, as sparse
 *				sees spin_trylock() (__cond_lock())
 *	blk_<id>_is_locked(l)	peek: true if held
 *
 *     A missing one is a build error that names it: nothing falls back to
 *     another kind's code.
 * type: the lock's storage, a member of struct blk_lock named @id; lockdep
 *     finds its dep_map there (lockdep_set_class_and_name()).
 * rmw: the atomic read-modify-write instructions (CAS, exchange, fetch-add)
 *     an uncontended acquisition and release issue, inline and uncounted.
 *     The contended paths count the rest (struct blk_spin_counters), so a
 *     run's RMWs are rmw x acquisitions + cas_failures + slow_rmws -
 *     direct_handoffs, with no counter on the fast path. Meaningful for COUNTED kinds only.
 * flags: BLK_KF_COUNTED	the contended path counts contention
 *	  BLK_KF_KERNEL		the kernel's own lock
 *	  BLK_KF_BROKEN		not a lock: the negative control
 *	  BLK_KF_FLOOR		not a lock: the harness floor, measures
 *				nothing else
 *	  BLK_KF_RT_SLEEPS	a sleeping lock on PREEMPT_RT (spinlock_t is
 *				an rtmutex there): preemption stays on while
 *				it is held, migration is disabled instead
 *	  BLK_KF_LIBC		the C library's own lock: the host world's
 *				reference, as the kernel's are the module's
 *     A kind that is neither BROKEN nor FLOOR excludes: the engine asserts
 *     exclusive access inside it (KCSAN) and counts every overlap a failure.
 * irqsave: generic	local_irq_save(), then blk_<id>_lock(), as
 *			spin_lock_irqsave() is built; the reverse to release
 *	    own		the kind supplies blk_<id>_lock_irqsave(l, flags) and
 *			blk_<id>_unlock_irqrestore(l, flags), as the kernel's
 *			locks do (lockdep then sees them as such)
 * rescue:  rescue	the kind supplies blk_<id>_rescue(l): what the
 *			watchdog calls to free a lock whose owner never
 *			releases it (blk_locks.c)
 *	    none	it cannot be freed so; the watchdog says so
 * description: one line for the "locks" file.
 *
 * The order is the menu's; the first kind is the default.
 *
 * Worlds (blk_env.h): every kind exists in the module and on the host, and
 * the model checker takes those it can model, but for two blocks: the
 * kernel's locks exist only in a kernel (BLK_KF_KERNEL), the C library's
 * only on the host (BLK_KF_LIBC). The tools read those flags; the compiler
 * reads the #if around them, and blk_kinds.h holds the two to each other.
 */
BLK_KIND(ttas, struct blk_spinlock, 1, BLK_KF_COUNTED, generic, rescue,
	 "TTAS, GCC __atomic builtins")
BLK_KIND(ttas_asm, struct blk_spinlock, 1, BLK_KF_COUNTED, generic, rescue,
	 "TTAS, inline lock cmpxchg")
BLK_KIND(tas, struct blk_spinlock, 1, BLK_KF_COUNTED, generic, rescue,
	 "test-and-set: CAS retried with no read-only spin")
BLK_KIND(ttas_backoff, struct blk_spinlock, 1, BLK_KF_COUNTED, generic, rescue,
	 "TTAS, bounded exponential backoff (backoff_min/max)")
BLK_KIND(ticket, struct blk_ticketlock, 1, BLK_KF_COUNTED, generic, rescue,
	 "FIFO ticket lock: one word, next and owner halves")
BLK_KIND(mcs, struct blk_mcslock, 2, BLK_KF_COUNTED, generic, none,
	 "MCS queue lock: per-CPU nodes, each waiter spins on its own")
BLK_KIND(hemlock, struct blk_hemlock, 2, BLK_KF_COUNTED, generic, none,
	 "Hemlock queue lock: one word per lock, one per CPU context, FIFO")
BLK_KIND(clh, struct blk_clhlock, 1, BLK_KF_COUNTED, generic, none,
	 "CLH queue lock: each waiter spins on its predecessor's node, nodes recycled")
BLK_KIND(qspin, struct blk_qspinlock, 1, BLK_KF_COUNTED, generic, none,
	 "queued spinlock as qspinlock: locked byte, pending bit, MCS tail")
BLK_KIND(cna, struct blk_qspinlock, 1, BLK_KF_COUNTED, generic, none,
	 "CNA on qspin: waiters of the holder's NUMA node first (cna_threshold_ns, cna_threshold)")
#if BLK_WORLD_KERNEL
BLK_KIND(spinlock, spinlock_t, 0, BLK_KF_KERNEL | BLK_KF_RT_SLEEPS, own, none,
	 "the kernel's spinlock_t")
BLK_KIND(raw_spinlock, raw_spinlock_t, 0, BLK_KF_KERNEL, own, none,
	 "the kernel's raw_spinlock_t")
#endif
#if BLK_WORLD_HOST
BLK_KIND(pthread_spin, pthread_spinlock_t, 0, BLK_KF_LIBC, generic, none,
	 "the C library's pthread_spinlock_t")
BLK_KIND(pthread_mutex, pthread_mutex_t, 0, BLK_KF_LIBC, generic, none,
	 "the C library's pthread_mutex_t: spins briefly, then sleeps (futex)")
#endif
BLK_KIND(empty, struct blk_spinlock, 0, BLK_KF_FLOOR, generic, none,
	 "no lock at all: the harness floor (lock and unlock do nothing)")
BLK_KIND(busted, struct blk_spinlock, 0, BLK_KF_BROKEN, generic, rescue,
	 "BROKEN on purpose: read then write, the negative control")
