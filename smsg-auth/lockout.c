/*
 * Sign-in throttling arithmetic.  See lockout.h.
 *
 * Times are seconds since the epoch; a clock before 1970 counts as 0 and
 * a clock that went backwards waits the full delay from the last failure
 * rather than less.  Every counter saturates.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockout.h"

const struct lockout_policy signin_net_policy = {
	SIGNIN_NET_FREE, SIGNIN_NET_BASE, SIGNIN_NET_CAP
};

struct throttle_entry {
	char			 key[THROTTLE_KEYMAX];
	struct lockout_state	 st;
	int			 used;
};

struct throttle {
	struct throttle_entry	*e;
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
lockout_hour_wait(const struct lockout_state *s, time_t now)
{
	if (s == NULL)
		return LOCKOUT_HOUR;	/* fail closed */
	if (s->hour_count < LOCKOUT_HOURMAX)
		return 0;
	return clamp32(remaining(s->last_failure, LOCKOUT_HOUR,
	    clock_of(now)));
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
	if ((h = lockout_hour_wait(s, now)) > w)
		w = h;
	return clamp32(w);
}

void
lockout_fail(const struct lockout_policy *p, struct lockout_state *s,
    time_t now)
{
	uint64_t	 t = clock_of(now), quiet;

	if (s == NULL)
		return;
	quiet = LOCKOUT_HOUR + (p != NULL ? p->max_delay : 0);
	if (t >= s->last_failure && t - s->last_failure >= quiet)
		s->failures = 0;
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
	if (s == NULL)
		return;
	s->failures = 0;
	if (s->hour_count > 0)
		s->hour_count--;
}

struct throttle *
throttle_new(size_t max_entries)
{
	struct throttle	*t;

	if (max_entries == 0 || max_entries > THROTTLE_MAXENTRIES)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->e = calloc(max_entries, sizeof(*t->e))) == NULL) {
		free(t);
		return NULL;
	}
	t->max = max_entries;
	return t;
}

void
throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	/* Client addresses are personal data: leave none behind. */
	freezero(t->e, t->max * sizeof(*t->e));
	free(t);
}

/*
 * The entry of key, or NULL; with *slot (if given) set to a fresh entry
 * for it: a free one, else the one whose last failure is oldest.
 */
static struct throttle_entry *
lookup(struct throttle *t, const char *key, struct throttle_entry **slot)
{
	char			 k[THROTTLE_KEYMAX];
	struct throttle_entry	*e, *best = NULL;
	size_t			 i;

	strlcpy(k, key != NULL ? key : "", sizeof(k));
	for (i = 0; i < t->max; i++) {
		e = &t->e[i];
		if (e->used && strcmp(e->key, k) == 0)
			return e;
		if (best == NULL || (best->used && (!e->used ||
		    e->st.last_failure < best->st.last_failure)))
			best = e;
	}
	if (slot != NULL) {
		*slot = best;
		memset(best, 0, sizeof(*best));
		strlcpy(best->key, k, sizeof(best->key));
		best->used = 1;
	}
	return NULL;
}

uint32_t
throttle_wait(struct throttle *t, const struct lockout_policy *p,
    const char *key, time_t now)
{
	struct throttle_entry	*e;

	if (t == NULL)
		return LOCKOUT_HOUR;	/* fail closed */
	if ((e = lookup(t, key, NULL)) == NULL)
		return 0;
	return lockout_wait(p, &e->st, now);
}

struct lockout_state *
throttle_state(struct throttle *t, const char *key)
{
	struct throttle_entry	*e, *slot = NULL;

	if (t == NULL)
		return NULL;
	if ((e = lookup(t, key, &slot)) == NULL)
		e = slot;
	return &e->st;
}

void
throttle_fail(struct throttle *t, const struct lockout_policy *p,
    const char *key, time_t now)
{
	lockout_fail(p, throttle_state(t, key), now);
}

uint32_t
throttle_failures(struct throttle *t, const char *key)
{
	struct throttle_entry	*e;

	if (t == NULL || (e = lookup(t, key, NULL)) == NULL)
		return 0;
	return e->st.failures;
}

void
throttle_take(struct throttle *t, const char *key, uint32_t n)
{
	struct throttle_entry	*e;

	if (t == NULL || (e = lookup(t, key, NULL)) == NULL)
		return;
	e->st.failures -= n < e->st.failures ? n : e->st.failures;
	e->st.hour_count -= n < e->st.hour_count ? n : e->st.hour_count;
}

void
throttle_forget(struct throttle *t, const char *key)
{
	struct throttle_entry	*e;

	if (t != NULL && (e = lookup(t, key, NULL)) != NULL)
		explicit_bzero(e, sizeof(*e));
}

void
throttle_forget_prefix(struct throttle *t, const char *prefix)
{
	size_t	 i, n = strlen(prefix);

	for (i = 0; t != NULL && i < t->max; i++)
		if (t->e[i].used && strncmp(t->e[i].key, prefix, n) == 0)
			explicit_bzero(&t->e[i], sizeof(t->e[i]));
}

size_t
throttle_count(const struct throttle *t)
{
	size_t	 i, n = 0;

	for (i = 0; t != NULL && i < t->max; i++)
		n += t->e[i].used != 0;
	return n;
}

void
signin_keys(struct signin_attempt *at, const char *name, const char *net)
{
	strlcpy(at->net, net, sizeof(at->net));
	snprintf(at->pair, sizeof(at->pair), "%s %s", name, net);
}

void
signin_forget_account(const struct signin_limits *l, const char *name)
{
	char	 prefix[THROTTLE_KEYMAX];

	snprintf(prefix, sizeof(prefix), "%s ", name);
	throttle_forget_prefix(l->pair, prefix);
}

enum signin_gate
signin_gate(const struct signin_limits *l, const struct lockout_policy *p,
    const struct signin_attempt *at, time_t now, uint32_t *wait)
{
	if (at->device != NULL)
		return (*wait = lockout_wait(p, at->device, now)) > 0 ?
		    SIGNIN_DEVICE : SIGNIN_OPEN;
	if ((*wait = throttle_wait(l->net, &signin_net_policy, at->net,
	    now)) > 0)
		return SIGNIN_NETWORK;
	if ((*wait = throttle_wait(l->pair, p, at->pair, now)) > 0)
		return SIGNIN_PAIR;
	if ((*wait = lockout_hour_wait(at->account, now)) > 0)
		return SIGNIN_ACCOUNT;
	return SIGNIN_OPEN;
}

void
signin_record(const struct signin_limits *l, const struct lockout_policy *p,
    const struct signin_attempt *at, time_t now)
{
	if (at->device != NULL) {
		lockout_fail(p, at->device, now);
		return;
	}
	throttle_fail(l->net, &signin_net_policy, at->net, now);
	throttle_fail(l->pair, p, at->pair, now);
	lockout_fail(p, at->account, now);
}

void
signin_success(const struct signin_limits *l,
    const struct signin_attempt *at)
{
	if (at->device != NULL) {
		lockout_success(at->device);
		return;
	}
	throttle_take(l->net, at->net, throttle_failures(l->pair, at->pair));
	throttle_forget(l->pair, at->pair);
	lockout_success(at->account);
}
