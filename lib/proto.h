/*
 * The processes of smsg and the messages they exchange.
 *
 * One enum for every binary and for smsgctl.  Bump SMSG_PROTO_VERSION on
 * any change to a message's fields or meaning: binaries speaking different
 * versions refuse to talk.  Who may send which message to whom is decided
 * in one place, route.c.
 */
#ifndef SMSG_PROTO_H
#define SMSG_PROTO_H

#include <stdint.h>

#define SMSG_PROTO_VERSION	17

enum proc_id {
	PROC_PARENT,
	PROC_FRONT,
	PROC_AUTH,
	PROC_STORE,
	PROC_WEB,
	PROC_CTL,		/* an smsgctl connection, not a child */
	PROC_MAX
};

#define PROC_BIT(p)	(1U << (p))
#define PROC_CHILDREN	(PROC_BIT(PROC_FRONT) | PROC_BIT(PROC_AUTH) | \
			 PROC_BIT(PROC_STORE) | PROC_BIT(PROC_WEB))

enum msg_type {
	MSG_NONE,

	/* process setup, between the parent and a child or two peers */
	MSG_SETUP,		/* parent -> child: version, settings,
				   u32 max_files */
	MSG_HELLO,		/* child -> parent, peer -> peer: version */
	MSG_PEER,		/* parent -> child: socket to a peer (fd) */
	MSG_READY,		/* child -> parent: all peers connected */
	MSG_LOG_VERBOSE,	/* parent -> child: u8 verbose */
	MSG_LOG,		/* child -> parent: u8 priority (LOG_CRIT to
				   LOG_DEBUG), string line; any time, even
				   before HELLO */

	/*
	 * Role configuration: between SETUP and SETUP_END, before the child
	 * drops privileges, read synchronously by proc_child_setup().
	 */
	MSG_CONF_FRONT,		/* u32 workers, u32 header_timeout,
				   u32 body_idle_timeout, u32 body_min_rate,
				   u32 idle_timeout, u32 form_max,
				   u32 login_rate, u32 register_rate,
				   u16 https_port, u32 max_conns,
				   u32 event_heartbeat,
				   u32 event_max_per_user,
				   u32 max_conns_per_net,
				   u8 ipv4_prefix, u8 ipv6_prefix,
				   u32 retention, u32 retention_max (the
				   store's, for the compose form),
				   u8 broadcast (BCAST_*) */
	MSG_CONF_TLS,		/* bytes cert_pem (chain), bytes key_pem,
				   u8 tickets (0 off, 1 on),
				   u32 ticket_period (seconds) */
	MSG_CONF_LISTEN,	/* u8 kind (LISTEN_*), string name; fd */
	MSG_CONF_AUTH,		/* u8 scrypt_logn, u32 scrypt_r, u32 scrypt_p,
				   u32 hash_threads, u32 idle_timeout,
				   u32 lifetime, u8 min_score,
				   u32 lockout_threshold, u32 lockout_max,
				   string issuer, u8 ipv4_prefix,
				   u8 ipv6_prefix, u8 broadcast
				   (BCAST_*), u32 retention,
				   u32 subject_max */
	MSG_SETUP_END,

