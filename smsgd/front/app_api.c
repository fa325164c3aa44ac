/*
 * The JSON API under /api/v1.  Bearer tokens, never cookies, so no CSRF
 * token; every error is {"error": code, "message": text}.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "proto.h"

#define API	"/api/v1/"

static void
api_send(struct app_req *ar, int status, json_t *obj)
{
	char	*s;

	if (obj == NULL || (s = json_dumps(obj, JSON_COMPACT)) == NULL)
		fatalx("json_dumps");
	req_respond(ar->r, status, "application/json; charset=utf-8", s,
	    strlen(s));
	freezero(s, strlen(s));
	json_decref(obj);
}

void
api_error(struct app_req *ar, int status, const char *code,
    const char *message)
{
	api_send(ar, status, json_pack("{s:s, s:s}", "error", code,
	    "message", message));
}

static void
api_no_content(struct app_req *ar)
{
	req_respond(ar->r, 204, NULL, NULL, 0);
}

/* A string member of the request body; "" when absent, NULL when not a string. */
static const char *
member(struct app_req *ar, const char *name)
{
	json_t	*v;

	if (ar->json == NULL || (v = json_object_get(ar->json, name)) == NULL)
		return "";
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Every named member must be a string; a wrong type is the caller's error. */
static int
members_ok(struct app_req *ar, const char *const *names)
{
	char	 text[128];

	for (; *names != NULL; names++)
		if (member(ar, *names) == NULL) {
			snprintf(text, sizeof(text), "\"%s\" must be a string.",
			    *names);
			api_error(ar, 400, "bad_request", text);
			return 0;
		}
	return 1;
}

static int
api_fail(struct app_req *ar, struct msg *m)
{
	uint32_t	 code, retry;
	char		 text[512], secs[16];

	app_get_fail(m, &code, &retry, text, sizeof(text));
	if (code == AUTH_E_THROTTLED && retry > 0) {
		snprintf(secs, sizeof(secs), "%u", retry);
		req_header(ar->r, "Retry-After", secs);
	}
	api_error(ar, app_fail_status(code), app_fail_code(code), text);
	return 0;
}

static int
api_gone(struct app_req *ar)
{
	api_error(ar, 503, "unavailable", "The sign-in service is not "
	    "available right now; try again in a moment.");
	return 0;
}

/* 1 when the answer ended the request (auth gone, or a failure), answered. */
static int
api_settled(struct app_req *ar, struct msg *m, uint32_t want, uint32_t alt)
{
	if (m == NULL) {
		api_gone(ar);
		return 1;
	}
	a_expect(m, want, alt);
	if (m->type == MSG_AUTH_FAIL) {
		api_fail(ar, m);
		return 1;
	}
	return 0;
}

static int
on_register(struct req *r, struct msg *m)
{
	struct app_req		*ar = app_of(r);
	struct a_registered	 reg;

	if (api_settled(ar, m, MSG_AUTH_REGISTERED, MSG_AUTH_REGISTERED))
		return 0;
	a_get_registered(m, &reg);
	api_send(ar, 201, json_pack("{s:s, s:s}", "username", reg.name,
	    "recovery_key", reg.recovery_key));
	explicit_bzero(&reg, sizeof(reg));
	return 0;
}

static void
a_register(struct app_req *ar)
{
	static const char *const need[] = { "username", "password", NULL };
	struct msgbuf	 mb;

	if (!members_ok(ar, need))
		return;
	msg_init(&mb, MSG_AUTH_REGISTER, 0);
	msg_add_string(&mb, member(ar, "username"));
	msg_add_string(&mb, member(ar, "password"));
	msg_add_string(&mb, app_addr(ar));
	app_ask_auth(ar, &mb, on_register);
}

static int
on_login(struct req *r, struct msg *m)
{
	struct app_req		*ar = app_of(r);
	struct a_session	 s;

	if (api_settled(ar, m, MSG_AUTH_SESSION, MSG_AUTH_NEED_OTP))
		return 0;
	if (m->type == MSG_AUTH_NEED_OTP) {
		/* The API sends password and code together: no pending step. */
		api_error(ar, 401, "otp_required", "This account uses "
		    "two-factor authentication: send \"otp\" as well.");
		return 0;
	}
	a_get_session(m, &s);
	/* The device token: sent back as "device" at the next login. */
	api_send(ar, 200, json_pack("{s:s, s:I, s:s}", "token", s.token,
	    "expires", (json_int_t)s.expires, "device", s.device));
	explicit_bzero(&s, sizeof(s));
	return 0;
}

static void
a_login(struct app_req *ar)
{
	static const char *const need[] = { "username", "password", "otp",
	    "device", NULL };
	struct msgbuf	 mb;

	if (!members_ok(ar, need))
		return;
	msg_init(&mb, MSG_AUTH_LOGIN, 0);
	msg_add_string(&mb, member(ar, "username"));
	msg_add_string(&mb, member(ar, "password"));
	msg_add_string(&mb, member(ar, "otp"));
	msg_add_string(&mb, app_addr(ar));
	msg_add_string(&mb, ar->agent);
	msg_add_string(&mb, app_valid_token(member(ar, "device")) ?
	    member(ar, "device") : "");
	app_ask_auth(ar, &mb, on_login);
}

/* Answers that carry nothing: AUTH_OK becomes 204 or {"ok": true}. */
static int
on_ok_204(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);

	if (api_settled(ar, m, MSG_AUTH_OK, MSG_AUTH_OK))
		return 0;
	a_expect_empty(m);
	api_no_content(ar);
	return 0;
}

