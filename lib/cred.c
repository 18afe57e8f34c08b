/* Credentials bound to hosts; see cred.h. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cred.h"
#include "exitcode.h"

/* A token is a line, not a document: anything larger is a wrong file. */
#define TOKEN_FILE_MAX 65536
/* How long a pipe's writer may take (a password manager asking for its
 * passphrase); a FIFO nobody has opened for writing ends at once. */
#define TOKEN_PIPE_WAIT_S 120

void
cred_wipe_free(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

int
cred_err_exit(enum cred_err e)
{
	switch (e) {
	case CRED_OK:
		return VT_EX_OK;
	case CRED_ENOENT:
		return VT_EX_NOINPUT;
	case CRED_EPERM:
		return VT_EX_NOPERM;
	case CRED_EFORMAT:
		return VT_EX_CONFIG;
	case CRED_ENOMEM:
		break;
	}
	return VT_EX_SOFTWARE;
}

static const char *
home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && *h != '\0')
		return h;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_dir : NULL;
}

char *
cred_expand_path(const char *path)
{
	const char *home;
	char *s;
	size_t n;

	if (path[0] != '~' || (path[1] != '/' && path[1] != '\0'))
		return strdup(path);
	if ((home = home_dir()) == NULL)
		return strdup(path);
	n = strlen(home) + strlen(path);
	if ((s = malloc(n)) == NULL)
		return NULL;
	snprintf(s, n, "%s%s", home, path + 1);
	return s;
}

char *
cred_default_path(void)
{
	const char *e, *home;
	char *s;
	size_t n;

	if ((e = getenv("VO_CREDENTIALS")) != NULL && *e != '\0')
		return cred_expand_path(e);
	if ((e = getenv("XDG_CONFIG_HOME")) != NULL && *e == '/') {
		n = strlen(e) + sizeof "/vo-tools/credentials";
		if ((s = malloc(n)) != NULL)
			snprintf(s, n, "%s/vo-tools/credentials", e);
		return s;
	}
	if ((home = home_dir()) == NULL)
		return NULL;
	n = strlen(home) + sizeof "/.config/vo-tools/credentials";
	if ((s = malloc(n)) != NULL)
		snprintf(s, n, "%s/.config/vo-tools/credentials", home);
	return s;
}

/* Wait until a pipe has something to read (or its writer closed it), at
 * most TOKEN_PIPE_WAIT_S seconds: 0, or -1 with a message. */
static int
wait_readable(int fd, const char *path, char *err, size_t errlen)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	while ((n = poll(&p, 1, TOKEN_PIPE_WAIT_S * 1000)) == -1 && errno == EINTR)
		;
	if (n == 1)
		return 0;
	if (n == 0)
		snprintf(err, errlen, "token file %s: nothing to read after %d s", path,
			 TOKEN_PIPE_WAIT_S);
	else
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
	return -1;
}

