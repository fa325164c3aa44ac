/*
 * Requests a signed-in user makes about their own account: the session
 * prefix has been checked by the dispatcher, r->sess is theirs.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "authdb.h"
#include "log.h"
#include "proc.h"

#define MSG_WRONGCODE	"That code is not right. Check the clock of your " \
			"device and try again."

static void
reply_ok(uint32_t peerid)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_AUTH_OK, peerid);
	reply_send(PROC_FRONT, &mb);
}

/* The session's account, read in a new transaction.  NULL answered. */
static DB_TXN *
self_begin(uint32_t peerid, const char *name, uint32_t uid,
    struct account *a)
{
	DB_TXN	*txn;

	if ((txn = authdb_begin()) == NULL) {
		reply_fail_to(PROC_FRONT, peerid, AUTH_E_INTERNAL, 0,
		    "The account could not be read.");
		return NULL;
	}
	if (account_get(txn, name, a) != 1 || a->uid != uid) {
		authdb_abort(txn);
		reply_fail_to(PROC_FRONT, peerid, AUTH_E_SESSION, 0,
		    "Your session has ended. Please sign in again.");
		return NULL;
	}
	return txn;
}

void
h_check(struct req *r)
{
	struct account	 a;
	struct msgbuf	 mb;

	req_end(r);
	/* Gone, replaced, or locked by an administrator: the session ends. */
	if (account_get(NULL, r->sess->name, &a) != 1 ||
	    a.uid != r->sess->uid || a.lock == USER_LOCK_ADMIN) {
		session_end(r->sess);
		reply_fail(r, AUTH_E_SESSION, 0, "Your session has ended. "
		    "Please sign in again.");
		return;
	}
	msg_init(&mb, MSG_AUTH_WHO, r->peerid);
	msg_add_string(&mb, r->sess->name);
	msg_add_u32(&mb, r->sess->uid);
	msg_add_u64(&mb, r->sess->id);
	msg_add_u64(&mb, session_expires(r->sess));
	msg_add_string(&mb, r->sess->csrf);
	msg_add_u8(&mb, a.totp_on);
	msg_add_u8(&mb, a.admin);
	reply_send(PROC_FRONT, &mb);
	msg_free(&mb);
	account_clear(&a);
}

void
h_logout(struct req *r)
{
	req_end(r);
	log_debug("user %s: logout", r->sess->name);
	session_end(r->sess);
	reply_ok(r->peerid);
}

/* What a password check in a session needs of the account first. */
enum self_need {
	NEED_NOTHING,
	NEED_TOTP_ON,		/* turning it off */
	NEED_ENROLLING,		/* confirming the enrolment */
};

/* The account is as the request needs?  -1 answered. */
static int
self_state(struct req *r, const struct account *a, enum self_need need)
{
	if (need == NEED_TOTP_ON && !a->totp_on)
		reply_fail(r, AUTH_E_STATE, 0, "Two-factor authentication is "
		    "not on.");
	else if (need == NEED_ENROLLING && a->totp_on)
		reply_fail(r, AUTH_E_STATE, 0, "Two-factor authentication is "
		    "already on.");
	else if (need == NEED_ENROLLING && !a->totp_pending)
		reply_fail(r, AUTH_E_STATE, 0, "Start the set-up first.");
	else
		return 0;
	return -1;
}

/*
 * A password check inside a session is a sign-in attempt on the
 * account: refused while an administrator has it locked, and under the
 * sign-in limits, counted as a failure before hashing as login counts
 * it (a right password takes it back).  0 counted; -1 answered.
 */
static int
self_attempt(struct req *r, struct flow *f, enum self_need need)
{
	struct account	 a;
	DB_TXN		*txn;
	char		 why[256];
	uint32_t	 retry;
	int		 rv = -1;

	if ((txn = self_begin(r->peerid, r->sess->name, r->sess->uid, &a)) ==
	    NULL)
		return -1;
	if (self_state(r, &a, need) == -1)
		authdb_abort(txn);
	else if (auth_locked(&a, r->now, why, sizeof(why), &retry)) {
		authdb_abort(txn);
		reply_fail(r, AUTH_E_LOCKED, retry, why);
	} else if (login_limits_enter(r, f, &a) == -1)
		authdb_abort(txn);
	else {
		strlcpy(f->before, a.pwhash, sizeof(f->before));
		if (account_commit(txn, &a) == -1)
			reply_fail(r, AUTH_E_INTERNAL, 0, "The account could "
			    "not be read.");
		else
			rv = 0;
	}
	account_clear(&a);
	return rv;
}

