/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: what the module's files share. The lock itself is in
 * blk_spin.h, the lock kinds in blk_kinds.h; this is the menu, the engine's
 * configuration, its hot loops and results, and the clock they all use.
 */
#ifndef _BLACKLOCK_H
#define _BLACKLOCK_H

#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/sched/clock.h>
#include <linux/timekeeping.h>
#include <linux/timex.h>
#include <linux/types.h>

#include "blk_counters.h"
#include "blk_kinds.h"
#include "blk_stats.h"

struct seq_file;

/*
 * The run's shared data. The lock lives alone in its cache line; the data
 * it protects is in the next one, so the lock word's line carries only lock
 * traffic.
 *
 * @word is what the exclusion check guards: in its low BLK_OWNER_BITS the
 * index of the worker inside, or, once it has left, of the last one inside
 * (BLK_NOBODY before the first); above them the BLK_FREE flag, set while
 * nobody is inside; above that a counter that every critical section
 * increments with a non-atomic read-modify-write. Two workers inside at
 * once either find the flag clear or lose an increment, and the owner field
 * tells each acquisition who had the lock before it; one word keeps all of
 * it to one load and one store on entry and on exit (see blk_loop.c).
 *
 * @rel_seq and @rel_t: a timed critical section's number (the counter it
 * wrote) and the clock just before its unlock, for the handoff latency of
 * the next one.
 */
struct blk_shared {
	struct blk_lock lock ____cacheline_aligned;
	u64 word ____cacheline_aligned;
	u64 data[4];
	u64 rel_seq;
	u64 rel_t;
};

#define BLK_OWNER_BITS		20
#define BLK_OWNER_MASK		(BIT_ULL(BLK_OWNER_BITS) - 1)
#define BLK_NOBODY		BLK_OWNER_MASK
#define BLK_FREE		BIT_ULL(BLK_OWNER_BITS)
#define BLK_COUNT_SHIFT		(BLK_OWNER_BITS + 1)
#define BLK_COUNT_ONE		BIT_ULL(BLK_COUNT_SHIFT)
#define BLK_WORD_INIT		(BLK_FREE | BLK_NOBODY)

/* The counter part of a shared word. */
static inline u64 blk_word_count(u64 word)
{
	return word >> BLK_COUNT_SHIFT;
}

/* One worker's arrival stamp, alone in its cache line (timed iterations). */
struct blk_arrival {
	u64 t;
} ____cacheline_aligned;

/**
 * struct blk_loop - one worker's hot loop: what it is given, what it counts.
 * @sh: the shared data and lock.
 * @cpu: the CPU it runs on.
 * @idx: its index among the run's workers: the owner field's value.
 * @nr: the run's workers.
 * @from: out: from[i], acquisitions it made straight after worker i's
 *	(its row of the who-handed-to-whom matrix); @nr entries.
 * @arrivals: every worker's arrival stamp, by index: set by a timed
 *	iteration from its request until its grant, 0 otherwise.
 * @cs_loops: blk_cs_work() loops inside the critical section.
 * @think_loops: blk_think_work() loops after it.
 * @sample_every: time one acquisition in this many; 0: none.
 * @batch: the most iterations between two looks at the stop flag and the
 *	deadline.
 * @batch_start: the first batch's (blk_loop.c adapts the others).
 * @deadline_ns: ktime_get_ns() at which the loop ends by itself.
 * @stop: ends the loop early when it reads true.
 * @progress: acquisitions so far, stored after every batch (the watchdog
 *	reads it).
 * @acquisitions: out: and every other counter of blk_counters_list.h that
 *	the loop counts, one u64 each (acquisitions, overlaps, handoffs, ...).
 * @acquire: out: the sampled acquire latencies (request to grant).
 * @hold: out: the sampled hold times (grant to release).
 * @handoff: out: sampled handoffs: a timed release to the next timed grant
 *	by another worker.
 */
