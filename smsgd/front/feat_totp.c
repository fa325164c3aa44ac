/*
 * Two-factor features, each written once for both faces: begin an
 * enrolment (a secret to scan), confirm it with a first code (recovery
 * codes, shown once), turn it off with the password and a code.
 */
#include "config.h"

#include <string.h>

#include "app.h"
#include "proto.h"

static int
on_totp_begin(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct a_totp	 t;

	if (ask_settled(ar, m, MSG_AUTH_TOTP_SECRET, MSG_AUTH_TOTP_SECRET))
		return 0;
	a_get_totp(m, &t);
	ar->face->totp_secret(ar, &t);
	explicit_bzero(&t, sizeof(t));
	return 0;
}

void
feat_totp_begin(struct app_req *ar)
{
	ask_session(ar, MSG_AUTH_TOTP_BEGIN, on_totp_begin);
}

static int
on_totp_confirm(struct req *r, struct msg *m)
{
	struct app_req	*ar = app_of(r);
	struct a_codes	 k;

	if (ask_settled(ar, m, MSG_AUTH_CODES, MSG_AUTH_CODES))
		return 0;
	a_get_codes(m, &k);
	ar->face->totp_codes(ar, &k);
	explicit_bzero(&k, sizeof(k));
	return 0;
}

void
feat_totp_confirm(struct app_req *ar)
{
	static const enum field in[] = { F_OTP, F_END };
	struct msgbuf	 mb;

	if (in_check(ar, in) == -1)
		return;
	ask_prefix(ar, &mb, MSG_AUTH_TOTP_CONFIRM);
	msg_add_string(&mb, in_text(ar, F_OTP));
	ask_auth(ar, &mb, on_totp_confirm);
}

void
feat_totp_disable(struct app_req *ar)
{
	static const enum field in[] = { F_PASSWORD, F_OTP, F_END };
	struct msgbuf	 mb;

	if (in_check(ar, in) == -1)
		return;
	ask_prefix(ar, &mb, MSG_AUTH_TOTP_DISABLE);
	msg_add_string(&mb, in_text(ar, F_PASSWORD));
	msg_add_string(&mb, in_text(ar, F_OTP));
	ar->done = ar->face->totp_off;
	ask_auth(ar, &mb, ask_on_ok);
}
