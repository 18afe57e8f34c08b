#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "adql.h"
#include "exitcode.h"
#include "outbuf.h"
#include "table.h"
#include "tablein.h"
#include "tabout.h"
#include "tap.h"

char *
tap_base_url(const char *service)
{
	char *u = strdup(service);
	if (!u)
		return NULL;
	size_t n = strlen(u);
	while (n > 0 && u[n - 1] == '/')
		u[--n] = '\0';
	if (n >= 5 && !strcmp(u + n - 5, "/sync"))
		u[n - 5] = '\0';
	else if (n >= 6 && !strcmp(u + n - 6, "/async"))
		u[n - 6] = '\0';
	return u;
}

int
tap_upload_parse(const char *arg, struct tap_upload *u, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	memset(u, 0, sizeof *u);
	if (!eq || eq == arg || !eq[1]) {
		snprintf(err, errlen, "-u wants NAME=FILE or NAME=URL, not '%s'", arg);
		return -1;
	}
	u->name = strndup(arg, (size_t)(eq - arg));
	u->source = strdup(eq + 1);
	if (!u->name || !u->source) {
		tap_upload_free(u);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!adql_is_identifier(u->name)) {
		snprintf(err, errlen, "-u: '%s' is not a table name TAP accepts (a letter, then "
			 "letters, digits, _)", u->name);
		tap_upload_free(u);
		return -1;
	}
	u->is_url = !strncasecmp(u->source, "http://", 7) || !strncasecmp(u->source, "https://", 8) ||
		    !strncasecmp(u->source, "ftp://", 6);
	return 0;
}

void
tap_upload_free(struct tap_upload *u)
{
	if (u->temporary && u->votable)
		unlink(u->votable);
	if (u->votable != u->source)
		free(u->votable);
	free(u->name);
	free(u->source);
	memset(u, 0, sizeof *u);
}

/* Whether the file starts like XML (after a BOM and white space). */
static int
looks_like_xml(int fd)
{
	char buf[512];
	ssize_t n = pread(fd, buf, sizeof buf, 0);
	size_t i = 0;
	if (n <= 0)
		return 0;
	if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < (size_t)n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	return (i < (size_t)n && buf[i] == '<') || buf[0] == 0 || (n > 1 && buf[1] == 0);
}

int
tap_upload_prepare(struct tap_upload *u, char *err, size_t errlen)
{
	if (u->is_url)
		return 0;
	int fd = open(u->source, O_RDONLY);
	if (fd < 0) {
		snprintf(err, errlen, "-u %s: %s: %s", u->name, u->source, strerror(errno));
		return VT_EX_NOINPUT;
	}
	if (looks_like_xml(fd)) {
		close(fd);
		u->votable = u->source;
		return 0;
	}

	/* TSV or CSV: a VOTable in a temporary file, the table named as
	 * the upload so that the service's messages make sense */
	const char *dir = getenv("TMPDIR");
	size_t n = strlen(dir && *dir ? dir : "/tmp") + 32;
	char *tmp = malloc(n);
	if (!tmp) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return VT_EX_SOFTWARE;
	}
	snprintf(tmp, n, "%s/vo-tap-upload.XXXXXX", dir && *dir ? dir : "/tmp");
	int out = mkstemp(tmp);
	if (out < 0) {
		snprintf(err, errlen, "-u %s: cannot make a temporary file: %s", u->name, strerror(errno));
		free(tmp);
		close(fd);
		return VT_EX_CANTCREAT;
	}
	u->votable = tmp;
	u->temporary = true;

	size_t len = strlen(u->source);
	enum tin_format f = len > 4 && !strcasecmp(u->source + len - 4, ".csv") ? TIN_CSV : TIN_TSV;
	struct outbuf ob;
	struct tabout t;
	struct tabout_opts to = { .format = TW_VOTABLE };
	struct tin_opts tio = { .table_name = u->name };
	char msg[400];
	int code = 0;

	if (ob_init(&ob, out, 1 << 16) < 0) {
		close(fd);
		close(out);
		snprintf(err, errlen, "out of memory");
		return VT_EX_SOFTWARE;
	}
	tabout_init(&t, &to, &ob);
	struct vot_handler h = tabout_text_handler(&t);
	enum vot_err e = tin_read(fd, NULL, 0, f, &tio, &h, msg, sizeof msg);
	if (e) {
		snprintf(err, errlen, "-u %s: %s: %s", u->name, u->source,
			 e == VOT_ECALLBACK && t.code ? t.msg : msg);
		code = e == VOT_ENOMEM ? VT_EX_SOFTWARE : VT_EX_DATAERR;
	}
	if (ob_flush(&ob) < 0 && !code) {
		snprintf(err, errlen, "-u %s: writing %s: %s", u->name, tmp, strerror(ob.err));
		code = VT_EX_IOERR;
	}
	tabout_free(&t);
	ob_free(&ob);
	close(fd);
	if (close(out) < 0 && !code) {
		snprintf(err, errlen, "-u %s: writing %s: %s", u->name, tmp, strerror(errno));
		code = VT_EX_IOERR;
	}
	return code;
}

