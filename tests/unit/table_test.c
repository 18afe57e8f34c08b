/* Unit tests of the table writers (table.h) and the TSV/CSV reader
 * (tablein.h): small tables built by hand, written to a temporary file,
 * compared with the exact expected text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outbuf.h"
#include "table.h"
#include "tablein.h"

static int failures;

static void
expect_str(const char *what, const char *got, const char *want)
{
	if (got && strcmp(got, want) == 0)
		return;
	failures++;
	fprintf(stderr, "FAIL %s\n--- want\n%s\n--- got\n%s\n---\n", what, want,
	    got ? got : "(null)");
}

static void
expect(const char *what, int ok)
{
	if (!ok) {
		failures++;
		fprintf(stderr, "FAIL %s\n", what);
	}
}

/* Everything written to f so far, as a string (caller frees). */
static char *
slurp(FILE *f)
{
	long n;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		perror("seek");
		exit(2);
	}
	char *s = malloc((size_t)n + 1);
	if (!s || fread(s, 1, (size_t)n, f) != (size_t)n) {
		perror("read");
		exit(2);
	}
	s[n] = '\0';
	return s;
}

static FILE *
tmp(void)
{
	FILE *f = tmpfile();
	if (!f) {
		perror("tmpfile");
		exit(2);
	}
	return f;
}

static struct vot_cell
cell(const char *s)
{
	if (!s || !*s)	/* an empty string is NULL, as in vot.h */
		return (struct vot_cell){"", 0, true};
	return (struct vot_cell){s, strlen(s), false};
}

/* Write nrows rows of t (cells given row after row, NULL for a NULL cell)
 * with format fmt; return the output. */
static char *
write_table(enum tw_format fmt, const struct tw_opts *o, const struct vot_doc *doc,
	    const struct vot_table *t, const size_t *cols, size_t ncols,
	    const char *const *vals, size_t nrows)
{
	FILE *f = tmp();
	struct outbuf ob;
	/* a tiny buffer, so the flush paths are exercised too */
	if (ob_init(&ob, fileno(f), 16) < 0)
		exit(2);
	struct tw *w = tw_new(fmt, &ob, o);
	struct vot_cell *cells = calloc(t->nfields + 1, sizeof *cells);
	if (!w || !cells)
		exit(2);
	expect("tw_begin", tw_begin(w, doc, t, cols, ncols) == 0);
	for (size_t r = 0; r < nrows; r++) {
		for (size_t i = 0; i < t->nfields; i++)
			cells[i] = cell(vals[r * t->nfields + i]);
		tw_row(w, cells);
	}
	expect("tw_end", tw_end(w, doc) == 0);
	expect("ob_flush", ob_flush(&ob) == 0);
	tw_free(w);
	ob_free(&ob);
	free(cells);
	char *s = slurp(f);
	fclose(f);
	return s;
}

static struct vot_field
field(const char *name, enum vot_type type, const char *arraysize)
{
	struct vot_field f = {.name = (char *)name, .type = type,
	    .datatype = (char *)vot_type_name(type), .arraysize = (char *)arraysize,
	    .nelem = 1};
	if (arraysize) {
		int ndims;
		if (vot_arraysize_parse(arraysize, &f.nelem, &ndims) < 0)
			exit(2);
		f.is_array = type == VOT_CHAR || type == VOT_UNICODE ? ndims > 1 : true;
	}
	if (type == VOT_FCOMPLEX || type == VOT_DCOMPLEX)
		f.is_array = true;
	return f;
}

/* ---- writers ----------------------------------------------------------- */

