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

#define SMSG_PROTO_VERSION	1

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

/* Largest payload on each kind of channel. */
#define MAXMSG_PEER	(256 * 1024)
#define MAXMSG_CTL	(16 * 1024)

int		 route_allowed(uint32_t, enum proc_id, enum proc_id);
int		 route_readonly(uint32_t);
const char	*msg_type_name(uint32_t);
const char	*proc_name(enum proc_id);
const char	*ctl_result_str(uint32_t);

#endif
