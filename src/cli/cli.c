// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Command line: argp, one struct env, a subcommand word for record/report.
 */
#include <argp.h>
#include <bpf/libbpf.h>
#include <bpf/libbpf_version.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "decode/names.h"
#include "ipctrace_abi.h"

const char *argp_program_version = "ipctrace " IPCTRACE_VERSION;

static const char doc[] =
"ipctrace: trace inter-process communication with eBPF: pipes, FIFOs, POSIX "
"message queues, futexes, signals, unix and inet sockets, SysV semaphores.\n"
"\n"
"  ipctrace [OPTIONS] [-p PID...] [-t TID...] [interval [count]]\n"
"  ipctrace [OPTIONS] -- COMMAND [ARGS...]\n"
"  ipctrace record -o FILE [OPTIONS] [-p PID... | -- COMMAND [ARGS...]]\n"
"  ipctrace report [OPTIONS] FILE\n"
"  ipctrace stuck [OPTIONS] [-p PID...] [-t TID...]\n"
"\n"
"Without -p, -t or a command, the whole system is traced.  Default output is "
"a summary refreshed every interval (per process and per IPC object: "
"operations, bytes, errors, time blocked), what threads are blocked on now and "
"who can end each wait (deadlocks said as such), and a final report.  "
"`stuck` looks once and exits: the blocked threads, the chains of waits, any "
"deadlock.\n"
"\v"
"EXAMPLES:\n"
"  sudo ipctrace -p 4242                 live summary of pid 4242, every second\n"
"  sudo ipctrace -p 4242 5 3             three 5-second intervals, then the report\n"
"  sudo ipctrace --events -p 4242,4243   one line per IPC operation (strace-like)\n"
"  sudo ipctrace --json -- ./server      JSON Lines of a command's IPC, then a summary\n"
"  sudo ipctrace --types futex,signal -p 4242   only futexes and signals\n"
"  sudo ipctrace --graph dot=ipc.dot -d 10 -p 4242   who talks to whom, as Graphviz\n"
"  sudo ipctrace --folded waits.folded --flame waits.svg -- ./app   where threads block\n"
"  sudo ipctrace -q --timeline ipc.json -d 10 -p 4242   a timeline for ui.perfetto.dev\n"
"  sudo ipctrace -q --metrics-listen 127.0.0.1:9464 -p 4242   a Prometheus target\n"
"  sudo ipctrace record -o trace.ipct -p 4242 -d 30   record now...\n"
"  ipctrace report --events trace.ipct   ...analyse later (no root needed)\n"
"  sudo ipctrace stuck -p 4242           what is 4242 blocked on, who can wake it\n"
"\n"
"EXIT STATUS:\n"
"  0 success (with -- COMMAND: the command's exit status, 128+N if killed by signal N)\n"
"  1 runtime failure (no permission, no BTF, unknown PID, BPF load failure, bad recording)\n"
"  2 usage error\n"
"  3 stuck: a deadlock was found\n";