static void
test_tsv_csv(void)
{
	struct vot_field fs[] = {
		field("id", VOT_INT, NULL),
		field("name", VOT_CHAR, "*"),
		field("pos", VOT_FLOAT, "3"),
		field("ok", VOT_BOOLEAN, NULL),
	};
	fs[0].unit = "";
	fs[2].unit = "deg";
	fs[2].ucd = "pos.eq";
	struct vot_table t = {.fields = fs, .nfields = 4};
	const char *rows[] = {
		"1", "a\tb\nc\\d\re", "1 2 3", "T",
		NULL, "x, \"y\"", NULL, "F",
		"-3", " pad ", "0.5 NaN 1e+16", NULL,
	};
	char *s = write_table(TW_TSV, NULL, NULL, &t, NULL, 0, rows, 3);
	expect_str("tsv", s,
	    "id\tname\tpos\tok\n"
	    "1\ta\\tb\\nc\\\\d\\re\t1 2 3\tT\n"
	    "\tx, \"y\"\t\tF\n"
	    "-3\t pad \t0.5 NaN 1e+16\t\n");
	free(s);

	struct tw_opts o = {.meta = true, .null_str = "NULL"};
	s = write_table(TW_TSV, &o, NULL, &t, NULL, 0, rows, 2);
	expect_str("tsv --meta --null", s,
	    "# id\tint\t\t\n"
	    "# name\tchar[*]\t\t\n"
	    "# pos\tfloat[3]\tdeg\tpos.eq\n"
	    "# ok\tboolean\t\t\n"
	    "id\tname\tpos\tok\n"
	    "1\ta\\tb\\nc\\\\d\\re\t1 2 3\tT\n"
	    "NULL\tx, \"y\"\tNULL\tF\n");
	free(s);

	size_t cols[] = {3, 0};
	struct tw_opts nh = {.no_header = true};
	s = write_table(TW_TSV, &nh, NULL, &t, cols, 2, rows, 3);
	expect_str("tsv columns, no header", s, "T\t1\nF\t\n\t-3\n");
	free(s);

	s = write_table(TW_CSV, NULL, NULL, &t, NULL, 0, rows, 3);
	expect_str("csv", s,
	    "id,name,pos,ok\r\n"
	    "1,\"a\tb\nc\\d\re\",1 2 3,T\r\n"
	    ",\"x, \"\"y\"\"\",,F\r\n"
	    "-3,\" pad \",0.5 NaN 1e+16,\r\n");
	free(s);

	struct tw_opts on = {.null_str = "a,b"};
	s = write_table(TW_CSV, &on, NULL, &t, cols, 2, rows, 3);
	expect_str("csv columns, null", s, "ok,id\r\nT,1\r\nF,\"a,b\"\r\n\"a,b\",-3\r\n");
	free(s);

	/* tsv_put_escaped on its own, across buffer flushes */
	FILE *f = tmp();
	struct outbuf ob;
	if (ob_init(&ob, fileno(f), 4) < 0)
		exit(2);
	const char *raw = "\\\\x\ty\n\nlonger text\r";
	tsv_put_escaped(&ob, raw, strlen(raw));
	expect("flush", ob_flush(&ob) == 0);
	ob_free(&ob);
	s = slurp(f);
	fclose(f);
	expect_str("tsv_put_escaped", s, "\\\\\\\\x\\ty\\n\\nlonger text\\r");
	free(s);
}

static void
test_json(void)
{
	struct vot_field fs[] = {
		field("i", VOT_LONG, NULL),
		field("s", VOT_SHORT, NULL),
		field("d", VOT_DOUBLE, NULL),
		field("b", VOT_BOOLEAN, NULL),
		field("t", VOT_CHAR, "*"),
		field("a", VOT_INT, "*"),
		field("f", VOT_FLOAT, "2"),
		field("c", VOT_DCOMPLEX, NULL),
		field("ca", VOT_FCOMPLEX, "2"),
		field("m", VOT_CHAR, "2x3"),
		field("bits", VOT_BIT, "*"),
		field("k\"ey", VOT_BIT, NULL),
	};
	fs[5].values.null = "-1";
	struct vot_table t = {.fields = fs, .nfields = 12};
	const char *rows[] = {
		"42", "7", "1.5", "T", "plain", "1 -1 3", "0.5 NaN", "1 2",
		"1 2 3 4", "ab cd ef", "0 1 1", "1",

		"+5", "0xFFFF", ".5", "F", "q\"b\\s\n\t\r\x01\x1f é", "", "Inf -Inf",
		"NaN NaN", "", "", "0110", "0",

		"0x1F", "-007", "5.", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,

		"-9223372036854775808", "0x7fff", "+1", "true", "", "  2   3 ", "1E5 -0.0",
		"+1 .5", "", "", "", "",

		"9223372036854775807", "+0", "Inf", "?", "x", "", "", "", "", "", "", "",
		"1", "1", "-Inf", "1", "x", "", "", "", "", "", "", "",
		"1", "1", "NaN", "0", "x", "", "", "", "", "", "", "",
		"1", "1", "1e999", "0", "x", "", "", "", "", "", "", "",
	};
	char *s = write_table(TW_JSON, NULL, NULL, &t, NULL, 0, rows, 8);
	expect_str("json", s,
	    "{\"i\": 42, \"s\": 7, \"d\": 1.5, \"b\": true, \"t\": \"plain\", "
	    "\"a\": [1, null, 3], \"f\": [0.5, null], \"c\": [1, 2], "
	    "\"ca\": [[1, 2], [3, 4]], \"m\": \"ab cd ef\", \"bits\": [0, 1, 1], \"k\\\"ey\": 1}\n"
	    "{\"i\": 5, \"s\": -1, \"d\": 0.5, \"b\": false, "
	    "\"t\": \"q\\\"b\\\\s\\n\\t\\r\\u0001\\u001f é\", \"a\": null, "
	    "\"f\": [1e999, -1e999], \"c\": [null, null], \"ca\": null, \"m\": null, "
	    "\"bits\": [0, 1, 1, 0], \"k\\\"ey\": 0}\n"
	    "{\"i\": 31, \"s\": -7, \"d\": 5.0, \"b\": null, \"t\": null, \"a\": null, "
	    "\"f\": null, \"c\": null, \"ca\": null, \"m\": null, \"bits\": null, \"k\\\"ey\": null}\n"
	    "{\"i\": -9223372036854775808, \"s\": 32767, \"d\": 1.0, \"b\": true, "
	    "\"t\": null, \"a\": [2, 3], \"f\": [1E5, -0.0], \"c\": [1.0, 0.5], "
	    "\"ca\": null, \"m\": null, \"bits\": null, \"k\\\"ey\": null}\n"
	    "{\"i\": 9223372036854775807, \"s\": 0, \"d\": 1e999, \"b\": null, \"t\": \"x\", "
	    "\"a\": null, \"f\": null, \"c\": null, \"ca\": null, \"m\": null, \"bits\": null, \"k\\\"ey\": null}\n"
	    "{\"i\": 1, \"s\": 1, \"d\": -1e999, \"b\": true, \"t\": \"x\", "
	    "\"a\": null, \"f\": null, \"c\": null, \"ca\": null, \"m\": null, \"bits\": null, \"k\\\"ey\": null}\n"
	    "{\"i\": 1, \"s\": 1, \"d\": null, \"b\": false, \"t\": \"x\", "
	    "\"a\": null, \"f\": null, \"c\": null, \"ca\": null, \"m\": null, \"bits\": null, \"k\\\"ey\": null}\n"
	    "{\"i\": 1, \"s\": 1, \"d\": 1e999, \"b\": false, \"t\": \"x\", "
	    "\"a\": null, \"f\": null, \"c\": null, \"ca\": null, \"m\": null, \"bits\": null, \"k\\\"ey\": null}\n");
	free(s);

	size_t cols[] = {2};
	s = write_table(TW_JSON, NULL, NULL, &t, cols, 1, rows, 1);
	expect_str("json columns", s, "{\"d\": 1.5}\n");
	free(s);
}

