// SPDX-License-Identifier: GPL-2.0
/*
 * blk_yardstick: the simplest lock loop there is, written apart from
 * blacklock and sharing none of its code, for make bench to hold
 * blacklock's reference loop and engine against.
 *
 * One kthread per online CPU, pinned. Each takes a one-byte test-and-
 * test-and-set lock (a weak acquire compare-and-exchange, a relaxed spin
 * with cpu_relax(), a release store) with preemption off around each
 * pair, increments a plain counter on a cache line of its own, and looks
 * at jiffies and calls cond_resched() every 1024 pairs, for @ms. At load it
 * runs once and prints one line; then it can be unloaded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

static unsigned int ms = 1000;
module_param(ms, uint, 0444);
MODULE_PARM_DESC(ms, "how long the threads run, ms (default 1000)");

static u8 blk_ys_lock ____cacheline_aligned;
static u64 blk_ys_counter ____cacheline_aligned;
static atomic_t blk_ys_ready, blk_ys_left;
static bool blk_ys_go;
static u64 blk_ys_t_go;
static DECLARE_COMPLETION(blk_ys_done);

struct blk_ys_thread {
	struct task_struct *task;
	u64 acquisitions;
	u64 t_end;
};

static struct blk_ys_thread *blk_ys;

static int blk_ys_fn(void *arg)
{
	struct blk_ys_thread *me = arg;
	unsigned long end;
	u64 n = 0;
	u32 i;
	u8 free;

	atomic_inc(&blk_ys_ready);
	/* pairs with the smp_store_release() in blk_ys_init() */
	while (!smp_load_acquire(&blk_ys_go))
		cond_resched();
	end = jiffies + msecs_to_jiffies(ms);
	while (time_before(jiffies, end)) {
		for (i = 0; i < 1024; i++) {
			preempt_disable();
			free = 0;
			/* ACQUIRE: the counter's increment stays after it */
			while (!__atomic_compare_exchange_n(&blk_ys_lock, &free, 1, true,
							    __ATOMIC_ACQUIRE,
							    __ATOMIC_RELAXED)) {
				while (__atomic_load_n(&blk_ys_lock, __ATOMIC_RELAXED))
					cpu_relax();
				free = 0;
			}
			blk_ys_counter++;
			/* RELEASE: the increment before the lock is seen free */
			__atomic_store_n(&blk_ys_lock, 0, __ATOMIC_RELEASE);
			preempt_enable();
		}
		n += 1024;
		cond_resched();
	}
	me->acquisitions = n;
	me->t_end = ktime_get_ns();
	if (atomic_dec_and_test(&blk_ys_left))
		complete(&blk_ys_done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

/* Let every thread started go (none waits for go again), and reap them. */
static u64 blk_ys_reap(u64 *end)
{
	unsigned int cpu;
	u64 sum = 0;

	/* pairs with the smp_load_acquire() in blk_ys_fn() */
	smp_store_release(&blk_ys_go, true);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (!blk_ys[cpu].task)
			continue;
		kthread_stop(blk_ys[cpu].task);
		sum += blk_ys[cpu].acquisitions;
		*end = max(*end, blk_ys[cpu].t_end);
	}
	kfree(blk_ys);
	return sum;
}

static int __init blk_ys_init(void)
{
	unsigned int cpu, n;
	u64 sum, end = 0;

	blk_ys = kcalloc(nr_cpu_ids, sizeof(*blk_ys), GFP_KERNEL);
	if (!blk_ys)
		return -ENOMEM;
	cpus_read_lock();
	n = num_online_cpus();
	atomic_set(&blk_ys_left, n);
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		t = kthread_create_on_cpu(blk_ys_fn, &blk_ys[cpu], cpu, "blk_yardstick/%u");
		if (IS_ERR(t)) {
			cpus_read_unlock();
			pr_err("cannot start a thread on CPU %u\n", cpu);
			blk_ys_reap(&end);
			return PTR_ERR(t);
		}
		blk_ys[cpu].task = t;
		wake_up_process(t);
	}
	cpus_read_unlock();
	while (atomic_read(&blk_ys_ready) < n)
		usleep_range(1000, 2000);
	blk_ys_t_go = ktime_get_ns();
	/* pairs with the smp_load_acquire() in blk_ys_fn() */
	smp_store_release(&blk_ys_go, true);
	wait_for_completion(&blk_ys_done);
	sum = blk_ys_reap(&end);
	pr_info("%llu acquisitions in %llu ns on %u CPUs, counter %llu\n",
		sum, end - blk_ys_t_go, n, blk_ys_counter);
	return 0;
}

static void __exit blk_ys_exit(void)
{
}

module_init(blk_ys_init);
module_exit(blk_ys_exit);
MODULE_DESCRIPTION("the simplest lock loop, written apart from blacklock: make bench's yardstick");
MODULE_LICENSE("GPL");
