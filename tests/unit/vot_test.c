/* The parser must give the same rows whatever the pieces the input comes
 * in: feed each file whole and in small chunks, compare a digest of
 * every cell.  Usage: vot_test FILE... */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vot.h"

struct digest {
	uint64_t h;
	unsigned long rows, tables;
};

static void
mix(struct digest *d, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++)
		d->h = (d->h ^ s[i]) * 1099511628211ULL;	/* FNV-1a */
}

static int
on_begin(void *ctx, const struct vot_table *t)
{
	struct digest *d = ctx;
	d->tables++;
	mix(d, &t->nfields, sizeof t->nfields);
	return 0;
}

static int
on_row(void *ctx, const struct vot_table *t, const struct vot_cell *c)
{
	struct digest *d = ctx;
	d->rows++;
	for (size_t i = 0; i < t->nfields; i++) {
		if (c[i].s[c[i].len] != '\0')
			return 1;	/* cells must be NUL-terminated */
		mix(d, c[i].s, c[i].len + 1);
		mix(d, &c[i].null, 1);
	}
	return 0;
}

/* Parse buf in pieces of size step (0: whole); the result is the digest,
 * the error code and message. */
static struct digest
run(const char *buf, size_t len, size_t step, enum vot_err *e, char *msg, size_t msglen)
{
	struct digest d = { .h = 14695981039346656037ULL };
	struct vot_handler h = { .ctx = &d, .table_begin = on_begin, .row = on_row };
	struct vot_parser *p = vot_parser_new(&h);
	size_t off = 0;

	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	*e = VOT_OK;
	if (!step)
		step = len ? len : 1;
	while (off < len && !*e) {
		size_t n = len - off < step ? len - off : step;
		*e = vot_parser_feed(p, buf + off, n);
		off += n;
	}
	if (!*e)
		*e = vot_parser_finish(p);
	snprintf(msg, msglen, "%s", *e ? vot_parser_errmsg(p) : "");
	vot_parser_free(p);
	return d;
}

int
main(int argc, char **argv)
{
	static const size_t steps[] = { 1, 2, 3, 7, 64, 4093 };
	int failures = 0, checks = 0;

	for (int a = 1; a < argc; a++) {
		FILE *f = fopen(argv[a], "rb");
		if (!f) {
			perror(argv[a]);
			return 2;
		}
		char *buf = NULL;
		size_t len = 0, cap = 0, n;
		char chunk[65536];
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
			if (len + n > cap) {
				cap = (len + n) * 2;
				buf = realloc(buf, cap);
				if (!buf)
					return 2;
			}
			memcpy(buf + len, chunk, n);
			len += n;
		}
		fclose(f);

		enum vot_err e0, e;
		char m0[400], m[400];
		struct digest d0 = run(buf, len, 0, &e0, m0, sizeof m0);
		for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
			struct digest d = run(buf, len, steps[s], &e, m, sizeof m);
			checks++;
			/* errors must agree in kind; messages may differ in the
			 * line a chunked parse stopped at, so only the code */
			if (d.h != d0.h || d.rows != d0.rows || d.tables != d0.tables || e != e0) {
				failures++;
				fprintf(stderr, "%s: in %zu-byte pieces: %lu rows, err %d (%s); whole: %lu rows, err %d (%s)\n",
					argv[a], steps[s], d.rows, e, m, d0.rows, e0, m0);
			}
		}
		free(buf);
	}
	printf("vot_test: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
