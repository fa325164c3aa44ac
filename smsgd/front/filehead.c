/*
 * The sealed head of a file's stream (filehead.h).  Pure code.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "filehead.h"

/* A name or type as stored: no control character, no NUL. */
static int
printable(const uint8_t *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

size_t
filehead_encode(const struct filehead *fh, uint8_t *buf)
{
	size_t	 nl = strnlen(fh->name, FILEHEAD_NAME_MAX);
	size_t	 tl = strnlen(fh->type, FILEHEAD_TYPE_MAX);
	size_t	 n = 0;

	buf[n++] = FILEHEAD_VERSION;
	buf[n++] = (uint8_t)nl;
	memcpy(buf + n, fh->name, nl);
	n += nl;
	buf[n++] = (uint8_t)tl;
	memcpy(buf + n, fh->type, tl);
	n += tl;
	memset(buf + n, 0, MC_FILEHEAD_MAX - n);
	return MC_FILEHEAD_MAX;
}

int
filehead_decode(const uint8_t *p, size_t len, struct filehead *fh)
{
	size_t	 nl, tl;

	memset(fh, 0, sizeof(*fh));
	if (len < MC_FILEHEAD_MAX || p[0] != FILEHEAD_VERSION)
		return -1;
	nl = p[1];
	if (2 + nl + 1 > len)
		return -1;
	tl = p[2 + nl];
	if (3 + nl + tl > len || tl > FILEHEAD_TYPE_MAX ||
	    !printable(p + 2, nl) || !printable(p + 3 + nl, tl))
		return -1;
	memcpy(fh->name, p + 2, nl);
	memcpy(fh->type, p + 3 + nl, tl);
	return MC_FILEHEAD_MAX;
}

/*
 * The STREAM construction: every chunk but the last is full, the last
 * holds 0 to MC_CHUNK bytes, each has its tag.
 */
uint64_t
filehead_plain(uint64_t sealed)
{
	uint64_t	 chunks;

	if (sealed == 0)
		return 0;
	chunks = (sealed + MC_SEALED_MAX - 1) / MC_SEALED_MAX;
	return sealed - chunks * MC_TAGLEN;
}

/* RFC 8187 attr-char: sent as is in filename*; the rest percent-encoded. */
static int
attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c) != NULL;
}

/*
 * Content-Disposition for a download (RFC 6266): always an attachment,
 * with a plain ASCII filename for old clients and the name itself,
 * percent-encoded UTF-8, in filename*.  A name that could escape the
 * header or a path (quotes, backslashes, slashes, controls) never
 * reaches the plain form.  buf holds FILEHEAD_DISPOSITION_MAX bytes.
 */
void
filehead_disposition(const char *name, char *buf, size_t bufsz)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 plain[FILEHEAD_NAME_MAX + 1];
	size_t			 i, n;
	unsigned char		 c;

	for (i = 0; name[i] != '\0' && i < FILEHEAD_NAME_MAX; i++) {
		c = (unsigned char)name[i];
		plain[i] = c < 0x20 || c > 0x7e || c == '"' || c == '\\' ||
		    c == '/' || c == '%' ? '_' : (char)c;
	}
	plain[i] = '\0';
	if (i == 0 || plain[0] == '.')
		plain[0] = i == 0 ? '\0' : '_';
	n = (size_t)snprintf(buf, bufsz, "attachment; filename=\"%s\"; "
	    "filename*=UTF-8''", plain[0] != '\0' ? plain : "file");
	for (i = 0; name[i] != '\0' && n + 4 < bufsz; i++) {
		c = (unsigned char)name[i];
		if (attr_char(c))
			buf[n++] = (char)c;
		else {
			buf[n++] = '%';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 15];
		}
	}
	buf[n] = '\0';
}
