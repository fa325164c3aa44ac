/*
 * The front's requests about messages: uploads, reads, deletes.  A
 * field the message layer cannot read is the front breaking the
 * protocol (fatal); a value out of bounds is a bad request (answered).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "log.h"
#include "proc.h"
#include "reply.h"
#include "storedb.h"

void
sreq_end(struct sreq *r)
{
	if (msg_get_end(&r->cur) == -1)
		fatalx("malformed %s from %s", msg_type_name(r->type),
		    proc_name(r->from));
}

/* uid and id, the start of most requests. */
static void
get_uid_id(struct sreq *r, uint32_t *uid, uint8_t id[MC_IDLEN])
{
	msg_get_u32(&r->cur, uid);
	msg_get_fixed(&r->cur, id, MC_IDLEN);
}


void
h_upload_begin(struct sreq *r)
{
	static struct upload_req u;
	struct msgbuf		 mb;
	uint32_t		 uid;
	uint8_t			 id[MC_IDLEN];
	int			 rv;

	msg_get_u32(&r->cur, &uid);
	store_get_begin(r, &u);
	sreq_end(r);
	rv = store_upload_begin(uid, u.rcpt, u.n, u.unlock, u.lifetime,
	    u.flags, r->now, id);
	if (rv != STORE_E_OK) {
		store_fail(r->peerid, rv, 0);
		return;
	}
	msg_init(&mb, MSG_STORE_UPLOADING, r->peerid);
	msg_add_fixed(&mb, id, MC_IDLEN);
	msg_add_u64(&mb, r->now);
	msg_add_u64(&mb, r->now + store_lifetime(u.lifetime));
	reply_queue(PROC_FRONT, &mb);
}

/* Which limit a chunk went over, in words that name it. */
void
store_chunk_limit_fail(uint32_t peerid, uint32_t stream)
{
	const struct store_limits *lim = storedb_limits();
	char		 text[160];
	uint64_t	 limit;

	if (stream >= STREAM_FILE0 + lim->files_max) {
		limit = lim->files_max;
		snprintf(text, sizeof(text), "Too many files: the limit is "
		    "at most %u files to a message.", lim->files_max);
	} else if (stream >= STREAM_FILE0) {
		limit = lim->file_max;
		snprintf(text, sizeof(text), "A file is over the limit: at "
		    "most %llu bytes.", (unsigned long long)lim->file_max);
	} else {
		limit = stream == STREAM_SUBJECT ? lim->subject_max :
		    lim->body_max;
		snprintf(text, sizeof(text), "The %s is over the limit: at "
		    "most %llu bytes.", stream == STREAM_SUBJECT ? "subject" :
		    "body", (unsigned long long)limit);
	}
	store_fail_text(peerid, STORE_E_LIMIT, limit, text);
}

void
h_upload_chunk(struct sreq *r)
{
	const uint8_t	*data;
	size_t		 len;
	uint32_t	 uid, stream;
	uint64_t	 index;
	uint8_t		 id[MC_IDLEN], last;
	int		 rv;

	get_uid_id(r, &uid, id);
	msg_get_u32(&r->cur, &stream);
	msg_get_u64(&r->cur, &index);
	msg_get_u8(&r->cur, &last);
	if (msg_get_bytes(&r->cur, &data, &len, MC_SEALED_MAX) == -1)
		fatalx("malformed %s from front", msg_type_name(r->type));
	sreq_end(r);
	/* chunks need no flush of their own: the commit's covers them */
	rv = store_upload_chunk(uid, id, stream, index, data, len, last != 0,
	    r->now);
	if (rv == STORE_E_LIMIT)
		store_chunk_limit_fail(r->peerid, stream);
	else
		store_answer(r->peerid, rv);
}

static void
push_new(const struct store_msg *m)
{
	char		 idt[MC_IDTEXTLEN], data[128];
	uint32_t	 i;

	msgid_text(m->h.id, idt);
	snprintf(data, sizeof(data), "{\"id\":\"%s\",\"from\":%u,"
	    "\"locked\":%s}", idt, m->h.sender, m->h.unlock > 0 ?
	    "true" : "false");
	for (i = 1; i < m->ncopy; i++)
		store_push(m->copy[i].uid, "message", data);
}

