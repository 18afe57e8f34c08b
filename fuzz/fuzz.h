/* Shared helpers of the libFuzzer harnesses (see fuzz/README). */
#ifndef VT_FUZZ_H
#define VT_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Stop the run with a message: libFuzzer saves the input as a crash. */
#define FZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz check failed: %s (%s:%d): ", #cond, __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* A small deterministic generator, seeded from the input itself, so that
 * the same input is always cut the same way (crashes reproduce). */
struct fz_rng {
	uint64_t s;
};

static inline void
fz_rng_seed(struct fz_rng *r, const uint8_t *data, size_t len)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	r->s = h ? h : 1;
}

static inline uint64_t
fz_rng_next(struct fz_rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

/* The size of the next piece: mostly tiny (1-8 bytes, to cut inside
 * tags, entities, base64 quads and UTF-8 sequences), sometimes up to
 * 4093 bytes. */
static inline size_t
fz_piece(struct fz_rng *r)
{
	uint64_t x = fz_rng_next(r);
	switch (x & 3) {
	case 0:
	case 1:
		return 1 + (size_t)((x >> 8) % 8);
	case 2:
		return 1 + (size_t)((x >> 8) % 64);
	default:
		return 1 + (size_t)((x >> 8) % 4093);
	}
}

/* A descriptor reading the given bytes from offset 0 (a memfd), or -1. */
static inline int
fz_memfd(const void *data, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	const char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A growing byte string, for recording what a parser delivered. */
struct fz_buf {
	unsigned char *s;
	size_t len, cap;
};

static inline void
fz_put(struct fz_buf *b, const void *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		unsigned char *ns = realloc(b->s, cap);
		if (!ns)
			abort();
		b->s = ns;
		b->cap = cap;
	}
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
}

static inline void
fz_put_str(struct fz_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	fz_put(b, &n, sizeof n);
	fz_put(b, s ? s : "", n);
}

static inline void
fz_free(struct fz_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* Touch every byte of a string (so that ASan sees a dangling one). */
static inline size_t
fz_touch(const char *s)
{
	return s ? strlen(s) : 0;
}

#endif
