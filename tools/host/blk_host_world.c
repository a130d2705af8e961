// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock's host world: what tools/host/blk_host.h declares and a kernel
 * would provide: per-thread copies of the per-CPU variables, the CPUs'
 * NUMA nodes, the clock, and seq_file output over stdio.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#ifdef __aarch64__
#include <sys/auxv.h>
#endif

#include "blk_host.h"

__thread long blk_host_offset;
__thread int blk_host_cpu;
__thread int blk_host_node;
#ifdef BLK_HOST_YIELD
__thread unsigned int blk_host_waits;
#endif
long *blk_host_offsets;
unsigned int blk_host_nr_copies;
unsigned int nr_cpu_ids = BLK_HOST_NR_CPUS;
struct cpumask blk_host_possible, blk_host_online;
#ifdef CONFIG_ARM64
bool blk_host_lse;
#endif

/* The prototype: every DEFINE_PER_CPU*() of the program, by the linker. */
extern char __start_blk_percpu[], __stop_blk_percpu[];
static char **blk_host_copies;

#define BLK_HOST_COPY_ALIGN	128

/**
 * blk_host_percpu_alloc() - a copy of every per-CPU variable per thread.
 * @threads: how many threads the run has.
 *
 * Each copy starts as the prototype is (zeroes, as the kernel's per-CPU
 * areas do) and is a separate allocation, aligned as the variables ask,
 * so no two threads' copies share a cache line. The copies live as long as
 * the program, as a kernel's per-CPU areas live as long as it: a run with
 * more threads adds copies, and none is freed between runs, for what a
 * lock keeps across runs may be in one (the node a free CLH lock holds).
 *
 * Return: 0, or -ENOMEM (the copies made before stay).
 */
int blk_host_percpu_alloc(unsigned int threads)
{
	size_t size = (size_t)(__stop_blk_percpu - __start_blk_percpu);
	long *offsets;
	char **copies;
	unsigned int i;

	if (threads <= blk_host_nr_copies)
		return 0;
	size = (size + BLK_HOST_COPY_ALIGN - 1) & ~(size_t)(BLK_HOST_COPY_ALIGN - 1);
	offsets = realloc(blk_host_offsets, threads * sizeof(*blk_host_offsets));
	if (offsets)
		blk_host_offsets = offsets;
	copies = realloc(blk_host_copies, threads * sizeof(*blk_host_copies));
	if (copies)
		blk_host_copies = copies;
	if (!offsets || !copies)
		return -ENOMEM;
	for (i = blk_host_nr_copies; i < threads; i++) {
		blk_host_copies[i] = aligned_alloc(BLK_HOST_COPY_ALIGN, size);
		if (!blk_host_copies[i])
			return -ENOMEM;
		memcpy(blk_host_copies[i], __start_blk_percpu,
		       (size_t)(__stop_blk_percpu - __start_blk_percpu));
		blk_host_offsets[i] = blk_host_copies[i] - __start_blk_percpu;
		blk_host_nr_copies = i + 1;
	}
	return 0;
}

/**
 * blk_host_enter() - make the calling thread the run's thread @idx.
 * @idx: its index: its per-CPU copy, smp_processor_id().
 * @cpu: the CPU it is pinned to (its NUMA node), or -1.
 *
 * An index without a copy is a bug of the caller: it stops the program
 * rather than let two threads share a queue node.
 */
void blk_host_enter(unsigned int idx, int cpu)
{
	if (idx >= blk_host_nr_copies) {
		fprintf(stderr, "blacklock: thread %u of %u per-CPU copies\n",
			idx, blk_host_nr_copies);
		abort();
	}
	blk_host_offset = blk_host_offsets[idx];
	blk_host_cpu = (int)idx;
	blk_host_node = cpu >= 0 ? cpu_to_node(cpu) : 0;
}

int raw_smp_processor_id(void)
{
	return sched_getcpu();
}

