/*
 * The keys of messages, for the front on a session: public keys of a
 * user, wrapping a content key for the recipients, signing a header with
 * the session's key, unwrapping a key for the session's user.  auth
 * never sees a message, only keys and headers.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "authdb.h"
#include "log.h"
#include "msgcache.h"
#include "msgheader.h"
#include "msgunwrap.h"
#include "sysmsg.h"

/* Public keys of the accounts whose uids are asked for, in one pass. */
struct pubkeys {
	uint32_t	 n;
	const uint32_t	*uid;
	uint8_t		 (*x)[MC_KEYLEN];
	uint8_t		 (*ed)[MC_KEYLEN];
	char		 (*name)[ACCOUNT_NAME_MAX + 1];
	uint8_t		*found;
};

/*
 * Fill what is asked of every uid found, through the uid index; the
 * system's keys for its uid.  -1 on a database error.
 */
static int
pubkeys_fill(struct pubkeys *pk)
{
	struct account	 a;
	uint32_t	 i;
	int		 r;

	memset(pk->found, 0, pk->n);
	for (i = 0; i < pk->n; i++) {
		if (pk->uid[i] == SMSG_SYSTEM_UID)
			r = syskeys_account(&a);
		else if ((r = account_get_uid(NULL, pk->uid[i], &a)) == -1)
			return -1;
		if (r != 1)
			continue;
		if (pk->x != NULL)
			memcpy(pk->x[i], a.x25519_pub, MC_KEYLEN);
		if (pk->ed != NULL)
			memcpy(pk->ed[i], a.ed25519_pub, MC_KEYLEN);
		if (pk->name != NULL)
			strlcpy(pk->name[i], a.name, sizeof(pk->name[i]));
		pk->found[i] = 1;
		account_clear(&a);
	}
	return 0;
}

/* Fill the keys of every uid; -1 when one is missing. */
static int
pubkeys_by_uid(struct pubkeys *pk)
{
	uint32_t	 i;

	if (pubkeys_fill(pk) == -1)
		return -1;
	for (i = 0; i < pk->n; i++)
		if (!pk->found[i])
			return -1;
	return 0;
}

/*
 * The end of a request: u32 n (min to max), n uids.  uid[0] is the
 * session's user, the n asked for follow; the count of both.
 */
static uint32_t
get_uids(struct req *r, uint32_t *uid, uint32_t min, uint32_t max)
{
	uint32_t	 n, i;

	if (msg_get_u32(&r->cur, &n) == -1 || n < min || n > max)
		fatalx("malformed %s from front", msg_type_name(r->type));
	uid[0] = r->sess->uid;
	for (i = 0; i < n; i++)
		msg_get_u32(&r->cur, &uid[i + 1]);
	req_end(r);
	return n + 1;
}

void
h_pubkeys(struct req *r)
{
	struct account	 a;
	struct msgbuf	 mb;
	char		 name[ACCOUNT_NAME_MAX + 1], fp[MC_FPTEXTLEN];

	req_str(r, name, sizeof(name));
	req_end(r);
	if (r->bad || account_get(NULL, name, &a) != 1) {
		reply_fail(r, AUTH_E_NOTFOUND, 0, "No such user.");
		return;
	}
	if (mc_fingerprint(a.x25519_pub, a.ed25519_pub, fp) == -1) {
		account_clear(&a);
		reply_fail(r, AUTH_E_INTERNAL, 0, "Internal error.");
		return;
	}
	msg_init(&mb, MSG_AUTH_PUBKEY, r->peerid);
	msg_add_string(&mb, a.name);
	msg_add_u32(&mb, a.uid);
	msg_add_fixed(&mb, a.x25519_pub, MC_KEYLEN);
	msg_add_fixed(&mb, a.ed25519_pub, MC_KEYLEN);
	msg_add_string(&mb, fp);
	reply_send(PROC_FRONT, &mb);
	account_clear(&a);
}

/* Names of uids, for the lists of messages; a gone account is "". */
void
h_names(struct req *r)
{
	static uint32_t	 uid[AUTH_NAMES_MAX];
	static uint8_t	 found[AUTH_NAMES_MAX];
	static char	 name[AUTH_NAMES_MAX][ACCOUNT_NAME_MAX + 1];
	struct pubkeys	 pk = { 0, uid, NULL, NULL, name, found };
	struct msgbuf	 mb;
	uint32_t	 n, i;

	if (msg_get_u32(&r->cur, &n) == -1 || n > AUTH_NAMES_MAX)
		fatalx("malformed %s from front", msg_type_name(r->type));
	for (i = 0; i < n; i++)
		msg_get_u32(&r->cur, &uid[i]);
	req_end(r);
	pk.n = n;
	if (pubkeys_fill(&pk) == -1) {
		reply_fail(r, AUTH_E_INTERNAL, 0, "Internal error.");
		return;
	}
	msg_init(&mb, MSG_AUTH_NAME_LIST, r->peerid);
	msg_add_u32(&mb, n);
	for (i = 0; i < n; i++)
		msg_add_string(&mb, found[i] ? name[i] : "");
	reply_send(PROC_FRONT, &mb);
}

