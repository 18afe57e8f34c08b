/* vo-datalink: the related products of datasets, from DataLink services. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "datalink.h"
#include "exitcode.h"
#include "http.h"
#include "netopts.h"
#include "output.h"
#include "services.h"
#include "table.h"
#include "tablein.h"
#include "version.h"
#include "vot.h"
#include "votfetch.h"

#define BATCH 100	/* IDs per request: services cap what they take */

struct opts {
	const char *links;		/* -s LINKS_URL */
	const char **ids;
	size_t nids;
	const char **semantics;
	size_t nsemantics;
	const char *content_type;
	const char **keep;
	size_t nkeep;
	const char *column;
	const char *output;
	bool services;
	int follow;			/* depth to follow nested DataLink documents */
	struct net_cli net;
	char **urls;
	int nurls;
};

/* One URL to fetch, with the kept values of the row it came from. */
struct todo {
	char *url;
	char **kept;
	int depth;
};

struct run {
	struct opts *o;
	struct http_client *client;
	struct outbuf *ob;
	/* the output columns: the first links document's fields */
	char **cols;
	size_t ncols;
	bool header_done;
	/* per document */
	const struct vot_parser *parser;
	size_t *map;			/* output column -> field index, SIZE_MAX absent */
	size_t f_id, f_url, f_err, f_sem, f_type;
	char **kept;
	int depth;
	struct todo *more;		/* --follow */
	size_t nmore;
	unsigned long errors, rows;
	int code;
};

static void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "vo-datalink: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see vo-datalink --help)\n");
	exit(VT_EX_USAGE);
}

static void
usage(void)
{
	printf(
"usage: vo-datalink [-s LINKS_URL --id ID...] [--semantics TERM]... [--content-type TYPE]\n"
"                   [--keep COL]... [--column COL] [--services] [--follow[=DEPTH]]\n"
"                   [-o FILE] [--timeout SECS] [--token-file FILE] [-v] [URL...]\n"
"The links of datasets, from DataLink documents: given as URLs, as IDs of\n"
"a links service (-s, --id), or on stdin as a table with a column of\n"
"DataLink URLs (access_url where access_format says datalink, or --column).\n"
"Writes the links as TSV: ID, access_url, service_def, error_message,\n"
"semantics, description, content_type, content_length and any other\n"
"columns the service gives.  Links with an error_message go to stderr.\n"
"  -s, --service URL       a DataLink links endpoint, with --id\n"
"      --id ID             a dataset identifier (repeatable; batched)\n"
"      --semantics TERM    only links of TERM or a narrower term (#preview\n"
"                          matches #preview-image; repeatable)\n"
"      --content-type TYPE only links whose content type starts with TYPE\n"
"      --keep COL          put column COL of the input row before each link\n"
"      --column COL        the input column holding DataLink URLs\n"
"      --services          list the service descriptors and their parameters\n"
"      --follow[=DEPTH]    also read links that are DataLink documents (depth 3)\n"
"  -o, --output FILE       write FILE atomically instead of stdout\n"
NET_HELP
"  -h, --help;  -V, --version\n");
	exit(0);
}

static void *
grow(void *v, size_t n, size_t size)
{
	void *nv = realloc(v, (n + 1) * size);
	if (!nv)
		errx(VT_EX_SOFTWARE, "out of memory");
	return nv;
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		errx(VT_EX_SOFTWARE, "out of memory");
	return d;
}

static void
put_field(struct outbuf *ob, const char *s, bool first)
{
	if (!first)
		ob_putc(ob, '\t');
	if (s)
		tsv_put_escaped(ob, s, strlen(s));
}

/* ---------------------------------------------------------- the links */

static size_t
field_index(const struct vot_table *t, const char *name)
{
	for (size_t i = 0; i < t->nfields; i++)
		if (t->fields[i].name && !strcasecmp(t->fields[i].name, name))
			return i;
	return SIZE_MAX;
}

