/*
 * Asking the message store.  Every request starts with the caller's
 * uid, as auth vouched for the session; the store answers one of the
 * listed answers or STORE_FAIL, which becomes the one error value.
 */
#include "config.h"

#include <string.h>

#include "app.h"
#include "log.h"
#include "proto.h"

static const struct {
	int		 status;
	const char	*code;
} store_codes[STORE_E_MAX] = {
	[STORE_E_OK] = { 500, "internal" },
	[STORE_E_BADREQ] = { 400, "bad_request" },
	[STORE_E_NOTFOUND] = { 404, "not_found" },
	[STORE_E_LOCKED] = { 423, "locked" },
	[STORE_E_LIMIT] = { 413, "too_large" },
	[STORE_E_QUOTA] = { 507, "quota_exceeded" },
	[STORE_E_BLOCKED] = { 403, "blocked" },
	[STORE_E_STATE] = { 409, "conflict" },
	[STORE_E_BUSY] = { 503, "busy" },
	[STORE_E_INTERNAL] = { 500, "internal" },
};

/* STORE_FAIL as the one error value; its text is copied into buf. */
void
store_error(struct msg *m, struct app_error *e, char *buf, size_t bufsz)
{
	struct msgcur	 c;
	uint64_t	 detail;
	uint32_t	 code;

	msg_cursor(m, &c);
	if (msg_get_u32(&c, &code) == -1 || msg_get_u64(&c, &detail) == -1 ||
	    msg_get_string(&c, buf, bufsz) == -1 || msg_get_end(&c) == -1 ||
	    code == STORE_E_OK || code >= STORE_E_MAX)
		fatalx("malformed STORE_FAIL from store");
	memset(e, 0, sizeof(*e));
	e->status = store_codes[code].status;
	e->code = store_codes[code].code;
	e->text = buf;
	e->answered = 1;
}

/* The uid prefix of every request to the store. */
void
store_prefix(struct app_req *ar, struct msgbuf *mb, uint32_t type)
{
	msg_init(mb, type, 0);
	msg_add_u32(mb, ar->who.uid);
}

int
ask_store(struct app_req *ar, struct msgbuf *mb, req_answer_cb cb)
{
	if (req_ask(ar->r, PROC_STORE, mb, cb) == -1) {
		app_fail(ar, 503, "busy",
		    "The server is busy; try again in a moment.");
		return -1;
	}
	return 0;
}

/*
 * As ask_settled for the store: 1 when m settled the request (the store
 * gone, or STORE_FAIL), already answered; 0 when m is want or alt.
 */
int
store_settled(struct app_req *ar, struct msg *m, uint32_t want, uint32_t alt)
{
	struct app_error	 e;

	if (m == NULL) {
		app_fail(ar, 503, "unavailable", "The message store is not "
		    "available right now; try again in a moment.");
		return 1;
	}
	if (m->type == MSG_STORE_FAIL) {
		store_error(m, &e, ar->text, sizeof(ar->text));
		app_fail_error(ar, &e);
		return 1;
	}
	if (m->type != want && m->type != alt)
		fatalx("store answered %s, expected %s",
		    msg_type_name(m->type), msg_type_name(want));
	return 0;
}
