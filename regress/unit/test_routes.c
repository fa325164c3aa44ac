/*
 * The front's route table and application, without the server: the
 * table's invariants (checked over whatever routes it holds, not a copy
 * of it), path matching with typed parameters and hostile paths, and
 * what the application decides from a request's head alone (404, 405
 * with Allow, 411, 413, 415, the session check) through a test double
 * of the server's request API.  Also the page values' bound and the
 * jansson allocator.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "log.h"
#include "proto.h"
#include "sse.h"
#include "events.h"
#include "tap.h"

/* --- a test double of the server core's request API (server.h) */

struct front_conf front_conf = {
	.form_max = 65536, .login_rate = 1000, .register_rate = 1000,
	.header_timeout = 10, .body_idle_timeout = 30, .idle_timeout = 60,
	.max_conns = 16, .https_port = 443,
};

#define ASKS_MAX	8

struct req {
	struct http_parser	 hp;
	void			*data;
	void			(*data_free)(void *);
	size_t			 body_max;
	req_piece_cb		 piece;		/* a streamed body's */
	int			 status;	/* answered, or rendered */
	char			 allow[128];
	int			 nasks;
	enum proc_id		 peer[ASKS_MAX];
	uint32_t		 type[ASKS_MAX];
};

const struct http_request *
req_http(const struct req *r)
{
	return &r->hp.req;
}

const char *
req_addr(const struct req *r)
{
	return "192.0.2.1";
}

void *
req_data(const struct req *r)
{
	return r->data;
}

void
req_set_data(struct req *r, void *data, void (*fn)(void *))
{
	r->data = data;
	r->data_free = fn;
}

void
req_body_buffer(struct req *r, size_t max)
{
	r->body_max = max;
}

void
req_body_stream(struct req *r, size_t max, req_piece_cb piece)
{
	r->body_max = max;
	r->piece = piece;
}

void
req_body_resume(struct req *r)
{
}

int
req_answered(const struct req *r)
{
	return r->status != 0;
}

int
req_write(struct req *r, const void *p, size_t len)
{
	return 0;
}

void *
req_write_space(struct req *r, size_t len)
{
	return NULL;
}

int
req_write_commit(struct req *r, size_t len)
{
	return -1;
}

void
req_on_drain(struct req *r, req_drain_cb cb, size_t lowat)
{
}

size_t
req_pending(const struct req *r)
{
	return 0;
}

int
req_streaming(const struct req *r)
{
	return 0;
}

void
req_header(struct req *r, const char *name, const char *value)
{
	if (strcmp(name, "Allow") == 0)
		strlcpy(r->allow, value, sizeof(r->allow));
}

void
req_respond(struct req *r, int status, const char *ctype, const void *body,
    size_t len)
{
	r->status = status;
}

/* A page is answered when smsg-web renders it: its status is the answer. */
int
req_ask(struct req *r, enum proc_id peer, struct msgbuf *mb,
    req_answer_cb cb)
{
	struct msg	 m = { .data = mb->data, .len = mb->len };
	struct msgcur	 c;
	uint16_t	 page, status;

	if (r->nasks < ASKS_MAX) {
		r->peer[r->nasks] = peer;
		r->type[r->nasks] = mb->type;
	}
	r->nasks++;
	if (mb->type == MSG_WEB_RENDER) {
		msg_cursor(&m, &c);
		if (msg_get_u16(&c, &page) == 0 &&
		    msg_get_u16(&c, &status) == 0)
			r->status = status;
	}
	msg_free(mb);
	return 0;
}

/* A notice is no answer: counted as a question all the same. */
int
req_tell(struct req *r, enum proc_id peer, struct msgbuf *mb)
{
	r->nasks++;
	msg_free(mb);
	return 0;
}

/* A stream's head is its answer here; the live events are not run. */
int
req_begin(struct req *r, int status, const char *ctype, long long len)
{
	r->status = status;
	return 0;
}

void
req_end(struct req *r)
{
}

int
sse_open(struct req *r, uint32_t uid, uint64_t sid, int replay)
{
	r->status = 200;
	return 0;
}

void
sse_replay_event(struct req *r, uint64_t id, const char *name,
    const uint8_t *data, size_t len)
{
}

void
sse_replay_done(struct req *r)
{
}

