/*
 * The live event registry and its queues.  See events.h.
 */
#include "config.h"

/* libbsd leaves __unused undefined; its tree.h marks functions with it. */
#ifndef __unused
#define __unused	__attribute__((unused))
#endif

#include <sys/queue.h>
#include <sys/tree.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"

struct ev_stream {
	RB_ENTRY(ev_stream) entry;
	uint32_t	 uid;
	uint64_t	 key;
	uint64_t	 sid;
	int		 worker;
	void		*owner;
	ev_ended_cb	 ended;		/* a watch (events_watch), not a stream */
};

static int
stream_cmp(const struct ev_stream *a, const struct ev_stream *b)
{
	if (a->uid != b->uid)
		return a->uid < b->uid ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return 0;
}

RB_HEAD(ev_tree, ev_stream);
RB_GENERATE_STATIC(ev_tree, ev_stream, entry, stream_cmp)

/* By key alone, for unregister and lookups from the workers. */
struct ev_key {
	RB_ENTRY(ev_key) entry;
	struct ev_stream *s;
};

static int
key_cmp(const struct ev_key *a, const struct ev_key *b)
{
	if (a->s->key != b->s->key)
		return a->s->key < b->s->key ? -1 : 1;
	return 0;
}

RB_HEAD(ev_keys, ev_key);
RB_GENERATE_STATIC(ev_keys, ev_key, entry, key_cmp)

static struct {
	pthread_mutex_t	 mtx;
	struct ev_tree	 byuser;
	struct ev_keys	 bykey;
	uint64_t	 next;
	struct ev_queue	*in;		/* per worker */
	unsigned int	 queued;
	unsigned int	 nworkers;
	void		(*wake)(int);
} E = { .mtx = PTHREAD_MUTEX_INITIALIZER };

int
events_init(unsigned int nworkers, void (*wake)(int))
{
	unsigned int	 i;

	if (nworkers == 0 || nworkers > EV_MAXWORKERS ||
	    (E.in = calloc(nworkers, sizeof(*E.in))) == NULL)
		return -1;
	for (i = 0; i < nworkers; i++)
		TAILQ_INIT(&E.in[i]);
	RB_INIT(&E.byuser);
	RB_INIT(&E.bykey);
	E.nworkers = nworkers;
	E.wake = wake;
	return 0;
}

/* Locked. */
static unsigned int
count_locked(uint32_t uid)
{
	struct ev_stream	 find, *s;
	unsigned int		 n = 0;

	find.uid = uid;
	find.key = 0;
	for (s = RB_NFIND(ev_tree, &E.byuser, &find);
	    s != NULL && s->uid == uid; s = RB_NEXT(ev_tree, &E.byuser, s))
		n += s->ended == NULL;
	return n;
}

static struct ev_key *
key_find(uint64_t key)
{
	struct ev_stream	 s;
	struct ev_key		 k;

	s.key = key;
	k.s = &s;
	return RB_FIND(ev_keys, &E.bykey, &k);
}

/* A stream, or a watch when ended is set: its key, 0, or -1. */
static uint64_t
add_stream(int worker, uint32_t uid, uint64_t sid, void *owner,
    unsigned int max, ev_ended_cb ended)
{
	struct ev_stream	*s;
	struct ev_key		*k;
	uint64_t		 key = 0;

	if (worker < 0 || (unsigned int)worker >= E.nworkers)
		return (uint64_t)-1;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (k = calloc(1, sizeof(*k))) == NULL) {
		free(s);
		return (uint64_t)-1;
	}
	pthread_mutex_lock(&E.mtx);
	if (ended != NULL || count_locked(uid) < max) {
		key = ++E.next;
		s->uid = uid;
		s->sid = sid;
		s->key = key;
		s->worker = worker;
		s->owner = owner;
		s->ended = ended;
		k->s = s;
		RB_INSERT(ev_tree, &E.byuser, s);
		RB_INSERT(ev_keys, &E.bykey, k);
	}
	pthread_mutex_unlock(&E.mtx);
	if (key == 0) {
		free(s);
		free(k);
	}
	return key;
}

uint64_t
events_register(int worker, uint32_t uid, uint64_t sid, void *owner,
    unsigned int max)
{
	return add_stream(worker, uid, sid, owner, max, NULL);
}

uint64_t
events_watch(int worker, uint32_t uid, uint64_t sid, ev_ended_cb ended,
    void *arg)
{
	uint64_t	 key;

	if (ended == NULL || sid == 0)
		return 0;
	key = add_stream(worker, uid, sid, arg, 0, ended);
	return key == (uint64_t)-1 ? 0 : key;
}

ev_ended_cb
events_watched(int worker, uint64_t key, void **arg)
{
	struct ev_key	*k;
	ev_ended_cb	 cb = NULL;

	pthread_mutex_lock(&E.mtx);
	if ((k = key_find(key)) != NULL && k->s->worker == worker &&
	    k->s->ended != NULL) {
		cb = k->s->ended;
		*arg = k->s->owner;
	}
	pthread_mutex_unlock(&E.mtx);
	return cb;
}

void
events_unregister(uint64_t key)
{
	struct ev_key	*k;

	pthread_mutex_lock(&E.mtx);
	if ((k = key_find(key)) != NULL) {
		RB_REMOVE(ev_keys, &E.bykey, k);
		RB_REMOVE(ev_tree, &E.byuser, k->s);
		free(k->s);
		free(k);
	}
	pthread_mutex_unlock(&E.mtx);
}

