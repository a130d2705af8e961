/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the contention counters every blacklock lock kind shares, and
 * the accounting hooks its contended paths call (blk_contention.c).
 *
 * Kernel only: the lock bodies reach the hooks through blk_env.h, which in
 * the model checker's world makes them count nothing.
 */
#ifndef _BLK_CONTENTION_H
#define _BLK_CONTENTION_H

#include <linux/kconfig.h>
#include <linux/types.h>

#include "blk_counters.h"

/*
 * struct blk_contention_counters - contention counters of the lock kinds: one u64
 * per counter of blk_counters_list.h counted on the lock side (contended,
 * cas_failures, spins, direct_handoffs, slow_rmws, queued, cna_moved,
 * cna_flushes), per CPU.
 *
 * Every field is counted only in a contended path. Together with the
 * uncontended RMWs of each kind (blk_kinds_list.h), they give the atomic
 * read-modify-writes a run issued: rmw x acquisitions + cas_failures +
 * slow_rmws - direct_handoffs.
 */
#define BLK_COUNTER(name, from, merge, doc)	BLK_IF_lock_##from(u64 name;)
struct blk_contention_counters {
#include "blk_counters_list.h"
};

#undef BLK_COUNTER

/*
 * blk_rmw_note(): the lock bodies call it at each atomic read-modify-write
 * they issue, fast paths included. It counts, per CPU, only in a build with
 * the KUnit tests and CONFIG_BLACKLOCK_COUNT_RMW, where KUnit holds a
 * record's rmw, worked out from the kind's list entry and the contended
 * paths' counters, to this count made at the instructions themselves. In
 * the module it is nothing, and the fast paths stay one instruction
 * (tools/zerocost.py).
 */
#if IS_ENABLED(CONFIG_BLACKLOCK_COUNT_RMW)
#include <linux/irqflags.h>	/* the generic this_cpu_inc() takes it */
#include <linux/percpu.h>
DECLARE_PER_CPU(u64, blk_rmw_count);
#define blk_rmw_note()		this_cpu_inc(blk_rmw_count)
#else
#define blk_rmw_note()		do { } while (0)
#endif

void blk_contention_account(const void *lock, u64 t0, u64 cas_failures, u64 spins);
u64 blk_contention_wait_begin(const void *lock);
void blk_contention_count_handoff(void);
void blk_contention_count_rmws(u64 n);
void blk_contention_count_queued(void);
void blk_contention_count_cna_moved(void);
void blk_contention_count_cna_flush(void);
void blk_contention_counters_read(struct blk_contention_counters *sum, int cpu);
void blk_contention_counters_reset(void);
const char *blk_cas_asm_name(void);

#endif /* _BLK_CONTENTION_H */
