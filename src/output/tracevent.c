// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Trace-event JSON writer (see tracevent.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "output/tracevent.h"

static void tev_fail(struct tev *t, int err)
{
	if (!t->err)
		t->err = err;
}

static void tev_puts(struct tev *t, const char *s)
{
	if (!t->err && fputs(s, t->f) == EOF)
		tev_fail(t, errno ? -errno : -EIO);
}

int tev__open(struct tev *t, FILE *f, uint64_t origin_ns)
{
	memset(t, 0, sizeof(*t));
	t->f = f;
	t->origin_ns = origin_ns;
	jw__init(&t->jw);
	tev_puts(t, "{\"traceEvents\":[\n");
	t->open = true;
	return t->err;
}

struct jw *tev__begin(struct tev *t, char ph, const char *name, const char *cat, uint32_t pid,
		      uint32_t tid, uint64_t ts_ns)
{
	char phase[2] = { ph, '\0' };
	struct jw *w = &t->jw;

	jw__reset(w);
	jw__obj_begin(w);
	jw__kv_str(w, "ph", phase);
	jw__kv_str(w, "name", name);
	if (cat)
		jw__kv_str(w, "cat", cat);
	jw__kv_u64(w, "pid", pid);
	jw__kv_u64(w, "tid", tid);
	/* records stamped before the origin (possible at the start) come out negative */
	jw__kv_fixed(w, "ts", (int64_t)(ts_ns - t->origin_ns), 3);
	return w;
}

int tev__end(struct tev *t)
{
	struct jw *w = &t->jw;

	jw__obj_end(w);
	if (!t->open) {
		tev_fail(t, -EINVAL);
		return t->err;
	}
	/* a comma before every event but the first: the array stays valid JSON */
	if (t->events)
		tev_puts(t, ",\n");
	if (!t->err) {
		int err = w->failed ? -EINVAL : 0;

		if (!err && fwrite(jw__cstr(w), 1, w->len, t->f) != w->len)
			err = errno ? -errno : -EIO;
		tev_fail(t, err);
	}
	jw__reset(w);
	t->events++;
	return t->err;
}

void tev__kv_us(struct jw *w, const char *key, uint64_t ns)
{
	jw__kv_fixed(w, key, (int64_t)ns, 3);
}

static int meta(struct tev *t, const char *what, uint32_t pid, uint32_t tid, const char *name,
		int64_t index, bool is_index)
{
	struct jw *w = tev__begin(t, 'M', what, NULL, pid, tid, t->origin_ns);

	jw__key(w, "args");
	jw__obj_begin(w);
	if (is_index)
		jw__kv_s64(w, "sort_index", index);
	else
		jw__kv_str(w, "name", name);
	jw__obj_end(w);
	return tev__end(t);
}

int tev__process_name(struct tev *t, uint32_t pid, const char *name)
{
	return meta(t, "process_name", pid, 0, name, 0, false);
}

int tev__thread_name(struct tev *t, uint32_t pid, uint32_t tid, const char *name)
{
	return meta(t, "thread_name", pid, tid, name, 0, false);
}

int tev__process_sort(struct tev *t, uint32_t pid, int64_t index)
{
	return meta(t, "process_sort_index", pid, 0, NULL, index, true);
}

int tev__close(struct tev *t, void (*other)(struct jw *w, void *ctx), void *ctx)
{
	struct jw *w = &t->jw;

	if (!t->open)
		return t->err ? t->err : -EINVAL;
	t->open = false;
	tev_puts(t, "\n],\"displayTimeUnit\":\"ns\",\"otherData\":");
	jw__reset(w);
	jw__obj_begin(w);
	if (other)
		other(w, ctx);
	jw__obj_end(w);
	if (!t->err && (w->failed || fwrite(jw__cstr(w), 1, w->len, t->f) != w->len))
		tev_fail(t, w->failed ? -EINVAL : -EIO);
	tev_puts(t, "}\n");
	if (!t->err && fflush(t->f))
		tev_fail(t, -errno);
	jw__reset(w);
	return t->err;
}

void tev__release(struct tev *t)
{
	jw__release(&t->jw);
}
