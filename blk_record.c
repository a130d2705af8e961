// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the records. What a finished run leaves behind (struct
 * blk_result, filled by the engine's blk_collect()), the store that keeps
 * the last BLK_MAX_RESULTS of them, and the emitter that writes them.
 *
 * The text and the JSON forms of a record come from one function,
 * blk_emit_result(), writing through a tiny emitter that knows the syntax,
 * so the two can never disagree about what a run measured; with the keys
 * syntax the same function writes the "keys" file, so the list of keys
 * cannot drift from the records either. Every key is documented in
 * Documentation/blacklock.rst; keys are only ever added, never renamed.
 *
 * This layer knows neither the engine nor debugfs: the engine adds to the
 * store, debugfs shows it.
 */
#include <linux/math64.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include "blk_clock.h"
#include "blk_contention.h"
#include "blk_emit.h"
#include "blk_loop.h"
#include "blk_record.h"

#define BLK_MAX_RESULTS		32

/* The store, under blk_mutex: the newest last. */
static struct blk_result *blk_results[BLK_MAX_RESULTS];
static unsigned int blk_nr_results;
static u64 blk_next_id = 1;

/**
 * blk_throughput() - acquisitions per second of a result.
 * @r: the result.
 *
 * Return: acquisitions / duration, per second; 0 for an empty run.
 */
u64 blk_throughput(const struct blk_result *r)
{
	return blk_mul_div(r->acquisitions, NSEC_PER_SEC, r->duration_ns);
}

/* Keep @r as the newest result, dropping the oldest. blk_mutex held. */
void blk_result_add(struct blk_result *r)
{
	r->id = blk_next_id++;
	if (blk_nr_results == BLK_MAX_RESULTS) {
		kvfree(blk_results[0]);
		memmove(&blk_results[0], &blk_results[1],
			sizeof(blk_results[0]) * (BLK_MAX_RESULTS - 1));
		blk_nr_results--;
	}
	blk_results[blk_nr_results++] = r;
}

/* Forget every kept result ("reset", unload). blk_mutex held, or unloading. */
void blk_results_free(void)
{
	while (blk_nr_results)
		kvfree(blk_results[--blk_nr_results]);
}

/**
 * blk_results_walk() - call @fn on each kept result, oldest first.
 * @fn: the callback; a non-zero return stops the walk.
 * @arg: passed to @fn.
 * @newest_only: call @fn on the newest result only.
 *
 * Holds blk_mutex across the walk, so results cannot be freed under @fn,
 * and is safe while a run is going (its result is not there yet).
 *
 * Return: what the last @fn call returned, or 0.
 */
int blk_results_walk(blk_result_fn *fn, void *arg, bool newest_only)
{
	unsigned int i;
	int ret = 0;

	mutex_lock(&blk_mutex);
	i = newest_only && blk_nr_results ? blk_nr_results - 1 : 0;
	for (; i < blk_nr_results && !ret; i++)
		ret = fn(blk_results[i], arg);
	mutex_unlock(&blk_mutex);
	return ret;
}

/**
 * blk_runs_done() - how many runs have finished since load.
 *
 * Return: the number of the last finished run, 0 if none.
 */
u64 blk_runs_done(void)
{
	return READ_ONCE(blk_next_id) - 1;
}

/*
 * A finished run's record from its workers, in four steps that both
 * engines (blk_collect.c, and the host's, tools/host) take: init; for each
 * worker, its counters (blk_result_cpu()), then its histograms
 * (blk_result_cpu_merge()), between which the module adds its interrupt's
 * share; then, with the duration set, what follows from all of them.
 */
void blk_result_init(struct blk_result *r, unsigned int nr)
{
	r->nr_cpus = nr;
	blk_hist_init(&r->acquire);
	blk_hist_init(&r->hold);
	blk_hist_init(&r->handoff);
	blk_hist_init(&r->irq_latency);
	blk_hist_init(&r->irq_wait);
}

