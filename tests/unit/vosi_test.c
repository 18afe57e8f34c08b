/* VOSI capabilities, tables, availability and DALI examples: each fixture
 * must give its expected TSV (header row first) fed whole and in pieces of
 * 1, 7 and 64 bytes; errors must be the expected ones; a large generated
 * tableset must parse in bounded memory.
 *
 * Usage: vosi_test FIXTURE-DIR
 *        vosi_test -p capabilities|tables|columns|examples|availability FILE [TABLE]
 *        (print the listing, to write an expected file) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "vosi.h"

struct out {
	char *s;
	size_t len, cap;
	unsigned long rows;
	unsigned long stop_at;	/* non-zero: the callback refuses this row */
	size_t nfields;		/* fields of every row so far (0: mixed) */
};

static int failures, checks;

static void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (ok)
		return;
	failures++;
	fputs("FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 1024;
		while (cap < o->len + n + 1)
			cap *= 2;
		if (!(o->s = realloc(o->s, cap))) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		o->cap = cap;
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

/* A TSV row as vo-tools(7) writes it. */
static void
put_row(struct out *o, const char *const *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			put(o, "\t", 1);
		for (const char *s = f[i]; *s; s++) {
			switch (*s) {
			case '\t': put(o, "\\t", 2); break;
			case '\n': put(o, "\\n", 2); break;
			case '\r': put(o, "\\r", 2); break;
			case '\\': put(o, "\\\\", 2); break;
			default: put(o, s, 1);
			}
		}
	}
	put(o, "\n", 1);
}

