// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the debugfs interface, /sys/kernel/debug/blacklock/.
 *
 *   lock cpus ncpus duration_ms cs_ns think_ns timing sample_every loop
 *                knobs (read/write), one file each
 *   knobs        every knob: name, value, default, accepted values, help
 *   control      write start, stop, reset, wait, pingpong or cost
 *   status       state and runs finished
 *   locks        the lock menu
 *   stats        the kept results, "key: value" lines, a blank line
 *                between records; then the last "cost" measurement
 *   stats.json   the same records as a JSON array
 *   histogram    the newest result's latency histograms, one bucket a line
 *   pingpong     the core-to-core handoff floor, after "pingpong" in control
 *
 * A knob write that cannot be honoured changes nothing and fails with
 * -EINVAL (bad value) or -EBUSY (a run is going). Every key is documented in
 * Documentation/blacklock.rst; keys are only ever added, never renamed.
 *
 * The text and the JSON forms of a record come from one function,
 * blk_emit_result(), writing through a tiny emitter that knows the syntax,
 * so the two can never disagree about what a run measured.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "blacklock.h"

static struct dentry *blk_dir;

/* ---- the emitter ----------------------------------------------------- */

enum blk_syntax {
	BLK_TEXT,	/* "key: value\n" */
	BLK_TEXT_CPU,	/* " key=value", on one cpuN: line */
	BLK_JSON,	/* "key": value, comma separated */
	BLK_KEYS,	/* "run key\n": the keys alone, no values ("keys") */
	BLK_KEYS_CPU,	/* "cpu key\n": a cpuN: line's keys alone */
};

struct blk_emit {
	struct seq_file *m;
	enum blk_syntax syntax;
	bool first;
};

/* The key; false when only keys are wanted, and the value is not. */
static bool blk_key(struct blk_emit *e, const char *key)
{
	switch (e->syntax) {
	case BLK_KEYS:
		seq_printf(e->m, "run %s\n", key);
		return false;
	case BLK_KEYS_CPU:
		seq_printf(e->m, "cpu %s\n", key);
		return false;
	case BLK_TEXT:
		seq_printf(e->m, "%s: ", key);
		break;
	case BLK_TEXT_CPU:
		seq_printf(e->m, " %s=", key);
		break;
	case BLK_JSON:
		seq_printf(e->m, "%s\"%s\": ", e->first ? "" : ", ", key);
		break;
	}
	e->first = false;
	return true;
}

static void blk_end(struct blk_emit *e)
{
	if (e->syntax == BLK_TEXT)
		seq_putc(e->m, '\n');
}

static void blk_put_u64(struct blk_emit *e, const char *key, u64 v)
{
	if (!blk_key(e, key))
		return;
	seq_printf(e->m, "%llu", v);
	blk_end(e);
}

/* A string; in JSON quoted, with quotes, backslashes and controls escaped. */
static void blk_put_str(struct blk_emit *e, const char *key, const char *s)
{
	if (!blk_key(e, key))
		return;
	if (e->syntax != BLK_JSON) {
		seq_puts(e->m, s);
	} else {
		seq_putc(e->m, '"');
		for (; *s; s++) {
			if (*s == '"' || *s == '\\')
				seq_printf(e->m, "\\%c", *s);
			else if ((unsigned char)*s < 0x20)
				seq_printf(e->m, "\\u%04x", (unsigned char)*s);
			else
				seq_putc(e->m, *s);
		}
		seq_putc(e->m, '"');
	}
	blk_end(e);
}

/* A fixed-point decimal, v / 10^digits; U64_MAX is infinite/undefined. */
static void blk_put_fixed(struct blk_emit *e, const char *key, u64 v,
			  unsigned int digits, u32 unit)
{
	if (!blk_key(e, key))
		return;
	if (v == U64_MAX)
		seq_puts(e->m, e->syntax == BLK_JSON ? "null" : "inf");
	else
		seq_printf(e->m, "%llu.%0*llu", v / unit, digits, v % unit);
	blk_end(e);
}

/* A ratio in millionths as a decimal. */
static void blk_put_micro(struct blk_emit *e, const char *key, u64 v)
{
	blk_put_fixed(e, key, v, 6, 1000000);
}

