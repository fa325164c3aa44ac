/*
 * Streaming multipart/form-data.  See formstream.h.
 *
 * The body is searched for the delimiter CRLF "--" boundary as bytes
 * arrive, one state machine step per byte, with the matched prefix of the
 * delimiter remembered across pieces.  A boundary has no CR (RFC 2046
 * bchars), so a failed match never hides the start of another: the held
 * bytes are data and the byte at hand is looked at again.  The first
 * delimiter may start the body, as if a CRLF came before it.
 *
 * RFC 2046 lets a body carry bytes before its first boundary (preamble)
 * and after its last (epilogue), to be ignored.  Browsers send neither;
 * here each has a small bound of its own, so a body can not be made of
 * bytes nobody reads (or of a boundary that never comes) up to the
 * route's maximum.  A part is form data: one level, so a part that is
 * itself multipart is refused rather than passed on as data.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formstream.h"
#include "http.h"

#define MP_LWSP_MAX	64	/* blanks after a boundary */

enum {
	MP_PREAMBLE,
	MP_AFTER,		/* after a delimiter: "--", or blanks, CRLF */
	MP_AFTER_DASH,
	MP_AFTER_LF,
	MP_HEADERS,
	MP_DATA,
	MP_EPILOGUE,
	MP_ERROR
};

struct multipart {
	const struct mp_callbacks *cb;
	void		*arg;
	char		 delim[4 + MP_BOUNDARY_MAX + 1];
	size_t		 dlen;
	size_t		 matched;
	int		 state;
	unsigned int	 lwsp;
	unsigned int	 max_parts, nparts;
	size_t		 outside;	/* preamble or epilogue bytes */
	char		 hdr[MP_HEADER_MAX + 1];
	size_t		 hlen;
	struct mp_part	 part;
	const char	*error;
	int		 paused;	/* a callback asked to stop here */
};

static int
mp_fail(struct multipart *mp, const char *why)
{
	mp->state = MP_ERROR;
	mp->error = why;
	return -1;
}

/* RFC 2046 bchars, without the space (it may not end a boundary). */
static int
is_bchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

/*
 * A parameter value at *s: a token or a quoted-string (backslash quotes
 * one character).  No control character either way.  0, or -1.
 */
static int
param_value(const char **s, char *out, size_t outsz)
{
	const char	*p = *s;
	size_t		 n = 0;

	if (*p != '"') {
		while (http_is_tchar((unsigned char)*p)) {
			if (n + 1 >= outsz)
				return -1;
			out[n++] = *p++;
		}
		if (n == 0)
			return -1;
	} else {
		for (p++; *p != '"'; p++) {
			if (*p == '\\')
				p++;
			if (*p == '\0' || (unsigned char)*p < 0x20 ||
			    *p == 0x7f || n + 1 >= outsz)
				return -1;
			out[n++] = *p;
		}
		p++;
	}
	out[n] = '\0';
	*s = p;
	return 0;
}

