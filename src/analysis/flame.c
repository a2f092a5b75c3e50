// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * flame: a prefix tree of frames with weights, written as folded stacks or
 * as a self-contained interactive SVG flame graph.
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

/*
 * Writers recurse once per frame, so the depth is bounded.  Kernel stacks
 * stop at 127 frames (PERF_MAX_STACK_DEPTH) and user stacks at the same
 * default, so real stacks are far below this.
 */
#define FLAME_MAX_DEPTH 1024

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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

/*
 * Whitespace separates the weight and ';' separates frames, so both are
 * replaced.  Other ASCII control characters count as whitespace here too:
 * they would break lines or terminals in every consumer of the format.
 */
static char folded_char(unsigned char c)
{
	if (c == ';')
		return ':';
	if (c < 0x20 || c == ' ' || c == 0x7f)
		return '_';
	return (char)c;
}

size_t flame__escape_frame(char *buf, size_t len, const char *frame)
{
	size_t n = frame ? strlen(frame) : 0;
	size_t i;

	if (!buf || !len)
		return n;
	for (i = 0; i < n && i + 1 < len; i++)
		buf[i] = folded_char((unsigned char)frame[i]);
	buf[i] = '\0';
	return n;
}

/* ---- folded output ---- */

struct folded_line {
	char *stack;
	uint64_t weight;
};

struct folded {
	struct folded_line *lines;
	size_t nr_lines;
	size_t cap_lines;
	char *buf;			/* the current path, escaped, ';'-joined */
	size_t len;
	size_t cap;
};

/* Append ";frame" (or "frame" at depth 0) to the current path. */
static int folded__push(struct folded *fo, const char *frame, int depth)
{
	size_t flen = strlen(frame);
	size_t need = fo->len + 1 + flen + 1;

	if (need > fo->cap) {
		size_t cap = fo->cap ? fo->cap : 256;
		char *buf;

		while (cap < need)
			cap *= 2;
		buf = realloc(fo->buf, cap);
		if (!buf)
			return -ENOMEM;
		fo->buf = buf;
		fo->cap = cap;
	}
	if (depth > 0)
		fo->buf[fo->len++] = ';';
	fo->len += flame__escape_frame(fo->buf + fo->len, fo->cap - fo->len, frame);
	return 0;
}

