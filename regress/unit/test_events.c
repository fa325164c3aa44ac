/*
 * smsgd/front/events.c: the registry of live event streams (by user and
 * session, with a cap per user), the queues to the workers, and the
 * Server-Sent Events framing.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "tap.h"

static int	 woke[3];

static void
wake(int w)
{
	woke[w]++;
}

/* The items queued for a worker: how many, for which streams. */
static int
take(int worker, uint64_t key, int *for_key, int *closes, char *data,
    size_t datasz)
{
	struct ev_queue	 q;
	struct ev_item	*it;
	int		 n = 0;

	*for_key = *closes = 0;
	events_take(worker, &q);
	while ((it = TAILQ_FIRST(&q)) != NULL) {
		TAILQ_REMOVE(&q, it, entry);
		n++;
		if (it->key == key) {
			(*for_key)++;
			if (data != NULL && it->len < datasz) {
				memcpy(data, it->data, it->len);
				data[it->len] = '\0';
			}
		}
		if (it->kind == EV_CLOSE)
			(*closes)++;
		ev_item_free(it);
	}
	return n;
}

static int	 watch_arg;

static void
watch_ended(void *arg)
{
}

/* A download's watch: no slot, no events, only its session's end. */
static void
test_watch(void)
{
	uint64_t	 s1, w1, w2;
	void		*arg = NULL;
	int		 fk, cl;

	s1 = events_register(0, 9, 300, &watch_arg, 1);
	w1 = events_watch(0, 9, 300, watch_ended, &watch_arg);
	w2 = events_watch(1, 9, 301, watch_ended, &watch_arg);
	tap_ok(s1 != 0 && w1 != 0 && w2 != 0 && events_count(9) == 1,
	    "watches take no stream's slot (a cap of 1, one stream, two "
	    "watches)");
	tap_ok(events_watch(0, 9, 0, watch_ended, &watch_arg) == 0,
	    "a watch needs a session");
	tap_ok(events_owner(0, w1) == NULL &&
	    events_watched(0, s1, &arg) == NULL &&
	    events_watched(1, w1, &arg) == NULL,
	    "a watch is no stream's owner, a stream no watch, each on its "
	    "own worker");
	events_push(9, 0, 46, "message", (const uint8_t *)"z", 1);
	tap_ok(take(0, s1, &fk, &cl, NULL, 0) == 1 &&
	    take(1, w2, &fk, &cl, NULL, 0) == 0, "events go to the stream, "
	    "never to a watch");
	events_session_end(300);
	tap_ok(take(0, w1, &fk, &cl, NULL, 0) == 2 && cl == 2 &&
	    events_watched(0, w1, &arg) == watch_ended && arg == &watch_arg,
	    "the session's end reaches its stream and its watch, whose "
	    "callback is found");
	tap_ok(take(1, w2, &fk, &cl, NULL, 0) == 0,
	    "... and not another session's watch");
	events_unregister(w1);
	events_unregister(w2);
	events_unregister(s1);
	tap_ok(events_watched(0, w1, &arg) == NULL && events_count(9) == 0,
	    "unregistered: gone");
}

