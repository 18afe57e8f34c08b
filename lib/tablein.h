/* Reading TSV (the vo-tools convention) and CSV (RFC 4180) tables into
 * the vot.h row model, e.g. to write them as a VOTable for a TAP upload.
 *
 * Column types come from a metadata comment header, if present:
 *     # name<TAB>datatype<TAB>unit<TAB>ucd
 * one line per column before the header row (datatype may carry an
 * arraysize in brackets: "float[3]", "char[*]"), as written by
 * `vo-vot --meta`.  Otherwise each column's type is inferred from all its
 * values (long, double, boolean, else char[*], or unicodeChar[*] if some
 * value is not ASCII, as VOTable's char is), which needs a first pass:
 * the rows are spooled to a temporary file, so memory stays constant. */
#ifndef VT_TABLEIN_H
#define VT_TABLEIN_H

#include <stddef.h>
#include <stdio.h>

#include "vot.h"

enum tin_format { TIN_TSV, TIN_CSV };

/* The longest record (one line, or for CSV the lines of one record with
 * quoted line breaks) read: a longer one is an error (VOT_EDATA, "line N:
 * a record longer than 64 MiB ..."), so memory stays bounded whatever the
 * input.  Documented in vo-tools(7). */
#define TIN_RECORD_MAX ((size_t)64 << 20)

struct tin_opts {
	const char *null_str;	/* a field equal to this is NULL; "" always is */
	const char *table_name;	/* name of the resulting table, may be NULL */
	size_t max_record;	/* bytes; 0: TIN_RECORD_MAX */
};

/* Read the table from fd and hand it to h: table_begin once, row per row,
 * table_end once.  Returns VOT_OK or an error with a one-line message in
 * errbuf (e.g. "line 7: 3 fields, expected 4").
 * The first prefixlen bytes of the input are in prefix (bytes a caller
 * already read from fd to guess the format; may be 0), the rest is read
 * from fd. */
enum vot_err tin_read(int fd, const char *prefix, size_t prefixlen, enum tin_format f,
		      const struct tin_opts *o, const struct vot_handler *h,
		      char *errbuf, size_t errlen);

/* A VOTable whose document must be known before its rows are used (the
 * service descriptors of a result come after its table): read from fd
 * (the first prefixlen bytes already read into prefix) into a temporary
 * file, its document parsed on the way without the rows.  On VOT_OK,
 * *doc is that parser (vot_parser_doc; the caller frees it) and *spool
 * the file, rewound, for a second pass (vot_parse_fd on fileno; the
 * caller closes it).  Errors come with a one-line message. */
enum vot_err tin_spool_votable(int fd, const char *prefix, size_t prefixlen,
			       struct vot_parser **doc, FILE **spool, char *errbuf, size_t errlen);

#endif