static void
test_votable(void)
{
	struct vot_field fs[] = {
		field("id", VOT_INT, NULL),
		field("skipped", VOT_CHAR, "*"),
		field("name", VOT_CHAR, "*"),
		field("flux", VOT_DOUBLE, NULL),
	};
	fs[0].id = "col1";
	fs[0].values.null = "-99";
	fs[0].ucd = "meta.id;meta.main";
	fs[2].description = "Name <&> \"quoted\"";
	fs[3].unit = "mJy";
	fs[3].precision = "3";
	fs[3].width = "8";
	fs[3].utype = "ssa:x";
	fs[3].xtype = "x";
	fs[3].ref = "sys";
	struct vot_field par = field("scale", VOT_DOUBLE, NULL);
	par.value = "1.5";
	struct vot_info infos[] = {
		{.name = "QUERY_STATUS", .value = "OK"},
		{.name = "QUERY_STATUS", .value = "OVERFLOW", .content = "a < b"},
	};
	struct vot_info docinfo = {.id = "i1", .name = "provider", .value = "x&y"};
	struct vot_resource res = {.type = "results", .infos = infos, .ninfos = 1};
	struct vot_table t = {.name = "t1", .fields = fs, .nfields = 4,
	    .params = &par, .nparams = 1, .resource = 0};
	struct vot_doc doc = {.resources = &res, .nresources = 1,
	    .infos = &docinfo, .ninfos = 1};
	const char *rows[] = {
		"1", "zz", "a&b<c>\"d\"\te\nf\rg\x01h é", "1.5",
		NULL, "zz", NULL, NULL,
	};
	size_t cols[] = {0, 2, 3};

	/* tw_end must see the INFO the parser added after the table */
	FILE *f = tmp();
	struct outbuf ob;
	if (ob_init(&ob, fileno(f), 0) < 0)
		exit(2);
	struct tw *w = tw_new(TW_VOTABLE, &ob, NULL);
	expect("tw_begin votable", w && tw_begin(w, &doc, &t, cols, 3) == 0);
	struct vot_cell cells[4];
	for (size_t r = 0; r < 2; r++) {
		for (size_t i = 0; i < 4; i++)
			cells[i] = cell(rows[r * 4 + i]);
		tw_row(w, cells);
	}
	res.ninfos = 2;
	/* the control character is written as U+FFFD, and refused */
	expect("tw_end votable", tw_end(w, &doc) == -1);
	expect_str("votable: refused", tw_error(w), "row 1, column 'name': control character "
	    "U+0001, which XML 1.0 does not allow");
	expect("flush", ob_flush(&ob) == 0);
	tw_free(w);
	ob_free(&ob);
	char *s = slurp(f);
	fclose(f);
	expect_str("votable", s,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n"
	    "<INFO ID=\"i1\" name=\"provider\" value=\"x&amp;y\"/>\n"
	    "<RESOURCE type=\"results\">\n"
	    "<INFO name=\"QUERY_STATUS\" value=\"OK\"/>\n"
	    "<TABLE name=\"t1\">\n"
	    "<PARAM name=\"scale\" datatype=\"double\" value=\"1.5\"/>\n"
	    "<FIELD name=\"id\" ID=\"col1\" datatype=\"int\" ucd=\"meta.id;meta.main\">\n"
	    "  <VALUES null=\"-99\"/>\n"
	    "</FIELD>\n"
	    "<FIELD name=\"name\" datatype=\"char\" arraysize=\"*\">\n"
	    "  <DESCRIPTION>Name &lt;&amp;&gt; &quot;quoted&quot;</DESCRIPTION>\n"
	    "</FIELD>\n"
	    "<FIELD name=\"flux\" datatype=\"double\" precision=\"3\" width=\"8\" "
	    "unit=\"mJy\" utype=\"ssa:x\" xtype=\"x\" ref=\"sys\"/>\n"
	    "<DATA><TABLEDATA>\n"
	    "<TR><TD>1</TD><TD>a&amp;b&lt;c&gt;&quot;d&quot;&#9;e&#10;f&#13;g\xef\xbf\xbdh é</TD>"
	    "<TD>1.5</TD></TR>\n"
	    "<TR><TD/><TD/><TD/></TR>\n"
	    "</TABLEDATA></DATA>\n"
	    "</TABLE>\n"
	    "<INFO name=\"QUERY_STATUS\" value=\"OVERFLOW\">a &lt; b</INFO>\n"
	    "</RESOURCE>\n"
	    "</VOTABLE>\n");
	free(s);

	/* without a document */
	struct vot_table t2 = {.fields = fs, .nfields = 1};
	s = write_table(TW_VOTABLE, NULL, NULL, &t2, NULL, 0, rows, 0);
	expect_str("votable, no doc, no rows", s,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n"
	    "<RESOURCE type=\"results\">\n"
	    "<TABLE>\n"
	    "<FIELD name=\"id\" ID=\"col1\" datatype=\"int\" ucd=\"meta.id;meta.main\">\n"
	    "  <VALUES null=\"-99\"/>\n"
	    "</FIELD>\n"
	    "<DATA><TABLEDATA>\n"
	    "</TABLEDATA></DATA>\n"
	    "</TABLE>\n"
	    "</RESOURCE>\n"
	    "</VOTABLE>\n");
	free(s);
}

