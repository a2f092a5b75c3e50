/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * hmap: open-addressing hash map with fixed-size keys and a 64-bit value.
 *
 * Keys are copied in (any fixed size, compared with memcmp, so pad and zero
 * them).  The value is a __u64: an index into a vec, a small counter, or a
 * pointer cast to uintptr_t.  Storing indexes rather than structs keeps
 * references stable when the table grows.  Growth is the only allocation,
 * amortized, and bounded by the number of live keys, never by the number of
 * lookups.
 */
#ifndef IPCTRACE_HMAP_H
#define IPCTRACE_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap;

struct hmap_iter {
	size_t pos;	/* start at 0 */
};

/* NULL with errno set on failure.  key_size > 0. */
struct hmap *hmap__new(size_t key_size);
void hmap__free(struct hmap *h);	/* accepts NULL */

/* 0 and *val set, or -ENOENT. */
int hmap__get(const struct hmap *h, const void *key, uint64_t *val);
/* Pointer to the stored value, or NULL; valid until the next insert/remove. */
uint64_t *hmap__find(const struct hmap *h, const void *key);
/* Insert or overwrite.  0 or -ENOMEM. */
int hmap__put(struct hmap *h, const void *key, uint64_t val);
/*
 * Find or insert (with value init): returns the value slot, valid until the
 * next insert/remove; *created tells whether it was added.  NULL on ENOMEM.
 */
uint64_t *hmap__upsert(struct hmap *h, const void *key, uint64_t init, bool *created);
/* 0 or -ENOENT. */
int hmap__remove(struct hmap *h, const void *key);
size_t hmap__count(const struct hmap *h);
void hmap__clear(struct hmap *h);
/*
 * Iterate: while (hmap__next(h, &it, &key, &val)) ...  Order is unspecified.
 * Removing the current entry while iterating is allowed; inserting is not.
 */
bool hmap__next(const struct hmap *h, struct hmap_iter *it, const void **key, uint64_t *val);

/* The hash used, exposed for tests and for callers that pre-hash. */
uint64_t hmap__hash_bytes(const void *data, size_t len);

#endif /* IPCTRACE_HMAP_H */