struct blk_loop {
	struct blk_shared *sh;
	u32 cpu;
	u32 idx;
	u32 nr;
	u64 *from;
	struct blk_arrival *arrivals;
	u64 cs_loops;
	u64 think_loops;
	u64 sample_every;
	u32 batch;
	u32 batch_start;
	u64 deadline_ns;
	const bool *stop;
	u64 progress;
#define BLK_COUNTER(name, from, merge, doc)	BLK_IF_loop_##from(u64 name;)
#include "blk_counters_list.h"
#undef BLK_COUNTER
	struct blk_hist *acquire;
	struct blk_hist *hold;
	struct blk_hist *handoff;
};

/* A batch slower than this halves the next one (blk_loop.c). */
#define BLK_BATCH_SLOW_NS	1000000

/* A hot loop: runs @w until its deadline or its stop flag. */
typedef void blk_loop_fn(struct blk_loop *w);
/* @pairs back-to-back lock/unlock pairs, timed as a block: cycles. */
typedef u64 blk_cost_fn(struct blk_lock *l, u32 pairs);

/**
 * struct blk_lock_ops - one lock kind, as the engine and the tests see it.
 * @name: the name written to the "lock" knob.
 * @desc: one line for the "locks" file.
 * @kind: its place in blk_kinds_list.h.
 * @init: put the lock in its free state.
 * @lock: take it (disables preemption, like spin_lock(); empty does not).
 * @unlock: release it.
 * @trylock: take it if free; true on success.
 * @is_locked: peek; true if held.
 * @irq_class: give the lock, just initialised, a lockdep class of its own
 *	for irq_hz runs (the lock is then taken in hardirq context too).
 * @hammer: the engine's loop for this kind, the lock inlined.
 * @hammer_irq: the same with the irqsave variants (irq_hz > 0).
 * @reference: lock, counter++, unlock and nothing else, the lock inlined.
 * @cost: the uncontended pair cost batch, the lock inlined.
 * @rescue: free the lock by force, for the watchdog of a stuck run; NULL
 *	where that cannot be done (the rescue column of blk_kinds_list.h).
 * @counted: the lock's contended path counts contended acquisitions, CAS
 *	failures and spins (the kernel's own locks do not).
 * @rmw: atomic read-modify-writes of an uncontended acquisition and release
 *	(blk_kinds_list.h).
 * @kernel: the kernel's own lock; on a uniprocessor kernel without
 *	DEBUG_SPINLOCK it only disables preemption and keeps no state.
 * @broken: not a lock at all: the negative control, expected to fail.
 * @floor: not a lock at all: the harness floor, no exclusion expected.
 * @rt_sleeps: on PREEMPT_RT a sleeping lock (spinlock_t, an rtmutex there):
 *	held with preemption on and migration disabled.
 *
 * The engine never knows which lock it drives: it calls the kind's loops
 * through this table, once per run, and the loops call the lock directly
 * (kernel/locking/locktorture.c keeps its engine blind the same way).
 */
struct blk_lock_ops {
	const char *name;
	const char *desc;
	enum blk_kind kind;
	void (*init)(struct blk_lock *l);
	void (*lock)(struct blk_lock *l);
	void (*unlock)(struct blk_lock *l);
	bool (*trylock)(struct blk_lock *l);
	bool (*is_locked)(struct blk_lock *l);
	void (*irq_class)(struct blk_lock *l);
	blk_loop_fn *hammer;
	blk_loop_fn *hammer_irq;
	blk_loop_fn *reference;
	blk_cost_fn *cost;
	void (*rescue)(struct blk_lock *l);
	u32 rmw;
	bool counted;
	bool kernel;
	bool broken;
	bool floor;
	bool rt_sleeps;
};

extern const struct blk_lock_ops *const blk_lock_menu[];
extern const unsigned int blk_lock_menu_len;
const struct blk_lock_ops *blk_lock_find(const char *name);
const struct blk_lock_ops *blk_lock_floor(void);
const char *blk_spinlock_flavour(void);
void blk_spinlock_flavour_probe(void);