	/*
	 * front -> auth; peerid is the front's request id, echoed in the
	 * answer.  Requests on behalf of a session start with the session
	 * prefix: string token, u8 check_csrf, string csrf, string addr.
	 * Every request is answered by exactly one of its listed answers or
	 * AUTH_FAIL; lists end with AUTH_END.
	 */
	MSG_AUTH_REGISTER,	/* string name, string password, string addr
				   -> AUTH_REGISTERED */
	MSG_AUTH_LOGIN,		/* string name, string password, string otp,
				   string addr, string agent, string device
				   ("" none) -> AUTH_SESSION | AUTH_NEED_OTP */
	MSG_AUTH_LOGIN_OTP,	/* string pending, string otp, string addr,
				   string agent, string device
				   -> AUTH_SESSION */
	MSG_AUTH_RECOVER,	/* string name, string recovery_key,
				   string new_password, string addr
				   -> AUTH_REGISTERED */
	MSG_AUTH_CHECK,		/* session prefix -> AUTH_WHO */
	MSG_AUTH_LOGOUT,	/* session prefix -> AUTH_OK */
	MSG_AUTH_PASSWORD,	/* session prefix, string current,
				   string new, u8 signout_others -> AUTH_OK */
	MSG_AUTH_TOTP_BEGIN,	/* session prefix -> AUTH_TOTP_SECRET */
	MSG_AUTH_TOTP_CONFIRM,	/* session prefix, string code,
				   string password -> AUTH_CODES */
	MSG_AUTH_TOTP_DISABLE,	/* session prefix, string password,
				   string code -> AUTH_OK */
	MSG_AUTH_SESSIONS,	/* session prefix -> AUTH_SESSION_INFO...,
				   AUTH_END */
	MSG_AUTH_REVOKE,	/* session prefix, u64 id -> AUTH_OK */
	MSG_AUTH_ACTIVITY,	/* session prefix -> AUTH_EVENT..., AUTH_END */
	MSG_AUTH_REPLAY,	/* session prefix, u64 after (an event id)
				   -> AUTH_REPLAY_EVENT..., AUTH_END:
				   the user's events after that one, oldest
				   first, for an event stream's Last-Event-ID */

	/* auth -> front */
	MSG_AUTH_OK,
	MSG_AUTH_FAIL,		/* u32 code (AUTH_E_*), u32 retry_after,
				   string message for the user */
	MSG_AUTH_REGISTERED,	/* string name, string recovery_key,
				   u8 totp_off (recovery turned 2FA off) */
	MSG_AUTH_SESSION,	/* string token, string csrf, u64 expires,
				   string name, string device (the device
				   token to keep), u32 device_max_age */
	MSG_AUTH_NEED_OTP,	/* string pending */
	MSG_AUTH_WHO,		/* string name, u32 uid, u64 session_id,
				   u64 expires, string csrf, u8 totp_on,
				   u8 admin */
	MSG_AUTH_TOTP_SECRET,	/* string secret_base32, string otpauth_uri */
	MSG_AUTH_CODES,		/* u32 n, n * string recovery code */
	MSG_AUTH_SESSION_INFO,	/* u64 id, u64 created, u64 last_seen,
				   u64 expires, string addr, string agent,
				   u8 current */
	MSG_AUTH_EVENT,		/* u64 time, string event, string addr,
				   string detail */
	MSG_AUTH_REPLAY_EVENT,	/* u64 id, string event, string data */
	MSG_AUTH_END,

	/*
	 * Pushes: auth or store -> front, unsolicited (peerid 0).  Event
	 * ids grow per user; the front delivers an event to each live event
	 * stream of the user (of that session only, when sid is not 0).
	 */
	MSG_PUSH_EVENT,		/* u32 uid, u64 sid (0: every session),
				   u64 event id, string event, string data */
	MSG_PUSH_SESSION_END,	/* u64 sid: close its event streams */

	/* front -> web -> front; peerid is the front's request id */
	MSG_WEB_RENDER,		/* u16 page (WEB_PAGE_*), u16 status,
				   u32 n, n * (string key, string value) */
	MSG_WEB_PAGE,		/* u16 status, string content_type,
				   bytes body */

	/* control socket, smsgctl <-> parent */
	MSG_CTL_HELLO,		/* u32 proto, string version */
	MSG_CTL_RESULT,		/* u32 code, string message */
	MSG_CTL_END,		/* end of a list */
	MSG_CTL_SHOW_STATUS,
	MSG_CTL_STATUS_DAEMON,	/* string version, u32 pid, u64 started */
	MSG_CTL_STATUS_PROC,	/* string name, u32 pid, string user,
				   u64 started, string state, u32 restarts */
	MSG_CTL_LOG_VERBOSE,	/* u8 verbose */
	MSG_CTL_STOP,