enum opt_key {
	OPT_NO_PEERS = 1000,
	OPT_TYPES,
	OPT_NO_FAMILY,			/* --no-pipe ... (arg encodes the family) */
	OPT_NO_STACKS = OPT_NO_FAMILY + IPC_FAM_NR,
	OPT_LOCKS,
	OPT_TOP,
	OPT_RINGBUF,
	OPT_GRAPH,
	OPT_GRAPH_COLLAPSE,
	OPT_GRAPH_IDLE,
	OPT_THREADS,
	OPT_FOLDED,
	OPT_FLAME,
	OPT_VERSION,
	OPT_SYMFS,
	OPT_BLOCKED_MIN,
	OPT_TIMELINE,
	OPT_METRICS_FILE,
	OPT_METRICS_LISTEN,
	OPT_METRICS_TOP,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Targets:", 1 },
	{ "pid", 'p', "PID", 0,
	  "Trace process PID and its threads (repeatable, or a comma list)", 1 },
	{ "tid", 't', "TID", 0, "Trace thread TID (repeatable, or a comma list)", 1 },
	{ "follow", 'f', NULL, 0,
	  "Also trace children the targets fork (always on for -- COMMAND)", 1 },
	{ "no-peers", OPT_NO_PEERS, NULL, 0,
	  "Do not trace other processes on the targets' pipes, sockets, queues and "
	  "shared futexes", 1 },
	{ NULL, 0, NULL, 0, "What to trace:", 2 },
	{ "types", OPT_TYPES, "LIST", 0,
	  "Families to trace, a comma list of:"
#define IPC_FAMILY(id, nr, name, help) " " name
#include "ipc_families.def"
#undef IPC_FAMILY
	  " (default: all)", 2 },
#define IPC_FAMILY(id, nr, name, help) { "no-" name, OPT_NO_FAMILY + IPC_FAM_##id, NULL, 0, help, 2 },
#include "ipc_families.def"
#undef IPC_FAMILY
	{ "no-stacks", OPT_NO_STACKS, NULL, 0,
	  "Do not capture user stacks of blocking operations", 2 },
	{ "locks", OPT_LOCKS, NULL, 0,
	  "Also trace pthread mutex/rwlock/condvar and semaphore calls with uprobes", 2 },
	{ NULL, 0, NULL, 0, "Output:", 3 },
	{ "events", 'e', NULL, 0, "Print one line per operation (strace-like)", 3 },
	{ "json", 'j', NULL, 0, "Print JSON Lines: one object per operation, then the summary", 3 },
	{ "timestamp", 'T', NULL, 0,
	  "Wall-clock timestamps in event lines (default: seconds since start)", 3 },
	{ "quiet", 'q', NULL, 0, "No live view and no events: only the final report", 3 },
	{ "output", 'o', "FILE", 0, "Write output to FILE (record: the recording to write)", 3 },
	{ "interval", 'i', "SECONDS", 0, "Live summary interval (default 1)", 3 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS", 3 },
	{ "top", OPT_TOP, "N", 0, "Rows per table in summaries (default 20, 0: all)", 3 },
	{ "graph", OPT_GRAPH, "FORMAT[=FILE]", 0,
	  "Write the IPC graph at the end: dot or json, to FILE or stdout (repeatable)", 3 },
	{ "graph-collapse", OPT_GRAPH_COLLAPSE, NULL, 0,
	  "Graph: one process-to-process edge per pair and mechanism", 3 },
	{ "graph-idle", OPT_GRAPH_IDLE, NULL, 0,
	  "With --graph-collapse: also the idle edges (processes that hold an object nobody used)",
	  3 },
	{ "threads", OPT_THREADS, NULL, 0, "Graph: show threads inside their processes", 3 },
	{ "folded", OPT_FOLDED, "FILE", 0, "Write time blocked per stack as folded stacks", 3 },
	{ "flame", OPT_FLAME, "FILE", 0, "Write time blocked per stack as an SVG flame graph", 3 },
	{ "timeline", OPT_TIMELINE, "FILE", 0,
	  "Write a timeline of every operation, with cause -> effect arrows (trace-event "
	  "JSON: ui.perfetto.dev, chrome://tracing, speedscope)", 3 },
	{ "metrics-file", OPT_METRICS_FILE, "FILE", 0,
	  "Write Prometheus metrics to FILE each interval (node_exporter textfile)", 3 },
	{ "metrics-listen", OPT_METRICS_LISTEN, "ADDR:PORT", 0,
	  "Serve Prometheus/OpenMetrics metrics at http://ADDR:PORT/metrics", 3 },
	{ "metrics-top", OPT_METRICS_TOP, "N", 0,
	  "Processes with their own metrics series (default 20; the rest: \"other\")", 3 },
	{ "symfs", OPT_SYMFS, "DIR", 0,
	  "report: look for the traced binaries and libraries under DIR (a copy of the "
	  "traced machine's files)", 3 },
	{ "blocked-min", OPT_BLOCKED_MIN, "SECONDS", 0,
	  "List threads blocked at least this long in BLOCKED NOW and stuck (default 0.1)", 3 },
	{ NULL, 0, NULL, 0, "Tuning and diagnostics:", 4 },
	{ "ringbuf-size", OPT_RINGBUF, "MIB", 0,
	  "Ring buffer size in MiB, a power of two up to 2048 (default 8)", 4 },
	{ "verbose", 'v', NULL, 0, "libbpf diagnostics; twice for debug output", 4 },
	{ "help", 'h', NULL, 0, "Show this help", -1 },
	{ "version", 'V', NULL, 0, "Show the version", -1 },
	{},
};

void cli__defaults(struct env *env)
{
	*env = (struct env){
		.mode = MODE_LIVE,
		.peers = true,
		.families = IPC_FAM_ALL,
		.stacks = true,
		.interval_s = 1.0,
		.top = 20,
		.ringbuf_bytes = 8ull << 20,
		.blocked_min_s = 0.1,
		.metrics_top = 20,
	};
}

__attribute__((format(printf, 2, 3)))
static int fail(struct env *env, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(env->error, sizeof(env->error), fmt, ap);
	va_end(ap);
	return EINVAL;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v <= 0 || v > 1e7)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "1,2,3" into ids[]; 0 or EINVAL. */
static int parse_id_list(struct env *env, const char *arg, uint32_t *ids, int *nr,
			 const char *what)
{
	char buf[1024], *save = NULL, *tok;
	long v;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (parse_long(tok, 1, INT_MAX, &v))
			return fail(env, "invalid %s '%s': expected a positive number", what, tok);
		if (*nr >= CLI_MAX_PIDS)
			return fail(env, "too many %ss (at most %d)", what, CLI_MAX_PIDS);
		ids[(*nr)++] = v;
	}
	if (!*nr)
		return fail(env, "invalid %s list '%s'", what, arg);
	return 0;
}

