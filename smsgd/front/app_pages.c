/*
 * The web pages: each handler asks auth, then has smsg-web render the
 * answer.  Forms post back to the page that showed them; success moves
 * on with 303 See Other so a reload never posts twice.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "proto.h"

#define EVENTS_SHOWN	100	/* activity entries on one page */
#define PENDING_AGE	"300"	/* seconds: matches auth's pending login */

static const char *titles[WEB_PAGE_MAX] = {
	[WEB_PAGE_ERROR] = "Error",
	[WEB_PAGE_LOGIN] = "Sign in",
	[WEB_PAGE_LOGIN_OTP] = "Two-factor code",
	[WEB_PAGE_REGISTER] = "Create an account",
	[WEB_PAGE_REGISTERED] = "Your recovery key",
	[WEB_PAGE_RECOVER] = "Recover your account",
	[WEB_PAGE_HOME] = "Inbox",
	[WEB_PAGE_PASSWORD] = "Change password",
	[WEB_PAGE_TOTP] = "Two-factor authentication",
	[WEB_PAGE_TOTP_CODES] = "Recovery codes",
	[WEB_PAGE_SESSIONS] = "Sessions",
	[WEB_PAGE_ACTIVITY] = "Activity",
	[WEB_PAGE_CSS] = "",
};

static struct vars *
vars_of(struct app_req *ar)
{
	if (ar->vars == NULL && (ar->vars = calloc(1, sizeof(*ar->vars))) ==
	    NULL)
		fatal("calloc");
	return ar->vars;
}

/* MSG_WEB_PAGE: u16 status, string content_type, bytes body. */
static int
on_page(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct msgcur	 c;
	const uint8_t	*body;
	size_t		 len;
	uint16_t	 status;
	char		 ctype[128];

	if (m == NULL) {
		app_plain(ar, 503, "The page service is not available; try "
		    "again in a moment.\n");
		return 0;
	}
	if (m->type != MSG_WEB_PAGE)
		fatalx("web answered %s", msg_type_name(m->type));
	msg_cursor(m, &c);
	if (msg_get_u16(&c, &status) == -1 ||
	    msg_get_string(&c, ctype, sizeof(ctype)) == -1 ||
	    msg_get_bytes(&c, &body, &len, MAXMSG_PEER) == -1 ||
	    msg_get_end(&c) == -1 || status < 200 || status > 599)
		fatalx("malformed WEB_PAGE from web");
	req_respond(r, status, ctype, body, len);
	return 0;
}

/* Send the page's values, plus those every page has, to smsg-web. */
static void
render(struct app_req *ar, enum web_page page, int status)
{
	struct vars	*v = vars_of(ar);
	struct msgbuf	 mb;
	size_t		 i;

	vars_add(v, "title", "%s", titles[page]);
	vars_add(v, "user", "%s", ar->who.name);
	vars_add(v, "csrf", "%s", ar->who.csrf);
	msg_init(&mb, MSG_WEB_RENDER, 0);
	msg_add_u16(&mb, page);
	msg_add_u16(&mb, status);
	msg_add_u32(&mb, v->n);
	for (i = 0; i < v->n; i++) {
		msg_add_string(&mb, v->kv[i].key);
		msg_add_string(&mb, v->kv[i].value);
	}
	vars_free(v);
	if (req_ask(ar->r, PROC_WEB, &mb, on_page) == -1)
		app_plain(ar, 503, "The server is busy; try again in a "
		    "moment.\n");
}

void
page_error(struct app_req *ar, int status, const char *message)
{
	struct vars	*v = vars_of(ar);

	vars_free(v);
	vars_add(v, "status", "%d", status);
	vars_add(v, "message", "%s", message);
	vars_add(v, "error", "%s", message);
	render(ar, WEB_PAGE_ERROR, status);
}

static void
redirect(struct app_req *ar, const char *to)
{
	req_header(ar->r, "Location", to);
	app_plain(ar, 303, "See other\n");
}

