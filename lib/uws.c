#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>
#include <jansson.h>

#include "exitcode.h"
#include "table.h"
#include "uws.h"

static const char *const phase_names[] = {
	"UNKNOWN", "PENDING", "QUEUED", "EXECUTING", "COMPLETED", "ERROR",
	"ABORTED", "HELD", "SUSPENDED", "ARCHIVED",
};
#define NPHASES (sizeof phase_names / sizeof phase_names[0])

enum uws_phase
uws_phase_parse(const char *s)
{
	size_t n;

	if (!s)
		return UWS_UNKNOWN;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	for (size_t i = 1; i < NPHASES; i++)
		if (strlen(phase_names[i]) == n && strncasecmp(s, phase_names[i], n) == 0)
			return (enum uws_phase)i;
	return UWS_UNKNOWN;
}

const char *
uws_phase_name(enum uws_phase ph)
{
	if ((unsigned)ph >= NPHASES)
		return phase_names[0];
	return phase_names[ph];
}

bool
uws_phase_final(enum uws_phase ph)
{
	return ph == UWS_COMPLETED || ph == UWS_ERROR || ph == UWS_ABORTED ||
	    ph == UWS_ARCHIVED;
}

/* ------------------------------------------------------------ parsing */

enum { JOBS_ID, JOBS_PHASE, JOBS_HREF, JOBS_RUNID, JOBS_CTIME, JOBS_OWNER, NJOBF };

struct parser {
	XML_Parser xp;
	bool list;		/* a job list, else a job */
	int depth;		/* of the element being read; root is 1 */
	int skip;		/* > 0: inside an element whose content is ignored */
	int ret;		/* first error, 0 */
	char *err;
	size_t errlen;

	/* text of the current leaf element */
	char *text;
	size_t tlen, tcap;
	bool collect;		/* gathering text */
	bool nil;		/* current leaf has xsi:nil="true" */
	const char *parent;	/* local name of the depth-2 element */

	struct uws_job *job;

	/* job list */
	uws_row_fn row;
	void *ctx;
	char *f[NJOBF];
};

