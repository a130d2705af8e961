// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the engine on one CPU: timing modes, reference loop, floor, cost,
 * watchdog and the knobs around a run (blacklock_engine).
 */
#include "blk_test.h"

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

/*
 * sample_every=auto: the run chooses a power of two from its floors, at
 * most 2 % by its estimate, times exactly one in that many, and says so;
 * the knob stays auto. A stride set by hand is used as set.
 */
static void blk_test_sample_auto(struct kunit *test)
{
	const struct blk_lock_ops *ops = blk_lock_find("ttas");
	struct blk_result *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	struct blk_config cfg;
	u32 n;

	KUNIT_ASSERT_NOT_NULL(test, res);
	blk_knobs_for(test, ops, "1", "50", "sample");
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "auto"), 0);
	blk_engine_start(test, ops, res);
	n = res->cfg.sample_every;
	KUNIT_EXPECT_TRUE(test, res->sample_auto);
	KUNIT_EXPECT_TRUE_MSG(test, is_power_of_2(n), "auto chose %u", n);
	KUNIT_EXPECT_EQ(test, res->acquire.count, res->acquisitions / max(n, 1U));
	KUNIT_EXPECT_GT_MSG(test, res->timed_extra_millicycles, 0ULL,
			    "a timed iteration cost nothing more than an untimed one");
	KUNIT_EXPECT_LE(test, res->sample_cost_ppm, (u64)BLK_SAMPLE_COST_PPM);
	/* the smallest such power: half of it would cost more than 2 % */
	if (n > 1)
		KUNIT_EXPECT_GT_MSG(test, 2 * res->sample_cost_ppm + 2,
				    (u64)BLK_SAMPLE_COST_PPM,
				    "auto chose %u, far more than 2 %% needs", n);
	kunit_info(test, "auto chose %u: a timed iteration adds %llu.%03llu cycles, timing costs %llu ppm by the estimate",
		   n, res->timed_extra_millicycles / 1000,
		   res->timed_extra_millicycles % 1000, res->sample_cost_ppm);
	mutex_lock(&blk_mutex);
	blk_config_get(&cfg);
	mutex_unlock(&blk_mutex);
	KUNIT_EXPECT_EQ_MSG(test, cfg.sample_every, 0U, "the knob must stay auto");

	blk_engine_run_with(test, ops, "1", "30", "sample", res);
	KUNIT_EXPECT_FALSE(test, res->sample_auto);
	KUNIT_EXPECT_EQ(test, res->cfg.sample_every, 16U);
	KUNIT_EXPECT_EQ(test, res->sample_cost_ppm, 0ULL);
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
	KUNIT_EXPECT_GT_MSG(test, res->harness_millicycles, 0ULL,
			    "the empty-lock floor was not measured");
	KUNIT_EXPECT_GT(test, res->iter_millicycles, 0ULL);
	KUNIT_EXPECT_EQ(test, res->cs_loops, 0ULL);
}

/* The value of "key: N" (or "key: N.FFF", in thousandths) in a text record. */
static u64 blk_text_key(struct kunit *test, const char *buf, const char *key,
			bool milli)
{
	char want[48], num[32], *dot;
	const char *p;
	u64 whole = 0, frac = 0;
	int ret;

	snprintf(want, sizeof(want), "\n%s: ", key);
	p = strstr(buf, want);
	KUNIT_EXPECT_NOT_NULL_MSG(test, p, "no %s in the record", key);
	if (!p)
		return 0;
	strscpy(num, p + strlen(want), sizeof(num));
	num[strcspn(num, "\n")] = '\0';
	dot = strchr(num, '.');
	if (dot)
		*dot = '\0';
	ret = kstrtou64(num, 10, &whole);
	if (!ret && milli)
		ret = dot ? kstrtou64(dot + 1, 10, &frac) : -EINVAL;
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s: not a number", key);
	return milli ? whole * 1000 + frac : whole;
}

struct blk_derived {
	struct kunit *test;
	char *buf;
	size_t size;
};

/*
 * A record's derived figures against its own counts and duration, as the
 * record prints them: throughput, each worker's share, the cycles per
 * acquisition and the floor-net lock cycles. Under blk_mutex (the walk):
 * expectations only, for an assertion would end the case with it held.
 */
