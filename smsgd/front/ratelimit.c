/*
 * Token buckets per client address.
 *
 * Tokens are kept in sixtieths so that refilling per_minute tokens a
 * minute is exact integer arithmetic on whole seconds: every second adds
 * per_minute units and a request costs 60.  Entries live in one array
 * allocated up front (the bound is the memory), found through a hash
 * table with a per-table random seed so that chains cannot be aimed at,
 * and ordered by last use so that a full table forgets the stalest one.
 */
#include "config.h"

#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ratelimit.h"

#define UNITS	60		/* units per token: seconds per minute */

struct rl_entry {
	char		 addr[RATELIMIT_ADDR_MAX];
	uint64_t	 units;
	time_t		 last;
	struct rl_entry	*hnext;		/* hash chain */
	struct rl_entry	**hprev;
	struct rl_entry	*newer;		/* use order */
	struct rl_entry	*older;
};

struct ratelimit {
	pthread_mutex_t	 mtx;
	unsigned int	 per_minute;
	uint64_t	 cap;		/* burst, in units */
	size_t		 max;
	size_t		 n;
	struct rl_entry	*ents;
	struct rl_entry	**tab;
	size_t		 mask;
	uint64_t	 seed;
	struct rl_entry	*newest;
	struct rl_entry	*oldest;
};

struct ratelimit *
ratelimit_new(unsigned int per_minute, unsigned int burst,
    size_t max_entries)
{
	struct ratelimit	*rl;
	size_t			 nb = 16;

	if (per_minute == 0 || burst == 0 || max_entries == 0 ||
	    max_entries > RATELIMIT_ENTRIES_MAX) {
		errno = EINVAL;
		return NULL;
	}
	while (nb < max_entries)
		nb *= 2;
	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	rl->ents = calloc(max_entries, sizeof(*rl->ents));
	rl->tab = calloc(nb, sizeof(*rl->tab));
	if (rl->ents == NULL || rl->tab == NULL ||
	    pthread_mutex_init(&rl->mtx, NULL) != 0) {
		free(rl->ents);
		free(rl->tab);
		free(rl);
		errno = ENOMEM;
		return NULL;
	}
	rl->per_minute = per_minute;
	rl->cap = (uint64_t)burst * UNITS;
	rl->max = max_entries;
	rl->mask = nb - 1;
	arc4random_buf(&rl->seed, sizeof(rl->seed));
	return rl;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->mtx);
	/* Client addresses are personal data: leave none behind. */
	freezero(rl->ents, rl->max * sizeof(*rl->ents));
	free(rl->tab);
	free(rl);
}

/* Seeded FNV-1a, then a 64-bit finaliser to spread the low bits. */
static uint64_t
rl_hash(const struct ratelimit *rl, const char *s)
{
	uint64_t	 h = 0xcbf29ce484222325ULL ^ rl->seed;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static void
rl_unuse(struct ratelimit *rl, struct rl_entry *e)
{
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		rl->newest = e->older;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		rl->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void
rl_use(struct ratelimit *rl, struct rl_entry *e)
{
	e->older = rl->newest;
	e->newer = NULL;
	if (rl->newest != NULL)
		rl->newest->newer = e;
	rl->newest = e;
	if (rl->oldest == NULL)
		rl->oldest = e;
}

/* The entry for addr, made (or taken from the stalest) if absent. */
static struct rl_entry *
rl_lookup(struct ratelimit *rl, const char *addr, time_t now)
{
	struct rl_entry	**b, *e;

	b = &rl->tab[rl_hash(rl, addr) & rl->mask];
	for (e = *b; e != NULL; e = e->hnext)
		if (strcmp(e->addr, addr) == 0) {
			rl_unuse(rl, e);
			return e;
		}
	if (rl->n < rl->max)
		e = &rl->ents[rl->n++];
	else {
		e = rl->oldest;
		rl_unuse(rl, e);
		if (e->hnext != NULL)
			e->hnext->hprev = e->hprev;
		*e->hprev = e->hnext;
	}
	strlcpy(e->addr, addr, sizeof(e->addr));
	e->units = rl->cap;
	e->last = now;
	e->hnext = *b;
	if (*b != NULL)
		(*b)->hprev = &e->hnext;
	e->hprev = b;
	*b = e;
	return e;
}

/* Whole seconds since the last take; a clock stepped back adds none. */
static void
rl_refill(const struct ratelimit *rl, struct rl_entry *e, time_t now)
{
	uint64_t	 el, full;

	if (now <= e->last)
		return;
	el = (uint64_t)now - (uint64_t)e->last;
	full = (rl->cap + rl->per_minute - 1) / rl->per_minute;
	if (el >= full)
		e->units = rl->cap;
	else {
		e->units += el * rl->per_minute;
		if (e->units > rl->cap)
			e->units = rl->cap;
	}
	e->last = now;
}

int
ratelimit_take(struct ratelimit *rl, const char *addr, time_t now,
    unsigned int *retry_after)
{
	struct rl_entry	*e;
	uint64_t	 wait;
	int		 ok;

	if (strnlen(addr, RATELIMIT_ADDR_MAX) >= RATELIMIT_ADDR_MAX) {
		*retry_after = UNITS;
		return 0;
	}
	pthread_mutex_lock(&rl->mtx);
	e = rl_lookup(rl, addr, now);
	rl_use(rl, e);
	rl_refill(rl, e, now);
	if (e->units >= UNITS) {
		e->units -= UNITS;
		*retry_after = 0;
		ok = 1;
	} else {
		wait = (UNITS - e->units + rl->per_minute - 1) /
		    rl->per_minute;
		*retry_after = wait < 1 ? 1 : (unsigned int)wait;
		ok = 0;
	}
	pthread_mutex_unlock(&rl->mtx);
	return ok;
}

size_t
ratelimit_count(struct ratelimit *rl)
{
	size_t	 n;

	pthread_mutex_lock(&rl->mtx);
	n = rl->n;
	pthread_mutex_unlock(&rl->mtx);
	return n;
}
