/*
 * Broadcasts: a message to every account that has keys, at the time it
 * is sent (accounts made later do not get it).  From a session, when
 * messages.broadcast allows the account (signed with its key, a copy in
 * its sent folder); from smsgctl, as the system (signed with the
 * system's key).  A session's broadcast comes sealed by the front, so
 * auth never sees its text; it wraps the content key for every account
 * (the list of them never leaves auth) and signs.  smsgctl's comes as
 * text and auth seals it, as it does its own notices: the system writes
 * those.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "authdb.h"
#include "log.h"
#include "proc.h"
#include "sysmsg.h"

struct readers {
	struct reader	*rd;
	uint32_t	 n;
	uint32_t	 skipped;	/* no keys yet */
	uint32_t	 exclude;	/* the sender */
	int		 over;		/* more than BROADCAST_USERS_MAX */
};

static const uint8_t	 nokey[MC_KEYLEN];

static void
collect_reader(const struct account *a, void *arg)
{
	struct readers	*rs = arg;

	if (a->uid == rs->exclude)
		return;
	if (memcmp(a->x25519_pub, nokey, MC_KEYLEN) == 0) {
		rs->skipped++;
		return;
	}
	if (rs->n == BROADCAST_USERS_MAX) {
		rs->over = 1;
		return;
	}
	rs->rd[rs->n].uid = a->uid;
	memcpy(rs->rd[rs->n].x25519, a->x25519_pub, MC_KEYLEN);
	rs->n++;
}

/* Every account but the sender's: 0, or -1 with why set. */
static int
collect_all(struct readers *rs, uint32_t sender, const char **why)
{
	static struct reader	 rd[BROADCAST_USERS_MAX];

	memset(rs, 0, sizeof(*rs));
	rs->rd = rd;
	rs->exclude = sender;
	if (account_foreach(collect_reader, rs) == -1) {
		*why = "the account database could not be read";
		return -1;
	}
	if (rs->over) {
		*why = "more accounts than one broadcast may reach";
		return -1;
	}
	return 0;
}

/* A broadcast on its way: the text (smsgctl's) or the sealed streams
   (a session's, pointing into the request), then sealed and signed. */
static struct {
	struct sealed	 s;
	char		 subject[AUTH_SUBJECTMAX + 1];
	char		 body[BROADCAST_TEXT_MAX + 1];
	int		 given;		/* sealed by the front */
	uint8_t		 id[MC_IDLEN];
	uint8_t		 ckey[MC_KEYLEN];
	const uint8_t	*sealed[2];
	size_t		 slen[2];
} bc;

/* A session's AUTH_BROADCAST: id, content key, sealed subject and body. */
static void
get_sealed(struct req *r)
{
	int	 n;

	msg_get_fixed(&r->cur, bc.id, MC_IDLEN);
	msg_get_fixed(&r->cur, bc.ckey, MC_KEYLEN);
	for (n = 0; n < 2; n++)
		if (msg_get_bytes(&r->cur, &bc.sealed[n], &bc.slen[n],
		    BROADCAST_TEXT_MAX + MC_TAGLEN) == -1)
			fatalx("malformed %s from %s", msg_type_name(r->type),
			    proc_name(r->from));
	req_end(r);
	bc.given = 1;
}

static int
seal_bc(struct req *r, uint32_t sender, const uint8_t edpriv[MC_KEYLEN],
    uint32_t flags)
{
	if (bc.given)
		return sysmsg_take(&bc.s, sender, edpriv, flags, bc.id,
		    bc.ckey, bc.sealed, bc.slen, (uint64_t)r->now);
	return sysmsg_seal(&bc.s, sender, edpriv, flags, 0, bc.subject,
	    bc.body, (uint64_t)r->now);
}

/* Subject and body of a broadcast request; 0, or -1 when too long. */
static int
get_text(struct req *r)
{
	const uint8_t	*p;
	size_t		 len;

	req_str(r, bc.subject, sizeof(bc.subject));
	if (msg_get_bytes(&r->cur, &p, &len, BROADCAST_TEXT_MAX) == -1)
		fatalx("malformed %s from %s", msg_type_name(r->type),
		    proc_name(r->from));
	req_end(r);
	if (memchr(p, '\0', len) != NULL)
		r->bad = 1;
	memcpy(bc.body, p, len);
	bc.body[len] = '\0';
	return r->bad || strlen(bc.subject) > authconf.subject_max ? -1 : 0;
}

/*
 * Seal bc's text from sender (signing with edpriv) for every other
 * account and hand it over; the text is wiped either way.  0 sent; -1
 * with why when it cannot go (the accounts), 1 when not now (busy).
 */
static int
broadcast_send(struct req *r, uint32_t sender,
    const uint8_t edpriv[MC_KEYLEN], uint32_t flags, const struct reader *own,
    struct sysasker *asker, const char **why)
{
	struct readers	 rs;
	int		 rv = -1;

