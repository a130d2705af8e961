// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the hot loops, one set per lock kind.
 *
 * Each loop below is written once, __always_inline, with the lock kind as
 * its first argument; the BLK_KIND() list then instantiates it per kind
 * with that argument a constant (the way kernel/locking/qspinlock.c builds
 * its slow path twice), so every kind's loop has its own lock and unlock
 * inlined: for ttas, a "lock cmpxchg", a branch to the out-of-line slow
 * path, and a store. No indirect call and no retpoline sit near the lock;
 * make check disassembles the module to prove it (tools/zerocost.py).
 *
 *   blk_hammer_<kind>     the engine's loop: exclusion checks, work, and
 *                         the timestamps the timing mode asks for
 *   blk_reference_<kind>  lock, counter++, unlock: the simplest loop there
 *                         is, the yardstick for the engine's own cost
 *   blk_cost_<kind>       back-to-back pairs, timed as a block: the
 *                         uncontended cost of the lock ("cost" in control)
 *
 * An engine iteration:
 *
 *	lock;
 *	claim the owner field and bump the counter (one load, one store),
 *	cs_ns of work on shared data (a call only when cs_ns > 0),
 *	read the word back and free the owner field (one load, one store);
 *	unlock;
 *	count an overlap if either read was not what it should be;
 *	think_ns of work on local data (a call only when think_ns > 0)
 *
 * One iteration in sample_every (all with timing=every, none with
 * timing=off) also reads the clock before the lock, after it and before
 * the unlock: acquire latency and hold time. The others read no clock at
 * all: under TCG a guest rdtsc takes a host-wide lock in QEMU, so timing
 * every iteration also made the workers contend on a lock nobody asked to
 * measure. Between batches of iterations the loop looks at the stop flag
 * and the deadline, and calls cond_resched().
 *
 * Mutual exclusion is checked twice over, on one shared word (struct
 * blk_shared): its owner field must read "nobody" on entry and the word
 * must be as we left it on exit; each miss is an overlap. And its counter
 * is incremented with a non-atomic read-modify-write, so two CPUs inside at
 * once lose updates.
 */
#include <linux/compiler.h>
#include <linux/kcsan-checks.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>

#include "blacklock.h"

/**
 * blk_cs_work() - critical-section work: read-modify-writes of shared data.
 * @sh: the shared data.
 * @loops: how many, from the calibration behind cs_ns.
 */
noinline void blk_cs_work(struct blk_shared *sh, u64 loops)
{
	u64 i;

	for (i = 0; i < loops; i++)
		WRITE_ONCE(sh->data[i & 3], READ_ONCE(sh->data[i & 3]) + 1);
}

/**
 * blk_think_work() - think time: arithmetic on a register.
 * @loops: how many, from the calibration behind think_ns.
 *
 * Return: a value that depends on every step, so none can be dropped.
 */
noinline u64 blk_think_work(u64 loops)
{
	u64 i, x = loops;

	for (i = 0; i < loops; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		/* volatile: or GCC deems the function pure and drops calls */
		asm volatile("" : "+r" (x));
	}
	return x;
}

/*
 * Inside the lock: claim the owner field and bump the counter with one
 * load and one store, do the work, then read the word back and free the
 * owner field with one more of each. Nothing else happens in the critical
 * section: what was read is judged by blk_overlaps() after the unlock, so
 * the checks lengthen the critical section as little as they can.
 *
 * The accesses are marked (READ_ONCE/WRITE_ONCE) so that the compiler keeps
 * every one of them: plain ones could be merged into a single store, which
 * would hide the owner from the other CPUs. For a real lock,
 * ASSERT_EXCLUSIVE_ACCESS() has KCSAN report any other CPU touching the
 * word while we hold the lock; it is nothing without KCSAN. busted and
 * empty race by design and are not asserted.
 */
static __always_inline u64 blk_inside(enum blk_kind k, struct blk_shared *sh,
				      const u32 cpu, const u64 cs_loops,
				      u64 *exit)
{
	u64 entry = READ_ONCE(sh->word);

	if (k != BLK_KIND_busted && k != BLK_KIND_empty)
		ASSERT_EXCLUSIVE_ACCESS(sh->word);
	WRITE_ONCE(sh->word, (entry | BLK_NOBODY) + BLK_COUNT_ONE - BLK_NOBODY + cpu);
	if (cs_loops)
		blk_cs_work(sh, cs_loops);
	*exit = READ_ONCE(sh->word);
	WRITE_ONCE(sh->word, *exit | BLK_NOBODY);
	return entry;
}

/*
 * Nobody was inside when we came in (the owner field read "nobody"), and
 * nobody came in or counted while we were (the word is as we left it).
 */