static int
links_begin(void *ctx, const struct vot_table *t)
{
	struct run *r = ctx;
	if (t->index != 0)
		return VOT_SKIP;	/* the links are the first table */
	if (!r->cols) {
		r->ncols = t->nfields;
		r->cols = calloc(t->nfields ? t->nfields : 1, sizeof *r->cols);
		if (!r->cols)
			return -1;
		for (size_t i = 0; i < t->nfields; i++)
			r->cols[i] = xstrdup(t->fields[i].name);
	}
	free(r->map);
	r->map = calloc(r->ncols ? r->ncols : 1, sizeof *r->map);
	if (!r->map)
		return -1;
	for (size_t i = 0; i < r->ncols; i++)
		r->map[i] = field_index(t, r->cols[i]);
	r->f_id = field_index(t, "ID");
	r->f_url = field_index(t, "access_url");
	r->f_err = field_index(t, "error_message");
	r->f_sem = field_index(t, "semantics");
	r->f_type = field_index(t, "content_type");
	if (r->f_url == SIZE_MAX || r->f_sem == SIZE_MAX) {
		fprintf(stderr, "vo-datalink: not a DataLink document (no access_url or semantics column)\n");
		r->code = VT_EX_PROTOCOL;
		return -1;
	}
	if (!r->header_done && !r->o->services) {
		bool first = true;
		for (size_t k = 0; k < r->o->nkeep; k++, first = false)
			put_field(r->ob, r->o->keep[k], first);
		for (size_t i = 0; i < r->ncols; i++, first = false)
			put_field(r->ob, r->cols[i], first);
		ob_putc(r->ob, '\n');
		r->header_done = true;
	}
	return r->o->services ? VOT_SKIP : 0;
}

static const char *
cell(const struct vot_cell *c, size_t i)
{
	return i == SIZE_MAX || c[i].null ? "" : c[i].s;
}

static int
links_row(void *ctx, const struct vot_table *t, const struct vot_cell *c)
{
	struct run *r = ctx;
	const struct opts *o = r->o;
	(void)t;

	const char *err = cell(c, r->f_err);
	if (*err) {
		fprintf(stderr, "vo-datalink: %s: %s\n", cell(c, r->f_id), err);
		r->errors++;
		return 0;
	}
	const char *sem = cell(c, r->f_sem);
	const char *type = cell(c, r->f_type);
	if (r->depth < o->follow && strstr(type, "content=datalink") && *cell(c, r->f_url)) {
		r->more = grow(r->more, r->nmore, sizeof *r->more);
		r->more[r->nmore++] = (struct todo){ .url = xstrdup(cell(c, r->f_url)),
						     .kept = r->kept, .depth = r->depth + 1 };
	}
	if (o->nsemantics) {
		bool ok = false;
		for (size_t i = 0; i < o->nsemantics && !ok; i++)
			ok = dl_semantics_match(sem, o->semantics[i]);
		if (!ok)
			return 0;
	}
	if (o->content_type && strncasecmp(type, o->content_type, strlen(o->content_type)))
		return 0;
	bool first = true;
	for (size_t k = 0; k < o->nkeep; k++, first = false)
		put_field(r->ob, r->kept ? r->kept[k] : "", first);
	for (size_t i = 0; i < r->ncols; i++, first = false)
		put_field(r->ob, cell(c, r->map[i]), first);
	ob_putc(r->ob, '\n');
	r->rows++;
	return r->ob->err ? -1 : 0;
}

/* --services: each service descriptor and its input parameters. */
static void
print_services(struct run *r, const struct vot_doc *d)
{
	static bool header;
	if (!header) {
		ob_puts(r->ob, "service\tstandardID\taccessURL\tparam\tdatatype\tarraysize\tunit\tucd\tmin\tmax\toptions\tref\tvalue\n");
		header = true;
	}
	for (size_t i = 0; i < d->nresources; i++) {
		const struct vot_resource *res = &d->resources[i];
		if (!res->type || strcmp(res->type, "meta") || !res->utype ||
		    strcasecmp(res->utype, "adhoc:service"))
			continue;
		const char *std = "", *url = "";
		for (size_t k = 0; k < res->nparams; k++) {
			if (!strcmp(res->params[k].name, "standardID") && res->params[k].value)
				std = res->params[k].value;
			if (!strcmp(res->params[k].name, "accessURL") && res->params[k].value)
				url = res->params[k].value;
		}
		const char *name = res->id ? res->id : res->name ? res->name : "";
		for (size_t g = 0; g < res->ngroups; g++) {
			const struct vot_group *grp = &res->groups[g];
			if (!grp->name || strcmp(grp->name, "inputParams"))
				continue;
			for (size_t k = 0; k < grp->nparams; k++) {
				const struct vot_field *f = &grp->params[k];
				char options[1024] = "";
				size_t n = 0;
				for (size_t x = 0; x < f->values.noptions && n + 2 < sizeof options; x++)
					n += (size_t)snprintf(options + n, sizeof options - n, "%s%s", x ? "|" : "",
							      f->values.options[x].value ? f->values.options[x].value : "");
				const char *fields[] = { name, std, url, f->name, f->datatype, f->arraysize,
							 f->unit, f->ucd, f->values.min, f->values.max, options,
							 f->ref, f->value };
				for (size_t x = 0; x < 13; x++)
					put_field(r->ob, fields[x], x == 0);
				ob_putc(r->ob, '\n');
			}
		}
	}
}

