/*
 * The log flusher (see flusher.h).  A flush of the log takes one
 * fdatasync, which on a busy disk is tens of milliseconds: done in the
 * main loop it held up every request behind it, reads and upload steps
 * included, and a send's four steps could each wait for someone else's
 * flush.  Here the main loop commits without waiting (DB_TXN_NOSYNC) and
 * this thread flushes; Berkeley DB lets transactions commit into the log
 * buffer while a flush is under way.  The thread touches nothing but the
 * environment's log and its own state.
 *
 * A second thread makes the checkpoints (storedb_checkpoint: after a log
 * file's worth of changes, or five minutes), which write the cache's
 * changed pages to the database files and let the old log go; on its own
 * thread a checkpoint holds up neither requests nor flushes.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "flusher.h"
#include "log.h"
#include "storedb.h"

#define CHECKPOINT_EVERY	10	/* seconds between looks */

static struct {
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cv;		/* work for the flusher, or its end */
	pthread_cond_t	 ckcv;		/* the checkpoints' end */
	pthread_cond_t	 idle;		/* a thread started or went idle */
	int		 started;	/* threads in their loops */
	int		 want;		/* a flush asked for */
	int		 busy;		/* a flush or checkpoint under way */
	int		 stop;
	int		 result;
	struct event	*ev;		/* a flush is done */
	void		(*done)(int);
} F = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
	PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0,
	NULL, NULL
};

static void *
flusher_thread(void *arg)
{
	int	 r;

	pthread_mutex_lock(&F.mtx);
	F.started++;
	pthread_cond_broadcast(&F.idle);
	for (;;) {
		while (!F.want && !F.stop)
			pthread_cond_wait(&F.cv, &F.mtx);
		if (F.stop)
			break;
		F.want = 0;
		F.busy++;
		pthread_mutex_unlock(&F.mtx);
		r = storedb_flush();
		pthread_mutex_lock(&F.mtx);
		F.result = r;
		F.busy--;
		pthread_cond_broadcast(&F.idle);
		event_active(F.ev, EV_READ, 0);
	}
	pthread_mutex_unlock(&F.mtx);
	return NULL;
}

static void *
checkpoint_thread(void *arg)
{
	struct timespec	 until;

	pthread_mutex_lock(&F.mtx);
	F.started++;
	pthread_cond_broadcast(&F.idle);
	while (!F.stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += CHECKPOINT_EVERY;
		while (!F.stop &&
		    pthread_cond_timedwait(&F.ckcv, &F.mtx, &until) == 0)
			;
		if (F.stop)
			break;
		F.busy++;
		pthread_mutex_unlock(&F.mtx);
		storedb_checkpoint();
		pthread_mutex_lock(&F.mtx);
		F.busy--;
		pthread_cond_broadcast(&F.idle);
	}
	pthread_mutex_unlock(&F.mtx);
	return NULL;
}

/* Main loop: the flush asked for is done. */
static void
flusher_done(evutil_socket_t fd, short what, void *arg)
{
	int	 r;

	pthread_mutex_lock(&F.mtx);
	r = F.result;
	pthread_mutex_unlock(&F.mtx);
	F.done(r);
}

void
flusher_init(struct event_base *base, void (*done)(int))
{
	F.done = done;
	if ((F.ev = event_new(base, -1, 0, flusher_done, NULL)) == NULL)
		fatalx("flusher: event_new");
}

/* From the role's threads hook: inside Landlock, before seccomp. */
void
flusher_start(void)
{
	void		*(*fn[])(void *) = { flusher_thread, checkpoint_thread };
	pthread_t	 t;
	size_t		 i;
	int		 r;

	for (i = 0; i < sizeof(fn) / sizeof(fn[0]); i++) {
		if ((r = pthread_create(&t, NULL, fn[i], NULL)) != 0)
			fatalx("flusher: pthread_create: %s", strerror(r));
		pthread_detach(t);
	}
	/* their first system calls (rseq, set_robust_list) before seccomp */
	pthread_mutex_lock(&F.mtx);
	while (F.started < (int)i)
		pthread_cond_wait(&F.idle, &F.mtx);
	pthread_mutex_unlock(&F.mtx);
}

int
flusher_running(void)
{
	int	 r;

	pthread_mutex_lock(&F.mtx);
	r = F.started && !F.stop;
	pthread_mutex_unlock(&F.mtx);
	return r;
}

/* Main loop: flush; the caller has none under way. */
void
flusher_request(void)
{
	pthread_mutex_lock(&F.mtx);
	F.want = 1;
	pthread_cond_signal(&F.cv);
	pthread_mutex_unlock(&F.mtx);
}

/*
 * No flush or checkpoint under way, and none after this: the environment
 * may close.
 */
void
flusher_stop(void)
{
	pthread_mutex_lock(&F.mtx);
	F.stop = 1;
	pthread_cond_signal(&F.cv);
	pthread_cond_signal(&F.ckcv);
	while (F.busy)
		pthread_cond_wait(&F.idle, &F.mtx);
	pthread_mutex_unlock(&F.mtx);
}