/*
 * Check the user's password (r->sess) on a hashing thread, counted as a
 * sign-in attempt, then next(f).  0 queued; -1 answered (f is the
 * caller's to free).
 */
static int
self_verify(struct req *r, struct flow *f, const char *pw,
    enum self_need need, void (*next)(struct flow *))
{
	int	 why;

	if ((why = flow_room(f)) == HASHPOOL_OK &&
	    self_attempt(r, f, need) == -1)
		return -1;
	if (why == HASHPOOL_OK &&
	    (why = flow_hash(f, HASHJOB_VERIFY, pw, f->before, next)) ==
	    HASHPOOL_OK)
		return 0;
	flow_busy(r, why);
	return -1;
}

/*
 * A wrong password in a session: answered, and a security event like a
 * failed sign-in (and signin_limited when it filled the account's hour).
 */
static void
self_wrong_password(struct flow *f)
{
	struct account	 a;
	DB_TXN		*txn;

	flow_fail(f, AUTH_E_CREDENTIALS, 0, "Your password is wrong.");
	if ((txn = authdb_begin()) == NULL)
		return;
	if (account_get(txn, f->name, &a) != 1) {
		authdb_abort(txn);
		account_clear(&a);
		return;
	}
	auth_event(txn, &a, "login_failed", f->addr, "wrong password in a "
	    "session");
	if (a.lockout.hour_count == LOCKOUT_HOURMAX)
		auth_event(txn, &a, "signin_limited", f->addr,
		    "100 failed sign-ins within an hour");
	authdb_commit(txn);
	account_clear(&a);
}

/*
 * After the hash: the session still there (in *sp, when sp is not
 * NULL), its account read in a new transaction, unchanged since the
 * check, and as need says.  NULL answered.
 */
static DB_TXN *
self_resume(struct flow *f, enum self_need need, struct session **sp,
    struct account *a)
{
	struct session	*s;
	DB_TXN		*txn;

	if ((s = session_by_id(f->sess_id, time(NULL))) == NULL) {
		flow_fail(f, AUTH_E_SESSION, 0, "Your session has ended.");
		return NULL;
	}
	if ((txn = self_begin(f->peerid, s->name, s->uid, a)) == NULL)
		return NULL;
	if (strcmp(a->pwhash, f->before) != 0 ||
	    (need == NEED_TOTP_ON && !a->totp_on) ||
	    (need == NEED_ENROLLING && (a->totp_on || !a->totp_pending))) {
		authdb_abort(txn);
		flow_fail(f, AUTH_E_STATE, 0, "The account changed meanwhile. "
		    "Try again.");
		return NULL;
	}
	if (sp != NULL)
		*sp = s;
	return txn;
}

static void
password_created(struct flow *f)
{
	struct account	 a;
	struct session	*s;
	DB_TXN		*txn;

	memset(&a, 0, sizeof(a));
	if (f->job.result != 0) {
		flow_fail(f, AUTH_E_INTERNAL, 0, "The password was not "
		    "changed.");
		goto done;
	}
	if ((txn = self_resume(f, NEED_NOTHING, &s, &a)) == NULL)
		goto done;
	if (keywrap_seal(f->job.kek, a.name, &s->keys, a.wrapped_pw) == -1) {
		authdb_abort(txn);
		flow_fail(f, AUTH_E_INTERNAL, 0, "The password was not "
		    "changed.");
		goto done;
	}
	strlcpy(a.pwhash, f->job.stored, sizeof(a.pwhash));
	login_limits_leave(f, &a);
	auth_event(txn, &a, "password_changed", f->addr, "");
	if (account_commit(txn, &a) == -1)
		flow_fail(f, AUTH_E_INTERNAL, 0, "The password was not "
		    "changed.");
	else {
		if (f->signout)
			sessions_end_user(a.uid, s);
		/* what was opened under the old password is opened again */
		msgcache_forget_user(a.uid);
		reply_ok(f->peerid);
	}
done:
	account_clear(&a);
	flow_free(f);
}

