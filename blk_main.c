// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the hammer engine.
 *
 * A run starts one kthread per selected CPU, bound to it. The workers meet
 * at a start barrier: each decrements an arrival count and the last to
 * arrive stamps the start time, releases the others and arms the stop timer.
 * Until then they spin, but with cond_resched(): on a small guest with
 * voluntary preemption a worker that spins with cpu_relax() alone can keep
 * the very thread it waits for from running.
 *
 * Each iteration of a worker:
 *
 *	t0 = clock; lock; t1 = clock;
 *	check and claim the owner word, bump the shared counter,
 *	cs_ns of work on shared data,
 *	check the owner word again and clear it;
 *	t2 = clock; unlock;
 *	think_ns of work on local data
 *
 * t1 - t0 is the acquire latency (request to grant), t2 - t1 the hold time.
 * Both go, less the measured cost of a timestamp pair, into the worker's
 * own log-linear histograms. Nothing a worker writes is shared with another
 * worker except the lock and the data the lock protects: every counter is
 * per CPU and summed when the run ends.
 *
 * Mutual exclusion is checked twice over. The owner word must read "nobody"
 * on entry and still hold our CPU number on exit; each miss is an overlap.
 * And the shared counter is incremented with a non-atomic read-modify-write
 * (a plain one for real locks, which KCSAN watches), so two CPUs inside at
 * once lose updates: at the end it must equal the sum of all acquisitions.
 * violations = overlaps + lost updates, and it is 0 for every real lock.
 *
 * The run ends when the stop timer (or "stop", or module unload) sets the
 * stop flag. The last worker out queues the finish work, which reaps the
 * workers, merges the per-CPU data into a struct blk_result and keeps it.
 * A worker calls cond_resched() every few iterations, so runs of any length
 * raise neither soft-lockup nor RCU-stall warnings.
 *
 * All configuration and state changes happen under blk_mutex; a run owns
 * the run state (blk_run, blk_shared, the per-CPU data) from "start" until
 * the finish work clears blk_busy.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timex.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "blacklock.h"
#include "blk_trace.h"

#define BLK_NOBODY		U32_MAX
#define BLK_MAX_RESULTS		8
#define BLK_RESCHED_EVERY	64

/*
 * The lock lives alone in its cache line; the data it protects is in the
 * next one, so the lock word's line carries only lock traffic.
 */
struct blk_shared {
	struct blk_lock lock ____cacheline_aligned;
	u32 owner ____cacheline_aligned;
	u64 counter;
	u64 data[4];
};

/* What one worker owns; see struct blk_cpu_result for the meanings. */
struct blk_pcpu {
	struct task_struct *task;
	u64 acquisitions;
	u64 overlaps;
	u64 t_end;
	struct blk_hist acquire;
	struct blk_hist hold;
};

/* The run in progress (or the last one). Owned by the run while blk_busy. */
static struct {
	struct blk_config cfg;
	unsigned int nr;
	u64 cs_loops;
	u64 think_loops;
	atomic_t arrive;
	atomic_t active;
	u64 t_go;
	bool stopped;
	bool go ____cacheline_aligned;
	bool stop;
} blk_run;

static struct blk_shared blk_shared;
static struct blk_pcpu __percpu *blk_pcpu;

static DEFINE_MUTEX(blk_mutex);
static struct blk_config blk_cfg;		/* the knobs */
static struct cpumask blk_scratch;		/* parse buffer, blk_mutex */
static bool blk_busy;				/* a run is in progress */
static bool blk_dying;				/* unloading: no new runs */
static DECLARE_WAIT_QUEUE_HEAD(blk_idle_wq);
static struct blk_result *blk_results[BLK_MAX_RESULTS];
static unsigned int blk_nr_results;
static u64 blk_next_id = 1;

static void blk_stop_fn(struct work_struct *work);
static void blk_finish_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(blk_stop_work, blk_stop_fn);
static DECLARE_WORK(blk_finish_work, blk_finish_fn);