/* Worker @i's counters, each from the side that counts it (blk_counters.h). */
void blk_result_cpu(struct blk_result *r, unsigned int i, unsigned int cpu,
		    int node, const struct blk_worker *w,
		    const struct blk_contention_counters *sc)
{
	struct blk_cpu_result *c = &r->cpu[i];

	c->cpu = cpu;
	c->node = node;
#define BLK_COUNTER(name, from, merge, doc)				\
	BLK_IF_loop_##from(c->name = w->name;)				\
	BLK_IF_lock_##from(c->name = sc->name;)
#include "blk_counters_list.h"
#undef BLK_COUNTER
}

/* Worker @i's samples, and its counters merged into the run's. */
void blk_result_cpu_merge(struct blk_result *r, unsigned int i,
			  const struct blk_hist *acquire,
			  const struct blk_hist *hold,
			  const struct blk_hist *handoff)
{
	struct blk_cpu_result *c = &r->cpu[i];

	c->samples = acquire->count;
	c->acquire_p50 = blk_hist_percentile(acquire, 500000);
	c->acquire_p99 = blk_hist_percentile(acquire, 990000);
	c->acquire_max = acquire->max;
	blk_hist_merge(&r->acquire, acquire);
	blk_hist_merge(&r->hold, hold);
	blk_hist_merge(&r->handoff, handoff);
#define BLK_COUNTER(name, from, merge, doc)				\
	blk_merge_##merge(&r->name, c->name);
#include "blk_counters_list.h"
#undef BLK_COUNTER
	r->irq_acquisitions += c->irq_acquisitions;
}

/*
 * The run's NUMA nodes, and its handoffs grouped by them: from the matrix,
 * by the nodes of the worker that handed over and of the one that took.
 */
static void blk_result_nodes(struct blk_result *r)
{
	unsigned int i, j;

	r->nr_nodes = 0;
	for (i = 0; i < r->nr_cpus; i++) {
		const u64 *from = blk_result_from(r, i);

		for (j = 0; j < i && r->cpu[j].node != r->cpu[i].node; j++)
			;
		r->nr_nodes += j == i;
		for (j = 0; from && j < r->nr_cpus; j++) {
			if (r->cpu[i].node == r->cpu[j].node)
				r->handoffs_intra_node += from[j];
			else
				r->handoffs_inter_node += from[j];
		}
	}
}

/**
 * blk_result_finish() - what follows from the workers' shares.
 * @r: the record, its workers in and its duration set.
 * @acq: scratch of @r->nr_cpus entries: each worker's acquisitions.
 * @floor: the lowest harness floor of the workers, millicycles; U64_MAX
 *	for none.
 * @sh: the run's @r->cfg.nlocks locks' data at the end: each word's
 *	counter, which together must have counted every acquisition, and
 *	the cs_lines words, each of which must have counted its lock's.
 */
void blk_result_finish(struct blk_result *r, u64 *acq, u64 floor,
		       struct blk_shared *sh)
{
	u64 lo = U64_MAX, hi = 0, all, cycles, c, lc;
	unsigned int i, j;

