// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * json: a streaming JSON writer.  The writer tracks where it is (which
 * container, whether a key was just written) so that commas and colons come
 * out right, and it refuses sequences that would give invalid JSON instead
 * of writing them: any output it returns without 'failed' set parses.
 *
 * Strings from the kernel (comm, paths) are arbitrary bytes, so escaping
 * also validates UTF-8: a consumer never sees a byte sequence its parser
 * rejects.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/decimal.h"
#include "lib/json.h"
#include "lib/textsafe.h"
#include "lib/utf8.h"

#define JW_MIN_CAP 256

void jw__init(struct jw *w)
{
	memset(w, 0, sizeof(*w));
	w->first[0] = true;
}

void jw__release(struct jw *w)
{
	if (!w)
		return;
	free(w->buf);
	jw__init(w);
}

void jw__reset(struct jw *w)
{
	char *buf = w->buf;
	size_t cap = w->cap;

	jw__init(w);
	w->buf = buf;
	w->cap = cap;
	if (buf)
		buf[0] = '\0';
}

/* Room for n more bytes and the NUL; false (and failed) on ENOMEM. */
static bool jw_reserve(struct jw *w, size_t n)
{
	size_t need = w->len + n + 1;
	size_t cap;
	char *p;

	if (need <= w->cap)
		return true;
	cap = w->cap ? w->cap : JW_MIN_CAP;
	while (cap < need)
		cap *= 2;
	p = realloc(w->buf, cap);
	if (!p) {
		w->failed = true;
		return false;
	}
	w->buf = p;
	w->cap = cap;
	return true;
}

static void jw_put(struct jw *w, const char *s, size_t n)
{
	if (w->failed || !jw_reserve(w, n))
		return;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void jw_putc(struct jw *w, char c)
{
	jw_put(w, &c, 1);
}

/*
 * Called before every value: writes the comma an array needs, and checks
 * that a value may come here at all (after a key in an object, anywhere in
 * an array, once at top level).  false if the writer has failed.
 */
static bool jw_value_begin(struct jw *w)
{
	if (w->failed)
		return false;
	if (w->depth > 0 && w->is_obj[w->depth]) {
		if (!w->after_key)
			w->failed = true;
		w->after_key = false;
		return !w->failed;
	}
	if (w->depth == 0 && !w->first[0]) {
		w->failed = true;
		return false;
	}
	if (!w->first[w->depth])
		jw_putc(w, ',');
	w->first[w->depth] = false;
	return !w->failed;
}

static void jw_open(struct jw *w, char c, bool is_obj)
{
	if (!jw_value_begin(w))
		return;
	if (w->depth + 1 >= JW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	jw_putc(w, c);
	w->depth++;
	w->first[w->depth] = true;
	w->is_obj[w->depth] = is_obj;
}

static void jw_close(struct jw *w, char c, bool is_obj)
{
	if (w->failed)
		return;
	if (w->depth == 0 || w->is_obj[w->depth] != is_obj || w->after_key) {
		w->failed = true;
		return;
	}
	w->depth--;
	jw_putc(w, c);
}

void jw__obj_begin(struct jw *w)
{
	jw_open(w, '{', true);
}

void jw__obj_end(struct jw *w)
{
	jw_close(w, '}', true);
}

void jw__arr_begin(struct jw *w)
{
	jw_open(w, '[', false);
}

void jw__arr_end(struct jw *w)
{
	jw_close(w, ']', false);
}

/* The code point of the well-formed 2- or 3-byte sequence s (len bytes). */
static unsigned int utf8_cp(const unsigned char *s, size_t len)
{
	if (len == 2)
		return (unsigned int)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	return (unsigned int)(s[0] & 0x0f) << 12 | (unsigned int)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
}

/*
 * Writes s[0..n) as a quoted, escaped JSON string: '"' and '\\' escaped,
 * controls (C0, and the C1 controls, line separators and bidi overrides
 * that textsafe.h names) as \uXXXX, each byte of invalid UTF-8 as \ufffd.
 */
static void jw_quoted(struct jw *w, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;
	char esc[8];

	jw_putc(w, '"');
	while (i < n) {
		unsigned char c = s[i];
		size_t k = 1;
		bool ctl;

		if (c >= 0x80)
			k = utf8_seq_len(s + i, n - i);
		ctl = k > 1 && text__cp_unsafe(s + i, k);	/* valid, but a control */
		if (c >= 0x20 && c != '"' && c != '\\' && k && !ctl) {
			i += k;		/* safe as it is: written with its run */
			continue;
		}
		jw_put(w, str + run, i - run);
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			jw_put(w, esc, 2);
		} else if (c < 0x80) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			jw_put(w, esc, 6);
		} else if (k) {
			snprintf(esc, sizeof(esc), "\\u%04x", utf8_cp(s + i, k));
			jw_put(w, esc, 6);
			i += k - 1;
		} else {
			jw_put(w, "\\ufffd", 6);
		}
		run = ++i;
	}
	jw_put(w, str + run, n - run);
	jw_putc(w, '"');
}