static int
on_ok_json(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);

	if (api_settled(ar, m, MSG_AUTH_OK, MSG_AUTH_OK))
		return 0;
	a_expect_empty(m);
	api_send(ar, 200, json_pack("{s:b}", "ok", 1));
	return 0;
}

static void
a_logout(struct app_req *ar)
{
	app_ask_session(ar, MSG_AUTH_LOGOUT, 0, on_ok_204);
}

static void
a_me(struct app_req *ar)
{
	api_send(ar, 200, json_pack("{s:s, s:I, s:I, s:b}", "username",
	    ar->who.name, "uid", (json_int_t)ar->who.uid, "expires",
	    (json_int_t)ar->who.expires, "totp", ar->who.totp_on));
}

static void
a_password(struct app_req *ar)
{
	static const char *const need[] = { "current", "new", NULL };
	struct msgbuf	 mb;
	json_t		*so;

	if (!members_ok(ar, need))
		return;
	so = ar->json != NULL ? json_object_get(ar->json, "signout_others") :
	    NULL;
	if (so != NULL && !json_is_boolean(so)) {
		api_error(ar, 400, "bad_request",
		    "\"signout_others\" must be true or false.");
		return;
	}
	app_auth_prefix(ar, &mb, MSG_AUTH_PASSWORD, 0);
	msg_add_string(&mb, member(ar, "current"));
	msg_add_string(&mb, member(ar, "new"));
	msg_add_u8(&mb, so == NULL || json_is_true(so));
	app_ask_auth(ar, &mb, on_ok_json);
}

static int
on_totp_begin(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct a_totp	 t;

	if (api_settled(ar, m, MSG_AUTH_TOTP_SECRET, MSG_AUTH_TOTP_SECRET))
		return 0;
	a_get_totp(m, &t);
	api_send(ar, 200, json_pack("{s:s, s:s}", "secret", t.secret,
	    "uri", t.uri));
	explicit_bzero(&t, sizeof(t));
	return 0;
}

static void
a_totp_begin(struct app_req *ar)
{
	app_ask_session(ar, MSG_AUTH_TOTP_BEGIN, 0, on_totp_begin);
}

static int
on_totp_confirm(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct a_codes	 k;
	json_t		*codes;
	uint32_t	 i;

	if (api_settled(ar, m, MSG_AUTH_CODES, MSG_AUTH_CODES))
		return 0;
	a_get_codes(m, &k);
	if ((codes = json_array()) == NULL)
		fatalx("json_array");
	for (i = 0; i < k.n; i++)
		json_array_append_new(codes, json_string(k.code[i]));
	explicit_bzero(&k, sizeof(k));
	api_send(ar, 200, json_pack("{s:o}", "recovery_codes", codes));
	return 0;
}

static void
a_totp_confirm(struct app_req *ar)
{
	static const char *const need[] = { "otp", NULL };
	struct msgbuf	 mb;

	if (!members_ok(ar, need))
		return;
	app_auth_prefix(ar, &mb, MSG_AUTH_TOTP_CONFIRM, 0);
	msg_add_string(&mb, member(ar, "otp"));
	app_ask_auth(ar, &mb, on_totp_confirm);
}

