/*
 * Broadcast, once for both faces: a subject and a text for every account.
 * Who may is messages.broadcast's to say (the route's ACCESS_BROADCAST,
 * checked in app.c, and again by auth); auth seals, wraps for every
 * account and signs, and answers once the store has it on disk.
 */
#include "config.h"

#include <string.h>

#include "app.h"
#include "log.h"
#include "proto.h"

#define BAD(what)	fatalx("malformed %s from auth", what)

static const enum field bcast_fields[] = { F_SUBJECT, F_BODY, F_END };

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
	struct msgbuf	 mb;
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
	ask_prefix(ar, &mb, MSG_AUTH_BROADCAST);
	msg_add_string(&mb, subject);
	msg_add_bytes(&mb, body, strlen(body));
	ask_auth(ar, &mb, on_broadcast);
}

/* GET /broadcast: the form, for whom the route lets in. */
void
page_broadcast(struct app_req *ar)
{
	page_show(ar);
}
