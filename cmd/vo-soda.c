/* vo-soda: server-side cutouts (IVOA SODA) of a dataset, or of every
 * dataset of a table. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "atomicfile.h"
#include "datalink.h"
#include "exitcode.h"
#include "fname.h"
#include "http.h"
#include "netopts.h"
#include "numfmt.h"
#include "table.h"
#include "tablein.h"
#include "version.h"
#include "vot.h"
#include "votfetch.h"

/* A cutout parameter as given: a SODA name and its value (P_RAW), or the
 * words after --circle, --band, --time, which may name input columns. */
enum pkind { P_RAW, P_CIRCLE, P_BAND, P_TIME };

struct param {
	enum pkind kind;
	char *name;
	char *value;		/* P_RAW */
	const char *option;	/* for messages: --circle ... */
	const char *arg[3];
	int nargs;
};

struct opts {
	const char *soda;		/* -s SODA_URL */
	const char *id;			/* --id ID */
	const char *datalink;		/* the DataLink URL argument */
	const char *output;
	const char *dir;		/* -d: where cutouts go */
	const char *column;		/* batch: the datasets' column */
	const char *name_from;		/* batch: file names from this column */
	int jobs;
	struct param *params;
	size_t nparams;
	struct net_cli net;
};

static char *join_path(const char *dir, const char *name);
static char *default_name_of_id(const char *id);

static void
usage(void)
{
	printf(
"usage: vo-soda [--circle RA DEC R] [--polygon RA DEC RA DEC RA DEC...] [--pos POS]\n"
"               [--band LO HI] [--time LO HI] [--pol P]... [-p NAME=VALUE]...\n"
"               [-o FILE | -d DIR] [--timeout SECS] [--token-file FILE] [-v]\n"
"               DATALINK_URL | -s SODA_URL [--id] ID\n"
"       vo-soda CUTOUT... [-d DIR] [-c COL] [--name-from COL] [-j N] [-s SODA_URL] < TABLE\n"
"A cutout of a dataset, made by the server (IVOA SODA, synchronous).  With a\n"
"DataLink URL the SODA service and the dataset's ID come from its service\n"
"descriptor, and every parameter is checked against the limits and options\n"
"the descriptor declares before anything is sent.\n"
"With a table on stdin (TSV, CSV or VOTable), one cutout per row: the rows'\n"
"DataLink URLs (access_url, or -c COL), or their IDs for -s SODA_URL\n"
"(obs_publisher_did, or -c COL), or for the SODA service a VOTable result\n"
"describes itself (as DaCHS's SSAP results do); a number of --circle, --band\n"
"or --time may be a column name instead.  A manifest goes to stdout: row,\n"
"dataset, path, bytes, status (ok, empty, or the error).\n"
"  --circle RA DEC R       degrees\n"
"  --polygon RA DEC ...    degrees, three points or more\n"
"  --pos POS               a SODA POS: 'CIRCLE ra dec r', 'RANGE ...', 'POLYGON ...'\n"
"  --band LO HI            wavelengths, metres or with a unit: 656nm, 0.5um, 6563A,\n"
"                          1.4GHz, 456THz (frequencies become wavelengths)\n"
"  --time LO HI            MJD\n"
"  --pol P                 a polarisation state (I, Q, U, V, ...); repeatable\n"
"  -p NAME=VALUE           any other parameter of the service\n"
"  -o, --output FILE       write FILE atomically (default: a name from the\n"
"                          service, or from the dataset ID)\n"
"  -d, --dir DIR           write the cutouts into DIR (default .)\n"
"  -c, --column COL        batch: the column of DataLink URLs (or IDs with -s)\n"
"      --name-from COL     batch: name each file after this column\n"
"  -j, --jobs N            batch: cutouts at once (default 4)\n"
NET_HELP
"Exit codes: 0 the cutout was written, 4 the cutout is empty (nothing of the\n"
"dataset matched), 64 a bad command line or a parameter outside the declared\n"
"limits, and those of vo-tools(7); in batch mode the code of the first row\n"
"that failed.\n");
	exit(0);
}

static struct param *
new_param(struct opts *o, enum pkind kind, const char *name)
{
	struct param *np = realloc(o->params, (o->nparams + 1) * sizeof *np);
	if (!np)
		errx(VT_EX_SOFTWARE, "out of memory");
	o->params = np;
	struct param *p = &o->params[o->nparams++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	if (!(p->name = strdup(name)))
		errx(VT_EX_SOFTWARE, "out of memory");
	return p;
}

static void
add_raw(struct opts *o, const char *name, const char *value)
{
	struct param *p = new_param(o, P_RAW, name);
	if (!(p->value = strdup(value)))
		errx(VT_EX_SOFTWARE, "out of memory");
}

/* --circle RA DEC R and the like: the next n words of argv. */
static void
add_words(struct opts *o, enum pkind kind, const char *name, const char *option,
	  int argc, char **argv, int n, const char *what)
{
	if (optind + n > argc)
		bad_usage("%s wants %s", option, what);
	struct param *p = new_param(o, kind, name);
	p->option = option;
	p->nargs = n;
	for (int k = 0; k < n; k++)
		p->arg[k] = argv[optind + k];
	optind += n;
}

static bool
looks_numeric(const char *s)
{
	char *end;
	strtod(s, &end);
	return end != s;
}

static bool
number(const char *s, double *d)
{
	char *end;
	errno = 0;
	*d = strtod(s, &end);
	return !errno && end != s && !*end && isfinite(*d);
}

/* A wavelength in metres from "656nm", "0.5um", "6563A", "1.4GHz", "2e-7". */
static bool
wavelength(const char *s, double *wl, char *msg, size_t msglen)
{
	/* per: how many of the unit make a metre (or how many Hz one unit
	 * is): dividing by an exact power of ten gives 7.1e-07 for 710nm,
	 * where multiplying by 1e-9 would give 7.100000000000001e-07 */
	static const struct { const char *unit; double per; bool freq; } units[] = {
		{ "nm", 1e9, false }, { "um", 1e6, false }, { "mm", 1e3, false },
		{ "cm", 1e2, false }, { "Angstrom", 1e10, false }, { "A", 1e10, false },
		{ "m", 1, false }, { "THz", 1e12, true }, { "GHz", 1e9, true }, { "MHz", 1e6, true },
		{ "kHz", 1e3, true }, { "Hz", 1, true },
	};
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v <= 0) {
		snprintf(msg, msglen, "--band wants positive wavelengths, not '%s'", s);
		return false;
	}
	while (*end == ' ')
		end++;
	if (!*end) {
		*wl = v;
		return true;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (!strcmp(end, units[i].unit)) {
			*wl = units[i].freq ? 299792458.0 / (v * units[i].per) : v / units[i].per;
			return true;
		}
	snprintf(msg, msglen, "--band: unknown unit '%s' (m, cm, mm, um, nm, A, Hz, kHz, MHz, GHz, THz)", end);
	return false;
}

/* The numbers joined by spaces, each in its shortest exact form, into buf
 * (room for n * NUMFMT_MAX bytes). */
static void
join_numbers(char *buf, const double *v, size_t n)
{
	char *p = buf;
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ' ';
		p += fmt_double(v[i], p);
	}
	*p = '\0';
}

