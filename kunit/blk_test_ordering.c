// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ordering and exclusion under real concurrency (blacklock_smp).
 */
#include "blk_test.h"

/* ---- blacklock_smp -------------------------------------------------------- */

/*
 * Message passing. The writer fills a four-word payload with its round
 * number inside the critical section; the reader, inside its own, must
 * find the four words equal (no half-written payload) and never older than
 * what it saw before (each acquire sees every release before it). A lock
 * without exclusion, or one whose release could let the payload stores
 * slip past it (a missing "memory" clobber, a relaxed unlock on a weakly
 * ordered CPU), shows up as a mismatch. Both run the kind's lock inlined
 * (blk_mp_write_KIND(), blk_mp_read_KIND()), not through the ops table.
 */
#define BLK_MP_ROUNDS	200000

/* how long the pair may take, and then how long an abort may */
#define BLK_MP_TIMEOUT_MS	120000
#define BLK_MP_ABORT_MS		10000

struct blk_mp {
	const struct blk_lock_ops *ops;
	struct blk_lock lock;
	u64 payload[4];
	atomic_t ready;
	bool writer_done;
	bool abort;		/* the test gave up waiting: both leave */
	u64 mismatches;
	u64 seen;		/* distinct rounds the reader observed */
	struct completion done[2];
};

static void blk_mp_barrier(struct blk_mp *mp)
{
	atomic_inc(&mp->ready);
	while (atomic_read(&mp->ready) < 2 && !READ_ONCE(mp->abort))
		cond_resched();
}

/*
 * The writer's and the reader's loops, each written once with the kind a
 * constant and instantiated per kind below, as blk_loop.c does the
 * engine's: the lock and unlock inline beside the payload's plain
 * accesses, where the compiler is free to move those across any part of
 * the lock that does not forbid it (an indirect call would forbid it all,
 * and hide a missing "memory" clobber).
 */
static __always_inline void blk_mp_write(enum blk_kind k, struct blk_mp *mp)
{
	u64 i;

	/*
	 * At least BLK_MP_ROUNDS, and on until the reader has seen two
	 * rounds: an unfair lock (tas) can otherwise let the writer finish
	 * before the reader ever gets in, and prove nothing.
	 */
	for (i = 1;
	     (i <= BLK_MP_ROUNDS ||
	      (READ_ONCE(mp->seen) < 2 && i <= 100 * BLK_MP_ROUNDS)) &&
	     !READ_ONCE(mp->abort);
	     i++) {
		blk_kind_lock(k, &mp->lock);
		mp->payload[0] = i;
		mp->payload[1] = i;
		mp->payload[2] = i;
		mp->payload[3] = i;
		blk_kind_unlock(k, &mp->lock);
		if (!(i % 256))
			cond_resched();
	}
}

static __always_inline void blk_mp_read(enum blk_kind k, struct blk_mp *mp)
{
	u64 last = 0, p[4], n = 0;

	while (!READ_ONCE(mp->writer_done) && !READ_ONCE(mp->abort)) {
		blk_kind_lock(k, &mp->lock);
		p[0] = mp->payload[0];
		p[1] = mp->payload[1];
		p[2] = mp->payload[2];
		p[3] = mp->payload[3];
		blk_kind_unlock(k, &mp->lock);
		if (p[0] != p[1] || p[1] != p[2] || p[2] != p[3] || p[0] < last)
			mp->mismatches++;
		if (p[0] != last)
			WRITE_ONCE(mp->seen, mp->seen + 1);
		last = p[0];
		if (!(++n % 256))
			cond_resched();
	}
}