enum cred_err
cred_read_token_file(const char *path, char **token, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0, start, end, i;
	struct stat st;
	ssize_t r;
	int fd;
	enum cred_err rc = CRED_OK;

	*token = NULL;
	/* O_NONBLOCK: opening a FIFO nobody writes to must not block. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1) {
		snprintf(err, errlen, "cannot open token file %s: %s", path, strerror(errno));
		return CRED_ENOENT;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return CRED_ENOENT;
	}
	/* A regular file, or a pipe (--token-file <(pass show x), or
	 * /dev/stdin): never a directory, a terminal or another device. */
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		snprintf(err, errlen, "token file %s is %s, not a file", path,
			 S_ISDIR(st.st_mode) ? "a directory" : S_ISCHR(st.st_mode) ||
			 S_ISBLK(st.st_mode) ? "a device" : S_ISSOCK(st.st_mode) ? "a socket" :
			 "not a regular file");
		close(fd);
		return CRED_ENOENT;
	}
	/* A pipe's mode is 0600. */
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s is readable by others; run: chmod 600 %s", path, path);
		close(fd);
		return CRED_EPERM;
	}
	if ((buf = malloc(TOKEN_FILE_MAX + 1)) == NULL) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return CRED_ENOMEM;
	}
	while (len < TOKEN_FILE_MAX) {
		r = read(fd, buf + len, TOKEN_FILE_MAX - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == EAGAIN) {
			/* a pipe with a writer that has not written yet */
			if (wait_readable(fd, path, err, errlen) != 0) {
				rc = CRED_ENOENT;
				goto out;
			}
			continue;
		}
		if (r == -1) {
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			rc = CRED_ENOENT;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len == TOKEN_FILE_MAX) {
		snprintf(err, errlen, "%s: too large for a token file", path);
		rc = CRED_EFORMAT;
		goto out;
	}
	start = 0;
	end = len;
	while (start < end && isspace((unsigned char)buf[start]))
		start++;
	while (end > start && isspace((unsigned char)buf[end - 1]))
		end--;
	if (start == end && S_ISFIFO(st.st_mode)) {
		snprintf(err, errlen, "token file %s is a pipe or FIFO that gave nothing "
			 "(no writer?)", path);
		rc = CRED_EFORMAT;
		goto out;
	}
	if (start == end) {
		snprintf(err, errlen, "token file %s is empty", path);
		rc = CRED_EFORMAT;
		goto out;
	}
	/* A control character would end up inside an HTTP header line. */
	for (i = start; i < end; i++) {
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f) {
			snprintf(err, errlen, "token file %s must hold one line, without "
				 "control characters", path);
			rc = CRED_EFORMAT;
			goto out;
		}
	}
	if ((*token = malloc(end - start + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		rc = CRED_ENOMEM;
		goto out;
	}
	memcpy(*token, buf + start, end - start);
	(*token)[end - start] = '\0';
out:
	explicit_bzero(buf, len);
	free(buf);
	close(fd);
	return rc;
}

static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Host (lower-case, malloc'd) and port (the scheme's default if none) of
 * url; -1 if url is not one. */
static int
url_host_port(const char *url, char **host, int *port)
{
	CURLU *u;
	char *h = NULL, *p = NULL;
	int rc = -1;

	*host = NULL;
	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto out;
	if ((*host = strdup(h)) == NULL)
		goto out;
	lower(*host);
	*port = atoi(p);
	rc = 0;
out:
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
	return rc;
}

static enum cred_err
store_add(struct cred_store *cs, char *host, int port, enum cred_scheme scheme,
	  const char *user, const char *token_file, char *err, size_t errlen)
{
	struct cred *v, *c;
	char *secret = NULL, *u = NULL;
	enum cred_err rc;

	if ((rc = cred_read_token_file(token_file, &secret, err, errlen)) != CRED_OK) {
		free(host);
		return rc;
	}
	if (scheme == CRED_BASIC && (u = strdup(user != NULL ? user : "x-oauth-basic")) == NULL)
		goto nomem;
	if ((v = realloc(cs->v, (cs->n + 1) * sizeof *v)) == NULL)
		goto nomem;
	cs->v = v;
	c = &cs->v[cs->n++];
	c->host = host;
	c->port = port;
	c->scheme = scheme;
	c->user = u;
	c->secret = secret;
	return CRED_OK;
nomem:
	free(host);
	free(u);
	cred_wipe_free(secret);
	snprintf(err, errlen, "out of memory");
	return CRED_ENOMEM;
}

enum cred_err
cred_store_add_for_url(struct cred_store *cs, const char *url, enum cred_scheme scheme,
		       const char *user, const char *token_file, char *err, size_t errlen)
{
	char *host;
	int port;

	if (url_host_port(url, &host, &port) == -1) {
		free(host);
		snprintf(err, errlen, "%s: not a URL with a host", url);
		return CRED_EFORMAT;
	}
	return store_add(cs, host, port, scheme, user, token_file, err, errlen);
}

/* "host", "host:port", "[v6]" or "[v6]:port" -> host, port (0 if none). */
static int
parse_host_port(const char *s, char **host, int *port)
{
	const char *colon;
	char *end;
	long p;

	*host = NULL;
	*port = 0;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (rb == NULL)
			return -1;
		colon = rb[1] == ':' ? rb + 1 : NULL;
		if (rb[1] != '\0' && colon == NULL)
			return -1;
	} else {
		colon = strchr(s, ':');
	}
	if (colon != NULL) {
		errno = 0;
		p = strtol(colon + 1, &end, 10);
		if (*end != '\0' || end == colon + 1 || p < 1 || p > 65535)
			return -1;
		*port = (int)p;
	}
	*host = colon != NULL ? strndup(s, (size_t)(colon - s)) : strdup(s);
	if (*host == NULL || **host == '\0')
		return -1;
	lower(*host);
	return 0;
}

