// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the watchdog, an hrtimer (it fires even when every CPU spins
 * with preemption off) that stops a run in which no worker has finished a
 * batch for watchdog_ms, logs the lock word, the owner and every worker's
 * state, and, where the kind allows, frees the lock by force until the
 * workers are out (struct blk_lock_ops' rescue); the record says stuck.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "blk_run.h"

static struct hrtimer blk_wd_timer;

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
		blk_run.cfg.lock->rescue(&blk_shared.lock);
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

/* Watch the run just started (watchdog_ms > 0). */
void blk_watchdog_start(void)
{
	hrtimer_start(&blk_wd_timer, ms_to_ktime(BLK_WD_PERIOD_MS),
		      HRTIMER_MODE_REL_HARD);
}

/* Stop watching: the run is over. */
void blk_watchdog_stop(void)
{
	hrtimer_cancel(&blk_wd_timer);
}
