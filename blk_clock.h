/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: how it measures time (blk_clock.c): the cycle clock, its
 * calibration, and the work loops calibrated against it.
 */
#ifndef _BLK_CLOCK_H
#define _BLK_CLOCK_H

#include <linux/compiler.h>
#include <linux/timekeeping.h>
#include <linux/timex.h>
#include <linux/types.h>

/**
 * struct blk_clock_info - how the engine measures time.
 * @name: "tsc", "get_cycles" or "ktime" (cycles are then ns).
 * @khz: cycles per millisecond, calibrated against ktime_get_ns() at load.
 * @overhead: cycles one timestamp pair costs (the minimum of many back to
 *	back reads); subtracted from every sample.
 * @is_ns: the clock is ktime_get_ns(): "cycles" are nanoseconds.
 * @cs_loops_per_ms: calibrated critical-section work loops per ms.
 * @think_loops_per_ms: calibrated think work loops per ms.
 */
struct blk_clock_info {
	const char *name;
	u32 khz;
	u64 overhead;
	bool is_ns;
	u64 cs_loops_per_ms;
	u64 think_loops_per_ms;
};

extern struct blk_clock_info blk_clock_info;

/*
 * On x86 the TSC, read with rdtsc_ordered() so the read cannot drift before
 * the lock operation it times. Elsewhere get_cycles(), and where that is 0
 * (UML) ktime_get_ns(), so "cycles" are then nanoseconds: not local_clock(),
 * which is jiffies there.
 */
static __always_inline u64 blk_clock(void)
{
#ifdef CONFIG_X86
	return rdtsc_ordered();
#else
	if (blk_clock_info.is_ns)
		return ktime_get_ns();
	return get_cycles();
#endif
}

static inline u64 blk_sub_overhead(u64 d)
{
	return d > blk_clock_info.overhead ? d - blk_clock_info.overhead : 0;
}

void blk_calibrate(void);
u64 blk_cycles_to_ns(u64 cycles);
u64 blk_ns_to_cycles(u64 ns);
u64 blk_ns_to_loops(u32 ns, u64 loops_per_ms);

#endif /* _BLK_CLOCK_H */
