// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the hammer engine.
 *
 * A run starts one kthread per selected CPU, bound to it. Each worker first
 * measures the harness floor on data of its own: the same loop, with the
 * same work and timing, around the empty lock (struct blk_result's
 * harness_cycles). Then the workers meet at a start barrier: each
 * decrements an arrival count and the last to arrive stamps the start time
 * and the deadline and releases the others. Until then they spin, but with
 * cond_resched(): on a small guest with voluntary preemption a worker that
 * spins with cpu_relax() alone can keep the very thread it waits for from
 * running. A worker that has waited BLK_BARRIER_MS gives up and aborts the
 * run, and the record says so.
 *
 * Then each worker runs its kind's hot loop (blk_loop.c), which ends by
 * itself at the deadline or when the stop flag is set ("stop", module
 * unload). The last worker out queues the finish work, which reaps the
 * workers, merges the per-CPU data into a struct blk_result and keeps it.
 * Nothing a worker writes is shared with another worker except the lock and
 * the data the lock protects: every counter is per CPU and summed when the
 * run ends.
 *
 * A watchdog (an hrtimer: it fires even when every CPU spins with
 * preemption off) stops a run in which no worker has finished a batch for
 * watchdog_ms, logs the lock word, the owner and every worker's state, and,
 * where the kind allows, frees the lock by force until the workers are out
 * (struct blk_lock_ops' rescue); the record says stuck.
 *
 * A worker's CPU going offline ends the run: the hotplug callback stops it
 * and waits, on the outgoing CPU, until that CPU's worker has left its loop,
 * so no worker ever runs unbound on another CPU's behalf; the record says
 * hotplug_stopped and which CPU. Starting a run holds the hotplug lock for
 * reading, so a run's CPUs are online when its workers are bound to them.
 *
 * All configuration and state changes happen under blk_mutex; a run owns
 * the run state (blk_run, blk_shared, the per-CPU data) from "start" until
 * the finish work clears blk_busy. Lock order: blk_mutex, then the hotplug
 * lock; the hotplug callback takes neither.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "blacklock.h"
#include "blk_trace.h"

#define BLK_MAX_RESULTS		32
#define BLK_BARRIER_MS		5000
#define BLK_HOTPLUG_WAIT_MS	5000
#define BLK_WD_PERIOD_MS	100
#define BLK_WD_RESCUE_US	100
/* one batch of iterations between looks at the clock takes about this */
#define BLK_BATCH_NS		50000
#define BLK_BATCH_MAX		256
/* the harness floor: about this long, best of three */
#define BLK_FLOOR_NS		2000000
#define BLK_FLOOR_TRIES		3

/* What one worker owns; see struct blk_cpu_result for the meanings. */
struct blk_pcpu {
	struct task_struct *task;
	struct blk_loop loop;
	u64 floor_cycles;
	u64 t_end;
	u64 wd_seen;		/* the watchdog's: progress last seen */
	u64 wd_since;		/* and when it last moved */
	struct blk_hist acquire;
	struct blk_hist hold;
	struct blk_hist handoff;
	struct hrtimer irq_timer;	/* irq_hz: this CPU's interrupt */
	struct blk_shared floor;
};

/*
 * What one worker CPU's interrupt counts (irq_hz), allocated per run: the
 * per-CPU area cannot hold two more histograms.
 */
struct blk_irq_stats {
	u64 acquisitions;
	u64 overlaps;
	struct blk_hist latency;	/* due time to lock taken, cycles */
	struct blk_hist wait;		/* handler start to lock taken */
} ____cacheline_aligned;

/* The run in progress (or the last one). Owned by the run while blk_busy. */
static struct {
	struct blk_config cfg;
	unsigned int nr;
	u64 cs_loops;
	u64 think_loops;
	u64 sample_every;
	u32 batch;
	atomic_t arrive;
	atomic_t active;
	u64 t_go;
	u64 deadline_ns;
	bool stopped;
	bool aborted;
	bool hotplug;
	u32 hotplug_cpu;
	bool stuck;
	struct blk_result *result;	/* allocated at start: finish cannot fail */
	u64 *acq;			/* scratch for the fairness index */
	struct blk_arrival *arrivals;	/* the workers' arrival stamps */
	struct blk_irq_stats *irq;	/* by worker index; with irq_hz only */
	u64 irq_period_ns;
	bool go ____cacheline_aligned;
	bool stop;
} blk_run;

static struct blk_shared blk_shared;
static struct blk_pcpu __percpu *blk_pcpu;

/* serialises every knob change and command; see blacklock.h */
DEFINE_MUTEX(blk_mutex);
bool blk_busy;				/* a run is in progress */
static bool blk_dying;			/* unloading: no new runs */
static int blk_cpuhp_state = -1;
static struct hrtimer blk_wd_timer;
static struct cpumask blk_scratch;	/* under blk_mutex */
static DECLARE_WAIT_QUEUE_HEAD(blk_idle_wq);
static struct blk_result *blk_results[BLK_MAX_RESULTS];
static unsigned int blk_nr_results;
static u64 blk_next_id = 1;

static void blk_finish_fn(struct work_struct *work);
static DECLARE_WORK(blk_finish_work, blk_finish_fn);

/* ---- the workers ------------------------------------------------------- */

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

static blk_loop_fn *blk_loop_of(const struct blk_lock_ops *ops)
{
	if (blk_run.cfg.loop == BLK_LOOP_REFERENCE)
		return ops->reference;
	return blk_run.cfg.irq_hz ? ops->hammer_irq : ops->hammer;
}

/* A run's shared word and handoff stamp, before the first acquisition. */
static void blk_shared_reset(struct blk_shared *sh)
{
	sh->word = BLK_WORD_INIT;
	sh->rel_seq = U64_MAX;
	sh->rel_t = 0;
}

/*
 * irq_hz: each worker's CPU takes the lock from hardirq context, from an
 * hrtimer pinned there, once a period; the latency from the timer's due
 * time to the lock being held goes into a histogram. The timer stops at
 * the run's stop flag, and its worker cancels it on the way out.
 */
static enum hrtimer_restart blk_irq_fn(struct hrtimer *t)
{
	struct blk_pcpu *pc = container_of(t, struct blk_pcpu, irq_timer);
	struct blk_irq_stats *is = &blk_run.irq[pc->loop.idx];
	const u64 due = ktime_to_ns(hrtimer_get_expires(t));
	u64 late, wait;

	if (READ_ONCE(blk_run.stop))
		return HRTIMER_NORESTART;
	is->overlaps += blk_irq_iteration(blk_run.cfg.lock, &blk_shared,
					  pc->loop.nr + pc->loop.idx, &late, &wait);
	late = late > due ? late - due : 0;
	blk_hist_add(&is->latency, blk_ns_to_cycles(late));
	blk_hist_add(&is->wait, wait);
	is->acquisitions++;
	hrtimer_forward_now(t, ns_to_ktime(blk_run.irq_period_ns));
	return HRTIMER_RESTART;
}

/*
 * The harness floor, on this CPU's own data: the run's loop around the
 * empty lock, one batch of about BLK_FLOOR_NS, best of BLK_FLOOR_TRIES.
 * Cycles per iteration, in millicycles.
 */
static u64 blk_measure_floor(struct blk_pcpu *pc)
{
	static const bool never;
	blk_loop_fn *fn = blk_loop_of(blk_lock_floor());
	u64 per_iter = blk_run.cfg.cs_ns + blk_run.cfg.think_ns + 100;
	u32 iters = clamp_t(u64, div64_u64(BLK_FLOOR_NS, per_iter), 16, 16384);
	/* the worker's own loop, on data of its own, one batch and no more */
	struct blk_loop w = pc->loop;
	u64 t0, dt, best = U64_MAX;
	int i;

	w.sh = &pc->floor;
	w.batch = iters;
	w.batch_start = iters;
	w.deadline_ns = 0;
	w.stop = &never;
	blk_shared_reset(&pc->floor);
	for (i = 0; i < BLK_FLOOR_TRIES; i++) {
		t0 = blk_clock();
		fn(&w);
		dt = blk_clock() - t0;
		best = min(best, dt);
	}
	blk_hist_init(&pc->acquire);
	blk_hist_init(&pc->hold);
	blk_hist_init(&pc->handoff);
	if (pc->loop.from)	/* the floor's own handoffs are not the run's */
		memset(pc->loop.from, 0, sizeof(*pc->loop.from) * pc->loop.nr);
	return div_u64(best * 1000, iters);
}

static void blk_barrier(void)
{
	u64 limit;

	if (atomic_dec_and_test(&blk_run.arrive)) {
		blk_run.t_go = ktime_get_ns();
		blk_run.deadline_ns = blk_run.t_go +
				      (u64)blk_run.cfg.duration_ms * NSEC_PER_MSEC;
		/* pairs with smp_load_acquire() below: t_go is set before go */
		smp_store_release(&blk_run.go, true);
		return;
	}
	limit = ktime_get_ns() + BLK_BARRIER_MS * NSEC_PER_MSEC;
	/* pairs with the smp_store_release() of go above */
	while (!smp_load_acquire(&blk_run.go) && !READ_ONCE(blk_run.stop)) {
		if (ktime_get_ns() > limit) {
			WRITE_ONCE(blk_run.aborted, true);
			WRITE_ONCE(blk_run.stop, true);
			break;
		}
		cpu_relax();
		cond_resched();
	}
}

static int blk_worker(void *arg)
{
	struct blk_pcpu *pc = arg;
	struct blk_loop *w = &pc->loop;
	blk_loop_fn *loop;

	pc->floor_cycles = blk_measure_floor(pc);
	blk_barrier();
	if (!READ_ONCE(blk_run.stop)) {
		w->deadline_ns = blk_run.deadline_ns;
		loop = blk_loop_of(blk_run.cfg.lock);
		if (blk_run.irq_period_ns)
			hrtimer_start(&pc->irq_timer,
				      ns_to_ktime(blk_run.irq_period_ns),
				      HRTIMER_MODE_REL_PINNED_HARD);
		loop(w);
		if (blk_run.irq_period_ns)
			hrtimer_cancel(&pc->irq_timer);
	}
	WRITE_ONCE(pc->t_end, ktime_get_ns());
	if (atomic_dec_and_test(&blk_run.active))
		queue_work(system_unbound_wq, &blk_finish_work);
	blk_park_until_stopped();
	return 0;
}

/* ---- the watchdog ------------------------------------------------------- */

/* What a stuck run looks like, for the kernel log. Hard-irq context. */
static void blk_watchdog_report(u64 now)
{
	const u64 word = READ_ONCE(blk_shared.word);
	const u32 owner = word & BLK_OWNER_MASK;
	char who[24] = "nobody";
	u32 lock_word;
	int cpu;

	memcpy(&lock_word, &blk_shared.lock, sizeof(lock_word));
	if (!(word & BLK_FREE) && owner < blk_run.nr)
		snprintf(who, sizeof(who), "worker %u", owner);
	else if (!(word & BLK_FREE))	/* irq_hz: past the workers' indices */
		snprintf(who, sizeof(who), "irq of worker %u",
			 owner - blk_run.nr);
	pr_err("run stuck: no worker has finished a batch for %u ms; lock %s, lock word %#x, owner field %s\n",
	       blk_run.cfg.watchdog_ms, blk_run.cfg.lock->name, lock_word, who);
	for_each_cpu(cpu, &blk_run.cfg.cpus) {
		const struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);

		pr_err("  cpu%d: %s, %llu acquisitions, no progress for %llu ms\n",
		       cpu, READ_ONCE(pc->t_end) ? "finished" : "in its loop",
		       READ_ONCE(pc->loop.progress),
		       div_u64(now - pc->wd_since, NSEC_PER_MSEC));
	}
	pr_err("run stuck: stopping it%s\n", blk_run.cfg.lock->rescue ?
	       ", freeing the lock by force until the workers are out" :
	       "; this kind cannot be freed by force");
}

