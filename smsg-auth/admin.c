/*
 * Account administration for smsgctl, relayed by the parent; peerid is
 * the control connection's id and is echoed in every answer.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "authdb.h"
#include "log.h"
#include "proc.h"

static void
ctl_secret(uint32_t peerid, const char *label, const char *value)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_CTL_USER_SECRET, peerid);
	msg_add_string(&mb, label);
	msg_add_string(&mb, value);
	reply_send(PROC_PARENT, &mb);
	msg_free(&mb);
}

/* A name field that must be a valid name; -1 answered. */
static int
ctl_name(struct req *r, char name[ACCOUNT_NAME_MAX + 1])
{
	char	 why[128];

	req_str(r, name, ACCOUNT_NAME_MAX + 1);
	if (r->bad || account_name_check(name, why, sizeof(why)) == -1) {
		req_end(r);
		ctl_result(r->peerid, CTL_BADARG, "%s", r->bad ?
		    "name too long" : why);
		return -1;
	}
	return 0;
}

static void
user_add_done(struct flow *f)
{
	char	 reckey[RECKEY_TEXTLEN];
	int	 r = -1;

	if (f->job.result == 0)
		r = account_create(f->name, f->job.stored, f->job.kek, "smsgctl",
		    time(NULL), reckey);
	if (r == 0) {
		ctl_secret(f->peerid, "recovery key", reckey);
		ctl_result(f->peerid, CTL_OK, "user %s added", f->name);
	} else if (r == 1)
		ctl_result(f->peerid, CTL_FAILED, "user %s exists", f->name);
	else
		ctl_result(f->peerid, CTL_FAILED, "user %s not added",
		    f->name);
	explicit_bzero(reckey, sizeof(reckey));
	flow_free(f);
}

/* Name and password for a new verifier, then done on the main thread. */
static void
ctl_hash_new(struct req *r, void (*done)(struct flow *), int must_exist)
{
	struct account	 a;
	struct flow	*f;
	char		 pw[AUTH_PWMAX], why[256];
	int		 found;

	if ((f = flow_new(r)) == NULL)
		return;
	if (ctl_name(r, f->name) == -1) {
		flow_free(f);
		return;
	}
	req_str(r, pw, sizeof(pw));
	req_end(r);
	found = account_get(NULL, f->name, &a);
	account_clear(&a);
	if (found == -1)
		ctl_result(r->peerid, CTL_FAILED, "cannot read the account");
	else if (found != must_exist)
		ctl_result(r->peerid, must_exist ? CTL_NOTFOUND : CTL_FAILED,
		    must_exist ? "no user %s" : "user %s exists", f->name);
	else if (r->bad)
		ctl_result(r->peerid, CTL_BADARG, "password too long");
	else if (pwpolicy_check(pw, f->name, authconf.min_score, why,
	    sizeof(why)) != PW_OK)
		ctl_result(r->peerid, CTL_BADARG, "%s", why);
	else if ((found = flow_hash(f, HASHJOB_CREATE, pw, NULL, done)) ==
	    HASHPOOL_OK)
		f = NULL;
	else
		flow_busy(r, found);
	flow_free(f);
	explicit_bzero(pw, sizeof(pw));
}

void
h_user_add(struct req *r)
{
	ctl_hash_new(r, user_add_done, 0);
}

static void
user_info(const struct account *a, void *arg)
{
	const struct req	*r = arg;
	struct msgbuf		 mb;
	uint32_t		 wait;
	uint8_t			 lock = a->lock;

	/* Only clients the account does not trust wait (lockout.h). */
	wait = lockout_hour_wait(&a->lockout, r->now);
	if (lock == USER_LOCK_NONE && wait > 0)
		lock = USER_LOCK_FAILURES;
	msg_init(&mb, MSG_CTL_USER_INFO, r->peerid);
	msg_add_string(&mb, a->name);
	msg_add_u32(&mb, a->uid);
	msg_add_u64(&mb, a->created);
	msg_add_u8(&mb, lock);
	msg_add_u64(&mb, wait > 0 ? (uint64_t)r->now + wait : 0);
	msg_add_u32(&mb, a->lockout.failures);
	msg_add_u8(&mb, a->totp_on);
	msg_add_u32(&mb, sessions_count(a->uid));
	msg_add_u64(&mb, a->last_login);
	msg_add_u8(&mb, a->admin);
	reply_send(PROC_PARENT, &mb);
}

