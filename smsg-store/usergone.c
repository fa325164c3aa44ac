/*
 * An account was deleted (auth says so): its copies of messages go, as if
 * it had deleted each one, and so do its contact list and its place in
 * everybody else's.  In batches, one transaction each, so no transaction
 * grows with the size of a mailbox.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "storedb_int.h"

#define GONE_BATCH	64

struct batch {
	uint8_t		(*keys)[FOLDER_KEYLEN];
	int		 n;
};

static int
batch_key(DBC *c, const uint8_t *k, void *arg)
{
	struct batch	*b = arg;

	memcpy(b->keys[b->n++], k, FOLDER_KEYLEN);
	return b->n == GONE_BATCH;
}

/* Up to GONE_BATCH entries of uid's folders: their count, or -1. */
static int
folder_batch(DB_TXN *txn, uint32_t uid,
    uint8_t keys[GONE_BATCH][FOLDER_KEYLEN])
{
	struct batch	 b = { keys, 0 };
	uint8_t		 prefix[4];

	key_put32(prefix, uid);
	if (sdb_walk_prefix(sdb.folder, txn, prefix, sizeof(prefix),
	    FOLDER_KEYLEN, batch_key, &b) == -1)
		return -1;
	return b.n;
}

/* One batch of uid's copies: the number dropped, or -1. */
static int
drop_batch(uint32_t uid, struct store_msg *m)
{
	uint8_t			 keys[GONE_BATCH][FOLDER_KEYLEN];
	struct store_copy	*c;
	DB_TXN			*txn;
	int			 i, n;

	if ((txn = sdb_begin()) == NULL)
		return -1;
	if ((n = folder_batch(txn, uid, keys)) == -1) {
		sdb_abort(txn);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (msg_load_for(txn, keys[i] + 13, uid, m) != STORE_E_OK ||
		    (c = msg_copy(m, uid)) == NULL ||
		    (c->state & COPY_GONE)) {
			/* an entry without its copy: it goes alone */
			if (sdb_del(sdb.folder, txn, keys[i],
			    FOLDER_KEYLEN) == -1)
				break;
			continue;
		}
		if (copy_drop(txn, m, c) != STORE_E_OK ||
		    sdb_del(sdb.folder, txn, keys[i], FOLDER_KEYLEN) == -1)
			break;
	}
	if (i < n) {
		sdb_abort(txn);
		return -1;
	}
	return sdb_commit(txn) == 0 ? n : -1;
}

/* Every contact entry of owner, and of others naming uid. */
static int
contacts_gone(DB_TXN *txn, uint32_t uid, uint32_t *n)
{
	DBC	*c;
	DBT	 key, data;
	int	 r;

	if (sdb.contact->cursor(sdb.contact, txn, &c, 0) != 0)
		return -1;
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	data.flags = DB_DBT_PARTIAL;
	while ((r = c->get(c, &key, &data, DB_NEXT)) == 0) {
		if (key.size != CONTACT_KEYLEN ||
		    (key_get32(key.data) != uid &&
		    key_get32((uint8_t *)key.data + 4) != uid))
			continue;
		if ((r = c->del(c, 0)) != 0)
			break;
		(*n)++;
	}
	c->close(c);
	return r == DB_NOTFOUND ? 0 : -1;
}

int
store_user_gone(uint32_t uid, uint32_t *copies, uint32_t *contacts)
{
	struct store_msg	*m;
	DB_TXN			*txn;
	uint8_t			 k[4];
	int			 n;

	*copies = *contacts = 0;
	if (uid == 0 || uid == SMSG_SYSTEM_UID)
		return STORE_E_BADREQ;
	if ((m = malloc(sizeof(*m))) == NULL)
		return STORE_E_INTERNAL;
	while ((n = drop_batch(uid, m)) > 0)
		*copies += (uint32_t)n;
	explicit_bzero(m, sizeof(*m));
	free(m);
	if (n == -1 || (txn = sdb_begin()) == NULL)
		return STORE_E_INTERNAL;
	key_put32(k, uid);
	if (contacts_gone(txn, uid, contacts) == -1 ||
	    sdb_del(sdb.usage, txn, k, sizeof(k)) == -1) {
		sdb_abort(txn);
		return STORE_E_INTERNAL;
	}
	return sdb_commit(txn) == 0 ? STORE_E_OK : STORE_E_INTERNAL;
}
