// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Prometheus text format and OpenMetrics writer (see openmetrics.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/decimal.h"
#include "lib/utf8.h"
#include "output/openmetrics.h"

const char *om__content_type(enum om_format fmt)
{
	if (fmt == OM_OPENMETRICS)
		return "application/openmetrics-text; version=1.0.0; charset=utf-8";
	return "text/plain; version=0.0.4; charset=utf-8";
}

void om__init(struct om *o, enum om_format fmt)
{
	memset(o, 0, sizeof(*o));
	o->fmt = fmt;
}

void om__release(struct om *o)
{
	free(o->buf);
	om__init(o, o->fmt);
}

void om__reset(struct om *o, enum om_format fmt)
{
	char *buf = o->buf;
	size_t cap = o->cap;

	om__init(o, fmt);
	o->buf = buf;
	o->cap = cap;
	if (buf)
		buf[0] = '\0';
}

static bool om_reserve(struct om *o, size_t n)
{
	size_t cap = o->cap ? o->cap : 4096;
	char *p;

	if (o->failed)
		return false;
	if (o->len + n + 1 <= o->cap)
		return true;
	while (cap < o->len + n + 1)
		cap *= 2;
	p = realloc(o->buf, cap);
	if (!p) {
		o->failed = true;
		return false;
	}
	o->buf = p;
	o->cap = cap;
	return true;
}

static void om_put(struct om *o, const char *s, size_t n)
{
	if (!om_reserve(o, n))
		return;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void om_puts(struct om *o, const char *s)
{
	om_put(o, s, strlen(s));
}

static bool name_ok(const char *s)
{
	if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && s[n - k - 1] == '_' && !strcmp(s + n - k, suffix);
}

/*
 * A label value or help text: '\\' and newline escaped (and '"' in label
 * values, and in OpenMetrics help), other control bytes as '?', invalid
 * UTF-8 as U+FFFD.
 */
static void om_escaped(struct om *o, const char *str, bool quote)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k = c >= 0x80 ? utf8_seq_len(s + i, n - i) : 1;

		if (c >= 0x80 && k) {
			om_put(o, str + i, k);
			i += k;
			continue;
		}
		if (c >= 0x80)
			om_puts(o, "\xef\xbf\xbd");
		else if (c == '\\')
			om_puts(o, "\\\\");
		else if (c == '\n')
			om_puts(o, "\\n");
		else if (c == '"' && quote)
			om_puts(o, "\\\"");
		else if (c < 0x20 || c == 0x7f)
			om_puts(o, "?");
		else
			om_put(o, str + i, 1);
		i++;
	}
}

static const char *type_word(enum om_type t)
{
	switch (t) {
	case OM_COUNTER:
		return "counter";
	case OM_GAUGE:
		return "gauge";
	case OM_HISTOGRAM:
		return "histogram";
	}
	return "unknown";
}

void om__family(struct om *o, const char *name, enum om_type type, const char *unit,
		const char *help)
{
	bool om = o->fmt == OM_OPENMETRICS;

	if (o->failed)
		return;
	if (!name_ok(name) || strlen(name) + 8 > sizeof(o->family) ||
	    ends_with(name, "total") || (unit && (!name_ok(unit) || !ends_with(name, unit)))) {
		o->failed = true;
		return;
	}
	snprintf(o->family, sizeof(o->family), "%s", name);
	o->type = type;
	o->in_family = true;
	/* 0.0.4 names the counter's samples; OpenMetrics names the family */
	om_puts(o, "# TYPE ");
	om_puts(o, name);
	if (type == OM_COUNTER && !om)
		om_puts(o, "_total");
	om_puts(o, " ");
	om_puts(o, type_word(type));
	om_puts(o, "\n");
	if (unit && om) {
		om_puts(o, "# UNIT ");
		om_puts(o, name);
		om_puts(o, " ");
		om_puts(o, unit);
		om_puts(o, "\n");
	}
	if (help) {
		om_puts(o, "# HELP ");
		om_puts(o, name);
		if (type == OM_COUNTER && !om)
			om_puts(o, "_total");
		om_puts(o, " ");
		om_escaped(o, help, om);
		om_puts(o, "\n");
	}
}

