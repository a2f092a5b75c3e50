// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * ktab: rows in a vec, found by key through an hmap (the contract is in
 * ktab.h).  Every change to the index and the rows is undone when the
 * other half fails, so a failed call leaves the table as it was.
 */
#include <errno.h>
#include <string.h>

#include "lib/ktab.h"

int ktab__init(struct ktab *t, size_t row_size, size_t key_size, size_t key_off)
{
	memset(t, 0, sizeof(*t));
	if (!key_size || key_size > KTAB_MAX_KEY || key_off + key_size > row_size)
		return -EINVAL;
	vec__init(&t->rows, row_size);
	t->key_size = key_size;
	t->key_off = key_off;
	t->idx = hmap__new(key_size);
	return t->idx ? 0 : -ENOMEM;
}

void ktab__release(struct ktab *t)
{
	hmap__free(t->idx);
	t->idx = NULL;
	vec__release(&t->rows);
}

static const void *row_key(const struct ktab *t, size_t i)
{
	return (const char *)ktab__at(t, i) + t->key_off;
}

void *ktab__find(const struct ktab *t, const void *key)
{
	uint64_t i;

	return hmap__get(t->idx, key, &i) ? NULL : ktab__at(t, i);
}

void *ktab__get_unbounded(struct ktab *t, const void *key, bool *created)
{
	uint64_t *slot;
	bool added;
	void *row;

	slot = hmap__upsert(t->idx, key, t->rows.len, &added);
	if (created)
		*created = added;
	if (!slot) {
		errno = ENOMEM;
		return NULL;
	}
	if (!added)
		return ktab__at(t, *slot);
	row = vec__push(&t->rows);
	if (!row) {
		hmap__remove(t->idx, key);
		if (created)
			*created = false;
		errno = ENOMEM;
		return NULL;
	}
	memcpy((char *)row + t->key_off, key, t->key_size);
	return row;
}

void *ktab__get(struct ktab *t, const void *key, bool *created)
{
	void *row;

	if (created)
		*created = false;
	if (!t->max_rows || t->rows.len < t->max_rows)
		return ktab__get_unbounded(t, key, created);
	row = ktab__find(t, key);
	if (row)
		return row;
	/* a new key past the bound: the owner ages rows out or folds the key */
	row = t->full ? t->full(t, key, t->full_ctx) : NULL;
	if (row) {
		t->overflows++;
		return row;
	}
	if (t->rows.len < t->max_rows)
		return ktab__get_unbounded(t, key, created);
	t->overflows++;
	errno = ENOSPC;
	return NULL;
}

int ktab__rekey(struct ktab *t, size_t i, const void *key)
{
	unsigned char old[KTAB_MAX_KEY];

	memcpy(old, row_key(t, i), t->key_size);
	if (hmap__put(t->idx, key, i))
		return -ENOMEM;
	if (memcmp(old, key, t->key_size))
		hmap__remove(t->idx, old);
	memcpy((char *)ktab__at(t, i) + t->key_off, key, t->key_size);
	return 0;
}

int ktab__remove(struct ktab *t, size_t i)
{
	size_t last = t->rows.len - 1;

	if (i != last && hmap__put(t->idx, row_key(t, last), i))
		return -ENOMEM;
	hmap__remove(t->idx, row_key(t, i));
	if (i != last)
		memcpy(ktab__at(t, i), ktab__at(t, last), t->rows.elem_size);
	t->rows.len--;
	return 0;
}

int ktab__reindex(struct ktab *t)
{
	hmap__clear(t->idx);
	for (size_t i = 0; i < t->rows.len; i++)
		if (hmap__put(t->idx, row_key(t, i), i))
			return -ENOMEM;
	return 0;
}

void ktab__clear(struct ktab *t)
{
	hmap__clear(t->idx);
	vec__clear(&t->rows);
}

void ktab__set_bound(struct ktab *t, size_t max_rows, ktab_full_fn full, void *ctx)
{
	t->max_rows = max_rows;
	t->full = full;
	t->full_ctx = ctx;
}
