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
 *   blk_hammer_irq_<kind> the same with the irqsave variants (irq_hz > 0)
 *   blk_hammer_count_<kind>, blk_hammer_irq_count_<kind>
 *                         the same two with check=count: the counter
 *                         alone inside, lost updates the only check
 *   blk_reference_<kind>  lock, counter++, unlock: the simplest loop there
 *                         is, the yardstick for the engine's own cost
 *   blk_cost_<kind>       back-to-back pairs, timed as a block: the
 *                         uncontended cost of the lock ("cost" in control)
 *
 * An engine iteration:
 *
 *	lock;
 *	claim the word: our index in the owner field, the free flag off,
 *	the counter bumped (one load, one store),
 *	cs_lines: one word in each of that many shared cache lines
 *	incremented, as the counter (a loop only when cs_lines > 0),
 *	cs_ns of work on shared data (a call only when cs_ns > 0),
 *	read the word back and set the free flag (one load, one store);
 *	unlock;
 *	count an overlap if either read was not what it should be;
 *	note the owner before us (handoffs, streaks), from the word read;
 *	think_ns of work on local data (a call only when think_ns > 0; with
 *	think_dist=exp, its length drawn first, blk_exp_draw())
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
 * blk_shared): its free flag must be set on entry and the word must be as
 * we left it on exit; each miss is an overlap. And its counter
 * is incremented with a non-atomic read-modify-write, so two CPUs inside at
 * once lose updates.
 */
#include <linux/compiler.h>
#include <linux/kcsan-checks.h>
#include <linux/string.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>

#include "blk_clock.h"
#include "blk_knobs.h"
#include "blk_locks.h"

/*
 * The critical section's accesses to the shared data: marked, so that the
 * compiler keeps each one (blk_inside()); in the host world's
 * ThreadSanitizer build (tools/host) plain ones between compiler barriers
 * instead, kept all the same, which TSan checks as the data they are (to
 * it a marked access is an atomic, and a race let in by a weakened release
 * would go unseen).
 */
#if BLK_HOST_TSAN
#define blk_cs_read(x)		({ __typeof__(x) __v; barrier(); __v = (x); barrier(); __v; })
#define blk_cs_write(x, v)	do { barrier(); (x) = (v); barrier(); } while (0)
#else
#define blk_cs_read(x)		READ_ONCE(x)
#define blk_cs_write(x, v)	WRITE_ONCE(x, v)
#endif

/**
 * blk_cs_work() - critical-section work: read-modify-writes of shared data.
 * @sh: the shared data.
 * @loops: how many, from the calibration behind cs_ns.
 */
noinline void blk_cs_work(struct blk_shared *sh, u64 loops)
{
	u64 i;

	for (i = 0; i < loops; i++)
		blk_cs_write(sh->data[i & 3], blk_cs_read(sh->data[i & 3]) + 1);
}

/* log2(1 + i/32) x 65536, rounded: blk_log2_q16()'s table (KUnit checks it) */
const u32 blk_log2_q16_tab[33] = {
	0, 2909, 5732, 8473, 11136, 13727, 16248, 18704, 21098, 23433, 25711,
	27936, 30109, 32234, 34312, 36346, 38336, 40286, 42196, 44068, 45904,
	47705, 49472, 51207, 52911, 54584, 56229, 57845, 59434, 60997, 62534,
	64047, 65536,
};

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
 * Inside the lock: claim the word (owner field, flag and counter) with one
 * load and one store, do the work, then read the word back and set the
 * free flag with one more of each. Nothing else happens in the critical
 * section: what was read is judged by blk_overlaps() after the unlock, so
 * the checks lengthen the critical section as little as they can. The
 * owner field is left as it was, naming the last owner for the next one.
 *
 * The accesses are marked (READ_ONCE/WRITE_ONCE) so that the compiler keeps
 * every one of them: plain ones could be merged into a single store, which
 * would hide the owner from the other CPUs. For a real lock,
 * ASSERT_EXCLUSIVE_ACCESS() has KCSAN report any other CPU touching the
 * word while we hold the lock; it is nothing without KCSAN. The kinds
 * that do not exclude (BLK_KF_BROKEN, BLK_KF_FLOOR) race by design and
 * are not asserted.
 */
