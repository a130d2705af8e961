/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock statistics: log-linear latency histograms, percentiles and
 * fairness, in integer arithmetic.
 *
 * The histogram is HDR style. Values below BLK_HIST_SUB (16) each have a
 * bucket of their own. Above that, every power of two [2^e, 2^(e+1)) is cut
 * into BLK_HIST_SUB equal sub-buckets, so a bucket is never wider than 1/16
 * of its lower bound: any percentile read from it is within 6.25% of the
 * true sample, whatever the magnitude, and all 64-bit values fit in 976
 * buckets. Recording is a shift, an fls and an increment.
 */
#ifndef _BLK_STATS_H
#define _BLK_STATS_H

#include <linux/bitops.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/types.h>

#define BLK_HIST_SUB_BITS	4
#define BLK_HIST_SUB		BIT(BLK_HIST_SUB_BITS)
#define BLK_HIST_BUCKETS	((64 - BLK_HIST_SUB_BITS + 1) * BLK_HIST_SUB)

/**
 * struct blk_hist - a log-linear histogram of u64 samples.
 * @count: samples recorded.
 * @sum: their sum (for the mean).
 * @min: the smallest sample, U64_MAX when empty.
 * @max: the largest sample, 0 when empty.
 * @buckets: counts; see blk_hist_index().
 */
struct blk_hist {
	u64 count;
	u64 sum;
	u64 min;
	u64 max;
	u64 buckets[BLK_HIST_BUCKETS];
};

/**
 * blk_hist_index() - the bucket a value falls in.
 * @v: the value.
 *
 * Return: an index below BLK_HIST_BUCKETS.
 */
static inline unsigned int blk_hist_index(u64 v)
{
	unsigned int e;

	if (v < BLK_HIST_SUB)
		return v;
	e = fls64(v) - 1;	/* 2^e <= v < 2^(e+1), e >= SUB_BITS */
	return (e - BLK_HIST_SUB_BITS + 1) * BLK_HIST_SUB +
	       (unsigned int)(v >> (e - BLK_HIST_SUB_BITS)) - BLK_HIST_SUB;
}

/**
 * blk_hist_add() - record one sample.
 * @h: the histogram.
 * @v: the sample.
 */
static inline void blk_hist_add(struct blk_hist *h, u64 v)
{
	h->buckets[blk_hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void blk_hist_init(struct blk_hist *h);
u64 blk_hist_bucket_low(unsigned int idx);
u64 blk_hist_bucket_high(unsigned int idx);
void blk_hist_merge(struct blk_hist *dst, const struct blk_hist *src);
u64 blk_hist_percentile(const struct blk_hist *h, u32 ppm);
u64 blk_ratio_micro(u64 num, u64 den);
u64 blk_jain_micro(const u64 *x, unsigned int n);

/*
 * a * b / c, exact however large a * b (a 128-bit product where the CPU has
 * one); 0 for c == 0. A run of 1.8e10 acquisitions already overflows 64
 * bits in acquisitions * NSEC_PER_SEC.
 */
static inline u64 blk_mul_div(u64 a, u32 b, u64 c)
{
	return c ? mul_u64_u64_div_u64(a, b, c) : 0;
}

#endif /* _BLK_STATS_H */