static int parse_types(struct env *env, const char *arg)
{
	char buf[256], *save = NULL, *tok;
	uint32_t mask = 0;
	int fam;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		fam = ipc_family_from_name(tok);
		if (fam < 0)
			return fail(env, "unknown type '%s' in --types: expected "
				    "pipe, mq, futex, signal, socket or sem", tok);
		mask |= 1u << fam;
	}
	if (!mask)
		return fail(env, "--types needs at least one type");
	env->families = mask;
	return 0;
}

/* --graph FORMAT[=FILE], repeatable: each to its own file, at most one to stdout. */
static int parse_graph(struct env *env, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
	struct graph_out g = { .file = eq && eq[1] ? eq + 1 : NULL };

	if (n == 3 && !strncmp(arg, "dot", 3))
		g.format = GRAPH_DOT;
	else if (n == 4 && !strncmp(arg, "json", 4))
		g.format = GRAPH_JSON;
	else
		return fail(env, "invalid --graph '%s': expected dot[=FILE] or json[=FILE]", arg);
	if (env->nr_graphs == CLI_MAX_GRAPHS)
		return fail(env, "--graph: at most %d graphs", CLI_MAX_GRAPHS);
	for (int i = 0; i < env->nr_graphs; i++) {
		const char *f = env->graphs[i].file;

		if (!f && !g.file)
			return fail(env, "--graph: only one graph can go to standard output; "
				    "give the others a file (FORMAT=FILE)");
		if (f && g.file && !strcmp(f, g.file))
			return fail(env, "--graph: two graphs to the same file %s", f);
	}
	env->graphs[env->nr_graphs++] = g;
	return 0;
}

/* HOST:PORT, [V6]:PORT or :PORT; the host is resolved when the server starts. */
static int parse_listen(struct env *env, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	long port;

	if (!colon || parse_long(colon + 1, 1, 65535, &port) ||
	    (arg[0] == '[' && colon[-1] != ']'))
		return fail(env, "invalid --metrics-listen '%s': expected ADDR:PORT "
			    "(127.0.0.1:9464, [::1]:9464, :9464)", arg);
	env->metrics_listen = arg;
	return 0;
}

