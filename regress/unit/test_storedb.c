/*
 * smsg-store's database on a real Berkeley DB environment in a fresh
 * directory: uploads and their limits, reading, the time lock, who may
 * see what, delete, delete after read, retention, the sweep of
 * abandoned uploads, quarantine, contacts, durability across a reopen;
 * messages whose readers' copies are kept apart (broadcasts, the
 * system's), each deleted on its own, the last or the retention taking
 * the ciphertext; an account deleted.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msgcrypt.h"
#include "storedb.h"
#include "storedb_int.h"
#include "tap.h"

#define ALICE	1001
#define BOB	1002
#define CAROL	1003
#define NOW	1800000000ULL
#define DAY	86400

static char		 home[] = "/tmp/smsg-storedb.XXXXXX";
static struct store_limits lim = {
	.subject_max = 256, .body_max = 200000, .rcpt_max = 4,
	.files_max = 2, .file_max = 150000, .quota = 1000000,
	.retention = 7 * DAY, .retention_max = 30 * DAY,
	.upload_timeout = 600,
};
static uint8_t		 data[MC_SEALED_MAX];

/* Upload one stream of sealed bytes in full chunks and a short tail. */
static int
put_stream(uint32_t sender, const uint8_t *id, uint32_t stream,
    uint64_t bytes, uint64_t now)
{
	uint64_t	 i = 0, n;
	int		 r;

	do {
		n = bytes > MC_SEALED_MAX ? MC_SEALED_MAX : bytes;
		data[0] = (uint8_t)stream;
		data[1] = (uint8_t)i;
		if ((r = store_upload_chunk(sender, id, stream, i++, data, n,
		    bytes == n, now)) != STORE_E_OK)
			return r;
		bytes -= n;
	} while (bytes > 0);
	return STORE_E_OK;
}

static void
fill_commit(struct store_msg *m, uint32_t sender, const uint32_t *rcpt,
    uint32_t n, const uint64_t *sizes, uint32_t nstreams)
{
	uint32_t	 i;

	memset(m, 0, sizeof(*m));
	m->h.nstreams = nstreams;
	memcpy(m->h.sizes, sizes, nstreams * sizeof(*sizes));
	memset(m->h.digest, 0x5a, MC_DIGESTLEN);
	memset(m->sig, 0x77, MC_SIGLEN);
	m->ncopy = n + 1;
	m->copy[0].uid = sender;
	memset(m->copy[0].wrapped, 0xa0, MC_WRAPLEN);
	for (i = 0; i < n; i++) {
		m->copy[i + 1].uid = rcpt[i];
		memset(m->copy[i + 1].wrapped, 0xa1 + i, MC_WRAPLEN);
	}
}

/* A whole message: subject, body of body bytes, one file if file > 0. */
static int
send_msg(uint32_t sender, const uint32_t *rcpt, uint32_t n, uint64_t unlock,
    uint64_t life, uint32_t flags, uint64_t body, uint64_t file,
    uint64_t now, uint8_t id[MC_IDLEN])
{
	static struct store_msg	 m;
	uint64_t		 sizes[3] = { 40, body, file };
	uint32_t		 ns = file > 0 ? 3 : 2, i;
	int			 r;

	if ((r = store_upload_begin(sender, rcpt, n, unlock, life, flags, now,
	    id)) != STORE_E_OK)
		return r;
	for (i = 0; i < ns; i++)
		if ((r = put_stream(sender, id, i, sizes[i], now)) !=
		    STORE_E_OK)
			return r;
	fill_commit(&m, sender, rcpt, n, sizes, ns);
	if ((r = store_upload_commit(sender, id, &m, now)) != STORE_E_OK)
		return r;
	return storedb_flush() == 0 ? STORE_E_OK : STORE_E_INTERNAL;
}

static uint64_t
nkeys(DB *db)
{
	DB_BTREE_STAT	*bs;
	uint64_t	 n;

	if (db->stat(db, NULL, &bs, 0) != 0)
		return UINT64_MAX;
	n = bs->bt_nkeys;
	free(bs);
	return n;
}

static void
test_send_and_read(void)
{
	static struct store_msg	 m;
	uint32_t		 to[] = { BOB };
	uint8_t			 id[MC_IDLEN], other[MC_IDLEN], buf[MC_SEALED_MAX];
	size_t			 len;
	int			 last, r;

	r = send_msg(ALICE, to, 1, 0, 0, 0, 1000, 2 * MC_SEALED_MAX + 500,
	    NOW, id);
	tap_ok(r == STORE_E_OK, "alice sends bob a message with a file");
	tap_ok(store_get(BOB, id, NOW, &m) == STORE_E_OK &&
	    m.h.sender == ALICE && m.h.nrcpt == 1 && m.h.rcpt[0] == BOB &&
	    m.h.created == NOW && m.h.expires == NOW + 7 * DAY &&
	    m.h.nstreams == 3, "bob reads the header (default retention)");
	tap_ok(msg_copy(&m, BOB)->wrapped[0] == 0xa1 &&
	    msg_copy(&m, ALICE)->wrapped[0] == 0,
	    "bob gets his wrapped key and not alice's");
	tap_ok(store_get(ALICE, id, NOW, &m) == STORE_E_OK &&
	    msg_copy(&m, ALICE)->wrapped[0] == 0xa0, "alice reads her copy");
	tap_ok(store_get(CAROL, id, NOW, &m) == STORE_E_NOTFOUND &&
	    m.h.sender == 0, "carol, not a recipient, is refused");
	msgid_new(other);
	tap_ok(store_get(CAROL, other, NOW, &m) == STORE_E_NOTFOUND,
	    "an unknown id gets the same answer");
	tap_ok(store_chunk(BOB, id, 2, 1, NOW, buf, sizeof(buf), &len,
	    &last) == STORE_E_OK && len == MC_SEALED_MAX && !last &&
	    buf[0] == 2 && buf[1] == 1, "bob reads a file chunk");
	tap_ok(store_chunk(BOB, id, 2, 2, NOW, buf, sizeof(buf), &len,
	    &last) == STORE_E_OK && len == 500 && last,
	    "the file's last chunk says so");
	tap_ok(store_chunk(BOB, id, 2, 3, NOW, buf, sizeof(buf), &len,
	    &last) == STORE_E_NOTFOUND, "no chunk past the end");
	tap_ok(store_chunk(BOB, id, 3, 0, NOW, buf, sizeof(buf), &len,
	    &last) == STORE_E_NOTFOUND, "no stream past the last");
	tap_ok(store_chunk(CAROL, id, 1, 0, NOW, buf, sizeof(buf), &len,
	    &last) == STORE_E_NOTFOUND, "carol cannot read a chunk");
	tap_ok(store_get(BOB, id, NOW + 7 * DAY, &m) == STORE_E_NOTFOUND,
	    "an expired message is not served before the purge");
}

