/*
 * GET /events (cookie session) and GET /api/v1/events (bearer): the
 * signed-in user's live event stream (sse.c), with what the client
 * missed replayed by auth when it comes back with Last-Event-ID.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "events.h"
#include "log.h"
#include "sse.h"

#define LAST_ID_DIGITS	20

/* AUTH_REPLAY_EVENT...: u64 id, string event, string data; AUTH_END. */
static int
on_replay(struct req *r, struct msg *m)
{
	struct msgcur	 cur;
	uint64_t	 id;
	char		 name[EV_NAME_MAX];
	const uint8_t	*data;
	size_t		 len;

	if (m == NULL || m->type != MSG_AUTH_REPLAY_EVENT) {
		/* The end, or no replay to be had: live events go on. */
		if (m != NULL && m->type != MSG_AUTH_END &&
		    m->type != MSG_AUTH_FAIL)
			fatalx("unexpected %s for a replay",
			    msg_type_name(m->type));
		sse_replay_done(r);
		return 0;
	}
	msg_cursor(m, &cur);
	msg_get_u64(&cur, &id);
	msg_get_string(&cur, name, sizeof(name));
	msg_get_bytes(&cur, &data, &len, EV_DATA_MAX);
	if (msg_get_end(&cur) == -1)
		fatalx("malformed AUTH_REPLAY_EVENT from auth");
	sse_replay_event(r, id, name, data, len);
	return 1;
}

/* Last-Event-ID: decimal digits; -1 when malformed, 0 when absent. */
static int
last_event_id(const struct http_request *h, uint64_t *id)
{
	const char	*v = http_header(h, "last-event-id");
	size_t		 n;

	*id = 0;
	if (v == NULL || *v == '\0')
		return 0;
	n = strspn(v, "0123456789");
	if (n == 0 || n > LAST_ID_DIGITS || v[n] != '\0')
		return -1;
	*id = strtoull(v, NULL, 10);
	return 1;
}

void
app_events(struct app_req *ar)
{
	struct msgbuf	 mb;
	uint64_t	 after;
	int		 replay, rc;

	/* HEAD: the head of a stream, and no stream to hold a slot. */
	if (ar->h->method == HTTP_HEAD) {
		if (req_begin(ar->r, 200, "text/event-stream; charset=utf-8",
		    -1) == 0)
			req_end(ar->r);
		return;
	}
	if ((replay = last_event_id(ar->h, &after)) == -1) {
		app_fail(ar, 400, "bad_request",
		    "Last-Event-ID must be an event id.");
		return;
	}
	if ((rc = sse_open(ar->r, ar->who.uid, ar->who.sid, replay)) == -1) {
		log_info("user %s: too many event streams", ar->who.name);
		app_fail(ar, 429, "too_many_streams", "Too many live "
		    "event streams are open for this account; close one.");
		return;
	}
	if (rc == -2) {
		app_fail(ar, 503, "unavailable",
		    "Live events are not available right now.");
		return;
	}
	if (!replay)
		return;
	ask_prefix(ar, &mb, MSG_AUTH_REPLAY);
	msg_add_u64(&mb, after);
	if (req_ask(ar->r, PROC_AUTH, &mb, on_replay) == -1)
		sse_replay_done(ar->r);
}
