/*
 * The one place that knows which process may send which message to whom.
 * A message not in this table, or arriving from a sender not listed for
 * it, is refused by the receiver: fatal from a peer process, the end of
 * the connection from smsgctl.
 */
#include "config.h"

#include <stddef.h>

#include "proto.h"
#include "proc.h"

#define P(x)	PROC_BIT(PROC_##x)
/* smsgctl -> parent -> auth, and the answers back. */
#define RELAY_DOWN	P(CTL) | P(PARENT), P(PARENT) | P(AUTH)
#define RELAY_UP	P(AUTH) | P(PARENT), P(PARENT) | P(CTL)
/* smsgctl -> parent -> store, and the answers back. */
#define STORE_DOWN	P(CTL) | P(PARENT), P(PARENT) | P(STORE)
#define STORE_UP	P(STORE) | P(PARENT), P(PARENT) | P(CTL)
#define TO_STORE	P(FRONT), P(STORE)
#define FROM_STORE	P(STORE), P(FRONT)
/* The store's plain answers go to auth too (STORE_SYS_*). */
#define STORE_ANSWER	P(STORE), P(FRONT) | P(AUTH)

static const struct route {
	const char	*name;
	uint32_t	 from;
	uint32_t	 to;
	int		 readonly;	/* allowed on the read-only socket */
} routes[MSG_TYPE_MAX] = {
	[MSG_SETUP] =		{ "SETUP", P(PARENT), PROC_CHILDREN },
	[MSG_HELLO] =		{ "HELLO", PROC_CHILDREN,
				  PROC_CHILDREN | P(PARENT) },
	[MSG_PEER] =		{ "PEER", P(PARENT), PROC_CHILDREN },
	[MSG_READY] =		{ "READY", PROC_CHILDREN, P(PARENT) },
	[MSG_LOG_VERBOSE] =	{ "LOG_VERBOSE", P(PARENT), PROC_CHILDREN },
	[MSG_LOG] =		{ "LOG", PROC_CHILDREN, P(PARENT) },

	[MSG_CONF_FRONT] =	{ "CONF_FRONT", P(PARENT), P(FRONT) },
	[MSG_CONF_TLS] =	{ "CONF_TLS", P(PARENT), P(FRONT) },
	[MSG_CONF_LISTEN] =	{ "CONF_LISTEN", P(PARENT), P(FRONT) },
	[MSG_CONF_AUTH] =	{ "CONF_AUTH", P(PARENT), P(AUTH) },
	[MSG_SETUP_END] =	{ "SETUP_END", P(PARENT), PROC_CHILDREN },

	[MSG_AUTH_REGISTER] =	{ "AUTH_REGISTER", P(FRONT), P(AUTH) },
	[MSG_AUTH_LOGIN] =	{ "AUTH_LOGIN", P(FRONT), P(AUTH) },
	[MSG_AUTH_LOGIN_OTP] =	{ "AUTH_LOGIN_OTP", P(FRONT), P(AUTH) },
	[MSG_AUTH_RECOVER] =	{ "AUTH_RECOVER", P(FRONT), P(AUTH) },
	[MSG_AUTH_CHECK] =	{ "AUTH_CHECK", P(FRONT), P(AUTH) },
	[MSG_AUTH_LOGOUT] =	{ "AUTH_LOGOUT", P(FRONT), P(AUTH) },
	[MSG_AUTH_PASSWORD] =	{ "AUTH_PASSWORD", P(FRONT), P(AUTH) },
	[MSG_AUTH_TOTP_BEGIN] =	{ "AUTH_TOTP_BEGIN", P(FRONT), P(AUTH) },
	[MSG_AUTH_TOTP_CONFIRM] = { "AUTH_TOTP_CONFIRM", P(FRONT), P(AUTH) },
	[MSG_AUTH_TOTP_DISABLE] = { "AUTH_TOTP_DISABLE", P(FRONT), P(AUTH) },
	[MSG_AUTH_SESSIONS] =	{ "AUTH_SESSIONS", P(FRONT), P(AUTH) },
	[MSG_AUTH_REVOKE] =	{ "AUTH_REVOKE", P(FRONT), P(AUTH) },
	[MSG_AUTH_ACTIVITY] =	{ "AUTH_ACTIVITY", P(FRONT), P(AUTH) },
	[MSG_AUTH_REPLAY] =	{ "AUTH_REPLAY", P(FRONT), P(AUTH) },

	[MSG_AUTH_OK] =		{ "AUTH_OK", P(AUTH), P(FRONT) },
	[MSG_AUTH_FAIL] =	{ "AUTH_FAIL", P(AUTH), P(FRONT) },
	[MSG_AUTH_REGISTERED] =	{ "AUTH_REGISTERED", P(AUTH), P(FRONT) },
	[MSG_AUTH_SESSION] =	{ "AUTH_SESSION", P(AUTH), P(FRONT) },
	[MSG_AUTH_NEED_OTP] =	{ "AUTH_NEED_OTP", P(AUTH), P(FRONT) },
	[MSG_AUTH_WHO] =	{ "AUTH_WHO", P(AUTH), P(FRONT) },
	[MSG_AUTH_TOTP_SECRET] = { "AUTH_TOTP_SECRET", P(AUTH), P(FRONT) },
	[MSG_AUTH_CODES] =	{ "AUTH_CODES", P(AUTH), P(FRONT) },
	[MSG_AUTH_SESSION_INFO] = { "AUTH_SESSION_INFO", P(AUTH), P(FRONT) },
	[MSG_AUTH_EVENT] =	{ "AUTH_EVENT", P(AUTH), P(FRONT) },
	[MSG_AUTH_REPLAY_EVENT] = { "AUTH_REPLAY_EVENT", P(AUTH), P(FRONT) },
	[MSG_AUTH_END] =	{ "AUTH_END", P(AUTH), P(FRONT) },

	[MSG_PUSH_EVENT] =	{ "PUSH_EVENT", P(AUTH) | P(STORE), P(FRONT) },
	[MSG_PUSH_SESSION_END] = { "PUSH_SESSION_END", P(AUTH), P(FRONT) },

	[MSG_WEB_RENDER] =	{ "WEB_RENDER", P(FRONT), P(WEB) },
	[MSG_WEB_PAGE] =	{ "WEB_PAGE", P(WEB), P(FRONT) },

	[MSG_CTL_HELLO] =	{ "CTL_HELLO", P(CTL) | P(PARENT),
				  P(CTL) | P(PARENT), 1 },
	[MSG_CTL_RESULT] =	{ "CTL_RESULT", P(PARENT) | P(AUTH) | P(STORE),
				  P(CTL) | P(PARENT) },
	[MSG_CTL_END] =		{ "CTL_END", P(PARENT) | P(AUTH) | P(STORE),
				  P(CTL) | P(PARENT) },
	[MSG_CTL_SHOW_STATUS] =	{ "CTL_SHOW_STATUS", P(CTL), P(PARENT), 1 },
	[MSG_CTL_STATUS_DAEMON] = { "CTL_STATUS_DAEMON", P(PARENT), P(CTL) },
	[MSG_CTL_STATUS_PROC] =	{ "CTL_STATUS_PROC", P(PARENT), P(CTL) },
	[MSG_CTL_LOG_VERBOSE] =	{ "CTL_LOG_VERBOSE", P(CTL), P(PARENT) },
	[MSG_CTL_STOP] =	{ "CTL_STOP", P(CTL), P(PARENT) },

	/*
	 * Relayed to auth by the parent.  Not on the read-only socket: the
	 * answers name people and their addresses.
	 */
	[MSG_CTL_USER_ADD] =	{ "CTL_USER_ADD", RELAY_DOWN },
	[MSG_CTL_USER_LIST] =	{ "CTL_USER_LIST", RELAY_DOWN },
	[MSG_CTL_USER_SHOW] =	{ "CTL_USER_SHOW", RELAY_DOWN },
	[MSG_CTL_USER_LOCK] =	{ "CTL_USER_LOCK", RELAY_DOWN },
	[MSG_CTL_USER_UNLOCK] =	{ "CTL_USER_UNLOCK", RELAY_DOWN },
	[MSG_CTL_USER_RESET_2FA] = { "CTL_USER_RESET_2FA", RELAY_DOWN },
	[MSG_CTL_USER_RESET_PASSWORD] =
				{ "CTL_USER_RESET_PASSWORD", RELAY_DOWN },
	[MSG_CTL_USER_DELETE] =	{ "CTL_USER_DELETE", RELAY_DOWN },
	[MSG_CTL_SHOW_SESSIONS] = { "CTL_SHOW_SESSIONS", RELAY_DOWN },
	[MSG_CTL_SESSION_REVOKE] = { "CTL_SESSION_REVOKE", RELAY_DOWN },
	[MSG_CTL_USER_INFO] =	{ "CTL_USER_INFO", RELAY_UP },
	[MSG_CTL_USER_SECRET] =	{ "CTL_USER_SECRET", RELAY_UP },
	[MSG_CTL_SESSION_INFO] = { "CTL_SESSION_INFO", RELAY_UP },
	[MSG_CTL_USER_ADMIN] =	{ "CTL_USER_ADMIN", RELAY_DOWN },

	/*
	 * Relayed to the store.  Totals only, nobody's messages: show
	 * messages is allowed on the read-only socket, purge is not.
	 */
	[MSG_CTL_SHOW_MESSAGES] = { "CTL_SHOW_MESSAGES", STORE_DOWN, 1 },
	[MSG_CTL_PURGE] =	{ "CTL_PURGE", STORE_DOWN },
	[MSG_CTL_MESSAGES_INFO] = { "CTL_MESSAGES_INFO", STORE_UP },
	[MSG_CTL_MESSAGES_DAY] = { "CTL_MESSAGES_DAY", STORE_UP },
	[MSG_CTL_PURGED] =	{ "CTL_PURGED", STORE_UP },
	[MSG_CTL_USER_USAGE] =	{ "CTL_USER_USAGE", STORE_DOWN },
	[MSG_CTL_USAGE_INFO] =	{ "CTL_USAGE_INFO", STORE_UP },

	[MSG_CONF_STORE] =	{ "CONF_STORE", P(PARENT), P(STORE) },

	[MSG_STORE_UPLOAD_BEGIN] = { "STORE_UPLOAD_BEGIN", TO_STORE },
	[MSG_STORE_UPLOAD_CHUNK] = { "STORE_UPLOAD_CHUNK", TO_STORE },
	[MSG_STORE_UPLOAD_COMMIT] = { "STORE_UPLOAD_COMMIT", TO_STORE },
	[MSG_STORE_UPLOAD_ABORT] = { "STORE_UPLOAD_ABORT", TO_STORE },
	[MSG_STORE_UPLOAD_PUT] = { "STORE_UPLOAD_PUT", TO_STORE },
	[MSG_STORE_LIST] =	{ "STORE_LIST", TO_STORE },
	[MSG_STORE_GET_TEXT] =	{ "STORE_GET_TEXT", TO_STORE },
	[MSG_STORE_GET] =	{ "STORE_GET", TO_STORE },
	[MSG_STORE_CHUNK_GET] =	{ "STORE_CHUNK_GET", TO_STORE },
	[MSG_STORE_READ] =	{ "STORE_READ", TO_STORE },
	[MSG_STORE_DELETE] =	{ "STORE_DELETE", TO_STORE },
	[MSG_STORE_CONTACTS] =	{ "STORE_CONTACTS", TO_STORE },
	[MSG_STORE_CONTACT_ADD] = { "STORE_CONTACT_ADD", TO_STORE },
	[MSG_STORE_CONTACT_REMOVE] = { "STORE_CONTACT_REMOVE", TO_STORE },
	[MSG_STORE_CONTACT_VERIFY] = { "STORE_CONTACT_VERIFY", TO_STORE },
	[MSG_STORE_CONTACT_BLOCK] = { "STORE_CONTACT_BLOCK", TO_STORE },
	[MSG_STORE_OK] =	{ "STORE_OK", STORE_ANSWER },
	[MSG_STORE_FAIL] =	{ "STORE_FAIL", STORE_ANSWER },
	[MSG_STORE_UPLOADING] =	{ "STORE_UPLOADING", FROM_STORE },
	[MSG_STORE_SENT] =	{ "STORE_SENT", FROM_STORE },
	[MSG_STORE_HEADER] =	{ "STORE_HEADER", FROM_STORE },
	[MSG_STORE_CHUNK] =	{ "STORE_CHUNK", FROM_STORE },
	[MSG_STORE_CONTACT] =	{ "STORE_CONTACT", FROM_STORE },
	[MSG_STORE_END] =	{ "STORE_END", FROM_STORE },

	[MSG_AUTH_PUBKEYS] =	{ "AUTH_PUBKEYS", P(FRONT), P(AUTH) },
	[MSG_AUTH_KEY_SEAL] =	{ "AUTH_KEY_SEAL", P(FRONT), P(AUTH) },
	[MSG_AUTH_KEY_UNWRAP] =	{ "AUTH_KEY_UNWRAP", P(FRONT), P(AUTH) },
	[MSG_AUTH_KEY_UNWRAP_PAGE] = { "AUTH_KEY_UNWRAP_PAGE", P(FRONT),
	    P(AUTH) },
	[MSG_AUTH_NAMES] =	{ "AUTH_NAMES", P(FRONT), P(AUTH) },
	[MSG_AUTH_PUBKEY] =	{ "AUTH_PUBKEY", P(AUTH), P(FRONT) },
	[MSG_AUTH_SEALED] =	{ "AUTH_SEALED", P(AUTH), P(FRONT) },
	[MSG_AUTH_NAME_LIST] =	{ "AUTH_NAME_LIST", P(AUTH), P(FRONT) },
	[MSG_AUTH_CONTENT_KEY] = { "AUTH_CONTENT_KEY", P(AUTH), P(FRONT) },
	[MSG_AUTH_CONTENT_KEYS] = { "AUTH_CONTENT_KEYS", P(AUTH), P(FRONT) },
#ifdef SMSG_TEST_HOOKS
	[MSG_AUTH_TEST_UNWRAP] = { "AUTH_TEST_UNWRAP", P(FRONT), P(AUTH) },
#endif
	[MSG_AUTH_CONTACT_KEYS] = { "AUTH_CONTACT_KEYS", P(FRONT), P(AUTH) },
	[MSG_AUTH_CONTACT_KEY] = { "AUTH_CONTACT_KEY", P(AUTH), P(FRONT) },

	[MSG_AUTH_BROADCAST] =	{ "AUTH_BROADCAST", P(FRONT), P(AUTH) },
	[MSG_AUTH_BROADCAST_SENT] = { "AUTH_BROADCAST_SENT", P(AUTH),
				  P(FRONT) },
	[MSG_CTL_BROADCAST] =	{ "CTL_BROADCAST", RELAY_DOWN },
	[MSG_CTL_BROADCAST_SENT] = { "CTL_BROADCAST_SENT", RELAY_UP },
	/* auth hands the store what it sealed itself, and says who left */
	[MSG_STORE_SYS_PUT] =	{ "STORE_SYS_PUT", P(AUTH), P(STORE) },
	[MSG_STORE_SYS_COPIES] = { "STORE_SYS_COPIES", P(AUTH), P(STORE) },
	[MSG_STORE_SYS_UNDO] =	{ "STORE_SYS_UNDO", P(AUTH), P(STORE) },
	[MSG_STORE_USER_GONE] =	{ "STORE_USER_GONE", P(AUTH), P(STORE) },
	/* counts only: allowed on the read-only socket */
	[MSG_CTL_SHOW_NOTICES] = { "CTL_SHOW_NOTICES", RELAY_DOWN, 1 },
	[MSG_CTL_NOTICES_INFO] = { "CTL_NOTICES_INFO", RELAY_UP },
};

