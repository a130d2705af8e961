/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the MCS lock, a FIFO queue spinlock for comparison with TTAS.
 *
 * A queue of per-CPU nodes (Mellor-Crummey and Scott; the kernel's
 * kernel/locking/mcs_spinlock.h works the same way). The lock is a tail
 * pointer. Acquire: one exchange puts our node at the tail; a NULL
 * previous tail means the lock was free, otherwise we link ourselves
 * behind the previous node and spin on our own node's locked flag, a line
 * nobody else reads. Release: pass the lock to the successor by setting
 * its flag, or, if there is none, CAS the tail from our node back to NULL;
 * if that CAS fails a successor is linking itself in, and we wait for its
 * link. Strict FIFO, and one remote write per handoff however many wait.
 *
 * Ordering argument
 * -----------------
 * There are three handoffs, each a release paired with an acquire.
 *  - Free lock: the exchange is ACQ_REL; its acquire half reads the NULL
 *    that the last owner's release CAS stored, so that owner's critical
 *    section happens-before ours.
 *  - Queued: the owner's release store of 1 to our node's locked flag pairs
 *    with the acquire load in our wait loop that reads it.
 *  - Publishing a node: we initialise it (locked = 0, next = NULL) before
 *    the exchange, whose release half orders those stores before the node
 *    becomes the tail, for a successor that finds it there. The
 *    predecessor finds it through its own next pointer instead, and the
 *    exchange does not order that: an ACQ_REL exchange is not a full
 *    barrier (on ARMv8.0 it is an LDAXR/STLXR pair, and the link store
 *    after it may become visible before the locked = 0 before it, so the
 *    predecessor's handoff could land first and be overwritten: a waiter
 *    spinning forever). So the link is a RELEASE store, and the
 *    predecessor reads it with an ACQUIRE load (blk_mcs_unlock(),
 *    blk_mcs_pass()): our reset happens-before its handoff. GenMC found
 *    the lost handoff under IMM and RC11 (Documentation/results.rst,
 *    "Model checking"); kernel/locking/qspinlock.c orders the same stores
 *    with an smp_wmb() before its exchange and the address dependency of
 *    the predecessor's handoff, which RC11 does not honour. On x86 both
 *    are plain MOVs, as before.
 * The release CAS on the tail needs no acquire: when it fails, the owner
 * only waits for a pointer and hands the lock on.
 *
 * Where MCS nodes live. A node stays in the queue while its owner holds
 * the lock (the successor links itself to it), so a CPU needs one per MCS
 * lock it holds or waits for; the kernel lets it hold any number and
 * release them in any order (hand-over-hand: lock A, lock B, unlock A,
 * lock C, ...). Each CPU has BLK_MCS_NODES, taken and given back in any
 * order (a bitmap of those in use), each marked with its lock for the
 * unlock to find it. A CPU with all of them in use takes the lock with the
 * lock's own spare node instead (blk_mcs_lock_spare()): it waits until the
 * lock is free and CASes the tail from NULL to the spare, as qspinlock
 * spins on its word when it runs out of nodes. Nobody queues behind the
 * spare through anything but its next pointer, which its holder puts back
 * to NULL before it passes the lock on (blk_mcs_pass()).
 *
 * It takes preemption off and tells lockdep exactly where blk_spin_lock()
 * does. Its contended paths are out of line (blk_mcs.c) and count into the
 * per-CPU contention counters; the inline paths count nothing. It uses
 * nothing but blk_env.h, so that the model checker (tools/verify)
 * compiles it as it is.
 */
#ifndef _BLK_MCS_H
#define _BLK_MCS_H

#include "blk_env.h"

struct blk_mcslock;

/**
 * struct blk_mcs_node - a place in an MCS queue.
 * @next: the waiter queued behind this one, once it has linked itself.
 * @locked: set to 1 by the previous owner: the lock is ours.
 * @lock: the lock it waits for or holds, for the unlock to find it (a
 *	CPU's nodes; NULL while free).
 */