const char *const blk_knob_names[BLK_NR_KNOBS] = {
	[BLK_KNOB_LOCK]		= "lock",
	[BLK_KNOB_CPUS]		= "cpus",
	[BLK_KNOB_NCPUS]	= "ncpus",
	[BLK_KNOB_DURATION_MS]	= "duration_ms",
	[BLK_KNOB_CS_NS]	= "cs_ns",
	[BLK_KNOB_THINK_NS]	= "think_ns",
};

/* ---- time ---------------------------------------------------------- */

struct blk_clock_info blk_clock_info;
static bool blk_clock_is_ns;

/*
 * On x86 the TSC, read with rdtsc_ordered() so the read cannot drift before
 * the lock operation it times. Elsewhere get_cycles(), and where that is 0
 * (UML) local_clock(), so "cycles" are then nanoseconds.
 */
static __always_inline u64 blk_clock(void)
{
#ifdef CONFIG_X86
	return rdtsc_ordered();
#else
	if (blk_clock_is_ns)
		return local_clock();
	return get_cycles();
#endif
}

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

static noinline void blk_cs_work(struct blk_shared *sh, u64 loops)
{
	u64 i;

	for (i = 0; i < loops; i++)
		WRITE_ONCE(sh->data[i & 3], READ_ONCE(sh->data[i & 3]) + 1);
}

static noinline u64 blk_think_work(u64 loops)
{
	u64 i, x = loops;

	for (i = 0; i < loops; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		/* volatile: or GCC deems the function pure and drops calls */
		asm volatile("" : "+r" (x));
	}
	return x;
}

/* Loops per ms of a work function: the best of three timed batches. */
static u64 blk_calibrate_loops(bool shared)
{
	static struct blk_shared dummy;
	u64 t0, dt, best = U64_MAX;
	const u64 n = 100000;
	int i;

	for (i = 0; i < 3; i++) {
		preempt_disable();
		t0 = local_clock();
		if (shared)
			blk_cs_work(&dummy, n);
		else
			blk_think_work(n);
		dt = local_clock() - t0;
		preempt_enable();
		best = min(best, dt);
	}
	return div64_u64(n * NSEC_PER_MSEC, max_t(u64, best, 1));
}

static void blk_calibrate(void)
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
			blk_clock_is_ns = true;
			blk_clock_info.name = "local_clock";
		}
	}
#endif
	t0 = local_clock();
	c0 = blk_clock();
	msleep(20);
	a = blk_clock() - c0;
	b = local_clock() - t0;
	blk_clock_info.khz = blk_clock_is_ns ? 1000000 :
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

/* ---- the workers ---------------------------------------------------- */

static void blk_stop_fn(struct work_struct *work)
{
	WRITE_ONCE(blk_run.stop, true);
}

static u64 blk_sub_overhead(u64 d)
{
	return d > blk_clock_info.overhead ? d - blk_clock_info.overhead : 0;
}

/* Wait, asleep, for kthread_stop(): the finish work reaps every worker. */
static void blk_park_until_stopped(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static int blk_worker(void *arg)
{
	const unsigned int cpu = (unsigned long)arg;
	struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);
	const struct blk_lock_ops *ops = blk_run.cfg.ops;
	const u64 cs = blk_run.cs_loops, think = blk_run.think_loops;
	const bool broken = ops->broken;
	struct blk_shared *sh = &blk_shared;
	u64 t0, t1, t2, n = 0;

	if (atomic_dec_and_test(&blk_run.arrive)) {
		blk_run.t_go = local_clock();
		/* pairs with smp_load_acquire() below: t_go is set before go */
		smp_store_release(&blk_run.go, true);
		schedule_delayed_work(&blk_stop_work,
				      msecs_to_jiffies(blk_run.cfg.duration_ms));
	} else {
		/* pairs with the smp_store_release() of go above */
		while (!smp_load_acquire(&blk_run.go) &&
		       !READ_ONCE(blk_run.stop)) {
			cpu_relax();
			cond_resched();
		}
	}

	while (!READ_ONCE(blk_run.stop)) {
		t0 = blk_clock();
		ops->lock(&sh->lock);
		t1 = blk_clock();
		if (READ_ONCE(sh->owner) != BLK_NOBODY)
			pc->overlaps++;
		WRITE_ONCE(sh->owner, cpu);
		/*
		 * Plain for a real lock, so that KCSAN reports it if the lock
		 * ever lets two CPUs in; marked for the negative control,
		 * which races by design and would only drown real reports.
		 * Either way the increment is non-atomic and loses updates.
		 */
		if (broken)
			WRITE_ONCE(sh->counter, READ_ONCE(sh->counter) + 1);
		else
			sh->counter++;
		blk_cs_work(sh, cs);
		if (READ_ONCE(sh->owner) != cpu)
			pc->overlaps++;
		WRITE_ONCE(sh->owner, BLK_NOBODY);
		t2 = blk_clock();
		ops->unlock(&sh->lock);

		pc->acquisitions++;
		blk_hist_add(&pc->acquire, blk_sub_overhead(t1 - t0));
		blk_hist_add(&pc->hold, blk_sub_overhead(t2 - t1));
		if (think)
			blk_think_work(think);
		if (!(++n % BLK_RESCHED_EVERY))
			cond_resched();
	}
	pc->t_end = local_clock();
	if (atomic_dec_and_test(&blk_run.active))
		queue_work(system_unbound_wq, &blk_finish_work);
	blk_park_until_stopped();
	return 0;
}

