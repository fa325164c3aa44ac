/*
 * Session features, each written once for both faces: the list of one's
 * sessions, the activity log, and signing a session out.  Lists come
 * from auth a row at a time until AUTH_END.
 */
#include "config.h"

#include "app.h"
#include "proto.h"

/* A list answer: each row to the face, until AUTH_END. */
static int
on_list(struct req *r, struct msg *m, uint32_t item, const char *name,
    void (*row)(struct app_req *, struct msg *))
{
	struct app_req	*ar = app_of(r);

	if (ask_settled(ar, m, item, MSG_AUTH_END))
		return 0;
	if (m->type == MSG_AUTH_END) {
		a_expect_empty(m);
		ar->face->list_end(ar, name);
		return 0;
	}
	row(ar, m);
	return 1;
}

static void
session_row(struct app_req *ar, struct msg *m)
{
	struct a_sessinfo	 s;

	a_get_sessinfo(m, &s);
	ar->face->session_row(ar, &s);
}

static int
on_sessions(struct req *r, struct msg *m)
{
	return on_list(r, m, MSG_AUTH_SESSION_INFO, "sessions", session_row);
}

void
feat_sessions(struct app_req *ar)
{
	ask_session(ar, MSG_AUTH_SESSIONS, on_sessions);
}

static void
event_row(struct app_req *ar, struct msg *m)
{
	struct a_event	 e;

	a_get_event(m, &e);
	ar->face->event_row(ar, &e);
}

static int
on_activity(struct req *r, struct msg *m)
{
	return on_list(r, m, MSG_AUTH_EVENT, "events", event_row);
}

void
feat_activity(struct app_req *ar)
{
	ask_session(ar, MSG_AUTH_ACTIVITY, on_activity);
}

/* The id is the API's {id} or the page form's id field. */
void
feat_revoke(struct app_req *ar)
{
	struct msgbuf	 mb;
	uint64_t	 sid;

	if (in_session_id(ar, &sid) == -1)
		return;
	ask_prefix(ar, &mb, MSG_AUTH_REVOKE);
	msg_add_u64(&mb, sid);
	ar->done = ar->face->revoked;
	ask_auth(ar, &mb, ask_on_ok);
}
