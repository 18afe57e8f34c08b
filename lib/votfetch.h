/* Fetch a VOTable over HTTP and stream it into a parser.
 *
 * Success (2xx) feeds the body to the parser as it arrives.  Anything else
 * becomes one line for the user and an exit code (exitcode.h): the
 * service's own message where it sent one (a VOTable QUERY_STATUS=ERROR
 * document, or the start of a text body), which authentication schemes a
 * 401 asked for, and so on. */
#ifndef VT_VOTFETCH_H
#define VT_VOTFETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"
#include "vot.h"

/* Returns 0 when the whole body was parsed (the caller then checks the
 * document's QUERY_STATUS), else an exit code with err filled.  A
 * non-2xx answer carrying a VOTable QUERY_STATUS=ERROR document is the
 * service reporting an error: VT_EX_SERVICE with its message (but 401,
 * 403, 429 and 503 keep their own codes). */
int votfetch(struct http_client *c, const struct http_request *rq,
	     struct vot_parser *parser, char *err, size_t errlen);

/* The same for any document: each piece of a 2xx body goes to sink
 * (non-zero stops the transfer; the caller knows why, and 0 is returned
 * with *stopped set).  *status gets the final HTTP status (may be NULL). */
typedef int (*fetch_sink)(void *ctx, const char *data, size_t len);
int fetch_stream(struct http_client *c, const struct http_request *rq, fetch_sink sink,
		 void *ctx, bool *stopped, long *status, char *err, size_t errlen);

#endif
