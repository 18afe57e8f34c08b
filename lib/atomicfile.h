/* Output files that appear whole or not at all: write to a temporary name
 * in the same directory, fsync, rename over the target on commit. */
#ifndef VT_ATOMICFILE_H
#define VT_ATOMICFILE_H

struct atomic_file {
	char *path;	/* final name */
	char *tmp;	/* temporary name */
	int fd;
};

/* Returns 0, or -1 with errno set. */
int af_open(struct atomic_file *af, const char *path);
int af_commit(struct atomic_file *af);	/* fsync, close, rename */
void af_abort(struct atomic_file *af);	/* close, unlink the temporary */
/* Remove af's temporary file if SIGINT, SIGTERM, SIGHUP or SIGPIPE ends
 * the program.  One file per process: a signal handler needs a global. */
void af_remove_on_signal(struct atomic_file *af);

#endif
