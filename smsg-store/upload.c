/*
 * Uploads: a message arrives as a header, chunks and a final commit.
 * Each step is its own short transaction, so nothing is held open while
 * a client is slow; nothing is visible until the commit writes the
 * message record and its indexes in one transaction.  An upload that
 * stops is swept after the configured timeout.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "storedb_int.h"

/* Sealed bytes of a stream of plain bytes: a tag per chunk, one at least. */
static uint64_t
sealed_max(uint64_t plain)
{
	uint64_t	 chunks = plain / MC_CHUNK + 1;

	return plain + chunks * MC_TAGLEN;
}

static uint64_t
stream_limit(uint32_t stream)
{
	if (stream == STREAM_SUBJECT)
		return sealed_max(sdb.lim.subject_max);
	if (stream == STREAM_BODY)
		return sealed_max(sdb.lim.body_max);
	/* a file's stream starts with its sealed name and type */
	return sealed_max(sdb.lim.file_max + MC_FILEHEAD_MAX);
}

static int
upload_load(DB_TXN *txn, const uint8_t id[MC_IDLEN], uint32_t sender,
    struct store_upload *u)
{
	uint8_t	*val;
	size_t	 vlen;
	int	 r;

	if ((r = sdb_get(sdb.upload, txn, id, MC_IDLEN, &val, &vlen)) != 0)
		return r == 1 ? STORE_E_STATE : STORE_E_INTERNAL;
	r = upload_record_decode(val, vlen, u);
	free(val);
	if (r == -1) {
		sdb_quarantine_later(sdb.upload, id, MC_IDLEN);
		return STORE_E_STATE;
	}
	/* another user's upload is no upload at all */
	return u->sender == sender ? STORE_E_OK : STORE_E_STATE;
}

static int
upload_save(DB_TXN *txn, const struct store_upload *u)
{
	uint8_t	*val;
	size_t	 vlen;
	int	 r;

	if (upload_record_encode(u, &val, &vlen) == -1)
		return STORE_E_INTERNAL;
	r = sdb_put(sdb.upload, txn, u->id, MC_IDLEN, val, vlen);
	free(val);
	return r == 0 ? STORE_E_OK : STORE_E_INTERNAL;
}

static int
check_recipients(DB_TXN *txn, uint32_t sender, const uint32_t *rcpt,
    uint32_t n)
{
	uint32_t	 i, j;
	int		 r;

	if (n == 0)
		return STORE_E_BADREQ;
	if (n > sdb.lim.rcpt_max || n > MC_RCPT_MAX)
		return STORE_E_LIMIT;
	for (i = 0; i < n; i++) {
		if (rcpt[i] == 0 || rcpt[i] == sender)
			return STORE_E_BADREQ;
		for (j = 0; j < i; j++)
			if (rcpt[j] == rcpt[i])
				return STORE_E_BADREQ;
		if ((r = contact_blocked(txn, rcpt[i], sender)) != 0)
			return r == 1 ? STORE_E_BLOCKED : STORE_E_INTERNAL;
	}
	return STORE_E_OK;
}

/*
 * Uploads open now: in all, and of sender.  An upload holds no lock, so
 * only these bounds keep a sender from opening them without end (the
 * sweep ends those left idle).
 */
static int
uploads_open(DB_TXN *txn, uint32_t sender, uint32_t *all, uint32_t *mine)
{
	struct store_upload	*u;
	DBC			*c;
	DBT			 key, data;
	int			 r;

	*all = *mine = 0;
	if ((u = malloc(sizeof(*u))) == NULL)
		return -1;
	if (sdb.upload->cursor(sdb.upload, txn, &c, 0) != 0) {
		free(u);
		return -1;
	}
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	while ((r = c->get(c, &key, &data, DB_NEXT)) == 0) {
		(*all)++;
		if (upload_record_decode(data.data, data.size, u) == 0 &&
		    u->sender == sender)
			(*mine)++;
	}
	c->close(c);
	free(u);
	return r == DB_NOTFOUND ? 0 : -1;
}

/* A message's lifetime in seconds: the default for 0. */
uint64_t
store_lifetime(uint64_t lifetime)
{
	return lifetime == 0 ? sdb.lim.retention : lifetime;
}

