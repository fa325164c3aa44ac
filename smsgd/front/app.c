/*
 * A request's way through the application: find its route in the table
 * as soon as the head is in, refuse there whatever can be refused
 * without the body (404, 405, cross-site posts, 411, 413, 415, rate
 * limits), read the body the route's way, have auth check the session,
 * then hand over to the route's handler.  Every refusal is one error
 * value, answered by the route's face.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "log.h"
#include "proto.h"
#include "ratelimit.h"

#define RATE_TABLE	4096	/* addresses remembered per limiter */

static struct ratelimit	*rate_login;
static struct ratelimit	*rate_register;

static const struct {
	unsigned int	 bit;
	const char	*type;
} media_types[] = {
	{ MEDIA_FORM, "application/x-www-form-urlencoded" },
	{ MEDIA_JSON, "application/json" },
	{ MEDIA_MULTIPART, "multipart/form-data" },
};
#define NMEDIA	(sizeof(media_types) / sizeof(media_types[0]))

static void
app_init(void)
{
	json_wipe_init();
	rate_login = ratelimit_new(front_conf.login_rate,
	    front_conf.login_rate, RATE_TABLE);
	rate_register = ratelimit_new(front_conf.register_rate,
	    front_conf.register_rate, RATE_TABLE);
	if (rate_login == NULL || rate_register == NULL)
		fatal("rate limits");
}

static int
changes_state(enum http_method m)
{
	return m != HTTP_GET && m != HTTP_HEAD && m != HTTP_OPTIONS;
}

static void
app_req_free(void *arg)
{
	struct app_req	*ar = arg;

	if (ar->feat != NULL)
		ar->feat_free(ar->feat);
	http_form_free(&ar->form);
	if (ar->json != NULL)
		json_decref(ar->json);
	if (ar->list != NULL)
		json_decref(ar->list);
	if (ar->vars != NULL) {
		vars_free(ar->vars);
		free(ar->vars);
	}
	contacts_free(ar->contacts);
	freezero(ar->held, ar->held_len);
	explicit_bzero(ar->token, sizeof(ar->token));
	explicit_bzero(&ar->who, sizeof(ar->who));
	free(ar);
}

/*
 * May who broadcast, under messages.broadcast?  NULL yes, or why not.
 * Pages link the form only where this says yes.
 */
const char *
app_broadcast_refusal(const struct who *w)
{
	if (front_conf.broadcast == BCAST_NOBODY)
		return "Broadcasts are turned off on this server.";
	if (front_conf.broadcast == BCAST_ADMINS && !w->admin)
		return "Only an administrator may broadcast.";
	return NULL;
}

/*
 * A streamed body: nothing reaches the consumer before auth vouched for
 * the session; what it cannot take yet is held (one piece at most, as
 * reading stops with it) and handed to it again on app_body_resume().
 */
static int
stream_hold(struct app_req *ar, const uint8_t *p, size_t len)
{
	uint8_t	*n;

	if (len == 0)
		return REQ_PAUSE;
	if ((n = malloc(ar->held_len + len)) == NULL) {
		app_fail(ar, 503, "busy", "Out of memory; try again later.");
		return -1;
	}
	if (ar->held_len > 0)
		memcpy(n, ar->held, ar->held_len);
	memcpy(n + ar->held_len, p, len);
	freezero(ar->held, ar->held_len);
	ar->held = n;
	ar->held_len += len;
	return REQ_PAUSE;
}

static int
stream_feed(struct app_req *ar, const uint8_t *p, size_t len)
{
	size_t	 used = 0;
	int	 rc;

	rc = ar->route->stream->piece(ar, p, len, &used);
	if (rc == -1 || req_answered(ar->r))
		return -1;
	if (used < len)
		return stream_hold(ar, p + used, len - used);
	return rc;
}