/* ---- results --------------------------------------------------------- */

/* a * b / c, exact while a * b fits in 64 bits. */
static u64 blk_mul_div(u64 a, u32 b, u64 c)
{
	if (!c)
		return 0;
	if (a <= U64_MAX / b)
		return div64_u64(a * b, c);
	return div64_u64(a, max_t(u64, div64_u64(c, b), 1));
}

/**
 * blk_throughput() - acquisitions per second of a result.
 * @r: the result.
 *
 * Return: acquisitions / duration, per second; 0 for an empty run.
 */
u64 blk_throughput(const struct blk_result *r)
{
	return blk_mul_div(r->acquisitions, NSEC_PER_SEC, r->duration_ns);
}

static struct blk_result *blk_collect(void)
{
	const struct cpumask *mask = &blk_run.cfg.cpus;
	struct blk_result *r;
	u64 *acq, lo = U64_MAX, hi = 0, end = 0;
	unsigned int i = 0;
	int cpu;

	r = kvzalloc(struct_size(r, cpu, blk_run.nr), GFP_KERNEL);
	acq = kcalloc(blk_run.nr, sizeof(*acq), GFP_KERNEL);
	if (!r || !acq) {
		kvfree(r);
		kfree(acq);
		return NULL;
	}
	r->cfg = blk_run.cfg;
	r->stopped = blk_run.stopped;
	r->nr_cpus = blk_run.nr;
	blk_hist_init(&r->acquire);
	blk_hist_init(&r->hold);

	for_each_cpu(cpu, mask) {
		const struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);
		struct blk_cpu_result *c = &r->cpu[i];
		struct blk_spin_counters sc = {};

		blk_spin_counters_read(&sc, cpu);
		c->cpu = cpu;
		c->acquisitions = pc->acquisitions;
		c->contended = sc.contended;
		c->cas_failures = sc.cas_failures;
		c->spins = sc.spins;
		c->overlaps = pc->overlaps;
		c->acquire_p50 = blk_hist_percentile(&pc->acquire, 500000);
		c->acquire_p99 = blk_hist_percentile(&pc->acquire, 990000);
		c->acquire_max = pc->acquire.max;
		blk_hist_merge(&r->acquire, &pc->acquire);
		blk_hist_merge(&r->hold, &pc->hold);

		r->acquisitions += c->acquisitions;
		r->contended += c->contended;
		r->cas_failures += c->cas_failures;
		r->spins += c->spins;
		r->overlaps += c->overlaps;
		lo = min(lo, c->acquisitions);
		hi = max(hi, c->acquisitions);
		end = max(end, pc->t_end);
		acq[i++] = c->acquisitions;
	}
	for (i = 0; i < r->nr_cpus; i++)
		r->cpu[i].share_micro = r->acquisitions ?
			blk_ratio_micro(r->cpu[i].acquisitions, r->acquisitions) : 0;

	r->duration_ns = blk_run.t_go && end > blk_run.t_go ?
			 end - blk_run.t_go : 0;
	r->counter = READ_ONCE(blk_shared.counter);
	r->lost_updates = r->acquisitions > r->counter ?
			  r->acquisitions - r->counter :
			  r->counter - r->acquisitions;
	r->violations = r->overlaps + r->lost_updates;
	r->jain_micro = blk_jain_micro(acq, r->nr_cpus);
	r->max_min_micro = lo ? blk_ratio_micro(hi, lo) : U64_MAX;
	kfree(acq);
	return r;
}