static void
test_format_parse(void)
{
	enum tw_format f = TW_TSV;
	expect("parse csv", tw_format_parse("csv", &f) == 0 && f == TW_CSV);
	expect("parse jsonl", tw_format_parse("jsonl", &f) == 0 && f == TW_JSON);
	expect("parse vot", tw_format_parse("vot", &f) == 0 && f == TW_VOTABLE);
	expect("parse tsv", tw_format_parse("tsv", &f) == 0 && f == TW_TSV);
	expect("parse bad", tw_format_parse("fits", &f) == -1);
}

/* ---- reader ------------------------------------------------------------ */

/* A handler that writes what it receives with a TSV --meta writer. */
struct sink {
	struct outbuf ob;
	struct tw *w;
	unsigned long rows;
	unsigned long stop_after;	/* 0: never */
};

static int
sink_begin(void *ctx, const struct vot_table *t)
{
	struct sink *k = ctx;
	return tw_begin(k->w, NULL, t, NULL, 0);
}

static int
sink_row(void *ctx, const struct vot_table *t, const struct vot_cell *cells)
{
	struct sink *k = ctx;
	for (size_t i = 0; i < t->nfields; i++)
		if (cells[i].s[cells[i].len] != '\0' || strlen(cells[i].s) != cells[i].len ||
		    (cells[i].null && cells[i].len != 0))
			expect("cell text NUL-terminated, NULL empty", 0);
	tw_row(k->w, cells);
	return ++k->rows == k->stop_after;
}

static int
sink_end(void *ctx, const struct vot_table *t)
{
	struct sink *k = ctx;
	expect("nrows counted", t->nrows == k->rows);
	return tw_end(k->w, NULL);
}

/* Read text as fmt, write it back as TSV with --meta: the output, or the
 * error message prefixed by "error: ". */
