/*
 * The HTML face of the features: each result becomes a page rendered by
 * smsg-web, a cookie, or a 303 See Other (so a reload never posts
 * twice).  A failure auth answered shows the route's form again with the
 * reason; any other error is the error page.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "log.h"
#include "proto.h"

#define ROWS_SHOWN	100	/* rows of a list on one page */
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
	[WEB_PAGE_CONTACTS] = "Contacts",
	[WEB_PAGE_INBOX] = "Inbox",
	[WEB_PAGE_SENT] = "Sent",
	[WEB_PAGE_MESSAGE] = "Message",
	[WEB_PAGE_COMPOSE] = "New message",
	[WEB_PAGE_CONVERSATION] = "Conversation",
	[WEB_PAGE_CSS] = "",
	[WEB_PAGE_BROADCAST] = "Broadcast",
	[WEB_PAGE_JS] = "",
};

static void
plain(struct app_req *ar, int status, const char *text)
{
	req_respond(ar->r, status, "text/plain; charset=utf-8", text,
	    strlen(text));
}

static void
fmt_time(uint64_t t, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		strlcpy(buf, "-", len);
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
		plain(ar, 503, "The page service is not available; try "
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

/*
 * The page's values, allocated at the first (most requests never render
 * a page).  Without memory, a set that stays failed.
 */
struct vars *
page_vars(struct app_req *ar)
{
	static struct vars	 lost = { .failed = 1 };

	/*
	 * Not zeroed: only the first n values are ever read, and clearing
	 * the whole table (32 KiB) cost every page a third more than the
	 * rest of its request in the front.
	 */
	if (ar->vars == NULL) {
		if ((ar->vars = malloc(sizeof(*ar->vars))) == NULL)
			return &lost;
		ar->vars->n = 0;
		ar->vars->failed = 0;
	}
	return ar->vars;
}

/* Send the page's values, plus those every page has, to smsg-web. */
void
page_render(struct app_req *ar, enum web_page page, int status)
{
	struct vars	*v = page_vars(ar);
	struct msgbuf	 mb;
	size_t		 i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->kv[i].key, "title") == 0)
			break;
	if (i == v->n)
		vars_add(v, "title", "%s", titles[page]);
	vars_add(v, "user", "%s", ar->who.name);
	vars_add(v, "csrf", "%s", ar->who.csrf);
	if (ar->who.name[0] != '\0' && app_broadcast_refusal(&ar->who) == NULL)
		vars_add(v, "may_broadcast", "1");
	if (v->failed) {
		if (v == ar->vars)
			vars_free(v);
		log_warnx("page values over their bound for %s",
		    ar->route != NULL ? ar->route->pattern : "-");
		plain(ar, 500, "This page is too large to show.\n");
		return;
	}
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
		plain(ar, 503, "The server is busy; try again in a "
		    "moment.\n");
}