static void
set_cookie(struct app_req *ar, const char *name, const char *value,
    const char *max_age)
{
	char	 buf[TOKEN_MAX + 128];

	snprintf(buf, sizeof(buf), "%s=%s; Secure; HttpOnly; "
	    "SameSite=Strict; Path=/%s%s", name, value,
	    max_age != NULL ? "; Max-Age=" : "", max_age != NULL ? max_age : "");
	req_header(ar->r, "Set-Cookie", buf);
	explicit_bzero(buf, sizeof(buf));
}

void
page_need_login(struct app_req *ar)
{
	if (ar->token[0] != '\0')
		set_cookie(ar, COOKIE_SESSION, "", "0");
	redirect(ar, "/login");
}

static const char *
field(struct app_req *ar, const char *name)
{
	const char	*v = http_form_get(&ar->form, name);

	return v != NULL ? v : "";
}

/* An answer from auth that failed: the page again, with the reason. */
static int
show_fail(struct app_req *ar, struct msg *m, enum web_page page)
{
	uint32_t	 code, retry;
	char		 text[512], secs[16];

	app_get_fail(m, &code, &retry, text, sizeof(text));
	if (code == AUTH_E_THROTTLED && retry > 0) {
		snprintf(secs, sizeof(secs), "%u", retry);
		req_header(ar->r, "Retry-After", secs);
	}
	if (code == AUTH_E_SESSION && (ar->route->flags & R_SESSION)) {
		page_need_login(ar);
		return 0;
	}
	vars_add(vars_of(ar), "error", "%s", text);
	render(ar, page, app_fail_status(code));
	return 0;
}

static int
unavailable(struct app_req *ar)
{
	page_error(ar, 503, "The sign-in service is not available right "
	    "now; try again in a moment.");
	return 0;
}

static void
show(struct app_req *ar, enum web_page page)
{
	render(ar, page, 200);
}

/* GET / */
static void
h_root(struct app_req *ar)
{
	char	 tok[TOKEN_MAX];

	if (http_cookie_get(ar->h, COOKIE_SESSION, tok, sizeof(tok)) == 0)
		redirect(ar, "/home");
	else
		redirect(ar, "/login");
	explicit_bzero(tok, sizeof(tok));
}

static void
h_login_get(struct app_req *ar)
{
	if (ar->h->query != NULL && strstr(ar->h->query, "saved=") != NULL)
		vars_add(vars_of(ar), "notice", "Your account is ready. "
		    "Sign in with your new password.");
	show(ar, WEB_PAGE_LOGIN);
}

/* The browser's device token for the sign-in form; "" none. */
static void
device_cookie(struct app_req *ar, char *buf, size_t len)
{
	if (http_cookie_get(ar->h, COOKIE_DEVICE, buf, len) == -1 ||
	    !app_valid_token(buf))
		buf[0] = '\0';
}

static void
signed_in(struct app_req *ar, struct msg *m)
{
	struct a_session	 s;
	char			 age[16];

	a_get_session(m, &s);
	set_cookie(ar, COOKIE_SESSION, s.token, NULL);
	if (s.device[0] != '\0') {
		snprintf(age, sizeof(age), "%u", s.device_max_age);
		set_cookie(ar, COOKIE_DEVICE, s.device, age);
	}
	if (http_cookie_get(ar->h, COOKIE_PENDING, s.token,
	    sizeof(s.token)) == 0)
		set_cookie(ar, COOKIE_PENDING, "", "0");
	explicit_bzero(&s, sizeof(s));
	redirect(ar, "/home");
}

static int
on_login(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	char		 pending[TOKEN_MAX];

	if (m == NULL)
		return unavailable(ar);
	a_expect(m, MSG_AUTH_SESSION, MSG_AUTH_NEED_OTP);
	if (m->type == MSG_AUTH_SESSION)
		signed_in(ar, m);
	else if (m->type == MSG_AUTH_NEED_OTP) {
		a_get_pending(m, pending, sizeof(pending));
		set_cookie(ar, COOKIE_PENDING, pending, PENDING_AGE);
		explicit_bzero(pending, sizeof(pending));
		redirect(ar, "/login/totp");
	} else {
		vars_add(vars_of(ar), "username", "%s", field(ar, "username"));
		return show_fail(ar, m, WEB_PAGE_LOGIN);
	}
	return 0;
}

