/* genvot: write a deterministic, TAP-like VOTable for benchmarking.
 *
 *   genvot [-n ROWS] [-s tabledata|binary|binary2] [-S SEED] > file.vot
 *
 * The table looks like the result of a TAP query on a source catalogue:
 * 25 columns of mixed datatypes (long, double, float, int, short, boolean,
 * unsignedByte, unicodeChar[*] with non-ASCII names, char[*] with XML
 * special characters, fixed char[8], a float[3] array), with NULLs of every kind: empty TDs, NaN,
 * VALUES null sentinels and, in BINARY2, the null flags.  The same seed
 * gives the same table in the three serializations, so their conversions
 * can be compared.  Non-ASCII text is kept to the unicodeChar column
 * (UCS-2 in binary), as VOTable 1.4 wants: astropy 5.2 refuses non-ASCII
 * bytes in binary char columns, and the bench must run it on every file.  Numbers in TABLEDATA are written in the shortest form
 * that reads back exactly (as a Python server would); base64 lines are
 * 76 characters long. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum ser { TABLEDATA, BINARY, BINARY2 };
enum ty { T_LONG, T_DOUBLE, T_FLOAT, T_INT, T_SHORT, T_BOOL, T_UBYTE, T_CHARV, T_UNICODEV, T_CHAR8, T_FLOAT3 };

struct col {
	const char *name, *datatype, *arraysize, *unit, *ucd, *null, *desc;
	enum ty ty;
};

static const struct col cols[] = {
	{"source_id", "long", NULL, NULL, "meta.id;meta.main", NULL, "Unique source identifier", T_LONG},
	{"ra", "double", NULL, "deg", "pos.eq.ra;meta.main", NULL, "Right ascension (ICRS)", T_DOUBLE},
	{"dec", "double", NULL, "deg", "pos.eq.dec;meta.main", NULL, "Declination (ICRS)", T_DOUBLE},
	{"ra_error", "float", NULL, "mas", "stat.error;pos.eq.ra", NULL, "Standard error of ra", T_FLOAT},
	{"dec_error", "float", NULL, "mas", "stat.error;pos.eq.dec", NULL, "Standard error of dec", T_FLOAT},
	{"parallax", "double", NULL, "mas", "pos.parallax.trig", NULL, "Parallax", T_DOUBLE},
	{"pmra", "double", NULL, "mas/yr", "pos.pm;pos.eq.ra", NULL, "Proper motion in ra*cos(dec)", T_DOUBLE},
	{"pmdec", "double", NULL, "mas/yr", "pos.pm;pos.eq.dec", NULL, "Proper motion in dec", T_DOUBLE},
	{"phot_g_mean_mag", "float", NULL, "mag", "phot.mag;em.opt", NULL, "G-band mean magnitude", T_FLOAT},
	{"phot_g_mean_mag_error", "float", NULL, "mag", "stat.error;phot.mag;em.opt", NULL, "Error of G", T_FLOAT},
	{"phot_bp_mean_mag", "float", NULL, "mag", "phot.mag;em.opt.B", NULL, "BP-band mean magnitude", T_FLOAT},
	{"phot_rp_mean_mag", "float", NULL, "mag", "phot.mag;em.opt.R", NULL, "RP-band mean magnitude", T_FLOAT},
	{"radial_velocity", "float", NULL, "km/s", "spect.dopplerVeloc.opt;em.opt.I", NULL, "Radial velocity", T_FLOAT},
	{"ref_epoch", "double", NULL, "yr", "meta.ref;time.epoch", NULL, "Reference epoch (Julian years)", T_DOUBLE},
	{"mjd_obs", "double", NULL, "d", "time.epoch;obs", NULL, "Mean epoch of observation (MJD)", T_DOUBLE},
	{"n_obs", "int", NULL, NULL, "meta.number;obs", NULL, "Number of observations", T_INT},
	{"quality", "short", NULL, NULL, "meta.code.qual", "-1", "Quality code", T_SHORT},
	{"flags", "int", NULL, NULL, "meta.code", "-2147483648", "Processing flags (bit mask)", T_INT},
	{"is_variable", "boolean", NULL, NULL, "meta.code;src.var", NULL, "Variability flag", T_BOOL},
	{"class_code", "unsignedByte", NULL, NULL, "src.class", "255", "Object class code", T_UBYTE},
	{"name", "unicodeChar", "*", NULL, "meta.id", NULL, "Designation", T_UNICODEV},
	{"comment", "char", "*", NULL, "meta.note", NULL, "Remarks", T_CHARV},
	{"pos_xyz", "float", "3", NULL, "pos.cartesian", NULL, "Unit vector (x, y, z)", T_FLOAT3},
	{"teff", "float", NULL, "K", "phys.temperature.effective", NULL, "Effective temperature", T_FLOAT},
	{"survey", "char", "8", NULL, "meta.dataset", NULL, "Source survey", T_CHAR8},
};
#define NCOLS (sizeof cols / sizeof cols[0])

/* One row's values.  null[i] marks a NULL; for floats the value is then
 * NaN, for ints the sentinel, for strings "". */
