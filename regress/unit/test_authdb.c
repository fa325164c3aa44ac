/*
 * smsg-auth's database in a temporary directory: accounts, the uid
 * counter, transactions, the activity log and its bound, the uid index
 * (against a scan, after many accounts made and deleted, and built for a
 * database made before it), the system's meta records.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authdb.h"
#include "dbenv.h"
#include "log.h"
#include "proto.h"
#include "tap.h"

static int	 nevents;
static uint64_t	 last_time;
static int	 ordered;

static void
mkaccount(struct account *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	strlcpy(a->name, name, sizeof(a->name));
	strlcpy(a->pwhash, "$s1$0e0801$x$y", sizeof(a->pwhash));
	a->created = 1700000000;
}

static void
count_event(const struct activity *ev, void *arg)
{
	if (nevents > 0 && ev->time > last_time)
		ordered = 0;
	last_time = ev->time;
	nevents++;
}

static void
count_account(const struct account *a, void *arg)
{
	(*(int *)arg)++;
}

static void
test_accounts(void)
{
	struct account	 a, b;
	DB_TXN		*txn;
	int		 n = 0;

	mkaccount(&a, "alice");
	txn = authdb_begin();
	tap_ok(txn != NULL && account_new_uid(txn, &a.uid) == 0 && a.uid == 1,
	    "the first uid is 1");
	tap_ok(account_put(txn, &a, 1) == 0 && authdb_commit(txn) == 0,
	    "an account is created in a transaction");
	tap_ok(account_get(NULL, "alice", &b) == 1 && b.uid == 1,
	    "and read back");
	tap_ok(account_get(NULL, "bob", &b) == 0, "an unknown name is 0");
	txn = authdb_begin();
	tap_ok(account_put(txn, &a, 1) == 1, "creating it again: exists");
	authdb_abort(txn);
	txn = authdb_begin();
	mkaccount(&a, "bob");
	account_new_uid(txn, &a.uid);
	account_put(txn, &a, 1);
	authdb_abort(txn);
	tap_ok(account_get(NULL, "bob", &b) == 0,
	    "an aborted transaction leaves nothing");
	txn = authdb_begin();
	account_new_uid(txn, &a.uid);
	tap_ok(a.uid == 2, "uids are not reused after an abort (%u)", a.uid);
	account_commit(txn, &a);
	tap_ok(account_foreach(count_account, &n) == 0 && n == 2,
	    "two accounts listed");
	txn = authdb_begin();
	tap_ok(account_delete(txn, "bob") == 0 && authdb_commit(txn) == 0 &&
	    account_get(NULL, "bob", &b) == 0, "an account is deleted");
}

static int	 nafter, after_ok;
static uint64_t	 after_prev;

static void
after_event(const struct activity *ev, void *arg)
{
	if (ev->id <= after_prev)
		after_ok = 0;
	after_prev = ev->id;
	nafter++;
}

static void
test_activity(void)
{
	uint64_t ids[ACTIVITY_KEEP + 5];
	DB_TXN	*txn;
	int	 i, ok = 1;

	for (i = 0; i < ACTIVITY_KEEP + 5; i++) {
		txn = authdb_begin();
		if (activity_add(txn, 1, 1700000000 + i / 3, "login",
		    "192.0.2.1", "", &ids[i]) == -1 ||
		    authdb_commit(txn) == -1)
			ok = 0;
	}
	txn = authdb_begin();
	activity_add(txn, 2, 1700000000, "login", "192.0.2.2", "", NULL);
	authdb_commit(txn);
	tap_ok(ok, "%d events added", ACTIVITY_KEEP + 5);
	nevents = 0;
	ordered = 1;
	tap_ok(activity_list(1, count_event, NULL) == 0 &&
	    nevents == ACTIVITY_KEEP, "only the newest %d kept (%d)",
	    ACTIVITY_KEEP, nevents);
	tap_ok(ordered && last_time == 1700000000 + 5 / 3,
	    "newest first, the oldest dropped");
	for (i = 1; i < ACTIVITY_KEEP + 5; i++)
		if (ids[i] <= ids[i - 1])
			ok = 0;
	tap_ok(ok, "event ids grow");
	nafter = 0;
	after_ok = 1;
	after_prev = ids[ACTIVITY_KEEP - 1];
	tap_ok(activity_after(1, ids[ACTIVITY_KEEP - 1], after_event,
	    NULL) == 0 && after_ok && nafter == 5 &&
	    after_prev == ids[ACTIVITY_KEEP + 4],
	    "the events after an id: the 5 newer, oldest first (%d)", nafter);
	nafter = 0;
	activity_after(1, ids[ACTIVITY_KEEP + 4], after_event, NULL);
	tap_ok(nafter == 0, "none after the newest");
	nafter = 0;
	activity_after(2, 0, after_event, NULL);
	tap_ok(nafter == 1, "another user's replay has only its own event");
	txn = authdb_begin();
	tap_ok(activity_delete_user(txn, 1) == 0 && authdb_commit(txn) == 0,
	    "a user's activity is deleted");
	nevents = 0;
	activity_list(1, count_event, NULL);
	tap_ok(nevents == 0, "none left for that user");
	nevents = 0;
	activity_list(2, count_event, NULL);
	tap_ok(nevents == 1, "another user's events stay");
}

/* uid -> name by a scan of every account */
#define SCAN_MAX	1000
static char	 scanned[SCAN_MAX + 1][ACCOUNT_NAME_MAX + 1];

