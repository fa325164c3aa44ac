/*
 * The streaming form parsers (smsgd/front/multipart.c, urlform.c): every
 * input is fed whole, split in two at every position, and one byte at a
 * time, and must give the same events; hostile part headers, too many
 * parts, an over-long part header and a missing final boundary fail, and
 * so do a preamble or an epilogue over its bound, a boundary that never
 * comes, too many header lines and a part that is itself multipart.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formstream.h"
#include "tap.h"

/* Every event, as text: [B name|filename|type] data... [E] */
struct rec {
	char	 log[65536];
	size_t	 len;
	int	 stop_at_begin;
};

static void
rec_add(struct rec *r, const void *p, size_t n)
{
	if (r->len + n >= sizeof(r->log))
		n = sizeof(r->log) - r->len - 1;
	memcpy(r->log + r->len, p, n);
	r->len += n;
	r->log[r->len] = '\0';
}

static int
on_begin(void *arg, const struct mp_part *p)
{
	struct rec	*r = arg;
	char		 b[1024];

	snprintf(b, sizeof(b), "[B %s|%s%s|%s]", p->name,
	    p->has_filename ? "f:" : "", p->filename, p->type);
	rec_add(r, b, strlen(b));
	return r->stop_at_begin ? -1 : 0;
}

static int
on_data(void *arg, const uint8_t *p, size_t n)
{
	rec_add(arg, p, n);
	return 0;
}

static int
on_end(void *arg)
{
	rec_add(arg, "[E]", 3);
	return 0;
}

static const struct mp_callbacks mpcb = { on_begin, on_data, on_end };

/* A consumer that is behind after every event: it pauses the parser. */
static struct multipart *paused_mp;
static unsigned int	 npauses;

static int
pause_begin(void *arg, const struct mp_part *p)
{
	multipart_pause(paused_mp);
	npauses++;
	return on_begin(arg, p);
}

static int
pause_data(void *arg, const uint8_t *p, size_t n)
{
	multipart_pause(paused_mp);
	npauses++;
	return on_data(arg, p, n);
}

static int
pause_end(void *arg)
{
	multipart_pause(paused_mp);
	npauses++;
	return on_end(arg);
}

static const struct mp_callbacks pausecb = { pause_begin, pause_data,
	pause_end };

/* Feed body in pieces cut at the given positions; 0, or -1 and why. */
static int
mp_run(const char *boundary, unsigned int maxparts, const char *body,
    size_t len, const size_t *cuts, size_t ncuts, struct rec *r,
    const char **why)
{
	struct multipart	*mp;
	size_t			 i, from = 0, to;
	int			 rc = 0;

	memset(r, 0, sizeof(*r));
	if ((mp = multipart_new(boundary, maxparts, &mpcb, r)) == NULL) {
		tap_skip("out of memory");
		return -2;
	}
	for (i = 0; i <= ncuts && rc == 0; i++) {
		to = i < ncuts ? cuts[i] : len;
		rc = multipart_feed(mp, (const uint8_t *)body + from,
		    to - from);
		from = to;
	}
	if (rc == 0)
		rc = multipart_finish(mp);
	*why = multipart_error(mp);
	multipart_free(mp);
	return rc;
}

#define BND	"XyZ-boundary.42"
static const char good[] =
	"preamble, ignored\r\n"
	"--" BND "\r\n"
	"Content-Disposition: form-data; name=\"message\"\r\n"
	"Content-Type: application/json\r\n"
	"\r\n"
	"{\"to\": [\"bob\"], \"body\": \"hi\"}\r\n"
	"--" BND "  \r\n"
	"content-disposition: form-data; name=file; filename=\"a \\\"b\\\".bin\"\r\n"
	"X-Ignored: yes\r\n"
	"\r\n"
	"\r\n--XyZ-boundar\r\r\n-\r\n--XyZ-boundary.4\r\n--XyZ-boundary.43\r\n"
	"\r\n"
	"--" BND "\r\n"
	"Content-Disposition: form-data; name=\"empty\"\r\n"
	"\r\n"
	"\r\n"
	"--" BND "--\r\n"
	"epilogue, ignored --" BND "\r\n";
