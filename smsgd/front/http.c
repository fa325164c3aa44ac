/*
 * The front's HTTP/1.1 request parser.
 *
 * A byte-driven state machine: every byte is looked at once, whatever the
 * size of the pieces it arrives in, so feeding one byte at a time costs
 * the same as feeding a whole request and nothing is rescanned.  The head
 * is copied line by line into one buffer (offsets while it may still
 * move, pointers once it is complete); the body into its own buffer, grown
 * as bytes arrive rather than as lengths are promised.  Both are zeroed
 * before they are freed: they carry cookies and passwords.
 */
#include "config.h"

#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

/* Request line, its path copy, and every header line with one NUL each. */
#define HEAD_BUF_MAX	(2 * (HTTP_MAX_LINE + 1) + HTTP_MAX_HEADER_BYTES + 16)
#define HEAD_BUF_MIN	512
#define BODY_BUF_MIN	1024
#define BODY_MAX_LIMIT	(SIZE_MAX / 4)
#define CL_MAX_DIGITS	18

enum {
	S_LINE = 0,		/* request line, or the empty lines before it */
	S_HEADER,
	S_BODYWAIT,		/* head returned; body_max may still change */
	S_BODY,			/* Content-Length bytes */
	S_CHUNK_SIZE,
	S_CHUNK_EXT_WS,		/* BWS after the size: only ';' may follow */
	S_CHUNK_EXT,
	S_CHUNK_SIZE_LF,
	S_CHUNK_DATA,
	S_CHUNK_DATA_CR,
	S_CHUNK_DATA_LF,
	S_TR_START,		/* start of a trailer line */
	S_TR_NAME,
	S_TR_VALUE,
	S_TR_LF,
	S_TR_END_LF,
	S_DONE,
	S_ERROR
};

static const char *const methods[] = {
	[HTTP_GET] = "GET",
	[HTTP_HEAD] = "HEAD",
	[HTTP_POST] = "POST",
	[HTTP_PUT] = "PUT",
	[HTTP_DELETE] = "DELETE",
	[HTTP_PATCH] = "PATCH",
	[HTTP_OPTIONS] = "OPTIONS",
};
#define NMETHODS	(sizeof(methods) / sizeof(methods[0]))

static enum http_result	 fail(struct http_parser *, int, const char *);

/* RFC 9110 tchar, without the locale-dependent <ctype.h>. */
int
http_is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* field-vchar, obs-text, SP or HTAB. */
static int
is_value_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

int
http_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

void
http_parser_init(struct http_parser *p)
{
	memset(p, 0, sizeof(*p));
	p->state = S_LINE;
	p->req.content_length = -1;
}

void
http_parser_reset(struct http_parser *p)
{
	/*
	 * Only what was written is wiped: the buffers grow zeroed
	 * (recallocarray), and nothing writes past buflen, or past the NUL
	 * after bodylen.
	 */
	if (p->buf != NULL)
		freezero(p->buf, p->buflen);
	if (p->req.body != NULL)
		freezero(p->req.body, p->req.bodylen + 1);
	http_parser_init(p);
}

void
http_parser_free(struct http_parser *p)
{
	http_parser_reset(p);
}

static enum http_result
fail(struct http_parser *p, int status, const char *why)
{
	p->state = S_ERROR;
	p->status = status;
	p->error = why;
	return HTTP_ERROR;
}

void
http_parser_fail(struct http_parser *p, int status, const char *why)
{
	fail(p, status, why);
}

/* Append one byte to the head; the buffer may move, so offsets only. */
static int
head_append(struct http_parser *p, char c)
{
	size_t	 nsz;
	char	*nbuf;

	if (p->buflen >= p->bufsz) {
		if (p->bufsz >= HEAD_BUF_MAX)
			return -1;
		nsz = p->bufsz ? p->bufsz * 2 : HEAD_BUF_MIN;
		if (nsz > HEAD_BUF_MAX)
			nsz = HEAD_BUF_MAX;
		if ((nbuf = recallocarray(p->buf, p->bufsz, nsz, 1)) == NULL)
			return -1;
		p->buf = nbuf;
		p->bufsz = nsz;
	}
	p->buf[p->buflen++] = c;
	return 0;
}

