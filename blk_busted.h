/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: busted, the negative control. Not a lock: its word is a
 * struct blk_spinlock's, and it uses nothing but blk_env.h, so that the
 * model checker (tools/verify) must find it broken, as the engine must.
 */
#ifndef _BLK_BUSTED_H
#define _BLK_BUSTED_H

#include "blk_env.h"
#include "blk_spin.h"

/*
 * busted: wait until the word reads 0, then write 1, as two separate
 * accesses. Two CPUs that both read 0 before either writes 1 are both
 * "inside". The accesses are marked (READ_ONCE/WRITE_ONCE) so the compiler
 * keeps them, and so the data-race detector sees an intentional race here
 * rather than a bug; the engine's exclusion check is what must catch it.
 */
static __always_inline void blk_busted_lock(struct blk_spinlock *l)
	__acquires(l)
{
	preempt_disable();
	while (READ_ONCE(l->val))
		cpu_relax();
	WRITE_ONCE(l->val, 1);
	__acquire(l);
}

static __always_inline void blk_busted_unlock(struct blk_spinlock *l)
	__releases(l)
{
	__release(l);
	WRITE_ONCE(l->val, 0);
	preempt_enable();
}

/*
 * busted's trylock: one read, then a separate write. Return: true if the
 * word read 0 (and "taken": preemption is then disabled).
 */
static __always_inline bool __blk_busted_trylock(struct blk_spinlock *l)
{
	preempt_disable();
	if (READ_ONCE(l->val)) {
		preempt_enable();
		return false;
	}
	WRITE_ONCE(l->val, 1);
	return true;
}

#define blk_busted_trylock(lock) ({					\
	struct blk_spinlock *__l = (lock);				\
	__cond_lock(__l, __blk_busted_trylock(__l));			\
})

/* On the menu: the TTAS word, its init, peek and rescue (blk_spin.h). */
#define blk_busted_init(lock)		blk_spin_init(lock)
#define blk_busted_is_locked		blk_spin_is_locked
#define blk_busted_rescue		blk_spin_rescue

#endif /* _BLK_BUSTED_H */
