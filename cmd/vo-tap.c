/* vo-tap: synchronous TAP queries, uploads and service metadata. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "adql.h"
#include "exitcode.h"
#include "http.h"
#include "job.h"
#include "netopts.h"
#include "output.h"
#include "services.h"
#include "tabout.h"
#include "tap.h"
#include "version.h"
#include "vosi.h"
#include "vot.h"
#include "votfetch.h"

enum mode { M_QUERY, M_CAPABILITIES, M_TABLES, M_COLUMNS, M_EXAMPLES, M_AVAILABILITY };

struct opts {
	enum mode mode;
	const char *service;
	const char *query;		/* the QUERY argument */
	const char *table;		/* --describe TABLE */
	const char *output;
	bool fail_on_overflow;
	bool async, keep;
	struct tap_cli tap;
	struct tabout_opts out;
	struct net_cli net;
};

static void
usage(void)
{
	printf(
"usage: vo-tap [-s SERVICE] [-p NAME=VALUE]... [-u NAME=FILE|URL]... [-m MAXREC]\n"
"              [-f FORMAT] [-o FILE] [-c COLS] [--ucd UCD] [--fail-on-overflow]\n"
"              [--timeout SECS] [--token-file FILE] [--auth bearer|basic] [-v]\n"
"              [QUERY | -q FILE]\n"
"       vo-tap [-s SERVICE] --capabilities | --tables | --describe TABLE |\n"
"              --examples | --availability\n"
"Run an ADQL query on a TAP service and stream the result (TSV by default),\n"
"or list what the service declares.\n"
"  -s, --service URL|NAME  the TAP service (default: $VO_TAP_SERVICE); a NAME\n"
"                          is looked up in ~/.config/vo-tools/services\n"
TAP_HELP
"  -o, --output FILE       write FILE atomically instead of stdout\n"
TABOUT_HELP
"      --fail-on-overflow  exit 3 if the result was truncated at MAXREC\n"
"      --async             run the query as an asynchronous job: submit, wait,\n"
"                          stream the result, delete the job (Ctrl-C aborts it)\n"
"      --keep              with --async: keep the job (its URL goes to stderr)\n"
"      --capabilities      languages, features, upload methods, limits (TSV)\n"
"      --tables            the tables: name, type, description (TSV)\n"
"      --describe TABLE    the columns of TABLE (TSV)\n"
"      --examples          the service's example queries (TSV)\n"
"      --availability      whether the service says it is up\n"
NET_HELP
"  -h, --help;  -V, --version\n"
"Exit codes: 0 ok, 1 the service reported an error, 3 overflow refused,\n"
"64 usage, 65 bad data, 69/75/76/77 service problems; see vo-tools(7).\n");
	exit(0);
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_LANG = 256, O_FAILOVF, O_CAPS, O_TABLES, O_COLUMNS, O_EXAMPLES, O_AVAIL,
	       O_ASYNCJOB, O_KEEP, O_NET, O_OUT = O_NET + NET_NLONGOPTS };
	static const struct option longopts[] = {
		{ "service", required_argument, NULL, 's' },
		TAP_LONGOPTS(O_LANG),
		{ "output", required_argument, NULL, 'o' },
		TABOUT_LONGOPTS(O_OUT),
		{ "fail-on-overflow", no_argument, NULL, O_FAILOVF },
		{ "capabilities", no_argument, NULL, O_CAPS },
		{ "tables", no_argument, NULL, O_TABLES },
		{ "describe", required_argument, NULL, O_COLUMNS },
		{ "examples", no_argument, NULL, O_EXAMPLES },
		{ "availability", no_argument, NULL, O_AVAIL },
		{ "async", no_argument, NULL, O_ASYNCJOB },
		{ "keep", no_argument, NULL, O_KEEP },
		NET_LONGOPTS(O_NET),
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[400];
	int c;

	/* --columns is both "the columns of TABLE" (metadata) and, as -c,
	 * the columns to output: the long form with an argument that is not
	 * a comma list and comes without a query means metadata; see below */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:q:p:u:m:P:f:o:c:vhV", longopts, NULL)) != -1) {
		int taken = net_option(&o->net, c, O_NET, optarg, msg, sizeof msg);
		if (!taken)
			taken = tabout_option(&o->out, c, O_OUT, optarg, msg, sizeof msg);
		if (!taken)
			taken = tap_option(&o->tap, c, O_LANG, optarg, msg, sizeof msg);
		if (taken < 0)
			bad_usage("%s", msg);
		if (taken)
			continue;
		switch (c) {
		case 's': o->service = optarg; break;
		case 'o': o->output = optarg; break;
		case O_FAILOVF: o->fail_on_overflow = true; break;
		case O_CAPS: o->mode = M_CAPABILITIES; break;
		case O_TABLES: o->mode = M_TABLES; break;
		case O_COLUMNS: o->mode = M_COLUMNS; o->table = optarg; break;
		case O_EXAMPLES: o->mode = M_EXAMPLES; break;
		case O_AVAIL: o->mode = M_AVAILABILITY; break;
		case O_ASYNCJOB: o->async = true; break;
		case O_KEEP: o->keep = true; break;
		case 'v': o->net.verbose++; break;
		case 'h': usage(); break;
		case 'V': printf("vo-tap (vo-tools) %s\n", VT_VERSION); exit(0);
		case ':': bad_usage("option '%s' needs an argument", argv[optind - 1]); break;
		default: bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->mode != M_QUERY) {
		if (optind < argc || o->tap.query_file || o->tap.nuploads || o->tap.nparams)
			bad_usage("a metadata listing takes no query, -p or -u");
		return;
	}
	if (argc - optind > 1)
		bad_usage("one query at most (quote it), not %d arguments", argc - optind);
	if (optind < argc)
		o->query = argv[optind];
}

