// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: every lock kind through the ops table, and the CAS back-ends
 * (blacklock_lock, blacklock_cas).
 */
#include <linux/mm.h>

#include "blk_test.h"

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
	KUNIT_ASSERT_EQ(test, ops->init(l), 0);
	KUNIT_EXPECT_FALSE(test, ops->is_locked(l));
	KUNIT_ASSERT_TRUE(test, ops->trylock(l));
	ops->unlock(l);
}

/*
 * Make @l look held by a context that will never release it, with
 * @tickets - 1 more queued (the ticket layout only), by writing its word as
 * the list's rescue column describes it: no owner's bookkeeping (preemption,
 * lockdep) is taken, as none would be undone.
 */
static void blk_hold_word(const struct blk_lock_ops *ops, struct blk_lock *l,
			  u32 tickets)
{
	u32 *word = (u32 *)l;	/* every kind's lock is the union's first member */

	switch (ops->word) {
	case BLK_WORD_flag:
		WRITE_ONCE(*word, 1);
		break;
	case BLK_WORD_ticket:
		WRITE_ONCE(*word, tickets << 16);
		break;
	case BLK_WORD_none:
		break;
	}
}

/*
 * Every kind's rescue, as its list line's rescue column gives it (the
 * kinds with none, the queue locks among them, are the watchdog's "cannot
 * free"): it leaves a free lock free (a ticket lock served while free was
 * stranded for 65536 serves), frees a lock held by a context that never
 * comes back so that trylock then succeeds, and, with the ticket layout, a
 * lock with a waiter queued is served one ticket: held by the waiter.
 */
static void blk_test_rescue(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_lock *l = blk_new_lock(test, ops);

	KUNIT_EXPECT_EQ_MSG(test, !ops->rescue, ops->word == BLK_WORD_none,
			    "%s: a rescue without a word's layout, or a layout without one",
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
	if (ops->word != BLK_WORD_ticket)
		return;
	KUNIT_ASSERT_EQ(test, ops->init(l), 0);
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

/*
 * A kind with a bounded number of locks (the list's locks column: CLH's
 * first nodes) refuses the one past its bound, and never makes two locks
 * share what one holds: as many locks as it will initialise (the bound,
 * less the few other tests and the engine keep), each refusal -ENOSPC; the
 * last two used, one after the other (sharing a node, the second spun on
 * its own forever) and held together; all given back, then as many again.
 * The kinds without a bound pass at once.
 */
static void blk_test_capacity(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_param(test);
	struct blk_lock *l;
	unsigned int n, m;
	int ret = 0;

	if (!ops->locks)
		return;
	l = kvcalloc(ops->locks + 1, sizeof(*l), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	for (n = 0; n <= ops->locks; n++) {
		ret = ops->init(&l[n]);
		if (ret)
			break;
	}
	KUNIT_EXPECT_EQ_MSG(test, ret, -ENOSPC, "%s: %u locks initialised, bound %u",
			    ops->name, n, ops->locks);
	KUNIT_EXPECT_GE(test, n, ops->locks - 64);
	if (n >= 2) {
		ops->lock(&l[n - 2]);
		ops->unlock(&l[n - 2]);
		ops->lock(&l[n - 1]);
		ops->unlock(&l[n - 1]);
		KUNIT_EXPECT_TRUE(test, ops->trylock(&l[n - 2]));
		KUNIT_EXPECT_TRUE(test, ops->trylock(&l[n - 1]));
		ops->unlock(&l[n - 1]);
		ops->unlock(&l[n - 2]);
	}
	for (m = 0; m < n; m++)
		ops->fini(&l[m]);
	for (m = 0; m < n; m++)
		if (ops->init(&l[m]))
			break;
	KUNIT_EXPECT_EQ_MSG(test, m, n, "%s: %u of %u given back", ops->name, m, n);
	while (m--)
		ops->fini(&l[m]);
	kvfree(l);
}

static struct kunit_case blk_lock_cases[] = {
	KUNIT_CASE_PARAM(blk_test_lock_unlock, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_trylock_free, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_trylock_held, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_preemption, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_reinit, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_rescue, blk_all_kinds),
	KUNIT_CASE_PARAM(blk_test_capacity, blk_all_kinds),
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

kunit_test_suites(&blk_lock_suite, &blk_cas_suite);