static void
test_lock(void)
{
	static struct store_msg	 m;
	uint32_t		 to[] = { BOB, CAROL };
	uint8_t			 id[MC_IDLEN], buf[MC_SEALED_MAX];
	size_t			 len;
	int			 last;

	tap_ok(send_msg(ALICE, to, 2, NOW + 60, 0, 0, 100, 0, NOW, id) ==
	    STORE_E_OK, "a message locked for a minute");
	tap_ok(store_get(BOB, id, NOW + 59, &m) == STORE_E_LOCKED &&
	    m.h.unlock == NOW + 60 && m.h.sender == ALICE &&
	    msg_copy(&m, BOB)->wrapped[0] == 0,
	    "before its unlock time: sender and time, no key");
	tap_ok(store_get(ALICE, id, NOW + 59, &m) == STORE_E_LOCKED,
	    "refused to its sender too");
	tap_ok(store_chunk(BOB, id, 1, 0, NOW + 59, buf, sizeof(buf), &len,
	    &last) == STORE_E_LOCKED && len == 0, "no body chunk while locked");
	tap_ok(store_chunk(BOB, id, 0, 0, NOW + 59, buf, sizeof(buf), &len,
	    &last) == STORE_E_LOCKED, "no subject chunk while locked");
	tap_ok(store_read_done(BOB, id, STREAM_BODY, NOW + 59) == STORE_E_LOCKED,
	    "cannot be marked read while locked");
	tap_ok(store_get(BOB, id, NOW + 60, &m) == STORE_E_OK &&
	    msg_copy(&m, BOB)->wrapped[0] == 0xa1, "served at its unlock time");
	tap_ok(store_get(CAROL, id, NOW + 60, &m) == STORE_E_OK &&
	    msg_copy(&m, CAROL)->wrapped[0] == 0xa2, "carol gets hers");
}

/* The header with its text in one question (STORE_GET_TEXT). */
static void
test_get_text(void)
{
	static struct store_msg	 m;
	struct store_text	 t;
	uint32_t		 to[] = { BOB };
	uint8_t			 id[MC_IDLEN], big[MC_IDLEN];
	int			 r;

	send_msg(ALICE, to, 1, NOW + 60, 0, 0, 100, 0, NOW, id);
	r = store_get_text(BOB, id, NOW + 59, &m, &t);
	tap_ok(r == STORE_E_LOCKED && t.data[0] == NULL && t.data[1] == NULL,
	    "get with text: a locked message's text never comes along");
	store_text_free(&t);
	r = store_get_text(BOB, id, NOW + 60, &m, &t);
	tap_ok(r == STORE_E_OK && t.len[0] == m.h.sizes[0] &&
	    t.len[1] == m.h.sizes[1] && t.data[1] != NULL,
	    "... unlocked: subject and body come along");
	store_text_free(&t);
	r = store_get_text(CAROL, id, NOW + 60, &m, &t);
	tap_ok(r == STORE_E_NOTFOUND && t.data[0] == NULL &&
	    t.data[1] == NULL, "... not to someone else");
	store_text_free(&t);
	to[0] = CAROL;
	r = send_msg(BOB, to, 1, 0, 0, 0, MC_SEALED_MAX + 100, 0, NOW, big);
	if (r == STORE_E_OK)
		r = store_get_text(CAROL, big, NOW, &m, &t);
	tap_ok(r == STORE_E_OK && t.data[0] != NULL && t.data[1] == NULL,
	    "... a body of two chunks is asked for on its own (%d)", r);
	store_text_free(&t);
}

static int	 nannounced;

static void
count_unlocked(const struct store_msg *m, void *arg)
{
	nannounced++;
}

static void
test_unlock_timer(void)
{
	uint32_t	 to[] = { BOB };
	uint8_t		 id[MC_IDLEN];

	tap_ok(send_msg(ALICE, to, 1, NOW + 30, 0, 0, 26, 0, NOW, id) ==
	    STORE_E_OK, "a message locked for 30 seconds");
	nannounced = 0;
	store_unlocked(NOW + 10, count_unlocked, NULL);
	tap_ok(nannounced == 0, "nothing announced before its time");
	store_unlocked(NOW + 60, count_unlocked, NULL);
	tap_ok(nannounced == 2, "both locked messages announced (%d)",
	    nannounced);
	nannounced = 0;
	store_unlocked(NOW + 120, count_unlocked, NULL);
	tap_ok(nannounced == 0, "each only once");
}

