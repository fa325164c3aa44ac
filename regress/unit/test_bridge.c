/*
 * smsgd/front/bridge.c: request ids, the in-flight table, the queues each way,
 * timeouts, lost peers, and one worker thread racing the main thread.
 */
#include "config.h"

#include <arpa/inet.h>

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bridge.h"
#include "tap.h"

static int	 woke[4];	/* [0] main, [1 + w] worker w */

static void
wake(int who)
{
	__atomic_add_fetch(&woke[who + 1], 1, __ATOMIC_SEQ_CST);
}

/* What the fake proc_send saw. */
static struct {
	int		 n;
	enum proc_id	 peer;
	uint32_t	 type, peerid;
	size_t		 len;
	uint8_t		 data[64];
	int		 fail;
} sent;

static int
fake_send(enum proc_id peer, struct msgbuf *mb)
{
	sent.n++;
	sent.peer = peer;
	sent.type = mb->type;
	sent.peerid = mb->peerid;
	sent.len = mb->len < sizeof(sent.data) ? mb->len : sizeof(sent.data);
	memcpy(sent.data, mb->data, sent.len);
	msg_free(mb);
	return sent.fail ? -1 : 0;
}

static int
cb_dummy(struct req *r, struct msg *m)
{
	return 0;
}

static uint32_t
ask(int worker, void *req, enum proc_id peer, uint32_t type, uint32_t v)
{
	struct msgbuf	 mb;

	msg_init(&mb, type, 0);
	msg_add_u32(&mb, v);
	return bridge_ask(worker, req, peer, &mb, cb_dummy);
}

static int
answer(enum proc_id peer, uint32_t id, uint32_t type, const char *s)
{
	struct msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.peerid = id;
	m.fd = -1;
	m.data = (const uint8_t *)s;
	m.len = strlen(s);
	return bridge_answer(peer, &m);
}

/* Drain a worker's queue; count items, failed ones, and ones for id. */
static int
drain(int worker, int *failed, uint32_t id, struct bridge_item *copy)
{
	struct bridge_queue	 q;
	struct bridge_item	*it;
	int			 n = 0;

	*failed = 0;
	bridge_take(worker, &q);
	while ((it = TAILQ_FIRST(&q)) != NULL) {
		TAILQ_REMOVE(&q, it, entry);
		n++;
		if (it->failed)
			(*failed)++;
		if (copy != NULL && it->id == id) {
			*copy = *it;
			copy->data = NULL;
			if (it->len > 0 && (copy->data = malloc(it->len)))
				memcpy(copy->data, it->data, it->len);
		}
		bridge_item_free(it);
	}
	return n;
}

static void
test_roundtrip(void)
{
	struct bridge_item	 got;
	struct req		*req = (struct req *)&got, *r2;
	bridge_cb		 cb;
	uint32_t		 id;
	int			 failed, n;

	id = ask(1, req, PROC_AUTH, MSG_AUTH_CHECK, 0x01020304);
	tap_ok(id != 0, "ask gets an id");
	tap_ok(woke[0] == 1, "the main thread is woken");
	tap_ok(bridge_inflight() == 1, "one in flight");
	bridge_outgoing(fake_send);
	tap_ok(sent.n == 1 && sent.peer == PROC_AUTH &&
	    sent.type == MSG_AUTH_CHECK && sent.peerid == id,
	    "sent to auth with the id as peerid");
	tap_ok(sent.len == 4 && sent.data[0] == 1 && sent.data[3] == 4,
	    "payload intact");
	tap_ok(answer(PROC_WEB, id, MSG_WEB_PAGE, "x") == 0,
	    "an answer from the wrong peer is dropped");
	tap_ok(answer(PROC_AUTH, id + 1, MSG_AUTH_OK, "x") == 0,
	    "an answer with an unknown id is dropped");
	tap_ok(answer(PROC_AUTH, id, MSG_AUTH_WHO, "alice") == 1,
	    "the answer is queued");
	tap_ok(woke[2] == 1 && woke[1] == 0, "only the asking worker is woken");
	memset(&got, 0, sizeof(got));
	n = drain(1, &failed, id, &got);
	tap_ok(n == 1 && failed == 0 && got.type == MSG_AUTH_WHO &&
	    got.len == 5 && got.data != NULL &&
	    memcmp(got.data, "alice", 5) == 0, "the worker gets a copy");
	free(got.data);
	tap_ok(drain(0, &failed, 0, NULL) == 0, "other worker: nothing");
	tap_ok(bridge_lookup(1, id, &r2, &cb) == 1 && r2 == req &&
	    cb == cb_dummy, "lookup finds req and callback");
	tap_ok(bridge_lookup(0, id, &r2, &cb) == 0,
	    "another worker cannot look it up");
	bridge_close(id);
	tap_ok(bridge_lookup(1, id, &r2, &cb) == 0 && bridge_inflight() == 0,
	    "closed: gone");
	tap_ok(answer(PROC_AUTH, id, MSG_AUTH_END, "") == 0,
	    "an answer after close is dropped");
}

