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

/* The long options of struct net_cli, for a program's getopt_long table;
 * getopt_long returns base, base+1, ... for them.  -v/--verbose is each
 * program's own (it may trace more than HTTP): count it in o->verbose. */
#define NET_LONGOPTS(base) \
	{ "timeout", required_argument, NULL, (base) }, \
	{ "token-file", required_argument, NULL, (base) + 1 }, \
	{ "auth", required_argument, NULL, (base) + 2 }, \
	{ "auth-user", required_argument, NULL, (base) + 3 }
#define NET_NLONGOPTS 4

/* Their lines for a program's --help. */
#define NET_HELP \
"      --timeout SECS      give up after SECS seconds (default: no limit, but\n" \
"                          connect within 30 s, and less than 1 byte/s for\n" \
"                          300 s is a stall: $VO_CONNECT_TIMEOUT and\n" \
"                          $VO_STALL_TIMEOUT change these, 0 no stall limit)\n" \
"      --token-file FILE   a token (mode 600) for the service's host\n" \
"      --auth SCHEME       bearer (default) or basic (user from --auth-user,\n" \
"                          default x-oauth-basic, the token as password)\n" \
"  -v, --verbose           trace HTTP on stderr (secrets redacted)\n"

/* If c (from getopt_long) is one of NET_LONGOPTS(base), take its argument
 * and return 1, or -1 with a message for a bad value; else return 0. */
int net_option(struct net_cli *o, int c, int base, const char *arg, char *err, size_t errlen);

/* The deadlines of struct http_opts: --timeout, and the connect and stall
 * timeouts, $VO_CONNECT_TIMEOUT and $VO_STALL_TIMEOUT (seconds; a stall
 * timeout of 0 turns it off) else HTTP_CONNECT_TIMEOUT_S and
 * HTTP_STALL_TIMEOUT_S.  Returns 0, or VT_EX_USAGE with a message for a
 * bad value.  net_setup() uses it; a program that builds its own client
 * should too. */
int net_http_opts(const struct net_cli *o, struct http_opts *ho, char *err, size_t errlen);

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