/* A value in thousandths (millicycles) as a decimal. */
static void blk_put_milli(struct blk_emit *e, const char *key, u64 v)
{
	blk_put_fixed(e, key, v, 3, 1000);
}

/* A list of numbers: "1,2,3" in text, [1, 2, 3] in JSON. */
static void blk_put_u64_list(struct blk_emit *e, const char *key,
			     const u64 *v, unsigned int n)
{
	const bool json = e->syntax == BLK_JSON;
	unsigned int i;

	if (!blk_key(e, key))
		return;
	if (json)
		seq_putc(e->m, '[');
	for (i = 0; i < n; i++)
		seq_printf(e->m, "%s%llu", i ? (json ? ", " : ",") : "", v[i]);
	if (json)
		seq_putc(e->m, ']');
	blk_end(e);
}

/* @num per @den, in thousandths; U64_MAX (null, inf) when undefined. */
static u64 blk_per_milli(u64 num, u64 den)
{
	u64 micro = blk_ratio_micro(num, den);

	return micro == U64_MAX ? U64_MAX : micro / 1000;
}

/* A CPU list, however long. */
static void blk_put_cpus(struct blk_emit *e, const char *key,
			 const struct cpumask *mask)
{
	const char *q = e->syntax == BLK_JSON ? "\"" : "";

	if (!blk_key(e, key))
		return;
	seq_printf(e->m, "%s%*pbl%s", q, cpumask_pr_args(mask), q);
	blk_end(e);
}

/* What every record says about the machine and the clock. */
static void blk_put_machine(struct blk_emit *e)
{
	blk_put_str(e, "kernel", init_utsname()->release);
	blk_put_str(e, "spinlock_impl", blk_spinlock_flavour());
	blk_put_str(e, "cas_asm", blk_cas_asm_name());
	blk_put_str(e, "clock", blk_clock_info.name);
	blk_put_u64(e, "clock_khz", blk_clock_info.khz);
	blk_put_u64(e, "timer_overhead_cycles", blk_clock_info.overhead);
}

static const struct {
	const char *name;
	u32 ppm;
} blk_pcts[] = {
	{ "p50", 500000 }, { "p90", 900000 }, { "p99", 990000 },
	{ "p999", 999000 }, { "max", 1000000 },
};

/* <what>_cycles_<pct> for every percentile and the mean, then <what>_ns_. */
static void blk_put_hist(struct blk_emit *e, const char *what,
			 const struct blk_hist *h)
{
	char key[40];
	u64 v;
	int unit, i;

	for (unit = 0; unit < 2; unit++) {
		const char *u = unit ? "ns" : "cycles";

		for (i = 0; i < ARRAY_SIZE(blk_pcts); i++) {
			v = blk_hist_percentile(h, blk_pcts[i].ppm);
			snprintf(key, sizeof(key), "%s_%s_%s", what, u,
				 blk_pcts[i].name);
			blk_put_u64(e, key, unit ? blk_cycles_to_ns(v) : v);
		}
		v = h->count ? div64_u64(h->sum, h->count) : 0;
		snprintf(key, sizeof(key), "%s_%s_mean", what, u);
		blk_put_u64(e, key, unit ? blk_cycles_to_ns(v) : v);
	}
}

/*
 * A record's list of sub-records (per CPU, per lock kind): a JSON array of
 * objects under @key, or in text one line each, starting "LABEL:" and
 * going on " key=value". blk_item() starts item @i with an emitter for it,
 * blk_item_end() ends it; in JSON, @label becomes the item's first key,
 * @label_key, unless that is NULL.
 */
static void blk_list_begin(struct blk_emit *e, const char *key)
{
	if (e->syntax == BLK_JSON && blk_key(e, key))
		seq_putc(e->m, '[');
}

static void blk_list_end(struct blk_emit *e)
{
	if (e->syntax == BLK_JSON)
		seq_putc(e->m, ']');
}

