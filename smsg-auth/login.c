/*
 * Signing in and making accounts: register, login (password, then the
 * second factor), recovery with the recovery key.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "authdb.h"
#include "log.h"
#include "proc.h"

#define MSG_CREDENTIALS	"Wrong user name or password."
#define MSG_REUSED	"This code has already been used. Wait for the next one."
#define MSG_WRONGCODE	"That code is not right."

static void
reply_session(enum proc_id to, uint32_t peerid, const struct session *s,
    const char *token)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_AUTH_SESSION, peerid);
	msg_add_string(&mb, token);
	msg_add_string(&mb, s->csrf);
	msg_add_u64(&mb, session_expires(s));
	msg_add_string(&mb, s->name);
	reply_send(to, &mb);
}

static void
reply_registered(struct flow *f, const char *reckey, int totp_off)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_AUTH_REGISTERED, f->peerid);
	msg_add_string(&mb, f->name);
	msg_add_string(&mb, reckey);
	msg_add_u8(&mb, totp_off);
	reply_send(PROC_FRONT, &mb);
	msg_free(&mb);
}

static void
register_done(struct flow *f)
{
	char	 reckey[RECKEY_TEXTLEN];
	int	 r;

	if (f->job.result != 0) {
		flow_fail(f, AUTH_E_INTERNAL, 0, "The account could not be "
		    "created.");
		goto done;
	}
	r = account_create(f->name, f->job.stored, f->job.kek, f->addr,
	    time(NULL), reckey);
	if (r == 1)
		flow_fail(f, AUTH_E_EXISTS, 0, "This user name is taken.");
	else if (r == -1)
		flow_fail(f, AUTH_E_INTERNAL, 0, "The account could not be "
		    "created.");
	else
		reply_registered(f, reckey, 0);
	explicit_bzero(reckey, sizeof(reckey));
done:
	flow_free(f);
}

/* Name and password acceptable for a new account?  0, or -1 answered. */
static int
register_check(struct req *r, const char *name, const char *pw)
{
	struct account	 a;
	char		 why[256];
	int		 found;

	if (account_name_check(name, why, sizeof(why)) == -1) {
		reply_fail(r, AUTH_E_BADREQ, 0, why);
		return -1;
	}
	if (pwpolicy_check(pw, name, authconf.min_score, why, sizeof(why)) !=
	    PW_OK) {
		reply_fail(r, AUTH_E_POLICY, 0, why);
		return -1;
	}
	found = account_get(NULL, name, &a);
	account_clear(&a);
	if (found != 0) {
		reply_fail(r, found == 1 ? AUTH_E_EXISTS : AUTH_E_INTERNAL, 0,
		    found == 1 ? "This user name is taken." :
		    "The account could not be created.");
		return -1;
	}
	return 0;
}

void
h_register(struct req *r)
{
	struct flow	*f;
	char		 name[ACCOUNT_NAME_MAX + 1], pw[AUTH_PWMAX];
	int		 why;

	req_str(r, name, sizeof(name));
	req_str(r, pw, sizeof(pw));
	req_str(r, r->addr, sizeof(r->addr));
	req_end(r);
	if (r->bad)
		reply_fail(r, AUTH_E_BADREQ, 0, "A field is too long.");
	else if (register_check(r, name, pw) == 0) {
		if ((f = flow_new(r)) != NULL) {
			strlcpy(f->name, name, sizeof(f->name));
			if ((why = flow_hash(f, HASHJOB_CREATE, pw, NULL,
			    register_done)) != HASHPOOL_OK) {
				flow_busy(r, why);
				flow_free(f);
			}
		}
	}
	explicit_bzero(pw, sizeof(pw));
}

/* The last step of every sign-in: a session holding the keys. */
static void
login_session(struct flow *f, const struct account *a,
    const struct userkeys *keys, int pending)
{
	struct session	*s;
	struct msgbuf	 mb;
	char		 token[SESSION_TOKENLEN];

	s = session_new(a, f->addr, f->agent, keys, pending, time(NULL),
	    token);
	if (s == NULL && errno == EBUSY)
		flow_fail(f, AUTH_E_BUSY, 60, "Too many people are signed in "
		    "right now, or too many sign-ins of this account are "
		    "waiting for their code. Try again later.");
	else if (s == NULL)
		flow_fail(f, AUTH_E_INTERNAL, 0, "No session could be made.");
	else if (pending) {
		msg_init(&mb, MSG_AUTH_NEED_OTP, f->peerid);
		msg_add_string(&mb, token);
		reply_send(f->from, &mb);
		msg_free(&mb);
	} else
		reply_session(f->from, f->peerid, s, token);
	explicit_bzero(token, sizeof(token));
}

