// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: a run's workers, one kthread per CPU, and their interrupts
 * (irq_hz): each measures the harness floor, meets the others at the start
 * barrier, runs its kind's hot loop, and the last one out queues the
 * finish work. See blk_engine.c for the run's life.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "blk_clock.h"
#include "blk_run.h"

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

static blk_hammer_fn *blk_loop_of(const struct blk_lock_ops *ops)
{
	if (blk_run.cfg.loop == BLK_LOOP_REFERENCE)
		return ops->reference;
	if (blk_run.cfg.check == BLK_CHECK_COUNT)
		return blk_run.cfg.irq_hz ? ops->hammer_irq_count : ops->hammer_count;
	return blk_run.cfg.irq_hz ? ops->hammer_irq : ops->hammer;
}

/*
 * irq_hz: each worker's CPU takes the lock from hardirq context, from an
 * hrtimer pinned there, once a period; the latency from the timer's due
 * time to the lock being held goes into a histogram. The timer stops at
 * the run's stop flag, and its worker cancels it on the way out.
 */
enum hrtimer_restart blk_irq_fn(struct hrtimer *t)
{
	struct blk_pcpu *pc = container_of(t, struct blk_pcpu, irq_timer);
	struct blk_irq_stats *is = &blk_run.irq[pc->worker.idx];
	const u64 due = ktime_to_ns(hrtimer_get_expires(t));
	u64 late, wait;

	if (READ_ONCE(blk_run.stop))
		return HRTIMER_NORESTART;
	is->overlaps += blk_irq_iteration(blk_run.cfg.lock, blk_shared,
					  pc->worker.nr + pc->worker.idx, &late, &wait);
	late = late > due ? late - due : 0;
	blk_hist_add(&is->latency, blk_ns_to_cycles(late));
	blk_hist_add(&is->wait, wait);
	is->acquisitions++;
	hrtimer_forward_now(t, ns_to_ktime(blk_run.irq_period_ns));
	return HRTIMER_RESTART;
}

/*
 * sample_every=auto, by the last worker at the barrier: the smallest power
 * of two N such that, on every worker's CPU, what a timed iteration adds
 * to an untimed one (the empty lock in the run's own loop, without its
 * cs_ns and think_ns, timed and untimed, all workers at once) spread over
 * N iterations is at most BLK_SAMPLE_COST_PPM of the untimed floor (with
 * them). Real iterations cost more than the floor, so the cost is at most
 * that. The run's copy of the knobs says what was chosen.
 */
static void blk_choose_sample_every(void)
{
	u64 n = 1, extra, cost = 0, most = 0;
	int cpu;

	for_each_cpu(cpu, &blk_run.cfg.cpus) {
		const struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);
		const u64 floor = max(pc->floor_cycles, 1ULL);

		extra = pc->timed_extra;
		most = max(most, extra);
		n = max(n, blk_sample_want(extra, floor));
	}
	n = blk_sample_stride(n);
	for_each_cpu(cpu, &blk_run.cfg.cpus) {
		struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);
		const u64 floor = max(pc->floor_cycles, 1ULL);

		extra = pc->timed_extra;
		cost = max(cost, blk_sample_cost(extra, n, floor));
		/* the harness floor of the loop as it will run: 1 in n timed */
		pc->floor_cycles += div64_u64(extra, n);
	}
	blk_run.sample_every = n;
	blk_run.cfg.sample_every = n;
	blk_run.sample_cost_ppm = cost;
	blk_run.timed_extra = most;
}

static void blk_barrier(void)
{
	u64 limit;

	if (atomic_dec_and_test(&blk_run.arrive)) {
		if (blk_run.sample_auto)
			blk_choose_sample_every();
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

int blk_worker(void *arg)
{
	struct blk_pcpu *pc = arg;
	struct blk_worker *w = &pc->worker;
	blk_hammer_fn *loop;

	/*
	 * Bound to its CPU, and migration off as well: when the CPU goes
	 * down, the scheduler's balance-push (from sched_cpu_deactivate(),
	 * before the hotplug callbacks of modules run) moves every task that
	 * is not a per-CPU kthread to another CPU, bound or not, and this one
	 * would hammer on there until blk_cpu_offline() stopped the run,
	 * its contention counts landing on whatever CPU it found. A task with
	 * migration off stays, and the CPU waits for it
	 * (CPUHP_AP_SCHED_WAIT_EMPTY): blk_cpu_offline() stops it first.
	 */
	migrate_disable();
	pc->floor_cycles = blk_floors(blk_loop_of(blk_lock_floor()), w, &pc->floor,
				      blk_run.cfg.cs_ns, blk_run.cfg.think_ns,
				      blk_run.sample_auto, &pc->timed_extra);
	blk_barrier();
	if (!READ_ONCE(blk_run.stop)) {
		w->deadline_ns = blk_run.deadline_ns;
		/* after the barrier's acquire: chosen there, with auto */
		w->sample_every = blk_run.sample_every;
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
	migrate_enable();
	if (atomic_dec_and_test(&blk_run.active))
		queue_work(system_unbound_wq, &blk_finish_work);
	blk_park_until_stopped();
	return 0;
}