/* The node directory under the CPU's sysfs entry (nodeN); 0 without one. */
int cpu_to_node(int cpu)
{
	char path[64];
	int node;

	for (node = 0; node < 1024; node++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/node%d",
			 cpu, node);
		if (!access(path, F_OK))
			return node;
	}
	return 0;
}

u64 ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
}

void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The kernel's: equal, but for one trailing newline on either. */
bool sysfs_streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	if (*a == *b)
		return true;
	if (*a == '\n' && !a[1] && !*b)
		return true;
	return *b == '\n' && !b[1] && !*a;
}

/* The index of @str in @array, or -EINVAL. */
int __sysfs_match_string(const char *const *array, size_t n, const char *str)
{
	size_t i;

	for (i = 0; i < n && array[i]; i++)
		if (sysfs_streq(array[i], str))
			return (int)i;
	return -EINVAL;
}

/* Decimal (or @base) digits and nothing else, but one trailing newline. */
int kstrtou32(const char *s, unsigned int base, u32 *res)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end == '\n')
		end++;
	if (*end || errno || v > U32_MAX)
		return -EINVAL;
	*res = (u32)v;
	return 0;
}

/* "0-3,8": the kernel's list syntax (no strides). */
int cpulist_parse(const char *buf, struct cpumask *m)
{
	const char *p = buf;
	unsigned long a, b;
	char *end;

	cpumask_clear(m);
	while (*p && *p != '\n') {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		a = strtoul(p, &end, 10);
		b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (a > b || b >= nr_cpu_ids)
			return -EINVAL;
		while (a <= b)
			cpumask_set_cpu(a++, m);
		p = end;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	return 0;
}

bool cpumask_subset(const struct cpumask *a, const struct cpumask *b)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(a->bits); i++)
		if (a->bits[i] & ~b->bits[i])
			return false;
	return true;
}

bool cpumask_intersects(const struct cpumask *a, const struct cpumask *b)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(a->bits); i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

/* The CPU of @m after @cpu, or nr_cpu_ids. */
int cpumask_next(int cpu, const struct cpumask *m)
{
	for (cpu++; cpu < (int)nr_cpu_ids && !cpumask_test_cpu(cpu, m); cpu++)
		;
	return cpu;
}

unsigned int cpumask_first(const struct cpumask *m)
{
	return (unsigned int)cpumask_next(-1, m);
}

struct blk_host_work {
	int cpu;
	long (*fn)(void *arg);
	void *arg;
	long ret;
};

static void *blk_host_work_fn(void *p)
{
	struct blk_host_work *hw = p;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(hw->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		hw->ret = -errno;
		return NULL;
	}
	blk_host_enter(0, hw->cpu);
	hw->ret = hw->fn(hw->arg);
	return NULL;
}

long work_on_cpu(int cpu, long (*fn)(void *arg), void *arg)
{
	struct blk_host_work hw = { cpu, fn, arg, 0 };
	pthread_t t;

	if (pthread_create(&t, NULL, blk_host_work_fn, &hw))
		return -EAGAIN;
	pthread_join(t, NULL);
	return hw.ret;
}

unsigned int cpumask_weight(const struct cpumask *m)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(m->bits); i++)
		n += __builtin_popcountl(m->bits[i]);
	return n;
}

struct new_utsname *init_utsname(void)
{
	static struct new_utsname u;
	struct utsname n;

	if (!u.release[0] && !uname(&n))
		snprintf(u.release, sizeof(u.release), "%s", n.release);
	return &u;
}

/* The kernel's %*pbl: a CPU list, ranges joined ("0-3,8"). */
static void blk_host_cpulist(FILE *f, int nbits, const unsigned long *bits)
{
	const int w = 8 * sizeof(long);
	int i = 0, j;
	bool first = true;

	while (i < nbits) {
		if (!(bits[i / w] >> (i % w) & 1)) {
			i++;
			continue;
		}
		for (j = i; j + 1 < nbits && bits[(j + 1) / w] >> ((j + 1) % w) & 1; j++)
			;
		fprintf(f, j > i ? "%s%d-%d" : "%s%d", first ? "" : ",", i, j);
		first = false;
		i = j + 1;
	}
}

