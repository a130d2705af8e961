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
 * with a lock's memory. A lock
 * initialised again keeps its own; memory initialised as a CLH lock for
 * the first time takes one, and blk_clh_fini() puts the node the free lock
 * holds back (it may be another than it took: nodes travel, and each lock
 * holds one). The free list is a stack of node numbers with a count beside
 * the top, in one word, so that a node taken and put back between a pop's
 * load and its CAS fails the CAS (no ABA); fresh nodes come after it.
 */
struct blk_clh_node blk_clh_pool[BLK_CLH_POOL];
static u64 blk_clh_free;	/* count << 32 | the top's number; 0: empty */
static u32 blk_clh_fresh;	/* pool nodes never handed out: from here */

/**
 * blk_clh_pool_get() - a free node for a lock's first tail.
 *
 * Return: the node, or NULL if all BLK_CLH_POOL are some lock's.
 */
struct blk_clh_node *blk_clh_pool_get(void)
{
	/* ACQUIRE: pairs with the put's release, for the node's next_free */
	u64 top = __atomic_load_n(&blk_clh_free, __ATOMIC_ACQUIRE), next;
	u32 i;

	while ((u32)top) {
		next = ((top >> 32) + 1) << 32 |
		       READ_ONCE(blk_clh_node_of(top)->next_free);
		if (__atomic_compare_exchange_n(&blk_clh_free, &top, next, false,
						__ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
			return blk_clh_node_of(top);
	}
	i = __atomic_load_n(&blk_clh_fresh, __ATOMIC_RELAXED);
	do {
		if (i >= BLK_CLH_POOL)
			return NULL;
	} while (!__atomic_compare_exchange_n(&blk_clh_fresh, &i, i + 1, false,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	blk_clh_pool[i].id = i + 1;
	return &blk_clh_pool[i];
}

/**
 * blk_clh_pool_put() - a node no lock and no CPU holds, back to the pool.
 * @node: the node.
 */
void blk_clh_pool_put(struct blk_clh_node *node)
{
	u64 top = __atomic_load_n(&blk_clh_free, __ATOMIC_RELAXED), next;

	do {
		WRITE_ONCE(node->next_free, (u32)top);
		next = ((top >> 32) + 1) << 32 | node->id;
		/* RELEASE: its next_free before a pop reads it */
	} while (!__atomic_compare_exchange_n(&blk_clh_free, &top, next, false,
					      __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}

/**
 * blk_clh_pop_nested() - a node for a context beyond BLK_CONTEXTS.
 *
 * Only nested NMIs make more contexts wait on one CPU at once than a CPU
 * has contexts (kernel/locking/qspinlock.c counts on that too, with a
 * fallback). A node of the pool serves this wait, and the push puts the
 * predecessor's back in the pool in its place (blk_clh_push()), so that
 * the stack stays as it was and the pool loses nothing.
 *
 * Return: the node.
 */
struct blk_clh_node *blk_clh_pop_nested(void)
{
	struct blk_clh_node *node;

#if !BLK_WORLD_MODEL
	WARN_ONCE(1, "blacklock: clh: more than %d contexts wait on one CPU\n",
		  BLK_CONTEXTS);
#endif
	/* lock-free, so an NMI may; only a pool every lock has emptied waits */
	while (!(node = blk_clh_pool_get()))
		cpu_relax();
	return node;
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
	u64 t0 = blk_contention_wait_begin(pred), spins = 0;

	while (__atomic_load_n(&pred->locked, __ATOMIC_ACQUIRE)) {
		cpu_relax();
		spins++;
	}
	blk_contention_account(pred, t0, 0, spins);
}
