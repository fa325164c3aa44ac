/*
 * Sign-in throttling arithmetic.  Nothing here can lock an account: the
 * only absolute lock is the administrator's.  What is limited is the
 * number of password guesses that are evaluated (hashed):
 *
 *  - per client network (netkey.h) over all accounts: after 10
 *    failures, 10 * 2^(n-10) s after the last one, at most 300 s;
 *  - per pair of account and client network: after `threshold'
 *    failures, base_delay * 2^(n - threshold) s, at most max_delay;
 *  - per account, for clients it does not trust: at most 100 failures
 *    in any rolling hour (ASVS 2.2.1), then none until an hour after the
 *    last of them;
 *  - per device token (a browser that signed in before): its own
 *    failures, as for a pair, and its own 100 an hour.  A trusted device
 *    is limited by nothing else, so others' guessing cannot keep its
 *    owner out.
 *
 * A failure is recorded BEFORE hashing, so that parallel attempts all
 * count; a success takes its own attempt back.  The hourly run of
 * failures ends after an hour without one; the back-off count after an
 * hour without one past the longest delay.
 */
#ifndef SMSG_LOCKOUT_H
#define SMSG_LOCKOUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define LOCKOUT_HOUR		3600
#define LOCKOUT_HOURMAX		100	/* failures in any rolling hour */

/*
 * One counter of failures.  hour_start is when the current run began
 * and hour_count its failures: counting runs instead of clock hours is
 * what bounds every rolling hour (two aligned hours could otherwise hold
 * 100 failures each, back to back).  Pure functions; thread-safe.
 */
struct lockout_policy {
	uint32_t	 threshold, base_delay, max_delay;
};
struct lockout_state {
	uint32_t	 failures;
	uint64_t	 last_failure;
	uint64_t	 hour_start;
	uint32_t	 hour_count;
};

/* Seconds to wait before the next attempt (back-off and hourly bound). */
uint32_t lockout_wait(const struct lockout_policy *,
	    const struct lockout_state *, time_t now);
/* The hourly bound alone: an account's untrusted clients. */
uint32_t lockout_hour_wait(const struct lockout_state *, time_t now);
/* Failures are forgotten after an hour without one past max_delay. */
void	lockout_fail(const struct lockout_policy *, struct lockout_state *,
	    time_t now);
/* A success: failures reset, and its own attempt taken back. */
void	lockout_success(struct lockout_state *);

/*
 * A bounded table of counters by key (a network, or an account and a
 * network), in memory, for auth's main thread only.  When full, the
 * entry whose last failure is oldest is forgotten.
 */
#define THROTTLE_KEYMAX		128	/* longer keys are cut */
#define THROTTLE_MAXENTRIES	(1U << 16)	/* each lookup is a scan */

struct throttle;
/* NULL if max_entries is 0 or above THROTTLE_MAXENTRIES. */
struct throttle *throttle_new(size_t max_entries);
void	throttle_free(struct throttle *);
/* lockout_wait of key's counter (0 when there is none); NULL table: an
   hour, failing closed. */
uint32_t throttle_wait(struct throttle *, const struct lockout_policy *,
	    const char *key, time_t now);
void	throttle_fail(struct throttle *, const struct lockout_policy *,
	    const char *key, time_t now);
/* Failures now counted for key. */
uint32_t throttle_failures(struct throttle *, const char *key);
/* Take n failures back from key's counter (never below 0). */
void	throttle_take(struct throttle *, const char *key, uint32_t n);
void	throttle_forget(struct throttle *, const char *key);
void	throttle_forget_prefix(struct throttle *, const char *prefix);
size_t	throttle_count(const struct throttle *);
/* The counter of key, made if absent: a name that is no account is
   counted as an account would be, so the two answer alike. */
struct lockout_state *throttle_state(struct throttle *, const char *key);

/* The per-network policy: 10 free, then 10 s doubling to 300 s. */
#define SIGNIN_NET_FREE		10
#define SIGNIN_NET_BASE		10
#define SIGNIN_NET_CAP		300
extern const struct lockout_policy signin_net_policy;

/*
 * The limits of one sign-in attempt: the keys of its network and of its
 * pair, the account's counter for untrusted clients, and the device's
 * counter when the client presented a valid device token (NULL: not
 * trusted).
 */
struct signin_limits {
	struct throttle		*net;
	struct throttle		*pair;
	struct throttle		*unknown;	/* names of no account */
};
struct signin_attempt {
	char			 net[THROTTLE_KEYMAX];
	char			 pair[THROTTLE_KEYMAX];
	struct lockout_state	*account;	/* untrusted clients */
	struct lockout_state	*device;	/* NULL: untrusted */
};
enum signin_gate {
	SIGNIN_OPEN,		/* evaluate it */
	SIGNIN_DEVICE,		/* this device failed too often */
	SIGNIN_NETWORK,		/* this network failed too often */
	SIGNIN_PAIR,		/* ... against this account */
	SIGNIN_ACCOUNT,		/* the account's untrusted hour is full */
};

/* Keys of an account name and a network key (netkey.h). */
void	signin_keys(struct signin_attempt *, const char *name,
	    const char *net);
/* An administrator's unlock: every pair of the account is forgotten. */
void	signin_forget_account(const struct signin_limits *,
	    const char *name);
/* May the attempt be hashed now?  Else *wait seconds. */
enum signin_gate signin_gate(const struct signin_limits *,
	    const struct lockout_policy *, const struct signin_attempt *,
	    time_t now, uint32_t *wait);
/* Before hashing: count the attempt as a failure where it belongs. */
void	signin_record(const struct signin_limits *,
	    const struct lockout_policy *, const struct signin_attempt *,
	    time_t now);
/* The password was right: the failures against this account from this
   network are forgotten (and only those), the attempt taken back. */
void	signin_success(const struct signin_limits *,
	    const struct signin_attempt *);

#endif
