/*
 * Messages auth sealed itself: broadcasts and the system's notices.  They
 * arrive whole (subject and body, one sealed chunk each, signed) and their
 * readers' copies follow in batches (bcopy.c keeps them apart).  What
 * auth may put is checked here all the same: only the system sends as
 * the system, only apart messages come this way, every bound holds.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "storedb_int.h"
#ifdef SMSG_TEST_HOOKS
#include "testhook.h"
#endif

#define CLOCK_SKEW	300	/* seconds auth's "created" may differ */

static int
check_sys_header(const struct store_msg *m, const size_t len[2],
    uint64_t now)
{
	const struct mc_header	*h = &m->h;
	uint32_t		 apart = h->flags &
				    (MC_F_BROADCAST | MC_F_SYSTEM);

	if (h->sender == 0 || (h->flags & ~MC_F_ALL) != 0 || apart == 0 ||
	    ((h->flags & MC_F_SYSTEM) != 0) !=
	    (h->sender == SMSG_SYSTEM_UID) ||
	    ((h->flags & MC_F_BROADCAST) != 0) != (h->nrcpt == 0))
		return STORE_E_BADREQ;
	if (h->nstreams != STREAM_FILE0 || h->unlock != 0 ||
	    h->sizes[STREAM_SUBJECT] != len[0] ||
	    h->sizes[STREAM_BODY] != len[1] ||
	    len[0] < MC_TAGLEN || len[1] < MC_TAGLEN)
		return STORE_E_BADREQ;
	if (len[0] > sdb.lim.subject_max + MC_TAGLEN ||
	    len[1] > sdb.lim.body_max + MC_TAGLEN || len[1] > MC_SEALED_MAX)
		return STORE_E_LIMIT;
	if (h->created + CLOCK_SKEW < now || h->created > now + CLOCK_SKEW ||
	    h->expires <= h->created ||
	    h->expires - h->created > sdb.lim.retention_max)
		return STORE_E_BADREQ;
	return STORE_E_OK;
}

/*
 * m: the header, signature and the sender's copy (its wrapped key; gone
 * from the start unless the sender keeps one).  Stored and indexed in
 * one transaction, with no reader yet.
 */
int
store_sys_put(struct store_msg *m, const uint8_t *subject,
    const uint8_t *body, const size_t len[2], uint64_t now)
{
	struct store_usage	 use;
	DB_TXN			*txn;
	uint8_t			 k[CHUNK_KEYLEN], f[FOLDER_KEYLEN];
	uint8_t			 t[TIME_KEYLEN], *val;
	size_t			 vlen;
	int			 r;

	if ((r = check_sys_header(m, len, now)) != STORE_E_OK)
		return r;
	if (m->h.sender != SMSG_SYSTEM_UID) {
		if (store_usage(m->h.sender, &use) != STORE_E_OK)
			return STORE_E_INTERNAL;
		if (use.bytes + len[0] + len[1] > sdb.lim.quota)
			return STORE_E_QUOTA;
	}
	m->ncopy = 1;
	m->copy[0].uid = m->h.sender;
	m->announced = 0;
	if ((txn = sdb_begin()) == NULL)
		return STORE_E_INTERNAL;
	r = STORE_E_BADREQ;
	/* auth's random id: never one in use */
	if (sdb_get(sdb.msg, txn, m->h.id, MC_IDLEN, &val, &vlen) != 1 ||
	    sdb_get(sdb.upload, txn, m->h.id, MC_IDLEN, &val, &vlen) != 1) {
		free(val);
		return sdb_end(txn, r);
	}
	r = STORE_E_INTERNAL;
	key_chunk(k, m->h.id, STREAM_SUBJECT, 0);
	if (sdb_put(sdb.chunk, txn, k, sizeof(k), subject, len[0]) == -1)
		return sdb_end(txn, r);
	key_chunk(k, m->h.id, STREAM_BODY, 0);
	if (sdb_put(sdb.chunk, txn, k, sizeof(k), body, len[1]) == -1)
		return sdb_end(txn, r);
	key_folder(f, m->h.sender, FOLDER_SENT, m->h.created, m->h.id);
	if (!(m->copy[0].state & COPY_GONE) &&
	    sdb_put(sdb.folder, txn, f, sizeof(f), "", 0) == -1)
		return sdb_end(txn, r);
	key_time(t, m->h.expires, m->h.id);
	if (sdb_put(sdb.expiry, txn, t, sizeof(t), "", 0) == -1 ||
	    msg_save(txn, m) != STORE_E_OK ||
	    usage_add(txn, m->h.sender, (int64_t)(len[0] + len[1]), 1) !=
	    STORE_E_OK)
		return sdb_end(txn, r);
	return sdb_end(txn, STORE_E_OK);
}

