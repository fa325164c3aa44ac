/*
 * The message database's environment, its B-trees, and what every part
 * of it shares: transactions, records in and out, quarantine, usage.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbenv.h"
#include "log.h"
#include "storedb_int.h"

struct storedb	 sdb;

/*
 * Written at every start: the db5.3 utilities (db5.3_stat, _dump,
 * _recover, _hotbackup) read it too and so open the environment with
 * the daemon's settings.  Large lock tables: purging a message of many
 * chunks locks every page it frees in one transaction.  Locks are made
 * as they are needed, but the lock hash table is sized from the object
 * maximum when the environment opens (27 MiB resident for 200,000):
 * a fixed, small table keeps the idle store small.  The cache is
 * store.cache_mb, touched only as pages are read.
 */
static const char db_config[] =
    "# Written by smsg-store at start; edits are overwritten.\n"
    "set_tmp_dir .\n"
    "set_cachesize 0 %lu 1\n"
    "set_lg_bsize 1048576\n"
    "set_lg_max 10485760\n"
    "set_lk_max_locks 200000\n"
    "set_lk_max_objects 200000\n"
    "set_lk_max_lockers 1000\n"
    "set_lk_tablesize 4096\n"
    "log_set_config DB_LOG_AUTO_REMOVE on\n";

#define QUARANTINE_PENDING	16

static struct {
	DB	*db;
	uint8_t	 key[CHUNK_KEYLEN + 8];
	size_t	 keylen;
} qpending[QUARANTINE_PENDING];
static int	 nqpending;

static void
write_db_config(const char *home, uint32_t cache_mb)
{
	char	 path[1024], tmp[1024], text[sizeof(db_config) + 32];
	int	 fd, n;

	if (cache_mb == 0)
		cache_mb = STORE_CACHE_MB;
	n = snprintf(text, sizeof(text), db_config,
	    (unsigned long)cache_mb << 20);
	if (n < 0 || (size_t)n >= sizeof(text))
		fatalx("DB_CONFIG too long");
	snprintf(path, sizeof(path), "%s/DB_CONFIG", home);
	snprintf(tmp, sizeof(tmp), "%s/DB_CONFIG.tmp", home);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		fatal("%s", tmp);
	if (write(fd, text, (size_t)n) != (ssize_t)n || fsync(fd) == -1)
		fatal("%s", tmp);
	close(fd);
	if (rename(tmp, path) == -1)
		fatal("rename %s", tmp);
}

static DB *
open_tree(const char *name)
{
	return dbenv_open_db_paged(sdb.env, name, DB_BTREE, STORE_PAGESIZE);
}

int
storedb_open(const char *home, const struct store_limits *lim)
{
	write_db_config(home, lim->cache_mb);
	sdb.lim = *lim;
	sdb.env = dbenv_open(home);
	sdb.msg = open_tree("msg.db");
	sdb.chunk = open_tree("chunk.db");
	sdb.upload = open_tree("upload.db");
	sdb.folder = open_tree("folder.db");
	sdb.expiry = open_tree("expiry.db");
	sdb.unlock = open_tree("unlock.db");
	sdb.contact = open_tree("contact.db");
	sdb.usage = open_tree("usage.db");
	sdb.quarantine = open_tree("quarantine.db");
	sdb.bcopy = open_tree("bcopy.db");
	return 0;
}

void
storedb_close(void)
{
	DB	**dbs[] = { &sdb.msg, &sdb.chunk, &sdb.upload, &sdb.folder,
	    &sdb.expiry, &sdb.unlock, &sdb.contact, &sdb.usage,
	    &sdb.quarantine, &sdb.bcopy };
	size_t	 i;

	for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		if (*dbs[i] != NULL)
			(*dbs[i])->close(*dbs[i], 0);
		*dbs[i] = NULL;
	}
	dbenv_close(sdb.env);
	sdb.env = NULL;
}

