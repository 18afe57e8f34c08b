/* What the programs share that only a main() may do: usage errors and
 * allocation that end the program.  lib/ returns errors instead. */
#ifndef VT_CLI_H
#define VT_CLI_H

#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"

/* glibc's, as err(3) uses it: the program's name */
extern char *program_invocation_short_name;

/* A usage error: one line, and where to read more; exit 64. */
static inline void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see %s --help)\n", program_invocation_short_name);
	exit(VT_EX_USAGE);
}

static inline void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		errx(VT_EX_SOFTWARE, "out of memory");
	return p;
}

/* p, from an allocating call, or the end of the program if it failed */
static inline void *
need(void *p)
{
	if (!p)
		errx(VT_EX_SOFTWARE, "out of memory");
	return p;
}

/* A copy of s; of "" for NULL. */
static inline char *
xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p)
		errx(VT_EX_SOFTWARE, "out of memory");
	return p;
}

/* v, an array of n elements of size bytes, with room for one more. */
static inline void *
grow(void *v, size_t n, size_t size)
{
	void *nv = realloc(v, (n + 1) * size);
	if (!nv)
		errx(VT_EX_SOFTWARE, "out of memory");
	return nv;
}

#endif
