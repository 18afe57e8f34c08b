/* HTTP over libcurl, made for VO services.
 *
 * - the body streams to a callback as it arrives;
 * - connect timeout, overall deadline and low-speed abort;
 * - retries with jittered exponential back-off (honouring Retry-After) on
 *   connection failures and on 429/502/503/504, for idempotent requests
 *   only, and only while no body byte has been handed to the caller;
 * - redirects are followed here, not by curl, so a credential is attached
 *   only to requests whose host (and port) it belongs to; 301/302/303 after
 *   POST turn into GET, 307/308 repeat the method and body;
 * - https: the server's certificate and host name are always checked;
 *   the CA certificates are the system's, or, as curl(1) takes them,
 *   $CURL_CA_BUNDLE, else $SSL_CERT_FILE and $SSL_CERT_DIR (libcurl
 *   itself reads none of these); a refused certificate is HTTP_ETLS with
 *   a message saying why (expired, another host name, an unknown CA);
 * - gzip/deflate accepted; User-Agent "vo-tools/VERSION";
 * - verbose tracing to stderr with Authorization and URL passwords
 *   redacted. */
#ifndef VT_HTTP_H
#define VT_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "cred.h"

/* The default deadlines (vo-tools(7), NETWORK DEADLINES): a connection
 * (name lookup, TCP, TLS) must be made within HTTP_CONNECT_TIMEOUT_S, and
 * a service that sends less than 1 byte/s for HTTP_STALL_TIMEOUT_S (no
 * answer to a query, a download that stopped) is given up, so nothing
 * hangs for ever; a long download that flows is never cut.  A failed
 * connect is tried again (with the retries), a stall is not. */
#define HTTP_CONNECT_TIMEOUT_S 30
#define HTTP_STALL_TIMEOUT_S 300

/* Zero fields take the default; -1 turns low_speed_time_s and max_retries
 * off. */
struct http_opts {
	long connect_timeout_ms;	/* default HTTP_CONNECT_TIMEOUT_S */
	long timeout_ms;		/* whole request incl. retries; 0 = none */
	long low_speed_time_s;		/* abort below 1 byte/s for this long;
					 * default HTTP_STALL_TIMEOUT_S */
	int max_retries;		/* default 4 */
	int max_redirects;		/* default 10 */
	int verbose;			/* trace requests to stderr; 2: also connections */
	const char *progname;		/* prefix of trace lines */
	const struct cred_store *creds;	/* may be NULL */
};

/* Multipart part: inline data, or the contents of file path. */
struct http_part {
	const char *name;
	const char *value;		/* simple field; or: */
	const char *path;		/* file to send */
	const char *filename;		/* filename= in Content-Disposition */
	const char *content_type;
};

struct http_request {
	const char *method;		/* "GET" (default), "POST", "DELETE", "PUT" */
	const char *url;
	/* POST urlencoded fields: name, value, name, value, ..., NULL */
	const char *const *form;
	/* or multipart/form-data parts */
	const struct http_part *parts;
	size_t nparts;
	const char *const *headers;	/* extra "Name: value" lines, NULL-terminated */
	bool no_follow;			/* return 3xx responses instead of following */
	bool idempotent;		/* POST only: allow retries anyway */
	long range_from;		/* >0: ask for bytes from this offset (Range) */
};

struct http_response {
	long status;
	char *url;			/* the URL finally fetched (after redirects) */
	char *content_type;
	char *location;			/* Location of a 3xx when no_follow */
	char *www_authenticate;		/* of a 401, all challenges joined by ", " */
	long long content_length;	/* -1 if unknown */
	char *content_disposition;
	bool range_honoured;		/* 206 for a range request */
	bool cred_sent;			/* the last attempt carried a credential */
};

enum http_err {
	HTTP_OK = 0,		/* a response was received: look at status */
	HTTP_ECONNECT,		/* could not resolve or connect */
	HTTP_ETIMEOUT,		/* deadline or low-speed abort */
	HTTP_ETRANSFER,		/* connection broke mid-response, bad TLS, ... */
	HTTP_EREDIRECT,		/* too many or bad redirects */
	HTTP_ECALLBACK,		/* a callback returned non-zero */
	HTTP_ENOMEM,
	HTTP_EFILE,		/* a multipart file could not be read */
	HTTP_EURL,		/* not an http(s) URL */
	HTTP_ETLS,		/* the server's TLS certificate was refused:
				 * expired, for another host, unknown CA */
};

/* Called once the final response's headers are in (after redirects and
 * retries), before any body byte.  Return non-zero to abort. */
typedef int (*http_headers_fn)(void *ctx, const struct http_response *r);
/* Called with each piece of the final response's body. Non-zero aborts. */
typedef int (*http_body_fn)(void *ctx, const char *data, size_t len);

struct http_client;

struct http_client *http_client_new(const struct http_opts *o);
void http_client_free(struct http_client *c);
/* The client's stall timeout in seconds, 0 if none (a blocking request,
 * such as UWS WAIT, must end well before it). */
long http_stall_timeout_s(const struct http_client *c);

/* Perform a request.  resp is filled (free with http_response_free) even on
 * error where known; err gets a one-line message on error that starts
 * with the request URL ("URL: cannot connect: Connection refused (5
 * attempts)", "URL: after a redirect to URL2: timed out ..."; a TLS
 * message names host and port instead), passwords redacted.  With
 * verbose, the deadlines in force are traced once per client.  resp->url is not redacted: use http_redact_url()
 * to print it.  A response counts as handed to the caller
 * once on_headers is called: from then on nothing is retried. */
enum http_err http_perform(struct http_client *c, const struct http_request *rq,
			   http_headers_fn on_headers, http_body_fn on_body, void *ctx,
			   struct http_response *resp, char *err, size_t errlen);
void http_response_free(struct http_response *r);

/* Exit code (exitcode.h) for a transport error (connect UNAVAILABLE,
 * timeout TEMPFAIL, broken transfer UNAVAILABLE, refused certificate
 * UNAVAILABLE, redirect PROTOCOL, bad URL USAGE, file (also a CA file)
 * NOINPUT, else SOFTWARE), or for an HTTP status that is not
 * 2xx: 401/403 -> NOPERM, 429/503/504 -> TEMPFAIL, other 5xx -> UNAVAILABLE,
 * other 4xx (and 3xx) -> PROTOCOL. */
int http_err_exit(enum http_err e);
int http_status_exit(long status);

/* Text from a service (an error body, a QUERY_STATUS message) made fit to
 * quote in a one-line message: runs of white space and control characters
 * become one space, none at the ends, and beyond max bytes it is cut (at
 * a UTF-8 character boundary) and "..." appended.  out (outlen bytes,
 * NUL-terminated) is returned. */
#define HTTP_QUOTE_MAX 300
char *http_one_line(char *out, size_t outlen, const char *s, size_t len, size_t max);

/* Percent-encode s for use in a query string or form (malloc'd). */
char *http_urlencode(const char *s);

/* url with the password of its userinfo replaced by "[redacted]", for
 * messages (malloc'd; NULL if out of memory). */
char *http_redact_url(const char *url);

#endif