struct row {
	int64_t l[NCOLS];
	double d[NCOLS];
	float f3[3];
	const char *s[NCOLS];
	char sbuf[2][96];
	int null[NCOLS];
};

/* ---- PRNG: splitmix64 -------------------------------------------------- */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double unif(void)	/* [0, 1) */
{
	return (double)(rnd() >> 11) * 0x1.0p-53;
}

static int chance(double p)
{
	return unif() < p;
}

static double gauss(void)	/* rough normal deviate, sum of 4 uniforms */
{
	return (unif() + unif() + unif() + unif() - 2.0) * 1.7320508;
}

/* ---- output buffer ---------------------------------------------------- */
static char obuf[1 << 16];
static size_t olen;

static void oflush(void)
{
	if (olen && fwrite(obuf, 1, olen, stdout) != olen) {
		perror("genvot: write");
		exit(1);
	}
	olen = 0;
}

static void out(const void *p, size_t n)
{
	if (olen + n > sizeof obuf)
		oflush();
	if (n > sizeof obuf) {
		fwrite(p, 1, n, stdout);
		return;
	}
	memcpy(obuf + olen, p, n);
	olen += n;
}

static void outs(const char *s)
{
	out(s, strlen(s));
}

/* XML-escaped text. */
static void outx(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': outs("&lt;"); break;
		case '>': outs("&gt;"); break;
		case '&': outs("&amp;"); break;
		case '"': outs("&quot;"); break;
		default: out(s, 1);
		}
	}
}

/* ---- number formatting (shortest round-trip, Python repr style) -------- */
static void fix_int_look(char *b)
{
	if (!strpbrk(b, ".eEnN"))
		strcat(b, ".0");
}

static void fmt_d(double v, char *b)
{
	for (int p = 15; p <= 17; p++) {
		snprintf(b, 32, "%.*g", p, v);
		if (strtod(b, NULL) == v)
			break;
	}
	fix_int_look(b);
}

static void fmt_f(float v, char *b)
{
	for (int p = 6; p <= 9; p++) {
		snprintf(b, 32, "%.*g", p, (double)v);
		if (strtof(b, NULL) == v)
			break;
	}
	fix_int_look(b);
}

/* ---- the table --------------------------------------------------------- */
static const char *const name_fmt[] = {
	"Gaia DR3 %llu", "HD %u", "NGC 7000 ε %u", "Åström %u", "2MASS J%08u+%07u",
	"V* α Cen %u", "TYC %u-%u-1", "Ødegård’s star %u", "LEDA %u", "[ABC2001] %u",
};
static const char *const comments[] = {
	"blended", "near bright star", "S/N < 5 & crowded", "variable; see Stromgren photometry",
	"double star", "\"suspect\" astrometry", "edge of field", "resolved into two components",
};
static const char *const surveys[] = {"DR3", "2MASS", "SDSS", "PanSTARR", "WISE"};

static uint64_t next_id = 5853498713190525696ULL;

