/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: a test-and-test-and-set (TTAS) spinlock, twice.
 *
 * The lock is one 32-bit word: 0 is free, 1 is held.
 *
 *   acquire: CAS(0 -> 1) with ACQUIRE ordering; when it fails, spin on
 *            RELAXED loads of the word, with cpu_relax(), until it reads 0,
 *            then try the CAS again.
 *   release: STORE(0) with RELEASE ordering.
 *
 * Two back-ends implement the CAS and are built side by side, so that one
 * run can compare them:
 *
 *   - blk_spin_*()     GCC's __atomic builtins (__atomic_compare_exchange_n,
 *                      __atomic_load_n, __atomic_store_n);
 *   - blk_spin_*_asm() an inline "lock cmpxchg" on x86 (UML included); on
 *                      arm64 CASA (LSE) or an LDAXR/STXR loop, whichever
 *                      the CPUs allow. On any other architecture the _asm
 *                      variants are the builtins.
 *
 * Ordering argument
 * -----------------
 * The only ordering that mutual exclusion needs is that everything one owner
 * did inside its critical section is visible to the next owner before that
 * owner's critical section starts:
 *
 *   CPU0 (owner)                      CPU1 (next owner)
 *   ------------                      -----------------
 *   x = 1;   (critical section)
 *   STORE_RELEASE(lock->val, 0);  ->  CAS_ACQUIRE(lock->val, 0, 1) succeeds
 *                                     r = x;   (must see 1)
 *
 * The release store in blk_spin_unlock() pairs with the acquire CAS in
 * blk_spin_lock() that reads the 0 it wrote: the CAS "reads-from" the
 * release store, so everything before the store happens-before everything
 * after the CAS. That is the whole argument, and it is the same one
 * include/asm-generic/qspinlock.h makes for queued_spin_unlock() and the
 * atomic_try_cmpxchg_acquire() in queued_spin_lock().
 *
 * The inner spin may use relaxed loads because it never grants the lock: it
 * only decides when another CAS is worth trying. A stale 0 costs one failed
 * CAS; a stale 1 costs one more cpu_relax(). Ownership, and with it the
 * ordering, comes only from the acquire CAS. Nor does the failed CAS need any
 * ordering: its result is discarded.
 *
 * The release store needs no read barrier before it because the critical
 * section's loads must not move below it either: RELEASE orders both prior
 * loads and prior stores before the store. On x86 (TSO) the release store is
 * a plain MOV and "lock cmpxchg" is a full barrier, so the two back-ends
 * differ only in how the compiler sees them; on weakly ordered machines the
 * builtins emit the barriers (LDAXR/STLR or a DMB) the C11 model requires.
 *
 * Like spin_lock(), taking the lock disables preemption and releasing it
 * enables it again, so a holder is never scheduled out while others spin.
 *
 * Under CONFIG_DEBUG_LOCK_ALLOC the lock carries a lockdep map and tells
 * lockdep about every acquire and release, exactly where spin_lock() does
 * (spin_acquire() before trying, spin_release() before the store), so a
 * PROVE_LOCKING kernel checks its users like any spinlock's.
 *
 * Instrumentation: the uncontended path (one successful CAS) is inline and
 * counts nothing. Only when that CAS fails does the code go out of line to
 * blk_spin_lock_slowpath(), which counts the contended acquisition, every
 * failed CAS and every inner-loop iteration into per-CPU counters that are
 * summed when read (blk_contention.c).
 *
 * This file and blk_spin.c use nothing but blk_env.h, so that the model
 * checker (tools/verify) compiles them as they are.
 */
#ifndef _BLK_SPIN_H
#define _BLK_SPIN_H

#include "blk_env.h"

/**
 * struct blk_spinlock - a TTAS spinlock: one word, 0 free, 1 held.
 * @val: the lock word. Touch it only through the blk_spin_*() functions.
 * @dep_map: lockdep's view of the lock (CONFIG_DEBUG_LOCK_ALLOC only).
 */
struct blk_spinlock {
	u32 val;
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
};

#ifdef CONFIG_DEBUG_LOCK_ALLOC
#define BLK_SPIN_DEP_MAP_INIT(lockname) \
	, .dep_map = { .name = (lockname), .wait_type_inner = LD_WAIT_SPIN }
