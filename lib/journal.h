/* The local job journal: the asynchronous jobs this user submitted, so that
 * what is in flight can be listed and cleaned up later (vo-job list --local,
 * vo-job gc).
 *
 * The file is $VO_JOURNAL, else $XDG_STATE_HOME/vo-tools/jobs, else
 * ~/.local/state/vo-tools/jobs: TSV (vo-tools(7) escaping) with the header
 *
 *	url service submitted phase updated digest query
 *
 * times ISO 8601 UTC (2026-11-21T18:49:43Z); digest the FNV-1a 64-bit hash
 * of the whole query text as 16 lower-case hex digits; query the text,
 * truncated to JOURNAL_QUERY_MAX bytes (on a UTF-8 character boundary).
 *
 * Every change takes an exclusive flock(2) on PATH.lock, reads the journal,
 * writes a temporary file in the same directory and renames it over the
 * journal: overlapping cron runs serialise, readers need no lock, and a
 * crash leaves the old or the new journal, never half of one.  The kernel
 * drops the lock of a killed process; a left-over lock file is harmless.
 * Writers create the directory (mode 700) and the file (mode 600).
 *
 * Functions return 0 or an exit code of exitcode.h with a one-line
 * message in err. */
#ifndef VT_JOURNAL_H
#define VT_JOURNAL_H

#include <stddef.h>

#define JOURNAL_QUERY_MAX 2000

/* Fields are never NULL when handed to a journal_each callback ("" when
 * empty; valid during the call only).  For journal_add NULL means: url
 * and service empty, submitted and updated now, phase empty, digest that
 * of query. */
struct journal_entry {
	const char *url;	/* the job's URL: the key */
	const char *service;	/* the service's base URL or short name */
	const char *submitted;
	const char *phase;	/* a UWS phase name */
	const char *updated;	/* when phase was last learnt */
	const char *digest;
	const char *query;
};

/* The journal's path (see above), malloc'd; NULL when neither $VO_JOURNAL,
 * $XDG_STATE_HOME nor $HOME is set, or out of memory.  Creates nothing. */
char *journal_default_path(void);

/* Append a record (an existing record for the same url is kept). */
int journal_add(const char *path, const struct journal_entry *e,
		char *err, size_t errlen);
/* Set phase, and updated to now, of the record(s) for url; nothing when
 * there is none. */
int journal_set_phase(const char *path, const char *url, const char *phase,
		      char *err, size_t errlen);
/* Remove the record(s) for url; nothing when there is none. */
int journal_remove(const char *path, const char *url, char *err, size_t errlen);

/* Every well-formed record, in order (lines without 7 fields are
 * skipped); a missing journal has none.  A non-zero return of fn stops
 * the reading and is returned as is. */
int journal_each(const char *path,
		 int (*fn)(void *ctx, const struct journal_entry *e), void *ctx,
		 char *err, size_t errlen);

/* FNV-1a 64 of s, as 16 hex digits and a NUL. */
void journal_digest(const char *s, char out[17]);
/* Now, as 2026-11-21T18:49:43Z and a NUL. */
void journal_now(char out[21]);

#endif
