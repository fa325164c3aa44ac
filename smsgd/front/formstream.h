/*
 * A streaming multipart/form-data parser (RFC 7578 on RFC 2046) and a
 * streaming application/x-www-form-urlencoded decoder.
 *
 * Pure code: no sockets, no event loop, no allocation after creation.
 * Bytes go in as they arrive, in pieces of any size (one byte at a time
 * works, and costs what a whole body costs); what they carry comes out
 * through callbacks, so memory stays bounded whatever the body's size.
 * A callback returns 0 to go on, -1 to stop (the feed then fails with
 * "stopped").  After a failure the parser refuses everything.
 */
#ifndef SMSG_FORMSTREAM_H
#define SMSG_FORMSTREAM_H

#include <stddef.h>
#include <stdint.h>

#define MP_BOUNDARY_MAX		70	/* RFC 2046 */
#define MP_HEADER_MAX		2048	/* bytes of one part's header block */
#define MP_HEADER_LINES_MAX	8	/* header lines of one part */
#define MP_PREAMBLE_MAX		1024	/* bytes before the first boundary */
#define MP_EPILOGUE_MAX		1024	/* bytes after the final boundary */
#define MP_NAME_MAX		128
#define MP_FILENAME_MAX		256
#define MP_TYPE_MAX		128

struct mp_part {
	char		 name[MP_NAME_MAX];
	char		 filename[MP_FILENAME_MAX];
	int		 has_filename;
	char		 type[MP_TYPE_MAX];	/* "text/plain" if none given */
};

struct mp_callbacks {
	int	(*part_begin)(void *, const struct mp_part *);
	int	(*part_data)(void *, const uint8_t *, size_t);
	int	(*part_end)(void *);
};

struct multipart;

/*
 * The boundary parameter of a multipart/form-data Content-Type: 0, or -1
 * when the type is another, or the boundary missing or malformed.
 */
int	 multipart_boundary(const char *content_type, char *, size_t);
struct multipart *multipart_new(const char *boundary, unsigned int max_parts,
	    const struct mp_callbacks *, void *arg);
/* 0, or -1: malformed, over a bound, or stopped (multipart_error). */
int	 multipart_feed(struct multipart *, const uint8_t *, size_t);
/*
 * The same, for a consumer that may fall behind: a callback that calls
 * multipart_pause() has taken what it was given, and the feed returns
 * right after it with *used the bytes parsed; the rest is fed again
 * later.  The callback's part_data range is at most the bytes fed.
 */
int	 multipart_feed_some(struct multipart *, const uint8_t *, size_t,
	    size_t *used);
void	 multipart_pause(struct multipart *);
/* At the end of the body: -1 unless the final boundary was seen. */
int	 multipart_finish(struct multipart *);
const char *multipart_error(const struct multipart *);
void	 multipart_free(struct multipart *);

/* application/x-www-form-urlencoded, as a stream. */
#define UF_NAME_MAX		128	/* a decoded field name */

struct uf_callbacks {
	int	(*field)(void *, const char *name);	/* a field starts */
	int	(*value)(void *, const uint8_t *, size_t);	/* decoded */
	int	(*field_end)(void *);
};

struct urlform {
	const struct uf_callbacks *cb;
	void		*arg;
	unsigned int	 max_fields, nfields;
	int		 state;
	int		 hex;		/* first digit of an escape, or -1 */
	char		 name[UF_NAME_MAX];
	size_t		 namelen;
	const char	*error;
};

void	 urlform_init(struct urlform *, unsigned int max_fields,
	    const struct uf_callbacks *, void *arg);
/* 0, or -1: a bad escape, %00 in a name, a name too long, too many. */
int	 urlform_feed(struct urlform *, const uint8_t *, size_t);
int	 urlform_finish(struct urlform *);

#endif
