/*
 * smsg-web escaping: HTML text and attributes, the URL allow-list,
 * strict UTF-8, the bounded output buffer and the QR code SVG.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "escape.h"
#include "qrsvg.h"
/* These tests have nothing to skip. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "tap.h"

#define OTPAUTH	"otpauth://totp/smsg:alice?secret=JBSWY3DPEHPK3PXP" \
		"&issuer=smsg"

static void
check_html(const char *in, const char *want, const char *what)
{
	struct buf	 b;

	buf_init(&b, 4096);
	html_escape(&b, in);
	tap_ok(!b.err && b.len == strlen(want) &&
	    memcmp(b.data, want, b.len) == 0, "html: %s", what);
	if (b.err || strcmp(b.data, want) != 0)
		tap_diag("got \"%s\", want \"%s\"", b.err ? "(err)" : b.data,
		    want);
	buf_free(&b);
}

static void
check_url(const char *in, const char *want, const char *what)
{
	struct buf	 b;

	buf_init(&b, 4096);
	url_escape(&b, in);
	tap_ok(!b.err && strcmp(b.data, want) == 0, "url: %s", what);
	if (b.err || strcmp(b.data, want) != 0)
		tap_diag("got \"%s\", want \"%s\"", b.err ? "(err)" : b.data,
		    want);
	buf_free(&b);
}

static void
test_html(void)
{
	check_html("&<>\"'", "&amp;&lt;&gt;&quot;&#39;", "all five alone");
	check_html("<script>alert('x')</script>",
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", "script tag");
	check_html("\" onmouseover=\"alert(1)",
	    "&quot; onmouseover=&quot;alert(1)", "double-quoted attribute");
	check_html("' onfocus='alert(1)", "&#39; onfocus=&#39;alert(1)",
	    "single-quoted attribute");
	check_html("a&amp;b", "a&amp;amp;b", "an entity is escaped again");
	check_html("plain text 123", "plain text 123", "plain passthrough");
	check_html("", "", "empty");
	check_html("h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5\xf0\x9f\x94\x91",
	    "h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5\xf0\x9f\x94\x91",
	    "non-ASCII passthrough");
}

static void
test_url(void)
{
	check_url("/settings/2fa", "/settings/2fa", "relative path");
	check_url("/", "/", "root");
	check_url("//evil.example/x", "#", "//host refused");
	check_url("/\\evil.example", "#", "/\\host refused");
	check_url("/\t/evil.example", "#", "tab refused");
	check_url("/a\n/b", "#", "newline refused");
	check_url("javascript:alert(1)", "#", "javascript: refused");
	check_url("JaVaScRiPt:alert(1)", "#", "javascript: any case refused");
	check_url(" javascript:alert(1)", "#", "leading space refused");
	check_url("data:text/html,<script>alert(1)</script>", "#",
	    "data: refused");
	check_url("http://example.org/", "#", "http: refused");
	check_url("vbscript:x", "#", "vbscript: refused");
	check_url("settings", "#", "bare relative refused");
	check_url("", "#", "empty refused");
	check_url("https://", "#", "https: without a rest refused");
	check_url("/a\"onmouseover=\"x", "/a&quot;onmouseover=&quot;x",
	    "quote in a path escaped");
	check_url("/a'b<c>", "/a&#39;b&lt;c&gt;", "quote and brackets escaped");
	check_url("https://example.org/a?b=1&c=2",
	    "https://example.org/a?b=1&amp;c=2", "https URI kept, escaped");
	check_url(OTPAUTH, "otpauth://totp/smsg:alice?secret=JBSWY3DPEHPK3PXP"
	    "&amp;issuer=smsg", "otpauth URI kept, escaped");
	tap_ok(strcmp(url_filter("/x"), "/x") == 0 &&
	    strcmp(url_filter("//x"), "#") == 0, "url_filter alone");
}

static void
test_utf8(void)
{
	static const struct {
		const char	*s;
		int		 ok;
		const char	*what;
	} v[] = {
		{ "", 1, "empty" },
		{ "ascii", 1, "ASCII" },
		{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 1, "2, 3, 4 bytes" },
		{ "\xef\xbf\xbf\xf4\x8f\xbf\xbf", 1, "U+FFFF and U+10FFFF" },
		{ "\xc0\x80", 0, "overlong NUL" },
		{ "\xc1\xbf", 0, "overlong 2 bytes" },
		{ "\xe0\x80\xaf", 0, "overlong 3 bytes" },
		{ "\xf0\x80\x80\xaf", 0, "overlong 4 bytes" },
		{ "\xed\xa0\x80", 0, "surrogate" },
		{ "\xf4\x90\x80\x80", 0, "beyond U+10FFFF" },
		{ "\xf5\x80\x80\x80", 0, "F5 lead" },
		{ "\x80", 0, "lone continuation" },
		{ "a\xe2\x82", 0, "truncated" },
		{ "\xe2\x28\xa1", 0, "bad continuation" },
		{ "\xff", 0, "FF byte" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		tap_ok(utf8_valid(v[i].s, strlen(v[i].s)) == v[i].ok,
		    "utf8: %s %s", v[i].what, v[i].ok ? "valid" : "refused");
}

static void
test_buf(void)
{
	struct buf	 b;

	buf_init(&b, 10);
	buf_addstr(&b, "0123456789");
	tap_ok(!b.err && b.len == 10, "buf: fills to its bound");
	buf_addstr(&b, "x");
	tap_ok(b.err, "buf: one byte more is an error");
	buf_addstr(&b, "");
	tap_ok(b.err && b.len == 10, "buf: the error sticks");
	buf_free(&b);

	buf_init(&b, 8);
	html_escape(&b, "<<");
	tap_ok(!b.err && b.len == 8, "buf: escaping up to the bound");
	buf_free(&b);
	buf_init(&b, 7);
	html_escape(&b, "<<");
	tap_ok(b.err, "buf: escaping past the bound is an error");
	buf_free(&b);

	buf_init(&b, 1 << 20);
	for (int i = 0; i < 5000; i++)
		buf_addstr(&b, "abcdefghij");
	tap_ok(!b.err && b.len == 50000 && b.data[b.len] == '\0' &&
	    memcmp(b.data + 49990, "abcdefghij", 10) == 0,
	    "buf: grows and stays terminated");
	buf_free(&b);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The path data holds only drawing commands and numbers. */
