#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exitcode.h"
#include "output.h"

int
output_open(struct output *out, const char *path, char *err, size_t errlen)
{
	out->path = path;
	out->af.fd = -1;
	if (path) {
		if (af_open(&out->af, path) < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return VT_EX_CANTCREAT;
		}
		af_remove_on_signal(&out->af);
	}
	if (ob_init(&out->ob, path ? out->af.fd : 1, 1 << 16) < 0) {
		if (path)
			af_abort(&out->af);
		snprintf(err, errlen, "out of memory");
		return VT_EX_SOFTWARE;
	}
	return 0;
}

int
output_close(struct output *out, int code, char *err, size_t errlen)
{
	if (ob_flush(&out->ob) < 0 && (code == 0 || code == VT_EX_OVERFLOW)) {
		snprintf(err, errlen, "write error: %s", strerror(out->ob.err));
		code = VT_EX_IOERR;
	}
	ob_free(&out->ob);
	if (!out->path)
		return code;
	/* any failure, a refused overflow included, leaves no file */
	if (code == 0) {
		if (af_commit(&out->af) < 0) {
			snprintf(err, errlen, "%s: %s", out->path, strerror(errno));
			code = VT_EX_CANTCREAT;
		}
	} else {
		af_abort(&out->af);
	}
	return code;
}
