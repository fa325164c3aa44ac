/*
 * Streaming application/x-www-form-urlencoded.  See formstream.h.
 *
 * Names are short and decoded whole before the field callback; values
 * may be any length and are decoded and passed on piece by piece.  A
 * percent escape may be split between two pieces.
 */
#include "config.h"

#include <string.h>

#include "formstream.h"
#include "http.h"

enum { UF_NAME, UF_VALUE, UF_ERROR };

static int
uf_fail(struct urlform *uf, const char *why)
{
	uf->state = UF_ERROR;
	uf->error = why;
	return -1;
}

void
urlform_init(struct urlform *uf, unsigned int max_fields,
    const struct uf_callbacks *cb, void *arg)
{
	memset(uf, 0, sizeof(*uf));
	uf->cb = cb;
	uf->arg = arg;
	uf->max_fields = max_fields;
	uf->state = UF_NAME;
	uf->hex = -1;
}

/* The name is complete ('=' or the end of the field). */
static int
name_done(struct urlform *uf)
{
	if (uf->namelen == 0)
		return uf_fail(uf, "field without a name");
	if (++uf->nfields > uf->max_fields)
		return uf_fail(uf, "too many fields");
	uf->name[uf->namelen] = '\0';
	if (uf->cb->field(uf->arg, uf->name) == -1)
		return uf_fail(uf, "stopped");
	uf->state = UF_VALUE;
	return 0;
}

static int
field_done(struct urlform *uf)
{
	if (uf->state == UF_NAME) {
		if (uf->namelen == 0)
			return 0;	/* "a&&b": an empty field is nothing */
		if (name_done(uf) == -1)
			return -1;
	}
	if (uf->cb->field_end(uf->arg) == -1)
		return uf_fail(uf, "stopped");
	explicit_bzero(uf->name, sizeof(uf->name));
	uf->namelen = 0;
	uf->state = UF_NAME;
	return 0;
}

/* One decoded byte of the name, or of the value (batched by the caller). */
static int
name_byte(struct urlform *uf, unsigned char c)
{
	if (c == '\0')
		return uf_fail(uf, "NUL in a field name");
	if (uf->namelen + 1 >= sizeof(uf->name))
		return uf_fail(uf, "field name too long");
	uf->name[uf->namelen++] = c;
	return 0;
}

int
urlform_feed(struct urlform *uf, const uint8_t *p, size_t len)
{
	uint8_t		 out[512];
	size_t		 i, n = 0;
	int		 c, h;

	for (i = 0; i < len && uf->state != UF_ERROR; i++) {
		c = p[i];
		if (uf->hex != -1 || c == '%') {
			if (c == '%' && uf->hex == -1) {
				uf->hex = -2;	/* waiting for two digits */
				continue;
			}
			if ((h = http_hexval(c)) == -1)
				return uf_fail(uf, "malformed percent escape");
			if (uf->hex == -2) {
				uf->hex = h;
				continue;
			}
			c = uf->hex * 16 + h;
			uf->hex = -1;
		} else if (c == '+')
			c = ' ';
		else if (c == '&' || c == '=') {
			if (uf->state == UF_VALUE && n > 0 &&
			    uf->cb->value(uf->arg, out, n) == -1)
				return uf_fail(uf, "stopped");
			n = 0;
			if (c == '&')
				field_done(uf);
			else if (uf->state == UF_NAME)
				name_done(uf);
			else
				return uf_fail(uf, "'=' in a value");
			continue;
		}
		if (uf->state == UF_NAME) {
			name_byte(uf, c);
			continue;
		}
		out[n++] = c;
		if (n == sizeof(out)) {
			if (uf->cb->value(uf->arg, out, n) == -1)
				return uf_fail(uf, "stopped");
			n = 0;
		}
	}
	if (uf->state == UF_VALUE && n > 0 &&
	    uf->cb->value(uf->arg, out, n) == -1)
		uf_fail(uf, "stopped");
	explicit_bzero(out, sizeof(out));
	return uf->state == UF_ERROR ? -1 : 0;
}

int
urlform_finish(struct urlform *uf)
{
	if (uf->state == UF_ERROR)
		return -1;
	if (uf->hex != -1)
		return uf_fail(uf, "truncated percent escape");
	return field_done(uf);
}
