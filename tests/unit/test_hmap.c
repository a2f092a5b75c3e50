// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests for hmap: a large random workload checked against a sorted
 * reference array, removal while iterating, growth and tombstone churn,
 * forced bucket collisions with 16-byte keys, and the hash's quality.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/hmap.h"

/* splitmix64: a fixed-seed generator so failures reproduce. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

struct ref {
	uint64_t key;
	uint64_t val;
	uint32_t seq;	/* insertion order, so the last put of a key wins */
	uint32_t seen;
};

static int ref_cmp(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct ref *ref_find(struct ref *r, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].key == key)
			return &r[mid];
		if (r[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Sort by key and keep the last put of each key: what the map must hold. */
static size_t ref_build(struct ref *r, size_t n)
{
	size_t out = 0;

	qsort(r, n, sizeof(*r), ref_cmp);
	for (size_t i = 0; i < n; i++) {
		if (out && r[out - 1].key == r[i].key)
			r[out - 1] = r[i];
		else
			r[out++] = r[i];
	}
	return out;
}

/* Every reference entry is in h with its value, and iteration finds exactly those. */
static void check_against_ref(struct hmap *h, struct ref *r, size_t n)
{
	struct hmap_iter it = { 0 };
	const void *kp;
	uint64_t val;
	size_t visited = 0;

	assert_int_equal(hmap__count(h), n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(hmap__get(h, &r[i].key, &val), 0);
		assert_int_equal(val, r[i].val);
		r[i].seen = 0;
	}
	while (hmap__next(h, &it, &kp, &val)) {
		uint64_t key;
		struct ref *e;

		memcpy(&key, kp, sizeof(key));
		e = ref_find(r, n, key);
		assert_non_null(e);
		assert_int_equal(e->val, val);
		assert_int_equal(e->seen, 0);
		e->seen = 1;
		visited++;
	}
	assert_int_equal(visited, n);
}

static void test_random_vs_reference(void **state)
{
	const size_t n = 100000;
	struct ref *r = calloc(n, sizeof(*r));
	struct hmap *h = hmap__new(sizeof(uint64_t));
	size_t live, absent = 0;
	uint64_t val;

	assert_non_null(r);
	assert_non_null(h);
	rng_state = 42;
	for (size_t i = 0; i < n; i++) {
		/* One put in eight overwrites an earlier key. */
		r[i].key = (i > 8 && rng() % 8 == 0) ? r[rng() % i].key : rng();
		r[i].val = rng();
		r[i].seq = (uint32_t)i;
		assert_int_equal(hmap__put(h, &r[i].key, r[i].val), 0);
	}
	live = ref_build(r, n);
	assert_true(live < n && live > n / 2);
	check_against_ref(h, r, live);

	/* Keys never put are absent. */
	for (int i = 0; i < 100000; i++) {
		uint64_t k = rng();

		if (ref_find(r, live, k))
			continue;
		absent++;
		assert_int_equal(hmap__get(h, &k, &val), -ENOENT);
		assert_null(hmap__find(h, &k));
		assert_int_equal(hmap__remove(h, &k), -ENOENT);
	}
	assert_true(absent > 99000);

	/* Remove every other key; the rest must be untouched. */
	for (size_t i = 0; i < live; i += 2)
		assert_int_equal(hmap__remove(h, &r[i].key), 0);
	for (size_t i = 0; i < live; i += 2)
		assert_int_equal(hmap__get(h, &r[i].key, &val), -ENOENT);
	for (size_t i = 1, j = 0; i < live; i += 2)
		r[j++] = r[i];
	live /= 2;
	check_against_ref(h, r, live);

	hmap__free(h);
	free(r);
}

static void test_remove_during_iteration(void **state)
{
	const uint64_t n = 10000;
	struct hmap *h = hmap__new(sizeof(uint64_t));
	unsigned char *seen = calloc(n, 1);
	struct hmap_iter it = { 0 };
	const void *kp;
	uint64_t val, visited = 0;

	assert_non_null(h);
	assert_non_null(seen);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t key = i * 0x100000001ull;

		assert_int_equal(hmap__put(h, &key, i), 0);
	}
	/* Remove the odd values as we meet them: each entry is still visited once. */
	while (hmap__next(h, &it, &kp, &val)) {
		assert_true(val < n);
		assert_int_equal(seen[val], 0);
		seen[val] = 1;
		visited++;
		if (val & 1)
			assert_int_equal(hmap__remove(h, kp), 0);
	}
	assert_int_equal(visited, n);
	assert_int_equal(hmap__count(h), n / 2);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t key = i * 0x100000001ull;

		assert_int_equal(hmap__get(h, &key, &val), i & 1 ? -ENOENT : 0);
		if (!(i & 1))
			assert_int_equal(val, i);
	}
	/* Removing everything while iterating empties the map. */
	memset(&it, 0, sizeof(it));
	visited = 0;
	while (hmap__next(h, &it, &kp, NULL)) {
		assert_int_equal(hmap__remove(h, kp), 0);
		visited++;
	}
	assert_int_equal(visited, n / 2);
	assert_int_equal(hmap__count(h), 0);
	memset(&it, 0, sizeof(it));
	assert_false(hmap__next(h, &it, &kp, &val));
	hmap__free(h);
	free(seen);
}