/* Monotonic seconds just past every deadline set now. */
static time_t
later(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + BRIDGE_TIMEOUT + 1;
}

static void
test_full(void)
{
	static uint32_t	 ids[BRIDGE_MAX];
	uint32_t	 extra;
	int		 i, zero = 0, failed;

	for (i = 0; i < BRIDGE_MAX; i++)
		if ((ids[i] = ask(0, NULL, PROC_WEB, MSG_WEB_RENDER, i)) == 0)
			zero++;
	tap_ok(zero == 0 && bridge_inflight() == BRIDGE_MAX,
	    "%d questions fit", BRIDGE_MAX);
	extra = ask(0, NULL, PROC_WEB, MSG_WEB_RENDER, 0);
	tap_ok(extra == 0, "one more is refused");
	sent.n = 0;
	bridge_outgoing(fake_send);
	tap_ok(sent.n == BRIDGE_MAX, "all sent");
	bridge_close(ids[7]);
	extra = ask(0, NULL, PROC_WEB, MSG_WEB_RENDER, 0);
	tap_ok(extra != 0 && extra != ids[7], "a freed slot is reused, "
	    "with a new id");
	tap_ok(answer(PROC_WEB, ids[7], MSG_WEB_PAGE, "") == 0,
	    "the old id stays dead");
	bridge_outgoing(fake_send);
	bridge_expire(later());
	tap_ok(drain(0, &failed, 0, NULL) == BRIDGE_MAX &&
	    failed == BRIDGE_MAX, "expiry fails every question once");
	bridge_expire(later());
	tap_ok(drain(0, &failed, 0, NULL) == 0, "and only once");
	tap_ok(answer(PROC_WEB, ids[0], MSG_WEB_PAGE, "") == 0,
	    "an answer after failure is dropped");
	for (i = 0; i < BRIDGE_MAX; i++)
		bridge_close(ids[i]);
	bridge_close(extra);
	tap_ok(bridge_inflight() == 0, "table empty again");
}

static void
test_lost_and_unsent(void)
{
	uint32_t	 a, w;
	int		 failed;

	a = ask(0, NULL, PROC_AUTH, MSG_AUTH_CHECK, 1);
	w = ask(1, NULL, PROC_WEB, MSG_WEB_RENDER, 2);
	bridge_outgoing(fake_send);
	bridge_expire(0);
	tap_ok(drain(0, &failed, 0, NULL) == 0 &&
	    drain(1, &failed, 0, NULL) == 0, "nothing expires early");
	bridge_peer_lost(PROC_WEB);
	tap_ok(drain(0, &failed, 0, NULL) == 0, "losing web spares auth");
	tap_ok(drain(1, &failed, 0, NULL) == 1 && failed == 1,
	    "losing web fails its question");
	tap_ok(answer(PROC_AUTH, a, MSG_AUTH_OK, "") == 1,
	    "auth still answers");
	drain(0, &failed, 0, NULL);
	bridge_close(a);
	bridge_close(w);
	sent.fail = 1;
	a = ask(0, NULL, PROC_AUTH, MSG_AUTH_CHECK, 1);
	bridge_outgoing(fake_send);
	sent.fail = 0;
	tap_ok(drain(0, &failed, 0, NULL) == 1 && failed == 1,
	    "a question that cannot be sent fails");
	bridge_close(a);
	tap_ok(ask(5, NULL, PROC_AUTH, MSG_AUTH_CHECK, 1) == 0,
	    "no such worker: refused");
	tap_ok(bridge_inflight() == 0, "nothing leaks");
}

