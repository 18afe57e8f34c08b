/* Unit tests of cred.c and the pure parts of http.c; with "fetch" as the
 * first argument, a small HTTP client driving http_perform() for
 * tests/http.bats:
 *
 *   http_test fetch [-X METHOD] [-d NAME=VALUE]... [-F NAME=VALUE|NAME=@FILE]...
 *             [-H 'Name: value']... [--no-follow] [--idempotent] [--range N]
 *             [--timeout S] [--token-file F] [--auth A] [--auth-user U] [-v]
 *             [--info FILE] URL
 *
 * writes the body to stdout, and "status N", "url U", "location L",
 * "www-authenticate W", ... lines to the --info FILE; exits with the code a
 * program would. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cred.h"
#include "exitcode.h"
#include "http.h"
#include "netopts.h"

static int failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		failures++; \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ == NULL || strcmp(g_, w_) != 0) { \
		fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
			g_ ? g_ : "(null)", w_); \
		failures++; \
	} \
} while (0)

static char tmpdir[] = "/tmp/http_test.XXXXXX";

static char *
write_file(const char *name, const char *content, mode_t mode)
{
	static char path[4][256];
	static int slot;
	char *p = path[slot++ % 4];
	int fd;

	snprintf(p, sizeof path[0], "%s/%s", tmpdir, name);
	unlink(p);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode)) == -1 ||
	    write(fd, content, strlen(content)) != (ssize_t)strlen(content)) {
		perror(p);
		exit(70);
	}
	fchmod(fd, mode);
	close(fd);
	return p;
}

static void
test_token_file(void)
{
	char err[512], *tok;
	const char *p;

	p = write_file("t1", "  s3cret-token \n\n", 0600);
	CHECK(cred_read_token_file(p, &tok, err, sizeof err) == CRED_OK);
	CHECK_STR(tok, "s3cret-token");
	cred_wipe_free(tok);

	p = write_file("t2", "abc", 0600);	/* no newline at all */
	CHECK(cred_read_token_file(p, &tok, err, sizeof err) == CRED_OK);
	CHECK_STR(tok, "abc");
	cred_wipe_free(tok);

	p = write_file("t3", "s3cret\n", 0644);
	CHECK(cred_read_token_file(p, &tok, err, sizeof err) == CRED_EPERM);
	CHECK(tok == NULL);
	CHECK(strstr(err, "is readable by others; run: chmod 600 ") != NULL);
	CHECK(strstr(err, "s3cret") == NULL);
	CHECK(cred_err_exit(CRED_EPERM) == VT_EX_NOPERM);

	p = write_file("t4", " \n\t\n", 0600);
	CHECK(cred_read_token_file(p, &tok, err, sizeof err) == CRED_EFORMAT);
	CHECK(strstr(err, "empty") != NULL);

	p = write_file("t5", "line1\nline2\n", 0600);
	CHECK(cred_read_token_file(p, &tok, err, sizeof err) == CRED_EFORMAT);
	CHECK(strstr(err, "line1") == NULL);

	CHECK(cred_read_token_file("/nonexistent/tok", &tok, err, sizeof err) == CRED_ENOENT);
	CHECK(strstr(err, "/nonexistent/tok") != NULL);
	CHECK(cred_err_exit(CRED_ENOENT) == VT_EX_NOINPUT);
}

