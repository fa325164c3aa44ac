/*
 * Every HTTP route of the front, in one table (see routes.h): read once
 * when a request's head is complete, so that 404, 405, 411, 413 and 415
 * are answered before a byte of the body is read.  A path no pattern
 * matches exists nowhere else in the front.
 *
 * Pages take forms (CSRF-checked when signed in) and are rendered by
 * smsg-web; /api/v1 takes JSON with a bearer token.  A feature with both
 * faces has one handler, listed once per face.
 */
#include "config.h"

#include "app.h"

#define API		"/api/v1"

/* Body policies: none, or read whole up to front.form_max. */
#define NOBODY		BODY_NONE, 0, 0, NULL
#define FORM		BODY_BUFFER, 0, MEDIA_FORM, NULL
#define JSON		BODY_BUFFER, 0, MEDIA_JSON, NULL
/*
 * A message: its text in JSON up to 1 MiB (the store bounds it
 * further), or multipart with files, streamed (feat_msgform.c).
 */
#define MSGSEND		BODY_STREAM, 1048576, MEDIA_JSON | MEDIA_MULTIPART, \
			&msg_form_api
#define MSGFORM		BODY_STREAM, 0, MEDIA_MULTIPART, &msg_form_page

#define ANYONE		ACCESS_ANYONE
#define SESSION		ACCESS_SESSION
#define BCAST		ACCESS_BROADCAST
/* A broadcast's JSON: its text is BROADCAST_TEXT_MAX bytes, escaped. */
#define BCASTJSON	BODY_BUFFER, 65536, MEDIA_JSON, NULL
#define CSRF		1
#define NOCSRF		0
#define PAGE		FACE_PAGE
#define APIF		FACE_API, WEB_PAGE_ERROR
#define LOGIN		RATE_LOGIN
#define REG		RATE_REGISTER
#define NORATE		RATE_NONE

