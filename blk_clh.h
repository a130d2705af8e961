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
 * Where nodes live. A node is in the queue from its owner's arrival until
 * its successor has taken the lock, so a CPU needs one only while it waits:
 * the node it queued goes on with the lock, and the predecessor's it got
 * back replaces it. Each CPU keeps its free nodes in a stack of
 * BLK_CONTEXTS, one per context that can be waiting on it at once
 * (task, softirq, hardirq, NMI: an interrupted context's wait goes on only
 * when the interrupt is over), popped on arrival and pushed when the lock
 * is taken. Holding needs nothing of the CPU's: the holder's node is kept
 * in the lock (@held) for its release, so a CPU holds any number of CLH
 * locks and releases them in any order. A lock brings one node more, its
 * first tail; since nodes travel, that one comes from a static pool
 * (blk_clh.c), not from the lock's memory, where freeing the lock would
 * pull it from under a CPU that has it by then. The pool has BLK_CLH_POOL
 * nodes: init takes one (-ENOSPC when none is left: a refusal, never a
 * node shared by two locks), and blk_clh_fini() gives the free lock's tail
 * node back, whichever node that is by then (every node is static, and
 * each lock holds exactly one). A lock initialised again keeps the node
 * its tail holds (its own while it is free); memory that never held an
 * initialised CLH lock (its @self is not its address) takes one.
 *
 * The tail is a node's number and a tag. Nodes are recycled, so a tail
 * can name the same node twice with other acquisitions in between: a
 * trylock that read the tail's node free and then compared the tail with
 * it could take a lock held through that node's next use (CPU0 reads tail
 * P, P free; CPU1 locks with N and gets P back, unlocks, locks with P;
 * CPU0's compare finds P and both hold the lock). Each node counts its
 * uses (@gen), and the tail holds the count of the use that queued it
 * beside the node's number (blk_clh_tail_of()): the same tail again means
 * the same use, which the trylock read free, unless one node is queued
 * 2^32 times in the few instructions between its load and its CAS.
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

/**
 * struct blk_clh_node - a CLH queue node, in a cache line of its own.
 * @locked: 1 while its context holds or waits for the lock; 0 once it has
 *	released it.
 * @gen: how many times it has been queued: the tag of its tails.
 * @id: its number in a tail (blk_clh_node_of()).
 * @next_free: in the pool's free list, the next free node's @id.
 */
struct blk_clh_node {
	u32 locked;
	u32 gen;
	u32 id;
	u32 next_free;
} ____cacheline_aligned;

/*
 * The locks' first nodes (a lock holds one). The model checker's clients
 * hold one lock, and GenMC pays for every byte of a global: 4 there.
 */
#if !BLK_WORLD_MODEL
#define BLK_CLH_POOL		8192
#else
#define BLK_CLH_POOL		4
#endif

/**
 * struct blk_clh_cpu - one CPU's free nodes.
 * @own: the nodes it starts with.
 * @free: a stack of free nodes, below @taken; NULL: @own's of that
 *	index, never handed out yet.
 * @taken: how many of its contexts wait (pop on arrival, push once
 *	taken); past BLK_CONTEXTS, nested NMIs: see blk_clh_pop().
 */
struct blk_clh_cpu {
	struct blk_clh_node own[BLK_CONTEXTS];
	struct blk_clh_node *free[BLK_CONTEXTS];
	u32 taken;
};

DECLARE_PER_CPU_ALIGNED(struct blk_clh_cpu, blk_clh_cpu);

/**
 * struct blk_clhlock - a CLH lock.
 * @tail: the node of the last context queued, as blk_clh_tail_of() writes
 *	it; a node with flag 0 when the lock is free.
 * @held: the holder's node, which its release frees; written and read
 *	only by the holder.
 * @self: the lock's own address once initialised (see above).
 * @dep_map: lockdep's view (CONFIG_DEBUG_LOCK_ALLOC only).
 */
