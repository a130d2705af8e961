/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: every lock kind's operations, inline, selected by a constant.
 *
 * blk_kind_lock(BLK_KIND_ttas, l) folds, at compile time, to the inline
 * fast path of blk_spin_lock(): the kind is a constant in every caller, so
 * the switch disappears, as the CAS back-end does in blk_cas(). This is
 * what lets blk_loop.c build one hot loop per kind with the lock inlined
 * (no indirect call, no retpoline), and blk_locks.c the ops table from the
 * very same code.
 */
#ifndef _BLK_KINDS_H
#define _BLK_KINDS_H

#include <linux/compiler.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>

#include "blk_spin.h"

/**
 * struct blk_lock - storage for any lock kind on the menu.
 * @blk: the blk_spin locks (ttas, ttas_asm, tas), busted and empty.
 * @spin: the kernel's spinlock_t.
 * @raw: the kernel's raw_spinlock_t.
 */
struct blk_lock {
	union {
		struct blk_spinlock blk;
		spinlock_t spin;	/* the "spinlock" kind */
		raw_spinlock_t raw;
	};
};

/* enum blk_kind: BLK_KIND_ttas, ..., in menu order, then BLK_NR_KINDS. */
#define BLK_KIND(id, desc, flags)	BLK_KIND_##id,
enum blk_kind {
#include "blk_kinds_list.h"
	BLK_NR_KINDS
};

#undef BLK_KIND

#define BLK_KF_COUNTED		BIT(0)
#define BLK_KF_KERNEL		BIT(1)
#define BLK_KF_BROKEN		BIT(2)
#define BLK_KF_FLOOR		BIT(3)
#define BLK_KF_RT_SLEEPS	BIT(4)

/*
 * busted: wait until the word reads 0, then write 1, as two separate
 * accesses. Two CPUs that both read 0 before either writes 1 are both
 * "inside". The accesses are marked (READ_ONCE/WRITE_ONCE) so the compiler
 * keeps them, and so the data-race detector sees an intentional race here
 * rather than a bug; the engine's exclusion check is what must catch it.
 */
static __always_inline void blk_busted_lock(struct blk_lock *l)
	__acquires(l)
{
	preempt_disable();
	while (READ_ONCE(l->blk.val))
		cpu_relax();
	WRITE_ONCE(l->blk.val, 1);
	__acquire(l);
}

static __always_inline void blk_busted_unlock(struct blk_lock *l)
	__releases(l)
{
	__release(l);
	WRITE_ONCE(l->blk.val, 0);
	preempt_enable();
}

/**
 * blk_kind_lock() - take a lock of kind @k.
 * @k: the kind, a compile-time constant.
 * @l: the lock.
 *
 * empty takes nothing: a compiler barrier, so that the critical section
 * still cannot be moved out of the loop that measures it.
 */
static __always_inline void blk_kind_lock(enum blk_kind k, struct blk_lock *l)
	__acquires(l)
{
	switch (k) {
	case BLK_KIND_ttas:
		blk_spin_lock(&l->blk);
		break;
	case BLK_KIND_ttas_asm:
		blk_spin_lock_asm(&l->blk);
		break;
	case BLK_KIND_tas:
		blk_spin_lock_tas(&l->blk);
		break;
	case BLK_KIND_spinlock:
		spin_lock(&l->spin);
		break;
	case BLK_KIND_raw_spinlock:
		raw_spin_lock(&l->raw);
		break;
	case BLK_KIND_empty:
		barrier();
		__acquire(l);
		break;
	default:
		blk_busted_lock(l);
		break;
	}
}

/**
 * blk_kind_unlock() - release a lock of kind @k.
 * @k: the kind, a compile-time constant.
 * @l: the lock.
 */
static __always_inline void blk_kind_unlock(enum blk_kind k, struct blk_lock *l)
	__releases(l)
{
	switch (k) {
	case BLK_KIND_ttas:
	case BLK_KIND_ttas_asm:
	case BLK_KIND_tas:
		blk_spin_unlock(&l->blk);
		break;
	case BLK_KIND_spinlock:
		spin_unlock(&l->spin);
		break;
	case BLK_KIND_raw_spinlock:
		raw_spin_unlock(&l->raw);
		break;
	case BLK_KIND_empty:
		__release(l);
		barrier();
		break;
	default:
		blk_busted_unlock(l);
		break;
	}
}

#endif /* _BLK_KINDS_H */