/*
 * The second factor against a, read in txn: 0 accepted; -1 refused and
 * answered.  Either way a has changed (step, code or failure count) and
 * the caller stores it.  counted: this attempt's failure is recorded
 * already (before hashing its password).
 */
static int
login_second_factor(struct flow *f, DB_TXN *txn, struct account *a,
    int counted)
{
	switch (otp_check(txn, a, f->otp, time(NULL), f->addr)) {
	case OTP_GOOD:
		return 0;
	case OTP_REUSED:
		flow_fail(f, AUTH_E_OTP_REUSED, 0, MSG_REUSED);
		break;
	default:
		auth_event(txn, a, "login_failed", f->addr, "wrong code");
		flow_fail(f, AUTH_E_CREDENTIALS, 0, MSG_WRONGCODE);
		break;
	}
	/* A wrong code counts as a failed sign-in. */
	if (!counted)
		lockout_fail(&authconf.lockout, &a->lockout, time(NULL));
	return -1;
}

/* Sign-in complete: lockout cleared, last login, the event, a session. */
static void
login_finish(struct flow *f, DB_TXN *txn, struct account *a,
    const struct userkeys *keys)
{
	lockout_success(&a->lockout);
	a->last_login = time(NULL);
	auth_event(txn, a, "login", f->addr, "");
	if (account_commit(txn, a) == -1)
		flow_fail(f, AUTH_E_INTERNAL, 0, "Sign-in failed.");
	else
		login_session(f, a, keys, 0);
}

/* A wrong password: recorded already; the event, and "locked" if now. */
static void
login_failed(struct flow *f)
{
	struct account	 a;
	DB_TXN		*txn;
	time_t		 now = time(NULL);

	flow_fail(f, AUTH_E_CREDENTIALS, 0, MSG_CREDENTIALS);
	if (!f->known || (txn = authdb_begin()) == NULL)
		return;
	if (account_get(txn, f->name, &a) == 1) {
		auth_event(txn, &a, "login_failed", f->addr, "");
		if (a.lockout.failures == authconf.lockout.threshold &&
		    lockout_wait(&authconf.lockout, &a.lockout, now) > 0)
			auth_event(txn, &a, "locked", f->addr, "");
		authdb_commit(txn);
	} else
		authdb_abort(txn);
	account_clear(&a);
}

static void
login_verified(struct flow *f)
{
	struct account	 a;
	struct userkeys	 keys;
	DB_TXN		*txn = NULL;

	memset(&keys, 0, sizeof(keys));
	memset(&a, 0, sizeof(a));
	if (f->job.result != 1 || !f->known) {
		login_failed(f);
		goto done;
	}
	if ((txn = authdb_begin()) == NULL)
		goto internal;
	/* Changed while we were hashing: the password we checked is old. */
	if (account_get(txn, f->name, &a) != 1 ||
	    strcmp(a.pwhash, f->before) != 0) {
		authdb_abort(txn);
		flow_fail(f, AUTH_E_CREDENTIALS, 0, MSG_CREDENTIALS);
		goto done;
	}
	if (account_keys_open(&a, f->job.kek, 0, &keys) == -1) {
		log_warnx("user %s: keys do not open with the password",
		    a.name);
		authdb_abort(txn);
		goto internal;
	}
	addrthrottle_success(auth_throttle, f->addr);
	if (a.totp_on && f->otp[0] == '\0') {
		/* A right password waiting for its code is no failure. */
		lockout_forgive(&a.lockout);
		if (account_commit(txn, &a) == -1)
			goto internal;
		login_session(f, &a, &keys, 1);
	} else if (a.totp_on && login_second_factor(f, txn, &a, 1) == -1)
		account_commit(txn, &a);
	else
		login_finish(f, txn, &a, &keys);
	goto done;
internal:
	flow_fail(f, AUTH_E_INTERNAL, 0, "Sign-in failed.");
done:
	userkeys_clear(&keys);
	account_clear(&a);
	flow_free(f);
}

/*
 * Before hashing: the address throttle and the account lockout, and a
 * failure recorded (committed) so that parallel attempts all count.
 * 0 go on to hash; -1 answered.
 */
