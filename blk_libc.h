/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the C library's locks on the host world's menu
 * (blk_kinds_list.h, BLK_KF_LIBC), as the kernel's are on the module's
 * (blk_kernel.h): the references a user-space port of a lock is measured
 * against. Host only; glibc's, whose word layouts is_locked peeks at.
 *
 *   pthread_spin   pthread_spinlock_t: an int, an atomic exchange to take
 *                  it, a relaxed spin on it while taken (x86-64: a LOCK DECL
 *                  from 1, free; held is 0 or below). is_locked compares it
 *                  with what pthread_spin_init() writes, whichever it is.
 *   pthread_mutex  pthread_mutex_t, PTHREAD_MUTEX_NORMAL: a CAS to take it,
 *                  then a futex wait: a waiter sleeps instead of spinning
 */
#ifndef _BLK_LIBC_H
#define _BLK_LIBC_H

#include <pthread.h>
#include <stdbool.h>

#define blk_pthread_spin_init(lock)	\
	pthread_spin_init((lock), PTHREAD_PROCESS_PRIVATE)
#define blk_pthread_spin_lock		pthread_spin_lock
#define blk_pthread_spin_unlock		pthread_spin_unlock
#define blk_pthread_spin_trylock(lock)	(pthread_spin_trylock(lock) == 0)
static inline bool blk_pthread_spin_is_locked(pthread_spinlock_t *lock)
{
	pthread_spinlock_t free_word;

	pthread_spin_init(&free_word, PTHREAD_PROCESS_PRIVATE);
	return __atomic_load_n(lock, __ATOMIC_RELAXED) != free_word;
}

#define blk_pthread_mutex_init(lock)	pthread_mutex_init((lock), NULL)
#define blk_pthread_mutex_lock		pthread_mutex_lock
#define blk_pthread_mutex_unlock	pthread_mutex_unlock
#define blk_pthread_mutex_trylock(lock)	(pthread_mutex_trylock(lock) == 0)
#define blk_pthread_mutex_is_locked(lock)	\
	(__atomic_load_n(&(lock)->__data.__lock, __ATOMIC_RELAXED) != 0)

#endif /* _BLK_LIBC_H */
