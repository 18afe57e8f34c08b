/* A program's table output: standard output, or a file written under a
 * temporary name and renamed into place only when the program succeeds. */
#ifndef VT_OUTPUT_H
#define VT_OUTPUT_H

#include <stddef.h>

#include "atomicfile.h"
#include "outbuf.h"

struct output {
	const char *path;	/* NULL: standard output */
	struct atomic_file af;
	struct outbuf ob;
};

/* Returns 0, or an exit code (exitcode.h) with a message in err. */
int output_open(struct output *out, const char *path, char *err, size_t errlen);
/* Flush, then commit the file if code is 0 (else remove it).  Returns the
 * final exit code: code, or an I/O error found now (message in err). */
int output_close(struct output *out, int code, char *err, size_t errlen);

#endif