void
h_upload_commit(struct sreq *r)
{
	static struct store_msg	 m;
	uint32_t		 uid;
	uint8_t			 id[MC_IDLEN];
	int			 rv;

	memset(&m, 0, sizeof(m));
	get_uid_id(r, &uid, id);
	store_get_commit(r, &m);
	sreq_end(r);
	if ((rv = store_upload_commit(uid, id, &m, r->now)) != STORE_E_OK) {
		store_fail(r->peerid, rv, 0);
		return;
	}
	store_sent(r, &m);
}

/*
 * A message committed: STORE_SENT once it is on disk (the reply waits
 * for the flush), and a push to each recipient.
 */
void
store_sent(struct sreq *r, struct store_msg *m)
{
	struct msgbuf	 mb;

	reply_dirty();
	msg_init(&mb, MSG_STORE_SENT, r->peerid);
	msg_add_fixed(&mb, m->h.id, MC_IDLEN);
	msg_add_u64(&mb, m->h.created);
	msg_add_u64(&mb, m->h.unlock);
	msg_add_u64(&mb, m->h.expires);
	reply_queue(PROC_FRONT, &mb);
	push_new(m);
	explicit_bzero(m, sizeof(*m));
}

void
h_upload_abort(struct sreq *r)
{
	uint32_t	 uid;
	uint8_t		 id[MC_IDLEN];

	get_uid_id(r, &uid, id);
	sreq_end(r);
	store_changed(r->peerid, store_upload_abort(uid, id));
}

/* A header as the caller may see it: only their key, none if locked. */
static void
add_header(struct msgbuf *mb, const struct store_msg *m, uint32_t uid,
    int locked)
{
	const struct store_copy	*c = NULL;
	uint32_t		 i;

	for (i = 0; i < m->ncopy; i++)
		if (m->copy[i].uid == uid)
			c = &m->copy[i];
	msg_add_u8(mb, locked ? 1 : 0);
	msg_add_fixed(mb, m->h.id, MC_IDLEN);
	msg_add_u32(mb, m->h.sender);
	msg_add_u64(mb, m->h.created);
	msg_add_u64(mb, m->h.unlock);
	msg_add_u64(mb, m->h.expires);
	msg_add_u32(mb, m->h.flags);
	msg_add_fixed(mb, m->h.digest, MC_DIGESTLEN);
	msg_add_u32(mb, m->h.nstreams);
	for (i = 0; i < m->h.nstreams; i++)
		msg_add_u64(mb, m->h.sizes[i]);
	msg_add_u32(mb, m->h.nrcpt);
	for (i = 0; i < m->h.nrcpt; i++)
		msg_add_u32(mb, m->h.rcpt[i]);
	msg_add_fixed(mb, m->sig, MC_SIGLEN);
	msg_add_u8(mb, c != NULL ? c->state : 0);
	if (c != NULL && !locked)
		msg_add_fixed(mb, c->wrapped, MC_WRAPLEN);
	else {
		uint8_t	 zero[MC_WRAPLEN] = { 0 };

		msg_add_fixed(mb, zero, MC_WRAPLEN);
	}
}

/* STORE_HEADER, and with text the chunks that come along. */
static void
answer_header(struct sreq *r, struct store_text *text)
{
	static struct store_msg	 m;
	struct msgbuf		 mb;
	uint32_t		 uid, i;
	uint8_t			 id[MC_IDLEN];
	int			 rv;

	get_uid_id(r, &uid, id);
	sreq_end(r);
	rv = store_get_text(uid, id, r->now, &m, text);
	if (rv != STORE_E_OK && rv != STORE_E_LOCKED) {
		store_fail(r->peerid, rv, 0);
		return;
	}
	msg_init(&mb, MSG_STORE_HEADER, r->peerid);
	add_header(&mb, &m, uid, rv == STORE_E_LOCKED);
	reply_queue(PROC_FRONT, &mb);
	for (i = 0; text != NULL && i < MC_TEXT_STREAMS; i++) {
		if (text->data[i] == NULL)
			continue;
		msg_init(&mb, MSG_STORE_CHUNK, r->peerid);
		msg_add_u8(&mb, 1);
		msg_add_bytes(&mb, text->data[i], text->len[i]);
		reply_queue(PROC_FRONT, &mb);
	}
	/* the copies in use, not the table of 257 */
	explicit_bzero(m.copy, m.ncopy * sizeof(m.copy[0]));
	explicit_bzero(&m.h, sizeof(m.h));
}

void
h_get(struct sreq *r)
{
	answer_header(r, NULL);
}