static void
h_login_post(struct app_req *ar)
{
	struct msgbuf	 mb;
	char		 device[TOKEN_MAX];

	device_cookie(ar, device, sizeof(device));
	msg_init(&mb, MSG_AUTH_LOGIN, 0);
	msg_add_string(&mb, field(ar, "username"));
	msg_add_string(&mb, field(ar, "password"));
	msg_add_string(&mb, "");
	msg_add_string(&mb, app_addr(ar));
	msg_add_string(&mb, ar->agent);
	msg_add_string(&mb, device);
	explicit_bzero(device, sizeof(device));
	app_ask_auth(ar, &mb, on_login);
}

static void
h_otp_get(struct app_req *ar)
{
	char	 pending[TOKEN_MAX];

	if (http_cookie_get(ar->h, COOKIE_PENDING, pending,
	    sizeof(pending)) == -1) {
		redirect(ar, "/login");
		return;
	}
	explicit_bzero(pending, sizeof(pending));
	show(ar, WEB_PAGE_LOGIN_OTP);
}

static int
on_login_otp(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	uint32_t	 code, retry;
	char		 text[512];

	if (m == NULL)
		return unavailable(ar);
	a_expect(m, MSG_AUTH_SESSION, MSG_AUTH_SESSION);
	if (m->type == MSG_AUTH_SESSION) {
		signed_in(ar, m);
		return 0;
	}
	/* The pending sign-in is over: start again with the password. */
	app_get_fail(m, &code, &retry, text, sizeof(text));
	if (code == AUTH_E_SESSION) {
		set_cookie(ar, COOKIE_PENDING, "", "0");
		vars_add(vars_of(ar), "error", "Your sign-in took too long "
		    "or had too many wrong codes. Start again.");
		render(ar, WEB_PAGE_LOGIN, 401);
		return 0;
	}
	vars_add(vars_of(ar), "error", "%s", text);
	render(ar, WEB_PAGE_LOGIN_OTP, app_fail_status(code));
	return 0;
}

static void
h_otp_post(struct app_req *ar)
{
	struct msgbuf	 mb;
	char		 pending[TOKEN_MAX], device[TOKEN_MAX];

	if (http_cookie_get(ar->h, COOKIE_PENDING, pending,
	    sizeof(pending)) == -1 || !app_valid_token(pending)) {
		redirect(ar, "/login");
		return;
	}
	device_cookie(ar, device, sizeof(device));
	msg_init(&mb, MSG_AUTH_LOGIN_OTP, 0);
	msg_add_string(&mb, pending);
	msg_add_string(&mb, field(ar, "code"));
	msg_add_string(&mb, app_addr(ar));
	msg_add_string(&mb, ar->agent);
	msg_add_string(&mb, device);
	explicit_bzero(pending, sizeof(pending));
	explicit_bzero(device, sizeof(device));
	app_ask_auth(ar, &mb, on_login_otp);
}

static void
h_register_get(struct app_req *ar)
{
	show(ar, WEB_PAGE_REGISTER);
}

static int
on_registered(struct req *r, struct msg *m)
{
	struct app_req		*ar = app_of(r);
	struct a_registered	 reg;
	int			 recover = ar->route->handler != NULL &&
				    strcmp(ar->route->path, "/recover") == 0;

	if (m == NULL)
		return unavailable(ar);
	a_expect(m, MSG_AUTH_REGISTERED, MSG_AUTH_REGISTERED);
	if (m->type == MSG_AUTH_FAIL) {
		vars_add(vars_of(ar), "username", "%s", field(ar, "username"));
		return show_fail(ar, m, recover ? WEB_PAGE_RECOVER :
		    WEB_PAGE_REGISTER);
	}
	a_get_registered(m, &reg);
	vars_add(vars_of(ar), "username", "%s", reg.name);
	vars_add(vars_of(ar), "recovery_key", "%s", reg.recovery_key);
	vars_add(vars_of(ar), "mode", "%s", recover ? "recover" : "register");
	explicit_bzero(&reg, sizeof(reg));
	render(ar, WEB_PAGE_REGISTERED, 200);
	return 0;
}

