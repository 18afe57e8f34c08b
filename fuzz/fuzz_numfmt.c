/* Number formatting (lib/numfmt): the input is read as doubles, floats
 * and 64-bit integers.  A formatted double (float) reads back with strtod
 * (strtof) to the same bits, with no more significant digits than the
 * shortest %e form that does; NaN and infinities are "NaN", "Inf",
 * "-Inf"; integers are what printf writes.  Output fits NUMFMT_MAX bytes
 * of buffer (ASan sees any write past it), and the value in 26. */
#include <inttypes.h>
#include <math.h>

#include "fuzz.h"
#include "numfmt.h"

static size_t
sig_digits(const char *s)
{
	const char *p = s, *first = NULL, *last = NULL;
	if (*p == '-')
		p++;
	for (; *p && *p != 'e'; p++) {
		if (*p < '0' || *p > '9')
			continue;
		if (*p != '0') {
			if (!first)
				first = p;
			last = p;
		}
	}
	if (!first)
		return 1;
	size_t n = 0;
	for (p = first; p <= last; p++)
		n += *p >= '0' && *p <= '9';
	return n;
}

static void
check_double(double v)
{
	char *buf = malloc(NUMFMT_MAX), ref[64];
	if (!buf)
		abort();
	int n = fmt_double(v, buf);
	FZ_CHECK(n >= 1 && n <= 25 && (size_t)n == strlen(buf), "length %d of '%s'", n, buf);
	if (isnan(v)) {
		FZ_CHECK(!strcmp(buf, "NaN"), "NaN as '%s'", buf);
	} else if (isinf(v)) {
		FZ_CHECK(!strcmp(buf, v > 0 ? "Inf" : "-Inf"), "infinity as '%s'", buf);
	} else {
		char *end;
		double back = strtod(buf, &end);
		FZ_CHECK(*end == '\0', "'%s' is not all number", buf);
		FZ_CHECK(memcmp(&back, &v, sizeof v) == 0, "%a written '%s' reads back as %a",
			 v, buf, back);
		int p;
		for (p = 1; p < 17; p++) {
			snprintf(ref, sizeof ref, "%.*e", p - 1, v);
			if (strtod(ref, NULL) == v)
				break;
		}
		FZ_CHECK(sig_digits(buf) <= (size_t)p, "%a written '%s', %d digits do", v, buf, p);
	}
	free(buf);
}

static void
check_float(float v)
{
	char *buf = malloc(NUMFMT_MAX), ref[64];
	if (!buf)
		abort();
	int n = fmt_float(v, buf);
	FZ_CHECK(n >= 1 && n <= 25 && (size_t)n == strlen(buf), "length %d of '%s'", n, buf);
	if (isnan(v)) {
		FZ_CHECK(!strcmp(buf, "NaN"), "NaN as '%s'", buf);
	} else if (isinf(v)) {
		FZ_CHECK(!strcmp(buf, v > 0 ? "Inf" : "-Inf"), "infinity as '%s'", buf);
	} else {
		char *end;
		float back = strtof(buf, &end);
		FZ_CHECK(*end == '\0', "'%s' is not all number", buf);
		FZ_CHECK(memcmp(&back, &v, sizeof v) == 0, "%a written '%s' reads back as %a",
			 (double)v, buf, (double)back);
		int p;
		for (p = 1; p < 9; p++) {
			snprintf(ref, sizeof ref, "%.*e", p - 1, (double)v);
			if (strtof(ref, NULL) == v)
				break;
		}
		FZ_CHECK(sig_digits(buf) <= (size_t)p, "%a written '%s', %d digits do",
			 (double)v, buf, p);
	}
	free(buf);
}

static void
check_int(uint64_t u)
{
	char *buf = malloc(NUMFMT_MAX), ref[32];
	if (!buf)
		abort();
	int n = fmt_u64(u, buf);
	snprintf(ref, sizeof ref, "%" PRIu64, u);
	FZ_CHECK(n == (int)strlen(ref) && !strcmp(buf, ref), "%s written '%s'", ref, buf);
	n = fmt_i64((int64_t)u, buf);
	snprintf(ref, sizeof ref, "%" PRId64, (int64_t)u);
	FZ_CHECK(n == (int)strlen(ref) && !strcmp(buf, ref), "%s written '%s'", ref, buf);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	for (size_t i = 0; i + 8 <= len; i += 8) {
		double d;
		uint64_t u;
		memcpy(&d, data + i, 8);
		memcpy(&u, data + i, 8);
		check_double(d);
		check_int(u);
		/* the same value near in magnitude as a float, and the bits */
		check_float((float)d);
	}
	for (size_t i = 0; i + 4 <= len; i += 4) {
		float f;
		memcpy(&f, data + i, 4);
		check_float(f);
	}
	/* short inputs: small integers and their doubles */
	if (len < 8) {
		uint64_t u = 0;
		memcpy(&u, data, len);
		check_int(u);
		check_double((double)u);
		check_double(-(double)u / 7);
	}
	return 0;
}
