// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for blacklock.
 *
 *   blacklock_lock     semantics of every lock kind, through the same ops
 *                      table the engine uses (parameterized)
 *   blacklock_cas      the two CAS back-ends agree, input by input
 *   blacklock_smp      message passing and mutual exclusion under real
 *                      concurrency, and the negative control; skipped, with
 *                      the reason, on a uniprocessor kernel (UML)
 *   blacklock_engine   the timing modes, the reference loop, the harness
 *                      floor and the cost measurement, on one CPU
 *   blacklock_stats    histogram edges, merging, percentiles, Jain's index,
 *                      and a record as stats and stats.json print it
 *   blacklock_parse    the knob parsers behind debugfs and the parameters
 *
 * Workers never assert: they count, and the test thread checks the counts.
 * Run with tools/kunit.sh (see kunit/.kunitconfig).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "../blacklock.h"

/* ---- parameters: the lock menu ---------------------------------------- */

static const void *blk_menu_next(const void *prev, char *desc, bool real_only)
{
	const struct blk_lock_ops *const *p = prev;

	for (p = p ? p + 1 : blk_lock_menu;
	     p < blk_lock_menu + blk_lock_menu_len; p++) {
		if (real_only && ((*p)->broken || (*p)->floor))
			continue;
		strscpy(desc, (*p)->name, KUNIT_PARAM_DESC_SIZE);
		return p;
	}
	return NULL;
}

/* Every kind on the menu, busted included. */
static const void *blk_all_kinds(const void *prev, char *desc)
{
	return blk_menu_next(prev, desc, false);
}

/* Every kind that claims to be a lock (not busted, not empty). */
static const void *blk_real_kinds(const void *prev, char *desc)
{
	return blk_menu_next(prev, desc, true);
}

static const struct blk_lock_ops *blk_param(struct kunit *test)
{
	return *(const struct blk_lock_ops *const *)test->param_value;
}

/* Skip what a stateless lock (empty, a uniprocessor kernel's) cannot show. */
static void blk_need_state(struct kunit *test, const struct blk_lock_ops *ops)
{
	if (ops->floor)
		kunit_skip(test, "%s keeps no state: it is the harness floor",
			   ops->name);
	if (ops->kernel && !IS_ENABLED(CONFIG_SMP) &&
	    !IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		kunit_skip(test, "a UP %s only disables preemption: no state",
			   ops->name);
}

static struct blk_lock *blk_new_lock(struct kunit *test,
				     const struct blk_lock_ops *ops)
{
	struct blk_lock *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, l);
	ops->init(l);
	return l;
}

/*
 * The engine's knobs are the module's, shared with debugfs: the suites that
 * run the engine save them before each case and put them back after it
 * (Documentation/dev-tools/kunit/style.rst: .init and .exit).
 */
static struct blk_config blk_saved_cfg;

static int blk_knobs_save(struct kunit *test)
{
	mutex_lock(&blk_mutex);
	blk_config_get(&blk_saved_cfg);
	mutex_unlock(&blk_mutex);
	return 0;
}

static void blk_knobs_restore(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, blk_config_set(&blk_saved_cfg), 0,
			    "a run was still going after the case");
}

/* ---- blacklock_lock ------------------------------------------------------- */

static void blk_test_lock_unlock(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_lock *l = blk_new_lock(test, ops);

	blk_need_state(test, ops);

	KUNIT_EXPECT_FALSE(test, ops->is_locked(l));
	ops->lock(l);
	KUNIT_EXPECT_TRUE(test, ops->is_locked(l));
	ops->unlock(l);
	KUNIT_EXPECT_FALSE(test, ops->is_locked(l));
	ops->lock(l);
	ops->unlock(l);
	KUNIT_EXPECT_FALSE(test, ops->is_locked(l));
}

static void blk_test_trylock_free(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_lock *l = blk_new_lock(test, ops);

	blk_need_state(test, ops);

	KUNIT_ASSERT_TRUE(test, ops->trylock(l));
	KUNIT_EXPECT_TRUE(test, ops->is_locked(l));
	ops->unlock(l);
	KUNIT_EXPECT_FALSE(test, ops->is_locked(l));
}

static void blk_test_trylock_held(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_lock *l = blk_new_lock(test, ops);
	bool got;

	blk_need_state(test, ops);

	ops->lock(l);
	got = ops->trylock(l);
	if (got)		/* do not leave preemption off for the next test */
		ops->unlock(l);
	KUNIT_EXPECT_FALSE_MSG(test, got, "trylock took a held %s", ops->name);
	KUNIT_EXPECT_TRUE(test, ops->is_locked(l));
	ops->unlock(l);
	KUNIT_EXPECT_FALSE(test, ops->is_locked(l));
}

/* Can the current task move to another CPU now? */
static bool blk_test_migration_disabled(void)
{
#ifdef CONFIG_SMP
	if (current->migration_disabled)
		return true;
#endif
	return !preemptible();
}

/*
 * Held, every lock keeps its holder on its CPU: by disabling preemption
 * (one more in preempt_count), or on PREEMPT_RT, for spinlock_t, by
 * disabling migration.
 */
static void blk_test_preemption(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_lock *l = blk_new_lock(test, ops);
	int before, held, after, rise = 1;
	bool pinned;

	if (!IS_ENABLED(CONFIG_PREEMPT_COUNT))
		kunit_skip(test, "no CONFIG_PREEMPT_COUNT: preemption is not counted");
	if (ops->floor)
		kunit_skip(test, "%s does nothing, preemption included", ops->name);
	/*
	 * On PREEMPT_RT spinlock_t is an rtmutex: held, it leaves preemption
	 * on (the holder may sleep) and disables migration instead.
	 */
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && ops->rt_sleeps)
		rise = 0;
	before = preempt_count();
	ops->lock(l);
	held = preempt_count();
	pinned = blk_test_migration_disabled();
	ops->unlock(l);
	after = preempt_count();
	KUNIT_EXPECT_EQ_MSG(test, held, before + rise,
			    "%s: preempt_count %d held, %d before", ops->name,
			    held, before);
	KUNIT_EXPECT_TRUE_MSG(test, pinned,
			      "%s held, the task could migrate", ops->name);
	KUNIT_EXPECT_EQ(test, after, before);

	KUNIT_ASSERT_TRUE(test, ops->trylock(l));
	held = preempt_count();
	ops->unlock(l);
	KUNIT_EXPECT_EQ(test, held, before + rise);
	KUNIT_EXPECT_EQ(test, preempt_count(), before);
}

