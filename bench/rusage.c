/* rusage [-o FILE] [-t SECONDS] CMD [ARG...]: run CMD, then report its
 * wall-clock time, CPU time and peak resident set size (including the
 * children it waited for, e.g. java under the stilts script) as one line:
 *
 *   wall=1.234 user=1.100 sys=0.120 maxrss_kb=5120 status=0
 *
 * on FILE (default stderr).  CMD runs in its own process group, which is
 * killed after SECONDS (status 124, as timeout(1)) and gets the SIGINT,
 * SIGTERM or SIGHUP that rusage receives.  Exits with CMD's status (128+N
 * if killed by signal N).  Replaces GNU time, which is not always there. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t child, timed_out;

static void on_signal(int sig)
{
	if (sig == SIGALRM) {
		timed_out = 1;
		sig = SIGKILL;
	}
	if (child > 0)
		kill(-child, sig);
}

static double tv(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

static void usage(void)
{
	fputs("usage: rusage [-o FILE] [-t SECONDS] CMD [ARG...]\n", stderr);
	exit(64);
}

int main(int argc, char **argv)
{
	const char *outfile = NULL;
	unsigned limit = 0;
	struct timespec t0, t1;
	struct sigaction sa;
	struct rusage ru;
	pid_t pid;
	int argi = 1, status, code;
	FILE *out = stderr;

	while (argi + 1 < argc && argv[argi][0] == '-') {
		if (!strcmp(argv[argi], "-o"))
			outfile = argv[argi + 1];
		else if (!strcmp(argv[argi], "-t"))
			limit = (unsigned)strtoul(argv[argi + 1], NULL, 10);
		else
			usage();
		argi += 2;
	}
	if (argi >= argc)
		usage();

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 71;
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execvp(argv[argi], argv + argi);
		fprintf(stderr, "rusage: %s: %s\n", argv[argi], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	child = pid;
	if (limit)
		alarm(limit);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("rusage: wait4");
			return 71;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	alarm(0);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (timed_out)
		code = 124;
	if (outfile && !(out = fopen(outfile, "w"))) {
		perror(outfile);
		return 73;
	}
	fprintf(out, "wall=%.3f user=%.3f sys=%.3f maxrss_kb=%ld status=%d\n",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		tv(ru.ru_utime), tv(ru.ru_stime), ru.ru_maxrss, code);
	if (out != stderr && fclose(out) != 0) {
		perror(outfile);
		return 74;
	}
	return code;
}
