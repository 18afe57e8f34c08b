/* VOSI capabilities, tables (and one table's columns), availability and
 * DALI examples (lib/vosi): the input is read as each kind of document,
 * whole and in random pieces; both must give the same result and rows.
 * Rows have the header's width and no NULL fields. */
#include "fuzz.h"
#include "vosi.h"

struct rec {
	struct fz_buf b;
	size_t width;
	unsigned long rows;
	size_t limit;
};

static int
on_row(void *ctx, const char *const *f, size_t n)
{
	struct rec *r = ctx;
	FZ_CHECK(n == r->width, "row of %zu fields, header %zu", n, r->width);
	FZ_CHECK(++r->rows <= r->limit, "%lu rows from %zu bytes", r->rows, r->limit);
	fz_put(&r->b, "R", 1);
	for (size_t i = 0; i < n; i++) {
		FZ_CHECK(f[i] != NULL, "field %zu is NULL", i);
		fz_put_str(&r->b, f[i]);
	}
	return 0;
}

static void
put_caps(struct fz_buf *b, const struct tap_caps *c)
{
	fz_put_str(b, c->sync_url);
	fz_put_str(b, c->async_url);
	fz_put_str(b, c->tables_url);
	fz_put_str(b, c->capabilities_url);
	fz_put_str(b, c->availability_url);
	fz_put_str(b, c->examples_url);
	bool up[4] = {c->upload_inline, c->upload_http, c->upload_https, c->upload_ftp};
	fz_put(b, up, sizeof up);
	long n[8] = {c->maxrec_default, c->maxrec_hard, c->upload_limit, c->retention_default,
		     c->retention_hard, c->exec_default, c->exec_hard, 0};
	fz_put(b, n, sizeof n);
}

static enum vosi_err
parse(enum vosi_kind k, const char *table, const uint8_t *data, size_t len,
      struct fz_rng *rng, struct rec *r)
{
	vosi_header(k, &r->width);
	r->limit = len + 16;
	struct vosi_parser *p = vosi_parser_new(k, table, on_row, r);
	enum vosi_err e = VOSI_OK;
	size_t off = 0;

	if (!p)
		abort();
	while (off < len && !e) {
		size_t n = rng ? fz_piece(rng) : len;
		if (n > len - off)
			n = len - off;
		e = vosi_parser_feed(p, (const char *)data + off, n);
		off += n;
	}
	if (!e)
		e = vosi_parser_finish(p);
	FZ_CHECK(e == VOSI_OK || *vosi_parser_errmsg(p), "an error without a message");
	if (!e) {
		if (k == VOSI_CAPABILITIES)
			put_caps(&r->b, vosi_parser_caps(p));
		int av = vosi_parser_available(p);
		fz_put(&r->b, &av, sizeof av);
		size_t nc;
		const char *const *c = vosi_parser_continuations(p, &nc);
		for (size_t i = 0; i < nc; i++)
			fz_put_str(&r->b, c[i]);
	}
	vosi_parser_free(p);
	return e;
}

static const char *const tables[] = {
	"ivoa.obscore", "obscore", "tap_schema.tables", "main", "gaiadr3.gaia_source",
	"\"Quoted\".\"x.y\"", "",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const enum vosi_kind kinds[] = {
		VOSI_CAPABILITIES, VOSI_TABLES, VOSI_COLUMNS, VOSI_EXAMPLES, VOSI_AVAILABILITY,
	};
	struct fz_rng rng;

	fz_rng_seed(&rng, data, len);
	const char *table = tables[fz_rng_next(&rng) % (sizeof tables / sizeof *tables)];
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		struct rec whole = {0}, cut = {0};
		enum vosi_err e1 = parse(kinds[i], table, data, len, NULL, &whole);
		enum vosi_err e2 = parse(kinds[i], table, data, len, &rng, &cut);
		FZ_CHECK(e1 == e2, "kind %d: whole document: result %d, in pieces: %d",
			 (int)kinds[i], e1, e2);
		FZ_CHECK(whole.b.len == cut.b.len &&
			 (whole.b.len == 0 || memcmp(whole.b.s, cut.b.s, whole.b.len) == 0),
			 "kind %d: rows differ: whole document %lu, in pieces %lu",
			 (int)kinds[i], whole.rows, cut.rows);
		fz_free(&whole.b);
		fz_free(&cut.b);
	}
	return 0;
}
