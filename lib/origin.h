/* Where a downloaded file came from, recorded on the file itself as
 * extended attributes (the freedesktop.org names that wget --xattr and
 * curl --xattr also write):
 *   user.xdg.origin.url   the URL it was downloaded from
 *   user.mime_type        the Content-Type it arrived with
 *   user.vo-tools.sha256  its SHA-256 when complete, as sha256sum prints it
 * A file system without user extended attributes (some tmpfs, NFS, FAT)
 * keeps no record: origin_set then fails with ENOTSUP, and origin_get
 * finds nothing. */
#ifndef VT_ORIGIN_H
#define VT_ORIGIN_H

struct origin {
	char *url;		/* NULL if not recorded */
	char *sha256;		/* NULL if not recorded */
};

/* Record url (and type, unless NULL) on the file open on fd; the digest
 * is removed, the file being incomplete.  0, or -1 with errno set. */
int origin_set(int fd, const char *url, const char *type);
/* Record the digest of the complete file open on fd.  0 or -1. */
int origin_set_sha256(int fd, const char *hex);
/* The record of the file at path: 0 (fields NULL where absent, all NULL
 * for a file without a record), or -1 with errno set (ENOMEM, or the file
 * cannot be read).  Free with origin_free. */
int origin_get(const char *path, struct origin *o);
void origin_free(struct origin *o);

#endif
