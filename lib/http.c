/* HTTP over libcurl; see http.h.
 *
 * One curl easy handle per client, so connections are reused between
 * requests (job polling).  Every attempt of a request (a retry, a
 * redirect hop) is one curl_easy_perform() with freshly set options: the
 * credential is chosen for that attempt's URL alone. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "exitcode.h"
#include "http.h"
#include "version.h"

#define USER_AGENT "vo-tools/" VT_VERSION
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 8000
/* A Retry-After longer than this is not waited for: the caller gets the
 * response and can tell the user to come back later. */
#define RETRY_AFTER_MAX_MS 60000

struct http_client {
	struct http_opts o;
	CURL *curl;
	bool told_deadlines;	/* traced them (verbose) */
};

/* What to do with the response being received. */
enum mode {
	M_HEADERS,	/* still reading headers */
	M_REDIRECT,	/* a redirect to follow: discard the body */
	M_RETRY,	/* a retryable status: discard the body, try again */
	M_DELIVER,	/* the final response: hand it to the caller */
};

/* One request, across its attempts. */
struct xfer {
	struct http_client *c;
	const struct http_request *rq;
	http_headers_fn on_headers;
	http_body_fn on_body;
	void *ctx;
	struct http_response *resp;
	const char *url;		/* of the current attempt */
	bool idempotent;
	int attempt;			/* retries done so far at this hop */
	bool redirected;		/* url is not the request's any more */
	long long deadline;		/* monotonic ms; 0 = none */

	/* the response being received */
	enum mode mode;
	long status;
	char *content_type, *location, *www_auth, *disposition, *retry_after;
	long long content_length;
	bool encoded;			/* Content-Encoding other than identity */
	long retry_delay_ms;		/* for M_RETRY */

	bool handed;			/* on_headers was called */
	bool cb_failed;			/* a callback asked to stop */
};

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

struct http_client *
http_client_new(const struct http_opts *o)
{
	struct http_client *c;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	if (o != NULL)
		c->o = *o;
	if (c->o.connect_timeout_ms <= 0)
		c->o.connect_timeout_ms = HTTP_CONNECT_TIMEOUT_S * 1000L;
	if (c->o.low_speed_time_s == 0)
		c->o.low_speed_time_s = HTTP_STALL_TIMEOUT_S;
	if (c->o.max_retries == 0)
		c->o.max_retries = 4;
	if (c->o.max_retries < 0)
		c->o.max_retries = 0;
	if (c->o.max_redirects <= 0)
		c->o.max_redirects = 10;
	if (c->o.progname == NULL)
		c->o.progname = "vo-tools";
	/* Reference-counted by curl and thread-safe since 7.84. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(c);
		return NULL;
	}
	if ((c->curl = curl_easy_init()) == NULL) {
		curl_global_cleanup();
		free(c);
		return NULL;
	}
	return c;
}

long
http_stall_timeout_s(const struct http_client *c)
{
	return c->o.low_speed_time_s > 0 ? c->o.low_speed_time_s : 0;
}

void
http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	curl_easy_cleanup(c->curl);
	curl_global_cleanup();
	free(c);
}

void
http_response_free(struct http_response *r)
{
	free(r->url);
	free(r->content_type);
	free(r->location);
	free(r->www_authenticate);
	free(r->content_disposition);
	r->url = r->content_type = r->location = NULL;
	r->www_authenticate = r->content_disposition = NULL;
}

int
http_err_exit(enum http_err e)
{
	switch (e) {
	case HTTP_OK:
		return VT_EX_OK;
	case HTTP_ECONNECT:
	case HTTP_ETRANSFER:
	case HTTP_ETLS:
		return VT_EX_UNAVAILABLE;
	case HTTP_ETIMEOUT:
		return VT_EX_TEMPFAIL;
	case HTTP_EREDIRECT:
		return VT_EX_PROTOCOL;
	case HTTP_EFILE:
		return VT_EX_NOINPUT;
	case HTTP_EURL:
		return VT_EX_USAGE;
	case HTTP_ECALLBACK:
	case HTTP_ENOMEM:
		break;
	}
	return VT_EX_SOFTWARE;
}

int
http_status_exit(long status)
{
	if (status >= 200 && status <= 299)
		return VT_EX_OK;
	if (status == 401 || status == 403)
		return VT_EX_NOPERM;
	if (status == 429 || status == 503 || status == 504)
		return VT_EX_TEMPFAIL;
	if (status >= 500 && status <= 599)
		return VT_EX_UNAVAILABLE;
	return VT_EX_PROTOCOL;
}

char *
http_one_line(char *out, size_t outlen, const char *s, size_t len, size_t max)
{
	size_t o = 0, cap, i;
	bool space = false, cut = false;

	if (outlen == 0)
		return out;
	cap = outlen - 1 < max ? outlen - 1 : max;
	for (i = 0; i < len; ) {
		unsigned char ch = (unsigned char)s[i];
		size_t n = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc0 ? 2 : 1, k;
		if (ch <= ' ' || ch == 0x7f) {
			space = o > 0;
			i++;
			continue;
		}
		/* a whole UTF-8 character, or one byte of what is none */
		for (k = 1; k < n; k++)
			if (i + k >= len || ((unsigned char)s[i + k] & 0xc0) != 0x80)
				break;
		n = k;
		if (o + space + n > cap) {
			cut = true;
			break;
		}
		if (space)
			out[o++] = ' ';
		space = false;
		memcpy(out + o, s + i, n);
		o += n;
		i += n;
	}
	if (cut && cap > 3) {
		/* room for "..." within max; not in the middle of a character */
		if (o + 3 > cap) {
			o = cap - 3;
			while (o > 0 && ((unsigned char)out[o] & 0xc0) == 0x80)
				o--;
		}
		while (o > 0 && out[o - 1] == ' ')
			o--;
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

char *
http_urlencode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out, *o;

	if ((out = malloc(strlen(s) * 3 + 1)) == NULL)
		return NULL;
	for (o = out; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			*o++ = (char)ch;
		} else {
			*o++ = '%';
			*o++ = hex[ch >> 4];
			*o++ = hex[ch & 15];
		}
	}
	*o = '\0';
	return out;
}

