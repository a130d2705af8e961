// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock: the lock menu.
 *
 * Every lock kind is one struct blk_lock_ops, generated from
 * blk_kinds_list.h; the engine and the tests look a kind up by name and
 * drive it through the table, never knowing which it has
 * (kernel/locking/locktorture.c does the same with lock_torture_ops). The
 * table's lock and unlock are out-of-line copies of blk_kind_lock() and
 * blk_kind_unlock(), for the tests; the engine calls the kind's own loops,
 * in which the same functions are inlined.
 *
 * The kinds themselves, with what each is, are blk_kinds_list.h (and the
 * "locks" file, which prints it). The host world (tools/host) compiles
 * this file as it is: the same table drives its engine.
 */
#include <linux/string.h>

#include "blk_knobs.h"
#include "blk_locks.h"

/*
 * The rescue column: "flag" or "ticket" gives the table the kind's
 * blk_<id>_rescue() (and the word's layout, for the test),
 * the watchdog's last resort for a run whose lock nobody releases: it does
 * what an unlock would, without being the owner, so that a waiter spinning
 * with preemption off gets in and its worker can see the stop flag. It
 * breaks whatever exclusion was left; the run is recorded as stuck anyway.
 * "none" leaves the table's rescue NULL, and the watchdog says that it
 * cannot free the lock (an MCS owner's node, which the next owner waits on,
 * is not the lock's; the kernel's locks are not ours to write).
 */
#define blk_rescue_fn(id)						\
static void blk_rescue_##id(struct blk_lock *l)				\
{									\
	blk_##id##_rescue(&l->id);					\
}

#define blk_rescue_fn_flag(id)		blk_rescue_fn(id)
#define blk_rescue_fn_ticket(id)	blk_rescue_fn(id)
#define blk_rescue_fn_none(id)
#define blk_rescue_of_flag(id)		blk_rescue_##id
#define blk_rescue_of_ticket(id)	blk_rescue_##id
#define blk_rescue_of_none(id)		NULL

/*
 * The fini column: "own" kinds take something at init that they have a
 * limited number of (the list's locks column): their init returns 0 or
 * -ENOSPC, and their fini gives it back. "none": init cannot fail, and
 * fini does nothing.
 */
#define blk_init_fn_own(id)						\
static int blk_init_##id(struct blk_lock *l)				\
{									\
	return blk_##id##_init(&l->id);					\
}									\
static void blk_fini_##id(struct blk_lock *l)				\
{									\
	blk_##id##_fini(&l->id);					\
}

#define blk_init_fn_none(id)						\
static int blk_init_##id(struct blk_lock *l)				\
{									\
	blk_##id##_init(&l->id);					\
	return 0;							\
}									\
static void blk_fini_##id(struct blk_lock *l)				\
{									\
}

/*
 * The configure column: "own" kinds have knobs of their own, which their
 * blk_<id>_configure(cfg) applies as a run starts; "none" leaves the
 * table's configure NULL.
 */
#define blk_configure_fn_own(id)					\
static void blk_configure_##id(const struct blk_config *cfg)		\
{									\
	blk_##id##_configure(cfg);					\
}

#define blk_configure_fn_none(id)
#define blk_configure_of_own(id)	blk_configure_##id
#define blk_configure_of_none(id)	NULL

/*
 * sparse tracks a trylock's context only through the __cond_lock() macros,
 * not through a bool returned by a function pointer: once taken, hand the
 * context back so that the table's trylock is balanced as sparse sees it.
 *
 * set_class gives a lock the lockdep class of @key, for tests that hold
 * several locks of one kind at once, each of its own class.
 *
 * irq_class gives a lock a lockdep class of its own for irq_hz: the lock is
 * then taken in hardirq context too (the workers with interrupts off);
 * every other run and test takes the same kind's class with interrupts on,
 * which lockdep would rightly call inconsistent if the two shared a class.
 * Nothing without CONFIG_DEBUG_LOCK_ALLOC.
 */
#define BLK_KIND(id, home, type, nr_rmw, count, flags, irqsave, can_rescue, \
		 gives_back, knobs, nr_waiters, nr_locks, description)	\