static int
stream_piece(struct req *r, const uint8_t *p, size_t len)
{
	struct app_req	*ar = app_of(r);

	if (req_answered(r))
		return -1;
	if (!ar->session_ok || ar->held_len > 0)
		return stream_hold(ar, p, len);
	return stream_feed(ar, p, len);
}

/* The consumer caught up: what it left first, then the socket again. */
void
app_body_resume(struct app_req *ar)
{
	uint8_t	*p = ar->held;
	size_t	 len = ar->held_len;
	int	 rc = REQ_MORE;

	if (req_answered(ar->r))
		return;
	if (len > 0) {
		ar->held = NULL;
		ar->held_len = 0;
		rc = stream_feed(ar, p, len);
		freezero(p, len);
	}
	if (rc == REQ_MORE && ar->held_len == 0)
		req_body_resume(ar->r);
}

static void
stream_start(struct app_req *ar)
{
	ar->session_ok = 1;
	ar->route->stream->start(ar);
	if (req_answered(ar->r))
		return;
	if (ar->end_due)
		ar->route->stream->end(ar);
	else
		app_body_resume(ar);
}

static int
on_session(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	const char	*why = NULL;

	if (ask_settled(ar, m, MSG_AUTH_WHO, MSG_AUTH_WHO))
		return 0;
	a_get_who(m, &ar->who);
	if (ar->route->access == ACCESS_ADMIN && !ar->who.admin)
		why = "Only an administrator may do this.";
	else if (ar->route->access == ACCESS_BROADCAST)
		why = app_broadcast_refusal(&ar->who);
	if (why != NULL)
		app_fail(ar, 403, "forbidden", why);
	else if (ar->streaming)
		stream_start(ar);
	else
		ar->route->handler(ar);
	return 0;
}

/* Where the session token is: a cookie for pages, a bearer for the API. */
static int
find_token(struct app_req *ar)
{
	const char	*auth;

	if (ar->route->face == FACE_API) {
		if ((auth = http_header(ar->h, "authorization")) == NULL ||
		    strncasecmp(auth, "Bearer ", 7) != 0)
			return -1;
		if (strlcpy(ar->token, auth + 7, sizeof(ar->token)) >=
		    sizeof(ar->token))
			return -1;
	} else if (http_cookie_get(ar->h, COOKIE_SESSION, ar->token,
	    sizeof(ar->token)) == -1)
		return -1;
	return a_valid_token(ar->token) ? 0 : -1;
}

static void
check_session(struct app_req *ar)
{
	if (find_token(ar) == -1) {
		app_fail(ar, 401, "session_invalid",
		    "Sign in first: this needs a session.");
		return;
	}
	ask_session(ar, MSG_AUTH_CHECK, on_session);
}

/*
 * A state-changing request from another site is refused, whatever it
 * carries: browsers say where a request comes from in Sec-Fetch-Site,
 * and older ones in Origin.  Sec-Fetch-Site decides when present: under
 * our Referrer-Policy (no-referrer) Chromium sends "Origin: null" even
 * for a form of our own.  Without it, an origin that is not ours,
 * "null" included, is refused.
 */
static int
cross_site(const struct http_request *h)
{
	const char	*site, *origin, *host;
	size_t		 n;

	if ((site = http_header(h, "sec-fetch-site")) != NULL)
		return strcmp(site, "same-origin") != 0 &&
		    strcmp(site, "none") != 0;
	if ((origin = http_header(h, "origin")) == NULL)
		return 0;
	if ((host = http_header(h, "host")) == NULL)
		return 1;
	if (strncmp(origin, "https://", 8) != 0)
		return 1;
	n = strlen(host);
	return strncmp(origin + 8, host, n) != 0 || origin[8 + n] != '\0';
}

