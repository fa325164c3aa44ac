/*
 * Asking auth, and the one error value every refusal and failure
 * becomes: the features and app.c say what went wrong once, the face
 * of the route says it (JSON or a page).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "log.h"
#include "proto.h"

static const struct {
	int		 status;
	const char	*code;
} fail_codes[AUTH_E_MAX] = {
	[AUTH_E_BADREQ] = { 400, "bad_request" },
	[AUTH_E_CREDENTIALS] = { 401, "invalid_credentials" },
	[AUTH_E_SESSION] = { 401, "session_invalid" },
	[AUTH_E_CSRF] = { 403, "csrf" },
	[AUTH_E_LOCKED] = { 403, "locked" },
	[AUTH_E_EXISTS] = { 409, "exists" },
	[AUTH_E_POLICY] = { 422, "weak_password" },
	[AUTH_E_OTP_REUSED] = { 401, "otp_reused" },
	[AUTH_E_STATE] = { 409, "conflict" },
	[AUTH_E_NOTFOUND] = { 404, "not_found" },
	[AUTH_E_THROTTLED] = { 429, "throttled" },
	[AUTH_E_BUSY] = { 503, "busy" },
	[AUTH_E_INTERNAL] = { 500, "internal" },
	[AUTH_E_TIMELOCK] = { 423, "locked" },
	[AUTH_E_SIGNATURE] = { 502, "bad_signature" },
	[AUTH_E_FORBIDDEN] = { 403, "forbidden" },
	[AUTH_E_QUOTA] = { 507, "quota" },
};

static void
fail_with(struct app_req *ar, const struct app_error *e)
{
	char	 secs[16];

	if (e->retry_after > 0) {
		snprintf(secs, sizeof(secs), "%u", e->retry_after);
		req_header(ar->r, "Retry-After", secs);
	}
	ar->face->error(ar, e);
}

void
app_fail(struct app_req *ar, int status, const char *code, const char *text)
{
	app_fail_after(ar, 0, status, code, text);
}

/* The same, with a Retry-After of secs seconds (0: none). */
void
app_fail_after(struct app_req *ar, unsigned int secs, int status,
    const char *code, const char *text)
{
	struct app_error	 e = { status, code, text, secs, 0 };

	fail_with(ar, &e);
}

/* AUTH_FAIL as the one error value; its text is copied into buf. */
void
auth_error(struct msg *m, struct app_error *e, char *buf, size_t bufsz)
{
	struct a_fail		 f;

	a_get_fail(m, &f);
	strlcpy(buf, f.text, bufsz);
	e->status = fail_codes[f.code].status;
	e->code = fail_codes[f.code].code;
	e->text = buf;
	e->retry_after = f.code == AUTH_E_THROTTLED ? f.retry : 0;
	e->answered = 1;
}

/* AUTH_FAIL: what auth refused, said by the route's face. */
void
app_fail_answer(struct app_req *ar, struct msg *m)
{
	struct app_error	 e;

	auth_error(m, &e, ar->text, sizeof(ar->text));
	fail_with(ar, &e);
}

/* An error value built elsewhere (a feature that cleans up first). */
void
app_fail_error(struct app_req *ar, const struct app_error *e)
{
	fail_with(ar, e);
}

/* The session prefix of every session-bound request to auth. */
void
ask_prefix(struct app_req *ar, struct msgbuf *mb, uint32_t type)
{
	const char	*csrf = NULL;
	/*
	 * A streamed form's token comes in its first part, after this:
	 * the feature compares it with the session's (ar->who.csrf).
	 */
	int		 check = ar->route->csrf && !ar->streaming;

	msg_init(mb, type, 0);
	if (check)
		csrf = http_form_get(&ar->form, "csrf");
	msg_add_string(mb, ar->token);
	msg_add_u8(mb, check);
	msg_add_string(mb, csrf != NULL ? csrf : "");
	msg_add_string(mb, app_addr(ar));
}

int
ask_auth(struct app_req *ar, struct msgbuf *mb, req_answer_cb cb)
{
	if (req_ask(ar->r, PROC_AUTH, mb, cb) == -1) {
		app_fail(ar, 503, "busy",
		    "The server is busy; try again in a moment.");
		return -1;
	}
	return 0;
}

/* A request that is nothing but the session prefix. */
void
ask_session(struct app_req *ar, uint32_t type, req_answer_cb cb)
{
	struct msgbuf	 mb;

	ask_prefix(ar, &mb, type);
	ask_auth(ar, &mb, cb);
}

/*
 * The common part of every answer: 1 when it settled the request (auth
 * gone, or a failure), already answered; 0 when m is want or alt.
 */
int
ask_settled(struct app_req *ar, struct msg *m, uint32_t want, uint32_t alt)
{
	if (m == NULL) {
		app_fail(ar, 503, "unavailable", "The sign-in service is not "
		    "available right now; try again in a moment.");
		return 1;
	}
	a_expect(m, want, alt);
	if (m->type == MSG_AUTH_FAIL) {
		app_fail_answer(ar, m);
		return 1;
	}
	return 0;
}

/* An answer that is AUTH_OK and nothing else: ar->done says it. */
int
ask_on_ok(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);

	if (ask_settled(ar, m, MSG_AUTH_OK, MSG_AUTH_OK))
		return 0;
	a_expect_empty(m);
	ar->done(ar);
	return 0;
}
