/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock's host world: the kernel API that the lock bodies, the engine's
 * loop (blk_loop.c), the clock, the statistics and the record emitter use,
 * implemented over the C library, C11 atomics and POSIX threads, so that
 * those files compile unchanged and run on the host's own cores
 * (tools/host/blk_host.c is the engine that drives them).
 *
 * The build (tools/host/Makefile) defines BLK_HOST, which selects this
 * world in blk_env.h, and generates every <linux/...>, <asm/...> and
 * <trace/...> header those files include as one line that includes this
 * one: one file holds the whole world, as the kernel's tools/include does
 * for its user-space tools.
 *
 * What each thing is here:
 *
 *   atomics     READ_ONCE()/WRITE_ONCE() are relaxed C11 atomics (the
 *               __atomic builtins), so that ThreadSanitizer sees every
 *               access to a lock word as the atomic it is in the kernel
 *   cpu_relax() the CPU's own: PAUSE on x86, YIELD on arm64, with the
 *               kernel's compiler barrier
 *   preemption, lockdep, sparse, tracepoints, interrupts: nothing; a user
 *               thread is preempted whenever the host likes, which is what
 *               the oversubscribed runs measure
 *   per-CPU     one copy per *thread*: the variables live in the section
 *               blk_percpu (the prototype) and each thread gets its own
 *               copy of the whole section, at an offset from it, as the
 *               kernel gives each CPU its per-CPU area; smp_processor_id()
 *               is the thread's index among the run's threads, so that two
 *               threads on one CPU never share an MCS, CLH, Hemlock or
 *               qspin node. The copies are made as runs need them and
 *               kept for the program's life, as a kernel's per-CPU areas
 *               (blk_host_percpu_alloc()), and a thread's index is checked
 *               against them (blk_host_enter()). raw_smp_processor_id(),
 *               which only the engine's stray check uses, is the CPU the
 *               thread runs on (sched_getcpu()).
 *   NUMA        numa_node_id() is the node of the CPU the thread was pinned
 *               to, cpu_to_node() any CPU's, from /sys/devices/system/node
 *   clock       ktime_get_ns() and local_clock() are CLOCK_MONOTONIC;
 *               get_cycles() and rdtsc_ordered() the CPU's counter (RDTSC
 *               after LFENCE, CNTVCT_EL0 after ISB), calibrated against it
 *               by blk_calibrate() as in the module
 *   output      a seq_file is a stdio stream; seq_printf() knows the
 *               kernel's %*pbl (a CPU list) besides C's conversions
 */
#ifndef _BLK_HOST_H
#define _BLK_HOST_H

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/cdefs.h>

/* The configuration the kernel's Kconfig would give: the host's CPU. */
#if defined(__x86_64__)
#define CONFIG_X86		1
#define CONFIG_X86_64		1
#elif defined(__aarch64__)
#define CONFIG_ARM64		1
#define CONFIG_ARM64_LSE_ATOMICS 1
#endif
#define CONFIG_SMP		1
#define KBUILD_MODNAME		"blacklock"

#define __ARG_PLACEHOLDER_1	0,
#define __take_second_arg(__ignored, val, ...)	val
#define ____is_defined(arg1_or_junk)	__take_second_arg(arg1_or_junk 1, 0)
#define ___is_defined(val)	____is_defined(__ARG_PLACEHOLDER_##val)
#define __is_defined(x)		___is_defined(x)
#define IS_ENABLED(option)	__is_defined(option)

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef unsigned long long u64;
typedef __INT32_TYPE__ s32;
typedef long long s64;
typedef unsigned int gfp_t;

#define U32_MAX			((u32)~0U)
#define U64_MAX			((u64)~0ULL)
#define NSEC_PER_USEC		1000ULL
#define NSEC_PER_MSEC		1000000ULL
#define NSEC_PER_SEC		1000000000ULL
#define USEC_PER_MSEC		1000ULL
#define MSEC_PER_SEC		1000ULL

