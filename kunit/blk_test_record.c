// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: histograms, fairness and the record as stats and stats.json
 * print it (blacklock_stats).
 */
#include "blk_test.h"

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

/*
 * The order bookkeeping, replayed: worker 1 of 3 sees these owners before
 * it, one acquisition each (BLK_NOBODY first; 4 is an interrupt's owner
 * field, past the workers'). A run of its own acquisitions is a streak and
 * no handoff; every other owner's is a handoff, into its row of the matrix
 * when the owner was a worker; the first overlap is stamped with the
 * shared counter. The engine's checks of a run (an empty diagonal, the
 * matrix adding up to the handoffs) follow from this; here the counting
 * itself is what is checked.
 */
static void blk_test_order_note(struct kunit *test)
{
	static const u32 prev[] = { BLK_NOBODY, 1, 1, 0, 2, 1, 1, 1, 4, 0 };
	u64 from[3] = {};
	struct blk_order o = { .from = from, .nr = 3 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(prev); i++)
		blk_order_note(&o, ((u64)(40 + i) << BLK_COUNT_SHIFT) | prev[i],
			       i == 6 || i == 8, 1);
	KUNIT_EXPECT_EQ(test, o.handoffs, 4ULL);
	KUNIT_EXPECT_EQ(test, from[0], 2ULL);
	KUNIT_EXPECT_EQ_MSG(test, from[1], 0ULL, "a worker handed the lock to itself");
	KUNIT_EXPECT_EQ(test, from[2], 1ULL);
	KUNIT_EXPECT_EQ(test, max(o.longest, o.streak), 4ULL);
	KUNIT_EXPECT_EQ(test, o.streak, 1ULL);
	KUNIT_EXPECT_EQ(test, o.first_overlap, 47ULL);
}

/*
 * Overtakes, with scripted stamps: worker 0 asked at 100 and got the lock
 * at 200, and scans after its unlock. Worker 1 asked before it and got the
 * lock after it, between that unlock and the scan: overtaken, though it no
 * longer waits (the scan ran inside the critical section before, where it
 * still waited; a scan moved out as it was, judging by "still waiting",
 * misses it). Worker 2 asked before it and still waits: overtaken. Worker
 * 3 asked before it and got the lock before it: not. Worker 4 asked after
 * it: not. Worker 5 never timed an iteration: not. Worker 0 is not its
 * own.
 */
static void blk_test_overtaken(struct kunit *test)
{
	static const struct blk_arrival a[] = {
		{ .t = 100, .granted = 200 },
		{ .t = 90, .granted = 250 },
		{ .t = 80, .granted = 10 },
		{ .t = 70, .granted = 95 },
		{ .t = 150, .granted = 40 },
		{ .t = 0, .granted = 0 },
	};

	KUNIT_EXPECT_EQ(test, blk_overtaken(a, ARRAY_SIZE(a), 0, 100, 200), 2ULL);
	/* as worker 3 (asked at 70, granted at 95): nobody had asked before it */
	KUNIT_EXPECT_EQ(test, blk_overtaken(a, ARRAY_SIZE(a), 3, 70, 95), 0ULL);
}

static struct kunit_case blk_stats_cases[] = {
	KUNIT_CASE(blk_test_hist_edges),
	KUNIT_CASE(blk_test_hist_percentiles),
	KUNIT_CASE(blk_test_hist_merge),
	KUNIT_CASE(blk_test_jain),
	KUNIT_CASE(blk_test_ratio),
	KUNIT_CASE(blk_test_throughput),
	KUNIT_CASE(blk_test_record_text),
	KUNIT_CASE(blk_test_order_note),
	KUNIT_CASE(blk_test_overtaken),
	{}
};

static struct kunit_suite blk_stats_suite = {
	.name = "blacklock_stats",
	.test_cases = blk_stats_cases,
};

kunit_test_suites(&blk_stats_suite);
