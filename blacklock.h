/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: every layer's header, for what sees them all (module init
 * and exit, the tests). The module's own files include only the layers
 * they use, and each layer only those below it:
 *
 *   blk_debugfs.h  the interface
 *   blk_engine.h   runs, the cost and pingpong measurements
 *   blk_record.h   records, their store and their emitter
 *   blk_knobs.h    the knobs, a run's configuration, blk_mutex
 *   blk_locks.h    the lock menu (struct blk_lock_ops)
 *   blk_loop.h     the hot loops and the shared data they guard
 *   blk_clock.h    time
 *   blk_kinds.h    the lock kinds themselves, over blk_env.h
 */
#ifndef _BLACKLOCK_H
#define _BLACKLOCK_H

#include "blk_clock.h"
#include "blk_debugfs.h"
#include "blk_engine.h"
#include "blk_knobs.h"
#include "blk_locks.h"
#include "blk_loop.h"
#include "blk_record.h"

#endif /* _BLACKLOCK_H */
