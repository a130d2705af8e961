// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock under GenMC: client programs that drive the shipped lock code
 * (every kind's home, blk_<home>.h and .c, as blk_kinds_list.h names
 * them, compiled as they are over blk_env.h's model world) from 2 or 3
 * threads. tools/verify/genmc.py has GenMC compile it once per kind,
 * client and thread count:
 *
 *   genmc -MODEL -check-liveness -- -O2 -DBLK_VERIFY_KIND=ttas -DBLK_CLIENT_mutex \
 *         -DBLK_THREADS=2 -I<top> <this file>
 *
 * The clients (each thread is a CPU; main() is not one of them):
 *
 *   mutex      each thread takes the lock once; inside, it writes its id
 *              to an owner word and reads it back (a second owner's write
 *              in between is a violation), and increments a plain counter
 *              that must end at the number of critical sections
 *   mp         message passing through the lock: thread 0 writes x then y
 *              inside; any later critical section that sees y must see x
 *   reacquire  mutex, each thread twice in a row (node and ticket reuse)
 *   trylock    thread 0 tries (and on success has a critical section),
 *              the others take the lock; exclusion as in mutex
 *   tryreacquire  trylock, the others taking the lock twice in a row: a
 *              node recycled into the tail between the trylock's load and
 *              its CAS (CLH's, before its tail had a tag)
 *   ordered    for the kinds on qspin's word (qspin, cna) only: thread 0
 *              takes the lock and holds it until threads 1, 2, ... have
 *              queued behind it in that order (each waits for the tail to
 *              name the one before it: the client reads the lock's word);
 *              thread 1 then takes the lock twice. One arrival order, but
 *              the queue CNA sorts: with nodes alternating, thread 2 goes
 *              to the secondary queue, comes back at the flush, and
 *              thread 1's second acquisition queues behind; exclusion as
 *              in mutex
 *   nested     qspin and cna only: mutex, with an outer context of each
 *              thread's CPU already waiting in node 0 (as if the thread
 *              were an interrupt): the thread queues in node 1, its tail
 *              carries index 1, and its successor must decode it
 *   fallback   the same with all BLK_QS_NODES nodes taken (an NMI in an
 *              NMI): the thread spins on trylock instead of queueing
 *   append     cna only, 4 threads: main() takes the lock first, on a
 *              CPU of its own, and holds it until the threads have queued
 *              behind it in order, on CPUs of NUMA nodes 0, 1, 1, 0: the
 *              head may set both node-1 waiters aside in one sort, the
 *              second appended to a secondary queue that is not empty;
 *              then the flush and the promotion; exclusion as in mutex
 *   remotes    cna only: append's, on NUMA nodes 0, 1, 1, 1: the last
 *              node-1 waiter may be the tail, which the sort must leave
 *              in the main queue (only the tail exchange moves the tail);
 *              it gets the lock's node handed on with the secondary queue
 *   undo       qspin and cna only, 4 threads: thread 0 holds the lock
 *              until a waiter has queued; the others arrive while it
 *              holds. Among the executions: one waiter's fast path reads
 *              the lock held and nothing else, another pends and takes
 *              the lock with a third queued, and only then does the first
 *              set the pending bit: it finds a tail and takes its own bit
 *              back, and the queue's head may find that transient bit
 *              between reading the word and its tail-clearing CAS
 *
 * With -check-liveness, GenMC also reports an execution in which a thread
 * waits forever for a lock that nobody holds (a lost handoff).
 */
#include <assert.h>
#include <pthread.h>
#include <stdbool.h>

#if defined(BLK_CLIENT_append) || defined(BLK_CLIENT_remotes)
/*
 * main() holds the lock while the threads queue in order, on the CPUs
 * queue_cpu(0), queue_cpu(1), ... (the NUMA node, blk_numa_node(), is the
 * CPU's low bit); main() has a CPU of its own, BLK_MAIN_CPU
 */
#define BLK_MAIN_HOLDS	1
#define BLK_MODEL_CPUS	6
#ifdef BLK_CLIENT_append
#define queue_cpu(i)	((i) ^ ((i) >> 1))	/* 0, 1, 3, 2: nodes 0, 1, 1, 0 */
#define BLK_MAIN_CPU	4
#else
#define queue_cpu(i)	((i) ? 2 * (i) - 1 : 0)	/* 0, 1, 3, 5: nodes 0, 1, 1, 1 */
#define BLK_MAIN_CPU	2
#endif
#endif

/* every kind's home, header and code, as genmc.py generates them from the list */
#include <blk_kinds_homes.h>
#include <blk_kinds_bodies.c>

/*
 * The kind under test (-DBLK_VERIFY_KIND=id), by its operations' names, which
 * blk_kinds_list.h derives from its id, and its lock, of the type its list
 * entry gives: the list declares one lock of every kind's type, and the
 * kind under test takes its own. The kernel's locks and the C library's
 * are not in the model world's list (blk_kinds_list.h's #if blocks).
 */

#define BLK_KIND(id, home, type, ...)	\
	static type blk_v_##id;
#include "blk_kinds_list.h"
#undef BLK_KIND

#define BLK_CAT(a, b)		a##b
#define BLK_CAT3(a, b, c)	a##b##c
#define BLK_OP(k, what)		BLK_CAT3(blk_, k, what)
#define BLK_LOCK_OF(k)		BLK_CAT(blk_v_, k)
#define the_lock		BLK_LOCK_OF(BLK_VERIFY_KIND)

static inline void v_lock(void)
{
	BLK_OP(BLK_VERIFY_KIND, _lock)(&the_lock);
}

static inline void v_unlock(void)
{
	BLK_OP(BLK_VERIFY_KIND, _unlock)(&the_lock);
}

static inline bool v_trylock(void)
{
	return BLK_OP(BLK_VERIFY_KIND, _trylock)(&the_lock);
}

#ifndef BLK_THREADS
#define BLK_THREADS 2
#endif

#if defined(BLK_CLIENT_reacquire) || defined(BLK_CLIENT_tryreacquire)
#define BLK_SECTIONS	2
#else
#define BLK_SECTIONS	1
#endif
/*
 * critical sections beyond BLK_SECTIONS each: ordered's thread 1 takes
 * two; tryreacquire's thread 0 tries once
 */
#if defined(BLK_CLIENT_ordered) || defined(BLK_MAIN_HOLDS)
#define BLK_EXTRA_SECTIONS	1
#elif defined(BLK_CLIENT_tryreacquire)
#define BLK_EXTRA_SECTIONS	(-1)
#else
#define BLK_EXTRA_SECTIONS	0
#endif

__thread int blk_model_cpu;	/* this thread's per-CPU copies */
static u32 owner;	/* relaxed atomics: who is inside */
static int sections;	/* plain: a race on it is a violation too */
static int expected;	/* relaxed atomics: critical sections due */
#ifdef BLK_CLIENT_mp
static u32 x, y;	/* relaxed atomics */
#endif
#if defined(BLK_CLIENT_ordered) || defined(BLK_CLIENT_undo)
static u32 holds;	/* relaxed atomics: thread 0 has the lock */
#endif
#if defined(BLK_CLIENT_ordered) || defined(BLK_CLIENT_undo) || defined(BLK_MAIN_HOLDS)

/* Wait until the thread of CPU @cpu is the last queued (qspin's tail). */
static inline void wait_queued(int cpu)
{
	while ((__atomic_load_n(&the_lock.val, __ATOMIC_RELAXED) & BLK_QS_TAIL_MASK) !=
	       blk_qs_encode_tail(cpu, 0))
		;
}
#endif

#if defined(BLK_CLIENT_nested) || defined(BLK_CLIENT_fallback)
#ifdef BLK_CLIENT_nested
#define BLK_NESTED	1
#else
#define BLK_NESTED	BLK_QS_NODES
#endif
/* genmc.py says which (-DBLK_VERIFY_KIND_qspin or _cna) */
#if defined(BLK_VERIFY_KIND_qspin)
#define nest_base(cpu)	(&per_cpu_ptr(&blk_qs_cpu, (cpu))->node[0])
#elif defined(BLK_VERIFY_KIND_cna)
#define nest_base(cpu)	(&per_cpu_ptr(&blk_cna_cpu, (cpu))->node[0].mcs)
#else
#error "the nested and fallback clients are qspin's and cna's"
#endif
#endif

static inline void critical_section(u32 me)
{
	__atomic_store_n(&owner, me, __ATOMIC_RELAXED);
	sections++;
	assert(__atomic_load_n(&owner, __ATOMIC_RELAXED) == me);
}

static void *thread(void *arg)
{
	u32 me = (u32)(uintptr_t)arg + 1;
	u32 r1, r2;

	blk_model_cpu = me - 1;
#ifdef BLK_MAIN_HOLDS
	blk_model_cpu = queue_cpu(me - 1);
#endif

#if defined(BLK_CLIENT_nested) || defined(BLK_CLIENT_fallback)
	/* the outer context's nodes: taken, never touched again; then mutex */
	nest_base(me - 1)->count = BLK_NESTED;
#endif
#if defined(BLK_CLIENT_mutex) || defined(BLK_CLIENT_reacquire) || \
	defined(BLK_CLIENT_nested) || defined(BLK_CLIENT_fallback)
	v_lock();
	critical_section(me);
	v_unlock();
#if defined(BLK_CLIENT_reacquire)
	v_lock();
	critical_section(me);
	v_unlock();
#endif
#elif defined(BLK_CLIENT_mp)
	v_lock();
	if (me == 1) {
		__atomic_store_n(&x, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&y, 1, __ATOMIC_RELAXED);
	} else {
		r1 = __atomic_load_n(&y, __ATOMIC_RELAXED);
		r2 = __atomic_load_n(&x, __ATOMIC_RELAXED);
		assert(!(r1 == 1 && r2 == 0));
	}
	v_unlock();
#elif defined(BLK_CLIENT_ordered)
	if (me == 1) {
		v_lock();
		__atomic_store_n(&holds, 1, __ATOMIC_RELAXED);
		wait_queued(BLK_THREADS - 1);
		critical_section(me);
		v_unlock();
	} else {
		if (me == 2) {
			while (!__atomic_load_n(&holds, __ATOMIC_RELAXED))
				;
		} else {
			wait_queued(me - 2);
		}
		v_lock();
		critical_section(me);
		v_unlock();
		if (me == 2) {
			v_lock();
			critical_section(me);
			v_unlock();
		}
	}
#elif defined(BLK_MAIN_HOLDS)
	/* behind main(), then behind the thread before */
	if (me > 1)
		wait_queued(queue_cpu(me - 2));
	v_lock();
	critical_section(me);
	v_unlock();
#elif defined(BLK_CLIENT_undo)
	if (me == 1) {
		v_lock();
		__atomic_store_n(&holds, 1, __ATOMIC_RELAXED);
		/* until somebody queues */
		while (!(__atomic_load_n(&the_lock.val, __ATOMIC_RELAXED) & BLK_QS_TAIL_MASK))
			;
	} else {
		while (!__atomic_load_n(&holds, __ATOMIC_RELAXED))
			;
		v_lock();
	}
	critical_section(me);
	v_unlock();
#elif defined(BLK_CLIENT_trylock) || defined(BLK_CLIENT_tryreacquire)
	if (me == 1) {
		if (v_trylock()) {
			critical_section(me);
			v_unlock();
		} else {
			__atomic_fetch_sub(&expected, 1, __ATOMIC_RELAXED);
		}
	} else {
		v_lock();
		critical_section(me);
		v_unlock();
#if defined(BLK_CLIENT_tryreacquire)
		v_lock();
		critical_section(me);
		v_unlock();
#endif
	}
#else
#error "BLK_CLIENT_: a client named above (mutex, mp, ..., undo)"
#endif
	(void)r1;
	(void)r2;
	return NULL;
}

int main(void)
{
	pthread_t t[BLK_THREADS];
	int i;

	BLK_OP(BLK_VERIFY_KIND, _init)(&the_lock);
	__atomic_store_n(&expected, BLK_THREADS * BLK_SECTIONS + BLK_EXTRA_SECTIONS,
			 __ATOMIC_RELAXED);
#ifdef BLK_MAIN_HOLDS
	/* main() holds the lock, on a CPU of its own */
	blk_model_cpu = BLK_MAIN_CPU;
	v_lock();
	critical_section(BLK_THREADS + 1);
#endif
	for (i = 0; i < BLK_THREADS; i++)
		pthread_create(&t[i], NULL, thread, (void *)(uintptr_t)i);
#ifdef BLK_MAIN_HOLDS
	/* until the last thread has queued */
	wait_queued(queue_cpu(BLK_THREADS - 1));
	v_unlock();
#endif
	for (i = 0; i < BLK_THREADS; i++)
		pthread_join(t[i], NULL);
#ifndef BLK_CLIENT_mp
	assert(sections == __atomic_load_n(&expected, __ATOMIC_RELAXED));
#endif
	return 0;
}