int
req_worker_id(const struct req *r)
{
	return 0;
}

uint64_t
events_watch(int worker, uint32_t uid, uint64_t sid, ev_ended_cb ended,
    void *arg)
{
	return 1;
}

void
events_unregister(uint64_t key)
{
}

/* --- requests */

/* The head of raw; 0 when it parsed. */
static int
req_new(struct req *r, const char *raw)
{
	size_t	 used;

	memset(r, 0, sizeof(*r));
	http_parser_init(&r->hp);
	return http_parse(&r->hp, (const uint8_t *)raw, strlen(raw),
	    &used) == HTTP_HEAD_DONE ? 0 : -1;
}

static void
req_drop(struct req *r)
{
	if (r->data_free != NULL)
		r->data_free(r->data);
	http_parser_free(&r->hp);
}

/* The head through app_head: its return; r holds what it did. */
static int
head(struct req *r, const char *method, const char *path,
    const char *extra)
{
	char	 raw[2048];

	snprintf(raw, sizeof(raw), "%s %s HTTP/1.1\r\nHost: a\r\n%s\r\n",
	    method, path, extra);
	if (req_new(r, raw) == -1)
		return -2;
	return app_server.head(r);
}

/* --- the table's invariants */

static int
is_api(const char *pattern)
{
	return strncmp(pattern, "/api/v1/", 8) == 0;
}

static int
changes_state(enum http_method m)
{
	return m != HTTP_GET && m != HTTP_HEAD;
}

/* A path that pattern matches: each parameter a valid value of its type. */
static void
sample_path(const char *pattern, char *out, size_t len)
{
	const char	*p, *end;

	out[0] = '\0';
	for (p = pattern; *p != '\0'; p++) {
		if (*p != '{') {
			strncat(out, p, 1);
			continue;
		}
		end = strchr(p, '}');
		if (strncmp(strchr(p, ':'), ":hex64}", 7) == 0)
			strlcat(out, "0123456789abcdef", len);
		else if (strncmp(strchr(p, ':'), ":uint}", 6) == 0)
			strlcat(out, "7", len);
		else if (strncmp(strchr(p, ':'), ":msgid}", 7) == 0)
			strlcat(out, "AbCdEfGhIjKlMnOpQrSt-_", len);
		else
			strlcat(out, "abc", len);
		p = end;
	}
}

