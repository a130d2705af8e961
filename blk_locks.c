// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the lock menu.
 *
 * Every lock kind is one struct blk_lock_ops, generated from
 * blk_kinds_list.h; the engine and the tests look a kind up by name and
 * drive it through the table, never knowing which it has
 * (kernel/locking/locktorture.c does the same with lock_torture_ops). The
 * table's lock and unlock are out-of-line copies of blk_kind_lock() and
 * blk_kind_unlock(), for the tests; the engine calls the kind's own loops,
 * in which the same functions are inlined.
 *
 * The kinds themselves, with what each is, are blk_kinds_list.h (and the
 * "locks" file, which prints it).
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched/clock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "blk_locks.h"

/*
 * The rescue column: "rescue" gives the table the kind's blk_<id>_rescue(),
 * the watchdog's last resort for a run whose lock nobody releases: it does
 * what an unlock would, without being the owner, so that a waiter spinning
 * with preemption off gets in and its worker can see the stop flag. It
 * breaks whatever exclusion was left; the run is recorded as stuck anyway.
 * "none" leaves the table's rescue NULL, and the watchdog says that it
 * cannot free the lock (an MCS owner's node, which the next owner waits on,
 * is not the lock's; the kernel's locks are not ours to write).
 */
#define blk_rescue_fn_rescue(id)					\
static void blk_rescue_##id(struct blk_lock *l)				\
{									\
	blk_##id##_rescue(&l->id);					\
}

#define blk_rescue_fn_none(id)
#define blk_rescue_of_rescue(id)	blk_rescue_##id
#define blk_rescue_of_none(id)		NULL

/*
 * sparse tracks a trylock's context only through the __cond_lock() macros,
 * not through a bool returned by a function pointer: once taken, hand the
 * context back so that the table's trylock is balanced as sparse sees it.
 *
 * irq_class gives a lock a lockdep class of its own for irq_hz: the lock is
 * then taken in hardirq context too (the workers with interrupts off);
 * every other run and test takes the same kind's class with interrupts on,
 * which lockdep would rightly call inconsistent if the two shared a class.
 * Nothing without CONFIG_DEBUG_LOCK_ALLOC.
 */