/* A worker asks and waits; the main thread sends and answers. */
#define RACE_N	2000
static volatile int	 race_done;

static void *
race_worker(void *arg)
{
	struct bridge_queue	 q;
	struct bridge_item	*it;
	struct req		*r;
	bridge_cb		 cb;
	int			 i, got, *bad = arg;

	for (i = 0; i < RACE_N; i++) {
		uint32_t id = ask(1, (struct req *)bad, PROC_AUTH,
		    MSG_AUTH_CHECK, i);
		if (id == 0) {
			(*bad)++;
			continue;
		}
		for (got = 0; !got; ) {
			bridge_take(1, &q);
			while ((it = TAILQ_FIRST(&q)) != NULL) {
				TAILQ_REMOVE(&q, it, entry);
				if (it->id == id && !it->failed &&
				    bridge_lookup(1, id, &r, &cb) &&
				    it->len == 4 && memcmp(it->data, &i, 4) == 0)
					got = 1;
				else
					(*bad)++;
				bridge_item_free(it);
			}
			if (!got)
				sched_yield();
		}
		bridge_close(id);
	}
	race_done = 1;
	return NULL;
}

static int
echo_send(enum proc_id peer, struct msgbuf *mb)
{
	struct msg	 m;
	uint32_t	 v;

	/* Echo the counter back in host order, as the worker checks. */
	memcpy(&v, mb->data, 4);
	v = ntohl(v);
	memset(&m, 0, sizeof(m));
	m.type = MSG_AUTH_OK;
	m.peerid = mb->peerid;
	m.fd = -1;
	m.data = (const uint8_t *)&v;
	m.len = 4;
	bridge_answer(peer, &m);
	msg_free(mb);
	return 0;
}

static void
test_race(void)
{
	pthread_t	 t;
	int		 bad = 0;

	race_done = 0;
	if (pthread_create(&t, NULL, race_worker, &bad) != 0) {
		tap_skip("cannot start a thread here");
		return;
	}
	tap_diag("racing %d questions between two threads", RACE_N);
	while (!race_done) {
		bridge_outgoing(echo_send);
		sched_yield();
	}
	pthread_join(t, NULL);
	tap_ok(bad == 0, "%d round trips across threads, none lost or "
	    "mixed up", RACE_N);
	tap_ok(bridge_inflight() == 0, "table empty after the race");
}

/*
 * The wiping free: bridge.o is linked with --wrap=free, so every free()
 * in it comes here first.  The watched copy must be all zeros by then.
 */
void	 __real_free(void *);
void	 __wrap_free(void *);
static const uint8_t	*watch;
static size_t		 watch_len;
static int		 watch_seen, watch_zero;

void
__wrap_free(void *p)
{
	size_t	 i;

	if (p != NULL && p == watch) {
		watch_seen = 1;
		watch_zero = 1;
		for (i = 0; i < watch_len; i++)
			if (watch[i] != 0)
				watch_zero = 0;
		watch = NULL;
	}
	__real_free(p);
}

static void
test_wipe(void)
{
	static const char	 secret[] = "session-token-0123456789abcdef";
	struct bridge_queue	 q;
	struct bridge_item	*it;
	uint32_t		 id;

	id = ask(0, NULL, PROC_AUTH, MSG_AUTH_LOGIN, 7);
	bridge_outgoing(fake_send);
	answer(PROC_AUTH, id, MSG_AUTH_SESSION, secret);
	bridge_take(0, &q);
	it = TAILQ_FIRST(&q);
	tap_ok(it != NULL && it->len == sizeof(secret) - 1 &&
	    memcmp(it->data, secret, it->len) == 0,
	    "an answer carrying a token reaches the worker");
	if (it == NULL)
		return;
	TAILQ_REMOVE(&q, it, entry);
	watch = it->data;
	watch_len = it->len;
	bridge_item_free(it);
	tap_ok(watch_seen && watch_zero,
	    "its copy is all zeros when it is freed");
	bridge_close(id);
}

int
main(void)
{
	tap_ok(bridge_init(0, wake) == -1, "no workers: refused");
	tap_ok(bridge_init(2, wake) == 0, "init with two workers");
	test_roundtrip();
	test_full();
	test_lost_and_unsent();
	test_race();
	test_wipe();
	return tap_done();
}