static __always_inline u32 blk_overlaps(u64 entry, u64 exit, const u32 cpu)
{
	return ((entry & BLK_NOBODY) != BLK_NOBODY) +
	       (exit != (entry | BLK_NOBODY) + BLK_COUNT_ONE - BLK_NOBODY + cpu);
}

static __always_inline bool blk_loop_done(const struct blk_loop *w)
{
	return READ_ONCE(*w->stop) || ktime_get_ns() >= w->deadline_ns;
}

/* @n untimed iterations: the loop that runs almost all the time. */
static __always_inline u64 blk_plain(enum blk_kind k, struct blk_shared *sh,
				     const u32 cpu, const u64 cs,
				     const u64 think, u32 n)
{
	struct blk_lock *const l = &sh->lock;
	u64 overlaps = 0, in, out;

	while (n--) {
		blk_kind_lock(k, l);
		in = blk_inside(k, sh, cpu, cs, &out);
		blk_kind_unlock(k, l);
		overlaps += blk_overlaps(in, out, cpu);
		if (think)
			blk_think_work(think);
	}
	return overlaps;
}

/* One timed iteration: acquire latency and hold time into the histograms. */
static __always_inline u64 blk_timed(enum blk_kind k, struct blk_loop *w)
{
	struct blk_shared *const sh = w->sh;
	struct blk_lock *const l = &sh->lock;
	u64 t0, t1, t2, in, out;

	t0 = blk_clock();
	blk_kind_lock(k, l);
	t1 = blk_clock();
	in = blk_inside(k, sh, w->cpu, w->cs_loops, &out);
	t2 = blk_clock();
	blk_kind_unlock(k, l);
	blk_hist_add(w->acquire, blk_sub_overhead(t1 - t0));
	blk_hist_add(w->hold, blk_sub_overhead(t2 - t1));
	if (w->think_loops)
		blk_think_work(w->think_loops);
	return blk_overlaps(in, out, w->cpu);
}

static __always_inline void blk_hammer(enum blk_kind k, struct blk_loop *w)
{
	/* locals, so that the lock's "memory" clobber reloads none of them */
	struct blk_shared *const sh = w->sh;
	const u32 cpu = w->cpu, batch = w->batch;
	const u64 cs = w->cs_loops, think = w->think_loops;
	const u64 every = w->sample_every;
	/* untimed iterations before the next timed one; never 0 with timing off */
	u64 next = every ? every - 1 : U64_MAX;
	u64 acq = 0, overlaps = 0;
	u32 todo, n;

	do {
		for (todo = batch; todo; todo -= n) {
			n = min_t(u64, todo, next);
			overlaps += blk_plain(k, sh, cpu, cs, think, n);
			next -= n;
			if (!next && n < todo) {
				overlaps += blk_timed(k, w);
				next = every - 1;
				n++;
			}
		}
		acq += batch;
		WRITE_ONCE(w->progress, acq);
		cond_resched();
	} while (!blk_loop_done(w));
	w->acquisitions = acq;
	w->overlaps = overlaps;
}

static __always_inline void blk_reference(enum blk_kind k, struct blk_loop *w)
{
	struct blk_shared *const sh = w->sh;
	struct blk_lock *const l = &sh->lock;
	const u32 batch = w->batch;
	u64 acq = 0;
	u32 i;

	do {
		for (i = 0; i < batch; i++) {
			blk_kind_lock(k, l);
			/* plain: the compiler may make it one add to memory */
			sh->word += BLK_COUNT_ONE;
			blk_kind_unlock(k, l);
		}
		acq += batch;
		WRITE_ONCE(w->progress, acq);
		cond_resched();
	} while (!blk_loop_done(w));
	w->acquisitions = acq;
	w->overlaps = 0;
}

static __always_inline u64 blk_cost(enum blk_kind k, struct blk_lock *l,
				    u32 pairs)
{
	u64 t0;
	u32 i;

	t0 = blk_clock();
	for (i = 0; i < pairs; i++) {
		blk_kind_lock(k, l);
		blk_kind_unlock(k, l);
	}
	return blk_clock() - t0;
}

#define BLK_KIND(id, desc, flags)					\
void blk_hammer_##id(struct blk_loop *w)				\
{									\
	blk_hammer(BLK_KIND_##id, w);					\
}									\
void blk_reference_##id(struct blk_loop *w)				\
{									\
	blk_reference(BLK_KIND_##id, w);				\
}									\
u64 blk_cost_##id(struct blk_lock *l, u32 pairs)			\
{									\
	return blk_cost(BLK_KIND_##id, l, pairs);			\
}

#include "blk_kinds_list.h"
#undef BLK_KIND