/* ------------------------------------------------------------- metadata */

static int
vosi_sink(void *ctx, const char *data, size_t len)
{
	return vosi_parser_feed(ctx, data, len) != VOSI_OK;
}

static char *
join_url(const char *base, const char *path)
{
	size_t n = strlen(base) + strlen(path) + 2;
	char *u = malloc(n);
	if (!u)
		errx(VT_EX_SOFTWARE, "out of memory");
	snprintf(u, n, "%s/%s", base, path);
	return u;
}

/* GET url through the VOSI parser vp.  Returns 0 or an exit code with a
 * message; *status gets the HTTP status. */
static int
fetch_vosi(struct http_client *client, const char *url, struct vosi_parser *vp,
	   long *status, char *msg, size_t msglen)
{
	struct http_request rq = { .method = "GET", .url = url };
	bool stopped = false;
	int code = fetch_stream(client, &rq, vosi_sink, vp, &stopped, status, msg, msglen);
	enum vosi_err e = VOSI_OK;

	if (!code && !stopped)
		e = vosi_parser_finish(vp);
	if (stopped || e) {
		if (stopped)
			e = vosi_parser_feed(vp, "", 0);	/* the sticky error */
		snprintf(msg, msglen, "%s: %s", url, vosi_parser_errmsg(vp));
		return e == VOSI_ECALLBACK ? VT_EX_IOERR : e == VOSI_ENOMEM ? VT_EX_SOFTWARE :
		       e == VOSI_ENOTFOUND ? VT_EX_USAGE : VT_EX_DATAERR;
	}
	return code;
}

static int
run_metadata(struct opts *o, struct http_client *client, const char *base,
	     struct outbuf *ob, char *msg, size_t msglen)
{
	static const struct { enum mode mode; enum vosi_kind kind; const char *path; } what[] = {
		{ M_CAPABILITIES, VOSI_CAPABILITIES, "capabilities" },
		{ M_TABLES, VOSI_TABLES, "tables" },
		{ M_COLUMNS, VOSI_COLUMNS, "tables" },
		{ M_EXAMPLES, VOSI_EXAMPLES, "examples" },
		{ M_AVAILABILITY, VOSI_AVAILABILITY, "availability" },
	};
	enum vosi_kind kind = VOSI_TABLES;
	const char *path = "";
	size_t nh;
	long status = 0;
	int code;

