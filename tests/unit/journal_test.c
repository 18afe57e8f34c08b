/* The local job journal (lib/journal.c): add, set phase, remove, read;
 * escaping; a missing journal; two processes adding concurrently; a lock
 * file left by a killed process; the default path.
 *
 * Usage: journal_test DIR	(an empty scratch directory) */
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "exitcode.h"
#include "journal.h"

static int failures, checks;

static void
check(int ok, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (ok)
		return;
	failures++;
	fputs("FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#define MAXREC 1000

struct rec {
	char *f[7];
};

struct all {
	struct rec r[MAXREC];
	int n;
};

static int
collect(void *ctx, const struct journal_entry *e)
{
	struct all *a = ctx;
	const char *f[7] = { e->url, e->service, e->submitted, e->phase, e->updated,
			     e->digest, e->query };

	if (a->n == MAXREC)
		return 99;
	for (int i = 0; i < 7; i++)
		if (!f[i] || !(a->r[a->n].f[i] = strdup(f[i])))
			return 98;
	a->n++;
	return 0;
}

static void
all_free(struct all *a)
{
	for (int i = 0; i < a->n; i++)
		for (int k = 0; k < 7; k++)
			free(a->r[i].f[k]);
	a->n = 0;
}

static int
read_all(const char *path, struct all *a)
{
	char err[256] = "";
	int r;

	all_free(a);
	r = journal_each(path, collect, a, err, sizeof err);
	if (r)
		printf("journal_each: %d %s\n", r, err);
	return r;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	static char buf[1 << 20];
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static bool
iso_time(const char *s)
{
	/* 2026-11-21T18:49:43Z */
	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return false;
	return true;
}

static void
test_basic(const char *dir)
{
	char path[1024], err[256];
	struct all *a = calloc(1, sizeof *a);
	struct stat st;
	int r;

	snprintf(path, sizeof path, "%s/state/vo-tools/jobs", dir);
	check(a != NULL, "calloc");
	r = read_all(path, a);
	check(r == 0 && a->n == 0, "a missing journal reads as empty");
	check(stat(path, &st) < 0, "reading creates nothing");

	struct journal_entry e = {
		.url = "http://example.org/tap/async/1", .service = "http://example.org/tap",
		.phase = "PENDING", .query = "SELECT *\tFROM t\nWHERE x = 'a\\b'\r",
	};
	r = journal_add(path, &e, err, sizeof err);
	check(r == 0, "add: %d %s", r, err);
	check(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "file mode 600: %o",
	      st.st_mode & 0777);
	char dirp[1024];
	snprintf(dirp, sizeof dirp, "%s/state/vo-tools", dir);
	check(stat(dirp, &st) == 0 && (st.st_mode & 0777) == 0700, "directory mode 700");
	e.url = "http://example.org/tap/async/2";
	e.query = "SELECT 2";
	e.submitted = "2020-01-01T00:00:00Z";
	e.digest = "feedface";
	check(journal_add(path, &e, err, sizeof err) == 0, "add 2");
	e.url = "http://example.org/tap/async/3";
	e.submitted = NULL;
	e.digest = NULL;
	e.service = NULL;
	e.phase = NULL;
	e.query = NULL;
	check(journal_add(path, &e, err, sizeof err) == 0, "add 3, NULL fields");

	char *text = slurp(path);
	check(text && strncmp(text, "url\tservice\tsubmitted\tphase\tupdated\tdigest\tquery\n", 48) == 0,
	      "header line");
	check(text && strstr(text, "\tSELECT *\\tFROM t\\nWHERE x = 'a\\\\b'\\r\n"),
	      "query escaped in the file: %s", text);

	r = read_all(path, a);
	check(r == 0 && a->n == 3, "3 records, got %d", a->n);
	if (a->n == 3) {
		check(strcmp(a->r[0].f[6], "SELECT *\tFROM t\nWHERE x = 'a\\b'\r") == 0,
		      "query unescaped");
		check(iso_time(a->r[0].f[2]) && iso_time(a->r[0].f[4]), "times: %s %s",
		      a->r[0].f[2], a->r[0].f[4]);
		char dig[17];
		journal_digest("SELECT *\tFROM t\nWHERE x = 'a\\b'\r", dig);
		check(strcmp(a->r[0].f[5], dig) == 0 && strlen(dig) == 16, "digest");
		check(strcmp(a->r[1].f[2], "2020-01-01T00:00:00Z") == 0, "submitted kept");
		check(strcmp(a->r[1].f[5], "feedface") == 0, "digest given");
		check(strcmp(a->r[2].f[1], "") == 0 && strcmp(a->r[2].f[3], "") == 0 &&
		      strcmp(a->r[2].f[6], "") == 0, "NULL fields empty");
	}

	r = journal_set_phase(path, "http://example.org/tap/async/2", "COMPLETED", err, sizeof err);
	check(r == 0, "set_phase: %d %s", r, err);
	r = journal_set_phase(path, "http://example.org/tap/async/none", "ERROR", err, sizeof err);
	check(r == 0, "set_phase of an absent url is a no-op");
	read_all(path, a);
	check(a->n == 3, "still 3");
	if (a->n == 3) {
		check(strcmp(a->r[1].f[3], "COMPLETED") == 0, "phase set");
		check(strcmp(a->r[1].f[4], "2020-01-01T00:00:00Z") != 0 && iso_time(a->r[1].f[4]),
		      "updated set");
		check(strcmp(a->r[1].f[2], "2020-01-01T00:00:00Z") == 0, "submitted untouched");
		check(strcmp(a->r[0].f[3], "PENDING") == 0, "others untouched");
		check(strcmp(a->r[0].f[6], "SELECT *\tFROM t\nWHERE x = 'a\\b'\r") == 0,
		      "other queries survive a rewrite");
	}

	r = journal_remove(path, "http://example.org/tap/async/1", err, sizeof err);
	check(r == 0, "remove: %d %s", r, err);
	check(journal_remove(path, "nope", err, sizeof err) == 0, "remove absent");
	read_all(path, a);
	check(a->n == 2 && strcmp(a->r[0].f[0], "http://example.org/tap/async/2") == 0,
	      "removed");

	/* malformed lines are skipped by readers, kept by writers */
	FILE *f = fopen(path, "a");
	fputs("garbage line\n\n", f);
	fclose(f);
	read_all(path, a);
	check(a->n == 2, "garbage skipped");
	check(journal_remove(path, "http://example.org/tap/async/3", err, sizeof err) == 0, "rm 3");
	text = slurp(path);
	check(text && strstr(text, "\ngarbage line\n"), "garbage kept on rewrite");

	/* long queries are cut on a character boundary; the digest is of all */
	char *q = malloc(5001);
	for (int i = 0; i < 5000; i += 2)
		memcpy(q + i, "\xc3\xa9", 2);	/* é */
	q[5000] = '\0';
	struct journal_entry big = { .url = "big", .query = q };
	check(journal_add(path, &big, err, sizeof err) == 0, "add big");
	read_all(path, a);
	check(a->n == 2, "2 records");
	if (a->n == 2) {
		size_t n = strlen(a->r[1].f[6]);
		char dig[17];
		journal_digest(q, dig);
		check(n <= JOURNAL_QUERY_MAX && n >= JOURNAL_QUERY_MAX - 3 && n % 2 == 0,
		      "query truncated to %zu", n);
		check(strcmp(a->r[1].f[5], dig) == 0, "digest of the whole query");
	}
	free(q);

	check(journal_set_phase(path, "big", "QUEUED", err, sizeof err) == 0, "set big");
	all_free(a);
	free(a);

	char known[17];
	journal_digest("", known);
	check(strcmp(known, "cbf29ce484222325") == 0, "FNV-1a 64 of \"\"");
	journal_digest("a", known);
	check(strcmp(known, "af63dc4c8601ec8c") == 0, "FNV-1a 64 of \"a\"");
}

#define PER_CHILD 200

static void
test_concurrent(const char *dir)
{
	char path[1024], err[256];
	pid_t pid[2];
	struct all *a = calloc(1, sizeof *a);

	snprintf(path, sizeof path, "%s/conc/jobs", dir);
	for (int c = 0; c < 2; c++) {
		if ((pid[c] = fork()) < 0) {
			perror("fork");
			exit(2);
		}
		if (pid[c] == 0) {
			for (int i = 0; i < PER_CHILD; i++) {
				char url[64], qry[64];
				snprintf(url, sizeof url, "http://x/async/%d-%d", c, i);
				snprintf(qry, sizeof qry, "SELECT %d\t-- child %d\n", i, c);
				struct journal_entry e = { .url = url, .service = "x",
							   .phase = "QUEUED", .query = qry };
				if (journal_add(path, &e, err, sizeof err) != 0) {
					fprintf(stderr, "child %d: %s\n", c, err);
					_exit(1);
				}
			}
			_exit(0);
		}
	}
	for (int c = 0; c < 2; c++) {
		int st;
		waitpid(pid[c], &st, 0);
		check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %d", c);
	}
	check(read_all(path, a) == 0 && a->n == 2 * PER_CHILD, "%d records, want %d", a->n,
	      2 * PER_CHILD);
	int seen[2][PER_CHILD] = { { 0 } }, bad = 0;
	for (int i = 0; i < a->n; i++) {
		int c, k;
		char qry[64];
		if (sscanf(a->r[i].f[0], "http://x/async/%d-%d", &c, &k) != 2 || c < 0 || c > 1 ||
		    k < 0 || k >= PER_CHILD) {
			bad++;
			continue;
		}
		seen[c][k]++;
		snprintf(qry, sizeof qry, "SELECT %d\t-- child %d\n", k, c);
		if (strcmp(a->r[i].f[6], qry) != 0 || strcmp(a->r[i].f[3], "QUEUED") != 0)
			bad++;
	}
	for (int c = 0; c < 2; c++)
		for (int k = 0; k < PER_CHILD; k++)
			if (seen[c][k] != 1)
				bad++;
	check(bad == 0, "%d bad or missing records", bad);
	/* the file: a header and 400 lines, nothing else */
	char *text = slurp(path);
	int lines = 0;
	for (char *s = text; s && *s; s++)
		lines += *s == '\n';
	check(lines == 2 * PER_CHILD + 1, "%d lines", lines);
	all_free(a);
	free(a);
}

static void
test_stale_lock(const char *dir)
{
	char path[1024], lock[1100], err[256];
	int pfd[2];
	pid_t pid;

	snprintf(path, sizeof path, "%s/stale/jobs", dir);
	snprintf(lock, sizeof lock, "%s.lock", path);
	struct journal_entry e = { .url = "u1", .query = "q" };
	check(journal_add(path, &e, err, sizeof err) == 0, "first add");
	if (pipe(pfd) < 0 || (pid = fork()) < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		int fd = open(lock, O_RDWR);
		if (fd < 0 || flock(fd, LOCK_EX) < 0)
			_exit(1);
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	char c;
	check(read(pfd[0], &c, 1) == 1, "child holds the lock");
	/* while it is held, a writer waits */
	int fd = open(lock, O_RDWR);
	check(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0, "lock is held");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	close(pfd[1]);
	check(flock(fd, LOCK_EX | LOCK_NB) == 0, "lock released by the kernel");
	close(fd);
	struct stat st;
	check(stat(lock, &st) == 0, "the lock file is still there");
	e.url = "u2";
	check(journal_add(path, &e, err, sizeof err) == 0, "add after a killed holder: %s", err);
	struct all *a = calloc(1, sizeof *a);
	read_all(path, a);
	check(a->n == 2, "2 records");
	all_free(a);
	free(a);
}

static void
test_errors(const char *dir)
{
	char path[1024], err[256] = "";
	int r;

	snprintf(path, sizeof path, "%s/file", dir);
	FILE *f = fopen(path, "w");
	fclose(f);
	/* a path whose directory is a regular file */
	snprintf(path, sizeof path, "%s/file/jobs", dir);
	struct journal_entry e = { .url = "u" };
	r = journal_add(path, &e, err, sizeof err);
	check(r == VT_EX_CANTCREAT && strstr(err, "file/jobs"), "unwritable: %d %s", r, err);
	check(strchr(err, '\n') == NULL, "one line");
}

static void
test_default_path(void)
{
	char *p;

	setenv("VO_JOURNAL", "/tmp/x/j", 1);
	p = journal_default_path();
	check(p && strcmp(p, "/tmp/x/j") == 0, "VO_JOURNAL");
	free(p);
	unsetenv("VO_JOURNAL");
	setenv("XDG_STATE_HOME", "/s", 1);
	setenv("HOME", "/h", 1);
	p = journal_default_path();
	check(p && strcmp(p, "/s/vo-tools/jobs") == 0, "XDG_STATE_HOME: %s", p);
	free(p);
	setenv("XDG_STATE_HOME", "relative", 1);
	p = journal_default_path();
	check(p && strcmp(p, "/h/.local/state/vo-tools/jobs") == 0, "relative XDG ignored");
	free(p);
	unsetenv("XDG_STATE_HOME");
	p = journal_default_path();
	check(p && strcmp(p, "/h/.local/state/vo-tools/jobs") == 0, "HOME");
	free(p);
	unsetenv("HOME");
	check(journal_default_path() == NULL, "nothing set");
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: journal_test SCRATCH-DIR\n");
		return 2;
	}
	test_basic(argv[1]);
	test_concurrent(argv[1]);
	test_stale_lock(argv[1]);
	test_errors(argv[1]);
	test_default_path();
	printf("%d checks, %d failures\n", checks, failures);
	return failures != 0;
}
