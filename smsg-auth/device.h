/*
 * Device tokens, after OWASP's "device cookies": a browser or API client
 * that signed in to an account holds a random token for that account
 * (256 bits, kept here as its SHA-256 in the account record).  A client
 * that presents it is trusted for that account: limited by its own
 * failures only, not by the guessing of others (lockout.h).
 */
#ifndef SMSG_AUTH_DEVICE_H
#define SMSG_AUTH_DEVICE_H

#include <time.h>

#include "account.h"
#include "session.h"

#define DEVICE_LIFETIME		(180 * 86400)	/* s, unused, then void */

/* The device of a that token names (in use within its lifetime), or
   NULL.  Every slot is compared, in constant time. */
struct device	*device_find(struct account *, const char *, time_t);
/*
 * After a successful sign-in: keep the token presented when it is a's,
 * else make a new one (in place of the one unused longest when all are
 * taken).  0 with the token to hand out in out; -1 error.
 */
int		 device_issue(struct account *, const char *, time_t,
		    char [SESSION_TOKENLEN]);

#endif
