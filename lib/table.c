/* Table writers: TSV, CSV (RFC 4180), JSON Lines, VOTable (TABLEDATA).
 *
 * The writers sit in the inner loop of every program (millions of cells
 * per second), so cells are written straight into the outbuf: no per-cell
 * allocation, and escaping scans for the next special byte with a
 * 256-entry class table and copies the clean runs in one go. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "table.h"

/* Byte classes, one table per output syntax: 0 means "copy as is". */
static const unsigned char tsv_special[256] = {
	['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r', ['\\'] = '\\',
};

/* CSV: bytes that force quoting (leading/trailing space checked apart). */
static const unsigned char csv_special[256] = {
	[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1,
};

/* JSON strings: quote, backslash and every control character. */
#define CTL8(b) [b] = 1, [b + 1] = 1, [b + 2] = 1, [b + 3] = 1, \
	[b + 4] = 1, [b + 5] = 1, [b + 6] = 1, [b + 7] = 1
static const unsigned char json_special[256] = {
	CTL8(0), CTL8(8), CTL8(16), CTL8(24), ['"'] = 1, ['\\'] = 1,
};

/* XML: markup characters, the control characters (those but TAB, LF
 * and CR are not allowed in XML 1.0 at all), and every non-ASCII byte (to
 * be checked as UTF-8). */
#define HI16(b) CTL8(b), CTL8(b + 8)
static const unsigned char xml_special[256] = {
	CTL8(0), CTL8(8), CTL8(16), CTL8(24),
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1,
	HI16(0x80), HI16(0x90), HI16(0xa0), HI16(0xb0),
	HI16(0xc0), HI16(0xd0), HI16(0xe0), HI16(0xf0),
};

struct tw {
	enum tw_format f;
	struct outbuf *ob;
	const char *null_str;
	size_t null_len;
	bool meta, no_header;

	const struct vot_table *t;
	size_t *cols;
	size_t ncols;
	/* TSV: per output column, whether its cells can hold bytes that need
	 * escaping (only text can: numbers never hold tabs or newlines) */
	bool *text;
	/* TSV: columns whose cells always go into a run as they are */
	bool *plain;
	/* JSON: the keys, escaped once: `{"a": ` then `, "b": ` ... */
	char *keys;
	size_t *keyoff;		/* ncols + 1 offsets into keys */
	/* VOTable: INFOs already written, to copy only the later ones. */
	size_t res_infos, doc_infos;
	/* VOTable: what is being written, for the message of a value that
	 * is not UTF-8 or not allowed in XML: a row's column, or metadata */
	unsigned long rows;	/* rows begun */
	size_t col;		/* output column of the cell being written */
	bool in_row;
	char where[96];		/* the metadata being written */
	char err[256];		/* the first such value, "" if none */
};

int
tw_format_parse(const char *s, enum tw_format *f)
{
	static const struct {
		const char *name;
		enum tw_format f;
	} names[] = {
		{"tsv", TW_TSV}, {"csv", TW_CSV}, {"json", TW_JSON},
		{"jsonl", TW_JSON}, {"votable", TW_VOTABLE}, {"vot", TW_VOTABLE},
		{"xml", TW_VOTABLE},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i].name) == 0) {
			*f = names[i].f;
			return 0;
		}
	return -1;
}

struct tw *
tw_new(enum tw_format f, struct outbuf *ob, const struct tw_opts *o)
{
	struct tw *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->f = f;
	w->ob = ob;
	w->null_str = o && o->null_str ? o->null_str : "";
	w->null_len = strlen(w->null_str);
	w->meta = o && o->meta;
	w->no_header = o && o->no_header;
	return w;
}

void
tw_free(struct tw *w)
{
	if (!w)
		return;
	free(w->cols);
	free(w->text);
	free(w->plain);
	free(w->keys);
	free(w->keyoff);
	free(w);
}

/* ---- escaping ---------------------------------------------------------- */

void
tsv_put_escaped(struct outbuf *ob, const char *s, size_t len)
{
	const char *end = s + len;
	while (s < end) {
		const char *p = s;
		while (p < end && !tsv_special[(unsigned char)*p])
			p++;
		ob_write(ob, s, (size_t)(p - s));
		if (p == end)
			break;
		char esc[2] = {'\\', (char)tsv_special[(unsigned char)*p]};
		ob_write(ob, esc, 2);
		s = p + 1;
	}
}

