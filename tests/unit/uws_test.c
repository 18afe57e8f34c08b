/* UWS job documents and job lists (lib/uws.c): documents captured from
 * DaCHS and hand-written ones in the styles of other services; phases;
 * the TSV and JSON writers; errors.
 *
 * Usage: uws_test FIXTURE-DIR
 *        uws_test -t|-j|-l FILE	(print a job as TSV, as JSON, or a job
 *					list as TSV; exit status the parser's) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "exitcode.h"
#include "outbuf.h"
#include "table.h"
#include "uws.h"

static int failures, checks;

static void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (ok)
		return;
	failures++;
	fputs("FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int
streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

#define CHECK_STR(got, want, what) \
	check(streq((got), (want)), "%s: '%s', expected '%s'", (what), \
	      (got) ? (got) : "(null)", (want) ? (want) : "(null)")

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, k;

	if (!f) {
		perror(path);
		exit(2);
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (!(buf = realloc(buf, cap + 1))) {
				fprintf(stderr, "out of memory\n");
				exit(2);
			}
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
	} while (k > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static const char *dir;

static int
job(const char *name, struct uws_job *j, char *err, size_t errlen)
{
	char path[1024];
	size_t len;
	char *buf;
	int r;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	buf = slurp(path, &len);
	r = uws_job_parse(buf, len, j, err, errlen);
	free(buf);
	return r;
}

/* A job list as TSV text, header first. */
struct list {
	char s[8192];
	size_t len;
	int rows, stop_at;
};

static int
on_row(void *ctx, const char *const *f, size_t n)
{
	struct list *l = ctx;
	struct outbuf ob;

	if (++l->rows == l->stop_at)
		return 42;
	if (ob_init(&ob, -1, 4096) < 0)
		exit(2);
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_putc(&ob, '\t');
		tsv_put_escaped(&ob, f[i], strlen(f[i]));
	}
	ob_putc(&ob, '\n');
	l->len += (size_t)snprintf(l->s + l->len, sizeof l->s - l->len, "%.*s",
				   (int)ob.len, ob.buf);
	ob_free(&ob);
	return 0;
}

static int
list(const char *name, struct list *l, char *err, size_t errlen)
{
	char path[1024];
	size_t len;
	char *buf;
	int r;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	buf = slurp(path, &len);
	r = uws_jobs_parse(buf, len, on_row, l, err, errlen);
	free(buf);
	return r;
}

/* What a writer puts out, as a string (the outbuf never flushes: its
 * buffer is big enough). */
static char *
written(const struct uws_job *j, bool json)
{
	struct outbuf ob;
	char *s;

	if (ob_init(&ob, -1, 1 << 16) < 0)
		exit(2);
	if (json)
		check(uws_job_write_json(j, &ob) == 0, "write_json");
	else
		uws_job_write_tsv(j, &ob);
	if (!(s = strndup(ob.buf, ob.len)))
		exit(2);
	ob_free(&ob);
	return s;
}

static void
test_phases(void)
{
	check(uws_phase_parse("COMPLETED") == UWS_COMPLETED, "COMPLETED");
	check(uws_phase_parse(" \n executing\t") == UWS_EXECUTING, "trimmed, lower case");
	check(uws_phase_parse("Held") == UWS_HELD, "Held");
	check(uws_phase_parse("ARCHIVED") == UWS_ARCHIVED, "ARCHIVED");
	check(uws_phase_parse("COMPLETE") == UWS_UNKNOWN, "COMPLETE is unknown");
	check(uws_phase_parse("COMPLETEDX") == UWS_UNKNOWN, "COMPLETEDX is unknown");
	check(uws_phase_parse("") == UWS_UNKNOWN, "empty");
	check(uws_phase_parse(NULL) == UWS_UNKNOWN, "NULL");
	for (int p = UWS_UNKNOWN; p <= UWS_ARCHIVED; p++)
		check(p == UWS_UNKNOWN || uws_phase_parse(uws_phase_name(p)) == (enum uws_phase)p,
		      "name/parse round trip of %d", p);
	CHECK_STR(uws_phase_name(UWS_SUSPENDED), "SUSPENDED", "name");
	CHECK_STR(uws_phase_name((enum uws_phase)99), "UNKNOWN", "out of range");
	int final = 0;
	for (int p = UWS_UNKNOWN; p <= UWS_ARCHIVED; p++)
		final += uws_phase_final((enum uws_phase)p);
	check(final == 4, "four final phases");
	check(uws_phase_final(UWS_ERROR) && uws_phase_final(UWS_ABORTED) &&
	      !uws_phase_final(UWS_HELD) && !uws_phase_final(UWS_SUSPENDED), "final");
}

