/*
 * smsg-store's request handlers on a real environment, with the process
 * layer replaced by a recorder: the answers on the wire, who gets a key,
 * and group commit (a send is answered only after the log flush, and one
 * flush serves every send of an event-loop turn).
 */
#include "config.h"

#include <event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flusher.h"
#include "handlers.h"
#include "msgcrypt.h"
#include "proc.h"
#include "reply.h"
#include "storedb.h"
#include "tap.h"

#define ALICE	21
#define BOB	22
#define CAROL	23
#define MAXSENT	64

static struct sent {
	enum proc_id	 to;
	uint32_t	 type;
	uint32_t	 peerid;
	uint8_t		 data[MC_SEALED_MAX + 64];
	size_t		 len;
	uint64_t	 flushes;	/* log flushes before it went */
} sent[MAXSENT];
static int		 nsent;
static struct event_base *base;

/* The test double of the process layer: record what would be sent. */
int
proc_send(enum proc_id to, struct msgbuf *mb)
{
	if (nsent < MAXSENT && mb->len <= sizeof(sent[0].data)) {
		sent[nsent].to = to;
		sent[nsent].type = mb->type;
		sent[nsent].peerid = mb->peerid;
		if (mb->len > 0)	/* an empty message has no data */
			memcpy(sent[nsent].data, mb->data, mb->len);
		sent[nsent].len = mb->len;
		sent[nsent].flushes = reply_flushes();
		nsent++;
	}
	msg_free(mb);
	return 0;
}

static void
request(struct msgbuf *mb, enum proc_id from, void (*fn)(struct sreq *))
{
	struct msg	 m;
	struct sreq	 r;

	memset(&m, 0, sizeof(m));
	m.type = mb->type;
	m.peerid = mb->peerid;
	/* as a channel gives it: never NULL, even when empty */
	m.data = mb->data != NULL ? mb->data : (const uint8_t *)"";
	m.len = mb->len;
	m.fd = -1;
	memset(&r, 0, sizeof(r));
	r.from = from;
	r.type = mb->type;
	r.peerid = mb->peerid;
	r.now = (uint64_t)time(NULL);
	msg_cursor(&m, &r.cur);
	fn(&r);
	msg_free(mb);
}

static void
turn_ends(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
}

static const struct sent *
last(void)
{
	return nsent > 0 ? &sent[nsent - 1] : NULL;
}

static uint32_t
fail_code(const struct sent *s)
{
	return s->type == MSG_STORE_FAIL ? (uint32_t)s->data[0] << 24 |
	    s->data[1] << 16 | s->data[2] << 8 | s->data[3] : 0;
}

static void
begin(uint32_t peerid, uint64_t unlock, uint8_t id[MC_IDLEN])
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_STORE_UPLOAD_BEGIN, peerid);
	msg_add_u32(&mb, ALICE);
	msg_add_u64(&mb, unlock);
	msg_add_u64(&mb, 0);
	msg_add_u32(&mb, 0);
	msg_add_u32(&mb, 1);
	msg_add_u32(&mb, BOB);
	request(&mb, PROC_FRONT, h_upload_begin);
	if (last() != NULL && last()->type == MSG_STORE_UPLOADING)
		memcpy(id, last()->data, MC_IDLEN);
}

static void
chunk(uint32_t peerid, const uint8_t id[MC_IDLEN], uint32_t stream,
    size_t len)
{
	struct msgbuf	 mb;
	uint8_t		 data[64];

	memset(data, 0x33, sizeof(data));
	msg_init(&mb, MSG_STORE_UPLOAD_CHUNK, peerid);
	msg_add_u32(&mb, ALICE);
	msg_add_fixed(&mb, id, MC_IDLEN);
	msg_add_u32(&mb, stream);
	msg_add_u64(&mb, 0);
	msg_add_u8(&mb, 1);
	msg_add_bytes(&mb, data, len);
	request(&mb, PROC_FRONT, h_upload_chunk);
}

static void
commit(uint32_t peerid, const uint8_t id[MC_IDLEN])
{
	struct msgbuf	 mb;
	uint8_t		 fill[MC_WRAPLEN];

	msg_init(&mb, MSG_STORE_UPLOAD_COMMIT, peerid);
	msg_add_u32(&mb, ALICE);
	msg_add_fixed(&mb, id, MC_IDLEN);
	msg_add_u32(&mb, 2);
	msg_add_u64(&mb, 40);
	msg_add_u64(&mb, 60);
	memset(fill, 0x44, sizeof(fill));
	msg_add_fixed(&mb, fill, MC_DIGESTLEN);
	msg_add_fixed(&mb, fill, MC_SIGLEN);
	msg_add_u32(&mb, 2);
	msg_add_u32(&mb, ALICE);
	memset(fill, 0xa0, sizeof(fill));
	msg_add_fixed(&mb, fill, MC_WRAPLEN);
	msg_add_u32(&mb, BOB);
	memset(fill, 0xb0, sizeof(fill));
	msg_add_fixed(&mb, fill, MC_WRAPLEN);
	request(&mb, PROC_FRONT, h_upload_commit);
}

