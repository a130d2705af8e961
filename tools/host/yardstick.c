// SPDX-License-Identifier: GPL-2.0
/*
 * blk-yardstick: the simplest lock loop there is on the host's cores,
 * written apart from blacklock and sharing none of its code, for
 * tools/host.sh precision to hold the host world's engine against (as
 * tools/yardstick is the module's).
 *
 * One thread per online CPU, pinned. Each takes a one-byte test-and-test-
 * and-set lock (a weak acquire compare-and-exchange, a relaxed spin with
 * PAUSE or YIELD, a release store), increments a plain counter on a cache
 * line of its own, and looks at the clock every 1024 pairs, for MS
 * milliseconds. Prints one line: "acquisitions N ns D threads T".
 *
 *   blk-yardstick [MS]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdalign.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static inline void ys_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

static alignas(64) unsigned char ys_lock;
static alignas(64) uint64_t ys_counter;
static unsigned int ys_ready;
static bool ys_go;
static uint64_t ys_ms = 1000;

struct ys_thread {
	alignas(64) pthread_t tid;
	int cpu;
	uint64_t acquisitions;
	uint64_t t_end;
};

static uint64_t ys_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void *ys_fn(void *arg)
{
	struct ys_thread *me = arg;
	uint64_t n = 0, end;
	cpu_set_t set;
	unsigned char free;
	unsigned int i;

	CPU_ZERO(&set);
	CPU_SET(me->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("blk-yardstick: sched_setaffinity");
		exit(1);
	}
	__atomic_add_fetch(&ys_ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&ys_go, __ATOMIC_ACQUIRE))
		ys_relax();
	end = ys_now() + ys_ms * 1000000ULL;
	while (ys_now() < end) {
		for (i = 0; i < 1024; i++) {
			for (;;) {
				free = 0;
				if (__atomic_compare_exchange_n(&ys_lock, &free, 1, true,
								__ATOMIC_ACQUIRE,
								__ATOMIC_RELAXED))
					break;
				while (__atomic_load_n(&ys_lock, __ATOMIC_RELAXED))
					ys_relax();
			}
			ys_counter++;
			__atomic_store_n(&ys_lock, 0, __ATOMIC_RELEASE);
		}
		n += 1024;
	}
	me->acquisitions = n;
	me->t_end = ys_now();
	return NULL;
}

int main(int argc, char **argv)
{
	struct ys_thread *th;
	uint64_t t_go, end = 0, sum = 0;
	cpu_set_t online;
	int cpu, n = 0, i;

	if (argc == 2)
		ys_ms = strtoull(argv[1], NULL, 10);
	if (argc > 2 || !ys_ms) {
		fprintf(stderr, "usage: blk-yardstick [MS]\n");
		return 2;
	}
	if (sched_getaffinity(0, sizeof(online), &online))
		return 1;
	th = calloc(CPU_COUNT(&online), sizeof(*th));
	if (!th)
		return 1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &online))
			th[n++].cpu = cpu;
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i].tid, NULL, ys_fn, &th[i]))
			return 1;
	while (__atomic_load_n(&ys_ready, __ATOMIC_ACQUIRE) < (unsigned int)n)
		usleep(100);
	t_go = ys_now();
	__atomic_store_n(&ys_go, true, __ATOMIC_RELEASE);
	for (i = 0; i < n; i++) {
		pthread_join(th[i].tid, NULL);
		sum += th[i].acquisitions;
		if (th[i].t_end > end)
			end = th[i].t_end;
	}
	printf("acquisitions %llu ns %llu threads %d counter_ok %d\n",
	       (unsigned long long)sum, (unsigned long long)(end - t_go), n,
	       ys_counter == sum);
	return ys_counter == sum ? 0 : 1;
}