/* The SODA value of a parameter, its words taken from the command line or
 * from an input row. */
static bool
param_value(const struct param *p, const char *const *words, char **value, char *msg, size_t msglen)
{
	char buf[4 * NUMFMT_MAX];
	double v[3];
	if (p->kind == P_RAW) {
		*value = strdup(p->value);
		if (!*value)
			errx(VT_EX_SOFTWARE, "out of memory");
		return true;
	}
	for (int k = 0; k < p->nargs; k++) {
		if (p->kind == P_BAND) {
			if (!wavelength(words[k], &v[k], msg, msglen))
				return false;
		} else if (!number(words[k], &v[k])) {
			snprintf(msg, msglen, "%s wants numbers, not '%s'", p->option, words[k]);
			return false;
		}
	}
	if (p->kind == P_BAND && v[0] > v[1]) {
		double t = v[0];
		v[0] = v[1];
		v[1] = t;
	}
	if (p->kind == P_CIRCLE && v[2] <= 0) {
		snprintf(msg, msglen, "--circle wants a positive radius, not '%s'", words[2]);
		return false;
	}
	join_numbers(buf, v, (size_t)p->nargs);
	if (!(*value = strdup(buf)))
		errx(VT_EX_SOFTWARE, "out of memory");
	return true;
}

/* ----------------------------------------------------------- descriptor */

struct soda {
	char *access_url;
	char *id;
	struct dl_service sv;	/* borrowed from the DataLink document */
};

/* The links table's (ID, service_def) pairs: the descriptor comes after
 * the table, so the dataset's ID is chosen once the parse is done. */
struct idrows {
	char **id, **svc;
	size_t n;
};

static int
id_row(void *ctx, const struct vot_table *t, const struct vot_cell *c)
{
	struct idrows *r = ctx;
	size_t fid = vot_field_index(t, "ID"), fsvc = vot_field_index(t, "service_def");
	if (fid == SIZE_MAX || c[fid].null)
		return 0;
	char **ni = realloc(r->id, (r->n + 1) * sizeof *ni);
	if (ni)
		r->id = ni;
	char **ns = realloc(r->svc, (r->n + 1) * sizeof *ns);
	if (ns)
		r->svc = ns;
	if (!ni || !ns)
		return -1;
	r->id[r->n] = strdup(c[fid].s);
	r->svc[r->n] = strdup(fsvc != SIZE_MAX && !c[fsvc].null ? c[fsvc].s : "");
	if (!r->id[r->n] || !r->svc[r->n])
		return -1;
	r->n++;
	return 0;
}

static void
free_idrows(struct idrows *rows)
{
	for (size_t k = 0; k < rows->n; k++) {
		free(rows->id[k]);
		free(rows->svc[k]);
	}
	free(rows->id);
	free(rows->svc);
}

/* The SODA sync descriptor of a DataLink document, and the dataset's ID.
 * Returns 0, or an exit code with a message. */
static int
find_soda(struct http_client *client, const char *url, struct vot_parser **pp, struct soda *s,
	  char *msg, size_t msglen)
{
	struct idrows rows = {0};
	struct vot_handler h = { .ctx = &rows, .row = id_row };
	struct vot_parser *p = vot_parser_new(&h);
	char why[900];
	if (!p)
		errx(VT_EX_SOFTWARE, "out of memory");
	struct http_request rq = { .method = "GET", .url = url, .idempotent = true };
	int code = votfetch(client, &rq, p, why, sizeof why);
	if (!code && vot_parser_finish(p) != VOT_OK) {
		snprintf(why, sizeof why, "%s", vot_parser_errmsg(p));
		code = VT_EX_DATAERR;
	}
	if (code) {
		snprintf(msg, msglen, "%.200s: %.300s", url, why);
		free_idrows(&rows);
		vot_parser_free(p);
		return code;
	}
	struct dl_service sv;
	if (dl_service_find(vot_parser_doc(p), "ivo://ivoa.net/std/SODA#sync", &sv)) {
		if (!(s->access_url = strdup(sv.access_url)))
			errx(VT_EX_SOFTWARE, "out of memory");
		s->sv = sv;
		const struct vot_field *idp = dl_service_input(&sv, "ID");
		if (idp && idp->value && *idp->value)
			s->id = strdup(idp->value);
		/* else the ID parameter refers (ref) to the links' ID column:
		 * the row using this service, else the first */
		for (size_t k = 0; k < rows.n && !s->id; k++)
			if (*sv.name && !strcmp(rows.svc[k], sv.name))
				s->id = strdup(rows.id[k]);
		if (!s->id && rows.n)
			s->id = strdup(rows.id[0]);
	}
	free_idrows(&rows);
	*pp = p;
	if (!s->access_url) {
		snprintf(msg, msglen, "%s: no SODA sync service in this DataLink document", url);
		return VT_EX_PROTOCOL;
	}
	if (!s->id) {
		snprintf(msg, msglen, "%s: the SODA descriptor gives no dataset ID", url);
		return VT_EX_PROTOCOL;
	}
	return 0;
}

