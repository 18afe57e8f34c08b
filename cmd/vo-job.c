/* vo-job: asynchronous TAP (UWS) jobs from the shell and from cron. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "adql.h"
#include "exitcode.h"
#include "http.h"
#include "job.h"
#include "journal.h"
#include "netopts.h"
#include "output.h"
#include "services.h"
#include "tabout.h"
#include "tap.h"
#include "uws.h"
#include "version.h"
#include "vot.h"
#include "votfetch.h"

struct opts {
	const char *cmd;
	const char *service;
	const char *exec_duration;
	const char *destruction;
	const char *phase_filter, *after, *last;
	const char *output;
	bool run, url_only, local, json;
	double wait_timeout;		/* -1: none */
	struct tap_cli tap;
	struct tabout_opts out;
	struct net_cli net;
	char **args;			/* job URLs, or the query */
	int nargs;
};

static void
usage(void)
{
	printf(
"usage: vo-job submit [-s SERVICE] [--run] [-p NAME=VALUE]... [-u NAME=FILE|URL]...\n"
"                     [-m MAXREC] [--execution-duration SECS] [--destruction TIME]\n"
"                     [QUERY | -q FILE]\n"
"       vo-job run|phase|abort|delete JOB...\n"
"       vo-job info [-f json] JOB\n"
"       vo-job wait [--timeout SECS] [JOB...]        (no JOB: URLs on stdin)\n"
"       vo-job result [-f FMT] [-o FILE] [-c COLS] [--url] JOB\n"
"       vo-job error JOB\n"
"       vo-job set [--execution-duration SECS] [--destruction TIME] JOB\n"
"       vo-job list [-s SERVICE] [--phase PHASE] [--after TIME] [--last N] | --local\n"
"       vo-job gc\n"
"Asynchronous TAP queries: submit now, collect later (another process,\n"
"another day).  Every submitted job is recorded in a journal\n"
"($VO_JOURNAL, else $XDG_STATE_HOME/vo-tools/jobs).\n"
"  -s, --service URL|NAME  the TAP service (default: $VO_TAP_SERVICE)\n"
TAP_HELP
"      --run               submit: start the job at once\n"
"      --execution-duration SECS, --destruction TIME\n"
"                          submit, set: the job's run time limit and when the\n"
"                          service may delete it (ISO 8601)\n"
"      --phase PHASE, --after TIME, --last N\n"
"                          list: the service's UWS 1.1 filters\n"
"      --timeout SECS      wait: give up after SECS (0: just check); else the\n"
"                          network timeout (default: no limit, but connect\n"
"                          within 30 s, and less than 1 byte/s for 300 s is\n"
"                          a stall: $VO_CONNECT_TIMEOUT and $VO_STALL_TIMEOUT\n"
"                          change these, 0 no stall limit)\n"
"  -o, --output FILE       result: write FILE atomically\n"
TABOUT_HELP
"      --url               result: print the result's URL instead\n"
"      --local             list: the journal instead of the service's list\n"
"      --token-file FILE, --auth SCHEME, --auth-user USER, -v   as in vo-tap(1)\n"
"Exit codes of wait: 0 all completed, 1 a job ended in ERROR, 2 one was\n"
"aborted, 75 some still running at the timeout, 66 unknown job, 77 access\n"
"refused (401/403: never retried); see vo-job(1).\n");
	exit(0);
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *
journal_path(void)
{
	char *p = journal_default_path();
	if (!p)
		errx(VT_EX_CONFIG, "no journal: set VO_JOURNAL or HOME");
	return p;
}

/* --------------------------------------------------------------- submit */

static char *
read_query(struct opts *o)
{
	char msg[400];
	int code;
	char *q = tap_cli_query(&o->tap, o->nargs ? o->args[0] : NULL, &code, msg, sizeof msg);
	if (!q) {
		if (code == VT_EX_USAGE)
			bad_usage("%s", msg);
		errx(code, "%s", msg);
	}
	return q;
}

static int
cmd_submit(struct opts *o, struct http_client *client, const char *base)
{
	char msg[1024], when[32], digest[17];
	char *query = read_query(o);
	char *url = NULL;
	int code;

	for (size_t i = 0; i < o->tap.nuploads; i++)
		if ((code = tap_upload_prepare(&o->tap.uploads[i], msg, sizeof msg)) != 0)
			errx(code, "%s", msg);
	struct tap_query q = { .lang = o->tap.lang, .query = query, .maxrec = o->tap.maxrec,
			       .uploads = o->tap.uploads, .nuploads = o->tap.nuploads,
			       .params = (const char *const *)o->tap.tap_params };
	const char *extra[8];
	size_t n = 0;
	if (o->exec_duration) {
		extra[n++] = "EXECUTIONDURATION";
		extra[n++] = o->exec_duration;
	}
	if (o->destruction) {
		extra[n++] = "DESTRUCTION";
		extra[n++] = o->destruction;
	}
	extra[n] = NULL;
	code = job_submit(client, base, &q, false, extra, &url, msg, sizeof msg);
	if (!url)
		errx(code, "%s", msg);

	/* the URL first: whatever fails next, the job is not lost */
	printf("%s\n", url);
	fflush(stdout);
	journal_now(when);
	journal_digest(query, digest);
	struct journal_entry e = { .url = url, .service = base, .submitted = when,
				   .phase = o->run ? "QUEUED" : "PENDING", .updated = when,
				   .digest = digest, .query = query };
	char *jp = journal_path();
	if (journal_add(jp, &e, msg, sizeof msg) != 0)
		fprintf(stderr, "vo-job: warning: the journal: %s\n", msg);
	free(jp);

	/* Sent with the creation too, but not every service takes them
	 * there (DaCHS 2.7 does not): set them on the job, then start it. */
	code = 0;
	if (o->exec_duration)
		code = job_param_set(client, url, "executionduration", o->exec_duration, msg, sizeof msg);
	if (!code && o->destruction)
		code = job_param_set(client, url, "destruction", o->destruction, msg, sizeof msg);
	if (!code && o->run)
		code = job_phase_set(client, url, "RUN", msg, sizeof msg);
	if (code)
		fprintf(stderr, "vo-job: %s: %s\n", url, msg);
	free(url);
	free(query);
	return code;
}

/* ---------------------------------------------------------------- jobs */

static void
note_phase(const char *url, enum uws_phase ph)
{
	char msg[300];
	char *jp = journal_path();
	journal_set_phase(jp, url, uws_phase_name(ph), msg, sizeof msg);
	free(jp);
}

static int
cmd_each(struct opts *o, struct http_client *client)
{
	char msg[1024];
	int worst = 0;

	for (int i = 0; i < o->nargs; i++) {
		const char *url = o->args[i];
		int code = 0;
		if (!strcmp(o->cmd, "run") || !strcmp(o->cmd, "abort")) {
			code = job_phase_set(client, url, !strcmp(o->cmd, "run") ? "RUN" : "ABORT",
					     msg, sizeof msg);
		} else if (!strcmp(o->cmd, "delete")) {
			code = job_delete(client, url, msg, sizeof msg);
			if (!code) {
				char *jp = journal_path();
				journal_remove(jp, url, msg, sizeof msg);
				free(jp);
			}
		} else {	/* phase */
			struct uws_job j = {0};
			code = job_fetch(client, url, 0, UWS_UNKNOWN, &j, msg, sizeof msg);
			if (!code) {
				if (o->nargs > 1)
					printf("%s\t%s\n", url, uws_phase_name(j.phase));
				else
					printf("%s\n", uws_phase_name(j.phase));
				note_phase(url, j.phase);
			}
			uws_job_free(&j);
		}
		if (code) {
			fprintf(stderr, "vo-job: %s\n", msg);
			if (!worst)
				worst = code;
		}
	}
	return worst;
}

static int
cmd_info(struct opts *o, struct http_client *client)
{
	char msg[1024];
	struct uws_job j = {0};
	struct output out;
	int code = job_fetch(client, o->args[0], 0, UWS_UNKNOWN, &j, msg, sizeof msg);
	if (code)
		errx(code, "%s", msg);
	if ((code = output_open(&out, NULL, msg, sizeof msg)) != 0)
		errx(code, "%s", msg);
	if (o->out.format == TW_JSON)
		uws_job_write_json(&j, &out.ob);
	else
		uws_job_write_tsv(&j, &out.ob);
	note_phase(o->args[0], j.phase);
	uws_job_free(&j);
	return output_close(&out, 0, msg, sizeof msg);
}

static int
cmd_error(struct opts *o, struct http_client *client)
{
	char msg[1024];
	struct uws_job j = {0};
	int code = job_fetch(client, o->args[0], 0, UWS_UNKNOWN, &j, msg, sizeof msg);
	if (code)
		errx(code, "%s", msg);
	if (j.phase != UWS_ERROR && !j.has_error) {
		uws_job_free(&j);
		errx(VT_EX_USAGE, "%s: the job is %s, not in ERROR", o->args[0], uws_phase_name(j.phase));
	}
	char *text = job_error_message(client, o->args[0], &j, msg, sizeof msg);
	uws_job_free(&j);
	if (!text)
		errx(VT_EX_PROTOCOL, "%s", msg);
	printf("%s\n", text);
	free(text);
	return 0;
}

static int
cmd_set(struct opts *o, struct http_client *client)
{
	char msg[1024];
	int code = 0;
	if (!o->exec_duration && !o->destruction)
		bad_usage("set wants --execution-duration SECS or --destruction TIME");
	if (o->exec_duration)
		code = job_param_set(client, o->args[0], "executionduration", o->exec_duration,
				     msg, sizeof msg);
	if (!code && o->destruction)
		code = job_param_set(client, o->args[0], "destruction", o->destruction,
				     msg, sizeof msg);
	if (code)
		errx(code, "%s", msg);
	return 0;
}

/* ----------------------------------------------------------------- wait */

struct waiting {
	char *url;
	enum uws_phase phase;
	int code;		/* 66 unknown job, 77 not allowed to see it, ... */
	bool done;
};

/* Whether a failed look at a job may succeed later: the network or the
 * service failing, never a refusal (401/403: a token missing or wrong),
 * an unknown job or an answer that is not a job. */
static bool
wait_retryable(int code)
{
	return code == VT_EX_UNAVAILABLE || code == VT_EX_TEMPFAIL;
}

/* Wait for every job to leave PENDING/QUEUED/EXECUTING (or the timeout).
 * One process: the jobs are checked in turn, each with a blocking WAIT
 * short enough that the others are not kept waiting long; services
 * without WAIT answer at once, and the rounds are then spaced with a
 * jittered back-off, so no service is hammered. */
static int
cmd_wait(struct opts *o, struct http_client *client)
{
	struct waiting *w = NULL;
	size_t n = 0, left;
	char msg[1024];

	for (int i = 0; i < o->nargs; i++) {
		w = grow(w, n, sizeof *w);
		w[n++] = (struct waiting){ .url = strdup(o->args[i]), .phase = UWS_UNKNOWN };
	}
	if (!o->nargs) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		while ((len = getline(&line, &cap, stdin)) > 0) {
			while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
					   line[len - 1] == ' ' || line[len - 1] == '\t'))
				line[--len] = '\0';
			if (!len)
				continue;
			w = grow(w, n, sizeof *w);
			w[n++] = (struct waiting){ .url = strdup(line), .phase = UWS_UNKNOWN };
		}
		free(line);
	}
	if (!n)
		bad_usage("wait: no jobs (give URLs as arguments or on stdin)");

	double start = now(), backoff = 0.5;
	left = n;
	srand((unsigned)(time(NULL) ^ getpid()));
	for (bool first = true; left > 0; first = false) {
		double round = now();
		bool changed = false;
		for (size_t i = 0; i < n; i++) {
			if (w[i].done)
				continue;
			double remaining = o->wait_timeout < 0 ? 1e9 : o->wait_timeout - (now() - start);
			long wait_s = 0;
			if (!first && remaining >= 2) {
				/* one job: block long; several: a second each, so that
				 * every job is seen about once a second and reported
				 * as soon as it ends */
				wait_s = left == 1 ? 30 : 1;
				if (wait_s > remaining - 1)
					wait_s = (long)(remaining - 1);
			}
			if (!first && remaining <= 0)
				break;
			struct uws_job j = {0};
			int code = job_fetch(client, w[i].url, wait_s, w[i].phase, &j, msg, sizeof msg);
			if (code && !wait_retryable(code)) {
				/* permanent: retrying cannot help, waiting neither */
				fprintf(stderr, "vo-job: %s\n", msg);
				printf("%s\tUNKNOWN\n", w[i].url);
				w[i].code = code == VT_EX_PROTOCOL ? VT_EX_NOINPUT : code;
				w[i].done = true;
				left--;
			} else if (code) {
				/* the network or the service failed: the job is
				 * not lost, try again next round */
				if (o->net.verbose)
					fprintf(stderr, "vo-job: %s (will retry)\n", msg);
			} else {
				if (j.phase != w[i].phase)
					changed = true;
				w[i].phase = j.phase;
				if (j.phase == UWS_PENDING || j.phase == UWS_HELD) {
					/* it will not move by itself: say so, do not block */
					fprintf(stderr, "vo-job: %s is %s: start it with vo-job run\n",
						w[i].url, uws_phase_name(j.phase));
					printf("%s\t%s\n", w[i].url, uws_phase_name(j.phase));
					w[i].done = true;
					left--;
				} else if (uws_phase_final(j.phase)) {
					printf("%s\t%s\n", w[i].url, uws_phase_name(j.phase));
					w[i].done = true;
					left--;
				}
				note_phase(w[i].url, j.phase);
			}
			fflush(stdout);
			uws_job_free(&j);
		}
		if (left == 0)
			break;
		double elapsed = now() - start;
		if (o->wait_timeout >= 0 && elapsed >= o->wait_timeout)
			break;
		/* A round that came back fast saw no blocking WAIT: space the
		 * next one out (jittered, growing to 30 s, within the timeout). */
		double took = now() - round;
		if (!first && took < backoff) {
			double pause = (backoff - took) * (0.5 + (double)rand() / RAND_MAX / 2);
			if (o->wait_timeout >= 0 && pause > o->wait_timeout - elapsed)
				pause = o->wait_timeout - elapsed;
			if (pause > 0) {
				struct timespec ts = { (time_t)pause, (long)((pause - (time_t)pause) * 1e9) };
				nanosleep(&ts, NULL);
			}
			backoff = changed ? 0.5 : (backoff * 2 > 30 ? 30 : backoff * 2);
		}
	}

	int code = 0, failed = 0;
	bool unknown = false, error = false, aborted = false, running = false;
	for (size_t i = 0; i < n; i++) {
		if (w[i].code == VT_EX_NOINPUT)
			unknown = true;
		else if (w[i].code) {
			if (!failed || w[i].code == VT_EX_NOPERM)
				failed = w[i].code;	/* 77 first: no job can be seen */
		}
		else if (!w[i].done || !uws_phase_final(w[i].phase))
			running = true;
		else if (w[i].phase == UWS_ERROR)
			error = true;
		else if (w[i].phase == UWS_ABORTED)
			aborted = true;
		free(w[i].url);
	}
	free(w);
	if (failed)
		code = failed;
	else if (unknown)
		code = VT_EX_NOINPUT;
	else if (error)
		code = VT_EX_SERVICE;
	else if (aborted)
		code = VT_EX_ABORTED;
	else if (running)
		code = VT_EX_TEMPFAIL;
	return code;
}