/* compiler.h, kcsan-checks.h, the annotations */
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define noinline		__attribute__((__noinline__))
#define __section(s)		__attribute__((__section__(s)))
#define __maybe_unused		__attribute__((__unused__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define barrier()		__asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#ifdef __SANITIZE_THREAD__
/*
 * The kernel's meaning: the reads in @expr are no race to report (the
 * harness's peeks at data a lock holder writes, KCSAN's data_race()).
 */
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
#define data_race(expr) ({						\
	__auto_type __v = ({ AnnotateIgnoreReadsBegin(__FILE__, __LINE__); (expr); }); \
	AnnotateIgnoreReadsEnd(__FILE__, __LINE__);			\
	__v;								\
})
#else
#define data_race(expr)		(expr)
#endif
#define ASSERT_EXCLUSIVE_ACCESS(var)	((void)0)
#define __acquires(x)
#define __releases(x)
#define __acquire(x)		((void)0)
#define __release(x)		((void)0)
#define __cond_lock(x, c)	(c)
#define _RET_IP_		((unsigned long)__builtin_return_address(0))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define ALIGN(x, a)		(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define fallthrough		__attribute__((__fallthrough__))
#define BUILD_BUG_ON(c)		static_assert(!(c), #c)

/* bits.h, bitops.h, log2.h */
#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static inline bool is_power_of_2(unsigned long n)
{
	return n && !(n & (n - 1));
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << fls64(n - 1);
}

/* minmax.h */
#define min(a, b)	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
#define min_t(t, a, b)	({ t _a = (a); t _b = (b); _a < _b ? _a : _b; })
#define max_t(t, a, b)	({ t _a = (a); t _b = (b); _a > _b ? _a : _b; })
#define clamp_t(t, v, lo, hi)	min_t(t, max_t(t, v, lo), hi)
#define min_not_zero(a, b)	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); \
				   !_a ? _b : !_b ? _a : min(_a, _b); })

/* math64.h */
static inline u64 mul_u64_u64_div_u64(u64 a, u64 b, u64 c)
{
	return (u64)((__uint128_t)a * b / c);
}

static inline u64 mul_u64_u32_div(u64 a, u32 b, u32 c)
{
	return mul_u64_u64_div_u64(a, b, c);
}

static inline u64 div_u64(u64 a, u32 b)
{
	return a / b;
}

static inline u64 div64_u64(u64 a, u64 b)
{
	return a / b;
}

static inline u64 div64_u64_rem(u64 a, u64 b, u64 *rem)
{
	*rem = a % b;
	return a / b;
}

/* cache.h */
#define SMP_CACHE_BYTES		64
#define ____cacheline_aligned	__attribute__((__aligned__(SMP_CACHE_BYTES)))

/* overflow.h */
#define struct_size(p, member, n)	(sizeof(*(p)) + (size_t)(n) * sizeof(*(p)->member))

/* printk.h, bug.h */
#ifndef pr_fmt
#define pr_fmt(fmt)		fmt
#endif
#define pr_info(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	fprintf(stderr, pr_fmt(fmt), ##__VA_ARGS__)
#define WARN_ONCE(cond, fmt, ...) ({					\
	static bool __warned;						\
	bool __c = !!(cond);						\
	if (__c && !__warned) {						\
		__warned = true;					\
		fprintf(stderr, "WARNING: " fmt, ##__VA_ARGS__);	\
	}								\
	__c;								\
})

#define WARN_ON(cond)		WARN_ONCE(cond, "%s:%d: %s\n", __FILE__, __LINE__, #cond)

