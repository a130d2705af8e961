/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock's lock kinds as the model checker drives them: one line per
 * kind of blk_kinds_list.h that GenMC checks, naming the lock type and
 * the shipped functions that take, release and try it.
 *
 *   BLK_VERIFY(id, type, lock, unlock, trylock)
 *
 * A kind of blk_kinds_list.h that is neither here nor in HERD_ONLY of
 * tools/verify/genmc.py (kinds GenMC cannot take, checked with herd7
 * instead), nor a kernel lock or the floor, fails make verify, naming it.
 */
BLK_VERIFY(ttas, struct blk_spinlock, blk_spin_lock, blk_spin_unlock,
	   __blk_spin_trylock_builtin)
BLK_VERIFY(ttas_asm, struct blk_spinlock, blk_spin_lock_asm, blk_spin_unlock,
	   __blk_spin_trylock_asm)
BLK_VERIFY(tas, struct blk_spinlock, blk_spin_lock_tas, blk_spin_unlock,
	   __blk_spin_trylock_builtin)
BLK_VERIFY(ttas_backoff, struct blk_spinlock, blk_spin_lock_backoff,
	   blk_spin_unlock, __blk_spin_trylock_builtin)
BLK_VERIFY(mcs, struct blk_mcslock, blk_mcs_lock, blk_mcs_unlock,
	   __blk_mcs_trylock)
BLK_VERIFY(busted, struct blk_spinlock, blk_busted_lock, blk_busted_unlock,
	   blk_busted_trylock)