static int
rate_limited(struct app_req *ar)
{
	struct ratelimit	*rl = NULL;
	unsigned int		 retry = 0;
	char			 net[NETKEY_MAX];

	if (ar->route->rate == RATE_LOGIN)
		rl = rate_login;
	else if (ar->route->rate == RATE_REGISTER)
		rl = rate_register;
	if (rl == NULL)
		return 0;
	/* Counted per client network: an IPv6 /64 is one client. */
	net_key(&front_conf.net, app_addr(ar), net, sizeof(net));
	if (ratelimit_take(rl, net, time(NULL), &retry) == 1)
		return 0;
	log_info("rate limit: %s from %s", ar->route->pattern, net);
	app_fail_after(ar, retry, 429, "throttled", "Too many attempts from "
	    "your network; wait a minute and try again.");
	return 1;
}

static unsigned int media_of(const struct http_request *);

/* A body this route streams: a multipart one, to a BODY_STREAM route. */
static int
streamed(const struct route *rt, const struct http_request *h)
{
	return rt->body == BODY_STREAM && rt->stream != NULL &&
	    media_of(h) == MEDIA_MULTIPART;
}

static size_t
body_limit(const struct route *rt)
{
	if (rt->body == BODY_NONE)
		return 0;
	if (rt->body_max == 0 || rt->body_max > front_conf.form_max)
		return front_conf.form_max;
	return rt->body_max;
}

/* The MEDIA_* bit of the request's Content-Type; 0: none we know. */
static unsigned int
media_of(const struct http_request *h)
{
	char	 type[128];
	size_t	 i;

	if (http_content_type(h, type, sizeof(type)) == -1)
		return 0;
	for (i = 0; i < NMEDIA; i++)
		if (strcmp(type, media_types[i].type) == 0)
			return media_types[i].bit;
	return 0;
}

/* 415's text: the types this route takes. */
static void
media_refused(struct app_req *ar)
{
	size_t	 i;

	strlcpy(ar->text, "Send the body as", sizeof(ar->text));
	for (i = 0; i < NMEDIA; i++)
		if (ar->route->media & media_types[i].bit) {
			strlcat(ar->text, " ", sizeof(ar->text));
			strlcat(ar->text, media_types[i].type,
			    sizeof(ar->text));
		}
	strlcat(ar->text, ".", sizeof(ar->text));
	app_fail(ar, 415, "unsupported_media_type", ar->text);
}

/*
 * The body policy, from the head alone.  No Content-Length and no
 * Transfer-Encoding is no body (RFC 9112 6.3), fine for every route.
 * A route that takes none answers a chunked body 411: only a declared
 * length (0) can show it empty before reading it.
 */
static int
body_refused(struct app_req *ar)
{
	const struct http_request	*h = ar->h;

	if (!h->chunked && h->content_length <= 0)
		return 0;
	if (ar->route->body == BODY_NONE && h->chunked) {
		app_fail(ar, 411, "length_required", "This address takes no "
		    "body: send none, or Content-Length: 0.");
		return 1;
	}
	if (h->content_length > 0 &&
	    (unsigned long long)h->content_length > (streamed(ar->route, h) ?
	    ar->route->stream->max : body_limit(ar->route))) {
		app_fail(ar, 413, "too_large", ar->route->body == BODY_NONE ?
		    "This address takes no body." : "The body is too large.");
		return 1;
	}
	if (!(media_of(h) & ar->route->media)) {
		media_refused(ar);
		return 1;
	}
	return 0;
}

static void
copy_agent(struct app_req *ar)
{
	const char	*ua = http_header(ar->h, "user-agent");
	size_t		 i;

	if (ua == NULL)
		ua = "";
	strlcpy(ar->agent, ua, sizeof(ar->agent));
	for (i = 0; ar->agent[i] != '\0'; i++)
		if ((unsigned char)ar->agent[i] < 0x20 ||
		    (unsigned char)ar->agent[i] > 0x7e)
			ar->agent[i] = '?';
}