#else
#define BLK_SPIN_DEP_MAP_INIT(lockname)
#endif

/** BLK_SPIN_LOCK_UNLOCKED - static initializer of a free lock named @x. */
#define BLK_SPIN_LOCK_UNLOCKED(x)	{ .val = 0 BLK_SPIN_DEP_MAP_INIT(#x) }

/** DEFINE_BLK_SPINLOCK - define and initialize a free &struct blk_spinlock. */
#define DEFINE_BLK_SPINLOCK(x) \
	struct blk_spinlock x = { .val = 0 BLK_SPIN_DEP_MAP_INIT(#x) }

/**
 * enum blk_cas_backend - which instructions implement the CAS.
 * @BLK_CAS_BUILTIN: GCC __atomic builtins.
 * @BLK_CAS_ASM: inline asm: x86 "lock cmpxchg", arm64 CASA or LDAXR/STXR
 *	(the builtins elsewhere).
 */
enum blk_cas_backend {
	BLK_CAS_BUILTIN,
	BLK_CAS_ASM,
};

/**
 * blk_cas_builtin() - compare-and-swap a lock word with the __atomic builtins.
 * @ptr: the word.
 * @old: in: the expected value; out, on failure: the value found.
 * @new: the value to store when *@ptr == *@old.
 *
 * Acquire ordering on success, relaxed on failure.
 *
 * Return: true if *@ptr held *@old and now holds @new.
 */
static __always_inline bool blk_cas_builtin(u32 *ptr, u32 *old, u32 new)
{
	return __atomic_compare_exchange_n(ptr, old, new, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/*
 * Where no asm may be used (BLK_ASM_*: the model world, and TSan's build
 * of the host world) the asm back-end is the builtins too, and
 * blk_cas_asm_name() says so.
 */
#if BLK_ASM_X86
/**
 * blk_cas_asm() - compare-and-swap a lock word with "lock cmpxchg".
 * @ptr: the word.
 * @old: in: the expected value; out, on failure: the value found.
 * @new: the value to store when *@ptr == *@old.
 *
 * CMPXCHG compares EAX with the memory operand: equal, it stores @new and
 * sets ZF; not equal, it loads the memory operand into EAX and clears ZF.
 * Hence "+a" for the expected/found value, "+m" for the word (read and
 * written), "=@ccz" to hand ZF to the compiler as the result, and a "memory"
 * clobber so the compiler moves no memory access across it: with LOCK it is
 * a full barrier for the CPU, and the clobber makes it one for the compiler.
 *
 * Return: true if *@ptr held *@old and now holds @new.
 */
static __always_inline bool blk_cas_asm(u32 *ptr, u32 *old, u32 new)
{
	bool success;
	u32 prev = *old;

	asm volatile("lock cmpxchgl %[new], %[ptr]"
		     : "=@ccz" (success), [ptr] "+m" (*ptr), "+a" (prev)
		     : [new] "r" (new)
		     : "memory");
	*old = prev;
	return success;
}
#elif BLK_ASM_ARM64
#include <asm/lse.h>

/**
 * blk_cas_llsc() - compare-and-swap a lock word with a load-acquire
 * exclusive / store exclusive loop (ARMv8.0).
 * @ptr: the word.
 * @old: the expected value.
 * @new: the value to store when *@ptr == @old.
 *
 * LDAXR loads the word with acquire semantics and opens the exclusive
 * monitor; STXR stores only if no other CPU wrote the word since, and
 * reports in its status register (0: stored) whether it did, so a lost
 * reservation loops back. A mismatch leaves without storing. The acquire
 * is all the lock needs (the release is blk_spin_unlock()'s), as in the
 * kernel's __ll_sc__cmpxchg_case_acq_32(). "+Q" is the word, read and
 * written, addressed by one base register as the exclusives require;
 * "=&r" because the results are written before the inputs are last read;
 * "cc" for CMP; "memory" so the compiler moves no access across the
 * acquire.
 *
 * Return: the value found; the CAS succeeded if it equals @old.
 */
static __always_inline u32 blk_cas_llsc(u32 *ptr, u32 old, u32 new)
{
	u32 found, failed;

	asm volatile("1:	ldaxr	%w[found], %[v]\n"
		     "	cmp	%w[found], %w[old]\n"
		     "	b.ne	2f\n"
		     "	stxr	%w[failed], %w[new], %[v]\n"
		     "	cbnz	%w[failed], 1b\n"
		     "2:"
		     : [found] "=&r" (found), [failed] "=&r" (failed),
		       [v] "+Q" (*ptr)
		     : [old] "r" (old), [new] "r" (new)
		     : "cc", "memory");
	return found;
}

#ifdef CONFIG_ARM64_LSE_ATOMICS
/**
 * blk_cas_lse() - compare-and-swap a lock word with CASA (ARMv8.1 LSE).
 * @ptr: the word.
 * @old: the expected value.
 * @new: the value to store when *@ptr == @old.
 *
 * CASA compares its first register with the word and, equal, stores the
 * second; either way the first register gets the value found, and the
 * load has acquire semantics (the kernel's __lse__cmpxchg_case_acq_32()).
 * One instruction, no retry loop: the interconnect does the atomicity.
 * "+r" for the expected/found register, "+Q" for the word, "memory" as
 * for the LL/SC loop. __LSE_PREAMBLE lets the assembler take the LSE
 * instruction in a kernel built for ARMv8.0.
 *
 * Return: the value found; the CAS succeeded if it equals @old.
 */
static __always_inline u32 blk_cas_lse(u32 *ptr, u32 old, u32 new)
{
	u32 found = old;

	asm volatile(__LSE_PREAMBLE
		     "	casa	%w[found], %w[new], %[v]\n"
		     : [found] "+r" (found), [v] "+Q" (*ptr)
		     : [new] "r" (new)
		     : "memory");
	return found;
}
#endif

/**
 * blk_cas_asm() - compare-and-swap a lock word, LSE or LL/SC.
 * @ptr: the word.
 * @old: in: the expected value; out, on failure: the value found.
 * @new: the value to store when *@ptr == *@old.
 *
 * CASA where the CPUs have LSE atomics, the LDAXR/STXR loop where they do
 * not, chosen as the kernel's own atomics choose (asm/lse.h): by
 * system_uses_lse_atomics(), a static branch set once the CPU features
 * are known, so the choice costs one patched branch, not a test.
 *
 * Return: true if *@ptr held *@old and now holds @new.
 */
static __always_inline bool blk_cas_asm(u32 *ptr, u32 *old, u32 new)
{
	u32 expected = *old;

#ifdef CONFIG_ARM64_LSE_ATOMICS
	if (system_uses_lse_atomics())
		*old = blk_cas_lse(ptr, expected, new);
	else
#endif
		*old = blk_cas_llsc(ptr, expected, new);
	return *old == expected;
}
#else
static __always_inline bool blk_cas_asm(u32 *ptr, u32 *old, u32 new)
{
	return blk_cas_builtin(ptr, old, new);
}
#endif

/**
 * blk_cas() - compare-and-swap with the chosen back-end.
 * @be: BLK_CAS_BUILTIN or BLK_CAS_ASM; a constant, so the choice folds away.
 * @ptr: the word.
 * @old: in: the expected value; out, on failure: the value found.
 * @new: the value to store.
 *
 * Return: true on success.
 */
static __always_inline bool blk_cas(enum blk_cas_backend be, u32 *ptr,
				    u32 *old, u32 new)
{
	blk_rmw_note();
	if (be == BLK_CAS_ASM)
		return blk_cas_asm(ptr, old, new);
	return blk_cas_builtin(ptr, old, new);
}

void blk_spin_lock_slowpath(struct blk_spinlock *lock);
void blk_spin_lock_asm_slowpath(struct blk_spinlock *lock);
void blk_spin_tas_slowpath(struct blk_spinlock *lock);
void blk_spin_backoff_slowpath(struct blk_spinlock *lock);
void blk_spin_set_backoff(u32 min, u32 max);

/**
 * __blk_spin_init() - initialize a lock to the free state.
 * @lock: the lock.
 * @name: its name for lockdep.
 * @key: its lockdep class.
 *
 * Use blk_spin_init(), which gives each call site a class of its own.
 */
static inline void __blk_spin_init(struct blk_spinlock *lock, const char *name,
				   struct lock_class_key *key)
{
	blk_dep_init(lock, name, key);
	__atomic_store_n(&lock->val, 0, __ATOMIC_RELAXED);
}

#define blk_spin_init(lock)	blk_init_class(__blk_spin_init, lock)

/**
 * blk_spin_is_locked() - peek at a lock.
 * @lock: the lock.
 *
 * A relaxed read: the answer may be stale by the time it is used.
 *
 * Return: true if the lock is held.
 */
static inline bool blk_spin_is_locked(struct blk_spinlock *lock)
{
	return __atomic_load_n(&lock->val, __ATOMIC_RELAXED) != 0;
}

static __always_inline bool __blk_spin_trylock(struct blk_spinlock *lock,
					       enum blk_cas_backend be)
{
	u32 old = 0;

	preempt_disable();
	if (likely(blk_cas(be, &lock->val, &old, 1))) {
		spin_acquire(&lock->dep_map, 0, 1, _RET_IP_);
		return true;
	}
	preempt_enable();
	return false;
}

/**
 * __blk_spin_trylock_builtin() - take a lock if free, without waiting.
 * @lock: the lock.
 *
 * Use blk_spin_trylock(), which tells sparse about the lock.
 *
 * Return: true if the lock was taken (preemption is then disabled).
 */
static inline bool __blk_spin_trylock_builtin(struct blk_spinlock *lock)
{
	return __blk_spin_trylock(lock, BLK_CAS_BUILTIN);
}

/**
 * __blk_spin_trylock_asm() - blk_spin_trylock() with the inline-asm CAS.
 * @lock: the lock.
 *
 * Return: true if the lock was taken (preemption is then disabled).
 */
static inline bool __blk_spin_trylock_asm(struct blk_spinlock *lock)
{
	return __blk_spin_trylock(lock, BLK_CAS_ASM);
}

/*
 * The trylocks are macros so that sparse learns the lock is held when they
 * return true, as with raw_spin_trylock().
 */
#define blk_spin_trylock(lock) ({					\
	struct blk_spinlock *__l = (lock);				\
	__cond_lock(__l, __blk_spin_trylock_builtin(__l));		\
})
#define blk_spin_trylock_asm(lock) ({					\
	struct blk_spinlock *__l = (lock);				\
	__cond_lock(__l, __blk_spin_trylock_asm(__l));			\
})