static char *
read_table(enum tin_format fmt, const char *text, const struct tin_opts *o,
	   enum tw_format outfmt, unsigned long stop_after, enum vot_err *err)
{
	FILE *in = tmp(), *out = tmp();
	if (fputs(text, in) == EOF || fflush(in) != 0 || fseek(in, 0, SEEK_SET) != 0)
		exit(2);
	struct sink k = {.stop_after = stop_after};
	struct tw_opts wo = {.meta = true};
	if (ob_init(&k.ob, fileno(out), 32) < 0 || !(k.w = tw_new(outfmt, &k.ob, &wo)))
		exit(2);
	struct vot_handler h = {&k, sink_begin, sink_row, sink_end};
	char errbuf[200];
	/* half the text as a prefix, as if read to guess the format */
	size_t half = strlen(text) / 2;
	if (fseek(in, (long)half, SEEK_SET) != 0)
		exit(2);
	*err = tin_read(fileno(in), text, half, fmt, o, &h, errbuf, sizeof errbuf);
	expect("output flush", ob_flush(&k.ob) == 0);
	tw_free(k.w);
	ob_free(&k.ob);
	char *s;
	if (*err != VOT_OK) {
		s = malloc(strlen(errbuf) + 8);
		if (!s)
			exit(2);
		sprintf(s, "error: %s", errbuf);
	} else {
		s = slurp(out);
	}
	fclose(in);
	fclose(out);
	return s;
}

static void
expect_read(const char *what, enum tin_format fmt, const char *text,
	    const struct tin_opts *o, const char *want)
{
	enum vot_err err;
	char *s = read_table(fmt, text, o, TW_TSV, 0, &err);
	expect_str(what, s, want);
	free(s);
}

static void
test_infer(void)
{
	expect_read("inference", TIN_TSV,
	    "# a comment line\n"
	    "#another\n"
	    "l\td\tb\tc\tn\tbig\tmix\n"
	    "1\t1.5\tT\tx\t\t9223372036854775807\t1\n"
	    "-2\tNaN\tfalse\t1\t\t9223372036854775808\tT\n"
	    "+3\t-Inf\tTRUE\t\t\t1\t\n"
	    "\t1e5\tf\ty z\t\t2\t1.5\n"
	    "04\tinf\tt\t2.5\t\t3\t\n",
	    NULL,
	    "# l\tlong\t\t\n"
	    "# d\tdouble\t\t\n"
	    "# b\tboolean\t\t\n"
	    "# c\tchar[*]\t\t\n"
	    "# n\tchar[*]\t\t\n"
	    "# big\tdouble\t\t\n"
	    "# mix\tchar[*]\t\t\n"
	    "l\td\tb\tc\tn\tbig\tmix\n"
	    "1\t1.5\tT\tx\t\t9223372036854775807\t1\n"
	    "-2\t\tF\t1\t\t9223372036854775808\tT\n"
	    "+3\t-Inf\tT\t\t\t1\t\n"
	    "\t1e5\tF\ty z\t\t2\t1.5\n"
	    "04\tInf\tT\t2.5\t\t3\t\n");

	expect_read("numbers, null string, CRLF", TIN_TSV,
	    "x\ty\r\n1\t-\r\n-\t0.5\r\n", &(struct tin_opts){.null_str = "-"},
	    "# x\tlong\t\t\n# y\tdouble\t\t\nx\ty\n1\t\n\t0.5\n");

	expect_read("text beyond ASCII is unicodeChar", TIN_TSV,
	    "a\tb\nx\tcaf\xc3\xa9\ny\tz\n", NULL,
	    "# a\tchar[*]\t\t\n# b\tunicodeChar[*]\t\t\na\tb\nx\tcaf\xc3\xa9\ny\tz\n");

	expect_read("header only", TIN_TSV, "a\tb\n", NULL,
	    "# a\tchar[*]\t\t\n# b\tchar[*]\t\t\na\tb\n");

	expect_read("no final newline, escapes", TIN_TSV,
	    "a\\tb\tc\nx\\\\y\\n\\r\\q\t\\t", NULL,
	    "# a\\tb\tchar[*]\t\t\n# c\tchar[*]\t\t\na\\tb\tc\nx\\\\y\\n\\r\\\\q\t\\t\n");
}

