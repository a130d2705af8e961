/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the lock menu, the one list of lock kinds.
 *
 * Included several times, each time with BLK_KIND() defined to make one
 * thing of it: the enum (blk_kinds.h), the ops table (blk_locks.c) and the
 * per-kind hot loops (blk_loop.c), as lock_events_list.h is used in
 * kernel/locking. The build reads the homes from it (Kbuild, the host's and
 * the model checker's builds: blk_kinds_homes.h), and the tools read the
 * module's "locks" file, or this file through tools/kinds.py, never a copy.
 * A new kind is its home's files and one line here, nothing else.
 *
 *   BLK_KIND(id, home, type, rmw, count, flags, irqsave, rescue, fini,
 *	      configure, waiters, locks, description)
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
 * home: the kind's files, blk_<home>.h and, if it has one, blk_<home>.c:
 *     the build includes every home's header (blk_kinds_homes.h, generated)
 *     and compiles every home's .c. Kinds that share their code share a
 *     home (the TTAS family: spin; qspin and cna: their own each).
 * type: the lock's storage, a member of struct blk_lock named @id; lockdep
 *     finds its dep_map there (lockdep_set_class_and_name()).
 * rmw: the atomic read-modify-write instructions (CAS, exchange, fetch-add)
 *     an uncontended acquisition and release issue, inline and uncounted.
 *     The contended paths count the rest (struct blk_contention_counters), so a
 *     run's RMWs are rmw x acquisitions + cas_failures + slow_rmws -
 *     direct_handoffs, with no counter on the fast path.
 * count: counted	its contended paths count contention (the hooks of
 *			blk_env.h), and the checks hold every run's RMWs
 *			and counters to the rmw column
 *	  uncounted	they do not (the kernel's and the C library's locks,
 *			the floor, the negative control): said, not implied
 * flags: BLK_KF_KERNEL		the kernel's own lock
 *	  BLK_KF_BROKEN		not a lock: the negative control
 *	  BLK_KF_FLOOR		not a lock: the harness floor, measures
 *				nothing else
 *	  BLK_KF_RT_SLEEPS	a sleeping lock on PREEMPT_RT (spinlock_t is
 *				an rtmutex there): preemption stays on while
 *				it is held, migration is disabled instead
 *	  BLK_KF_LIBC		the C library's own lock: the host world's
 *				reference, as the kernel's are the module's
 *	  BLK_KF_STANDIN	the stand-in for spinlock_t (exactly one kind):
 *				the cost record also times it called out of
 *				line, as spin_lock() is (cost_<id>_call_*),
 *				and on the host, which has no spinlock_t, the
 *				cost ratios are to it (ratio_to_<id>_*)
 *     0 for none. A kind that is neither BROKEN nor FLOOR excludes: the
 *     engine asserts exclusive access inside it (KCSAN) and counts every
 *     overlap a failure.
 * irqsave: generic	local_irq_save(), then blk_<id>_lock(), as
 *			spin_lock_irqsave() is built; the reverse to release
 *	    own		the kind supplies blk_<id>_lock_irqsave(l, flags) and
 *			blk_<id>_unlock_irqrestore(l, flags), as the kernel's
 *			locks do (lockdep then sees them as such)
 * rescue:  the kind supplies blk_<id>_rescue(l): what the watchdog calls
 *	    to free a lock whose owner never releases it (blk_locks.c); a lock
 *	    held by a context that never comes back must be free after it.
 *	    The value says the word's layout, which KUnit's rescue test
 *	    writes to make the lock look so held:
 *	    flag	a u32, 0 free, 1 held (the TTAS family)
 *	    ticket	a u32 of two u16 halves, next above owner
 *	    none	no rescue: it cannot be freed so; the watchdog says so
 * fini:    own		blk_<id>_init(l) returns 0 or -ENOSPC (it takes
 *			something the kind has @locks of), and the kind
 *			supplies blk_<id>_fini(l), which gives it back (the
 *			lock free)
 *	    none	init cannot fail, and there is nothing to give back
 * configure: own	the kind has knobs of its own: the engine calls its
 *			blk_<id>_configure(cfg), a macro given the run's
 *			struct blk_config, as a run starts
 *	      none	it has none
 * waiters: the most contexts that may hold or wait for one lock at once;
 *     0: no limit. A run that needs more is refused.
 * locks: the most locks of the kind that can be initialised at once; 0:
 *     no limit. A run that needs more is refused, and init beyond it.
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
BLK_KIND(ttas, spin, struct blk_spinlock, 1, counted, 0,
	 generic, flag, none, none, 0, 0,
	 "TTAS, GCC __atomic builtins")
BLK_KIND(ttas_asm, spin, struct blk_spinlock, 1, counted, 0,
	 generic, flag, none, none, 0, 0,
	 "TTAS, inline lock cmpxchg")
BLK_KIND(tas, spin, struct blk_spinlock, 1, counted, 0,
	 generic, flag, none, none, 0, 0,
	 "test-and-set: CAS retried with no read-only spin")
BLK_KIND(ttas_backoff, spin, struct blk_spinlock, 1, counted, 0,
	 generic, flag, none, own, 0, 0,
	 "TTAS, bounded exponential backoff (backoff_min/max)")
BLK_KIND(ticket, ticket, struct blk_ticketlock, 1, counted, 0,
	 generic, ticket, none, none, BLK_TICKET_WAITERS, 0,
	 "FIFO ticket lock: one word, next and owner halves")
BLK_KIND(mcs, mcs, struct blk_mcslock, 2, counted, 0,
	 generic, none, none, none, 0, 0,
	 "MCS queue lock: per-CPU nodes, each waiter spins on its own")
BLK_KIND(hemlock, hemlock, struct blk_hemlock, 2, counted, 0,
	 generic, none, none, none, 0, 0,
	 "Hemlock queue lock: one word per lock, one per CPU context, FIFO")
BLK_KIND(clh, clh, struct blk_clhlock, 1, counted, 0,
	 generic, none, own, none, 0, BLK_CLH_POOL,
	 "CLH queue lock: each waiter spins on its predecessor's node, nodes recycled")
BLK_KIND(qspin, qspin, struct blk_qspinlock, 1, counted, BLK_KF_STANDIN,
	 generic, none, none, none, BLK_QS_WAITERS, 0,
	 "queued spinlock as qspinlock: locked byte, pending bit, MCS tail")
BLK_KIND(cna, cna, struct blk_qspinlock, 1, counted, 0,
	 generic, none, none, own, BLK_QS_WAITERS, 0,
	 "CNA on qspin: waiters of the holder's NUMA node first (cna_threshold_ns, cna_threshold)")
#if BLK_WORLD_KERNEL
BLK_KIND(spinlock, kernel, spinlock_t, 0, uncounted, BLK_KF_KERNEL | BLK_KF_RT_SLEEPS,
	 own, none, none, none, 0, 0,
	 "the kernel's spinlock_t")
BLK_KIND(raw_spinlock, kernel, raw_spinlock_t, 0, uncounted, BLK_KF_KERNEL,
	 own, none, none, none, 0, 0,
	 "the kernel's raw_spinlock_t")
#endif
#if BLK_WORLD_HOST
BLK_KIND(pthread_spin, libc, pthread_spinlock_t, 0, uncounted, BLK_KF_LIBC,
	 generic, none, none, none, 0, 0,
	 "the C library's pthread_spinlock_t")
BLK_KIND(pthread_mutex, libc, pthread_mutex_t, 0, uncounted, BLK_KF_LIBC,
	 generic, none, none, none, 0, 0,
	 "the C library's pthread_mutex_t: spins briefly, then sleeps (futex)")
#endif
BLK_KIND(empty, empty, struct blk_spinlock, 0, uncounted, BLK_KF_FLOOR,
	 generic, none, none, none, 0, 0,
	 "no lock at all: the harness floor (lock and unlock do nothing)")
BLK_KIND(busted, busted, struct blk_spinlock, 0, uncounted, BLK_KF_BROKEN,
	 generic, flag, none, none, 0, 0,
	 "BROKEN on purpose: read then write, the negative control")