static int
is_recipient(const struct mc_header *h, uint32_t uid)
{
	uint32_t	 i;

	if (h->flags & MC_F_BROADCAST)
		return 1;
	for (i = 0; i < h->nrcpt; i++)
		if (h->rcpt[i] == uid)
			return 1;
	return 0;
}

/* A transaction, and room to load a message in it. */
static int
sys_begin(struct store_msg **m, DB_TXN **txn)
{
	if ((*m = malloc(sizeof(**m))) == NULL)
		return STORE_E_INTERNAL;
	if ((*txn = sdb_begin()) == NULL) {
		free(*m);
		return STORE_E_INTERNAL;
	}
	return STORE_E_OK;
}

#ifdef SMSG_TEST_HOOKS
/*
 * SMSG_TEST_BCAST_FAIL_AT=N, in test builds: the batch of broadcast
 * copies that holds the Nth (counted since start) fails, as a full disk
 * would make it, so a test can make a broadcast fail partway.
 */
static int
test_copies_fail(uint32_t n)
{
	static uint64_t	 seen;
	long		 at = testhook_knob("BCAST_FAIL_AT");
	int		 hit;

	hit = at > 0 && seen < (uint64_t)at && seen + n >= (uint64_t)at;
	seen += n;
	return hit;
}
#endif

/*
 * Readers' copies of id, one transaction; a reader who has one already,
 * or who blocks the (human) sender, is passed over.  The uids given a
 * copy are left in got[0 .. *ngot).
 */
int
store_sys_copies(const uint8_t id[MC_IDLEN], const struct store_copy *c,
    uint32_t n, uint64_t now, uint32_t *got, uint32_t *ngot)
{
	struct store_msg	*m;
	DB_TXN			*txn;
	uint8_t			 f[FOLDER_KEYLEN];
	uint32_t		 i;
	int			 r;

	*ngot = 0;
	if ((r = sys_begin(&m, &txn)) != STORE_E_OK)
		return r;
	if ((r = msg_load(txn, id, m)) != STORE_E_OK || !msg_apart(m) ||
	    m->h.expires <= now) {
		r = r == STORE_E_OK ? STORE_E_STATE : r;
		goto done;
	}
#ifdef SMSG_TEST_HOOKS
	if ((m->h.flags & MC_F_BROADCAST) && test_copies_fail(n)) {
		log_warnx("test: a batch of broadcast copies fails");
		r = STORE_E_INTERNAL;
		goto done;
	}
#endif
	for (i = 0; i < n && r == STORE_E_OK; i++) {
		if (c[i].uid == 0 || c[i].uid == m->h.sender ||
		    !is_recipient(&m->h, c[i].uid)) {
			r = STORE_E_BADREQ;
			break;
		}
		if ((r = msg_load_for(txn, id, c[i].uid, m)) != STORE_E_OK)
			break;
		if (m->ncopy > 1 || (m->h.sender != SMSG_SYSTEM_UID &&
		    contact_blocked(txn, c[i].uid, m->h.sender) != 0))
			continue;
		m->copy[1] = c[i];
		m->copy[1].state = 0;
		key_folder(f, c[i].uid, FOLDER_INBOX, m->h.created, id);
		if (bcopy_save(txn, m, &m->copy[1]) != STORE_E_OK ||
		    sdb_put(sdb.folder, txn, f, sizeof(f), "", 0) == -1)
			r = STORE_E_INTERNAL;
		else
			got[(*ngot)++] = c[i].uid;
	}
 done:
	explicit_bzero(m, sizeof(*m));
	free(m);
	if (r != STORE_E_OK)
		*ngot = 0;
	return sdb_end(txn, r);
}

/*
 * A message auth sealed that failed partway: it goes with every copy
 * stored so far, in one transaction.  Already gone (or never stored,
 * when its put failed) is done too.
 */
int
store_sys_undo(const uint8_t id[MC_IDLEN])
{
	struct store_msg	*m;
	DB_TXN			*txn;
	uint64_t		 n = 0;
	int			 r;

	if ((r = sys_begin(&m, &txn)) != STORE_E_OK)
		return r;
	if ((r = msg_load(txn, id, m)) == STORE_E_NOTFOUND)
		r = STORE_E_OK;
	else if (r == STORE_E_OK && !msg_apart(m))
		r = STORE_E_BADREQ;	/* only auth's own, never a user's */
	else if (r == STORE_E_OK && msg_remove(txn, m, &n) == -1)
		r = STORE_E_INTERNAL;
	explicit_bzero(m, sizeof(*m));
	free(m);
	return sdb_end(txn, r);
}
