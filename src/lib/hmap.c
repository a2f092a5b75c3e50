// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * hmap: open addressing with linear probing and tombstones.
 *
 * Each slot has a 64-bit tag: HMAP_EMPTY, HMAP_TOMB, or the key's hash with
 * the top bit forced on (so a live tag never equals the two markers).  The
 * tag array is probed first, so most mismatches cost no key comparison.
 * Removal leaves a tombstone instead of shifting entries back: nothing ever
 * moves on removal, which is what lets an iterator remove the entry it is on
 * without skipping or repeating another one.  Tombstones are reclaimed when
 * an insert rebuilds the table.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hmap.h"

#define HMAP_EMPTY	0ull
#define HMAP_TOMB	1ull
#define HMAP_LIVE_BIT	(1ull << 63)
#define HMAP_MIN_CAP	16

struct hmap {
	size_t key_size;
	size_t cap;		/* power of two, or 0 before the first insert */
	size_t count;		/* live entries */
	size_t tombs;
	uint64_t *tags;
	unsigned char *keys;	/* cap * key_size */
	uint64_t *vals;
};

/*
 * Hash: one-lane multiply-rotate rounds over 8-byte words (the structure of
 * xxHash64's inner loop, with its published primes), then a full-avalanche
 * finalizer (the splitmix64 mixer).  Words are read little-endian so the
 * hash of a byte string is the same on every host.
 */
#define P1 0x9e3779b185ebca87ull
#define P2 0xc2b2ae3d27d4eb4full
#define P3 0x165667b19e3779f9ull

static inline uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t hash_round(uint64_t h, uint64_t w)
{
	w *= P2;
	w = rotl64(w, 31);
	w *= P1;
	h ^= w;
	return rotl64(h, 27) * P1 + P3;
}

static inline uint64_t hash_final(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

uint64_t hmap__hash_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = P3 ^ ((uint64_t)len * P1);
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = hash_round(h, le64toh(w));
	}
	if (len) {
		/* Zero-padded tail; the length mixed in above tells "a" from "a\0". */
		w = 0;
		for (size_t i = 0; i < len; i++)
			w |= (uint64_t)p[i] << (8 * i);
		h = hash_round(h, w);
	}
	return hash_final(h);
}

static inline uint64_t hmap__tag(const struct hmap *h, const void *key)
{
	return hmap__hash_bytes(key, h->key_size) | HMAP_LIVE_BIT;
}

static inline unsigned char *hmap__key_at(const struct hmap *h, size_t i)
{
	return h->keys + i * h->key_size;
}

struct hmap *hmap__new(size_t key_size)
{
	struct hmap *h;

