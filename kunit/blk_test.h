/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests for blacklock: the helpers every suite's file uses
 * (kunit/blk_test.c), and what they all include.
 */
#ifndef _BLK_TEST_H
#define _BLK_TEST_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "../blacklock.h"

/* Parameters: every kind on the menu, or every real lock (not busted, not empty). */
const void *blk_all_kinds(const void *prev, char *desc);
const void *blk_real_kinds(const void *prev, char *desc);
const struct blk_lock_ops *blk_param(struct kunit *test);
void blk_need_state(struct kunit *test, const struct blk_lock_ops *ops);
struct blk_lock *blk_new_lock(struct kunit *test,
			      const struct blk_lock_ops *ops);

/* A suite's .init and .exit: the module's knobs saved and put back. */
int blk_knobs_save(struct kunit *test);
void blk_knobs_restore(struct kunit *test);

void blk_need_smp(struct kunit *test);
/* blk_rmw_count_sum() in a build that does not count */
#define BLK_NOT_COUNTED		U64_MAX
void blk_rmw_count_reset(void);
u64 blk_rmw_count_sum(void);
void blk_test_wait(struct kunit *test);
int blk_copy_newest(const struct blk_result *r, void *arg);
void blk_knobs_for(struct kunit *test, const struct blk_lock_ops *ops,
		   const char *ncpus, const char *ms, const char *timing);
void blk_engine_start(struct kunit *test, const struct blk_lock_ops *ops,
		      struct blk_result *res);
void blk_engine_run_with(struct kunit *test, const struct blk_lock_ops *ops,
			 const char *ncpus, const char *ms, const char *timing,
			 struct blk_result *res);
void blk_engine_run(struct kunit *test, const struct blk_lock_ops *ops,
		    const char *ncpus, const char *ms, struct blk_result *res);

#endif /* _BLK_TEST_H */