/* The two password fields must agree before anything is hashed. */
static int
passwords_differ(struct app_req *ar, enum web_page page)
{
	if (strcmp(field(ar, "password"), field(ar, "password2")) == 0)
		return 0;
	vars_add(vars_of(ar), "username", "%s", field(ar, "username"));
	vars_add(vars_of(ar), "error", "The two passwords are not the same.");
	render(ar, page, 422);
	return 1;
}

static void
h_register_post(struct app_req *ar)
{
	struct msgbuf	 mb;

	if (passwords_differ(ar, WEB_PAGE_REGISTER))
		return;
	msg_init(&mb, MSG_AUTH_REGISTER, 0);
	msg_add_string(&mb, field(ar, "username"));
	msg_add_string(&mb, field(ar, "password"));
	msg_add_string(&mb, app_addr(ar));
	app_ask_auth(ar, &mb, on_registered);
}

static void
h_recover_get(struct app_req *ar)
{
	show(ar, WEB_PAGE_RECOVER);
}

static void
h_recover_post(struct app_req *ar)
{
	struct msgbuf	 mb;

	if (passwords_differ(ar, WEB_PAGE_RECOVER))
		return;
	msg_init(&mb, MSG_AUTH_RECOVER, 0);
	msg_add_string(&mb, field(ar, "username"));
	msg_add_string(&mb, field(ar, "recovery_key"));
	msg_add_string(&mb, field(ar, "password"));
	msg_add_string(&mb, app_addr(ar));
	app_ask_auth(ar, &mb, on_registered);
}

static void
h_home(struct app_req *ar)
{
	show(ar, WEB_PAGE_HOME);
}

static void
h_settings(struct app_req *ar)
{
	redirect(ar, "/settings/password");
}

static void
h_password_get(struct app_req *ar)
{
	show(ar, WEB_PAGE_PASSWORD);
}

static int
on_password(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);

	if (m == NULL)
		return unavailable(ar);
	a_expect(m, MSG_AUTH_OK, MSG_AUTH_OK);
	if (m->type == MSG_AUTH_FAIL)
		return show_fail(ar, m, WEB_PAGE_PASSWORD);
	a_expect_empty(m);
	vars_add(vars_of(ar), "notice", "Your password has been changed.%s",
	    strcmp(field(ar, "signout_others"), "1") == 0 ?
	    " Your other sessions have been signed out." : "");
	show(ar, WEB_PAGE_PASSWORD);
	return 0;
}

static void
h_password_post(struct app_req *ar)
{
	struct msgbuf	 mb;

	if (passwords_differ(ar, WEB_PAGE_PASSWORD))
		return;
	app_auth_prefix(ar, &mb, MSG_AUTH_PASSWORD, 1);
	msg_add_string(&mb, field(ar, "current"));
	msg_add_string(&mb, field(ar, "password"));
	msg_add_u8(&mb, strcmp(field(ar, "signout_others"), "1") == 0);
	app_ask_auth(ar, &mb, on_password);
}

static void
h_totp_get(struct app_req *ar)
{
	vars_add(vars_of(ar), "enabled", "%d", ar->who.totp_on);
	show(ar, WEB_PAGE_TOTP);
}

static int
on_totp_begin(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct a_totp	 t;

	if (m == NULL)
		return unavailable(ar);
	a_expect(m, MSG_AUTH_TOTP_SECRET, MSG_AUTH_TOTP_SECRET);
	vars_add(vars_of(ar), "enabled", "%d", ar->who.totp_on);
	if (m->type == MSG_AUTH_FAIL)
		return show_fail(ar, m, WEB_PAGE_TOTP);
	a_get_totp(m, &t);
	vars_add(vars_of(ar), "enrolling", "1");
	vars_add(vars_of(ar), "secret", "%s", t.secret);
	vars_add(vars_of(ar), "uri", "%s", t.uri);
	explicit_bzero(&t, sizeof(t));
	show(ar, WEB_PAGE_TOTP);
	return 0;
}

static void
h_totp_begin(struct app_req *ar)
{
	app_ask_session(ar, MSG_AUTH_TOTP_BEGIN, 1, on_totp_begin);
}

