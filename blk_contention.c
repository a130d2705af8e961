// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the contention counters every blacklock lock kind shares, and
 * the tracepoints of the contended paths.
 *
 * The counters are per CPU and summed only when somebody reads them, the
 * way lock_events.c does it: the contended path never shares a counter
 * cache line with another CPU. Preemption is already off where they are
 * counted, so __this_cpu_add() is enough (on x86 it is one instruction;
 * elsewhere an interrupt handler contending for a blacklock lock between
 * its load and store could lose a count, never a lock).
 *
 * The blacklock:blk_contended_begin/end tracepoints live here, and only
 * here: a disabled tracepoint is a static-key NOP, and the fast paths have
 * none at all.
 */
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/timex.h>

#include "blk_spin.h"

#define CREATE_TRACE_POINTS
#include "blk_trace.h"

static DEFINE_PER_CPU(struct blk_contention_counters, blk_contention_counters);
#if IS_ENABLED(CONFIG_BLACKLOCK_COUNT_RMW)
DEFINE_PER_CPU(u64, blk_rmw_count);
#endif

/**
 * blk_contention_account() - count one contended acquisition.
 * @lock: the lock, for the tracepoint.
 * @t0: from blk_contention_wait_begin(), 0 if the end of the wait is not traced.
 * @cas_failures: failed CAS attempts, the fast path's included.
 * @spins: wait-loop iterations.
 *
 * Preemption is off (the caller holds the lock).
 */
void blk_contention_account(const void *lock, u64 t0, u64 cas_failures, u64 spins)
{
	u64 now;

	if (t0) {
		now = get_cycles();
		trace_blk_contended_end(lock, now > t0 ? now - t0 : 0,
					cas_failures, spins);
	}
	__this_cpu_inc(blk_contention_counters.contended);
	__this_cpu_add(blk_contention_counters.cas_failures, cas_failures);
	__this_cpu_add(blk_contention_counters.spins, spins);
}

/**
 * blk_contention_wait_begin() - trace the start of a wait.
 * @lock: the lock.
 *
 * Return: the start in cycles (made odd, so never 0) if the end will be
 * traced, else 0.
 */
u64 blk_contention_wait_begin(const void *lock)
{
	trace_blk_contended_begin(lock);
	return trace_blk_contended_end_enabled() ? get_cycles() | 1 : 0;
}

/**
 * blk_contention_count_handoff() - count an unlock that passed the lock on
 * without a read-modify-write (MCS, to a queued successor).
 *
 * Preemption is off (the caller still holds the lock).
 */
void blk_contention_count_handoff(void)
{
	__this_cpu_inc(blk_contention_counters.direct_handoffs);
}

/**
 * blk_contention_count_rmws() - count a contended acquisition's read-modify-writes
 * that are not failed CASes (qspin and CNA: the pending bit, the tail
 * exchange, the CAS that took the lock).
 * @n: how many.
 *
 * Preemption is off (the caller holds the lock).
 */
void blk_contention_count_rmws(u64 n)
{
	__this_cpu_add(blk_contention_counters.slow_rmws, n);
}

/**
 * blk_contention_count_queued() - count a contended acquisition that queues
 * (qspin and CNA: past the pending bit, into the MCS queue).
 *
 * Preemption is off; counted before the wait, in the waiter's time.
 */
void blk_contention_count_queued(void)
{
	__this_cpu_inc(blk_contention_counters.queued);
}

/**
 * blk_contention_count_cna_moved() - count a waiter that a CNA queue head moved
 * to the secondary queue.
 *
 * Preemption is off (the head is in the slow path).
 */
void blk_contention_count_cna_moved(void)
{
	__this_cpu_inc(blk_contention_counters.cna_moved);
}

/**
 * blk_contention_count_cna_flush() - count a CNA queue head's decision to put
 * the secondary queue first at its handoff (its time or count is up).
 *
 * Preemption is off (the head is in the slow path).
 */
void blk_contention_count_cna_flush(void)
{
	__this_cpu_inc(blk_contention_counters.cna_flushes);
}

/**
 * blk_contention_counters_read() - read one CPU's contention counters.
 * @sum: where to add them.
 * @cpu: the CPU.
 *
 * Adds to @sum, so callers can sum CPUs by calling it once per CPU. The
 * counters may move while they are read; read them after the lockers stop.
 */
void blk_contention_counters_read(struct blk_contention_counters *sum, int cpu)
{
	const struct blk_contention_counters *c = per_cpu_ptr(&blk_contention_counters, cpu);

#define BLK_COUNTER(name, from, merge, doc)				\
	BLK_IF_lock_##from(sum->name += READ_ONCE(c->name);)
#include "blk_counters_list.h"
#undef BLK_COUNTER
}

/**
 * blk_contention_counters_reset() - zero every CPU's contention counters.
 *
 * Call only while no blk_spin lock is contended, e.g. before a run.
 */
void blk_contention_counters_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&blk_contention_counters, cpu), 0,
		       sizeof(struct blk_contention_counters));
}

/**
 * blk_cas_asm_name() - what the inline-asm CAS (ttas_asm) runs here.
 *
 * Return: "lock cmpxchg" (x86), "casa" or "ldaxr/stxr" (arm64, by the
 * CPUs' LSE atomics), or "builtins" where there is no asm back-end (and
 * in a ThreadSanitizer build, blk_spin.h).
 */
const char *blk_cas_asm_name(void)
{
	if (BLK_ASM_X86)
		return "lock cmpxchg";
#if BLK_ASM_ARM64
	return system_uses_lse_atomics() ? "casa" : "ldaxr/stxr";
#else
	return "builtins";
#endif
}