int
tap_request_build(struct tap_query *q, const char *url, const char *const *extra,
		  struct http_request *rq)
{
	size_t nf = 0, len = 1, max = 12;

	memset(rq, 0, sizeof *rq);
	rq->method = "POST";
	rq->url = url;
	for (size_t i = 0; q->params && q->params[i] && q->params[i + 1]; i += 2)
		max += 2;
	for (size_t i = 0; extra && extra[i] && extra[i + 1]; i += 2)
		max += 2;
	free(q->form);
	if (!(q->form = malloc(max * sizeof *q->form)))
		return -1;
	q->form[nf++] = "REQUEST";
	q->form[nf++] = "doQuery";
	q->form[nf++] = "LANG";
	q->form[nf++] = q->lang ? q->lang : "ADQL";
	q->form[nf++] = "QUERY";
	q->form[nf++] = q->query;
	if (q->maxrec >= 0) {
		snprintf(q->maxrec_text, sizeof q->maxrec_text, "%ld", q->maxrec);
		q->form[nf++] = "MAXREC";
		q->form[nf++] = q->maxrec_text;
	}
	for (size_t i = 0; q->params && q->params[i] && q->params[i + 1]; i += 2) {
		q->form[nf++] = q->params[i];
		q->form[nf++] = q->params[i + 1];
	}
	for (size_t i = 0; extra && extra[i] && extra[i + 1]; i += 2) {
		q->form[nf++] = extra[i];
		q->form[nf++] = extra[i + 1];
	}
	if (q->nuploads) {
		/* UPLOAD=a,param:a;b,http://...: inline tables travel as
		 * multipart parts named after the table */
		for (size_t i = 0; i < q->nuploads; i++)
			len += strlen(q->uploads[i].name) * 2 + strlen(q->uploads[i].source) + 10;
		free(q->upload_param);
		q->upload_param = malloc(len);
		if (!q->upload_param)
			return -1;
		q->upload_param[0] = '\0';
		for (size_t i = 0; i < q->nuploads; i++) {
			const struct tap_upload *u = &q->uploads[i];
			size_t o = strlen(q->upload_param);
			snprintf(q->upload_param + o, len - o, "%s%s,%s%s", i ? ";" : "", u->name,
				 u->is_url ? "" : "param:", u->is_url ? u->source : u->name);
		}
		q->form[nf++] = "UPLOAD";
		q->form[nf++] = q->upload_param;
	}
	q->form[nf] = NULL;

	size_t ninline = 0;
	for (size_t i = 0; i < q->nuploads; i++)
		ninline += !q->uploads[i].is_url;
	if (!ninline) {
		rq->form = q->form;
		rq->idempotent = true;	/* a query changes nothing: retrying is safe */
		return 0;
	}
	free(q->parts);
	q->parts = calloc(nf / 2 + ninline, sizeof *q->parts);
	if (!q->parts)
		return -1;
	size_t np = 0;
	for (size_t i = 0; i < nf; i += 2) {
		q->parts[np].name = q->form[i];
		q->parts[np++].value = q->form[i + 1];
	}
	for (size_t i = 0; i < q->nuploads; i++) {
		const struct tap_upload *u = &q->uploads[i];
		if (u->is_url)
			continue;
		q->parts[np].name = u->name;
		q->parts[np].path = u->votable;
		q->parts[np].filename = u->name;
		q->parts[np++].content_type = "application/x-votable+xml";
	}
	rq->parts = q->parts;
	rq->nparts = np;
	rq->idempotent = true;
	return 0;
}

void
tap_request_free(struct tap_query *q)
{
	free(q->upload_param);
	free(q->parts);
	free(q->form);
	q->upload_param = NULL;
	q->parts = NULL;
	q->form = NULL;
}

static void *
grow(void *v, size_t n, size_t size)
{
	return realloc(v, (n + 1) * size);
}

/* Whether a RESPONSEFORMAT value asks for a VOTable of some sort. */
static bool
names_votable(const char *v)
{
	for (; *v; v++)
		if (!strncasecmp(v, "votable", 7))
			return true;
	return false;
}

