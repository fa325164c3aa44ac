/*
 * The dispatch table, in the manner of OpenSSH's monitor: each request
 * names who may send it and what state it needs.  Anything else from a
 * peer process is fatal: only the front sends MSG_AUTH_*, only the
 * parent MSG_CTL_*.  Session-bound requests have their session prefix
 * checked here, before the handler runs.
 */
#include "config.h"

#include <openssl/crypto.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "authdb.h"
#include "log.h"
#include "proc.h"
#include "sysmsg.h"

struct auth_conf	 authconf;
struct signin_limits	 auth_limits;

static const struct auth_handler handlers[] = {
	{ MSG_AUTH_REGISTER,	PROC_FRONT, REQ_ANY, h_register },
	{ MSG_AUTH_LOGIN,	PROC_FRONT, REQ_ANY, h_login },
	{ MSG_AUTH_LOGIN_OTP,	PROC_FRONT, REQ_ANY, h_login_otp },
	{ MSG_AUTH_RECOVER,	PROC_FRONT, REQ_ANY, h_recover },
	{ MSG_AUTH_CHECK,	PROC_FRONT, REQ_SESSION, h_check },
	{ MSG_AUTH_LOGOUT,	PROC_FRONT, REQ_SESSION, h_logout },
	{ MSG_AUTH_PASSWORD,	PROC_FRONT, REQ_SESSION, h_password },
	{ MSG_AUTH_TOTP_BEGIN,	PROC_FRONT, REQ_SESSION, h_totp_begin },
	{ MSG_AUTH_TOTP_CONFIRM, PROC_FRONT, REQ_SESSION, h_totp_confirm },
	{ MSG_AUTH_TOTP_DISABLE, PROC_FRONT, REQ_SESSION, h_totp_disable },
	{ MSG_AUTH_SESSIONS,	PROC_FRONT, REQ_SESSION, h_sessions },
	{ MSG_AUTH_REVOKE,	PROC_FRONT, REQ_SESSION, h_revoke },
	{ MSG_AUTH_ACTIVITY,	PROC_FRONT, REQ_SESSION, h_activity },
	{ MSG_AUTH_REPLAY,	PROC_FRONT, REQ_SESSION, h_replay },
	{ MSG_CTL_USER_ADD,	PROC_PARENT, REQ_ANY, h_user_add },
	{ MSG_CTL_USER_LIST,	PROC_PARENT, REQ_ANY, h_user_list },
	{ MSG_CTL_USER_SHOW,	PROC_PARENT, REQ_ANY, h_user_show },
	{ MSG_CTL_USER_LOCK,	PROC_PARENT, REQ_ANY, h_user_lock },
	{ MSG_CTL_USER_UNLOCK,	PROC_PARENT, REQ_ANY, h_user_unlock },
	{ MSG_CTL_USER_RESET_2FA, PROC_PARENT, REQ_ANY, h_user_reset_2fa },
	{ MSG_CTL_USER_RESET_PASSWORD, PROC_PARENT, REQ_ANY,
	    h_user_reset_password },
	{ MSG_CTL_USER_DELETE,	PROC_PARENT, REQ_ANY, h_user_delete },
	{ MSG_CTL_SHOW_SESSIONS, PROC_PARENT, REQ_ANY, h_show_sessions },
	{ MSG_CTL_SESSION_REVOKE, PROC_PARENT, REQ_ANY, h_session_revoke },
	{ MSG_CTL_USER_ADMIN,	PROC_PARENT, REQ_ANY, h_user_admin },
	{ MSG_AUTH_PUBKEYS,	PROC_FRONT, REQ_SESSION, h_pubkeys },
	{ MSG_AUTH_NAMES,	PROC_FRONT, REQ_SESSION, h_names },
	{ MSG_AUTH_KEY_SEAL,	PROC_FRONT, REQ_SESSION, h_key_seal },
	{ MSG_AUTH_KEY_UNWRAP,	PROC_FRONT, REQ_SESSION, h_key_unwrap },
	{ MSG_AUTH_KEY_UNWRAP_PAGE, PROC_FRONT, REQ_SESSION,
	    h_key_unwrap_page },
	{ MSG_AUTH_CONTACT_KEYS, PROC_FRONT, REQ_SESSION, h_contact_keys },
	{ MSG_AUTH_BROADCAST,	PROC_FRONT, REQ_SESSION, h_broadcast },
	{ MSG_CTL_BROADCAST,	PROC_PARENT, REQ_ANY, h_ctl_broadcast },
	{ MSG_CTL_SHOW_NOTICES,	PROC_PARENT, REQ_ANY, h_show_notices },
	{ MSG_STORE_OK,		PROC_STORE, REQ_ANY, h_store_answer },
	{ MSG_STORE_FAIL,	PROC_STORE, REQ_ANY, h_store_answer },
#ifdef SMSG_TEST_HOOKS
	/* the same checks, asked for directly: auth refuses on its own */
	{ MSG_AUTH_TEST_UNWRAP,	PROC_FRONT, REQ_SESSION, h_key_unwrap },
#endif
};