void
tsv_put_row(struct outbuf *ob, const char *const *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_putc(ob, '\t');
		if (f[i])
			tsv_put_escaped(ob, f[i], strlen(f[i]));
	}
	ob_putc(ob, '\n');
}

int
tsv_row_sink(void *ctx, const char *const *f, size_t n)
{
	struct outbuf *ob = ctx;
	tsv_put_row(ob, f, n);
	return ob->err ? -1 : 0;
}

static void
csv_put(struct outbuf *ob, const char *s, size_t len)
{
	bool quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
	for (size_t i = 0; !quote && i < len; i++)
		quote = csv_special[(unsigned char)s[i]];
	if (!quote) {
		ob_write(ob, s, len);
		return;
	}
	ob_putc(ob, '"');
	const char *end = s + len, *q;
	while ((q = memchr(s, '"', (size_t)(end - s))) != NULL) {
		ob_write(ob, s, (size_t)(q - s) + 1);
		ob_putc(ob, '"');
		s = q + 1;
	}
	ob_write(ob, s, (size_t)(end - s));
	ob_putc(ob, '"');
}

static void
json_put_string(struct outbuf *ob, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const char *end = s + len;
	ob_putc(ob, '"');
	while (s < end) {
		const char *p = s;
		while (p < end && !json_special[(unsigned char)*p])
			p++;
		ob_write(ob, s, (size_t)(p - s));
		if (p == end)
			break;
		unsigned char c = (unsigned char)*p;
		switch (c) {
		case '"': ob_write(ob, "\\\"", 2); break;
		case '\\': ob_write(ob, "\\\\", 2); break;
		case '\n': ob_write(ob, "\\n", 2); break;
		case '\t': ob_write(ob, "\\t", 2); break;
		case '\r': ob_write(ob, "\\r", 2); break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			ob_write(ob, u, 6);
		}
		}
		s = p + 1;
	}
	ob_putc(ob, '"');
}

/* The length of the UTF-8 sequence at s (at most n bytes) if it is one
 * character XML 1.0 allows (not a surrogate, U+FFFE or U+FFFF), else 0. */
static size_t
utf8_xml_char(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf;	/* bounds of the second byte */

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* no overlong forms */
		else if (c == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;	/* nothing beyond U+10FFFF */
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	if (c == 0xef && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf))
		return 0;	/* U+FFFE, U+FFFF */
	return len;
}

/* Say which metadata element is being written, for xml_refuse. */
/* name for a message: at most max bytes, what is not printable ASCII or
 * a character XML allows as '?'. */
static void
printable(char *out, size_t outlen, const char *name, size_t max)
{
	size_t o = 0;
	for (const char *p = name; *p && o + 5 < outlen && o < max; ) {
		unsigned char c = (unsigned char)*p;
		size_t n = c >= 0x80 ? utf8_xml_char((const unsigned char *)p, strlen(p)) : 1;
		if (n == 0 || c < 0x20 || c == 0x7f) {
			out[o++] = '?';
			p++;
		} else {
			memcpy(out + o, p, n);
			o += n;
			p += n;
		}
	}
	out[o] = '\0';
}

/* Say which metadata element is being written, for xml_refuse. */
static void
xml_where(struct tw *w, const char *elem, const char *name)
{
	char n[72];
	printable(n, sizeof n, name ? name : "", 60);
	snprintf(w->where, sizeof w->where, "%s%s%s%s", elem, name ? " '" : "", n,
	    name ? "'" : "");
}

/* Note the first value XML cannot hold (what says why), with where it is. */
static void
xml_refuse(struct tw *w, const char *what)
{
	if (w->err[0])
		return;
	if (w->in_row) {
		const char *name = w->t->fields[w->cols[w->col]].name;
		char n[96];
		printable(n, sizeof n, name ? name : "", 80);
		snprintf(w->err, sizeof w->err, "row %lu, column '%s': %s", w->rows, n, what);
	} else {
		snprintf(w->err, sizeof w->err, "%s: %s", w->where[0] ? w->where :
		    "the table's metadata", what);
	}
}

/* Text as XML character data or attribute value.  A byte that is not
 * part of valid UTF-8, or a character XML 1.0 does not allow (a control
 * character but TAB, LF and CR), is written as U+FFFD, so the document
 * stays well-formed, and refused: tw_error() tells. */