static const char good_events[] =
	"[B message||application/json]{\"to\": [\"bob\"], \"body\": \"hi\"}[E]"
	"[B file|f:a \"b\".bin|text/plain]"
	"\r\n--XyZ-boundar\r\r\n-\r\n--XyZ-boundary.4\r\n--XyZ-boundary.43\r\n[E]"
	"[B empty||text/plain][E]";

static void
test_splits(void)
{
	struct rec	 r;
	const char	*why;
	size_t		 len = sizeof(good) - 1, cut, cuts[2];
	size_t		*each;
	int		 bad = 0, rc;

	rc = mp_run(BND, 8, good, len, NULL, 0, &r, &why);
	tap_ok(rc == 0, "multipart: a whole body parses (%s)", why);
	tap_ok(strcmp(r.log, good_events) == 0,
	    "multipart: names, file name, types and data as sent");
	if (strcmp(r.log, good_events) != 0)
		printf("# got: %s\n", r.log);
	for (cut = 0; cut <= len; cut++) {
		cuts[0] = cut;
		if (mp_run(BND, 8, good, len, cuts, 1, &r, &why) != 0 ||
		    strcmp(r.log, good_events) != 0)
			bad++;
	}
	tap_diag("%zu bytes, split at every position", len);
	tap_ok(bad == 0, "multipart: the same split at each of %zu positions "
	    "(%d differ)", len + 1, bad);
	bad = 0;
	for (cut = 0; cut + 7 <= len; cut++) {
		cuts[0] = cut;
		cuts[1] = cut + 7;
		if (mp_run(BND, 8, good, len, cuts, 2, &r, &why) != 0 ||
		    strcmp(r.log, good_events) != 0)
			bad++;
	}
	tap_ok(bad == 0, "multipart: the same with a 7-byte piece anywhere "
	    "(%d differ)", bad);
	if ((each = calloc(len, sizeof(*each))) == NULL)
		exit(1);
	for (cut = 0; cut < len; cut++)
		each[cut] = cut + 1;
	rc = mp_run(BND, 8, good, len, each, len - 1, &r, &why);
	tap_ok(rc == 0 && strcmp(r.log, good_events) == 0,
	    "multipart: the same one byte at a time");
	free(each);
}

/*
 * Pausing after every event, the body fed again from where each feed
 * stopped, in pieces of step bytes: the same events as a whole feed.
 */
static int
pause_run(const char *body, size_t len, size_t step, struct rec *r)
{
	size_t	 off = 0, used, n;
	int	 rc = 0;

	memset(r, 0, sizeof(*r));
	if ((paused_mp = multipart_new(BND, 8, &pausecb, r)) == NULL)
		return -1;
	while (off < len && rc == 0) {
		n = len - off < step ? len - off : step;
		rc = multipart_feed_some(paused_mp, (const uint8_t *)body +
		    off, n, &used);
		if (used > n)
			rc = -1;
		off += used;
	}
	if (rc == 0)
		rc = multipart_finish(paused_mp);
	multipart_free(paused_mp);
	return rc;
}

static void
test_pause(void)
{
	struct rec	 r;
	size_t		 len = sizeof(good) - 1, step;
	int		 bad = 0;

	npauses = 0;
	tap_ok(pause_run(good, len, len, &r) == 0 &&
	    strcmp(r.log, good_events) == 0 && npauses > 6,
	    "multipart: paused after each of %u events, fed again from "
	    "where it stopped: the same events", npauses);
	for (step = 1; step <= len; step++)
		if (pause_run(good, len, step, &r) != 0 ||
		    strcmp(r.log, good_events) != 0)
			bad++;
	tap_ok(bad == 0, "multipart: the same paused, in pieces of every "
	    "size from 1 to %zu bytes (%d differ)", len, bad);
}

/* One part with the given header lines, parsed: 0, or -1 and why. */
static int
one_part(const char *headers, const char **why)
{
	char		 body[8192];
	struct rec	 r;
	int		 n;

	n = snprintf(body, sizeof(body), "--" BND "\r\n%s\r\ndata\r\n--" BND
	    "--\r\n", headers);
	return mp_run(BND, 8, body, n, NULL, 0, &r, why);
}

/* The parse must fail with why. */
static void
hostile(const char *headers, const char *want, const char *what)
{
	const char	*why;
	int		 rc = one_part(headers, &why);

	tap_ok(rc == -1 && strcmp(why, want) == 0, "multipart refuses %s: %s",
	    what, why);
}

