/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock tracepoints: perf stat -e 'blacklock:*', perf trace, perf record.
 *
 * The contended pair fires only in the blk_spin locks' out-of-line slow
 * path, never on the uncontended fast path; disabled, each is a static-key
 * NOP there. The wait is taken with get_cycles() only while the end event
 * is enabled.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM blacklock

#if !defined(_BLK_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _BLK_TRACE_H

#include <linux/tracepoint.h>

/* 6.10 dropped __assign_str()'s source, the __string()'s own (see Kbuild) */
#ifdef BLK_ASSIGN_STR_1ARG
#define blk_assign_str(dst, src)	__assign_str(dst)
#else
#define blk_assign_str(dst, src)	__assign_str(dst, src)
#endif

TRACE_EVENT(blk_contended_begin,
	    TP_PROTO(const void *lock),
	    TP_ARGS(lock),
	    TP_STRUCT__entry(__field(const void *, lock)),
	    TP_fast_assign(__entry->lock = lock;),
	    TP_printk("lock=%p", __entry->lock)
);

TRACE_EVENT(blk_contended_end,
	    TP_PROTO(const void *lock, u64 wait_cycles, u64 cas_failures, u64 spins),
	    TP_ARGS(lock, wait_cycles, cas_failures, spins),
	    TP_STRUCT__entry(__field(const void *, lock)
			     __field(u64, wait_cycles)
			     __field(u64, cas_failures)
			     __field(u64, spins)),
	    TP_fast_assign(__entry->lock = lock;
			   __entry->wait_cycles = wait_cycles;
			   __entry->cas_failures = cas_failures;
			   __entry->spins = spins;),
	    TP_printk("lock=%p wait_cycles=%llu cas_failures=%llu spins=%llu",
		      __entry->lock, __entry->wait_cycles, __entry->cas_failures,
		      __entry->spins)
);

TRACE_EVENT(blk_run_start,
	    TP_PROTO(const char *lock, unsigned int nr_cpus, u32 duration_ms,
		     u32 cs_ns, u32 think_ns),
	    TP_ARGS(lock, nr_cpus, duration_ms, cs_ns, think_ns),
	    TP_STRUCT__entry(__string(lock, lock)
			     __field(unsigned int, nr_cpus)
			     __field(u32, duration_ms)
			     __field(u32, cs_ns)
			     __field(u32, think_ns)),
	    TP_fast_assign(blk_assign_str(lock, lock);
			   __entry->nr_cpus = nr_cpus;
			   __entry->duration_ms = duration_ms;
			   __entry->cs_ns = cs_ns;
			   __entry->think_ns = think_ns;),
	    TP_printk("lock=%s nr_cpus=%u duration_ms=%u cs_ns=%u think_ns=%u",
		      __get_str(lock), __entry->nr_cpus, __entry->duration_ms,
		      __entry->cs_ns, __entry->think_ns)
);

TRACE_EVENT(blk_run_stop,
	    TP_PROTO(u64 run, const char *lock, u64 acquisitions, u64 violations,
		     u64 duration_ns),
	    TP_ARGS(run, lock, acquisitions, violations, duration_ns),
	    TP_STRUCT__entry(__field(u64, run)
			     __string(lock, lock)
			     __field(u64, acquisitions)
			     __field(u64, violations)
			     __field(u64, duration_ns)),
	    TP_fast_assign(__entry->run = run;
			   blk_assign_str(lock, lock);
			   __entry->acquisitions = acquisitions;
			   __entry->violations = violations;
			   __entry->duration_ns = duration_ns;),
	    TP_printk("run=%llu lock=%s acquisitions=%llu violations=%llu duration_ns=%llu",
		      __entry->run, __get_str(lock), __entry->acquisitions,
		      __entry->violations, __entry->duration_ns)
);

#endif /* _BLK_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE blk_trace
#include <trace/define_trace.h>