static void make_row(struct row *r)
{
	double u, ra, dec;
	unsigned a, b;

	memset(r->null, 0, sizeof r->null);
	next_id += 1 + rnd() % 70000;
	r->l[0] = (int64_t)next_id;
	ra = unif() * 360.0;
	dec = asin(2.0 * unif() - 1.0) * 57.29577951308232;
	r->d[1] = ra;
	r->d[2] = dec;
	r->d[3] = (float)(0.01 + 1.5 * unif() * unif());
	r->d[4] = (float)(0.01 + 1.5 * unif() * unif());
	if (chance(0.2)) {
		r->null[5] = r->null[6] = r->null[7] = 1;
		r->d[5] = r->d[6] = r->d[7] = NAN;
	} else {
		r->d[5] = 0.4 + gauss() * 0.8;
		r->d[6] = gauss() * 6.0;
		r->d[7] = gauss() * 6.0 - 2.0;
	}
	u = 3.0 + 18.0 * sqrt(unif());
	r->d[8] = (float)u;
	r->d[9] = (float)(0.0002 * exp((u - 12.0) / 2.5));
	if (chance(0.01))
		r->null[8] = r->null[9] = 1, r->d[8] = r->d[9] = NAN;
	r->d[10] = (float)(u + 0.3 + 0.3 * gauss());
	r->d[11] = (float)(u - 0.6 + 0.3 * gauss());
	if (chance(0.05))
		r->null[10] = 1, r->d[10] = NAN;
	if (chance(0.05))
		r->null[11] = 1, r->d[11] = NAN;
	if (chance(0.85))
		r->null[12] = 1, r->d[12] = NAN;
	else
		r->d[12] = (float)(gauss() * 40.0);
	r->d[13] = 2016.0;
	r->d[14] = 56800.0 + unif() * 1000.0;
	r->l[15] = (int64_t)(rnd() % 600);
	r->l[16] = chance(0.03) ? -1 : (int64_t)(rnd() % 6);
	r->null[16] = r->l[16] == -1;
	if (chance(0.02))
		r->l[17] = INT32_MIN, r->null[17] = 1;
	else
		r->l[17] = chance(0.7) ? 0 : (int64_t)(rnd() & 0xffff);
	r->l[18] = chance(0.02) ? -1 : chance(0.1);
	r->null[18] = r->l[18] == -1;
	r->l[19] = chance(0.01) ? 255 : (int64_t)(rnd() % 10);
	r->null[19] = r->l[19] == 255;

	a = (unsigned)(rnd() % 1000000);
	b = (unsigned)(rnd() % 10000);
	const char *nf = name_fmt[rnd() % (sizeof name_fmt / sizeof *name_fmt)];
	if (nf[0] == 'G')
		snprintf(r->sbuf[0], sizeof r->sbuf[0], nf, (unsigned long long)next_id);
	else
		snprintf(r->sbuf[0], sizeof r->sbuf[0], nf, a, b);
	r->s[20] = r->sbuf[0];
	u = unif();
	if (u < 0.6)
		r->s[21] = "", r->null[21] = 1;
	else if (u < 0.7)
		r->s[21] = "";	/* empty, not flagged: a NULL in TABLEDATA/BINARY */
	else
		r->s[21] = comments[rnd() % (sizeof comments / sizeof *comments)];
	double cd = cos(dec / 57.29577951308232);
	r->f3[0] = (float)(cd * cos(ra / 57.29577951308232));
	r->f3[1] = (float)(cd * sin(ra / 57.29577951308232));
	r->f3[2] = (float)sin(dec / 57.29577951308232);
	if (chance(0.5))
		r->null[23] = 1, r->d[23] = NAN;
	else
		r->d[23] = (float)(3500.0 + 4000.0 * unif());
	r->s[24] = surveys[rnd() % (sizeof surveys / sizeof *surveys)];
}

