/*
 * smsg-auth/device.c: device tokens of an account (OWASP device cookies):
 * found only by their own token, kept when presented again, bounded per
 * account with the least recently used replaced, void after their
 * lifetime.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "device.h"
#include "tap.h"

int
main(void)
{
	struct account	 a;
	char		 t1[SESSION_TOKENLEN], t2[SESSION_TOKENLEN];
	char		 t[SESSION_TOKENLEN], first[SESSION_TOKENLEN];
	time_t		 now = 1700000000;
	int		 i, distinct = 1;

	(void)tap_skip;
	(void)tap_diag;
	memset(&a, 0, sizeof(a));
	tap_ok(device_find(&a, "", now) == NULL, "no token: no device");
	tap_ok(device_issue(&a, "", now, t1) == 0 && strlen(t1) == 43 &&
	    a.ndevices == 1, "a sign-in without one gets a new token");
	tap_ok(device_find(&a, t1, now) == &a.devices[0],
	    "the token names its device");
	tap_ok(memcmp(a.devices[0].hash, t1, 32) != 0,
	    "the record holds a hash, not the token");
	tap_ok(device_issue(&a, t1, now + 10, t2) == 0 &&
	    strcmp(t1, t2) == 0 && a.ndevices == 1 &&
	    a.devices[0].last_used == (uint64_t)now + 10,
	    "presented again, it is kept and its use noted");
	t2[0] = t2[0] == 'A' ? 'B' : 'A';
	tap_ok(device_find(&a, t2, now) == NULL,
	    "a token one character off is no device");
	tap_ok(device_find(&a, t1, now + 10 + DEVICE_LIFETIME) == NULL,
	    "unused for its lifetime, it is void");
	tap_ok(device_issue(&a, t2, now + 20, t) == 0 && strcmp(t, t2) != 0 &&
	    a.ndevices == 2, "a token that is not this account's gets a new one");
	strlcpy(first, t1, sizeof(first));
	for (i = 0; i < ACCOUNT_DEVICES; i++) {
		if (device_issue(&a, "", now + 100 + i, t) == -1 ||
		    strcmp(t, first) == 0)
			distinct = 0;
	}
	tap_ok(distinct && a.ndevices == ACCOUNT_DEVICES,
	    "at most %d devices per account (%u)", ACCOUNT_DEVICES,
	    a.ndevices);
	tap_ok(device_find(&a, first, now + 200) == NULL &&
	    device_find(&a, t, now + 200) != NULL,
	    "the least recently used gave way, the newest is there");
	return tap_done();
}
