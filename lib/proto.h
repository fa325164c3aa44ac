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

#define SMSG_PROTO_VERSION	3

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
	MSG_SETUP,		/* parent -> child: version, settings */
	MSG_HELLO,		/* child -> parent, peer -> peer: version */
	MSG_PEER,		/* parent -> child: socket to a peer (fd) */
	MSG_READY,		/* child -> parent: all peers connected */
	MSG_LOG_VERBOSE,	/* parent -> child: u8 verbose */

	/*
	 * Role configuration: between SETUP and SETUP_END, before the child
	 * drops privileges, read synchronously by proc_child_setup().
	 */
	MSG_CONF_FRONT,		/* u32 workers, u32 header_timeout,
				   u32 body_timeout, u32 idle_timeout,
				   u32 form_max, u32 login_rate,
				   u32 register_rate, u16 https_port,
				   u32 max_conns, u32 max_conns_per_net,
				   u8 ipv4_prefix, u8 ipv6_prefix */
	MSG_CONF_TLS,		/* bytes cert_pem (chain), bytes key_pem */
	MSG_CONF_LISTEN,	/* u8 kind (LISTEN_*), string name; fd */
	MSG_CONF_AUTH,		/* u8 scrypt_logn, u32 scrypt_r, u32 scrypt_p,
				   u32 hash_threads, u32 idle_timeout,
				   u32 lifetime, u8 min_score,
				   u32 lockout_threshold, u32 lockout_max,
				   string issuer, u8 ipv4_prefix,
				   u8 ipv6_prefix */
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
	MSG_AUTH_TOTP_CONFIRM,	/* session prefix, string code
				   -> AUTH_CODES */
	MSG_AUTH_TOTP_DISABLE,	/* session prefix, string password,
				   string code -> AUTH_OK */
	MSG_AUTH_SESSIONS,	/* session prefix -> AUTH_SESSION_INFO...,
				   AUTH_END */
	MSG_AUTH_REVOKE,	/* session prefix, u64 id -> AUTH_OK */
	MSG_AUTH_ACTIVITY,	/* session prefix -> AUTH_EVENT..., AUTH_END */

	/* auth -> front */
	MSG_AUTH_OK,
	MSG_AUTH_FAIL,		/* u32 code (AUTH_E_*), u32 retry_after,
				   string message for the user */
	MSG_AUTH_REGISTERED,	/* string name, string recovery_key */
	MSG_AUTH_SESSION,	/* string token, string csrf, u64 expires,
				   string name, string device (the device
				   token to keep), u32 device_max_age */
	MSG_AUTH_NEED_OTP,	/* string pending */
	MSG_AUTH_WHO,		/* string name, u32 uid, u64 session_id,
				   u64 expires, string csrf, u8 totp_on */
	MSG_AUTH_TOTP_SECRET,	/* string secret_base32, string otpauth_uri */
	MSG_AUTH_CODES,		/* u32 n, n * string recovery code */
	MSG_AUTH_SESSION_INFO,	/* u64 id, u64 created, u64 last_seen,
				   u64 expires, string addr, string agent,
				   u8 current */
	MSG_AUTH_EVENT,		/* u64 time, string event, string addr,
				   string detail */
	MSG_AUTH_END,

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
				   u64 last_login */
	MSG_CTL_USER_SECRET,	/* string label, string value: shown once */
	MSG_CTL_SHOW_SESSIONS,	/* string name ("" for everyone) */
	MSG_CTL_SESSION_INFO,	/* u64 id, string name, u64 created,
				   u64 last_seen, u64 expires, string addr */
	MSG_CTL_SESSION_REVOKE,	/* u64 id */

	MSG_TYPE_MAX
};

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
	AUTH_E_MAX
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
	WEB_PAGE_CSS,		/* the style sheet, text/css */
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
