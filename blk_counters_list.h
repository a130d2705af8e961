/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the one list of a run's counters, the counts each worker
 * keeps that a record adds up (as lock_events_list.h is in kernel/locking).
 *
 *   BLK_COUNTER(name, from, merge, doc)
 *
 * Each line makes a u64 @name in the counting side's per-worker state, in
 * struct blk_cpu_result (a worker's line of the record) and in struct
 * blk_result (the run's); blk_collect() copies it from each worker and
 * merges it into the run; the record prints it under @name, in text and
 * JSON, in every cpuN line and in the run's lines; the "keys" file lists
 * it. What counts it is the one line to write by hand.
 *
 * from:  loop	struct blk_worker, the engine's hot loop (blk_loop.c)
 *	  lock	struct blk_contention_counters, the per-CPU counters of the lock
 *		kinds' contended paths (blk_contention.c; counted kinds only)
 * merge: sum	the run's is the workers' sum
 *	  max	the largest of the workers'
 *	  first	the smallest non-zero one (0: no worker saw it)
 * doc:   what it counts, for the "keys" file.
 *
 * The order is the records'.
 */
BLK_COUNTER(acquisitions, loop, sum,
	    "critical sections completed")
BLK_COUNTER(contended, lock, sum,
	    "acquisitions that took the contended path (counted kinds)")
BLK_COUNTER(cas_failures, lock, sum,
	    "failed CAS attempts (counted kinds)")
BLK_COUNTER(spins, lock, sum,
	    "iterations of the contended path's inner wait (counted kinds)")
BLK_COUNTER(direct_handoffs, lock, sum,
	    "unlocks that passed the lock on without an RMW (mcs)")
BLK_COUNTER(slow_rmws, lock, sum,
	    "RMWs of contended acquisitions, but failed CASes and the fast path's (qspin, cna)")
BLK_COUNTER(queued, lock, sum,
	    "contended acquisitions that queued, past the pending bit (qspin, cna)")
BLK_COUNTER(cna_moved, lock, sum,
	    "waiters a queue head moved to the secondary queue (cna)")
BLK_COUNTER(cna_flushes, lock, sum,
	    "handoffs that put the secondary queue first, its time or count up (cna)")
BLK_COUNTER(overlaps, loop, sum,
	    "critical sections in which another owner was seen")
BLK_COUNTER(handoffs, loop, sum,
	    "acquisitions that followed another owner's")
BLK_COUNTER(longest_streak, loop, max,
	    "most acquisitions in a row by one worker")
BLK_COUNTER(overtakes, loop, sum,
	    "waiters seen by timed acquisitions that had asked before them")
BLK_COUNTER(waited_through, loop, max,
	    "most critical sections one timed acquisition waited through, request to grant")
BLK_COUNTER(strays, loop, sum,
	    "batches a worker ended on a CPU not its own: must be 0")
BLK_COUNTER(first_overlap_at, loop, first,
	    "the shared counter at the first overlap seen: about how many acquisitions it took")
