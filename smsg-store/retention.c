/*
 * The store's clocks: expired messages go, chunks and all; messages
 * whose unlock time has come are announced once.  Driven by a timer in
 * store.c, never by traffic; smsgctl purge runs the purge at once.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "storedb_int.h"

#define TIMER_BATCH	64	/* messages per transaction */

/*
 * Up to TIMER_BATCH keys of a time index at or before now: their ids.
 * 1 when the batch is full (there may be more), 0 when not, -1 error.
 */
static int
due_batch(DB *db, DB_TXN *txn, uint64_t now,
    uint8_t ids[TIMER_BATCH][TIME_KEYLEN], int *n)
{
	DBC	*c;
	DBT	 key, data;
	int	 r;

	*n = 0;
	if (db->cursor(db, txn, &c, 0) != 0)
		return -1;
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	while (*n < TIMER_BATCH && (r = c->get(c, &key, &data, DB_NEXT)) == 0)
		if (key.size == TIME_KEYLEN) {
			if (key_get64(key.data) > now)
				break;
			memcpy(ids[(*n)++], key.data, TIME_KEYLEN);
		}
	c->close(c);
	return *n == TIMER_BATCH;
}

/*
 * Walk a time index up to now in batches of one transaction each: every
 * entry is taken out, and fn gets its message (if it still exists).
 */
static int
timer_walk(DB *index, uint64_t now,
    int (*fn)(DB_TXN *, struct store_msg *, void *), void *arg)
{
	struct store_msg	*m;
	uint8_t			 keys[TIMER_BATCH][TIME_KEYLEN];
	DB_TXN			*txn;
	int			 i, n, more, r = STORE_E_OK;

	if ((m = malloc(sizeof(*m))) == NULL)
		return STORE_E_INTERNAL;
	do {
		if ((txn = sdb_begin()) == NULL) {
			r = STORE_E_INTERNAL;
			break;
		}
		if ((more = due_batch(index, txn, now, keys, &n)) == -1)
			n = -1;
		for (i = 0; i < n; i++)
			if (sdb_del(index, txn, keys[i], TIME_KEYLEN) == -1 ||
			    (msg_load(txn, keys[i] + 8, m) == STORE_E_OK &&
			    fn(txn, m, arg) == -1))
				break;
		if ((r = sdb_end(txn, i < n || n == -1 ? STORE_E_INTERNAL :
		    STORE_E_OK)) != STORE_E_OK)
			break;
	} while (more);
	free(m);
	return r;
}

struct purged {
	uint32_t	 msgs;
	uint64_t	 chunks;
};

static int
purge_one(DB_TXN *txn, struct store_msg *m, void *arg)
{
	struct purged	*p = arg;

	if (msg_remove(txn, m, &p->chunks) == -1)
		return -1;
	p->msgs++;
	return 0;
}

/* Expired messages: how many went, and how many chunks with them. */
int
store_purge(uint64_t now, uint32_t *nmsgs, uint64_t *nchunks)
{
	struct purged	 p = { 0, 0 };
	int		 r;

	r = timer_walk(sdb.expiry, now, purge_one, &p);
	*nmsgs = p.msgs;
	*nchunks = p.chunks;
	return r;
}

struct announce {
	store_msg_cb	 cb;
	void		*arg;
};

static int
announce_one(DB_TXN *txn, struct store_msg *m, void *arg)
{
	struct announce	*a = arg;
	uint32_t	 i;

	if (m->announced)
		return 0;
	m->announced = 1;
	if (msg_save(txn, m) != STORE_E_OK)
		return -1;
	for (i = 0; i < m->ncopy; i++)		/* no key leaves */
		memset(m->copy[i].wrapped, 0, MC_WRAPLEN);
	a->cb(m, a->arg);
	return 0;
}

/* Messages whose unlock time has come: each given to cb once. */
int
store_unlocked(uint64_t now, store_msg_cb cb, void *arg)
{
	struct announce	 a = { cb, arg };

	return timer_walk(sdb.unlock, now, announce_one, &a);
}
