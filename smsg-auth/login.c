/*
 * Signing in and making accounts: register, login (password, then the
 * second factor), recovery with the recovery key.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "sysmsg.h"
#include "authdb.h"
#include "device.h"
#include "log.h"
#include "proc.h"

#define MSG_CREDENTIALS	"Wrong user name or password."
#define MSG_REUSED	"This code has already been used. Wait for the next one."
#define MSG_WRONGCODE	"That code is not right."

static void
reply_session(enum proc_id to, uint32_t peerid, const struct session *s,
    const char *token, const char *device)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_AUTH_SESSION, peerid);
	msg_add_string(&mb, token);
	msg_add_string(&mb, s->csrf);
	msg_add_u64(&mb, session_expires(s));
	msg_add_string(&mb, s->name);
	msg_add_string(&mb, device);
	msg_add_u32(&mb, device[0] != '\0' ? DEVICE_LIFETIME : 0);
	reply_send(to, &mb);
	msg_free(&mb);
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
    const struct userkeys *keys, int pending, const char *device)
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
		reply_session(f->from, f->peerid, s, token, device);
	explicit_bzero(token, sizeof(token));
}

/*
 * The limits f's attempt counts against (lockout.h): its network, the
 * pair of name and network, and the account's untrusted clients, or the
 * device when f presented a valid device token of a.  a NULL: the name
 * is no account, and is counted in memory as an account would be.
 */
static void
login_attempt(const struct flow *f, struct account *a,
    struct signin_attempt *at, time_t now)
{
	struct device	*d;
	char		 net[NETKEY_MAX];

	memset(at, 0, sizeof(*at));
	net_key(&authconf.net, f->addr, net, sizeof(net));
	signin_keys(at, f->name, net);
	if (a == NULL)
		at->account = throttle_state(auth_limits.unknown, f->name);
	else {
		at->account = &a->lockout;
		if ((d = device_find(a, f->device, now)) != NULL)
			at->device = &d->lockout;
	}
}

/* Not evaluated: the answer says how long to wait, the log why. */
static void
login_refuse(struct req *r, const struct flow *f, enum signin_gate g,
    uint32_t wait)
{
	static const char *const whom[] = {
		[SIGNIN_DEVICE] = "this browser",
		[SIGNIN_NETWORK] = "your network",
		[SIGNIN_PAIR] = "your network to this account",
		[SIGNIN_ACCOUNT] = "browsers this account has not used "
		    "before",
	};
	char	 why[256];

	log_info("sign-in for %s from %s not evaluated: too many failures "
	    "from %s; %u s to wait", f->name, f->addr, whom[g], wait);
	snprintf(why, sizeof(why), "Too many failed sign-ins from %s. Try "
	    "again in %u minute%s%s.", whom[g], (wait + 59) / 60,
	    (wait + 59) / 60 == 1 ? "" : "s", g == SIGNIN_ACCOUNT ?
	    ", or from a browser you signed in with before" : "");
	reply_fail(r, AUTH_E_THROTTLED, wait, why);
}

/*
 * A password of f->name (a; NULL: no such account) about to be hashed,
 * for a sign-in or a check inside a session: the limits, then the
 * attempt recorded as a failure (in a, for the caller to store).  0 go
 * on; -1 refused and answered.
 */
int
login_limits_enter(struct req *r, struct flow *f, struct account *a)
{
	struct signin_attempt	 at;
	enum signin_gate	 g;
	uint32_t		 wait;

	login_attempt(f, a, &at, r->now);
	if ((g = signin_gate(&auth_limits, &authconf.lockout, &at, r->now,
	    &wait)) != SIGNIN_OPEN) {
		login_refuse(r, f, g, wait);
		return -1;
	}
	signin_record(&auth_limits, &authconf.lockout, &at, r->now);
	f->trusted = at.device != NULL;
	return 0;
}

/* The password was right: login_limits_enter's attempt taken back. */
void
login_limits_leave(struct flow *f, struct account *a)
{
	struct signin_attempt	 at;

	login_attempt(f, a, &at, time(NULL));
	if (f->trusted == (at.device != NULL))
		signin_success(&auth_limits, &at);
}