static struct blk_emit blk_item(struct blk_emit *e, unsigned int i,
				const char *label_key, const char *label)
{
	struct blk_emit item = {
		.m = e->m,
		.syntax = e->syntax == BLK_JSON ? BLK_JSON :
			  e->syntax == BLK_KEYS ? BLK_KEYS_CPU : BLK_TEXT_CPU,
		.first = true,
	};

	if (e->syntax == BLK_KEYS) {
		/* the keys alone: no label */
	} else if (e->syntax == BLK_JSON) {
		seq_printf(e->m, "%s{", i ? ", " : "");
		if (label_key)
			blk_put_str(&item, label_key, label);
	} else {
		seq_printf(e->m, "%s:", label);
	}
	return item;
}

static void blk_item_end(struct blk_emit *e)
{
	if (e->syntax != BLK_KEYS)
		seq_puts(e->m, e->syntax == BLK_JSON ? "}" : "\n");
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
	blk_put_u64(e, "duration_ms", r->cfg.duration_ms);
	blk_put_u64(e, "cs_ns", r->cfg.cs_ns);
	blk_put_u64(e, "think_ns", r->cfg.think_ns);
	blk_put_u64(e, "cs_loops", r->cs_loops);
	blk_put_u64(e, "think_loops", r->think_loops);
	blk_put_str(e, "loop", blk_loop_names[r->cfg.loop]);
	blk_put_str(e, "timing", blk_timing_names[r->cfg.timing]);
	blk_put_u64(e, "sample_every", blk_sample_every(&r->cfg));
	blk_put_u64(e, "samples", r->acquire.count);
	blk_put_u64(e, "stopped", r->stopped);
	blk_put_u64(e, "aborted", r->aborted);
	blk_put_u64(e, "hotplug_stopped", r->hotplug);
	blk_put_u64(e, "hotplug_cpu", r->hotplug_cpu);
	blk_put_u64(e, "watchdog_ms", r->cfg.watchdog_ms);
	blk_put_u64(e, "backoff_min", r->cfg.backoff_min);
	blk_put_u64(e, "backoff_max", r->cfg.backoff_max);
	blk_put_u64(e, "irq_hz", r->cfg.irq_hz);
	blk_put_u64(e, "stuck", r->stuck);
	blk_put_u64(e, "duration_ns", r->duration_ns);
#define BLK_COUNTER(name, from, merge, doc)	blk_put_u64(e, #name, r->name);
#include "blk_counters_list.h"
#undef BLK_COUNTER
	blk_put_u64(e, "throughput_per_s", blk_throughput(r));
	blk_put_milli(e, "iter_cycles_per_acq", r->iter_cycles);
	blk_put_milli(e, "harness_cycles_per_iter", r->harness_cycles);
	blk_put_milli(e, "lock_cycles_per_acq", r->iter_cycles > r->harness_cycles ?
		      r->iter_cycles - r->harness_cycles : 0);
	blk_put_u64(e, "violations", r->violations);
	blk_put_u64(e, "lost_updates", r->lost_updates);
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
	blk_put_u64(e, "irq_acquisitions", r->irq_acquisitions);
	blk_put_hist(e, "irq_latency", &r->irq_latency);
	blk_put_hist(e, "irq_wait", &r->irq_wait);
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
		r->hotplug ? " (a worker's CPU went offline)" :
		r->stuck ? " (stuck: stopped by the watchdog)" : "");
}

/* ---- read-only files -------------------------------------------------- */

/* Records in a row: a blank line (text) or a comma (JSON) between them. */
static void blk_record_begin(struct blk_emit *e)
{
	if (e->syntax == BLK_JSON)
		seq_puts(e->m, e->first ? "\n{" : ",\n{");
	else if (!e->first && e->syntax != BLK_KEYS)
		seq_putc(e->m, '\n');
	e->first = true;
}

static void blk_record_end(struct blk_emit *e)
{
	if (e->syntax == BLK_JSON)
		seq_putc(e->m, '}');
	e->first = false;
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

/* The cost record: one line (text) or object (JSON) per kind. */
static void blk_emit_cost(struct blk_emit *e, const struct blk_cost *c)
{
	const bool json = e->syntax == BLK_JSON;
	const struct blk_cost_kind *base = NULL;
	unsigned int i;

	for (i = 0; i < c->nr; i++)
		if (!strcmp(c->kind[i].ops->name, "spinlock"))
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
		blk_put_milli(&l, "cycles_per_pair_min", k->min);
		blk_put_milli(&l, "cycles_per_pair_median", k->median);
		blk_put_milli(&l, "ns_per_pair_min", blk_cycles_to_ns(k->min));
		blk_put_milli(&l, "ns_per_pair_median", blk_cycles_to_ns(k->median));
		blk_put_micro(&l, "ratio_to_spinlock_min", base ?
			      blk_ratio_micro(k->min, base->min) : U64_MAX);
		blk_put_micro(&l, "ratio_to_spinlock_median", base ?
			      blk_ratio_micro(k->median, base->median) : U64_MAX);
		blk_item_end(e);
	}
	blk_list_end(e);
}