/* Is id free, as a message and as an upload?  1 free, 0 taken, -1. */
static int
id_free(DB_TXN *txn, const uint8_t id[MC_IDLEN])
{
	uint8_t	*val;
	size_t	 vlen;
	int	 r, i;

	for (i = 0; i < 2; i++) {
		r = sdb_get(i == 0 ? sdb.msg : sdb.upload, txn, id, MC_IDLEN,
		    &val, &vlen);
		if (r == 0)
			free(val);
		if (r != 1)
			return r == 0 ? 0 : -1;
	}
	return 1;
}

/*
 * A new upload: recipients, unlock time (0: none), lifetime in seconds
 * (0: the default), flags, begun at now.  Its id is new and random
 * (fresh), or the sender's own, refused when taken.
 */
static int
upload_begin(uint32_t sender, const uint32_t *rcpt, uint32_t n,
    uint64_t unlock, uint64_t lifetime, uint32_t flags, uint64_t now,
    int fresh, uint8_t id[MC_IDLEN])
{
	struct store_upload	*u;
	DB_TXN			*txn;
	uint32_t		 all, mine;
	int			 r;

	lifetime = store_lifetime(lifetime);
	if (lifetime > sdb.lim.retention_max)
		return STORE_E_LIMIT;
	/* broadcasts and the system's messages come from auth only */
	if (sender == 0 || (flags & ~MC_F_DELETE_AFTER_READ) != 0 ||
	    (unlock != 0 && unlock >= now + lifetime))
		return STORE_E_BADREQ;
	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (txn = sdb_begin()) == NULL) {
		free(u);
		return STORE_E_INTERNAL;
	}
	if ((r = check_recipients(txn, sender, rcpt, n)) != STORE_E_OK)
		goto done;
	r = STORE_E_INTERNAL;
	if (uploads_open(txn, sender, &all, &mine) == -1)
		goto done;
	if (all >= UPLOADS_MAX || mine >= UPLOADS_PER_USER) {
		r = STORE_E_BUSY;
		goto done;
	}
	if (fresh && msgid_new(id) == -1)
		goto done;
	/* 128 random bits do not collide; checked all the same */
	if ((r = id_free(txn, id)) != 1) {
		r = r == 0 && !fresh ? STORE_E_BADREQ : STORE_E_INTERNAL;
		goto done;
	}
	r = STORE_E_INTERNAL;
	memcpy(u->id, id, MC_IDLEN);
	u->sender = sender;
	u->started = u->touched = now;
	u->unlock = unlock;
	u->expires = now + lifetime;
	u->flags = flags;
	u->nrcpt = n;
	memcpy(u->rcpt, rcpt, n * sizeof(*rcpt));
	r = upload_save(txn, u);
 done:
	free(u);
	return sdb_end(txn, r);
}

int
store_upload_begin(uint32_t sender, const uint32_t *rcpt, uint32_t n,
    uint64_t unlock, uint64_t lifetime, uint32_t flags, uint64_t now,
    uint8_t id[MC_IDLEN])
{
	return upload_begin(sender, rcpt, n, unlock, lifetime, flags, now, 1,
	    id);
}

int
store_upload_begin_as(uint32_t sender, const uint32_t *rcpt, uint32_t n,
    uint64_t unlock, uint64_t lifetime, uint32_t flags, uint64_t created,
    const uint8_t id[MC_IDLEN])
{
	uint8_t	 mine[MC_IDLEN];

	memcpy(mine, id, MC_IDLEN);
	return upload_begin(sender, rcpt, n, unlock, lifetime, flags,
	    created, 0, mine);
}