/*
 * The second factor against a, read in txn: 0 accepted; -1 refused and
 * answered.  Either way a has changed (step, code or failure count) and
 * the caller stores it.  A wrong code is a failed sign-in: counted, when
 * the attempt was recorded already (with its password, before hashing);
 * else recorded here, against the same limits.
 */
static int
login_second_factor(struct flow *f, DB_TXN *txn, struct account *a,
    int counted)
{
	struct signin_attempt	 at;

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
	if (!counted) {
		login_attempt(f, a, &at, time(NULL));
		signin_record(&auth_limits, &authconf.lockout, &at, time(NULL));
	}
	return -1;
}

/*
 * Sign-in complete: last login, the event, the device token to keep
 * (the one presented when it is this account's, else a new one), a
 * session.
 */
static void
login_finish(struct flow *f, DB_TXN *txn, struct account *a,
    const struct userkeys *keys)
{
	char	 device[SESSION_TOKENLEN];
	time_t	 now = time(NULL);

	/* a browser or client this account never signed in from */
	if (!f->trusted && a->last_login != 0)
		notice_queue(a->uid, "new_signin", f->addr, now);
	a->last_login = now;
	if (device_issue(a, f->device, now, device) == -1) {
		log_warnx("user %s: no device token could be made", a->name);
		device[0] = '\0';
	}
	auth_event(txn, a, "login", f->addr, "");
	if (account_commit(txn, a) == -1)
		flow_fail(f, AUTH_E_INTERNAL, 0, "Sign-in failed.");
	else
		login_session(f, a, keys, 0, device);
	explicit_bzero(device, sizeof(device));
}

/* A wrong password (or no such account): recorded already; the event. */
static void
login_failed(struct flow *f)
{
	struct account	 a;
	DB_TXN		*txn;

	memset(&a, 0, sizeof(a));
	flow_fail(f, AUTH_E_CREDENTIALS, 0, MSG_CREDENTIALS);
	if ((txn = authdb_begin()) == NULL)
		return;
	/* An unknown name does the same database work as a known one. */
	if (!f->known) {
		if (authdb_decoy(txn) == -1)
			authdb_abort(txn);
		else
			authdb_commit(txn);
	} else if (account_get(txn, f->name, &a) == 1) {
		auth_event(txn, &a, "login_failed", f->addr, f->trusted ?
		    "from a known device" : "");
		if (!f->trusted && a.lockout.hour_count == LOCKOUT_HOURMAX)
			auth_event(txn, &a, "signin_limited", f->addr,
			    "100 failed sign-ins within an hour");
		authdb_commit(txn);
	} else
		authdb_abort(txn);
	log_debug("sign-in for %s from %s: failure recorded after hashing",
	    f->name, f->addr);
	account_clear(&a);
}

/*
 * The account again after hashing, in a new transaction: refused when
 * its verifier changed meanwhile (the password we checked is old) or an
 * administrator locked it meanwhile.  NULL answered.
 */
static DB_TXN *
login_reread(struct flow *f, struct account *a)
{
	DB_TXN		*txn;
	char		 why[256];
	uint32_t	 retry;

	if ((txn = authdb_begin()) == NULL) {
		flow_fail(f, AUTH_E_INTERNAL, 0, "Sign-in failed.");
		return NULL;
	}
	if (account_get(txn, f->name, a) != 1 ||
	    strcmp(a->pwhash, f->before) != 0) {
		authdb_abort(txn);
		flow_fail(f, AUTH_E_CREDENTIALS, 0, MSG_CREDENTIALS);
		return NULL;
	}
	if (auth_locked(a, time(NULL), why, sizeof(why), &retry)) {
		authdb_abort(txn);
		log_info("user %s: sign-in refused after hashing, locked by "
		    "an administrator, from %s", a->name, f->addr);
		flow_fail(f, AUTH_E_LOCKED, 0, why);
		return NULL;
	}
	return txn;
}