int
storedb_flush(void)
{
	return dbenv_flush(sdb.env);
}

/* A checkpoint after a log file's worth of changes, or five minutes. */
int
storedb_checkpoint(void)
{
	return dbenv_checkpoint(sdb.env, 10240, 5);
}

const struct store_limits *
storedb_limits(void)
{
	return &sdb.lim;
}

/* Move the pending bad records aside, each in its own transaction. */
static void
quarantine_drain(void)
{
	DB_TXN		*txn;
	uint8_t		*val, qkey[64];
	size_t		 vlen;
	const char	*name;
	int		 i, n = nqpending;

	nqpending = 0;
	for (i = 0; i < n; i++) {
		if ((txn = dbenv_begin_nosync(sdb.env)) == NULL)
			return;
		qpending[i].db->get_dbname(qpending[i].db, &name, NULL);
		snprintf((char *)qkey, 17, "%-16.16s", name);
		memcpy(qkey + 16, qpending[i].key, qpending[i].keylen);
		if (sdb_get(qpending[i].db, txn, qpending[i].key,
		    qpending[i].keylen, &val, &vlen) == 0) {
			if (sdb_put(sdb.quarantine, txn, qkey,
			    16 + qpending[i].keylen, val, vlen) == 0 &&
			    sdb_del(qpending[i].db, txn, qpending[i].key,
			    qpending[i].keylen) == 0)
				log_warnx("%s: a record that does not decode "
				    "was quarantined", name);
			free(val);
		}
		if (dbenv_commit(txn) == -1)
			log_warnx("quarantine: commit failed");
	}
}

DB_TXN *
sdb_begin(void)
{
	return dbenv_begin_nosync(sdb.env);
}

int
sdb_commit(DB_TXN *txn)
{
	int	 r;

	r = dbenv_commit(txn);
	quarantine_drain();
	return r;
}

void
sdb_abort(DB_TXN *txn)
{
	dbenv_abort(txn);
	quarantine_drain();
}

/* Commit when r is STORE_E_OK, else abort; r, or a failed commit. */
int
sdb_end(DB_TXN *txn, int r)
{
	if (r != STORE_E_OK) {
		sdb_abort(txn);
		return r;
	}
	return sdb_commit(txn) == 0 ? STORE_E_OK : STORE_E_INTERNAL;
}

static void
dbt(DBT *d, const void *p, size_t len)
{
	memset(d, 0, sizeof(*d));
	d->data = (void *)p;
	d->size = (u_int32_t)len;
}

/* 0 found (value malloc'd), 1 not found, -1 error. */
int
sdb_get(DB *db, DB_TXN *txn, const void *k, size_t klen, uint8_t **val,
    size_t *vlen)
{
	DBT	 key, data;
	int	 r;

	dbt(&key, k, klen);
	dbt(&data, NULL, 0);
	data.flags = DB_DBT_MALLOC;
	*val = NULL;
	if ((r = db->get(db, txn, &key, &data, 0)) == DB_NOTFOUND)
		return 1;
	if (r != 0) {
		log_warnx("db get: %s", db_strerror(r));
		return -1;
	}
	*val = data.data;
	*vlen = data.size;
	return 0;
}

int
sdb_put(DB *db, DB_TXN *txn, const void *k, size_t klen, const void *v,
    size_t vlen)
{
	DBT	 key, data;
	int	 r;

	dbt(&key, k, klen);
	dbt(&data, v, vlen);
	if ((r = db->put(db, txn, &key, &data, 0)) != 0) {
		log_warnx("db put: %s", db_strerror(r));
		return -1;
	}
	return 0;
}

/* Deleting what is not there is not an error. */
int
sdb_del(DB *db, DB_TXN *txn, const void *k, size_t klen)
{
	DBT	 key;
	int	 r;

	dbt(&key, k, klen);
	if ((r = db->del(db, txn, &key, 0)) != 0 && r != DB_NOTFOUND) {
		log_warnx("db del: %s", db_strerror(r));
		return -1;
	}
	return 0;
}