static enum hrtimer_restart blk_watchdog_fn(struct hrtimer *t)
{
	const u64 now = ktime_get_ns();
	const u64 limit = (u64)blk_run.cfg.watchdog_ms * NSEC_PER_MSEC;
	bool stalled = true, running = false;
	int cpu;

	/* before the start barrier lets them go, the barrier has its limit */
	if (!smp_load_acquire(&blk_run.go)) {
		hrtimer_forward_now(t, ms_to_ktime(BLK_WD_PERIOD_MS));
		return HRTIMER_RESTART;
	}
	for_each_cpu(cpu, &blk_run.cfg.cpus) {
		struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);
		const u64 p = READ_ONCE(pc->loop.progress);

		if (READ_ONCE(pc->t_end))
			continue;
		running = true;
		if (!pc->wd_since || p != pc->wd_seen) {
			pc->wd_seen = p;
			pc->wd_since = now;
		}
		if (now - pc->wd_since < limit)
			stalled = false;
	}
	if (!running)
		return HRTIMER_NORESTART;
	if (stalled && !blk_run.stuck) {
		blk_watchdog_report(now);
		WRITE_ONCE(blk_run.stuck, true);
		WRITE_ONCE(blk_run.stopped, true);
		WRITE_ONCE(blk_run.stop, true);
	}
	if (blk_run.stuck && blk_run.cfg.lock->rescue) {
		blk_run.cfg.lock->rescue(&blk_shared.lock);
		hrtimer_forward_now(t, ns_to_ktime(BLK_WD_RESCUE_US * NSEC_PER_USEC));
		return HRTIMER_RESTART;
	}
	hrtimer_forward_now(t, ms_to_ktime(BLK_WD_PERIOD_MS));
	return HRTIMER_RESTART;
}