static int
login_precheck(struct req *r, struct flow *f)
{
	struct account	 a;
	DB_TXN		*txn;
	char		 why[256];
	uint32_t	 retry;

	if ((retry = addrthrottle_wait(auth_throttle, f->addr, r->now)) > 0) {
		snprintf(why, sizeof(why), "Too many failed sign-ins from "
		    "your address. Try again in %u seconds.", retry);
		reply_fail(r, AUTH_E_THROTTLED, retry, why);
		return -1;
	}
	if ((txn = authdb_begin()) == NULL)
		goto internal;
	if ((f->known = account_get(txn, f->name, &a)) != 1) {
		authdb_abort(txn);
		if (f->known == -1)
			goto internal;
	} else if (auth_locked(&a, r->now, why, sizeof(why), &retry)) {
		authdb_abort(txn);
		log_info("user %s: sign-in refused, locked, from %s", a.name,
		    f->addr);
		reply_fail(r, AUTH_E_LOCKED, retry, why);
		account_clear(&a);
		return -1;
	} else {
		lockout_fail(&authconf.lockout, &a.lockout, r->now);
		strlcpy(f->before, a.pwhash, sizeof(f->before));
		if (account_commit(txn, &a) == -1)
			goto internal;
	}
	addrthrottle_fail(auth_throttle, f->addr, r->now);
	account_clear(&a);
	return 0;
internal:
	account_clear(&a);
	reply_fail(r, AUTH_E_INTERNAL, 0, "Sign-in failed.");
	return -1;
}

void
h_login(struct req *r)
{
	struct flow	*f;
	char		 pw[AUTH_PWMAX];
	int		 why;

	if ((f = flow_new(r)) == NULL)
		return;
	req_str(r, f->name, sizeof(f->name));
	req_str(r, pw, sizeof(pw));
	req_str(r, f->otp, sizeof(f->otp));
	req_str(r, f->addr, sizeof(f->addr));
	req_str(r, f->agent, sizeof(f->agent));
	req_end(r);
	if (r->bad) {
		reply_fail(r, AUTH_E_CREDENTIALS, 0, MSG_CREDENTIALS);
		flow_free(f);
	} else if ((why = hashpool_room(f->name, f->addr)) != HASHPOOL_OK) {
		flow_busy(r, why);	/* before a failure is counted */
		flow_free(f);
	} else if (login_precheck(r, f) == -1)
		flow_free(f);
	else if ((why = flow_hash(f, HASHJOB_VERIFY, pw, f->known ?
	    f->before : auth_hash_dummy(), login_verified)) != HASHPOOL_OK) {
		flow_busy(r, why);
		flow_free(f);
	}
	explicit_bzero(pw, sizeof(pw));
}

/* The code for a pending sign-in; three wrong ones end it. */
static void
login_otp_check(struct flow *f, struct session *p, time_t now)
{
	struct userkeys	 keys;
	struct account	 a;
	DB_TXN		*txn;
	char		 why[256];
	uint32_t	 retry;

	if ((txn = authdb_begin()) == NULL) {
		flow_fail(f, AUTH_E_INTERNAL, 0, "Sign-in failed.");
		return;
	}
	if (account_get(txn, p->name, &a) != 1 || a.uid != p->uid) {
		authdb_abort(txn);
		session_end(p);
		flow_fail(f, AUTH_E_SESSION, 0, "Please sign in again.");
	} else if (auth_locked(&a, now, why, sizeof(why), &retry)) {
		authdb_abort(txn);
		session_end(p);
		flow_fail(f, AUTH_E_LOCKED, retry, why);
	} else if (login_second_factor(f, txn, &a, 0) == -1) {
		account_commit(txn, &a);
		if (++p->tries >= PENDING_TRIES)
			session_end(p);
	} else {
		/* p goes first: making the new session may evict. */
		memcpy(&keys, &p->keys, sizeof(keys));
		session_end(p);
		login_finish(f, txn, &a, &keys);
		userkeys_clear(&keys);
	}
	account_clear(&a);
}

void
h_login_otp(struct req *r)
{
	struct flow	 f;
	struct session	*p;
	char		 token[SESSION_TOKENLEN + 1];

	memset(&f, 0, sizeof(f));
	f.from = r->from;
	f.peerid = r->peerid;
	req_str(r, token, sizeof(token));
	req_str(r, f.otp, sizeof(f.otp));
	req_str(r, f.addr, sizeof(f.addr));
	req_str(r, f.agent, sizeof(f.agent));
	req_end(r);
	if (r->bad)
		reply_fail(r, AUTH_E_BADREQ, 0, "A field is too long.");
	else if ((p = session_find(token, 1, r->now)) == NULL)
		reply_fail(r, AUTH_E_SESSION, 0, "This sign-in has expired. "
		    "Please sign in again.");
	else {
		strlcpy(f.name, p->name, sizeof(f.name));
		login_otp_check(&f, p, r->now);
	}
	explicit_bzero(token, sizeof(token));
	explicit_bzero(&f, sizeof(f));
}

