/*
 * The front's HTTP parser: one request per refusal the parser promises,
 * the request-smuggling shapes, incremental feeding, pipelining, chunked
 * bodies, keep-alive, and the form, cookie and media-type helpers.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "tap.h"

/*
 * Feed len bytes in pieces of step (0: all at once); after HEAD_DONE set
 * body_max.  Returns the last result; *usedp the bytes consumed.
 */
static enum http_result
feed(struct http_parser *p, const char *s, size_t len, size_t step,
    size_t body_max, size_t *usedp)
{
	enum http_result	 r = HTTP_MORE;
	size_t			 off = 0, n, used;

	for (;;) {
		n = len - off;
		if (step != 0 && n > step)
			n = step;
		r = http_parse(p, (const uint8_t *)s + off, n, &used);
		off += used;
		if (r == HTTP_HEAD_DONE) {
			if (http_parser_body_max(p, body_max) == -1) {
				r = HTTP_ERROR;
				break;
			}
			continue;
		}
		if (r != HTTP_MORE || off == len)
			break;
	}
	if (usedp != NULL)
		*usedp = off;
	return r;
}

/* 0 for a complete request, the status for a refusal, -1 incomplete. */
static int
status_of(const char *s, size_t body_max)
{
	struct http_parser	 p;
	enum http_result	 r;
	int			 st;

	http_parser_init(&p);
	r = feed(&p, s, strlen(s), 0, body_max, NULL);
	st = r == HTTP_DONE ? 0 : r == HTTP_ERROR ? p.status : -1;
	if (r == HTTP_ERROR && p.error == NULL)
		st = -2;
	http_parser_free(&p);
	return st;
}

static void
expect(const char *s, int want, const char *what)
{
	int	 got = status_of(s, 0);

	tap_ok(got == want, "%s: %d (got %d)", what, want, got);
	if (got != want)
		tap_diag("request: %.60s", s);
}