/* TABLEDATA: one <TR> per row. */
static void write_tr(const struct row *r)
{
	char b[64];

	outs("<TR>");
	for (size_t i = 0; i < NCOLS; i++) {
		const struct col *c = &cols[i];
		switch (c->ty) {
		case T_LONG: case T_INT: case T_SHORT: case T_UBYTE:
			/* sentinel values are written, as servers do */
			snprintf(b, sizeof b, "%lld", (long long)r->l[i]);
			outs("<TD>"), outs(b), outs("</TD>");
			break;
		case T_DOUBLE: case T_FLOAT:
			if (r->null[i]) {
				/* two styles of NULL: NaN text or empty cell */
				outs(i % 2 ? "<TD>NaN</TD>" : "<TD/>");
				break;
			}
			if (c->ty == T_DOUBLE)
				fmt_d(r->d[i], b);
			else
				fmt_f((float)r->d[i], b);
			outs("<TD>"), outs(b), outs("</TD>");
			break;
		case T_BOOL:
			outs(r->null[i] ? "<TD></TD>" : r->l[i] ? "<TD>T</TD>" : "<TD>F</TD>");
			break;
		case T_CHARV: case T_UNICODEV: case T_CHAR8:
			if (!r->s[i][0]) {
				outs("<TD></TD>");
				break;
			}
			outs("<TD>"), outx(r->s[i]), outs("</TD>");
			break;
		case T_FLOAT3:
			outs("<TD>");
			for (int k = 0; k < 3; k++) {
				fmt_f(r->f3[k], b);
				if (k)
					outs(" ");
				outs(b);
			}
			outs("</TD>");
			break;
		}
	}
	outs("</TR>\n");
}

/* Binary rows go through a base64 encoder with 76-character lines. */
static unsigned char raw[8192];
static size_t rawlen;

static void b64_flush(int final)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i = 0;
	char line[80];

	while (rawlen - i >= 57 || (final && i < rawlen)) {
		size_t n = rawlen - i < 57 ? rawlen - i : 57, k = 0;
		for (size_t j = 0; j < n; j += 3) {
			unsigned v = (unsigned)raw[i + j] << 16;
			if (j + 1 < n)
				v |= (unsigned)raw[i + j + 1] << 8;
			if (j + 2 < n)
				v |= raw[i + j + 2];
			line[k++] = tab[v >> 18];
			line[k++] = tab[(v >> 12) & 63];
			line[k++] = j + 1 < n ? tab[(v >> 6) & 63] : '=';
			line[k++] = j + 2 < n ? tab[v & 63] : '=';
		}
		line[k++] = '\n';
		out(line, k);
		i += n;
	}
	memmove(raw, raw + i, rawlen - i);
	rawlen -= i;
}

static void put(const void *p, size_t n)
{
	if (rawlen + n > sizeof raw)
		b64_flush(0);
	memcpy(raw + rawlen, p, n);
	rawlen += n;
}

static void put_be(uint64_t v, int n)
{
	unsigned char b[8];
	for (int k = 0; k < n; k++)
		b[k] = (unsigned char)(v >> (8 * (n - 1 - k)));
	put(b, (size_t)n);
}

static void put_double(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	put_be(u, 8);
}

static void put_float(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	put_be(u, 4);
}

/* unicodeChar[*] in binary: a count of characters, then UCS-2 big-endian
 * (the generator only uses characters of the Basic Multilingual Plane). */
static void put_ucs2(const char *s)
{
	unsigned char u[256];
	uint32_t n = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p && n < 128) {
		unsigned c = *p++;
		if (c >= 0xe0)
			c = (c & 0x0f) << 12 | (p[0] & 0x3fu) << 6 | (p[1] & 0x3fu), p += 2;
		else if (c >= 0xc0)
			c = (c & 0x1f) << 6 | (p[0] & 0x3fu), p += 1;
		u[2 * n] = (unsigned char)(c >> 8);
		u[2 * n + 1] = (unsigned char)c;
		n++;
	}
	put_be(n, 4);
	put(u, 2 * (size_t)n);
}

static void write_binrow(const struct row *r, int bin2)
{
	if (bin2) {
		unsigned char flags[(NCOLS + 7) / 8] = {0};
		for (size_t i = 0; i < NCOLS; i++) {
			/* in BINARY2 the NULLs are flagged, except the
			 * unflagged empty comment, and floats are also NaN */
			if (r->null[i])
				flags[i / 8] |= (unsigned char)(0x80 >> (i % 8));
		}
		put(flags, sizeof flags);
	}
	for (size_t i = 0; i < NCOLS; i++) {
		const struct col *c = &cols[i];
		size_t n;
		switch (c->ty) {
		case T_LONG: put_be((uint64_t)r->l[i], 8); break;
		case T_INT: put_be((uint64_t)r->l[i], 4); break;
		case T_SHORT: put_be((uint64_t)r->l[i], 2); break;
		case T_UBYTE: put_be((uint64_t)r->l[i], 1); break;
		case T_DOUBLE: put_double(r->d[i]); break;
		case T_FLOAT: put_float((float)r->d[i]); break;
		case T_BOOL: put(r->null[i] ? "?" : r->l[i] ? "T" : "F", 1); break;
		case T_CHARV:
			n = strlen(r->s[i]);
			put_be(n, 4);
			put(r->s[i], n);
			break;
		case T_UNICODEV:
			put_ucs2(r->s[i]);
			break;
		case T_CHAR8: {
			char b[8] = {0};
			n = strlen(r->s[i]);
			memcpy(b, r->s[i], n < 8 ? n : 8);
			put(b, 8);
			break;
		}
		case T_FLOAT3:
			for (int k = 0; k < 3; k++)
				put_float(r->f3[k]);
			break;
		}
	}
}