/* The password was right: the second factor, if any, then a session. */
static void
login_accept(struct flow *f, DB_TXN *txn, struct account *a,
    const struct userkeys *keys)
{
	if (a->totp_on && f->otp[0] == '\0') {
		/* A right password waiting for its code is no failure. */
		login_limits_leave(f, a);
		if (account_commit(txn, a) == -1)
			flow_fail(f, AUTH_E_INTERNAL, 0, "Sign-in failed.");
		else
			login_session(f, a, keys, 1, "");
	} else if (a->totp_on && login_second_factor(f, txn, a, 1) == -1)
		account_commit(txn, a);
	else {
		login_limits_leave(f, a);
		login_finish(f, txn, a, keys);
	}
}

/* 1 when stored was made with other scrypt parameters than today's. */
static int
login_outdated(const char *stored)
{
	struct pwhash_params	 p;

	return pwhash_params_of(stored, &p) == 0 &&
	    !pwhash_params_eq(&p, &authconf.params);
}

/*
 * The new verifier is made: store it, and the keys wrapped under its
 * kek, in the transaction that completes the sign-in.
 */
static void
login_rehashed(struct flow *f)
{
	struct account	 a;
	DB_TXN		*txn;
	uint8_t		 wrapped[WRAPPED_LEN];

	memset(&a, 0, sizeof(a));
	if ((txn = login_reread(f, &a)) == NULL)
		goto done;
	if (f->job.result == 0 &&
	    keywrap_seal(f->job.kek, a.name, &f->keys, wrapped) == 0) {
		memcpy(a.wrapped_pw, wrapped, WRAPPED_LEN);
		strlcpy(a.pwhash, f->job.stored, sizeof(a.pwhash));
		auth_event(txn, &a, "password_rehashed", f->addr, "");
	} else
		log_warnx("user %s: rehashing failed; the old verifier stays",
		    a.name);
	login_accept(f, txn, &a, &f->keys);
done:
	explicit_bzero(wrapped, sizeof(wrapped));
	account_clear(&a);
	flow_free(f);
}

/*
 * A right password stored under older parameters: hash it again with
 * today's before the sign-in completes.  0 queued (f is the job's);
 * -1 not now (the queue is full): the next sign-in will.
 */
static int
login_rehash(struct flow *f, const struct userkeys *keys)
{
	int	 r;

	memcpy(&f->keys, keys, sizeof(f->keys));
	r = flow_hash(f, HASHJOB_CREATE, f->newpw, NULL, login_rehashed);
	explicit_bzero(f->newpw, sizeof(f->newpw));
	if (r == HASHPOOL_OK)
		return 0;
	userkeys_clear(&f->keys);
	return -1;
}

static void
login_verified(struct flow *f)
{
	struct account	 a;
	struct userkeys	 keys;
	DB_TXN		*txn;

	memset(&keys, 0, sizeof(keys));
	memset(&a, 0, sizeof(a));
	if (f->job.result != 1 || !f->known) {
		login_failed(f);
		goto done;
	}
	if ((txn = login_reread(f, &a)) == NULL)
		goto done;
	if (account_keys_open(&a, f->job.kek, 0, &keys) == -1) {
		log_warnx("user %s: keys do not open with the password",
		    a.name);
		authdb_abort(txn);
		flow_fail(f, AUTH_E_INTERNAL, 0, "Sign-in failed.");
		goto done;
	}
	if (f->rehash) {
		authdb_abort(txn);	/* nothing changed yet */
		if (login_rehash(f, &keys) == 0) {
			f = NULL;
			goto done;
		}
		if ((txn = login_reread(f, &a)) == NULL)
			goto done;
	}
	login_accept(f, txn, &a, &keys);
done:
	userkeys_clear(&keys);
	account_clear(&a);
	flow_free(f);
}

/*
 * Before hashing: the administrator's lock, then the limits (lockout.h);
 * the attempt recorded as a failure (committed) so that parallel
 * attempts all count.  A name that is no account does the same database
 * work.  0 go on to hash; -1 answered.
 */