static int
parse_version(const char *v, int *minor)
{
	if (strncmp(v, "HTTP/", 5) != 0 || strlen(v) != 8 ||
	    v[5] < '0' || v[5] > '9' || v[6] != '.' ||
	    v[7] < '0' || v[7] > '9')
		return -1;
	*minor = v[7] - '0';
	return v[5] - '0';
}

static int
target_valid(const char *t)
{
	for (; *t != '\0'; t++)
		if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f ||
		    *t == '#')
			return 0;
	return 1;
}

/* The line is NUL-terminated at the end of buf and holds exactly 2 SP. */
static enum http_result
parse_reqline(struct http_parser *p)
{
	char		*line = p->buf + p->linestart, *sp1, *sp2, *target;
	const char	*s, *ver;
	size_t		 i, plen;
	int		 major, minor, m;

	if (p->nspaces != 2)
		return fail(p, 400, "malformed request line");
	sp1 = strchr(line, ' ');
	sp2 = strchr(sp1 + 1, ' ');
	*sp1 = *sp2 = '\0';
	target = sp1 + 1;
	ver = sp2 + 1;
	for (s = line; http_is_tchar(*s); s++)
		;
	if (s == line || *s != '\0')
		return fail(p, 400, "malformed method");
	if ((major = parse_version(ver, &minor)) == -1)
		return fail(p, 400, "malformed version");
	/* Before the target: an unknown method may use another form. */
	for (m = 0; m < (int)NMETHODS; m++)
		if (strcmp(line, methods[m]) == 0)
			break;
	if (m == (int)NMETHODS)
		return fail(p, 501, "method not implemented");
	if (!target_valid(target) ||
	    (target[0] != '/' && strcmp(target, "*") != 0))
		return fail(p, 400, "malformed request target");
	if (target[0] == '*' && m != HTTP_OPTIONS)
		return fail(p, 400, "asterisk target without OPTIONS");
	if (major != 1 || minor > 1)
		return fail(p, 505, "HTTP version not supported");
	p->req.method = m;
	p->req.minor = minor;
	p->off_target = target - p->buf;
	plen = strcspn(target, "?");
	if (target[plen] == '?')
		p->off_query = p->off_target + plen + 1;
	p->off_path = p->buflen;
	for (i = 0; i < plen; i++)
		if (head_append(p, p->buf[p->off_target + i]) == -1)
			return fail(p, 500, "out of memory");
	if (head_append(p, '\0') == -1)
		return fail(p, 500, "out of memory");
	return HTTP_MORE;
}

/* One NUL-terminated header line of n bytes at offset off. */
static enum http_result
parse_header(struct http_parser *p, size_t off, size_t n)
{
	char	*line = p->buf + off, *s, *v, *end;

	if (line[0] == ' ' || line[0] == '\t')
		return fail(p, 400, "obsolete line folding");
	if (p->req.nheaders >= HTTP_MAX_HEADERS)
		return fail(p, 431, "too many header fields");
	for (s = line; http_is_tchar(*s); s++)
		*s = lower(*s);
	if (s == line || *s != ':')
		return fail(p, 400, "malformed field name");
	*s = '\0';
	for (v = s + 1; *v == ' ' || *v == '\t'; v++)
		;
	end = line + n;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (s = v; s < end; s++)
		if (!is_value_char(*s))
			return fail(p, 400, "malformed field value");
	*end = '\0';
	p->off_hdr[p->req.nheaders][0] = off;
	p->off_hdr[p->req.nheaders][1] = v - p->buf;
	p->req.nheaders++;
	return HTTP_MORE;
}