static int
on_row(void *ctx, const char *const *f, size_t n)
{
	struct out *o = ctx;
	o->rows++;
	if (o->stop_at && o->rows == o->stop_at)
		return 1;
	if (o->rows == 1)
		o->nfields = n;
	else if (o->nfields != n)
		o->nfields = 0;
	put_row(o, f, n);
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (!(buf = realloc(buf, cap + 1))) {
				fprintf(stderr, "out of memory\n");
				exit(2);
			}
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
	} while (k > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

struct result {
	struct out out;
	enum vosi_err err;
	char msg[256];
	struct tap_caps caps;		/* strings not kept */
	char sync_url[256], async_url[256], tables_url[256], examples_url[256];
	int available;
	size_t nconts;
	char cont0[256];
};

static void
copy_url(char *dst, const char *src)
{
	snprintf(dst, 256, "%s", src ? src : "(null)");
}

/* Parse buf in pieces of size step (0: whole). */
static struct result
run(enum vosi_kind k, const char *table, const char *buf, size_t len, size_t step,
    unsigned long stop_at)
{
	struct result r = { .out = { .stop_at = stop_at } };
	struct vosi_parser *p;
	size_t n, off = 0;
	const char *const *h = vosi_header(k, &n);

	put_row(&r.out, h, n);
	if (!(p = vosi_parser_new(k, table, on_row, &r.out))) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	if (!step)
		step = len ? len : 1;
	while (off < len && !r.err) {
		n = len - off < step ? len - off : step;
		r.err = vosi_parser_feed(p, buf + off, n);
		off += n;
	}
	if (!r.err)
		r.err = vosi_parser_finish(p);
	snprintf(r.msg, sizeof r.msg, "%s", vosi_parser_errmsg(p));
	r.caps = *vosi_parser_caps(p);
	copy_url(r.sync_url, r.caps.sync_url);
	copy_url(r.async_url, r.caps.async_url);
	copy_url(r.tables_url, r.caps.tables_url);
	copy_url(r.examples_url, r.caps.examples_url);
	r.caps.sync_url = r.caps.async_url = r.caps.tables_url = NULL;
	r.caps.capabilities_url = r.caps.availability_url = r.caps.examples_url = NULL;
	r.available = vosi_parser_available(p);
	const char *const *c = vosi_parser_continuations(p, &r.nconts);
	copy_url(r.cont0, r.nconts ? c[0] : NULL);
	vosi_parser_free(p);
	return r;
}

static int
kind_parse(const char *s, enum vosi_kind *k)
{
	static const char *const names[] = {
		"capabilities", "tables", "columns", "examples", "availability",
	};
	for (int i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0) {
			*k = (enum vosi_kind)i;
			return 0;
		}
	return -1;
}

struct tcase {
	const char *file;
	enum vosi_kind kind;
	const char *table;
	const char *expected;	/* file of expected TSV, or NULL */
	enum vosi_err err;
	const char *msg;	/* expected in the error message */
};

static const struct tcase cases[] = {
	{ "caps-dachs.xml", VOSI_CAPABILITIES, NULL, "caps-dachs.expected.tsv", VOSI_OK, NULL },
	{ "caps-cadc.xml", VOSI_CAPABILITIES, NULL, "caps-cadc.expected.tsv", VOSI_OK, NULL },
	{ "caps-gaia.xml", VOSI_CAPABILITIES, NULL, "caps-gaia.expected.tsv", VOSI_OK, NULL },
	{ "tables-dachs.xml", VOSI_TABLES, NULL, "tables-dachs.expected.tsv", VOSI_OK, NULL },
	{ "tables-dachs.xml", VOSI_COLUMNS, "ivoa.obscore", "columns-dachs-obscore.expected.tsv", VOSI_OK, NULL },
	{ "tables-dachs.xml", VOSI_COLUMNS, "OBSCORE", "columns-dachs-obscore.expected.tsv", VOSI_OK, NULL },
	{ "tables-dachs.xml", VOSI_COLUMNS, "main", "columns-dachs-main.expected.tsv", VOSI_OK, NULL },
	{ "tables-dachs.xml", VOSI_COLUMNS, "tap_schema.tables", "columns-dachs-tables.expected.tsv", VOSI_OK, NULL },
	{ "tables-dachs.xml", VOSI_COLUMNS, "nosuch", NULL, VOSI_ENOTFOUND, "no table 'nosuch'" },
	{ "tables-dachs.xml", VOSI_COLUMNS, "ivoa", NULL, VOSI_ENOTFOUND, "no table 'ivoa'" },
	{ "tables-noschema.xml", VOSI_TABLES, NULL, "tables-noschema.expected.tsv", VOSI_OK, NULL },
	{ "tables-noschema.xml", VOSI_COLUMNS, "ivoa.obscore", "columns-noschema-obscore.expected.tsv", VOSI_OK, NULL },
	{ "tables-noschema.xml", VOSI_COLUMNS, "obscore", NULL, VOSI_ENOTFOUND,
	  "table name 'obscore' is ambiguous: ivoa.ObsCore, gaiadr3.obscore" },
	{ "tables-noschema.xml", VOSI_COLUMNS, "GAIA_SOURCE", "columns-noschema-gaia.expected.tsv", VOSI_OK, NULL },
	{ "tables-noschema.xml", VOSI_COLUMNS, "gaiadr3.gaia_source", "columns-noschema-gaia.expected.tsv", VOSI_OK, NULL },
	{ "tables-noschema.xml", VOSI_COLUMNS, "mixed.case", "columns-noschema-mixed.expected.tsv", VOSI_OK, NULL },
	{ "tables-noschema.xml", VOSI_COLUMNS, "public.\"Mixed.Case\"", "columns-noschema-mixed.expected.tsv", VOSI_OK, NULL },
	{ "table-single.xml", VOSI_TABLES, NULL, "table-single.expected.tsv", VOSI_OK, NULL },
	{ "table-single.xml", VOSI_COLUMNS, "columns", "columns-single.expected.tsv", VOSI_OK, NULL },
	{ "examples-dachs.xhtml", VOSI_EXAMPLES, NULL, "examples-dachs.expected.tsv", VOSI_OK, NULL },
	{ "availability.xml", VOSI_AVAILABILITY, NULL, "availability.expected.tsv", VOSI_OK, NULL },
	{ "bad-billion-laughs.xml", VOSI_CAPABILITIES, NULL, NULL, VOSI_EDATA,
	  "line 3: entity declarations are not allowed (entity 'lol')" },
	{ "bad-html.xml", VOSI_CAPABILITIES, NULL, NULL, VOSI_EDATA,
	  "line 1: not a VOSI capabilities document (root element 'html')" },
	{ "bad-html.xml", VOSI_TABLES, NULL, NULL, VOSI_EDATA, "not a VOSI tableset document" },
	{ "caps-dachs.xml", VOSI_TABLES, NULL, NULL, VOSI_EDATA, "root element 'cap:capabilities'" },
	{ "tables-dachs.xml", VOSI_AVAILABILITY, NULL, NULL, VOSI_EDATA, "not a VOSI availability document" },
	{ "bad-truncated.xml", VOSI_TABLES, NULL, NULL, VOSI_EDATA, "truncated document" },
	{ "bad-truncated.xml", VOSI_COLUMNS, "ivoa.obscore", NULL, VOSI_EDATA, "truncated document" },
};

static void
run_case(const char *dir, const struct tcase *c)
{
	static const size_t steps[] = { 0, 1, 7, 64 };
	char path[4096];
	size_t len, elen = 0;
	char *buf, *exp = NULL;

	snprintf(path, sizeof path, "%s/%s", dir, c->file);
	if (!(buf = slurp(path, &len))) {
		check(0, "%s: cannot read", path);
		return;
	}
	if (c->expected) {
		snprintf(path, sizeof path, "%s/%s", dir, c->expected);
		if (!(exp = slurp(path, &elen))) {
			check(0, "%s: cannot read", path);
			free(buf);
			return;
		}
	}
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		struct result r = run(c->kind, c->table, buf, len, steps[i], 0);
		check(r.err == c->err, "%s %s (step %zu): error %d, expected %d (%s)",
		      c->file, c->table ? c->table : "", steps[i], r.err, c->err, r.msg);
		if (c->msg)
			check(strstr(r.msg, c->msg) != NULL, "%s (step %zu): message '%s', expected '%s'",
			      c->file, steps[i], r.msg, c->msg);
		if (exp)
			check(r.out.len == elen && memcmp(r.out.s, exp, elen) == 0,
			      "%s %s (step %zu): output differs from %s:\n%s", c->file,
			      c->table ? c->table : "", steps[i], c->expected, r.out.s);
		if (r.out.rows) {
			size_t n;
			vosi_header(c->kind, &n);
			check(r.out.nfields == n, "%s (step %zu): rows of %zu fields, header has %zu",
			      c->file, steps[i], r.out.nfields, n);
		}
		free(r.out.s);
	}
	free(exp);
	free(buf);
}

