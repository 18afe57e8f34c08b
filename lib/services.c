#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "services.h"

static char *
join(const char *dir, const char *rest)
{
	size_t n = strlen(dir) + strlen(rest) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s%s", dir, rest);
	return p;
}

static char *
services_path(void)
{
	const char *e;

	if ((e = getenv("VO_SERVICES")) && *e)
		return strdup(e);
	if ((e = getenv("XDG_CONFIG_HOME")) && *e == '/')
		return join(e, "/vo-tools/services");
	if ((e = getenv("HOME")) && *e)
		return join(e, "/.config/vo-tools/services");
	return NULL;
}

static int
is_url(const char *s)
{
	return strstr(s, "://") != NULL;
}

/* The URL for name in the services file, or NULL. */
static char *
lookup(const char *name, const char *path, int *code, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *url = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;

	if (!f) {
		snprintf(err, errlen, "no service named '%s' (no services file %s)", name, path);
		*code = VT_EX_USAGE;
		return NULL;
	}
	while (getline(&line, &cap, f) > 0) {
		char *s = line, *k, *v, *end;
		lineno++;
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '#' || *s == '\0')
			continue;
		k = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = '\0';
		while (isspace((unsigned char)*s))
			s++;
		v = s;
		end = v + strlen(v);
		while (end > v && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*v || strpbrk(v, " \t\v\f\r") || !is_url(v)) {
			snprintf(err, errlen, "%s:%lu: expected NAME URL", path, lineno);
			*code = VT_EX_CONFIG;
			break;
		}
		if (!strcmp(k, name)) {
			url = strdup(v);
			if (!url) {
				snprintf(err, errlen, "out of memory");
				*code = VT_EX_SOFTWARE;
			}
			break;
		}
	}
	if (!url && !*code) {
		snprintf(err, errlen, "no service named '%s' in %s", name, path);
		*code = VT_EX_USAGE;
	}
	free(line);
	fclose(f);
	return url;
}

char *
service_resolve(const char *arg, const char *envvar, int *code, char *err, size_t errlen)
{
	*code = 0;
	if (!arg && envvar)
		arg = getenv(envvar);
	if (!arg || !*arg) {
		snprintf(err, errlen, "no service: give -s URL%s%s", envvar ? " or set " : "",
			 envvar ? envvar : "");
		*code = VT_EX_USAGE;
		return NULL;
	}
	if (is_url(arg)) {
		char *u = strdup(arg);
		if (!u) {
			snprintf(err, errlen, "out of memory");
			*code = VT_EX_SOFTWARE;
		}
		return u;
	}
	char *path = services_path();
	if (!path) {
		snprintf(err, errlen, "no service named '%s' (no HOME for a services file)", arg);
		*code = VT_EX_USAGE;
		return NULL;
	}
	char *url = lookup(arg, path, code, err, errlen);
	free(path);
	return url;
}
