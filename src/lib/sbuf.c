// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sbuf: snprintf-style text building (the contract is in sbuf.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "lib/sbuf.h"
#include "lib/textsafe.h"

void sb_init(struct sbuf *b, char *buf, size_t len)
{
	b->buf = buf;
	b->len = buf ? len : 0;
	b->pos = 0;
	if (b->len)
		buf[0] = '\0';
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char *dst = NULL;
	size_t room = 0;
	va_list ap;
	int n;

	if (b->pos < b->len) {
		dst = b->buf + b->pos;
		room = b->len - b->pos;
	}
	va_start(ap, fmt);
	n = vsnprintf(dst, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->pos += (size_t)n;
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_printf(b, "%s", s);
}

void sb_put_clean(struct sbuf *b, const char *s)
{
	char tmp[TEXT_SAFE_LEN];

	text__clean(tmp, sizeof(tmp), s, (size_t)-1);
	sb_puts(b, tmp);
}
