/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The flame tree's nodes, shared by the tree (flame.c) and its writers
 * (output/flame_folded.c, output/flame_svg.c).  Not for other modules:
 * they use flame.h.
 */
#ifndef IPCTRACE_FLAME_INT_H
#define IPCTRACE_FLAME_INT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Writers recurse once per frame, so the depth is bounded.  Kernel stacks
 * stop at 127 frames (PERF_MAX_STACK_DEPTH) and user stacks at the same
 * default, so real stacks are far below this.
 */
#define FLAME_MAX_DEPTH 1024

struct flame_node {
	uint64_t self;			/* weight of stacks that end here */
	uint64_t total;			/* self plus all descendants */
	struct flame_node **kids;	/* sorted by strcmp() of name */
	size_t nr_kids;
	size_t cap_kids;
	char name[];
};

struct flame {
	struct flame_node *root;	/* unnamed; its children are process frames */
	size_t nr_stacks;
};

#endif /* IPCTRACE_FLAME_INT_H */
