/*
 * Reading, deleting and listing messages.  A message is the caller's
 * only when they sent it or received it and have not deleted their
 * copy; anyone else gets the answer a missing id gets.  Before its
 * unlock time nobody gets a wrapped key or a chunk.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "storedb_int.h"
#ifdef SMSG_TEST_HOOKS
#include "testhook.h"
#endif

static int
msg_locked(const struct store_msg *m, uint64_t now)
{
#ifdef SMSG_TEST_HOOKS
	/* SMSG_TEST_STORE_IGNORES_LOCK: so auth's own refusal is tested */
	if (testhook_knob("STORE_IGNORES_LOCK") > 0)
		return 0;
#endif
	return m->h.unlock != 0 && now < m->h.unlock;
}

/* Load id for uid: NOTFOUND unless it is uid's, expired included. */
static int
msg_for(DB_TXN *txn, uint32_t uid, const uint8_t id[MC_IDLEN], uint64_t now,
    struct store_msg *m, struct store_copy **cp)
{
	struct store_copy	*c;
	int			 r;

	if ((r = msg_load_for(txn, id, uid, m)) != STORE_E_OK)
		return r;
	if (uid == 0 || (c = msg_copy(m, uid)) == NULL ||
	    (c->state & COPY_GONE) || m->h.expires <= now)
		return STORE_E_NOTFOUND;
	if (cp != NULL)
		*cp = c;
	return STORE_E_OK;
}

/* Every wrapped key but the caller's is wiped before m leaves. */
static void
msg_keep_copy(struct store_msg *m, uint32_t uid, int locked)
{
	uint32_t	 i;

	for (i = 0; i < m->ncopy; i++)
		if (locked || m->copy[i].uid != uid)
			memset(m->copy[i].wrapped, 0, MC_WRAPLEN);
}

/*
 * The header for uid.  LOCKED before the unlock time, with m filled so
 * the caller can say who sent it and when it opens, but no key in it.
 */
int
store_get(uint32_t uid, const uint8_t id[MC_IDLEN], uint64_t now,
    struct store_msg *m)
{
	return store_get_text(uid, id, now, m, NULL);
}

/* The sealed chunk of text stream i of m (mc_text_along), in txn. */
static int
text_in(DB_TXN *txn, const struct store_msg *m, uint32_t i,
    struct store_text *t)
{
	uint8_t	 k[CHUNK_KEYLEN];

	key_chunk(k, m->h.id, i, 0);
	if (sdb_get(sdb.chunk, txn, k, sizeof(k), &t->data[i], &t->len[i]) !=
	    0 || t->len[i] != m->h.sizes[i]) {
		log_warnx("a chunk of a stored message is missing");
		return STORE_E_INTERNAL;
	}
	return STORE_E_OK;
}

/*
 * store_get, and when text is not NULL and the message is unlocked, in
 * the same transaction the chunks of the text that come along with the
 * header (mc_text_along), for a first look without more questions.
 * The caller frees them (store_text_free), whatever the answer.
 */
int
store_get_text(uint32_t uid, const uint8_t id[MC_IDLEN], uint64_t now,
    struct store_msg *m, struct store_text *text)
{
	DB_TXN		*txn;
	uint32_t	 i;
	int		 r;

	if (text != NULL)
		memset(text, 0, sizeof(*text));
	if ((txn = sdb_begin()) == NULL)
		return STORE_E_INTERNAL;
	r = msg_for(txn, uid, id, now, m, NULL);
	for (i = 0; text != NULL && r == STORE_E_OK && !msg_locked(m, now) &&
	    i < MC_TEXT_STREAMS; i++)
		if (mc_text_along(&m->h, i))
			r = text_in(txn, m, i, text);
	sdb_commit(txn);
	if (r != STORE_E_OK) {
		memset(m, 0, sizeof(*m));
		return r;
	}
	msg_keep_copy(m, uid, msg_locked(m, now));
	return msg_locked(m, now) ? STORE_E_LOCKED : STORE_E_OK;
}

void
store_text_free(struct store_text *text)
{
	uint32_t	 i;

	for (i = 0; i < MC_TEXT_STREAMS; i++)
		free(text->data[i]);
	memset(text, 0, sizeof(*text));
}

/* Number of chunks of a stream of sealed size bytes. */
static uint64_t
stream_chunks(uint64_t bytes)
{
	return bytes == 0 ? 0 : (bytes + MC_SEALED_MAX - 1) / MC_SEALED_MAX;
}

/* One sealed chunk into buf; *last when it ends its stream. */
int
store_chunk(uint32_t uid, const uint8_t id[MC_IDLEN], uint32_t stream,
    uint64_t index, uint64_t now, uint8_t *buf, size_t bufsz, size_t *len,
    int *last)
{
	struct store_msg	*m;
	DB_TXN			*txn;
	uint8_t			 k[CHUNK_KEYLEN], *val = NULL;
	size_t			 vlen = 0;
	int			 r;

	*len = 0;
	if ((m = malloc(sizeof(*m))) == NULL ||
	    (txn = sdb_begin()) == NULL) {
		free(m);
		return STORE_E_INTERNAL;
	}
	if ((r = msg_for(txn, uid, id, now, m, NULL)) != STORE_E_OK)
		goto done;
	if (msg_locked(m, now)) {
		r = STORE_E_LOCKED;
		goto done;
	}
	if (stream >= m->h.nstreams ||
	    index >= stream_chunks(m->h.sizes[stream])) {
		r = STORE_E_NOTFOUND;
		goto done;
	}
	key_chunk(k, id, stream, index);
	if ((r = sdb_get(sdb.chunk, txn, k, sizeof(k), &val, &vlen)) != 0 ||
	    vlen > bufsz) {
		log_warnx("a chunk of a stored message is missing");
		r = STORE_E_INTERNAL;
		goto done;
	}
	memcpy(buf, val, vlen);
	*len = vlen;
	*last = index + 1 == stream_chunks(m->h.sizes[stream]);
 done:
	free(val);
	free(m);
	sdb_commit(txn);
	return r;
}