#define BLK_KIND(id, ...)	\
static noinline void blk_mp_write_##id(struct blk_mp *mp)		\
{									\
	blk_mp_write(BLK_KIND_##id, mp);				\
}									\
static noinline void blk_mp_read_##id(struct blk_mp *mp)		\
{									\
	blk_mp_read(BLK_KIND_##id, mp);					\
}

#include "blk_kinds_list.h"
#undef BLK_KIND

static void (*const blk_mp_writes[])(struct blk_mp *mp) = {
#define BLK_KIND(id, ...)	\
	[BLK_KIND_##id] = blk_mp_write_##id,
#include "blk_kinds_list.h"
#undef BLK_KIND
};

static void (*const blk_mp_reads[])(struct blk_mp *mp) = {
#define BLK_KIND(id, ...)	\
	[BLK_KIND_##id] = blk_mp_read_##id,
#include "blk_kinds_list.h"
#undef BLK_KIND
};

static int blk_mp_writer(void *arg)
{
	struct blk_mp *mp = arg;

	blk_mp_barrier(mp);
	blk_mp_writes[mp->ops->kind](mp);
	WRITE_ONCE(mp->writer_done, true);
	/* never returns into module text after the test thread moves on */
	kthread_complete_and_exit(&mp->done[0], 0);
}

static int blk_mp_reader(void *arg)
{
	struct blk_mp *mp = arg;

	blk_mp_barrier(mp);
	blk_mp_reads[mp->ops->kind](mp);
	kthread_complete_and_exit(&mp->done[1], 0);
}

/* Both threads done within @ms (in all, not each)? */
static bool blk_mp_wait(struct blk_mp *mp, unsigned int ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(ms);
	int i;

	for (i = 0; i < 2; i++) {
		long left = (long)(end - jiffies);

		if (!wait_for_completion_timeout(&mp->done[i], max(left, 1L)))
			return false;
	}
	return true;
}

static void blk_test_message_passing(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct task_struct *t[2];
	struct blk_mp *mp;
	int cpu0, cpu1;

	blk_need_smp(test);
	/* not kunit_kzalloc(): threads that never finish must not see it freed */
	mp = kzalloc(sizeof(*mp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mp);
	mp->ops = ops;
	if (ops->init(&mp->lock)) {
		kfree(mp);
		KUNIT_FAIL(test, "%s: no lock to initialise", ops->name);
		return;
	}
	init_completion(&mp->done[0]);
	init_completion(&mp->done[1]);
	cpu0 = cpumask_first(cpu_online_mask);
	cpu1 = cpumask_next(cpu0, cpu_online_mask);

	t[0] = kthread_create_on_cpu(blk_mp_writer, mp, cpu0, "blk-mp-w/%u");
	if (IS_ERR(t[0])) {
		kfree(mp);
		KUNIT_FAIL(test, "cannot create the writer");
		return;
	}
	t[1] = kthread_create_on_cpu(blk_mp_reader, mp, cpu1, "blk-mp-r/%u");
	if (IS_ERR(t[1])) {
		kthread_stop(t[0]);
		kfree(mp);
		KUNIT_FAIL(test, "cannot create the reader");
		return;
	}
	wake_up_process(t[0]);
	wake_up_process(t[1]);
	if (!blk_mp_wait(mp, BLK_MP_TIMEOUT_MS)) {
		/* a lock that stalls: ask both to leave, then give up on them */
		WRITE_ONCE(mp->abort, true);
		if (!blk_mp_wait(mp, BLK_MP_ABORT_MS)) {
			/* their memory is left to them */
			KUNIT_FAIL(test, "%s: the pair still stuck %u s after the abort",
				   ops->name, BLK_MP_ABORT_MS / 1000);
			return;
		}
		KUNIT_FAIL(test, "%s: the pair had not finished after %u s (aborted)",
			   ops->name, BLK_MP_TIMEOUT_MS / 1000);
	}

	KUNIT_EXPECT_EQ_MSG(test, mp->mismatches, 0ULL,
			    "%s: reader saw torn or stale payloads", ops->name);
	KUNIT_EXPECT_GT_MSG(test, mp->seen, 1ULL,
			    "the reader never saw the writer: no concurrency");
	kunit_info(test, "%s: reader observed %llu distinct rounds of %u",
		   ops->name, mp->seen, BLK_MP_ROUNDS);
	if (!ops->is_locked(&mp->lock))
		ops->fini(&mp->lock);
	kfree(mp);
}

/*
 * The matrix of the newest record: the sum of its entries, and of its
 * diagonal (a worker cannot hand the lock to itself).
 */
struct blk_matrix_sum {
	u64 all;
	u64 diagonal;
	bool have;
};

static int blk_sum_matrix(const struct blk_result *r, void *arg)
{
	struct blk_matrix_sum *sum = arg;
	unsigned int i, j;

	sum->have = blk_result_from(r, 0);
	for (i = 0; sum->have && i < r->nr_cpus; i++)
		for (j = 0; j < r->nr_cpus; j++) {
			sum->all += blk_result_from(r, i)[j];
			if (i == j)
				sum->diagonal += blk_result_from(r, i)[j];
		}
	return 0;
}

/*
 * What any run's order and traffic figures must satisfy: the handoff
 * matrix adds up to the handoffs and has an empty diagonal; no streak is
 * longer than the run; a counted lock issued at least one RMW per
 * acquisition, and the record's rmw (worked out from the kind's list entry
 * and the contended paths' counters) is what blk_rmw_note() counted at the
 * instructions themselves, @counted.
 */
static void blk_expect_order(struct kunit *test, const struct blk_lock_ops *ops,
			     const struct blk_result *res, u64 counted)
{
	struct blk_matrix_sum sum = {};
	const u64 acq = res->acquisitions;

	blk_results_walk(blk_sum_matrix, &sum, true);
	/* the matrix is kept up to BLK_MATRIX_MAX CPUs, and only then */
	KUNIT_EXPECT_EQ(test, sum.have, res->nr_cpus <= BLK_MATRIX_MAX);
	if (sum.have) {
		KUNIT_EXPECT_EQ(test, sum.all, res->handoffs);
		KUNIT_EXPECT_EQ(test, sum.diagonal, 0ULL);
	}
	KUNIT_EXPECT_LE(test, res->handoffs, acq);
	KUNIT_EXPECT_LE(test, res->longest_streak, acq);
	KUNIT_EXPECT_GT(test, res->longest_streak, 0ULL);
	if (!ops->counted)
		return;
	KUNIT_EXPECT_LE(test, res->direct_handoffs, acq);
	/* a queued acquisition (qspin, cna) is a contended one */
	KUNIT_EXPECT_LE(test, res->queued, res->contended);
	if (counted != BLK_NOT_COUNTED)
		KUNIT_EXPECT_EQ_MSG(test, res->rmw, counted,
				    "%s: the record says %llu RMWs, the lock issued %llu",
				    ops->name, res->rmw, counted);
	KUNIT_EXPECT_GE_MSG(test, res->rmw, acq, "%s: fewer RMWs than acquisitions",
			    ops->name);
}

/*
 * Mutual exclusion: the engine's workers, one per CPU, increment a plain
 * counter under the lock; the counter must equal the sum of their
 * acquisitions and no critical section may see another owner.
 */
static void blk_test_exclusion(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_result *res;

	blk_need_smp(test);
	res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	blk_rmw_count_reset();
	blk_engine_run(test, ops, "0", "300", res);
	KUNIT_EXPECT_EQ(test, res->nr_cpus, num_online_cpus());
	KUNIT_EXPECT_GT(test, res->acquisitions, 0ULL);
	KUNIT_EXPECT_EQ(test, res->counter, res->acquisitions);
	KUNIT_EXPECT_EQ_MSG(test, res->violations, 0ULL,
			    "%s let CPUs in together: %llu overlaps, %llu lost updates",
			    ops->name, res->overlaps, res->lost_updates);
	blk_expect_order(test, ops, res, blk_rmw_count_sum());
	kunit_info(test, "%s: %llu acquisitions on %u CPUs, %llu handoffs, longest streak %llu, %llu RMWs",
		   ops->name, res->acquisitions, res->nr_cpus, res->handoffs,
		   res->longest_streak, res->rmw);
}

/*
 * The negative control: the same run on busted must be caught, by each of
 * the two detectors on its own (overlaps: the owner field or the word seen
 * changed; lost updates: the counter), so that a blind one fails here even
 * while the other still sees. Up to five runs of 1 s, since a race can take
 * a while to land on an emulated CPU.
 */
static void blk_test_busted_caught(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_lock_find("busted");
	struct blk_result *res;
	int tries;

	blk_need_smp(test);
	KUNIT_ASSERT_NOT_NULL(test, ops);
	res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	for (tries = 1; tries <= 5; tries++) {
		blk_engine_run(test, ops, "0", "1000", res);
		if (res->overlaps && res->lost_updates)
			break;
	}
	KUNIT_EXPECT_GT_MSG(test, res->overlaps, 0ULL,
			    "busted ran %llu acquisitions on %u CPUs and no overlap was seen: the owner check is blind",
			    res->acquisitions, res->nr_cpus);
	KUNIT_EXPECT_GT_MSG(test, res->lost_updates, 0ULL,
			    "busted ran %llu acquisitions on %u CPUs and lost no update: the counter check is blind",
			    res->acquisitions, res->nr_cpus);
	KUNIT_EXPECT_GT_MSG(test, res->first_overlap_at, 0ULL,
			    "overlaps were counted but the first was not placed");
	KUNIT_EXPECT_LE(test, res->first_overlap_at, res->counter + 1);
	kunit_info(test, "busted: %llu overlaps, %llu lost updates in run %d, the first overlap at acquisition %llu",
		   res->overlaps, res->lost_updates, min(tries, 5),
		   res->first_overlap_at);
}

/*
 * check=count, the lean check: a real lock still loses no update, and
 * nothing says who had the lock before (no handoffs, no streaks, no
 * overlaps); busted still loses updates, so the one check left is not
 * blind. Up to five runs of busted, as blk_test_busted_caught().
 */
static void blk_test_check_count(struct kunit *test)
{
	const struct blk_lock_ops *ttas = blk_lock_find("ttas");
	const struct blk_lock_ops *busted = blk_lock_find("busted");
	struct blk_result *res;
	int tries;

	blk_need_smp(test);
	res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	blk_knobs_for(test, ttas, "0", "300", "sample");
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_check, "count"), 0);
	blk_engine_start(test, ttas, res);
	KUNIT_EXPECT_EQ(test, res->cfg.check, (u32)BLK_CHECK_COUNT);
	KUNIT_EXPECT_GT(test, res->acquisitions, 0ULL);
	KUNIT_EXPECT_EQ(test, res->counter, res->acquisitions);
	KUNIT_EXPECT_EQ(test, res->violations, 0ULL);
	KUNIT_EXPECT_EQ(test, res->handoffs, 0ULL);
	KUNIT_EXPECT_EQ(test, res->longest_streak, 0ULL);
	KUNIT_EXPECT_GT_MSG(test, res->acquire.count, 0ULL,
			    "check=count still times its samples");
	for (tries = 1; tries <= 5; tries++) {
		blk_knobs_for(test, busted, "0", "1000", "sample");
		KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_check, "count"), 0);
		blk_engine_start(test, busted, res);
		if (res->lost_updates)
			break;
	}
	KUNIT_EXPECT_GT_MSG(test, res->lost_updates, 0ULL,
			    "busted with check=count: %llu acquisitions on %u CPUs and no update lost",
			    res->acquisitions, res->nr_cpus);
	KUNIT_EXPECT_EQ(test, res->overlaps, 0ULL);
	kunit_info(test, "busted with check=count: %llu lost updates in run %d",
		   res->lost_updates, min(tries, 5));
}

/* One CPU, every kind: the engine counts exactly, whatever the lock. */
static void blk_test_engine_one_cpu(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_result *res;

	res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	blk_rmw_count_reset();
	blk_engine_run_with(test, ops, "1", "50", "every", res);
	KUNIT_EXPECT_EQ(test, res->nr_cpus, 1U);
	KUNIT_EXPECT_GT(test, res->acquisitions, 0ULL);
	KUNIT_EXPECT_EQ(test, res->violations, 0ULL);
	KUNIT_EXPECT_EQ(test, res->contended, 0ULL);
	KUNIT_EXPECT_EQ(test, res->acquire.count, res->acquisitions);
	KUNIT_EXPECT_EQ(test, res->hold.count, res->acquisitions);
	KUNIT_EXPECT_EQ(test, res->jain_micro, 1000000ULL);
	KUNIT_EXPECT_FALSE(test, res->aborted);
	KUNIT_EXPECT_FALSE(test, res->stopped);
	/* alone: no handoff, one streak, nobody overtaken, nothing to catch */
	KUNIT_EXPECT_EQ(test, res->handoffs, 0ULL);
	KUNIT_EXPECT_EQ(test, res->longest_streak, res->acquisitions);
	KUNIT_EXPECT_EQ(test, res->overtakes, 0ULL);
	KUNIT_EXPECT_EQ(test, res->handoff.count, 0ULL);
	KUNIT_EXPECT_EQ(test, res->first_overlap_at, 0ULL);
	/*
	 * uncontended: exactly the kind's inline RMWs, as the record says and
	 * as the lock issued them (blk_rmw_note())
	 */
	if (ops->counted) {
		KUNIT_EXPECT_EQ_MSG(test, res->rmw, ops->rmw * res->acquisitions,
				    "%s: %llu RMWs for %llu uncontended acquisitions",
				    ops->name, res->rmw, res->acquisitions);
		if (blk_rmw_count_sum() != BLK_NOT_COUNTED)
			KUNIT_EXPECT_EQ_MSG(test, blk_rmw_count_sum(), res->rmw,
					    "%s: the lock issued %llu RMWs, the record says %llu",
					    ops->name, blk_rmw_count_sum(), res->rmw);
	}
}

/*
 * irq_hz: the lock taken from hardirq context on every worker's CPU while
 * the workers take it with interrupts off. Still exclusive, every
 * interrupt's acquisition counted and timed. On PREEMPT_RT, spinlock_t
 * sleeps and cannot be taken there: start must refuse it.
 */
static void blk_test_irq(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_result *res;
	u64 before = blk_runs_done();

	blk_need_smp(test);
	res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	if (ops->rt_sleeps && IS_ENABLED(CONFIG_PREEMPT_RT)) {
		blk_knobs_for(test, ops, "0", "200", "sample");
		KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "2000"), 0);
		KUNIT_EXPECT_EQ(test, blk_control("start"), -EINVAL);
		KUNIT_EXPECT_EQ(test, blk_runs_done(), before);
		return;
	}
	blk_knobs_for(test, ops, "0", "200", "sample");
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "2000"), 0);
	/* on every CPU, with no CPU left for the watchdog (blk_watchdog.c) */
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_watchdog_ms, "0"), 0);
	blk_engine_start(test, ops, res);
	KUNIT_EXPECT_EQ(test, res->cfg.irq_hz, 2000U);
	KUNIT_EXPECT_GT(test, res->acquisitions, 0ULL);
	KUNIT_EXPECT_GT_MSG(test, res->irq_acquisitions, 0ULL,
			    "no interrupt took the lock");
	KUNIT_EXPECT_EQ(test, res->irq_latency.count, res->irq_acquisitions);
	KUNIT_EXPECT_EQ(test, res->irq_wait.count, res->irq_acquisitions);
	KUNIT_EXPECT_EQ(test, res->counter,
			res->acquisitions + res->irq_acquisitions);
	KUNIT_EXPECT_EQ_MSG(test, res->violations, 0ULL,
			    "%s with interrupts: %llu overlaps, %llu lost updates",
			    ops->name, res->overlaps, res->lost_updates);
	kunit_info(test, "%s: %llu acquisitions, %llu by interrupts, latency max %llu cycles, lock wait max %llu",
		   ops->name, res->acquisitions, res->irq_acquisitions,
		   res->irq_latency.max, res->irq_wait.max);
}

static struct kunit_case blk_smp_cases[] = {
	KUNIT_CASE_PARAM(blk_test_message_passing, blk_real_kinds),
	KUNIT_CASE_PARAM(blk_test_exclusion, blk_real_kinds),
	KUNIT_CASE(blk_test_busted_caught),
	KUNIT_CASE(blk_test_check_count),
	KUNIT_CASE_PARAM(blk_test_engine_one_cpu, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_irq, blk_real_kinds),
	{}
};

static struct kunit_suite blk_smp_suite = {
	.name = "blacklock_smp",
	.init = blk_knobs_save,
	.exit = blk_knobs_restore,
	.test_cases = blk_smp_cases,
};

kunit_test_suites(&blk_smp_suite);