static const char *
skip_ows(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* form-data; name="x"; filename="y".  NULL, or what is wrong. */
static const char *
parse_disposition(const char *v, struct mp_part *part)
{
	char		 pname[32], junk[MP_FILENAME_MAX];
	int		 have_name = 0;
	size_t		 n;

	if (strncasecmp(v, "form-data", 9) != 0)
		return "part is not form-data";
	for (v = skip_ows(v + 9); *v != '\0'; v = skip_ows(v)) {
		if (*v++ != ';')
			return "malformed Content-Disposition";
		v = skip_ows(v);
		for (n = 0; http_is_tchar((unsigned char)*v); v++)
			if (n + 1 < sizeof(pname))
				pname[n++] = *v;
		pname[n] = '\0';
		if (n == 0 || *v++ != '=')
			return "malformed Content-Disposition";
		if (strcasecmp(pname, "name") == 0) {
			if (have_name)
				return "part name given twice";
			if (param_value(&v, part->name,
			    sizeof(part->name)) == -1)
				return "malformed or over-long part name";
			have_name = 1;
		} else if (strcasecmp(pname, "filename") == 0) {
			if (part->has_filename)
				return "file name given twice";
			if (param_value(&v, part->filename,
			    sizeof(part->filename)) == -1)
				return "malformed or over-long file name";
			part->has_filename = 1;
		} else if (param_value(&v, junk, sizeof(junk)) == -1)
			return "malformed Content-Disposition";
	}
	if (!have_name || part->name[0] == '\0')
		return "part without a name";
	return NULL;
}

/* The header block of a part, CRLF-terminated lines. */
static int
parse_headers(struct multipart *mp)
{
	struct mp_part	*part = &mp->part;
	char		*line, *next, *colon, *v;
	const char	*why;
	int		 have_cd = 0, have_ct = 0, nlines = 0;

	memset(part, 0, sizeof(*part));
	mp->hdr[mp->hlen] = '\0';
	for (line = mp->hdr; *line != '\0'; line = next) {
		if ((next = strstr(line, "\r\n")) == NULL)
			return mp_fail(mp, "malformed part header");
		*next = '\0';
		next += 2;
		if (*line == '\0')
			break;
		if (++nlines > MP_HEADER_LINES_MAX)
			return mp_fail(mp, "too many part header lines");
		if (strchr(line, '\r') != NULL || strchr(line, '\n') != NULL)
			return mp_fail(mp, "bare CR or LF in a part header");
		if ((colon = strchr(line, ':')) == NULL || colon == line)
			return mp_fail(mp, "malformed part header");
		for (v = line; v < colon; v++)
			if (!http_is_tchar((unsigned char)*v))
				return mp_fail(mp, "malformed part header");
		*colon = '\0';
		v = (char *)skip_ows(colon + 1);
		if (strcasecmp(line, "content-disposition") == 0) {
			if (have_cd++)
				return mp_fail(mp, "Content-Disposition twice");
			if ((why = parse_disposition(v, part)) != NULL)
				return mp_fail(mp, why);
		} else if (strcasecmp(line, "content-type") == 0) {
			if (have_ct++)
				return mp_fail(mp, "Content-Type twice");
			if (strlcpy(part->type, v, sizeof(part->type)) >=
			    sizeof(part->type))
				return mp_fail(mp, "part Content-Type too long");
			if (strncasecmp(part->type, "multipart/", 10) == 0)
				return mp_fail(mp, "a part that is itself "
				    "multipart");
		}
	}
	if (!have_cd)
		return mp_fail(mp, "part without Content-Disposition");
	if (!have_ct)
		strlcpy(part->type, "text/plain", sizeof(part->type));
	mp->nparts++;
	if (mp->cb->part_begin(mp->arg, part) == -1)
		return mp_fail(mp, "stopped");
	mp->state = MP_DATA;
	mp->matched = 0;
	return 0;
}

int
multipart_boundary(const char *ctype, char *out, size_t outsz)
{
	const char	*p;
	char		 b[MP_BOUNDARY_MAX + 2];
	size_t		 n;

	if (ctype == NULL ||
	    strncasecmp(ctype, "multipart/form-data", 19) != 0)
		return -1;
	for (p = ctype + 19; (p = strchr(p, ';')) != NULL; ) {
		p = skip_ows(p + 1);
		if (strncasecmp(p, "boundary=", 9) != 0)
			continue;
		p += 9;
		if (param_value(&p, b, sizeof(b)) == -1)
			return -1;
		n = strlen(b);
		if (n == 0 || n > MP_BOUNDARY_MAX || b[n - 1] == ' ' ||
		    n >= outsz)
			return -1;
		for (n = 0; b[n] != '\0'; n++)
			if (!is_bchar((unsigned char)b[n]))
				return -1;
		strlcpy(out, b, outsz);
		return 0;
	}
	return -1;
}

struct multipart *
multipart_new(const char *boundary, unsigned int max_parts,
    const struct mp_callbacks *cb, void *arg)
{
	struct multipart	*mp;
	size_t			 n = strlen(boundary);

	if (n == 0 || n > MP_BOUNDARY_MAX || strchr(boundary, '\r') != NULL ||
	    strchr(boundary, '\n') != NULL ||
	    (mp = calloc(1, sizeof(*mp))) == NULL)
		return NULL;
	mp->cb = cb;
	mp->arg = arg;
	mp->max_parts = max_parts;
	mp->dlen = 4 + n;
	memcpy(mp->delim, "\r\n--", 4);
	memcpy(mp->delim + 4, boundary, n);
	mp->state = MP_PREAMBLE;
	mp->matched = 2;	/* the body may start with the delimiter */
	return mp;
}

void
multipart_free(struct multipart *mp)
{
	freezero(mp, sizeof(*mp));
}

const char *
multipart_error(const struct multipart *mp)
{
	return mp->error != NULL ? mp->error : "no error";
}

/* Part data from p[from..to), unless we are before the first part. */
static int
emit(struct multipart *mp, const uint8_t *p, size_t len)
{
	if (mp->state != MP_DATA || len == 0)
		return 0;
	if (mp->cb->part_data(mp->arg, p, len) == -1)
		return mp_fail(mp, "stopped");
	return 0;
}

/*
 * Search for the delimiter (in the preamble or a part's data), passing
 * data on.  Returns the bytes used; *found when the delimiter ended there.
 */
static ssize_t
scan(struct multipart *mp, const uint8_t *p, size_t len, int *found)
{
	size_t		 i = 0, run = 0;
	const uint8_t	*cr;

	*found = 0;
	while (i < len) {
		if (mp->matched == 0) {
			/* Fast path: nothing can match before a CR. */
			if ((cr = memchr(p + i, '\r', len - i)) == NULL) {
				i = len;
				break;
			}
			i = cr - p;
			if (emit(mp, p + run, i - run) == -1)
				return -1;
			run = i;
			if (mp->paused)
				return i;	/* the CR is looked at again */
			mp->matched = 1;
			run = ++i;
			continue;
		}
		if (p[i] == (uint8_t)mp->delim[mp->matched]) {
			run = ++i;
			if (++mp->matched == mp->dlen) {
				mp->matched = 0;
				*found = 1;
				return i;
			}
			continue;
		}
		/* The held prefix was data; look at this byte again. */
		if (emit(mp, (const uint8_t *)mp->delim, mp->matched) == -1)
			return -1;
		mp->matched = 0;
		run = i;
		if (mp->paused)
			return i;
	}
	if (mp->matched == 0 && emit(mp, p + run, i - run) == -1)
		return -1;
	return i;
}

static int
delimiter_seen(struct multipart *mp)
{
	if (mp->state == MP_DATA && mp->cb->part_end(mp->arg) == -1)
		return mp_fail(mp, "stopped");
	mp->state = MP_AFTER;
	mp->lwsp = 0;
	return 0;
}

static int
after_byte(struct multipart *mp, unsigned char c)
{
	switch (mp->state) {
	case MP_AFTER:
		if (c == '-')
			mp->state = MP_AFTER_DASH;
		else if (c == '\r')
			mp->state = MP_AFTER_LF;
		else if ((c != ' ' && c != '\t') || ++mp->lwsp > MP_LWSP_MAX)
			return mp_fail(mp, "malformed boundary line");
		return 0;
	case MP_AFTER_DASH:
		if (c != '-')
			return mp_fail(mp, "malformed boundary line");
		mp->state = MP_EPILOGUE;
		mp->outside = 0;
		return 0;
	default:	/* MP_AFTER_LF */
		if (c != '\n')
			return mp_fail(mp, "malformed boundary line");
		if (mp->nparts >= mp->max_parts)
			return mp_fail(mp, "too many parts");
		mp->state = MP_HEADERS;
		mp->hlen = 0;
		return 0;
	}
}

static int
header_byte(struct multipart *mp, unsigned char c)
{
	if (c == '\0')
		return mp_fail(mp, "NUL in a part header");
	if (mp->hlen >= MP_HEADER_MAX)
		return mp_fail(mp, "part header too large");
	mp->hdr[mp->hlen++] = c;
	if ((mp->hlen == 2 && memcmp(mp->hdr, "\r\n", 2) == 0) ||
	    (mp->hlen >= 4 &&
	    memcmp(mp->hdr + mp->hlen - 4, "\r\n\r\n", 4) == 0))
		return parse_headers(mp);
	return 0;
}

void
multipart_pause(struct multipart *mp)
{
	mp->paused = 1;
}

int
multipart_feed(struct multipart *mp, const uint8_t *p, size_t len)
{
	size_t	 used;

	return multipart_feed_some(mp, p, len, &used);
}

int
multipart_feed_some(struct multipart *mp, const uint8_t *p, size_t len,
    size_t *used)
{
	size_t		 i = 0;
	ssize_t		 n;
	int		 found, r = 0;

	mp->paused = 0;
	*used = 0;
	while (i < len && r == 0 && !mp->paused) {
		switch (mp->state) {
		case MP_ERROR:
			return -1;
		case MP_EPILOGUE:
			/* ignored, as RFC 2046 says, up to its bound */
			mp->outside += len - i;
			if (mp->outside > MP_EPILOGUE_MAX)
				return mp_fail(mp, "too many bytes after the "
				    "final boundary");
			*used = len;
			return 0;
		case MP_PREAMBLE:
		case MP_DATA:
			if ((n = scan(mp, p + i, len - i, &found)) == -1)
				return -1;
			i += n;
			/* the preamble's bound, the first delimiter aside */
			if (mp->state == MP_PREAMBLE &&
			    (mp->outside += n) > MP_PREAMBLE_MAX + mp->dlen)
				return mp_fail(mp, "too many bytes before the "
				    "first boundary");
			if (found)
				r = delimiter_seen(mp);
			break;
		case MP_HEADERS:
			r = header_byte(mp, p[i++]);
			break;
		default:
			r = after_byte(mp, p[i++]);
			break;
		}
	}
	*used = i;
	return mp->state == MP_ERROR ? -1 : 0;
}

int
multipart_finish(struct multipart *mp)
{
	if (mp->state == MP_ERROR)
		return -1;
	if (mp->state != MP_EPILOGUE)
		return mp_fail(mp, "missing final boundary");
	return 0;
}