static void
test_upload_rules(void)
{
	static struct store_msg	 m;
	uint32_t		 to[] = { BOB }, many[] = { 2, 3, 4, 5, 6 };
	uint32_t		 dup[] = { BOB, BOB }, self[] = { ALICE };
	uint64_t		 sizes[2] = { 40, 100 };
	uint8_t			 id[MC_IDLEN];
	uint8_t			 open_ids[UPLOADS_PER_USER][MC_IDLEN];
	int			 i, ok = 1;

	tap_ok(store_upload_begin(ALICE, many, 5, 0, 0, 0, NOW, id) ==
	    STORE_E_LIMIT, "too many recipients");
	tap_ok(store_upload_begin(ALICE, to, 0, 0, 0, 0, NOW, id) ==
	    STORE_E_BADREQ, "no recipient");
	tap_ok(store_upload_begin(ALICE, dup, 2, 0, 0, 0, NOW, id) ==
	    STORE_E_BADREQ, "a recipient twice");
	tap_ok(store_upload_begin(ALICE, self, 1, 0, 0, 0, NOW, id) ==
	    STORE_E_BADREQ, "oneself as recipient");
	tap_ok(store_upload_begin(ALICE, to, 1, 0, 31 * DAY, 0, NOW, id) ==
	    STORE_E_LIMIT, "a lifetime over the maximum");
	tap_ok(store_upload_begin(ALICE, to, 1, NOW + 8 * DAY, 0, 0, NOW,
	    id) == STORE_E_BADREQ, "an unlock time after the expiry");
	tap_ok(store_upload_begin(ALICE, to, 1, 0, 0, 0x100, NOW, id) ==
	    STORE_E_BADREQ, "an unknown flag");

	tap_ok(store_upload_begin(ALICE, to, 1, 0, 0, 0, NOW, id) ==
	    STORE_E_OK, "begin an upload");
	tap_ok(store_upload_chunk(ALICE, id, 1, 0, data, 40, 1, NOW) ==
	    STORE_E_BADREQ, "a stream out of order is refused");
	tap_ok(store_upload_chunk(ALICE, id, 0, 0, data, 40, 0, NOW) ==
	    STORE_E_BADREQ, "a short chunk that is not the last is refused");
	tap_ok(store_upload_chunk(BOB, id, 0, 0, data, 40, 1, NOW) ==
	    STORE_E_STATE, "another user cannot add to it");
	tap_ok(store_upload_chunk(ALICE, id, 0, 0, data, 300, 1, NOW) ==
	    STORE_E_LIMIT, "a subject over its limit");
	tap_ok(store_upload_chunk(ALICE, id, 0, 0, data, 8, 1, NOW) ==
	    STORE_E_BADREQ, "a chunk shorter than a tag");
	store_upload_chunk(ALICE, id, 0, 0, data, 40, 1, NOW);
	tap_ok(store_upload_chunk(ALICE, id, 0, 1, data, 40, 1, NOW) ==
	    STORE_E_BADREQ, "a closed stream takes no more");
	store_upload_chunk(ALICE, id, 1, 0, data, 100, 1, NOW);
	fill_commit(&m, ALICE, to, 1, sizes, 2);
	m.h.sizes[1] = 99;
	tap_ok(store_upload_commit(ALICE, id, &m, NOW) == STORE_E_BADREQ,
	    "a commit whose sizes differ is refused");
	fill_commit(&m, ALICE, dup, 2, sizes, 2);
	tap_ok(store_upload_commit(ALICE, id, &m, NOW) == STORE_E_BADREQ,
	    "a commit with other recipients is refused");
	tap_ok(store_get(BOB, id, NOW, &m) == STORE_E_NOTFOUND,
	    "an upload not committed is not visible");
	tap_ok(store_upload_abort(ALICE, id) == STORE_E_OK &&
	    store_upload_chunk(ALICE, id, 2, 0, data, 40, 1, NOW) ==
	    STORE_E_STATE, "an aborted upload is gone");

	tap_ok(send_msg(ALICE, to, 1, 0, 0, 0, 26, 0, NOW, id) == STORE_E_OK &&
	    store_upload_begin(ALICE, to, 1, 0, 0, 0, NOW, id) == STORE_E_OK &&
	    put_stream(ALICE, id, 0, 40, NOW) == STORE_E_OK &&
	    put_stream(ALICE, id, 1, 40, NOW) == STORE_E_OK &&
	    put_stream(ALICE, id, 2, 40, NOW) == STORE_E_OK &&
	    put_stream(ALICE, id, 3, 40, NOW) == STORE_E_OK &&
	    store_upload_chunk(ALICE, id, 4, 0, data, 40, 1, NOW) ==
	    STORE_E_LIMIT, "more files than allowed");
	store_upload_abort(ALICE, id);
	for (i = 0; i < UPLOADS_PER_USER; i++)
		ok = store_upload_begin(ALICE, to, 1, 0, 0, 0, NOW,
		    open_ids[i]) == STORE_E_OK;
	tap_ok(ok && store_upload_begin(ALICE, to, 1, 0, 0, 0, NOW, id) ==
	    STORE_E_BUSY, "at most %d uploads open per sender",
	    UPLOADS_PER_USER);
	tap_ok(store_upload_begin(BOB, self, 1, 0, 0, 0, NOW, id) ==
	    STORE_E_OK && store_upload_abort(BOB, id) == STORE_E_OK,
	    "another sender is not held up");
	for (i = 0; i < UPLOADS_PER_USER; i++)
		store_upload_abort(ALICE, open_ids[i]);
	store_upload_begin(ALICE, to, 1, 0, 0, 0, NOW, id);
	put_stream(ALICE, id, 0, 40, NOW);
	put_stream(ALICE, id, 1, 40, NOW);
	tap_ok(put_stream(ALICE, id, 2, 3 * MC_SEALED_MAX, NOW) ==
	    STORE_E_LIMIT, "a file over its size limit");
	store_upload_abort(ALICE, id);
}

static void
test_quota(void)
{
	struct store_usage	 before, after;
	uint32_t		 to[] = { ALICE };
	uint8_t			 id[MC_IDLEN];
	uint64_t		 msgs = nkeys(sdb.msg);

	store_usage(CAROL, &before);
	/* 1000000 bytes: a 150000-byte file fits six times at most */
	tap_ok(send_msg(CAROL, to, 1, 0, 0, 0, 190000, 0, NOW, id) ==
	    STORE_E_OK, "carol sends within her quota");
	store_usage(CAROL, &after);
	tap_ok(after.bytes > before.bytes && after.messages ==
	    before.messages + 1, "usage counts her bytes (%llu)",
	    (unsigned long long)after.bytes);
	sdb.lim.quota = after.bytes + 1000;
	tap_ok(send_msg(CAROL, to, 1, 0, 0, 0, 100000, 0, NOW, id) ==
	    STORE_E_QUOTA, "over quota: refused");
	store_upload_abort(CAROL, id);
	store_usage(CAROL, &before);
	tap_ok(before.bytes == after.bytes && nkeys(sdb.msg) == msgs + 1,
	    "nothing stored by the refused message");
	sdb.lim.quota = lim.quota;
}

