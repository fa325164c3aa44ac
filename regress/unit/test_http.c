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

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

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

struct want_case {
	const char	*req;
	int		 want;
	const char	*what;
};

static void
check_table(const struct want_case *t, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		expect(t[i].req, t[i].want, t[i].what);
}

static const struct want_case status_cases[] = {
		{ "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		    0, "minimal GET" },
		{ "GET / HTTP/1.0\r\n\r\n",
		    0, "HTTP/1.0 without Host" },
		{ "GET / HTTP/1.1\r\n\r\n",
		    400, "HTTP/1.1 without Host" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",
		    400, "two Host" },
		{ "GET / HTTP/1.1\r\nHost:\r\n\r\n",
		    400, "empty Host" },
		{ "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
		    400, "Host with SP" },
		{ "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
		    400, "Host with /" },
		{ "GET / HTTP/1.1\r\nHost: [::1]:443\r\n\r\n",
		    0, "IPv6 Host" },
		{ "POST / HTTP/1.1\r\nHost: a\r\n\r\n",
		    0, "POST without a length has no body" },
		{ "PUT / HTTP/1.1\r\nHost: a\r\n\r\n",
		    0, "PUT without a length has no body" },
		{ "PATCH / HTTP/1.1\r\nHost: a\r\n\r\n",
		    0, "PATCH without a length has no body" },
		{ "DELETE /x HTTP/1.1\r\nHost: a\r\n\r\n",
		    0, "DELETE no body" },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
		    0, "empty POST" },
		{ "BREW / HTTP/1.1\r\nHost: a\r\n\r\n",
		    501, "unknown method" },
		{ "TRACE / HTTP/1.1\r\nHost: a\r\n\r\n",
		    501, "TRACE" },
		{ "CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n",
		    501, "CONNECT" },
		{ "get / HTTP/1.1\r\nHost: a\r\n\r\n",
		    501, "lower-case method" },
		{ "G@T / HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "non-token method" },
		{ "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
		    505, "HTTP/2.0" },
		{ "GET / HTTP/1.2\r\nHost: a\r\n\r\n",
		    505, "HTTP/1.2" },
		{ "GET / HTTP/0.9\r\nHost: a\r\n\r\n",
		    505, "HTTP/0.9" },
		{ "GET / http/1.1\r\nHost: a\r\n\r\n",
		    400, "lower-case version" },
		{ "GET / HTTP/1.1x\r\nHost: a\r\n\r\n",
		    400, "version junk" },
		{ "GET / HTTP/11\r\nHost: a\r\n\r\n",
		    400, "version no dot" },
		{ "GET / HTTP/1.\r\nHost: a\r\n\r\n",
		    400, "version short" },
		{ "GET /\r\nHost: a\r\n\r\n",
		    400, "no version" },
		{ "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "double space" },
		{ "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "tab separator" },
		{ "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
		    400, "trailing space" },
		{ "GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "absolute-form target" },
		{ "GET a HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "relative target" },
		{ "GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "DEL in target" },
		{ "GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "control in target" },
		{ "GET /\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "raw UTF-8 in target" },
		{ "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "fragment" },
		{ "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
		    0, "OPTIONS *" },
		{ "GET * HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "GET *" },
		{ "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
		    0, "two leading empty lines" },
		{ "\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "three leading empty lines" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nExpect: magic\r\n\r\n",
		    417, "unknown expectation" },
		{ "GET / HTTP/1.0\r\nExpect: magic\r\n\r\n",
		    0, "HTTP/1.0 expectation ignored" },
		{ "GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n",
		    400, "empty name" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX\r\n\r\n",
		    400, "no colon" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX(y): 1\r\n\r\n",
		    400, "non-token name" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01\r\n\r\n",
		    400, "control in value" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\x7f\r\n\r\n",
		    400, "DEL in value" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\tb \xe9\r\n\r\n",
		    0, "HTAB and obs-text in value" },
};

static void
test_statuses(void)
{
	struct http_parser	 p;
	char			*big;
	size_t			 i, n;
	int			 st;

	check_table(status_cases, NELEM(status_cases));
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx",
	    413, "body over the default max 0");
	expect("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
	    0, "Expect 100-continue");

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

static const struct want_case smuggling_cases[] = {
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		    400, "CL + TE" },
		{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
		    "Content-Length: 3\r\n\r\n0\r\n\r\n",
		    400, "TE + CL" },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
		    "Content-Length: 3\r\n\r\nabc",
		    400, "CL CL equal" },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
		    "Content-Length: 4\r\n\r\nabc",
		    400, "CL CL different" },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n"
		    "abc",
		    400, "CL list" },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n"
		    "abc",
		    400, "CL with sign" },
		{ "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n",
		    400, "empty CL" },
		{ "POST / HTTP/1.1\r\nHost: a\r\n"
		    "Content-Length: 1000000000000000000\r\n\r\n",
		    400, "19-digit CL" },
		{ "POST / HTTP/1.1\r\nHost: a\r\n"
		    "Content-Length: 100000000000000000\r\n\r\n",
		    413, "18-digit CL is a number, over the max" },
		{ "POST / HTTP/1.1\r\nHost: a\r\n"
		    "Transfer-Encoding: chunked, identity\r\n\r\n",
		    501, "TE chunked then identity" },
		{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
		    "Transfer-Encoding: identity\r\n\r\n",
		    501, "two TE fields" },
		{ "POST / HTTP/1.1\r\nHost: a\r\n"
		    "Transfer-Encoding: xchunked\r\n\r\n",
		    501, "TE xchunked" },
		{ "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n"
		    "\r\n0\r\n\r\n",
		    0, "TE CHUNKED any case" },
		{ "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "0\r\n\r\n",
		    400, "TE on HTTP/1.0" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n folded\r\n\r\n",
		    400, "obs-fold" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\tfolded\r\n\r\n",
		    400, "obs-fold with HTAB" },
		{ "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
		    400, "leading space on the first field" },
		{ "GET / HTTP/1.1\rHost: a\r\n\r\n",
		    400, "bare CR in line" },
		{ "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n",
		    400, "bare CR in value" },
		{ "GET / HTTP/1.1\nHost: a\r\n\r\n",
		    400, "bare LF after line" },
		{ "GET / HTTP/1.1\r\nHost: a\n\r\n",
		    400, "bare LF after field" },
		{ "GET / HTTP/1.1\r\nHost: a\r\n\n",
		    400, "bare LF at end" },
		{ "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
		    400, "leading bare LF" },
		{ "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
		    400, "space before colon" },
		{ "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n",
		    400, "tab before colon" },
		{ "POST / HTTP/1.1\r\nHost: a\r\n"
		    "Transfer-Encoding : chunked\r\n"
		    "\r\n0\r\n\r\n",
		    400, "space before colon in TE" },
};

static void
test_smuggling(void)
{
	check_table(smuggling_cases, NELEM(smuggling_cases));
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
	    400, "negative CL");
	expect("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x3\r\n\r\n",
	    400, "hex CL");
	expect("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
	    501, "TE gzip");

	/* NUL cannot go through a C string literal: build it. */
	{
		static const char nul[] =
		    "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n";
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

#define CHUNKED_HEAD \
	"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"

/*
 * A chunked POST carrying body, fed in pieces of step with max: 0 for a
 * complete request, else the status; *lenp the body bytes kept.
 */
static int
chunked(const char *body, size_t step, size_t max, size_t *lenp)
{
	struct http_parser	 p;
	char			*s;
	int			 st;

	if (asprintf(&s, CHUNKED_HEAD "%s", body) == -1)
		abort();
	http_parser_init(&p);
	switch (feed(&p, s, strlen(s), step, max, NULL)) {
	case HTTP_DONE:
		st = 0;
		break;
	case HTTP_ERROR:
		st = p.status;
		break;
	default:
		st = -1;
	}
	if (lenp != NULL)
		*lenp = p.req.bodylen;
	http_parser_free(&p);
	free(s);
	return st;
}

static void
test_chunked_refusals(void)
{
	static const struct {
		const char	*body;
		size_t		 max;
		int		 want;
		const char	*what;
	} t[] = {
		{ "0\r\n\r\n", 0, 0, "empty chunked body" },
		{ "000000000\r\n\r\n", 0, 400, "nine size digits" },
		{ "0x1\r\na\r\n0\r\n\r\n", 9, 400, "0x in size" },
		{ ";x\r\n0\r\n\r\n", 0, 400, "no size digits" },
		{ "0\n\r\n", 0, 400, "bare LF after size" },
		{ "0 \r\n\r\n", 0, 400, "BWS without extension" },
		{ "0;a\x01\r\n\r\n", 0, 400, "control in extension" },
		{ "0\r\nX: 1\r\n folded\r\n\r\n", 0, 400,
		    "obs-fold in trailer" },
		{ "0\r\nX : 1\r\n\r\n", 0, 400,
		    "space before colon in trailer" },
		{ "0\r\nX: 1\n\r\n", 0, 400, "bare LF in trailer" },
		{ "3\r\nabcd\r\n0\r\n\r\n", 10, 400,
		    "chunk longer than its size" },
		{ "3\r\nabc\n0\r\n\r\n", 10, 400, "bare LF after data" },
		{ "a\r\n0123456789\r\n0\r\n\r\n", 9, 413,
		    "one chunk over max" },
		{ "a\r\n0123456789\r\n0\r\n\r\n", 10, 0,
		    "one chunk at max" },
		{ "ffffffff\r\n", 1 << 20, 413, "4 GiB chunk" },
	};
	size_t	 i, len;
	int	 got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = chunked(t[i].body, 0, t[i].max, NULL);
		tap_ok(got == t[i].want, "%s: %d (got %d)", t[i].what,
		    t[i].want, got);
	}
	got = chunked("4\r\nabcd\r\n4\r\nefgh\r\n4\r\nijkl\r\n0\r\n\r\n",
	    3, 11, &len);
	tap_ok(got == 413 && len == 8,
	    "chunks summing over max, counted as they arrive");
}

static void
test_chunked(void)
{
	struct http_parser	 p;
	enum http_result	 r;
	const char		*s;
	char			*big;
	size_t			 n, i;

	s = CHUNKED_HEAD "5;name=value;x=\"q\"\r\nhello\r\n1 \t; e\r\n \r\n"
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
	test_chunked_refusals();

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
	i = snprintf(big, 256, CHUNKED_HEAD "0;");
	memset(big + i, 'e', n);
	strcpy(big + i + n, "\r\n\r\n");
	expect(big, 400, "chunk extensions over HTTP_CHUNK_EXT_MAX");
	free(big);
	/* Trailers share the header budget. */
	n = HTTP_MAX_HEADER_BYTES;
	if ((big = malloc(n + 256)) == NULL)
		abort();
	i = snprintf(big, 256, CHUNKED_HEAD "0\r\nX: ");
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
#define H11	"GET / HTTP/1.1\r\nHost: a\r\n"
#define H10	"GET / HTTP/1.0\r\n"
	static const struct {
		const char	*req;
		int		 want;
	} t[] = {
		{ H11 "\r\n", 1 },
		{ H11 "Connection: close\r\n\r\n", 0 },
		{ H11 "Connection: Close\r\n\r\n", 0 },
		{ H11 "Connection: keep-alive\r\n\r\n", 1 },
		{ H11 "Connection: x, close ,y\r\n\r\n", 0 },
		{ H11 "Connection: closed\r\n\r\n", 1 },
		{ H11 "Connection: a\r\nConnection: close\r\n\r\n", 0 },
		{ H10 "\r\n", 0 },
		{ H10 "Connection: keep-alive\r\n\r\n", 1 },
		{ H10 "Connection: Keep-Alive\r\n\r\n", 1 },
		{ H10 "Connection: te,keep-alive\r\n\r\n", 1 },
		{ H10 "Connection: keep-alive, close\r\n\r\n", 0 },
		{ H10 "Connection: keep-alives\r\n\r\n", 0 },
		{ H10 "Connection: close\r\n\r\n", 0 },
	};
#undef H11
#undef H10
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
	static const struct {
		const char	*s;
		size_t		 n;
		const char	*what;
	} refused[] = {
		{ "%00", 3, "%00" },
		{ "a\0b", 3, "raw NUL" },
		{ "%C3", 3, "truncated UTF-8" },
		{ "%C0%AF", 6, "overlong" },
		{ "%ED%A0%80", 9, "surrogate" },
		{ "%F4%90%80%80", 12, "over U+10FFFF" },
		{ "\xff", 1, "raw invalid byte" },
		{ "%zz", 3, "non-hex escape" },
		{ "%4", 2, "short escape" },
		{ "%", 1, "lone %" },
		{ "a%C3", 4, "truncated UTF-8 after ASCII" },
	};
	char	 out[16];
	size_t	 i;

	tap_ok(http_pct_decode("a%20b+c", 7, out, sizeof(out), 1) == 5 &&
	    strcmp(out, "a b c") == 0, "pct: %%20 and + as space");
	tap_ok(http_pct_decode("a+b", 3, out, sizeof(out), 0) == 3 &&
	    strcmp(out, "a+b") == 0, "pct: + kept outside forms");
	tap_ok(http_pct_decode("%c3%A9", 6, out, sizeof(out), 0) == 2 &&
	    strcmp(out, "\xc3\xa9") == 0, "pct: UTF-8, either case");
	tap_ok(http_pct_decode("%F0%9F%98%80", 12, out, sizeof(out), 0) == 4,
	    "pct: four-byte UTF-8");
	for (i = 0; i < NELEM(refused); i++)
		tap_ok(http_pct_decode(refused[i].s, refused[i].n, out,
		    sizeof(out), 0) == -1 && out[0] == '\0',
		    "pct: %s refused", refused[i].what);
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

/*
 * A streamed body: the pieces, fed in two parts cut at pos, concatenated.
 * Returns the final result; *out gets the pieces, *nbody their length.
 */
static enum http_result
stream_body(const char *s, size_t len, size_t pos, size_t max, char *out,
    size_t outsz, size_t *nbody, int *kept)
{
	struct http_parser	 p;
	enum http_result	 r = HTTP_MORE;
	size_t			 off = 0, end, used;

	http_parser_init(&p);
	*nbody = 0;
	while (off < len || r == HTTP_BODY || r == HTTP_HEAD_DONE) {
		end = off < pos && pos <= len ? pos : len;
		r = http_parse(&p, (const uint8_t *)s + off, end - off, &used);
		if (r == HTTP_HEAD_DONE && http_parser_body_stream(&p,
		    max) == -1) {
			r = HTTP_ERROR;
			break;
		}
		if (r == HTTP_BODY) {
			if (*nbody + p.piecelen < outsz)
				memcpy(out + *nbody, p.piece, p.piecelen);
			*nbody += p.piecelen;
		}
		off += used;
		if (r == HTTP_DONE || r == HTTP_ERROR ||
		    (r == HTTP_MORE && used == 0 && off == len))
			break;
	}
	out[*nbody < outsz ? *nbody : 0] = '\0';
	*kept = p.req.body != NULL && p.req.bodylen > 0;
	http_parser_free(&p);
	return r;
}

static void
test_stream(void)
{
	static const char cl[] = "POST / HTTP/1.1\r\nHost: a\r\n"
	    "Content-Length: 11\r\n\r\nhello worldGET";
	static const char ch[] = CHUNKED_HEAD "5\r\nhello\r\n1\r\n \r\n"
	    "5;x=y\r\nworld\r\n0\r\nT: 1\r\n\r\n";
	char		 out[64];
	size_t		 n, pos;
	int		 kept, bad = 0;
	enum http_result r;

	for (pos = 0; pos <= sizeof(cl) - 4; pos++) {
		r = stream_body(cl, sizeof(cl) - 4, pos, 100, out, sizeof(out),
		    &n, &kept);
		if (r != HTTP_DONE || n != 11 || strcmp(out, "hello world") ||
		    kept)
			bad++;
	}
	tap_ok(bad == 0, "streamed Content-Length body: the same pieces "
	    "whatever the split, nothing kept (%d differ)", bad);
	bad = 0;
	for (pos = 0; pos <= sizeof(ch) - 1; pos++) {
		r = stream_body(ch, sizeof(ch) - 1, pos, 100, out, sizeof(out),
		    &n, &kept);
		if (r != HTTP_DONE || n != 11 || strcmp(out, "hello world") ||
		    kept)
			bad++;
	}
	tap_ok(bad == 0, "streamed chunked body: the same (%d differ)", bad);
	r = stream_body(ch, sizeof(ch) - 1, 0, 10, out, sizeof(out), &n,
	    &kept);
	tap_ok(r == HTTP_ERROR && n <= 10,
	    "streamed chunked body over its max: refused at the chunk that "
	    "passes it");
	r = stream_body(cl, sizeof(cl) - 4, 0, 10, out, sizeof(out), &n,
	    &kept);
	tap_ok(r == HTTP_ERROR && n == 0,
	    "streamed body with a declared length over max: 413 first");
}

/* After an error, nothing more is parsed (the status stays). */
static void
test_sticky(void)
{
	static const char *const bad[] = {
		"FOO / HTTP/1.1\r\n", "GET / HTTP/2.0\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nX\r\n",
	};
	struct http_parser	 p;
	enum http_result	 r;
	size_t			 i, n;
	int			 st, ok = 1;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		http_parser_init(&p);
		r = http_parse(&p, (const uint8_t *)bad[i], strlen(bad[i]), &n);
		st = p.status;
		if (r != HTTP_ERROR)
			ok = 0;
		r = http_parse(&p, (const uint8_t *)"Host: a\r\n\r\n", 11,
		    &n);
		if (r != HTTP_ERROR || n != 0 || p.status != st)
			ok = 0;
		http_parser_free(&p);
	}
	tap_ok(ok, "errors are sticky: more input after 501, 505 or 400 "
	    "is not parsed");
}

int
main(void)
{
	test_stream();
	test_sticky();
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
