/*
 * The front's application core: find the route, refuse what must be
 * refused before anything reaches auth (cross-site posts, rate limits,
 * wrong media types, malformed bodies), find the session and have auth
 * check it, then hand over to the page or API handler.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
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

void
app_init(void)
{
	rate_login = ratelimit_new(front_conf.login_rate,
	    front_conf.login_rate, RATE_TABLE);
	rate_register = ratelimit_new(front_conf.register_rate,
	    front_conf.register_rate, RATE_TABLE);
	if (rate_login == NULL || rate_register == NULL)
		fatal("rate limits");
}

static int
has_body(enum http_method m)
{
	return m == HTTP_POST || m == HTTP_PUT || m == HTTP_PATCH ||
	    m == HTTP_DELETE;
}

struct app_req *
app_of(struct req *r)
{
	return req_data(r);
}

const char *
app_addr(struct app_req *ar)
{
	return req_addr(ar->r);
}

static void
app_req_free(void *arg)
{
	struct app_req	*ar = arg;

	http_form_free(&ar->form);
	if (ar->json != NULL)
		json_decref(ar->json);
	if (ar->list != NULL)
		json_decref(ar->list);
	if (ar->vars != NULL) {
		vars_free(ar->vars);
		free(ar->vars);
	}
	explicit_bzero(ar->token, sizeof(ar->token));
	explicit_bzero(&ar->who, sizeof(ar->who));
	free(ar);
}

/* Tokens come from auth as base64url; anything else never reaches it. */
int
app_valid_token(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return 0;
	return i > 0 && i < TOKEN_MAX;
}

void
app_plain(struct app_req *ar, int status, const char *text)
{
	req_respond(ar->r, status, "text/plain; charset=utf-8", text,
	    strlen(text));
}

void
app_fmt_time(uint64_t t, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		strlcpy(buf, "-", len);
}

/* The session prefix of every session-bound request to auth. */
void
app_auth_prefix(struct app_req *ar, struct msgbuf *mb, uint32_t type,
    int check_csrf)
{
	const char	*csrf = "";

	msg_init(mb, type, 0);
	if (check_csrf && (csrf = http_form_get(&ar->form, "csrf")) == NULL)
		csrf = "";
	msg_add_string(mb, ar->token);
	msg_add_u8(mb, check_csrf);
	msg_add_string(mb, csrf);
	msg_add_string(mb, app_addr(ar));
}

int
app_ask_auth(struct app_req *ar, struct msgbuf *mb, req_answer_cb cb)
{
	if (req_ask(ar->r, PROC_AUTH, mb, cb) == -1) {
		if (ar->route != NULL && (ar->route->flags & R_API))
			api_error(ar, 503, "busy", "The server is busy; "
			    "try again in a moment.");
		else
			page_error(ar, 503, "The server is busy; try again "
			    "in a moment.");
		return -1;
	}
	return 0;
}

/* A request that is nothing but the session prefix. */
void
app_ask_session(struct app_req *ar, uint32_t type, int check_csrf,
    req_answer_cb cb)
{
	struct msgbuf	 mb;

	app_auth_prefix(ar, &mb, type, check_csrf);
	app_ask_auth(ar, &mb, cb);
}

/* AUTH_FAIL: u32 code, u32 retry_after, string message. */
int
app_get_fail(struct msg *m, uint32_t *code, uint32_t *retry, char *text,
    size_t len)
{
	struct msgcur	 cur;

	msg_cursor(m, &cur);
	if (msg_get_u32(&cur, code) == -1 || msg_get_u32(&cur, retry) == -1 ||
	    msg_get_string(&cur, text, len) == -1 || msg_get_end(&cur) == -1 ||
	    *code >= AUTH_E_MAX)
		fatalx("malformed AUTH_FAIL from auth");
	return 0;
}

int
app_fail_status(uint32_t code)
{
	static const int status[AUTH_E_MAX] = {
		[AUTH_E_BADREQ] = 400, [AUTH_E_CREDENTIALS] = 401,
		[AUTH_E_SESSION] = 401, [AUTH_E_CSRF] = 403,
		[AUTH_E_LOCKED] = 403, [AUTH_E_EXISTS] = 409,
		[AUTH_E_POLICY] = 422, [AUTH_E_OTP_REUSED] = 401,
		[AUTH_E_STATE] = 409, [AUTH_E_NOTFOUND] = 404,
		[AUTH_E_THROTTLED] = 429, [AUTH_E_BUSY] = 503,
		[AUTH_E_INTERNAL] = 500,
	};

	return code < AUTH_E_MAX ? status[code] : 500;
}