static void blk_test_reinit(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_lock *l = blk_new_lock(test, ops);

	blk_need_state(test, ops);

	ops->lock(l);
	ops->unlock(l);
	ops->init(l);
	KUNIT_EXPECT_FALSE(test, ops->is_locked(l));
	KUNIT_ASSERT_TRUE(test, ops->trylock(l));
	ops->unlock(l);
}

/*
 * A lock as the watchdog finds it, its owner stuck: the word held, with no
 * lockdep or preemption state behind it (a ticket drawn and not served).
 */
static void blk_hold_word(const struct blk_lock_ops *ops, struct blk_lock *l,
			  u32 tickets)
{
	if (ops->kind == BLK_KIND_ticket)
		WRITE_ONCE(l->ticket.val, tickets << BLK_TICKET_SHIFT);
	else
		WRITE_ONCE(l->ttas.val, 1);	/* the TTAS family's word */
}

/*
 * Every kind's rescue, or its refusal: the kernel's locks and MCS have none
 * (the watchdog says it cannot free them), nor has the floor, which holds
 * nothing to free; every other kind's frees a held
 * lock so that trylock then succeeds, leaves a free lock free (a ticket
 * lock served while free was stranded for 65536 serves), and a ticket lock
 * with a waiter queued is served one ticket: held by the waiter.
 */
static void blk_test_rescue(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_lock *l = blk_new_lock(test, ops);

	KUNIT_EXPECT_EQ_MSG(test, !ops->rescue,
			    ops->kernel || ops->floor || ops->kind == BLK_KIND_mcs,
			    "%s: a rescue where none can be, or none where one can",
			    ops->name);
	if (!ops->rescue)
		return;
	ops->rescue(l);
	KUNIT_EXPECT_FALSE_MSG(test, ops->is_locked(l), "%s: a free lock rescued is held",
			       ops->name);
	KUNIT_ASSERT_TRUE_MSG(test, ops->trylock(l), "%s: a free lock rescued cannot be taken",
			      ops->name);
	ops->unlock(l);
	blk_hold_word(ops, l, 1);
	KUNIT_EXPECT_TRUE(test, ops->is_locked(l));
	ops->rescue(l);
	KUNIT_EXPECT_FALSE(test, ops->is_locked(l));
	KUNIT_ASSERT_TRUE(test, ops->trylock(l));
	ops->unlock(l);
	if (ops->kind != BLK_KIND_ticket)
		return;
	ops->init(l);
	blk_hold_word(ops, l, 2);
	ops->rescue(l);
	KUNIT_EXPECT_TRUE_MSG(test, ops->is_locked(l), "the waiter's ticket is not served");
	ops->rescue(l);
	KUNIT_EXPECT_FALSE(test, ops->is_locked(l));
	KUNIT_ASSERT_TRUE(test, ops->trylock(l));
	ops->unlock(l);
}

static DEFINE_BLK_SPINLOCK(blk_static_lock);

static void blk_test_static_init(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, blk_spin_is_locked(&blk_static_lock));
	blk_spin_lock(&blk_static_lock);
	KUNIT_EXPECT_TRUE(test, blk_spin_is_locked(&blk_static_lock));
	KUNIT_EXPECT_FALSE(test, blk_spin_trylock_asm(&blk_static_lock));
	blk_spin_unlock(&blk_static_lock);
	KUNIT_EXPECT_FALSE(test, blk_spin_is_locked(&blk_static_lock));
	KUNIT_ASSERT_TRUE(test, blk_spin_trylock(&blk_static_lock));
	blk_spin_unlock(&blk_static_lock);
}

static void blk_test_menu(struct kunit *test)
{
	unsigned int i, broken = 0, floor = 0;

	KUNIT_EXPECT_EQ(test, blk_lock_menu_len, (unsigned int)BLK_NR_KINDS);
	for (i = 0; i < blk_lock_menu_len; i++) {
		const struct blk_lock_ops *ops = blk_lock_menu[i];

		KUNIT_EXPECT_PTR_EQ(test, blk_lock_find(ops->name), ops);
		KUNIT_EXPECT_EQ(test, (unsigned int)ops->kind, i);
		KUNIT_EXPECT_NOT_NULL(test, ops->hammer);
		KUNIT_EXPECT_NOT_NULL(test, ops->reference);
		KUNIT_EXPECT_NOT_NULL(test, ops->cost);
		broken += ops->broken;
		floor += ops->floor;
	}
	KUNIT_EXPECT_EQ_MSG(test, broken, 1U, "exactly one negative control");
	KUNIT_EXPECT_EQ_MSG(test, floor, 1U, "exactly one harness floor");
	KUNIT_EXPECT_TRUE(test, blk_lock_find("busted")->broken);
	KUNIT_EXPECT_TRUE(test, blk_lock_find("empty")->floor);
	KUNIT_EXPECT_NULL(test, blk_lock_find("nonesuch"));
}

static struct kunit_case blk_lock_cases[] = {
	KUNIT_CASE_PARAM(blk_test_lock_unlock, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_trylock_free, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_trylock_held, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_preemption, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_reinit, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_rescue, blk_all_kinds),
	KUNIT_CASE(blk_test_static_init),
	KUNIT_CASE(blk_test_menu),
	{}
};

static struct kunit_suite blk_lock_suite = {
	.name = "blacklock_lock",
	.test_cases = blk_lock_cases,
};

/* ---- blacklock_cas -------------------------------------------------------- */

