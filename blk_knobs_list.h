/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the knobs, the one list. Included with BLK_KNOB() defined to
 * make the enum (blacklock.h), the table behind the debugfs files and the
 * "knobs" file (blk_knobs.c), and the module parameters (blk_main.c).
 * Documentation/blacklock.rst lists the same names; make check compares.
 *
 *   BLK_KNOB(id, type, min, max, choices, default, help)
 *
 * id is also the struct blk_config field. type: lock (a kind of the
 * "locks" file), cpus (a cpu list or "all"), ncpus (0..nr_cpu_ids), u32
 * (min..max), pow2 (a power of two in min..max, or the one name in choices,
 * if any, stored as 0) or choice (one of the names in choices, stored as
 * its index). default is text, parsed like any write, at load.
 */
BLK_KNOB(lock, lock, 0, 0, NULL, "ttas",
	 "lock kind, a name from the locks file")
BLK_KNOB(cpus, cpus, 0, 0, NULL, "all",
	 "CPUs that may run a worker: all, or a list like 0-3,6")
BLK_KNOB(ncpus, ncpus, 0, 0, NULL, "0",
	 "use only the first N CPUs of cpus; 0 = all of them")
BLK_KNOB(duration_ms, u32, 1, 3600000, NULL, "1000",
	 "run length in ms")
BLK_KNOB(cs_ns, u32, 0, 1000000, NULL, "0",
	 "work inside the critical section, ns")
BLK_KNOB(cs_lines, u32, 0, BLK_CS_LINES_MAX, NULL, "0",
	 "shared cache lines the critical section also updates, a word each (checked)")
BLK_KNOB(colocate, choice, 0, 0, blk_off_on_names, "off",
	 "on: the first of cs_lines shares the lock's cache line (the lock must leave room)")
BLK_KNOB(nlocks, u32, 1, BLK_NLOCKS_MAX, NULL, "1",
	 "locks, each with its data on lines of its own; each acquisition takes one")
BLK_KNOB(hot_pct, u32, 0, 100, NULL, "0",
	 "nlocks: percent of acquisitions that take the first lock; 0 = all uniform")
BLK_KNOB(think_ns, u32, 0, 1000000, NULL, "0",
	 "work between critical sections, ns")
BLK_KNOB(think_dist, choice, 0, 0, blk_think_dist_names, "fixed",
	 "fixed: think_ns every time; exp: exponentially distributed, mean think_ns")
BLK_KNOB(timing, choice, 0, 0, blk_timing_names, "sample",
	 "off: count only; sample: time one acquisition in sample_every; every: time all")
BLK_KNOB(sample_every, pow2, 1, BLK_SAMPLE_EVERY_MAX, blk_auto_names, "auto",
	 "timing=sample times one acquisition in N: a power of two, or auto (timing costs <= 2 %)")
BLK_KNOB(watchdog_ms, u32, 0, 10000, NULL, "5000",
	 "stop a run in which no worker has finished a batch for this long; 0 = never")
BLK_KNOB(backoff_min, u32, 1, 1048576, NULL, "16",
	 "ttas_backoff: the first wait after a lost CAS, in cpu_relax() loops")
BLK_KNOB(backoff_max, u32, 1, 1048576, NULL, "1024",
	 "ttas_backoff: the longest wait, in cpu_relax() loops (>= backoff_min)")
BLK_KNOB(cna_threshold, u32, 0, 1073741824, NULL, "0",
	 "cna: handoffs along the main queue before the secondary queue goes first; 0 = none")
BLK_KNOB(cna_threshold_ns, u32, 0, 1000000000, NULL, "1000000",
	 "cna: ns the secondary queue may wait before it goes first; 0 = none (not both 0)")
BLK_KNOB(irq_hz, u32, 0, 100000, NULL, "0",
	 "hardirq acquisitions a second per worker CPU (workers use irqsave); 0 = off")
BLK_KNOB(check, choice, 0, 0, blk_check_names, "full",
	 "full: owner and counter checks, handoffs and order; count: lost updates only")
BLK_KNOB(loop, choice, 0, 0, blk_loop_names, "engine",
	 "engine: the checked, timed loop; reference: lock, counter++, unlock and nothing else")