/* slab.h */
#define GFP_KERNEL		0U
static inline void *kzalloc(size_t n, gfp_t gfp)
{
	return calloc(1, n);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

#define kvzalloc		kzalloc
#define kvfree			kfree
#define kcalloc(n, size, gfp)	calloc((n), (size))
#define kvcalloc		kcalloc

/* sort.h */
#define sort(base, num, size, cmp, swap)	qsort((base), (num), (size), (cmp))

/* string.h, kstrtox.h */
bool sysfs_streq(const char *a, const char *b);
int __sysfs_match_string(const char *const *array, size_t n, const char *str);
int kstrtou32(const char *s, unsigned int base, u32 *res);

/* preempt.h, sched.h, irqflags.h, lockdep.h: nothing */
#define preempt_disable()	barrier()
#define preempt_enable()	barrier()
#define cond_resched()		((void)0)
#define local_irq_save(flags)	((flags) = 0)
#define local_irq_restore(flags)	((void)(flags))
struct lock_class_key { int unused; };
#define spin_acquire(map, s, t, ip)	do { } while (0)
#define spin_release(map, ip)		do { } while (0)
#define lockdep_set_class_and_name(lock, key, name)	((void)(lock), (void)(key))
#define lockdep_assert_held(lock)	((void)(lock))

/* processor.h */
#if defined(__x86_64__) || defined(__i386__)
#define blk_host_pause()	__asm__ __volatile__("pause" ::: "memory")
#elif defined(__aarch64__)
#define blk_host_pause()	__asm__ __volatile__("yield" ::: "memory")
#else
#define blk_host_pause()	barrier()
#endif
/*
 * The check builds (never the measured one) also give the CPU away every
 * 1024 waits: with more threads than CPUs (blk-host nest threads=4) a
 * FIFO lock's waiter would otherwise spin out its time slice behind a
 * preempted holder or successor, each handoff costing one, and the run
 * minutes. A kernel waiter is never preempted; a user thread may be at
 * any instruction, so this only makes sooner what may happen anyway.
 */
#ifdef BLK_HOST_YIELD
extern __thread unsigned int blk_host_waits;
#define cpu_relax() do {						\
	blk_host_pause();						\
	if (!(++blk_host_waits & 1023))					\
		sched_yield();						\
} while (0)
#else
#define cpu_relax()		blk_host_pause()
#endif

/* asm/lse.h: the CPU's LSE atomics, from the auxiliary vector at start */
#ifdef CONFIG_ARM64
extern bool blk_host_lse;
#define system_uses_lse_atomics()	blk_host_lse
#define __LSE_PREAMBLE		".arch_extension lse\n"
#endif

/* timekeeping.h, timex.h, delay.h, sched/clock.h */
u64 ktime_get_ns(void);
#define local_clock()		ktime_get_ns()
void msleep(unsigned int ms);
#define usleep_range(lo, hi)	msleep(1)

static __always_inline u64 get_cycles(void)
{
#if defined(__x86_64__)
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a" (lo), "=d" (hi));
	return ((u64)hi << 32) | lo;
#elif defined(__aarch64__)
	u64 v;

	__asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r" (v) :: "memory");
	return v;
#else
	return 0;
#endif
}

#if defined(__x86_64__)
/* the kernel's: no earlier instruction's result is still pending */
static __always_inline u64 rdtsc_ordered(void)
{
	__asm__ __volatile__("lfence" ::: "memory");
	return get_cycles();
}
#endif

/*
 * percpu.h, smp.h, topology.h: one copy per thread of everything in the
 * section blk_percpu, at blk_host_offset from the prototype.
 */
extern __thread long blk_host_offset;
extern __thread int blk_host_cpu;
extern __thread int blk_host_node;
extern long *blk_host_offsets;
extern unsigned int blk_host_nr_copies;

#define BLK_HOST_PERCPU		__section("blk_percpu")
#define DECLARE_PER_CPU(type, name)		extern __typeof__(type) name
#define DEFINE_PER_CPU(type, name)		BLK_HOST_PERCPU __typeof__(type) name
#define DECLARE_PER_CPU_ALIGNED(type, name)	extern __typeof__(type) name
#define DEFINE_PER_CPU_ALIGNED(type, name)	\
	BLK_HOST_PERCPU __typeof__(type) name __attribute__((__aligned__(128)))
