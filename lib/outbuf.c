#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "outbuf.h"

int
ob_init(struct outbuf *ob, int fd, size_t cap)
{
	ob->fd = fd;
	ob->err = 0;
	ob->len = 0;
	ob->cap = cap ? cap : 1 << 16;
	ob->buf = malloc(ob->cap);
	if (!ob->buf) {
		ob->err = ENOMEM;
		return -1;
	}
	return 0;
}

void
ob_free(struct outbuf *ob)
{
	free(ob->buf);
	ob->buf = NULL;
	ob->len = ob->cap = 0;
}

static void
write_all(struct outbuf *ob, const char *s, size_t n)
{
	while (n > 0 && !ob->err) {
		ssize_t w = write(ob->fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			ob->err = errno;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

int
ob_flush(struct outbuf *ob)
{
	if (ob->len > 0)
		write_all(ob, ob->buf, ob->len);
	/* After an error the data is dropped: the caller reports ob->err once. */
	ob->len = 0;
	return ob->err ? -1 : 0;
}

void
ob_grow_write(struct outbuf *ob, const char *s, size_t n)
{
	ob_flush(ob);
	if (n >= ob->cap) {
		write_all(ob, s, n);
		return;
	}
	memcpy(ob->buf, s, n);
	ob->len = n;
}