/* ---- results ----------------------------------------------------------- */

/*
 * a * b / c, exact however large a * b (a 128-bit product where the CPU has
 * one); 0 for c == 0. A run of 1.8e10 acquisitions already overflows 64
 * bits in acquisitions * NSEC_PER_SEC.
 */
static u64 blk_mul_div(u64 a, u32 b, u64 c)
{
	return c ? mul_u64_u64_div_u64(a, b, c) : 0;
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

/* What start allocated for the run's end (blk_run.result, the scratch). */
static void blk_run_free(void)
{
	kvfree(blk_run.result);
	kfree(blk_run.acq);
	kfree(blk_run.arrivals);
	kvfree(blk_run.irq);
	blk_run.result = NULL;
	blk_run.acq = NULL;
	blk_run.arrivals = NULL;
	blk_run.irq = NULL;
}

/* Fill in the result allocated at start, and hand it over. */
static struct blk_result *blk_collect(void)
{
	const struct cpumask *mask = &blk_run.cfg.cpus;
	struct blk_result *r = blk_run.result;
	u64 *acq = blk_run.acq, lo = U64_MAX, hi = 0, end = 0, floor = U64_MAX, cycles;
	u64 all;
	unsigned int i = 0;
	int cpu;

	r->cfg = blk_run.cfg;
	r->cs_loops = blk_run.cs_loops;
	r->think_loops = blk_run.think_loops;
	r->stopped = READ_ONCE(blk_run.stopped);
	r->aborted = READ_ONCE(blk_run.aborted);
	r->hotplug = READ_ONCE(blk_run.hotplug);
	r->hotplug_cpu = READ_ONCE(blk_run.hotplug_cpu);
	r->stuck = READ_ONCE(blk_run.stuck);
	r->nr_cpus = blk_run.nr;
	blk_hist_init(&r->acquire);
	blk_hist_init(&r->hold);
	blk_hist_init(&r->handoff);
	blk_hist_init(&r->irq_latency);
	blk_hist_init(&r->irq_wait);

	for_each_cpu(cpu, mask) {
		const struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);
		struct blk_cpu_result *c = &r->cpu[i];
		struct blk_spin_counters sc = {};

		blk_spin_counters_read(&sc, cpu);
		c->cpu = cpu;
		/* each counter from the side that counts it (blk_counters.h) */
#define BLK_COUNTER(name, from, merge, doc)				\
		BLK_IF_loop_##from(c->name = pc->loop.name;)		\
		BLK_IF_lock_##from(c->name = sc.name;)
#include "blk_counters_list.h"
#undef BLK_COUNTER
		if (blk_run.irq) {
			const struct blk_irq_stats *is = &blk_run.irq[i];

			c->overlaps += is->overlaps;
			c->irq_acquisitions = is->acquisitions;
			blk_hist_merge(&r->irq_latency, &is->latency);
			blk_hist_merge(&r->irq_wait, &is->wait);
		}
		c->samples = pc->acquire.count;
		c->acquire_p50 = blk_hist_percentile(&pc->acquire, 500000);
		c->acquire_p99 = blk_hist_percentile(&pc->acquire, 990000);
		c->acquire_max = pc->acquire.max;
		blk_hist_merge(&r->acquire, &pc->acquire);
		blk_hist_merge(&r->hold, &pc->hold);
		blk_hist_merge(&r->handoff, &pc->handoff);
#define BLK_COUNTER(name, from, merge, doc)				\
		blk_merge_##merge(&r->name, c->name);
#include "blk_counters_list.h"
#undef BLK_COUNTER
		r->irq_acquisitions += c->irq_acquisitions;
		lo = min(lo, c->acquisitions);
		hi = max(hi, c->acquisitions);
		end = max(end, pc->t_end);
		floor = min(floor, pc->floor_cycles);
		acq[i++] = c->acquisitions;
	}
	for (i = 0; i < r->nr_cpus; i++)
		r->cpu[i].share_micro = r->acquisitions ?
			blk_ratio_micro(r->cpu[i].acquisitions, r->acquisitions) : 0;

	r->duration_ns = blk_run.t_go && end > blk_run.t_go ?
			 end - blk_run.t_go : 0;
	r->counter = blk_word_count(READ_ONCE(blk_shared.word));
	all = blk_all_acquisitions(r);
	r->lost_updates = all > r->counter ? all - r->counter :
					     r->counter - all;
	r->rmw = r->cfg.lock->rmw * all + r->cas_failures - r->direct_handoffs;
	r->violations = r->overlaps + r->lost_updates;
	r->jain_micro = blk_jain_micro(acq, r->nr_cpus);
	r->max_min_micro = lo ? blk_ratio_micro(hi, lo) : U64_MAX;
	/* in millicycles: each worker's cycles per acquisition */
	r->harness_cycles = floor == U64_MAX ? 0 : floor;
	cycles = blk_mul_div(r->duration_ns, blk_clock_info.khz, NSEC_PER_MSEC);
	r->iter_cycles = blk_mul_div(cycles * r->nr_cpus, 1000, r->acquisitions);
	blk_run.result = NULL;		/* handed over: the caller keeps it */
	blk_run_free();
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

	hrtimer_cancel(&blk_wd_timer);
	for_each_cpu(cpu, &blk_run.cfg.cpus) {
		struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);

		kthread_stop(pc->task);
		pc->task = NULL;
	}
	r = blk_collect();

	mutex_lock(&blk_mutex);
	blk_result_add(r);
	trace_blk_run_stop(r->id, r->cfg.lock->name, r->acquisitions,
			   r->violations, r->duration_ns);
	blk_result_print(r);
	WRITE_ONCE(blk_busy, false);
	mutex_unlock(&blk_mutex);
	wake_up_all(&blk_idle_wq);
}

