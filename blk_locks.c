// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the lock menu.
 *
 * Every lock kind is one struct blk_lock_ops; the engine and the tests look
 * a kind up by name and drive it through the table, never knowing which it
 * has (kernel/locking/locktorture.c does the same with lock_torture_ops).
 *
 *   ttas          the TTAS lock, GCC __atomic builtins
 *   ttas_asm      the TTAS lock, inline "lock cmpxchg" (builtins off x86)
 *   tas           CAS in a loop, no read-only inner spin: the bus storm
 *   spinlock      the kernel's spinlock_t
 *   raw_spinlock  the kernel's raw_spinlock_t
 *   busted        a read followed by a separate write: not a lock at all,
 *                 the negative control that the exclusion check must catch
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched/clock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "blacklock.h"

static void blk_ttas_init(struct blk_lock *l)
{
	blk_spin_init(&l->blk);
}

static bool blk_ttas_is_locked(struct blk_lock *l)
{
	return blk_spin_is_locked(&l->blk);
}

static void blk_ttas_unlock(struct blk_lock *l)
	__releases(l)
{
	blk_spin_unlock(&l->blk);
}

static void blk_ttas_lock(struct blk_lock *l)
	__acquires(l)
{
	blk_spin_lock(&l->blk);
}

static bool blk_ttas_trylock(struct blk_lock *l)
{
	return __blk_spin_trylock_builtin(&l->blk);
}

static void blk_ttas_asm_lock(struct blk_lock *l)
	__acquires(l)
{
	blk_spin_lock_asm(&l->blk);
}

static bool blk_ttas_asm_trylock(struct blk_lock *l)
{
	return __blk_spin_trylock_asm(&l->blk);
}

static void blk_tas_lock(struct blk_lock *l)
	__acquires(l)
{
	blk_spin_lock_tas(&l->blk);
}

static void blk_spinlock_init(struct blk_lock *l)
{
	spin_lock_init(&l->spin);
}

static void blk_spinlock_lock(struct blk_lock *l)
	__acquires(l)
{
	spin_lock(&l->spin);
}

static void blk_spinlock_unlock(struct blk_lock *l)
	__releases(l)
{
	spin_unlock(&l->spin);
}

/*
 * sparse tracks a trylock's context only through the __cond_lock() macros,
 * not through a bool returned by a function pointer: once taken, hand the
 * context back so that the table's trylock is balanced as sparse sees it.
 */
static bool blk_spinlock_trylock(struct blk_lock *l)
{
	return spin_trylock(&l->spin) ? ({ __release(&l->spin); true; }) : false;
}

static bool blk_spinlock_is_locked(struct blk_lock *l)
{
	return spin_is_locked(&l->spin);
}

static void blk_raw_init(struct blk_lock *l)
{
	raw_spin_lock_init(&l->raw);
}

static void blk_raw_lock(struct blk_lock *l)
	__acquires(l)
{
	raw_spin_lock(&l->raw);
}

static void blk_raw_unlock(struct blk_lock *l)
	__releases(l)
{
	raw_spin_unlock(&l->raw);
}

static bool blk_raw_trylock(struct blk_lock *l)
{
	return raw_spin_trylock(&l->raw) ? ({ __release(&l->raw); true; }) : false;
}

static bool blk_raw_is_locked(struct blk_lock *l)
{
	return raw_spin_is_locked(&l->raw);
}

/*
 * busted: wait until the word reads 0, then write 1, as two separate
 * accesses. Two CPUs that both read 0 before either writes 1 are both
 * "inside". The accesses are marked (READ_ONCE/WRITE_ONCE) so the compiler
 * keeps them, and so the data-race detector sees an intentional race here
 * rather than a bug; the engine's exclusion check is what must catch it.
 */
static void blk_busted_lock(struct blk_lock *l)
	__acquires(l)
{
	preempt_disable();
	while (READ_ONCE(l->blk.val))
		cpu_relax();
	WRITE_ONCE(l->blk.val, 1);
	__acquire(l);
}

static bool blk_busted_trylock(struct blk_lock *l)
{
	preempt_disable();
	if (READ_ONCE(l->blk.val)) {
		preempt_enable();
		return false;
	}
	WRITE_ONCE(l->blk.val, 1);
	return true;
}

static void blk_busted_unlock(struct blk_lock *l)
	__releases(l)
{
	__release(l);
	WRITE_ONCE(l->blk.val, 0);
	preempt_enable();
}