/* --------------------------------------------------------------- result */

static int
cmd_result(struct opts *o, struct http_client *client)
{
	char msg[1024];
	struct uws_job j = {0};
	int code = job_fetch(client, o->args[0], 0, UWS_UNKNOWN, &j, msg, sizeof msg);
	if (code)
		errx(code, "%s", msg);
	if (j.phase != UWS_COMPLETED) {
		enum uws_phase ph = j.phase;
		uws_job_free(&j);
		errx(ph == UWS_ERROR ? VT_EX_SERVICE : uws_phase_final(ph) ? VT_EX_NOINPUT : VT_EX_TEMPFAIL,
		    "%s: the job is %s, not COMPLETED%s", o->args[0], uws_phase_name(ph),
		    ph == UWS_ERROR ? " (see vo-job error)" : "");
	}
	const char *href = job_result_href(&j);
	if (!href || !*href) {
		uws_job_free(&j);
		errx(VT_EX_PROTOCOL, "%s: the job has no result", o->args[0]);
	}
	if (o->url_only) {
		printf("%s\n", href);
		uws_job_free(&j);
		return 0;
	}

	struct output out;
	if ((code = output_open(&out, o->output, msg, sizeof msg)) != 0)
		errx(code, "%s", msg);
	struct tabout t;
	tabout_init(&t, &o->out, &out.ob);
	struct vot_handler h = tabout_handler(&t);
	struct vot_parser *p = vot_parser_new(&h);
	if (!p)
		errx(VT_EX_SOFTWARE, "out of memory");
	tabout_attach(&t, p);
	code = job_download(client, href, p, msg, sizeof msg);
	if (!code) {
		enum vot_err e = vot_parser_finish(p);
		if (e) {
			snprintf(msg, sizeof msg, "%s", vot_parser_errmsg(p));
			code = VT_EX_DATAERR;
		}
	}
	if (code && t.code) {
		code = t.code;
		snprintf(msg, sizeof msg, "%s", t.msg);
	}
	if (!code) {
		bool overflow = false;
		char m[JOB_MESSAGE_MAX + 1], line[JOB_MESSAGE_MAX + 1];
		code = tabout_finish(&t, vot_parser_doc(p), &overflow, m, sizeof m);
		if (code)
			snprintf(msg, sizeof msg, "%s%s", code == VT_EX_SERVICE ? "service error: " : "",
				 http_one_line(line, sizeof line, m, strlen(m), JOB_MESSAGE_MAX));
		else if (overflow)
			fprintf(stderr, "vo-job: warning: result truncated at %lu rows by the "
				"service's row limit (QUERY_STATUS=OVERFLOW)\n",
				t.chosen ? t.chosen->nrows : 0UL);
	}
	if (code)
		fprintf(stderr, "vo-job: %s\n", msg);
	vot_parser_free(p);
	tabout_free(&t);
	uws_job_free(&j);
	int final = output_close(&out, code, msg, sizeof msg);
	if (final != code)
		fprintf(stderr, "vo-job: %s\n", msg);
	return final;
}

