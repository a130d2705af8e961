/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: every lock kind's operations, inline, selected by a constant,
 * generated from blk_kinds_list.h.
 *
 * blk_kind_lock(BLK_KIND_ttas, l) folds, at compile time, to the inline
 * fast path of blk_ttas_lock(): the kind is a constant in every caller, so
 * the switch disappears, as the CAS back-end does in blk_cas(). This is
 * what lets blk_loop.c build one hot loop per kind with the lock inlined
 * (no indirect call, no retpoline), and blk_locks.c the ops table from the
 * very same code. Every switch here is generated, one case per kind and no
 * default: a kind that lacks an operation does not build, and no kind can
 * run another's code.
 */
#ifndef _BLK_KINDS_H
#define _BLK_KINDS_H

#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>

/*
 * Every kind's home header, as the list names them: generated from it by
 * the build (Kbuild, tools/host/Makefile, tools/verify/genmc.py) for the
 * world it builds, in a directory of that build's own on its include path
 * (so <>, which never looks beside this file, where another world's may be).
 */
#include <blk_kinds_homes.h>

/* The list's count column: a typo in it names BLK_COUNT_<typo>. */
#define BLK_COUNT_counted	1
#define BLK_COUNT_uncounted	0

#define BLK_KF_KERNEL		BIT(1)
#define BLK_KF_BROKEN		BIT(2)
#define BLK_KF_FLOOR		BIT(3)
#define BLK_KF_RT_SLEEPS	BIT(4)
#define BLK_KF_LIBC		BIT(5)
#define BLK_KF_STANDIN		BIT(6)

/* enum blk_kind: BLK_KIND_ttas, ..., in menu order. */
#define BLK_KIND(id, ...)	BLK_KIND_##id,
enum blk_kind {
#include "blk_kinds_list.h"
};

#undef BLK_KIND

/*
 * The kernel's locks are a kernel's only, the C library's the host's only:
 * the flags the tools read and the #if blocks the compiler reads agree.
 * A lock of blacklock's own counts its contention: "uncounted" is for the
 * kernel's, the C library's, the floor and the negative control.
 */
#define BLK_KIND(id, home, type, rmw, count, flags, ...)		\
	static_assert(!((flags) & BLK_KF_KERNEL) || BLK_WORLD_KERNEL,	\
		      #id ": BLK_KF_KERNEL outside #if BLK_WORLD_KERNEL");	\
	static_assert(!((flags) & BLK_KF_LIBC) || BLK_WORLD_HOST,	\
		      #id ": BLK_KF_LIBC outside #if BLK_WORLD_HOST");	\
	static_assert(BLK_COUNT_##count || ((flags) & (BLK_KF_KERNEL |	\
		      BLK_KF_LIBC | BLK_KF_FLOOR | BLK_KF_BROKEN)),	\
		      #id ": a lock of blacklock's own is counted");
#include "blk_kinds_list.h"
#undef BLK_KIND

/* How many kinds the menu has. */
#define BLK_KIND(id, ...)	+ 1
enum { BLK_NR_KINDS = 0
#include "blk_kinds_list.h"
};

#undef BLK_KIND

/**
 * struct blk_lock - storage for any lock kind on the menu: one member per
 * kind, named as the kind, of the type its list entry gives.
 */
#define BLK_KIND(id, home, type, ...)	type id;
struct blk_lock {
	union {
#include "blk_kinds_list.h"
	};
};

#undef BLK_KIND

/**
 * blk_kind_flags() - a kind's BLK_KF_* flags.
 * @k: the kind, a compile-time constant where it matters.
 *
 * Return: its flags column.
 */
static __always_inline u32 blk_kind_flags(enum blk_kind k)
{
	switch (k) {
#define BLK_KIND(id, home, type, rmw, count, flags, ...)	\
	case BLK_KIND_##id:					\
		return flags;
#include "blk_kinds_list.h"
#undef BLK_KIND
	}
	return 0;	/* not a kind: nothing is promised of it */
}

/* A real lock: neither the negative control nor the floor. */
static __always_inline bool blk_kind_excludes(enum blk_kind k)
{
	return !(blk_kind_flags(k) & (BLK_KF_BROKEN | BLK_KF_FLOOR));
}

/**
 * blk_kind_lock() - take a lock of kind @k.
 * @k: the kind, a compile-time constant.
 * @l: the lock.
 */
static __always_inline void blk_kind_lock(enum blk_kind k, struct blk_lock *l)
	__acquires(l)
{
	switch (k) {
#define BLK_KIND(id, ...)	\
	case BLK_KIND_##id:					\
		blk_##id##_lock(&l->id);			\
		break;
#include "blk_kinds_list.h"
#undef BLK_KIND
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
#define BLK_KIND(id, ...)	\
	case BLK_KIND_##id:					\
		blk_##id##_unlock(&l->id);			\
		break;
#include "blk_kinds_list.h"
#undef BLK_KIND
	}
}

/*
 * The irqsave column: "own" calls the kind's variants (the kernel's locks,
 * so that lockdep sees them); "generic" saves and disables interrupts and
 * then takes the lock, as spin_lock_irqsave() is built.
 */
#define blk_irqsave_own(id, l, flags)	blk_##id##_lock_irqsave(l, flags)
#define blk_irqsave_generic(id, l, flags)				\
	do {								\
		local_irq_save(flags);					\
		blk_##id##_lock(l);					\
	} while (0)
#define blk_irqrestore_own(id, l, flags)	blk_##id##_unlock_irqrestore(l, flags)
#define blk_irqrestore_generic(id, l, flags)				\
	do {								\
		blk_##id##_unlock(l);					\
		local_irq_restore(flags);				\
	} while (0)

/**
 * blk_kind_lock_irqsave() - take a lock of kind @k with interrupts off.
 * @k: the kind, a compile-time constant.
 * @l: the lock.
 *
 * Return: the flags for blk_kind_unlock_irqrestore().
 */
static __always_inline unsigned long
blk_kind_lock_irqsave(enum blk_kind k, struct blk_lock *l)
	__acquires(l)
{
	unsigned long flags = 0;

	switch (k) {
#define BLK_KIND(id, home, type, rmw, count, kf, irqsave, ...)	\
	case BLK_KIND_##id:					\
		blk_irqsave_##irqsave(id, &l->id, flags);	\
		break;
#include "blk_kinds_list.h"
#undef BLK_KIND
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
#define BLK_KIND(id, home, type, rmw, count, kf, irqsave, ...)	\
	case BLK_KIND_##id:					\
		blk_irqrestore_##irqsave(id, &l->id, flags);	\
		break;
#include "blk_kinds_list.h"
#undef BLK_KIND
	}
}

#endif /* _BLK_KINDS_H */