struct blk_clhlock {
	u64 tail;
	struct blk_clh_node *held;
	struct blk_clhlock *self;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
};

extern struct blk_clh_node blk_clh_pool[BLK_CLH_POOL];
struct blk_clh_node *blk_clh_pool_get(void);
void blk_clh_pool_put(struct blk_clh_node *node);
struct blk_clh_node *blk_clh_pop_nested(void);
void blk_clh_wait(struct blk_clh_node *pred);

/*
 * A node's number: 1 to BLK_CLH_POOL for the pool's, then BLK_CONTEXTS
 * per CPU for the CPUs' own. The tail: the number in the low half, the
 * node's use count in the high half.
 */
#define BLK_CLH_OWN_ID(cpu, i)	(BLK_CLH_POOL + 1 + (cpu) * BLK_CONTEXTS + (i))

static __always_inline u64 blk_clh_tail_of(const struct blk_clh_node *node)
{
	return (u64)node->gen << 32 | node->id;
}

static __always_inline struct blk_clh_node *blk_clh_node_of(u64 tail)
{
	u32 id = (u32)tail - 1;

	if (id < BLK_CLH_POOL)
		return &blk_clh_pool[id];
	id -= BLK_CLH_POOL;
	return &per_cpu_ptr(&blk_clh_cpu, id / BLK_CONTEXTS)->own[id % BLK_CONTEXTS];
}

static inline int __blk_clh_init(struct blk_clhlock *lock, const char *name,
				 struct lock_class_key *key)
{
	u64 tail = READ_ONCE(lock->tail);
	struct blk_clh_node *node;

	blk_dep_init(lock, name, key);
	if (READ_ONCE(lock->self) != lock || !(u32)tail)
		node = blk_clh_pool_get();
	else
		node = blk_clh_node_of(tail);
	if (!node)
		return -ENOSPC;
	WRITE_ONCE(node->locked, 0);
	lock->held = NULL;
	WRITE_ONCE(lock->self, lock);
	__atomic_store_n(&lock->tail, blk_clh_tail_of(node), __ATOMIC_RELAXED);
	return 0;
}

#define blk_clh_init(lock)	blk_init_class(__blk_clh_init, lock)

/**
 * blk_clh_fini() - give back the node a free lock holds; it may be
 * initialised again (and take one) afterwards.
 * @lock: the lock, free, and no context trying it.
 */
static inline void blk_clh_fini(struct blk_clhlock *lock)
{
	u64 tail = READ_ONCE(lock->tail);

	if (READ_ONCE(lock->self) != lock || !(u32)tail)
		return;
	blk_clh_pool_put(blk_clh_node_of(tail));
	WRITE_ONCE(lock->tail, 0);
	WRITE_ONCE(lock->self, NULL);
}

/*
 * A free node of this CPU's, for an arrival; preemption off. An interrupt
 * may come anywhere in here or between our pop and our push, and pops and
 * pushes in its turn before we go on: the count's plain update is safe
 * against it, once the entry is ours before we read it.
 */
static __always_inline struct blk_clh_node *blk_clh_pop(void)
{
	struct blk_clh_cpu *c = this_cpu_ptr(&blk_clh_cpu);
	u32 i = READ_ONCE(c->taken);
	struct blk_clh_node *node;

	WRITE_ONCE(c->taken, i + 1);
	/*
	 * The count must be stored before the entry is read: were the
	 * compiler to sink it below the load, an interrupt in between would
	 * pop the same node (qspinlock.c's barrier() after its count++, for
	 * the same reason).
	 */
	barrier();
	if (unlikely(i >= BLK_CONTEXTS))
		return blk_clh_pop_nested();
	node = c->free[i];
	if (unlikely(!node)) {
		node = &c->own[i];
		node->id = BLK_CLH_OWN_ID(smp_processor_id(), i);
	}
	return node;
}

