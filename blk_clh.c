// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the CLH lock's wait and its locks' first nodes (blk_clh.h).
 *
 * As in blk_spin.c, only what runs after the inline path found the lock
 * taken counts, into the shared per-CPU counters, once per acquisition.
 */
#include "blk_clh.h"

DEFINE_PER_CPU_ALIGNED(struct blk_clh_cpu, blk_clh_cpu);

/*
 * The locks' first nodes: static, so that a node a CPU holds never goes
 * with a lock's memory. A lock initialised again keeps its own; only
 * memory initialised as a CLH lock for the first time takes one, and a
 * freed lock's node is not given back (it may be a CPU's by then, and
 * that CPU's node the lock's): KUnit's locks and the run's one use a few.
 */
struct blk_clh_node blk_clh_pool[BLK_CLH_POOL];
static u32 blk_clh_pool_used;

/**
 * blk_clh_pool_get() - a fresh node for a lock's first tail.
 *
 * Return: the node; past the pool's end, the last one again, after a
 * warning (in the kernel): no lock then survives a second initialisation
 * of new memory, and the one that takes it shares its first node.
 */
struct blk_clh_node *blk_clh_pool_get(void)
{
	u32 i = __atomic_fetch_add(&blk_clh_pool_used, 1, __ATOMIC_RELAXED);

#if !BLK_WORLD_MODEL	/* (the model checker's clients init one lock) */
	if (WARN_ONCE(i >= BLK_CLH_POOL,
		      "blacklock: clh: more than %d locks initialised\n",
		      BLK_CLH_POOL))
		i = BLK_CLH_POOL - 1;
#endif
	blk_clh_pool[i].id = i + 1;
	return &blk_clh_pool[i];
}

/**
 * blk_clh_pop_nested() - a node for a context beyond BLK_CONTEXTS.
 *
 * Only nested NMIs make more contexts wait on one CPU at once than a CPU
 * has contexts (kernel/locking/qspinlock.c counts on that too, with a
 * fallback). A pool node serves this wait; its push lets the predecessor's
 * go, so the stack stays as it was.
 *
 * Return: the node.
 */
struct blk_clh_node *blk_clh_pop_nested(void)
{
#if !BLK_WORLD_MODEL
	WARN_ONCE(1, "blacklock: clh: more than %d contexts wait on one CPU\n",
		  BLK_CONTEXTS);
#endif
	return blk_clh_pool_get();
}

/**
 * blk_clh_wait() - wait for the predecessor to release the lock.
 * @pred: its node.
 *
 * Entered with preemption off; returns holding the lock. ACQUIRE: pairs
 * with the predecessor's release store of 0.
 */
void blk_clh_wait(struct blk_clh_node *pred)
{
	u64 t0 = blk_spin_wait_begin(pred), spins = 0;

	while (__atomic_load_n(&pred->locked, __ATOMIC_ACQUIRE)) {
		cpu_relax();
		spins++;
	}
	blk_spin_account(pred, t0, 0, spins);
}
