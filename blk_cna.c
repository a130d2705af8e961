// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: CNA's slow path (blk_cna.h): qspin's body, blk_qspin_slow.h,
 * with the queue hooks below, and CNA's own nodes.
 *
 * The main queue is qspin's MCS queue. The secondary queue is a list of
 * nodes taken out of it, linked by their ->next, that only the queue head
 * touches: each head gets it (with the node the lock is kept in, the time
 * it formed and the count of handoffs since) from its predecessor, in its
 * node, before the release store that makes it the head, and hands it on
 * the same way.
 *
 * Which CNA: the series' last version, v15 (Kogan, May 2021): the sort
 * only while the lock is busy, urgent waiters never moved, the preferred
 * node handed on, and the time limit, in the module and on the host. Not
 * its shuffle reduction (v15 6/6: with the secondary queue empty, skip the
 * sort with probability 127/128), a tuning that would make the sort, and
 * the study of it, random. Lines of one world only: the time limit (the
 * model world has the count at 1: GenMC has no clock) and the urgent
 * waiter (only the kernel has interrupts and real-time tasks).
 *
 * Ordering argument
 * -----------------
 * Everything here rides on qspin's pairs (blk_qspin.h):
 *  - A node leaves the main queue only when its successor has linked
 *    itself (we read that link with ACQUIRE), so no waiter ever writes to
 *    a node that is moved, but the head; the moved node's waiter keeps
 *    spinning on its own flag.
 *  - The secondary queue, the lock's node, the time and the count passed to
 *    a new head are plain stores before the RELEASE store of its flag; it
 *    reads them after its ACQUIRE spin on that flag. A waiter's own node
 *    (or urgency) is stored before its tail exchange (ACQ_REL), so that the
 *    head that reads its link (ACQUIRE) reads it too.
 *  - When the last queued waiter finds the secondary queue not empty, its
 *    CAS puts the secondary queue's tail in the lock word, RELEASE: a
 *    waiter that then finds that tail in its tail exchange (ACQ_REL) sees
 *    the tail node's ->next cleared before it links itself there.
 */
#include "blk_cna.h"

/* A waiter that no head moves (blk_waiter_urgent()), until it heads. */
#define BLK_CNA_URGENT		(-1)

/**
 * struct blk_cna_node - a CPU context's place in a CNA queue.
 * @mcs: qspin's node, first: the body sees only it.
 * @numa: the NUMA node its waiter is of, or BLK_CNA_URGENT; once it heads
 *	the queue with a secondary queue, the node the lock is kept in.
 * @tail: the waiter's encoding in the lock word.
 * @flush: the head's decision, made once as it starts to wait for the
 *	lock: the secondary queue goes first at its handoff.
 * @handoffs: handed from head to head: handoffs along the main queue since
 *	the secondary queue was last empty or flushed.
 * @since: handed from head to head: blk_clock_ns() when the secondary
 *	queue got its first waiter (not in the model world, which has no clock).
 * @sec_head: handed from head to head: the secondary queue's first node.
 * @sec_tail: and its last.
 */
struct blk_cna_node {
	struct blk_qs_node mcs;
	int numa;
	u32 tail;
	bool flush;
	u32 handoffs;
	u64 since;
	struct blk_cna_node *sec_head;
	struct blk_cna_node *sec_tail;
};

struct blk_cna_cpu {
	struct blk_cna_node node[BLK_QS_NODES];
};

static DEFINE_PER_CPU_ALIGNED(struct blk_cna_cpu, blk_cna_cpu);

/*
 * When the secondary queue goes first. The kernel's and the host's follow
 * the series' last version (v15): once its first waiter has waited
 * cna_threshold_ns (v15's numa_spinlock_threshold_ns, 1 ms by default); and,
 * if cna_threshold is set, after that many handoffs along the main queue
 * (the series' rule up to v12, 64k then, which the NUMA study sweeps).
 * GenMC has no clock: the model world has the count alone, at 1, so that
 * every handoff with a secondary queue flushes it and the flush is checked.
 */
#if !BLK_WORLD_MODEL
static u32 blk_cna_threshold, blk_cna_threshold_ns = 1000000;

