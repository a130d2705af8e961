/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: qspin's slow path, one body compiled twice (no include
 * guard): by blk_qspin.c as qspin's, and by blk_cna.c with CNA's queue
 * hooks, as kernel/locking/qspinlock.c includes itself for paravirt. The
 * includer defines, before including it:
 *
 *   BLK_QS_SLOWPATH		the function's name
 *   blk_qs_node_at(cpu, idx)	node @idx of @cpu (struct blk_qs_node *)
 *   blk_qs_hook_init(node, tail)
 *				a node was just reset for a new wait; @tail
 *				is its encoding in the lock word
 *   blk_qs_hook_head(lock, node)
 *				@node heads the queue and is about to wait
 *				for locked and pending to clear; its value
 *				is the iterations of any wait of its own
 *   blk_qs_hook_clear_tail(lock, val, node, t)
 *				@node is the last queued and the lock free:
 *				take it and leave the queue empty, if the word
 *				is still @val; true if done
 *   blk_qs_hook_pass(node, next)
 *				make @next the head (release)
 *
 * and undefines them all at its end, ready for the next includer. The
 * ordering argument is in blk_qspin.h.
 */

/**
 * BLK_QS_SLOWPATH() - take a qspin lock that the fast path found taken.
 * @lock: the lock.
 * @val: the word the fast path's CAS read.
 *
 * Entered with preemption off; returns holding the lock.
 */
void BLK_QS_SLOWPATH(struct blk_qspinlock *lock, u32 val)
{
	struct blk_qs_tally t = { 0 };
	struct blk_qs_node *base, *node, *prev, *next;
	const int cpu = smp_processor_id();
	u64 t0 = blk_contention_wait_begin(lock), spins = 0;
	u32 cnt, idx, tail, old;

	/*
	 * Only pending set: its waiter is about to take the lock; give it a
	 * few reads to do so, then pend ourselves rather than queue.
	 */
	if (val == BLK_QS_PENDING) {
		cnt = BLK_QS_PENDING_LOOPS;
		while ((val = __atomic_load_n(&lock->val, __ATOMIC_RELAXED)) ==
		       BLK_QS_PENDING && cnt--) {
			cpu_relax();
			spins++;
		}
	}
	/* Somebody pends or queues already: queue. */
	if (val & ~BLK_QS_LOCKED_MASK)
		goto queue;

	/* ACQUIRE: with the lock free, this alone synchronises with its release */
	val = blk_qs_fetch_set_pending(lock, &t);
	if (unlikely(val & ~BLK_QS_LOCKED_MASK)) {
		/* lost the race to pend or queue: undo ours, if it was ours */
		if (!(val & BLK_QS_PENDING_MASK))
			blk_qs_clear_pending(lock, &t);
		goto queue;
	}
	/* We pend. ACQUIRE: pairs with the owner's release of the byte. */
	if (val & BLK_QS_LOCKED_MASK) {
		while (__atomic_load_n(&lock->val, __ATOMIC_ACQUIRE) &
		       BLK_QS_LOCKED_MASK) {
			cpu_relax();
			spins++;
		}
	}
	blk_qs_clear_pending_set_locked(lock, &t);
	goto done;

queue:
	blk_contention_count_queued();
	base = blk_qs_node_at(cpu, 0);
	idx = base->count++;
	/*
	 * As qspinlock.c's barrier() here: the count must be stored before
	 * the node is touched, or an interrupt that came after the stores
	 * that reset the node and before the count's would take the same
	 * node, and the lock could get two queue heads. Today's compilers
	 * keep this order anyway; nothing in C obliges them to.
	 */
	barrier();
	tail = blk_qs_encode_tail(cpu, idx);
	/* Deeper nesting than there are nodes (an NMI in an NMI): spin on trylock. */
	if (unlikely(idx >= BLK_QS_NODES)) {
		while (!blk_qs_try(lock, &t)) {
			cpu_relax();
			spins++;
		}
		goto release;
	}
	node = blk_qs_node_at(cpu, idx);
	WRITE_ONCE(node->locked, 0);
	WRITE_ONCE(node->next, NULL);
	blk_qs_hook_init(node, tail);

	/* The lock may have been freed while we set up: one last try. */
	if (blk_qs_try(lock, &t))
		goto release;

	/* ACQ_REL: publishes our reset; orders the predecessor's before our link */
	old = blk_qs_xchg_tail(lock, tail, &t);
	if (old) {
		prev = blk_qs_node_at(blk_qs_tail_cpu(old), blk_qs_tail_idx(old));
		/* RELEASE: pairs with the predecessor's acquire load of ->next */
		__atomic_store_n(&prev->next, node, __ATOMIC_RELEASE);
		/* ACQUIRE: pairs with the release store that makes us the head */
		while (!__atomic_load_n(&node->locked, __ATOMIC_ACQUIRE)) {
			cpu_relax();
			spins++;
		}
	}

	spins += blk_qs_hook_head(lock, node);
	/* We head the queue. ACQUIRE: pairs with the owner's release of the byte. */
	while ((val = __atomic_load_n(&lock->val, __ATOMIC_ACQUIRE)) &
	       BLK_QS_LOCKED_PENDING_MASK) {
		cpu_relax();
		spins++;
	}
	/* The last queued: take the lock and empty the queue in one CAS. */
	if ((val & BLK_QS_TAIL_MASK) == tail &&
	    blk_qs_hook_clear_tail(lock, val, node, &t))
		goto release;

	/* Somebody queued behind us: take the lock, then make them the head. */
	blk_qs_set_locked(lock, &t);
	/* ACQUIRE: pairs with the successor's release store of the link */
	while (!(next = __atomic_load_n(&node->next, __ATOMIC_ACQUIRE))) {
		cpu_relax();
		spins++;
	}
	blk_qs_hook_pass(node, next);
release:
	base->count--;
done:
	blk_contention_account(lock, t0, t.fails, spins);
	blk_contention_count_rmws(t.rmws);
}

#undef BLK_QS_SLOWPATH
#undef blk_qs_node_at
#undef blk_qs_hook_init
#undef blk_qs_hook_head
#undef blk_qs_hook_clear_tail
#undef blk_qs_hook_pass
