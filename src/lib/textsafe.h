/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * textsafe: names that traced processes choose (thread names, paths, queue
 * and socket names, symbols of their ELF files), made safe for a terminal
 * and for line-oriented text.
 *
 * Every text output prints such a name through text__clean() or
 * text__safe(): bytes below 0x20 and 0x7f (ESC, newline, tab...), C1
 * controls (U+0080..U+009F, which some terminals obey like ESC), the
 * Unicode line and paragraph separators and bidirectional overrides, and
 * each byte of an invalid UTF-8 sequence become '?'.  Valid UTF-8 stays, so
 * names in any script print as they are, and one name never spans two
 * lines, moves the cursor, retitles a window or reorders what follows.
 * JSON, DOT and SVG have their own escaping (json.c, graph_out.c, flame.c).
 */
#ifndef IPCTRACE_TEXTSAFE_H
#define IPCTRACE_TEXTSAFE_H

#include <stdbool.h>
#include <stddef.h>

#define TEXT_SAFE_SLOTS		8	/* text__safe() results alive at once */
#define TEXT_SAFE_LEN		1024	/* longest text__safe() result, NUL included */

/* Whether the code point starting the valid sequence s (len bytes) is unsafe as text. */
bool text__cp_unsafe(const unsigned char *s, size_t len);

/*
 * Copy s (n bytes, or up to its NUL if n is (size_t)-1) into buf cleaned
 * (see the top of this file), cut to fit len with its NUL.  The length
 * written.
 */
size_t text__clean(char *buf, size_t len, const char *s, size_t n);

/* Whether s (NUL-terminated) would come out of text__clean() unchanged. */
bool text__is_clean(const char *s);

/*
 * s cleaned, for a printf argument: s itself when it is clean already,
 * else a copy in one of TEXT_SAFE_SLOTS static buffers, valid until that
 * many more calls (cut at TEXT_SAFE_LEN - 1 bytes).  NULL stays NULL.
 */
const char *text__safe(const char *s);

#endif /* IPCTRACE_TEXTSAFE_H */
