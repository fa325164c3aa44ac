/*
 * The front's HTTP routes: one table (routes.c), the HTTP twin of
 * lib/route.c, read once when a request's head is complete.  A route
 * says everything that can be decided before the body: method, path
 * pattern with typed parameters, who may call, rate class, body policy,
 * accepted media types, which face answers, and the handler.
 *
 * Patterns are matched against the raw path, segment by segment:
 * literal segments byte for byte, parameters written {name:type} with
 * the types
 *	hex64	exactly 16 lower-case hex digits, a u64 (session ids)
 *	id	1 to ROUTE_ID_MAX of [A-Za-z0-9_-] (message ids)
 *	msgid	exactly ROUTE_MSGID_LEN of [A-Za-z0-9_-], a message id's
 *		shape: beside a literal (/messages/sent), never the same path
 *	uint	a decimal number 0 to 999999999 without leading zeros
 *	name	1 to ROUTE_NAME_MAX of [a-z0-9._-] (user names)
 * No segment of any route needs escaping, so a percent escape, an empty
 * segment, a dot segment or a trailing slash never matches: 404.
 */
#ifndef SMSGD_ROUTES_H
#define SMSGD_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "proto.h"

#define ROUTE_MAXPARAMS	4	/* parameters in one pattern */
#define ROUTE_ID_MAX	43	/* 256 bits in base64url */
#define ROUTE_MSGID_LEN	22	/* 128 bits in base64url */
#define ROUTE_NAME_MAX	32
#define ROUTE_PARAM_MAX	43	/* the longest of the text types */

enum route_access {
	ACCESS_ANYONE,
	ACCESS_SESSION,		/* a signed-in session, checked by auth */
	ACCESS_ADMIN,		/* a session of an administrator */
	ACCESS_BROADCAST,	/* a session messages.broadcast lets in */
};

enum route_rate { RATE_NONE, RATE_LOGIN, RATE_REGISTER };

enum route_body {
	BODY_NONE,		/* a body is refused: 413, or 411 if chunked */
	BODY_BUFFER,		/* read whole, up to body_max */
	BODY_STREAM,		/* multipart handed on in pieces, up to the
				   stream's max; other media read whole,
				   up to body_max */
};

/* Accepted media types of a request body. */
#define MEDIA_FORM	0x01	/* application/x-www-form-urlencoded */
#define MEDIA_JSON	0x02	/* application/json */
#define MEDIA_MULTIPART	0x04	/* multipart/form-data */

enum route_face { FACE_PAGE, FACE_API };

struct app_req;

/*
 * The consumer of a streamed body (BODY_STREAM).  Nothing reaches it
 * before auth has vouched for the session: start() then, piece() for
 * the body as it arrives, end() once it is all in.  piece() takes what
 * it can (*used bytes) and returns REQ_MORE, REQ_PAUSE when it is
 * behind, or -1 when it has answered; what it left is handed to it
 * again once it calls app_body_resume().
 */
struct body_stream {
	size_t	  max;		/* bytes of a body in all */
	void	(*start)(struct app_req *);
	int	(*piece)(struct app_req *, const uint8_t *, size_t,
		    size_t *used);
	void	(*end)(struct app_req *);
};

struct route {
	enum http_method	 method;
	const char		*pattern;
	enum route_access	 access;
	int			 csrf;	/* auth checks the form's csrf token */
	enum route_rate		 rate;
	enum route_body		 body;
	size_t			 body_max;	/* 0: front.form_max */
	unsigned int		 media;
	const struct body_stream *stream;	/* BODY_STREAM */
	enum route_face		 face;
	enum web_page		 page;	/* page face: shown again on failure */
	void			(*handler)(struct app_req *);
};

/* The table, ended by a NULL pattern. */
extern const struct route	 routes[];

struct route_param {
	const char	*name;		/* into the pattern, namelen bytes */
	size_t		 namelen;
	uint64_t	 num;		/* hex64, uint */
	char		 text[ROUTE_PARAM_MAX + 1];
};

struct route_params {
	int			 n;
	struct route_param	 p[ROUTE_MAXPARAMS];
};

enum route_found { ROUTE_FOUND, ROUTE_NO_METHOD, ROUTE_NOT_FOUND };

/*
 * The route of a table for method and path (HEAD finds GET).
 * ROUTE_NO_METHOD: the path exists, *allow has a bit (1 << method) for
 * each method it takes.
 */
enum route_found route_find(const struct route *, enum http_method,
	    const char *path, const struct route **, struct route_params *,
	    unsigned int *allow);
/* 1 if path matches pattern; the parameters land in params. */
int	 route_match(const char *pattern, const char *path,
	    struct route_params *);
/* One parameter of type (typelen bytes) from s: 0, or -1 malformed. */
int	 route_param_parse(const char *type, size_t typelen, const char *s,
	    size_t len, struct route_param *);
/* The face that answers for a path no route matches. */
enum route_face route_face_of(const struct route *, const char *path);
/* The Allow header's value for an allow mask ("GET, HEAD, POST"). */
void	 route_allow_text(unsigned int allow, char *, size_t);
/* A parameter by name: NULL when the route has none of that name. */
const struct route_param *route_param(const struct route_params *,
	    const char *name);

#endif