/* Keep @r as the newest result, dropping the oldest. blk_mutex held. */
static void blk_result_add(struct blk_result *r)
{
	r->id = blk_next_id++;
	if (blk_nr_results == BLK_MAX_RESULTS) {
		kvfree(blk_results[0]);
		memmove(&blk_results[0], &blk_results[1],
			sizeof(blk_results[0]) * (BLK_MAX_RESULTS - 1));
		blk_nr_results--;
	}
	blk_results[blk_nr_results++] = r;
}

static void blk_results_free(void)
{
	while (blk_nr_results)
		kvfree(blk_results[--blk_nr_results]);
}

/**
 * blk_results_walk() - call @fn on each kept result, oldest first.
 * @fn: the callback; a non-zero return stops the walk.
 * @arg: passed to @fn.
 * @newest_only: call @fn on the newest result only.
 *
 * Holds blk_mutex across the walk, so results cannot be freed under @fn,
 * and is safe while a run is going (its result is not there yet).
 *
 * Return: what the last @fn call returned, or 0.
 */
int blk_results_walk(blk_result_fn *fn, void *arg, bool newest_only)
{
	unsigned int i;
	int ret = 0;

	mutex_lock(&blk_mutex);
	i = newest_only && blk_nr_results ? blk_nr_results - 1 : 0;
	for (; i < blk_nr_results && !ret; i++)
		ret = fn(blk_results[i], arg);
	mutex_unlock(&blk_mutex);
	return ret;
}

static void blk_finish_fn(struct work_struct *work)
{
	struct blk_result *r;
	int cpu;

	cancel_delayed_work_sync(&blk_stop_work);
	for_each_cpu(cpu, &blk_run.cfg.cpus) {
		struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);

		kthread_stop(pc->task);
		pc->task = NULL;
	}
	r = blk_collect();

	mutex_lock(&blk_mutex);
	if (r) {
		blk_result_add(r);
		trace_blk_run_stop(r->id, r->cfg.ops->name, r->acquisitions,
				   r->violations, r->duration_ns);
		blk_result_print(r);
	} else {
		pr_err("run finished but its result could not be allocated\n");
	}
	WRITE_ONCE(blk_busy, false);
	mutex_unlock(&blk_mutex);
	wake_up_all(&blk_idle_wq);
}

/* ---- the core-to-core floor ------------------------------------------ */

/*
 * Ping-pong: two kthreads on two CPUs pass one cache line back and forth,
 * each waiting for the other's store before making its own. A round trip
 * is two handoffs of a line between cores with nothing else in the way: no
 * lock can hand over faster, so it is the floor that lock handoff latencies
 * are compared with. Measured with the same clock and overhead correction
 * as the runs.
 */
#define BLK_PP_ROUNDS		20000
#define BLK_PP_TIMEOUT		(10 * HZ)

static struct {
	u32 flag ____cacheline_aligned;
	bool abort;
	atomic_t ready;
	struct completion done[2];
	struct blk_hist roundtrip;
	struct blk_pingpong result;
} blk_pp;

/* Spin until the flag reads @want; false if aborted. */
static bool blk_pp_wait(u32 want)
{
	unsigned int spins = 0;

	while (READ_ONCE(blk_pp.flag) != want) {
		if (READ_ONCE(blk_pp.abort))
			return false;
		cpu_relax();
		if (!(++spins % 1024))
			cond_resched();
	}
	return true;
}

static void blk_pp_barrier(void)
{
	atomic_inc(&blk_pp.ready);
	while (atomic_read(&blk_pp.ready) < 2 && !READ_ONCE(blk_pp.abort))
		cond_resched();
}

