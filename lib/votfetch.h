/* Fetch a VOTable over HTTP and stream it into a parser.
 *
 * Success (2xx) feeds the body to the parser as it arrives.  Anything else
 * becomes one line for the user and an exit code (exitcode.h): the
 * service's own message where it sent one (a VOTable QUERY_STATUS=ERROR
 * document, or the start of a text body), which authentication schemes a
 * 401 asked for, and so on. */
#ifndef VT_VOTFETCH_H
#define VT_VOTFETCH_H

#include <stddef.h>

#include "http.h"
#include "vot.h"

/* Returns 0 when the whole body was parsed (the caller then checks the
 * document's QUERY_STATUS), else an exit code with err filled. */
int votfetch(struct http_client *c, const struct http_request *rq,
	     struct vot_parser *parser, char *err, size_t errlen);

#endif
