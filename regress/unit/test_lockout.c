/*
 * smsg-auth/lockout.c: the back-off, the 100-per-rolling-hour bound
 * under a simulated attacker from many networks while the owner's
 * device still signs in, the per-network and per-pair tables, and what
 * a success forgets.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "lockout.h"

#define SIM_SECONDS	(3 * LOCKOUT_HOUR)
#define SIM_MAX		4096

static void
test_backoff(void)
{
	static const uint32_t	 want[] = { 2, 4, 8, 16, 32, 60, 60, 60 };
	struct lockout_policy	 p = { 5, 2, 60 };
	struct lockout_state	 s;
	time_t			 t = 1000;
	size_t			 i;
	int			 ok = 1;

	memset(&s, 0, sizeof(s));
	tap_ok(lockout_wait(&p, &s, t) == 0, "a fresh account may try");
	for (i = 0; i < 4; i++)
		lockout_fail(&p, &s, t);
	tap_ok(lockout_wait(&p, &s, t) == 0, "4 failures: below threshold");
	lockout_fail(&p, &s, t);
	tap_ok(lockout_wait(&p, &s, t) == 2,
	    "5th failure (threshold): base_delay");
	tap_ok(lockout_wait(&p, &s, t + 1) == 1 &&
	    lockout_wait(&p, &s, t + 2) == 0, "the delay runs down");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (i > 0) {
			t += lockout_wait(&p, &s, t);
			lockout_fail(&p, &s, t);
		}
		if (lockout_wait(&p, &s, t) != want[i]) {
			tap_diag("failure %zu: wait %u, want %u", i + 5,
			    lockout_wait(&p, &s, t), want[i]);
			ok = 0;
		}
	}
	tap_ok(ok, "delays double (2, 4, ... 32) and cap at max_delay 60");
	tap_ok(lockout_wait(&p, &s, t - 500) == 60,
	    "a clock gone backwards waits the full delay, not more");
	lockout_success(&s);
	tap_ok(s.failures == 0 && lockout_wait(&p, &s, t) == 0,
	    "success resets the failures");
	tap_ok(s.hour_count == 11, "and takes its own attempt back from the "
	    "hour count, no more (%u)", s.hour_count);
	lockout_fail(&p, &s, t);
	tap_ok(lockout_wait(&p, &s, t) == 0, "one failure after a success");

	s.failures = UINT32_MAX - 1;
	lockout_fail(&p, &s, t);
	lockout_fail(&p, &s, t);
	tap_ok(s.failures == UINT32_MAX && lockout_wait(&p, &s, t) == 60,
	    "the failure count saturates, the delay stays capped");
	tap_ok(lockout_wait(NULL, &s, t) > 0, "no policy fails closed");
}

static void
test_hour(void)
{
	struct lockout_policy	 p = { 1000, 0, 0 };	/* no back-off */
	struct lockout_state	 s;
	int			 i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < 100; i++)
		lockout_fail(&p, &s, i);
	tap_ok(lockout_wait(&p, &s, 100) == 3599,
	    "100 failures: wait an hour after the last (%u)",
	    lockout_wait(&p, &s, 100));
	tap_ok(lockout_hour_wait(&s, 100) == 3599,
	    "the hourly bound alone says the same");
	tap_ok(lockout_wait(&p, &s, 99 + 3600) == 0, "an hour later: 0");
	lockout_fail(&p, &s, 99 + 3600);
	tap_ok(s.hour_count == 1 && s.hour_start == 99 + 3600,
	    "the next failure starts a new run");

	/* One early failure, then a late burst: no reset at the hour. */
	memset(&s, 0, sizeof(s));
	lockout_fail(&p, &s, 0);
	for (i = 0; i < 99; i++)
		lockout_fail(&p, &s, 3500 + i);
	tap_ok(lockout_wait(&p, &s, 3600) > 0 &&
	    lockout_wait(&p, &s, 3597 + 3600) > 0 &&
	    lockout_wait(&p, &s, 3598 + 3600) == 0,
	    "a late burst is not forgotten when the clock hour ends");
}

