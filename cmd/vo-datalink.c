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

#include "cli.h"
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
	const char **follow_sem;	/* --follow-semantics: follow these too */
	size_t nfollow_sem;
	struct net_cli net;
	char **urls;
	int nurls;
};

/* One URL to fetch, or one ID for the links service, with the kept
 * values of the row it came from. */
struct todo {
	char *url;
	char *id;
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
	const struct todo *batch;	/* IDs sent in one POST: kept values by ID */
	size_t nbatch;
	bool *answered;			/* per batch entry: the service gave links */
	const char *retry_id;		/* one ID asked again: its links, whatever ID they name */
	bool quiet;			/* fetch_links: keep errors to errmsg */
	char errmsg[512];
	int depth;
	struct todo *more;		/* --follow */
	size_t nmore;
	unsigned long errors, rows;
	int code;
};

static void
usage(void)
{
	printf(
"usage: vo-datalink [-s LINKS_URL --id ID...] [--semantics TERM]... [--content-type TYPE]\n"
"                   [--keep COL]... [--column COL] [--services] [--follow[=DEPTH]]\n"
"                   [--follow-semantics TERM]...\n"
"                   [-o FILE] [--timeout SECS] [--token-file FILE] [-v] [URL...]\n"
"The links of datasets, from DataLink documents: given as URLs, as IDs of\n"
"a links service (-s, --id), or on stdin as a table: a VOTable whose DataLink\n"
"service descriptor names its ID column, or a table with a column of DataLink\n"
"URLs (access_url where access_format says datalink, or --column).\n"
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
"      --follow-semantics TERM  follow the links of TERM whatever their content\n"
"                          type (ESO's calSelector associations); repeatable\n"
"  -o, --output FILE       write FILE atomically instead of stdout\n"
NET_HELP
"  -h, --help;  -V, --version\n");
	exit(0);
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

static int
links_begin(void *ctx, const struct vot_table *t)
{
	struct run *r = ctx;
	if (t->index != 0)
		return VOT_SKIP;	/* the links are the first table */
	if (!r->cols) {
		/* DataLink's columns in the standard's order, whatever order the
		 * service uses, so that scripts can count on them; then the
		 * service's others (DataLink 1.1's, ESO's eso_category...) */
		static const char *const standard[] = {
			"ID", "access_url", "service_def", "error_message", "semantics",
			"description", "content_type", "content_length",
		};
		size_t nstd = sizeof standard / sizeof standard[0];
		r->cols = calloc(nstd + t->nfields, sizeof *r->cols);
		if (!r->cols)
			return -1;
		for (size_t i = 0; i < nstd; i++)
			r->cols[r->ncols++] = xstrdup(standard[i]);
		for (size_t i = 0; i < t->nfields; i++) {
			bool std = false;
			for (size_t k = 0; k < nstd && !std; k++)
				std = t->fields[i].name && !strcasecmp(t->fields[i].name, standard[k]);
			if (!std && t->fields[i].name)
				r->cols[r->ncols++] = xstrdup(t->fields[i].name);
		}
	}
	free(r->map);
	r->map = calloc(r->ncols ? r->ncols : 1, sizeof *r->map);
	if (!r->map)
		return -1;
	for (size_t i = 0; i < r->ncols; i++)
		r->map[i] = vot_field_index(t, r->cols[i]);
	r->f_id = vot_field_index(t, "ID");
	r->f_url = vot_field_index(t, "access_url");
	r->f_err = vot_field_index(t, "error_message");
	r->f_sem = vot_field_index(t, "semantics");
	r->f_type = vot_field_index(t, "content_type");
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

static void
put_link(struct run *r, const struct vot_cell *c, char **kept)
{
	bool first = true;
	for (size_t k = 0; k < r->o->nkeep; k++, first = false)
		put_field(r->ob, kept ? kept[k] : "", first);
	for (size_t i = 0; i < r->ncols; i++, first = false)
		put_field(r->ob, cell(c, r->map[i]), first);
	ob_putc(r->ob, '\n');
	r->rows++;
}

static int
links_row(void *ctx, const struct vot_table *t, const struct vot_cell *c)
{
	struct run *r = ctx;
	const struct opts *o = r->o;
	(void)t;

	char **kept = r->kept;
	const char *id = r->retry_id ? r->retry_id : cell(c, r->f_id);
	for (size_t i = 0; r->batch && i < r->nbatch; i++)
		if (!strcmp(r->batch[i].id, id)) {
			r->answered[i] = true;
			if (kept == r->kept)
				kept = r->batch[i].kept;
		}
	const char *err = cell(c, r->f_err);
	if (*err) {
		fprintf(stderr, "vo-datalink: %s: %s\n", cell(c, r->f_id), err);
		r->errors++;
		return 0;
	}
	const char *sem = cell(c, r->f_sem);
	const char *type = cell(c, r->f_type);
	bool follow = strstr(type, "content=datalink") != NULL;
	for (size_t i = 0; i < o->nfollow_sem && !follow; i++)
		follow = dl_semantics_match(sem, o->follow_sem[i]);
	/* each nested document once per input row: self-links end here */
	for (size_t i = 0; i < r->nmore && follow; i++)
		if (r->more[i].kept == kept && !strcmp(r->more[i].url, cell(c, r->f_url)))
			follow = false;
	if (r->depth < o->follow && follow && *cell(c, r->f_url)) {
		r->more = grow(r->more, r->nmore, sizeof *r->more);
		r->more[r->nmore++] = (struct todo){ .url = xstrdup(cell(c, r->f_url)),
						     .kept = kept, .depth = r->depth + 1 };
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
	if (!r->batch || !o->nkeep) {
		put_link(r, c, r->kept);
		return r->ob->err ? -1 : 0;
	}
	/* a batch of IDs: the link goes with every input row of its ID */
	bool matched = false;
	for (size_t i = 0; i < r->nbatch; i++)
		if (!strcmp(r->batch[i].id, id)) {
			put_link(r, c, r->batch[i].kept);
			matched = true;
		}
	if (!matched)
		put_link(r, c, NULL);
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
	struct dl_service sv;
	size_t pos = 0;
	while (dl_service_next(d, &pos, &sv)) {
		for (size_t k = 0; k < sv.ninputs; k++) {
			const struct vot_field *f = &sv.inputs[k];
			char options[1024] = "";
			size_t n = 0;
			for (size_t x = 0; x < f->values.noptions && n + 2 < sizeof options; x++)
				n += (size_t)snprintf(options + n, sizeof options - n, "%s%s", x ? "|" : "",
						      f->values.options[x].value ? f->values.options[x].value : "");
			const char *fields[] = { sv.name, sv.standard_id, sv.access_url, f->name, f->datatype,
						 f->arraysize, f->unit, f->ucd, f->values.min, f->values.max,
						 options, f->ref, f->value };
			tsv_put_row(r->ob, fields, sizeof fields / sizeof fields[0]);
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
	if (code && !r->quiet)
		fprintf(stderr, "vo-datalink: %s: %s\n", url, msg);
	snprintf(r->errmsg, sizeof r->errmsg, "%.500s", code ? msg : "");
	vot_parser_free(p);
	r->parser = NULL;
	return code;
}

/* ---------------------------------------------------------- the input */

/* A table on stdin: a column of DataLink URLs, or of IDs for the links
 * service its descriptor names, and the kept columns. */
struct input {
	struct run *r;
	char *links_url;		/* from the descriptor: url_col holds IDs */
	char *id_ref;			/* the ID parameter's ref: a FIELD's ID */
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
	if (t->index != 0)
		return VOT_SKIP;
	in->url_col = vot_field_index(t, col);
	in->fmt_col = o->column ? SIZE_MAX : vot_field_index(t, "access_format");
	if (in->links_url) {
		in->url_col = SIZE_MAX;
		in->fmt_col = SIZE_MAX;
		for (size_t i = 0; i < t->nfields && in->url_col == SIZE_MAX; i++)
			if (t->fields[i].id && !strcmp(t->fields[i].id, in->id_ref))
				in->url_col = i;
		if (in->url_col == SIZE_MAX)
			in->url_col = vot_field_index(t, in->id_ref);
	}
	if (in->url_col == SIZE_MAX) {
		snprintf(in->msg, sizeof in->msg, "the input has no column '%s'%s", col,
			 o->column ? "" : " (name the URL column with --column)");
		in->code = VT_EX_USAGE;
		return -1;
	}
	in->keep_cols = calloc(o->nkeep ? o->nkeep : 1, sizeof *in->keep_cols);
	for (size_t k = 0; k < o->nkeep; k++) {
		in->keep_cols[k] = vot_field_index(t, o->keep[k]);
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
	in->todo[in->ntodo++] = in->links_url ? (struct todo){ .id = xstrdup(url), .kept = kept }
					      : (struct todo){ .url = xstrdup(url), .kept = kept };
	return 0;
}

/* The DataLink service descriptor of a result: a links service and the
 * column its ID parameter refers to (the way pyVO's iter_datalinks goes). */
static bool
links_descriptor(const struct vot_doc *d, struct input *in)
{
	struct dl_service sv;
	size_t pos = 0;
	while (dl_service_next(d, &pos, &sv)) {
		const struct vot_field *id = dl_service_input(&sv, "ID");
		if (!strncasecmp(sv.standard_id, "ivo://ivoa.net/std/DataLink#links", 33) &&
		    *sv.access_url && id && id->ref && *id->ref) {
			in->links_url = xstrdup(sv.access_url);
			in->id_ref = xstrdup(id->ref);
			return true;
		}
	}
	return false;
}

/* A VOTable on stdin: its document first, since the descriptor may come
 * after the table; then the rows. */
static void
read_votable_input(struct input *in, const char *first, size_t n)
{
	struct vot_parser *p;
	FILE *spool;
	char msg[300];
	enum vot_err e = tin_spool_votable(0, first, n, &p, &spool, msg, sizeof msg);
	if (e)
		errx(e == VOT_ENOMEM ? VT_EX_SOFTWARE : VT_EX_DATAERR, "stdin: %s", msg);
	if (!in->r->o->column)
		links_descriptor(vot_parser_doc(p), in);
	vot_parser_free(p);

	struct vot_handler h = { .ctx = in, .table_begin = input_begin, .row = input_row };
	if ((p = vot_parser_new(&h)) == NULL)
		errx(VT_EX_SOFTWARE, "out of memory");
	if (vot_parse_fd(p, fileno(spool)) != VOT_OK && !in->code) {
		snprintf(in->msg, sizeof in->msg, "stdin: %s", vot_parser_errmsg(p));
		in->code = VT_EX_DATAERR;
	}
	vot_parser_free(p);
	fclose(spool);
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
		read_votable_input(in, first, (size_t)n);
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

/* IDs of a batch the service said nothing about, one GET each: some
 * services take one ID per request (DaCHS's ObsCore forwarder redirects
 * a batch to the first ID's own service), others cut batches short. */
static void
retry_unanswered(struct run *r, const char *links_url, int *worst)
{
	for (size_t k = 0; k < r->nbatch; k++) {
		bool dup = false;
		for (size_t j = 0; j < k && !dup; j++)
			dup = !strcmp(r->batch[j].id, r->batch[k].id);
		if (r->answered[k] || dup)
			continue;
		/* a GET, so that a redirect keeps the ID */
		char *eid = http_urlencode(r->batch[k].id);
		size_t len = strlen(links_url) + (eid ? strlen(eid) : 0) + 8;
		char *url = malloc(len);
		if (!eid || !url)
			errx(VT_EX_SOFTWARE, "out of memory");
		snprintf(url, len, "%s%cID=%s", links_url, strchr(links_url, '?') ? '&' : '?', eid);
		r->retry_id = r->batch[k].id;
		int code = fetch_links(r, url, NULL);
		r->retry_id = NULL;
		free(url);
		free(eid);
		if (code && !*worst)
			*worst = code;
		if (!code && !r->answered[k])
			fprintf(stderr, "vo-datalink: %s: the service gave no links\n", r->batch[k].id);
		/* the service is gone: the other IDs would fail the same way */
		if (code == VT_EX_UNAVAILABLE || code == VT_EX_TEMPFAIL || code == VT_EX_NOPERM)
			break;
	}
}

/* --------------------------------------------------------------- main */

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_ID = 256, O_SEM, O_TYPE, O_KEEP, O_COLUMN, O_SERVICES, O_FOLLOW, O_FOLLOW_SEM, O_NET };
	static const struct option longopts[] = {
		{ "service", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, O_ID },
		{ "semantics", required_argument, NULL, O_SEM },
		{ "content-type", required_argument, NULL, O_TYPE },
		{ "keep", required_argument, NULL, O_KEEP },
		{ "column", required_argument, NULL, O_COLUMN },
		{ "services", no_argument, NULL, O_SERVICES },
		{ "follow", optional_argument, NULL, O_FOLLOW },
		{ "follow-semantics", required_argument, NULL, O_FOLLOW_SEM },
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
		case O_FOLLOW_SEM:
			o->follow_sem = grow(o->follow_sem, o->nfollow_sem, sizeof *o->follow_sem);
			o->follow_sem[o->nfollow_sem++] = optarg;
			if (!o->follow)
				o->follow = 3;
			break;
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
	if (o.nids) {
		in.links_url = xstrdup(o.links);
		in.todo = calloc(o.nids, sizeof *in.todo);
		if (!in.todo)
			errx(VT_EX_SOFTWARE, "out of memory");
		for (size_t i = 0; i < o.nids; i++)
			in.todo[i].id = xstrdup(o.ids[i]);
		in.ntodo = o.nids;
	}
	const char *first = o.links ? o.links : o.nurls ? o.urls[0] : in.links_url ? in.links_url
			  : in.ntodo ? in.todo[0].url : NULL;
	struct cred_store cs = {0};
	code = net_setup(&o.net, first, "vo-datalink", &cs, &r.client, msg, sizeof msg);
	if (code)
		errx(code, "%s", msg);
	if ((code = output_open(&out, o.output, msg, sizeof msg)) != 0)
		errx(code, "%s", msg);
	r.ob = &out.ob;

	for (int i = 0; i < o.nurls; i++)
		if ((code = fetch_links(&r, o.urls[i], NULL)) != 0 && !worst)
			worst = code;
	for (size_t i = 0; i < in.ntodo && !in.links_url; i++) {
		r.kept = in.todo[i].kept;
		if ((code = fetch_links(&r, in.todo[i].url, NULL)) != 0 && !worst)
			worst = code;
	}
	/* IDs, from -s --id or a result's descriptor: batched POSTs of
	 * repeated ID, each ID once a batch */
	for (size_t i = 0; i < in.ntodo && in.links_url; i += r.nbatch) {
		r.batch = &in.todo[i];
		r.nbatch = in.ntodo - i < BATCH ? in.ntodo - i : BATCH;
		const char **form = calloc(2 * r.nbatch + 1, sizeof *form);
		if (!form)
			errx(VT_EX_SOFTWARE, "out of memory");
		size_t nform = 0;
		for (size_t k = 0; k < r.nbatch; k++) {
			bool seen = false;
			for (size_t j = 0; j < k && !seen; j++)
				seen = !strcmp(r.batch[j].id, r.batch[k].id);
			if (!seen) {
				form[nform++] = "ID";
				form[nform++] = r.batch[k].id;
			}
		}
		r.answered = calloc(r.nbatch, sizeof *r.answered);
		if (!r.answered)
			errx(VT_EX_SOFTWARE, "out of memory");
		/* a service that refuses batches gets the IDs one at a time */
		r.quiet = true;
		code = fetch_links(&r, in.links_url, form);
		r.quiet = false;
		if (code == VT_EX_TEMPFAIL || code == VT_EX_NOPERM) {
			fprintf(stderr, "vo-datalink: %s: %s\n", in.links_url, r.errmsg);
			if (!worst)
				worst = code;
		} else {
			if (code && o.net.verbose)
				fprintf(stderr, "vo-datalink: the batch failed (%s); one ID at a time\n", r.errmsg);
			retry_unanswered(&r, in.links_url, &worst);
		}
		free(form);
		free(r.answered);
		r.answered = NULL;
	}
	r.batch = NULL;
	r.kept = NULL;
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

	free(in.links_url);
	free(in.id_ref);
	for (size_t i = 0; i < in.ntodo; i++) {
		free(in.todo[i].url);
		free(in.todo[i].id);
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
	free(o.follow_sem);
	free(o.keep);
	net_free(&cs, r.client);
	return final;
}