/* name{l1="v1",...,extra="x"} */
static void om_series(struct om *o, const char *suffix, const struct om_label *labels,
		      size_t nr, const char *extra_name, const char *extra_value)
{
	bool any = nr || extra_name;

	om_puts(o, o->family);
	om_puts(o, suffix);
	if (any)
		om_puts(o, "{");
	for (size_t i = 0; i < nr; i++) {
		if (!name_ok(labels[i].name) || !strcmp(labels[i].name, "le") || !labels[i].value) {
			o->failed = true;
			return;
		}
		if (i)
			om_puts(o, ",");
		om_puts(o, labels[i].name);
		om_puts(o, "=\"");
		om_escaped(o, labels[i].value, true);
		om_puts(o, "\"");
	}
	if (extra_name) {
		if (nr)
			om_puts(o, ",");
		om_puts(o, extra_name);
		om_puts(o, "=\"");
		om_puts(o, extra_value);
		om_puts(o, "\"");
	}
	if (any)
		om_puts(o, "}");
	om_puts(o, " ");
}

static bool om_sample_ok(struct om *o, bool histogram)
{
	if (o->failed)
		return false;
	if (!o->in_family || (o->type == OM_HISTOGRAM) != histogram) {
		o->failed = true;
		return false;
	}
	return true;
}

static void om_value_u64(struct om *o, uint64_t v)
{
	char num[DECIMAL_MAX];

	om_put(o, num, decimal_fixed_u64(num, v, 0, false));
	om_puts(o, "\n");
}

static void om_value_seconds(struct om *o, uint64_t ns)
{
	char num[DECIMAL_MAX];

	om_put(o, num, decimal_fixed_u64(num, ns, 9, true));
	om_puts(o, "\n");
}

void om__u64(struct om *o, const struct om_label *labels, size_t nr, uint64_t v)
{
	if (!om_sample_ok(o, false))
		return;
	om_series(o, o->type == OM_COUNTER ? "_total" : "", labels, nr, NULL, NULL);
	om_value_u64(o, v);
}

void om__ns_as_seconds(struct om *o, const struct om_label *labels, size_t nr, uint64_t ns)
{
	if (!om_sample_ok(o, false))
		return;
	om_series(o, o->type == OM_COUNTER ? "_total" : "", labels, nr, NULL, NULL);
	om_value_seconds(o, ns);
}

void om__histogram(struct om *o, const struct om_label *labels, size_t nr,
		   const struct om_hist *h)
{
	char le[DECIMAL_MAX + 2];
	uint64_t cum = 0;
	size_t n;

	if (!om_sample_ok(o, true))
		return;
	for (size_t i = 0; i < h->nr_bounds; i++) {
		if (i && h->bounds_ns[i] <= h->bounds_ns[i - 1]) {
			o->failed = true;
			return;
		}
		cum += h->counts[i];
		n = decimal_fixed_u64(le, h->bounds_ns[i], 9, true);
		/* OpenMetrics wants le as a canonical float: "1.0", not "1" */
		if (o->fmt == OM_OPENMETRICS && !strchr(le, '.'))
			memcpy(le + n, ".0", 3);
		om_series(o, "_bucket", labels, nr, "le", le);
		om_value_u64(o, cum);
	}
	cum += h->counts[h->nr_bounds];
	om_series(o, "_bucket", labels, nr, "le", "+Inf");
	om_value_u64(o, cum);
	om_series(o, "_sum", labels, nr, NULL, NULL);
	om_value_seconds(o, h->sum_ns);
	om_series(o, "_count", labels, nr, NULL, NULL);
	om_value_u64(o, cum);
}

int om__finish(struct om *o)
{
	if (o->fmt == OM_OPENMETRICS)
		om_puts(o, "# EOF\n");
	else if (!o->buf)
		om_put(o, "", 0);
	return o->failed ? -EINVAL : 0;
}
