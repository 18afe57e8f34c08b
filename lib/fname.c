#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fname.h"

char *
fname_sanitize(char *s)
{
	char *b = s, *p;
	for (p = s; *p; p++)
		if (*p == '/' || *p == '\\')
			b = p + 1;
	/* no hidden files, no names a shell glob would skip */
	while (*b == '.' || *b == ' ' || *b == '\t')
		b++;
	memmove(s, b, strlen(b) + 1);
	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '_';
	while (p > s && (p[-1] == ' ' || p[-1] == '\t'))
		*--p = '\0';
	return s;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *
fname_pct_decode(const char *s, size_t n)
{
	char *d = malloc(n + 1), *o = d;
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int a, b;
		if (s[i] == '%' && i + 2 < n && (a = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (b = hexval((unsigned char)s[i + 2])) >= 0) {
			*o++ = (char)(a * 16 + b);
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return d;
}

char *
fname_from_url(const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "?#");
	const char *slash = memchr(p, '/', n);
	if (!slash)
		return strdup("");
	const char *end = p + n, *seg = end;
	while (seg > slash + 1 && seg[-1] != '/')
		seg--;
	char *name = fname_pct_decode(seg, (size_t)(end - seg));
	return name ? fname_sanitize(name) : NULL;
}

static const char *
ci_find(const char *h, const char *needle)
{
	size_t n = strlen(needle);
	for (; *h; h++)
		if (strncasecmp(h, needle, n) == 0)
			return h;
	return NULL;
}

char *
fname_from_disposition(const char *cd)
{
	const char *p;
	char *v = NULL;
	if (!cd)
		return NULL;
	if ((p = ci_find(cd, "filename*=")) != NULL) {
		p += 10;
		const char *q = strstr(p, "''");	/* charset'language'value */
		size_t n = strcspn(p, ";");
		if (q && q < p + n) {
			n -= (size_t)(q + 2 - p);
			p = q + 2;
		}
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		v = fname_pct_decode(p, n);
	} else if ((p = ci_find(cd, "filename=")) != NULL) {
		p += 9;
		while (*p == ' ')
			p++;
		if (*p == '"') {
			p++;
			if ((v = malloc(strlen(p) + 1)) != NULL) {
				char *o = v;
				for (; *p && *p != '"'; p++) {
					if (*p == '\\' && p[1])
						p++;
					*o++ = *p;
				}
				*o = '\0';
			}
		} else {
			size_t n = strcspn(p, "; \t");
			if ((v = malloc(n + 1)) != NULL) {
				memcpy(v, p, n);
				v[n] = '\0';
			}
		}
	}
	if (v && !*fname_sanitize(v)) {
		free(v);
		v = NULL;
	}
	return v;
}

char *
fname_numbered(const char *name, long k)
{
	const char *dot = *name ? strchr(name + 1, '.') : NULL;
	size_t stem = dot ? (size_t)(dot - name) : strlen(name);
	size_t len = strlen(name) + 24;
	char *r = malloc(len);
	if (r)
		snprintf(r, len, "%.*s-%ld%s", (int)stem, name, k, name + stem);
	return r;
}

/* What kind of name change a content type calls for. */
enum kind {
	K_DATA,		/* its extension replaces another known one */
	K_GENERIC,	/* text/plain, XML: only added where there is none */
	K_WRAP,		/* a compression or archive: appended (x.fits.gz) */
};

static const struct ftype {
	const char *type, *ext;
	const char *also;	/* other extensions of the same content */
	enum kind kind;
} types[] = {
	{ "application/fits", ".fits", ".fit.fts", K_DATA },
	{ "image/fits", ".fits", ".fit.fts", K_DATA },
	{ "application/x-fits", ".fits", ".fit.fts", K_DATA },
	{ "application/x-votable+xml", ".vot", ".votable.xml", K_DATA },
	{ "text/xml", ".xml", ".vot.votable", K_GENERIC },
	{ "application/xml", ".xml", ".vot.votable", K_GENERIC },
	{ "text/csv", ".csv", "", K_DATA },
	{ "text/tab-separated-values", ".tsv", ".tab", K_DATA },
	{ "text/plain", ".txt", ".text", K_GENERIC },
	{ "application/json", ".json", "", K_DATA },
	{ "image/png", ".png", "", K_DATA },
	{ "image/jpeg", ".jpg", ".jpeg.jpe", K_DATA },
	{ "image/gif", ".gif", "", K_DATA },
	{ "application/pdf", ".pdf", "", K_DATA },
	{ "text/html", ".html", ".htm", K_DATA },
	{ "application/gzip", ".gz", ".tgz", K_WRAP },
	{ "application/x-gzip", ".gz", ".tgz", K_WRAP },
	{ "application/x-bzip2", ".bz2", "", K_WRAP },
	{ "application/x-xz", ".xz", "", K_WRAP },
	{ "application/zip", ".zip", "", K_WRAP },
	{ "application/x-tar", ".tar", "", K_WRAP },
};
#define NTYPES (sizeof types / sizeof types[0])

static const struct ftype *
find_type(const char *type)
{
	size_t n = type ? strcspn(type, "; \t") : 0;
	for (size_t i = 0; n && i < NTYPES; i++)
		if (strlen(types[i].type) == n && !strncasecmp(type, types[i].type, n))
			return &types[i];
	return NULL;
}

const char *
fname_extension(const char *type)
{
	const struct ftype *t = find_type(type);
	return t ? t->ext : NULL;
}

/* Is ext (".png") t's extension or one of its others? */
static bool
ext_of(const struct ftype *t, const char *ext)
{
	size_t n = strlen(ext);
	if (!strcasecmp(ext, t->ext))
		return true;
	for (const char *p = t->also; *p;) {
		const char *q = strchr(p + 1, '.');
		size_t k = q ? (size_t)(q - p) : strlen(p);
		if (k == n && strncasecmp(p, ext, n) == 0)
			return true;
		p += k;
	}
	return false;
}

char *
fname_for_type(const char *name, const char *type)
{
	const struct ftype *t = find_type(type);
	const char *dot = strrchr(name, '.');
	if (dot == name)
		dot = NULL;	/* ".rc" has no extension */
	if (!t || (dot && ext_of(t, dot)))
		return strdup(name);
	bool known = false, wrapped = false;
	for (size_t i = 0; dot && i < NTYPES; i++)
		if (ext_of(&types[i], dot)) {
			known = true;
			wrapped = wrapped || types[i].kind == K_WRAP;
		}
	/* x.fits.gz sent as image/fits describes what is inside; text/plain
	 * says little; x.dat or ADP.2017-01-18T11:54:03.123 are the
	 * provider's own names */
	if (dot && (wrapped || t->kind == K_GENERIC || !known))
		return strdup(name);
	size_t keep = dot && t->kind != K_WRAP ? (size_t)(dot - name) : strlen(name);
	char *r = malloc(keep + strlen(t->ext) + 1);
	if (r) {
		memcpy(r, name, keep);
		strcpy(r + keep, t->ext);
	}
	return r;
}

char *
fname_with_extension(const char *name, const char *type, bool replace)
{
	const char *ext = fname_extension(type);
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	const char *dot = strrchr(base, '.');
	if (dot == base)
		dot = NULL;	/* ".hidden" has no extension */
	if (!ext || (dot && (!replace || !strcasecmp(dot, ext))))
		return strdup(name);
	size_t keep = dot ? (size_t)(dot - name) : strlen(name);
	char *r = malloc(keep + strlen(ext) + 1);
	if (r) {
		memcpy(r, name, keep);
		strcpy(r + keep, ext);
	}
	return r;
}
