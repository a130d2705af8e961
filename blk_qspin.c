// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: qspin's slow path (blk_qspin.h): the body in blk_qspin_slow.h
 * with the plain MCS queue's hooks, the kernel's qspinlock without
 * paravirt. Its nodes are qspin's own; CNA's are in blk_cna.c.
 *
 * As in blk_spin.c, only what runs after the inline path found the lock
 * taken counts, into the shared per-CPU counters, once per acquisition.
 */
#include "blk_qspin.h"

/**
 * struct blk_qs_cpu - one CPU's qspin nodes.
 * @node: one per context that may nest a lock; @node[0].count says how
 *	many are in use.
 */
struct blk_qs_cpu {
	struct blk_qs_node node[BLK_QS_NODES];
};

static DEFINE_PER_CPU_ALIGNED(struct blk_qs_cpu, blk_qs_cpu);

#define blk_qs_node_at(cpu, idx)	(&per_cpu_ptr(&blk_qs_cpu, (cpu))->node[(idx)])

/* The plain queue: nothing to set up, nothing to reorder. */
#define blk_qs_hook_init(node, tail)	do { } while (0)
#define blk_qs_hook_head(lock, node)	0

/*
 * The last queued takes the free lock and empties the queue: one CAS of
 * the word from @val (our tail, nothing locked or pending) to locked.
 * Relaxed: the acquire load that read @val synchronised with the release.
 */
#define blk_qs_hook_clear_tail(lock, val, node, t)	\
	blk_qs_cas(lock, val, BLK_QS_LOCKED, __ATOMIC_RELAXED, t)

/* RELEASE: pairs with the successor's acquire spin on its flag. */
#define blk_qs_hook_pass(node, next)	\
	__atomic_store_n(&(next)->locked, 1, __ATOMIC_RELEASE)

#define BLK_QS_SLOWPATH	blk_qspin_slowpath
#include "blk_qspin_slow.h"
