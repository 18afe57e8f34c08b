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

#include "cli.h"
#include "exitcode.h"
#include "http.h"
#include "netopts.h"
#include "outbuf.h"
#include "output.h"
#include "table.h"
#include "tabout.h"
#include "tablein.h"
#include "version.h"
#include "vot.h"
#include "votfetch.h"

enum mode { M_TABLE, M_FIELDS, M_INFO };
enum input { IN_GUESS, IN_VOTABLE, IN_TSV, IN_CSV };

struct opts {
	enum input input;
	enum mode mode;
	const char *output;
	bool fail_on_overflow;
	struct tabout_opts out;
	struct net_cli net;
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
"  -i, --input-format FMT  input: votable, tsv, csv (default: guessed)\n"
"  -o, --output FILE       write FILE atomically instead of stdout\n"
"  -t, --table N|NAME      the table to convert: 0-based index or name (default 0)\n"
TABOUT_HELP
"      --fields            print the table's column metadata as TSV\n"
"      --info              print the document's INFOs and PARAMs as TSV\n"
"      --fail-on-overflow  exit 3 if the service truncated the result\n"
"  URL input:\n"
NET_HELP
"  -h, --help              this help;  -V, --version  the version\n"
"Exit codes: 0 ok, 1 service error, 3 overflow (with --fail-on-overflow),\n"
"64 usage, 65 bad data, 66 no input, 69/75/76/77 service problems; see vo-tools(7).\n");
	exit(code);
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

/* After the document: the listing asked for, or the end of the table, and
 * the judgement of QUERY_STATUS. */
static int
finish(const struct opts *o, struct tabout *t, const struct vot_doc *d, const char *inname)
{
	char msg[600];
	bool overflow;
	int code = tabout_finish(t, d, &overflow, msg, sizeof msg);

	if (code) {
		warnx("%s: %s%s", inname, code == VT_EX_SERVICE ? "service error: " : "", msg);
		return code;
	}
	if (o->mode == M_FIELDS)
		print_fields(t->ob, t->chosen);
	else if (o->mode == M_INFO)
		print_info(t->ob, d);
	if (overflow) {
		warnx("%s%s: result truncated by the service after %lu rows (QUERY_STATUS=OVERFLOW)",
		      o->fail_on_overflow ? "" : "warning: ", inname, t->chosen->nrows);
		if (o->fail_on_overflow)
			return VT_EX_OVERFLOW;
	}
	return 0;
}

/* An error decided while writing: about the data (a value the output
 * cannot carry), named with the input, or about the command line. */
static int
output_failed(const struct tabout *t, const char *inname)
{
	if (t->code == VT_EX_DATAERR)
		warnx("%s: %s", inname, t->msg);
	else
		warnx("%s", t->msg);
	return t->code;
}

/* The error of a stopped parse: a callback's own, or the parser's. */
static int
parse_failed(struct tabout *t, struct vot_parser *p, enum vot_err e, const char *inname)
{
	if (e == VOT_ECALLBACK && t->code)
		return output_failed(t, inname);
	warnx("%s: %s", inname, vot_parser_errmsg(p));
	return vot_exit(e);
}

static int
convert_votable(const struct opts *o, struct tabout *t, int fd, const char *url,
		const char *inname, const char *first, size_t firstlen)
{
	struct vot_handler h = tabout_handler(t);
	struct vot_parser *p = vot_parser_new(&h);
	enum vot_err e = VOT_OK;
	int code = 0;

	if (!p) {
		warnx("out of memory");
		return VT_EX_SOFTWARE;
	}
	tabout_attach(t, p);
	if (url) {
		struct cred_store cs = {0};
		struct http_client *client = NULL;
		char msg[600];
		code = net_setup(&o->net, url, "vo-vot", &cs, &client, msg, sizeof msg);
		if (!code) {
			struct http_request rq = { .method = "GET", .url = url };
			code = votfetch(client, &rq, p, msg, sizeof msg);
			if (!code && (e = vot_parser_finish(p)) != VOT_OK) {
				code = vot_exit(e);
				snprintf(msg, sizeof msg, "%s", vot_parser_errmsg(p));
			}
		}
		if (code) {
			if (t->code) {
				code = t->code;
				snprintf(msg, sizeof msg, "%s", t->msg);
			}
			/* network errors name the URL already */
			size_t n = strlen(inname);
			if (strncmp(msg, inname, n) == 0 && msg[n] == ':')
				warnx("%s", msg);
			else
				warnx("%s: %s", inname, msg);
		}
		net_free(&cs, client);
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
		if (e)
			code = parse_failed(t, p, e, inname);
	}
	if (!code)
		code = finish(o, t, vot_parser_doc(p), inname);
	vot_parser_free(p);
	return code;
}

