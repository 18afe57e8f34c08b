/* vo-vot: convert tables between VOTable and TSV/CSV/JSON/VOTable. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
#include "outbuf.h"
#include "table.h"
#include "tablein.h"
#include "version.h"
#include "vot.h"
#include "votfetch.h"

enum mode { M_TABLE, M_FIELDS, M_INFO };
enum input { IN_GUESS, IN_VOTABLE, IN_TSV, IN_CSV };

struct opts {
	enum tw_format format;
	enum input input;
	enum mode mode;
	const char *output;
	const char *table;	/* index or name */
	const char *columns;	/* comma-separated names */
	const char **ucds;
	size_t nucds;
	bool fail_on_overflow;
	struct tw_opts tw;
	struct net_cli net;
};

struct run {
	const struct opts *o;
	struct outbuf *ob;
	struct tw *w;
	const struct vot_parser *parser;	/* for the document so far */
	const struct vot_table *chosen;
	size_t *cols;
	size_t ncols;
	int code;				/* exit code decided in a callback */
	char msg[512];
};

static void
usage(int code)
{
	fprintf(code ? stderr : stdout,
"usage: vo-vot [-f FORMAT] [-i FORMAT] [-o FILE] [-t TABLE] [-c COLS] [--ucd UCD]\n"
"              [--fields | --info] [--meta] [--null STR] [--no-header]\n"
"              [--fail-on-overflow] [--timeout SECS] [--token-file FILE]\n"
"              [--auth bearer|basic] [--auth-user USER] [-v] [FILE | URL | -]\n"
"Convert a VOTable (file, URL or stdin) to TSV, CSV, JSON Lines or VOTable,\n"
"or a TSV/CSV table to VOTable.\n"
"  -f, --format FMT        output: tsv (default), csv, json, votable\n"
"  -i, --input-format FMT  input: votable, tsv, csv (default: guessed)\n"
"  -o, --output FILE       write FILE atomically instead of stdout\n"
"  -t, --table N|NAME      the table to convert: 0-based index or name (default 0)\n"
"  -c, --columns A,B,...   only these columns, in this order\n"
"      --ucd UCD           columns whose UCD has these atoms, e.g. 'pos.eq.ra;meta.main'\n"
"      --fields            print the table's column metadata as TSV\n"
"      --info              print the document's INFOs and PARAMs as TSV\n"
"      --meta              TSV: start with '# name datatype unit ucd' lines\n"
"      --null STR          write NULL as STR in TSV/CSV (default: empty)\n"
"      --no-header         TSV/CSV: no column-name row\n"
"      --fail-on-overflow  exit 3 if the service truncated the result\n"
"      --timeout SECS      URL input: give up after SECS seconds\n"
"      --token-file FILE   URL input: bearer token (mode 600) for the URL's host\n"
"      --auth SCHEME       bearer (default) or basic\n"
"      --auth-user USER    user for basic (default x-oauth-basic)\n"
"  -v, --verbose           trace HTTP requests on stderr (secrets redacted)\n"
"  -h, --help              this help;  -V, --version  the version\n"
"Exit codes: 0 ok, 1 service error, 3 overflow (with --fail-on-overflow),\n"
"64 usage, 65 bad data, 66 no input, 69/75/76/77 service problems; see vo-tools(7).\n");
	exit(code);
}

/* A usage error: one line, and where to read more. */
static void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vo-vot: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see vo-vot --help)\n");
	exit(VT_EX_USAGE);
}

/* ------------------------------------------------------- column choice */

