/*
 * Folder pages, newest first, and the totals smsgctl shows.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "storedb_int.h"

#define LIST_MAX	200	/* messages in one page at most */

/* Put c on the last key below bound; DB_NOTFOUND when there is none. */
static int
seek_below(DBC *c, DBT *key, DBT *data, const uint8_t *bound, size_t blen)
{
	int	 r;

	memcpy(key->data, bound, blen);
	key->size = (u_int32_t)blen;
	if ((r = c->get(c, key, data, DB_SET_RANGE)) == DB_NOTFOUND)
		return c->get(c, key, data, DB_LAST);
	if (r != 0)
		return r;
	return c->get(c, key, data, DB_PREV);
}

/*
 * The sealed subject of m for a list, in txn: only unlocked, and only
 * one short chunk (a longer one is asked for on its own).  NULL: none.
 */
static uint8_t *
list_subject(DB_TXN *txn, const struct store_msg *m, uint64_t now,
    size_t *len)
{
	uint8_t		 k[CHUNK_KEYLEN], *val = NULL;

	*len = 0;
	if ((m->h.unlock != 0 && now < m->h.unlock) || m->h.nstreams == 0 ||
	    m->h.sizes[0] == 0 || m->h.sizes[0] > LIST_SUBJECT_MAX)
		return NULL;
	key_chunk(k, m->h.id, 0, 0);
	if (sdb_get(sdb.chunk, txn, k, sizeof(k), &val, len) != 0 ||
	    *len != m->h.sizes[0]) {
		free(val);
		*len = 0;
		return NULL;
	}
	return val;
}

/*
 * A page of uid's folder: at most limit messages older than before (an
 * id of that folder, or NULL for the newest), unexpired at now; next is
 * set when more
 * follow, to the id to pass as before.  The callback gets each message
 * with only uid's wrapped key, and none while it is locked; with
 * subjects, each one's subject when it is short (list_subject).
 */
int
store_list(uint32_t uid, enum store_folder f, const uint8_t *before,
    uint32_t limit, int subjects, uint64_t now, store_list_cb cb, void *arg,
    uint8_t next[MC_IDLEN], int *more)
{
	struct store_msg	*m;
	DB_TXN			*txn;
	DBC			*c = NULL;
	DBT			 key, data;
	uint8_t			 bound[FOLDER_KEYLEN], kbuf[FOLDER_KEYLEN];
	uint8_t			*subject;
	size_t			 slen;
	uint32_t		 n = 0;
	int			 r;

	*more = 0;
	if (f >= FOLDER_MAX || limit == 0 || limit > LIST_MAX)
		return STORE_E_BADREQ;
	if ((m = malloc(sizeof(*m))) == NULL || (txn = sdb_begin()) == NULL) {
		free(m);
		return STORE_E_INTERNAL;
	}
	memset(bound, 0xff, sizeof(bound));
	key_put32(bound, uid);
	bound[4] = (uint8_t)f;
	if (before != NULL) {
		if ((r = msg_load_for(txn, before, uid, m)) != STORE_E_OK)
			goto done;
		/* another's id is a missing one: no answer tells them apart */
		if (msg_copy(m, uid) == NULL) {
			r = STORE_E_NOTFOUND;
			goto done;
		}
		key_folder(bound, uid, f, m->h.created, before);
	}
	r = STORE_E_INTERNAL;
	if (sdb.folder->cursor(sdb.folder, txn, &c, 0) != 0)
		goto done;
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	key.data = kbuf;
	key.ulen = sizeof(kbuf);
	key.flags = DB_DBT_USERMEM;
	data.flags = DB_DBT_PARTIAL;
	for (r = seek_below(c, &key, &data, bound, sizeof(bound)); r == 0;
	    r = c->get(c, &key, &data, DB_PREV)) {
		if (key.size != FOLDER_KEYLEN || memcmp(kbuf, bound, 5) != 0)
			break;
		if (n == limit) {
			*more = 1;
			break;
		}
		/* expired is gone, whether or not the purge came yet */
		if (msg_load_for(txn, kbuf + 13, uid, m) != STORE_E_OK ||
		    msg_copy(m, uid) == NULL || m->h.expires <= now)
			continue;
		memcpy(next, m->h.id, MC_IDLEN);
		subject = subjects ? list_subject(txn, m, now, &slen) : NULL;
		slen = subject != NULL ? slen : 0;
		cb(m, uid, subject, slen, arg);
		free(subject);
		n++;
	}
	r = r == 0 || r == DB_NOTFOUND ? STORE_E_OK : STORE_E_INTERNAL;
 done:
	if (c != NULL)
		c->close(c);
	free(m);
	sdb_commit(txn);
	return r;
}

