// SPDX-License-Identifier: GPL-2.0
/*
 * blacklock on the host's own cores: the host world's engine.
 *
 * The module's knobs, lock menu, loops, clock, statistics and records,
 * compiled as they are over tools/host/blk_host.h, driven by POSIX threads
 * instead of kthreads: one thread per CPU of the run, pinned with
 * sched_setaffinity(), or, with threads=N above the CPUs, N threads pinned
 * round robin (oversubscribed: the host then preempts lock holders and
 * waiters as it likes, which is the point). Each thread measures its
 * harness floor (blk_floor()), meets the others at a start barrier, runs
 * the kind's own loop (blk_loop.c) until the deadline, and its share goes
 * into the record through blk_record.c's blk_result_*(), as the module's
 * blk_collect() does.
 *
 *   blk-host CMD [ARG ...] [, CMD [ARG ...]] ...
 *
 * runs commands in order, as the module's control file and blkctl do:
 *
 *   run [KNOB=VALUE ...] [threads=N]
 *           one run, kept as the module keeps it; its knobs are the
 *           defaults but for those given; threads=N: N threads pinned round
 *           robin on the run's CPUs (default: one per CPU)
 *   cost [cpus=LIST]
 *           every kind's uncontended lock/unlock pair on one CPU
 *           (blk_cost.c), as the module's "cost"; its ratios are to qspin
 *   stats | stats.json
 *           every kept run and the last cost, as the module's files, between
 *           BLK-STATS-BEGIN/END or BLK-JSON-BEGIN/END lines (the console
 *           protocol of the guest, Documentation/blacklock.rst)
 *   reset   forget the kept runs
 *   locks | keys | knobs
 *           the menu, the run record's keys (between BLK-KEYS-BEGIN/END),
 *           the knobs with their limits
 *
 * Each run also prints a one-line summary on stderr.
 *
 * Knobs: the module's names, limits and defaults (blk_knobs_list.h), read
 * by blk_knobs.c; irq_hz is the module's alone (refused here). A bad
 * value: an error naming it, exit status 2.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "blk_host.h"
#include "blk_clock.h"
#include "blk_contention.h"
#include "blk_engine.h"
#include "blk_knobs.h"
#include "blk_record.h"
#include "kunit/blk_nest.h"

/* One thread of the run: what the module keeps per CPU (blk_run.h). */
struct blk_host_thread {
	pthread_t tid;
	int cpu;
	struct blk_worker worker;
	u64 floor_cycles;	/* millicycles per iteration */
	u64 timed_extra;	/* sample_every=auto: what timing adds */
	u64 t_end;
	struct blk_hist acquire;
	struct blk_hist hold;
	struct blk_hist handoff;
	struct blk_shared floor;
} ____cacheline_aligned;

static struct blk_host_run {
	struct blk_config cfg;
	unsigned int nr;
	struct blk_host_thread *th;
	bool sample_auto;
	u64 sample_every;
	u64 sample_cost_ppm;
	u64 timed_extra;
	unsigned int arrive;
	u64 t_go;
	u64 deadline_ns;
	bool go;
	bool stop;
} blk_host;

static struct blk_shared *blk_host_shared;	/* the run's nlocks locks and data */

static blk_hammer_fn *blk_host_loop_of(const struct blk_lock_ops *ops)
{
	if (blk_host.cfg.loop == BLK_LOOP_REFERENCE)
		return ops->reference;
	if (blk_host.cfg.check == BLK_CHECK_COUNT)
		return ops->hammer_count;
	return ops->hammer;
}

/* sample_every=auto, by the module's arithmetic (blk_loop.h). */
static void blk_host_choose_sample_every(void)
{
	u64 n = 1, cost = 0, most = 0;
	unsigned int i;

	for (i = 0; i < blk_host.nr; i++) {
		const struct blk_host_thread *t = &blk_host.th[i];

		most = max(most, t->timed_extra);
		n = max(n, blk_sample_want(t->timed_extra, max(t->floor_cycles, 1ULL)));
	}
	n = blk_sample_stride(n);
	for (i = 0; i < blk_host.nr; i++) {
		struct blk_host_thread *t = &blk_host.th[i];
		const u64 floor = max(t->floor_cycles, 1ULL);

		cost = max(cost, blk_sample_cost(t->timed_extra, n, floor));
		t->floor_cycles += div64_u64(t->timed_extra, n);
	}
	blk_host.sample_every = n;
	blk_host.cfg.sample_every = n;
	blk_host.sample_cost_ppm = cost;
	blk_host.timed_extra = most;
}

