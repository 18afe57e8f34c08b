/* The network options every program shares, turned into credentials and an
 * HTTP client:
 *     --timeout SECS  --token-file FILE  --auth bearer|basic
 *     --auth-user USER  -v
 * A program fills struct net_cli from its command line (getopt_long) and
 * calls net_setup() once it knows the service URL. */
#ifndef VT_NETOPTS_H
#define VT_NETOPTS_H

#include <stddef.h>

#include "cred.h"
#include "http.h"

/* For usage messages. */
#define NET_CLI_USAGE \
	"[--timeout SECS] [--token-file FILE] [--auth bearer|basic] [--auth-user USER] [-v]"

struct net_cli {		/* filled from a program's options; zero = unset */
	const char *token_file;	/* --token-file FILE, else $VO_TOKEN_FILE */
	const char *auth;	/* --auth bearer|basic (default bearer) */
	const char *auth_user;	/* --auth-user USER (basic; default x-oauth-basic) */
	double timeout_s;	/* --timeout SECS, 0 = none */
	int verbose;		/* -v count */
};

/* Parse a --timeout argument (seconds, decimals allowed, >= 0).
 * Returns 0, or -1 if s is not such a number. */
int net_parse_timeout(const char *s, double *secs);

/* Build the credential store (the token file bound to service_url's host and
 * port, plus the per-host credentials file) and an HTTP client that uses it;
 * cs must outlive the client.  Returns 0, or an exit code from exitcode.h
 * with a one-line message in err (e.g. 77 for a token file readable by
 * others, 66 for a missing one, 64 for a bad --auth); nothing is left
 * allocated then.  service_url may be NULL when no token file is given. */
int net_setup(const struct net_cli *o, const char *service_url, const char *progname,
	      struct cred_store *cs, struct http_client **client, char *err, size_t errlen);

/* Free what net_setup() built (the client first). */
void net_free(struct cred_store *cs, struct http_client *client);

#endif
