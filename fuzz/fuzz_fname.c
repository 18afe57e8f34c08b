/* File names from servers (lib/fname): Content-Disposition headers and
 * URLs.  A name made from them never holds a path separator ('/' or
 * '\'), never starts with a dot or a blank, never ends with a blank and
 * holds no control character; nor do the numbered names and the names
 * with an extension made from it.  The input is a header; its last line
 * is also read as a content type. */
#include "fname.h"
#include "fuzz.h"

static void
check_safe(const char *what, const char *s, bool may_be_empty)
{
	size_t n = strlen(s);
	FZ_CHECK(may_be_empty || n > 0, "%s: empty name", what);
	FZ_CHECK(!strchr(s, '/') && !strchr(s, '\\'), "%s: path separator in '%s'", what, s);
	if (n == 0)
		return;
	FZ_CHECK(s[0] != '.', "%s: hidden file '%s'", what, s);
	FZ_CHECK(s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t',
		 "%s: surrounding blanks in '%s'", what, s);
	for (size_t i = 0; i < n; i++)
		FZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f,
			 "%s: control character in '%s'", what, s);
}

static void
derived(const char *name, const char *type)
{
	if (!*name)
		return;
	for (long k = 1; k <= 1000; k *= 999) {
		char *r = fname_numbered(name, k);
		if (!r)
			abort();
		check_safe("numbered", r, false);
		free(r);
	}
	for (int replace = 0; replace <= 1; replace++) {
		char *r = fname_with_extension(name, type, replace);
		if (!r)
			abort();
		check_safe("with extension", r, false);
		const char *ext = fname_extension(type);
		if (ext && replace)
			FZ_CHECK(strlen(r) > strlen(ext) &&
				 !strcasecmp(r + strlen(r) - strlen(ext), ext),
				 "'%s' as %s gave '%s'", name, type, r);
		free(r);
	}
	char *r = fname_for_type(name, type);
	if (!r)
		abort();
	check_safe("for type", r, false);
	free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *s = strndup((const char *)data, len);
	if (!s)
		abort();
	const char *nl = strrchr(s, '\n');
	const char *type = nl ? nl + 1 : "image/png";

	char *cd = fname_from_disposition(s);
	if (cd) {
		check_safe("Content-Disposition", cd, false);
		derived(cd, type);
		free(cd);
	}
	char *u = fname_from_url(s);
	if (!u)
		abort();
	check_safe("URL", u, true);
	derived(u, type);
	free(u);

	char *d = fname_pct_decode(s, strlen(s));
	if (!d)
		abort();
	FZ_CHECK(strlen(d) <= strlen(s), "decoding made it longer");
	check_safe("sanitised", fname_sanitize(d), true);
	free(d);
	fname_extension(s);
	free(s);
	return 0;
}
