/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the hot loops' world (blk_loop.c): the shared data a run
 * guards, one worker's state, and the per-kind loops the ops table points
 * to.
 */
#ifndef _BLK_LOOP_H
#define _BLK_LOOP_H

#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/types.h>

#include "blk_counters.h"
#include "blk_kinds.h"
#include "blk_stats.h"

struct blk_lock_ops;
struct blk_config;

/* the cs_lines knob's largest value: a page of lines */
#define BLK_CS_LINES_MAX	64
/* the nlocks knob's largest value */
#define BLK_NLOCKS_MAX		4096

/*
 * The run's shared data. The lock lives alone in its cache line; the data
 * it protects is in the next one, so the lock word's line carries only lock
 * traffic.
 *
 * @word is what the exclusion check guards: in its low BLK_OWNER_BITS the
 * index of the worker inside, or, once it has left, of the last one inside
 * (BLK_NOBODY before the first); above them the BLK_FREE flag, set while
 * nobody is inside; above that a counter that every critical section
 * increments with a non-atomic read-modify-write. Two workers inside at
 * once either find the flag clear or lose an increment, and the owner field
 * tells each acquisition who had the lock before it; one word keeps all of
 * it to one load and one store on entry and on exit (see blk_loop.c).
 *
 * @rel_seq and @rel_t: a timed critical section's number (the counter it
 * wrote) and the clock just before its unlock, for the handoff latency of
 * the next one.
 *
 * @nr_lines: cs_lines: the critical section also increments one word in
 * each of that many cache lines, plainly, as the counter; each must end at
 * the acquisitions (blk_result_finish()). Line i > 0 is @line[i]; line 0
 * is @line0 bytes from the start of the struct: @line[0], or with
 * colocate=on the first free word after the lock, in its cache line.
 */
struct blk_shared {
	struct blk_lock lock ____cacheline_aligned;
	u64 word ____cacheline_aligned;
	u64 data[4];
	u64 rel_seq;
	u64 rel_t;
	u32 nr_lines;
	u32 line0;
	u64 line[BLK_CS_LINES_MAX][SMP_CACHE_BYTES / sizeof(u64)] ____cacheline_aligned;
};

/* Line @i's word of the critical section's cache lines (cs_lines). */
static __always_inline u64 *blk_line(struct blk_shared *sh, u32 i)
{
	return i ? sh->line[i] : (u64 *)((char *)sh + sh->line0);
}

#define BLK_OWNER_BITS		20
#define BLK_OWNER_MASK		(BIT_ULL(BLK_OWNER_BITS) - 1)
#define BLK_NOBODY		BLK_OWNER_MASK
#define BLK_FREE		BIT_ULL(BLK_OWNER_BITS)
#define BLK_COUNT_SHIFT		(BLK_OWNER_BITS + 1)
#define BLK_COUNT_ONE		BIT_ULL(BLK_COUNT_SHIFT)
#define BLK_WORD_INIT		(BLK_FREE | BLK_NOBODY)

/* The counter part of a shared word. */
static inline u64 blk_word_count(u64 word)
{
	return word >> BLK_COUNT_SHIFT;
}

/*
 * One worker's stamps, alone in their cache line, written by its timed
 * iterations only: @t when it last asked for the lock, @granted when it
 * last got it. It waits while @granted < @t.
 */
struct blk_arrival {
	u64 t;
	u64 granted;
} ____cacheline_aligned;

/**
 * struct blk_worker - one worker's hot loop: what it is given, what it counts.
 * @sh: the shared data and lock.
 * @cpu: the CPU it runs on.
 * @idx: its index among the run's workers: the owner field's value.
 * @nr: the run's workers.
 * @from: out: from[i], acquisitions it made straight after worker i's
 *	(its row of the who-handed-to-whom matrix); @nr entries.
 * @arrivals: every worker's arrival and grant stamps, by index (timed
 *	iterations).
 * @cs_loops: blk_cs_work() loops inside the critical section.
 * @think_loops: blk_think_work() loops after it (their mean, with @think_exp).
 * @think_exp: think_dist=exp: each think time drawn by blk_exp_draw().
 * @rng: the draws' state (blk_rng_seed()).
 * @nlocks: the run's locks: @sh is the first of that many.
 * @hot: the chance, in 2^-32, that an acquisition takes the first
 *	(blk_hot()); 0: every one uniformly.
 * @sample_every: time one acquisition in this many; 0: none.
 * @batch: the most iterations between two looks at the stop flag and the
 *	deadline.
 * @batch_start: the first batch's (blk_loop.c adapts the others).
 * @deadline_ns: ktime_get_ns() at which the loop ends by itself.
 * @stop: ends the loop early when it reads true.
 * @progress: acquisitions so far, stored after every batch (the watchdog
 *	reads it).
 * @acquisitions: out: and every other counter of blk_counters_list.h that
 *	the loop counts, one u64 each (acquisitions, overlaps, handoffs, ...).
 * @acquire: out: the sampled acquire latencies (request to grant).
 * @hold: out: the sampled hold times (grant to release).
 * @handoff: out: sampled handoffs: a timed release to the next timed grant
 *	by another worker.
 */