static const struct blk_lock_ops blk_ttas_ops = {
	.name		= "ttas",
	.desc		= "TTAS, GCC __atomic builtins",
	.init		= blk_ttas_init,
	.lock		= blk_ttas_lock,
	.unlock		= blk_ttas_unlock,
	.trylock	= blk_ttas_trylock,
	.is_locked	= blk_ttas_is_locked,
	.counted	= true,
};

static const struct blk_lock_ops blk_ttas_asm_ops = {
	.name		= "ttas_asm",
	.desc		= "TTAS, inline lock cmpxchg",
	.init		= blk_ttas_init,
	.lock		= blk_ttas_asm_lock,
	.unlock		= blk_ttas_unlock,
	.trylock	= blk_ttas_asm_trylock,
	.is_locked	= blk_ttas_is_locked,
	.counted	= true,
};

static const struct blk_lock_ops blk_tas_ops = {
	.name		= "tas",
	.desc		= "test-and-set: CAS retried with no read-only spin",
	.init		= blk_ttas_init,
	.lock		= blk_tas_lock,
	.unlock		= blk_ttas_unlock,
	.trylock	= blk_ttas_trylock,
	.is_locked	= blk_ttas_is_locked,
	.counted	= true,
};

static const struct blk_lock_ops blk_spinlock_ops = {
	.name		= "spinlock",
	.desc		= "the kernel's spinlock_t",
	.init		= blk_spinlock_init,
	.lock		= blk_spinlock_lock,
	.unlock		= blk_spinlock_unlock,
	.trylock	= blk_spinlock_trylock,
	.is_locked	= blk_spinlock_is_locked,
	.kernel		= true,
};

static const struct blk_lock_ops blk_raw_ops = {
	.name		= "raw_spinlock",
	.desc		= "the kernel's raw_spinlock_t",
	.init		= blk_raw_init,
	.lock		= blk_raw_lock,
	.unlock		= blk_raw_unlock,
	.trylock	= blk_raw_trylock,
	.is_locked	= blk_raw_is_locked,
	.kernel		= true,
};

static const struct blk_lock_ops blk_busted_ops = {
	.name		= "busted",
	.desc		= "BROKEN on purpose: read then write, the negative control",
	.init		= blk_ttas_init,
	.lock		= blk_busted_lock,
	.unlock		= blk_busted_unlock,
	.trylock	= blk_busted_trylock,
	.is_locked	= blk_ttas_is_locked,
	.broken		= true,
};

const struct blk_lock_ops *const blk_lock_menu[] = {
	&blk_ttas_ops,
	&blk_ttas_asm_ops,
	&blk_tas_ops,
	&blk_spinlock_ops,
	&blk_raw_ops,
	&blk_busted_ops,
};

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
struct blk_probe {
	raw_spinlock_t lock;
	struct task_struct *waiter;
	bool waiting;
	bool queued;
};

static int blk_probe_waiter(void *arg)
{
	struct blk_probe *p = arg;

	WRITE_ONCE(p->waiting, true);
	raw_spin_lock(&p->lock);
	raw_spin_unlock(&p->lock);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

static long blk_probe_holder(void *arg)
{
	struct blk_probe *p = arg;
	u64 deadline;

	raw_spin_lock(&p->lock);
	wake_up_process(p->waiter);
	deadline = local_clock() + 200 * NSEC_PER_MSEC;
	while (local_clock() < deadline) {
		if (atomic_read(&p->lock.raw_lock.val) & ~_Q_LOCKED_MASK) {
			p->queued = true;
			break;
		}
		/* once the waiter is in, give it 20 ms to show itself */
		if (READ_ONCE(p->waiting) &&
		    deadline > local_clock() + 20 * NSEC_PER_MSEC)
			deadline = local_clock() + 20 * NSEC_PER_MSEC;
		cpu_relax();
	}
	raw_spin_unlock(&p->lock);
	return READ_ONCE(p->waiting);
}

/**
 * blk_spinlock_flavour_probe() - find out which spinlock_t is in effect.
 *
 * Needs two online CPUs; sleeps. Call once at load.
 */
void blk_spinlock_flavour_probe(void)
{
	struct blk_probe p = {};
	int here, there;
	long seen;

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
	raw_spin_lock_init(&p.lock);	/* on the stack: lockdep needs a key */
	p.waiter = kthread_create_on_cpu(blk_probe_waiter, &p, there,
					 "blacklock-probe/%u");
	if (IS_ERR(p.waiter))
		return;
	seen = work_on_cpu(here, blk_probe_holder, &p);
	kthread_stop(p.waiter);
	if (!seen)
		blk_flavour = "unknown (probe waiter never ran)";
	else if (p.queued)
		blk_flavour = "queued";
	else
		blk_flavour = "test-and-set (virt_spin_lock)";
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
