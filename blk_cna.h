/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: CNA, the compact NUMA-aware lock (Dice and Kogan, EuroSys
 * 2019; Alex Kogan's qspinlock slow-path patch series), on qspin.
 *
 * The lock word, the fast path, trylock and unlock are qspin's
 * (blk_qspin.h): CNA changes only what the queue does. Its slow path is
 * qspin's body (blk_qspin_slow.h) compiled again with CNA's hooks
 * (blk_cna.c): the queue head moves waiters of other NUMA nodes than its
 * own, that it finds behind it, to a secondary queue that it hands on with
 * the headship, so that the lock passes between CPUs of one node; after
 * cna_threshold handoffs along the main queue with the secondary queue
 * not empty, the secondary queue goes first again, so that a remote waiter
 * is overtaken by at most about that many.
 */
#ifndef _BLK_CNA_H
#define _BLK_CNA_H

#include "blk_qspin.h"

void blk_cna_slowpath(struct blk_qspinlock *lock, u32 val);
void blk_cna_set_threshold(u32 handoffs, u32 ns);

/* cna's knobs, as a run starts (the list's configure column) */
#define blk_cna_configure(cfg) do {					\
	__auto_type _cfg = (cfg);					\
									\
	blk_cna_set_threshold(_cfg->cna_threshold, _cfg->cna_threshold_ns); \
} while (0)

#define blk_cna_init(lock)		blk_qspin_init(lock)
#define blk_cna_trylock(lock)		blk_qspin_trylock(lock)
#define blk_cna_unlock(lock)		blk_qspin_unlock(lock)
#define blk_cna_is_locked(lock)		blk_qspin_is_locked(lock)

/**
 * blk_cna_lock() - take a CNA lock.
 * @lock: the lock.
 */
static __always_inline void blk_cna_lock(struct blk_qspinlock *lock)
	__acquires(lock)
{
	blk_qs_lock(lock, blk_cna_slowpath);
	__acquire(lock);
}

#endif /* _BLK_CNA_H */
