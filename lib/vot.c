/* Streaming VOTable reader.  See vot.h for the model.
 *
 * TABLEDATA cells go through expat's character-data path and reach the row
 * callback as the server's text.  BINARY/BINARY2 STREAM content does not:
 * at <STREAM> expat is stopped, the base64 is decoded straight from the
 * input buffers (several times faster than expat's per-line callbacks),
 * and at the '<' of </STREAM> a fresh expat parser takes over, primed with
 * the open elements so that the rest of the document parses in context. */
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "numfmt.h"
#include "vot.h"
#include "xmlerr.h"

#define MAX_DEPTH 256
/* A row larger than this is taken for corrupt data rather than buffered. */
#define MAX_ROW_BYTES ((size_t)1 << 28)
/* The text of one INFO or DESCRIPTION, and one XML token (a tag with its
 * attributes, a comment, a processing instruction) expat must hold whole.
 * Character data (TD text, STREAM content) is not a token: expat hands it
 * over as it comes. */
#define MAX_TEXT ((size_t)16 << 20)
/* A token still unfinished after this many bytes is given to expat again
 * only once as many new bytes have come: expat 2.5 (Debian 12; before the
 * CVE-2023-52425 fix) re-scans an unfinished token from its start on each
 * call, which is quadratic in its size for a fixed piece size. */
#define DEFER_MIN ((size_t)1 << 16)
/* A service's QUERY_STATUS message quoted in an error: one line, cut */
#define EXCERPT_MAX 300

enum elem {
	E_OTHER, E_VOTABLE, E_RESOURCE, E_TABLE, E_FIELD, E_PARAM, E_INFO,
	E_GROUP, E_DESCRIPTION, E_VALUES, E_MIN, E_MAX, E_OPTION, E_DATA,
	E_TABLEDATA, E_TR, E_TD, E_BINARY, E_BINARY2, E_STREAM, E_FITS,
	E_FIELDREF, E_PARAMREF, E_DEFINITIONS,
};

/* Per-column decoding facts, computed when a table's data begins. */
struct col {
	enum vot_type type;
	long nelem;		/* elements per cell, -1 variable */
	size_t esize;		/* bytes per element in binary */
	bool is_array;
	bool text;		/* char or unicodeChar */
	bool scalar;		/* one fixed-size number, boolean or bit: the fast path */
	bool has_inull;
	int64_t inull;
	bool has_fnull;
	double fnull;
	const char *snull;	/* the sentinel text, for TABLEDATA */
	bool uchars;		/* unicodeChar counted in characters */
};


struct vot_parser {
	XML_Parser xp;
	struct vot_handler h;
	struct vot_doc doc;
	enum vot_err err;
	char errmsg[320];

	/* element stack; for elements that can be open at a STREAM, the
	 * opening tag (name and xmlns attributes) to replay after restart */
	int depth;
	enum elem stack[MAX_DEPTH];
	char *tags[MAX_DEPTH];
	bool root_seen;

	long res_stack[MAX_DEPTH];
	int nres;
	struct vot_table *table;	/* open TABLE */
	struct vot_field *field;	/* open FIELD or PARAM */
	struct vot_info *info;		/* open INFO */
	struct vot_group *groups[MAX_DEPTH];
	int ngroups;
	bool group_pushed[MAX_DEPTH];

	/* text collection (DESCRIPTION, INFO); elements inside the
	 * collecting one are ignored */
	bool collect;
	char *text;
	size_t textlen, textcap;

	/* input held back from expat while a large token is unfinished */
	long long xfed;			/* bytes given to the current expat */
	char *hold;
	size_t holdlen, holdcap, holdneed;

	/* table data */
	struct col *cols;
	size_t scalar_room;		/* row buffer room the scalar columns may need */
	struct vot_cell *cells;
	size_t *offs;			/* cells' offsets in row (row may move) */
	size_t ncell;			/* TDs seen in the open TR */
	char *row;
	size_t rowlen, rowcap;
	bool in_td;
	bool skip;			/* handler asked to skip this table */
	bool begun;			/* table_begin called */
	enum vot_serialization ser;

	/* STREAM decoding */
	bool in_stream;			/* inside STREAM, content via char data */
	bool bypass;			/* inside STREAM, content read raw */
	bool bypass_ok;			/* the encoding allows raw reading */
	bool stop_for_stream;
	char *pending;			/* input expat had received past <STREAM> */
	size_t pendinglen;
	unsigned long stream_lines;	/* newlines seen in raw STREAM content */
	unsigned long line_base;
	char *encoding;
	bool replaying;
	unsigned b64acc;
	int b64n;
	bool b64pad;
	uint16_t *b64pairs;		/* two digits -> 12 bits, 0xFFFF if not two digits */
	unsigned char *bin;
	size_t binlen, bincap, binpos;
	bool started;			/* some input was fed */

	/* unicodeChar counts: in characters (a surrogate pair counted once),
	 * as DaCHS writes them, unless the writer is known to count UTF-16
	 * units (astropy, STIL); a partly scanned cell of the pending row */
	bool utf16_units;
	bool uscan;
	size_t uscan_col, uscan_units;
	uint64_t uscan_chars;
};

static const char *const type_names[] = {
	[VOT_UNKNOWN] = "", [VOT_BOOLEAN] = "boolean", [VOT_BIT] = "bit",
	[VOT_UBYTE] = "unsignedByte", [VOT_SHORT] = "short", [VOT_INT] = "int",
	[VOT_LONG] = "long", [VOT_CHAR] = "char", [VOT_UNICODE] = "unicodeChar",
	[VOT_FLOAT] = "float", [VOT_DOUBLE] = "double",
	[VOT_FCOMPLEX] = "floatComplex", [VOT_DCOMPLEX] = "doubleComplex",
};

const char *
vot_type_name(enum vot_type t)
{
	return t <= VOT_DCOMPLEX ? type_names[t] : "";
}

enum vot_type
vot_type_parse(const char *s)
{
	if (!s)
		return VOT_UNKNOWN;
	for (int t = VOT_BOOLEAN; t <= VOT_DCOMPLEX; t++)
		if (strcmp(s, type_names[t]) == 0)
			return (enum vot_type)t;
	return VOT_UNKNOWN;
}

int
vot_arraysize_parse(const char *s, long *nelem, int *ndims)
{
	long n = 1;
	int dims = 0;
	bool variable = false;

	if (!s || !*s) {
		*nelem = 1;
		if (ndims)
			*ndims = 0;
		return 0;
	}
	for (;;) {
		if (variable)
			return -1;	/* only the last dimension may vary */
		if (*s == '*') {
			variable = true;
			s++;
		} else if (isdigit((unsigned char)*s)) {
			char *end;
			errno = 0;
			long d = strtol(s, &end, 10);
			if (errno || d < 0 || d > (1L << 30))
				return -1;
			s = end;
			if (*s == '*') {
				variable = true;
				s++;
			} else {
				if (n > (1L << 30) / (d ? d : 1))
					return -1;
				n *= d;
			}
		} else {
			return -1;
		}
		dims++;
		if (*s == '\0')
			break;
		if (*s != 'x')
			return -1;
		s++;
	}
	*nelem = variable ? -1 : n;
	if (ndims)
		*ndims = dims;
	return 0;
}

/* ---------------------------------------------------------------- errors */

static void
fail(struct vot_parser *p, enum vot_err e, const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	if (p->err)
		return;
	p->err = e;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* one line whatever the names quoted from the document hold, and no
	 * character cut in two */
	if (n >= (int)sizeof msg) {
		size_t k = sizeof msg - 1;
		while (k > 0 && ((unsigned char)msg[k] & 0xC0) == 0x80)
			k--;
		msg[k] = '\0';
	}
	for (char *c = msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7F)
			*c = ' ';
	if (p->bypass)
		snprintf(p->errmsg, sizeof p->errmsg, "line %lu: %s",
			 p->line_base + 1 + p->stream_lines, msg);
	else if (p->xp && e != VOT_ENOMEM && e != VOT_ECALLBACK)
		snprintf(p->errmsg, sizeof p->errmsg, "line %lu: %s",
			 p->line_base + (unsigned long)XML_GetCurrentLineNumber(p->xp), msg);
	else
		snprintf(p->errmsg, sizeof p->errmsg, "%s", msg);
	if (p->xp)
		XML_StopParser(p->xp, XML_FALSE);
}

static void
nomem(struct vot_parser *p)
{
	fail(p, VOT_ENOMEM, "out of memory");
}

/* ---------------------------------------------------------------- helpers */

static char *
xstrdup(struct vot_parser *p, const char *s)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d)
		nomem(p);
	return d;
}

