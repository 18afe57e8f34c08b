/* File names for downloaded data: safe ones, from URLs and from
 * Content-Disposition, numbered apart, with the extension a content type
 * calls for.  The char * results are malloc'd; NULL when out of memory. */
#ifndef VT_FNAME_H
#define VT_FNAME_H

#include <stdbool.h>
#include <stddef.h>

/* s made a safe file name, in place: the part after the last '/' or '\',
 * control characters replaced by '_', leading dots and blanks and
 * trailing blanks removed.  Returns s (possibly now ""). */
char *fname_sanitize(char *s);

/* The n bytes at s, percent-decoded. */
char *fname_pct_decode(const char *s, size_t n);

/* The last path segment of url, decoded and sanitised; "" if none. */
char *fname_from_url(const char *url);

/* The file name of a Content-Disposition header (filename*= of RFC 6266
 * and 5987 first, else filename=), sanitised; NULL if none (or empty). */
char *fname_from_disposition(const char *cd);

/* name with "-k" before its first dot: img01-3.fits, a-3.tar.gz. */
char *fname_numbered(const char *name, long k);

/* The usual extension of a content type (".fits", ".vot", ".csv", ...),
 * or NULL for one we do not know. */
const char *fname_extension(const char *content_type);

/* name with the extension content_type calls for: replacing the one it
 * has (replace) or only where it has none.  A copy of name when the type
 * is unknown. */
char *fname_with_extension(const char *name, const char *content_type, bool replace);

/* The name a download of content_type gets: name with the type's
 * extension added where it has none (x -> x.fits), replacing another
 * known one (img.fits sent as image/png -> img.png), appended for a
 * compression (x.fits sent as application/gzip -> x.fits.gz).  Kept as it
 * is: when the type is unknown, when its extension is already one of the
 * type's (.fit for FITS, .jpeg), when it is a compression's (x.fits.gz
 * sent as image/fits), when the type is text/plain or XML (generic), and
 * when the extension is not one this module knows (x.dat, x.123). */
char *fname_for_type(const char *name, const char *content_type);

#endif
