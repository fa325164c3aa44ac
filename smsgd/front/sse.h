/*
 * Server-Sent Events streams in the front's core, on top of the
 * streamed responses of server.h and the registry of events.h.
 */
#ifndef SMSGD_SSE_H
#define SMSGD_SSE_H

#include <stddef.h>
#include <stdint.h>

struct req;

#define SSE_HELD_MAX	64		/* pushes held during a replay */
#define SSE_PENDING_MAX	(256 * 1024)	/* unread bytes before a close */

/*
 * Begin an event stream for the signed-in request r: 200
 * text/event-stream, registered under its user and session.  With
 * replay, pushes are held (and sent after) until sse_replay_done(), so
 * that the replay of what the client missed comes first and nothing is
 * sent twice.  0; -1 when the user already has event_max_per_user
 * streams (the caller answers 429); -2 on any other failure (503).
 */
int	 sse_open(struct req *, uint32_t uid, uint64_t sid, int replay);
void	 sse_replay_event(struct req *, uint64_t id, const char *name,
	    const uint8_t *, size_t);
void	 sse_replay_done(struct req *);
/* The worker's wake-up: pushes for its streams. */
void	 sse_deliver(int worker);

#endif
