// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: locks held together, as kernel code holds spinlocks
 * (blacklock_nesting): the checks of kunit/blk_nest.c, which blk-host nest
 * runs on the host too, on one CPU and on every CPU at once.
 */
#include "blk_test.h"
#include "blk_nest.h"

/* One CPU, every kind: 5 and 8 held, any release order, hand-over-hand. */
static void blk_test_nesting_one_cpu(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_lock *l = kunit_kcalloc(test, BLK_CHAIN, sizeof(*l), GFP_KERNEL);
	struct blk_nest_report rep = {};

	KUNIT_ASSERT_NOT_NULL(test, l);
	KUNIT_ASSERT_EQ(test, blk_chain_init(ops, l), 0);
	blk_nest_one_cpu(ops, l, &rep);
	if (!rep.faults)
		blk_chain_fini(ops, l);
	KUNIT_EXPECT_EQ_MSG(test, rep.faults, 0U, "%s: %u faults, the first: %s",
			    ops->name, rep.faults, rep.why);
}

/*
 * Every CPU at once (one, on a uniprocessor kernel, which still checks the
 * releases' order) on the same chain, BLK_CHAIN_ROUNDS rounds each
 * (blk_chain_round()): no overlap, and each lock's counter at its
 * sections.
 */
#define BLK_CHAIN_TIMEOUT_MS	120000

struct blk_chain_test {
	struct blk_chain_run run;
	atomic_t ready, left;
	bool abort;
	struct completion done;
};

static int blk_chain_worker(void *arg)
{
	struct blk_chain_test *c = arg;
	int me = raw_smp_processor_id() + 1, n;

	atomic_dec(&c->ready);
	while (atomic_read(&c->ready) > 0 && !READ_ONCE(c->abort))
		cond_resched();
	for (n = 0; n < BLK_CHAIN_ROUNDS && !READ_ONCE(c->abort); n++) {
		blk_chain_round(&c->run, me);
		cond_resched();
	}
	if (atomic_dec_and_test(&c->left))
		complete(&c->done);
	return 0;
}

static void blk_test_nesting_smp(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_chain_test *c;
	struct task_struct *t;
	int cpu;

	/* not kunit_kzalloc(): workers that never finish must not see it freed */
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->run.ops = ops;
	if (blk_chain_init(ops, c->run.lock)) {
		kfree(c);
		KUNIT_FAIL(test, "%s: the chain's locks cannot be initialised", ops->name);
		return;
	}
	init_completion(&c->done);
	atomic_set(&c->ready, num_online_cpus());
	atomic_set(&c->left, num_online_cpus());
	for_each_online_cpu(cpu) {
		t = kthread_create_on_cpu(blk_chain_worker, c, cpu, "blk-chain/%u");
		if (IS_ERR(t)) {
			/* the ones started leave at once */
			WRITE_ONCE(c->abort, true);
			KUNIT_FAIL(test, "cannot create a worker on CPU %d", cpu);
			return;
		}
		wake_up_process(t);
	}
	if (!wait_for_completion_timeout(&c->done,
					 msecs_to_jiffies(BLK_CHAIN_TIMEOUT_MS))) {
		/* their memory is left to them */
		WRITE_ONCE(c->abort, true);
		KUNIT_FAIL(test, "%s: the workers had not finished after %u s",
			   ops->name, BLK_CHAIN_TIMEOUT_MS / 1000);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, c->run.overlaps, 0ULL,
			    "%s: another CPU's number inside a held lock", ops->name);
	KUNIT_EXPECT_EQ_MSG(test, blk_chain_counted(&c->run), c->run.sections,
			    "%s: updates lost under the chain's locks", ops->name);
	KUNIT_EXPECT_EQ(test, blk_chain_held(&c->run), 0U);
	kunit_info(test, "%s: %llu critical sections on %u CPUs, %llu overlaps",
		   ops->name, c->run.sections, num_online_cpus(), c->run.overlaps);
	if (!blk_chain_held(&c->run))
		blk_chain_fini(ops, c->run.lock);
	kfree(c);
}

static struct kunit_case blk_nesting_cases[] = {
	KUNIT_CASE_PARAM(blk_test_nesting_one_cpu, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_nesting_smp, blk_real_kinds),
	{}
};

static struct kunit_suite blk_nesting_suite = {
	.name = "blacklock_nesting",
	.test_cases = blk_nesting_cases,
};

kunit_test_suites(&blk_nesting_suite);