/* The loops, blk_loop.c, declared here for the ops table. */
#define BLK_KIND(id, type, rmw, flags, irqsave, rescue, desc)	\
	blk_loop_fn blk_hammer_##id, blk_hammer_irq_##id,	\
		blk_reference_##id;				\
	blk_cost_fn blk_cost_##id;
#include "blk_kinds_list.h"
#undef BLK_KIND

void blk_cs_work(struct blk_shared *sh, u64 loops);
u32 blk_irq_iteration(const struct blk_lock_ops *ops, struct blk_shared *sh,
		      u32 me, u64 *held_ns, u64 *wait);
u64 blk_think_work(u64 loops);

/* ---- the knobs (blk_knobs.c) ---------------------------------------------- */

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
 * enum blk_loop_kind - which loop a run uses.
 * @BLK_LOOP_ENGINE: the checked and timed loop.
 * @BLK_LOOP_REFERENCE: the simplest loop there is, the benchmark's yardstick.
 */
enum blk_loop_kind {
	BLK_LOOP_ENGINE,
	BLK_LOOP_REFERENCE,
};

extern const char *const blk_timing_names[];
extern const char *const blk_loop_names[];

/**
 * struct blk_config - what one run does; one field per knob.
 * @lock: the lock kind.
 * @cpus: the CPUs that may run a worker.
 * @ncpus: use only the first @ncpus CPUs of @cpus; 0 means all of them.
 * @duration_ms: how long the workers hammer the lock.
 * @cs_ns: work inside the critical section, on shared data.
 * @think_ns: work outside it, on local data.
 * @timing: an enum blk_timing.
 * @sample_every: with BLK_TIMING_SAMPLE, time one acquisition in this many.
 * @watchdog_ms: stop a run in which no worker progressed for this long.
 * @backoff_min: ttas_backoff's first wait, cpu_relax() loops.
 * @backoff_max: ttas_backoff's longest wait.
 * @irq_hz: hardirq acquisitions per second per worker CPU; 0: none.
 * @loop: an enum blk_loop_kind.
 */
struct blk_config {
	const struct blk_lock_ops *lock;
	struct cpumask cpus;
	u32 ncpus;
	u32 duration_ms;
	u32 cs_ns;
	u32 think_ns;
	u32 timing;
	u32 sample_every;
	u32 watchdog_ms;
	u32 backoff_min;
	u32 backoff_max;
	u32 irq_hz;
	u32 loop;
};

/* One acquisition in how many the run times: 0 (off), 1 (every), or the knob. */
static inline u32 blk_sample_every(const struct blk_config *cfg)
{
	return cfg->timing == BLK_TIMING_OFF ? 0 :
	       cfg->timing == BLK_TIMING_EVERY ? 1 : cfg->sample_every;
}

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

/* ---- results ---------------------------------------------------------------- */

/**
 * struct blk_cpu_result - one worker's share of a run.
 * @cpu: the CPU it ran on.
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
 * @lost_updates: |all acquisitions (workers' and interrupts') - @counter|.
 * @violations: @overlaps + @lost_updates; 0 for a correct lock.
 * @jain_micro: Jain's fairness index of the per-CPU acquisitions, x 1e6.
 * @max_min_micro: max / min per-CPU acquisitions, x 1e6; U64_MAX if a CPU
 *	got none.
 * @harness_cycles: cycles one iteration of the same loop costs with the
 *	empty lock, one CPU, measured by the workers before this run.
 * @iter_cycles: cycles one worker spent per acquisition in this run.
 * @stopped: the run was cut short by "stop" or module unload.
 * @aborted: the workers never all met at the start barrier; nothing ran.
 * @hotplug: a worker's CPU went offline: the run was stopped there.
 * @hotplug_cpu: which CPU (with @hotplug).
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
	u64 violations;
	u64 jain_micro;
	u64 max_min_micro;
	u64 harness_cycles;
	u64 iter_cycles;
	bool stopped;
	bool aborted;
	bool hotplug;
	u32 hotplug_cpu;
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
 * @min: the cheapest batch, less the cheapest empty batch, per pair, in
 *	millicycles.
 * @median: the median batch, less the median empty batch, per pair, in
 *	millicycles.
 */
