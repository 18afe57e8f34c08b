/* Token and credentials files (lib/cred): the input is written (mode
 * 0600) to a credentials file in a scratch directory that also holds a
 * token file "tok", and read both as a token file and as a credentials
 * file; its first line is also tried as the URL of --token-file.
 * A token has no control characters and no surrounding blanks; a
 * credential is only ever given for its own host and port. */
#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "cred.h"
#include "fuzz.h"

static char dir[64], credfile[96], tokfile[96];

static void
write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len) || close(fd) != 0)
		abort();
}

static void
cleanup(void)
{
	static const char *const files[] = {
		"credentials", "tok", "open", "fifo", "big", "empty",
	};
	char f[128];
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(f, sizeof f, "%s/%s", dir, files[i]);
		unlink(f);
	}
	snprintf(f, sizeof f, "%s/dir", dir);
	rmdir(f);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(dir, sizeof dir, "/tmp/vt-fuzz-cred.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(credfile, sizeof credfile, "%s/credentials", dir);
	snprintf(tokfile, sizeof tokfile, "%s/tok", dir);
	write_file(tokfile, "  s3cret-token\n", 15);
	/* token files a credentials line may name: readable by others, a
	 * directory, a FIFO without a writer, too large, empty */
	char f[128];
	snprintf(f, sizeof f, "%s/open", dir);
	write_file(f, "tok\n", 4);
	chmod(f, 0644);
	snprintf(f, sizeof f, "%s/dir", dir);
	mkdir(f, 0700);
	snprintf(f, sizeof f, "%s/fifo", dir);
	mkfifo(f, 0600);
	snprintf(f, sizeof f, "%s/big", dir);
	char *big = malloc(70000);
	if (!big)
		abort();
	memset(big, 'x', 70000);
	write_file(f, big, 70000);
	free(big);
	snprintf(f, sizeof f, "%s/empty", dir);
	write_file(f, "", 0);
	setenv("HOME", dir, 1);	/* "~/tok" is the token file */
	atexit(cleanup);
	return 0;
}

static void
check_token(const char *t)
{
	size_t n = strlen(t);
	FZ_CHECK(n > 0, "empty token");
	FZ_CHECK(t[0] != ' ' && t[0] != '\t' && t[n - 1] != ' ' && t[n - 1] != '\t',
		 "token with surrounding blanks");
	for (size_t i = 0; i < n; i++)
		FZ_CHECK((unsigned char)t[i] >= 0x20 && t[i] != 0x7f, "control character in token");
}

/* The credential for url, if any, must be for url's host and port. */
static void
lookup(const struct cred_store *cs, const char *url)
{
	const struct cred *c = cred_for_url(cs, url);
	if (!c)
		return;
	CURLU *u = curl_url();
	char *h = NULL, *p = NULL;
	FZ_CHECK(u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
		 curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK,
		 "a credential for %s, which is not a URL", url);
	FZ_CHECK(strcasecmp(c->host, h) == 0, "credential for %s given to %s", c->host, url);
	FZ_CHECK(c->port == 0 || c->port == atoi(p), "credential for port %d given to %s",
		 c->port, url);
	check_token(c->secret);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const urls[] = {
		"https://example.org/tap", "http://example.org:8080/x", "https://EXAMPLE.org:443/",
		"https://[::1]:8443/", "https://evil.example.org.attacker.net/", "http://127.0.0.1/",
	};
	char err[512], *tok = NULL;
	struct cred_store cs = {0};

	write_file(credfile, data, len);
	if (cred_read_token_file(credfile, &tok, err, sizeof err) == CRED_OK) {
		check_token(tok);
		cred_wipe_free(tok);
	} else {
		FZ_CHECK(tok == NULL && err[0], "refused without a message");
	}

	if (len && data[0] & 16) {
		/* a credentials file that is a directory, or missing */
		char f[128];
		snprintf(f, sizeof f, "%s/dir", dir);
		FZ_CHECK(cred_store_load(&cs, f, 0, err, sizeof err) != CRED_OK, "a directory");
		snprintf(f, sizeof f, "%s/missing", dir);
		FZ_CHECK(cred_store_load(&cs, f, 0, err, sizeof err) == CRED_OK, "missing, optional");
		FZ_CHECK(cred_store_load(&cs, f, 1, err, sizeof err) != CRED_OK, "missing");
	}
	enum cred_err e = cred_store_load(&cs, credfile, 1, err, sizeof err);
	FZ_CHECK(e == CRED_OK || err[0], "refused without a message");
	cred_err_exit(e);
	for (size_t i = 0; i < sizeof urls / sizeof *urls; i++)
		lookup(&cs, urls[i]);
	for (size_t i = 0; i < cs.n && i < 8; i++) {
		char url[300];
		FZ_CHECK(cs.v[i].host && cs.v[i].secret, "credential %zu incomplete", i);
		check_token(cs.v[i].secret);
		snprintf(url, sizeof url, "https://%s:%d/x", cs.v[i].host,
			 cs.v[i].port ? cs.v[i].port : 443);
		lookup(&cs, url);
		snprintf(url, sizeof url, "http://%s.evil/", cs.v[i].host);
		lookup(&cs, url);
	}

	/* the first line as a URL, with the token file */
	size_t n = 0;
	while (n < len && n < 512 && data[n] != '\n' && data[n] != '\0')
		n++;
	char *url = strndup((const char *)data, n);
	if (!url)
		abort();
	e = cred_store_add_for_url(&cs, url, data[0] & 1 ? CRED_BASIC : CRED_BEARER, NULL,
				   tokfile, err, sizeof err);
	if (e == CRED_OK)
		lookup(&cs, url);
	free(url);
	cred_store_free(&cs);
	/* the default path, from the environment the input chooses */
	setenv("VO_CREDENTIALS", len && data[0] & 2 ? "~/c" : "", 1);
	if (len && data[0] & 4)
		setenv("XDG_CONFIG_HOME", data[0] & 8 ? dir : "relative", 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	char *dp = cred_default_path();
	FZ_CHECK(dp && dp[0] == '/', "default path %s", dp ? dp : "(null)");
	free(dp);
	unsetenv("VO_CREDENTIALS");
	unsetenv("XDG_CONFIG_HOME");
	for (int k = CRED_OK; k <= CRED_ENOMEM; k++)
		cred_err_exit((enum cred_err)k);

	char *p = cred_expand_path("~/tok");
	FZ_CHECK(p && strcmp(p, tokfile) == 0, "~/tok is %s", p ? p : "(null)");
	free(p);
	return 0;
}