	if (!key_size) {
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->key_size = key_size;
	return h;
}

static void hmap__release(struct hmap *h)
{
	free(h->tags);
	free(h->keys);
	free(h->vals);
}

void hmap__free(struct hmap *h)
{
	if (!h)
		return;
	hmap__release(h);
	free(h);
}

/* Slot holding key, or SIZE_MAX. */
static size_t hmap__lookup(const struct hmap *h, const void *key, uint64_t tag)
{
	size_t mask = h->cap - 1;

	if (!h->cap)
		return SIZE_MAX;
	/* Terminates: inserts keep at least one empty slot (load < 70%). */
	for (size_t i = tag & mask;; i = (i + 1) & mask) {
		if (h->tags[i] == HMAP_EMPTY)
			return SIZE_MAX;
		if (h->tags[i] == tag && !memcmp(hmap__key_at(h, i), key, h->key_size))
			return i;
	}
}

/* First empty or tombstone slot on key's probe path; key known absent. */
static size_t hmap__free_slot(const struct hmap *h, uint64_t tag)
{
	size_t mask = h->cap - 1;
	size_t i = tag & mask;

	while (h->tags[i] != HMAP_EMPTY && h->tags[i] != HMAP_TOMB)
		i = (i + 1) & mask;
	return i;
}

static int hmap__rebuild(struct hmap *h, size_t cap)
{
	struct hmap n = { .key_size = h->key_size, .cap = cap };

	if (cap > SIZE_MAX / h->key_size || cap > SIZE_MAX / sizeof(uint64_t))
		return -ENOMEM;
	n.tags = calloc(cap, sizeof(*n.tags));
	n.keys = malloc(cap * h->key_size);
	n.vals = malloc(cap * sizeof(*n.vals));
	if (!n.tags || !n.keys || !n.vals) {
		hmap__release(&n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < h->cap; i++) {
		size_t j;

		if (!(h->tags[i] & HMAP_LIVE_BIT))
			continue;
		j = hmap__free_slot(&n, h->tags[i]);
		n.tags[j] = h->tags[i];
		memcpy(hmap__key_at(&n, j), hmap__key_at(h, i), h->key_size);
		n.vals[j] = h->vals[i];
	}
	n.count = h->count;
	hmap__release(h);
	*h = n;
	return 0;
}

/*
 * Make room for one more entry: rebuild when live + tombstones would pass
 * 70%, doubling only while the live entries alone would fill more than half
 * of the new table.  A table full of tombstones is thus cleaned in place,
 * and right after a rebuild there is room for a long run of inserts.
 */
static int hmap__make_room(struct hmap *h)
{
	size_t need = h->count + 1;
	size_t cap = h->cap;

	if (cap && (h->count + h->tombs + 1) * 10 <= cap * 7)
		return 0;
	if (cap < HMAP_MIN_CAP)
		cap = HMAP_MIN_CAP;
	while (need > cap / 2) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	return hmap__rebuild(h, cap);
}

int hmap__get(const struct hmap *h, const void *key, uint64_t *val)
{
	size_t i = hmap__lookup(h, key, hmap__tag(h, key));

	if (i == SIZE_MAX)
		return -ENOENT;
	if (val)
		*val = h->vals[i];
	return 0;
}

uint64_t *hmap__find(const struct hmap *h, const void *key)
{
	size_t i = hmap__lookup(h, key, hmap__tag(h, key));

	return i == SIZE_MAX ? NULL : &h->vals[i];
}

uint64_t *hmap__upsert(struct hmap *h, const void *key, uint64_t init, bool *created)
{
	uint64_t tag = hmap__tag(h, key);
	size_t i = hmap__lookup(h, key, tag);

	if (created)
		*created = false;
	if (i != SIZE_MAX)
		return &h->vals[i];
	if (hmap__make_room(h)) {
		errno = ENOMEM;
		return NULL;
	}
	i = hmap__free_slot(h, tag);
	if (h->tags[i] == HMAP_TOMB)
		h->tombs--;
	h->tags[i] = tag;
	memcpy(hmap__key_at(h, i), key, h->key_size);
	h->vals[i] = init;
	h->count++;
	if (created)
		*created = true;
	return &h->vals[i];
}

int hmap__put(struct hmap *h, const void *key, uint64_t val)
{
	uint64_t *slot = hmap__upsert(h, key, val, NULL);

	if (!slot)
		return -ENOMEM;
	*slot = val;
	return 0;
}

int hmap__remove(struct hmap *h, const void *key)
{
	size_t i = hmap__lookup(h, key, hmap__tag(h, key));

	if (i == SIZE_MAX)
		return -ENOENT;
	h->tags[i] = HMAP_TOMB;
	h->count--;
	h->tombs++;
	return 0;
}

size_t hmap__count(const struct hmap *h)
{
	return h->count;
}

void hmap__clear(struct hmap *h)
{
	if (h->cap)
		memset(h->tags, 0, h->cap * sizeof(*h->tags));
	h->count = 0;
	h->tombs = 0;
}

bool hmap__next(const struct hmap *h, struct hmap_iter *it, const void **key, uint64_t *val)
{
	for (; it->pos < h->cap; it->pos++) {
		size_t i = it->pos;

		if (!(h->tags[i] & HMAP_LIVE_BIT))
			continue;
		it->pos++;
		if (key)
			*key = hmap__key_at(h, i);
		if (val)
			*val = h->vals[i];
		return true;
	}
	return false;
}