static __always_inline u64 blk_claimed(u64 entry, const u32 me)
{
	return (entry & ~(BLK_FREE | BLK_OWNER_MASK)) + BLK_COUNT_ONE + me;
}

/* cs_lines: one word of each line incremented, plainly, as the counter */
static __always_inline void blk_cs_lines(struct blk_shared *sh, const u32 lines)
{
	u64 *p;
	u32 i;

	for (i = 0; i < lines; i++) {
		p = blk_line(sh, i);
		blk_cs_write(*p, blk_cs_read(*p) + 1);
	}
}

static __always_inline u64 blk_inside(const bool excludes,
				      struct blk_shared *sh, const u32 me,
				      const u64 cs_loops, const u32 lines,
				      u64 *exit)
{
	u64 entry = blk_cs_read(sh->word);

	if (excludes)
		ASSERT_EXCLUSIVE_ACCESS(sh->word);
	blk_cs_write(sh->word, blk_claimed(entry, me));
	if (lines)
		blk_cs_lines(sh, lines);
	if (cs_loops)
		blk_cs_work(sh, cs_loops);
	*exit = blk_cs_read(sh->word);
	blk_cs_write(sh->word, *exit | BLK_FREE);
	return entry;
}

/*
 * check=count: the counter alone, one load and one store, as the reference
 * loop's critical section; lost updates are the only check, and nothing
 * says who had the lock before (no handoffs, streaks or matrix).
 */
static __always_inline u64 blk_inside_count(const bool excludes,
					    struct blk_shared *sh,
					    const u64 cs_loops, const u32 lines)
{
	u64 entry = blk_cs_read(sh->word);

	if (excludes)
		ASSERT_EXCLUSIVE_ACCESS(sh->word);
	blk_cs_write(sh->word, entry + BLK_COUNT_ONE);
	if (lines)
		blk_cs_lines(sh, lines);
	if (cs_loops)
		blk_cs_work(sh, cs_loops);
	return entry;
}

/*
 * Nobody was inside when we came in (the free flag was set), and nobody
 * came in or counted while we were (the word is as we left it).
 */
static __always_inline u32 blk_overlaps(u64 entry, u64 exit, const u32 me)
{
	return !(entry & BLK_FREE) + (exit != blk_claimed(entry, me));
}

/*
 * Between batches: publish the progress, let the scheduler in, and decide
 * whether to go on. A batch takes about 50 us; one that took longer than
 * BLK_BATCH_SLOW_NS halves the next, down to one acquisition, so that the
 * deadline, the stop flag and the watchdog still hear from the worker that
 * often when every acquisition is slow (a FIFO lock handed between vCPUs
 * that the host runs in turn can take milliseconds each); a quick batch
 * doubles it, up to the run's. Runs start at one iteration, so that even
 * the first batch is short. @t: when the batch began.
 */
static __always_inline bool blk_batch_end(struct blk_worker *w, u64 acq,
					  u32 *batch, u64 *t)
{
	u64 now;

	WRITE_ONCE(w->progress, acq);
	cond_resched();
	/* pinned and migration off (blk_worker()): never, unless that broke */
	w->strays += raw_smp_processor_id() != w->cpu;
	now = ktime_get_ns();
	if (now - *t > BLK_BATCH_SLOW_NS)
		*batch = max(*batch / 2, 1U);
	else if (*batch < w->batch && now - *t < BLK_BATCH_SLOW_NS / 8)
		*batch = min(*batch * 2, w->batch);
	*t = now;
	return READ_ONCE(*w->stop) || now >= w->deadline_ns;
}

static __always_inline unsigned long blk_take(enum blk_kind k, const bool irq,
					      struct blk_lock *l)
	__acquires(l)
{
	if (irq)
		return blk_kind_lock_irqsave(k, l);
	blk_kind_lock(k, l);
	return 0;
}