static void
test_delete(void)
{
	static struct store_msg	 m;
	uint32_t		 to[] = { BOB, CAROL };
	uint8_t			 id[MC_IDLEN];
	uint64_t		 chunks = nkeys(sdb.chunk);

	tap_ok(send_msg(ALICE, to, 2, 0, 0, 0, 100, 2 * MC_SEALED_MAX, NOW,
	    id) == STORE_E_OK, "a message whose file is two full chunks");
	tap_ok(nkeys(sdb.chunk) == chunks + 4, "four chunks stored (%llu)",
	    (unsigned long long)(nkeys(sdb.chunk) - chunks));
	tap_ok(store_delete(BOB, id, NOW) == STORE_E_OK &&
	    store_get(BOB, id, NOW, &m) == STORE_E_NOTFOUND &&
	    store_get(CAROL, id, NOW, &m) == STORE_E_OK,
	    "bob deletes his copy; carol still has hers");
	tap_ok(store_delete(BOB, id, NOW) == STORE_E_NOTFOUND,
	    "deleting it again: not found");
	tap_ok(store_delete(ALICE, id, NOW) == STORE_E_OK &&
	    store_delete(CAROL, id, NOW) == STORE_E_OK &&
	    nkeys(sdb.chunk) == chunks, "the last copy takes every chunk");
	tap_ok(store_get(ALICE, id, NOW, &m) == STORE_E_NOTFOUND,
	    "the message is gone");

	send_msg(ALICE, to, 2, 0, 0, MC_F_DELETE_AFTER_READ, 100, 0, NOW, id);
	tap_ok(store_read_done(BOB, id, STREAM_BODY, NOW) == STORE_E_OK &&
	    store_get(BOB, id, NOW, &m) == STORE_E_NOTFOUND &&
	    store_get(CAROL, id, NOW, &m) == STORE_E_OK,
	    "delete after read: bob's copy goes after his read");
	tap_ok(store_read_done(ALICE, id, STREAM_BODY, NOW) == STORE_E_OK &&
	    store_get(ALICE, id, NOW, &m) == STORE_E_OK &&
	    (msg_copy(&m, ALICE)->state & COPY_READ),
	    "the sender's copy stays, marked read");

	/* with a file: the text and the file, in either order */
	send_msg(ALICE, to, 2, 0, 0, MC_F_DELETE_AFTER_READ, 100, 1000, NOW,
	    id);
	tap_ok(store_read_done(BOB, id, STREAM_BODY, NOW) == STORE_E_OK &&
	    store_get(BOB, id, NOW, &m) == STORE_E_OK,
	    "delete after read with a file: the text read, bob's copy stays");
	tap_ok(store_read_done(BOB, id, STREAM_FILE0, NOW) == STORE_E_OK &&
	    store_get(BOB, id, NOW, &m) == STORE_E_NOTFOUND,
	    "... the file read too: it goes");
	tap_ok(store_read_done(CAROL, id, STREAM_FILE0, NOW) == STORE_E_OK &&
	    store_get(CAROL, id, NOW, &m) == STORE_E_OK &&
	    msg_copy(&m, CAROL)->files_got == 1,
	    "carol reads the file first: her copy stays, the file counted");
	tap_ok(store_read_done(CAROL, id, STREAM_FILE0 + 1, NOW) ==
	    STORE_E_NOTFOUND && store_read_done(CAROL, id, 0, NOW) ==
	    STORE_E_NOTFOUND, "a part the message has not: not found");
	tap_ok(store_read_done(CAROL, id, STREAM_BODY, NOW) == STORE_E_OK &&
	    store_get(CAROL, id, NOW, &m) == STORE_E_NOTFOUND,
	    "... then the text: her copy goes");
	tap_ok(store_get(ALICE, id, NOW, &m) == STORE_E_OK,
	    "the sender's copy stays");
}

static int	 listed;
static uint8_t	 listed_ids[8][MC_IDLEN];

static uint32_t	 listed_subjects, listed_locked_subjects;
static uint64_t	 list_now;

static void
list_cb(const struct store_msg *m, uint32_t uid, const uint8_t *subject,
    size_t slen, void *arg)
{
	if (subject != NULL && slen == m->h.sizes[0])
		listed_subjects++;
	if (subject != NULL && m->h.unlock > list_now)
		listed_locked_subjects++;
	if (listed < 8)
		memcpy(listed_ids[listed], m->h.id, MC_IDLEN);
	listed++;
}

/* A page of uid's folder at time now, into listed_ids. */
static int
page(uint32_t uid, enum store_folder f, const uint8_t *before, uint32_t n,
    uint64_t now, uint8_t next[MC_IDLEN], int *more)
{
	listed = listed_subjects = listed_locked_subjects = 0;
	list_now = now;
	return store_list(uid, f, before, n, 1, now, list_cb, NULL, next, more);
}

static void
test_list(void)
{
	uint32_t	 to[] = { CAROL };
	uint8_t		 ids[5][MC_IDLEN], next[MC_IDLEN];
	int		 i, more, ok;

	for (i = 0; i < 5; i++)
		send_msg(BOB, to, 1, 0, 0, 0, 26, 0, NOW + 100 + i, ids[i]);
	page(BOB, FOLDER_SENT, NULL, 2, NOW + 1000, next, &more);
	tap_ok(listed == 2 && more && memcmp(listed_ids[0], ids[4],
	    MC_IDLEN) == 0 && memcmp(listed_ids[1], ids[3], MC_IDLEN) == 0,
	    "first page: the two newest");
	page(BOB, FOLDER_SENT, next, 2, NOW + 1000, next, &more);
	ok = listed == 2 && more && memcmp(listed_ids[0], ids[2],
	    MC_IDLEN) == 0;
	page(BOB, FOLDER_SENT, next, 2, NOW + 1000, next, &more);
	tap_ok(ok && listed == 1 && !more && memcmp(listed_ids[0], ids[0],
	    MC_IDLEN) == 0, "the next pages, then the end");
	page(CAROL, FOLDER_INBOX, NULL, 10, NOW + 1000, next, &more);
	tap_ok(listed >= 5 && memcmp(listed_ids[0], ids[4], MC_IDLEN) == 0,
	    "carol's inbox starts with the newest of the five");
	page(ALICE, FOLDER_INBOX, ids[2], 10, NOW + 1000, next, &more);
	tap_ok(listed == 0, "another user's id pages nothing");
	page(CAROL, FOLDER_INBOX, NULL, 10, NOW + 100 + 7 * DAY, next, &more);
	tap_ok(listed == 4 && memcmp(listed_ids[3], ids[1], MC_IDLEN) == 0,
	    "an expired message is not listed, even before the purge (%d)",
	    listed);
	tap_ok(page(BOB, FOLDER_SENT, NULL, 1000, NOW, next, &more) ==
	    STORE_E_BADREQ, "a page too long is refused");
	/* the subject's one chunk comes along, never a locked one's */
	send_msg(BOB, to, 1, NOW + 5000, 0, 0, 26, 0, NOW + 200, ids[0]);
	page(CAROL, FOLDER_INBOX, NULL, 10, NOW + 1000, next, &more);
	tap_ok(listed >= 6 && listed_subjects == (uint32_t)listed - 1 &&
	    listed_locked_subjects == 0, "a list carries each unlocked "
	    "message's sealed subject, not the locked one's (%u of %d)",
	    listed_subjects, listed);
	page(CAROL, FOLDER_INBOX, NULL, 10, NOW + 5000, next, &more);
	tap_ok(listed_subjects == (uint32_t)listed, "... and its own once "
	    "unlocked (%u of %d)", listed_subjects, listed);
}