/* Every thread arrives; the last sets the start and the deadline. */
static void blk_host_barrier(void)
{
	if (__atomic_sub_fetch(&blk_host.arrive, 1, __ATOMIC_ACQ_REL) == 0) {
		if (blk_host.sample_auto)
			blk_host_choose_sample_every();
		blk_host.t_go = ktime_get_ns();
		blk_host.deadline_ns = blk_host.t_go +
				       (u64)blk_host.cfg.duration_ms * NSEC_PER_MSEC;
		__atomic_store_n(&blk_host.go, true, __ATOMIC_RELEASE);
		return;
	}
	while (!__atomic_load_n(&blk_host.go, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static void blk_host_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "blk-host: cannot pin a thread to CPU %d: %s\n",
			cpu, strerror(errno));
		exit(1);
	}
}

static void *blk_host_worker(void *arg)
{
	struct blk_host_thread *t = arg;
	struct blk_worker *w = &t->worker;
	blk_hammer_fn *loop = blk_host_loop_of(blk_host.cfg.lock);

	blk_host_pin(t->cpu);
	blk_host_enter(w->idx, t->cpu);
	t->floor_cycles = blk_floors(blk_host_loop_of(blk_lock_floor()), w, &t->floor,
				     blk_host.cfg.cs_ns, blk_host.cfg.think_ns,
				     blk_host.sample_auto, &t->timed_extra);
	blk_host_barrier();
	w->deadline_ns = blk_host.deadline_ns;
	w->sample_every = blk_host.sample_every;
	loop(w);
	__atomic_store_n(&t->t_end, ktime_get_ns(), __ATOMIC_RELEASE);
	return NULL;
}

/* The threads' CPUs: the cpus knob's online CPUs, ncpus of them if set. */
static int blk_host_cpus(struct blk_config *cfg, int *cpus)
{
	unsigned int n = 0;
	int cpu;

	for_each_cpu(cpu, &cfg->cpus) {
		if (!cpumask_test_cpu(cpu, cpu_online_mask))
			continue;
		if (cfg->ncpus && n == cfg->ncpus)
			break;
		cpus[n++] = cpu;
	}
	cpumask_clear(&cfg->cpus);
	for (cpu = 0; cpu < (int)n; cpu++)
		cpumask_set_cpu(cpus[cpu], &cfg->cpus);
	if (!n || (cfg->ncpus && n < cfg->ncpus)) {
		fprintf(stderr, "blk-host: %u CPUs asked, %u online in the cpus set\n",
			cfg->ncpus, n);
		return -EINVAL;
	}
	return (int)n;
}

/*
 * The check build (CONFIG_BLACKLOCK_COUNT_RMW) counts every RMW at the
 * instruction, per thread: for a counted kind the record's rmw, worked out
 * from the list's uncontended count and the contended paths' counters,
 * must be that count, as KUnit holds the module's to it.
 */
static int blk_host_rmw_check(const struct blk_result *r)
{
#if IS_ENABLED(CONFIG_BLACKLOCK_COUNT_RMW)
	u64 counted = 0;
	unsigned int i;

	for (i = 0; i < r->nr_cpus; i++)
		counted += *per_cpu_ptr(&blk_rmw_count, i);
	if (r->cfg.lock->counted && counted != r->rmw) {
		fprintf(stderr, "blk-host: %s: rmw %llu in the record, %llu counted\n",
			r->cfg.lock->name, r->rmw, counted);
		return 4;
	}
#endif
	return 0;
}

