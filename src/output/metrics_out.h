/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where the metrics go, each interval:
 *   mfile: a textfile for node_exporter's textfile collector, replaced
 *          atomically (a new file in the same directory, then rename), so
 *          the collector never reads half a file;
 *   mhttp: a scrape endpoint (libmicrohttpd, in its own thread) that
 *          answers from the last snapshot: the trace never waits for a
 *          client, however slow, and a client never waits for the trace.
 * Both are sinks that render the metrics sink's snapshot at the end of
 * each interval and of the trace: add them to the collector after it.
 * A failure to publish is said once on stderr (not every interval), and
 * returned by the end of the trace.
 */
#ifndef IPCTRACE_METRICS_OUT_H
#define IPCTRACE_METRICS_OUT_H

#include <stddef.h>
#include <stdint.h>

struct metrics;
struct mfile;
struct mhttp;
struct sink;

/*
 * The textfile of m at path (its directory must exist; the file is
 * created or replaced at each publish, mode 0644).  NULL with errno (the
 * directory cannot be opened, or path names a directory).
 */
struct mfile *mfile__new(struct metrics *m, const char *path);
struct sink *mfile__sink(struct mfile *f);	/* for collector__add_sink() */
void mfile__free(struct mfile *f);	/* accepts NULL; not once the collector owns it */
/* Render the last snapshot in the text format 0.0.4 and replace the file.  0 or -errno. */
int mfile__publish(struct mfile *f);

/*
 * Serve m on addr ("127.0.0.1:9464", "[::1]:9464", "localhost:9464",
 * ":9464" for every address), GET /metrics.  NULL with errno; err gets
 * one line saying what failed.
 */
struct mhttp *mhttp__start(struct metrics *m, const char *addr, char *err, size_t errlen);
struct sink *mhttp__sink(struct mhttp *h);	/* for collector__add_sink() */
void mhttp__stop(struct mhttp *h);	/* accepts NULL; not once the collector owns it */
/* Render the last snapshot in both formats and serve that from now on.  0 or -errno. */
int mhttp__publish(struct mhttp *h);
/* Scrapes answered so far (tests, -v). */
uint64_t mhttp__scrapes(const struct mhttp *h);

#endif /* IPCTRACE_METRICS_OUT_H */
