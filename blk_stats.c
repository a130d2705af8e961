// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock statistics: histogram edges, merging, percentiles, fairness.
 *
 * No floating point in the kernel: ratios are returned in millionths
 * ("micro" units) and printed as fixed-point decimals by the interface.
 */
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/math64.h>
#include <linux/string.h>

#include "blk_stats.h"

/**
 * blk_hist_init() - empty a histogram.
 * @h: the histogram.
 */
void blk_hist_init(struct blk_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = U64_MAX;
}

/**
 * blk_hist_bucket_low() - the smallest value a bucket holds.
 * @idx: bucket index, below BLK_HIST_BUCKETS.
 *
 * Return: the bucket's lower bound.
 */
u64 blk_hist_bucket_low(unsigned int idx)
{
	unsigned int e, sub;

	if (idx < BLK_HIST_SUB)
		return idx;
	e = idx / BLK_HIST_SUB + BLK_HIST_SUB_BITS - 1;
	sub = idx % BLK_HIST_SUB;
	return (u64)(BLK_HIST_SUB + sub) << (e - BLK_HIST_SUB_BITS);
}

/**
 * blk_hist_bucket_high() - the largest value a bucket holds.
 * @idx: bucket index, below BLK_HIST_BUCKETS.
 *
 * Return: the bucket's upper bound (inclusive); U64_MAX for the last one.
 */
u64 blk_hist_bucket_high(unsigned int idx)
{
	unsigned int e;

	if (idx < BLK_HIST_SUB)
		return idx;
	e = idx / BLK_HIST_SUB + BLK_HIST_SUB_BITS - 1;
	return blk_hist_bucket_low(idx) + ((1ULL << (e - BLK_HIST_SUB_BITS)) - 1);
}

/**
 * blk_hist_merge() - add one histogram into another.
 * @dst: the sum.
 * @src: what to add.
 */
void blk_hist_merge(struct blk_hist *dst, const struct blk_hist *src)
{
	unsigned int i;

	if (!src->count)
		return;
	for (i = 0; i < BLK_HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum += src->sum;
	dst->min = min(dst->min, src->min);
	dst->max = max(dst->max, src->max);
}

/**
 * blk_hist_percentile() - the value below which a fraction of samples fall.
 * @h: the histogram.
 * @ppm: the fraction in millionths: 500000 is the median, 999000 is p99.9.
 *
 * Finds the bucket holding the sample of rank ceil(count * ppm / 1e6) and
 * returns its upper bound (HDR's "highest equivalent value"), but never more
 * than the largest sample recorded. So p100 is the exact maximum and any
 * other percentile overstates the true sample by less than 1/16.
 *
 * Return: the percentile, or 0 for an empty histogram.
 */
u64 blk_hist_percentile(const struct blk_hist *h, u32 ppm)
{
	u64 rank, seen = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	if (ppm >= 1000000)
		return h->max;
	if (h->count <= U64_MAX / 1000000)
		rank = div_u64(h->count * ppm + 999999, 1000000);
	else
		rank = mul_u64_u32_div(h->count, ppm, 1000000) + 1;
	if (!rank)
		rank = 1;
	for (i = 0; i < BLK_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			return min(blk_hist_bucket_high(i), h->max);
	}
	return h->max;
}

/**
 * blk_ratio_micro() - num / den in millionths, without overflow.
 * @num: numerator.
 * @den: denominator, below 2^60.
 *
 * Long division: the integer part by div64, then six decimal digits one at a
 * time, each step multiplying a remainder smaller than @den by ten.
 *
 * Return: floor(num * 1e6 / den); U64_MAX if @den is 0 or the result does
 * not fit.
 */
u64 blk_ratio_micro(u64 num, u64 den)
{
	u64 q, r, frac = 0;
	int i;

	if (!den || den >= (1ULL << 60))
		return U64_MAX;
	q = div64_u64_rem(num, den, &r);
	if (q > U64_MAX / 1000000)
		return U64_MAX;
	for (i = 0; i < 6; i++) {
		r *= 10;
		frac = frac * 10 + div64_u64_rem(r, den, &r);
	}
	return q * 1000000 + frac;
}

/**
 * blk_jain_micro() - Jain's fairness index of @n shares, in millionths.
 * @x: the shares (e.g. acquisitions per CPU).
 * @n: how many; at most 8192.
 *
 * J = (sum x)^2 / (n * sum x^2): 1 when all shares are equal, 1/n when one
 * CPU got everything. The shares are first shifted right until the largest
 * fits in 16 bits, which keeps both sums below 2^58 for n <= 8192 and
 * changes J by at most a few parts in 10^5.
 *
 * Return: J x 1e6 (1000000 = perfectly fair); 0 if @n is 0 or all are 0.
 */
u64 blk_jain_micro(const u64 *x, unsigned int n)
{
	u64 big = 0, sum = 0, sq = 0, v;
	unsigned int i, shift;

	for (i = 0; i < n; i++)
		big = max(big, x[i]);
	if (!n || !big)
		return 0;
	shift = fls64(big) > 16 ? fls64(big) - 16 : 0;
	for (i = 0; i < n; i++) {
		v = x[i] >> shift;
		sum += v;
		sq += v * v;
	}
	return min_t(u64, blk_ratio_micro(sum * sum, (u64)n * sq), 1000000);
}