/* ----------------------------------------------------------------- list */

static int
journal_row(void *ctx, const struct journal_entry *e)
{
	const char *f[] = { e->url, e->service, e->submitted, e->phase, e->updated, e->digest, e->query };
	return tsv_row_sink(ctx, f, 7);
}

struct collect {
	char *buf;
	size_t len;
};

static int
collect_sink(void *ctx, const char *data, size_t len)
{
	struct collect *c = ctx;
	char *nb = realloc(c->buf, c->len + len + 1);
	if (!nb || c->len + len > (64u << 20))
		return 1;
	memcpy(nb + c->len, data, len);
	c->buf = nb;
	c->len += len;
	nb[c->len] = '\0';
	return 0;
}

static int
cmd_list(struct opts *o, struct http_client *client, const char *base)
{
	char msg[1024];
	struct output out;
	int code;

	if ((code = output_open(&out, NULL, msg, sizeof msg)) != 0)
		errx(code, "%s", msg);
	if (o->local) {
		const char *f[] = { "url", "service", "submitted", "phase", "updated", "digest", "query" };
		tsv_row_sink(&out.ob, f, 7);
		char *jp = journal_path();
		code = journal_each(jp, journal_row, &out.ob, msg, sizeof msg);
		free(jp);
	} else {
		size_t n;
		const char *const *hdr = uws_jobs_header(&n);
		tsv_row_sink(&out.ob, hdr, n);
		/* UWS 1.1 filters: PHASE, AFTER, LAST */
		const char *names[] = { "PHASE", "AFTER", "LAST" };
		const char *values[] = { o->phase_filter, o->after, o->last };
		size_t len = strlen(base) + 16;
		char *enc[3];
		for (int i = 0; i < 3; i++) {
			enc[i] = values[i] ? http_urlencode(values[i]) : NULL;
			len += enc[i] ? strlen(enc[i]) + 8 : 0;
		}
		char *url = malloc(len);
		if (!url)
			errx(VT_EX_SOFTWARE, "out of memory");
		size_t k = (size_t)snprintf(url, len, "%s/async", base);
		for (int i = 0; i < 3; i++)
			if (enc[i])
				k += (size_t)snprintf(url + k, len - k, "%c%s=%s", strchr(url, '?') ? '&' : '?',
						      names[i], enc[i]);
		struct http_request rq = { .method = "GET", .url = url };
		struct collect c = {0};
		code = fetch_stream(client, &rq, collect_sink, &c, NULL, NULL, msg, sizeof msg);
		if (!code)
			code = uws_jobs_parse(c.buf ? c.buf : "", c.len, tsv_row_sink, &out.ob, msg, sizeof msg);
		free(c.buf);
		free(url);
		for (int i = 0; i < 3; i++)
			free(enc[i]);
	}
	if (code)
		fprintf(stderr, "vo-job: %s\n", msg);
	return output_close(&out, code, msg, sizeof msg);
}