static void
xml_put(struct tw *w, const char *s, size_t len)
{
	struct outbuf *ob = w->ob;
	const char *end = s + len;
	while (s < end) {
		const char *p = s;
		while (p < end) {
			unsigned char c = (unsigned char)*p;
			size_t n;
			if (!xml_special[c])
				p++;
			else if (c >= 0x80 && (n = utf8_xml_char((const unsigned char *)p,
			    (size_t)(end - p))) > 0)
				p += n;
			else
				break;
		}
		ob_write(ob, s, (size_t)(p - s));
		if (p == end)
			break;
		unsigned char c = (unsigned char)*p;
		char why[96];
		if (c >= 0x80)
			snprintf(why, sizeof why, "not valid UTF-8 (byte 0x%02X)", c);
		else
			snprintf(why, sizeof why, "control character U+%04X, which XML 1.0 "
			    "does not allow", c);
		switch (*p) {
		case '&': ob_write(ob, "&amp;", 5); break;
		case '<': ob_write(ob, "&lt;", 4); break;
		case '>': ob_write(ob, "&gt;", 4); break;
		case '"': ob_write(ob, "&quot;", 6); break;
		/* As character references, so XML parsers do not normalise
		 * them away (line ends, attribute whitespace). */
		case '\t': ob_write(ob, "&#9;", 4); break;
		case '\n': ob_write(ob, "&#10;", 5); break;
		case '\r': ob_write(ob, "&#13;", 5); break;
		default:
			xml_refuse(w, why);
			ob_write(ob, "\xef\xbf\xbd", 3);	/* U+FFFD */
		}
		s = p + 1;
	}
}

static void
xml_puts(struct tw *w, const char *s)
{
	xml_put(w, s, strlen(s));
}

/* ---- JSON values ------------------------------------------------------- */

/* The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
is_json_number(const char *s, size_t len, bool *integer)
{
	const char *p = s, *end = s + len;
	*integer = true;
	if (p < end && *p == '-')
		p++;
	if (p == end || *p < '0' || *p > '9')
		return false;
	if (*p == '0')
		p++;
	else
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	if (p < end && *p == '.') {
		*integer = false;
		const char *d = ++p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return false;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*integer = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		const char *d = p;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		if (p == d)
			return false;
	}
	return p == end;
}

/* Integers JSON does not allow as they are: "+5", "007", "0x1F".  Hex is a
 * bit pattern of the column's width (VOTable), so 0xFFFF in a short is -1.
 * Returns false if s is not an integer at all. */
static bool
json_fix_integer(struct outbuf *ob, enum vot_type type, const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	bool neg = false;
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	bool hex = end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
	if (hex)
		p += 2;
	if (p == end)
		return false;
	for (const char *q = p; q < end; q++)
		if (!(hex ? isxdigit((unsigned char)*q) : isdigit((unsigned char)*q)))
			return false;
	errno = 0;
	uint64_t u = strtoull(p, NULL, hex ? 16 : 10);
	if (errno)
		return false;
	int64_t v;
	if (hex) {
		int bits = type == VOT_SHORT ? 16 : type == VOT_INT ? 32 : 64;
		if (type == VOT_UBYTE || type == VOT_BIT) {
			v = (int64_t)(u & 0xff);
		} else if (bits < 64) {
			u &= (UINT64_C(1) << bits) - 1;
			v = u >= UINT64_C(1) << (bits - 1) ?
			    (int64_t)u - (INT64_C(1) << bits) : (int64_t)u;
		} else {
			v = u > INT64_MAX ? -(int64_t)~u - 1 : (int64_t)u;
		}
		if (neg)
			v = -v;
	} else if (!neg) {
		char buf[NUMFMT_MAX];
		ob_write(ob, buf, (size_t)fmt_u64(u, buf));
		return true;
	} else if (u == 0) {
		v = 0;
	} else if (u - 1 <= (uint64_t)INT64_MAX) {
		v = -(int64_t)(u - 1) - 1;
	} else {
		return false;
	}
	char buf[NUMFMT_MAX];
	ob_write(ob, buf, (size_t)fmt_i64(v, buf));
	return true;
}

/* A number as TABLEDATA text, s[len] being a NUL or a separator: valid
 * JSON numbers pass as they are, the other forms ("+1", ".5", "1.",
 * "0x1F") are normalised; NaN becomes null, infinities 1e999. */
