/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ktab: a keyed table.  Rows of a fixed size live in a vec, in the order
 * they were added, so they can be walked and sorted; an hmap finds a row by
 * its key.  Each row keeps its own key (at key_off), which is what lets the
 * table rebuild its index and remove rows.
 *
 * Row indexes are stable while rows are only added; ktab__remove() moves
 * the last row into the removed one's place, and the caller's compaction
 * (followed by ktab__reindex()) renumbers as it likes.  Row pointers are
 * valid until the next add.
 *
 * A bound (ktab__set_bound) caps the rows: when a new key would exceed it,
 * the table asks the owner's full() callback what to do before adding.  The
 * callback may age rows out (ktab__remove, or its own compaction and
 * ktab__reindex) and return NULL to let the new row in, or return a row to
 * count the key in instead (its "other" row, made with ktab__get_unbounded)
 * or NULL with the table still full to turn the key away.  Every key the
 * bound folded or turned away is counted in ktab.overflows, for the owner
 * to show like a drop.
 */
#ifndef IPCTRACE_KTAB_H
#define IPCTRACE_KTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/hmap.h"
#include "lib/vec.h"

#define KTAB_MAX_KEY	128	/* bytes */

struct ktab;

/* See above.  key: the new key; the return value: the row to use, or NULL. */
typedef void *(*ktab_full_fn)(struct ktab *t, const void *key, void *ctx);

struct ktab {
	struct hmap *idx;	/* key -> row index */
	struct vec rows;	/* the rows; walk them with vec_for_each(&t->rows, ...) */
	size_t key_size;
	size_t key_off;		/* where a row keeps its key */
	size_t max_rows;	/* the bound, 0 for none */
	ktab_full_fn full;
	void *full_ctx;
	uint64_t overflows;	/* new keys the bound folded or turned away */
};

/*
 * A table of rows of row_size bytes with their key_size-byte key (at most
 * KTAB_MAX_KEY) at key_off.  0, -EINVAL or -ENOMEM.
 */
int ktab__init(struct ktab *t, size_t row_size, size_t key_size, size_t key_off);
void ktab__release(struct ktab *t);	/* accepts a zeroed or released table */

/*
 * The row of key: the existing one (*created false), or a new zeroed row
 * holding the key (*created true).  NULL with errno ENOMEM, and the table
 * unchanged; NULL with errno ENOSPC when the bound turned the key away.
 */
void *ktab__get(struct ktab *t, const void *key, bool *created);
/* The same, ignoring the bound: for the owner's own rows (an "other" row). */
void *ktab__get_unbounded(struct ktab *t, const void *key, bool *created);
/* The row of key, or NULL. */
void *ktab__find(const struct ktab *t, const void *key);

static inline size_t ktab__len(const struct ktab *t)
{
	return t->rows.len;
}

static inline void *ktab__at(const struct ktab *t, size_t i)
{
	return vec__at(&t->rows, i);
}

static inline size_t ktab__index(const struct ktab *t, const void *row)
{
	return (size_t)((const char *)row - (const char *)t->rows.data) / t->rows.elem_size;
}

/* Give row i a new key (the old one no longer finds it).  0 or -ENOMEM. */
int ktab__rekey(struct ktab *t, size_t i, const void *key);
/* Remove row i; the last row moves into its place.  0 or -ENOMEM. */
int ktab__remove(struct ktab *t, size_t i);
/* Rebuild the index from the rows' keys, after the owner moved rows.  0 or -ENOMEM. */
int ktab__reindex(struct ktab *t);
void ktab__clear(struct ktab *t);	/* no rows, storage kept */

/* Bound the table to max_rows (0: none), with full() deciding past it (see above). */
void ktab__set_bound(struct ktab *t, size_t max_rows, ktab_full_fn full, void *ctx);

#endif /* IPCTRACE_KTAB_H */
