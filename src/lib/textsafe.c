// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * textsafe: names made safe for terminals and text (see textsafe.h).
 */
#include <stdint.h>
#include <string.h>

#include "lib/textsafe.h"
#include "lib/utf8.h"

bool text__cp_unsafe(const unsigned char *s, size_t len)
{
	uint32_t cp;

	if (len == 2) {		/* C1 controls: U+0080..U+009F */
		cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return cp <= 0x9f;
	}
	if (len != 3 || s[0] != 0xe2)
		return false;
	cp = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	/*
	 * U+200E/F direction marks, U+2028/9 line and paragraph separators,
	 * U+202A..E embeddings and overrides, U+2066..9 isolates
	 */
	return cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Bytes of a safe run at s, or 0 if the sequence at s must become '?' (one byte of it). */
static size_t safe_seq(const unsigned char *s, size_t n)
{
	size_t k;

	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if (s[0] < 0x80)
		return 0;
	k = utf8_seq_len(s, n);
	return k && !text__cp_unsafe(s, k) ? k : 0;
}

size_t text__clean(char *buf, size_t len, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, o = 0, k;

	if (!len)
		return 0;
	if (n == (size_t)-1)
		n = strlen(str);
	while (i < n && s[i]) {
		k = safe_seq(s + i, n - i);
		if (!k) {
			if (o + 1 >= len)
				break;
			buf[o++] = '?';
			i++;
			continue;
		}
		if (o + k >= len)
			break;
		memcpy(buf + o, s + i, k);
		o += k;
		i += k;
	}
	buf[o] = '\0';
	return o;
}

bool text__is_clean(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), i = 0, k;

	while (i < n) {
		k = safe_seq(s + i, n - i);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

const char *text__safe(const char *s)
{
	static char slots[TEXT_SAFE_SLOTS][TEXT_SAFE_LEN];
	static unsigned int next;
	char *buf;

	if (!s || text__is_clean(s))
		return s;
	buf = slots[next++ % TEXT_SAFE_SLOTS];
	text__clean(buf, TEXT_SAFE_LEN, s, (size_t)-1);
	return buf;
}