struct blk_cost_kind {
	const struct blk_lock_ops *ops;
	u64 min;
	u64 median;
};

/**
 * struct blk_cost - the result of "cost": every kind, one CPU, same boot.
 * @id: measurement number since load.
 * @cpu: the CPU it ran on.
 * @pairs: lock/unlock pairs per batch.
 * @batches: batches per kind.
 * @nr: entries in @kind.
 * @kind: per kind, in menu order.
 */
struct blk_cost {
	u64 id;
	unsigned int cpu;
	u32 pairs;
	u32 batches;
	unsigned int nr;
	struct blk_cost_kind kind[BLK_NR_KINDS];
};

/* ---- time (blk_clock.c) ------------------------------------------------ */

/**
 * struct blk_clock_info - how the engine measures time.
 * @name: "tsc", "get_cycles" or "ktime" (cycles are then ns).
 * @khz: cycles per millisecond, calibrated against ktime_get_ns() at load.
 * @overhead: cycles one timestamp pair costs (the minimum of many back to
 *	back reads); subtracted from every sample.
 * @is_ns: the clock is ktime_get_ns(): "cycles" are nanoseconds.
 * @cs_loops_per_ms: calibrated critical-section work loops per ms.
 * @think_loops_per_ms: calibrated think work loops per ms.
 */
struct blk_clock_info {
	const char *name;
	u32 khz;
	u64 overhead;
	bool is_ns;
	u64 cs_loops_per_ms;
	u64 think_loops_per_ms;
};

extern struct blk_clock_info blk_clock_info;

/*
 * On x86 the TSC, read with rdtsc_ordered() so the read cannot drift before
 * the lock operation it times. Elsewhere get_cycles(), and where that is 0
 * (UML) ktime_get_ns(), so "cycles" are then nanoseconds: not local_clock(),
 * which is jiffies there.
 */
static __always_inline u64 blk_clock(void)
{
#ifdef CONFIG_X86
	return rdtsc_ordered();
#else
	if (blk_clock_info.is_ns)
		return ktime_get_ns();
	return get_cycles();
#endif
}

static inline u64 blk_sub_overhead(u64 d)
{
	return d > blk_clock_info.overhead ? d - blk_clock_info.overhead : 0;
}

void blk_calibrate(void);
u64 blk_cycles_to_ns(u64 cycles);
u64 blk_ns_to_cycles(u64 ns);
u64 blk_ns_to_loops(u32 ns, u64 loops_per_ms);

/* ---- the engine (blk_engine.c) and its neighbours ------------------------ */

/*
 * blk_mutex serialises every configuration change and every command; a run
 * owns the run state from "start" until its finish work clears blk_busy.
 */
extern struct mutex blk_mutex;
extern bool blk_busy;

int blk_control(const char *buf);
bool blk_running(void);
int blk_wait_idle(unsigned int ms);
u64 blk_runs_done(void);
typedef int blk_result_fn(const struct blk_result *r, void *arg);
int blk_results_walk(blk_result_fn *fn, void *arg, bool newest_only);
u64 blk_throughput(const struct blk_result *r);
int blk_engine_init(void);
void blk_engine_exit(void);
int blk_run_and_wait(void);

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

int blk_pingpong_run(const struct cpumask *cpus);
bool blk_pingpong_get(struct blk_pingpong *pp);

int blk_cost_run(const struct cpumask *cpus);
bool blk_cost_get(struct blk_cost *c);
void blk_cost_forget(void);

/* The interface, blk_debugfs.c. */
int blk_debugfs_init(void);
void blk_debugfs_exit(void);
void blk_result_show(struct seq_file *m, const struct blk_result *r, bool json);
void blk_result_print(const struct blk_result *r);

#endif /* _BLACKLOCK_H */
