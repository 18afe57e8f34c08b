/* Reading TSV and CSV tables into the vot.h row model.
 *
 * Records are parsed into one growing text buffer (each field
 * NUL-terminated), so a row costs no allocation once the buffers have
 * grown to the widest row.  Without a complete metadata header, the rows
 * of the first pass go to a tmpfile() in a simple binary form (per field:
 * a size_t length, SIZE_MAX for NULL, then the bytes) and are replayed
 * once the column types are known. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tablein.h"

#define NULL_LEN SIZE_MAX	/* spooled length of a NULL field */

/* Buffered input, one physical line at a time. */
struct reader {
	int fd;
	char *buf;
	size_t start, end, cap;
	size_t max;		/* the longest line accepted */
	bool eof;
	unsigned long lineno;	/* of the line last returned */
};

struct span {
	size_t off, len;
	bool null;
};

/* One parsed record: field texts in text, NUL-terminated. */
struct record {
	char *text;
	size_t len, cap;
	size_t limit;		/* text may not grow beyond: the record limit + 1 */
	struct span *f;
	size_t n, fcap;
	unsigned long lineno;	/* where the record starts */
};

/* What a "# name<TAB>datatype<TAB>unit<TAB>ucd" line said. */
struct meta {
	char *name, *datatype, *arraysize, *unit, *ucd;
	enum vot_type type;
	bool used;
};

/* What the values of a column have allowed so far. */
struct guess {
	bool any, can_long, can_double, can_bool;
	bool non_ascii;		/* text beyond ASCII: unicodeChar, not char */
};

struct tin {
	enum tin_format f;
	const char *null_str;
	struct reader rd;
	struct record rec;
	struct meta *meta;
	size_t nmeta;
	struct vot_table t;
	struct vot_cell *cells;
	char *errbuf;
	size_t errlen;
};

static enum vot_err
fail(struct tin *in, enum vot_err e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (in->errlen > 0)
		vsnprintf(in->errbuf, in->errlen, fmt, ap);
	va_end(ap);
	return e;
}

static enum vot_err
fail_nomem(struct tin *in)
{
	return fail(in, VOT_ENOMEM, "out of memory");
}

/* ---- input ------------------------------------------------------------- */

/* The next line without its '\n' (a trailing CR is left to the caller):
 * 1, or 0 at end of input, or -1 on error (errno set; EFBIG for a line
 * longer than r->max).  The line stays valid until the next call.  The
 * buffer never grows beyond r->max + 3 bytes (or the prefix). */
static int
rd_line(struct reader *r, const char **line, size_t *len)
{
	size_t scanned = r->start;
	for (;;) {
		char *nl = r->end > scanned ?
		    memchr(r->buf + scanned, '\n', r->end - scanned) : NULL;
		if (nl || r->eof) {
			if (!nl && r->start == r->end)
				return 0;
			*line = r->buf + r->start;
			*len = nl ? (size_t)(nl - *line) : r->end - r->start;
			r->start = nl ? (size_t)(nl - r->buf) + 1 : r->end;
			r->lineno++;
			if (*len > r->max + (*len > 0 && (*line)[*len - 1] == '\r')) {
				errno = EFBIG;
				return -1;
			}
			return 1;
		}
		if (r->end - r->start > r->max + 1) {
			r->lineno++;	/* the line that is too long */
			errno = EFBIG;
			return -1;
		}
		/* Make room at the end: move the partial line to the front,
		 * or grow for a line longer than the buffer. */
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		scanned = r->end;
		if (r->end == r->cap) {
			/* at most the longest line, its CR and LF, and a byte */
			size_t ncap = r->cap ? r->cap * 2 : 1 << 16;
			if (ncap > r->max + 3)
				ncap = r->cap < r->max + 3 ? r->max + 3 : r->cap * 2;
			char *nb = realloc(r->buf, ncap);
			if (!nb)
				return -1;
			r->buf = nb;
			r->cap = ncap;
		}
		ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			r->eof = true;
		r->end += (size_t)n;
	}
}

/* ---- records ----------------------------------------------------------- */

/* Room for n more bytes: -1 with errno EFBIG beyond rec->limit, ENOMEM
 * if out of memory. */
