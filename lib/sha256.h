/* SHA-256 (FIPS 180-4), for checking that a downloaded file is still what
 * arrived.  Incremental: init, update with the bytes in order, final. */
#ifndef VT_SHA256_H
#define VT_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes so far */
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* The digest as 64 lower-case hex digits and a NUL, as sha256sum(1)
 * prints it.  s is used up. */
void sha256_hex(struct sha256 *s, char hex[65]);

/* The digest of the file open on fd, read from its start; 0, or -1 with
 * errno set. */
int sha256_fd(int fd, char hex[65]);

#endif
