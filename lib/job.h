/* UWS jobs of a TAP service, from the client side: what vo-job and
 * vo-tap --async do over HTTP.  Every function returns 0 or an exit code
 * (exitcode.h) with a one-line message; an unknown job (HTTP 404 or 410)
 * is VT_EX_NOINPUT. */
#ifndef VT_JOB_H
#define VT_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"
#include "tap.h"
#include "uws.h"
#include "vot.h"

/* POST the query to base/async, then PHASE=RUN if run; *url gets the job
 * URL (malloc'd), also when starting it failed (the error says so).
 * extra: more NAME, VALUE pairs, NULL-terminated. */
int job_submit(struct http_client *c, const char *base, struct tap_query *q, bool run,
	       const char *const *extra, char **url, char *err, size_t errlen);

/* GET the job document into *job.  wait_s > 0 asks the service to block
 * up to that long while the job is still in phase current (UWS 1.1 WAIT;
 * services without it answer at once), at most half the client's stall
 * timeout. */
int job_fetch(struct http_client *c, const char *url, long wait_s, enum uws_phase current,
	      struct uws_job *job, char *err, size_t errlen);

/* POST PHASE=RUN or PHASE=ABORT. */
int job_phase_set(struct http_client *c, const char *url, const char *phase,
		  char *err, size_t errlen);
/* POST NAME=VALUE to the job's NAME resource (executionduration,
 * destruction). */
int job_param_set(struct http_client *c, const char *url, const char *name, const char *value,
		  char *err, size_t errlen);
int job_delete(struct http_client *c, const char *url, char *err, size_t errlen);

/* The URL of the job's result: the result with id "result" (TAP), else
 * the first; NULL if none. */
const char *job_result_href(const struct uws_job *job);

/* The job's error message: the errorSummary's, else the error resource's
 * (GET url/error), on one line and cut to JOB_MESSAGE_MAX bytes (with
 * "..."), malloc'd; NULL with a message when there is none.  (Other
 * services' error bodies quoted in messages are cut to HTTP_QUOTE_MAX.) */
#define JOB_MESSAGE_MAX 1000
char *job_error_message(struct http_client *c, const char *url, const struct uws_job *job,
			char *err, size_t errlen);

/* Stream the result at href into the parser.  A transfer that breaks is
 * taken up again where it broke (Range), or, where the service ignores
 * Range, read again with the part already parsed dropped; a few times. */
int job_download(struct http_client *c, const char *href, struct vot_parser *p,
		 char *err, size_t errlen);

#endif