/* ---- control ------------------------------------------------------------- */

static void blk_stop_workers(const struct cpumask *mask)
{
	int cpu;

	for_each_cpu(cpu, mask) {
		struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);

		if (pc->task)
			kthread_stop(pc->task);
		pc->task = NULL;
	}
}

/* The rest of blk_start(), with the hotplug lock held: the CPUs stay up. */
static int blk_start_workers(struct blk_config *cfg)
{
	struct cpumask *mask = &cfg->cpus;
	struct task_struct *t;
	unsigned int n = 0, i;
	int cpu;

	cpumask_clear(&blk_scratch);
	for_each_cpu_and(cpu, &cfg->cpus, cpu_online_mask) {
		if (cfg->ncpus && n == cfg->ncpus)
			break;
		cpumask_set_cpu(cpu, &blk_scratch);
		n++;
	}
	cpumask_copy(mask, &blk_scratch);
	if (!n || (cfg->ncpus && n < cfg->ncpus)) {
		pr_warn("start: %u CPUs asked, %u online in the cpus set\n",
			cfg->ncpus, n);
		return -EINVAL;
	}
	/*
	 * All that the run's end needs is allocated now: a run either does
	 * not start (-ENOMEM, nothing changed) or ends with its record, since
	 * the finish has nothing left that can fail.
	 */
	blk_run.result = kvzalloc(blk_result_size(n), GFP_KERNEL);
	blk_run.acq = kcalloc(n, sizeof(*blk_run.acq), GFP_KERNEL);
	blk_run.arrivals = kcalloc(n, sizeof(*blk_run.arrivals), GFP_KERNEL);
	if (cfg->irq_hz) {
		blk_run.irq = kvcalloc(n, sizeof(*blk_run.irq), GFP_KERNEL);
		for (i = 0; blk_run.irq && i < n; i++) {
			blk_hist_init(&blk_run.irq[i].latency);
			blk_hist_init(&blk_run.irq[i].wait);
		}
	}
	if (!blk_run.result || !blk_run.acq || !blk_run.arrivals ||
	    (cfg->irq_hz && !blk_run.irq)) {
		blk_run_free();
		return -ENOMEM;
	}
	blk_run.nr = n;
	blk_run.cs_loops = blk_ns_to_loops(cfg->cs_ns,
					   blk_clock_info.cs_loops_per_ms);
	blk_run.think_loops = blk_ns_to_loops(cfg->think_ns,
					      blk_clock_info.think_loops_per_ms);
	blk_run.sample_every = blk_sample_every(cfg);
	blk_run.batch = clamp_t(u32, BLK_BATCH_NS /
				(cfg->cs_ns + cfg->think_ns + 100), 1,
				BLK_BATCH_MAX);
	atomic_set(&blk_run.arrive, n);
	atomic_set(&blk_run.active, n);
	blk_run.t_go = 0;
	blk_run.stopped = false;
	blk_run.aborted = false;
	blk_run.hotplug = false;
	blk_run.hotplug_cpu = 0;
	blk_run.stuck = false;
	blk_run.go = false;
	blk_run.stop = false;
	blk_run.irq_period_ns = cfg->irq_hz ? div_u64(NSEC_PER_SEC, cfg->irq_hz) : 0;
	blk_run.result->nr_cpus = n;

	cfg->lock->init(&blk_shared.lock);
	if (cfg->irq_hz)
		cfg->lock->irq_class(&blk_shared.lock);
	/* worker and interrupt indices, and "nobody", fit the owner field */
	BUILD_BUG_ON(2 * CONFIG_NR_CPUS >= BLK_NOBODY);
	blk_shared_reset(&blk_shared);
	blk_spin_counters_reset();
	blk_spin_set_backoff(cfg->backoff_min, cfg->backoff_max);
	n = 0;
	for_each_cpu(cpu, mask) {
		struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);

		pc->loop = (struct blk_loop) {
			.sh = &blk_shared,
			.cpu = cpu,
			.idx = n,
			.nr = blk_run.nr,
			.from = blk_result_from(blk_run.result, n),
			.arrivals = blk_run.arrivals,
			.handoff = &pc->handoff,
			.cs_loops = blk_run.cs_loops,
			.think_loops = blk_run.think_loops,
			.sample_every = blk_run.sample_every,
			.batch = blk_run.batch,
			.batch_start = 1,
			.stop = &blk_run.stop,
			.acquire = &pc->acquire,
			.hold = &pc->hold,
		};
		pc->floor_cycles = U64_MAX;
		pc->t_end = 0;
		pc->wd_seen = 0;
		pc->wd_since = 0;
		blk_hist_init(&pc->acquire);
		blk_hist_init(&pc->hold);
		blk_hist_init(&pc->handoff);
		hrtimer_init(&pc->irq_timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
		pc->irq_timer.function = blk_irq_fn;
		n++;
		t = kthread_create_on_cpu(blk_worker, pc, cpu, "blacklock/%u");
		if (IS_ERR(t)) {
			blk_stop_workers(mask);
			blk_run_free();
			return PTR_ERR(t);
		}
		pc->task = t;
	}

	blk_busy = true;
	trace_blk_run_start(cfg->lock->name, n, cfg->duration_ms,
			    cfg->cs_ns, cfg->think_ns);
	for_each_cpu(cpu, mask)
		wake_up_process(per_cpu_ptr(blk_pcpu, cpu)->task);
	if (cfg->watchdog_ms)
		hrtimer_start(&blk_wd_timer, ms_to_ktime(BLK_WD_PERIOD_MS),
			      HRTIMER_MODE_REL_HARD);
	return 0;
}