static void
test_statuses(void)
{
	struct http_parser	 p;
	char			*big;
	size_t			 i, n;
	int			 st;

	expect("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0, "minimal GET");
	expect("GET / HTTP/1.0\r\n\r\n", 0, "HTTP/1.0 without Host");
	expect("GET / HTTP/1.1\r\n\r\n", 400, "HTTP/1.1 without Host");
	expect("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400,
	    "two Host");
	expect("GET / HTTP/1.1\r\nHost:\r\n\r\n", 400, "empty Host");
	expect("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "Host with SP");
	expect("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400, "Host with /");
	expect("GET / HTTP/1.1\r\nHost: [::1]:443\r\n\r\n", 0, "IPv6 Host");
	expect("POST / HTTP/1.1\r\nHost: a\r\n\r\n", 411, "POST no length");
	expect("PUT / HTTP/1.1\r\nHost: a\r\n\r\n", 411, "PUT no length");
	expect("PATCH / HTTP/1.1\r\nHost: a\r\n\r\n", 411,
	    "PATCH no length");
	expect("DELETE /x HTTP/1.1\r\nHost: a\r\n\r\n", 0, "DELETE no body");
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx",
	    413, "body over the default max 0");
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 0,
	    "empty POST");
	expect("BREW / HTTP/1.1\r\nHost: a\r\n\r\n", 501, "unknown method");
	expect("TRACE / HTTP/1.1\r\nHost: a\r\n\r\n", 501, "TRACE");
	expect("CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", 501, "CONNECT");
	expect("get / HTTP/1.1\r\nHost: a\r\n\r\n", 501, "lower-case method");
	expect("G@T / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "non-token method");
	expect("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "HTTP/2.0");
	expect("GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505, "HTTP/1.2");
	expect("GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505, "HTTP/0.9");
	expect("GET / http/1.1\r\nHost: a\r\n\r\n", 400, "lower-case version");
	expect("GET / HTTP/1.1x\r\nHost: a\r\n\r\n", 400, "version junk");
	expect("GET / HTTP/11\r\nHost: a\r\n\r\n", 400, "version no dot");
	expect("GET / HTTP/1.\r\nHost: a\r\n\r\n", 400, "version short");
	expect("GET /\r\nHost: a\r\n\r\n", 400, "no version");
	expect("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "double space");
	expect("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400, "tab separator");
	expect("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400, "trailing space");
	expect("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400,
	    "absolute-form target");
	expect("GET a HTTP/1.1\r\nHost: a\r\n\r\n", 400, "relative target");
	expect("GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", 400, "DEL in target");
	expect("GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n", 400,
	    "control in target");
	expect("GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", 400,
	    "raw UTF-8 in target");
	expect("GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", 400, "fragment");
	expect("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 0, "OPTIONS *");
	expect("GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400, "GET *");
	expect("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 0,
	    "two leading empty lines");
	expect("\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400,
	    "three leading empty lines");
	expect("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
	    0, "Expect 100-continue");
	expect("GET / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n", 417,
	    "unknown expectation");
	expect("GET / HTTP/1.0\r\nExpect: magic\r\n\r\n", 0,
	    "HTTP/1.0 expectation ignored");
	expect("GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n", 400, "empty name");
	expect("GET / HTTP/1.1\r\nHost: a\r\nX\r\n\r\n", 400, "no colon");
	expect("GET / HTTP/1.1\r\nHost: a\r\nX(y): 1\r\n\r\n", 400,
	    "non-token name");
	expect("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01\r\n\r\n", 400,
	    "control in value");
	expect("GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n", 400,
	    "DEL in value");
	expect("GET / HTTP/1.1\r\nHost: a\r\nX: a\tb \xe9\r\n\r\n", 0,
	    "HTAB and obs-text in value");

	/* 408 comes from the server's timer, through the parser. */
	http_parser_init(&p);
	http_parser_fail(&p, 408, "request timeout");
	tap_ok(http_parse(&p, (const uint8_t *)"G", 1, &n) == HTTP_ERROR &&
	    p.status == 408 && n == 0, "408 through http_parser_fail");
	http_parser_free(&p);

	/* 414: the line runs over inside the target; 400 elsewhere. */
	n = HTTP_MAX_LINE + 64;
	if ((big = malloc(n + 64)) == NULL)
		abort();
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', n);
	strcpy(big + 5 + n, " HTTP/1.1\r\nHost: a\r\n\r\n");
	expect(big, 414, "target over HTTP_MAX_LINE");
	memset(big, 'A', n);
	strcpy(big + n, " / HTTP/1.1\r\nHost: a\r\n\r\n");
	expect(big, 400, "method over HTTP_MAX_LINE");
	i = snprintf(big, n, "GET / HTTP/1.1");
	memset(big + i, '1', n);
	strcpy(big + n, "\r\nHost: a\r\n\r\n");
	expect(big, 400, "version over HTTP_MAX_LINE");
	i = snprintf(big, n, "GET /");
	memset(big + i, 'a', HTTP_MAX_LINE - 14 - i);
	strcpy(big + HTTP_MAX_LINE - 14, " HTTP/1.1\r\nHost: a\r\n\r\n");
	tap_ok(strcspn(big, "\r") == HTTP_MAX_LINE - 5, "line sized right");
	expect(big, 0, "request line of HTTP_MAX_LINE - 5 bytes");
	free(big);

	/* 431: too many fields, or too many bytes of them. */
	big = malloc(HTTP_MAX_HEADER_BYTES * 2);
	if (big == NULL)
		abort();
	n = snprintf(big, 64, "GET / HTTP/1.1\r\nHost: a\r\n");
	for (i = 0; i < HTTP_MAX_HEADERS - 1; i++)
		n += snprintf(big + n, 32, "X-%zu: 1\r\n", i);
	strcpy(big + n, "\r\n");
	expect(big, 0, "HTTP_MAX_HEADERS fields");
	strcpy(big + n, "X-last: 1\r\n\r\n");
	expect(big, 431, "HTTP_MAX_HEADERS + 1 fields");
	n = snprintf(big, 64, "GET / HTTP/1.1\r\nHost: a\r\nX: ");
	memset(big + n, 'v', HTTP_MAX_HEADER_BYTES);
	strcpy(big + n + HTTP_MAX_HEADER_BYTES, "\r\n\r\n");
	expect(big, 431, "one field over HTTP_MAX_HEADER_BYTES");
	http_parser_init(&p);
	feed(&p, big, strlen(big), 0, 0, NULL);
	st = p.status;
	tap_ok(st == 431 && p.error != NULL, "431 has a reason: %s",
	    p.error ? p.error : "(null)");
	http_parser_free(&p);
	free(big);
}

static void
test_smuggling(void)
{
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "CL + TE");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Length: 3\r\n\r\n0\r\n\r\n", 400, "TE + CL");
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	    "Content-Length: 3\r\n\r\nabc", 400, "CL CL equal");
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
	    "Content-Length: 4\r\n\r\nabc", 400, "CL CL different");
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n"
	    "abc", 400, "CL list");
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n"
	    "abc", 400, "CL with sign");
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
	    400, "negative CL");
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x3\r\n\r\n",
	    400, "hex CL");
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", 400,
	    "empty CL");
	expect("POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 1000000000000000000\r\n\r\n", 400, "19-digit CL");
	expect("POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 100000000000000000\r\n\r\n", 413,
	    "18-digit CL is a number, over the max");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
	    501, "TE gzip");
	expect("POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked, identity\r\n\r\n", 501,
	    "TE chunked then identity");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: identity\r\n\r\n", 501,
	    "two TE fields");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n"
	    "\r\n", 501, "TE xchunked");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n"
	    "\r\n0\r\n\r\n", 0, "TE CHUNKED any case");
	expect("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "0\r\n\r\n", 400, "TE on HTTP/1.0");
	expect("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n folded\r\n\r\n", 400,
	    "obs-fold");
	expect("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\tfolded\r\n\r\n", 400,
	    "obs-fold with HTAB");
	expect("GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400,
	    "leading space on the first field");
	expect("GET / HTTP/1.1\rHost: a\r\n\r\n", 400, "bare CR in line");
	expect("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", 400,
	    "bare CR in value");
	expect("GET / HTTP/1.1\nHost: a\r\n\r\n", 400, "bare LF after line");
	expect("GET / HTTP/1.1\r\nHost: a\n\r\n", 400, "bare LF after field");
	expect("GET / HTTP/1.1\r\nHost: a\r\n\n", 400, "bare LF at end");
	expect("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "leading bare LF");
	expect("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "space before colon");
	expect("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", 400, "tab before colon");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n"
	    "\r\n0\r\n\r\n", 400, "space before colon in TE");

	/* NUL cannot go through a C string literal: build it. */
	{
		static const char nul[] = "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n";
		struct http_parser	 p;
		size_t			 used;
		enum http_result	 r;

		http_parser_init(&p);
		r = http_parse(&p, (const uint8_t *)nul, sizeof(nul) - 1,
		    &used);
		tap_ok(r == HTTP_ERROR && p.status == 400, "NUL in a field");
		http_parser_free(&p);
	}
}

static int
same_request(const struct http_request *a, const struct http_request *b)
{
	size_t	 i;

	if (a->method != b->method || strcmp(a->target, b->target) != 0 ||
	    strcmp(a->path, b->path) != 0 ||
	    (a->query == NULL) != (b->query == NULL) ||
	    (a->query != NULL && strcmp(a->query, b->query) != 0) ||
	    a->minor != b->minor || a->nheaders != b->nheaders ||
	    a->keep_alive != b->keep_alive || a->chunked != b->chunked ||
	    a->expect_continue != b->expect_continue ||
	    a->content_length != b->content_length ||
	    a->bodylen != b->bodylen ||
	    memcmp(a->body, b->body, a->bodylen + 1) != 0)
		return 0;
	for (i = 0; i < a->nheaders; i++)
		if (strcmp(a->headers[i].name, b->headers[i].name) != 0 ||
		    strcmp(a->headers[i].value, b->headers[i].value) != 0)
			return 0;
	return 1;
}

static void
test_incremental(void)
{
	static const char *reqs[] = {
		"\r\nPOST /a/b?x=1&y=%20 HTTP/1.1\r\nHost: example.org\r\n"
		"Content-Type: text/plain\r\nContent-Length: 11\r\n"
		"Cookie: a=b\r\nExpect: 100-continue\r\n\r\nhello world",
		"PUT /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
		"Connection: close\r\n\r\n"
		"5;n=v\r\nhello\r\n6 ;a\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
		"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	};
	struct http_parser	 a, b;
	enum http_result	 ra, rb;
	size_t			 i, ua, ub, len;

	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		len = strlen(reqs[i]);
		http_parser_init(&a);
		http_parser_init(&b);
		ra = feed(&a, reqs[i], len, 0, 100, &ua);
		rb = feed(&b, reqs[i], len, 1, 100, &ub);
		tap_ok(ra == HTTP_DONE && rb == HTTP_DONE && ua == len &&
		    ub == len, "request %zu done whole and byte by byte", i);
		tap_ok(ra == HTTP_DONE && rb == HTTP_DONE &&
		    same_request(&a.req, &b.req),
		    "request %zu: byte by byte equals at once", i);
		http_parser_free(&a);
		http_parser_free(&b);
	}

	http_parser_init(&a);
	ra = feed(&a, reqs[0], strlen(reqs[0]), 7, 100, NULL);
	tap_ok(ra == HTTP_DONE && a.req.method == HTTP_POST &&
	    strcmp(a.req.target, "/a/b?x=1&y=%20") == 0 &&
	    strcmp(a.req.path, "/a/b") == 0 &&
	    strcmp(a.req.query, "x=1&y=%20") == 0 && a.req.minor == 1,
	    "request line fields");
	tap_ok(a.req.nheaders == 5 &&
	    strcmp(a.req.headers[1].name, "content-type") == 0 &&
	    strcmp(http_header(&a.req, "Content-Type"), "text/plain") == 0 &&
	    http_header_count(&a.req, "host") == 1 &&
	    http_header(&a.req, "x-nope") == NULL &&
	    http_header_count(&a.req, "x-nope") == 0,
	    "headers lower-cased, looked up");
	tap_ok(a.req.content_length == 11 && a.req.bodylen == 11 &&
	    strcmp((char *)a.req.body, "hello world") == 0 &&
	    a.req.expect_continue == 1 && a.req.keep_alive == 1,
	    "body, expect, keep-alive");
	tap_ok(http_parse(&a, (const uint8_t *)"x", 1, &ua) == HTTP_DONE &&
	    ua == 0, "after HTTP_DONE nothing more is taken");
	http_parser_reset(&a);
	tap_ok(a.req.body == NULL && a.req.nheaders == 0 &&
	    a.req.content_length == -1 && a.status == 0,
	    "reset clears the request");
	ra = feed(&a, "GET /?q HTTP/1.1\r\nHost: a\r\n\r\n", 29, 0, 0, NULL);
	tap_ok(ra == HTTP_DONE && a.req.body != NULL && a.req.bodylen == 0 &&
	    a.req.body[0] == '\0' && strcmp(a.req.query, "q") == 0 &&
	    strcmp(a.req.path, "/") == 0,
	    "reused parser; a GET has an empty body");
	http_parser_free(&a);

	http_parser_init(&a);
	ra = feed(&a, "GET /x HTTP/1.1\r\nHost: a\r\nX:  pad  \r\n\r\n", 39, 0,
	    0, NULL);
	tap_ok(ra == HTTP_DONE && a.req.query == NULL &&
	    strcmp(http_header(&a.req, "x"), "pad") == 0,
	    "no query; value OWS trimmed");
	http_parser_free(&a);
}

static void
test_pipeline(void)
{
	static const char two[] =
	    "POST /one HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
	    "GET /two HTTP/1.1\r\nHost: a\r\n\r\n";
	size_t			 first = strstr(two, "GET") - two;
	struct http_parser	 p;
	enum http_result	 r;
	size_t			 used, used2;

	http_parser_init(&p);
	r = feed(&p, two, sizeof(two) - 1, 0, 10, &used);
	tap_ok(r == HTTP_DONE && used == first &&
	    strcmp(p.req.path, "/one") == 0 &&
	    strcmp((char *)p.req.body, "abc") == 0,
	    "first of two pipelined: used %zu of %zu", used, sizeof(two) - 1);
	http_parser_reset(&p);
	r = feed(&p, two + used, sizeof(two) - 1 - used, 0, 10, &used2);
	tap_ok(r == HTTP_DONE && used + used2 == sizeof(two) - 1 &&
	    strcmp(p.req.path, "/two") == 0 && p.req.method == HTTP_GET,
	    "second of two pipelined");
	http_parser_free(&p);

	/* The head alone stops at the empty line. */
	http_parser_init(&p);
	r = http_parse(&p, (const uint8_t *)two, sizeof(two) - 1, &used);
	tap_ok(r == HTTP_HEAD_DONE && used == first - 3,
	    "HEAD_DONE consumes exactly the head");
	http_parser_free(&p);
}

static void
test_chunked(void)
{
	struct http_parser	 p;
	enum http_result	 r;
	const char		*s;
	char			*big;
	size_t			 n, i;

	s = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "5;name=value;x=\"q\"\r\nhello\r\n1 \t; e\r\n \r\n"
	    "00000005\r\nworld\r\n0;last\r\nX-Trailer: 1\r\nY: two\r\n\r\n";
	http_parser_init(&p);
	r = feed(&p, s, strlen(s), 0, 11, &n);
	tap_ok(r == HTTP_DONE && n == strlen(s) && p.req.chunked &&
	    p.req.bodylen == 11 &&
	    strcmp((char *)p.req.body, "hello world") == 0,
	    "chunked with extensions and trailers");
	tap_ok(http_header(&p.req, "x-trailer") == NULL,
	    "trailers are not merged into the headers");
	http_parser_free(&p);

	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n0\r\n\r\n", 0, "empty chunked body");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n000000000\r\n\r\n", 400, "nine size digits");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n0x1\r\na\r\n0\r\n\r\n", 400, "0x in size");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n;x\r\n0\r\n\r\n", 400, "no size digits");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n0\n\r\n", 400, "bare LF after size");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n0 \r\n\r\n", 400, "BWS without extension");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n0;a\x01\r\n\r\n", 400, "control in extension");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n0\r\nX: 1\r\n folded\r\n\r\n", 400, "obs-fold in trailer");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n0\r\nX : 1\r\n\r\n", 400, "space before colon in trailer");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n0\r\nX: 1\n\r\n", 400, "bare LF in trailer");

	/* Chunk data must be followed by CRLF, strictly. */
	s = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\nabcd\r\n0\r\n\r\n";
	http_parser_init(&p);
	r = feed(&p, s, strlen(s), 0, 10, NULL);
	tap_ok(r == HTTP_ERROR && p.status == 400, "chunk longer than size");
	http_parser_free(&p);
	s = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\nabc\n0\r\n\r\n";
	http_parser_init(&p);
	r = feed(&p, s, strlen(s), 0, 10, NULL);
	tap_ok(r == HTTP_ERROR && p.status == 400, "bare LF after data");
	http_parser_free(&p);

	/* Over the max: one chunk, then a sum of chunks. */
	s = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "a\r\n0123456789\r\n0\r\n\r\n";
	http_parser_init(&p);
	r = feed(&p, s, strlen(s), 0, 9, NULL);
	tap_ok(r == HTTP_ERROR && p.status == 413, "one chunk over max");
	http_parser_free(&p);
	http_parser_init(&p);
	r = feed(&p, s, strlen(s), 0, 10, NULL);
	tap_ok(r == HTTP_DONE && p.req.bodylen == 10, "one chunk at max");
	http_parser_free(&p);
	s = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4\r\nabcd\r\n4\r\nefgh\r\n4\r\nijkl\r\n0\r\n\r\n";
	http_parser_init(&p);
	r = feed(&p, s, strlen(s), 3, 11, NULL);
	tap_ok(r == HTTP_ERROR && p.status == 413 && p.req.bodylen == 8,
	    "chunks summing over max, counted as they arrive");
	http_parser_free(&p);
	s = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "ffffffff\r\n";
	http_parser_init(&p);
	r = feed(&p, s, strlen(s), 0, 1 << 20, NULL);
	tap_ok(r == HTTP_ERROR && p.status == 413, "4 GiB chunk");
	http_parser_free(&p);

	/* Declared Content-Length over the max: refused before the body. */
	s = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n";
	http_parser_init(&p);
	r = http_parse(&p, (const uint8_t *)s, strlen(s), &n);
	tap_ok(r == HTTP_HEAD_DONE && http_parser_body_max(&p, 9) == -1 &&
	    p.status == 413, "declared length over max: body_max -1, 413");
	tap_ok(http_parse(&p, (const uint8_t *)"x", 1, &n) == HTTP_ERROR,
	    "and the parser stays failed");
	http_parser_free(&p);
	http_parser_init(&p);
	r = http_parse(&p, (const uint8_t *)s, strlen(s), &n);
	tap_ok(r == HTTP_HEAD_DONE && http_parser_body_max(&p, 10) == 0 &&
	    http_parse(&p, (const uint8_t *)"0123", 4, &n) == HTTP_MORE &&
	    n == 4 && http_parse(&p, (const uint8_t *)"456789XY", 8, &n) ==
	    HTTP_DONE && n == 6 && p.req.bodylen == 10,
	    "body at max, extra bytes left for the next request");
	http_parser_free(&p);

	/* Extensions are bounded per request. */
	n = HTTP_CHUNK_EXT_MAX + 100;
	if ((big = malloc(n + 256)) == NULL)
		abort();
	i = snprintf(big, 256, "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0;");
	memset(big + i, 'e', n);
	strcpy(big + i + n, "\r\n\r\n");
	expect(big, 400, "chunk extensions over HTTP_CHUNK_EXT_MAX");
	free(big);
	/* Trailers share the header budget. */
	n = HTTP_MAX_HEADER_BYTES;
	if ((big = malloc(n + 256)) == NULL)
		abort();
	i = snprintf(big, 256, "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0\r\nX: ");
	memset(big + i, 't', n - 40);
	strcpy(big + i + n - 40, "\r\n\r\n");
	expect(big, 431, "trailers over the header budget");
	free(big);
}

