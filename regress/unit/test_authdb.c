/*
 * smsg-auth's database in a temporary directory: accounts, the uid
 * counter, transactions, the activity log and its bound.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authdb.h"
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

int
main(void)
{
	char	 dir[] = "/tmp/smsg-authdb.XXXXXX";
	char	 cmd[128];

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
	authdb_close();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
	return tap_done();
}