	for (size_t i = 0; i < sizeof what / sizeof what[0]; i++)
		if (what[i].mode == o->mode) {
			kind = what[i].kind;
			path = what[i].path;
		}
	const char *const *header = vosi_header(kind, &nh);
	tsv_row_sink(ob, header, nh);

	struct vosi_parser *vp;
	char *url;
	if (o->mode == M_COLUMNS) {
		/* TAP 1.1: the one table at tables/NAME; older services only
		 * have the whole tableset, which the parser then filters */
		char *one = join_url(base, "tables/");
		url = join_url(base, "tables");
		char *tail = http_urlencode(o->table);
		if (!tail)
			errx(VT_EX_SOFTWARE, "out of memory");
		free(one);
		one = malloc(strlen(url) + strlen(tail) + 2);
		if (!one)
			errx(VT_EX_SOFTWARE, "out of memory");
		sprintf(one, "%s/%s", url, tail);
		free(tail);
		size_t mark = ob->len;
		vp = vosi_parser_new(kind, o->table, tsv_row_sink, ob);
		if (!vp)
			errx(VT_EX_SOFTWARE, "out of memory");
		code = fetch_vosi(client, one, vp, &status, msg, msglen);
		vosi_parser_free(vp);
		free(one);
		if (code == 0) {
			free(url);
			return 0;
		}
		if (status != 404 && status != 400 && code != VT_EX_USAGE && code != VT_EX_DATAERR) {
			free(url);
			return code;
		}
		ob->len = mark;	/* nothing of the failed try reaches the output */
	} else {
		url = join_url(base, path);
	}
	vp = vosi_parser_new(kind, o->table, tsv_row_sink, ob);
	if (!vp)
		errx(VT_EX_SOFTWARE, "out of memory");
	code = fetch_vosi(client, url, vp, &status, msg, msglen);
	if (code && status == 404 && o->mode == M_EXAMPLES)
		snprintf(msg, msglen, "the service publishes no examples (%s: HTTP 404)", url);
	if (code == VT_EX_USAGE && o->mode == M_COLUMNS)
		snprintf(msg, msglen, "no table '%s' in %s (see vo-tap --tables)", o->table, url);
	if (!code && o->mode == M_AVAILABILITY && vosi_parser_available(vp) == 0) {
		snprintf(msg, msglen, "the service says it is not available");
		code = VT_EX_UNAVAILABLE;
	}
	vosi_parser_free(vp);
	free(url);
	return code;
}

/* ---------------------------------------------------------------- query */

/* Before uploading: does the service take uploads, of the kinds we send?
 * Nothing is sent when it says no.  A service without capabilities gets
 * the benefit of the doubt. */
static int
check_uploads(struct opts *o, struct http_client *client, const char *base,
	      char *msg, size_t msglen)
{
	char *url = join_url(base, "capabilities");
	struct vosi_parser *vp = vosi_parser_new(VOSI_CAPABILITIES, NULL, NULL, NULL);
	long status = 0;

	if (!vp)
		errx(VT_EX_SOFTWARE, "out of memory");
	int code = fetch_vosi(client, url, vp, &status, msg, msglen);
	if (code) {
		if (o->net.verbose)
			fprintf(stderr, "vo-tap: cannot check upload support (%s); trying anyway\n", msg);
		code = 0;
		msg[0] = '\0';
		goto out;
	}
	const struct tap_caps *caps = vosi_parser_caps(vp);
	bool any = caps->upload_inline || caps->upload_http || caps->upload_https || caps->upload_ftp;
	for (size_t i = 0; i < o->tap.nuploads && !code; i++) {
		const struct tap_upload *u = &o->tap.uploads[i];
		bool ok = u->is_url ? (caps->upload_http || caps->upload_https || caps->upload_ftp)
				    : caps->upload_inline;
		if (!any)
			snprintf(msg, msglen, "the service declares no table uploads (see vo-tap --capabilities); "
				 "nothing was sent");
		else if (!ok)
			snprintf(msg, msglen, "the service declares no %s uploads, needed for -u %s; "
				 "nothing was sent", u->is_url ? "URL" : "inline", u->name);
		if (!any || !ok)
			code = VT_EX_UNAVAILABLE;
	}
out:
	vosi_parser_free(vp);
	free(url);
	return code;
}

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