/*
 * A record that does not decode: moved aside once the transaction that
 * found it has ended (a second transaction now could wait for the
 * first's locks).  Only the key is kept here, never the record.
 */
void
sdb_quarantine_later(DB *db, const void *k, size_t klen)
{
	if (nqpending == QUARANTINE_PENDING ||
	    klen > sizeof(qpending[0].key))
		return;
	qpending[nqpending].db = db;
	memcpy(qpending[nqpending].key, k, klen);
	qpending[nqpending].keylen = klen;
	nqpending++;
}

int
msg_load(DB_TXN *txn, const uint8_t id[MC_IDLEN], struct store_msg *m)
{
	uint8_t	*val;
	size_t	 vlen;
	int	 r;

	if ((r = sdb_get(sdb.msg, txn, id, MC_IDLEN, &val, &vlen)) != 0)
		return r == 1 ? STORE_E_NOTFOUND : STORE_E_INTERNAL;
	r = msg_record_decode(val, vlen, m);
	free(val);
	if (r == -1 || memcmp(m->h.id, id, MC_IDLEN) != 0) {
		sdb_quarantine_later(sdb.msg, id, MC_IDLEN);
		return STORE_E_NOTFOUND;
	}
	return STORE_E_OK;
}

/*
 * The message record.  A message that keeps its readers' copies apart
 * (bcopy.c) holds the sender's copy only; a reader's copy loaded into it
 * is written to its own record.
 */
int
msg_save(DB_TXN *txn, const struct store_msg *m)
{
	uint8_t		*val;
	size_t		 vlen;
	uint32_t	 i, n = m->ncopy;
	int		 r;

	if (msg_apart(m) && n > 1) {
		for (i = 1; i < n; i++)
			if (bcopy_save(txn, m, &m->copy[i]) != STORE_E_OK)
				return STORE_E_INTERNAL;
		((struct store_msg *)m)->ncopy = 1;
	}
	r = msg_record_encode(m, &val, &vlen);
	((struct store_msg *)m)->ncopy = n;
	if (r == -1)
		return STORE_E_INTERNAL;
	r = sdb_put(sdb.msg, txn, m->h.id, MC_IDLEN, val, vlen);
	free(val);
	return r == 0 ? STORE_E_OK : STORE_E_INTERNAL;
}

/* Add (or take away, negative) bytes and messages to uid's totals. */
int
usage_add(DB_TXN *txn, uint32_t uid, int64_t bytes, int messages)
{
	struct store_usage	 u;
	uint8_t			 k[4], *val;
	size_t			 vlen;
	int			 r;

	key_put32(k, uid);
	memset(&u, 0, sizeof(u));
	if ((r = sdb_get(sdb.usage, txn, k, sizeof(k), &val, &vlen)) == -1)
		return STORE_E_INTERNAL;
	if (r == 0) {
		r = usage_record_decode(val, vlen, &u);
		free(val);
		if (r == -1)	/* rebuilt from here: a total, not content */
			memset(&u, 0, sizeof(u));
	}
	u.bytes = bytes < 0 && (uint64_t)-bytes > u.bytes ? 0 :
	    u.bytes + (uint64_t)bytes;
	u.messages = messages < 0 && (uint32_t)-messages > u.messages ? 0 :
	    u.messages + (uint32_t)messages;
	if (usage_record_encode(&u, &val, &vlen) == -1)
		return STORE_E_INTERNAL;
	r = sdb_put(sdb.usage, txn, k, sizeof(k), val, vlen);
	free(val);
	return r == 0 ? STORE_E_OK : STORE_E_INTERNAL;
}