/* token_file relative to the directory of the credentials file at base. */
static char *
resolve_path(const char *base, const char *token_file)
{
	const char *slash;
	char *s;
	size_t n;

	if (token_file[0] == '~')
		return cred_expand_path(token_file);
	if (token_file[0] == '/' || (slash = strrchr(base, '/')) == NULL)
		return strdup(token_file);
	n = (size_t)(slash - base) + 1 + strlen(token_file) + 1;
	if ((s = malloc(n)) != NULL)
		snprintf(s, n, "%.*s/%s", (int)(slash - base), base, token_file);
	return s;
}

/* Split a line into at most nf whitespace-separated fields, stopping at
 * '#'; returns the count, or nf + 1 if there are more. */
static size_t
split_fields(char *line, char **f, size_t nf)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			return n;
		if (n == nf)
			return nf + 1;
		f[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
}

enum cred_err
cred_store_load(struct cred_store *cs, const char *path, int must_exist, char *err, size_t errlen)
{
	FILE *fp;
	char *line = NULL, *f[4], *host, *file;
	size_t cap = 0, nf;
	unsigned long lineno = 0;
	enum cred_err rc = CRED_OK;
	enum cred_scheme scheme;
	char sub[512];
	int port, fd, fstat_errno;
	struct stat st;

	/* O_NONBLOCK: a FIFO must not block the open; only a file will do. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) == -1) {
		if (errno == ENOENT && !must_exist)
			return CRED_OK;
		snprintf(err, errlen, "cannot open credentials file %s: %s", path, strerror(errno));
		return CRED_ENOENT;
	}
	fstat_errno = fstat(fd, &st) == -1 ? errno : 0;
	if (fstat_errno != 0 || !S_ISREG(st.st_mode)) {
		if (fstat_errno != 0)
			snprintf(err, errlen, "cannot read credentials file %s: %s", path,
				 strerror(fstat_errno));
		else
			snprintf(err, errlen, "credentials file %s is %s", path,
				 S_ISDIR(st.st_mode) ? "a directory, not a file" : "not a regular file");
		close(fd);
		return CRED_ENOENT;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		snprintf(err, errlen, "cannot read credentials file %s: %s", path, strerror(errno));
		close(fd);
		return CRED_ENOENT;
	}
	while (rc == CRED_OK && getline(&line, &cap, fp) != -1) {
		lineno++;
		nf = split_fields(line, f, 4);
		if (nf == 0)
			continue;
		if (nf == 3 && strcmp(f[1], "bearer") == 0)
			scheme = CRED_BEARER;
		else if (nf == 4 && strcmp(f[1], "basic") == 0)
			scheme = CRED_BASIC;
		else {
			snprintf(err, errlen, "%s:%lu: expected HOST[:PORT] bearer TOKEN-FILE "
				 "or HOST[:PORT] basic USER TOKEN-FILE", path, lineno);
			rc = CRED_EFORMAT;
			break;
		}
		if (parse_host_port(f[0], &host, &port) == -1) {
			snprintf(err, errlen, "%s:%lu: bad host %s", path, lineno, f[0]);
			free(host);
			rc = CRED_EFORMAT;
			break;
		}
		if ((file = resolve_path(path, f[nf - 1])) == NULL) {
			free(host);
			snprintf(err, errlen, "out of memory");
			rc = CRED_ENOMEM;
			break;
		}
		rc = store_add(cs, host, port, scheme, scheme == CRED_BASIC ? f[2] : NULL,
			       file, sub, sizeof sub);
		if (rc != CRED_OK)
			snprintf(err, errlen, "%s:%lu: %s", path, lineno, sub);
		free(file);
	}
	if (rc == CRED_OK && ferror(fp)) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		rc = CRED_ENOENT;
	}
	free(line);
	fclose(fp);
	return rc;
}

const struct cred *
cred_for_url(const struct cred_store *cs, const char *url)
{
	const struct cred *any = NULL;
	char *host;
	int port;
	size_t i;

	if (cs == NULL || cs->n == 0)
		return NULL;
	if (url_host_port(url, &host, &port) == -1) {
		free(host);
		return NULL;
	}
	for (i = 0; i < cs->n; i++) {
		const struct cred *c = &cs->v[i];
		if (strcmp(c->host, host) != 0)
			continue;
		if (c->port == port) {
			free(host);
			return c;
		}
		if (c->port == 0 && any == NULL)
			any = c;
	}
	free(host);
	return any;
}

void
cred_store_free(struct cred_store *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		free(cs->v[i].host);
		free(cs->v[i].user);
		cred_wipe_free(cs->v[i].secret);
	}
	free(cs->v);
	cs->v = NULL;
	cs->n = 0;
}