static int blk_pp_ping(void *arg)
{
	u64 t0;
	u32 i;

	blk_pp_barrier();
	for (i = 0; i < BLK_PP_ROUNDS; i++) {
		t0 = blk_clock();
		WRITE_ONCE(blk_pp.flag, 2 * i + 1);
		if (!blk_pp_wait(2 * i + 2))
			break;
		blk_hist_add(&blk_pp.roundtrip, blk_sub_overhead(blk_clock() - t0));
		if (!(i % 256))
			cond_resched();
	}
	/* exits without returning into module text that may be unloaded */
	kthread_complete_and_exit(&blk_pp.done[0], 0);
}

static int blk_pp_pong(void *arg)
{
	u32 i;

	blk_pp_barrier();
	for (i = 0; i < BLK_PP_ROUNDS; i++) {
		if (!blk_pp_wait(2 * i + 1))
			break;
		WRITE_ONCE(blk_pp.flag, 2 * i + 2);
	}
	kthread_complete_and_exit(&blk_pp.done[1], 0);
}

/* Ping-pong between the first two online CPUs of the cpus knob. */
static int blk_pingpong_run(void)
{
	struct task_struct *t[2];
	int cpu[2], i;

	if (blk_busy)
		return -EBUSY;
	cpu[0] = cpumask_first_and(&blk_cfg.cpus, cpu_online_mask);
	cpu[1] = cpumask_next_and(cpu[0], &blk_cfg.cpus, cpu_online_mask);
	if (cpu[1] >= nr_cpu_ids)
		return -EINVAL;

	blk_pp.flag = 0;
	blk_pp.abort = false;
	atomic_set(&blk_pp.ready, 0);
	blk_hist_init(&blk_pp.roundtrip);
	for (i = 0; i < 2; i++) {
		init_completion(&blk_pp.done[i]);
		t[i] = kthread_create_on_cpu(i ? blk_pp_pong : blk_pp_ping, NULL,
					     cpu[i], "blacklock-pp/%u");
		if (IS_ERR(t[i])) {
			if (i)
				kthread_stop(t[0]);
			return PTR_ERR(t[i]);
		}
	}
	wake_up_process(t[0]);
	wake_up_process(t[1]);
	for (i = 0; i < 2; i++) {
		if (!wait_for_completion_timeout(&blk_pp.done[i], BLK_PP_TIMEOUT)) {
			WRITE_ONCE(blk_pp.abort, true);
			wait_for_completion(&blk_pp.done[i]);
		}
	}
	blk_pp.result = (struct blk_pingpong) {
		.cpu = { cpu[0], cpu[1] },
		.rounds = blk_pp.roundtrip.count,
		.roundtrip_p50 = blk_hist_percentile(&blk_pp.roundtrip, 500000),
		.roundtrip_p99 = blk_hist_percentile(&blk_pp.roundtrip, 990000),
		.roundtrip_min = blk_pp.roundtrip.min,
	};
	return blk_pp.roundtrip.count == BLK_PP_ROUNDS ? 0 : -ETIMEDOUT;
}

/**
 * blk_pingpong_get() - the last ping-pong measurement.
 * @pp: where to copy it.
 *
 * Return: true if there is one.
 */
bool blk_pingpong_get(struct blk_pingpong *pp)
{
	mutex_lock(&blk_mutex);
	*pp = blk_pp.result;
	mutex_unlock(&blk_mutex);
	return pp->rounds;
}

/* ---- control --------------------------------------------------------- */