/* One run, its record kept. Return: 0, or the exit status. */
static int blk_host_run(unsigned int threads)
{
	struct blk_config *cfg = &blk_host.cfg;
	struct blk_result *r;
	int *cpus, ncpu, ret = 0;
	u64 *acq, end = 0, floor = U64_MAX, grace;
	struct blk_arrival *arrivals;
	unsigned int i, n;
	char why[96];

	cpus = calloc(nr_cpu_ids, sizeof(*cpus));
	if (!cpus)
		return 1;
	ncpu = blk_host_cpus(cfg, cpus);
	if (ncpu < 0)
		return 2;
	n = threads ? threads : (unsigned int)ncpu;
	if (blk_waiters_refused(cfg, n, why, sizeof(why))) {
		fprintf(stderr, "blk-host: %s\n", why);
		return 2;
	}
	r = calloc(1, blk_result_size(n));
	acq = calloc(n, sizeof(*acq));
	arrivals = calloc(n, sizeof(*arrivals));	/* every worker's stamps, shared */
	blk_host.th = aligned_alloc(SMP_CACHE_BYTES, n * sizeof(*blk_host.th));
	if (!r || !acq || !arrivals || !blk_host.th || blk_host_percpu_alloc(n)) {
		fprintf(stderr, "blk-host: out of memory for %u threads\n", n);
		return 1;
	}
	memset(blk_host.th, 0, n * sizeof(*blk_host.th));
	blk_host.nr = n;
	blk_host.sample_every = blk_sample_every(cfg);
	blk_host.sample_auto = cfg->timing == BLK_TIMING_SAMPLE && !cfg->sample_every;
	blk_host.arrive = n;
	blk_host.go = false;
	blk_host.stop = false;
	r->cfg = *cfg;
	r->cs_loops = blk_ns_to_loops(cfg->cs_ns, blk_clock_info.cs_loops_per_ms);
	r->think_loops = blk_ns_to_loops(cfg->think_ns, blk_clock_info.think_loops_per_ms);
	blk_result_init(r, n);
	/* the per-thread copies outlive runs, as per-CPU areas do: counts from 0 */
	blk_contention_counters_reset();
#if IS_ENABLED(CONFIG_BLACKLOCK_COUNT_RMW)
	for (i = 0; i < blk_host_nr_copies; i++)
		*per_cpu_ptr(&blk_rmw_count, i) = 0;
#endif
	blk_host_shared = aligned_alloc(SMP_CACHE_BYTES, cfg->nlocks * sizeof(*blk_host_shared));
	if (!blk_host_shared) {
		fprintf(stderr, "blk-host: out of memory for %u locks\n", cfg->nlocks);
		return 1;
	}
	memset(blk_host_shared, 0, cfg->nlocks * sizeof(*blk_host_shared));
	if (blk_locks_init(blk_host_shared, cfg)) {
		fprintf(stderr, "blk-host: %s: no lock left to initialise (%u at most)\n",
			cfg->lock->name, cfg->lock->locks);
		free(blk_host_shared);
		return 2;
	}
	if (cfg->lock->configure)
		cfg->lock->configure(cfg);
	for (i = 0; i < n; i++) {
		struct blk_host_thread *t = &blk_host.th[i];

		t->cpu = cpus[i % ncpu];
		t->worker = (struct blk_worker) {
			.sh = blk_host_shared,
			.cpu = t->cpu,
			.idx = i,
			.nr = n,
			.from = blk_result_from(r, i),
			.arrivals = arrivals,
			.handoff = &t->handoff,
			.cs_loops = r->cs_loops,
			.think_loops = r->think_loops,
			.sample_every = blk_host.sample_every,
			.batch = clamp_t(u32, BLK_BATCH_NS / (cfg->cs_ns + cfg->think_ns + 100),
					 1, BLK_BATCH_MAX),
			.stop = &blk_host.stop,
			.acquire = &t->acquire,
			.hold = &t->hold,
		};
		blk_worker_knobs(&t->worker, cfg);
		t->floor_cycles = U64_MAX;
		blk_hist_init(&t->acquire);
		blk_hist_init(&t->hold);
		blk_hist_init(&t->handoff);
	}
	for (i = 0; i < n; i++)
		if (pthread_create(&blk_host.th[i].tid, NULL, blk_host_worker,
				   &blk_host.th[i])) {
			fprintf(stderr, "blk-host: cannot start thread %u\n", i);
			exit(1);
		}
	/*
	 * The watchdog: a run that has not ended watchdog_ms after its
	 * deadline is stuck (a lost handoff); the host cannot free a lock by
	 * force as the module's watchdog does, so it says so and exits.
	 */
	grace = (u64)(cfg->watchdog_ms ? cfg->watchdog_ms : 60000) * NSEC_PER_MSEC;
	for (i = 0; i < n; i++) {
		while (!__atomic_load_n(&blk_host.th[i].t_end, __ATOMIC_ACQUIRE)) {
			if (__atomic_load_n(&blk_host.go, __ATOMIC_ACQUIRE) &&
			    ktime_get_ns() > blk_host.deadline_ns + grace) {
				fprintf(stderr, "blk-host: stuck: %s, thread %u, %llu ms on\n",
					cfg->lock->name, i, grace / NSEC_PER_MSEC);
				_exit(3);
			}
			usleep(1000);
		}
		pthread_join(blk_host.th[i].tid, NULL);
	}
	/* every thread done: the locks are free; what their init took, back */
	for (i = 0; i < cfg->nlocks; i++)
		cfg->lock->fini(&blk_host_shared[i].lock);

	r->cfg = blk_host.cfg;
	r->sample_auto = blk_host.sample_auto;
	r->sample_cost_ppm = blk_host.sample_cost_ppm;
	r->timed_extra_millicycles = blk_host.timed_extra;
	for (i = 0; i < n; i++) {
		struct blk_host_thread *t = &blk_host.th[i];
		struct blk_contention_counters sc = {};

		blk_contention_counters_read(&sc, (int)i);
		blk_result_cpu(r, i, t->cpu, cpu_to_node(t->cpu), &t->worker, &sc);
		blk_result_cpu_merge(r, i, &t->acquire, &t->hold, &t->handoff);
		end = max(end, t->t_end);
		floor = min(floor, t->floor_cycles);
	}
	r->duration_ns = end > blk_host.t_go ? end - blk_host.t_go : 0;
	blk_result_finish(r, acq, floor, blk_host_shared);
	free(blk_host_shared);
	blk_host_shared = NULL;
	ret = blk_host_rmw_check(r);
	mutex_lock(&blk_mutex);
	blk_result_add(r);
	mutex_unlock(&blk_mutex);
	blk_result_print(r);
	free(arrivals);
	free(blk_host.th);
	free(acq);
	free(cpus);
	return ret;
}