static void
json_number(struct outbuf *ob, enum vot_type type, const char *s, size_t len)
{
	bool integer;
	if (is_json_number(s, len, &integer)) {
		ob_write(ob, s, len);
		return;
	}
	if (type != VOT_FLOAT && type != VOT_DOUBLE &&
	    type != VOT_FCOMPLEX && type != VOT_DCOMPLEX &&
	    json_fix_integer(ob, type, s, len))
		return;
	char *e;
	double d = strtod(s, &e);
	if (len == 0 || e != s + len || isspace((unsigned char)*s) || isnan(d))
		ob_write(ob, "null", 4);
	else if (isinf(d))
		ob_puts(ob, d > 0 ? "1e999" : "-1e999");
	else {
		char buf[NUMFMT_MAX];
		ob_write(ob, buf, (size_t)fmt_double(d, buf));
	}
}

/* One scalar value or array element: a number, boolean or bit. */
static void
json_scalar(struct outbuf *ob, const struct vot_field *f, const char *s, size_t len)
{
	if (f->values.null && strlen(f->values.null) == len &&
	    memcmp(f->values.null, s, len) == 0) {
		ob_write(ob, "null", 4);
		return;
	}
	switch (f->type) {
	case VOT_BOOLEAN:
		if (len > 0 && (*s == 'T' || *s == 't' || *s == '1'))
			ob_write(ob, "true", 4);
		else if (len > 0 && (*s == 'F' || *s == 'f' || *s == '0'))
			ob_write(ob, "false", 5);
		else
			ob_write(ob, "null", 4);
		break;
	case VOT_BIT:
		ob_putc(ob, len == 1 && *s == '1' ? '1' : '0');
		break;
	default:
		json_number(ob, f->type, s, len);
	}
}

static bool
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* An array cell: whitespace-separated elements, in pairs for complex. */
static void
json_array(struct outbuf *ob, const struct vot_field *f, const char *s)
{
	bool complex = f->type == VOT_FCOMPLEX || f->type == VOT_DCOMPLEX;
	bool nested = complex && f->nelem != 1;
	size_t n = 0;

	ob_putc(ob, '[');
	for (;;) {
		while (is_sep(*s))
			s++;
		if (*s == '\0')
			break;
		const char *start = s;
		while (*s && !is_sep(*s))
			s++;
		size_t len = (size_t)(s - start);
		/* Bit arrays are also written without separators: "0110". */
		size_t nsub = f->type == VOT_BIT ? len : 1;
		for (size_t k = 0; k < nsub; k++, n++) {
			bool pair = nested && n % 2 == 0;
			if (n > 0)
				ob_write(ob, pair ? "], " : ", ", pair ? 3 : 2);
			if (pair)
				ob_putc(ob, '[');
			if (f->type == VOT_BIT)
				ob_putc(ob, start[k] == '1' ? '1' : '0');
			else
				json_scalar(ob, f, start, len);
		}
	}
	if (nested && n > 0)
		ob_putc(ob, ']');
	ob_putc(ob, ']');
}

static void
json_cell(struct outbuf *ob, const struct vot_field *f, const struct vot_cell *c)
{
	if (c->null) {
		ob_write(ob, "null", 4);
		return;
	}
	switch (f->type) {
	case VOT_CHAR:
	case VOT_UNICODE:
	case VOT_UNKNOWN:
		/* a multi-dimensional char array stays one string */
		json_put_string(ob, c->s, c->len);
		break;
	case VOT_FCOMPLEX:
	case VOT_DCOMPLEX:
		json_array(ob, f, c->s);
		break;
	default:
		if (f->is_array)
			json_array(ob, f, c->s);
		else
			json_scalar(ob, f, c->s, c->len);
	}
}

/* ---- VOTable pieces ---------------------------------------------------- */

static void
xml_attr(struct tw *w, const char *name, const char *value)
{
	struct outbuf *ob = w->ob;

	if (!value)
		return;
	ob_putc(ob, ' ');
	ob_puts(ob, name);
	ob_write(ob, "=\"", 2);
	xml_puts(w, value);
	ob_putc(ob, '"');
}

