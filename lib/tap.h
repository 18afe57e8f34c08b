/* Building TAP requests (TAP 1.1): the parameters of a query, shared by
 * synchronous (vo-tap) and asynchronous (vo-job) use. */
#ifndef VT_TAP_H
#define VT_TAP_H

#include <stdbool.h>
#include <stddef.h>

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

	/* built by tap_request_build */
	char maxrec_text[24];
	char *upload_param;
	const char *form[16];
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
 * url (the sync or async endpoint).  extra: more "NAME", "VALUE" pairs,
 * NULL-terminated, or NULL.  Returns 0 or -1 (out of memory). */
int tap_request_build(struct tap_query *q, const char *url, const char *const *extra,
		      struct http_request *rq);
void tap_request_free(struct tap_query *q);

#endif