	/*
	 * Account administration: smsgctl -> parent -> auth and back.  The
	 * parent relays with peerid set to the control connection's id.
	 */
	MSG_CTL_USER_ADD,	/* string name, string password */
	MSG_CTL_USER_LIST,
	MSG_CTL_USER_SHOW,	/* string name */
	MSG_CTL_USER_LOCK,	/* string name */
	MSG_CTL_USER_UNLOCK,	/* string name */
	MSG_CTL_USER_RESET_2FA,	/* string name */
	MSG_CTL_USER_RESET_PASSWORD, /* string name, string password */
	MSG_CTL_USER_DELETE,	/* string name */
	MSG_CTL_USER_INFO,	/* string name, u32 uid, u64 created,
				   u8 lock (USER_LOCK_*), u64 locked_until,
				   u32 failures, u8 totp_on, u32 sessions,
				   u64 last_login, u8 admin */
	MSG_CTL_USER_SECRET,	/* string label, string value: shown once */
	MSG_CTL_SHOW_SESSIONS,	/* string name ("" for everyone) */
	MSG_CTL_SESSION_INFO,	/* u64 id, string name, u64 created,
				   u64 last_seen, u64 expires, string addr */
	MSG_CTL_SESSION_REVOKE,	/* u64 id */

	/* parent -> store, before its privilege drop */
	MSG_CONF_STORE,		/* u32 subject_max, u32 body_max,
				   u32 recipients_max, u32 files_max,
				   u64 file_max, u64 quota, u32 retention,
				   u32 retention_max, u32 upload_timeout,
				   u32 cache_mb */

	/*
	 * front -> store; peerid is the front's request id.  Each starts
	 * with u32 uid: the caller, as auth vouched for the session.  Ids
	 * are the 16 raw bytes (fixed).  Every request is answered by one
	 * of its listed answers or STORE_FAIL; lists end with STORE_END.
	 */
	MSG_STORE_UPLOAD_BEGIN,	/* uid, u64 unlock (0: none), u64 lifetime
				   (0: default), u32 flags (MC_F_*),
				   u32 n, n * u32 recipient -> STORE_UPLOADING */
	MSG_STORE_UPLOAD_CHUNK,	/* uid, id, u32 stream, u64 index, u8 last,
				   bytes sealed chunk -> STORE_OK */
	MSG_STORE_UPLOAD_COMMIT, /* uid, id, u32 nstreams, nstreams * u64
				   sealed size, fixed digest, fixed signature,
				   u32 n, n * (u32 uid, fixed wrapped key):
				   the sender's copy first, then the
				   recipients in order -> STORE_SENT, once on
				   disk */
	MSG_STORE_UPLOAD_ABORT,	/* uid, id -> STORE_OK */
	MSG_STORE_UPLOAD_PUT,	/* uid, id, u64 created, u64 expires, u64
				   unlock, u64 lifetime, u32 flags, u32 n,
				   n * u32 recipient, u32 nchunks, each
				   (u32 stream, u64 index, u8 last, bytes),
				   then COMMIT's fields after the id: a
				   message begun, written and committed in
				   one request -> STORE_SENT */
	MSG_STORE_LIST,		/* uid, u8 folder, u8 has_before, id before,
				   u32 limit, u8 subjects -> STORE_HEADER...,
				   STORE_END; with subjects, a header of an
				   unlocked message whose subject is one
				   chunk of at most LIST_SUBJECT_MAX bytes is
				   followed by that chunk (STORE_CHUNK) */
	MSG_STORE_GET,		/* uid, id -> STORE_HEADER */
	MSG_STORE_GET_TEXT,	/* uid, id -> STORE_HEADER, then, unless
				   locked, a STORE_CHUNK for each text
				   stream that is one chunk (mc_text_along),
				   in order; a STORE_FAIL ends it early */
	MSG_STORE_CHUNK_GET,	/* uid, id, u32 stream, u64 index
				   -> STORE_CHUNK */
	MSG_STORE_READ,		/* uid, id, u32 part: the text (stream 1)
				   or a file (its stream) read in full
				   -> STORE_OK */
	MSG_STORE_DELETE,	/* uid, id -> STORE_OK */
	MSG_STORE_CONTACTS,	/* uid -> STORE_CONTACT..., STORE_END */
	MSG_STORE_CONTACT_ADD,	/* uid, u32 contact, string nickname */
	MSG_STORE_CONTACT_REMOVE, /* uid, u32 contact */
	MSG_STORE_CONTACT_VERIFY, /* uid, u32 contact, string fingerprint
				   ("": clear) */
	MSG_STORE_CONTACT_BLOCK, /* uid, u32 contact, u8 on */