static bool
ucd_matches(const char *ucd, const char *pattern)
{
	/* every ;-separated atom of the pattern is an atom of ucd
	 * (case-insensitive); an atom ending in '*' matches as a prefix */
	if (!ucd)
		return false;
	const char *a = pattern;
	while (*a) {
		const char *ae = strchr(a, ';');
		size_t alen = ae ? (size_t)(ae - a) : strlen(a);
		bool prefix = alen && a[alen - 1] == '*';
		size_t cmp = prefix ? alen - 1 : alen;
		bool found = false;
		for (const char *u = ucd; *u && !found; ) {
			const char *ue = strchr(u, ';');
			size_t ulen = ue ? (size_t)(ue - u) : strlen(u);
			while (ulen && u[0] == ' ')
				u++, ulen--;
			if (prefix ? (ulen >= cmp && !strncasecmp(u, a, cmp))
				   : (ulen == cmp && !strncasecmp(u, a, cmp)))
				found = true;
			u = ue ? ue + 1 : u + ulen;
		}
		if (alen && !found)
			return false;
		a = ae ? ae + 1 : a + alen;
	}
	return true;
}

static int
add_col(struct run *r, size_t i)
{
	for (size_t k = 0; k < r->ncols; k++)
		if (r->cols[k] == i)
			return 0;	/* chosen twice: once is enough */
	r->cols[r->ncols++] = i;
	return 0;
}