static void
test_retention(void)
{
	static struct store_msg	 m;
	struct store_stats	 st;
	uint32_t		 to[] = { BOB }, n, swept;
	uint64_t		 chunks;
	uint8_t			 id[MC_IDLEN], up[MC_IDLEN];

	store_stats(NOW, &st);
	tap_ok(st.messages == nkeys(sdb.msg) && st.ndays >= 1,
	    "stats count every message (%llu) by expiry day",
	    (unsigned long long)st.messages);
	tap_ok(send_msg(ALICE, to, 1, 0, 3600, 0, 100, MC_SEALED_MAX + 20, NOW,
	    id) == STORE_E_OK, "a message that lives an hour");
	tap_ok(store_purge(NOW + 3599, &n, &chunks) == STORE_E_OK && n == 0,
	    "nothing purged before its expiry");
	tap_ok(store_purge(NOW + 3600, &n, &chunks) == STORE_E_OK &&
	    n == 1 && chunks == 4, "the expired message goes with its 4 "
	    "chunks (%u, %llu)", n, (unsigned long long)chunks);
	tap_ok(store_get(ALICE, id, NOW, &m) == STORE_E_NOTFOUND,
	    "and is not found");

	store_upload_begin(ALICE, to, 1, 0, 0, 0, NOW, up);
	put_stream(ALICE, up, 0, 40, NOW);
	tap_ok(store_sweep(NOW + 599, &swept) == STORE_E_OK && swept == 0,
	    "an upload within its timeout stays");
	chunks = nkeys(sdb.chunk);
	tap_ok(store_sweep(NOW + 600, &swept) == STORE_E_OK && swept == 1 &&
	    nkeys(sdb.chunk) == chunks - 1 && nkeys(sdb.upload) == 0,
	    "an abandoned upload is swept, chunks and all");

	tap_ok(store_purge(NOW + 31 * DAY, &n, &chunks) == STORE_E_OK &&
	    nkeys(sdb.msg) == 0 && nkeys(sdb.chunk) == 0 &&
	    nkeys(sdb.folder) == 0 && nkeys(sdb.expiry) == 0,
	    "after the longest retention nothing is left (%u messages)", n);
	store_stats(NOW, &st);
	tap_ok(st.messages == 0 && st.bytes == 0, "stats of an empty store");
}

static void
test_quarantine(void)
{
	static struct store_msg	 m;
	struct store_stats	 st;
	uint32_t		 to[] = { BOB };
	uint8_t			 bad[MC_IDLEN], good[MC_IDLEN];

	send_msg(ALICE, to, 1, 0, 0, 0, 26, 0, NOW, bad);
	send_msg(ALICE, to, 1, 0, 0, 0, 26, 0, NOW, good);
	tap_ok(storedb_poke("msg.db", bad, MC_IDLEN, "\x01garbage", 8) == 0,
	    "damage a message record");
	tap_ok(store_get(BOB, bad, NOW, &m) == STORE_E_NOTFOUND,
	    "the damaged record is not served");
	store_stats(NOW, &st);
	tap_ok(st.quarantined == 1 && st.messages == 1,
	    "it is quarantined (%llu), the other counted",
	    (unsigned long long)st.quarantined);
	tap_ok(store_get(BOB, good, NOW, &m) == STORE_E_OK,
	    "the store goes on serving the rest");
}

static void
test_contacts(void)
{
	uint32_t	 to[] = { BOB };
	uint8_t		 id[MC_IDLEN];
	char		 fp[MC_FPTEXTLEN], nick[80];

	tap_ok(store_contact_add(BOB, ALICE, "Alice", NOW) == STORE_E_OK,
	    "bob adds alice");
	tap_ok(store_contact_add(BOB, ALICE, "Al", NOW) == STORE_E_STATE,
	    "adding alice again: already there");
	tap_ok(store_contact_block(BOB, CAROL, 0, NOW) == STORE_E_NOTFOUND,
	    "unblocking a non-contact: not found");
	tap_ok(store_contact_block(BOB, ALICE, 1, NOW) == STORE_E_OK &&
	    store_blocked(BOB, ALICE) == 1, "bob blocks alice");
	tap_ok(send_msg(ALICE, to, 1, 0, 0, 0, 26, 0, NOW, id) ==
	    STORE_E_BLOCKED, "alice's message to bob is refused");
	tap_ok(store_contact_block(BOB, ALICE, 0, NOW) == STORE_E_OK &&
	    send_msg(ALICE, to, 1, 0, 0, 0, 26, 0, NOW, id) == STORE_E_OK,
	    "unblocked, it goes through");
	memset(fp, 'a', MC_FPTEXTLEN - 1);
	fp[MC_FPTEXTLEN - 1] = '\0';
	tap_ok(store_contact_verify(BOB, ALICE, fp) == STORE_E_OK,
	    "bob marks alice verified");
	tap_ok(store_contact_verify(BOB, ALICE, "zz") == STORE_E_BADREQ,
	    "a malformed fingerprint is refused");
	tap_ok(store_contact_verify(BOB, CAROL, fp) == STORE_E_NOTFOUND,
	    "verifying a non-contact: not found");
	memset(nick, 'n', sizeof(nick) - 1);
	nick[sizeof(nick) - 1] = '\0';
	tap_ok(store_contact_add(BOB, CAROL, nick, NOW) == STORE_E_LIMIT,
	    "a nickname too long");
	tap_ok(store_contact_add(BOB, CAROL, "c\nd", NOW) == STORE_E_BADREQ,
	    "a nickname with a control character");
	tap_ok(store_contact_add(BOB, BOB, "me", NOW) == STORE_E_BADREQ,
	    "oneself as contact");
	tap_ok(store_contact_remove(BOB, ALICE) == STORE_E_OK &&
	    store_contact_remove(BOB, ALICE) == STORE_E_NOTFOUND,
	    "remove, then not found");
}

static void
count_contact(const struct store_contact *k, void *arg)
{
	(*(uint32_t *)arg)++;
}