void
h_user_list(struct req *r)
{
	req_end(r);
	if (account_foreach(user_info, r) == -1)
		ctl_result(r->peerid, CTL_FAILED, "cannot read the accounts");
	else
		ctl_end(r->peerid);
}

void
h_user_show(struct req *r)
{
	struct account	 a;
	char		 name[ACCOUNT_NAME_MAX + 1];
	int		 found;

	if (ctl_name(r, name) == -1)
		return;
	req_end(r);
	if ((found = account_get(NULL, name, &a)) == 1) {
		user_info(&a, r);
		ctl_end(r->peerid);
	} else
		ctl_result(r->peerid, found == 0 ? CTL_NOTFOUND : CTL_FAILED,
		    found == 0 ? "no user %s" : "cannot read user %s", name);
	account_clear(&a);
}

/* The named account, read in a new transaction; NULL answered. */
static DB_TXN *
ctl_begin(struct req *r, char name[ACCOUNT_NAME_MAX + 1], struct account *a)
{
	DB_TXN	*txn;
	int	 found;

	if (ctl_name(r, name) == -1)
		return NULL;
	req_end(r);
	if ((txn = authdb_begin()) == NULL) {
		ctl_result(r->peerid, CTL_FAILED, "database error");
		return NULL;
	}
	if ((found = account_get(txn, name, a)) != 1) {
		authdb_abort(txn);
		ctl_result(r->peerid, found == 0 ? CTL_NOTFOUND : CTL_FAILED,
		    found == 0 ? "no user %s" : "cannot read user %s", name);
		return NULL;
	}
	return txn;
}

/*
 * Change one account in one transaction: change(a) edits it and names
 * the event; the result tells the administrator.
 */
static void
ctl_change(struct req *r, const char *(*change)(struct account *),
    const char *done)
{
	struct account	 a;
	DB_TXN		*txn;
	const char	*event;
	char		 name[ACCOUNT_NAME_MAX + 1];

	if ((txn = ctl_begin(r, name, &a)) == NULL)
		return;
	event = change(&a);
	auth_event(txn, &a, event, "smsgctl", "by an administrator");
	if (account_commit(txn, &a) == -1)
		ctl_result(r->peerid, CTL_FAILED, "user %s not changed", name);
	else
		ctl_result(r->peerid, CTL_OK, "user %s %s", name, done);
	account_clear(&a);
}

static const char *
change_lock(struct account *a)
{
	a->lock = USER_LOCK_ADMIN;
	sessions_end_user(a->uid, NULL);
	return "locked";
}

/* Unlocked, and every wait of its sign-ins ended (lockout.h). */
static const char *
change_unlock(struct account *a)
{
	int	 i;

	a->lock = USER_LOCK_NONE;
	memset(&a->lockout, 0, sizeof(a->lockout));
	for (i = 0; i < a->ndevices && i < ACCOUNT_DEVICES; i++)
		memset(&a->devices[i].lockout, 0, sizeof(a->devices[i].lockout));
	signin_forget_account(&auth_limits, a->name);
	return "unlocked";
}

static const char *
change_reset_2fa(struct account *a)
{
	account_totp_off(a);
	return "totp_disabled";
}

void
h_user_lock(struct req *r)
{
	ctl_change(r, change_lock, "locked; its sessions ended");
}

void
h_user_unlock(struct req *r)
{
	ctl_change(r, change_unlock, "unlocked");
}

void
h_user_reset_2fa(struct req *r)
{
	ctl_change(r, change_reset_2fa, "has two-factor authentication off");
}

/*
 * A new password from the administrator: nobody knows the old one, so
 * the keys cannot be unwrapped and rewrapped.  New keys, a new recovery
 * key; messages to the old keys cannot be read any more.
 */