static __always_inline void blk_give(enum blk_kind k, const bool irq,
				     struct blk_lock *l, unsigned long flags)
	__releases(l)
{
	if (irq)
		blk_kind_unlock_irqrestore(k, l, flags);
	else
		blk_kind_unlock(k, l);
}

/* Think time: @think loops, or with @texp a draw of that mean. */
static __always_inline void blk_think(const u64 think, const bool texp,
				      u64 *rng)
{
	if (think)
		blk_think_work(texp ? blk_exp_draw(rng, think) : think);
}

/*
 * @n untimed iterations: the loop that runs almost all the time. @base:
 * the first of the run's @nlocks locks, each acquisition's picked with a
 * chance of @hot for the first (blk_pick()).
 */
static __always_inline u64 blk_plain_n(enum blk_kind k, const bool irq,
				       const bool count, struct blk_shared *base,
				       const u32 nlocks, const u32 hot,
				       struct blk_order *o, const u32 me,
				       const u64 cs, const u32 lines,
				       const u64 think, const bool texp,
				       u64 *rng, u32 n)
{
	struct blk_shared *sh;
	struct blk_lock *l;
	u64 overlaps = 0, in, out;
	unsigned long flags;
	u32 ov;

	while (n--) {
		sh = blk_pick(base, nlocks, hot, rng);
		l = &sh->lock;
		flags = blk_take(k, irq, l);
		if (count) {
			blk_inside_count(blk_kind_excludes(k), sh, cs, lines);
			blk_give(k, irq, l, flags);
		} else {
			in = blk_inside(blk_kind_excludes(k), sh, me, cs, lines,
					&out);
			blk_give(k, irq, l, flags);
			ov = blk_overlaps(in, out, me);
			overlaps += ov;
			blk_order_note(o, in, ov, me);
		}
		blk_think(think, texp, rng);
	}
	return overlaps;
}

/*
 * The same for one lock, compiled once more for cs_ns=0 cs_lines=0
 * think_ns=0 (the bench's, and the contended case that matters most),
 * where the tests of the work and the pick of the lock are constants and
 * vanish: under TCG every branch ends a block of translated code, and that
 * loop is the lock and little else.
 */
static __always_inline u64 blk_plain(enum blk_kind k, const bool irq,
				     const bool count, struct blk_shared *sh,
				     struct blk_order *o, const u32 me,
				     const u64 cs, const u32 lines,
				     const u64 think, const bool texp,
				     u64 *rng, u32 n)
{
	if (!cs && !lines && !think)
		return blk_plain_n(k, irq, count, sh, 1, 0, o, me, 0, 0, 0,
				   false, rng, n);
	return blk_plain_n(k, irq, count, sh, 1, 0, o, me, cs, lines, think,
			   texp, rng, n);
}

/*
 * One timed iteration: acquire latency and hold time into the histograms;
 * the arrival stamp, for overtakes; and, when the critical section before
 * ours was another worker's timed one, the handoff between them.
 */
static __always_inline u64 blk_timed(enum blk_kind k, const bool irq,
				     const bool count, struct blk_worker *w,
				     const u32 nlocks, const u32 hot,
				     struct blk_order *o, u64 *rng)
{
	struct blk_shared *const sh = blk_pick(w->sh, nlocks, hot, rng);
	struct blk_lock *const l = &sh->lock;
	u64 t0, t1, t2, c0, in, out, rel_seq = 0, rel_t = 0;
	unsigned long flags;
	u32 ov;

