/*
 * The account database.  Berkeley DB in auth's chroot: accounts.db
 * (name -> record), activity.db ((uid, time, seq) -> event, big-endian
 * so that a user's events are adjacent and in time order), meta.db
 * (the uid counter, the system's keys) and byuid.db, a secondary index
 * of accounts.db by uid that Berkeley DB keeps in step with it.
 */
#include "config.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "authdb.h"
#include "dbenv.h"
#include "log.h"
#include "msg.h"
#include "proto.h"

#define ACTKEY_LEN	16	/* u32 uid, u64 time, u32 seq */
#define ACTREC_MAX	512

static struct {
	DB_ENV	*env;
	DB	*accounts;
	DB	*activity;
	DB	*meta;
	DB	*byuid;
	uint32_t seq;
	uint64_t commits;
} adb;

/* The uid index's key of an account record: its uid, big-endian. */
static int
uid_of_record(DB *sec, const DBT *pkey, const DBT *pdata, DBT *skey)
{
	struct account	 a;
	uint8_t		*k;

	if (account_decode(pdata->data, pdata->size, &a) == -1)
		return DB_DONOTINDEX;
	if ((k = malloc(4)) == NULL) {
		account_clear(&a);
		return ENOMEM;
	}
	k[0] = a.uid >> 24;
	k[1] = a.uid >> 16;
	k[2] = a.uid >> 8;
	k[3] = a.uid;
	account_clear(&a);
	memset(skey, 0, sizeof(*skey));
	skey->data = k;
	skey->size = 4;
	skey->flags = DB_DBT_APPMALLOC;
	return 0;
}

void
authdb_open(const char *home)
{
	int	 r;

	adb.env = dbenv_open(home);
	adb.accounts = dbenv_open_db(adb.env, "accounts.db", DB_BTREE);
	adb.activity = dbenv_open_db(adb.env, "activity.db", DB_BTREE);
	adb.meta = dbenv_open_db(adb.env, "meta.db", DB_BTREE);
	adb.byuid = dbenv_open_db(adb.env, "byuid.db", DB_BTREE);
	/* DB_CREATE: an empty index (a database from before) is built now */
	if ((r = adb.accounts->associate(adb.accounts, NULL, adb.byuid,
	    uid_of_record, DB_CREATE)) != 0)
		fatalx("the uid index of accounts: %s", db_strerror(r));
	adb.seq = arc4random();
}

void
authdb_close(void)
{
	DB	**dbs[] = { &adb.byuid, &adb.accounts, &adb.activity,
	    &adb.meta };
	size_t	 i;

	for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		if (*dbs[i] != NULL)
			(*dbs[i])->close(*dbs[i], 0);
		*dbs[i] = NULL;
	}
	dbenv_close(adb.env);
	adb.env = NULL;
}

DB_TXN *
authdb_begin(void)
{
	return dbenv_begin(adb.env);
}

int
authdb_commit(DB_TXN *txn)
{
	adb.commits++;
	return dbenv_commit(txn);
}

/* Transactions committed so far: the tests compare flows by it. */
uint64_t
authdb_commits(void)
{
	return adb.commits;
}

void
authdb_abort(DB_TXN *txn)
{
	dbenv_abort(txn);
}

static void
dbt_set(DBT *d, const void *data, size_t len)
{
	memset(d, 0, sizeof(*d));
	d->data = (void *)data;
	d->size = len;
}

static void
dbt_user(DBT *d, void *buf, size_t len)
{
	memset(d, 0, sizeof(*d));
	d->data = buf;
	d->ulen = len;
	d->flags = DB_DBT_USERMEM;
}

/*
 * An account record by key from db (accounts.db by name, or the uid
 * index): 1 decoded into a, 0 none, -1 error (logged).
 */