const char *
app_fail_code(uint32_t code)
{
	static const char *names[AUTH_E_MAX] = {
		[AUTH_E_BADREQ] = "bad_request",
		[AUTH_E_CREDENTIALS] = "invalid_credentials",
		[AUTH_E_SESSION] = "session_invalid",
		[AUTH_E_CSRF] = "csrf",
		[AUTH_E_LOCKED] = "locked",
		[AUTH_E_EXISTS] = "exists",
		[AUTH_E_POLICY] = "weak_password",
		[AUTH_E_OTP_REUSED] = "otp_reused",
		[AUTH_E_STATE] = "conflict",
		[AUTH_E_NOTFOUND] = "not_found",
		[AUTH_E_THROTTLED] = "throttled",
		[AUTH_E_BUSY] = "busy",
		[AUTH_E_INTERNAL] = "internal",
	};

	return code < AUTH_E_MAX ? names[code] : "internal";
}

/* AUTH_WHO: string name, u32 uid, u64 sid, u64 expires, string csrf, u8. */
static void
get_who(struct msg *m, struct who *w)
{
	struct msgcur	 cur;
	uint8_t		 totp;

	msg_cursor(m, &cur);
	if (msg_get_string(&cur, w->name, sizeof(w->name)) == -1 ||
	    msg_get_u32(&cur, &w->uid) == -1 ||
	    msg_get_u64(&cur, &w->sid) == -1 ||
	    msg_get_u64(&cur, &w->expires) == -1 ||
	    msg_get_string(&cur, w->csrf, sizeof(w->csrf)) == -1 ||
	    msg_get_u8(&cur, &totp) == -1 || msg_get_end(&cur) == -1)
		fatalx("malformed AUTH_WHO from auth");
	w->totp_on = totp != 0;
}

static int
on_session(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	uint32_t	 code, retry;
	char		 text[512];

	if (m == NULL) {
		if (ar->route->flags & R_API)
			api_error(ar, 503, "unavailable",
			    "Sign-in service unavailable; try again.");
		else
			page_error(ar, 503, "The sign-in service is not "
			    "available right now; try again in a moment.");
		return 0;
	}
	if (m->type == MSG_AUTH_WHO) {
		get_who(m, &ar->who);
		ar->route->handler(ar);
		return 0;
	}
	if (m->type != MSG_AUTH_FAIL)
		fatalx("unexpected %s for a session check",
		    msg_type_name(m->type));
	app_get_fail(m, &code, &retry, text, sizeof(text));
	if (ar->route->flags & R_API)
		api_error(ar, app_fail_status(code), app_fail_code(code), text);
	else if (code == AUTH_E_CSRF)
		page_error(ar, 403, "This form has expired or did not come "
		    "from this site. Go back, reload the page and try again.");
	else
		page_need_login(ar);
	return 0;
}

/* Where the session token is: a cookie for pages, a bearer for the API. */
static int
find_token(struct app_req *ar)
{
	const char	*auth;

	if (ar->route->flags & R_API) {
		if ((auth = http_header(ar->h, "authorization")) == NULL ||
		    strncasecmp(auth, "Bearer ", 7) != 0)
			return -1;
		if (strlcpy(ar->token, auth + 7, sizeof(ar->token)) >=
		    sizeof(ar->token))
			return -1;
	} else if (http_cookie_get(ar->h, COOKIE_SESSION, ar->token,
	    sizeof(ar->token)) == -1)
		return -1;
	return app_valid_token(ar->token) ? 0 : -1;
}

static void
check_session(struct app_req *ar)
{
	struct msgbuf	 mb;
	int		 post = has_body(ar->h->method);

	if (find_token(ar) == -1) {
		if (ar->route->flags & R_API)
			api_error(ar, 401, "session_invalid",
			    "Sign in first: no valid bearer token.");
		else if (post)
			page_error(ar, 403, "You are not signed in.");
		else
			page_need_login(ar);
		return;
	}
	/* Every state-changing page form carries the CSRF token. */
	app_auth_prefix(ar, &mb, MSG_AUTH_CHECK,
	    post && !(ar->route->flags & R_API));
	app_ask_auth(ar, &mb, on_session);
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
	char			 secs[16], net[NETKEY_MAX];

	if (ar->route->flags & R_RATE_LOGIN)
		rl = rate_login;
	else if (ar->route->flags & R_RATE_REGISTER)
		rl = rate_register;
	/* Counted per client network: an IPv6 /64 is one client. */
	net_key(&front_conf.net, app_addr(ar), net, sizeof(net));
	if (rl == NULL || ratelimit_take(rl, net, time(NULL), &retry) == 1)
		return 0;
	snprintf(secs, sizeof(secs), "%u", retry);
	req_header(ar->r, "Retry-After", secs);
	log_info("rate limit: %s from %s", ar->route->path, net);
	if (ar->route->flags & R_API)
		api_error(ar, 429, "throttled", "Too many attempts from your "
		    "network; wait a minute and try again.");
	else
		page_error(ar, 429, "Too many attempts from your network. "
		    "Wait a minute and try again.");
	return 1;
}