static void
reset_password_done(struct flow *f)
{
	struct account	 a;
	DB_TXN		*txn = NULL;
	char		 reckey[RECKEY_TEXTLEN];

	memset(&a, 0, sizeof(a));
	explicit_bzero(reckey, sizeof(reckey));
	if (f->job.result != 0 || (txn = authdb_begin()) == NULL ||
	    account_get(txn, f->name, &a) != 1 ||
	    account_keys_new(&a, f->job.kek, reckey) == -1) {
		authdb_abort(txn);
		ctl_result(f->peerid, CTL_FAILED, "password of %s not reset",
		    f->name);
		goto done;
	}
	strlcpy(a.pwhash, f->job.stored, sizeof(a.pwhash));
	memset(&a.lockout, 0, sizeof(a.lockout));
	auth_event(txn, &a, "password_reset_by_admin", "smsgctl", "");
	if (account_commit(txn, &a) == -1) {
		ctl_result(f->peerid, CTL_FAILED, "password of %s not reset",
		    f->name);
		goto done;
	}
	sessions_end_user(a.uid, NULL);
	/* its signatures no longer check: none may be served from a cache */
	msgcache_forget_all();
	ctl_secret(f->peerid, "recovery key", reckey);
	ctl_result(f->peerid, CTL_OK, "password of %s reset; new keys were "
	    "made, so messages sent to %s before now can no longer be read",
	    f->name, f->name);
done:
	explicit_bzero(reckey, sizeof(reckey));
	account_clear(&a);
	flow_free(f);
}

void
h_user_reset_password(struct req *r)
{
	ctl_hash_new(r, reset_password_done, 1);
}

void
h_user_delete(struct req *r)
{
	struct account	 a;
	DB_TXN		*txn;
	char		 name[ACCOUNT_NAME_MAX + 1];

	if ((txn = ctl_begin(r, name, &a)) == NULL)
		return;
	if (account_delete(txn, name) == -1 ||
	    activity_delete_user(txn, a.uid) == -1) {
		authdb_abort(txn);
		ctl_result(r->peerid, CTL_FAILED, "user %s not deleted", name);
	} else if (authdb_commit(txn) == -1)
		ctl_result(r->peerid, CTL_FAILED, "user %s not deleted", name);
	else {
		log_info("user %s: deleted by an administrator", name);
		sessions_end_user(a.uid, NULL);
		/* other sessions' entries may show its name: none may */
		msgcache_forget_all();
		auth_user_gone(a.uid);
		ctl_result(r->peerid, CTL_OK, "user %s deleted", name);
	}
	account_clear(&a);
}

void
h_show_sessions(struct req *r)
{
	struct session	*s;
	struct msgbuf	 mb;
	char		 name[ACCOUNT_NAME_MAX + 1];

	req_str(r, name, sizeof(name));
	req_end(r);
	sessions_purge(r->now);
	for (s = session_first(); !r->bad && s != NULL; s = session_next(s)) {
		if (s->pending || (name[0] && strcmp(name, s->name) != 0))
			continue;
		msg_init(&mb, MSG_CTL_SESSION_INFO, r->peerid);
		msg_add_u64(&mb, s->id);
		msg_add_string(&mb, s->name);
		msg_add_u64(&mb, s->created);
		msg_add_u64(&mb, s->last_seen);
		msg_add_u64(&mb, session_expires(s));
		msg_add_string(&mb, s->addr);
		reply_send(PROC_PARENT, &mb);
	}
	ctl_end(r->peerid);
}

void
h_session_revoke(struct req *r)
{
	struct session	*s;
	struct account	 a;
	DB_TXN		*txn;
	uint64_t	 id;

	if (msg_get_u64(&r->cur, &id) == -1)
		fatalx("malformed CTL_SESSION_REVOKE");
	req_end(r);
	if ((s = session_by_id(id, r->now)) == NULL) {
		ctl_result(r->peerid, CTL_NOTFOUND, "no session %016llx",
		    (unsigned long long)id);
		return;
	}
	if ((txn = authdb_begin()) != NULL) {
		if (account_get(txn, s->name, &a) == 1) {
			auth_event(txn, &a, "session_revoked", "smsgctl",
			    "by an administrator");
			authdb_commit(txn);
		} else
			authdb_abort(txn);
		account_clear(&a);
	}
	session_end(s);
	ctl_result(r->peerid, CTL_OK, "session %016llx ended",
	    (unsigned long long)id);
}