static int blk_check_derived(const struct blk_result *r, void *arg)
{
	struct blk_derived *d = arg;
	struct kunit *test = d->test;
	struct seq_file m = { .buf = d->buf, .size = d->size };
	const u64 acq = r->acquisitions, dur = r->duration_ns;
	u64 sum = 0, shares = 0, cycles, iter, harness;
	unsigned int i;

	blk_result_show(&m, r, false);
	KUNIT_EXPECT_FALSE(test, seq_has_overflowed(&m));
	KUNIT_EXPECT_GT(test, acq, 0ULL);
	if (seq_has_overflowed(&m) || !acq || !dur)
		return 0;
	d->buf[m.count] = '\0';
	/* a 200 ms run: its measured length, and the figures per second */
	KUNIT_EXPECT_GE(test, dur, 200 * NSEC_PER_MSEC);
	KUNIT_EXPECT_LT(test, dur, 200 * NSEC_PER_MSEC + NSEC_PER_SEC);
	KUNIT_EXPECT_EQ_MSG(test, blk_text_key(test, d->buf, "throughput_per_s", false),
			    div64_u64(acq * NSEC_PER_SEC, dur),
			    "throughput is not acquisitions per second of the run");
	for (i = 0; i < r->nr_cpus; i++) {
		const struct blk_cpu_result *c = &r->cpu[i];

		sum += c->acquisitions;
		shares += c->share_micro;
		KUNIT_EXPECT_EQ(test, c->share_micro,
				div64_u64(c->acquisitions * 1000000, acq));
	}
	KUNIT_EXPECT_EQ(test, sum, acq);
	KUNIT_EXPECT_LE(test, shares, 1000000ULL);
	KUNIT_EXPECT_GE(test, shares + r->nr_cpus, 1000000ULL);
	/* millicycles per acquisition: each worker's share of the run's cycles */
	iter = blk_text_key(test, d->buf, "iter_cycles_per_acq", true);
	harness = blk_text_key(test, d->buf, "harness_cycles_per_iter", true);
	cycles = div64_u64(dur * blk_clock_info.khz, NSEC_PER_MSEC);
	KUNIT_EXPECT_LE(test, div64_u64(iter * acq, 1000 * r->nr_cpus), cycles);
	KUNIT_EXPECT_GE(test, div64_u64((iter + 1) * acq, 1000 * r->nr_cpus), cycles);
	KUNIT_EXPECT_EQ(test, blk_text_key(test, d->buf, "lock_cycles_per_acq", true),
			iter > harness ? iter - harness : 0);
	return 0;
}

