/* vo-soda: server-side cutouts (IVOA SODA) of a dataset. */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "atomicfile.h"
#include "exitcode.h"
#include "http.h"
#include "netopts.h"
#include "numfmt.h"
#include "version.h"
#include "vot.h"
#include "votfetch.h"

struct param {
	char *name;
	char *value;
};

struct opts {
	const char *soda;		/* -s SODA_URL */
	const char *id;			/* --id ID */
	const char *datalink;		/* the DataLink URL argument */
	const char *output;
	struct param *params;
	size_t nparams;
	struct net_cli net;
};

static void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "vo-soda: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see vo-soda --help)\n");
	exit(VT_EX_USAGE);
}

static void
usage(void)
{
	printf(
"usage: vo-soda [--circle RA DEC R] [--polygon RA DEC RA DEC RA DEC...] [--pos POS]\n"
"               [--band LO HI] [--time LO HI] [--pol P]... [-p NAME=VALUE]...\n"
"               [-o FILE] [--timeout SECS] [--token-file FILE] [-v]\n"
"               DATALINK_URL | -s SODA_URL --id ID\n"
"A cutout of a dataset, made by the server (IVOA SODA, synchronous).  With a\n"
"DataLink URL the SODA service and the dataset's ID come from its service\n"
"descriptor, and every parameter is checked against the limits and options\n"
"the descriptor declares before anything is sent.\n"
"  --circle RA DEC R       degrees\n"
"  --polygon RA DEC ...    degrees, three points or more\n"
"  --pos POS               a SODA POS: 'CIRCLE ra dec r', 'RANGE ...', 'POLYGON ...'\n"
"  --band LO HI            wavelengths, metres or with a unit: 656nm, 0.5um, 6563A,\n"
"                          1.4GHz (frequencies are turned into wavelengths)\n"
"  --time LO HI            MJD\n"
"  --pol P                 a polarisation state (I, Q, U, V, ...); repeatable\n"
"  -p NAME=VALUE           any other parameter of the service\n"
"  -o, --output FILE       write FILE atomically (default: a name from the\n"
"                          service, or from the dataset ID)\n"
NET_HELP
"Exit codes: 0 the cutout was written, 4 the cutout is empty (nothing of the\n"
"dataset matched), 64 a bad command line or a parameter outside the declared\n"
"limits, and those of vo-tools(7).\n");
	exit(0);
}

static void
add_param(struct opts *o, const char *name, const char *value)
{
	struct param *np = realloc(o->params, (o->nparams + 1) * sizeof *np);
	if (!np)
		errx(VT_EX_SOFTWARE, "out of memory");
	o->params = np;
	o->params[o->nparams].name = strdup(name);
	o->params[o->nparams].value = strdup(value);
	if (!o->params[o->nparams].name || !o->params[o->nparams].value)
		errx(VT_EX_SOFTWARE, "out of memory");
	o->nparams++;
}

static double
number(const char *s, const char *what)
{
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(d))
		bad_usage("%s wants numbers, not '%s'", what, s);
	return d;
}

/* A wavelength in metres from "656nm", "0.5um", "6563A", "1.4GHz", "2e-7". */
static double
wavelength(const char *s)
{
	static const struct { const char *unit; double scale; bool freq; } units[] = {
		{ "nm", 1e-9, false }, { "um", 1e-6, false }, { "mm", 1e-3, false },
		{ "cm", 1e-2, false }, { "Angstrom", 1e-10, false }, { "A", 1e-10, false },
		{ "m", 1, false }, { "GHz", 1e9, true }, { "MHz", 1e6, true },
		{ "kHz", 1e3, true }, { "Hz", 1, true },
	};
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v <= 0)
		bad_usage("--band wants positive wavelengths, not '%s'", s);
	while (*end == ' ')
		end++;
	if (!*end)
		return v;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (!strcmp(end, units[i].unit))
			return units[i].freq ? 299792458.0 / (v * units[i].scale) : v * units[i].scale;
	bad_usage("--band: unknown unit '%s' (m, cm, mm, um, nm, A, Hz, kHz, MHz, GHz)", end);
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

/* ----------------------------------------------------------- descriptor */