struct blk_mcs_node {
	struct blk_mcs_node *next;
	u32 locked;
	struct blk_mcslock *lock;
};

#define BLK_MCS_NODES		4

/**
 * struct blk_mcs_cpu - one CPU's MCS nodes.
 * @node: one per MCS lock it holds or waits for.
 * @used: a bit per node in use.
 */
struct blk_mcs_cpu {
	struct blk_mcs_node node[BLK_MCS_NODES];
	u32 used;
};

DECLARE_PER_CPU_ALIGNED(struct blk_mcs_cpu, blk_mcs_cpu);

/**
 * struct blk_mcslock - an MCS lock.
 * @tail: the last node queued; NULL when the lock is free.
 * @spare: the node of a holder whose CPU had none free.
 * @dep_map: lockdep's view (CONFIG_DEBUG_LOCK_ALLOC only).
 */
struct blk_mcslock {
	struct blk_mcs_node *tail;
	struct blk_mcs_node spare;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
};

void blk_mcs_wait(struct blk_mcs_node *node, struct blk_mcs_node *prev);
void blk_mcs_pass(struct blk_mcslock *lock, struct blk_mcs_node *node,
		  struct blk_mcs_node *next);
void blk_mcs_lock_spare(struct blk_mcslock *lock);

static inline void __blk_mcs_init(struct blk_mcslock *lock, const char *name,
				  struct lock_class_key *key)
{
	blk_dep_init(lock, name, key);
	/* the spare never waits: its flag is never read, its lock never asked */
	WRITE_ONCE(lock->spare.next, NULL);
	__atomic_store_n(&lock->tail, NULL, __ATOMIC_RELAXED);
}

#define blk_mcs_init(lock)	blk_init_class(__blk_mcs_init, lock)

/*
 * A free node of this CPU's, reset, for @lock; NULL if all are in use.
 * Preemption off. An interrupt may come anywhere in here and take a node of
 * its own, and gives it back before we go on: the bitmap's plain update
 * is safe against it, once the node is ours before we touch it.
 */
static __always_inline struct blk_mcs_node *blk_mcs_node_get(struct blk_mcslock *lock)
{
	struct blk_mcs_cpu *c = this_cpu_ptr(&blk_mcs_cpu);
	u32 used = READ_ONCE(c->used), i = __builtin_ctz(~used);
	struct blk_mcs_node *node;

	if (unlikely(i >= BLK_MCS_NODES))
		return NULL;
	WRITE_ONCE(c->used, used | BIT(i));
	/*
	 * The bit must be stored before the node is touched: were the
	 * compiler to sink it below the stores that reset the node, an
	 * interrupt in between would take the same node (qspinlock.c's
	 * barrier() after its count++, for the same reason).
	 */
	barrier();
	node = &c->node[i];
	WRITE_ONCE(node->locked, 0);
	WRITE_ONCE(node->next, NULL);
	WRITE_ONCE(node->lock, lock);
	return node;
}

/*
 * The node that holds @lock for this CPU: the CPU's node marked with it
 * (one at most: a CPU cannot hold a lock twice), else the lock's spare.
 * Preemption off.
 */
static __always_inline struct blk_mcs_node *blk_mcs_node_find(struct blk_mcslock *lock)
{
	struct blk_mcs_node *node = this_cpu_ptr(&blk_mcs_cpu)->node;
	u32 i;

	for (i = 0; i < BLK_MCS_NODES; i++)
		if (READ_ONCE(node[i].lock) == lock)
			return &node[i];
	return &lock->spare;
}

/* Give back a node of this CPU's, done with; the spare is nobody's. */
static __always_inline void blk_mcs_node_put(struct blk_mcslock *lock,
					     struct blk_mcs_node *node)
{
	struct blk_mcs_cpu *c = this_cpu_ptr(&blk_mcs_cpu);

	if (unlikely(node == &lock->spare))
		return;
	/* a node claimed but not yet marked is nobody's to find */
	WRITE_ONCE(node->lock, NULL);
	/* done with it (the handoff included) before it is free again */
	barrier();
	WRITE_ONCE(c->used, READ_ONCE(c->used) & ~BIT(node - c->node));
}