static void test_upsert_find_clear(void **state)
{
	struct hmap *h = hmap__new(sizeof(uint32_t));
	struct hmap_iter it = { 0 };
	uint32_t key = 7;
	uint64_t *slot, val;
	bool created = false;

	assert_non_null(h);
	assert_false(hmap__next(h, &it, NULL, NULL));	/* empty, never allocated */
	assert_int_equal(hmap__get(h, &key, &val), -ENOENT);
	slot = hmap__upsert(h, &key, 5, &created);
	assert_non_null(slot);
	assert_true(created);
	assert_int_equal(*slot, 5);
	*slot += 10;
	slot = hmap__upsert(h, &key, 99, &created);
	assert_non_null(slot);
	assert_false(created);
	assert_int_equal(*slot, 15);
	slot = hmap__find(h, &key);
	assert_non_null(slot);
	(*slot)++;
	assert_int_equal(hmap__get(h, &key, &val), 0);
	assert_int_equal(val, 16);
	assert_int_equal(hmap__put(h, &key, 3), 0);
	assert_int_equal(hmap__get(h, &key, &val), 0);
	assert_int_equal(val, 3);
	assert_int_equal(hmap__count(h), 1);

	for (key = 100; key < 1100; key++)
		assert_int_equal(hmap__put(h, &key, key), 0);
	assert_int_equal(hmap__count(h), 1001);
	hmap__clear(h);
	assert_int_equal(hmap__count(h), 0);
	for (key = 100; key < 1100; key++)
		assert_int_equal(hmap__get(h, &key, &val), -ENOENT);
	memset(&it, 0, sizeof(it));
	assert_false(hmap__next(h, &it, NULL, NULL));
	/* Usable again after clear. */
	key = 7;
	assert_int_equal(hmap__put(h, &key, 70), 0);
	assert_int_equal(hmap__get(h, &key, &val), 0);
	assert_int_equal(val, 70);
	hmap__free(h);
	hmap__free(NULL);

	errno = 0;
	assert_null(hmap__new(0));
	assert_int_equal(errno, EINVAL);
}

static void test_growth_and_tombstones(void **state)
{
	struct hmap *h = hmap__new(sizeof(uint64_t));
	uint64_t val;

	assert_non_null(h);
	/* Every key stays reachable through each doubling. */
	for (uint64_t i = 0; i < 70000; i++) {
		assert_int_equal(hmap__put(h, &i, ~i), 0);
		if ((i & (i + 1)) == 0) {	/* i = 2^k - 1: just grown or about to */
			for (uint64_t j = 0; j <= i; j++) {
				assert_int_equal(hmap__get(h, &j, &val), 0);
				assert_int_equal(val, ~j);
			}
		}
	}
	assert_int_equal(hmap__count(h), 70000);
	hmap__free(h);

	/*
	 * A small live set churned through many distinct keys, in a small
	 * table: without tombstone reclamation the table fills with tombstones
	 * and a lookup of a missing key never finds an empty slot to stop at.
	 */
	h = hmap__new(sizeof(uint64_t));
	assert_non_null(h);
	for (uint64_t i = 0; i < 1000000; i++) {
		uint64_t old = i - 8;

		assert_int_equal(hmap__put(h, &i, i), 0);
		if (i >= 8)
			assert_int_equal(hmap__remove(h, &old), 0);
	}
	assert_int_equal(hmap__count(h), 8);
	for (uint64_t i = 1000000 - 8; i < 1000000; i++) {
		assert_int_equal(hmap__get(h, &i, &val), 0);
		assert_int_equal(val, i);
	}
	val = 5;
	assert_int_equal(hmap__get(h, &val, NULL), -ENOENT);
	hmap__free(h);
}

struct key16 {
	uint64_t a;
	uint64_t b;
};

/*
 * 16-byte keys whose hashes share their low 12 bits land in the same bucket
 * of any table up to 4096 slots: a long probe chain by construction.
 */