void blk_cna_set_threshold(u32 handoffs, u32 ns)
{
	WRITE_ONCE(blk_cna_threshold, handoffs);
	WRITE_ONCE(blk_cna_threshold_ns, ns);
}

static __always_inline bool blk_cna_flush_due(const struct blk_cna_node *me)
{
	const u32 handoffs = READ_ONCE(blk_cna_threshold);
	const u32 ns = READ_ONCE(blk_cna_threshold_ns);

	/* as v15 compares: a clock behind on this CPU makes no early flush */
	return (handoffs && me->handoffs >= handoffs) ||
	       (ns && blk_clock_ns() > me->since + ns);
}

#define blk_cna_now()		blk_clock_ns()
#else
#define blk_cna_flush_due(me)	((me)->handoffs >= 1)
#define blk_cna_now()		0
#endif

static __always_inline struct blk_cna_node *blk_cna(struct blk_qs_node *node)
{
	return (struct blk_cna_node *)node;
}

#define blk_qs_node_at(cpu, idx)	\
	(&per_cpu_ptr(&blk_cna_cpu, (cpu))->node[(idx)].mcs)

static __always_inline void blk_cna_init_node(struct blk_qs_node *node,
					      u32 tail)
{
	struct blk_cna_node *cn = blk_cna(node);

	/* read by the head that may move us: published by our tail exchange */
	WRITE_ONCE(cn->numa, blk_waiter_urgent() ? BLK_CNA_URGENT :
			     blk_numa_node());
	WRITE_ONCE(cn->tail, tail);
	WRITE_ONCE(cn->flush, false);
	WRITE_ONCE(cn->handoffs, 0);
	WRITE_ONCE(cn->since, 0);
	WRITE_ONCE(cn->sec_head, NULL);
	WRITE_ONCE(cn->sec_tail, NULL);
}

#define blk_qs_hook_init(node, tail)	blk_cna_init_node(node, tail)

/* Move @next, behind @me, to the secondary queue's tail; @nnext follows @me. */
static __always_inline void blk_cna_set_aside(struct blk_cna_node *me,
					      struct blk_cna_node *next,
					      struct blk_cna_node *nnext)
{
	WRITE_ONCE(next->mcs.next, NULL);
	if (me->sec_tail) {
		WRITE_ONCE(me->sec_tail->mcs.next, &next->mcs);
	} else {
		me->sec_head = next;
		me->since = blk_cna_now();
	}
	me->sec_tail = next;
	WRITE_ONCE(me->mcs.next, &nnext->mcs);
	blk_contention_count_cna_moved();
}

/*
 * Whether the head has its successor to decide on: not while there is none,
 * nor while a remote one has no successor itself (it may be the tail, which
 * only the tail exchange may touch). Then *@next is the successor, and
 * *@nnext the successor's, if it goes aside; NULL if the sort ends there
 * (it is of the lock's node, or urgent).
 */
static __always_inline bool blk_cna_decided(const struct blk_cna_node *me,
					    struct blk_cna_node **next,
					    struct blk_cna_node **nnext)
{
	/* ACQUIRE, both links: pairs with each link's release store */
	*next = blk_cna(__atomic_load_n(&me->mcs.next, __ATOMIC_ACQUIRE));
	*nnext = NULL;
	if (!*next)
		return false;
	if (READ_ONCE((*next)->numa) == me->numa ||
	    READ_ONCE((*next)->numa) == BLK_CNA_URGENT)
		return true;
	*nnext = blk_cna(__atomic_load_n(&(*next)->mcs.next, __ATOMIC_ACQUIRE));
	return *nnext;
}

/*
 * The new head, about to wait for the lock, sorts the queue behind it while
 * the lock is busy, and never once it is free (the lock would wait for the
 * sort): each successor of another NUMA node goes to the secondary queue,
 * until one of the lock's node or an urgent one comes. Not when a flush is
 * due: the secondary queue goes first then, as it is. The wait is a loop of
 * loads only, so that GenMC takes it for the spin loop it is.
 *
 * Return: the iterations of its wait, for the contended path's count.
 */
