/*
 * smsg-auth's hashing pool: real threads, real scrypt (small
 * parameters), and the fair shares of its queue.  Jobs stay in flight
 * until the main loop reaps them, so the counts below do not depend on
 * how fast the threads are.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "hashpool.h"
#include "tap.h"

#define NJOBS	(HASHPOOL_QUEUE + 8)

static struct hashjob	 jobs[NJOBS];
static int		 ndone;
static struct event_base *base;

static void
job_done(struct hashjob *j)
{
	if (j->result == 0)
		ndone++;
	if (ndone == *(int *)j->arg)
		event_base_loopbreak(base);
}

static int
submit(int i, const char *user, const char *addr, int *want)
{
	struct hashjob	*j = &jobs[i];

	hashjob_clear(j);
	j->kind = HASHJOB_CREATE;
	j->params.logn = 10;
	j->params.r = 8;
	j->params.p = 1;
	strlcpy(j->pw, "correct horse battery staple", sizeof(j->pw));
	j->pwlen = strlen(j->pw);
	strlcpy(j->user, user, sizeof(j->user));
	strlcpy(j->addr, addr, sizeof(j->addr));
	j->done = job_done;
	j->arg = want;
	return hashpool_submit(j);
}

/* Run the loop until want jobs are done (bounded by a 60 s timer). */
static void
reap(int *want)
{
	struct timeval	 tv = { 60, 0 };

	if (ndone < *want) {
		event_base_loopexit(base, &tv);
		event_base_dispatch(base);
	}
}

static void
test_shares(void)
{
	char	 who[32], addr[32];
	int	 i, n = 0, ok = 1, want = 0;

	for (i = 0; i < HASHPOOL_PER_USER; i++)
		if (submit(n++, "alice", "192.0.2.1", &want) != HASHPOOL_OK)
			ok = 0;
	tap_ok(ok, "alice: %d jobs queued", HASHPOOL_PER_USER);
	tap_ok(submit(n, "alice", "192.0.2.2", &want) == HASHPOOL_SHARE,
	    "alice: one more is over her share, from any address");
	tap_ok(hashpool_room("alice", "") == HASHPOOL_SHARE &&
	    hashpool_room("bob", "") == HASHPOOL_OK,
	    "room: none for alice, some for bob");
	tap_ok(submit(n++, "bob", "192.0.2.1", &want) == HASHPOOL_OK,
	    "bob from the same address is queued");
	for (i = 0, ok = 1; n < HASHPOOL_PER_ADDR; i++) {
		snprintf(who, sizeof(who), "guess%d", i);
		if (submit(n++, who, "192.0.2.1", &want) != HASHPOOL_OK)
			ok = 0;
	}
	tap_ok(ok, "one address: %d jobs queued", HASHPOOL_PER_ADDR);
	tap_ok(submit(n, "carol", "192.0.2.1", &want) == HASHPOOL_SHARE,
	    "one more from that address is over its share");
	tap_ok(submit(n++, "carol", "192.0.2.9", &want) == HASHPOOL_OK,
	    "carol from another address is queued");
	for (i = 0; n < NJOBS - 1; i++) {
		snprintf(who, sizeof(who), "user%d", i);
		snprintf(addr, sizeof(addr), "198.51.100.%d", i);
		if (submit(n, who, addr, &want) != HASHPOOL_OK)
			break;
		n++;
	}
	tap_ok(n == HASHPOOL_QUEUE, "the pool holds %d jobs in flight (%d)",
	    HASHPOOL_QUEUE, n);
	tap_ok(submit(n, "dave", "203.0.113.1", &want) == HASHPOOL_FULL,
	    "a full queue is busy for anyone");
	want = n;
	reap(&want);
	tap_ok(ndone == n, "every queued job was hashed (%d of %d)", ndone,
	    n);
	tap_ok(hashpool_pending() == 0 && hashpool_room("alice",
	    "192.0.2.1") == HASHPOOL_OK,
	    "done jobs give their share back");
	ndone = 0;
	want = 1;
	tap_ok(submit(0, "alice", "192.0.2.1", &want) == HASHPOOL_OK,
	    "alice is queued again");
	reap(&want);
	tap_ok(ndone == 1, "... and hashed");
}

int
main(void)
{
	(void)tap_skip;
	(void)tap_diag;
	if (evthread_use_pthreads() == -1 ||
	    (base = event_base_new()) == NULL) {
		printf("Bail out! libevent\n");
		return 1;
	}
	if (pwhash_init() == -1) {
		printf("Bail out! pwhash_init\n");
		return 1;
	}
	hashpool_init(base, 2);
	hashpool_start();
	test_shares();
	return tap_done();
}
