// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the core-to-core floor ("pingpong" in control).
 */
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#include "blk_clock.h"
#include "blk_engine.h"

/*
 * Ping-pong: two kthreads on two CPUs pass one cache line back and forth,
 * each waiting for the other's store before making its own. A round trip
 * is two handoffs of a line between cores with nothing else in the way: no
 * lock can hand over faster, so it is the floor that lock handoff latencies
 * are compared with. Measured with the same clock and overhead correction
 * as the runs.
 */
#define BLK_PP_ROUNDS		20000
#define BLK_PP_TIMEOUT		(10 * HZ)

static struct {
	u32 flag ____cacheline_aligned;
	bool abort;
	atomic_t ready;
	struct completion done[2];
	struct blk_hist roundtrip;
	struct blk_pingpong result;
} blk_pp;

/* Spin until the flag reads @want; false if aborted. */
static bool blk_pp_wait(u32 want)
{
	unsigned int spins = 0;

	while (READ_ONCE(blk_pp.flag) != want) {
		if (READ_ONCE(blk_pp.abort))
			return false;
		cpu_relax();
		if (!(++spins % 1024))
			cond_resched();
	}
	return true;
}

static void blk_pp_barrier(void)
{
	atomic_inc(&blk_pp.ready);
	while (atomic_read(&blk_pp.ready) < 2 && !READ_ONCE(blk_pp.abort))
		cond_resched();
}

static int blk_pp_ping(void *arg)
{
	u64 t0;
	u32 i;

	blk_pp_barrier();
	for (i = 0; i < BLK_PP_ROUNDS; i++) {
		t0 = blk_clock();
		WRITE_ONCE(blk_pp.flag, 2 * i + 1);
		if (!blk_pp_wait(2 * i + 2))
			break;
		blk_hist_add(&blk_pp.roundtrip, blk_sub_overhead(blk_clock() - t0));
		if (!(i % 256))
			cond_resched();
	}
	/* exits without returning into module text that may be unloaded */
	kthread_complete_and_exit(&blk_pp.done[0], 0);
}

static int blk_pp_pong(void *arg)
{
	u32 i;

	blk_pp_barrier();
	for (i = 0; i < BLK_PP_ROUNDS; i++) {
		if (!blk_pp_wait(2 * i + 1))
			break;
		WRITE_ONCE(blk_pp.flag, 2 * i + 2);
	}
	kthread_complete_and_exit(&blk_pp.done[1], 0);
}

/**
 * blk_pingpong_run() - measure the floor between the first two CPUs of @cpus.
 * @cpus: online CPUs (the cpus knob's).
 *
 * Called with blk_mutex held and no run going. Sleeps about a second.
 *
 * Return: 0; -EINVAL with fewer than two CPUs; -ETIMEDOUT if a thread
 * never finished.
 */
int blk_pingpong_run(const struct cpumask *cpus)
{
	struct task_struct *t[2];
	int cpu[2], i;

	cpu[0] = cpumask_first(cpus);
	cpu[1] = cpumask_next(cpu[0], cpus);
	if (cpu[1] >= nr_cpu_ids)
		return -EINVAL;

	blk_pp.flag = 0;
	blk_pp.abort = false;
	atomic_set(&blk_pp.ready, 0);
	blk_hist_init(&blk_pp.roundtrip);
	for (i = 0; i < 2; i++) {
		init_completion(&blk_pp.done[i]);
		t[i] = kthread_create_on_cpu(i ? blk_pp_pong : blk_pp_ping, NULL,
					     cpu[i], "blacklock-pp/%u");
		if (IS_ERR(t[i])) {
			if (i)
				kthread_stop(t[0]);
			return PTR_ERR(t[i]);
		}
	}
	wake_up_process(t[0]);
	wake_up_process(t[1]);
	for (i = 0; i < 2; i++) {
		if (!wait_for_completion_timeout(&blk_pp.done[i], BLK_PP_TIMEOUT)) {
			WRITE_ONCE(blk_pp.abort, true);
			wait_for_completion(&blk_pp.done[i]);
		}
	}
	blk_pp.result = (struct blk_pingpong) {
		.cpu = { cpu[0], cpu[1] },
		.rounds = blk_pp.roundtrip.count,
		.roundtrip_p50 = blk_hist_percentile(&blk_pp.roundtrip, 500000),
		.roundtrip_p99 = blk_hist_percentile(&blk_pp.roundtrip, 990000),
		.roundtrip_min = blk_pp.roundtrip.min,
	};
	return blk_pp.roundtrip.count == BLK_PP_ROUNDS ? 0 : -ETIMEDOUT;
}

/**
 * blk_pingpong_get() - the last ping-pong measurement.
 * @pp: where to copy it.
 *
 * Return: true if there is one.
 */
bool blk_pingpong_get(struct blk_pingpong *pp)
{
	mutex_lock(&blk_mutex);
	*pp = blk_pp.result;
	mutex_unlock(&blk_mutex);
	return pp->rounds;
}

