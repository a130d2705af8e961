// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the contended paths of Hemlock (blk_hemlock.h).
 *
 * As in blk_spin.c, only what runs after the inline path found the lock
 * taken counts, into the shared per-CPU counters, once per acquisition.
 */
#include "blk_hemlock.h"

DEFINE_PER_CPU_ALIGNED(struct blk_hem_cpu, blk_hem_cpu);

/**
 * blk_hem_wait() - wait for @pred to hand @lock over, and acknowledge it.
 * @lock: the lock.
 * @pred: the grant word of the context queued before ours.
 *
 * Entered with preemption off; returns holding the lock. The ACQUIRE load
 * that finds @lock in @pred pairs with the release store in
 * blk_hem_pass(): the predecessor's critical section happens-before ours.
 * The acknowledgment is relaxed (the ordering argument in blk_hemlock.h).
 */
void blk_hem_wait(struct blk_hemlock *lock, struct blk_hem_grant *pred)
{
	u64 t0 = blk_contention_wait_begin(lock), spins = 0;

	while (__atomic_load_n(&pred->lock, __ATOMIC_ACQUIRE) != blk_lock_token(lock)) {
		cpu_relax();
		spins++;
	}
	__atomic_store_n(&pred->lock, 0, __ATOMIC_RELAXED);
	blk_contention_account(lock, t0, 0, spins);
}

/**
 * blk_hem_pass() - hand @lock to the context queued behind us.
 * @lock: the lock.
 * @me: our grant word.
 *
 * The tail CAS failed, so a successor has queued: it waits for @lock in
 * @me. The store is RELEASE: our critical section happens-before the
 * successor's. Then @me is not ours to reuse until the successor clears
 * it; the wait is ACQUIRE, so that reusing it (the next exchange's release
 * half) comes after that clearing for whoever finds it next.
 */
void blk_hem_pass(struct blk_hemlock *lock, struct blk_hem_grant *me)
{
	__atomic_store_n(&me->lock, blk_lock_token(lock), __ATOMIC_RELEASE);
	while (__atomic_load_n(&me->lock, __ATOMIC_ACQUIRE))
		cpu_relax();
}
