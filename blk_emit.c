// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the emitter the records are written through (blk_record.c):
 * one call per key, and the syntax (text, a cpuN: line, JSON, or the keys
 * alone) decides how it looks.
 */
#include <linux/seq_file.h>
#include <linux/utsname.h>

#include "blk_clock.h"
#include "blk_contention.h"
#include "blk_emit.h"
#include "blk_locks.h"
#include "blk_stats.h"

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

void blk_put_u64(struct blk_emit *e, const char *key, u64 v)
{
	if (!blk_key(e, key))
		return;
	seq_printf(e->m, "%llu", v);
	blk_end(e);
}

/* A string; in JSON quoted, with quotes, backslashes and controls escaped. */
void blk_put_str(struct blk_emit *e, const char *key, const char *s)
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
void blk_put_micro(struct blk_emit *e, const char *key, u64 v)
{
	blk_put_fixed(e, key, v, 6, 1000000);
}

/* A value in thousandths (millicycles) as a decimal. */
void blk_put_milli(struct blk_emit *e, const char *key, u64 v)
{
	blk_put_fixed(e, key, v, 3, 1000);
}

/* A list of numbers: "1,2,3" in text, [1, 2, 3] in JSON. */
void blk_put_u64_list(struct blk_emit *e, const char *key,
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
u64 blk_per_milli(u64 num, u64 den)
{
	u64 micro = blk_ratio_micro(num, den);

	return micro == U64_MAX ? U64_MAX : micro / 1000;
}

/* A CPU list, however long. */
void blk_put_cpus(struct blk_emit *e, const char *key,
		  const struct cpumask *mask)
{
	const char *q = e->syntax == BLK_JSON ? "\"" : "";

	if (!blk_key(e, key))
		return;
	seq_printf(e->m, "%s%*pbl%s", q, cpumask_pr_args(mask), q);
	blk_end(e);
}

/* What every record says about the machine and the clock. */
void blk_put_machine(struct blk_emit *e)
{
	blk_put_str(e, "world", BLK_WORLD_KERNEL ? "kernel" : "host");
	blk_put_str(e, "kernel", init_utsname()->release);
#if BLK_WORLD_KERNEL
	blk_put_str(e, "spinlock_impl", blk_flavour());
#else
	blk_put_str(e, "cpu_model", blk_host_cpu_model());
#endif
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
void blk_put_hist(struct blk_emit *e, const char *what,
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
void blk_list_begin(struct blk_emit *e, const char *key)
{
	if (e->syntax == BLK_JSON && blk_key(e, key))
		seq_putc(e->m, '[');
}

void blk_list_end(struct blk_emit *e)
{
	if (e->syntax == BLK_JSON)
		seq_putc(e->m, ']');
}

struct blk_emit blk_item(struct blk_emit *e, unsigned int i,
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

void blk_item_end(struct blk_emit *e)
{
	if (e->syntax != BLK_KEYS)
		seq_puts(e->m, e->syntax == BLK_JSON ? "}" : "\n");
}

/* Records in a row: a blank line (text) or a comma (JSON) between them. */
void blk_record_begin(struct blk_emit *e)
{
	if (e->syntax == BLK_JSON)
		seq_puts(e->m, e->first ? "\n{" : ",\n{");
	else if (!e->first && e->syntax != BLK_KEYS)
		seq_putc(e->m, '\n');
	e->first = true;
}

void blk_record_end(struct blk_emit *e)
{
	if (e->syntax == BLK_JSON)
		seq_putc(e->m, '}');
	e->first = false;
}
