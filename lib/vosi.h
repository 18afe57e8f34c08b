/* Streaming parsers for TAP service metadata: VOSI capabilities (with
 * TAPRegExt), VOSI tables (tableset or a single table), VOSI availability
 * and DALI examples (XHTML with RDFa).
 *
 * The document is pushed in pieces as it arrives; the listing comes out as
 * rows of strings through a callback, in the TSV shape of vo-tools(7)
 * (vosi_header() gives the header row of each listing).  Rows are handed
 * over as their elements end, so memory does not grow with the document
 * (only the columns of the one table asked for are held back, until its
 * end).
 *
 * Namespaces and prefixes do not matter: elements are matched on their
 * local names, xsi:type values on the part after the colon, standard
 * identifiers case-insensitively.  Entity declarations are refused.
 *
 * Listings (header row first):
 *
 *  VOSI_CAPABILITIES  key value detail — one fact a row:
 *	interface sync|async|tables|capabilities|availability|examples URL
 *	    (a capability of another standard: its standardID as the value;
 *	    for the TAP capability the sync and async URLs are the base URL
 *	    plus /sync and /async)
 *	securityMethod STANDARD-ID URL	(an interface needing authentication)
 *	language NAME-VERSION VERSION-IVO-ID	(NAME alone without versions)
 *	feature FORM TYPE-IVO-ID	(every languageFeatures/feature)
 *	dataModel NAME IVO-ID
 *	upload inline|http|https|ftp|IVO-ID IVO-ID
 *	output ALIAS|MIME MIME		(a row per alias)
 *	retention.default|hard N s, executionDuration.default|hard N s,
 *	outputLimit.default|hard N row|byte, uploadLimit.default|hard N row|byte,
 *	maxrec.default|hard N		(outputLimit in rows)
 *  VOSI_TABLES  name type description — a row per table; names qualified
 *	by their schema unless the service already qualified them.
 *  VOSI_COLUMNS  name datatype arraysize unit ucd utype description flags —
 *	the columns of the table given to vosi_parser_new (matched without
 *	regard to case, with or without its schema when that is unambiguous);
 *	datatype is a VOTable datatype (TAPType dataTypes are translated);
 *	flags are the column's <flag>s joined by commas (indexed, primary,
 *	nullable).
 *  VOSI_EXAMPLES  id name query — a row per element typed "example";
 *	query is the text of the element with property "query", kept as is
 *	but for surrounding white space.
 *  VOSI_AVAILABILITY  key value — available true|false, upSince, downAt,
 *	backAt, note.
 *
 * Descriptions and names have runs of white space turned into single
 * spaces. */
#ifndef VT_VOSI_H
#define VT_VOSI_H

#include <stdbool.h>
#include <stddef.h>

enum vosi_kind {
	VOSI_CAPABILITIES,
	VOSI_TABLES,
	VOSI_COLUMNS,
	VOSI_EXAMPLES,
	VOSI_AVAILABILITY,
};

enum vosi_err {
	VOSI_OK = 0,
	VOSI_EDATA,		/* not well-formed, not the document expected */
	VOSI_ENOMEM,
	VOSI_ECALLBACK,		/* the row callback returned non-zero */
	VOSI_ENOTFOUND,		/* VOSI_COLUMNS: no such table, or ambiguous */
};

/* Gets each row; fields[i] are NUL-terminated, never NULL ("" when
 * absent).  Non-zero stops the parse (VOSI_ECALLBACK). */
typedef int (*vosi_row_fn)(void *ctx, const char *const *fields, size_t n);

/* What a client needs from the capabilities (complete after finish).
 * Strings are NULL when not declared; numbers -1 when unknown. */
struct tap_caps {
	char *sync_url, *async_url;	/* an anonymous interface preferred */
	char *tables_url, *capabilities_url, *availability_url, *examples_url;
	bool upload_inline, upload_http, upload_https, upload_ftp;
	long maxrec_default, maxrec_hard;	/* outputLimit in rows */
	long upload_limit;			/* uploadLimit hard, in bytes */
	long retention_default, retention_hard;	/* seconds */
	long exec_default, exec_hard;		/* seconds */
};

/* The header row of a listing. */
const char *const *vosi_header(enum vosi_kind k, size_t *n);

struct vosi_parser;

/* table: for VOSI_COLUMNS, the table wanted (else ignored, may be NULL).
 * row may be NULL (VOSI_CAPABILITIES: just the struct).  NULL if out of
 * memory. */
struct vosi_parser *vosi_parser_new(enum vosi_kind k, const char *table,
				    vosi_row_fn row, void *ctx);
/* Feed the next piece; after an error the parser must only be freed. */
enum vosi_err vosi_parser_feed(struct vosi_parser *p, const char *buf, size_t len);
/* End of input: a truncated document, or (VOSI_COLUMNS) a table not
 * found, is an error here. */
enum vosi_err vosi_parser_finish(struct vosi_parser *p);
/* One line describing the last error, e.g. "line 12: not well-formed". */
const char *vosi_parser_errmsg(const struct vosi_parser *p);
/* VOSI_CAPABILITIES: the facts gathered so far; valid until free. */
const struct tap_caps *vosi_parser_caps(const struct vosi_parser *p);
/* VOSI_AVAILABILITY: 1 available, 0 not, -1 not said. */
int vosi_parser_available(const struct vosi_parser *p);
/* VOSI_EXAMPLES: the hrefs of property="continuation" links (DALI: more
 * examples on other pages), in document order; valid until free. */
const char *const *vosi_parser_continuations(const struct vosi_parser *p, size_t *n);
void vosi_parser_free(struct vosi_parser *p);

#endif
