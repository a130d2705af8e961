// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the ticket lock's wait (blk_ticket.h).
 *
 * As in blk_spin.c, only what runs after the inline path found the lock
 * taken counts, into the shared per-CPU counters, once per acquisition.
 */
#include "blk_ticket.h"

/**
 * blk_ticket_wait() - wait until @ticket is served.
 * @lock: the lock.
 * @ticket: the ticket our fetch-add drew.
 *
 * Entered with preemption off; returns holding the lock. ACQUIRE loads of
 * the whole word: the one that sees our ticket pairs with the release
 * store that served it.
 */
void blk_ticket_wait(struct blk_ticketlock *lock, u16 ticket)
{
	u64 t0 = blk_contention_wait_begin(lock), spins = 0;

	while ((u16)__atomic_load_n(&lock->val, __ATOMIC_ACQUIRE) != ticket) {
		cpu_relax();
		spins++;
	}
	blk_contention_account(lock, t0, 0, spins);
}
