#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"

/* the temporary to remove when a signal ends the program */
static const char *volatile signal_tmp;

int
af_open(struct atomic_file *af, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dirlen = (size_t)(base - path);
	size_t n = strlen(path) + 32;

	af->fd = -1;
	af->path = strdup(path);
	af->tmp = malloc(n);
	if (!af->path || !af->tmp) {
		free(af->path);
		free(af->tmp);
		errno = ENOMEM;
		return -1;
	}
	/* A dot-name in the same directory: rename(2) is then atomic, and
	 * a crash leaves something recognisable rather than a truncated file
	 * under the final name. */
	snprintf(af->tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
	af->fd = mkstemp(af->tmp);
	if (af->fd < 0) {
		int e = errno;
		free(af->path);
		free(af->tmp);
		af->path = af->tmp = NULL;
		errno = e;
		return -1;
	}
	/* mkstemp makes 0600; give the file the mode a plain creat would. */
	mode_t um = umask(0);
	umask(um);
	fchmod(af->fd, 0666 & ~um);
	return 0;
}

int
af_commit(struct atomic_file *af)
{
	int r = 0;

	if (fsync(af->fd) < 0 && errno != EINVAL)
		r = -1;
	if (close(af->fd) < 0)
		r = -1;
	af->fd = -1;
	signal_tmp = NULL;
	if (r == 0 && rename(af->tmp, af->path) < 0)
		r = -1;
	if (r < 0) {
		int e = errno;
		unlink(af->tmp);
		errno = e;
	}
	free(af->path);
	free(af->tmp);
	af->path = af->tmp = NULL;
	return r;
}

void
af_abort(struct atomic_file *af)
{
	signal_tmp = NULL;
	if (af->fd >= 0)
		close(af->fd);
	if (af->tmp)
		unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	af->fd = -1;
	af->path = af->tmp = NULL;
}


static void
remove_and_die(int sig)
{
	if (signal_tmp)
		unlink(signal_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

void
af_remove_on_signal(struct atomic_file *af)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = remove_and_die;
	sigemptyset(&sa.sa_mask);
	signal_tmp = af->tmp;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}