/* --async: the query as a UWS job, submitted and run, waited for (in
 * short blocking WAITs, so that a signal is seen within seconds), its
 * result streamed into p, the job deleted unless --keep.  SIGINT and
 * SIGTERM abort and delete the remote job. */
static int
run_async(struct opts *o, struct http_client *client, const char *base, struct tap_query *q,
	  struct vot_parser *p, char *msg, size_t msglen)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char m[300];
	char *url = NULL;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int code = job_submit(client, base, q, true, NULL, &url, msg, msglen);
	if (!url)
		return code;
	if (o->net.verbose || o->keep)
		fprintf(stderr, "vo-tap: job %s\n", url);

	struct uws_job j = {0};
	enum uws_phase ph = UWS_QUEUED;
	double backoff = 0.2;
	while (!code && !interrupted) {
		uws_job_free(&j);
		memset(&j, 0, sizeof j);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		code = job_fetch(client, url, 5, ph, &j, msg, msglen);
		if (code)
			break;
		ph = j.phase;
		if (uws_phase_final(ph) || ph == UWS_PENDING || ph == UWS_HELD)
			break;
		/* no blocking WAIT at this service: poll with a growing pause */
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double took = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (took < backoff) {
			double pause = backoff - took;
			struct timespec ts = { (time_t)pause, (long)((pause - (time_t)pause) * 1e9) };
			nanosleep(&ts, NULL);
		}
		backoff = backoff * 2 > 5 ? 5 : backoff * 2;
	}
	if (!code && !interrupted) {
		if (ph == UWS_COMPLETED) {
			const char *href = job_result_href(&j);
			if (href && *href)
				code = job_download(client, href, p, msg, msglen);
			else {
				snprintf(msg, msglen, "%s: the job has no result", url);
				code = VT_EX_PROTOCOL;
			}
		} else if (ph == UWS_ERROR) {
			char *e = job_error_message(client, url, &j, m, sizeof m);
			snprintf(msg, msglen, "service error: %s", e ? e : m);
			free(e);
			code = VT_EX_SERVICE;
		} else {
			snprintf(msg, msglen, "%s: the job ended %s", url, uws_phase_name(ph));
			code = ph == UWS_ABORTED ? VT_EX_ABORTED : VT_EX_PROTOCOL;
		}
	}
	if (interrupted) {
		if (!uws_phase_final(ph))
			job_phase_set(client, url, "ABORT", m, sizeof m);
		snprintf(msg, msglen, "interrupted: the job %s", o->keep ? "was aborted" : "was aborted and deleted");
		code = 128 + interrupted;
	}
	if (!o->keep && job_delete(client, url, m, sizeof m) != 0)
		fprintf(stderr, "vo-tap: warning: could not delete %s: %s\n", url, m);
	uws_job_free(&j);
	free(url);
	return code;
}

static int
run_query(struct opts *o, struct http_client *client, const char *base, const char *query,
	  struct outbuf *ob, char *msg, size_t msglen)
{
	int code;

	if (o->tap.nuploads) {
		if ((code = check_uploads(o, client, base, msg, msglen)) != 0)
			return code;
		for (size_t i = 0; i < o->tap.nuploads; i++)
			if ((code = tap_upload_prepare(&o->tap.uploads[i], msg, msglen)) != 0)
				return code;
	}

	struct tap_query q = { .lang = o->tap.lang, .query = query, .maxrec = o->tap.maxrec,
			       .uploads = o->tap.uploads, .nuploads = o->tap.nuploads,
			       .params = (const char *const *)o->tap.tap_params };
	struct http_request rq;
	char *url = join_url(base, "sync");
	if (!o->async && tap_request_build(&q, url, NULL, &rq) < 0)
		errx(VT_EX_SOFTWARE, "out of memory");