static void
xml_info(struct tw *w, const struct vot_info *in)
{
	struct outbuf *ob = w->ob;

	xml_where(w, "INFO", in->name);
	ob_puts(ob, "<INFO");
	xml_attr(w, "ID", in->id);
	xml_attr(w, "name", in->name ? in->name : "");
	xml_attr(w, "value", in->value ? in->value : "");
	if (in->content && *in->content) {
		ob_putc(ob, '>');
		xml_puts(w, in->content);
		ob_puts(ob, "</INFO>\n");
	} else {
		ob_puts(ob, "/>\n");
	}
}

static void
xml_option(struct tw *w, const struct vot_option *o)
{
	struct outbuf *ob = w->ob;

	ob_puts(ob, "<OPTION");
	xml_attr(w, "name", o->name);
	xml_attr(w, "value", o->value ? o->value : "");
	ob_puts(ob, "/>");
}

static void
xml_field(struct tw *w, const char *elem, const struct vot_field *f)
{
	struct outbuf *ob = w->ob;

	const char *datatype = f->datatype ? f->datatype :
	    f->type != VOT_UNKNOWN ? vot_type_name(f->type) : "char";
	xml_where(w, elem, f->name);
	ob_putc(ob, '<');
	ob_puts(ob, elem);
	xml_attr(w, "name", f->name ? f->name : "");
	xml_attr(w, "ID", f->id);
	xml_attr(w, "datatype", datatype);
	/* A char FIELD without arraysize holds one character: say "*"
	 * when the source did not say, so values are not truncated. */
	xml_attr(w, "arraysize", f->arraysize ? f->arraysize :
	    !f->datatype && f->type == VOT_UNKNOWN ? "*" : NULL);
	xml_attr(w, "precision", f->precision);
	xml_attr(w, "width", f->width);
	xml_attr(w, "unit", f->unit);
	xml_attr(w, "ucd", f->ucd);
	xml_attr(w, "utype", f->utype);
	xml_attr(w, "xtype", f->xtype);
	xml_attr(w, "ref", f->ref);
	if (f->value || strcmp(elem, "PARAM") == 0)
		xml_attr(w, "value", f->value ? f->value : "");
	const struct vot_values *v = &f->values;
	bool values = v->null || v->min || v->max || v->noptions;
	if (!f->description && !values) {
		ob_puts(ob, "/>\n");
		return;
	}
	ob_puts(ob, ">\n");
	if (f->description) {
			ob_puts(ob, "  <DESCRIPTION>");
		xml_puts(w, f->description);
		ob_puts(ob, "</DESCRIPTION>\n");
	}
	if (values) {
			ob_puts(ob, "  <VALUES");
		xml_attr(w, "null", v->null);
		if (!v->min && !v->max && !v->noptions) {
			ob_puts(ob, "/>\n");
		} else {
			ob_puts(ob, ">");
			if (v->min) {
				ob_puts(ob, "<MIN");
				xml_attr(w, "value", v->min);
				xml_attr(w, "inclusive", v->min_inclusive ? "yes" : "no");
				ob_puts(ob, "/>");
			}
			if (v->max) {
				ob_puts(ob, "<MAX");
				xml_attr(w, "value", v->max);
				xml_attr(w, "inclusive", v->max_inclusive ? "yes" : "no");
				ob_puts(ob, "/>");
			}
			for (size_t i = 0; i < v->noptions; i++)
				xml_option(w, &v->options[i]);
			ob_puts(ob, "</VALUES>\n");
		}
	}
	ob_puts(ob, "</");
	ob_puts(ob, elem);
	ob_puts(ob, ">\n");
}

static void
xml_group(struct tw *w, const struct vot_group *g)
{
	struct outbuf *ob = w->ob;

	xml_where(w, "GROUP", g->name);
	ob_puts(ob, "<GROUP");
	xml_attr(w, "ID", g->id);
	xml_attr(w, "name", g->name);
	xml_attr(w, "ref", g->ref);
	xml_attr(w, "ucd", g->ucd);
	xml_attr(w, "utype", g->utype);
	ob_puts(ob, ">\n");
	if (g->description) {
		ob_puts(ob, "<DESCRIPTION>");
		xml_puts(w, g->description);
		ob_puts(ob, "</DESCRIPTION>\n");
	}
	for (size_t i = 0; i < g->nparams; i++)
		xml_field(w, "PARAM", &g->params[i]);
	for (size_t i = 0; i < g->ngroups; i++)
		xml_group(w, &g->groups[i]);
	ob_puts(ob, "</GROUP>\n");
}