/* Fetch one links document (GET url, or POST form to it) into the output. */
static int
fetch_links(struct run *r, const char *url, const char *const *form)
{
	struct vot_handler h = { .ctx = r, .table_begin = links_begin, .row = links_row };
	struct vot_parser *p = vot_parser_new(&h);
	char msg[1024];

	if (!p)
		errx(VT_EX_SOFTWARE, "out of memory");
	r->parser = p;
	struct http_request rq = { .method = form ? "POST" : "GET", .url = url, .form = form,
				   .idempotent = true };
	int code = votfetch(r->client, &rq, p, msg, sizeof msg);
	if (!code && vot_parser_finish(p) != VOT_OK) {
		snprintf(msg, sizeof msg, "%s", vot_parser_errmsg(p));
		code = VT_EX_DATAERR;
	}
	if (code && r->code)
		code = r->code;
	if (!code) {
		const char *smsg = NULL;
		if (vot_doc_status(vot_parser_doc(p), &smsg) == VOT_STATUS_ERROR) {
			snprintf(msg, sizeof msg, "service error: %s", smsg);
			code = VT_EX_SERVICE;
		} else if (r->o->services) {
			print_services(r, vot_parser_doc(p));
		}
	}
	if (code)
		fprintf(stderr, "vo-datalink: %s: %s\n", url, msg);
	vot_parser_free(p);
	r->parser = NULL;
	return code;
}

/* ---------------------------------------------------------- the input */

/* A table on stdin: a column of DataLink URLs, and the kept columns. */
struct input {
	struct run *r;
	size_t url_col, fmt_col;
	size_t *keep_cols;
	struct todo *todo;
	size_t ntodo;
	char msg[300];
	int code;
};

static int
input_begin(void *ctx, const struct vot_table *t)
{
	struct input *in = ctx;
	const struct opts *o = in->r->o;
	const char *col = o->column ? o->column : "access_url";
	in->url_col = field_index(t, col);
	in->fmt_col = o->column ? SIZE_MAX : field_index(t, "access_format");
	if (in->url_col == SIZE_MAX) {
		snprintf(in->msg, sizeof in->msg, "the input has no column '%s'%s", col,
			 o->column ? "" : " (name the URL column with --column)");
		in->code = VT_EX_USAGE;
		return -1;
	}
	in->keep_cols = calloc(o->nkeep ? o->nkeep : 1, sizeof *in->keep_cols);
	for (size_t k = 0; k < o->nkeep; k++) {
		in->keep_cols[k] = field_index(t, o->keep[k]);
		if (in->keep_cols[k] == SIZE_MAX) {
			snprintf(in->msg, sizeof in->msg, "--keep: the input has no column '%s'", o->keep[k]);
			in->code = VT_EX_USAGE;
			return -1;
		}
	}
	return 0;
}

static int
input_row(void *ctx, const struct vot_table *t, const struct vot_cell *c)
{
	struct input *in = ctx;
	const struct opts *o = in->r->o;
	(void)t;
	const char *url = cell(c, in->url_col);
	if (!*url)
		return 0;
	/* an ObsCore table: only the rows whose access_url is a links
	 * document (others point at the data itself) */
	if (in->fmt_col != SIZE_MAX && !strstr(cell(c, in->fmt_col), "content=datalink"))
		return 0;
	char **kept = NULL;
	if (o->nkeep) {
		kept = calloc(o->nkeep, sizeof *kept);
		if (!kept)
			return -1;
		for (size_t k = 0; k < o->nkeep; k++)
			kept[k] = xstrdup(cell(c, in->keep_cols[k]));
	}
	in->todo = grow(in->todo, in->ntodo, sizeof *in->todo);
	in->todo[in->ntodo++] = (struct todo){ .url = xstrdup(url), .kept = kept };
	return 0;
}