/* The parse must pass. */
static void
hostile_ok(const char *headers, const char *what)
{
	const char	*why;
	int		 rc = one_part(headers, &why);

	tap_ok(rc == 0, "multipart takes %s (%s)", what, why);
}

static void
test_hostile(void)
{
	char		 big[MP_HEADER_MAX + 64], longname[MP_NAME_MAX + 40];
	char		 body[256];
	struct rec	 r;
	const char	*why;
	int		 n, rc;

	hostile("Content-Type: text/plain\r\n",
	    "part without Content-Disposition", "a part without a name");
	hostile("Content-Disposition: form-data\r\n", "part without a name",
	    "form-data without name=");
	hostile("Content-Disposition: form-data; name=\"\"\r\n",
	    "part without a name", "an empty name");
	hostile("Content-Disposition: form-data; name=a; name=b\r\n",
	    "part name given twice", "a name given twice");
	hostile("Content-Disposition: form-data; name=a; filename=x; "
	    "filename=y\r\n", "file name given twice", "two file names");
	hostile("Content-Disposition: form-data; name=a\r\n"
	    "Content-Disposition: form-data; name=b\r\n",
	    "Content-Disposition twice", "two dispositions");
	hostile("Content-Disposition: form-data; name=\"a\r\n",
	    "malformed or over-long part name", "an unterminated quote");
	hostile("Content-Disposition: attachment; name=a\r\n",
	    "part is not form-data", "a disposition other than form-data");
	hostile("Content-Disposition: form-data; name=a\nX: y\r\n",
	    "bare CR or LF in a part header", "a bare LF");
	hostile(" Content-Disposition: form-data; name=a\r\n",
	    "malformed part header", "a folded (indented) line");
	hostile("Content-Disposition form-data; name=a\r\n",
	    "malformed part header", "a header without a colon");
	hostile("Content-Disposition: form-data; name=\"a\x01\"\r\n",
	    "malformed or over-long part name", "a control character");
	memset(longname, 'n', sizeof(longname));
	longname[sizeof(longname) - 1] = '\0';
	n = snprintf(big, sizeof(big), "Content-Disposition: form-data; "
	    "name=\"%s\"\r\n", longname);
	hostile(big, "malformed or over-long part name", "an over-long name");
	n = snprintf(big, sizeof(big), "Content-Disposition: form-data; "
	    "name=a\r\nX-Pad: ");
	memset(big + n, 'p', sizeof(big) - n - 3);
	memcpy(big + sizeof(big) - 3, "\r\n", 3);
	hostile(big, "part header too large", "an over-long part header");

	n = snprintf(body, sizeof(body), "--" BND "\r\nContent-Disposition: "
	    "form-data; name=a\r\n\r\ndata\r\n--" BND "\r\n");
	rc = mp_run(BND, 8, body, n, NULL, 0, &r, &why);
	tap_ok(rc == -1 &&
	    strcmp(why, "missing final boundary") == 0,
	    "multipart: a body cut before its final boundary fails (%s)", why);
	n = snprintf(body, sizeof(body), "--" BND "\r\nContent-Disposition: "
	    "form-data; name=a\r\n\r\ndat");
	rc = mp_run(BND, 8, body, n, NULL, 0, &r, &why);
	tap_ok(rc == -1,
	    "multipart: a body cut inside a part fails");
	rc = mp_run(BND, 2, good, sizeof(good) - 1, NULL, 0, &r, &why);
	tap_ok(rc == -1 && strcmp(why, "too many parts") == 0,
	    "multipart: three parts over a limit of two fail (%s)", why);
	n = snprintf(body, sizeof(body), "--" BND "x\r\n");
	rc = mp_run(BND, 8, body, n, NULL, 0, &r, &why);
	tap_ok(rc == -1 &&
	    strcmp(why, "malformed boundary line") == 0,
	    "multipart: a boundary followed by junk fails");
	rc = mp_run(BND, 8, "", 0, NULL, 0, &r, &why);
	tap_ok(rc == -1,
	    "multipart: an empty body fails");
	memset(&r, 0, sizeof(r));
	r.stop_at_begin = 1;
	{
		struct multipart *mp = multipart_new(BND, 8, &mpcb, &r);

		tap_ok(multipart_feed(mp, (const uint8_t *)good,
		    sizeof(good) - 1) == -1 &&
		    strcmp(multipart_error(mp), "stopped") == 0 &&
		    multipart_feed(mp, (const uint8_t *)"x", 1) == -1,
		    "multipart: a consumer that stops stops it for good");
		multipart_free(mp);
	}
}

