// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vec: growable array.  Capacity doubles so that pushes are amortized O(1);
 * every size computation is checked because elem_size * cap can overflow on
 * hostile counts (recording files drive some of these sizes).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vec.h"

#define VEC_MIN_CAP 8

void vec__init(struct vec *v, size_t elem_size)
{
	v->data = NULL;
	v->len = 0;
	v->cap = 0;
	v->elem_size = elem_size;
}

void vec__release(struct vec *v)
{
	if (!v)
		return;
	free(v->data);
	v->data = NULL;
	v->len = 0;
	v->cap = 0;
}

static int vec__grow_to(struct vec *v, size_t cap)
{
	void *data;

	if (!v->elem_size || cap > SIZE_MAX / v->elem_size)
		return -ENOMEM;
	data = realloc(v->data, cap * v->elem_size);
	if (!data)
		return -ENOMEM;
	v->data = data;
	v->cap = cap;
	return 0;
}

int vec__reserve(struct vec *v, size_t n)
{
	size_t cap;

	if (n <= v->cap)
		return 0;
	/* Double rather than grow to n, so a loop of reserve(len + 1) stays linear. */
	cap = v->cap > SIZE_MAX / 2 ? SIZE_MAX : v->cap * 2;
	if (cap < VEC_MIN_CAP)
		cap = VEC_MIN_CAP;
	if (cap < n)
		cap = n;
	return vec__grow_to(v, cap);
}

void *vec__push(struct vec *v)
{
	void *p;

	if (v->len == SIZE_MAX || vec__reserve(v, v->len + 1)) {
		errno = ENOMEM;
		return NULL;
	}
	p = vec__at(v, v->len);
	memset(p, 0, v->elem_size);
	v->len++;
	return p;
}

void vec__clear(struct vec *v)
{
	v->len = 0;
}
