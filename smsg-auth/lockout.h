/*
 * Login throttling arithmetic: a per-account soft lockout whose state
 * lives in auth's database, and a per-address delay kept in memory.
 */
#ifndef SMSG_LOCKOUT_H
#define SMSG_LOCKOUT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define LOCKOUT_HOUR		3600
#define LOCKOUT_HOURMAX		100	/* failures in any rolling hour */

/*
 * Per-account soft lockout: after `threshold' consecutive failures the
 * account waits base_delay * 2^(failures - threshold) seconds after the
 * last failure, capped at max_delay; and never more than 100 failures
 * are counted per rolling hour (ASVS 2.2.1): once 100 are reached, wait
 * until an hour has passed since the last of them.  hour_start is when
 * the current run of failures began; the run (hour_count) ends after an
 * hour without a failure.  Counting runs instead of clock hours is what
 * bounds every rolling hour: two aligned hours could otherwise hold 100
 * failures each, back to back.
 *
 * A failure is recorded BEFORE hashing (the caller records it, hashes,
 * and on success resets), so parallel attempts are counted atomically.
 * Pure functions of their arguments; thread-safe.
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

/* Seconds to wait before the next attempt; 0: may try. */
uint32_t lockout_wait(const struct lockout_policy *,
	    const struct lockout_state *, time_t now);
void	lockout_fail(const struct lockout_policy *, struct lockout_state *,
	    time_t now);
/* Resets failures (not the hour count). */
void	lockout_success(struct lockout_state *);
/* Takes back one lockout_fail (failures and hour count). */
void	lockout_forgive(struct lockout_state *);

/*
 * Per-address delay, in memory, thread-unsafe (auth's main thread only),
 * bounded table evicting the entry with the oldest failure: after 10
 * failures from one address (with no hour-long pause between them), a
 * delay of 2^(n-10) s after the last failure, capped at 300 s.
 */
#define ADDRTHROTTLE_FREE	10
#define ADDRTHROTTLE_CAP	300
#define ADDRTHROTTLE_ADDRMAX	64	/* longer addresses are truncated */
/* Each lookup is a linear scan of the table. */
#define ADDRTHROTTLE_MAXENTRIES	(1U << 16)

struct addrthrottle;
/* NULL if max_entries is 0 or above ADDRTHROTTLE_MAXENTRIES. */
struct addrthrottle *addrthrottle_new(size_t max_entries);
void	addrthrottle_free(struct addrthrottle *);
uint32_t addrthrottle_wait(struct addrthrottle *, const char *addr,
	    time_t now);
void	addrthrottle_fail(struct addrthrottle *, const char *addr, time_t now);
void	addrthrottle_success(struct addrthrottle *, const char *addr);
/* Addresses currently tracked. */
size_t	addrthrottle_count(const struct addrthrottle *);

#endif
