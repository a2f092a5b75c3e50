// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Tests for flame: merging, folded output, and the SVG document.  The SVG is
 * checked with a small XML reader written here (tag balance, attribute
 * quoting, entity references) that also collects every frame <g> with its
 * data attributes and rectangle, so the geometry can be checked: widths
 * proportional to weights, children inside their parent, in name order.
 *
 * test_sample_svg writes a realistic graph to flame-sample.svg next to this
 * binary (or to $FLAME_SAMPLE_SVG) for tools/flame-browser-check.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/flame.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *argv0 = "test_flame";

/* ---- helpers ---- */

static void add(struct flame *f, const char *stack, uint64_t weight)
{
	const char *frames[64];
	char *copy = strdup(stack), *save = NULL, *tok;
	size_t n = 0;

	assert_non_null(copy);
	/* '|' separates frames here so that test frames may contain ';'. */
	for (tok = strtok_r(copy, "|", &save); tok; tok = strtok_r(NULL, "|", &save))
		frames[n++] = tok;
	assert_int_equal(flame__add(f, frames, n, weight), 0);
	free(copy);
}

static char *folded(const struct flame *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(flame__write_folded(f, out), 0);
	fclose(out);
	return buf;
}

static char *svg(const struct flame *f, const struct flame_svg_opts *opts)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(flame__write_svg(f, out, opts), 0);
	fclose(out);
	return buf;
}

/* ---- a minimal XML reader ---- */

struct xframe {
	char name[512];		/* data-name, entities decoded */
	char kind[16];
	uint64_t w, o;
	int d;
	bool all;
	bool has_rect;
	double x, width;
	int parent;		/* index in xdoc.frames, -1 for the root */
};

struct xdoc {
	struct xframe *frames;
	size_t nr_frames;
	int width, xpad, avail;
	uint64_t total;
	int nr_scripts;
	char err[256];
};

struct xelem {
	const char *name;
	size_t len;
	int frame;		/* index of the frame this <g> opened, or -1 */
};

#define XML_MAX_DEPTH 4096

static bool xfail(struct xdoc *doc, const char *p, const char *what)
{
	snprintf(doc->err, sizeof(doc->err), "%s at \"%.40s\"", what, p);
	return false;
}

static void put_utf8(char **o, char *end, unsigned long cp)
{
	unsigned char b[4];
	int n, i;

	if (cp < 0x80)
		b[0] = cp, n = 1;
	else if (cp < 0x800)
		b[0] = 0xc0 | cp >> 6, b[1] = 0x80 | (cp & 0x3f), n = 2;
	else if (cp < 0x10000)
		b[0] = 0xe0 | cp >> 12, b[1] = 0x80 | ((cp >> 6) & 0x3f),
		b[2] = 0x80 | (cp & 0x3f), n = 3;
	else
		b[0] = 0xf0 | cp >> 18, b[1] = 0x80 | ((cp >> 12) & 0x3f),
		b[2] = 0x80 | ((cp >> 6) & 0x3f), b[3] = 0x80 | (cp & 0x3f), n = 4;
	for (i = 0; i < n && *o < end; i++)
		*(*o)++ = (char)b[i];
}

/*
 * Length of the entity reference at p ("&amp;" ...), 0 if it is not one of
 * the five predefined entities or a valid character reference.  Decodes it
 * into *o when o is set.
 */
static size_t xentity(const char *p, char **o, char *end)
{
	static const char *const names[] = { "amp;&", "lt;<", "gt;>", "quot;\"", "apos;'" };
	unsigned long cp;
	char *stop;
	size_t i;

	for (i = 0; i < 5; i++) {
		size_t len = strlen(names[i]) - 1;

		if (!strncmp(p + 1, names[i], len)) {
			if (o && *o < end)
				*(*o)++ = names[i][len];
			return len + 1;
		}
	}
	if (p[1] != '#')
		return 0;
	if (p[2] == 'x' && isxdigit((unsigned char)p[3]))
		cp = strtoul(p + 3, &stop, 16);
	else if (isdigit((unsigned char)p[2]))
		cp = strtoul(p + 2, &stop, 10);
	else
		return 0;
	if (*stop != ';' || cp == 0 || cp > 0x10ffff)
		return 0;
	if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
		return 0;
	if (o)
		put_utf8(o, end, cp);
	return (size_t)(stop - p) + 1;
}