char *
http_redact_url(const char *url)
{
	static const char mark[] = "[redacted]";
	const char *auth, *end, *at, *colon, *p;
	char *s;
	size_t n;

	if ((p = strstr(url, "://")) == NULL)
		return strdup(url);
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (at == NULL)
		return strdup(url);
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon == NULL)
		return strdup(url);
	n = (size_t)(colon + 1 - url) + sizeof mark - 1 + strlen(at) + 1;
	if ((s = malloc(n)) == NULL)
		return NULL;
	snprintf(s, n, "%.*s%s%s", (int)(colon + 1 - url), url, mark, at);
	return s;
}

/* Base64 of in (malloc'd). */
static char *
base64(const char *in, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *u = (const unsigned char *)in;
	char *out, *o;
	size_t i;

	if ((out = malloc((len + 2) / 3 * 4 + 1)) == NULL)
		return NULL;
	for (o = out, i = 0; i + 2 < len; i += 3) {
		*o++ = tab[u[i] >> 2];
		*o++ = tab[(u[i] & 3) << 4 | u[i + 1] >> 4];
		*o++ = tab[(u[i + 1] & 15) << 2 | u[i + 2] >> 6];
		*o++ = tab[u[i + 2] & 63];
	}
	if (i < len) {
		*o++ = tab[u[i] >> 2];
		if (i + 1 < len) {
			*o++ = tab[(u[i] & 3) << 4 | u[i + 1] >> 4];
			*o++ = tab[(u[i + 1] & 15) << 2];
		} else {
			*o++ = tab[(u[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* The Authorization header line for c (malloc'd; wipe it after use). */
static char *
auth_header(const struct cred *c)
{
	char *line, *pair, *b64;
	size_t n;

	if (c->scheme == CRED_BEARER) {
		n = sizeof "Authorization: Bearer " + strlen(c->secret);
		if ((line = malloc(n)) != NULL)
			snprintf(line, n, "Authorization: Bearer %s", c->secret);
		return line;
	}
	n = strlen(c->user) + 1 + strlen(c->secret) + 1;
	if ((pair = malloc(n)) == NULL)
		return NULL;
	snprintf(pair, n, "%s:%s", c->user, c->secret);
	b64 = base64(pair, n - 1);
	cred_wipe_free(pair);
	if (b64 == NULL)
		return NULL;
	n = sizeof "Authorization: Basic " + strlen(b64);
	if ((line = malloc(n)) != NULL)
		snprintf(line, n, "Authorization: Basic %s", b64);
	cred_wipe_free(b64);
	return line;
}

/* Free a header list, wiping it first: it may hold a credential. */
static void
slist_wipe_free(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

/* ---- TLS ---- */

/* The CA certificates to trust instead of the system's, taken from the
 * environment as curl(1) takes them: $CURL_CA_BUNDLE, else $SSL_CERT_FILE
 * and $SSL_CERT_DIR.  libcurl itself reads none of them.  Empty values
 * count as unset. */
struct ca_env {
	const char *file, *file_var;	/* CAINFO and where it came from */
	const char *dir;		/* CAPATH ($SSL_CERT_DIR) */
};

static const char *
env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static struct ca_env
ca_from_env(void)
{
	struct ca_env ce = { NULL, NULL, NULL };

	if ((ce.file = env_nonempty("CURL_CA_BUNDLE")) != NULL) {
		ce.file_var = "CURL_CA_BUNDLE";
		return ce;
	}
	if ((ce.file = env_nonempty("SSL_CERT_FILE")) != NULL)
		ce.file_var = "SSL_CERT_FILE";
	ce.dir = env_nonempty("SSL_CERT_DIR");
	return ce;
}

/* Certificates are always verified (curl's default, never turned off);
 * only the CAs trusted may come from the environment. */
static void
set_tls_trust(CURL *h)
{
	struct ca_env ce = ca_from_env();

	if (ce.file != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, ce.file);
	if (ce.dir != NULL)
		curl_easy_setopt(h, CURLOPT_CAPATH, ce.dir);
}

/* "host:port" of url (the scheme's port if it names none), for messages. */
static void
url_authority(const char *url, char *buf, size_t n)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
		snprintf(buf, n, "%s:%s", host, port);
	else
		snprintf(buf, n, "the server");
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

/* Does CURLINFO_SSL_VERIFYRESULT hold OpenSSL's X509_V_ERR codes? */
static bool
openssl_backend(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	const char *s = v != NULL ? v->ssl_version : NULL;

	return s != NULL && (strstr(s, "OpenSSL") != NULL || strstr(s, "LibreSSL") != NULL ||
			     strstr(s, "BoringSSL") != NULL || strstr(s, "quictls") != NULL);
}

/* Why the server's certificate was refused, from OpenSSL's verify result
 * (X509_V_ERR_*).  curl checks the host name itself, after OpenSSL found
 * the chain good: the result is then still 0 or 1 (curl's "not verified
 * yet"), and curl's message names the host name. */
static void
cert_refused(CURL *h, const char *where, const char *host, const char *curlmsg, char *why,
	     size_t n)
{
	struct ca_env ce = ca_from_env();
	long vr = -1;

	if (!openssl_backend() || curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &vr) != CURLE_OK)
		vr = -1;
	if ((vr == 0 || vr == 1) && strstr(curlmsg, "host name") != NULL)
		vr = 62;
	switch (vr) {
	case 62:	/* X509_V_ERR_HOSTNAME_MISMATCH */
	case 64:	/* X509_V_ERR_IP_ADDRESS_MISMATCH */
		snprintf(why, n, "TLS certificate of %s is not for the host name %s", where, host);
		return;
	case 9:		/* X509_V_ERR_CERT_NOT_YET_VALID */
		snprintf(why, n, "TLS certificate of %s is not valid yet", where);
		return;
	case 10:	/* X509_V_ERR_CERT_HAS_EXPIRED */
		snprintf(why, n, "TLS certificate of %s has expired", where);
		return;
	case 23:	/* X509_V_ERR_CERT_REVOKED */
		snprintf(why, n, "TLS certificate of %s has been revoked", where);
		return;
	case 2:		/* X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT */
	case 18:	/* X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT */
	case 19:	/* X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN */
	case 20:	/* X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY */
	case 21:	/* X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE */
		if (ce.file != NULL)
			snprintf(why, n, "TLS certificate of %s is not signed by a CA in %s ($%s)",
				 where, ce.file, ce.file_var);
		else
			snprintf(why, n, "TLS certificate of %s is not signed by a trusted CA "
				 "(CURL_CA_BUNDLE or SSL_CERT_FILE can name other CA certificates)",
				 where);
		return;
	default:
		snprintf(why, n, "TLS certificate of %s refused: %.160s", where, curlmsg);
		return;
	}
}

/* The message and error of a failed attempt for a TLS error rc. */
static enum http_err
tls_error(const struct xfer *x, CURLcode rc, const char *curlmsg, char *why, size_t n)
{
	struct ca_env ce;
	char where[128], host[128], *colon;

	url_authority(x->url, where, sizeof where);
	snprintf(host, sizeof host, "%s", where);
	if ((colon = strrchr(host, ':')) != NULL)
		*colon = '\0';
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		cert_refused(x->c->curl, where, host, curlmsg, why, n);
		return HTTP_ETLS;
	case CURLE_SSL_CACERT_BADFILE:
		ce = ca_from_env();
		if (ce.file != NULL)
			snprintf(why, n, "cannot use the CA certificates in %s ($%s): %.160s", ce.file,
				 ce.file_var, curlmsg);
		else
			snprintf(why, n, "cannot use the CA certificates: %.160s", curlmsg);
		return HTTP_EFILE;
	case CURLE_SSL_CONNECT_ERROR:
		snprintf(why, n, "TLS handshake with %s failed: %.160s", where, curlmsg);
		return HTTP_ETRANSFER;
	default:
		snprintf(why, n, "TLS certificate of %s refused: %.160s", where, curlmsg);
		return HTTP_ETLS;
	}
}

/* ---- tracing ---- */

static bool
header_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len > n && line[n] == ':' && strncasecmp(line, name, n) == 0;
}

/* Print one header line, with secrets replaced by [redacted]: the
 * Authorization scheme stays visible, its credentials do not. */
static void
trace_header(const char *progname, char dir, const char *line, size_t len)
{
	const char *v, *end = line + len;
	char *s, *r;

	if (header_is(line, len, "Authorization") || header_is(line, len, "Proxy-Authorization") ||
	    header_is(line, len, "Cookie") || header_is(line, len, "Set-Cookie")) {
		v = (const char *)memchr(line, ':', len) + 1;
		while (v < end && *v == ' ')
			v++;
		if (header_is(line, len, "Authorization") || header_is(line, len, "Proxy-Authorization"))
			while (v < end && *v != ' ')	/* keep the scheme */
				v++;
		fprintf(stderr, "%s: %c %.*s%s[redacted]\n", progname, dir, (int)(v - line), line,
			v > line && v[-1] != ' ' ? " " : "");
		return;
	}
	if (header_is(line, len, "Location") && (s = strndup(line, len)) != NULL) {
		r = http_redact_url(s + sizeof "Location:" - 1);
		if (r != NULL)
			fprintf(stderr, "%s: %c Location:%s\n", progname, dir, r);
		free(r);
		free(s);
		return;
	}
	fprintf(stderr, "%s: %c %.*s\n", progname, dir, (int)len, line);
}

static int
on_debug(CURL *h, curl_infotype type, char *data, size_t len, void *p)
{
	struct xfer *x = p;
	const char *progname = x->c->o.progname;
	char *end = data + len, *nl;
	char dir;

	(void)h;
	switch (type) {
	case CURLINFO_TEXT:
		if (x->c->o.verbose < 2)
			return 0;
		dir = '*';
		break;
	case CURLINFO_HEADER_OUT:
		dir = '>';
		break;
	case CURLINFO_HEADER_IN:
		dir = '<';
		break;
	default:
		return 0;
	}
	/* HEADER_OUT is the whole request head; the others are single lines. */
	while (data < end) {
		nl = memchr(data, '\n', (size_t)(end - data));
		size_t n = (size_t)((nl != NULL ? nl : end) - data);
		size_t next = n + (nl != NULL);
		while (n > 0 && (data[n - 1] == '\r' || data[n - 1] == '\n'))
			n--;
		if (n > 0) {
			if (dir == '*')
				fprintf(stderr, "%s: * %.*s\n", progname, (int)n, data);
			else
				trace_header(progname, dir, data, n);
		}
		data += next;
	}
	return 0;
}

/* The deadlines in force, once: "connect 30 s, stall 300 s (...), total none". */
static void
trace_deadlines(const struct http_client *c)
{
	char stall[64] = "none", total[32] = "none";

	if (c->o.low_speed_time_s > 0)
		snprintf(stall, sizeof stall, "%ld s (less than 1 byte/s)", c->o.low_speed_time_s);
	if (c->o.timeout_ms > 0)
		snprintf(total, sizeof total, "%.3g s", c->o.timeout_ms / 1000.0);
	fprintf(stderr, "%s: deadlines: connect %.3g s, stall %s, total %s\n", c->o.progname, c->o.connect_timeout_ms / 1000.0, stall, total);
}

/* "progname: what URL", the URL's password redacted. */
static void
trace(const struct xfer *x, const char *what, const char *url)
{
	char *r;

	if (!x->c->o.verbose)
		return;
	r = http_redact_url(url);
	fprintf(stderr, "%s: %s %s\n", x->c->o.progname, what, r != NULL ? r : "(URL)");
	free(r);
}

/* ---- receiving ---- */

static void
reset_response(struct xfer *x)
{
	free(x->content_type);
	free(x->location);
	free(x->www_auth);
	free(x->disposition);
	free(x->retry_after);
	x->content_type = x->location = x->www_auth = x->disposition = x->retry_after = NULL;
	x->status = 0;
	x->content_length = -1;
	x->encoded = false;
	x->mode = M_HEADERS;
}

static bool
is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 ||
	       status == 308;
}

static bool
is_retryable(long status)
{
	return status == 429 || status == 502 || status == 503 || status == 504;
}

/* Milliseconds the server asks us to wait, or -1 if it does not say. */
static long long
retry_after_ms(const char *v)
{
	const char *p;
	time_t t, now;

	if (v == NULL || *v == '\0')
		return -1;
	for (p = v; isdigit((unsigned char)*p); p++)
		;
	if (*p == '\0' && p - v < 9)
		return atoll(v) * 1000;
	if ((t = curl_getdate(v, NULL)) == -1)
		return -1;
	now = time(NULL);
	return t > now ? (long long)(t - now) * 1000 : 0;
}

/* The wait before the next attempt, or -1 if there is to be none. */
static long
retry_delay(const struct xfer *x, long long asked_ms)
{
	long long d;

	if (!x->idempotent || x->attempt >= x->c->o.max_retries)
		return -1;
	if (asked_ms >= 0) {
		if (asked_ms > RETRY_AFTER_MAX_MS)
			return -1;
		d = asked_ms;
	} else {
		/* Exponential, jittered so that clients do not return in step. */
		d = (long long)BACKOFF_FIRST_MS << (x->attempt < 6 ? x->attempt : 6);
		if (d > BACKOFF_MAX_MS)
			d = BACKOFF_MAX_MS;
		d = d / 2 + arc4random_uniform((uint32_t)(d / 2 + 1));
	}
	/* No point in waiting past the deadline. */
	if (x->deadline != 0 && now_ms() + d >= x->deadline)
		return -1;
	return (long)d;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* ref resolved against base (malloc'd), or NULL if it is no URL. */
static char *
resolve_url(const char *base, const char *ref)
{
	CURLU *u;
	char *abs = NULL, *s = NULL;

	if ((u = curl_url()) == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, ref, CURLU_URLENCODE | CURLU_ALLOW_SPACE) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &abs, 0) == CURLUE_OK)
		s = strdup(abs);
	curl_free(abs);
	curl_url_cleanup(u);
	return s;
}

/* The final response's headers are in: fill resp and tell the caller. */
static int
deliver_headers(struct xfer *x)
{
	struct http_response *r = x->resp;

	http_response_free(r);
	r->status = x->status;
	r->url = strdup(x->url);
	r->content_type = dup_or_null(x->content_type);
	r->www_authenticate = dup_or_null(x->www_auth);
	r->content_disposition = dup_or_null(x->disposition);
	r->content_length = x->encoded ? -1 : x->content_length;
	r->range_honoured = x->rq->range_from > 0 && x->status == 206;
	if (x->location != NULL && (r->location = resolve_url(x->url, x->location)) == NULL)
		r->location = strdup(x->location);
	if (r->url == NULL || (x->content_type != NULL && r->content_type == NULL) ||
	    (x->www_auth != NULL && r->www_authenticate == NULL) ||
	    (x->disposition != NULL && r->content_disposition == NULL) ||
	    (x->location != NULL && r->location == NULL))
		return -1;
	x->handed = true;
	if (x->on_headers != NULL && x->on_headers(x->ctx, r) != 0)
		return -1;
	return 0;
}

static void
end_of_headers(struct xfer *x)
{
	long d;

	if (x->status >= 100 && x->status < 200) {	/* 100 Continue: more to come */
		reset_response(x);
		return;
	}
	if (is_redirect(x->status) && x->location != NULL && !x->rq->no_follow) {
		x->mode = M_REDIRECT;
		return;
	}
	if (is_retryable(x->status) &&
	    (d = retry_delay(x, retry_after_ms(x->retry_after))) >= 0) {
		x->mode = M_RETRY;
		x->retry_delay_ms = d;
		return;
	}
	x->mode = M_DELIVER;
	if (deliver_headers(x) != 0)
		x->cb_failed = true;
}

/* Set *field to the value (joined with ", " if there is one already). */
static int
keep_value(char **field, const char *v, size_t n, bool join)
{
	size_t old = *field != NULL && join ? strlen(*field) : 0;
	char *s;

	if (*field != NULL && !join) {
		free(*field);
		*field = NULL;
	}
	if ((s = realloc(*field, old + (old ? 2 : 0) + n + 1)) == NULL)
		return -1;
	if (old)
		memcpy(s + old, ", ", 2), old += 2;
	memcpy(s + old, v, n);
	s[old + n] = '\0';
	*field = s;
	return 0;
}

static size_t
on_header(char *buf, size_t size, size_t nmemb, void *p)
{
	struct xfer *x = p;
	size_t len = size * nmemb, n = len, vlen;
	const char *v, *colon;
	int rc = 0;

	while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == '\n'))
		n--;
	if (n >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
		reset_response(x);
		v = memchr(buf, ' ', n);
		x->status = v != NULL ? strtol(v + 1, NULL, 10) : 0;
		return len;
	}
	if (n == 0) {
		if (x->mode == M_HEADERS)
			end_of_headers(x);
		return x->cb_failed ? 0 : len;
	}
	if ((colon = memchr(buf, ':', n)) == NULL)
		return len;
	for (v = colon + 1; v < buf + n && (*v == ' ' || *v == '\t'); v++)
		;
	vlen = (size_t)(buf + n - v);
	if (header_is(buf, n, "Content-Type"))
		rc = keep_value(&x->content_type, v, vlen, false);
	else if (header_is(buf, n, "Location"))
		rc = keep_value(&x->location, v, vlen, false);
	else if (header_is(buf, n, "WWW-Authenticate"))
		rc = keep_value(&x->www_auth, v, vlen, true);
	else if (header_is(buf, n, "Content-Disposition"))
		rc = keep_value(&x->disposition, v, vlen, false);
	else if (header_is(buf, n, "Retry-After"))
		rc = keep_value(&x->retry_after, v, vlen, false);
	else if (header_is(buf, n, "Content-Length"))
		x->content_length = strtoll(v, NULL, 10);
	else if (header_is(buf, n, "Content-Encoding"))
		x->encoded = !(vlen == 8 && strncasecmp(v, "identity", 8) == 0);
	if (rc != 0) {
		x->cb_failed = true;
		return 0;
	}
	return len;
}

static size_t
on_write(char *data, size_t size, size_t nmemb, void *p)
{
	struct xfer *x = p;
	size_t len = size * nmemb;

	if (x->mode != M_DELIVER)
		return len;	/* the body of a redirect or of a failure we retry */
	if (x->on_body != NULL && len > 0 && x->on_body(x->ctx, data, len) != 0) {
		x->cb_failed = true;
		return 0;
	}
	return len;
}

/* ---- sending ---- */

static char *
build_form(const char *const *form)
{
	char *out = NULL, *k, *v, *s;
	size_t len = 0, n;

	if ((out = strdup("")) == NULL)
		return NULL;
	for (; form[0] != NULL && form[1] != NULL; form += 2) {
		k = http_urlencode(form[0]);
		v = http_urlencode(form[1]);
		if (k == NULL || v == NULL)
			goto fail;
		n = len + 1 + strlen(k) + 1 + strlen(v) + 1;
		if ((s = realloc(out, n)) == NULL)
			goto fail;
		out = s;
		len += (size_t)snprintf(out + len, n - len, "%s%s=%s", len ? "&" : "", k, v);
		free(k);
		free(v);
		continue;
fail:
		free(k);
		free(v);
		free(out);
		return NULL;
	}
	return out;
}

static enum http_err
build_mime(CURL *h, const struct http_request *rq, curl_mime **mimep, char *err, size_t errlen)
{
	curl_mime *m;
	curl_mimepart *p;
	size_t i;
	FILE *fp;

	if ((m = curl_mime_init(h)) == NULL)
		return HTTP_ENOMEM;
	for (i = 0; i < rq->nparts; i++) {
		const struct http_part *pt = &rq->parts[i];
		if ((p = curl_mime_addpart(m)) == NULL || curl_mime_name(p, pt->name) != CURLE_OK)
			goto nomem;
		if (pt->path != NULL) {
			/* Fail now with a clear message rather than mid-upload. */
			if ((fp = fopen(pt->path, "re")) == NULL) {
				snprintf(err, errlen, "cannot read %s: %s", pt->path, strerror(errno));
				curl_mime_free(m);
				return HTTP_EFILE;
			}
			fclose(fp);
			if (curl_mime_filedata(p, pt->path) != CURLE_OK)
				goto nomem;
		} else if (curl_mime_data(p, pt->value != NULL ? pt->value : "",
					  CURL_ZERO_TERMINATED) != CURLE_OK) {
			goto nomem;
		}
		if (pt->filename != NULL && curl_mime_filename(p, pt->filename) != CURLE_OK)
			goto nomem;
		if (pt->content_type != NULL && curl_mime_type(p, pt->content_type) != CURLE_OK)
			goto nomem;
	}
	*mimep = m;
	return HTTP_OK;
nomem:
	curl_mime_free(m);
	return HTTP_ENOMEM;
}

/* Only http and https: a redirect must not lead to file:// or the like. */
static bool
is_http_url(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

struct body {
	const char *method;
	char *form;		/* urlencoded, or NULL */
	curl_mime *mime;	/* or multipart, or NULL */
	bool has_body;		/* POST/PUT with a (possibly empty) body */
};

static enum http_err
setup_attempt(struct xfer *x, const struct body *b, struct curl_slist **hdrs, bool creds_ok)
{
	struct http_client *c = x->c;
	CURL *h = c->curl;
	const struct cred *cred;
	const char *const *hp;
	struct curl_slist *l = NULL, *t;
	char *auth, range[32];
	long long left;

	curl_easy_reset(h);
	*hdrs = NULL;
	curl_easy_setopt(h, CURLOPT_URL, x->url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	set_tls_trust(h);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
	if (c->o.low_speed_time_s > 0) {
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->o.low_speed_time_s);
	}
	if (x->deadline != 0) {
		left = x->deadline - now_ms();
		if (left < 1)
			left = 1;
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)left);
		if (left < c->o.connect_timeout_ms)
			curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)left);
	}
	if (c->o.verbose) {
		curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
		curl_easy_setopt(h, CURLOPT_DEBUGDATA, x);
	}

	if (strcmp(b->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else if (strcmp(b->method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(b->method, "POST") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, b->method);
	if (b->has_body && b->mime != NULL) {
		curl_easy_setopt(h, CURLOPT_MIMEPOST, b->mime);
	} else if (b->has_body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, b->form != NULL ? b->form : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(b->form != NULL ? strlen(b->form) : 0));
	}
	if (x->rq->range_from > 0) {
		snprintf(range, sizeof range, "%ld-", x->rq->range_from);
		curl_easy_setopt(h, CURLOPT_RANGE, range);
	}

	for (hp = x->rq->headers; hp != NULL && *hp != NULL; hp++) {
		if ((t = curl_slist_append(l, *hp)) == NULL)
			goto nomem;
		l = t;
	}
	/* The credential of this URL's host and port, if any: never another's. */
	x->resp->cred_sent = false;
	if (creds_ok && (cred = cred_for_url(c->o.creds, x->url)) != NULL) {
		if ((auth = auth_header(cred)) == NULL)
			goto nomem;
		t = curl_slist_append(l, auth);
		cred_wipe_free(auth);
		if (t == NULL)
			goto nomem;
		l = t;
		x->resp->cred_sent = true;
	}
	if (l != NULL)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, l);
	*hdrs = l;
	return HTTP_OK;
nomem:
	slist_wipe_free(l);
	return HTTP_ENOMEM;
}