static int
rec_reserve(struct record *rec, size_t n)
{
	if (rec->cap - rec->len >= n)
		return 0;
	if (rec->limit && n > rec->limit - rec->len) {
		errno = EFBIG;
		return -1;
	}
	size_t ncap = rec->cap ? rec->cap : 1024;
	while (ncap - rec->len < n)
		ncap *= 2;
	if (rec->limit && ncap > rec->limit)
		ncap = rec->limit;
	char *nt = realloc(rec->text, ncap);
	if (!nt)
		return -1;
	rec->text = nt;
	rec->cap = ncap;
	return 0;
}

static int
rec_append(struct record *rec, const char *s, size_t n)
{
	if (n == 0)
		return 0;	/* and no memcpy to a buffer not made yet */
	if (rec_reserve(rec, n) < 0)
		return -1;
	memcpy(rec->text + rec->len, s, n);
	rec->len += n;
	return 0;
}

static int
rec_begin_field(struct record *rec)
{
	if (rec->n == rec->fcap) {
		size_t ncap = rec->fcap ? rec->fcap * 2 : 16;
		struct span *nf = realloc(rec->f, ncap * sizeof *nf);
		if (!nf)
			return -1;
		rec->f = nf;
		rec->fcap = ncap;
	}
	rec->f[rec->n++] = (struct span){rec->len, 0, false};
	return 0;
}

/* Close the current field: NUL-terminate it, decide if it is NULL. */
static int
rec_end_field(struct record *rec, const char *null_str)
{
	struct span *sp = &rec->f[rec->n - 1];
	sp->len = rec->len - sp->off;
	if (rec_append(rec, "", 1) < 0)
		return -1;
	sp->null = sp->len == 0 ||
	    (*null_str && strcmp(rec->text + sp->off, null_str) == 0);
	return 0;
}

/* A TSV line into rec: fields split at tabs, \t \n \r \\ unescaped. */
static int
parse_tsv(struct record *rec, const char *line, size_t len, const char *null_str)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (rec_reserve(rec, len + 1) < 0)
		return -1;
	const char *p = line, *end = line + len;
	for (;;) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		const char *fend = tab ? tab : end;
		if (rec_begin_field(rec) < 0)
			return -1;
		/* The raw text is compared with null_str, as the writer
		 * writes it unescaped. */
		bool is_null = p == fend || (*null_str &&
		    strlen(null_str) == (size_t)(fend - p) &&
		    memcmp(p, null_str, (size_t)(fend - p)) == 0);
		/* Unescaping only shrinks: it fits in what was reserved. */
		char *o = rec->text + rec->len;
		while (p < fend) {
			const char *bs = memchr(p, '\\', (size_t)(fend - p));
			const char *stop = bs ? bs : fend;
			memcpy(o, p, (size_t)(stop - p));
			o += stop - p;
			p = stop;
			if (!bs)
				break;
			char c = bs + 1 < fend ? bs[1] : '\0';
			char u = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' :
			    c == '\\' ? '\\' : '\0';
			if (u) {
				*o++ = u;
				p += 2;
			} else {
				*o++ = '\\';	/* not an escape: keep it */
				p++;
			}
		}
		rec->len = (size_t)(o - rec->text);
		if (rec_end_field(rec, "") < 0)
			return -1;
		if (is_null)
			rec->f[rec->n - 1].null = true;
		if (!tab)
			return 0;
		p = tab + 1;
		/* the separator and NUL of the next field were reserved */
	}
}

/* A CSV record (RFC 4180) into rec; may read further lines for quoted
 * fields with line breaks.  Returns 0, or -1 with errno set, or -2 for
 * a quoted field still open at the end of input. */