struct soda {
	char *access_url;
	char *id;
	struct vot_field *inputs;	/* the inputParams, borrowed from the document */
	size_t ninputs;
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
	size_t fid = SIZE_MAX, fsvc = SIZE_MAX;
	for (size_t i = 0; i < t->nfields; i++) {
		if (!strcasecmp(t->fields[i].name, "ID"))
			fid = i;
		if (!strcasecmp(t->fields[i].name, "service_def"))
			fsvc = i;
	}
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

static int
find_soda(struct http_client *client, const char *url, struct vot_parser **pp, struct soda *s)
{
	struct idrows rows = {0};
	struct vot_handler h = { .ctx = &rows, .row = id_row };
	struct vot_parser *p = vot_parser_new(&h);
	char msg[1024];
	if (!p)
		errx(VT_EX_SOFTWARE, "out of memory");
	struct http_request rq = { .method = "GET", .url = url };
	int code = votfetch(client, &rq, p, msg, sizeof msg);
	if (!code && vot_parser_finish(p) != VOT_OK) {
		snprintf(msg, sizeof msg, "%s", vot_parser_errmsg(p));
		code = VT_EX_DATAERR;
	}
	if (code)
		errx(code, "%s: %s", url, msg);
	const struct vot_doc *d = vot_parser_doc(p);
	for (size_t i = 0; i < d->nresources && !s->access_url; i++) {
		const struct vot_resource *res = &d->resources[i];
		if (!res->type || strcmp(res->type, "meta") || !res->utype || strcasecmp(res->utype, "adhoc:service"))
			continue;
		const char *std = NULL, *acc = NULL;
		for (size_t k = 0; k < res->nparams; k++) {
			if (!strcmp(res->params[k].name, "standardID"))
				std = res->params[k].value;
			if (!strcmp(res->params[k].name, "accessURL"))
				acc = res->params[k].value;
		}
		if (!std || strncasecmp(std, "ivo://ivoa.net/std/SODA#sync", 28) || !acc)
			continue;
		s->access_url = strdup(acc);
		for (size_t g = 0; g < res->ngroups; g++)
			if (res->groups[g].name && !strcmp(res->groups[g].name, "inputParams")) {
				s->inputs = res->groups[g].params;
				s->ninputs = res->groups[g].nparams;
			}
		for (size_t k = 0; k < s->ninputs; k++)
			if (!strcasecmp(s->inputs[k].name, "ID") && s->inputs[k].value && *s->inputs[k].value)
				s->id = strdup(s->inputs[k].value);
		if (!s->id) {
			/* the ID parameter refers (ref) to the links' ID column:
			 * the row using this service, else the first */
			for (size_t k = 0; k < rows.n && !s->id; k++)
				if (res->id && !strcmp(rows.svc[k], res->id))
					s->id = strdup(rows.id[k]);
			if (!s->id && rows.n)
				s->id = strdup(rows.id[0]);
		}
	}
	if (!s->access_url)
		errx(VT_EX_PROTOCOL, "%s: no SODA sync service in this DataLink document", url);
	if (!s->id)
		errx(VT_EX_PROTOCOL, "%s: the SODA descriptor gives no dataset ID", url);
	for (size_t k = 0; k < rows.n; k++) {
		free(rows.id[k]);
		free(rows.svc[k]);
	}
	free(rows.id);
	free(rows.svc);
	*pp = p;
	return 0;
}

static const struct vot_field *
input(const struct soda *s, const char *name)
{
	for (size_t i = 0; i < s->ninputs; i++)
		if (!strcasecmp(s->inputs[i].name, name))
			return &s->inputs[i];
	return NULL;
}

/* Split a value into up to n numbers; returns how many. */
static size_t
numbers(const char *s, double *v, size_t n)
{
	size_t k = 0;
	while (s && *s && k < n) {
		char *end;
		double d = strtod(s, &end);
		if (end == s)
			break;
		v[k++] = d;
		s = end;
	}
	return k;
}

static double
sky_distance(double ra1, double de1, double ra2, double de2)
{
	double r = M_PI / 180;
	double c = sin(de1 * r) * sin(de2 * r) + cos(de1 * r) * cos(de2 * r) * cos((ra1 - ra2) * r);
	return acos(c > 1 ? 1 : c < -1 ? -1 : c) / r;
}

/* Check one parameter against what the descriptor declares.  Returns
 * false with a message naming the limit. */
static bool
check(const struct soda *s, const struct param *p, char *msg, size_t msglen)
{
	const struct vot_field *f = input(s, p->name);
	if (!f) {
		snprintf(msg, msglen, "the service takes no parameter %s", p->name);
		return false;
	}
	const struct vot_values *v = &f->values;
	if (v->noptions) {
		for (size_t i = 0; i < v->noptions; i++)
			if (v->options[i].value && !strcmp(v->options[i].value, p->value))
				return true;
		snprintf(msg, msglen, "%s=%s is not one of the values the service declares", p->name, p->value);
		return false;
	}
	double want[8], lo[8], hi[8];
	size_t nw = numbers(p->value, want, 8);
	size_t nl = numbers(v->min, lo, 8), nh = numbers(v->max, hi, 8);
	if (f->xtype && !strcmp(f->xtype, "circle") && nw == 3 && nh == 3) {
		/* the declared maximum is the circle covering the data */
		double d = sky_distance(want[0], want[1], hi[0], hi[1]);
		if (d > hi[2] + want[2]) {
			snprintf(msg, msglen, "CIRCLE %s does not reach the dataset (the service declares it "
				 "within %s; the centres are %.4g deg apart)", p->value, v->max, d);
			return false;
		}
		return true;
	}
	if (nw == 2 && ((nl == 2 && want[1] < lo[0]) || (nh == 2 && want[0] > hi[1]))) {
		/* an interval (BAND, TIME, RA, DEC): it must overlap the declared one */
		snprintf(msg, msglen, "%s %s is outside the declared range %s .. %s", p->name, p->value,
			 v->min ? v->min : "", v->max ? v->max : "");
		return false;
	}
	if (nw == 1 && ((nl >= 1 && want[0] < lo[0]) || (nh >= 1 && want[0] > hi[nh - 1]))) {
		snprintf(msg, msglen, "%s=%s is outside the declared range %s .. %s", p->name, p->value,
			 v->min ? v->min : "", v->max ? v->max : "");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------- download */

struct dl {
	struct atomic_file af;
	bool open;
	const char *path;
	const char *fallback;	/* a name from the dataset ID */
	char *name;		/* from Content-Disposition */
	long status;
	long long bytes;
	int err;
};

static int
dl_headers(void *ctx, const struct http_response *r)
{
	struct dl *d = ctx;
	d->status = r->status;
	if (r->content_disposition) {
		const char *f = strstr(r->content_disposition, "filename=");
		if (f) {
			f += 9;
			if (*f == '"')
				f++;
			size_t n = strcspn(f, "\";");
			d->name = strndup(f, n);
			/* no directories, no hidden files */
			for (char *c = d->name; c && *c; c++)
				if (*c == '/')
					*c = '_';
			while (d->name && d->name[0] == '.')
				memmove(d->name, d->name + 1, strlen(d->name));
		}
	}
	return 0;
}

static int
dl_body(void *ctx, const char *data, size_t len)
{
	struct dl *d = ctx;
	if (d->status < 200 || d->status >= 300)
		return 0;
	if (!d->open) {
		const char *path = d->path ? d->path : d->name && *d->name ? d->name : d->fallback;
		if (af_open(&d->af, path) < 0) {
			d->err = errno;
			return 1;
		}
		af_remove_on_signal(&d->af);
		d->path = path;
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

static char *
default_name(const char *id)
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
	for (char *c = name; *c; c++)
		if (*c == '/' || (unsigned char)*c < 0x20)
			*c = '_';
	while (name[0] == '.')
		memmove(name, name + 1, strlen(name));
	return name;
}

/* ------------------------------------------------------------------ main */

int
main(int argc, char **argv)
{
	enum { O_ID = 256, O_CIRCLE, O_POLYGON, O_POS, O_BAND, O_TIME, O_POL, O_NET };
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
		NET_LONGOPTS(O_NET),
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {0};
	char msg[1024], buf[512];
	int c;

	opterr = 0;
	/* "+": the numbers after --circle, --band, --time are positional
	 * and taken by hand, so that negative declinations work */
	while ((c = getopt_long(argc, argv, "+:s:p:o:vhV", longopts, NULL)) != -1) {
		int taken = net_option(&o.net, c, O_NET, optarg, msg, sizeof msg);
		if (taken < 0)
			bad_usage("%s", msg);
		if (taken)
			continue;
		switch (c) {
		case 's': o.soda = optarg; break;
		case O_ID: o.id = optarg; break;
		case O_CIRCLE: {
			if (optind + 3 > argc)
				bad_usage("--circle wants RA DEC R");
			double v[3] = { number(argv[optind], "--circle"), number(argv[optind + 1], "--circle"),
					number(argv[optind + 2], "--circle") };
			join_numbers(buf, v, 3);
			add_param(&o, "CIRCLE", buf);
			optind += 3;
			break;
		}
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
			add_param(&o, "POLYGON", poly);
			break;
		}
		case O_POS: add_param(&o, "POS", optarg); break;
		case O_BAND: {
			if (optind + 2 > argc)
				bad_usage("--band wants LO HI");
			double a = wavelength(argv[optind]), b = wavelength(argv[optind + 1]);
			double v[2] = { a < b ? a : b, a < b ? b : a };
			join_numbers(buf, v, 2);
			add_param(&o, "BAND", buf);
			optind += 2;
			break;
		}
		case O_TIME: {
			if (optind + 2 > argc)
				bad_usage("--time wants LO HI (MJD)");
			double v[2] = { number(argv[optind], "--time"), number(argv[optind + 1], "--time") };
			join_numbers(buf, v, 2);
			add_param(&o, "TIME", buf);
			optind += 2;
			break;
		}
		case O_POL: add_param(&o, "POL", optarg); break;
		case 'p': {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg)
				bad_usage("-p wants NAME=VALUE, not '%s'", optarg);
			char *name = strndup(optarg, (size_t)(eq - optarg));
			if (!name)
				errx(VT_EX_SOFTWARE, "out of memory");
			add_param(&o, name, eq + 1);
			free(name);
			break;
		}
		case 'o': o.output = optarg; break;
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
		bad_usage("one dataset at a time");
	if (!o.datalink && !(o.soda && o.id))
		bad_usage("give a DataLink URL, or -s SODA_URL --id ID");
	if (o.datalink && (o.soda || o.id))
		bad_usage("a DataLink URL or -s/--id, not both");
	if (!o.nparams)
		bad_usage("no cutout: give --circle, --polygon, --pos, --band, --time, --pol or -p");

	struct cred_store cs = {0};
	struct http_client *client = NULL;
	int code = net_setup(&o.net, o.datalink ? o.datalink : o.soda, "vo-soda", &cs, &client, msg, sizeof msg);
	if (code)
		errx(code, "%s", msg);

	struct soda s = {0};
	struct vot_parser *doc = NULL;
	if (o.datalink) {
		find_soda(client, o.datalink, &doc, &s);
		for (size_t i = 0; i < o.nparams; i++)
			if (!check(&s, &o.params[i], msg, sizeof msg))
				errx(VT_EX_USAGE, "%s; nothing was sent", msg);
	} else {
		s.access_url = strdup(o.soda);
		s.id = strdup(o.id);
	}

	/* GET ACCESS_URL?ID=...&NAME=VALUE... */
	size_t len = strlen(s.access_url) + 16;
	char *eid = http_urlencode(s.id);
	len += strlen(eid) + 4;
	char **enc = calloc(o.nparams ? o.nparams : 1, sizeof *enc);
	for (size_t i = 0; i < o.nparams; i++) {
		enc[i] = http_urlencode(o.params[i].value);
		len += strlen(o.params[i].name) + strlen(enc[i]) + 2;
	}
	char *url = malloc(len);
	if (!url || !eid)
		errx(VT_EX_SOFTWARE, "out of memory");
	size_t k = (size_t)snprintf(url, len, "%s%cID=%s", s.access_url, strchr(s.access_url, '?') ? '&' : '?', eid);
	for (size_t i = 0; i < o.nparams; i++)
		k += (size_t)snprintf(url + k, len - k, "&%s=%s", o.params[i].name, enc[i]);

	char *fallback = o.output ? NULL : default_name(s.id);
	struct dl d = { .path = o.output, .fallback = fallback };
	struct http_request rq = { .method = "GET", .url = url };
	struct http_response resp = {0};
	char herr[300] = "";
	enum http_err e = http_perform(client, &rq, dl_headers, dl_body, &d, &resp, herr, sizeof herr);
	if (d.err) {
		code = VT_EX_CANTCREAT;
		snprintf(msg, sizeof msg, "%s: %s", d.path ? d.path : "the output", strerror(d.err));
	} else if (e != HTTP_OK) {
		code = http_err_exit(e);
		snprintf(msg, sizeof msg, "%s", herr);
	} else if (resp.status == 204 || (resp.status == 200 && d.bytes == 0)) {
		code = VT_EX_EMPTY;
		snprintf(msg, sizeof msg, "the cutout is empty: nothing of %s matched", s.id);
	} else if (resp.status >= 300) {
		code = http_status_exit(resp.status);
		snprintf(msg, sizeof msg, "%s: HTTP %ld", s.access_url, resp.status);
	}
	if (d.open) {
		if (code) {
			af_abort(&d.af);
		} else if (af_commit(&d.af) < 0) {
			code = VT_EX_CANTCREAT;
			snprintf(msg, sizeof msg, "%s: %s", d.path, strerror(errno));
		}
	}
	if (code)
		fprintf(stderr, "vo-soda: %s\n", msg);
	else
		printf("%s\t%lld\n", d.path, d.bytes);

	http_response_free(&resp);
	for (size_t i = 0; i < o.nparams; i++) {
		free(enc[i]);
		free(o.params[i].name);
		free(o.params[i].value);
	}
	free(enc);
	free(o.params);
	free(eid);
	free(url);
	free(fallback);
	free(d.name);
	free(s.access_url);
	free(s.id);
	vot_parser_free(doc);
	net_free(&cs, client);
	return code;
}