	for (i = 0; i < r->nr_cpus; i++) {
		acq[i] = r->cpu[i].acquisitions;
		lo = min(lo, acq[i]);
		hi = max(hi, acq[i]);
		r->cpu[i].share_micro = r->acquisitions ?
			blk_ratio_micro(acq[i], r->acquisitions) : 0;
	}
	blk_result_nodes(r);
	r->counter = 0;
	r->lost_updates = 0;
	r->locks_used = 0;
	r->lock_acq_min = U64_MAX;
	r->lock_acq_max = 0;
	for (i = 0; i < r->cfg.nlocks; i++) {
		c = blk_word_count(READ_ONCE(sh[i].word));
		r->counter += c;
		r->locks_used += c > 0;
		r->lock_acq_min = min(r->lock_acq_min, c);
		r->lock_acq_max = max(r->lock_acq_max, c);
		/* a lost update in any line counts as one in a counter does */
		for (j = 0; j < sh[i].nr_lines; j++) {
			lc = READ_ONCE(*blk_line(&sh[i], j));
			r->lost_updates += c > lc ? c - lc : lc - c;
		}
	}
	all = blk_all_acquisitions(r);
	r->lost_updates += all > r->counter ? all - r->counter :
					      r->counter - all;
	r->rmw = r->cfg.lock->rmw * all + r->cas_failures + r->slow_rmws -
		 r->direct_handoffs;
	r->violations = r->overlaps + r->lost_updates;
	r->jain_micro = blk_jain_micro(acq, r->nr_cpus);
	r->max_min_micro = lo ? blk_ratio_micro(hi, lo) : U64_MAX;
	/* in millicycles: each worker's cycles per acquisition */
	r->harness_millicycles = floor == U64_MAX ? 0 : floor;
	cycles = blk_mul_div(r->duration_ns, blk_clock_info.khz, NSEC_PER_MSEC);
	r->iter_millicycles = blk_mul_div(cycles * r->nr_cpus, 1000, r->acquisitions);
}

static void blk_emit_cpu(struct blk_emit *e, const struct blk_result *r,
			 unsigned int i)
{
	const struct blk_cpu_result *c = &r->cpu[i];
	const u64 *from = blk_result_from(r, i);

	if (e->syntax == BLK_JSON)	/* the text line starts "cpuN:" */
		blk_put_u64(e, "cpu", c->cpu);
#define BLK_COUNTER(name, from, merge, doc)	blk_put_u64(e, #name, c->name);
#include "blk_counters_list.h"
#undef BLK_COUNTER
	blk_put_micro(e, "share", c->share_micro);
	blk_put_u64(e, "node", c->node);
	if (BLK_WORLD_KERNEL)
		blk_put_u64(e, "irq_acquisitions", c->irq_acquisitions);
	if (from)
		blk_put_u64_list(e, "handoffs_from", from, r->nr_cpus);
	blk_put_u64(e, "samples", c->samples);
	blk_put_u64(e, "acquire_cycles_p50", c->acquire_p50);
	blk_put_u64(e, "acquire_cycles_p99", c->acquire_p99);
	blk_put_u64(e, "acquire_cycles_max", c->acquire_max);
}

