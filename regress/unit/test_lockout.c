/*
 * smsg-auth/lockout.c: the account back-off, the 100-per-rolling-hour
 * bound under a simulated attacker, and the per-address throttle.
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
	tap_ok(s.hour_count == 12, "but not the hour count (%u)",
	    s.hour_count);
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
	lockout_success(&s);
	tap_ok(lockout_wait(&p, &s, 100) == 3599,
	    "a success does not lift the hourly bound");
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
test_addr(void)
{
	struct addrthrottle	*at;
	const char		*a = "192.0.2.1", *b = "2001:db8::1";
	char			 name[128];
	uint32_t		 w, prev = 0;
	int			 i, grows = 1;

	tap_ok(addrthrottle_new(0) == NULL &&
	    addrthrottle_new(ADDRTHROTTLE_MAXENTRIES + 1) == NULL,
	    "table size 0 or too large refused");
	tap_ok(addrthrottle_wait(NULL, a, 0) > 0, "no table fails closed");
	if ((at = addrthrottle_new(4)) == NULL) {
		tap_ok(0, "addrthrottle_new(4)");
		return;
	}
	for (i = 0; i < 9; i++)
		addrthrottle_fail(at, a, 100);
	tap_ok(addrthrottle_wait(at, a, 100) == 0, "9 failures: no delay");
	addrthrottle_fail(at, a, 100);
	tap_ok(addrthrottle_wait(at, a, 100) == 1, "10th failure: 1 s");
	for (i = 11; i <= 19; i++) {
		addrthrottle_fail(at, a, 100);
		w = addrthrottle_wait(at, a, 100);
		if (w != (i < 19 ? 1U << (i - 10) : 300U) || w <= prev)
			grows = 0;
		prev = w;
	}
	tap_ok(grows, "delays double to 256 s, then 300 s");
	for (i = 0; i < 20; i++)
		addrthrottle_fail(at, a, 100);
	tap_ok(addrthrottle_wait(at, a, 100) == ADDRTHROTTLE_CAP,
	    "capped at 300 s after 39 failures");
	tap_ok(addrthrottle_wait(at, a, 399) == 1 &&
	    addrthrottle_wait(at, a, 400) == 0, "the delay runs down");
	tap_ok(addrthrottle_wait(at, b, 100) == 0, "another address is free");
	addrthrottle_fail(at, a, 100 + LOCKOUT_HOUR);
	tap_ok(addrthrottle_wait(at, a, 100 + LOCKOUT_HOUR) == 0,
	    "after a quiet hour the count starts again");
	for (i = 0; i < 12; i++)
		addrthrottle_fail(at, a, 5000);
	addrthrottle_success(at, a);
	tap_ok(addrthrottle_wait(at, a, 5000) == 0, "success clears it");

	/* The table bound: the oldest entry goes. */
	addrthrottle_free(at);
	at = addrthrottle_new(4);
	for (i = 0; i < 10; i++)
		addrthrottle_fail(at, "a0", 10);
	addrthrottle_fail(at, "a1", 11);
	addrthrottle_fail(at, "a2", 12);
	addrthrottle_fail(at, "a3", 13);
	tap_ok(addrthrottle_count(at) == 4 &&
	    addrthrottle_wait(at, "a0", 10) == 1, "full table keeps a0");
	addrthrottle_fail(at, "a4", 14);
	tap_ok(addrthrottle_count(at) == 4 &&
	    addrthrottle_wait(at, "a0", 10) == 0,
	    "a fifth address evicts the oldest (a0)");
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "198.51.100.%d", i);
		addrthrottle_fail(at, name, 20 + i);
	}
	tap_ok(addrthrottle_count(at) == 4, "1000 addresses: still 4 entries");

	memset(name, 'x', 100);
	name[100] = '\0';
	for (i = 0; i < 10; i++)
		addrthrottle_fail(at, name, 2000);
	name[99] = 'y';
	tap_ok(addrthrottle_wait(at, name, 2000) == 1,
	    "over-long addresses sharing a prefix share an entry");
	addrthrottle_free(at);
}

/* A right password waiting for its code takes its failure back. */
static void
test_forgive(void)
{
	struct lockout_policy	 p = { 5, 60, 3600 };
	struct lockout_state	 s;
	int			 i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < 20; i++) {
		lockout_fail(&p, &s, 1000 + i);
		lockout_forgive(&s);
	}
	tap_ok(s.failures == 0 && s.hour_count == 0 &&
	    lockout_wait(&p, &s, 1020) == 0,
	    "forgiven attempts never lock (%u failures)", s.failures);
	for (i = 0; i < 5; i++)
		lockout_fail(&p, &s, 2000);
	lockout_fail(&p, &s, 2000);
	lockout_forgive(&s);
	tap_ok(s.failures == 5 && s.hour_count == 5,
	    "forgiving takes back exactly one failure");
	tap_ok(lockout_wait(&p, &s, 2000) > 0,
	    "the real failures before it still count");
	memset(&s, 0, sizeof(s));
	lockout_forgive(&s);
	tap_ok(s.failures == 0 && s.hour_count == 0,
	    "forgiving nothing stays at zero");
}

int
main(void)
{
	test_forgive();
	test_backoff();
	test_hour();
	test_simulation();
	test_addr();
	(void)tap_skip;
	return tap_done();
}