static void
put_tsv(FILE *f, const char *s)
{
	for (; *s; s++)
		putc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}


/* ------------------------------------------------------------- download */

/* A file name made by us gets the extension of what the service sent
 * (a spectrum's cutout may be a VOTable though its ID says .fits); one the
 * user chose is kept, or only given an extension it lacks. */
enum ext_rule { EXT_KEEP, EXT_REPLACE, EXT_ADD };

struct dl {
	struct atomic_file af;
	bool open;
	const char *path;	/* -o, or the batch's name */
	const char *fallback;	/* a name from the dataset ID */
	const char *dir;	/* -d */
	char *name;		/* from Content-Disposition */
	enum ext_rule path_ext;	/* what the content type does to path's extension */
	char *content_type;
	char *target;		/* what is written */
	struct atomic_file **live;	/* where the batch's signal watcher sees af */
	long status;
	long long bytes;
	int err;
	char errbody[2048];	/* the start of an error document */
	size_t nerrbody;
};

static int
dl_headers(void *ctx, const struct http_response *r)
{
	struct dl *d = ctx;
	d->status = r->status;
	free(d->content_type);
	d->content_type = r->content_type ? strdup(r->content_type) : NULL;
	free(d->name);
	d->name = fname_from_disposition(r->content_disposition);
	return 0;
}

static int
dl_body(void *ctx, const char *data, size_t len)
{
	struct dl *d = ctx;
	if (d->status < 200 || d->status >= 300) {
		size_t n = sizeof d->errbody - d->nerrbody;
		n = len < n ? len : n;
		memcpy(d->errbody + d->nerrbody, data, n);
		d->nerrbody += n;
		return 0;
	}
	if (!d->open) {
		const char *name = d->name ? d->name : d->fallback;
		d->target = d->path ? strdup(d->path) : join_path(d->dir, name);
		if (!d->target)
			errx(VT_EX_SOFTWARE, "out of memory");
		enum ext_rule rule = d->path ? d->path_ext : d->name ? EXT_KEEP : EXT_REPLACE;
		if (rule != EXT_KEEP) {
			char *t = need(fname_with_extension(d->target, d->content_type, rule == EXT_REPLACE));
			free(d->target);
			d->target = t;
		}
		if (af_open(&d->af, d->target) < 0) {
			d->err = errno;
			return 1;
		}
		if (d->live)
			*d->live = &d->af;
		else
			af_remove_on_signal(&d->af);
		d->open = true;
	}
	while (len > 0) {
		ssize_t w = write(d->af.fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			d->err = errno;
			return 1;
		}
		data += w;
		len -= (size_t)w;
		d->bytes += w;
	}
	return 0;
}


/* A file name from an input column: safe, "soda" if nothing is left. */
static char *
safe_name(const char *s)
{
	char *name = fname_sanitize(xstrdup(s));
	if (!*name) {
		free(name);
		name = xstrdup("soda");
	}
	return name;
}

/* name with "-N" before its extension; frees name */
static char *
numbered(char *name, size_t n)
{
	char *r = need(fname_numbered(name, (long)n));
	free(name);
	return r;
}

static char *
default_name(const char *dataset)
{
	/* a DataLink URL: its ID parameter, if it has one */
	char *copy = strdup(dataset);
	if (!copy)
		errx(VT_EX_SOFTWARE, "out of memory");
	char *decoded = NULL;
	char *q = strstr(copy, "://") ? strchr(copy, '?') : NULL;
	for (char *p = q; p && !decoded; p = strchr(p + 1, '&'))
		if (!strncasecmp(p + 1, "ID=", 3))
			decoded = need(fname_pct_decode(p + 4, strcspn(p + 4, "&")));
	char *name = default_name_of_id(decoded ? decoded : copy);
	free(decoded);
	free(copy);
	return name;
}

static char *
default_name_of_id(const char *id)
{
	/* the last part of the dataset ID, made a file name */
	const char *b = id;
	for (const char *c = id; *c; c++)
		if (*c == '/' || *c == '?' || *c == '=' || *c == '#')
			b = c + 1;
	size_t n = strlen(b) + 16;
	char *name = malloc(n);
	if (!name)
		errx(VT_EX_SOFTWARE, "out of memory");
	const char *dot = strrchr(b, '.');
	if (dot && dot != b)
		snprintf(name, n, "%.*s-cutout%s", (int)(dot - b), b, dot);
	else
		snprintf(name, n, "%s-cutout.fits", *b ? b : "soda");
	if (!*fname_sanitize(name)) {
		free(name);
		name = xstrdup("soda-cutout.fits");
	}
	return name;
}

/* ---------------------------------------------------------------- a cutout */

/* The DataLink documents a batch has read, by URL: rows often share one
 * (many candidates on one image), and each is read once, also when
 * several workers want it at the same time. */
#define CACHE_MAX 256

struct cached {
	char *url;
	bool ready;		/* false while its first reader fetches it */
	struct vot_parser *doc;	/* owns what s.sv points into */
	struct soda s;
	int code;
	char msg[512];
};

struct soda_cache {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct cached v[CACHE_MAX];
	size_t n;
};

/* 1: url's outcome copied into s, code, msg; 0: not there, and the
 * caller is to fetch it and cache_fill it; -1: not there, no room. */