/* reg-name or IP-literal characters, with an optional port. */
static int
host_valid(const char *h)
{
	if (*h == '\0')
		return 0;
	for (; *h != '\0'; h++) {
		if ((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') ||
		    (*h >= '0' && *h <= '9'))
			continue;
		if (strchr("-._~%!$&'()*+,;=:[]", *h) == NULL)
			return 0;
	}
	return 1;
}

static enum http_result
check_length(struct http_parser *p)
{
	struct http_request	*r = &p->req;
	const char		*v;
	int			 nte, ncl;
	size_t			 i;

	nte = http_header_count(r, "transfer-encoding");
	ncl = http_header_count(r, "content-length");
	if (nte > 0) {
		if (r->minor == 0)
			return fail(p, 400, "Transfer-Encoding in HTTP/1.0");
		if (ncl > 0)
			return fail(p, 400,
			    "both Content-Length and Transfer-Encoding");
		if (nte != 1 || strcasecmp(http_header(r,
		    "transfer-encoding"), "chunked") != 0)
			return fail(p, 501, "transfer coding not implemented");
		r->chunked = 1;
	}
	if (ncl > 1)
		return fail(p, 400, "repeated Content-Length");
	if (ncl == 1) {
		v = http_header(r, "content-length");
		if (*v == '\0' || strlen(v) > CL_MAX_DIGITS)
			return fail(p, 400, "malformed Content-Length");
		r->content_length = 0;
		for (i = 0; v[i] != '\0'; i++) {
			if (v[i] < '0' || v[i] > '9')
				return fail(p, 400, "malformed Content-Length");
			r->content_length = r->content_length * 10 +
			    (v[i] - '0');
		}
	}
	/*
	 * Neither Content-Length nor Transfer-Encoding: no body (RFC 9112
	 * 6.3), whatever the method.  Whether a route wants a length is
	 * the application's call (411), made when the head is in.
	 */
	return HTTP_MORE;
}

/* The empty line ended the head: pin the pointers, check the whole. */
static enum http_result
head_done(struct http_parser *p)
{
	struct http_request	*r = &p->req;
	const char		*v;
	size_t			 i;
	int			 n;

	r->target = p->buf + p->off_target;
	r->path = p->buf + p->off_path;
	r->query = p->off_query ? p->buf + p->off_query : NULL;
	for (i = 0; i < r->nheaders; i++) {
		r->headers[i].name = p->buf + p->off_hdr[i][0];
		r->headers[i].value = p->buf + p->off_hdr[i][1];
	}
	n = http_header_count(r, "host");
	if (n > 1 || (n == 0 && r->minor == 1))
		return fail(p, 400, "missing or repeated Host");
	if (n == 1 && !host_valid(http_header(r, "host")))
		return fail(p, 400, "malformed Host");
	if (check_length(p) == HTTP_ERROR)
		return HTTP_ERROR;
	if (http_header_has_token(r, "connection", "close"))
		r->keep_alive = 0;
	else if (r->minor == 1)
		r->keep_alive = 1;
	else
		r->keep_alive = http_header_has_token(r, "connection",
		    "keep-alive");
	/* HTTP/1.0 expectations are ignored (RFC 9110 10.1.1). */
	if ((n = http_header_count(r, "expect")) > 0 && r->minor == 1) {
		v = http_header(r, "expect");
		if (n != 1 || strcasecmp(v, "100-continue") != 0)
			return fail(p, 417, "expectation not supported");
		r->expect_continue = 1;
	}
	p->state = S_BODYWAIT;
	return HTTP_HEAD_DONE;
}

/* A CRLF ended the line that starts at linestart. */
static enum http_result
line_done(struct http_parser *p)
{
	size_t			 n = p->buflen - p->linestart;
	enum http_result	 r;

	if (p->state == S_LINE && n == 0) {
		if (++p->nempty > HTTP_MAX_LEADING_CRLF)
			return fail(p, 400, "empty lines before request");
		return HTTP_MORE;
	}
	if (n == 0)
		return head_done(p);
	if (head_append(p, '\0') == -1)
		return fail(p, 500, "out of memory");
	if (p->state == S_LINE) {
		/* An error stays: nothing after it is parsed. */
		if ((r = parse_reqline(p)) != HTTP_ERROR)
			p->state = S_HEADER;
	} else
		r = parse_header(p, p->linestart, n);
	p->linestart = p->buflen;
	return r;
}

static enum http_result
head_byte(struct http_parser *p, unsigned char c)
{
	if (p->state == S_HEADER && ++p->headbytes > HTTP_MAX_HEADER_BYTES)
		return fail(p, 431, "header section too large");
	if (p->cr) {
		if (c != '\n')
			return fail(p, 400, "bare CR");
		p->cr = 0;
		return line_done(p);
	}
	if (c == '\r') {
		p->cr = 1;
		return HTTP_MORE;
	}
	if (c == '\n')
		return fail(p, 400, "bare LF");
	if (c == '\0')
		return fail(p, 400, "NUL in head");
	if (p->state == S_LINE) {
		if (c == ' ')
			p->nspaces++;
		if (p->buflen - p->linestart >= HTTP_MAX_LINE)
			return p->nspaces == 1 ?
			    fail(p, 414, "request target too long") :
			    fail(p, 400, "request line too long");
	}
	if (head_append(p, c) == -1)
		return fail(p, 500, "out of memory");
	return HTTP_MORE;
}

/* Room for n more body bytes and a NUL, growing towards limit. */
static int
body_reserve(struct http_parser *p, size_t n, size_t limit)
{
	struct http_request	*r = &p->req;
	size_t			 want = r->bodylen + n + 1, ncap;
	uint8_t			*nb;

	if (want <= p->bodycap)
		return 0;
	ncap = p->bodycap ? p->bodycap : BODY_BUF_MIN;
	while (ncap < want && ncap < limit)
		ncap *= 2;
	if (ncap > limit)
		ncap = limit;
	if (ncap < want)
		ncap = want;
	if ((nb = recallocarray(r->body, p->bodycap, ncap, 1)) == NULL)
		return -1;
	r->body = nb;
	p->bodycap = ncap;
	return 0;
}

static enum http_result
finish(struct http_parser *p)
{
	if (p->stream) {
		p->state = S_DONE;
		return HTTP_DONE;
	}
	if (body_reserve(p, 0, 1) == -1)
		return fail(p, 500, "out of memory");
	p->req.body[p->req.bodylen] = '\0';
	p->state = S_DONE;
	return HTTP_DONE;
}

static enum http_result
body_start(struct http_parser *p)
{
	struct http_request	*r = &p->req;

	if (r->chunked) {
		p->state = S_CHUNK_SIZE;
		return HTTP_MORE;
	}
	if (r->content_length <= 0)
		return finish(p);
	if ((unsigned long long)r->content_length > p->body_max)
		return fail(p, 413, "body too large");
	p->remain = r->content_length;
	p->state = S_BODY;
	return HTTP_MORE;
}

static enum http_result
ext_byte(struct http_parser *p)
{
	if (++p->extbytes > HTTP_CHUNK_EXT_MAX)
		return fail(p, 400, "chunk extensions too long");
	return HTTP_MORE;
}

/* The line that announces a chunk: size, extensions, CRLF. */
static enum http_result
chunk_size_byte(struct http_parser *p, unsigned char c)
{
	int			 h;

	switch (p->state) {
	case S_CHUNK_SIZE:
		if ((h = http_hexval(c)) != -1) {
			if (++p->digits > HTTP_CHUNK_DIGITS)
				return fail(p, 400, "chunk size too long");
			p->remain = p->remain * 16 + h;
			return HTTP_MORE;
		}
		if (p->digits == 0)
			return fail(p, 400, "malformed chunk size");
		if (c == '\r')
			p->state = S_CHUNK_SIZE_LF;
		else if (c == ';')
			p->state = S_CHUNK_EXT;
		else if (c == ' ' || c == '\t')
			p->state = S_CHUNK_EXT_WS;
		else
			return fail(p, 400, "malformed chunk size");
		return c == '\r' ? HTTP_MORE : ext_byte(p);
	case S_CHUNK_EXT_WS:
		if (c == ';')
			p->state = S_CHUNK_EXT;
		else if (c != ' ' && c != '\t')
			return fail(p, 400, "malformed chunk extension");
		return ext_byte(p);
	case S_CHUNK_EXT:
		if (c == '\r') {
			p->state = S_CHUNK_SIZE_LF;
			return HTTP_MORE;
		}
		if (!is_value_char(c))
			return fail(p, 400, "malformed chunk extension");
		return ext_byte(p);
	default:	/* S_CHUNK_SIZE_LF */
		if (c != '\n')
			return fail(p, 400, "bare CR in chunk size");
		p->digits = 0;
		if (p->remain == 0) {
			p->state = S_TR_START;
			return HTTP_MORE;
		}
		if (p->seen > p->body_max ||
		    p->remain > p->body_max - p->seen)
			return fail(p, 413, "body too large");
		p->state = S_CHUNK_DATA;
		return HTTP_MORE;
	}
}

/* Trailer lines: checked like header lines, counted, then dropped. */
static enum http_result
trailer_byte(struct http_parser *p, unsigned char c)
{
	if (++p->headbytes > HTTP_MAX_HEADER_BYTES)
		return fail(p, 431, "trailer section too large");
	switch (p->state) {
	case S_TR_START:
		if (c == '\r') {
			p->state = S_TR_END_LF;
			return HTTP_MORE;
		}
		if (c == ' ' || c == '\t')
			return fail(p, 400, "obsolete line folding");
		if (!http_is_tchar(c))
			return fail(p, 400, "malformed trailer name");
		if (p->req.nheaders + ++p->ntrailers > HTTP_MAX_HEADERS)
			return fail(p, 431, "too many trailer fields");
		p->state = S_TR_NAME;
		return HTTP_MORE;
	case S_TR_NAME:
		if (c == ':')
			p->state = S_TR_VALUE;
		else if (!http_is_tchar(c))
			return fail(p, 400, "malformed trailer name");
		return HTTP_MORE;
	case S_TR_VALUE:
		if (c == '\r')
			p->state = S_TR_LF;
		else if (!is_value_char(c))
			return fail(p, 400, "malformed trailer value");
		return HTTP_MORE;
	case S_TR_LF:
		if (c != '\n')
			return fail(p, 400, "bare CR in trailer");
		p->state = S_TR_START;
		return HTTP_MORE;
	default:	/* S_TR_END_LF */
		if (c != '\n')
			return fail(p, 400, "bare CR in trailer");
		return finish(p);
	}
}

static enum http_result
chunk_byte(struct http_parser *p, unsigned char c)
{
	switch (p->state) {
	case S_CHUNK_DATA_CR:
		if (c != '\r')
			return fail(p, 400, "chunk data not followed by CRLF");
		p->state = S_CHUNK_DATA_LF;
		return HTTP_MORE;
	case S_CHUNK_DATA_LF:
		if (c != '\n')
			return fail(p, 400, "chunk data not followed by CRLF");
		p->state = S_CHUNK_SIZE;
		return HTTP_MORE;
	case S_CHUNK_SIZE:
	case S_CHUNK_EXT_WS:
	case S_CHUNK_EXT:
	case S_CHUNK_SIZE_LF:
		return chunk_size_byte(p, c);
	default:
		return trailer_byte(p, c);
	}
}

static enum http_result
body_feed(struct http_parser *p, const uint8_t *data, size_t len,
    size_t *used)
{
	struct http_request	*r = &p->req;
	enum http_result	 res = HTTP_MORE;
	size_t			 i = 0, n, limit;

	while (res == HTTP_MORE && i < len) {
		if (p->state != S_BODY && p->state != S_CHUNK_DATA) {
			res = chunk_byte(p, data[i++]);
			continue;
		}
		n = len - i < p->remain ? len - i : p->remain;
		if (p->stream) {
			/* Handed out in place: one piece per call. */
			p->piece = data + i;
			p->piecelen = n;
			res = HTTP_BODY;
		} else {
			limit = r->chunked ? p->body_max + 1 :
			    (size_t)r->content_length + 1;
			if (body_reserve(p, n, limit) == -1) {
				res = fail(p, 500, "out of memory");
				break;
			}
			memcpy(r->body + r->bodylen, data + i, n);
			r->bodylen += n;
		}
		p->seen += n;
		p->remain -= n;
		i += n;
		if (p->remain == 0) {
			if (p->state == S_CHUNK_DATA)
				p->state = S_CHUNK_DATA_CR;
			else if (res == HTTP_BODY)
				p->state = S_DONE;	/* DONE on the next call */
			else
				res = finish(p);
		}
	}
	*used = i;
	return res;
}

enum http_result
http_parse(struct http_parser *p, const uint8_t *data, size_t len,
    size_t *used)
{
	enum http_result	 r = HTTP_MORE;
	size_t			 i;

	*used = 0;
	switch (p->state) {
	case S_ERROR:
		return HTTP_ERROR;
	case S_DONE:
		return HTTP_DONE;
	case S_LINE:
	case S_HEADER:
		for (i = 0; i < len && r == HTTP_MORE; i++)
			r = head_byte(p, data[i]);
		*used = i;
		return r;
	case S_BODYWAIT:
		if ((r = body_start(p)) != HTTP_MORE)
			return r;
		/* FALLTHROUGH */
	default:
		return body_feed(p, data, len, used);
	}
}

int
http_parser_body_stream(struct http_parser *p, size_t max)
{
	if (http_parser_body_max(p, max) == -1)
		return -1;
	p->stream = 1;
	return 0;
}

int
http_parser_body_max(struct http_parser *p, size_t max)
{
	if (p->state == S_ERROR)
		return -1;
	p->body_max = max > BODY_MAX_LIMIT ? BODY_MAX_LIMIT : max;
	if (p->req.content_length >= 0 &&
	    (unsigned long long)p->req.content_length > p->body_max) {
		fail(p, 413, "body too large");
		return -1;
	}
	return 0;
}

const char *
http_header(const struct http_request *r, const char *lname)
{
	size_t	 i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, lname) == 0)
			return r->headers[i].value;
	return NULL;
}

