#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"
#include "journal.h"
#include "outbuf.h"
#include "table.h"

#define NFIELDS 7
static const char header[] = "url\tservice\tsubmitted\tphase\tupdated\tdigest\tquery\n";

enum change { CH_ADD, CH_PHASE, CH_REMOVE };

static int
fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

void
journal_digest(const char *s, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

void
journal_now(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm))
		out[0] = '\0';
}

static char *
join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = malloc(na + nb + 1);

	if (s) {
		memcpy(s, a, na);
		memcpy(s + na, b, nb + 1);
	}
	return s;
}

char *
journal_default_path(void)
{
	const char *s;

	if ((s = getenv("VO_JOURNAL")) && *s)
		return strdup(s);
	/* the XDG spec: relative paths are invalid and to be ignored */
	if ((s = getenv("XDG_STATE_HOME")) && *s == '/')
		return join(s, "/vo-tools/jobs");
	if ((s = getenv("HOME")) && *s)
		return join(s, "/.local/state/vo-tools/jobs");
	return NULL;
}

/* mkdir -p of the directory part of path, new directories mode 700. */
static int
make_dirs(const char *path)
{
	char *d = strdup(path), *slash;

	if (!d)
		return -1;
	if (!(slash = strrchr(d, '/')) || slash == d) {
		free(d);
		return 0;
	}
	*slash = '\0';
	for (char *p = d + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(d, 0700) < 0 && errno != EEXIST) {
			int e = errno;
			free(d);
			errno = e;
			return -1;
		}
		*p = c;
		if (!c)
			break;
	}
	free(d);
	return 0;
}

/* Whole file into *buf (NUL-terminated); a missing file is empty. */
static int
slurp(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 0, n = 0;
	char *b = NULL;
	ssize_t k;

	*buf = NULL;
	*len = 0;
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return fail(err, errlen, VT_EX_NOINPUT, "%s: %s", path, strerror(errno));
	}
	for (;;) {
		if (cap - n < 4096) {
			char *t;
			cap = cap ? cap * 2 : 65536;
			if (!(t = realloc(b, cap + 1))) {
				free(b);
				close(fd);
				return fail(err, errlen, VT_EX_SOFTWARE, "out of memory");
			}
			b = t;
		}
		k = read(fd, b + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			free(b);
			close(fd);
			return fail(err, errlen, VT_EX_IOERR, "%s: %s", path, strerror(e));
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

/* Undo the TSV escaping in place. */
static void
unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			switch (*s) {
			case 't': *w++ = '\t'; break;
			case 'n': *w++ = '\n'; break;
			case 'r': *w++ = '\r'; break;
			case '\\': *w++ = '\\'; break;
			default: *w++ = '\\'; *w++ = *s;
			}
		} else
			*w++ = *s;
	}
	*w = '\0';
}

/* Split a line (no newline) into NFIELDS unescaped fields in place;
 * false when it has another number of fields. */
static bool
split(char *line, const char *f[NFIELDS])
{
	size_t n = 0;
	char *s = line;

	for (;;) {
		char *tab = strchr(s, '\t');
		if (n == NFIELDS)
			return false;
		f[n++] = s;
		if (!tab)
			break;
		*tab = '\0';
		s = tab + 1;
	}
	if (n != NFIELDS)
		return false;
	for (size_t i = 0; i < NFIELDS; i++)
		unescape((char *)f[i]);
	return true;
}

/* The first field of a line, unescaped, equals url. */
static bool
line_is(const char *line, size_t len, const char *url)
{
	const char *tab = memchr(line, '\t', len);
	size_t n = tab ? (size_t)(tab - line) : len;
	char *s = malloc(n + 1);
	bool r;

	if (!s)
		return false;
	memcpy(s, line, n);
	s[n] = '\0';
	unescape(s);
	r = strcmp(s, url) == 0;
	free(s);
	return r;
}

static void
put_field(struct outbuf *ob, const char *s, bool tab)
{
	if (tab)
		ob_putc(ob, '\t');
	if (s)
		tsv_put_escaped(ob, s, strlen(s));
}

static void
put_record(struct outbuf *ob, const char *const f[NFIELDS])
{
	for (size_t i = 0; i < NFIELDS; i++)
		put_field(ob, f[i], i > 0);
	ob_putc(ob, '\n');
}

static void
put_new(struct outbuf *ob, const struct journal_entry *e)
{
	char now[21], dig[17];
	const char *q = e->query ? e->query : "";
	size_t qn = strlen(q);
	const char *f[NFIELDS];

	journal_now(now);
	if (!e->digest)
		journal_digest(q, dig);
	f[0] = e->url;
	f[1] = e->service;
	f[2] = e->submitted ? e->submitted : now;
	f[3] = e->phase;
	f[4] = e->updated ? e->updated : now;
	f[5] = e->digest ? e->digest : dig;
	f[6] = NULL;
	for (size_t i = 0; i < NFIELDS - 1; i++)
		put_field(ob, f[i], i > 0);
	if (qn > JOURNAL_QUERY_MAX) {
		qn = JOURNAL_QUERY_MAX;
		while (qn > 0 && ((unsigned char)q[qn] & 0xC0) == 0x80)
			qn--;
	}
	ob_putc(ob, '\t');
	tsv_put_escaped(ob, q, qn);
	ob_putc(ob, '\n');
}