	if (collect_all(&rs, sender, why) == 0) {
		asker->skipped = rs.skipped;
		rv = seal_bc(r, sender, edpriv, flags) == -1 ||
		    sysmsg_send(&bc.s, own, rs.rd, rs.n, asker) == -1;
		if (rv == 0)
			log_info("broadcast to %u accounts", rs.n);
	}
	explicit_bzero(&bc, sizeof(bc));
	return rv;
}

static const char *
policy_refusal(int admin)
{
	if (authconf.broadcast == BCAST_NOBODY)
		return "Broadcasts are turned off on this server.";
	if (authconf.broadcast == BCAST_ADMINS && !admin)
		return "Only an administrator may broadcast.";
	return NULL;
}

void
h_broadcast(struct req *r)
{
	struct sysasker	 asker = { PROC_FRONT, r->peerid, 0 };
	struct reader	 own;
	struct account	 a;
	const char	*why = NULL;
	int		 rv;

	get_sealed(r);
	if (bc.slen[0] < MC_TAGLEN || bc.slen[1] < MC_TAGLEN ||
	    bc.slen[0] - MC_TAGLEN > authconf.subject_max) {
		explicit_bzero(&bc, sizeof(bc));
		reply_fail(r, AUTH_E_BADREQ, 0, "The subject of this "
		    "broadcast is too long.");
		return;
	}
	if (account_get(NULL, r->sess->name, &a) == 1) {
		why = policy_refusal(a.admin);
		account_clear(&a);
	} else
		why = "Your account cannot be read.";
	if (why != NULL) {
		explicit_bzero(&bc, sizeof(bc));
		reply_fail(r, AUTH_E_FORBIDDEN, 0, why);
		return;
	}
	own.uid = r->sess->uid;
	memcpy(own.x25519, r->sess->keys.x25519_pub, MC_KEYLEN);
	rv = broadcast_send(r, r->sess->uid, r->sess->keys.ed25519_priv,
	    MC_F_BROADCAST, &own, &asker, &why);
	if (rv == -1) {
		log_warnx("user %s: broadcast refused: %s", r->sess->name,
		    why);
		reply_fail(r, AUTH_E_INTERNAL, 0, "The broadcast cannot be "
		    "sent: there are too many accounts.");
	} else if (rv == 1)
		reply_fail(r, AUTH_E_BUSY, 0, "The broadcast cannot be sent "
		    "now; try again in a moment.");
}

/* smsgctl broadcast: from the system, whatever the accounts' flags. */
void
h_ctl_broadcast(struct req *r)
{
	struct sysasker		 asker = { PROC_PARENT, r->peerid, 0 };
	const struct userkeys	*sk = syskeys();
	const char		*why = "the system has no keys";
	int			 rv = -1;

	if (get_text(r) == -1) {
		explicit_bzero(&bc, sizeof(bc));
		ctl_result(r->peerid, CTL_BADARG, "the subject or the text "
		    "is too long");
		return;
	}
	if (authconf.broadcast == BCAST_NOBODY) {
		explicit_bzero(&bc, sizeof(bc));
		ctl_result(r->peerid, CTL_DENIED, "broadcasts are turned off "
		    "(messages.broadcast is nobody)");
		return;
	}
	if (sk != NULL)
		rv = broadcast_send(r, SMSG_SYSTEM_UID, sk->ed25519_priv,
		    MC_F_BROADCAST | MC_F_SYSTEM, NULL, &asker, &why);
	explicit_bzero(&bc, sizeof(bc));
	if (rv == -1)
		ctl_result(r->peerid, CTL_FAILED, "%s", why);
	else if (rv == 1)
		ctl_result(r->peerid, CTL_FAILED, "the broadcast cannot be "
		    "sent now (is the message store running?)");
}

/* STORE_OK or STORE_FAIL: an answer to one of sysmsg.c's requests. */
void
h_store_answer(struct req *r)
{
	uint32_t	 code = STORE_E_OK;
	uint64_t	 detail;
	char		 text[256];

	if (r->type == MSG_STORE_FAIL) {
		msg_get_u32(&r->cur, &code);
		msg_get_u64(&r->cur, &detail);
		req_str(r, text, sizeof(text));
		if (code == STORE_E_OK || code >= STORE_E_MAX)
			fatalx("malformed STORE_FAIL from store");
	}
	req_end(r);
	if (r->peerid == 0) {		/* STORE_USER_GONE's */
		if (code != STORE_E_OK)
			log_warnx("the store could not remove a deleted "
			    "account's messages and contacts");
		return;
	}
	sysmsg_answer(r->peerid, (int)code, code == STORE_E_OK ? "" : text);
}

/* An account was deleted: the store drops its copies and contacts. */
void
auth_user_gone(uint32_t uid)
{
	struct msgbuf	 mb;

	if (!proc_linked(PROC_STORE)) {
		log_warnx("account %u deleted while the store is away: its "
		    "messages stay until they expire", uid);
		return;
	}
	msg_init(&mb, MSG_STORE_USER_GONE, 0);
	msg_add_u32(&mb, uid);
	reply_send(PROC_STORE, &mb);
}
