/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: empty, the harness floor. Not a lock: it takes nothing, so
 * that a run of it measures the engine's own loop around a lock and
 * nothing else. Lock and unlock are compiler barriers, so that the
 * critical section still cannot be moved out of the loop that measures it;
 * preemption stays on. Its storage is a TTAS word, never written.
 */
#ifndef _BLK_EMPTY_H
#define _BLK_EMPTY_H

#include "blk_env.h"
#include "blk_spin.h"

#define blk_empty_init(lock)		blk_spin_init(lock)

static __always_inline void blk_empty_lock(struct blk_spinlock *l)
	__acquires(l)
{
	barrier();
	__acquire(l);
}

static __always_inline void blk_empty_unlock(struct blk_spinlock *l)
	__releases(l)
{
	__release(l);
	barrier();
}

#define blk_empty_trylock(lock)		__cond_lock(lock, ({ barrier(); true; }))

static __always_inline bool blk_empty_is_locked(struct blk_spinlock *l)
{
	return false;
}

#endif /* _BLK_EMPTY_H */
