/* UWS (IVOA Universal Worker Service, 1.0 and 1.1) documents: the job
 * document of an asynchronous job and the job list, as TAP async services
 * answer them.
 *
 * Documents are parsed whole (they are small); elements and attributes are
 * matched on their local names, so namespace prefixes (uws:, none, ns0:)
 * and the namespace URI do not matter.  An element with xsi:nil="true" is
 * taken as absent.  Entity declarations are refused.
 *
 * Functions return 0 or an exit code of exitcode.h (VT_EX_PROTOCOL for a
 * document that is not well-formed or not the one expected, VT_EX_SOFTWARE
 * when out of memory) with a one-line message in err. */
#ifndef VT_UWS_H
#define VT_UWS_H

#include <stdbool.h>
#include <stddef.h>

#include "outbuf.h"

enum uws_phase {
	UWS_UNKNOWN,
	UWS_PENDING,
	UWS_QUEUED,
	UWS_EXECUTING,
	UWS_COMPLETED,
	UWS_ERROR,
	UWS_ABORTED,
	UWS_HELD,
	UWS_SUSPENDED,
	UWS_ARCHIVED,
};

/* Case-insensitive, surrounding white space ignored; UWS_UNKNOWN for
 * anything else (NULL too). */
enum uws_phase uws_phase_parse(const char *s);
/* "PENDING", ...; "UNKNOWN" for UWS_UNKNOWN or an out-of-range value. */
const char *uws_phase_name(enum uws_phase ph);
/* COMPLETED, ERROR, ABORTED, ARCHIVED: the job will not change any more. */
bool uws_phase_final(enum uws_phase ph);

struct uws_param {
	char *id;
	char *value;		/* never NULL ("" when empty or nil) */
	bool by_reference;	/* byReference="true": value is a URL */
};

struct uws_result {
	char *id;
	char *href;		/* xlink:href; never NULL ("" when missing) */
};

/* Strings are NULL when absent (or xsi:nil); times as the service wrote
 * them (ISO 8601), surrounding white space removed. */
struct uws_job {
	char *job_id, *run_id, *owner_id;
	enum uws_phase phase;		/* UWS_UNKNOWN when absent or unknown */
	char *quote, *creation_time, *start_time, *end_time, *destruction;
	long execution_duration;	/* seconds, 0 unlimited, -1 unknown */
	struct uws_param *params;
	size_t nparams;
	struct uws_result *results;
	size_t nresults;
	char *error_type;		/* errorSummary type: fatal, transient */
	char *error_message;		/* errorSummary/message */
	bool has_error;			/* an errorSummary was there */
	bool error_has_detail;		/* hasDetail="true" or a detail link */
};

/* Parse a job document (root element "job").  On success *out holds the
 * job (free with uws_job_free); on failure *out is left empty (freeing it
 * is harmless). */
int uws_job_parse(const char *buf, size_t len, struct uws_job *out,
		  char *err, size_t errlen);
void uws_job_free(struct uws_job *j);

/* The job list: a row per jobref, in document order. */
typedef int (*uws_row_fn)(void *ctx, const char *const *fields, size_t n);

/* "id phase href run_id creation_time owner_id" */
const char *const *uws_jobs_header(size_t *n);

/* Parse a job list (root element "jobs"); fields are never NULL ("" when
 * absent), phase is the phase name as uws_phase_name() spells it, or the
 * service's text when not a known phase.  A non-zero return of row stops
 * the parse and is returned as is (with err empty). */
int uws_jobs_parse(const char *buf, size_t len, uws_row_fn row, void *ctx,
		   char *err, size_t errlen);

/* key<TAB>value rows, header "key\tvalue": job_id run_id owner_id phase
 * quote creation_time start_time end_time execution_duration destruction
 * (always, empty when absent), then parameter.ID per parameter, result.ID
 * per result, error.type and error.message when there is an error
 * summary.  Values TSV-escaped.  Errors are the outbuf's. */
void uws_job_write_tsv(const struct uws_job *j, struct outbuf *ob);

/* One JSON object and a newline:
 * {"job_id": ..., "run_id": ..., "owner_id": ..., "phase": "COMPLETED",
 *  "quote": ..., "creation_time": ..., "start_time": ..., "end_time": ...,
 *  "execution_duration": N|null, "destruction": ...,
 *  "parameters": {"ID": "VALUE", ...}, "results": {"ID": "HREF", ...},
 *  "error": {"type": ..., "message": ..., "has_detail": bool} | null}
 * Absent strings are null.  Returns 0, or -1 when out of memory. */
int uws_job_write_json(const struct uws_job *j, struct outbuf *ob);

#endif
