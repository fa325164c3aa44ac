/*
 * Output buffers and escaping: the only way text reaches a page.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "escape.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

/* Pages carry recovery keys and TOTP secrets: zero them. */
void
buf_free(struct buf *b)
{
	if (b->data != NULL)
		freezero(b->data, b->cap);
	memset(b, 0, sizeof(*b));
}

/* Grow to hold need more bytes and a terminator, within the bound. */
static int
buf_reserve(struct buf *b, size_t need)
{
	size_t	 cap;
	char	*p;

	if (b->err)
		return -1;
	if (need > b->max - b->len) {
		b->err = 1;
		return -1;
	}
	if (b->len + need < b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap <= b->len + need)
		cap *= 2;
	/* Not realloc: the old block may hold a secret and must be zeroed. */
	if ((p = malloc(cap)) == NULL) {
		b->err = 1;
		return -1;
	}
	if (b->data != NULL) {
		memcpy(p, b->data, b->len + 1);
		freezero(b->data, b->cap);
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 tmp[256];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	/* Only short, formatted numbers come this way. */
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->err = 1;
		return;
	}
	buf_add(b, tmp, n);
}

/* Length of the UTF-8 sequence starting with c, 0 when c cannot start one. */
static size_t
utf8_seqlen(uint8_t c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/*
 * Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
 * Rejecting these keeps a browser from reading bytes differently than
 * the escaper did.
 */
int
utf8_valid(const char *s, size_t len)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 i, j, n;

	for (i = 0; i < len; i += n) {
		if ((n = utf8_seqlen(p[i])) == 0 || n > len - i)
			return 0;
		for (j = 1; j < n; j++)
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
		if (p[i] == 0xe0 && p[i + 1] < 0xa0)
			return 0;	/* overlong */
		if (p[i] == 0xed && p[i + 1] > 0x9f)
			return 0;	/* surrogate */
		if (p[i] == 0xf0 && p[i + 1] < 0x90)
			return 0;	/* overlong */
		if (p[i] == 0xf4 && p[i + 1] > 0x8f)
			return 0;	/* beyond U+10FFFF */
	}
	return 1;
}

/* Safe in text and in quoted attribute values alike. */
void
html_escape(struct buf *b, const char *s)
{
	const char	*run = s;
	const char	*rep;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		buf_add(b, run, s - run);
		buf_addstr(b, rep);
		run = s + 1;
	}
	buf_add(b, run, s - run);
}

/*
 * Browsers drop tabs and newlines inside URLs and read a backslash as a
 * slash, so "/\t/host" and "/\host" would leave the site: refuse both.
 */
static int
url_chars_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '\\')
			return 0;
	return 1;
}

/* The value itself when it is a safe link target, else "#". */
const char *
url_filter(const char *s)
{
	if (!url_chars_ok(s))
		return "#";
	if (s[0] == '/' && s[1] != '/')
		return s;
	if (strncasecmp(s, "https://", 8) == 0 && s[8] != '\0')
		return s;
	if (strncasecmp(s, "otpauth://", 10) == 0 && s[10] != '\0')
		return s;
	return "#";
}

void
url_escape(struct buf *b, const char *s)
{
	html_escape(b, url_filter(s));
}