static int
cache_get(struct soda_cache *c, const char *url, struct soda *s, int *code, char *msg, size_t msglen)
{
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->n; i++) {
		struct cached *e = &c->v[i];
		if (strcmp(e->url, url))
			continue;
		while (!e->ready)
			pthread_cond_wait(&c->cv, &c->mu);
		*code = e->code;
		snprintf(msg, msglen, "%s", e->msg);
		*s = e->s;
		s->access_url = e->s.access_url ? strdup(e->s.access_url) : NULL;
		s->id = e->s.id ? strdup(e->s.id) : NULL;
		pthread_mutex_unlock(&c->mu);
		if ((e->s.access_url && !s->access_url) || (e->s.id && !s->id))
			errx(VT_EX_SOFTWARE, "out of memory");
		return 1;
	}
	int r = -1;
	if (c->n < CACHE_MAX) {
		struct cached *e = &c->v[c->n];
		memset(e, 0, sizeof *e);
		if ((e->url = strdup(url)) == NULL)
			errx(VT_EX_SOFTWARE, "out of memory");
		c->n++;
		r = 0;
	}
	pthread_mutex_unlock(&c->mu);
	return r;
}

/* The outcome of reading url, claimed by cache_get: the cache takes doc. */
static void
cache_fill(struct soda_cache *c, const char *url, struct vot_parser *doc, const struct soda *s,
	   int code, const char *msg)
{
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < c->n; i++) {
		struct cached *e = &c->v[i];
		if (strcmp(e->url, url) || e->ready)
			continue;
		e->doc = doc;
		e->s = *s;
		e->s.access_url = s->access_url ? strdup(s->access_url) : NULL;
		e->s.id = s->id ? strdup(s->id) : NULL;
		e->code = code;
		snprintf(e->msg, sizeof e->msg, "%s", msg);
		e->ready = true;
		break;
	}
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static void
cache_free(struct soda_cache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].url);
		free(c->v[i].s.access_url);
		free(c->v[i].s.id);
		vot_parser_free(c->v[i].doc);
	}
	c->n = 0;
}

/* What one cutout gives: a file, or why not. */
struct result {
	char *path;
	long long bytes;
	int code;
	char msg[512];
};

/* The first line of an error document: the QUERY_STATUS text of a
 * VOTable, or the first non-empty line of plain text. */
static void
error_text(const char *body, size_t len, char *out, size_t outlen)
{
	char buf[2048];
	size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
	memcpy(buf, body, n);
	buf[n] = '\0';
	char *s = buf, *q = strstr(buf, "QUERY_STATUS");
	if (q && (q = strchr(q, '>')) != NULL) {
		s = q + 1;
		char *end = strstr(s, "</INFO>");
		if (end)
			*end = '\0';
	}
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	s[strcspn(s, "\r\n")] = '\0';
	snprintf(out, outlen, "%.*s", (int)(outlen - 1), s);
}