static void
xml_meta_resource(struct tw *w, const struct vot_resource *r)
{
	struct outbuf *ob = w->ob;

	xml_where(w, "RESOURCE", r->name);
	ob_puts(ob, "<RESOURCE");
	xml_attr(w, "ID", r->id);
	xml_attr(w, "name", r->name);
	xml_attr(w, "type", r->type);
	xml_attr(w, "utype", r->utype);
	ob_puts(ob, ">\n");
	for (size_t i = 0; i < r->ninfos; i++)
		xml_info(w, &r->infos[i]);
	for (size_t i = 0; i < r->ngroups; i++)
		xml_group(w, &r->groups[i]);
	for (size_t i = 0; i < r->nparams; i++)
		xml_field(w, "PARAM", &r->params[i]);
	ob_puts(ob, "</RESOURCE>\n");
}

static const struct vot_resource *
table_resource(const struct vot_doc *doc, const struct vot_table *t)
{
	if (!doc || t->resource >= doc->nresources)
		return NULL;
	return &doc->resources[t->resource];
}

static void
votable_begin(struct tw *w, const struct vot_doc *doc)
{
	struct outbuf *ob = w->ob;
	const struct vot_table *t = w->t;
	const struct vot_resource *r = table_resource(doc, t);

	ob_puts(ob, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n");
	w->doc_infos = doc ? doc->ninfos : 0;
	for (size_t i = 0; doc && i < doc->nparams; i++)
		xml_field(w, "PARAM", &doc->params[i]);
	for (size_t i = 0; i < w->doc_infos; i++)
		xml_info(w, &doc->infos[i]);
	ob_puts(ob, "<RESOURCE type=\"results\">\n");
	/* The INFOs so far are those before the table (QUERY_STATUS=OK...);
	 * any that the parser adds later are written by tw_end. */
	w->res_infos = r ? r->ninfos : 0;
	for (size_t i = 0; i < w->res_infos; i++)
		xml_info(w, &r->infos[i]);
	for (size_t i = 0; r && i < r->nparams; i++)
		xml_field(w, "PARAM", &r->params[i]);
	xml_where(w, "TABLE", t->name);
	ob_puts(ob, "<TABLE");
	xml_attr(w, "ID", t->id);
	xml_attr(w, "name", t->name);
	xml_attr(w, "ucd", t->ucd);
	xml_attr(w, "utype", t->utype);
	ob_puts(ob, ">\n");
	if (t->description) {
		ob_puts(ob, "<DESCRIPTION>");
		xml_puts(w, t->description);
		ob_puts(ob, "</DESCRIPTION>\n");
	}
	for (size_t i = 0; i < t->ninfos; i++)
		xml_info(w, &t->infos[i]);
	for (size_t i = 0; i < t->nparams; i++)
		xml_field(w, "PARAM", &t->params[i]);
	for (size_t i = 0; i < w->ncols; i++)
		xml_field(w, "FIELD", &t->fields[w->cols[i]]);
	ob_puts(ob, "<DATA><TABLEDATA>\n");
}

static void
votable_end(struct tw *w, const struct vot_doc *doc)
{
	struct outbuf *ob = w->ob;
	const struct vot_resource *r = table_resource(doc, w->t);

	ob_puts(ob, "</TABLEDATA></DATA>\n</TABLE>\n");
	for (size_t i = w->res_infos; r && i < r->ninfos; i++)
		xml_info(w, &r->infos[i]);
	ob_puts(ob, "</RESOURCE>\n");
	/* Service descriptors (DataLink, SODA) refer to the table's columns:
	 * without them a result written here could not be followed up. */
	for (size_t i = 0; doc && i < doc->nresources; i++)
		if (&doc->resources[i] != r && doc->resources[i].type &&
		    !strcmp(doc->resources[i].type, "meta"))
			xml_meta_resource(w, &doc->resources[i]);
	for (size_t i = w->doc_infos; doc && i < doc->ninfos; i++)
		xml_info(w, &doc->infos[i]);
	ob_puts(ob, "</VOTABLE>\n");
}

/* ---- the writer -------------------------------------------------------- */

static const char *
field_datatype(const struct vot_field *f)
{
	if (f->datatype)
		return f->datatype;
	return f->type != VOT_UNKNOWN ? vot_type_name(f->type) : "char";
}

/* Escape the JSON keys once: `{"a": `, `, "b": `, ...  The outbuf has
 * no file: it is sized for the worst case (every byte as \u00XX), so
 * it never flushes. */
static int
json_prepare_keys(struct tw *w)
{
	size_t size = 1;
	for (size_t i = 0; i < w->ncols; i++) {
		const char *name = w->t->fields[w->cols[i]].name;
		size += 8 + 6 * (name ? strlen(name) : 0);
	}
	struct outbuf keys;
	if (ob_init(&keys, -1, size) < 0)
		return -1;
	w->keyoff = malloc((w->ncols + 1) * sizeof *w->keyoff);
	if (!w->keyoff) {
		ob_free(&keys);
		return -1;
	}
	for (size_t i = 0; i < w->ncols; i++) {
		const char *name = w->t->fields[w->cols[i]].name;
		w->keyoff[i] = keys.len;
		ob_puts(&keys, i == 0 ? "{" : ", ");
		json_put_string(&keys, name ? name : "", name ? strlen(name) : 0);
		ob_write(&keys, ": ", 2);
	}
	w->keyoff[w->ncols] = keys.len;
	w->keys = keys.buf;
	return 0;
}

int
tw_begin(struct tw *w, const struct vot_doc *doc, const struct vot_table *t,
	 const size_t *cols, size_t ncols)
{
	struct outbuf *ob = w->ob;

	free(w->cols);
	free(w->keys);
	free(w->keyoff);
	w->keys = NULL;
	w->keyoff = NULL;
	w->t = t;
	w->rows = 0;
	w->err[0] = '\0';
	w->ncols = cols ? ncols : t->nfields;
	free(w->text);
	free(w->plain);
	w->cols = malloc((w->ncols ? w->ncols : 1) * sizeof *w->cols);
	w->text = malloc((w->ncols ? w->ncols : 1) * sizeof *w->text);
	w->plain = malloc((w->ncols ? w->ncols : 1) * sizeof *w->plain);
	if (!w->cols || !w->text || !w->plain)
		return -1;
	for (size_t i = 0; i < w->ncols; i++) {
		w->cols[i] = cols ? cols[i] : i;
		if (w->cols[i] >= t->nfields) {
			errno = EINVAL;
			return -1;
		}
		enum vot_type ty = t->fields[w->cols[i]].type;
		w->text[i] = ty == VOT_CHAR || ty == VOT_UNICODE || ty == VOT_UNKNOWN;
		w->plain[i] = !w->text[i] && w->null_len == 0;
	}

	switch (w->f) {
	case TW_TSV:
		for (size_t i = 0; w->meta && i < w->ncols; i++) {
			const struct vot_field *f = &t->fields[w->cols[i]];
			ob_write(ob, "# ", 2);
			if (f->name)
				tsv_put_escaped(ob, f->name, strlen(f->name));
			ob_putc(ob, '\t');
			ob_puts(ob, field_datatype(f));
			if (f->arraysize) {
				ob_putc(ob, '[');
				ob_puts(ob, f->arraysize);
				ob_putc(ob, ']');
			}
			ob_putc(ob, '\t');
			if (f->unit)
				tsv_put_escaped(ob, f->unit, strlen(f->unit));
			ob_putc(ob, '\t');
			if (f->ucd)
				tsv_put_escaped(ob, f->ucd, strlen(f->ucd));
			ob_putc(ob, '\n');
		}
		if (w->no_header)
			break;
		for (size_t i = 0; i < w->ncols; i++) {
			const char *name = t->fields[w->cols[i]].name;
			if (i > 0)
				ob_putc(ob, '\t');
			if (name)
				tsv_put_escaped(ob, name, strlen(name));
		}
		ob_putc(ob, '\n');
		break;
	case TW_CSV:
		if (w->no_header)
			break;
		for (size_t i = 0; i < w->ncols; i++) {
			const char *name = t->fields[w->cols[i]].name;
			if (i > 0)
				ob_putc(ob, ',');
			if (name)
				csv_put(ob, name, strlen(name));
		}
		ob_write(ob, "\r\n", 2);
		break;
	case TW_JSON:
		if (json_prepare_keys(w) < 0)
			return -1;
		break;
	case TW_VOTABLE:
		votable_begin(w, doc);
		break;
	}
	return ob->err ? -1 : 0;
}

/* A cell that can be copied as it is into a TSV run. */
static inline bool
tsv_plain(const struct tw *w, size_t i, const struct vot_cell *c)
{
	if (w->plain[i])
		return true;
	if (c->null)
		return w->null_len == 0;
	if (!w->text[i])
		return true;
	for (size_t k = 0; k < c->len; k++)
		if (tsv_special[(unsigned char)c->s[k]])
			return false;
	return true;
}

/* The parser lays a row's cells out one after the other, each followed by
 * its NUL.  A run of such neighbours that need no escaping is copied with
 * one memcpy and its NULs turned into tabs: many small copies of varying
 * length cost more in mispredicted branches than the bytes themselves. */
static void
tsv_row(struct tw *w, const struct vot_cell *cells)
{
	struct outbuf *ob = w->ob;
	const size_t *cols = w->cols;
	size_t n = w->ncols;

	for (size_t i = 0; i < n; ) {
		const struct vot_cell *c = &cells[cols[i]];
		if (i > 0)
			ob_putc(ob, '\t');
		if (!tsv_plain(w, i, c)) {
			if (c->null)
				ob_write(ob, w->null_str, w->null_len);
			else
				tsv_put_escaped(ob, c->s, c->len);
			i++;
			continue;
		}
		const char *start = c->s, *end = c->s + c->len;
		size_t j = i + 1;
		while (j < n) {
			const struct vot_cell *d = &cells[cols[j]];
			/* end is c's NUL, so the bytes in between are ours */
			if (d->s != end + 1 || !tsv_plain(w, j, d))
				break;
			end = d->s + d->len;
			j++;
		}
		size_t len = (size_t)(end - start);
		if (len >= ob->cap) {
			/* a huge run: cell by cell, through ob_write */
			for (size_t k = i; k < j; k++) {
				if (k > i)
					ob_putc(ob, '\t');
				ob_write(ob, cells[cols[k]].s, cells[cols[k]].len);
			}
		} else {
			char *dst = ob_reserve(ob, len);
			memcpy(dst, start, len);
			for (size_t k = i + 1; k < j; k++)
				dst[cells[cols[k]].s - start - 1] = '\t';
			ob->len += len;
		}
		i = j;
	}
	ob_putc(ob, '\n');
}

void
tw_row(struct tw *w, const struct vot_cell *cells)
{
	struct outbuf *ob = w->ob;
	const size_t *cols = w->cols;
	size_t n = w->ncols;

	switch (w->f) {
	case TW_TSV:
		tsv_row(w, cells);
		break;
	case TW_CSV:
		for (size_t i = 0; i < n; i++) {
			const struct vot_cell *c = &cells[cols[i]];
			if (i > 0)
				ob_putc(ob, ',');
			if (c->null)
				csv_put(ob, w->null_str, w->null_len);
			else
				csv_put(ob, c->s, c->len);
		}
		ob_write(ob, "\r\n", 2);
		break;
	case TW_JSON:
		for (size_t i = 0; i < n; i++) {
			ob_write(ob, w->keys + w->keyoff[i],
			    w->keyoff[i + 1] - w->keyoff[i]);
			json_cell(ob, &w->t->fields[cols[i]], &cells[cols[i]]);
		}
		ob_write(ob, n > 0 ? "}\n" : "{}\n", n > 0 ? 2 : 3);
		break;
	case TW_VOTABLE:
		w->rows++;
		w->in_row = true;
		ob_write(ob, "<TR>", 4);
		for (size_t i = 0; i < n; i++) {
			const struct vot_cell *c = &cells[cols[i]];
			if (c->null) {
				ob_write(ob, "<TD/>", 5);
				continue;
			}
			ob_write(ob, "<TD>", 4);
			w->col = i;
			xml_put(w, c->s, c->len);
			ob_write(ob, "</TD>", 5);
		}
		ob_write(ob, "</TR>\n", 6);
		w->in_row = false;
		break;
	}
}

int
tw_end(struct tw *w, const struct vot_doc *doc)
{
	if (w->f == TW_VOTABLE && w->t)
		votable_end(w, doc);
	return w->ob->err || w->err[0] ? -1 : 0;
}

const char *
tw_error(const struct tw *w)
{
	return w->err[0] ? w->err : NULL;
}
