/* Safe ADQL templating: `-p NAME=VALUE` binds VALUE into the query where
 * `:NAME` stands, as a properly quoted literal, so that a value can never
 * change the query's structure (no ADQL errors from unquoted names like
 * IC 4756, no injection).
 *
 * A value is bound as a number if it is written like one, else as a
 * string literal ('...' with quotes doubled).  NAME:s=VALUE forces a
 * string, NAME:n=VALUE demands a number.  Placeholders inside string
 * literals, "quoted identifiers" and -- comments are left alone. */
#ifndef VT_ADQL_H
#define VT_ADQL_H

#include <stddef.h>

enum adql_kind { ADQL_AUTO, ADQL_STRING, ADQL_NUMBER };

struct adql_param {
	char *name;
	char *value;
	enum adql_kind kind;
	int used;
};

/* Parse "NAME=VALUE", "NAME:s=VALUE" or "NAME:n=VALUE" (strings are
 * copied).  Returns 0, or -1 with a message in err. */
int adql_param_parse(const char *arg, struct adql_param *p, char *err, size_t errlen);
void adql_param_free(struct adql_param *p);

/* The query with every :NAME replaced; malloc'd.  NULL with a message in
 * err for a placeholder without a value, a parameter the query does not
 * use, a value that is not a number where one is demanded, or a value
 * with a NUL or control character other than tab/newline. */
char *adql_bind(const char *query, struct adql_param *params, size_t n,
		char *err, size_t errlen);

/* Whether s is an ADQL numeric literal (integer, decimal, exponent, hex). */
int adql_is_number(const char *s);

/* Whether s is a regular ADQL identifier (a letter, then letters, digits,
 * underscores): what TAP upload table names must be. */
int adql_is_identifier(const char *s);

#endif