static void blk_test_cas_agree(struct kunit *test)
{
	static const struct {
		u32 word, expected, new;
	} in[] = {
		{ 0, 0, 1 }, { 1, 0, 1 }, { 0, 1, 0 }, { 1, 1, 0 },
		{ 5, 5, 7 }, { 5, 4, 7 }, { U32_MAX, U32_MAX, 0 },
		{ 0xdeadbeef, 0, 1 }, { 0, 0xdeadbeef, 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(in); i++) {
		u32 wb = in[i].word, wa = in[i].word;
		u32 ob = in[i].expected, oa = in[i].expected;
		bool want = in[i].word == in[i].expected;
		bool sb = blk_cas_builtin(&wb, &ob, in[i].new);
		bool sa = blk_cas_asm(&wa, &oa, in[i].new);

		KUNIT_EXPECT_EQ_MSG(test, sb, want, "builtin, input %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sa, want, "asm, input %u", i);
		KUNIT_EXPECT_EQ_MSG(test, wb, want ? in[i].new : in[i].word,
				    "builtin word, input %u", i);
		KUNIT_EXPECT_EQ_MSG(test, wa, wb, "asm word, input %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ob, in[i].word,
				    "builtin observed, input %u", i);
		KUNIT_EXPECT_EQ_MSG(test, oa, ob, "asm observed, input %u", i);
	}
	/* tools/kunit.sh checks that each arm64 way ran the back-end it meant */
	kunit_info(test, "ttas_asm's CAS here: %s", blk_cas_asm_name());
}

static struct kunit_case blk_cas_cases[] = {
	KUNIT_CASE(blk_test_cas_agree),
	{}
};

static struct kunit_suite blk_cas_suite = {
	.name = "blacklock_cas",
	.test_cases = blk_cas_cases,
};

/* ---- blacklock_smp -------------------------------------------------------- */

/*
 * Wait for the run just started, bounded: no test waits forever. A run
 * still going 30 s past its duration_ms (its watchdog has long had its
 * chance) is stopped and fails the test, which then ends.
 */
static void blk_test_wait(struct kunit *test)
{
	struct blk_config cfg;

	mutex_lock(&blk_mutex);
	blk_config_get(&cfg);
	mutex_unlock(&blk_mutex);
	if (!blk_wait_idle(cfg.duration_ms + 30000))
		return;
	blk_control("stop");
	KUNIT_ASSERT_EQ_MSG(test, blk_wait_idle(10000), 0,
			    "a %u ms run outlived its time by 30 s and would not stop",
			    cfg.duration_ms);
	KUNIT_FAIL(test, "a %u ms run outlived its time by 30 s and was stopped",
		   cfg.duration_ms);
}

static void blk_need_smp(struct kunit *test)
{
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs; this kernel has %u (UML is uniprocessor)",
			   num_online_cpus());
}

/*
 * Message passing. The writer fills a four-word payload with its round
 * number inside the critical section; the reader, inside its own, must
 * find the four words equal (no half-written payload) and never older than
 * what it saw before (each acquire sees every release before it). A lock
 * without exclusion, or one whose release could let the payload stores
 * slip past it (a missing "memory" clobber, a relaxed unlock on a weakly
 * ordered CPU), shows up as a mismatch.
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

static int blk_mp_writer(void *arg)
{
	struct blk_mp *mp = arg;
	u64 i;

	blk_mp_barrier(mp);
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
		mp->ops->lock(&mp->lock);
		mp->payload[0] = i;
		mp->payload[1] = i;
		mp->payload[2] = i;
		mp->payload[3] = i;
		mp->ops->unlock(&mp->lock);
		if (!(i % 256))
			cond_resched();
	}
	WRITE_ONCE(mp->writer_done, true);
	/* never returns into module text after the test thread moves on */
	kthread_complete_and_exit(&mp->done[0], 0);
}

static int blk_mp_reader(void *arg)
{
	struct blk_mp *mp = arg;
	u64 last = 0, p[4], n = 0;

	blk_mp_barrier(mp);
	while (!READ_ONCE(mp->writer_done) && !READ_ONCE(mp->abort)) {
		mp->ops->lock(&mp->lock);
		p[0] = mp->payload[0];
		p[1] = mp->payload[1];
		p[2] = mp->payload[2];
		p[3] = mp->payload[3];
		mp->ops->unlock(&mp->lock);
		if (p[0] != p[1] || p[1] != p[2] || p[2] != p[3] || p[0] < last)
			mp->mismatches++;
		if (p[0] != last)
			WRITE_ONCE(mp->seen, mp->seen + 1);
		last = p[0];
		if (!(++n % 256))
			cond_resched();
	}
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
	ops->init(&mp->lock);
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
	kfree(mp);
}

/* The newest engine result, copied out from under the engine's mutex. */
static int blk_copy_newest(const struct blk_result *r, void *arg)
{
	struct blk_result *out = arg;

	memcpy(out, r, sizeof(*out));	/* the fixed part; no per-CPU lines */
	return 0;
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

/* Every knob set for a run of @ops, so no earlier case's settings leak in. */
static void blk_knobs_for(struct kunit *test, const struct blk_lock_ops *ops,
			  const char *ncpus, const char *ms, const char *timing)
{
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, ops->name), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cpus, "all"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_ncpus, ncpus), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_duration_ms, ms), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cs_ns, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_think_ns, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_timing, timing), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "16"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_loop, "engine"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_watchdog_ms, "5000"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_backoff_min, "16"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_backoff_max, "1024"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "0"), 0);
}

/* Start a run with the knobs as they are, wait for it, copy its record. */
static void blk_engine_start(struct kunit *test, const struct blk_lock_ops *ops,
			     struct blk_result *res)
{
	u64 before = blk_runs_done();

	KUNIT_ASSERT_EQ(test, blk_control("start"), 0);
	blk_test_wait(test);
	KUNIT_ASSERT_EQ(test, blk_runs_done(), before + 1);
	blk_results_walk(blk_copy_newest, res, true);
	KUNIT_ASSERT_PTR_EQ(test, res->cfg.lock, ops);
}