/*
 * C's conversions, one at a time (flags, width or *, precision, h/l/ll/z),
 * and %*pbl.
 */
void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	char spec[32];
	const char *p;
	va_list ap;
	int width, longs;
	size_t n;

	va_start(ap, fmt);
	for (p = fmt; *p; p++) {
		if (*p != '%') {
			fputc(*p, m->f);
			continue;
		}
		if (p[1] == '%') {
			fputc('%', m->f);
			p++;
			continue;
		}
		n = strspn(p + 1, "-+ #0123456789.*hlz");
		if (n + 3 > sizeof(spec))
			break;
		memcpy(spec, p, n + 2);
		spec[n + 2] = '\0';
		longs = 0;
		for (width = 1; width <= (int)n; width++)
			longs += spec[width] == 'l' || spec[width] == 'z';
		if (spec[n + 1] == 'p' && p[n + 2] == 'b' && p[n + 3] == 'l') {
			width = va_arg(ap, int);
			blk_host_cpulist(m->f, width, va_arg(ap, const unsigned long *));
			p += n + 3;
			continue;
		}
		width = memchr(spec, '*', n + 1) ? va_arg(ap, int) : -1;
#define BLK_PUT(type)	(width >= 0 ? fprintf(m->f, spec, width, va_arg(ap, type)) : \
			 fprintf(m->f, spec, va_arg(ap, type)))
		switch (spec[n + 1]) {
		case 's':
			BLK_PUT(const char *);
			break;
		case 'd': case 'i': case 'c':
			if (longs)
				BLK_PUT(long long);
			else
				BLK_PUT(int);
			break;
		default:	/* u, x, X, o */
			if (longs)
				BLK_PUT(unsigned long long);
			else
				BLK_PUT(unsigned int);
			break;
		}
#undef BLK_PUT
		p += n + 1;
	}
	va_end(ap);
}

void seq_puts(struct seq_file *m, const char *s)
{
	fputs(s, m->f);
}

void seq_putc(struct seq_file *m, char c)
{
	fputc(c, m->f);
}

/* The CPU's name, as /proc/cpuinfo gives it ("model name", or arm64's part). */
const char *blk_host_cpu_model(void)
{
	static char model[128];
	char line[256], *v;
	FILE *f;

	if (model[0])
		return model;
	snprintf(model, sizeof(model), "unknown");
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		v = strchr(line, ':');
		if (!v || (strncmp(line, "model name", 10) && strncmp(line, "CPU part", 8)))
			continue;
		v += 1 + strspn(v + 1, " \t");
		v[strcspn(v, "\n")] = '\0';
		snprintf(model, sizeof(model), "%s", v);
		break;
	}
	if (f)
		fclose(f);
	return model;
}

/* Set once, before any thread: the CPUs the host has and how it does CAS. */
void blk_host_world_init(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	cpu_set_t online;
	int cpu;

	if (n > BLK_HOST_NR_CPUS)	/* said, never silent */
		fprintf(stderr, "blacklock: %ld CPUs: the host world knows the first %d\n",
			n, BLK_HOST_NR_CPUS);
	nr_cpu_ids = n > 0 && n < BLK_HOST_NR_CPUS ? (unsigned int)n : BLK_HOST_NR_CPUS;
	for (cpu = 0; cpu < (int)nr_cpu_ids; cpu++)
		cpumask_set_cpu(cpu, &blk_host_possible);
	/* online: the CPUs this process may run on */
	if (!sched_getaffinity(0, sizeof(online), &online))
		for (cpu = 0; cpu < (int)nr_cpu_ids && cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &online))
				cpumask_set_cpu(cpu, &blk_host_online);
#ifdef CONFIG_ARM64
	blk_host_lse = getauxval(AT_HWCAP) & HWCAP_ATOMICS;
#endif
}