static void
test_dachs(void)
{
	struct uws_job j;
	char err[256];
	int r;

	r = job("dachs-pending.xml", &j, err, sizeof err);
	check(r == 0, "dachs-pending: %d %s", r, err);
	CHECK_STR(j.job_id, "zo10kbem", "job_id");
	check(j.phase == UWS_PENDING, "PENDING");
	CHECK_STR(j.owner_id, NULL, "nil ownerId");
	CHECK_STR(j.run_id, NULL, "no runId");
	CHECK_STR(j.start_time, NULL, "nil startTime");
	CHECK_STR(j.quote, "2026-11-21T18:49:47Z", "quote");
	CHECK_STR(j.creation_time, "2026-11-21T18:49:43Z", "creationTime");
	CHECK_STR(j.destruction, "2026-11-23T18:49:43Z", "destruction");
	check(j.execution_duration == 3600, "executionDuration");
	check(j.nparams == 9, "9 parameters, got %zu", j.nparams);
	if (j.nparams == 9) {
		CHECK_STR(j.params[2].id, "query", "param id");
		CHECK_STR(j.params[2].value, "SELECT TOP 1 * FROM tap_schema.schemas", "param");
		CHECK_STR(j.params[3].value, "", "empty parameter");
		check(!j.params[2].by_reference, "not by reference");
	}
	check(j.nresults == 0 && !j.has_error, "no results, no error");
	uws_job_free(&j);

	r = job("dachs-completed.xml", &j, err, sizeof err);
	check(r == 0, "dachs-completed: %d %s", r, err);
	check(j.phase == UWS_COMPLETED, "COMPLETED");
	CHECK_STR(j.end_time, "2026-11-21T18:49:51Z", "endTime");
	check(j.nresults == 1, "one result");
	if (j.nresults == 1) {
		CHECK_STR(j.results[0].id, "result", "result id");
		CHECK_STR(j.results[0].href,
			  "http://127.0.0.1:8087/__system__/tap/run/async/vvz_0sob/results/result",
			  "result href");
	}
	char *tsv = written(&j, false);
	check(strncmp(tsv, "key\tvalue\njob_id\tvvz_0sob\nrun_id\t\nowner_id\t\nphase\tCOMPLETED\n", 59) == 0,
	      "tsv head: %s", tsv);
	check(strstr(tsv, "\nexecution_duration\t3600\n") != NULL, "tsv duration");
	check(strstr(tsv, "\nparameter.query\tSELECT TOP 3 * FROM tap_schema.tables\n") != NULL,
	      "tsv parameter");
	check(strstr(tsv, "\nparameter.maxrec\t\n") != NULL, "tsv empty parameter");
	check(strstr(tsv, "\nresult.result\thttp://127.0.0.1:8087/") != NULL, "tsv result");
	check(strstr(tsv, "error.") == NULL, "tsv: no error rows");
	free(tsv);
	uws_job_free(&j);

	r = job("dachs-error.xml", &j, err, sizeof err);
	check(r == 0, "dachs-error: %d %s", r, err);
	check(j.phase == UWS_ERROR, "ERROR");
	check(j.has_error && !j.error_has_detail, "error summary, no detail");
	CHECK_STR(j.error_type, "fatal", "error type");
	CHECK_STR(j.error_message,
		  "Field query: Could not parse your query: Expected \"SELECT\", found 'S'  (at char 0), (line:1, col:1)",
		  "error message");
	tsv = written(&j, false);
	check(strstr(tsv, "\nerror.type\tfatal\nerror.message\tField query: Could not") != NULL,
	      "tsv error rows: %s", tsv);
	free(tsv);
	uws_job_free(&j);
}

