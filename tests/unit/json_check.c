// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A strict JSON validator for the unit tests (RFC 8259 grammar, UTF-8
 * checked), independent of the writer it checks.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "json_check.h"

struct jp {
	const unsigned char *s;
	size_t i, n;
	int depth;
};

static bool jp_value(struct jp *p);

static void jp_ws(struct jp *p)
{
	while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]) && p->s[p->i])
		p->i++;
}

static bool jp_lit(struct jp *p, const char *lit)
{
	size_t l = strlen(lit);

	if (p->n - p->i < l || memcmp(p->s + p->i, lit, l) != 0)
		return false;
	p->i += l;
	return true;
}

static bool jp_digits(struct jp *p)
{
	size_t start = p->i;

	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > start;
}

static bool jp_number(struct jp *p)
{
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (!jp_digits(p))
		return false;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (!jp_digits(p))
			return false;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!jp_digits(p))
			return false;
	}
	return true;
}

/* One UTF-8 sequence starting at a byte >= 0x80, per Unicode table 3-7. */
static bool jp_utf8(struct jp *p)
{
	unsigned char c = p->s[p->i];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

	if (c < 0xc2 || c > 0xf4)
		return false;
	if (c == 0xe0)
		lo = 0xa0;
	if (c == 0xed)
		hi = 0x9f;
	if (c == 0xf0)
		lo = 0x90;
	if (c == 0xf4)
		hi = 0x8f;
	if (p->n - p->i < len || p->s[p->i + 1] < lo || p->s[p->i + 1] > hi)
		return false;
	for (size_t k = 2; k < len; k++)
		if ((p->s[p->i + k] & 0xc0) != 0x80)
			return false;
	p->i += len;
	return true;
}

static bool jp_string(struct jp *p)
{
	if (!jp_lit(p, "\""))
		return false;
	while (p->i < p->n) {
		unsigned char c = p->s[p->i];

		if (c == '"') {
			p->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c >= 0x80) {
			if (!jp_utf8(p))
				return false;
			continue;
		}
		p->i++;
		if (c != '\\')
			continue;
		if (p->i >= p->n)
			return false;
		c = p->s[p->i++];
		if (c == 'u') {
			for (int k = 0; k < 4; k++, p->i++)
				if (p->i >= p->n || !strchr("0123456789abcdefABCDEF", p->s[p->i]) ||
				    !p->s[p->i])
					return false;
		} else if (!strchr("\"\\/bfnrt", c) || !c) {
			return false;
		}
	}
	return false;
}

static bool jp_members(struct jp *p, char close, bool keys)
{
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		return true;
	}
	for (;;) {
		jp_ws(p);
		if (keys) {
			if (!jp_string(p))
				return false;
			jp_ws(p);
			if (!jp_lit(p, ":"))
				return false;
		}
		if (!jp_value(p))
			return false;
		jp_ws(p);
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			return true;
		}
		if (!jp_lit(p, ","))
			return false;
	}
}

static bool jp_value(struct jp *p)
{
	bool ok;

	jp_ws(p);
	if (p->i >= p->n || ++p->depth > 64)
		return false;
	switch (p->s[p->i]) {
	case '{':
		p->i++;
		ok = jp_members(p, '}', true);
		break;
	case '[':
		p->i++;
		ok = jp_members(p, ']', false);
		break;
	case '"':
		ok = jp_string(p);
		break;
	case 't':
		ok = jp_lit(p, "true");
		break;
	case 'f':
		ok = jp_lit(p, "false");
		break;
	case 'n':
		ok = jp_lit(p, "null");
		break;
	default:
		ok = jp_number(p);
		break;
	}
	p->depth--;
	return ok;
}

bool json_valid(const char *s)
{
	struct jp p = { .s = (const unsigned char *)s, .i = 0, .n = strlen(s) };

	if (!jp_value(&p))
		return false;
	jp_ws(&p);
	return p.i == p.n;
}
