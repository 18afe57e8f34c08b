/* VOTable reader (lib/vot): the whole document, then the same bytes fed
 * in random pieces (cut where the input itself says, see fz_piece); the
 * two parses must agree: the same result, the same tables, the same rows.
 * Rows delivered before an error count too (FUZZ_VOT_LAX=1 in the
 * environment leaves them out).
 * Also: a finite document gives finitely many rows (no more rows than
 * input bytes), every cell is NUL-terminated, NULL cells are "". */
#include "fuzz.h"
#include "vot.h"

struct rec {
	struct fz_buf b;
	unsigned long rows;
	size_t limit;
};

static void
put_field(struct fz_buf *b, const struct vot_field *f)
{
	fz_put_str(b, f->name);
	fz_put_str(b, f->datatype);
	fz_put_str(b, f->arraysize);
	fz_put(b, &f->type, sizeof f->type);
	fz_put(b, &f->nelem, sizeof f->nelem);
	fz_put_str(b, f->value);
	fz_touch(f->id), fz_touch(f->unit), fz_touch(f->ucd), fz_touch(f->utype);
	fz_touch(f->xtype), fz_touch(f->ref), fz_touch(f->description);
	fz_touch(f->values.null), fz_touch(f->values.min), fz_touch(f->values.max);
	for (size_t i = 0; i < f->values.noptions; i++)
		fz_touch(f->values.options[i].name), fz_touch(f->values.options[i].value);
}

static int
on_begin(void *ctx, const struct vot_table *t)
{
	struct rec *r = ctx;
	fz_put(&r->b, "B", 1);
	fz_put(&r->b, &t->index, sizeof t->index);
	fz_put(&r->b, &t->nfields, sizeof t->nfields);
	for (size_t i = 0; i < t->nfields; i++)
		put_field(&r->b, &t->fields[i]);
	return 0;
}

static int
on_row(void *ctx, const struct vot_table *t, const struct vot_cell *c)
{
	struct rec *r = ctx;
	r->rows++;
	FZ_CHECK(r->rows <= r->limit, "%lu rows from %zu bytes: endless rows", r->rows,
		 r->limit);
	fz_put(&r->b, "R", 1);
	for (size_t i = 0; i < t->nfields; i++) {
		FZ_CHECK(c[i].s != NULL, "cell %zu has no text", i);
		FZ_CHECK(c[i].s[c[i].len] == '\0', "cell %zu not NUL-terminated", i);
		FZ_CHECK(!c[i].null || c[i].len == 0, "NULL cell %zu has text", i);
		fz_put(&r->b, &c[i].null, sizeof c[i].null);
		fz_put(&r->b, &c[i].len, sizeof c[i].len);
		fz_put(&r->b, c[i].s, c[i].len);
	}
	return 0;
}

static int
on_end(void *ctx, const struct vot_table *t)
{
	struct rec *r = ctx;
	fz_put(&r->b, "E", 1);
	fz_put(&r->b, &t->nrows, sizeof t->nrows);
	return 0;
}

static void
walk_doc(const struct vot_doc *d)
{
	const char *msg = NULL;
	fz_touch(d->version);
	for (size_t i = 0; i < d->ninfos; i++)
		fz_touch(d->infos[i].name), fz_touch(d->infos[i].content);
	for (size_t i = 0; i < d->nresources; i++) {
		const struct vot_resource *r = &d->resources[i];
		fz_touch(r->type), fz_touch(r->utype);
		for (size_t j = 0; j < r->ntables; j++)
			FZ_CHECK(r->tables[j] < d->ntables, "resource table index");
		for (size_t j = 0; j < r->ninfos; j++)
			fz_touch(r->infos[j].value), fz_touch(r->infos[j].content);
	}
	for (size_t i = 0; i < d->ntables; i++) {
		const struct vot_table *t = d->tables[i];
		FZ_CHECK(t->resource < d->nresources || d->nresources == 0, "table resource index");
		for (size_t j = 0; j < t->nfields; j++)
			fz_touch(t->fields[j].name);
		if (t->nfields)
			vot_field_index(t, t->fields[0].name ? t->fields[0].name : "x");
		vot_field_index(t, "ra");
	}
	vot_doc_status(d, &msg);
	fz_touch(msg);
}

/* Parse data, in pieces if rng is given; returns the result. */
static enum vot_err
parse(const uint8_t *data, size_t len, struct fz_rng *rng, struct rec *r)
{
	struct vot_handler h = {
		.ctx = r, .table_begin = on_begin, .row = on_row, .table_end = on_end,
	};
	struct vot_parser *p = vot_parser_new(&h);
	enum vot_err e = VOT_OK;
	size_t off = 0;

	if (!p)
		abort();
	r->limit = len + 16;
	while (off < len && !e) {
		size_t n = rng ? fz_piece(rng) : len;
		if (n > len - off)
			n = len - off;
		e = vot_parser_feed(p, (const char *)data + off, n);
		off += n;
	}
	if (!e)
		e = vot_parser_finish(p);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "%s: result %d, %lu rows, %s\n", rng ? "in pieces" : "whole",
			e, r->rows, vot_parser_errmsg(p));
	walk_doc(vot_parser_doc(p));
	vot_parser_free(p);
	return e;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct rec whole = {0}, cut = {0};
	struct fz_rng rng;

	enum vot_err e1 = parse(data, len, NULL, &whole);
	fz_rng_seed(&rng, data, len);
	enum vot_err e2 = parse(data, len, &rng, &cut);
	FZ_CHECK((e1 == VOT_OK) == (e2 == VOT_OK),
		 "whole document: result %d, in pieces: %d", e1, e2);
	/* FUZZ_VOT_LAX=1: rows before an error are not compared (to look
	 * for other defects while that one is open) */
	static int lax = -1;
	if (lax < 0)
		lax = getenv("FUZZ_VOT_LAX") && *getenv("FUZZ_VOT_LAX") == '1';
	if (lax && e1 != VOT_OK) {
		fz_free(&whole.b);
		fz_free(&cut.b);
		return 0;
	}
	FZ_CHECK(whole.rows == cut.rows && whole.b.len == cut.b.len &&
		 (whole.b.len == 0 || memcmp(whole.b.s, cut.b.s, whole.b.len) == 0),
		 "rows differ: whole document %lu rows (%zu bytes), in pieces %lu (%zu bytes)",
		 whole.rows, whole.b.len, cut.rows, cut.b.len);
	fz_free(&whole.b);
	fz_free(&cut.b);
	return 0;
}