static char *
join_path(const char *dir, const char *name)
{
	size_t n = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
	char *p = malloc(n);
	if (!p)
		errx(VT_EX_SOFTWARE, "out of memory");
	snprintf(p, n, "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
	return p;
}

/* Cut the dataset out: from its DataLink document (datalink), checking
 * every parameter against its SODA descriptor first, or from soda_url
 * with id.  values[i] is the value of params[i].  The file goes to path,
 * else to the service's name or fallback, inside dir. */
static void
cutout(struct http_client *client, const struct opts *o, const char *datalink,
       const char *soda_url, const char *id, char *const *values, const char *path,
       enum ext_rule path_ext, const char *fallback, const char *dir, struct result *res, struct atomic_file **live,
       struct soda_cache *cache, const struct dl_service *declared)
{
	struct soda s = {0};
	struct vot_parser *doc = NULL;
	memset(res, 0, sizeof *res);
	if (datalink) {
		int got = cache ? cache_get(cache, datalink, &s, &res->code, res->msg, sizeof res->msg) : -1;
		if (got != 1)
			res->code = find_soda(client, datalink, &doc, &s, res->msg, sizeof res->msg);
		if (got == 0) {
			/* failures too: the service already had its retries */
			cache_fill(cache, datalink, doc, &s, res->code, res->msg);
			doc = NULL;
		}
		for (size_t i = 0; !res->code && i < o->nparams; i++) {
			if (!dl_service_check(&s.sv, o->params[i].name, values[i], res->msg, sizeof res->msg)) {
				size_t n = strlen(res->msg);
				snprintf(res->msg + n, sizeof res->msg - n, "; nothing was sent");
				res->code = VT_EX_USAGE;
			}
		}
	} else {
		s.access_url = strdup(soda_url);
		s.id = strdup(id);
		if (!s.access_url || !s.id)
			errx(VT_EX_SOFTWARE, "out of memory");
		/* the descriptor of a result: checked as a DataLink one would be */
		for (size_t i = 0; declared && !res->code && i < o->nparams; i++)
			if (!dl_service_check(declared, o->params[i].name, values[i], res->msg, sizeof res->msg)) {
				size_t n = strlen(res->msg);
				snprintf(res->msg + n, sizeof res->msg - n, "; nothing was sent");
				res->code = VT_EX_USAGE;
			}
	}
	if (res->code) {
		free(s.access_url);
		free(s.id);
		vot_parser_free(doc);
		return;
	}

	/* GET ACCESS_URL?ID=...&NAME=VALUE... */
	char *eid = http_urlencode(s.id);
	size_t len = strlen(s.access_url) + (eid ? strlen(eid) : 0) + 8;
	char **enc = calloc(o->nparams + 1, sizeof *enc);
	if (!eid || !enc)
		errx(VT_EX_SOFTWARE, "out of memory");
	for (size_t i = 0; i < o->nparams; i++) {
		if (!(enc[i] = http_urlencode(values[i])))
			errx(VT_EX_SOFTWARE, "out of memory");
		len += strlen(o->params[i].name) + strlen(enc[i]) + 2;
	}
	char *url = malloc(len);
	if (!url)
		errx(VT_EX_SOFTWARE, "out of memory");
	size_t k = (size_t)snprintf(url, len, "%s%cID=%s", s.access_url, strchr(s.access_url, '?') ? '&' : '?', eid);
	for (size_t i = 0; i < o->nparams; i++)
		k += (size_t)snprintf(url + k, len - k, "&%s=%s", o->params[i].name, enc[i]);

	char *myfallback = fallback ? NULL : default_name(s.id);
	struct dl d = { .path = path, .path_ext = path_ext, .dir = dir, .live = live,
			.fallback = fallback ? fallback : myfallback };
	struct http_request rq = { .method = "GET", .url = url, .idempotent = true };
	struct http_response resp = {0};
	char herr[300] = "";
	enum http_err e = http_perform(client, &rq, dl_headers, dl_body, &d, &resp, herr, sizeof herr);
	if (d.err) {
		res->code = VT_EX_CANTCREAT;
		snprintf(res->msg, sizeof res->msg, "%s: %s", d.target ? d.target : "the output", strerror(d.err));
	} else if (e != HTTP_OK) {
		res->code = http_err_exit(e);
		snprintf(res->msg, sizeof res->msg, "%s", herr);
	} else if (resp.status == 204 || (resp.status == 200 && d.bytes == 0)) {
		res->code = VT_EX_EMPTY;
		snprintf(res->msg, sizeof res->msg, "the cutout is empty: nothing of %s matched", s.id);
	} else if (resp.status >= 300) {
		char why[400];
		error_text(d.errbody, d.nerrbody, why, sizeof why);
		res->code = http_status_exit(resp.status);
		snprintf(res->msg, sizeof res->msg, "%s: HTTP %ld%s%s", s.access_url, resp.status,
			 *why ? ": " : "", why);
	}
	if (d.open) {
		if (res->code) {
			af_abort(&d.af);
		} else if (af_commit(&d.af) < 0) {
			res->code = VT_EX_CANTCREAT;
			snprintf(res->msg, sizeof res->msg, "%s: %s", d.target, strerror(errno));
		}
		if (live)
			*live = NULL;
	}
	if (!res->code) {
		res->path = d.target;
		d.target = NULL;
		res->bytes = d.bytes;
	}
	http_response_free(&resp);
	for (size_t i = 0; i < o->nparams; i++)
		free(enc[i]);
	free(enc);
	free(eid);
	free(url);
	free(myfallback);
	free(d.name);
	free(d.content_type);
	free(d.target);
	free(s.access_url);
	free(s.id);
	vot_parser_free(doc);
}

/* ------------------------------------------------------------ batch mode */

/* One row of the input table: a dataset and its cutout. */
struct job {
	size_t row;		/* 1-based, as in the manifest */
	char *dataset;		/* a DataLink URL, or an ID with -s */
	char **values;		/* one per parameter */
	char *name;		/* the file name chosen from the input, or NULL */
	bool chosen;		/* name from --name-from: keep its extension */
	struct result res;
};

struct batch {
	const struct opts *o;
	struct job *jobs;
	size_t njobs;
	size_t nrows;		/* the input's data rows so far */
	size_t dataset_col, name_col, fmt_col;
	size_t *param_cols;	/* per parameter and argument: 3 * nparams */
	char msg[400];
	int code;
	/* the workers */
	pthread_mutex_t mu;
	size_t next;
	struct atomic_file **live;	/* per worker: the file being written */
	struct soda_cache *cache;
	/* a VOTable input with its own SODA descriptor (DaCHS's SSAP results
	 * have one): the service, its ID column and its declared limits */
	struct vot_parser *input_doc;
	struct dl_service sv;
	bool described;
	size_t nworkers;
};

static int
batch_begin(void *ctx, const struct vot_table *t)
{
	struct batch *b = ctx;
	const struct opts *o = b->o;
	if (t->index != 0)
		return VOT_SKIP;
	const char *col = o->column;
	if (b->described) {
		const struct vot_field *id = dl_service_input(&b->sv, "ID");
		for (size_t i = 0; i < t->nfields && !col; i++)
			if (t->fields[i].id && !strcmp(t->fields[i].id, id->ref))
				col = t->fields[i].name;
		if (!col)
			col = id->ref;
	}
	if (!col) {
		static const char *const guesses[2][3] = {
			{ "access_url", "datalink_url", "datalink" },
			{ "obs_publisher_did", "ID", "id" },
		};
		for (size_t i = 0; i < 3 && !col; i++)
			if (vot_field_index(t, guesses[o->soda != NULL][i]) != SIZE_MAX)
				col = guesses[o->soda != NULL][i];
		if (!col) {
			snprintf(b->msg, sizeof b->msg, "the input has no column of %s (name it with --column)",
				 o->soda ? "dataset IDs" : "DataLink URLs");
			b->code = VT_EX_USAGE;
			return -1;
		}
	}
	b->dataset_col = vot_field_index(t, col);
	b->fmt_col = !o->column && !o->soda && !b->described ? vot_field_index(t, "access_format") : SIZE_MAX;
	b->name_col = o->name_from ? vot_field_index(t, o->name_from) : SIZE_MAX;
	if (b->dataset_col == SIZE_MAX || (o->name_from && b->name_col == SIZE_MAX)) {
		snprintf(b->msg, sizeof b->msg, "the input has no column '%s'",
			 b->dataset_col == SIZE_MAX ? col : o->name_from);
		b->code = VT_EX_USAGE;
		return -1;
	}
	b->param_cols = calloc(3 * o->nparams + 1, sizeof *b->param_cols);
	if (!b->param_cols)
		return -1;
	for (size_t i = 0; i < o->nparams; i++)
		for (int k = 0; k < o->params[i].nargs; k++) {
			const char *w = o->params[i].arg[k];
			size_t c = SIZE_MAX;
			if (!looks_numeric(w) && (c = vot_field_index(t, w)) == SIZE_MAX) {
				snprintf(b->msg, sizeof b->msg, "%s: '%s' is neither a number nor a column of the input",
					 o->params[i].option, w);
				b->code = VT_EX_USAGE;
				return -1;
			}
			b->param_cols[3 * i + (size_t)k] = c;
		}
	return 0;
}

static int
batch_row(void *ctx, const struct vot_table *t, const struct vot_cell *c)
{
	struct batch *b = ctx;
	const struct opts *o = b->o;
	(void)t;
	b->nrows++;
	const struct vot_cell *ds = &c[b->dataset_col];
	if (ds->null || !*ds->s)
		return 0;
	/* an ObsCore table: only the rows whose access_url is a DataLink document */
	if (b->fmt_col != SIZE_MAX && !c[b->fmt_col].null && !strstr(c[b->fmt_col].s, "content=datalink"))
		return 0;
	struct job *nj = realloc(b->jobs, (b->njobs + 1) * sizeof *nj);
	if (!nj)
		return -1;
	b->jobs = nj;
	struct job *j = &b->jobs[b->njobs];
	memset(j, 0, sizeof *j);
	j->row = b->nrows;
	j->dataset = strdup(ds->s);
	j->values = calloc(o->nparams + 1, sizeof *j->values);
	if (!j->dataset || !j->values)
		return -1;
	b->njobs++;
	if (b->name_col != SIZE_MAX && !c[b->name_col].null && *c[b->name_col].s) {
		j->name = safe_name(c[b->name_col].s);
		j->chosen = true;
	}
	for (size_t i = 0; i < o->nparams && !j->res.code; i++) {
		const char *words[3];
		for (int k = 0; k < o->params[i].nargs; k++) {
			size_t col = b->param_cols[3 * i + (size_t)k];
			words[k] = col == SIZE_MAX ? o->params[i].arg[k] : c[col].null ? "" : c[col].s;
		}
		if (!param_value(&o->params[i], words, &j->values[i], j->res.msg, sizeof j->res.msg))
			j->res.code = VT_EX_DATAERR;
	}
	return 0;
}

static int
by_job_name(const void *a, const void *b)
{
	return strcmp((*(struct job *const *)a)->name, (*(struct job *const *)b)->name);
}

static void
read_batch(struct batch *b)
{
	char first[4096];
	ssize_t n;
	while ((n = read(0, first, sizeof first)) < 0 && errno == EINTR)
		;
	if (n < 0)
		err(VT_EX_IOERR, "stdin");
	if (n == 0)
		bad_usage("no dataset: give a DataLink URL, -s SODA_URL --id ID, or a table on stdin");
	size_t i = 0;
	while (i < (size_t)n && strchr(" \t\r\n", first[i]))
		i++;
	struct vot_handler h = { .ctx = b, .table_begin = batch_begin, .row = batch_row };
	char msg[300] = "";
	enum vot_err e;
	if (i < (size_t)n && first[i] == '<') {
		FILE *spool;
		e = tin_spool_votable(0, first, (size_t)n, &b->input_doc, &spool, msg, sizeof msg);
		if (!e) {
			/* the result's own SODA service, unless told otherwise */
			const struct vot_field *id;
			b->described = !b->o->soda && !b->o->column &&
				dl_service_find(vot_parser_doc(b->input_doc), "ivo://ivoa.net/std/SODA#sync", &b->sv) &&
				(id = dl_service_input(&b->sv, "ID")) != NULL && id->ref && *id->ref;
			struct vot_parser *p = vot_parser_new(&h);
			if (!p)
				errx(VT_EX_SOFTWARE, "out of memory");
			if ((e = vot_parse_fd(p, fileno(spool))) != VOT_OK)
				snprintf(msg, sizeof msg, "%s", vot_parser_errmsg(p));
			vot_parser_free(p);
			fclose(spool);
		}
	} else {
		struct tin_opts to = {0};
		e = tin_read(0, first, (size_t)n, TIN_TSV, &to, &h, msg, sizeof msg);
	}
	if (b->code)
		errx(b->code, "stdin: %s", b->msg);
	if (e)
		errx(e == VOT_ENOMEM ? VT_EX_SOFTWARE : VT_EX_DATAERR, "stdin: %s", msg);
	/* two rows wanting one name: each gets its row number */
	for (size_t a = 0; a < b->njobs; a++) {
		if (!b->jobs[a].name)
			b->jobs[a].name = default_name(b->jobs[a].dataset);
	}
	struct job **by_name = calloc(b->njobs + 1, sizeof *by_name);
	if (!by_name)
		errx(VT_EX_SOFTWARE, "out of memory");
	for (size_t a = 0; a < b->njobs; a++)
		by_name[a] = &b->jobs[a];
	qsort(by_name, b->njobs, sizeof *by_name, by_job_name);
	for (size_t a = 0; a < b->njobs;) {
		size_t e = a + 1;
		while (e < b->njobs && !strcmp(by_name[a]->name, by_name[e]->name))
			e++;
		for (size_t k = a; e - a > 1 && k < e; k++)
			by_name[k]->name = numbered(by_name[k]->name, by_name[k]->row);
		a = e;
	}
	free(by_name);
}

struct worker {
	struct batch *b;
	struct http_client *client;
	size_t index;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct batch *b = w->b;
	const struct opts *o = b->o;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		size_t i = b->next++;
		pthread_mutex_unlock(&b->mu);
		if (i >= b->njobs)
			break;
		struct job *j = &b->jobs[i];
		if (!j->res.code) {
			char *path = join_path(o->dir, j->name);
			enum ext_rule rule = j->chosen ? EXT_ADD : EXT_REPLACE;
			if (b->described)
				cutout(w->client, o, NULL, b->sv.access_url, j->dataset, j->values, path, rule,
				       NULL, NULL, &j->res, &b->live[w->index], NULL, &b->sv);
			else
				cutout(w->client, o, o->soda ? NULL : j->dataset, o->soda,
				       o->soda ? j->dataset : NULL, j->values, path, rule, NULL, NULL, &j->res,
				       &b->live[w->index], b->cache, NULL);
			free(path);
		}
		pthread_mutex_lock(&b->mu);
		const char *status = !j->res.code ? "ok" : j->res.code == VT_EX_EMPTY ? "empty" : j->res.msg;
		printf("%zu\t", j->row);
		put_tsv(stdout, j->dataset);
		putchar('\t');
		put_tsv(stdout, j->res.path ? j->res.path : "");
		printf("\t%lld\t", j->res.code ? 0 : j->res.bytes);
		put_tsv(stdout, status);
		putchar('\n');
		fflush(stdout);
		if (j->res.code && j->res.code != VT_EX_EMPTY)
			fprintf(stderr, "vo-soda: row %zu: %s\n", j->row, j->res.msg);
		pthread_mutex_unlock(&b->mu);
	}
	return NULL;
}