int
http_header_count(const struct http_request *r, const char *lname)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, lname) == 0)
			n++;
	return n;
}

/* 1 if the comma list v holds token (OWS around elements, any case). */
static int
list_has_token(const char *v, const char *token)
{
	size_t	 tlen = strlen(token), n, e;

	while (*v != '\0') {
		v += strspn(v, " \t,");
		n = strcspn(v, ",");
		for (e = n; e > 0 && (v[e - 1] == ' ' || v[e - 1] == '\t'); e--)
			;
		if (e == tlen && strncasecmp(v, token, tlen) == 0)
			return 1;
		v += n;
	}
	return 0;
}

int
http_header_has_token(const struct http_request *r, const char *lname,
    const char *token)
{
	size_t	 i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, lname) == 0 &&
		    list_has_token(r->headers[i].value, token))
			return 1;
	return 0;
}

const char *
http_method_name(enum http_method m)
{
	if ((size_t)m >= NMETHODS)
		return "UNKNOWN";
	return methods[m];
}

const char *
http_status_text(int status)
{
	static const struct {
		int		 code;
		const char	*text;
	} t[] = {
		{ 100, "Continue" }, { 101, "Switching Protocols" },
		{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
		{ 204, "No Content" }, { 206, "Partial Content" },
		{ 301, "Moved Permanently" }, { 302, "Found" },
		{ 303, "See Other" }, { 304, "Not Modified" },
		{ 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
		{ 408, "Request Timeout" }, { 409, "Conflict" },
		{ 410, "Gone" }, { 411, "Length Required" },
		{ 412, "Precondition Failed" }, { 413, "Content Too Large" },
		{ 414, "URI Too Long" }, { 415, "Unsupported Media Type" },
		{ 416, "Range Not Satisfiable" },
		{ 417, "Expectation Failed" },
		{ 422, "Unprocessable Content" }, { 423, "Locked" },
		{ 425, "Too Early" }, { 428, "Precondition Required" },
		{ 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
		{ 505, "HTTP Version Not Supported" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].code == status)
			return t[i].text;
	return "Unknown Status";
}

int
http_utf8_valid(const uint8_t *s, size_t n)
{
	size_t		 i = 0, k, need;
	uint8_t		 c, lo, hi;

	while (i < n) {
		c = s[i];
		lo = 0x80;
		hi = 0xbf;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;	/* overlong */
			else if (c == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;	/* overlong */
			else if (c == 0xf4)
				hi = 0x8f;	/* over U+10FFFF */
		} else
			return 0;
		if (n - i <= need)
			return 0;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k <= need; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += need + 1;
	}
	return 1;
}

ssize_t
http_pct_decode(const char *s, size_t len, char *out, size_t outsz,
    int plus_space)
{
	size_t		 i, o = 0;
	int		 hi, lo;
	unsigned char	 c;

	if (outsz == 0)
		return -1;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '%') {
			if (len - i < 3 || (hi = http_hexval(s[i + 1])) == -1 ||
			    (lo = http_hexval(s[i + 2])) == -1)
				goto bad;
			c = hi << 4 | lo;
			i += 2;
		} else if (c == '+' && plus_space)
			c = ' ';
		if (c == '\0' || o + 1 >= outsz)
			goto bad;
		out[o++] = c;
	}
	out[o] = '\0';
	if (!http_utf8_valid((const uint8_t *)out, o))
		goto bad;
	return o;
 bad:
	/* What was decoded so far may be part of a password. */
	explicit_bzero(out, o);
	out[0] = '\0';
	return -1;
}

/* Decode one raw form name or value into a new string. */
static char *
form_field(const char *raw, size_t len)
{
	char	*out;
	size_t	 sz;

	/* An escape is 3 bytes for 1: anything longer cannot fit. */
	if (len > 3 * HTTP_MAX_FIELD)
		return NULL;
	sz = (len < HTTP_MAX_FIELD ? len : HTTP_MAX_FIELD) + 1;
	if ((out = malloc(sz)) == NULL)
		return NULL;
	if (http_pct_decode(raw, len, out, sz, 1) == -1) {
		freezero(out, sz);
		return NULL;
	}
	return out;
}

int
http_form_parse(struct http_form *form, const uint8_t *data, size_t len)
{
	const char	*s = (const char *)data, *end = s + len;
	const char	*amp, *pend, *eq, *nend;
	size_t		 i, n;

	memset(form, 0, sizeof(*form));
	if (len == 0)
		return 0;
	for (;;) {
		amp = memchr(s, '&', end - s);
		pend = amp != NULL ? amp : end;
		if (pend == s || form->n >= HTTP_FORM_MAX)
			goto bad;
		eq = memchr(s, '=', pend - s);
		nend = eq != NULL ? eq : pend;
		n = form->n;
		if ((form->f[n].name = form_field(s, nend - s)) == NULL)
			goto bad;
		form->n++;
		if (eq != NULL)
			form->f[n].value = form_field(eq + 1, pend - eq - 1);
		else
			form->f[n].value = form_field("", 0);
		if (form->f[n].value == NULL || form->f[n].name[0] == '\0')
			goto bad;
		for (i = 0; i < n; i++)
			if (strcmp(form->f[i].name, form->f[n].name) == 0)
				goto bad;
		if (amp == NULL)
			break;
		s = amp + 1;
	}
	return 0;
 bad:
	http_form_free(form);
	return -1;
}

const char *
http_form_get(const struct http_form *form, const char *name)
{
	size_t	 i;

	for (i = 0; i < form->n; i++)
		if (strcmp(form->f[i].name, name) == 0)
			return form->f[i].value;
	return NULL;
}

void
http_form_free(struct http_form *form)
{
	size_t	 i;

	for (i = 0; i < form->n && i < HTTP_FORM_MAX; i++) {
		if (form->f[i].name != NULL)
			freezero(form->f[i].name, strlen(form->f[i].name));
		if (form->f[i].value != NULL)
			freezero(form->f[i].value, strlen(form->f[i].value));
		form->f[i].name = form->f[i].value = NULL;
	}
	form->n = 0;
}

/* RFC 6265 cookie-octet. */
static int
is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) ||
	    (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
	    (c >= 0x5d && c <= 0x7e);
}

