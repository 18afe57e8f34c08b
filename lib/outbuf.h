/* Buffered output to a file descriptor, without stdio locking overhead.
 * Errors are sticky: check ob_flush()'s result (or ob->err) once at the end. */
#ifndef VT_OUTBUF_H
#define VT_OUTBUF_H

#include <stddef.h>
#include <string.h>

struct outbuf {
	int fd;
	int err;		/* errno of the first failed write, else 0 */
	size_t len;
	size_t cap;
	char *buf;
};

int ob_init(struct outbuf *ob, int fd, size_t cap);	/* 0 or -1 (ENOMEM) */
void ob_free(struct outbuf *ob);			/* does not flush, does not close fd */
int ob_flush(struct outbuf *ob);			/* 0 or -1 with ob->err set */
void ob_grow_write(struct outbuf *ob, const char *s, size_t n);

static inline void ob_write(struct outbuf *ob, const char *s, size_t n)
{
	if (ob->len + n <= ob->cap) {
		memcpy(ob->buf + ob->len, s, n);
		ob->len += n;
	} else {
		ob_grow_write(ob, s, n);
	}
}

static inline void ob_putc(struct outbuf *ob, char c)
{
	if (ob->len == ob->cap)
		ob_flush(ob);
	ob->buf[ob->len++] = c;
}

static inline void ob_puts(struct outbuf *ob, const char *s)
{
	ob_write(ob, s, strlen(s));
}

/* Reserve n contiguous bytes (n <= cap) and return where to write them;
 * commit with ob->len += written. */
static inline char *ob_reserve(struct outbuf *ob, size_t n)
{
	if (ob->len + n > ob->cap)
		ob_flush(ob);
	return ob->buf + ob->len;
}

#endif
