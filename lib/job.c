#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "job.h"
#include "votfetch.h"

struct buf {
	char *s;
	size_t len;
	size_t max;
};

static int
buf_sink(void *ctx, const char *data, size_t len)
{
	struct buf *b = ctx;
	if (b->len + len > b->max)
		return 1;	/* no job document is this big */
	char *ns = realloc(b->s, b->len + len + 1);
	if (!ns)
		return 1;
	memcpy(ns + b->len, data, len);
	b->s = ns;
	b->len += len;
	ns[b->len] = '\0';
	return 0;
}

static char *
join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 1;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s%s", a, b);
	return s;
}

/* Map "no such job" to its own code; keep the rest. */
static int
job_code(int code, long status, const char *url, char *err, size_t errlen)
{
	if (code && (status == 404 || status == 410)) {
		snprintf(err, errlen, "%s: no such job (HTTP %ld)", url, status);
		return VT_EX_NOINPUT;
	}
	return code;
}

/* A request whose 303 answer (UWS's usual reply to POSTs) is not
 * followed: only its status matters. */
static int
post_no_follow(struct http_client *c, const char *url, const char *const *form, bool delete,
	       char **location, char *err, size_t errlen)
{
	struct http_request rq = { .method = delete ? "DELETE" : "POST", .url = url, .form = form,
				   .no_follow = true, .idempotent = true };
	struct http_response resp = {0};
	char herr[300] = "";
	int code = 0;

	enum http_err e = http_perform(c, &rq, NULL, NULL, NULL, &resp, herr, sizeof herr);
	if (e != HTTP_OK) {
		snprintf(err, errlen, "%s", herr);
		code = http_err_exit(e);
	} else if (resp.status >= 400) {
		snprintf(err, errlen, "%s: HTTP %ld", url, resp.status);
		code = job_code(http_status_exit(resp.status), resp.status, url, err, errlen);
	} else if (location) {
		*location = resp.location ? strdup(resp.location) : NULL;
	}
	http_response_free(&resp);
	return code;
}

/* The message of an error document (s is NUL-terminated): a VOTable's
 * QUERY_STATUS=ERROR text, else the start of the text itself if it is
 * plain text; on one line, cut to max bytes; malloc'd or NULL. */
static char *
doc_message(const char *s, size_t len, size_t max)
{
	if (!s || !len)
		return NULL;
	struct vot_handler h = {0};
	struct vot_parser *p = vot_parser_new(&h);
	const char *msg = NULL;
	char line[JOB_MESSAGE_MAX + 1] = "";
	if (p) {
		vot_parser_feed(p, s, len);
		if (vot_doc_status(vot_parser_doc(p), &msg) == VOT_STATUS_ERROR && msg && *msg)
			http_one_line(line, sizeof line, msg, strlen(msg), max);
		vot_parser_free(p);
	}
	if (!line[0] && s[strspn(s, " \t\r\n")] != '<')
		http_one_line(line, sizeof line, s, len, max);
	return line[0] ? strdup(line) : NULL;
}