static int parse_ringbuf(struct env *env, const char *arg)
{
	long mib;

	if (parse_long(arg, 1, RINGBUF_MAX_MIB, &mib) || (mib & (mib - 1)))
		return fail(env, "invalid --ringbuf-size '%s': a power of two from 1 to %d (MiB)",
			    arg, RINGBUF_MAX_MIB);
	env->ringbuf_bytes = (uint64_t)mib << 20;
	return 0;
}

/* Positional arguments: [interval [count]] live, FILE for report. */
static int parse_positional(struct env *env, const char *arg, unsigned int index)
{
	long v;

	if (env->mode == MODE_STUCK)
		return fail(env, "stuck takes no arguments, got '%s' (use -p PID)", arg);
	if (env->mode == MODE_REPORT) {
		if (index > 0)
			return fail(env, "report takes one recording file, got '%s' too", arg);
		env->input = arg;
		return 0;
	}
	if (index == 0) {
		if (parse_seconds(arg, &env->interval_s))
			return fail(env, "invalid interval '%s' "
				    "(to trace a command, put it after --)", arg);
		return 0;
	}
	if (index == 1) {
		if (parse_long(arg, 1, INT_MAX, &v))
			return fail(env, "invalid count '%s': expected a positive number", arg);
		env->count = v;
		return 0;
	}
	return fail(env, "unexpected argument '%s'", arg);
}