static struct result
run_file(const char *dir, const char *file, enum vosi_kind k, const char *table,
	 unsigned long stop_at)
{
	char path[4096];
	size_t len;
	char *buf;
	struct result r;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (!(buf = slurp(path, &len))) {
		fprintf(stderr, "%s: cannot read\n", path);
		exit(2);
	}
	r = run(k, table, buf, len, 7, stop_at);
	free(buf);
	return r;
}

static void
struct_checks(const char *dir)
{
	struct result r;

	r = run_file(dir, "caps-dachs.xml", VOSI_CAPABILITIES, NULL, 0);
	check(strcmp(r.sync_url, "http://dc.zah.uni-heidelberg.de/tap/sync") == 0,
	      "dachs sync_url %s", r.sync_url);
	check(strcmp(r.async_url, "http://dc.zah.uni-heidelberg.de/tap/async") == 0,
	      "dachs async_url %s", r.async_url);
	check(strcmp(r.tables_url, "http://dc.zah.uni-heidelberg.de/tap/tables") == 0,
	      "dachs tables_url %s", r.tables_url);
	check(strcmp(r.examples_url, "http://dc.zah.uni-heidelberg.de/tap/examples") == 0,
	      "dachs examples_url %s", r.examples_url);
	check(r.caps.upload_inline && r.caps.upload_http && r.caps.upload_https &&
	      r.caps.upload_ftp, "dachs upload methods");
	check(r.caps.maxrec_default == 20000 && r.caps.maxrec_hard == 16000000,
	      "dachs maxrec %ld %ld", r.caps.maxrec_default, r.caps.maxrec_hard);
	check(r.caps.upload_limit == 100000000, "dachs upload_limit %ld", r.caps.upload_limit);
	check(r.caps.retention_default == 172800 && r.caps.retention_hard == -1,
	      "dachs retention %ld %ld", r.caps.retention_default, r.caps.retention_hard);
	check(r.caps.exec_default == 3600 && r.caps.exec_hard == -1, "dachs execution duration");
	free(r.out.s);

	r = run_file(dir, "caps-cadc.xml", VOSI_CAPABILITIES, NULL, 0);
	/* the anonymous interfaces, though listed after the authenticated ones */
	check(strcmp(r.sync_url, "https://ws.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/argus/sync") == 0,
	      "cadc sync_url %s", r.sync_url);
	check(strcmp(r.async_url, "https://ws.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/argus/async") == 0,
	      "cadc async_url %s", r.async_url);
	check(strcmp(r.tables_url, "https://ws.cadc-ccda.hia-iha.nrc-cnrc.gc.ca/argus/tables") == 0,
	      "cadc tables_url %s", r.tables_url);
	check(r.caps.upload_inline && r.caps.upload_http && !r.caps.upload_https,
	      "cadc upload methods");
	check(r.caps.maxrec_default == -1 && r.caps.maxrec_hard == -1 && r.caps.upload_limit == -1,
	      "cadc limits unknown");
	free(r.out.s);

	r = run_file(dir, "caps-gaia.xml", VOSI_CAPABILITIES, NULL, 0);
	check(strcmp(r.sync_url, "https://gea.esac.esa.int/tap-server/tap/sync") == 0,
	      "gaia sync_url %s", r.sync_url);
	check(strcmp(r.tables_url, "(null)") == 0, "gaia tables_url %s", r.tables_url);
	check(r.caps.maxrec_default == 2000 && r.caps.maxrec_hard == -1,
	      "gaia maxrec %ld %ld (hard limit is in bytes)", r.caps.maxrec_default,
	      r.caps.maxrec_hard);
	check(r.caps.upload_limit == -1, "gaia upload limit in rows, not bytes");
	check(r.caps.retention_hard == 604800 && r.caps.exec_hard == 7200, "gaia hard limits");
	free(r.out.s);

	/* the struct alone, without a row callback */
	{
		size_t len;
		char path[4096];
		snprintf(path, sizeof path, "%s/caps-dachs.xml", dir);
		char *buf = slurp(path, &len);
		struct vosi_parser *p = vosi_parser_new(VOSI_CAPABILITIES, NULL, NULL, NULL);
		check(buf && p && vosi_parser_feed(p, buf, len) == VOSI_OK &&
		      vosi_parser_finish(p) == VOSI_OK && vosi_parser_caps(p)->upload_inline,
		      "capabilities without a row callback");
		vosi_parser_free(p);
		free(buf);
	}

	r = run_file(dir, "availability.xml", VOSI_AVAILABILITY, NULL, 0);
	check(r.available == 0, "available %d", r.available);
	free(r.out.s);

	r = run_file(dir, "examples-dachs.xhtml", VOSI_EXAMPLES, NULL, 0);
	check(r.nconts == 1 && strcmp(r.cont0, "http://dc.zah.uni-heidelberg.de/tap/examples2") == 0,
	      "examples continuation %zu %s", r.nconts, r.cont0);
	free(r.out.s);

	/* a callback's refusal stops the parse */
	r = run_file(dir, "caps-dachs.xml", VOSI_CAPABILITIES, NULL, 3);
	check(r.err == VOSI_ECALLBACK && r.out.rows == 3, "callback stop: %d after %lu rows",
	      r.err, r.out.rows);
	free(r.out.s);
	r = run_file(dir, "tables-dachs.xml", VOSI_COLUMNS, "ivoa.obscore", 2);
	check(r.err == VOSI_ECALLBACK && r.out.rows == 2, "callback stop in columns: %d", r.err);
	free(r.out.s);

	/* empty input */
	r = run(VOSI_TABLES, NULL, "", 0, 1, 0);
	check(r.err == VOSI_EDATA && strstr(r.msg, "truncated document") != NULL,
	      "empty document: %s", r.msg);
	free(r.out.s);
}