/* Filling one's table: the limit holds for adding and for blocking. */
static void
test_contacts_full(void)
{
	uint32_t	 uid, n = 0, bad = 0, alice = 0, alice2 = 0;

	store_contact_list(ALICE, count_contact, &alice);
	for (uid = 5000; uid < 5000 + CONTACTS_MAX; uid++)
		if (store_contact_add(CAROL, uid, "x", NOW) != STORE_E_OK)
			bad++;
	tap_ok(bad == 0, "carol adds %u contacts", CONTACTS_MAX);
	tap_ok(store_contact_add(CAROL, uid, "x", NOW) == STORE_E_LIMIT,
	    "one more is over the limit");
	tap_ok(store_contact_block(CAROL, uid, 1, NOW) == STORE_E_LIMIT,
	    "so is blocking a stranger, which would make one more");
	tap_ok(store_contact_list(CAROL, count_contact, &n) == STORE_E_OK &&
	    n == CONTACTS_MAX, "the list holds %u", n);
	tap_ok(store_contact_remove(CAROL, 5000) == STORE_E_OK &&
	    store_contact_add(CAROL, uid, "x", NOW) == STORE_E_OK,
	    "after a removal there is room for one");
	tap_ok(store_contact_list(ALICE, count_contact, &alice2) ==
	    STORE_E_OK && alice2 == alice, "alice's list is untouched by "
	    "carol's");
}

/* 1 if the marker occurs in any file of dir. */
static int
marker_on_disk(const char *dir, const char *marker)
{
	char	 cmd[256];

	snprintf(cmd, sizeof(cmd), "grep -rqaF '%s' %s", marker, dir);
	return system(cmd) == 0;
}

/*
 * Real sealing through the store: a body with a marker is sealed with
 * the message crypto, stored, read back and opened; the marker is on
 * no file of the environment, logs included.
 */
static void
test_sealed(void)
{
	static struct store_msg	 m;
	static uint8_t		 plain[3 * MC_CHUNK + 999];
	static uint8_t		 sealed[MC_SEALED_MAX], out[MC_CHUNK];
	const char		*marker = "MARKER-3f9a1c-not-on-disk";
	struct mc_stream	 st;
	uint32_t		 to[] = { BOB };
	uint64_t		 sizes[2] = { 0, 0 };
	uint8_t			 id[MC_IDLEN], ckey[MC_KEYLEN];
	size_t			 off, n, len, mlen = strlen(marker);
	uint64_t		 i;
	char			 ctl[sizeof(home) + 16];
	FILE			*fp;
	int			 last, ok = 1;

	for (off = 0; off + mlen <= sizeof(plain); off += mlen)
		memcpy(plain + off, marker, mlen);
	msgcrypt_random(ckey, sizeof(ckey));
	store_upload_begin(ALICE, to, 1, 0, 0, 0, NOW, id);
	/* the subject and the body, both the marker over and over */
	for (i = 0; i < 2; i++) {
		mc_stream_init(&st, ckey, id, 0, (uint32_t)i);
		for (off = 0, n = 0; ok && (off < (i ? sizeof(plain) : 40) ||
		    n == 0); off += MC_CHUNK, n++) {
			len = (i ? sizeof(plain) : 40) - off;
			len = len > MC_CHUNK ? MC_CHUNK : len;
			last = off + len == (i ? sizeof(plain) : 40);
			ok = mc_stream_seal(&st, plain + off, len, last, sealed,
			    &len) == 0 && store_upload_chunk(ALICE, id,
			    (uint32_t)i, n, sealed, len, last, NOW) ==
			    STORE_E_OK;
			sizes[i] += len;
		}
		mc_stream_clear(&st);
	}
	fill_commit(&m, ALICE, to, 1, sizes, 2);
	tap_ok(ok && store_upload_commit(ALICE, id, &m, NOW) == STORE_E_OK &&
	    storedb_flush() == 0, "a sealed body of %zu bytes stored",
	    sizeof(plain));
	mc_stream_init(&st, ckey, id, 0, 1);
	for (i = 0, off = 0, last = 0; ok && !last; i++) {
		ok = store_chunk(BOB, id, 1, i, NOW, sealed, sizeof(sealed),
		    &len, &last) == STORE_E_OK &&
		    mc_stream_open(&st, sealed, len, last, out, &n) == 0 &&
		    off + n <= sizeof(plain) &&
		    memcmp(out, plain + off, n) == 0;
		off += n;
	}
	tap_ok(ok && off == sizeof(plain) && mc_stream_finished(&st),
	    "bob's chunks open to the same body");
	mc_stream_clear(&st);
	storedb_close();
	/* the search must be able to fail: it finds a plain copy */
	snprintf(ctl, sizeof(ctl), "%s/control", home);
	if ((fp = fopen(ctl, "w")) != NULL) {
		fputs(marker, fp);
		fclose(fp);
	}
	tap_ok(marker_on_disk(home, marker), "the search finds a plain copy");
	unlink(ctl);
	tap_ok(!marker_on_disk(home, marker),
	    "the marker is on no file of the environment");
	storedb_open(home, &lim);
	explicit_bzero(ckey, sizeof(ckey));
}

/* What another user must never reach, by id or by guessing one. */
static void
test_idor(void)
{
	static struct store_msg	 m;
	uint32_t		 to[] = { CAROL };
	uint8_t			 id[MC_IDLEN], up[MC_IDLEN], guess[MC_IDLEN];
	uint8_t			 buf[MC_SEALED_MAX];
	uint64_t		 sizes[2] = { 40, 40 };
	size_t			 len;
	uint32_t		 s;
	int			 i, last, hits = 0;

	send_msg(ALICE, to, 1, 0, 0, 0, 100, 0, NOW, id);
	tap_ok(store_delete(BOB, id, NOW) == STORE_E_NOTFOUND &&
	    store_get(CAROL, id, NOW, &m) == STORE_E_OK,
	    "bob cannot delete carol's message");
	tap_ok(store_read_done(BOB, id, STREAM_BODY, NOW) == STORE_E_NOTFOUND &&
	    store_get(CAROL, id, NOW, &m) == STORE_E_OK &&
	    !(msg_copy(&m, CAROL)->state & COPY_READ),
	    "nor mark it read");
	for (s = 0; s < 4; s++)
		for (i = 0; i < 4; i++)
			if (store_chunk(BOB, id, s, i, NOW, buf, sizeof(buf),
			    &len, &last) != STORE_E_NOTFOUND)
				hits++;
	tap_ok(hits == 0, "nor read any chunk of it (streams 0-3, chunks "
	    "0-3)");
	for (i = 0; i < 1000; i++) {
		msgid_new(guess);
		if (store_get(BOB, guess, NOW, &m) != STORE_E_NOTFOUND ||
		    store_chunk(BOB, guess, 0, 0, NOW, buf, sizeof(buf), &len,
		    &last) != STORE_E_NOTFOUND)
			hits++;
	}
	tap_ok(hits == 0, "1000 guessed ids: all not found");

	store_upload_begin(ALICE, to, 1, 0, 0, 0, NOW, up);
	put_stream(ALICE, up, 0, 40, NOW);
	put_stream(ALICE, up, 1, 40, NOW);
	fill_commit(&m, BOB, to, 1, sizes, 2);
	tap_ok(store_upload_commit(BOB, up, &m, NOW) == STORE_E_STATE &&
	    store_upload_abort(BOB, up) == STORE_E_STATE,
	    "bob can neither commit nor abort alice's upload");
	fill_commit(&m, ALICE, to, 1, sizes, 2);
	m.copy[0].uid = BOB;
	tap_ok(store_upload_commit(ALICE, up, &m, NOW) == STORE_E_BADREQ,
	    "a commit naming another sender's copy is refused");
	fill_commit(&m, ALICE, to, 1, sizes, 2);
	tap_ok(store_upload_commit(ALICE, up, &m, NOW) == STORE_E_OK &&
	    store_get(CAROL, up, NOW, &m) == STORE_E_OK && m.h.sender == ALICE,
	    "alice's own commit goes through, with her as sender");
}

