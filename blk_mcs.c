// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the MCS lock's contended paths (blk_mcs.h).
 *
 * As in blk_spin.c, only what runs after the inline path found the lock
 * taken counts, into the shared per-CPU counters, once per acquisition.
 */
#include "blk_mcs.h"

DEFINE_PER_CPU_ALIGNED(struct blk_mcs_cpu, blk_mcs_cpu);

/**
 * blk_mcs_wait() - queue behind @prev and wait for the lock.
 * @node: our node, already the tail.
 * @prev: the node before it.
 *
 * Entered with preemption off; returns holding the lock. The link is
 * stored after the exchange that made @node the tail (the exchange's
 * acquire half keeps it there), with RELEASE: the predecessor that reads
 * it (ACQUIRE) and hands the lock over must find @node already reset (the
 * ordering argument in blk_mcs.h). The wait is on our own node only, an
 * ACQUIRE load that pairs with the release store in blk_mcs_pass().
 */
void blk_mcs_wait(struct blk_mcs_node *node, struct blk_mcs_node *prev)
{
	u64 t0 = blk_contention_wait_begin(node), spins = 0;

	__atomic_store_n(&prev->next, node, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&node->locked, __ATOMIC_ACQUIRE)) {
		cpu_relax();
		spins++;
	}
	blk_contention_account(node, t0, 0, spins);
}

/**
 * blk_mcs_pass() - hand an MCS lock to the waiter behind @node.
 * @lock: the lock.
 * @node: our node.
 * @next: our successor, or NULL if the tail CAS failed: one is linking
 *	itself in, and we wait for its pointer.
 *
 * A handoff found queued costs no read-modify-write, only the store that
 * sets the successor's flag, and is counted as such. The store is RELEASE:
 * our critical section happens-before the successor's.
 */
void blk_mcs_pass(struct blk_mcslock *lock, struct blk_mcs_node *node,
		  struct blk_mcs_node *next)
{
	if (next)
		blk_contention_count_handoff();
	while (!next) {
		cpu_relax();
		/* ACQUIRE: pairs with the link's release store */
		next = __atomic_load_n(&node->next, __ATOMIC_ACQUIRE);
	}
	/*
	 * Our node leaves the queue: its link back to NULL, for a lock's
	 * spare, which its next taker does not reset (it cannot: the tail
	 * may name it again the moment it has it). The release store orders
	 * this before that taker's CAS, which reads the NULL our successor
	 * (or one after it) stores at last.
	 */
	WRITE_ONCE(node->next, NULL);
	__atomic_store_n(&next->locked, 1, __ATOMIC_RELEASE);
}

/**
 * blk_mcs_lock_spare() - take @lock with its spare node.
 * @lock: the lock.
 *
 * This CPU's nodes are all in use (it holds BLK_MCS_NODES MCS locks, or
 * interrupts nest on it while it holds some). Wait until nobody holds or
 * queues and CAS the tail from NULL to the spare, as qspinlock's fallback
 * does on its word: unfair, and rare.
 */
void blk_mcs_lock_spare(struct blk_mcslock *lock)
{
	u64 t0, fails = 0, spins = 0;

	if (blk_mcs_claim_free(lock, &lock->spare))
		return;
	t0 = blk_contention_wait_begin(lock);
	do {
		fails++;
		while (__atomic_load_n(&lock->tail, __ATOMIC_RELAXED)) {
			cpu_relax();
			spins++;
		}
	} while (!blk_mcs_claim_free(lock, &lock->spare));
	blk_contention_account(lock, t0, fails, spins);
}