/*
 * The three locking variants differ only in the CAS back-end of the fast
 * path and in the out-of-line slow path it falls back to; @be and @slowpath
 * are constants in each caller, so each inlines to one CAS and one call.
 */
static __always_inline void
__blk_spin_lock(struct blk_spinlock *lock, enum blk_cas_backend be,
		void (*slowpath)(struct blk_spinlock *lock))
{
	u32 old = 0;

	preempt_disable();
	spin_acquire(&lock->dep_map, 0, 0, _RET_IP_);
	if (unlikely(!blk_cas(be, &lock->val, &old, 1)))
		slowpath(lock);
}

/**
 * blk_spin_lock() - take a lock, spinning until it is free.
 * @lock: the lock.
 *
 * Disables preemption. The fast path is one CAS, inline and uncounted.
 */
static __always_inline void blk_spin_lock(struct blk_spinlock *lock)
	__acquires(lock)
{
	__blk_spin_lock(lock, BLK_CAS_BUILTIN, blk_spin_lock_slowpath);
	__acquire(lock);
}

/**
 * blk_spin_lock_asm() - blk_spin_lock() with the inline-asm CAS.
 * @lock: the lock.
 */
static __always_inline void blk_spin_lock_asm(struct blk_spinlock *lock)
	__acquires(lock)
{
	__blk_spin_lock(lock, BLK_CAS_ASM, blk_spin_lock_asm_slowpath);
	__acquire(lock);
}

