// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the knob parsers behind debugfs and the module parameters
 * (blacklock_parse).
 */
#include "blk_test.h"

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

kunit_test_suites(&blk_parse_suite);
