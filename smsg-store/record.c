/*
 * Store records: encoded field by field with the message layer's typed
 * adders, read back with its cursor, so a short, long or foreign record
 * is refused like a malformed message.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "proto.h"
#include "record.h"

static void
rec_begin_version(struct msgbuf *mb, uint8_t version)
{
	msg_init(mb, MSG_NONE, 0);
	msg_add_u8(mb, version);
}

static void
rec_begin(struct msgbuf *mb)
{
	rec_begin_version(mb, RECORD_VERSION);
}

/* Hand the encoded bytes to the caller. */
static int
rec_finish(struct msgbuf *mb, uint8_t **out, size_t *len)
{
	if (mb->err || (*out = malloc(mb->len)) == NULL) {
		msg_free(mb);
		return -1;
	}
	memcpy(*out, mb->data, mb->len);
	*len = mb->len;
	msg_free(mb);
	return 0;
}

static void
rec_cursor(const uint8_t *buf, size_t len, struct msgcur *c)
{
	struct msg	 m;

	memset(&m, 0, sizeof(m));
	m.data = buf;
	m.len = len;
	m.fd = -1;
	msg_cursor(&m, c);
}

static int
rec_version(struct msgcur *c)
{
	uint8_t	 v;

	return msg_get_u8(c, &v) == -1 || v != RECORD_VERSION ? -1 : 0;
}

int
msg_record_encode(const struct store_msg *m, uint8_t **out, size_t *len)
{
	struct msgbuf	 mb;
	uint32_t	 i;

	rec_begin_version(&mb, MSG_RECORD_VERSION);
	msg_add_fixed(&mb, m->h.id, MC_IDLEN);
	msg_add_u32(&mb, m->h.sender);
	msg_add_u64(&mb, m->h.created);
	msg_add_u64(&mb, m->h.unlock);
	msg_add_u64(&mb, m->h.expires);
	msg_add_u32(&mb, m->h.flags);
	msg_add_fixed(&mb, m->h.digest, MC_DIGESTLEN);
	msg_add_u32(&mb, m->h.nstreams);
	for (i = 0; i < m->h.nstreams && i < MC_STREAM_MAX; i++)
		msg_add_u64(&mb, m->h.sizes[i]);
	msg_add_fixed(&mb, m->sig, MC_SIGLEN);
	msg_add_u8(&mb, m->announced);
	/* copy 0 is the sender's; the others are the recipients in order */
	msg_add_u32(&mb, m->ncopy);
	for (i = 0; i < m->ncopy && i <= MC_RCPT_MAX; i++) {
		msg_add_u32(&mb, m->copy[i].uid);
		msg_add_u8(&mb, m->copy[i].state);
		msg_add_fixed(&mb, m->copy[i].wrapped, MC_WRAPLEN);
		msg_add_u64(&mb, m->copy[i].files_got);
	}
	/* readers' copies kept apart (bcopy.c): the signed list itself */
	if (msg_flags_apart(m->h.flags)) {
		msg_add_u32(&mb, m->h.nrcpt);
		for (i = 0; i < m->h.nrcpt && i < MC_RCPT_MAX; i++)
			msg_add_u32(&mb, m->h.rcpt[i]);
	}
	return rec_finish(&mb, out, len);
}

static int
msg_record_check(const struct store_msg *m)
{
	uint32_t	 i;

	if (m->ncopy < (msg_flags_apart(m->h.flags) ? 1 : 2) ||
	    m->copy[0].uid != m->h.sender ||
	    m->h.nstreams < STREAM_FILE0 || m->announced > 1 ||
	    (m->h.flags & ~MC_F_ALL) != 0 || m->h.expires < m->h.created)
		return -1;
	for (i = 0; i < m->ncopy; i++)
		if (m->copy[i].uid == 0 ||
		    (m->copy[i].state & ~(COPY_GONE | COPY_READ)) != 0)
			return -1;
	return 0;
}

int
msg_record_decode(const uint8_t *buf, size_t len, struct store_msg *m)
{
	struct msgcur	 c;
	uint32_t	 i;
	uint8_t		 v;

	memset(m, 0, sizeof(*m));
	rec_cursor(buf, len, &c);
	/* version 1 had no record of the files read */
	if (msg_get_u8(&c, &v) == -1 || v < 1 || v > MSG_RECORD_VERSION ||
	    msg_get_fixed(&c, m->h.id, MC_IDLEN) == -1 ||
	    msg_get_u32(&c, &m->h.sender) == -1 ||
	    msg_get_u64(&c, &m->h.created) == -1 ||
	    msg_get_u64(&c, &m->h.unlock) == -1 ||
	    msg_get_u64(&c, &m->h.expires) == -1 ||
	    msg_get_u32(&c, &m->h.flags) == -1 ||
	    msg_get_fixed(&c, m->h.digest, MC_DIGESTLEN) == -1 ||
	    msg_get_u32(&c, &m->h.nstreams) == -1 ||
	    m->h.nstreams > MC_STREAM_MAX)
		return -1;
	for (i = 0; i < m->h.nstreams; i++)
		msg_get_u64(&c, &m->h.sizes[i]);
	msg_get_fixed(&c, m->sig, MC_SIGLEN);
	msg_get_u8(&c, &m->announced);
	if (msg_get_u32(&c, &m->ncopy) == -1 || m->ncopy > MC_RCPT_MAX + 1)
		return -1;
	for (i = 0; i < m->ncopy; i++) {
		msg_get_u32(&c, &m->copy[i].uid);
		msg_get_u8(&c, &m->copy[i].state);
		msg_get_fixed(&c, m->copy[i].wrapped, MC_WRAPLEN);
		if (v >= 2)
			msg_get_u64(&c, &m->copy[i].files_got);
	}
	if (msg_flags_apart(m->h.flags)) {
		if (msg_get_u32(&c, &m->h.nrcpt) == -1 ||
		    m->h.nrcpt > MC_RCPT_MAX)
			return -1;
		for (i = 0; i < m->h.nrcpt; i++)
			msg_get_u32(&c, &m->h.rcpt[i]);
		return msg_get_end(&c) == -1 || msg_record_check(m) == -1 ?
		    -1 : 0;
	}
	if (msg_get_end(&c) == -1 || msg_record_check(m) == -1)
		return -1;
	/* the signed recipient list is every copy but the sender's */
	m->h.nrcpt = m->ncopy - 1;
	for (i = 1; i < m->ncopy; i++)
		m->h.rcpt[i - 1] = m->copy[i].uid;
	return 0;
}

