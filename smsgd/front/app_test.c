/*
 * Test builds only (-DSMSG_TEST_HOOKS): routes that exercise the
 * server core's streams against a real daemon, never in an installed
 * binary.
 *
 *   POST /test/sink[?pause=1]   reads a body of any size as a stream and
 *                               answers its length and SHA-256; with
 *                               pause, the consumer is "behind" after
 *                               every 256 KiB and catches up 5 ms later
 *   POST /test/form             multipart/form-data or urlencoded, parsed
 *                               as a stream: each field's name, file
 *                               name, length and SHA-256, one per line
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

#include "formstream.h"
#include "log.h"
#include "server.h"

#define SINK_MAX	(1ULL << 32)
#define SOURCE_MAX	(1ULL << 32)
#define SOURCE_PIECE	(64 * 1024)
#define SOURCE_HIWAT	(256 * 1024)
#define SINK_PAUSE_EVERY (256 * 1024)

#define FORM_OUT_MAX	8192
#define FORM_PARTS_MAX	16

struct apptest {
	EVP_MD_CTX	*md;
	unsigned long long n, mark;
	struct event	*ev;
	struct req	*r;
	int		 pause;
	/* /test/form */
	struct multipart *mp;
	struct urlform	 uf;
	char		 out[FORM_OUT_MAX];
	size_t		 outlen;
	int		 failed;
};

static void
apptest_free(void *arg)
{
	struct apptest	*t = arg;

	if (t->mp != NULL)
		multipart_free(t->mp);
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

/* The digest so far as hex into out (65 bytes); the context restarts. */
static void
digest_hex(EVP_MD_CTX *md, char *out)
{
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 dl = 0, i;

	EVP_DigestFinal_ex(md, d, &dl);
	for (i = 0; i < dl && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	out[2 * i] = '\0';
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
}

static void
sink_done(struct req *r)
{
	struct apptest	*t = req_data(r);
	char		 hex[65], out[256];
	int		 n;

	digest_hex(t->md, hex);
	n = snprintf(out, sizeof(out), "{\"bytes\": %llu, \"sha256\": "
	    "\"%s\"}\n", t->n, hex);
	req_respond(r, 200, "application/json", out, n);
}

/* /test/form: one line per field, "name filename bytes sha256". */
static int
form_begin(void *arg, const struct mp_part *p)
{
	struct apptest	*t = arg;
	int		 n;

	t->n = 0;
	n = snprintf(t->out + t->outlen, sizeof(t->out) - t->outlen,
	    "%s %s ", p->name, p->has_filename ? p->filename : "-");
	if (n < 0 || (size_t)n >= sizeof(t->out) - t->outlen)
		return -1;
	t->outlen += n;
	return 0;
}

static int
form_field(void *arg, const char *name)
{
	struct mp_part	 p;

	memset(&p, 0, sizeof(p));
	strlcpy(p.name, name, sizeof(p.name));
	return form_begin(arg, &p);
}

static int
form_data(void *arg, const uint8_t *data, size_t len)
{
	struct apptest	*t = arg;

	t->n += len;
	return EVP_DigestUpdate(t->md, data, len) == 1 ? 0 : -1;
}

static int
form_end(void *arg)
{
	struct apptest	*t = arg;
	char		 hex[65];
	int		 n;

	digest_hex(t->md, hex);
	n = snprintf(t->out + t->outlen, sizeof(t->out) - t->outlen,
	    "%llu %s\n", t->n, hex);
	if (n < 0 || (size_t)n >= sizeof(t->out) - t->outlen)
		return -1;
	t->outlen += n;
	return 0;
}

static const struct mp_callbacks form_mp = { form_begin, form_data,
	form_end };
static const struct uf_callbacks form_uf = { form_field, form_data,
	form_end };

static int
form_piece(struct req *r, const uint8_t *p, size_t len)
{
	struct apptest	*t = req_data(r);
	int		 rc;

	rc = t->mp != NULL ? multipart_feed(t->mp, p, len) :
	    urlform_feed(&t->uf, p, len);
	if (rc == -1) {
		t->failed = 1;
		req_respond(r, 400, "text/plain", t->mp != NULL ?
		    multipart_error(t->mp) : t->uf.error,
		    strlen(t->mp != NULL ? multipart_error(t->mp) :
		    t->uf.error));
		return -1;
	}
	return REQ_MORE;
}

static void
form_done(struct req *r)
{
	struct apptest	*t = req_data(r);
	int		 rc;

	rc = t->mp != NULL ? multipart_finish(t->mp) : urlform_finish(&t->uf);
	if (rc == -1)
		req_respond(r, 400, "text/plain", "incomplete form\n", 16);
	else
		req_respond(r, 200, "text/plain", t->out, t->outlen);
}

/* The parser the Content-Type asks for; -1 is 415. */
static int
form_start(struct req *r, struct apptest *t)
{
	const char	*ct = http_header(req_http(r), "content-type");
	char		 boundary[MP_BOUNDARY_MAX + 1];

	if (ct != NULL && multipart_boundary(ct, boundary,
	    sizeof(boundary)) == 0)
		t->mp = multipart_new(boundary, FORM_PARTS_MAX, &form_mp, t);
	else if (ct != NULL &&
	    strcmp(ct, "application/x-www-form-urlencoded") == 0)
		urlform_init(&t->uf, FORM_PARTS_MAX, &form_uf, t);
	else
		return -1;
	return 0;
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
	if (strcmp(h->path, "/test/form") == 0 && h->method == HTTP_POST) {
		if ((t->md = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestInit_ex(t->md, EVP_sha256(), NULL) != 1) {
			req_respond(r, 503, "text/plain", "no memory\n", 10);
			return 1;
		}
		if (form_start(r, t) == -1) {
			req_respond(r, 415, "text/plain", "not a form\n", 11);
			return 1;
		}
		req_body_stream(r, SINK_MAX, form_piece);
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

/* app_request for our routes: the sink and the form have a body. */
int
apptest_request(struct req *r)
{
	const char	*path = req_http(r)->path;

	if (strcmp(path, "/test/sink") == 0)
		sink_done(r);
	else if (strcmp(path, "/test/form") == 0)
		form_done(r);
	else
		return 0;
	return 1;
}

#endif /* SMSG_TEST_HOOKS */