static int
account_fetch(DB *db, DB_TXN *txn, const void *k, size_t klen,
    u_int32_t flags, struct account *a)
{
	uint8_t	 buf[ACCOUNT_RECMAX];
	DBT	 key, val;
	int	 r;

	dbt_set(&key, k, klen);
	dbt_user(&val, buf, sizeof(buf));
	if ((r = db->get(db, txn, &key, &val, flags)) == DB_NOTFOUND)
		return 0;
	if (r != 0) {
		log_warnx("reading an account: %s", db_strerror(r));
		return -1;
	}
	r = account_decode(buf, val.size, a);
	explicit_bzero(buf, sizeof(buf));
	return r == 0 ? 1 : -1;
}

/* 1 found, 0 no such account, -1 error (a corrupt record is logged). */
int
account_get(DB_TXN *txn, const char *name, struct account *a)
{
	int	 r;

	r = account_fetch(adb.accounts, txn, name, strlen(name),
	    txn != NULL ? DB_RMW : 0, a);
	if (r == -1 || (r == 1 && strcmp(a->name, name) != 0)) {
		log_warnx("account %s: corrupt record", name);
		account_clear(a);
		return -1;
	}
	return r;
}

/* By uid, through the index: 1 found, 0 none, -1 error. */
int
account_get_uid(DB_TXN *txn, uint32_t uid, struct account *a)
{
	uint8_t	 k[4];
	int	 r;

	k[0] = uid >> 24;
	k[1] = uid >> 16;
	k[2] = uid >> 8;
	k[3] = uid;
	r = account_fetch(adb.byuid, txn, k, sizeof(k), 0, a);
	if (r == -1 || (r == 1 && a->uid != uid)) {
		log_warnx("account %u: corrupt record", uid);
		account_clear(a);
		return -1;
	}
	return r;
}

/* A small record of meta.db: 1 found (len bytes exactly), 0 none, -1. */
int
authdb_meta_get(DB_TXN *txn, const char *name, void *buf, size_t len)
{
	DBT	 key, val;
	int	 r;

	dbt_set(&key, name, strlen(name));
	dbt_user(&val, buf, len);
	r = adb.meta->get(adb.meta, txn, &key, &val, 0);
	if (r == DB_NOTFOUND)
		return 0;
	if (r != 0 || val.size != len) {
		log_warnx("reading %s: %s", name, r ? db_strerror(r) :
		    "bad size");
		return -1;
	}
	return 1;
}

int
authdb_meta_put(DB_TXN *txn, const char *name, const void *buf, size_t len)
{
	DBT	 key, val;
	int	 r;

	dbt_set(&key, name, strlen(name));
	dbt_set(&val, buf, len);
	if ((r = adb.meta->put(adb.meta, txn, &key, &val, 0)) != 0) {
		log_warnx("writing %s: %s", name, db_strerror(r));
		return -1;
	}
	return 0;
}

/* 0 stored; 1 when create is set and the name exists; -1 error. */
int
account_put(DB_TXN *txn, const struct account *a, int create)
{
	uint8_t	 buf[ACCOUNT_RECMAX];
	size_t	 len;
	DBT	 key, val;
	int	 r;

	if (account_encode(a, buf, sizeof(buf), &len) == -1) {
		log_warnx("account %s: record does not fit", a->name);
		return -1;
	}
	dbt_set(&key, a->name, strlen(a->name));
	dbt_set(&val, buf, len);
	r = adb.accounts->put(adb.accounts, txn, &key, &val,
	    create ? DB_NOOVERWRITE : 0);
	explicit_bzero(buf, sizeof(buf));
	if (r == DB_KEYEXIST)
		return 1;
	if (r != 0) {
		log_warnx("writing account %s: %s", a->name, db_strerror(r));
		return -1;
	}
	return 0;
}

/* Store a in txn and commit.  0 ok; -1 failed, txn ended either way. */
int
account_commit(DB_TXN *txn, const struct account *a)
{
	if (account_put(txn, a, 0) != 0) {
		authdb_abort(txn);
		return -1;
	}
	return authdb_commit(txn);
}

int
account_delete(DB_TXN *txn, const char *name)
{
	DBT	 key;
	int	 r;

	dbt_set(&key, name, strlen(name));
	if ((r = adb.accounts->del(adb.accounts, txn, &key, 0)) != 0) {
		log_warnx("deleting account %s: %s", name, db_strerror(r));
		return -1;
	}
	return 0;
}

