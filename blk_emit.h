/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the emitter (blk_emit.c), for the record layer only.
 */
#ifndef _BLK_EMIT_H
#define _BLK_EMIT_H

#include <linux/cpumask.h>
#include <linux/types.h>

struct blk_hist;
struct seq_file;

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

void blk_put_u64(struct blk_emit *e, const char *key, u64 v);
void blk_put_str(struct blk_emit *e, const char *key, const char *s);
void blk_put_micro(struct blk_emit *e, const char *key, u64 v);
void blk_put_milli(struct blk_emit *e, const char *key, u64 v);
void blk_put_u64_list(struct blk_emit *e, const char *key,
		      const u64 *v, unsigned int n);
u64 blk_per_milli(u64 num, u64 den);
void blk_put_cpus(struct blk_emit *e, const char *key,
		  const struct cpumask *mask);
void blk_put_machine(struct blk_emit *e);
void blk_put_hist(struct blk_emit *e, const char *what,
		  const struct blk_hist *h);
void blk_list_begin(struct blk_emit *e, const char *key);
void blk_list_end(struct blk_emit *e);
struct blk_emit blk_item(struct blk_emit *e, unsigned int i,
			 const char *label_key, const char *label);
void blk_item_end(struct blk_emit *e);
void blk_record_begin(struct blk_emit *e);
void blk_record_end(struct blk_emit *e);

#endif /* _BLK_EMIT_H */