/*
 * The recovery key stands in for the password and for the second
 * factor: whoever holds it gets a new password, two-factor
 * authentication off (to enrol again), and every session of the
 * account ended, the thief's included.
 */
static void
recover_done(struct flow *f)
{
	struct account	 a;
	DB_TXN		*txn;
	char		 reckey[RECKEY_TEXTLEN];
	int		 totp_off;

	memset(&a, 0, sizeof(a));
	explicit_bzero(reckey, sizeof(reckey));
	if (f->job.result != 0 || (txn = authdb_begin()) == NULL) {
		flow_fail(f, AUTH_E_INTERNAL, 0, "Recovery failed.");
		goto done;
	}
	/* Another recovery got there first: this key is void now. */
	if (account_get(txn, f->name, &a) != 1 ||
	    memcmp(a.wrapped_rec, f->wrapped, WRAPPED_LEN) != 0) {
		authdb_abort(txn);
		flow_fail(f, AUTH_E_CREDENTIALS, 0, "Wrong user name or "
		    "recovery key.");
		goto done;
	}
	strlcpy(a.pwhash, f->job.stored, sizeof(a.pwhash));
	memset(&a.lockout, 0, sizeof(a.lockout));
	if (account_keys_rewrap(&a, &f->keys, f->job.kek, reckey) == -1) {
		authdb_abort(txn);
		flow_fail(f, AUTH_E_INTERNAL, 0, "Recovery failed.");
		goto done;
	}
	if ((totp_off = a.totp_on) != 0)
		auth_event(txn, &a, "totp_disabled", f->addr, "by recovery");
	account_totp_off(&a);
	auth_event(txn, &a, "recovered", f->addr, "every session ended");
	if (account_commit(txn, &a) == -1) {
		flow_fail(f, AUTH_E_INTERNAL, 0, "Recovery failed.");
		goto done;
	}
	sessions_end_user(a.uid, NULL);
	addrthrottle_success(auth_throttle, f->addr);
	reply_registered(f, reckey, totp_off);
done:
	explicit_bzero(reckey, sizeof(reckey));
	account_clear(&a);
	flow_free(f);
}

/* The recovery key opens the keys?  0 (in f->keys); -1 answered. */
static int
recover_open(struct req *r, struct flow *f, const char *text)
{
	struct account	 a;
	uint8_t		 rk[KEY_LEN];
	char		 why[256];
	uint32_t	 retry;
	int		 ok = 0;

	if (account_get(NULL, f->name, &a) == 1 &&
	    reckey_derive(text, rk) == 0)
		ok = account_keys_open(&a, rk, 1, &f->keys) == 0;
	explicit_bzero(rk, sizeof(rk));
	if (!ok) {
		addrthrottle_fail(auth_throttle, f->addr, r->now);
		reply_fail(r, AUTH_E_CREDENTIALS, 0, "Wrong user name or "
		    "recovery key.");
	} else if (a.lock == USER_LOCK_ADMIN) {
		auth_locked(&a, r->now, why, sizeof(why), &retry);
		reply_fail(r, AUTH_E_LOCKED, 0, why);
		ok = 0;
	} else
		memcpy(f->wrapped, a.wrapped_rec, WRAPPED_LEN);
	account_clear(&a);
	return ok ? 0 : -1;
}

void
h_recover(struct req *r)
{
	struct flow	*f;
	char		 text[128], pw[AUTH_PWMAX], why[256];
	uint32_t	 retry;
	int		 busy;

	if ((f = flow_new(r)) == NULL)
		return;
	req_str(r, f->name, sizeof(f->name));
	req_str(r, text, sizeof(text));
	req_str(r, pw, sizeof(pw));
	req_str(r, f->addr, sizeof(f->addr));
	req_end(r);
	if (r->bad)
		reply_fail(r, AUTH_E_CREDENTIALS, 0, "Wrong user name or "
		    "recovery key.");
	else if ((retry = addrthrottle_wait(auth_throttle, f->addr,
	    r->now)) > 0)
		reply_fail(r, AUTH_E_THROTTLED, retry, "Too many failed "
		    "attempts from your address. Try again later.");
	else if (recover_open(r, f, text) == -1)
		;
	else if (pwpolicy_check(pw, f->name, authconf.min_score, why,
	    sizeof(why)) != PW_OK)
		reply_fail(r, AUTH_E_POLICY, 0, why);
	else if ((busy = flow_hash(f, HASHJOB_CREATE, pw, NULL,
	    recover_done)) == HASHPOOL_OK)
		f = NULL;
	else
		flow_busy(r, busy);
	flow_free(f);
	explicit_bzero(text, sizeof(text));
	explicit_bzero(pw, sizeof(pw));
}