static int
check_chunk(const struct store_upload *u, uint32_t stream, uint64_t index,
    size_t len, int last, const struct store_usage *use)
{
	/* as the STREAM construction: only the last chunk may be short */
	if (stream >= MC_STREAM_MAX || len < MC_TAGLEN ||
	    len > MC_SEALED_MAX || (!last && len != MC_SEALED_MAX))
		return STORE_E_BADREQ;
	/* streams are sent in order, each to its end, chunks in order */
	if (stream > u->nstreams ||
	    (stream < u->nstreams && (u->closed[stream] ||
	    index != u->chunks[stream])) ||
	    (stream == u->nstreams && (index != 0 ||
	    (stream > 0 && !u->closed[stream - 1]))))
		return STORE_E_BADREQ;
	if (stream >= STREAM_FILE0 + sdb.lim.files_max)
		return STORE_E_LIMIT;
	if ((stream < u->nstreams ? u->bytes[stream] : 0) + len >
	    stream_limit(stream))
		return STORE_E_LIMIT;
	if (use->bytes + u->total + len > sdb.lim.quota)
		return STORE_E_QUOTA;
	return STORE_E_OK;
}

/* One sealed chunk; last ends its stream. */
int
store_upload_chunk(uint32_t sender, const uint8_t id[MC_IDLEN],
    uint32_t stream, uint64_t index, const uint8_t *data, size_t len,
    int last, uint64_t now)
{
	struct store_upload	*u;
	struct store_usage	 use;
	DB_TXN			*txn;
	uint8_t			 k[CHUNK_KEYLEN];
	int			 r;

	if (store_usage(sender, &use) != STORE_E_OK)
		return STORE_E_INTERNAL;
	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (txn = sdb_begin()) == NULL) {
		free(u);
		return STORE_E_INTERNAL;
	}
	if ((r = upload_load(txn, id, sender, u)) != STORE_E_OK ||
	    (r = check_chunk(u, stream, index, len, last, &use)) !=
	    STORE_E_OK)
		goto done;
	if (stream == u->nstreams)
		u->nstreams++;
	u->chunks[stream]++;
	u->bytes[stream] += len;
	u->total += len;
	u->closed[stream] = last ? 1 : 0;
	u->touched = now;
	key_chunk(k, id, stream, index);
	r = sdb_put(sdb.chunk, txn, k, sizeof(k), data, len) == 0 ?
	    upload_save(txn, u) : STORE_E_INTERNAL;
 done:
	free(u);
	return sdb_end(txn, r);
}

/* Does what the sender signs match what arrived? */
static int
check_commit(const struct store_upload *u, const struct store_msg *m)
{
	uint32_t	 i;

	if (m->h.nstreams != u->nstreams || u->nstreams < STREAM_FILE0 ||
	    m->ncopy != u->nrcpt + 1 || m->copy[0].uid != u->sender)
		return STORE_E_BADREQ;
	for (i = 0; i < u->nstreams; i++)
		if (!u->closed[i] || m->h.sizes[i] != u->bytes[i])
			return STORE_E_BADREQ;
	for (i = 0; i < u->nrcpt; i++)
		if (m->copy[i + 1].uid != u->rcpt[i])
			return STORE_E_BADREQ;
	return STORE_E_OK;
}

static int
index_message(DB_TXN *txn, const struct store_msg *m)
{
	uint8_t		 k[FOLDER_KEYLEN], t[TIME_KEYLEN];
	uint32_t	 i;

	key_folder(k, m->h.sender, FOLDER_SENT, m->h.created, m->h.id);
	if (sdb_put(sdb.folder, txn, k, sizeof(k), "", 0) == -1)
		return -1;
	for (i = 1; i < m->ncopy; i++) {
		key_folder(k, m->copy[i].uid, FOLDER_INBOX, m->h.created,
		    m->h.id);
		if (sdb_put(sdb.folder, txn, k, sizeof(k), "", 0) == -1)
			return -1;
	}
	key_time(t, m->h.expires, m->h.id);
	if (sdb_put(sdb.expiry, txn, t, sizeof(t), "", 0) == -1)
		return -1;
	key_time(t, m->h.unlock, m->h.id);
	if (m->h.unlock != 0 &&
	    sdb_put(sdb.unlock, txn, t, sizeof(t), "", 0) == -1)
		return -1;
	return 0;
}

/*
 * The final step: m carries what the sender signed (stream sizes,
 * digest), the signature and every copy's wrapped key, the sender's
 * first; the rest comes from the upload.  Visible once this commits;
 * durable after the next storedb_flush().
 */