static void blk_test_derived(struct kunit *test)
{
	struct blk_result *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	struct blk_derived d = { .test = test, .size = 4 * PAGE_SIZE };

	d.buf = kunit_kzalloc(test, d.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_ASSERT_NOT_NULL(test, d.buf);
	blk_engine_run(test, blk_lock_find("ttas"), "0", "200", res);
	blk_results_walk(blk_check_derived, &d, true);
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

/*
 * cs_lines: a lost update in the Nth line is a violation, as one in the
 * counter is (blk_result_finish() on shared data made so); colocated, the
 * first line is the word right after the lock, in its cache line.
 */
static void blk_test_cs_lines_lost(struct kunit *test)
{
	static const u32 nth[] = { 0, 1, 17, BLK_CS_LINES_MAX - 1 };
	struct blk_result *r = kunit_kzalloc(test, blk_result_size(1), GFP_KERNEL);
	struct blk_shared *sh = kunit_kzalloc(test, sizeof(*sh), GFP_KERNEL);
	struct blk_config cfg = { .lock = blk_lock_find("ttas"), .colocate = 1 };
	u64 acq[1];
	unsigned int j, i, colo;
	bool lost;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, sh);
	KUNIT_ASSERT_TRUE(test, blk_colocate_fits(cfg.lock));
	KUNIT_EXPECT_LT(test, blk_line0(&cfg) - offsetof(struct blk_shared, lock),
			(u32)SMP_CACHE_BYTES);
	for (colo = 0; colo < 2; colo++) {
		cfg.colocate = colo;
		for (j = 0; j <= ARRAY_SIZE(nth); j++) {
			memset(r, 0, blk_result_size(1));
			r->cfg.lock = cfg.lock;
			r->cfg.nlocks = 1;
			r->nr_cpus = 1;
			r->acquisitions = 1000;
			r->cpu[0].acquisitions = 1000;
			blk_shared_reset(sh, BLK_CS_LINES_MAX, blk_line0(&cfg));
			sh->word += 1000 * BLK_COUNT_ONE;
			for (i = 0; i < BLK_CS_LINES_MAX; i++)
				*blk_line(sh, i) = 1000;
			/* the last round loses none: the check's false positives */
			if (j < ARRAY_SIZE(nth))
				(*blk_line(sh, nth[j]))--;	/* the plant */
			blk_result_finish(r, acq, U64_MAX, sh);
			lost = j < ARRAY_SIZE(nth);
			KUNIT_EXPECT_EQ_MSG(test, r->lost_updates, (u64)lost,
					    "line %u, colocate %u", lost ? nth[j] : 0, colo);
			KUNIT_EXPECT_EQ(test, r->violations, r->lost_updates);
		}
	}
}

/*
 * nlocks: the counters of all the locks add up to the acquisitions; a lost
 * update under any one of them is a violation; the record says how many
 * were used and the fewest and most acquisitions of one.
 */
static void blk_test_nlocks_lost(struct kunit *test)
{
	const u32 n = 4;
	struct blk_result *r = kunit_kzalloc(test, blk_result_size(1), GFP_KERNEL);
	struct blk_shared *sh = kunit_kcalloc(test, n, sizeof(*sh), GFP_KERNEL);
	struct blk_config cfg = { .lock = blk_lock_find("ttas") };
	u64 acq[1];
	u32 i, short_one;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, sh);
	for (short_one = 0; short_one <= n; short_one++) {
		memset(r, 0, blk_result_size(1));
		r->cfg.lock = cfg.lock;
		r->cfg.nlocks = n;
		r->nr_cpus = 1;
		r->acquisitions = 1000;
		r->cpu[0].acquisitions = 1000;
		for (i = 0; i < n; i++) {
			blk_shared_reset(&sh[i], 2, blk_line0(&cfg));
			/* 400, 300, 200, 100; the lines with them */
			sh[i].word += (400 - 100 * i) * BLK_COUNT_ONE;
			*blk_line(&sh[i], 0) = 400 - 100 * i;
			*blk_line(&sh[i], 1) = 400 - 100 * i;
		}
		if (short_one < n)	/* the plant: one update lost under lock short_one */
			sh[short_one].word -= BLK_COUNT_ONE;
		blk_result_finish(r, acq, U64_MAX, sh);
		/* the counter short by one, and its two lines long by one each */
		KUNIT_EXPECT_EQ_MSG(test, r->lost_updates, short_one < n ? 3ULL : 0ULL,
				    "lock %u short", short_one);
		KUNIT_EXPECT_EQ(test, r->locks_used, (u64)n);
		KUNIT_EXPECT_EQ(test, r->lock_acq_max, 400ULL - (short_one == 0));
		KUNIT_EXPECT_EQ(test, r->lock_acq_min, 100ULL - (short_one == n - 1));
	}
}

/* nlocks in runs: every lock checked, hot_pct's skew, the refusals */
static void blk_test_nlocks_run(struct kunit *test)
{
	struct blk_result *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_nlocks, "0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_nlocks, "4097"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_hot_pct, "101"), -EINVAL);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, "ttas"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_duration_ms, "50"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_hot_pct, "90"), 0);
	KUNIT_EXPECT_EQ_MSG(test, blk_control("start"), -EINVAL, "hot_pct with one lock");
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_nlocks, "16"), 0);
	blk_engine_start(test, blk_lock_find("ttas"), res);
	KUNIT_EXPECT_EQ(test, res->cfg.nlocks, 16U);
	KUNIT_EXPECT_EQ(test, res->violations, 0ULL);
	KUNIT_EXPECT_EQ(test, res->locks_used, 16ULL);
	/* about 90 % on the first lock: its count is the largest, above 80 % */
	KUNIT_EXPECT_GE_MSG(test, res->lock_acq_max * 100, res->acquisitions * 80,
			    "%llu of %llu on the hot lock", res->lock_acq_max, res->acquisitions);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_hot_pct, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_nlocks, "4096"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, "clh"), 0);
	blk_engine_start(test, blk_lock_find("clh"), res);
	KUNIT_EXPECT_EQ(test, res->cfg.nlocks, 4096U);
	KUNIT_EXPECT_EQ(test, res->violations, 0ULL);
	KUNIT_EXPECT_GT(test, res->locks_used, 1ULL);
	/* the negative control, on 16 locks: every lock is checked */
	if (num_online_cpus() >= 2) {
		KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, "busted"), 0);
		KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_nlocks, "16"), 0);
		blk_engine_start(test, blk_lock_find("busted"), res);
		KUNIT_EXPECT_GT(test, res->violations, 0ULL);
	}
}

