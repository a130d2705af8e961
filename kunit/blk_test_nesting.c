// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: locks held together, as kernel code holds spinlocks
 * (blacklock_nesting). Every kind must allow what spinlock_t allows: any
 * number held at once, released in any order, hand-over-hand (lock A,
 * lock B, unlock A, lock C, unlock B, ...). A kind that finds its
 * release's node on top of a per-CPU stack breaks on the first lock
 * released out of order (MCS spins forever in its pass, Hemlock waits for
 * an acknowledgment that never comes, CLH frees the wrong lock); one with
 * four nodes per CPU and no fallback writes past them at the fifth.
 */
#include "blk_test.h"

#define BLK_CHAIN		8

/* one lockdep class per place in the chain: lockdep sees a fixed order */
static struct lock_class_key blk_chain_keys[BLK_CHAIN];
static const char *const blk_chain_names[BLK_CHAIN] = {
	"blk_chain0", "blk_chain1", "blk_chain2", "blk_chain3",
	"blk_chain4", "blk_chain5", "blk_chain6", "blk_chain7",
};

static void blk_chain_init(const struct blk_lock_ops *ops, struct blk_lock *l)
{
	int i;

	for (i = 0; i < BLK_CHAIN; i++) {
		ops->init(&l[i]);
		ops->set_class(&l[i], &blk_chain_keys[i], blk_chain_names[i]);
	}
}

/* Does the kind keep state is_locked() can see? (blk_need_state()) */
static bool blk_has_state(const struct blk_lock_ops *ops)
{
	return !ops->floor && !(ops->kernel && !IS_ENABLED(CONFIG_SMP) &&
				!IS_ENABLED(CONFIG_DEBUG_SPINLOCK));
}

/*
 * Lock @l[0..depth) in order; release them newest first or oldest first.
 * After each release, the lock released is free (a trylock takes it at
 * once) and the others are still held.
 */
static void blk_nest(struct kunit *test, const struct blk_lock_ops *ops,
		     struct blk_lock *l, int depth, bool oldest_first)
{
	bool state = blk_has_state(ops);
	int i, j, k;

	for (i = 0; i < depth; i++)
		ops->lock(&l[i]);
	for (j = 0; j < depth; j++) {
		i = oldest_first ? j : depth - 1 - j;
		ops->unlock(&l[i]);
		if (!state)
			continue;
		KUNIT_EXPECT_FALSE_MSG(test, ops->is_locked(&l[i]),
				       "%s: %d deep, lock %d released %s, still held",
				       ops->name, depth, i,
				       oldest_first ? "oldest first" : "newest first");
		if (ops->trylock(&l[i]))
			ops->unlock(&l[i]);
		else
			KUNIT_FAIL(test, "%s: %d deep, lock %d released, trylock fails",
				   ops->name, depth, i);
		for (k = j + 1; k < depth; k++)
			KUNIT_EXPECT_TRUE_MSG(test,
					      ops->is_locked(&l[oldest_first ? k : depth - 1 - k]),
					      "%s: %d deep, lock %d released, another freed too",
					      ops->name, depth, i);
	}
}

/*
 * One CPU: 5 and 8 locks held at once (more than the four contexts of a
 * CPU that MCS, CLH and Hemlock once kept nodes for), released newest
 * first and oldest first; then hand-over-hand down the chain, by lock and
 * by trylock.
 */
static void blk_test_nesting_one_cpu(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_lock *l = kunit_kcalloc(test, BLK_CHAIN, sizeof(*l), GFP_KERNEL);
	bool state = blk_has_state(ops);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, l);
	blk_chain_init(ops, l);
	blk_nest(test, ops, l, 5, false);
	blk_nest(test, ops, l, 5, true);
	blk_nest(test, ops, l, 8, false);
	blk_nest(test, ops, l, 8, true);

	ops->lock(&l[0]);
	for (i = 1; i < BLK_CHAIN; i++) {
		if (i % 2)
			ops->lock(&l[i]);
		else
			KUNIT_ASSERT_TRUE_MSG(test, ops->trylock(&l[i]),
					      "%s: hand-over-hand, trylock of free lock %d fails",
					      ops->name, i);
		ops->unlock(&l[i - 1]);
		if (state) {
			KUNIT_EXPECT_FALSE_MSG(test, ops->is_locked(&l[i - 1]),
					       "%s: hand-over-hand, lock %d released, still held",
					       ops->name, i - 1);
			KUNIT_EXPECT_TRUE_MSG(test, ops->is_locked(&l[i]),
					      "%s: hand-over-hand, lock %d not held",
					      ops->name, i);
		}
	}
	ops->unlock(&l[BLK_CHAIN - 1]);
	for (i = 0; state && i < BLK_CHAIN; i++)
		KUNIT_EXPECT_FALSE(test, ops->is_locked(&l[i]));
}