/* A body with pre bytes of preamble and post of epilogue. */
static int
mp_outside(size_t pre, size_t post, const char **why)
{
	static char	 body[8192];
	struct rec	 r;
	size_t		 n;

	memset(body, 'p', pre);
	n = pre;
	if (pre > 0)	/* the delimiter's CRLF ends the preamble */
		n += snprintf(body + n, sizeof(body) - n, "\r\n");
	n += snprintf(body + n, sizeof(body) - n, "--" BND "\r\n"
	    "Content-Disposition: form-data; name=a\r\n\r\nx\r\n--" BND
	    "--");
	memset(body + n, 'e', post);
	n += post;
	return mp_run(BND, 8, body, n, NULL, 0, &r, why);
}

/* What lies outside the parts, and how a part may look, is bounded. */
static void
test_bounds(void)
{
	char		 body[4096];
	struct rec	 r;
	const char	*why;
	size_t		 cuts[64];
	int		 n, i, rc;

	rc = mp_outside(MP_PREAMBLE_MAX, MP_EPILOGUE_MAX, &why);
	tap_ok(rc == 0, "multipart: preamble and epilogue at their bounds pass (%s)",
	    why);
	rc = mp_outside(MP_PREAMBLE_MAX + 1, 0, &why);
	tap_ok(rc == -1 && strcmp(why, "too many bytes before the first boundary") == 0,
	    "multipart: a preamble a byte over its bound fails (%s)", why);
	rc = mp_outside(0, MP_EPILOGUE_MAX + 1, &why);
	tap_ok(rc == -1 && strcmp(why, "too many bytes after the final boundary") == 0,
	    "multipart: an epilogue a byte over its bound fails (%s)", why);

	/* a boundary that never comes, fed in small pieces */
	memset(body, 'z', sizeof(body));
	for (i = 0; i < 64; i++)
		cuts[i] = (size_t)(i + 1) * 60;
	rc = mp_run(BND, 8, body, sizeof(body), cuts, 64, &r, &why);
	tap_ok(rc == -1 &&
	    strcmp(why, "too many bytes before the first boundary") == 0,
	    "multipart: a boundary that never comes fails after the "
	    "preamble's bound (%s)", why);
	rc = mp_run(BND, 8, body, 100, NULL, 0, &r, &why);
	tap_ok(rc == -1 && strcmp(why, "missing final boundary") == 0,
	    "multipart: a short body with no boundary fails (%s)", why);

	n = snprintf(body, sizeof(body), "Content-Disposition: form-data; "
	    "name=a\r\n");
	for (i = 1; i < MP_HEADER_LINES_MAX; i++)
		n += snprintf(body + n, sizeof(body) - n, "X-%d: y\r\n", i);
	hostile_ok(body, "as many header lines as allowed");
	snprintf(body + n, sizeof(body) - n, "X-over: y\r\n");
	hostile(body, "too many part header lines",
	    "a header line over the count");
	hostile("Content-Disposition: form-data; name=file; filename=a\r\n"
	    "Content-Type: multipart/mixed; boundary=in\r\n",
	    "a part that is itself multipart", "a nested multipart part");
	hostile("Content-Disposition: form-data; name=message\r\n"
	    "Content-Type: MULTIPART/form-data; boundary=in\r\n",
	    "a part that is itself multipart", "a nested form, in capitals");
}