static void
test_store(void)
{
	struct cred_store cs = { 0 };
	const struct cred *c;
	char err[512], conf[1024];
	const char *p;

	write_file("ta", "tokA\n", 0600);
	write_file("tb", "tokB\n", 0600);
	snprintf(conf, sizeof conf,
		 "# vo-tools credentials\n"
		 "\n"
		 "Data.Example.org   bearer  ta   # relative to this file\n"
		 "example.org:8443 basic alice %s/tb\n"
		 "[::1]:8080 bearer ta\n", tmpdir);
	p = write_file("credentials", conf, 0644);
	CHECK(cred_store_load(&cs, p, 1, err, sizeof err) == CRED_OK);
	CHECK(cs.n == 3);

	c = cred_for_url(&cs, "https://data.example.org/tap/sync");
	CHECK(c != NULL && c->scheme == CRED_BEARER && strcmp(c->secret, "tokA") == 0);
	c = cred_for_url(&cs, "http://DATA.example.org:81/x");	/* any port */
	CHECK(c != NULL && c->scheme == CRED_BEARER);
	c = cred_for_url(&cs, "https://example.org:8443/x");
	CHECK(c != NULL && c->scheme == CRED_BASIC && strcmp(c->user, "alice") == 0 &&
	      strcmp(c->secret, "tokB") == 0);
	CHECK(cred_for_url(&cs, "https://example.org/x") == NULL);	/* port 443 */
	CHECK(cred_for_url(&cs, "https://evil.example.org/x") == NULL);
	CHECK(cred_for_url(&cs, "https://data.example.org.evil.net/x") == NULL);
	CHECK(cred_for_url(&cs, "http://[::1]:8080/") != NULL);
	CHECK(cred_for_url(&cs, "http://[::1]:8081/") == NULL);

	/* --token-file: bound to the service's host and port, and first. */
	CHECK(cred_store_add_for_url(&cs, "https://data.example.org/tap", CRED_BEARER, NULL,
				     write_file("tc", "tokC", 0600), err, sizeof err) == CRED_OK);
	c = cred_for_url(&cs, "https://data.example.org:443/tap/async");
	CHECK(c != NULL && strcmp(c->secret, "tokC") == 0);
	c = cred_for_url(&cs, "http://data.example.org/tap");	/* port 80: file's any-port */
	CHECK(c != NULL && strcmp(c->secret, "tokA") == 0);
	cred_store_free(&cs);
	CHECK(cs.n == 0 && cs.v == NULL);

	/* missing files, bad lines */
	CHECK(cred_store_load(&cs, "/nonexistent/credentials", 0, err, sizeof err) == CRED_OK);
	CHECK(cred_store_load(&cs, "/nonexistent/credentials", 1, err, sizeof err) == CRED_ENOENT);
	p = write_file("bad", "host bearer\n", 0600);
	CHECK(cred_store_load(&cs, p, 1, err, sizeof err) == CRED_EFORMAT);
	CHECK(strstr(err, ":1:") != NULL);
	p = write_file("bad2", "host:99999 bearer ta\n", 0600);
	CHECK(cred_store_load(&cs, p, 1, err, sizeof err) == CRED_EFORMAT);
	p = write_file("bad3", "host bearer /nonexistent/tok\n", 0600);
	CHECK(cred_store_load(&cs, p, 1, err, sizeof err) == CRED_ENOENT);
	CHECK(strstr(err, "bad3:1: ") != NULL);
	cred_store_free(&cs);
}

static void
test_paths(void)
{
	char *s;

	setenv("HOME", "/home/u", 1);
	CHECK_STR(s = cred_expand_path("~/x/tok"), "/home/u/x/tok");
	free(s);
	CHECK_STR(s = cred_expand_path("~"), "/home/u");
	free(s);
	CHECK_STR(s = cred_expand_path("a~/b"), "a~/b");
	free(s);
	unsetenv("VO_CREDENTIALS");
	unsetenv("XDG_CONFIG_HOME");
	CHECK_STR(s = cred_default_path(), "/home/u/.config/vo-tools/credentials");
	free(s);
	setenv("XDG_CONFIG_HOME", "/cfg", 1);
	CHECK_STR(s = cred_default_path(), "/cfg/vo-tools/credentials");
	free(s);
	setenv("VO_CREDENTIALS", "~/creds", 1);
	CHECK_STR(s = cred_default_path(), "/home/u/creds");
	free(s);
}

static void
test_http_pure(void)
{
	char *s;

	CHECK_STR(s = http_urlencode("SELECT * FROM t WHERE a='x&y'~"),
		  "SELECT%20%2A%20FROM%20t%20WHERE%20a%3D%27x%26y%27~");
	free(s);
	CHECK_STR(s = http_redact_url("https://user:pw@host:8/p?q=1"),
		  "https://user:[redacted]@host:8/p?q=1");
	free(s);
	CHECK_STR(s = http_redact_url("https://host/p?x=a:b@c"), "https://host/p?x=a:b@c");
	free(s);
	CHECK_STR(s = http_redact_url("http://u@host/"), "http://u@host/");
	free(s);
	CHECK(http_status_exit(200) == VT_EX_OK);
	CHECK(http_status_exit(206) == VT_EX_OK);
	CHECK(http_status_exit(401) == VT_EX_NOPERM);
	CHECK(http_status_exit(403) == VT_EX_NOPERM);
	CHECK(http_status_exit(404) == VT_EX_PROTOCOL);
	CHECK(http_status_exit(429) == VT_EX_TEMPFAIL);
	CHECK(http_status_exit(503) == VT_EX_TEMPFAIL);
	CHECK(http_status_exit(500) == VT_EX_UNAVAILABLE);
	CHECK(http_err_exit(HTTP_ECONNECT) == VT_EX_UNAVAILABLE);
	CHECK(http_err_exit(HTTP_ETIMEOUT) == VT_EX_TEMPFAIL);
}

