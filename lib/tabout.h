/* Writing one table of a VOTable (or TSV/CSV) stream: the path from a
 * parser to a writer that vo-vot, vo-tap and vo-job share.  It picks the
 * table (by index or name) and the columns (by name or UCD), starts the
 * writer when the table's rows begin, and judges QUERY_STATUS at the end. */
#ifndef VT_TABOUT_H
#define VT_TABOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "outbuf.h"
#include "table.h"
#include "vot.h"

struct tabout_opts {
	enum tw_format format;
	struct tw_opts tw;
	const char *table;		/* 0-based index or name/ID; NULL: the first */
	const char *columns;		/* "a,b,c", or NULL */
	const char **ucds;		/* UCD patterns, see tabout_ucd_matches */
	size_t nucds;
	bool no_rows;			/* pick the table but write nothing */
};

/* The table output options every program that writes tables takes, for
 * its getopt_long table: -f/--format and -c/--columns come back as 'f'
 * and 'c' (put "f:c:" in the short options), the others as base, base+1,
 * ... (-o/--output is the program's own: see output.h). */
#define TABOUT_LONGOPTS(base) \
	{ "format", required_argument, NULL, 'f' }, \
	{ "columns", required_argument, NULL, 'c' }, \
	{ "ucd", required_argument, NULL, (base) }, \
	{ "meta", no_argument, NULL, (base) + 1 }, \
	{ "null", required_argument, NULL, (base) + 2 }, \
	{ "no-header", no_argument, NULL, (base) + 3 }
#define TABOUT_NLONGOPTS 4

/* Their lines for a program's --help. */
#define TABOUT_HELP \
"  -f, --format FMT        tsv (default), csv, json, votable\n" \
"  -c, --columns A,B,...   only these columns, in this order\n" \
"      --ucd UCD           columns whose UCD has these atoms, e.g.\n" \
"                          'pos.eq.ra;meta.main' (repeatable)\n" \
"      --meta              TSV: start with '# name datatype unit ucd' lines\n" \
"      --null STR          write NULL as STR in TSV/CSV (default: empty)\n" \
"      --no-header         TSV/CSV: no column-name row\n"

/* If c (from getopt_long) is one of TABOUT_LONGOPTS(base), take it and
 * return 1, or -1 with a message for a bad value; else return 0. */
int tabout_option(struct tabout_opts *o, int c, int base, const char *arg,
		  char *err, size_t errlen);
void tabout_opts_free(struct tabout_opts *o);

struct tabout {
	const struct tabout_opts *o;
	struct outbuf *ob;
	struct tw *w;
	const struct vot_parser *parser;	/* for the document so far, or NULL */
	const struct vot_table *chosen;
	size_t *cols;
	size_t ncols;
	int code;			/* exit code decided in a callback */
	char msg[512];			/* and its message */
};

void tabout_init(struct tabout *t, const struct tabout_opts *o, struct outbuf *ob);
/* Handler for vot_parser_new(); call tabout_attach() with the parser. */
struct vot_handler tabout_handler(struct tabout *t);
void tabout_attach(struct tabout *t, const struct vot_parser *p);
/* Handler for tin_read(): one table, ended at table_end. */
struct vot_handler tabout_text_handler(struct tabout *t);

/* After a VOTable document: end the output and judge it.  Returns 0,
 * VT_EX_SERVICE (QUERY_STATUS=ERROR, msg has the service's message) or
 * VT_EX_DATAERR (no such table); *overflow tells QUERY_STATUS=OVERFLOW. */
int tabout_finish(struct tabout *t, const struct vot_doc *d, bool *overflow,
		  char *msg, size_t msglen);
void tabout_free(struct tabout *t);

/* Every ;-separated atom of pattern is an atom of ucd (case-insensitive);
 * an atom ending in '*' matches as a prefix. */
bool tabout_ucd_matches(const char *ucd, const char *pattern);

#endif
