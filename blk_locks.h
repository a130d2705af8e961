/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the lock menu as the engine and the tests see it
 * (blk_locks.c): one struct blk_lock_ops per kind of blk_kinds_list.h.
 */
#ifndef _BLK_LOCKS_H
#define _BLK_LOCKS_H

#include <linux/types.h>

#include "blk_loop.h"

struct lock_class_key;

/**
 * struct blk_lock_ops - one lock kind, as the engine and the tests see it.
 * @name: the name written to the "lock" knob.
 * @desc: one line for the "locks" file.
 * @kind: its place in blk_kinds_list.h.
 * @init: put the lock in its free state.
 * @lock: take it (disables preemption, like spin_lock(); empty does not).
 * @unlock: release it.
 * @trylock: take it if free; true on success.
 * @is_locked: peek; true if held.
 * @irq_class: give the lock, just initialised, a lockdep class of its own
 *	for irq_hz runs (the lock is then taken in hardirq context too).
 * @set_class: give the lock, just initialised, the lockdep class of @key
 *	(tests that hold several locks of one kind at once).
 * @hammer: the engine's loop for this kind, the lock inlined.
 * @hammer_irq: the same with the irqsave variants (irq_hz > 0).
 * @hammer_count: @hammer with check=count (the counter alone inside).
 * @hammer_irq_count: @hammer_irq with check=count.
 * @reference: lock, counter++, unlock and nothing else, the lock inlined.
 * @cost: the uncontended pair cost batch, the lock inlined.
 * @rescue: free the lock by force, for the watchdog of a stuck run; NULL
 *	where that cannot be done (the rescue column of blk_kinds_list.h).
 * @counted: the lock's contended path counts contended acquisitions, CAS
 *	failures and spins (the kernel's own locks do not).
 * @rmw: atomic read-modify-writes of an uncontended acquisition and release
 *	(blk_kinds_list.h).
 * @kernel: the kernel's own lock; on a uniprocessor kernel without
 *	DEBUG_SPINLOCK it only disables preemption and keeps no state.
 * @broken: not a lock at all: the negative control, expected to fail.
 * @floor: not a lock at all: the harness floor, no exclusion expected.
 * @rt_sleeps: on PREEMPT_RT a sleeping lock (spinlock_t, an rtmutex there):
 *	held with preemption on and migration disabled.
 *
 * The engine never knows which lock it drives: it calls the kind's loops
 * through this table, once per run, and the loops call the lock directly
 * (kernel/locking/locktorture.c keeps its engine blind the same way).
 */
struct blk_lock_ops {
	const char *name;
	const char *desc;
	enum blk_kind kind;
	void (*init)(struct blk_lock *l);
	void (*lock)(struct blk_lock *l);
	void (*unlock)(struct blk_lock *l);
	bool (*trylock)(struct blk_lock *l);
	bool (*is_locked)(struct blk_lock *l);
	void (*irq_class)(struct blk_lock *l);
	void (*set_class)(struct blk_lock *l, struct lock_class_key *key,
			  const char *name);
	blk_hammer_fn *hammer;
	blk_hammer_fn *hammer_irq;
	blk_hammer_fn *hammer_count;
	blk_hammer_fn *hammer_irq_count;
	blk_hammer_fn *reference;
	blk_cost_fn *cost;
	void (*rescue)(struct blk_lock *l);
	u32 rmw;
	bool counted;
	bool kernel;
	bool broken;
	bool floor;
	bool rt_sleeps;
};

extern const struct blk_lock_ops *const blk_lock_menu[];
extern const unsigned int blk_lock_menu_len;
const struct blk_lock_ops *blk_lock_find(const char *name);
const struct blk_lock_ops *blk_lock_floor(void);
const char *blk_spinlock_flavour(void);
void blk_spinlock_flavour_probe(void);

#endif /* _BLK_LOCKS_H */
