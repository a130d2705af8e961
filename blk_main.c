// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: module init and exit, and the module parameters.
 *
 * The parameters are the knobs (blk_knobs_list.h), plus run_on_load. Each
 * is kept as text and applied at init through the same parser as a debugfs
 * write, after every knob has its default; an invalid one fails the load.
 *
 * The module's files, one responsibility each (make check holds this map to
 * Kbuild), lowest layer first: the lock kinds' homes, blk_<home>.[ch], as
 * blk_kinds_list.h names them (Kbuild reads them from it), then
 *
 *   blk_contention.c the contended paths' counters and tracepoints
 *   blk_locks.c      the lock menu's ops table
 *   blk_flavour.c    which spinlock_t the kernel has (its probe)
 *   blk_clock.c      the clock and the calibrations
 *   blk_stats.c      histograms and fairness
 *   blk_loop.c       the per-kind hot loops
 *   blk_knobs.c      the knobs and blk_mutex
 *   blk_emit.c       the emitter records are written through
 *   blk_record.c     the records and the store that keeps them
 *   blk_engine.c     a run's life and the control commands
 *   blk_worker.c     a run's workers and their interrupts
 *   blk_watchdog.c   the watchdog of a stuck run
 *   blk_collect.c    a finished run's record
 *   blk_cost.c       the uncontended pair cost of every kind
 *   blk_pingpong.c   the core-to-core floor
 *   blk_debugfs.c    the interface
 *   blk_main.c       module init and exit
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "blacklock.h"

static char *blk_param[BLK_NR_KNOBS];
#define BLK_KNOB(id, type, min, max, choices, dflt, help)		\
	module_param_named(id, blk_param[BLK_KNOB_##id], charp, 0);	\
	__MODULE_INFO(parm, blk_parm_##id, #id ":" help " (default " dflt ")");
#include "blk_knobs_list.h"
#undef BLK_KNOB

static bool blk_run_on_load;
module_param_named(run_on_load, blk_run_on_load, bool, 0);
MODULE_PARM_DESC(run_on_load, "run once at load, before insmod returns (default 0)");

static int __init blk_init(void)
{
	int ret;

	ret = blk_engine_init();
	if (ret)
		return ret;
	ret = blk_knobs_init(blk_param);
	if (ret)
		goto exit_engine;
	blk_calibrate();
	blk_flavour_probe();
	pr_info("spinlock_t in effect: %s\n", blk_flavour());

	ret = blk_debugfs_init();
	if (ret)
		goto exit_engine;
	if (blk_run_on_load) {
		ret = blk_run_and_wait();
		if (ret)
			goto remove_debugfs;
	}
	return 0;

remove_debugfs:
	blk_debugfs_exit();
exit_engine:
	blk_engine_exit();
	return ret;
}

/*
 * The engine first: it refuses new runs, stops the one going and frees its
 * state, so a debugfs user racing with the unload finds an idle engine.
 */
static void __exit blk_exit(void)
{
	blk_engine_exit();
	blk_debugfs_exit();
}

module_init(blk_init);
module_exit(blk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("blacklock: a TTAS spinlock laboratory");
MODULE_AUTHOR("The blacklock developers");
