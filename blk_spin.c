// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the contended paths of the TTAS, TAS and backoff locks, and
 * the contention counters every blacklock lock kind shares.
 *
 * Everything here runs only after the inline fast path's CAS has failed,
 * which is why it is allowed to count. The counters are per CPU and summed
 * only when somebody reads them, the way lock_events.c does it: the
 * contended path never shares a counter cache line with another CPU.
 * Preemption is already off here, so __this_cpu_add() is enough (on x86 it
 * is one instruction; elsewhere an interrupt handler contending for a
 * blk_spin lock between its load and store could lose a count, never a
 * lock).
 *
 * The spin loops count into locals and add once per acquisition, so the
 * inner loop itself stays a load, a compare and a cpu_relax().
 *
 * The blacklock:blk_contended_begin/end tracepoints live here too, and only
 * here: a disabled tracepoint is a static-key NOP, and the fast path has
 * none at all.
 */
#include <linux/percpu.h>
#include <linux/processor.h>
#include <linux/string.h>
#include <linux/timex.h>

#include "blk_spin.h"

#define CREATE_TRACE_POINTS
#include "blk_trace.h"

static DEFINE_PER_CPU(struct blk_spin_counters, blk_spin_counters);

/* backoff_min and backoff_max, in cpu_relax() loops; set at a run's start */
static u32 blk_backoff_min = 16, blk_backoff_max = 1024;

/**
 * blk_spin_account() - count one contended acquisition.
 * @lock: the lock, for the tracepoint.
 * @t0: from blk_spin_wait_begin(), 0 if the end of the wait is not traced.
 * @cas_failures: failed CAS attempts, the fast path's included.
 * @spins: wait-loop iterations.
 *
 * Preemption is off (the caller holds the lock).
 */
void blk_spin_account(const void *lock, u64 t0, u64 cas_failures, u64 spins)
{
	u64 now;

	if (t0) {
		now = get_cycles();
		trace_blk_contended_end(lock, now > t0 ? now - t0 : 0,
					cas_failures, spins);
	}
	__this_cpu_inc(blk_spin_counters.contended);
	__this_cpu_add(blk_spin_counters.cas_failures, cas_failures);
	__this_cpu_add(blk_spin_counters.spins, spins);
}

/**
 * blk_spin_wait_begin() - trace the start of a wait.
 * @lock: the lock.
 *
 * Return: the start in cycles (made odd, so never 0) if the end will be
 * traced, else 0.
 */
u64 blk_spin_wait_begin(const void *lock)
{
	trace_blk_contended_begin(lock);
	return trace_blk_contended_end_enabled() ? get_cycles() | 1 : 0;
}

/*
 * The TTAS loop, shared by both back-ends and by ttas_backoff. @be and
 * @backoff are compile-time constants in each caller, so each slow path is
 * built with one kind of CAS only, and only ttas_backoff's waits.
 *
 * With @backoff, each lost CAS (the fast path's included) is followed by a
 * wait, without touching the lock's line, that starts at backoff_min
 * cpu_relax() and doubles up to backoff_max.
 *
 * Entered with preemption disabled and one CAS already failed. The inner
 * loop reads with RELAXED ordering: see the ordering argument in blk_spin.h.
 */
static __always_inline void blk_ttas_spin(struct blk_spinlock *lock,
					  enum blk_cas_backend be,
					  const bool backoff)
{
	u64 t0 = blk_spin_wait_begin(lock), failures = 1, spins = 0;
	u32 delay = backoff ? READ_ONCE(blk_backoff_min) : 0;
	const u32 limit = backoff ? READ_ONCE(blk_backoff_max) : 0;
	u32 old, i;

	for (;;) {
		if (backoff) {
			for (i = 0; i < delay; i++)
				cpu_relax();
			delay = min(delay * 2, limit);
		}
		while (__atomic_load_n(&lock->val, __ATOMIC_RELAXED)) {
			cpu_relax();
			spins++;
		}
		old = 0;
		if (blk_cas(be, &lock->val, &old, 1))
			break;
		failures++;
	}
	blk_spin_account(lock, t0, failures, spins);
}

/**
 * blk_spin_lock_slowpath() - contended acquisition, builtin CAS.
 * @lock: the lock, whose fast-path CAS has just failed.
 *
 * Called by blk_spin_lock() with preemption disabled; returns holding @lock.
 */