static void
test_meta(void)
{
	/* Complete metadata: rows are streamed, types kept as declared. */
	const char *text =
	    "# id\tshort\t\tmeta.id\n"
	    "# pos\tfloat[2]\tdeg\tpos.eq;meta.main\n"
	    "# flag\tboolean\t\t\n"
	    "# s\tunicodeChar[*]\t\t\n"
	    "# not meta because of the spaces\n"
	    "id\tpos\tflag\ts\n"
	    "1\t1.5 2\ttrue\tdéjà vu\n"
	    "\t\t?\t\n"
	    "3\tNaN 1\t0\tx\n";
	expect_read("meta", TIN_TSV, text, NULL,
	    "# id\tshort\t\tmeta.id\n"
	    "# pos\tfloat[2]\tdeg\tpos.eq;meta.main\n"
	    "# flag\tboolean\t\t\n"
	    "# s\tunicodeChar[*]\t\t\n"
	    "id\tpos\tflag\ts\n"
	    "1\t1.5 2\tT\tdéjà vu\n"
	    "\t\t\t\n"
	    "3\tNaN 1\tF\tx\n");

	/* Metadata for some columns only: the others are inferred. */
	expect_read("partial meta", TIN_TSV,
	    "# b\tfloat\tm\t\nb\ta\n1\t2\n", NULL,
	    "# b\tfloat\tm\t\n# a\tlong\t\t\nb\ta\n1\t2\n");

	/* Round trip: TSV writer -> reader -> TSV writer. */
	struct vot_field fs[] = {
		field("n\tame", VOT_DOUBLE, NULL),
		field("arr", VOT_INT, "2x2"),
		field("txt", VOT_CHAR, "*"),
	};
	fs[0].unit = "km/s";
	fs[0].ucd = "phys.veloc";
	struct vot_table t = {.fields = fs, .nfields = 3};
	const char *rows[] = {
		"1.5", "1 2 3 4", "tab\there\nnewline\\back",
		NULL, NULL, "UTF-8 ✓",
		"-0.0", "0 0 0 0", NULL,
	};
	struct tw_opts o = {.meta = true};
	char *tsv = write_table(TW_TSV, &o, NULL, &t, NULL, 0, rows, 3);
	enum vot_err err;
	char *back = read_table(TIN_TSV, tsv, NULL, TW_TSV, 0, &err);
	expect_str("tsv round trip", back, tsv);
	free(back);
	free(tsv);
}

static void
test_csv(void)
{
	expect_read("csv", TIN_CSV,
	    "a,b,\"c,d\"\r\n"
	    "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
	    "2,\"two\r\nlines\",\r\n"
	    ",\"\",plain \"quote\n"
	    "4,\"multi\n\nline\",end",
	    NULL,
	    "# a\tlong\t\t\n"
	    "# b\tchar[*]\t\t\n"
	    "# c,d\tchar[*]\t\t\n"
	    "a\tb\tc,d\n"
	    "1\tx, y\tsay \"hi\"\n"
	    "2\ttwo\\r\\nlines\t\n"
	    "\t\tplain \"quote\n"
	    "4\tmulti\\n\\nline\tend\n");

	/* CSV writer -> reader -> CSV writer */
	struct vot_field fs[] = {
		field("x", VOT_CHAR, "*"),
		field("y", VOT_CHAR, "*"),
	};
	struct vot_table t = {.fields = fs, .nfields = 2};
	const char *rows[] = {
		" lead", "a,b",
		"q\"q", "l1\r\nl2\n",
		NULL, "tab\tx",
	};
	char *csv = write_table(TW_CSV, NULL, NULL, &t, NULL, 0, rows, 3);
	enum vot_err err;
	char *back = read_table(TIN_CSV, csv, NULL, TW_CSV, 0, &err);
	expect_str("csv round trip", back, csv);
	free(back);
	free(csv);

	expect_read("csv null string", TIN_CSV, "a,b\nNA,1\n",
	    &(struct tin_opts){.null_str = "NA"},
	    "# a\tchar[*]\t\t\n# b\tlong\t\t\na\tb\n\t1\n");
}

static void
test_errors(void)
{
	expect_read("field count", TIN_TSV, "a\tb\tc\n1\t2\t3\n1\t2\n", NULL,
	    "error: line 3: 2 fields, expected 3");
	expect_read("field count after comments, with meta", TIN_TSV,
	    "# a\tint\t\t\n#\na\n1\n2\t3\n", NULL,
	    "error: line 5: 2 fields, expected 1");
	expect_read("csv field count, multi-line record", TIN_CSV,
	    "a,b\n\"1\n2\",3\n4\n", NULL,
	    "error: line 4: 1 fields, expected 2");
	expect_read("csv unterminated quote", TIN_CSV, "a\n\"open\n", NULL,
	    "error: line 2: quoted field not closed");
	expect_read("empty input", TIN_TSV, "", NULL, "error: no header row");
	expect_read("comments only", TIN_TSV, "# x\n", NULL, "error: no header row");

	enum vot_err err;
	char *s = read_table(TIN_TSV, "a\n1\n2\n3\n", NULL, TW_TSV, 2, &err);
	expect("handler stop -> VOT_ECALLBACK", err == VOT_ECALLBACK);
	free(s);
	s = read_table(TIN_TSV, "a\tb\n1\n", NULL, TW_TSV, 0, &err);
	expect("field count -> VOT_EDATA", err == VOT_EDATA);
	free(s);
}