/* Every kept run, then the last cost measurement, if any. */
static void blk_stats_all(struct blk_emit *e)
{
	struct blk_cost *c = kmalloc(sizeof(*c), GFP_KERNEL);
	bool have;

	blk_results_walk(blk_stats_one, e, false);
	if (!c)
		return;
	mutex_lock(&blk_mutex);
	have = blk_cost_get(c);
	mutex_unlock(&blk_mutex);
	if (have) {
		blk_record_begin(e);
		blk_emit_cost(e, c);
		blk_record_end(e);
	}
	kfree(c);
}

static int blk_stats_show(struct seq_file *m, void *v)
{
	struct blk_emit e = { .m = m, .syntax = BLK_TEXT, .first = true };

	blk_stats_all(&e);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blk_stats);

static int blk_stats_json_show(struct seq_file *m, void *v)
{
	struct blk_emit e = { .m = m, .syntax = BLK_JSON, .first = true };

	seq_putc(m, '[');
	blk_stats_all(&e);
	seq_puts(m, "\n]\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blk_stats_json);

/*
 * "keys": every key a run record has, one a line, "run KEY" for the
 * record's own and "cpu KEY" for its cpuN: lines, in the records' order:
 * the record emitter itself, run on an empty one-CPU record with only
 * its keys printed, so the list cannot drift from the records. The tools
 * and make check read it instead of keeping a copy.
 */
static int blk_keys_show(struct seq_file *m, void *v)
{
	struct blk_emit e = { .m = m, .syntax = BLK_KEYS, .first = true };
	struct blk_result *r = kzalloc(blk_result_size(1), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	r->cfg.lock = blk_lock_menu[0];
	r->nr_cpus = 1;
	blk_stats_one(r, &e);
	kfree(r);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blk_keys);

static int blk_knobs_show(struct seq_file *m, void *v)
{
	blk_knobs_describe(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blk_knobs);

static void blk_hist_lines(struct seq_file *m, const char *what,
			   const struct blk_hist *h)
{
	unsigned int i;

	for (i = 0; i < BLK_HIST_BUCKETS; i++)
		if (h->buckets[i])
			seq_printf(m, "%s %llu %llu %llu\n", what,
				   blk_hist_bucket_low(i),
				   blk_hist_bucket_high(i), h->buckets[i]);
}

static int blk_histogram_one(const struct blk_result *r, void *arg)
{
	struct seq_file *m = arg;

	seq_printf(m, "# run %llu lock %s: <histogram> <low> <high> <count>, cycles\n",
		   r->id, r->cfg.lock->name);
	blk_hist_lines(m, "acquire", &r->acquire);
	blk_hist_lines(m, "hold", &r->hold);
	blk_hist_lines(m, "handoff", &r->handoff);
	blk_hist_lines(m, "irq_latency", &r->irq_latency);
	blk_hist_lines(m, "irq_wait", &r->irq_wait);
	return 0;
}

static int blk_histogram_show(struct seq_file *m, void *v)
{
	blk_results_walk(blk_histogram_one, m, true);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blk_histogram);

static int blk_pingpong_show(struct seq_file *m, void *v)
{
	struct blk_emit e = { .m = m, .syntax = BLK_TEXT };
	struct blk_pingpong pp;

	if (!blk_pingpong_get(&pp))
		return 0;
	seq_printf(m, "pingpong_cpus: %d,%d\n", pp.cpu[0], pp.cpu[1]);
	blk_put_u64(&e, "pingpong_rounds", pp.rounds);
	blk_put_u64(&e, "roundtrip_cycles_p50", pp.roundtrip_p50);
	blk_put_u64(&e, "roundtrip_cycles_p99", pp.roundtrip_p99);
	blk_put_u64(&e, "roundtrip_cycles_min", pp.roundtrip_min);
	blk_put_u64(&e, "handoff_cycles_p50", pp.roundtrip_p50 / 2);
	blk_put_u64(&e, "handoff_ns_p50", blk_cycles_to_ns(pp.roundtrip_p50 / 2));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blk_pingpong);

static int blk_status_show(struct seq_file *m, void *v)
{
	seq_printf(m, "state: %s\nruns: %llu\n",
		   blk_running() ? "running" : "idle", blk_runs_done());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blk_status);

/* "name class description": class is lock, kernel, floor or broken. */
static int blk_locks_show(struct seq_file *m, void *v)
{
	const struct blk_lock_ops *ops;
	unsigned int i;

	for (i = 0; i < blk_lock_menu_len; i++) {
		ops = blk_lock_menu[i];
		seq_printf(m, "%-13s %-6s %s\n", ops->name,
			   ops->broken ? "broken" : ops->floor ? "floor" :
			   ops->kernel ? "kernel" : "lock", ops->desc);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(blk_locks);

/* ---- writable files ------------------------------------------------------ */

static char *blk_copy_arg(const char __user *ubuf, size_t count)
{
	if (!count || count >= PAGE_SIZE)
		return ERR_PTR(-EINVAL);
	return memdup_user_nul(ubuf, count);
}

static int blk_knob_seq_show(struct seq_file *m, void *v)
{
	blk_knob_show((uintptr_t)m->private, m);
	return 0;
}

static int blk_knob_file_open(struct inode *inode, struct file *file)
{
	return single_open(file, blk_knob_seq_show, inode->i_private);
}

static ssize_t blk_knob_file_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	char *buf = blk_copy_arg(ubuf, count);
	int ret;

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = blk_knob_write((uintptr_t)m->private, buf);
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations blk_knob_fops = {
	.owner		= THIS_MODULE,
	.open		= blk_knob_file_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.write		= blk_knob_file_write,
	.release	= single_release,
};

/*
 * A command is one short word, read on the stack: "start" allocates nothing
 * before the engine does (the fault-injection check of tools/guest/check.sh
 * fails every allocation of the writer, and must reach the engine's).
 */
static ssize_t blk_control_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char buf[16];
	int ret;

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = blk_control(buf);
	return ret ? ret : count;
}

static const struct file_operations blk_control_fops = {
	.owner		= THIS_MODULE,
	.open		= simple_open,
	.write		= blk_control_write,
	.llseek		= noop_llseek,
};

/**
 * blk_debugfs_init() - create /sys/kernel/debug/blacklock and its files.
 *
 * Return: 0, or a negative errno if debugfs is unavailable.
 */
int blk_debugfs_init(void)
{
	uintptr_t knob;

	blk_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	if (IS_ERR(blk_dir))
		return PTR_ERR(blk_dir);
	for (knob = 0; knob < BLK_NR_KNOBS; knob++)
		debugfs_create_file(blk_knob_name(knob), 0644, blk_dir,
				    (void *)knob, &blk_knob_fops);
	debugfs_create_file("control", 0200, blk_dir, NULL, &blk_control_fops);
	debugfs_create_file("status", 0444, blk_dir, NULL, &blk_status_fops);
	debugfs_create_file("locks", 0444, blk_dir, NULL, &blk_locks_fops);
	debugfs_create_file("knobs", 0444, blk_dir, NULL, &blk_knobs_fops);
	debugfs_create_file("keys", 0444, blk_dir, NULL, &blk_keys_fops);
	debugfs_create_file("stats", 0444, blk_dir, NULL, &blk_stats_fops);
	debugfs_create_file("stats.json", 0444, blk_dir, NULL,
			    &blk_stats_json_fops);
	debugfs_create_file("histogram", 0444, blk_dir, NULL,
			    &blk_histogram_fops);
	debugfs_create_file("pingpong", 0444, blk_dir, NULL, &blk_pingpong_fops);
	return 0;
}

/**
 * blk_debugfs_exit() - remove the debugfs files, waiting for their users.
 */
void blk_debugfs_exit(void)
{
	debugfs_remove(blk_dir);
	blk_dir = NULL;
}