/* Printable ASCII without '"' or '\\': written as it is.  *len set. */
static bool key_plain(const char *key, size_t *len)
{
	size_t i;

	for (i = 0; key[i]; i++)
		if (key[i] < 0x20 || key[i] > 0x7e || key[i] == '"' || key[i] == '\\')
			return false;
	*len = i;
	return true;
}

void jw__key(struct jw *w, const char *key)
{
	size_t n;

	if (w->failed)
		return;
	if (!key || w->depth == 0 || !w->is_obj[w->depth] || w->after_key) {
		w->failed = true;
		return;
	}
	if (!w->first[w->depth])
		jw_putc(w, ',');
	w->first[w->depth] = false;
	w->after_key = true;
	if (key_plain(key, &n) && jw_reserve(w, n + 3)) {
		/* keys are our own words: one copy, no escaping to do */
		char *p = w->buf + w->len;

		p[0] = '"';
		memcpy(p + 1, key, n);
		p[n + 1] = '"';
		p[n + 2] = ':';
		w->len += n + 3;
		w->buf[w->len] = '\0';
		return;
	}
	jw_quoted(w, key, strlen(key));
	jw_putc(w, ':');
}

void jw__strn(struct jw *w, const char *s, size_t n)
{
	if (!s) {
		jw__null(w);
		return;
	}
	if (jw_value_begin(w))
		jw_quoted(w, s, n);
}

void jw__str(struct jw *w, const char *s)
{
	jw__strn(w, s, s ? strlen(s) : 0);
}

static void jw_raw_value(struct jw *w, const char *s)
{
	if (jw_value_begin(w))
		jw_put(w, s, strlen(s));
}

/*
 * Decimal digits of v, ending at end (not terminated).  Returns the first.
 * Every event has several numbers: snprintf for each was a quarter of the
 * time of --json.
 */
static char *u64_digits(char *end, uint64_t v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void jw__u64(struct jw *w, uint64_t v)
{
	char num[24];

	num[sizeof(num) - 1] = '\0';
	jw_raw_value(w, u64_digits(num + sizeof(num) - 1, v));
}

void jw__s64(struct jw *w, int64_t v)
{
	char num[24], *p;

	num[sizeof(num) - 1] = '\0';
	/* the magnitude as unsigned: -INT64_MIN does not fit an int64_t */
	p = u64_digits(num + sizeof(num) - 1, v < 0 ? -(uint64_t)v : (uint64_t)v);
	if (v < 0)
		*--p = '-';
	jw_raw_value(w, p);
}

/*
 * The shortest of %.15g, %.16g, %.17g that reads back as the same double:
 * 0.1 prints as 0.1, not 0.10000000000000001.  %g never writes a form JSON
 * rejects for a finite value (no leading '.', no "inf"/"nan").
 */
void jw__double(struct jw *w, double v)
{
	char num[32];

	if (!isfinite(v)) {
		jw__null(w);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(num, sizeof(num), "%.*g", prec, v);
		if (strtod(num, NULL) == v)
			break;
	}
	jw_raw_value(w, num);
}

void jw__fixed(struct jw *w, int64_t v, unsigned int decimals)
{
	char num[DECIMAL_MAX];

	decimal_fixed(num, v, decimals, false);
	jw_raw_value(w, num);
}

void jw__bool(struct jw *w, bool v)
{
	jw_raw_value(w, v ? "true" : "false");
}

void jw__null(struct jw *w)
{
	jw_raw_value(w, "null");
}

void jw__kv_str(struct jw *w, const char *key, const char *s)
{
	jw__key(w, key);
	jw__str(w, s);
}

void jw__kv_u64(struct jw *w, const char *key, uint64_t v)
{
	jw__key(w, key);
	jw__u64(w, v);
}

void jw__kv_s64(struct jw *w, const char *key, int64_t v)
{
	jw__key(w, key);
	jw__s64(w, v);
}

void jw__kv_double(struct jw *w, const char *key, double v)
{
	jw__key(w, key);
	jw__double(w, v);
}

void jw__kv_fixed(struct jw *w, const char *key, int64_t v, unsigned int decimals)
{
	jw__key(w, key);
	jw__fixed(w, v, decimals);
}

void jw__kv_bool(struct jw *w, const char *key, bool v)
{
	jw__key(w, key);
	jw__bool(w, v);
}

int jw__flush_line(struct jw *w, FILE *f)
{
	int err = 0;

	if (w->failed || w->depth != 0 || w->after_key) {
		err = -EINVAL;
		goto out_reset;
	}
	errno = 0;
	if (fwrite(w->buf ? w->buf : "", 1, w->len, f) != w->len || fputc('\n', f) == EOF)
		err = errno ? -errno : -EIO;
out_reset:
	jw__reset(w);
	return err;
}

const char *jw__cstr(struct jw *w)
{
	return w->buf ? w->buf : "";
}
