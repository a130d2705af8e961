/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blacklock: the engine (blk_engine.c and the files of its run) and its
 * neighbours, the cost and pingpong measurements: the commands of
 * "control", and runs started and waited for.
 */
#ifndef _BLK_ENGINE_H
#define _BLK_ENGINE_H

#include <linux/cpumask.h>
#include <linux/types.h>

#include "blk_record.h"

int blk_control(const char *buf);
bool blk_running(void);
int blk_wait_idle(unsigned int ms);
int blk_engine_init(void);
void blk_engine_exit(void);
int blk_run_and_wait(void);

int blk_pingpong_run(const struct cpumask *cpus);
bool blk_pingpong_get(struct blk_pingpong *pp);

int blk_cost_run(const struct cpumask *cpus);
bool blk_cost_get(struct blk_cost *c);
void blk_cost_forget(void);

#endif /* _BLK_ENGINE_H */
