// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the knobs.
 *
 * One table, made from blk_knobs_list.h, says for every knob its name, its
 * type and limits, its default and a line of help. The debugfs files, the
 * "knobs" file (which tools/blkctl reads), the module parameters
 * (blk_main.c) and the parsers all go through it, so a knob is added in one
 * place. A value that cannot be honoured changes nothing: -EINVAL for a bad
 * value, -EBUSY while a run is going.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/seq_file.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "blk_knobs.h"
#include "blk_spin.h"

const char *const blk_timing_names[] = { "off", "sample", "every", NULL };
const char *const blk_loop_names[] = { "engine", "reference", NULL };
const char *const blk_auto_names[] = { "auto", NULL };
const char *const blk_check_names[] = { "full", "count", NULL };
const char *const blk_think_dist_names[] = { "fixed", "exp", NULL };
const char *const blk_off_on_names[] = { "off", "on", NULL };

/* ncpus: a u32 from 0 to nr_cpu_ids */
enum blk_knob_type {
	BLK_KT_lock, BLK_KT_cpus, BLK_KT_ncpus, BLK_KT_u32, BLK_KT_pow2, BLK_KT_choice,
};

struct blk_knob_def {
	const char *name;
	enum blk_knob_type type;
	size_t offset;		/* of the u32 field in struct blk_config */
	u32 min, max;
	const char *const *choices;
	const char *dflt;
	const char *help;
};

#define BLK_KNOB(id, kt, lo, hi, names, def, text)			\
	[BLK_KNOB_##id] = {						\
		.name = #id, .type = BLK_KT_##kt,			\
		.offset = offsetof(struct blk_config, id),		\
		.min = lo, .max = hi, .choices = names,			\
		.dflt = def, .help = text,				\
	},
static const struct blk_knob_def blk_knobs[BLK_NR_KNOBS] = {
#include "blk_knobs_list.h"
};

#undef BLK_KNOB

/**
 * blk_knob_name() - a knob's name, which is also its file and parameter.
 * @knob: which.
 *
 * Return: the name.
 */
const char *blk_knob_name(enum blk_knob knob)
{
	return knob < BLK_NR_KNOBS ? blk_knobs[knob].name : "?";
}

/* serialises every knob change and command (blk_knobs.h) */
DEFINE_MUTEX(blk_mutex);
bool blk_busy;			/* a run is in progress */

static struct blk_config blk_cfg;	/* the knobs, under blk_mutex */
static struct cpumask blk_scratch;	/* parse buffer, under blk_mutex */

/**
 * blk_parse_lock() - parse a lock kind name.
 * @buf: the name, e.g. "ttas" (a trailing newline is fine).
 * @ops: where to store the kind.
 *
 * Return: 0, or -EINVAL for a name not on the menu (@ops untouched).
 */
int blk_parse_lock(const char *buf, const struct blk_lock_ops **ops)
{
	const struct blk_lock_ops *found = blk_lock_find(buf);

	if (!found)
		return -EINVAL;
	*ops = found;
	return 0;
}

/**
 * blk_parse_u32() - parse a decimal number within bounds.
 * @buf: the text (a trailing newline is fine).
 * @min: smallest value accepted.
 * @max: largest value accepted.
 * @val: where to store it.
 *
 * Return: 0, or -EINVAL for garbage or a value out of range (@val untouched).
 */