static int
on_totp_confirm(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct a_codes	 k;
	char		 key[32];
	uint32_t	 i;

	if (m == NULL)
		return unavailable(ar);
	a_expect(m, MSG_AUTH_CODES, MSG_AUTH_CODES);
	if (m->type == MSG_AUTH_FAIL) {
		vars_add(vars_of(ar), "enabled", "%d", ar->who.totp_on);
		return show_fail(ar, m, WEB_PAGE_TOTP);
	}
	a_get_codes(m, &k);
	for (i = 0; i < k.n; i++) {
		snprintf(key, sizeof(key), "codes.%u.code", i);
		vars_add(vars_of(ar), key, "%s", k.code[i]);
	}
	explicit_bzero(&k, sizeof(k));
	show(ar, WEB_PAGE_TOTP_CODES);
	return 0;
}

static void
h_totp_confirm(struct app_req *ar)
{
	struct msgbuf	 mb;

	app_auth_prefix(ar, &mb, MSG_AUTH_TOTP_CONFIRM, 1);
	msg_add_string(&mb, field(ar, "code"));
	app_ask_auth(ar, &mb, on_totp_confirm);
}

static int
on_totp_disable(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);

	if (m == NULL)
		return unavailable(ar);
	a_expect(m, MSG_AUTH_OK, MSG_AUTH_OK);
	if (m->type == MSG_AUTH_FAIL) {
		vars_add(vars_of(ar), "enabled", "%d", ar->who.totp_on);
		return show_fail(ar, m, WEB_PAGE_TOTP);
	}
	a_expect_empty(m);
	vars_add(vars_of(ar), "enabled", "0");
	vars_add(vars_of(ar), "notice", "Two-factor authentication is off.");
	show(ar, WEB_PAGE_TOTP);
	return 0;
}

static void
h_totp_disable(struct app_req *ar)
{
	struct msgbuf	 mb;

	app_auth_prefix(ar, &mb, MSG_AUTH_TOTP_DISABLE, 1);
	msg_add_string(&mb, field(ar, "password"));
	msg_add_string(&mb, field(ar, "code"));
	app_ask_auth(ar, &mb, on_totp_disable);
}

/* One row of the sessions list per AUTH_SESSION_INFO, until AUTH_END. */
static int
on_sessions(struct req *r, struct msg *m)
{
	struct app_req		*ar = app_of(r);
	struct vars		*v = vars_of(ar);
	struct a_sessinfo	 s;
	char			 k[64], t[64];

	if (m == NULL)
		return unavailable(ar);
	a_expect(m, MSG_AUTH_SESSION_INFO, MSG_AUTH_END);
	if (m->type == MSG_AUTH_FAIL)
		return show_fail(ar, m, WEB_PAGE_SESSIONS);
	if (m->type == MSG_AUTH_END) {
		a_expect_empty(m);
		show(ar, WEB_PAGE_SESSIONS);
		return 0;
	}
	a_get_sessinfo(m, &s);
	if (ar->page >= 100)	/* auth keeps fewer; never overflow vars */
		return 1;
#define ROW(f, ...) do { snprintf(k, sizeof(k), "sessions.%d." f, ar->page); \
	vars_add(v, k, __VA_ARGS__); } while (0)
	ROW("id", "%016" PRIx64, s.id);
	app_fmt_time(s.created, t, sizeof(t));
	ROW("created", "%s", t);
	app_fmt_time(s.last_seen, t, sizeof(t));
	ROW("last_seen", "%s", t);
	app_fmt_time(s.expires, t, sizeof(t));
	ROW("expires", "%s", t);
	ROW("addr", "%s", s.addr);
	ROW("agent", "%s", s.agent);
	ROW("current", "%s", s.current ? "1" : "");
#undef ROW
	ar->page++;
	return 1;
}

static void
h_sessions(struct app_req *ar)
{
	app_ask_session(ar, MSG_AUTH_SESSIONS, 0, on_sessions);
}

static int
on_revoke(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);

	if (m == NULL)
		return unavailable(ar);
	a_expect(m, MSG_AUTH_OK, MSG_AUTH_OK);
	if (m->type == MSG_AUTH_FAIL)
		return show_fail(ar, m, WEB_PAGE_SESSIONS);
	a_expect_empty(m);
	redirect(ar, "/settings/sessions");
	return 0;
}