	/* store -> front */
	MSG_STORE_OK,
	MSG_STORE_FAIL,		/* u32 code (STORE_E_*), u64 detail (the
				   unlock time when LOCKED), string message */
	MSG_STORE_UPLOADING,	/* id, u64 created, u64 expires: what the
				   sender signs */
	MSG_STORE_SENT,		/* id, u64 created, u64 unlock, u64 expires */
	MSG_STORE_HEADER,	/* u8 locked, id, u32 sender, u64 created,
				   u64 unlock, u64 expires, u32 flags,
				   fixed digest, u32 nstreams, nstreams * u64
				   size, u32 nrcpt, nrcpt * u32 uid,
				   fixed signature, u8 state (COPY_*),
				   fixed wrapped key (zero while locked) */
	MSG_STORE_CHUNK,	/* u8 last, bytes sealed chunk */
	MSG_STORE_CONTACT,	/* u32 uid, string nickname, u8 blocked,
				   u8 verified, string fingerprint,
				   u64 added */
	MSG_STORE_END,		/* u8 more, id next */

	/*
	 * front -> auth, on a session (the session prefix first): the keys
	 * of a message.  auth wraps with the recipients' public keys, signs
	 * and unwraps with the session's private keys.
	 */
	MSG_AUTH_PUBKEYS,	/* prefix, string name -> AUTH_PUBKEY */
	MSG_AUTH_NAMES,		/* prefix, u32 n (<= AUTH_NAMES_MAX),
				   n * u32 uid -> AUTH_NAME_LIST */
	MSG_AUTH_KEY_SEAL,	/* prefix, header (below), fixed content
				   key, u32 n, n * string name: the key
				   wrapped for the sender and every
				   recipient, the header signed, in one
				   question; the recipients are the
				   header's (n 0) or named (the header
				   has none), the first unknown name's
				   index in AUTH_FAIL's detail
				   -> AUTH_SEALED */
	MSG_AUTH_KEY_UNWRAP,	/* prefix, header, fixed signature,
				   fixed wrapped key -> AUTH_CONTENT_KEY */
	MSG_AUTH_KEY_UNWRAP_PAGE, /* prefix, u32 n (1 to AUTH_UNWRAP_MAX),
				   n * (u32 sender, header, fixed signature,
				   fixed wrapped key) -> AUTH_CONTENT_KEYS */
	MSG_AUTH_PUBKEY,	/* string name, u32 uid, fixed x25519,
				   fixed ed25519, string fingerprint */
	MSG_AUTH_SEALED,	/* u32 n, n * (u32 uid, fixed wrapped key):
				   the session user's own copy first; fixed
				   signature */
	MSG_AUTH_NAME_LIST,	/* u32 n, n * string name ("": no such
				   account any more), in the asked order */
	MSG_AUTH_CONTENT_KEY,	/* fixed content key, string name of the
				   signer, string signer's fingerprint,
				   u32 n, n * string recipient's name */
	MSG_AUTH_CONTENT_KEYS,	/* u32 n, n * (u32 code: 0 or the AUTH_E_*
				   KEY_UNWRAP would answer, fixed content
				   key, zero unless the code is 0), in the
				   asked order */
	MSG_AUTH_TEST_UNWRAP,	/* test builds: AUTH_KEY_UNWRAP without the
				   unlock time check in the front */

	/* smsgctl -> parent -> store, and back */
	MSG_CTL_SHOW_MESSAGES,
	MSG_CTL_MESSAGES_INFO,	/* u64 messages, u64 bytes, u64 locked,
				   u64 locked_bytes, u64 uploads,
				   u64 quarantined */
	MSG_CTL_MESSAGES_DAY,	/* u64 day (since the epoch), u64 messages,
				   u64 bytes */
	MSG_CTL_PURGE,
	MSG_CTL_PURGED,		/* u32 messages, u64 chunks */
	MSG_CTL_USER_USAGE,	/* u32 uid: after show user, its messages */
	MSG_CTL_USAGE_INFO,	/* u32 sent, u32 received, u64 bytes,
				   u64 quota */
	/* smsgctl -> parent -> auth */
	MSG_CTL_USER_ADMIN,	/* string name, u8 on */

