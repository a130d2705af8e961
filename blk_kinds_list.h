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
 *   BLK_KIND(id, description, flags, rmw)
 *
 * flags: BLK_KF_COUNTED  the contended path counts contention
 *        BLK_KF_KERNEL   the kernel's own lock
 *        BLK_KF_BROKEN   not a lock: the negative control
 *        BLK_KF_FLOOR    not a lock: the harness floor, measures nothing else
 *        BLK_KF_RT_SLEEPS  a sleeping lock on PREEMPT_RT (spinlock_t is an
 *                        rtmutex there): preemption stays on while it is
 *                        held, migration is disabled instead
 *
 * rmw: the atomic read-modify-write instructions (CAS, exchange, fetch-add)
 * an uncontended acquisition and release issue, inline and uncounted. The
 * contended paths count the rest (struct blk_spin_counters), so a run's
 * RMWs are rmw x acquisitions + cas_failures - direct_handoffs, with no
 * counter on the fast path. Meaningful for COUNTED kinds only.
 *
 * The order is the menu's; the first kind is the default.
 */
BLK_KIND(ttas, "TTAS, GCC __atomic builtins", BLK_KF_COUNTED, 1)
BLK_KIND(ttas_asm, "TTAS, inline lock cmpxchg", BLK_KF_COUNTED, 1)
BLK_KIND(tas, "test-and-set: CAS retried with no read-only spin", BLK_KF_COUNTED, 1)
BLK_KIND(ttas_backoff, "TTAS, bounded exponential backoff (backoff_min/max)", BLK_KF_COUNTED, 1)
BLK_KIND(ticket, "FIFO ticket lock: one word, next and owner halves", BLK_KF_COUNTED, 1)
BLK_KIND(mcs, "MCS queue lock: per-CPU nodes, each waiter spins on its own", BLK_KF_COUNTED, 2)
BLK_KIND(spinlock, "the kernel's spinlock_t", BLK_KF_KERNEL | BLK_KF_RT_SLEEPS, 0)
BLK_KIND(raw_spinlock, "the kernel's raw_spinlock_t", BLK_KF_KERNEL, 0)
BLK_KIND(empty, "no lock at all: the harness floor (lock and unlock do nothing)", BLK_KF_FLOOR, 0)
BLK_KIND(busted, "BROKEN on purpose: read then write, the negative control", BLK_KF_BROKEN, 0)
