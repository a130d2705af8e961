// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the watchdog, an hrtimer (it fires even when every CPU spins
 * with preemption off) that stops a run in which no worker has finished a
 * batch for watchdog_ms, logs the lock word, the owner and every worker's
 * state, and, where the kind allows, frees the lock by force until the
 * workers are out (struct blk_lock_ops' rescue); the record says stuck.
 *
 * It runs on a CPU outside the run when there is one: no timer fires on a
 * CPU that spins with interrupts off, and with irq_hz every worker's CPU
 * does (its worker in the irqsave lock, or its own interrupt in the
 * lock). An irq_hz run on every online CPU has nowhere to put it: start
 * refuses one unless watchdog_ms=0 (blk_watchdog_cpu()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "blk_run.h"

static struct hrtimer blk_wd_timer;

/* What a stuck run looks like, for the kernel log. Hard-irq context. */
static void blk_watchdog_report(u64 now)
{
	const u64 word = READ_ONCE(blk_shared[0].word);	/* the first lock's */
	const u32 owner = word & BLK_OWNER_MASK;
	char who[24] = "nobody";
	u32 lock_word;
	int cpu;

	memcpy(&lock_word, &blk_shared[0].lock, sizeof(lock_word));
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
		       READ_ONCE(pc->worker.progress),
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
	unsigned int i;
	int cpu;

	/* before the start barrier lets them go, the barrier has its limit */
	if (!smp_load_acquire(&blk_run.go)) {
		hrtimer_forward_now(t, ms_to_ktime(BLK_WD_PERIOD_MS));
		return HRTIMER_RESTART;
	}
	for_each_cpu(cpu, &blk_run.cfg.cpus) {
		struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);
		const u64 p = READ_ONCE(pc->worker.progress);

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
		for (i = 0; i < blk_run.cfg.nlocks; i++)
			blk_run.cfg.lock->rescue(&blk_shared[i].lock);
		hrtimer_forward_now(t, ns_to_ktime(BLK_WD_RESCUE_US * NSEC_PER_USEC));
		return HRTIMER_RESTART;
	}
	hrtimer_forward_now(t, ms_to_ktime(BLK_WD_PERIOD_MS));
	return HRTIMER_RESTART;
}

/**
 * blk_watchdog_init() - set the watchdog up, once, at load.
 *
 * _HARD: on PREEMPT_RT a plain hrtimer expires in the softirq thread,
 * which workers spinning with preemption off on every CPU would never let
 * run; the watchdog must fire from the hard interrupt everywhere.
 */
void blk_watchdog_init(void)
{
	hrtimer_init(&blk_wd_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	blk_wd_timer.function = blk_watchdog_fn;
}

/**
 * blk_watchdog_cpu() - where a run's watchdog can fire.
 * @cfg: the run's configuration, its CPUs chosen. Hotplug lock held.
 *
 * Return: an online CPU outside the run; nr_cpu_ids if there is none,
 * which will do unless the run has irq_hz (or needs no watchdog); -EINVAL
 * if it does.
 */
int blk_watchdog_cpu(const struct blk_config *cfg)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (!cpumask_test_cpu(cpu, &cfg->cpus))
			return cpu;
	if (cfg->irq_hz && cfg->watchdog_ms) {
		pr_warn("start: irq_hz on every online CPU leaves none for the watchdog: leave one out of cpus, or set watchdog_ms=0\n");
		return -EINVAL;
	}
	return nr_cpu_ids;
}

static void blk_watchdog_arm(void *unused)
{
	hrtimer_start(&blk_wd_timer, ms_to_ktime(BLK_WD_PERIOD_MS),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

/**
 * blk_watchdog_start() - watch the run just started (watchdog_ms > 0).
 * @cpu: from blk_watchdog_cpu(): the timer is pinned there; nr_cpu_ids:
 *	here, wherever the timer code puts it. Hotplug lock held, so @cpu is
 *	online (and if it goes offline later, its timers move).
 */
void blk_watchdog_start(unsigned int cpu)
{
	if (cpu < nr_cpu_ids)
		smp_call_function_single(cpu, blk_watchdog_arm, NULL, true);
	else
		hrtimer_start(&blk_wd_timer, ms_to_ktime(BLK_WD_PERIOD_MS),
			      HRTIMER_MODE_REL_HARD);
}

/* Stop watching: the run is over. */
void blk_watchdog_stop(void)
{
	hrtimer_cancel(&blk_wd_timer);
}
