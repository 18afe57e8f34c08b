/* TSV and CSV input (lib/tablein): the first byte chooses the format and
 * the null string, the rest is the table.  It is read twice, once from a
 * file, once with a prefix already read and the rest arriving through a
 * pipe in random pieces; both must give the same result and rows.  Every
 * row has the table's width; cells are NUL-terminated. */
#include <pthread.h>
#include <signal.h>

#include "fuzz.h"
#include "tablein.h"

struct rec {
	struct fz_buf b;
	unsigned long rows, begins, ends;
	size_t limit;
};

static int
on_begin(void *ctx, const struct vot_table *t)
{
	struct rec *r = ctx;
	r->begins++;
	fz_put(&r->b, "B", 1);
	fz_put(&r->b, &t->nfields, sizeof t->nfields);
	for (size_t i = 0; i < t->nfields; i++) {
		const struct vot_field *f = &t->fields[i];
		fz_put_str(&r->b, f->name);
		fz_put_str(&r->b, f->datatype);
		fz_put_str(&r->b, f->arraysize);
		fz_put_str(&r->b, f->unit);
		fz_put_str(&r->b, f->ucd);
		fz_put(&r->b, &f->type, sizeof f->type);
	}
	return 0;
}

static int
on_row(void *ctx, const struct vot_table *t, const struct vot_cell *c)
{
	struct rec *r = ctx;
	FZ_CHECK(r->begins == 1 && r->ends == 0, "a row outside table_begin/end");
	FZ_CHECK(++r->rows <= r->limit, "%lu rows from %zu bytes", r->rows, r->limit);
	fz_put(&r->b, "R", 1);
	for (size_t i = 0; i < t->nfields; i++) {
		FZ_CHECK(c[i].s != NULL && c[i].s[c[i].len] == '\0', "cell %zu", i);
		fz_put(&r->b, &c[i].null, sizeof c[i].null);
		fz_put_str(&r->b, c[i].s);
	}
	return 0;
}

static int
on_end(void *ctx, const struct vot_table *t)
{
	struct rec *r = ctx;
	(void)t;
	r->ends++;
	fz_put(&r->b, "E", 1);
	return 0;
}

struct feeder {
	int fd;
	const uint8_t *data;
	size_t len;
	struct fz_rng rng;
};

static void *
feed(void *arg)
{
	struct feeder *f = arg;
	size_t off = 0;
	while (off < f->len) {
		size_t n = fz_piece(&f->rng);
		if (n > f->len - off)
			n = f->len - off;
		ssize_t k = write(f->fd, f->data + off, n);
		if (k <= 0)
			break;	/* the reader stopped early */
		off += (size_t)k;
	}
	close(f->fd);
	return NULL;
}

static enum vot_err
read_table(int fd, const uint8_t *prefix, size_t plen, enum tin_format fmt,
	   const struct tin_opts *o, struct rec *r)
{
	struct vot_handler h = { .ctx = r, .table_begin = on_begin, .row = on_row,
				 .table_end = on_end };
	char err[256] = "";
	enum vot_err e = tin_read(fd, (const char *)prefix, plen, fmt, o, &h, err, sizeof err);
	FZ_CHECK(e == VOT_OK || err[0], "error %d without a message", e);
	if (e == VOT_OK)
		FZ_CHECK(r->begins == 1 && r->ends == 1, "table_begin %lu, table_end %lu times",
			 r->begins, r->ends);
	return e;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	signal(SIGPIPE, SIG_IGN);	/* the reader may stop before the writer */
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char *const nulls[] = { "", "NULL", "\\N", "nan" };
	struct rec a = {0}, b = {0};

	if (len < 1)
		return 0;
	enum tin_format fmt = data[0] & 1 ? TIN_CSV : TIN_TSV;
	struct tin_opts o = { .null_str = nulls[(data[0] >> 1) & 3],
			      .table_name = data[0] & 8 ? "t" : NULL };
	data++, len--;
	a.limit = b.limit = len + 16;

	int fd = fz_memfd(data, len);
	if (fd < 0)
		abort();
	enum vot_err e1 = read_table(fd, NULL, 0, fmt, &o, &a);
	close(fd);

	struct feeder f = { .data = data, .len = len };
	int pfd[2];
	pthread_t th;
	fz_rng_seed(&f.rng, data, len);
	size_t plen = len ? (size_t)(fz_rng_next(&f.rng) % (len + 1)) : 0;
	f.data += plen;
	f.len -= plen;
	if (pipe(pfd) != 0)
		abort();
	f.fd = pfd[1];
	if (pthread_create(&th, NULL, feed, &f) != 0)
		abort();
	enum vot_err e2 = read_table(pfd[0], data, plen, fmt, &o, &b);
	close(pfd[0]);
	pthread_join(th, NULL);

	FZ_CHECK(e1 == e2, "from a file: result %d; from a prefix and a pipe: %d", e1, e2);
	FZ_CHECK(a.b.len == b.b.len && (a.b.len == 0 || memcmp(a.b.s, b.b.s, a.b.len) == 0),
		 "rows differ: %lu from a file, %lu from a prefix and a pipe", a.rows, b.rows);
	fz_free(&a.b);
	fz_free(&b.b);
	return 0;
}
