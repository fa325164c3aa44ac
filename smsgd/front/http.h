/*
 * The front's HTTP/1.1 request parser and the helpers that read what it
 * kept: headers, forms, cookies, media types.
 *
 * Pure code: no sockets, no event loop, no globals but constants.  Each
 * connection owns its parser, so worker threads never share one.  The
 * parser is strict (RFC 9110/9112): anything a proxy in front of us could
 * read differently is refused, since request smuggling lives in exactly
 * those differences.
 */
#ifndef SMSG_HTTP_H
#define SMSG_HTTP_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_LINE		8192	/* request line */
#define HTTP_MAX_HEADER_BYTES	16384	/* all header lines */
#define HTTP_MAX_HEADERS	64
#define HTTP_FORM_MAX		32	/* fields in a form body */
#define HTTP_MAX_FIELD		8192	/* a decoded form name or value */
#define HTTP_MAX_LEADING_CRLF	2	/* empty lines before a request */
#define HTTP_CHUNK_DIGITS	8	/* hex digits of a chunk size */
#define HTTP_CHUNK_EXT_MAX	4096	/* chunk extension bytes per request */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_DELETE,
	HTTP_PATCH, HTTP_OPTIONS };

struct http_header {
	char			*name;		/* lower-cased */
	char			*value;		/* OWS trimmed */
};

struct http_request {
	enum http_method	 method;
	char			*target;	/* as received, origin-form */
	char			*path;		/* target up to '?' (raw) */
	char			*query;		/* after '?', or NULL */
	int			 minor;		/* HTTP/1.minor: 0 or 1 */
	struct http_header	 headers[HTTP_MAX_HEADERS];
	size_t			 nheaders;
	int			 keep_alive;
	int			 expect_continue;
	int			 chunked;
	long long		 content_length;	/* -1: none */
	uint8_t			*body;		/* NUL-terminated copy */
	size_t			 bodylen;
};

enum http_result { HTTP_MORE, HTTP_HEAD_DONE, HTTP_BODY, HTTP_DONE,
	HTTP_ERROR };

/*
 * Fields are public only so that the parser can be embedded in a
 * connection; callers read .status, .error and .req and nothing else.
 */
struct http_parser {
	int			 state;
	int			 cr;		/* the last head byte was CR */
	int			 nempty;	/* leading empty lines seen */
	int			 nspaces;	/* spaces in the request line */
	char			*buf;		/* head: lines, NUL-split */
	size_t			 bufsz;
	size_t			 buflen;
	size_t			 linestart;	/* current line in buf */
	size_t			 headbytes;	/* header + trailer budget */
	size_t			 ntrailers;
	size_t			 off_target;
	size_t			 off_path;
	size_t			 off_query;	/* 0: none */
	size_t			 off_hdr[HTTP_MAX_HEADERS][2];
	size_t			 body_max;
	size_t			 bodycap;
	size_t			 remain;	/* bytes left in body/chunk */
	size_t			 seen;		/* body bytes so far */
	int			 stream;	/* body handed out, not kept */
	const uint8_t		*piece;		/* HTTP_BODY: in the input */
	size_t			 piecelen;
	size_t			 extbytes;	/* chunk extension bytes */
	int			 digits;	/* hex digits of this chunk */
	/* On HTTP_ERROR: 400 408 413 414 417 431 500 501 505. */
	int			 status;
	/* A short reason, for the response body and logs. */
	const char		*error;
	struct http_request	 req;
};

void	 http_parser_init(struct http_parser *);
/* Next request on the connection; zeroes the old head and body. */
void	 http_parser_reset(struct http_parser *);
void	 http_parser_free(struct http_parser *);

/*
 * Feed bytes; *used says how many were consumed (the rest belongs to the
 * next call or the next request).  HTTP_HEAD_DONE is returned once, when
 * the header block is complete and valid; the caller then calls
 * http_parser_body_max() and feeds on (also with len 0) until HTTP_DONE.
 * At HTTP_DONE req.body is never NULL (an empty string when there was no
 * body), except for a streamed body (below), which is never kept.  Chunked trailers are checked and counted, then dropped.
 */
enum http_result http_parse(struct http_parser *, const uint8_t *, size_t,
	    size_t *used);
/*
 * Largest body for this request (route-dependent), default 0.  Returns -1
 * and sets status 413 if a declared Content-Length already exceeds it.
 */
int	 http_parser_body_max(struct http_parser *, size_t);
/*
 * The same, but the body is not kept: each run of body bytes is returned
 * as HTTP_BODY with .piece and .piecelen pointing into the bytes just fed
 * (valid until the caller drops them), and HTTP_DONE follows the last.
 * Memory stays constant whatever the body's size.
 */
int	 http_parser_body_stream(struct http_parser *, size_t);
/* Fail the request from outside, e.g. 408 when the server's timer fires. */
void	 http_parser_fail(struct http_parser *, int status, const char *why);

const char *http_header(const struct http_request *, const char *lname);
int	 http_header_count(const struct http_request *, const char *lname);
/* 1 if a comma-list header (e.g. Connection) holds token, any case. */
int	 http_header_has_token(const struct http_request *, const char *lname,
	    const char *token);
const char *http_status_text(int);
const char *http_method_name(enum http_method);

/* RFC 9110 tchar; a hex digit's value or -1.  Locale-free. */
int	 http_is_tchar(unsigned char);
int	 http_hexval(unsigned char);

/* 1 if the bytes are well-formed UTF-8 (no overlongs, no surrogates). */
int	 http_utf8_valid(const uint8_t *, size_t);
/*
 * Percent-decoding; plus_space for forms.  Refuses %00, bad escapes,
 * invalid UTF-8, and overflow: -1.  Returns the decoded length (out
 * NUL-terminated).
 */
ssize_t	 http_pct_decode(const char *, size_t, char *, size_t, int plus_space);

/*
 * application/x-www-form-urlencoded body.  -1 on malformed, too many
 * fields, duplicate names, or any field over HTTP_MAX_FIELD bytes decoded;
 * the form is then empty.
 */
struct http_form {
	size_t			 n;
	struct {
		char		*name;
		char		*value;
	}			 f[HTTP_FORM_MAX];
};
int	 http_form_parse(struct http_form *, const uint8_t *, size_t);
const char *http_form_get(const struct http_form *, const char *);
/* explicit_bzero every value: they hold passwords. */
void	 http_form_free(struct http_form *);

/*
 * The value of cookie `name` from the Cookie header(s), the first one when
 * several carry the name: 0, or -1 absent, malformed or too long.
 */
int	 http_cookie_get(const struct http_request *, const char *, char *,
	    size_t);
/* Media type of Content-Type without parameters, lower-cased: 0 ok. */
int	 http_content_type(const struct http_request *, char *, size_t);

#endif
