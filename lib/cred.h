/* Credentials, each bound to one host.
 *
 * Secrets only ever come from files (never argv): a token file given with
 * --token-file, a file named by $VO_TOKEN_FILE, or token files named in the
 * per-host credentials file ($VO_CREDENTIALS, default
 * $XDG_CONFIG_HOME/vo-tools/credentials), whose lines are
 *     HOST[:PORT]  bearer  TOKEN-FILE
 *     HOST[:PORT]  basic   USER  TOKEN-FILE
 * (see vo-tools(7)).  '#' starts a comment; blank lines are ignored; a
 * leading "~/" in TOKEN-FILE is the home directory, and a relative
 * TOKEN-FILE is taken relative to the credentials file's directory.
 * A token file must not be readable by group or others.
 * A token file holds one line; surrounding whitespace is stripped.
 * A token file is a regular file or a pipe (<(pass show x), /dev/stdin):
 * a directory or a device is refused, a FIFO without a writer too (never
 * waited for), and a pipe's writer gets 120 s.  The credentials file must
 * be a regular file. */
#ifndef VT_CRED_H
#define VT_CRED_H

#include <stddef.h>

enum cred_scheme { CRED_BEARER, CRED_BASIC };

struct cred {
	char *host;		/* lower-case host name, no port ("[::1]" for IPv6) */
	int port;		/* 0: any port */
	enum cred_scheme scheme;
	char *user;		/* basic only */
	char *secret;		/* never printed */
};

struct cred_store {
	struct cred *v;
	size_t n;
};

enum cred_err {
	CRED_OK = 0,
	CRED_ENOENT,	/* file missing or unreadable */
	CRED_EPERM,	/* token file readable by group or others */
	CRED_EFORMAT,	/* empty token, malformed credentials line */
	CRED_ENOMEM,
};

/* Read a token from a file; *token is malloc'd (wipe and free it with
 * cred_wipe_free).  err gets a one-line message without the token, e.g.
 * "/home/u/.rsp-tap.token is readable by others; run: chmod 600 /home/u/.rsp-tap.token". */
enum cred_err cred_read_token_file(const char *path, char **token, char *err, size_t errlen);

/* Add a credential for the host and port of url (the scheme's default port
 * if the URL names none): it is sent to nothing else. */
enum cred_err cred_store_add_for_url(struct cred_store *cs, const char *url,
				     enum cred_scheme scheme, const char *user,
				     const char *token_file, char *err, size_t errlen);
/* Load a per-host credentials file; a missing file at the default path is
 * not an error (pass must_exist=0). */
enum cred_err cred_store_load(struct cred_store *cs, const char *path, int must_exist,
			      char *err, size_t errlen);
/* The credential for url's host and port, or NULL.  Exact host match only;
 * a credential naming the port wins over one for any port, and among
 * equals the first added wins. */
const struct cred *cred_for_url(const struct cred_store *cs, const char *url);
void cred_store_free(struct cred_store *cs);	/* wipes secrets */
void cred_wipe_free(char *secret);

/* The default credentials file path (malloc'd), from $VO_CREDENTIALS or
 * $XDG_CONFIG_HOME/vo-tools/credentials or ~/.config/vo-tools/credentials;
 * NULL if none can be formed (no $HOME) or out of memory. */
char *cred_default_path(void);

/* "~/x" -> "$HOME/x"; other paths copied (malloc'd, NULL on failure). */
char *cred_expand_path(const char *path);

/* Exit code (exitcode.h) for an error: missing file NOINPUT, permissions
 * NOPERM, format CONFIG, memory SOFTWARE. */
int cred_err_exit(enum cred_err e);

#endif
