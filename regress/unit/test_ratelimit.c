/*
 * The front's rate limiter: refill arithmetic, retry_after, the table
 * bound and its eviction order, and two threads taking from one bucket.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ratelimit.h"
#include "tap.h"

#define T0	1700000000

static void
test_params(void)
{
	tap_ok(ratelimit_new(0, 1, 1) == NULL && errno == EINVAL,
	    "per_minute 0 refused");
	tap_ok(ratelimit_new(1, 0, 1) == NULL, "burst 0 refused");
	tap_ok(ratelimit_new(1, 1, 0) == NULL, "no entries refused");
	tap_ok(ratelimit_new(1, 1, RATELIMIT_ENTRIES_MAX + 1) == NULL,
	    "too many entries refused");
}

static void
test_refill(void)
{
	struct ratelimit	*rl;
	unsigned int		 ra = 99;
	int			 i, n;

	/* 60 a minute: one a second; burst 3. */
	if ((rl = ratelimit_new(60, 3, 16)) == NULL) {
		tap_ok(0, "ratelimit_new");
		return;
	}
	for (n = 0, i = 0; i < 3; i++)
		n += ratelimit_take(rl, "192.0.2.1", T0, &ra);
	tap_ok(n == 3 && ra == 0, "burst of 3 allowed");
	tap_ok(ratelimit_take(rl, "192.0.2.1", T0, &ra) == 0 && ra == 1,
	    "fourth refused, retry after 1 s (got %u)", ra);
	tap_ok(ratelimit_take(rl, "192.0.2.2", T0, &ra) == 1,
	    "another address has its own bucket");
	tap_ok(ratelimit_take(rl, "192.0.2.1", T0 + 1, &ra) == 1 &&
	    ratelimit_take(rl, "192.0.2.1", T0 + 1, &ra) == 0,
	    "one second refills one token");
	tap_ok(ratelimit_take(rl, "192.0.2.1", T0 + 3, &ra) == 1 &&
	    ratelimit_take(rl, "192.0.2.1", T0 + 3, &ra) == 1 &&
	    ratelimit_take(rl, "192.0.2.1", T0 + 3, &ra) == 0,
	    "two seconds refill two tokens");
	for (n = 0, i = 0; i < 10; i++)
		n += ratelimit_take(rl, "192.0.2.1", T0 + 1000000, &ra);
	tap_ok(n == 3, "a long pause refills to burst, not beyond (%d)", n);
	tap_ok(ratelimit_take(rl, "192.0.2.1", T0 - 1000, &ra) == 0,
	    "a clock stepped back refills nothing");
	tap_ok(ratelimit_take(rl, "192.0.2.1", T0 + 1000001, &ra) == 1,
	    "and time moving on again refills");
	ratelimit_free(rl);

	/* 6 a minute: one token every 10 s; burst 2. */
	if ((rl = ratelimit_new(6, 2, 16)) == NULL)
		return;
	n = ratelimit_take(rl, "a", T0, &ra);
	n += ratelimit_take(rl, "a", T0, &ra);
	tap_ok(n == 2 && ratelimit_take(rl, "a", T0, &ra) == 0 && ra == 10,
	    "6/min: retry after 10 s (got %u)", ra);
	tap_ok(ratelimit_take(rl, "a", T0 + 4, &ra) == 0 && ra == 6,
	    "after 4 s: retry after 6 s (got %u)", ra);
	tap_ok(ratelimit_take(rl, "a", T0 + 9, &ra) == 0 && ra == 1,
	    "after 9 s: retry after 1 s (got %u)", ra);
	tap_ok(ratelimit_take(rl, "a", T0 + 10, &ra) == 1,
	    "after 10 s: allowed");
	tap_ok(ratelimit_take(rl, "a", T0 + 10, &ra) == 0 && ra == 10,
	    "and empty again (got %u)", ra);
	ratelimit_free(rl);

	/* 120 a minute: two a second; a refused take never says 0. */
	if ((rl = ratelimit_new(120, 1, 4)) == NULL)
		return;
	n = ratelimit_take(rl, "b", T0, &ra);
	tap_ok(n == 1 && ratelimit_take(rl, "b", T0, &ra) == 0 && ra == 1,
	    "120/min: retry_after rounds up to 1 s (got %u)", ra);
	tap_ok(ratelimit_take(rl, "b", T0 + 1, &ra) == 1 &&
	    ratelimit_take(rl, "b", T0 + 1, &ra) == 0,
	    "120/min with burst 1: still one at a time");
	ratelimit_free(rl);
}