static void
password_verified(struct flow *f)
{
	int	 why;

	if (f->job.result != 1) {
		self_wrong_password(f);
		flow_free(f);
	} else if ((why = flow_hash(f, HASHJOB_CREATE, f->newpw, NULL,
	    password_created)) != HASHPOOL_OK) {
		flow_busy_later(f, why);
		flow_free(f);
	} else
		explicit_bzero(f->newpw, sizeof(f->newpw));
}

void
h_password(struct req *r)
{
	struct flow	*f;
	char		 cur[AUTH_PWMAX], why[256];

	if ((f = flow_new(r)) == NULL)
		return;
	req_str(r, cur, sizeof(cur));
	req_str(r, f->newpw, sizeof(f->newpw));
	if (msg_get_u8(&r->cur, &f->signout) == -1)
		fatalx("malformed AUTH_PASSWORD");	/* the front broke */
	req_end(r);
	if (r->bad)
		reply_fail(r, AUTH_E_BADREQ, 0, "A field is too long.");
	else if (pwpolicy_check(f->newpw, r->sess->name, authconf.min_score,
	    why, sizeof(why)) != PW_OK)
		reply_fail(r, AUTH_E_POLICY, 0, why);
	else if (self_verify(r, f, cur, NEED_NOTHING, password_verified) == 0)
		f = NULL;
	flow_free(f);
	explicit_bzero(cur, sizeof(cur));
}

static void
reply_totp_secret(struct req *r, const struct account *a)
{
	struct msgbuf	 mb;
	char		 b32[TOTP_B32LEN], uri[512];

	if (base32_encode(a->totp_pending_secret, TOTP_SECRET_LEN, b32,
	    sizeof(b32)) == -1 || totp_uri(uri, sizeof(uri), authconf.issuer,
	    a->name, a->totp_pending_secret, TOTP_SECRET_LEN) == -1) {
		reply_fail(r, AUTH_E_INTERNAL, 0, "Enrolment failed.");
		return;
	}
	msg_init(&mb, MSG_AUTH_TOTP_SECRET, r->peerid);
	msg_add_string(&mb, b32);
	msg_add_string(&mb, uri);
	reply_send(PROC_FRONT, &mb);
	msg_free(&mb);
	explicit_bzero(b32, sizeof(b32));
	explicit_bzero(uri, sizeof(uri));
}

void
h_totp_begin(struct req *r)
{
	struct account	 a;
	DB_TXN		*txn;

	req_end(r);
	if ((txn = self_begin(r->peerid, r->sess->name, r->sess->uid, &a)) ==
	    NULL)
		return;
	if (a.totp_on) {
		authdb_abort(txn);
		reply_fail(r, AUTH_E_STATE, 0, "Two-factor authentication is "
		    "already on.");
	} else if (totp_secret_new(a.totp_pending_secret) == -1) {
		authdb_abort(txn);
		reply_fail(r, AUTH_E_INTERNAL, 0, "Enrolment failed.");
	} else {
		a.totp_pending = 1;
		if (account_commit(txn, &a) == -1)
			reply_fail(r, AUTH_E_INTERNAL, 0, "Enrolment failed.");
		else
			reply_totp_secret(r, &a);
	}
	account_clear(&a);
}

static void
reply_codes(uint32_t peerid, char text[RCODE_N][RCODE_TEXTLEN])
{
	struct msgbuf	 mb;
	int		 i;

	msg_init(&mb, MSG_AUTH_CODES, peerid);
	msg_add_u32(&mb, RCODE_N);
	for (i = 0; i < RCODE_N; i++)
		msg_add_string(&mb, text[i]);
	reply_send(PROC_FRONT, &mb);
	msg_free(&mb);
}

/* The first code from the new secret: 2FA on, recovery codes made. */
static int
totp_enable(struct account *a, const char *code, time_t now,
    char text[RCODE_N][RCODE_TEXTLEN])
{
	uint64_t	 step;

	if (totp_verify(a->totp_pending_secret, TOTP_SECRET_LEN, code, now,
	    0, &step) != TOTP_OK ||
	    rcodes_generate(text, a->rcode_hash) == -1)
		return -1;
	memcpy(a->totp_secret, a->totp_pending_secret, TOTP_SECRET_LEN);
	explicit_bzero(a->totp_pending_secret, TOTP_SECRET_LEN);
	a->totp_pending = 0;
	a->totp_on = 1;
	a->totp_last_step = step;
	memset(a->rcode_used, 0, sizeof(a->rcode_used));
	return 0;
}