static void
test_netopts(void)
{
	struct net_cli o = { 0 };
	struct cred_store cs;
	struct http_client *c;
	char err[512];
	double d;

	CHECK(net_parse_timeout("2.5", &d) == 0 && d == 2.5);
	CHECK(net_parse_timeout("-1", &d) == -1);
	CHECK(net_parse_timeout("x", &d) == -1);
	setenv("VO_CREDENTIALS", "/nonexistent/credentials", 1);
	unsetenv("VO_TOKEN_FILE");
	CHECK(net_setup(&o, "http://h/", "t", &cs, &c, err, sizeof err) == VT_EX_NOINPUT);
	CHECK(c == NULL);
	unsetenv("VO_CREDENTIALS");
	setenv("XDG_CONFIG_HOME", tmpdir, 1);	/* no vo-tools/credentials there */
	o.auth = "digest";
	CHECK(net_setup(&o, "http://h/", "t", &cs, &c, err, sizeof err) == VT_EX_USAGE);
	o.auth = "basic";
	o.token_file = write_file("tn", "tokN\n", 0600);
	CHECK(net_setup(&o, "http://h:8/", "t", &cs, &c, err, sizeof err) == 0);
	CHECK(c != NULL && cs.n == 1 && cs.v[0].port == 8 &&
	      strcmp(cs.v[0].user, "x-oauth-basic") == 0);
	net_free(&cs, c);
	o.token_file = write_file("tw", "tokW\n", 0604);
	CHECK(net_setup(&o, "http://h:8/", "t", &cs, &c, err, sizeof err) == VT_EX_NOPERM);
	CHECK(strstr(err, "chmod 600") != NULL);
}

/* Service messages quoted on one line, cut at a character boundary. */
static void
test_one_line(void)
{
	char out[64], big[400];
	const char *s = "  Query failed:\n\tline 1\r\n\x01" "column  \"x\"  ";

	CHECK_STR(http_one_line(out, sizeof out, s, strlen(s), HTTP_QUOTE_MAX),
		  "Query failed: line 1 column \"x\"");
	CHECK_STR(http_one_line(out, sizeof out, "", 0, 10), "");
	CHECK_STR(http_one_line(out, sizeof out, " \n ", 3, 10), "");
	CHECK_STR(http_one_line(out, sizeof out, "abcdefghij", 10, 10), "abcdefghij");
	CHECK_STR(http_one_line(out, sizeof out, "abcdefghijk", 11, 10), "abcdefg...");
	CHECK_STR(http_one_line(out, sizeof out, "abc defghijk", 12, 10), "abc def...");
	CHECK_STR(http_one_line(out, sizeof out, "abcdef    ghijk", 15, 10), "abcdef...");
	/* "é" (2 bytes) and "✓" (3 bytes) are never split */
	CHECK_STR(http_one_line(out, sizeof out, "abcdeféé", 10, 8), "abcde...");
	CHECK_STR(http_one_line(out, sizeof out, "ab✓✓✓✓", 14, 9), "ab✓...");
	/* the buffer's size bounds it too */
	CHECK_STR(http_one_line(out, 8, "abcdefghijk", 11, 300), "abcd...");
	CHECK_STR(http_one_line(out, 2, "abcdefghijk", 11, 300), "a");
	memset(big, 'x', sizeof big);
	http_one_line(out, sizeof out, big, sizeof big, HTTP_QUOTE_MAX);
	CHECK(strlen(out) == sizeof out - 1 && strcmp(out + sizeof out - 4, "...") == 0);
	char *huge = malloc(1 << 20);
	char q[1024];
	if (huge == NULL)
		exit(70);
	for (size_t i = 0; i < 1 << 20; i++)
		huge[i] = i % 50 == 49 ? '\n' : 'y';
	http_one_line(q, sizeof q, huge, 1 << 20, HTTP_QUOTE_MAX);
	CHECK(strlen(q) == HTTP_QUOTE_MAX && strchr(q, '\n') == NULL);
	CHECK(strcmp(q + HTTP_QUOTE_MAX - 3, "...") == 0);
	free(huge);
}

static int
unit_tests(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 70;
	}
	test_token_file();
	test_store();
	test_paths();
	test_http_pure();
	test_netopts();
	test_one_line();
	if (fork() == 0)
		execlp("rm", "rm", "-rf", tmpdir, (char *)NULL), _exit(127);
	if (failures) {
		fprintf(stderr, "http_test: %d checks failed\n", failures);
		return 1;
	}
	printf("http_test: all checks passed\n");
	return 0;
}