/* One engine run of @ops; the result in @res. */
static void blk_engine_run_with(struct kunit *test,
				const struct blk_lock_ops *ops,
				const char *ncpus, const char *ms,
				const char *timing, struct blk_result *res)
{
	blk_knobs_for(test, ops, ncpus, ms, timing);
	blk_engine_start(test, ops, res);
}

static void blk_engine_run(struct kunit *test, const struct blk_lock_ops *ops,
			   const char *ncpus, const char *ms,
			   struct blk_result *res)
{
	blk_engine_run_with(test, ops, ncpus, ms, "sample", res);
}

/*
 * What any run's order and traffic figures must satisfy: the handoff
 * matrix adds up to the handoffs and has an empty diagonal; no streak is
 * longer than the run; a counted lock issued at least its uncontended RMWs
 * less the handoffs that skip one, and at most those plus its CAS failures.
 */
static void blk_expect_order(struct kunit *test, const struct blk_lock_ops *ops,
			     const struct blk_result *res)
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
	KUNIT_EXPECT_EQ(test, res->rmw,
			ops->rmw * acq + res->cas_failures - res->direct_handoffs);
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
	blk_engine_run(test, ops, "0", "300", res);
	KUNIT_EXPECT_EQ(test, res->nr_cpus, num_online_cpus());
	KUNIT_EXPECT_GT(test, res->acquisitions, 0ULL);
	KUNIT_EXPECT_EQ(test, res->counter, res->acquisitions);
	KUNIT_EXPECT_EQ_MSG(test, res->violations, 0ULL,
			    "%s let CPUs in together: %llu overlaps, %llu lost updates",
			    ops->name, res->overlaps, res->lost_updates);
	blk_expect_order(test, ops, res);
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
	KUNIT_EXPECT_GT_MSG(test, res->first_overlap, 0ULL,
			    "overlaps were counted but the first was not placed");
	KUNIT_EXPECT_LE(test, res->first_overlap, res->counter + 1);
	kunit_info(test, "busted: %llu overlaps, %llu lost updates in run %d, the first overlap at acquisition %llu",
		   res->overlaps, res->lost_updates, min(tries, 5),
		   res->first_overlap);
}

/* One CPU, every kind: the engine counts exactly, whatever the lock. */
static void blk_test_engine_one_cpu(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_result *res;

	res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
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
	KUNIT_EXPECT_EQ(test, res->first_overlap, 0ULL);
	/* uncontended: exactly the kind's inline RMWs, none counted */
	if (ops->counted)
		KUNIT_EXPECT_EQ_MSG(test, res->rmw, ops->rmw * res->acquisitions,
				    "%s: %llu RMWs for %llu uncontended acquisitions",
				    ops->name, res->rmw, res->acquisitions);
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

/* ---- blacklock_engine ----------------------------------------------------- */

/* What each timing mode times: nothing, one in sample_every (16), all. */
static void blk_test_timing_modes(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_lock_find("ttas");
	struct blk_result *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, res);
	blk_engine_run_with(test, ops, "1", "30", "off", res);
	KUNIT_EXPECT_GT(test, res->acquisitions, 0ULL);
	KUNIT_EXPECT_EQ(test, res->acquire.count, 0ULL);
	KUNIT_EXPECT_EQ(test, res->hold.count, 0ULL);
	KUNIT_EXPECT_EQ(test, res->cfg.timing, (u32)BLK_TIMING_OFF);

	/* the countdown starts at sample_every: exactly one in 16 */
	blk_engine_run_with(test, ops, "1", "30", "sample", res);
	KUNIT_EXPECT_EQ(test, res->acquire.count, res->acquisitions / 16);
	KUNIT_EXPECT_EQ(test, res->hold.count, res->acquisitions / 16);

	blk_engine_run_with(test, ops, "1", "30", "every", res);
	KUNIT_EXPECT_EQ(test, res->acquire.count, res->acquisitions);
	KUNIT_EXPECT_EQ(test, res->violations, 0ULL);
}

/* The run ends by itself at its deadline, and says what it measured. */
static void blk_test_run_record(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_lock_find("ttas");
	struct blk_result *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, res);
	blk_engine_run(test, ops, "1", "50", res);
	KUNIT_EXPECT_GE(test, res->duration_ns, 50 * NSEC_PER_MSEC);
	KUNIT_EXPECT_FALSE(test, res->stopped);
	KUNIT_EXPECT_FALSE(test, res->aborted);
	KUNIT_EXPECT_GT_MSG(test, res->harness_cycles, 0ULL,
			    "the empty-lock floor was not measured");
	KUNIT_EXPECT_GT(test, res->iter_cycles, 0ULL);
	KUNIT_EXPECT_EQ(test, res->cs_loops, 0ULL);
}

/* The reference loop: exact counting, no checks, and only at cs 0 think 0. */
static void blk_test_reference(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_lock_find("ttas");
	struct blk_result *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	u64 before = blk_runs_done();

	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, "ttas"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_ncpus, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_duration_ms, "50"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_loop, "reference"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_timing, "off"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cs_ns, "100"), 0);
	KUNIT_EXPECT_EQ_MSG(test, blk_control("start"), -EINVAL,
			    "the reference loop does no critical-section work");
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cs_ns, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_think_ns, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_control("start"), 0);
	blk_test_wait(test);
	KUNIT_ASSERT_EQ(test, blk_runs_done(), before + 1);
	blk_results_walk(blk_copy_newest, res, true);
	KUNIT_EXPECT_PTR_EQ(test, res->cfg.lock, ops);
	KUNIT_EXPECT_EQ(test, res->cfg.loop, (u32)BLK_LOOP_REFERENCE);
	KUNIT_EXPECT_GT(test, res->acquisitions, 0ULL);
	KUNIT_EXPECT_EQ(test, res->counter, res->acquisitions);
	KUNIT_EXPECT_EQ(test, res->violations, 0ULL);
	KUNIT_EXPECT_EQ(test, res->acquire.count, 0ULL);
}

