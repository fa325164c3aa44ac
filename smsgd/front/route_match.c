/*
 * Matching a raw request path against the route table's patterns, and
 * the typed parameters they carry (see routes.h).  Pure code: the unit
 * test drives it with hostile paths.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "routes.h"

#define UINT_DIGITS	9	/* "uint" stays below 10^9 */

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz0123456789-_";
static const char namechars[] = "abcdefghijklmnopqrstuvwxyz0123456789._-";

static int
type_is(const char *type, size_t typelen, const char *want)
{
	return strlen(want) == typelen && memcmp(type, want, typelen) == 0;
}

/* 1 if all len bytes of s are in set. */
static int
all_in(const char *s, size_t len, const char *set)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] == '\0' || strchr(set, s[i]) == NULL)
			return 0;
	return 1;
}

static int
parse_hex64(const char *s, size_t len, struct route_param *p)
{
	static const char	 digits[] = "0123456789abcdef";
	const char		*d;
	size_t			 i;

	if (len != 16)
		return -1;
	p->num = 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '\0' || (d = strchr(digits, s[i])) == NULL)
			return -1;
		p->num = p->num << 4 | (uint64_t)(d - digits);
	}
	return 0;
}

static int
parse_uint(const char *s, size_t len, struct route_param *p)
{
	size_t	 i;

	if (len < 1 || len > UINT_DIGITS || (len > 1 && s[0] == '0'))
		return -1;
	p->num = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		p->num = p->num * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

int
route_param_parse(const char *type, size_t typelen, const char *s,
    size_t len, struct route_param *p)
{
	int	 r = -1;

	p->num = 0;
	p->text[0] = '\0';
	if (type_is(type, typelen, "hex64"))
		r = parse_hex64(s, len, p);
	else if (type_is(type, typelen, "uint"))
		r = parse_uint(s, len, p);
	else if (type_is(type, typelen, "msgid"))
		r = len == ROUTE_MSGID_LEN && all_in(s, len, b64url) ? 0 : -1;
	else if (type_is(type, typelen, "id"))
		r = len >= 1 && len <= ROUTE_ID_MAX && all_in(s, len, b64url) ?
		    0 : -1;
	else if (type_is(type, typelen, "name"))
		r = len >= 1 && len <= ROUTE_NAME_MAX &&
		    all_in(s, len, namechars) ? 0 : -1;
	if (r == 0 && len <= ROUTE_PARAM_MAX) {
		memcpy(p->text, s, len);
		p->text[len] = '\0';
	}
	return r;
}

/* A {name:type} segment of a pattern, len bytes at seg. */
static int
match_param(const char *seg, size_t len, const char *s, size_t slen,
    struct route_params *rp)
{
	const char		*colon;
	struct route_param	*p;

	if (len < 4 || seg[len - 1] != '}' || rp->n >= ROUTE_MAXPARAMS ||
	    (colon = memchr(seg, ':', len)) == NULL)
		return 0;
	p = &rp->p[rp->n];
	if (route_param_parse(colon + 1, seg + len - 1 - (colon + 1), s, slen,
	    p) == -1)
		return 0;
	p->name = seg + 1;
	p->namelen = colon - (seg + 1);
	rp->n++;
	return 1;
}

int
route_match(const char *pattern, const char *path, struct route_params *rp)
{
	size_t	 plen, slen;

	rp->n = 0;
	if (*pattern != '/' || *path != '/')
		return 0;
	while (*pattern == '/' && *path == '/') {
		pattern++;
		path++;
		plen = strcspn(pattern, "/");
		slen = strcspn(path, "/");
		if (plen > 0 && pattern[0] == '{') {
			if (!match_param(pattern, plen, path, slen, rp))
				return 0;
		} else if (plen != slen || memcmp(pattern, path, plen) != 0)
			return 0;
		pattern += plen;
		path += slen;
	}
	return *pattern == '\0' && *path == '\0';
}

enum route_found
route_find(const struct route *table, enum http_method method,
    const char *path,
    const struct route **found, struct route_params *rp,
    unsigned int *allow)
{
	const struct route	*rt;
	struct route_params	 scratch;

	*found = NULL;
	*allow = 0;
	if (method == HTTP_HEAD)
		method = HTTP_GET;
	for (rt = table; rt->pattern != NULL; rt++) {
		if (!route_match(rt->pattern, path, &scratch))
			continue;
		if (rt->method == method && *found == NULL) {
			*found = rt;
			*rp = scratch;
		}
		*allow |= 1U << rt->method;
		if (rt->method == HTTP_GET)
			*allow |= 1U << HTTP_HEAD;
	}
	if (*found != NULL)
		return ROUTE_FOUND;
	return *allow != 0 ? ROUTE_NO_METHOD : ROUTE_NOT_FOUND;
}

/* Leading literal segments that pattern and path share. */
static int
shared_segments(const char *pattern, const char *path)
{
	size_t	 plen, slen;
	int	 n = 0;

	while (*pattern == '/' && *path == '/') {
		pattern++;
		path++;
		plen = strcspn(pattern, "/");
		slen = strcspn(path, "/");
		if (plen == 0 || pattern[0] == '{' || plen != slen ||
		    memcmp(pattern, path, plen) != 0)
			break;
		n++;
		pattern += plen;
		path += slen;
	}
	return n;
}

/*
 * A path nothing matches is answered by the face of the routes it
 * shares the most leading segments with ("/api/v1/nope": the API's);
 * none at all: the pages.
 */
enum route_face
route_face_of(const struct route *table, const char *path)
{
	const struct route	*rt;
	enum route_face		 face = FACE_PAGE;
	int			 best = 0, n;

	for (rt = table; rt->pattern != NULL; rt++)
		if ((n = shared_segments(rt->pattern, path)) > best) {
			best = n;
			face = rt->face;
		}
	return face;
}

void
route_allow_text(unsigned int allow, char *buf, size_t len)
{
	static const enum http_method order[] = { HTTP_GET, HTTP_HEAD,
	    HTTP_POST, HTTP_PUT, HTTP_DELETE, HTTP_PATCH, HTTP_OPTIONS };
	size_t	 i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(allow & (1U << order[i])))
			continue;
		if (buf[0] != '\0')
			strlcat(buf, ", ", len);
		strlcat(buf, http_method_name(order[i]), len);
	}
}

const struct route_param *
route_param(const struct route_params *rp, const char *name)
{
	int	 i;

	for (i = 0; i < rp->n; i++)
		if (strlen(name) == rp->p[i].namelen &&
		    memcmp(name, rp->p[i].name, rp->p[i].namelen) == 0)
			return &rp->p[i];
	return NULL;
}
