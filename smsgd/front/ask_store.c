/*
 * Asking the store, on a request auth has vouched for (ar->who): every
 * question starts with the caller's uid, and every STORE_FAIL becomes
 * the one error value, said by the route's face.
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
	[STORE_E_QUOTA] = { 507, "quota" },
	[STORE_E_BLOCKED] = { 403, "blocked" },
	[STORE_E_STATE] = { 409, "conflict" },
	[STORE_E_BUSY] = { 503, "busy" },
	[STORE_E_INTERNAL] = { 500, "internal" },
};

/* A question to the store from the signed-in user. */
void
ask_store_init(struct app_req *ar, struct msgbuf *mb, uint32_t type)
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
 * STORE_FAIL: u32 code, u64 detail, string message.  The store speaks of
 * messages; a feature's own texts, where it has one for the code, say
 * what failed in its words.
 */
static void
store_fail_answer(struct app_req *ar, struct msg *m,
    const char *const *texts)
{
	struct msgcur		 c;
	struct app_error	 e;
	uint64_t		 detail;
	uint32_t		 code;

	msg_cursor(m, &c);
	if (msg_get_u32(&c, &code) == -1 || msg_get_u64(&c, &detail) == -1 ||
	    msg_get_string(&c, ar->text, sizeof(ar->text)) == -1 ||
	    msg_get_end(&c) == -1 || code >= STORE_E_MAX)
		fatalx("malformed STORE_FAIL from store");
	e.status = store_codes[code].status;
	e.code = store_codes[code].code;
	e.text = texts != NULL && texts[code] != NULL ? texts[code] :
	    ar->text;
	e.retry_after = 0;
	e.answered = 1;
	ar->face->error(ar, &e);
}

/*
 * The common part of every store answer: 1 when it settled the request
 * (store gone, or a failure), already answered; 0 when m is want or alt.
 * texts: NULL, or the feature's texts by STORE_E_* code.
 */
int
store_settled(struct app_req *ar, struct msg *m, uint32_t want, uint32_t alt,
    const char *const *texts)
{
	if (m == NULL) {
		app_fail(ar, 503, "unavailable", "The message store is not "
		    "available right now; try again in a moment.");
		return 1;
	}
	if (m->type == MSG_STORE_FAIL) {
		store_fail_answer(ar, m, texts);
		return 1;
	}
	if (m->type != want && m->type != alt)
		fatalx("store answered %s, expected %s",
		    msg_type_name(m->type), msg_type_name(want));
	return 0;
}
