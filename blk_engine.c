// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the hammer engine: a run's life, and the control commands.
 * The rest of a run is in files of its own over blk_run.h: its workers
 * (blk_worker.c), the watchdog (blk_watchdog.c) and its record at the end
 * (blk_collect.c).
 *
 * A run starts one kthread per selected CPU, bound to it. Each worker first
 * measures the harness floor on data of its own: the same loop, with the
 * same work and timing, around the empty lock (struct blk_result's
 * harness_millicycles). Then the workers meet at a start barrier: each
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

#include "blk_clock.h"
#include "blk_run.h"
#include "blk_trace.h"

struct blk_shared *blk_shared;		/* the run's nlocks locks and their data */
struct blk_pcpu __percpu *blk_pcpu;
struct blk_run blk_run;

static bool blk_dying;			/* unloading: no new runs */
static int blk_cpuhp_state = -1;
static struct cpumask blk_scratch;	/* under blk_mutex */
static DECLARE_WAIT_QUEUE_HEAD(blk_idle_wq);

static void blk_finish_fn(struct work_struct *work);
DECLARE_WORK(blk_finish_work, blk_finish_fn);

/* ---- the end of a run ---------------------------------------------------- */

static void blk_finish_fn(struct work_struct *work)
{
	struct blk_result *r;
	int cpu;

	blk_watchdog_stop();
	for_each_cpu(cpu, &blk_run.cfg.cpus) {
		struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);

		kthread_stop(pc->task);
		pc->task = NULL;
	}
	r = blk_collect();
	/* what the locks' init took, back (a stuck run's locks are not free) */
	blk_shared_free(r->stuck ? NULL : r->cfg.lock, r->cfg.nlocks);

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
	int cpu, wd_cpu, ret;
	char why[96];

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
	if (blk_waiters_refused(cfg, n, why, sizeof(why))) {
		pr_warn("start: %s\n", why);
		return -EINVAL;
	}
	wd_cpu = blk_watchdog_cpu(cfg);
	if (wd_cpu < 0)
		return wd_cpu;
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
	blk_run.sample_auto = cfg->timing == BLK_TIMING_SAMPLE && !cfg->sample_every;
	blk_run.sample_cost_ppm = 0;
	blk_run.timed_extra = 0;
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

	blk_shared = kvcalloc(cfg->nlocks, sizeof(*blk_shared), GFP_KERNEL);
	if (!blk_shared) {
		blk_run_free();
		return -ENOMEM;
	}
	ret = blk_locks_init(blk_shared, cfg);
	if (ret) {
		pr_warn("start: %s: no lock left to initialise (%u at most): %d\n",
			cfg->lock->name, cfg->lock->locks, ret);
		blk_shared_free(NULL, 0);
		blk_run_free();
		return ret;
	}
	/* worker and interrupt indices, and "nobody", fit the owner field */
	BUILD_BUG_ON(2 * CONFIG_NR_CPUS >= BLK_NOBODY);
	blk_contention_counters_reset();
	if (cfg->lock->configure)
		cfg->lock->configure(cfg);
	n = 0;
	for_each_cpu(cpu, mask) {
		struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);

		pc->worker = (struct blk_worker) {
			.sh = blk_shared,
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
			.stop = &blk_run.stop,
			.acquire = &pc->acquire,
			.hold = &pc->hold,
		};
		blk_worker_knobs(&pc->worker, cfg);
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
			blk_shared_free(cfg->lock, cfg->nlocks);
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
		blk_watchdog_start(wd_cpu);
	return 0;
}

/* Start a run with the current knobs. blk_mutex held. */
static int blk_start(void)
{
	struct blk_config *cfg = &blk_run.cfg;
	char why[96];
	int ret;

	if (blk_busy)
		return -EBUSY;
	if (blk_dying)
		return -ENODEV;

	blk_config_get(cfg);
	if (blk_config_refused(cfg, why, sizeof(why))) {
		pr_warn("start: %s\n", why);
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
	blk_watchdog_init();
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
