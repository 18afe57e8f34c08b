/* b64_floor FILE: the raw decoding floor of the benchmark.  Finds the
 * STREAM element's text without an XML parser (the first "<STREAM", its
 * '>', then everything up to the next '<') and base64-decodes it in 64 KiB
 * reads, discarding the bytes. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "b64dec.h"

#define CHUNK (1 << 16)

static struct b64dec dec;
static char buf[CHUNK];

int main(int argc, char **argv)
{
	static const char tag[] = "<STREAM";
	size_t matched = 0;
	int phase = 0;		/* 0: looking for <STREAM, 1: for '>', 2: data, 3: done */
	int fd;
	ssize_t n;

	if (argc != 2) {
		fputs("usage: b64_floor FILE\n", stderr);
		return 64;
	}
	if ((fd = open(argv[1], O_RDONLY)) < 0) {
		perror(argv[1]);
		return 66;
	}
	b64_init(&dec);
	while (phase < 3 && (n = read(fd, buf, sizeof buf)) > 0) {
		char *p = buf, *end = buf + n;
		while (p < end && phase < 2) {
			if (phase == 0) {
				matched = *p == tag[matched] ? matched + 1 : *p == tag[0];
				if (matched == sizeof tag - 1)
					phase = 1;
			} else if (*p == '>') {
				phase = 2;
			}
			p++;
		}
		if (phase == 2) {
			char *lt = memchr(p, '<', (size_t)(end - p));
			b64_decode(&dec, p, (size_t)((lt ? lt : end) - p));
			if (lt)
				phase = 3;
		}
	}
	if (n < 0) {
		perror("b64_floor");
		return 74;
	}
	close(fd);
	if (phase != 3 || dec.bad) {
		fputs("b64_floor: no STREAM text, or invalid base64\n", stderr);
		return 65;
	}
	printf("%llu bytes\n", b64_total(&dec));
	return 0;
}