/* ------------------------------------------------------ large tablesets */

struct big {
	unsigned long tables, columns;
	unsigned long rows;
	char last[64];
};

static int
big_row(void *ctx, const char *const *f, size_t n)
{
	struct big *b = ctx;
	(void)n;
	b->rows++;
	snprintf(b->last, sizeof b->last, "%s", f[0]);
	return 0;
}

static long
maxrss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Generate a tableset of ntables tables of 20 columns, feeding it in
 * 4 KiB pieces; returns the bytes fed. */
static size_t
feed_big(struct vosi_parser *p, unsigned long ntables, enum vosi_err *e)
{
	char piece[4096 + 1024];
	size_t n = 0, total = 0;

	n += (size_t)sprintf(piece + n, "<?xml version=\"1.0\"?>\n<vosi:tableset "
			     "xmlns:vosi=\"http://www.ivoa.net/xml/VOSITables/v1.0\" "
			     "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
			     "xmlns:vs=\"http://www.ivoa.net/xml/VODataService/v1.1\">"
			     "<schema><name>big</name>\n");
	for (unsigned long t = 0; t < ntables && !*e; t++) {
		n += (size_t)sprintf(piece + n, "<table type=\"table\"><name>big.t%lu</name>"
				     "<description>Table number %lu of a large tableset, with "
				     "a description long enough to matter.</description>\n", t, t);
		for (int c = 0; c < 20; c++) {
			n += (size_t)sprintf(piece + n, "<column><name>c%d</name><description>column %d"
					     "</description><unit>deg</unit><ucd>pos.eq.ra</ucd>"
					     "<dataType xsi:type=\"vs:VOTableType\">double</dataType>"
					     "<flag>indexed</flag></column>\n", c, c);
			if (n >= 4096) {
				*e = vosi_parser_feed(p, piece, n);
				total += n;
				n = 0;
			}
		}
		n += (size_t)sprintf(piece + n, "</table>\n");
	}
	n += (size_t)sprintf(piece + n, "</schema></vosi:tableset>\n");
	if (!*e)
		*e = vosi_parser_feed(p, piece, n);
	total += n;
	if (!*e)
		*e = vosi_parser_finish(p);
	return total;
}