/* Start a run with the current knobs. blk_mutex held. */
static int blk_start(void)
{
	struct cpumask *mask = &blk_run.cfg.cpus;
	struct task_struct *t;
	unsigned int n = 0;
	int cpu, err;

	if (blk_busy)
		return -EBUSY;
	if (blk_dying)
		return -ENODEV;

	blk_run.cfg = blk_cfg;
	cpumask_clear(mask);
	for_each_cpu_and(cpu, &blk_cfg.cpus, cpu_online_mask) {
		if (blk_cfg.ncpus && n == blk_cfg.ncpus)
			break;
		cpumask_set_cpu(cpu, mask);
		n++;
	}
	if (!n || (blk_cfg.ncpus && n < blk_cfg.ncpus)) {
		pr_warn("start: %u CPUs asked, %u online in the cpus set\n",
			blk_cfg.ncpus, n);
		return -EINVAL;
	}
	blk_run.nr = n;
	blk_run.cs_loops = div_u64(blk_cfg.cs_ns *
				   blk_clock_info.cs_loops_per_ms, NSEC_PER_MSEC);
	blk_run.think_loops = div_u64(blk_cfg.think_ns *
				      blk_clock_info.think_loops_per_ms,
				      NSEC_PER_MSEC);
	atomic_set(&blk_run.arrive, n);
	atomic_set(&blk_run.active, n);
	blk_run.t_go = 0;
	blk_run.stopped = false;
	blk_run.go = false;
	blk_run.stop = false;

	blk_cfg.ops->init(&blk_shared.lock);
	blk_shared.owner = BLK_NOBODY;
	blk_shared.counter = 0;
	blk_spin_counters_reset();
	for_each_cpu(cpu, mask) {
		struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);

		pc->acquisitions = 0;
		pc->overlaps = 0;
		pc->t_end = 0;
		blk_hist_init(&pc->acquire);
		blk_hist_init(&pc->hold);
		t = kthread_create_on_cpu(blk_worker, (void *)(unsigned long)cpu,
					  cpu, "blacklock/%u");
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			goto stop_workers;
		}
		pc->task = t;
	}

	blk_busy = true;
	trace_blk_run_start(blk_cfg.ops->name, n, blk_cfg.duration_ms,
			    blk_cfg.cs_ns, blk_cfg.think_ns);
	for_each_cpu(cpu, mask)
		wake_up_process(per_cpu_ptr(blk_pcpu, cpu)->task);
	return 0;

stop_workers:
	for_each_cpu(cpu, mask) {
		struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);

		if (pc->task)
			kthread_stop(pc->task);
		pc->task = NULL;
	}
	return err;
}

/* Ask the run in progress, if any, to end now. blk_mutex held. */
static void blk_stop(void)
{
	if (!blk_busy)
		return;
	blk_run.stopped = true;
	WRITE_ONCE(blk_run.stop, true);
}

/**
 * blk_control() - carry out a command written to the "control" file.
 * @buf: "start", "stop", "reset" or "wait" (a trailing newline is fine).
 *
 * start: begin a run with the current knobs; -EBUSY if one is going.
 * stop:  end the run in progress early (its result is kept, marked
 *        stopped); nothing to do when idle.
 * reset: forget all kept results; -EBUSY during a run.
 * wait:  sleep until no run is in progress; interruptible.
 * pingpong: measure the core-to-core handoff floor between the first two
 *        CPUs of the cpus knob (about a second; -EBUSY during a run).
 *
 * Return: 0, or a negative errno; -EINVAL for an unknown command.
 */
int blk_control(const char *buf)
{
	int ret = 0;

	if (sysfs_streq(buf, "wait"))
		return wait_event_interruptible(blk_idle_wq,
						!READ_ONCE(blk_busy));

	mutex_lock(&blk_mutex);
	if (sysfs_streq(buf, "start"))
		ret = blk_start();
	else if (sysfs_streq(buf, "stop"))
		blk_stop();
	else if (sysfs_streq(buf, "pingpong"))
		ret = blk_pingpong_run();
	else if (sysfs_streq(buf, "reset"))
		if (blk_busy)
			ret = -EBUSY;
		else
			blk_results_free();
	else
		ret = -EINVAL;
	mutex_unlock(&blk_mutex);
	return ret;
}

/**
 * blk_running() - is a run in progress?
 *
 * Return: true from a successful "start" until its result is kept.
 */
bool blk_running(void)
{
	return READ_ONCE(blk_busy);
}

/**
 * blk_runs_done() - how many runs have finished since load.
 *
 * Return: the number of the last finished run, 0 if none.
 */
u64 blk_runs_done(void)
{
	return READ_ONCE(blk_next_id) - 1;
}

/* ---- knobs ----------------------------------------------------------- */

