/*
 * The answers auth gives the front, read with the message layer's typed
 * getters.  A malformed answer from auth is fatal for the front: peers
 * are checked, never trusted (lib/proto.h has every layout).
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "answers.h"
#include "log.h"
#include "proto.h"

#define BAD(what)	fatalx("malformed %s from auth", what)

/* Tokens come from auth as base64url; anything else never reaches it. */
int
a_valid_token(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return 0;
	return i > 0 && i < TOKEN_MAX;
}

/*
 * AUTH_WHO: string name, u32 uid, u64 sid, u64 expires, string csrf,
 * u8 totp_on, u8 admin.
 */
void
a_get_who(struct msg *m, struct who *w)
{
	struct msgcur	 c;
	uint8_t		 totp, admin;

	msg_cursor(m, &c);
	if (msg_get_string(&c, w->name, sizeof(w->name)) == -1 ||
	    msg_get_u32(&c, &w->uid) == -1 ||
	    msg_get_u64(&c, &w->sid) == -1 ||
	    msg_get_u64(&c, &w->expires) == -1 ||
	    msg_get_string(&c, w->csrf, sizeof(w->csrf)) == -1 ||
	    msg_get_u8(&c, &totp) == -1 || msg_get_u8(&c, &admin) == -1 ||
	    msg_get_end(&c) == -1 || totp > 1 || admin > 1)
		BAD("AUTH_WHO");
	w->totp_on = totp != 0;
	w->admin = admin != 0;
}

/* AUTH_FAIL: u32 code, u32 retry_after, string message. */
void
a_get_fail(struct msg *m, struct a_fail *f)
{
	struct msgcur	 c;

	msg_cursor(m, &c);
	if (msg_get_u32(&c, &f->code) == -1 ||
	    msg_get_u32(&c, &f->retry) == -1 ||
	    msg_get_string(&c, f->text, sizeof(f->text)) == -1 ||
	    msg_get_end(&c) == -1 || f->code >= AUTH_E_MAX)
		BAD("AUTH_FAIL");
}

void
a_expect(struct msg *m, uint32_t want, uint32_t alt)
{
	if (m->type != want && m->type != alt && m->type != MSG_AUTH_FAIL)
		fatalx("auth answered %s, expected %s", msg_type_name(m->type),
		    msg_type_name(want));
}

void
a_expect_empty(struct msg *m)
{
	if (m->len != 0)
		BAD(msg_type_name(m->type));
}

void
a_get_session(struct msg *m, struct a_session *s)
{
	struct msgcur	 c;

	msg_cursor(m, &c);
	if (msg_get_string(&c, s->token, sizeof(s->token)) == -1 ||
	    msg_get_string(&c, s->csrf, sizeof(s->csrf)) == -1 ||
	    msg_get_u64(&c, &s->expires) == -1 ||
	    msg_get_string(&c, s->name, sizeof(s->name)) == -1 ||
	    msg_get_string(&c, s->device, sizeof(s->device)) == -1 ||
	    msg_get_u32(&c, &s->device_max_age) == -1 ||
	    msg_get_end(&c) == -1 || !a_valid_token(s->token) ||
	    (s->device[0] != '\0' && !a_valid_token(s->device)))
		BAD("AUTH_SESSION");
}

void
a_get_pending(struct msg *m, char *pending, size_t len)
{
	struct msgcur	 c;

	msg_cursor(m, &c);
	if (msg_get_string(&c, pending, len) == -1 ||
	    msg_get_end(&c) == -1 || !a_valid_token(pending))
		BAD("AUTH_NEED_OTP");
}

void
a_get_registered(struct msg *m, struct a_registered *r)
{
	struct msgcur	 c;
	uint8_t		 off;

	msg_cursor(m, &c);
	if (msg_get_string(&c, r->name, sizeof(r->name)) == -1 ||
	    msg_get_string(&c, r->recovery_key, sizeof(r->recovery_key)) ==
	    -1 || msg_get_u8(&c, &off) == -1 || off > 1 ||
	    msg_get_end(&c) == -1)
		BAD("AUTH_REGISTERED");
	r->totp_off = off;
}

void
a_get_totp(struct msg *m, struct a_totp *t)
{
	struct msgcur	 c;

	msg_cursor(m, &c);
	if (msg_get_string(&c, t->secret, sizeof(t->secret)) == -1 ||
	    msg_get_string(&c, t->uri, sizeof(t->uri)) == -1 ||
	    msg_get_end(&c) == -1)
		BAD("AUTH_TOTP_SECRET");
}

void
a_get_codes(struct msg *m, struct a_codes *k)
{
	struct msgcur	 c;
	uint32_t	 i;

	msg_cursor(m, &c);
	if (msg_get_u32(&c, &k->n) == -1 || k->n > CODES_MAX)
		BAD("AUTH_CODES");
	for (i = 0; i < k->n; i++)
		if (msg_get_string(&c, k->code[i], sizeof(k->code[i])) == -1)
			BAD("AUTH_CODES");
	if (msg_get_end(&c) == -1)
		BAD("AUTH_CODES");
}

void
a_get_sessinfo(struct msg *m, struct a_sessinfo *s)
{
	struct msgcur	 c;
	uint8_t		 cur;

	msg_cursor(m, &c);
	if (msg_get_u64(&c, &s->id) == -1 ||
	    msg_get_u64(&c, &s->created) == -1 ||
	    msg_get_u64(&c, &s->last_seen) == -1 ||
	    msg_get_u64(&c, &s->expires) == -1 ||
	    msg_get_string(&c, s->addr, sizeof(s->addr)) == -1 ||
	    msg_get_string(&c, s->agent, sizeof(s->agent)) == -1 ||
	    msg_get_u8(&c, &cur) == -1 || msg_get_end(&c) == -1)
		BAD("AUTH_SESSION_INFO");
	s->current = cur != 0;
}

void
a_get_event(struct msg *m, struct a_event *e)
{
	struct msgcur	 c;

	msg_cursor(m, &c);
	if (msg_get_u64(&c, &e->time) == -1 ||
	    msg_get_string(&c, e->event, sizeof(e->event)) == -1 ||
	    msg_get_string(&c, e->addr, sizeof(e->addr)) == -1 ||
	    msg_get_string(&c, e->detail, sizeof(e->detail)) == -1 ||
	    msg_get_end(&c) == -1)
		BAD("AUTH_EVENT");
}