/* Start a run with the current knobs. blk_mutex held. */
static int blk_start(void)
{
	struct blk_config *cfg = &blk_run.cfg;
	int ret;

	if (blk_busy)
		return -EBUSY;
	if (blk_dying)
		return -ENODEV;

	blk_config_get(cfg);
	if (cfg->loop == BLK_LOOP_REFERENCE &&
	    (cfg->cs_ns || cfg->think_ns || cfg->timing != BLK_TIMING_OFF)) {
		pr_warn("start: loop=reference takes cs_ns=0 think_ns=0 timing=off\n");
		return -EINVAL;
	}
	if (cfg->backoff_min > cfg->backoff_max) {
		pr_warn("start: backoff_min %u is above backoff_max %u\n",
			cfg->backoff_min, cfg->backoff_max);
		return -EINVAL;
	}
	if (cfg->irq_hz && cfg->loop == BLK_LOOP_REFERENCE) {
		pr_warn("start: irq_hz needs loop=engine\n");
		return -EINVAL;
	}
	if (cfg->irq_hz && cfg->lock->rt_sleeps && IS_ENABLED(CONFIG_PREEMPT_RT)) {
		pr_warn("start: %s sleeps on PREEMPT_RT: no irq_hz\n",
			cfg->lock->name);
		return -EINVAL;
	}
	cpus_read_lock();
	ret = blk_start_workers(cfg);
	cpus_read_unlock();
	return ret;
}