/* The reader's output as VOTable: field types reach the writer. */
static void
test_to_votable(void)
{
	enum vot_err err;
	char *s = read_table(TIN_TSV, "# f\tfloat[3]\tdeg\tpos\nf\tg\n1 2 3\tT\n",
	    &(struct tin_opts){.table_name = "up"}, TW_VOTABLE, 0, &err);
	expect_str("tsv -> votable", s,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\">\n"
	    "<RESOURCE type=\"results\">\n"
	    "<TABLE name=\"up\">\n"
	    "<FIELD name=\"f\" datatype=\"float\" arraysize=\"3\" unit=\"deg\" ucd=\"pos\"/>\n"
	    "<FIELD name=\"g\" datatype=\"boolean\"/>\n"
	    "<DATA><TABLEDATA>\n"
	    "<TR><TD>1 2 3</TD><TD>T</TD></TR>\n"
	    "</TABLEDATA></DATA>\n"
	    "</TABLE>\n"
	    "</RESOURCE>\n"
	    "</VOTABLE>\n");
	free(s);
}

/* Many rows with inference: the spool path, and buffer growth with a
 * value longer than the reader's buffer. */
static void
test_big(void)
{
	size_t n = 20000, big = 200000;
	size_t cap = 64 + n * 32 + big;
	char *text = malloc(cap), *p = text;
	if (!text)
		exit(2);
	p += sprintf(p, "i\tx\n");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%zu\t%zu.5\n", i, i);
	p += sprintf(p, "-1\t");
	memset(p, '7', big);
	p += big;
	strcpy(p, "\n");
	enum vot_err err;
	char *s = read_table(TIN_TSV, text, NULL, TW_TSV, 0, &err);
	expect("big: read ok", err == VOT_OK);
	/* the output is the input with the meta lines in front */
	const char *meta = "# i\tlong\t\t\n# x\tdouble\t\t\n";
	expect("big: meta", strncmp(s, meta, strlen(meta)) == 0);
	expect("big: same rows", strcmp(s + strlen(meta), text) == 0);
	free(s);
	free(text);
}

/* The longest record: a longer one is an error, memory stays bounded. */
static void
test_record_limit(void)
{
	struct tin_opts o = {.max_record = 100};
	char line[300];
	memset(line, 'x', sizeof line);
	char text[700];

	enum vot_err err;
	snprintf(text, sizeof text, "a\tb\n1\t%.98s\n2\t%.97s\r\n", line, line);
	char *s = read_table(TIN_TSV, text, &o, TW_TSV, 0, &err);
	expect("tsv: a record of the limit is read", err == VOT_OK);
	free(s);
	snprintf(text, sizeof text, "a\tb\n1\t%.98s\n2\t%.99s\n3\tx\n", line, line);
	s = read_table(TIN_TSV, text, &o, TW_TSV, 0, &err);
	expect_str("tsv: one byte over the limit", s, "error: line 3: a record longer than "
	    "100 bytes (the limit of one TSV or CSV record)");
	expect("tsv: over the limit -> VOT_EDATA", err == VOT_EDATA);
	free(s);

	snprintf(text, sizeof text, "%.250s\n1\n", line);
	s = read_table(TIN_TSV, text, &o, TW_TSV, 0, &err);
	expect_str("tsv: the header over the limit", s, "error: line 1: a record longer than "
	    "100 bytes (the limit of one TSV or CSV record)");
	free(s);

	/* CSV: the lines of one record together */
	snprintf(text, sizeof text, "a,b\n1,\"%.60s\n%.60s\"\n", line, line);
	s = read_table(TIN_CSV, text, &o, TW_TSV, 0, &err);
	expect_str("csv: a quoted record over the limit", s, "error: line 2: a record longer "
	    "than 100 bytes (the limit of one TSV or CSV record)");
	free(s);
	snprintf(text, sizeof text, "a,b\n1,\"%.40s\n%.40s\"\n", line, line);
	s = read_table(TIN_CSV, text, &o, TW_TSV, 0, &err);
	expect("csv: a quoted record within the limit", err == VOT_OK);
	free(s);

	o.max_record = 0;	/* the default */
	s = read_table(TIN_TSV, "a\n1\n", &o, TW_TSV, 0, &err);
	expect("default limit", err == VOT_OK && TIN_RECORD_MAX == (size_t)64 << 20);
	free(s);
}

/* A CSV header that is one empty field, then a field: found by fuzzing
 * (memcpy from a buffer not yet allocated, length 0). */
static void
test_csv_fuzz(void)
{
	expect_read("csv: empty first field", TIN_CSV, "\ta\n-0125ta", NULL,
	    "# \\ta\tchar[*]\t\t\n\\ta\n-0125ta\n");
	expect_read("csv: empty fields", TIN_CSV, ",\n,\n", NULL,
	    "# \tchar[*]\t\t\n# \tchar[*]\t\t\n\t\n\t\n");
}