static void test_collisions_16b(void **state)
{
	enum { NKEYS = 300 };
	struct key16 *keys = calloc(NKEYS, sizeof(*keys));
	struct hmap *h = hmap__new(sizeof(struct key16));
	struct hmap_iter it = { 0 };
	uint64_t target, val, visited = 0;
	const void *kp;
	size_t n = 0;

	assert_non_null(keys);
	assert_non_null(h);
	rng_state = 7;
	target = hmap__hash_bytes(&(struct key16){ 1, 2 }, sizeof(struct key16)) & 0xfff;
	while (n < NKEYS) {
		struct key16 k = { .a = rng() & 0xffff, .b = rng() & 0xff };

		if ((hmap__hash_bytes(&k, sizeof(k)) & 0xfff) != target)
			continue;
		/* Keep them distinct so the count is exact. */
		for (size_t i = 0; i < n; i++)
			if (!memcmp(&keys[i], &k, sizeof(k)))
				goto next;
		keys[n++] = k;
next:;
	}
	for (size_t i = 0; i < NKEYS; i++)
		assert_int_equal(hmap__put(h, &keys[i], i), 0);
	assert_int_equal(hmap__count(h), NKEYS);
	for (size_t i = 0; i < NKEYS; i++) {
		assert_int_equal(hmap__get(h, &keys[i], &val), 0);
		assert_int_equal(val, i);
	}
	/* Tombstones in the middle of the chain must not cut it. */
	for (size_t i = 0; i < NKEYS; i += 3)
		assert_int_equal(hmap__remove(h, &keys[i]), 0);
	for (size_t i = 0; i < NKEYS; i++)
		assert_int_equal(hmap__get(h, &keys[i], &val), i % 3 ? 0 : -ENOENT);
	while (hmap__next(h, &it, &kp, &val)) {
		assert_true(val < NKEYS && val % 3);
		assert_memory_equal(kp, &keys[val], sizeof(struct key16));
		visited++;
	}
	assert_int_equal(visited, NKEYS - (NKEYS + 2) / 3);
	/* Re-adding a removed key fills a slot on its chain, not a duplicate. */
	assert_int_equal(hmap__put(h, &keys[0], 1234), 0);
	assert_int_equal(hmap__get(h, &keys[0], &val), 0);
	assert_int_equal(val, 1234);
	assert_int_equal(hmap__count(h), NKEYS - (NKEYS + 2) / 3 + 1);
	hmap__free(h);
	free(keys);
}

/* Keys differing in one byte, or with their halves swapped, are different keys. */
static void test_near_keys_16b(void **state)
{
	struct hmap *h = hmap__new(sizeof(struct key16));
	uint64_t val;

	assert_non_null(h);
	for (int byte = 0; byte < 16; byte++) {
		unsigned char k[16] = { 0 };

		k[byte] = 1;
		assert_int_equal(hmap__put(h, k, (uint64_t)byte), 0);
	}
	assert_int_equal(hmap__put(h, &(struct key16){ 3, 9 }, 100), 0);
	assert_int_equal(hmap__put(h, &(struct key16){ 9, 3 }, 200), 0);
	assert_int_equal(hmap__count(h), 18);
	for (int byte = 0; byte < 16; byte++) {
		unsigned char k[16] = { 0 };

		k[byte] = 1;
		assert_int_equal(hmap__get(h, k, &val), 0);
		assert_int_equal(val, byte);
	}
	assert_int_equal(hmap__get(h, &(struct key16){ 9, 3 }, &val), 0);
	assert_int_equal(val, 200);
	assert_int_equal(hmap__get(h, &(struct key16){ 3, 9 }, &val), 0);
	assert_int_equal(val, 100);
	hmap__free(h);
}

static int popcount64(uint64_t x)
{
	return __builtin_popcountll(x);
}

static void test_hash_quality(void **state)
{
	unsigned char buf[40], copy[40];
	uint64_t flips = 0, trials = 0;
	uint32_t bit_flips[64] = { 0 };

	/* Deterministic, independent of alignment, and the length counts. */
	for (int i = 0; i < 40; i++)
		buf[i] = (unsigned char)(i * 37 + 1);
	memcpy(copy + 1, buf, 39);
	assert_int_equal(hmap__hash_bytes(buf, 39), hmap__hash_bytes(copy + 1, 39));
	assert_int_equal(hmap__hash_bytes("abc", 3), hmap__hash_bytes("abc", 3));
	assert_int_not_equal(hmap__hash_bytes("abc", 3), hmap__hash_bytes("abc", 4));
	assert_int_not_equal(hmap__hash_bytes("", 0), hmap__hash_bytes("\0", 1));
	assert_int_not_equal(hmap__hash_bytes("abcdefgh", 8), hmap__hash_bytes("abcdefgi", 8));

	/* Avalanche: one input bit flips each output bit about half the time. */
	rng_state = 99;
	for (int k = 0; k < 2000; k++) {
		struct key16 key = { rng(), rng() };
		uint64_t h0 = hmap__hash_bytes(&key, sizeof(key));

		for (int bit = 0; bit < 128; bit++) {
			struct key16 k2 = key;
			uint64_t d;

			((unsigned char *)&k2)[bit / 8] ^= (unsigned char)(1u << (bit % 8));
			d = h0 ^ hmap__hash_bytes(&k2, sizeof(k2));
			flips += (uint64_t)popcount64(d);
			trials++;
			for (int o = 0; o < 64; o++)
				bit_flips[o] += (d >> o) & 1;
		}
	}
	/* 256000 trials: the mean is 32 +- 0.01 for a good hash. */
	assert_true(flips > 31 * trials && flips < 33 * trials);
	for (int o = 0; o < 64; o++)
		assert_true(bit_flips[o] > trials * 45 / 100 && bit_flips[o] < trials * 55 / 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_remove_during_iteration),
		cmocka_unit_test(test_upsert_find_clear),
		cmocka_unit_test(test_growth_and_tombstones),
		cmocka_unit_test(test_collisions_16b),
		cmocka_unit_test(test_near_keys_16b),
		cmocka_unit_test(test_hash_quality),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
