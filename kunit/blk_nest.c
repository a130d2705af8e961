// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: locks held together (kunit/blk_nest.h). Every kind must
 * allow what spinlock_t allows: any number held at once, released in any
 * order, hand-over-hand (lock A, lock B, unlock A, lock C, unlock B, ...).
 * A kind that finds its release's node on top of a per-CPU stack breaks on
 * the first lock released out of order (MCS spins forever in its pass,
 * Hemlock waits for an acknowledgment that never comes, CLH frees the
 * wrong lock); one with four nodes per CPU and no fallback writes past
 * them at the fifth.
 */
#include <linux/kernel.h>
#include <linux/stdarg.h>

#include "blk_nest.h"

/* one lockdep class per place in the chain: lockdep sees a fixed order */
static struct lock_class_key blk_chain_keys[BLK_CHAIN];
static const char *const blk_chain_names[BLK_CHAIN] = {
	"blk_chain0", "blk_chain1", "blk_chain2", "blk_chain3",
	"blk_chain4", "blk_chain5", "blk_chain6", "blk_chain7",
};

int blk_chain_init(const struct blk_lock_ops *ops, struct blk_lock *l)
{
	int i, ret;

	for (i = 0; i < BLK_CHAIN; i++) {
		ret = ops->init(&l[i]);
		if (ret) {
			while (i--)
				ops->fini(&l[i]);
			return ret;
		}
		ops->set_class(&l[i], &blk_chain_keys[i], blk_chain_names[i]);
	}
	return 0;
}

/* The chain's locks, free, give back what their init took. */
void blk_chain_fini(const struct blk_lock_ops *ops, struct blk_lock *l)
{
	int i;

	for (i = 0; i < BLK_CHAIN; i++)
		ops->fini(&l[i]);
}

/* Does the kind keep state is_locked() can see? (KUnit's blk_need_state()) */
bool blk_nest_has_state(const struct blk_lock_ops *ops)
{
	return !ops->floor && !(ops->kernel && !IS_ENABLED(CONFIG_SMP) &&
				!IS_ENABLED(CONFIG_DEBUG_SPINLOCK));
}

/* One fault more; the first one described. */
static __printf(2, 3) void blk_nest_fault(struct blk_nest_report *rep,
					  const char *fmt, ...)
{
	va_list args;

	if (rep->faults++)
		return;
	va_start(args, fmt);
	vsnprintf(rep->why, sizeof(rep->why), fmt, args);
	va_end(args);
}

/*
 * Lock @l[0..depth) in order; release them newest first or oldest first.
 * After each release, the lock released is free (a trylock takes it at
 * once) and the others are still held.
 */
static void blk_nest_hold(const struct blk_lock_ops *ops, struct blk_lock *l,
			  int depth, bool oldest_first,
			  struct blk_nest_report *rep)
{
	const char *order = oldest_first ? "oldest first" : "newest first";
	bool state = blk_nest_has_state(ops);
	int i, j, k;

	for (i = 0; i < depth; i++)
		ops->lock(&l[i]);
	for (j = 0; j < depth; j++) {
		i = oldest_first ? j : depth - 1 - j;
		ops->unlock(&l[i]);
		if (!state)
			continue;
		if (ops->is_locked(&l[i]))
			blk_nest_fault(rep, "%d held, lock %d released %s: still held",
				       depth, i, order);
		if (ops->trylock(&l[i]))
			ops->unlock(&l[i]);
		else
			blk_nest_fault(rep, "%d held, lock %d released %s: trylock fails",
				       depth, i, order);
		for (k = j + 1; k < depth; k++) {
			int other = oldest_first ? k : depth - 1 - k;

			if (!ops->is_locked(&l[other]))
				blk_nest_fault(rep, "%d held, lock %d released %s: %d freed too",
					       depth, i, order, other);
		}
	}
}

/* Hand-over-hand down the chain, every other lock taken by trylock. */
static void blk_nest_hand_over_hand(const struct blk_lock_ops *ops,
				    struct blk_lock *l,
				    struct blk_nest_report *rep)
{
	bool state = blk_nest_has_state(ops);
	int i;