/* The VOTable writer refuses what XML cannot carry: not UTF-8, control
 * characters, U+FFFE/U+FFFF; it writes U+FFFD and says where. */
static void
test_xml_chars(void)
{
	static const struct {
		const char *value, *err;
	} cases[] = {
		{"plain ASCII & <markup>", NULL},
		{"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbd \xef\xbf\xbd", NULL},
		{"tab\tLF\nCR\r", NULL},
		{"caf\xe9", "not valid UTF-8 (byte 0xE9)"},
		{"\xc0\x80", "not valid UTF-8 (byte 0xC0)"},		/* overlong NUL */
		{"\xe0\x80\xaf", "not valid UTF-8 (byte 0xE0)"},	/* overlong / */
		{"\xed\xa0\x80", "not valid UTF-8 (byte 0xED)"},	/* surrogate */
		{"\xf4\x90\x80\x80", "not valid UTF-8 (byte 0xF4)"},	/* > U+10FFFF */
		{"\xf5\x80\x80\x80", "not valid UTF-8 (byte 0xF5)"},
		{"cut \xe2\x9c", "not valid UTF-8 (byte 0xE2)"},
		{"\x80", "not valid UTF-8 (byte 0x80)"},
		{"\xef\xbf\xbe", "not valid UTF-8 (byte 0xEF)"},		/* U+FFFE */
		{"\xef\xbf\xbf", "not valid UTF-8 (byte 0xEF)"},		/* U+FFFF */
		{"a\x01z", "control character U+0001, which XML 1.0 does not allow"},
		{"\x1f", "control character U+001F, which XML 1.0 does not allow"},
	};
	struct vot_field fs[] = {field("id", VOT_INT, NULL), field("name", VOT_CHAR, "*")};
	struct vot_table t = {.fields = fs, .nfields = 2};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		FILE *f = tmp();
		struct outbuf ob;
		if (ob_init(&ob, fileno(f), 64) < 0)
			exit(2);
		struct tw *w = tw_new(TW_VOTABLE, &ob, NULL);
		expect("xml: begin", tw_begin(w, NULL, &t, NULL, 0) == 0 && !tw_error(w));
		struct vot_cell good[2] = {cell("1"), cell("fine")};
		struct vot_cell row[2] = {cell("2"), cell(cases[i].value)};
		tw_row(w, good);
		tw_row(w, row);
		tw_row(w, good);
		int end = tw_end(w, NULL);
		char want[200] = "";
		if (cases[i].err)
			snprintf(want, sizeof want, "row 2, column 'name': %s", cases[i].err);
		char what[64];
		snprintf(what, sizeof what, "xml: case %zu", i);
		expect_str(what, tw_error(w) ? tw_error(w) : "", want);
		expect(what, (end < 0) == (cases[i].err != NULL));
		expect("xml: flush", ob_flush(&ob) == 0);
		char *s = slurp(f);
		/* what is written is valid UTF-8 without control characters */
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			if ((*p < 0x20 && *p != '\n') || *p == 0xff)
				expect("xml: no control characters written", 0);
		if (cases[i].err)
			expect("xml: U+FFFD written", strstr(s, "\xef\xbf\xbd") != NULL);
		free(s);
		tw_free(w);
		ob_free(&ob);
		fclose(f);
	}

	/* metadata: a column name */
	struct vot_field bad[] = {field("ok", VOT_INT, NULL), field("na\xffme", VOT_CHAR, "*")};
	struct vot_table tb = {.fields = bad, .nfields = 2};
	FILE *f = tmp();
	struct outbuf ob;
	if (ob_init(&ob, fileno(f), 64) < 0)
		exit(2);
	struct tw *w = tw_new(TW_VOTABLE, &ob, NULL);
	tw_begin(w, NULL, &tb, NULL, 0);
	expect_str("xml: a column name", tw_error(w) ? tw_error(w) : "",
	    "FIELD 'na?me': not valid UTF-8 (byte 0xFF)");
	/* TSV passes bytes through, and never refuses */
	tw_free(w);
	w = tw_new(TW_TSV, &ob, NULL);
	tw_begin(w, NULL, &tb, NULL, 0);
	expect("tsv: no refusal", tw_error(w) == NULL && tw_end(w, NULL) == 0);
	tw_free(w);
	ob_free(&ob);
	fclose(f);
}

int
main(void)
{
	test_record_limit();
	test_csv_fuzz();
	test_xml_chars();
	test_format_parse();
	test_tsv_csv();
	test_json();
	test_votable();
	test_infer();
	test_meta();
	test_csv();
	test_errors();
	test_to_votable();
	test_big();
	if (failures) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("table_test: all passed\n");
	return 0;
}
