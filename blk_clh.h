/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the CLH queue lock (Craig, 1993; Landin and Hagersten, 1994),
 * an implicit queue: each waiter spins on its predecessor's node.
 *
 * The lock is a tail pointer to the node of the last context to arrive;
 * never NULL: a free lock's tail is a node whose flag is 0. Acquire: set
 * our node's flag to 1, exchange it into the tail, and wait until the
 * node we got back (our predecessor's) has its flag at 0. Release: store 0
 * into our node's flag. The predecessor's node is nobody's once we hold the
 * lock (its owner has released it, and only we read it), so it becomes ours
 * for our next acquisition, and ours goes on with the lock: nodes travel,
 * as the algorithm has them do. Strict FIFO; one exchange per acquisition
 * and a plain store per release.
 *
 * Where nodes live. Each CPU has one node per nesting context (four, as
 * MCS) to start with; a lock brings one more, its first tail. Since nodes
 * travel, a CPU may end up with a lock's node, and a lock with a CPU's: so
 * no node lives in the lock itself, where freeing or re-initialising the
 * lock would pull it from under the CPU that has it. A lock's first node
 * comes from a static pool (blk_clh.c) instead, and a lock initialised
 * again keeps the node its tail holds, which is its own while it is free
 * (nobody else can reach it but through this lock); memory that never held
 * an initialised CLH lock (its @self is not its address) gets a fresh one.
 *
 * Ordering argument
 * -----------------
 * The release store of 0 pairs with the acquire load by which the next
 * owner sees it: one critical section happens-before the next. The
 * exchange is ACQ_REL. Its release half publishes our flag's 1 before a
 * successor that finds our node in the tail reads it (or it could read
 * the 0 of our node's last use and enter at once). Its acquire half
 * orders our read of the predecessor's flag after the exchange that
 * read the predecessor's release of its own 1, so that we never read the
 * 0 of that node's previous use: coherence then gives the 1 or the
 * release. Setting the flag to 1 before the exchange may be relaxed.
 *
 * As the other kinds: preemption off, lockdep where blk_spin_lock() tells
 * it, only blk_env.h (the model checker compiles this as it is), the
 * contended wait out of line (blk_clh.c), counting into the shared
 * per-CPU counters.
 */
#ifndef _BLK_CLH_H
#define _BLK_CLH_H

#include "blk_env.h"
#include "blk_spin.h"

/**
 * struct blk_clh_node - a CLH queue node, in a cache line of its own.
 * @locked: 1 while its context holds or waits for the lock; 0 once it has
 *	released it.
 */
struct blk_clh_node {
	u32 locked;
} ____cacheline_aligned;

#define BLK_CLH_CONTEXTS	4

/**
 * struct blk_clh_slot - one nesting context's nodes.
 * @mine: the node its next acquisition queues (NULL: @own, not yet used).
 * @held: the node its current acquisition queued, to release.
 * @own: the node it starts with.
 */
struct blk_clh_slot {
	struct blk_clh_node *mine;
	struct blk_clh_node *held;
	struct blk_clh_node own;
};

/**
 * struct blk_clh_cpu - one CPU's contexts.
 * @slot: one per context that may nest a lock.
 * @count: how many are in use.
 */
struct blk_clh_cpu {
	struct blk_clh_slot slot[BLK_CLH_CONTEXTS];
	u32 count;
};

DECLARE_PER_CPU_ALIGNED(struct blk_clh_cpu, blk_clh_cpu);

/**
 * struct blk_clhlock - a CLH lock.
 * @tail: the node of the last context queued; a node with flag 0 when
 *	the lock is free.
 * @self: the lock's own address once initialised (see above).
 * @dep_map: lockdep's view (CONFIG_DEBUG_LOCK_ALLOC only).
 */
struct blk_clhlock {
	struct blk_clh_node *tail;
	struct blk_clhlock *self;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
};

struct blk_clh_node *blk_clh_pool_get(void);
void blk_clh_wait(struct blk_clh_node *pred);

static inline void __blk_clh_init(struct blk_clhlock *lock, const char *name,
				  struct lock_class_key *key)
{
	struct blk_clh_node *node = READ_ONCE(lock->tail);

	blk_dep_init(lock, name, key);
	if (READ_ONCE(lock->self) != lock || !node)
		node = blk_clh_pool_get();
	WRITE_ONCE(node->locked, 0);
	WRITE_ONCE(lock->self, lock);
	__atomic_store_n(&lock->tail, node, __ATOMIC_RELAXED);
}

#define blk_clh_init(lock)	blk_init_class(__blk_clh_init, lock)

/* This CPU's next context; preemption off. */
static __always_inline struct blk_clh_slot *blk_clh_slot_get(void)
{
	struct blk_clh_cpu *c = this_cpu_ptr(&blk_clh_cpu);
	struct blk_clh_slot *s = &c->slot[c->count++];

	if (unlikely(!s->mine))
		s->mine = &s->own;
	return s;
}

/* The context of this CPU's last acquisition; preemption off. */
static __always_inline struct blk_clh_slot *blk_clh_slot_top(void)
{
	struct blk_clh_cpu *c = this_cpu_ptr(&blk_clh_cpu);

	return &c->slot[c->count - 1];
}

static __always_inline void blk_clh_slot_put(void)
{
	this_cpu_ptr(&blk_clh_cpu)->count--;
}

/*
 * @s holds the lock through @node, which goes on with the lock; @pred,
 * its predecessor's node, nobody's now, is @s's for the next acquisition.
 */
static __always_inline void blk_clh_took(struct blk_clh_slot *s,
					 struct blk_clh_node *node,
					 struct blk_clh_node *pred)
{
	s->held = node;
	s->mine = pred;
}

/* Queue @s's node and wait behind its predecessor. */
static __always_inline void blk_clh_enqueue(struct blk_clhlock *lock,
					    struct blk_clh_slot *s)
{
	struct blk_clh_node *node = s->mine, *pred;

	WRITE_ONCE(node->locked, 1);
	blk_rmw_note();
	/* ACQ_REL: publishes our 1; our read of pred's flag comes after */
	pred = __atomic_exchange_n(&lock->tail, node, __ATOMIC_ACQ_REL);
	/* ACQUIRE: pairs with the predecessor's release of its flag */
	if (unlikely(__atomic_load_n(&pred->locked, __ATOMIC_ACQUIRE)))
		blk_clh_wait(pred);
	blk_clh_took(s, node, pred);
}

/**
 * blk_clh_lock() - take a CLH lock, queueing behind any waiter.
 * @lock: the lock.
 *
 * One exchange and one load, inline; a wait out of line.
 */
static __always_inline void blk_clh_lock(struct blk_clhlock *lock)
	__acquires(lock)
{
	preempt_disable();
	spin_acquire(&lock->dep_map, 0, 0, _RET_IP_);
	blk_clh_enqueue(lock, blk_clh_slot_get());
	__acquire(lock);
}

/**
 * __blk_clh_trylock() - take a CLH lock if it is free.
 * @lock: the lock.
 *
 * Use blk_clh_trylock(), which tells sparse about the lock. The tail
 * node's flag at 0 means free; the CAS of the tail from that node to ours
 * (ACQ_REL, as the exchange: it also reads that 0's release) takes it.
 *
 * Return: true if taken (preemption is then disabled).
 */
static inline bool __blk_clh_trylock(struct blk_clhlock *lock)
{
	struct blk_clh_node *pred, *node;
	struct blk_clh_slot *s;

	preempt_disable();
	/*
	 * ACQUIRE: pairs with the release half of the exchange that put the
	 * tail there, so that we see its owner's 1, not the 0 of the node's
	 * last use (GenMC found this lock taken twice with a relaxed load).
	 */
	pred = __atomic_load_n(&lock->tail, __ATOMIC_ACQUIRE);
	/* ACQUIRE: pairs with the release of the flag, when it reads 0 */
	if (!__atomic_load_n(&pred->locked, __ATOMIC_ACQUIRE)) {
		s = blk_clh_slot_get();
		node = s->mine;
		WRITE_ONCE(node->locked, 1);
		blk_rmw_note();
		if (__atomic_compare_exchange_n(&lock->tail, &pred, node, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED)) {
			blk_clh_took(s, node, pred);
			spin_acquire(&lock->dep_map, 0, 1, _RET_IP_);
			return true;
		}
		blk_clh_slot_put();
	}
	preempt_enable();
	return false;
}

#define blk_clh_trylock(lock) ({					\
	struct blk_clhlock *__l = (lock);				\
	__cond_lock(__l, __blk_clh_trylock(__l));			\
})

/**
 * blk_clh_unlock() - free a CLH lock: a release store of our node's flag.
 * @lock: the lock.
 */
static __always_inline void blk_clh_unlock(struct blk_clhlock *lock)
	__releases(lock)
{
	__release(lock);
	spin_release(&lock->dep_map, _RET_IP_);
	/* RELEASE: our critical section before the next owner's */
	__atomic_store_n(&blk_clh_slot_top()->held->locked, 0, __ATOMIC_RELEASE);
	blk_clh_slot_put();
	preempt_enable();
}

static inline bool blk_clh_is_locked(struct blk_clhlock *lock)
{
	struct blk_clh_node *tail = __atomic_load_n(&lock->tail, __ATOMIC_RELAXED);

	return !!READ_ONCE(tail->locked);
}

#endif /* _BLK_CLH_H */
