/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: what the module's files share. The lock itself is in
 * blk_spin.h; this is the lock menu, the engine's configuration and results,
 * and the statistics the results are made of.
 */
#ifndef _BLACKLOCK_H
#define _BLACKLOCK_H

#include <linux/cpumask.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "blk_spin.h"
#include "blk_stats.h"

/**
 * struct blk_lock - storage for any lock kind on the menu.
 * @blk: the blk_spin locks (ttas, ttas_asm, tas) and busted.
 * @spin: the kernel's spinlock_t.
 * @raw: the kernel's raw_spinlock_t.
 */
struct blk_lock {
	union {
		struct blk_spinlock blk;
		spinlock_t spin;	/* the "spinlock" kind */
		raw_spinlock_t raw;
	};
};

/**
 * struct blk_lock_ops - one lock kind, as the engine and the tests see it.
 * @name: the name written to the "lock" knob.
 * @desc: one line for the "locks" file.
 * @init: put the lock in its free state.
 * @lock: take it (disables preemption, like spin_lock()).
 * @unlock: release it.
 * @trylock: take it if free; true on success.
 * @is_locked: peek; true if held.
 * @counted: the lock's contended path counts contended acquisitions, CAS
 *	failures and spins (the kernel's own locks do not).
 * @kernel: the kernel's own lock; on a uniprocessor kernel without
 *	DEBUG_SPINLOCK it only disables preemption and keeps no state.
 * @broken: not a lock at all: the negative control, expected to fail.
 *
 * The engine never knows which lock it drives: everything goes through this
 * table, the way kernel/locking/locktorture.c does it.
 */
struct blk_lock_ops {
	const char *name;
	const char *desc;
	void (*init)(struct blk_lock *l);
	void (*lock)(struct blk_lock *l);
	void (*unlock)(struct blk_lock *l);
	bool (*trylock)(struct blk_lock *l);
	bool (*is_locked)(struct blk_lock *l);
	bool counted;
	bool kernel;
	bool broken;
};

extern const struct blk_lock_ops *const blk_lock_menu[];
extern const unsigned int blk_lock_menu_len;
const struct blk_lock_ops *blk_lock_find(const char *name);
const char *blk_spinlock_flavour(void);
void blk_spinlock_flavour_probe(void);

/* Knob limits: what the debugfs files and module parameters accept. */
#define BLK_DURATION_MS_MIN	1
#define BLK_DURATION_MS_MAX	3600000	/* one hour */
#define BLK_WORK_NS_MAX		1000000	/* 1 ms of critical section or think */

/**
 * struct blk_config - what one run does.
 * @ops: the lock kind.
 * @cpus: the CPUs that may run a worker.
 * @ncpus: use only the first @ncpus CPUs of @cpus; 0 means all of them.
 * @duration_ms: how long the workers hammer the lock.
 * @cs_ns: work inside the critical section, on shared data.
 * @think_ns: work outside it, on local data.
 */
struct blk_config {
	const struct blk_lock_ops *ops;
	struct cpumask cpus;
	u32 ncpus;
	u32 duration_ms;
	u32 cs_ns;
	u32 think_ns;
};

int blk_parse_lock(const char *buf, const struct blk_lock_ops **ops);
int blk_parse_u32(const char *buf, u32 min, u32 max, u32 *val);
int blk_parse_cpus(const char *buf, struct cpumask *mask);

/**
 * enum blk_knob - the engine's settings, by name in blk_knob_names[].
 */
enum blk_knob {
	BLK_KNOB_LOCK,
	BLK_KNOB_CPUS,
	BLK_KNOB_NCPUS,
	BLK_KNOB_DURATION_MS,
	BLK_KNOB_CS_NS,
	BLK_KNOB_THINK_NS,
	BLK_NR_KNOBS,
};

extern const char *const blk_knob_names[BLK_NR_KNOBS];

/**
 * struct blk_cpu_result - one worker's share of a run.
 * @cpu: the CPU it ran on.
 * @acquisitions: critical sections it completed.
 * @share_micro: its fraction of all acquisitions, in millionths.
 * @contended: acquisitions that took the contended path (counted locks).
 * @cas_failures: failed CAS attempts (counted locks).
 * @spins: inner-loop iterations (counted locks).
 * @overlaps: critical sections in which it saw another owner.
 * @acquire_p50: median acquire latency, cycles.
 * @acquire_p99: 99th percentile acquire latency, cycles.
 * @acquire_max: worst acquire latency, cycles.
 */
