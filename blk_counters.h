/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: what blk_counters_list.h's columns expand to.
 *
 * BLK_IF_<want>_<from>(x) is x where a counter counted on the @from side
 * belongs in @want's struct, and nothing elsewhere: the loop's counters go
 * in struct blk_worker, the locks' in struct blk_contention_counters.
 * blk_merge_<merge>(run, worker) folds a worker's count into the run's.
 */
#ifndef _BLK_COUNTERS_H
#define _BLK_COUNTERS_H

#include <linux/minmax.h>
#include <linux/types.h>

#define BLK_IF_loop_loop(x)	x
#define BLK_IF_loop_lock(x)
#define BLK_IF_lock_lock(x)	x
#define BLK_IF_lock_loop(x)

static inline void blk_merge_sum(u64 *run, u64 worker)
{
	*run += worker;
}

static inline void blk_merge_max(u64 *run, u64 worker)
{
	*run = max(*run, worker);
}

static inline void blk_merge_first(u64 *run, u64 worker)
{
	*run = min_not_zero(*run, worker);
}

#endif /* _BLK_COUNTERS_H */