/* A node this CPU has got, free, onto its stack; preemption off. */
static __always_inline void blk_clh_push(struct blk_clh_node *node)
{
	struct blk_clh_cpu *c = this_cpu_ptr(&blk_clh_cpu);
	u32 i = READ_ONCE(c->taken) - 1;

	/* past the stack (see blk_clh_pop_nested()), the node goes to the pool */
	if (likely(i < BLK_CONTEXTS)) {
		c->free[i] = node;
		/* the entry is written before it counts as free */
		barrier();
	} else {
		blk_clh_pool_put(node);
	}
	WRITE_ONCE(c->taken, i);
}

/*
 * We hold @lock through @node, which goes on with the lock; @pred, our
 * predecessor's node, is nobody's now: ours, free.
 */
static __always_inline void blk_clh_took(struct blk_clhlock *lock,
					 struct blk_clh_node *node,
					 struct blk_clh_node *pred)
{
	blk_clh_push(pred);
	lock->held = node;
}

/* Queue @node and wait behind its predecessor. */
static __always_inline void blk_clh_enqueue(struct blk_clhlock *lock,
					    struct blk_clh_node *node)
{
	struct blk_clh_node *pred;
	u64 tail;

	node->gen++;
	WRITE_ONCE(node->locked, 1);
	blk_rmw_note();
	/* ACQ_REL: publishes our 1; our read of pred's flag comes after */
	tail = __atomic_exchange_n(&lock->tail, blk_clh_tail_of(node), __ATOMIC_ACQ_REL);
	pred = blk_clh_node_of(tail);
	/* ACQUIRE: pairs with the predecessor's release of its flag */
	if (unlikely(__atomic_load_n(&pred->locked, __ATOMIC_ACQUIRE)))
		blk_clh_wait(pred);
	blk_clh_took(lock, node, pred);
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
	blk_clh_enqueue(lock, blk_clh_pop());
	__acquire(lock);
}

/**
 * __blk_clh_trylock() - take a CLH lock if it is free.
 * @lock: the lock.
 *
 * Use blk_clh_trylock(), which tells sparse about the lock. The tail
 * node's flag at 0 means free; the CAS of the tail from that very tail,
 * tag included, to ours (ACQ_REL, as the exchange: it also reads that 0's
 * release) takes it, and fails if anyone has queued since, that node
 * again included.
 *
 * Return: true if taken (preemption is then disabled).
 */
static inline bool __blk_clh_trylock(struct blk_clhlock *lock)
{
	struct blk_clh_node *pred, *node;
	u64 tail;

	preempt_disable();
	/*
	 * ACQUIRE: pairs with the release half of the exchange that put the
	 * tail there, so that we see its owner's 1, not the 0 of the node's
	 * last use (GenMC found this lock taken twice with a relaxed load).
	 */
	tail = __atomic_load_n(&lock->tail, __ATOMIC_ACQUIRE);
	pred = blk_clh_node_of(tail);
	/* ACQUIRE: pairs with the release of the flag, when it reads 0 */
	if (!__atomic_load_n(&pred->locked, __ATOMIC_ACQUIRE)) {
		node = blk_clh_pop();
		node->gen++;
		WRITE_ONCE(node->locked, 1);
		blk_rmw_note();
		if (__atomic_compare_exchange_n(&lock->tail, &tail,
						blk_clh_tail_of(node), false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED)) {
			blk_clh_took(lock, node, pred);
			spin_acquire(&lock->dep_map, 0, 1, _RET_IP_);
			return true;
		}
		blk_clh_push(node);	/* never queued: still free, ours */
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
	__atomic_store_n(&lock->held->locked, 0, __ATOMIC_RELEASE);
	preempt_enable();
}

static inline bool blk_clh_is_locked(struct blk_clhlock *lock)
{
	u64 tail = __atomic_load_n(&lock->tail, __ATOMIC_RELAXED);

	return !!READ_ONCE(blk_clh_node_of(tail)->locked);
}

#endif /* _BLK_CLH_H */