	/*
	 * The counter as we ask: the critical sections we then wait through.
	 * Unmarked for KCSAN (data_race()): a holder's exclusive-access
	 * assertion is about the lock's users, and this is the harness's peek.
	 */
	c0 = blk_word_count(data_race(READ_ONCE(sh->word)));
	t0 = blk_clock();
	WRITE_ONCE(w->arrivals[w->idx].t, t0);
	flags = blk_take(k, irq, l);
	t1 = blk_clock();
	/* check=count measures no handoff: its section is the counter alone */
	if (!count) {
		rel_seq = blk_cs_read(sh->rel_seq);
		rel_t = blk_cs_read(sh->rel_t);
	}
	if (count)
		in = blk_inside_count(blk_kind_excludes(k), sh, w->cs_loops,
				      sh->nr_lines);
	else
		in = blk_inside(blk_kind_excludes(k), sh, w->idx, w->cs_loops,
				sh->nr_lines, &out);
	t2 = blk_clock();
	if (!count) {
		blk_cs_write(sh->rel_seq, blk_word_count(in) + 1);
		blk_cs_write(sh->rel_t, t2);
	}
	blk_give(k, irq, l, flags);
	/*
	 * The grant stamp and the scan, after the unlock: the other workers'
	 * scans read our stamps' line, so a store to it inside would time a
	 * cache miss of the harness's as part of the hold, and the scan reads
	 * a line of every other worker's.
	 */
	WRITE_ONCE(w->arrivals[w->idx].granted, t1);
	w->overtakes += blk_overtaken(w->arrivals, w->nr, w->idx, t0, t1);
	w->waited_through = max(w->waited_through, blk_word_count(in) - c0);
	blk_hist_add(w->acquire, blk_sub_overhead(t1 - t0));
	blk_hist_add(w->hold, blk_sub_overhead(t2 - t1));
	blk_think(w->think_loops, w->think_exp, rng);
	if (count)	/* the owner is unknown: no handoff either */
		return 0;
	if (rel_seq == blk_word_count(in) && (in & BLK_OWNER_MASK) != w->idx &&
	    t1 > rel_t)
		blk_hist_add(w->handoff, t1 - rel_t);
	ov = blk_overlaps(in, out, w->idx);
	blk_order_note(o, in, ov, w->idx);
	return ov;
}

/*
 * @many: nlocks > 1, in a copy of its own (blk_hammer_<kind>() calls it):
 * in the other, the one lock's, the pick of the lock is a constant and
 * vanishes, and the loop is the one it was before nlocks existed
 * (tools/zerocost.py compares it instruction by instruction).
 */
static __always_inline void blk_hammer(enum blk_kind k, const bool irq,
				       const bool count, const bool many,
				       struct blk_worker *w)
{
	/* locals, so that the lock's "memory" clobber reloads none of them */
	struct blk_shared *const sh = w->sh;
	const u32 me = w->idx;
	const u64 cs = w->cs_loops, think = w->think_loops;
	const u32 lines = sh->nr_lines;
	const u32 nlocks = many ? w->nlocks : 1, hot = many ? w->hot : 0;
	const bool texp = w->think_exp;
	const u64 every = w->sample_every;
	/* untimed iterations before the next timed one; never 0 with timing off */
	u64 next = every ? every - 1 : U64_MAX;
	u64 acq = 0, overlaps = 0, t = ktime_get_ns();
	struct blk_order o = { .from = w->from, .nr = w->from ? w->nr : 0 };
	u32 batch = w->batch_start, todo, n;
	u64 rng = w->rng;

	do {
		for (todo = batch; todo; todo -= n) {
			n = min_t(u64, todo, next);
			/* many locks: no copy for no work (its pick is not constant) */
			overlaps += many ?
				blk_plain_n(k, irq, count, sh, nlocks, hot, &o, me,
					    cs, lines, think, texp, &rng, n) :
				blk_plain(k, irq, count, sh, &o, me, cs, lines,
					  think, texp, &rng, n);
			next -= n;
			if (!next && n < todo) {
				overlaps += blk_timed(k, irq, count, w, nlocks,
						      hot, &o, &rng);
				next = every - 1;
				n++;
			}
		}
		acq += batch;
	} while (!blk_batch_end(w, acq, &batch, &t));
	w->acquisitions = acq;
	w->overlaps = overlaps;
	w->rng = rng;
	w->handoffs = o.handoffs;
	w->longest_streak = max(o.longest, o.streak);
	w->first_overlap_at = o.first_overlap;
}