static int parse_value_opt(struct env *env, int key, const char *arg)
{
	long v;

	switch (key) {
	case 'p':
		return parse_id_list(env, arg, env->pids, &env->nr_pids, "PID");
	case 't':
		return parse_id_list(env, arg, env->tids, &env->nr_tids, "TID");
	case 'o':
		env->output = arg;
		return 0;
	case 'i':
		if (parse_seconds(arg, &env->interval_s))
			return fail(env, "invalid interval '%s': expected seconds > 0", arg);
		return 0;
	case 'd':
		if (parse_seconds(arg, &env->duration_s))
			return fail(env, "invalid duration '%s': expected seconds > 0", arg);
		return 0;
	case OPT_TOP:
		if (parse_long(arg, 0, 100000, &v))
			return fail(env, "invalid --top '%s': expected a number >= 0", arg);
		env->top = v;
		return 0;
	case OPT_TYPES:
		return parse_types(env, arg);
	case OPT_RINGBUF:
		return parse_ringbuf(env, arg);
	case OPT_GRAPH:
		return parse_graph(env, arg);
	case OPT_FOLDED:
		env->folded_file = arg;
		return 0;
	case OPT_FLAME:
		env->flame_file = arg;
		return 0;
	case OPT_SYMFS:
		env->symfs = arg;
		return 0;
	case OPT_BLOCKED_MIN:
		if (!strcmp(arg, "0")) {
			env->blocked_min_s = 0;
			return 0;
		}
		if (parse_seconds(arg, &env->blocked_min_s))
			return fail(env, "invalid --blocked-min '%s': expected seconds >= 0", arg);
		return 0;
	case OPT_TIMELINE:
		env->timeline_file = arg;
		return 0;
	case OPT_METRICS_FILE:
		env->metrics_file = arg;
		return 0;
	case OPT_METRICS_LISTEN:
		return parse_listen(env, arg);
	case OPT_METRICS_TOP:
		if (parse_long(arg, 1, 1000, &v))
			return fail(env, "invalid --metrics-top '%s': expected 1 to 1000", arg);
		env->metrics_top = v;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct env *env = state->input;

	if (key >= OPT_NO_FAMILY && key < OPT_NO_FAMILY + IPC_FAM_NR) {
		env->families &= ~(1u << (key - OPT_NO_FAMILY));
		return 0;
	}
	switch (key) {
	case 'f': env->follow = true; return 0;
	case 'e': env->events = true; return 0;
	case 'j': env->json = true; return 0;
	case 'T': env->abs_time = true; return 0;
	case 'q': env->quiet = true; return 0;
	case 'v': env->verbose++; return 0;
	case OPT_NO_PEERS: env->peers = false; return 0;
	case OPT_NO_STACKS: env->stacks = false; return 0;
	case OPT_LOCKS: env->locks = true; return 0;
	case OPT_GRAPH_COLLAPSE: env->graph_collapse = true; return 0;
	case OPT_GRAPH_IDLE: env->graph_idle = true; return 0;
	case OPT_THREADS: env->threads = true; return 0;
	case 'h':
		/* argp_state_help() prints nothing under ARGP_NO_ERRS */
		argp_help(state->root_argp, stdout, ARGP_HELP_STD_HELP, "ipctrace");
		env->mode = MODE_HELP;
		return 0;
	case 'V':
		cli__print_version(stdout);
		env->mode = MODE_HELP;
		return 0;
	case ARGP_KEY_ARG:
		return parse_positional(env, arg, state->arg_num);
	default:
		return parse_value_opt(env, key, arg);
	}
}

void cli__print_version(FILE *f)
{
	/* the linked libbpf says its own version; the headers are what we compiled against */
	fprintf(f, "%s\nlibbpf %u.%u (%s; headers %d.%d)\n", argp_program_version,
		libbpf_major_version(), libbpf_minor_version(),
		IPCTRACE_LIBBPF_STATIC ? "static" : "shared",
		LIBBPF_MAJOR_VERSION, LIBBPF_MINOR_VERSION);
}

static const struct argp argp = {
	.options = options,
	.parser = parse_opt,
	.doc = doc,
};

/* Combinations that each option alone cannot check. */
static int validate(struct env *env)
{
	bool targets = env->nr_pids || env->nr_tids;

	if (env->mode == MODE_HELP)
		return 0;
	if (env->cmd && targets)
		return fail(env, "give either -p/-t or -- COMMAND, not both");
	if (env->cmd && !env->cmd[0])
		return fail(env, "no command after --");
	if (env->mode == MODE_RECORD && !env->output)
		return fail(env, "record needs -o FILE");
	/* record runs no analysis: the files would silently never be written */
	if (env->mode == MODE_RECORD && (env->folded_file || env->flame_file))
		return fail(env, "--folded and --flame come from 'ipctrace report', not record");
	if (env->mode == MODE_RECORD && (env->metrics_file || env->metrics_listen ||
					 env->timeline_file))
		return fail(env, "--timeline, --metrics-file and --metrics-listen come from a "
			    "live trace or 'ipctrace report', not record");
	if (env->mode == MODE_REPORT && env->metrics_listen)
		return fail(env, "--metrics-listen serves a live trace; "
			    "for a recording use --metrics-file");
	if (env->mode == MODE_REPORT) {
		if (!env->input)
			return fail(env, "report needs a recording file");
		if (targets || env->cmd)
			return fail(env, "report reads a recording: "
				    "-p, -t and -- COMMAND do not apply");
	}
	if (env->mode == MODE_STUCK && (env->cmd || env->output || env->events ||
					env->duration_s || env->locks || env->nr_graphs ||
					env->folded_file || env->flame_file))
		return fail(env, "stuck looks once at running processes: -p/-t, --json, "
			    "--top, --blocked-min, --no-stacks, --no-peers and -v apply");
	if (env->symfs && env->mode != MODE_REPORT)
		return fail(env, "--symfs applies to 'ipctrace report': "
			    "a live trace reads the targets' own files");
	if (env->events && env->json)
		return fail(env, "--events and --json are exclusive: "
			    "--json already has every event");
	if (env->locks && env->mode != MODE_REPORT && !targets && !env->cmd)
		return fail(env, "--locks needs -p PID or -- COMMAND "
			    "(uprobes go into the targets' libc)");
	return 0;
}

static const struct argp_option *find_long(const char *name, size_t n)
{
	for (const struct argp_option *o = options; o->name || o->key || o->doc; o++)
		if (o->name && strlen(o->name) == n && !strncmp(o->name, name, n))
			return o;
	return NULL;
}

static const struct argp_option *find_short(int c)
{
	for (const struct argp_option *o = options; o->name || o->key || o->doc; o++)
		if (o->key == c && c < 256 && c > 0)
			return o;
	return NULL;
}

/*
 * argp is told not to print errors (they would name the subcommand word
 * as the program and point at options that do not exist), so when it
 * fails without saying why, find the argument it choked on.
 */
static void explain_unknown(struct env *env, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct argp_option *o;

		if (a[0] != '-' || !a[1])
			continue;
		if (a[1] == '-') {
			size_t n = strcspn(a + 2, "=");

			o = find_long(a + 2, n);
			if (!o) {
				fail(env, "unknown option '%.*s' (see ipctrace --help)",
				     (int)n + 2, a);
				return;
			}
			if (o->arg && !a[2 + n] && i + 1 >= argc) {
				fail(env, "option '--%s' needs a value", o->name);
				return;
			}
			if (o->arg && !a[2 + n])
				i++;
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			o = find_short(*c);
			if (!o) {
				fail(env, "unknown option '-%c' (see ipctrace --help)", *c);
				return;
			}
			if (!o->arg)
				continue;
			if (!c[1] && i + 1 >= argc) {
				fail(env, "option '-%c' needs a value", *c);
				return;
			}
			if (!c[1])
				i++;
			break;
		}
	}
}

