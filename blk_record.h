/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the records (blk_record.c): what a finished run, and a cost
 * measurement, leave behind; the store that keeps the last runs; and the
 * emitter that writes them as text, JSON or their keys alone. The engine
 * fills and stores them, debugfs shows them; the record layer knows
 * neither.
 */
#ifndef _BLK_RECORD_H
#define _BLK_RECORD_H

#include <linux/cache.h>
#include <linux/overflow.h>
#include <linux/types.h>

#include "blk_counters.h"
#include "blk_knobs.h"
#include "blk_stats.h"

struct seq_file;
struct blk_shared;

/**
 * struct blk_cpu_result - one worker's share of a run.
 * @cpu: the CPU it ran on.
 * @node: that CPU's NUMA node (cpu_to_node()).
 * @acquisitions: and every counter of blk_counters_list.h, one u64 each:
 *	its own (blk_collect(); @overlaps also its CPU's interrupt's).
 * @share_micro: its fraction of all acquisitions, in millionths.
 * @irq_acquisitions: acquisitions by its CPU's interrupt (irq_hz).
 * @samples: acquisitions it timed.
 * @acquire_p50: median sampled acquire latency, cycles.
 * @acquire_p99: 99th percentile sampled acquire latency, cycles.
 * @acquire_max: worst sampled acquire latency, cycles.
 */
struct blk_cpu_result {
	unsigned int cpu;
	int node;
#define BLK_COUNTER(name, from, merge, doc)	u64 name;
#include "blk_counters_list.h"
#undef BLK_COUNTER
	u64 share_micro;
	u64 irq_acquisitions;
	u64 samples;
	u64 acquire_p50;
	u64 acquire_p99;
	u64 acquire_max;
};

/**
 * struct blk_result - the record of one finished run.
 * @id: run number since load (1, 2, ...).
 * @cfg: the configuration it ran with (@cfg.cpus: the CPUs actually used).
 * @cs_loops: the calibrated blk_cs_work() loops behind cfg.cs_ns.
 * @think_loops: the calibrated blk_think_work() loops behind cfg.think_ns.
 * @duration_ns: measured with ktime_get_ns(), from the start barrier to the
 *	last worker's end.
 * @acquisitions: and every counter of blk_counters_list.h, one u64 each:
 *	the workers' merged as its merge column says.
 * @rmw: atomic read-modify-writes issued, from the kind's uncontended
 *	count and the contended paths' counters (counted kinds only).
 * @irq_acquisitions: acquisitions by the interrupts of irq_hz.
 * @counter: the final value of the shared, non-atomic counter (the upper
 *	bits of struct blk_shared's word).
 * @lost_updates: |all acquisitions (workers' and interrupts') - @counter|,
 *	plus each cs_lines word's difference to its lock's counter.
 * @locks_used: of the run's nlocks, how many were taken at all.
 * @lock_acq_min: the fewest acquisitions of one lock (their counters).
 * @lock_acq_max: the most.
 * @violations: @overlaps + @lost_updates; 0 for a correct lock.
 * @jain_micro: Jain's fairness index of the per-CPU acquisitions, x 1e6.
 * @max_min_micro: max / min per-CPU acquisitions, x 1e6; U64_MAX if a CPU
 *	got none.
 * @harness_millicycles: what one iteration of the same loop costs with the
 *	empty lock, one CPU, measured by the workers before this run.
 * @iter_millicycles: what one worker spent per acquisition in this run.
 * @sample_auto: sample_every was auto; the run chose cfg.sample_every.
 * @sample_cost_ppm: with @sample_auto, what timing costs by the estimate
 *	behind the choice, in ppm of an untimed harness iteration.
 * @timed_extra_millicycles: with @sample_auto, the most a timed iteration
 *	added to an untimed one, on any worker's CPU (the floors).
 * @stopped: the run was cut short by "stop" or module unload.
 * @aborted: the workers never all met at the start barrier; nothing ran.
 * @hotplug_stopped: a worker's CPU went offline: the run was stopped there.
 * @hotplug_cpu: which CPU (with @hotplug_stopped).
 * @nr_nodes: the NUMA nodes the run's CPUs are on.
 * @handoffs_intra_node: of the handoffs from one worker to another (the
 *	matrix, so only when it was kept), those between two CPUs of one node;
 * @handoffs_inter_node: and between CPUs of two nodes.
 * @outside_counts: contention counts (blk_contention_counters) made on CPUs
 *	outside the run: by a worker that left its CPU. Must be 0.
 * @stuck: the watchdog stopped it: no worker progressed for watchdog_ms.
 * @acquire: merged sampled acquire-latency histogram, cycles.
 * @hold: merged sampled hold-time histogram, cycles.
 * @handoff: merged sampled handoff histogram, cycles.
 * @irq_latency: merged interrupt latency histogram (timer due to lock
 *	held), cycles.
 * @irq_wait: merged histogram of the interrupts' waits for the lock, from
 *	the handler's start, cycles: the lock's share of @irq_latency.
 * @nr_cpus: entries in @cpu.
 * @cpu: per-worker results, in CPU order.
 *
 * After @cpu, when @nr_cpus <= BLK_MATRIX_MAX, the who-handed-to-whom
 * matrix: blk_result_from(r, i)[j] is how many of worker i's acquisitions
 * came straight after worker j's.
 */
