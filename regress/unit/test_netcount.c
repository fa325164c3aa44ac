/*
 * smsgd/front/netcount.c: connections per client network, under the
 * front's worker threads: the cap, the few let in to hear 503, and every
 * count back to nothing when the connections close.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>

#include "netcount.h"
#include "tap.h"

#define THREADS	4
#define ROUNDS	20000

static void *
churn(void *arg)
{
	const char	*key = arg;
	int		 i, bad = 0;

	for (i = 0; i < ROUNDS; i++) {
		if (netcount_add(key, 1000) != NETCOUNT_OK)
			bad++;
		else
			netcount_del(key);
	}
	return (void *)(long)bad;
}

int
main(void)
{
	static const char *keys[THREADS] = { "192.0.2.1/32",
	    "2001:db8::/64", "192.0.2.1/32", "198.51.100.0/24" };
	pthread_t	 t[THREADS];
	void		*r;
	int		 i, ok = 1, order = 1;

	(void)tap_skip;
	(void)tap_diag;
	for (i = 0; i < 3; i++)
		order &= netcount_add("192.0.2.9/32", 3) == NETCOUNT_OK;
	tap_ok(order && netcount_get("192.0.2.9/32") == 3,
	    "up to the cap: served");
	for (i = 0; i < NETCOUNT_GRACE; i++)
		order &= netcount_add("192.0.2.9/32", 3) == NETCOUNT_OVER;
	tap_ok(order, "the next %d: let in to be told 503", NETCOUNT_GRACE);
	tap_ok(netcount_add("192.0.2.9/32", 3) == NETCOUNT_REFUSE &&
	    netcount_get("192.0.2.9/32") == 3 + NETCOUNT_GRACE,
	    "beyond them: refused, and not counted");
	tap_ok(netcount_add("192.0.2.10/32", 3) == NETCOUNT_OK,
	    "another network is served");
	netcount_del("192.0.2.10/32");
	for (i = 0; i < 3 + NETCOUNT_GRACE; i++)
		netcount_del("192.0.2.9/32");
	tap_ok(netcount_get("192.0.2.9/32") == 0 &&
	    netcount_get("192.0.2.10/32") == 0, "all closed: nothing counted");
	tap_ok(netcount_add("192.0.2.9/32", 3) == NETCOUNT_OK,
	    "and the network is served again");
	netcount_del("192.0.2.9/32");

	for (i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, churn, (void *)keys[i]) != 0)
			ok = 0;
	for (i = 0; i < THREADS; i++)
		if (pthread_join(t[i], &r) != 0 || r != NULL)
			ok = 0;
	tap_ok(ok, "%d threads opening and closing %d times each: all "
	    "served", THREADS, ROUNDS);
	for (i = 0; i < THREADS; i++)
		ok &= netcount_get(keys[i]) == 0;
	tap_ok(ok, "... and every count back to 0");
	return tap_done();
}