static void
scan_account(const struct account *a, void *arg)
{
	if (a->uid <= SCAN_MAX)
		strlcpy(scanned[a->uid], a->name, sizeof(scanned[a->uid]));
}

/* Every uid up to max: the index finds exactly what the scan finds. */
static int
index_agrees(uint32_t max)
{
	struct account	 a;
	uint32_t	 uid;
	int		 r;

	memset(scanned, 0, sizeof(scanned));
	if (account_foreach(scan_account, NULL) == -1)
		return 0;
	for (uid = 1; uid <= max; uid++) {
		r = account_get_uid(NULL, uid, &a);
		if (r != (scanned[uid][0] != '\0'))
			return 0;
		if (r == 1 && strcmp(a.name, scanned[uid]) != 0)
			return 0;
	}
	return 1;
}

static void
test_uid_index(void)
{
	struct account	 a;
	DB_TXN		*txn;
	char		 name[16];
	uint32_t	 i, max = 0;
	int		 ok = 1;

	for (i = 0; i < 400; i++) {
		snprintf(name, sizeof(name), "user%03u", i);
		mkaccount(&a, name);
		txn = authdb_begin();
		if (account_new_uid(txn, &a.uid) == -1 ||
		    account_commit(txn, &a) == -1)
			ok = 0;
		max = a.uid;
		/* every third goes again, some at once, some later */
		if (i % 3 == 0 && i % 2 == 0) {
			txn = authdb_begin();
			if (account_delete(txn, name) == -1 ||
			    authdb_commit(txn) == -1)
				ok = 0;
		}
	}
	for (i = 0; i < 400; i += 9) {
		snprintf(name, sizeof(name), "user%03u", i);
		txn = authdb_begin();
		if (account_get(txn, name, &a) == 1) {
			/* rewritten as a sign-in does: the index follows */
			a.last_login = 1700000001;
			if (account_commit(txn, &a) == -1)
				ok = 0;
		} else {
			account_delete(txn, name);
			authdb_commit(txn);
		}
	}
	tap_ok(ok, "400 accounts made, many deleted or rewritten");
	tap_ok(index_agrees(max + 5), "the uid index agrees with a scan of "
	    "every account, up to uid %u", max + 5);
	tap_ok(account_get_uid(NULL, 0, &a) == 0 &&
	    account_get_uid(NULL, UINT32_MAX, &a) == 0,
	    "uid 0 and the system's uid are no account");
}

static void
test_meta(void)
{
	uint8_t	 in[40], out[40];
	DB_TXN	*txn;

	memset(in, 7, sizeof(in));
	tap_ok(authdb_meta_get(NULL, "system_keys", out, sizeof(out)) == 0,
	    "no system keys before they are made");
	txn = authdb_begin();
	tap_ok(authdb_meta_put(txn, "system_keys", in, sizeof(in)) == 0 &&
	    authdb_commit(txn) == 0, "a meta record is written");
	tap_ok(authdb_meta_get(NULL, "system_keys", out, sizeof(out)) == 1 &&
	    memcmp(in, out, sizeof(in)) == 0, "and read back");
	tap_ok(authdb_meta_get(NULL, "system_keys", out, 20) == -1,
	    "a record of the wrong size is an error");
}

/* A database from before the index: built when it is opened. */
static void
test_index_built(const char *dir)
{
	struct account	 a;
	DB_ENV		*env;
	DB		*db;
	DBT		 k, v;
	uint8_t		 buf[ACCOUNT_RECMAX];
	size_t		 len;
	char		 name[16];
	uint32_t	 i;
	int		 ok = 1;

	env = dbenv_open(dir);
	db = dbenv_open_db(env, "accounts.db", DB_BTREE);
	for (i = 1; i <= 50; i++) {
		snprintf(name, sizeof(name), "old%02u", i);
		mkaccount(&a, name);
		a.uid = i * 2;
		memset(&k, 0, sizeof(k));
		memset(&v, 0, sizeof(v));
		k.data = name;
		k.size = strlen(name);
		if (account_encode(&a, buf, sizeof(buf), &len) == -1)
			ok = 0;
		v.data = buf;
		v.size = len;
		if (db->put(db, NULL, &k, &v, DB_AUTO_COMMIT) != 0)
			ok = 0;
	}
	db->close(db, 0);
	dbenv_close(env);
	tap_ok(ok, "50 accounts in a database without a uid index");
	authdb_open(dir);
	tap_ok(index_agrees(110), "opened, its uid index is built and "
	    "agrees with a scan");
	tap_ok(account_get_uid(NULL, 40, &a) == 1 &&
	    strcmp(a.name, "old20") == 0, "uid 40 is old20");
	authdb_close();
}

static void
remove_dir(const char *dir)
{
	char	 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
}

int
main(void)
{
	char	 dir[] = "/tmp/smsg-authdb.XXXXXX";
	char	 dir2[] = "/tmp/smsg-authdb.XXXXXX";

	(void)tap_skip;
	(void)tap_diag;
	log_init(1, 0);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	authdb_open(dir);
	test_accounts();
	test_activity();
	test_uid_index();
	test_meta();
	authdb_close();
	remove_dir(dir);
	if (mkdtemp(dir2) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_index_built(dir2);
	remove_dir(dir2);
	return tap_done();
}
