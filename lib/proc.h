/*
 * The process runner.  One table describes every child; the same peer
 * machinery carries messages in the parent and in every child.
 *
 * A child is a separate executable started by fork + exec with its
 * channel to the parent on fd 3.  Its life:
 *   proc_child_setup()   read MSG_SETUP from the parent (versions checked);
 *                        from here on log lines go to the parent (MSG_LOG)
 *   privdrop(), role init, sandbox_enter()
 *   proc_child_start()   event loop on fd 3; peers arrive as MSG_PEER,
 *                        each greeted with MSG_HELLO; MSG_READY to the
 *                        parent once every peer has answered
 */
#ifndef SMSG_PROC_H
#define SMSG_PROC_H

#include <sys/types.h>
#include <limits.h>

#include "msg.h"
#include "proto.h"

#define PROC_FD			3	/* a child's channel to the parent */
/* Output held to the end of a loop turn; more is written at once. */
#define PROC_FLUSH_BYTES	(64 * 1024)
/* Messages one peer's channel hands to dispatch in one loop turn. */
#define PROC_MAXBATCH		64
/* Seconds for every child to be ready: auth hashes once at start, slowly on a loaded host. */
#define PROC_SETUP_TIMEOUT	30

struct event_base;

struct proc_desc {
	enum proc_id	 id;
	const char	*name;		/* "auth" */
	const char	*title;		/* "smsg-auth", for humans and logs */
	const char	*exe;		/* under PATH_LIBEXEC; NULL: the parent */
	int		 essential;	/* its death stops the daemon */
};

/* What the parent tells a child before it drops privileges. */
struct proc_settings {
	int		 verbose;
	int		 foreground;
	unsigned int	 max_files;	/* RLIMIT_NOFILE; 0: the role's own */
	char		 user[64];
	char		 root[PATH_MAX];
};

typedef void	(*proc_dispatch_cb)(enum proc_id, struct msg *);
typedef void	(*proc_eof_cb)(enum proc_id);

const struct proc_desc	*proc_desc(enum proc_id);
uint32_t		 proc_links(enum proc_id);
const char		*proc_exe_path(enum proc_id, char *, size_t);

/* Either side. */
void	 proc_init(enum proc_id, struct event_base *, proc_dispatch_cb,
	    proc_eof_cb);
void	 proc_attach(enum proc_id, int);
void	 proc_detach(enum proc_id);
int	 proc_linked(enum proc_id);
int	 proc_send(enum proc_id, struct msgbuf *);
enum proc_id proc_self(void);

/* Parent. */
pid_t	 proc_spawn(enum proc_id, int);
void	 proc_send_setup(enum proc_id, const struct proc_settings *);
void	 proc_link_peers(enum proc_id);
int	 proc_check_hello(enum proc_id, struct msg *);
void	 proc_mark_up(enum proc_id);

/* Child: what differs between the children. */
struct proc_role {
	enum proc_id	 id;
	/*
	 * Each MSG_CONF_* message the parent sends between SETUP and
	 * SETUP_END, as root, before the privilege drop; may be NULL
	 * (then any such message is fatal).  The role copies what it
	 * keeps: m is gone when this returns.  Descriptors are the role's.
	 */
	void		(*configure)(struct msg *);
	/* after the privilege drop, before the sandbox; may be NULL */
	void		(*init)(const struct proc_settings *,
			    struct event_base *);
	/*
	 * Start the role's threads; may be NULL.  Called inside the
	 * sandbox entry: after Landlock (which binds only the calling
	 * thread and its later children) and before the process limits
	 * and seccomp (applied to every thread with TSYNC).
	 */
	void		(*threads)(void);
	proc_dispatch_cb dispatch;
	/* a peer's channel closed (it died; the parent restarts it) */
	proc_eof_cb	 peer_lost;
};

int	 proc_child_main(const struct proc_role *);
void	 proc_child_setup(const struct proc_role *, struct proc_settings *);

/* Parent: after proc_send_setup() and any MSG_CONF_*. */
void	 proc_send_setup_end(enum proc_id);

/*
 * A child's log channel (proc_log.c): started first thing in setup,
 * handed to the event loop with the parent's channel.  The lock guards
 * every write to a channel of this process.
 */
void	 proc_log_start(int);
void	 proc_log_attach(struct event_base *, struct chan *);
void	 proc_log_detach(void);
void	 proc_log_lock(void);
void	 proc_log_unlock(void);

#endif