static int
ka(const char *s)
{
	struct http_parser	 p;
	int			 v = -1;

	http_parser_init(&p);
	if (feed(&p, s, strlen(s), 0, 0, NULL) == HTTP_DONE)
		v = p.req.keep_alive;
	http_parser_free(&p);
	return v;
}

static void
test_keepalive(void)
{
	static const struct {
		const char	*req;
		int		 want;
	} t[] = {
		{ "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n", 0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n",
		    1 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: x, close ,y\r\n\r\n",
		    0 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n", 1 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nConnection: a\r\n"
		    "Connection: close\r\n\r\n", 0 },
		{ "GET / HTTP/1.0\r\n\r\n", 0 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 1 },
		{ "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", 1 },
		{ "GET / HTTP/1.0\r\nConnection: te,keep-alive\r\n\r\n", 1 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", 0 },
		{ "GET / HTTP/1.0\r\nConnection: keep-alives\r\n\r\n", 0 },
		{ "GET / HTTP/1.0\r\nConnection: close\r\n\r\n", 0 },
	};
	size_t	 i;
	int	 got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = ka(t[i].req);
		tap_ok(got == t[i].want, "keep-alive %zu: %d (got %d)", i,
		    t[i].want, got);
	}
}

static void
test_pct(void)
{
	char	 out[16];

	tap_ok(http_pct_decode("a%20b+c", 7, out, sizeof(out), 1) == 5 &&
	    strcmp(out, "a b c") == 0, "pct: %%20 and + as space");
	tap_ok(http_pct_decode("a+b", 3, out, sizeof(out), 0) == 3 &&
	    strcmp(out, "a+b") == 0, "pct: + kept outside forms");
	tap_ok(http_pct_decode("%c3%A9", 6, out, sizeof(out), 0) == 2 &&
	    strcmp(out, "\xc3\xa9") == 0, "pct: UTF-8, either case");
	tap_ok(http_pct_decode("%F0%9F%98%80", 12, out, sizeof(out), 0) == 4,
	    "pct: four-byte UTF-8");
	tap_ok(http_pct_decode("%00", 3, out, sizeof(out), 0) == -1,
	    "pct: %%00 refused");
	tap_ok(http_pct_decode("a\0b", 3, out, sizeof(out), 0) == -1,
	    "pct: raw NUL refused");
	tap_ok(http_pct_decode("%C3", 3, out, sizeof(out), 0) == -1,
	    "pct: truncated UTF-8 refused");
	tap_ok(http_pct_decode("%C0%AF", 6, out, sizeof(out), 0) == -1,
	    "pct: overlong refused");
	tap_ok(http_pct_decode("%ED%A0%80", 9, out, sizeof(out), 0) == -1,
	    "pct: surrogate refused");
	tap_ok(http_pct_decode("%F4%90%80%80", 12, out, sizeof(out), 0) == -1,
	    "pct: over U+10FFFF refused");
	tap_ok(http_pct_decode("\xff", 1, out, sizeof(out), 0) == -1,
	    "pct: raw invalid byte refused");
	tap_ok(http_pct_decode("%zz", 3, out, sizeof(out), 0) == -1 &&
	    http_pct_decode("%4", 2, out, sizeof(out), 0) == -1 &&
	    http_pct_decode("%", 1, out, sizeof(out), 0) == -1,
	    "pct: bad escapes refused");
	tap_ok(http_pct_decode("0123456789abcdef", 16, out, sizeof(out), 0) ==
	    -1 && http_pct_decode("0123456789abcde", 15, out, sizeof(out), 0) ==
	    15, "pct: output bound with its NUL");
	tap_ok(http_pct_decode("", 0, out, sizeof(out), 0) == 0 &&
	    out[0] == '\0', "pct: empty");
}