/* The header fields after the sender (who is known otherwise). */
static void
get_header(struct req *r, struct mc_header *h)
{
	if (mc_header_get(&r->cur, h) == -1)
		fatalx("malformed %s from front", msg_type_name(r->type));
}

/*
 * The recipients named in a request (u32 n, n * string name) into the
 * header, their X25519 keys after the sender's: the number of names,
 * the index of the first unknown one in *unknown.  -1 on a database
 * error.
 */
static int
get_names(struct req *r, struct mc_header *h, uint8_t (*x)[MC_KEYLEN],
    uint32_t *unknown)
{
	struct account	 a;
	char		 name[ACCOUNT_NAME_MAX + 1];
	uint32_t	 n, i;
	int		 rv = 0, found;

	if (msg_get_u32(&r->cur, &n) == -1 || n > MC_RCPT_MAX ||
	    (n > 0 && h->nrcpt != 0))
		fatalx("malformed %s from front", msg_type_name(r->type));
	*unknown = UINT32_MAX;
	for (i = 0; i < n; i++) {
		req_str(r, name, sizeof(name));
		if (rv != 0 || *unknown != UINT32_MAX)
			continue;
		/* a name too long for an account is no account's */
		found = r->bad ? 0 : account_get(NULL, name, &a);
		if (found == -1)
			rv = -1;
		else if (found != 1)
			*unknown = i;
		else {
			h->rcpt[i] = a.uid;
			memcpy(x[i + 1], a.x25519_pub, MC_KEYLEN);
			account_clear(&a);
		}
	}
	r->bad = 0;
	if (n > 0)
		h->nrcpt = n;
	return rv;
}

/* The session's signing key, parsed once for the session's life. */
static const struct mc_key *
session_sign_key(struct session *sess)
{
	if (sess->sign_key == NULL)
		sess->sign_key = mc_key_new(MC_KEY_ED25519,
		    sess->keys.ed25519_priv);
	return sess->sign_key;
}

/*
 * A message sealed by the front: its content key wrapped for the
 * session's user (first) and every recipient, and the header signed by
 * the session's user, who is always its sender.  The recipients are the
 * header's, or named after the key, looked up here and written into the
 * header (a send in one question: names, wraps, signature).
 */
void
h_key_seal(struct req *r)
{
	static struct mc_header	 h;
	static uint32_t		 uid[MC_RCPT_MAX + 1];
	static uint8_t		 x[MC_RCPT_MAX + 1][MC_KEYLEN];
	static uint8_t		 found[MC_RCPT_MAX + 1];
	static uint8_t		 w[MC_RCPT_MAX + 1][MC_WRAPLEN];
	struct pubkeys		 pk = { 0, uid, x, NULL, NULL, found };
	struct msgbuf		 mb;
	uint8_t			 ckey[MC_KEYLEN], sig[MC_SIGLEN];
	uint32_t		 i, unknown, named;
	int			 ok, rv;

	memset(&h, 0, sizeof(h));
	get_header(r, &h);
	msg_get_fixed(&r->cur, ckey, MC_KEYLEN);
	named = h.nrcpt == 0;
	rv = get_names(r, &h, x, &unknown);
	req_end(r);
	if (h.nrcpt < 1)
		fatalx("malformed %s from front", msg_type_name(r->type));
	if (rv == -1 || unknown != UINT32_MAX) {
		explicit_bzero(ckey, sizeof(ckey));
		reply_fail(r, rv == -1 ? AUTH_E_INTERNAL : AUTH_E_NOTFOUND,
		    rv == -1 ? 0 : unknown, rv == -1 ? "Internal error." :
		    "No such recipient.");
		return;
	}
	h.sender = r->sess->uid;
	uid[0] = h.sender;
	for (i = 0; i < h.nrcpt; i++)
		uid[i + 1] = h.rcpt[i];
	/* by name, only the sender's key is left to find */
	pk.n = named ? 1 : h.nrcpt + 1;
	if (pubkeys_by_uid(&pk) == -1) {
		/* no name's index: the sender or a uid is gone */
		explicit_bzero(ckey, sizeof(ckey));
		reply_fail(r, AUTH_E_NOTFOUND, UINT32_MAX,
		    "No such recipient.");
		return;
	}
	ok = mc_wrap_all(ckey, h.nrcpt + 1, (const uint8_t (*)[MC_KEYLEN])x,
	    h.id, uid, h.unlock, w) == 0 &&
	    mc_sign_key(&h, session_sign_key(r->sess), sig) == 0;
	explicit_bzero(ckey, sizeof(ckey));
	if (!ok) {
		reply_fail(r, AUTH_E_INTERNAL, 0, "Internal error.");
		return;
	}
	msg_init(&mb, MSG_AUTH_SEALED, r->peerid);
	msg_add_u32(&mb, h.nrcpt + 1);
	for (i = 0; i < h.nrcpt + 1; i++) {
		msg_add_u32(&mb, uid[i]);
		msg_add_fixed(&mb, w[i], MC_WRAPLEN);
	}
	msg_add_fixed(&mb, sig, MC_SIGLEN);
	reply_send(PROC_FRONT, &mb);
}

