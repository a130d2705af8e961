// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the uncontended cost of every lock kind ("cost" in control).
 *
 * Is the TTAS lock "zero-cost" next to spinlock_t? On one CPU, with
 * interrupts off, each kind's blk_cost_<kind>() runs BLK_COST_PAIRS
 * back-to-back lock/unlock pairs with the lock inlined, timed as one block.
 * Kinds take turns, one batch each per round, so that a slow stretch of the
 * host (under TCG, any other load on it) spreads over all of them. The
 * empty kind's batch, the loop and the two timestamps with no lock, is
 * subtracted: the cheapest batch less the cheapest empty batch, and the
 * median less the median, each divided by the pairs. One more turn per
 * round is the stand-in's (BLK_KF_STANDIN: qspin) pair called out of line
 * (its ops' cost_call), as spin_lock() and spin_unlock() are called: the
 * kernel's lock is not inlined into the loop, every other kind's is.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irqflags.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/workqueue.h>

#include "blk_clock.h"
#include "blk_engine.h"

#define BLK_COST_PAIRS		256
#define BLK_COST_BATCHES	401

static struct blk_cost blk_cost_last;	/* under blk_mutex; id 0: none */
static u64 blk_cost_next_id = 1;

struct blk_cost_work {
	struct blk_lock *lock;	/* [kind], then the stand-in's for the call */
	u64 *cycles;		/* [kind][batch], then the call's batches */
};

/* The extra turn: its lock and batches follow the menu's. */
#define BLK_COST_SLOTS		(blk_lock_menu_len + 1)
#define BLK_COST_CALL		blk_lock_menu_len

static long blk_cost_on_cpu(void *arg)
{
	const struct blk_lock_ops *standin = blk_lock_standin();
	struct blk_cost_work *cw = arg;
	unsigned long flags;
	unsigned int k;
	int b;

	for (b = 0; b < BLK_COST_BATCHES; b++) {
		for (k = 0; k < BLK_COST_SLOTS; k++) {
			const struct blk_lock_ops *ops =
				k == BLK_COST_CALL ? standin : blk_lock_menu[k];
			blk_cost_fn *cost = k == BLK_COST_CALL ? ops->cost_call : ops->cost;
			/*
			 * Interrupts off, so that none lands in a batch; but
			 * on PREEMPT_RT spinlock_t is an rtmutex, which may
			 * not be taken with interrupts off: its batches run
			 * with them on (the median copes with the odd one).
			 */
			const bool irqs_off =
				!(IS_ENABLED(CONFIG_PREEMPT_RT) && ops->rt_sleeps);

			if (irqs_off)
				local_irq_save(flags);
			cw->cycles[k * BLK_COST_BATCHES + b] =
				cost(&cw->lock[k], BLK_COST_PAIRS);
			if (irqs_off)
				local_irq_restore(flags);
		}
		cond_resched();
	}
	return 0;
}

static int blk_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Batch cycles less the floor's, per pair, in millicycles; never below 0. */
static u64 blk_cost_per_pair(u64 batch, u64 floor)
{
	return batch > floor ?
	       div_u64((batch - floor) * 1000, BLK_COST_PAIRS) : 0;
}

/* One slot's figures from its sorted batches and the floor's. */
static void blk_cost_fill(struct blk_cost_kind *ck, const u64 *cyc,
			  const u64 *floor)
{
	ck->min_millicycles = blk_cost_per_pair(cyc[0], floor[0]);
	ck->median_millicycles = blk_cost_per_pair(cyc[BLK_COST_BATCHES / 2],
						   floor[BLK_COST_BATCHES / 2]);
}

/* The first @n kinds' locks give back what init took; the work is freed. */
static void blk_cost_fini(struct blk_cost_work *cw, unsigned int n)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		blk_lock_menu[k]->fini(&cw->lock[k]);
	kfree(cw->lock);
	kvfree(cw->cycles);
}

/**
 * blk_cost_run() - measure every kind's uncontended pair cost.
 * @cpus: online CPUs (the cpus knob's); the first one is used.
 *
 * Called with blk_mutex held and no run going. Interrupts are off during
 * each batch only.
 *
 * Return: 0, -EINVAL if @cpus is empty, -ENOMEM, or -ENOSPC (a kind has
 * no lock left to initialise).
 */
int blk_cost_run(const struct cpumask *cpus)
{
	const struct blk_lock_ops *empty = blk_lock_floor();
	struct blk_cost_work cw;
	struct blk_cost *c = &blk_cost_last;
	unsigned int k, cpu = cpumask_first(cpus);
	u64 *floor;

	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	cw.lock = kcalloc(BLK_COST_SLOTS, sizeof(*cw.lock), GFP_KERNEL);
	cw.cycles = kvcalloc(BLK_COST_SLOTS * BLK_COST_BATCHES,
			     sizeof(*cw.cycles), GFP_KERNEL);
	if (!cw.lock || !cw.cycles) {
		kfree(cw.lock);
		kvfree(cw.cycles);
		return -ENOMEM;
	}
	for (k = 0; k < blk_lock_menu_len; k++) {
		if (blk_lock_menu[k]->init(&cw.lock[k])) {
			pr_warn("cost: %s: no lock left to initialise\n",
				blk_lock_menu[k]->name);
			blk_cost_fini(&cw, k);
			return -ENOSPC;
		}
	}
	if (blk_lock_standin()->init(&cw.lock[BLK_COST_CALL])) {
		blk_cost_fini(&cw, blk_lock_menu_len);
		return -ENOSPC;
	}
	work_on_cpu(cpu, blk_cost_on_cpu, &cw);

	for (k = 0; k < BLK_COST_SLOTS; k++)
		sort(cw.cycles + k * BLK_COST_BATCHES, BLK_COST_BATCHES,
		     sizeof(u64), blk_cmp_u64, NULL);
	floor = cw.cycles + empty->kind * BLK_COST_BATCHES;
	memset(c, 0, sizeof(*c));
	c->id = blk_cost_next_id++;
	c->cpu = cpu;
	c->pairs = BLK_COST_PAIRS;
	c->batches = BLK_COST_BATCHES;
	c->nr = blk_lock_menu_len;
	for (k = 0; k < blk_lock_menu_len; k++) {
		c->kind[k].ops = blk_lock_menu[k];
		blk_cost_fill(&c->kind[k], cw.cycles + k * BLK_COST_BATCHES, floor);
	}
	blk_cost_fill(&c->call, cw.cycles + BLK_COST_CALL * BLK_COST_BATCHES,
		      floor);
	c->call.ops = blk_lock_standin();
	blk_lock_standin()->fini(&cw.lock[BLK_COST_CALL]);
	blk_cost_fini(&cw, blk_lock_menu_len);
	pr_info("cost %llu: %u kinds, %u batches of %u pairs on CPU %u\n",
		c->id, c->nr, c->batches, c->pairs, cpu);
	return 0;
}

/**
 * blk_cost_get() - the last cost measurement.
 * @c: where to copy it. Call with blk_mutex held.
 *
 * Return: true if there is one.
 */
bool blk_cost_get(struct blk_cost *c)
{
	lockdep_assert_held(&blk_mutex);
	*c = blk_cost_last;
	return c->id;
}

/**
 * blk_cost_forget() - drop the last cost measurement ("reset").
 */
void blk_cost_forget(void)
{
	memset(&blk_cost_last, 0, sizeof(blk_cost_last));
}