void
page_redirect(struct app_req *ar, const char *to)
{
	req_header(ar->r, "Location", to);
	plain(ar, 303, "See other\n");
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

static void
need_login(struct app_req *ar)
{
	if (ar->token[0] != '\0')
		set_cookie(ar, COOKIE_SESSION, "", "0");
	page_redirect(ar, "/login");
}

static void
error_page(struct app_req *ar, int status, const char *text)
{
	if (ar->vars != NULL)
		vars_free(ar->vars);
	vars_add(page_vars(ar), "status", "%d", status);
	vars_add(page_vars(ar), "message", "%s", text);
	vars_add(page_vars(ar), "error", "%s", text);
	page_render(ar, WEB_PAGE_ERROR, status);
}

/*
 * The route's form again, with the reason and what the person typed;
 * a page that was only asked for (GET) shows the error page instead.
 */
static void
form_again(struct app_req *ar, const struct app_error *e)
{
	const char	*name = in_text(ar, F_USERNAME);

	if (name[0] != '\0')
		vars_add(page_vars(ar), "username", "%s", name);
	if ((name = in_text(ar, F_CONTACT))[0] != '\0')
		vars_add(page_vars(ar), "name", "%s", name);
	if ((name = in_text(ar, F_NICKNAME))[0] != '\0')
		vars_add(page_vars(ar), "nickname", "%s", name);
	if (ar->route->access != ACCESS_ANYONE)
		vars_add(page_vars(ar), "enabled", "%d", ar->who.totp_on);
	vars_add(page_vars(ar), "error", "%s", e->text);
	page_render(ar, ar->route->page, e->status);
}

static void
page_error(struct app_req *ar, const struct app_error *e)
{
	if (strcmp(e->code, "session_invalid") == 0 && (ar->route == NULL ||
	    ar->route->access != ACCESS_ANYONE)) {
		need_login(ar);
		return;
	}
	if (strcmp(e->code, "session_invalid") == 0) {
		/* A pending sign-in is over: start again with the password. */
		set_cookie(ar, COOKIE_PENDING, "", "0");
		vars_add(page_vars(ar), "error", "Your sign-in took too long or "
		    "had too many wrong codes. Start again.");
		page_render(ar, WEB_PAGE_LOGIN, e->status);
		return;
	}
	if (strcmp(e->code, "csrf") == 0)
		error_page(ar, e->status, "This form has expired or did not "
		    "come from this site. Go back, reload the page and try "
		    "again.");
	else if (ar->route != NULL && ar->route->page == WEB_PAGE_COMPOSE &&
	    ar->h->method == HTTP_POST)
		page_compose_again(ar, e);
	else if (e->answered && ar->route->page != WEB_PAGE_ERROR &&
	    ar->h->method == HTTP_POST)
		form_again(ar, e);
	else
		error_page(ar, e->status, e->text);
}

static void
page_registered(struct app_req *ar, const struct a_registered *reg)
{
	vars_add(page_vars(ar), "username", "%s", reg->name);
	vars_add(page_vars(ar), "recovery_key", "%s", reg->recovery_key);
	vars_add(page_vars(ar), "mode", "%s",
	    ar->route->page == WEB_PAGE_RECOVER ? "recover" : "register");
	if (reg->totp_off)
		vars_add(page_vars(ar), "totp_off", "1");
	page_render(ar, WEB_PAGE_REGISTERED, 200);
}

static void
page_signed_in(struct app_req *ar, const struct a_session *s)
{
	char	 pending[TOKEN_MAX], age[16];

	set_cookie(ar, COOKIE_SESSION, s->token, NULL);
	if (s->device[0] != '\0') {
		snprintf(age, sizeof(age), "%u", s->device_max_age);
		set_cookie(ar, COOKIE_DEVICE, s->device, age);
	}
	if (http_cookie_get(ar->h, COOKIE_PENDING, pending,
	    sizeof(pending)) == 0)
		set_cookie(ar, COOKIE_PENDING, "", "0");
	explicit_bzero(pending, sizeof(pending));
	page_redirect(ar, "/home");
}

static void
page_need_otp(struct app_req *ar, const char *pending)
{
	set_cookie(ar, COOKIE_PENDING, pending, PENDING_AGE);
	page_redirect(ar, "/login/totp");
}

static void
page_signed_out(struct app_req *ar)
{
	set_cookie(ar, COOKIE_SESSION, "", "0");
	page_redirect(ar, "/login");
}

static void
page_whoami(struct app_req *ar)
{
	page_render(ar, ar->route->page, 200);
}

static void
page_password_changed(struct app_req *ar)
{
	vars_add(page_vars(ar), "notice", "Your password has been changed.%s",
	    in_flag(ar, F_SIGNOUT_OTHERS) ?
	    " Your other sessions have been signed out." : "");
	page_render(ar, WEB_PAGE_PASSWORD, 200);
}

static void
page_totp_secret(struct app_req *ar, const struct a_totp *t)
{
	vars_add(page_vars(ar), "enabled", "%d", ar->who.totp_on);
	vars_add(page_vars(ar), "enrolling", "1");
	vars_add(page_vars(ar), "secret", "%s", t->secret);
	vars_add(page_vars(ar), "uri", "%s", t->uri);
	page_render(ar, WEB_PAGE_TOTP, 200);
}

static void
page_totp_codes(struct app_req *ar, const struct a_codes *k)
{
	char		 key[32];
	uint32_t	 i;

	for (i = 0; i < k->n; i++) {
		snprintf(key, sizeof(key), "codes.%u.code", i);
		vars_add(page_vars(ar), key, "%s", k->code[i]);
	}
	page_render(ar, WEB_PAGE_TOTP_CODES, 200);
}

static void
page_totp_off(struct app_req *ar)
{
	vars_add(page_vars(ar), "enabled", "0");
	vars_add(page_vars(ar), "notice", "Two-factor authentication is off.");
	page_render(ar, WEB_PAGE_TOTP, 200);
}

static void
page_revoked(struct app_req *ar)
{
	page_redirect(ar, "/settings/sessions");
}

/* One value of list row ar->rows: "list.N.field". */
void
page_row(struct app_req *ar, const char *list, const char *field,
    const char *value)
{
	char	 key[64];

	snprintf(key, sizeof(key), "%s.%d.%s", list, ar->rows, field);
	vars_add(page_vars(ar), key, "%s", value);
}

/*
 * A time as key (in UTC, for reading without the script) and key_iso
 * (for <time datetime>, which the script shows in the reader's zone).
 */
void
page_time(struct app_req *ar, const char *key, uint64_t t)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	char		 text[64], iso[64], k[80];

	fmt_time(t, text, sizeof(text));
	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		iso[0] = '\0';
	snprintf(k, sizeof(k), "%s_iso", key);
	vars_add(page_vars(ar), key, "%s", text);
	vars_add(page_vars(ar), k, "%s", iso);
}