/* Character data up to the next '<': references valid, no "]]>". */
static bool xtext(struct xdoc *doc, const char **pp)
{
	const char *p = *pp;

	for (; *p && *p != '<'; p++) {
		if (*p == '&' && !xentity(p, NULL, NULL))
			return xfail(doc, p, "bad reference in text");
		if (!strncmp(p, "]]>", 3))
			return xfail(doc, p, "']]>' in text");
		if ((unsigned char)*p < 0x20 && !strchr("\t\n\r", *p))
			return xfail(doc, p, "control character in text");
	}
	*pp = p;
	return true;
}

static size_t xname(const char *p)
{
	size_t n = 0;

	if (!(p[0] >= 'a' && p[0] <= 'z') && !(p[0] >= 'A' && p[0] <= 'Z'))
		return 0;
	while (p[n] && (strchr(":_-.", p[n]) || (p[n] >= '0' && p[n] <= '9') ||
			(p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z')))
		n++;
	return n;
}

struct xattr {
	const char *name;
	size_t len;
	const char *val;	/* raw, up to the closing quote */
	size_t vlen;
};

/* Parse name="value" at *pp; the value is checked, not decoded. */
static bool xattr(struct xdoc *doc, const char **pp, struct xattr *a)
{
	const char *p = *pp;
	char q;

	a->name = p;
	a->len = xname(p);
	if (!a->len)
		return xfail(doc, p, "bad attribute name");
	p += a->len;
	if (*p++ != '=' || (*p != '"' && *p != '\''))
		return xfail(doc, p, "attribute without quoted value");
	q = *p++;
	a->val = p;
	for (; *p && *p != q; p++) {
		if (*p == '<')
			return xfail(doc, p, "'<' in attribute value");
		if (*p == '&' && !xentity(p, NULL, NULL))
			return xfail(doc, p, "bad reference in attribute");
	}
	if (!*p)
		return xfail(doc, a->val, "unterminated attribute value");
	a->vlen = (size_t)(p - a->val);
	*pp = p + 1;
	return true;
}

static void xdecode(const struct xattr *a, char *buf, size_t len)
{
	char *o = buf, *end = buf + len - 1;
	const char *p;

	for (p = a->val; p < a->val + a->vlen && o < end; p++) {
		if (*p == '&')
			p += xentity(p, &o, end) - 1;
		else
			*o++ = *p;
	}
	*o = '\0';
}

static bool xis(const struct xattr *a, const char *name)
{
	return a->len == strlen(name) && !strncmp(a->name, name, a->len);
}

static bool xhas_class(const char *val, size_t vlen, const char *cls)
{
	size_t n = strlen(cls), i;

	for (i = 0; i + n <= vlen; i++) {
		if (!strncmp(val + i, cls, n) && (i == 0 || val[i - 1] == ' ') &&
		    (i + n == vlen || val[i + n] == ' '))
			return true;
	}
	return false;
}

/* Record what the geometry checks need from one start tag. */
static void xrecord(struct xdoc *doc, struct xelem *e, struct xelem *parent,
		    const struct xattr *attrs, size_t n)
{
	char val[512];
	struct xframe *fr = NULL;
	size_t i;

	if (e->len == 1 && e->name[0] == 'g') {
		for (i = 0; i < n; i++) {
			if (xis(&attrs[i], "class") && xhas_class(attrs[i].val, attrs[i].vlen, "f"))
				break;
		}
		if (i == n)
			return;
		doc->frames = realloc(doc->frames, (doc->nr_frames + 1) * sizeof(*fr));
		assert_non_null(doc->frames);
		fr = &doc->frames[doc->nr_frames];
		memset(fr, 0, sizeof(*fr));
		fr->parent = parent ? parent->frame : -1;
		fr->all = xhas_class(attrs[i].val, attrs[i].vlen, "all");
		e->frame = (int)doc->nr_frames++;
	} else if (e->len == 4 && !strncmp(e->name, "rect", 4) && parent && parent->frame >= 0) {
		fr = &doc->frames[parent->frame];
		if (fr->has_rect)
			return;
		fr->has_rect = true;
	} else if (!(e->len == 3 && !strncmp(e->name, "svg", 3))) {
		if (e->len == 6 && !strncmp(e->name, "script", 6))
			doc->nr_scripts++;
		return;
	}
	for (i = 0; i < n; i++) {
		xdecode(&attrs[i], val, sizeof(val));
		if (e->frame >= 0 && xis(&attrs[i], "data-name"))
			strcpy(fr->name, val);
		else if (e->frame >= 0 && xis(&attrs[i], "data-k"))
			snprintf(fr->kind, sizeof(fr->kind), "%.15s", val);
		else if (e->frame >= 0 && xis(&attrs[i], "data-w"))
			fr->w = strtoull(val, NULL, 10);
		else if (e->frame >= 0 && xis(&attrs[i], "data-o"))
			fr->o = strtoull(val, NULL, 10);
		else if (e->frame >= 0 && xis(&attrs[i], "data-d"))
			fr->d = atoi(val);
		else if (!fr && xis(&attrs[i], "width"))
			doc->width = atoi(val);
		else if (!fr && xis(&attrs[i], "data-xpad"))
			doc->xpad = atoi(val);
		else if (!fr && xis(&attrs[i], "data-avail"))
			doc->avail = atoi(val);
		else if (!fr && xis(&attrs[i], "data-total"))
			doc->total = strtoull(val, NULL, 10);
		else if (fr && e->frame < 0 && xis(&attrs[i], "x"))
			fr->x = strtod(val, NULL);
		else if (fr && e->frame < 0 && xis(&attrs[i], "width"))
			fr->width = strtod(val, NULL);
	}
}

/* A start tag at *pp ('<' already seen): push it unless it closes itself. */
static bool xstart(struct xdoc *doc, const char **pp, struct xelem *stack, size_t *depth)
{
	struct xattr attrs[16];
	struct xelem e = { .frame = -1 };
	const char *p = *pp + 1;
	size_t n = 0;

	e.name = p;
	e.len = xname(p);
	if (!e.len)
		return xfail(doc, p, "bad element name");
	p += e.len;
	while (*p == ' ' || *p == '\n' || *p == '\t') {
		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (*p == '>' || *p == '/')
			break;
		if (n == 16 || !xattr(doc, &p, &attrs[n++]))
			return n == 16 ? xfail(doc, p, "too many attributes") : false;
	}
	if (*p != '>' && strncmp(p, "/>", 2))
		return xfail(doc, p, "bad start tag end");
	if (*depth == XML_MAX_DEPTH)
		return xfail(doc, p, "too deep");
	xrecord(doc, &e, *depth ? &stack[*depth - 1] : NULL, attrs, n);
	if (*p == '>')
		stack[(*depth)++] = e;
	*pp = p + (*p == '>' ? 1 : 2);
	return true;
}

static bool xend(struct xdoc *doc, const char **pp, struct xelem *stack, size_t *depth)
{
	const char *p = *pp + 2;
	size_t len = xname(p);

	if (!*depth)
		return xfail(doc, p, "end tag without start tag");
	if (len != stack[*depth - 1].len || strncmp(p, stack[*depth - 1].name, len))
		return xfail(doc, p, "mismatched end tag");
	if (p[len] != '>')
		return xfail(doc, p, "bad end tag");
	(*depth)--;
	*pp = p + len + 1;
	return true;
}

/* Skip "<?...?>", "<!--...-->" or "<![CDATA[...]]>" at *pp. */
static bool xskip(struct xdoc *doc, const char **pp, const char *open, const char *close)
{
	const char *end = strstr(*pp + strlen(open), close);

	if (!end)
		return xfail(doc, *pp, "unterminated markup");
	*pp = end + strlen(close);
	return true;
}

static bool xml_parse(struct xdoc *doc, const char *p)
{
	static struct xelem stack[XML_MAX_DEPTH];
	size_t depth = 0;
	int roots = 0;
	bool ok = true;

	if (strncmp(p, "<?xml ", 6))
		return xfail(doc, p, "no XML declaration");
	while (ok && *p) {
		if (!depth && !roots && !strncmp(p, "<?", 2))
			ok = xskip(doc, &p, "<?", "?>");
		else if (!strncmp(p, "<!--", 4))
			ok = xskip(doc, &p, "<!--", "-->");
		else if (!strncmp(p, "<![CDATA[", 9))
			ok = depth ? xskip(doc, &p, "<![CDATA[", "]]>") :
				xfail(doc, p, "stray CDATA");
		else if (!strncmp(p, "</", 2))
			ok = xend(doc, &p, stack, &depth);
		else if (*p == '<')
			ok = (depth || !roots++) ? xstart(doc, &p, stack, &depth) :
				xfail(doc, p, "second root element");
		else if (depth)
			ok = xtext(doc, &p);
		else if (strchr(" \n\t\r", *p))
			p++;
		else
			ok = xfail(doc, p, "text outside the root element");
	}
	if (ok && depth)
		return xfail(doc, p, "unclosed element");
	return ok && roots == 1 ? true : (ok ? xfail(doc, p, "no root element") : false);
}

static void xml_check(struct xdoc *doc, const char *text)
{
	memset(doc, 0, sizeof(*doc));
	if (!xml_parse(doc, text))
		fail_msg("SVG is not well-formed XML: %s", doc->err);
}

/* ---- geometry ---- */

#define EPS 1e-6

static void check_frame(const struct xdoc *doc, size_t i)
{
	const struct xframe *fr = &doc->frames[i];
	double want = (double)fr->w * doc->avail / (double)doc->total;
	double sum = 0, right = fr->x;
	const char *prev = NULL;
	size_t j;

	if (!fr->has_rect)
		fail_msg("frame %s has no rect", fr->name);
	/* Two roundings to 0.01 px: x and x + width. */
	if (fabs(fr->width - want) > 0.0101)
		fail_msg("frame %s: width %.2f, weight says %.4f", fr->name, fr->width, want);
	if (fr->width < 0.09)
		fail_msg("frame %s: %.2f px is below the 0.1 px cut", fr->name, fr->width);
	for (j = i + 1; j < doc->nr_frames; j++) {
		const struct xframe *kid = &doc->frames[j];

		if (kid->parent != (int)i)
			continue;
		sum += kid->width;
		if (kid->d != fr->d + 1)
			fail_msg("frame %s: depth %d under depth %d", kid->name, kid->d, fr->d);
		if (kid->x + EPS < right || kid->x + kid->width > fr->x + fr->width + EPS)
			fail_msg("frame %s sticks out of %s or overlaps a sibling", kid->name,
				 fr->name);
		if (kid->o < fr->o || kid->o + kid->w > fr->o + fr->w)
			fail_msg("frame %s: offset outside its parent", kid->name);
		if (prev && strcmp(prev, kid->name) >= 0)
			fail_msg("children of %s not in name order: %s, %s", fr->name, prev,
				 kid->name);
		prev = kid->name;
		right = kid->x + kid->width;
	}
	if (sum > fr->width + EPS)
		fail_msg("children of %s: %.2f px wider than it (%.2f)", fr->name, sum, fr->width);
}

static void check_geometry(const struct xdoc *doc)
{
	const struct xframe *root;
	size_t i;

	assert_true(doc->nr_frames > 0);
	root = &doc->frames[0];
	assert_true(root->all);
	assert_int_equal(root->parent, -1);
	assert_int_equal(root->d, -1);
	assert_int_equal(doc->avail, doc->width - 2 * doc->xpad);
	assert_true(fabs(root->x - doc->xpad) < EPS);
	assert_true(fabs(root->width - doc->avail) < EPS);
	assert_true(root->w == doc->total);
	for (i = 0; i < doc->nr_frames; i++) {
		if (i)
			assert_false(doc->frames[i].all);
		check_frame(doc, i);
	}
}

static const struct xframe *find_frame(const struct xdoc *doc, const char *name)
{
	size_t i;

	for (i = 0; i < doc->nr_frames; i++) {
		if (!strcmp(doc->frames[i].name, name))
			return &doc->frames[i];
	}
	return NULL;
}

/* ---- tests ---- */

/* The reader must reject what a real XML parser rejects, or it proves nothing. */
static void test_xml_checker(void **state)
{
	static const char *const bad[] = {
		"<svg></svg>",
		"<?xml version=\"1.0\"?><svg><g></svg>",
		"<?xml version=\"1.0\"?><svg a=\"<\"></svg>",
		"<?xml version=\"1.0\"?><svg>a & b</svg>",
		"<?xml version=\"1.0\"?><svg a=b></svg>",
		"<?xml version=\"1.0\"?><svg></svg><svg></svg>",
		"<?xml version=\"1.0\"?><svg>",
		"<?xml version=\"1.0\"?><svg>&#1;</svg>",
		"<?xml version=\"1.0\"?><svg>a ]]> b</svg>",
		"<?xml version=\"1.0\"?><svg><![CDATA[ x </svg>",
	};
	struct xdoc doc;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&doc, 0, sizeof(doc));
		if (xml_parse(&doc, bad[i]))
			fail_msg("accepted %s", bad[i]);
		free(doc.frames);
	}
	memset(&doc, 0, sizeof(doc));
	assert_true(xml_parse(&doc, "<?xml version=\"1.0\"?>\n<svg a=\"&amp;&#x41;&#9;\">"
		"<![CDATA[<&]]><!-- c --><x/>t&lt;<g class=\"f\" data-name=\"&lt;&#x263a;\">"
		"<rect x=\"1\" width=\"2.5\"/></g></svg>\n"));
	assert_int_equal(doc.nr_frames, 1);
	assert_string_equal(doc.frames[0].name, "<\xe2\x98\xba");
	assert_true(doc.frames[0].width == 2.5);
	free(doc.frames);
}

static void test_merge(void **state)
{
	struct flame *f = flame__new();

	assert_non_null(f);
	add(f, "app|main|read|pipe:[1]", 10);
	add(f, "app|main|read|pipe:[1]", 5);
	assert_int_equal(flame__nr_stacks(f), 1);
	assert_true(flame__total(f) == 15);
	add(f, "app|main|read", 1);	/* a prefix is a stack of its own */
	add(f, "app|main|lock|futex:0x10", 4);
	add(f, "db|main|read|pipe:[1]", 2);	/* same frames, other root */
	assert_int_equal(flame__nr_stacks(f), 4);
	assert_true(flame__total(f) == 22);
	flame__free(f);
}

static void test_folded_exact(void **state)
{
	struct flame *f = flame__new();
	char *text;

	assert_non_null(f);
	add(f, "web server|handle;req|futex:0x10", 30);
	add(f, "web server|handle;req|futex:0x10", 12);
	add(f, "web server|tab\there|pipe:[7]", 5);
	add(f, "web server|handle;req", 3);
	add(f, "db|main|unix:[1]->[2]", 7);
	add(f, "db|main\nx|sem:1", 1);
	text = folded(f);
	assert_string_equal(text,
		"db;main;unix:[1]->[2] 7\n"
		"db;main_x;sem:1 1\n"
		"web_server;handle:req 3\n"
		"web_server;handle:req;futex:0x10 42\n"
		"web_server;tab_here;pipe:[7] 5\n");
	free(text);
	flame__free(f);
}

/* "a b" and "a_b" are distinct frames but one folded stack: one line. */
static void test_folded_merges_escaped(void **state)
{
	struct flame *f = flame__new();
	char *text;

	assert_non_null(f);
	add(f, "p|a b", 1);
	add(f, "p|a_b", 2);
	add(f, "p|a!", 4);	/* '!' sorts before ';' and '_' bytewise */
	assert_int_equal(flame__nr_stacks(f), 3);
	text = folded(f);
	assert_string_equal(text, "p;a! 4\np;a_b 3\n");
	free(text);
	flame__free(f);
}

static void test_escape_frame(void **state)
{
	char buf[8];

	assert_int_equal(flame__escape_frame(buf, sizeof(buf), "a;b c\t"), 6);
	assert_string_equal(buf, "a:b_c_");
	assert_int_equal(flame__escape_frame(buf, sizeof(buf), "abcdefghij"), 10);
	assert_string_equal(buf, "abcdefg");	/* truncated like snprintf */
	assert_int_equal(flame__escape_frame(buf, 0, "abc"), 3);
	assert_int_equal(flame__escape_frame(buf, sizeof(buf), "\r\n\v\f"), 4);
	assert_string_equal(buf, "____");
}

static void test_add_errors(void **state)
{
	const char *frames[] = { "p", "x" };
	const char *bad[] = { "p", NULL };
	static const char *deep[2000];
	struct flame *f = flame__new();
	size_t i;

	assert_non_null(f);
	assert_int_equal(flame__add(f, frames, 0, 1), -EINVAL);
	assert_int_equal(flame__add(f, NULL, 1, 1), -EINVAL);
	assert_int_equal(flame__add(NULL, frames, 1, 1), -EINVAL);
	assert_int_equal(flame__add(f, bad, 2, 1), -EINVAL);
	for (i = 0; i < 2000; i++)
		deep[i] = "d";
	assert_int_equal(flame__add(f, deep, 2000, 1), -E2BIG);
	assert_int_equal(flame__add(f, frames, 2, 0), 0);	/* nothing to add */
	assert_int_equal(flame__nr_stacks(f), 0);
	assert_int_equal(flame__add(f, frames, 2, UINT64_MAX - 1), 0);
	assert_int_equal(flame__add(f, frames, 1, 2), -EOVERFLOW);
	assert_true(flame__total(f) == UINT64_MAX - 1);
	assert_int_equal(flame__nr_stacks(f), 1);
	assert_true(flame__total(NULL) == 0);
	flame__free(f);
	flame__free(NULL);
}

static void test_total(void **state)
{
	struct flame *f = flame__new();
	char *text;

	assert_non_null(f);
	assert_true(flame__total(f) == 0);
	text = folded(f);
	assert_string_equal(text, "");
	free(text);
	add(f, "a|b", 3);
	add(f, "a", 4);
	add(f, "c|d|e", 5);
	assert_true(flame__total(f) == 12);
	flame__free(f);
}

static void test_svg_geometry(void **state)
{
	struct flame_svg_opts opts = { .title = "t", .subtitle = "s", .width = 1000 };
	struct flame *f = flame__new();
	const struct xframe *fr;
	struct xdoc doc;
	char *text;

	assert_non_null(f);
	add(f, "app|main|worker|futex:0x10", 300);
	add(f, "app|main|worker|pipe:[3]", 120);
	add(f, "app|main", 33);
	add(f, "app|main|logger|unix:[1]->[2]", 77);
	add(f, "db|main|flush|mq:/jobs", 250);
	add(f, "db|main|flush|futex:0x20", 3);
	add(f, "cron|sleep|signal:SIGALRM", 1);
	text = svg(f, &opts);
	xml_check(&doc, text);
	assert_int_equal(doc.width, 1000);
	assert_true(doc.total == 784);
	assert_int_equal(doc.nr_frames, 1 + 15);
	assert_int_equal(doc.nr_scripts, 1);
	check_geometry(&doc);
	fr = find_frame(&doc, "futex:0x10");
	assert_non_null(fr);
	assert_string_equal(fr->kind, "futex");
	assert_string_equal(find_frame(&doc, "app")->kind, "proc");
	assert_string_equal(find_frame(&doc, "worker")->kind, "code");
	assert_string_equal(find_frame(&doc, "unix:[1]->[2]")->kind, "unix");
	assert_string_equal(find_frame(&doc, "signal:SIGALRM")->kind, "signal");
	assert_non_null(strstr(text, "<title>futex:0x10 (300 us, 38.27%)</title>"));
	assert_non_null(strstr(text, "data-ready=\"0\""));
	/* The legend explains the kinds drawn, and only those. */
	assert_non_null(strstr(text, "<g class=\"key\" data-k=\"proc\">"));
	assert_non_null(strstr(text, "<g class=\"key\" data-k=\"code\">"));
	assert_non_null(strstr(text, "<g class=\"key\" data-k=\"futex\">"));
	assert_non_null(strstr(text, "<g class=\"key\" data-k=\"mq\">"));
	assert_null(strstr(text, "<g class=\"key\" data-k=\"fifo\">"));
	assert_null(strstr(text, "<g class=\"key\" data-k=\"other\">"));
	free(doc.frames);
	free(text);
	flame__free(f);
}

/* Frames below 0.1 px are left out, but their weight stays in their parent. */
static void test_svg_tiny_frames(void **state)
{
	struct flame *f = flame__new();
	struct xdoc doc;
	char *text;

	assert_non_null(f);
	add(f, "p|big|futex:1", 1000000);
	add(f, "p|small|futex:2", 50);	/* 1180 px * 50 / 1e6 = 0.059 px */
	text = svg(f, NULL);
	xml_check(&doc, text);
	check_geometry(&doc);
	assert_null(find_frame(&doc, "small"));
	assert_null(find_frame(&doc, "futex:2"));
	assert_true(find_frame(&doc, "p")->w == 1000050);
	assert_non_null(strstr(text, "ipctrace: time blocked on IPC"));
	free(doc.frames);
	free(text);
	flame__free(f);
}

static void test_svg_escaping(void **state)
{
	const char *nasty[] = { "p<\"&'>", "]]><script>alert(1)</script>", "tab\tnl\ncr\r",
				"ctl\x01\x7f", "bad\xff\xc3utf8", "caf\xc3\xa9 \xe2\x86\x92 ok" };
	struct flame_svg_opts opts = { .title = "<&>", .subtitle = "a\"b", .unit = "n<s" };
	struct flame *f = flame__new();
	struct xdoc doc;
	char *text;

	assert_non_null(f);
	assert_int_equal(flame__add(f, nasty, 6, 10), 0);
	text = svg(f, &opts);
	xml_check(&doc, text);
	check_geometry(&doc);
	assert_non_null(find_frame(&doc, "p<\"&'>"));
	assert_non_null(find_frame(&doc, "]]><script>alert(1)</script>"));
	assert_non_null(find_frame(&doc, "tab\tnl\ncr\r"));
	assert_non_null(find_frame(&doc, "ctl\xef\xbf\xbd\x7f"));
	assert_non_null(find_frame(&doc, "bad\xef\xbf\xbd\xef\xbf\xbdutf8"));
	assert_non_null(find_frame(&doc, "caf\xc3\xa9 \xe2\x86\x92 ok"));
	assert_non_null(strstr(text, "data-unit=\"n&lt;s\""));
	assert_non_null(strstr(text, ">&lt;&amp;&gt;</text>"));
	/* Only the style and script sections end a CDATA section. */
	assert_non_null(strstr(strstr(strstr(text, "]]>") + 3, "]]>") + 3, "</svg>"));
	assert_null(strstr(strstr(strstr(text, "]]>") + 3, "]]>") + 3, "]]>"));
	free(doc.frames);
	free(text);
	flame__free(f);
}

static void test_svg_empty_and_errors(void **state)
{
	struct flame_svg_opts opts = { .width = 50 };
	struct flame *f = flame__new();
	struct xdoc doc;
	char *text;
	FILE *null;

	assert_non_null(f);
	text = svg(f, NULL);
	xml_check(&doc, text);
	assert_int_equal(doc.nr_frames, 1);
	assert_true(doc.frames[0].all && doc.frames[0].w == 0);
	free(doc.frames);
	free(text);
	null = fopen("/dev/null", "w");
	assert_non_null(null);
	assert_int_equal(flame__write_svg(f, null, &opts), -EINVAL);
	opts.width = -1;
	assert_int_equal(flame__write_svg(f, null, &opts), -EINVAL);
	assert_int_equal(flame__write_svg(NULL, null, NULL), -EINVAL);
	assert_int_equal(flame__write_folded(NULL, null), -EINVAL);
	fclose(null);
	flame__free(f);
}

/* ---- the sample graph for the browser check ---- */

#define SAMPLE_BRANCH 8
#define SAMPLE_STACKS 40

static uint32_t rnd_state = 12345;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

struct sample_proc {
	const char *name;
	const char *thread;
	const char *const *fns;
	size_t nr_fns;
	const char *const *objs;
	size_t nr_objs;
};

static const char *const web_fns[] = {
	"event_loop", "dispatch", "handle_request", "middleware_chain", "auth_check",
	"session_get", "cache_lookup", "route", "controller_run", "db_query", "pool_checkout",
	"pthread_mutex_lock", "__lll_lock_wait", "send_query", "__libc_send", "recv_reply",
	"__libc_recv", "render_template", "write_response", "__libc_write", "pthread_cond_wait",
};
static const char *const web_objs[] = {
	"futex:0x7f12a4c0", "futex:0x7f12a500", "pipe:[81234]", "unix:[4411]->[4412]",
	"tcp:127.0.0.1:5432->127.0.0.1:40312", "futex:[8:1/5513]+0x40",
};
static const char *const db_fns[] = {
	"PostmasterMain", "ServerLoop", "BackendStartup", "PostgresMain", "exec_simple_query",
	"PortalRun", "ExecutorRun", "ExecScan", "index_getnext", "btree_search", "ReadBuffer",
	"BufferAlloc", "LWLockAcquire", "PGSemaphoreLock", "WaitEventSetWait", "epoll_wait",
	"XLogInsert", "XLogFlush", "issue_xlog_fsync", "pq_getmessage", "secure_read",
};
static const char *const db_objs[] = {
	"unix:[4412]->[4411]", "futex:0x55e0a0c0", "sem:32769", "pipe:[90001]",
	"lock:buffer_mapping", "mq:/jobs",
};
static const char *const log_fns[] = {
	"main", "run_pipeline", "input_loop", "read_batch", "decode_lines", "parse_json",
	"enqueue", "ring_push", "wait_for_space", "output_loop", "compress_batch", "deflate",
	"flush_batch", "send_batch", "sendto", "rotate_files", "sigwaitinfo",
};
static const char *const log_objs[] = {
	"pipe:[81234]", "fifo:[8:1/7777]", "signal:SIGHUP", "udp:127.0.0.1:514", "futex:0x4010a0",
};

static const struct sample_proc sample_procs[] = {
	{ "web-server [4242]", "worker", web_fns, ARRAY_SIZE(web_fns), web_objs,
	  ARRAY_SIZE(web_objs) },
	{ "db [4300]", "postgres: backend", db_fns, ARRAY_SIZE(db_fns), db_objs,
	  ARRAY_SIZE(db_objs) },
	{ "log-shipper [4400]", "shipper", log_fns, ARRAY_SIZE(log_fns), log_objs,
	  ARRAY_SIZE(log_objs) },
};

/*
 * Walks down each process's list of functions, outermost first, now and
 * then skipping one: stacks share long prefixes and branch like real code.
 */
static void sample_stack(struct flame *f, const struct sample_proc *p)
{
	const char *frames[48];
	size_t n = 0, depth = 3 + rnd(18), fn = rnd(2), i;

	frames[n++] = p->name;
	frames[n++] = "clone3";
	frames[n++] = "start_thread";
	frames[n++] = p->thread;
	for (i = 0; i < depth && fn < p->nr_fns; i++) {
		frames[n++] = p->fns[fn];
		fn += 1 + (rnd(SAMPLE_BRANCH) == 0);
	}
	frames[n++] = p->objs[(fn + (rnd(4) == 0)) % p->nr_objs];
	assert_int_equal(flame__add(f, frames, n, 20 + rnd(4000) * (1 + rnd(4))), 0);
}

static void test_sample_svg(void **state)
{
	struct flame_svg_opts opts = {
		.subtitle = "synthetic sample: 3 processes, futex/pipe/unix and other objects",
	};
	struct flame *f = flame__new();
	const char *env = getenv("FLAME_SAMPLE_SVG");
	char path[4096], dir[4096];
	struct xdoc doc;
	size_t i, j;
	char *text;
	FILE *out;

	assert_non_null(f);
	for (i = 0; i < ARRAY_SIZE(sample_procs); i++) {
		for (j = 0; j < SAMPLE_STACKS; j++)
			sample_stack(f, &sample_procs[i]);
	}
	text = svg(f, &opts);
	xml_check(&doc, text);
	check_geometry(&doc);
	assert_true(doc.nr_frames > 200);
	snprintf(dir, sizeof(dir), "%s", argv0);
	snprintf(path, sizeof(path), "%s/flame-sample.svg", dirname(dir));
	out = fopen(env && *env ? env : path, "w");
	assert_non_null(out);
	assert_int_equal(fputs(text, out) >= 0, 1);
	assert_int_equal(fclose(out), 0);
	print_message("wrote %s: %zu frames, %zu stacks\n", env && *env ? env : path,
		      doc.nr_frames, flame__nr_stacks(f));
	free(doc.frames);
	free(text);
	flame__free(f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_checker),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_folded_exact),
		cmocka_unit_test(test_folded_merges_escaped),
		cmocka_unit_test(test_escape_frame),
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_total),
		cmocka_unit_test(test_svg_geometry),
		cmocka_unit_test(test_svg_tiny_frames),
		cmocka_unit_test(test_svg_escaping),
		cmocka_unit_test(test_svg_empty_and_errors),
		cmocka_unit_test(test_sample_svg),
	};

	if (argc > 0)
		argv0 = argv[0];
	return cmocka_run_group_tests_name("flame", tests, NULL, NULL);
}