static int
form(const char *s, struct http_form *f)
{
	return http_form_parse(f, (const uint8_t *)s, strlen(s));
}

static void
test_form(void)
{
	struct http_form	 f;
	char			*big;
	size_t			 i, n;
	int			 r;

	r = form("user=ann+lee&pass=p%40ss%20w%C3%B6rd&empty=&flag", &f);
	tap_ok(r == 0 && f.n == 4, "form: four fields");
	tap_ok(r == 0 && strcmp(http_form_get(&f, "user"), "ann lee") == 0 &&
	    strcmp(http_form_get(&f, "pass"), "p@ss w\xc3\xb6rd") == 0 &&
	    strcmp(http_form_get(&f, "empty"), "") == 0 &&
	    strcmp(http_form_get(&f, "flag"), "") == 0 &&
	    http_form_get(&f, "nope") == NULL &&
	    http_form_get(&f, "User") == NULL, "form: values decoded");
	http_form_free(&f);
	tap_ok(f.n == 0, "form: freed");
	tap_ok(form("", &f) == 0 && f.n == 0, "form: empty body");
	tap_ok(form("a=b=c", &f) == 0 &&
	    strcmp(http_form_get(&f, "a"), "b=c") == 0, "form: = in value");
	http_form_free(&f);
	tap_ok(form("a%2Bb=%2B", &f) == 0 &&
	    strcmp(http_form_get(&f, "a+b"), "+") == 0, "form: encoded +");
	http_form_free(&f);
	tap_ok(form("a=1&a=2", &f) == -1 && f.n == 0, "form: duplicate");
	tap_ok(form("a=1&%61=2", &f) == -1, "form: duplicate once decoded");
	tap_ok(form("a=%00", &f) == -1, "form: %%00 refused");
	tap_ok(form("a=%C3%28", &f) == -1, "form: invalid UTF-8 refused");
	tap_ok(form("a=%FF", &f) == -1, "form: %%FF refused");
	tap_ok(form("a=%G1", &f) == -1, "form: bad escape refused");
	tap_ok(form("=x", &f) == -1, "form: empty name refused");
	tap_ok(form("a=1&", &f) == -1, "form: trailing & refused");
	tap_ok(form("a=1&&b=2", &f) == -1, "form: empty pair refused");
	tap_ok(http_form_parse(&f, (const uint8_t *)"a=1\0", 4) == -1,
	    "form: raw NUL refused");

	if ((big = malloc(HTTP_MAX_FIELD * 4)) == NULL)
		abort();
	for (n = 0, i = 0; i < HTTP_FORM_MAX; i++)
		n += snprintf(big + n, 16, "%sf%zu=%zu", i ? "&" : "", i, i);
	tap_ok(form(big, &f) == 0 && f.n == HTTP_FORM_MAX &&
	    strcmp(http_form_get(&f, "f31"), "31") == 0,
	    "form: HTTP_FORM_MAX fields");
	http_form_free(&f);
	strcpy(big + n, "&g=1");
	tap_ok(form(big, &f) == -1 && f.n == 0, "form: one field too many");

	memcpy(big, "v=", 2);
	memset(big + 2, 'x', HTTP_MAX_FIELD);
	big[2 + HTTP_MAX_FIELD] = '\0';
	tap_ok(form(big, &f) == 0 &&
	    strlen(http_form_get(&f, "v")) == HTTP_MAX_FIELD,
	    "form: value of HTTP_MAX_FIELD bytes");
	http_form_free(&f);
	big[2 + HTTP_MAX_FIELD] = 'x';
	big[3 + HTTP_MAX_FIELD] = '\0';
	tap_ok(form(big, &f) == -1, "form: value one byte over");
	for (i = 0; i < HTTP_MAX_FIELD + 1; i++)
		memcpy(big + 2 + 3 * i, "%41", 3);
	big[2 + 3 * i] = '\0';
	tap_ok(form(big, &f) == -1, "form: escaped value one over");
	big[2 + 3 * (i - 1)] = '\0';
	tap_ok(form(big, &f) == 0 &&
	    strlen(http_form_get(&f, "v")) == HTTP_MAX_FIELD,
	    "form: escaped value of HTTP_MAX_FIELD bytes");
	http_form_free(&f);
	free(big);
}

