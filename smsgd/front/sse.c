/*
 * Event streams: registration, heartbeats, pushes written as they come,
 * the replay after a reconnect, and the close when the session ends.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "events.h"
#include "log.h"
#include "server_impl.h"
#include "sse.h"

#define SSE_FRAME_MAX	(EV_DATA_MAX * 2 + 128)
/*
 * Only auth's notices are replayed (from its activity log), so only they
 * can come twice, replayed and pushed.  Their ids are auth's; the store
 * numbers its events on its own, so an id of one compared with an id of
 * the other says nothing: a store event after a notice was once dropped
 * as "already sent".
 */
#define SSE_REPLAYED	"notice"

struct sse {
	struct req	*r;
	uint64_t	 key;
	uint64_t	 last_notice;	/* highest notice id sent */
	int		 replaying;
	int		 closed;
	struct ev_queue	 held;
	unsigned int	 nheld;
	struct event	*hb;
};

static void
sse_free(void *arg)
{
	struct sse	*s = arg;
	struct ev_item	*it;

	if (s->key != 0)
		events_unregister(s->key);
	if (s->hb != NULL)
		event_free(s->hb);
	while ((it = TAILQ_FIRST(&s->held)) != NULL) {
		TAILQ_REMOVE(&s->held, it, entry);
		ev_item_free(it);
	}
	free(s);
}

/* The stream ends; the client may come back with Last-Event-ID. */
static void
sse_close(struct sse *s)
{
	if (s->closed)
		return;
	s->closed = 1;
	if (s->hb != NULL)
		evtimer_del(s->hb);
	req_close_after(s->r);
	req_end(s->r);
}

static void
sse_write(struct sse *s, const void *p, size_t len)
{
	if (s->closed)
		return;
	/* A client that reads nothing is not buffered for without end. */
	if (req_pending(s->r) > SSE_PENDING_MAX ||
	    req_write(s->r, p, len) == -1)
		sse_close(s);
}

static void
sse_event(struct sse *s, uint64_t id, const char *name, const uint8_t *data,
    size_t len)
{
	char	 frame[SSE_FRAME_MAX];
	size_t	 n;
	int	 replayed = strcmp(name, SSE_REPLAYED) == 0;

	if (replayed && id <= s->last_notice)
		return;		/* already sent (replay and push overlap) */
	if ((n = sse_frame(frame, sizeof(frame), id, name, data, len)) == 0) {
		log_warnx("event %s (%zu bytes) not framed", name, len);
		return;
	}
	if (replayed)
		s->last_notice = id;
	sse_write(s, frame, n);
	explicit_bzero(frame, n);
}

static void
sse_heartbeat(int fd, short what, void *arg)
{
	static const char	 hb[] = ": heartbeat\n\n";
	struct sse		*s = arg;

	sse_write(s, hb, sizeof(hb) - 1);
}

int
sse_open(struct req *r, uint32_t uid, uint64_t sid, int replay)
{
	static const char	 hello[] = ": smsg events\nretry: 3000\n\n";
	struct timeval		 tv = { front_conf.event_heartbeat, 0 };
	struct sse		*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -2;
	TAILQ_INIT(&s->held);
	s->r = r;
	s->replaying = replay;
	s->key = events_register(req_worker_id(r), uid, sid, s,
	    front_conf.event_max_per_user);
	if (s->key == 0 || s->key == (uint64_t)-1) {
		int	 full = s->key == 0;

		s->key = 0;
		sse_free(s);
		return full ? -1 : -2;
	}
	if ((s->hb = event_new(req_base(r), -1, EV_PERSIST, sse_heartbeat,
	    s)) == NULL || event_add(s->hb, &tv) == -1) {
		sse_free(s);
		return -2;
	}
	req_set_core_data(r, s, sse_free);
	req_header(r, "X-Accel-Buffering", "no");
	if (req_begin(r, 200, "text/event-stream; charset=utf-8", -1) == -1)
		return -2;
	sse_write(s, hello, sizeof(hello) - 1);
	return 0;
}

void
sse_replay_event(struct req *r, uint64_t id, const char *name,
    const uint8_t *data, size_t len)
{
	struct sse	*s = req_core_data(r);

	if (s != NULL && s->replaying)
		sse_event(s, id, name, data, len);
}

void
sse_replay_done(struct req *r)
{
	struct sse	*s = req_core_data(r);
	struct ev_item	*it;

	if (s == NULL || !s->replaying)
		return;
	s->replaying = 0;
	while ((it = TAILQ_FIRST(&s->held)) != NULL) {
		TAILQ_REMOVE(&s->held, it, entry);
		sse_event(s, it->id, it->name, it->data, it->len);
		ev_item_free(it);
		s->nheld--;
	}
}

void
sse_deliver(int worker)
{
	struct ev_queue	 q;
	struct ev_item	*it;
	struct sse	*s;
	ev_ended_cb	 ended;
	void		*arg;

	events_take(worker, &q);
	while ((it = TAILQ_FIRST(&q)) != NULL) {
		TAILQ_REMOVE(&q, it, entry);
		if (it->kind == EV_CLOSE &&
		    (ended = events_watched(worker, it->key, &arg)) != NULL) {
			ev_item_free(it);
			ended(arg);	/* a download whose session ended */
			continue;
		}
		if ((s = events_owner(worker, it->key)) == NULL) {
			ev_item_free(it);
			continue;
		}
		if (it->kind == EV_CLOSE)
			sse_close(s);
		else if (s->replaying && s->nheld < SSE_HELD_MAX) {
			TAILQ_INSERT_TAIL(&s->held, it, entry);
			s->nheld++;
			continue;
		} else if (s->replaying)
			sse_close(s);	/* too much to hold: come back */
		else
			sse_event(s, it->id, it->name, it->data, it->len);
		ev_item_free(it);
	}
}