/* One message's key asked for: what the front presented, and its digest. */
struct unwrap_ask {
	struct mc_header	 h;
	uint8_t			 sig[MC_SIGLEN];
	uint8_t			 w[MC_WRAPLEN];
	uint8_t			 digest[MSGCACHE_DIGESTLEN];
	int			 cacheable;
};

/* What an unwrap gives: the key, the signer's fingerprint, the names. */
struct unwrapped {
	uint8_t			 ckey[MC_KEYLEN];
	char			 fp[MC_FPTEXTLEN];
	const msgcache_name	*name;		/* the signer, the recipients */
	const char		*why;		/* a refusal's text */
};

/* u32 sender, header, signature, wrapped key: one ask from the cursor. */
static void
get_unwrap_ask(struct req *r, struct unwrap_ask *q)
{
	const uint8_t	*start = r->cur.p;

	memset(&q->h, 0, sizeof(q->h));
	msg_get_u32(&r->cur, &q->h.sender);
	get_header(r, &q->h);
	msg_get_fixed(&r->cur, q->sig, MC_SIGLEN);
	msg_get_fixed(&r->cur, q->w, MC_WRAPLEN);
	if (start == NULL || r->cur.p == NULL)
		fatalx("malformed %s from front", msg_type_name(r->type));
	q->cacheable = msgcache_digest(start, (size_t)(r->cur.p - start),
	    q->digest) == 0;
}

/* The signature and the key agreement, for a key not in the cache. */
static uint32_t
unwrap_checked(struct req *r, const struct unwrap_ask *q,
    struct unwrapped *u)
{
	static uint32_t		 uid[MC_RCPT_MAX + 1];
	static uint8_t		 x[MC_RCPT_MAX + 1][MC_KEYLEN];
	static uint8_t		 ed[MC_RCPT_MAX + 1][MC_KEYLEN];
	static uint8_t		 found[MC_RCPT_MAX + 1];
	static msgcache_name	 name[MC_RCPT_MAX + 1];
	struct pubkeys		 pk = { 0, uid, x, ed, name, found };
	uint32_t		 i;
	int			 rv;

	/* the sender first, then the recipients, whose names are shown */
	uid[0] = q->h.sender;
	for (i = 0; i < q->h.nrcpt; i++)
		uid[i + 1] = q->h.rcpt[i];
	pk.n = q->h.nrcpt + 1;
	if (pubkeys_by_uid(&pk) == -1) {
		u->why = "The sender of this message is unknown: its "
		    "signature cannot be checked.";
		return AUTH_E_SIGNATURE;
	}
	rv = msgkeys_unwrap(&r->sess->keys, r->sess->uid, &q->h, q->sig,
	    ed[0], q->w, (uint64_t)r->now, u->ckey);
	if (rv == 0 && mc_fingerprint(x[0], ed[0], u->fp) == -1)
		rv = AUTH_E_INTERNAL;
	if (rv != 0) {
		explicit_bzero(u->ckey, sizeof(u->ckey));
		u->why = rv == AUTH_E_NOTFOUND ? "No such message." :
		    "This message fails its signature check.";
		return (uint32_t)rv;
	}
	u->name = name;
	if (q->cacheable)
		msgcache_put(r->sess, q->h.id, q->digest, u->ckey, u->fp,
		    pk.n, name);
	return 0;
}

/*
 * The content key of q for the session's user: 0 with u filled, or an
 * AUTH_E_* code with u->why.  The unlock time and the reader are checked
 * on every ask; the signature and the agreement once per session and
 * exact header (msgcache.h).
 */
