/* ADQL templating (lib/adql): the input is a query template and up to 8
 * NAME=VALUE arguments, separated by NUL bytes.  Bound values must never
 * change the query's structure: the output's string literals, "quoted
 * identifiers" and -- comments are the same as with harmless values
 * ('x', 1) bound in their place, and a value bound alone reads back as
 * itself. */
#include "adql.h"
#include "fuzz.h"

/* Structure of an ADQL text: a kind per token ('s' string literal, 'd'
 * delimited identifier, 'c' comment, 'o' anything else, runs merged), and
 * the text of comments and delimited identifiers. */
static void
structure(const char *s, struct fz_buf *kinds, struct fz_buf *texts)
{
	char last = 0;
	while (*s) {
		const char *start = s;
		char k;
		if (*s == '\'' || *s == '"') {
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
			k = q == '\'' ? 's' : 'd';
		} else if (s[0] == '-' && s[1] == '-') {
			s += strcspn(s, "\n");
			k = 'c';
		} else {
			s++;
			k = 'o';
		}
		if (k != 'o' || last != 'o')
			fz_put(kinds, &k, 1);
		if (k == 'c' || k == 'd') {
			fz_put(texts, start, (size_t)(s - start));
			fz_put(texts, "", 1);
		}
		last = k;
	}
}

static int
is_number_kind(const struct adql_param *p)
{
	return p->kind == ADQL_NUMBER || (p->kind == ADQL_AUTO && adql_is_number(p->value));
}

/* value bound alone must read back as itself */
static void
check_alone(struct adql_param *p)
{
	char err[256];
	size_t nlen = strlen(p->name);
	char *q = malloc(nlen + 2);
	if (!q)
		abort();
	q[0] = ':';
	memcpy(q + 1, p->name, nlen + 1);
	char *out = adql_bind(q, p, 1, err, sizeof err);
	free(q);
	if (!out)
		return;
	if (is_number_kind(p)) {
		size_t vlen = strlen(p->value);
		if (p->value[0] == '-')
			FZ_CHECK(strlen(out) == vlen + 2 && out[0] == '(' && out[vlen + 1] == ')' &&
				 !memcmp(out + 1, p->value, vlen), "number bound as %s", out);
		else
			FZ_CHECK(!strcmp(out, p->value), "number bound as %s", out);
	} else {
		/* one string literal, its content the value */
		size_t n = strlen(out), i, o = 0;
		FZ_CHECK(n >= 2 && out[0] == '\'' && out[n - 1] == '\'', "string bound as %s", out);
		for (i = 1; i < n - 1; i++) {
			if (out[i] == '\'') {
				FZ_CHECK(out[i + 1] == '\'' && i + 1 < n - 1, "lone quote in %s", out);
				i++;
			}
			FZ_CHECK(p->value[o] == out[i], "string bound as %s", out);
			o++;
		}
		FZ_CHECK(p->value[o] == '\0', "string bound as %s: value cut", out);
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct adql_param params[8], neutral[8];
	size_t n = 0;
	char err[256];

	char *in = malloc(len + 1);
	if (!in)
		abort();
	memcpy(in, data, len);
	in[len] = '\0';
	const char *query = in, *end = in + len;
	const char *arg = query + strlen(query) + 1;
	while (arg <= end && n < 8) {
		if (adql_param_parse(arg, &params[n], err, sizeof err) == 0) {
			FZ_CHECK(params[n].name && params[n].value, "parsed without a name/value");
			n++;
		} else {
			FZ_CHECK(err[0], "refused without a message");
		}
		arg += strlen(arg) + 1;
	}
	adql_is_identifier(query);
	adql_is_number(query);

	char *out = adql_bind(query, params, n, err, sizeof err);
	if (out) {
		for (size_t i = 0; i < n; i++) {
			neutral[i] = params[i];
			neutral[i].value = is_number_kind(&params[i]) ?
			    (params[i].value[0] == '-' ? "-1" : "1") : "x";
		}
		char *ref = adql_bind(query, neutral, n, err, sizeof err);
		FZ_CHECK(ref != NULL, "harmless values refused: %s", err);
		struct fz_buf k1 = {0}, t1 = {0}, k2 = {0}, t2 = {0};
		structure(out, &k1, &t1);
		structure(ref, &k2, &t2);
		FZ_CHECK(k1.len == k2.len && (k1.len == 0 || !memcmp(k1.s, k2.s, k1.len)),
			 "values changed the structure: %s\nwith harmless values: %s", out, ref);
		FZ_CHECK(t1.len == t2.len && (t1.len == 0 || !memcmp(t1.s, t2.s, t1.len)),
			 "values changed comments or identifiers: %s\nwith harmless values: %s",
			 out, ref);
		fz_free(&k1), fz_free(&t1), fz_free(&k2), fz_free(&t2);
		free(ref);
		free(out);
	} else {
		FZ_CHECK(err[0], "refused without a message");
	}
	for (size_t i = 0; i < n; i++) {
		check_alone(&params[i]);
		adql_param_free(&params[i]);
	}
	free(in);
	return 0;
}
