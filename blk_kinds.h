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
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>

#include "blk_busted.h"
#include "blk_fifo.h"
#include "blk_spin.h"

/**
 * struct blk_lock - storage for any lock kind on the menu.
 * @blk: the blk_spin locks (ttas, ttas_asm, tas, ttas_backoff), busted and
 *	empty.
 * @ticket: the ticket lock.
 * @mcs: the MCS lock.
 * @spin: the kernel's spinlock_t.
 * @raw: the kernel's raw_spinlock_t.
 */
struct blk_lock {
	union {
		struct blk_spinlock blk;
		struct blk_ticketlock ticket;
		struct blk_mcslock mcs;
		spinlock_t spin;	/* the "spinlock" kind */
		raw_spinlock_t raw;
	};
};

/* enum blk_kind: BLK_KIND_ttas, ..., in menu order, then BLK_NR_KINDS. */
#define BLK_KIND(id, desc, flags, rmw)	BLK_KIND_##id,
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
	case BLK_KIND_ttas_backoff:
		blk_spin_lock_backoff(&l->blk);
		break;
	case BLK_KIND_ticket:
		blk_ticket_lock(&l->ticket);
		break;
	case BLK_KIND_mcs:
		blk_mcs_lock(&l->mcs);
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
		blk_busted_lock(&l->blk);
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
	case BLK_KIND_ttas_backoff:
		blk_spin_unlock(&l->blk);
		break;
	case BLK_KIND_ticket:
		blk_ticket_unlock(&l->ticket);
		break;
	case BLK_KIND_mcs:
		blk_mcs_unlock(&l->mcs);
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
		blk_busted_unlock(&l->blk);
		break;
	}
}

/**
 * blk_kind_lock_irqsave() - take a lock of kind @k with interrupts off.
 * @k: the kind, a compile-time constant.
 * @l: the lock.
 *
 * The kernel's locks through their own irqsave variants (lockdep sees
 * them); every other kind saves and disables interrupts, then takes the
 * lock as blk_kind_lock() does, as spin_lock_irqsave() is built.
 *
 * Return: the flags for blk_kind_unlock_irqrestore().
 */
static __always_inline unsigned long
blk_kind_lock_irqsave(enum blk_kind k, struct blk_lock *l)
	__acquires(l)
{
	unsigned long flags;

	switch (k) {
	case BLK_KIND_spinlock:
		spin_lock_irqsave(&l->spin, flags);
		break;
	case BLK_KIND_raw_spinlock:
		raw_spin_lock_irqsave(&l->raw, flags);
		break;
	default:
		local_irq_save(flags);
		blk_kind_lock(k, l);
		break;
	}
	return flags;
}

/**
 * blk_kind_unlock_irqrestore() - release a lock taken with
 * blk_kind_lock_irqsave(), and restore interrupts.
 * @k: the kind, a compile-time constant.
 * @l: the lock.
 * @flags: what blk_kind_lock_irqsave() returned.
 */
static __always_inline void
blk_kind_unlock_irqrestore(enum blk_kind k, struct blk_lock *l,
			   unsigned long flags)
	__releases(l)
{
	switch (k) {
	case BLK_KIND_spinlock:
		spin_unlock_irqrestore(&l->spin, flags);
		break;
	case BLK_KIND_raw_spinlock:
		raw_spin_unlock_irqrestore(&l->raw, flags);
		break;
	default:
		blk_kind_unlock(k, l);
		local_irq_restore(flags);
		break;
	}
}

#endif /* _BLK_KINDS_H */
