/* UWS documents (lib/uws): a job document and a job list, as an async
 * service answers them.  The job is written as TSV (every line exactly
 * key<TAB>value) and as JSON (one object that parses back). */
#include <jansson.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "outbuf.h"
#include "uws.h"

static int out_fd = -1;

/* What was written to out_fd since it was emptied, NUL-terminated. */
static char *
written(size_t *len)
{
	struct stat st;
	if (fstat(out_fd, &st) != 0)
		abort();
	char *s = malloc((size_t)st.st_size + 1);
	if (!s || pread(out_fd, s, (size_t)st.st_size, 0) != st.st_size)
		abort();
	s[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return s;
}

static void
reset_out(void)
{
	if (out_fd < 0 && (out_fd = memfd_create("out", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(out_fd, 0) != 0 || lseek(out_fd, 0, SEEK_SET) != 0)
		abort();
}

static void
check_job_output(const struct uws_job *j)
{
	struct outbuf ob;
	size_t len;

	reset_out();
	if (ob_init(&ob, out_fd, 4096) != 0)
		abort();
	uws_job_write_tsv(j, &ob);
	FZ_CHECK(ob_flush(&ob) == 0, "TSV write");
	char *s = written(&len);
	FZ_CHECK(strlen(s) == len, "TSV output holds a NUL");
	for (char *line = s; *line;) {
		char *nl = strchr(line, '\n');
		FZ_CHECK(nl != NULL, "TSV output does not end in a newline");
		size_t tabs = 0;
		for (char *c = line; c < nl; c++)
			tabs += *c == '\t';
		FZ_CHECK(tabs == 1, "TSV line with %zu tabs: %.*s", tabs, (int)(nl - line), line);
		line = nl + 1;
	}
	free(s);

	reset_out();
	ob.len = 0;
	FZ_CHECK(uws_job_write_json(j, &ob) == 0, "JSON write");
	FZ_CHECK(ob_flush(&ob) == 0, "JSON write");
	ob_free(&ob);
	s = written(&len);
	json_error_t jerr;
	json_t *v = json_loadb(s, len, JSON_DISABLE_EOF_CHECK, &jerr);
	FZ_CHECK(v != NULL && json_is_object(v), "JSON output does not parse: %s", jerr.text);
	json_decref(v);
	free(s);
}

static int
on_jobref(void *ctx, const char *const *fields, size_t n)
{
	size_t want;
	uws_jobs_header(&want);
	FZ_CHECK(n == want, "job list row of %zu fields, header %zu", n, want);
	for (size_t i = 0; i < n; i++)
		FZ_CHECK(fields[i] != NULL, "field %zu is NULL", i);
	(*(unsigned long *)ctx)++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char err[256];
	struct uws_job j;
	unsigned long rows = 0;

	if (uws_job_parse((const char *)data, len, &j, err, sizeof err) == 0) {
		fz_touch(uws_phase_name(j.phase));
		uws_phase_final(j.phase);
		check_job_output(&j);
		uws_job_free(&j);
	} else {
		FZ_CHECK(err[0] != '\0', "a failed parse without a message");
		uws_job_free(&j);	/* documented as harmless */
	}
	uws_jobs_parse((const char *)data, len, on_jobref, &rows, err, sizeof err);
	FZ_CHECK(rows <= len, "%lu jobs from %zu bytes", rows, len);

	/* the phase names, from the text itself */
	char *s = strndup((const char *)data, len < 64 ? len : 64);
	if (s) {
		enum uws_phase ph = uws_phase_parse(s);
		FZ_CHECK(ph == UWS_UNKNOWN || uws_phase_parse(uws_phase_name(ph)) == ph,
			 "phase name does not parse back");
		free(s);
	}
	return 0;
}
