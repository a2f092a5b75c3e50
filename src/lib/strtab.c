// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * strtab: string interning.
 *
 * Strings live in 64 KiB chunks that are never reallocated, so the pointers
 * handed out stay valid until strtab__free().  A string too big to share a
 * chunk sensibly gets a block of its own.  Every stored string is preceded
 * by a small header linking it to the other strings with the same 64-bit
 * hash; an hmap maps that hash to the newest string of the chain.  Chaining
 * keeps interning exact even if two different strings ever share a hash.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hmap.h"
#include "lib/strtab.h"

#define STRTAB_CHUNK		(64 * 1024)
/* Bigger strings get their own block, so a chunk never wastes more than this. */
#define STRTAB_BIG		(STRTAB_CHUNK / 8)

struct str_entry {
	struct str_entry *next;	/* same hash */
	size_t len;
	char s[];		/* len bytes, then NUL */
};

struct str_block {
	struct str_block *next;
	size_t size;
	alignas(max_align_t) unsigned char mem[];
};

struct strtab {
	struct hmap *by_hash;	/* u64 hash -> struct str_entry * */
	struct str_block *chunks;	/* newest first; the head is being filled */
	size_t used;		/* bytes used in the head chunk */
	struct str_block *big;	/* strings with a block of their own */
	size_t count;
	size_t bytes;
};

struct strtab *strtab__new(void)
{
	struct strtab *t = calloc(1, sizeof(*t));

	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	t->by_hash = hmap__new(sizeof(uint64_t));
	if (!t->by_hash) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

static void strtab__free_blocks(struct str_block *b)
{
	while (b) {
		struct str_block *next = b->next;

		free(b);
		b = next;
	}
}

void strtab__free(struct strtab *t)
{
	if (!t)
		return;
	strtab__free_blocks(t->chunks);
	strtab__free_blocks(t->big);
	hmap__free(t->by_hash);
	free(t);
}

static struct str_block *strtab__new_block(struct strtab *t, size_t size)
{
	struct str_block *b;

	if (size > SIZE_MAX - sizeof(*b))
		return NULL;
	b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->size = size;
	t->bytes += sizeof(*b) + size;
	return b;
}

/* Room for an entry of size bytes (aligned for struct str_entry), or NULL. */
static void *strtab__alloc(struct strtab *t, size_t size)
{
	struct str_block *b;
	size_t off;

	if (size > STRTAB_BIG) {
		b = strtab__new_block(t, size);
		if (!b)
			return NULL;
		b->next = t->big;
		t->big = b;
		return b->mem;
	}
	off = (t->used + alignof(struct str_entry) - 1) & ~(alignof(struct str_entry) - 1);
	if (!t->chunks || off + size > t->chunks->size) {
		b = strtab__new_block(t, STRTAB_CHUNK);
		if (!b)
			return NULL;
		b->next = t->chunks;
		t->chunks = b;
		off = 0;
	}
	t->used = off + size;
	return t->chunks->mem + off;
}

static const struct str_entry *strtab__find(const struct str_entry *e, const char *s, size_t len)
{
	for (; e; e = e->next) {
		if (e->len == len && !memcmp(e->s, s, len))
			return e;
	}
	return NULL;
}

const char *strtab__intern_n(struct strtab *t, const char *s, size_t len)
{
	struct str_entry *e;
	uint64_t *slot, hash;
	bool created;

	/* Stop at a NUL inside len: the result must read back as the same C string. */
	len = strnlen(s, len);
	hash = hmap__hash_bytes(s, len);
	slot = hmap__upsert(t->by_hash, &hash, 0, &created);
	if (!slot)
		return NULL;
	if (!created) {
		const struct str_entry *found;

		found = strtab__find((const struct str_entry *)(uintptr_t)*slot, s, len);
		if (found)
			return found->s;
	}
	if (len > SIZE_MAX - sizeof(*e) - 1)
		goto err_nomem;
	e = strtab__alloc(t, sizeof(*e) + len + 1);
	if (!e)
		goto err_nomem;
	e->next = (struct str_entry *)(uintptr_t)*slot;
	e->len = len;
	memcpy(e->s, s, len);
	e->s[len] = '\0';
	*slot = (uintptr_t)e;
	t->count++;
	return e->s;

err_nomem:
	/* Do not leave an empty chain behind for a string we failed to add. */
	if (created)
		hmap__remove(t->by_hash, &hash);
	errno = ENOMEM;
	return NULL;
}

const char *strtab__intern(struct strtab *t, const char *s)
{
	return strtab__intern_n(t, s, strlen(s));
}

size_t strtab__count(const struct strtab *t)
{
	return t->count;
}

size_t strtab__bytes(const struct strtab *t)
{
	return t->bytes;
}