blk_init_fn_##gives_back(id)						\
blk_configure_fn_##knobs(id)						\
static void blk_lock_##id(struct blk_lock *l)				\
	__acquires(l)							\
{									\
	blk_kind_lock(BLK_KIND_##id, l);				\
}									\
static void blk_unlock_##id(struct blk_lock *l)				\
	__releases(l)							\
{									\
	blk_kind_unlock(BLK_KIND_##id, l);				\
}									\
static bool blk_trylock_##id(struct blk_lock *l)			\
{									\
	return blk_##id##_trylock(&l->id) ?				\
	       ({ __release(&l->id); true; }) : false;			\
}									\
static bool blk_is_locked_##id(struct blk_lock *l)			\
{									\
	return blk_##id##_is_locked(&l->id);				\
}									\
static void blk_irq_class_##id(struct blk_lock *l)			\
{									\
	static struct lock_class_key key;				\
									\
	lockdep_set_class_and_name(&l->id, &key, "blk_irq_" #id);	\
}									\
static void blk_set_class_##id(struct blk_lock *l,			\
			       struct lock_class_key *key,		\
			       const char *name)			\
{									\
	lockdep_set_class_and_name(&l->id, key, name);			\
}									\
blk_rescue_fn_##can_rescue(id)						\
static const struct blk_lock_ops blk_ops_##id = {			\
	.name		= #id,						\
	.desc		= description,					\
	.kind		= BLK_KIND_##id,				\
	.init		= blk_init_##id,				\
	.fini		= blk_fini_##id,				\
	.lock		= blk_lock_##id,				\
	.unlock		= blk_unlock_##id,				\
	.trylock	= blk_trylock_##id,				\
	.is_locked	= blk_is_locked_##id,				\
	.irq_class	= blk_irq_class_##id,				\
	.set_class	= blk_set_class_##id,				\
	.hammer		= blk_hammer_##id,				\
	.hammer_irq	= blk_hammer_irq_##id,				\
	.hammer_count	= blk_hammer_count_##id,			\
	.hammer_irq_count = blk_hammer_irq_count_##id,			\
	.reference	= blk_reference_##id,				\
	.cost		= blk_cost_##id,				\
	.rescue		= blk_rescue_of_##can_rescue(id),		\
	.configure	= blk_configure_of_##knobs(id),			\
	.word		= BLK_WORD_##can_rescue,			\
	.rmw		= nr_rmw,					\
	.size		= sizeof(type),					\
	.counted	= BLK_COUNT_##count,				\
	.waiters	= nr_waiters,					\
	.locks		= nr_locks,					\
	.kernel		= !!((flags) & BLK_KF_KERNEL),			\
	.libc		= !!((flags) & BLK_KF_LIBC),			\
	.broken		= !!((flags) & BLK_KF_BROKEN),			\
	.floor		= !!((flags) & BLK_KF_FLOOR),			\
	.rt_sleeps	= !!((flags) & BLK_KF_RT_SLEEPS),		\
	.standin	= !!((flags) & BLK_KF_STANDIN),			\
	.cost_call	= blk_cost_call_##id,				\
};

#include "blk_kinds_list.h"
#undef BLK_KIND

#define BLK_KIND(id, ...)	\
	[BLK_KIND_##id] = &blk_ops_##id,
const struct blk_lock_ops *const blk_lock_menu[] = {
#include "blk_kinds_list.h"
};

#undef BLK_KIND

const unsigned int blk_lock_menu_len = ARRAY_SIZE(blk_lock_menu);

/**
 * blk_lock_find() - look a lock kind up by name.
 * @name: the name; a trailing newline is ignored.
 *
 * Return: the kind, or NULL if there is none of that name.
 */
const struct blk_lock_ops *blk_lock_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < blk_lock_menu_len; i++)
		if (sysfs_streq(name, blk_lock_menu[i]->name))
			return blk_lock_menu[i];
	return NULL;
}

/* The list has exactly one floor. */
#define BLK_KIND(id, home, type, rmw, count, flags, ...)	\
	+ !!((flags) & BLK_KF_FLOOR)
enum { BLK_NR_FLOORS = 0
#include "blk_kinds_list.h"
};

#undef BLK_KIND
static_assert(BLK_NR_FLOORS == 1, "blk_kinds_list.h: one kind must be the floor");

/* The list has exactly one stand-in for spinlock_t. */
#define BLK_KIND(id, home, type, rmw, count, flags, ...)	\
	+ !!((flags) & BLK_KF_STANDIN)
enum { BLK_NR_STANDINS = 0
#include "blk_kinds_list.h"
};

#undef BLK_KIND
static_assert(BLK_NR_STANDINS == 1, "blk_kinds_list.h: one kind must be the stand-in");

/**
 * blk_lock_standin() - the stand-in for spinlock_t: the kind whose list
 * entry says BLK_KF_STANDIN.
 *
 * Return: its ops; every build has one.
 */
const struct blk_lock_ops *blk_lock_standin(void)
{
	unsigned int i;

	for (i = 0; i < blk_lock_menu_len; i++)
		if (blk_lock_menu[i]->standin)
			return blk_lock_menu[i];
	return NULL;
}

/**
 * blk_lock_class() - what a kind is, in a word: its class in the "locks"
 * file of both worlds (and in tools/lib.sh's blk_kinds).
 * @ops: the kind.
 *
 * Return: "broken", "floor", "kernel" (the kernel's own), "libc" (the C
 * library's) or "lock" (blacklock's own).
 */
const char *blk_lock_class(const struct blk_lock_ops *ops)
{
	return ops->broken ? "broken" : ops->floor ? "floor" :
	       ops->kernel ? "kernel" : ops->libc ? "libc" : "lock";
}

/**
 * blk_lock_floor() - the harness floor: the kind whose list entry says
 * BLK_KF_FLOOR.
 *
 * Return: its ops; every build has one (blk_engine.c and blk_cost.c
 * subtract it).
 */
const struct blk_lock_ops *blk_lock_floor(void)
{
	unsigned int i;

	for (i = 0; i < blk_lock_menu_len; i++)
		if (blk_lock_menu[i]->floor)
			return blk_lock_menu[i];
	return NULL;
}