/* ------------------------------------------------------------------- gc */

struct gc {
	struct http_client *client;
	int verbose;
	size_t deleted, dropped, kept;
	char **drop;
	size_t ndrop;
};

static int
gc_entry(void *ctx, const struct journal_entry *e)
{
	struct gc *g = ctx;
	struct uws_job j = {0};
	char msg[1024];
	int code = job_fetch(g->client, e->url, 0, UWS_UNKNOWN, &j, msg, sizeof msg);
	bool drop = false;

	if (code == VT_EX_NOINPUT) {
		drop = true;	/* the service forgot it already */
	} else if (!code && uws_phase_final(j.phase)) {
		/* finished: delete it; gone from the journal even if the
		 * service refuses (it will destroy the job itself) */
		if (job_delete(g->client, e->url, msg, sizeof msg) == 0)
			g->deleted++;
		else if (g->verbose)
			fprintf(stderr, "vo-job: %s\n", msg);
		drop = true;
	} else {
		g->kept++;
		if (code && g->verbose)
			fprintf(stderr, "vo-job: %s (kept)\n", msg);
	}
	uws_job_free(&j);
	if (drop) {
		g->drop = grow(g->drop, g->ndrop, sizeof *g->drop);
		g->drop[g->ndrop++] = strdup(e->url);
	}
	return 0;
}