/* Copy the value v of n bytes, unquoted and checked, into out. */
static int
cookie_copy(const char *v, size_t n, char *out, size_t outsz)
{
	size_t	 i;

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v++;
		n -= 2;
	}
	if (n >= outsz)
		return -1;
	for (i = 0; i < n; i++)
		if (!is_cookie_octet(v[i]))
			return -1;
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

int
http_cookie_get(const struct http_request *r, const char *name, char *out,
    size_t outsz)
{
	const char	*v, *eq;
	size_t		 i, n, nlen = strlen(name), e;

	if (outsz == 0 || nlen == 0)
		return -1;
	for (i = 0; i < r->nheaders; i++) {
		if (strcmp(r->headers[i].name, "cookie") != 0)
			continue;
		for (v = r->headers[i].value; *v != '\0'; v += n) {
			v += strspn(v, " \t;");
			n = strcspn(v, ";");
			for (e = n; e > 0 && (v[e - 1] == ' ' ||
			    v[e - 1] == '\t'); e--)
				;
			if ((eq = memchr(v, '=', e)) == NULL)
				continue;
			if ((size_t)(eq - v) != nlen ||
			    strncmp(v, name, nlen) != 0)
				continue;
			return cookie_copy(eq + 1, v + e - eq - 1, out, outsz);
		}
	}
	return -1;
}

int
http_content_type(const struct http_request *r, char *out, size_t outsz)
{
	const char	*v, *s;
	size_t		 n, i;

	if (http_header_count(r, "content-type") != 1)
		return -1;
	v = http_header(r, "content-type");
	n = strcspn(v, ";");
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	for (s = v; s < v + n && http_is_tchar(*s); s++)
		;
	if (s == v || s == v + n || *s != '/' || s + 1 == v + n)
		return -1;
	for (s++; s < v + n; s++)
		if (!http_is_tchar(*s))
			return -1;
	if (n >= outsz)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = lower(v[i]);
	out[n] = '\0';
	return 0;
}