static int
choose_columns(struct run *r, const struct vot_table *t)
{
	const struct opts *o = r->o;

	if (!o->columns && !o->nucds)
		return 0;
	r->cols = calloc(t->nfields ? t->nfields : 1, sizeof *r->cols);
	if (!r->cols) {
		r->code = VT_EX_SOFTWARE;
		snprintf(r->msg, sizeof r->msg, "out of memory");
		return -1;
	}
	if (o->columns) {
		char *list = strdup(o->columns), *save = NULL;
		if (!list) {
			r->code = VT_EX_SOFTWARE;
			snprintf(r->msg, sizeof r->msg, "out of memory");
			return -1;
		}
		for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
			size_t i, hit = SIZE_MAX;
			for (i = 0; i < t->nfields && hit == SIZE_MAX; i++)
				if (!strcmp(t->fields[i].name, name))
					hit = i;
			for (i = 0; i < t->nfields && hit == SIZE_MAX; i++)
				if (!strcasecmp(t->fields[i].name, name))
					hit = i;
			if (hit == SIZE_MAX) {
				r->code = VT_EX_USAGE;
				snprintf(r->msg, sizeof r->msg, "no column '%s' in table %zu", name, t->index);
				free(list);
				return -1;
			}
			add_col(r, hit);
		}
		free(list);
	}
	for (size_t u = 0; u < o->nucds; u++) {
		size_t before = r->ncols;
		for (size_t i = 0; i < t->nfields; i++)
			if (ucd_matches(t->fields[i].ucd, o->ucds[u]))
				add_col(r, i);
		if (r->ncols == before) {
			r->code = VT_EX_USAGE;
			snprintf(r->msg, sizeof r->msg, "no column with UCD '%s' in table %zu",
				 o->ucds[u], t->index);
			return -1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ callbacks */

/* Pick the columns and start the writer on table t (doc may be NULL). */
static int
start_output(struct run *r, const struct vot_doc *d, const struct vot_table *t)
{
	if (choose_columns(r, t) < 0)
		return -1;
	r->w = tw_new(r->o->format, r->ob, &r->o->tw);
	if (!r->w || tw_begin(r->w, d, t, r->cols, r->cols ? r->ncols : t->nfields) < 0) {
		r->code = VT_EX_SOFTWARE;
		snprintf(r->msg, sizeof r->msg, "cannot start the output table");
		return -1;
	}
	return 0;
}

static bool
is_chosen(const struct opts *o, const struct vot_table *t, const struct vot_doc *d)
{
	if (!o->table)
		return t->index == 0;
	if (t->name && !strcmp(t->name, o->table))
		return true;
	if (t->id && !strcmp(t->id, o->table))
		return true;
	char *end;
	unsigned long n = strtoul(o->table, &end, 10);
	if (*end || end == o->table)
		return false;
	/* a number names a table by index unless some table has that name */
	for (size_t i = 0; i < d->ntables; i++)
		if (d->tables[i]->name && !strcmp(d->tables[i]->name, o->table))
			return false;
	return t->index == n;
}

static int
table_begin(void *ctx, const struct vot_table *t)
{
	struct run *r = ctx;
	const struct vot_doc *d = vot_parser_doc(r->parser);

	if (r->chosen || !is_chosen(r->o, t, d))
		return VOT_SKIP;
	r->chosen = t;
	if (r->o->mode != M_TABLE)
		return VOT_SKIP;
	return start_output(r, d, t);
}

static int
table_row(void *ctx, const struct vot_table *t, const struct vot_cell *cells)
{
	struct run *r = ctx;
	(void)t;
	tw_row(r->w, cells);
	/* stop early when the reader of a pipe went away */
	if (r->ob->err) {
		r->code = VT_EX_IOERR;
		snprintf(r->msg, sizeof r->msg, "write error: %s", strerror(r->ob->err));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------- --fields, --info */

static void
put(struct outbuf *ob, const char *s, char sep)
{
	if (s)
		tsv_put_escaped(ob, s, strlen(s));
	ob_putc(ob, sep);
}

static void
print_fields(struct outbuf *ob, const struct vot_table *t)
{
	ob_puts(ob, "name\tdatatype\tarraysize\tunit\tucd\tutype\txtype\tref\tID\tdescription\n");
	for (size_t i = 0; i < t->nfields; i++) {
		const struct vot_field *f = &t->fields[i];
		put(ob, f->name, '\t');
		put(ob, f->datatype, '\t');
		put(ob, f->arraysize, '\t');
		put(ob, f->unit, '\t');
		put(ob, f->ucd, '\t');
		put(ob, f->utype, '\t');
		put(ob, f->xtype, '\t');
		put(ob, f->ref, '\t');
		put(ob, f->id, '\t');
		put(ob, f->description, '\n');
	}
}

static void
info_rows(struct outbuf *ob, const char *scope, const struct vot_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put(ob, scope, '\t');
		put(ob, "INFO", '\t');
		put(ob, v[i].name, '\t');
		put(ob, v[i].value, '\t');
		put(ob, NULL, '\t');
		put(ob, NULL, '\t');
		put(ob, v[i].content, '\n');
	}
}

static void
param_rows(struct outbuf *ob, const char *scope, const struct vot_field *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put(ob, scope, '\t');
		put(ob, "PARAM", '\t');
		put(ob, v[i].name, '\t');
		put(ob, v[i].value, '\t');
		put(ob, v[i].unit, '\t');
		put(ob, v[i].ucd, '\t');
		put(ob, v[i].description, '\n');
	}
}

static void
group_rows(struct outbuf *ob, const char *scope, const struct vot_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char sub[512];
		snprintf(sub, sizeof sub, "%s/group:%s", scope,
			 g[i].name ? g[i].name : g[i].id ? g[i].id : "");
		param_rows(ob, sub, g[i].params, g[i].nparams);
		group_rows(ob, sub, g[i].groups, g[i].ngroups);
	}
}

static void
print_info(struct outbuf *ob, const struct vot_doc *d)
{
	char scope[64];

	ob_puts(ob, "scope\tkind\tname\tvalue\tunit\tucd\ttext\n");
	info_rows(ob, "votable", d->infos, d->ninfos);
	param_rows(ob, "votable", d->params, d->nparams);
	for (size_t i = 0; i < d->nresources; i++) {
		const struct vot_resource *r = &d->resources[i];
		snprintf(scope, sizeof scope, "resource:%zu", i);
		info_rows(ob, scope, r->infos, r->ninfos);
		param_rows(ob, scope, r->params, r->nparams);
		group_rows(ob, scope, r->groups, r->ngroups);
	}
	for (size_t i = 0; i < d->ntables; i++) {
		const struct vot_table *t = d->tables[i];
		snprintf(scope, sizeof scope, "table:%zu", i);
		info_rows(ob, scope, t->infos, t->ninfos);
		param_rows(ob, scope, t->params, t->nparams);
		group_rows(ob, scope, t->groups, t->ngroups);
	}
}

/* ---------------------------------------------------------------- input */

static bool
is_url(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

static enum input
guess_input(const char *name, const char *buf, size_t n)
{
	size_t i = 0;
	if (n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (i < n && buf[i] == '<')
		return IN_VOTABLE;
	if (n >= 2 && (buf[0] == 0 || buf[1] == 0 || (unsigned char)buf[0] == 0xFE ||
		       (unsigned char)buf[0] == 0xFF))
		return IN_VOTABLE;	/* UTF-16 XML, with or without a byte-order mark */
	size_t len = name ? strlen(name) : 0;
	if (len > 4 && !strcasecmp(name + len - 4, ".csv"))
		return IN_CSV;
	return IN_TSV;
}

/* Map a parser error to an exit code. */
static int
vot_exit(enum vot_err e)
{
	switch (e) {
	case VOT_OK: return 0;
	case VOT_ENOMEM: return VT_EX_SOFTWARE;
	case VOT_ECALLBACK: return VT_EX_IOERR;
	default: return VT_EX_DATAERR;
	}
}

/* ------------------------------------------------------------------ main */

static int
finish(struct run *r, const struct vot_doc *d, const char *inname)
{
	const struct opts *o = r->o;
	const char *msg = NULL;
	enum vot_status st = vot_doc_status(d, &msg);

	if (st == VOT_STATUS_ERROR) {
		warnx("%s: service error: %s", inname, msg && *msg ? msg : "(no message)");
		return VT_EX_SERVICE;
	}
	if (!r->chosen) {
		if (o->table)
			warnx("%s: no table '%s' (the document has %zu)", inname, o->table, d->ntables);
		else
			warnx("%s: the document has no TABLE", inname);
		return VT_EX_DATAERR;
	}
	if (o->mode == M_FIELDS)
		print_fields(r->ob, r->chosen);
	else if (o->mode == M_INFO)
		print_info(r->ob, d);
	else if (r->w)
		tw_end(r->w, d);
	if (st == VOT_STATUS_OVERFLOW) {
		warnx("%s%s: result truncated by the service after %lu rows (QUERY_STATUS=OVERFLOW)",
		      o->fail_on_overflow ? "" : "warning: ", inname, r->chosen->nrows);
		if (o->fail_on_overflow)
			return VT_EX_OVERFLOW;
	}
	return 0;
}

static int
convert_votable(struct run *r, int fd, const char *url, const char *inname,
		const char *first, size_t firstlen)
{
	struct vot_handler h = { .ctx = r, .table_begin = table_begin, .row = table_row };
	struct vot_parser *p = vot_parser_new(&h);
	enum vot_err e = VOT_OK;
	int code = 0;

	if (!p) {
		warnx("out of memory");
		return VT_EX_SOFTWARE;
	}
	r->parser = p;
	if (url) {
		struct cred_store cs = {0};
		struct http_client *client = NULL;
		char msg[600];
		code = net_setup(&r->o->net, url, "vo-vot", &cs, &client, msg, sizeof msg);
		if (!code) {
			struct http_request rq = { .method = "GET", .url = url };
			code = votfetch(client, &rq, p, msg, sizeof msg);
			if (!code && (e = vot_parser_finish(p)) != VOT_OK) {
				code = vot_exit(e);
				snprintf(msg, sizeof msg, "%s", vot_parser_errmsg(p));
			}
		}
		if (code) {
			if (r->code) {
				code = r->code;
				snprintf(msg, sizeof msg, "%s", r->msg);
			}
			warnx("%s: %s", inname, msg);
		}
		net_free(&cs, client);
		if (code) {
			vot_parser_free(p);
			return code;
		}
	} else {
		char buf[1 << 16];
		if (firstlen)
			e = vot_parser_feed(p, first, firstlen);
		while (!e) {
			ssize_t n = read(fd, buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				warn("%s", inname);
				vot_parser_free(p);
				return VT_EX_IOERR;
			}
			if (n == 0) {
				e = vot_parser_finish(p);
				break;
			}
			e = vot_parser_feed(p, buf, (size_t)n);
		}
		if (e) {
			if (e == VOT_ECALLBACK && r->code) {
				warnx("%s", r->msg);
				code = r->code;
			} else {
				warnx("%s: %s", inname, vot_parser_errmsg(p));
				code = vot_exit(e);
			}
			vot_parser_free(p);
			return code;
		}
	}
	code = finish(r, vot_parser_doc(p), inname);
	vot_parser_free(p);
	return code;
}

static int
tin_begin(void *ctx, const struct vot_table *t)
{
	struct run *r = ctx;
	r->chosen = t;
	if (r->o->mode == M_FIELDS) {
		print_fields(r->ob, t);
		return VOT_SKIP;
	}
	if (r->o->mode == M_INFO)
		return VOT_SKIP;
	return start_output(r, NULL, t);
}

static int
tin_end(void *ctx, const struct vot_table *t)
{
	struct run *r = ctx;
	(void)t;
	if (r->w)
		tw_end(r->w, NULL);
	return 0;
}

static int
convert_text(struct run *r, int fd, enum input in, const char *inname,
	     const char *first, size_t firstlen)
{
	struct vot_handler h = { .ctx = r, .table_begin = tin_begin, .row = table_row,
				 .table_end = tin_end };
	struct tin_opts to = { .null_str = r->o->tw.null_str };
	char msg[512];
	enum vot_err e = tin_read(fd, first, firstlen, in == IN_CSV ? TIN_CSV : TIN_TSV,
				  &to, &h, msg, sizeof msg);
	if (e) {
		if (e == VOT_ECALLBACK && r->code) {
			warnx("%s", r->msg);
			return r->code;
		}
		warnx("%s: %s", inname, msg);
		return vot_exit(e);
	}
	if (r->o->mode == M_INFO)
		ob_puts(r->ob, "scope\tkind\tname\tvalue\tunit\tucd\ttext\n");
	return 0;
}

static void
parse_args(int argc, char **argv, struct opts *o, const char **input)
{
	enum { O_UCD = 256, O_FIELDS, O_INFO, O_META, O_NULL, O_NOHEADER, O_FAILOVF,
	       O_TIMEOUT, O_TOKEN, O_AUTH, O_AUTHUSER };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "input-format", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "table", required_argument, NULL, 't' },
		{ "columns", required_argument, NULL, 'c' },
		{ "ucd", required_argument, NULL, O_UCD },
		{ "fields", no_argument, NULL, O_FIELDS },
		{ "info", no_argument, NULL, O_INFO },
		{ "meta", no_argument, NULL, O_META },
		{ "null", required_argument, NULL, O_NULL },
		{ "no-header", no_argument, NULL, O_NOHEADER },
		{ "fail-on-overflow", no_argument, NULL, O_FAILOVF },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "token-file", required_argument, NULL, O_TOKEN },
		{ "auth", required_argument, NULL, O_AUTH },
		{ "auth-user", required_argument, NULL, O_AUTHUSER },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":f:i:o:t:c:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (tw_format_parse(optarg, &o->format) < 0) {
				warnx("unknown output format '%s' (tsv, csv, json, votable)", optarg);
				exit(VT_EX_USAGE);
			}
			break;
		case 'i':
			if (!strcasecmp(optarg, "votable") || !strcasecmp(optarg, "vot") ||
			    !strcasecmp(optarg, "xml"))
				o->input = IN_VOTABLE;
			else if (!strcasecmp(optarg, "tsv"))
				o->input = IN_TSV;
			else if (!strcasecmp(optarg, "csv"))
				o->input = IN_CSV;
			else {
				warnx("unknown input format '%s' (votable, tsv, csv)", optarg);
				exit(VT_EX_USAGE);
			}
			break;
		case 'o': o->output = optarg; break;
		case 't': o->table = optarg; break;
		case 'c': o->columns = optarg; break;
		case O_UCD: {
			const char **nu = realloc(o->ucds, (o->nucds + 1) * sizeof *nu);
			if (!nu)
				err(VT_EX_SOFTWARE, "out of memory");
			o->ucds = nu;
			o->ucds[o->nucds++] = optarg;
			break;
		}
		case O_FIELDS: o->mode = M_FIELDS; break;
		case O_INFO: o->mode = M_INFO; break;
		case O_META: o->tw.meta = true; break;
		case O_NULL: o->tw.null_str = optarg; break;
		case O_NOHEADER: o->tw.no_header = true; break;
		case O_FAILOVF: o->fail_on_overflow = true; break;
		case O_TIMEOUT:
			if (net_parse_timeout(optarg, &o->net.timeout_s) < 0) {
				warnx("--timeout wants seconds, not '%s'", optarg);
				exit(VT_EX_USAGE);
			}
			break;
		case O_TOKEN: o->net.token_file = optarg; break;
		case O_AUTH: o->net.auth = optarg; break;
		case O_AUTHUSER: o->net.auth_user = optarg; break;
		case 'v': o->net.verbose++; break;
		case 'h': usage(0); break;
		case 'V': printf("vo-vot (vo-tools) %s\n", VT_VERSION); exit(0);
		case ':':
			bad_usage("option '%s' needs an argument", argv[optind - 1]);
			break;
		default:
			bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		bad_usage("one input at most, not %d", argc - optind);
	*input = optind < argc ? argv[optind] : "-";
}

