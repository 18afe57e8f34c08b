/* Number formatting: shortest round-trip floating point, fast integers.
 *
 * The shortest digits are found with Schubfach (Raffaello Giulietti, "The
 * Schubfach way to render doubles", 2020).  For a finite v = c * 2^q the
 * rounding interval R is the set of reals that read back to v: from halfway
 * to the lower neighbour to halfway to the upper one, bounds included when c
 * is even (strtod rounds ties to even).  Pick k with 10^k <= |R| < 10^(k+1)
 * (|R| is the width).  Scaled by 10^-k, R then holds at most one multiple of
 * 10 and at least one integer, so the answer is either that multiple of 10
 * (fewest digits) or, failing that, the integer s = floor(v 10^-k) or s + 1,
 * whichever is in R and closer to v.  Only 4 v 10^-k and the two bounds are
 * needed, as integers rounded to odd: the low bit then tells whether the
 * exact value was an integer, which keeps every comparison with a multiple
 * of 4 exact.  The scale factor 10^-k comes from numfmt_table.h (generated
 * by scripts/gen-pow10-table); the paper shows a 126-bit approximation from
 * above is precise enough for doubles.  For floats a 64-bit one is used and
 * checked against all 2^32 floats (numfmt_test --all-floats).
 *
 * Notation follows Python's repr(): plain decimals for decimal exponents in
 * [-4, 16), otherwise d.ddde+XX. */
#include "numfmt.h"
#include "numfmt_table.h"

#include <string.h>

static const char digit_pairs[201] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* ---- integers ---------------------------------------------------------- */

static const uint64_t pow10_u64[20] = {
	UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000),
	UINT64_C(100000), UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
	UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
	UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
	UINT64_C(1000000000000000), UINT64_C(10000000000000000),
	UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
	UINT64_C(10000000000000000000),
};

/* Digits in v: log10 estimated from the bit length (1233/4096 ~ log10 2),
 * then corrected by one comparison; no loop, no division. */
static inline int count_digits(uint64_t v)
{
	int bits = 64 - __builtin_clzll(v | 1);
	int t = (bits * 1233) >> 12;
	return t + 1 - ((v | 1) < pow10_u64[t]);	/* v | 1: zero has one digit */
}

/* Exactly eight digits of v < 10^8, in 32-bit arithmetic. */
static inline void write_8digits(char *p, uint32_t v)
{
	uint32_t hi = v / 10000, lo = v % 10000;
	memcpy(p, digit_pairs + 2 * (hi / 100), 2);
	memcpy(p + 2, digit_pairs + 2 * (hi % 100), 2);
	memcpy(p + 4, digit_pairs + 2 * (lo / 100), 2);
	memcpy(p + 6, digit_pairs + 2 * (lo % 100), 2);
}

/* Write the digits of v so that the last one lands just before end.
 * 64-bit divisions are few: one per eight digits. */
static inline void write_digits(char *end, uint64_t v)
{
	while (v >= 100000000) {
		uint64_t q = v / 100000000;
		end -= 8;
		write_8digits(end, (uint32_t)(v - q * 100000000));
		v = q;
	}
	uint32_t w = (uint32_t)v;
	while (w >= 100) {
		uint32_t pair = w % 100;
		w /= 100;
		end -= 2;
		memcpy(end, digit_pairs + 2 * pair, 2);
	}
	if (w >= 10)
		memcpy(end - 2, digit_pairs + 2 * w, 2);
	else
		end[-1] = (char)('0' + w);
}

int fmt_u64(uint64_t v, char *buf)
{
	int n = count_digits(v);
	write_digits(buf + n, v);
	buf[n] = '\0';
	return n;
}

int fmt_i64(int64_t v, char *buf)
{
	if (v >= 0)
		return fmt_u64((uint64_t)v, buf);
	buf[0] = '-';
	/* negate in unsigned arithmetic: -INT64_MIN does not fit an int64_t */
	return 1 + fmt_u64(-(uint64_t)v, buf + 1);
}

/* ---- 64 x 64 -> 128-bit products --------------------------------------- */

typedef struct {
	uint64_t hi, lo;
} u128;

static inline u128 mul_64x64(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__) && !defined(NUMFMT_NO_INT128)
	__extension__ typedef unsigned __int128 uint128;
	uint128 p = (uint128)a * b;
	return (u128){ (uint64_t)(p >> 64), (uint64_t)p };
#else
	uint64_t a_lo = (uint32_t)a, a_hi = a >> 32;
	uint64_t b_lo = (uint32_t)b, b_hi = b >> 32;
	uint64_t ll = a_lo * b_lo, lh = a_lo * b_hi;
	uint64_t hl = a_hi * b_lo, hh = a_hi * b_hi;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
	return (u128){ hh + (lh >> 32) + (hl >> 32) + (mid >> 32),
		       (mid << 32) | (uint32_t)ll };
#endif
}