static void
test_boundary(void)
{
	char	 b[MP_BOUNDARY_MAX + 1], lng[200];

	tap_ok(multipart_boundary("multipart/form-data; boundary=abc", b,
	    sizeof(b)) == 0 && strcmp(b, "abc") == 0, "boundary: a token");
	tap_ok(multipart_boundary("Multipart/Form-Data; charset=utf-8; "
	    "boundary=\"a b:c\"", b, sizeof(b)) == 0 &&
	    strcmp(b, "a b:c") == 0, "boundary: quoted, after a parameter");
	tap_ok(multipart_boundary("multipart/form-data", b, sizeof(b)) == -1,
	    "boundary: missing");
	tap_ok(multipart_boundary("multipart/form-data; boundary=\"\"", b,
	    sizeof(b)) == -1, "boundary: empty");
	tap_ok(multipart_boundary("multipart/form-data; boundary=\"ab \"", b,
	    sizeof(b)) == -1, "boundary: ending in a space");
	tap_ok(multipart_boundary("multipart/form-data; boundary=\"a\\\"b\"",
	    b, sizeof(b)) == -1, "boundary: a character outside bchars");
	tap_ok(multipart_boundary("multipart/mixed; boundary=abc", b,
	    sizeof(b)) == -1, "boundary: another multipart type");
	snprintf(lng, sizeof(lng), "multipart/form-data; boundary=%071d", 7);
	tap_ok(multipart_boundary(lng, b, sizeof(b)) == -1,
	    "boundary: 71 characters");
}

/* urlencoded */
static int
uf_field(void *arg, const char *name)
{
	rec_add(arg, "[", 1);
	rec_add(arg, name, strlen(name));
	rec_add(arg, "=", 1);
	return 0;
}

static int
uf_end(void *arg)
{
	rec_add(arg, "]", 1);
	return 0;
}

static const struct uf_callbacks ufcb = { uf_field, on_data, uf_end };

static int
uf_run(const char *in, size_t cut, unsigned int max, struct rec *r,
    const char **why)
{
	struct urlform	 uf;
	size_t		 len = strlen(in);
	int		 rc;

	memset(r, 0, sizeof(*r));
	urlform_init(&uf, max, &ufcb, r);
	if (cut > len)
		cut = len;
	rc = urlform_feed(&uf, (const uint8_t *)in, cut);
	if (rc == 0)
		rc = urlform_feed(&uf, (const uint8_t *)in + cut, len - cut);
	if (rc == 0)
		rc = urlform_finish(&uf);
	*why = uf.error;
	return rc;
}

static void
test_urlform(void)
{
	static const char in[] = "to=bob&subject=hello+world%21%0D%0A&&"
	    "body=%E2%82%AC+%2b+%25&empty=&flag";
	static const char want[] = "[to=bob][subject=hello world!\r\n]"
	    "[body=\xe2\x82\xac + %][empty=][flag=]";
	struct rec	 r;
	const char	*why;
	size_t		 cut;
	int		 bad = 0, rc;
	char		 lng[UF_NAME_MAX + 8];

	for (cut = 0; cut <= sizeof(in) - 1; cut++)
		if (uf_run(in, cut, 8, &r, &why) != 0 ||
		    strcmp(r.log, want) != 0)
			bad++;
	tap_ok(bad == 0, "urlencoded: decoded the same split at each of %zu "
	    "positions (%d differ)", sizeof(in), bad);
	rc = uf_run("a=%zz", 99, 8, &r, &why);
	tap_ok(rc == -1,
	    "urlencoded: a bad escape fails");
	rc = uf_run("a=%4", 99, 8, &r, &why);
	tap_ok(rc == -1,
	    "urlencoded: a truncated escape fails");
	rc = uf_run("a=1&b=2&c=3", 99, 2, &r, &why);
	tap_ok(rc == -1 &&
	    strcmp(why, "too many fields") == 0,
	    "urlencoded: three fields over a limit of two fail");
	rc = uf_run("a%00b=1", 99, 8, &r, &why);
	tap_ok(rc == -1,
	    "urlencoded: NUL in a name fails");
	rc = uf_run("=1", 99, 8, &r, &why);
	tap_ok(rc == -1,
	    "urlencoded: a value without a name fails");
	rc = uf_run("a=1=2", 99, 8, &r, &why);
	tap_ok(rc == -1,
	    "urlencoded: '=' in a value fails");
	memset(lng, 'n', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	rc = uf_run(lng, 99, 8, &r, &why);
	tap_ok(rc == -1 &&
	    strcmp(why, "field name too long") == 0,
	    "urlencoded: an over-long name fails");
}

int
main(void)
{
	test_splits();
	test_pause();
	test_hostile();
	test_bounds();
	test_boundary();
	test_urlform();
	tap_done();
}