/* the kernel's: the compiler may not know where the copy's pointer came from */
#define RELOC_HIDE(ptr, off) ({						\
	unsigned long __ptr;						\
	__asm__ ("" : "=r" (__ptr) : "0" (ptr));			\
	(__typeof__(ptr))(__ptr + (off));				\
})
#define per_cpu_ptr(ptr, cpu)	RELOC_HIDE(ptr, blk_host_offsets[(cpu)])
#define this_cpu_ptr(ptr)	RELOC_HIDE(ptr, blk_host_offset)
#define __this_cpu_add(pcp, n)	((*this_cpu_ptr(&(pcp))) += (n))
#define __this_cpu_inc(pcp)	__this_cpu_add(pcp, 1)
#define this_cpu_inc(pcp)	__this_cpu_add(pcp, 1)
#define for_each_possible_cpu(cpu)	\
	for ((cpu) = 0; (cpu) < (int)blk_host_nr_copies; (cpu)++)
#define smp_processor_id()	blk_host_cpu
int raw_smp_processor_id(void);
#define numa_node_id()		blk_host_node
int cpu_to_node(int cpu);

const char *blk_host_cpu_model(void);
void blk_host_world_init(void);
/* workqueue.h: @fn on a thread of its own pinned to @cpu, as thread 0 */
long work_on_cpu(int cpu, long (*fn)(void *arg), void *arg);
int blk_host_percpu_alloc(unsigned int threads);
void blk_host_enter(unsigned int idx, int cpu);

/* cpumask.h: enough CPUs for any host */
#define BLK_HOST_NR_CPUS	4096
struct cpumask {
	unsigned long bits[BLK_HOST_NR_CPUS / (8 * sizeof(unsigned long))];
};

static inline void cpumask_set_cpu(unsigned int cpu, struct cpumask *m)
{
	m->bits[cpu / (8 * sizeof(long))] |= 1UL << (cpu % (8 * sizeof(long)));
}

static inline bool cpumask_test_cpu(int cpu, const struct cpumask *m)
{
	return m->bits[cpu / (8 * sizeof(long))] >> (cpu % (8 * sizeof(long))) & 1;
}

extern unsigned int nr_cpu_ids;
#define cpumask_pr_args(m)	(int)nr_cpu_ids, (m)->bits
#define cpumask_copy(dst, src)	((void)(*(dst) = *(src)))
#define cpumask_clear(m)	((void)memset((m), 0, sizeof(*(m))))
extern struct cpumask blk_host_possible, blk_host_online;
#define cpu_possible_mask	(&blk_host_possible)
#define cpu_online_mask		(&blk_host_online)
int cpumask_next(int cpu, const struct cpumask *m);
#define for_each_cpu(cpu, m)	\
	for ((cpu) = cpumask_next(-1, (m)); (cpu) < (int)nr_cpu_ids;	\
	     (cpu) = cpumask_next((cpu), (m)))
int cpulist_parse(const char *buf, struct cpumask *m);
unsigned int cpumask_first(const struct cpumask *m);
bool cpumask_subset(const struct cpumask *a, const struct cpumask *b);
bool cpumask_intersects(const struct cpumask *a, const struct cpumask *b);
unsigned int cpumask_weight(const struct cpumask *m);

/* mutex.h */
struct mutex {
	pthread_mutex_t m;
};

#define DEFINE_MUTEX(name)	struct mutex name = { PTHREAD_MUTEX_INITIALIZER }
#define mutex_lock(x)		pthread_mutex_lock(&(x)->m)
#define mutex_unlock(x)		pthread_mutex_unlock(&(x)->m)

/* utsname.h */
struct new_utsname {
	char release[65];
};

struct new_utsname *init_utsname(void);

/* seq_file.h: a stdio stream */
struct seq_file {
	FILE *f;
};

/* no format attribute: C knows no %*pbl */
void seq_printf(struct seq_file *m, const char *fmt, ...);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);

/* tracepoint.h: no tracepoints */
#define TP_PROTO(...)		__VA_ARGS__
#define TP_ARGS(...)		__VA_ARGS__
#define TRACE_EVENT(name, proto, args, tstruct, assign, print)		\
	static inline void trace_##name(proto)				\
	{								\
	}								\
	static inline bool trace_##name##_enabled(void)			\
	{								\
		return false;						\
	}

#endif /* _BLK_HOST_H */
