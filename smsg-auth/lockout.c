/*
 * Login throttling arithmetic.  See lockout.h.
 *
 * Times are seconds since the epoch; a clock before 1970 counts as 0 and
 * a clock that went backwards waits the full delay from the last failure
 * rather than less.  Every counter saturates.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lockout.h"

struct addrentry {
	char		 addr[ADDRTHROTTLE_ADDRMAX + 1];
	uint64_t	 last;		/* last failure */
	uint32_t	 n;		/* failures in this run */
	int		 used;
};

struct addrthrottle {
	struct addrentry	*e;
	size_t			 max;
};

static uint64_t
clock_of(time_t now)
{
	return now < 0 ? 0 : (uint64_t)now;
}

/* base * 2^exp, capped at cap, without overflow (at most 33 rounds). */
static uint64_t
backoff(uint64_t base, uint64_t exp, uint64_t cap)
{
	uint64_t	 d = base;

	while (exp > 0 && d != 0 && d < cap) {
		d <<= 1;
		exp--;
	}
	return d < cap ? d : cap;
}

/* Seconds left of a delay that started at `from'. */
static uint64_t
remaining(uint64_t from, uint64_t delay, uint64_t t)
{
	if (t < from)
		t = from;
	return t - from < delay ? delay - (t - from) : 0;
}

/* 1 if an hour without failure has passed since `last'. */
static int
run_over(uint64_t last, uint64_t t)
{
	return t >= last && t - last >= LOCKOUT_HOUR;
}

static uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

uint32_t
lockout_wait(const struct lockout_policy *p, const struct lockout_state *s,
    time_t now)
{
	uint64_t	 t = clock_of(now), w = 0, h;

	if (p == NULL || s == NULL)
		return LOCKOUT_HOUR;	/* fail closed */
	if (s->failures > 0 && s->failures >= p->threshold)
		w = remaining(s->last_failure, backoff(p->base_delay,
		    s->failures - p->threshold, p->max_delay), t);
	if (s->hour_count >= LOCKOUT_HOURMAX) {
		h = remaining(s->last_failure, LOCKOUT_HOUR, t);
		if (h > w)
			w = h;
	}
	return clamp32(w);
}

void
lockout_fail(const struct lockout_policy *p, struct lockout_state *s,
    time_t now)
{
	uint64_t	 t = clock_of(now);

	if (s == NULL)
		return;
	if (s->hour_count == 0 || run_over(s->last_failure, t)) {
		s->hour_start = t;
		s->hour_count = 0;
	}
	if (s->hour_count < UINT32_MAX)
		s->hour_count++;
	if (s->failures < UINT32_MAX)
		s->failures++;
	if (t > s->last_failure)
		s->last_failure = t;
}

void
lockout_success(struct lockout_state *s)
{
	if (s != NULL)
		s->failures = 0;
}

/*
 * Take back one failure recorded before hashing, when what was hashed
 * turned out right but the sign-in is not complete (a password waiting
 * for its code): the attempt is neither a failure nor a success.
 */
void
lockout_forgive(struct lockout_state *s)
{
	if (s == NULL)
		return;
	if (s->failures > 0)
		s->failures--;
	if (s->hour_count > 0)
		s->hour_count--;
}

struct addrthrottle *
addrthrottle_new(size_t max_entries)
{
	struct addrthrottle	*at;

	if (max_entries == 0 || max_entries > ADDRTHROTTLE_MAXENTRIES)
		return NULL;
	if ((at = calloc(1, sizeof(*at))) == NULL)
		return NULL;
	if ((at->e = calloc(max_entries, sizeof(*at->e))) == NULL) {
		free(at);
		return NULL;
	}
	at->max = max_entries;
	return at;
}

void
addrthrottle_free(struct addrthrottle *at)
{
	if (at == NULL)
		return;
	free(at->e);
	free(at);
}

/*
 * The entry of addr, or NULL; with *slot (if given) set to where a new
 * entry should go: a free one, else the one whose last failure is oldest.
 */
static struct addrentry *
lookup(struct addrthrottle *at, const char *addr, struct addrentry **slot)
{
	char			 key[ADDRTHROTTLE_ADDRMAX + 1];
	struct addrentry	*e, *best = NULL;
	size_t			 i;

	strlcpy(key, addr != NULL ? addr : "", sizeof(key));
	for (i = 0; i < at->max; i++) {
		e = &at->e[i];
		if (e->used && strcmp(e->addr, key) == 0)
			return e;
		if (best == NULL || (best->used &&
		    (!e->used || e->last < best->last)))
			best = e;
	}
	if (slot != NULL) {
		*slot = best;
		memset(best, 0, sizeof(*best));
		strlcpy(best->addr, key, sizeof(best->addr));
	}
	return NULL;
}

uint32_t
addrthrottle_wait(struct addrthrottle *at, const char *addr, time_t now)
{
	struct addrentry	*e;
	uint64_t		 t = clock_of(now);

	if (at == NULL)
		return ADDRTHROTTLE_CAP;	/* fail closed */
	if ((e = lookup(at, addr, NULL)) == NULL || run_over(e->last, t) ||
	    e->n < ADDRTHROTTLE_FREE)
		return 0;
	return clamp32(remaining(e->last,
	    backoff(1, e->n - ADDRTHROTTLE_FREE, ADDRTHROTTLE_CAP), t));
}

void
addrthrottle_fail(struct addrthrottle *at, const char *addr, time_t now)
{
	struct addrentry	*e, *slot = NULL;
	uint64_t		 t = clock_of(now);

	if (at == NULL)
		return;
	if ((e = lookup(at, addr, &slot)) == NULL) {
		e = slot;
		e->used = 1;
	} else if (run_over(e->last, t))
		e->n = 0;
	if (e->n < UINT32_MAX)
		e->n++;
	if (t > e->last)
		e->last = t;
}

void
addrthrottle_success(struct addrthrottle *at, const char *addr)
{
	struct addrentry	*e;

	if (at != NULL && (e = lookup(at, addr, NULL)) != NULL)
		memset(e, 0, sizeof(*e));
}

size_t
addrthrottle_count(const struct addrthrottle *at)
{
	size_t	 i, n = 0;

	for (i = 0; at != NULL && i < at->max; i++)
		n += at->e[i].used != 0;
	return n;
}