static __always_inline void blk_reference(enum blk_kind k, struct blk_worker *w)
{
	struct blk_shared *const sh = w->sh;
	struct blk_lock *const l = &sh->lock;
	u64 acq = 0, t = ktime_get_ns();
	u32 batch = w->batch_start, i;

	do {
		for (i = 0; i < batch; i++) {
			blk_kind_lock(k, l);
			/* plain: the compiler may make it one add to memory */
			sh->word += BLK_COUNT_ONE;
			blk_kind_unlock(k, l);
		}
		acq += batch;
	} while (!blk_batch_end(w, acq, &batch, &t));
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

/*
 * A kind called out of line, as spin_lock() and spin_unlock() are: the
 * uncontended pair that compares with spinlock_t's in "cost" (the
 * stand-in's, cost_<id>_call_*), where every kind's own pair is inlined.
 * On other pages than the loop, as the kernel's are on pages of kernel
 * text: under TCG a jump to another page is not chained to the block it
 * lands in, and costs about 8 cycles a pair more than one within the page
 * (61.3 against 52.9 cycles here, Documentation/results.rst). So both go
 * in .text.unlikely, which follows the module's .text (and is kernel text
 * in a built-in one: a section of our own would not be, and the static
 * call in preempt_enable() could not be patched there).
 */
#define BLK_KIND(id, ...)						\
static noinline __section(".text.unlikely")				\
void blk_lock_call_##id(struct blk_lock *l)				\
	__acquires(l)							\
{									\
	blk_kind_lock(BLK_KIND_##id, l);				\
}									\
static noinline __section(".text.unlikely")				\
void blk_unlock_call_##id(struct blk_lock *l)				\
	__releases(l)							\
{									\
	blk_kind_unlock(BLK_KIND_##id, l);				\
}									\
u64 blk_cost_call_##id(struct blk_lock *l, u32 pairs)			\
{									\
	u64 t0;								\
	u32 i;								\
									\
	t0 = blk_clock();						\
	for (i = 0; i < pairs; i++) {					\
		blk_lock_call_##id(l);					\
		blk_unlock_call_##id(l);				\
	}								\
	return blk_clock() - t0;					\
}

#include "blk_kinds_list.h"
#undef BLK_KIND

/*
 * A run's shared word, handoff stamp and cs_lines (@nr_lines of them, the
 * first @line0 bytes into @sh: blk_line0()), before the first acquisition.
 */
void blk_shared_reset(struct blk_shared *sh, u32 nr_lines, u32 line0)
{
	u32 i;

	sh->word = BLK_WORD_INIT;
	sh->rel_seq = U64_MAX;
	sh->rel_t = 0;
	sh->nr_lines = nr_lines;
	sh->line0 = line0;
	for (i = 0; i < nr_lines; i++)
		*blk_line(sh, i) = 0;
}

/**
 * blk_locks_init() - initialise a run's locks, each with its data reset
 * (blk_shared_reset()), the same in both engines.
 * @sh: @cfg->nlocks of them, zeroed.
 * @cfg: the run's knobs: the kind, and with irq_hz its interrupt-safe
 *       class for each lock.
 *
 * Return: 0, or what the kind's init returned (its pool is spent: the
 * list's capacity); then every lock this call initialised is finished
 * again.
 */
int blk_locks_init(struct blk_shared *sh, const struct blk_config *cfg)
{
	const struct blk_lock_ops *ops = cfg->lock;
	u32 i, line0 = blk_line0(cfg);
	int ret;

	for (i = 0; i < cfg->nlocks; i++) {
		ret = ops->init(&sh[i].lock);
		if (ret) {
			while (i--)
				ops->fini(&sh[i].lock);
			return ret;
		}
		if (cfg->irq_hz)
			ops->irq_class(&sh[i].lock);
		blk_shared_reset(&sh[i], cfg->cs_lines, line0);
	}
	return 0;
}

/* The lock's bytes, rounded up to a word: where data beside it may start. */
static u32 blk_lock_end(const struct blk_lock_ops *ops)
{
	return (ops->size + sizeof(u64) - 1) & ~(u32)(sizeof(u64) - 1);
}

/**
 * blk_colocate_fits() - whether a word of data fits in the lock's cache
 * line after the lock (colocate=on): not when the lock fills it, as
 * spinlock_t does with lockdep's map.
 * @ops: the kind.
 *
 * Return: true if it fits.
 */
bool blk_colocate_fits(const struct blk_lock_ops *ops)
{
	return blk_lock_end(ops) + sizeof(u64) <= SMP_CACHE_BYTES;
}

/**
 * blk_worker_knobs() - what the run's knobs make of a worker, the same in
 * both engines (the module's, and the host world's): its locks, its think
 * time's distribution and the seed of its draws, its first batch.
 * @w: the worker, its other fields and @w->idx set by the engine.
 * @cfg: the run's knobs.
 */
void blk_worker_knobs(struct blk_worker *w, const struct blk_config *cfg)
{
	w->nlocks = cfg->nlocks;
	w->hot = blk_hot(cfg->hot_pct);
	w->think_exp = cfg->think_dist == BLK_THINK_EXP;
	w->rng = blk_rng_seed(w->idx);
	w->batch_start = 1;
}

/**
 * blk_line0() - where a run's first cs_lines word is: in the lock's cache
 * line, the first word after the lock, with colocate=on (which
 * blk_config_refused() has checked fits); else a line of its own.
 * @cfg: the run's knobs.
 *
 * Return: its offset in struct blk_shared, for blk_shared_reset().
 */
u32 blk_line0(const struct blk_config *cfg)
{
	if (cfg->colocate)
		return offsetof(struct blk_shared, lock) + blk_lock_end(cfg->lock);
	return offsetof(struct blk_shared, line);
}

/*
 * The harness floor: a worker's own loop around the empty lock, on data
 * of its own, one batch of about BLK_FLOOR_NS, best of BLK_FLOOR_TRIES;
 * millicycles per iteration. @bare: without the run's cs_ns and think_ns
 * work (what a timed iteration adds is the same either way, and measured
 * bare it is not lost in the noise of a long iteration).
 */
static u64 blk_floor(blk_hammer_fn *fn, const struct blk_worker *worker,
		     struct blk_shared *sh, u64 sample_every, bool bare,
		     u64 per_iter_ns)
{
	static const bool never;
	u32 iters = clamp_t(u64, div64_u64(BLK_FLOOR_NS, per_iter_ns), 16, 16384);
	/* the worker's own loop, one batch and no more */
	struct blk_worker w = *worker;
	u64 t0, dt, best = U64_MAX;
	int i;

	w.sh = sh;
	w.nlocks = 1;
	w.hot = 0;
	w.sample_every = sample_every;
	if (bare) {
		w.cs_loops = 0;
		w.think_loops = 0;
	}
	/* the run's cs_lines, on the worker's own lines (none when bare) */
	blk_shared_reset(sh, bare ? 0 : worker->sh->nr_lines, offsetof(struct blk_shared, line));
	w.batch = iters;
	w.batch_start = iters;
	w.deadline_ns = 0;
	w.stop = &never;
	for (i = 0; i < BLK_FLOOR_TRIES; i++) {
		t0 = blk_clock();
		fn(&w);
		dt = blk_clock() - t0;
		best = min(best, dt);
	}
	/* the floor's samples and handoffs are not the run's */
	blk_hist_init(worker->acquire);
	blk_hist_init(worker->hold);
	blk_hist_init(worker->handoff);
	if (worker->from)
		memset(worker->from, 0, sizeof(*worker->from) * worker->nr);
	return div_u64(best * 1000, iters);
}

/**
 * blk_floors() - what a worker measures before its run's start barrier,
 * in both engines (the module's, and the host world's): its harness floor
 * and, with sample_every=auto, what a timed iteration adds to it.
 * @fn: the floor kind's loop, as the run will use it.
 * @worker: the worker as the run will have it (its stride, its work); its
 *	histograms and matrix row are left cleared.
 * @sh: data of the worker's own to run the floor on.
 * @cs_ns: the run's cs_ns.
 * @think_ns: the run's think_ns.
 * @sample_auto: sample_every=auto: measure @timed_extra too.
 * @timed_extra: out, with @sample_auto: timed less untimed, millicycles.
 *
 * Return: the floor, millicycles per iteration.
 */
u64 blk_floors(blk_hammer_fn *fn, const struct blk_worker *worker,
	       struct blk_shared *sh, u32 cs_ns, u32 think_ns,
	       bool sample_auto, u64 *timed_extra)
{
	const u64 per_iter = (u64)cs_ns + think_ns + 100;
	u64 floor, timed, untimed;

	floor = blk_floor(fn, worker, sh, worker->sample_every, false, per_iter);
	if (sample_auto) {
		timed = blk_floor(fn, worker, sh, 1, true, 100);
		/* without cs_ns and think_ns, the floor just measured is bare */
		untimed = cs_ns || think_ns ?
			  blk_floor(fn, worker, sh, 0, true, 100) : floor;
		*timed_extra = timed > untimed ? timed - untimed : 0;
	}
	return floor;
}

/**
 * blk_irq_iteration() - one acquisition by the irq_hz interrupt.
 * @ops: the run's lock kind.
 * @sh: the run's shared data.
 * @me: the owner field's value: past every worker's index.
 * @held_ns: out: ktime_get_ns() once the lock was held.
 * @wait: out: cycles the handler waited for the lock.
 *
 * Hard-irq context. The lock through the ops table (an indirect call is
 * nothing beside an interrupt), the critical section and the checks as a
 * worker's, with no work.
 *
 * Return: overlaps seen.
 */
u32 blk_irq_iteration(const struct blk_lock_ops *ops, struct blk_shared *sh,
		      u32 me, u64 *held_ns, u64 *wait)
{
	u64 in, out, t0;

	t0 = blk_clock();
	ops->lock(&sh->lock);
	*wait = blk_sub_overhead(blk_clock() - t0);
	*held_ns = ktime_get_ns();
	in = blk_inside(!ops->broken && !ops->floor, sh, me, 0, sh->nr_lines,
			&out);
	ops->unlock(&sh->lock);
	return blk_overlaps(in, out, me);
}

/*
 * A kind's four engine loops: each @fn for nlocks=1 inline, and calling,
 * from the top and never from the loop, its copy for nlocks > 1, @fn_many.
 */
#define BLK_HAMMER_MANY(fn, k, irq, count)				\
static noinline void fn##_many(struct blk_worker *w)			\
{									\
	blk_hammer(k, irq, count, true, w);				\
}

#define BLK_HAMMER_ONE(fn, k, irq, count)				\
void fn(struct blk_worker *w)						\
{									\
	if (w->nlocks > 1)						\
		fn##_many(w);						\
	else								\
		blk_hammer(k, irq, count, false, w);			\
}

#define BLK_KIND(id, ...)	\
BLK_HAMMER_MANY(blk_hammer_##id, BLK_KIND_##id, false, false)		\
BLK_HAMMER_ONE(blk_hammer_##id, BLK_KIND_##id, false, false)		\
BLK_HAMMER_MANY(blk_hammer_irq_##id, BLK_KIND_##id, true, false)	\
BLK_HAMMER_ONE(blk_hammer_irq_##id, BLK_KIND_##id, true, false)		\
BLK_HAMMER_MANY(blk_hammer_count_##id, BLK_KIND_##id, false, true)	\
BLK_HAMMER_ONE(blk_hammer_count_##id, BLK_KIND_##id, false, true)	\
BLK_HAMMER_MANY(blk_hammer_irq_count_##id, BLK_KIND_##id, true, true)	\
BLK_HAMMER_ONE(blk_hammer_irq_count_##id, BLK_KIND_##id, true, true)	\
void blk_reference_##id(struct blk_worker *w)				\
{									\
	blk_reference(BLK_KIND_##id, w);				\
}									\
u64 blk_cost_##id(struct blk_lock *l, u32 pairs)			\
{									\
	return blk_cost(BLK_KIND_##id, l, pairs);			\
}

#include "blk_kinds_list.h"
#undef BLK_KIND