int
job_submit(struct http_client *c, const char *base, struct tap_query *q, bool run,
	   const char *const *extra, char **url, char *err, size_t errlen)
{
	const char *more[16];
	size_t n = 0;
	char *async = join(base, "/async");
	struct http_request rq;
	struct http_response resp = {0};
	char herr[300] = "";
	int code = 0;

	*url = NULL;
	if (!async)
		return VT_EX_SOFTWARE;
	for (size_t i = 0; extra && extra[i] && extra[i + 1] && n < 14; i += 2) {
		more[n++] = extra[i];
		more[n++] = extra[i + 1];
	}
	more[n] = NULL;
	if (tap_request_build(q, async, more, &rq) < 0) {
		free(async);
		snprintf(err, errlen, "out of memory");
		return VT_EX_SOFTWARE;
	}
	/* Creating a job is not idempotent: a retry could make two. */
	rq.idempotent = false;
	rq.no_follow = true;
	struct buf body = { .max = 1 << 20 };
	enum http_err e = http_perform(c, &rq, NULL, buf_sink, &body, &resp, herr, sizeof herr);
	if (e != HTTP_OK) {
		snprintf(err, errlen, "%s", herr);
		code = http_err_exit(e);
	} else if (resp.status >= 300 && resp.status < 400 && resp.location) {
		*url = strdup(resp.location);
	} else if (resp.status >= 200 && resp.status < 300) {
		/* a service that answers with the job itself at its URL */
		*url = strdup(resp.url ? resp.url : async);
	} else {
		char *msg = doc_message(body.s, body.len, HTTP_QUOTE_MAX);
		if (msg && resp.status < 500) {
			snprintf(err, errlen, "service error: %s", msg);
			code = VT_EX_SERVICE;
		} else {
			snprintf(err, errlen, "%s: HTTP %ld%s%s", async, resp.status, msg ? ": " : "",
				 msg ? msg : "");
			code = http_status_exit(resp.status);
		}
		free(msg);
	}
	free(body.s);
	if (!code && !*url) {
		snprintf(err, errlen, "out of memory");
		code = VT_EX_SOFTWARE;
	}
	/* PHASE=RUN with the creation is allowed, but not every service
	 * honours it (DaCHS 2.7 does not): start the job explicitly */
	if (!code && run && (code = job_phase_set(c, *url, "RUN", err, errlen)) != 0) {
		char m[400];
		snprintf(m, sizeof m, "%s", err);
		snprintf(err, errlen, "the job was created (%s) but not started: %s", *url, m);
	}
	http_response_free(&resp);
	tap_request_free(q);
	free(async);
	return code;
}

int
job_fetch(struct http_client *c, const char *url, long wait_s, enum uws_phase current,
	  struct uws_job *job, char *err, size_t errlen)
{
	char *u = NULL;
	/* the service sends nothing while it blocks: not for a stall */
	long stall = http_stall_timeout_s(c);
	if (stall > 0 && wait_s > stall / 2)
		wait_s = stall / 2;
	if (wait_s > 0 && (current == UWS_PENDING || current == UWS_QUEUED ||
			   current == UWS_EXECUTING)) {
		size_t n = strlen(url) + 64;
		u = malloc(n);
		if (u)
			snprintf(u, n, "%s%cWAIT=%ld&PHASE=%s", url, strchr(url, '?') ? '&' : '?',
				 wait_s, uws_phase_name(current));
	}
	struct http_request rq = { .method = "GET", .url = u ? u : url };
	struct buf b = { .max = 16 << 20 };
	long status = 0;
	bool stopped = false;
	int code = fetch_stream(c, &rq, buf_sink, &b, &stopped, &status, err, errlen);
	if (stopped) {
		snprintf(err, errlen, "%s: the job document is too large", url);
		code = VT_EX_PROTOCOL;
	}
	code = job_code(code, status, url, err, errlen);
	if (!code && (code = uws_job_parse(b.s ? b.s : "", b.len, job, err, errlen)) != 0) {
		char m[300];
		snprintf(m, sizeof m, "%s", err);
		snprintf(err, errlen, "%s: not a UWS job: %s", url, m);
	}
	free(b.s);
	free(u);
	return code;
}

int
job_phase_set(struct http_client *c, const char *url, const char *phase, char *err, size_t errlen)
{
	const char *form[] = { "PHASE", phase, NULL };
	char *u = join(url, "/phase");
	if (!u)
		return VT_EX_SOFTWARE;
	int code = post_no_follow(c, u, form, false, NULL, err, errlen);
	free(u);
	return code;
}