static void
upload(uint32_t peerid, uint64_t unlock, uint8_t id[MC_IDLEN])
{
	begin(peerid, unlock, id);
	chunk(peerid, id, 0, 40);
	chunk(peerid, id, 1, 60);
	commit(peerid, id);
}

static void
get(uint32_t peerid, uint32_t uid, const uint8_t id[MC_IDLEN])
{
	struct msgbuf	 mb;

	msg_init(&mb, MSG_STORE_GET, peerid);
	msg_add_u32(&mb, uid);
	msg_add_fixed(&mb, id, MC_IDLEN);
	request(&mb, PROC_FRONT, h_get);
}

/* The wrapped key at the end of a STORE_HEADER, and its locked byte. */
static uint8_t
header_key(const struct sent *s, int *locked)
{
	*locked = s->data[0];
	return s->data[s->len - 1];
}

static void
test_group_commit(void)
{
	uint8_t		 id[MC_IDLEN], id2[MC_IDLEN], id3[MC_IDLEN];
	uint64_t	 f0;
	int		 n, i, sentok, pushes;

	begin(1, 0, id);
	tap_ok(nsent == 1 && last()->type == MSG_STORE_UPLOADING &&
	    last()->peerid == 1, "upload begin: answered with an id");
	chunk(1, id, 0, 40);
	tap_ok(last()->type == MSG_STORE_OK, "a chunk: ok");
	chunk(1, id, 1, 60);
	f0 = reply_flushes();
	n = nsent;
	commit(1, id);
	tap_ok(nsent == n, "the commit is not answered before the flush");
	turn_ends();
	tap_ok(nsent > n && sent[n].type == MSG_STORE_SENT &&
	    sent[n].flushes == f0 + 1 && memcmp(sent[n].data, id,
	    MC_IDLEN) == 0, "... and is answered after one log flush");
	tap_ok(nsent == n + 2 && sent[n + 1].type == MSG_PUSH_EVENT &&
	    sent[n + 1].to == PROC_FRONT, "bob's live event follows");

	/* three senders in one turn: one flush for all */
	begin(2, 0, id);
	chunk(2, id, 0, 40);
	chunk(2, id, 1, 60);
	begin(3, 0, id2);
	chunk(3, id2, 0, 40);
	chunk(3, id2, 1, 60);
	begin(4, 0, id3);
	chunk(4, id3, 0, 40);
	chunk(4, id3, 1, 60);
	f0 = reply_flushes();
	n = nsent;
	commit(2, id);
	commit(3, id2);
	commit(4, id3);
	tap_ok(nsent == n, "three commits in one turn wait");
	turn_ends();
	for (sentok = 0, pushes = 0, i = n; i < nsent; i++) {
		if (sent[i].type == MSG_STORE_SENT && sent[i].flushes == f0 + 1)
			sentok++;
		if (sent[i].type == MSG_PUSH_EVENT)
			pushes++;
	}
	tap_ok(sentok == 3 && reply_flushes() == f0 + 1,
	    "one flush served all three (%d sent)", sentok);
	tap_ok(pushes == 3, "three live events");
}

static void
test_reads(void)
{
	uint8_t		 id[MC_IDLEN], locked_id[MC_IDLEN];
	struct msgbuf	 mb;
	int		 locked;
	uint64_t	 unlock = (uint64_t)time(NULL) + 3600;

	upload(10, 0, id);
	turn_ends();
	get(11, BOB, id);
	tap_ok(last()->type == MSG_STORE_HEADER && last()->peerid == 11 &&
	    header_key(last(), &locked) == 0xb0 && !locked,
	    "bob's header carries his wrapped key");
	get(12, ALICE, id);
	tap_ok(last()->type == MSG_STORE_HEADER &&
	    header_key(last(), &locked) == 0xa0,
	    "alice's carries hers");
	get(13, CAROL, id);
	tap_ok(fail_code(last()) == STORE_E_NOTFOUND,
	    "carol: not found");

	upload(14, unlock, locked_id);
	turn_ends();
	get(15, BOB, locked_id);
	tap_ok(last()->type == MSG_STORE_HEADER &&
	    header_key(last(), &locked) == 0 && locked,
	    "a locked message: a header marked locked, no key");
	msg_init(&mb, MSG_STORE_CHUNK_GET, 16);
	msg_add_u32(&mb, BOB);
	msg_add_fixed(&mb, locked_id, MC_IDLEN);
	msg_add_u32(&mb, 1);
	msg_add_u64(&mb, 0);
	request(&mb, PROC_FRONT, h_chunk_get);
	tap_ok(fail_code(last()) == STORE_E_LOCKED &&
	    memcmp(last()->data + 4, (uint8_t[8]){ unlock >> 56,
	    unlock >> 48, unlock >> 40, unlock >> 32, unlock >> 24,
	    unlock >> 16, unlock >> 8, unlock }, 8) == 0,
	    "its body chunk: LOCKED, with the unlock time");

	msg_init(&mb, MSG_STORE_CHUNK_GET, 17);
	msg_add_u32(&mb, BOB);
	msg_add_fixed(&mb, id, MC_IDLEN);
	msg_add_u32(&mb, 1);
	msg_add_u64(&mb, 0);
	request(&mb, PROC_FRONT, h_chunk_get);
	tap_ok(last()->type == MSG_STORE_CHUNK && last()->data[0] == 1 &&
	    last()->len == 1 + 4 + 60, "an unlocked chunk: last, 60 bytes");

	msg_init(&mb, MSG_CTL_SHOW_MESSAGES, 18);
	request(&mb, PROC_PARENT, h_show_messages);
	tap_ok(nsent >= 3 && sent[nsent - 3].type == MSG_CTL_MESSAGES_INFO &&
	    sent[nsent - 3].to == PROC_PARENT &&
	    last()->type == MSG_CTL_END, "show messages: totals, a day, end");
}

