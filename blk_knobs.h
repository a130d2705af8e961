/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the knobs and what one run does (blk_knobs.c), and the
 * mutex every configuration change and command takes.
 */
#ifndef _BLK_KNOBS_H
#define _BLK_KNOBS_H

#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "blk_locks.h"

struct seq_file;

/*
 * blk_mutex serialises every configuration change and every command; a run
 * owns the run state from "start" until its finish work clears blk_busy.
 */
extern struct mutex blk_mutex;
extern bool blk_busy;

/**
 * enum blk_timing - what the engine times.
 * @BLK_TIMING_OFF: nothing: it only counts.
 * @BLK_TIMING_SAMPLE: one acquisition in every sample_every.
 * @BLK_TIMING_EVERY: every acquisition (three timestamps an iteration).
 */
enum blk_timing {
	BLK_TIMING_OFF,
	BLK_TIMING_SAMPLE,
	BLK_TIMING_EVERY,
};

/**
 * enum blk_loop_mode - which loop a run uses.
 * @BLK_LOOP_ENGINE: the checked and timed loop.
 * @BLK_LOOP_REFERENCE: the simplest loop there is, the benchmark's yardstick.
 */
enum blk_loop_mode {
	BLK_LOOP_ENGINE,
	BLK_LOOP_REFERENCE,
};

/**
 * enum blk_check - what the engine's critical section checks.
 * @BLK_CHECK_FULL: the owner field and free flag (overlaps), the counter
 *	(lost updates), and who had the lock before (handoffs, streaks).
 * @BLK_CHECK_COUNT: the counter alone: one load and one store inside, as
 *	the reference loop's, and lost updates the only check.
 */
enum blk_check {
	BLK_CHECK_FULL,
	BLK_CHECK_COUNT,
};

/**
 * enum blk_think_dist - how long each think time is.
 * @BLK_THINK_FIXED: think_ns every time: arrivals in lockstep.
 * @BLK_THINK_EXP: drawn afresh each time, exponentially distributed with
 *	mean think_ns (blk_exp_draw()): arrivals that are not.
 */
enum blk_think_dist {
	BLK_THINK_FIXED,
	BLK_THINK_EXP,
};

extern const char *const blk_timing_names[];
extern const char *const blk_loop_names[];
extern const char *const blk_auto_names[];
extern const char *const blk_check_names[];
extern const char *const blk_think_dist_names[];
extern const char *const blk_off_on_names[];

/**
 * struct blk_config - what one run does; one field per knob.
 * @lock: the lock kind.
 * @cpus: the CPUs that may run a worker.
 * @ncpus: use only the first @ncpus CPUs of @cpus; 0 means all of them.
 * @duration_ms: how long the workers hammer the lock.
 * @cs_ns: work inside the critical section, on shared data.
 * @cs_lines: shared cache lines the critical section also updates.
 * @colocate: the first of them in the lock's cache line (0 off, 1 on).
 * @nlocks: the run's locks, each with its own data.
 * @hot_pct: the percent of acquisitions that take the first of them.
 * @think_ns: work outside it, on local data.
 * @think_dist: an enum blk_think_dist.
 * @timing: an enum blk_timing.
 * @sample_every: with BLK_TIMING_SAMPLE, time one acquisition in this many;
 *	0: auto, chosen at the start of each run (blk_worker.c).
 * @watchdog_ms: stop a run in which no worker progressed for this long.
 * @backoff_min: ttas_backoff's first wait, cpu_relax() loops.
 * @backoff_max: ttas_backoff's longest wait.
 * @cna_threshold: cna's handoffs within the main queue before a flush; 0: none.
 * @cna_threshold_ns: cna's time limit before a flush, ns; 0: none.
 * @irq_hz: hardirq acquisitions per second per worker CPU; 0: none.
 * @check: an enum blk_check.
 * @loop: an enum blk_loop_mode.
 */
struct blk_config {
	const struct blk_lock_ops *lock;
	struct cpumask cpus;
	u32 ncpus;
	u32 duration_ms;
	u32 cs_ns;
	u32 cs_lines;
	u32 colocate;
	u32 nlocks;
	u32 hot_pct;
	u32 think_ns;
	u32 think_dist;
	u32 timing;
	u32 sample_every;
	u32 watchdog_ms;
	u32 backoff_min;
	u32 backoff_max;
	u32 cna_threshold;
	u32 cna_threshold_ns;
	u32 irq_hz;
	u32 check;
	u32 loop;
};

/*
 * One acquisition in how many the run times: 0 (off), 1 (every), or the
 * knob (0 for auto until the run has chosen: the run's copy then holds it).
 */
static inline u32 blk_sample_every(const struct blk_config *cfg)
{
	return cfg->timing == BLK_TIMING_OFF ? 0 :
	       cfg->timing == BLK_TIMING_EVERY ? 1 : cfg->sample_every;
}

/* the sample_every knob's largest value and auto's cost: blk_loop.h */

#define BLK_KNOB(id, type, min, max, choices, dflt, help)	BLK_KNOB_##id,
enum blk_knob {
#include "blk_knobs_list.h"
	BLK_NR_KNOBS
};

#undef BLK_KNOB

const char *blk_knob_name(enum blk_knob knob);

int blk_parse_lock(const char *buf, const struct blk_lock_ops **ops);
int blk_parse_u32(const char *buf, u32 min, u32 max, u32 *val);
int blk_parse_cpus(const char *buf, struct cpumask *mask);
int blk_knob_write(enum blk_knob knob, const char *buf);
void blk_knob_show(enum blk_knob knob, struct seq_file *m);
void blk_knobs_describe(struct seq_file *m);
int blk_knobs_init(char *const *params);
int blk_knobs_reset(void);
void blk_config_get(struct blk_config *cfg);
int blk_config_set(const struct blk_config *cfg);
bool blk_config_refused(const struct blk_config *cfg, char *why, size_t len);
bool blk_waiters_refused(const struct blk_config *cfg, unsigned int workers,
			 char *why, size_t len);

#endif /* _BLK_KNOBS_H */
