// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ipcwork command line: `ipcwork [options] SCENARIO [COUNT]`.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipcwork.h"

#define TIMEOUT_BASE_S	60

static const struct wk_scenario scenarios[] = {
	{ "pipe-pingpong", 1000, run_pipe_pingpong,
	  "parent and child ping-pong SIZE-byte messages over two pipes" },
	{ "fifo", 500, run_fifo,
	  "a writer and a reader process stream COUNT messages through a FIFO" },
	{ "socketpair-pingpong", 1000, run_socketpair_pingpong,
	  "parent and child ping-pong over an AF_UNIX stream socketpair (--send)" },
	{ "unix-server", 100, run_unix_server,
	  "a poll(2) server and -c clients on a unix socket; client i sends COUNT*(i+1)" },
	{ "tcp-pingpong", 1000, run_tcp_pingpong,
	  "server and client ping-pong over TCP on 127.0.0.1 (TCP_NODELAY)" },
	{ "mq", 500, run_mq,
	  "-P producers and -C consumers on POSIX queue /ipcwork-PID; "
	  "producer i sends COUNT*(i+1)" },
	{ "mutex", 1000, run_mutex,
	  "-t threads take counter_lock COUNT times each; main takes quiet_lock COUNT times" },
	{ "condvar", 3, run_condvar,
	  "a thread idles on idle_cond for COUNT seconds; two threads take light_lock lightly" },
	{ "sem", 200, run_sem,
	  "a waiter blocks COUNT times on a POSIX (--named) and COUNT times on a SysV semaphore" },
	{ "signal-pingpong", 200, run_signal_pingpong,
	  "A sends SIGUSR1 to B, B answers SIGUSR2, COUNT round trips (--handler)" },
	{ "signal-star", 50, run_signal_star,
	  "the parent pings -c children with SIGUSR1, each answers SIGUSR2; COUNT rounds" },
	{ "signal-wait", 5, run_signal_wait,
	  "wait for COUNT SIGUSR1 sent by someone else (a shell's kill); SIGUSR2 ends it" },
	{ "timer-signal", 50, run_timer_signal,
	  "a POSIX timer and an interval timer fire COUNT times each while a child spins" },
	{ "pipeline", 100, run_pipeline,
	  "stage-a | stage-b | stage-c: COUNT records of SIZE bytes through two pipes" },
	{ "exec-pipe", 4096, run_exec_pipe,
	  "a child execs `ipcwork emit COUNT` with stdout on a pipe; the parent reads to EOF" },
	{ "shm-mutex", 500, run_shm_mutex,
	  "parent and child take a process-shared mutex in shared memory COUNT times each" },
	{ "exit-early", 300, run_exit_early,
	  "a child contends early_lock with two threads and exits; the parent lingers" },
	{ "idle", 5, run_idle,
	  "a pipe, a socketpair and a queue held open COUNT seconds with no traffic" },
	{ "fork-storm", 1000, run_fork_storm,
	  "COUNT short-lived children, one at a time, each writes SIZE bytes to a pipe and exits" },
	{ "trap-map", 20, run_trap_map,
	  "maps copies of itself, deletes them and leaves a FIFO and a symlink to one at "
	  "their names; COUNT blocking pipe reads" },
	{ "hostile-names", 50, run_hostile_names,
	  "terminal controls in every name it picks (comms, FIFO, queue, socket, a symbol); "
	  "COUNT messages each way, a contended mutex, a signal" },
	{ "emit", 4096, run_emit,
	  "write COUNT bytes to stdout in SIZE-byte writes (used by exec-pipe)" },
};

#define NR_SCENARIOS	(sizeof(scenarios) / sizeof(scenarios[0]))