static int
read_input(struct run *r, struct input *in)
{
	char first[4096];
	ssize_t n;
	while ((n = read(0, first, sizeof first)) < 0 && errno == EINTR)
		;
	if (n < 0)
		errx(VT_EX_IOERR, "stdin: %s", strerror(errno));
	size_t i = 0;
	while (i < (size_t)n && (first[i] == ' ' || first[i] == '\n' || first[i] == '\r' || first[i] == '\t'))
		i++;
	struct vot_handler h = { .ctx = in, .table_begin = input_begin, .row = input_row };
	in->r = r;
	if (i < (size_t)n && first[i] == '<') {
		struct vot_parser *p = vot_parser_new(&h);
		enum vot_err e = p ? vot_parser_feed(p, first, (size_t)n) : VOT_ENOMEM;
		char buf[1 << 16];
		ssize_t k;
		while (!e && (k = read(0, buf, sizeof buf)) > 0)
			e = vot_parser_feed(p, buf, (size_t)k);
		if (!e)
			e = vot_parser_finish(p);
		if (e && !in->code) {
			snprintf(in->msg, sizeof in->msg, "stdin: %s", vot_parser_errmsg(p));
			in->code = VT_EX_DATAERR;
		}
		vot_parser_free(p);
	} else {
		char msg[200];
		struct tin_opts to = {0};
		enum vot_err e = tin_read(0, first, (size_t)n, TIN_TSV, &to, &h, msg, sizeof msg);
		if (e && !in->code) {
			snprintf(in->msg, sizeof in->msg, "stdin: %s", msg);
			in->code = VT_EX_DATAERR;
		}
	}
	if (in->code)
		errx(in->code, "%s", in->msg);
	free(in->keep_cols);
	return 0;
}

