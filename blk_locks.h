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
struct blk_config;

/* The rescue column: the lock word's layout, as a rescue frees it. */
enum blk_word {
	BLK_WORD_none,		/* no rescue */
	BLK_WORD_flag,		/* a u32: 0 free, 1 held */
	BLK_WORD_ticket,	/* a u32: owner and next u16 halves, next above */
};

/**
 * struct blk_lock_ops - one lock kind, as the engine and the tests see it.
 * @name: the name written to the "lock" knob.
 * @desc: one line for the "locks" file.
 * @kind: its place in blk_kinds_list.h.
 * @init: put the lock in its free state; 0, or -ENOSPC when the kind has
 *	@locks locks already.
 * @fini: give back what init took; the lock must be free.
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
 * @word: the layout of the word @rescue frees (the same column).
 * @configure: apply the kind's own knobs of @cfg as a run starts; NULL if
 *	it has none (the configure column).
 * @counted: the lock's contended path counts contended acquisitions, CAS
 *	failures and spins (the kernel's own locks do not).
 * @rmw: atomic read-modify-writes of an uncontended acquisition and release
 *	(blk_kinds_list.h).
 * @size: the lock's bytes (its type's, as built: lockdep's maps count).
 * @waiters: the most contexts one lock may have holding or waiting at
 *	once; 0: no limit.
 * @locks: the most locks of the kind initialised at once; 0: no limit.
 * @kernel: the kernel's own lock; on a uniprocessor kernel without
 *	DEBUG_SPINLOCK it only disables preemption and keeps no state.
 * @broken: not a lock at all: the negative control, expected to fail.
 * @floor: not a lock at all: the harness floor, no exclusion expected.
 * @standin: the stand-in for spinlock_t (BLK_KF_STANDIN).
 * @cost_call: @cost with the lock and unlock called out of line, as
 *	spin_lock() and spin_unlock() are (the stand-in's is timed).
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
	int (*init)(struct blk_lock *l);
	void (*fini)(struct blk_lock *l);
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
	void (*configure)(const struct blk_config *cfg);
	enum blk_word word;
	u32 rmw;
	u32 size;
	u32 waiters;
	u32 locks;
	bool counted;
	bool kernel;
	bool libc;
	bool broken;
	bool floor;
	bool rt_sleeps;
	bool standin;
	blk_cost_fn *cost_call;
};

extern const struct blk_lock_ops *const blk_lock_menu[];
extern const unsigned int blk_lock_menu_len;
const struct blk_lock_ops *blk_lock_find(const char *name);
const struct blk_lock_ops *blk_lock_floor(void);
const struct blk_lock_ops *blk_lock_standin(void);
const char *blk_lock_class(const struct blk_lock_ops *ops);
const char *blk_flavour(void);
void blk_flavour_probe(void);

#endif /* _BLK_LOCKS_H */