enum {
	OPT_INFO = 0x100,
	OPT_WAIT_STDIN,
	OPT_DELAY,
	OPT_TIMEOUT,
	OPT_HOLD_US,
	OPT_POST_DELAY_US,
	OPT_LINGER_MS,
	OPT_NAMED,
	OPT_SEND,
	OPT_HANDLER,
	OPT_ABSTRACT,
	OPT_MAP,
	OPT_INFO_FD,
	OPT_GATE_FD,
	OPT_LABEL,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Common options:", 1 },
	{ "size", 's', "BYTES", 0, "Message size where it applies (default 64)", 1 },
	{ "info", OPT_INFO, "FILE", 0,
	  "Write the machine-readable lines to FILE, truncated first (default: stderr)", 1 },
	{ "wait-stdin", OPT_WAIT_STDIN, NULL, 0,
	  "After setup print `ready`, then wait for a line (or EOF) on stdin", 1 },
	{ "delay", OPT_DELAY, "MS", 0, "Sleep MS milliseconds after setup, before the traffic", 1 },
	{ "timeout", OPT_TIMEOUT, "SEC", 0,
	  "Fail if setup or traffic takes longer than SEC "
	  "(default 60 + the scenario's sleeps)", 1 },
	{ NULL, 'h', NULL, 0, "Same as --help", -1 },
	{ NULL, 0, NULL, 0, "Scenario options:", 2 },
	{ "clients", 'c', "N", 0, "unix-server clients, signal-star children (default 3)", 2 },
	{ "producers", 'P', "N", 0, "mq producer processes (default 1)", 2 },
	{ "consumers", 'C', "N", 0, "mq consumer processes (default 1)", 2 },
	{ "threads", 't', "N", 0, "mutex worker threads (default 4)", 2 },
	{ "hold-us", OPT_HOLD_US, "N", 0,
	  "Microseconds spent inside each lock: mutex, condvar, shm-mutex, exit-early (default 20)",
	  2 },
	{ "post-delay-us", OPT_POST_DELAY_US, "N", 0,
	  "sem: microseconds the poster sleeps before each post (default 200)", 2 },
	{ "linger-ms", OPT_LINGER_MS, "N", 0,
	  "exit-early: how long the parent outlives the child (default 1500)", 2 },
	{ "named", OPT_NAMED, NULL, 0,
	  "sem: a named POSIX semaphore instead of an unnamed one", 2 },
	{ "send", OPT_SEND, NULL, 0, "socket scenarios: send/recv instead of write/read", 2 },
	{ "handler", OPT_HANDLER, NULL, 0,
	  "signal scenarios: handlers and sigsuspend instead of sigwaitinfo", 2 },
	{ "abstract", OPT_ABSTRACT, NULL, 0,
	  "unix-server: an abstract socket name instead of a path", 2 },
	{ "map", OPT_MAP, "FILE", 0, "trap-map: also map FILE and keep it open", 2 },
	/* Internal: how exec-pipe hands its info stream and start gate to `emit`. */
	{ "info-fd", OPT_INFO_FD, "FD", OPTION_HIDDEN, NULL, 0 },
	{ "gate-fd", OPT_GATE_FD, "FD", OPTION_HIDDEN, NULL, 0 },
	{ "label", OPT_LABEL, "NAME", OPTION_HIDDEN, NULL, 0 },
	{ 0 },
};

static const char doc[] =
	"Run an IPC workload whose every count is known, for ipctrace's tests.\v"
	"Each process writes `ipcwork: [EVENT] scenario=S role=R pid=P tid=T key=value...` "
	"lines to the info stream: one when set up, `ready` from the controller once all are, "
	"and `done` with its counts.\n\n"
	"Exit status: 0 ok, 1 failure (a message on stderr), 2 usage.";

static const char args_doc[] = "SCENARIO [COUNT]\nlist\nemit BYTES";

static unsigned long parse_num(struct argp_state *state, const char *what, const char *s,
			       unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v < min || v > max)
		argp_error(state, "%s must be a number from %lu to %lu, not '%s'", what, min, max,
			   s);
	return v;
}

struct cli {
	struct wk_opts o;
	bool list;
	bool count_set;
};