/* Whether the attempt got as far as sending the request (over a new or
 * a reused connection): a timeout is then a stall, not a connect. */
static bool
connected(const struct xfer *x)
{
	curl_off_t t = 0;

	return curl_easy_getinfo(x->c->curl, CURLINFO_PRETRANSFER_TIME_T, &t) == CURLE_OK &&
	       t > 0;
}

static bool
is_transient_code(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

/* Worth another attempt: a connection that failed, or one that broke.
 * Not a stall: a service that took the request and then sent nothing for
 * the whole stall timeout is not asked again (minutes each time). */
static bool
is_transient(const struct xfer *x, CURLcode rc)
{
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return !connected(x);
	return is_transient_code(rc);
}

/* Turn a failed attempt into an error code and a one-line message. */
static enum http_err
transfer_error(const struct xfer *x, CURLcode rc, const char *curlmsg, char *err, size_t errlen)
{
	char *r = http_redact_url(x->url), why[CURL_ERROR_SIZE + 64];
	const char *u = r != NULL ? r : "(URL)";
	enum http_err e;
	long oserr = 0;
	bool tls = false;

	if (*curlmsg == '\0')
		curlmsg = curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		e = HTTP_ECONNECT;
		snprintf(why, sizeof why, "%s", curlmsg);
		break;
	case CURLE_COULDNT_CONNECT:
		e = HTTP_ECONNECT;
		curl_easy_getinfo(x->c->curl, CURLINFO_OS_ERRNO, &oserr);
		if (oserr != 0)
			snprintf(why, sizeof why, "cannot connect: %s", strerror((int)oserr));
		else
			snprintf(why, sizeof why, "cannot connect: %s", curlmsg);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		e = HTTP_ETIMEOUT;
		if (x->deadline != 0 && now_ms() >= x->deadline - 50)
			snprintf(why, sizeof why, "timed out after %.3g s (the --timeout)",
				 x->c->o.timeout_ms / 1000.0);
		else if (!connected(x))
			snprintf(why, sizeof why, "cannot connect: timed out after %.3g s "
				 "(the connect timeout)", x->c->o.connect_timeout_ms / 1000.0);
		else
			snprintf(why, sizeof why, "timed out: the service stalled, less than "
				 "1 byte/s for %ld s (the stall timeout)", x->c->o.low_speed_time_s);
		break;
	case CURLE_PARTIAL_FILE:
		e = HTTP_ETRANSFER;
		snprintf(why, sizeof why, "response cut short: %s", curlmsg);
		break;
	case CURLE_OUT_OF_MEMORY:
		e = HTTP_ENOMEM;
		snprintf(why, sizeof why, "out of memory");
		break;
	case CURLE_READ_ERROR:
		e = HTTP_EFILE;
		snprintf(why, sizeof why, "cannot read the data to send: %s", curlmsg);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		e = HTTP_EURL;
		snprintf(why, sizeof why, "not a usable http(s) URL: %s", curlmsg);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		e = tls_error(x, rc, curlmsg, why, sizeof why);
		tls = true;
		break;
	default:
		e = HTTP_ETRANSFER;
		snprintf(why, sizeof why, "%s", curlmsg);
		break;
	}
	/* The URL first, as in "URL: HTTP 404": which of several requests
	 * failed.  TLS messages name the server already. */
	char *q = http_redact_url(x->rq->url);
	snprintf(err, errlen, "%s%s%s%s%s%s", tls || !q ? "" : q,
		 tls || !q ? "" : ": ", x->redirected ? "after a redirect to " : "",
		 x->redirected ? u : "", x->redirected ? ": " : "", why);
	free(q);
	if (x->attempt > 0) {
		size_t n = strlen(err);
		snprintf(err + n, errlen - n, " (%d attempts)", x->attempt + 1);
	}
	free(r);
	return e;
}