/* cs_lines in runs: clean for a lock, colocated or not; refused when wrong */
static void blk_test_cs_lines_run(struct kunit *test)
{
	struct blk_result *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	u64 before = blk_runs_done();

	KUNIT_ASSERT_NOT_NULL(test, res);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_cs_lines, "65"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_colocate, "yes"), -EINVAL);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, "ttas"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_duration_ms, "50"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_colocate, "on"), 0);
	KUNIT_EXPECT_EQ_MSG(test, blk_control("start"), -EINVAL, "colocate=on with no cs_lines");
	KUNIT_EXPECT_EQ(test, blk_runs_done(), before);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cs_lines, "16"), 0);
	blk_engine_start(test, blk_lock_find("ttas"), res);
	KUNIT_EXPECT_EQ(test, res->cfg.cs_lines, 16U);
	KUNIT_EXPECT_EQ(test, res->cfg.colocate, 1U);
	KUNIT_EXPECT_GT(test, res->acquisitions, 0ULL);
	KUNIT_EXPECT_EQ(test, res->violations, 0ULL);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_colocate, "off"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_check, "count"), 0);
	blk_engine_start(test, blk_lock_find("ttas"), res);
	KUNIT_EXPECT_EQ(test, res->cfg.colocate, 0U);
	KUNIT_EXPECT_GT(test, res->acquisitions, 0ULL);
	KUNIT_EXPECT_EQ(test, res->violations, 0ULL);
	/* a lock that fills its line leaves no room (lockdep's spinlock_t) */
	if (!blk_colocate_fits(blk_lock_find("spinlock"))) {
		KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, "spinlock"), 0);
		KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_colocate, "on"), 0);
		KUNIT_EXPECT_EQ(test, blk_control("start"), -EINVAL);
	}
}

/* log2(1 + @i/32) x 65536 bit by bit, by squaring: the table's check */
static u32 blk_log2_q16_slow(u32 i)
{
	u64 m = (u64)(32 + i) << 26;	/* 1 + i/32, Q31 */
	u32 r = 0;
	int b;

	if (m >= 1ULL << 32) {
		r = 1 << 16;
		m >>= 1;
	}
	for (b = 15; b >= 0; b--) {
		m = (m * m) >> 31;
		if (m >= 1ULL << 32) {
			r |= 1U << b;
			m >>= 1;
		}
	}
	return r;
}

/*
 * think_dist=exp: the table behind the draws; the draws' mean within 5 %
 * of the target (in loops, what the loop is given) and their second moment
 * within 10 % of 2 x mean^2, as an exponential distribution's is; and a
 * run with it, recorded as such.
 */
