/*
 * Live events: the registry of open event streams by user and session,
 * the queues that carry pushes from the main thread (which receives them
 * from auth and store) to the worker that owns each stream, and the
 * Server-Sent Events framing.
 *
 * Pure code (a mutex, no sockets), so that it can be tested alone.  A
 * stream is known by a key (u64, never 0, never reused); its owner (the
 * worker's request) is only ever touched on its own worker, which looks
 * the key up again before each use: a stream that closed in between is
 * simply not found.
 */
#ifndef SMSG_EVENTS_H
#define SMSG_EVENTS_H

#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>

#define EV_NAME_MAX	32	/* an event name: [a-z0-9_] */
#define EV_DATA_MAX	4096	/* an event's data */
#define EV_QUEUE_MAX	65536	/* items waiting for the workers, in all */
#define EV_MAXWORKERS	32

enum ev_kind { EV_EVENT, EV_CLOSE };

struct ev_item {
	TAILQ_ENTRY(ev_item) entry;
	uint64_t	 key;		/* the stream */
	enum ev_kind	 kind;
	uint64_t	 id;
	char		 name[EV_NAME_MAX];
	uint8_t		*data;
	size_t		 len;
};
TAILQ_HEAD(ev_queue, ev_item);

int	 events_init(unsigned int nworkers, void (*wake)(int));

/* Worker side. */
/* A new stream's key; 0 when the user has max streams already (or -1). */
uint64_t events_register(int worker, uint32_t uid, uint64_t sid,
	    void *owner, unsigned int max);
void	 events_unregister(uint64_t key);
/*
 * A request that outlives its start (a download) and must end with its
 * session: a key as a stream's (events_unregister), not counted among
 * the user's streams and given no events; when the session ends, its
 * worker calls ended(arg) (sse_deliver).  0 when it cannot be kept.
 */
typedef void (*ev_ended_cb)(void *);
uint64_t events_watch(int worker, uint32_t uid, uint64_t sid,
	    ev_ended_cb ended, void *arg);
/* A watch of this worker: its callback, and *arg; NULL if none. */
ev_ended_cb events_watched(int worker, uint64_t key, void **arg);
/* The owner of a stream of this worker, or NULL when it is gone. */
void	*events_owner(int worker, uint64_t key);
void	 events_take(int worker, struct ev_queue *);
void	 ev_item_free(struct ev_item *);

/* Main side: queue for the worker of every matching stream; wake them. */
void	 events_push(uint32_t uid, uint64_t sid, uint64_t id,
	    const char *name, const uint8_t *data, size_t len);
void	 events_session_end(uint64_t sid);
unsigned int events_count(uint32_t uid);

/* 1 if a name may be an event's: 1 to EV_NAME_MAX-1 of [a-z0-9_]. */
int	 sse_name_valid(const char *);
/*
 * One event as text/event-stream: "id:", "event:", and one "data:" line
 * per line of data (CR, LF and CRLF all end a line), then an empty
 * line.  The length, or 0 when it does not fit out or the name is bad.
 */
size_t	 sse_frame(char *out, size_t outsz, uint64_t id, const char *name,
	    const uint8_t *data, size_t len);

#endif
