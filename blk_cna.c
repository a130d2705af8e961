// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: CNA's slow path (blk_cna.h): qspin's body, blk_qspin_slow.h,
 * with the queue hooks below, and CNA's own nodes.
 *
 * The main queue is qspin's MCS queue. The secondary queue is a list of
 * nodes taken out of it, linked by their ->next, that only the queue head
 * touches: each head gets it (and the count of handoffs made since it
 * stopped being empty) from its predecessor, in its node, before the
 * release store that makes it the head, and hands it on the same way.
 *
 * Ordering argument
 * -----------------
 * Everything here rides on qspin's pairs (blk_qspin.h):
 *  - A node leaves the main queue only when its successor has linked
 *    itself (we read that link with ACQUIRE), so no waiter ever writes to
 *    a node that is moved, but the head; the moved node's waiter keeps
 *    spinning on its own flag.
 *  - The secondary queue and the count passed to a new head are plain
 *    stores before the RELEASE store of its flag; it reads them after its
 *    ACQUIRE spin on that flag.
 *  - When the last queued waiter finds the secondary queue not empty, its
 *    CAS puts the secondary queue's tail in the lock word, RELEASE: a
 *    waiter that then finds that tail in its tail exchange (ACQ_REL) sees
 *    the tail node's ->next cleared before it links itself there.
 */
#include "blk_cna.h"

/**
 * struct blk_cna_node - a CPU context's place in a CNA queue.
 * @mcs: qspin's node, first: the body sees only it.
 * @numa: the NUMA node of the waiter's CPU.
 * @tail: the waiter's encoding in the lock word.
 * @handoffs: handed from head to head: handoffs along the main queue since
 *	the secondary queue was last empty or flushed.
 * @sec_head: handed from head to head: the secondary queue's first node.
 * @sec_tail: and its last.
 */
struct blk_cna_node {
	struct blk_qs_node mcs;
	int numa;
	u32 tail;
	u32 handoffs;
	struct blk_cna_node *sec_head;
	struct blk_cna_node *sec_tail;
};

struct blk_cna_cpu {
	struct blk_cna_node node[BLK_QS_NODES];
};

static DEFINE_PER_CPU_ALIGNED(struct blk_cna_cpu, blk_cna_cpu);

#if !BLK_WORLD_MODEL
/* cna_threshold, set at a run's start; the patch series' default */
static u32 blk_cna_threshold = 1U << 16;

void blk_cna_set_threshold(u32 threshold)
{
	WRITE_ONCE(blk_cna_threshold, threshold);
}

#define blk_cna_threshold_now()	READ_ONCE(blk_cna_threshold)
#else
/* the model checker's: flush at the first chance, so that it is checked */
#define blk_cna_threshold_now()	1U
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

	WRITE_ONCE(cn->numa, blk_numa_node());
	WRITE_ONCE(cn->tail, tail);
	WRITE_ONCE(cn->handoffs, 0);
	WRITE_ONCE(cn->sec_head, NULL);
	WRITE_ONCE(cn->sec_tail, NULL);
}

#define blk_qs_hook_init(node, tail)	blk_cna_init_node(node, tail)

/*
 * The new head sorts the queue behind it: while its successor is of
 * another NUMA node and has a successor itself, move it to the secondary
 * queue's tail. It stops at a waiter of its own node, or at one that may be
 * the tail (only the tail exchange may move that). Not once a flush is due.
 */
static void blk_cna_sort(struct blk_qspinlock *lock, struct blk_qs_node *node)
{
	struct blk_cna_node *me = blk_cna(node), *next, *nnext;

	if (me->handoffs >= blk_cna_threshold_now())
		return;
	for (;;) {
		/* ACQUIRE: pairs with each link's release store */
		next = blk_cna(__atomic_load_n(&me->mcs.next, __ATOMIC_ACQUIRE));
		if (!next || READ_ONCE(next->numa) == me->numa)
			return;
		nnext = blk_cna(__atomic_load_n(&next->mcs.next, __ATOMIC_ACQUIRE));
		if (!nnext)
			return;
		WRITE_ONCE(next->mcs.next, NULL);
		if (me->sec_tail)
			WRITE_ONCE(me->sec_tail->mcs.next, &next->mcs);
		else
			me->sec_head = next;
		me->sec_tail = next;
		WRITE_ONCE(me->mcs.next, &nnext->mcs);
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
 * Hand the headship to @next, with the secondary queue; or, once
 * cna_threshold handoffs have gone along the main queue while it waited,
 * flush it: the secondary queue's nodes go before @next, and its first
 * becomes the head.
 */
static __always_inline void blk_cna_pass(struct blk_qs_node *node,
					 struct blk_qs_node *next)
{
	struct blk_cna_node *me = blk_cna(node);

	if (me->sec_head && me->handoffs >= blk_cna_threshold_now()) {
		WRITE_ONCE(me->sec_tail->mcs.next, next);
		blk_cna_make_head(me->sec_head, NULL, NULL, 0);
	} else {
		/* the count runs only while a remote waiter is set aside */
		blk_cna_make_head(blk_cna(next), me->sec_head, me->sec_tail,
				  me->sec_head ? me->handoffs + 1 : 0);
	}
}

#define blk_qs_hook_pass(node, next)	blk_cna_pass(node, next)

#define BLK_QS_SLOWPATH	blk_cna_slowpath
#include "blk_qspin_slow.h"