/* The entry for type from this sender, or NULL: not allowed, ever. */
const struct auth_handler *
auth_handler(uint32_t type, enum proc_id from)
{
	size_t	 i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].type == type)
			return handlers[i].from == from ? &handlers[i] : NULL;
	return NULL;
}

/* A string field; over-long for buf marks the request bad, not fatal. */
void
req_str(struct req *r, char *buf, size_t bufsz)
{
	const uint8_t	*p;
	size_t		 len;

	buf[0] = '\0';
	if (msg_get_bytes(&r->cur, &p, &len, MSG_MAXSTR) == -1)
		fatalx("malformed %s from %s", msg_type_name(r->type),
		    proc_name(r->from));
	if (len >= bufsz || (len > 0 && memchr(p, '\0', len) != NULL)) {
		r->bad = 1;
		return;
	}
	memcpy(buf, p, len);
	buf[len] = '\0';
}

/* The end of the fields: anything left over is a malformed message. */
void
req_end(struct req *r)
{
	if (msg_get_end(&r->cur) == -1)
		fatalx("malformed %s from %s", msg_type_name(r->type),
		    proc_name(r->from));
}

/*
 * Send an answer.  One that could not be built (out of memory) is
 * replaced by a failure, so the asker is not left waiting; it is no
 * reason to stop.
 */
void
reply_send(enum proc_id to, struct msgbuf *mb)
{
	uint32_t	 peerid = mb->peerid;

	if (mb->err) {
		log_warnx("building %s failed", msg_type_name(mb->type));
		msg_free(mb);
		msg_init(mb, to == PROC_PARENT ? MSG_CTL_RESULT :
		    MSG_AUTH_FAIL, peerid);
		msg_add_u32(mb, to == PROC_PARENT ? CTL_FAILED :
		    AUTH_E_INTERNAL);
		if (to != PROC_PARENT)
			msg_add_u32(mb, 0);
		msg_add_string(mb, "smsg-auth could not build its answer.");
		if (mb->err) {
			msg_free(mb);
			return;
		}
	}
	if (proc_send(to, mb) == -1)
		log_warn("answering %s", proc_name(to));
}

void
reply_fail_to(enum proc_id to, uint32_t peerid, uint32_t code,
    uint32_t retry, const char *text)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_AUTH_FAIL, peerid);
	msg_add_u32(&mb, code);
	msg_add_u32(&mb, retry);
	msg_add_string(&mb, text);
	reply_send(to, &mb);
}

void
reply_fail(const struct req *r, uint32_t code, uint32_t retry,
    const char *text)
{
	reply_fail_to(PROC_FRONT, r->peerid, code, retry, text);
}

void
ctl_result(uint32_t peerid, uint32_t code, const char *fmt, ...)
{
	struct msgbuf	 mb;
	char		 text[512];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	msg_init(&mb, MSG_CTL_RESULT, peerid);
	msg_add_u32(&mb, code);
	msg_add_string(&mb, text);
	reply_send(PROC_PARENT, &mb);
}

void
ctl_end(uint32_t peerid)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_CTL_END, peerid);
	reply_send(PROC_PARENT, &mb);
}

/*
 * A "notice" for the user's live event streams (every session): the
 * event's name and time, nothing more; the activity page has the rest.
 * Sent as the event is logged, before its transaction ends: a notice of
 * an event that is then rolled back is possible, a missed one is not.
 */
