/*
 * Group commit for the store's answers (see reply.h).  The first change
 * of a turn makes an event active; libevent runs it after the callbacks
 * already running, so every request read in the same pass shares the
 * flush it starts.  The flush runs on the flusher's thread (flusher.c)
 * while the loop goes on: changes made meanwhile wait for the next one,
 * which starts as soon as this one is done.  Every answer carries the
 * number of the flush that covers everything changed before it, and goes
 * once that flush is done, in order.  Without the thread (before it
 * starts, or in a test) the flush runs at the end of the turn.
 */
#include "config.h"

#include <sys/queue.h>

#include <event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "flusher.h"
#include "log.h"
#include "proc.h"
#include "reply.h"
#include "storedb.h"

struct waiting {
	TAILQ_ENTRY(waiting)	 entry;
	enum proc_id		 to;
	uint64_t		 flush;		/* the one it waits for */
	struct msgbuf		 mb;
};

static TAILQ_HEAD(, waiting)	 waitq = TAILQ_HEAD_INITIALIZER(waitq);
static struct event		*flush_ev;
static int			 dirty;		/* changed since the last began */
static int			 inflight;	/* on the flusher's thread */
static uint64_t			 begun;		/* flushes begun, numbered */
static uint64_t			 flight;	/* the one on the thread */
static uint64_t			 durable;	/* the last one done */
static uint64_t			 nflushes;
static uint64_t			 event_seq;

static void
send_or_log(enum proc_id to, struct msgbuf *mb)
{
	if (mb->err)
		fatalx("building %s", msg_type_name(mb->type));
	if (proc_send(to, mb) == -1)
		log_warn("answering %s", proc_name(to));
}

/* The flush that makes every change so far durable. */
static uint64_t
covering(void)
{
	return dirty ? begun + 1 : begun;
}

/* Answers whose flush is done go, in order. */
static void
release(void)
{
	struct waiting	*w;

	while ((w = TAILQ_FIRST(&waitq)) != NULL && w->flush <= durable) {
		TAILQ_REMOVE(&waitq, w, entry);
		send_or_log(w->to, &w->mb);
		free(w);
	}
}

static void
flushed(int r, uint64_t which)
{
	/* an answer must never claim what the disk does not hold */
	if (r == -1)
		fatalx("the message log cannot be written");
	nflushes++;
	if (which > durable)
		durable = which;
	release();
}

static void	begin_flush(void);

/* The flusher's thread is done with its flush. */
static void
flusher_done_cb(int r)
{
	inflight = 0;
	flushed(r, flight);
	begin_flush();
}

static void
begin_flush(void)
{
	if (!dirty || inflight)
		return;
	dirty = 0;
	begun++;
	if (flusher_running()) {
		inflight = 1;
		flight = begun;
		flusher_request();
		return;
	}
	flushed(storedb_flush(), begun);
}

/* Everything changed so far goes to the disk, now; then the answers go. */
void
reply_flush_now(void)
{
	if (dirty || inflight) {
		if (dirty)
			begun++;
		dirty = 0;
		flushed(storedb_flush(), begun);
	}
	release();
}

static void
flush_cb(evutil_socket_t fd, short what, void *arg)
{
	begin_flush();
}

void
reply_init(struct event_base *base)
{
	if ((flush_ev = event_new(base, -1, 0, flush_cb, NULL)) == NULL)
		fatalx("event_new");
	flusher_init(base, flusher_done_cb);
	/* event ids go up across restarts: they start at the clock */
	event_seq = (uint64_t)time(NULL) << 32;
}

/* A request changed the database: answers wait for the next flush. */
void
reply_dirty(void)
{
	if (!dirty)
		event_active(flush_ev, EV_TIMEOUT, 0);
	dirty = 1;
}