static void header(long nrows, enum ser ser)
{
	outs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	     "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\""
	     " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
	     "<RESOURCE type=\"results\">\n"
	     "<INFO name=\"QUERY_STATUS\" value=\"OK\"/>\n"
	     "<INFO name=\"QUERY\" value=\"SELECT TOP ");
	char b[64];
	snprintf(b, sizeof b, "%ld", nrows);
	outs(b);
	outs(" * FROM bench.sources WHERE phot_g_mean_mag &lt; 21\"/>\n"
	     "<INFO name=\"server_software\" value=\"genvot (vo-tools bench)\"/>\n"
	     "<TABLE name=\"bench.sources\">\n"
	     "<DESCRIPTION>Synthetic source catalogue (deterministic).</DESCRIPTION>\n");
	for (size_t i = 0; i < NCOLS; i++) {
		const struct col *c = &cols[i];
		outs("<FIELD name=\""), outs(c->name), outs("\" datatype=\""), outs(c->datatype);
		if (c->arraysize)
			outs("\" arraysize=\""), outs(c->arraysize);
		if (c->unit)
			outs("\" unit=\""), outs(c->unit);
		outs("\" ucd=\""), outs(c->ucd), outs("\">\n");
		outs("  <DESCRIPTION>"), outx(c->desc), outs("</DESCRIPTION>\n");
		if (c->null)
			outs("  <VALUES null=\""), outs(c->null), outs("\"/>\n");
		outs("</FIELD>\n");
	}
	outs("<DATA>\n");
	outs(ser == TABLEDATA ? "<TABLEDATA>\n" : ser == BINARY ? "<BINARY>\n<STREAM encoding=\"base64\">\n"
	     : "<BINARY2>\n<STREAM encoding=\"base64\">\n");
}

static void footer(enum ser ser)
{
	outs(ser == TABLEDATA ? "</TABLEDATA>\n" : ser == BINARY ? "</STREAM>\n</BINARY>\n"
	     : "</STREAM>\n</BINARY2>\n");
	outs("</DATA>\n</TABLE>\n</RESOURCE>\n</VOTABLE>\n");
}

static void usage(void)
{
	fputs("usage: genvot [-n ROWS] [-s tabledata|binary|binary2] [-S SEED] > file\n", stderr);
	exit(64);
}

int main(int argc, char **argv)
{
	long nrows = 1000;
	enum ser ser = TABLEDATA;
	unsigned long long seed = 42;
	int opt;

	while ((opt = getopt(argc, argv, "n:s:S:")) != -1) {
		char *end;
		switch (opt) {
		case 'n':
			errno = 0;
			nrows = strtol(optarg, &end, 10);
			if (errno || *end || nrows < 0)
				usage();
			break;
		case 's':
			if (!strcmp(optarg, "tabledata"))
				ser = TABLEDATA;
			else if (!strcmp(optarg, "binary"))
				ser = BINARY;
			else if (!strcmp(optarg, "binary2"))
				ser = BINARY2;
			else
				usage();
			break;
		case 'S':
			seed = strtoull(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	rng_state = seed;

	header(nrows, ser);
	for (long i = 0; i < nrows; i++) {
		struct row r;
		make_row(&r);
		if (ser == TABLEDATA)
			write_tr(&r);
		else
			write_binrow(&r, ser == BINARY2);
	}
	if (ser != TABLEDATA)
		b64_flush(1);
	footer(ser);
	oflush();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("genvot: write");
		return 1;
	}
	return 0;
}
