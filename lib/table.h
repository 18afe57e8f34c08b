/* Table writers: TSV (the vo-tools convention, see vo-tools(7)), CSV
 * (RFC 4180), JSON Lines and VOTable (TABLEDATA).  They consume the rows
 * of vot.h (cells as text) and write to an outbuf. */
#ifndef VT_TABLE_H
#define VT_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "outbuf.h"
#include "vot.h"

enum tw_format { TW_TSV, TW_CSV, TW_JSON, TW_VOTABLE };

/* "tsv", "csv", "json" (also "jsonl"), "votable" (also "vot", "xml");
 * returns 0, or -1 for an unknown name. */
int tw_format_parse(const char *s, enum tw_format *f);

struct tw_opts {
	const char *null_str;	/* NULL cells in TSV/CSV; default "" */
	bool meta;		/* TSV: emit "# name\tdatatype\tunit\tucd" lines first */
	bool no_header;		/* TSV/CSV: omit the column-name row */
};

struct tw;

struct tw *tw_new(enum tw_format f, struct outbuf *ob, const struct tw_opts *o);
/* Start a table.  cols lists the input column indexes to write, in order
 * (NULL means all columns of t).  doc may be NULL; the VOTable writer
 * copies its INFOs and PARAMs. */
int tw_begin(struct tw *w, const struct vot_doc *doc, const struct vot_table *t,
	     const size_t *cols, size_t ncols);
/* cells is indexed by input column, as delivered by the parser. */
void tw_row(struct tw *w, const struct vot_cell *cells);
/* End the table; the VOTable writer copies INFOs of doc that came after
 * the table (e.g. QUERY_STATUS=OVERFLOW).  -1 on a write error or if
 * tw_error() has something to say. */
int tw_end(struct tw *w, const struct vot_doc *doc);
/* VOTable only: text XML cannot carry, in a value or in the metadata (bytes
 * that are not UTF-8, a control character but TAB, LF and CR, U+FFFE,
 * U+FFFF) is refused.  It is written as U+FFFD, so the document stays
 * well-formed, and the first such value is described here ("row 3, column
 * 'name': not valid UTF-8 (byte 0xE9)", "FIELD 'x': ..."); NULL if none
 * since tw_begin.  Callers stop and fail (vo-tools exit 65). */
const char *tw_error(const struct tw *w);
void tw_free(struct tw *w);

/* TSV escaping of one value: tab, newline, CR and backslash become
 * \t \n \r \\.  Exposed because every program writes TSV. */
void tsv_put_escaped(struct outbuf *ob, const char *s, size_t len);
/* A TSV line of n fields, each escaped; NULL is an empty field. */
void tsv_put_row(struct outbuf *ob, const char *const *f, size_t n);
/* The same as a row callback (of lib/vosi, lib/uws, lib/journal
 * listings): ctx is the struct outbuf; -1 once it failed. */
int tsv_row_sink(void *ctx, const char *const *f, size_t n);

#endif
