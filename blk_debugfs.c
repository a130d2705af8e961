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
 *   keys         every key of a run record, one a line
 *   histogram    the newest result's latency histograms, one bucket a line
 *   pingpong     the core-to-core handoff floor, after "pingpong" in control
 *
 * A knob write that cannot be honoured changes nothing and fails with
 * -EINVAL (bad value) or -EBUSY (a run is going). Every key is documented in
 * Documentation/blacklock.rst; keys are only ever added, never renamed.
 *
 * The records themselves, and how they are written, are blk_record.c's:
 * this file only makes the files.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/limits.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include "blk_debugfs.h"
#include "blk_engine.h"
#include "blk_knobs.h"
#include "blk_locks.h"
#include "blk_record.h"

static struct dentry *blk_dir;

/* ---- read-only files -------------------------------------------------- */

/* Every kept run, then the last cost measurement, if any. */
static int blk_stats_json_or_text(struct seq_file *m, bool json)
{
	struct blk_cost *c = kmalloc(sizeof(*c), GFP_KERNEL);
	bool have;

	if (!c)
		return -ENOMEM;
	mutex_lock(&blk_mutex);
	have = blk_cost_get(c);
	mutex_unlock(&blk_mutex);
	blk_records_show(m, json, have ? c : NULL);
	kfree(c);
	return 0;
}

static int blk_stats_show(struct seq_file *m, void *v)
{
	return blk_stats_json_or_text(m, false);
}
DEFINE_SHOW_ATTRIBUTE(blk_stats);

static int blk_stats_json_show(struct seq_file *m, void *v)
{
	return blk_stats_json_or_text(m, true);
}
DEFINE_SHOW_ATTRIBUTE(blk_stats_json);

static int blk_keys_show(struct seq_file *m, void *v)
{
	blk_record_keys(m);
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
	struct blk_pingpong pp;

	if (blk_pingpong_get(&pp))
		blk_record_pingpong(m, &pp);
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
			   blk_lock_class(ops), ops->desc);
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