static int
parse_csv(struct record *rec, struct reader *r, const char *line, size_t len,
	  const char *null_str)
{
	size_t i = 0;
	for (;;) {
		if (rec_begin_field(rec) < 0)
			return -1;
		if (i < len && line[i] == '"') {
			i++;
			for (;;) {
				const char *q = memchr(line + i, '"', len - i);
				if (!q) {
					/* the line break belongs to the value */
					if (rec_append(rec, line + i, len - i) < 0 ||
					    rec_append(rec, "\n", 1) < 0)
						return -1;
					int got = rd_line(r, &line, &len);
					if (got < 0)
						return -1;
					if (got == 0)
						return -2;
					i = 0;
					continue;
				}
				size_t qi = (size_t)(q - line);
				if (rec_append(rec, line + i, qi - i + 1) < 0)
					return -1;
				i = qi + 1;
				if (i < len && line[i] == '"') {
					i++;	/* "" is one quote, kept above */
					continue;
				}
				rec->len--;	/* the closing quote */
				break;
			}
		}
		/* Unquoted text, or stray text after a closing quote: taken
		 * as it is.  A CR before the line end is the CRLF's. */
		size_t eol = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
		size_t start = i;
		while (i < eol && line[i] != ',')
			i++;
		if (rec_append(rec, line + start, i - start) < 0 ||
		    rec_end_field(rec, null_str) < 0)
			return -1;
		if (i >= eol)
			return 0;
		i++;	/* the comma */
	}
}

/* ---- metadata and inference -------------------------------------------- */

static void
unescape_inplace(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s == '\\' && s[1] && strchr("tnr\\", s[1])) {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : '\\';
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* A "# name<TAB>datatype[arraysize]<TAB>unit<TAB>ucd" line?  Returns 1 and
 * fills m, 0 for another comment, -1 on allocation failure. */
static int
parse_meta(const char *line, size_t len, struct meta *m)
{
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len < 2 || line[0] != '#' || line[1] != ' ')
		return 0;
	char *s = strndup(line + 2, len - 2);
	if (!s)
		return -1;
	char *part[4];
	char *p = s;
	int n = 0;
	for (; n < 4 && p; n++) {
		part[n] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = '\0';
	}
	if (n < 4 || p) {
		free(s);
		return 0;
	}
	char *bracket = strchr(part[1], '[');
	size_t dtlen = bracket ? (size_t)(bracket - part[1]) : strlen(part[1]);
	char dt[32];
	if (dtlen >= sizeof dt || (bracket && part[1][strlen(part[1]) - 1] != ']')) {
		free(s);
		return 0;
	}
	memcpy(dt, part[1], dtlen);
	dt[dtlen] = '\0';
	enum vot_type type = vot_type_parse(dt);
	if (type == VOT_UNKNOWN) {
		free(s);
		return 0;
	}
	*m = (struct meta){.type = type};
	if (bracket)
		part[1][strlen(part[1]) - 1] = '\0';
	for (int k = 0; k < 4; k++)
		unescape_inplace(part[k]);
	m->name = strdup(part[0]);
	m->datatype = strdup(dt);
	m->arraysize = bracket ? strdup(bracket + 1) : NULL;
	m->unit = *part[2] ? strdup(part[2]) : NULL;
	m->ucd = *part[3] ? strdup(part[3]) : NULL;
	bool bad = !m->name || !m->datatype || (bracket && !m->arraysize) ||
	    (*part[2] && !m->unit) || (*part[3] && !m->ucd);
	free(s);
	return bad ? -1 : 1;
}

static void
meta_free(struct meta *m)
{
	free(m->name);
	free(m->datatype);
	free(m->arraysize);
	free(m->unit);
	free(m->ucd);
}

static bool
is_int64(const char *s)
{
	const char *p = s + (*s == '+' || *s == '-');
	if (!isdigit((unsigned char)*p))
		return false;
	char *e;
	errno = 0;
	(void)strtoll(s, &e, 10);
	return *e == '\0' && errno == 0;
}

static bool
is_number(const char *s)
{
	if (*s == '\0' || isspace((unsigned char)*s) || strpbrk(s, "xX"))
		return false;	/* no hex floats: VOTable has none */
	char *e;
	(void)strtod(s, &e);
	return *e == '\0';
}

/* T, F, true, false in any case: 'T' or 'F', else 0. */
static char
bool_letter(const char *s)
{
	if (strcasecmp(s, "t") == 0 || strcasecmp(s, "true") == 0)
		return 'T';
	if (strcasecmp(s, "f") == 0 || strcasecmp(s, "false") == 0)
		return 'F';
	return 0;
}