static int
cmd_gc(struct opts *o, struct http_client *client)
{
	struct gc g = { .client = client, .verbose = o->net.verbose };
	char msg[1024];
	char *jp = journal_path();
	int code = journal_each(jp, gc_entry, &g, msg, sizeof msg);
	for (size_t i = 0; i < g.ndrop; i++) {
		if (g.drop[i] && journal_remove(jp, g.drop[i], msg, sizeof msg) == 0)
			g.dropped++;
		free(g.drop[i]);
	}
	free(g.drop);
	free(jp);
	if (code)
		fprintf(stderr, "vo-job: %s\n", msg);
	printf("deleted\t%zu\ndropped\t%zu\nkept\t%zu\n", g.deleted, g.dropped, g.kept);
	return code;
}

/* ------------------------------------------------------------------ main */

static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_RUN = 256, O_LANG, O_EXECDUR, O_DESTR, O_PHASE, O_AFTER, O_LAST, O_URL,
	       O_LOCAL, O_WAITTIMEOUT, O_NET, O_OUT = O_NET + NET_NLONGOPTS };
	static const struct option longopts[] = {
		{ "service", required_argument, NULL, 's' },
		TAP_LONGOPTS(O_LANG),
		{ "run", no_argument, NULL, O_RUN },
		{ "execution-duration", required_argument, NULL, O_EXECDUR },
		{ "destruction", required_argument, NULL, O_DESTR },
		{ "phase", required_argument, NULL, O_PHASE },
		{ "after", required_argument, NULL, O_AFTER },
		{ "last", required_argument, NULL, O_LAST },
		{ "url", no_argument, NULL, O_URL },
		{ "local", no_argument, NULL, O_LOCAL },
		{ "output", required_argument, NULL, 'o' },
		TABOUT_LONGOPTS(O_OUT),
		NET_LONGOPTS(O_NET),
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[400];
	int c;

	if (argc < 2)
		bad_usage("no command (submit, run, phase, info, wait, result, error, abort, "
			  "delete, set, list, gc)");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		usage();
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("vo-job (vo-tools) %s\n", VT_VERSION);
		exit(0);
	}
	o->cmd = argv[1];
	optind = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:q:p:u:m:P:f:o:c:vhV", longopts, NULL)) != -1) {
		int taken = 0;
		if (c == O_NET) {
			/* --timeout: for wait the waiting time, else the network's */
			if (net_parse_timeout(optarg, &o->wait_timeout) < 0)
				bad_usage("--timeout wants seconds, not '%s'", optarg);
			o->net.timeout_s = o->wait_timeout;
			continue;
		}
		taken = net_option(&o->net, c, O_NET, optarg, msg, sizeof msg);
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
		case O_RUN: o->run = true; break;
		case O_EXECDUR: o->exec_duration = optarg; break;
		case O_DESTR: o->destruction = optarg; break;
		case O_PHASE: o->phase_filter = optarg; break;
		case O_AFTER: o->after = optarg; break;
		case O_LAST: o->last = optarg; break;
		case O_URL: o->url_only = true; break;
		case O_LOCAL: o->local = true; break;
		case 'o': o->output = optarg; break;
		case 'v': o->net.verbose++; break;
		case 'h': usage(); break;
		case 'V': printf("vo-job (vo-tools) %s\n", VT_VERSION); exit(0);
		case ':': bad_usage("option '%s' needs an argument", argv[optind - 1]); break;
		default: bad_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
}