/*
 * Take @lock with @node if nobody holds or queues: CAS the tail from NULL.
 * ACQUIRE on success, as the exchange's: it reads the last owner's
 * release; RELEASE publishes @node's reset.
 */
static __always_inline bool blk_mcs_claim_free(struct blk_mcslock *lock,
					       struct blk_mcs_node *node)
{
	struct blk_mcs_node *none = NULL;

	blk_rmw_note();
	return __atomic_compare_exchange_n(&lock->tail, &none, node, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/**
 * blk_mcs_lock() - take an MCS lock, queueing behind any waiter.
 * @lock: the lock.
 *
 * One exchange, inline; a queued acquisition waits out of line.
 */
static __always_inline void blk_mcs_lock(struct blk_mcslock *lock)
	__acquires(lock)
{
	struct blk_mcs_node *node, *prev;

	preempt_disable();
	spin_acquire(&lock->dep_map, 0, 0, _RET_IP_);
	node = blk_mcs_node_get(lock);
	if (unlikely(!node)) {
		blk_mcs_lock_spare(lock);
	} else {
		/* ACQ_REL: publishes the node's reset; a NULL tail grants the lock */
		blk_rmw_note();
		prev = __atomic_exchange_n(&lock->tail, node, __ATOMIC_ACQ_REL);
		if (unlikely(prev))
			blk_mcs_wait(node, prev);
	}
	__acquire(lock);
}

/**
 * __blk_mcs_trylock() - take an MCS lock if it is free.
 * @lock: the lock.
 *
 * Use blk_mcs_trylock(), which tells sparse about the lock.
 *
 * Return: true if taken (preemption is then disabled).
 */
static inline bool __blk_mcs_trylock(struct blk_mcslock *lock)
{
	struct blk_mcs_node *node;

	preempt_disable();
	/* no node of our own free: the spare, which a free lock's holder gets */
	node = blk_mcs_node_get(lock) ?: &lock->spare;
	if (blk_mcs_claim_free(lock, node)) {
		spin_acquire(&lock->dep_map, 0, 1, _RET_IP_);
		return true;
	}
	blk_mcs_node_put(lock, node);
	preempt_enable();
	return false;
}

#define blk_mcs_trylock(lock) ({					\
	struct blk_mcslock *__l = (lock);				\
	__cond_lock(__l, __blk_mcs_trylock(__l));			\
})

/**
 * blk_mcs_unlock() - pass an MCS lock on, or free it.
 * @lock: the lock.
 *
 * With nobody queued behind us, one release CAS of the tail back to NULL,
 * inline. With a successor, or one arriving, the handoff is out of line.
 */
static __always_inline void blk_mcs_unlock(struct blk_mcslock *lock)
	__releases(lock)
{
	struct blk_mcs_node *node = blk_mcs_node_find(lock);
	/* ACQUIRE: pairs with the link's release store (blk_mcs_wait()) */
	struct blk_mcs_node *next = __atomic_load_n(&node->next, __ATOMIC_ACQUIRE);
	struct blk_mcs_node *expected = node;
	bool freed = false;

	__release(lock);
	spin_release(&lock->dep_map, _RET_IP_);
	/* RELEASE: our critical section before the lock is seen free */
	if (likely(!next)) {
		blk_rmw_note();
		freed = __atomic_compare_exchange_n(&lock->tail, &expected, NULL,
						    false, __ATOMIC_RELEASE,
						    __ATOMIC_RELAXED);
	}
	if (unlikely(!freed))
		blk_mcs_pass(lock, node, next);
	blk_mcs_node_put(lock, node);
	preempt_enable();
}

static inline bool blk_mcs_is_locked(struct blk_mcslock *lock)
{
	return !!__atomic_load_n(&lock->tail, __ATOMIC_RELAXED);
}

#endif /* _BLK_MCS_H */
