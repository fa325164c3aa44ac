/*
 * The hashing threads.  Two queues under one mutex: jobs to do, and jobs
 * done.  A thread that finishes a job activates an event; libevent (with
 * its thread support on, see proc_child_main) wakes the main loop, which
 * runs the done callbacks.  The threads touch nothing but the job.
 *
 * The main thread alone also keeps every job in flight on a list of its
 * own, for the fair shares: submitting and reaping both happen there.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "hashpool.h"
#include "log.h"

TAILQ_HEAD(hashjobq, hashjob);

static struct {
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cond;
	struct hashjobq	 todo;
	struct hashjobq	 done;
	size_t		 ntodo;
	size_t		 inflight;	/* queued, running or done-unreaped */
	unsigned int	 nthreads;
	unsigned int	 started;	/* threads that reached their loop */
	pthread_cond_t	 startcv;
	struct event	*ev;
} H = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	TAILQ_HEAD_INITIALIZER(H.todo), TAILQ_HEAD_INITIALIZER(H.done),
	0, 0, 0, 0, PTHREAD_COND_INITIALIZER, NULL
};

static struct hashjobq	 flight = TAILQ_HEAD_INITIALIZER(flight);

void
hashjob_clear(struct hashjob *j)
{
	explicit_bzero(j, sizeof(*j));
}

static void
hashjob_run(struct hashjob *j)
{
	switch (j->kind) {
	case HASHJOB_VERIFY:
		j->result = pwhash_verify(j->stored, j->pw, j->pwlen, j->kek);
		break;
	case HASHJOB_CREATE:
		j->result = pwhash_create(&j->params, j->pw, j->pwlen,
		    j->stored, sizeof(j->stored), j->kek);
		break;
	default:
		j->result = -1;
	}
	/* The password is not needed past this point. */
	explicit_bzero(j->pw, sizeof(j->pw));
	j->pwlen = 0;
}

static void *
hashpool_thread(void *arg)
{
	struct hashjob	*j;

	pthread_mutex_lock(&H.mtx);
	H.started++;
	pthread_cond_signal(&H.startcv);
	pthread_mutex_unlock(&H.mtx);
	for (;;) {
		pthread_mutex_lock(&H.mtx);
		while ((j = TAILQ_FIRST(&H.todo)) == NULL)
			pthread_cond_wait(&H.cond, &H.mtx);
		TAILQ_REMOVE(&H.todo, j, entry);
		H.ntodo--;
		pthread_mutex_unlock(&H.mtx);

		hashjob_run(j);

		pthread_mutex_lock(&H.mtx);
		TAILQ_INSERT_TAIL(&H.done, j, entry);
		pthread_mutex_unlock(&H.mtx);
		event_active(H.ev, EV_READ, 0);
	}
	return NULL;
}

/* Main thread: finish every job that is done. */
static void
hashpool_reap(evutil_socket_t fd, short what, void *arg)
{
	struct hashjob	*j;

	for (;;) {
		pthread_mutex_lock(&H.mtx);
		if ((j = TAILQ_FIRST(&H.done)) != NULL) {
			TAILQ_REMOVE(&H.done, j, entry);
			H.inflight--;
		}
		pthread_mutex_unlock(&H.mtx);
		if (j == NULL)
			break;
		TAILQ_REMOVE(&flight, j, flight);
		j->done(j);
	}
}

/* Before the sandbox: n threads, 0 for one per online CPU (at most 8). */
void
hashpool_init(struct event_base *base, unsigned int n)
{
	long	 ncpu;

	if (n == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		n = ncpu < 1 ? 1 : (unsigned int)ncpu;
	}
	H.nthreads = n > HASHPOOL_MAXTHREADS ? HASHPOOL_MAXTHREADS : n;
	if ((H.ev = event_new(base, -1, 0, hashpool_reap, NULL)) == NULL)
		fatalx("hashpool: event_new");
}

/* From the role's threads hook: inside Landlock, before seccomp. */
void
hashpool_start(void)
{
	pthread_t	 t;
	unsigned int	 i;
	int		 r;

	for (i = 0; i < H.nthreads; i++) {
		if ((r = pthread_create(&t, NULL, hashpool_thread, NULL)) != 0)
			fatalx("hashpool: pthread_create: %s", strerror(r));
		pthread_detach(t);
	}
	/*
	 * A new thread makes a few system calls of its own as it starts
	 * (rseq, set_robust_list); seccomp, which follows, must not see
	 * them.  So wait until every thread is in its loop.
	 */
	pthread_mutex_lock(&H.mtx);
	while (H.started < H.nthreads)
		pthread_cond_wait(&H.startcv, &H.mtx);
	pthread_mutex_unlock(&H.mtx);
	log_debug("%u hashing threads", H.nthreads);
}

/* Jobs in flight with this user (user) or this address (!user). */
static size_t
hashpool_share(const char *key, int user)
{
	struct hashjob	*j;
	size_t		 n = 0;

	TAILQ_FOREACH(j, &flight, flight)
		if (strcmp(user ? j->user : j->addr, key) == 0)
			n++;
	return n;
}

/*
 * Would a job for user and addr ("" for none) be queued now?  Main
 * thread.  HASHPOOL_OK, HASHPOOL_SHARE when that user or address has its
 * share in flight, HASHPOOL_FULL when the queue is full.
 */
int
hashpool_room(const char *user, const char *addr)
{
	size_t	 n;

	if ((user[0] != '\0' && hashpool_share(user, 1) >= HASHPOOL_PER_USER) ||
	    (addr[0] != '\0' && hashpool_share(addr, 0) >= HASHPOOL_PER_ADDR))
		return HASHPOOL_SHARE;
	pthread_mutex_lock(&H.mtx);
	n = H.nthreads > 0 ? H.inflight : HASHPOOL_QUEUE;
	pthread_mutex_unlock(&H.mtx);
	return n < HASHPOOL_QUEUE ? HASHPOOL_OK : HASHPOOL_FULL;
}

/*
 * Queue j (main thread); its done callback runs later on the main
 * thread.  As hashpool_room for j's user and address.
 */
int
hashpool_submit(struct hashjob *j)
{
	int	 r;

	if ((r = hashpool_room(j->user, j->addr)) != HASHPOOL_OK)
		return r;
	r = HASHPOOL_FULL;
	pthread_mutex_lock(&H.mtx);
	if (H.nthreads > 0 && H.inflight < HASHPOOL_QUEUE) {
		TAILQ_INSERT_TAIL(&H.todo, j, entry);
		H.ntodo++;
		H.inflight++;
		pthread_cond_signal(&H.cond);
		r = HASHPOOL_OK;
	}
	pthread_mutex_unlock(&H.mtx);
	if (r == HASHPOOL_OK)
		TAILQ_INSERT_TAIL(&flight, j, flight);
	return r;
}

size_t
hashpool_pending(void)
{
	size_t	 n;

	pthread_mutex_lock(&H.mtx);
	n = H.inflight;
	pthread_mutex_unlock(&H.mtx);
	return n;
}