/* Ask the run in progress, if any, to end now. blk_mutex held. */
static void blk_stop(void)
{
	if (!blk_busy)
		return;
	WRITE_ONCE(blk_run.stopped, true);
	WRITE_ONCE(blk_run.stop, true);
}

/* The first online CPU of the cpus knob, for one-CPU measurements. */
static void blk_knob_cpus(struct cpumask *mask)
{
	struct blk_config cfg;

	blk_config_get(&cfg);
	cpumask_and(mask, &cfg.cpus, cpu_online_mask);
}

/**
 * blk_control() - carry out a command written to the "control" file.
 * @buf: the command (a trailing newline is fine).
 *
 * start: begin a run with the current knobs; -EBUSY if one is going.
 * stop:  end the run in progress early (its result is kept, marked
 *        stopped); nothing to do when idle.
 * reset: forget all kept results; -EBUSY during a run.
 * wait:  sleep until no run is in progress; interruptible.
 * pingpong: measure the core-to-core handoff floor between the first two
 *        CPUs of the cpus knob (about a second; -EBUSY during a run).
 * cost:  measure every kind's uncontended lock/unlock pair on the first
 *        CPU of the cpus knob (-EBUSY during a run).
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
	if (sysfs_streq(buf, "start")) {
		ret = blk_start();
	} else if (sysfs_streq(buf, "stop")) {
		blk_stop();
	} else if (sysfs_streq(buf, "pingpong") || sysfs_streq(buf, "cost")) {
		blk_knob_cpus(&blk_scratch);
		if (blk_busy)
			ret = -EBUSY;
		else if (sysfs_streq(buf, "cost"))
			ret = blk_cost_run(&blk_scratch);
		else
			ret = blk_pingpong_run(&blk_scratch);
	} else if (sysfs_streq(buf, "reset")) {
		if (blk_busy) {
			ret = -EBUSY;
		} else {
			blk_results_free();
			blk_cost_forget();
		}
	} else {
		ret = -EINVAL;
	}
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
 * blk_wait_idle() - wait, at most @ms milliseconds, for the run to end.
 * @ms: the limit.
 *
 * Return: 0 once no run is in progress, -ETIMEDOUT if one still is.
 */