	struct tabout t;
	tabout_init(&t, &o->out, ob);
	struct vot_handler h = tabout_handler(&t);
	struct vot_parser *p = vot_parser_new(&h);
	if (!p)
		errx(VT_EX_SOFTWARE, "out of memory");
	tabout_attach(&t, p);

	if (o->async)
		code = run_async(o, client, base, &q, p, msg, msglen);
	else
		code = votfetch(client, &rq, p, msg, msglen);
	if (!code) {
		enum vot_err e = vot_parser_finish(p);
		if (e) {
			snprintf(msg, msglen, "%s", vot_parser_errmsg(p));
			code = e == VOT_ENOMEM ? VT_EX_SOFTWARE : VT_EX_DATAERR;
		}
	}
	if (code && t.code) {
		code = t.code;
		snprintf(msg, msglen, "%s", t.msg);
	}
	if (!code) {
		bool overflow = false;
		char m[JOB_MESSAGE_MAX + 1];
		code = tabout_finish(&t, vot_parser_doc(p), &overflow, m, sizeof m);
		if (code == VT_EX_SERVICE) {
			char line[JOB_MESSAGE_MAX + 1];
			snprintf(msg, msglen, "service error: %s",
				 http_one_line(line, sizeof line, m, strlen(m), JOB_MESSAGE_MAX));
		}
		else if (code)
			snprintf(msg, msglen, "%s", m);
		else if (overflow) {
			char limit[64] = "the service's row limit";
			if (o->tap.maxrec >= 0)
				snprintf(limit, sizeof limit, "MAXREC=%ld", o->tap.maxrec);
			fprintf(stderr, "vo-tap: %sresult truncated at %lu rows by %s%s\n",
				o->fail_on_overflow ? "" : "warning: ",
				t.chosen ? t.chosen->nrows : 0UL, limit,
				o->fail_on_overflow ? "" : " (more rows match; raise --maxrec)");
			if (o->fail_on_overflow) {
				code = VT_EX_OVERFLOW;
				msg[0] = '\0';
			}
		}
	}
	vot_parser_free(p);
	tabout_free(&t);
	tap_request_free(&q);
	free(url);
	return code;
}

/* ------------------------------------------------------------------ main */

int
main(int argc, char **argv)
{
	struct opts o = { .tap.maxrec = -1, .out.format = TW_TSV };
	char msg[1024];
	int code;

	parse_args(argc, argv, &o);
	char *service = service_resolve(o.service, "VO_TAP_SERVICE", &code, msg, sizeof msg);
	if (!service)
		errx(code, "%s", msg);
	char *base = tap_base_url(service);
	if (!base)
		errx(VT_EX_SOFTWARE, "out of memory");

	/* the query, bound, before anything touches the network */
	char *bound = NULL;
	if (o.mode == M_QUERY && !(bound = tap_cli_query(&o.tap, o.query, &code, msg, sizeof msg))) {
		if (code == VT_EX_USAGE)
			bad_usage("%s", msg);
		errx(code, "%s", msg);
	}

	struct cred_store cs = {0};
	struct http_client *client = NULL;
	code = net_setup(&o.net, base, "vo-tap", &cs, &client, msg, sizeof msg);
	if (code)
		errx(code, "%s", msg);

	struct output out;
	if ((code = output_open(&out, o.output, msg, sizeof msg)) != 0)
		errx(code, "%s", msg);

	if (o.mode != M_QUERY) {
		code = run_metadata(&o, client, base, &out.ob, msg, sizeof msg);
	} else {
		code = run_query(&o, client, base, bound, &out.ob, msg, sizeof msg);
	}
	if (code && msg[0])
		fprintf(stderr, "vo-tap: %s\n", msg);
	int final = output_close(&out, code, msg, sizeof msg);
	if (final != code)
		fprintf(stderr, "vo-tap: %s\n", msg);

	tap_cli_free(&o.tap);
	tabout_opts_free(&o.out);
	free(bound);
	free(base);
	free(service);
	net_free(&cs, client);
	return final;
}
