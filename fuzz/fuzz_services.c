/* The services file (lib/services): the input is written to a scratch
 * file (named by $VO_SERVICES, or in $XDG_CONFIG_HOME or $HOME) and names are looked up in it (fixed ones,
 * and the first word of the input's last line).  A name resolves to a
 * URL without blanks; a failure has a message and an exit code. */
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "services.h"

/* The file is found through $VO_SERVICES, $XDG_CONFIG_HOME or $HOME,
 * as the input's first byte chooses. */
static char dir[64], path[3][128];

static void
cleanup(void)
{
	static const char *const rm[] = {
		"services", "xdg/vo-tools/services", "xdg/vo-tools", "xdg",
		".config/vo-tools/services", ".config/vo-tools", ".config", "",
	};
	char f[160];
	for (size_t i = 0; i < sizeof rm / sizeof *rm; i++) {
		snprintf(f, sizeof f, "%s/%s", dir, rm[i]);
		if (unlink(f) != 0)
			rmdir(f);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char d[160];
	(void)argc, (void)argv;
	snprintf(dir, sizeof dir, "/tmp/vt-fuzz-services.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path[0], sizeof path[0], "%s/services", dir);
	snprintf(d, sizeof d, "%s/xdg", dir);
	mkdir(d, 0700);
	snprintf(d, sizeof d, "%s/xdg/vo-tools", dir);
	mkdir(d, 0700);
	snprintf(path[1], sizeof path[1], "%s/xdg/vo-tools/services", dir);
	snprintf(d, sizeof d, "%s/.config", dir);
	mkdir(d, 0700);
	snprintf(d, sizeof d, "%s/.config/vo-tools", dir);
	mkdir(d, 0700);
	snprintf(path[2], sizeof path[2], "%s/.config/vo-tools/services", dir);
	atexit(cleanup);
	return 0;
}

static const char *
choose(uint8_t how)
{
	char xdg[96];
	unsetenv("VO_SERVICES");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", dir, 1);
	switch (how % 5) {
	case 0:
		setenv("VO_SERVICES", path[0], 1);
		return path[0];
	case 1:
		snprintf(xdg, sizeof xdg, "%s/xdg", dir);
		setenv("XDG_CONFIG_HOME", xdg, 1);
		return path[1];
	case 2:
		setenv("XDG_CONFIG_HOME", "not/absolute", 1);
		return path[2];
	case 3:
		return path[2];
	default:
		unsetenv("HOME");	/* no file at all */
		return path[0];
	}
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
	const char *file = choose(len ? data[0] : 0);
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
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