static const char *
attr(const XML_Char **atts, const char *name)
{
	for (; *atts; atts += 2)
		if (strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

/* Grow an array of elements of size sz to hold n+1; returns the new slot. */
static void *
append(struct vot_parser *p, void *arrp, size_t *n, size_t sz)
{
	void **arr = arrp;
	/* capacity is the next power of two above n */
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 1;
		void *nv = realloc(*arr, cap * sz);
		if (!nv) {
			nomem(p);
			return NULL;
		}
		*arr = nv;
	}
	void *slot = (char *)*arr + *n * sz;
	memset(slot, 0, sz);
	(*n)++;
	return slot;
}

static bool
text_append(struct vot_parser *p, const char *s, size_t n)
{
	if (p->textlen + n > MAX_TEXT) {
		fail(p, VOT_EDATA, "element text too large (%s over %zu MiB)",
		     p->info ? "INFO" : "DESCRIPTION", MAX_TEXT >> 20);
		return false;
	}
	if (p->textlen + n + 1 > p->textcap) {
		size_t cap = p->textcap ? p->textcap : 256;
		while (cap < p->textlen + n + 1)
			cap *= 2;
		char *nt = realloc(p->text, cap);
		if (!nt) {
			nomem(p);
			return false;
		}
		p->text = nt;
		p->textcap = cap;
	}
	memcpy(p->text + p->textlen, s, n);
	p->textlen += n;
	p->text[p->textlen] = '\0';
	return true;
}

static char *
text_take(struct vot_parser *p, bool trim)
{
	const char *s = p->text ? p->text : "";
	size_t n = p->textlen;
	if (trim) {
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
	}
	char *r = strndup(s, n);
	if (!r)
		nomem(p);
	p->textlen = 0;
	p->collect = false;
	return r;
}

/* s on one line (runs of white space and control characters as one
 * space), cut after EXCERPT_MAX bytes (on a UTF-8 character boundary)
 * with "..." appended. */
static char *
excerpt(struct vot_parser *p, const char *s)
{
	char *r = malloc(EXCERPT_MAX + 4);
	size_t n = 0;
	bool space = false;

	if (!r) {
		nomem(p);
		return NULL;
	}
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7F || c == ' ') {
			space = n > 0;
			continue;
		}
		if (n + space >= EXCERPT_MAX) {
			if ((c & 0xC0) == 0x80) {
				/* not cut inside the character c continues */
				while (n > 0 && ((unsigned char)r[n - 1] & 0xC0) == 0x80)
					n--;
				if (n > 0 && (unsigned char)r[n - 1] >= 0xC0)
					n--;
			}
			memcpy(r + n, "...", 3);
			n += 3;
			break;
		}
		if (space)
			r[n++] = ' ';
		space = false;
		r[n++] = (char)c;
	}
	r[n] = '\0';
	return r;
}

static bool
row_reserve(struct vot_parser *p, size_t n)
{
	if (p->rowlen + n <= p->rowcap)
		return true;
	size_t cap = p->rowcap ? p->rowcap : 4096;
	while (cap < p->rowlen + n)
		cap *= 2;
	char *nr = realloc(p->row, cap);
	if (!nr) {
		nomem(p);
		return false;
	}
	p->row = nr;
	p->rowcap = cap;
	return true;
}

static enum elem
elem_of(const char *name)
{
	const char *c = strchr(name, ':');
	if (c)
		name = c + 1;
	switch (name[0]) {
	case 'T':
		if (name[1] == 'D' && !name[2]) return E_TD;
		if (name[1] == 'R' && !name[2]) return E_TR;
		if (!strcmp(name, "TABLE")) return E_TABLE;
		if (!strcmp(name, "TABLEDATA")) return E_TABLEDATA;
		break;
	case 'B':
		if (!strcmp(name, "BINARY2")) return E_BINARY2;
		if (!strcmp(name, "BINARY")) return E_BINARY;
		break;
	case 'D':
		if (!strcmp(name, "DATA")) return E_DATA;
		if (!strcmp(name, "DESCRIPTION")) return E_DESCRIPTION;
		if (!strcmp(name, "DEFINITIONS")) return E_DEFINITIONS;
		break;
	case 'F':
		if (!strcmp(name, "FIELD")) return E_FIELD;
		if (!strcmp(name, "FIELDref")) return E_FIELDREF;
		if (!strcmp(name, "FITS")) return E_FITS;
		break;
	case 'G': if (!strcmp(name, "GROUP")) return E_GROUP; break;
	case 'I': if (!strcmp(name, "INFO")) return E_INFO; break;
	case 'M':
		if (!strcmp(name, "MIN")) return E_MIN;
		if (!strcmp(name, "MAX")) return E_MAX;
		break;
	case 'O': if (!strcmp(name, "OPTION")) return E_OPTION; break;
	case 'P':
		if (!strcmp(name, "PARAM")) return E_PARAM;
		if (!strcmp(name, "PARAMref")) return E_PARAMREF;
		break;
	case 'R': if (!strcmp(name, "RESOURCE")) return E_RESOURCE; break;
	case 'S': if (!strcmp(name, "STREAM")) return E_STREAM; break;
	case 'V':
		if (!strcmp(name, "VOTABLE")) return E_VOTABLE;
		if (!strcmp(name, "VALUES")) return E_VALUES;
		break;
	}
	return E_OTHER;
}

static enum elem
parent(const struct vot_parser *p)
{
	return p->depth >= 2 ? p->stack[p->depth - 2] : E_OTHER;
}

static struct vot_resource *
cur_resource(struct vot_parser *p)
{
	return p->nres ? &p->doc.resources[p->res_stack[p->nres - 1]] : NULL;
}

/* -------------------------------------------------------- document model */

static void
read_field_attrs(struct vot_parser *p, struct vot_field *f, const XML_Char **atts)
{
	for (; *atts; atts += 2) {
		const char *k = atts[0], *v = atts[1];
		char **slot = NULL;
		if (!strcmp(k, "name")) slot = &f->name;
		else if (!strcmp(k, "ID")) slot = &f->id;
		else if (!strcmp(k, "datatype")) slot = &f->datatype;
		else if (!strcmp(k, "arraysize")) slot = &f->arraysize;
		else if (!strcmp(k, "unit")) slot = &f->unit;
		else if (!strcmp(k, "ucd")) slot = &f->ucd;
		else if (!strcmp(k, "utype")) slot = &f->utype;
		else if (!strcmp(k, "xtype")) slot = &f->xtype;
		else if (!strcmp(k, "ref")) slot = &f->ref;
		else if (!strcmp(k, "precision")) slot = &f->precision;
		else if (!strcmp(k, "width")) slot = &f->width;
		else if (!strcmp(k, "value")) slot = &f->value;
		if (slot && !*slot)
			*slot = xstrdup(p, v);
	}
	if (!f->name)
		f->name = xstrdup(p, f->id ? f->id : "");
}

/* Check and complete a FIELD or PARAM once its element ends. */
static void
finish_field(struct vot_parser *p, struct vot_field *f, bool is_param)
{
	int ndims = 0;
	const char *what = is_param ? "PARAM" : "FIELD";

	if (!f->datatype) {
		fail(p, VOT_EDATA, "%s '%s' has no datatype", what, f->name);
		return;
	}
	f->type = vot_type_parse(f->datatype);
	if (f->type == VOT_UNKNOWN) {
		fail(p, VOT_EDATA, "%s '%s': unknown datatype '%s'", what, f->name, f->datatype);
		return;
	}
	if (vot_arraysize_parse(f->arraysize, &f->nelem, &ndims) < 0) {
		fail(p, VOT_EDATA, "%s '%s': bad arraysize '%s'", what, f->name, f->arraysize);
		return;
	}
	if (f->type == VOT_CHAR || f->type == VOT_UNICODE)
		f->is_array = ndims > 1;
	else
		f->is_array = f->nelem != 1 || f->type == VOT_FCOMPLEX || f->type == VOT_DCOMPLEX;
}

static struct vot_field *
new_param(struct vot_parser *p)
{
	enum elem up = parent(p);
	struct vot_resource *r = cur_resource(p);

	if (up == E_GROUP && p->ngroups) {
		struct vot_group *g = p->groups[p->ngroups - 1];
		return append(p, &g->params, &g->nparams, sizeof *g->params);
	}
	if (up == E_TABLE && p->table)
		return append(p, &p->table->params, &p->table->nparams, sizeof *p->table->params);
	if (up == E_RESOURCE && r)
		return append(p, &r->params, &r->nparams, sizeof *r->params);
	return append(p, &p->doc.params, &p->doc.nparams, sizeof *p->doc.params);
}

static struct vot_info *
new_info(struct vot_parser *p)
{
	enum elem up = parent(p);
	struct vot_resource *r = cur_resource(p);

	if (up == E_TABLE && p->table)
		return append(p, &p->table->infos, &p->table->ninfos, sizeof *p->table->infos);
	if (up == E_RESOURCE && r)
		return append(p, &r->infos, &r->ninfos, sizeof *r->infos);
	if (up == E_VOTABLE)
		return append(p, &p->doc.infos, &p->doc.ninfos, sizeof *p->doc.infos);
	return NULL;	/* INFO elsewhere (e.g. in a FIELD): not kept */
}

static struct vot_group *
new_group(struct vot_parser *p)
{
	enum elem up = parent(p);
	struct vot_resource *r = cur_resource(p);

	if (up == E_GROUP && p->ngroups) {
		struct vot_group *g = p->groups[p->ngroups - 1];
		return append(p, &g->groups, &g->ngroups, sizeof *g->groups);
	}
	if (up == E_TABLE && p->table)
		return append(p, &p->table->groups, &p->table->ngroups, sizeof *p->table->groups);
	if (up == E_RESOURCE && r)
		return append(p, &r->groups, &r->ngroups, sizeof *r->groups);
	return NULL;
}

static void
start_resource(struct vot_parser *p, const XML_Char **atts)
{
	size_t idx = p->doc.nresources;
	struct vot_resource *r = append(p, &p->doc.resources, &p->doc.nresources, sizeof *r);
	if (!r)
		return;
	r->id = xstrdup(p, attr(atts, "ID"));
	r->name = xstrdup(p, attr(atts, "name"));
	r->type = xstrdup(p, attr(atts, "type"));
	r->utype = xstrdup(p, attr(atts, "utype"));
	r->parent = p->nres ? p->res_stack[p->nres - 1] : -1;
	p->res_stack[p->nres++] = (long)idx;
}