static void
row_time(struct app_req *ar, const char *list, const char *field,
    uint64_t t)
{
	char	 text[64];

	fmt_time(t, text, sizeof(text));
	page_row(ar, list, field, text);
}

static void
page_session_row(struct app_req *ar, const struct a_sessinfo *s)
{
	char	 id[17];

	if (ar->rows >= ROWS_SHOWN)
		return;
	snprintf(id, sizeof(id), "%016" PRIx64, s->id);
	page_row(ar, "sessions", "id", id);
	row_time(ar, "sessions", "created", s->created);
	row_time(ar, "sessions", "last_seen", s->last_seen);
	row_time(ar, "sessions", "expires", s->expires);
	page_row(ar, "sessions", "addr", s->addr);
	page_row(ar, "sessions", "agent", s->agent);
	page_row(ar, "sessions", "current", s->current ? "1" : "");
	ar->rows++;
}

static void
page_event_row(struct app_req *ar, const struct a_event *e)
{
	if (ar->rows >= ROWS_SHOWN)
		return;
	row_time(ar, "events", "time", e->time);
	page_row(ar, "events", "event", e->event);
	page_row(ar, "events", "addr", e->addr);
	page_row(ar, "events", "detail", e->detail);
	ar->rows++;
}

static void
page_contact_row(struct app_req *ar, const struct contact *k)
{
	if (ar->rows >= ROWS_SHOWN)
		return;
	page_row(ar, "contacts", "name", k->name);
	page_row(ar, "contacts", "nickname", k->nick);
	page_row(ar, "contacts", "safety_number", k->safety);
	page_row(ar, "contacts", "fingerprint", k->fp);
	page_row(ar, "contacts", "verified", k->verified ? "1" : "");
	page_row(ar, "contacts", "key_changed", k->key_changed ? "1" : "");
	page_row(ar, "contacts", "blocked", k->blocked ? "1" : "");
	ar->rows++;
}

/* Every change shows the list again, as it is now. */
static void
page_contact_changed(struct app_req *ar, enum contact_op op,
    const struct contact *k)
{
	page_redirect(ar, "/contacts");
}

static void
page_list_end(struct app_req *ar, const char *name)
{
	page_render(ar, ar->route->page, 200);
}

static void
page_broadcast_sent(struct app_req *ar, const struct bcast_sent *b)
{
	vars_add(page_vars(ar), "notice", "Your broadcast has been sent to "
	    "%u account%s.", b->recipients, b->recipients == 1 ? "" : "s");
	page_render(ar, WEB_PAGE_BROADCAST, 200);
}

/* Sent from the compose page: the message's own page. */
static void
page_msg_sent(struct app_req *ar, const struct msg_sent *m)
{
	char	 to[32 + MC_IDTEXTLEN];

	snprintf(to, sizeof(to), "/messages/%s", m->id);
	page_redirect(ar, to);
}

const struct face face_page = {
	.error = page_error,
	.registered = page_registered,
	.signed_in = page_signed_in,
	.need_otp = page_need_otp,
	.signed_out = page_signed_out,
	.whoami = page_whoami,
	.password_changed = page_password_changed,
	.totp_secret = page_totp_secret,
	.totp_codes = page_totp_codes,
	.totp_off = page_totp_off,
	.revoked = page_revoked,
	.session_row = page_session_row,
	.event_row = page_event_row,
	.contact_row = page_contact_row,
	.list_end = page_list_end,
	.contact_changed = page_contact_changed,
	.msg_sent = page_msg_sent,
	.msg_shown = page_msg_shown,
	.msg_deleted = page_msg_deleted,
	.msg_row = page_msg_row,
	.msg_list_end = page_msg_list_end,
	.broadcast_sent = page_broadcast_sent,
};
