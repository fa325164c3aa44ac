/*
 * smsgd: the root parent (config, sockets, children, control socket).
 * It links none of the network-facing code: the front is smsg-front.
 */
#ifndef SMSGD_H
#define SMSGD_H

#include <sys/types.h>
#include <time.h>

#include "proto.h"
#include "smsgconf.h"

enum child_state {
	CHILD_STOPPED,
	CHILD_STARTING,		/* spawned, not yet READY */
	CHILD_RUNNING,
};

#define RESTART_HISTORY	100	/* the largest restart.limit */

struct child {
	pid_t		 pid;
	enum child_state state;
	time_t		 started;	/* wall clock, for show status */
	unsigned int	 restarts;
	time_t		 deaths[RESTART_HISTORY];	/* monotonic seconds */
	unsigned int	 ndeaths;
};

struct smsgd {
	struct smsg_config	 conf;
	struct event_base	*base;
	int			 foreground;
	int			 verbose;
	time_t			 started;
	int			 stopping;
	int			 exitcode;
	gid_t			 admin_gid;
	struct child		 children[PROC_MAX];
};

extern struct smsgd	*smsgd;

/* parent.c */
void	parent_start(void);
void	parent_stop(int, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	parent_set_verbose(int);
const char *child_state_name(enum child_state);

/* checks.c */
void	checks_run(const struct smsg_config *, gid_t *);

/* control.c */
struct msg;
void	control_listen(void);
void	control_cleanup(void);
void	control_relay_up(enum proc_id, struct msg *);
void	control_auth_gone(void);

/* rolesetup.c */
void	rolesetup_prepare(const struct smsg_config *);
void	rolesetup_send(enum proc_id, const struct smsg_config *);

#endif
