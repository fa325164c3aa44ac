/*
 * A token bucket per client address for the front.  The table is bounded:
 * when it is full the least recently seen address is forgotten, which
 * gives that address a full bucket again, so the bound must be large
 * enough for the expected number of active clients.  Time comes from the
 * caller.  Safe to share between the front's worker threads.
 */
#ifndef SMSG_RATELIMIT_H
#define SMSG_RATELIMIT_H

#include <stddef.h>
#include <time.h>

#define RATELIMIT_ADDR_MAX	96	/* key bytes, NUL included */
#define RATELIMIT_ENTRIES_MAX	(1U << 20)

struct ratelimit;

/* NULL with errno EINVAL when a parameter is 0 or too big, or ENOMEM. */
struct ratelimit *ratelimit_new(unsigned int per_minute, unsigned int burst,
	    size_t max_entries);
void	 ratelimit_free(struct ratelimit *);
/*
 * 1 allowed (a token taken), 0 refused with *retry_after seconds (>= 1).
 * An address of RATELIMIT_ADDR_MAX bytes or more is refused.
 */
int	 ratelimit_take(struct ratelimit *, const char *addr, time_t now,
	    unsigned int *retry_after);
/* Addresses in the table now. */
size_t	 ratelimit_count(struct ratelimit *);

#endif