static error_t parse_common(int key, char *arg, struct argp_state *state)
{
	struct wk_opts *o = &((struct cli *)state->input)->o;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 's':
		o->size = parse_num(state, "SIZE", arg, 1, WK_MAX_SIZE);
		break;
	case OPT_INFO:
		o->info_path = arg;
		break;
	case OPT_WAIT_STDIN:
		o->wait_stdin = true;
		break;
	case OPT_DELAY:
		o->delay_ms = parse_num(state, "--delay", arg, 0, 3600 * 1000);
		break;
	case OPT_TIMEOUT:
		o->timeout_s = parse_num(state, "--timeout", arg, 1, 86400);
		break;
	case OPT_INFO_FD:
		o->info_fd = parse_num(state, "--info-fd", arg, 0, INT_MAX);
		break;
	case OPT_GATE_FD:
		o->gate_fd = parse_num(state, "--gate-fd", arg, 0, INT_MAX);
		break;
	case OPT_LABEL:
		o->label = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static error_t parse_scenario_opt(int key, char *arg, struct argp_state *state)
{
	struct wk_opts *o = &((struct cli *)state->input)->o;

	switch (key) {
	case 'c':
		o->clients = parse_num(state, "--clients", arg, 1, 64);
		break;
	case 'P':
		o->producers = parse_num(state, "--producers", arg, 1, 64);
		break;
	case 'C':
		o->consumers = parse_num(state, "--consumers", arg, 1, 64);
		break;
	case 't':
		o->threads = parse_num(state, "--threads", arg, 1, WK_MAX_THREADS);
		break;
	case OPT_HOLD_US:
		o->hold_us = parse_num(state, "--hold-us", arg, 0, 1000000);
		break;
	case OPT_POST_DELAY_US:
		o->post_delay_us = parse_num(state, "--post-delay-us", arg, 0, 10000000);
		break;
	case OPT_LINGER_MS:
		o->linger_ms = parse_num(state, "--linger-ms", arg, 0, 3600 * 1000);
		break;
	case OPT_NAMED:
		o->named = true;
		break;
	case OPT_SEND:
		o->use_send = true;
		break;
	case OPT_HANDLER:
		o->handler = true;
		break;
	case OPT_MAP:
		o->map_file = arg;
		break;
	case OPT_ABSTRACT:
		o->abstract = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct wk_scenario *find_scenario(const char *name)
{
	size_t i;

	for (i = 0; i < NR_SCENARIOS; i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct cli *cli = state->input;
	struct wk_opts *o = &cli->o;

	switch (key) {
	case ARGP_KEY_ARG:
		if (state->arg_num == 0 && !strcmp(arg, "list")) {
			cli->list = true;
		} else if (state->arg_num == 0) {
			if (!find_scenario(arg))
				argp_error(state, "unknown scenario '%s' (see `ipcwork list`)",
					   arg);
			o->scenario = arg;
		} else if (state->arg_num == 1 && !cli->list) {
			o->count = parse_num(state, "COUNT", arg, 1, 1ul << 40);
			cli->count_set = true;
		} else {
			argp_error(state, "unexpected argument '%s'", arg);
		}
		return 0;
	case ARGP_KEY_END:
		if (!o->scenario && !cli->list)
			argp_error(state, "no scenario given (see `ipcwork list`)");
		return 0;
	}
	if (parse_common(key, arg, state) != ARGP_ERR_UNKNOWN)
		return 0;
	return parse_scenario_opt(key, arg, state);
}

/* The scenario list and examples, after the options in --help. */
static char *help_filter(int key, const char *text, void *input)
{
	char *buf = NULL, *out = NULL;
	size_t len = 0, i;
	FILE *f;

	if (key != ARGP_KEY_HELP_POST_DOC)
		return (char *)text;
	f = open_memstream(&buf, &len);
	if (!f)
		return (char *)text;
	fprintf(f, "Scenarios (default COUNT in brackets):\n");
	for (i = 0; i < NR_SCENARIOS; i++)
		fprintf(f, "  %s [%lu]\n      %s\n", scenarios[i].name, scenarios[i].def_count,
			scenarios[i].summary);
	fprintf(f, "\nExamples:\n"
		"  ipcwork pipe-pingpong 1000             1000 round trips of 64 bytes\n"
		"  ipcwork --info /tmp/i.txt -s 128 fifo  FIFO traffic, lines in a file\n"
		"  ipcwork -P 2 -C 3 mq 100               300 messages, consumers take 100 each\n"
		"  ipcwork -t 8 --hold-us 50 mutex 500    8 threads contend counter_lock\n"
		"  ipcwork --wait-stdin unix-server 10    attach a tracer after `ready`, then\n"
		"                                         send a line to ipcwork's stdin\n\n%s\n",
		text ? text : "");
	if (fclose(f) == 0)
		out = buf;
	else
		free(buf);
	return out ? out : (char *)text;
}

static const struct argp argp = {
	.options = options,
	.parser = parse_arg,
	.args_doc = args_doc,
	.doc = doc,
	.help_filter = help_filter,
};

static void list_scenarios(void)
{
	size_t i;

	for (i = 0; i < NR_SCENARIOS; i++)
		printf("%-20s [%lu] %s\n", scenarios[i].name, scenarios[i].def_count,
		       scenarios[i].summary);
}

/* The hang guard leaves room for what a scenario sleeps on purpose. */
static unsigned int default_timeout(const struct wk_opts *o)
{
	unsigned long s = TIMEOUT_BASE_S;

	if (!strcmp(o->scenario, "condvar") || !strcmp(o->scenario, "idle"))
		s += o->count;
	if (!strcmp(o->scenario, "exit-early"))
		s += o->linger_ms / 1000 + 1;
	if (!strcmp(o->scenario, "sem"))
		s += 2 * o->count * o->post_delay_us / 1000000 + 1;
	return s > 86400 ? 86400 : s;
}

static int setup_info(struct wk_opts *o)
{
	if (o->info_fd >= 0)
		return 0;
	if (!o->info_path) {
		o->info_fd = STDERR_FILENO;
		return 0;
	}
	o->info_fd = open(o->info_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
			  0644);
	if (o->info_fd < 0) {
		fprintf(stderr, "ipcwork: failed to open %s: %s\n", o->info_path, strerror(errno));
		return -errno;
	}
	return 0;
}

static int setup_run(struct wk_opts *o, const struct wk_scenario *sc, bool count_set)
{
	int err;

	if (!count_set)
		o->count = sc->def_count;
	if (!o->timeout_s)
		o->timeout_s = default_timeout(o);
	err = setup_info(o);
	if (err)
		return err;
	self_init(o->label ? o->label : sc->name, o->info_fd);
	self_role("parent", -1);
	setup_signals();
	alarm(o->timeout_s);
	err = o->gate_fd >= 0 ? gate_attach(o->gate_fd) : gate_setup();
	if (err)
		fail(-err, "set up the start gate");
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli = {
		.o = {
			.size = 64,
			.info_fd = -1,
			.gate_fd = -1,
			.clients = 3,
			.producers = 1,
			.consumers = 1,
			.threads = 4,
			.hold_us = 20,
			.post_delay_us = 200,
			.linger_ms = 1500,
		},
	};
	const struct wk_scenario *sc;
	int err;

	argp_err_exit_status = WK_EXIT_USAGE;
	err = argp_parse(&argp, argc, argv, 0, NULL, &cli);
	if (err)
		return WK_EXIT_USAGE;
	if (cli.list) {
		list_scenarios();
		return 0;
	}
	sc = find_scenario(cli.o.scenario);
	if (setup_run(&cli.o, sc, cli.count_set))
		return WK_EXIT_FAIL;
	err = sc->run(&cli.o);
	cleanup_run();
	return err ? WK_EXIT_FAIL : 0;
}