static void
test_cookie(void)
{
	static const char s[] =
	    "GET / HTTP/1.1\r\nHost: a\r\n"
	    "Cookie: a=1;  __Host-smsg=tok3n ;b=\"quoted\"; ab=9;x=a b\r\n"
	    "Cookie: c=3;d=\r\n"
	    "Content-Type: Application/X-WWW-Form-Urlencoded ; charset=UTF-8"
	    "\r\n\r\n";
	struct http_parser	 p;
	char			 v[8];
	int			 ok;

	http_parser_init(&p);
	ok = feed(&p, s, strlen(s), 0, 0, NULL) == HTTP_DONE;
	tap_ok(ok, "cookie request parsed");
	tap_ok(ok && http_cookie_get(&p.req, "a", v, sizeof(v)) == 0 &&
	    strcmp(v, "1") == 0, "cookie: first");
	tap_ok(ok && http_cookie_get(&p.req, "__Host-smsg", v, sizeof(v)) ==
	    0 && strcmp(v, "tok3n") == 0, "cookie: spaces around");
	tap_ok(ok && http_cookie_get(&p.req, "b", v, sizeof(v)) == 0 &&
	    strcmp(v, "quoted") == 0, "cookie: quoted");
	tap_ok(ok && http_cookie_get(&p.req, "ab", v, sizeof(v)) == 0 &&
	    strcmp(v, "9") == 0, "cookie: name is not a prefix match");
	tap_ok(ok && http_cookie_get(&p.req, "c", v, sizeof(v)) == 0 &&
	    strcmp(v, "3") == 0, "cookie: second Cookie field");
	tap_ok(ok && http_cookie_get(&p.req, "d", v, sizeof(v)) == 0 &&
	    v[0] == '\0', "cookie: empty value");
	tap_ok(ok && http_cookie_get(&p.req, "x", v, sizeof(v)) == -1,
	    "cookie: space inside a value refused");
	tap_ok(ok && http_cookie_get(&p.req, "zz", v, sizeof(v)) == -1,
	    "cookie: absent");
	tap_ok(ok && http_cookie_get(&p.req, "__Host-smsg", v, 5) == -1,
	    "cookie: too long for the buffer");
	tap_ok(ok && http_cookie_get(&p.req, "__host-smsg", v, sizeof(v)) ==
	    -1, "cookie: names are case-sensitive");
	tap_ok(ok && http_content_type(&p.req, v, sizeof(v)) == -1,
	    "content type: too long for the buffer");
	{
		char	 ct[64];

		tap_ok(ok && http_content_type(&p.req, ct, sizeof(ct)) == 0 &&
		    strcmp(ct, "application/x-www-form-urlencoded") == 0,
		    "content type: lower-cased, parameters dropped");
	}
	http_parser_free(&p);
}