/*
 * The database work of a sign-in for a name that is no account: a record
 * of an account's size read for update and written back (meta.db,
 * "decoy"), in the caller's transaction, so that an unknown name costs
 * what a known one does.  0 ok, -1 error.
 */
int
authdb_decoy(DB_TXN *txn)
{
	uint8_t	 buf[ACCOUNT_RECMAX];
	DBT	 key, val;
	int	 r;

	dbt_set(&key, "decoy", 5);
	dbt_user(&val, buf, sizeof(buf));
	r = adb.meta->get(adb.meta, txn, &key, &val, DB_RMW);
	if (r == DB_NOTFOUND) {
		arc4random_buf(buf, AUTHDB_DECOYLEN);
		val.size = AUTHDB_DECOYLEN;
	} else if (r != 0) {
		log_warnx("reading the decoy record: %s", db_strerror(r));
		return -1;
	}
	dbt_set(&val, buf, val.size);
	if ((r = adb.meta->put(adb.meta, txn, &key, &val, 0)) != 0) {
		log_warnx("writing the decoy record: %s", db_strerror(r));
		return -1;
	}
	return 0;
}

/* uids count up from 1 and are never reused. */
int
account_new_uid(DB_TXN *txn, uint32_t *uid)
{
	uint32_t next = 0;
	DBT	 key, val;
	int	 r;

	dbt_set(&key, "next_uid", 8);
	dbt_user(&val, &next, sizeof(next));
	r = adb.meta->get(adb.meta, txn, &key, &val, DB_RMW);
	if (r == DB_NOTFOUND)
		next = 1;
	else if (r != 0 || val.size != sizeof(next)) {
		log_warnx("reading the uid counter: %s",
		    r ? db_strerror(r) : "bad size");
		return -1;
	}
	if (next == 0 || next == UINT32_MAX) {
		log_warnx("no uid left");
		return -1;
	}
	*uid = next++;
	dbt_set(&val, &next, sizeof(next));
	if ((r = adb.meta->put(adb.meta, txn, &key, &val, 0)) != 0) {
		log_warnx("writing the uid counter: %s", db_strerror(r));
		return -1;
	}
	return 0;
}

/* Every account, in name order; a corrupt record is logged and skipped. */
int
account_foreach(account_cb cb, void *arg)
{
	struct account	 a;
	uint8_t		 kbuf[ACCOUNT_NAME_MAX + 1], buf[ACCOUNT_RECMAX];
	DBC		*c;
	DBT		 key, val;
	int		 r;

	if ((r = adb.accounts->cursor(adb.accounts, NULL, &c, 0)) != 0) {
		log_warnx("account cursor: %s", db_strerror(r));
		return -1;
	}
	/* DB_THREAD handles want memory of our own for every result. */
	dbt_user(&key, kbuf, sizeof(kbuf));
	dbt_user(&val, buf, sizeof(buf));
	while ((r = c->get(c, &key, &val, DB_NEXT)) == 0) {
		if (account_decode(buf, val.size, &a) == -1) {
			log_warnx("skipping a corrupt account record");
			continue;
		}
		cb(&a, arg);
		account_clear(&a);
	}
	explicit_bzero(buf, sizeof(buf));
	c->close(c);
	if (r != DB_NOTFOUND) {
		log_warnx("reading accounts: %s", db_strerror(r));
		return -1;
	}
	return 0;
}

static void
actkey(uint8_t k[ACTKEY_LEN], uint32_t uid, uint64_t t, uint32_t seq)
{
	uint32_t u = htobe32(uid), s = htobe32(seq);
	uint64_t tt = htobe64(t);

	memcpy(k, &u, 4);
	memcpy(k + 4, &tt, 8);
	memcpy(k + 12, &s, 4);
}

static int
actkey_uid(const DBT *key, uint32_t *uid)
{
	uint32_t u;

	if (key->size != ACTKEY_LEN)
		return -1;
	memcpy(&u, key->data, 4);
	*uid = be32toh(u);
	return 0;
}