int
store_upload_commit(uint32_t sender, const uint8_t id[MC_IDLEN],
    struct store_msg *m, uint64_t now)
{
	struct store_upload	*u;
	DB_TXN			*txn;
	uint32_t		 i;
	int			 r;

	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (txn = sdb_begin()) == NULL) {
		free(u);
		return STORE_E_INTERNAL;
	}
	if ((r = upload_load(txn, id, sender, u)) != STORE_E_OK ||
	    (r = check_commit(u, m)) != STORE_E_OK)
		goto done;
	memcpy(m->h.id, id, MC_IDLEN);
	m->h.sender = sender;
	m->h.created = u->started;
	m->h.unlock = u->unlock;
	m->h.expires = u->expires;
	m->h.flags = u->flags;
	m->h.nrcpt = u->nrcpt;
	memcpy(m->h.rcpt, u->rcpt, u->nrcpt * sizeof(u->rcpt[0]));
	m->announced = 0;
	for (i = 0; i < m->ncopy; i++)
		m->copy[i].state = 0;
	r = STORE_E_INTERNAL;
	if (msg_save(txn, m) != STORE_E_OK || index_message(txn, m) == -1 ||
	    usage_add(txn, sender, (int64_t)u->total, 1) != STORE_E_OK ||
	    sdb_del(sdb.upload, txn, id, MC_IDLEN) == -1)
		goto done;
	r = STORE_E_OK;
 done:
	free(u);
	return sdb_end(txn, r);
}

static int
chunk_del(DBC *c, const uint8_t *k, void *arg)
{
	if (c->del(c, 0) != 0)
		return -1;
	(*(uint64_t *)arg)++;
	return 0;
}

/* Every chunk of id, in one transaction; their count in n. */
int
chunks_remove(DB_TXN *txn, const uint8_t id[MC_IDLEN], uint64_t *n)
{
	return sdb_walk_prefix(sdb.chunk, txn, id, MC_IDLEN, CHUNK_KEYLEN,
	    chunk_del, n);
}

static int
upload_drop(DB_TXN *txn, const uint8_t id[MC_IDLEN])
{
	uint64_t	 n = 0;

	if (chunks_remove(txn, id, &n) == -1 ||
	    sdb_del(sdb.upload, txn, id, MC_IDLEN) == -1)
		return STORE_E_INTERNAL;
	return STORE_E_OK;
}

int
store_upload_abort(uint32_t sender, const uint8_t id[MC_IDLEN])
{
	struct store_upload	*u;
	DB_TXN			*txn;
	int			 r;

	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (txn = sdb_begin()) == NULL) {
		free(u);
		return STORE_E_INTERNAL;
	}
	if ((r = upload_load(txn, id, sender, u)) == STORE_E_OK)
		r = upload_drop(txn, id);
	free(u);
	return sdb_end(txn, r);
}

/* Uploads untouched for longer than the timeout: gone, chunks and all. */
int
store_sweep(uint64_t now, uint32_t *swept)
{
	struct store_upload	 u;
	uint8_t			 ids[64][MC_IDLEN];
	DB_TXN			*txn;
	DBC			*c;
	DBT			 key, data;
	int			 i, n = 0, r;

	*swept = 0;
	if ((txn = sdb_begin()) == NULL)
		return STORE_E_INTERNAL;
	if (sdb.upload->cursor(sdb.upload, txn, &c, 0) != 0) {
		sdb_abort(txn);
		return STORE_E_INTERNAL;
	}
	memset(&key, 0, sizeof(key));
	memset(&data, 0, sizeof(data));
	while (n < 64 && (r = c->get(c, &key, &data, DB_NEXT)) == 0) {
		if (key.size != MC_IDLEN)
			continue;
		/* one that does not decode is as good as abandoned */
		if (upload_record_decode(data.data, data.size, &u) == -1 ||
		    u.touched + sdb.lim.upload_timeout <= now)
			memcpy(ids[n++], key.data, MC_IDLEN);
	}
	c->close(c);
	for (i = 0; i < n; i++)
		if (upload_drop(txn, ids[i]) != STORE_E_OK) {
			sdb_abort(txn);
			return STORE_E_INTERNAL;
		}
	*swept = (uint32_t)n;
	return sdb_commit(txn) == 0 ? STORE_E_OK : STORE_E_INTERNAL;
}
