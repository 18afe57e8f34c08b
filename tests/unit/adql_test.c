/* adql_bind: placeholders become quoted literals, nothing else changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adql.h"

static int failures, checks;

static void
expect(const char *query, const char *const *args, size_t nargs, const char *want)
{
	struct adql_param p[8];
	char err[256] = "";
	size_t n = 0;
	char *got = NULL;

	checks++;
	for (; n < nargs; n++)
		if (adql_param_parse(args[n], &p[n], err, sizeof err) < 0)
			break;
	if (n == nargs)
		got = adql_bind(query, p, n, err, sizeof err);
	const char *shown = got ? got : err;
	if (want ? (!got || strcmp(got, want)) : got != NULL) {
		failures++;
		fprintf(stderr, "FAIL: %s\n  got:  %s\n  want: %s\n", query, shown,
			want ? want : "(an error)");
	}
	free(got);
	for (size_t i = 0; i < n; i++)
		adql_param_free(&p[i]);
}

#define A(...) (const char *const[]){ __VA_ARGS__ }, sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *)

int
main(void)
{
	/* the pyVO course's Exercise 6 */
	expect("select accref from maidanak.reduced where object=:obj",
	       A("obj=IC 4756"), "select accref from maidanak.reduced where object='IC 4756'");
	/* numbers stay numbers, unless asked */
	expect("SELECT * FROM t WHERE mag < :m AND id = :id", A("m=12.5", "id=-3e2"),
	       "SELECT * FROM t WHERE mag < 12.5 AND id = (-3e2)");
	expect("SELECT x -:v FROM t", A("v=-3"), "SELECT x -(-3) FROM t");
	expect("SELECT * FROM t WHERE name = :n", A("n:s=42"), "SELECT * FROM t WHERE name = '42'");
	expect("SELECT * FROM t WHERE x = :n", A("n:n=0x1F"), "SELECT * FROM t WHERE x = 0x1F");
	expect("SELECT * FROM t WHERE x = :n", A("n:n=1; DROP TABLE t"), NULL);
	/* injection attempts end up inside one literal */
	expect("SELECT * FROM t WHERE name = :n", A("n=x' OR '1'='1"),
	       "SELECT * FROM t WHERE name = 'x'' OR ''1''=''1'");
	expect("SELECT * FROM t WHERE name = :n", A("n=O'Brien"), "SELECT * FROM t WHERE name = 'O''Brien'");
	expect("SELECT * FROM t WHERE name = :n", A("n=1 -- x"), "SELECT * FROM t WHERE name = '1 -- x'");
	/* placeholders in literals, quoted identifiers and comments stay */
	expect("SELECT ':a', \":a\" FROM t -- :a\nWHERE x = :a", A("a=1"),
	       "SELECT ':a', \":a\" FROM t -- :a\nWHERE x = 1");
	expect("SELECT 'it''s :a' FROM t WHERE y = :a", A("a=b"),
	       "SELECT 'it''s :a' FROM t WHERE y = 'b'");
	/* the same placeholder twice; a URL-like text in a literal */
	expect("SELECT * FROM t WHERE a = :v OR b = :v AND u = 'ivo://x:y'", A("v=2"),
	       "SELECT * FROM t WHERE a = 2 OR b = 2 AND u = 'ivo://x:y'");
	/* errors: unbound, unused, bad names, control characters */
	expect("SELECT * FROM t WHERE a = :v", A("w=1"), NULL);
	expect("SELECT * FROM t WHERE a = :v", A("v=1", "w=2"), NULL);
	expect("SELECT * FROM t WHERE a = :v", A("1v=1"), NULL);
	expect("SELECT * FROM t WHERE a = :v", A("v:x=1"), NULL);
	expect("SELECT * FROM t WHERE a = :v", A("v=a\001b"), NULL);
	/* an empty value is the empty string */
	expect("SELECT * FROM t WHERE a = :v", A("v="), "SELECT * FROM t WHERE a = ''");
	/* no parameters: the query unchanged, colons and all */
	expect("SELECT a::int, 'x' FROM t", NULL, 0, "SELECT a::int, 'x' FROM t");

	printf("adql: %d checks, %d failures\n", checks, failures);
	return failures != 0;
}