/*
 * nest: locks held together (kunit/blk_nest.c), KUnit's blacklock_nesting
 * on the host's cores: every kind on one thread, 5 and 8 held, released in
 * any order, hand-over-hand; every real kind with the run's threads
 * pinned as a run's are, all on one chain at once.
 */
struct blk_host_chain_thread {
	struct blk_chain_run *run;
	unsigned int idx;
	int cpu;
	unsigned int *ready;
	pthread_t tid;
};

static void *blk_host_chain_worker(void *arg)
{
	struct blk_host_chain_thread *t = arg;
	int n;

	blk_host_pin(t->cpu);
	blk_host_enter(t->idx, t->cpu);
	__atomic_sub_fetch(t->ready, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(t->ready, __ATOMIC_ACQUIRE))
		cpu_relax();
	for (n = 0; n < BLK_CHAIN_ROUNDS; n++)
		blk_chain_round(t->run, (int)t->idx + 1);
	return NULL;
}

/* One kind's chain run on @n threads over @cpus. Return: 0 or 1 (failed). */
static int blk_host_chain(const struct blk_lock_ops *ops, unsigned int n,
			  const int *cpus, int ncpu)
{
	struct blk_host_chain_thread *th = calloc(n, sizeof(*th));
	struct blk_chain_run *run = aligned_alloc(SMP_CACHE_BYTES,
						  ALIGN(sizeof(*run), SMP_CACHE_BYTES));
	unsigned int ready = n, i, held;
	u64 lost;
	bool ok;

	if (!th || !run) {
		fprintf(stderr, "blk-host: out of memory for %u threads\n", n);
		exit(1);
	}
	memset(run, 0, sizeof(*run));
	run->ops = ops;
	if (blk_chain_init(ops, run->lock)) {
		fprintf(stderr, "blk-host: %s: the chain's locks cannot be initialised\n",
			ops->name);
		exit(1);
	}
	for (i = 0; i < n; i++) {
		th[i] = (struct blk_host_chain_thread) {
			.run = run, .idx = i, .cpu = cpus[i % ncpu], .ready = &ready,
		};
		if (pthread_create(&th[i].tid, NULL, blk_host_chain_worker, &th[i])) {
			fprintf(stderr, "blk-host: cannot start thread %u\n", i);
			exit(1);
		}
	}
	for (i = 0; i < n; i++)
		pthread_join(th[i].tid, NULL);
	lost = run->sections - blk_chain_counted(run);
	held = blk_chain_held(run);
	ok = !run->overlaps && !lost && !held;
	printf("%s: nest: %s, %u threads on one chain: %llu critical sections, ",
	       ok ? "PASS" : "FAIL", ops->name, n, run->sections);
	printf("%llu overlaps, %llu updates lost, %u locks left held\n",
	       run->overlaps, lost, held);
	free(run);
	free(th);
	return !ok;
}

