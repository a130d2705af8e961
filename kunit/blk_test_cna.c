// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: CNA's queue decisions (blacklock_cna), each on a queue built by
 * hand, so that every decision is tested deterministically, which no run of
 * 2 CPUs on one node could do. Included by blk_cna.c (as ext4's mballoc.c
 * includes its test), for its static hooks: not an object of its own.
 *
 * The nodes are the test's, on its stack; the lock is a word set busy or
 * free, which nobody takes. A waiter's node is set by hand: 0 the lock's,
 * 1 the other.
 */
#include "blk_test.h"

#define BLK_CNA_TEST_NODES	6

struct blk_cna_test {
	struct blk_qspinlock lock;
	struct blk_cna_node n[BLK_CNA_TEST_NODES];
	struct blk_contention_counters before;
};

/*
 * A main queue of @count nodes behind the lock, n[0] its head, each of the
 * NUMA node in @numa (BLK_CNA_URGENT for an urgent waiter); the lock busy.
 */
static struct blk_cna_test *blk_cna_queue(struct kunit *test, const int *numa,
					  int count)
{
	struct blk_cna_test *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_LE(test, count, BLK_CNA_TEST_NODES);
	q->lock.val = BLK_QS_LOCKED;
	for (i = 0; i < count; i++) {
		blk_cna_init_node(&q->n[i].mcs, 0);
		q->n[i].numa = numa[i];
		q->n[i].mcs.next = i + 1 < count ? &q->n[i + 1].mcs : NULL;
	}
	return q;
}

/* Sort behind n[0] on this CPU; the CPU's counters before it, in q->before. */
static void blk_cna_test_sort(struct blk_cna_test *q)
{
	preempt_disable();
	blk_contention_counters_read(&q->before, smp_processor_id());
	blk_cna_sort(&q->lock, &q->n[0].mcs);
	preempt_enable();
}

/* This CPU's contention counters now (blk_cna_test_sort() keeps the before). */
static struct blk_contention_counters blk_cna_test_now(void)
{
	struct blk_contention_counters now = {};

	preempt_disable();
	blk_contention_counters_read(&now, smp_processor_id());
	preempt_enable();
	return now;
}

/* The secondary queue behind n[0], as indices into n[], ended by -1. */
static void blk_cna_test_secondary(struct kunit *test, struct blk_cna_test *q,
				   const int *want)
{
	struct blk_cna_node *s = q->n[0].sec_head;
	int i;

	for (i = 0; want[i] >= 0; i++) {
		KUNIT_ASSERT_PTR_EQ(test, s, &q->n[want[i]]);
		s = s == q->n[0].sec_tail ? NULL : blk_cna(s->mcs.next);
	}
	KUNIT_EXPECT_PTR_EQ(test, s, NULL);
}

/* Remote waiters with successors go aside, until one of the lock's node. */
static void blk_test_cna_sort_moves_remote(struct kunit *test)
{
	static const int numa[] = { 0, 1, 1, 0, 1 }, aside[] = { 1, 2, -1 };
	struct blk_cna_test *q = blk_cna_queue(test, numa, ARRAY_SIZE(numa));

	blk_cna_test_sort(q);
	KUNIT_EXPECT_PTR_EQ(test, q->n[0].mcs.next, &q->n[3].mcs);
	blk_cna_test_secondary(test, q, aside);
	KUNIT_EXPECT_EQ(test, blk_cna_test_now().cna_moved - q->before.cna_moved, 2ULL);
	KUNIT_EXPECT_NE(test, q->n[0].since, 0ULL);
}

/* v15 5/6: an urgent waiter (irq, irqs off, RT) is never set aside. */
static void blk_test_cna_sort_keeps_urgent(struct kunit *test)
{
	static const int numa[] = { 0, BLK_CNA_URGENT, 1, 0 }, none[] = { -1 };
	struct blk_cna_test *q = blk_cna_queue(test, numa, ARRAY_SIZE(numa));

	blk_cna_test_sort(q);
	KUNIT_EXPECT_PTR_EQ(test, q->n[0].mcs.next, &q->n[1].mcs);
	blk_cna_test_secondary(test, q, none);
	KUNIT_EXPECT_EQ(test, blk_cna_test_now().cna_moved - q->before.cna_moved, 0ULL);
}

/* An urgent head sorts for its own node: the waiter of another goes aside. */
static void blk_test_cna_urgent_head_takes_its_node(struct kunit *test)
{
	const int mine = numa_node_id(), other = !mine;
	const int numa[] = { BLK_CNA_URGENT, other, mine };
	static const int aside[] = { 1, -1 };
	struct blk_cna_test *q = blk_cna_queue(test, numa, ARRAY_SIZE(numa));

	blk_cna_test_sort(q);
	KUNIT_EXPECT_EQ(test, q->n[0].numa, mine);
	blk_cna_test_secondary(test, q, aside);
}

/* v15 3/6: no sort once the lock is free; the head takes it at once. */
static void blk_test_cna_no_sort_when_free(struct kunit *test)
{
	static const int numa[] = { 0, 1, 1, 0 }, none[] = { -1 };
	struct blk_cna_test *q = blk_cna_queue(test, numa, ARRAY_SIZE(numa));

	q->lock.val = 0;
	blk_cna_test_sort(q);
	KUNIT_EXPECT_PTR_EQ(test, q->n[0].mcs.next, &q->n[1].mcs);
	blk_cna_test_secondary(test, q, none);
}

