// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the contended paths of the TTAS, TAS and backoff locks.
 *
 * Everything here runs only after the inline fast path's CAS has failed,
 * which is why it is allowed to count (blk_contention.c holds the
 * counters). The spin loops count into locals and add once per
 * acquisition, so the inner loop itself stays a load, a compare and a
 * cpu_relax().
 *
 * Like blk_spin.h, this file uses nothing but blk_env.h: the model checker
 * (tools/verify) compiles it as it is.
 */
#include "blk_spin.h"

/* backoff_min and backoff_max, in cpu_relax() loops; set at a run's start */
static u32 blk_backoff_min = 16, blk_backoff_max = 1024;

/*
 * The TTAS loop, shared by both back-ends and by ttas_backoff. @be and
 * @backoff are compile-time constants in each caller, so each slow path is
 * built with one kind of CAS only, and only ttas_backoff's waits.
 *
 * With @backoff, each lost CAS (the fast path's included) is followed by a
 * wait, without touching the lock's line, that starts at backoff_min
 * cpu_relax() and doubles up to backoff_max.
 *
 * Entered with preemption disabled and one CAS already failed. The inner
 * loop reads with RELAXED ordering: see the ordering argument in blk_spin.h.
 */
static __always_inline void blk_ttas_spin(struct blk_spinlock *lock,
					  enum blk_cas_backend be,
					  const bool backoff)
{
	u64 t0 = blk_contention_wait_begin(lock), failures = 1, spins = 0;
	u32 delay = backoff ? READ_ONCE(blk_backoff_min) : 0;
	const u32 limit = backoff ? READ_ONCE(blk_backoff_max) : 0;
	u32 old, i;

	for (;;) {
		if (backoff) {
			for (i = 0; i < delay; i++)
				cpu_relax();
			delay = min(delay * 2, limit);
		}
		while (__atomic_load_n(&lock->val, __ATOMIC_RELAXED)) {
			cpu_relax();
			spins++;
		}
		old = 0;
		if (blk_cas(be, &lock->val, &old, 1))
			break;
		failures++;
	}
	blk_contention_account(lock, t0, failures, spins);
}

/**
 * blk_spin_lock_slowpath() - contended acquisition, builtin CAS.
 * @lock: the lock, whose fast-path CAS has just failed.
 *
 * Called by blk_spin_lock() with preemption disabled; returns holding @lock.
 */
void blk_spin_lock_slowpath(struct blk_spinlock *lock)
{
	blk_ttas_spin(lock, BLK_CAS_BUILTIN, false);
}

/**
 * blk_spin_lock_asm_slowpath() - contended acquisition, inline-asm CAS.
 * @lock: the lock, whose fast-path CAS has just failed.
 *
 * Called by blk_spin_lock_asm() with preemption disabled; returns holding
 * @lock.
 */
void blk_spin_lock_asm_slowpath(struct blk_spinlock *lock)
{
	blk_ttas_spin(lock, BLK_CAS_ASM, false);
}

/**
 * blk_spin_tas_slowpath() - contended acquisition without the read-only spin.
 * @lock: the lock, whose fast-path CAS has just failed.
 *
 * Retries the CAS back to back (with cpu_relax() between attempts, as any
 * sane TAS lock would). Each retry is a CAS failure; there is no read-only
 * spin to count, which is the point of the comparison with TTAS.
 */
void blk_spin_tas_slowpath(struct blk_spinlock *lock)
{
	u64 t0 = blk_contention_wait_begin(lock), failures = 1;
	u32 old;

	for (;;) {
		cpu_relax();
		old = 0;
		if (blk_cas(BLK_CAS_BUILTIN, &lock->val, &old, 1))
			break;
		failures++;
	}
	blk_contention_account(lock, t0, failures, 0);
}

/**
 * blk_spin_set_backoff() - the ttas_backoff limits for the next run.
 * @min: the first wait after a lost CAS, in cpu_relax() loops.
 * @max: the longest wait.
 *
 * Call only while no ttas_backoff lock is contended (the engine does it at
 * a run's start, before its workers exist).
 */
void blk_spin_set_backoff(u32 min, u32 max)
{
	WRITE_ONCE(blk_backoff_min, min);
	WRITE_ONCE(blk_backoff_max, max);
}

/**
 * blk_spin_backoff_slowpath() - contended acquisition with backoff.
 * @lock: the lock, whose fast-path CAS has just failed.
 *
 * TTAS with the builtins' CAS, waiting after each lost CAS (see
 * blk_ttas_spin()). The ordering is ttas's: only the acquire CAS grants.
 */
void blk_spin_backoff_slowpath(struct blk_spinlock *lock)
{
	blk_ttas_spin(lock, BLK_CAS_BUILTIN, true);
}
