/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the kernel's own locks on the menu, under the names that
 * blk_kinds_list.h derives: spinlock_t and raw_spinlock_t, called exactly
 * as any kernel code calls them. Their irqsave variants are their own
 * (lockdep sees them as such); the watchdog cannot free them.
 */
#ifndef _BLK_KERNEL_H
#define _BLK_KERNEL_H

#include <linux/spinlock.h>

#define blk_spinlock_init(lock)			spin_lock_init(lock)
#define blk_spinlock_lock			spin_lock
#define blk_spinlock_unlock			spin_unlock
#define blk_spinlock_trylock			spin_trylock
#define blk_spinlock_is_locked			spin_is_locked
#define blk_spinlock_lock_irqsave		spin_lock_irqsave
#define blk_spinlock_unlock_irqrestore		spin_unlock_irqrestore

#define blk_raw_spinlock_init(lock)		raw_spin_lock_init(lock)
#define blk_raw_spinlock_lock			raw_spin_lock
#define blk_raw_spinlock_unlock			raw_spin_unlock
#define blk_raw_spinlock_trylock		raw_spin_trylock
#define blk_raw_spinlock_is_locked		raw_spin_is_locked
#define blk_raw_spinlock_lock_irqsave		raw_spin_lock_irqsave
#define blk_raw_spinlock_unlock_irqrestore	raw_spin_unlock_irqrestore

#endif /* _BLK_KERNEL_H */