static void
start_table(struct vot_parser *p, const XML_Char **atts)
{
	struct vot_table *t = calloc(1, sizeof *t);
	struct vot_table **slot;
	struct vot_resource *r = cur_resource(p);

	if (!t) {
		nomem(p);
		return;
	}
	slot = append(p, &p->doc.tables, &p->doc.ntables, sizeof *slot);
	if (!slot) {
		free(t);
		return;
	}
	*slot = t;
	t->index = p->doc.ntables - 1;
	t->resource = p->nres ? (size_t)p->res_stack[p->nres - 1] : 0;
	t->id = xstrdup(p, attr(atts, "ID"));
	t->name = xstrdup(p, attr(atts, "name"));
	t->ref = xstrdup(p, attr(atts, "ref"));
	t->ucd = xstrdup(p, attr(atts, "ucd"));
	t->utype = xstrdup(p, attr(atts, "utype"));
	const char *nr = attr(atts, "nrows");
	t->nrows_declared = nr ? strtol(nr, NULL, 10) : -1;
	if (r) {
		size_t *ti = append(p, &r->tables, &r->ntables, sizeof *ti);
		if (ti)
			*ti = t->index;
	}
	p->table = t;
	p->begun = false;
	p->skip = false;
	p->ser = VOT_SER_NONE;
}

/* ------------------------------------------------------------ table data */

static bool
parse_i64(const char *s, int64_t *v)
{
	char *end;
	errno = 0;
	long long x = strtoll(s, &end, 0);
	while (*end && isspace((unsigned char)*end))
		end++;
	if (errno || end == s || *end)
		return false;
	*v = x;
	return true;
}

static bool
setup_columns(struct vot_parser *p)
{
	struct vot_table *t = p->table;
	size_t n = t->nfields;

	p->scalar_room = 0;
	p->cols = calloc(n ? n : 1, sizeof *p->cols);
	p->cells = calloc(n ? n : 1, sizeof *p->cells);
	p->offs = calloc(n ? n : 1, sizeof *p->offs);
	if (!p->cols || !p->cells || !p->offs) {
		nomem(p);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		struct vot_field *f = &t->fields[i];
		struct col *c = &p->cols[i];
		c->type = f->type;
		c->nelem = f->nelem;
		c->is_array = f->is_array;
		c->text = f->type == VOT_CHAR || f->type == VOT_UNICODE;
		c->uchars = f->type == VOT_UNICODE && !p->utf16_units;
		c->scalar = !c->text && f->nelem == 1;
		if (c->scalar)
			p->scalar_room += 2 * NUMFMT_MAX + 2;
		switch (f->type) {
		case VOT_BOOLEAN: case VOT_UBYTE: case VOT_CHAR: case VOT_BIT: c->esize = 1; break;
		case VOT_SHORT: case VOT_UNICODE: c->esize = 2; break;
		case VOT_INT: case VOT_FLOAT: c->esize = 4; break;
		case VOT_LONG: case VOT_DOUBLE: case VOT_FCOMPLEX: c->esize = 8; break;
		case VOT_DCOMPLEX: c->esize = 16; break;
		default: c->esize = 1;
		}
		const char *ns = f->values.null;
		if (ns) {
			c->snull = ns;
			if (parse_i64(ns, &c->inull))
				c->has_inull = true;
			char *end;
			double d = strtod(ns, &end);
			if (end != ns && *end == '\0') {
				c->has_fnull = true;
				c->fnull = d;
			}
		}
	}
	return true;
}

static void
end_table_data(struct vot_parser *p)
{
	free(p->cols);
	free(p->cells);
	free(p->offs);
	p->cols = NULL;
	p->cells = NULL;
	p->offs = NULL;
}

static void
begin_rows(struct vot_parser *p)
{
	if (p->begun || p->err)
		return;
	p->begun = true;
	p->table->serialization = p->ser;
	if (!setup_columns(p))
		return;
	if (p->h.table_begin) {
		int r = p->h.table_begin(p->h.ctx, p->table);
		if (r == VOT_SKIP)
			p->skip = true;
		else if (r)
			fail(p, VOT_ECALLBACK, "stopped");
	}
}

static void
deliver_row(struct vot_parser *p)
{
	struct vot_table *t = p->table;
	for (size_t i = 0; i < t->nfields; i++) {
		p->cells[i].s = p->row + p->offs[i];
	}
	t->nrows++;
	if (p->h.row && p->h.row(p->h.ctx, t, p->cells))
		fail(p, VOT_ECALLBACK, "stopped");
}

static int
bool_char(int c)
{
	switch (c) {
	case 'T': case 't': case '1': return 'T';
	case 'F': case 'f': case '0': return 'F';
	default: return 0;
	}
}

/* Boolean array elements ("T", "false", "1", "?"...) to T, F or ?; the
 * text is already space-separated and the result is never longer. */
static size_t
normalise_booleans(char *s, size_t n)
{
	size_t w = 0, r = 0;
	while (r < n) {
		size_t e = r;
		while (e < n && s[e] != ' ')
			e++;
		int b = 0;
		if (e - r == 1)
			b = bool_char(s[r]);
		else if (e - r == 4 && !strncasecmp(s + r, "true", 4))
			b = 'T';
		else if (e - r == 5 && !strncasecmp(s + r, "false", 5))
			b = 'F';
		if (w)
			s[w++] = ' ';
		s[w++] = b ? (char)b : '?';
		r = e + 1;
	}
	return w;
}

/* A bit array in TABLEDATA may be written "101" or "1 0 1"; we write the
 * latter, which can be longer than the input: expand from the back. */
static void
finish_bits(struct vot_parser *p, size_t idx, size_t off)
{
	struct vot_cell *sp = &p->cells[idx];
	size_t digits = 0, n = p->rowlen - off;

	for (size_t i = 0; i < n; i++)
		if (p->row[off + i] == '0' || p->row[off + i] == '1')
			p->row[off + digits++] = p->row[off + i];
	p->offs[idx] = off;
	sp->null = digits == 0;
	if (!row_reserve(p, digits * 2 + 2))
		return;
	if (digits) {
		char *s = p->row + off;
		size_t w = digits * 2 - 2;
		for (size_t r = digits; r-- > 0; ) {
			s[w] = s[r];
			if (r)
				s[w - 1] = ' ';
			w -= 2;
		}
	}
	sp->len = digits ? digits * 2 - 1 : 0;
	p->rowlen = off + sp->len;
	p->row[p->rowlen++] = '\0';
}

/* Finish the TD text at row[off..rowlen) according to the column type:
 * trim, normalise, detect NULL.  Works in place (results never grow). */
static void
finish_td(struct vot_parser *p, size_t idx, size_t off)
{
	const struct col *c = &p->cols[idx];
	struct vot_cell *sp = &p->cells[idx];

	if (c->type == VOT_BIT && c->is_array) {
		finish_bits(p, idx, off);
		return;
	}
	if (!row_reserve(p, 2))
		return;
	char *s = p->row + off;
	size_t n = p->rowlen - off;

	p->offs[idx] = off;
	sp->null = false;
	if (c->text && !c->is_array) {
		/* strings: kept exactly, but empty or the sentinel means NULL */
		if (n == 0 || (c->snull && strlen(c->snull) == n && !memcmp(s, c->snull, n)))
			sp->null = true, n = 0;
		goto done;
	}
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (s != p->row + off) {
		memmove(p->row + off, s, n);
		s = p->row + off;
	}
	if (n == 0) {
		sp->null = true;
		goto done;
	}
	if (c->is_array || c->text) {
		/* collapse runs of white space to one space */
		size_t w = 0;
		bool space = false;
		for (size_t r = 0; r < n; r++) {
			if (isspace((unsigned char)s[r])) {
				space = true;
				continue;
			}
			if (space && w)
				s[w++] = ' ';
			space = false;
			s[w++] = s[r];
		}
		n = w;
		if (c->type == VOT_BOOLEAN)
			n = normalise_booleans(s, n);
		goto done;
	}
	switch (c->type) {
	case VOT_BOOLEAN: {
		int b = 0;
		if (n == 1)
			b = bool_char(s[0]);
		else if (n == 4 && !strncasecmp(s, "true", 4))
			b = 'T';
		else if (n == 5 && !strncasecmp(s, "false", 5))
			b = 'F';
		if (b) {
			s[0] = (char)b;
			n = 1;
		} else {
			sp->null = true;	/* "?" or anything unknown */
			n = 0;
		}
		break;
	}
	case VOT_FLOAT: case VOT_DOUBLE:
		if ((n == 3 && !strncasecmp(s, "nan", 3)) ||
		    (c->snull && strlen(c->snull) == n && !memcmp(s, c->snull, n)))
			sp->null = true, n = 0;
		break;
	default:
		if (c->snull && strlen(c->snull) == n && !memcmp(s, c->snull, n))
			sp->null = true, n = 0;
		else if (c->has_inull) {
			/* the same number written differently (e.g. hex) */
			int64_t v;
			s[n] = '\0';
			if (parse_i64(s, &v) && v == c->inull)
				sp->null = true, n = 0;
		}
	}
done:
	p->rowlen = off + n;
	p->row[p->rowlen++] = '\0';
	sp->len = n;
}

/* ---------------------------------------------------------- binary rows */

static inline uint16_t rd16(const unsigned char *b) { uint16_t v; memcpy(&v, b, 2); return be16toh(v); }
static inline uint32_t rd32(const unsigned char *b) { uint32_t v; memcpy(&v, b, 4); return be32toh(v); }
static inline uint64_t rd64(const unsigned char *b) { uint64_t v; memcpy(&v, b, 8); return be64toh(v); }

static inline float
rdf(const unsigned char *b)
{
	uint32_t u = rd32(b);
	float f;
	memcpy(&f, &u, 4);
	return f;
}