static int
ctype(const char *value, char *out, size_t outsz)
{
	struct http_parser	 p;
	char			 req[256];
	int			 r = -2;

	snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: a\r\n%s\r\n\r\n",
	    value);
	http_parser_init(&p);
	if (feed(&p, req, strlen(req), 0, 0, NULL) == HTTP_DONE)
		r = http_content_type(&p.req, out, outsz);
	http_parser_free(&p);
	return r;
}

static void
test_misc(void)
{
	char	 ct[64];

	tap_ok(ctype("Content-Type: application/json", ct, sizeof(ct)) == 0 &&
	    strcmp(ct, "application/json") == 0, "content type: plain");
	tap_ok(ctype("X: 1", ct, sizeof(ct)) == -1, "content type: absent");
	tap_ok(ctype("Content-Type: text", ct, sizeof(ct)) == -1,
	    "content type: no subtype");
	tap_ok(ctype("Content-Type: text/", ct, sizeof(ct)) == -1,
	    "content type: empty subtype");
	tap_ok(ctype("Content-Type: /html", ct, sizeof(ct)) == -1,
	    "content type: empty type");
	tap_ok(ctype("Content-Type: a/b\r\nContent-Type: a/b", ct,
	    sizeof(ct)) == -1, "content type: repeated");
	tap_ok(strcmp(http_status_text(404), "Not Found") == 0 &&
	    strcmp(http_status_text(431),
	    "Request Header Fields Too Large") == 0 &&
	    strcmp(http_status_text(413), "Content Too Large") == 0 &&
	    http_status_text(799) != NULL, "status texts");
	tap_ok(strcmp(http_method_name(HTTP_PATCH), "PATCH") == 0 &&
	    strcmp(http_method_name(HTTP_OPTIONS), "OPTIONS") == 0,
	    "method names");
}

int
main(void)
{
	test_statuses();
	test_smuggling();
	test_incremental();
	test_pipeline();
	test_chunked();
	test_keepalive();
	test_pct();
	test_form();
	test_cookie();
	test_misc();
	(void)tap_skip;		/* nothing here depends on the host */
	return tap_done();
}