static void
test_quiet(void)
{
	struct lockout_policy	 p = { 3, 10, 600 };
	struct lockout_state	 s;
	int			 i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < 6; i++)
		lockout_fail(&p, &s, 1000);
	tap_ok(lockout_wait(&p, &s, 1000) == 80, "6 failures: 10 * 2^3 s");
	lockout_fail(&p, &s, 1000 + 3600 + 599);
	tap_ok(s.failures == 7, "failures kept within an hour past "
	    "max_delay (%u)", s.failures);
	lockout_fail(&p, &s, 1000 + 3600 + 599 + 3600 + 600);
	tap_ok(s.failures == 1 && s.hour_count == 1,
	    "after a quiet hour past max_delay they start again");
}

/*
 * An attacker who tries whenever lockout_wait() allows, for three
 * hours, after pausing from the first failure until `resume' (to aim a
 * burst at the end of a clock hour); returns the number of failures and
 * sets *worst to the most found in any rolling hour.
 */
static int
simulate(const struct lockout_policy *p, time_t resume, int *worst)
{
	static uint64_t		 at[SIM_MAX];
	struct lockout_state	 s;
	uint32_t		 w;
	time_t			 t = 0;
	int			 n = 0, i, j;

	memset(&s, 0, sizeof(s));
	while (t < SIM_SECONDS && n < SIM_MAX) {
		if ((w = lockout_wait(p, &s, t)) > 0) {
			t += w;
			continue;
		}
		lockout_fail(p, &s, t);
		at[n++] = (uint64_t)t;
		if (n == 1 && resume > t)
			t = resume;
	}
	*worst = 0;
	for (i = 0; i < n; i++) {
		for (j = i; j < n && at[j] < at[i] + LOCKOUT_HOUR; j++)
			;
		if (j - i > *worst)
			*worst = j - i;
	}
	return n;
}

static void
test_simulation(void)
{
	static const struct {
		struct lockout_policy	 p;
		time_t			 resume;
		int			 min;
		const char		*what;
	} sims[] = {
		{ { 1000, 0, 0 }, 0, 300, "no back-off" },
		{ { 1000, 0, 0 }, 3500, 200, "no back-off, late burst" },
		{ { 3, 1, 4 }, 0, 200, "back-off capped at 4 s" },
		{ { 3, 1, 4 }, 3300, 200, "capped at 4 s, late burst" },
		{ { 5, 1, 30 }, 0, 200, "back-off capped at 30 s" },
		{ { 5, 1, 900 }, 0, 10, "back-off capped at 900 s" },
		{ { 0, 1, 1 }, 0, 200, "threshold 0" },
	};
	size_t	 i;
	int	 n, worst;

	for (i = 0; i < sizeof(sims) / sizeof(sims[0]); i++) {
		n = simulate(&sims[i].p, sims[i].resume, &worst);
		tap_ok(worst <= LOCKOUT_HOURMAX && worst > 0,
		    "%s: at most 100 failures in any rolling hour (%d)",
		    sims[i].what, worst);
		tap_ok(n >= sims[i].min && n < SIM_MAX,
		    "%s: %d failures in 3 hours (at least %d)",
		    sims[i].what, n, sims[i].min);
	}
}