/* Put c on uid's newest event: just before the first key of uid + 1. */
static int
activity_newest(DBC *c, uint32_t uid, DBT *key, uint8_t k[ACTKEY_LEN],
    DBT *val, uint8_t v[ACTREC_MAX])
{
	int	 r;

	actkey(k, uid + 1, 0, 0);
	dbt_user(key, k, ACTKEY_LEN);
	key->size = ACTKEY_LEN;
	dbt_user(val, v, ACTREC_MAX);
	r = c->get(c, key, val, DB_SET_RANGE);
	if (r == 0)
		return c->get(c, key, val, DB_PREV);
	if (r == DB_NOTFOUND)
		return c->get(c, key, val, DB_LAST);
	return r;
}

/* Keep the newest ACTIVITY_KEEP events of uid: delete from the oldest. */
static int
activity_trim(DB_TXN *txn, uint32_t uid)
{
	uint8_t	 k[ACTKEY_LEN], v[ACTREC_MAX];
	uint32_t ku;
	DBC	*c;
	DBT	 key, val;
	int	 r, n = 0, excess;

	if ((r = adb.activity->cursor(adb.activity, txn, &c, 0)) != 0)
		goto fail;
	/* Count from the newest back; delete past the bound. */
	r = activity_newest(c, uid, &key, k, &val, v);
	for (; r == 0; r = c->get(c, &key, &val, DB_PREV)) {
		if (actkey_uid(&key, &ku) == -1 || ku != uid)
			break;
		excess = ++n > ACTIVITY_KEEP;
		if (excess && (r = c->del(c, 0)) != 0)
			break;
	}
	c->close(c);
	if (r != 0 && r != DB_NOTFOUND)
		goto fail;
	return 0;
fail:
	log_warnx("trimming activity: %s", db_strerror(r));
	return -1;
}

int
activity_add(DB_TXN *txn, uint32_t uid, uint64_t t, const char *event,
    const char *addr, const char *detail, uint64_t *id)
{
	uint32_t	 seq = 0;
	struct msgbuf	 mb;
	uint8_t		 k[ACTKEY_LEN];
	DBT		 key, val;
	int		 r, tries;

	msg_init(&mb, MSG_NONE, 0);
	msg_add_u8(&mb, 1);
	msg_add_string(&mb, event);
	msg_add_string(&mb, addr);
	msg_add_string(&mb, detail);
	if (mb.err || mb.len > ACTREC_MAX) {
		msg_free(&mb);
		return -1;
	}
	dbt_set(&val, mb.data, mb.len);
	/* The sequence tells events of one second apart. */
	for (tries = 0, r = DB_KEYEXIST; tries < 8 && r == DB_KEYEXIST;
	    tries++) {
		seq = adb.seq++;
		actkey(k, uid, t, seq);
		dbt_set(&key, k, sizeof(k));
		r = adb.activity->put(adb.activity, txn, &key, &val,
		    DB_NOOVERWRITE);
	}
	msg_free(&mb);
	if (r != 0) {
		log_warnx("writing activity: %s", db_strerror(r));
		return -1;
	}
	if (id != NULL)
		*id = t << 32 | seq;
	return activity_trim(txn, uid);
}

static int
activity_decode(const DBT *key, const uint8_t *v, size_t len,
    struct activity *ev)
{
	struct msg	 m;
	struct msgcur	 c;
	uint64_t	 t;
	uint8_t		 version;

	uint32_t	 seq;

	memcpy(&t, (const uint8_t *)key->data + 4, 8);
	memcpy(&seq, (const uint8_t *)key->data + 12, 4);
	ev->time = be64toh(t);
	ev->id = ev->time << 32 | be32toh(seq);
	memset(&m, 0, sizeof(m));
	m.data = v;
	m.len = len;
	msg_cursor(&m, &c);
	if (msg_get_u8(&c, &version) == -1 || version != 1 ||
	    msg_get_string(&c, ev->event, sizeof(ev->event)) == -1 ||
	    msg_get_string(&c, ev->addr, sizeof(ev->addr)) == -1 ||
	    msg_get_string(&c, ev->detail, sizeof(ev->detail)) == -1 ||
	    msg_get_end(&c) == -1)
		return -1;
	return 0;
}