const struct route routes[] = {
	/* method, pattern, access, csrf, rate, body policy, face, handler */
	{ HTTP_GET, "/", ANYONE, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_ERROR, page_root },
	{ HTTP_GET, "/login", ANYONE, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_LOGIN, page_login },
	{ HTTP_POST, "/login", ANYONE, NOCSRF, LOGIN, FORM,
	  PAGE, WEB_PAGE_LOGIN, feat_login },
	{ HTTP_GET, "/login/totp", ANYONE, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_LOGIN_OTP, page_otp_form },
	{ HTTP_POST, "/login/totp", ANYONE, NOCSRF, LOGIN, FORM,
	  PAGE, WEB_PAGE_LOGIN_OTP, page_otp_post },
	{ HTTP_GET, "/register", ANYONE, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_REGISTER, page_show },
	{ HTTP_POST, "/register", ANYONE, NOCSRF, REG, FORM,
	  PAGE, WEB_PAGE_REGISTER, feat_register },
	{ HTTP_GET, "/recover", ANYONE, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_RECOVER, page_show },
	{ HTTP_POST, "/recover", ANYONE, NOCSRF, LOGIN, FORM,
	  PAGE, WEB_PAGE_RECOVER, feat_recover },
	{ HTTP_GET, "/home", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_HOME, feat_whoami },
	{ HTTP_GET, "/settings", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_PASSWORD, page_settings },
	{ HTTP_GET, "/settings/password", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_PASSWORD, page_show },
	{ HTTP_POST, "/settings/password", SESSION, CSRF, LOGIN, FORM,
	  PAGE, WEB_PAGE_PASSWORD, feat_password },
	{ HTTP_GET, "/settings/2fa", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_TOTP, page_totp },
	{ HTTP_POST, "/settings/2fa/begin", SESSION, CSRF, NORATE, FORM,
	  PAGE, WEB_PAGE_TOTP, feat_totp_begin },
	{ HTTP_POST, "/settings/2fa/confirm", SESSION, CSRF, LOGIN, FORM,
	  PAGE, WEB_PAGE_TOTP, feat_totp_confirm },
	{ HTTP_POST, "/settings/2fa/disable", SESSION, CSRF, LOGIN, FORM,
	  PAGE, WEB_PAGE_TOTP, feat_totp_disable },
	{ HTTP_GET, "/settings/sessions", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_SESSIONS, feat_sessions },
	{ HTTP_POST, "/settings/sessions/revoke", SESSION, CSRF, NORATE, FORM,
	  PAGE, WEB_PAGE_SESSIONS, feat_revoke },
	{ HTTP_GET, "/settings/activity", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_ACTIVITY, feat_activity },
	{ HTTP_POST, "/logout", SESSION, CSRF, NORATE, FORM,
	  PAGE, WEB_PAGE_ERROR, feat_logout },
	{ HTTP_GET, "/static/smsg.css", ANYONE, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_CSS, page_show },
	{ HTTP_GET, "/static/smsg.js", ANYONE, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_JS, page_show },
	{ HTTP_GET, "/events", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_ERROR, app_events },
	{ HTTP_GET, "/messages", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_INBOX, feat_msg_list },
	{ HTTP_GET, "/messages/sent", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_SENT, feat_msg_list },
	{ HTTP_GET, "/messages/{id:msgid}", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_ERROR, feat_msg_read },
	{ HTTP_POST, "/messages/{id:msgid}/delete", SESSION, CSRF, NORATE, FORM,
	  PAGE, WEB_PAGE_ERROR, feat_msg_delete },
	{ HTTP_GET, "/compose", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_COMPOSE, page_compose },
	{ HTTP_GET, "/conversations/{name:name}", SESSION, NOCSRF, NORATE,
	  NOBODY, PAGE, WEB_PAGE_CONVERSATION, feat_conversation },
	{ HTTP_GET, "/contacts", SESSION, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_CONTACTS, feat_contacts },
	{ HTTP_POST, "/contacts/add", SESSION, CSRF, NORATE, FORM,
	  PAGE, WEB_PAGE_CONTACTS, feat_contact_add },
	{ HTTP_POST, "/contacts/remove", SESSION, CSRF, NORATE, FORM,
	  PAGE, WEB_PAGE_CONTACTS, feat_contact_remove },
	{ HTTP_POST, "/contacts/verify", SESSION, CSRF, NORATE, FORM,
	  PAGE, WEB_PAGE_CONTACTS, feat_contact_verify },
	{ HTTP_POST, "/contacts/block", SESSION, CSRF, NORATE, FORM,
	  PAGE, WEB_PAGE_CONTACTS, feat_contact_block },
	{ HTTP_POST, "/contacts/unblock", SESSION, CSRF, NORATE, FORM,
	  PAGE, WEB_PAGE_CONTACTS, feat_contact_unblock },
	{ HTTP_GET, "/broadcast", BCAST, NOCSRF, NORATE, NOBODY,
	  PAGE, WEB_PAGE_BROADCAST, page_broadcast },
	{ HTTP_POST, "/broadcast", BCAST, CSRF, NORATE, FORM,
	  PAGE, WEB_PAGE_BROADCAST, feat_broadcast },
	{ HTTP_POST, "/messages", SESSION, CSRF, NORATE, MSGFORM,
	  PAGE, WEB_PAGE_COMPOSE, feat_msg_send },
	{ HTTP_GET, "/messages/{id:id}/files/{n:uint}", SESSION, NOCSRF,
	  NORATE, NOBODY, PAGE, WEB_PAGE_ERROR, feat_msg_file },

	{ HTTP_POST, API "/register", ANYONE, NOCSRF, REG, JSON,
	  APIF, feat_register },
	{ HTTP_POST, API "/recover", ANYONE, NOCSRF, LOGIN, JSON,
	  APIF, feat_recover },
	{ HTTP_POST, API "/login", ANYONE, NOCSRF, LOGIN, JSON,
	  APIF, feat_login },
	{ HTTP_POST, API "/logout", SESSION, NOCSRF, NORATE, JSON,
	  APIF, feat_logout },
	{ HTTP_GET, API "/me", SESSION, NOCSRF, NORATE, NOBODY,
	  APIF, feat_whoami },
	{ HTTP_POST, API "/password", SESSION, NOCSRF, LOGIN, JSON,
	  APIF, feat_password },
	{ HTTP_POST, API "/totp", SESSION, NOCSRF, NORATE, JSON,
	  APIF, feat_totp_begin },
	{ HTTP_POST, API "/totp/confirm", SESSION, NOCSRF, LOGIN, JSON,
	  APIF, feat_totp_confirm },
	{ HTTP_DELETE, API "/totp", SESSION, NOCSRF, LOGIN, JSON,
	  APIF, feat_totp_disable },
	{ HTTP_GET, API "/sessions", SESSION, NOCSRF, NORATE, NOBODY,
	  APIF, feat_sessions },
	{ HTTP_DELETE, API "/sessions/{id:hex64}", SESSION, NOCSRF, NORATE,
	  NOBODY, APIF, feat_revoke },
	{ HTTP_GET, API "/activity", SESSION, NOCSRF, NORATE, NOBODY,
	  APIF, feat_activity },
	{ HTTP_GET, API "/events", SESSION, NOCSRF, NORATE, NOBODY,
	  APIF, app_events },
	{ HTTP_GET, API "/contacts", SESSION, NOCSRF, NORATE, NOBODY,
	  APIF, feat_contacts },
	{ HTTP_POST, API "/contacts", SESSION, NOCSRF, NORATE, JSON,
	  APIF, feat_contact_add },
	{ HTTP_DELETE, API "/contacts/{name:name}", SESSION, NOCSRF, NORATE,
	  NOBODY, APIF, feat_contact_remove },
	{ HTTP_POST, API "/contacts/{name:name}/verify", SESSION, NOCSRF,
	  NORATE, NOBODY, APIF, feat_contact_verify },
	{ HTTP_POST, API "/contacts/{name:name}/block", SESSION, NOCSRF,
	  NORATE, NOBODY, APIF, feat_contact_block },
	{ HTTP_DELETE, API "/contacts/{name:name}/block", SESSION, NOCSRF,
	  NORATE, NOBODY, APIF, feat_contact_unblock },
	{ HTTP_POST, API "/messages", SESSION, NOCSRF, NORATE, MSGSEND,
	  APIF, feat_msg_send },
	{ HTTP_GET, API "/messages", SESSION, NOCSRF, NORATE, NOBODY,
	  APIF, feat_msg_list },
	{ HTTP_GET, API "/messages/{id:id}", SESSION, NOCSRF, NORATE, NOBODY,
	  APIF, feat_msg_read },
	{ HTTP_GET, API "/messages/{id:id}/files/{n:uint}", SESSION, NOCSRF,
	  NORATE, NOBODY, APIF, feat_msg_file },
	{ HTTP_DELETE, API "/messages/{id:id}", SESSION, NOCSRF, NORATE,
	  NOBODY, APIF, feat_msg_delete },
	{ HTTP_GET, API "/conversations/{name:name}", SESSION, NOCSRF, NORATE,
	  NOBODY, APIF, feat_conversation },
	{ HTTP_POST, API "/broadcast", BCAST, NOCSRF, NORATE, BCASTJSON,
	  APIF, feat_broadcast },
	{ 0, NULL, 0, 0, 0, 0, 0, 0, NULL, 0, 0, NULL }
};