int
store_usage(uint32_t uid, struct store_usage *u)
{
	DB_TXN	*txn;
	uint8_t	 k[4], *val;
	size_t	 vlen;
	int	 r;

	memset(u, 0, sizeof(*u));
	key_put32(k, uid);
	if ((txn = sdb_begin()) == NULL)
		return STORE_E_INTERNAL;
	r = sdb_get(sdb.usage, txn, k, sizeof(k), &val, &vlen);
	if (r == 0) {
		if (usage_record_decode(val, vlen, u) == -1)
			memset(u, 0, sizeof(*u));
		free(val);
	}
	sdb_commit(txn);
	return r == -1 ? STORE_E_INTERNAL : STORE_E_OK;
}

void
key_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void
key_put64(uint8_t *p, uint64_t v)
{
	key_put32(p, v >> 32);
	key_put32(p + 4, v & 0xffffffff);
}

/*
 * Walk db's keys of keylen bytes that start with prefix, in order: fn
 * gets the cursor (to delete with) and the key, and answers 0 to go on,
 * 1 to stop, -1 for an error.  0 at the end or when stopped, -1 on an
 * error.  Keys only: no record is read.
 */
int
sdb_walk_prefix(DB *db, DB_TXN *txn, const uint8_t *prefix, size_t plen,
    size_t keylen, int (*fn)(DBC *, const uint8_t *, void *), void *arg)
{
	DBC	*c;
	DBT	 key, data;
	uint8_t	 k[64];
	int	 r, stop = 0;

	if (keylen > sizeof(k) || plen > keylen ||
	    db->cursor(db, txn, &c, 0) != 0)
		return -1;
	memcpy(k, prefix, plen);
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	key.data = k;
	key.size = (u_int32_t)plen;
	key.ulen = sizeof(k);
	key.flags = DB_DBT_USERMEM;
	data.flags = DB_DBT_PARTIAL;
	for (r = c->get(c, &key, &data, DB_SET_RANGE); r == 0;
	    r = c->get(c, &key, &data, DB_NEXT)) {
		if (key.size != keylen || memcmp(k, prefix, plen) != 0)
			break;
		if ((stop = fn(c, k, arg)) != 0)
			break;
	}
	c->close(c);
	if (stop == -1)
		return -1;
	return r == 0 || r == DB_NOTFOUND ? 0 : -1;
}

uint32_t
key_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

uint64_t
key_get64(const uint8_t *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Big-endian keys: the B-tree's byte order is numeric order. */
void
key_folder(uint8_t k[FOLDER_KEYLEN], uint32_t uid, enum store_folder f,
    uint64_t created, const uint8_t id[MC_IDLEN])
{
	key_put32(k, uid);
	k[4] = (uint8_t)f;
	key_put64(k + 5, created);
	memcpy(k + 13, id, MC_IDLEN);
}

void
key_time(uint8_t k[TIME_KEYLEN], uint64_t t, const uint8_t id[MC_IDLEN])
{
	key_put64(k, t);
	memcpy(k + 8, id, MC_IDLEN);
}

void
key_chunk(uint8_t k[CHUNK_KEYLEN], const uint8_t id[MC_IDLEN],
    uint32_t stream, uint64_t index)
{
	memcpy(k, id, MC_IDLEN);
	key_put32(k + MC_IDLEN, stream);
	key_put64(k + MC_IDLEN + 4, index);
}

#ifdef SMSG_TEST_HOOKS
/* Overwrite a record in the named tree, as a damaged disk would. */
int
storedb_poke(const char *name, const void *k, size_t klen, const void *v,
    size_t vlen)
{
	DB_TXN	*txn;
	DB	*db = strcmp(name, "msg.db") == 0 ? sdb.msg :
	    strcmp(name, "contact.db") == 0 ? sdb.contact : NULL;
	int	 r;

	if (db == NULL || (txn = sdb_begin()) == NULL)
		return -1;
	r = sdb_put(db, txn, k, klen, v, vlen);
	return sdb_commit(txn) == 0 ? r : -1;
}
#endif