static int
count_sent(uint32_t from, uint32_t to)
{
	int	 i, n = 0;

	for (i = 0; i < nsent; i++)
		if (sent[i].type == MSG_STORE_SENT && sent[i].peerid >= from &&
		    sent[i].peerid < to)
			n++;
	return n;
}

/* Loop turns until want commits are answered, for at most 10 s. */
static int
settle(uint32_t from, uint32_t to, int want)
{
	int	 i;

	for (i = 0; i < 10000; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		if (count_sent(from, to) >= want)
			return 0;
		usleep(1000);
	}
	return -1;
}

/*
 * With the flusher's thread: a commit made while a flush is under way is
 * answered only after a flush that began after it is done, and every
 * answer comes, in order.
 */
#define FROUNDS	4
static void
test_flusher_thread(void)
{
	uint8_t		 id[2][MC_IDLEN];
	uint64_t	 begun[2 * FROUNDS];
	int		 round, k, i, answered = 0, early = 0, order = 1;
	uint32_t	 peer, last = 0;

	nsent = 0;		/* the recorder's room for this test */
	flusher_start();
	tap_ok(flusher_running(), "flusher: the thread runs");
	for (round = 0; round < FROUNDS; round++) {
		for (k = 0; k < 2; k++) {
			begin(200 + 2 * round + k, 0, id[k]);
			chunk(200 + 2 * round + k, id[k], 0, 40);
			chunk(200 + 2 * round + k, id[k], 1, 60);
		}
		for (k = 0; k < 2; k++) {
			commit(200 + 2 * round + k, id[k]);
			begun[2 * round + k] = reply_flushes_begun();
			/* the turn ends: a flush begins on the thread */
			event_base_loop(base, EVLOOP_NONBLOCK);
		}
		if (settle(200, 200 + 2 * FROUNDS, 2 * round + 2) == -1)
			break;
	}
	for (i = 0; i < nsent; i++) {
		if (sent[i].type != MSG_STORE_SENT || sent[i].peerid < 200 ||
		    sent[i].peerid >= 200 + 2 * FROUNDS)
			continue;
		peer = sent[i].peerid - 200;
		answered++;
		if (sent[i].flushes < begun[peer] + 1)
			early++;
		if (answered > 1 && peer <= last)
			order = 0;
		last = peer;
	}
	tap_ok(answered == 2 * FROUNDS, "flusher: all %d commits answered (%d)",
	    2 * FROUNDS, answered);
	tap_ok(early == 0, "flusher: none before a flush begun after its "
	    "commit was done (%d early)", early);
	tap_ok(order, "flusher: answered in the order of the commits");
	flusher_stop();
	tap_ok(!flusher_running(), "flusher: stopped");
}

int
main(void)
{
	char			 home[] = "/tmp/smsg-storeproto.XXXXXX";
	char			 cmd[64];
	struct store_limits	 lim = { 256, 100000, 10, 4, 100000, 1 << 30,
	    86400, 86400 * 30, 300, 8 };

	(void)tap_skip;		/* tap.h helpers this test has no use for */
	(void)tap_diag;
	if (mkdtemp(home) == NULL || (base = event_base_new()) == NULL)
		return 1;
	storedb_open(home, &lim);
	reply_init(base);
	test_group_commit();
	test_reads();
	test_flusher_thread();
	storedb_close();
	event_base_free(base);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", home);
	if (system(cmd) != 0)
		tap_ok(0, "remove %s", home);
	return tap_done();
}