static void blk_test_think_exp(struct kunit *test)
{
	static const u64 means[] = { 100, 1000, 1000000 };
	struct blk_result *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	u64 rng = blk_rng_seed(0), sum, sum2, x, mean;
	unsigned int i, j;
	const unsigned int n = 1 << 18;
	s32 d;

	KUNIT_ASSERT_NOT_NULL(test, res);
	for (i = 0; i <= 32; i++) {
		d = (s32)blk_log2_q16_tab[i] - (s32)blk_log2_q16_slow(i);
		KUNIT_EXPECT_LE_MSG(test, abs(d), 2, "blk_log2_q16_tab[%u]", i);
	}
	for (j = 0; j < ARRAY_SIZE(means); j++) {
		mean = means[j];
		sum = 0;
		sum2 = 0;
		for (i = 0; i < n; i++) {
			x = blk_exp_draw(&rng, mean);
			sum += x;
			sum2 += div64_u64(x * x, mean);	/* in units of mean */
		}
		sum = div_u64(sum, n);
		sum2 = div64_u64(sum2 * 1000, (u64)n * mean);	/* E[x^2] / mean^2, x 1000 */
		KUNIT_EXPECT_LE_MSG(test, abs((s64)sum - (s64)mean) * 100, (s64)mean * 5,
				    "mean %llu for a target of %llu loops", sum, mean);
		KUNIT_EXPECT_LE_MSG(test, abs((s64)sum2 - 2000), (s64)200,
				    "second moment %llu/1000 of mean^2 (exponential: 2)", sum2);
	}
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, "ttas"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_duration_ms, "50"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_think_ns, "200"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_think_dist, "exp"), 0);
	blk_engine_start(test, blk_lock_find("ttas"), res);
	KUNIT_EXPECT_EQ(test, res->cfg.think_dist, (u32)BLK_THINK_EXP);
	KUNIT_EXPECT_GT(test, res->acquisitions, 0ULL);
	KUNIT_EXPECT_EQ(test, res->violations, 0ULL);
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
			KUNIT_EXPECT_EQ(test, c->kind[i].median_millicycles, 0ULL);
		/* the floor less itself is 0; an atomic RMW is not nothing */
		if (c->kind[i].ops->counted && c->kind[i].ops->rmw)
			KUNIT_EXPECT_GT_MSG(test, c->kind[i].median_millicycles, 0ULL,
					    "%s: cost measured nothing", c->kind[i].ops->name);
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

/* The leaky loop, with interrupts on or (irq_hz) off around each pair. */
static __always_inline void blk_leaky_loop(struct blk_worker *w, const bool irq)
{
	struct blk_lock *l = &w->sh->lock;
	unsigned long flags = 0;
	u64 acq = 0;
	u32 i;

	do {
		for (i = 0; i < w->batch; i++) {
			if (irq)
				local_irq_save(flags);
			blk_leaky_lock(l);
			WRITE_ONCE(w->sh->word, READ_ONCE(w->sh->word) + BLK_COUNT_ONE);
			blk_leaky_unlock(l);
			if (irq)
				local_irq_restore(flags);
		}
		acq += w->batch;
		WRITE_ONCE(w->progress, acq);
		cond_resched();
	} while (!READ_ONCE(*w->stop) && ktime_get_ns() < w->deadline_ns);
	w->acquisitions = acq;
	w->overlaps = 0;
}

static void blk_leaky_hammer(struct blk_worker *w)
{
	blk_leaky_loop(w, false);
}

static void blk_leaky_hammer_irq(struct blk_worker *w)
{
	blk_leaky_loop(w, true);
}

/*
 * Run leaky on @cpus with irq_hz @irq_hz: the run stops by itself within
 * a few watchdog periods, says so, and leaves the engine ready for the
 * next run.
 */
static void blk_watchdog_case(struct kunit *test, const char *cpus,
			      const char *irq_hz)
{
	/*
	 * Static, not kunit_kzalloc()ed: the run's record, kept in the results
	 * store after the case, points at its lock kind, and "cat stats" reads
	 * the name through it (freed with the case, that read was a
	 * use-after-free). The store is freed before the module's memory is.
	 */
	static struct blk_lock_ops blk_leaky_ops;
	struct blk_lock_ops *leaky = &blk_leaky_ops;
	const struct blk_lock_ops *ttas = blk_lock_find("ttas");
	struct blk_result *res = kunit_kzalloc(test, sizeof(*res), GFP_KERNEL);
	struct blk_config cfg;
	u64 before = blk_runs_done();

	KUNIT_ASSERT_NOT_NULL(test, res);
	*leaky = *ttas;
	leaky->name = "leaky";
	leaky->unlock = blk_leaky_unlock;
	leaky->hammer = blk_leaky_hammer;	/* ttas's rescue frees its word */
	leaky->hammer_irq = blk_leaky_hammer_irq;
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cpus, cpus), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_ncpus, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_duration_ms, "20000"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_watchdog_ms, "300"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_timing, "off"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, irq_hz), 0);
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
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "0"), 0);
	blk_engine_run(test, ttas, "0", "50", res);
	KUNIT_EXPECT_FALSE(test, res->stuck);
	KUNIT_EXPECT_EQ(test, res->violations, 0ULL);
}

/* A run whose lock is never released, on every CPU. */
static void blk_test_watchdog(struct kunit *test)
{
	blk_watchdog_case(test, "all", "0");
}