int blk_parse_u32(const char *buf, u32 min, u32 max, u32 *val)
{
	u32 v;

	if (kstrtou32(buf, 10, &v) || v < min || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

/**
 * blk_parse_cpus() - parse a CPU set.
 * @buf: "all", or a cpu list such as "0-3,6" (a trailing newline is fine).
 * @mask: where to store the set.
 *
 * The set must name only possible CPUs and at least one online CPU.
 *
 * Return: 0, or -EINVAL (@mask is then undefined).
 */
int blk_parse_cpus(const char *buf, struct cpumask *mask)
{
	if (sysfs_streq(buf, "all")) {
		cpumask_copy(mask, cpu_possible_mask);
		return 0;
	}
	if (cpulist_parse(buf, mask) ||
	    !cpumask_subset(mask, cpu_possible_mask) ||
	    !cpumask_intersects(mask, cpu_online_mask))
		return -EINVAL;
	return 0;
}

static u32 *blk_knob_u32(const struct blk_knob_def *k, struct blk_config *cfg)
{
	return (u32 *)((char *)cfg + k->offset);
}

static u32 blk_knob_get_u32(const struct blk_knob_def *k,
			    const struct blk_config *cfg)
{
	return *(const u32 *)((const char *)cfg + k->offset);
}

/* Parse @buf into @cfg's field for @k; on error @cfg is unchanged. */
static int blk_knob_parse(const struct blk_knob_def *k, const char *buf,
			  struct blk_config *cfg)
{
	u32 v;
	int i;

	switch (k->type) {
	case BLK_KT_lock:
		return blk_parse_lock(buf, &cfg->lock);
	case BLK_KT_cpus:
		if (blk_parse_cpus(buf, &blk_scratch))
			return -EINVAL;
		cpumask_copy(&cfg->cpus, &blk_scratch);
		return 0;
	case BLK_KT_ncpus:
		return blk_parse_u32(buf, 0, nr_cpu_ids, blk_knob_u32(k, cfg));
	case BLK_KT_u32:
		return blk_parse_u32(buf, k->min, k->max, blk_knob_u32(k, cfg));
	case BLK_KT_pow2:
		if (k->choices && sysfs_streq(buf, k->choices[0])) {
			*blk_knob_u32(k, cfg) = 0;
			return 0;
		}
		if (blk_parse_u32(buf, k->min, k->max, &v) || !is_power_of_2(v))
			return -EINVAL;
		*blk_knob_u32(k, cfg) = v;
		return 0;
	case BLK_KT_choice:
		i = __sysfs_match_string(k->choices, -1, buf);
		if (i < 0)
			return -EINVAL;
		*blk_knob_u32(k, cfg) = i;
		return 0;
	}
	return -EINVAL;
}

static void blk_knob_print(const struct blk_knob_def *k,
			   const struct blk_config *cfg, struct seq_file *m)
{
	const u32 v = blk_knob_get_u32(k, cfg);

	switch (k->type) {
	case BLK_KT_lock:
		seq_puts(m, cfg->lock->name);
		break;
	case BLK_KT_cpus:
		seq_printf(m, "%*pbl", cpumask_pr_args(&cfg->cpus));
		break;
	case BLK_KT_choice:
		seq_puts(m, k->choices[v]);
		break;
	case BLK_KT_pow2:
		if (!v && k->choices) {
			seq_puts(m, k->choices[0]);
			break;
		}
		fallthrough;
	default:
		seq_printf(m, "%u", v);
		break;
	}
}

/**
 * blk_knob_write() - set a knob from text.
 * @knob: which.
 * @buf: the new value, as text.
 *
 * Return: 0; -EBUSY during a run; -EINVAL if @buf is not a valid value. On
 * any error the knob keeps its old value.
 */
int blk_knob_write(enum blk_knob knob, const char *buf)
{
	int ret;

	if (knob >= BLK_NR_KNOBS)
		return -EINVAL;
	mutex_lock(&blk_mutex);
	if (blk_busy)
		ret = -EBUSY;
	else
		ret = blk_knob_parse(&blk_knobs[knob], buf, &blk_cfg);
	mutex_unlock(&blk_mutex);
	return ret;
}

/**
 * blk_knob_show() - print a knob's current value and a newline.
 * @knob: which.
 * @m: where.
 */
void blk_knob_show(enum blk_knob knob, struct seq_file *m)
{
	if (knob >= BLK_NR_KNOBS)
		return;
	mutex_lock(&blk_mutex);
	blk_knob_print(&blk_knobs[knob], &blk_cfg, m);
	seq_putc(m, '\n');
	mutex_unlock(&blk_mutex);
}

/**
 * blk_knobs_describe() - the "knobs" file: one line per knob.
 * @m: where.
 *
 * "name value default accepts help...", the accepted values as a range
 * "min..max", "pow2:min..max", "a|b|c", "lock" or "cpulist".
 */
void blk_knobs_describe(struct seq_file *m)
{
	const struct blk_knob_def *k;
	int i;

	mutex_lock(&blk_mutex);
	for (k = blk_knobs; k < blk_knobs + BLK_NR_KNOBS; k++) {
		seq_printf(m, "%s ", k->name);
		blk_knob_print(k, &blk_cfg, m);
		seq_printf(m, " %s ", k->dflt);
		switch (k->type) {
		case BLK_KT_lock:
			seq_puts(m, "lock");
			break;
		case BLK_KT_cpus:
			seq_puts(m, "cpulist");
			break;
		case BLK_KT_ncpus:
			seq_printf(m, "0..%u", nr_cpu_ids);
			break;
		case BLK_KT_u32:
			seq_printf(m, "%u..%u", k->min, k->max);
			break;
		case BLK_KT_pow2:
			seq_printf(m, "pow2:%u..%u", k->min, k->max);
			if (k->choices)
				seq_printf(m, "|%s", k->choices[0]);
			break;
		case BLK_KT_choice:
			for (i = 0; k->choices[i]; i++)
				seq_printf(m, "%s%s", i ? "|" : "", k->choices[i]);
			break;
		}
		seq_printf(m, " %s\n", k->help);
	}
	mutex_unlock(&blk_mutex);
}

/**
 * blk_config_get() - a copy of the knobs. Call with blk_mutex held.
 * @cfg: where.
 */
void blk_config_get(struct blk_config *cfg)
{
	lockdep_assert_held(&blk_mutex);
	*cfg = blk_cfg;
}

/**
 * blk_config_set() - put back knobs saved with blk_config_get().
 * @cfg: the saved knobs.
 *
 * Return: 0, or -EBUSY during a run (nothing is changed).
 */
int blk_config_set(const struct blk_config *cfg)
{
	int ret = 0;

	mutex_lock(&blk_mutex);
	if (blk_busy)
		ret = -EBUSY;
	else
		blk_cfg = *cfg;
	mutex_unlock(&blk_mutex);
	return ret;
}

/**
 * blk_config_refused() - whether knobs, each valid, make no run together.
 * @cfg: the knobs of the run about to start.
 * @why: where to say why, for the log (the module) or stderr (the host).
 * @len: its size.
 *
 * Both worlds ask this before a run, and refuse it (-EINVAL; the host's
 * exit status 2) when it says yes.
 *
 * Return: true if refused.
 */
bool blk_config_refused(const struct blk_config *cfg, char *why, size_t len)
{
	const bool reference = cfg->loop == BLK_LOOP_REFERENCE;

	if (reference && (cfg->cs_ns || cfg->cs_lines || cfg->think_ns ||
			  cfg->nlocks > 1 || cfg->timing != BLK_TIMING_OFF))
		snprintf(why, len, "loop=reference: no cs_ns, cs_lines, nlocks, think_ns, timing");
	else if (reference && cfg->check != BLK_CHECK_FULL)
		snprintf(why, len, "loop=reference checks nothing: check=full");
	else if (reference && cfg->irq_hz)
		snprintf(why, len, "irq_hz needs loop=engine");
	else if (cfg->backoff_min > cfg->backoff_max)
		snprintf(why, len, "backoff_min %u is above backoff_max %u",
			 cfg->backoff_min, cfg->backoff_max);
	else if (cfg->colocate && !cfg->cs_lines)
		snprintf(why, len, "colocate=on needs cs_lines >= 1");
	else if (cfg->colocate && !blk_colocate_fits(cfg->lock))
		snprintf(why, len, "colocate=on: %s is %u bytes, no room in its line",
			 cfg->lock->name, cfg->lock->size);
	else if (cfg->hot_pct && cfg->nlocks < 2)
		snprintf(why, len, "hot_pct needs nlocks >= 2");
	else if (cfg->lock->locks && cfg->nlocks > cfg->lock->locks)
		snprintf(why, len, "%s has %u locks at most", cfg->lock->name, cfg->lock->locks);
	else if (cfg->think_dist == BLK_THINK_EXP && !cfg->think_ns)
		snprintf(why, len, "think_dist=exp draws around think_ns: think_ns > 0");
	else if (!cfg->cna_threshold && !cfg->cna_threshold_ns)
		snprintf(why, len, "cna needs a limit: cna_threshold or cna_threshold_ns");
	else
		return false;
	return true;
}

/**
 * blk_waiters_refused() - whether a run needs more waiters than its kind
 * holds (the waiters column of blk_kinds_list.h).
 * @cfg: the knobs of the run about to start.
 * @workers: how many workers it has.
 * @why: where to say why, for the log (the module) or stderr (the host).
 * @len: its size.
 *
 * Every worker may wait at once, and with irq_hz its CPU's interrupt too.
 * Both worlds ask this once they know how many workers a run has.
 *
 * Return: true if refused.
 */
bool blk_waiters_refused(const struct blk_config *cfg, unsigned int workers,
			 char *why, size_t len)
{
	const unsigned int waiters = workers * (cfg->irq_hz ? 2 : 1);

	if (!cfg->lock->waiters || waiters <= cfg->lock->waiters)
		return false;
	snprintf(why, len, "%s holds %u waiters at most, the run has %u",
		 cfg->lock->name, cfg->lock->waiters, waiters);
	return true;
}

/**
 * blk_knobs_reset() - every knob to its default (blk_knobs_list.h).
 *
 * Return: 0, or -EBUSY while a run is going.
 */
int blk_knobs_reset(void)
{
	int knob, ret;

	for (knob = 0; knob < BLK_NR_KNOBS; knob++) {
		ret = blk_knob_write(knob, blk_knobs[knob].dflt);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * blk_knobs_init() - every knob to its default, then the module parameters.
 * @params: per knob, the parameter's text or NULL.
 *
 * Return: 0, or -EINVAL naming the parameter that is not a valid value.
 */
int blk_knobs_init(char *const *params)
{
	int knob, ret;

	ret = blk_knobs_reset();
	if (WARN_ON(ret))
		return ret;
	for (knob = 0; knob < BLK_NR_KNOBS; knob++) {
		if (!params[knob])
			continue;
		ret = blk_knob_write(knob, params[knob]);
		if (ret) {
			pr_err("invalid %s=%s\n", blk_knobs[knob].name,
			       params[knob]);
			return ret;
		}
	}
	return 0;
}