/*
 * From the record c stands on (r: how getting there went), uid's events
 * in direction (DB_PREV or DB_NEXT), at most ACTIVITY_KEEP, to cb.
 */
static int
activity_walk(DBC *c, int r, u_int32_t direction, uint32_t uid, DBT *key,
    DBT *val, const uint8_t *v, activity_cb cb, void *arg)
{
	struct activity	 ev;
	uint32_t	 ku;
	int		 n = 0;

	for (; r == 0 && n < ACTIVITY_KEEP; r = c->get(c, key, val, direction)) {
		if (actkey_uid(key, &ku) == -1 || ku != uid)
			break;
		if (activity_decode(key, v, val->size, &ev) == -1) {
			log_warnx("skipping a corrupt activity record");
			continue;
		}
		cb(&ev, arg);
		n++;
	}
	c->close(c);
	if (r != 0 && r != DB_NOTFOUND) {
		log_warnx("reading activity: %s", db_strerror(r));
		return -1;
	}
	return 0;
}

/* uid's events, newest first. */
int
activity_list(uint32_t uid, activity_cb cb, void *arg)
{
	uint8_t		 k[ACTKEY_LEN], v[ACTREC_MAX];
	DBC		*c;
	DBT		 key, val;
	int		 r;

	if ((r = adb.activity->cursor(adb.activity, NULL, &c, 0)) != 0) {
		log_warnx("reading activity: %s", db_strerror(r));
		return -1;
	}
	r = activity_newest(c, uid, &key, k, &val, v);
	return activity_walk(c, r, DB_PREV, uid, &key, &val, v, cb, arg);
}

int
activity_after(uint32_t uid, uint64_t after, activity_cb cb, void *arg)
{
	uint8_t		 k[ACTKEY_LEN], v[ACTREC_MAX];
	uint64_t	 t = after >> 32;
	uint32_t	 seq = (uint32_t)after;
	DBC		*c;
	DBT		 key, val;
	int		 r;

	/* The first key past (uid, t, seq). */
	if (seq == UINT32_MAX) {
		t++;
		seq = 0;
	} else
		seq++;
	if ((r = adb.activity->cursor(adb.activity, NULL, &c, 0)) != 0) {
		log_warnx("reading activity: %s", db_strerror(r));
		return -1;
	}
	actkey(k, uid, t, seq);
	dbt_user(&key, k, ACTKEY_LEN);
	key.size = ACTKEY_LEN;
	dbt_user(&val, v, ACTREC_MAX);
	r = c->get(c, &key, &val, DB_SET_RANGE);
	return activity_walk(c, r, DB_NEXT, uid, &key, &val, v, cb, arg);
}

int
activity_delete_user(DB_TXN *txn, uint32_t uid)
{
	uint8_t	 k[ACTKEY_LEN], v[ACTREC_MAX];
	uint32_t ku;
	DBC	*c;
	DBT	 key, val;
	int	 r;

	if ((r = adb.activity->cursor(adb.activity, txn, &c, 0)) != 0)
		goto fail;
	actkey(k, uid, 0, 0);
	dbt_user(&key, k, sizeof(k));
	key.size = sizeof(k);
	dbt_user(&val, v, sizeof(v));
	for (r = c->get(c, &key, &val, DB_SET_RANGE); r == 0;
	    r = c->get(c, &key, &val, DB_NEXT)) {
		if (actkey_uid(&key, &ku) == -1 || ku != uid)
			break;
		if ((r = c->del(c, 0)) != 0)
			break;
	}
	c->close(c);
	if (r != 0 && r != DB_NOTFOUND)
		goto fail;
	return 0;
fail:
	log_warnx("deleting activity: %s", db_strerror(r));
	return -1;
}
