// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The flame tree as a self-contained interactive SVG: frames laid out by
 * weight, coloured by kind, with the script of flame.js for hover, zoom and
 * search (see flame.h for the document it writes).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/flame.h"
#include "analysis/flame_int.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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

/* Hover, zoom and search (src/output/flame.js, embedded by the build). */
#include "flame_js.h"

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