static void
test_throttle(void)
{
	const struct lockout_policy *np = &signin_net_policy;
	struct throttle		*at;
	const char		*a = "192.0.2.1/32", *b = "2001:db8::/64";
	char			 name[200];
	uint32_t		 w, prev = 0;
	int			 i, grows = 1;

	tap_ok(throttle_new(0) == NULL &&
	    throttle_new(THROTTLE_MAXENTRIES + 1) == NULL,
	    "table size 0 or too large refused");
	tap_ok(throttle_wait(NULL, np, a, 0) > 0, "no table fails closed");
	if ((at = throttle_new(4)) == NULL) {
		tap_ok(0, "throttle_new(4)");
		return;
	}
	for (i = 0; i < 9; i++)
		throttle_fail(at, np, a, 100);
	tap_ok(throttle_wait(at, np, a, 100) == 0, "9 failures: no delay");
	throttle_fail(at, np, a, 100);
	tap_ok(throttle_wait(at, np, a, 100) == 10, "10th failure: 10 s");
	for (i = 11; i <= 15; i++) {
		throttle_fail(at, np, a, 100);
		w = throttle_wait(at, np, a, 100);
		if (w != (i < 15 ? 10U << (i - 10) : 300U) || w <= prev)
			grows = 0;
		prev = w;
	}
	tap_ok(grows, "delays double to 160 s, then 300 s");
	tap_ok(throttle_wait(at, np, a, 399) == 1 &&
	    throttle_wait(at, np, a, 400) == 0, "the delay runs down");
	tap_ok(throttle_wait(at, np, b, 100) == 0, "another network is free");
	throttle_fail(at, np, a, 100 + LOCKOUT_HOUR + SIGNIN_NET_CAP);
	tap_ok(throttle_wait(at, np, a, 100 + LOCKOUT_HOUR +
	    SIGNIN_NET_CAP) == 0, "after a quiet hour the count starts again");
	throttle_take(at, a, 5);
	tap_ok(throttle_failures(at, a) == 0, "taking back never goes below 0");
	throttle_forget(at, a);
	tap_ok(throttle_count(at) == 0, "forgotten");

	/* The table bound: the entry with the oldest failure goes. */
	for (i = 0; i < 10; i++)
		throttle_fail(at, np, "a0", 10);
	throttle_fail(at, np, "a1", 11);
	throttle_fail(at, np, "a2", 12);
	throttle_fail(at, np, "a3", 13);
	tap_ok(throttle_count(at) == 4 && throttle_wait(at, np, "a0", 10) == 10,
	    "full table keeps a0");
	throttle_fail(at, np, "a4", 14);
	tap_ok(throttle_count(at) == 4 && throttle_wait(at, np, "a0", 10) == 0,
	    "a fifth key evicts the oldest (a0)");
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "198.51.100.%d/32", i);
		throttle_fail(at, np, name, 20 + i);
	}
	tap_ok(throttle_count(at) == 4, "1000 networks: still 4 entries");
	memset(name, 'x', 150);
	name[150] = '\0';
	for (i = 0; i < 10; i++)
		throttle_fail(at, np, name, 2000);
	name[140] = 'y';
	tap_ok(throttle_wait(at, np, name, 2000) == 10,
	    "over-long keys sharing a prefix share an entry");
	throttle_free(at);
}

/* A success forgets only the failures against that account. */
static void
test_signin(void)
{
	struct lockout_policy	 p = { 5, 60, 3600 };
	struct signin_limits	 l;
	struct signin_attempt	 victim, own, dev;
	struct lockout_state	 vacct, oacct, device;
	uint32_t		 wait;
	int			 i;

	memset(&vacct, 0, sizeof(vacct));
	memset(&oacct, 0, sizeof(oacct));
	memset(&device, 0, sizeof(device));
	l.net = throttle_new(64);
	l.pair = throttle_new(64);
	l.unknown = NULL;
	memset(&victim, 0, sizeof(victim));
	signin_keys(&victim, "victim", "203.0.113.9/32");
	victim.account = &vacct;
	own = victim;
	signin_keys(&own, "mallory", "203.0.113.9/32");
	own.account = &oacct;
	for (i = 0; i < 4; i++)
		signin_record(&l, &p, &victim, 1000);
	tap_ok(signin_gate(&l, &p, &victim, 1000, &wait) == SIGNIN_OPEN,
	    "4 failures against the victim: still open");
	signin_record(&l, &p, &victim, 1000);
	tap_ok(signin_gate(&l, &p, &victim, 1000, &wait) == SIGNIN_PAIR &&
	    wait == 60, "the 5th: this network waits 60 s for this account");
	tap_ok(signin_gate(&l, &p, &own, 1000, &wait) == SIGNIN_OPEN,
	    "... not for another account");
	signin_record(&l, &p, &own, 1000);
	signin_success(&l, &own);
	tap_ok(throttle_failures(l.net, "203.0.113.9/32") == 5 &&
	    signin_gate(&l, &p, &victim, 1000, &wait) == SIGNIN_PAIR,
	    "the attacker's own right password wipes nothing of the victim's");
	tap_ok(oacct.hour_count == 0 && oacct.failures == 0,
	    "... and takes back its own attempt");
	for (i = 0; i < 5; i++)
		signin_record(&l, &p, &own, 1000);
	tap_ok(signin_gate(&l, &p, &own, 1000, &wait) == SIGNIN_NETWORK &&
	    wait == 10, "10 failures from one network: it waits for any "
	    "account");
	signin_record(&l, &p, &own, 1000);
	signin_success(&l, &own);
	tap_ok(throttle_failures(l.net, "203.0.113.9/32") == 5,
	    "a success takes back its pair's failures only (5 left)");

	memset(&dev, 0, sizeof(dev));
	signin_keys(&dev, "victim", "203.0.113.9/32");
	dev.account = &vacct;
	dev.device = &device;
	tap_ok(signin_gate(&l, &p, &dev, 1000, &wait) == SIGNIN_OPEN,
	    "the owner's device, same network: open despite the pair's wait");
	for (i = 0; i < 5; i++)
		signin_record(&l, &p, &dev, 1000);
	tap_ok(signin_gate(&l, &p, &dev, 1000, &wait) == SIGNIN_DEVICE &&
	    wait == 60, "a device that failed 5 times waits itself");
	tap_ok(throttle_failures(l.pair, victim.pair) == 5,
	    "a device's failures count on the device only");
	throttle_free(l.net);
	throttle_free(l.pair);
}

