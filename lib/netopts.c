/* Common network options; see netopts.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cred.h"
#include "exitcode.h"
#include "http.h"
#include "netopts.h"

int
net_parse_timeout(const char *s, double *secs)
{
	char *end;
	double d;

	d = strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(d) || d < 0 || d > 1e9)
		return -1;
	*secs = d;
	return 0;
}

/* $name as seconds into *secs (unset or empty: left as it is). */
static int
env_seconds(const char *name, double *secs, char *err, size_t errlen)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		return 0;
	if (net_parse_timeout(v, secs) < 0) {
		snprintf(err, errlen, "%s wants seconds, not '%s'", name, v);
		return -1;
	}
	return 0;
}

int
net_http_opts(const struct net_cli *o, struct http_opts *ho, char *err, size_t errlen)
{
	double connect = HTTP_CONNECT_TIMEOUT_S, stall = HTTP_STALL_TIMEOUT_S;

	if (env_seconds("VO_CONNECT_TIMEOUT", &connect, err, errlen) < 0 ||
	    env_seconds("VO_STALL_TIMEOUT", &stall, err, errlen) < 0)
		return VT_EX_USAGE;
	if (connect <= 0) {
		snprintf(err, errlen, "VO_CONNECT_TIMEOUT must be more than 0 seconds");
		return VT_EX_USAGE;
	}
	ho->timeout_ms = o->timeout_s > 0 ? (long)ceil(o->timeout_s * 1000) : 0;
	ho->connect_timeout_ms = (long)ceil(connect * 1000);
	ho->low_speed_time_s = stall > 0 ? (long)ceil(stall) : -1;	/* 0: never */
	return 0;
}

static int
load_credentials_file(struct cred_store *cs, char *err, size_t errlen)
{
	const char *env = getenv("VO_CREDENTIALS");
	enum cred_err ce;
	char *path;

	if ((path = cred_default_path()) == NULL)
		return 0;	/* no $HOME: no default file either */
	/* A file the user named explicitly must exist; the default need not. */
	ce = cred_store_load(cs, path, env != NULL && *env != '\0', err, errlen);
	free(path);
	return ce == CRED_OK ? 0 : cred_err_exit(ce);
}

int
net_setup(const struct net_cli *o, const char *service_url, const char *progname,
	  struct cred_store *cs, struct http_client **client, char *err, size_t errlen)
{
	const char *token_file = o->token_file;
	struct http_opts ho;
	enum cred_scheme scheme;
	enum cred_err ce;
	int rc;

	memset(cs, 0, sizeof *cs);
	*client = NULL;
	if (o->auth == NULL || strcmp(o->auth, "bearer") == 0) {
		scheme = CRED_BEARER;
	} else if (strcmp(o->auth, "basic") == 0) {
		scheme = CRED_BASIC;
	} else {
		snprintf(err, errlen, "unknown --auth %s: use bearer or basic", o->auth);
		return VT_EX_USAGE;
	}
	if (token_file == NULL || *token_file == '\0')
		token_file = getenv("VO_TOKEN_FILE");
	/* The token file comes first: it wins over the credentials file. */
	if (token_file != NULL && *token_file != '\0') {
		if (service_url == NULL) {
			snprintf(err, errlen, "a token file needs a service URL to bind it to");
			return VT_EX_USAGE;
		}
		ce = cred_store_add_for_url(cs, service_url, scheme,
					    o->auth_user != NULL ? o->auth_user : "x-oauth-basic",
					    token_file, err, errlen);
		if (ce != CRED_OK) {
			cred_store_free(cs);
			return cred_err_exit(ce);
		}
	}
	if ((rc = load_credentials_file(cs, err, errlen)) != 0) {
		cred_store_free(cs);
		return rc;
	}
	memset(&ho, 0, sizeof ho);
	if ((rc = net_http_opts(o, &ho, err, errlen)) != 0) {
		cred_store_free(cs);
		return rc;
	}
	ho.verbose = o->verbose;
	ho.progname = progname;
	ho.creds = cs;
	if ((*client = http_client_new(&ho)) == NULL) {
		snprintf(err, errlen, "cannot set up the HTTP client (out of memory?)");
		cred_store_free(cs);
		return VT_EX_SOFTWARE;
	}
	return 0;
}

void
net_free(struct cred_store *cs, struct http_client *client)
{
	http_client_free(client);
	cred_store_free(cs);
}

int
net_option(struct net_cli *o, int c, int base, const char *arg, char *err, size_t errlen)
{
	switch (c - base) {
	case 0:
		if (net_parse_timeout(arg, &o->timeout_s) < 0) {
			snprintf(err, errlen, "--timeout wants seconds, not '%s'", arg);
			return -1;
		}
		return 1;
	case 1: o->token_file = arg; return 1;
	case 2: o->auth = arg; return 1;
	case 3: o->auth_user = arg; return 1;
	default: return 0;
	}
}
