// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the end of a run: what a finished run's workers counted,
 * merged into its record (blk_collect()), and what start allocated for it
 * freed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include "blk_clock.h"
#include "blk_contention.h"
#include "blk_run.h"

/*
 * The run's locks and their data: the first @n given back to @ops's fini
 * (none without @ops: a stuck run's), then freed.
 */
void blk_shared_free(const struct blk_lock_ops *ops, u32 n)
{
	u32 i;

	for (i = 0; ops && i < n; i++)
		ops->fini(&blk_shared[i].lock);
	kvfree(blk_shared);
	blk_shared = NULL;
}

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

/* Fill in the result allocated at start, and hand it over. */
struct blk_result *blk_collect(void)
{
	const struct cpumask *mask = &blk_run.cfg.cpus;
	struct blk_result *r = blk_run.result;
	u64 *acq = blk_run.acq, end = 0, floor = U64_MAX;
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
	blk_result_init(r, blk_run.nr);

	for_each_cpu(cpu, mask) {
		const struct blk_pcpu *pc = per_cpu_ptr(blk_pcpu, cpu);
		struct blk_cpu_result *c = &r->cpu[i];
		struct blk_contention_counters sc = {};

		blk_contention_counters_read(&sc, cpu);
		blk_result_cpu(r, i, cpu, cpu_to_node(cpu), &pc->worker, &sc);
		if (blk_run.irq) {
			const struct blk_irq_stats *is = &blk_run.irq[i];

			c->overlaps += is->overlaps;
			c->irq_acquisitions = is->acquisitions;
			blk_hist_merge(&r->irq_latency, &is->latency);
			blk_hist_merge(&r->irq_wait, &is->wait);
		}
		blk_result_cpu_merge(r, i, &pc->acquire, &pc->hold, &pc->handoff);
		end = max(end, pc->t_end);
		floor = min(floor, pc->floor_cycles);
		acq[i++] = c->acquisitions;
	}
	/* and on the CPUs outside the run, which no worker may have touched */
	for_each_possible_cpu(cpu) {
		struct blk_contention_counters sc = {};

		if (cpumask_test_cpu(cpu, mask))
			continue;
		blk_contention_counters_read(&sc, cpu);
#define BLK_COUNTER(name, from, merge, doc)				\
		BLK_IF_lock_##from(r->outside_counts += sc.name;)
#include "blk_counters_list.h"
#undef BLK_COUNTER
	}
	r->duration_ns = blk_run.t_go && end > blk_run.t_go ?
			 end - blk_run.t_go : 0;
	blk_result_finish(r, acq, floor, blk_shared);
	blk_run.result = NULL;		/* handed over: the caller keeps it */
	blk_run_free();
	return r;
}