int
job_param_set(struct http_client *c, const char *url, const char *name, const char *value,
	      char *err, size_t errlen)
{
	char upper[32];
	size_t i;
	for (i = 0; name[i] && i + 1 < sizeof upper; i++)
		upper[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
	upper[i] = '\0';
	const char *form[] = { upper, value, NULL };
	char *path = join("/", name);
	char *u = path ? join(url, path) : NULL;
	free(path);
	if (!u)
		return VT_EX_SOFTWARE;
	int code = post_no_follow(c, u, form, false, NULL, err, errlen);
	free(u);
	return code;
}

int
job_delete(struct http_client *c, const char *url, char *err, size_t errlen)
{
	int code = post_no_follow(c, url, NULL, true, NULL, err, errlen);
	if (code == VT_EX_PROTOCOL) {
		/* a service without DELETE: the UWS 1.0 form */
		const char *form[] = { "ACTION", "DELETE", NULL };
		code = post_no_follow(c, url, form, false, NULL, err, errlen);
	}
	return code;
}

const char *
job_result_href(const struct uws_job *job)
{
	for (size_t i = 0; i < job->nresults; i++)
		if (job->results[i].id && !strcmp(job->results[i].id, "result") && job->results[i].href)
			return job->results[i].href;
	return job->nresults ? job->results[0].href : NULL;
}

char *
job_error_message(struct http_client *c, const char *url, const struct uws_job *job,
		  char *err, size_t errlen)
{
	if (job->error_message && *job->error_message) {
		char line[JOB_MESSAGE_MAX + 1];
		return strdup(http_one_line(line, sizeof line, job->error_message,
					    strlen(job->error_message), JOB_MESSAGE_MAX));
	}
	char *u = join(url, "/error");
	if (!u)
		return NULL;
	struct http_request rq = { .method = "GET", .url = u };
	struct buf b = { .max = 1 << 20 };
	int code = fetch_stream(c, &rq, buf_sink, &b, NULL, NULL, err, errlen);
	free(u);
	if (code || !b.s || !b.len) {
		if (!code)
			snprintf(err, errlen, "%s: the job has no error message", url);
		free(b.s);
		return NULL;
	}
	char *out = doc_message(b.s, b.len, JOB_MESSAGE_MAX);
	if (!out)
		snprintf(err, errlen, "%s: the job's error is not readable text", url);
	free(b.s);
	return out;
}

/* ----------------------------------------------------------- results */

struct download {
	struct vot_parser *parser;
	long status;
	long long received;		/* body bytes fed to the parser */
	long long skip;			/* bytes to drop: a restart without Range */
	enum vot_err perr;
};

static int
dl_headers(void *ctx, const struct http_response *r)
{
	struct download *d = ctx;
	d->status = r->status;
	d->skip = r->status == 200 ? d->received : 0;
	return 0;
}

static int
dl_body(void *ctx, const char *data, size_t len)
{
	struct download *d = ctx;
	if (d->status != 200 && d->status != 206)
		return 0;
	if (d->skip > 0) {
		size_t k = (size_t)d->skip < len ? (size_t)d->skip : len;
		data += k;
		len -= k;
		d->skip -= (long long)k;
	}
	if (!len)
		return 0;
	d->received += (long long)len;
	d->perr = vot_parser_feed(d->parser, data, len);
	return d->perr != VOT_OK;
}

int
job_download(struct http_client *client, const char *href, struct vot_parser *p,
	     char *msg, size_t msglen)
{
	struct download d = { .parser = p };
	for (int attempt = 0; attempt < 4; attempt++) {
		struct http_request rq = { .method = "GET", .url = href, .range_from = (long)d.received };
		struct http_response resp = {0};
		char herr[300] = "";
		enum http_err e = http_perform(client, &rq, dl_headers, dl_body, &d, &resp, herr, sizeof herr);
		http_response_free(&resp);
		if (d.perr) {
			snprintf(msg, msglen, "%s", vot_parser_errmsg(p));
			return d.perr == VOT_ENOMEM ? VT_EX_SOFTWARE : VT_EX_DATAERR;
		}
		if (e == HTTP_OK && d.status >= 400) {
			snprintf(msg, msglen, "%s: HTTP %ld", href, d.status);
			return d.status == 404 || d.status == 410 ? VT_EX_NOINPUT : http_status_exit(d.status);
		}
		if (e == HTTP_OK)
			return 0;
		snprintf(msg, msglen, "%s", herr);
		if (e != HTTP_ETRANSFER && e != HTTP_ETIMEOUT)
			return http_err_exit(e);
	}
	return VT_EX_TEMPFAIL;
}