/*
 * Three hours of attack on one account from 5000 networks, each trying
 * whenever the gate lets it, while the owner tries once a minute from
 * a device that signed in before, and once a minute from a new
 * browser.  The attempts evaluated for untrusted clients stay within
 * 100 in any rolling hour; every one of the owner's device attempts is
 * evaluated.
 */
static void
test_siege(void)
{
	static uint64_t		 at[SIM_MAX];
	struct lockout_policy	 p = { 5, 60, 3600 };
	struct signin_limits	 l;
	struct signin_attempt	 a, owner;
	struct lockout_state	 acct, device;
	char			 net[64];
	uint32_t		 wait;
	time_t			 t;
	int			 n = 0, i, j, worst = 0, own = 0, ownok = 0;
	int			 fresh = 0, freshok = 0;

	memset(&acct, 0, sizeof(acct));
	memset(&device, 0, sizeof(device));
	l.net = throttle_new(8192);
	l.pair = throttle_new(8192);
	l.unknown = NULL;
	memset(&owner, 0, sizeof(owner));
	signin_keys(&owner, "alice", "192.0.2.1/32");
	owner.account = &acct;
	owner.device = &device;
	for (t = 0; t < SIM_SECONDS; t++) {
		for (i = 0; i < 5000 && n < SIM_MAX; i += 97) {
			memset(&a, 0, sizeof(a));
			snprintf(net, sizeof(net), "10.%d.%d.%d/32",
			    (i + (int)t) % 5000 / 250, i % 250, (int)(t % 7));
			signin_keys(&a, "alice", net);
			a.account = &acct;
			if (signin_gate(&l, &p, &a, t, &wait) != SIGNIN_OPEN)
				continue;
			signin_record(&l, &p, &a, t);
			at[n++] = (uint64_t)t;
		}
		if (t % 60 != 30)
			continue;
		own++;
		if (signin_gate(&l, &p, &owner, t, &wait) == SIGNIN_OPEN) {
			signin_record(&l, &p, &owner, t);
			signin_success(&l, &owner);
			ownok++;
		}
		memset(&a, 0, sizeof(a));
		signin_keys(&a, "alice", "198.51.100.1/32");
		a.account = &acct;
		fresh++;
		freshok += signin_gate(&l, &p, &a, t, &wait) == SIGNIN_OPEN;
	}
	for (i = 0; i < n; i++) {
		for (j = i; j < n && at[j] < at[i] + LOCKOUT_HOUR; j++)
			;
		if (j - i > worst)
			worst = j - i;
	}
	tap_ok(worst == LOCKOUT_HOURMAX, "siege: at most 100 untrusted "
	    "failures evaluated in any rolling hour (%d)", worst);
	tap_ok(n >= 200 && n <= 300, "siege: %d evaluated in 3 hours", n);
	tap_ok(own == 180 && ownok == own, "siege: the owner's device signed "
	    "in every time (%d of %d)", ownok, own);
	tap_ok(freshok < fresh / 10, "siege: a new browser mostly waits "
	    "(%d of %d let through)", freshok, fresh);
	throttle_free(l.net);
	throttle_free(l.pair);
}

int
main(void)
{
	test_backoff();
	test_hour();
	test_quiet();
	test_simulation();
	test_throttle();
	test_signin();
	test_siege();
	(void)tap_skip;
	return tap_done();
}
