// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the engine's clock, and the calibrations made with it at load.
 *
 *   - the clock's rate, against ktime_get_ns(), over 20 ms of sleep;
 *   - the cost of one timestamp pair (the minimum of many back-to-back
 *     reads), subtracted from every sample;
 *   - loops per ms of the critical-section and think work functions, so
 *     that cs_ns and think_ns become loop counts (every record carries the
 *     counts it ran with).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/timekeeping.h>

#include "blk_clock.h"
#include "blk_loop.h"

struct blk_clock_info blk_clock_info;

/**
 * blk_cycles_to_ns() - convert engine clock cycles to nanoseconds.
 * @cycles: a duration in blk_clock() units.
 *
 * Return: the duration in ns, by the frequency calibrated at load.
 */
u64 blk_cycles_to_ns(u64 cycles)
{
	if (!blk_clock_info.khz)
		return 0;
	return mul_u64_u32_div(cycles, NSEC_PER_MSEC, blk_clock_info.khz);
}

/**
 * blk_ns_to_cycles() - nanoseconds in the engine's clock's cycles.
 * @ns: the time.
 *
 * Return: the cycles, as blk_cycles_to_ns() would give them back.
 */
u64 blk_ns_to_cycles(u64 ns)
{
	return mul_u64_u32_div(ns, blk_clock_info.khz, NSEC_PER_MSEC);
}

/**
 * blk_ns_to_loops() - a work duration as a loop count.
 * @ns: the duration.
 * @loops_per_ms: the work function's calibrated rate.
 *
 * Return: the loops that take about @ns.
 */
u64 blk_ns_to_loops(u32 ns, u64 loops_per_ms)
{
	return div_u64((u64)ns * loops_per_ms, NSEC_PER_MSEC);
}

/* @n loops of a work function, timed by ktime_get_ns() */
static u64 blk_time_loops(bool shared, u64 n)
{
	static struct blk_shared dummy;
	u64 t0, dt;

	preempt_disable();
	t0 = ktime_get_ns();
	if (shared)
		blk_cs_work(&dummy, n);
	else
		blk_think_work(n);
	dt = ktime_get_ns() - t0;
	preempt_enable();
	return dt;
}

/*
 * Loops per ms of a work function: the best of three timed batches, each
 * of as many loops as take BLK_CALIBRATE_NS at least (doubled from 100000
 * until they do). A batch of a fixed count read a clock that had not moved
 * when ktime was still jiffies (early in a boot, a KUnit kernel under
 * qemu): 0 ns, and loops per ms 10^5 times too many, so that think_ns=200
 * made 20 million loops an iteration. Ten ms span at least two jiffies.
 */
#define BLK_CALIBRATE_NS	(10 * NSEC_PER_MSEC)

static u64 blk_calibrate_loops(bool shared)
{
	u64 n = 100000, best = U64_MAX;
	int i;

	while (blk_time_loops(shared, n) < BLK_CALIBRATE_NS && n < (1ULL << 36))
		n *= 2;
	for (i = 0; i < 3; i++)
		best = min(best, blk_time_loops(shared, n));
	return div64_u64(n * NSEC_PER_MSEC, max_t(u64, best, 1));
}

/**
 * blk_calibrate() - pick the clock and calibrate it and the work loops.
 *
 * Sleeps about 20 ms, and busy about 80 ms (the work loops' calibration,
 * preemption off for 10 ms at a time). Call once at load.
 */
void blk_calibrate(void)
{
	u64 t0, c0, a, b, best = U64_MAX;
	int i;

#ifdef CONFIG_X86
	blk_clock_info.name = "tsc";
#else
	blk_clock_info.name = "get_cycles";
	if (!get_cycles()) {
		usleep_range(10, 20);
		if (!get_cycles()) {
			blk_clock_info.is_ns = true;
			blk_clock_info.name = "ktime";
		}
	}
#endif
	t0 = ktime_get_ns();
	c0 = blk_clock();
	msleep(20);
	a = blk_clock() - c0;
	b = ktime_get_ns() - t0;
	blk_clock_info.khz = blk_clock_info.is_ns ? 1000000 :
			     div64_u64(a * NSEC_PER_MSEC, max_t(u64, b, 1));

	preempt_disable();
	for (i = 0; i < 10000; i++) {
		a = blk_clock();
		b = blk_clock();
		best = min(best, b - a);
	}
	preempt_enable();
	blk_clock_info.overhead = best;
	blk_clock_info.cs_loops_per_ms = blk_calibrate_loops(true);
	blk_clock_info.think_loops_per_ms = blk_calibrate_loops(false);
	pr_info("clock %s at %u kHz, timestamp cost %llu cycles, %llu cs / %llu think loops per ms\n",
		blk_clock_info.name, blk_clock_info.khz, blk_clock_info.overhead,
		blk_clock_info.cs_loops_per_ms, blk_clock_info.think_loops_per_ms);
}
