/*
 * A message put whole (STORE_UPLOAD_PUT): what fits in one message from
 * the front is begun, written and committed in one request instead of
 * a begin, a request per chunk and a commit.  The sender chose the id
 * and the creation time, which the header it signed carries; the store
 * checks both, and every check of the three steps runs as it runs for
 * an upload in steps, in the same order.  A refusal after the begin
 * drops the upload, so nothing of a refused put remains.
 */
#include "config.h"

#include <string.h>

#include "handlers.h"
#include "log.h"
#include "proc.h"
#include "reply.h"
#include "storedb.h"

/* How far the sender's clock may be from the store's: the same host's. */
#define PUT_CLOCK_SLACK	60

struct put_chunk {
	uint32_t	 stream;
	uint64_t	 index;
	uint8_t		 last;
	const uint8_t	*data;
	size_t		 len;
};

/* u64 unlock, u64 lifetime, u32 flags, u32 n, n * u32 recipient. */
void
store_get_begin(struct sreq *r, struct upload_req *u)
{
	uint32_t	 i;

	msg_get_u64(&r->cur, &u->unlock);
	msg_get_u64(&r->cur, &u->lifetime);
	msg_get_u32(&r->cur, &u->flags);
	if (msg_get_u32(&r->cur, &u->n) == -1 || u->n > MC_RCPT_MAX)
		fatalx("malformed %s from front", msg_type_name(r->type));
	for (i = 0; i < u->n; i++)
		msg_get_u32(&r->cur, &u->rcpt[i]);
}

/*
 * What the sender signed and the copies: u32 nstreams, their sizes,
 * digest, signature, u32 ncopy, each uid and wrapped key (the sender's
 * first).  STORE_UPLOAD_COMMIT and STORE_UPLOAD_PUT end with it.
 */
void
store_get_commit(struct sreq *r, struct store_msg *m)
{
	uint32_t	 i;

	if (msg_get_u32(&r->cur, &m->h.nstreams) == -1 ||
	    m->h.nstreams > MC_STREAM_MAX)
		fatalx("malformed %s from front", msg_type_name(r->type));
	for (i = 0; i < m->h.nstreams; i++)
		msg_get_u64(&r->cur, &m->h.sizes[i]);
	msg_get_fixed(&r->cur, m->h.digest, MC_DIGESTLEN);
	msg_get_fixed(&r->cur, m->sig, MC_SIGLEN);
	if (msg_get_u32(&r->cur, &m->ncopy) == -1 ||
	    m->ncopy > MC_RCPT_MAX + 1)
		fatalx("malformed %s from front", msg_type_name(r->type));
	for (i = 0; i < m->ncopy; i++) {
		msg_get_u32(&r->cur, &m->copy[i].uid);
		msg_get_fixed(&r->cur, m->copy[i].wrapped, MC_WRAPLEN);
	}
}

/* The chunks, each as STORE_UPLOAD_CHUNK carries one. */
static uint32_t
get_chunks(struct sreq *r, struct put_chunk *c)
{
	uint32_t	 n, i;

	if (msg_get_u32(&r->cur, &n) == -1 || n > MC_STREAM_MAX)
		fatalx("malformed %s from front", msg_type_name(r->type));
	for (i = 0; i < n; i++) {
		msg_get_u32(&r->cur, &c[i].stream);
		msg_get_u64(&r->cur, &c[i].index);
		msg_get_u8(&r->cur, &c[i].last);
		if (msg_get_bytes(&r->cur, &c[i].data, &c[i].len,
		    MC_SEALED_MAX) == -1)
			fatalx("malformed %s from front",
			    msg_type_name(r->type));
	}
	return n;
}

/* Begun at created, expiring when the store says: what was signed. */
static int
check_times(const struct sreq *r, uint64_t created, uint64_t expires,
    uint64_t lifetime)
{
	uint64_t	 now = (uint64_t)r->now;

	if (created > now + PUT_CLOCK_SLACK || created + PUT_CLOCK_SLACK < now)
		return STORE_E_BUSY;
	if (expires != created + store_lifetime(lifetime))
		return STORE_E_BADREQ;
	return STORE_E_OK;
}

/* The chunks written; on a refusal, its answer given. */
static int
put_chunks(struct sreq *r, uint32_t uid, const uint8_t id[MC_IDLEN],
    const struct put_chunk *c, uint32_t n)
{
	uint32_t	 i;
	int		 rv;

	for (i = 0; i < n; i++) {
		rv = store_upload_chunk(uid, id, c[i].stream, c[i].index,
		    c[i].data, c[i].len, c[i].last != 0, r->now);
		if (rv == STORE_E_LIMIT) {
			store_chunk_limit_fail(r->peerid, c[i].stream);
			return rv;
		}
		if (rv != STORE_E_OK) {
			store_fail(r->peerid, rv, 0);
			return rv;
		}
	}
	return STORE_E_OK;
}

/*
 * uid, id, u64 created, u64 expires, u64 unlock, u64 lifetime, u32
 * flags, u32 n, n * u32 recipient, u32 nchunks, each (u32 stream, u64
 * index, u8 last, bytes), then the commit's fields -> STORE_SENT.
 */
void
h_upload_put(struct sreq *r)
{
	static struct store_msg	 m;
	static struct put_chunk	 c[MC_STREAM_MAX];
	static struct upload_req u;
	uint32_t		 uid, nchunks;
	uint64_t		 created, expires;
	uint8_t			 id[MC_IDLEN];
	int			 rv;

	memset(&m, 0, sizeof(m));
	msg_get_u32(&r->cur, &uid);
	msg_get_fixed(&r->cur, id, MC_IDLEN);
	msg_get_u64(&r->cur, &created);
	msg_get_u64(&r->cur, &expires);
	store_get_begin(r, &u);
	nchunks = get_chunks(r, c);
	store_get_commit(r, &m);
	sreq_end(r);
	if ((rv = check_times(r, created, expires, u.lifetime)) !=
	    STORE_E_OK || (rv = store_upload_begin_as(uid, u.rcpt, u.n,
	    u.unlock, u.lifetime, u.flags, created, id)) != STORE_E_OK) {
		store_fail(r->peerid, rv, 0);
		return;
	}
	if (put_chunks(r, uid, id, c, nchunks) != STORE_E_OK) {
		store_upload_abort(uid, id);
		return;
	}
	if ((rv = store_upload_commit(uid, id, &m, r->now)) != STORE_E_OK) {
		store_upload_abort(uid, id);
		store_fail(r->peerid, rv, 0);
		return;
	}
	store_sent(r, &m);
}