static int folded__emit(struct folded *fo, uint64_t weight)
{
	struct folded_line *l;

	if (fo->nr_lines == fo->cap_lines) {
		size_t cap = fo->cap_lines ? fo->cap_lines * 2 : 64;

		l = realloc(fo->lines, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		fo->lines = l;
		fo->cap_lines = cap;
	}
	l = &fo->lines[fo->nr_lines];
	l->stack = strdup(fo->buf);
	if (!l->stack)
		return -ENOMEM;
	l->weight = weight;
	fo->nr_lines++;
	return 0;
}

static int folded__walk(struct folded *fo, const struct flame_node *n, int depth)
{
	size_t mark = fo->len;
	size_t i;
	int err;

	for (i = 0; i < n->nr_kids; i++) {
		const struct flame_node *kid = n->kids[i];

		err = folded__push(fo, kid->name, depth);
		if (!err && kid->self)
			err = folded__emit(fo, kid->self);
		if (!err)
			err = folded__walk(fo, kid, depth + 1);
		if (err)
			return err;
		fo->len = mark;
		fo->buf[mark] = '\0';
	}
	return 0;
}

static int folded_line__cmp(const void *a, const void *b)
{
	const struct folded_line *la = a, *lb = b;

	return strcmp(la->stack, lb->stack);
}

/*
 * Frames that differ only in escaped characters ("a b", "a_b") become the
 * same folded stack; merge them so each stack appears once.
 */
static void folded__print(const struct folded *fo, FILE *out)
{
	size_t i = 0;

	while (i < fo->nr_lines) {
		uint64_t weight = fo->lines[i].weight;
		size_t j = i + 1;

		while (j < fo->nr_lines && !strcmp(fo->lines[i].stack, fo->lines[j].stack))
			weight += fo->lines[j++].weight;
		fprintf(out, "%s %" PRIu64 "\n", fo->lines[i].stack, weight);
		i = j;
	}
}

int flame__write_folded(const struct flame *f, FILE *out)
{
	struct folded fo = {};
	size_t i;
	int err;

	if (!f || !out)
		return -EINVAL;
	err = folded__walk(&fo, f->root, 0);
	if (err)
		goto out_free;
	if (fo.nr_lines)
		qsort(fo.lines, fo.nr_lines, sizeof(*fo.lines), folded_line__cmp);
	folded__print(&fo, out);
	if (fflush(out) || ferror(out))
		err = -EIO;
out_free:
	for (i = 0; i < fo.nr_lines; i++)
		free(fo.lines[i].stack);
	free(fo.lines);
	free(fo.buf);
	return err;
}

/* ---- SVG output ---- */

/*
 * DOM of the SVG document (stable: tests and scripts query it).
 *
 * <svg id="flame" width=W height=H data-total=T data-unit=U data-xpad=X
 *      data-avail=A data-ready="1" data-frames=N>
 *   data-ready and data-frames are set by the script once it has
 *   initialised ("0" plus data-error="..." if it failed).  A = W - 2 * X is
 *   the width that the root frame spans, from x = X.
 *   <style>, <rect id="bg">, <text id="title">, <text id="subtitle">
 *   <text id="unzoom" class="ctl off">   reset zoom ("off" when not zoomed)
 *   <foreignObject id="searchbox"><input id="search"/></foreignObject>
 *   <g id="legend"><g class="key" data-k=KIND><rect/><text/></g>...</g>
 *   <g id="frames">
 *     <g class="f all" data-name="all" data-w=T data-o="0" data-d="-1" data-k="all">
 *       <title>all (T us, 100.00%)</title><rect x y width height fill/><text>label</text>
 *       <g class="f" data-name=NAME data-w=TOTAL data-o=OFFSET data-d=DEPTH data-k=KIND>
 *         ...children nested the same way, in name order...
 *       </g>
 *     </g>
 *   </g>
 *   <text id="details"/> <text id="matched"/> <script/>
 * </svg>
 *
 * Frames nest like the stacks: a frame's <g> holds its <title>, <rect>,
 * <text> and then its children's <g>.  data-w is the frame's total weight,
 * data-o the weight of everything left of it (so x = X + o * A / T and
 * width = w * A / T, rounded to 0.01 px), data-d the depth (processes 0,
 * the "all" frame -1), data-k "proc", "code", or for leaf frames the object
 * kind ("futex", "pipe", ..., "other").  Frames narrower than 0.1 px are
 * left out, with their subtrees; their weight still counts in their
 * ancestors.  The script adds classes: "anc" (greyed ancestor of the zoomed
 * frame), "m" (search match), "h" (hovered), and on the root data-zoom (name
 * of the zoomed frame) and data-matched (search share in percent).  Opening
 * "file.svg#s=TERM&z=NAME" starts with that search and zoom applied.
 */

#define SVG_XPAD	10
#define SVG_FRAME_H	16
#define SVG_CHAR_W	7.0	/* average glyph width at 12px, for labels before JS runs */
#define SVG_MIN_PX	0.1
#define SVG_WIDTH	1200
#define SVG_MIN_WIDTH	200
#define SVG_MAX_WIDTH	100000

struct svg_kind {
	const char *name;
	int hue, sat, light;
};

/*
 * Leaf object kinds: fixed hues, distinct from each other and from the bright
 * warm code colours (lock is a dark, dull brown).
 */
static const struct svg_kind svg_kinds[] = {
	{ "futex", 270, 55, 70 },
	{ "pipe", 120, 40, 58 },
	{ "fifo", 160, 45, 50 },
	{ "unix", 185, 55, 52 },
	{ "tcp", 225, 65, 66 },
	{ "udp", 200, 70, 68 },
	{ "mq", 315, 45, 70 },
	{ "sem", 75, 45, 50 },
	{ "signal", 345, 70, 76 },
	{ "lock", 25, 40, 45 },
	{ "other", 0, 0, 72 },
};

#define SVG_KIND_OTHER ((int)ARRAY_SIZE(svg_kinds) - 1)

struct svg_ctx {
	FILE *out;
	const struct flame_svg_opts *opts;
	uint64_t total;
	double scale;		/* pixels per weight unit */
	int width;
	int height;
	int ctrl_y;		/* baseline of the controls row */
	int legend_y;		/* baseline of the first legend row */
	int bottom;		/* y of the bottom edge of the root frame */
	unsigned int kinds;	/* bit per svg_kinds[] entry shown */
	int max_depth;		/* deepest frame shown, -1 when none */
};

static uint32_t svg_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a: stable across runs and hosts */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int svg_kind_of(const char *name)
{
	const char *colon = strchr(name, ':');
	size_t len = colon ? (size_t)(colon - name) : 0;
	int i;

	for (i = 0; colon && i < SVG_KIND_OTHER; i++) {
		if (strlen(svg_kinds[i].name) == len && !strncmp(svg_kinds[i].name, name, len))
			return i;
	}
	return SVG_KIND_OTHER;
}

/* Colours are picked as HSL and written as rgb(): older SVG viewers know only that. */
static void svg_hsl(char *buf, size_t len, int h, int s, int l)
{
	double c = (1.0 - fabs(2.0 * l / 100.0 - 1.0)) * s / 100.0;
	double hp = (h % 360) / 60.0;
	double x = c * (1.0 - fabs(fmod(hp, 2.0) - 1.0));
	double m = l / 100.0 - c / 2.0;
	double r = 0, g = 0, b = 0;

	if (hp < 1)
		r = c, g = x;
	else if (hp < 2)
		r = x, g = c;
	else if (hp < 3)
		g = c, b = x;
	else if (hp < 4)
		g = x, b = c;
	else if (hp < 5)
		r = x, b = c;
	else
		r = c, b = x;
	snprintf(buf, len, "rgb(%d,%d,%d)", (int)lround((r + m) * 255),
		(int)lround((g + m) * 255), (int)lround((b + m) * 255));
}

static bool node__is_leaf(const struct flame_node *n)
{
	return !n->nr_kids;
}

/* Frame colour: processes slate blue, code warm, leaves by object kind. */
static const char *svg_frame_kind(const struct flame_node *n, int depth, char *fill, size_t len)
{
	uint32_t h = svg_hash(n->name);
	const struct svg_kind *k;

	if (depth < 0) {
		svg_hsl(fill, len, 0, 0, 82);
		return "all";
	}
	if (depth == 0) {
		svg_hsl(fill, len, 205 + h % 20, 22 + (h >> 8) % 14, 64 + (h >> 16) % 10);
		return "proc";
	}
	if (!node__is_leaf(n)) {
		svg_hsl(fill, len, h % 50, 78 + (h >> 8) % 15, 56 + (h >> 16) % 10);
		return "code";
	}
	k = &svg_kinds[svg_kind_of(n->name)];
	/* A small lightness jitter keeps neighbouring objects of one kind apart. */
	svg_hsl(fill, len, k->hue, k->sat, k->light + (int)(h % 9) - 4);
	return k->name;
}

/* Decode one UTF-8 character; invalid bytes decode alone as U+FFFD. */
static size_t utf8_decode(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, c &= 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		n = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, c &= 0x07, min = 0x10000;
	else
		goto bad;
	/* A NUL is not a continuation byte, so this never reads past the end. */
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

static size_t utf8_count(const char *s)
{
	size_t n = 0;
	uint32_t cp;

	while (*s) {
		s += utf8_decode(s, &cp);
		n++;
	}
	return n;
}

/* The reference that stands for cp in XML text and attributes, or NULL. */
static const char *xml_ref(uint32_t cp)
{
	switch (cp) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&apos;";
	case '\t':
		return "&#9;";
	case '\n':
		return "&#10;";
	case '\r':
		return "&#13;";
	}
	return NULL;
}

/*
 * Write up to max characters of s as XML text or attribute content.  Frame
 * names can hold anything: characters XML 1.0 cannot carry (most controls,
 * invalid UTF-8, U+FFFE/U+FFFF) become U+FFFD so the document stays
 * well-formed; tab and newlines survive as character references.
 */
static void svg_puts(FILE *out, const char *s, size_t max)
{
	const char *ref;
	uint32_t cp;
	size_t n;

	for (; *s && max; s += n, max--) {
		n = utf8_decode(s, &cp);
		ref = xml_ref(cp);
		if (ref)
			fputs(ref, out);
		else if (cp < 0x20 || cp == 0xfffe || cp == 0xffff || cp == 0xfffd)
			fputs("\xef\xbf\xbd", out);
		else
			fwrite(s, 1, n, out);
	}
}

/* v with thousands separators: "1,234,567". */
static void svg_group(char *buf, size_t len, uint64_t v)
{
	char digits[24];
	int nd = snprintf(digits, sizeof(digits), "%" PRIu64, v);
	size_t o = 0;
	int i;

	for (i = 0; i < nd && o + 2 < len; i++) {
		if (i && (nd - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

static double svg_percent(const struct svg_ctx *c, uint64_t w)
{
	return c->total ? 100.0 * (double)w / (double)c->total : 0.0;
}

/* x of a weight offset, in hundredths of a pixel: monotonic, so nested frames nest. */
static long svg_cpx(const struct svg_ctx *c, uint64_t off)
{
	return lround((SVG_XPAD + (double)off * c->scale) * 100.0);
}

static bool svg_visible(const struct svg_ctx *c, const struct flame_node *n)
{
	return (double)n->total * c->scale >= SVG_MIN_PX;
}

/*
 * Depth of the deepest visible frame below n (depth - 1 when none: depth is
 * that of n's children), and note the leaf kinds that will be drawn.
 */
static int svg_scan(struct svg_ctx *c, const struct flame_node *n, int depth)
{
	int max = depth - 1;
	size_t i;

	for (i = 0; i < n->nr_kids; i++) {
		const struct flame_node *kid = n->kids[i];
		int d;

		if (!svg_visible(c, kid))
			continue;
		if (depth > 0 && node__is_leaf(kid))
			c->kinds |= 1u << svg_kind_of(kid->name);
		d = svg_scan(c, kid, depth + 1);
		if (d > max)
			max = d;
	}
	return max;
}

/* A label that fits the box before the script measures real glyphs. */
static void svg_label(FILE *out, const char *name, double width)
{
	double room = width - 6.0;
	size_t fit = room > 0 ? (size_t)(room / SVG_CHAR_W) : 0;

	if (fit < 3)
		return;
	if (utf8_count(name) <= fit) {
		svg_puts(out, name, SIZE_MAX);
		return;
	}
	svg_puts(out, name, fit - 2);
	fputs("..", out);
}

static void svg_title(const struct svg_ctx *c, const char *name, uint64_t w)
{
	char grouped[32];

	svg_group(grouped, sizeof(grouped), w);
	fputs("<title>", c->out);
	svg_puts(c->out, name, SIZE_MAX);
	fprintf(c->out, " (%s ", grouped);
	svg_puts(c->out, c->opts->unit, SIZE_MAX);
	fprintf(c->out, ", %.2f%%)</title>", svg_percent(c, w));
}

/* One frame and, nested inside its <g>, its visible children left to right. */
static void svg_frame(const struct svg_ctx *c, const struct flame_node *n, const char *name,
		      int depth, uint64_t off)
{
	long x0 = svg_cpx(c, off);
	long x1 = depth < 0 ? (long)(c->width - SVG_XPAD) * 100 : svg_cpx(c, off + n->total);
	int y = c->bottom - (depth + 2) * SVG_FRAME_H;
	char fill[32];
	const char *kind = svg_frame_kind(n, depth, fill, sizeof(fill));
	size_t i;

	fprintf(c->out, "<g class=\"f%s\" data-name=\"", depth < 0 ? " all" : "");
	svg_puts(c->out, name, SIZE_MAX);
	fprintf(c->out, "\" data-w=\"%" PRIu64 "\" data-o=\"%" PRIu64 "\" data-d=\"%d\" "
		"data-k=\"%s\">", n->total, off, depth, kind);
	svg_title(c, name, n->total);
	fprintf(c->out, "<rect x=\"%ld.%02ld\" y=\"%d\" width=\"%ld.%02ld\" height=\"%d\" rx=\"2\" "
		"fill=\"%s\"/><text x=\"%ld.%02ld\" y=\"%d\">", x0 / 100, x0 % 100, y,
		(x1 - x0) / 100, (x1 - x0) % 100, SVG_FRAME_H - 1, fill, (x0 + 300) / 100,
		(x0 + 300) % 100, y + SVG_FRAME_H - 4);
	svg_label(c->out, name, (double)(x1 - x0) / 100.0);
	fputs("</text>\n", c->out);
	for (i = 0; i < n->nr_kids; i++) {
		const struct flame_node *kid = n->kids[i];

		if (svg_visible(c, kid))
			svg_frame(c, kid, kid->name, depth + 1, off);
		off += kid->total;
	}
	fputs("</g>\n", c->out);
}

struct svg_key {
	const char *kind;	/* data-k of the frames it explains */
	const char *label;
	char fill[32];
};

static size_t svg_keys(const struct svg_ctx *c, struct svg_key *keys)
{
	size_t n = 0;
	int i;

	keys[n] = (struct svg_key){ .kind = "proc", .label = "process" };
	svg_hsl(keys[n++].fill, sizeof(keys->fill), 212, 28, 68);
	keys[n] = (struct svg_key){ .kind = "code", .label = "code" };
	svg_hsl(keys[n++].fill, sizeof(keys->fill), 25, 85, 60);
	for (i = 0; i <= SVG_KIND_OTHER; i++) {
		const struct svg_kind *k = &svg_kinds[i];

		if (!(c->kinds & (1u << i)))
			continue;
		keys[n] = (struct svg_key){ .kind = k->name, .label = k->name };
		svg_hsl(keys[n++].fill, sizeof(keys->fill), k->hue, k->sat, k->light);
	}
	return n;
}

/* Lay the legend out in rows; draw it when out is set.  Number of rows. */
static int svg_legend(const struct svg_ctx *c, FILE *out)
{
	struct svg_key keys[ARRAY_SIZE(svg_kinds) + 2];
	size_t i, n = svg_keys(c, keys);
	double x = SVG_XPAD;
	int row = 0;

	if (out)
		fputs("<g id=\"legend\">", out);
	for (i = 0; i < n; i++) {
		double w = 16 + strlen(keys[i].label) * SVG_CHAR_W + 14;
		int y = c->legend_y + row * SVG_FRAME_H;

		if (x > SVG_XPAD && x + w > c->width - SVG_XPAD) {
			x = SVG_XPAD;
			y += SVG_FRAME_H;
			row++;
		}
		if (out)
			fprintf(out, "<g class=\"key\" data-k=\"%s\"><rect x=\"%.0f\" y=\"%d\" "
				"width=\"11\" height=\"11\" rx=\"2\" fill=\"%s\"/><text x=\"%.0f\" "
				"y=\"%d\">%s</text></g>", keys[i].kind, x, y - 10, keys[i].fill,
				x + 16, y, keys[i].label);
		x += w;
	}
	if (out)
		fputs("</g>\n", out);
	return row + 1;
}

/* Styles the script relies on: "anc", "m" and "h" restyle a frame's own rect. */
static const char svg_css[] =
	"text {\n"
	"  font-family: Verdana, 'DejaVu Sans', 'Bitstream Vera Sans', sans-serif;\n"
	"  font-size: 12px;\n"
	"  fill: rgb(0,0,0);\n"
	"}\n"
	"#title { font-size: 17px; font-weight: bold; text-anchor: middle; }\n"
	"#subtitle { fill: rgb(90,90,90); text-anchor: middle; }\n"
	"#unzoom { cursor: pointer; fill: rgb(20,60,160); }\n"
	"#unzoom.off { opacity: 0.35; cursor: default; }\n"
	"#details { fill: rgb(30,30,30); }\n"
	"#matched { text-anchor: end; fill: rgb(140,0,140); }\n"
	"#legend text { font-size: 11px; fill: rgb(60,60,60); }\n"
	"#legend rect { stroke: rgb(120,120,120); stroke-width: 0.5; }\n"
	"#search {\n"
	"  width: 100%; height: 100%; box-sizing: border-box; margin: 0; padding: 1px 6px;\n"
	"  font: 12px Verdana, 'DejaVu Sans', sans-serif;\n"
	"  border: 1px solid rgb(160,160,160); border-radius: 3px; background: rgb(255,255,255);\n"
	"}\n"
	".f { cursor: pointer; }\n"
	".f > text { pointer-events: none; }\n"
	".f.h > rect { stroke: rgb(0,0,0); stroke-width: 1; }\n"
	".f.anc > rect { fill: rgb(214,214,214); }\n"
	".f.anc > text { fill: rgb(90,90,90); }\n"
	".f.m > rect { fill: rgb(230,0,230); }\n";

/* Hover, zoom and search; no external code, so the file works offline. */
static const char svg_js[] =
	"(function () {\n"
	"'use strict';\n"
	"var svg = document.documentElement;\n"
	"var total = +svg.getAttribute('data-total');\n"
	"var unit = svg.getAttribute('data-unit');\n"
	"var xpad = +svg.getAttribute('data-xpad');\n"
	"var avail = +svg.getAttribute('data-avail');\n"
	"var frames = [], root = null, zoomed = null, hovered = null;\n"
	"var details, matched, unzoom, input;\n"
	"\n"
	"/* Weights may exceed 2^53: group the decimal string, not a number. */\n"
	"function group(s) {\n"
	"  var out = '';\n"
	"  while (s.length > 3) {\n"
	"    out = ',' + s.slice(-3) + out;\n"
	"    s = s.slice(0, -3);\n"
	"  }\n"
	"  return s + out;\n"
	"}\n"
	"function percent(w) {\n"
	"  return (total ? 100 * w / total : 0).toFixed(2);\n"
	"}\n"
	"function describe(f) {\n"
	"  return f.name + ' (' + group(f.ws) + ' ' + unit + ', ' + percent(f.w) + '%)';\n"
	"}\n"
	"\n"
	"function Frame(g) {\n"
	"  var title = g.firstElementChild;\n"
	"  this.g = g;\n"
	"  this.rect = title.nextElementSibling;\n"
	"  this.text = this.rect.nextElementSibling;\n"
	"  this.name = g.getAttribute('data-name');\n"
	"  this.ws = g.getAttribute('data-w');\n"
	"  this.w = +this.ws;\n"
	"  this.o = +g.getAttribute('data-o');\n"
	"  this.parent = g.parentNode.ipcFrame || null;\n"
	"  this.cw = 7;\n"
	"  this.measured = false;\n"
	"  this.shown = true;\n"
	"  this.label = this.text.textContent;\n"
	"  g.ipcFrame = this;\n"
	"}\n"
	"\n"
	"/*\n"
	" * Each label's own average glyph width, measured on its full name the first\n"
	" * time its box is wide enough for a label.  All names are written before\n"
	" * any is read, so the browser lays the text out once per batch.\n"
	" */\n"
	"function measure(list) {\n"
	"  list.forEach(function (f) { label(f, f.name); });\n"
	"  list.forEach(function (f) {\n"
	"    var n = f.name.length;\n"
	"    f.cw = n ? f.text.getComputedTextLength() / n : 7;\n"
	"    if (!(f.cw > 0))\n"
	"      f.cw = 7;\n"
	"    f.measured = true;\n"
	"  });\n"
	"}\n"
	"\n"
	"function label(f, s) {\n"
	"  if (f.label !== s)\n"
	"    f.text.textContent = s;\n"
	"  f.label = s;\n"
	"}\n"
	"\n"
	"function cut(f, n) {\n"
	"  /* Never split a surrogate pair. */\n"
	"  if (n > 0 && (f.name.charCodeAt(n - 1) & 0xfc00) === 0xd800)\n"
	"    n--;\n"
	"  label(f, n > 0 ? f.name.slice(0, n) + '..' : '');\n"
	"  return n;\n"
	"}\n"
	"\n"
	"/* Label f for a box of width px; true when it was truncated by estimate. */\n"
	"function fit(f, width) {\n"
	"  var room = width - 6;\n"
	"  f.room = room;\n"
	"  if (room < 3 * f.cw) {\n"
	"    label(f, '');\n"
	"    return false;\n"
	"  }\n"
	"  if (f.name.length * f.cw <= room) {\n"
	"    label(f, f.name);\n"
	"    return false;\n"
	"  }\n"
	"  cut(f, Math.floor(room / f.cw) - 2);\n"
	"  return true;\n"
	"}\n"
	"\n"
	"/*\n"
	" * Shorten the labels whose prefix turned out wider than average.  Reads\n"
	" * and writes go in separate passes, one layout per round, not per label.\n"
	" */\n"
	"function refit(list) {\n"
	"  var round;\n"
	"  for (round = 0; list.length && round < 8; round++) {\n"
	"    list = list.filter(function (f) {\n"
	"      f.len = f.text.getComputedTextLength();\n"
	"      return f.len > f.room;\n"
	"    });\n"
	"    list.forEach(function (f) {\n"
	"      var n = f.label.length - 2;\n"
	"      cut(f, Math.min(n - 1, Math.floor(n * f.room / f.len)));\n"
	"    });\n"
	"  }\n"
	"}\n"
	"\n"
	"/* Attribute writes cost a style pass each: skip the unchanged ones. */\n"
	"function place(f, x, w) {\n"
	"  var xs = x.toFixed(2), ws = w.toFixed(2);\n"
	"  if (xs === f.xs && ws === f.ws2)\n"
	"    return;\n"
	"  f.xs = xs;\n"
	"  f.ws2 = ws;\n"
	"  f.rect.setAttribute('x', xs);\n"
	"  f.rect.setAttribute('width', ws);\n"
	"  f.text.setAttribute('x', (x + 3).toFixed(2));\n"
	"}\n"
	"\n"
	"function show(f, on) {\n"
	"  if (f.shown !== on)\n"
	"    f.g.style.display = on ? '' : 'none';\n"
	"  f.shown = on;\n"
	"}\n"
	"\n"
	"/*\n"
	" * The zoomed frame spans the full width and its subtree scales with it;\n"
	" * its ancestors span the width too, greyed; everything else is hidden.\n"
	" */\n"
	"function layout() {\n"
	"  var z = zoomed || root, k = avail / (z.w || 1), a, vis = [], fresh = [], check = [];\n"
	"  frames.forEach(function (f) { f.anc = false; });\n"
	"  for (a = z.parent; a; a = a.parent)\n"
	"    a.anc = true;\n"
	"  frames.forEach(function (f) {\n"
	"    var p = f.parent;\n"
	"    f.inside = f === z || (!!p && p.inside);\n"
	"    /* Under a hidden frame: hidden with it, nothing to write. */\n"
	"    if (p && p.hidden) {\n"
	"      f.hidden = true;\n"
	"      return;\n"
	"    }\n"
	"    f.px = f.inside ? f.w * k : avail;\n"
	"    f.hidden = !(f.inside ? f.px >= 0.1 : f.anc);\n"
	"    show(f, !f.hidden);\n"
	"    if (f.hidden)\n"
	"      return;\n"
	"    if (f.g.classList.contains('anc') !== f.anc)\n"
	"      f.g.classList.toggle('anc', f.anc);\n"
	"    place(f, f.inside ? xpad + (f.o - z.o) * k : xpad, f.px);\n"
	"    vis.push(f);\n"
	"    if (!f.measured && f.px >= 20)\n"
	"      fresh.push(f);\n"
	"  });\n"
	"  measure(fresh);\n"
	"  vis.forEach(function (f) {\n"
	"    if (fit(f, f.px))\n"
	"      check.push(f);\n"
	"  });\n"
	"  refit(check);\n"
	"}\n"
	"\n"
	"function zoom(f) {\n"
	"  zoomed = f && f !== root ? f : null;\n"
	"  unzoom.classList.toggle('off', !zoomed);\n"
	"  svg.setAttribute('data-zoom', zoomed ? zoomed.name : '');\n"
	"  layout();\n"
	"}\n"
	"\n"
	"/* A frame matches if it contains the term as text or matches it as a regex. */\n"
	"function search(term) {\n"
	"  var re = null, sum = 0;\n"
	"  if (term) {\n"
	"    try {\n"
	"      re = new RegExp(term);\n"
	"    } catch (err) {\n"
	"      re = null;\n"
	"    }\n"
	"  }\n"
	"  frames.forEach(function (f) {\n"
	"    var p = f.parent, m = !!term && f !== root &&\n"
	"      (f.name.indexOf(term) >= 0 || (!!re && re.test(f.name)));\n"
	"    f.g.classList.toggle('m', m);\n"
	"    /* Count only the outermost match, or nested matches count twice. */\n"
	"    if (m && !(p && p.m))\n"
	"      sum += f.w;\n"
	"    f.m = m || (!!p && p.m);\n"
	"  });\n"
	"  matched.textContent = term ? 'Matched: ' + percent(sum) + '%' : '';\n"
	"  svg.setAttribute('data-matched', term ? percent(sum) : '');\n"
	"}\n"
	"\n"
	"function frameOf(e) {\n"
	"  var g = e.target && e.target.closest ? e.target.closest('g.f') : null;\n"
	"  return g ? g.ipcFrame : null;\n"
	"}\n"
	"\n"
	"function hover(f) {\n"
	"  if (hovered)\n"
	"    hovered.g.classList.remove('h');\n"
	"  hovered = f;\n"
	"  if (f)\n"
	"    f.g.classList.add('h');\n"
	"  details.textContent = f ? describe(f) : ' ';\n"
	"}\n"
	"\n"
	"function listen() {\n"
	"  svg.addEventListener('mouseover', function (e) { hover(frameOf(e)); });\n"
	"  svg.addEventListener('mouseleave', function () { hover(null); });\n"
	"  svg.addEventListener('click', function (e) {\n"
	"    var f = frameOf(e);\n"
	"    if (f)\n"
	"      zoom(f);\n"
	"    else if (e.target === unzoom)\n"
	"      zoom(null);\n"
	"  });\n"
	"  input.addEventListener('input', function () { search(input.value); });\n"
	"  document.addEventListener('keydown', function (e) {\n"
	"    var find = e.key === 'f' && (e.ctrlKey || e.metaKey);\n"
	"    if (find || (e.key === '/' && document.activeElement !== input)) {\n"
	"      e.preventDefault();\n"
	"      input.focus();\n"
	"      input.select();\n"
	"    } else if (e.key === 'Escape') {\n"
	"      input.value = '';\n"
	"      search('');\n"
	"      zoom(null);\n"
	"      input.blur();\n"
	"    }\n"
	"  });\n"
	"}\n"
	"\n"
	"function byName(name) {\n"
	"  return frames.filter(function (f) { return f.name === name; })[0] || null;\n"
	"}\n"
	"\n"
	"/* \"file.svg#s=futex&z=worker\" opens with a search and a zoom applied. */\n"
	"function fromHash() {\n"
	"  var q = new URLSearchParams(location.hash.slice(1));\n"
	"  if (q.get('s')) {\n"
	"    input.value = q.get('s');\n"
	"    search(input.value);\n"
	"  }\n"
	"  if (q.get('z'))\n"
	"    zoom(byName(q.get('z')));\n"
	"}\n"
	"\n"
	"function init() {\n"
	"  var gs = svg.querySelectorAll('g.f'), i;\n"
	"  details = document.getElementById('details');\n"
	"  matched = document.getElementById('matched');\n"
	"  unzoom = document.getElementById('unzoom');\n"
	"  input = document.getElementById('search');\n"
	"  for (i = 0; i < gs.length; i++)\n"
	"    frames.push(new Frame(gs[i]));\n"
	"  root = frames[0];\n"
	"  layout();\n"
	"  listen();\n"
	"  fromHash();\n"
	"  window.ipcflame = {\n"
	"    zoom: function (name) { zoom(name ? byName(name) : null); },\n"
	"    search: function (term) { input.value = term || ''; search(input.value); },\n"
	"    frames: frames.length\n"
	"  };\n"
	"  svg.setAttribute('data-frames', String(frames.length));\n"
	"  svg.setAttribute('data-ready', '1');\n"
	"}\n"
	"\n"
	"try {\n"
	"  init();\n"
	"} catch (err) {\n"
	"  svg.setAttribute('data-ready', '0');\n"
	"  svg.setAttribute('data-error', String(err && err.message ? err.message : err));\n"
	"  throw err;\n"
	"}\n"
	"})();\n";

static int svg_layout(struct svg_ctx *c, const struct flame *f)
{
	int rows;

	c->width = c->opts->width ? c->opts->width : SVG_WIDTH;
	if (c->width < SVG_MIN_WIDTH || c->width > SVG_MAX_WIDTH)
		return -EINVAL;
	c->total = f->root->total;
	c->scale = c->total ? (double)(c->width - 2 * SVG_XPAD) / (double)c->total : 0.0;
	c->max_depth = svg_scan(c, f->root, 0);
	/* Title, subtitle, then a row of controls and the legend rows. */
	c->ctrl_y = (c->opts->subtitle ? 42 : 24) + 26;
	c->legend_y = c->ctrl_y + 22;
	rows = svg_legend(c, NULL);
	c->bottom = c->legend_y + (rows - 1) * SVG_FRAME_H + 10 + (c->max_depth + 2) * SVG_FRAME_H;
	c->height = c->bottom + 28;
	return 0;
}

static void svg_head(const struct svg_ctx *c)
{
	FILE *out = c->out;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" id=\"flame\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"data-total=\"%" PRIu64 "\" data-unit=\"",
		c->width, c->height, c->width, c->height, c->total);
	svg_puts(out, c->opts->unit, SIZE_MAX);
	fprintf(out, "\" data-xpad=\"%d\" data-avail=\"%d\" data-ready=\"0\">\n", SVG_XPAD,
		c->width - 2 * SVG_XPAD);
	fputs("<!-- ipctrace flame graph: hover a frame for details, click to zoom, "
	      "Ctrl-F or / to search, Esc to reset. -->\n", out);
	fprintf(out, "<style><![CDATA[\n%s]]></style>\n", svg_css);
	fputs("<defs><linearGradient id=\"bgg\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">"
	      "<stop offset=\"0\" stop-color=\"rgb(252,252,249)\"/>"
	      "<stop offset=\"1\" stop-color=\"rgb(234,234,226)\"/>"
	      "</linearGradient></defs>\n", out);
	fprintf(out, "<rect id=\"bg\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
		"fill=\"url(#bgg)\"/>\n", c->width, c->height);
	fprintf(out, "<text id=\"title\" x=\"%d\" y=\"24\">", c->width / 2);
	svg_puts(out, c->opts->title, SIZE_MAX);
	fputs("</text>\n", out);
	if (c->opts->subtitle) {
		fprintf(out, "<text id=\"subtitle\" x=\"%d\" y=\"42\">", c->width / 2);
		svg_puts(out, c->opts->subtitle, SIZE_MAX);
		fputs("</text>\n", out);
	}
}

static void svg_controls(const struct svg_ctx *c)
{
	int sw = (c->width - 2 * SVG_XPAD) / 2 - 60;

	if (sw > 280)
		sw = 280;
	fprintf(c->out, "<text id=\"unzoom\" class=\"ctl off\" x=\"%d\" y=\"%d\">"
		"Reset Zoom</text>\n", SVG_XPAD, c->ctrl_y);
	fprintf(c->out, "<foreignObject id=\"searchbox\" x=\"%d\" y=\"%d\" width=\"%d\" "
		"height=\"20\"><input xmlns=\"http://www.w3.org/1999/xhtml\" id=\"search\" "
		"type=\"search\" placeholder=\"Search: regex or text (Ctrl-F)\" "
		"autocomplete=\"off\" spellcheck=\"false\"/></foreignObject>\n",
		c->width - SVG_XPAD - sw, c->ctrl_y - 15, sw);
}

static void svg_foot(const struct svg_ctx *c)
{
	fprintf(c->out, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>"
		"<text id=\"matched\" x=\"%d\" y=\"%d\"></text>\n", SVG_XPAD, c->height - 10,
		c->width - SVG_XPAD, c->height - 10);
	/* Last, so every element exists when the script runs during parsing. */
	fprintf(c->out, "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n</svg>\n",
		svg_js);
}

int flame__write_svg(const struct flame *f, FILE *out, const struct flame_svg_opts *opts)
{
	struct flame_svg_opts o = {};
	struct svg_ctx c = { .out = out, .opts = &o };
	int err;

	if (!f || !out)
		return -EINVAL;
	if (opts)
		o = *opts;
	if (!o.title)
		o.title = "ipctrace: time blocked on IPC";
	if (o.subtitle && !*o.subtitle)
		o.subtitle = NULL;
	if (!o.unit)
		o.unit = "us";
	err = svg_layout(&c, f);
	if (err)
		return err;
	svg_head(&c);
	svg_controls(&c);
	svg_legend(&c, out);
	fputs("<g id=\"frames\">\n", out);
	svg_frame(&c, f->root, "all", -1, 0);
	fputs("</g>\n", out);
	svg_foot(&c);
	if (fflush(out) || ferror(out))
		return -EIO;
	return 0;
}