static void
guess_value(struct guess *g, const char *s)
{
	g->any = true;
	if (g->can_long && !is_int64(s))
		g->can_long = false;
	if (!g->can_long && g->can_double && !is_number(s))
		g->can_double = false;
	if (g->can_bool && !bool_letter(s))
		g->can_bool = false;
	for (const unsigned char *p = (const unsigned char *)s; !g->non_ascii && *p; p++)
		g->non_ascii = *p >= 0x80;
}

static int
set_field(struct vot_field *f, enum vot_type type, const char *arraysize)
{
	f->type = type;
	f->datatype = strdup(vot_type_name(type));
	if (!f->datatype)
		return -1;
	f->nelem = 1;
	if (arraysize) {
		int ndims = 1;
		f->arraysize = strdup(arraysize);
		if (!f->arraysize)
			return -1;
		if (vot_arraysize_parse(arraysize, &f->nelem, &ndims) < 0)
			f->nelem = -1;
		f->is_array = type == VOT_CHAR || type == VOT_UNICODE ? ndims > 1 : true;
	}
	if (type == VOT_FCOMPLEX || type == VOT_DCOMPLEX)
		f->is_array = true;
	return 0;
}

static void
table_free(struct vot_table *t)
{
	for (size_t i = 0; i < t->nfields; i++) {
		struct vot_field *f = &t->fields[i];
		free(f->name);
		free(f->datatype);
		free(f->arraysize);
		free(f->unit);
		free(f->ucd);
	}
	free(t->fields);
	free(t->name);
}

/* ---- delivery ---------------------------------------------------------- */

/* Point the cells at rec, in the vot.h text form: booleans as T/F,
 * NaN scalars as NULL, infinities as Inf/-Inf. */
static void
make_cells(struct tin *in)
{
	const struct vot_table *t = &in->t;
	for (size_t i = 0; i < t->nfields; i++) {
		const struct span *sp = &in->rec.f[i];
		struct vot_cell *c = &in->cells[i];
		const struct vot_field *f = &t->fields[i];
		c->s = in->rec.text + sp->off;
		c->len = sp->len;
		c->null = sp->null;
		if (c->null) {
			c->s = "";
			c->len = 0;
			continue;
		}
		if (f->is_array)
			continue;
		if (f->type == VOT_BOOLEAN) {
			char b = bool_letter(c->s);
			if (!b && (strcmp(c->s, "1") == 0 || strcmp(c->s, "0") == 0))
				b = c->s[0] == '1' ? 'T' : 'F';
			if (b) {
				c->s = b == 'T' ? "T" : "F";
				c->len = 1;
			} else if (strcmp(c->s, "?") == 0) {
				c->s = "";
				c->len = 0;
				c->null = true;
			}
		} else if (f->type == VOT_FLOAT || f->type == VOT_DOUBLE) {
			const char *p = c->s + (c->s[0] == '+' || c->s[0] == '-');
			if (*p != 'n' && *p != 'N' && *p != 'i' && *p != 'I')
				continue;
			double d = strtod(c->s, NULL);
			if (isnan(d)) {
				c->s = "";
				c->len = 0;
				c->null = true;
			} else if (isinf(d)) {
				c->s = d > 0 ? "Inf" : "-Inf";
				c->len = strlen(c->s);
			}
		}
	}
}

/* The error of a failed read or parse (errno set), for the line at or
 * after lineno. */
static enum vot_err
fail_input(struct tin *in, unsigned long lineno)
{
	if (errno == ENOMEM)
		return fail_nomem(in);
	if (errno == EFBIG && in->rd.max % (1 << 20) == 0)
		return fail(in, VOT_EDATA, "line %lu: a record longer than %zu MiB "
		    "(the limit of one TSV or CSV record)", lineno, in->rd.max >> 20);
	if (errno == EFBIG)
		return fail(in, VOT_EDATA, "line %lu: a record longer than %zu bytes "
		    "(the limit of one TSV or CSV record)", lineno, in->rd.max);
	return fail(in, VOT_EDATA, "read: %s", strerror(errno));
}

/* Next record into in->rec: 1, 0 at end of input, or an error (< 0, the
 * message in errbuf, returned as -(enum vot_err)). */