static void
h_revoke(struct app_req *ar)
{
	struct msgbuf	 mb;
	const char	*id = field(ar, "id");
	char		*end;
	uint64_t	 sid;

	sid = strtoull(id, &end, 16);
	if (strlen(id) != 16 || *end != '\0') {
		page_error(ar, 400, "That is not a session.");
		return;
	}
	app_auth_prefix(ar, &mb, MSG_AUTH_REVOKE, 1);
	msg_add_u64(&mb, sid);
	app_ask_auth(ar, &mb, on_revoke);
}

static int
on_activity(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct vars	*v = vars_of(ar);
	struct a_event	 e;
	char		 k[64], t[64];

	if (m == NULL)
		return unavailable(ar);
	a_expect(m, MSG_AUTH_EVENT, MSG_AUTH_END);
	if (m->type == MSG_AUTH_FAIL)
		return show_fail(ar, m, WEB_PAGE_ACTIVITY);
	if (m->type == MSG_AUTH_END) {
		a_expect_empty(m);
		show(ar, WEB_PAGE_ACTIVITY);
		return 0;
	}
	a_get_event(m, &e);
	if (ar->page >= EVENTS_SHOWN)
		return 1;
#define ROW(f, ...) do { snprintf(k, sizeof(k), "events.%d." f, ar->page); \
	vars_add(v, k, __VA_ARGS__); } while (0)
	app_fmt_time(e.time, t, sizeof(t));
	ROW("time", "%s", t);
	ROW("event", "%s", e.event);
	ROW("addr", "%s", e.addr);
	ROW("detail", "%s", e.detail);
#undef ROW
	ar->page++;
	return 1;
}

static void
h_activity(struct app_req *ar)
{
	app_ask_session(ar, MSG_AUTH_ACTIVITY, 0, on_activity);
}

static int
on_logout(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);

	if (m == NULL)
		return unavailable(ar);
	a_expect(m, MSG_AUTH_OK, MSG_AUTH_OK);
	set_cookie(ar, COOKIE_SESSION, "", "0");
	redirect(ar, "/login");
	return 0;
}

static void
h_logout(struct app_req *ar)
{
	app_ask_session(ar, MSG_AUTH_LOGOUT, 1, on_logout);
}

static void
h_css(struct app_req *ar)
{
	render(ar, WEB_PAGE_CSS, 200);
}

const struct route page_routes[] = {
	{ HTTP_GET, "/", 0, h_root },
	{ HTTP_GET, "/login", 0, h_login_get },
	{ HTTP_POST, "/login", R_RATE_LOGIN, h_login_post },
	{ HTTP_GET, "/login/totp", 0, h_otp_get },
	{ HTTP_POST, "/login/totp", R_RATE_LOGIN, h_otp_post },
	{ HTTP_GET, "/register", 0, h_register_get },
	{ HTTP_POST, "/register", R_RATE_REGISTER, h_register_post },
	{ HTTP_GET, "/recover", 0, h_recover_get },
	{ HTTP_POST, "/recover", R_RATE_LOGIN, h_recover_post },
	{ HTTP_GET, "/home", R_SESSION, h_home },
	{ HTTP_GET, "/settings", R_SESSION, h_settings },
	{ HTTP_GET, "/settings/password", R_SESSION, h_password_get },
	{ HTTP_POST, "/settings/password", R_SESSION, h_password_post },
	{ HTTP_GET, "/settings/2fa", R_SESSION, h_totp_get },
	{ HTTP_POST, "/settings/2fa/begin", R_SESSION, h_totp_begin },
	{ HTTP_POST, "/settings/2fa/confirm", R_SESSION, h_totp_confirm },
	{ HTTP_POST, "/settings/2fa/disable", R_SESSION, h_totp_disable },
	{ HTTP_GET, "/settings/sessions", R_SESSION, h_sessions },
	{ HTTP_POST, "/settings/sessions/revoke", R_SESSION, h_revoke },
	{ HTTP_GET, "/settings/activity", R_SESSION, h_activity },
	{ HTTP_POST, "/logout", R_SESSION, h_logout },
	{ HTTP_GET, "/static/smsg.css", 0, h_css },
	{ 0, NULL, 0, NULL }
};