void blk_spin_lock_slowpath(struct blk_spinlock *lock)
{
	blk_ttas_spin(lock, BLK_CAS_BUILTIN, false);
}

/**
 * blk_spin_lock_asm_slowpath() - contended acquisition, inline-asm CAS.
 * @lock: the lock, whose fast-path CAS has just failed.
 *
 * Called by blk_spin_lock_asm() with preemption disabled; returns holding
 * @lock.
 */
void blk_spin_lock_asm_slowpath(struct blk_spinlock *lock)
{
	blk_ttas_spin(lock, BLK_CAS_ASM, false);
}

/**
 * blk_spin_tas_slowpath() - contended acquisition without the read-only spin.
 * @lock: the lock, whose fast-path CAS has just failed.
 *
 * Retries the CAS back to back (with cpu_relax() between attempts, as any
 * sane TAS lock would). Each retry is a CAS failure; there is no read-only
 * spin to count, which is the point of the comparison with TTAS.
 */
void blk_spin_tas_slowpath(struct blk_spinlock *lock)
{
	u64 t0 = blk_spin_wait_begin(lock), failures = 1;
	u32 old;

	for (;;) {
		cpu_relax();
		old = 0;
		if (blk_cas_builtin(&lock->val, &old, 1))
			break;
		failures++;
	}
	blk_spin_account(lock, t0, failures, 0);
}

/**
 * blk_spin_set_backoff() - the ttas_backoff limits for the next run.
 * @min: the first wait after a lost CAS, in cpu_relax() loops.
 * @max: the longest wait.
 *
 * Call only while no ttas_backoff lock is contended (the engine does it at
 * a run's start, before its workers exist).
 */
void blk_spin_set_backoff(u32 min, u32 max)
{
	WRITE_ONCE(blk_backoff_min, min);
	WRITE_ONCE(blk_backoff_max, max);
}

/**
 * blk_spin_backoff_slowpath() - contended acquisition with backoff.
 * @lock: the lock, whose fast-path CAS has just failed.
 *
 * TTAS with the builtins' CAS, waiting after each lost CAS (see
 * blk_ttas_spin()). The ordering is ttas's: only the acquire CAS grants.
 */
void blk_spin_backoff_slowpath(struct blk_spinlock *lock)
{
	blk_ttas_spin(lock, BLK_CAS_BUILTIN, true);
}

/**
 * blk_spin_count_handoff() - count an unlock that passed the lock on
 * without a read-modify-write (MCS, to a queued successor).
 *
 * Preemption is off (the caller still holds the lock).
 */
void blk_spin_count_handoff(void)
{
	__this_cpu_inc(blk_spin_counters.direct_handoffs);
}

/**
 * blk_spin_counters_read() - read one CPU's contention counters.
 * @sum: where to add them.
 * @cpu: the CPU.
 *
 * Adds to @sum, so callers can sum CPUs by calling it once per CPU. The
 * counters may move while they are read; read them after the lockers stop.
 */
void blk_spin_counters_read(struct blk_spin_counters *sum, int cpu)
{
	const struct blk_spin_counters *c = per_cpu_ptr(&blk_spin_counters, cpu);

	sum->contended += READ_ONCE(c->contended);
	sum->cas_failures += READ_ONCE(c->cas_failures);
	sum->spins += READ_ONCE(c->spins);
	sum->direct_handoffs += READ_ONCE(c->direct_handoffs);
}

/**
 * blk_spin_counters_reset() - zero every CPU's contention counters.
 *
 * Call only while no blk_spin lock is contended, e.g. before a run.
 */
void blk_spin_counters_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&blk_spin_counters, cpu), 0,
		       sizeof(struct blk_spin_counters));
}

/**
 * blk_cas_asm_name() - what the inline-asm CAS (ttas_asm) runs here.
 *
 * Return: "lock cmpxchg" (x86), "casa" or "ldaxr/stxr" (arm64, by the
 * CPUs' LSE atomics), or "builtins" where there is no asm back-end.
 */
const char *blk_cas_asm_name(void)
{
	if (IS_ENABLED(CONFIG_X86) || IS_ENABLED(CONFIG_UML_X86))
		return "lock cmpxchg";
#ifdef CONFIG_ARM64
	return system_uses_lse_atomics() ? "casa" : "ldaxr/stxr";
#else
	return "builtins";
#endif
}
