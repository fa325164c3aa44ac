/*
 * The pages of smsg, rendered from the keys the front sends in
 * MSG_WEB_RENDER.  A missing key renders as empty.
 *
 * Every page: user (signed-in name, "" when signed out), csrf (the token
 * for every POST form), error (role=alert), notice (role=status), title
 * (defaults to the page's own).  Signed-in pages carry the navigation and
 * the sign-out form.
 *
 *   WEB_PAGE_ERROR       status (defaults to the render status), message
 *   WEB_PAGE_LOGIN       username; POST /login: username, password
 *   WEB_PAGE_LOGIN_OTP   POST /login/totp: code
 *   WEB_PAGE_REGISTER    username; POST /register: username, password,
 *                        password2
 *   WEB_PAGE_REGISTERED  username, recovery_key, mode ("register" or
 *                        "recover"); GET /login with checkbox saved
 *   WEB_PAGE_RECOVER     username; POST /recover: username, recovery_key,
 *                        password, password2
 *   WEB_PAGE_HOME        the inbox
 *   WEB_PAGE_PASSWORD    POST /settings/password: csrf, current, password,
 *                        password2, signout_others=1
 *   WEB_PAGE_TOTP        enabled, enrolling, secret, uri;
 *                        POST /settings/2fa/begin: csrf;
 *                        POST /settings/2fa/confirm: csrf, code;
 *                        POST /settings/2fa/disable: csrf, password, code
 *   WEB_PAGE_TOTP_CODES  codes.N.code
 *   WEB_PAGE_SESSIONS    sessions.N.{id, created, last_seen, expires, addr,
 *                        agent, current};
 *                        POST /settings/sessions/revoke: csrf, id
 *   WEB_PAGE_ACTIVITY    events.N.{time, event, addr, detail}
 *   WEB_PAGE_CSS         the style sheet, /static/smsg.css
 *   WEB_PAGE_CONTACTS    contacts.N.{name, nickname, safety_number,
 *                        fingerprint, verified, key_changed, blocked};
 *                        name, nickname (the add form again);
 *                        POST /contacts/add: csrf, name, nickname;
 *                        POST /contacts/{remove,verify,block,unblock}:
 *                        csrf, name
 *   WEB_PAGE_INBOX,      messages.N.{id, from, to, subject, created,
 *   WEB_PAGE_SENT        created_iso, size, files, read, locked, unlock,
 *                        unlock_iso, unlock_at, broadcast, system, peer};
 *                        next (the older page's before=), before; the
 *                        sent page derives sent=1.  A locked row shows
 *                        no subject, whatever the keys.
 *   WEB_PAGE_MESSAGE     id, from, to, created, expires, locked, unlock,
 *                        unlock_at, broadcast, system, subject,
 *                        body.N.text (in order), body_cut, nfiles,
 *                        files.N.{n, name, size}, fingerprint, peer, the
 *                        compose form's keys for the reply;
 *                        POST /messages/{id}/delete: csrf
 *   WEB_PAGE_COMPOSE     compose_to, compose_subject, compose_fixed,
 *                        compose_stay, expiry.N.{value, label, selected},
 *                        contacts.N.{name, nickname};
 *                        POST /messages (multipart): csrf, to, subject,
 *                        body, unlock_at, tz_offset, expires_in,
 *                        delete_after_read, file...
 *   WEB_PAGE_CONVERSATION with, messages.N.{... as the folders, body,
 *                        body_cut, once, mine}, the compose form's keys
 *   WEB_PAGE_JS          the script, /static/smsg.js
 *   WEB_PAGE_BROADCAST   POST /broadcast: csrf, subject, body
 *
 * may_broadcast is set on signed-in pages whose user may broadcast.
 */
#ifndef SMSG_WEB_PAGES_H
#define SMSG_WEB_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "proc.h"
#include "proto.h"

struct buf;
struct kv;

#define WEB_MAXKV	2048		/* keys in one MSG_WEB_RENDER */
/* A body that fits one MSG_WEB_PAGE with its status and content type. */
#define WEB_BODY_MAX	(MAXMSG_PEER - 256)

#define PAGE_OK		0
#define PAGE_INVALID	(-1)		/* bad request: fatal from a peer */
#define PAGE_TOOBIG	(-2)		/* the page outgrew its buffer */
#define PAGE_NOMEM	(-3)		/* out of memory: an error answer */

/*
 * pages_init() compiles the templates (err, errlen); page_render() appends
 * to a buf the caller made with buf_init(out, WEB_BODY_MAX) or smaller.
 */
int	pages_init(char *, size_t);
void	pages_free(void);
int	page_render(enum web_page, uint16_t, const struct kv *, size_t,
	    struct buf *, const char **);

/* render.c: MSG_WEB_RENDER in, MSG_WEB_PAGE out. */
int	web_render_request(const struct msg *, struct msgbuf *);
void	web_dispatch(enum proc_id, struct msg *);

#endif