/* One record, in e->syntax (BLK_TEXT or BLK_JSON). */
static void blk_emit_result(struct blk_emit *e, const struct blk_result *r)
{
	const bool json = e->syntax == BLK_JSON;
	const u64 all = blk_all_acquisitions(r);
	unsigned int i;

	blk_put_u64(e, "run", r->id);
	if (json)
		blk_put_str(e, "record", "run");
	blk_put_str(e, "lock", r->cfg.lock->name);
	blk_put_u64(e, "lock_broken", r->cfg.lock->broken);
	blk_put_u64(e, "lock_floor", r->cfg.lock->floor);
	blk_put_machine(e);
	blk_put_cpus(e, "cpus", &r->cfg.cpus);
	blk_put_u64(e, "nr_cpus", r->nr_cpus);
	blk_put_u64(e, "nr_nodes", r->nr_nodes);
	blk_put_u64(e, "duration_ms", r->cfg.duration_ms);
	blk_put_u64(e, "cs_ns", r->cfg.cs_ns);
	blk_put_u64(e, "cs_lines", r->cfg.cs_lines);
	blk_put_str(e, "colocate", blk_off_on_names[r->cfg.colocate]);
	blk_put_u64(e, "nlocks", r->cfg.nlocks);
	blk_put_u64(e, "hot_pct", r->cfg.hot_pct);
	blk_put_u64(e, "think_ns", r->cfg.think_ns);
	blk_put_str(e, "think_dist", blk_think_dist_names[r->cfg.think_dist]);
	blk_put_u64(e, "cs_loops", r->cs_loops);
	blk_put_u64(e, "think_loops", r->think_loops);
	blk_put_str(e, "loop", blk_loop_names[r->cfg.loop]);
	blk_put_str(e, "check", blk_check_names[r->cfg.check]);
	blk_put_str(e, "timing", blk_timing_names[r->cfg.timing]);
	blk_put_u64(e, "sample_every", blk_sample_every(&r->cfg));
	blk_put_u64(e, "sample_every_auto", r->sample_auto);
	blk_put_u64(e, "sample_cost_ppm", r->sample_cost_ppm);
	blk_put_milli(e, "timed_extra_cycles", r->timed_extra_millicycles);
	blk_put_u64(e, "samples", r->acquire.count);
	blk_put_u64(e, "stopped", r->stopped);
	blk_put_u64(e, "aborted", r->aborted);
	if (BLK_WORLD_KERNEL)
		blk_put_u64(e, "hotplug_stopped", r->hotplug_stopped);
	if (BLK_WORLD_KERNEL)
		blk_put_u64(e, "hotplug_cpu", r->hotplug_cpu);
	if (BLK_WORLD_KERNEL)
		blk_put_u64(e, "outside_counts", r->outside_counts);
	blk_put_u64(e, "handoffs_intra_node", r->handoffs_intra_node);
	blk_put_u64(e, "handoffs_inter_node", r->handoffs_inter_node);
	if (BLK_WORLD_KERNEL)
		blk_put_u64(e, "watchdog_ms", r->cfg.watchdog_ms);
	blk_put_u64(e, "backoff_min", r->cfg.backoff_min);
	blk_put_u64(e, "backoff_max", r->cfg.backoff_max);
	blk_put_u64(e, "cna_threshold", r->cfg.cna_threshold);
	blk_put_u64(e, "cna_threshold_ns", r->cfg.cna_threshold_ns);
	if (BLK_WORLD_KERNEL)
		blk_put_u64(e, "irq_hz", r->cfg.irq_hz);
	if (BLK_WORLD_KERNEL)
		blk_put_u64(e, "stuck", r->stuck);
	blk_put_u64(e, "duration_ns", r->duration_ns);
#define BLK_COUNTER(name, from, merge, doc)	blk_put_u64(e, #name, r->name);
#include "blk_counters_list.h"
#undef BLK_COUNTER
	blk_put_u64(e, "throughput_per_s", blk_throughput(r));
	blk_put_milli(e, "iter_cycles_per_acq", r->iter_millicycles);
	blk_put_milli(e, "harness_cycles_per_iter", r->harness_millicycles);
	blk_put_milli(e, "lock_cycles_per_acq", r->iter_millicycles > r->harness_millicycles ?
		      r->iter_millicycles - r->harness_millicycles : 0);
	blk_put_u64(e, "violations", r->violations);
	blk_put_u64(e, "lost_updates", r->lost_updates);
	blk_put_u64(e, "locks_used", r->locks_used);
	blk_put_u64(e, "lock_acq_min", r->lock_acq_min);
	blk_put_u64(e, "lock_acq_max", r->lock_acq_max);
	blk_put_u64(e, "contention_counted", r->cfg.lock->counted);
	blk_put_u64(e, "rmw", r->rmw);
	blk_put_milli(e, "rmw_per_acq", r->cfg.lock->counted ?
		      blk_per_milli(r->rmw, all) : U64_MAX);
	blk_put_milli(e, "spins_per_acq", r->cfg.lock->counted ?
		      blk_per_milli(r->spins, all) : U64_MAX);
	blk_put_hist(e, "acquire", &r->acquire);
	blk_put_hist(e, "hold", &r->hold);
	blk_put_u64(e, "handoff_samples", r->handoff.count);
	blk_put_hist(e, "handoff", &r->handoff);
	blk_put_milli(e, "overtakes_per_sample",
		      blk_per_milli(r->overtakes, r->acquire.count));
	/* interrupts, hotplug and the watchdog: the module's alone */
	if (BLK_WORLD_KERNEL) {
		blk_put_u64(e, "irq_acquisitions", r->irq_acquisitions);
		blk_put_hist(e, "irq_latency", &r->irq_latency);
		blk_put_hist(e, "irq_wait", &r->irq_wait);
	}
	blk_put_micro(e, "fairness_jain", r->jain_micro);
	blk_put_micro(e, "fairness_max_min", r->max_min_micro);

	blk_list_begin(e, "per_cpu");
	for (i = 0; i < r->nr_cpus; i++) {
		struct blk_emit c;
		char label[16];

		snprintf(label, sizeof(label), "cpu%u", r->cpu[i].cpu);
		c = blk_item(e, i, NULL, label);
		blk_emit_cpu(&c, r, i);
		blk_item_end(e);
	}
	blk_list_end(e);
}

