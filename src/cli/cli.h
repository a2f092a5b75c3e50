/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cli: command-line parsing into struct env, for the three modes
 *   ipctrace [options] [-p PID...] [interval [count]]   live
 *   ipctrace [options] -- CMD [ARGS]                     live, on a command
 *   ipctrace record -o FILE [options] [...]              record to a file
 *   ipctrace report [options] FILE                       analyse a recording
 *   ipctrace stuck [options] -p PID...                   what is it blocked on, now
 * Parsing never exits the process: errors come back as -EINVAL with one
 * line in env->error, so tests can check them.
 */
#ifndef IPCTRACE_CLI_H
#define IPCTRACE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The ring buffer's size is the map's max_entries, a u32 of bytes: 4096 MiB
 * would wrap to 0, so 2048 MiB is the largest power of two that fits.
 */
#define RINGBUF_MAX_MIB		2048

#define CLI_MAX_PIDS 64

/* Exit codes (documented in README and --help) */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* runtime failure: permissions, unknown pid, BPF,
				 * bad recording */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_DEADLOCK	3	/* stuck: a deadlock was found */

enum cli_mode {
	MODE_LIVE = 0,
	MODE_RECORD,
	MODE_REPORT,
	MODE_STUCK,		/* one look at what the targets are blocked on */
	MODE_HELP,		/* --help/--usage/--version printed: exit 0 */
};

#define CLI_MAX_GRAPHS	4	/* --graph given this many times at most */

enum graph_format {
	GRAPH_NONE = 0,
	GRAPH_DOT,
	GRAPH_JSON,
};

struct env {
	enum cli_mode mode;
	uint32_t pids[CLI_MAX_PIDS];
	int nr_pids;
	uint32_t tids[CLI_MAX_PIDS];
	int nr_tids;
	bool follow;			/* -f */
	bool peers;			/* trace the other side (default on; --no-peers) */
	uint32_t families;		/* IPC_FAM_* bits */
	bool stacks;			/* --no-stacks */
	bool locks;			/* --locks: pthread uprobes */
	bool events;			/* --events */
	bool json;			/* --json */
	bool abs_time;			/* -T */
	bool quiet;			/* -q */
	bool threads;			/* --threads: threads in the graph */
	const char *output;		/* -o: output file (live/report), recording (record) */
	const char *input;		/* report: the recording */
	double interval_s;		/* -i / positional interval */
	long count;			/* positional count: number of intervals,
					 * 0 = unlimited */
	double duration_s;		/* -d, 0 = until done */
	int top;			/* --top */
	uint64_t ringbuf_bytes;		/* --ringbuf-size (MiB on the command line) */
	struct graph_out {
		enum graph_format format;
		const char *file;	/* FORMAT=FILE, NULL: stdout */
	} graphs[CLI_MAX_GRAPHS];	/* --graph, repeatable */
	int nr_graphs;
	bool graph_collapse;		/* --graph-collapse */
	bool graph_idle;		/* --graph-idle: the collapsed view's idle edges too */
	const char *folded_file;	/* --folded */
	const char *flame_file;		/* --flame */
	const char *symfs;		/* --symfs: mapped files under this directory */
	double blocked_min_s;		/* --blocked-min: threads blocked less are not listed */
	const char *timeline_file;	/* --timeline: trace-event JSON */
	const char *metrics_file;	/* --metrics-file: textfile for node_exporter */
	const char *metrics_listen;	/* --metrics-listen ADDR:PORT */
	int metrics_top;		/* --metrics-top: processes with their own series */
	int verbose;			/* -v, repeatable */
	char **cmd;			/* -- CMD ARGS (NULL-terminated), or NULL */
	char error[256];		/* parse error, one line */
};

/* Defaults (the designated initializer lives in cli.c). */
void cli__defaults(struct env *env);

/*
 * Parse argv into env.  0 on success (check env->mode), -EINVAL with
 * env->error set on a usage error.  --help and --version print to stdout
 * and set MODE_HELP.
 */
int cli__parse(struct env *env, int argc, char **argv);

/* --version: ipctrace's version, then the libbpf it runs with and was built against. */
void cli__print_version(FILE *f);

/* The whole-line summary of what will be traced, for the report header. */
void cli__describe(const struct env *env, char *buf, unsigned long len);

#endif /* IPCTRACE_CLI_H */