/* -P NAME=VALUE: checked, added to t->tap_params.  0 or -1 with a message. */
static int
tap_param_add(struct tap_cli *t, const char *arg, char *err, size_t errlen)
{
	static const char *const own[][2] = {
		{"REQUEST", "it is doQuery"}, {"LANG", "use --lang"},
		{"QUERY", "give the query as the argument or with -q"},
		{"MAXREC", "use -m"}, {"UPLOAD", "use -u"},
	};
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : 0;

	if (n == 0 || arg[strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				   "0123456789_.-")] != '=') {
		snprintf(err, errlen, "-P wants NAME=VALUE (a TAP parameter), not '%s'", arg);
		return -1;
	}
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
		if (strlen(own[i][0]) == n && !strncasecmp(arg, own[i][0], n)) {
			snprintf(err, errlen, "-P %s: %s", own[i][0], own[i][1]);
			return -1;
		}
	if (((n == 14 && !strncasecmp(arg, "RESPONSEFORMAT", n)) ||
	     (n == 6 && !strncasecmp(arg, "FORMAT", n))) && !names_votable(eq + 1)) {
		snprintf(err, errlen, "-P %s: the answer is read as a VOTable (votable, "
			 "votable/td, votable/b2, ...); -f chooses what is written", arg);
		return -1;
	}
	char **np = realloc(t->tap_params, (t->ntap_params + 3) * sizeof *np);
	if (!np) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->tap_params = np;
	if (!(np[t->ntap_params] = strndup(arg, n)) || !(np[t->ntap_params + 1] = strdup(eq + 1))) {
		free(np[t->ntap_params]);
		np[t->ntap_params] = NULL;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	t->ntap_params += 2;
	np[t->ntap_params] = NULL;
	return 0;
}

int
tap_option(struct tap_cli *t, int c, int base, const char *arg, char *err, size_t errlen)
{
	switch (c) {
	case 'P':
		return tap_param_add(t, arg, err, errlen) < 0 ? -1 : 1;
	case 'q':
		t->query_file = arg;
		return 1;
	case 'p': {
		struct adql_param *np = grow(t->params, t->nparams, sizeof *np);
		if (!np) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t->params = np;
		if (adql_param_parse(arg, &t->params[t->nparams], err, errlen) < 0)
			return -1;
		t->nparams++;
		return 1;
	}
	case 'u': {
		struct tap_upload *nu = grow(t->uploads, t->nuploads, sizeof *nu);
		if (!nu) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t->uploads = nu;
		if (tap_upload_parse(arg, &t->uploads[t->nuploads], err, errlen) < 0)
			return -1;
		t->nuploads++;
		return 1;
	}
	case 'm': {
		char *end;
		errno = 0;
		long v = strtol(arg, &end, 10);
		if (errno || *end || end == arg || v < 0) {
			snprintf(err, errlen, "--maxrec wants a row count, not '%s'", arg);
			return -1;
		}
		t->maxrec = v;
		return 1;
	}
	default:
		if (c == base) {
			t->lang = arg;
			return 1;
		}
		return 0;
	}
}

/* The whole of fd as a string, or NULL. */
static char *
slurp(int fd)
{
	size_t len = 0, cap = 4096;
	char *s = malloc(cap);
	while (s) {
		if (len + 1 >= cap) {
			char *ns = realloc(s, cap *= 2);
			if (!ns)
				break;
			s = ns;
		}
		ssize_t n = read(fd, s + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				break;
			s[len] = '\0';
			return s;
		}
		len += (size_t)n;
	}
	free(s);
	return NULL;
}

char *
tap_cli_query(struct tap_cli *t, const char *arg, int *code, char *err, size_t errlen)
{
	char *q = NULL;

	*code = 0;
	if (arg && t->query_file) {
		snprintf(err, errlen, "a query and -q FILE: give one");
		*code = VT_EX_USAGE;
		return NULL;
	}
	if (arg) {
		q = strdup(arg);
	} else if (t->query_file && strcmp(t->query_file, "-")) {
		int fd = open(t->query_file, O_RDONLY);
		if (fd < 0) {
			snprintf(err, errlen, "%s: %s", t->query_file, strerror(errno));
			*code = VT_EX_NOINPUT;
			return NULL;
		}
		q = slurp(fd);
		close(fd);
	} else {
		if (!t->query_file && isatty(0)) {
			snprintf(err, errlen, "no query: give it as an argument, with -q FILE, or on stdin");
			*code = VT_EX_USAGE;
			return NULL;
		}
		q = slurp(0);
	}
	if (!q) {
		snprintf(err, errlen, "reading the query: %s", errno ? strerror(errno) : "out of memory");
		*code = VT_EX_IOERR;
		return NULL;
	}
	if (!q[strspn(q, " \t\r\n")]) {
		free(q);
		snprintf(err, errlen, "the query is empty");
		*code = VT_EX_USAGE;
		return NULL;
	}
	char *bound = adql_bind(q, t->params, t->nparams, err, errlen);
	free(q);
	if (!bound)
		*code = VT_EX_USAGE;
	return bound;
}

void
tap_cli_free(struct tap_cli *t)
{
	for (size_t i = 0; i < t->nuploads; i++)
		tap_upload_free(&t->uploads[i]);
	for (size_t i = 0; i < t->nparams; i++)
		adql_param_free(&t->params[i]);
	for (size_t i = 0; i < t->ntap_params; i++)
		free(t->tap_params[i]);
	free(t->uploads);
	free(t->params);
	free(t->tap_params);
	t->uploads = NULL;
	t->params = NULL;
	t->tap_params = NULL;
	t->nuploads = t->nparams = t->ntap_params = 0;
}