/* "cost": one figure per kind, the floor subtracted, the floor itself 0. */
static void blk_test_cost(struct kunit *test)
{
	struct blk_cost *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	unsigned int i;
	bool have;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cpus, "all"), 0);
	KUNIT_ASSERT_EQ(test, blk_control("cost"), 0);
	mutex_lock(&blk_mutex);
	have = blk_cost_get(c);
	mutex_unlock(&blk_mutex);
	KUNIT_ASSERT_TRUE(test, have);
	KUNIT_EXPECT_EQ(test, c->nr, blk_lock_menu_len);
	KUNIT_EXPECT_GT(test, c->pairs, 0U);
	KUNIT_EXPECT_EQ(test, c->batches % 2, 1U);	/* a true median */
	for (i = 0; i < c->nr; i++) {
		KUNIT_EXPECT_PTR_EQ(test, c->kind[i].ops, blk_lock_menu[i]);
		if (c->kind[i].ops->floor)
			KUNIT_EXPECT_EQ(test, c->kind[i].median, 0ULL);
	}
	KUNIT_EXPECT_EQ(test, blk_control("reset"), 0);
	mutex_lock(&blk_mutex);
	have = blk_cost_get(c);
	mutex_unlock(&blk_mutex);
	KUNIT_EXPECT_FALSE_MSG(test, have, "reset must forget the cost record");
}

/*
 * leaky: a lock kind that exists only here, for the watchdog. Its unlock
 * tells lockdep and the preemption count that the lock is free but leaves
 * the word held, so the next acquisition spins forever, preemption off.
 */
static void blk_leaky_unlock(struct blk_lock *l)
	__releases(l)
{
	__release(l);
	spin_release(&l->ttas.dep_map, _RET_IP_);
	preempt_enable();
}

static void blk_leaky_lock(struct blk_lock *l)
	__acquires(l)
{
	blk_spin_lock(&l->ttas);
}

static void blk_leaky_hammer(struct blk_loop *w)
{
	struct blk_lock *l = &w->sh->lock;
	u64 acq = 0;
	u32 i;

	do {
		for (i = 0; i < w->batch; i++) {
			blk_leaky_lock(l);
			WRITE_ONCE(w->sh->word, READ_ONCE(w->sh->word) + BLK_COUNT_ONE);
			blk_leaky_unlock(l);
		}
		acq += w->batch;
		WRITE_ONCE(w->progress, acq);
		cond_resched();
	} while (!READ_ONCE(*w->stop) && ktime_get_ns() < w->deadline_ns);
	w->acquisitions = acq;
	w->overlaps = 0;
}

/*
 * A run whose lock is never released stops by itself within a few
 * watchdog periods, says so, and leaves the engine ready for the next run.
 */
static void blk_test_watchdog(struct kunit *test)
{
	const struct blk_lock_ops *ttas = blk_lock_find("ttas");
	struct blk_lock_ops *leaky = kunit_kzalloc(test, sizeof(*leaky), GFP_KERNEL);
	struct blk_result *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	struct blk_config cfg;
	u64 before = blk_runs_done();

	KUNIT_ASSERT_NOT_NULL(test, leaky);
	KUNIT_ASSERT_NOT_NULL(test, res);
	*leaky = *ttas;
	leaky->name = "leaky";
	leaky->unlock = blk_leaky_unlock;
	leaky->hammer = blk_leaky_hammer;	/* ttas's rescue frees its word */
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cpus, "all"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_ncpus, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_duration_ms, "20000"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_watchdog_ms, "300"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_timing, "off"), 0);
	mutex_lock(&blk_mutex);
	blk_config_get(&cfg);
	mutex_unlock(&blk_mutex);
	cfg.lock = leaky;		/* not on the menu: the knob would refuse it */
	KUNIT_ASSERT_EQ(test, blk_config_set(&cfg), 0);
	KUNIT_ASSERT_EQ(test, blk_control("start"), 0);
	blk_test_wait(test);
	KUNIT_ASSERT_EQ(test, blk_runs_done(), before + 1);
	blk_results_walk(blk_copy_newest, res, true);
	KUNIT_EXPECT_TRUE_MSG(test, res->stuck, "the watchdog did not see the stuck run");
	KUNIT_EXPECT_TRUE(test, res->stopped);
	KUNIT_EXPECT_LT_MSG(test, res->duration_ns, 10 * NSEC_PER_SEC,
			    "the stuck run was not stopped early");
	/* the engine is usable again, with a real lock */
	blk_engine_run(test, ttas, "0", "50", res);
	KUNIT_EXPECT_FALSE(test, res->stuck);
	KUNIT_EXPECT_EQ(test, res->violations, 0ULL);
}

static void blk_test_parse_new_knobs(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_timing, "bogus"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_timing, "every\n"), 0);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "3"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "2097152"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "1024"), 0);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_loop, "references"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_loop, "engine"), 0);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_lock, "empty"), 0);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_backoff_min, "0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_backoff_max, "1048577"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "100001"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "100"), 0);
}

/* Knobs each valid alone but not together: start refuses, nothing runs. */
static void blk_test_start_refuses(struct kunit *test)
{
	u64 before = blk_runs_done();

	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, "ttas_backoff"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_backoff_min, "64"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_backoff_max, "32"), 0);
	KUNIT_EXPECT_EQ(test, blk_control("start"), -EINVAL);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_backoff_max, "64"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "100"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_loop, "reference"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_timing, "off"), 0);
	KUNIT_EXPECT_EQ(test, blk_control("start"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_runs_done(), before);
	KUNIT_EXPECT_FALSE(test, blk_running());
}