int cli__parse(struct env *env, int argc, char **argv)
{
	int first = 1, end = argc, err;

	env->error[0] = 0;
	if (argc > 1 && !strcmp(argv[1], "record")) {
		env->mode = MODE_RECORD;
		first = 2;
	} else if (argc > 1 && !strcmp(argv[1], "report")) {
		env->mode = MODE_REPORT;
		first = 2;
	} else if (argc > 1 && !strcmp(argv[1], "stuck")) {
		env->mode = MODE_STUCK;
		first = 2;
	}
	for (int i = first; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			end = i;
			env->cmd = &argv[i + 1];
			break;
		}
	}
	/* argp sees argv[first-1 .. end): the subcommand word stands in for argv[0] */
	err = argp_parse(&argp, end - first + 1, argv + first - 1,
			 ARGP_NO_EXIT | ARGP_NO_HELP | ARGP_NO_ERRS | ARGP_IN_ORDER, NULL, env);
	if (err) {
		if (!env->error[0])
			explain_unknown(env, end - first, argv + first);
		if (!env->error[0])
			fail(env, "invalid command line (see ipctrace --help)");
		return -EINVAL;
	}
	if (validate(env))
		return -EINVAL;
	return 0;
}

void cli__describe(const struct env *env, char *buf, unsigned long len)
{
	size_t off = 0;

	buf[0] = 0;
	if (env->cmd) {
		off += snprintf(buf + off, len - off, "command:");
		for (char **a = env->cmd; *a && off < len; a++)
			off += snprintf(buf + off, len - off, " %s", *a);
		/* one line in report headers, whatever a `sh -c` script looks like */
		for (char *p = buf; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		return;
	}
	if (!env->nr_pids && !env->nr_tids) {
		snprintf(buf, len, "whole system");
		return;
	}
	for (int i = 0; i < env->nr_pids && off < len; i++)
		off += snprintf(buf + off, len - off, "%spid %u", off ? ", " : "", env->pids[i]);
	for (int i = 0; i < env->nr_tids && off < len; i++)
		off += snprintf(buf + off, len - off, "%stid %u", off ? ", " : "", env->tids[i]);
	if (env->follow && off < len)
		snprintf(buf + off, len - off, " and descendants");
}