/**
 * blk_spin_lock_tas() - take a lock with a plain test-and-set loop.
 * @lock: the lock.
 *
 * The design TTAS avoids: on failure it retries the CAS at once, with no
 * read-only inner spin, so every waiter keeps pulling the line exclusive
 * (the "bus storm"). Kept as a lock kind for comparison; unlocked with
 * blk_spin_unlock().
 */
static __always_inline void blk_spin_lock_tas(struct blk_spinlock *lock)
	__acquires(lock)
{
	__blk_spin_lock(lock, BLK_CAS_BUILTIN, blk_spin_tas_slowpath);
	__acquire(lock);
}

/**
 * blk_spin_lock_backoff() - take a lock, TTAS with exponential backoff.
 * @lock: the lock.
 *
 * The fast path is ttas's. A waiter whose CAS loses to another CPU's waits
 * before it looks again, from backoff_min cpu_relax() up to backoff_max,
 * doubling at each loss: fewer CPUs pull the line exclusive at once after
 * a release, at the price of a lock that may sit free while its waiters
 * back off. Unlocked with blk_spin_unlock().
 */
static __always_inline void blk_spin_lock_backoff(struct blk_spinlock *lock)
	__acquires(lock)
{
	__blk_spin_lock(lock, BLK_CAS_BUILTIN, blk_spin_backoff_slowpath);
	__acquire(lock);
}

