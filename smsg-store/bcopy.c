/*
 * Readers' copies kept apart from their message.  A broadcast reaches
 * every account, far more readers than one message record can hold, and
 * the system's notices take the same way.  Such a message ("apart": its
 * flags say broadcast or system) keeps only its sender's copy in its
 * record; each reader's copy is a record of its own, (id, uid) -> state
 * and wrapped key, with the reader's inbox entry.  The ciphertext is
 * stored once; a reader deletes only their copy; the message goes with
 * the last copy, or when it expires.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "storedb_int.h"

#define BCOPY_RECLEN	(2 + MC_WRAPLEN)	/* version, state, key */

int
msg_apart(const struct store_msg *m)
{
	return msg_flags_apart(m->h.flags);
}

static void
key_bcopy(uint8_t k[BCOPY_KEYLEN], const uint8_t id[MC_IDLEN], uint32_t uid)
{
	memcpy(k, id, MC_IDLEN);
	key_put32(k + MC_IDLEN, uid);
}

/* uid's copy of an apart message into m, as its second: 0, 1 none, -1. */
static int
bcopy_load(DB_TXN *txn, struct store_msg *m, uint32_t uid)
{
	struct store_copy	*c = &m->copy[1];
	uint8_t			 k[BCOPY_KEYLEN], *val;
	size_t			 vlen;
	int			 r;

	key_bcopy(k, m->h.id, uid);
	if ((r = sdb_get(sdb.bcopy, txn, k, sizeof(k), &val, &vlen)) != 0)
		return r;
	if (vlen != BCOPY_RECLEN || val[0] != RECORD_VERSION ||
	    (val[1] & ~(COPY_GONE | COPY_READ)) != 0) {
		free(val);
		sdb_quarantine_later(sdb.bcopy, k, sizeof(k));
		return 1;
	}
	c->uid = uid;
	c->state = val[1];
	memcpy(c->wrapped, val + 2, MC_WRAPLEN);
	free(val);
	m->ncopy = 2;
	return 0;
}

/* A message and, when it keeps its copies apart, uid's copy in it. */
int
msg_load_for(DB_TXN *txn, const uint8_t id[MC_IDLEN], uint32_t uid,
    struct store_msg *m)
{
	int	 r;

	if ((r = msg_load(txn, id, m)) != STORE_E_OK)
		return r;
	if (!msg_apart(m) || m->copy[0].uid == uid)
		return STORE_E_OK;
	return bcopy_load(txn, m, uid) == -1 ? STORE_E_INTERNAL : STORE_E_OK;
}

int
bcopy_save(DB_TXN *txn, const struct store_msg *m,
    const struct store_copy *c)
{
	uint8_t	 k[BCOPY_KEYLEN], v[BCOPY_RECLEN];

	key_bcopy(k, m->h.id, c->uid);
	v[0] = RECORD_VERSION;
	v[1] = c->state;
	memcpy(v + 2, c->wrapped, MC_WRAPLEN);
	return sdb_put(sdb.bcopy, txn, k, sizeof(k), v, sizeof(v)) == 0 ?
	    STORE_E_OK : STORE_E_INTERNAL;
}

/* A reader's copy and inbox entry out. */
static int
bcopy_drop(DB_TXN *txn, const struct store_msg *m, uint32_t uid)
{
	uint8_t	 k[BCOPY_KEYLEN], f[FOLDER_KEYLEN];

	key_bcopy(k, m->h.id, uid);
	key_folder(f, uid, FOLDER_INBOX, m->h.created, m->h.id);
	return sdb_del(sdb.bcopy, txn, k, sizeof(k)) == -1 ||
	    sdb_del(sdb.folder, txn, f, sizeof(f)) == -1 ? -1 : 0;
}

struct bcopy_walk {
	DB_TXN			*txn;
	const struct store_msg	*m;
	int			 drop;
	int			 found;
};

static int
bcopy_one(DBC *c, const uint8_t *k, void *arg)
{
	struct bcopy_walk	*w = arg;
	uint8_t			 f[FOLDER_KEYLEN];

	w->found = 1;
	if (!w->drop)
		return 1;
	key_folder(f, key_get32(k + MC_IDLEN), FOLDER_INBOX, w->m->h.created,
	    w->m->h.id);
	return c->del(c, 0) != 0 ||
	    sdb_del(sdb.folder, w->txn, f, sizeof(f)) == -1 ? -1 : 0;
}

/*
 * Walk the readers' copies of m: with drop, each goes with its inbox
 * entry.  1 when there is one (without drop: stop there), 0 none, -1.
 */
static int
bcopy_walk(DB_TXN *txn, const struct store_msg *m, int drop)
{
	struct bcopy_walk	 w = { txn, m, drop, 0 };

	if (sdb_walk_prefix(sdb.bcopy, txn, m->h.id, MC_IDLEN, BCOPY_KEYLEN,
	    bcopy_one, &w) == -1)
		return -1;
	return w.found;
}

/* Every reader's copy of m, for msg_remove(). */
int
bcopy_remove_all(DB_TXN *txn, const struct store_msg *m)
{
	return bcopy_walk(txn, m, 1) == -1 ? -1 : 0;
}

/*
 * c's copy of an apart message goes (marked gone by the caller); the
 * message with it when the sender's is gone and no reader's is left.
 */
int
apart_drop(DB_TXN *txn, struct store_msg *m, struct store_copy *c)
{
	uint8_t		 k[FOLDER_KEYLEN];
	uint64_t	 n = 0;
	int		 left;

	if (c != &m->copy[0]) {
		if (bcopy_drop(txn, m, c->uid) == -1)
			return STORE_E_INTERNAL;
		m->ncopy = 1;
	} else {
		key_folder(k, c->uid, FOLDER_SENT, m->h.created, m->h.id);
		if (sdb_del(sdb.folder, txn, k, sizeof(k)) == -1)
			return STORE_E_INTERNAL;
	}
	if (!(m->copy[0].state & COPY_GONE))
		return msg_save(txn, m);
	if ((left = bcopy_walk(txn, m, 0)) == -1)
		return STORE_E_INTERNAL;
	if (left)
		return msg_save(txn, m);
	return msg_remove(txn, m, &n) == 0 ? STORE_E_OK : STORE_E_INTERNAL;
}