/* The header with the text's chunks: a read in one question. */
void
h_get_text(struct sreq *r)
{
	struct store_text	 text;

	answer_header(r, &text);
	store_text_free(&text);
}

void
h_chunk_get(struct sreq *r)
{
	static uint8_t	 buf[MC_SEALED_MAX];
	static struct store_msg m;
	struct msgbuf	 mb;
	uint32_t	 uid, stream;
	uint64_t	 index;
	uint8_t		 id[MC_IDLEN];
	size_t		 len;
	int		 last = 0, rv;

	get_uid_id(r, &uid, id);
	msg_get_u32(&r->cur, &stream);
	msg_get_u64(&r->cur, &index);
	sreq_end(r);
	rv = store_chunk(uid, id, stream, index, r->now, buf, sizeof(buf),
	    &len, &last);
	if (rv != STORE_E_OK) {
		/* the unlock time, for the front's 423 */
		if (rv == STORE_E_LOCKED && store_get(uid, id, r->now, &m) ==
		    STORE_E_LOCKED)
			store_fail(r->peerid, rv, m.h.unlock);
		else
			store_fail(r->peerid, rv, 0);
		return;
	}
	msg_init(&mb, MSG_STORE_CHUNK, r->peerid);
	msg_add_u8(&mb, last ? 1 : 0);
	msg_add_bytes(&mb, buf, len);
	reply_queue(PROC_FRONT, &mb);
}

void
h_read(struct sreq *r)
{
	uint32_t	 uid, part;
	uint8_t		 id[MC_IDLEN];

	get_uid_id(r, &uid, id);
	msg_get_u32(&r->cur, &part);
	sreq_end(r);
	store_changed(r->peerid, store_read_done(uid, id, part, r->now));
}

void
h_delete(struct sreq *r)
{
	char		 idt[MC_IDTEXTLEN], data[64];
	uint32_t	 uid;
	uint8_t		 id[MC_IDLEN];
	int		 rv;

	get_uid_id(r, &uid, id);
	sreq_end(r);
	rv = store_delete(uid, id, r->now);
	store_changed(r->peerid, rv);
	if (rv == STORE_E_OK) {
		msgid_text(id, idt);
		snprintf(data, sizeof(data), "{\"id\":\"%s\"}", idt);
		store_push(uid, "deleted", data);
	}
}

struct listing {
	uint32_t	 peerid;
	uint64_t	 now;
};

/* A header, and the subject's one sealed chunk when it comes along. */
static void
list_one(const struct store_msg *m, uint32_t uid, const uint8_t *subject,
    size_t slen, void *arg)
{
	struct listing	*l = arg;
	struct msgbuf	 mb;

	msg_init(&mb, MSG_STORE_HEADER, l->peerid);
	add_header(&mb, m, uid, m->h.unlock != 0 && m->h.unlock > l->now);
	reply_queue(PROC_FRONT, &mb);
	if (subject == NULL)
		return;
	msg_init(&mb, MSG_STORE_CHUNK, l->peerid);
	msg_add_u8(&mb, 1);
	msg_add_bytes(&mb, subject, slen);
	reply_queue(PROC_FRONT, &mb);
}

void
h_list(struct sreq *r)
{
	struct listing	 l = { r->peerid, r->now };
	struct msgbuf	 mb;
	uint32_t	 uid, limit;
	uint8_t		 folder, has_before, before[MC_IDLEN], subjects;
	uint8_t		 next[MC_IDLEN];
	int		 more = 0, rv;

	msg_get_u32(&r->cur, &uid);
	msg_get_u8(&r->cur, &folder);
	msg_get_u8(&r->cur, &has_before);
	msg_get_fixed(&r->cur, before, MC_IDLEN);
	msg_get_u32(&r->cur, &limit);
	msg_get_u8(&r->cur, &subjects);
	sreq_end(r);
	memset(next, 0, sizeof(next));
	rv = store_list(uid, folder, has_before ? before : NULL, limit,
	    subjects != 0, r->now, list_one, &l, next, &more);
	if (rv != STORE_E_OK) {
		store_fail(r->peerid, rv, 0);
		return;
	}
	msg_init(&mb, MSG_STORE_END, r->peerid);
	msg_add_u8(&mb, more ? 1 : 0);
	msg_add_fixed(&mb, next, MC_IDLEN);
	reply_queue(PROC_FRONT, &mb);
}
