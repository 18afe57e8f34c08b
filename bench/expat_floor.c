/* expat_floor FILE: the TABLEDATA floor of the benchmark.  Parses FILE with
 * expat (no namespace processing) with empty start, end and character-data
 * handlers, reading 64 KiB at a time into expat's own buffer.  Any XML
 * converter must do at least this much work. */
#include <expat.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define CHUNK (1 << 16)

static unsigned long nelem;

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	(void)ud, (void)name, (void)atts;
	nelem++;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	(void)ud, (void)name;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	(void)ud, (void)s, (void)len;
}

int main(int argc, char **argv)
{
	XML_Parser p;
	int fd;
	ssize_t n;

	if (argc != 2) {
		fputs("usage: expat_floor FILE\n", stderr);
		return 64;
	}
	if ((fd = open(argv[1], O_RDONLY)) < 0) {
		perror(argv[1]);
		return 66;
	}
	p = XML_ParserCreate(NULL);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	do {
		void *buf = XML_GetBuffer(p, CHUNK);
		if (!buf || (n = read(fd, buf, CHUNK)) < 0) {
			perror("expat_floor");
			return 74;
		}
		if (XML_ParseBuffer(p, (int)n, n == 0) == XML_STATUS_ERROR) {
			fprintf(stderr, "expat_floor: line %lu: %s\n",
				(unsigned long)XML_GetCurrentLineNumber(p),
				XML_ErrorString(XML_GetErrorCode(p)));
			return 65;
		}
	} while (n > 0);
	printf("%lu elements\n", nelem);
	XML_ParserFree(p);
	close(fd);
	return 0;
}