/*
 * v15 3/6: a head with a secondary queue hands the lock's node on with it,
 * so that a successor of the other node (here one left as a possible tail)
 * keeps the lock where it is; and the time, and the count plus one.
 */
static void blk_test_cna_pass_hands_node_on(struct kunit *test)
{
	static const int numa[] = { 0, 1, 1 };
	struct blk_cna_test *q = blk_cna_queue(test, numa, ARRAY_SIZE(numa));
	struct blk_cna_node *me = &q->n[0], *next = &q->n[1];

	me->mcs.next = &next->mcs;
	next->mcs.next = NULL;
	me->sec_head = &q->n[2];
	me->sec_tail = &q->n[2];
	me->since = 12345;
	me->handoffs = 7;
	blk_cna_pass(&me->mcs, &next->mcs);
	KUNIT_EXPECT_EQ(test, next->mcs.locked, 1U);
	KUNIT_EXPECT_EQ(test, next->numa, 0);
	KUNIT_EXPECT_PTR_EQ(test, next->sec_head, &q->n[2]);
	KUNIT_EXPECT_EQ(test, next->since, 12345ULL);
	KUNIT_EXPECT_EQ(test, next->handoffs, 8U);
}

/*
 * A head whose secondary queue formed @age_ns ago, with @handoffs along the
 * main queue since: whether it flushes, under thresholds @count and @ns.
 * If it does, the secondary queue's first is the next head, its last links
 * to the main queue's next.
 */
static bool blk_cna_test_flushes(struct kunit *test, u32 count, u32 ns,
				 u64 age_ns, u32 handoffs)
{
	static const int numa[] = { 0, 0, 1 };
	struct blk_cna_test *q = blk_cna_queue(test, numa, ARRAY_SIZE(numa));
	struct blk_cna_node *me = &q->n[0], *next = &q->n[1], *s = &q->n[2];
	bool flushed;

	me->mcs.next = &next->mcs;
	next->mcs.next = NULL;
	s->mcs.next = NULL;
	me->sec_head = s;
	me->sec_tail = s;
	me->handoffs = handoffs;
	blk_cna_set_threshold(count, ns);
	me->since = blk_clock_ns() - age_ns;
	blk_cna_test_sort(q);
	blk_cna_pass(&me->mcs, &next->mcs);
	flushed = READ_ONCE(s->mcs.locked);
	KUNIT_EXPECT_EQ(test, flushed, !next->mcs.locked);
	KUNIT_EXPECT_EQ(test, blk_cna_test_now().cna_flushes - q->before.cna_flushes, (u64)flushed);
	if (flushed)
		KUNIT_EXPECT_PTR_EQ(test, s->mcs.next, &next->mcs);
	return flushed;
}

/* v15 4/6: the secondary queue goes first once it has waited the limit. */
static void blk_test_cna_time_limit(struct kunit *test)
{
	const u32 ms = NSEC_PER_MSEC;

	KUNIT_EXPECT_TRUE(test, blk_cna_test_flushes(test, 0, ms, 2 * ms, 0));
	KUNIT_EXPECT_FALSE(test, blk_cna_test_flushes(test, 0, 100 * ms, 0, 1000));
	/* no time limit: the count alone */
	KUNIT_EXPECT_FALSE(test, blk_cna_test_flushes(test, 64, 0, 1000 * ms, 63));
}

/* The count (the series up to v12, the NUMA study's knob). */
static void blk_test_cna_count_limit(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, blk_cna_test_flushes(test, 64, 0, 0, 64));
	KUNIT_EXPECT_FALSE(test, blk_cna_test_flushes(test, 64, 0, 0, 63));
	/* both: whichever comes first */
	KUNIT_EXPECT_TRUE(test, blk_cna_test_flushes(test, 64, NSEC_PER_SEC, 0, 64));
}

/* The knobs' defaults back, for the runs after the suite. */
static void blk_cna_test_exit(struct kunit *test)
{
	struct blk_config cfg;

	mutex_lock(&blk_mutex);
	blk_config_get(&cfg);
	mutex_unlock(&blk_mutex);
	blk_cna_set_threshold(cfg.cna_threshold, cfg.cna_threshold_ns);
}

static struct kunit_case blk_cna_cases[] = {
	KUNIT_CASE(blk_test_cna_sort_moves_remote),
	KUNIT_CASE(blk_test_cna_sort_keeps_urgent),
	KUNIT_CASE(blk_test_cna_urgent_head_takes_its_node),
	KUNIT_CASE(blk_test_cna_no_sort_when_free),
	KUNIT_CASE(blk_test_cna_pass_hands_node_on),
	KUNIT_CASE(blk_test_cna_time_limit),
	KUNIT_CASE(blk_test_cna_count_limit),
	{}
};

static struct kunit_suite blk_cna_suite = {
	.name = "blacklock_cna",
	.exit = blk_cna_test_exit,
	.test_cases = blk_cna_cases,
};

kunit_test_suites(&blk_cna_suite);
