/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * flame: where threads spend time blocked, as stacks with weights.
 *
 * Stacks are added root first: process name, then user frames outermost
 * to innermost, then the IPC object waited on as the leaf
 * ("futex:counter_lock", "pipe:[81234]").  Identical stacks merge.  Two
 * outputs:
 *   folded: Brendan Gregg's format, one line per unique stack,
 *           "root;frame;...;leaf WEIGHT" (flamegraph.pl, speedscope, inferno).
 *           Inside a frame, ';' becomes ':' and whitespace becomes '_',
 *           so the separators stay unambiguous.
 *   svg:    a self-contained interactive flame graph (no Perl): hover for
 *           frame/time/percentage, click to zoom, search box; frames are
 *           coloured by the kind of the leaf object (the part of a leaf
 *           frame before ':'), process roots and code frames apart.
 */
#ifndef IPCTRACE_FLAME_H
#define IPCTRACE_FLAME_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct flame;

struct flame *flame__new(void);		/* NULL with errno */
void flame__free(struct flame *f);	/* accepts NULL */

/* Add weight to the stack frames[0..n-1] (root first).  0 or -errno. */
int flame__add(struct flame *f, const char *const *frames, size_t n, uint64_t weight);
uint64_t flame__total(const struct flame *f);
size_t flame__nr_stacks(const struct flame *f);	/* unique stacks */

/* Folded lines, sorted, to out.  0 or -errno. */
int flame__write_folded(const struct flame *f, FILE *out);

struct flame_svg_opts {
	const char *title;	/* "ipctrace: time blocked on IPC" when NULL */
	const char *subtitle;	/* e.g. the command line or the recording; may be NULL */
	const char *unit;	/* weight unit, "us" when NULL */
	int width;		/* pixels, 1200 when 0 */
};

/* A standalone SVG document to out.  0 or -errno. */
int flame__write_svg(const struct flame *f, FILE *out, const struct flame_svg_opts *opts);

/* Escape one frame for the folded format into buf (see above). */
size_t flame__escape_frame(char *buf, size_t len, const char *frame);

#endif /* IPCTRACE_FLAME_H */