static inline double
rdd(const unsigned char *b)
{
	uint64_t u = rd64(b);
	double d;
	memcpy(&d, &u, 8);
	return d;
}

/* cell_size results besides a size */
#define CELL_BAD SIZE_MAX		/* corrupt data */
#define CELL_SHORT (SIZE_MAX - 1)	/* incomplete: more bytes needed */

static inline bool is_high(unsigned u) { return u >= 0xD800 && u < 0xDC00; }
static inline bool is_low(unsigned u) { return u >= 0xDC00 && u < 0xE000; }

/* The UTF-16 units of n unicodeChar characters at b (avail bytes), a
 * surrogate pair counted once, as DaCHS writes them: the extra low
 * surrogate follows the declared units.  A scan cut short by missing bytes
 * is resumed from where it stopped (the pending row's cell idx). */
static size_t
uchars_size(struct vot_parser *p, size_t idx, const unsigned char *b, size_t avail,
	    size_t hdr, uint64_t n, uint32_t *count)
{
	size_t units = 0;
	uint64_t chars = 0;

	if (hdr + n * 2 > avail)
		return CELL_SHORT;	/* not even one unit per character yet */
	if (p->uscan && p->uscan_col == idx) {
		units = p->uscan_units;
		chars = p->uscan_chars;
	}
	const unsigned char *u = b + hdr;
	size_t have = (avail - hdr) / 2;
	for (; chars < n; chars++) {
		if (units + 1 > have)
			goto short_;
		if (is_high(rd16(u + 2 * units))) {
			if (units + 2 > have)
				goto short_;
			if (is_low(rd16(u + 2 * units + 2)))
				units++;
		}
		units++;
	}
	if (p->uscan && p->uscan_col == idx)
		p->uscan = false;
	if (units * 2 > MAX_ROW_BYTES)
		return CELL_BAD;
	*count = (uint32_t)units;
	return hdr + units * 2;
short_:
	p->uscan = true;
	p->uscan_col = idx;
	p->uscan_units = units;
	p->uscan_chars = chars;
	return units * 2 > MAX_ROW_BYTES ? CELL_BAD : CELL_SHORT;
}

/* Bytes of cell idx starting at b (avail bytes there), CELL_SHORT or
 * CELL_BAD; *count gets its elements (for unicodeChar: UTF-16 units). */
static size_t
cell_size(struct vot_parser *p, size_t idx, const unsigned char *b, size_t avail, uint32_t *count)
{
	const struct col *c = &p->cols[idx];
	size_t hdr = 0;
	uint64_t n;

	if (c->nelem < 0) {
		if (avail < 4)
			return CELL_SHORT;
		/* The count is of elements, also for "2x*": so STILTS and
		 * DaCHS write it (astropy 5.2 counts 2-vectors instead). */
		n = rd32(b);
		hdr = 4;
	} else {
		n = (uint64_t)c->nelem;
	}
	if (n > MAX_ROW_BYTES)
		return CELL_BAD;
	*count = (uint32_t)n;
	uint64_t bytes = c->type == VOT_BIT ? (n + 7) / 8 : n * c->esize;
	if (bytes > MAX_ROW_BYTES)
		return CELL_BAD;
	if (c->uchars)
		return uchars_size(p, idx, b, avail, hdr, n, count);
	if (hdr + bytes > avail)
		return CELL_SHORT;
	return hdr + (size_t)bytes;
}