	/*
	 * front -> auth, on a session: the names, fingerprints and safety
	 * numbers (with the session's user) of a contact list's uids.  A
	 * uid with no account left gets no answer.
	 */
	MSG_AUTH_CONTACT_KEYS,	/* prefix, u32 n (<= CONTACTS_MAX),
				   n * u32 uid -> AUTH_CONTACT_KEY...,
				   AUTH_END */
	MSG_AUTH_CONTACT_KEY,	/* u32 uid, string name, string fingerprint,
				   string safety number */

	/*
	 * Broadcasts: a message to every account with keys, sealed, wrapped
	 * and signed by auth (the caller's key on a session, the system's
	 * from smsgctl) and handed to the store over STORE_SYS_*.
	 */
	MSG_AUTH_BROADCAST,	/* prefix, id, content key, bytes subject
				   and bytes body, each sealed by the front
				   as one last chunk (<= BROADCAST_TEXT_MAX
				   + MC_TAGLEN) -> AUTH_BROADCAST_SENT */
	MSG_AUTH_BROADCAST_SENT, /* id, u64 created, u64 expires,
				   u32 recipients, u32 skipped (no keys) */
	MSG_CTL_BROADCAST,	/* string subject, bytes body
				   -> CTL_BROADCAST_SENT | CTL_RESULT */
	MSG_CTL_BROADCAST_SENT,	/* string id, u64 created, u64 expires,
				   u32 recipients, u32 skipped */

	/*
	 * auth -> store: messages auth sealed itself (broadcasts, the
	 * system's notices).  peerid is auth's; each is answered STORE_OK
	 * or STORE_FAIL, once on disk.  The readers' copies arrive in
	 * batches after the message; each copy is the reader's own.
	 */
	MSG_STORE_SYS_PUT,	/* u32 sender, header (msgheader.h),
				   fixed signature, u8 sender_keeps,
				   fixed sender's wrapped key,
				   bytes sealed subject, bytes sealed body */
	MSG_STORE_SYS_COPIES,	/* id, u32 n (<= SYS_COPIES_MAX),
				   n * (u32 uid, fixed wrapped key) */
	MSG_STORE_SYS_UNDO,	/* id: a broadcast or notice that failed
				   partway goes, with every copy stored */
	MSG_STORE_USER_GONE,	/* u32 uid: an account was deleted; its
				   copies and contact entries go; peerid 0
				   (the answer is only logged) */
	MSG_CTL_SHOW_NOTICES,	/* smsgctl -> parent -> auth
				   -> CTL_NOTICES_INFO */
	MSG_CTL_NOTICES_INFO,	/* u64 sent, u64 dropped, u64 queued */

	MSG_TYPE_MAX
};

#define AUTH_NAMES_MAX	512	/* uids in one AUTH_NAMES */
#define AUTH_UNWRAP_MAX	50	/* messages in one AUTH_KEY_UNWRAP_PAGE */

/*
 * The system as a sender: its own keys in auth's database, a uid no
 * account gets (account uids count up from 1 and stop below it) and a
 * name nobody may register.
 */
#define SMSG_SYSTEM_UID		0xffffffffU
#define SMSG_SYSTEM_NAME	"smsg"
#define SYS_COPIES_MAX		1000	/* copies in one STORE_SYS_COPIES */
#define BROADCAST_USERS_MAX	10000	/* accounts one broadcast reaches */
#define BROADCAST_TEXT_MAX	8192	/* bytes of a broadcast's body: it
					   must fit a control message */

/* messages.broadcast: who may send a broadcast. */
enum bcast_policy {
	BCAST_ADMINS,		/* accounts with the administrator flag */
	BCAST_EVERYONE,
	BCAST_NOBODY,
	BCAST_MAX
};

/* Contacts: per owner, and a nickname's bytes. */
#define CONTACTS_MAX		1000
#define CONTACT_NICK_MAX	64

/* Result codes of MSG_CTL_RESULT; ctl_result_str() names them. */
enum ctl_result {
	CTL_OK,
	CTL_DENIED,
	CTL_NOTSUP,
	CTL_NOTFOUND,
	CTL_BADARG,
	CTL_FAILED,
	CTL_RESULT_MAX
};

/* MSG_CONF_LISTEN kinds. */
enum listen_kind {
	LISTEN_HTTPS,
	LISTEN_HTTP_REDIRECT,	/* plain HTTP that only redirects */
};