/* .exit puts the knobs back: a case's settings do not leak into the next. */
static void blk_test_knobs_restored(struct kunit *test)
{
	struct blk_config now;

	mutex_lock(&blk_mutex);
	blk_config_get(&now);
	mutex_unlock(&blk_mutex);
	/* the case before set lock=empty timing=every, and did not undo it */
	KUNIT_EXPECT_STREQ_MSG(test, now.lock->name, "ttas",
			       "the previous case's lock leaked");
	KUNIT_EXPECT_EQ(test, now.timing, (u32)BLK_TIMING_SAMPLE);
	KUNIT_EXPECT_EQ(test, now.loop, (u32)BLK_LOOP_ENGINE);
	KUNIT_EXPECT_EQ(test, now.irq_hz, 0U);
}

static struct kunit_case blk_engine_cases[] = {
	KUNIT_CASE(blk_test_timing_modes),
	KUNIT_CASE(blk_test_run_record),
	KUNIT_CASE(blk_test_reference),
	KUNIT_CASE(blk_test_cost),
	KUNIT_CASE(blk_test_watchdog),
	KUNIT_CASE(blk_test_parse_new_knobs),
	KUNIT_CASE(blk_test_knobs_restored),
	KUNIT_CASE(blk_test_start_refuses),
	{}
};

static struct kunit_suite blk_engine_suite = {
	.name = "blacklock_engine",
	.init = blk_knobs_save,
	.exit = blk_knobs_restore,
	.test_cases = blk_engine_cases,
};

/* ---- blacklock_stats ------------------------------------------------------ */

static void blk_test_hist_edges(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, blk_hist_index(0), 0U);
	KUNIT_EXPECT_EQ(test, blk_hist_index(1), 1U);
	KUNIT_EXPECT_EQ(test, blk_hist_index(15), 15U);
	KUNIT_EXPECT_EQ(test, blk_hist_index(16), 16U);
	KUNIT_EXPECT_EQ(test, blk_hist_index(31), 31U);
	KUNIT_EXPECT_EQ(test, blk_hist_index(32), 32U);
	KUNIT_EXPECT_EQ(test, blk_hist_index(33), 32U);
	KUNIT_EXPECT_EQ(test, blk_hist_index(34), 33U);
	KUNIT_EXPECT_EQ(test, blk_hist_index(1ULL << 40), (40U - 3) * 16);
	KUNIT_EXPECT_EQ(test, blk_hist_index(U64_MAX), BLK_HIST_BUCKETS - 1);
	KUNIT_EXPECT_EQ(test, blk_hist_bucket_high(BLK_HIST_BUCKETS - 1), U64_MAX);

	/* The buckets tile the u64 range: no gap, no overlap. */
	KUNIT_EXPECT_EQ(test, blk_hist_bucket_low(0), 0ULL);
	for (i = 0; i < BLK_HIST_BUCKETS; i++) {
		u64 lo = blk_hist_bucket_low(i), hi = blk_hist_bucket_high(i);

		KUNIT_EXPECT_EQ(test, blk_hist_index(lo), i);
		KUNIT_EXPECT_EQ(test, blk_hist_index(hi), i);
		/* never wider than 1/16 of its lower bound */
		if (lo >= BLK_HIST_SUB)
			KUNIT_EXPECT_LE(test, hi - lo + 1, lo / BLK_HIST_SUB);
		if (i + 1 < BLK_HIST_BUCKETS)
			KUNIT_EXPECT_EQ(test, hi + 1, blk_hist_bucket_low(i + 1));
	}
}

static void blk_test_hist_percentiles(struct kunit *test)
{
	struct blk_hist *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	u64 v;

	KUNIT_ASSERT_NOT_NULL(test, h);
	blk_hist_init(h);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(h, 500000), 0ULL);

	for (v = 1; v <= 100; v++)
		blk_hist_add(h, v);
	/*
	 * By hand: rank ceil(100 * p); 50 sits in bucket [50, 51] (width 2
	 * from 32 up), 90 in [88, 91], 99 in [96, 99]; the upper bound is
	 * reported, never above the maximum.
	 */
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(h, 500000), 51ULL);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(h, 900000), 91ULL);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(h, 990000), 99ULL);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(h, 999000), 100ULL);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(h, 1000000), 100ULL);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(h, 10000), 1ULL);
	KUNIT_EXPECT_EQ(test, h->count, 100ULL);
	KUNIT_EXPECT_EQ(test, h->sum, 5050ULL);
	KUNIT_EXPECT_EQ(test, h->min, 1ULL);
	KUNIT_EXPECT_EQ(test, h->max, 100ULL);

	/* One sample: every percentile is that sample, exactly. */
	blk_hist_init(h);
	blk_hist_add(h, 1000);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(h, 500000), 1000ULL);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(h, 1), 1000ULL);

	/*
	 * The largest value lands in the last bucket and is reported whole;
	 * the median is now 1000's bucket, [992, 1023], by its upper bound.
	 */
	blk_hist_add(h, U64_MAX);
	KUNIT_EXPECT_EQ(test, h->buckets[BLK_HIST_BUCKETS - 1], 1ULL);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(h, 1000000), U64_MAX);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(h, 500000), 1023ULL);
}

static void blk_test_hist_merge(struct kunit *test)
{
	struct blk_hist *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct blk_hist *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct blk_hist *empty = kunit_kzalloc(test, sizeof(*empty), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, empty);
	blk_hist_init(a);
	blk_hist_init(b);
	blk_hist_init(empty);
	blk_hist_add(a, 3);
	blk_hist_add(a, 3);
	blk_hist_add(b, 7);
	blk_hist_add(b, 5000);

	blk_hist_merge(a, empty);
	KUNIT_EXPECT_EQ(test, a->min, 3ULL);
	blk_hist_merge(a, b);
	KUNIT_EXPECT_EQ(test, a->count, 4ULL);
	KUNIT_EXPECT_EQ(test, a->sum, 5013ULL);
	KUNIT_EXPECT_EQ(test, a->min, 3ULL);
	KUNIT_EXPECT_EQ(test, a->max, 5000ULL);
	KUNIT_EXPECT_EQ(test, a->buckets[3], 2ULL);
	KUNIT_EXPECT_EQ(test, a->buckets[7], 1ULL);
	KUNIT_EXPECT_EQ(test, a->buckets[blk_hist_index(5000)], 1ULL);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(a, 500000), 3ULL);
	KUNIT_EXPECT_EQ(test, blk_hist_percentile(a, 750000), 7ULL);

	blk_hist_merge(empty, a);
	KUNIT_EXPECT_EQ(test, empty->min, 3ULL);
	KUNIT_EXPECT_EQ(test, empty->count, 4ULL);
}

