// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Replay of a recording: records go to the collector as they were written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/safefile.h"
#include "model/collector.h"
#include "source/recfile.h"
#include "source/source.h"

#define BATCH 4096	/* records per poll, so callers can still check for Ctrl-C */

struct file_source {
	struct source base;
	struct recfile_reader *reader;
};

static int file_poll(struct source *s, int timeout_ms)
{
	struct file_source *fs = (struct file_source *)s;
	const void *rec;
	size_t len;
	int n = 0, ret;

	while (n < BATCH && !s->ended) {
		ret = recfile_reader__next(fs->reader, &rec, &len);
		if (ret == 0) {
			s->ended = true;
			break;
		}
		if (ret < 0) {
			s->ended = true;
			snprintf(s->error, sizeof(s->error), "%s",
				 recfile_reader__error(fs->reader));
			return ret;
		}
		ret = collector__push(s->c, rec, len);
		if (ret) {
			snprintf(s->error, sizeof(s->error), "failed to process record: %s",
				 strerror(-ret));
			return ret;
		}
		n++;
	}
	return n;
}

static void file_free(struct source *s)
{
	struct file_source *fs = (struct file_source *)s;

	recfile_reader__close(fs->reader);
	free(fs);
}

static const struct source_ops file_ops = {
	.poll = file_poll,
	.free = file_free,
};

struct source *source_file__new(struct collector *c, const char *path, char *err, size_t errlen)
{
	struct file_source *fs = calloc(1, sizeof(*fs));
	int saved;

	if (!fs) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	fs->base.ops = &file_ops;
	fs->base.c = c;
	fs->reader = recfile_reader__open(path, err, errlen);
	if (!fs->reader) {
		saved = errno;
		free(fs);
		errno = saved;
		return NULL;
	}
	/* no output of this run may overwrite the recording (report -o FILE FILE) */
	safefile__protect(recfile_reader__fd(fs->reader));
	return &fs->base;
}