static size_t
put_utf8(char *d, unsigned cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xC0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xE0 | cp >> 12);
		d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		d[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (char)(0xF0 | cp >> 18);
	d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	d[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Format one element; returns its length.  *isnull is set when the
 * element is a NULL (sentinel or NaN). */
static size_t
fmt_elem(const struct col *c, const unsigned char *b, char *d, bool *isnull)
{
	int64_t iv;

	switch (c->type) {
	case VOT_BOOLEAN: {
		int v = bool_char(*b);
		if (!v) {
			*isnull = true;
			d[0] = '?';
		} else {
			d[0] = (char)v;
		}
		return 1;
	}
	case VOT_BIT:
		/* a lone bit: DaCHS and astropy set the low bit, the packing
		 * rule would say the high one; take either */
		d[0] = b[0] ? '1' : '0';
		return 1;
	case VOT_UBYTE: iv = *b; goto integer;
	case VOT_SHORT: iv = (int16_t)rd16(b); goto integer;
	case VOT_INT: iv = (int32_t)rd32(b); goto integer;
	case VOT_LONG: iv = (int64_t)rd64(b); goto integer;
	case VOT_FLOAT: {
		float f = rdf(b);
		if (isnan(f) || (c->has_fnull && (double)f == c->fnull))
			*isnull = true;
		return (size_t)fmt_float(f, d);
	}
	case VOT_DOUBLE: {
		double v = rdd(b);
		if (isnan(v) || (c->has_fnull && v == c->fnull))
			*isnull = true;
		return (size_t)fmt_double(v, d);
	}
	case VOT_FCOMPLEX: {
		float re = rdf(b), im = rdf(b + 4);
		size_t n = (size_t)fmt_float(re, d);
		d[n++] = ' ';
		return n + (size_t)fmt_float(im, d + n);
	}
	case VOT_DCOMPLEX: {
		double re = rdd(b), im = rdd(b + 8);
		size_t n = (size_t)fmt_double(re, d);
		d[n++] = ' ';
		return n + (size_t)fmt_double(im, d + n);
	}
	default:
		return 0;
	}
integer:
	if (c->has_inull && iv == c->inull)
		*isnull = true;
	return (size_t)fmt_i64(iv, d);
}

/* Room for n more bytes plus what the row's scalar cells may still need
 * (binary_rows reserves that once per row and writes them unchecked). */
static bool
cell_reserve(struct vot_parser *p, size_t n)
{
	return row_reserve(p, n + p->scalar_room);
}

/* The fast path: one fixed-size scalar, room already reserved. */
static inline void
scalar_cell(struct vot_parser *p, size_t idx, const unsigned char *b, bool flagged)
{
	const struct col *c = &p->cols[idx];
	struct vot_cell *sp = &p->cells[idx];
	size_t off = p->rowlen, n = 0;
	char *d = p->row + off;
	bool isnull = flagged;

	/* the common types inline, and NULLs never formatted */
	if (!flagged) {
		switch (c->type) {
		case VOT_DOUBLE: {
			double v = rdd(b);
			isnull = isnan(v) || (c->has_fnull && v == c->fnull);
			if (!isnull)
				n = (size_t)fmt_double(v, d);
			break;
		}
		case VOT_FLOAT: {
			float v = rdf(b);
			isnull = isnan(v) || (c->has_fnull && (double)v == c->fnull);
			if (!isnull)
				n = (size_t)fmt_float(v, d);
			break;
		}
		case VOT_LONG: case VOT_INT: case VOT_SHORT: case VOT_UBYTE: {
			int64_t v = c->type == VOT_LONG ? (int64_t)rd64(b)
				  : c->type == VOT_INT ? (int32_t)rd32(b)
				  : c->type == VOT_SHORT ? (int16_t)rd16(b) : (int64_t)*b;
			isnull = c->has_inull && v == c->inull;
			if (!isnull)
				n = (size_t)fmt_i64(v, d);
			break;
		}
		default:
			n = fmt_elem(c, b, d, &isnull);
		}
	}
	if (isnull)
		n = 0;
	p->offs[idx] = off;
	sp->len = n;
	sp->null = isnull;
	p->row[off + n] = '\0';
	p->rowlen = off + n + 1;
}

/* Format the cell at b (count elements) into the row buffer. */
static bool
binary_cell(struct vot_parser *p, size_t idx, const unsigned char *b, uint32_t count, bool flagged)
{
	const struct col *c = &p->cols[idx];
	struct vot_cell *sp = &p->cells[idx];
	size_t off = p->rowlen;

	p->offs[idx] = off;
	sp->null = flagged;
	if (flagged || (count == 0 && c->nelem < 0)) {
		if (!cell_reserve(p, 1))
			return false;
		sp->null = true;
		goto done;
	}
	if (c->type == VOT_CHAR) {
		if (!cell_reserve(p, (size_t)count * 2 + 2))
			return false;
		if (c->is_array) {
			/* multi-dimensional: the strings, NUL padding dropped,
			 * separated by spaces */
			long w = 1, nd;
			const char *x = strchr(p->table->fields[idx].arraysize, 'x');
			if (x) {
				char tmp[32];
				snprintf(tmp, sizeof tmp, "%.*s", (int)(x - p->table->fields[idx].arraysize),
					 p->table->fields[idx].arraysize);
				if (vot_arraysize_parse(tmp, &nd, NULL) == 0 && nd > 0)
					w = nd;
			}
			char *d = p->row + off;
			size_t n = 0;
			for (uint32_t i = 0; i < count; i += (uint32_t)w) {
				if (n)
					d[n++] = ' ';
				for (uint32_t k = i; k < count && k < i + (uint32_t)w && b[k]; k++)
					d[n++] = (char)b[k];
			}
			p->rowlen += n;
		} else {
			const unsigned char *z = memchr(b, 0, count);
			size_t n = z ? (size_t)(z - b) : count;
			memcpy(p->row + off, b, n);
			p->rowlen += n;
		}
		goto text_done;
	}
	if (c->type == VOT_UNICODE) {
		if (!cell_reserve(p, (size_t)count * 3 + 2))
			return false;
		char *d = p->row + off;
		size_t n = 0;
		for (uint32_t i = 0; i < count; i++) {
			unsigned u = rd16(b + 2 * i);
			if (u == 0)
				break;
			if (is_high(u) && i + 1 < count && is_low(rd16(b + 2 * (i + 1)))) {
				u = 0x10000 + ((u - 0xD800) << 10) + (rd16(b + 2 * (i + 1)) - 0xDC00);
				i++;
			} else if (is_high(u) || is_low(u)) {
				u = 0xFFFD;	/* a lone surrogate: not UTF-8 */
			}
			n += put_utf8(d + n, u);
		}
		p->rowlen += n;
		goto text_done;
	}
	if (c->type == VOT_BIT) {
		if (!cell_reserve(p, (size_t)count * 2 + 2))
			return false;
		char *d = p->row + off;
		for (uint32_t i = 0; i < count; i++) {
			if (i)
				*d++ = ' ';
			*d++ = (b[i / 8] >> (7 - i % 8)) & 1 ? '1' : '0';
		}
		p->rowlen = (size_t)(d - p->row);
		goto done;
	}
	if (!cell_reserve(p, (size_t)count * (NUMFMT_MAX * 2 + 1) + 2))
		return false;
	if (!c->is_array) {
		bool isnull = false;
		size_t n = fmt_elem(c, b, p->row + off, &isnull);
		if (isnull)
			sp->null = true;
		else
			p->rowlen += n;
		goto done;
	}
	char *d = p->row + off;
	size_t n = 0;
	for (uint32_t i = 0; i < count; i++) {
		bool isnull = false;
		if (i)
			d[n++] = ' ';
		n += fmt_elem(c, b + (size_t)i * c->esize, d + n, &isnull);
	}
	p->rowlen += n;
	goto done;
text_done:
	if (p->rowlen == off)
		sp->null = true;	/* empty string */
	else if (c->snull && strlen(c->snull) == p->rowlen - off &&
		 !memcmp(p->row + off, c->snull, p->rowlen - off))
		sp->null = true, p->rowlen = off;
done:
	if (sp->null)
		p->rowlen = off;
	sp->len = p->rowlen - off;
	p->row[p->rowlen++] = '\0';
	return true;
}

/* Decode as many complete rows as the buffered bytes hold. */
static void
binary_rows(struct vot_parser *p)
{
	struct vot_table *t = p->table;
	size_t nf = t->nfields;
	size_t flagbytes = p->ser == VOT_SER_BINARY2 ? (nf + 7) / 8 : 0;

	while (!p->err) {
		const unsigned char *row = p->bin + p->binpos;
		size_t avail = p->binlen - p->binpos;
		size_t pos = flagbytes;
		uint32_t count = 0;

		if (avail == 0 || avail < flagbytes)
			break;
		/* One pass: a row found incomplete is formatted again once
		 * more bytes have come, which is cheaper than checking every
		 * row's length first. */
		size_t i;
		p->rowlen = 0;
		if (!p->skip && !row_reserve(p, p->scalar_room))
			return;
		/* BINARY2 null flags, most significant bit first; up to 64
		 * columns as one word (the flags are there: avail >= flagbytes) */
		uint64_t flags = 0;
		if (flagbytes && nf <= 64) {
			for (size_t b = 0; b < flagbytes; b++)
				flags |= (uint64_t)row[b] << (56 - 8 * b);
		}
		for (i = 0; i < nf; i++) {
			const struct col *c = &p->cols[i];
			bool flagged = flagbytes && (nf <= 64 ? (flags << i) >> 63
						     : (row[i >> 3] >> (7 - (i & 7))) & 1);
			if (c->scalar) {
				if (avail - pos < c->esize)
					break;
				if (!p->skip)
					scalar_cell(p, i, row + pos, flagged);
				pos += c->esize;
				continue;
			}
			size_t sz = cell_size(p, i, row + pos, avail - pos, &count);
			if (sz == CELL_BAD) {
				fail(p, VOT_EDATA, "row %lu: implausible array length in column '%s'",
				     t->nrows + 1, t->fields[i].name);
				return;
			}
			if (sz == CELL_SHORT)
				break;
			if (!p->skip) {
				const unsigned char *data = row + pos + (c->nelem < 0 ? 4 : 0);
				if (!binary_cell(p, i, data, count, flagged))
					return;
			}
			pos += sz;
		}
		if (i < nf) {
			/* incomplete: wait for more, unless it cannot be a row */
			if (avail > MAX_ROW_BYTES)
				fail(p, VOT_EDATA, "row %lu is too large", t->nrows + 1);
			break;
		}
		if (pos == 0) {
			/* else endless empty rows from the first byte */
			fail(p, VOT_EDATA, nf ? "BINARY rows of zero bytes (no FIELD has data)"
					      : "BINARY data in a TABLE without FIELDs");
			return;
		}
		p->uscan = false;
		p->binpos += pos;
		if (p->skip)
			t->nrows++;
		else
			deliver_row(p);
	}
	/* keep only the incomplete tail */
	if (p->binpos > 0) {
		memmove(p->bin, p->bin + p->binpos, p->binlen - p->binpos);
		p->binlen -= p->binpos;
		p->binpos = 0;
	}
}

/* base64: 0..63 a digit, 64 white space, 65 '=', 66 '<', 67 invalid */
enum { B64_WS = 64, B64_PAD, B64_END, B64_BAD };
static const unsigned char b64val[256] = {
#define X B64_BAD
	X,X,X,X,X,X,X,X,X,B64_WS,B64_WS,X,X,B64_WS,X,X,
	X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
	B64_WS,X,X,X,X,X,X,X,X,X,X,62,X,X,X,63,
	52,53,54,55,56,57,58,59,60,61,X,X,B64_END,B64_PAD,X,X,
	X,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,
	15,16,17,18,19,20,21,22,23,24,25,X,X,X,X,X,
	X,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,
	41,42,43,44,45,46,47,48,49,50,51,X,X,X,X,X,
	X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
	X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
	X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
	X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X, X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,X,
#undef X
};

/* The pair table: the 12 bits of two base64 digits read as one 16-bit
 * little-endian word, which halves the lookups of the fast path. */
static bool
b64pairs_init(struct vot_parser *p)
{
	if (p->b64pairs)
		return true;
	p->b64pairs = malloc(65536 * sizeof *p->b64pairs);
	if (!p->b64pairs) {
		nomem(p);
		return false;
	}
	for (unsigned i = 0; i < 65536; i++) {
		unsigned a = b64val[i & 0xFF], b = b64val[i >> 8];
		p->b64pairs[i] = a < 64 && b < 64 ? (uint16_t)(a << 6 | b) : 0xFFFF;
	}
	return true;
}

/* Decode base64 text s[0..n) into the binary buffer, then decode rows.
 * Stops at '<' when stop_at_lt (raw reading).  Returns bytes consumed. */
static size_t
stream_text(struct vot_parser *p, const char *s, size_t n, bool stop_at_lt)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t need = p->binlen + n / 4 * 3 + 3 + 8;	/* 8: slack for word stores */
	size_t i = 0;

	if (need > p->bincap) {
		size_t cap = p->bincap ? p->bincap : 65536;
		while (cap < need)
			cap *= 2;
		unsigned char *nb = realloc(p->bin, cap);
		if (!nb) {
			nomem(p);
			return 0;
		}
		p->bin = nb;
		p->bincap = cap;
	}
	unsigned char *out = p->bin + p->binlen;
	unsigned acc = p->b64acc;
	int k = p->b64n;

	bool pad = p->b64pad;	/* a local: stores through out may alias p */
	const char *bad = NULL;
	char badc[64];
	for (; i < n; i++) {
		/* fast path, the usual case: eight digits (six bytes) at a
		 * time, stored as one word into the slack kept after the data */
		if (k == 0 && !pad) {
			const uint16_t *pairs = p->b64pairs;
			while (i + 8 <= n) {
				uint64_t w;
				memcpy(&w, u + i, 8);
				w = le64toh(w);		/* u[i] in the low byte */
				uint64_t x0 = pairs[w & 0xFFFF], x1 = pairs[(w >> 16) & 0xFFFF];
				uint64_t x2 = pairs[(w >> 32) & 0xFFFF], x3 = pairs[w >> 48];
				if ((x0 | x1 | x2 | x3) & 0x8000)
					break;
				uint64_t q = x0 << 52 | x1 << 40 | x2 << 28 | x3 << 16;
				q = htobe64(q);
				memcpy(out, &q, 8);
				out += 6;
				i += 8;
			}
			while (i + 4 <= n) {
				unsigned a = b64val[u[i]], b = b64val[u[i + 1]];
				unsigned c = b64val[u[i + 2]], d = b64val[u[i + 3]];
				if ((a | b | c | d) >= 64)
					break;
				unsigned q = a << 18 | b << 12 | c << 6 | d;
				out[0] = (unsigned char)(q >> 16);
				out[1] = (unsigned char)(q >> 8);
				out[2] = (unsigned char)q;
				out += 3;
				i += 4;
			}
			if (i == n)
				break;
		}
		unsigned v = b64val[u[i]];
		if (v < 64) {
			if (pad) {
				bad = "invalid base64 in STREAM: data after '=' padding";
				break;
			}
			acc = acc << 6 | v;
			if (++k == 4) {
				out[0] = (unsigned char)(acc >> 16);
				out[1] = (unsigned char)(acc >> 8);
				out[2] = (unsigned char)acc;
				out += 3;
				k = 0;
				acc = 0;
			}
			continue;
		}
		if (v == B64_WS) {
			if (u[i] == '\n')
				p->stream_lines++;
			continue;
		}
		if (v == B64_PAD) {
			/* "xx==" ends a group with one byte, "xxx=" with two */
			if (k == 2) {
				*out++ = (unsigned char)(acc >> 4);
			} else if (k == 3) {
				*out++ = (unsigned char)(acc >> 10);
				*out++ = (unsigned char)(acc >> 2);
			} else if (!(k == 0 && pad)) {
				bad = "invalid base64 in STREAM: misplaced '='";
				break;
			}
			pad = true;
			k = 0;
			acc = 0;
			continue;
		}
		if (v == B64_END && stop_at_lt)
			break;
		snprintf(badc, sizeof badc, "invalid base64 character 0x%02x in STREAM", u[i]);
		bad = badc;
		break;
	}
	p->b64acc = acc;
	p->b64n = k;
	p->b64pad = pad;
	p->binlen = (size_t)(out - p->bin);
	/* the rows complete before an error are delivered first, so that
	 * they do not depend on how the input was cut */
	if (!p->skip || p->binlen > 65536 || bad)
		binary_rows(p);
	if (bad)
		fail(p, VOT_EDATA, "%s", bad);
	return i;
}

static void
stream_end(struct vot_parser *p)
{
	if (p->b64n != 0) {
		fail(p, VOT_EDATA, "invalid base64 in STREAM: truncated group");
		return;
	}
	binary_rows(p);
	if (!p->err && p->binlen > 0)
		fail(p, VOT_EDATA, "STREAM ends inside row %lu (%zu stray bytes)",
		     p->table->nrows + 1, p->binlen);
}

/* ------------------------------------------------------- expat callbacks */

/* The token expat reports (a tag, comment, ...) is within MAX_TEXT bytes
 * of input; else fail.  With check_token, which looks at an unfinished
 * one, a token is refused whatever the pieces the input came in. */
static bool
token_ok(struct vot_parser *p, const char *what)
{
	int n = XML_GetCurrentByteCount(p->xp);
	if (n < 0 || (size_t)n <= MAX_TEXT)
		return true;
	fail(p, VOT_EDATA, "element text too large (%s over %zu MiB)", what, MAX_TEXT >> 20);
	return false;
}

/* <STREAM> of a BINARY or BINARY2: read its content raw from the input
 * (expat stopped) where the encoding allows, else as character data. */
static void
start_stream(struct vot_parser *p, const XML_Char **atts)
{
	if (!p->table || (parent(p) != E_BINARY && parent(p) != E_BINARY2))
		return;
	const char *href = attr(atts, "href");
	const char *enc = attr(atts, "encoding");
	if (href) {
		fail(p, VOT_EUNSUPPORTED, "external STREAM (href=\"%s\") is not supported", href);
		return;
	}
	if (enc && strcmp(enc, "base64") != 0) {
		fail(p, VOT_EUNSUPPORTED, "STREAM encoding \"%s\" is not supported", enc);
		return;
	}
	if (!b64pairs_init(p))
		return;
	p->b64acc = 0;
	p->b64n = 0;
	p->b64pad = false;
	p->binlen = p->binpos = 0;
	p->uscan = false;
	/* Expat has received input past this tag that it has not
	 * parsed (with reparse deferral, possibly more than the current
	 * buffer): its input context holds it, up to the end of all
	 * input given so far. */
	int off = 0, size = 0;
	const char *ctx = p->bypass_ok ? XML_GetInputContext(p->xp, &off, &size) : NULL;
	int taglen = XML_GetCurrentByteCount(p->xp);
	if (ctx && taglen > 0 && off + taglen <= size) {
		size_t tail = (size_t)(size - off - taglen);
		free(p->pending);
		p->pending = malloc(tail ? tail : 1);
		if (!p->pending) {
			nomem(p);
			return;
		}
		memcpy(p->pending, ctx + off + taglen, tail);
		p->pendinglen = tail;
		p->stop_for_stream = true;
		p->line_base += (unsigned long)XML_GetCurrentLineNumber(p->xp) - 1;
		p->stream_lines = 0;
		XML_StopParser(p->xp, XML_FALSE);
	} else {
		p->in_stream = true;
	}
}

/* TR or TD: rows only where a TABLE's TABLEDATA has set up its columns */
static void
start_row_element(struct vot_parser *p, enum elem e, const char *name)
{
	enum elem want = e == E_TD ? E_TR : E_TABLEDATA;
	if (parent(p) != want || !p->table || !p->begun) {
		fail(p, VOT_EDATA, "<%s> outside a TABLE's %s", name,
		     e == E_TD ? "TR" : "TABLEDATA");
		return;
	}
	if (e == E_TR) {
		p->rowlen = 0;
		p->ncell = 0;
		return;
	}
	if (p->skip)
		return;
	if (p->ncell >= p->table->nfields) {
		fail(p, VOT_EDATA, "row %lu has more cells than the %zu FIELDs",
		     p->table->nrows + 1, p->table->nfields);
		return;
	}
	p->offs[p->ncell] = p->rowlen;
	p->in_td = true;
}

/* Remember the opening tag of the element just pushed, with its namespace
 * declarations, for the parser restart after a raw-read STREAM. */
static bool
remember_tag(struct vot_parser *p, const char *name, const XML_Char **atts)
{
	size_t len = strlen(name) + 3;
	for (const XML_Char **a = atts; *a; a += 2)
		if (!strncmp(a[0], "xmlns", 5))
			len += strlen(a[0]) + strlen(a[1]) + 4;
	char *tag = malloc(len);
	if (!tag) {
		nomem(p);
		return false;
	}
	char *w = tag + sprintf(tag, "<%s", name);
	for (const XML_Char **a = atts; *a; a += 2)
		if (!strncmp(a[0], "xmlns", 5) && !strchr(a[1], '"'))
			w += sprintf(w, " %s=\"%s\"", a[0], a[1]);
	strcpy(w, ">");
	p->tags[p->depth - 1] = tag;
	return true;
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct vot_parser *p = ud;
	enum elem e;

	if (p->replaying || p->err || !token_ok(p, "a tag"))
		return;
	e = elem_of(name);
	if (p->depth >= MAX_DEPTH) {
		fail(p, VOT_EDATA, "elements nested too deeply");
		return;
	}
	if (p->depth && p->stack[p->depth - 1] == E_TD) {
		/* a TD holds text only; its cell would be finished twice */
		fail(p, VOT_EDATA, "element <%s> inside a TD", name);
		return;
	}
	/* in INFO or DESCRIPTION (which may hold XHTML): no VOTable meaning */
	if (p->collect)
		e = E_OTHER;
	p->stack[p->depth] = e;
	p->tags[p->depth] = NULL;
	p->group_pushed[p->depth] = false;
	p->depth++;
	if (p->collect)
		return;

	if (e == E_TD || e == E_TR) {
		start_row_element(p, e, name);
		return;
	}
	if (!remember_tag(p, name, atts))
		return;
	if (!p->root_seen) {
		p->root_seen = true;
		if (e != E_VOTABLE) {
			fail(p, VOT_EDATA, "not a VOTable (root element is <%s>)", name);
			return;
		}
	}

	switch (e) {
	case E_VOTABLE:
		if (!p->doc.version)
			p->doc.version = xstrdup(p, attr(atts, "version"));
		break;
	case E_RESOURCE:
		start_resource(p, atts);
		break;
	case E_TABLE:
		if (p->table) {
			fail(p, VOT_EDATA, "TABLE inside TABLE");
			return;
		}
		start_table(p, atts);
		break;
	case E_FIELD:
		if (parent(p) != E_TABLE || !p->table)
			break;
		if (p->field) {
			fail(p, VOT_EDATA, "FIELD inside a FIELD or PARAM");
			return;
		}
		if (p->begun) {
			fail(p, VOT_EDATA, "FIELD after DATA");
			return;
		}
		p->field = append(p, &p->table->fields, &p->table->nfields, sizeof *p->field);
		if (p->field)
			read_field_attrs(p, p->field, atts);
		break;
	case E_PARAM:
		if (p->field) {
			fail(p, VOT_EDATA, "PARAM inside a FIELD or PARAM");
			return;
		}
		p->field = new_param(p);
		if (p->field)
			read_field_attrs(p, p->field, atts);
		break;
	case E_INFO:
		p->info = new_info(p);
		if (p->info) {
			p->info->id = xstrdup(p, attr(atts, "ID"));
			p->info->name = xstrdup(p, attr(atts, "name"));
			p->info->value = xstrdup(p, attr(atts, "value"));
			p->textlen = 0;
			p->collect = true;
		}
		break;
	case E_GROUP: {
		struct vot_group *g = new_group(p);
		if (!g)
			break;
		g->id = xstrdup(p, attr(atts, "ID"));
		g->name = xstrdup(p, attr(atts, "name"));
		g->ref = xstrdup(p, attr(atts, "ref"));
		g->ucd = xstrdup(p, attr(atts, "ucd"));
		g->utype = xstrdup(p, attr(atts, "utype"));
		p->groups[p->ngroups++] = g;
		p->group_pushed[p->depth - 1] = true;
		break;
	}
	case E_FIELDREF: case E_PARAMREF:
		if (parent(p) == E_GROUP && p->ngroups) {
			struct vot_group *g = p->groups[p->ngroups - 1];
			char **r = append(p, &g->fieldrefs, &g->nfieldrefs, sizeof *r);
			if (r)
				*r = xstrdup(p, attr(atts, "ref"));
		}
		break;
	case E_DESCRIPTION:
		p->textlen = 0;
		p->collect = true;
		break;
	case E_VALUES:
		if (p->field) {
			struct vot_values *v = &p->field->values;
			if (!v->null)
				v->null = xstrdup(p, attr(atts, "null"));
			if (!v->ref)
				v->ref = xstrdup(p, attr(atts, "ref"));
		}
		break;
	case E_MIN: case E_MAX:
		if (p->field && parent(p) == E_VALUES) {
			struct vot_values *v = &p->field->values;
			const char *inc = attr(atts, "inclusive");
			bool incl = !inc || !strcmp(inc, "yes") || !strcmp(inc, "true");
			if (e == E_MIN && !v->min) {
				v->min = xstrdup(p, attr(atts, "value"));
				v->min_inclusive = incl;
			} else if (e == E_MAX && !v->max) {
				v->max = xstrdup(p, attr(atts, "value"));
				v->max_inclusive = incl;
			}
		}
		break;
	case E_OPTION:
		if (p->field) {
			struct vot_values *v = &p->field->values;
			struct vot_option *o = append(p, &v->options, &v->noptions, sizeof *o);
			if (o) {
				o->name = xstrdup(p, attr(atts, "name"));
				o->value = xstrdup(p, attr(atts, "value"));
			}
		}
		break;
	case E_TABLEDATA:
		if (!p->table)
			break;
		p->ser = VOT_SER_TABLEDATA;
		begin_rows(p);
		break;
	case E_BINARY: case E_BINARY2:
		if (!p->table)
			break;
		p->ser = e == E_BINARY ? VOT_SER_BINARY : VOT_SER_BINARY2;
		begin_rows(p);
		break;
	case E_FITS:
		fail(p, VOT_EUNSUPPORTED, "FITS serialization inside VOTable is not supported");
		break;
	case E_STREAM:
		start_stream(p, atts);
		break;
	default:
		break;
	}
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct vot_parser *p = ud;
	(void)name;

	if (p->err || p->depth == 0)
		return;
	enum elem e = p->stack[--p->depth];
	free(p->tags[p->depth]);
	p->tags[p->depth] = NULL;

	switch (e) {
	case E_TD:
		if (p->skip)
			return;
		p->in_td = false;
		finish_td(p, p->ncell, p->offs[p->ncell]);
		p->ncell++;
		return;
	case E_TR:
		if (p->skip) {
			p->table->nrows++;
			return;
		}
		if (p->ncell < p->table->nfields) {
			fail(p, VOT_EDATA, "row %lu has %zu cells, expected %zu",
			     p->table->nrows + 1, p->ncell, p->table->nfields);
			return;
		}
		deliver_row(p);
		return;
	case E_RESOURCE:
		if (p->nres)
			p->nres--;
		break;
	case E_TABLE:
		if (!p->table)
			break;
		if (!p->begun)
			begin_rows(p);
		if (!p->err && p->h.table_end && !p->skip && p->h.table_end(p->h.ctx, p->table))
			fail(p, VOT_ECALLBACK, "stopped");
		end_table_data(p);
		p->table = NULL;
		break;
	case E_FIELD:
		if (p->field && p->depth >= 1 && p->stack[p->depth - 1] == E_TABLE) {
			finish_field(p, p->field, false);
			p->field = NULL;
		}
		break;
	case E_PARAM:
		if (p->field) {
			finish_field(p, p->field, true);
			p->field = NULL;
		}
		break;
	case E_INFO:
		if (p->info) {
			p->info->content = text_take(p, true);
			p->info->excerpt = excerpt(p, p->info->content && *p->info->content
						   ? p->info->content : p->info->value);
			p->info = NULL;
		}
		break;
	case E_GROUP:
		if (p->group_pushed[p->depth] && p->ngroups)
			p->ngroups--;
		break;
	case E_DESCRIPTION: {
		enum elem up = p->depth >= 1 ? p->stack[p->depth - 1] : E_OTHER;
		char **slot = NULL;
		if ((up == E_FIELD || up == E_PARAM) && p->field)
			slot = &p->field->description;
		else if (up == E_TABLE && p->table)
			slot = &p->table->description;
		else if (up == E_GROUP && p->ngroups)
			slot = &p->groups[p->ngroups - 1]->description;
		if (slot && !*slot)
			*slot = text_take(p, true);
		else
			p->collect = false, p->textlen = 0;
		break;
	}
	case E_STREAM:
		/* For <STREAM/> during raw reading set-up nothing is done here:
		 * the raw reader finds the '<' at once and ends the stream. */
		if (p->in_stream) {
			p->in_stream = false;
			stream_end(p);
		}
		break;
	default:
		break;
	}
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct vot_parser *p = ud;

	if (p->in_td) {
		if (p->rowlen + (size_t)len > MAX_ROW_BYTES) {
			fail(p, VOT_EDATA, "row %lu is too large (over %zu MiB of TD text)",
			     p->table->nrows + 1, MAX_ROW_BYTES >> 20);
			return;
		}
		if (row_reserve(p, (size_t)len + 1)) {
			memcpy(p->row + p->rowlen, s, (size_t)len);
			p->rowlen += (size_t)len;
		}
	} else if (p->collect) {
		if (!p->err)
			text_append(p, s, (size_t)len);
	} else if (p->in_stream && !p->err) {
		stream_text(p, s, (size_t)len, false);
	}
}

static void XMLCALL
on_xmldecl(void *ud, const XML_Char *version, const XML_Char *encoding, int standalone)
{
	struct vot_parser *p = ud;
	(void)version;
	(void)standalone;
	if (!encoding || p->replaying || !token_ok(p, "the XML declaration"))
		return;
	free(p->encoding);
	p->encoding = xstrdup(p, encoding);
	/* raw STREAM reading assumes an ASCII-compatible encoding */
	if (strcasecmp(encoding, "UTF-8") && strcasecmp(encoding, "US-ASCII") &&
	    strcasecmp(encoding, "ISO-8859-1") && strcasecmp(encoding, "latin1"))
		p->bypass_ok = false;
}

static void XMLCALL
on_entity_decl(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
	       int value_len, const XML_Char *base, const XML_Char *system_id,
	       const XML_Char *public_id, const XML_Char *notation)
{
	struct vot_parser *p = ud;
	(void)is_param; (void)value; (void)value_len; (void)base;
	(void)system_id; (void)public_id; (void)notation;
	/* VOTables never need them, and they are how entity bombs work */
	fail(p, VOT_EDATA, "entity declarations are not allowed (entity '%s')", name);
}

/* The writers that say who they are in a comment and count unicodeChar
 * arrays in UTF-16 units (a surrogate pair as two): astropy and STIL.
 * DaCHS counts characters; so do we for every other writer. */
static void XMLCALL
on_comment(void *ud, const XML_Char *data)
{
	struct vot_parser *p = ud;
	if (!token_ok(p, "a comment"))
		return;
	if (!p->begun && (strstr(data, "astropy.io.votable") || strstr(data, "written by STIL")))
		p->utf16_units = true;
}

static void XMLCALL
on_pi(void *ud, const XML_Char *target, const XML_Char *data)
{
	(void)target;
	(void)data;
	token_ok(ud, "a processing instruction");
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
	   int has_internal_subset)
{
	struct vot_parser *p = ud;
	(void)name;
	/* declarations are never needed (and entities are how bombs work) */
	if (has_internal_subset)
		fail(p, VOT_EDATA, "DOCTYPE with an internal subset is not allowed");
	else if ((sysid ? strlen(sysid) : 0) + (pubid ? strlen(pubid) : 0) > MAX_TEXT)
		fail(p, VOT_EDATA, "element text too large (DOCTYPE over %zu MiB)", MAX_TEXT >> 20);
}

static bool
make_expat(struct vot_parser *p)
{
	p->xp = XML_ParserCreate(p->encoding);
	if (!p->xp) {
		nomem(p);
		return false;
	}
	p->xfed = 0;
	XML_SetUserData(p->xp, p);
	XML_SetElementHandler(p->xp, on_start, on_end);
	XML_SetCharacterDataHandler(p->xp, on_text);
	XML_SetXmlDeclHandler(p->xp, on_xmldecl);
	XML_SetCommentHandler(p->xp, on_comment);
	XML_SetProcessingInstructionHandler(p->xp, on_pi);
	XML_SetStartDoctypeDeclHandler(p->xp, on_doctype);
	XML_SetEntityDeclHandler(p->xp, on_entity_decl);
	return true;
}

/* After raw STREAM reading: a new expat parser, primed with the open
 * elements, continues at the '<' of </STREAM>. */
static bool
restart_expat(struct vot_parser *p)
{
	size_t len = 1;
	for (int i = 0; i < p->depth; i++)
		len += p->tags[i] ? strlen(p->tags[i]) : 0;
	char *prefix = malloc(len);
	if (!prefix) {
		nomem(p);
		return false;
	}
	prefix[0] = '\0';
	size_t n = 0;
	for (int i = 0; i < p->depth; i++)
		if (p->tags[i]) {
			size_t k = strlen(p->tags[i]);
			memcpy(prefix + n, p->tags[i], k);
			n += k;
		}
	XML_ParserFree(p->xp);
	p->xp = NULL;
	if (!make_expat(p)) {
		free(prefix);
		return false;
	}
	p->line_base += p->stream_lines;
	p->replaying = true;
	enum XML_Status st = XML_Parse(p->xp, prefix, (int)n, 0);
	p->xfed += (long long)n;
	p->replaying = false;
	free(prefix);
	if (st != XML_STATUS_OK) {
		fail(p, VOT_EDATA, "internal error restarting the XML parser");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------ public API */

struct vot_parser *
vot_parser_new(const struct vot_handler *h)
{
	struct vot_parser *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->h = *h;
	p->bypass_ok = true;
	if (!make_expat(p)) {
		free(p);
		return NULL;
	}
	return p;
}

static enum vot_err
xml_error(struct vot_parser *p, bool final)
{
	if (p->err)
		return p->err;
	char msg[300];
	xml_error_text(p->xp, final, msg, sizeof msg);
	fail(p, VOT_EDATA, "%s", msg);
	return p->err;
}

static enum vot_err feed(struct vot_parser *p, const char *buf, size_t len);

/* After expat took everything given: how much of it is an unfinished
 * token (a tag, comment, ...; character data is handed over as it comes)?
 * Too much is an error; much means the input is held back (feed) until
 * the token has doubled, so that each byte is scanned a few times only. */
static void
check_token(struct vot_parser *p)
{
	XML_Index at = XML_GetCurrentByteIndex(p->xp);
	if (at < 0 || (long long)at > p->xfed)
		return;
	size_t open = (size_t)(p->xfed - (long long)at);
	if (open > MAX_TEXT)
		fail(p, VOT_EDATA, "element text too large (a tag or comment over %zu MiB)",
		     MAX_TEXT >> 20);
	else if (open > DEFER_MIN)
		p->holdneed = open;
}

/* Keep input back from expat (see check_token). */
static bool
hold_append(struct vot_parser *p, const char *buf, size_t len)
{
	if (p->holdlen + len > p->holdcap) {
		size_t cap = p->holdcap ? p->holdcap : DEFER_MIN;
		while (cap < p->holdlen + len)
			cap *= 2;
		char *nh = realloc(p->hold, cap);
		if (!nh) {
			nomem(p);
			return false;
		}
		p->hold = nh;
		p->holdcap = cap;
	}
	memcpy(p->hold + p->holdlen, buf, len);
	p->holdlen += len;
	return true;
}

/* Give expat what was held back. */
static enum vot_err
release_hold(struct vot_parser *p)
{
	char *h = p->hold;
	size_t n = p->holdlen;
	p->hold = NULL;
	p->holdlen = p->holdcap = p->holdneed = 0;
	if (n)
		feed(p, h, n);
	free(h);
	return p->err;
}

static enum vot_err
feed(struct vot_parser *p, const char *buf, size_t len)
{
	if (p->holdneed) {
		if (!hold_append(p, buf, len))
			return p->err;
		return p->holdlen < p->holdneed ? VOT_OK : release_hold(p);
	}
	while (len > 0 && !p->err) {
		if (p->holdneed)
			return feed(p, buf, len);	/* set by a nested feed */
		if (p->bypass) {
			size_t used = stream_text(p, buf, len, true);
			if (p->err || used == len)
				return p->err;
			/* the '<' of </STREAM>: back to XML */
			buf += used;
			len -= used;
			p->bypass = false;
			stream_end(p);
			if (p->err || !restart_expat(p))
				return p->err;
			continue;
		}
		/* expat takes int lengths */
		int chunk = len > (1u << 30) ? 1 << 30 : (int)len;
		enum XML_Status st = XML_Parse(p->xp, buf, chunk, 0);
		p->xfed += chunk;
		buf += chunk;
		len -= (size_t)chunk;
		if (st == XML_STATUS_ERROR && p->stop_for_stream && !p->err) {
			/* Expat stopped at <STREAM>, having received everything up
			 * to here; what it did not parse is in pending.  That may
			 * hold another STREAM: feed it the same way. */
			char *pend = p->pending;
			size_t plen = p->pendinglen;
			p->pending = NULL;
			p->stop_for_stream = false;
			p->bypass = true;
			feed(p, pend, plen);
			free(pend);
			continue;
		}
		if (st == XML_STATUS_ERROR)
			return xml_error(p, false);
		check_token(p);
	}
	return p->err;
}

enum vot_err
vot_parser_feed(struct vot_parser *p, const char *buf, size_t len)
{
	if (!p->started && len > 0) {
		p->started = true;
		if (len >= 2 && (buf[0] == 0 || buf[1] == 0 ||
		    (unsigned char)buf[0] == 0xFE || (unsigned char)buf[0] == 0xFF))
			p->bypass_ok = false;	/* UTF-16 or UTF-32: no raw STREAM reading */
	}
	return feed(p, buf, len);
}

enum vot_err
vot_parser_finish(struct vot_parser *p)
{
	if (p->err)
		return p->err;
	if (p->holdneed && release_hold(p))
		return p->err;
	if (p->bypass) {
		fail(p, VOT_EDATA, "truncated document (inside STREAM, row %lu)",
		     p->table ? p->table->nrows + 1 : 0);
		return p->err;
	}
	if (XML_Parse(p->xp, "", 0, 1) == XML_STATUS_ERROR)
		return xml_error(p, true);
	if (!p->root_seen)
		fail(p, VOT_EDATA, "empty document");
	return p->err;
}

enum vot_err
vot_parse_fd(struct vot_parser *p, int fd)
{
	char buf[1 << 16];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail(p, VOT_EDATA, "read error: %s", strerror(errno));
			return p->err;
		}
		if (n == 0)
			break;
		if (vot_parser_feed(p, buf, (size_t)n))
			return p->err;
	}
	return vot_parser_finish(p);
}

const char *
vot_parser_errmsg(const struct vot_parser *p)
{
	return p->errmsg;
}

const struct vot_doc *
vot_parser_doc(const struct vot_parser *p)
{
	return &p->doc;
}

static void
free_field(struct vot_field *f)
{
	free(f->name); free(f->id); free(f->datatype); free(f->arraysize);
	free(f->unit); free(f->ucd); free(f->utype); free(f->xtype); free(f->ref);
	free(f->description); free(f->precision); free(f->width); free(f->value);
	free(f->values.null); free(f->values.min); free(f->values.max); free(f->values.ref);
	for (size_t i = 0; i < f->values.noptions; i++) {
		free(f->values.options[i].name);
		free(f->values.options[i].value);
	}
	free(f->values.options);
}

static void
free_fields(struct vot_field *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free_field(&v[i]);
	free(v);
}

static void
free_infos(struct vot_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id); free(v[i].name); free(v[i].value); free(v[i].content);
		free(v[i].excerpt);
	}
	free(v);
}