void
reply_queue(enum proc_id to, struct msgbuf *mb)
{
	struct waiting	*w;

	if (covering() <= durable && TAILQ_EMPTY(&waitq)) {
		send_or_log(to, mb);
		return;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal(NULL);
	w->to = to;
	w->flush = covering();
	w->mb = *mb;
	TAILQ_INSERT_TAIL(&waitq, w, entry);
}

uint64_t
reply_flushes(void)
{
	return nflushes;
}

uint64_t
reply_flushes_begun(void)
{
	return begun;
}

static const char *
store_err_text(int code)
{
	static const char *text[STORE_E_MAX] = {
		[STORE_E_OK] = "ok",
		[STORE_E_BADREQ] = "This request is not valid.",
		[STORE_E_NOTFOUND] = "No such message.",
		[STORE_E_LOCKED] = "This message is locked until its unlock "
		    "time.",
		[STORE_E_LIMIT] = "This message is over a size or count limit.",
		[STORE_E_QUOTA] = "Your storage quota is full: delete messages "
		    "or wait for them to expire.",
		[STORE_E_BLOCKED] = "A recipient does not accept your messages.",
		[STORE_E_STATE] = "This upload is not open.",
		[STORE_E_BUSY] = "Too many messages are being sent at once; "
		    "try again in a moment.",
		[STORE_E_INTERNAL] = "The message store failed; try again "
		    "later.",
	};

	return code > 0 && code < STORE_E_MAX ? text[code] :
	    text[STORE_E_INTERNAL];
}

/* STORE_OK, or STORE_FAIL with text, to the asker (the front, or auth). */
static void
answer_to(enum proc_id to, uint32_t peerid, int code, uint64_t detail,
    const char *text)
{
	struct msgbuf	 mb;

	if (code == STORE_E_OK) {
		msg_init(&mb, MSG_STORE_OK, peerid);
		reply_queue(to, &mb);
		return;
	}
	msg_init(&mb, MSG_STORE_FAIL, peerid);
	msg_add_u32(&mb, (uint32_t)code);
	msg_add_u64(&mb, detail);
	msg_add_string(&mb, text != NULL ? text : store_err_text(code));
	reply_queue(to, &mb);
}

void
store_fail(uint32_t peerid, int code, uint64_t detail)
{
	answer_to(PROC_FRONT, peerid, code, detail, NULL);
}

/* A failure in words of the caller's, where the table's say too little. */
void
store_fail_text(uint32_t peerid, int code, uint64_t detail, const char *text)
{
	answer_to(PROC_FRONT, peerid, code, detail, text);
}

void
store_ok(uint32_t peerid)
{
	answer_to(PROC_FRONT, peerid, STORE_E_OK, 0, NULL);
}

void
store_answer(uint32_t peerid, int rv)
{
	answer_to(PROC_FRONT, peerid, rv, 0, NULL);
}

/* After a change that must be durable: the answer waits for the flush. */
void
store_changed_to(enum proc_id to, uint32_t peerid, int rv)
{
	if (rv == STORE_E_OK)
		reply_dirty();
	answer_to(to, peerid, rv, 0, NULL);
}

void
store_changed(uint32_t peerid, int rv)
{
	store_changed_to(PROC_FRONT, peerid, rv);
}

/* A live event for every session of uid; after the flush, like answers. */
void
store_push(uint32_t uid, const char *event, const char *data)
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_PUSH_EVENT, 0);
	msg_add_u32(&mb, uid);
	msg_add_u64(&mb, 0);
	/*
	 * Ids in the form of auth's (seconds << 32, then a count), so a
	 * client's Last-Event-ID, whichever sent it, tells auth from when
	 * to replay.
	 */
	if (++event_seq < (uint64_t)time(NULL) << 32)
		event_seq = (uint64_t)time(NULL) << 32;
	msg_add_u64(&mb, event_seq);
	msg_add_string(&mb, event);
	msg_add_string(&mb, data);
	reply_queue(PROC_FRONT, &mb);
}
