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

	[MSG_CTL_HELLO] =	{ "CTL_HELLO", P(CTL) | P(PARENT),
				  P(CTL) | P(PARENT), 1 },
	[MSG_CTL_RESULT] =	{ "CTL_RESULT", P(PARENT), P(CTL) },
	[MSG_CTL_END] =		{ "CTL_END", P(PARENT), P(CTL) },
	[MSG_CTL_SHOW_STATUS] =	{ "CTL_SHOW_STATUS", P(CTL), P(PARENT), 1 },
	[MSG_CTL_STATUS_DAEMON] = { "CTL_STATUS_DAEMON", P(PARENT), P(CTL) },
	[MSG_CTL_STATUS_PROC] =	{ "CTL_STATUS_PROC", P(PARENT), P(CTL) },
	[MSG_CTL_LOG_VERBOSE] =	{ "CTL_LOG_VERBOSE", P(CTL), P(PARENT) },
	[MSG_CTL_STOP] =	{ "CTL_STOP", P(CTL), P(PARENT) },
};

/* Peer links that exist at all; anything else is never set up. */
static const uint32_t links[PROC_MAX] = {
	[PROC_PARENT] = PROC_CHILDREN | P(CTL),
	[PROC_FRONT] = P(PARENT) | P(AUTH) | P(STORE) | P(WEB),
	[PROC_AUTH] = P(PARENT) | P(FRONT),
	[PROC_STORE] = P(PARENT) | P(FRONT),
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
