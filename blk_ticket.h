/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the ticket lock, a FIFO spinlock for comparison with TTAS.
 *
 * One 32-bit word, the owner half (the ticket being served) below and the
 * next half (the next ticket to hand out) above, as x86's spinlock was
 * before 4.2. Acquire: one fetch-add of the next half, then wait until the
 * owner half equals the ticket drawn. Release: the owner adds one to the
 * owner half, with a plain (release) store: only the owner writes that
 * half. Strict FIFO; every waiter spins on the one word, so each release
 * invalidates every waiter's copy of the line.
 *
 * Ordering argument
 * -----------------
 * The owner's release store to the owner half pairs with the next owner's
 * acquire load that reads it in the wait loop, or, when the next owner
 * arrives after the release, with its acquire fetch-add, which reads the
 * whole word the release store wrote into. Either way the previous
 * critical section happens-before the next. The fetch-add needs acquire
 * (not just relaxed) for that second case: it alone grants the lock.
 *
 * It takes preemption off and tells lockdep exactly where blk_spin_lock()
 * does. Its wait is out of line (blk_ticket.c) and counts into the per-CPU
 * contention counters; the inline paths count nothing. It uses nothing but
 * blk_env.h, so that the model checker (tools/verify) compiles it as it is.
 */
#ifndef _BLK_TICKET_H
#define _BLK_TICKET_H

#include "blk_env.h"

/**
 * struct blk_ticketlock - a ticket lock.
 * @val: the whole word: the fetch-add target.
 * @owner: the ticket being served; written only by the owner.
 * @next: the next ticket to hand out.
 * @dep_map: lockdep's view (CONFIG_DEBUG_LOCK_ALLOC only).
 */
struct blk_ticketlock {
	union {
		u32 val;
		struct {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			u16 next;
			u16 owner;
#else
			u16 owner;
			u16 next;
#endif
		};
	};
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	struct lockdep_map dep_map;
#endif
};

#define BLK_TICKET_SHIFT	16
#define BLK_TICKET_ONE		BIT(BLK_TICKET_SHIFT)
/* Tickets out at once, the owner's included: next must not wrap to owner. */
#define BLK_TICKET_WAITERS	(BIT(16) - 1)

/* The next ticket to hand out, of a whole lock word. */
static __always_inline u16 blk_ticket_next(u32 v)
{
	return v >> BLK_TICKET_SHIFT;
}

/* Free: every ticket handed out has been served. */
static __always_inline bool blk_ticket_free(u32 v)
{
	return blk_ticket_next(v) == (u16)v;
}

/*
 * Serve the next ticket: a load of the owner half and a RELEASE store of one
 * more (pairs with the next owner's acquire), no read-modify-write. Only
 * the owner writes that half (and the watchdog's blk_ticket_rescue(), which
 * has given up on exclusion); the next half may move under us.
 */
static __always_inline void blk_ticket_serve_next(struct blk_ticketlock *lock)
{
	u16 owner = __atomic_load_n(&lock->owner, __ATOMIC_RELAXED);

	__atomic_store_n(&lock->owner, (u16)(owner + 1), __ATOMIC_RELEASE);
}

/*
 * The watchdog's forced release of a ticket lock nobody releases: serve the
 * next ticket, but only while one is held (a free lock's owner half must
 * never pass its next half, or the next ticket drawn would wait 65536
 * serves), and atomically against the fetch-adds that draw tickets. A live
 * owner's own serve (a plain store of the half it loaded) may still land on
 * top and undo one: a serve lost, never one too many.
 */
static inline void blk_ticket_rescue(struct blk_ticketlock *lock)
{
	u32 v = __atomic_load_n(&lock->val, __ATOMIC_RELAXED), served;

	do {
		if (blk_ticket_free(v))
			return;
		served = (v >> BLK_TICKET_SHIFT << BLK_TICKET_SHIFT) | (u16)(v + 1);
		blk_rmw_note();
	} while (!__atomic_compare_exchange_n(&lock->val, &v, served, false,
					      __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}

void blk_ticket_wait(struct blk_ticketlock *lock, u16 ticket);

static inline void __blk_ticket_init(struct blk_ticketlock *lock,
				     const char *name,
				     struct lock_class_key *key)
{
	blk_dep_init(lock, name, key);
	__atomic_store_n(&lock->val, 0, __ATOMIC_RELAXED);
}

#define blk_ticket_init(lock)	blk_init_class(__blk_ticket_init, lock)

/**
 * blk_ticket_lock() - take a ticket lock, waiting in FIFO order.
 * @lock: the lock.
 *
 * One fetch-add, inline; a ticket not yet served waits out of line.
 */
static __always_inline void blk_ticket_lock(struct blk_ticketlock *lock)
	__acquires(lock)
{
	u32 v;

	preempt_disable();
	spin_acquire(&lock->dep_map, 0, 0, _RET_IP_);
	/* ACQUIRE: when our ticket is already served, this grants the lock */
	blk_rmw_note();
	v = __atomic_fetch_add(&lock->val, BLK_TICKET_ONE, __ATOMIC_ACQUIRE);
	if (unlikely(!blk_ticket_free(v)))
		blk_ticket_wait(lock, blk_ticket_next(v));
	__acquire(lock);
}

/**
 * __blk_ticket_trylock() - take a ticket lock if nobody holds or waits.
 * @lock: the lock.
 *
 * Use blk_ticket_trylock(), which tells sparse about the lock.
 *
 * Return: true if taken (preemption is then disabled).
 */
static inline bool __blk_ticket_trylock(struct blk_ticketlock *lock)
{
	u32 v = __atomic_load_n(&lock->val, __ATOMIC_RELAXED);

	preempt_disable();
	/* ACQUIRE on success, as the fetch-add: it grants the lock */
	if (blk_ticket_free(v)) {
		blk_rmw_note();
		if (__atomic_compare_exchange_n(&lock->val, &v, v + BLK_TICKET_ONE,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED)) {
			spin_acquire(&lock->dep_map, 0, 1, _RET_IP_);
			return true;
		}
	}
	preempt_enable();
	return false;
}

#define blk_ticket_trylock(lock) ({					\
	struct blk_ticketlock *__l = (lock);				\
	__cond_lock(__l, __blk_ticket_trylock(__l));			\
})

/**
 * blk_ticket_unlock() - serve the next ticket.
 * @lock: the lock.
 */
static __always_inline void blk_ticket_unlock(struct blk_ticketlock *lock)
	__releases(lock)
{
	__release(lock);
	spin_release(&lock->dep_map, _RET_IP_);
	blk_ticket_serve_next(lock);
	preempt_enable();
}

static inline bool blk_ticket_is_locked(struct blk_ticketlock *lock)
{
	return !blk_ticket_free(__atomic_load_n(&lock->val, __ATOMIC_RELAXED));
}

#endif /* _BLK_TICKET_H */
