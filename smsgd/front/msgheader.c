/*
 * A message's header on its way between store, front and auth: as the
 * store answers it (STORE_HEADER), as auth reads it (the fields the
 * sender's signature covers, in KEY_SEAL and KEY_UNWRAP), and auth's
 * answer to an unwrap.  A malformed answer is a peer breaking the
 * protocol: fatal.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "msgcrypt.h"
#include "msgheader.h"
#include "proto.h"
#include "timeparse.h"

#define BAD(what)	fatalx("malformed %s", what)

/* STORE_HEADER into row; 1 when the message is locked. */
int
store_get_header(struct msg *m, struct msg_row *row)
{
	struct mc_header	*h = &row->h;
	struct msgcur		 c;
	uint8_t			 locked;
	uint32_t		 i;

	msg_cursor(m, &c);
	if (msg_get_u8(&c, &locked) == -1 ||
	    msg_get_fixed(&c, h->id, MC_IDLEN) == -1 ||
	    msg_get_u32(&c, &h->sender) == -1 ||
	    msg_get_u64(&c, &h->created) == -1 ||
	    msg_get_u64(&c, &h->unlock) == -1 ||
	    msg_get_u64(&c, &h->expires) == -1 ||
	    msg_get_u32(&c, &h->flags) == -1 ||
	    msg_get_fixed(&c, h->digest, MC_DIGESTLEN) == -1 ||
	    msg_get_u32(&c, &h->nstreams) == -1 ||
	    h->nstreams > MC_STREAM_MAX)
		BAD("STORE_HEADER");
	for (i = 0; i < h->nstreams; i++)
		if (msg_get_u64(&c, &h->sizes[i]) == -1)
			BAD("STORE_HEADER");
	if (msg_get_u32(&c, &h->nrcpt) == -1 || h->nrcpt > MC_RCPT_MAX)
		BAD("STORE_HEADER");
	for (i = 0; i < h->nrcpt; i++)
		if (msg_get_u32(&c, &h->rcpt[i]) == -1)
			BAD("STORE_HEADER");
	if (msg_get_fixed(&c, row->sig, MC_SIGLEN) == -1 ||
	    msg_get_u8(&c, &row->state) == -1 ||
	    msg_get_fixed(&c, row->wrapped, MC_WRAPLEN) == -1 ||
	    msg_get_end(&c) == -1)
		BAD("STORE_HEADER");
	row->locked = locked != 0;
	return row->locked;
}

/* What auth needs to unwrap row's key: the same in one or in a page. */
void
add_unwrap(struct msgbuf *mb, const struct msg_row *row)
{
	msg_add_u32(mb, row->h.sender);
	mc_header_add(mb, &row->h);
	msg_add_fixed(mb, row->sig, MC_SIGLEN);
	msg_add_fixed(mb, row->wrapped, MC_WRAPLEN);
}

/* Ask auth for the content key of row, for the session's user. */
int
ask_unwrap(struct app_req *ar, const struct msg_row *row, req_answer_cb cb)
{
	struct msgbuf	 mb;

	ask_prefix(ar, &mb, MSG_AUTH_KEY_UNWRAP);
	add_unwrap(&mb, row);
	return ask_auth(ar, &mb, cb);
}

/*
 * AUTH_CONTENT_KEY: the key, the signer, the nrcpt recipients' names
 * (read past when names is NULL).
 */
void
auth_get_key(struct msg *m, uint32_t nrcpt, uint8_t ckey[MC_KEYLEN],
    char from[MSG_NAMELEN], char fp[MC_FPTEXTLEN],
    char (*names)[MSG_NAMELEN])
{
	struct msgcur	 c;
	char		 skip[MSG_NAMELEN];
	uint32_t	 n, i;

	msg_cursor(m, &c);
	if (msg_get_fixed(&c, ckey, MC_KEYLEN) == -1 ||
	    msg_get_string(&c, from, MSG_NAMELEN) == -1 ||
	    msg_get_string(&c, fp, MC_FPTEXTLEN) == -1 ||
	    msg_get_u32(&c, &n) == -1 || n != nrcpt)
		BAD("AUTH_CONTENT_KEY");
	for (i = 0; i < n; i++)
		if (msg_get_string(&c, names != NULL ? names[i] : skip,
		    MSG_NAMELEN) == -1)
			BAD("AUTH_CONTENT_KEY");
	if (msg_get_end(&c) == -1)
		BAD("AUTH_CONTENT_KEY");
}

