/*
 * Test builds only (-DSMSG_TEST_HOOKS): routes that exercise the
 * server core's streams against a real daemon, never in an installed
 * binary.
 *
 *   POST /test/sink[?pause=1]   reads a body of any size as a stream and
 *                               answers its length and SHA-256; with
 *                               pause, the consumer is "behind" after
 *                               every 256 KiB and catches up 5 ms later
 *   GET  /test/source?bytes=N[&chunked=1]
 *                               streams N bytes (i % 251), with
 *                               back-pressure from the client
 */
#include "config.h"

#ifdef SMSG_TEST_HOOKS

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <openssl/evp.h>

#include "log.h"
#include "server.h"

#define SINK_MAX	(1ULL << 32)
#define SOURCE_MAX	(1ULL << 32)
#define SOURCE_PIECE	(64 * 1024)
#define SOURCE_HIWAT	(256 * 1024)
#define SINK_PAUSE_EVERY (256 * 1024)

struct apptest {
	EVP_MD_CTX	*md;
	unsigned long long n, mark;
	struct event	*ev;
	struct req	*r;
	int		 pause;
};

static void
apptest_free(void *arg)
{
	struct apptest	*t = arg;

	if (t->md != NULL)
		EVP_MD_CTX_free(t->md);
	if (t->ev != NULL)
		event_free(t->ev);
	free(t);
}

static void
sink_resume(int fd, short what, void *arg)
{
	struct apptest	*t = arg;

	req_body_resume(t->r);
}

static int
sink_piece(struct req *r, const uint8_t *p, size_t len)
{
	struct apptest	*t = req_data(r);
	struct timeval	 tv = { 0, 5000 };

	EVP_DigestUpdate(t->md, p, len);
	t->n += len;
	if (t->pause && t->n - t->mark >= SINK_PAUSE_EVERY) {
		t->mark = t->n;
		evtimer_add(t->ev, &tv);
		return REQ_PAUSE;
	}
	return REQ_MORE;
}

static void
sink_done(struct req *r)
{
	struct apptest	*t = req_data(r);
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 dl = 0, i;
	char		 out[256];
	int		 n;

	EVP_DigestFinal_ex(t->md, d, &dl);
	n = snprintf(out, sizeof(out), "{\"bytes\": %llu, \"sha256\": \"",
	    t->n);
	for (i = 0; i < dl; i++)
		n += snprintf(out + n, sizeof(out) - n, "%02x", d[i]);
	n += snprintf(out + n, sizeof(out) - n, "\"}\n");
	req_respond(r, 200, "application/json", out, n);
}

static void
source_fill(struct req *r)
{
	struct apptest	*t = req_data(r);
	uint8_t		 buf[SOURCE_PIECE];
	size_t		 i, n;

	while (t->n < t->mark && req_pending(r) < SOURCE_HIWAT) {
		n = t->mark - t->n < sizeof(buf) ? t->mark - t->n : sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = (t->n + i) % 251;
		if (req_write(r, buf, n) == -1)
			return;
		t->n += n;
	}
	if (t->n == t->mark)
		req_end(r);
}

static unsigned long long
query_num(const char *q, const char *key)
{
	const char	*p;
	size_t		 k = strlen(key);

	for (p = q; p != NULL && *p != '\0'; p = strchr(p, '&'), p += p != NULL) {
		if (strncmp(p, key, k) == 0 && p[k] == '=')
			return strtoull(p + k + 1, NULL, 10);
	}
	return 0;
}

/* 1 when the request is one of ours (then *rc is app_head's answer). */
int
apptest_head(struct req *r, int *rc)
{
	const struct http_request *h = req_http(r);
	struct apptest		*t;

	if (strncmp(h->path, "/test/", 6) != 0)
		return 0;
	*rc = -1;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		req_respond(r, 503, "text/plain", "no memory\n", 10);
		return 1;
	}
	t->r = r;
	req_set_data(r, t, apptest_free);
	if (strcmp(h->path, "/test/sink") == 0 && h->method == HTTP_POST) {
		t->pause = query_num(h->query, "pause") != 0;
		if ((t->md = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestInit_ex(t->md, EVP_sha256(), NULL) != 1 ||
		    (t->ev = evtimer_new(req_base(r), sink_resume, t)) == NULL) {
			req_respond(r, 503, "text/plain", "no memory\n", 10);
			return 1;
		}
		req_body_stream(r, SINK_MAX, sink_piece);
		*rc = 0;
		return 1;
	}
	if (strcmp(h->path, "/test/source") == 0 &&
	    (h->method == HTTP_GET || h->method == HTTP_HEAD)) {
		t->mark = query_num(h->query, "bytes");
		if (t->mark > SOURCE_MAX ||
		    req_begin(r, 200, "application/octet-stream",
		    query_num(h->query, "chunked") ? -1 :
		    (long long)t->mark) == -1)
			return 1;
		if (h->method == HTTP_HEAD) {
			req_end(r);
			return 1;
		}
		req_on_drain(r, source_fill, SOURCE_HIWAT / 4);
		source_fill(r);
		return 1;
	}
	req_respond(r, 404, "text/plain", "no such test route\n", 19);
	return 1;
}

/* app_request for our routes: only the sink has a body. */
int
apptest_request(struct req *r)
{
	if (strcmp(req_http(r)->path, "/test/sink") != 0)
		return 0;
	sink_done(r);
	return 1;
}

#endif /* SMSG_TEST_HOOKS */