static int
count_key(DBC *c, const uint8_t *k, void *arg)
{
	(*(uint32_t *)arg)++;
	return 0;
}

/* Entries of uid's folder f: messages there until purged or deleted. */
int
store_folder_count(uint32_t uid, enum store_folder f, uint32_t *n)
{
	DB_TXN	*txn;
	uint8_t	 prefix[5];
	int	 r;

	*n = 0;
	if ((txn = sdb_begin()) == NULL)
		return STORE_E_INTERNAL;
	key_put32(prefix, uid);
	prefix[4] = (uint8_t)f;
	r = sdb_walk_prefix(sdb.folder, txn, prefix, sizeof(prefix),
	    FOLDER_KEYLEN, count_key, n);
	sdb_commit(txn);
	return r == 0 ? STORE_E_OK : STORE_E_INTERNAL;
}

static void
stats_day(struct store_stats *st, uint64_t expires, uint64_t bytes)
{
	uint64_t	 day = expires / 86400;
	uint32_t	 i;

	for (i = 0; i < st->ndays; i++)
		if (st->day[i].day == day)
			break;
	if (i == st->ndays) {
		if (st->ndays == STATS_DAYS_MAX)
			return;
		/* kept in order: the expiry index is walked in order */
		st->day[st->ndays++].day = day;
	}
	st->day[i].messages++;
	st->day[i].bytes += bytes;
}

static uint64_t
count_records(DB *db, DB_TXN *txn)
{
	DB_BTREE_STAT	*bs;
	uint64_t	 n = 0;

	if (db->stat(db, txn, &bs, 0) == 0) {
		n = bs->bt_nkeys;
		free(bs);
	}
	return n;
}

/* Every stored message, through the expiry index (day order). */
int
store_stats(uint64_t now, struct store_stats *st)
{
	struct store_msg	*m;
	DB_TXN			*txn;
	DBC			*c;
	DBT			 key, data;
	uint64_t		 bytes;
	uint32_t		 i;
	int			 r;

	memset(st, 0, sizeof(*st));
	if ((m = malloc(sizeof(*m))) == NULL || (txn = sdb_begin()) == NULL) {
		free(m);
		return STORE_E_INTERNAL;
	}
	if (sdb.expiry->cursor(sdb.expiry, txn, &c, 0) != 0) {
		free(m);
		sdb_abort(txn);
		return STORE_E_INTERNAL;
	}
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	while ((r = c->get(c, &key, &data, DB_NEXT)) == 0) {
		if (key.size != TIME_KEYLEN ||
		    msg_load(txn, (uint8_t *)key.data + 8, m) != STORE_E_OK)
			continue;
		for (bytes = 0, i = 0; i < m->h.nstreams; i++)
			bytes += m->h.sizes[i];
		st->messages++;
		st->bytes += bytes;
		if (m->h.unlock > now) {
			st->locked++;
			st->locked_bytes += bytes;
		}
		stats_day(st, m->h.expires, bytes);
	}
	c->close(c);
	st->uploads = count_records(sdb.upload, txn);
	st->quarantined = count_records(sdb.quarantine, txn);
	free(m);
	sdb_commit(txn);
	return r == DB_NOTFOUND ? STORE_E_OK : STORE_E_INTERNAL;
}