static int
convert_text(const struct opts *o, struct tabout *t, int fd, const char *inname,
	     const char *first, size_t firstlen)
{
	struct vot_handler h = tabout_text_handler(t);
	struct tin_opts to = { .null_str = o->out.tw.null_str };
	char msg[512];
	enum vot_err e = tin_read(fd, first, firstlen, o->input == IN_CSV ? TIN_CSV : TIN_TSV,
				  &to, &h, msg, sizeof msg);
	if (e) {
		if (e == VOT_ECALLBACK && t->code)
			return output_failed(t, inname);
		warnx("%s: %s", inname, msg);
		return vot_exit(e);
	}
	if (o->mode == M_FIELDS && t->chosen)
		print_fields(t->ob, t->chosen);
	else if (o->mode == M_INFO)
		ob_puts(t->ob, "scope\tkind\tname\tvalue\tunit\tucd\ttext\n");
	return 0;
}

static void
parse_args(int argc, char **argv, struct opts *o, const char **input)
{
	enum { O_FIELDS = 256, O_INFO, O_FAILOVF, O_NET, O_OUT = O_NET + NET_NLONGOPTS };
	static const struct option longopts[] = {
		TABOUT_LONGOPTS(O_OUT),
		{ "input-format", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "table", required_argument, NULL, 't' },
		{ "fields", no_argument, NULL, O_FIELDS },
		{ "info", no_argument, NULL, O_INFO },
		{ "fail-on-overflow", no_argument, NULL, O_FAILOVF },
		NET_LONGOPTS(O_NET),
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[300];
	int c;

	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":f:i:o:t:c:vhV", longopts, NULL)) != -1) {
		int taken = net_option(&o->net, c, O_NET, optarg, msg, sizeof msg);
		if (!taken)
			taken = tabout_option(&o->out, c, O_OUT, optarg, msg, sizeof msg);
		if (taken < 0)
			bad_usage("%s", msg);
		if (taken)
			continue;
		switch (c) {
		case 'i':
			if (!strcasecmp(optarg, "votable") || !strcasecmp(optarg, "vot") ||
			    !strcasecmp(optarg, "xml"))
				o->input = IN_VOTABLE;
			else if (!strcasecmp(optarg, "tsv"))
				o->input = IN_TSV;
			else if (!strcasecmp(optarg, "csv"))
				o->input = IN_CSV;
			else
				bad_usage("unknown input format '%s' (votable, tsv, csv)", optarg);
			break;
		case 'o': o->output = optarg; break;
		case 't': o->out.table = optarg; break;
		case O_FIELDS: o->mode = M_FIELDS; break;
		case O_INFO: o->mode = M_INFO; break;
		case O_FAILOVF: o->fail_on_overflow = true; break;
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
	struct opts o = { .out.format = TW_TSV };
	struct output out;
	struct tabout t;
	const char *input;
	char first[4096], msg[600];
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
	o.out.no_rows = o.mode != M_TABLE;
	if ((code = output_open(&out, o.output, msg, sizeof msg)) != 0)
		errx(code, "%s", msg);
	tabout_init(&t, &o.out, &out.ob);

	if (url || o.input == IN_VOTABLE || o.input == IN_GUESS)
		code = convert_votable(&o, &t, fd, url ? input : NULL, inname, first, firstlen);
	else
		code = convert_text(&o, &t, fd, inname, first, firstlen);

	tabout_free(&t);
	tabout_opts_free(&o.out);
	if (fd > 0)
		close(fd);
	int final = output_close(&out, code, msg, sizeof msg);
	if (final != code)
		warnx("%s", msg);
	return final;
}
