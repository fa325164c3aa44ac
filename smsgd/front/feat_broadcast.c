/*
 * Broadcast, once for both faces: a subject and a text for every account.
 * Who may is messages.broadcast's to say (the route's ACCESS_BROADCAST,
 * checked in app.c, and again by auth).  The front seals subject and body
 * under a fresh content key, as for any message, so auth never sees the
 * text: auth wraps the key for every account, signs, and answers once the
 * store has it on disk.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "msgcrypt.h"
#include "proto.h"

#define BAD(what)	fatalx("malformed %s from auth", what)

static const enum field bcast_fields[] = { F_SUBJECT, F_BODY, F_END };

static int	ask_sealed(struct app_req *, const char *, const char *);

/* AUTH_BROADCAST_SENT: id, u64 created, u64 expires, u32 n, u32 skipped. */
static void
get_sent(struct msg *m, struct bcast_sent *b)
{
	struct msgcur	 c;
	uint8_t		 id[MC_IDLEN];

	msg_cursor(m, &c);
	msg_get_fixed(&c, id, MC_IDLEN);
	msg_get_u64(&c, &b->created);
	msg_get_u64(&c, &b->expires);
	msg_get_u32(&c, &b->recipients);
	msg_get_u32(&c, &b->skipped);
	if (msg_get_end(&c) == -1)
		BAD("AUTH_BROADCAST_SENT");
	msgid_text(id, b->id);
}

static int
on_broadcast(struct req *r, struct msg *m)
{
	struct app_req		*ar = app_of(r);
	struct bcast_sent	 b;

	if (ask_settled(ar, m, MSG_AUTH_BROADCAST_SENT,
	    MSG_AUTH_BROADCAST_SENT))
		return 0;
	memset(&b, 0, sizeof(b));
	get_sent(m, &b);
	ar->face->broadcast_sent(ar, &b);
	return 0;
}

void
feat_broadcast(struct app_req *ar)
{
	const char	*subject, *body;

	if (in_check(ar, bcast_fields) == -1)
		return;
	subject = in_text(ar, F_SUBJECT);
	body = in_text(ar, F_BODY);
	if (strspn(body, " \t\r\n") == strlen(body)) {
		app_fail(ar, 400, "missing_body", "A broadcast needs a text "
		    "(\"body\").");
		return;
	}
	if (strlen(body) > BROADCAST_TEXT_MAX || strlen(subject) >=
	    MSG_MAXSTR) {
		snprintf(ar->text, sizeof(ar->text), "A broadcast's text is "
		    "%d bytes at most, its subject shorter still.",
		    BROADCAST_TEXT_MAX);
		app_fail(ar, 413, "too_long", ar->text);
		return;
	}
	if (ask_sealed(ar, subject, body) == -1)
		app_fail(ar, 500, "internal", "The broadcast could not be "
		    "sealed.");
}

/* One text as stream n, a single last chunk: 0, or -1. */
static int
seal_one(const uint8_t ckey[MC_KEYLEN], const uint8_t id[MC_IDLEN],
    uint32_t n, const char *text, uint8_t *out, size_t *outlen)
{
	struct mc_stream	 st;
	int			 r = -1;

	if (mc_stream_init(&st, ckey, id, 0, n) == 0)
		r = mc_stream_seal(&st, (const uint8_t *)text, strlen(text), 1,
		    out, outlen);
	mc_stream_clear(&st);
	return r;
}

/*
 * AUTH_BROADCAST with the id, the content key and both texts sealed;
 * the key and the sealed copies are wiped after.  0 asked, or -1.
 */
static int
ask_sealed(struct app_req *ar, const char *subject, const char *body)
{
	uint8_t		(*sealed)[BROADCAST_TEXT_MAX + MC_TAGLEN];
	uint8_t		 id[MC_IDLEN], ckey[MC_KEYLEN];
	size_t		 len[2];
	struct msgbuf	 mb;
	int		 r = -1;

	/* Worker threads share this: no static buffer. */
	if ((sealed = calloc(2, sizeof(*sealed))) == NULL)
		return -1;
	if (msgid_new(id) == 0 &&
	    msgcrypt_random(ckey, sizeof(ckey)) == 0 &&
	    seal_one(ckey, id, 0, subject, sealed[0], &len[0]) == 0 &&
	    seal_one(ckey, id, 1, body, sealed[1], &len[1]) == 0) {
		ask_prefix(ar, &mb, MSG_AUTH_BROADCAST);
		msg_add_fixed(&mb, id, MC_IDLEN);
		msg_add_fixed(&mb, ckey, MC_KEYLEN);
		msg_add_bytes(&mb, sealed[0], len[0]);
		msg_add_bytes(&mb, sealed[1], len[1]);
		ask_auth(ar, &mb, on_broadcast);
		r = 0;
	}
	explicit_bzero(ckey, sizeof(ckey));
	explicit_bzero(sealed, 2 * sizeof(*sealed));
	free(sealed);
	return r;
}

/* GET /broadcast: the form, for whom the route lets in. */
void
page_broadcast(struct app_req *ar)
{
	page_show(ar);
}