/*
 * The password was checked: with the right one, the failure counted
 * before hashing is taken back, and a right code turns 2FA on.  A wrong
 * code here is no guess at a secret of the account: not a failure.
 */
static void
totp_confirm_verified(struct flow *f)
{
	struct account	 a;
	DB_TXN		*txn;
	char		 text[RCODE_N][RCODE_TEXTLEN];
	int		 good;

	memset(&a, 0, sizeof(a));
	explicit_bzero(text, sizeof(text));
	if (f->job.result != 1) {
		self_wrong_password(f);
		goto done;
	}
	if ((txn = self_resume(f, NEED_ENROLLING, NULL, &a)) == NULL)
		goto done;
	login_limits_leave(f, &a);
	if ((good = totp_enable(&a, f->otp, time(NULL), text) == 0))
		auth_event(txn, &a, "totp_enabled", f->addr, "");
	if (account_commit(txn, &a) == -1)
		flow_fail(f, AUTH_E_INTERNAL, 0, "Enrolment failed.");
	else if (!good)
		flow_fail(f, AUTH_E_CREDENTIALS, 0, MSG_WRONGCODE);
	else
		reply_codes(f->peerid, text);
done:
	explicit_bzero(text, sizeof(text));
	account_clear(&a);
	flow_free(f);
}

/*
 * Turning 2FA on needs the code of the new secret and the password, so
 * that a session alone (a stolen one) cannot enrol a secret of its own.
 */
void
h_totp_confirm(struct req *r)
{
	struct flow	*f;
	char		 pw[AUTH_PWMAX];

	if ((f = flow_new(r)) == NULL)
		return;
	req_str(r, f->otp, sizeof(f->otp));
	req_str(r, pw, sizeof(pw));
	req_end(r);
	if (r->bad)
		reply_fail(r, AUTH_E_BADREQ, 0, "A field is too long.");
	else if (pw[0] == '\0')
		reply_fail(r, AUTH_E_BADREQ, 0, "Enter your password to turn "
		    "on two-factor authentication.");
	else if (self_verify(r, f, pw, NEED_ENROLLING,
	    totp_confirm_verified) == 0)
		f = NULL;
	flow_free(f);
	explicit_bzero(pw, sizeof(pw));
}

static void
totp_disable_verified(struct flow *f)
{
	struct account	 a;
	DB_TXN		*txn;

	memset(&a, 0, sizeof(a));
	if (f->job.result != 1) {
		self_wrong_password(f);
		goto done;
	}
	if ((txn = self_resume(f, NEED_TOTP_ON, NULL, &a)) == NULL)
		goto done;
	/* A wrong code leaves the failure counted before hashing. */
	switch (otp_check(txn, &a, f->otp, time(NULL), f->addr)) {
	case OTP_GOOD:
		account_totp_off(&a);
		login_limits_leave(f, &a);
		auth_event(txn, &a, "totp_disabled", f->addr, "");
		if (account_commit(txn, &a) == 0)
			reply_ok(f->peerid);
		else
			flow_fail(f, AUTH_E_INTERNAL, 0, "Not turned off.");
		break;
	case OTP_REUSED:
		account_commit(txn, &a);
		flow_fail(f, AUTH_E_OTP_REUSED, 0, "This code has already "
		    "been used. Wait for the next one.");
		break;
	default:
		authdb_abort(txn);
		flow_fail(f, AUTH_E_CREDENTIALS, 0, MSG_WRONGCODE);
	}
done:
	account_clear(&a);
	flow_free(f);
}

void
h_totp_disable(struct req *r)
{
	struct flow	*f;
	char		 pw[AUTH_PWMAX];

	if ((f = flow_new(r)) == NULL)
		return;
	req_str(r, pw, sizeof(pw));
	req_str(r, f->otp, sizeof(f->otp));
	req_end(r);
	if (r->bad)
		reply_fail(r, AUTH_E_BADREQ, 0, "A field is too long.");
	else if (self_verify(r, f, pw, NEED_TOTP_ON,
	    totp_disable_verified) == 0)
		f = NULL;
	flow_free(f);
	explicit_bzero(pw, sizeof(pw));
}

