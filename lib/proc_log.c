/*
 * The log channel: a child's log lines travel to the parent over the
 * child's channel (fd 3) as MSG_LOG, and the parent writes them to syslog
 * or stderr.  No child holds a syslog socket, and a restarted syslogd
 * loses nothing.
 *
 * Until the event loop owns the channel (start-up), each line is written
 * at once.  Afterwards the main thread sends its lines through the
 * channel's queue, and other threads (the front's workers, auth's hashing
 * threads) put theirs in a bounded queue that the main loop empties: a
 * full queue drops the line and counts it, a worker never waits for the
 * parent.  A fatal error, from any thread, writes everything out at once
 * (bounded in time) before the process exits.
 *
 * One mutex guards the queue and every write to a channel of this
 * process (proc.c takes it around its channel writes), so a line written
 * at once never lands in the middle of another message.
 */
#include "config.h"

#include <errno.h>
#include <event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "proc.h"

#define PLOG_QLEN	128	/* lines waiting for the main loop */
#define PLOG_LAST_MS	1000	/* the most a fatal error waits for the parent */

struct plog_line {
	uint8_t		 pri;
	char		 text[LOG_MAXLINE];
};

static struct {
	pthread_mutex_t	 mtx;
	struct chan	 early;		/* fd 3 until the event loop has it */
	struct chan	*chan;		/* the parent's channel in the loop */
	struct event	*wake;
	pthread_t	 main;
	int		 started;	/* this is a child with a log channel */
	int		 gone;		/* the parent's channel is closed */
	int		 sending;	/* the main thread is sending lines */
	struct plog_line q[PLOG_QLEN];
	unsigned int	 head, n;
	unsigned int	 dropped;
} L = { .mtx = PTHREAD_MUTEX_INITIALIZER };

void
proc_log_lock(void)
{
	pthread_mutex_lock(&L.mtx);
}

void
proc_log_unlock(void)
{
	pthread_mutex_unlock(&L.mtx);
}

static void
plog_message(struct msgbuf *mb, int pri, const char *text)
{
	msg_init(mb, MSG_LOG, 0);
	msg_add_u8(mb, pri);
	msg_add_string(mb, text);
}

/* Called with the lock held. */
static void
plog_enqueue(int pri, const char *text)
{
	struct plog_line	*l;

	if (L.n == PLOG_QLEN) {
		L.dropped++;
		return;
	}
	l = &L.q[(L.head + L.n++) % PLOG_QLEN];
	l->pri = pri;
	strlcpy(l->text, text, sizeof(l->text));
}

/* Called with the lock held; 0 when the queue is empty. */
static int
plog_dequeue(struct plog_line *out)
{
	if (L.dropped > 0) {
		out->pri = LOG_WARNING;
		snprintf(out->text, sizeof(out->text), "log queue full: %u "
		    "lines dropped", L.dropped);
		L.dropped = 0;
		return 1;
	}
	if (L.n == 0)
		return 0;
	*out = L.q[L.head];
	explicit_bzero(&L.q[L.head], sizeof(L.q[L.head]));
	L.head = (L.head + 1) % PLOG_QLEN;
	L.n--;
	return 1;
}

/*
 * Main thread: send what is queued through the parent's channel.  A line
 * logged while sending (a failed write says so) waits in the queue; at
 * most one queue's worth per call, the rest on the next loop turn.
 */
static void
plog_drain(int fd, short ev, void *arg)
{
	struct plog_line	 line;
	struct msgbuf		 mb;
	int			 i, more;

	if (L.sending)
		return;
	L.sending = 1;
	for (i = 0; i < PLOG_QLEN + 1; i++) {
		proc_log_lock();
		more = plog_dequeue(&line);
		proc_log_unlock();
		if (!more)
			break;
		plog_message(&mb, line.pri, line.text);
		proc_send(PROC_PARENT, &mb);
	}
	explicit_bzero(&line, sizeof(line));
	L.sending = 0;
	proc_log_lock();
	more = L.n > 0 || L.dropped > 0;
	proc_log_unlock();
	if (more)
		event_active(L.wake, EV_TIMEOUT, 0);
}

/* Everything queued, then the last line, out now: the process is ending. */
static void
plog_last_words(int pri, const char *text)
{
	struct plog_line	 line;
	struct msgbuf		 mb;
	struct chan		*c;

	proc_log_lock();
	if (L.gone) {
		proc_log_unlock();
		return;
	}
	c = L.chan != NULL ? L.chan : &L.early;
	while (L.chan != NULL && plog_dequeue(&line)) {
		plog_message(&mb, line.pri, line.text);
		chan_send(c, &mb);
	}
	if (text != NULL) {
		plog_message(&mb, pri, text);
		chan_send(c, &mb);
	}
	chan_flushnow(c, PLOG_LAST_MS);
	proc_log_unlock();
}

static void
plog_atexit(void)
{
	plog_last_words(0, NULL);
}

static void
plog_sink(int pri, const char *text, int last)
{
	struct msgbuf	 mb;

	if (last) {
		plog_last_words(pri, text);
		return;
	}
	proc_log_lock();
	if (L.gone) {
		proc_log_unlock();
		return;
	}
	if (L.chan == NULL) {
		plog_message(&mb, pri, text);
		chan_sendnow(&L.early, &mb, PLOG_LAST_MS);
		proc_log_unlock();
		return;
	}
	plog_enqueue(pri, text);
	proc_log_unlock();
	if (pthread_equal(pthread_self(), L.main))
		plog_drain(-1, 0, NULL);
	else
		event_active(L.wake, EV_TIMEOUT, 0);
}

/* A child, first thing: its lines go to the parent over fd. */
void
proc_log_start(int fd)
{
	if (chan_init(&L.early, fd, MAXMSG_PEER, 0) == -1)
		abort();
	L.started = 1;
	log_setsink(plog_sink);
	atexit(plog_atexit);
}

/*
 * The event loop now owns the parent's channel c (proc_attach, before
 * HELLO), in the thread that runs the loop.
 */
void
proc_log_attach(struct event_base *base, struct chan *c)
{
	if (!L.started)
		return;
	proc_log_lock();
	if ((L.wake = event_new(base, -1, 0, plog_drain, NULL)) == NULL)
		abort();
	chan_flushnow(&L.early, PLOG_LAST_MS);
	L.early.fd = -1;
	chan_clear(&L.early);
	L.chan = c;
	L.main = pthread_self();
	proc_log_unlock();
}

/* The parent's channel is closing (called with the lock held). */
void
proc_log_detach(void)
{
	if (!L.started)
		return;
	L.chan = NULL;
	L.gone = 1;
}