/*
 * Every CPU at once (one, on a uniprocessor kernel, which still checks
 * the releases' order) on the same chain: hand-over-hand down it, then pairs
 * of neighbours released in the order taken. Inside each lock, the CPU
 * writes its number to the lock's owner word and increments its counter;
 * before releasing the lock it reads the owner back (another CPU's number
 * there is an overlap). Everyone takes the locks in chain order, so
 * nothing deadlocks, and each lock's counter must end at the sum of its
 * critical sections.
 */
#define BLK_CHAIN_ROUNDS	2000
#define BLK_CHAIN_TIMEOUT_MS	120000

struct blk_chain_run {
	const struct blk_lock_ops *ops;
	struct blk_lock lock[BLK_CHAIN];
	u64 counter[BLK_CHAIN];
	int owner[BLK_CHAIN];
	atomic_t ready, left;
	bool abort;
	atomic64_t overlaps, sections;
	struct completion done;
};

static void blk_chain_enter(struct blk_chain_run *r, int i, int me)
{
	WRITE_ONCE(r->owner[i], me);
	r->counter[i]++;
}

static void blk_chain_leave(struct blk_chain_run *r, int i, int me)
{
	if (READ_ONCE(r->owner[i]) != me)
		atomic64_inc(&r->overlaps);
	r->ops->unlock(&r->lock[i]);
}

static int blk_chain_worker(void *arg)
{
	struct blk_chain_run *r = arg;
	const struct blk_lock_ops *ops = r->ops;
	int me = raw_smp_processor_id() + 1, n, i;
	u64 sections = 0;

	atomic_dec(&r->ready);
	while (atomic_read(&r->ready) > 0 && !READ_ONCE(r->abort))
		cond_resched();
	for (n = 0; n < BLK_CHAIN_ROUNDS && !READ_ONCE(r->abort); n++) {
		ops->lock(&r->lock[0]);
		blk_chain_enter(r, 0, me);
		for (i = 1; i < BLK_CHAIN; i++) {
			ops->lock(&r->lock[i]);
			blk_chain_enter(r, i, me);
			blk_chain_leave(r, i - 1, me);
		}
		blk_chain_leave(r, BLK_CHAIN - 1, me);
		for (i = 0; i + 1 < BLK_CHAIN; i += 2) {
			ops->lock(&r->lock[i]);
			blk_chain_enter(r, i, me);
			ops->lock(&r->lock[i + 1]);
			blk_chain_enter(r, i + 1, me);
			blk_chain_leave(r, i, me);
			blk_chain_leave(r, i + 1, me);
		}
		sections += 2 * BLK_CHAIN;
		cond_resched();
	}
	atomic64_add(sections, &r->sections);
	if (atomic_dec_and_test(&r->left))
		complete(&r->done);
	return 0;
}

static void blk_test_nesting_smp(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_chain_run *r;
	struct task_struct *t;
	u64 sum = 0;
	int cpu, i;

	/* not kunit_kzalloc(): workers that never finish must not see it freed */
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->ops = ops;
	blk_chain_init(ops, r->lock);
	init_completion(&r->done);
	atomic_set(&r->ready, num_online_cpus());
	atomic_set(&r->left, num_online_cpus());
	for_each_online_cpu(cpu) {
		t = kthread_create_on_cpu(blk_chain_worker, r, cpu, "blk-chain/%u");
		if (IS_ERR(t)) {
			/* the ones started leave at once */
			WRITE_ONCE(r->abort, true);
			KUNIT_FAIL(test, "cannot create a worker on CPU %d", cpu);
			return;
		}
		wake_up_process(t);
	}
	if (!wait_for_completion_timeout(&r->done,
					 msecs_to_jiffies(BLK_CHAIN_TIMEOUT_MS))) {
		/* their memory is left to them */
		WRITE_ONCE(r->abort, true);
		KUNIT_FAIL(test, "%s: the workers had not finished after %u s",
			   ops->name, BLK_CHAIN_TIMEOUT_MS / 1000);
		return;
	}
	for (i = 0; i < BLK_CHAIN; i++)
		sum += r->counter[i];
	KUNIT_EXPECT_EQ_MSG(test, atomic64_read(&r->overlaps), 0LL,
			    "%s: another CPU's number inside a held lock", ops->name);
	KUNIT_EXPECT_EQ_MSG(test, sum, (u64)atomic64_read(&r->sections),
			    "%s: updates lost under the chain's locks", ops->name);
	for (i = 0; i < BLK_CHAIN; i++)
		KUNIT_EXPECT_FALSE(test, ops->is_locked(&r->lock[i]));
	kunit_info(test, "%s: %lld critical sections on %u CPUs, %lld overlaps",
		   ops->name, atomic64_read(&r->sections), num_online_cpus(),
		   atomic64_read(&r->overlaps));
	kfree(r);
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