static void
free_groups(struct vot_group *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct vot_group *g = &v[i];
		free(g->id); free(g->name); free(g->ref); free(g->ucd); free(g->utype);
		free(g->description);
		free_fields(g->params, g->nparams);
		for (size_t k = 0; k < g->nfieldrefs; k++)
			free(g->fieldrefs[k]);
		free(g->fieldrefs);
		free_groups(g->groups, g->ngroups);
	}
	free(v);
}

void
vot_parser_free(struct vot_parser *p)
{
	if (!p)
		return;
	if (p->xp)
		XML_ParserFree(p->xp);
	for (int i = 0; i < p->depth; i++)
		free(p->tags[i]);
	struct vot_doc *d = &p->doc;
	free(d->version);
	free_infos(d->infos, d->ninfos);
	free_fields(d->params, d->nparams);
	for (size_t i = 0; i < d->nresources; i++) {
		struct vot_resource *r = &d->resources[i];
		free(r->id); free(r->name); free(r->type); free(r->utype);
		free_infos(r->infos, r->ninfos);
		free_fields(r->params, r->nparams);
		free_groups(r->groups, r->ngroups);
		free(r->tables);
	}
	free(d->resources);
	for (size_t i = 0; i < d->ntables; i++) {
		struct vot_table *t = d->tables[i];
		free(t->id); free(t->name); free(t->ref); free(t->ucd); free(t->utype);
		free(t->description);
		free_fields(t->fields, t->nfields);
		free_fields(t->params, t->nparams);
		free_infos(t->infos, t->ninfos);
		free_groups(t->groups, t->ngroups);
		free(t);
	}
	free(d->tables);
	end_table_data(p);
	free(p->text);
	free(p->row);
	free(p->bin);
	free(p->encoding);
	free(p->pending);
	free(p->hold);
	free(p->b64pairs);
	free(p);
}