static int
login_precheck(struct req *r, struct flow *f)
{
	struct account		 a;
	DB_TXN			*txn;
	char			 why[256];
	uint32_t		 wait;

	memset(&a, 0, sizeof(a));
	if ((txn = authdb_begin()) == NULL)
		goto internal;
	if ((f->known = account_get(txn, f->name, &a)) == -1) {
		authdb_abort(txn);
		goto internal;
	}
	if (f->known && auth_locked(&a, r->now, why, sizeof(why), &wait)) {
		authdb_abort(txn);
		log_info("user %s: sign-in refused, locked, from %s", a.name,
		    f->addr);
		reply_fail(r, AUTH_E_LOCKED, 0, why);
		account_clear(&a);
		return -1;
	}
	if (login_limits_enter(r, f, f->known ? &a : NULL) == -1) {
		authdb_abort(txn);
		account_clear(&a);
		return -1;
	}
	if (f->known) {
		strlcpy(f->before, a.pwhash, sizeof(f->before));
		f->rehash = login_outdated(a.pwhash);
		if (account_commit(txn, &a) == -1)
			goto internal;
	} else if (authdb_decoy(txn) == -1) {
		authdb_abort(txn);
		goto internal;
	} else if (authdb_commit(txn) == -1)
		goto internal;
	log_debug("sign-in for %s from %s: attempt recorded before hashing",
	    f->name, f->addr);
	account_clear(&a);
	return 0;
internal:
	account_clear(&a);
	reply_fail(r, AUTH_E_INTERNAL, 0, "Sign-in failed.");
	return -1;
}

/* A device token as the front sends it; one of another shape is none. */
static void
req_device(struct req *r, struct flow *f)
{
	char	 dev[256];

	req_str(r, dev, sizeof(dev));
	if (strlen(dev) < sizeof(f->device))
		strlcpy(f->device, dev, sizeof(f->device));
	explicit_bzero(dev, sizeof(dev));
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
	req_device(r, f);
	req_end(r);
	if (r->bad) {
		reply_fail(r, AUTH_E_CREDENTIALS, 0, MSG_CREDENTIALS);
		flow_free(f);
	} else if ((why = flow_room(f)) != HASHPOOL_OK) {
		flow_busy(r, why);	/* before a failure is counted */
		flow_free(f);
	} else if (login_precheck(r, f) == -1)
		flow_free(f);
	else {
		if (f->rehash)
			strlcpy(f->newpw, pw, sizeof(f->newpw));
		if ((why = flow_hash(f, HASHJOB_VERIFY, pw, f->known ?
		    f->before : auth_hash_dummy(), login_verified)) !=
		    HASHPOOL_OK) {
			flow_busy(r, why);
			flow_free(f);
		}
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
	req_device(r, &f);
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
	/* Whoever needed the recovery key may have lost a device too. */
	explicit_bzero(a.devices, sizeof(a.devices));
	a.ndevices = 0;
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
	reply_registered(f, reckey, totp_off);
done:
	explicit_bzero(reckey, sizeof(reckey));
	account_clear(&a);
	flow_free(f);
}

/* The recovery key opens the keys?  0 (in f->keys); -1 answered. */
static int
recover_open(struct req *r, struct flow *f, const char *text,
    const char *net)
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
		throttle_fail(auth_limits.net, &signin_net_policy, net, r->now);
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
	char		 net[NETKEY_MAX];
	uint32_t	 retry;
	int		 busy;

	if ((f = flow_new(r)) == NULL)
		return;
	req_str(r, f->name, sizeof(f->name));
	req_str(r, text, sizeof(text));
	req_str(r, pw, sizeof(pw));
	req_str(r, f->addr, sizeof(f->addr));
	req_end(r);
	net_key(&authconf.net, f->addr, net, sizeof(net));
	if (r->bad)
		reply_fail(r, AUTH_E_CREDENTIALS, 0, "Wrong user name or "
		    "recovery key.");
	else if ((retry = throttle_wait(auth_limits.net, &signin_net_policy,
	    net, r->now)) > 0)
		reply_fail(r, AUTH_E_THROTTLED, retry, "Too many failed "
		    "attempts from your network. Try again later.");
	else if (recover_open(r, f, text, net) == -1)
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
