/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sbuf: an snprintf-style cursor over a caller's buffer.  pos counts every
 * byte asked for, even past the end, so a writer returns the length the
 * whole text needs, exactly as snprintf does; the buffer always ends in NUL.
 */
#ifndef IPCTRACE_SBUF_H
#define IPCTRACE_SBUF_H

#include <stddef.h>

struct sbuf {
	char *buf;
	size_t len;
	size_t pos;
};

void sb_init(struct sbuf *b, char *buf, size_t len);
__attribute__((format(printf, 2, 3)))
void sb_printf(struct sbuf *b, const char *fmt, ...);
void sb_puts(struct sbuf *b, const char *s);
/*
 * A name or path from a traced program, cleaned as every text output cleans
 * names (textsafe.h): nothing in it breaks the one-line-per-event promise or
 * drives the terminal.
 */
void sb_put_clean(struct sbuf *b, const char *s);

#endif /* IPCTRACE_SBUF_H */
