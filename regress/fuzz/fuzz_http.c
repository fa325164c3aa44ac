/*
 * Fuzz target for the front's HTTP parser (make fuzz-http; not in make
 * check).  Built with clang's libFuzzer when it is there; otherwise with
 * FUZZ_STANDALONE, a bounded random-mutation driver over seed requests.
 *
 * Besides the sanitizers, two oracles: the parser must consume every byte
 * it is given while it answers HTTP_MORE, and the same input fed at once
 * and one byte at a time must give the same requests, statuses and
 * boundaries.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"

#define MAXREQ		8
#define BODY_MAX	1024

struct outcome {
	enum http_result	 r;
	int			 status;
	size_t			 len;
	uint64_t		 digest;
};

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint64_t
mix(uint64_t h, const void *v, size_t n)
{
	const uint8_t	*s = v;

	while (n-- > 0) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
digest(const struct http_request *r)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	int		 v[5];
	size_t		 i;

	v[0] = r->method;
	v[1] = r->minor;
	v[2] = r->keep_alive;
	v[3] = r->chunked;
	v[4] = r->expect_continue;
	h = mix(h, v, sizeof(v));
	h = mix(h, r->target, strlen(r->target) + 1);
	h = mix(h, r->path, strlen(r->path) + 1);
	if (r->query != NULL)
		h = mix(h, r->query, strlen(r->query) + 1);
	for (i = 0; i < r->nheaders; i++) {
		h = mix(h, r->headers[i].name, strlen(r->headers[i].name) + 1);
		h = mix(h, r->headers[i].value,
		    strlen(r->headers[i].value) + 1);
	}
	h = mix(h, &r->content_length, sizeof(r->content_length));
	if (r->body == NULL || r->body[r->bodylen] != '\0')
		abort();
	return mix(h, r->body, r->bodylen);
}

/* The helpers must hold up on whatever the parser accepted. */
static void
helpers(const struct http_request *r)
{
	struct http_form	 f;
	char			 buf[256];
	size_t			 i;

	if (http_form_parse(&f, r->body, r->bodylen) == 0) {
		for (i = 0; i < f.n; i++)
			if (http_form_get(&f, f.f[i].name) != f.f[i].value)
				abort();
		http_form_free(&f);
	} else if (f.n != 0)
		abort();
	if (http_cookie_get(r, "a", buf, sizeof(buf)) == 0 &&
	    strlen(buf) >= sizeof(buf))
		abort();
	if (http_content_type(r, buf, sizeof(buf)) == 0 &&
	    strchr(buf, '/') == NULL)
		abort();
	if (r->query != NULL)
		(void)http_pct_decode(r->query, strlen(r->query), buf,
		    sizeof(buf), 1);
	(void)http_header_has_token(r, "connection", "close");
}

static size_t
run(const uint8_t *d, size_t n, size_t step, struct outcome *o)
{
	struct http_parser	 p;
	enum http_result	 r = HTTP_MORE;
	size_t			 off = 0, start, chunk, used, k;

	http_parser_init(&p);
	for (k = 0; k < MAXREQ; k++) {
		start = off;
		for (;;) {
			chunk = n - off;
			if (step != 0 && chunk > step)
				chunk = step;
			r = http_parse(&p, d + off, chunk, &used);
			if (used > chunk || (r == HTTP_MORE && used != chunk))
				abort();
			off += used;
			if (r == HTTP_HEAD_DONE) {
				if (http_parser_body_max(&p, BODY_MAX) == -1) {
					r = HTTP_ERROR;
					break;
				}
				continue;
			}
			if (r != HTTP_MORE || off == n)
				break;
		}
		o[k].r = r;
		o[k].status = r == HTTP_ERROR ? p.status : 0;
		o[k].len = off - start;
		o[k].digest = r == HTTP_DONE ? digest(&p.req) : 0;
		if (r == HTTP_ERROR && (p.error == NULL || p.status < 400))
			abort();
		if (r != HTTP_DONE)
			break;
		helpers(&p.req);
		http_parser_reset(&p);
	}
	http_parser_free(&p);
	return k < MAXREQ ? k + 1 : k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct outcome	 a[MAXREQ], b[MAXREQ];
	size_t		 na, nb, i;
	char		 out[64];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	na = run(d, n, 0, a);
	nb = run(d, n, 1, b);
	if (na != nb)
		abort();
	for (i = 0; i < na; i++)
		if (a[i].r != b[i].r || a[i].status != b[i].status ||
		    a[i].len != b[i].len || a[i].digest != b[i].digest)
			abort();
	if (http_pct_decode((const char *)d, n, out, sizeof(out), 1) >= 0 &&
	    !http_utf8_valid((const uint8_t *)out, strlen(out)))
		abort();
	return 0;
}

#ifdef FUZZ_STANDALONE
static const char *seeds[] = {
	"GET /a?b=c HTTP/1.1\r\nHost: x\r\nCookie: a=1; b=2\r\n\r\n",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Type: application/"
	"x-www-form-urlencoded\r\nContent-Length: 13\r\n\r\nu=a+b&p=%C3%A9",
	"PUT /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
	"3;e=1\r\nabc\r\n0\r\nT: 1\r\n\r\nGET / HTTP/1.0\r\n\r\n",
	"\r\nOPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	"Expect: 100-continue\r\n\r\n",
};
static const char interesting[] = "\r\n \t:;,=%0aA\"/?&+\x7f\x80\xff";

static uint64_t	 rng;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t
mutate(uint8_t *b, size_t n, size_t cap)
{
	size_t	 at, m, k;

	for (k = 1 + next() % 8; k > 0 && n > 0; k--) {
		at = next() % n;
		switch (next() % 5) {
		case 0:
			b[at] ^= 1 << (next() % 8);
			break;
		case 1:
			b[at] = interesting[next() % (sizeof(interesting) - 1)];
			break;
		case 2:
			if (n < cap) {
				memmove(b + at + 1, b + at, n - at);
				b[at] = interesting[next() %
				    (sizeof(interesting) - 1)];
				n++;
			}
			break;
		case 3:
			memmove(b + at, b + at + 1, n - at - 1);
			n--;
			break;
		default:
			m = next() % 64;
			if (m > n - at)
				m = n - at;
			if (n + m <= cap) {
				memmove(b + at + m, b + at, n - at);
				n += m;
			}
			break;
		}
	}
	return n;
}

int
main(int argc, char *argv[])
{
	uint8_t		 buf[4096];
	unsigned long	 runs = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	unsigned long	 i;
	size_t		 n;

	rng = argc > 2 ? strtoull(argv[2], NULL, 10) : (uint64_t)time(NULL);
	if (rng == 0)
		rng = 1;
	printf("fuzz-http: %lu runs, seed %llu\n", runs,
	    (unsigned long long)rng);
	if (runs > 10000000)
		runs = 10000000;
	for (i = 0; i < runs; i++) {
		n = strlen(seeds[i % (sizeof(seeds) / sizeof(seeds[0]))]);
		memcpy(buf, seeds[i % (sizeof(seeds) / sizeof(seeds[0]))], n);
		n = mutate(buf, n, sizeof(buf));
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("fuzz-http: ok\n");
	return 0;
}
#endif