static int
next_record(struct tin *in, const char *line, size_t len)
{
	struct record *rec = &in->rec;
	rec->len = 0;
	rec->n = 0;
	if (!line) {
		int got = rd_line(&in->rd, &line, &len);
		if (got < 0)
			return -(int)fail_input(in, in->rd.lineno);
		if (got == 0)
			return 0;
	}
	rec->lineno = in->rd.lineno;
	int rc = in->f == TIN_TSV ? parse_tsv(rec, line, len, in->null_str) :
	    parse_csv(rec, &in->rd, line, len, in->null_str);
	if (rc == -2)
		return -(int)fail(in, VOT_EDATA, "line %lu: quoted field not closed",
		    rec->lineno);
	if (rc < 0)
		return -(int)fail_input(in, rec->lineno);
	if (in->t.nfields && rec->n != in->t.nfields)
		return -(int)fail(in, VOT_EDATA, "line %lu: %zu fields, expected %zu",
		    rec->lineno, rec->n, in->t.nfields);
	return 1;
}

/* Leading '#' lines, then the header row: sets up in->t (names, and the
 * types where metadata gives them).  *all_meta tells if every column has
 * metadata. */
static enum vot_err
read_header(struct tin *in, bool *all_meta)
{
	const char *line;
	size_t len;
	int got;
	while ((got = rd_line(&in->rd, &line, &len)) > 0 && len > 0 && line[0] == '#') {
		struct meta m = {0};
		int ok = parse_meta(line, len, &m);
		if (ok < 0) {
			meta_free(&m);
			return fail_nomem(in);
		}
		if (ok == 0)
			continue;
		struct meta *nm = realloc(in->meta, (in->nmeta + 1) * sizeof *nm);
		if (!nm) {
			meta_free(&m);
			return fail_nomem(in);
		}
		in->meta = nm;
		in->meta[in->nmeta++] = m;
	}
	if (got < 0)
		return fail_input(in, in->rd.lineno);
	if (got == 0)
		return fail(in, VOT_EDATA, "no header row");
	int rc = next_record(in, line, len);
	if (rc < 0)
		return (enum vot_err)-rc;

	struct vot_table *t = &in->t;
	size_t n = in->rec.n;
	t->fields = calloc(n, sizeof *t->fields);
	in->cells = calloc(n, sizeof *in->cells);
	if (!t->fields || !in->cells)
		return fail_nomem(in);
	t->nfields = n;
	*all_meta = true;
	for (size_t i = 0; i < n; i++) {
		struct vot_field *f = &t->fields[i];
		f->nelem = 1;
		f->name = strdup(in->rec.text + in->rec.f[i].off);
		if (!f->name)
			return fail_nomem(in);
		/* Match metadata by name, in order, for repeated names. */
		struct meta *m = NULL;
		for (size_t k = 0; !m && k < in->nmeta; k++)
			if (!in->meta[k].used && strcmp(in->meta[k].name, f->name) == 0)
				m = &in->meta[k];
		if (!m) {
			*all_meta = false;
			continue;
		}
		m->used = true;
		if (set_field(f, m->type, m->arraysize) < 0)
			return fail_nomem(in);
		f->unit = m->unit;
		f->ucd = m->ucd;
		m->unit = m->ucd = NULL;	/* now the field's */
	}
	return VOT_OK;
}

static int
deliver(struct tin *in, const struct vot_handler *h)
{
	make_cells(in);
	in->t.nrows++;
	return h->row ? h->row(h->ctx, &in->t, in->cells) : 0;
}

static enum vot_err
stream_rows(struct tin *in, const struct vot_handler *h, bool skip)
{
	int rc;
	while ((rc = next_record(in, NULL, 0)) > 0)
		if (!skip && deliver(in, h) != 0)
			return fail(in, VOT_ECALLBACK, "stopped by the row handler");
	return rc < 0 ? (enum vot_err)-rc : VOT_OK;
}

