/*
 * Account features, each written once for both faces: register, recover
 * with the recovery key, sign in (password, then the code when 2FA is
 * on), sign out, who am I, change the password.  Each asks auth and
 * hands the typed answer to the route's face.
 */
#include "config.h"

#include <string.h>

#include "app.h"
#include "proto.h"

static int
on_registered(struct req *r, struct msg *m)
{
	struct app_req		*ar = app_of(r);
	struct a_registered	 reg;

	if (ask_settled(ar, m, MSG_AUTH_REGISTERED, MSG_AUTH_REGISTERED))
		return 0;
	a_get_registered(m, &reg);
	ar->face->registered(ar, &reg);
	explicit_bzero(&reg, sizeof(reg));
	return 0;
}

void
feat_register(struct app_req *ar)
{
	static const enum field in[] = { F_USERNAME, F_PASSWORD, F_END };
	struct msgbuf	 mb;

	if (in_check(ar, in) == -1 || in_confirmed(ar, F_PASSWORD) == -1)
		return;
	msg_init(&mb, MSG_AUTH_REGISTER, 0);
	msg_add_string(&mb, in_text(ar, F_USERNAME));
	msg_add_string(&mb, in_text(ar, F_PASSWORD));
	msg_add_string(&mb, app_addr(ar));
	ask_auth(ar, &mb, on_registered);
}

/* A new password with the recovery key; the answer is a new key. */
void
feat_recover(struct app_req *ar)
{
	static const enum field in[] = { F_USERNAME, F_RECOVERY_KEY,
	    F_PASSWORD, F_END };
	struct msgbuf	 mb;

	if (in_check(ar, in) == -1 || in_confirmed(ar, F_PASSWORD) == -1)
		return;
	msg_init(&mb, MSG_AUTH_RECOVER, 0);
	msg_add_string(&mb, in_text(ar, F_USERNAME));
	msg_add_string(&mb, in_text(ar, F_RECOVERY_KEY));
	msg_add_string(&mb, in_text(ar, F_PASSWORD));
	msg_add_string(&mb, app_addr(ar));
	ask_auth(ar, &mb, on_registered);
}

static int
on_login(struct req *r, struct msg *m)
{
	struct app_req		*ar = app_of(r);
	struct a_session	 s;
	char			 pending[TOKEN_MAX];

	if (ask_settled(ar, m, MSG_AUTH_SESSION, MSG_AUTH_NEED_OTP))
		return 0;
	if (m->type == MSG_AUTH_NEED_OTP) {
		a_get_pending(m, pending, sizeof(pending));
		ar->face->need_otp(ar, pending);
		explicit_bzero(pending, sizeof(pending));
		return 0;
	}
	a_get_session(m, &s);
	ar->face->signed_in(ar, &s);
	explicit_bzero(&s, sizeof(s));
	return 0;
}

void
feat_login(struct app_req *ar)
{
	static const enum field in[] = { F_USERNAME, F_PASSWORD, F_OTP,
	    F_DEVICE, F_END };
	struct msgbuf	 mb;
	char		 device[TOKEN_MAX];

	if (in_check(ar, in) == -1)
		return;
	msg_init(&mb, MSG_AUTH_LOGIN, 0);
	msg_add_string(&mb, in_text(ar, F_USERNAME));
	msg_add_string(&mb, in_text(ar, F_PASSWORD));
	msg_add_string(&mb, in_text(ar, F_OTP));
	msg_add_string(&mb, app_addr(ar));
	msg_add_string(&mb, ar->agent);
	msg_add_string(&mb, in_device(ar, device, sizeof(device)));
	explicit_bzero(device, sizeof(device));
	ask_auth(ar, &mb, on_login);
}

/* The second step of a sign-in that auth left pending for a code. */
void
feat_login_otp(struct app_req *ar, const char *pending)
{
	static const enum field in[] = { F_OTP, F_DEVICE, F_END };
	struct msgbuf	 mb;
	char		 device[TOKEN_MAX];

	if (in_check(ar, in) == -1)
		return;
	msg_init(&mb, MSG_AUTH_LOGIN_OTP, 0);
	msg_add_string(&mb, pending);
	msg_add_string(&mb, in_text(ar, F_OTP));
	msg_add_string(&mb, app_addr(ar));
	msg_add_string(&mb, ar->agent);
	msg_add_string(&mb, in_device(ar, device, sizeof(device)));
	explicit_bzero(device, sizeof(device));
	ask_auth(ar, &mb, on_login);
}

void
feat_logout(struct app_req *ar)
{
	ar->done = ar->face->signed_out;
	ask_session(ar, MSG_AUTH_LOGOUT, ask_on_ok);
}

/* The session check already said who: nothing more to ask. */
void
feat_whoami(struct app_req *ar)
{
	ar->face->whoami(ar);
}

void
feat_password(struct app_req *ar)
{
	static const enum field in[] = { F_CURRENT, F_NEW_PASSWORD,
	    F_SIGNOUT_OTHERS, F_END };
	struct msgbuf	 mb;

	if (in_check(ar, in) == -1 || in_confirmed(ar, F_NEW_PASSWORD) == -1)
		return;
	ask_prefix(ar, &mb, MSG_AUTH_PASSWORD);
	msg_add_string(&mb, in_text(ar, F_CURRENT));
	msg_add_string(&mb, in_text(ar, F_NEW_PASSWORD));
	msg_add_u8(&mb, in_flag(ar, F_SIGNOUT_OTHERS));
	ar->done = ar->face->password_changed;
	ask_auth(ar, &mb, ask_on_ok);
}
