/* Number formatting for table output.
 *
 * Floating-point values are written in the shortest decimal form that reads
 * back (strtod/strtof) to the identical binary value, in the style of
 * Python's repr(): "1.5", "0.1", "1e+16", "1.5e-07", "1.0", "-0.0".
 * Non-finite values are written the VOTable way: "NaN", "Inf", "-Inf". */
#ifndef VT_NUMFMT_H
#define VT_NUMFMT_H

#include <stdint.h>

/* The room a buffer must have for any of the functions below: the value
 * and its NUL take at most 26 bytes, the rest is scratch that the
 * formatters may overwrite, so that they can move digits in fixed 16-byte
 * blocks rather than in copies of varying length. */
#define NUMFMT_MAX 48

int fmt_double(double v, char *buf);	/* returns length, writes a NUL */
int fmt_float(float v, char *buf);
int fmt_i64(int64_t v, char *buf);
int fmt_u64(uint64_t v, char *buf);

#endif
