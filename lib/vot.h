/* Streaming VOTable reader (VOTable 1.1-1.5, TABLEDATA, BINARY, BINARY2).
 *
 * Everything but the rows is kept in a small document model (struct
 * vot_doc); rows are handed to a callback as they are parsed and then
 * forgotten, so memory does not grow with the row count.
 *
 * Cells are delivered as text, the form every writer needs:
 *  - numbers: TABLEDATA text as the server wrote it (trimmed); binary values
 *    formatted by numfmt.h (shortest exact form);
 *  - boolean: "T" or "F";
 *  - bit: "0"/"1";
 *  - char/unicodeChar: the UTF-8 string (binary NUL padding removed);
 *  - arrays (and complex numbers, and bit arrays): elements separated by
 *    single spaces;
 *  - NULL (empty TD, VALUES null sentinel, NaN scalar, BINARY2 null flag,
 *    empty string): cell.null is set and the text is "".
 * Every cell's text is NUL-terminated. */
#ifndef VT_VOT_H
#define VT_VOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vot_type {
	VOT_UNKNOWN = 0,
	VOT_BOOLEAN, VOT_BIT, VOT_UBYTE, VOT_SHORT, VOT_INT, VOT_LONG,
	VOT_CHAR, VOT_UNICODE, VOT_FLOAT, VOT_DOUBLE,
	VOT_FCOMPLEX, VOT_DCOMPLEX,
};

const char *vot_type_name(enum vot_type t);	/* "double", ... */
enum vot_type vot_type_parse(const char *s);	/* VOT_UNKNOWN if not a datatype */

struct vot_option {
	char *name;
	char *value;
};

struct vot_values {
	char *null;		/* the null sentinel, or NULL */
	char *min, *max;	/* or NULL */
	bool min_inclusive, max_inclusive;
	struct vot_option *options;
	size_t noptions;
	char *ref;
};

/* A FIELD or a PARAM (value is set only for PARAMs). */
struct vot_field {
	char *name, *id, *datatype, *arraysize, *unit, *ucd, *utype, *xtype;
	char *ref, *description, *precision, *width;
	char *value;
	enum vot_type type;
	/* Elements per value: product of the dimensions; -1 if the last
	 * dimension is variable ("*" or "N*"); 1 without arraysize. */
	long nelem;
	/* true when a cell holds several values: an arraysize on a non-char
	 * type, a complex type, or a multi-dimensional char array. */
	bool is_array;
	struct vot_values values;
};

struct vot_info {
	char *id, *name, *value, *content;
	/* content (or value if content is empty) on one line, white space
	 * collapsed, cut after 300 bytes with "..." appended: fit to quote */
	char *excerpt;
};

struct vot_group {
	char *id, *name, *ref, *ucd, *utype, *description;
	struct vot_field *params;
	size_t nparams;
	char **fieldrefs;	/* FIELDref/PARAMref ref attributes */
	size_t nfieldrefs;
	struct vot_group *groups;	/* nested GROUPs */
	size_t ngroups;
};

enum vot_serialization { VOT_SER_NONE, VOT_SER_TABLEDATA, VOT_SER_BINARY, VOT_SER_BINARY2 };

struct vot_table {
	char *id, *name, *ref, *ucd, *utype, *description;
	long nrows_declared;		/* nrows attribute, -1 if absent */
	unsigned long nrows;		/* rows seen so far */
	size_t index;			/* 0-based position among all TABLEs */
	size_t resource;		/* index into vot_doc.resources */
	enum vot_serialization serialization;
	struct vot_field *fields;
	size_t nfields;
	struct vot_field *params;
	size_t nparams;
	struct vot_info *infos;		/* INFOs inside the TABLE */
	size_t ninfos;
	struct vot_group *groups;
	size_t ngroups;
};

struct vot_resource {
	char *id, *name, *type, *utype;		/* type is "results", "meta", ... */
	long parent;				/* index of the enclosing RESOURCE, -1 */
	struct vot_info *infos;			/* INFOs directly in the RESOURCE (before or after tables) */
	size_t ninfos;
	struct vot_field *params;
	size_t nparams;
	struct vot_group *groups;
	size_t ngroups;
	size_t *tables;				/* indexes into vot_doc.tables */
	size_t ntables;
};

struct vot_doc {
	char *version;
	struct vot_info *infos;		/* INFOs directly under VOTABLE */
	size_t ninfos;
	struct vot_field *params;	/* PARAMs directly under VOTABLE (1.1 DEFINITIONS too) */
	size_t nparams;
	struct vot_resource *resources;	/* in document order */
	size_t nresources;
	struct vot_table **tables;	/* in document order; pointers stay valid */
	size_t ntables;
};

struct vot_cell {
	const char *s;		/* NUL-terminated */
	size_t len;
	bool null;
};

/* Callback results: 0 go on; VOT_SKIP (from table_begin only) parse the
 * table without delivering its rows; any other value stops the parse, and
 * vot_parser_feed/finish return VOT_ECALLBACK. */
#define VOT_SKIP 1

struct vot_handler {
	void *ctx;
	/* Called when the first row is about to come (FIELDs known), or at
	 * </TABLE> for a table without data. May be NULL. */
	int (*table_begin)(void *ctx, const struct vot_table *t);
	int (*row)(void *ctx, const struct vot_table *t, const struct vot_cell *cells);
	int (*table_end)(void *ctx, const struct vot_table *t);	/* may be NULL */
};

enum vot_err {
	VOT_OK = 0,
	VOT_EDATA,		/* malformed XML or VOTable, bad base64, short row, ... */
	VOT_EUNSUPPORTED,	/* FITS serialization, external STREAM href, ... */
	VOT_ENOMEM,
	VOT_ECALLBACK,		/* a handler returned non-zero */
};

struct vot_parser;

struct vot_parser *vot_parser_new(const struct vot_handler *h);
/* Feed the next piece of the document; returns VOT_OK or an error, after
 * which the parser must only be freed. */
enum vot_err vot_parser_feed(struct vot_parser *p, const char *buf, size_t len);
/* Signal end of input: a truncated document is an error here. */
enum vot_err vot_parser_finish(struct vot_parser *p);
/* Read fd to the end, feeding the parser, then finish. */
enum vot_err vot_parse_fd(struct vot_parser *p, int fd);
/* One line describing the last error, e.g. "line 12: not well-formed". */
const char *vot_parser_errmsg(const struct vot_parser *p);
/* The document model so far (complete after finish). */
const struct vot_doc *vot_parser_doc(const struct vot_parser *p);
void vot_parser_free(struct vot_parser *p);

/* QUERY_STATUS of the document: the worst INFO name="QUERY_STATUS" found
 * anywhere (ERROR > OVERFLOW > OK).  *msg gets the INFO's excerpt (its
 * text, or value attribute if the text is empty, on one line and cut to
 * 300 bytes + "..."); may be NULL. */
enum vot_status { VOT_STATUS_NONE, VOT_STATUS_OK, VOT_STATUS_OVERFLOW, VOT_STATUS_ERROR };
enum vot_status vot_doc_status(const struct vot_doc *d, const char **msg);

/* The index of the table's FIELD called name (exactly, else ignoring
 * case), or SIZE_MAX. */
size_t vot_field_index(const struct vot_table *t, const char *name);

/* Parse an arraysize attribute ("3", "*", "10*", "3x4", "2x*"); sets
 * *nelem as in vot_field.nelem. Returns 0 or -1 if malformed. */
int vot_arraysize_parse(const char *s, long *nelem, int *ndims);

#endif