static void
test_others(void)
{
	struct uws_job j;
	char err[256];
	int r;

	r = job("uws10-default-ns.xml", &j, err, sizeof err);
	check(r == 0, "uws10-default-ns: %d %s", r, err);
	CHECK_STR(j.job_id, "job42", "trimmed jobId");
	CHECK_STR(j.run_id, "nightly", "runId");
	check(j.phase == UWS_EXECUTING, "executing, lower case");
	CHECK_STR(j.quote, NULL, "nil quote");
	CHECK_STR(j.creation_time, NULL, "no creationTime in UWS 1.0");
	check(j.execution_duration == 0, "executionDuration 0 (unlimited)");
	check(j.nparams == 2, "2 parameters");
	if (j.nparams == 2) {
		CHECK_STR(j.params[0].value, "SELECT *\nFROM t\tWHERE a < 1", "value kept as is");
		check(j.params[1].by_reference, "byReference");
	}
	char *tsv = written(&j, false);
	check(strstr(tsv, "\nparameter.QUERY\tSELECT *\\nFROM t\\tWHERE a < 1\n") != NULL,
	      "tsv escaping: %s", tsv);
	check(strstr(tsv, "\nquote\t\ncreation_time\t\n") != NULL, "tsv absent values");
	free(tsv);
	char *js = written(&j, true);
	json_error_t je;
	json_t *o = json_loads(js, 0, &je);
	check(o != NULL, "JSON parses: %s", js);
	if (o) {
		CHECK_STR(json_string_value(json_object_get(o, "job_id")), "job42", "json job_id");
		CHECK_STR(json_string_value(json_object_get(o, "phase")), "EXECUTING", "json phase");
		check(json_is_null(json_object_get(o, "quote")), "json null quote");
		check(json_integer_value(json_object_get(o, "execution_duration")) == 0,
		      "json duration");
		CHECK_STR(json_string_value(json_object_get(json_object_get(o, "parameters"), "QUERY")),
			  "SELECT *\nFROM t\tWHERE a < 1", "json parameter");
		check(json_is_object(json_object_get(o, "results")) &&
		      json_object_size(json_object_get(o, "results")) == 0, "json empty results");
		check(json_is_null(json_object_get(o, "error")), "json error null");
		json_decref(o);
	}
	check(strchr(js, '\n') == js + strlen(js) - 1, "one line");
	free(js);
	uws_job_free(&j);

	r = job("cadc-completed.xml", &j, err, sizeof err);
	check(r == 0, "cadc-completed: %d %s", r, err);
	check(j.phase == UWS_COMPLETED, "jobInfo does not override the phase");
	CHECK_STR(j.job_id, "q1w2e3r4t5", "jobInfo does not override jobId");
	CHECK_STR(j.owner_id, "CN=someone,OU=cadc,O=hia,C=ca", "ownerId");
	CHECK_STR(j.run_id, "vo-job 7", "runId");
	check(!j.has_error, "jobInfo's errorSummary ignored");
	check(j.nresults == 2, "two results");
	if (j.nresults == 2)
		CHECK_STR(j.results[1].href, "https://example.org/diag?a=1&b=2", "href entity");
	js = written(&j, true);
	o = json_loads(js, 0, &je);
	check(o != NULL, "JSON parses");
	if (o) {
		CHECK_STR(json_string_value(json_object_get(json_object_get(o, "results"), "diag")),
			  "https://example.org/diag?a=1&b=2", "json result");
		check(json_integer_value(json_object_get(o, "execution_duration")) == 14400,
		      "json duration");
		json_decref(o);
	}
	free(js);
	uws_job_free(&j);

	r = job("ns0-error-detail.xml", &j, err, sizeof err);
	check(r == 0, "ns0-error-detail: %d %s", r, err);
	check(j.phase == UWS_ERROR, "Error");
	check(j.execution_duration == -1, "bad executionDuration is unknown");
	CHECK_STR(j.error_type, "transient", "error type");
	CHECK_STR(j.error_message, "Query timed out", "message trimmed");
	check(j.error_has_detail, "detail link");
	js = written(&j, true);
	o = json_loads(js, 0, &je);
	check(o != NULL, "JSON parses");
	if (o) {
		json_t *e = json_object_get(o, "error");
		CHECK_STR(json_string_value(json_object_get(e, "message")), "Query timed out",
			  "json error message");
		check(json_is_true(json_object_get(e, "has_detail")), "json has_detail");
		check(json_is_null(json_object_get(o, "execution_duration")), "json null duration");
		json_decref(o);
	}
	free(js);
	uws_job_free(&j);
}

