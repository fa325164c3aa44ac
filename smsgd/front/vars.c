/*
 * Page values for smsg-web (see vars.h).  Values may hold recovery keys
 * and TOTP secrets: they are wiped when freed.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vars.h"

void
vars_add(struct vars *v, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	char	*val, *k;
	int	 len;

	if (v->failed)
		return;
	if (v->n == VARS_MAX) {
		v->failed = 1;
		return;
	}
	va_start(ap, fmt);
	len = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (len == -1) {
		v->failed = 1;
		return;
	}
	if ((k = strdup(key)) == NULL) {
		freezero(val, len);
		v->failed = 1;
		return;
	}
	v->kv[v->n].key = k;
	v->kv[v->n].value = val;
	v->n++;
}

void
vars_free(struct vars *v)
{
	size_t	 i;

	for (i = 0; i < v->n; i++) {
		free(v->kv[i].key);
		freezero(v->kv[i].value, strlen(v->kv[i].value));
	}
	v->n = 0;
	v->failed = 0;
}

/* Bytes of the UTF-8 character at s (len left): 1 to 4, 0 if none. */
static size_t
utf8_char(const unsigned char *s, size_t len)
{
	size_t	 n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

size_t
vars_add_text(struct vars *v, const char *key, const char *s, size_t len,
    size_t max)
{
	static const char	 rep[] = "\xef\xbf\xbd";	/* U+FFFD */
	const unsigned char	*p = (const unsigned char *)s;
	const char		*from;
	char			*out;
	size_t			 i = 0, o = 0, n, take;

	if (max > VARS_TEXT_MAX)
		max = VARS_TEXT_MAX;
	if ((out = malloc(max + 1)) == NULL) {
		v->failed = 1;
		return len;
	}
	while (i < len) {
		n = utf8_char(p + i, len - i);
		if (n == 0 || (n == 1 && ((p[i] < 0x20 && p[i] != '\t' &&
		    p[i] != '\n' && p[i] != '\r') || p[i] == 0x7f))) {
			from = rep;
			take = 3;
			n = 1;
		} else {
			from = s + i;
			take = n;
		}
		if (o + take > max)
			break;
		memcpy(out + o, from, take);
		o += take;
		i += n;
	}
	out[o] = '\0';
	vars_add(v, key, "%s", out);
	freezero(out, max + 1);
	return i;
}