/* ---- the fetch driver ---- */

static int
on_headers(void *ctx, const struct http_response *r)
{
	(void)ctx;
	(void)r;
	return 0;
}

static int
on_body(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

static int
fetch(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-follow", no_argument, NULL, 'N' },
		{ "idempotent", no_argument, NULL, 'I' },
		{ "range", required_argument, NULL, 'R' },
		{ "timeout", required_argument, NULL, 't' },
		{ "token-file", required_argument, NULL, 'T' },
		{ "auth", required_argument, NULL, 'A' },
		{ "auth-user", required_argument, NULL, 'U' },
		{ "info", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	const char *form[64], *headers[32];
	struct http_part parts[16];
	struct http_request rq = { 0 };
	struct http_response resp;
	struct net_cli o = { 0 };
	struct http_client *client;
	struct cred_store cs;
	size_t nform = 0, nhdr = 0, nparts = 0;
	char err[1024], *eq;
	enum http_err e;
	const char *infopath = NULL;
	FILE *info;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "X:d:F:H:v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'X': rq.method = optarg; break;
		case 'd':
			if ((eq = strchr(optarg, '=')) == NULL || nform + 3 > 64)
				return VT_EX_USAGE;
			*eq = '\0';
			form[nform++] = optarg;
			form[nform++] = eq + 1;
			break;
		case 'F':
			if ((eq = strchr(optarg, '=')) == NULL || nparts == 16)
				return VT_EX_USAGE;
			*eq = '\0';
			memset(&parts[nparts], 0, sizeof parts[0]);
			parts[nparts].name = optarg;
			if (eq[1] == '@') {
				parts[nparts].path = eq + 2;
				parts[nparts].filename = strrchr(eq + 2, '/') ? strrchr(eq + 2, '/') + 1 : eq + 2;
			} else {
				parts[nparts].value = eq + 1;
			}
			nparts++;
			break;
		case 'H':
			if (nhdr + 2 > 32)
				return VT_EX_USAGE;
			headers[nhdr++] = optarg;
			break;
		case 'v': o.verbose++; break;
		case 'N': rq.no_follow = true; break;
		case 'I': rq.idempotent = true; break;
		case 'R': rq.range_from = atol(optarg); break;
		case 't':
			if (net_parse_timeout(optarg, &o.timeout_s) == -1)
				return VT_EX_USAGE;
			break;
		case 'T': o.token_file = optarg; break;
		case 'A': o.auth = optarg; break;
		case 'U': o.auth_user = optarg; break;
		case 'i': infopath = optarg; break;
		default: return VT_EX_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: http_test fetch [options] URL\n");
		return VT_EX_USAGE;
	}
	form[nform] = NULL;
	headers[nhdr] = NULL;
	rq.url = argv[optind];
	rq.form = nform ? form : NULL;
	rq.parts = nparts ? parts : NULL;
	rq.nparts = nparts;
	rq.headers = nhdr ? headers : NULL;
	if ((rc = net_setup(&o, rq.url, "http_test", &cs, &client, err, sizeof err)) != 0) {
		fprintf(stderr, "http_test: %s\n", err);
		return rc;
	}
	e = http_perform(client, &rq, on_headers, on_body, NULL, &resp, err, sizeof err);
	fflush(stdout);
	if (infopath != NULL && (info = fopen(infopath, "w")) != NULL) {
		fprintf(info, "status %ld\nurl %s\n", resp.status, resp.url ? resp.url : "");
		if (resp.location)
			fprintf(info, "location %s\n", resp.location);
		if (resp.www_authenticate)
			fprintf(info, "www-authenticate %s\n", resp.www_authenticate);
		if (resp.content_type)
			fprintf(info, "content-type %s\n", resp.content_type);
		fprintf(info, "content-length %lld\nrange-honoured %d\n", resp.content_length,
			resp.range_honoured);
		fclose(info);
	}
	if (e != HTTP_OK) {
		fprintf(stderr, "http_test: %s\n", err);
		rc = http_err_exit(e);
	} else if ((rc = http_status_exit(resp.status)) != 0) {
		fprintf(stderr, "http_test: %s: HTTP %ld\n", resp.url, resp.status);
	}
	http_response_free(&resp);
	net_free(&cs, client);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "fetch") == 0)
		return fetch(argc - 1, argv + 1);
	return unit_tests();
}