int
auth_notice_data(char *buf, size_t len, const char *event, uint64_t t)
{
	int	 n;

	/* Event names are ours ("login"), but JSON is never built blind. */
	if (strspn(event, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
	    strlen(event))
		return -1;
	n = snprintf(buf, len, "{\"event\": \"%s\", \"time\": %llu}",
	    event, (unsigned long long)t);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static void
push_notice(uint32_t uid, uint64_t id, const char *event, time_t t)
{
	struct msgbuf	 mb;
	char		 data[AUTH_NOTICE_MAX];
	int		 n;

	if ((n = auth_notice_data(data, sizeof(data), event, t)) == -1)
		return;
	msg_init(&mb, MSG_PUSH_EVENT, 0);
	msg_add_u32(&mb, uid);
	msg_add_u64(&mb, 0);
	msg_add_u64(&mb, id);
	msg_add_string(&mb, "notice");
	msg_add_bytes(&mb, data, n);
	if (proc_linked(PROC_FRONT))
		reply_send(PROC_FRONT, &mb);
	else
		msg_free(&mb);
}

/* A session ended (logout, revoke, expiry, ...): close its streams. */
void
auth_push_session_end(uint64_t sid)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_PUSH_SESSION_END, 0);
	msg_add_u64(&mb, sid);
	if (proc_linked(PROC_FRONT))
		reply_send(PROC_FRONT, &mb);
	else
		msg_free(&mb);
}

/* A security event: the user's activity log and syslog, no secrets. */
void
auth_event(DB_TXN *txn, const struct account *a, const char *event,
    const char *addr, const char *detail)
{
	time_t		 now = time(NULL);
	uint64_t	 id;

	log_info("user %s: %s from %s%s%s", a->name, event,
	    addr[0] ? addr : "-", detail[0] ? ": " : "", detail);
	if (txn == NULL)
		return;
	if (activity_add(txn, a->uid, now, event, addr, detail, &id) == -1)
		log_warnx("user %s: event %s not recorded", a->name, event);
	else
		push_notice(a->uid, id, event, now);
	notice_queue(a->uid, event, addr, now);
}

/*
 * Is a locked by an administrator?  1 with a sentence for the user (and
 * *retry 0: until unlocked); 0 when not.  Failed sign-ins never lock an
 * account (lockout.h): they only slow down who fails.
 */
int
auth_locked(const struct account *a, time_t now, char *why, size_t whysz,
    uint32_t *retry)
{
	*retry = 0;
	if (a->lock != USER_LOCK_ADMIN)
		return 0;
	snprintf(why, whysz, "This account has been locked by an "
	    "administrator.");
	return 1;
}

/* The session prefix: string token, u8 check_csrf, string csrf, addr. */
static int
req_session(struct req *r)
{
	char	 token[SESSION_TOKENLEN + 1], csrf[SESSION_TOKENLEN + 1];
	uint8_t	 check;
	int	 ok;

	req_str(r, token, sizeof(token));
	if (msg_get_u8(&r->cur, &check) == -1)
		fatalx("malformed %s from front", msg_type_name(r->type));
	req_str(r, csrf, sizeof(csrf));
	req_str(r, r->addr, sizeof(r->addr));
	r->sess = r->bad ? NULL : session_find(token, 0, r->now);
	explicit_bzero(token, sizeof(token));
	if (r->sess == NULL) {
		explicit_bzero(csrf, sizeof(csrf));
		reply_fail(r, AUTH_E_SESSION, 0,
		    "Your session has ended. Please sign in again.");
		return -1;
	}
	ok = strlen(csrf) == SESSION_TOKENLEN - 1 &&
	    CRYPTO_memcmp(csrf, r->sess->csrf, SESSION_TOKENLEN - 1) == 0;
	explicit_bzero(csrf, sizeof(csrf));
	if (check > 1 || (check && !ok)) {
		reply_fail(r, AUTH_E_CSRF, 0,
		    "This form has expired. Reload the page and try again.");
		return -1;
	}
	session_touch(r->sess, r->now);
	return 0;
}

void
auth_dispatch(enum proc_id from, struct msg *m)
{
	const struct auth_handler	*h;
	struct req			 r;

	if ((h = auth_handler(m->type, from)) == NULL)
		fatalx("%s may not send %s to auth", proc_name(from),
		    msg_type_name(m->type));
	if (m->fd != -1)
		fatalx("%s sent a descriptor with %s", proc_name(from),
		    msg_type_name(m->type));
	memset(&r, 0, sizeof(r));
	r.from = from;
	r.type = m->type;
	r.peerid = m->peerid;
	r.now = time(NULL);
	msg_cursor(m, &r.cur);
	if (h->state == REQ_SESSION && req_session(&r) == -1)
		return;
	h->fn(&r);
}