static void
test_evict(void)
{
	struct ratelimit	*rl;
	unsigned int		 ra;
	char			 addr[RATELIMIT_ADDR_MAX + 8];
	int			 i;

	if ((rl = ratelimit_new(1, 1, 4)) == NULL)
		return;
	for (i = 0; i < 100; i++) {
		snprintf(addr, sizeof(addr), "2001:db8::%d", i);
		ratelimit_take(rl, addr, T0, &ra);
	}
	tap_ok(ratelimit_count(rl) == 4, "table bound held: %zu of 4",
	    ratelimit_count(rl));

	/* A is spent; B C D follow; A again (refused, now recent); E. */
	ratelimit_take(rl, "A", T0, &ra);
	tap_ok(ratelimit_take(rl, "A", T0, &ra) == 0, "A spent");
	ratelimit_take(rl, "B", T0, &ra);
	ratelimit_take(rl, "C", T0, &ra);
	ratelimit_take(rl, "A", T0, &ra);
	ratelimit_take(rl, "D", T0, &ra);
	ratelimit_take(rl, "E", T0, &ra);
	tap_ok(ratelimit_take(rl, "A", T0, &ra) == 0,
	    "recently used A survived the eviction");
	tap_ok(ratelimit_take(rl, "B", T0, &ra) == 1,
	    "least recently used B was forgotten (fresh bucket)");
	tap_ok(ratelimit_count(rl) == 4, "still 4 entries");

	memset(addr, '1', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = '\0';
	tap_ok(ratelimit_take(rl, addr, T0, &ra) == 0 && ra >= 1,
	    "an over-long address is refused");
	addr[RATELIMIT_ADDR_MAX - 1] = '\0';
	tap_ok(ratelimit_take(rl, addr, T0, &ra) == 1,
	    "the longest address fits");
	ratelimit_free(rl);
}

struct hammer {
	struct ratelimit	*rl;
	pthread_barrier_t	*start;
	int			 id;
	int			 allowed;
};

#define HAMMER_ROUNDS	20000

static void *
hammer(void *arg)
{
	struct hammer	*h = arg;
	unsigned int	 ra;
	char		 addr[32];
	int		 i;

	/* Start together, or the first thread takes the whole burst. */
	pthread_barrier_wait(h->start);
	for (i = 0; i < HAMMER_ROUNDS; i++) {
		h->allowed += ratelimit_take(h->rl, "198.51.100.7", T0, &ra);
		snprintf(addr, sizeof(addr), "10.%d.%d.%d", h->id,
		    (i >> 8) & 0xff, i & 0xff);
		ratelimit_take(h->rl, addr, T0, &ra);
	}
	return NULL;
}

static void
test_threads(void)
{
	struct ratelimit	*rl;
	struct hammer		 h[2];
	pthread_t		 t[2];
	pthread_barrier_t	 start;
	int			 i, ok = 1;

	if ((rl = ratelimit_new(1, 15000, 64)) == NULL ||
	    pthread_barrier_init(&start, NULL, 2) != 0) {
		tap_skip("cannot set up the threads test");
		return;
	}
	for (i = 0; i < 2; i++) {
		h[i].rl = rl;
		h[i].id = i;
		h[i].allowed = 0;
		h[i].start = &start;
		if (pthread_create(&t[i], NULL, hammer, &h[i]) != 0)
			ok = 0;
	}
	for (i = 0; i < 2 && ok; i++)
		pthread_join(t[i], NULL);
	if (!ok) {
		/* A thread that did start still holds rl: leak it. */
		tap_skip("cannot start two threads");
		return;	/* the barrier would hold the lone thread forever */
	}
	tap_diag("allowed %d + %d", h[0].allowed, h[1].allowed);
	tap_ok(ok && ratelimit_count(rl) == 64, "table bound under threads");
	/*
	 * Each thread touches the shared address between two new ones, so
	 * it is never the stalest and is never evicted: its bucket gives
	 * exactly the burst, however the threads interleave.
	 */
	tap_ok(ok && h[0].allowed + h[1].allowed == 15000,
	    "two threads on one bucket take exactly the burst (%d)",
	    h[0].allowed + h[1].allowed);
	pthread_barrier_destroy(&start);
	ratelimit_free(rl);
}

int
main(void)
{
	test_params();
	test_refill();
	test_evict();
	test_threads();
	return tap_done();
}