	ops->lock(&l[0]);
	for (i = 1; i < BLK_CHAIN; i++) {
		if (i % 2) {
			ops->lock(&l[i]);
		} else if (!ops->trylock(&l[i])) {
			blk_nest_fault(rep, "hand-over-hand: trylock of free lock %d fails", i);
			ops->unlock(&l[i - 1]);
			return;
		}
		ops->unlock(&l[i - 1]);
		if (state && ops->is_locked(&l[i - 1]))
			blk_nest_fault(rep, "hand-over-hand: lock %d released, still held",
				       i - 1);
		if (state && !ops->is_locked(&l[i]))
			blk_nest_fault(rep, "hand-over-hand: lock %d not held", i);
	}
	ops->unlock(&l[BLK_CHAIN - 1]);
	for (i = 0; state && i < BLK_CHAIN; i++)
		if (ops->is_locked(&l[i]))
			blk_nest_fault(rep, "hand-over-hand done: lock %d held", i);
}

/*
 * One CPU: 5 and 8 locks held at once (more than the four contexts of a
 * CPU that MCS, CLH and Hemlock once kept nodes for), released newest first
 * and oldest first; then hand-over-hand down the chain. @l is a chain
 * (blk_chain_init()); what fails is counted in @rep, which starts empty.
 */
void blk_nest_one_cpu(const struct blk_lock_ops *ops, struct blk_lock *l,
		      struct blk_nest_report *rep)
{
	blk_nest_hold(ops, l, 5, false, rep);
	blk_nest_hold(ops, l, 5, true, rep);
	blk_nest_hold(ops, l, 8, false, rep);
	blk_nest_hold(ops, l, 8, true, rep);
	if (!rep->faults)
		blk_nest_hand_over_hand(ops, l, rep);
}

static void blk_chain_enter(struct blk_chain_run *r, int i, int me)
{
	WRITE_ONCE(r->owner[i], me);
	r->counter[i]++;
}

static void blk_chain_leave(struct blk_chain_run *r, int i, int me)
{
	if (READ_ONCE(r->owner[i]) != me)
		__atomic_fetch_add(&r->overlaps, 1, __ATOMIC_RELAXED);
	r->ops->unlock(&r->lock[i]);
}

/*
 * One round of worker @me (a number no other worker has, not 0): hand-over-
 * hand down the chain, then pairs of neighbours released in the order
 * taken. Inside each lock it writes its number to the lock's owner word
 * and increments its counter; before releasing the lock it reads the owner
 * back.
 */
void blk_chain_round(struct blk_chain_run *r, int me)
{
	const struct blk_lock_ops *ops = r->ops;
	int i;

	ops->lock(&r->lock[0]);
	blk_chain_enter(r, 0, me);
	for (i = 1; i < BLK_CHAIN; i++) {
		ops->lock(&r->lock[i]);
		blk_chain_enter(r, i, me);
		blk_chain_leave(r, i - 1, me);
	}
	blk_chain_leave(r, BLK_CHAIN - 1, me);
	for (i = 0; i + 1 < BLK_CHAIN; i += 2) {
		ops->lock(&r->lock[i]);
		blk_chain_enter(r, i, me);
		ops->lock(&r->lock[i + 1]);
		blk_chain_enter(r, i + 1, me);
		blk_chain_leave(r, i, me);
		blk_chain_leave(r, i + 1, me);
	}
	__atomic_fetch_add(&r->sections, 2 * BLK_CHAIN, __ATOMIC_RELAXED);
}

/* The chain's counters summed: r->sections when no update was lost. */
u64 blk_chain_counted(const struct blk_chain_run *r)
{
	u64 sum = 0;
	int i;

	for (i = 0; i < BLK_CHAIN; i++)
		sum += r->counter[i];
	return sum;
}

/* How many of the chain's locks are held, once the workers are done. */
unsigned int blk_chain_held(const struct blk_chain_run *r)
{
	unsigned int n = 0;
	int i;

	for (i = 0; blk_nest_has_state(r->ops) && i < BLK_CHAIN; i++)
		n += r->ops->is_locked((struct blk_lock *)&r->lock[i]);
	return n;
}