/* SIGINT and friends stop a batch: no worker's temporary file may stay. */
static void *
watch_signals(void *arg)
{
	struct batch *b = arg;
	sigset_t set;
	int sig;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigwait(&set, &sig) != 0)
		return NULL;
	pthread_mutex_lock(&b->mu);
	for (size_t i = 0; i < b->nworkers; i++)
		if (b->live[i] && b->live[i]->tmp)
			unlink(b->live[i]->tmp);
	_exit(128 + sig);
}

/* The batch read (read_batch), its cutouts made. */
static int
run_batch(struct batch *bp, struct http_client *first_client, const struct http_opts *ho)
{
	struct batch b = *bp;
	const struct opts *o = b.o;
	pthread_mutex_init(&b.mu, NULL);
	static struct soda_cache cache;	/* large: not on the stack */
	pthread_mutex_init(&cache.mu, NULL);
	pthread_cond_init(&cache.cv, NULL);
	b.cache = &cache;

	b.nworkers = (size_t)o->jobs < b.njobs ? (size_t)o->jobs : b.njobs;
	if (!b.nworkers)
		b.nworkers = 1;
	b.live = calloc(b.nworkers, sizeof *b.live);
	struct worker *w = calloc(b.nworkers, sizeof *w);
	pthread_t *th = calloc(b.nworkers, sizeof *th);
	if (!b.live || !w || !th)
		errx(VT_EX_SOFTWARE, "out of memory");
	for (size_t i = 0; i < b.nworkers; i++) {
		w[i] = (struct worker){ .b = &b, .index = i,
					.client = i ? http_client_new(ho) : first_client };
		if (!w[i].client)
			errx(VT_EX_SOFTWARE, "cannot set up the HTTP client (out of memory?)");
	}

	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	pthread_t watcher;
	bool watching = pthread_create(&watcher, NULL, watch_signals, &b) == 0;
	if (watching)
		pthread_detach(watcher);

	printf("row\tdataset\tpath\tbytes\tstatus\n");
	fflush(stdout);
	size_t started = 0;
	for (size_t i = 0; i < b.nworkers; i++)
		if (pthread_create(&th[i], NULL, work, &w[i]) == 0)
			started++;
		else
			break;
	if (!started)
		work(&w[0]);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);

	int code = 0;
	for (size_t i = 0; i < b.njobs; i++) {
		struct job *j = &b.jobs[i];
		if (!code && j->res.code)
			code = j->res.code;
		free(j->dataset);
		for (size_t k = 0; k < o->nparams; k++)
			free(j->values[k]);
		free(j->values);
		free(j->name);
		free(j->res.path);
	}
	if (!b.njobs)
		fprintf(stderr, "vo-soda: stdin: no datasets\n");
	for (size_t i = 1; i < b.nworkers; i++)
		http_client_free(w[i].client);
	cache_free(&cache);
	vot_parser_free(b.input_doc);
	free(b.jobs);
	free(b.param_cols);
	free(b.live);
	free(w);
	free(th);
	return b.njobs ? code : VT_EX_NOINPUT;
}