int
upload_record_encode(const struct store_upload *u, uint8_t **out,
    size_t *len)
{
	struct msgbuf	 mb;
	uint32_t	 i;

	rec_begin(&mb);
	msg_add_fixed(&mb, u->id, MC_IDLEN);
	msg_add_u32(&mb, u->sender);
	msg_add_u64(&mb, u->started);
	msg_add_u64(&mb, u->touched);
	msg_add_u64(&mb, u->unlock);
	msg_add_u64(&mb, u->expires);
	msg_add_u32(&mb, u->flags);
	msg_add_u32(&mb, u->nrcpt);
	for (i = 0; i < u->nrcpt && i < MC_RCPT_MAX; i++)
		msg_add_u32(&mb, u->rcpt[i]);
	msg_add_u32(&mb, u->nstreams);
	for (i = 0; i < u->nstreams && i < MC_STREAM_MAX; i++) {
		msg_add_u64(&mb, u->chunks[i]);
		msg_add_u64(&mb, u->bytes[i]);
		msg_add_u8(&mb, u->closed[i]);
	}
	msg_add_u64(&mb, u->total);
	return rec_finish(&mb, out, len);
}

int
upload_record_decode(const uint8_t *buf, size_t len, struct store_upload *u)
{
	struct msgcur	 c;
	uint32_t	 i;

	memset(u, 0, sizeof(*u));
	rec_cursor(buf, len, &c);
	if (rec_version(&c) == -1 ||
	    msg_get_fixed(&c, u->id, MC_IDLEN) == -1 ||
	    msg_get_u32(&c, &u->sender) == -1 ||
	    msg_get_u64(&c, &u->started) == -1 ||
	    msg_get_u64(&c, &u->touched) == -1 ||
	    msg_get_u64(&c, &u->unlock) == -1 ||
	    msg_get_u64(&c, &u->expires) == -1 ||
	    msg_get_u32(&c, &u->flags) == -1 ||
	    msg_get_u32(&c, &u->nrcpt) == -1 || u->nrcpt > MC_RCPT_MAX)
		return -1;
	for (i = 0; i < u->nrcpt; i++)
		msg_get_u32(&c, &u->rcpt[i]);
	if (msg_get_u32(&c, &u->nstreams) == -1 ||
	    u->nstreams > MC_STREAM_MAX)
		return -1;
	for (i = 0; i < u->nstreams; i++) {
		msg_get_u64(&c, &u->chunks[i]);
		msg_get_u64(&c, &u->bytes[i]);
		msg_get_u8(&c, &u->closed[i]);
	}
	msg_get_u64(&c, &u->total);
	return msg_get_end(&c);
}

int
contact_record_encode(const struct store_contact *k, uint8_t **out,
    size_t *len)
{
	struct msgbuf	 mb;

	rec_begin(&mb);
	msg_add_u32(&mb, k->uid);
	msg_add_string(&mb, k->nick);
	msg_add_u8(&mb, k->blocked);
	msg_add_u8(&mb, k->verified);
	msg_add_string(&mb, k->fingerprint);
	msg_add_u64(&mb, k->added);
	return rec_finish(&mb, out, len);
}

int
contact_record_decode(const uint8_t *buf, size_t len, struct store_contact *k)
{
	struct msgcur	 c;

	memset(k, 0, sizeof(*k));
	rec_cursor(buf, len, &c);
	if (rec_version(&c) == -1)
		return -1;
	msg_get_u32(&c, &k->uid);
	msg_get_string(&c, k->nick, sizeof(k->nick));
	msg_get_u8(&c, &k->blocked);
	msg_get_u8(&c, &k->verified);
	msg_get_string(&c, k->fingerprint, sizeof(k->fingerprint));
	msg_get_u64(&c, &k->added);
	if (msg_get_end(&c) == -1 || k->blocked > 1 || k->verified > 1)
		return -1;
	return 0;
}

int
usage_record_encode(const struct store_usage *u, uint8_t **out, size_t *len)
{
	struct msgbuf	 mb;

	rec_begin(&mb);
	msg_add_u64(&mb, u->bytes);
	msg_add_u32(&mb, u->messages);
	return rec_finish(&mb, out, len);
}

int
usage_record_decode(const uint8_t *buf, size_t len, struct store_usage *u)
{
	struct msgcur	 c;

	memset(u, 0, sizeof(*u));
	rec_cursor(buf, len, &c);
	if (rec_version(&c) == -1)
		return -1;
	msg_get_u64(&c, &u->bytes);
	msg_get_u32(&c, &u->messages);
	return msg_get_end(&c);
}

struct store_copy *
msg_copy(struct store_msg *m, uint32_t uid)
{
	uint32_t	 i;

	for (i = 0; i < m->ncopy; i++)
		if (m->copy[i].uid == uid)
			return &m->copy[i];
	return NULL;
}