/* First pass: every row to the spool file, and what its values allow. */
static enum vot_err
spool_rows(struct tin *in, FILE *spool, struct guess *g)
{
	int rc;
	while ((rc = next_record(in, NULL, 0)) > 0) {
		for (size_t i = 0; i < in->rec.n; i++) {
			const struct span *sp = &in->rec.f[i];
			size_t len = sp->null ? NULL_LEN : sp->len;
			if (!sp->null)
				guess_value(&g[i], in->rec.text + sp->off);
			if (fwrite(&len, sizeof len, 1, spool) != 1 ||
			    (!sp->null && sp->len > 0 &&
			    fwrite(in->rec.text + sp->off, sp->len, 1, spool) != 1))
				return fail(in, VOT_EDATA, "temporary file: %s",
				    strerror(errno));
		}
	}
	if (rc < 0)
		return (enum vot_err)-rc;
	if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0)
		return fail(in, VOT_EDATA, "temporary file: %s", strerror(errno));
	return VOT_OK;
}

static enum vot_err
replay_rows(struct tin *in, FILE *spool, const struct vot_handler *h)
{
	struct record *rec = &in->rec;
	size_t nf = in->t.nfields;
	size_t len;
	for (;;) {
		rec->len = 0;
		rec->n = 0;
		for (size_t i = 0; i < nf; i++) {
			if (fread(&len, sizeof len, 1, spool) != 1) {
				if (i == 0 && feof(spool))
					return VOT_OK;
				return fail(in, VOT_EDATA, "temporary file: %s",
				    ferror(spool) ? strerror(errno) : "truncated");
			}
			if (rec_begin_field(rec) < 0)
				return fail_nomem(in);
			if (len == NULL_LEN) {
				if (rec_append(rec, "", 1) < 0)
					return fail_nomem(in);
				rec->f[i].null = true;
				continue;
			}
			if (rec_reserve(rec, len + 1) < 0)
				return fail_nomem(in);
			if (len > 0 && fread(rec->text + rec->len, len, 1, spool) != 1)
				return fail(in, VOT_EDATA, "temporary file: truncated");
			rec->len += len;
			rec->f[i].len = len;
			rec->text[rec->len++] = '\0';
		}
		if (deliver(in, h) != 0)
			return fail(in, VOT_ECALLBACK, "stopped by the row handler");
	}
}

static enum vot_err
infer_types(struct tin *in, const struct vot_handler *h, bool *skip)
{
	struct vot_table *t = &in->t;
	struct guess *g = malloc(t->nfields * sizeof *g + 1);
	if (!g)
		return fail_nomem(in);
	for (size_t i = 0; i < t->nfields; i++)
		g[i] = (struct guess){false, true, true, true, false};
	FILE *spool = tmpfile();
	if (!spool) {
		free(g);
		return fail(in, VOT_EDATA, "temporary file: %s", strerror(errno));
	}
	enum vot_err e = spool_rows(in, spool, g);
	for (size_t i = 0; e == VOT_OK && i < t->nfields; i++) {
		struct vot_field *f = &t->fields[i];
		if (f->datatype)
			continue;	/* typed by metadata */
		int rc;
		if (g[i].any && g[i].can_long)
			rc = set_field(f, VOT_LONG, NULL);
		else if (g[i].any && g[i].can_double)
			rc = set_field(f, VOT_DOUBLE, NULL);
		else if (g[i].any && g[i].can_bool)
			rc = set_field(f, VOT_BOOLEAN, NULL);
		else
			rc = set_field(f, g[i].non_ascii ? VOT_UNICODE : VOT_CHAR, "*");
		if (rc < 0)
			e = fail_nomem(in);
	}
	free(g);
	if (e == VOT_OK && h->table_begin) {
		int rc = h->table_begin(h->ctx, t);
		if (rc == VOT_SKIP)
			*skip = true;
		else if (rc != 0)
			e = fail(in, VOT_ECALLBACK, "stopped by the table handler");
	}
	if (e == VOT_OK && !*skip)
		e = replay_rows(in, spool, h);
	fclose(spool);
	return e;
}

