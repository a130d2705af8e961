// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for blacklock: what the suites share.
 *
 *   blk_test_lock.c      blacklock_lock: semantics of every lock kind,
 *                        through the same ops table the engine uses
 *                        (parameterized); blacklock_cas: the two CAS
 *                        back-ends agree, input by input
 *   blk_test_ordering.c  blacklock_smp: message passing and mutual
 *                        exclusion under real concurrency, and the negative
 *                        control; skipped, with the reason, on a
 *                        uniprocessor kernel (UML)
 *   blk_test_engine.c    blacklock_engine: the timing modes, the reference
 *                        loop, the harness floor, the cost measurement and
 *                        the watchdog, on one CPU
 *   blk_test_record.c    blacklock_stats: histogram edges, merging,
 *                        percentiles, Jain's index, and a record as stats
 *                        and stats.json print it
 *   blk_test_knobs.c     blacklock_parse: the knob parsers behind debugfs
 *                        and the parameters
 *   blk_test_nesting.c   blacklock_nesting: locks held together, released
 *                        in any order and hand-over-hand, on one CPU and
 *                        on every CPU at once (the checks: blk_nest.c,
 *                        which blk-host nest runs on the host too)
 *   blk_test.c           the lock menu as parameters, the knobs saved and
 *                        restored around each case, engine runs and waits
 *
 * Workers never assert: they count, and the test thread checks the counts.
 * Every case sets what it needs from the knobs' defaults (blk_knobs_for())
 * or its suite's .init and .exit save and restore them, so no case depends
 * on the one before it. Run with tools/kunit.sh (see kunit/.kunitconfig).
 */
#include <linux/reboot.h>

#include "blk_nest.h"
#include "blk_test.h"

/* ---- parameters: the lock menu ---------------------------------------- */

const void *blk_menu_next(const void *prev, char *desc, bool real_only)
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
const void *blk_all_kinds(const void *prev, char *desc)
{
	return blk_menu_next(prev, desc, false);
}

/* Every kind that claims to be a lock (not busted, not empty). */
const void *blk_real_kinds(const void *prev, char *desc)
{
	return blk_menu_next(prev, desc, true);
}

const struct blk_lock_ops *blk_param(struct kunit *test)
{
	return *(const struct blk_lock_ops *const *)test->param_value;
}

/*
 * A test's lock, a KUnit resource: initialised for the test, and given
 * back (fini) at its end if it is free; one the test left held keeps what
 * its init took.
 */
struct blk_test_lock {
	const struct blk_lock_ops *ops;
	struct blk_lock l;
};

static int blk_test_lock_init(struct kunit_resource *res, void *context)
{
	const struct blk_lock_ops *ops = context;
	struct blk_test_lock *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	t->ops = ops;
	if (ops->init(&t->l)) {
		kfree(t);
		return -ENOSPC;
	}
	res->data = t;
	return 0;
}

static void blk_test_lock_free(struct kunit_resource *res)
{
	struct blk_test_lock *t = res->data;

	if (!t->ops->is_locked(&t->l))
		t->ops->fini(&t->l);
	kfree(t);
}

/* Skip what a stateless lock (empty, a uniprocessor kernel's) cannot show. */
void blk_need_state(struct kunit *test, const struct blk_lock_ops *ops)
{
	if (blk_nest_has_state(ops))
		return;
	if (ops->floor)
		kunit_skip(test, "%s keeps no state: it is the harness floor",
			   ops->name);
	kunit_skip(test, "a UP %s only disables preemption: no state",
		   ops->name);
}

struct blk_lock *blk_new_lock(struct kunit *test,
			      const struct blk_lock_ops *ops)
{
	struct blk_test_lock *t;

	t = kunit_alloc_resource(test, blk_test_lock_init, blk_test_lock_free,
				 GFP_KERNEL, (void *)ops);
	KUNIT_ASSERT_NOT_NULL_MSG(test, t, "%s: no lock to initialise", ops->name);
	return &t->l;
}

/*
 * The engine's knobs are the module's, shared with debugfs: the suites that
 * run the engine save them before each case and put them back after it
 * (Documentation/dev-tools/kunit/style.rst: .init and .exit).
 */
static struct blk_config blk_saved_cfg;

int blk_knobs_save(struct kunit *test)
{
	mutex_lock(&blk_mutex);
	blk_config_get(&blk_saved_cfg);
	mutex_unlock(&blk_mutex);
	return 0;
}

void blk_knobs_restore(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, blk_config_set(&blk_saved_cfg), 0,
			    "a run was still going after the case");
}

/* ---- engine runs ---------------------------------------------------------- */

/*
 * Wait for the run just started, bounded: no test waits forever. A run
 * still going 30 s past its duration_ms (its watchdog has long had its
 * chance) is stopped and fails the test, which then ends.
 */
void blk_test_wait(struct kunit *test)
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

/*
 * blk_rmw_note()'s count (blk_contention.h), every CPU, zeroed or summed;
 * BLK_NOT_COUNTED without CONFIG_BLACKLOCK_COUNT_RMW (the arm64 ways).
 */
void blk_rmw_count_reset(void)
{
#if IS_ENABLED(CONFIG_BLACKLOCK_COUNT_RMW)
	int cpu;

	for_each_possible_cpu(cpu)
		per_cpu(blk_rmw_count, cpu) = 0;
#endif
}

u64 blk_rmw_count_sum(void)
{
#if IS_ENABLED(CONFIG_BLACKLOCK_COUNT_RMW)
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu(blk_rmw_count, cpu);
	return sum;
#else
	return BLK_NOT_COUNTED;
#endif
}

void blk_need_smp(struct kunit *test)
{
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 online CPUs; this kernel has %u (UML is uniprocessor)",
			   num_online_cpus());
}

/* The newest engine result, copied out from under the engine's mutex. */
int blk_copy_newest(const struct blk_result *r, void *arg)
{
	struct blk_result *out = arg;

	memcpy(out, r, sizeof(*out));	/* the fixed part; no per-CPU lines */
	return 0;
}

/*
 * Every knob to its default (blk_knobs_list.h: a knob added there is reset
 * here too), then what a run of @ops in these tests takes: no earlier
 * case's settings leak in.
 */
void blk_knobs_for(struct kunit *test, const struct blk_lock_ops *ops,
		   const char *ncpus, const char *ms, const char *timing)
{
	KUNIT_ASSERT_EQ(test, blk_knobs_reset(), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, ops->name), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_ncpus, ncpus), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_duration_ms, ms), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_timing, timing), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "16"), 0);
}

/* Start a run with the knobs as they are, wait for it, copy its record. */
void blk_engine_start(struct kunit *test, const struct blk_lock_ops *ops,
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
void blk_engine_run_with(struct kunit *test,
			 const struct blk_lock_ops *ops,
			 const char *ncpus, const char *ms,
			 const char *timing, struct blk_result *res)
{
	blk_knobs_for(test, ops, ncpus, ms, timing);
	blk_engine_start(test, ops, res);
}

void blk_engine_run(struct kunit *test, const struct blk_lock_ops *ops,
		    const char *ncpus, const char *ms,
		    struct blk_result *res)
{
	blk_engine_run_with(test, ops, ncpus, ms, "sample", res);
}

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