/**
 * blk_result_print() - log a one-line summary of a result.
 * @r: the result.
 */
void blk_result_print(const struct blk_result *r)
{
	pr_info("blacklock: run %llu: %s on %u CPUs, %llu ms: %llu acquisitions (%llu/s), %llu violations%s%s\n",
		r->id, r->cfg.lock->name, r->nr_cpus,
		div_u64(r->duration_ns, NSEC_PER_MSEC), r->acquisitions,
		blk_throughput(r), r->violations,
		r->stopped ? " (stopped early)" : "",
		r->aborted ? " (aborted at the start barrier)" :
		r->hotplug_stopped ? " (a worker's CPU went offline)" :
		r->stuck ? " (stuck: stopped by the watchdog)" : "");
}

static int blk_stats_one(const struct blk_result *r, void *arg)
{
	struct blk_emit *e = arg;

	blk_record_begin(e);
	blk_emit_result(e, r);
	blk_record_end(e);
	return 0;
}

/**
 * blk_result_show() - one run's record, alone, as "stats" (text) or
 * "stats.json" (a JSON object) has it.
 * @m: where to.
 * @r: the result.
 * @json: JSON, or text.
 *
 * For the tests, which show records they made up.
 */
void blk_result_show(struct seq_file *m, const struct blk_result *r, bool json)
{
	struct blk_emit e = {
		.m = m, .syntax = json ? BLK_JSON : BLK_TEXT, .first = true
	};

	blk_stats_one(r, &e);
}

/*
 * What the cost record's ratios are to: spinlock_t in the module; on the
 * host, which has none, its stand-in (BLK_KF_STANDIN: ratio_to_qspin_*).
 */
static const char *blk_cost_base(void)
{
	return BLK_WORLD_KERNEL ? "spinlock" : blk_lock_standin()->name;
}

/* The cost record: one line (text) or object (JSON) per kind. */
static void blk_emit_cost(struct blk_emit *e, const struct blk_cost *c)
{
	const bool json = e->syntax == BLK_JSON;
	const struct blk_cost_kind *base = NULL;
	unsigned int i;

	char key[64];

	for (i = 0; i < c->nr; i++)
		if (!strcmp(c->kind[i].ops->name, blk_cost_base()))
			base = &c->kind[i];
	blk_put_u64(e, "cost", c->id);
	if (json)
		blk_put_str(e, "record", "cost");
	blk_put_machine(e);
	blk_put_u64(e, "cost_cpu", c->cpu);
	blk_put_u64(e, "cost_pairs_per_batch", c->pairs);
	blk_put_u64(e, "cost_batches", c->batches);
	blk_list_begin(e, "locks");
	for (i = 0; i < c->nr; i++) {
		const struct blk_cost_kind *k = &c->kind[i];
		struct blk_emit l;
		char label[40];

		snprintf(label, sizeof(label), json ? "%s" : "cost_%s", k->ops->name);
		l = blk_item(e, i, "lock", label);
		blk_put_milli(&l, "cycles_per_pair_min", k->min_millicycles);
		blk_put_milli(&l, "cycles_per_pair_median", k->median_millicycles);
		blk_put_milli(&l, "ns_per_pair_min", blk_cycles_to_ns(k->min_millicycles));
		blk_put_milli(&l, "ns_per_pair_median", blk_cycles_to_ns(k->median_millicycles));
		snprintf(key, sizeof(key), "ratio_to_%s_min", blk_cost_base());
		blk_put_micro(&l, key, base ?
			      blk_ratio_micro(k->min_millicycles,
					      base->min_millicycles) : U64_MAX);
		snprintf(key, sizeof(key), "ratio_to_%s_median", blk_cost_base());
		blk_put_micro(&l, key, base ?
			      blk_ratio_micro(k->median_millicycles,
					      base->median_millicycles) : U64_MAX);
		blk_item_end(e);
	}
	blk_list_end(e);
	/* the stand-in called out of line, as spin_lock() is (blk_cost.c) */
	snprintf(key, sizeof(key), "cost_%s_call_cycles_per_pair_min", c->call.ops->name);
	blk_put_milli(e, key, c->call.min_millicycles);
	snprintf(key, sizeof(key), "cost_%s_call_cycles_per_pair_median", c->call.ops->name);
	blk_put_milli(e, key, c->call.median_millicycles);
	snprintf(key, sizeof(key), "cost_%s_call_ratio_to_spinlock_median", c->call.ops->name);
	if (BLK_WORLD_KERNEL)
		blk_put_micro(e, key, base ?
			      blk_ratio_micro(c->call.median_millicycles,
					      base->median_millicycles) : U64_MAX);
}