/**
 * blk_parse_lock() - parse a lock kind name.
 * @buf: the name, e.g. "ttas" (a trailing newline is fine).
 * @ops: where to store the kind.
 *
 * Return: 0, or -EINVAL for a name not on the menu (@ops untouched).
 */
int blk_parse_lock(const char *buf, const struct blk_lock_ops **ops)
{
	const struct blk_lock_ops *found = blk_lock_find(buf);

	if (!found)
		return -EINVAL;
	*ops = found;
	return 0;
}

/**
 * blk_parse_u32() - parse a decimal number within bounds.
 * @buf: the text (a trailing newline is fine).
 * @min: smallest value accepted.
 * @max: largest value accepted.
 * @val: where to store it.
 *
 * Return: 0, or -EINVAL for garbage or a value out of range (@val untouched).
 */
int blk_parse_u32(const char *buf, u32 min, u32 max, u32 *val)
{
	u32 v;

	if (kstrtou32(buf, 10, &v) || v < min || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

/**
 * blk_parse_cpus() - parse a CPU set.
 * @buf: "all", or a cpu list such as "0-3,6" (a trailing newline is fine).
 * @mask: where to store the set.
 *
 * The set must name only possible CPUs and at least one online CPU.
 *
 * Return: 0, or -EINVAL (@mask is then undefined).
 */
int blk_parse_cpus(const char *buf, struct cpumask *mask)
{
	if (sysfs_streq(buf, "all")) {
		cpumask_copy(mask, cpu_possible_mask);
		return 0;
	}
	if (cpulist_parse(buf, mask) ||
	    !cpumask_subset(mask, cpu_possible_mask) ||
	    !cpumask_intersects(mask, cpu_online_mask))
		return -EINVAL;
	return 0;
}

/**
 * blk_knob_write() - set a knob from text.
 * @knob: which.
 * @buf: the new value, as text.
 *
 * Return: 0; -EBUSY during a run; -EINVAL if @buf is not a valid value. On
 * any error the knob keeps its old value.
 */
int blk_knob_write(enum blk_knob knob, const char *buf)
{
	int ret;

	mutex_lock(&blk_mutex);
	if (blk_busy) {
		ret = -EBUSY;
		goto unlock;
	}
	switch (knob) {
	case BLK_KNOB_LOCK:
		ret = blk_parse_lock(buf, &blk_cfg.ops);
		break;
	case BLK_KNOB_CPUS:
		ret = blk_parse_cpus(buf, &blk_scratch);
		if (!ret)
			cpumask_copy(&blk_cfg.cpus, &blk_scratch);
		break;
	case BLK_KNOB_NCPUS:
		ret = blk_parse_u32(buf, 0, nr_cpu_ids, &blk_cfg.ncpus);
		break;
	case BLK_KNOB_DURATION_MS:
		ret = blk_parse_u32(buf, BLK_DURATION_MS_MIN,
				    BLK_DURATION_MS_MAX, &blk_cfg.duration_ms);
		break;
	case BLK_KNOB_CS_NS:
		ret = blk_parse_u32(buf, 0, BLK_WORK_NS_MAX, &blk_cfg.cs_ns);
		break;
	case BLK_KNOB_THINK_NS:
		ret = blk_parse_u32(buf, 0, BLK_WORK_NS_MAX, &blk_cfg.think_ns);
		break;
	default:
		ret = -EINVAL;
	}
unlock:
	mutex_unlock(&blk_mutex);
	return ret;
}

/**
 * blk_knob_show() - print a knob's current value and a newline.
 * @knob: which.
 * @m: where.
 */
void blk_knob_show(enum blk_knob knob, struct seq_file *m)
{
	mutex_lock(&blk_mutex);
	switch (knob) {
	case BLK_KNOB_LOCK:
		seq_printf(m, "%s\n", blk_cfg.ops->name);
		break;
	case BLK_KNOB_CPUS:
		seq_printf(m, "%*pbl\n", cpumask_pr_args(&blk_cfg.cpus));
		break;
	case BLK_KNOB_NCPUS:
		seq_printf(m, "%u\n", blk_cfg.ncpus);
		break;
	case BLK_KNOB_DURATION_MS:
		seq_printf(m, "%u\n", blk_cfg.duration_ms);
		break;
	case BLK_KNOB_CS_NS:
		seq_printf(m, "%u\n", blk_cfg.cs_ns);
		break;
	case BLK_KNOB_THINK_NS:
		seq_printf(m, "%u\n", blk_cfg.think_ns);
		break;
	default:
		break;
	}
	mutex_unlock(&blk_mutex);
}

/* ---- module ---------------------------------------------------------- */

static char *blk_param[BLK_NR_KNOBS];
module_param_named(lock, blk_param[BLK_KNOB_LOCK], charp, 0);
MODULE_PARM_DESC(lock, "lock kind: ttas, ttas_asm, tas, spinlock, raw_spinlock, busted (default ttas)");
module_param_named(cpus, blk_param[BLK_KNOB_CPUS], charp, 0);
MODULE_PARM_DESC(cpus, "CPUs to run workers on: \"all\" or a list like 0-3,6 (default all)");
module_param_named(ncpus, blk_param[BLK_KNOB_NCPUS], charp, 0);
MODULE_PARM_DESC(ncpus, "use only the first N CPUs of cpus; 0 = all (default 0)");
module_param_named(duration_ms, blk_param[BLK_KNOB_DURATION_MS], charp, 0);
MODULE_PARM_DESC(duration_ms, "run length in ms, 1..3600000 (default 1000)");
module_param_named(cs_ns, blk_param[BLK_KNOB_CS_NS], charp, 0);
MODULE_PARM_DESC(cs_ns, "work inside the critical section, ns, 0..1000000 (default 0)");
module_param_named(think_ns, blk_param[BLK_KNOB_THINK_NS], charp, 0);
MODULE_PARM_DESC(think_ns, "work between critical sections, ns, 0..1000000 (default 0)");
static bool blk_run_on_load;
module_param_named(run_on_load, blk_run_on_load, bool, 0);
MODULE_PARM_DESC(run_on_load, "run once at load, before insmod returns (default 0)");

static int blk_apply_params(void)
{
	int knob, ret;

	blk_cfg.ops = blk_lock_menu[0];
	cpumask_copy(&blk_cfg.cpus, cpu_possible_mask);
	blk_cfg.ncpus = 0;
	blk_cfg.duration_ms = 1000;
	blk_cfg.cs_ns = 0;
	blk_cfg.think_ns = 0;
	for (knob = 0; knob < BLK_NR_KNOBS; knob++) {
		if (!blk_param[knob])
			continue;
		ret = blk_knob_write(knob, blk_param[knob]);
		if (ret) {
			pr_err("invalid %s=%s\n", blk_knob_names[knob],
			       blk_param[knob]);
			return ret;
		}
	}
	return 0;
}

static int __init blk_init(void)
{
	int ret;

	blk_pcpu = alloc_percpu(struct blk_pcpu);
	if (!blk_pcpu)
		return -ENOMEM;
	ret = blk_apply_params();
	if (ret)
		goto free_pcpu;
	blk_calibrate();
	blk_spinlock_flavour_probe();
	pr_info("spinlock_t in effect: %s\n", blk_spinlock_flavour());

	ret = blk_debugfs_init();
	if (ret)
		goto free_pcpu;
	if (blk_run_on_load) {
		ret = blk_control("start");
		if (ret)
			goto remove_debugfs;
		wait_event(blk_idle_wq, !READ_ONCE(blk_busy));
	}
	return 0;

remove_debugfs:
	blk_debugfs_exit();
free_pcpu:
	free_percpu(blk_pcpu);
	return ret;
}

static void __exit blk_exit(void)
{
	mutex_lock(&blk_mutex);
	blk_dying = true;
	blk_stop();
	mutex_unlock(&blk_mutex);
	blk_debugfs_exit();
	wait_event(blk_idle_wq, !READ_ONCE(blk_busy));
	flush_work(&blk_finish_work);
	cancel_delayed_work_sync(&blk_stop_work);
	blk_results_free();
	free_percpu(blk_pcpu);
}

module_init(blk_init);
module_exit(blk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("blacklock: a TTAS spinlock laboratory");
MODULE_AUTHOR("The blacklock developers");
