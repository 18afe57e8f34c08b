#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adql.h"

static int
ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static int
ident_char(int c)
{
	return isalnum(c) || c == '_';
}

int
adql_is_identifier(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (s++; *s; s++)
		if (!ident_char((unsigned char)*s))
			return 0;
	return 1;
}

int
adql_is_number(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		while (isxdigit(*p))
			p++, digits++;
		return digits > 0 && *p == '\0';
	}
	while (isdigit(*p))
		p++, digits++;
	if (*p == '.') {
		p++;
		while (isdigit(*p))
			p++, digits++;
	}
	if (!digits)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit(*p))
			return 0;
		while (isdigit(*p))
			p++;
	}
	return *p == '\0';
}

int
adql_param_parse(const char *arg, struct adql_param *p, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	memset(p, 0, sizeof *p);
	if (!eq || eq == arg) {
		snprintf(err, errlen, "-p wants NAME=VALUE, not '%s'", arg);
		return -1;
	}
	size_t nlen = (size_t)(eq - arg);
	if (nlen > 2 && arg[nlen - 2] == ':') {
		char k = arg[nlen - 1];
		if (k == 's')
			p->kind = ADQL_STRING;
		else if (k == 'n')
			p->kind = ADQL_NUMBER;
		else {
			snprintf(err, errlen, "-p %.*s: the type is :s (string) or :n (number)",
				 (int)nlen, arg);
			return -1;
		}
		nlen -= 2;
	}
	p->name = strndup(arg, nlen);
	p->value = strdup(eq + 1);
	if (!p->name || !p->value) {
		adql_param_free(p);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!ident_start((unsigned char)p->name[0]) || !adql_is_identifier(p->name + (p->name[0] == '_'))) {
		snprintf(err, errlen, "-p: '%s' is not a parameter name (letters, digits, _)", p->name);
		adql_param_free(p);
		return -1;
	}
	return 0;
}

void
adql_param_free(struct adql_param *p)
{
	free(p->name);
	free(p->value);
	p->name = p->value = NULL;
}

struct buf {
	char *s;
	size_t len, cap;
	int nomem;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->nomem)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns) {
			b->nomem = 1;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Append the literal for p; -1 if the value cannot be bound. */
static int
put_literal(struct buf *b, const struct adql_param *p, char *err, size_t errlen)
{
	int number = p->kind == ADQL_NUMBER ||
		     (p->kind == ADQL_AUTO && adql_is_number(p->value));
	if (number) {
		if (!adql_is_number(p->value)) {
			snprintf(err, errlen, "-p %s: '%s' is not a number", p->name, p->value);
			return -1;
		}
		/* "(-3)": after a minus, "-3" would start a -- comment */
		int neg = p->value[0] == '-';
		if (neg)
			put(b, "(", 1);
		put(b, p->value, strlen(p->value));
		if (neg)
			put(b, ")", 1);
		return 0;
	}
	for (const unsigned char *c = (const unsigned char *)p->value; *c; c++)
		if (*c < 0x20 && *c != '\t' && *c != '\n' && *c != '\r') {
			snprintf(err, errlen, "-p %s: the value has a control character (0x%02x)",
				 p->name, *c);
			return -1;
		}
	put(b, "'", 1);
	for (const char *c = p->value; *c; c++) {
		const char *q = strchr(c, '\'');
		size_t n = q ? (size_t)(q - c) : strlen(c);
		put(b, c, n);
		if (!q)
			break;
		put(b, "''", 2);
		c = q;
	}
	put(b, "'", 1);
	return 0;
}

char *
adql_bind(const char *query, struct adql_param *params, size_t n, char *err, size_t errlen)
{
	struct buf b = {0};
	const char *s = query;

	for (size_t i = 0; i < n; i++)
		params[i].used = 0;
	put(&b, "", 0);
	while (*s) {
		const char *start = s;
		if (*s == '\'' || *s == '"') {
			/* a literal or delimited identifier: copied whole; a
			 * doubled quote stays inside */
			char q = *s++;
			for (;;) {
				if (!*s)
					break;
				if (*s == q && s[1] == q) {
					s += 2;
					continue;
				}
				if (*s++ == q)
					break;
			}
			put(&b, start, (size_t)(s - start));
			continue;
		}
		if (s[0] == '-' && s[1] == '-') {
			s += strcspn(s, "\n");
			put(&b, start, (size_t)(s - start));
			continue;
		}
		if (s[0] == ':' && ident_start((unsigned char)s[1]) &&
		    (s == query || (!ident_char((unsigned char)s[-1]) && s[-1] != ':'))) {
			const char *e = s + 1;
			while (ident_char((unsigned char)*e))
				e++;
			size_t len = (size_t)(e - s - 1);
			size_t i;
			for (i = 0; i < n; i++)
				if (strlen(params[i].name) == len && !memcmp(params[i].name, s + 1, len))
					break;
			if (i == n) {
				snprintf(err, errlen, "no value for :%.*s (give it with -p %.*s=VALUE)",
					 (int)len, s + 1, (int)len, s + 1);
				free(b.s);
				return NULL;
			}
			if (put_literal(&b, &params[i], err, errlen) < 0) {
				free(b.s);
				return NULL;
			}
			params[i].used = 1;
			s = e;
			continue;
		}
		/* plain text up to the next character that may start one of
		 * the above */
		s++;
		while (*s && !strchr("'\":-", *s))
			s++;
		put(&b, start, (size_t)(s - start));
	}
	for (size_t i = 0; i < n; i++)
		if (!params[i].used) {
			snprintf(err, errlen, "-p %s: the query has no :%s", params[i].name, params[i].name);
			free(b.s);
			return NULL;
		}
	if (b.nomem) {
		snprintf(err, errlen, "out of memory");
		free(b.s);
		return NULL;
	}
	return b.s;
}