/* The media type decides how the body is read; a wrong one is 415. */
static int
read_body(struct app_req *ar)
{
	char		 type[128];
	json_error_t	 jerr;
	int		 api = ar->route->flags & R_API;
	int		 typed = http_content_type(ar->h, type, sizeof(type));

	if (!has_body(ar->h->method))
		return 0;
	if (ar->h->bodylen == 0 && typed == -1)
		return 0;
	if (api) {
		if (typed == -1 || strcmp(type, "application/json") != 0) {
			api_error(ar, 415, "unsupported_media_type",
			    "Send the request body as application/json.");
			return -1;
		}
		ar->json = json_loadb((const char *)ar->h->body,
		    ar->h->bodylen, JSON_REJECT_DUPLICATES, &jerr);
		if (ar->json == NULL || !json_is_object(ar->json)) {
			api_error(ar, 400, "bad_request",
			    "The body is not a JSON object.");
			return -1;
		}
		return 0;
	}
	if (typed == -1 ||
	    strcmp(type, "application/x-www-form-urlencoded") != 0) {
		page_error(ar, 415, "This form was sent in a way the server "
		    "does not accept.");
		return -1;
	}
	if (http_form_parse(&ar->form, ar->h->body, ar->h->bodylen) == -1) {
		page_error(ar, 400, "The form could not be read.");
		return -1;
	}
	return 0;
}

static const struct route *
find_route(const struct http_request *h, int *wrong_method)
{
	const struct route	*table, *rt;
	enum http_method	 method = h->method;

	*wrong_method = 0;
	table = strncmp(h->path, "/api/", 5) == 0 ? api_routes : page_routes;
	if (method == HTTP_HEAD)
		method = HTTP_GET;
	for (rt = table; rt->path != NULL; rt++) {
		if (rt->flags & R_PREFIX) {
			if (strncmp(h->path, rt->path, strlen(rt->path)) != 0)
				continue;
		} else if (strcmp(h->path, rt->path) != 0)
			continue;
		if (rt->method == method)
			return rt;
		*wrong_method = 1;
	}
	return NULL;
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

/*
 * The head is in: everything that can be refused without the body is
 * refused here, before a byte of it is read.
 */
int
app_head(struct req *r)
{
	struct app_req	*ar;
	int		 wrong_method;

	if ((ar = calloc(1, sizeof(*ar))) == NULL) {
		req_respond(r, 503, "text/plain; charset=utf-8",
		    "out of memory\n", 14);
		return -1;
	}
	ar->r = r;
	ar->h = req_http(r);
	req_set_data(r, ar, app_req_free);
	copy_agent(ar);
	ar->route = find_route(ar->h, &wrong_method);
	if (ar->route == NULL) {
		if (strncmp(ar->h->path, "/api/", 5) == 0)
			api_error(ar, wrong_method ? 405 : 404, wrong_method ?
			    "method_not_allowed" : "not_found", wrong_method ?
			    "This method is not allowed here." :
			    "No such API endpoint.");
		else
			page_error(ar, wrong_method ? 405 : 404, wrong_method ?
			    "This page cannot be used that way." :
			    "There is no such page.");
		return -1;
	}
	if (!(ar->route->flags & R_API) && has_body(ar->h->method) &&
	    cross_site(ar->h)) {
		log_info("refused a cross-site %s %s from %s",
		    http_method_name(ar->h->method), ar->route->path,
		    app_addr(ar));
		page_error(ar, 403, "Requests from other sites are refused.");
		return -1;
	}
	if (rate_limited(ar))
		return -1;
	req_body_buffer(r, has_body(ar->h->method) ? front_conf.form_max : 0);
	return 0;
}

void
app_request(struct req *r)
{
	struct app_req	*ar = app_of(r);

	if (read_body(ar) == -1)
		return;
	if (ar->route->flags & R_SESSION)
		check_session(ar);
	else
		ar->route->handler(ar);
}

/* Page values: the front sends strings, smsg-web escapes them. */
void
vars_add(struct vars *v, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	char	*val;

	if (v->n == VARS_MAX)
		fatalx("too many page values");
	va_start(ap, fmt);
	if (vasprintf(&val, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	if ((v->kv[v->n].key = strdup(key)) == NULL)
		fatal("strdup");
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
}