/* MSG_CTL_USER_INFO lock states. */
enum user_lock {
	USER_LOCK_NONE,
	USER_LOCK_FAILURES,	/* unknown browsers wait, until a time */
	USER_LOCK_ADMIN,	/* by an administrator, until unlocked */
};

/* MSG_AUTH_FAIL codes; the front maps each to an HTTP status. */
enum auth_err {
	AUTH_E_BADREQ,		/* 400: malformed field */
	AUTH_E_CREDENTIALS,	/* 401: wrong name, password or code */
	AUTH_E_SESSION,		/* 401: no such session, or it expired */
	AUTH_E_CSRF,		/* 403: CSRF token missing or wrong */
	AUTH_E_LOCKED,		/* 403: account locked */
	AUTH_E_EXISTS,		/* 409: name taken */
	AUTH_E_POLICY,		/* 422: password refused by the policy */
	AUTH_E_OTP_REUSED,	/* 401: code already used */
	AUTH_E_STATE,		/* 409: not now (2FA already on, ...) */
	AUTH_E_NOTFOUND,	/* 404 */
	AUTH_E_THROTTLED,	/* 429: retry_after seconds */
	AUTH_E_BUSY,		/* 503: too many requests in flight */
	AUTH_E_INTERNAL,	/* 500 */
	AUTH_E_TIMELOCK,	/* 423: the message is locked until later */
	AUTH_E_SIGNATURE,	/* 502: a stored message fails its checks */
	AUTH_E_FORBIDDEN,	/* 403: not allowed to this account */
	AUTH_E_QUOTA,		/* 507: the sender's storage quota is full */
	AUTH_E_MAX
};

/* Store answers (MSG_STORE_FAIL codes); the front maps each to a status. */
enum store_err {
	STORE_E_OK,
	STORE_E_BADREQ,		/* 400: a field out of bounds */
	STORE_E_NOTFOUND,	/* 404: no such message, or not the caller's */
	STORE_E_LOCKED,		/* 423: time-locked until detail */
	STORE_E_LIMIT,		/* 413: a configured size or count exceeded */
	STORE_E_QUOTA,		/* 507: the sender's quota is full */
	STORE_E_BLOCKED,	/* 403: a recipient blocks the sender */
	STORE_E_STATE,		/* 409: not now (upload not open, ...) */
	STORE_E_BUSY,		/* 503: too many uploads open */
	STORE_E_INTERNAL,	/* 500 */
	STORE_E_MAX
};

/* MSG_WEB_RENDER pages; smsg-web/pages.h documents each page's keys. */
enum web_page {
	WEB_PAGE_ERROR,
	WEB_PAGE_LOGIN,
	WEB_PAGE_LOGIN_OTP,
	WEB_PAGE_REGISTER,
	WEB_PAGE_REGISTERED,	/* the recovery key, shown once */
	WEB_PAGE_RECOVER,
	WEB_PAGE_HOME,
	WEB_PAGE_PASSWORD,
	WEB_PAGE_TOTP,		/* 2FA status, enrol, disable */
	WEB_PAGE_TOTP_CODES,	/* recovery codes, shown once */
	WEB_PAGE_SESSIONS,
	WEB_PAGE_ACTIVITY,
	WEB_PAGE_CONTACTS,
	WEB_PAGE_INBOX,		/* the folders, newest first */
	WEB_PAGE_SENT,
	WEB_PAGE_MESSAGE,	/* one message, or its countdown */
	WEB_PAGE_COMPOSE,
	WEB_PAGE_CONVERSATION,	/* the messages with one person, in order */
	WEB_PAGE_BROADCAST,	/* the broadcast form */
	WEB_PAGE_CSS,		/* the style sheet, text/css */
	WEB_PAGE_JS,		/* the script, text/javascript */
	WEB_PAGE_MAX
};

/* Largest payload on each kind of channel. */
#define MAXMSG_PEER	(256 * 1024)
#define MAXMSG_CTL	(16 * 1024)

int		 route_allowed(uint32_t, enum proc_id, enum proc_id);
int		 route_readonly(uint32_t);
const char	*msg_type_name(uint32_t);
const char	*proc_name(enum proc_id);
const char	*ctl_result_str(uint32_t);

#endif