static int blk_host_nest(unsigned int threads)
{
	struct blk_lock *chain = calloc(BLK_CHAIN, sizeof(*chain));
	int *cpus = calloc(nr_cpu_ids, sizeof(*cpus)), ncpu, failed = 0;
	unsigned int i, n;

	if (!chain || !cpus)
		return 1;
	ncpu = blk_host_cpus(&blk_host.cfg, cpus);
	if (ncpu < 0)
		return 2;
	n = threads ? threads : (unsigned int)ncpu;
	if (blk_host_percpu_alloc(n)) {
		fprintf(stderr, "blk-host: out of memory for %u threads\n", n);
		return 1;
	}
	blk_host_enter(0, cpus[0]);
	for (i = 0; i < blk_lock_menu_len; i++) {
		const struct blk_lock_ops *ops = blk_lock_menu[i];
		struct blk_nest_report rep = {};

		if (blk_chain_init(ops, chain)) {
			fprintf(stderr, "blk-host: %s: the chain's locks cannot be initialised\n",
				ops->name);
			return 1;
		}
		blk_nest_one_cpu(ops, chain, &rep);
		if (!rep.faults)
			blk_chain_fini(ops, chain);
		printf("%s: nest: %s, one thread: %s\n", rep.faults ? "FAIL" : "PASS",
		       ops->name, rep.faults ? rep.why :
		       "5 and 8 held, released in either order; hand-over-hand");
		failed |= !!rep.faults;
		if (!ops->broken && !ops->floor)
			failed |= blk_host_chain(ops, n, cpus, ncpu);
	}
	fflush(stdout);
	free(cpus);
	free(chain);
	return failed;
}

static void blk_host_usage(void)
{
	fprintf(stderr,
		"usage: blk-host CMD [ARG ...] [, CMD [ARG ...]] ...\n"
		"  run [KNOB=VALUE ...] [threads=N]   one run (knobs: blk-host knobs)\n"
		"  cost [cpus=LIST]                   every kind's uncontended pair\n"
		"  stats | stats.json | reset         the kept runs and the last cost\n"
		"  locks | keys | knobs               the menu, the record keys, the knobs\n"
		"  nest [cpus=LIST] [threads=N]       locks held together, every kind\n"
		"Ratios on the host are to qspin, the stand-in for spinlock_t.\n");
	exit(2);
}

/* The module's "locks" file: name, class, description. */
static void blk_host_locks(void)
{
	unsigned int i;

	for (i = 0; i < blk_lock_menu_len; i++) {
		const struct blk_lock_ops *o = blk_lock_menu[i];

		printf("%s %s %s\n", o->name, blk_lock_class(o), o->desc);
	}
}

/*
 * The knobs of one command: the defaults, then its KNOB=VALUE arguments,
 * through the module's parser. Return: 0, or 2 (said why).
 */