static void
fail(struct parser *p, int code, const char *fmt, ...)
{
	va_list ap;

	if (p->ret)
		return;
	p->ret = code;
	if (p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	XML_StopParser(p->xp, XML_FALSE);
}

static void
nomem(struct parser *p)
{
	fail(p, VT_EX_SOFTWARE, "out of memory");
}

static const char *
local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *
attr(const char **atts, const char *want)
{
	for (; atts[0]; atts += 2)
		if (strcmp(local(atts[0]), want) == 0)
			return atts[1];
	return NULL;
}

static bool
truthy(const char *s)
{
	return s && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
}

/* The collected text with surrounding white space removed, malloc'd. */
static char *
take_text(struct parser *p, bool trim)
{
	const char *s = p->text ? p->text : "";
	size_t n = p->tlen;
	char *r;

	if (trim) {
		while (n > 0 && isspace((unsigned char)*s))
			s++, n--;
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
	}
	if (!(r = malloc(n + 1))) {
		nomem(p);
		return NULL;
	}
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

static void
set_str(struct parser *p, char **dst, bool trim)
{
	char *s;

	if (p->nil)
		return;
	if (!(s = take_text(p, trim)))
		return;
	free(*dst);
	*dst = s;
}

static void
begin_text(struct parser *p, const char **atts)
{
	p->collect = true;
	p->tlen = 0;
	p->nil = truthy(attr(atts, "nil"));
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct parser *p = ud;

	if (!p->collect || p->skip || len <= 0)
		return;
	if (p->tlen + (size_t)len + 1 > p->tcap) {
		size_t cap = p->tcap ? p->tcap : 256;
		char *t;
		while (cap < p->tlen + (size_t)len + 1)
			cap *= 2;
		if (!(t = realloc(p->text, cap))) {
			nomem(p);
			return;
		}
		p->text = t;
		p->tcap = cap;
	}
	memcpy(p->text + p->tlen, s, (size_t)len);
	p->tlen += (size_t)len;
}

static char *
dup_or_empty(struct parser *p, const char *s)
{
	char *r = strdup(s ? s : "");
	if (!r)
		nomem(p);
	return r;
}

static void
job_start(struct parser *p, const char *name, const char **atts)
{
	struct uws_job *j = p->job;

	if (p->depth == 2) {
		p->parent = NULL;
		if (strcmp(name, "parameters") == 0)
			p->parent = "parameters";
		else if (strcmp(name, "results") == 0)
			p->parent = "results";
		else if (strcmp(name, "errorSummary") == 0) {
			p->parent = "errorSummary";
			j->has_error = true;
			free(j->error_type);
			j->error_type = NULL;
			if (attr(atts, "type") && !(j->error_type = strdup(attr(atts, "type"))))
				nomem(p);
			j->error_has_detail = truthy(attr(atts, "hasDetail"));
		} else if (strcmp(name, "jobInfo") == 0)
			p->skip = 1;
		else
			begin_text(p, atts);
		return;
	}
	if (p->depth == 3 && p->parent && strcmp(p->parent, "parameters") == 0 &&
	    strcmp(name, "parameter") == 0) {
		struct uws_param *q = realloc(j->params, (j->nparams + 1) * sizeof *q);
		if (!q) {
			nomem(p);
			return;
		}
		j->params = q;
		q += j->nparams;
		q->id = dup_or_empty(p, attr(atts, "id"));
		q->value = NULL;
		q->by_reference = truthy(attr(atts, "byReference"));
		j->nparams++;
		begin_text(p, atts);
		return;
	}
	if (p->depth == 3 && p->parent && strcmp(p->parent, "results") == 0 &&
	    strcmp(name, "result") == 0) {
		struct uws_result *r = realloc(j->results, (j->nresults + 1) * sizeof *r);
		if (!r) {
			nomem(p);
			return;
		}
		j->results = r;
		r += j->nresults;
		r->id = dup_or_empty(p, attr(atts, "id"));
		r->href = dup_or_empty(p, attr(atts, "href"));
		j->nresults++;
		return;
	}
	if (p->depth == 3 && p->parent && strcmp(p->parent, "errorSummary") == 0) {
		if (strcmp(name, "message") == 0)
			begin_text(p, atts);
		else if (strcmp(name, "detail") == 0 && attr(atts, "href"))
			j->error_has_detail = true;
		return;
	}
	/* anything else (extensions): ignored, with its content */
	p->skip = 1;
}

static void
job_end(struct parser *p, const char *name)
{
	struct uws_job *j = p->job;

	if (!p->collect)
		return;
	p->collect = false;
	if (p->depth == 2) {
		if (strcmp(name, "jobId") == 0)
			set_str(p, &j->job_id, true);
		else if (strcmp(name, "runId") == 0)
			set_str(p, &j->run_id, true);
		else if (strcmp(name, "ownerId") == 0)
			set_str(p, &j->owner_id, true);
		else if (strcmp(name, "quote") == 0)
			set_str(p, &j->quote, true);
		else if (strcmp(name, "creationTime") == 0)
			set_str(p, &j->creation_time, true);
		else if (strcmp(name, "startTime") == 0)
			set_str(p, &j->start_time, true);
		else if (strcmp(name, "endTime") == 0)
			set_str(p, &j->end_time, true);
		else if (strcmp(name, "destruction") == 0)
			set_str(p, &j->destruction, true);
		else if (strcmp(name, "phase") == 0) {
			char *s = NULL;
			set_str(p, &s, true);
			j->phase = uws_phase_parse(s);
			free(s);
		} else if (strcmp(name, "executionDuration") == 0) {
			char *s = NULL, *end;
			long v;
			set_str(p, &s, true);
			if (s && *s) {
				errno = 0;
				v = strtol(s, &end, 10);
				if (!errno && !*end && v >= 0)
					j->execution_duration = v;
			}
			free(s);
		}
		return;
	}
	if (strcmp(name, "parameter") == 0 && j->nparams) {
		struct uws_param *q = &j->params[j->nparams - 1];
		if (p->nil) {
			q->value = dup_or_empty(p, "");
		} else
			q->value = take_text(p, false);
	} else if (strcmp(name, "message") == 0)
		set_str(p, &j->error_message, true);
}

static void
jobs_start(struct parser *p, const char *name, const char **atts)
{
	if (p->depth == 2) {
		if (strcmp(name, "jobref") != 0) {
			p->skip = 1;
			return;
		}
		for (int i = 0; i < NJOBF; i++) {
			free(p->f[i]);
			p->f[i] = NULL;
		}
		p->f[JOBS_ID] = dup_or_empty(p, attr(atts, "id"));
		p->f[JOBS_HREF] = dup_or_empty(p, attr(atts, "href"));
		return;
	}
	if (p->depth == 3 && (strcmp(name, "phase") == 0 || strcmp(name, "runId") == 0 ||
			      strcmp(name, "creationTime") == 0 || strcmp(name, "ownerId") == 0)) {
		begin_text(p, atts);
		return;
	}
	p->skip = 1;
}

static void
jobs_end(struct parser *p, const char *name)
{
	if (p->depth == 3 && p->collect) {
		p->collect = false;
		if (strcmp(name, "phase") == 0) {
			char *s = NULL;
			set_str(p, &s, true);
			enum uws_phase ph = uws_phase_parse(s);
			if (ph != UWS_UNKNOWN) {
				free(s);
				s = dup_or_empty(p, uws_phase_name(ph));
			}
			free(p->f[JOBS_PHASE]);
			p->f[JOBS_PHASE] = s;
		} else if (strcmp(name, "runId") == 0)
			set_str(p, &p->f[JOBS_RUNID], true);
		else if (strcmp(name, "creationTime") == 0)
			set_str(p, &p->f[JOBS_CTIME], true);
		else if (strcmp(name, "ownerId") == 0)
			set_str(p, &p->f[JOBS_OWNER], true);
		return;
	}
	if (p->depth == 2 && strcmp(name, "jobref") == 0 && !p->ret) {
		const char *f[NJOBF];
		int r;
		for (int i = 0; i < NJOBF; i++)
			f[i] = p->f[i] ? p->f[i] : "";
		if ((r = p->row(p->ctx, f, NJOBF)) != 0) {
			fail(p, r, "callback stopped the parse");
		}
	}
}

static void XMLCALL
on_start(void *ud, const XML_Char *qname, const XML_Char **atts)
{
	struct parser *p = ud;
	const char *name = local(qname);

	p->depth++;
	if (p->skip) {
		p->skip++;
		return;
	}
	if (p->depth == 1) {
		const char *want = p->list ? "jobs" : "job";
		if (strcmp(name, want) != 0)
			fail(p, VT_EX_PROTOCOL, "not a UWS %s document (root element '%s')",
			     p->list ? "job list" : "job", qname);
		return;
	}
	/* text-only elements have no children we want */
	if (p->collect) {
		p->skip = 1;
		return;
	}
	if (p->list)
		jobs_start(p, name, atts);
	else
		job_start(p, name, atts);
}

static void XMLCALL
on_end(void *ud, const XML_Char *qname)
{
	struct parser *p = ud;
	const char *name = local(qname);

	if (p->skip) {
		p->skip--;
		p->depth--;
		return;
	}
	if (p->list)
		jobs_end(p, name);
	else
		job_end(p, name);
	p->depth--;
}

static void XMLCALL
on_entity_decl(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
	       int value_len, const XML_Char *base, const XML_Char *system_id,
	       const XML_Char *public_id, const XML_Char *notation)
{
	struct parser *p = ud;
	(void)is_param; (void)value; (void)value_len; (void)base;
	(void)system_id; (void)public_id; (void)notation;
	/* UWS never needs them, and they are how entity bombs work */
	fail(p, VT_EX_PROTOCOL, "entity declarations are not allowed (entity '%s')", name);
}

static int
run(struct parser *p, const char *buf, size_t len)
{
	if (p->errlen)
		p->err[0] = '\0';
	if (len > INT_MAX) {
		fail(p, VT_EX_PROTOCOL, "UWS document too large");
		return p->ret;
	}
	if (!(p->xp = XML_ParserCreate("UTF-8"))) {
		nomem(p);
		return p->ret;
	}
	XML_SetUserData(p->xp, p);
	XML_SetElementHandler(p->xp, on_start, on_end);
	XML_SetCharacterDataHandler(p->xp, on_text);
	XML_SetEntityDeclHandler(p->xp, on_entity_decl);
	if (XML_Parse(p->xp, buf, (int)len, XML_TRUE) == XML_STATUS_ERROR && !p->ret) {
		enum XML_Error e = XML_GetErrorCode(p->xp);
		if (e == XML_ERROR_NO_MEMORY)
			nomem(p);
		else
			fail(p, VT_EX_PROTOCOL, "UWS %s, line %lu: %s",
			     p->list ? "job list" : "job",
			     (unsigned long)XML_GetCurrentLineNumber(p->xp),
			     XML_ErrorString(e));
	}
	XML_ParserFree(p->xp);
	p->xp = NULL;
	free(p->text);
	return p->ret;
}

static void
job_init(struct uws_job *j)
{
	memset(j, 0, sizeof *j);
	j->phase = UWS_UNKNOWN;
	j->execution_duration = -1;
}

int
uws_job_parse(const char *buf, size_t len, struct uws_job *out, char *err, size_t errlen)
{
	struct parser p = { .err = err, .errlen = errlen, .job = out };

	job_init(out);
	if (run(&p, buf, len)) {
		uws_job_free(out);
		return p.ret;
	}
	return 0;
}

void
uws_job_free(struct uws_job *j)
{
	if (!j)
		return;
	free(j->job_id);
	free(j->run_id);
	free(j->owner_id);
	free(j->quote);
	free(j->creation_time);
	free(j->start_time);
	free(j->end_time);
	free(j->destruction);
	for (size_t i = 0; i < j->nparams; i++) {
		free(j->params[i].id);
		free(j->params[i].value);
	}
	free(j->params);
	for (size_t i = 0; i < j->nresults; i++) {
		free(j->results[i].id);
		free(j->results[i].href);
	}
	free(j->results);
	free(j->error_type);
	free(j->error_message);
	job_init(j);
}

const char *const *
uws_jobs_header(size_t *n)
{
	static const char *const h[NJOBF] = {
		"id", "phase", "href", "run_id", "creation_time", "owner_id",
	};
	*n = NJOBF;
	return h;
}

int
uws_jobs_parse(const char *buf, size_t len, uws_row_fn row, void *ctx,
	       char *err, size_t errlen)
{
	struct parser p = { .err = err, .errlen = errlen, .list = true,
			    .row = row, .ctx = ctx };

	run(&p, buf, len);
	for (int i = 0; i < NJOBF; i++)
		free(p.f[i]);
	return p.ret;
}

/* ------------------------------------------------------------ writers */

static void
tsv_kv(struct outbuf *ob, const char *prefix, const char *key, const char *v)
{
	if (prefix)
		ob_puts(ob, prefix);
	tsv_put_escaped(ob, key, strlen(key));
	ob_putc(ob, '\t');
	if (v)
		tsv_put_escaped(ob, v, strlen(v));
	ob_putc(ob, '\n');
}

void
uws_job_write_tsv(const struct uws_job *j, struct outbuf *ob)
{
	char dur[32] = "";

	if (j->execution_duration >= 0)
		snprintf(dur, sizeof dur, "%ld", j->execution_duration);
	ob_puts(ob, "key\tvalue\n");
	tsv_kv(ob, NULL, "job_id", j->job_id);
	tsv_kv(ob, NULL, "run_id", j->run_id);
	tsv_kv(ob, NULL, "owner_id", j->owner_id);
	tsv_kv(ob, NULL, "phase", uws_phase_name(j->phase));
	tsv_kv(ob, NULL, "quote", j->quote);
	tsv_kv(ob, NULL, "creation_time", j->creation_time);
	tsv_kv(ob, NULL, "start_time", j->start_time);
	tsv_kv(ob, NULL, "end_time", j->end_time);
	tsv_kv(ob, NULL, "execution_duration", dur);
	tsv_kv(ob, NULL, "destruction", j->destruction);
	for (size_t i = 0; i < j->nparams; i++)
		tsv_kv(ob, "parameter.", j->params[i].id, j->params[i].value);
	for (size_t i = 0; i < j->nresults; i++)
		tsv_kv(ob, "result.", j->results[i].id, j->results[i].href);
	if (j->has_error) {
		tsv_kv(ob, NULL, "error.type", j->error_type);
		tsv_kv(ob, NULL, "error.message", j->error_message);
	}
}

/* Adds s (or null) under key; false when out of memory. */
static bool
jset(json_t *o, const char *key, const char *s)
{
	/* expat hands over valid UTF-8 only, as json_string wants */
	json_t *v = s ? json_string(s) : json_null();
	return v && json_object_set_new(o, key, v) == 0;
}

int
uws_job_write_json(const struct uws_job *j, struct outbuf *ob)
{
	json_t *o = json_object(), *ps = json_object(), *rs = json_object(), *e = NULL;
	char *s = NULL;
	bool ok = o && ps && rs;

	ok = ok && jset(o, "job_id", j->job_id) && jset(o, "run_id", j->run_id) &&
	    jset(o, "owner_id", j->owner_id) &&
	    jset(o, "phase", uws_phase_name(j->phase)) && jset(o, "quote", j->quote) &&
	    jset(o, "creation_time", j->creation_time) &&
	    jset(o, "start_time", j->start_time) && jset(o, "end_time", j->end_time);
	ok = ok && json_object_set_new(o, "execution_duration",
				       j->execution_duration >= 0 ?
				       json_integer(j->execution_duration) : json_null()) == 0;
	ok = ok && jset(o, "destruction", j->destruction);
	for (size_t i = 0; ok && i < j->nparams; i++)
		ok = jset(ps, j->params[i].id, j->params[i].value);
	for (size_t i = 0; ok && i < j->nresults; i++)
		ok = jset(rs, j->results[i].id, j->results[i].href);
	ok = ok && json_object_set(o, "parameters", ps) == 0 &&
	    json_object_set(o, "results", rs) == 0;
	if (ok && j->has_error) {
		ok = (e = json_object()) && jset(e, "type", j->error_type) &&
		    jset(e, "message", j->error_message) &&
		    json_object_set_new(e, "has_detail", json_boolean(j->error_has_detail)) == 0;
		ok = ok && json_object_set(o, "error", e) == 0;
	} else if (ok)
		ok = json_object_set_new(o, "error", json_null()) == 0;
	ok = ok && (s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT));
	if (ok) {
		ob_puts(ob, s);
		ob_putc(ob, '\n');
	}
	free(s);
	json_decref(e);
	json_decref(ps);
	json_decref(rs);
	json_decref(o);
	return ok ? 0 : -1;
}