#define BLK_KIND(id, type, nr_rmw, flags, irqsave, can_rescue, description)	\
static void blk_init_##id(struct blk_lock *l)				\
{									\
	blk_##id##_init(&l->id);					\
}									\
static void blk_lock_##id(struct blk_lock *l)				\
	__acquires(l)							\
{									\
	blk_kind_lock(BLK_KIND_##id, l);				\
}									\
static void blk_unlock_##id(struct blk_lock *l)				\
	__releases(l)							\
{									\
	blk_kind_unlock(BLK_KIND_##id, l);				\
}									\
static bool blk_trylock_##id(struct blk_lock *l)			\
{									\
	return blk_##id##_trylock(&l->id) ?				\
	       ({ __release(&l->id); true; }) : false;			\
}									\
static bool blk_is_locked_##id(struct blk_lock *l)			\
{									\
	return blk_##id##_is_locked(&l->id);				\
}									\
static void blk_irq_class_##id(struct blk_lock *l)			\
{									\
	static struct lock_class_key key;				\
									\
	lockdep_set_class_and_name(&l->id, &key, "blk_irq_" #id);	\
}									\
blk_rescue_fn_##can_rescue(id)						\
static const struct blk_lock_ops blk_ops_##id = {			\
	.name		= #id,						\
	.desc		= description,					\
	.kind		= BLK_KIND_##id,				\
	.init		= blk_init_##id,				\
	.lock		= blk_lock_##id,				\
	.unlock		= blk_unlock_##id,				\
	.trylock	= blk_trylock_##id,				\
	.is_locked	= blk_is_locked_##id,				\
	.irq_class	= blk_irq_class_##id,				\
	.hammer		= blk_hammer_##id,				\
	.hammer_irq	= blk_hammer_irq_##id,				\
	.hammer_count	= blk_hammer_count_##id,			\
	.hammer_irq_count = blk_hammer_irq_count_##id,			\
	.reference	= blk_reference_##id,				\
	.cost		= blk_cost_##id,				\
	.rescue		= blk_rescue_of_##can_rescue(id),			\
	.rmw		= nr_rmw,					\
	.counted	= !!((flags) & BLK_KF_COUNTED),			\
	.kernel		= !!((flags) & BLK_KF_KERNEL),			\
	.broken		= !!((flags) & BLK_KF_BROKEN),			\
	.floor		= !!((flags) & BLK_KF_FLOOR),			\
	.rt_sleeps	= !!((flags) & BLK_KF_RT_SLEEPS),		\
};

#include "blk_kinds_list.h"
#undef BLK_KIND

#define BLK_KIND(id, type, rmw, flags, irqsave, rescue, desc)	\
	[BLK_KIND_##id] = &blk_ops_##id,
const struct blk_lock_ops *const blk_lock_menu[] = {
#include "blk_kinds_list.h"
};

#undef BLK_KIND

const unsigned int blk_lock_menu_len = ARRAY_SIZE(blk_lock_menu);

/**
 * blk_lock_find() - look a lock kind up by name.
 * @name: the name; a trailing newline is ignored.
 *
 * Return: the kind, or NULL if there is none of that name.
 */
const struct blk_lock_ops *blk_lock_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < blk_lock_menu_len; i++)
		if (sysfs_streq(name, blk_lock_menu[i]->name))
			return blk_lock_menu[i];
	return NULL;
}

/* The list has exactly one floor. */
#define BLK_KIND(id, type, rmw, flags, irqsave, rescue, desc)	\
	+ !!((flags) & BLK_KF_FLOOR)
enum { BLK_NR_FLOORS = 0
#include "blk_kinds_list.h"
};

#undef BLK_KIND
static_assert(BLK_NR_FLOORS == 1, "blk_kinds_list.h: one kind must be the floor");

/**
 * blk_lock_floor() - the harness floor: the kind whose list entry says
 * BLK_KF_FLOOR.
 *
 * Return: its ops; every build has one (blk_engine.c and blk_cost.c
 * subtract it).
 */
const struct blk_lock_ops *blk_lock_floor(void)
{
	unsigned int i;

	for (i = 0; i < blk_lock_menu_len; i++)
		if (blk_lock_menu[i]->floor)
			return blk_lock_menu[i];
	return NULL;
}

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
static const char *blk_flavour = "unknown";

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
 * blk_spinlock_flavour_probe() - find out which spinlock_t is in effect.
 *
 * Up to BLK_PROBE_TRIES tries, each keeping two CPUs busy for at most
 * BLK_PROBE_ARRIVE_MS: queued as soon as one try sees a queued waiter,
 * test-and-set only when two tries say so and none says queued, else
 * unknown. Needs two online CPUs; sleeps. Call once at load.
 */
void blk_spinlock_flavour_probe(void)
{
	int here, there, i, tas = 0;

	if (!IS_ENABLED(CONFIG_SMP)) {
		blk_flavour = "uniprocessor (spinlocks only disable preemption)";
		return;
	}
	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		blk_flavour = "rt_mutex (PREEMPT_RT)";
		return;
	}
	here = cpumask_first(cpu_online_mask);
	there = cpumask_next(here, cpu_online_mask);
	if (there >= nr_cpu_ids) {
		blk_flavour = "unknown (one CPU)";
		return;
	}
	for (i = 0; i < BLK_PROBE_TRIES; i++) {
		switch (blk_probe_once(here, there)) {
		case BLK_PROBE_QUEUED:
			blk_flavour = "queued";
			return;
		case BLK_PROBE_TAS:
			tas++;
			break;
		case BLK_PROBE_UNSURE:
			break;
		}
	}
	blk_flavour = tas >= 2 ? "test-and-set (virt_spin_lock)" :
		      "unknown (the probe could not tell)";
}
#else
void blk_spinlock_flavour_probe(void)
{
	blk_flavour = "ticket or arch-specific (not qspinlock)";
}
#endif

/**
 * blk_spinlock_flavour() - the spinlock_t implementation found at load.
 *
 * Return: "queued", "test-and-set (virt_spin_lock)", or why it is unknown.
 */
const char *blk_spinlock_flavour(void)
{
	return blk_flavour;
}