/* ------------------------------------------------------------------ main */

int
main(int argc, char **argv)
{
	enum { O_ID = 256, O_CIRCLE, O_POLYGON, O_POS, O_BAND, O_TIME, O_POL, O_NAME_FROM, O_NET };
	static const struct option longopts[] = {
		{ "service", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, O_ID },
		{ "circle", no_argument, NULL, O_CIRCLE },
		{ "polygon", no_argument, NULL, O_POLYGON },
		{ "pos", required_argument, NULL, O_POS },
		{ "band", no_argument, NULL, O_BAND },
		{ "time", no_argument, NULL, O_TIME },
		{ "pol", required_argument, NULL, O_POL },
		{ "param", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "dir", required_argument, NULL, 'd' },
		{ "column", required_argument, NULL, 'c' },
		{ "name-from", required_argument, NULL, O_NAME_FROM },
		{ "jobs", required_argument, NULL, 'j' },
		NET_LONGOPTS(O_NET),
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .jobs = 4 };
	char msg[1024];
	int c;

	opterr = 0;
	/* "+": the numbers after --circle, --band, --time are positional
	 * and taken by hand, so that negative declinations work */
	while ((c = getopt_long(argc, argv, "+:s:p:o:d:c:j:vhV", longopts, NULL)) != -1) {
		int taken = net_option(&o.net, c, O_NET, optarg, msg, sizeof msg);
		if (taken < 0)
			bad_usage("%s", msg);
		if (taken)
			continue;
		switch (c) {
		case 's': o.soda = optarg; break;
		case O_ID: o.id = optarg; break;
		case O_CIRCLE:
			add_words(&o, P_CIRCLE, "CIRCLE", "--circle", argc, argv, 3, "RA DEC R");
			break;
		case O_BAND:
			add_words(&o, P_BAND, "BAND", "--band", argc, argv, 2, "LO HI");
			break;
		case O_TIME:
			add_words(&o, P_TIME, "TIME", "--time", argc, argv, 2, "LO HI (MJD)");
			break;
		case O_POLYGON: {
			size_t n = 0, len = 0;
			char poly[4096] = "";
			for (;;) {
				char *end;
				if (optind >= argc)
					break;
				double d = strtod(argv[optind], &end);
				if (end == argv[optind] || *end)
					break;	/* not a number: the next option */
				optind++;
				if (n)
					poly[len++] = ' ';
				len += (size_t)fmt_double(d, poly + len);
				n++;
				if (len + NUMFMT_MAX + 2 >= sizeof poly)
					bad_usage("--polygon: too many points");
			}
			if (n < 6 || n % 2)
				bad_usage("--polygon wants three points or more: RA DEC RA DEC RA DEC ...");
			add_raw(&o, "POLYGON", poly);
			break;
		}
		case O_POS: add_raw(&o, "POS", optarg); break;
		case O_POL: add_raw(&o, "POL", optarg); break;
		case 'p': {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg)
				bad_usage("-p wants NAME=VALUE, not '%s'", optarg);
			char *name = strndup(optarg, (size_t)(eq - optarg));
			if (!name)
				errx(VT_EX_SOFTWARE, "out of memory");
			add_raw(&o, name, eq + 1);
			free(name);
			break;
		}
		case 'o': o.output = optarg; break;
		case 'd': o.dir = optarg; break;
		case 'c': o.column = optarg; break;
		case O_NAME_FROM: o.name_from = optarg; break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 1 || n > 64)
				bad_usage("-j wants a number from 1 to 64, not '%s'", optarg);
			o.jobs = (int)n;
			break;
		}
		case 'v': o.net.verbose++; break;
		case 'h': usage(); break;
		case 'V': printf("vo-soda (vo-tools) %s\n", VT_VERSION); exit(0);
		case ':': bad_usage("option '%s' needs an argument", argv[optind - 1]); break;
		default: bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o.datalink = argv[optind++];
	if (optind < argc)
		bad_usage("one dataset at a time (or a table of them on stdin)");
	bool batch = o.datalink ? !strcmp(o.datalink, "-") : !o.id && !isatty(0);
	if (batch)
		o.datalink = NULL;
	/* with -s, the argument is the dataset's ID: vo-soda -s SODA_URL ID */
	if (o.soda && o.datalink && !o.id) {
		o.id = o.datalink;
		o.datalink = NULL;
	}
	if (!batch && !o.datalink && !(o.soda && o.id))
		bad_usage("give a DataLink URL, -s SODA_URL --id ID, or a table of datasets on stdin");
	if (o.datalink && (o.soda || o.id))
		bad_usage("a DataLink URL or -s/--id, not both");
	if (!o.nparams)
		bad_usage("no cutout: give --circle, --polygon, --pos, --band, --time, --pol or -p");
	if (o.output && o.dir)
		bad_usage("-o FILE or -d DIR, not both");
	if (batch && o.output)
		bad_usage("-o names one file: with a table on stdin, use -d DIR");
	if (!batch && (o.column || o.name_from))
		bad_usage("%s takes a column of a table on stdin", o.column ? "--column" : "--name-from");
	if (o.dir) {
		struct stat st;
		/* the directory itself is made, not its parents: a typo should not
		 * grow a tree */
		if (mkdir(o.dir, 0777) != 0 && errno != EEXIST)
			err(VT_EX_CANTCREAT, "%s", o.dir);
		if (stat(o.dir, &st) != 0 || !S_ISDIR(st.st_mode))
			errx(VT_EX_CANTCREAT, "%s: not a directory", o.dir);
	}

	/* one dataset: the parameters are numbers now */
	char **values = NULL;
	if (!batch) {
		values = calloc(o.nparams + 1, sizeof *values);
		if (!values)
			errx(VT_EX_SOFTWARE, "out of memory");
		for (size_t i = 0; i < o.nparams; i++)
			if (!param_value(&o.params[i], o.params[i].arg, &values[i], msg, sizeof msg))
				bad_usage("%s", msg);
	}

	/* a batch is read first: the token goes to the host of its service */
	struct batch b = { .o = &o };
	const char *bind = o.datalink ? o.datalink : o.soda;
	if (batch) {
		read_batch(&b);
		if (!bind)
			bind = b.described ? b.sv.access_url : b.njobs ? b.jobs[0].dataset : NULL;
	}
	struct cred_store cs = {0};
	struct http_client *client = NULL;
	int code = net_setup(&o.net, bind, "vo-soda", &cs, &client, msg, sizeof msg);
	if (code)
		errx(code, "%s", msg);
	struct http_opts ho = {
		.timeout_ms = o.net.timeout_s > 0 ? (long)(o.net.timeout_s * 1000 + 0.999) : 0,
		.verbose = o.net.verbose,
		.progname = "vo-soda",
		.creds = &cs,
	};

	if (batch) {
		code = run_batch(&b, client, &ho);
	} else {
		struct result res;
		char *path = o.output ? strdup(o.output) : NULL;
		struct atomic_file *live = NULL;
		cutout(client, &o, o.datalink, o.soda, o.id, values, path, EXT_KEEP, NULL, o.dir, &res, &live,
		       NULL, NULL);
		code = res.code;
		if (code)
			fprintf(stderr, "vo-soda: %s\n", res.msg);
		else
			printf("%s\t%lld\n", res.path, res.bytes);
		free(res.path);
		free(path);
		for (size_t i = 0; i < o.nparams; i++)
			free(values[i]);
		free(values);
	}

	for (size_t i = 0; i < o.nparams; i++) {
		free(o.params[i].name);
		free(o.params[i].value);
	}
	free(o.params);
	net_free(&cs, client);
	return code;
}