/* ---- logarithms as integer arithmetic ------------------------------------
 * Fixed-point approximations, checked exact over every exponent used by
 * scripts/gen-pow10-table.  Right shifts of negative numbers are arithmetic
 * (floor) on every compiler we target (GCC and Clang document it). */

static inline int floor_log10_pow2(int q)	/* floor(log10(2^q)) */
{
	return (q * 315653) >> 20;
}

static inline int floor_log10_three_quarters_pow2(int q)	/* floor(log10(3/4 2^q)) */
{
	return (q * 315653 - 131008) >> 20;
}

static inline int floor_log2_pow10(int e)	/* floor(log2(10^e)) */
{
	return (e * 1741647) >> 19;
}

/* ---- shortest digits ----------------------------------------------------- */

struct decimal {
	uint64_t digits;	/* value = digits * 10^exp10 */
	int exp10;
};

/* vb, vl, vr: 4 v 10^-k and the bounds of R scaled the same way, rounded
 * to odd.  open: the bounds are excluded (c odd). */
static struct decimal choose_digits(uint64_t vb, uint64_t vl, uint64_t vr,
				    uint64_t open, int k)
{
	uint64_t s = vb >> 2;

	/* The multiples of 10 around v: at most one of them can be in R. */
	uint64_t s10 = s / 10 * 10, t10 = s10 + 10;
	int s10_in = vl + open <= s10 << 2;
	int t10_in = (t10 << 2) + open <= vr;
	if (s10_in != t10_in)
		return (struct decimal){ s10_in ? s10 : t10, k };

	/* At least one of s, s + 1 is in R. */
	uint64_t t = s + 1;
	int s_in = vl + open <= s << 2;
	int t_in = (t << 2) + open <= vr;
	if (s_in != t_in)
		return (struct decimal){ s_in ? s : t, k };

	/* Both: take the closer one; on an exact tie (vb is then exactly the
	 * midpoint 4s + 2), the even one. */
	uint64_t mid = (s << 2) + 2;
	int take_t = vb > mid || (vb == mid && (s & 1));
	return (struct decimal){ s + (uint64_t)take_t, k };
}

/* The scaled products below are computed with g slightly above the true
 * power of ten, so an exact integer comes out a hair above it.  That excess
 * stays below the last fraction bits kept, which are therefore all that
 * decide "integer or not" (the paper shows true fractions never hide there). */

/* cp * g / 2^127 rounded to odd, keeping 63 fraction bits,
 * g = g[0] * 2^64 + g[1] */
static inline uint64_t scale_double(const uint64_t g[2], uint64_t cp)
{
	u128 high = mul_64x64(g[0], cp);
	u128 low = mul_64x64(g[1], cp);
	/* floor(cp * g / 2^64) = high + low.hi: 63 fraction bits below the
	 * result's units; low.lo (the excess lands there) is dropped */
	uint64_t sum_lo = high.lo + low.hi;
	uint64_t sum_hi = high.hi + (sum_lo < low.hi);
	uint64_t quotient = (sum_hi << 1) | (sum_lo >> 63);
	uint64_t fraction = sum_lo & ((UINT64_C(1) << 63) - 1);
	return quotient | (uint64_t)(fraction != 0);
}

/* cp * g / 2^64 rounded to odd, keeping 32 fraction bits */
static inline uint64_t scale_float(uint64_t g, uint64_t cp)
{
	u128 p = mul_64x64(g, cp);
	return p.hi | (uint64_t)((p.lo >> 32) != 0);
}

/* bits: a positive finite nonzero double */
static struct decimal double_to_decimal(uint64_t bits)
{
	uint64_t fraction = bits & ((UINT64_C(1) << 52) - 1);
	int biased_exp = (int)(bits >> 52);
	uint64_t c;
	int q;

	if (biased_exp == 0) {	/* subnormal */
		c = fraction;
		q = -1074;
	} else {
		c = fraction | UINT64_C(1) << 52;
		q = biased_exp - 1075;
		/* An integer below 2^53 is its own answer: its neighbours
		 * are at most 1 away, and a decimal with fewer digits would
		 * be a different integer. */
		if (q <= 0 && q > -53 && (c & ((UINT64_C(1) << -q) - 1)) == 0)
			return (struct decimal){ c >> -q, 0 };
	}

	/* At a power of two above the smallest normal the lower neighbour
	 * is twice as close as the upper one. */
	int asymmetric = fraction == 0 && biased_exp > 1;
	int k = asymmetric ? floor_log10_three_quarters_pow2(q)
			   : floor_log10_pow2(q);
	int shift = q + floor_log2_pow10(-k) + 2;	/* 2 to 5: cp < 2^60 */
	const uint64_t *g = pow10_double[-k - POW10_DOUBLE_E_MIN];
	uint64_t cb = c << 2;

	uint64_t vb = scale_double(g, cb << shift);
	uint64_t vl = scale_double(g, (cb - 2 + (uint64_t)asymmetric) << shift);
	uint64_t vr = scale_double(g, (cb + 2) << shift);
	return choose_digits(vb, vl, vr, c & 1, k);
}