/* --------------------------------------------------------------- main */

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_ID = 256, O_SEM, O_TYPE, O_KEEP, O_COLUMN, O_SERVICES, O_FOLLOW, O_NET };
	static const struct option longopts[] = {
		{ "service", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, O_ID },
		{ "semantics", required_argument, NULL, O_SEM },
		{ "content-type", required_argument, NULL, O_TYPE },
		{ "keep", required_argument, NULL, O_KEEP },
		{ "column", required_argument, NULL, O_COLUMN },
		{ "services", no_argument, NULL, O_SERVICES },
		{ "follow", optional_argument, NULL, O_FOLLOW },
		{ "output", required_argument, NULL, 'o' },
		NET_LONGOPTS(O_NET),
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[300];
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:o:vhV", longopts, NULL)) != -1) {
		int taken = net_option(&o->net, c, O_NET, optarg, msg, sizeof msg);
		if (taken < 0)
			bad_usage("%s", msg);
		if (taken)
			continue;
		switch (c) {
		case 's': o->links = optarg; break;
		case O_ID:
			o->ids = grow(o->ids, o->nids, sizeof *o->ids);
			o->ids[o->nids++] = optarg;
			break;
		case O_SEM:
			o->semantics = grow(o->semantics, o->nsemantics, sizeof *o->semantics);
			o->semantics[o->nsemantics++] = optarg;
			if (optarg[0] == '#' && !dl_semantics_known(optarg))
				fprintf(stderr, "vo-datalink: warning: %s is not in the datalink/core "
					"vocabulary; only exact matches\n", optarg);
			break;
		case O_TYPE: o->content_type = optarg; break;
		case O_KEEP:
			o->keep = grow(o->keep, o->nkeep, sizeof *o->keep);
			o->keep[o->nkeep++] = optarg;
			break;
		case O_COLUMN: o->column = optarg; break;
		case O_SERVICES: o->services = true; break;
		case O_FOLLOW: {
			o->follow = 3;
			if (optarg) {
				char *end;
				long d = strtol(optarg, &end, 10);
				if (*end || d < 0 || d > 10)
					bad_usage("--follow wants a depth from 0 to 10, not '%s'", optarg);
				o->follow = (int)d;
			}
			break;
		}
		case 'o': o->output = optarg; break;
		case 'v': o->net.verbose++; break;
		case 'h': usage(); break;
		case 'V': printf("vo-datalink (vo-tools) %s\n", VT_VERSION); exit(0);
		case ':': bad_usage("option '%s' needs an argument", argv[optind - 1]); break;
		default: bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	o->urls = argv + optind;
	o->nurls = argc - optind;
	if (o->nids && !o->links)
		bad_usage("--id needs the links service: -s LINKS_URL");
	if (o->links && !o->nids)
		bad_usage("-s LINKS_URL needs --id ID");
	if (o->nkeep && (o->nurls || o->nids))
		bad_usage("--keep takes columns of an input table on stdin");
}

int
main(int argc, char **argv)
{
	struct opts o = {0};
	struct run r = { .o = &o };
	struct input in = {0};
	struct output out;
	char msg[1024];
	int code = 0, worst = 0;

	parse_args(argc, argv, &o);
	if (!o.nurls && !o.nids) {
		if (isatty(0))
			bad_usage("no input: give DataLink URLs, -s LINKS_URL --id ID, or a table on stdin");
		read_input(&r, &in);
	}
	const char *first = o.links ? o.links : o.nurls ? o.urls[0] : in.ntodo ? in.todo[0].url : NULL;
	struct cred_store cs = {0};
	code = net_setup(&o.net, first, "vo-datalink", &cs, &r.client, msg, sizeof msg);
	if (code)
		errx(code, "%s", msg);
	if ((code = output_open(&out, o.output, msg, sizeof msg)) != 0)
		errx(code, "%s", msg);
	r.ob = &out.ob;

	/* the links service with IDs: batched POSTs of repeated ID */
	for (size_t i = 0; i < o.nids; i += BATCH) {
		size_t n = o.nids - i < BATCH ? o.nids - i : BATCH;
		const char **form = calloc(2 * n + 1, sizeof *form);
		if (!form)
			errx(VT_EX_SOFTWARE, "out of memory");
		for (size_t k = 0; k < n; k++) {
			form[2 * k] = "ID";
			form[2 * k + 1] = o.ids[i + k];
		}
		if ((code = fetch_links(&r, o.links, form)) != 0 && !worst)
			worst = code;
		free(form);
	}
	for (int i = 0; i < o.nurls; i++)
		if ((code = fetch_links(&r, o.urls[i], NULL)) != 0 && !worst)
			worst = code;
	for (size_t i = 0; i < in.ntodo; i++) {
		r.kept = in.todo[i].kept;
		if ((code = fetch_links(&r, in.todo[i].url, NULL)) != 0 && !worst)
			worst = code;
	}
	/* --follow: nested links documents, breadth first, bounded depth */
	for (size_t i = 0; i < r.nmore; i++) {
		r.kept = r.more[i].kept;
		r.depth = r.more[i].depth;
		if ((code = fetch_links(&r, r.more[i].url, NULL)) != 0 && !worst)
			worst = code;
	}
	if (!r.header_done && !o.services && !worst) {
		/* nothing fetched had a links table */
		worst = VT_EX_PROTOCOL;
		fprintf(stderr, "vo-datalink: no links found\n");
	}
	int final = output_close(&out, worst, msg, sizeof msg);
	if (final != worst)
		fprintf(stderr, "vo-datalink: %s\n", msg);

	for (size_t i = 0; i < in.ntodo; i++) {
		free(in.todo[i].url);
		for (size_t k = 0; in.todo[i].kept && k < o.nkeep; k++)
			free(in.todo[i].kept[k]);
		free(in.todo[i].kept);
	}
	free(in.todo);
	for (size_t i = 0; i < r.nmore; i++)
		free(r.more[i].url);
	free(r.more);
	for (size_t i = 0; i < r.ncols; i++)
		free(r.cols[i]);
	free(r.cols);
	free(r.map);
	free(o.ids);
	free(o.semantics);
	free(o.keep);
	net_free(&cs, r.client);
	return final;
}