int
main(int argc, char **argv)
{
	struct opts o = { .tap.maxrec = -1, .wait_timeout = -1, .out.format = TW_TSV };
	char msg[1024];
	int code = 0;

	parse_args(argc, argv, &o);
	static const char *const known[] = { "submit", "run", "phase", "info", "wait", "result",
		"error", "abort", "delete", "set", "list", "gc", NULL };
	bool ok = false;
	for (size_t i = 0; known[i]; i++)
		ok |= !strcmp(o.cmd, known[i]);
	if (!ok)
		bad_usage("unknown command '%s'", o.cmd);

	bool per_job = strcmp(o.cmd, "submit") && strcmp(o.cmd, "list") && strcmp(o.cmd, "gc") &&
		       strcmp(o.cmd, "wait");
	if (per_job && o.nargs < 1)
		bad_usage("%s: which job? (give its URL)", o.cmd);
	bool single = !strcmp(o.cmd, "info") || !strcmp(o.cmd, "result") ||
		      !strcmp(o.cmd, "error") || !strcmp(o.cmd, "set");
	if (single && o.nargs != 1)
		bad_usage("%s takes one job", o.cmd);
	if (!strcmp(o.cmd, "submit") && o.nargs > 1)
		bad_usage("one query at most (quote it)");

	/* The service: for submit and list, -s or $VO_TAP_SERVICE; for a job,
	 * the job's own URL (credentials bind to its host). */
	char *base = NULL;
	const char *where = o.nargs ? o.args[0] : NULL;
	if (!strcmp(o.cmd, "submit") || (!strcmp(o.cmd, "list") && !o.local)) {
		char *service = service_resolve(o.service, "VO_TAP_SERVICE", &code, msg, sizeof msg);
		if (!service)
			errx(code, "%s", msg);
		base = tap_base_url(service);
		free(service);
		where = base;
	}
	if (!strcmp(o.cmd, "wait") && o.wait_timeout < 0)
		o.net.timeout_s = 0;	/* each WAIT is bounded by the service */
	else if (!strcmp(o.cmd, "wait") && o.wait_timeout == 0)
		o.net.timeout_s = 30;	/* just checking: but never hang */

	struct cred_store cs = {0};
	struct http_client *client = NULL;
	code = net_setup(&o.net, where, "vo-job", &cs, &client, msg, sizeof msg);
	if (code)
		errx(code, "%s", msg);

	if (!strcmp(o.cmd, "submit"))
		code = cmd_submit(&o, client, base);
	else if (!strcmp(o.cmd, "info")) {
		if (o.out.format != TW_TSV && o.out.format != TW_JSON)
			bad_usage("info writes tsv or json");
		code = cmd_info(&o, client);
	} else if (!strcmp(o.cmd, "wait"))
		code = cmd_wait(&o, client);
	else if (!strcmp(o.cmd, "result"))
		code = cmd_result(&o, client);
	else if (!strcmp(o.cmd, "error"))
		code = cmd_error(&o, client);
	else if (!strcmp(o.cmd, "set"))
		code = cmd_set(&o, client);
	else if (!strcmp(o.cmd, "list"))
		code = cmd_list(&o, client, base);
	else if (!strcmp(o.cmd, "gc"))
		code = cmd_gc(&o, client);
	else
		code = cmd_each(&o, client);

	tap_cli_free(&o.tap);
	tabout_opts_free(&o.out);
	free(base);
	net_free(&cs, client);
	return code;
}