static void
test_reopen(void)
{
	static struct store_msg	 m;
	uint32_t		 to[] = { BOB };
	uint8_t			 id[MC_IDLEN];

	send_msg(ALICE, to, 1, 0, 0, 0, 500, 0, NOW, id);
	storedb_close();
	storedb_open(home, &lim);
	tap_ok(store_get(BOB, id, NOW, &m) == STORE_E_OK,
	    "a message survives closing and recovery");
}

/* A system broadcast (or a notice to one reader) as auth puts it. */
static int
sys_put_at(uint32_t flags, uint32_t rcpt, uint64_t created, uint64_t now,
    uint8_t id[MC_IDLEN])
{
	static struct store_msg	 m;
	static uint8_t		 s[40], b[100];
	size_t			 len[2] = { sizeof(s), sizeof(b) };

	memset(&m, 0, sizeof(m));
	msgid_new(m.h.id);
	memcpy(id, m.h.id, MC_IDLEN);
	m.h.sender = SMSG_SYSTEM_UID;
	m.h.flags = flags;
	m.h.nrcpt = rcpt != 0;
	m.h.rcpt[0] = rcpt;
	m.h.created = created;
	m.h.expires = created + 3600;
	m.h.nstreams = 2;
	m.h.sizes[0] = len[0];
	m.h.sizes[1] = len[1];
	m.copy[0].state = COPY_GONE;
	return store_sys_put(&m, s, b, len, now);
}

static int
sys_put(uint32_t flags, uint32_t rcpt, uint64_t now, uint8_t id[MC_IDLEN])
{
	return sys_put_at(flags, rcpt, now, now, id);
}

static int
sys_copies(const uint8_t id[MC_IDLEN], const uint32_t *uid, uint32_t n,
    uint64_t now, uint32_t *ngot)
{
	static struct store_copy c[8];
	uint32_t		 got[8], i;

	for (i = 0; i < n; i++) {
		c[i].uid = uid[i];
		memset(c[i].wrapped, 0x30 + i, MC_WRAPLEN);
	}
	return store_sys_copies(id, c, n, now, got, ngot);
}