static void
a_totp_disable(struct app_req *ar)
{
	static const char *const need[] = { "password", "otp", NULL };
	struct msgbuf	 mb;

	if (!members_ok(ar, need))
		return;
	app_auth_prefix(ar, &mb, MSG_AUTH_TOTP_DISABLE, 0);
	msg_add_string(&mb, member(ar, "password"));
	msg_add_string(&mb, member(ar, "otp"));
	app_ask_auth(ar, &mb, on_ok_204);
}

/* Lists: one JSON object per answer, sent at AUTH_END. */
static int
on_list(struct req *r, struct msg *m, const char *name, uint32_t item,
    json_t *(*row)(struct msg *))
{
	struct app_req	*ar = app_of(r);

	if (api_settled(ar, m, item, MSG_AUTH_END))
		return 0;
	if (ar->list == NULL && (ar->list = json_array()) == NULL)
		fatalx("json_array");
	if (m->type == item) {
		json_array_append_new(ar->list, row(m));
		return 1;
	}
	a_expect_empty(m);
	api_send(ar, 200, json_pack("{s:O}", name, ar->list));
	return 0;
}

static json_t *
session_row(struct msg *m)
{
	struct a_sessinfo	 s;
	char			 id[17];

	a_get_sessinfo(m, &s);
	snprintf(id, sizeof(id), "%016" PRIx64, s.id);
	return json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:b}", "id", id,
	    "created", (json_int_t)s.created, "last_seen",
	    (json_int_t)s.last_seen, "expires", (json_int_t)s.expires,
	    "addr", s.addr, "agent", s.agent, "current", s.current);
}

static json_t *
event_row(struct msg *m)
{
	struct a_event	 e;

	a_get_event(m, &e);
	return json_pack("{s:I, s:s, s:s, s:s}", "time", (json_int_t)e.time,
	    "event", e.event, "addr", e.addr, "detail", e.detail);
}

static int
on_sessions(struct req *r, struct msg *m)
{
	return on_list(r, m, "sessions", MSG_AUTH_SESSION_INFO, session_row);
}

static int
on_activity(struct req *r, struct msg *m)
{
	return on_list(r, m, "events", MSG_AUTH_EVENT, event_row);
}

static void
a_sessions(struct app_req *ar)
{
	app_ask_session(ar, MSG_AUTH_SESSIONS, 0, on_sessions);
}

static void
a_activity(struct app_req *ar)
{
	app_ask_session(ar, MSG_AUTH_ACTIVITY, 0, on_activity);
}

static void
a_revoke(struct app_req *ar)
{
	const char	*id = ar->h->path + strlen(API "sessions/");
	struct msgbuf	 mb;
	uint64_t	 sid;
	char		*end;

	sid = strtoull(id, &end, 16);
	if (strlen(id) != 16 || *end != '\0') {
		api_error(ar, 404, "not_found", "No such session.");
		return;
	}
	app_auth_prefix(ar, &mb, MSG_AUTH_REVOKE, 0);
	msg_add_u64(&mb, sid);
	app_ask_auth(ar, &mb, on_ok_204);
}

const struct route api_routes[] = {
	{ HTTP_POST, API "register", R_API | R_RATE_REGISTER, a_register },
	{ HTTP_POST, API "login", R_API | R_RATE_LOGIN, a_login },
	{ HTTP_POST, API "logout", R_API | R_SESSION, a_logout },
	{ HTTP_GET, API "me", R_API | R_SESSION, a_me },
	{ HTTP_POST, API "password", R_API | R_SESSION, a_password },
	{ HTTP_POST, API "totp", R_API | R_SESSION, a_totp_begin },
	{ HTTP_POST, API "totp/confirm", R_API | R_SESSION, a_totp_confirm },
	{ HTTP_DELETE, API "totp", R_API | R_SESSION, a_totp_disable },
	{ HTTP_GET, API "sessions", R_API | R_SESSION, a_sessions },
	{ HTTP_DELETE, API "sessions/", R_API | R_SESSION | R_PREFIX,
	  a_revoke },
	{ HTTP_GET, API "activity", R_API | R_SESSION, a_activity },
	{ 0, NULL, 0, NULL }
};