struct blk_cpu_result {
	unsigned int cpu;
	u64 acquisitions;
	u64 share_micro;
	u64 contended;
	u64 cas_failures;
	u64 spins;
	u64 overlaps;
	u64 acquire_p50;
	u64 acquire_p99;
	u64 acquire_max;
};

/**
 * struct blk_result - the record of one finished run.
 * @id: run number since load (1, 2, ...).
 * @cfg: the configuration it ran with (@cfg.cpus: the CPUs actually used).
 * @duration_ns: measured, from the start barrier to the last worker's end.
 * @acquisitions: sum over workers.
 * @contended: sum over workers.
 * @cas_failures: sum over workers.
 * @spins: sum over workers.
 * @overlaps: sum over workers.
 * @counter: the final value of the shared, non-atomic counter.
 * @lost_updates: |sum of acquisitions - @counter|.
 * @violations: @overlaps + @lost_updates; 0 for a correct lock.
 * @jain_micro: Jain's fairness index of the per-CPU acquisitions, x 1e6.
 * @max_min_micro: max / min per-CPU acquisitions, x 1e6; U64_MAX if a CPU
 *	got none.
 * @stopped: the run was cut short by "stop" or module unload.
 * @acquire: merged acquire-latency histogram (request to grant), cycles.
 * @hold: merged hold-time histogram (grant to release), cycles.
 * @nr_cpus: entries in @cpu.
 * @cpu: per-worker results, in CPU order.
 */
struct blk_result {
	u64 id;
	struct blk_config cfg;
	u64 duration_ns;
	u64 acquisitions;
	u64 contended;
	u64 cas_failures;
	u64 spins;
	u64 overlaps;
	u64 counter;
	u64 lost_updates;
	u64 violations;
	u64 jain_micro;
	u64 max_min_micro;
	bool stopped;
	struct blk_hist acquire;
	struct blk_hist hold;
	unsigned int nr_cpus;
	struct blk_cpu_result cpu[];
};

/**
 * struct blk_clock_info - how the engine measures time.
 * @name: "tsc", "get_cycles" or "local_clock" (cycles are then ns).
 * @khz: cycles per millisecond, calibrated against local_clock() at load.
 * @overhead: cycles one timestamp pair costs (the minimum of many back to
 *	back reads); subtracted from every sample.
 * @cs_loops_per_ms: calibrated critical-section work loops per ms.
 * @think_loops_per_ms: calibrated think work loops per ms.
 */
struct blk_clock_info {
	const char *name;
	u32 khz;
	u64 overhead;
	u64 cs_loops_per_ms;
	u64 think_loops_per_ms;
};

extern struct blk_clock_info blk_clock_info;

/**
 * struct blk_pingpong - the core-to-core floor (control "pingpong").
 * @cpu: the two CPUs.
 * @rounds: round trips measured; 0 if never measured.
 * @roundtrip_p50: median round trip (two handoffs), cycles.
 * @roundtrip_p99: 99th percentile round trip, cycles.
 * @roundtrip_min: fastest round trip, cycles.
 */
struct blk_pingpong {
	int cpu[2];
	u64 rounds;
	u64 roundtrip_p50;
	u64 roundtrip_p99;
	u64 roundtrip_min;
};

bool blk_pingpong_get(struct blk_pingpong *pp);

u64 blk_cycles_to_ns(u64 cycles);

/* The engine, blk_main.c. */
int blk_knob_write(enum blk_knob knob, const char *buf);
void blk_knob_show(enum blk_knob knob, struct seq_file *m);
int blk_control(const char *buf);
bool blk_running(void);
u64 blk_runs_done(void);
typedef int blk_result_fn(const struct blk_result *r, void *arg);
int blk_results_walk(blk_result_fn *fn, void *arg, bool newest_only);
u64 blk_throughput(const struct blk_result *r);

/* The interface, blk_debugfs.c. */
int blk_debugfs_init(void);
void blk_debugfs_exit(void);
void blk_result_print(const struct blk_result *r);

#endif /* _BLACKLOCK_H */
