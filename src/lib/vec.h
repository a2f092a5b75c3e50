/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * vec: a growable array of fixed-size elements, addressed by index.
 * Element pointers are valid until the next push; indexes stay valid.
 */
#ifndef IPCTRACE_VEC_H
#define IPCTRACE_VEC_H

#include <stddef.h>

struct vec {
	void *data;
	size_t len;
	size_t cap;
	size_t elem_size;
};

#define VEC_INIT(type) { .data = NULL, .len = 0, .cap = 0, .elem_size = sizeof(type) }

void vec__init(struct vec *v, size_t elem_size);
void vec__release(struct vec *v);	/* frees storage, keeps elem_size */
/* Append one zeroed element: pointer to it, or NULL on ENOMEM. */
void *vec__push(struct vec *v);
/* Make room for at least n elements in all (cap >= n): 0 or -ENOMEM. */
int vec__reserve(struct vec *v, size_t n);
void vec__clear(struct vec *v);		/* len = 0, keeps storage */

static inline void *vec__at(const struct vec *v, size_t i)
{
	return (char *)v->data + i * v->elem_size;
}

#define vec_at(v, type, i) ((type *)vec__at((v), (i)))
#define vec_for_each(v, type, p) \
	for (type *p = (type *)(v)->data; p && p < (type *)(v)->data + (v)->len; p++)

#endif /* IPCTRACE_VEC_H */