/* Under the lock: read, write the changed copy, rename it over. */
static int
change(const char *path, enum change ch, const struct journal_entry *e,
       const char *url, const char *phase, char *err, size_t errlen)
{
	char *lock = NULL, *tmp = NULL, *buf = NULL;
	int lfd = -1, tfd = -1, r = 0;
	size_t len;
	struct outbuf ob = { .fd = -1 };

	if (make_dirs(path) < 0)
		return fail(err, errlen, VT_EX_CANTCREAT, "%s: cannot create its directory: %s",
			    path, strerror(errno));
	if (!(lock = join(path, ".lock"))) {
		r = fail(err, errlen, VT_EX_SOFTWARE, "out of memory");
		goto out;
	}
	if ((lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		r = fail(err, errlen, VT_EX_CANTCREAT, "%s: %s", lock, strerror(errno));
		goto out;
	}
	while (flock(lfd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			r = fail(err, errlen, VT_EX_IOERR, "%s: cannot lock: %s", lock,
				 strerror(errno));
			goto out;
		}
	}
	if ((r = slurp(path, &buf, &len, err, errlen)) != 0)
		goto out;

	if (!(tmp = join(path, ".XXXXXX"))) {
		r = fail(err, errlen, VT_EX_SOFTWARE, "out of memory");
		goto out;
	}
	if ((tfd = mkstemp(tmp)) < 0) {	/* mode 600 */
		r = fail(err, errlen, VT_EX_CANTCREAT, "%s: %s", tmp, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (ob_init(&ob, tfd, 65536) < 0) {
		r = fail(err, errlen, VT_EX_SOFTWARE, "out of memory");
		goto out;
	}
	ob_puts(&ob, header);
	for (char *s = buf, *end = buf + len; s && s < end; ) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		char *line = s;

		s = nl ? nl + 1 : NULL;
		if (n == 0 || (line == buf && n >= 4 && memcmp(line, "url\t", 4) == 0))
			continue;
		if (ch != CH_ADD && line_is(line, n, url)) {
			const char *f[NFIELDS];
			char now[21];

			if (ch == CH_REMOVE)
				continue;
			char *copy = strndup(line, n);
			if (!copy) {
				r = fail(err, errlen, VT_EX_SOFTWARE, "out of memory");
				goto out;
			}
			if (split(copy, f)) {
				journal_now(now);
				f[3] = phase;
				f[4] = now;
				put_record(&ob, f);
				free(copy);
				continue;
			}
			free(copy);	/* malformed: kept as it is */
		}
		ob_write(&ob, line, n);
		ob_putc(&ob, '\n');
	}
	if (ch == CH_ADD)
		put_new(&ob, e);
	if (ob_flush(&ob) < 0 || fsync(tfd) < 0) {
		r = fail(err, errlen, VT_EX_IOERR, "%s: %s", tmp,
			 strerror(ob.err ? ob.err : errno));
		goto out;
	}
	if (close(tfd) < 0) {
		tfd = -1;
		r = fail(err, errlen, VT_EX_IOERR, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	tfd = -1;
	if (rename(tmp, path) < 0) {
		r = fail(err, errlen, VT_EX_CANTCREAT, "%s: %s", path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
out:
	if (tfd >= 0)
		close(tfd);
	if (tmp)
		unlink(tmp);
	if (lfd >= 0)
		close(lfd);	/* drops the lock */
	ob_free(&ob);
	free(tmp);
	free(lock);
	free(buf);
	return r;
}

int
journal_add(const char *path, const struct journal_entry *e, char *err, size_t errlen)
{
	return change(path, CH_ADD, e, NULL, NULL, err, errlen);
}

int
journal_set_phase(const char *path, const char *url, const char *phase,
		  char *err, size_t errlen)
{
	return change(path, CH_PHASE, NULL, url, phase ? phase : "", err, errlen);
}

int
journal_remove(const char *path, const char *url, char *err, size_t errlen)
{
	return change(path, CH_REMOVE, NULL, url, NULL, err, errlen);
}

int
journal_each(const char *path, int (*fn)(void *ctx, const struct journal_entry *e),
	     void *ctx, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int r;

	if ((r = slurp(path, &buf, &len, err, errlen)) != 0)
		return r;
	for (char *s = buf, *end = buf + len; s && s < end; ) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		char *line = s;
		const char *f[NFIELDS];

		if (nl)
			*nl = '\0';
		s = nl ? nl + 1 : NULL;
		if (line == buf && strncmp(line, "url\t", 4) == 0)
			continue;
		if (!split(line, f))
			continue;
		struct journal_entry e = {
			.url = f[0], .service = f[1], .submitted = f[2], .phase = f[3],
			.updated = f[4], .digest = f[5], .query = f[6],
		};
		if ((r = fn(ctx, &e)) != 0)
			break;
	}
	free(buf);
	return r;
}
