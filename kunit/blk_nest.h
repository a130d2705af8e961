/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: locks held together, as kernel code holds spinlocks: the
 * checks both worlds run, KUnit's blacklock_nesting in the kernel
 * (kunit/blk_test_nesting.c) and blk-host nest on the host's own cores
 * (tools/host). Each world starts the threads and reports; what is held,
 * in which order, and what is checked is here, once.
 */
#ifndef _BLK_NEST_H
#define _BLK_NEST_H

#include "../blk_kinds.h"
#include "../blk_locks.h"

#define BLK_CHAIN		8
#define BLK_CHAIN_ROUNDS	2000

/**
 * struct blk_chain_run - every CPU at once on one chain of locks.
 * @ops: the kind.
 * @lock: the chain, taken in its order only (nothing can deadlock).
 * @counter: per lock, incremented inside it: ends at its sections.
 * @owner: per lock, who is inside: read back before the release.
 * @overlaps: another's number found inside a held lock.
 * @sections: the critical sections the workers had, all locks together.
 */
struct blk_chain_run {
	const struct blk_lock_ops *ops;
	struct blk_lock lock[BLK_CHAIN];
	u64 counter[BLK_CHAIN];
	int owner[BLK_CHAIN];
	u64 overlaps;
	u64 sections;
};

/**
 * struct blk_nest_report - what the one-CPU checks found.
 * @faults: how many checks failed.
 * @why: the first of them.
 */
struct blk_nest_report {
	unsigned int faults;
	char why[128];
};

int blk_chain_init(const struct blk_lock_ops *ops, struct blk_lock *l);
void blk_chain_fini(const struct blk_lock_ops *ops, struct blk_lock *l);
bool blk_nest_has_state(const struct blk_lock_ops *ops);
void blk_nest_one_cpu(const struct blk_lock_ops *ops, struct blk_lock *l,
		      struct blk_nest_report *rep);
void blk_chain_round(struct blk_chain_run *r, int me);
u64 blk_chain_counted(const struct blk_chain_run *r);
unsigned int blk_chain_held(const struct blk_chain_run *r);

#endif /* _BLK_NEST_H */
