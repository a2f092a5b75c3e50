/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * strtab: interned strings.  strtab__intern() returns one stable pointer per
 * distinct string for the life of the table (memory comes from large
 * chunks, never moved), so callers compare names by pointer and keep them
 * without copying.
 */
#ifndef IPCTRACE_STRTAB_H
#define IPCTRACE_STRTAB_H

#include <stddef.h>

struct strtab;

struct strtab *strtab__new(void);	/* NULL with errno */
void strtab__free(struct strtab *t);	/* accepts NULL */
/* Stable copy of s (NUL-terminated), or NULL on ENOMEM. */
const char *strtab__intern(struct strtab *t, const char *s);
/*
 * Same for the first len bytes of s (need not be NUL-terminated); stops at a
 * NUL inside those len bytes, so a fixed array like ipc_hdr.comm can be
 * passed with its size.
 */
const char *strtab__intern_n(struct strtab *t, const char *s, size_t len);
size_t strtab__count(const struct strtab *t);
size_t strtab__bytes(const struct strtab *t);	/* memory held by the strings */

#endif /* IPCTRACE_STRTAB_H */