static uint32_t
unwrap_one(struct req *r, const struct unwrap_ask *q, struct unwrapped *u)
{
	const struct mcentry	*e;

	memset(u, 0, sizeof(*u));
	if (q->h.unlock != 0 && (uint64_t)r->now < q->h.unlock) {
		/* before any lookup: locked is locked, whoever asks */
		log_info("user %s: refused the key of a message locked for "
		    "%llu more seconds", r->sess->name,
		    (unsigned long long)(q->h.unlock - (uint64_t)r->now));
		u->why = "This message is locked until its unlock time.";
		return AUTH_E_TIMELOCK;
	}
	if (!msgkeys_is_reader(&q->h, r->sess->uid)) {
		u->why = "No such message.";
		return AUTH_E_NOTFOUND;
	}
	if (!q->cacheable ||
	    (e = msgcache_get(r->sess, q->h.id, q->digest)) == NULL)
		return unwrap_checked(r, q, u);
	memcpy(u->ckey, e->ckey, MC_KEYLEN);
	memcpy(u->fp, e->fp, MC_FPTEXTLEN);
	u->name = e->name;
	return 0;
}

void
h_key_unwrap(struct req *r)
{
	static struct unwrap_ask q;
	struct unwrapped	 u;
	struct msgbuf		 mb;
	uint32_t		 i, rv;

	get_unwrap_ask(r, &q);
	req_end(r);
	if ((rv = unwrap_one(r, &q, &u)) != 0) {
		reply_fail(r, rv, rv == AUTH_E_TIMELOCK ?
		    (uint32_t)(q.h.unlock - r->now) : 0, u.why);
		return;
	}
	msg_init(&mb, MSG_AUTH_CONTENT_KEY, r->peerid);
	msg_add_fixed(&mb, u.ckey, MC_KEYLEN);
	msg_add_string(&mb, u.name[0]);
	msg_add_string(&mb, u.fp);
	msg_add_u32(&mb, q.h.nrcpt);
	for (i = 0; i < q.h.nrcpt; i++)
		msg_add_string(&mb, u.name[i + 1]);
	explicit_bzero(&u, sizeof(u));
	reply_send(PROC_FRONT, &mb);
}

/*
 * The keys of a page of messages in one question: each answered with
 * its own code, as KEY_UNWRAP would (a refusal is no reason to stop).
 */
void
h_key_unwrap_page(struct req *r)
{
	static struct unwrap_ask q;
	struct unwrapped	 u;
	struct msgbuf		 mb;
	uint32_t		 n, i, rv;

	if (msg_get_u32(&r->cur, &n) == -1 || n == 0 || n > AUTH_UNWRAP_MAX)
		fatalx("malformed %s from front", msg_type_name(r->type));
	msg_init(&mb, MSG_AUTH_CONTENT_KEYS, r->peerid);
	msg_add_u32(&mb, n);
	for (i = 0; i < n; i++) {
		get_unwrap_ask(r, &q);
		rv = unwrap_one(r, &q, &u);
		msg_add_u32(&mb, rv);
		msg_add_fixed(&mb, u.ckey, MC_KEYLEN);
		explicit_bzero(&u, sizeof(u));
	}
	req_end(r);
	reply_send(PROC_FRONT, &mb);
}

/*
 * The contact list's keys, seen from the session's user: each uid's
 * name, key fingerprint and safety number with the user.  The user's
 * own keys are read from the account too, so both ends of a safety
 * number are the keys stored now.
 */
void
h_contact_keys(struct req *r)
{
	static uint32_t	 uid[CONTACTS_MAX + 1];
	static uint8_t	 x[CONTACTS_MAX + 1][MC_KEYLEN];
	static uint8_t	 ed[CONTACTS_MAX + 1][MC_KEYLEN];
	static char	 name[CONTACTS_MAX + 1][ACCOUNT_NAME_MAX + 1];
	static uint8_t	 found[CONTACTS_MAX + 1];
	struct pubkeys	 pk = { 0, uid, x, ed, name, found };
	struct msgbuf	 mb;
	char		 fp[MC_FPTEXTLEN], sn[MC_SAFETYLEN];
	uint32_t	 n, i;

	pk.n = get_uids(r, uid, 0, CONTACTS_MAX);
	n = pk.n - 1;
	if (pubkeys_fill(&pk) == -1 || !found[0]) {
		reply_fail(r, AUTH_E_INTERNAL, 0, "Internal error.");
		return;
	}
	for (i = 1; i <= n; i++) {
		if (!found[i] || uid[i] == uid[0])
			continue;
		if (mc_fingerprint(x[i], ed[i], fp) == -1 ||
		    mc_safety_number(name[0], x[0], ed[0], name[i], x[i],
		    ed[i], sn) == -1) {
			reply_fail(r, AUTH_E_INTERNAL, 0, "Internal error.");
			return;
		}
		msg_init(&mb, MSG_AUTH_CONTACT_KEY, r->peerid);
		msg_add_u32(&mb, uid[i]);
		msg_add_string(&mb, name[i]);
		msg_add_string(&mb, fp);
		msg_add_string(&mb, sn);
		reply_send(PROC_FRONT, &mb);
	}
	msg_init(&mb, MSG_AUTH_END, r->peerid);
	reply_send(PROC_FRONT, &mb);
}