int blk_wait_idle(unsigned int ms)
{
	return wait_event_timeout(blk_idle_wq, !READ_ONCE(blk_busy),
				  msecs_to_jiffies(ms)) ? 0 : -ETIMEDOUT;
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

/**
 * blk_run_and_wait() - one run with the current knobs, waited for.
 *
 * Interruptible: a signal stops the run, which is then waited for.
 *
 * Return: 0, or the errno of "start".
 */
int blk_run_and_wait(void)
{
	int ret = blk_control("start");

	if (ret)
		return ret;
	if (wait_event_interruptible(blk_idle_wq, !READ_ONCE(blk_busy))) {
		blk_control("stop");
		wait_event(blk_idle_wq, !READ_ONCE(blk_busy));
	}
	return 0;
}

/*
 * A CPU is going offline (the callback runs on it). If it runs a worker,
 * end the run, and wait until that worker has left its loop and stamped its
 * end: it does so on this CPU, which is still up, and then only sleeps until
 * the finish work reaps it, wherever the scheduler moves it.
 */
static int blk_cpu_offline(unsigned int cpu)
{
	const struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);
	unsigned long deadline;

	if (!READ_ONCE(blk_busy) || !cpumask_test_cpu(cpu, &blk_run.cfg.cpus))
		return 0;
	WRITE_ONCE(blk_run.hotplug_cpu, cpu);
	WRITE_ONCE(blk_run.hotplug, true);
	WRITE_ONCE(blk_run.stopped, true);
	WRITE_ONCE(blk_run.stop, true);
	deadline = jiffies + msecs_to_jiffies(BLK_HOTPLUG_WAIT_MS);
	while (!READ_ONCE(pc->t_end) && time_before(jiffies, deadline))
		usleep_range(500, 1000);
	if (!READ_ONCE(pc->t_end))
		pr_warn("CPU %u goes offline with its worker still in its loop\n", cpu);
	return 0;
}