/* The answer for a message still locked: who and when, nothing more. */
void
msg_show_locked(struct app_req *ar, const struct msg_row *row)
{
	struct msg_view	 v;
	char		 when[32];

	if (ar->face->msg_shown == NULL) {
		time_format_utc(row->h.unlock, when, sizeof(when));
		snprintf(ar->text, sizeof(ar->text), "This message is locked "
		    "until %s.", when);
		app_fail(ar, 423, "locked", ar->text);
		return;
	}
	memset(&v, 0, sizeof(v));
	msgid_text(row->h.id, v.id);
	v.locked = 1;
	v.created = row->h.created;
	v.unlock = row->h.unlock;
	v.expires = row->h.expires;
	v.flags = row->h.flags;
	v.sender = row->h.sender;
	ar->face->msg_shown(ar, &v);
}

/*
 * STORE_HEADER into row: 1 when m settled the request (a failure, or
 * the message is locked), answered; 0 to go on.
 */
int
store_header_settled(struct app_req *ar, struct msg *m, struct msg_row *row)
{
	if (store_settled(ar, m, MSG_STORE_HEADER, MSG_STORE_HEADER, NULL))
		return 1;
	if (store_get_header(m, row)) {
		msg_show_locked(ar, row);
		return 1;
	}
	return 0;
}

/*
 * STORE_HEADER into row, then auth asked for its key (cb): 0 asked, 1
 * settled and answered (a failure, a locked message), -1 when the
 * message has fewer than min streams (unanswered: the caller says why).
 */
int
store_header_ask_key(struct app_req *ar, struct msg *m, struct msg_row *row,
    uint32_t min, req_answer_cb cb)
{
	if (store_header_settled(ar, m, row))
		return 1;
	if (row->h.nstreams < min)
		return -1;
	ask_unwrap(ar, row, cb);
	return 0;
}

/* STORE_CHUNK: its last flag and its sealed bytes, left in m. */
void
store_get_chunk(struct msg *m, uint8_t *last, const uint8_t **data,
    size_t *len)
{
	struct msgcur	 c;

	msg_cursor(m, &c);
	if (msg_get_u8(&c, last) == -1 ||
	    msg_get_bytes(&c, data, len, MC_SEALED_MAX) == -1 ||
	    msg_get_end(&c) == -1)
		BAD("STORE_CHUNK");
}

/*
 * AUTH_CONTENT_KEY: 1 when m settled the request (auth refused, the
 * time lock among its reasons), answered; 0 when the key is in m.
 */
int
auth_key_settled(struct app_req *ar, struct msg *m, const struct msg_row *row)
{
	struct a_fail	 f;

	if (m != NULL && m->type == MSG_AUTH_FAIL) {
		a_get_fail(m, &f);
		if (f.code == AUTH_E_TIMELOCK) {
			msg_show_locked(ar, row);
			return 1;
		}
	}
	return ask_settled(ar, m, MSG_AUTH_CONTENT_KEY, MSG_AUTH_CONTENT_KEY);
}

/* Chunk index of a stream: -1 when it cannot be asked now. */
int
ask_store_chunk(struct app_req *ar, const uint8_t id[MC_IDLEN],
    uint32_t stream, uint64_t index, req_answer_cb cb)
{
	struct msgbuf	 mb;

	ask_store_stream(ar, &mb, MSG_STORE_CHUNK_GET, id, stream);
	msg_add_u64(&mb, index);
	return req_ask(ar->r, PROC_STORE, &mb, cb);
}

/* A question to the store about one stream of a message. */
void
ask_store_stream(struct app_req *ar, struct msgbuf *mb, uint32_t type,
    const uint8_t id[MC_IDLEN], uint32_t stream)
{
	ask_store_init(ar, mb, type);
	msg_add_fixed(mb, id, MC_IDLEN);
	msg_add_u32(mb, stream);
}