static bool
method_is_idempotent(const struct http_request *rq, const char *method)
{
	if (strcmp(method, "POST") == 0)
		return rq->idempotent;
	/* RFC 9110 9.2.2: GET, HEAD, PUT, DELETE, OPTIONS, TRACE */
	return strcmp(method, "PATCH") != 0 && strcmp(method, "CONNECT") != 0;
}

enum http_err
http_perform(struct http_client *c, const struct http_request *rq, http_headers_fn on_headers,
	     http_body_fn on_body, void *ctx, struct http_response *resp, char *err,
	     size_t errlen)
{
	struct xfer x;
	struct body b;
	struct curl_slist *hdrs;
	char curlmsg[CURL_ERROR_SIZE], *url = NULL, *next;
	enum http_err e = HTTP_OK;
	int redirects = 0;
	bool creds_ok = true, secure = false;
	CURLcode rc;
	long delay;

	memset(resp, 0, sizeof *resp);
	resp->content_length = -1;
	if (errlen > 0)
		err[0] = '\0';
	memset(&x, 0, sizeof x);
	memset(&b, 0, sizeof b);
	x.c = c;
	x.rq = rq;
	x.on_headers = on_headers;
	x.on_body = on_body;
	x.ctx = ctx;
	x.resp = resp;
	x.content_length = -1;
	if (c->o.timeout_ms > 0)
		x.deadline = now_ms() + c->o.timeout_ms;

	if (!is_http_url(rq->url)) {
		snprintf(err, errlen, "not an http or https URL");
		return HTTP_EURL;
	}
	if (c->o.verbose && !c->told_deadlines) {
		c->told_deadlines = true;
		trace_deadlines(c);
	}
	if ((url = strdup(rq->url)) == NULL)
		goto nomem;
	secure = strncasecmp(url, "https:", 6) == 0;
	b.method = rq->method != NULL ? rq->method :
		   rq->form != NULL || rq->nparts > 0 ? "POST" : "GET";
	b.has_body = strcmp(b.method, "POST") == 0 || strcmp(b.method, "PUT") == 0 ||
		     strcmp(b.method, "PATCH") == 0;
	if (rq->nparts == 0 && rq->form != NULL && (b.form = build_form(rq->form)) == NULL)
		goto nomem;
	x.idempotent = method_is_idempotent(rq, b.method);

	for (;;) {
		x.url = url;
		reset_response(&x);
		curlmsg[0] = '\0';
		/* A fresh multipart body each time: curl does not rewind a
		 * used one reliably when it is set again. */
		curl_mime_free(b.mime);
		b.mime = NULL;
		if (b.has_body && rq->nparts > 0 &&
		    (e = build_mime(c->curl, rq, &b.mime, err, errlen)) != HTTP_OK)
			goto out;
		if ((e = setup_attempt(&x, &b, &hdrs, creds_ok)) != HTTP_OK)
			goto out;
		curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, curlmsg);
		trace(&x, b.method, url);
		rc = curl_easy_perform(c->curl);
		slist_wipe_free(hdrs);
		curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
		curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, NULL);
		if (x.cb_failed) {
			if (errlen > 0 && err[0] == '\0')
				snprintf(err, errlen, "transfer stopped");
			e = HTTP_ECALLBACK;
			break;
		}
		if (rc != CURLE_OK) {
			if (!x.handed && (is_transient(&x, rc) || x.mode == M_RETRY) &&
			    (delay = retry_delay(&x, -1)) >= 0) {
				if (c->o.verbose)
					fprintf(stderr, "%s: %s; retrying in %.1f s\n", c->o.progname,
						curlmsg[0] ? curlmsg : curl_easy_strerror(rc),
						delay / 1000.0);
				sleep_ms(delay);
				x.attempt++;
				continue;
			}
			e = transfer_error(&x, rc, curlmsg, err, errlen);
			break;
		}
		if (x.mode == M_RETRY) {
			if (c->o.verbose)
				fprintf(stderr, "%s: HTTP %ld; retrying in %.1f s\n", c->o.progname,
					x.status, x.retry_delay_ms / 1000.0);
			sleep_ms(x.retry_delay_ms);
			x.attempt++;
			continue;
		}
		if (x.mode == M_REDIRECT) {
			next = resolve_url(url, x.location);
			if (next == NULL || !is_http_url(next)) {
				char *r = http_redact_url(x.location);
				snprintf(err, errlen, "HTTP %ld redirect to an unusable Location: %s",
					 x.status, r != NULL ? r : "(URL)");
				free(r);
				free(next);
				e = HTTP_EREDIRECT;
				break;
			}
			if (++redirects > c->o.max_redirects) {
				snprintf(err, errlen, "more than %d redirects", c->o.max_redirects);
				free(next);
				e = HTTP_EREDIRECT;
				break;
			}
			/* 303 always, and 301/302 after POST as browsers do, turn
			 * into GET without a body; 307/308 repeat the request. */
			if ((x.status == 303 && strcmp(b.method, "HEAD") != 0) ||
			    ((x.status == 301 || x.status == 302) && strcmp(b.method, "POST") == 0)) {
				b.method = "GET";
				b.has_body = false;
				x.idempotent = true;
			}
			/* An https service's credential never travels over http. */
			if (secure && strncasecmp(next, "http:", 5) == 0)
				creds_ok = false;
			trace(&x, "redirected to", next);
			free(url);
			url = next;
			x.redirected = true;
			x.attempt = 0;
			continue;
		}
		break;	/* delivered */
	}
out:
	if (e == HTTP_ENOMEM && errlen > 0 && err[0] == '\0')
		snprintf(err, errlen, "out of memory");
	if (resp->url == NULL && url != NULL)
		resp->url = strdup(url);
	if (resp->status == 0)
		resp->status = x.status;
	reset_response(&x);
	curl_mime_free(b.mime);
	free(b.form);
	free(url);
	return e;
nomem:
	snprintf(err, errlen, "out of memory");
	e = HTTP_ENOMEM;
	goto out;
}