/* No route: 404, or 405 with the methods the path takes. */
static void
no_route(struct app_req *ar, enum route_found found, unsigned int allow)
{
	char	 methods[64];

	ar->face = route_face_of(routes, ar->h->path) == FACE_API ? &face_api :
	    &face_page;
	if (found == ROUTE_NOT_FOUND) {
		app_fail(ar, 404, "not_found", "There is nothing here.");
		return;
	}
	route_allow_text(allow, methods, sizeof(methods));
	req_header(ar->r, "Allow", methods);
	app_fail(ar, 405, "method_not_allowed",
	    "This address does not take that method.");
}

/*
 * The head is in: everything that can be refused without the body is
 * refused here, before a byte of it is read.
 */
static int
app_head(struct req *r)
{
	struct app_req		*ar;
	enum route_found	 found;
	unsigned int		 allow;
#ifdef SMSG_TEST_HOOKS
	int			 rc;

	if (apptest_head(r, &rc))
		return rc;
#endif
	if ((ar = calloc(1, sizeof(*ar))) == NULL) {
		req_respond(r, 503, "text/plain; charset=utf-8",
		    "out of memory\n", 14);
		return -1;
	}
	ar->r = r;
	ar->h = req_http(r);
	req_set_data(r, ar, app_req_free);
	copy_agent(ar);
	found = route_find(routes, ar->h->method, ar->h->path, &ar->route,
	    &ar->params, &allow);
	if (found != ROUTE_FOUND) {
		no_route(ar, found, allow);
		return -1;
	}
	ar->face = ar->route->face == FACE_API ? &face_api : &face_page;
	if (ar->route->face == FACE_PAGE && changes_state(ar->h->method) &&
	    cross_site(ar->h)) {
		log_info("refused a cross-site %s %s from %s",
		    http_method_name(ar->h->method), ar->route->pattern,
		    app_addr(ar));
		app_fail(ar, 403, "cross_site",
		    "Requests from other sites are refused.");
		return -1;
	}
	if (body_refused(ar) || rate_limited(ar))
		return -1;
	if (streamed(ar->route, ar->h)) {
		/* Pieces are held until auth has vouched for the session. */
		ar->streaming = 1;
		req_body_stream(r, ar->route->stream->max, stream_piece);
		if (ar->route->access == ACCESS_ANYONE)
			stream_start(ar);
		else
			check_session(ar);
		return req_answered(r) ? -1 : 0;
	}
	req_body_buffer(r, body_limit(ar->route));
	return 0;
}

/* The body is in: read it as its media type says (checked at the head). */
static int
read_body(struct app_req *ar)
{
	json_error_t	 jerr;

	if (ar->h->bodylen == 0)
		return 0;
	switch (media_of(ar->h)) {
	case MEDIA_JSON:
		ar->json = json_loadb((const char *)ar->h->body,
		    ar->h->bodylen, JSON_REJECT_DUPLICATES, &jerr);
		explicit_bzero(&jerr, sizeof(jerr));
		if (ar->json != NULL && json_is_object(ar->json))
			return 0;
		app_fail(ar, 400, "bad_request",
		    "The body is not a JSON object.");
		return -1;
	case MEDIA_FORM:
		if (http_form_parse(&ar->form, ar->h->body,
		    ar->h->bodylen) == 0)
			return 0;
		app_fail(ar, 400, "bad_request", "The form could not be read.");
		return -1;
	default:
		app_fail(ar, 415, "unsupported_media_type",
		    "This body cannot be read here.");
		return -1;
	}
}

static void
app_request(struct req *r)
{
	struct app_req	*ar = app_of(r);

#ifdef SMSG_TEST_HOOKS
	if (apptest_request(r))
		return;
#endif
	if (ar->streaming) {
		if (!ar->session_ok)
			ar->end_due = 1;	/* stream_start ends it */
		else
			ar->route->stream->end(ar);
		return;
	}
	if (read_body(ar) == -1)
		return;
	if (ar->route->access == ACCESS_ANYONE)
		ar->route->handler(ar);
	else
		check_session(ar);
}

const struct server_app app_server = {
	.init = app_init,
	.head = app_head,
	.request = app_request,
};
