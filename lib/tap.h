/* Building TAP requests (TAP 1.1): the parameters of a query, shared by
 * synchronous (vo-tap) and asynchronous (vo-job) use. */
#ifndef VT_TAP_H
#define VT_TAP_H

#include <stdbool.h>
#include <stddef.h>

#include "adql.h"
#include "http.h"

/* -u NAME=FILE or NAME=URL */
struct tap_upload {
	char *name;
	char *source;		/* the file or URL as given */
	bool is_url;
	char *votable;		/* file to send: source, or a converted temporary */
	bool temporary;		/* votable is ours to remove */
};

struct tap_query {
	const char *lang;	/* default "ADQL" */
	const char *query;
	long maxrec;		/* < 0: the service's default */
	struct tap_upload *uploads;
	size_t nuploads;
	/* more TAP parameters (-P): NAME, VALUE, ..., NULL; or NULL */
	const char *const *params;

	/* built by tap_request_build */
	char maxrec_text[24];
	char *upload_param;
	const char **form;
	struct http_part *parts;
};

/* The service's base URL from what the user gave: trailing slashes and a
 * trailing /sync or /async removed; malloc'd. */
char *tap_base_url(const char *service);

/* Parse NAME=FILE|URL; the name must be an ADQL identifier.  Returns 0 or
 * -1 with a message. */
int tap_upload_parse(const char *arg, struct tap_upload *u, char *err, size_t errlen);
/* Make the upload sendable: a VOTable file is sent as it is, a TSV or CSV
 * file is converted to a temporary VOTable.  Returns 0 or an exit code
 * with a message. */
int tap_upload_prepare(struct tap_upload *u, char *err, size_t errlen);
void tap_upload_free(struct tap_upload *u);

/* Fill rq (method, url, form or multipart parts) for a query posted to
 * url (the sync or async endpoint): REQUEST, LANG, QUERY, MAXREC, then
 * q->params, then extra ("NAME", "VALUE" pairs, NULL-terminated, or NULL),
 * then UPLOAD.  Returns 0 or -1 (out of memory). */
int tap_request_build(struct tap_query *q, const char *url, const char *const *extra,
		      struct http_request *rq);
void tap_request_free(struct tap_query *q);

/* The query options of vo-tap and vo-job: -q FILE, -p NAME=VALUE,
 * -u NAME=FILE|URL, -m MAXREC, -P NAME=VALUE (put "q:p:u:m:P:" in the
 * short options) and --lang LANG (getopt_long returns base for it).
 * -P passes any other TAP parameter (RESPONSEFORMAT=votable/td, a
 * service's own); not REQUEST, LANG, QUERY, MAXREC or UPLOAD, which have
 * their own options, and a RESPONSEFORMAT or FORMAT must still be a
 * VOTable (the programs read the answer as one). */
struct tap_cli {
	const char *query_file;
	const char *lang;
	long maxrec;			/* -1: the service's default */
	struct adql_param *params;
	size_t nparams;
	struct tap_upload *uploads;
	size_t nuploads;
	char **tap_params;		/* -P: NAME, VALUE, ..., NULL */
	size_t ntap_params;		/* names and values */
};

#define TAP_LONGOPTS(base) \
	{ "query-file", required_argument, NULL, 'q' }, \
	{ "param", required_argument, NULL, 'p' }, \
	{ "tap-param", required_argument, NULL, 'P' }, \
	{ "upload", required_argument, NULL, 'u' }, \
	{ "maxrec", required_argument, NULL, 'm' }, \
	{ "lang", required_argument, NULL, (base) }
#define TAP_NLONGOPTS 1

#define TAP_HELP \
"  -q, --query-file FILE   read the query from FILE (- for stdin); without a\n" \
"                          QUERY argument it is read from stdin\n" \
"  -p NAME=VALUE           bind VALUE to :NAME in the query as a quoted literal\n" \
"                          (NAME:s=VALUE a string, NAME:n=VALUE a number)\n" \
"  -u NAME=FILE|URL        upload a table (VOTable, TSV, CSV) as TAP_UPLOAD.NAME\n" \
"  -P, --tap-param NAME=VALUE  another TAP parameter for the service, e.g.\n" \
"                          RESPONSEFORMAT=votable/td (repeatable)\n" \
"  -m, --maxrec N          ask for at most N rows\n" \
"      --lang LANG         query language (default ADQL)\n"

/* If c (from getopt_long) is one of the above, take it and return 1, or
 * -1 with a message for a bad value; else return 0. */
int tap_option(struct tap_cli *t, int c, int base, const char *arg, char *err, size_t errlen);
/* The query: arg, else the -q file, else standard input, bound with the
 * -p parameters; malloc'd, or NULL with an exit code in *code and a
 * message (64 for no query or a bad binding, 66 for a missing file). */
char *tap_cli_query(struct tap_cli *t, const char *arg, int *code, char *err, size_t errlen);
void tap_cli_free(struct tap_cli *t);

#endif
