// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: which spinlock_t the running kernel has (the record's
 * spinlock_impl), probed once at load. Kernel only: the host world has no
 * spinlock_t.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched/clock.h>
#include <linux/workqueue.h>

#include "blk_locks.h"

/*
 * Which spinlock_t is in effect?
 *
 * On x86 with CONFIG_QUEUED_SPINLOCKS, a kernel that sees the CPUID
 * "hypervisor" bit keeps virt_spin_lock_key on, and spin_lock() then
 * quietly becomes a test-and-set loop on the lock word instead of the
 * queued (MCS) lock, unless a paravirt backend turns the key off. The key is
 * not exported, so instead of guessing from CPUID we look: hold a raw
 * spinlock on one CPU, let a kthread on another CPU call raw_spin_lock() on
 * it, and watch the lock word. A queued spinlock waiter sets the pending
 * bit or a tail (bits above the locked byte); the test-and-set fallback only
 * ever writes the locked byte.
 */
static const char *blk_flavour_found = "unknown";

#ifdef CONFIG_QUEUED_SPINLOCKS
#define BLK_PROBE_TRIES		3
#define BLK_PROBE_ARRIVE_MS	50	/* the holder waits this for the waiter */
#define BLK_PROBE_HOLD_MS	10	/* then holds the lock this long */
#define BLK_PROBE_WAITED_MS	8	/* a waiter this long at the lock saw it */

struct blk_probe {
	raw_spinlock_t lock;
	struct task_struct *waiter;
	bool waiting;
	bool queued;
	u64 t_wait;		/* the waiter reached raw_spin_lock() */
	u64 t_got;		/* and got the lock */
};

enum blk_probe_verdict { BLK_PROBE_QUEUED, BLK_PROBE_TAS, BLK_PROBE_UNSURE };

static int blk_probe_waiter(void *arg)
{
	struct blk_probe *p = arg;

	preempt_disable();	/* nothing of ours between the stamp and the lock */
	WRITE_ONCE(p->t_wait, local_clock());
	WRITE_ONCE(p->waiting, true);
	raw_spin_lock(&p->lock);
	WRITE_ONCE(p->t_got, local_clock());
	raw_spin_unlock(&p->lock);
	preempt_enable();
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/*
 * Hold the lock until the waiter has arrived (at most BLK_PROBE_ARRIVE_MS),
 * then BLK_PROBE_HOLD_MS more, watching the lock word for a queued waiter's
 * pending bit or tail.
 */
static long blk_probe_holder(void *arg)
{
	struct blk_probe *p = arg;
	u64 deadline;

	raw_spin_lock(&p->lock);
	wake_up_process(p->waiter);
	deadline = local_clock() + BLK_PROBE_ARRIVE_MS * NSEC_PER_MSEC;
	while (local_clock() < deadline) {
		if (atomic_read(&p->lock.raw_lock.val) & ~_Q_LOCKED_MASK) {
			p->queued = true;
			break;
		}
		if (READ_ONCE(p->waiting) &&
		    deadline > local_clock() + BLK_PROBE_HOLD_MS * NSEC_PER_MSEC)
			deadline = local_clock() + BLK_PROBE_HOLD_MS * NSEC_PER_MSEC;
		cpu_relax();
	}
	raw_spin_unlock(&p->lock);
	return 0;
}

/*
 * One try. Queued: a pending bit or tail was seen. Test-and-set: none was,
 * though the waiter sat at the lock for most of the hold. Anything else (the
 * waiter came late, or its vCPU was not running) proves nothing.
 */
static enum blk_probe_verdict blk_probe_once(int here, int there)
{
	struct blk_probe p = {};

	raw_spin_lock_init(&p.lock);	/* on the stack: lockdep needs a key */
	p.waiter = kthread_create_on_cpu(blk_probe_waiter, &p, there,
					 "blacklock-probe/%u");
	if (IS_ERR(p.waiter))
		return BLK_PROBE_UNSURE;
	work_on_cpu(here, blk_probe_holder, &p);
	kthread_stop(p.waiter);
	if (p.queued)
		return BLK_PROBE_QUEUED;
	if (READ_ONCE(p.waiting) && p.t_got >
	    p.t_wait + BLK_PROBE_WAITED_MS * NSEC_PER_MSEC)
		return BLK_PROBE_TAS;
	return BLK_PROBE_UNSURE;
}

/**
 * blk_flavour_probe() - find out which spinlock_t is in effect.
 *
 * Up to BLK_PROBE_TRIES tries, each keeping two CPUs busy for at most
 * BLK_PROBE_ARRIVE_MS: queued as soon as one try sees a queued waiter,
 * test-and-set only when two tries say so and none says queued, else
 * unknown. Needs two online CPUs; sleeps. Call once at load.
 */
void blk_flavour_probe(void)
{
	int here, there, i, tas = 0;

	if (!IS_ENABLED(CONFIG_SMP)) {
		blk_flavour_found = "uniprocessor (spinlocks only disable preemption)";
		return;
	}
	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		blk_flavour_found = "rt_mutex (PREEMPT_RT)";
		return;
	}
	here = cpumask_first(cpu_online_mask);
	there = cpumask_next(here, cpu_online_mask);
	if (there >= nr_cpu_ids) {
		blk_flavour_found = "unknown (one CPU)";
		return;
	}
	for (i = 0; i < BLK_PROBE_TRIES; i++) {
		switch (blk_probe_once(here, there)) {
		case BLK_PROBE_QUEUED:
			blk_flavour_found = "queued";
			return;
		case BLK_PROBE_TAS:
			tas++;
			break;
		case BLK_PROBE_UNSURE:
			break;
		}
	}
	blk_flavour_found = tas >= 2 ? "test-and-set (virt_spin_lock)" :
		      "unknown (the probe could not tell)";
}
#else
void blk_flavour_probe(void)
{
	blk_flavour_found = "ticket or arch-specific (not qspinlock)";
}
#endif

/**
 * blk_flavour() - the spinlock_t implementation found at load.
 *
 * Return: "queued", "test-and-set (virt_spin_lock)", or why it is unknown.
 */
const char *blk_flavour(void)
{
	return blk_flavour_found;
}