/* Peer links that exist at all; anything else is never set up. */
static const uint32_t links[PROC_MAX] = {
	[PROC_PARENT] = PROC_CHILDREN | P(CTL),
	[PROC_FRONT] = P(PARENT) | P(AUTH) | P(STORE) | P(WEB),
	[PROC_AUTH] = P(PARENT) | P(FRONT) | P(STORE),
	[PROC_STORE] = P(PARENT) | P(FRONT) | P(AUTH),
	[PROC_WEB] = P(PARENT) | P(FRONT),
	[PROC_CTL] = P(PARENT),
};

int
route_allowed(uint32_t type, enum proc_id from, enum proc_id to)
{
	if (type == MSG_NONE || type >= MSG_TYPE_MAX ||
	    from >= PROC_MAX || to >= PROC_MAX)
		return 0;
	if (!(links[from] & PROC_BIT(to)))
		return 0;
	return (routes[type].from & PROC_BIT(from)) &&
	    (routes[type].to & PROC_BIT(to));
}

/* May an smsgctl on the read-only socket send this? */
int
route_readonly(uint32_t type)
{
	return type < MSG_TYPE_MAX && routes[type].readonly;
}

const char *
msg_type_name(uint32_t type)
{
	if (type >= MSG_TYPE_MAX || routes[type].name == NULL)
		return "UNKNOWN";
	return routes[type].name;
}

const char *
proc_name(enum proc_id id)
{
	static const char *names[PROC_MAX] = {
		"parent", "front", "auth", "store", "web", "smsgctl"
	};

	return id < PROC_MAX ? names[id] : "unknown";
}

const char *
ctl_result_str(uint32_t code)
{
	static const char *str[CTL_RESULT_MAX] = {
		[CTL_OK] = "ok",
		[CTL_DENIED] = "permission denied",
		[CTL_NOTSUP] = "not supported",
		[CTL_NOTFOUND] = "not found",
		[CTL_BADARG] = "bad argument",
		[CTL_FAILED] = "failed",
	};

	return code < CTL_RESULT_MAX ? str[code] : "unknown error";
}

uint32_t
proc_links(enum proc_id id)
{
	return id < PROC_MAX ? links[id] : 0;
}
