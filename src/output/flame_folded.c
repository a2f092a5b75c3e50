// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The flame tree as folded stacks: one sorted line per unique stack,
 * "root;frame;...;leaf WEIGHT" (see flame.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/flame.h"
#include "analysis/flame_int.h"

/*
 * Whitespace separates the weight and ';' separates frames, so both are
 * replaced.  Other ASCII control characters count as whitespace here too:
 * they would break lines or terminals in every consumer of the format.
 */
static char folded_char(unsigned char c)
{
	if (c == ';')
		return ':';
	if (c < 0x20 || c == ' ' || c == 0x7f)
		return '_';
	return (char)c;
}

size_t flame__escape_frame(char *buf, size_t len, const char *frame)
{
	size_t n = frame ? strlen(frame) : 0;
	size_t i;

	if (!buf || !len)
		return n;
	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = folded_char((unsigned char)frame[i]);
	buf[i] = '\0';
	return n;
}

struct folded_line {
	char *stack;
	uint64_t weight;
};

struct folded {
	struct folded_line *lines;
	size_t nr_lines;
	size_t cap_lines;
	char *buf;			/* the current path, escaped, ';'-joined */
	size_t len;
	size_t cap;
};

/* Append ";frame" (or "frame" at depth 0) to the current path. */
static int folded__push(struct folded *fo, const char *frame, int depth)
{
	size_t flen = strlen(frame);
	size_t need = fo->len + 1 + flen + 1;

	if (need > fo->cap) {
		size_t cap = fo->cap ? fo->cap : 256;
		char *buf;

		while (cap < need)
			cap *= 2;
		buf = realloc(fo->buf, cap);
		if (!buf)
			return -ENOMEM;
		fo->buf = buf;
		fo->cap = cap;
	}
	if (depth > 0)
		fo->buf[fo->len++] = ';';
	fo->len += flame__escape_frame(fo->buf + fo->len, fo->cap - fo->len, frame);
	return 0;
}

static int folded__emit(struct folded *fo, uint64_t weight)
{
	struct folded_line *l;

	if (fo->nr_lines == fo->cap_lines) {
		size_t cap = fo->cap_lines ? fo->cap_lines * 2 : 64;

		l = realloc(fo->lines, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		fo->lines = l;
		fo->cap_lines = cap;
	}
	l = &fo->lines[fo->nr_lines];
	l->stack = strdup(fo->buf);
	if (!l->stack)
		return -ENOMEM;
	l->weight = weight;
	fo->nr_lines++;
	return 0;
}

static int folded__walk(struct folded *fo, const struct flame_node *n, int depth)
{
	size_t mark = fo->len;
	size_t i;
	int err;

	for (i = 0; i < n->nr_kids; i++) {
		const struct flame_node *kid = n->kids[i];

		err = folded__push(fo, kid->name, depth);
		if (!err && kid->self)
			err = folded__emit(fo, kid->self);
		if (!err)
			err = folded__walk(fo, kid, depth + 1);
		if (err)
			return err;
		fo->len = mark;
		fo->buf[mark] = '\0';
	}
	return 0;
}

static int folded_line__cmp(const void *a, const void *b)
{
	const struct folded_line *la = a, *lb = b;

	return strcmp(la->stack, lb->stack);
}

/*
 * Frames that differ only in escaped characters ("a b", "a_b") become the
 * same folded stack; merge them so each stack appears once.
 */
static void folded__print(const struct folded *fo, FILE *out)
{
	size_t i = 0;

	while (i < fo->nr_lines) {
		uint64_t weight = fo->lines[i].weight;
		size_t j = i + 1;

		while (j < fo->nr_lines && !strcmp(fo->lines[i].stack, fo->lines[j].stack))
			weight += fo->lines[j++].weight;
		fprintf(out, "%s %" PRIu64 "\n", fo->lines[i].stack, weight);
		i = j;
	}
}

int flame__write_folded(const struct flame *f, FILE *out)
{
	struct folded fo = {};
	size_t i;
	int err;

	if (!f || !out)
		return -EINVAL;
	err = folded__walk(&fo, f->root, 0);
	if (err)
		goto out_free;
	if (fo.nr_lines)
		qsort(fo.lines, fo.nr_lines, sizeof(*fo.lines), folded_line__cmp);
	folded__print(&fo, out);
	if (fflush(out) || ferror(out))
		err = -EIO;
out_free:
	for (i = 0; i < fo.nr_lines; i++)
		free(fo.lines[i].stack);
	free(fo.lines);
	free(fo.buf);
	return err;
}
