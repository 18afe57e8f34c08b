#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include "origin.h"

#define A_URL "user.xdg.origin.url"
#define A_TYPE "user.mime_type"
#define A_SHA "user.vo-tools.sha256"
#define MAX_VALUE 65536		/* longer values are not ours */

int
origin_set(int fd, const char *url, const char *type)
{
	if (fsetxattr(fd, A_URL, url, strlen(url), 0) != 0)
		return -1;
	if (type && *type && fsetxattr(fd, A_TYPE, type, strlen(type), 0) != 0)
		return -1;
	if (fremovexattr(fd, A_SHA) != 0 && errno != ENODATA)
		return -1;
	return 0;
}

int
origin_set_sha256(int fd, const char *hex)
{
	return fsetxattr(fd, A_SHA, hex, strlen(hex), 0);
}

/* The value of attribute name of path, NUL-terminated, in *v (NULL if
 * absent or unsupported).  0 or -1. */
static int
get_attr(const char *path, const char *name, char **v)
{
	*v = NULL;
	ssize_t n = getxattr(path, name, NULL, 0);
	if (n < 0)
		return errno == ENODATA || errno == ENOTSUP ? 0 : -1;
	if (n > MAX_VALUE)
		return 0;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return -1;
	ssize_t m = getxattr(path, name, s, (size_t)n);
	if (m < 0 || m > n) {	/* changed meanwhile: no record */
		free(s);
		return 0;
	}
	s[m] = '\0';
	if (strlen(s) != (size_t)m) {	/* a NUL inside: not a URL we wrote */
		free(s);
		return 0;
	}
	*v = s;
	return 0;
}

int
origin_get(const char *path, struct origin *o)
{
	o->url = o->sha256 = NULL;
	if (get_attr(path, A_URL, &o->url) != 0 || get_attr(path, A_SHA, &o->sha256) != 0) {
		int e = errno;
		origin_free(o);
		errno = e;
		return -1;
	}
	return 0;
}

void
origin_free(struct origin *o)
{
	free(o->url);
	free(o->sha256);
	o->url = o->sha256 = NULL;
}