static void
test_table(void)
{
	const struct route	*rt, *o, *found;
	struct route_params	 rp;
	unsigned int		 allow;
	char			 path[256];
	int			 bad, n = 0;

	for (rt = routes; rt->pattern != NULL; rt++) {
		n++;
		bad = rt->pattern[0] != '/' || rt->handler == NULL;
		tap_ok(!bad, "%s %s: a path and a handler",
		    http_method_name(rt->method), rt->pattern);
		tap_ok((rt->face == FACE_API) == is_api(rt->pattern),
		    "%s: the API face exactly under /api/v1/", rt->pattern);
		/* multipart only where a body is streamed */
		if (rt->face == FACE_API)
			tap_ok(!rt->csrf && (rt->media == 0 ||
			    rt->media == MEDIA_JSON || (rt->body ==
			    BODY_STREAM && rt->media == (MEDIA_JSON |
			    MEDIA_MULTIPART))) && rt->page == WEB_PAGE_ERROR,
			    "%s %s: API: bearer (no CSRF), JSON, no page",
			    http_method_name(rt->method), rt->pattern);
		else
			tap_ok(rt->media == 0 || rt->media == MEDIA_FORM ||
			    (rt->body == BODY_STREAM &&
			    rt->media == MEDIA_MULTIPART),
			    "%s %s: a page takes forms",
			    http_method_name(rt->method), rt->pattern);
		tap_ok((rt->body == BODY_STREAM) == (rt->stream != NULL) &&
		    (rt->stream == NULL || (rt->stream->max > 0 &&
		    rt->stream->start != NULL && rt->stream->piece != NULL &&
		    rt->stream->end != NULL)),
		    "%s %s: a consumer exactly when the body is streamed",
		    http_method_name(rt->method), rt->pattern);
		if (rt->face == FACE_PAGE && changes_state(rt->method) &&
		    rt->access != ACCESS_ANYONE)
			tap_ok(rt->csrf, "%s %s: a signed-in page post "
			    "checks CSRF", http_method_name(rt->method),
			    rt->pattern);
		if (!changes_state(rt->method))
			tap_ok(!rt->csrf && rt->body == BODY_NONE,
			    "GET %s: no body, no CSRF (changes nothing)",
			    rt->pattern);
		if (changes_state(rt->method) && rt->access == ACCESS_ANYONE)
			tap_ok(rt->rate != RATE_NONE, "%s %s: anonymous and "
			    "state-changing, so rate-limited",
			    http_method_name(rt->method), rt->pattern);
		tap_ok((rt->body == BODY_NONE) == (rt->media == 0) &&
		    (rt->body != BODY_NONE || rt->body_max == 0) &&
		    (rt->body != BODY_STREAM || (rt->media & MEDIA_MULTIPART)),
		    "%s %s: media types exactly when a body is taken",
		    http_method_name(rt->method), rt->pattern);
		/* No collision: its own sample finds this very route. */
		sample_path(rt->pattern, path, sizeof(path));
		tap_ok(route_find(routes, rt->method, path, &found, &rp,
		    &allow) == ROUTE_FOUND && found == rt,
		    "%s %s finds its route",
		    http_method_name(rt->method), path);
		for (o = routes; o->pattern != NULL; o++)
			if (o != rt && o->method == rt->method &&
			    route_match(o->pattern, path, &rp))
				tap_ok(0, "%s also matches %s", path,
				    o->pattern);
	}
	tap_ok(n >= 30, "the table has its routes (%d)", n);
	tap_diag("%d routes", n);
	/*
	 * Routes for administrators (or whom messages.broadcast lets in):
	 * each needs a session, and a page that changes anything its CSRF
	 * token.
	 */
	n = 0;
	for (rt = routes; rt->pattern != NULL; rt++) {
		if (rt->access != ACCESS_ADMIN &&
		    rt->access != ACCESS_BROADCAST)
			continue;
		n++;
		tap_ok(rt->face == FACE_API || rt->csrf ||
		    !changes_state(rt->method), "%s %s: a privileged route "
		    "changing state checks CSRF on a page",
		    http_method_name(rt->method), rt->pattern);
	}
	tap_ok(n >= 3, "the privileged routes are there (%d)", n);
	(void)tap_skip;
}

/* --- path matching */

