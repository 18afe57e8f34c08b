#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "votfetch.h"

#define ERRBODY_MAX 65536

struct fetch {
	fetch_sink sink;
	void *ctx;
	bool stopped;		/* the sink said stop */
	long status;
	bool ok;
	char *errbody;		/* start of a non-2xx body */
	size_t errlen;
};

static int
on_headers(void *ctx, const struct http_response *r)
{
	struct fetch *f = ctx;
	f->status = r->status;
	f->ok = r->status >= 200 && r->status < 300;
	return 0;
}

static int
on_body(void *ctx, const char *data, size_t len)
{
	struct fetch *f = ctx;
	if (f->ok) {
		if (f->sink(f->ctx, data, len)) {
			f->stopped = true;
			return 1;
		}
		return 0;
	}
	if (f->errlen < ERRBODY_MAX) {
		size_t n = len < ERRBODY_MAX - f->errlen ? len : ERRBODY_MAX - f->errlen;
		char *nb = realloc(f->errbody, f->errlen + n + 1);
		if (!nb)
			return 1;
		memcpy(nb + f->errlen, data, n);
		f->errbody = nb;
		f->errlen += n;
		nb[f->errlen] = '\0';
	}
	return 0;
}

/* The service's message in an error body: a VOTable's QUERY_STATUS=ERROR
 * text (*service set), else the first non-empty line of the text with
 * tags stripped. */
static void
body_message(const char *body, size_t len, char *out, size_t outlen, bool *service)
{
	struct vot_handler h = {0};
	struct vot_parser *p = vot_parser_new(&h);
	const char *msg = NULL;

	out[0] = '\0';
	if (p) {
		vot_parser_feed(p, body, len);
		if (vot_doc_status(vot_parser_doc(p), &msg) == VOT_STATUS_ERROR && msg && *msg) {
			snprintf(out, outlen, "%s", msg);
			*service = true;
		}
		vot_parser_free(p);
		if (out[0])
			return;
	}
	size_t o = 0;
	bool intag = false, space = false;
	for (size_t i = 0; i < len && o + 1 < outlen && o < 300; i++) {
		unsigned char c = (unsigned char)body[i];
		if (c == '<') { intag = true; continue; }
		if (c == '>') { intag = false; space = o > 0; continue; }
		if (intag)
			continue;
		if (isspace(c) || c < 0x20) {
			space = o > 0;
			continue;
		}
		if (space && o + 2 < outlen)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
}

static void
auth_hint(const char *challenge, bool sent, char *out, size_t outlen)
{
	char schemes[128] = "";
	size_t n = 0;
	/* Challenge scheme names are the tokens at the start or after a comma
	 * that are not followed by '=' (those are auth-params). */
	const char *s = challenge ? challenge : "";
	while (*s) {
		while (*s == ' ' || *s == ',')
			s++;
		const char *b = s;
		while (*s && *s != ' ' && *s != ',' && *s != '=')
			s++;
		size_t k = (size_t)(s - b);
		if (k && *s != '=') {
			if (n + k + 3 < sizeof schemes) {
				n += (size_t)snprintf(schemes + n, sizeof schemes - n, "%s%.*s",
						      n ? " or " : "", (int)k, b);
			}
		}
		/* skip to the next comma outside quotes */
		bool q = false;
		while (*s && (q || *s != ',')) {
			if (*s == '"')
				q = !q;
			s++;
		}
	}
	/* (the length checks keep -Wformat-truncation quiet at any -O) */
	const char *how = sent ? "the credential sent was rejected (expired, revoked, or for "
				 "another service): get a new one"
			       : "give a token with --token-file (with --auth basic for HTTP Basic) "
				 "or in the credentials file";
	if (n && outlen > strlen(schemes) + strlen(how) + 48)
		snprintf(out, outlen, "; the service asks for %s authentication: %s", schemes, how);
	else if (outlen > strlen(how) + 3)
		snprintf(out, outlen, "; %s", how);
	else
		out[0] = '\0';
}

int
fetch_stream(struct http_client *c, const struct http_request *rq, fetch_sink sink,
	     void *ctx, bool *stopped, long *status, char *err, size_t errlen)
{
	struct fetch f = { .sink = sink, .ctx = ctx };
	struct http_response resp = {0};
	char herr[256] = "";
	int code = 0;

	enum http_err e = http_perform(c, rq, on_headers, on_body, &f, &resp, herr, sizeof herr);
	if (status)
		*status = resp.status;
	if (stopped)
		*stopped = f.stopped;
	if (f.stopped)
		goto out;	/* the sink's own error wins over the aborted transfer */
	if (e != HTTP_OK) {
		snprintf(err, errlen, "%s", herr[0] ? herr : "request failed");
		code = http_err_exit(e);
		goto out;
	}
	if (!f.ok) {
		char msg[512], hint[512] = "";
		bool service = false;
		body_message(f.errbody ? f.errbody : "", f.errlen, msg, sizeof msg, &service);
		if (resp.status == 401)
			auth_hint(resp.www_authenticate, resp.cred_sent, hint, sizeof hint);
		code = http_status_exit(resp.status);
		if (service && code != VT_EX_NOPERM && code != VT_EX_TEMPFAIL) {
			snprintf(err, errlen, "service error: %s", msg);
			code = VT_EX_SERVICE;
			goto out;
		}
		char *where = http_redact_url(resp.url ? resp.url : rq->url);
		snprintf(err, errlen, "%s: HTTP %ld%s%.*s%s", where ? where : "the service",
			 resp.status, msg[0] ? ": " : "", (int)(errlen / 2), msg, hint);
		free(where);
	}
out:
	free(f.errbody);
	http_response_free(&resp);
	return code;
}

struct votsink {
	struct vot_parser *parser;
	enum vot_err err;
};

static int
vot_sink(void *ctx, const char *data, size_t len)
{
	struct votsink *v = ctx;
	v->err = vot_parser_feed(v->parser, data, len);
	return v->err != VOT_OK;
}

int
votfetch(struct http_client *c, const struct http_request *rq,
	 struct vot_parser *parser, char *err, size_t errlen)
{
	struct votsink v = { .parser = parser };
	bool stopped = false;
	int code = fetch_stream(c, rq, vot_sink, &v, &stopped, NULL, err, errlen);
	if (stopped) {
		snprintf(err, errlen, "%s", vot_parser_errmsg(parser));
		code = v.err == VOT_EUNSUPPORTED || v.err == VOT_EDATA ? VT_EX_DATAERR :
		       v.err == VOT_ENOMEM ? VT_EX_SOFTWARE : VT_EX_IOERR;
	}
	return code;
}