/*
 * The same with irq_hz, where the worker and its CPU's interrupt both spin
 * with interrupts off: the watchdog must fire from a CPU outside the run
 * (on one of the run's it would never fire, and the run would hang there
 * for good). So the run takes the last online CPU, and one on every CPU
 * is refused (blk_test_start_refuses).
 */
static void blk_test_watchdog_irq(struct kunit *test)
{
	char cpu[12];

	blk_need_smp(test);
	snprintf(cpu, sizeof(cpu), "%u", cpumask_last(cpu_online_mask));
	blk_watchdog_case(test, cpu, "1000");
}

static void blk_test_parse_new_knobs(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_timing, "bogus"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_timing, "every\n"), 0);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "3"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "2097152"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "1024"), 0);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "autos"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_check, "counts"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_check, "count"), 0);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_sample_every, "auto\n"), 0);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_loop, "references"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_loop, "engine"), 0);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_lock, "empty"), 0);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_backoff_min, "0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_backoff_max, "1048577"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "100001"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_cna_threshold, "1073741825"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_cna_threshold_ns, "1000000001"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "100"), 0);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_think_dist, "expo"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_knob_write(BLK_KNOB_think_dist, "exp"), 0);
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
	/* irq_hz on every CPU: nowhere for the watchdog to fire */
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cpus, "all"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_ncpus, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "100"), 0);
	KUNIT_EXPECT_EQ(test, blk_control("start"), -EINVAL);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_loop, "reference"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_timing, "off"), 0);
	KUNIT_EXPECT_EQ(test, blk_control("start"), -EINVAL);
	/* the reference loop checks nothing: check=count means nothing there */
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_check, "count"), 0);
	KUNIT_EXPECT_EQ(test, blk_control("start"), -EINVAL);
	/* cna with neither a time nor a count limit could starve a node */
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_check, "full"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_loop, "engine"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, "cna"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cna_threshold, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cna_threshold_ns, "0"), 0);
	KUNIT_EXPECT_EQ(test, blk_control("start"), -EINVAL);
	/* an exponential draw needs a mean */
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_cna_threshold_ns, "1000000"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, "ttas"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_think_ns, "0"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_think_dist, "exp"), 0);
	KUNIT_EXPECT_EQ(test, blk_control("start"), -EINVAL);
	KUNIT_EXPECT_EQ(test, blk_runs_done(), before);
	KUNIT_EXPECT_FALSE(test, blk_running());
}

/*
 * .exit puts the knobs back, so a case's settings do not leak into the
 * next: set some, restore as .exit does, and find them as .init saved them.
 */
static void blk_test_knobs_restored(struct kunit *test)
{
	struct blk_config before, now;

	mutex_lock(&blk_mutex);
	blk_config_get(&before);
	mutex_unlock(&blk_mutex);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_lock, "empty"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_timing, "every"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_loop, "reference"), 0);
	KUNIT_ASSERT_EQ(test, blk_knob_write(BLK_KNOB_irq_hz, "7"), 0);
	blk_knobs_restore(test);
	mutex_lock(&blk_mutex);
	blk_config_get(&now);
	mutex_unlock(&blk_mutex);
	KUNIT_EXPECT_PTR_EQ(test, now.lock, before.lock);
	KUNIT_EXPECT_EQ(test, now.timing, before.timing);
	KUNIT_EXPECT_EQ(test, now.loop, before.loop);
	KUNIT_EXPECT_EQ(test, now.irq_hz, before.irq_hz);
	KUNIT_EXPECT_EQ(test, memcmp(&now, &before, sizeof(now)), 0);
}

static struct kunit_case blk_engine_cases[] = {
	KUNIT_CASE(blk_test_timing_modes),
	KUNIT_CASE(blk_test_sample_auto),
	KUNIT_CASE(blk_test_run_record),
	KUNIT_CASE(blk_test_derived),
	KUNIT_CASE(blk_test_reference),
	KUNIT_CASE(blk_test_think_exp),
	KUNIT_CASE(blk_test_cs_lines_lost),
	KUNIT_CASE(blk_test_cs_lines_run),
	KUNIT_CASE(blk_test_nlocks_lost),
	KUNIT_CASE(blk_test_nlocks_run),
	KUNIT_CASE(blk_test_cost),
	KUNIT_CASE(blk_test_watchdog),
	KUNIT_CASE(blk_test_watchdog_irq),
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

kunit_test_suites(&blk_engine_suite);