static void
test_errors(void)
{
	struct uws_job j;
	struct list l = { .len = 0 };
	char err[256];
	int r;

	r = job("bad-entity.xml", &j, err, sizeof err);
	check(r == VT_EX_PROTOCOL && strstr(err, "entity declarations are not allowed"),
	      "entity refused: %d %s", r, err);
	check(j.job_id == NULL && j.nparams == 0, "left empty");
	uws_job_free(&j);
	r = job("bad-truncated.xml", &j, err, sizeof err);
	check(r == VT_EX_PROTOCOL && strstr(err, "line 2: no element found"), "truncated: %d %s", r, err);
	uws_job_free(&j);
	r = job("bad-votable.xml", &j, err, sizeof err);
	check(r == VT_EX_PROTOCOL && strstr(err, "not a UWS job document (root element 'VOTABLE')"),
	      "votable: %d %s", r, err);
	r = job("dachs-jobs.xml", &j, err, sizeof err);
	check(r == VT_EX_PROTOCOL && strstr(err, "root element 'uws:jobs'"), "list as job: %s", err);
	r = list("dachs-completed.xml", &l, err, sizeof err);
	check(r == VT_EX_PROTOCOL && strstr(err, "not a UWS job list"), "job as list: %s", err);
	r = uws_job_parse("", 0, &j, err, sizeof err);
	check(r == VT_EX_PROTOCOL, "empty document: %d %s", r, err);
	/* errlen 0: no message, no crash */
	r = uws_job_parse("<x/>", 4, &j, NULL, 0);
	check(r == VT_EX_PROTOCOL, "errlen 0");
}

static void
test_lists(void)
{
	struct list l = { .len = 0 };
	char err[256];
	size_t n;
	const char *const *h = uws_jobs_header(&n);
	int r;

	check(n == 6 && streq(h[0], "id") && streq(h[1], "phase") && streq(h[2], "href") &&
	      streq(h[3], "run_id") && streq(h[4], "creation_time") && streq(h[5], "owner_id"),
	      "header");
	r = list("dachs-jobs.xml", &l, err, sizeof err);
	check(r == 0 && l.rows == 8, "dachs-jobs: %d rows, %s", l.rows, err);
	const char *first = "3py1bqtl\tPENDING\thttp://127.0.0.1:8087/__system__/tap/run/async/3py1bqtl\t\t\t\n";
	check(strncmp(l.s, first, strlen(first)) == 0, "dachs first row: %s", l.s);
	check(strstr(l.s, "\nrpogq9t3\tERROR\thttp://127.0.0.1:8087/__system__/tap/run/async/rpogq9t3\t\t\t\n") &&
	      strstr(l.s, "\n2k1uddcd\tEXECUTING\t"), "dachs rows");

	memset(&l, 0, sizeof l);
	r = list("jobs-11.xml", &l, err, sizeof err);
	check(r == 0 && l.rows == 3, "jobs-11: %d rows %s", l.rows, err);
	CHECK_STR(l.s,
		  "a1\tEXECUTING\thttps://example.org/tap/async/a1\tnightly\\trun\t2024-05-06T07:00:00Z\talice\n"
		  "a2\tQUEUED\thttps://example.org/tap/async/a2\t\t\t\n"
		  "a3\tWEIRD\thttps://example.org/tap/async/a3\t\t\t\n", "jobs-11 rows");

	memset(&l, 0, sizeof l);
	r = list("jobs-empty-default-ns.xml", &l, err, sizeof err);
	check(r == 0 && l.rows == 0, "empty list");

	memset(&l, 0, sizeof l);
	l.stop_at = 2;
	r = list("jobs-11.xml", &l, err, sizeof err);
	check(r == 42 && l.rows == 2, "callback stops: %d after %d", r, l.rows);
}

static int
print(const char *mode, const char *path)
{
	size_t len;
	char *buf = slurp(path, &len);
	char err[256];
	struct outbuf ob;
	int r;

	if (ob_init(&ob, 1, 65536) < 0)
		return VT_EX_SOFTWARE;
	if (strcmp(mode, "-l") == 0) {
		struct list l = { .len = 0 };
		size_t n;
		const char *const *h = uws_jobs_header(&n);
		on_row(&l, h, n);
		r = uws_jobs_parse(buf, len, on_row, &l, err, sizeof err);
		fputs(l.s, stdout);
	} else {
		struct uws_job j;
		if ((r = uws_job_parse(buf, len, &j, err, sizeof err)) == 0) {
			if (strcmp(mode, "-j") == 0)
				uws_job_write_json(&j, &ob);
			else
				uws_job_write_tsv(&j, &ob);
		}
		uws_job_free(&j);
	}
	ob_flush(&ob);
	ob_free(&ob);
	free(buf);
	if (r)
		fprintf(stderr, "uws_test: %s\n", err);
	return r;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && argv[1][0] == '-')
		return print(argv[1], argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: uws_test FIXTURE-DIR | uws_test -t|-j|-l FILE\n");
		return 2;
	}
	dir = argv[1];
	test_phases();
	test_dachs();
	test_others();
	test_errors();
	test_lists();
	printf("%d checks, %d failures\n", checks, failures);
	return failures != 0;
}