/*
 * Take a message out: record, chunks, indexes, the sender's usage.
 * The caller's transaction; the chunks removed are added to *nchunks.
 */
int
msg_remove(DB_TXN *txn, const struct store_msg *m, uint64_t *nchunks)
{
	uint8_t		 k[FOLDER_KEYLEN], t[TIME_KEYLEN];
	uint64_t	 total = 0;
	uint32_t	 i;

	for (i = 0; i < m->ncopy; i++) {
		key_folder(k, m->copy[i].uid, i == 0 ? FOLDER_SENT :
		    FOLDER_INBOX, m->h.created, m->h.id);
		if (sdb_del(sdb.folder, txn, k, sizeof(k)) == -1)
			return -1;
	}
	if (msg_apart(m) && bcopy_remove_all(txn, m) == -1)
		return -1;
	for (i = 0; i < m->h.nstreams; i++)
		total += m->h.sizes[i];
	key_time(t, m->h.expires, m->h.id);
	if (sdb_del(sdb.expiry, txn, t, sizeof(t)) == -1)
		return -1;
	key_time(t, m->h.unlock, m->h.id);
	if (sdb_del(sdb.unlock, txn, t, sizeof(t)) == -1 ||
	    chunks_remove(txn, m->h.id, nchunks) == -1 ||
	    sdb_del(sdb.msg, txn, m->h.id, MC_IDLEN) == -1 ||
	    usage_add(txn, m->h.sender, -(int64_t)total, -1) != STORE_E_OK)
		return -1;
	return 0;
}

/* Drop c's copy; the message goes with the last one. */
int
copy_drop(DB_TXN *txn, struct store_msg *m, struct store_copy *c)
{
	uint8_t		 k[FOLDER_KEYLEN];
	uint64_t	 n = 0;
	uint32_t	 i;

	c->state |= COPY_GONE;
	if (msg_apart(m))
		return apart_drop(txn, m, c);
	for (i = 0; i < m->ncopy; i++)
		if (!(m->copy[i].state & COPY_GONE))
			break;
	if (i == m->ncopy)
		return msg_remove(txn, m, &n) == 0 ? STORE_E_OK :
		    STORE_E_INTERNAL;
	key_folder(k, c->uid, c == &m->copy[0] ? FOLDER_SENT : FOLDER_INBOX,
	    m->h.created, m->h.id);
	if (sdb_del(sdb.folder, txn, k, sizeof(k)) == -1)
		return STORE_E_INTERNAL;
	return msg_save(txn, m);
}

/* Run fn on uid's copy of id in one transaction; part is fn's. */
static int
with_copy(uint32_t uid, const uint8_t id[MC_IDLEN], uint64_t now,
    uint32_t part, int (*fn)(DB_TXN *, struct store_msg *,
    struct store_copy *, uint64_t, uint32_t))
{
	struct store_msg	*m;
	struct store_copy	*c;
	DB_TXN			*txn;
	int			 r;

	if ((m = malloc(sizeof(*m))) == NULL ||
	    (txn = sdb_begin()) == NULL) {
		free(m);
		return STORE_E_INTERNAL;
	}
	if ((r = msg_for(txn, uid, id, now, m, &c)) == STORE_E_OK)
		r = fn(txn, m, c, now, part);
	free(m);
	return sdb_end(txn, r);
}

static int
do_delete(DB_TXN *txn, struct store_msg *m, struct store_copy *c,
    uint64_t now, uint32_t part)
{
	return copy_drop(txn, m, c);
}

int
store_delete(uint32_t uid, const uint8_t id[MC_IDLEN], uint64_t now)
{
	return with_copy(uid, id, now, 0, do_delete);
}

/* Has c read the text and downloaded every file of m? */
static int
read_complete(const struct store_msg *m, const struct store_copy *c)
{
	uint32_t	 nfiles = m->h.nstreams - STREAM_FILE0;
	uint64_t	 all;

	all = nfiles >= 64 ? UINT64_MAX : ((uint64_t)1 << nfiles) - 1;
	return (c->state & COPY_READ) && (c->files_got & all) == all;
}

/*
 * A part read in full: the text (STREAM_BODY) or one file (its stream).
 * A complete read is the text and every file; with "delete after first
 * read" it takes the reader's copy (the sender's stays until deleted or
 * expired).
 */
static int
do_read(DB_TXN *txn, struct store_msg *m, struct store_copy *c,
    uint64_t now, uint32_t read_part)
{
	if (msg_locked(m, now))
		return STORE_E_LOCKED;
	if (read_part == STREAM_BODY)
		c->state |= COPY_READ;
	else if (read_part >= STREAM_FILE0 && read_part < m->h.nstreams)
		c->files_got |= (uint64_t)1 << (read_part - STREAM_FILE0);
	else
		return STORE_E_NOTFOUND;
	if (c != &m->copy[0] && (m->h.flags & MC_F_DELETE_AFTER_READ) &&
	    read_complete(m, c))
		return copy_drop(txn, m, c);
	return msg_save(txn, m);
}

int
store_read_done(uint32_t uid, const uint8_t id[MC_IDLEN], uint32_t part,
    uint64_t now)
{
	return with_copy(uid, id, now, part, do_read);
}
