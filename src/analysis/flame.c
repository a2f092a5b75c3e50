// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * flame: a prefix tree of frames with weights (the writers are
 * output/flame_folded.c and output/flame_svg.c).
 *
 * Each node keeps its children in an array sorted by name, so adding a stack
 * is one binary search per frame and both writers walk children in name
 * order without sorting.  A node's total is its own (self) weight plus its
 * children's totals; the invisible root node holds the grand total.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/flame.h"
#include "analysis/flame_int.h"

static struct flame_node *node__new(const char *name)
{
	size_t len = strlen(name);
	struct flame_node *n = calloc(1, sizeof(*n) + len + 1);

	if (!n)
		return NULL;
	memcpy(n->name, name, len + 1);
	return n;
}

static void node__free(struct flame_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nr_kids; i++)
		node__free(n->kids[i]);
	free(n->kids);
	free(n);
}

/* Index of the first child whose name is not below name. */
static size_t node__lower_bound(const struct flame_node *n, const char *name)
{
	size_t lo = 0, hi = n->nr_kids;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(n->kids[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The child called name, created in sorted position if missing. */
static struct flame_node *node__get_kid(struct flame_node *n, const char *name)
{
	size_t i = node__lower_bound(n, name);
	struct flame_node *kid;

	if (i < n->nr_kids && !strcmp(n->kids[i]->name, name))
		return n->kids[i];
	if (n->nr_kids == n->cap_kids) {
		size_t cap = n->cap_kids ? n->cap_kids * 2 : 4;
		struct flame_node **kids = realloc(n->kids, cap * sizeof(*kids));

		if (!kids)
			return NULL;
		n->kids = kids;
		n->cap_kids = cap;
	}
	kid = node__new(name);
	if (!kid)
		return NULL;
	memmove(&n->kids[i + 1], &n->kids[i], (n->nr_kids - i) * sizeof(*n->kids));
	n->kids[i] = kid;
	n->nr_kids++;
	return kid;
}

struct flame *flame__new(void)
{
	struct flame *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->root = node__new("");
	if (!f->root) {
		free(f);
		errno = ENOMEM;
		return NULL;
	}
	return f;
}

void flame__free(struct flame *f)
{
	if (!f)
		return;
	node__free(f->root);
	free(f);
}

int flame__add(struct flame *f, const char *const *frames, size_t n, uint64_t weight)
{
	struct flame_node *path[FLAME_MAX_DEPTH];
	struct flame_node *node;
	size_t i;

	if (!f || !frames || !n)
		return -EINVAL;
	if (n > FLAME_MAX_DEPTH)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		if (!frames[i])
			return -EINVAL;
	}
	if (!weight)
		return 0;
	/* Every total is at most the root's, so checking the root is enough. */
	if (f->root->total > UINT64_MAX - weight)
		return -EOVERFLOW;

	/* Find or create the whole path first: on ENOMEM no weight has moved. */
	node = f->root;
	for (i = 0; i < n; i++) {
		node = node__get_kid(node, frames[i]);
		if (!node)
			return -ENOMEM;
		path[i] = node;
	}
	f->root->total += weight;
	for (i = 0; i < n; i++)
		path[i]->total += weight;
	if (!node->self)
		f->nr_stacks++;
	node->self += weight;
	return 0;
}

uint64_t flame__total(const struct flame *f)
{
	return f ? f->root->total : 0;
}

size_t flame__nr_stacks(const struct flame *f)
{
	return f ? f->nr_stacks : 0;
}
