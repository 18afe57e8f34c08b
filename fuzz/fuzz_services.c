/* The services file (lib/services): the input is written to a scratch
 * file named by $VO_SERVICES and names are looked up in it (fixed ones,
 * and the first word of the input's last line).  A name resolves to a
 * URL without blanks; a failure has a message and an exit code. */
#include <ctype.h>
#include <fcntl.h>

#include "fuzz.h"
#include "services.h"

static char path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	snprintf(path, sizeof path, "/tmp/vt-fuzz-services.XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	setenv("VO_SERVICES", path, 1);
	return 0;
}

static void
resolve(const char *name)
{
	char err[512] = "";
	int code = -1;
	char *url = service_resolve(name, "VT_FUZZ_SERVICE", &code, err, sizeof err);
	if (url) {
		FZ_CHECK(code == 0, "a URL and exit code %d", code);
		FZ_CHECK(strstr(url, "://") != NULL, "'%s' is not a URL", url);
		for (const char *c = url; *c; c++)
			FZ_CHECK(!isspace((unsigned char)*c), "blank in '%s'", url);
		free(url);
	} else {
		FZ_CHECK(code != 0 && err[0], "no URL, exit code %d, message '%s'", code, err);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len) || close(fd) != 0)
		abort();
	resolve("gavo");
	resolve("x");
	resolve("https://example.org/tap");
	resolve(NULL);
	setenv("VT_FUZZ_SERVICE", "gavo", 1);
	resolve(NULL);
	unsetenv("VT_FUZZ_SERVICE");

	/* the first word of the last line */
	const char *s = (const char *)data, *end = s + len, *l = s;
	for (const char *c = s; c < end; c++)
		if (*c == '\n' && c + 1 < end)
			l = c + 1;
	while (l < end && isspace((unsigned char)*l))
		l++;
	const char *w = l;
	while (w < end && *w && !isspace((unsigned char)*w) && w - l < 200)
		w++;
	char *name = strndup(l, (size_t)(w - l));
	if (!name)
		abort();
	resolve(name);
	free(name);
	return 0;
}
