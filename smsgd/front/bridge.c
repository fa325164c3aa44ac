/*
 * The bridge: request ids, the in-flight table and the cross-thread
 * queues.  See bridge.h.
 */
#include "config.h"

#include <sys/queue.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge.h"
#include "log.h"

#define SLOT(id)	(&B.slots[(id) & (BRIDGE_MAX - 1)])

struct bridge_slot {
	uint32_t	 id;		/* 0: free */
	int		 worker;
	enum proc_id	 peer;
	struct req	*req;
	bridge_cb	 cb;
	int		 failing;	/* a failure is on its way to the worker */
	time_t		 deadline;
};

static struct {
	pthread_mutex_t		 mtx;
	struct bridge_slot	 slots[BRIDGE_MAX];
	unsigned int		 inflight;
	uint32_t		 next;
	struct bridge_queue	 out;		/* to the main thread */
	struct bridge_queue	*in;		/* to each worker */
	unsigned int		 nworkers;
	void			(*wake)(int);
} B = { .mtx = PTHREAD_MUTEX_INITIALIZER };

static time_t
mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int
bridge_init(unsigned int nworkers, void (*wake)(int))
{
	unsigned int	 i;

	if (nworkers == 0 || nworkers > BRIDGE_MAXWORKERS ||
	    (B.in = calloc(nworkers, sizeof(*B.in))) == NULL)
		return -1;
	for (i = 0; i < nworkers; i++)
		TAILQ_INIT(&B.in[i]);
	TAILQ_INIT(&B.out);
	B.nworkers = nworkers;
	B.wake = wake;
	B.next = 0;
	B.inflight = 0;
	memset(B.slots, 0, sizeof(B.slots));
	return 0;
}

/*
 * Answers carry session tokens, recovery keys, TOTP secrets and codes:
 * every copy is wiped before it is freed (by hand, not freezero, so that
 * a test can watch the free).
 */
void
bridge_item_free(struct bridge_item *it)
{
	if (it == NULL)
		return;
	if (it->data != NULL) {
		explicit_bzero(it->data, it->len);
		free(it->data);
	}
	free(it);
}

/* A free slot for a new id, or NULL when the table is full.  Locked. */
static struct bridge_slot *
slot_new(void)
{
	struct bridge_slot	*s;
	unsigned int		 tries;

	if (B.inflight >= BRIDGE_MAX)
		return NULL;
	for (tries = 0; tries < BRIDGE_MAX; tries++) {
		if (++B.next == 0)
			B.next = 1;
		s = SLOT(B.next);
		if (s->id == 0) {
			s->id = B.next;
			B.inflight++;
			return s;
		}
	}
	return NULL;
}

static struct bridge_slot *
slot_find(uint32_t id)
{
	struct bridge_slot	*s = SLOT(id);

	return (id != 0 && s->id == id) ? s : NULL;
}

/*
 * Queue mb for the main thread under a new id.  mb is consumed either way
 * (as proc_send does).  Returns the id, or 0 when too many are in flight.
 */
uint32_t
bridge_ask(int worker, struct req *req, enum proc_id peer,
    struct msgbuf *mb, bridge_cb cb)
{
	struct bridge_slot	*s;
	struct bridge_item	*it;
	uint32_t		 id = 0;

	if (mb->err || worker < 0 || (unsigned int)worker >= B.nworkers ||
	    (it = calloc(1, sizeof(*it))) == NULL) {
		msg_free(mb);
		return 0;
	}
	pthread_mutex_lock(&B.mtx);
	if ((s = slot_new()) != NULL) {
		s->worker = worker;
		s->peer = peer;
		s->req = req;
		s->cb = cb;
		s->failing = 0;
		s->deadline = mono() + BRIDGE_TIMEOUT;
		id = s->id;
		it->id = id;
		it->peer = peer;
		it->type = mb->type;
		it->data = mb->data;	/* the buffer changes hands */
		it->len = mb->len;
		mb->data = NULL;
		TAILQ_INSERT_TAIL(&B.out, it, entry);
	}
	pthread_mutex_unlock(&B.mtx);
	if (id == 0) {
		free(it);
		msg_free(mb);
		return 0;
	}
	msg_free(mb);
	if (B.wake != NULL)
		B.wake(BRIDGE_MAIN);
	return id;
}

/* Move everything queued for this worker into q. */
void
bridge_take(int worker, struct bridge_queue *q)
{
	TAILQ_INIT(q);
	if (worker < 0 || (unsigned int)worker >= B.nworkers)
		return;
	pthread_mutex_lock(&B.mtx);
	TAILQ_CONCAT(q, &B.in[worker], entry);
	pthread_mutex_unlock(&B.mtx);
}

/* Whose question an answer belongs to; 0 if it is no longer wanted. */
int
bridge_lookup(int worker, uint32_t id, struct req **req, bridge_cb *cb)
{
	struct bridge_slot	*s;
	int			 found = 0;

	pthread_mutex_lock(&B.mtx);
	if ((s = slot_find(id)) != NULL && s->worker == worker) {
		*req = s->req;
		*cb = s->cb;
		found = 1;
	}
	pthread_mutex_unlock(&B.mtx);
	return found;
}