static u64 blk_cna_sort(struct blk_qspinlock *lock, struct blk_qs_node *node)
{
	struct blk_cna_node *me = blk_cna(node), *next, *nnext;
	u64 spins = 0;
	u32 busy;

	if (me->sec_head && blk_cna_flush_due(me)) {
		me->flush = true;
		blk_contention_count_cna_flush();
		return 0;
	}
	/* heading the queue, an urgent waiter keeps the lock in its own node */
	if (me->numa == BLK_CNA_URGENT)
		me->numa = blk_numa_node();
	for (;;) {
		while ((busy = __atomic_load_n(&lock->val, __ATOMIC_RELAXED) &
			       BLK_QS_LOCKED_PENDING_MASK) &&
		       !blk_cna_decided(me, &next, &nnext)) {
			cpu_relax();
			spins++;
		}
		if (!busy || !nnext)
			return spins;
		blk_cna_set_aside(me, next, nnext);
	}
}

#define blk_qs_hook_head(lock, node)	blk_cna_sort(lock, node)

/* Make @cn the head, with this secondary queue and count. */
static __always_inline void blk_cna_make_head(struct blk_cna_node *cn,
					      struct blk_cna_node *sec_head,
					      struct blk_cna_node *sec_tail,
					      u32 handoffs)
{
	WRITE_ONCE(cn->sec_head, sec_head);
	WRITE_ONCE(cn->sec_tail, sec_tail);
	WRITE_ONCE(cn->handoffs, handoffs);
	/* RELEASE: pairs with the new head's acquire spin on its flag */
	__atomic_store_n(&cn->mcs.locked, 1, __ATOMIC_RELEASE);
}

/*
 * The last in the main queue takes the free lock. With the secondary queue
 * empty, qspin's CAS to locked with no tail. Otherwise the secondary queue
 * becomes the main queue: the CAS leaves its tail in the word (RELEASE:
 * its cleared ->next before any newcomer's link), and its first node
 * becomes the head.
 */
static __always_inline bool blk_cna_clear_tail(struct blk_qspinlock *lock,
					       u32 val,
					       struct blk_qs_node *node,
					       struct blk_qs_tally *t)
{
	struct blk_cna_node *me = blk_cna(node);
	u32 new = BLK_QS_LOCKED;

	if (me->sec_head)
		new |= READ_ONCE(me->sec_tail->tail);
	if (!blk_qs_cas(lock, val, new, __ATOMIC_RELEASE, t))
		return false;
	if (me->sec_head)
		blk_cna_make_head(me->sec_head, NULL, NULL, 0);
	return true;
}

#define blk_qs_hook_clear_tail(lock, val, node, t)	\
	blk_cna_clear_tail(lock, val, node, t)

/*
 * Hand the headship to @next. With a secondary queue: flush it, if its
 * head decided so (the secondary queue's nodes go before @next, and its
 * first becomes the head, with its own node preferred from then on); or
 * hand it on with the lock's node, which @next keeps even if it is of
 * another (an urgent waiter, or a remote one left as a possible tail), so
 * that the lock stays where it is until the flush.
 */
static __always_inline void blk_cna_pass(struct blk_qs_node *node,
					 struct blk_qs_node *next)
{
	struct blk_cna_node *me = blk_cna(node), *cn = blk_cna(next);

	if (me->flush) {
		WRITE_ONCE(me->sec_tail->mcs.next, next);
		blk_cna_make_head(me->sec_head, NULL, NULL, 0);
	} else if (me->sec_head) {
		/* the count runs only while a remote waiter is set aside */
		WRITE_ONCE(cn->numa, me->numa);
		WRITE_ONCE(cn->since, me->since);
		blk_cna_make_head(cn, me->sec_head, me->sec_tail,
				  me->handoffs + 1);
	} else {
		blk_cna_make_head(cn, NULL, NULL, 0);
	}
}

#define blk_qs_hook_pass(node, next)	blk_cna_pass(node, next)

#define BLK_QS_SLOWPATH	blk_cna_slowpath
#include "blk_qspin_slow.h"

/* The KUnit suite of CNA's decisions, for the hooks above (static). */
#if BLK_WORLD_KERNEL
#if IS_ENABLED(CONFIG_BLACKLOCK_KUNIT_TEST)
#include "kunit/blk_test_cna.c"
#endif
#endif
