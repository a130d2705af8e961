/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the run's state, shared by the files of the engine
 * (blk_engine.c: its life and control; blk_worker.c: the workers;
 * blk_watchdog.c; blk_collect.c: the record at its end), and by nothing
 * else. A run owns it from "start" until the finish work clears blk_busy.
 */
#ifndef _BLK_RUN_H
#define _BLK_RUN_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/hrtimer.h>
#include <linux/workqueue.h>

#include "blk_engine.h"
#include "blk_locks.h"

#define BLK_BARRIER_MS		5000
#define BLK_HOTPLUG_WAIT_MS	5000
#define BLK_WD_PERIOD_MS	100
#define BLK_WD_RESCUE_US	100

/* What one worker owns; see struct blk_cpu_result for the meanings. */
struct blk_pcpu {
	struct task_struct *task;
	struct blk_worker worker;
	u64 floor_cycles;
	u64 timed_extra;	/* sample_every=auto: what timing adds to an iteration */
	u64 t_end;
	u64 wd_seen;		/* the watchdog's: progress last seen */
	u64 wd_since;		/* and when it last moved */
	struct blk_hist acquire;
	struct blk_hist hold;
	struct blk_hist handoff;
	struct hrtimer irq_timer;	/* irq_hz: this CPU's interrupt */
	struct blk_shared floor;
};

/*
 * What one worker CPU's interrupt counts (irq_hz), allocated per run: the
 * per-CPU area cannot hold two more histograms.
 */
struct blk_irq_stats {
	u64 acquisitions;
	u64 overlaps;
	struct blk_hist latency;	/* due time to lock taken, cycles */
	struct blk_hist wait;		/* handler start to lock taken */
} ____cacheline_aligned;

/* The run in progress (or the last one). Owned by the run while blk_busy. */
struct blk_run {
	struct blk_config cfg;
	unsigned int nr;
	u64 cs_loops;
	u64 think_loops;
	u64 sample_every;
	bool sample_auto;	/* sample_every=auto: chosen at the barrier */
	u64 sample_cost_ppm;	/* and what it costs, by the floors' estimate */
	u64 timed_extra;	/* the most a timed iteration added, millicycles */
	u32 batch;
	atomic_t arrive;
	atomic_t active;
	u64 t_go;
	u64 deadline_ns;
	bool stopped;
	bool aborted;
	bool hotplug;
	u32 hotplug_cpu;
	bool stuck;
	struct blk_result *result;	/* allocated at start: finish cannot fail */
	u64 *acq;			/* scratch for the fairness index */
	struct blk_arrival *arrivals;	/* the workers' arrival stamps */
	struct blk_irq_stats *irq;	/* by worker index; with irq_hz only */
	u64 irq_period_ns;
	bool go ____cacheline_aligned;
	bool stop;
};

extern struct blk_run blk_run;
extern struct blk_shared *blk_shared;
extern struct blk_pcpu __percpu *blk_pcpu;
extern struct work_struct blk_finish_work;

/* blk_worker.c */
enum hrtimer_restart blk_irq_fn(struct hrtimer *t);
int blk_worker(void *arg);

/* blk_watchdog.c */
void blk_watchdog_init(void);
int blk_watchdog_cpu(const struct blk_config *cfg);
void blk_watchdog_start(unsigned int cpu);
void blk_watchdog_stop(void);

/* blk_collect.c */
struct blk_result *blk_collect(void);
void blk_run_free(void);
void blk_shared_free(const struct blk_lock_ops *ops, u32 n);

#endif /* _BLK_RUN_H */