static void
test_match(void)
{
	static const struct {
		const char	*pattern, *path;
		int		 match;
	} t[] = {
		{ "/", "/", 1 },
		{ "/", "//", 0 },
		{ "/", "", 0 },
		{ "/login", "/login", 1 },
		{ "/login", "/login/", 0 },
		{ "/login", "//login", 0 },
		{ "/login", "/./login", 0 },
		{ "/login", "/Login", 0 },
		{ "/login", "/logi%6e", 0 },
		{ "/login", "/login/..", 0 },
		{ "/a/b", "/a//b", 0 },
		{ "/a/b", "/a/b/c", 0 },
		{ "/a/b/c", "/a/b", 0 },
		{ "/s/{id:hex64}", "/s/0123456789abcdef", 1 },
		{ "/s/{id:hex64}", "/s/0123456789ABCDEF", 0 },
		{ "/s/{id:hex64}", "/s/0123456789abcde", 0 },
		{ "/s/{id:hex64}", "/s/0123456789abcdef0", 0 },
		{ "/s/{id:hex64}", "/s/0123456789abcdeg", 0 },
		{ "/s/{id:hex64}", "/s/", 0 },
		{ "/s/{id:hex64}", "/s/0123456789abcdef/", 0 },
		{ "/s/{id:hex64}", "/s/%30123456789abcde", 0 },
		{ "/m/{id:msgid}", "/m/AbCdEfGhIjKlMnOpQrSt-_", 1 },
		{ "/m/{id:msgid}", "/m/AbCdEfGhIjKlMnOpQrSt-", 0 },
		{ "/m/{id:msgid}", "/m/AbCdEfGhIjKlMnOpQrSt-_9", 0 },
		{ "/m/{id:msgid}", "/m/AbCdEfGhIjKlMnOpQrSt.9", 0 },
		{ "/m/{id:msgid}", "/m/sent", 0 },
		{ "/m/{id:id}/files/{n:uint}", "/m/AbC-_9/files/0", 1 },
		{ "/m/{id:id}/files/{n:uint}", "/m/AbC-_9/files/999999999", 1 },
		{ "/m/{id:id}/files/{n:uint}", "/m/AbC/files/1000000000", 0 },
		{ "/m/{id:id}/files/{n:uint}", "/m/AbC/files/01", 0 },
		{ "/m/{id:id}/files/{n:uint}", "/m/AbC/files/x", 0 },
		{ "/m/{id:id}/files/{n:uint}", "/m/AbC/files/-1", 0 },
		{ "/m/{id:id}/files/{n:uint}", "/m/AbC/files/1e3", 0 },
		{ "/m/{id:id}/files/{n:uint}", "/m/AbC/files/", 0 },
		{ "/m/{id:id}/files/{n:uint}", "/m//files/1", 0 },
		{ "/m/{id:id}/files/{n:uint}", "/m/a.b/files/1", 0 },
		{ "/m/{id:id}/files/{n:uint}", "/m/a%41/files/1", 0 },
		{ "/m/{id:id}/files/{n:uint}", "/m/../files/1", 0 },
		{ "/m/{id:id}/files/{n:uint}",
		  "/m/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/files/1", 1 },
		{ "/m/{id:id}/files/{n:uint}",
		  "/m/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/files/1", 0 },
		{ "/c/{name:name}", "/c/bob.smith_2-x", 1 },
		{ "/c/{name:name}", "/c/Bob", 0 },
		{ "/c/{name:name}", "/c/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
		{ "/c/{name:name}", "/c/b%20b", 0 },
		{ "/c/{bad}", "/c/x", 0 },
		{ "/c/{x:nosuchtype}", "/c/x", 0 },
	};
	struct route_params		 rp;
	const struct route_param	*p;
	size_t				 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		tap_ok(route_match(t[i].pattern, t[i].path, &rp) == t[i].match,
		    "%s %s %s", t[i].path, t[i].match ? "matches" :
		    "does not match", t[i].pattern);
	route_match("/m/{id:id}/files/{n:uint}", "/m/Xy_z/files/42", &rp);
	p = route_param(&rp, "n");
	tap_ok(rp.n == 2 && p != NULL && p->num == 42 &&
	    strcmp(route_param(&rp, "id")->text, "Xy_z") == 0 &&
	    route_param(&rp, "other") == NULL, "parameters by name and type");
	route_match("/s/{id:hex64}", "/s/fedcba9876543210", &rp);
	tap_ok(rp.n == 1 && rp.p[0].num == 0xfedcba9876543210ULL,
	    "hex64 is the u64 it spells");
}

/* --- decisions from the head */

static void
expect(const char *method, const char *path, const char *extra, int ret,
    int status, const char *allow, const char *what)
{
	struct req	 r;
	int		 got = head(&r, method, path, extra);

	tap_ok(got == ret && r.status == status &&
	    (allow == NULL || strcmp(r.allow, allow) == 0),
	    "%s %s: %s (returned %d, status %d, Allow \"%s\")", method, path,
	    what, got, r.status, r.allow);
	req_drop(&r);
}

#define JSONT	"Content-Type: application/json\r\n"
#define FORMT	"Content-Type: application/x-www-form-urlencoded\r\n"

#define MPT	"Content-Type: multipart/form-data; boundary=b0\r\n"
#define BEARER	"Authorization: Bearer abcDEF012\r\n"

/*
 * A multipart message is streamed: the session is asked for at the
 * head, before a byte of the body, and the body goes to a consumer; a
 * JSON one to the same route is read whole, as before.
 */
static void
test_stream_head(void)
{
	struct req	 r;
	int		 got;

	got = head(&r, "POST", "/api/v1/messages", BEARER MPT
	    "Content-Length: 10485760\r\n");
	tap_ok(got == 0 && r.piece != NULL && r.nasks == 1 &&
	    r.peer[0] == PROC_AUTH && r.type[0] == MSG_AUTH_CHECK &&
	    r.status == 0, "POST /api/v1/messages, multipart: streamed, the "
	    "session asked for before the body");
	tap_ok(r.piece(&r, (const uint8_t *)"--b0\r\n", 6) == REQ_PAUSE,
	    "... its first piece waits for auth's answer");
	req_drop(&r);
	got = head(&r, "POST", "/api/v1/messages", BEARER JSONT
	    "Content-Length: 100\r\n");
	tap_ok(got == 0 && r.piece == NULL &&
	    r.body_max == front_conf.form_max && r.nasks == 0,
	    "POST /api/v1/messages, JSON: read whole, up to form_max");
	req_drop(&r);
	expect("POST", "/api/v1/messages", BEARER JSONT
	    "Content-Length: 65537\r\n", -1, 413, NULL,
	    "JSON over form_max: 413");
	expect("POST", "/messages", MPT "Sec-Fetch-Site: same-origin\r\n"
	    "Cookie: " COOKIE_SESSION "=abcDEF012\r\n"
	    "Content-Length: 10\r\n", 0, 0, NULL,
	    "the compose page: streamed, no answer before the session's");
	expect("POST", "/messages", FORMT "Sec-Fetch-Site: same-origin\r\n"
	    "Content-Length: 10\r\n", -1, 415, NULL,
	    "the compose page takes multipart only: 415");
	expect("POST", "/messages", MPT "Sec-Fetch-Site: cross-site\r\n"
	    "Content-Length: 10\r\n", -1, 403, NULL,
	    "the compose page from another site: 403");
}

static void
test_head(void)
{
	expect("GET", "/nowhere", "", -1, 404, "", "404 page");
	expect("GET", "/api/v1/nowhere", "", -1, 404, "", "404 JSON");
	expect("PUT", "/login", "", -1, 405, "GET, HEAD, POST",
	    "405 with Allow");
	expect("DELETE", "/api/v1/me", "", -1, 405, "GET, HEAD",
	    "405 with Allow");
	expect("GET", "/api/v1/sessions/0123456789abcdef", "", -1, 405,
	    "DELETE", "405: the parameterized path");
	expect("DELETE", "/api/v1/sessions/0123456789abcdeX", "", -1, 404,
	    "", "a malformed parameter is 404 before any session check");
	expect("GET", "/api/v1/me", "Transfer-Encoding: chunked\r\n", -1, 411,
	    NULL, "a chunked body where none is taken: 411");
	expect("GET", "/api/v1/me", "Content-Length: 5\r\n", -1, 413, NULL,
	    "a body where none is taken: 413");
	expect("POST", "/api/v1/login", JSONT "Content-Length: 65537\r\n", -1,
	    413, NULL, "over form_max: 413");
	expect("POST", "/api/v1/login", "Content-Type: text/plain\r\n"
	    "Content-Length: 5\r\n", -1, 415, NULL, "text/plain: 415");
	expect("POST", "/api/v1/login", FORMT "Content-Length: 5\r\n", -1,
	    415, NULL, "a form to the API: 415");
	expect("POST", "/login", JSONT "Content-Length: 5\r\n"
	    "Sec-Fetch-Site: same-origin\r\n", -1, 415, NULL,
	    "JSON to a page: 415");
	expect("POST", "/login", FORMT "Content-Length: 5\r\n"
	    "Sec-Fetch-Site: cross-site\r\n", -1, 403, NULL,
	    "a cross-site page post: 403");
	expect("POST", "/api/v1/logout", "", 0, 0, NULL,
	    "no length: no body, read on");
	expect("POST", "/api/v1/login", JSONT "Content-Length: 65536\r\n", 0,
	    0, NULL, "a body of form_max: read on");
	expect("HEAD", "/login", "", 0, 0, NULL, "HEAD finds GET");
	test_stream_head();
}

/*
 * Each route taken to its handler with no body: a session route asks
 * auth for the session check first, whatever the face; a route for
 * anyone never does.
 */
static void
test_session_checks(void)
{
	const struct route	*rt;
	struct req		 r;
	char			 path[256], extra[512];
	int			 first;

	for (rt = routes; rt->pattern != NULL; rt++) {
		sample_path(rt->pattern, path, sizeof(path));
		snprintf(extra, sizeof(extra), "%s%s",
		    rt->face == FACE_API ? "Authorization: Bearer abcDEF012" :
		    "Cookie: " COOKIE_SESSION "=abcDEF012; "
		    COOKIE_PENDING "=abcDEF345",
		    "\r\nSec-Fetch-Site: same-origin\r\n");
		if (head(&r, http_method_name(rt->method), path, extra) != 0) {
			tap_ok(0, "%s %s: head refused",
			    http_method_name(rt->method), path);
			req_drop(&r);
			continue;
		}
		app_server.request(&r);
		first = r.nasks > 0 && r.peer[0] == PROC_AUTH &&
		    r.type[0] == MSG_AUTH_CHECK;
		if (rt->access == ACCESS_ANYONE)
			tap_ok(!first, "%s %s: for anyone, no session check",
			    http_method_name(rt->method), path);
		else
			tap_ok(first && r.nasks == 1, "%s %s: the session is "
			    "checked first", http_method_name(rt->method),
			    path);
		req_drop(&r);
	}
}

/* --- page values, jansson */

static void
test_vars(void)
{
	struct vars	*v;
	int		 i;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		abort();
	for (i = 0; i < VARS_MAX; i++)
		vars_add(v, "k", "%d", i);
	tap_ok(v->n == VARS_MAX && !v->failed, "%d values fit", VARS_MAX);
	vars_add(v, "one", "more");
	tap_ok(v->n == VARS_MAX && v->failed,
	    "one more is refused and marks the set failed, no abort");
	vars_free(v);
	tap_ok(v->n == 0 && !v->failed, "vars_free empties and clears");
	free(v);
}

/* Text from a message: UTF-8 smsg-web takes, bounded, cut at a character. */
static void
test_vars_text(void)
{
	static const char	 ok_text[] = "Zo\xc3\xab \xf0\x9f\x98\x80\tone\r\ntwo";
	static const char	 bad[] = "a\xc0\xaf" "b\xed\xa0\x80" "c\xff\x01\x7f\0"
	    "d\xe2\x82";
	struct vars		*v;
	char			*big;
	size_t			 used, i;

	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    (big = malloc(10000)) == NULL)
		abort();
	used = vars_add_text(v, "ok", ok_text, sizeof(ok_text) - 1, 100);
	tap_ok(used == sizeof(ok_text) - 1 && v->n == 1 &&
	    strcmp(v->kv[0].value, ok_text) == 0,
	    "vars_add_text: UTF-8 with tabs and line ends is kept");
	used = vars_add_text(v, "bad", bad, sizeof(bad) - 1, 1000);
	tap_ok(used == sizeof(bad) - 1 && strcmp(v->kv[1].value,
	    "a\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd" "d\xef\xbf\xbd\xef\xbf\xbd") == 0 &&
	    http_utf8_valid((const uint8_t *)v->kv[1].value,
	    strlen(v->kv[1].value)),
	    "... overlong, surrogate, stray and cut bytes, NUL, control "
	    "characters and DEL become U+FFFD");
	for (i = 0; i + 1 < 10000; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	used = vars_add_text(v, "cut", big, 10000, 3999);
	tap_ok(used == 3998 && strlen(v->kv[2].value) == 3998,
	    "... cut at a character below its bound (%zu)", used);
	used = vars_add_text(v, "clamped", big, 10000, 100000);
	tap_ok(used == VARS_TEXT_MAX && strlen(v->kv[3].value) <
	    MSG_MAXSTR, "... never past VARS_TEXT_MAX, below MSG_MAXSTR");
	vars_free(v);
	free(v);
	free(big);
}

static void
test_json_wipe(void)
{
	json_malloc_t	 m;
	json_free_t	 f;
	json_t		*j;
	char		*s;

	json_get_alloc_funcs(&m, &f);
	tap_ok(m != malloc && f != free, "jansson allocates through the "
	    "wiping functions");
	j = json_pack("{s:s}", "password", "correct horse battery");
	s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	tap_ok(s != NULL && strcmp(s,
	    "{\"password\":\"correct horse battery\"}") == 0,
	    "and works through them");
	json_wipe_free(s);
	json_decref(j);
}

int
main(void)
{
	log_init(1, 0);
	log_procinit("test");
	app_server.init();
	test_table();
	test_match();
	test_head();
	test_session_checks();
	test_vars();
	test_vars_text();
	test_json_wipe();
	return tap_done();
}
