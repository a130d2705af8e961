/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the interface, /sys/kernel/debug/blacklock (blk_debugfs.c).
 */
#ifndef _BLK_DEBUGFS_H
#define _BLK_DEBUGFS_H

int blk_debugfs_init(void);
void blk_debugfs_exit(void);

#endif /* _BLK_DEBUGFS_H */