int
main(int argc, char **argv)
{
	struct opts o = { .format = TW_TSV };
	struct run r = { .o = &o };
	struct outbuf ob;
	struct atomic_file af = { .fd = -1 };
	const char *input;
	char first[4096];
	size_t firstlen = 0;
	int fd = -1, code;

	parse_args(argc, argv, &o, &input);
	bool url = is_url(input);
	const char *inname = strcmp(input, "-") ? input : "stdin";

	if (!url) {
		fd = strcmp(input, "-") ? open(input, O_RDONLY) : 0;
		if (fd < 0)
			err(VT_EX_NOINPUT, "%s", input);
		if (o.input == IN_GUESS) {
			ssize_t n;
			while ((n = read(fd, first, sizeof first)) < 0 && errno == EINTR)
				;
			if (n < 0)
				err(VT_EX_IOERR, "%s", inname);
			firstlen = (size_t)n;
			o.input = guess_input(input, first, firstlen);
		}
	}
	if (o.output) {
		if (af_open(&af, o.output) < 0)
			err(VT_EX_CANTCREAT, "%s", o.output);
		af_remove_on_signal(&af);
	}
	if (ob_init(&ob, o.output ? af.fd : 1, 1 << 16) < 0)
		errx(VT_EX_SOFTWARE, "out of memory");
	r.ob = &ob;

	if (url || o.input == IN_VOTABLE || o.input == IN_GUESS)
		code = convert_votable(&r, fd, url ? input : NULL, inname, first, firstlen);
	else
		code = convert_text(&r, fd, o.input, inname, first, firstlen);

	if (r.w)
		tw_free(r.w);
	free(r.cols);
	free(o.ucds);
	if (ob_flush(&ob) < 0 && (code == 0 || code == VT_EX_OVERFLOW)) {
		warnx("write error: %s", strerror(ob.err));
		code = VT_EX_IOERR;
	}
	ob_free(&ob);
	if (fd > 0)
		close(fd);
	if (o.output) {
		/* any failure, --fail-on-overflow included, leaves no file */
		if (code == 0) {
			if (af_commit(&af) < 0) {
				warn("%s", o.output);
				code = VT_EX_CANTCREAT;
			}
		} else {
			af_abort(&af);
		}
	}
	return code;
}