static void blk_test_jain(struct kunit *test)
{
	const u64 equal[4] = { 1000, 1000, 1000, 1000 };
	const u64 one[4] = { 0, 0, 4000, 0 };
	const u64 skew[2] = { 1, 3 };
	const u64 big[2] = { 1ULL << 40, 1ULL << 40 };
	const u64 zero[2] = { 0, 0 };

	KUNIT_EXPECT_EQ(test, blk_jain_micro(equal, 4), 1000000ULL);
	KUNIT_EXPECT_EQ(test, blk_jain_micro(one, 4), 250000ULL);
	/* (1 + 3)^2 / (2 * (1 + 9)) = 0.8 */
	KUNIT_EXPECT_EQ(test, blk_jain_micro(skew, 2), 800000ULL);
	KUNIT_EXPECT_EQ(test, blk_jain_micro(big, 2), 1000000ULL);
	KUNIT_EXPECT_EQ(test, blk_jain_micro(zero, 2), 0ULL);
	KUNIT_EXPECT_EQ(test, blk_jain_micro(equal, 0), 0ULL);
}

/*
 * A record as stats and stats.json print it, for a result made up to be
 * awkward: a lock name with a quote, a backslash and a control character,
 * which JSON must escape, and every other possible CPU, a list longer than
 * any fixed buffer a line might be built in (64 possible CPUs in the SMP
 * ways: "0,2,4,...,62", 90 characters). Two workers, and their rows of the
 * handoff matrix as lists.
 */
static void blk_test_record_text(struct kunit *test)
{
	static const struct blk_lock_ops odd = {
		.name = "odd\"na\\me\x01", .desc = "a test's",
	};
	struct blk_result *r = kunit_kzalloc(test, blk_result_size(2), GFP_KERNEL);
	char *buf = kunit_kzalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);
	char *cpus = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char *want = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct seq_file m = {};
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, cpus);
	KUNIT_ASSERT_NOT_NULL(test, want);
	r->cfg.lock = &odd;
	cpumask_clear(&r->cfg.cpus);
	for_each_possible_cpu(cpu)
		if (!(cpu % 2))
			cpumask_set_cpu(cpu, &r->cfg.cpus);
	blk_hist_init(&r->acquire);
	blk_hist_init(&r->hold);
	blk_hist_init(&r->handoff);
	blk_hist_init(&r->irq_latency);
	blk_hist_init(&r->irq_wait);
	r->nr_cpus = 2;
	r->cpu[1].cpu = 2;
	blk_result_from(r, 0)[1] = 7;
	blk_result_from(r, 1)[0] = 5;
	scnprintf(cpus, PAGE_SIZE, "%*pbl", cpumask_pr_args(&r->cfg.cpus));

	m.buf = buf;
	m.size = 4 * PAGE_SIZE;
	blk_result_show(&m, r, true);
	KUNIT_ASSERT_FALSE(test, seq_has_overflowed(&m));
	buf[m.count] = '\0';
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, strstr(buf, "\"lock\": \"odd\\\"na\\\\me\\u0001\""));
	snprintf(want, PAGE_SIZE, "\"cpus\": \"%s\"", cpus);
	KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, strstr(buf, want),
					 "no %s in the JSON record", want);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, strstr(buf, "\"handoffs_from\": [0, 7]"));
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, strstr(buf, "\"handoffs_from\": [5, 0]"));

	m.count = 0;
	blk_result_show(&m, r, false);
	KUNIT_ASSERT_FALSE(test, seq_has_overflowed(&m));
	buf[m.count] = '\0';
	snprintf(want, PAGE_SIZE, "\ncpus: %s\n", cpus);
	KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, strstr(buf, want),
					 "no whole cpus line %s in the text record", cpus);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, strstr(buf, " handoffs_from=0,7"));
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, strstr(buf, " handoffs_from=5,0"));
	kunit_info(test, "%u possible CPUs, the cpus list of every other one has %zu characters",
		   nr_cpu_ids, strlen(cpus));
}

static void blk_test_ratio(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, blk_ratio_micro(1, 3), 333333ULL);
	KUNIT_EXPECT_EQ(test, blk_ratio_micro(2, 1), 2000000ULL);
	KUNIT_EXPECT_EQ(test, blk_ratio_micro(0, 7), 0ULL);
	KUNIT_EXPECT_EQ(test, blk_ratio_micro(1234567, 1000000), 1234567ULL);
	KUNIT_EXPECT_EQ(test, blk_ratio_micro((1ULL << 59) - 1, (1ULL << 59) - 1),
			1000000ULL);
	/* overflow and division by zero say so, they do not wrap */
	KUNIT_EXPECT_EQ(test, blk_ratio_micro(1, 0), U64_MAX);
	KUNIT_EXPECT_EQ(test, blk_ratio_micro(U64_MAX, 1), U64_MAX);
	KUNIT_EXPECT_EQ(test, blk_ratio_micro(1, 1ULL << 62), U64_MAX);
}

/*
 * Throughput stays exact past 64-bit acquisitions * NSEC_PER_SEC (1.8e10
 * acquisitions): 2e10 + 3 in 1.5 s is 13333333335 a second, where the old
 * fallback divided by whole seconds and said 20000000003.
 */