struct blk_worker {
	struct blk_shared *sh;
	u32 cpu;
	u32 idx;
	u32 nr;
	u64 *from;
	struct blk_arrival *arrivals;
	u64 cs_loops;
	u64 think_loops;
	bool think_exp;
	u64 rng;
	u32 nlocks;
	u32 hot;
	u64 sample_every;
	u32 batch;
	u32 batch_start;
	u64 deadline_ns;
	const bool *stop;
	u64 progress;
#define BLK_COUNTER(name, from, merge, doc)	BLK_IF_loop_##from(u64 name;)
#include "blk_counters_list.h"
#undef BLK_COUNTER
	struct blk_hist *acquire;
	struct blk_hist *hold;
	struct blk_hist *handoff;
};

/*
 * Order: who had the lock before us, from the word we read on entry (no
 * extra access). A run of our own acquisitions grows the streak; another
 * owner's ends it and counts a handoff, into our row of the matrix when
 * the owner was a worker (an interrupt's owner field is past the workers').
 * Here, not in blk_loop.c, so that KUnit can replay a sequence of owners
 * through the very function the loops inline.
 */
struct blk_order {
	u64 *from;
	u32 nr;
	u64 streak;
	u64 longest;
	u64 handoffs;
	u64 first_overlap;
};

static __always_inline void blk_order_note(struct blk_order *o, u64 entry,
					   u32 overlaps, const u32 me)
{
	const u32 prev = entry & BLK_OWNER_MASK;

	if (unlikely(overlaps) && !o->first_overlap)
		o->first_overlap = blk_word_count(entry) + 1;
	if (likely(prev == me)) {
		o->streak++;
		return;
	}
	o->longest = max(o->longest, o->streak);
	o->streak = 1;
	if (prev != BLK_NOBODY) {
		o->handoffs++;
		if (prev < o->nr)
			o->from[prev]++;
	}
}

/*
 * Workers that asked for the lock before we did (@t0) and got it after we
 * did (@t1), or wait for it still: each was overtaken by this acquisition.
 * Run after the unlock, so that the scan (a remote cache line per worker)
 * is not timed as part of the hold, nor lengthens the critical section;
 * a waiter granted since then is known by its grant stamp. Only timed
 * iterations publish their stamps, so with timing=sample this sees a
 * sample of the waiters; a waiter that has since asked again (new
 * stamps, after @t0) is not counted for its earlier request; and, since
 * each worker stamps its grant after its own unlock too, one granted
 * before us that has not stamped it yet (it would have to be held up
 * between its unlock and that store for our whole critical section) is
 * counted when it should not be. Here, not in
 * blk_loop.c, so that KUnit can script the stamps.
 */
static __always_inline u64 blk_overtaken(const struct blk_arrival *arrivals,
					 u32 nr, u32 me, u64 t0, u64 t1)
{
	u64 n = 0, t, g;
	u32 i;

	for (i = 0; i < nr; i++) {
		t = READ_ONCE(arrivals[i].t);
		g = READ_ONCE(arrivals[i].granted);
		n += i != me && t && t < t0 && (g < t || g > t1);
	}
	return n;
}

/* the harness floor (blk_floors()): about this long, best of three */
#define BLK_FLOOR_NS		2000000
#define BLK_FLOOR_TRIES		3

/*
 * sample_every=auto, the arithmetic both engines choose the stride by:
 * the stride at which timing costs one worker at most BLK_SAMPLE_COST_PPM
 * of an iteration, from what a timed iteration adds (@extra) and its floor
 * (both in millicycles), rounded up; the run takes the largest, as a power
 * of two (blk_sample_stride()); what timing then costs a worker.
 */
#define BLK_SAMPLE_EVERY_MAX	1048576
#define BLK_SAMPLE_COST_PPM	20000

static inline u64 blk_sample_want(u64 extra, u64 floor)
{
	/* rounded up; not DIV_ROUND_UP_ULL(): its divisor is 32-bit */
	return div64_u64(extra * 1000000 + BLK_SAMPLE_COST_PPM * floor - 1,
			 BLK_SAMPLE_COST_PPM * floor);
}

static inline u64 blk_sample_stride(u64 want)
{
	return min_t(u64, roundup_pow_of_two(want), BLK_SAMPLE_EVERY_MAX);
}

static inline u64 blk_sample_cost(u64 extra, u64 every, u64 floor)
{
	return div64_u64(extra * 1000000, every * floor);
}

/* one batch of iterations between looks at the clock takes about this */
#define BLK_BATCH_NS		50000
#define BLK_BATCH_MAX		256

/* A batch slower than this halves the next one (blk_loop.c). */
#define BLK_BATCH_SLOW_NS	1000000

