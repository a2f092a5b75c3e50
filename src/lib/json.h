/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * json: a small JSON writer into a reusable buffer.  Commas and escaping
 * are handled here; callers only say what comes next.  The buffer is kept
 * between documents (jw__reset), so writing one event allocates nothing
 * once the buffer has grown to the largest event.
 */
#ifndef IPCTRACE_JSON_H
#define IPCTRACE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 32

struct jw {
	char *buf;
	size_t len;
	size_t cap;
	int depth;
	bool first[JW_MAX_DEPTH];	/* no value yet at this depth */
	bool is_obj[JW_MAX_DEPTH];	/* the container at this depth is an object */
	bool after_key;
	bool failed;			/* ENOMEM or misuse: output is invalid */
};

/*
 * Misuse (a key outside an object, a value where a key is due, unbalanced
 * ends, a second top-level value, nesting deeper than JW_MAX_DEPTH - 1)
 * sets failed; every call after that does nothing until jw__reset.
 * Strings are written as valid UTF-8 JSON whatever the input: control
 * characters as \u00XX, each byte of an invalid UTF-8 sequence as \ufffd.
 */

void jw__init(struct jw *w);
void jw__release(struct jw *w);
void jw__reset(struct jw *w);	/* empty, keeps the buffer */

void jw__obj_begin(struct jw *w);
void jw__obj_end(struct jw *w);
void jw__arr_begin(struct jw *w);
void jw__arr_end(struct jw *w);
void jw__key(struct jw *w, const char *key);
void jw__str(struct jw *w, const char *s);		/* NULL writes null */
void jw__strn(struct jw *w, const char *s, size_t n);
void jw__u64(struct jw *w, uint64_t v);
void jw__s64(struct jw *w, int64_t v);
void jw__double(struct jw *w, double v);	/* non-finite values as null */
/* v / 10^decimals, exactly, with every decimal: jw__fixed(w, 1500, 3) is 1.500 */
void jw__fixed(struct jw *w, int64_t v, unsigned int decimals);
void jw__bool(struct jw *w, bool v);
void jw__null(struct jw *w);

void jw__kv_str(struct jw *w, const char *key, const char *s);
void jw__kv_u64(struct jw *w, const char *key, uint64_t v);
void jw__kv_s64(struct jw *w, const char *key, int64_t v);
void jw__kv_double(struct jw *w, const char *key, double v);
void jw__kv_fixed(struct jw *w, const char *key, int64_t v, unsigned int decimals);
void jw__kv_bool(struct jw *w, const char *key, bool v);

/*
 * Writes the buffer and a newline to f, then resets.  0 or -errno: -EINVAL
 * (nothing written) if the writer failed or a container is still open.
 */
int jw__flush_line(struct jw *w, FILE *f);
/* The document so far, NUL-terminated (valid until the next write). */
const char *jw__cstr(struct jw *w);

#endif /* IPCTRACE_JSON_H */