static void blk_test_throughput(struct kunit *test)
{
	struct blk_result *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->acquisitions = 20000000003ULL;
	r->duration_ns = 1500000000ULL;
	KUNIT_EXPECT_EQ(test, blk_throughput(r), 13333333335ULL);
	r->acquisitions = 3000;
	r->duration_ns = 2 * NSEC_PER_SEC;
	KUNIT_EXPECT_EQ(test, blk_throughput(r), 1500ULL);
	r->duration_ns = 0;
	KUNIT_EXPECT_EQ(test, blk_throughput(r), 0ULL);
}

static struct kunit_case blk_stats_cases[] = {
	KUNIT_CASE(blk_test_hist_edges),
	KUNIT_CASE(blk_test_hist_percentiles),
	KUNIT_CASE(blk_test_hist_merge),
	KUNIT_CASE(blk_test_jain),
	KUNIT_CASE(blk_test_ratio),
	KUNIT_CASE(blk_test_throughput),
	KUNIT_CASE(blk_test_record_text),
	{}
};

static struct kunit_suite blk_stats_suite = {
	.name = "blacklock_stats",
	.test_cases = blk_stats_cases,
};

/* ---- blacklock_parse ------------------------------------------------------ */

static void blk_test_parse_u32(struct kunit *test)
{
	u32 v = 42;

	KUNIT_EXPECT_EQ(test, blk_parse_u32("5", 0, 10, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 5U);
	KUNIT_EXPECT_EQ(test, blk_parse_u32("7\n", 0, 10, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 7U);
	KUNIT_EXPECT_EQ(test, blk_parse_u32("10", 0, 10, &v), 0);
	KUNIT_EXPECT_EQ(test, blk_parse_u32("0", 0, 10, &v), 0);

	v = 42;
	KUNIT_EXPECT_EQ(test, blk_parse_u32("11", 0, 10, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_u32("0", 1, 10, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_u32("", 0, 10, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_u32("abc", 0, 10, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_u32("-1", 0, 10, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_u32("5x", 0, 10, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_u32("4294967296", 0, U32_MAX, &v), -EINVAL);
	KUNIT_EXPECT_EQ_MSG(test, v, 42U, "a refused value must change nothing");
}

static void blk_test_parse_lock(struct kunit *test)
{
	const struct blk_lock_ops *ops = NULL;
	unsigned int i;

	for (i = 0; i < blk_lock_menu_len; i++) {
		KUNIT_EXPECT_EQ(test, blk_parse_lock(blk_lock_menu[i]->name, &ops), 0);
		KUNIT_EXPECT_PTR_EQ(test, ops, blk_lock_menu[i]);
	}
	KUNIT_EXPECT_EQ(test, blk_parse_lock("tas\n", &ops), 0);
	KUNIT_EXPECT_STREQ(test, ops->name, "tas");
	KUNIT_EXPECT_EQ(test, blk_parse_lock("nonesuch", &ops), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_lock("", &ops), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_lock("ttas_", &ops), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_lock("TTAS", &ops), -EINVAL);
	KUNIT_EXPECT_STREQ_MSG(test, ops->name, "tas",
			       "a refused name must change nothing");
}

static void blk_test_parse_cpus(struct kunit *test)
{
	struct cpumask *m = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);
	char buf[32];

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_EXPECT_EQ(test, blk_parse_cpus("all", m), 0);
	KUNIT_EXPECT_TRUE(test, cpumask_equal(m, cpu_possible_mask));
	KUNIT_EXPECT_EQ(test, blk_parse_cpus("all\n", m), 0);
	KUNIT_EXPECT_EQ(test, blk_parse_cpus("0", m), 0);
	KUNIT_EXPECT_EQ(test, cpumask_weight(m), 1U);
	KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(0, m));
	KUNIT_EXPECT_EQ(test, blk_parse_cpus("0\n", m), 0);
	snprintf(buf, sizeof(buf), "0-%u", nr_cpu_ids - 1);
	KUNIT_EXPECT_EQ(test, blk_parse_cpus(buf, m), 0);
	KUNIT_EXPECT_EQ(test, cpumask_weight(m), nr_cpu_ids);

	KUNIT_EXPECT_EQ(test, blk_parse_cpus("", m), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_cpus("\n", m), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_cpus("abc", m), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_cpus("0-", m), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_parse_cpus("3-1", m), -EINVAL);
	snprintf(buf, sizeof(buf), "%u", nr_cpu_ids);
	KUNIT_EXPECT_EQ_MSG(test, blk_parse_cpus(buf, m), -EINVAL,
			    "CPU %s is not possible", buf);
	KUNIT_EXPECT_EQ(test, blk_parse_cpus("99999", m), -EINVAL);
}

static struct kunit_case blk_parse_cases[] = {
	KUNIT_CASE(blk_test_parse_u32),
	KUNIT_CASE(blk_test_parse_lock),
	KUNIT_CASE(blk_test_parse_cpus),
	{}
};

static struct kunit_suite blk_parse_suite = {
	.name = "blacklock_parse",
	.test_cases = blk_parse_cases,
};

#if IS_BUILTIN(CONFIG_BLACKLOCK_KUNIT_TEST) && IS_ENABLED(CONFIG_PREEMPT_RT)
/*
 * On PREEMPT_RT (6.12) a legacy console, the 8250 that kunit.py reads among
 * them, is written only by the pr/legacy printer thread, and nothing waits
 * for that thread at reboot: kunit.py reboots right after the last result,
 * and in 2 of 4 runs here (and once in CI) the last lines never reached the
 * serial port, so kunit.py took the final suite for crashed. Built in, the
 * suites wait for the consoles before the machine restarts.
 */
static int blk_test_reboot_flush(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	pr_flush(5000, true);
	return NOTIFY_DONE;
}

static struct notifier_block blk_test_reboot_nb = {
	.notifier_call = blk_test_reboot_flush,
};

static int __init blk_test_flush_init(void)
{
	return register_reboot_notifier(&blk_test_reboot_nb);
}
late_initcall(blk_test_flush_init);
#endif

kunit_test_suites(&blk_lock_suite, &blk_cas_suite, &blk_smp_suite,
		  &blk_engine_suite, &blk_stats_suite, &blk_parse_suite);