static int blk_host_knobs(char **args, int n, unsigned int *threads)
{
	char *params[BLK_NR_KNOBS] = { NULL };
	char why[96];
	int i, k;

	*threads = 0;
	for (i = 0; i < n; i++) {
		char *eq = strchr(args[i], '=');

		if (!eq)
			blk_host_usage();
		*eq = '\0';
		if (!strcmp(args[i], "threads")) {
			if (blk_parse_u32(eq + 1, 0, BLK_NOBODY / 2 - 1, threads)) {
				fprintf(stderr, "blk-host: invalid threads=%s\n", eq + 1);
				return 2;
			}
			continue;
		}
		for (k = 0; k < BLK_NR_KNOBS && strcmp(blk_knob_name(k), args[i]); k++)
			;
		if (k == BLK_NR_KNOBS) {
			fprintf(stderr, "blk-host: no knob %s\n", args[i]);
			blk_host_usage();
		}
		params[k] = eq + 1;
	}
	if (blk_knobs_init(params))
		return 2;	/* blk_knobs_init() named it */
	mutex_lock(&blk_mutex);
	blk_config_get(&blk_host.cfg);
	mutex_unlock(&blk_mutex);
	if (blk_host.cfg.irq_hz) {
		fprintf(stderr, "blk-host: invalid irq_hz=%u: interrupts are the module's alone\n",
			blk_host.cfg.irq_hz);
		return 2;
	}
	if (blk_config_refused(&blk_host.cfg, why, sizeof(why))) {
		fprintf(stderr, "blk-host: %s\n", why);
		return 2;
	}
	return 0;
}

static struct blk_cost blk_host_cost;

/* One command and its arguments. Return: 0, or the exit status. */
static int blk_host_command(char **args, int n)
{
	struct seq_file out = { stdout };
	const char *cmd = args[0];
	unsigned int threads;
	int ret;

	ret = blk_host_knobs(args + 1, n - 1, &threads);
	if (ret)
		return ret;
	/* the clock and the work loops, once, before the first measurement */
	if ((!strcmp(cmd, "run") || !strcmp(cmd, "cost")) && !blk_clock_info.khz)
		blk_calibrate();
	if (!strcmp(cmd, "run"))
		return blk_host_run(threads);
	if (!strcmp(cmd, "nest"))
		return blk_host_nest(threads);
	if (n > 1 && strcmp(cmd, "cost"))
		blk_host_usage();
	if (!strcmp(cmd, "cost")) {
		if (blk_host_percpu_alloc(1))
			return 1;
		ret = blk_cost_run(&blk_host.cfg.cpus);
		if (ret) {
			fprintf(stderr, "blk-host: cost: %s\n", strerror(-ret));
			return 1;
		}
		mutex_lock(&blk_mutex);
		blk_cost_get(&blk_host_cost);
		mutex_unlock(&blk_mutex);
	} else if (!strcmp(cmd, "stats") || !strcmp(cmd, "stats.json")) {
		const char *mark = strcmp(cmd, "stats") ? "JSON" : "STATS";

		printf("BLK-%s-BEGIN\n", mark);
		blk_records_show(&out, !strcmp(cmd, "stats.json"),
				 blk_host_cost.id ? &blk_host_cost : NULL);
		printf("BLK-%s-END\n", mark);
	} else if (!strcmp(cmd, "reset")) {
		mutex_lock(&blk_mutex);
		blk_results_free();
		mutex_unlock(&blk_mutex);
	} else if (!strcmp(cmd, "locks")) {
		blk_host_locks();
	} else if (!strcmp(cmd, "keys")) {
		printf("BLK-KEYS-BEGIN\n");
		blk_record_keys(&out);
		printf("BLK-KEYS-END\n");
	} else if (!strcmp(cmd, "knobs")) {
		blk_knobs_describe(&out);
	} else {
		blk_host_usage();
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int i, start = 1, ret;

	if (argc < 2)
		blk_host_usage();
	blk_host_world_init();
	for (i = 1; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], ","))
			continue;
		if (i == start)
			blk_host_usage();
		ret = blk_host_command(argv + start, i - start);
		if (ret)
			return ret;
		start = i + 1;
	}
	return 0;
}