static void
test_apart(void)
{
	static struct store_msg	 m;
	uint32_t		 all[] = { ALICE, BOB, CAROL }, ngot, n;
	uint64_t		 msgs, bc, chunks, ch;
	int			 r;
	uint8_t			 id[MC_IDLEN], nid[MC_IDLEN];

	tap_ok(store_upload_begin(ALICE, &all[1], 1, 0, 0, MC_F_BROADCAST, NOW,
	    id) == STORE_E_BADREQ && store_upload_begin(ALICE, &all[1], 1, 0,
	    0, MC_F_SYSTEM, NOW, id) == STORE_E_BADREQ, "an upload may not "
	    "say broadcast or system: only auth puts those");
	msgs = nkeys(sdb.msg);
	bc = nkeys(sdb.bcopy);
	ch = nkeys(sdb.chunk);
	tap_ok(sys_put(MC_F_SYSTEM | MC_F_BROADCAST, 0, NOW, id) ==
	    STORE_E_OK, "a system broadcast is put");
	tap_ok(store_get(BOB, id, NOW, &m) == STORE_E_NOTFOUND,
	    "... nobody's before its copies come");
	tap_ok(sys_copies(id, all, 3, NOW, &ngot) == STORE_E_OK && ngot == 3,
	    "three readers' copies (%u)", ngot);
	tap_ok(nkeys(sdb.msg) == msgs + 1 && nkeys(sdb.chunk) == ch + 2 &&
	    nkeys(sdb.bcopy) == bc + 3, "stored once: one record, two "
	    "chunks, three copies");
	tap_ok(sys_copies(id, all, 2, NOW, &ngot) == STORE_E_OK && ngot == 0,
	    "a reader who has a copy gets no second");
	tap_ok(store_get(BOB, id, NOW, &m) == STORE_E_OK &&
	    m.h.sender == SMSG_SYSTEM_UID &&
	    (m.h.flags & MC_F_BROADCAST) && msg_copy(&m, BOB) != NULL &&
	    msg_copy(&m, BOB)->wrapped[0] == 0x31,
	    "bob gets it with his own wrapped key");
	tap_ok(msg_copy(&m, ALICE) == NULL && msg_copy(&m, CAROL) == NULL,
	    "... and no one else's");
	tap_ok(store_get(SMSG_SYSTEM_UID, id, NOW, &m) == STORE_E_NOTFOUND,
	    "the system keeps no copy");
	tap_ok(store_folder_count(CAROL, FOLDER_INBOX, &n) == STORE_E_OK &&
	    n >= 1, "in carol's inbox");
	tap_ok(store_delete(BOB, id, NOW) == STORE_E_OK &&
	    store_get(BOB, id, NOW, &m) == STORE_E_NOTFOUND,
	    "bob deletes his copy: gone for him");
	tap_ok(store_delete(BOB, id, NOW) == STORE_E_NOTFOUND,
	    "... deleting it again: not found");
	tap_ok(store_get(CAROL, id, NOW, &m) == STORE_E_OK &&
	    store_read_done(CAROL, id, STREAM_BODY, NOW) == STORE_E_OK,
	    "carol still reads hers");
	tap_ok(store_delete(ALICE, id, NOW) == STORE_E_OK &&
	    nkeys(sdb.msg) == msgs + 1, "alice's gone, the message stays");
	tap_ok(store_delete(CAROL, id, NOW) == STORE_E_OK &&
	    nkeys(sdb.msg) == msgs && nkeys(sdb.chunk) == ch &&
	    nkeys(sdb.bcopy) == bc, "the last copy takes the message, its "
	    "chunks and copies");

	/* a notice names its one reader: nobody else gets a copy */
	tap_ok(sys_put(MC_F_SYSTEM, BOB, NOW, nid) == STORE_E_OK,
	    "a notice to bob is put");
	tap_ok(sys_copies(nid, all, 1, NOW, &ngot) == STORE_E_BADREQ,
	    "a copy for alice, not its reader: refused");
	tap_ok(sys_copies(nid, &all[1], 1, NOW, &ngot) == STORE_E_OK &&
	    ngot == 1, "bob's copy");
	tap_ok(sys_put(MC_F_SYSTEM, 0, NOW, id) == STORE_E_BADREQ,
	    "a notice without its reader: refused");
	tap_ok(sys_put(MC_F_BROADCAST, 0, NOW, id) == STORE_E_BADREQ,
	    "the system's broadcast without the system flag: refused");
	tap_ok(sys_put_at(MC_F_SYSTEM | MC_F_BROADCAST, 0, NOW + 1000, NOW,
	    id) == STORE_E_BADREQ, "a creation time far from now: refused");

	/* retention takes a broadcast whose readers kept it */
	tap_ok(sys_put(MC_F_SYSTEM | MC_F_BROADCAST, 0, NOW, id) ==
	    STORE_E_OK && sys_copies(id, all, 3, NOW, &ngot) == STORE_E_OK,
	    "another broadcast, three copies");
	tap_ok(store_purge(NOW + 3600, &n, &chunks) == STORE_E_OK &&
	    n >= 2 && nkeys(sdb.msg) == msgs && nkeys(sdb.bcopy) == bc &&
	    nkeys(sdb.chunk) == ch, "expired, both go with every copy and "
	    "chunk (%u)", n);
	tap_ok(store_folder_count(CAROL, FOLDER_INBOX, &n) == STORE_E_OK,
	    "folders readable after");

	/* a broadcast that failed partway goes with what it stored */
	tap_ok(store_folder_count(CAROL, FOLDER_INBOX, &n) == STORE_E_OK,
	    "carol's inbox counted (%u)", n);
	tap_ok(sys_put(MC_F_SYSTEM | MC_F_BROADCAST, 0, NOW, id) ==
	    STORE_E_OK && sys_copies(id, all, 3, NOW, &ngot) == STORE_E_OK,
	    "a broadcast, three copies, then its next batch fails");
	tap_ok(store_sys_undo(id) == STORE_E_OK && nkeys(sdb.msg) == msgs &&
	    nkeys(sdb.bcopy) == bc && nkeys(sdb.chunk) == ch,
	    "undone: the message, its chunks and every copy go");
	tap_ok(store_get(CAROL, id, NOW, &m) == STORE_E_NOTFOUND &&
	    store_folder_count(CAROL, FOLDER_INBOX, &ngot) == STORE_E_OK &&
	    ngot == n, "... carol's inbox as it was (%u)", ngot);
	tap_ok(store_sys_undo(id) == STORE_E_OK,
	    "undone again (or never stored): nothing to do");
	r = send_msg(ALICE, &all[1], 1, 0, 0, 0, 100, 0, NOW, nid);
	tap_ok(r == STORE_E_OK, "alice sends bob a message (%d)", r);
	tap_ok(store_sys_undo(nid) == STORE_E_BADREQ &&
	    store_get(BOB, nid, NOW, &m) == STORE_E_OK,
	    "... never undone: refused, and bob still has it");
}

/* An account deleted: its copies and contact entries go. */
static void
test_user_gone(void)
{
	static struct store_msg	 m;
	uint32_t		 to[] = { CAROL }, all[] = { ALICE, CAROL };
	uint32_t		 copies, contacts, ngot, n;
	uint8_t			 id[MC_IDLEN], bid[MC_IDLEN];

	tap_ok(send_msg(BOB, to, 1, 0, 0, 0, 100, 0, NOW, id) == STORE_E_OK,
	    "bob sends carol a message");
	tap_ok(sys_put(MC_F_SYSTEM | MC_F_BROADCAST, 0, NOW, bid) ==
	    STORE_E_OK && sys_copies(bid, all, 2, NOW, &ngot) == STORE_E_OK,
	    "a broadcast to alice and carol");
	store_contact_add(ALICE, CAROL, "c", NOW);
	store_contact_add(CAROL, BOB, "b", NOW);
	tap_ok(store_user_gone(CAROL, &copies, &contacts) == STORE_E_OK &&
	    copies >= 2 && contacts >= 2, "carol is gone: %u copies, %u "
	    "contact entries", copies, contacts);
	tap_ok(store_get(BOB, id, NOW, &m) == STORE_E_OK,
	    "bob keeps his sent copy");
	tap_ok(store_get(ALICE, bid, NOW, &m) == STORE_E_OK,
	    "alice keeps her broadcast copy");
	tap_ok(store_folder_count(CAROL, FOLDER_INBOX, &n) == STORE_E_OK &&
	    n == 0, "carol's inbox is empty");
	tap_ok(store_blocked(ALICE, CAROL) == 0 &&
	    store_contact_add(ALICE, CAROL, "again", NOW) == STORE_E_OK,
	    "carol is out of alice's list (she may be added anew)");
	tap_ok(store_user_gone(SMSG_SYSTEM_UID, &copies, &contacts) ==
	    STORE_E_BADREQ, "the system is no account to delete");
}

int
main(void)
{
	char		 path[sizeof(home) + 16];
	struct stat	 sb;
	char		 cmd[128];

	(void)tap_skip;		/* tap.h helpers this test has no use for */
	(void)tap_diag;
	if (mkdtemp(home) == NULL)
		return 1;
	tap_ok(storedb_open(home, &lim) == 0, "open an environment");
	snprintf(path, sizeof(path), "%s/DB_CONFIG", home);
	tap_ok(stat(path, &sb) == 0 && sb.st_size > 0, "DB_CONFIG written");
	test_send_and_read();
	test_lock();
	test_unlock_timer();
	test_upload_rules();
	test_quota();
	test_delete();
	test_list();
	test_get_text();
	test_retention();
	test_quarantine();
	test_contacts();
	test_contacts_full();
	test_idor();
	test_sealed();
	test_apart();
	test_user_gone();
	test_reopen();
	storedb_close();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", home);
	if (system(cmd) != 0)
		tap_ok(0, "remove %s", home);
	return tap_done();
}