/* bits: a positive finite nonzero float */
static struct decimal float_to_decimal(uint32_t bits)
{
	uint32_t fraction = bits & ((UINT32_C(1) << 23) - 1);
	int biased_exp = (int)(bits >> 23);
	uint64_t c;
	int q;

	if (biased_exp == 0) {
		c = fraction;
		q = -149;
	} else {
		c = fraction | UINT32_C(1) << 23;
		q = biased_exp - 150;
		if (q <= 0 && q > -24 && (c & ((UINT64_C(1) << -q) - 1)) == 0)
			return (struct decimal){ c >> -q, 0 };
	}

	int asymmetric = fraction == 0 && biased_exp > 1;
	int k = asymmetric ? floor_log10_three_quarters_pow2(q)
			   : floor_log10_pow2(q);
	int shift = q + floor_log2_pow10(-k) + 1;	/* 1 to 4 */
	uint64_t g = pow10_float[-k - POW10_FLOAT_E_MIN];
	uint64_t cb = c << 2;

	uint64_t vb = scale_float(g, cb << shift);
	uint64_t vl = scale_float(g, (cb - 2 + (uint64_t)asymmetric) << shift);
	uint64_t vr = scale_float(g, (cb + 2) << shift);
	return choose_digits(vb, vl, vr, c & 1, k);
}

/* ---- layout -------------------------------------------------------------- */

static int copy_str(char *buf, const char *s)
{
	size_t n = strlen(s);
	memcpy(buf, s, n + 1);
	return (int)n;
}

/* The digits are written in place, not copied from a scratch buffer:
 * for "ddd.ddd" one position to the right, then the integer part is moved
 * back over the gap for the point. */
static int format_decimal(char *buf, int negative, struct decimal d)
{
	char *p = buf;

	if (negative)
		*p++ = '-';
	/* trailing zeros belong in the exponent (digits is never 0) */
	while (d.digits % 10 == 0) {
		d.digits /= 10;
		d.exp10++;
	}
	int n = count_digits(d.digits);
	int point = n + d.exp10;	/* digits before the decimal point */

	if (point > 16 || point < -3) {	/* scientific: d.ddde+XX */
		int exp10 = point - 1;
		write_digits(p + 1 + n, d.digits);
		p[0] = p[1];
		if (n > 1) {
			p[1] = '.';
			p += n + 1;
		} else {
			p += 1;
		}
		*p++ = 'e';
		*p++ = exp10 < 0 ? '-' : '+';
		unsigned mag = (unsigned)(exp10 < 0 ? -exp10 : exp10);
		if (mag >= 100) {
			*p++ = (char)('0' + mag / 100);
			mag %= 100;
		}
		memcpy(p, digit_pairs + 2 * mag, 2);
		p += 2;
	} else if (point >= n) {	/* integral: ddd000.0 */
		write_digits(p + n, d.digits);
		p += n;
		memset(p, '0', 16);	/* point - n <= 16 zeros, fixed size */
		p += point - n;
		memcpy(p, ".0", 2);
		p += 2;
	} else if (point > 0) {		/* ddd.ddd */
		write_digits(p + n, d.digits);
		/* the n - point <= 16 fraction digits one place right, as one
		 * fixed-size block (what follows them is scratch) */
		memmove(p + point + 1, p + point, 16);
		p[point] = '.';
		p += n + 1;
	} else {			/* 0.000ddd */
		memcpy(p, "0.000", 5);
		p += 2 - point;
		write_digits(p + n, d.digits);
		p += n;
	}
	*p = '\0';
	return (int)(p - buf);
}

int fmt_double(double v, char *buf)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	int negative = (int)(bits >> 63);
	uint64_t magnitude = bits & ~(UINT64_C(1) << 63);

	if (magnitude >= UINT64_C(0x7ff0000000000000)) {
		if (magnitude > UINT64_C(0x7ff0000000000000))
			return copy_str(buf, "NaN");
		return copy_str(buf, negative ? "-Inf" : "Inf");
	}
	if (magnitude == 0)
		return copy_str(buf, negative ? "-0.0" : "0.0");
	return format_decimal(buf, negative, double_to_decimal(magnitude));
}

int fmt_float(float v, char *buf)
{
	uint32_t bits;
	memcpy(&bits, &v, sizeof bits);
	int negative = (int)(bits >> 31);
	uint32_t magnitude = bits & ~(UINT32_C(1) << 31);

	if (magnitude >= UINT32_C(0x7f800000)) {
		if (magnitude > UINT32_C(0x7f800000))
			return copy_str(buf, "NaN");
		return copy_str(buf, negative ? "-Inf" : "Inf");
	}
	if (magnitude == 0)
		return copy_str(buf, negative ? "-0.0" : "0.0");
	return format_decimal(buf, negative, float_to_decimal(magnitude));
}
