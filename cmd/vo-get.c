/* vo-get: download the files a table points to (access_url or --column),
 * in parallel, resumable, atomically, with a manifest TSV on stdout. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fname.h"
#include "exitcode.h"
#include "http.h"
#include "netopts.h"
#include "origin.h"
#include "sha256.h"
#include "tablein.h"
#include "version.h"
#include "vot.h"

#define MAX_ATTEMPTS 3		/* a broken transfer is resumed this often */

struct opts {
	const char *dir;
	const char *column;
	const char *name_from;
	const char *token_host;
	int jobs, per_host;
	struct net_cli net;
	const char *input;
};

enum rstate { R_PENDING, R_RUNNING, R_DONE };

struct row {
	char *url;
	char *name_from;	/* value of --name-from, or NULL */
	char *host;
	long long want_size;	/* the table's content_length, -1 if none */
	enum rstate state;
	/* results */
	char *path;
	long long bytes;
	char *status;		/* "ok", "skipped", "error: ..." */
	int code;
};

/* A file name held by one row for the whole run. */
struct claim {
	char *name;
	const struct row *owner;
};

struct hostcount {
	char *host;
	int active;
};

static struct {
	struct opts *o;
	struct row *rows;
	size_t nrows, cap;
	int url_col, name_col, len_col;
	char msg[300];

	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next_print, ndone;
	struct hostcount *hosts;
	size_t nhosts;
	struct claim *claimed;
	size_t nclaimed;
	int manifest_errno;	/* the manifest could not be written: not again */
	bool progress;
	double last_progress;
	long long total_bytes;
	const struct cred_store *cs;
} G = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void
usage(void)
{
	printf(
"usage: vo-get [-d DIR] [--column COL] [--name-from COL] [-j N] [--per-host N]\n"
"              [--token-host HOST] " NET_CLI_USAGE " [FILE]\n"
"Download the URLs of a table (TSV, or CSV if FILE ends in .csv; stdin\n"
"without FILE) into DIR, and print a manifest: url, path, bytes, status.\n"
"  -d, --dir DIR           where the files go (default .)\n"
"  -c, --column COL        the column of URLs (default access_url)\n"
"  -n, --name-from COL     name each file after this column's value\n"
"  -j, --jobs N            downloads at once (default 4)\n"
"      --per-host N        downloads at once from one host (default 4)\n"
"      --token-host HOST[:PORT]  the host the --token-file is for (default:\n"
"                          the host of the first URL); never sent elsewhere\n"
NET_HELP
"Exit status: 0 if every file is ok or skipped, else the code of the first\n"
"failure (see vo-tools(7)).\n");
	exit(0);
}

