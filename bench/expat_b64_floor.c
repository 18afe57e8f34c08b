/* expat_b64_floor FILE: the BINARY/BINARY2 floor of the benchmark.  Parses
 * FILE with expat (64 KiB reads, no namespace processing); the character
 * data inside STREAM is base64-decoded and the bytes discarded.  A binary
 * VOTable converter must do at least this much work. */
#include <expat.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "b64dec.h"

#define CHUNK (1 << 16)

static struct b64dec dec;
static int in_stream;

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	(void)ud, (void)atts;
	if (!strcmp(name, "STREAM"))
		in_stream = 1;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
	in_stream = 0;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	(void)ud;
	if (in_stream)
		b64_decode(&dec, s, (size_t)len);
}

int main(int argc, char **argv)
{
	XML_Parser p;
	int fd;
	ssize_t n;

	if (argc != 2) {
		fputs("usage: expat_b64_floor FILE\n", stderr);
		return 64;
	}
	if ((fd = open(argv[1], O_RDONLY)) < 0) {
		perror(argv[1]);
		return 66;
	}
	b64_init(&dec);
	p = XML_ParserCreate(NULL);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	do {
		void *buf = XML_GetBuffer(p, CHUNK);
		if (!buf || (n = read(fd, buf, CHUNK)) < 0) {
			perror("expat_b64_floor");
			return 74;
		}
		if (XML_ParseBuffer(p, (int)n, n == 0) == XML_STATUS_ERROR) {
			fprintf(stderr, "expat_b64_floor: line %lu: %s\n",
				(unsigned long)XML_GetCurrentLineNumber(p),
				XML_ErrorString(XML_GetErrorCode(p)));
			return 65;
		}
	} while (n > 0);
	XML_ParserFree(p);
	close(fd);
	if (dec.bad) {
		fputs("expat_b64_floor: invalid base64\n", stderr);
		return 65;
	}
	printf("%llu bytes\n", b64_total(&dec));
	return 0;
}