static int
path_ok(const char *svg)
{
	const char	*d, *e;

	if ((d = strstr(svg, " d=\"")) == NULL)
		return 0;
	d += 4;
	if ((e = strchr(d, '"')) == NULL || e == d)
		return 0;
	return strspn(d, "Mhvz0123456789 -") == (size_t)(e - d);
}

static void
test_qr(void)
{
	struct buf	 b, b2;
	QRcode		*qr;
	char		 want[64], *big;
	int		 r;

	buf_init(&b, 1 << 20);
	r = qrsvg_render(&b, OTPAUTH);
	tap_ok(r == 0 && !b.err, "qr: renders a known otpauth URI");
	tap_ok(b.len > 0 && strncmp(b.data, "<svg", 4) == 0,
	    "qr: starts with <svg");
	tap_ok(b.len > 6 && strcmp(b.data + b.len - 6, "</svg>") == 0,
	    "qr: ends with </svg>");
	qr = QRcode_encodeString(OTPAUTH, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	snprintf(want, sizeof(want), "viewBox=\"0 0 %d %d\"",
	    qr ? qr->width + 8 : 0, qr ? qr->width + 8 : 0);
	tap_ok(qr != NULL && strstr(b.data, want) != NULL,
	    "qr: viewBox covers the symbol and its quiet zone (%s)", want);
	QRcode_free(qr);
	tap_ok(strstr(b.data, "style") == NULL, "qr: no style attribute");
	tap_ok(strstr(b.data, "shape-rendering=\"crispEdges\"") != NULL &&
	    strstr(b.data, "fill=\"#000\"") != NULL, "qr: drawn by attributes");
	tap_ok(count(b.data, "<") == count(b.data, ">") &&
	    count(b.data, "<svg") == 1 && count(b.data, "</svg>") == 1 &&
	    count(b.data, "<path") == 1 && count(b.data, "<rect") == 1,
	    "qr: tags balanced");
	tap_ok(path_ok(b.data), "qr: path data is numbers and commands");
	tap_ok(strstr(b.data, "secret") == NULL &&
	    strstr(b.data, "JBSWY3DP") == NULL,
	    "qr: the encoded text does not appear in the markup");
	tap_ok(strstr(b.data, "role=\"img\"") != NULL &&
	    strstr(b.data, "aria-label=") != NULL, "qr: labelled image");

	buf_init(&b2, 1 << 20);
	tap_ok(qrsvg_render(&b2, OTPAUTH) == 0 && b2.len == b.len &&
	    memcmp(b.data, b2.data, b.len) == 0, "qr: deterministic");
	buf_free(&b2);
	buf_free(&b);

	buf_init(&b, 1 << 20);
	tap_ok(qrsvg_render(&b, "") == -1 && b.len == 0,
	    "qr: empty text refused");
	if ((big = malloc(QRSVG_MAXTEXT + 2)) == NULL)
		exit(1);
	memset(big, 'a', QRSVG_MAXTEXT + 1);
	big[QRSVG_MAXTEXT + 1] = '\0';
	tap_ok(qrsvg_render(&b, big) == -1 && b.len == 0,
	    "qr: text over %d bytes refused", QRSVG_MAXTEXT);
	free(big);
	buf_free(&b);

	buf_init(&b, 100);
	tap_ok(qrsvg_render(&b, OTPAUTH) == -1,
	    "qr: a buffer too small is an error");
	buf_free(&b);
}

int
main(void)
{
	test_html();
	test_url();
	test_utf8();
	test_buf();
	test_qr();
	return tap_done();
}