/**
 * blk_engine_init() - allocate the per-CPU state, watch CPU hotplug.
 *
 * Return: 0, -ENOMEM, or the errno of cpuhp_setup_state_nocalls().
 */
int blk_engine_init(void)
{
	int ret;

	/* the most one percpu allocation may be (mm/percpu.c refuses more) */
	BUILD_BUG_ON(sizeof(struct blk_pcpu) > PCPU_MIN_UNIT_SIZE);
	blk_pcpu = alloc_percpu(struct blk_pcpu);
	if (!blk_pcpu)
		return -ENOMEM;
	/*
	 * _HARD: on PREEMPT_RT a plain hrtimer expires in the softirq thread,
	 * which workers spinning with preemption off on every CPU would never
	 * let run; the watchdog must fire from the hard interrupt everywhere.
	 */
	hrtimer_init(&blk_wd_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	blk_wd_timer.function = blk_watchdog_fn;
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "blacklock:online",
					NULL, blk_cpu_offline);
	if (ret < 0) {
		free_percpu(blk_pcpu);
		return ret;
	}
	blk_cpuhp_state = ret;
	return 0;
}

/**
 * blk_engine_exit() - stop any run, wait for it, free everything.
 */
void blk_engine_exit(void)
{
	if (blk_cpuhp_state >= 0)
		cpuhp_remove_state_nocalls(blk_cpuhp_state);
	blk_cpuhp_state = -1;
	mutex_lock(&blk_mutex);
	blk_dying = true;
	blk_stop();
	mutex_unlock(&blk_mutex);
	wait_event(blk_idle_wq, !READ_ONCE(blk_busy));
	flush_work(&blk_finish_work);
	blk_results_free();
	blk_cost_forget();
	free_percpu(blk_pcpu);
}
