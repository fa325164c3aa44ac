/*
 * The runner's batching (lib/proc.c), on real socketpairs and a real
 * event loop: a peer's channel hands at most PROC_MAXBATCH messages to
 * dispatch per loop turn, so a second peer's message is not kept waiting
 * behind a flood from the first; everything still arrives once, in
 * order; and what one turn sends to a peer leaves in one write.
 *
 * The process here is the parent; its peers are the front and the store,
 * played by raw channels over SOCK_SEQPACKET pairs, where one record is
 * one write.
 */
#include "config.h"

#include <sys/socket.h>

#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "tap.h"

#define FLOOD	(3 * PROC_MAXBATCH + 5)
#define TURNS	100		/* bound on the loop turns of one test */

static struct {
	int		 front, store;	/* messages dispatched from each */
	int		 turn_front;	/* from the front in this turn */
	int		 store_at;	/* front messages before the store's */
	uint32_t	 next;		/* the front's next sequence number */
	int		 inorder;
	int		 answer;	/* answer each front message */
} D;

static void
test_dispatch(enum proc_id from, struct msg *m)
{
	struct msgbuf	 mb;

	if (from == PROC_FRONT)
		D.turn_front++;		/* every message counts */
	if (m->type == MSG_HELLO) {
		proc_check_hello(from, m);
		proc_mark_up(from);
		return;
	}
	if (m->type != MSG_READY)
		return;
	if (from == PROC_STORE) {
		D.store++;
		D.store_at = D.front;
		return;
	}
	if (m->peerid != D.next++)
		D.inorder = 0;
	D.front++;
	if (D.answer) {
		msg_init(&mb, MSG_LOG_VERBOSE, 0);
		msg_add_u8(&mb, 0);
		if (proc_send(PROC_FRONT, &mb) == -1)
			D.inorder = 0;
	}
}

static void
mkseqpair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1) {
		printf("Bail out! socketpair\n");
		exit(1);
	}
}

/* What a child writes: its HELLO, then n READYs numbered 0.. in one write. */
static void
child_writes(struct chan *c, enum proc_id self, int n)
{
	struct msgbuf	 mb;
	int		 i;

	msg_init(&mb, MSG_HELLO, 0);
	msg_add_u32(&mb, SMSG_PROTO_VERSION);
	msg_add_string(&mb, PACKAGE_VERSION);
	msg_add_u32(&mb, self);
	chan_send(c, &mb);
	for (i = 0; i < n; i++) {
		msg_init(&mb, MSG_READY, i);
		chan_send(c, &mb);
	}
	if (chan_flushnow(c, 5000) != 0) {
		printf("Bail out! writing as a child\n");
		exit(1);
	}
}

static void
test_budget(struct event_base *base, struct chan *front, struct chan *store)
{
	int	 turn, maxturn = 0, first = 0;

	child_writes(front, PROC_FRONT, FLOOD);
	child_writes(store, PROC_STORE, 1);
	for (turn = 0; turn < TURNS && (D.front < FLOOD || D.store < 1);
	    turn++) {
		D.turn_front = 0;
		event_base_loop(base, EVLOOP_ONCE);
		if (turn == 0)
			first = D.turn_front;
		if (D.turn_front > maxturn)
			maxturn = D.turn_front;
	}
	tap_ok(first == PROC_MAXBATCH, "budget: the first turn took %d of "
	    "the front's %d messages and HELLO (%d)", PROC_MAXBATCH, FLOOD,
	    first);
	tap_ok(maxturn <= PROC_MAXBATCH, "budget: no turn took more than %d "
	    "(%d)", PROC_MAXBATCH, maxturn);
	tap_ok(D.front == FLOOD && D.inorder, "budget: all %d arrived once, in "
	    "order, over %d turns", D.front, turn);
	tap_ok(D.store == 1 && D.store_at < FLOOD, "budget: the store's "
	    "message did not wait for the flood (after %d of %d)", D.store_at,
	    FLOOD);
}

/* What one turn sends to a peer leaves in one write. */
static void
test_one_write(struct event_base *base, struct chan *front)
{
	struct msg	 m;
	ssize_t		 n;
	int		 turn, records = 0, msgs = 0, first = 0;

	D.answer = 1;
	D.front = 0;
	D.next = 0;
	child_writes(front, PROC_FRONT, 10);
	for (turn = 0; turn < TURNS && D.front < 10; turn++)
		event_base_loop(base, EVLOOP_ONCE);
	/* each record read is one write of the parent's */
	while ((n = chan_read(front)) > 0) {
		records++;
		while (chan_get(front, &m) == 1) {
			if (m.type == MSG_LOG_VERBOSE)
				msgs++;
		}
		if (records == 1)
			first = msgs;
	}
	tap_ok(D.front == 10 && msgs == 10, "one write: ten answers came "
	    "(%d)", msgs);
	tap_ok(records == 1 && first == 10, "one write: all ten in one "
	    "write (%d writes)", records);
}

int
main(void)
{
	struct event_base	*base;
	struct chan		 front, store;
	int			 fsv[2], ssv[2];

	log_init(1, 0);
	if ((base = event_base_new()) == NULL)
		return 1;
	mkseqpair(fsv);
	mkseqpair(ssv);
	D.inorder = 1;
	proc_init(PROC_PARENT, base, test_dispatch, NULL);
	proc_attach(PROC_FRONT, fsv[0]);
	proc_attach(PROC_STORE, ssv[0]);
	if (chan_init(&front, fsv[1], MAXMSG_PEER, 0) == -1 ||
	    chan_init(&store, ssv[1], MAXMSG_PEER, 0) == -1 ||
	    fcntl(fsv[1], F_SETFL, O_NONBLOCK) == -1)
		return 1;
	test_budget(base, &front, &store);
	test_one_write(base, &front);
	chan_clear(&front);
	chan_clear(&store);
	(void)tap_diag;
	(void)tap_skip;
	return tap_done();
}