enum vot_err
tin_read(int fd, const char *prefix, size_t prefixlen, enum tin_format f,
	 const struct tin_opts *o, const struct vot_handler *h,
	 char *errbuf, size_t errlen)
{
	struct tin in = {
		.f = f,
		.null_str = o && o->null_str ? o->null_str : "",
		.rd = {.fd = fd, .max = o && o->max_record ? o->max_record : TIN_RECORD_MAX},
		.errbuf = errbuf,
		.errlen = errlen,
		.t = {.nrows_declared = -1, .serialization = VOT_SER_NONE},
	};
	bool all_meta = false, skip = false;
	enum vot_err e = VOT_OK;

	if (errlen > 0)
		errbuf[0] = '\0';
	in.rec.limit = in.rd.max + 1;
	if (prefixlen > 0) {
		/* the reader starts with the caller's bytes in its buffer */
		in.rd.cap = prefixlen < 1 << 16 ? 1 << 16 : prefixlen;
		if (!(in.rd.buf = malloc(in.rd.cap)))
			return fail_nomem(&in);
		memcpy(in.rd.buf, prefix, prefixlen);
		in.rd.end = prefixlen;
	}
	if (o && o->table_name && !(in.t.name = strdup(o->table_name)))
		e = fail_nomem(&in);
	if (e == VOT_OK)
		e = read_header(&in, &all_meta);
	if (e == VOT_OK && all_meta) {
		/* Types known: no need for a first pass. */
		if (h->table_begin) {
			int rc = h->table_begin(h->ctx, &in.t);
			if (rc == VOT_SKIP)
				skip = true;
			else if (rc != 0)
				e = fail(&in, VOT_ECALLBACK, "stopped by the table handler");
		}
		if (e == VOT_OK)
			e = stream_rows(&in, h, skip);
	} else if (e == VOT_OK) {
		e = infer_types(&in, h, &skip);
	}
	if (e == VOT_OK && h->table_end && h->table_end(h->ctx, &in.t) != 0)
		e = fail(&in, VOT_ECALLBACK, "stopped by the table handler");

	table_free(&in.t);
	for (size_t i = 0; i < in.nmeta; i++)
		meta_free(&in.meta[i]);
	free(in.meta);
	free(in.cells);
	free(in.rec.text);
	free(in.rec.f);
	free(in.rd.buf);
	return e;
}

static int
skip_table(void *ctx, const struct vot_table *t)
{
	(void)ctx;
	(void)t;
	return VOT_SKIP;
}

enum vot_err
tin_spool_votable(int fd, const char *prefix, size_t prefixlen,
		  struct vot_parser **doc, FILE **spool, char *errbuf, size_t errlen)
{
	static const struct vot_handler skip = { .table_begin = skip_table };
	char buf[1 << 16];
	ssize_t k = 0;
	FILE *tmp = tmpfile();
	struct vot_parser *p = vot_parser_new(&skip);
	enum vot_err e = VOT_OK;

	*doc = NULL;
	*spool = NULL;
	if (!tmp || !p) {
		snprintf(errbuf, errlen, "%s", !p ? "out of memory" : "cannot make a temporary file");
		e = !p ? VOT_ENOMEM : VOT_EDATA;
		goto fail;
	}
	if (prefixlen && fwrite(prefix, 1, prefixlen, tmp) != prefixlen)
		goto write_error;
	e = prefixlen ? vot_parser_feed(p, prefix, prefixlen) : VOT_OK;
	while (!e) {
		k = read(fd, buf, sizeof buf);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (fwrite(buf, 1, (size_t)k, tmp) != (size_t)k)
			goto write_error;
		e = vot_parser_feed(p, buf, (size_t)k);
	}
	if (k < 0) {
		snprintf(errbuf, errlen, "read error: %s", strerror(errno));
		e = VOT_EDATA;
		goto fail;
	}
	if (!e)
		e = vot_parser_finish(p);
	if (e) {
		snprintf(errbuf, errlen, "%s", vot_parser_errmsg(p));
		goto fail;
	}
	/* rewound for stdio and for read(2) on its descriptor alike */
	if (fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0 || lseek(fileno(tmp), 0, SEEK_SET) != 0)
		goto write_error;
	*doc = p;
	*spool = tmp;
	return VOT_OK;

write_error:
	snprintf(errbuf, errlen, "temporary file: %s", strerror(errno));
	e = VOT_EDATA;
fail:
	vot_parser_free(p);
	if (tmp)
		fclose(tmp);
	return e;
}
