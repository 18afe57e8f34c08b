/* Exit codes shared by every vo-tools program; documented in vo-tools(7). */
#ifndef VT_EXITCODE_H
#define VT_EXITCODE_H

enum {
	VT_EX_OK = 0,
	VT_EX_SERVICE = 1,	/* the service reported an error (QUERY_STATUS=ERROR) */
	VT_EX_ABORTED = 2,	/* vo-job wait: a job was aborted */
	VT_EX_OVERFLOW = 3,	/* result truncated, with --fail-on-overflow */
	VT_EX_EMPTY = 4,	/* vo-soda: the cutout is empty, nothing matched */
	VT_EX_USAGE = 64,	/* bad command line */
	VT_EX_DATAERR = 65,	/* malformed or unsupported input data */
	VT_EX_NOINPUT = 66,	/* input file missing or unreadable */
	VT_EX_UNAVAILABLE = 69,	/* service unreachable or failing (5xx) */
	VT_EX_SOFTWARE = 70,	/* internal error, out of memory */
	VT_EX_CANTCREAT = 73,	/* cannot create the output file */
	VT_EX_IOERR = 74,	/* read or write error */
	VT_EX_TEMPFAIL = 75,	/* timeout, 429/503: worth retrying later */
	VT_EX_PROTOCOL = 76,	/* service answered, but not as the protocol says */
	VT_EX_NOPERM = 77,	/* authentication or permission problem */
	VT_EX_CONFIG = 78,	/* bad configuration file */
};

#endif