static void
test_registry(void)
{
	int		 owner_a, owner_b;
	uint64_t	 a1, a2, a3, b1;
	int		 fk, cl, n;
	char		 data[64];

	tap_ok(events_init(0, wake) == -1, "no workers: refused");
	tap_ok(events_init(2, wake) == 0, "init with two workers");
	a1 = events_register(0, 7, 100, &owner_a, 2);
	a2 = events_register(1, 7, 101, &owner_b, 2);
	b1 = events_register(0, 8, 200, &owner_b, 2);
	tap_ok(a1 != 0 && a2 != 0 && b1 != 0 && a1 != a2 && a2 != b1,
	    "three streams, distinct keys");
	a3 = events_register(0, 7, 102, &owner_a, 2);
	tap_ok(a3 == 0, "a third stream for user 7 over a cap of 2: refused");
	tap_ok(events_count(7) == 2 && events_count(8) == 1,
	    "counted per user");
	tap_ok(events_owner(0, a1) == &owner_a && events_owner(1, a1) == NULL,
	    "the owner is found on its own worker only");

	events_push(7, 0, 42, "notice", (const uint8_t *)"hello", 5);
	tap_ok(woke[0] == 1 && woke[1] == 1, "both workers of user 7 woken");
	n = take(0, a1, &fk, &cl, data, sizeof(data));
	tap_ok(n == 1 && fk == 1 && strcmp(data, "hello") == 0,
	    "user 7's first stream gets the event");
	n = take(1, a2, &fk, &cl, NULL, 0);
	tap_ok(n == 1 && fk == 1, "user 7's second stream gets it too");
	tap_ok(take(0, b1, &fk, &cl, NULL, 0) == 0,
	    "user 8's stream gets nothing");

	events_push(7, 101, 43, "notice", (const uint8_t *)"x", 1);
	tap_ok(take(0, a1, &fk, &cl, NULL, 0) == 0 &&
	    take(1, a2, &fk, &cl, NULL, 0) == 1 && fk == 1,
	    "an event for one session reaches that session only");
	events_push(7, 0, 44, "Bad Name", (const uint8_t *)"x", 1);
	tap_ok(take(0, a1, &fk, &cl, NULL, 0) == 0,
	    "an event with a malformed name is dropped");

	events_session_end(101);
	tap_ok(take(1, a2, &fk, &cl, NULL, 0) == 1 && cl == 1 && fk == 1,
	    "a session's end closes its stream");
	tap_ok(take(0, a1, &fk, &cl, NULL, 0) == 0,
	    "... and no other");

	events_unregister(a2);
	tap_ok(events_count(7) == 1 && events_owner(1, a2) == NULL,
	    "unregistered: gone");
	a3 = events_register(0, 7, 102, &owner_a, 2);
	tap_ok(a3 != 0 && a3 > b1, "room again under the cap; keys not reused");
	events_push(7, 0, 45, "notice", (const uint8_t *)"y", 1);
	events_unregister(a3);
	n = take(0, a3, &fk, &cl, NULL, 0);
	tap_ok(n == 2 && events_owner(0, a3) == NULL,
	    "an item for a stream that closed meanwhile finds no owner");
	events_unregister(a1);
	events_unregister(b1);
	tap_ok(events_count(7) == 0 && events_count(8) == 0, "all gone");
	test_watch();
}

static void
test_frame(void)
{
	char	 out[256];
	size_t	 n;

	n = sse_frame(out, sizeof(out), 12, "notice",
	    (const uint8_t *)"{\"a\": 1}", 8);
	tap_ok(n == strlen(out) && strcmp(out, "id: 12\nevent: notice\n"
	    "data: {\"a\": 1}\n\n") == 0, "one line of data");
	n = sse_frame(out, sizeof(out), 13, "message",
	    (const uint8_t *)"a\nb\r\nc\rd", 8);
	tap_ok(n > 0 && strcmp(out, "id: 13\nevent: message\ndata: a\n"
	    "data: b\ndata: c\ndata: d\n\n") == 0,
	    "LF, CRLF and CR each end a data line: no injected field");
	n = sse_frame(out, sizeof(out), 14, "x", (const uint8_t *)
	    "\nid: 99\nevent: forged", 21);
	tap_ok(n > 0 && strstr(out, "\nid: 99") == NULL &&
	    strstr(out, "data: id: 99\n") != NULL,
	    "data cannot forge an id or an event");
	tap_ok(sse_frame(out, sizeof(out), 1, "bad\nname",
	    (const uint8_t *)"x", 1) == 0, "a name with a newline: refused");
	tap_ok(sse_frame(out, sizeof(out), 1, "", (const uint8_t *)"x", 1) ==
	    0, "an empty name: refused");
	tap_ok(sse_frame(out, 30, 1, "notice",
	    (const uint8_t *)"0123456789012345678901234567890", 31) == 0,
	    "too long for the buffer: refused, not cut");
	n = sse_frame(out, sizeof(out), 2, "notice", NULL, 0);
	tap_ok(n > 0 && strcmp(out, "id: 2\nevent: notice\ndata: \n\n") == 0,
	    "empty data: one empty data line");
}

int
main(void)
{
	(void)tap_skip;
	(void)tap_diag;
	test_registry();
	test_frame();
	return tap_done();
}
