// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * racework: programs with the race patterns ipctrace flags, each next to
 * its correct variant, written the way programs are (libc called directly)
 * and built the way users build them (-O2, no frame pointers).
 *
 * Every process prints what it did on the info stream (stderr, or --info
 * FILE), one line per write(2):
 *
 *   racework: [EVENT] scenario=S role=R pid=P tid=T key=value...
 *
 * so that a test compares ipctrace's flags with the threads, objects and
 * counts the workload knows it produced.
 */
#ifndef RACEWORK_H
#define RACEWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/types.h>

struct rw_opts {
	const char *scenario;
	unsigned int count;	/* rounds (scenario-specific meaning, default per scenario) */
};

typedef int (*rw_fn)(const struct rw_opts *o);

struct rw_scenario {
	const char *name;
	unsigned int def_count;
	rw_fn run;
	const char *summary;
};

/* report.c */
void rw_info_open(const char *path);
void rw_info(const char *scenario, const char *role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
noreturn void rw_fail(const char *scenario, const char *what);
pid_t rw_tid(void);
uint64_t rw_now_ns(void);
void rw_sleep_ms(unsigned int ms);
/* Deadline in CLOCK_REALTIME, ms from now (pthread timed waits). */
void rw_deadline(struct timespec *ts, unsigned int ms);
long rw_futex_wait(uint32_t *w, uint32_t val, unsigned int timeout_ms);
long rw_futex_wake(uint32_t *w, int n);
/* The child's exit status, or -1. */
int rw_reap(pid_t pid);

/* scenarios, one file per family */
int rw_coalesce(const struct rw_opts *o);
int rw_coalesce_ok(const struct rw_opts *o);
int rw_stale_pid(const struct rw_opts *o);
int rw_stale_pid_ok(const struct rw_opts *o);
int rw_handler_lock(const struct rw_opts *o);
int rw_handler_lock_ok(const struct rw_opts *o);
int rw_interleave(const struct rw_opts *o);
int rw_interleave_ok(const struct rw_opts *o);
int rw_split(const struct rw_opts *o);
int rw_split_ok(const struct rw_opts *o);
int rw_epipe(const struct rw_opts *o);
int rw_epipe_ok(const struct rw_opts *o);
int rw_lost_wakeup(const struct rw_opts *o);
int rw_lost_wakeup_ok(const struct rw_opts *o);
int rw_fork_locked(const struct rw_opts *o);
int rw_fork_locked_ok(const struct rw_opts *o);
int rw_lock_order(const struct rw_opts *o);
int rw_lock_order_ok(const struct rw_opts *o);
int rw_unlock_misuse(const struct rw_opts *o);
int rw_unlock_misuse_ok(const struct rw_opts *o);
int rw_cond_misuse(const struct rw_opts *o);
int rw_cond_misuse_ok(const struct rw_opts *o);

#endif /* RACEWORK_H */