void *
events_owner(int worker, uint64_t key)
{
	struct ev_key	*k;
	void		*owner = NULL;

	pthread_mutex_lock(&E.mtx);
	if ((k = key_find(key)) != NULL && k->s->worker == worker &&
	    k->s->ended == NULL)
		owner = k->s->owner;
	pthread_mutex_unlock(&E.mtx);
	return owner;
}

unsigned int
events_count(uint32_t uid)
{
	unsigned int	 n;

	pthread_mutex_lock(&E.mtx);
	n = count_locked(uid);
	pthread_mutex_unlock(&E.mtx);
	return n;
}

void
events_take(int worker, struct ev_queue *q)
{
	struct ev_item	*it;

	TAILQ_INIT(q);
	if (worker < 0 || (unsigned int)worker >= E.nworkers)
		return;
	pthread_mutex_lock(&E.mtx);
	TAILQ_CONCAT(q, &E.in[worker], entry);
	TAILQ_FOREACH(it, q, entry)
		E.queued--;
	pthread_mutex_unlock(&E.mtx);
}

void
ev_item_free(struct ev_item *it)
{
	if (it == NULL)
		return;
	if (it->data != NULL)
		freezero(it->data, it->len);
	free(it);
}

/*
 * A copy of an item for one stream, queued for its worker.  Locked.
 * Past EV_QUEUE_MAX the event is dropped for that stream, which is then
 * closed instead: its client reconnects with Last-Event-ID and misses
 * nothing.
 */
static int
queue_locked(const struct ev_stream *s, enum ev_kind kind, uint64_t id,
    const char *name, const uint8_t *data, size_t len)
{
	struct ev_item	*it;

	if ((it = calloc(1, sizeof(*it))) == NULL)
		return -1;
	if (E.queued >= EV_QUEUE_MAX && kind == EV_EVENT)
		kind = EV_CLOSE;
	it->key = s->key;
	it->kind = kind;
	it->id = id;
	if (kind == EV_EVENT) {
		strlcpy(it->name, name, sizeof(it->name));
		if (len > 0 && (it->data = malloc(len)) == NULL) {
			free(it);
			return -1;
		}
		if (len > 0)
			memcpy(it->data, data, len);
		it->len = len;
	}
	TAILQ_INSERT_TAIL(&E.in[s->worker], it, entry);
	E.queued++;
	return s->worker;
}

static void
wake_all(uint32_t woke)
{
	unsigned int	 w;

	for (w = 0; w < E.nworkers; w++)
		if ((woke & (1U << w)) && E.wake != NULL)
			E.wake(w);
}

void
events_push(uint32_t uid, uint64_t sid, uint64_t id, const char *name,
    const uint8_t *data, size_t len)
{
	struct ev_stream	 find, *s;
	uint32_t		 woke = 0;
	int			 w;

	if (!sse_name_valid(name) || len > EV_DATA_MAX)
		return;
	find.uid = uid;
	find.key = 0;
	pthread_mutex_lock(&E.mtx);
	for (s = RB_NFIND(ev_tree, &E.byuser, &find);
	    s != NULL && s->uid == uid; s = RB_NEXT(ev_tree, &E.byuser, s)) {
		if ((sid != 0 && s->sid != sid) || s->ended != NULL)
			continue;	/* a watch only hears its session end */
		if ((w = queue_locked(s, EV_EVENT, id, name, data, len)) >= 0)
			woke |= 1U << w;
	}
	pthread_mutex_unlock(&E.mtx);
	wake_all(woke);
}

void
events_session_end(uint64_t sid)
{
	struct ev_stream	*s;
	uint32_t		 woke = 0;
	int			 w;

	pthread_mutex_lock(&E.mtx);
	RB_FOREACH(s, ev_tree, &E.byuser)
		if (s->sid == sid &&
		    (w = queue_locked(s, EV_CLOSE, 0, NULL, NULL, 0)) >= 0)
			woke |= 1U << w;
	pthread_mutex_unlock(&E.mtx);
	wake_all(woke);
}

int
sse_name_valid(const char *name)
{
	size_t	 n;

	if (name == NULL)
		return 0;
	n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_");
	return n > 0 && n < EV_NAME_MAX && name[n] == '\0';
}

size_t
sse_frame(char *out, size_t outsz, uint64_t id, const char *name,
    const uint8_t *data, size_t len)
{
	size_t	 n, i, start;
	int	 w;

	if (!sse_name_valid(name))
		return 0;
	w = snprintf(out, outsz, "id: %llu\nevent: %s\n",
	    (unsigned long long)id, name);
	if (w < 0 || (size_t)w >= outsz)
		return 0;
	n = w;
	for (start = 0, i = 0; i <= len; i++) {
		if (i < len && data[i] != '\r' && data[i] != '\n' &&
		    data[i] != '\0')
			continue;
		/* "data: " + the line + "\n", and the final "\n" + NUL */
		if (n + 6 + (i - start) + 1 + 2 > outsz)
			return 0;
		memcpy(out + n, "data: ", 6);
		if (i > start)	/* data may be NULL when len is 0 */
			memcpy(out + n + 6, data + start, i - start);
		n += 6 + (i - start);
		out[n++] = '\n';
		if (i + 1 < len && data[i] == '\r' && data[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	out[n++] = '\n';
	out[n] = '\0';
	return n;
}