static void
big_checks(void)
{
	const unsigned long ntables = 10000;
	int asan = getenv("VT_ASAN") != NULL;
	struct big b = { 0 };
	enum vosi_err e = VOSI_OK;
	struct vosi_parser *p;
	size_t total;
	long before;

	/* list mode: a row per table, as each ends */
	p = vosi_parser_new(VOSI_TABLES, NULL, big_row, &b);
	before = maxrss_kb();
	total = feed_big(p, ntables, &e);
	check(e == VOSI_OK && b.rows == ntables && strcmp(b.last, "big.t9999") == 0,
	      "large tableset: %d, %lu rows, last %s", e, b.rows, b.last);
	if (!asan)
		check(maxrss_kb() - before < 4096,
		      "large tableset (%zu MB): memory grew by %ld kB", total >> 20,
		      maxrss_kb() - before);
	vosi_parser_free(p);

	/* columns of the last table: only that table is held */
	b = (struct big){ 0 };
	e = VOSI_OK;
	p = vosi_parser_new(VOSI_COLUMNS, "t9999", big_row, &b);
	before = maxrss_kb();
	feed_big(p, ntables, &e);
	check(e == VOSI_OK && b.rows == 20 && strcmp(b.last, "c19") == 0,
	      "large tableset columns: %d (%s), %lu rows, last %s", e,
	      vosi_parser_errmsg(p), b.rows, b.last);
	if (!asan)
		check(maxrss_kb() - before < 4096, "large tableset columns: memory grew by %ld kB",
		      maxrss_kb() - before);
	vosi_parser_free(p);
}

static int
print_mode(int argc, char **argv)
{
	enum vosi_kind k;
	size_t len;
	char *buf;

	if (argc < 4 || kind_parse(argv[2], &k) < 0) {
		fprintf(stderr, "usage: vosi_test -p KIND FILE [TABLE]\n");
		return 64;
	}
	if (!(buf = slurp(argv[3], &len))) {
		perror(argv[3]);
		return 66;
	}
	struct result r = run(k, argc > 4 ? argv[4] : NULL, buf, len, 0, 0);
	fwrite(r.out.s, 1, r.out.len, stdout);
	if (r.err)
		fprintf(stderr, "vosi_test: %s\n", r.msg);
	free(r.out.s);
	free(buf);
	return r.err ? 65 : 0;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-p") == 0)
		return print_mode(argc, argv);
	if (argc != 2) {
		fprintf(stderr, "usage: vosi_test FIXTURE-DIR\n");
		return 64;
	}
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(argv[1], &cases[i]);
	struct_checks(argv[1]);
	big_checks();
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