/* A hot loop: runs @w until its deadline or its stop flag. */
typedef void blk_hammer_fn(struct blk_worker *w);
/* @pairs back-to-back lock/unlock pairs, timed as a block: cycles. */
typedef u64 blk_cost_fn(struct blk_lock *l, u32 pairs);

/* The loops, blk_loop.c, declared here for the ops table. */
#define BLK_KIND(id, ...)	\
	blk_hammer_fn blk_hammer_##id, blk_hammer_irq_##id,	\
		blk_hammer_count_##id, blk_hammer_irq_count_##id,	\
		blk_reference_##id;				\
	blk_cost_fn blk_cost_##id, blk_cost_call_##id;
#include "blk_kinds_list.h"
#undef BLK_KIND

void blk_shared_reset(struct blk_shared *sh, u32 nr_lines, u32 line0);
bool blk_colocate_fits(const struct blk_lock_ops *ops);
u32 blk_line0(const struct blk_config *cfg);
int blk_locks_init(struct blk_shared *sh, const struct blk_config *cfg);
void blk_worker_knobs(struct blk_worker *w, const struct blk_config *cfg);
u64 blk_floors(blk_hammer_fn *fn, const struct blk_worker *worker,
	       struct blk_shared *sh, u32 cs_ns, u32 think_ns,
	       bool sample_auto, u64 *timed_extra);
void blk_cs_work(struct blk_shared *sh, u64 loops);
u32 blk_irq_iteration(const struct blk_lock_ops *ops, struct blk_shared *sh,
		      u32 me, u64 *held_ns, u64 *wait);
u64 blk_think_work(u64 loops);

/*
 * think_dist=exp: each think time drawn from an exponential distribution
 * of mean think_loops, so that arrivals are a Poisson process rather than
 * in lockstep. In integers only, as the kernel has no floating point, and
 * the same in both worlds: a xorshift64 draw (a few shifts and xors, on a
 * state of the worker's own) gives u, uniform on 1 .. 2^32 - 1, and the
 * draw is mean x -ln(u / 2^32) = mean x (32 - log2 u) x ln 2, with log2 u
 * from blk_log2_q16_tab interpolated (off by less than 2e-4 of a unit).
 * The longest draw is 22 times the mean (u = 1). Outside the timed
 * section, before the think work; KUnit holds the mean to its target.
 */
#define BLK_LN2_Q16	45426		/* ln 2 x 2^16 */
#define BLK_EXP_MEAN_MAX	BIT_ULL(26)	/* mean x 2^21 x 2^16 fits in 64 bits */
extern const u32 blk_log2_q16_tab[33];

static inline u64 blk_rng_seed(u32 idx)
{
	return (idx + 1) * 0x9e3779b97f4a7c15ULL;	/* never 0 */
}

static __always_inline u64 blk_rand(u64 *state)
{
	u64 x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* log2(@u) for @u >= 1, in 1/65536ths */
static __always_inline u32 blk_log2_q16(u32 u)
{
	const u32 e = 31 - __builtin_clz(u);
	const u32 f = (u << (31 - e)) & 0x7fffffffU;	/* the fraction, Q31 */
	const u32 i = f >> 26, r = f & ((1U << 26) - 1);
	const u32 lo = blk_log2_q16_tab[i], hi = blk_log2_q16_tab[i + 1];

	return (e << 16) + lo + (u32)(((u64)(hi - lo) * r) >> 26);
}

/* hot_pct as blk_pick() takes it: a chance in 2^-32 */
static inline u32 blk_hot(u32 hot_pct)
{
	return hot_pct >= 100 ? U32_MAX : (u32)div_u64((u64)hot_pct << 32, 100);
}

/*
 * nlocks: the lock (and its data) of this acquisition, one of @nlocks from
 * @base: the first with a chance of @hot in 2^32, else one of the others
 * uniformly; with @hot 0, one of all @nlocks uniformly. One draw of the
 * worker's own, multiply-shift for the index (no division).
 */
static __always_inline struct blk_shared *blk_pick(struct blk_shared *base,
						   const u32 nlocks,
						   const u32 hot, u64 *state)
{
	u64 x;

	if (nlocks == 1)
		return base;
	x = blk_rand(state);
	if (!hot)
		return base + (((x & U32_MAX) * nlocks) >> 32);
	if ((u32)(x >> 32) < hot)
		return base;
	return base + 1 + (((x & U32_MAX) * (nlocks - 1)) >> 32);
}

static __always_inline u64 blk_exp_draw(u64 *state, u64 mean)
{
	u32 u = blk_rand(state) >> 32;
	u64 l;

	if (!u)
		u = 1;
	l = (32ULL << 16) - blk_log2_q16(u);	/* -log2(u / 2^32), Q16 */
	if (mean > BLK_EXP_MEAN_MAX)
		mean = BLK_EXP_MEAN_MAX;
	return (mean * l * BLK_LN2_Q16) >> 32;
}

#endif /* _BLK_LOOP_H */
