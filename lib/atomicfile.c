#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"

/* the temporary to remove when a signal ends the program (atomic: a
 * program with threads may commit files in several at once) */
static _Atomic(const char *) signal_tmp;

/* The process's umask, read once: umask(2) can only be read by setting
 * it, and setting it to 0 for a moment would give files that other
 * threads create meanwhile the wrong mode. */
static mode_t process_umask;
static pthread_once_t umask_once = PTHREAD_ONCE_INIT;

static void
read_umask(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	unsigned int m;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "Umask: %o", &m) == 1) {
			process_umask = (mode_t)m;
			fclose(f);
			return;
		}
	if (f)
		fclose(f);
	process_umask = umask(0);
	umask(process_umask);
}

/* Forget the signal-time temporary if it is af's. */
static void
unregister(const struct atomic_file *af)
{
	const char *mine = af->tmp;
	atomic_compare_exchange_strong(&signal_tmp, &mine, NULL);
}

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
	pthread_once(&umask_once, read_umask);
	fchmod(af->fd, 0666 & ~process_umask);
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
	unregister(af);
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
	unregister(af);
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
	const char *tmp = atomic_load(&signal_tmp);
	if (tmp)
		unlink(tmp);
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
	atomic_store(&signal_tmp, af->tmp);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}