/**
 * blk_spin_unlock() - release a lock taken by any blk_spin_lock*() variant.
 * @lock: the lock.
 *
 * A release store of 0: it pairs with the acquire CAS of the next owner.
 * Re-enables preemption.
 */
static __always_inline void blk_spin_unlock(struct blk_spinlock *lock)
	__releases(lock)
{
	__release(lock);
	spin_release(&lock->dep_map, _RET_IP_);
	__atomic_store_n(&lock->val, 0, __ATOMIC_RELEASE);
	preempt_enable();
}

/**
 * blk_spin_rescue() - free a lock whose owner will never release it.
 * @lock: the lock.
 *
 * For the watchdog of a stuck run only: a release store of 0, what an
 * unlock does to the word, without the owner's preemption or lockdep
 * state. Whatever exclusion was left is broken; the run is recorded as
 * stuck anyway.
 */
static inline void blk_spin_rescue(struct blk_spinlock *lock)
{
	__atomic_store_n(&lock->val, 0, __ATOMIC_RELEASE);
}

/*
 * The TTAS family on the lock menu (blk_kinds_list.h): four kinds on one
 * word, which differ only in how they take it.
 */
#define blk_ttas_init(lock)		blk_spin_init(lock)
#define blk_ttas_lock			blk_spin_lock
#define blk_ttas_unlock			blk_spin_unlock
#define blk_ttas_trylock		blk_spin_trylock
#define blk_ttas_is_locked		blk_spin_is_locked
#define blk_ttas_rescue			blk_spin_rescue

#define blk_ttas_asm_init(lock)		blk_spin_init(lock)
#define blk_ttas_asm_lock		blk_spin_lock_asm
#define blk_ttas_asm_unlock		blk_spin_unlock
#define blk_ttas_asm_trylock		blk_spin_trylock_asm
#define blk_ttas_asm_is_locked		blk_spin_is_locked
#define blk_ttas_asm_rescue		blk_spin_rescue

#define blk_tas_init(lock)		blk_spin_init(lock)
#define blk_tas_lock			blk_spin_lock_tas
#define blk_tas_unlock			blk_spin_unlock
#define blk_tas_trylock			blk_spin_trylock
#define blk_tas_is_locked		blk_spin_is_locked
#define blk_tas_rescue			blk_spin_rescue

#define blk_ttas_backoff_init(lock)	blk_spin_init(lock)
#define blk_ttas_backoff_lock		blk_spin_lock_backoff
#define blk_ttas_backoff_unlock		blk_spin_unlock
#define blk_ttas_backoff_trylock	blk_spin_trylock
#define blk_ttas_backoff_is_locked	blk_spin_is_locked
#define blk_ttas_backoff_rescue		blk_spin_rescue
/* its knobs, as a run starts (the list's configure column) */
#define blk_ttas_backoff_configure(cfg) do {				\
	__auto_type _cfg = (cfg);					\
									\
	blk_spin_set_backoff(_cfg->backoff_min, _cfg->backoff_max);	\
} while (0)

#endif /* _BLK_SPIN_H */
