// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the end of a run: what a finished run's workers counted,
 * merged into its record (blk_collect()), and what start allocated for it
 * freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include "blk_clock.h"
#include "blk_contention.h"
#include "blk_run.h"

/* What start allocated for the run's end (blk_run.result, the scratch). */
void blk_run_free(void)
{
	kvfree(blk_run.result);
	kfree(blk_run.acq);
	kfree(blk_run.arrivals);
	kvfree(blk_run.irq);
	blk_run.result = NULL;
	blk_run.acq = NULL;
	blk_run.arrivals = NULL;
	blk_run.irq = NULL;
}

/*
 * The run's NUMA nodes, and its handoffs grouped by them: from the matrix,
 * by the nodes of the worker that handed over and of the one that took.
 */
static void blk_collect_nodes(struct blk_result *r)
{
	nodemask_t seen = NODE_MASK_NONE;
	unsigned int i, j;

	for (i = 0; i < r->nr_cpus; i++) {
		const u64 *from = blk_result_from(r, i);

		node_set(r->cpu[i].node, seen);
		for (j = 0; from && j < r->nr_cpus; j++) {
			if (r->cpu[i].node == r->cpu[j].node)
				r->handoffs_intra_node += from[j];
			else
				r->handoffs_inter_node += from[j];
		}
	}
	r->nr_nodes = nodes_weight(seen);
}

/* Fill in the result allocated at start, and hand it over. */
struct blk_result *blk_collect(void)
{
	const struct cpumask *mask = &blk_run.cfg.cpus;
	struct blk_result *r = blk_run.result;
	u64 *acq = blk_run.acq, lo = U64_MAX, hi = 0, end = 0, floor = U64_MAX, cycles;
	u64 all;
	unsigned int i = 0;
	int cpu;

	r->cfg = blk_run.cfg;
	r->cs_loops = blk_run.cs_loops;
	r->think_loops = blk_run.think_loops;
	r->stopped = READ_ONCE(blk_run.stopped);
	r->aborted = READ_ONCE(blk_run.aborted);
	r->hotplug_stopped = READ_ONCE(blk_run.hotplug);
	r->hotplug_cpu = READ_ONCE(blk_run.hotplug_cpu);
	r->stuck = READ_ONCE(blk_run.stuck);
	r->sample_auto = blk_run.sample_auto;
	r->sample_cost_ppm = blk_run.sample_cost_ppm;
	r->timed_extra_millicycles = blk_run.timed_extra;
	r->nr_cpus = blk_run.nr;
	blk_hist_init(&r->acquire);
	blk_hist_init(&r->hold);
	blk_hist_init(&r->handoff);
	blk_hist_init(&r->irq_latency);
	blk_hist_init(&r->irq_wait);

	for_each_cpu(cpu, mask) {
		const struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);
		struct blk_cpu_result *c = &r->cpu[i];
		struct blk_spin_counters sc = {};

		blk_spin_counters_read(&sc, cpu);
		c->cpu = cpu;
		c->node = cpu_to_node(cpu);
		/* each counter from the side that counts it (blk_counters.h) */
#define BLK_COUNTER(name, from, merge, doc)				\
		BLK_IF_loop_##from(c->name = pc->worker.name;)		\
		BLK_IF_lock_##from(c->name = sc.name;)
#include "blk_counters_list.h"
#undef BLK_COUNTER
		if (blk_run.irq) {
			const struct blk_irq_stats *is = &blk_run.irq[i];

			c->overlaps += is->overlaps;
			c->irq_acquisitions = is->acquisitions;
			blk_hist_merge(&r->irq_latency, &is->latency);
			blk_hist_merge(&r->irq_wait, &is->wait);
		}
		c->samples = pc->acquire.count;
		c->acquire_p50 = blk_hist_percentile(&pc->acquire, 500000);
		c->acquire_p99 = blk_hist_percentile(&pc->acquire, 990000);
		c->acquire_max = pc->acquire.max;
		blk_hist_merge(&r->acquire, &pc->acquire);
		blk_hist_merge(&r->hold, &pc->hold);
		blk_hist_merge(&r->handoff, &pc->handoff);
#define BLK_COUNTER(name, from, merge, doc)				\
		blk_merge_##merge(&r->name, c->name);
#include "blk_counters_list.h"
#undef BLK_COUNTER
		r->irq_acquisitions += c->irq_acquisitions;
		lo = min(lo, c->acquisitions);
		hi = max(hi, c->acquisitions);
		end = max(end, pc->t_end);
		floor = min(floor, pc->floor_cycles);
		acq[i++] = c->acquisitions;
	}
	/* and on the CPUs outside the run, which no worker may have touched */
	for_each_possible_cpu(cpu) {
		struct blk_spin_counters sc = {};

		if (cpumask_test_cpu(cpu, mask))
			continue;
		blk_spin_counters_read(&sc, cpu);
#define BLK_COUNTER(name, from, merge, doc)				\
		BLK_IF_lock_##from(r->outside_counts += sc.name;)
#include "blk_counters_list.h"
#undef BLK_COUNTER
	}
	blk_collect_nodes(r);
	for (i = 0; i < r->nr_cpus; i++)
		r->cpu[i].share_micro = r->acquisitions ?
			blk_ratio_micro(r->cpu[i].acquisitions, r->acquisitions) : 0;

	r->duration_ns = blk_run.t_go && end > blk_run.t_go ?
			 end - blk_run.t_go : 0;
	r->counter = blk_word_count(READ_ONCE(blk_shared.word));
	all = blk_all_acquisitions(r);
	r->lost_updates = all > r->counter ? all - r->counter :
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
	blk_run.result = NULL;		/* handed over: the caller keeps it */
	blk_run_free();
	return r;
}
