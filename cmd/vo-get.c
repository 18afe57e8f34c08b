/* vo-get: download the files a table points to (access_url or --column),
 * in parallel, resumable, atomically, with a manifest TSV on stdout. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
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
	enum rstate state;
	/* results */
	char *path;
	long long bytes;
	char *status;		/* "ok", "skipped", "error: ..." */
	int code;
};

struct hostcount {
	char *host;
	int active;
};

static struct {
	struct opts *o;
	struct row *rows;
	size_t nrows, cap;
	int url_col, name_col;
	char msg[300];

	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next_print, ndone;
	struct hostcount *hosts;
	size_t nhosts;
	char **claimed;
	size_t nclaimed;
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

/* With G.mu held: reserve base, or base-1, base-2... (before the first
 * dot of the name) if taken in this run. */
static char *
claim_locked(const char *base)
{
	char *cand = xstrdup(base);
	for (int k = 1;; k++) {
		size_t i;
		for (i = 0; i < G.nclaimed; i++)
			if (strcmp(G.claimed[i], cand) == 0)
				break;
		if (i == G.nclaimed)
			break;
		free(cand);
		cand = need(fname_numbered(base, k));
	}
	char **v = realloc(G.claimed, (G.nclaimed + 1) * sizeof *v);
	if (!v)
		errx(VT_EX_SOFTWARE, "out of memory");
	G.claimed = v;
	G.claimed[G.nclaimed++] = xstrdup(cand);
	return cand;
}

static char *
claim(const char *base)
{
	pthread_mutex_lock(&G.mu);
	char *s = claim_locked(base);
	pthread_mutex_unlock(&G.mu);
	return s;
}

static void
unclaim(const char *name)
{
	pthread_mutex_lock(&G.mu);
	for (size_t i = 0; i < G.nclaimed; i++)
		if (strcmp(G.claimed[i], name) == 0) {
			free(G.claimed[i]);
			G.claimed[i] = G.claimed[--G.nclaimed];
			break;
		}
	pthread_mutex_unlock(&G.mu);
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

enum outcome { D_NONE, D_SKIP, D_RESTART, D_STATUS, D_FILE };

struct dl {
	struct row *r;
	const char *tentative;	/* the name the .part was looked up under */
	long range_from;
	char *name;		/* claimed final name */
	char *final, *part;
	int fd;
	long long off;		/* bytes in the .part before this response */
	long long written;
	long long expected;	/* full size, -1 unknown */
	enum outcome why;	/* why the callback aborted */
	long status;
	int file_errno;
};

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
	/* the name: --name-from, else Content-Disposition, else the URL */
	char *base = NULL;
	if (r->name_from)
		base = fname_sanitize(xstrdup(r->name_from));
	if (!base || !*base) {
		free(base);
		base = fname_from_disposition(resp->content_disposition);
	}
	if (!base || !*base) {	/* the URL after redirects, else the table's */
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
	if (d->tentative && strcmp(base, d->tentative) == 0) {
		d->name = xstrdup(d->tentative);
	} else {
		if (d->tentative) {
			unclaim(d->tentative);
			d->tentative = NULL;
		}
		d->name = claim(base);
		if (resp->status == 206) {	/* the range was for another name */
			free(base);
			d->why = D_RESTART;
			return 1;
		}
	}
	free(base);
	d->final = concat(G.o->dir, "/", d->name, (char *)NULL);
	d->part = concat(G.o->dir, "/.", d->name, ".part", (char *)NULL);
	bool partial = resp->status == 206 && resp->range_honoured;
	d->off = partial ? d->range_from : 0;
	d->expected = resp->content_length >= 0 ? d->off + resp->content_length : -1;
	if (!partial && stat(d->final, &st) == 0 && S_ISREG(st.st_mode) &&
	    (d->expected < 0 || d->expected == st.st_size)) {
		d->expected = st.st_size;
		d->why = D_SKIP;
		return 1;
	}
	d->fd = open(d->part, O_WRONLY | O_CREAT | (partial ? O_APPEND : O_TRUNC), 0644);
	if (d->fd < 0) {
		d->file_errno = errno;
		d->why = D_FILE;
		return 1;
	}
	return 0;
}

static int
on_body(void *ctx, const char *data, size_t len)
{
	struct dl *d = ctx;
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

/* What the server says of a URL before its body. */
struct probe {
	long status;
	long long length;
	char *disposition;
};

static int
probe_headers(void *ctx, const struct http_response *resp)
{
	struct probe *p = ctx;
	p->status = resp->status;
	p->length = resp->content_length;
	if (resp->content_disposition)
		p->disposition = xstrdup(resp->content_disposition);
	return 1;	/* enough: the body is not wanted */
}

/* Complete file already there?  1 if skipped.  The size comes from the
 * headers of a GET cut short after them, not from a HEAD: some servers
 * (DaCHS 2.7 for its products) never answer HEAD. */
static int
check_existing(struct http_client *c, struct row *r, const char *name)
{
	char *final = concat(G.o->dir, "/", name, (char *)NULL);
	struct stat st;
	int skipped = 0;
	if (stat(final, &st) == 0 && S_ISREG(st.st_mode)) {
		struct http_request rq = { .method = "GET", .url = r->url };
		struct http_response resp;
		struct probe p = { .length = -1 };
		char err[300];
		memset(&resp, 0, sizeof resp);
		http_perform(c, &rq, probe_headers, NULL, &p, &resp, err, sizeof err);
		if (p.status >= 200 && p.status <= 299) {
			char *cd = r->name_from ? NULL : fname_from_disposition(p.disposition);
			bool same = !cd || strcmp(cd, name) == 0;
			/* content_length is -1 for a gzip-encoded answer */
			if (same && (p.length < 0 || p.length == st.st_size)) {
				skipped = 1;
				r->path = final;
				final = NULL;
				r->bytes = st.st_size;
				r->status = xstrdup("skipped");
			}
			free(cd);
		}
		free(p.disposition);
		http_response_free(&resp);
	}
	free(final);
	return skipped;
}

static void
download(struct http_client *c, struct row *r)
{
	char *tent = NULL;
	char *base = r->name_from ? fname_sanitize(xstrdup(r->name_from)) : need(fname_from_url(r->url));
	bool no_range = false;	/* the next attempt starts from zero */
	int restarts = 0;
	struct stat st;

	if (*base) {
		tent = claim(base);
		if (check_existing(c, r, tent)) {
			free(base);
			free(tent);
			return;
		}
	}
	free(base);

	for (int attempt = 1;; attempt++) {
		struct dl d = { .r = r, .tentative = tent, .fd = -1, .expected = -1 };
		struct http_request rq = { .method = "GET", .url = r->url };
		struct http_response resp;
		char err[400];

		if (tent && !no_range) {
			char *part = concat(G.o->dir, "/.", tent, ".part", (char *)NULL);
			if (stat(part, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
				d.range_from = rq.range_from = (long)st.st_size;
			free(part);
		}
		memset(&resp, 0, sizeof resp);
		enum http_err e = http_perform(c, &rq, on_headers, on_body, &d, &resp, err, sizeof err);
		if (d.fd >= 0) {
			if (e == HTTP_OK && fsync(d.fd) != 0 && errno != EINVAL) {
				d.file_errno = errno;
				d.why = D_FILE;
				e = HTTP_ECALLBACK;
			}
			if (close(d.fd) != 0 && e == HTTP_OK) {
				d.file_errno = errno;
				d.why = D_FILE;
				e = HTTP_ECALLBACK;
			}
		}
		/* the name the next attempt resumes under */
		if (d.name) {
			if (tent && strcmp(tent, d.name) != 0)
				unclaim(tent);
			free(tent);
			tent = xstrdup(d.name);
		}
		bool retry = false, again = false;
		no_range = false;
		if (e == HTTP_OK) {
			long long got = d.off + d.written;
			if (d.expected >= 0 && got != d.expected) {
				set_error(r, VT_EX_UNAVAILABLE, "got %lld of %lld bytes", got, d.expected);
				retry = true;
			} else if (rename(d.part, d.final) != 0) {
				set_error(r, VT_EX_CANTCREAT, "%s: %s", d.final, strerror(errno));
			} else {
				free(r->status);
				r->status = xstrdup("ok");
				r->code = 0;
				r->bytes = got;
				r->path = xstrdup(d.final);
			}
		} else if (e == HTTP_ECALLBACK && d.why == D_SKIP) {
			free(r->status);
			r->status = xstrdup("skipped");
			r->code = 0;
			r->bytes = d.expected;
			r->path = xstrdup(d.final);
		} else if (e == HTTP_ECALLBACK && restarts < 2 &&
			   (d.why == D_RESTART ||
			    (d.why == D_STATUS && d.status == 416 && d.range_from > 0))) {
			/* a range for another name, or a stale .part: from zero */
			restarts++;
			no_range = again = true;
		} else if (e == HTTP_ECALLBACK && d.why == D_STATUS) {
			set_error(r, http_status_exit(d.status), "HTTP status %ld", d.status);
		} else if (e == HTTP_ECALLBACK && d.why == D_FILE) {
			set_error(r, VT_EX_CANTCREAT, "%s: %s", d.part ? d.part : G.o->dir,
				  strerror(d.file_errno));
		} else {
			set_error(r, http_err_exit(e), "%s", err);
			/* a transfer broken after some bytes: resume it */
			retry = e == HTTP_ETRANSFER && d.written > 0;
		}
		http_response_free(&resp);
		free(d.name);
		free(d.final);
		free(d.part);
		if (again) {
			attempt--;
			continue;
		}
		if (!retry || attempt >= MAX_ATTEMPTS)
			break;
		struct timespec ts = { 0, 250000000L * attempt };
		nanosleep(&ts, NULL);
	}
	if (!r->path && tent)
		r->path = concat(G.o->dir, "/", tent, (char *)NULL);
	free(tent);
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

static void
print_locked(void)
{
	bool any = false;
	while (G.next_print < G.nrows && G.rows[G.next_print].state == R_DONE) {
		struct row *r = &G.rows[G.next_print++];
		if (G.progress && !any)
			fputs("\r\033[K", stderr);
		any = true;
		printf("%s\t%s\t", r->url, r->path ? r->path : "");
		if (r->bytes >= 0)
			printf("%lld", r->bytes);
		printf("\t%s\n", r->status ? r->status : "error: unknown");
	}
	if (any)
		fflush(stdout);
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
	G.url_col = G.name_col = -1;
	for (size_t i = 0; i < t->nfields; i++) {
		if (G.url_col < 0 && strcmp(t->fields[i].name, col) == 0)
			G.url_col = (int)i;
		if (o->name_from && G.name_col < 0 && strcmp(t->fields[i].name, o->name_from) == 0)
			G.name_col = (int)i;
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
	printf("url\tpath\tbytes\tstatus\n");
	fflush(stdout);

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
		free(G.claimed[i]);
	free(G.hosts);
	free(G.claimed);
	free(G.rows);
	free(clients);
	free(th);
	if (fflush(stdout) != 0 || ferror(stdout))
		errx(VT_EX_IOERR, "stdout: write error");
	return code;
}