/* The asker is done with id: later answers are dropped. */
void
bridge_close(uint32_t id)
{
	struct bridge_slot	*s;

	pthread_mutex_lock(&B.mtx);
	if ((s = slot_find(id)) != NULL) {
		memset(s, 0, sizeof(*s));
		B.inflight--;
	}
	pthread_mutex_unlock(&B.mtx);
}

unsigned int
bridge_inflight(void)
{
	unsigned int	 n;

	pthread_mutex_lock(&B.mtx);
	n = B.inflight;
	pthread_mutex_unlock(&B.mtx);
	return n;
}

/* Queue an item for a slot's worker.  Locked; the caller wakes. */
static void
to_worker(struct bridge_slot *s, struct bridge_item *it)
{
	it->id = s->id;
	it->peer = s->peer;
	TAILQ_INSERT_TAIL(&B.in[s->worker], it, entry);
}

/*
 * Tell a slot's worker that no answer will come.  Locked.  Without
 * memory for the notice the slot stays as it is and its deadline fails
 * it on a later tick.
 */
static int
slot_fail(struct bridge_slot *s)
{
	struct bridge_item	*it;

	if (s->failing)
		return -1;
	if ((it = calloc(1, sizeof(*it))) == NULL) {
		log_warnx("bridge: out of memory, a failure waits");
		return -1;
	}
	it->failed = 1;
	s->failing = 1;
	to_worker(s, it);
	return s->worker;
}

/* Main thread: fail every slot matching peer (or expired, if peer < 0). */
static void
fail_where(int peer, time_t now)
{
	unsigned int	 i, w;
	uint32_t	 woke = 0;	/* a bit per worker */
	int		 r;

	pthread_mutex_lock(&B.mtx);
	for (i = 0; i < BRIDGE_MAX && B.inflight > 0; i++) {
		struct bridge_slot	*s = &B.slots[i];

		if (s->id == 0 || s->failing)
			continue;
		if (peer >= 0 ? (int)s->peer != peer : s->deadline > now)
			continue;
		if ((r = slot_fail(s)) >= 0)
			woke |= 1U << r;
	}
	pthread_mutex_unlock(&B.mtx);
	for (w = 0; w < B.nworkers; w++)
		if ((woke & (1U << w)) && B.wake != NULL)
			B.wake(w);
}

void
bridge_expire(time_t now)
{
	fail_where(-1, now);
}

void
bridge_peer_lost(enum proc_id peer)
{
	fail_where(peer, 0);
}

/* Main thread: send every queued question; one that fails is failed. */
void
bridge_outgoing(int (*send)(enum proc_id, struct msgbuf *))
{
	struct bridge_queue	 q;
	struct bridge_item	*it;
	struct bridge_slot	*s;
	struct msgbuf		 mb;
	enum proc_id		 peer;
	int			 w;

	TAILQ_INIT(&q);
	pthread_mutex_lock(&B.mtx);
	TAILQ_CONCAT(&q, &B.out, entry);
	pthread_mutex_unlock(&B.mtx);
	while ((it = TAILQ_FIRST(&q)) != NULL) {
		TAILQ_REMOVE(&q, it, entry);
		memset(&mb, 0, sizeof(mb));
		mb.type = it->type;
		mb.peerid = it->id;
		mb.fd = -1;
		mb.data = it->data;
		mb.len = mb.cap = it->len;
		peer = it->peer;
		it->data = NULL;
		bridge_item_free(it);
		if (send(peer, &mb) == 0)
			continue;
		w = -1;
		pthread_mutex_lock(&B.mtx);
		if ((s = slot_find(mb.peerid)) != NULL)
			w = slot_fail(s);
		pthread_mutex_unlock(&B.mtx);
		if (w >= 0 && B.wake != NULL)
			B.wake(w);
	}
}

/*
 * Main thread: an answer from peer.  Copied to the asking worker's queue;
 * 0 when nobody waits for it any more (timed out, or the client left).
 */
int
bridge_answer(enum proc_id peer, const struct msg *m)
{
	struct bridge_slot	*s;
	struct bridge_item	*it;
	int			 w = -1;

	if ((it = calloc(1, sizeof(*it))) == NULL ||
	    (m->len > 0 && (it->data = malloc(m->len)) == NULL)) {
		/* Dropped: the asker fails at its deadline, nothing crashes. */
		log_warnx("bridge: out of memory, %s dropped",
		    msg_type_name(m->type));
		free(it);
		return 0;
	}
	if (m->len > 0)
		memcpy(it->data, m->data, m->len);
	it->len = m->len;
	it->type = m->type;
	pthread_mutex_lock(&B.mtx);
	if ((s = slot_find(m->peerid)) != NULL && s->peer == peer &&
	    !s->failing) {
		to_worker(s, it);
		w = s->worker;
	}
	pthread_mutex_unlock(&B.mtx);
	if (w < 0) {
		bridge_item_free(it);
		return 0;
	}
	if (B.wake != NULL)
		B.wake(w);
	return 1;
}