/**
 * blk_records_show() - the "stats" or "stats.json" file: every kept run,
 * oldest first, then a cost record.
 * @m: where to.
 * @json: a JSON array of objects, or text records a blank line apart.
 * @c: the last cost measurement, or NULL for none.
 */
void blk_records_show(struct seq_file *m, bool json, const struct blk_cost *c)
{
	struct blk_emit e = {
		.m = m, .syntax = json ? BLK_JSON : BLK_TEXT, .first = true
	};

	if (json)
		seq_putc(m, '[');
	blk_results_walk(blk_stats_one, &e, false);
	if (c) {
		blk_record_begin(&e);
		blk_emit_cost(&e, c);
		blk_record_end(&e);
	}
	if (json)
		seq_puts(m, "\n]\n");
}

/**
 * blk_record_pingpong() - the "pingpong" file.
 * @m: where to.
 * @pp: the measurement.
 */
void blk_record_pingpong(struct seq_file *m, const struct blk_pingpong *pp)
{
	struct blk_emit e = { .m = m, .syntax = BLK_TEXT };

	seq_printf(m, "pingpong_cpus: %d,%d\n", pp->cpu[0], pp->cpu[1]);
	blk_put_u64(&e, "pingpong_rounds", pp->rounds);
	blk_put_u64(&e, "roundtrip_cycles_p50", pp->roundtrip_p50);
	blk_put_u64(&e, "roundtrip_cycles_p99", pp->roundtrip_p99);
	blk_put_u64(&e, "roundtrip_cycles_min", pp->roundtrip_min);
	blk_put_u64(&e, "handoff_cycles_p50", pp->roundtrip_p50 / 2);
	blk_put_u64(&e, "handoff_ns_p50",
		    blk_cycles_to_ns(pp->roundtrip_p50 / 2));
}

/*
 * "keys": every key a run record has, one a line, "run KEY" for the
 * record's own and "cpu KEY" for its cpuN: lines, in the records' order:
 * the record emitter itself, run on an empty one-CPU record with only
 * its keys printed, so the list cannot drift from the records. The tools
 * and make check read it instead of keeping a copy.
 */
/**
 * blk_record_keys() - the "keys" file.
 * @m: where to.
 */
void blk_record_keys(struct seq_file *m)
{
	struct blk_emit e = { .m = m, .syntax = BLK_KEYS, .first = true };
	struct blk_result *r = kzalloc(blk_result_size(1), GFP_KERNEL);

	if (!r)
		return;
	r->cfg.lock = blk_lock_menu[0];
	r->nr_cpus = 1;
	blk_stats_one(r, &e);
	kfree(r);
}