struct blk_result {
	u64 id;
	struct blk_config cfg;
	u64 cs_loops;
	u64 think_loops;
	u64 duration_ns;
#define BLK_COUNTER(name, from, merge, doc)	u64 name;
#include "blk_counters_list.h"
#undef BLK_COUNTER
	u64 rmw;
	u64 irq_acquisitions;
	u64 counter;
	u64 lost_updates;
	u64 locks_used;
	u64 lock_acq_min;
	u64 lock_acq_max;
	u64 violations;
	u64 jain_micro;
	u64 max_min_micro;
	u64 harness_millicycles;
	bool sample_auto;
	u64 sample_cost_ppm;
	u64 timed_extra_millicycles;
	u64 iter_millicycles;
	bool stopped;
	bool aborted;
	bool hotplug_stopped;
	u32 hotplug_cpu;
	u32 nr_nodes;
	u64 handoffs_intra_node;
	u64 handoffs_inter_node;
	u64 outside_counts;
	bool stuck;
	struct blk_hist acquire;
	struct blk_hist hold;
	struct blk_hist handoff;
	struct blk_hist irq_latency;
	struct blk_hist irq_wait;
	unsigned int nr_cpus;
	struct blk_cpu_result cpu[];
};

/* Every acquisition of a run: the workers' and the interrupts' (irq_hz). */
static inline u64 blk_all_acquisitions(const struct blk_result *r)
{
	return r->acquisitions + r->irq_acquisitions;
}

/* The largest run whose records keep the who-handed-to-whom matrix. */
#define BLK_MATRIX_MAX		64

/* Where the matrix starts, and its rows' stride: a cache line each at least. */
static inline size_t blk_matrix_offset(unsigned int n)
{
	return ALIGN(struct_size((struct blk_result *)NULL, cpu, n),
		     SMP_CACHE_BYTES);
}

static inline size_t blk_matrix_stride(unsigned int n)
{
	return ALIGN(n * sizeof(u64), SMP_CACHE_BYTES) / sizeof(u64);
}

/* The size of a record of @n workers, with its matrix. */
static inline size_t blk_result_size(unsigned int n)
{
	if (n > BLK_MATRIX_MAX)
		return struct_size((struct blk_result *)NULL, cpu, n);
	return blk_matrix_offset(n) + blk_matrix_stride(n) * n * sizeof(u64);
}

/* Row @i of the matrix of @r; NULL when @r has none. */
static inline u64 *blk_result_from(const struct blk_result *r, unsigned int i)
{
	if (r->nr_cpus > BLK_MATRIX_MAX)
		return NULL;
	return (u64 *)((char *)r + blk_matrix_offset(r->nr_cpus)) +
	       i * blk_matrix_stride(r->nr_cpus);
}

/**
 * struct blk_cost_kind - the uncontended cost of one kind's lock/unlock pair.
 * @ops: the kind.
 * @min_millicycles: the cheapest batch, less the cheapest empty batch, per
 *	pair.
 * @median_millicycles: the median batch, less the median empty batch, per
 *	pair.
 */
struct blk_cost_kind {
	const struct blk_lock_ops *ops;
	u64 min_millicycles;
	u64 median_millicycles;
};

/**
 * struct blk_cost - the result of "cost": every kind, one CPU, same boot.
 * @id: measurement number since load.
 * @cpu: the CPU it ran on.
 * @pairs: lock/unlock pairs per batch.
 * @batches: batches per kind.
 * @nr: entries in @kind.
 * @kind: per kind, in menu order.
 * @call: the stand-in for spinlock_t (BLK_KF_STANDIN) through out-of-line
 *	lock and unlock calls, as spin_lock() is (its ops' cost_call).
 */
struct blk_cost {
	u64 id;
	unsigned int cpu;
	u32 pairs;
	u32 batches;
	unsigned int nr;
	struct blk_cost_kind kind[BLK_NR_KINDS];
	struct blk_cost_kind call;
};

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

/* The store (under blk_mutex), newest last. */
typedef int blk_result_fn(const struct blk_result *r, void *arg);
void blk_result_add(struct blk_result *r);
void blk_results_free(void);
int blk_results_walk(blk_result_fn *fn, void *arg, bool newest_only);
u64 blk_runs_done(void);
u64 blk_throughput(const struct blk_result *r);

/* A run's record from its workers (blk_record.c). */
struct blk_worker;
struct blk_contention_counters;
void blk_result_init(struct blk_result *r, unsigned int nr);
void blk_result_cpu(struct blk_result *r, unsigned int i, unsigned int cpu,
		    int node, const struct blk_worker *w,
		    const struct blk_contention_counters *sc);
void blk_result_cpu_merge(struct blk_result *r, unsigned int i,
			  const struct blk_hist *acquire,
			  const struct blk_hist *hold,
			  const struct blk_hist *handoff);
void blk_result_finish(struct blk_result *r, u64 *acq, u64 floor,
		       struct blk_shared *sh);

/* The emitter. */
void blk_records_show(struct seq_file *m, bool json, const struct blk_cost *c);
void blk_record_keys(struct seq_file *m);
void blk_record_pingpong(struct seq_file *m, const struct blk_pingpong *pp);
void blk_result_show(struct seq_file *m, const struct blk_result *r, bool json);
void blk_result_print(const struct blk_result *r);

#endif /* _BLK_RECORD_H */