/* The concatenation of the strings up to a NULL (malloc'd). */
static char *
concat(const char *first, ...)
{
	va_list ap;
	size_t n = 0;
	const char *p;
	va_start(ap, first);
	for (p = first; p; p = va_arg(ap, const char *))
		n += strlen(p);
	va_end(ap);
	char *s = xmalloc(n + 1), *o = s;
	va_start(ap, first);
	for (p = first; p; p = va_arg(ap, const char *)) {
		size_t k = strlen(p);
		memcpy(o, p, k);
		o += k;
	}
	va_end(ap);
	*o = '\0';
	return s;
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------ names */

/* host[:port] of url, lower-case, without userinfo (malloc'd). */
static char *
url_host(const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "/?#");
	const char *at = memchr(p, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	char *h = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		h[i] = (char)tolower((unsigned char)p[i]);
	h[n] = '\0';
	return h;
}

/* The state of a file in DIR that a download might take the name of. */
enum fstate {
	F_NONE,		/* nothing there */
	F_OURS,		/* a regular file recorded as this URL's download */
	F_UNRECORDED,	/* a regular file without a record (see lib/origin.h) */
	F_FOREIGN,	/* another URL's, or not a regular file */
};

static enum fstate
file_state(const char *path, const char *url, struct stat *st)
{
	struct origin og;
	if (lstat(path, st) != 0)
		return errno == ENOENT ? F_NONE : F_FOREIGN;
	if (!S_ISREG(st->st_mode) || origin_get(path, &og) != 0)
		return F_FOREIGN;
	enum fstate s = !og.url ? F_UNRECORDED : strcmp(og.url, url) == 0 ? F_OURS : F_FOREIGN;
	origin_free(&og);
	return s;
}

/* May row r write DIR/name?  With G.mu held.  Not if another row of this
 * run holds the name, nor if a file there is another URL's (or its
 * .part is).  An unrecorded file is taken for this URL's only if it has
 * the size the server (full >= 0) and the table's content_length declare:
 * it is then skipped, never replaced. */
static bool
name_free_locked(const char *name, const struct row *r, long long full)
{
	for (size_t i = 0; i < G.nclaimed; i++)
		if (strcmp(G.claimed[i].name, name) == 0)
			return G.claimed[i].owner == r;
	struct stat st;
	char *path = concat(G.o->dir, "/", name, (char *)NULL);
	enum fstate s = file_state(path, r->url, &st);
	free(path);
	if (s == F_FOREIGN)
		return false;
	if (s == F_UNRECORDED && ((full >= 0 && st.st_size != full) ||
				  (r->want_size >= 0 && st.st_size != r->want_size)))
		return false;
	path = concat(G.o->dir, "/.", name, ".part", (char *)NULL);
	s = file_state(path, r->url, &st);
	free(path);
	return s != F_FOREIGN;
}

/* The first of base, base-1, base-2... (numbered before the first dot)
 * that row r may write, held by r from now to the end of the run: a name
 * is claimed once and released only when the program ends, so no two
 * rows ever write one file. */
static char *
claim(const char *base, const struct row *r, long long full)
{
	pthread_mutex_lock(&G.mu);
	char *cand = xstrdup(base);
	for (long k = 1; !name_free_locked(cand, r, full); k++) {
		free(cand);
		cand = need(fname_numbered(base, k));
	}
	size_t i;
	for (i = 0; i < G.nclaimed; i++)
		if (G.claimed[i].owner == r && strcmp(G.claimed[i].name, cand) == 0)
			break;
	if (i == G.nclaimed) {
		G.claimed = grow(G.claimed, G.nclaimed, sizeof *G.claimed);
		G.claimed[G.nclaimed++] = (struct claim){ xstrdup(cand), r };
	}
	pthread_mutex_unlock(&G.mu);
	return cand;
}

/* --------------------------------------------------------- progress */

static void
progress_locked(bool force)
{
	if (!G.progress)
		return;
	double t = now();
	if (!force && t - G.last_progress < 0.2)
		return;
	G.last_progress = t;
	fprintf(stderr, "\rvo-get: %zu/%zu files, %.1f MiB ", G.ndone, G.nrows,
		G.total_bytes / 1048576.0);
	fflush(stderr);
}

/* --------------------------------------------------------- download */

enum outcome { D_NONE, D_SKIP, D_RESTART, D_RESUME, D_STATUS, D_FILE };

struct dl {
	struct row *r;
	const char *hint;	/* the name a Range may be asked for, or "" */
	long range_from;	/* >0: a Range was asked for the .part of hint */
	bool may_resume;	/* a .part of another name may be resumed */
	char *name;		/* claimed final name */
	char *final, *part;
	int fd;
	long long off;		/* bytes in the .part before this response */
	long long written;
	long long expected;	/* full size, -1 unknown */
	struct sha256 sha;	/* of the .part from its start */
	enum outcome why;	/* why the callback aborted */
	long status;
	int file_errno;
};

/* The name a response calls for, before its type is considered:
 * --name-from, else Content-Disposition, else the URL after redirects,
 * else the table's URL, else "download". */
static char *
pick_base(const struct row *r, const struct http_response *resp)
{
	char *base = NULL;
	if (r->name_from)
		base = fname_sanitize(xstrdup(r->name_from));
	if (!base || !*base) {
		free(base);
		base = fname_from_disposition(resp->content_disposition);
	}
	if (!base || !*base) {
		free(base);
		base = need(fname_from_url(resp->url ? resp->url : r->url));
	}
	if (!*base) {
		free(base);
		base = need(fname_from_url(r->url));
	}
	if (!*base) {
		free(base);
		base = xstrdup("download");
	}
	return base;
}

/* Is the complete file at path, recorded as this URL's or of the right
 * size, what the server has?  Its size must be the server's Content-Length
 * (full, when declared) and the table's content_length (when given); its
 * SHA-256, when recorded, that of its bytes now. */
static bool
verified(const char *path, const struct row *r, long long full, const struct stat *st)
{
	if ((full >= 0 && st->st_size != full) || (r->want_size >= 0 && st->st_size != r->want_size))
		return false;
	struct origin og;
	if (origin_get(path, &og) != 0)
		return false;
	bool ok = true;
	if (og.sha256) {
		char hex[65];
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ok = fd >= 0 && sha256_fd(fd, hex) == 0 && strcmp(hex, og.sha256) == 0;
		if (fd >= 0)
			close(fd);
	}
	origin_free(&og);
	return ok;
}

/* Open d's .part: from zero, or after its first d->off bytes (hashed). */
static int
open_part(struct dl *d, const char *type)
{
	d->fd = open(d->part, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (d->fd < 0)
		goto fail;
	sha256_init(&d->sha);
	for (long long at = 0; at < d->off;) {
		char buf[65536];
		size_t want = d->off - at < (long long)sizeof buf ? (size_t)(d->off - at) : sizeof buf;
		ssize_t n = pread(d->fd, buf, want, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0) {	/* shorter than when it was measured */
			d->why = D_RESTART;
			return 1;
		}
		sha256_update(&d->sha, buf, (size_t)n);
		at += n;
	}
	if (ftruncate(d->fd, d->off) != 0 || lseek(d->fd, d->off, SEEK_SET) < 0)
		goto fail;
	/* best effort: a file system without xattrs keeps no record */
	origin_set(d->fd, d->r->url, type);
	return 0;
fail:
	d->file_errno = errno;
	d->why = D_FILE;
	return 1;
}

/* The size of the .part of name to resume from, 0 for none. */
static long
part_size(const struct row *r, const char *name)
{
	struct stat st;
	char *part = concat(G.o->dir, "/.", name, ".part", (char *)NULL);
	enum fstate s = file_state(part, r->url, &st);
	free(part);
	return (s == F_OURS || s == F_UNRECORDED) && st.st_size > 0 ? (long)st.st_size : 0;
}

static int
on_headers(void *ctx, const struct http_response *resp)
{
	struct dl *d = ctx;
	struct row *r = d->r;
	struct stat st;

	d->status = resp->status;
	if (resp->status < 200 || resp->status > 299) {
		d->why = D_STATUS;
		return 1;
	}
	bool partial = resp->status == 206 && resp->range_honoured && d->range_from > 0;
	if (resp->status == 206 && !partial) {	/* a range we did not ask for */
		d->why = D_RESTART;
		return 1;
	}
	long long full = partial || resp->content_length < 0 ? -1 : resp->content_length;
	char *base = pick_base(r, resp);
	char *typed = need(fname_for_type(base, resp->content_type));
	free(base);
	d->name = claim(typed, r, full);
	free(typed);
	d->final = concat(G.o->dir, "/", d->name, (char *)NULL);
	d->part = concat(G.o->dir, "/.", d->name, ".part", (char *)NULL);
	enum fstate fs = file_state(d->final, r->url, &st);
	if (partial && (strcmp(d->name, d->hint) != 0 || fs == F_UNRECORDED)) {
		/* the range was for another name, or the file is there */
		d->why = D_RESTART;
		return 1;
	}
	if (!partial && (fs == F_OURS || fs == F_UNRECORDED) && verified(d->final, r, full, &st)) {
		d->expected = st.st_size;
		d->why = D_SKIP;
		return 1;
	}
	/* a .part of this name to resume, that this request did not ask for */
	if (!partial && d->may_resume && !(d->range_from > 0 && strcmp(d->hint, d->name) == 0) &&
	    part_size(r, d->name) > 0) {
		d->why = D_RESUME;
		return 1;
	}
	d->off = partial ? d->range_from : 0;
	d->expected = resp->content_length >= 0 ? d->off + resp->content_length : -1;
	return open_part(d, resp->content_type);
}

static int
on_body(void *ctx, const char *data, size_t len)
{
	struct dl *d = ctx;
	sha256_update(&d->sha, data, len);
	while (len > 0) {
		ssize_t n = write(d->fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			d->file_errno = errno;
			d->why = D_FILE;
			return 1;
		}
		data += n;
		len -= (size_t)n;
		d->written += n;
		if (G.progress) {
			pthread_mutex_lock(&G.mu);
			G.total_bytes += n;
			progress_locked(false);
			pthread_mutex_unlock(&G.mu);
		}
	}
	return 0;
}

static void
set_error(struct row *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
set_error(struct row *r, int code, const char *fmt, ...)
{
	char buf[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (char *p = buf; *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	free(r->status);
	r->status = concat("error: ", buf, (char *)NULL);
	r->code = code;
}

/* The reason phrase of the usual failing statuses (RFC 9110), or "". */
static const char *
reason(long status)
{
	static const struct { long code; const char *text; } t[] = {
		{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" }, { 408, "Request Timeout" },
		{ 410, "Gone" }, { 416, "Range Not Satisfiable" }, { 429, "Too Many Requests" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
		{ 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].code == status)
			return t[i].text;
	return "";
}

/* A complete .part: its digest recorded, synced, closed, renamed to its
 * final name.  0, or -1 with errno set (fd closed either way). */
static int
commit_part(struct dl *d)
{
	char hex[65];
	int e = 0;
	sha256_hex(&d->sha, hex);
	origin_set_sha256(d->fd, hex);	/* best effort, as origin_set */
	if (fsync(d->fd) != 0 && errno != EINVAL)
		e = errno;
	if (close(d->fd) != 0 && !e)
		e = errno;
	d->fd = -1;
	if (!e && rename(d->part, d->final) != 0)
		e = errno;
	errno = e;
	return e ? -1 : 0;
}

/* After one attempt: the row's result, and whether to try again (1: after
 * a pause, 2: at once). */
static int
judge(struct dl *d, enum http_err e, const char *err, int *restarts)
{
	struct row *r = d->r;
	if (e == HTTP_OK && d->fd < 0) {
		set_error(r, VT_EX_PROTOCOL, "no response");
		return 0;
	}
	if (e == HTTP_OK) {
		long long got = d->off + d->written;
		if (d->expected >= 0 && got != d->expected) {
			close(d->fd);
			set_error(r, VT_EX_UNAVAILABLE, "got %lld of %lld bytes", got, d->expected);
			return 1;
		}
		if (commit_part(d) != 0) {
			set_error(r, VT_EX_CANTCREAT, "%s: %s", d->final, strerror(errno));
			return 0;
		}
		free(r->status);
		r->status = xstrdup("ok");
		r->code = 0;
		r->bytes = got;
		return 0;
	}
	if (d->fd >= 0)
		close(d->fd);
	if (e == HTTP_ECALLBACK && d->why == D_SKIP) {
		free(r->status);
		r->status = xstrdup("skipped");
		r->code = 0;
		r->bytes = d->expected;
		return 0;
	}
	if (e == HTTP_ECALLBACK && *restarts < 3 &&
	    (d->why == D_RESTART || d->why == D_RESUME ||
	     (d->why == D_STATUS && d->status == 416 && d->range_from > 0))) {
		/* a range for another name, a .part to resume, or a stale one */
		(*restarts)++;
		return 2;
	}
	if (e == HTTP_ECALLBACK && d->why == D_STATUS) {
		set_error(r, http_status_exit(d->status), "HTTP status %ld%s%s", d->status,
			  *reason(d->status) ? " " : "", reason(d->status));
		return 0;
	}
	if (e == HTTP_ECALLBACK && d->why == D_FILE) {
		set_error(r, VT_EX_CANTCREAT, "%s: %s", d->part ? d->part : G.o->dir,
			  strerror(d->file_errno));
		return 0;
	}
	set_error(r, http_err_exit(e), "%s", err);
	/* a transfer broken after some bytes: resume it */
	return e == HTTP_ETRANSFER && d->written > 0;
}

static void
download(struct http_client *c, struct row *r)
{
	/* the name a .part may have been left under, before any header */
	char *hint = r->name_from ? fname_sanitize(xstrdup(r->name_from)) : need(fname_from_url(r->url));
	bool no_range = false;	/* the next attempt starts from zero */
	int restarts = 0;

	for (int attempt = 1;; attempt++) {
		struct dl d = { .r = r, .hint = hint, .fd = -1, .expected = -1,
				.may_resume = !no_range && restarts == 0 };
		struct http_request rq = { .method = "GET", .url = r->url };
		struct http_response resp;
		char err[400];

		if (*hint && !no_range)
			d.range_from = rq.range_from = part_size(r, hint);
		memset(&resp, 0, sizeof resp);
		enum http_err e = http_perform(c, &rq, on_headers, on_body, &d, &resp, err, sizeof err);
		int again = judge(&d, e, err, &restarts);
		/* the next attempt asks for a range of the name this one had */
		no_range = again == 2 && d.why != D_RESUME;
		if (d.name) {
			free(hint);
			hint = xstrdup(d.name);
			free(r->path);
			r->path = d.final;
			d.final = NULL;
		}
		http_response_free(&resp);
		free(d.name);
		free(d.final);
		free(d.part);
		if (again == 2) {
			attempt--;
			continue;
		}
		if (!again || attempt >= MAX_ATTEMPTS)
			break;
		struct timespec ts = { 0, 250000000L * attempt };
		nanosleep(&ts, NULL);
	}
	if (!r->path && *hint)
		r->path = concat(G.o->dir, "/", hint, (char *)NULL);
	free(hint);
}

/* ----------------------------------------------------------- workers */

static struct hostcount *
host_locked(const char *h)
{
	for (size_t i = 0; i < G.nhosts; i++)
		if (strcmp(G.hosts[i].host, h) == 0)
			return &G.hosts[i];
	struct hostcount *v = realloc(G.hosts, (G.nhosts + 1) * sizeof *v);
	if (!v)
		errx(VT_EX_SOFTWARE, "out of memory");
	G.hosts = v;
	G.hosts[G.nhosts] = (struct hostcount){ .host = xstrdup(h) };
	return &G.hosts[G.nhosts++];
}

/* The manifest rows done so far, in table order.  Once stdout fails (a
 * reader gone: `vo-get | head -1`), nothing more is written to it and the
 * downloads go on; main says so at the end. */
static void
print_locked(void)
{
	bool any = false;
	while (G.next_print < G.nrows && G.rows[G.next_print].state == R_DONE) {
		struct row *r = &G.rows[G.next_print++];
		if (G.manifest_errno)
			continue;
		if (G.progress && !any)
			fputs("\r\033[K", stderr);
		any = true;
		printf("%s\t%s\t", r->url, r->path ? r->path : "");
		if (r->bytes >= 0)
			printf("%lld", r->bytes);
		printf("\t%s\n", r->status ? r->status : "error: unknown");
	}
	if (any && (fflush(stdout) != 0 || ferror(stdout)))
		G.manifest_errno = errno ? errno : EIO;
}

/* A failed row, on stderr too: "vo-get: URL: HTTP status 401 ...". */
static void
report_locked(const struct row *r)
{
	if (!r->code)
		return;
	char *url = need(http_redact_url(r->url));
	const char *msg = r->status ? r->status : "error: unknown";
	if (strncmp(msg, "error: ", 7) == 0)
		msg += 7;
	if (G.progress)
		fputs("\r\033[K", stderr);
	/* transport errors already begin with the URL */
	size_t ul = strlen(url);
	if (strncmp(msg, url, ul) == 0 && msg[ul] == ':')
		fprintf(stderr, "vo-get: %s\n", msg);
	else
		fprintf(stderr, "vo-get: %s: %s\n", url, msg);
	free(url);
}

static void *
worker(void *arg)
{
	struct http_client *c = arg;
	size_t scan = 0;	/* rows before it are all started */

	pthread_mutex_lock(&G.mu);
	for (;;) {
		struct row *r = NULL;
		bool pending = false;
		while (scan < G.nrows && G.rows[scan].state != R_PENDING)
			scan++;
		for (size_t i = scan; i < G.nrows; i++) {
			if (G.rows[i].state != R_PENDING)
				continue;
			pending = true;
			if (host_locked(G.rows[i].host)->active < G.o->per_host) {
				r = &G.rows[i];
				break;
			}
		}
		if (!r) {
			if (!pending)
				break;
			pthread_cond_wait(&G.cv, &G.mu);
			continue;
		}
		struct hostcount *hc = host_locked(r->host);
		hc->active++;
		r->state = R_RUNNING;
		pthread_mutex_unlock(&G.mu);

		download(c, r);

		pthread_mutex_lock(&G.mu);
		host_locked(r->host)->active--;
		r->state = R_DONE;
		G.ndone++;
		report_locked(r);
		print_locked();
		progress_locked(true);
		pthread_cond_broadcast(&G.cv);
	}
	pthread_mutex_unlock(&G.mu);
	return NULL;
}

/* ------------------------------------------------------------- input */

static int
tbl_begin(void *ctx, const struct vot_table *t)
{
	struct opts *o = ctx;
	const char *col = o->column ? o->column : "access_url";
	G.url_col = G.name_col = G.len_col = -1;
	for (size_t i = 0; i < t->nfields; i++) {
		if (G.url_col < 0 && strcmp(t->fields[i].name, col) == 0)
			G.url_col = (int)i;
		if (o->name_from && G.name_col < 0 && strcmp(t->fields[i].name, o->name_from) == 0)
			G.name_col = (int)i;
		if (G.len_col < 0 && strcmp(t->fields[i].name, "content_length") == 0)
			G.len_col = (int)i;	/* DataLink's */
	}
	if (G.url_col < 0) {
		snprintf(G.msg, sizeof G.msg, "no column '%s' in the table%s", col,
			 o->column ? "" : " (name the URL column with --column)");
		return 2;
	}
	if (o->name_from && G.name_col < 0) {
		snprintf(G.msg, sizeof G.msg, "no column '%s' (--name-from) in the table",
			 o->name_from);
		return 2;
	}
	return 0;
}

static int
tbl_row(void *ctx, const struct vot_table *t, const struct vot_cell *cells)
{
	(void)ctx;
	(void)t;
	const struct vot_cell *u = &cells[G.url_col];
	if (u->null || !*u->s)
		return 0;
	if (G.nrows == G.cap) {
		G.cap = G.cap ? 2 * G.cap : 64;
		struct row *v = realloc(G.rows, G.cap * sizeof *v);
		if (!v)
			errx(VT_EX_SOFTWARE, "out of memory");
		G.rows = v;
	}
	struct row *r = &G.rows[G.nrows++];
	memset(r, 0, sizeof *r);
	r->url = xstrdup(u->s);
	for (char *p = r->url; *p; p++)	/* keep the manifest one line a row */
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	r->host = url_host(r->url);
	r->bytes = -1;
	r->want_size = -1;
	if (G.len_col >= 0 && !cells[G.len_col].null) {
		char *end;
		errno = 0;
		long long v = strtoll(cells[G.len_col].s, &end, 10);
		if (!errno && end != cells[G.len_col].s && !*end && v >= 0)
			r->want_size = v;
	}
	if (G.name_col >= 0 && !cells[G.name_col].null && *cells[G.name_col].s)
		r->name_from = xstrdup(cells[G.name_col].s);
	return 0;
}

static void
read_table(struct opts *o)
{
	const char *in = o->input;
	int fd = in && strcmp(in, "-") ? open(in, O_RDONLY) : 0;
	if (fd < 0)
		err(VT_EX_NOINPUT, "%s", in);
	size_t n = in ? strlen(in) : 0;
	enum tin_format f = n > 4 && strcasecmp(in + n - 4, ".csv") == 0 ? TIN_CSV : TIN_TSV;
	struct vot_handler h = { .ctx = o, .table_begin = tbl_begin, .row = tbl_row };
	struct tin_opts to = { .null_str = NULL };
	char msg[512];
	enum vot_err e = tin_read(fd, NULL, 0, f, &to, &h, msg, sizeof msg);
	if (fd > 0)
		close(fd);
	const char *name = in && strcmp(in, "-") ? in : "stdin";
	if (e == VOT_ECALLBACK && G.msg[0])
		errx(VT_EX_USAGE, "%s: %s", name, G.msg);
	if (e)
		errx(e == VOT_ENOMEM ? VT_EX_SOFTWARE : VT_EX_DATAERR, "%s: %s", name, msg);
}

/* -------------------------------------------------------------- main */

static int
positive(const char *s, const char *opt)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 256)
		bad_usage("%s wants a number from 1 to 256, not '%s'", opt, s);
	return (int)v;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_PERHOST = 256, O_TOKHOST, O_NET };
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "column", required_argument, NULL, 'c' },
		{ "name-from", required_argument, NULL, 'n' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "per-host", required_argument, NULL, O_PERHOST },
		{ "token-host", required_argument, NULL, O_TOKHOST },
		NET_LONGOPTS(O_NET),
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[300];
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:c:n:j:vhV", longopts, NULL)) != -1) {
		int taken = net_option(&o->net, c, O_NET, optarg, msg, sizeof msg);
		if (taken < 0)
			bad_usage("%s", msg);
		if (taken)
			continue;
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'c': o->column = optarg; break;
		case 'n': o->name_from = optarg; break;
		case 'j': o->jobs = positive(optarg, "-j"); break;
		case O_PERHOST: o->per_host = positive(optarg, "--per-host"); break;
		case O_TOKHOST: o->token_host = optarg; break;
		case 'v': o->net.verbose++; break;
		case 'h': usage(); break;
		case 'V': printf("vo-get (vo-tools) %s\n", VT_VERSION); exit(0);
		case ':':
			bad_usage("option '%s' needs an argument", argv[optind - 1]);
			break;
		default:
			bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		bad_usage("one input table at most, not %d", argc - optind);
	o->input = optind < argc ? argv[optind] : NULL;
}

int
main(int argc, char **argv)
{
	struct opts o = { .dir = ".", .jobs = 4, .per_host = 4 };
	struct cred_store cs;
	struct http_client **clients;
	char msg[600];
	struct stat st;
	int code;

	parse_args(argc, argv, &o);
	G.o = &o;
	/* the directory itself is made, not its parents: a typo should not
	 * grow a tree */
	if (mkdir(o.dir, 0777) != 0 && errno != EEXIST)
		err(VT_EX_CANTCREAT, "%s", o.dir);
	if (stat(o.dir, &st) != 0 || !S_ISDIR(st.st_mode))
		errx(VT_EX_CANTCREAT, "%s: not a directory", o.dir);
	read_table(&o);

	/* the token goes to one host: --token-host, else the first URL's */
	char *bind = NULL;
	if (o.token_host)
		bind = strstr(o.token_host, "://") ? xstrdup(o.token_host)
						   : concat("https://", o.token_host, "/", (char *)NULL);
	else if (G.nrows > 0)
		bind = xstrdup(G.rows[0].url);
	size_t nclients = (size_t)o.jobs < G.nrows ? (size_t)o.jobs : G.nrows;
	if (nclients == 0)
		nclients = 1;
	clients = xmalloc(nclients * sizeof *clients);
	code = net_setup(&o.net, bind, "vo-get", &cs, &clients[0], msg, sizeof msg);
	free(bind);
	if (code)
		errx(code, "%s", msg);
	struct http_opts ho = {
		.timeout_ms = o.net.timeout_s > 0 ? (long)(o.net.timeout_s * 1000 + 0.999) : 0,
		.verbose = o.net.verbose,
		.progname = "vo-get",
		.creds = &cs,
	};
	for (size_t i = 1; i < nclients; i++)
		if ((clients[i] = http_client_new(&ho)) == NULL)
			errx(VT_EX_SOFTWARE, "cannot set up the HTTP client (out of memory?)");

	G.progress = isatty(2) && G.nrows > 0;
	/* a reader of the manifest that goes away must not stop the
	 * downloads: EPIPE instead of the signal */
	signal(SIGPIPE, SIG_IGN);
	printf("url\tpath\tbytes\tstatus\n");
	if (fflush(stdout) != 0 || ferror(stdout))
		G.manifest_errno = errno ? errno : EIO;

	pthread_t *th = xmalloc(nclients * sizeof *th);
	size_t started = 0;
	for (size_t i = 0; i < nclients; i++) {
		if (pthread_create(&th[i], NULL, worker, clients[i]) != 0)
			break;
		started++;
	}
	if (started == 0)
		worker(clients[0]);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (G.progress)
		fputs("\r\033[K", stderr);

	code = 0;
	for (size_t i = 0; i < G.nrows; i++) {
		struct row *r = &G.rows[i];
		if (!code && r->code)
			code = r->code;
		free(r->url);
		free(r->name_from);
		free(r->host);
		free(r->path);
		free(r->status);
	}
	for (size_t i = 1; i < nclients; i++)
		http_client_free(clients[i]);
	net_free(&cs, clients[0]);
	for (size_t i = 0; i < G.nhosts; i++)
		free(G.hosts[i].host);
	for (size_t i = 0; i < G.nclaimed; i++)
		free(G.claimed[i].name);
	free(G.hosts);
	free(G.claimed);
	free(G.rows);
	free(clients);
	free(th);
	if (!G.manifest_errno && (fflush(stdout) != 0 || ferror(stdout)))
		G.manifest_errno = errno ? errno : EIO;
	if (G.manifest_errno) {
		warnx("stdout: %s: the manifest is incomplete (the downloads were all tried)",
		      strerror(G.manifest_errno));
		if (!code)
			code = VT_EX_IOERR;
	}
	return code;
}