void
h_sessions(struct req *r)
{
	struct session	*s;
	struct msgbuf	 mb;

	req_end(r);
	for (s = session_first(); s != NULL; s = session_next(s)) {
		if (s->uid != r->sess->uid || s->pending)
			continue;
		msg_init(&mb, MSG_AUTH_SESSION_INFO, r->peerid);
		msg_add_u64(&mb, s->id);
		msg_add_u64(&mb, s->created);
		msg_add_u64(&mb, s->last_seen);
		msg_add_u64(&mb, session_expires(s));
		msg_add_string(&mb, s->addr);
		msg_add_string(&mb, s->agent);
		msg_add_u8(&mb, s == r->sess);
		reply_send(PROC_FRONT, &mb);
	}
	msg_init(&mb, MSG_AUTH_END, r->peerid);
	reply_send(PROC_FRONT, &mb);
}

/*
 * End one of the user's sessions.  It may be the request's own: then
 * r->sess goes with it, so the account is read from copies first.
 */
void
h_revoke(struct req *r)
{
	struct account	 a;
	struct session	*s;
	DB_TXN		*txn;
	uint64_t	 id;
	uint32_t	 uid = r->sess->uid;
	char		 name[ACCOUNT_NAME_MAX + 1];

	if (msg_get_u64(&r->cur, &id) == -1)
		fatalx("malformed AUTH_REVOKE");
	req_end(r);
	if ((s = session_by_id(id, r->now)) == NULL || s->uid != uid) {
		reply_fail(r, AUTH_E_NOTFOUND, 0, "No such session.");
		return;
	}
	strlcpy(name, r->sess->name, sizeof(name));
	if (s == r->sess)
		r->sess = NULL;
	session_end(s);
	if ((txn = self_begin(r->peerid, name, uid, &a)) == NULL)
		return;
	auth_event(txn, &a, "session_revoked", r->addr, "");
	authdb_commit(txn);
	account_clear(&a);
	reply_ok(r->peerid);
}

static void
activity_send(const struct activity *ev, void *arg)
{
	const struct req	*r = arg;
	struct msgbuf		 mb;

	msg_init(&mb, MSG_AUTH_EVENT, r->peerid);
	msg_add_u64(&mb, ev->time);
	msg_add_string(&mb, ev->event);
	msg_add_string(&mb, ev->addr);
	msg_add_string(&mb, ev->detail);
	reply_send(PROC_FRONT, &mb);
}

/* One replayed event, as its notice was pushed (see dispatch.c). */
static void
replay_send(const struct activity *ev, void *arg)
{
	const struct req	*r = arg;
	struct msgbuf		 mb;
	char			 data[AUTH_NOTICE_MAX];
	int			 n;

	if ((n = auth_notice_data(data, sizeof(data), ev->event,
	    ev->time)) == -1)
		return;
	msg_init(&mb, MSG_AUTH_REPLAY_EVENT, r->peerid);
	msg_add_u64(&mb, ev->id);
	msg_add_string(&mb, "notice");
	msg_add_bytes(&mb, data, n);
	reply_send(PROC_FRONT, &mb);
}

void
h_replay(struct req *r)
{
	struct msgbuf	 mb;
	uint64_t	 after;

	if (msg_get_u64(&r->cur, &after) == -1)
		r->bad = 1;
	req_end(r);
	if (r->bad) {
		reply_fail(r, AUTH_E_BADREQ, 0, "Malformed replay request.");
		return;
	}
	if (activity_after(r->sess->uid, after, replay_send, r) == -1) {
		reply_fail(r, AUTH_E_INTERNAL, 0, "The activity log could not "
		    "be read.");
		return;
	}
	msg_init(&mb, MSG_AUTH_END, r->peerid);
	reply_send(PROC_FRONT, &mb);
}

void
h_activity(struct req *r)
{
	struct msgbuf	 mb;

	req_end(r);
	if (activity_list(r->sess->uid, activity_send, r) == -1) {
		reply_fail(r, AUTH_E_INTERNAL, 0, "The activity log could not "
		    "be read.");
		return;
	}
	msg_init(&mb, MSG_AUTH_END, r->peerid);
	reply_send(PROC_FRONT, &mb);
}