static enum vot_status
status_of(const struct vot_info *v, size_t n, enum vot_status worst, const char **msg)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i].name || strcmp(v[i].name, "QUERY_STATUS") != 0 || !v[i].value)
			continue;
		enum vot_status s = !strcasecmp(v[i].value, "ERROR") ? VOT_STATUS_ERROR
				  : !strcasecmp(v[i].value, "OVERFLOW") ? VOT_STATUS_OVERFLOW
				  : VOT_STATUS_OK;
		if (s > worst) {
			worst = s;
			/* no excerpt in an INFO not yet ended: its value is
			 * the word ERROR or OVERFLOW then */
			if (msg)
				*msg = v[i].excerpt ? v[i].excerpt : s != VOT_STATUS_OK ? v[i].value : "";
		}
	}
	return worst;
}

size_t
vot_field_index(const struct vot_table *t, const char *name)
{
	size_t folded = SIZE_MAX;
	for (size_t i = 0; i < t->nfields; i++) {
		if (!t->fields[i].name)
			continue;
		if (!strcmp(t->fields[i].name, name))
			return i;
		if (folded == SIZE_MAX && !strcasecmp(t->fields[i].name, name))
			folded = i;
	}
	return folded;
}

enum vot_status
vot_doc_status(const struct vot_doc *d, const char **msg)
{
	enum vot_status s = VOT_STATUS_NONE;
	if (msg)
		*msg = "";
	s = status_of(d->infos, d->ninfos, s, msg);
	for (size_t i = 0; i < d->nresources; i++)
		s = status_of(d->resources[i].infos, d->resources[i].ninfos, s, msg);
	for (size_t i = 0; i < d->ntables; i++)
		s = status_of(d->tables[i]->infos, d->tables[i]->ninfos, s, msg);
	return s;
}
