/* Straightforward table-driven streaming base64 decoder, shared by the
 * bench floors (expat_b64_floor.c, b64_floor.c).  Whitespace is skipped,
 * '=' ends the data; decoded bytes go to a sink buffer and are discarded. */
#ifndef BENCH_B64DEC_H
#define BENCH_B64DEC_H

#include <stddef.h>
#include <stdint.h>

enum { B64_SKIP = 64, B64_PAD = 65, B64_BAD = 66 };

struct b64dec {
	unsigned char tab[256];
	uint32_t acc;
	int nq;			/* sextets in the current quantum */
	int done;		/* '=' seen */
	int bad;		/* invalid character seen */
	unsigned long long nbytes;	/* decoded bytes */
	size_t nsink;
	unsigned char sink[1 << 15];
};

static void b64_init(struct b64dec *d)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (int i = 0; i < 256; i++)
		d->tab[i] = B64_BAD;
	for (int i = 0; i < 64; i++)
		d->tab[(unsigned char)alpha[i]] = (unsigned char)i;
	d->tab[' '] = d->tab['\t'] = d->tab['\n'] = d->tab['\r'] = B64_SKIP;
	d->tab['='] = B64_PAD;
	d->acc = 0;
	d->nq = d->done = d->bad = 0;
	d->nbytes = 0;
	d->nsink = 0;
}

static void b64_decode(struct b64dec *d, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	uint32_t acc = d->acc;
	int nq = d->nq;

	if (d->done)
		return;
	for (; p < end; p++) {
		unsigned v = d->tab[*p];
		if (v < 64) {
			acc = acc << 6 | v;
			if (++nq == 4) {
				if (d->nsink > sizeof d->sink - 3) {
					d->nbytes += d->nsink;
					d->nsink = 0;
				}
				d->sink[d->nsink++] = (unsigned char)(acc >> 16);
				d->sink[d->nsink++] = (unsigned char)(acc >> 8);
				d->sink[d->nsink++] = (unsigned char)acc;
				acc = 0;
				nq = 0;
			}
		} else if (v == B64_PAD) {
			/* 2 or 3 sextets left: 1 or 2 more bytes */
			if (nq >= 2)
				d->sink[0] = (unsigned char)(acc >> (nq == 2 ? 4 : 10)), d->nbytes++;
			if (nq == 3)
				d->sink[1] = (unsigned char)(acc >> 2), d->nbytes++;
			nq = 0;
			d->done = 1;
			break;
		} else if (v == B64_BAD) {
			d->bad = 1;
			d->done = 1;
			break;
		}
	}
	d->acc = acc;
	d->nq = nq;
}

static unsigned long long b64_total(struct b64dec *d)
{
	return d->nbytes + d->nsink;
}

#endif
